//! A table keyed by model id (context windows, prices) is looked up with
//! the ids the code sends: when rewrite moves those ids to the target's,
//! the keys must follow, so each key is a manual item naming the new id.
//! Found on a public repository (Cybourgeoisie/openrouter-agent-coder)
//! whose `MODEL_CONTEXT_WINDOWS` stopped matching after a rewrite.

use llmgw_migrate::finding::{Fix, Kind};
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::scan_source;
use llmgw_migrate::source::SourceText;

fn slugs(path: &str, text: &str) -> Vec<(usize, String, Fix, String)> {
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let src = SourceText::decode(text.as_bytes().to_vec());
    scan_source(&rules, t, path, &src, true)
        .into_iter()
        .filter(|f| f.kind == Kind::ModelSlug)
        .map(|f| (f.line, f.matched, f.fix, f.message))
        .collect()
}

#[test]
fn keys_of_a_table_of_ids_are_manual_values_move() {
    let ts = r#"export const MODEL_CONTEXT_WINDOWS: Record<string, number> = {
  'anthropic/claude-sonnet-4.6': 200_000,
  'openai/gpt-4o': 128_000,
  'not-a-model': 1,
};
export const DEFAULT_MODEL = 'anthropic/claude-sonnet-4.6';
const base = "https://openrouter.ai/api/v1";
"#;
    let got = slugs("src/windows.ts", ts);
    let at = |line: usize| {
        got.iter()
            .find(|g| g.0 == line)
            .unwrap_or_else(|| panic!("{got:?}"))
    };
    assert_eq!(at(2).2, Fix::Manual);
    assert!(
        at(2).3.contains("add claude-sonnet-4-6 as a key beside it"),
        "{}",
        at(2).3
    );
    assert_eq!(at(3).2, Fix::Manual);
    assert_eq!(at(6).2, Fix::Auto, "the id the code sends still moves");
    assert!(!got.iter().any(|g| g.1 == "not-a-model"));
    // Python dicts the same.
    let py =
        "WINDOWS = {\"openai/gpt-4o\": 128000}\nclient_base = \"https://openrouter.ai/api/v1\"\n";
    let got = slugs("app/windows.py", py);
    assert_eq!(got.len(), 1, "{got:?}");
    assert_eq!(got[0].2, Fix::Manual);
}
