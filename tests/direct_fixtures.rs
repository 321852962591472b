//! Direct provider profiles (`--from openai|anthropic|google`): every
//! fixture repo against hand-written expectations in
//! tests/expected-direct/<source>/<repo>.txt (same `path:line:kind:match`
//! format as tests/expected), and the edits they produce.

use std::path::{Path, PathBuf};
use std::process::Command;

mod common;

use common::{copy_tree, diff, expected, found};
use llmgw_migrate::finding::{Finding, Fix, Kind};
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::{scan, ScanOptions, ScanReport};

fn root() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

fn run(repo: &Path, from: &str, target: &str) -> ScanReport {
    let rules = Rules::embedded().unwrap();
    let t = rules.target(target).unwrap();
    let opts = ScanOptions {
        paths: vec![repo.to_path_buf()],
        from: from.to_owned(),
        ..ScanOptions::default()
    };
    let mut report = scan(&rules, t, &opts);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    common::relative_to(&mut report, repo);
    report
}

/// (source, repo, expectations file) for every tests/expected-direct/<source>/<repo>.txt.
fn cases() -> Vec<(String, String, PathBuf)> {
    let mut out = Vec::new();
    let dir = root().join("tests/expected-direct");
    let mut sources: Vec<_> = std::fs::read_dir(&dir)
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.is_dir())
        .collect();
    sources.sort();
    for s in sources {
        let mut files: Vec<_> = std::fs::read_dir(&s)
            .unwrap()
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| p.extension().is_some_and(|e| e == "txt"))
            .collect();
        files.sort();
        for f in files {
            out.push((
                s.file_name().unwrap().to_string_lossy().into_owned(),
                f.file_stem().unwrap().to_string_lossy().into_owned(),
                f,
            ));
        }
    }
    out
}

#[test]
fn every_direct_fixture_matches_its_expectations() {
    let mut problems = Vec::new();
    let cases = cases();
    assert!(cases.len() >= 3, "expected one repo per direct source");
    for (source, repo, exp) in &cases {
        let path = root().join("fixtures").join(repo);
        assert!(path.is_dir(), "no fixture repo for {}", exp.display());
        let got = found(&run(&path, source, "llmgateway"));
        problems.extend(diff(&format!("{source}/{repo}"), &expected(exp), &got));
    }
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

/// The OpenRouter default never sees a direct provider's surface, and a
/// direct profile never reports OpenRouter's: the profiles do not leak.
#[test]
fn profiles_are_separate() {
    for (_, repo, _) in cases() {
        let path = root().join("fixtures").join(&repo);
        let f = found(&run(&path, "openrouter", "llmgateway"));
        assert!(f.is_empty(), "openrouter on {repo}: {f:?}");
    }
    // Each profile sees only its own provider's repo.
    for (source, repo, _) in cases() {
        for (other, other_repo, _) in cases() {
            if other == source {
                continue;
            }
            let f = found(&run(
                &root().join("fixtures").join(&other_repo),
                &source,
                "llmgateway",
            ));
            assert!(
                !f.keys()
                    .any(|k| k.contains(":secret:") || k.contains(":sdk-package:")),
                "{source} profile on {other_repo} ({repo} is its own): {f:?}"
            );
        }
    }
    let f = found(&run(
        &root().join("fixtures/python-app"),
        "openai",
        "llmgateway",
    ));
    assert!(
        !f.keys().any(|k| k.contains("openrouter")),
        "openai profile reported OpenRouter things: {f:?}"
    );
}

fn apply(report: &ScanReport, dir: &Path) -> Vec<PathBuf> {
    let mut written = Vec::new();
    for file in &report.files {
        let edits: Vec<_> = file
            .findings
            .iter()
            .filter(|f| f.fix == Fix::Auto)
            .filter_map(|f| f.edit.clone())
            .collect();
        if edits.is_empty() {
            continue;
        }
        let out = file.source.apply(&edits).expect("edits apply");
        let dest = dir.join(&file.path);
        std::fs::create_dir_all(dest.parent().unwrap()).unwrap();
        std::fs::write(&dest, out).unwrap();
        written.push(dest);
    }
    written
}

fn auto(report: &ScanReport) -> Vec<&Finding> {
    report.findings().filter(|f| f.fix == Fix::Auto).collect()
}

/// Applying every automatic edit leaves files that still compile, and a
/// second scan finds nothing automatic left (the rewrite is idempotent).
#[test]
fn automatic_edits_compile_and_settle() {
    for (source, repo, _) in cases() {
        for target in &common::target_ids() {
            let target = target.as_str();
            let tmp = tempfile::tempdir().unwrap();
            copy_tree(&root().join("fixtures").join(&repo), tmp.path());
            let first = run(tmp.path(), &source, target);
            let written = apply(&first, tmp.path());
            for p in &written {
                let ext = p.extension().and_then(|e| e.to_str()).unwrap_or("");
                let check = match ext {
                    "py" => Some(
                        Command::new("python3")
                            .arg("-m")
                            .arg("py_compile")
                            .arg(p)
                            .output(),
                    ),
                    "js" | "mjs" => Some(Command::new("node").arg("--check").arg(p).output()),
                    _ => None,
                };
                if let Some(Ok(out)) = check {
                    assert!(
                        out.status.success(),
                        "{source}/{repo} -> {target}: {} no longer compiles:\n{}\n{}",
                        p.display(),
                        String::from_utf8_lossy(&out.stderr),
                        std::fs::read_to_string(p).unwrap_or_default()
                    );
                }
            }
            let second = run(tmp.path(), &source, target);
            let left: Vec<String> = auto(&second)
                .iter()
                .map(|f| format!("{}:{} {} {}", f.path, f.line, f.kind, f.matched))
                .collect();
            assert!(
                left.is_empty(),
                "{source}/{repo} -> {target}: auto left after edits: {left:?}"
            );
        }
    }
}

/// The constructor edit adds the base URL (and key, when the client would
/// read the provider's variable) in the call's own layout.
#[test]
fn constructor_edits_read_like_hand_written_code() {
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(&root().join("fixtures/direct-openai"), tmp.path());
    let report = run(tmp.path(), "openai", "llmgateway");
    apply(&report, tmp.path());
    let client = std::fs::read_to_string(tmp.path().join("app/client.py")).unwrap();
    assert!(
        client.contains(
            "client = OpenAI(base_url=\"https://api.llmgateway.io/v1\", api_key=os.environ[\"LLM_GATEWAY_API_KEY\"])"
        ),
        "{client}"
    );
    assert!(
        client.contains(
            "summarizer = OpenAI(\n    api_key=os.environ[\"LLM_GATEWAY_API_KEY\"],\n    timeout=30,\n    base_url=\"https://api.llmgateway.io/v1\",\n)"
        ),
        "{client}"
    );
    // The client already pointing at a proxy is untouched.
    assert!(client.contains("proxied = OpenAI(base_url=os.environ[\"LLM_PROXY_URL\"], api_key=os.environ[\"LLM_PROXY_KEY\"])"));
    let ts = std::fs::read_to_string(tmp.path().join("web/src/openai.ts")).unwrap();
    assert!(
        ts.contains("new OpenAI({\n  apiKey: process.env.LLM_GATEWAY_API_KEY,\n  baseURL: \"https://api.llmgateway.io/v1\",\n})"),
        "{ts}"
    );
    let lc = std::fs::read_to_string(tmp.path().join("web/src/lc.ts")).unwrap();
    assert!(
        lc.contains("new ChatOpenAI({ model: \"gpt-4o\", temperature: 0, configuration: { baseURL: \"https://api.llmgateway.io/v1\" }, apiKey: process.env.LLM_GATEWAY_API_KEY })"),
        "{lc}"
    );
    // A comment after the last argument stays with it: ours goes first.
    let factory = std::fs::read_to_string(tmp.path().join("app/factory.py")).unwrap();
    assert!(
        factory.contains("embedder = openai.OpenAI(\n    base_url=\"https://api.llmgateway.io/v1\",\n    api_key=os.environ[\"LLM_GATEWAY_API_KEY\"]  # separate key for embeddings billing\n)"),
        "{factory}"
    );
    // Options spread from elsewhere (`**overrides`, `...shared`) are manual.
    for (path, line) in [("app/factory.py", 8), ("web/src/legacy.js", 5)] {
        let f = report
            .findings()
            .find(|f| f.path == path && f.line == line && f.kind == Kind::BaseUrl)
            .unwrap();
        assert_eq!(f.fix, Fix::Manual, "{path}:{line}");
        assert!(f.message.contains("spread"), "{}", f.message);
    }
    // In a Markdown fence the argument goes in at the right place.
    let md = std::fs::read_to_string(tmp.path().join("docs/quickstart.md")).unwrap();
    assert!(
        md.contains("client = OpenAI(\n    api_key=os.environ[\"LLM_GATEWAY_API_KEY\"],\n    base_url=\"https://api.llmgateway.io/v1\",\n)"),
        "{md}"
    );
    // In a notebook cell (a JSON string) it is a manual item: no edit.
    let nb = report
        .findings()
        .find(|f| f.path == "notebooks/explore.ipynb" && f.kind == Kind::BaseUrl)
        .unwrap();
    assert_eq!(nb.fix, Fix::Manual);
    assert!(nb.edit.is_none());
    let nb_text = std::fs::read_to_string(tmp.path().join("notebooks/explore.ipynb")).unwrap();
    serde_json::from_str::<serde_json::Value>(&nb_text).expect("notebook still JSON");
    // LlamaIndex without `import os`: a manual item showing the argument, no edit.
    let rag = report
        .findings()
        .find(|f| f.path == "app/rag.py" && f.kind == Kind::BaseUrl)
        .unwrap();
    assert_eq!(rag.fix, Fix::Manual);
    assert!(rag.edit.is_none());
    assert!(
        rag.message
            .contains("api_base=\"https://api.llmgateway.io/v1\""),
        "{}",
        rag.message
    );
}

#[test]
fn secrets_are_redacted_in_direct_profiles() {
    let report = run(
        &root().join("fixtures/direct-openai"),
        "openai",
        "llmgateway",
    );
    let s = report.findings().find(|f| f.kind == Kind::Secret).unwrap();
    assert!(!s.matched.contains("T3BlbkFJ"), "{}", s.matched);
    assert!(!s.message.contains("T3BlbkFJ"));
}

/// No target speaks Google's protocol: every Google item is manual except
/// URLs of Google's own OpenAI-compatible endpoint, on every target.
#[test]
fn google_items_are_manual_except_the_openai_compatible_endpoint() {
    for target in &common::target_ids() {
        let target = target.as_str();
        let report = run(&root().join("fixtures/direct-google"), "google", target);
        let mut auto = 0;
        for f in report.findings() {
            if f.kind == Kind::BaseUrl && f.matched.contains("/v1beta/openai") {
                assert_eq!(f.fix, Fix::Auto, "{target}: {}", f.matched);
                auto += 1;
            } else {
                assert_eq!(
                    f.fix,
                    Fix::Manual,
                    "{target}: {}:{} {} {}",
                    f.path,
                    f.line,
                    f.kind,
                    f.matched
                );
                assert!(f.edit.is_none());
            }
        }
        assert_eq!(auto, 1, "{target}");
    }
}
