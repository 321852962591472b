//! Detector behaviour on small snippets, one language or near-miss at a time.

use llmgw_migrate::finding::{Fix, Kind};
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::scan_source;
use llmgw_migrate::source::SourceText;

fn scan(path: &str, text: &str, target: &str) -> Vec<(usize, String, String, String)> {
    let rules = Rules::embedded().unwrap();
    let t = rules.target(target).unwrap();
    let src = SourceText::decode(text.as_bytes().to_vec());
    scan_source(&rules, t, path, &src, false)
        .into_iter()
        .map(|f| {
            let fix = match f.fix {
                Fix::Auto => "auto",
                Fix::Manual => "manual",
                Fix::None => "none",
            };
            (
                f.line,
                f.kind.as_str().to_owned(),
                f.matched,
                fix.to_owned(),
            )
        })
        .collect()
}

fn kinds(v: &[(usize, String, String, String)]) -> Vec<(usize, &str, &str)> {
    v.iter()
        .map(|(l, k, m, _)| (*l, k.as_str(), m.as_str()))
        .collect()
}

#[test]
fn python_client_with_headers_and_extra_body() {
    let text = r#"import os
from openai import OpenAI

client = OpenAI(
    base_url="https://openrouter.ai/api/v1",  # see https://openrouter.ai/docs
    api_key=os.getenv("OPENROUTER_API_KEY"),
    default_headers={
        "HTTP-Referer": "https://example.com",
        "X-Title": "Demo",
    },
)
r = client.chat.completions.create(
    model="anthropic/claude-3.5-sonnet",
    messages=[{"role": "user", "content": "hi"}],
    extra_body={"transforms": ["middle-out"], "route": "fallback"},
)
"#;
    let got = scan("app.py", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (5, "base-url", "https://openrouter.ai/api/v1"),
            // The docs link in the trailing comment: informational.
            (5, "base-url", "https://openrouter.ai/docs"),
            (6, "api-key-env", "OPENROUTER_API_KEY"),
            (8, "attribution-header", "HTTP-Referer"),
            (9, "attribution-header", "X-Title"),
            (13, "model-slug", "anthropic/claude-3.5-sonnet"),
            (15, "openrouter-field", "transforms"),
            (15, "openrouter-field", "route"),
        ]
    );
}

#[test]
fn referer_to_another_api_is_not_a_finding() {
    let text = r#"import requests
OR = "https://openrouter.ai/api/v1/chat/completions"
def call_openrouter(body):
    return requests.post(OR, json=body)

def call_partner():
    return requests.post(
        "https://partner.example.com/v2/events",
        headers={"HTTP-Referer": "https://example.com", "X-Title": "Demo"},
    )
"#;
    let got = scan("svc.py", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![(
            2,
            "base-url",
            "https://openrouter.ai/api/v1/chat/completions"
        )]
    );
}

#[test]
fn no_openrouter_marker_means_no_slugs_headers_or_fields() {
    let text = r#"from openai import OpenAI
client = OpenAI()
client.chat.completions.create(model="openai/gpt-4o", messages=[], extra_body={"provider": {"order": ["x"]}})
headers = {"HTTP-Referer": "https://example.com"}
"#;
    assert!(scan("plain.py", text, "llmgateway").is_empty());
}

#[test]
fn huggingface_ids_and_paths_are_not_slugs() {
    let text = r#"BASE = "https://openrouter.ai/api/v1"
tok = AutoTokenizer.from_pretrained("meta-llama/llama-3.1-8b-instruct")
pipe = pipeline("text-generation", model="google/gemma-2-9b-it")
path = "src/models"
img = {"image": "google/cloud-sdk"}
"#;
    let got = scan("hf.py", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![(1, "base-url", "https://openrouter.ai/api/v1")]
    );
}

#[test]
fn typescript_vercel_provider_and_fetch() {
    let text = r#"import { createOpenRouter } from "@openrouter/ai-sdk-provider";
const openrouter = createOpenRouter({ apiKey: process.env.OPENROUTER_API_KEY });
const model = openrouter("anthropic/claude-sonnet-4.6");
await fetch(`https://openrouter.ai/api/v1/chat/completions`, {
  headers: { "X-OpenRouter-Title": "App", Authorization: `Bearer ${process.env.NEXT_PUBLIC_OPENROUTER_API_KEY}` },
  body: JSON.stringify({ model: "openai/gpt-4o:floor", provider: { sort: "price" } }),
});
"#;
    let got = scan("app.ts", text, "llmgateway");
    let k = kinds(&got);
    assert!(
        k.contains(&(1, "sdk-package", "@openrouter/ai-sdk-provider")),
        "{k:?}"
    );
    assert!(k.contains(&(2, "api-key-env", "OPENROUTER_API_KEY")));
    assert!(k.contains(&(3, "model-slug", "anthropic/claude-sonnet-4.6")));
    assert!(k.contains(&(
        4,
        "base-url",
        "https://openrouter.ai/api/v1/chat/completions"
    )));
    assert!(k.contains(&(5, "attribution-header", "X-OpenRouter-Title")));
    assert!(k.contains(&(5, "api-key-env", "NEXT_PUBLIC_OPENROUTER_API_KEY")));
    assert!(k.contains(&(6, "model-slug", "openai/gpt-4o:floor")));
    assert!(k.contains(&(6, "openrouter-field", "provider")));
    // The SDK swap is automatic on LLM Gateway, which ships a provider.
    let sdk = got.iter().find(|f| f.1 == "sdk-package").unwrap();
    assert_eq!(sdk.3, "auto");
    // NEXT_PUBLIC_ survives the rename.
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let f = scan_source(
        &rules,
        t,
        "app.ts",
        &SourceText::decode(text.as_bytes().to_vec()),
        false,
    );
    let np = f
        .iter()
        .find(|f| f.matched == "NEXT_PUBLIC_OPENROUTER_API_KEY")
        .unwrap();
    assert_eq!(
        np.replacement.as_deref(),
        Some("NEXT_PUBLIC_LLM_GATEWAY_API_KEY")
    );
}

#[test]
fn bundler_plugins_are_not_fields() {
    let text = r#"import react from "@vitejs/plugin-react";
// talks to https://openrouter.ai/api/v1 at runtime
export default { plugins: [react()], models: ["a"], provider: { name: "x" } };
const OPENROUTER_BASE_URL = "https://openrouter.ai/api/v1";
"#;
    let got = scan("vite.config.ts", text, "llmgateway");
    // A constant named like the variable holds the base URL: renamed too.
    assert_eq!(
        kinds(&got),
        vec![
            // A comment naming the API URL: docs stay true.
            (2, "base-url", "https://openrouter.ai/api/v1"),
            (4, "api-key-env", "OPENROUTER_BASE_URL"),
            (4, "base-url", "https://openrouter.ai/api/v1")
        ]
    );
}

#[test]
fn rust_reqwest_chain_and_raw_strings() {
    let text = r##"use std::env;
fn main() {
    let key = env::var("OPENROUTER_API_KEY").unwrap();
    let body = r#"{"model": "deepseek/deepseek-chat", "messages": []}"#;
    let _ = reqwest::Client::new()
        .post("https://openrouter.ai/api/v1/chat/completions")
        .header("HTTP-Referer", "https://example.com")
        .header("X-Title", "demo")
        .body(body);
}
"##;
    let got = scan("main.rs", text, "ominigate");
    assert_eq!(
        kinds(&got),
        vec![
            (3, "api-key-env", "OPENROUTER_API_KEY"),
            (4, "model-slug", "deepseek/deepseek-chat"),
            (
                6,
                "base-url",
                "https://openrouter.ai/api/v1/chat/completions"
            ),
            (7, "attribution-header", "HTTP-Referer"),
            (8, "attribution-header", "X-Title"),
        ]
    );
}

#[test]
fn rust_that_does_not_parse_falls_back_to_the_lexer() {
    let text = "fn main( { let u = \"https://openrouter.ai/api/v1\"; \n";
    let got = scan("broken.rs", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![(1, "base-url", "https://openrouter.ai/api/v1")]
    );
}

#[test]
fn shell_curl_with_continuations() {
    let text = r#"#!/usr/bin/env bash
# OpenRouter smoke test: https://openrouter.ai/docs
curl -sS https://openrouter.ai/api/v1/chat/completions \
  -H "Authorization: Bearer $OPENROUTER_API_KEY" \
  -H "HTTP-Referer: https://example.com" \
  -d '{"model": "openai/gpt-4o-mini", "messages": [], "route": "fallback"}'
"#;
    let got = scan("smoke.sh", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            // The docs link in the comment is informational.
            (2, "base-url", "https://openrouter.ai/docs"),
            (
                3,
                "base-url",
                "https://openrouter.ai/api/v1/chat/completions"
            ),
            (4, "api-key-env", "OPENROUTER_API_KEY"),
            (5, "attribution-header", "HTTP-Referer"),
            (6, "model-slug", "openai/gpt-4o-mini"),
            (6, "openrouter-field", "route"),
        ]
    );
}

#[test]
fn powershell_hashtable_and_env() {
    let text = "$headers = @{\n  'Authorization' = \"Bearer $env:OPENROUTER_API_KEY\"\n  'X-Title' = 'Smoke'\n}\nInvoke-RestMethod -Uri 'https://openrouter.ai/api/v1/models' -Headers $headers\n";
    let got = scan("smoke.ps1", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (2, "api-key-env", "OPENROUTER_API_KEY"),
            (3, "attribution-header", "X-Title"),
            (5, "base-url", "https://openrouter.ai/api/v1/models"),
        ]
    );
}

#[test]
fn env_compose_and_workflow() {
    let env = "# keys\nOPENROUTER_API_KEY=sk-or-v1-...\nOPENROUTER_BASE_URL=https://openrouter.ai/api/v1\nOPENROUTER_MODEL=anthropic/claude-3.7-sonnet\n";
    let got = scan(".env.example", env, "ominigate");
    assert_eq!(
        kinds(&got),
        vec![
            (2, "api-key-env", "OPENROUTER_API_KEY"),
            (3, "api-key-env", "OPENROUTER_BASE_URL"),
            (3, "base-url", "https://openrouter.ai/api/v1"),
            (4, "model-slug", "anthropic/claude-3.7-sonnet"),
        ]
    );
    let wf = "jobs:\n  t:\n    steps:\n      - uses: actions/checkout@v4\n      - run: pytest\n        env:\n          OPENROUTER_API_KEY: ${{ secrets.OPENROUTER_API_KEY }}\n";
    let got = scan(".github/workflows/ci.yml", wf, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (7, "api-key-env", "OPENROUTER_API_KEY"),
            (7, "api-key-env", "OPENROUTER_API_KEY")
        ]
    );
    let compose = "services:\n  app:\n    image: google/cloud-sdk:latest\n    environment:\n      - OPENROUTER_API_KEY=${OPENROUTER_API_KEY}\n";
    let got = scan("docker-compose.yml", compose, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (5, "api-key-env", "OPENROUTER_API_KEY"),
            (5, "api-key-env", "OPENROUTER_API_KEY")
        ]
    );
}

#[test]
fn yaml_request_template_fields() {
    let text = "llm:\n  base_url: https://openrouter.ai/api/v1\n  request:\n    model: mistralai/mistral-large\n    models:\n      - qwen/qwen3-max\n    provider:\n      order: [together]\nbuild:\n  plugins:\n    - name: x\n";
    let got = scan("config.yaml", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (2, "base-url", "https://openrouter.ai/api/v1"),
            (4, "model-slug", "mistralai/mistral-large"),
            (5, "openrouter-field", "models"),
            (6, "model-slug", "qwen/qwen3-max"),
            (7, "openrouter-field", "provider"),
        ]
    );
}

#[test]
fn manifests_and_lockfiles() {
    let pkg = r#"{"dependencies": {"@openrouter/ai-sdk-provider": "^1.2.0", "ai": "^5"}, "scripts": {"x": "@openrouter/ai-sdk-provider"}}"#;
    let got = scan("package.json", pkg, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![(1, "sdk-package", "@openrouter/ai-sdk-provider")]
    );
    let lock = r#"{"packages": {"node_modules/@openrouter/ai-sdk-provider": {"resolved": "https://openrouter.ai/api/v1"}}}"#;
    assert!(scan("package-lock.json", lock, "llmgateway").is_empty());
    let req = "requests==2.32\nOpenRouter>=0.1  # sdk\nlangchain_openrouter\n";
    let got = scan("requirements.txt", req, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (2, "sdk-package", "OpenRouter"),
            (3, "sdk-package", "langchain_openrouter")
        ]
    );
    let cargo = "[package]\nname = \"x\"\n[dependencies]\nopenrouter-rs = \"0.4\"\nserde = \"1\"\n";
    let got = scan("Cargo.toml", cargo, "llmgateway");
    assert_eq!(kinds(&got), vec![(4, "sdk-package", "openrouter-rs")]);
    let pyproject = "[project]\ndependencies = [\n  \"openrouter>=0.1\",\n  \"httpx\",\n]\n";
    let got = scan("pyproject.toml", pyproject, "llmgateway");
    assert_eq!(kinds(&got), vec![(3, "sdk-package", "openrouter")]);
}

#[test]
fn markdown_prose_is_not_code_but_fences_are() {
    let text = "# Setup\nWe use [OpenRouter](https://openrouter.ai/docs/quickstart) via `OPENROUTER_API_KEY`.\n\n```python\nclient = OpenAI(base_url=\"https://openrouter.ai/api/v1\")\n```\n";
    let got = scan("README.md", text, "llmgateway");
    // Prose yields the key variable and the link (informational); the
    // fence is code.
    assert_eq!(
        kinds(&got),
        vec![
            (2, "base-url", "https://openrouter.ai/docs/quickstart"),
            (2, "api-key-env", "OPENROUTER_API_KEY"),
            (5, "base-url", "https://openrouter.ai/api/v1")
        ]
    );
    assert_eq!(got[0].3, "none");
}

/// A fence whose tag names no language the tool reads (`http`, an odd
/// ```` ```{ ```` tag) still gets the text pass: its OpenRouter URL is found.
#[test]
fn fences_of_unknown_languages_get_the_text_pass() {
    let text = "# API\n\n```http\nPOST https://openrouter.ai/api/v1/chat/completions\n```\n\n```{r}\nbase <- \"https://openrouter.ai/api/v1\"\n```\n\n```mermaid\ngraph LR; a-->b\n```\n";
    let got = scan("docs/api.md", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (
                4,
                "base-url",
                "https://openrouter.ai/api/v1/chat/completions"
            ),
            (8, "base-url", "https://openrouter.ai/api/v1"),
        ]
    );
}

#[test]
fn notebook_positions_map_to_the_ipynb_line() {
    let text = r##"{
 "cells": [
  {
   "cell_type": "markdown",
   "metadata": {},
   "source": ["See [docs](https://openrouter.ai/docs)\n"]
  },
  {
   "cell_type": "code",
   "metadata": {},
   "source": [
    "import os\n",
    "client = OpenAI(base_url=\"https://openrouter.ai/api/v1\",\n",
    "                api_key=os.environ[\"OPENROUTER_API_KEY\"])\n"
   ]
  }
 ],
 "metadata": {"language_info": {"name": "python"}},
 "nbformat": 4,
 "nbformat_minor": 5
}
"##;
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let src = SourceText::decode(text.as_bytes().to_vec());
    let got = scan_source(&rules, t, "nb.ipynb", &src, false);
    let k: Vec<(usize, Kind, &str)> = got
        .iter()
        .map(|f| (f.line, f.kind, f.matched.as_str()))
        .collect();
    assert_eq!(
        k,
        vec![
            // The markdown cell's docs link, informational.
            (6, Kind::BaseUrl, "https://openrouter.ai/docs"),
            (13, Kind::BaseUrl, "https://openrouter.ai/api/v1"),
            (14, Kind::ApiKeyEnv, "OPENROUTER_API_KEY")
        ]
    );
    assert_eq!(got[0].fix, Fix::None);
    let got = &got[1..];
    // The edit lands on the exact bytes in the .ipynb file.
    let e = got[0].edit.as_ref().unwrap();
    assert_eq!(&text[e.range.clone()], "https://openrouter.ai/api/v1");
}

#[test]
fn secrets_are_redacted_everywhere_even_in_comments() {
    let key = format!("sk-or-v1-{}", "9f".repeat(32));
    let text = format!("# old key: {key}\nKEY = '{key}'\n");
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let got = scan_source(
        &rules,
        t,
        "k.py",
        &SourceText::decode(text.into_bytes()),
        false,
    );
    assert_eq!(got.len(), 2);
    for f in &got {
        assert_eq!(f.kind, Kind::Secret);
        assert_eq!(f.matched, "sk-or-v1-...9f9f");
        assert!(f.edit.is_none());
        let json = serde_json::to_string(f).unwrap();
        assert!(!json.contains(&key[9..40]));
    }
}

#[test]
fn endpoints_without_equivalent_are_manual() {
    let text = "import requests\nrequests.get('https://openrouter.ai/api/v1/auth/key')\nrequests.get('https://openrouter.ai/api/v1/generation?id=gen-1')\nrequests.get('https://openrouter.ai/api/v1/models')\n";
    let got = scan("acct.py", text, "ominigate");
    assert_eq!(
        got.iter().map(|f| (f.0, f.3.as_str())).collect::<Vec<_>>(),
        // `/models` maps, but its response differs: manual too.
        vec![(2, "manual"), (3, "manual"), (4, "manual")]
    );
}

#[test]
fn litellm_router_and_alias_forms() {
    let text = "import litellm\nlitellm.completion(model=\"openrouter/anthropic/claude-3.5-sonnet\", messages=[])\nm1 = \"openrouter/auto\"\nm2 = \"~anthropic/claude-sonnet-latest\"\n";
    let got = scan("l.py", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (2, "model-slug", "openrouter/anthropic/claude-3.5-sonnet"),
            (3, "model-slug", "openrouter/auto"),
            (4, "model-slug", "~anthropic/claude-sonnet-latest"),
        ]
    );
    assert!(got.iter().all(|f| f.3 == "manual"), "{got:?}");
}

/// A LiteLLM call whose `openrouter/` id stays (a manual item) keeps its
/// `api_base` and key with it, whichever of them is nearer the id: moving
/// the URL alone sent the OpenRouter key to the new gateway.
#[test]
fn a_kept_litellm_route_keeps_its_base_url_and_key() {
    let text = "import os\nimport litellm\n\nresp = litellm.completion(\n    model=\"openrouter/deepseek/deepseek-chat-v3.1:free\",\n    api_key=os.getenv(\"OPENROUTER_API_KEY\"),\n    api_base=\"https://openrouter.ai/api/v1\",\n    messages=[],\n)\nBASE = \"https://openrouter.ai/api/v1\"\n";
    let got = scan("lite.py", text, "llmgateway");
    assert_eq!(
        kinds(&got)[..3],
        [
            (
                5,
                "model-slug",
                "openrouter/deepseek/deepseek-chat-v3.1:free"
            ),
            (6, "api-key-env", "OPENROUTER_API_KEY"),
            (7, "base-url", "https://openrouter.ai/api/v1"),
        ]
    );
    assert!(got[..3].iter().all(|f| f.3 == "manual"), "{got:?}");
    // Outside the call, the route says nothing.
    assert!(
        got.iter()
            .any(|f| f.0 == 10 && f.1 == "base-url" && f.3 == "auto"),
        "{got:?}"
    );
}

#[test]
fn placeholders_common_field_names_and_prose_hosts_are_not_findings() {
    // A placeholder value is not a variable name.
    let env = "OPENROUTER_API_KEY=your_openrouter_api_key\n";
    assert_eq!(
        kinds(&scan(".env.template", env, "llmgateway")),
        vec![(1, "api-key-env", "OPENROUTER_API_KEY")]
    );
    // `session_id` next to `model` is this app's own API unless the request
    // also carries a distinctly OpenRouter field.
    let ts = "const u = 'https://openrouter.ai/api/v1';\nsync({ model: 'openai/gpt-4o', messages: [], session_id: id });\nfetch(u, { body: JSON.stringify({ model: m, provider: { order: ['x'] }, session_id: s }) });\n";
    let got = scan("sync.ts", ts, "llmgateway");
    let fields: Vec<_> = kinds(&got)
        .into_iter()
        .filter(|k| k.1 == "openrouter-field")
        .collect();
    assert_eq!(
        fields,
        vec![
            (3, "openrouter-field", "provider"),
            (3, "openrouter-field", "session_id")
        ]
    );
    // A bare host in HTML prose is a mention, not a dependency.
    let html = "<p>Get a key at OpenRouter.ai, then call https://openrouter.ai/api/v1/chat/completions</p>\n";
    assert_eq!(
        kinds(&scan("options.html", html, "llmgateway")),
        vec![(
            1,
            "base-url",
            "https://openrouter.ai/api/v1/chat/completions"
        )]
    );
}

#[test]
fn workflow_run_blocks_are_read_as_shell() {
    let wf = "jobs:\n  smoke:\n    steps:\n      - run: |\n          curl https://openrouter.ai/api/v1/models \\\n            -H \"X-Title: ci\"\n      - run: curl -H \"HTTP-Referer: https://x.example\" https://status.example.com\n";
    let got = scan(".github/workflows/smoke.yml", wf, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (5, "base-url", "https://openrouter.ai/api/v1/models"),
            (6, "attribution-header", "X-Title")
        ]
    );
}

/// Ids of known authors that no table lists are found where they are
/// offered: a shell variable, a menu line, an id with a variant suffix in
/// a longer string. Prose without a suffix, and ids of unknown authors, are not.
#[test]
fn offered_ids_of_known_authors_in_shell_menus_and_strings() {
    let text = r#"#!/bin/bash
export OPENROUTER_API_KEY="$1"
MODEL="google/gemini-flash-1.5:free"
FALLBACK=xiaomi/mimo-v2-flash
echo "Pick a model:"
echo "  - allenai/molmo-2-8b:free"
echo "  2. qwen/qwen-2-7b-instruct"
echo "We also like google/gemini-flash-1.5 for summaries"
echo "  - acme-labs/widget-7b:free"
LABEL="see google/gemini-flash-1.5"
"#;
    let got = scan("menu.sh", text, "llmgateway");
    let slugs: Vec<(usize, &str)> = kinds(&got)
        .into_iter()
        .filter(|(_, k, _)| *k == "model-slug")
        .map(|(l, _, m)| (l, m))
        .collect();
    assert_eq!(
        slugs,
        vec![
            (3, "google/gemini-flash-1.5:free"),
            (4, "xiaomi/mimo-v2-flash"),
            (6, "allenai/molmo-2-8b:free"),
            (7, "qwen/qwen-2-7b-instruct"),
        ]
    );
    // None of them is in a table: each is a person's call.
    assert!(got
        .iter()
        .filter(|f| f.1 == "model-slug")
        .all(|f| f.3 == "manual"));
}

/// Docs that stay true: key variables and API URLs in comments and Markdown
/// prose are findings rewritten in place; links to OpenRouter's website are
/// informational; the word "OpenRouter" and historical documents are not.
#[test]
fn prose_names_and_urls_in_comments_and_markdown() {
    let md = "# Setup\n\nSet `OPENROUTER_API_KEY`; the client talks to https://openrouter.ai/api/v1 by default.\nGet a key at [OpenRouter](https://openrouter.ai/keys). We like OpenRouter.\nMY_OPENROUTER_NOTES is not a variable we read.\n\n```bash\nexport OPENROUTER_API_KEY=x\n```\n";
    let got = scan("README.md", md, "llmgateway");
    let rows: Vec<(usize, &str, &str, &str)> = got
        .iter()
        .map(|(l, k, m, f)| (*l, k.as_str(), m.as_str(), f.as_str()))
        .collect();
    assert_eq!(
        rows,
        vec![
            (3, "api-key-env", "OPENROUTER_API_KEY", "auto"),
            (3, "base-url", "https://openrouter.ai/api/v1", "auto"),
            (4, "base-url", "https://openrouter.ai/keys", "none"),
            (8, "api-key-env", "OPENROUTER_API_KEY", "auto"),
        ]
    );
    let py = "# Reads OPENROUTER_API_KEY (https://openrouter.ai/docs).\nBASE = \"https://openrouter.ai/api/v1\"\n";
    let got = scan("app.py", py, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (1, "api-key-env", "OPENROUTER_API_KEY"),
            (1, "base-url", "https://openrouter.ai/docs"),
            (2, "base-url", "https://openrouter.ai/api/v1"),
        ]
    );
    // A file that only talks about OpenRouter in comments does not talk to it.
    let only_docs =
        "# We used OPENROUTER_API_KEY before 2.0 (https://openrouter.ai/api/v1).\nimport os\n";
    assert!(scan("app.py", only_docs, "llmgateway").is_empty());
    // A changelog records what was true.
    assert!(scan("CHANGELOG.md", md, "llmgateway")
        .iter()
        .all(|f| f.0 == 8));
}

/// A code block is read with its own language's roles: a curl in a bash
/// fence to an endpoint that stays on OpenRouter keeps its key, as it does
/// in a .sh file (the new gateway's key must never go to openrouter.ai).
#[test]
fn a_fenced_request_that_stays_on_openrouter_keeps_its_key() {
    let body = "curl -s https://openrouter.ai/api/v1/credits -H \"Authorization: Bearer $OPENROUTER_API_KEY\"\n";
    let md = format!("# Credits\n\n```bash\n{body}```\n");
    for (path, text, line) in [("c.sh", body.to_owned(), 1), ("README.md", md, 4)] {
        let got = scan(path, &text, "llmgateway");
        let key = got
            .iter()
            .find(|f| f.1 == "api-key-env")
            .unwrap_or_else(|| panic!("{path}: {got:?}"));
        assert_eq!((key.0, key.3.as_str()), (line, "manual"), "{path}");
    }
}

/// A framework's OpenRouter integration (pydantic-ai) is only visible by
/// its imports; the key and model id passed through it stay with it until
/// a person replaces it, since they still go to OpenRouter. The app's own
/// URL given as attribution (`app_url=`) is not where requests go.
#[test]
fn ids_and_keys_through_a_kept_integration_stay_with_it() {
    let text = r#"import os
from pydantic_ai.models.openrouter import OpenRouterModel
from pydantic_ai.providers.openrouter import OpenRouterProvider

provider = OpenRouterProvider(api_key=os.environ["OPENROUTER_API_KEY"], app_url="https://x.example")
model = OpenRouterModel("anthropic/claude-sonnet-4.5", provider=provider)
"#;
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let src = SourceText::decode(text.as_bytes().to_vec());
    let got = scan_source(&rules, t, "agent.py", &src, false);
    let kinds: Vec<(usize, Kind, Fix)> = got.iter().map(|f| (f.line, f.kind, f.fix)).collect();
    assert_eq!(
        kinds,
        vec![
            (2, Kind::SdkPackage, Fix::Manual),
            (3, Kind::SdkPackage, Fix::Manual),
            (5, Kind::ApiKeyEnv, Fix::Manual),
            (6, Kind::ModelSlug, Fix::Manual),
        ]
    );
    assert!(got[0]
        .message
        .contains("OpenAIProvider(base_url=\"https://api.llmgateway.io/v1\""));
    assert!(
        got[3]
            .message
            .contains("on LLM Gateway it is claude-sonnet-4-5"),
        "{}",
        got[3].message
    );
    // The same id sent through a client pointed at the target is mapped.
    let moved = "from openai import OpenAI\nc = OpenAI(base_url=\"https://openrouter.ai/api/v1\")\nc.chat.completions.create(model=\"anthropic/claude-sonnet-4.5\", messages=[])\n";
    let got = scan("app.py", moved, "llmgateway");
    assert!(
        got.iter().any(|f| f.1 == "model-slug" && f.3 == "auto"),
        "{got:?}"
    );
}

/// An id in an object that sends to another host (a Hugging Face endpoint
/// next to the OpenRouter one in librechat.yaml) is that host's id.
#[test]
fn ids_beside_another_hosts_base_url_are_that_hosts() {
    let text = r#"endpoints:
  custom:
    - name: "OpenRouter"
      apiKey: "${OPENROUTER_KEY}"
      baseURL: "https://openrouter.ai/api/v1"
      models:
        default: ["meta-llama/llama-3-70b-instruct"]
    - name: "HuggingFace"
      apiKey: "${HF_TOKEN}"
      baseURL: "https://api-inference.huggingface.co/v1"
      models:
        default: ["google/gemma-2-9b-it"]
"#;
    let got = scan("librechat.yaml", text, "llmgateway");
    let slugs: Vec<(usize, &str)> = kinds(&got)
        .into_iter()
        .filter(|(_, k, _)| *k == "model-slug")
        .map(|(l, _, m)| (l, m))
        .collect();
    assert_eq!(slugs, vec![(7, "meta-llama/llama-3-70b-instruct")]);
}

/// HTTP header names are case-insensitive: `x-title`, `HTTP-REFERER` and
/// `X-Title` are the same header, in any language (Go map keys too).
#[test]
fn header_names_match_in_any_case() {
    let text = r#"package main

import "net/http"

const base = "https://openrouter.ai/api/v1/chat/completions"

func headers(req *http.Request) {
	extra := map[string]string{"http-referer": "https://app.example", "X-TITLE": "App"}
	for k, v := range extra {
		req.Header.Set(k, v)
	}
	req.Header.Set("x-title", "App")
}
"#;
    let got = scan("main.go", text, "llmgateway");
    let headers: Vec<(usize, &str, &str)> = kinds(&got)
        .into_iter()
        .filter(|(_, k, _)| *k == "attribution-header")
        .collect();
    assert_eq!(
        headers,
        vec![
            (8, "attribution-header", "http-referer"),
            (8, "attribution-header", "X-TITLE"),
            (12, "attribution-header", "x-title"),
        ]
    );
}

/// Swift names the header after its value: `setValue(value,
/// forHTTPHeaderField: name)`. The app URL sent as HTTP-Referer is the
/// header's value, not where the request goes, so the X-Title on the next
/// line still belongs to the OpenRouter request.
#[test]
fn swift_header_name_after_its_value() {
    let text = r#"import Foundation

func send(_ key: String) {
    var request = URLRequest(url: URL(string: "https://openrouter.ai/api/v1/chat/completions")!)
    request.setValue("Bearer \(key)", forHTTPHeaderField: "Authorization")
    request.setValue("https://app.example", forHTTPHeaderField: "HTTP-Referer")
    request.setValue("App", forHTTPHeaderField: "X-Title")
}
"#;
    let got = scan("Client.swift", text, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (
                4,
                "base-url",
                "https://openrouter.ai/api/v1/chat/completions"
            ),
            (6, "attribution-header", "HTTP-Referer"),
            (7, "attribution-header", "X-Title"),
        ]
    );
}

#[test]
fn config_key_paths_naming_openrouter_are_manual_key_findings() {
    // Spring placeholders and .NET configuration paths name the setting
    // deployments provide; other providers' paths and other OpenRouter
    // settings (a model) are not key findings.
    let java = r#"class C {
  @Value("${openrouter.api-key}") String key;
  @Value("${openrouter.base-url:https://example.com}") String base;
  @Value("${openrouter.model}") String model;
  @Value("${spring.ai.openai.api-key}") String openai;
  @Value("${myopenrouter.api-key}") String other;
  String u = "https://openrouter.ai/api/v1";
}
"#;
    let got = scan("src/C.java", java, "llmgateway");
    let keys: Vec<_> = got
        .iter()
        .filter(|f| f.1 == "api-key-env")
        .map(|f| (f.0, f.2.as_str(), f.3.as_str()))
        .collect();
    assert_eq!(
        keys,
        vec![
            (2, "openrouter.api-key", "manual"),
            (3, "openrouter.base-url", "manual")
        ]
    );
    let cs = r#"var key = config["OpenRouter:ApiKey"];
var env = Environment.GetEnvironmentVariable("OpenRouter__ApiKey");
var oa = config["OpenAI:ApiKey"];
var name = config["OpenRouter:ApiKey:Name"];
"#;
    let got = scan("a.py", cs, "llmgateway");
    assert_eq!(
        kinds(&got),
        vec![
            (1, "api-key-env", "OpenRouter:ApiKey"),
            (2, "api-key-env", "OpenRouter__ApiKey"),
        ]
    );
    let yaml = "openrouter:\n  api-key: ${OPENROUTER_API_KEY}\n  model: openai/gpt-4o\nopenai:\n  api-key: sk\n";
    let got = scan("application.yml", yaml, "llmgateway");
    let keys: Vec<_> = got.iter().filter(|f| f.1 == "api-key-env").collect();
    assert_eq!(keys.len(), 2, "{got:?}");
    assert_eq!((keys[0].0, keys[0].2.as_str()), (2, "api-key"));
    assert!(keys[0].3 == "manual" && keys[1].3 == "auto");
    let json = r#"{"OpenRouter": {"ApiKey": "", "Model": "x"}, "OpenAI": {"ApiKey": ""}}"#;
    let got = scan("appsettings.json", json, "llmgateway");
    assert_eq!(kinds(&got), vec![(1, "api-key-env", "ApiKey")]);
}

/// A lower-case key name as a string in code is a storage or settings key,
/// not an environment variable: manual. Read through an env API it is the
/// variable's name and is renamed.
#[test]
fn storage_keys_in_code_are_manual_env_reads_are_not() {
    let js = r#"const key = localStorage.getItem('openrouter_api_key') || '';
sessionStorage.setItem("openrouter_api_key", key);
const fromEnv = process.env["openrouter_api_key"];
fetch("https://openrouter.ai/api/v1/chat/completions", { headers: { Authorization: `Bearer ${key}` } });
"#;
    let got = scan("src/ctx.js", js, "llmgateway");
    let fixes: Vec<(usize, &str)> = got
        .iter()
        .filter(|(_, k, m, _)| k == "api-key-env" && m == "openrouter_api_key")
        .map(|(l, _, _, f)| (*l, f.as_str()))
        .collect();
    assert_eq!(fixes, vec![(1, "manual"), (2, "manual"), (3, "auto")]);
    let py = "import os\nkey = os.getenv(\"openrouter_api_key\")\ncache = {\"openrouter_api_key\": key}\n";
    let got = scan("app.py", py, "llmgateway");
    let fixes: Vec<(usize, &str)> = got
        .iter()
        .filter(|(_, k, _, _)| k == "api-key-env")
        .map(|(l, _, _, f)| (*l, f.as_str()))
        .collect();
    assert_eq!(fixes, vec![(2, "auto"), (3, "manual")]);
}

/// A variable name inside a JS regex literal (`/OPENROUTER_API_KEY=.+/`
/// editing a .env file) is renamed with the string beside it; a division
/// by an identifier is not a regex.
#[test]
fn names_in_js_regex_literals_are_text() {
    let js = "const out = text.replace(\n  /OPENROUTER_API_KEY=.+/,\n  `OPENROUTER_API_KEY=${key}`\n);\nconst has = /^OPENROUTER_API_KEY=/m.test(text);\nconst r = total / OPENROUTER_API_KEY / 2;\n";
    let got = scan("bin/rotate.js", js, "llmgateway");
    let fixes: Vec<(usize, &str)> = got
        .iter()
        .filter(|(_, k, _, _)| k == "api-key-env")
        .map(|(l, _, _, f)| (*l, f.as_str()))
        .collect();
    assert_eq!(
        fixes,
        vec![(2, "auto"), (3, "auto"), (5, "auto"), (6, "none")]
    );
}

/// Issue 15: a bare host outside a URL is a manual base-url finding where
/// a line names it as a destination (a Host header, a proxy directive, a
/// whole config value), never inside a sentence or as part of another host.
#[test]
fn bare_hosts_outside_urls() {
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let run = |path: &str, text: &str| {
        let src = SourceText::decode(text.as_bytes().to_vec());
        scan_source(&rules, t, path, &src, false)
            .into_iter()
            .filter(|f| f.kind == Kind::BaseUrl)
            .map(|f| (f.line, f.matched, f.fix, f.replacement, f.rule))
            .collect::<Vec<_>>()
    };
    let bare = |line: usize, m: &str| {
        (
            line,
            m.to_owned(),
            Fix::Manual,
            Some("api.llmgateway.io".to_owned()),
            "openrouter:base-url:bare-host".to_owned(),
        )
    };
    let http = "POST http://egress:8080/api/v1/chat/completions\nHost: openrouter.ai\n\nGET https://x.example/\nHost: openrouter.ai.example.com\nHost: notopenrouter.ai\n";
    assert_eq!(run("req.http", http), vec![bare(2, "openrouter.ai")]);
    let sh = "curl -H \"Host: openrouter.ai\" http://10.0.0.1/api/v1/models\necho \"we use openrouter.ai daily\"\n";
    assert_eq!(run("a.sh", sh), vec![bare(1, "openrouter.ai")]);
    let nginx = "upstream u {\n  server openrouter.ai:443;\n}\nproxy_set_header Host openrouter.ai;\n# proxy_pass openrouter.ai;\nserver openrouter.ai-eu.example;\n";
    assert_eq!(
        run("proxy.conf", nginx),
        vec![bare(2, "openrouter.ai"), bare(4, "openrouter.ai")]
    );
    let py = "HOST = \"openrouter.ai\"\nA = \"https://openrouter.ai.example.com/api/v1\"\nB = \"see openrouter.ai for keys\"\nheaders = [\"Host: openrouter.ai\"]\n";
    assert_eq!(
        run("a.py", py),
        vec![bare(1, "openrouter.ai"), bare(4, "openrouter.ai")]
    );
    // A proxy upstream takes a scheme and host, never the API path.
    let caddy = run(
        "Caddyfile",
        "x.localhost {\n\treverse_proxy https://openrouter.ai {\n\t}\n}\n",
    );
    assert_eq!(caddy[0].3.as_deref(), Some("https://api.llmgateway.io"));
    assert_eq!(caddy[0].4, "openrouter:base-url:bare-host");
    // A port is kept in the suggested host.
    let port = run("a.py", "H = \"openrouter.ai:443\"\n");
    assert_eq!(port[0].3.as_deref(), Some("api.llmgateway.io:443"));
}

/// Issue 15: Info.plist keys that name the key are manual api-key-env
/// findings, as are the strings Swift reads them with; allowed domains
/// are bare hosts; `<string>` secrets are found, redacted.
#[test]
fn property_list_keys_and_domains() {
    let plist = r#"<?xml version="1.0" encoding="UTF-8"?>
<plist version="1.0">
<dict>
	<key>OpenRouterAPIKey</key>
	<string>$(OPENROUTER_API_KEY)</string>
	<key>OPENROUTER_API_KEY</key>
	<string>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</string>
	<key>NSExceptionDomains</key>
	<dict>
		<key>openrouter.ai</key>
		<dict/>
		<key>notopenrouter.ai</key>
		<dict/>
	</dict>
</dict>
</plist>
"#;
    let got = scan("App/Info.plist", plist, "llmgateway");
    let manual = |l: usize, k: &str, m: &str| (l, k.to_owned(), m.to_owned(), "manual".to_owned());
    assert_eq!(
        got,
        vec![
            manual(4, "api-key-env", "OpenRouterAPIKey"),
            (
                5,
                "api-key-env".into(),
                "OPENROUTER_API_KEY".into(),
                "auto".into()
            ),
            manual(6, "api-key-env", "OPENROUTER_API_KEY"),
            manual(7, "secret", "sk-or-v1-...3a2b"),
            manual(10, "base-url", "openrouter.ai"),
        ]
    );
    let swift = r#"let a = Bundle.main.object(forInfoDictionaryKey: "OpenRouterAPIKey") as? String
let b = Bundle.main.infoDictionary?["OPENROUTER_API_KEY"] as? String
let c = ProcessInfo.processInfo.environment["OPENROUTER_API_KEY"]
"#;
    let got = scan("Config.swift", swift, "llmgateway");
    assert_eq!(
        got,
        vec![
            manual(1, "api-key-env", "OpenRouterAPIKey"),
            manual(2, "api-key-env", "OPENROUTER_API_KEY"),
            (
                3,
                "api-key-env".into(),
                "OPENROUTER_API_KEY".into(),
                "auto".into()
            ),
        ]
    );
}

/// Issue 15: `https://openrouter.ai/api` is the Anthropic-compatible base
/// only for Anthropic clients; for OpenAI-style clients (and where the file
/// names no client) it is the API root, which becomes the target's root
/// (its base without `/v1`), so a client that appends `/v1/...` lands on
/// the target's base.
#[test]
fn api_root_or_anthropic_base_by_client() {
    let rules = Rules::embedded().unwrap();
    let run = |t: &llmgw_migrate::rules::Loaded<llmgw_migrate::rules::TargetTable>,
               path: &str,
               text: &str| {
        let src = SourceText::decode(text.as_bytes().to_vec());
        scan_source(&rules, t, path, &src, false)
            .into_iter()
            .filter(|f| f.kind == Kind::BaseUrl)
            .map(|f| (f.line, f.rule, f.replacement, f.fix))
            .collect::<Vec<_>>()
    };
    let lg = rules.target("llmgateway").unwrap();
    let root = |l: usize| {
        (
            l,
            "openrouter:base-url:root".to_owned(),
            Some("https://api.llmgateway.io".to_owned()),
            Fix::Auto,
        )
    };
    let anthropic = |l: usize| {
        (
            l,
            "openrouter:base-url:anthropic".to_owned(),
            Some("https://api.llmgateway.io".to_owned()),
            Fix::Auto,
        )
    };
    let py = r#"from anthropic import Anthropic
from langchain_openai import ChatOpenAI
from openai import OpenAI
a = Anthropic(base_url="https://openrouter.ai/api", api_key=key)
b = ChatOpenAI(model="anthropic/claude-3.5-sonnet", base_url="https://openrouter.ai/api")
c = OpenAI(base_url="https://openrouter.ai/api")
URLS = {"anthropic": "https://openrouter.ai/api", "openai": "https://openrouter.ai/api/v1"}
"#;
    let got = run(lg, "app.py", py);
    assert_eq!(got[..3], [anthropic(4), root(5), root(6)]);
    assert_eq!(got[3], anthropic(7));
    assert_eq!(got[4].1, "openrouter:base-url:base");
    let env =
        "ANTHROPIC_BASE_URL=https://openrouter.ai/api\nOPENAI_BASE_URL=https://openrouter.ai/api\n";
    assert_eq!(run(lg, ".env", env), [anthropic(1), root(2)]);
    let yml = "spring:\n  ai:\n    openai:\n      base-url: https://openrouter.ai/api\n    anthropic:\n      base-url: https://openrouter.ai/api\n";
    assert_eq!(run(lg, "application.yml", yml), [root(4), anthropic(6)]);
    let java =
        "var c = AnthropicOkHttpClient.builder().baseUrl(\"https://openrouter.ai/api\").build();\n";
    assert_eq!(run(lg, "A.java", java), [anthropic(1)]);
    // A target whose OpenAI base has no `/v1` has no root a client could
    // extend: manual, with the settings to use instead.
    let mut odd = lg.clone();
    odd.table.base_url = "https://gw.example/openai".into();
    let got = run(&odd, "application.yml", yml);
    assert_eq!(
        (got[0].1.as_str(), got[0].3),
        ("openrouter:base-url:root", Fix::Manual)
    );
    let src = SourceText::decode(yml.as_bytes().to_vec());
    let f = &scan_source(&rules, &odd, "application.yml", &src, false)[0];
    assert!(
        f.message
            .contains("base-url https://gw.example and completions-path /openai/chat/completions"),
        "{}",
        f.message
    );
}

/// Issue 15: OpenRouter client packages in the manifests of the nine
/// languages are manual sdk-package findings; the same names elsewhere in
/// the file (another section, another group id, a longer name) are not.
#[test]
fn manifests_of_the_other_ecosystems() {
    let pkgs = |path: &str, text: &str| {
        scan(path, text, "llmgateway")
            .into_iter()
            .filter(|f| f.1 == "sdk-package")
            .map(|(l, _, m, fix)| (l, m, fix))
            .collect::<Vec<_>>()
    };
    let manual = |l: usize, m: &str| (l, m.to_owned(), "manual".to_owned());
    let composer = r#"{"require": {"moe-mizrak/laravel-openrouter": "^2.8"},
 "suggest": {"moe-mizrak/laravel-openrouter": "for chat"},
 "require-dev": {"Moe-Mizrak/Laravel-OpenRouter": "*"}}"#;
    assert_eq!(
        pkgs("composer.json", composer),
        [
            manual(1, "moe-mizrak/laravel-openrouter"),
            manual(3, "Moe-Mizrak/Laravel-OpenRouter")
        ]
    );
    let gemfile = "gem \"open_router\", \"~> 0.3\"\ngem \"open_router_enhanced\"\ngem(\"open_router\")\nputs \"open_router\"\n";
    assert_eq!(
        pkgs("Gemfile", gemfile),
        [manual(1, "open_router"), manual(3, "open_router")]
    );
    let gemspec = "Gem::Specification.new do |spec|\n  spec.add_dependency \"open_router\", \">= 0.3\"\nend\n";
    assert_eq!(pkgs("chef.gemspec", gemspec), [manual(2, "open_router")]);
    let csproj = r#"<Project><ItemGroup>
<PackageReference Include="openrouter.net" Version="0.5.0" />
<PackageReference Update="OpenRouter.NET" />
<None Include="OpenRouter.NET" />
<PackageReference Include="OpenRouter.NET.Extensions" />
</ItemGroup></Project>"#;
    assert_eq!(
        pkgs("App.csproj", csproj),
        [manual(2, "openrouter.net"), manual(3, "OpenRouter.NET")]
    );
    let pom = r#"<project><dependencies>
<dependency><groupId>de.entwicklertraining</groupId><artifactId>openrouter4j</artifactId></dependency>
<dependency><groupId>com.example</groupId><artifactId>openrouter4j</artifactId></dependency>
</dependencies><artifactId>openrouter4j</artifactId></project>"#;
    assert_eq!(pkgs("pom.xml", pom), [manual(2, "openrouter4j")]);
    let gradle = "dependencies {\n    implementation 'de.entwicklertraining:openrouter4j:1.15.0'\n    implementation 'com.example:openrouter4j:1.0'\n}\n";
    assert_eq!(
        pkgs("build.gradle", gradle),
        [manual(2, "de.entwicklertraining:openrouter4j")]
    );
    let mix = "defp deps do\n  [\n    {:openrouter, \"~> 0.0.1\"},\n    {:req, \"~> 0.5\", only: :openrouter}\n  ]\nend\n";
    assert_eq!(pkgs("mix.exs", mix), [manual(3, "openrouter")]);
    let pubspec = "dependencies:\n  openrouter_api: ^1.0.2\nflutter:\n  openrouter_client: true\n";
    assert_eq!(pkgs("pubspec.yaml", pubspec), [manual(2, "openrouter_api")]);
    let swift = "let p = Package(dependencies: [\n  .package(url: \"https://github.com/pgorzelany/SwiftOpenRouter\", from: \"1.0.0\"),\n  .package(url: \"https://github.com/someone/SwiftOpenRouterKit.git\", from: \"1.0.0\"),\n])\n";
    assert_eq!(
        pkgs("Package.swift", swift),
        [manual(2, "https://github.com/pgorzelany/SwiftOpenRouter")]
    );
    // The manual item names the language's OpenAI-compatible client with
    // the target's base URL.
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let src = SourceText::decode(gemfile.as_bytes().to_vec());
    let f = &scan_source(&rules, t, "Gemfile", &src, false)[0];
    assert!(
        f.message
            .contains("uri_base: \"https://api.llmgateway.io/v1\""),
        "{}",
        f.message
    );
}

/// Kotlin string templates are read as Dart's are (one string, holes
/// inside): a JSON body keeps its fields after a `${..}` hole, and a URL
/// ends where a hole opens.
#[test]
fn kotlin_templates_keep_json_bodies_whole() {
    let kt = r#"val url = "https://openrouter.ai/api/v1/${path}"
val body = """{"model": "${model}", "models": ["openai/gpt-4o"], "route": "fallback"}"""
"#;
    let got = scan("Chat.kt", kt, "llmgateway");
    assert_eq!(
        kinds(&got),
        [
            (1, "base-url", "https://openrouter.ai/api/v1/"),
            (2, "openrouter-field", "models"),
            (2, "model-slug", "openai/gpt-4o"),
            (2, "openrouter-field", "route"),
        ]
    );
    assert_eq!(got[0].3, "auto");
}

/// The edits of every automatic finding applied to `text`, back to front.
fn rewritten(path: &str, text: &str) -> String {
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let src = SourceText::decode(text.as_bytes().to_vec());
    let mut edits: Vec<_> = scan_source(&rules, t, path, &src, true)
        .into_iter()
        .filter_map(|f| f.edit)
        .collect();
    edits.sort_by_key(|e| std::cmp::Reverse(e.range.start));
    let mut out = text.to_owned();
    for e in edits {
        out.replace_range(e.range, &e.text);
    }
    out
}

#[test]
fn continue_provider_openrouter_becomes_openai_with_the_targets_base() {
    let yaml = "models:\n  - name: Codestral\n    provider: openrouter\n    model: mistralai/codestral-2508\n  - provider: openrouter\n    apiBase: https://openrouter.ai/api/v1\n    model: x-ai/grok-3\n  - provider: ollama\n    model: qwen2.5-coder:7b\n";
    let out = rewritten(".continue/config.yaml", yaml);
    assert_eq!(
        out,
        "models:\n  - name: Codestral\n    provider: openai\n    apiBase: https://api.llmgateway.io/v1\n    model: codestral-2508\n  - provider: openai\n    apiBase: https://api.llmgateway.io/v1\n    model: grok-3\n  - provider: ollama\n    model: qwen2.5-coder:7b\n"
    );
    let json = "{\"models\": [{\"title\": \"A\", \"provider\": \"openrouter\", \"model\": \"x-ai/grok-3\"}]}";
    let out = rewritten("home/.continue/config.json", json);
    assert!(
        out.contains("\"provider\": \"openai\", \"apiBase\": \"https://api.llmgateway.io/v1\","),
        "{out}"
    );
    // The same key outside Continue's files is not Continue's selector.
    let found = scan("config.yaml", yaml, "llmgateway");
    assert!(!found.iter().any(|f| f.1 == "sdk-package"), "{found:?}");
}

#[test]
fn aider_openrouter_ids_say_how_to_point_aider_at_the_target() {
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let src = SourceText::decode(b"model: openrouter/openai/gpt-5-mini\n".to_vec());
    let f = scan_source(&rules, t, ".aider.conf.yml", &src, true);
    assert_eq!(f.len(), 1);
    assert_eq!(f[0].fix, Fix::Manual);
    assert!(
        f[0].message
            .contains("OPENAI_API_BASE=https://api.llmgateway.io/v1")
            && f[0].message.contains("'openai/gpt-5-mini'"),
        "{}",
        f[0].message
    );
}

#[test]
fn framework_client_options_send_the_id_where_their_base_url_points() {
    let rules = Rules::embedded().unwrap();
    let t = rules.target("llmgateway").unwrap();
    let ids = |path: &str, text: &str| -> Vec<String> {
        let src = SourceText::decode(text.as_bytes().to_vec());
        scan_source(&rules, t, path, &src, true)
            .into_iter()
            .filter(|f| f.kind == Kind::ModelSlug)
            .map(|f| f.matched)
            .collect()
    };
    // LangChain4j builder chains: the base URL is a sibling call, not an
    // enclosing object.
    let java = "class A {\n  ChatModel a() {\n    return OpenAiChatModel.builder()\n      .baseUrl(\"https://integrate.api.nvidia.com/v1\")\n      .modelName(\"mistralai/mixtral-8x22b-instruct-v0.1\")\n      .build();\n  }\n  ChatModel b() {\n    return OpenAiChatModel.builder()\n      .baseUrl(\"https://openrouter.ai/api/v1\")\n      .modelName(\"eva-unit-01/eva-qwen-2.5-72b\")\n      .build();\n  }\n}\n";
    assert_eq!(ids("A.java", java), vec!["eva-unit-01/eva-qwen-2.5-72b"]);
    // Semantic Kernel: `endpoint: new Uri(...)`.
    let cs = "b.AddOpenAIChatCompletion(\n  modelId: \"meta-llama/llama-3.3-70b-instruct\",\n  apiKey: k,\n  endpoint: new Uri(\"https://integrate.api.nvidia.com/v1\"));\n";
    assert!(ids("K.cs", cs).is_empty());
    // Spring AI in a flat .properties file.
    let props = "spring.ai.openai.base-url=https://integrate.api.nvidia.com\nspring.ai.openai.chat.options.model=meta-llama/llama-3.1-70b-instruct\n";
    assert!(ids("application-nim.properties", props).is_empty());
    // Without a base URL beside it, an unlisted author's id stays unknown.
    let bare =
        "var m = OpenAiChatModel.builder().modelName(\"eva-unit-01/eva-qwen-2.5-72b\").build();\n";
    assert!(ids("B.java", bare).is_empty());
}

/// A `models` list beside another server's base URL configures that server
/// (term-llm's provider settings); beside OpenRouter's base URL, or with no
/// base URL, it is OpenRouter's fallback field.
#[test]
fn models_beside_another_servers_base_url_is_not_openrouters_field() {
    let fields = |yaml: &str| {
        let text = format!("openrouter:\n  base_url: https://openrouter.ai/api/v1\n{yaml}");
        scan("settings.yaml", &text, "llmgateway")
            .into_iter()
            .filter(|f| f.1 == "openrouter-field")
            .map(|f| f.0)
            .collect::<Vec<_>>()
    };
    let block = |base: &str| {
        format!("chat:\n  {base}\n  model: mixtral-8x7b\n  models:\n    - mixtral-8x7b\n    - llama-3-70b\n")
    };
    assert!(fields(&block("base_url: http://gpu-box.internal:8080/v1")).is_empty());
    assert_eq!(
        fields(&block("base_url: https://openrouter.ai/api/v1")),
        [6]
    );
    assert_eq!(fields(&block("timeout_s: 30")), [6]);
}

/// A pydantic `BaseSettings` field reads the environment variable of its
/// name, upper-case (`OPENROUTER_API_KEY: Optional[str] = None`, as in
/// emrsyah/open-ta-agent) or lower-case: a manual item, never a cosmetic
/// identifier. A module constant and the field's uses are identifiers.
#[test]
fn a_settings_field_of_either_case_is_the_variable_it_reads() {
    let text = "import os\nfrom typing import Optional\nfrom pydantic_settings import BaseSettings\n\n\
                OPENROUTER_API_KEY = os.getenv(\"KEY\")\n\n\n\
                class Settings(BaseSettings):\n    OPENROUTER_API_KEY: Optional[str] = None\n    openrouter_base_url: str = \"https://openrouter.ai/api/v1\"\n\n\
                \x20   def key(self) -> str:\n        return self.OPENROUTER_API_KEY or \"\"\n";
    let got = scan("config.py", text, "llmgateway");
    let fix = |line: usize, m: &str| {
        got.iter()
            .find(|f| f.0 == line && f.2 == m)
            .map(|f| f.3.as_str())
    };
    assert_eq!(fix(9, "OPENROUTER_API_KEY"), Some("manual"), "{got:?}");
    assert_eq!(fix(10, "openrouter_base_url"), Some("manual"), "{got:?}");
    assert_eq!(fix(5, "OPENROUTER_API_KEY"), Some("none"), "{got:?}");
    assert_eq!(fix(13, "OPENROUTER_API_KEY"), Some("none"), "{got:?}");
}
