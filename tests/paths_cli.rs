//! The gate and the paths, run as a user runs them: `--fail-on`, exit codes
//! for missing and unreadable paths, how several roots are named, what the
//! context of a single named file is, and which files a git work tree holds.

use std::fs;
use std::path::Path;
use std::process::Command;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run(dir: &Path, args: &[&str]) -> Run {
    let out = Command::new(env!("CARGO_BIN_EXE_llmgw-migrate"))
        .args(args)
        .current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .expect("binary runs");
    Run {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&out.stderr).into_owned(),
    }
}

/// A directory bounded by `.git` so no config above it applies.
fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    for (rel, text) in files {
        let p = dir.path().join(rel);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    dir
}

/// After a migration to OminiGate: the old base URL is kept on purpose
/// (suppressed), and a model id the target serves unchanged (`fix: none`).
const MIGRATED: &str = r#"BASE = "https://openrouter.ai/api/v1"  # llmgw-migrate: ignore -- old client, kept for the rollout
resp = client.chat.completions.create(model="openai/gpt-5", messages=[])
"#;

#[test]
fn fail_on_decides_which_fix_classes_fail_the_gate() {
    let dir = repo(&[("app.py", MIGRATED)]);
    // Default auto,manual: a `none` finding is printed but does not fail.
    let r = run(dir.path(), &["scan", "--to", "ominigate"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("openai/gpt-5  [none]"), "{}", r.stdout);
    let r = run(
        dir.path(),
        &["scan", "--to", "ominigate", "--fail-on", "auto,none"],
    );
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);

    // An automatic finding fails by default, not with --fail-on manual.
    fs::write(
        dir.path().join("client.py"),
        "client = OpenAI(base_url=\"https://openrouter.ai/api/v1\")\n",
    )
    .unwrap();
    let r = run(dir.path(), &["scan", "--to", "ominigate"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let r = run(
        dir.path(),
        &[
            "scan",
            "--to",
            "ominigate",
            "--fail-on",
            "manual",
            "--format",
            "json",
        ],
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 2, "{v}");

    let r = run(dir.path(), &["scan", "--fail-on", "sometimes"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("sometimes"), "{}", r.stderr);
}

#[test]
fn fail_on_in_the_config_file_and_the_flag_wins() {
    let dir = repo(&[("app.py", MIGRATED)]);
    let cfg = dir.path().join("llmgw-migrate.toml");
    fs::write(
        &cfg,
        "target = \"ominigate\"\n[scan]\nfail_on = [\"manual\", \"none\"]\n",
    )
    .unwrap();
    let r = run(dir.path(), &["scan"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    let r = run(dir.path(), &["scan", "--fail-on", "auto,manual"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);

    fs::write(
        &cfg,
        "target = \"ominigate\"\n[scan]\nfail_on = [\"auto\", \"never\"]\n",
    )
    .unwrap();
    let r = run(dir.path(), &["scan"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(
        r.stderr
            .contains("llmgw-migrate.toml:3:20: unknown fail_on value \"never\""),
        "{}",
        r.stderr
    );
}

const APP: &str = r#"import os
from openai import OpenAI

client = OpenAI(base_url="https://openrouter.ai/api/v1", api_key=os.environ["OPENROUTER_API_KEY"])
"#;

#[test]
fn a_missing_path_exits_two_after_printing_the_findings() {
    let dir = repo(&[("svc1/app.py", APP)]);
    let r = run(dir.path(), &["scan", "svc1", "nonexistent"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("base-url"), "{}", r.stdout);
    assert!(r.stderr.contains("nonexistent"), "{}", r.stderr);
    let r = run(
        dir.path(),
        &["scan", "svc1", "nonexistent", "--format", "json"],
    );
    assert_eq!(r.code, 2);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert_eq!(v["findings"].as_array().unwrap().len(), 2, "{v}");
    assert_eq!(v["summary"]["errors"][0]["path"], "nonexistent");

    // rewrite: the patch for what was read is printed, then exit 2.
    let r = run(dir.path(), &["rewrite", "svc1", "nonexistent"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("+client = OpenAI(base_url=\"https://api.llmgateway.io/v1\""),
        "{}",
        r.stdout
    );
    assert!(r.stderr.contains("nonexistent"), "{}", r.stderr);
    let r = run(dir.path(), &["rewrite", "--check", "svc1", "nonexistent"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    // Without the missing path, the usual codes.
    assert_eq!(run(dir.path(), &["scan", "svc1"]).code, 1);
    assert_eq!(run(dir.path(), &["rewrite", "--check", "svc1"]).code, 1);
}

#[cfg(unix)]
#[test]
fn an_incomplete_walk_or_an_unreadable_file_exits_two() {
    use std::os::unix::fs::PermissionsExt;
    let dir = repo(&[("svc1/app.py", APP)]);
    // A dangling link followed with --follow is a walk error.
    std::os::unix::fs::symlink("nowhere.py", dir.path().join("svc1/gone.py")).unwrap();
    let r = run(dir.path(), &["scan", "--follow", "svc1"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("base-url"), "{}", r.stdout);
    assert!(r.stderr.contains("gone.py"), "{}", r.stderr);
    fs::remove_file(dir.path().join("svc1/gone.py")).unwrap();

    let secret = dir.path().join("svc1/locked.py");
    fs::write(&secret, APP).unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_ok() {
        eprintln!("running with rights that read any file; unreadable-file case skipped");
        return;
    }
    let r = run(dir.path(), &["scan", "svc1"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
    assert!(r.stderr.contains("locked.py"), "{}", r.stderr);
    let r = run(dir.path(), &["rewrite", "svc1"]);
    assert_eq!(r.code, 2, "{}{}", r.stdout, r.stderr);
}
