//! A gateway's target table read as a source (`--from llmgateway --to
//! ominigate`): moving on from one gateway to another, and back.

use std::path::Path;

mod common;

use common::{copy_tree, diff, expected, found, here, run};
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::{scan, ScanOptions};

fn fixture() -> std::path::PathBuf {
    here().join("fixtures/from-llmgateway")
}

fn read_all(dir: &Path) -> Vec<(String, String)> {
    let mut out = Vec::new();
    for e in ignore::WalkBuilder::new(dir).hidden(false).build() {
        let e = e.unwrap();
        if e.file_type().is_some_and(|t| t.is_file()) {
            let rel = e.path().strip_prefix(dir).unwrap().display().to_string();
            out.push((rel, std::fs::read_to_string(e.path()).unwrap()));
        }
    }
    out.sort();
    out
}

#[test]
fn a_project_on_llm_gateway_matches_its_expectations() {
    let rules = Rules::embedded().unwrap();
    let opts = ScanOptions {
        paths: vec![fixture()],
        from: "llmgateway".into(),
        ..ScanOptions::default()
    };
    let mut report = scan(&rules, rules.target("ominigate").unwrap(), &opts);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    common::relative_to(&mut report, &fixture());
    let want = expected(&here().join("tests/expected-gateway/from-llmgateway.txt"));
    let problems = diff("from-llmgateway", &want, &found(&report));
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn moving_on_rewrites_the_surface_and_maps_ids_through_openrouter_slugs() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), tmp.path());
    let args = ["rewrite", ".", "--from", "llmgateway", "--to", "ominigate"];
    let r = run(tmp.path(), &[&args[..], &["--write"]].concat());
    assert!(matches!(r.code, 0 | 1), "{}", r.all());
    let llm = std::fs::read_to_string(tmp.path().join("app/llm.py")).unwrap();
    assert!(llm.contains(r#"os.environ.get("OMINIGATE_BASE_URL", "https://api.ominigate.ai/v1")"#));
    assert!(llm.contains(r#"os.environ["OMINIGATE_API_KEY"]"#));
    // claude-haiku-4-5 is anthropic/claude-haiku-4.5 on OpenRouter, which
    // OminiGate serves under that id.
    assert!(llm.contains(r#"DEFAULT_MODEL = "anthropic/claude-haiku-4.5""#));
    // An id the destination's table does not confirm is left to a person.
    assert!(llm.contains(r#"model="gpt-4o-mini""#));
    assert!(r.stdout.contains("gpt-4o-mini"), "{}", r.stdout);
    // The SDK has no counterpart: manual, with the code to use instead.
    assert!(r.stdout.contains("createOpenAICompatible"), "{}", r.stdout);
    // Embeddings on OpenAI are untouched.
    let embed = std::fs::read_to_string(tmp.path().join("app/embed.py")).unwrap();
    assert_eq!(
        embed,
        std::fs::read_to_string(fixture().join("app/embed.py")).unwrap()
    );
    // Nothing automatic is left, and a second write changes nothing.
    let before = read_all(tmp.path());
    let again = run(tmp.path(), &[&args[..], &["--write"]].concat());
    assert!(matches!(again.code, 0 | 1), "{}", again.all());
    assert_eq!(before, read_all(tmp.path()));
}

/// Rolling back: the ids and names a move produced map back to the ones
/// it started from.
#[test]
fn a_move_and_its_reverse_give_back_the_original_files() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&fixture(), tmp.path());
    let original = read_all(tmp.path());
    let there = [
        "rewrite",
        ".",
        "--from",
        "llmgateway",
        "--to",
        "ominigate",
        "--write",
    ];
    let back = [
        "rewrite",
        ".",
        "--from",
        "ominigate",
        "--to",
        "llmgateway",
        "--write",
    ];
    let r = run(tmp.path(), &there);
    assert!(matches!(r.code, 0 | 1), "{}", r.all());
    assert_ne!(original, read_all(tmp.path()), "the move changed nothing");
    let r = run(tmp.path(), &back);
    assert!(matches!(r.code, 0 | 1), "{}", r.all());
    assert_eq!(original, read_all(tmp.path()));
}

#[test]
fn from_and_to_must_differ_and_aliases_name_gateways() {
    let dir = fixture();
    let same = run(&dir, &["scan", ".", "--from", "llmgateway", "--to", "llmg"]);
    assert_eq!(same.code, 2, "{}", same.all());
    assert!(same.stderr.contains("same gateway"), "{}", same.stderr);
    // `aistats` is Phaseo's alias as a target, and names it as a source too.
    let alias = run(
        &dir,
        &[
            "scan",
            ".",
            "--from",
            "aistats",
            "--to",
            "llmgateway",
            "--format",
            "json",
        ],
    );
    assert!(matches!(alias.code, 0 | 1), "{}", alias.all());
    let v: serde_json::Value = serde_json::from_str(&alias.stdout).unwrap();
    // Nothing of LLM Gateway's is Phaseo's surface.
    assert_eq!(
        v["findings"].as_array().unwrap().len(),
        0,
        "{}",
        alias.stdout
    );
}

#[test]
fn every_gateway_is_listed_as_a_source() {
    let rules = Rules::embedded().unwrap();
    for t in &rules.targets {
        let s = rules.source(&t.table.id).unwrap();
        assert!(s.table.gateway);
        assert!(s
            .table
            .hosts
            .iter()
            .any(|h| t.table.base_url.contains(h.as_str())));
    }
    let list = common::ok(here(), &["rules", "list"]);
    for t in &rules.targets {
        assert!(list.contains(&t.table.id), "{list}");
    }
}
