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
