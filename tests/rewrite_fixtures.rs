//! Before/after on copies of every fixture repository: `rewrite --write`
//! leaves no automatic finding, every rewritten file still parses (where a
//! checker exists), a second run is a no-op, and the dry-run patch applied
//! with `git apply` gives the same files as `--write`.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{copy_tree, run};
use llmgw_migrate::lang::FileKind;

fn fixtures() -> Vec<PathBuf> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut v: Vec<PathBuf> = std::fs::read_dir(root)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    assert!(v.len() >= 5, "fixtures missing");
    v
}

/// Every file under `root` with its bytes, by relative path.
fn tree(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut out = BTreeMap::new();
    let mut stack = vec![root.to_path_buf()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                stack.push(p);
            } else {
                let rel = p
                    .strip_prefix(root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                out.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    out
}

fn tool(name: &str) -> bool {
    Command::new(name).arg("--version").output().is_ok()
}

/// Whether `path` (with these bytes) parses, or None when no checker applies.
fn parses(path: &str, bytes: &[u8], scratch: &Path) -> Option<Result<(), String>> {
    let ext = path.rsplit('.').next().unwrap_or("");
    let text = || {
        String::from_utf8_lossy(bytes)
            .trim_start_matches('\u{feff}')
            .to_string()
    };
    let external = |cmd: &str, args: &[&str], file_ext: &str| -> Option<Result<(), String>> {
        if !tool(cmd) {
            return None;
        }
        let f = scratch.join(format!("check.{file_ext}"));
        std::fs::write(&f, bytes).unwrap();
        let mut c = Command::new(cmd);
        c.args(args).arg(&f);
        let o = c.output().ok()?;
        Some(if o.status.success() {
            Ok(())
        } else {
            Err(String::from_utf8_lossy(&o.stderr).into_owned())
        })
    };
    match ext {
        "py" => external(
            "python3",
            &[
                "-c",
                "import py_compile,sys,tempfile,os; py_compile.compile(sys.argv[1], cfile=os.path.join(tempfile.mkdtemp(),'x.pyc'), doraise=True)",
            ],
            "py",
        ),
        "js" | "mjs" | "cjs" => external("node", &["--check"], ext),
        "sh" | "bash" => external("bash", &["-n"], "sh"),
        "rb" | "rake" => external("ruby", &["-c"], "rb"),
        // No interpreter is assumed on the machine: the language's own
        // check (tree-sitter-php, tree-sitter-lua, the batch line check, the
        // Elixir, Dart and Swift grammars).
        "php" | "lua" | "cmd" | "bat" | "ex" | "exs" | "dart" | "swift" => {
            let check = FileKind::detect(Path::new(path)).language().check;
            Some(check(path, &text()).map_err(|e| e.to_string()))
        }
        "json" | "ipynb" => Some(
            serde_json::from_str::<serde_json::Value>(&text())
                .map(drop)
                .map_err(|e| e.to_string()),
        ),
        "yaml" | "yml" => Some(
            serde_saphyr::from_multiple::<serde::de::IgnoredAny>(&text())
                .map(drop)
                .map_err(|e| e.to_string()),
        ),
        "toml" => Some(text().parse::<toml::Table>().map(drop).map_err(|e| e.to_string())),
        "rs" => Some(syn::parse_file(&text()).map(drop).map_err(|e| e.to_string())),
        // No compiler without the project's dependencies: the tree-sitter grammar.
        "java" => Some(llmgw_migrate::lang::java::check(path, &text()).map_err(|e| e.to_string())),
        "kt" | "kts" => Some(llmgw_migrate::lang::kotlin::check(path, &text()).map_err(|e| e.to_string())),
        "cs" | "csx" => Some(llmgw_migrate::lang::csharp::check(path, &text()).map_err(|e| e.to_string())),
        _ => None,
    }
}

fn auto_findings(root: &Path, target: &str) -> Vec<String> {
    let out = run(root, &["scan", ".", "--to", target, "--format", "json"])
        .raw
        .stdout;
    let v: serde_json::Value = serde_json::from_slice(&out).unwrap();
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["fix"] == "auto")
        .map(|f| format!("{}:{} {} {}", f["path"], f["line"], f["kind"], f["match"]))
        .collect()
}

#[test]
fn every_fixture_rewrites_cleanly_for_every_target() {
    let scratch = tempfile::tempdir().unwrap();
    let mut problems = Vec::new();
    let mut rewritten = 0;
    for fx in fixtures() {
        let name = fx.file_name().unwrap().to_string_lossy().into_owned();
        for target in ["llmgateway", "ominigate", "phaseo"] {
            let d = tempfile::tempdir().unwrap();
            copy_tree(&fx, d.path());
            let before = tree(d.path());
            let r = run(d.path(), &["rewrite", ".", "--write", "--to", target]);
            let (code, msg) = (r.code, r.all());
            if code == 2 {
                problems.push(format!("{name}/{target}: exit 2: {msg}"));
                continue;
            }
            let r = run(d.path(), &["rewrite", ".", "--check", "--to", target]);
            let (code3, msg3) = (r.code, r.all());
            if code3 != 0 {
                problems.push(format!("{name}/{target}: --check after --write: {msg3}"));
            }
            if target != "llmgateway" {
                // The other targets: written cleanly and nothing left (check).
                continue;
            }
            for f in auto_findings(d.path(), target) {
                problems.push(format!("{name}/{target}: auto finding left: {f}"));
            }
            let after = tree(d.path());
            for (path, new) in &after {
                let Some(old) = before.get(path) else {
                    problems.push(format!("{name}/{target}: new file {path}"));
                    continue;
                };
                if old == new {
                    continue;
                }
                rewritten += 1;
                let own_grammar = [".ex", ".exs", ".dart", ".swift"];
                if own_grammar.iter().any(|e| path.ends_with(e)) {
                    // These fixtures are valid code: a grammar that refuses
                    // one would make the check below vacuous.
                    if let Some(Err(e)) = parses(path, old, scratch.path()) {
                        problems.push(format!("{name}: {path} does not parse before: {e}"));
                    }
                }
                if let Some(Ok(())) = parses(path, old, scratch.path()) {
                    if let Some(Err(e)) = parses(path, new, scratch.path()) {
                        problems.push(format!("{name}/{target}: {path} no longer parses: {e}"));
                    }
                }
            }
            // A second run is a no-op.
            let r = run(d.path(), &["rewrite", ".", "--write", "--to", target]);
            let (code2, msg2) = (r.code, r.all());
            if code2 == 2 || !msg2.contains("# wrote 0 file(s)") || tree(d.path()) != after {
                problems.push(format!(
                    "{name}/{target}: second run changed something: {msg2}"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
    assert!(rewritten > 20, "only {rewritten} files rewritten");
}

#[test]
fn dry_run_patch_equals_write_on_every_fixture() {
    if !tool("git") {
        return;
    }
    let key = regex::bytes::Regex::new(r"sk-or(-v\d+)?-[a-f0-9]{64}").unwrap();
    let mut problems = Vec::new();
    for fx in fixtures() {
        let name = fx.file_name().unwrap().to_string_lossy().into_owned();
        let (a, b) = (tempfile::tempdir().unwrap(), tempfile::tempdir().unwrap());
        copy_tree(&fx, a.path());
        copy_tree(&fx, b.path());
        let r = run(a.path(), &["rewrite", "."]);
        let (code, msg, patch) = (r.code, r.all(), r.raw.stdout);
        if code == 2 {
            problems.push(format!("{name}: dry-run exit 2: {msg}"));
            continue;
        }
        // Files holding a key get a redacted (so unappliable) hunk by design.
        let redacted: Vec<String> = tree(a.path())
            .into_iter()
            .filter(|(_, c)| key.is_match(c))
            .map(|(p, _)| p)
            .collect();
        if !patch.starts_with(b"diff --git ") {
            // Nothing to change: the dry-run prints only the report.
            assert_eq!(
                code,
                u8::from(msg.contains("# manual attention")) as i32,
                "{name}: {msg}"
            );
            continue;
        }
        let patch_file = tempfile::NamedTempFile::new().unwrap();
        std::fs::write(patch_file.path(), &patch).unwrap();
        let mut apply = Command::new("git");
        apply.current_dir(b.path()).arg("apply");
        for r in &redacted {
            apply.arg(format!("--exclude={r}"));
        }
        let o = apply.arg(patch_file.path()).output().unwrap();
        if !o.status.success() {
            problems.push(format!(
                "{name}: git apply failed: {}",
                String::from_utf8_lossy(&o.stderr)
            ));
            continue;
        }
        let r = run(a.path(), &["rewrite", ".", "--write"]);
        let (code, msg) = (r.code, r.all());
        if code == 2 {
            problems.push(format!("{name}: write exit 2: {msg}"));
            continue;
        }
        let (ta, tb) = (tree(a.path()), tree(b.path()));
        for (path, x) in &ta {
            if redacted.contains(path) {
                continue;
            }
            if tb.get(path) != Some(x) {
                problems.push(format!(
                    "{name}: {path} differs between git apply and --write"
                ));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}
