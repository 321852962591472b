//! `--from` as a user runs it, and direct profiles against a target that
//! has no Anthropic-compatible surface.

mod common;

use std::path::Path;

use common::{cli, here};
use llmgw_migrate::finding::{Fix, Kind};
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::{scan, ScanOptions};
use serde_json::Value;

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

#[test]
fn scan_from_openai_json_has_the_same_schema() {
    let out = cli(here())
        .args(["scan", "--from", "openai", "--format", "json"])
        .arg(root().join("fixtures/direct-openai"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(1), "findings exit 1");
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["schema"], 1);
    assert!(v["table"].as_str().unwrap().starts_with("llmgateway@"));
    let findings = v["findings"].as_array().unwrap();
    assert!(!findings.is_empty());
    for f in findings {
        for k in [
            "path",
            "line",
            "column",
            "end_line",
            "end_column",
            "kind",
            "match",
            "replacement",
            "fix",
            "message",
            "rule",
        ] {
            assert!(f.get(k).is_some(), "{k} missing in {f}");
        }
        assert!(
            ["auto", "manual", "none"].contains(&f["fix"].as_str().unwrap()),
            "{f}"
        );
    }
    // The whole key never appears anywhere in the output.
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(!text.contains("T3BlbkFJ"));
    let by_kind = &v["summary"]["findings_by_kind"];
    assert!(by_kind["base-url"].as_u64().unwrap() >= 5, "{by_kind}");
}

#[test]
fn unknown_source_is_a_usage_error_listing_the_profiles() {
    let out = cli(here())
        .args(["scan", "--from", "azure"])
        .arg(root().join("fixtures/direct-openai"))
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let err = String::from_utf8_lossy(&out.stderr);
    for s in ["azure", "openai", "anthropic", "google", "openrouter"] {
        assert!(err.contains(s), "{s} not in: {err}");
    }
}

#[test]
fn from_is_case_insensitive_and_default_is_openrouter() {
    let run = |extra: &[&str]| {
        let out = cli(here())
            .arg("scan")
            .args(extra)
            .args(["--format", "json"])
            .arg(root().join("fixtures/direct-anthropic"))
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap();
        v["findings"].as_array().unwrap().len()
    };
    assert_eq!(
        run(&[]),
        0,
        "OpenRouter sees nothing in a direct-Anthropic repo"
    );
    assert!(run(&["--from", "Anthropic"]) > 10);
}

#[test]
fn rules_list_names_every_source_profile() {
    let out = cli(here())
        .args(["rules", "list", "--format", "json"])
        .output()
        .unwrap();
    assert!(out.status.success());
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert!(v["source"].as_str().unwrap().starts_with("openrouter@"));
    let sources: Vec<&str> = v["sources"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s.as_str().unwrap())
        .collect();
    for id in ["anthropic@", "google@", "openai@", "openrouter@"] {
        assert!(
            sources.iter().any(|s| s.starts_with(id)),
            "{id}: {sources:?}"
        );
    }
}

/// A target without an Anthropic surface: Anthropic SDK code, its model ids
/// and its key variable are manual, with OpenAI-SDK code in the message.
#[test]
fn anthropic_code_is_manual_where_the_target_cannot_take_it() {
    let dir = tempfile::tempdir().unwrap();
    let table = std::fs::read_to_string(root().join("rules/llmgateway.yaml")).unwrap();
    let table: String = table
        .lines()
        .filter(|l| !l.starts_with("anthropic_base_url:") && !l.starts_with("aliases:"))
        .map(|l| {
            if l.starts_with("id: ") {
                "id: plainopenai".to_owned()
            } else {
                l.to_owned()
            }
        })
        .collect::<Vec<_>>()
        .join("\n");
    std::fs::write(dir.path().join("plain.yaml"), table).unwrap();
    let rules = Rules::with_dir(dir.path()).unwrap();
    let t = rules.target("plainopenai").unwrap();
    assert!(t.table.anthropic_base_url.is_none());
    let opts = ScanOptions {
        paths: vec![root().join("fixtures/direct-anthropic")],
        from: "anthropic".into(),
        ..ScanOptions::default()
    };
    let report = scan(&rules, t, &opts);
    let all: Vec<_> = report.findings().collect();
    assert!(all.len() > 10);
    for f in &all {
        let openai_compat_url = f.kind == Kind::BaseUrl && f.matched.starts_with("https://");
        if !openai_compat_url {
            assert_eq!(
                f.fix,
                Fix::Manual,
                "{}:{} {} {}",
                f.path,
                f.line,
                f.kind,
                f.matched
            );
            assert!(f.edit.is_none());
        }
    }
    let client = all
        .iter()
        .find(|f| {
            f.path.ends_with("fixtures/direct-anthropic/bot/claude.py") && f.kind == Kind::BaseUrl
        })
        .unwrap();
    assert!(
        client.message.contains("from openai import OpenAI")
            && client.message.contains("https://api.llmgateway.io/v1"),
        "{}",
        client.message
    );
    // The SDK package itself is now a manual item too.
    assert!(all
        .iter()
        .any(|f| f.kind == Kind::SdkPackage && f.matched == "anthropic"));
}

#[test]
fn rules_show_prints_a_source_profile() {
    let out = cli(here())
        .args(["rules", "show", "anthropic", "--format", "json"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["protocol"], "anthropic");
    assert!(v["table"].as_str().unwrap().starts_with("anthropic@"));
    let models = v["models"].as_array().unwrap();
    assert!(models
        .iter()
        .any(|m| m["id"] == "claude-3-5-sonnet-20241022"
            && m["slug"] == "anthropic/claude-3.5-sonnet"));
    let human = cli(here())
        .args(["rules", "show", "openai"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&human.stdout);
    assert!(
        text.contains("gpt-4o") && text.contains("openai/gpt-4o"),
        "{text}"
    );
}
