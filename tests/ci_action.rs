//! action.yml and .pre-commit-hooks.yaml: well-formed, injection-safe, and
//! their shell steps run here the way a runner would run them.

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::process::Command;

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
            let expr = v.as_str().unwrap();
            let input = expr
                .trim()
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
    // Keep SARIF files readable after the temp dir goes away.
    std::mem::forget(tmp);
    StepRun {
        code: out.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&out.stdout).into_owned(),
        outputs,
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
