//! `rewrite` run as a user runs it: modes and exit codes, the JSON document,
//! and the promises about files: encodings, line endings, modes, the
//! dirty-tree guard, idempotence, and a dry-run patch that `git apply` takes.

mod common;

use common::{cli, here};
use std::path::Path;
use std::process::{Command, Output};

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn read(root: &Path, rel: &str) -> Vec<u8> {
    std::fs::read(root.join(rel)).unwrap()
}

fn rewrite(root: &Path, args: &[&str]) -> Output {
    cli(here())
        .current_dir(root)
        .arg("rewrite")
        .arg(".")
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .unwrap()
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap()
}

fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn replace(b: &[u8], from: &str, to: &str) -> Vec<u8> {
    let mut out = Vec::new();
    let mut i = 0;
    while i < b.len() {
        if b[i..].starts_with(from.as_bytes()) {
            out.extend_from_slice(to.as_bytes());
            i += from.len();
        } else {
            out.push(b[i]);
            i += 1;
        }
    }
    out
}

const OLD_URL: &str = "https://openrouter.ai/api/v1";
const NEW_URL: &str = "https://api.llmgateway.io/v1";

/// A Python file with only automatic findings (base URL, key env name).
fn py(nl: &str) -> String {
    format!(
        "import os{nl}from openai import OpenAI{nl}{nl}client = OpenAI(base_url=\"{OLD_URL}\", api_key=os.environ[\"OPENROUTER_API_KEY\"]){nl}"
    )
}

fn expected(b: &[u8]) -> Vec<u8> {
    replace(
        &replace(b, OLD_URL, NEW_URL),
        "OPENROUTER_API_KEY",
        "LLM_GATEWAY_API_KEY",
    )
}

#[test]
fn crlf_bom_latin1_and_utf16_survive_a_write() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let crlf = py("\r\n").into_bytes();
    let mut bom = b"\xEF\xBB\xBF".to_vec();
    bom.extend_from_slice(py("\n").as_bytes());
    let mut latin1 = b"# caf\xE9 cr\xE8me\n".to_vec();
    latin1.extend_from_slice(py("\n").as_bytes());
    latin1.extend_from_slice(b"# \xFF end, no newline");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in py("\r\n").encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write(root, "crlf.py", &crlf);
    write(root, "bom.py", &bom);
    write(root, "latin1.py", &latin1);
    write(root, "utf16.py", &utf16);
    let o = rewrite(root, &["--write"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(read(root, "crlf.py"), expected(&crlf));
    assert_eq!(read(root, "bom.py"), expected(&bom));
    assert_eq!(read(root, "latin1.py"), expected(&latin1));
    let got = read(root, "utf16.py");
    assert_eq!(&got[..2], &[0xFF, 0xFE]);
    let units: Vec<u16> = got[2..]
        .chunks(2)
        .map(|c| u16::from_le_bytes([c[0], c[1]]))
        .collect();
    let decoded = String::from_utf16(&units).unwrap();
    assert_eq!(decoded.as_bytes(), expected(py("\r\n").as_bytes()));
    // Idempotent: a second run has nothing to do and touches nothing.
    let before: Vec<Vec<u8>> = ["crlf.py", "bom.py", "latin1.py", "utf16.py"]
        .iter()
        .map(|f| read(root, f))
        .collect();
    let o = rewrite(root, &["--write"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(text(&o).contains("wrote 0 file(s)"), "{}", text(&o));
    let after: Vec<Vec<u8>> = ["crlf.py", "bom.py", "latin1.py", "utf16.py"]
        .iter()
        .map(|f| read(root, f))
        .collect();
    assert_eq!(before, after);
}

#[cfg(unix)]
#[test]
fn file_mode_is_kept() {
    use std::os::unix::fs::PermissionsExt;
    let d = tempfile::tempdir().unwrap();
    let script = format!("#!/bin/sh\ncurl -s \"{OLD_URL}/chat/completions\" -H \"Authorization: Bearer $OPENROUTER_API_KEY\"\n");
    write(d.path(), "run.sh", script.as_bytes());
    let p = d.path().join("run.sh");
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o754)).unwrap();
    let o = rewrite(d.path(), &["--write"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(read(d.path(), "run.sh"), expected(script.as_bytes()));
    let mode = std::fs::metadata(&p).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o754);
}

#[test]
fn modes_and_exit_codes() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let src = py("\n");
    write(root, "app.py", src.as_bytes());
    // dry-run (default): a patch, exit 1, nothing written.
    let o = rewrite(root, &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.contains("--- a/app.py\n+++ b/app.py\n"), "{out}");
    assert!(out.contains(&format!("+client = OpenAI(base_url=\"{NEW_URL}\"")));
    assert_eq!(read(root, "app.py"), src.as_bytes());
    // check: exit 1 while edits remain, nothing written.
    let o = rewrite(root, &["--check"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("app.py: 2 automatic edit(s) pending"));
    assert_eq!(read(root, "app.py"), src.as_bytes());
    // write: exit 0 (no manual items), then check and dry-run are clean.
    let o = rewrite(root, &["--write"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(code(&rewrite(root, &["--check"])), 0);
    assert_eq!(code(&rewrite(root, &[])), 0);
    // Manual items keep dry-run and write at 1, but not check.
    write(
        root,
        "route.py",
        format!("import requests\nrequests.post(\"{OLD_URL}/credits\")\n").as_bytes(),
    );
    let o = rewrite(root, &["--write"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert!(text(&o).contains("route.py:2:"), "{}", text(&o));
    assert_eq!(code(&rewrite(root, &["--check"])), 0);
    // Errors are 2.
    let o = rewrite(root, &["--to", "nosuchgateway"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
}

#[test]
fn json_document_lists_edits_and_manual_items() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "app.py", py("\n").as_bytes());
    write(
        root,
        "route.py",
        format!("import requests\nrequests.post(\"{OLD_URL}/credits\")\n").as_bytes(),
    );
    let o = rewrite(root, &["--format", "json"]);
    assert_eq!(code(&o), 1);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["mode"], "dry-run");
    assert!(v["table"].as_str().unwrap().starts_with("llmgateway@"));
    let files = v["files"].as_array().unwrap();
    assert_eq!(files.len(), 1);
    assert_eq!(files[0]["path"], "app.py");
    assert_eq!(files[0]["status"], "pending");
    let edits = files[0]["edits"].as_array().unwrap();
    let url = edits.iter().find(|e| e["kind"] == "base-url").unwrap();
    assert_eq!(url["before"], OLD_URL);
    assert_eq!(url["after"], NEW_URL);
    assert_eq!(url["line"], 4);
    for key in ["column", "end_line", "end_column", "rule"] {
        assert!(!url[key].is_null(), "{key}");
    }
    let manual = v["manual"].as_array().unwrap();
    assert_eq!(manual.len(), 1);
    assert_eq!(manual[0]["path"], "route.py");
    assert_eq!(manual[0]["line"], 2);
    for key in ["kind", "match", "why", "suggestion", "rule"] {
        assert!(manual[0][key].is_string(), "{key}");
    }
    assert_eq!(v["summary"]["edits"], 2);
    assert_eq!(v["summary"]["manual"], 1);
    // --write reports what it wrote.
    let o = rewrite(root, &["--write", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(v["files"][0]["status"], "written");
}

fn git(root: &Path, args: &[&str]) {
    let o = Command::new("git")
        .current_dir(root)
        .args(["-c", "user.email=t@example.com", "-c", "user.name=t"])
        .args(args)
        .output()
        .unwrap();
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

#[test]
fn dirty_tree_guard() {
    if Command::new("git").arg("--version").output().is_err() {
        return;
    }
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    git(root, &["init", "-q"]);
    write(root, "app.py", py("\n").as_bytes());
    write(root, "other.py", b"x = 1\n");
    git(root, &["add", "."]);
    git(root, &["commit", "-qm", "init"]);
    // An uncommitted change in a file to rewrite: refused, nothing written.
    let dirty = format!("{}# local change\n", py("\n"));
    write(root, "app.py", dirty.as_bytes());
    let o = rewrite(root, &["--write"]);
    assert_eq!(code(&o), 2, "{}", text(&o));
    let msg = text(&o);
    assert!(
        msg.contains("uncommitted") && msg.contains("app.py"),
        "{msg}"
    );
    assert!(msg.contains("--allow-dirty"), "{msg}");
    assert_eq!(read(root, "app.py"), dirty.as_bytes());
    // Dry-run and check never need a clean tree.
    assert_eq!(code(&rewrite(root, &[])), 1);
    // --allow-dirty writes.
    let o = rewrite(root, &["--write", "--allow-dirty"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(read(root, "app.py"), expected(dirty.as_bytes()));
    // Committed: no flag needed. A dirty file that is not touched does not block.
    git(root, &["commit", "-qam", "migrated"]);
    write(root, "new.py", py("\n").as_bytes());
    git(root, &["add", "new.py"]);
    git(root, &["commit", "-qm", "new"]);
    write(root, "other.py", b"x = 2\n");
    let o = rewrite(root, &["--write"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(read(root, "new.py"), expected(py("\n").as_bytes()));
    // An untracked file to rewrite counts as uncommitted.
    write(root, "untracked.py", py("\n").as_bytes());
    assert_eq!(code(&rewrite(root, &["--write"])), 2);
}

#[test]
fn keep_old_env_adds_the_new_variable_without_copying_the_key() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let key = format!("sk-or-v1-{}", "0123456789abcdef".repeat(4));
    let env = format!("OPENROUTER_API_KEY={key}\r\nOPENROUTER_BASE_URL={OLD_URL}\r\nDEBUG=1");
    write(root, ".env", env.as_bytes());
    let o = rewrite(root, &["--write", "--keep-old-env"]);
    assert_eq!(code(&o), 1, "{}", text(&o)); // the hard-coded key is a manual item
    assert!(!text(&o).contains(&key), "a key was printed");
    let got = String::from_utf8(read(root, ".env")).unwrap();
    assert!(
        got.starts_with(&format!("OPENROUTER_API_KEY={key}\r\n")),
        "{got}"
    );
    assert!(got.contains("\r\nLLM_GATEWAY_API_KEY=\r\n"), "{got}");
    assert!(
        got.contains(&format!(
            "OPENROUTER_BASE_URL={OLD_URL}\r\nLLM_GATEWAY_API_BASE={NEW_URL}\r\n"
        )),
        "{got}"
    );
    assert_eq!(got.matches(&key).count(), 1, "the key was copied: {got}");
    assert!(
        !got.replace("\r\n", "").contains('\n'),
        "line endings changed"
    );
    // Second run: nothing to add.
    let o = rewrite(root, &["--write", "--keep-old-env"]);
    assert!(text(&o).contains("wrote 0 file(s)"), "{}", text(&o));
    assert_eq!(read(root, ".env"), got.as_bytes());
}

#[test]
fn dry_run_patch_applied_with_git_apply_equals_write() {
    if Command::new("git").arg("--version").output().is_err() {
        return;
    }
    let a = tempfile::tempdir().unwrap();
    let b = tempfile::tempdir().unwrap();
    let files: Vec<(&str, Vec<u8>)> = vec![
        ("app.py", py("\n").into_bytes()),
        ("win/app.py", py("\r\n").into_bytes()),
        ("lat.py", {
            let mut v = b"# \xE9\n".to_vec();
            v.extend_from_slice(py("\n").trim_end().as_bytes());
            v
        }),
        (
            "dir with space/h.js",
            format!(
                "const r = await fetch(\"{OLD_URL}/chat/completions\", {{\n  headers: {{\n    Authorization: `Bearer ${{process.env.OPENROUTER_API_KEY}}`,\n    \"HTTP-Referer\": \"https://x.dev\",\n  }},\n}});\n"
            )
            .into_bytes(),
        ),
    ];
    for (p, c) in &files {
        write(a.path(), p, c);
        write(b.path(), p, c);
    }
    let o = rewrite(a.path(), &[]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    std::fs::write(b.path().join("x.patch"), &o.stdout).unwrap();
    let ap = Command::new("git")
        .current_dir(b.path())
        .args(["apply", "x.patch"])
        .output()
        .unwrap();
    assert!(ap.status.success(), "git apply: {}", text(&ap));
    std::fs::remove_file(b.path().join("x.patch")).unwrap();
    let o = rewrite(a.path(), &["--write"]);
    assert!(code(&o) < 2, "{}", text(&o));
    for (p, orig) in &files {
        let (x, y) = (read(a.path(), p), read(b.path(), p));
        assert_eq!(x, y, "{p} differs between --write and git apply");
        assert_ne!(&x, orig, "{p} was not rewritten");
    }
}

#[test]
fn suppressed_lines_are_not_rewritten_and_check_speaks_ci_formats() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    let kept = format!("LEGACY = \"{OLD_URL}\"  # llmgw-migrate: ignore\n");
    write(root, "legacy.py", kept.as_bytes());
    write(root, "app.py", py("\n").as_bytes());
    let o = rewrite(root, &["--check", "--format", "github"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    let out = String::from_utf8_lossy(&o.stdout).into_owned();
    assert!(out.lines().all(|l| l.starts_with("::")), "{out}");
    assert!(
        out.contains("file=app.py") && !out.contains("legacy.py"),
        "{out}"
    );
    // CI formats belong to --check.
    assert_eq!(code(&rewrite(root, &["--format", "sarif"])), 2);
    let o = rewrite(root, &["--write"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(read(root, "legacy.py"), kept.as_bytes());
    let o = rewrite(root, &["--check", "--format", "junit"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert!(String::from_utf8_lossy(&o.stdout).contains("<testsuites"));
}

#[cfg(unix)]
#[test]
fn a_file_reached_through_a_symlink_is_written_once_and_the_link_stays() {
    let d = tempfile::tempdir().unwrap();
    let root = d.path();
    write(root, "a.py", py("\n").as_bytes());
    std::os::unix::fs::symlink("a.py", root.join("link.py")).unwrap();
    let o = rewrite(root, &["--write", "--follow"]);
    assert_eq!(code(&o), 0, "{}", text(&o));
    assert_eq!(read(root, "a.py"), expected(py("\n").as_bytes()));
    let meta = std::fs::symlink_metadata(root.join("link.py")).unwrap();
    assert!(meta.file_type().is_symlink());
}

/// Built output is never edited (its findings are manual: change the source
/// and rebuild), and docs that name a program constant stay as they are
/// unless `--rename-identifiers` renames the constant too.
#[test]
fn built_output_and_docs_naming_a_constant_are_left_alone() {
    let dir = tempfile::tempdir().unwrap();
    common::copy_tree(&here().join("fixtures/built-app"), dir.path());
    let before = |rel: &str| read(dir.path(), rel);
    let bundle = before("dist/summarizer.bundle.js");
    let vendor = before("public/vendor.min.js");
    // Exit 1: written, but manual items (the built files) remain.
    let o = rewrite(dir.path(), &["--to", "llmgateway", "--write"]);
    assert_eq!(code(&o), 1, "{}", text(&o));
    assert_eq!(read(dir.path(), "dist/summarizer.bundle.js"), bundle);
    assert_eq!(read(dir.path(), "public/vendor.min.js"), vendor);
    let out = text(&o);
    assert!(
        out.contains(
            "in a minified or bundled build output: change the source it is built from and rebuild"
        ),
        "{out}"
    );
    let readme = String::from_utf8(read(dir.path(), "README.md")).unwrap();
    assert!(readme.contains("set `LLM_GATEWAY_API_KEY`"), "{readme}");
    assert!(
        readme.contains("lives in `OPENROUTER_API_URL` (src/constants.js)"),
        "{readme}"
    );
    let arch = String::from_utf8(read(dir.path(), "docs/architecture.md")).unwrap();
    assert!(
        arch.contains("`OPENROUTER_API_URL` (`https://api.llmgateway.io/v1/chat/completions`)"),
        "{arch}"
    );
    // Renaming the constant renames the docs that name it, together.
    let o = rewrite(
        dir.path(),
        &["--to", "llmgateway", "--write", "--rename-identifiers"],
    );
    assert_eq!(code(&o), 1, "{}", text(&o));
    let readme = String::from_utf8(read(dir.path(), "README.md")).unwrap();
    let consts = String::from_utf8(read(dir.path(), "src/constants.js")).unwrap();
    assert!(
        readme.contains("lives in `LLM_GATEWAY_API_BASE`"),
        "{readme}"
    );
    assert!(
        consts.contains("export const LLM_GATEWAY_API_BASE ="),
        "{consts}"
    );
    assert_eq!(read(dir.path(), "dist/summarizer.bundle.js"), bundle);
}
