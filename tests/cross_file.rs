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

/// `@/lib/llm`-style imports resolve through the nearest tsconfig.json or
/// jsconfig.json (`paths`, `baseUrl`, a relative `extends`), as the app's
/// bundler resolves them: ids sent through an OpenRouter client imported
/// that way are findings, ids sent through another host's client are not.
#[test]
fn path_aliases_resolve_through_the_nearest_tsconfig() {
    let tmp = tempfile::tempdir().unwrap();
    let or_client = "import OpenAI from \"openai\";\nexport const openrouter = new OpenAI({\n  baseURL: \"https://openrouter.ai/api/v1\",\n  apiKey: process.env.OPENROUTER_API_KEY,\n});\n";
    let groq = "import OpenAI from \"openai\";\nexport const groq = new OpenAI({ baseURL: \"https://api.groq.com/openai/v1\" });\n";
    // Both clients in one route: the file talks to OpenRouter, so only the
    // destination of each call tells its ids apart.
    let route = |or: &str, gq: &str| {
        format!(
            "import {{ openrouter }} from \"{or}\";\nimport {{ groq }} from \"{gq}\";\n\n\
             export const story = () => openrouter.chat.completions.create({{ model: \"eva-unit-01/eva-qwen-2.5-32b\", messages: [] }});\n\
             export const fast = () => groq.chat.completions.create({{ model: \"meta-llama/llama-4-scout-17b-16e-instruct\", messages: [] }});\n"
        )
    };
    write(
        tmp.path(),
        &[
            // Next.js: comments and trailing commas.
            (
                "next/tsconfig.json",
                "{\n  // paths for the app router\n  \"compilerOptions\": {\n    \"paths\": { \"@/*\": [\"./src/*\"], },\n  },\n}\n",
            ),
            ("next/src/lib/openrouter.ts", or_client),
            ("next/src/lib/groq.ts", groq),
            (
                "next/src/app/api/route.ts",
                &route("@/lib/openrouter", "@/lib/groq"),
            ),
            // A monorepo: the app's config extends a base that sets baseUrl
            // and the paths, relative to the base's own directory.
            (
                "mono/tsconfig.base.json",
                "{ \"compilerOptions\": { \"baseUrl\": \".\", \"paths\": { \"@llm/*\": [\"packages/llm/src/*\"] } } }\n",
            ),
            (
                "mono/apps/web/tsconfig.json",
                "{ \"extends\": \"../../tsconfig.base.json\", \"compilerOptions\": { \"jsx\": \"preserve\" } }\n",
            ),
            ("mono/packages/llm/src/openrouter.ts", or_client),
            ("mono/packages/llm/src/groq/index.ts", groq),
            (
                "mono/apps/web/app/page.ts",
                &route("@llm/openrouter", "@llm/groq"),
            ),
            // jsconfig.json and baseUrl alone: `lib/...` is below `src`.
            (
                "vite/jsconfig.json",
                "{ \"compilerOptions\": { \"baseUrl\": \"src\" } }\n",
            ),
            ("vite/src/lib/openrouter.js", or_client),
            ("vite/src/lib/groq.js", groq),
            ("vite/src/main.js", &route("lib/openrouter", "lib/groq")),
        ],
    );
    let got = slugs(tmp.path(), &["."], "openrouter");
    assert_eq!(
        got,
        vec![
            "mono/apps/web/app/page.ts:4:eva-unit-01/eva-qwen-2.5-32b:Manual".to_owned(),
            "next/src/app/api/route.ts:4:eva-unit-01/eva-qwen-2.5-32b:Manual".to_owned(),
            "vite/src/main.js:4:eva-unit-01/eva-qwen-2.5-32b:Manual".to_owned(),
        ],
        "{got:?}"
    );
    // Without the configs, the imports name packages: nothing is decided,
    // so the unlisted author's ids are not found.
    for cfg in [
        "next/tsconfig.json",
        "mono/apps/web/tsconfig.json",
        "vite/jsconfig.json",
    ] {
        std::fs::remove_file(tmp.path().join(cfg)).unwrap();
    }
    let got = slugs(tmp.path(), &["."], "openrouter");
    assert!(!got.iter().any(|s| s.contains("eva-unit-01")), "{got:?}");
}

/// A client its own file keeps on OpenRouter (it appends `/credits` to the
/// base and reads its key) keeps the ids other files send through it: the
/// rewrite must not give OpenRouter a target's model name.
#[test]
fn ids_sent_through_a_client_kept_on_openrouter_stay_with_it() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            (
                "tsconfig.json",
                "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"] } } }\n",
            ),
            (
                "src/lib/openrouter.ts",
                "import OpenAI from \"openai\";\n\nconst BASE = \"https://openrouter.ai/api/v1\";\n\n\
                 export const openrouter = new OpenAI({ baseURL: BASE, apiKey: process.env.OPENROUTER_API_KEY });\n\n\
                 export const credits = () =>\n  fetch(`${BASE}/credits`, { headers: { Authorization: `Bearer ${process.env.OPENROUTER_API_KEY}` } });\n",
            ),
            (
                "src/app/chat.ts",
                "import { openrouter } from \"@/lib/openrouter\";\n\n\
                 export const chat = () => openrouter.chat.completions.create({ model: \"anthropic/claude-3.5-sonnet\", messages: [] });\n",
            ),
            (
                "src/app/summary.ts",
                "import { openrouter } from \"../lib/openrouter\";\n\n\
                 export const sum = () => openrouter.chat.completions.create({ model: \"openai/gpt-4o-mini\", messages: [] });\n",
            ),
        ],
    );
    let got = slugs(tmp.path(), &["."], "openrouter");
    assert_eq!(
        got,
        vec![
            "src/app/chat.ts:3:anthropic/claude-3.5-sonnet:Manual".to_owned(),
            "src/app/summary.ts:3:openai/gpt-4o-mini:Manual".to_owned(),
        ],
        "{got:?}"
    );
}

/// A client exported as the module's default (`export default client`,
/// `export default new OpenAI(...)`, `module.exports = client`) is the one
/// a default import or `require` receives.
#[test]
fn default_exports_are_followed() {
    let tmp = tempfile::tempdir().unwrap();
    let use_it = |import: &str| {
        format!(
            "{import}\n\nexport const go = () => openrouter.chat.completions.create({{ model: \"eva-unit-01/eva-qwen-2.5-32b\", messages: [] }});\n"
        )
    };
    write(
        tmp.path(),
        &[
            (
                "a/llm.ts",
                "import OpenAI from \"openai\";\n\nconst openrouter = new OpenAI({ baseURL: \"https://openrouter.ai/api/v1\" });\n\nexport default openrouter;\n",
            ),
            ("a/run.ts", &use_it("import openrouter from \"./llm\";")),
            (
                "b/llm.ts",
                "import OpenAI from \"openai\";\n\nexport default new OpenAI({\n  baseURL: \"https://openrouter.ai/api/v1\",\n});\n",
            ),
            ("b/run.ts", &use_it("import openrouter from \"./llm\";")),
            (
                "c/llm.js",
                "const OpenAI = require(\"openai\");\nconst client = new OpenAI({ baseURL: \"https://openrouter.ai/api/v1\" });\nmodule.exports = client;\n",
            ),
            ("c/run.js", &use_it("const openrouter = require(\"./llm\");")),
            // Another host's client as the default: its ids are not findings
            // even where the file also talks to OpenRouter.
            (
                "d/groq.ts",
                "import OpenAI from \"openai\";\nconst groq = new OpenAI({ baseURL: \"https://api.groq.com/openai/v1\" });\nexport default groq;\n",
            ),
            (
                "d/run.ts",
                "import groq from \"./groq\";\nimport openrouter from \"../a/llm\";\n\n\
                 export const go = () => groq.chat.completions.create({ model: \"meta-llama/llama-4-scout-17b-16e-instruct\", messages: [] });\n\
                 export const story = () => openrouter.chat.completions.create({ model: \"eva-unit-01/eva-llama-3.33-70b\", messages: [] });\n",
            ),
            // A default that is not the client (a member of it) decides nothing.
            (
                "e/llm.ts",
                "import OpenAI from \"openai\";\nconst c = new OpenAI({ baseURL: \"https://openrouter.ai/api/v1\" });\nexport default c.chat\n",
            ),
            ("e/run.ts", &use_it("import openrouter from \"./llm\";")),
        ],
    );
    let got = slugs(tmp.path(), &["."], "openrouter");
    assert_eq!(
        got,
        vec![
            "a/run.ts:3:eva-unit-01/eva-qwen-2.5-32b:Manual".to_owned(),
            "b/run.ts:3:eva-unit-01/eva-qwen-2.5-32b:Manual".to_owned(),
            "c/run.js:3:eva-unit-01/eva-qwen-2.5-32b:Manual".to_owned(),
            "d/run.ts:5:eva-unit-01/eva-llama-3.33-70b:Manual".to_owned(),
        ],
        "{got:?}"
    );
}

/// AI SDK providers bound in one module and called as model factories in
/// another (`groq("...")`, `openrouter("...")`): each id goes where its
/// factory's provider sends it.
#[test]
fn model_factories_imported_from_another_file_decide_their_ids() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            (
                "tsconfig.json",
                "{ \"compilerOptions\": { \"paths\": { \"@/*\": [\"./src/*\"] } } }\n",
            ),
            (
                "src/lib/ai-client.ts",
                "import { createGroq } from \"@ai-sdk/groq\";\nimport { createOpenRouter } from \"@openrouter/ai-sdk-provider\";\n\n\
                 export const openrouter = createOpenRouter({ apiKey: process.env.OPENROUTER_API_KEY });\n\
                 export const groq = createGroq({ apiKey: process.env.GROQ_API_KEY });\n",
            ),
            (
                "src/app/route.ts",
                "import { generateText } from \"ai\";\nimport { groq, openrouter } from \"@/lib/ai-client\";\n\n\
                 export const fast = () => generateText({ model: groq(\"openai/gpt-oss-120b\"), prompt: \"hi\" });\n\
                 export const deep = () => generateText({ model: openrouter(\"eva-unit-01/eva-qwen-2.5-72b\"), prompt: \"hi\" });\n\
                 export const smart = () => generateText({ model: openrouter(\"anthropic/claude-sonnet-4\"), prompt: \"hi\" });\n",
            ),
        ],
    );
    let got = slugs(tmp.path(), &["."], "openrouter");
    assert_eq!(
        got,
        vec![
            "src/app/route.ts:5:eva-unit-01/eva-qwen-2.5-72b:Manual".to_owned(),
            "src/app/route.ts:6:anthropic/claude-sonnet-4:Auto".to_owned(),
        ],
        "{got:?}"
    );
}

/// Pamahres (kabsmeiou/pamahres) moved from OpenRouter to Groq; its README
/// still names OpenRouter. The id is a parameter default of a function that
/// sends `model=model` through a Groq client imported from `.clients`: that
/// id is Groq's (Groq serves `openai/gpt-oss-20b` under that name). A
/// default sent through an OpenRouter client is still a finding. So are ids
/// passed to such functions from another module (`conversation.py` calls
/// `get_conversational_completion(model="openai/gpt-oss-20b")`).
#[test]
fn a_parameter_default_is_decided_by_the_client_its_function_sends_it_through() {
    let tmp = tempfile::tempdir().unwrap();
    write(
        tmp.path(),
        &[
            (
                "README.md",
                "Set `OPENAI_API_KEY=sk-or-v1-your-openrouter-api-key` (https://openrouter.ai/).\n",
            ),
            (
                "services/clients.py",
                "import os\nfrom openai import OpenAI\n\n\
                 try:\n  groq_v2 = OpenAI(\n    base_url=\"https://api.groq.com/openai/v1\",\n    api_key=os.getenv(\"GROQ_API_KEY\",),\n  )\nexcept Exception as e:\n  groq_v2 = None\n\n\
                 router = OpenAI(base_url=\"https://openrouter.ai/api/v1\", api_key=os.getenv(\"OPENROUTER_API_KEY\"))\n",
            ),
            (
                "services/openai_generator.py",
                "from .clients import groq_v2, router\n\n\
                 def get_conversational_completion(\n    course, \n    model=\"openai/gpt-oss-20b\", \n    *, previous_messages: list, new_message: str):\n\
                 \x20 \"\"\"Handles the conversation with the LLM.\"\"\"\n\n\
                 \x20 completion = groq_v2.chat.completions.create(\n    model=model,\n    messages=[*previous_messages, {\"role\": \"user\", \"content\": new_message}],\n  )\n\
                 \x20 return completion\n\n\
                 def summarize(text: str, model: str = \"openai/gpt-4o-mini\"):\n\
                 \x20 return router.chat.completions.create(model=model, messages=[{\"role\": \"user\", \"content\": text}])\n",
            ),
            (
                "courses/conversation.py",
                "from services.openai_generator import get_conversational_completion, summarize\n\n\
                 def handle(course, previous_messages, new_message):\n\
                 \x20   generator = get_conversational_completion(\n        course=course,\n        model=\"openai/gpt-oss-120b\",\n        previous_messages=previous_messages,\n        new_message=new_message,\n    )\n\
                 \x20   return generator, summarize(new_message, model=\"anthropic/claude-3.5-sonnet\")\n",
            ),
            (
                "web/clients.ts",
                "import OpenAI from \"openai\";\n\n\
                 export const groq = new OpenAI({ baseURL: \"https://api.groq.com/openai/v1\", apiKey: process.env.GROQ_API_KEY });\n\
                 export const openRouter = new OpenAI({ baseURL: \"https://openrouter.ai/api/v1\", apiKey: process.env.OPENROUTER_API_KEY });\n",
            ),
            (
                "web/ask.ts",
                "import { groq, openRouter } from \"./clients\";\n\n\
                 export async function fast(q: string, model: string = \"openai/gpt-oss-120b\") {\n\
                 \x20 return groq.chat.completions.create({ model, messages: [{ role: \"user\", content: q }] });\n}\n\n\
                 export async function smart(q: string, model = \"openai/gpt-4o\") {\n\
                 \x20 return openRouter.chat.completions.create({ model: model, messages: [{ role: \"user\", content: q }] });\n}\n",
            ),
        ],
    );
    let found = slugs(tmp.path(), &["."], "openrouter");
    assert!(
        !found.iter().any(|f| f.contains("openai/gpt-oss-20b")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("services/openai_generator.py:15:openai/gpt-4o-mini:Auto")),
        "{found:?}"
    );
    assert!(
        !found.iter().any(|f| f.contains("openai/gpt-oss-120b")),
        "{found:?}"
    );
    // Called from another module: decided by the client the function sends
    // its model through.
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("courses/conversation.py:10:anthropic/claude-3.5-sonnet:")),
        "{found:?}"
    );
    assert!(
        found
            .iter()
            .any(|f| f.starts_with("web/ask.ts:7:openai/gpt-4o:")),
        "{found:?}"
    );
}
