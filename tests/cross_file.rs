//! Clients bound in one file and used in another: the ids passed through
//! them are decided by where the client sends requests, whichever of the
//! files is scanned.

use std::path::Path;

mod common;

use common::copy_tree;
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::{scan, ScanOptions};

/// `path:line:match` of every model-slug finding, with its fix.
fn slugs(root: &Path, paths: &[&str], from: &str) -> Vec<String> {
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let opts = ScanOptions {
        paths: paths.iter().map(|p| root.join(p)).collect(),
        from: from.to_owned(),
        context: Some(root.to_path_buf()),
        ..ScanOptions::default()
    };
    let report = scan(&rules, t, &opts);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    let mut v: Vec<String> = report
        .findings()
        .filter(|f| f.kind == llmgw_migrate::finding::Kind::ModelSlug)
        .map(|f| {
            let rel = Path::new(&f.path).strip_prefix(root).unwrap().display();
            format!("{rel}:{}:{}:{:?}", f.line, f.matched, f.fix)
        })
        .collect();
    v.sort();
    v
}

fn write(root: &Path, files: &[(&str, &str)]) {
    for (p, text) in files {
        let p = root.join(p);
        std::fs::create_dir_all(p.parent().unwrap()).unwrap();
        std::fs::write(p, text).unwrap();
    }
}

#[test]
fn an_importing_file_scanned_alone_gets_the_same_findings() {
    // A pre-commit hook passes only the staged file: the module that binds
    // the client is read for its bindings, not reported.
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(
        &Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/cross-file"),
        tmp.path(),
    );
    let all = slugs(tmp.path(), &["."], "openrouter");
    for file in [
        "assistant/chat.py",
        "web/src/routes/fast.ts",
        "web/src/routes/chat.ts",
    ] {
        let alone = slugs(tmp.path(), &[file], "openrouter");
        let expected: Vec<String> = all
            .iter()
            .filter(|s| s.starts_with(&format!("{file}:")))
            .cloned()
            .collect();
        assert_eq!(alone, expected, "{file}");
    }
    assert!(all
        .iter()
        .any(|s| s.contains("eva-unit-01/eva-qwen-2.5-72b")));
    assert!(!all.iter().any(|s| s.contains("mixtral-8x22b")), "{all:?}");
}

#[test]
fn module_imports_and_same_named_clients_resolve_to_their_own_files() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            (
                "bot/llm.py",
                "from openai import OpenAI\nclient = OpenAI(base_url=\"https://openrouter.ai/api/v1\")\n",
            ),
            (
                "bot/nim.py",
                "from openai import OpenAI\nclient = OpenAI(base_url=\"https://integrate.api.nvidia.com/v1\")\n",
            ),
            (
                // `from . import llm`, then `llm.client`; `nim.client` is another client.
                "bot/run.py",
                "from . import llm, nim\n\
                 a = llm.client.chat.completions.create(model=\"mistralai/mistral-large\", messages=[])\n\
                 b = nim.client.chat.completions.create(model=\"mistralai/mistral-large-2\", messages=[])\n",
            ),
            (
                "web/lib/ai.ts",
                "import OpenAI from \"openai\";\nconst nim = new OpenAI({ baseURL: \"https://integrate.api.nvidia.com/v1\" });\nexport { nim };\nexport const client = nim;\n",
            ),
            (
                // A namespace import of a module with no binding of that name
                // decides nothing: the id stays a finding.
                "web/run.ts",
                "import * as ai from \"./lib/ai\";\n\
                 await ai.nim.chat.completions.create({ model: \"mistralai/codestral-2501\", messages: [] });\n\
                 await ai.client.chat.completions.create({ model: \"mistralai/ministral-8b\", messages: [] });\n",
            ),
        ],
    );
    let got = slugs(tmp.path(), &["."], "openrouter");
    assert_eq!(
        got,
        vec![
            "bot/run.py:2:mistralai/mistral-large:Auto".to_owned(),
            "web/run.ts:3:mistralai/ministral-8b:Manual".to_owned(),
        ],
        "{got:?}"
    );
}

#[test]
fn with_from_openai_a_redirected_client_in_another_file_takes_its_ids() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            (
                "svc/clients.py",
                "from openai import OpenAI\nproxy = OpenAI(base_url=\"https://llm-proxy.example.com/v1\")\ndirect = OpenAI()\n",
            ),
            (
                "svc/work.py",
                "from svc.clients import proxy as p, direct\n\
                 p.chat.completions.create(model=\"gpt-4o\", messages=[])\n\
                 direct.chat.completions.create(model=\"gpt-4o-mini\", messages=[])\n",
            ),
        ],
    );
    let got = slugs(tmp.path(), &["svc/work.py"], "openai");
    assert_eq!(got.len(), 1, "{got:?}");
    assert!(got[0].starts_with("svc/work.py:3:gpt-4o-mini:"), "{got:?}");
}
