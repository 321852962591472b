//! End to end: `rewrite --from anthropic|openai` on the direct fixture
//! repos, as a user runs it (dry-run patch, write, second run).

use std::path::Path;

mod common;

use common::{copy_tree, Run};

/// `rewrite . ARGS` in `dir`.
fn rewrite(dir: &Path, args: &[&str]) -> Run {
    common::run(dir, &[&["rewrite", "."], args].concat())
}

fn fixture(name: &str) -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("fixtures")
            .join(name),
        tmp.path(),
    );
    tmp
}

#[test]
fn rewrite_from_anthropic_dry_run_points_the_sdk_at_the_target() {
    let tmp = fixture("direct-anthropic");
    let before = std::fs::read_to_string(tmp.path().join("bot/claude.py")).unwrap();
    let out = rewrite(tmp.path(), &["--from", "anthropic", "--dry-run"]);
    assert_eq!(out.code, 1, "{}", out.stdout);
    let patch = &out.stdout;
    for want in [
        "+client = anthropic.Anthropic(base_url=\"https://api.llmgateway.io\", api_key=os.environ[\"LLM_GATEWAY_API_KEY\"])",
        "-        model=\"claude-3-5-sonnet-20241022\",",
        "+        model=\"claude-sonnet-4-6\",",
        "+  baseURL: \"https://api.llmgateway.io\",",
        "+ANTHROPIC_BASE_URL=https://api.llmgateway.io",
        "+curl https://api.llmgateway.io/v1/messages \\",
    ] {
        assert!(patch.contains(want), "missing {want:?} in:\n{patch}");
    }
    // The client already on OminiGate, the cars and the prose stay out.
    assert!(
        !patch.contains("api.ominigate.ai\", api_key=os.environ[\"LLM"),
        "{patch}"
    );
    assert!(!patch.contains("Accord"));
    assert!(!patch.contains("README.md"));
    // Manual items: the batch endpoint and the client in a file without `import os`.
    assert!(patch.contains("/v1/messages/batches"), "{patch}");
    assert!(patch.contains("bot/lc.py"), "{patch}");
    // A dry run changes nothing.
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("bot/claude.py")).unwrap(),
        before
    );
}

#[test]
fn rewrite_from_openai_write_then_check_is_clean_and_idempotent() {
    let tmp = fixture("direct-openai");
    let w = rewrite(
        tmp.path(),
        &["--from", "openai", "--write", "--allow-dirty"],
    );
    assert!(matches!(w.code, 0 | 1), "{}", w.all());
    let client = std::fs::read_to_string(tmp.path().join("app/client.py")).unwrap();
    assert!(
        client.contains("client = OpenAI(base_url=\"https://api.llmgateway.io/v1\""),
        "{client}"
    );
    // No automatic edit remains.
    let c = rewrite(tmp.path(), &["--from", "openai", "--check"]);
    assert_eq!(c.code, 0, "{}", c.stdout);
    // A second write changes nothing.
    let again = std::fs::read_to_string(tmp.path().join("app/client.py")).unwrap();
    rewrite(
        tmp.path(),
        &["--from", "openai", "--write", "--allow-dirty"],
    );
    assert_eq!(
        std::fs::read_to_string(tmp.path().join("app/client.py")).unwrap(),
        again
    );
}
