//! Direct profiles on small snippets: the constructor edit in each layout,
//! and what is and is not a bare model id.

use llmgw_migrate::finding::{Finding, Fix, Kind};
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::scan_source_from;
use llmgw_migrate::source::SourceText;

fn scan(from: &str, path: &str, text: &str) -> (Vec<Finding>, SourceText) {
    let rules = Rules::embedded().unwrap();
    let src = rules.source(from).unwrap();
    let t = rules.target("llmgateway").unwrap();
    let source = SourceText::decode(text.as_bytes().to_vec());
    let f = scan_source_from(&rules, src, t, path, &source, true);
    (f, source)
}

/// The file after every automatic edit.
fn fixed(from: &str, path: &str, text: &str) -> String {
    let (f, source) = scan(from, path, text);
    let edits: Vec<_> = f
        .iter()
        .filter(|f| f.fix == Fix::Auto)
        .filter_map(|f| f.edit.clone())
        .collect();
    String::from_utf8(source.apply(&edits).unwrap()).unwrap()
}

const BASE: &str = "https://api.llmgateway.io/v1";

#[test]
fn python_layouts() {
    let head = "import os\nfrom openai import OpenAI\n";
    let cases = [
        (
            "c = OpenAI()\n",
            format!("c = OpenAI(base_url=\"{BASE}\", api_key=os.environ[\"LLM_GATEWAY_API_KEY\"])\n"),
        ),
        (
            "c = OpenAI(api_key=k)\n",
            format!("c = OpenAI(api_key=k, base_url=\"{BASE}\")\n"),
        ),
        (
            "c = OpenAI(api_key=k, )\n",
            // The space before `)` is the file's own and stays.
            format!("c = OpenAI(api_key=k, base_url=\"{BASE}\" )\n"),
        ),
        (
            "c = OpenAI(\n    api_key=k,\n    timeout=5\n)\n",
            format!("c = OpenAI(\n    api_key=k,\n    timeout=5,\n    base_url=\"{BASE}\"\n)\n"),
        ),
        (
            "c = OpenAI(\n  timeout=5,\n)\n",
            format!("c = OpenAI(\n  timeout=5,\n  base_url=\"{BASE}\",\n  api_key=os.environ[\"LLM_GATEWAY_API_KEY\"],\n)\n"),
        ),
    ];
    for (code, want) in cases {
        let got = fixed("openai", "a.py", &format!("{head}{code}"));
        assert_eq!(got, format!("{head}{want}"), "for {code:?}");
    }
}

#[test]
fn js_layouts() {
    let head = "import OpenAI from \"openai\";\n";
    let cases = [
        (
            "const c = new OpenAI();\n",
            format!("const c = new OpenAI({{ baseURL: \"{BASE}\", apiKey: process.env.LLM_GATEWAY_API_KEY }});\n"),
        ),
        (
            "const c = new OpenAI({});\n",
            format!("const c = new OpenAI({{ baseURL: \"{BASE}\", apiKey: process.env.LLM_GATEWAY_API_KEY }});\n"),
        ),
        (
            "const c = new OpenAI({ apiKey: k });\n",
            format!("const c = new OpenAI({{ apiKey: k, baseURL: \"{BASE}\" }});\n"),
        ),
    ];
    for (code, want) in cases {
        let got = fixed("openai", "a.ts", &format!("{head}{code}"));
        assert_eq!(got, format!("{head}{want}"), "for {code:?}");
    }
}

#[test]
fn clients_from_other_modules_or_with_a_base_are_not_findings() {
    let cases = [
        // Not imported from the SDK: some other OpenAI class.
        "from mylib import OpenAI\nc = OpenAI()\n",
        // Already pointed somewhere.
        "from openai import OpenAI\nc = OpenAI(base_url=URL)\n",
        // A definition, not a call.
        "from openai import OpenAI\ndef OpenAI():\n    pass\n",
        // Azure's client is not the OpenAI profile's.
        "from openai import AzureOpenAI\nc = AzureOpenAI(azure_endpoint=E)\n",
    ];
    for code in cases {
        let (f, _) = scan("openai", "a.py", code);
        assert!(
            !f.iter().any(|f| f.kind == Kind::BaseUrl),
            "{code:?}: {f:?}"
        );
    }
}

#[test]
fn bare_model_ids_only_where_a_model_is_expected() {
    let marker = "from openai import OpenAI\nc = OpenAI()\n";
    let yes = [
        "r = c.chat.completions.create(model=\"gpt-4o\", messages=m)\n",
        "MODEL = \"gpt-4o\"\n",
        "cfg = {\"model\": \"o3-mini\"}\n",
        "PICKER = [\"gpt-4o-mini\", \"gpt-4.1-nano\"]\n",
        "r = c.chat.completions.create(model=\"gpt-9-ultra\", messages=m)\n",
    ];
    for code in yes {
        let (f, _) = scan("openai", "a.py", &format!("{marker}{code}"));
        assert!(
            f.iter().any(|f| f.kind == Kind::ModelSlug),
            "{code:?}: {f:?}"
        );
    }
    let no = [
        "# we use gpt-4o here\n",
        "print(\"we use gpt-4o for answers\")\n",
        "VERSION = \"gpt-4o\"\n",
        "car = {\"model\": \"Model S\"}\n",
        "tok = AutoTokenizer.from_pretrained(\"gpt-4o-mini-tokenizer\")\n",
    ];
    for code in no {
        let (f, _) = scan("openai", "a.py", &format!("{marker}{code}"));
        assert!(
            !f.iter().any(|f| f.kind == Kind::ModelSlug),
            "{code:?}: {f:?}"
        );
    }
    // Markdown prose never holds findings; a fenced block does.
    let md = "We use gpt-4o.\n\n```python\nr = c.chat.completions.create(model=\"gpt-4o\", messages=m)\n```\n";
    let (f, _) = scan("openai", "README.md", md);
    let slugs: Vec<_> = f.iter().filter(|f| f.kind == Kind::ModelSlug).collect();
    assert_eq!(slugs.len(), 1, "{f:?}");
    assert_eq!(slugs[0].line, 4);
}

#[test]
fn mapped_ids_follow_the_target_table() {
    let code = "import anthropic\nc = anthropic.Anthropic()\nc.messages.create(model=\"claude-3-5-sonnet-20241022\", max_tokens=5, messages=m)\n";
    let (f, _) = scan("anthropic", "a.py", code);
    let m = f.iter().find(|f| f.kind == Kind::ModelSlug).unwrap();
    assert_eq!(m.replacement.as_deref(), Some("claude-sonnet-4-6"));
    assert_eq!(m.fix, Fix::Auto);
    assert!(
        m.message.contains("anthropic/claude-3.5-sonnet"),
        "{}",
        m.message
    );
}

#[test]
fn module_level_clients_need_a_module_base_url() {
    let call = "r = openai.chat.completions.create(model=\"gpt-4o\", messages=m)\n";
    let (f, _) = scan("openai", "a.py", &format!("import openai\n{call}"));
    let m = f.iter().find(|f| f.kind == Kind::BaseUrl).unwrap();
    assert_eq!((m.matched.as_str(), m.fix), ("openai.chat", Fix::Manual));
    assert!(
        m.message
            .contains("openai.base_url = \"https://api.llmgateway.io/v1\""),
        "{}",
        m.message
    );
    // Already pointed elsewhere on the module, or a client object: nothing.
    for head in [
        "import openai\nopenai.base_url = GATEWAY\n",
        "import openai as oa\noa.api_base = GATEWAY\nopenai = oa\n",
        "from openai import OpenAI\nopenai = OpenAI(base_url=GATEWAY)\n",
    ] {
        let (f, _) = scan("openai", "a.py", &format!("{head}{call}"));
        assert!(
            !f.iter().any(|f| f.kind == Kind::BaseUrl),
            "{head:?}: {f:?}"
        );
    }
}

/// A client bound to a variable with a base URL of its own carries that
/// binding to the calls made on it: their model ids go to that server.
#[test]
fn ids_sent_through_a_client_bound_to_another_base_url_are_not_findings() {
    let text = r#"import os
from openai import OpenAI

proxy = OpenAI(base_url=os.environ["COMPANY_PROXY_URL"], api_key=os.environ["PROXY_KEY"])
direct = OpenAI()

def a():
    return proxy.chat.completions.create(model="gpt-4.1-mini", messages=[])

def b():
    return direct.chat.completions.create(model="gpt-4o", messages=[])
"#;
    let (f, _) = scan("openai", "app.py", text);
    let models: Vec<(usize, &str)> = f
        .iter()
        .filter(|f| f.kind == Kind::ModelSlug)
        .map(|f| (f.line, f.matched.as_str()))
        .collect();
    assert_eq!(models, vec![(11, "gpt-4o")]);
}

/// Embeddings clients (LangChain `OpenAIEmbeddings`, LlamaIndex
/// `OpenAIEmbedding`) and general clients that create embeddings move only
/// to a target that serves /embeddings; elsewhere they stay with OpenAI (a
/// manual item saying so) instead of being pointed at a gateway that would
/// answer 404.
#[test]
fn embeddings_clients_move_only_to_targets_that_serve_embeddings() {
    let text = r#"import os
from langchain_openai import OpenAIEmbeddings
from openai import OpenAI

emb = OpenAIEmbeddings(model="text-embedding-3-small")
client = OpenAI()
vec = client.embeddings.create(model="text-embedding-3-large", input=["hi"])
chat = OpenAI()
"#;
    let rules = Rules::embedded().unwrap();
    let src = rules.source("openai").unwrap();
    let source = SourceText::decode(text.as_bytes().to_vec());
    let clients = |target: &str| -> Vec<(usize, Fix)> {
        let t = rules.target(target).unwrap();
        scan_source_from(&rules, src, t, "app.py", &source, true)
            .into_iter()
            .filter(|f| f.kind == Kind::BaseUrl)
            .map(|f| (f.line, f.fix))
            .collect()
    };
    // LLM Gateway has no /embeddings route: both embedding clients stay;
    // the chat-only client moves.
    assert_eq!(
        clients("llmgateway"),
        vec![(5, Fix::Manual), (6, Fix::Manual), (8, Fix::Auto)]
    );
    // Phaseo serves /embeddings: every client moves.
    assert_eq!(
        clients("phaseo"),
        vec![(5, Fix::Auto), (6, Fix::Auto), (8, Fix::Auto)]
    );
    let (f, _) = scan("openai", "app.py", text);
    let ids: Vec<&str> = f
        .iter()
        .filter(|f| f.kind == Kind::ModelSlug)
        .map(|f| f.matched.as_str())
        .collect();
    assert_eq!(
        ids,
        vec!["text-embedding-3-small", "text-embedding-3-large"]
    );
}
