//! The gate and the paths, run as a user runs them: `--fail-on`, exit codes
//! for missing and unreadable paths, how several roots are named, what the
//! context of a single named file is, and which files a git work tree holds.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::run;

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
OPENROUTER_API_KEY = os.environ.get("LLM_GATEWAY_API_KEY")
resp = OpenAI(api_key=OPENROUTER_API_KEY).chat.completions.create(model="openai/gpt-5", messages=[])
"#;

#[test]
fn fail_on_decides_which_fix_classes_fail_the_gate() {
    let dir = repo(&[("app.py", MIGRATED)]);
    // Default auto,manual: a `none` finding is printed but does not fail.
    let r = run(dir.path(), &["scan", "--to", "ominigate"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The program identifier OPENROUTER_API_KEY (renaming it is cosmetic).
    assert!(r.stdout.contains("OPENROUTER_API_KEY"), "{}", r.stdout);
    assert!(r.stdout.contains("none"), "{}", r.stdout);
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
    // The two identifier uses (fix none) and the URL (auto) are listed.
    assert_eq!(v["findings"].as_array().unwrap().len(), 3, "{v}");

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

/// A git work tree with two services holding the same file name, committed.
fn two_services() -> Option<tempfile::TempDir> {
    let dir = tempfile::tempdir().unwrap();
    for svc in ["svc1", "svc2"] {
        let p = dir.path().join(svc).join("app.py");
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, APP).unwrap();
    }
    git(dir.path(), &["init", "-q"])?;
    git(dir.path(), &["add", "-A"])?;
    git(dir.path(), &["commit", "-qm", "init"])?;
    Some(dir)
}

/// Runs git with a fixed identity; None when git is not installed.
fn git(dir: &Path, args: &[&str]) -> Option<()> {
    let out = Command::new("git")
        .args(["-c", "user.name=t", "-c", "user.email=t@example.com"])
        .args(args)
        .current_dir(dir)
        .output()
        .ok()?;
    assert!(
        out.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(())
}

fn json_paths(stdout: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(stdout).expect("json");
    let mut p: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap().to_owned())
        .collect();
    p.dedup();
    p
}

#[test]
fn several_roots_keep_their_prefixes_in_every_format() {
    let Some(dir) = two_services() else {
        eprintln!("git not available; skipped");
        return;
    };
    let d = dir.path();
    let r = run(d, &["scan", "svc1", "./svc2/", "--format", "json"]);
    assert_eq!(json_paths(&r.stdout), ["svc1/app.py", "svc2/app.py"]);
    let r = run(d, &["scan", "svc1", "svc2"]);
    let (one, two) = (
        r.stdout.find(" --> svc1/app.py:4:"),
        r.stdout.find(" --> svc2/app.py:4:"),
    );
    assert!(one.is_some() && two.is_some() && one < two, "{}", r.stdout);
    // `.` adds no prefix; a file is named as given.
    let r = run(d, &["scan", ".", "--format", "json"]);
    assert_eq!(json_paths(&r.stdout), ["svc1/app.py", "svc2/app.py"]);
    let r = run(d, &["scan", "./svc1/app.py", "--format", "json"]);
    assert_eq!(json_paths(&r.stdout), ["svc1/app.py"]);
    for format in ["github", "sarif", "junit"] {
        let r = run(d, &["scan", "svc1", "svc2", "--format", format]);
        for svc in ["svc1/app.py", "svc2/app.py"] {
            assert!(r.stdout.contains(svc), "{format}: {}", r.stdout);
        }
    }
    // Suppressions and the baseline still match across roots.
    let r = run(
        d,
        &["scan", "svc1", "svc2", "--write-baseline", "base.json"],
    );
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let r = run(d, &["scan", "svc1", "svc2", "--baseline", "base.json"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    fs::remove_file(d.join("base.json")).unwrap();
    // The config applies to every root; so do inline suppressions.
    fs::write(d.join("llmgw-migrate.toml"), "kinds = [\"base-url\"]\n").unwrap();
    let r = run(d, &["scan", "svc1", "svc2", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    assert!(
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .all(|f| f["kind"] == "base-url"),
        "{v}"
    );
    assert_eq!(json_paths(&r.stdout), ["svc1/app.py", "svc2/app.py"]);
    fs::remove_file(d.join("llmgw-migrate.toml")).unwrap();
    let quiet = APP.replace(
        "client = OpenAI(",
        "# llmgw-migrate: ignore\nclient = OpenAI(",
    );
    fs::write(d.join("svc2/app.py"), quiet).unwrap();
    let r = run(d, &["scan", "svc1", "svc2", "--format", "json"]);
    assert_eq!(json_paths(&r.stdout), ["svc1/app.py"], "{}", r.stdout);
    git(d, &["checkout", "--", "svc2/app.py"]).unwrap();

    // The patch of two roots applies from the working directory.
    let r = run(d, &["rewrite", "svc1", "svc2"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(
        r.stdout.contains("--- a/svc2/app.py\n+++ b/svc2/app.py\n"),
        "{}",
        r.stdout
    );
    let patch = d.join("../paths-cli-two-roots.patch");
    fs::write(&patch, r.stdout.as_bytes()).unwrap();
    let applied = Command::new("git")
        .args(["apply", "--check"])
        .arg(&patch)
        .current_dir(d)
        .output()
        .unwrap();
    fs::remove_file(&patch).unwrap();
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
}

#[test]
fn an_absolute_file_argument_gives_a_sane_patch_path() {
    let Some(dir) = two_services() else {
        eprintln!("git not available; skipped");
        return;
    };
    let d = dir.path();
    let abs = d.join("svc1/app.py");
    let abs = abs.to_str().unwrap();
    // Inside the working directory: named from it, so the patch applies.
    let r = run(d, &["rewrite", abs]);
    assert!(
        r.stdout
            .starts_with("diff --git a/svc1/app.py b/svc1/app.py\n"),
        "{}",
        r.stdout
    );
    // Elsewhere: the JSON names the file as given, the patch like `git diff --no-index`.
    let r = run(Path::new("/"), &["scan", abs, "--format", "json"]);
    assert_eq!(json_paths(&r.stdout), [abs]);
    let r = run(Path::new("/"), &["rewrite", abs]);
    let want = format!("--- a/{}\n", abs.trim_start_matches('/'));
    assert!(r.stdout.contains(&want), "{}", r.stdout);
    assert!(!r.stdout.contains("a//"), "{}", r.stdout);
}

fn findings_of(stdout: &str, path: &str) -> Vec<String> {
    let v: serde_json::Value = serde_json::from_str(stdout).expect("json");
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == path)
        .map(|f| format!("{}:{}:{}:{}", f["line"], f["kind"], f["match"], f["fix"]))
        .collect()
}

#[test]
fn a_single_named_file_gets_the_findings_of_a_full_scan() {
    // The OpenRouter marker lives in one file; the model ids in another
    // only count once the tree is known to talk to OpenRouter.
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    fs::create_dir_all(d.join("app")).unwrap();
    fs::write(d.join("app/client.py"), APP).unwrap();
    fs::write(
        d.join("app/models.py"),
        "FAST = {\"model\": \"openai/gpt-4o-mini\"}\nSMART = {\"model\": \"anthropic/claude-3.5-sonnet\"}\n",
    )
    .unwrap();
    if git(d, &["init", "-q"]).is_none() {
        eprintln!("git not available; skipped");
        return;
    }
    let full = run(d, &["scan", ".", "--format", "json"]);
    let want = findings_of(&full.stdout, "app/models.py");
    assert!(want.len() >= 2, "{}", full.stdout);

    // A pre-commit-style call: only the staged file, from the top or below.
    git(d, &["add", "app/models.py"]).unwrap();
    let r = run(d, &["scan", "app/models.py", "--format", "json"]);
    assert_eq!(
        findings_of(&r.stdout, "app/models.py"),
        want,
        "{}",
        r.stderr
    );
    assert_eq!(r.code, 1);
    let r = run(&d.join("app"), &["scan", "models.py", "--format", "json"]);
    assert_eq!(findings_of(&r.stdout, "models.py"), want);
    // Only the files given are reported.
    assert!(findings_of(&r.stdout, "client.py").is_empty());

    // Outside git, the directory holding llmgw-migrate.toml bounds the repository.
    fs::remove_dir_all(d.join(".git")).unwrap();
    let r = run(d, &["scan", "app/models.py", "--format", "json"]);
    assert!(
        findings_of(&r.stdout, "app/models.py").is_empty(),
        "{}",
        r.stdout
    );
    fs::write(d.join("llmgw-migrate.toml"), "target = \"llmgateway\"\n").unwrap();
    let r = run(d, &["scan", "app/models.py", "--format", "json"]);
    assert_eq!(findings_of(&r.stdout, "app/models.py"), want);
}

#[test]
fn tracked_files_are_scanned_even_when_ignored() {
    let dir = tempfile::tempdir().unwrap();
    let d = dir.path();
    let key = format!("sk-or-v1-{}", "0a1b2c3d".repeat(8));
    let settings = format!("{{\"OpenRouter\": {{\"ApiKey\": \"{key}\"}}}}\n");
    fs::create_dir_all(d.join("svc/obj")).unwrap();
    fs::write(d.join(".gitignore"), "obj/\n").unwrap();
    fs::write(d.join("svc/obj/appsettings.json"), &settings).unwrap();
    fs::write(d.join("svc/obj/untracked.json"), &settings).unwrap();
    fs::write(d.join("svc/app.py"), APP).unwrap();
    if git(d, &["init", "-q"]).is_none() {
        eprintln!("git not available; skipped");
        return;
    }
    git(d, &["add", "-A"]).unwrap();
    git(d, &["add", "-f", "svc/obj/appsettings.json"]).unwrap();
    git(d, &["commit", "-qm", "init"]).unwrap();

    let paths = |args: &[&str]| {
        let mut a = vec!["scan", "--format", "json"];
        a.extend_from_slice(args);
        json_paths(&run(d, &a).stdout)
    };
    // Tracked and ignored: scanned; untracked and ignored: not.
    assert_eq!(paths(&[]), ["svc/app.py", "svc/obj/appsettings.json"]);
    // From a subdirectory root too.
    assert_eq!(paths(&["svc"]), ["svc/app.py", "svc/obj/appsettings.json"]);
    // Config excludes still apply to tracked files.
    fs::write(d.join("llmgw-migrate.toml"), "exclude = [\"**/obj/**\"]\n").unwrap();
    assert_eq!(paths(&[]), ["svc/app.py"]);
    fs::remove_file(d.join("llmgw-migrate.toml")).unwrap();
    // --no-ignore: everything.
    assert_eq!(
        paths(&["--no-ignore"]),
        [
            "svc/app.py",
            "svc/obj/appsettings.json",
            "svc/obj/untracked.json"
        ]
    );
    // Outside a work tree, .gitignore alone decides, as before.
    fs::remove_dir_all(d.join(".git")).unwrap();
    assert_eq!(paths(&[]), ["svc/app.py"]);
    // The key itself is never printed.
    let r = run(d, &["scan", "--no-ignore", "--format", "json"]);
    assert!(r.stdout.contains("sk-or-v1-..."), "{}", r.stdout);
    assert!(!r.stdout.contains(&key[9..40]), "{}", r.stdout);
}

const ROOT_PACKAGE: &str = r#"{
  "name": "mono",
  "private": true,
  "workspaces": {
    "packages": ["apps/*"],
    "catalog": {
      "@openrouter/ai-sdk-provider": "^1.2.0",
      "ai": "^5.0.0"
    },
    "catalogs": {
      "openrouter": {
        "@openrouter/ai-sdk-provider": "1.1.0"
      }
    }
  }
}
"#;

const APP_PACKAGE: &str = r#"{
  "name": "web",
  "dependencies": {
    "@openrouter/ai-sdk-provider": "catalog:",
    "ai": "catalog:"
  },
  "devDependencies": {
    "@openrouter/ai-sdk-provider": "catalog:openrouter"
  }
}
"#;

const PNPM_WORKSPACE: &str = r#"packages:
  - apps/*
catalog:
  "@openrouter/ai-sdk-provider": ^1.2.0
  react: ^18
catalogs:
  legacy:
    '@openrouter/ai-sdk-provider': "1.0.0"
"#;

#[test]
fn workspace_catalogs_keep_their_references_and_the_entries_move_with_them() {
    let dir = repo(&[
        ("package.json", ROOT_PACKAGE),
        ("apps/web/package.json", APP_PACKAGE),
        ("pnpm-workspace.yaml", PNPM_WORKSPACE),
    ]);
    let d = dir.path();
    // Every catalog entry is reported where it lives.
    let r = run(d, &["scan", "--format", "json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let mut at: Vec<String> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| format!("{}:{}", f["path"].as_str().unwrap(), f["line"]))
        .collect();
    at.sort();
    assert_eq!(
        at,
        [
            "apps/web/package.json:4",
            "apps/web/package.json:8",
            "package.json:12",
            "package.json:7",
            "pnpm-workspace.yaml:4",
            "pnpm-workspace.yaml:8"
        ]
    );

    let r = run(d, &["rewrite", "--write", "--to", "llmgateway"]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // The reference keeps naming the catalog; only the package name changes.
    let app = fs::read_to_string(d.join("apps/web/package.json")).unwrap();
    assert!(
        app.contains(r#""@llmgateway/ai-sdk-provider": "catalog:","#),
        "{app}"
    );
    assert!(
        app.contains(r#""@llmgateway/ai-sdk-provider": "catalog:openrouter""#),
        "{app}"
    );
    // The entries the references resolve to carry the new name and version.
    let root: serde_json::Value =
        serde_json::from_str(&fs::read_to_string(d.join("package.json")).unwrap()).unwrap();
    let ws = &root["workspaces"];
    assert_eq!(ws["catalog"]["@llmgateway/ai-sdk-provider"], "^2.0.0");
    assert_eq!(ws["catalog"]["ai"], "^5.0.0");
    assert_eq!(
        ws["catalogs"]["openrouter"]["@llmgateway/ai-sdk-provider"],
        "^2.0.0"
    );
    assert!(ws["catalog"].get("@openrouter/ai-sdk-provider").is_none());
    let pnpm = fs::read_to_string(d.join("pnpm-workspace.yaml")).unwrap();
    assert_eq!(
        pnpm,
        PNPM_WORKSPACE
            .replace(
                "\"@openrouter/ai-sdk-provider\": ^1.2.0",
                "\"@llmgateway/ai-sdk-provider\": ^2.0.0"
            )
            .replace(
                "'@openrouter/ai-sdk-provider': \"1.0.0\"",
                "'@llmgateway/ai-sdk-provider': \"^2.0.0\""
            )
    );
    // Settled: nothing left to find.
    let r = run(d, &["scan"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
}

#[test]
fn an_empty_rules_directory_is_an_error_naming_it() {
    let dir = repo(&[("app.py", APP)]);
    fs::create_dir_all(dir.path().join("my-rules")).unwrap();
    for cmd in ["scan", "rewrite"] {
        let r = run(dir.path(), &["--rules", "my-rules", cmd]);
        assert_eq!(r.code, 2, "{cmd}: {}{}", r.stdout, r.stderr);
        assert!(r.stdout.is_empty(), "{}", r.stdout);
        assert!(
            r.stderr
                .contains("my-rules: rules directory holds no tables"),
            "{}",
            r.stderr
        );
    }
}

#[test]
fn max_filesize_zero_means_no_limit_on_the_command_line_and_in_the_config() {
    // Just over the 4 MiB default cap, with a finding on its last line.
    let mut big = "# padding\n".repeat(420_000);
    big.push_str("BASE = \"https://openrouter.ai/api/v1\"\n");
    let dir = repo(&[("big.py", &big)]);
    let count = |args: &[&str]| {
        let mut a = vec!["scan", "--format", "json"];
        a.extend_from_slice(args);
        let r = run(dir.path(), &a);
        let v: serde_json::Value =
            serde_json::from_str(&r.stdout).unwrap_or_else(|e| panic!("{a:?}: {e}: {}", r.stderr));
        (
            v["findings"].as_array().unwrap().len(),
            v["summary"]["files_skipped"].clone(),
        )
    };
    assert_eq!(count(&[]), (0, serde_json::json!(1)));
    assert_eq!(count(&["--max-filesize", "0"]), (1, serde_json::json!(0)));
    fs::write(dir.path().join("llmgw-migrate.toml"), "max_filesize = 0\n").unwrap();
    assert_eq!(count(&[]), (1, serde_json::json!(0)));
    // The flag still wins over the file.
    assert_eq!(
        count(&["--max-filesize", "1000"]),
        (0, serde_json::json!(1))
    );
}

#[test]
fn a_file_whose_diff_would_show_a_key_is_left_out_of_the_patch() {
    let Some(dir) = two_services() else {
        eprintln!("git not available; skipped");
        return;
    };
    let d = dir.path();
    let key = format!("sk-or-v1-{}", "5e6f7a8b".repeat(8));
    // The key is held by an OpenRouter-named variable (which keeps its
    // name), so the URL beside it still moves and the key is diff context.
    fs::write(
        d.join("svc2/keys.env"),
        format!("OPENROUTER_API_KEY={key}\nBASE=https://openrouter.ai/api/v1\n"),
    )
    .unwrap();
    git(d, &["add", "-A"]).unwrap();
    git(d, &["commit", "-qm", "keys"]).unwrap();
    let r = run(d, &["rewrite"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert!(!r.stdout.contains(&key[9..]), "key printed");
    assert!(!r.stdout.contains("a/svc2/keys.env"), "{}", r.stdout);
    assert!(r.stdout.contains("--- a/svc1/app.py"), "{}", r.stdout);
    assert!(
        r.stdout
            .contains("svc2/keys.env:2:6  secret  1 edit(s) left out of the patch"),
        "{}",
        r.stdout
    );
    assert!(r.stdout.contains("use --write or edit by hand"));
    // The rest of the patch applies as printed (the report is `#` lines).
    let patch = d.join("../paths-cli-key.patch");
    fs::write(&patch, r.stdout.as_bytes()).unwrap();
    let applied = Command::new("git")
        .args(["apply", "--check"])
        .arg(&patch)
        .current_dir(d)
        .output()
        .unwrap();
    fs::remove_file(&patch).unwrap();
    assert!(
        applied.status.success(),
        "{}",
        String::from_utf8_lossy(&applied.stderr)
    );
    // --write still edits it, in place.
    let r = run(d, &["rewrite", "--write"]);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    let keys = fs::read_to_string(d.join("svc2/keys.env")).unwrap();
    assert!(keys.contains("https://api.llmgateway.io/v1"), "{keys}");
}

#[test]
fn model_ids_inside_prose_strings_are_manual_not_rewritten() {
    let cli = r#"import argparse
BASE = "https://openrouter.ai/api/v1"
p = argparse.ArgumentParser()
p.add_argument("--model", default="openai/gpt-4o", help="model id (e.g., openai/gpt-4o or openai/gpt-4o-2024-11-20)")
SYSTEM = "You are openai/gpt-4o, answer briefly."
"#;
    let dir = repo(&[("cli.py", cli)]);
    let r = run(dir.path(), &["scan", "--format", "json"]);
    let v: serde_json::Value = serde_json::from_str(&r.stdout).unwrap();
    let fixes: Vec<(u64, u64, String)> = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["kind"] == "model-slug")
        .map(|f| {
            let fix = f["fix"].as_str().unwrap().to_owned();
            (
                f["line"].as_u64().unwrap(),
                f["column"].as_u64().unwrap(),
                fix,
            )
        })
        .collect();
    assert_eq!(
        fixes,
        [
            (4, 36, "auto".to_owned()),
            (4, 74, "manual".to_owned()),
            (4, 91, "manual".to_owned()),
            (5, 19, "manual".to_owned())
        ],
        "{v}"
    );
    let r = run(dir.path(), &["rewrite", "--write"]);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.contains("inside a longer string"), "{}", r.stdout);
    let after = fs::read_to_string(dir.path().join("cli.py")).unwrap();
    // The argument is rewritten; the prose stays as written.
    assert!(after.contains(r#"default="gpt-4o", help="model id (e.g., openai/gpt-4o or openai/gpt-4o-2024-11-20)")"#), "{after}");
    assert!(
        after.contains(r#"SYSTEM = "You are openai/gpt-4o, answer briefly.""#),
        "{after}"
    );
}
