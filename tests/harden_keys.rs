//! No key in any output (issue 13, keys): refusal reasons quoting a parser
//! error, UTF-16 diff context, other providers' keys whatever `--from` is,
//! in dry-run, `--check`, `--write` and the JSON `problem` field.

mod common;

use common::run;

fn contains(hay: &[u8], needle: &[u8]) -> bool {
    hay.windows(needle.len()).any(|w| w == needle)
}

fn or_key() -> String {
    format!("sk-or-v1-{}", "0123456789abcdef".repeat(4))
}

/// The secret middle of a key: what must never appear.
fn middle(key: &str) -> &str {
    &key[key.len() - 21..key.len() - 5]
}

const MODES: &[&[&str]] = &[
    &["rewrite", "."],
    &["rewrite", ".", "--check"],
    &["rewrite", ".", "--write"],
    &["rewrite", ".", "--format", "json"],
    &["rewrite", ".", "--check", "--format", "json"],
    &["rewrite", ".", "--write", "--format", "json"],
];

#[test]
fn refused_structured_files_do_not_quote_the_key() {
    let key = or_key();
    let d = tempfile::tempdir().unwrap();
    std::fs::write(
        d.path().join("secrets.toml"),
        // The rename of line 1 duplicates line 2, whose value is a key (a
        // variable holding a key is itself never renamed).
        format!("OPENROUTER_API_KEY = \"x\"\nLLM_GATEWAY_API_KEY = \"{key}\"\n"),
    )
    .unwrap();
    std::fs::write(
        d.path().join("compose.yaml"),
        format!("env:\n  OPENROUTER_API_KEY: x\n  LLM_GATEWAY_API_KEY: {key}\n"),
    )
    .unwrap();
    for args in MODES {
        let o = run(d.path(), args);
        let out = o.all();
        // The scenario really happens: both files are refused for a
        // duplicate key, with the parser's snippet.
        assert!(out.contains("duplicate"), "{args:?}: {out}");
        assert!(out.contains("secrets.toml") && out.contains("compose.yaml"));
        assert!(
            !out.contains(middle(&key)),
            "{args:?} leaked the key:\n{out}"
        );
        // Any cut of the key longer than 12 characters is hidden too.
        for w in key.as_bytes().windows(21).skip(9) {
            assert!(
                !out.contains(std::str::from_utf8(w).unwrap()),
                "{args:?}: {out}"
            );
        }
    }
    let o = run(d.path(), &["rewrite", "."]);
    let out = &o.stdout;
    // A multi-line parser error stays inside `#` comments.
    for line in out
        .lines()
        .skip_while(|l| !l.starts_with("# left unchanged"))
    {
        assert!(line.starts_with('#'), "uncommented line in dry-run: {line}");
    }
}

#[test]
fn utf16_diff_context_is_redacted_after_decoding() {
    let key = or_key();
    // The key sits in its own OpenRouter-named variable (which keeps its
    // name), so the URL next to it still moves and the key is diff context.
    let text =
        format!("BASE=https://openrouter.ai/api/v1\r\nOPENROUTER_API_KEY={key}\r\nOTHER=1\r\n");
    let mut bytes = vec![0xFF, 0xFE];
    for u in text.encode_utf16() {
        bytes.extend_from_slice(&u.to_le_bytes());
    }
    let d = tempfile::tempdir().unwrap();
    std::fs::write(d.path().join("app.env"), &bytes).unwrap();
    let utf16 = |s: &str| -> Vec<u8> { s.encode_utf16().flat_map(|u| u.to_le_bytes()).collect() };
    let o = run(d.path(), &["rewrite", "."]);
    let out = o.all_bytes();
    assert!(!contains(&out, &utf16(middle(&key))), "UTF-16 key leaked");
    assert!(!contains(&out, middle(&key).as_bytes()), "key leaked");
    // The key was seen after decoding: the file's diff is held out of the
    // patch (it would show the key) and listed for a person instead.
    let text = String::from_utf8_lossy(&out);
    assert!(
        text.contains("app.env") && text.contains("left out of the patch"),
        "{text}"
    );
    // The file itself is untouched by a dry-run.
    assert_eq!(std::fs::read(d.path().join("app.env")).unwrap(), bytes);
}

#[test]
fn every_provider_key_is_hidden_whatever_the_source() {
    let keys = [
        or_key(),
        format!("sk-ant-api03-{}AA", "aB3_x9".repeat(15) + "abc"),
        format!(
            "sk-proj-{}T3BlbkFJ{}",
            "Ab1cD2eF3gH4iJ5kL6mN", "oP7qR8sT9uV0wX1yZ2aB"
        ),
        format!("AIza{}", "Sy0-aB1_cD2eF3gH4iJ5kL6mN7oP8qR9sT"),
        format!("llmgtwy_{}", "Q7wE8rT9yU0iO1pA2sD3"),
        format!("phaseo_v1_sk_{}", "0123456789abcdef0123"),
    ];
    let d = tempfile::tempdir().unwrap();
    // Every key line is within 3 lines of an edit, so it is diff context.
    let mut env = String::new();
    for (i, k) in keys.iter().enumerate() {
        env.push_str(&format!("KEY_{i}={k}\n"));
        if i == 2 {
            env.push_str("OPENROUTER_BASE_URL=https://openrouter.ai/api/v1\n");
        }
    }
    env.push_str("OPENAI_BASE_URL=https://api.openai.com/v1\n");
    std::fs::write(d.path().join(".env"), &env).unwrap();
    for from in ["openrouter", "openai", "anthropic", "google"] {
        for args in [
            vec!["rewrite", ".", "--from", from],
            vec!["rewrite", ".", "--from", from, "--format", "json"],
            vec!["scan", ".", "--from", from, "--format", "json"],
            vec!["scan", ".", "--from", from],
        ] {
            let o = run(d.path(), &args);
            let out = o.all();
            for k in &keys {
                assert!(!out.contains(middle(k)), "{args:?} printed {k}:\n{out}");
            }
        }
    }
    // Every shape was recognised: the dry-run holds the file out of the
    // patch rather than print its lines, and the JSON masks each key.
    let o = run(d.path(), &["rewrite", "."]);
    let out = &o.stdout;
    assert!(out.contains("left out of the patch"), "{out}");
    let o = run(
        d.path(),
        &["scan", ".", "--from", "anthropic", "--format", "json"],
    );
    let out = &o.stdout;
    assert!(out.contains("\"sk-ant-..."), "{out}");
}
