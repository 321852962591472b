//! Property tests: the scanner, lexers, table loader and SourceText never
//! panic on arbitrary input, keep bytes outside edits, and never leak a key.
//! Short by default for CI; `PROPTEST_CASES=10000 cargo test --test robust_scan`
//! for a long run. The same checks back the cargo-fuzz targets in fuzz/.

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

/// Pieces that steer the lexers and detectors into their interesting states:
/// quotes, comments, brackets, interpolation, OpenRouter markers, odd bytes.
const FRAGMENTS: &[&[u8]] = &[
    b"\"",
    b"'",
    b"`",
    b"'''",
    b"\"\"\"",
    b"r#\"",
    b"\"#",
    b"f\"",
    b"${",
    b"}",
    b"{",
    b"[",
    b"]",
    b"(",
    b")",
    b"<#",
    b"#>",
    b"@\"",
    b"\"@",
    b"#",
    b"//",
    b"/*",
    b"*/",
    b"\\",
    b"\n",
    b"\r\n",
    b"\r",
    b"\t",
    b"  ",
    b": ",
    b"=",
    b",",
    b"- ",
    b"```python\n",
    b"```\n",
    b"~~~",
    b"---\n",
    b"[tool.poetry.dependencies]\n",
    b"environment:\n",
    b"ENV ",
    b"export ",
    b"$env:",
    b"https://openrouter.ai/api/v1",
    b"openrouter.ai",
    b"/chat/completions",
    b"/models",
    b"OPENROUTER_API_KEY",
    b"open_router_key",
    b"openrouter",
    b"OpenRouter",
    b"@openrouter/ai-sdk-provider",
    b"HTTP-Referer",
    b"X-Title",
    b"\"models\"",
    b"provider",
    b"transforms",
    b"route",
    b"anthropic/claude-3.5-sonnet",
    b"openai/gpt-4o",
    b"openrouter/auto",
    b":free",
    b"model=",
    b"base_url",
    b"baseURL",
    b"api_key",
    b"sk-or-v1-",
    b"0123456789abcdef",
    b"\"cells\":",
    b"\"source\":",
    b"import ",
    b"from openai import OpenAI",
    b"${{ secrets.",
    b" }}",
    b"\xEF\xBB\xBF",
    b"\xFF\xFE",
    b"\xFE\xFF",
    b"\xC3\xA9",
    b"\xE9",
    b"\x80",
    b"\xF0\x9F",
    b"\0",
    b"\xE2\x82",
    b"\xED\xA0\x80",
];

fn fragments() -> impl Strategy<Value = Vec<u8>> {
    prop::collection::vec(
        prop_oneof![
            4 => prop::sample::select(FRAGMENTS).prop_map(|f| f.to_vec()),
            1 => prop::collection::vec(any::<u8>(), 0..8),
            1 => "[a-zA-Z_ .:/-]{0,12}".prop_map(String::into_bytes),
        ],
        0..64,
    )
    .prop_map(|v| v.concat())
}

fn name() -> impl Strategy<Value = String> {
    prop_oneof![
        8 => prop::sample::select(h::NAMES).prop_map(str::to_owned),
        1 => "[a-zA-Z0-9_./ -]{0,20}",
        1 => any::<String>(),
    ]
}

/// Files as they come: raw, UTF-8 with BOM, UTF-16 LE/BE, CRLF.
fn encoded(bytes: Vec<u8>, how: u8) -> Vec<u8> {
    match how % 5 {
        0 => bytes,
        1 => [b"\xEF\xBB\xBF".as_slice(), &bytes].concat(),
        2 => h::utf16(&String::from_utf8_lossy(&bytes), true),
        3 => h::utf16(&String::from_utf8_lossy(&bytes), false),
        _ => String::from_utf8_lossy(&bytes)
            .replace('\n', "\r\n")
            .into_bytes(),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn scan_never_panics_on_arbitrary_bytes(n in name(), bytes in any::<Vec<u8>>(), t in 0usize..6) {
        h::scan_bytes(&n, &bytes, t);
    }

    #[test]
    fn scan_never_panics_on_code_like_input(n in name(), bytes in fragments(), how in any::<u8>(), t in 0usize..6) {
        h::scan_bytes(&n, &encoded(bytes, how), t);
    }

    #[test]
    fn code_lexers_never_panic(sel in any::<u8>(), bytes in fragments()) {
        h::lex_code(&[&[sel][..], &bytes].concat());
    }

    #[test]
    fn config_lexers_never_panic(sel in any::<u8>(), bytes in fragments()) {
        h::lex_config(&[&[sel][..], &bytes].concat());
    }

    #[test]
    fn table_loader_answers_with_diagnostics(bytes in fragments(), raw in any::<Vec<u8>>()) {
        h::parse_table(&bytes);
        h::parse_table(&raw);
    }

    #[test]
    fn apply_keeps_bytes_outside_edits(ctl in prop::collection::vec(any::<u8>(), 0..30), file in fragments(), how in any::<u8>()) {
        let file = encoded(file, how);
        let data = [&[ctl.len() as u8][..], &ctl, &file].concat();
        h::source_apply(&data);
    }

    #[test]
    fn apply_on_arbitrary_bytes(data in any::<Vec<u8>>()) {
        h::source_apply(&data);
    }

    /// A key of the OpenRouter shape anywhere, in any file kind and encoding,
    /// never appears in any output format: not 20 consecutive chars of it.
    #[test]
    fn redaction_never_leaks_a_key(
        n in name(),
        before in fragments(),
        after in fragments(),
        seed in prop::collection::vec(any::<u8>(), 1..16),
        wrap in 0usize..8,
        how in 0u8..5,
        t in 0usize..6,
    ) {
        let body = h::key_body(&seed);
        let key = format!("sk-or-v1-{body}");
        let placed = match wrap {
            0 => key.clone(),
            1 => format!("\"{key}\""),
            2 => format!("OPENROUTER_API_KEY={key}\n"),
            3 => format!("api_key=\"{key}\""),
            4 => format!("Authorization: Bearer {key}"),
            5 => format!("# {key}\n"),
            6 => format!("{{\"key\": \"{key}\"}}"),
            _ => format!("`${{x}}{key}`"),
        };
        let bytes = encoded([before, placed.into_bytes(), after].concat(), how);
        h::no_key_leak(&n, &bytes, &body, t);
    }
}

/// The whole pipeline (parallel walk, read, detect, sort) gives the same
/// report twice over a generated tree, and never fails on it.
#[test]
fn scan_of_generated_tree_is_deterministic() {
    use llmgw_migrate::report::ScanOutput;
    use llmgw_migrate::scan::{scan, ScanOptions};
    use proptest::strategy::ValueTree;
    use proptest::test_runner::TestRunner;

    let dir = tempfile::tempdir().unwrap();
    let mut runner = TestRunner::deterministic();
    let files = 200;
    for i in 0..files {
        let name = h::NAMES[i % h::NAMES.len()];
        let bytes = fragments().new_tree(&mut runner).unwrap().current();
        let p = dir
            .path()
            .join(format!("d{}", i % 7))
            .join(format!("{i}-{}", name.replace('/', "_")));
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(&p, encoded(bytes, i as u8)).unwrap();
    }
    let opts = ScanOptions {
        paths: vec![dir.path().to_path_buf()],
        ..ScanOptions::default()
    };
    let t = h::target(0);
    let render = || {
        let r = scan(h::rules(), t, &opts);
        assert!(r.errors.is_empty(), "errors: {:?}", r.errors);
        assert_eq!(r.files_scanned + r.files_skipped, files);
        serde_json::to_string(&ScanOutput::new(&r)).unwrap()
    };
    let first = render();
    assert!(
        first.contains("\"findings\":[{"),
        "generated tree has findings"
    );
    for _ in 0..3 {
        assert_eq!(render(), first, "scan output differs between runs");
    }
}

/// Inputs that crashed a fuzz target once (fuzz/artifacts), kept as they
/// were found: each must now pass the same checks.
#[test]
fn fuzz_regressions() {
    // lex_config (TOML): a key opening with a quote but not closing with one
    // was cut inside the following multi-byte char.
    h::lex_config(b"B''\x83=");
    for name in [
        "settings.toml",
        "Cargo.toml",
        "pyproject.toml",
        ".streamlit/secrets.toml",
    ] {
        h::scan_bytes(name, "''é = \"https://openrouter.ai/api/v1\"".as_bytes(), 0);
        h::scan_bytes(name, b"''\x83=", 1);
    }
    // source_apply: UTF-16 with an odd trailing byte mapped the end of the
    // text one byte past the end of the file.
    let mut d = vec![0x40];
    d.extend(vec![0xFF; 64]);
    d.extend_from_slice(&[0xFE, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF, 0xFF]);
    h::source_apply(&d);
    // redaction: a key glued into a model id was reported whole in the
    // model-slug finding (the secret finding itself was redacted).
    let body = h::key_body(b"\x08\x7b\x0a");
    let file = format!(
        "{{\"baseUrl\": \"https://openrouter.ai/api/v1\",\n \"model\": \"openai/gpt-5sk-or-v1-{body}-mini\"}}\n"
    );
    for t in 0..6 {
        for name in ["config.json", "smoke.ps1", "app.py", "notes.txt"] {
            h::no_key_leak(name, file.as_bytes(), &body, t);
        }
    }
}
