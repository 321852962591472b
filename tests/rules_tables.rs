//! The shipped mapping tables and the `rules` command: coverage of every
//! seed-named model, the retirement rows the issue requires, validation of
//! broken tables with `file:line:col`, and `--rules DIR` overrides.

// Without the `parity` feature the tests that need it are left out, and
// their helpers with them.
#![cfg_attr(not(feature = "parity"), allow(dead_code, unused_imports))]

mod common;

use std::path::{Path, PathBuf};

use common::{cli, here, output, run, Run};
use llmgw_migrate::finding::Fix;
use llmgw_migrate::rules::{parse_table, sha12, AnyTable, Rules, Status};
use serde_json::Value;

/// The target ids: every table under rules/ that parses as a target, so a
/// new gateway's table gets every check below with no edit here.
fn targets() -> Vec<String> {
    let mut ids: Vec<String> = std::fs::read_dir(manifest("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .filter_map(|p| {
            let text = std::fs::read_to_string(&p).unwrap();
            match parse_table(&p.display().to_string(), &text) {
                Ok(AnyTable::Target(t)) => Some(t.table.id.clone()),
                _ => None,
            }
        })
        .collect();
    ids.sort();
    assert!(ids.len() >= 3, "targets under rules/: {ids:?}");
    ids
}

/// Every model the seed documents name, written as the OpenRouter reference a
/// codebase would contain. Each must resolve to a row in every table so that
/// coverage cannot silently regress.
const SEED_MODELS: &[&str] = &[
    // seed 000 (LLM Gateway: migrate from OpenRouter)
    "anthropic/claude-3-5-sonnet",
    "openai/gpt-5.2",
    "anthropic/claude-opus-4.5",
    "google/gemini-3-flash-preview",
    "gemini/gemini-3-flash-preview",
    "bedrock/claude-opus-4-5-20251101",
    // seed 002 (direct SDKs): gpt-4o, claude-3-5-sonnet-20241022, gemini-2.0-flash-exp
    "openai/gpt-4o",
    "anthropic/claude-3.5-sonnet",
    "google/gemini-2.0-flash-exp",
    // seed 003 (OminiGate) Anthropic
    "anthropic/claude-opus-4.7",
    "anthropic/claude-opus-4.6",
    "anthropic/claude-sonnet-4.6",
    "anthropic/claude-sonnet-4.5",
    "anthropic/claude-haiku-4.5",
    "anthropic/claude-3.7-sonnet",
    "anthropic/claude-3.5-haiku",
    "anthropic/claude-sonnet-4",
    "anthropic/claude-opus-4",
    // seed 003 OpenAI
    "openai/gpt-5.5",
    "openai/gpt-5.5-pro",
    "openai/gpt-5.4",
    "openai/gpt-5.4-mini",
    "openai/gpt-5.4-nano",
    "openai/gpt-5.4-pro",
    "openai/gpt-5",
    "openai/gpt-5-pro",
    "openai/gpt-5-mini",
    "openai/o3",
    "openai/o4-mini",
    // seed 003 Google
    "google/gemini-3.1-pro-preview",
    "google/gemini-3.1-pro-preview-customtools",
    "google/gemini-3.1-flash-lite-preview",
    "google/gemini-3.1-flash-image-preview",
    "google/gemini-3-pro",
    "google/gemini-3.1-pro",
    "google/gemini-2.5-pro",
    // seed 003 DeepSeek
    "deepseek/deepseek-v4-pro",
    "deepseek/deepseek-v4-flash",
    "deepseek/deepseek-v3.2",
    "deepseek/deepseek-v3.2-exp",
    "deepseek/deepseek-chat",
    "deepseek/deepseek-reasoner",
    // seed 003 Meta
    "meta-llama/llama-4-maverick",
    "meta-llama/llama-4-scout",
    "meta-llama/llama-3.3-70b-instruct",
    "meta-llama/llama-3.1-70b-instruct",
    // seed 004 (AI Stats / Phaseo)
    "openai/gpt-4.1-mini",
    // OpenRouter routers and aliases the issue names
    "openrouter/auto",
    "~anthropic/claude-sonnet-latest",
];

fn is_date(s: &str) -> bool {
    s.len() == 10
        && s.char_indices().all(|(i, c)| match i {
            4 | 7 => c == '-',
            _ => c.is_ascii_digit(),
        })
}

fn is_hex12(s: &str) -> bool {
    s.len() == 12
        && s.chars()
            .all(|c| c.is_ascii_hexdigit() && !c.is_uppercase())
}

fn manifest(rel: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join(rel)
}

#[test]
fn rules_list_shows_every_target_with_version_and_hash() {
    let o = run(here(), &["rules", "list"]);
    assert!(o.code == 0, "{}", o.stderr);
    let out = o.stdout.clone();
    let rules = Rules::embedded().unwrap();
    for id in &targets() {
        let id = id.as_str();
        let t = rules.target(id).unwrap();
        let line = out
            .lines()
            .find(|l| l.starts_with("target") && l.contains(&format!("{id}@")))
            .unwrap_or_else(|| panic!("no line for {id} in:\n{out}"));
        let label = line
            .split_whitespace()
            .find(|w| w.starts_with(&format!("{id}@")))
            .unwrap();
        let (ver, hash) = label[id.len() + 1..].split_once("+sha256:").unwrap();
        assert!(is_date(ver), "{label}");
        assert!(is_hex12(hash), "{label}");
        // The hash is that of the table file's bytes.
        let bytes = std::fs::read(manifest(&format!("rules/{id}.yaml"))).unwrap();
        assert_eq!(hash, sha12(&bytes), "{label}");
        assert!(
            line.contains(&format!("{} rows", t.table.models.len())),
            "{line}"
        );
    }

    let o = run(here(), &["rules", "list", "--format", "json"]);
    assert!(o.code == 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let listed = v["targets"].as_array().unwrap();
    let ids: Vec<&str> = listed.iter().map(|t| t["id"].as_str().unwrap()).collect();
    assert_eq!(ids, targets());
    for t in listed {
        assert!(is_date(t["version"].as_str().unwrap()));
        assert!(is_hex12(t["hash"].as_str().unwrap()));
        assert!(t["rows"].as_u64().unwrap() > 100, "{t}");
    }
}

fn show_json(target: &str) -> Value {
    let o = run(here(), &["rules", "show", target, "--format", "json"]);
    assert!(o.code == 0, "{}", o.stderr);
    serde_json::from_str(&o.stdout).unwrap()
}

fn row<'a>(table: &'a Value, from: &str) -> &'a Value {
    table["models"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["from"] == from)
        .unwrap_or_else(|| panic!("no row {from}"))
}

#[test]
fn show_ominigate_json_has_the_required_retirements() {
    let v = show_json("ominigate");
    assert!(v["table"].as_str().unwrap().starts_with("ominigate@"));
    for old in ["anthropic/claude-3.5-sonnet", "anthropic/claude-3.7-sonnet"] {
        let r = row(&v, old);
        assert_eq!(r["to"], "anthropic/claude-sonnet-4.6", "{r}");
        assert_eq!(r["status"], "retired", "{r}");
    }
    let r = row(&v, "deepseek/deepseek-chat");
    assert_eq!(r["to"], "deepseek/deepseek-v4-flash");
    assert_eq!(r["status"], "retired");
    assert_eq!(r["retires_on"], "2026-07-24");
    let r = row(&v, "anthropic/claude-3.5-haiku");
    assert_eq!(
        (&r["to"], &r["status"]),
        (
            &Value::from("anthropic/claude-haiku-4.5"),
            &Value::from("retired")
        )
    );
    for (old, new) in [
        ("anthropic/claude-sonnet-4", "anthropic/claude-sonnet-4.6"),
        ("anthropic/claude-opus-4", "anthropic/claude-opus-4.7"),
    ] {
        let r = row(&v, old);
        assert_eq!(r["to"], new);
        assert_eq!(r["status"], "retired");
        assert_eq!(r["retires_on"], "2026-06-15");
    }
}

#[test]
fn every_row_of_every_table_has_a_source_and_a_date() {
    for id in &targets() {
        let id = id.as_str();
        let v = show_json(id);
        let version = v["version"].as_str().unwrap().to_owned();
        let rows = v["models"].as_array().unwrap();
        assert!(rows.len() > 100, "{id}: {}", rows.len());
        for r in rows {
            let source = r["source"].as_str().unwrap_or("");
            assert!(!source.trim().is_empty(), "{id}: {r}");
            let date = r["verified"].as_str().unwrap_or("");
            assert!(is_date(date), "{id}: {r}");
            // A table cannot cite a check made after its own version.
            assert!(date <= version.as_str(), "{id}: {r}");
            match r["status"].as_str().unwrap() {
                "renamed" | "retired" => assert!(r["to"].is_string(), "{id}: {r}"),
                "same" => assert!(r["to"].is_null() || r["to"] == r["from"], "{id}: {r}"),
                "unverified" => assert!(r["to"].is_null(), "unverified rows never guess: {r}"),
                _ => {}
            }
        }
    }
}

#[test]
fn aistats_alias_names_phaseo() {
    let v = show_json("aistats");
    assert_eq!(v["id"], "phaseo");
    assert!(v["table"].as_str().unwrap().starts_with("phaseo@"));
    let o = run(here(), &["rules", "show", "no-such-gateway"]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("phaseo"), "{}", o.stderr);
}

#[test]
fn every_seed_named_model_has_a_row_in_every_table() {
    let rules = Rules::embedded().unwrap();
    let src = &rules.source_default().table;
    for id in &targets() {
        let id = id.as_str();
        let t = &rules.target(id).unwrap().table;
        let missing: Vec<&str> = SEED_MODELS
            .iter()
            .copied()
            .filter(|s| t.row(s).is_none())
            .collect();
        assert!(missing.is_empty(), "{id} lacks rows for {missing:?}");
        for s in SEED_MODELS {
            let m = t.map_slug(src, s);
            assert_eq!(m.rule, format!("{id}:models:{s}"), "{id} {s}: {m:?}");
            assert!(m.source.is_some() && m.verified.is_some(), "{id} {s}");
        }
    }
}

#[test]
fn routers_and_latest_aliases_are_never_pinned_automatically() {
    let rules = Rules::embedded().unwrap();
    let src = &rules.source_default().table;
    for id in &targets() {
        let id = id.as_str();
        let t = &rules.target(id).unwrap().table;
        for r in &src.routers {
            let m = t.map_slug(src, r);
            assert_eq!(m.fix, Fix::Manual, "{id} {r}: {m:?}");
            assert!(t.row(r).is_some(), "{id} lacks a row for {r}");
        }
        // A moving `~...-latest` alias may only be rewritten automatically
        // to another moving alias, never silently pinned to one model.
        for row in t.models.iter().filter(|r| r.from.value.starts_with('~')) {
            let m = t.map_slug(src, &row.from.value);
            if m.fix == Fix::Auto {
                let to = m.to.as_deref().unwrap_or("");
                assert!(to.contains("latest"), "{id}: {} -> {to}", row.from.value);
            }
        }
        for a in ["~anthropic/claude-sonnet-latest", "~openai/gpt-latest"] {
            assert_eq!(t.map_slug(src, a).fix, Fix::Manual, "{id} {a}");
        }
    }
}

#[test]
fn llmgateway_uses_bare_catalogue_ids_with_anthropic_dashes() {
    let rules = Rules::embedded().unwrap();
    let t = &rules.target("llmgateway").unwrap().table;
    for r in &t.models {
        if let Some(to) = &r.to {
            // One convention: bare ids, never an OpenRouter author prefix.
            assert!(!to.value.contains('/'), "{} -> {}", r.from.value, to.value);
            if to.value.starts_with("claude-") {
                assert!(!to.value.contains('.'), "{} -> {}", r.from.value, to.value);
            }
        }
    }
    let src = &rules.source_default().table;
    let m = t.map_slug(src, "anthropic/claude-sonnet-4.6");
    assert_eq!(
        (m.to.as_deref(), m.status, m.fix),
        (Some("claude-sonnet-4-6"), Status::Renamed, Fix::Auto)
    );
    // A suffix LLM Gateway would misread as a region is dropped.
    let m = t.map_slug(src, "google/gemini-3.1-pro-preview:nitro");
    assert_eq!(
        (m.to.as_deref(), m.fix),
        (Some("gemini-3.1-pro-preview"), Fix::Auto)
    );
    // A model LLM Gateway deactivated is never rewritten silently.
    let m = t.map_slug(src, "google/gemini-2.5-pro");
    assert_eq!((m.status, m.fix), (Status::Unsupported, Fix::Manual));
    assert_eq!(m.retires_on.as_deref(), Some("2026-10-16"));
    let m = t.map_slug(src, "anthropic/claude-3.7-sonnet");
    assert_eq!(
        (m.to.as_deref(), m.status, m.retires_on.as_deref()),
        (
            Some("claude-sonnet-4-6"),
            Status::Retired,
            Some("2026-07-07")
        )
    );
}

const HEAD: &str = "kind: target\nid: broken\nname: Broken\nversion: \"2026-11-26\"\nbase_url: https://example.test/v1\nkey_env: BROKEN_KEY\ncite: []\nheaders: []\nfields: []\nsuffixes: []\nendpoints: []\nmodels:\n";

const GOOD_A: &str =
    "  - {from: acme/alpha, to: acme/beta, status: renamed, source: s, verified: \"2026-01-01\"}\n";

/// One broken table per kind of problem: rows, the 1-based line expected in
/// the diagnostic (None: any line), and a piece of the message.
fn broken_cases() -> Vec<(&'static str, String, Option<usize>, &'static str)> {
    let head_lines = HEAD.lines().count();
    let row = |n: usize| Some(head_lines + n);
    vec![
        (
            "unknown-field",
            format!("{HEAD}  - {{from: acme/alpha, status: same, source: s, verified: \"2026-01-01\", colour: red}}\n"),
            row(1),
            "unknown field",
        ),
        (
            "duplicate-from",
            format!("{HEAD}{GOOD_A}  - {{from: acme/alpha, status: same, source: s, verified: \"2026-01-01\"}}\n"),
            row(2),
            "duplicate from 'acme/alpha'",
        ),
        (
            "to-retired",
            format!("{HEAD}{GOOD_A}  - {{from: acme/beta, to: acme/gamma, status: retired, source: s, verified: \"2026-01-01\"}}\n"),
            row(1),
            "to 'acme/beta' is itself retired",
        ),
        (
            "to-unsupported",
            format!("{HEAD}{GOOD_A}  - {{from: acme/beta, status: unsupported, source: s, verified: \"2026-01-01\"}}\n"),
            row(1),
            "to 'acme/beta' is itself unsupported",
        ),
        (
            "chain",
            format!("{HEAD}{GOOD_A}  - {{from: acme/beta, to: acme/gamma, status: renamed, source: s, verified: \"2026-01-01\"}}\n"),
            row(1),
            "chain: to 'acme/beta'",
        ),
        (
            "cycle",
            format!("{HEAD}{GOOD_A}  - {{from: acme/beta, to: acme/alpha, status: renamed, source: s, verified: \"2026-01-01\"}}\n"),
            row(1),
            "mapping cycle",
        ),
        (
            "missing-source",
            format!("{HEAD}  - {{from: acme/alpha, status: same, verified: \"2026-01-01\"}}\n"),
            row(1),
            "row 'acme/alpha' has no source",
        ),
        (
            "missing-date",
            format!("{HEAD}  - {{from: acme/alpha, status: same, source: s}}\n"),
            row(1),
            "has no verified date",
        ),
        (
            "bad-date",
            format!("{HEAD}  - {{from: acme/alpha, status: same, source: s, verified: \"spring 2026\"}}\n"),
            row(1),
            "is not a date",
        ),
        (
            "malformed-slug",
            format!("{HEAD}  - {{from: \"Acme Alpha\", status: same, source: s, verified: \"2026-01-01\"}}\n"),
            row(1),
            "malformed slug",
        ),
        (
            "not-yaml",
            "kind: target\nid: [unclosed\n".to_owned(),
            None,
            "",
        ),
    ]
}

#[test]
fn validate_reports_each_broken_table_with_file_line_col_and_exits_2() {
    let dir = tempfile::tempdir().unwrap();
    for (name, text, line, want) in broken_cases() {
        let path = dir.path().join(format!("{name}.yaml"));
        std::fs::write(&path, &text).unwrap();
        let p = path.display().to_string();
        let o = run(here(), &["rules", "validate", &p]);
        let err = o.stderr.clone();
        assert_eq!(o.code, 2, "{name}: {err}");
        let diag = err
            .lines()
            .find(|l| l.starts_with(&format!("{p}:")) && l.contains(want))
            .unwrap_or_else(|| panic!("{name}: no '{p}:line:col: ..{want}..' in:\n{err}"));
        let mut parts = diag[p.len() + 1..].splitn(3, ':');
        let l: usize = parts.next().unwrap().parse().unwrap();
        let c: usize = parts.next().unwrap().parse().unwrap();
        assert!(c >= 1, "{name}: {diag}");
        if let Some(expected) = line {
            assert_eq!(l, expected, "{name}: {diag}");
        }
        assert!(!parts.next().unwrap().trim().is_empty(), "{name}: {diag}");
    }
}

#[test]
fn validate_accepts_good_tables_and_the_shipped_ones() {
    let dir = tempfile::tempdir().unwrap();
    let good = dir.path().join("good.yaml");
    std::fs::write(&good, format!("{HEAD}{GOOD_A}")).unwrap();
    let mut args = vec![
        "rules".to_owned(),
        "validate".to_owned(),
        good.display().to_string(),
    ];
    for f in ["llmgateway", "ominigate", "phaseo", "openrouter"] {
        args.push(manifest(&format!("rules/{f}.yaml")).display().to_string());
    }
    let o = output(cli(here()).args(&args));
    assert_eq!(o.code, 0, "{}", o.stderr);
    assert_eq!(o.stdout.lines().filter(|l| l.contains(": ok")).count(), 5);

    // One bad file among good ones still fails the run.
    let bad = dir.path().join("bad.yaml");
    std::fs::write(&bad, broken_cases()[1].1.as_bytes()).unwrap();
    args.push(bad.display().to_string());
    let o = output(cli(here()).args(&args));
    assert_eq!(o.code, 2);
}

#[test]
fn rules_dir_overrides_a_builtin_table_of_the_same_id() {
    let original = std::fs::read_to_string(manifest("rules/ominigate.yaml")).unwrap();
    let builtin = Rules::embedded()
        .unwrap()
        .target("ominigate")
        .unwrap()
        .label();
    let text = original
        .replacen(
            &original.lines().find(|l| l.starts_with("version:")).unwrap().to_owned(),
            "version: \"2027-01-15\"",
            1,
        )
        .replacen(
            "models:\n",
            "models:\n  - {from: acme/private-model, status: same, source: internal model registry, verified: \"2027-01-15\"}\n",
            1,
        );
    assert_ne!(text, original);
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("ominigate.yaml"), &text).unwrap();
    let d = dir.path().display().to_string();

    let o = run(here(), &["--rules", &d, "rules", "list"]);
    assert!(o.code == 0, "{}", o.stderr);
    let want = format!("ominigate@2027-01-15+sha256:{}", sha12(text.as_bytes()));
    let out = o.stdout.clone();
    assert!(out.contains(&want), "{want} not in:\n{out}");
    assert!(!out.contains(&builtin), "{out}");
    // The other targets are still the built-in ones.
    assert!(
        out.contains("llmgateway@") && out.contains("phaseo@"),
        "{out}"
    );

    let o = run(
        here(),
        &[
            "rules",
            "show",
            "ominigate",
            "--format",
            "json",
            "--rules",
            &d,
        ],
    );
    assert!(o.code == 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(v["table"], want.as_str());
    assert_eq!(row(&v, "acme/private-model")["status"], "same");

    // Same through the library.
    let rules = Rules::with_dir(dir.path()).unwrap();
    assert_eq!(rules.target("ominigate").unwrap().label(), want);

    // A broken override is reported with its path and stops the command.
    std::fs::write(dir.path().join("zzz.yaml"), broken_cases()[1].1.as_bytes()).unwrap();
    let o = run(here(), &["--rules", &d, "rules", "list"]);
    assert_eq!(o.code, 2, "{}", o.stdout);
    assert!(o.stderr.contains("zzz.yaml:"), "{}", o.stderr);
}

#[test]
fn shipped_tables_parse_as_targets_with_their_file_names() {
    for id in &targets() {
        let id = id.as_str();
        let path = manifest(&format!("rules/{id}.yaml"));
        let text = std::fs::read_to_string(&path).unwrap();
        match parse_table("x.yaml", &text) {
            Ok(AnyTable::Target(t)) => assert_eq!(t.table.id, id),
            Ok(AnyTable::Source(_)) => panic!("{id} parsed as a source table"),
            Err(e) => panic!("{e}"),
        }
    }
}

#[test]
fn every_target_decides_every_slug_any_target_lists() {
    // A slug researched for one gateway must be decided (even as
    // `unverified`) for the others too, so no table silently lags.
    let rules = Rules::embedded().unwrap();
    let targets = targets();
    let sets: Vec<std::collections::BTreeSet<&str>> = targets
        .iter()
        .map(|id| {
            rules
                .target(id)
                .unwrap()
                .table
                .models
                .iter()
                .map(|r| r.from.value.as_str())
                .collect()
        })
        .collect();
    for (i, id) in targets.iter().enumerate() {
        for (j, other) in targets.iter().enumerate() {
            let missing: Vec<_> = sets[j].difference(&sets[i]).collect();
            assert!(
                missing.is_empty(),
                "{id} has no row for slugs {other} lists: {missing:?}"
            );
        }
    }
}

/// Every shipped table file (targets and sources) with its text.
fn shipped_tables() -> Vec<(String, String)> {
    let mut files: Vec<_> = std::fs::read_dir(manifest("rules"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml"))
        .collect();
    files.sort();
    assert!(files.len() >= 7, "{files:?}");
    files
        .into_iter()
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(&p).unwrap())
        })
        .collect()
}

/// The prose a user reads: `why`, `note`, `suggest` and `source` values
/// anywhere in a table, with the key they sit under.
fn prose(v: &Value, out: &mut Vec<(String, String)>) {
    match v {
        Value::Object(m) => {
            for (k, v) in m {
                match (k.as_str(), v) {
                    ("why" | "note" | "suggest" | "source", Value::String(s)) => {
                        out.push((k.clone(), s.clone()))
                    }
                    _ => prose(v, out),
                }
            }
        }
        Value::Array(a) => a.iter().for_each(|v| prose(v, out)),
        _ => {}
    }
}

/// References only the project's own notes understand: the seed documents,
/// the research file and its section numbers, its short source names.
fn internal_reference(s: &str) -> Option<String> {
    let re = regex::Regex::new(
        r"(?i)\bseeds?\b|\bresearch\b|\bB\d+\b|gateways\.md|\bOR-(docs|models|aisdk)\b|\bLLMG-|\bAIS-(old|idx)\b|\bOAI-py\b",
    )
    .unwrap();
    re.find(s).map(|m| m.as_str().to_owned())
}

#[test]
fn internal_references_are_recognised() {
    for bad in [
        "not needed (seed 000)",
        "Seeds 000/001",
        "silently dropped (research B3)",
        "research gateways.md B10",
        "see B5",
        "OR-models d3aa1049",
    ] {
        assert!(internal_reference(bad).is_some(), "{bad}");
    }
    for good in [
        "https://ominigate.ai/en/blog/migrate-from-openrouter",
        "OpenRouter-only attribution header",
        "retired by Anthropic 2025-10-28",
        // A commit hash that starts like a research row id.
        "https://github.com/vercel/ai/blob/b1f6a15d12edac3ae990811aa89f08b72533d98c/packages",
    ] {
        assert!(internal_reference(good).is_none(), "{good}");
    }
}

#[test]
fn shipped_table_text_cites_public_sources_only() {
    let mut problems = Vec::new();
    for (name, text) in shipped_tables() {
        for (i, line) in text.lines().enumerate() {
            let comment = line.trim_start();
            if comment.starts_with('#') {
                if let Some(m) = internal_reference(comment) {
                    problems.push(format!("{name}:{}: comment cites '{m}'", i + 1));
                }
            }
        }
        let v: Value = serde_saphyr::from_str(&text).unwrap();
        let mut texts = Vec::new();
        prose(&v, &mut texts);
        assert!(!texts.is_empty(), "{name}");
        for (key, s) in texts {
            if let Some(m) = internal_reference(&s) {
                problems.push(format!("{name}: {key} cites '{m}': {s}"));
            }
            // A citation is something a user can open.
            if key == "source" && !s.contains("https://") {
                problems.push(format!("{name}: source without a URL: {s}"));
            }
        }
    }
    assert!(problems.is_empty(), "{}", problems.join("\n"));
}

// ---- rules check: a fake catalogue served in-process, one route per shape.

mod catalogue {
    use std::collections::HashMap;
    use std::net::SocketAddr;
    use std::time::Duration;

    use axum::http::{HeaderMap, StatusCode};
    use axum::routing::get;
    use axum::Router;

    pub const KEY: &str = "sk-cat-0123456789abcdef0123456789abcdef";

    /// Serve `routes` (path -> JSON body) plus `/slow` (never answers in
    /// time) and `/private` (needs `Bearer KEY`) until the process exits.
    pub fn serve(routes: HashMap<&'static str, String>) -> SocketAddr {
        let (tx, rx) = std::sync::mpsc::channel();
        std::thread::spawn(move || {
            let rt = tokio::runtime::Builder::new_current_thread()
                .enable_all()
                .build()
                .unwrap();
            rt.block_on(async move {
                let mut app = Router::new()
                    .route(
                        "/slow",
                        get(|| async {
                            tokio::time::sleep(Duration::from_secs(30)).await;
                            "{}"
                        }),
                    )
                    .route(
                        "/private",
                        get(|h: HeaderMap| async move {
                            let ok = h
                                .get("authorization")
                                .and_then(|v| v.to_str().ok())
                                .is_some_and(|v| v == format!("Bearer {KEY}"));
                            if ok {
                                (StatusCode::OK, r#"{"data":[{"id":"a/b"}]}"#.to_string())
                            } else {
                                let echoed = h
                                    .get("authorization")
                                    .and_then(|v| v.to_str().ok())
                                    .unwrap_or("")
                                    .to_string();
                                (StatusCode::UNAUTHORIZED, format!("bad key: {echoed}"))
                            }
                        }),
                    );
                for (path, body) in routes {
                    app = app.route(path, get(move || async move { body }));
                }
                let listener = tokio::net::TcpListener::bind("127.0.0.1:0").await.unwrap();
                tx.send(listener.local_addr().unwrap()).unwrap();
                axum::serve(listener, app).await.unwrap();
            });
        });
        rx.recv().unwrap()
    }
}

/// Where a target table sends each row, as `rules check` reads it.
fn destinations(target: &str) -> Vec<(String, String)> {
    let rules = Rules::embedded().unwrap();
    rules
        .target(target)
        .unwrap()
        .table
        .models
        .iter()
        .filter_map(|r| {
            let to = match r.status {
                Status::Same => Some(r.from.value.clone()),
                Status::Unverified => None,
                _ => r.to.as_ref().map(|t| t.value.clone()),
            }?;
            Some((r.from.value.clone(), to))
        })
        .collect()
}

fn unverified(target: &str) -> Vec<String> {
    let rules = Rules::embedded().unwrap();
    rules
        .target(target)
        .unwrap()
        .table
        .models
        .iter()
        .filter(|r| r.status == Status::Unverified)
        .map(|r| r.from.value.clone())
        .collect()
}

fn check(args: &[&str]) -> (Run, Value) {
    let mut all = vec!["rules", "check"];
    all.extend_from_slice(args);
    all.extend_from_slice(&["--format", "json"]);
    let o = run(here(), &all);
    let v = serde_json::from_str(&o.stdout).unwrap_or(Value::Null);
    (o, v)
}

fn ids(v: &Value, key: &str, field: &str) -> Vec<String> {
    v[key]
        .as_array()
        .unwrap_or_else(|| panic!("no {key} in {v}"))
        .iter()
        .map(|x| {
            if field.is_empty() {
                x.as_str().unwrap().to_owned()
            } else {
                x[field].as_str().unwrap().to_owned()
            }
        })
        .collect()
}

// Fetches the catalogue over HTTP, which needs the `parity` feature.
#[cfg(feature = "parity")]
#[test]
fn rules_check_reads_each_catalogue_shape_over_http() {
    use std::collections::{BTreeSet, HashMap};

    // OminiGate, OpenAI shape: everything served but one mapped model; one
    // unverified slug now served; one model no row knows.
    let dest = destinations("ominigate");
    let dropped = "anthropic/claude-opus-4.5";
    assert!(dest.iter().any(|(_, to)| to == dropped));
    let newly = unverified("ominigate")[0].clone();
    let mut served: BTreeSet<String> = dest.iter().map(|(_, to)| to.clone()).collect();
    served.remove(dropped);
    served.insert(newly.clone());
    served.insert("brandnew/model-x".into());
    let data: Vec<Value> = served
        .iter()
        .map(|id| serde_json::json!({"id": id, "object": "model"}))
        .collect();
    let openai = serde_json::json!({"object": "list", "data": data}).to_string();

    // Phaseo, its own shape: every destination served.
    let phaseo: Vec<Value> = destinations("phaseo")
        .into_iter()
        .map(|(_, to)| serde_json::json!({"id": to, "status": "active", "providers": []}))
        .collect();
    let phaseo = serde_json::json!({"ok": true, "models": phaseo}).to_string();

    // OpenRouter's shape for the source table: one author scan does not know.
    let or: Vec<Value> = ["anthropic/claude-sonnet-4.6", "neverheard/model-1", "openai/gpt-5.5:batch"]
        .iter()
        .map(|id| serde_json::json!({"id": id, "canonical_slug": id, "pricing": {}, "context_length": 1, "architecture": {}}))
        .collect();
    let openrouter = serde_json::json!({"data": or}).to_string();

    let addr = catalogue::serve(HashMap::from([
        ("/openai", openai),
        ("/phaseo", phaseo),
        ("/openrouter", openrouter),
    ]));

    let (o, v) = check(&["ominigate", "--catalog", &format!("http://{addr}/openai")]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(v["schema"], 1);
    assert_eq!(v["catalog"]["shape"], "openai");
    let stale_to = ids(&v, "stale", "to");
    assert!(
        !stale_to.is_empty() && stale_to.iter().all(|t| t == dropped),
        "{stale_to:?}"
    );
    assert!(ids(&v, "now_served", "from").contains(&newly), "{v}");
    assert!(ids(&v, "unmapped", "").contains(&"brandnew/model-x".to_string()));

    let (o, v) = check(&["aistats", "--catalog", &format!("http://{addr}/phaseo")]);
    assert_eq!(o.code, 0, "{}\n{v}", o.stderr);
    assert_eq!(v["catalog"]["shape"], "phaseo");
    assert_eq!(v["target"], "phaseo");
    assert!(ids(&v, "stale", "to").is_empty());

    let (o, v) = check(&[
        "openrouter",
        "--catalog",
        &format!("http://{addr}/openrouter"),
    ]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(v["catalog"]["shape"], "openrouter");
    let authors: Vec<&String> = v["unknown_authors"].as_object().unwrap().keys().collect();
    assert_eq!(authors, ["neverheard"]);

    // Human output names the stale row and says what to do.
    let o = run(
        here(),
        &[
            "rules",
            "check",
            "ominigate",
            "--catalog",
            &format!("http://{addr}/openai"),
        ],
    );
    let out = o.stdout.clone();
    assert!(
        out.contains(dropped) && out.contains("update the table"),
        "{out}"
    );
}

#[test]
fn rules_check_reads_a_file_and_honours_deactivation_dates() {
    let d = tempfile::tempdir().unwrap();
    let dest = destinations("llmgateway");
    let gone = dest[0].1.clone();
    let unique: std::collections::BTreeSet<&String> = dest.iter().map(|(_, to)| to).collect();
    let data: Vec<Value> = unique
        .into_iter()
        .map(|to| {
            let id = to.split_once('/').map_or(to.as_str(), |(_, b)| b);
            if *to == gone {
                serde_json::json!({"id": id, "deactivated_at": "2026-01-01T00:00:00.000Z"})
            } else {
                serde_json::json!({"id": id, "deactivated_at": null})
            }
        })
        .collect();
    let file = d.path().join("llmg.json");
    std::fs::write(&file, serde_json::json!({"data": data}).to_string()).unwrap();
    let (o, v) = check(&["llmgateway", "--catalog", file.to_str().unwrap()]);
    assert_eq!(o.code, 1, "{}", o.stderr);
    assert_eq!(v["catalog"]["deactivated"], 1);
    let stale = ids(&v, "stale", "to");
    assert!(
        !stale.is_empty() && stale.iter().all(|t| *t == gone),
        "{stale:?}"
    );

    // Malformed input: exit 2 with the file, line and what is wrong.
    let bad = d.path().join("bad.json");
    std::fs::write(&bad, "{\n \"data\": [\n").unwrap();
    let o = run(
        here(),
        &[
            "rules",
            "check",
            "llmgateway",
            "--catalog",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains(&format!("{}:3:", bad.display())),
        "{}",
        o.stderr
    );
    std::fs::write(&bad, r#"{"items": []}"#).unwrap();
    let o = run(
        here(),
        &[
            "rules",
            "check",
            "llmgateway",
            "--catalog",
            bad.to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("not a models list"), "{}", o.stderr);
}

// Fetches the catalogue over HTTP, which needs the `parity` feature.
#[cfg(feature = "parity")]
#[test]
fn rules_check_times_out_and_never_prints_the_key() {
    let addr = catalogue::serve(Default::default());
    let t0 = std::time::Instant::now();
    let o = run(
        here(),
        &[
            "rules",
            "check",
            "ominigate",
            "--catalog",
            &format!("http://{addr}/slow"),
            "--timeout",
            "0.3",
        ],
    );
    assert_eq!(o.code, 2, "{}", o.stderr);
    assert!(
        o.stderr.contains("no complete response within"),
        "{}",
        o.stderr
    );
    assert!(t0.elapsed() < std::time::Duration::from_secs(20));

    let url = format!("http://{addr}/private");
    let o = output(
        cli(here())
            .args([
                "rules",
                "check",
                "ominigate",
                "--catalog",
                &url,
                "--key-env",
                "CAT_KEY",
            ])
            .env("CAT_KEY", catalogue::KEY),
    );
    // Served, so the check itself ran (the table maps nothing to a/b).
    assert_eq!(o.code, 1, "{}", o.stderr);
    let wrong = format!("{}-wrong", catalogue::KEY);
    let o = output(
        cli(here())
            .args([
                "rules",
                "check",
                "ominigate",
                "--catalog",
                &url,
                "--key-env",
                "CAT_KEY",
            ])
            .env("CAT_KEY", &wrong),
    );
    assert_eq!(o.code, 2);
    let all = o.all();
    assert!(all.contains("HTTP 401"), "{all}");
    assert!(
        !all.contains(&wrong) && !all.contains(catalogue::KEY),
        "{all}"
    );
    let o = output(
        cli(here())
            .args([
                "rules",
                "check",
                "ominigate",
                "--catalog",
                &url,
                "--key-env",
                "UNSET_CAT_KEY",
            ])
            .env_remove("UNSET_CAT_KEY"),
    );
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("UNSET_CAT_KEY"), "{}", o.stderr);
}

#[test]
fn rules_check_overlay_holds_back_stale_rows_and_proposes_new_ones() {
    let d = tempfile::tempdir().unwrap();
    let dest = destinations("ominigate");
    let dropped = "anthropic/claude-opus-4.5";
    let mut data: Vec<Value> = dest
        .iter()
        .filter(|(_, to)| to != dropped)
        .map(|(_, to)| serde_json::json!({"id": to}))
        .collect();
    data.push(serde_json::json!({"id": "brandnew/model-x"}));
    let file = d.path().join("omg.json");
    std::fs::write(&file, serde_json::json!({"data": data}).to_string()).unwrap();
    let overlay = d.path().join("overlay");
    let o = run(
        here(),
        &[
            "rules",
            "check",
            "ominigate",
            "--catalog",
            file.to_str().unwrap(),
            "--write-overlay",
            overlay.to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let written = overlay.join("ominigate.yaml");
    let o = run(here(), &["rules", "validate", written.to_str().unwrap()]);
    assert!(o.code == 0, "{}", o.stderr);

    let o = run(
        here(),
        &[
            "--rules",
            overlay.to_str().unwrap(),
            "rules",
            "show",
            "ominigate",
            "--format",
            "json",
        ],
    );
    assert!(o.code == 0, "{}", o.stderr);
    let t: Value = serde_json::from_str(&o.stdout).unwrap();
    let row = |from: &str| {
        t["models"]
            .as_array()
            .unwrap()
            .iter()
            .find(|r| r["from"] == from)
            .cloned()
            .unwrap_or_else(|| panic!("no row {from}"))
    };
    assert_eq!(row(dropped)["status"], "unverified");
    let new = row("brandnew/model-x");
    assert_eq!(new["status"], "unverified");
    assert!(new["source"]
        .as_str()
        .unwrap()
        .starts_with(file.to_str().unwrap()));
    // A row the catalogue still serves is untouched.
    assert_eq!(row("anthropic/claude-sonnet-4.6")["status"], "same");
}

#[test]
fn retirement_dates_read_relative_to_the_run_date() {
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("app.py"),
        "from openai import OpenAI\nclient = OpenAI(base_url=\"https://openrouter.ai/api/v1\")\nclient.chat.completions.create(model=\"deepseek/deepseek-chat\", messages=[])\n",
    )
    .unwrap();
    let message = |epoch: &str| {
        let o = output(
            cli(here())
                .args([
                    "scan",
                    d.path().to_str().unwrap(),
                    "--to",
                    "ominigate",
                    "--format",
                    "json",
                ])
                .env("SOURCE_DATE_EPOCH", epoch),
        );
        let v: Value = serde_json::from_str(&o.stdout).unwrap();
        v["findings"]
            .as_array()
            .unwrap()
            .iter()
            .find(|f| f["kind"] == "model-slug")
            .unwrap_or_else(|| panic!("no model finding: {v}"))["message"]
            .as_str()
            .unwrap()
            .to_owned()
    };
    // The table says DeepSeek retires the alias on 2026-07-24.
    let before = message("1767225600"); // 2026-01-01
    assert!(before.contains("retires on 2026-07-24"), "{before}");
    let after = message("1798675200"); // 2026-12-31
    assert!(after.contains("retired on 2026-07-24"), "{after}");

    let o = output(
        cli(here())
            .args(["rules", "show", "ominigate"])
            .env("SOURCE_DATE_EPOCH", "1798675200"),
    );
    assert!(o.stdout.contains("retired on 2026-07-24"), "{}", o.stdout);
    let out = o.stdout.clone();
    // Each row's citation is printed under it, the table's own at the top.
    assert!(
        out.lines().any(|l| l
            .trim_start()
            .starts_with("source: https://ominigate.ai/en/blog/migrate-from-openrouter")),
        "{out}"
    );
    assert!(out.contains("cite                https://"), "{out}");
}

#[test]
fn rules_diff_shows_added_removed_and_changed_rows() {
    let d = tempfile::tempdir().unwrap();
    let shipped = std::fs::read_to_string(manifest("rules/ominigate.yaml")).unwrap();
    // An older version: one row missing, one row with another target, one
    // row that the new version dropped.
    let mut lines: Vec<String> = shipped.lines().map(str::to_owned).collect();
    let gone = lines
        .iter()
        .position(|l| l.contains("from: \"anthropic/claude-opus-4.6\""))
        .unwrap();
    lines.remove(gone);
    let moved = lines
        .iter()
        .position(|l| l.contains("from: \"anthropic/claude-3.7-sonnet\""))
        .unwrap();
    lines[moved] = lines[moved].replace(
        "to: \"anthropic/claude-sonnet-4.6\"",
        "to: \"anthropic/claude-sonnet-4.5\"",
    );
    let models = lines.iter().position(|l| l == "models:").unwrap();
    lines.insert(
        models + 1,
        "  - {from: \"old/dropped-model\", status: unverified, source: \"https://example.test\", verified: \"2026-01-01\"}".into(),
    );
    let old = d.path().join("ominigate-old.yaml");
    std::fs::write(&old, lines.join("\n") + "\n").unwrap();

    let o = run(
        here(),
        &[
            "rules",
            "diff",
            old.to_str().unwrap(),
            "ominigate",
            "--format",
            "json",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    assert_eq!(ids(&v, "added", "from"), ["anthropic/claude-opus-4.6"]);
    assert_eq!(ids(&v, "removed", "from"), ["old/dropped-model"]);
    let changed = &v["changed"].as_array().unwrap();
    assert_eq!(changed.len(), 1, "{v}");
    assert_eq!(changed[0]["key"], "models:anthropic/claude-3.7-sonnet");
    assert_eq!(changed[0]["changes"][0]["field"], "to");
    assert_eq!(
        changed[0]["changes"][0]["old"],
        "anthropic/claude-sonnet-4.5"
    );
    assert_eq!(
        changed[0]["changes"][0]["new"],
        "anthropic/claude-sonnet-4.6"
    );
    assert!(v["new"].as_str().unwrap().starts_with("ominigate@"));

    let o = run(
        here(),
        &["rules", "diff", "ominigate", old.to_str().unwrap()],
    );
    let out = o.stdout.clone();
    assert!(
        out.contains("+ old/dropped-model") && out.contains("- anthropic/claude-opus-4.6"),
        "{out}"
    );

    let shipped_file = manifest("rules/ominigate.yaml");
    let o = run(
        here(),
        &["rules", "diff", shipped_file.to_str().unwrap(), "ominigate"],
    );
    assert_eq!(o.code, 0, "{}", o.stdout);
    let o = run(here(), &["rules", "diff", "nosuchfile.yaml", "ominigate"]);
    assert_eq!(o.code, 2);
    assert!(o
        .stderr
        .contains("nosuchfile.yaml: neither a table file nor a known target"));
}

/// A catalogue copy recorded in tests/data/catalogues (CI has no network).
fn recorded(name: &str) -> String {
    manifest(&format!("tests/data/catalogues/{name}"))
        .to_string_lossy()
        .into_owned()
}

#[test]
fn openrouter_source_table_knows_every_author_of_the_recorded_catalogue() {
    let (o, v) = check(&[
        "openrouter",
        "--catalog",
        &recorded("openrouter-2026-08-22.json"),
    ]);
    assert_eq!(o.code, 0, "{}\n{v}", o.stderr);
    assert_eq!(v["catalog"]["models"], 415);
    assert!(v["unknown_authors"].as_object().unwrap().is_empty());
    // Every model of that list has a row in every target table.
    assert_eq!(ids(&v, "unlisted", ""), Vec::<String>::new());
}

#[test]
fn phaseo_table_agrees_with_its_recorded_public_catalogue() {
    let catalog = recorded("phaseo-2025-12-21.json");
    let (o, v) = check(&["phaseo", "--catalog", &catalog, "--read-on", "2025-12-21"]);
    assert_eq!(o.code, 0, "{}\n{v}", o.stderr);
    // Whatever the catalogue serves under an OpenRouter slug is verified.
    assert_eq!(ids(&v, "now_served", "from"), Vec::<String>::new());
    // Rows checked against newer docs are not judged by the older list...
    let newer = ids(&v, "newer_than_catalog", "from");
    assert!(
        newer.contains(&"anthropic/claude-sonnet-4.6".to_string()),
        "{v}"
    );
    // ...but had it been read later, it would show them missing.
    let (o, v) = check(&["phaseo", "--catalog", &catalog, "--read-on", "2026-11-29"]);
    assert_eq!(o.code, 1);
    assert!(ids(&v, "stale", "from").contains(&"anthropic/claude-sonnet-4.6".to_string()));

    let o = run(
        here(),
        &[
            "rules",
            "check",
            "phaseo",
            "--catalog",
            &catalog,
            "--read-on",
            "last week",
        ],
    );
    assert_eq!(o.code, 2);
    assert!(
        o.stderr.contains("--read-on 'last week' is not a date"),
        "{}",
        o.stderr
    );
}

#[test]
fn embedding_models_have_a_row_in_every_target_table() {
    let rules = Rules::embedded().unwrap();
    for id in &targets() {
        let id = id.as_str();
        let t = &rules.target(id).unwrap().table;
        for slug in [
            "openai/text-embedding-3-small",
            "openai/text-embedding-3-large",
            "openai/text-embedding-ada-002",
        ] {
            let row = t
                .models
                .iter()
                .find(|r| r.from.value == slug)
                .unwrap_or_else(|| panic!("{id}: no row for {slug}"));
            // Never an automatic rewrite: no target's sources confirm one.
            assert!(
                matches!(row.status, Status::Unverified | Status::Unsupported),
                "{id}: {slug} is {:?}",
                row.status
            );
        }
    }
}

/// Adding a gateway is adding one table file: with nothing else changed, the
/// new id is listed, validated, and usable as `--to` by scan and rewrite.
/// (The embedded tables reach `--help` and completions the same way; see
/// `help_and_completions_list_every_embedded_target`.)
#[test]
fn a_new_gateway_is_one_table_file() {
    let base = std::fs::read_to_string(manifest("rules/llmgateway.yaml")).unwrap();
    let text = base
        .replacen("id: llmgateway\n", "id: acmegw\n", 1)
        .replacen("name: LLM Gateway\n", "name: Acme Gateway\n", 1)
        .replacen("aliases: [llm-gateway, llmg]\n", "aliases: [acme]\n", 1)
        .replace("https://api.llmgateway.io", "https://gw.acme.example")
        .replace("LLM_GATEWAY_API_KEY", "ACME_GW_KEY")
        .replace("LLM_GATEWAY_API_BASE", "ACME_GW_BASE");
    let dir = tempfile::tempdir().unwrap();
    let rules_dir = dir.path().join("rules");
    std::fs::create_dir(&rules_dir).unwrap();
    std::fs::write(rules_dir.join("acmegw.yaml"), &text).unwrap();
    let d = rules_dir.display().to_string();

    let o = run(
        here(),
        &[
            "rules",
            "validate",
            &rules_dir.join("acmegw.yaml").display().to_string(),
        ],
    );
    assert!(o.code == 0, "{}", o.stderr);
    let o = run(
        here(),
        &["--rules", &d, "rules", "list", "--format", "json"],
    );
    assert!(o.code == 0, "{}", o.stderr);
    let v: Value = serde_json::from_str(&o.stdout).unwrap();
    let ids: Vec<&str> = v["targets"]
        .as_array()
        .unwrap()
        .iter()
        .map(|t| t["id"].as_str().unwrap())
        .collect();
    assert!(ids.contains(&"acmegw"), "{ids:?}");

    let repo = dir.path().join("repo");
    std::fs::create_dir(&repo).unwrap();
    std::fs::write(
        repo.join("app.py"),
        "import os\nfrom openai import OpenAI\nclient = OpenAI(base_url=\"https://openrouter.ai/api/v1\", api_key=os.environ[\"OPENROUTER_API_KEY\"])\n",
    )
    .unwrap();
    let r = repo.display().to_string();
    for to in ["acmegw", "acme"] {
        let o = run(
            here(),
            &["--rules", &d, "scan", "--to", to, "--format", "json", &r],
        );
        assert_eq!(o.code, 1, "{}", o.stderr);
        let v: Value = serde_json::from_str(&o.stdout).unwrap();
        assert!(v["table"].as_str().unwrap().starts_with("acmegw@"), "{v}");
    }
    let o = run(here(), &["--rules", &d, "rewrite", "--to", "acmegw", &r]);
    let diff = o.stdout.clone();
    assert!(
        diff.contains("+client = OpenAI(base_url=\"https://gw.acme.example/v1\""),
        "{diff}"
    );
    assert!(diff.contains("ACME_GW_KEY"), "{diff}");
    // Without the table the id is unknown, and the error lists what is known.
    let o = run(here(), &["scan", "--to", "acmegw", &r]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("unknown target 'acmegw'"), "{}", o.stderr);
}

/// `--help` of `scan --to` and the shell completions come from the embedded
/// tables, not from a list in the code.
#[test]
fn help_and_completions_list_every_embedded_target() {
    let help = run(here(), &["scan", "--help"]).stdout;
    let bash = run(here(), &["completions", "bash"]).stdout;
    for id in targets() {
        assert!(
            help.contains(&format!("{id}:")),
            "{id} not in scan --help:\n{help}"
        );
        assert!(bash.contains(&id), "{id} not in bash completions");
    }
}
