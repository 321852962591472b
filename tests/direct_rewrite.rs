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
    // Clients left on Anthropic (bot/lc.py, the AI SDK's `anthropic(..)`)
    // still read ANTHROPIC_BASE_URL: moving it would send them, with
    // Anthropic's key, to the gateway. It is a manual item, and the key
    // variable stays with the target's added beside it.
    assert!(!patch.contains("+ANTHROPIC_BASE_URL="), "{patch}");
    assert!(
        patch.contains("ANTHROPIC_BASE_URL is read by every client without a base URL"),
        "{patch}"
    );
    assert!(patch.contains("+LLM_GATEWAY_API_KEY="), "{patch}");
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

/// A repository whose chat client moves and whose embeddings client, on a
/// gateway without /embeddings, keeps calling OpenAI.
fn chat_and_embeddings() -> tempfile::TempDir {
    let tmp = tempfile::tempdir().unwrap();
    let files = [
        (".env", "OPENAI_API_KEY=sk-...\nOPENAI_BASE_URL=https://api.openai.com/v1\n"),
        (
            "app/chat.py",
            "import os\nfrom openai import OpenAI\n\nclient = OpenAI(api_key=os.environ[\"OPENAI_API_KEY\"])\n",
        ),
        (
            "app/search.py",
            "import os\nfrom langchain_openai import OpenAIEmbeddings\n\nembeddings = OpenAIEmbeddings(model=\"text-embedding-3-small\")\n",
        ),
    ];
    for (p, text) in files {
        let p = tmp.path().join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
    tmp
}

#[test]
fn a_client_left_on_openai_keeps_its_key_variable_in_env_files() {
    let tmp = chat_and_embeddings();
    let args = ["--from", "openai", "--to", "llmgateway", "--allow-dirty"];
    let scan = common::run(
        tmp.path(),
        &["scan", ".", "--from", "openai", "--to", "llmgateway"],
    );
    assert!(
        scan.stdout
            .contains("OPENAI_API_KEY is still read by the OpenAI client at app/search.py:4"),
        "{}",
        scan.all()
    );
    rewrite(tmp.path(), &[&args[..], &["--write"]].concat());
    let env = std::fs::read_to_string(tmp.path().join(".env")).unwrap();
    // The old variable stays for the embeddings client, the new one is
    // added beside it (empty: a key is never copied), and the SDK's
    // base-URL variable keeps pointing at OpenAI.
    assert!(env.contains("OPENAI_API_KEY=sk-...\n"), "{env}");
    assert!(env.contains("\nLLM_GATEWAY_API_KEY=\n"), "{env}");
    assert!(
        env.contains("OPENAI_BASE_URL=https://api.openai.com/v1"),
        "{env}"
    );
    // The chat client moved with its own key.
    let chat = std::fs::read_to_string(tmp.path().join("app/chat.py")).unwrap();
    assert!(
        chat.contains("os.environ[\"LLM_GATEWAY_API_KEY\"]"),
        "{chat}"
    );
}

#[test]
fn with_every_client_moved_the_env_file_is_renamed() {
    // Phaseo serves /embeddings: the embeddings client moves too, and
    // nothing reads the old variable any more.
    let tmp = chat_and_embeddings();
    rewrite(
        tmp.path(),
        &[
            "--from",
            "openai",
            "--to",
            "phaseo",
            "--allow-dirty",
            "--write",
        ],
    );
    let env = std::fs::read_to_string(tmp.path().join(".env")).unwrap();
    assert!(!env.contains("OPENAI_API_KEY"), "{env}");
    assert!(!env.contains("api.openai.com"), "{env}");
}
