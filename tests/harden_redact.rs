//! Redaction of every output path, for every provider's key shape, in any
//! file kind and encoding (UTF-16 included): scan's formats and rewrite's
//! patch, check, write and JSON output never hold 20 consecutive characters
//! of a key's random part. The fuzz target `redaction` runs the same check.

mod robust_support;

use proptest::prelude::*;
use robust_support as h;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(48);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Lines that give rewrite something to change next to the key, so the key
/// lands in diff context, an edit, or a refused file's parser error.
const AROUND: &[&str] = &[
    "OPENROUTER_BASE_URL=https://openrouter.ai/api/v1",
    "base_url = \"https://openrouter.ai/api/v1\"",
    "LLM_GATEWAY_API_KEY = \"x\"",
    "  OPENROUTER_API_KEY: x",
    "model = \"anthropic/claude-3.5-sonnet\"",
    "{\"model\": \"openai/gpt-4o\", \"messages\": []}",
    "# é ü",
    "",
];

proptest! {
    #![proptest_config(config())]

    #[test]
    fn no_output_holds_any_providers_key(
        n in prop::sample::select(h::NAMES),
        before in prop::collection::vec(0..AROUND.len(), 0..4),
        after in prop::collection::vec(0..AROUND.len(), 0..4),
        seed in prop::collection::vec(any::<u8>(), 2..16),
        provider in 0u8..7,
        wrap in 0usize..4,
        utf16 in any::<bool>(),
        t in 0usize..3,
    ) {
        let (k, secret) = h::provider_key(provider, &seed);
        let placed = match wrap {
            0 => format!("OPENROUTER_API_KEY = \"{k}\""),
            1 => format!("  OPENROUTER_API_KEY: {k}"),
            2 => format!("# {k}"),
            _ => format!("api_key=\"{k}\""),
        };
        let lines: Vec<&str> = before
            .iter()
            .map(|&i| AROUND[i])
            .chain([placed.as_str()])
            .chain(after.iter().map(|&i| AROUND[i]))
            .collect();
        let text = lines.join("\n") + "\n";
        let bytes = if utf16 { h::utf16(&text, true) } else { text.into_bytes() };
        // Only the random part counts: a 20-character run of it is a leak.
        h::no_key_leak(n, &bytes, &secret, t);
    }
}
