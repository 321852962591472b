//! Property tests for parity's input parsers: the golden-set and config
//! loaders never panic and name the file in their errors; the SSE parser
//! gives the same events however the bytes are split into chunks. Shared
//! with the cargo-fuzz targets parity_inputs and sse_chunking.

mod robust_support;

use proptest::prelude::*;
use robust_support as h;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(64);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

const YAML_BITS: &[&str] = &[
    "schema: 1\n",
    "prompts:\n",
    "  - id: p1\n",
    "    model: openai/gpt-4o\n",
    "    messages: [{role: user, content: hi}]\n",
    "    expect: {contains: [Paris]}\n",
    "defaults: {stream: both}\n",
    "baseline: {base_url: \"http://127.0.0.1:1/v1\"}\n",
    "candidate: {base_url: \"http://127.0.0.1:2/v1\", map_models: llmgateway}\n",
    "concurrency: 4\n",
    "timeout_s: -1\n",
    "  - ",
    ": ",
    "{",
    "}",
    "[",
    "]",
    "\"",
    "'",
    "\n",
    "\t",
    "&a ",
    "*a",
    "!!binary ",
    "~",
    "null",
    "1e999",
    "é",
];

const SSE_BITS: &[&str] = &[
    "data: {\"choices\":[{\"delta\":{\"content\":\"Hi\"}}]}\n\n",
    "data: [DONE]\n\n",
    ": OPENROUTER PROCESSING\n\n",
    "event: error\n",
    "id: 7\n",
    "retry: 10\n",
    "data:",
    "data: x",
    "\n",
    "\r\n",
    "\r",
    ":",
    " ",
    "é",
    "\u{FEFF}",
    "field-without-colon\n",
];

fn joined(bits: &'static [&'static str]) -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(bits).prop_map(|s| s.as_bytes().to_vec()),
            1 => prop::collection::vec(any::<u8>(), 0..6),
        ],
        0..40,
    )
    .prop_map(|v| v.concat())
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn golden_and_config_loaders_never_panic(sel in any::<u8>(), text in joined(YAML_BITS)) {
        h::parity_inputs(&[&[sel][..], &text].concat());
    }

    #[test]
    fn sse_parse_is_independent_of_chunking(step in any::<u8>(), body in joined(SSE_BITS)) {
        h::sse_chunking(&[&[step][..], &body].concat());
    }
}
