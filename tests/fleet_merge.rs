//! `report merge` run as a platform engineer runs it: real scan, rewrite
//! and parity reports of several repositories in, one fleet view out.

// Without the `parity` feature the tests that need it are left out, and
// their helpers with them.
#![cfg_attr(not(feature = "parity"), allow(dead_code, unused_imports))]

mod common;

use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use common::{cli, here};
use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn ok_json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "{e}\n{}\n{}",
            String::from_utf8_lossy(&o.stdout),
            String::from_utf8_lossy(&o.stderr)
        )
    })
}

/// `scan --format json` of a fixture repository, saved as `out/<file>`.
fn scan_report(fixture: &str, repo: &str, out: &Path, file: &str) -> Value {
    let o = cli(here())
        .args([
            "scan",
            "--to",
            "ominigate",
            "--format",
            "json",
            "--repo-name",
            repo,
        ])
        .arg(root().join("fixtures").join(fixture))
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(1),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(out.join(file), &o.stdout).unwrap();
    ok_json(&o)
}

fn merge(files: &[PathBuf], format: &str) -> Output {
    cli(here())
        .args(["report", "merge", "--format", format])
        .args(files)
        .output()
        .unwrap()
}

fn row<'a>(fleet: &'a Value, repo: &str) -> &'a Value {
    fleet["repositories"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["repository"] == repo)
        .unwrap_or_else(|| panic!("no row {repo}"))
}

/// Three repositories' scans, one rewrite and one parity run.
struct Fleet {
    dir: tempfile::TempDir,
    scans: Vec<Value>,
    rewrite: Value,
}

impl Fleet {
    fn files(&self) -> Vec<PathBuf> {
        let mut v: Vec<PathBuf> = std::fs::read_dir(self.dir.path())
            .unwrap()
            .map(|e| e.unwrap().path())
            .collect();
        v.sort();
        v
    }
}

/// The reports are made once (five runs of the tool) and copied into each
/// test's own directory, which the test may change.
fn fleet() -> Fleet {
    static MADE: std::sync::OnceLock<(PathBuf, Vec<Value>, Value)> = std::sync::OnceLock::new();
    let (src, scans, rewrite) = MADE.get_or_init(make_reports);
    let dir = tempfile::tempdir().unwrap();
    for e in std::fs::read_dir(src).unwrap() {
        let p = e.unwrap().path();
        std::fs::copy(&p, dir.path().join(p.file_name().unwrap())).unwrap();
    }
    Fleet {
        dir,
        scans: scans.clone(),
        rewrite: rewrite.clone(),
    }
}

fn make_reports() -> (PathBuf, Vec<Value>, Value) {
    let out = tempfile::tempdir_in(env!("CARGO_TARGET_TMPDIR"))
        .unwrap()
        .keep();
    let out = out.as_path();
    let scans = vec![
        scan_report("python-app", "acme/python-app", out, "1.json"),
        scan_report("ts-app", "acme/ts-app", out, "2.json"),
        scan_report("go-client", "acme/go-client", out, "3.json"),
    ];
    let o = cli(here())
        .args(["rewrite", "--to", "ominigate", "--format", "json"])
        .args(["--repo-name", "acme/ts-app"])
        .arg(root().join("fixtures/ts-app"))
        .output()
        .unwrap();
    std::fs::write(out.join("4-rewrite.json"), &o.stdout).unwrap();
    let rewrite = ok_json(&o);
    let o = cli(here())
        .current_dir(root())
        .args(["parity", "--golden", "examples/parity/golden.yaml"])
        .args(["--replay", "examples/parity/recorded", "--format", "json"])
        .args(["--repo-name", "acme/python-app"])
        .output()
        .unwrap();
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    std::fs::write(out.join("5-parity.json"), &o.stdout).unwrap();
    (out.to_path_buf(), scans, rewrite)
}

fn count(findings: &Value, key: &str, value: &str) -> u64 {
    findings
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f[key] == value)
        .count() as u64
}

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn totals_equal_the_sum_of_the_inputs() {
    let f = fleet();
    let o = merge(&f.files(), "json");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let v = ok_json(&o);
    assert_eq!(v["schema"], 1);
    assert_eq!(v["inputs"]["files"], 5);
    assert_eq!(v["totals"]["repositories"], 3);

    let mut want_total = 0;
    for s in &f.scans {
        let findings = &s["findings"];
        let n = findings.as_array().unwrap().len() as u64;
        want_total += n;
        let r = row(&v, s["repository"].as_str().unwrap());
        assert_eq!(r["scan"]["findings"], n);
        for fix in ["auto", "manual", "none"] {
            assert_eq!(r["scan"][fix], count(findings, "fix", fix), "{fix}");
        }
        for (kind, n) in s["summary"]["findings_by_kind"].as_object().unwrap() {
            assert_eq!(r["scan"]["findings_by_kind"][kind], *n, "{kind}");
        }
        assert_eq!(r["tables"][0], s["table"]);
        assert_eq!(r["table_status"], "current");
    }
    assert_eq!(v["totals"]["findings"], want_total);
    for fix in ["auto", "manual", "none"] {
        let sum: u64 = f
            .scans
            .iter()
            .map(|s| count(&s["findings"], "fix", fix))
            .sum();
        assert_eq!(v["totals"][fix], sum, "{fix}");
    }
    for (kind, n) in v["totals"]["findings_by_kind"].as_object().unwrap() {
        let sum: u64 = f
            .scans
            .iter()
            .map(|s| s["summary"]["findings_by_kind"][kind].as_u64().unwrap())
            .sum();
        assert_eq!(n.as_u64().unwrap(), sum, "{kind}");
    }

    // The rewrite's edits and manual items, and the parity verdict.
    let edits = f.rewrite["summary"]["edits"].as_u64().unwrap();
    assert!(edits > 0);
    assert_eq!(v["totals"]["edits"], edits);
    let ts = row(&v, "acme/ts-app");
    assert_eq!(ts["rewrite"]["edits"], edits);
    assert_eq!(ts["rewrite"]["manual"], f.rewrite["summary"]["manual"]);
    let py = row(&v, "acme/python-app");
    assert_eq!(py["parity"]["verdict"], "pass");
    assert_eq!(py["parity"]["results"], 8);
    assert_eq!(v["totals"]["parity"]["pass"], 1);

    // Manual items by rule: occurrences add up to what is left per
    // repository (the rewrite's list where given, else the scan's).
    let groups = v["manual"].as_array().unwrap();
    let occurrences: u64 = groups
        .iter()
        .map(|g| g["occurrences"].as_u64().unwrap())
        .sum();
    let want = f.rewrite["summary"]["manual"].as_u64().unwrap()
        + count(&f.scans[0]["findings"], "fix", "manual")
        + count(&f.scans[2]["findings"], "fix", "manual");
    assert_eq!(occurrences, want);
    for g in groups {
        assert_eq!(
            g["repositories"],
            g["names"].as_array().unwrap().len() as u64
        );
    }
    // Most widespread first.
    let reach: Vec<u64> = groups
        .iter()
        .map(|g| g["repositories"].as_u64().unwrap())
        .collect();
    assert!(reach.windows(2).all(|w| w[0] >= w[1]), "{reach:?}");
}

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn an_older_table_is_flagged_in_every_format() {
    let f = fleet();
    let old = f.dir.path().join("3.json");
    let mut doc: Value = serde_json::from_slice(&std::fs::read(&old).unwrap()).unwrap();
    doc["table"] = "ominigate@2025-01-01+sha256:0123456789ab".into();
    std::fs::write(&old, serde_json::to_vec(&doc).unwrap()).unwrap();

    let v = ok_json(&merge(&f.files(), "json"));
    assert_eq!(row(&v, "acme/go-client")["table_status"], "older");
    assert_eq!(row(&v, "acme/python-app")["table_status"], "current");
    assert_eq!(v["totals"]["tables"]["older"], 1);
    assert_eq!(v["totals"]["tables"]["current"], 2);

    let md = String::from_utf8(merge(&f.files(), "markdown").stdout).unwrap();
    let line = md
        .lines()
        .find(|l| l.starts_with("| acme/go-client |"))
        .unwrap();
    assert!(
        line.contains("`ominigate@2025-01-01`") && line.contains("older"),
        "{line}"
    );
    let line = md
        .lines()
        .find(|l| l.starts_with("| acme/ts-app |"))
        .unwrap();
    assert!(!line.contains("older"), "{line}");
    assert!(
        md.contains("1 repository scanned with an older table"),
        "{md}"
    );

    let html = String::from_utf8(merge(&f.files(), "html").stdout).unwrap();
    assert!(
        html.contains("<tr class=\"older\"><td class=\"repo\">acme/go-client</td>"),
        "{html}"
    );
}

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn a_bad_file_is_named_and_the_others_still_merge() {
    let f = fleet();
    let dir = f.dir.path();
    std::fs::write(
        dir.join("6-truncated.json"),
        b"{\"schema\": 1,\n  \"tool\": {",
    )
    .unwrap();
    std::fs::write(
        dir.join("7-package.json"),
        br#"{"name": "web", "version": "1.0.0"}"#,
    )
    .unwrap();
    let mut files = f.files();
    files.push(dir.join("8-missing.json"));
    let o = merge(&files, "json");
    assert_eq!(o.status.code(), Some(2));
    let stderr = String::from_utf8_lossy(&o.stderr);
    for name in ["6-truncated.json", "7-package.json", "8-missing.json"] {
        assert!(stderr.contains(name), "{name} not named: {stderr}");
    }
    assert!(
        stderr.contains("6-truncated.json:2:11: not valid JSON"),
        "{stderr}"
    );
    assert!(
        stderr.contains("7-package.json: not a llmgw-migrate"),
        "{stderr}"
    );
    let v = ok_json(&o);
    assert_eq!(v["totals"]["repositories"], 3);
    assert_eq!(v["inputs"]["rejected"], 3);
    let errors = v["errors"].as_array().unwrap();
    assert_eq!(errors.len(), 3);
    assert!(errors[0]["file"]
        .as_str()
        .unwrap()
        .ends_with("6-truncated.json"));
    let md = String::from_utf8(merge(&files, "markdown").stdout).unwrap();
    assert!(md.contains("#### Not merged (3)"), "{md}");
    assert!(md.contains("7-package.json"));
}

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn html_is_self_contained_and_escaped() {
    let f = fleet();
    let evil = f.dir.path().join("9.json");
    let mut doc: Value =
        serde_json::from_slice(&std::fs::read(f.dir.path().join("1.json")).unwrap()).unwrap();
    doc["repository"] = "acme/<script>alert(1)</script>".into();
    std::fs::write(&evil, serde_json::to_vec(&doc).unwrap()).unwrap();
    let o = merge(&f.files(), "html");
    assert_eq!(o.status.code(), Some(0));
    let html = String::from_utf8(o.stdout).unwrap();
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Content-Security-Policy"));
    assert!(html.contains("acme/&lt;script&gt;alert(1)&lt;/script&gt;"));
    let lower = html.to_ascii_lowercase();
    for banned in ["<script", "<link", " src=", " href=", "@import", "url("] {
        assert!(!lower.contains(banned), "{banned}");
    }
    assert!(html.trim_end().ends_with("</html>"));
}

#[test]
fn reports_carry_their_repository() {
    // Default: owner/name of the origin remote.
    let d = tempfile::tempdir().unwrap();
    let repo = d.path().join("checkout");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(
        repo.join("app.py"),
        "BASE = \"https://openrouter.ai/api/v1\"\n",
    )
    .unwrap();
    let git = |args: &[&str]| {
        let s = Command::new("git")
            .current_dir(&repo)
            .args(args)
            .output()
            .unwrap();
        assert!(s.status.success(), "{}", String::from_utf8_lossy(&s.stderr));
    };
    git(&["init", "-q"]);
    let scan = |extra: &[&str]| {
        ok_json(
            &cli(here())
                .current_dir(&repo)
                .args(["scan", ".", "--format", "json"])
                .args(extra)
                .output()
                .unwrap(),
        )
    };
    // No origin: the work tree's directory name.
    assert_eq!(scan(&[])["repository"], "checkout");
    git(&[
        "remote",
        "add",
        "origin",
        "https://x-access-token:hunter2@github.com/acme/billing.git",
    ]);
    let v = scan(&[]);
    assert_eq!(v["repository"], "acme/billing");
    assert!(!v.to_string().contains("hunter2"));
    assert_eq!(v["schema"], 1);
    assert_eq!(
        scan(&["--repo-name", "team/other"])["repository"],
        "team/other"
    );
    let o = cli(here())
        .current_dir(&repo)
        .args(["rewrite", ".", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(ok_json(&o)["repository"], "acme/billing");
}

#[test]
fn untagged_reports_are_named_after_the_file() {
    let d = tempfile::tempdir().unwrap();
    let mut v = scan_report("go-client", "x", d.path(), "tmp.json");
    v.as_object_mut().unwrap().remove("repository");
    let file = d.path().join("legacy-service.json");
    std::fs::write(&file, serde_json::to_vec(&v).unwrap()).unwrap();
    let o = merge(&[file], "json");
    assert_eq!(o.status.code(), Some(0));
    assert!(String::from_utf8_lossy(&o.stderr).contains("legacy-service.json: no repository field"));
    assert_eq!(
        ok_json(&o)["repositories"][0]["repository"],
        "legacy-service"
    );
}
