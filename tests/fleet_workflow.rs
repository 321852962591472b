//! .github/workflows/fleet-scan.yml: a reusable workflow that is
//! injection-safe, and whose shell steps run here the way a runner runs
//! them (one matrix job per repository, then the merge job).

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn workflow() -> Value {
    let path = root().join(".github/workflows/fleet-scan.yml");
    let text = std::fs::read_to_string(&path).unwrap();
    serde_saphyr::from_str(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()))
}

fn step<'a>(w: &'a Value, job: &str, name: &str) -> &'a Value {
    w["jobs"][job]["steps"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["name"] == name)
        .unwrap_or_else(|| panic!("no step {name} in {job}"))
}

#[test]
fn is_a_reusable_workflow_with_a_matrix_and_a_merge_job() {
    let w = workflow();
    let call = &w["on"]["workflow_call"];
    assert_eq!(call["inputs"]["repositories"]["required"], true);
    assert_eq!(call["inputs"]["repositories"]["type"], "string");
    assert!(call["inputs"]["tool-repository"].is_object());
    let scan = &w["jobs"]["scan"];
    assert_eq!(
        scan["strategy"]["matrix"]["repository"],
        "${{ fromJSON(inputs.repositories) }}"
    );
    assert_eq!(scan["strategy"]["fail-fast"], false);
    // The Action runs in each job.
    assert_eq!(
        step(&w, "scan", "Scan (annotations)")["uses"],
        "./.llmgw-migrate"
    );
    assert!(step(&w, "scan", "Upload the report")["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/upload-artifact@"));
    let merge = &w["jobs"]["merge"];
    assert_eq!(merge["needs"], "scan");
    assert!(step(&w, "merge", "Download the reports")["uses"]
        .as_str()
        .unwrap()
        .starts_with("actions/download-artifact@"));
    for job in ["scan", "merge"] {
        for s in w["jobs"][job]["steps"].as_array().unwrap() {
            if let Some(run) = s["run"].as_str() {
                // Inputs and matrix values reach scripts through env only.
                assert!(!run.contains("${{"), "expression in run: {}", s["name"]);
                assert_eq!(s["shell"], "bash", "{}", s["name"]);
            }
        }
    }
}

/// Run one `run:` step with bash, `env:` resolved from `values`
/// (`matrix.x` / `inputs.x`), with `$GITHUB_OUTPUT` and a step summary.
fn run_step(
    w: &Value,
    job: &str,
    name: &str,
    values: &[(&str, &str)],
    cwd: &Path,
    runner_temp: &Path,
) -> (i32, String, String) {
    let s = step(w, job, name);
    let output = runner_temp.join("output");
    let summary = runner_temp.join("summary.md");
    std::fs::write(&output, "").unwrap();
    std::fs::write(&summary, "").unwrap();
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
        .env("GITHUB_STEP_SUMMARY", &summary)
        .env("RUNNER_TEMP", runner_temp)
        .env("NO_COLOR", "1");
    if let Some(env) = s["env"].as_object() {
        for (k, v) in env {
            let expr = v.as_str().unwrap().trim();
            let key = expr
                .strip_prefix("${{ ")
                .and_then(|r| r.strip_suffix(" }}"))
                .unwrap_or_else(|| panic!("env {k} is not an expression: {expr}"));
            let value = values
                .iter()
                .find(|(n, _)| *n == key)
                .map(|(_, v)| v.to_string())
                .unwrap_or_default();
            cmd.env(k, value);
        }
    }
    let out = cmd.output().expect("bash runs");
    (
        out.status.code().unwrap_or(-1),
        std::fs::read_to_string(&output).unwrap(),
        std::fs::read_to_string(&summary).unwrap()
            + &String::from_utf8_lossy(&out.stdout)
            + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn matrix_jobs_then_merge_give_the_fleet_summary() {
    if Command::new("bash").arg("--version").output().is_err() {
        eprintln!("bash not available; skipped");
        return;
    }
    let w = workflow();
    let artifacts = tempfile::tempdir().unwrap();
    // Two matrix jobs, each with its own workspace and runner temp.
    for (repo, content) in [
        ("acme/api", "BASE = \"https://openrouter.ai/api/v1\"\n"),
        (
            "acme/web",
            "const m = { model: \"openrouter/auto\" };\nfetch(\"https://openrouter.ai/api/v1/chat/completions\");\n",
        ),
    ] {
        let ws = tempfile::tempdir().unwrap();
        let tmp = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(ws.path().join("repo")).unwrap();
        std::fs::write(ws.path().join("repo/app.js"), content).unwrap();
        let values = [
            ("matrix.repository", repo),
            ("inputs.target", "ominigate"),
            ("inputs.args", ""),
        ];
        let (code, outputs, log) =
            run_step(&w, "scan", "Scan (JSON report)", &values, ws.path(), tmp.path());
        assert_eq!(code, 0, "{log}");
        let report = outputs
            .lines()
            .find_map(|l| l.strip_prefix("report="))
            .expect("report output");
        assert!(report.ends_with(&format!("{}.json", repo.replace('/', "__"))));
        let doc: Value = serde_json::from_slice(&std::fs::read(report).unwrap()).unwrap();
        assert_eq!(doc["repository"], repo);
        assert!(doc["table"].as_str().unwrap().starts_with("ominigate@"));
        // The JSON step leaves the job summary to the Action.
        assert!(!log.contains("### llmgw-migrate scan"), "{log}");
        let (_, outputs, _) = run_step(&w, "scan", "Name the artifact", &values, ws.path(), tmp.path());
        assert_eq!(
            outputs.trim(),
            format!("name=llmgw-report-{}", repo.replace('/', "__"))
        );
        // What upload/download-artifact with merge-multiple leaves behind.
        std::fs::create_dir_all(artifacts.path().join("reports")).unwrap();
        std::fs::copy(
            report,
            artifacts
                .path()
                .join("reports")
                .join(Path::new(report).file_name().unwrap()),
        )
        .unwrap();
    }
    let tmp = tempfile::tempdir().unwrap();
    let (code, outputs, log) = run_step(&w, "merge", "Merge", &[], artifacts.path(), tmp.path());
    assert_eq!(code, 0, "{log}");
    assert_eq!(outputs.trim(), "exit-code=0");
    assert!(
        log.contains("### llmgw-migrate fleet: 2 repositories"),
        "{log}"
    );
    assert!(
        log.contains("| acme/api |") && log.contains("| acme/web |"),
        "{log}"
    );
    let fleet: Value =
        serde_json::from_slice(&std::fs::read(artifacts.path().join("fleet/fleet.json")).unwrap())
            .unwrap();
    assert_eq!(fleet["totals"]["repositories"], 2);
    let html = std::fs::read_to_string(artifacts.path().join("fleet/fleet.html")).unwrap();
    assert!(html.contains("acme/web"));

    // A broken report: still merged from the rest, the job fails with 2
    // and the file is named.
    std::fs::write(artifacts.path().join("reports/acme__bad.json"), "{").unwrap();
    let (code, outputs, log) = run_step(&w, "merge", "Merge", &[], artifacts.path(), tmp.path());
    assert_eq!(code, 2, "{log}");
    assert_eq!(outputs.trim(), "exit-code=2");
    assert!(
        log.contains(
            "::warning title=llmgw-migrate::llmgw-migrate: error: reports/acme__bad.json:1:1"
        ),
        "{log}"
    );
    assert!(
        log.contains("### llmgw-migrate fleet: 2 repositories"),
        "{log}"
    );
}
