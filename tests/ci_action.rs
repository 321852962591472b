//! action.yml and .pre-commit-hooks.yaml: well-formed, injection-safe, and
//! their shell steps run here the way a runner would run them.

// Without the `parity` feature the tests that need it are left out, and
// their helpers with them.
#![cfg_attr(not(feature = "parity"), allow(dead_code, unused_imports))]

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn yaml(path: &str) -> Value {
    let text = fs::read_to_string(root().join(path)).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

fn steps(action: &Value) -> &Vec<Value> {
    action["runs"]["steps"].as_array().expect("steps")
}

fn step<'a>(action: &'a Value, name: &str) -> &'a Value {
    steps(action)
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name}"))
}

#[test]
fn action_is_a_composite_action_with_the_documented_inputs() {
    let a = yaml("action.yml");
    assert_eq!(a["runs"]["using"], "composite");
    for input in [
        "path",
        "target",
        "fail-on-findings",
        "sarif",
        "config",
        "baseline",
    ] {
        assert!(
            a["inputs"][input]["description"].is_string(),
            "input {input}"
        );
    }
    assert_eq!(a["inputs"]["fail-on-findings"]["default"], "true");
    assert_eq!(a["inputs"]["sarif"]["default"], "false");
    for s in steps(&a) {
        if let Some(run) = s["run"].as_str() {
            assert_eq!(s["shell"], "bash", "{}", s["name"]);
            // Inputs reach scripts through env only: an expression inside a
            // script would be pasted into the shell source (injection).
            assert!(!run.contains("${{"), "expression in run: {}", s["name"]);
        }
    }
    let upload = step(&a, "Upload SARIF");
    assert!(upload["uses"]
        .as_str()
        .unwrap()
        .starts_with("github/codeql-action/upload-sarif@"));
    assert_eq!(upload["if"], "inputs.sarif == 'true'");
    // Results are uploaded before the gate can fail the job.
    let names: Vec<&str> = steps(&a)
        .iter()
        .map(|s| s["name"].as_str().unwrap())
        .collect();
    let pos = |n: &str| names.iter().position(|x| *x == n).unwrap();
    assert!(pos("Upload SARIF") < pos("Scan"));
}

/// Run one `run:` step with bash: inputs resolved like the runner resolves
/// `${{ inputs.x }}` in `env:`, `$GITHUB_OUTPUT` captured.
struct StepRun {
    code: i32,
    stdout: String,
    outputs: BTreeMap<String, String>,
    /// RUNNER_TEMP: what the step wrote there (a SARIF file, an installed
    /// binary) lives as long as the result.
    _runner_temp: tempfile::TempDir,
}

fn run_step(
    action: &Value,
    name: &str,
    inputs: &[(&str, &str)],
    cwd: &Path,
    extra_env: &[(&str, &str)],
) -> StepRun {
    let s = step(action, name);
    let tmp = tempfile::tempdir().unwrap();
    let output = tmp.path().join("output");
    fs::write(&output, "").unwrap();
    let bin_dir = Path::new(env!("CARGO_BIN_EXE_llmgw-migrate"))
        .parent()
        .unwrap()
        .to_path_buf();
    let path = format!(
        "{}:{}",
        bin_dir.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    let mut cmd = Command::new("bash");
    cmd.arg("-c")
        .arg(s["run"].as_str().unwrap())
        .current_dir(cwd)
        .env("PATH", path)
        .env("GITHUB_OUTPUT", &output)
        .env("RUNNER_TEMP", tmp.path())
        .env("GITHUB_ACTION_PATH", root())
        .env_remove("GITHUB_STEP_SUMMARY")
        .env("NO_COLOR", "1");
    if let Some(env) = s["env"].as_object() {
        for (k, v) in env {
            let expr = v.as_str().unwrap().trim();
            // The github context is not the test's to know: empty, as
            // runners leave `action_ref` in composite actions; extra_env sets it.
            if expr.starts_with("${{ github.") {
                cmd.env(k, "");
                continue;
            }
            let input = expr
                .strip_prefix("${{ inputs.")
                .and_then(|r| r.strip_suffix(" }}"))
                .unwrap_or_else(|| panic!("env {k} is not an input: {expr}"));
            let value = inputs
                .iter()
                .find(|(n, _)| *n == input)
                .map(|(_, v)| v.to_string())
                .unwrap_or_else(|| {
                    action["inputs"][input]["default"]
                        .as_str()
                        .unwrap_or("")
                        .to_owned()
                });
            cmd.env(k, value);
        }
    }
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let out = cmd.output().expect("bash runs");
    let outputs = fs::read_to_string(&output)
        .unwrap()
        .lines()
        .filter_map(|l| l.split_once('='))
        .map(|(k, v)| (k.to_owned(), v.to_owned()))
        .collect();
    StepRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        outputs,
        _runner_temp: tmp,
    }
}

fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    fs::create_dir_all(dir.path().join("app")).unwrap();
    fs::create_dir_all(dir.path().join("clean dir")).unwrap();
    fs::write(
        dir.path().join("app/client.ts"),
        "const client = new OpenAI({ baseURL: \"https://openrouter.ai/api/v1\" });\n",
    )
    .unwrap();
    fs::write(dir.path().join("clean dir/readme.txt"), "nothing here\n").unwrap();
    dir
}

#[test]
fn scan_step_annotates_and_gates() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("bash not available; skipped");
        return;
    }
    let a = yaml("action.yml");
    let dir = repo();
    let r = run_step(&a, "Scan", &[], dir.path(), &[]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    assert!(r
        .stdout
        .contains("::warning file=app/client.ts,line=1,col="));
    assert_eq!(r.outputs["exit-code"], "1");

    let r = run_step(
        &a,
        "Scan",
        &[("fail-on-findings", "false")],
        dir.path(),
        &[],
    );
    assert_eq!(r.code, 0);
    assert_eq!(r.outputs["exit-code"], "1");

    // Several paths, one with no findings; extra args pass through.
    let r = run_step(
        &a,
        "Scan",
        &[("path", "app\n  README.md"), ("args", "--kinds secret")],
        dir.path(),
        &[],
    );
    // Both paths reach the scanner: the missing one is reported.
    assert!(r.stdout.contains("::error file=README.md,"), "{}", r.stdout);
    let r = run_step(
        &a,
        "Scan",
        &[("path", "app"), ("args", "--kinds secret")],
        dir.path(),
        &[],
    );
    assert_eq!(r.code, 0, "{}", r.stdout);
    let r = run_step(&a, "Scan", &[("target", "nope")], dir.path(), &[]);
    assert_eq!(r.code, 2);
}

#[test]
fn sarif_step_writes_valid_sarif_outside_the_checkout() {
    if Command::new("bash").arg("--version").output().is_err() {
        return;
    }
    let a = yaml("action.yml");
    let dir = repo();
    let summary_dir = tempfile::tempdir().unwrap();
    let summary = summary_dir.path().join("summary.md");
    let r = run_step(
        &a,
        "Scan (SARIF)",
        &[("sarif", "true"), ("target", "ominigate")],
        dir.path(),
        &[("GITHUB_STEP_SUMMARY", summary.to_str().unwrap())],
    );
    assert_eq!(r.code, 0, "findings do not stop the upload");
    let file = PathBuf::from(&r.outputs["sarif-file"]);
    assert!(!file.starts_with(dir.path()));
    let doc: Value = serde_json::from_str(&fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(doc["version"], "2.1.0");
    assert!(doc["runs"][0]["properties"]["table"]
        .as_str()
        .unwrap()
        .starts_with("ominigate@"));
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 1);
    // The annotated run writes the job summary, not this one.
    assert!(!summary.exists());
}

#[test]
fn install_step_uses_a_binary_already_on_path() {
    if Command::new("bash").arg("--version").output().is_err() {
        return;
    }
    let a = yaml("action.yml");
    let dir = tempfile::tempdir().unwrap();
    let r = run_step(&a, "Install llmgw-migrate", &[], dir.path(), &[]);
    assert_eq!(r.code, 0);
    assert!(r.stdout.starts_with("Using "), "{}", r.stdout);
}

/// A release server on 127.0.0.1 serving `dir` (as
/// `github.com/OWNER/NAME/releases/download`), counting requests.
fn serve(dir: PathBuf) -> (String, Arc<AtomicUsize>) {
    use axum::http::{StatusCode, Uri};
    use axum::response::IntoResponse;
    let hits = Arc::new(AtomicUsize::new(0));
    let listener = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
    listener.set_nonblocking(true).unwrap();
    let addr = listener.local_addr().unwrap();
    let counter = hits.clone();
    std::thread::spawn(move || {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        rt.block_on(async move {
            let listener = tokio::net::TcpListener::from_std(listener).unwrap();
            let app = axum::Router::new().fallback(move |uri: Uri| {
                counter.fetch_add(1, Ordering::SeqCst);
                let file = dir.join(uri.path().trim_start_matches('/'));
                async move {
                    match fs::read(file) {
                        Ok(body) => (StatusCode::OK, body).into_response(),
                        Err(_) => StatusCode::NOT_FOUND.into_response(),
                    }
                }
            });
            axum::serve(listener, app).await.unwrap();
        });
    });
    (format!("http://{addr}"), hits)
}

/// What the install step sees: a PATH without llmgw-migrate and with a
/// fake `cargo` that logs its arguments and "builds" the real binary.
struct InstallEnv {
    _dir: tempfile::TempDir,
    path: String,
    cargo_log: PathBuf,
    github_path: PathBuf,
    /// The step's TMPDIR: its downloads go there and must not stay.
    tmp: PathBuf,
}

impl InstallEnv {
    fn leftovers(&self) -> Vec<PathBuf> {
        fs::read_dir(&self.tmp)
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect()
    }
}

fn install_env() -> InstallEnv {
    let dir = tempfile::tempdir().unwrap();
    let fake = dir.path().join("bin");
    fs::create_dir_all(&fake).unwrap();
    let cargo_log = dir.path().join("cargo.log");
    fs::write(
        fake.join("cargo"),
        format!(
            "#!/usr/bin/env bash\necho \"$*\" >> '{}'\n\
             while [ $# -gt 0 ]; do [ \"$1\" = --root ] && root=$2; shift; done\n\
             mkdir -p \"$root/bin\" && cp '{}' \"$root/bin/llmgw-migrate\"\n",
            cargo_log.display(),
            env!("CARGO_BIN_EXE_llmgw-migrate")
        ),
    )
    .unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(fake.join("cargo"), fs::Permissions::from_mode(0o755)).unwrap();
    }
    let github_path = dir.path().join("github_path");
    fs::write(&github_path, "").unwrap();
    let tmp = dir.path().join("tmp");
    fs::create_dir_all(&tmp).unwrap();
    InstallEnv {
        tmp,
        path: format!("{}:/usr/bin:/bin", fake.display()),
        cargo_log,
        github_path,
        _dir: dir,
    }
}

/// The release asset name the install script looks for on this machine.
fn release_target() -> Option<String> {
    let arch = match std::env::consts::ARCH {
        "x86_64" => "x86_64",
        "aarch64" => "aarch64",
        _ => return None,
    };
    (std::env::consts::OS == "linux").then(|| format!("{arch}-unknown-linux-musl"))
}

/// A release directory `v<version>/` packed by the release script; returns
/// the archive's file name and the packed executable's bytes.
///
/// The packed executable is a small stand-in that prints this build's
/// version (completions and the man page still come from this build, via
/// GEN_BIN): the step under test downloads, verifies and unpacks, and a
/// 100 MB debug binary exec'd straight after unpacking once died with
/// SIGSEGV on a CI machine, which says nothing about the step.
fn release_dir(dir: &Path) -> Option<(String, Vec<u8>)> {
    let target = release_target()?;
    let version = env!("CARGO_PKG_VERSION");
    let out = dir.join(format!("v{version}"));
    let stand_in = dir.join("llmgw-migrate");
    let script = format!("#!/bin/sh\necho 'llmgw-migrate {version}'\n");
    fs::write(&stand_in, &script).unwrap();
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&stand_in, fs::Permissions::from_mode(0o755)).unwrap();
    }
    let o = Command::new("bash")
        .arg(root().join("scripts/release-archive.sh"))
        .arg(&target)
        .arg(version)
        .arg(&stand_in)
        .arg(&out)
        .env("GEN_BIN", env!("CARGO_BIN_EXE_llmgw-migrate"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    fs::remove_file(&stand_in).unwrap();
    Some((
        format!("llmgw-migrate-{version}-{target}.tar.gz"),
        script.into_bytes(),
    ))
}

fn install(ref_: &str, base: &str, env: &InstallEnv) -> StepRun {
    let a = yaml("action.yml");
    let cwd = tempfile::tempdir().unwrap();
    run_step(
        &a,
        "Install llmgw-migrate",
        &[],
        cwd.path(),
        &[
            ("PATH", &env.path),
            ("GITHUB_PATH", env.github_path.to_str().unwrap()),
            ("LLMGW_ACTION_REF", ref_),
            ("LLMGW_RELEASE_BASE", base),
            ("TMPDIR", env.tmp.to_str().unwrap()),
        ],
    )
}

fn installed(env: &InstallEnv) -> PathBuf {
    let dir = fs::read_to_string(&env.github_path).unwrap();
    PathBuf::from(dir.trim()).join("llmgw-migrate")
}

#[test]
fn install_step_downloads_the_release_of_its_tag_and_checks_the_sha256() {
    if Command::new("curl").arg("--version").output().is_err() {
        eprintln!("skipped: curl not available");
        return;
    }
    let releases = tempfile::tempdir().unwrap();
    let Some((asset, packed)) = release_dir(releases.path()) else {
        eprintln!("skipped: no release archive for this platform");
        return;
    };
    let (base, hits) = serve(releases.path().to_path_buf());
    let version = env!("CARGO_PKG_VERSION");
    // At the release tag, and with the ref left empty by the runner.
    for ref_ in [format!("v{version}"), String::new()] {
        let env = install_env();
        let r = install(&ref_, &base, &env);
        assert_eq!(r.code, 0, "{}", r.stdout);
        assert!(r.stdout.contains(&format!("/v{version}/{asset}")));
        assert!(r.stdout.contains("verified"), "{}", r.stdout);
        assert!(!env.cargo_log.exists(), "no build when a release exists");
        // The step ends by running what it installed.
        assert!(r
            .stdout
            .trim_end()
            .ends_with(&format!("llmgw-migrate {version}")));
        assert_eq!(fs::read(installed(&env)).unwrap(), packed);
        assert_eq!(env.leftovers(), Vec::<PathBuf>::new());
    }
    assert!(hits.load(Ordering::SeqCst) >= 4);

    // A tampered archive fails the step; nothing is installed or built.
    let sum = releases.path().join(format!("v{version}/{asset}.sha256"));
    fs::write(&sum, format!("{}  {asset}\n", "0".repeat(64))).unwrap();
    let env = install_env();
    let r = install(&format!("v{version}"), &base, &env);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r
        .stdout
        .contains("::error title=llmgw-migrate::sha256 mismatch"));
    assert!(!env.cargo_log.exists());
    assert_eq!(fs::read_to_string(&env.github_path).unwrap(), "");
    assert_eq!(env.leftovers(), Vec::<PathBuf>::new());
}

#[test]
fn install_step_builds_from_source_without_a_matching_release() {
    if Command::new("curl").arg("--version").output().is_err() || release_target().is_none() {
        eprintln!("skipped: curl not available or no release target for this platform");
        return;
    }
    let empty = tempfile::tempdir().unwrap();
    let (base, hits) = serve(empty.path().to_path_buf());
    let version = env!("CARGO_PKG_VERSION");
    // The tag has no release (404): cargo install of the action's sources.
    let env = install_env();
    let r = install(&format!("v{version}"), &base, &env);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("No release archive"), "{}", r.stdout);
    let log = fs::read_to_string(&env.cargo_log).unwrap();
    assert!(log.starts_with("install --locked"), "{log}");
    assert!(log.contains(&format!("--path {}", root().display())));
    assert!(installed(&env).exists());
    assert_eq!(hits.load(Ordering::SeqCst), 1);

    // A branch is not a release: built without asking the server.
    let env = install_env();
    let r = install("main", &base, &env);
    assert_eq!(r.code, 0, "{}", r.stdout);
    assert!(r.stdout.contains("not a release tag"));
    assert!(env.cargo_log.exists());
    assert_eq!(hits.load(Ordering::SeqCst), 1);
}

#[test]
fn pre_commit_hooks_scan_the_files_they_are_given() {
    let hooks = yaml(".pre-commit-hooks.yaml");
    let hooks = hooks.as_array().expect("a list of hooks");
    assert!(!hooks.is_empty());
    let dir = repo();
    for h in hooks {
        for key in ["id", "name", "entry", "language"] {
            assert!(h[key].is_string(), "{key} in {h}");
        }
        assert!(matches!(h["language"].as_str(), Some("rust" | "system")));
        assert_eq!(h["require_serial"], true);
        // Run the entry as pre-commit does: entry + staged file names.
        let entry: Vec<&str> = h["entry"].as_str().unwrap().split_whitespace().collect();
        assert_eq!(entry[0], "llmgw-migrate");
        let run = |files: &[&str]| {
            Command::new(env!("CARGO_BIN_EXE_llmgw-migrate"))
                .args(&entry[1..])
                .args(files)
                .current_dir(dir.path())
                .env("NO_COLOR", "1")
                .env_remove("GITHUB_STEP_SUMMARY")
                .output()
                .unwrap()
        };
        let bad = run(&["app/client.ts", "clean dir/readme.txt"]);
        assert_eq!(bad.status.code(), Some(1));
        assert!(String::from_utf8_lossy(&bad.stdout).contains("openrouter.ai"));
        let ok = run(&["clean dir/readme.txt"]);
        assert_eq!(ok.status.code(), Some(0));
    }
}

/// Split a documented command line like a shell would for these simple
/// cases: drop `VAR=` prefixes, stop at redirections and `||`.
fn argv(cmd: &str) -> Vec<String> {
    let mut out = Vec::new();
    for w in cmd.split_whitespace() {
        if out.is_empty() && w.contains('=') && !w.starts_with('-') {
            continue;
        }
        if w.starts_with('>') || w == "||" || w == "|" {
            break;
        }
        out.push(w.trim_matches('"').to_owned());
    }
    out
}

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn documented_workflow_is_valid_yaml_and_its_commands_parse() {
    use clap::Parser;
    let doc = fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let block = doc
        .split("```yaml\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a yaml block");
    let wf: Value = serde_saphyr::from_str(block).expect("workflow is YAML");
    let steps = wf["jobs"]["openrouter-dependencies"]["steps"]
        .as_array()
        .unwrap();
    let mut seen = Vec::new();
    for s in steps {
        let Some(run) = s["run"].as_str() else {
            continue;
        };
        let words = argv(run);
        if words.first().map(String::as_str) != Some("llmgw-migrate") {
            continue;
        }
        llmgw_migrate::cli::Cli::try_parse_from(&words)
            .unwrap_or_else(|e| panic!("documented `{run}` does not parse: {e}"));
        seen.push(words[1].clone());
    }
    for c in ["scan", "rewrite", "parity"] {
        assert!(seen.iter().any(|s| s == c), "workflow lacks {c}: {seen:?}");
    }
    // The uploaded SARIF is the file the scan step writes.
    assert!(block.contains("> \"$RUNNER_TEMP/llmgw-migrate.sarif\""));
    assert!(block.contains("sarif_file: ${{ runner.temp }}/llmgw-migrate.sarif"));
}
