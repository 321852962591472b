//! End to end: `scan` with the CI formats, a config file, inline
//! suppressions, baselines and the step summary, run as a user would.

mod common;

use std::fs;
use std::path::Path;

use common::Run;
use serde_json::Value;

fn scan(dir: &Path, args: &[&str]) -> Run {
    scan_env(dir, args, None)
}

/// `scan ARGS` in `dir`, with `GITHUB_STEP_SUMMARY` set to `summary`.
fn scan_env(dir: &Path, args: &[&str], summary: Option<&Path>) -> Run {
    let mut cmd = common::cli(dir);
    cmd.arg("scan").args(args);
    if let Some(p) = summary {
        cmd.env("GITHUB_STEP_SUMMARY", p);
    }
    let r = common::output(&mut cmd);
    // Every format this file checks is text: fails unless stdout is UTF-8.
    r.utf8();
    r
}

const APP: &str = r#"import os
from openai import OpenAI

client = OpenAI(
    base_url="https://openrouter.ai/api/v1",
    api_key=os.environ["OPENROUTER_API_KEY"],
)
"#;

/// A repository (bounded by .git so no config above it applies).
fn repo() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    fs::create_dir_all(dir.path().join(".git")).unwrap();
    fs::create_dir_all(dir.path().join("services/api")).unwrap();
    fs::write(dir.path().join("services/api/app.py"), APP).unwrap();
    dir
}

fn json(dir: &Path, args: &[&str]) -> Value {
    let mut a = vec!["--format", "json"];
    a.extend_from_slice(args);
    let r = scan(dir, &a);
    assert!(r.code == 0 || r.code == 1, "{}", r.stderr);
    serde_json::from_str(&r.stdout).expect("json output")
}

fn kinds(v: &Value) -> Vec<String> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["kind"].as_str().unwrap().to_owned())
        .collect()
}

#[test]
fn sarif_output_validates_and_points_at_workspace_paths() {
    let dir = repo();
    // Scanning a subdirectory still names files from the checkout root.
    let r = scan(dir.path(), &["services", "--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let v = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errs: Vec<String> = v.iter_errors(&doc).map(|e| e.to_string()).collect();
    assert!(errs.is_empty(), "{errs:#?}");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert!(results.len() >= 2);
    for r in results {
        assert_eq!(
            r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
            "services/api/app.py"
        );
    }
    let label = doc["runs"][0]["properties"]["table"].as_str().unwrap();
    assert!(label.starts_with("llmgateway@"), "{label}");
    assert!(doc["runs"][0]["properties"]["sourceTable"]
        .as_str()
        .unwrap()
        .starts_with("openrouter@"));
}

#[test]
fn github_and_junit_outputs() {
    let dir = repo();
    let r = scan(dir.path(), &["services/api/app.py", "--format", "github"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert!(lines.len() >= 3, "{}", r.stdout);
    for l in &lines[..lines.len() - 1] {
        assert!(
            l.starts_with("::warning file=services/api/app.py,line="),
            "{l}"
        );
    }
    assert!(lines.last().unwrap().starts_with("::notice "));
    assert!(lines.iter().any(|l| l.contains(",line=5,col=15,")));

    let r = scan(dir.path(), &["--format", "junit"]);
    let parsed = quick_junit::Report::deserialize_from_str(&r.stdout).expect("junit");
    let suite = &parsed.test_suites[0];
    assert_eq!(suite.failures, lines.len() - 1);
    assert_eq!(suite.tests, suite.failures);
}

#[test]
fn config_file_sets_defaults_and_flags_win() {
    let dir = repo();
    fs::write(
        dir.path().join("llmgw-migrate.toml"),
        "target = \"ominigate\"\nkinds = [\"base-url\"]\n",
    )
    .unwrap();
    // Found from a subdirectory being scanned.
    let v = json(dir.path(), &["services"]);
    assert!(
        v["table"].as_str().unwrap().starts_with("ominigate@"),
        "{v}"
    );
    assert_eq!(kinds(&v), ["base-url"]);
    // Flags win.
    let v = json(
        dir.path(),
        &["services", "--to", "phaseo", "--kinds", "api-key-env"],
    );
    assert!(v["table"].as_str().unwrap().starts_with("phaseo@"));
    assert_eq!(kinds(&v), ["api-key-env"]);
    // Excluded by a glob in the config.
    fs::write(
        dir.path().join("llmgw-migrate.toml"),
        "exclude = [\"services/**\"]\n",
    )
    .unwrap();
    let r = scan(dir.path(), &[]);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    // --config names another file.
    fs::write(dir.path().join("ci.toml"), "target = \"phaseo\"\n").unwrap();
    let v = json(dir.path(), &["--config", "ci.toml"]);
    assert!(v["table"].as_str().unwrap().starts_with("phaseo@"));
}

#[test]
fn bad_config_is_an_error_with_file_line_col() {
    let dir = repo();
    let cfg = dir.path().join("llmgw-migrate.toml");
    fs::write(&cfg, "target = \"llmgateway\"\nmax_filesiz = 10\n").unwrap();
    let r = scan(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(
        r.stderr
            .contains("llmgw-migrate.toml:2:1: unknown field `max_filesiz`"),
        "{}",
        r.stderr
    );
    fs::write(&cfg, "target = \"openai\"\n").unwrap();
    let r = scan(dir.path(), &[]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr
            .contains("llmgw-migrate.toml:1:10: unknown target 'openai'"),
        "{}",
        r.stderr
    );
}

#[test]
fn inline_suppression_is_counted() {
    let dir = repo();
    let app = dir.path().join("services/api/app.py");
    let text = APP.replace(
        "base_url=\"https://openrouter.ai/api/v1\",",
        "base_url=\"https://openrouter.ai/api/v1\",  # llmgw-migrate: ignore[base-url]",
    );
    fs::write(&app, text).unwrap();
    let v = json(dir.path(), &[]);
    assert_eq!(v["summary"]["suppressed"], 1, "{v}");
    assert!(!kinds(&v).contains(&"base-url".to_owned()));
    let r = scan(dir.path(), &[]);
    assert!(r.stdout.contains("1 suppressed"), "{}", r.stdout);
}

#[test]
fn baseline_hides_known_findings_even_when_moved() {
    let dir = repo();
    // Writing a baseline succeeds with one line, not the findings.
    let r = scan(dir.path(), &["--write-baseline", "baseline.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        r.stdout.lines().collect::<Vec<_>>(),
        ["wrote 2 finding(s) to baseline baseline.json"]
    );
    let r = scan(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(r.code, 0, "{}", r.stdout);
    // Scanning one file or a subdirectory (pre-commit) uses the same baseline.
    for path in ["services/api/app.py", "services"] {
        let r = scan(dir.path(), &[path, "--baseline", "baseline.json"]);
        assert_eq!(r.code, 0, "{path}: {}", r.stdout);
    }

    // Lines added above move everything; a new dependency is added.
    let moved = format!("# a new header\n\n{APP}MODEL = \"anthropic/claude-3.5-sonnet\"\n");
    fs::write(dir.path().join("services/api/app.py"), moved).unwrap();
    let v = json(dir.path(), &["--baseline", "baseline.json"]);
    assert_eq!(kinds(&v), ["model-slug"], "{v}");
    assert!(v["summary"]["baselined"].as_u64().unwrap() >= 2);

    let bad = scan(dir.path(), &["--baseline", "missing.json"]);
    assert_eq!(bad.code, 2);
    assert!(bad.stderr.contains("missing.json"), "{}", bad.stderr);
}

#[test]
fn step_summary_is_appended_when_set() {
    let dir = repo();
    // Outside the checkout, as on a runner.
    let tmp = tempfile::tempdir().unwrap();
    let summary = tmp.path().join("summary.md");
    let r = scan_env(dir.path(), &["--format", "github"], Some(&summary));
    assert_eq!(r.code, 1);
    let md = fs::read_to_string(&summary).unwrap();
    assert!(md.starts_with("### llmgw-migrate scan"), "{md}");
    assert!(md.contains("| base-url | 1 |"), "{md}");
    // Not set: nothing written anywhere, output unchanged.
    let r2 = scan(dir.path(), &["--format", "github"]);
    assert_eq!(r2.stdout, r.stdout);
    assert_eq!(fs::read_to_string(&summary).unwrap(), md);
}

/// Every finding the real fixtures produce (multi-line regions, notebooks,
/// odd encodings) renders as schema-valid SARIF, parseable GitHub commands
/// and JUnit with one failure each.
#[test]
fn fixtures_render_in_every_ci_format() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    if !root.join("fixtures").is_dir() {
        eprintln!("no fixtures/; skipped");
        return;
    }
    let n = json(root, &["fixtures"])["findings"]
        .as_array()
        .unwrap()
        .len();
    assert!(n > 0);

    let r = scan(root, &["fixtures", "--format", "sarif"]);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    let schema: Value = serde_json::from_str(include_str!("data/sarif-schema-2.1.0.json")).unwrap();
    let v = jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .unwrap();
    let errs: Vec<String> = v
        .iter_errors(&doc)
        .take(5)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect();
    assert!(errs.is_empty(), "{errs:#?}");
    let results = doc["runs"][0]["results"].as_array().unwrap();
    assert_eq!(results.len(), n);
    for res in results {
        let uri = res["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
            .as_str()
            .unwrap();
        assert!(uri.starts_with("fixtures/"), "{uri}");
        let region = &res["locations"][0]["physicalLocation"]["region"];
        let (sl, el) = (region["startLine"].as_u64(), region["endLine"].as_u64());
        assert!(sl <= el, "{region}");
    }

    let r = scan(root, &["fixtures", "--format", "github"]);
    let lines: Vec<&str> = r.stdout.lines().collect();
    assert_eq!(lines.len(), n + 1, "one command per finding and a notice");
    for l in &lines {
        assert!(
            l.starts_with("::warning file=fixtures/")
                || l.starts_with("::error file=fixtures/")
                || l.starts_with("::notice "),
            "{l}"
        );
        let (head, _) = l[2..].split_once("::").expect("::message");
        for prop in head.split_once(' ').map(|x| x.1).unwrap_or("").split(',') {
            let (_, v) = prop.split_once('=').expect("k=v");
            assert!(!v.contains(':'), "unescaped ':' in {l}");
        }
    }

    let r = scan(root, &["fixtures", "--format", "junit"]);
    let parsed = quick_junit::Report::deserialize_from_str(&r.stdout).expect("junit parses");
    assert_eq!(parsed.test_suites[0].failures, n);
}

fn sarif_fingerprints(dir: &Path) -> Vec<(String, u64)> {
    let r = scan(dir, &["--format", "sarif"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let doc: Value = serde_json::from_str(&r.stdout).unwrap();
    doc["runs"][0]["results"]
        .as_array()
        .unwrap()
        .iter()
        .map(|r| {
            (
                r["partialFingerprints"]["llmgwMigrate/v1"]
                    .as_str()
                    .expect("every result has a partial fingerprint")
                    .to_owned(),
                r["locations"][0]["physicalLocation"]["region"]["startLine"]
                    .as_u64()
                    .unwrap(),
            )
        })
        .collect()
}

#[test]
fn sarif_fingerprints_follow_a_finding_that_moves_and_match_the_baseline() {
    let dir = repo();
    let before = sarif_fingerprints(dir.path());
    assert!(before.len() >= 2);
    // Lines added above and re-indentation: same identities, new lines.
    let moved = format!(
        "# a comment\n\n{}",
        APP.replace("    base_url", "        base_url")
    );
    fs::write(dir.path().join("services/api/app.py"), moved).unwrap();
    let after = sarif_fingerprints(dir.path());
    let ids = |v: &[(String, u64)]| v.iter().map(|(f, _)| f.clone()).collect::<Vec<_>>();
    assert_eq!(ids(&before), ids(&after));
    assert_eq!(after[0].1, before[0].1 + 2);
    // The identity is the baseline's: fingerprint and occurrence.
    let r = scan(dir.path(), &["--write-baseline", "b.json"]);
    assert_eq!(r.code, 0, "recording a baseline is not a gate");
    let b: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("b.json")).unwrap()).unwrap();
    let from_baseline: Vec<String> = b["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| format!("{}:{}", e["fingerprint"].as_str().unwrap(), e["occurrence"]))
        .collect();
    assert_eq!(ids(&after), from_baseline);
    fs::remove_file(dir.path().join("b.json")).unwrap();
    // A changed line is a new finding; the others keep their identity.
    fs::write(
        dir.path().join("services/api/app.py"),
        APP.replace("base_url=", "base_url = "),
    )
    .unwrap();
    let changed = sarif_fingerprints(dir.path());
    assert_eq!(changed.len(), before.len());
    assert_ne!(changed[0].0, before[0].0);
    assert_eq!(changed[1..], before[1..]);
}
