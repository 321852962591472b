//! Source profile tables: validation of the fields only direct providers
//! use, and that every bare-id row leads somewhere in the target tables.

use llmgw_migrate::rules::{parse_table, AnyTable, Rules};

const HEAD: &str = "kind: source\nid: p\nname: P\nversion: \"2026-11-01\"\ncite: []\nhosts: [api.p.example]\napi_path: /v1\nendpoints: []\nkey_prefix: p-\nkey_pattern: 'p-[a-z]{20}'\nkey_env: [P_API_KEY]\nbase_url_env: []\nenv_name_pattern: '^P_API_KEY$'\nattribution_headers: []\nfields: []\nsuffixes: []\nrouters: []\nauthors: []\nsdk_packages: []\n";

fn errors(extra: &str) -> Vec<String> {
    match parse_table("p.yaml", &format!("{HEAD}{extra}")) {
        Ok(_) => vec![],
        Err(e) => e.0.iter().map(|d| d.to_string()).collect(),
    }
}

#[test]
fn a_good_direct_table_parses() {
    let e = errors("protocol: openai\nmodel_pattern: '^p-[0-9]+$'\nmodels:\n  - {id: p-1, slug: p/p-1, source: s}\n");
    assert!(e.is_empty(), "{e:?}");
    match parse_table("p.yaml", &format!("{HEAD}protocol: anthropic\n")).unwrap() {
        AnyTable::Source(s) => assert!(s.table.is_direct()),
        AnyTable::Target(_) => panic!("not a target"),
    }
}

#[test]
fn broken_direct_fields_are_reported_with_a_location() {
    let cases = [
        ("protocol: openai\nmodel_pattern: '('\n", "model_pattern is not a valid regex"),
        ("protocol: openai\nenv_word: '[x'\n", "env_word is not a valid regex"),
        ("protocol: openai\nmodels:\n  - {id: a, slug: p/a, source: s}\n  - {id: a, slug: p/b, source: s}\n", "p.yaml:23:10: duplicate model id 'a'"),
        ("protocol: openai\nmodels:\n  - {id: a, slug: \"Not A Slug\", source: s}\n", "malformed OpenRouter slug"),
        ("protocol: openai\nmodels:\n  - {id: p/a, slug: p/a, source: s}\n", "must be a bare provider id"),
        ("protocol: openai\nmodels:\n  - {id: a, slug: p/a, source: \" \"}\n", "has no source"),
        ("models:\n  - {id: a, slug: p/a, source: s}\n", "need a 'protocol'"),
        ("protocol: azure\n", "p.yaml:20"),
        ("protocol: openai\nclients:\n  - {name: C, modules: [m], base_args: [], protocol: openai, insert: {}, source: s, bogus: 1}\n", "unknown field"),
    ];
    for (extra, want) in cases {
        let e = errors(extra);
        assert!(
            e.iter()
                .any(|m| m.contains(want) && m.starts_with("p.yaml:")),
            "for {extra:?} wanted {want:?}, got {e:?}"
        );
    }
}

/// Each bare id maps to an OpenRouter slug some target table knows, or says
/// why not (a `note`): a typo in a slug cannot pass silently.
#[test]
fn every_source_model_reaches_a_target_row_or_explains_itself() {
    let rules = Rules::embedded().unwrap();
    let mut problems = Vec::new();
    for src in rules.sources.iter().filter(|s| s.table.is_direct()) {
        assert!(
            !src.table.models.is_empty(),
            "{} lists no models",
            src.table.id
        );
        for m in &src.table.models {
            let known = rules
                .targets
                .iter()
                .any(|t| t.table.row(&m.slug.value).is_some());
            if !known && m.note.is_none() {
                problems.push(format!(
                    "{}: {} -> {}",
                    src.table.id, m.id.value, m.slug.value
                ));
            }
            if let Some(re) = &src.table.model_pattern {
                let re = regex::Regex::new(re).unwrap();
                if !re.is_match(&m.id.value) {
                    problems.push(format!(
                        "{}: {} escapes model_pattern",
                        src.table.id, m.id.value
                    ));
                }
            }
        }
    }
    assert!(problems.is_empty(), "{problems:#?}");
}

#[test]
fn the_default_source_is_openrouter_and_direct_ones_load() {
    let rules = Rules::embedded().unwrap();
    assert_eq!(rules.source_default().table.id, "openrouter");
    assert!(!rules.source_default().table.is_direct());
    for id in ["openai", "anthropic", "google"] {
        let s = rules.source(id).unwrap();
        assert!(s.table.is_direct(), "{id}");
        assert!(s.label().starts_with(&format!("{id}@")));
    }
    assert!(rules.source("OpenAI").is_some());
    assert!(rules.source("azure").is_none());
    assert!(rules
        .require_source("azure")
        .unwrap_err()
        .to_string()
        .contains("openrouter"));
}
