//! Rewrites that must not break code or send a key to the wrong host
//! (fixtures/rewrite-safety): emptied blocks, brace-less bodies, requests
//! that stay on OpenRouter, keys under a new name, LiteLLM routes to other
//! providers, `/models` whose response differs, identifiers, and a run of
//! the rewritten Python under a stub that records which key goes where.

mod common;

use std::path::{Path, PathBuf};
use std::process::Command;

use common::{run, Run};

fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    let from = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures/rewrite-safety");
    common::copy_tree(&from, dir.path());
    // copy_tree skips dotfiles? No: it copies every file; make sure.
    assert!(dir.path().join(".env.example").is_file());
    dir
}

fn read(root: &Path, rel: &str) -> String {
    std::fs::read_to_string(root.join(rel)).unwrap()
}

fn json(o: &Run) -> serde_json::Value {
    serde_json::from_slice(&o.raw.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", o.all()))
}

/// The manual items of `rewrite --format json` for one file.
fn manual_for(doc: &serde_json::Value, path: &str) -> Vec<serde_json::Value> {
    doc["manual"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["path"] == path)
        .cloned()
        .collect()
}

fn write(root: &Path) -> Run {
    let o = run(root, &["rewrite", ".", "--to", "llmgateway", "--write"]);
    assert!(o.code == 1, "manual items remain, so exit 1: {}", o.all());
    o
}

#[test]
fn emptied_python_blocks_get_pass_and_the_file_still_compiles() {
    let dir = fixture();
    write(dir.path());
    let chat = read(dir.path(), "app/chat.py");
    assert!(
        !chat.contains("HTTP-Referer") && !chat.contains("X-Title"),
        "{chat}"
    );
    assert!(
        chat.contains("    if site:\n        pass\n    else:\n"),
        "{chat}"
    );
    assert_eq!(chat.matches("pass\n").count(), 2, "{chat}");
    assert!(llmgw_migrate::rewrite::verify::parses(
        llmgw_migrate::scan::FileKind::Python,
        "app/chat.py",
        &chat
    )
    .is_ok());
    if let Some(py) = python() {
        let o = Command::new(py)
            .args(["-m", "py_compile"])
            .arg(dir.path().join("app/chat.py"))
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    }
}

#[test]
fn a_brace_less_if_keeps_its_body() {
    let dir = fixture();
    let o = run(
        dir.path(),
        &["rewrite", ".", "--to", "llmgateway", "--format", "json"],
    );
    let doc = json(&o);
    let items = manual_for(&doc, "web/client.js");
    assert!(
        items
            .iter()
            .any(|m| m["match"] == "HTTP-Referer"
                && m["why"].as_str().unwrap().contains("brace-less")),
        "{items:#?}"
    );
    write(dir.path());
    let js = read(dir.path(), "web/client.js");
    assert!(js.contains("if (process.env.SITE_URL)\n  headers.set(\"HTTP-Referer\""));
    assert!(
        js.contains("https://api.llmgateway.io/v1/chat/completions"),
        "{js}"
    );
}

#[test]
fn a_request_that_stays_on_openrouter_keeps_its_key_and_headers() {
    let dir = fixture();
    let before = read(dir.path(), "app/credits.py");
    let doc = json(&run(
        dir.path(),
        &["rewrite", ".", "--to", "llmgateway", "--format", "json"],
    ));
    let items = manual_for(&doc, "app/credits.py");
    let rules: Vec<&str> = items.iter().map(|m| m["rule"].as_str().unwrap()).collect();
    assert!(rules.contains(&"openrouter:base-url:/credits"), "{rules:?}");
    assert!(
        rules.iter().any(|r| r.ends_with("api-key-env:stays")),
        "{rules:?}"
    );
    assert!(
        rules.iter().any(|r| r.ends_with("X-Title:stays")),
        "{rules:?}"
    );
    write(dir.path());
    assert_eq!(read(dir.path(), "app/credits.py"), before);
    // The variable is still read by that request, so the env template keeps
    // it and gains the target's next to it.
    let env = read(dir.path(), ".env.example");
    assert!(env.contains("\nOPENROUTER_API_KEY=\n"), "{env}");
    assert!(env.contains("\nLLM_GATEWAY_API_KEY=\n"), "{env}");
}

#[test]
fn a_variable_holding_an_openrouter_key_is_not_renamed() {
    let dir = fixture();
    let before = read(dir.path(), "config/prod.env");
    let doc = json(&run(
        dir.path(),
        &["rewrite", ".", "--to", "llmgateway", "--format", "json"],
    ));
    let items = manual_for(&doc, "config/prod.env");
    assert!(
        items.iter().any(|m| m["kind"] == "api-key-env"
            && m["why"]
                .as_str()
                .unwrap()
                .contains("holds an OpenRouter key")),
        "{items:#?}"
    );
    let text = serde_json::to_string(&doc).unwrap();
    assert!(
        !text.contains("0123456789abcdef0123456789abcdef"),
        "key leaked"
    );
    write(dir.path());
    assert_eq!(read(dir.path(), "config/prod.env"), before);
}

#[test]
fn litellm_routes_to_other_providers_are_left_alone() {
    let dir = fixture();
    let doc = json(&run(
        dir.path(),
        &["scan", "litellm", "--to", "llmgateway", "--format", "json"],
    ));
    let f = doc["findings"].as_array().unwrap();
    let lines: Vec<(u64, &str, &str)> = f
        .iter()
        .map(|x| {
            (
                x["line"].as_u64().unwrap(),
                x["match"].as_str().unwrap(),
                x["fix"].as_str().unwrap(),
            )
        })
        .collect();
    assert!(
        lines.iter().all(|l| l.0 >= 10),
        "DeepSeek and Anthropic routes are not OpenRouter's: {lines:?}"
    );
    assert!(lines.contains(&(12, "openrouter/*", "manual")), "{lines:?}");
    let key = f.iter().find(|x| x["line"] == 13).unwrap();
    assert_eq!(key["fix"], "manual", "{key}");
    assert!(key["rule"].as_str().unwrap().ends_with(":stays"));
}

#[test]
fn models_endpoint_is_manual_because_its_response_differs() {
    let dir = fixture();
    let before = read(dir.path(), "scripts/list_models.py");
    for target in ["llmgateway", "ominigate", "phaseo"] {
        let doc = json(&run(
            dir.path(),
            &["rewrite", ".", "--to", target, "--format", "json"],
        ));
        let items = manual_for(&doc, "scripts/list_models.py");
        assert!(
            items
                .iter()
                .any(|m| m["why"].as_str().unwrap().contains("response differs")),
            "{target}: {items:#?}"
        );
    }
    write(dir.path());
    assert_eq!(read(dir.path(), "scripts/list_models.py"), before);
}

#[test]
fn identifiers_are_renamed_only_on_request_and_then_everywhere() {
    let dir = fixture();
    write(dir.path());
    let py = read(dir.path(), "app/client.py");
    assert_eq!(py.matches("self.openrouter_api_key").count(), 3, "{py}");
    assert!(py.contains("os.environ[\"LLM_GATEWAY_API_KEY\"]"), "{py}");

    let dir = fixture();
    let o = run(
        dir.path(),
        &[
            "rewrite",
            ".",
            "--to",
            "llmgateway",
            "--write",
            "--rename-identifiers",
        ],
    );
    assert_eq!(o.code, 1);
    let py = read(dir.path(), "app/client.py");
    assert!(!py.contains("openrouter_api_key"), "{py}");
    assert_eq!(py.matches("self.llm_gateway_api_key").count(), 3, "{py}");
    assert!(
        py.contains("f\"Bearer {self.llm_gateway_api_key}\""),
        "{py}"
    );
    // A pydantic settings field is the variable it reads: never renamed alone.
    let settings = read(dir.path(), "app/settings.py");
    assert!(settings.contains("openrouter_api_key: str"), "{settings}");
}

#[test]
fn rewritten_python_sends_each_key_only_to_its_own_host() {
    let Some(py) = python() else {
        eprintln!("skipped: no python3 on PATH");
        return;
    };
    let dir = fixture();
    let calls_before = stub_run(&py, dir.path());
    assert!(
        calls_before
            .iter()
            .all(|(host, key)| host == "openrouter.ai" && key == "or-key"),
        "{calls_before:?}"
    );
    write(dir.path());
    let calls = stub_run(&py, dir.path());
    assert_eq!(calls.len(), 2, "{calls:?}");
    assert!(
        calls.contains(&("api.llmgateway.io".into(), "gw-key".into())),
        "{calls:?}"
    );
    assert!(
        calls.contains(&("openrouter.ai".into(), "or-key".into())),
        "{calls:?}"
    );
    for (host, key) in &calls {
        assert_eq!(key == "or-key", host == "openrouter.ai", "{calls:?}");
    }
}

/// Run app.chat.chat() and app.credits.remaining_credits() against a stub
/// `requests` that records (host, bearer key) per call.
fn stub_run(py: &Path, root: &Path) -> Vec<(String, String)> {
    let stub = tempfile::tempdir().unwrap();
    std::fs::write(
        stub.path().join("requests.py"),
        r#"import json, os, urllib.parse
LOG = os.environ["STUB_LOG"]
class _R:
    def json(self):
        return {"choices": [{"message": {"content": "ok"}}], "data": {"total_credits": 2, "total_usage": 1}}
def _call(url, headers=None, **kw):
    auth = (headers or {}).get("Authorization", "")
    with open(LOG, "a") as f:
        f.write(json.dumps([urllib.parse.urlparse(url).hostname, auth.removeprefix("Bearer ")]) + "\n")
    return _R()
post = _call
get = _call
"#,
    )
    .unwrap();
    let log = stub.path().join("log.jsonl");
    let o = Command::new(py)
        .current_dir(root)
        .arg("-c")
        .arg("from app import chat, credits\nchat.chat('hi')\ncredits.remaining_credits()\n")
        .env(
            "PYTHONPATH",
            format!("{}:{}", stub.path().display(), root.display()),
        )
        .env("STUB_LOG", &log)
        .env("OPENROUTER_API_KEY", "or-key")
        .env("LLM_GATEWAY_API_KEY", "gw-key")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", String::from_utf8_lossy(&o.stderr));
    std::fs::read_to_string(&log)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str::<(String, String)>(l).unwrap())
        .collect()
}

fn python() -> Option<PathBuf> {
    let o = Command::new("python3").arg("--version").output().ok()?;
    o.status.success().then(|| PathBuf::from("python3"))
}

/// After `--write` the tree talks to the target, not to OpenRouter: ids the
/// target does not serve as they are must still fail the gate, and ids it
/// does serve must not.
#[test]
fn the_gate_stays_red_while_openrouter_only_ids_remain() {
    let dir = tempfile::tempdir().unwrap();
    let app = "from openai import OpenAI\n\nclient = OpenAI(base_url=\"https://openrouter.ai/api/v1\")\n\
               FAST = \"openai/gpt-5\"\nLATEST = \"openai/chatgpt-4o-latest\"\nFREE = \"meta-llama/llama-3.3-70b-instruct:free\"\n";
    std::fs::write(dir.path().join("app.py"), app).unwrap();
    for target in ["llmgateway", "ominigate"] {
        let root = dir.path().join(target);
        std::fs::create_dir_all(&root).unwrap();
        std::fs::write(root.join("app.py"), app).unwrap();
        let o = run(&root, &["rewrite", ".", "--to", target, "--write"]);
        assert_eq!(o.code, 1, "{target}: manual items remain");
        let after = read(&root, "app.py");
        assert!(!after.contains("openrouter.ai"), "{target}: {after}");
        let o = run(&root, &["scan", ".", "--to", target, "--format", "json"]);
        assert_eq!(o.code, 1, "{target}: the gate must stay red");
        let doc = json(&o);
        let found: Vec<(&str, &str)> = doc["findings"]
            .as_array()
            .unwrap()
            .iter()
            .map(|f| (f["match"].as_str().unwrap(), f["fix"].as_str().unwrap()))
            .collect();
        assert!(
            found.contains(&("openai/chatgpt-4o-latest", "manual")),
            "{target}: {found:?}"
        );
        assert!(
            found.contains(&("meta-llama/llama-3.3-70b-instruct:free", "manual")),
            "{target}: {found:?}"
        );
        assert!(
            !found
                .iter()
                .any(|f| f.0 == "openai/gpt-5" || f.0 == "gpt-5"),
            "{target}: an id the target serves is accepted: {found:?}"
        );
        assert!(!found.iter().any(|f| f.1 == "auto"), "{target}: {found:?}");
    }
}

/// A finding as (line, match, fix, rule).
type Found = Vec<(u64, String, String, String)>;

/// Rewrite a one-file tree and return (scan findings, the file after
/// `--write`, the JSON checklist).
fn one_file(name: &str, text: &str, target: &str) -> (Found, String, serde_json::Value) {
    let dir = tempfile::tempdir().unwrap();
    let p = dir.path().join(name);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(&p, text).unwrap();
    let doc = json(&run(
        dir.path(),
        &["scan", ".", "--to", target, "--format", "json"],
    ));
    let found = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["line"].as_u64().unwrap(),
                f["match"].as_str().unwrap().to_owned(),
                f["fix"].as_str().unwrap().to_owned(),
                f["rule"].as_str().unwrap().to_owned(),
            )
        })
        .collect();
    let plan = json(&run(
        dir.path(),
        &["rewrite", ".", "--to", target, "--format", "json"],
    ));
    run(dir.path(), &["rewrite", ".", "--to", target, "--write"]);
    (found, read(dir.path(), name), plan["checklist"].clone())
}

#[test]
fn a_variable_interpolated_in_a_string_is_an_identifier_not_an_environment_name() {
    let py = "import os\nimport requests\n\nOPENROUTER_API_KEY = os.environ.get(\"OPENROUTER_API_KEY\")\n\
              URL = \"https://openrouter.ai/api/v1/chat/completions\"\n\
              H = {\"Authorization\": f\"Bearer {OPENROUTER_API_KEY}\"}\n\
              E = f\"{os.environ['OPENROUTER_API_KEY']}\"\n\
              requests.post(URL, headers=H)\n";
    let (found, after, _) = one_file("app.py", py, "llmgateway");
    let f6 = found
        .iter()
        .find(|f| f.0 == 6 && f.1 == "OPENROUTER_API_KEY")
        .unwrap();
    assert_eq!(f6.2, "none", "{found:?}");
    // The definition and its use keep one name; the environment reads change.
    assert!(
        after.contains("OPENROUTER_API_KEY = os.environ.get(\"LLM_GATEWAY_API_KEY\")"),
        "{after}"
    );
    assert!(
        after.contains("f\"Bearer {OPENROUTER_API_KEY}\""),
        "{after}"
    );
    assert!(
        after.contains("os.environ['LLM_GATEWAY_API_KEY']"),
        "{after}"
    );
}

#[test]
fn a_litellm_call_left_on_openrouter_keeps_its_key() {
    let py = "import os\nfrom litellm import completion\n\n\
              completion(api_key=os.environ.get(\"OPENROUTER_API_KEY\"),\n\
              \x20          model=\"openrouter/openrouter/auto\", messages=[])\n";
    let (found, after, _) = one_file("app.py", py, "llmgateway");
    let key = found.iter().find(|f| f.1 == "OPENROUTER_API_KEY").unwrap();
    assert_eq!(key.2, "manual", "{found:?}");
    assert!(key.3.ends_with(":stays"), "{found:?}");
    assert!(after.contains("\"OPENROUTER_API_KEY\""), "{after}");
}

#[test]
fn a_provider_sdk_with_no_equivalent_keeps_its_key() {
    let ts = "import { createOpenRouter } from \"@openrouter/ai-sdk-provider\";\n\
              const apiKey = process.env.OPENROUTER_API_KEY;\n\
              export const openRouter = createOpenRouter({ apiKey });\n";
    for target in ["ominigate", "phaseo"] {
        let (found, after, _) = one_file("src/ai.ts", ts, target);
        let key = found.iter().find(|f| f.1 == "OPENROUTER_API_KEY").unwrap();
        assert!(key.3.ends_with(":stays"), "{target}: {found:?}");
        assert!(
            after.contains("process.env.OPENROUTER_API_KEY"),
            "{target}: {after}"
        );
    }
}

#[test]
fn a_reusable_workflow_keeps_the_secret_its_callers_pass() {
    let wf = "on:\n  workflow_call:\n    secrets:\n      OPENROUTER_API_KEY:\n        required: false\n\
              jobs:\n  run:\n    runs-on: ubuntu-latest\n    steps:\n      - run: ./agent\n        env:\n          OPENROUTER_API_KEY: ${{ secrets.OPENROUTER_API_KEY }}\n";
    let (found, after, _) = one_file(".github/workflows/agent.yml", wf, "llmgateway");
    assert!(!found.is_empty());
    assert!(
        found
            .iter()
            .all(|f| f.2 == "manual" && f.3.ends_with(":workflow-call")),
        "{found:?}"
    );
    assert_eq!(after, wf);
}

#[test]
fn the_checklist_names_the_key_and_the_override_variable_of_a_moved_request() {
    let js = "const baseURL = process.env.OPENAI_BASE_URL || \"https://openrouter.ai/api/v1\";\n\
              const apiKey = process.env.LLM_API_KEY;\n\
              export const client = new OpenAI({ baseURL, apiKey });\n";
    let (_, after, checklist) = one_file("src/client.js", js, "llmgateway");
    assert!(after.contains("https://api.llmgateway.io/v1"), "{after}");
    let steps: Vec<(String, String)> = checklist
        .as_array()
        .unwrap()
        .iter()
        .map(|i| {
            (
                i["step"].as_str().unwrap().into(),
                i["what"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert!(
        steps
            .iter()
            .any(|s| s.0 == "set-variable" && s.1.contains("OPENAI_BASE_URL")),
        "{steps:?}"
    );
    assert!(steps.iter().any(|s| s.0 == "replace-key"), "{steps:?}");
}

/// Names read inside template holes of Ruby, Swift and Dart strings are
/// code; an environment read inside the hole (a quoted name) is not.
#[test]
fn template_holes_hold_identifiers_in_ruby_swift_and_dart() {
    let cases = [
        (
            "client.rb",
            "URL = \"https://openrouter.ai/api/v1\"\nAUTH = \"Bearer #{OPENROUTER_API_KEY}\"\nENVK = \"#{ENV['OPENROUTER_API_KEY']}\"\n",
        ),
        (
            "Client.swift",
            "let url = \"https://openrouter.ai/api/v1\"\nlet auth = \"Bearer \\(Secrets.OPENROUTER_API_KEY)\"\nlet envk = \"\\(ProcessInfo.processInfo.environment[\"OPENROUTER_API_KEY\"] ?? \"\")\"\n",
        ),
        (
            "client.dart",
            "const url = 'https://openrouter.ai/api/v1';\nfinal auth = 'Bearer $OPENROUTER_API_KEY';\nfinal envk = '${Platform.environment['OPENROUTER_API_KEY']}';\n",
        ),
    ];
    for (name, text) in cases {
        let (found, _, _) = one_file(name, text, "llmgateway");
        let at = |line| {
            found
                .iter()
                .find(|f| f.0 == line && f.1 == "OPENROUTER_API_KEY")
                .unwrap_or_else(|| panic!("{name}:{line}: {found:?}"))
                .2
                .clone()
        };
        assert_eq!(at(2), "none", "{name}: {found:?}");
        assert_eq!(at(3), "auto", "{name}: {found:?}");
    }
}

/// An id of an author no table lists, with OpenRouter's `:free` suffix,
/// where a model is expected is a finding; the same shape elsewhere is not.
#[test]
fn an_unlisted_author_with_a_variant_suffix_is_found_where_a_model_is_expected() {
    let yaml = "openrouter:\n  base-url: https://openrouter.ai/api/v1\n  model: tngtech/deepseek-r1t2-chimera:free\napp:\n  landing: plans/tier:free\n";
    let (found, after, _) = one_file("application.yaml", yaml, "llmgateway");
    let slugs: Vec<_> = found.iter().filter(|f| f.1.contains(":free")).collect();
    assert_eq!(slugs.len(), 1, "{found:?}");
    assert_eq!(slugs[0].0, 3, "{found:?}");
    assert_eq!(slugs[0].2, "manual", "{found:?}");
    assert!(
        after.contains("model: tngtech/deepseek-r1t2-chimera:free"),
        "{after}"
    );
}

/// An Android app reads its key as `BuildConfig.X`, a constant the Gradle
/// script declares with `buildConfigField`: both are program identifiers,
/// so the declaration and every use (inside a `"${..}"` template hole too)
/// keep one name, and `--rename-identifiers` renames them together.
#[test]
fn a_build_config_constant_keeps_one_name_in_the_script_and_the_code() {
    let gradle = "android {\n    defaultConfig {\n        \
                  buildConfigField(\"String\", \"OPENROUTER_API_KEY\", \"\\\"${System.getenv(\"OPENROUTER_API_KEY\") ?: \"\"}\\\"\")\n    }\n}\n";
    let kt = "package app\n\nobject Llm {\n    \
              const val BASE_URL = \"https://openrouter.ai/api/v1/\"\n    \
              val auth = \"Bearer ${BuildConfig.OPENROUTER_API_KEY}\"\n    \
              val ok = BuildConfig.OPENROUTER_API_KEY.isNotBlank()\n}\n";
    for rename in [false, true] {
        let dir = tempfile::tempdir().unwrap();
        std::fs::create_dir_all(dir.path().join("app")).unwrap();
        std::fs::write(dir.path().join("app/build.gradle.kts"), gradle).unwrap();
        std::fs::write(dir.path().join("app/Llm.kt"), kt).unwrap();
        let mut args = vec!["rewrite", ".", "--to", "llmgateway", "--write"];
        if rename {
            args.push("--rename-identifiers");
        }
        run(dir.path(), &args);
        let g = read(dir.path(), "app/build.gradle.kts");
        let k = read(dir.path(), "app/Llm.kt");
        // The environment read moves in both runs.
        assert!(g.contains("System.getenv(\"LLM_GATEWAY_API_KEY\")"), "{g}");
        let name = if rename {
            "LLM_GATEWAY_API_KEY"
        } else {
            "OPENROUTER_API_KEY"
        };
        assert!(
            g.contains(&format!("buildConfigField(\"String\", \"{name}\"")),
            "{g}"
        );
        assert!(
            k.contains(&format!("\"Bearer ${{BuildConfig.{name}}}\"")),
            "{k}"
        );
        assert!(
            k.contains(&format!("= BuildConfig.{name}.isNotBlank()")),
            "{k}"
        );
    }
}

/// A form field in a template (Blade, the text pass) has the name the
/// controller reads: renaming it alone would break the form.
#[test]
fn a_form_field_in_a_template_is_a_manual_item() {
    let blade = "<form method=\"POST\">\n  <input type=\"password\" name=\"openrouter_api_key\">\n  @error('openrouter_api_key') <p>{{ $message }}</p> @enderror\n</form>\n<a href=\"https://openrouter.ai/api/v1\">API</a>\n";
    let (found, after, _) = one_file("resources/views/llm.blade.php", blade, "llmgateway");
    let fields: Vec<_> = found
        .iter()
        .filter(|f| f.1 == "openrouter_api_key")
        .collect();
    assert_eq!(fields.len(), 2, "{found:?}");
    assert!(fields.iter().all(|f| f.2 == "manual"), "{found:?}");
    assert!(after.contains("name=\"openrouter_api_key\""), "{after}");
}

/// A file that hard-codes an OpenRouter key sends it wherever its URL
/// points: `--write` must not move that URL (appsettings.json, a script),
/// though it still rewrites a URL in Markdown prose next to a key.
#[test]
fn a_url_next_to_a_hard_coded_key_stays_until_the_key_is_replaced() {
    let key = format!("sk-or-v1-{}", "0123456789abcdef".repeat(4));
    let json_text = format!(
        "{{\n  \"OpenRouter\": {{\n    \"ApiKey\": \"{key}\",\n    \"BaseUrl\": \"https://openrouter.ai/api/v1\"\n  }}\n}}\n"
    );
    let (found, after, _) = one_file("appsettings.json", &json_text, "llmgateway");
    let url = found
        .iter()
        .find(|f| f.1 == "https://openrouter.ai/api/v1")
        .unwrap();
    assert_eq!(url.2, "manual", "{found:?}");
    assert!(url.3.ends_with(":sends-key"), "{found:?}");
    assert!(
        after.contains("\"BaseUrl\": \"https://openrouter.ai/api/v1\""),
        "{after}"
    );
    // Without the key the same URL moves.
    let plain = json_text.replace(&key, "");
    let (_, after, _) = one_file("appsettings.json", &plain, "llmgateway");
    assert!(
        after.contains("\"BaseUrl\": \"https://api.llmgateway.io/v1\""),
        "{after}"
    );
}

/// A placeholder value in a setup snippet is not a variable: no finding and
/// no checklist step names it. It follows the renamed variable, though:
/// `LLM_GATEWAY_API_KEY=your_openrouter_key` would ask for an OpenRouter key
/// in the new gateway's variable.
#[test]
fn a_placeholder_value_is_not_a_variable() {
    let md = "# Setup\n\n```bash\nexport OPENROUTER_API_KEY=your_openrouter_key\n```\n\n```env\nOPENROUTER_API_KEY=YOUR_OPENROUTER_API_KEY\n```\n";
    let (found, after, checklist) = one_file("README.md", md, "llmgateway");
    assert!(
        found
            .iter()
            .all(|f| !f.1.to_ascii_lowercase().starts_with("your_")),
        "{found:?}"
    );
    assert!(
        after.contains("export LLM_GATEWAY_API_KEY=your_llm_gateway_key"),
        "{after}"
    );
    assert!(
        after.contains("LLM_GATEWAY_API_KEY=YOUR_LLM_GATEWAY_API_KEY"),
        "{after}"
    );
    assert!(
        !checklist.to_string().to_ascii_lowercase().contains("your_"),
        "{checklist}"
    );
    assert_eq!(
        set_steps(&checklist),
        ["LLM_GATEWAY_API_KEY"],
        "{checklist}"
    );
}

/// The variables the checklist asks deployments to set ("set X in every
/// deployment that sets Y today"), in order.
fn set_steps(checklist: &serde_json::Value) -> Vec<String> {
    checklist
        .as_array()
        .unwrap()
        .iter()
        .filter(|i| i["step"] == "set-variable")
        .filter_map(|i| i["what"].as_str()?.strip_prefix("set ")?.split(' ').next())
        .map(str::to_owned)
        .collect()
}

#[test]
fn an_openrouter_only_path_appended_to_the_base_keeps_the_file_on_openrouter() {
    // f-string, concatenation, JS template, Go Sprintf, Rust format!, shell.
    let cases = [
        (
            "billing.py",
            "import os, httpx\nBASE = \"https://openrouter.ai/api/v1\"\nKEY = os.environ[\"OPENROUTER_API_KEY\"]\n\
             def left():\n    return httpx.get(f\"{BASE}/credits\", headers={\"Authorization\": f\"Bearer {KEY}\"})\n\
             def chat():\n    return httpx.post(BASE + \"/chat/completions\", json={\"model\": \"openai/gpt-4o-mini\"}, headers={\"Authorization\": f\"Bearer {KEY}\"})\n",
            "/credits",
        ),
        (
            "key.py",
            "import os, httpx\nBASE = \"https://openrouter.ai/api/v1\"\n\
             info = httpx.get(BASE + \"/auth/key\", headers={\"Authorization\": \"Bearer \" + os.environ[\"OPENROUTER_API_KEY\"]})\n",
            "/auth/key",
        ),
        (
            "usage.ts",
            "const BASE = \"https://openrouter.ai/api/v1\";\n\
             export const cost = (id: string) => fetch(`${BASE}/generation?id=${id}`, { headers: { Authorization: `Bearer ${process.env.OPENROUTER_API_KEY}` } });\n",
            "/generation",
        ),
        (
            "main.go",
            "package main\n\nimport (\n\t\"fmt\"\n\t\"net/http\"\n\t\"os\"\n)\n\nconst base = \"https://openrouter.ai/api/v1\"\n\n\
             func main() {\n\treq, _ := http.NewRequest(\"GET\", fmt.Sprintf(\"%s/key\", base), nil)\n\
             \treq.Header.Set(\"Authorization\", \"Bearer \"+os.Getenv(\"OPENROUTER_API_KEY\"))\n\thttp.DefaultClient.Do(req)\n}\n",
            "/key",
        ),
        (
            "src/main.rs",
            "struct OpenRouterClient { base: String }\nimpl OpenRouterClient {\n    fn new() -> Self { Self { base: \"https://openrouter.ai/api/v1\".into() } }\n\
             \x20   fn credits(&self) -> String { format!(\"{}/credits\", self.base) }\n}\n\
             fn main() { let _k = std::env::var(\"OPENROUTER_API_KEY\"); }\n",
            "/credits",
        ),
        (
            "balance.sh",
            "#!/bin/sh\nOR_BASE=\"https://openrouter.ai/api/v1\"\ncurl \"$OR_BASE/credits\" -H \"Authorization: Bearer $OPENROUTER_API_KEY\"\n",
            "/credits",
        ),
    ];
    for (name, text, path) in cases {
        let (found, after, _) = one_file(name, text, "llmgateway");
        let appended = found
            .iter()
            .find(|f| f.3 == format!("openrouter:base-url:appended:{path}"))
            .unwrap_or_else(|| panic!("{name}: no {path} finding in {found:?}"));
        assert_eq!((appended.1.as_str(), appended.2.as_str()), (path, "manual"));
        // The base, its key and the ids sent there stay, so nothing moves.
        let base = found
            .iter()
            .find(|f| f.1 == "https://openrouter.ai/api/v1")
            .unwrap();
        assert_eq!(base.2, "manual", "{name}: {found:?}");
        assert!(base.3.ends_with(":appends"), "{name}: {found:?}");
        for f in found.iter().filter(|f| f.1 == "OPENROUTER_API_KEY") {
            assert_eq!(f.2, "manual", "{name}: {found:?}");
        }
        assert!(found.iter().all(|f| f.2 != "auto"), "{name}: {found:?}");
        assert_eq!(after, text, "{name} changed");
    }
}

/// A client whose key is handed in from another file (where it is read,
/// and renamed) must not keep its URL on OpenRouter: the new gateway's key
/// would go there. Its URL moves with the key; the paths stay manual items.
#[test]
fn a_client_given_its_key_moves_its_base_and_reports_the_paths() {
    let ts = "const BASE_URL = 'https://openrouter.ai/api/v1';\n\
              export class OpenRouterApi {\n  constructor(private apiKey: string) {}\n\
              \x20 videos() { return fetch(`${BASE_URL}/videos`, { headers: { Authorization: `Bearer ${this.apiKey}` } }); }\n}\n";
    let (found, after, _) = one_file("src/api.ts", ts, "llmgateway");
    let base = found
        .iter()
        .find(|f| f.1 == "https://openrouter.ai/api/v1")
        .unwrap();
    assert_eq!(base.2, "auto", "{found:?}");
    assert!(
        found
            .iter()
            .any(|f| f.1 == "/videos" && f.2 == "manual" && f.3.ends_with("appended:/videos")),
        "{found:?}"
    );
    assert!(after.contains("'https://api.llmgateway.io/v1'"), "{after}");
}

#[test]
fn paths_the_target_serves_or_not_appended_to_anything_are_not_findings() {
    let py = "import os, httpx\nBASE = \"https://openrouter.ai/api/v1\"\n\
              KEY = os.environ[\"OPENROUTER_API_KEY\"]\n\
              ROUTES = {\"credits\": \"/credits\", \"key\": \"/key\"}\n\
              def chat():\n    return httpx.post(f\"{BASE}/chat/completions\", headers={\"Authorization\": f\"Bearer {KEY}\"})\n";
    let (found, after, _) = one_file("client.py", py, "llmgateway");
    assert!(
        found.iter().all(|f| !f.3.contains(":appended:")),
        "{found:?}"
    );
    assert!(after.contains("https://api.llmgateway.io/v1"), "{after}");
    // The app's own backend, in a file whose code does not name OpenRouter.
    let ts = "// Our backend, not OpenRouter.\nconst API = import.meta.env.VITE_API_URL;\n\
              export const credits = () => fetch(`${API}/credits`);\n";
    let (found, _, _) = one_file("backend.ts", ts, "llmgateway");
    assert!(found.is_empty(), "{found:?}");
}

/// Words naming the old gateway's key on the line of a key variable the
/// rewrite renames (a docs table row, a quoted placeholder, the comment
/// right above it in an env file) name the target's key afterwards; the
/// same words beside a variable that is not renamed, or a sentence that
/// only names OpenRouter, stay.
#[test]
fn words_naming_the_old_key_follow_the_renamed_variable() {
    let md = "| Variable | Meaning |\n| --- | --- |\n| `OPENROUTER_API_KEY` | OpenRouter API key (for AI chat) |\n| `SPEND_CAP` | Cap on your OpenRouter key's spend |\n\n```bash\nOPENROUTER_API_KEY=\"your-openrouter-api-key\"\n```\n\nKeys live on OpenRouter's dashboard.\n";
    let (_, after, _) = one_file("README.md", md, "ominigate");
    assert!(
        after.contains("| `OMINIGATE_API_KEY` | OminiGate API key (for AI chat) |"),
        "{after}"
    );
    assert!(
        after.contains("OMINIGATE_API_KEY=\"your-ominigate-api-key\""),
        "{after}"
    );
    assert!(
        after.contains("| `SPEND_CAP` | Cap on your OpenRouter key's spend |"),
        "{after}"
    );
    assert!(
        after.contains("Keys live on OpenRouter's dashboard."),
        "{after}"
    );

    let env = "# OpenRouter API key\nOPENROUTER_API_KEY=your_openrouter_api_key\n\n# Your OpenRouter key's budget\nBUDGET=20\n";
    let (_, after, checklist) = one_file(".env.example", env, "llmgateway");
    assert_eq!(
        after,
        "# LLM Gateway API key\nLLM_GATEWAY_API_KEY=your_llm_gateway_api_key\n\n# Your OpenRouter key's budget\nBUDGET=20\n"
    );
    // The words that followed the variable are not variables to set
    // (EduPack-new-interface's checklist had "set llmgtwy_ in every deployment
    // that sets sk-or- today").
    assert_eq!(
        set_steps(&checklist),
        ["LLM_GATEWAY_API_KEY"],
        "{checklist}"
    );

    // A key elided after OpenRouter's prefix, in setup docs.
    let md = "Set `OPENROUTER_API_KEY=sk-or-...` first.\n\n```json\n{ \"env\": { \"OPENROUTER_API_KEY\": \"sk-or-v1-xxxxxxxx\" } }\n```\n\nKeys look like sk-or-... on OpenRouter.\n";
    let (_, after, checklist) = one_file("CONNECT.md", md, "llmgateway");
    assert_eq!(
        set_steps(&checklist),
        ["LLM_GATEWAY_API_KEY"],
        "{checklist}"
    );
    assert!(
        after.contains("`LLM_GATEWAY_API_KEY=llmgtwy_...`"),
        "{after}"
    );
    assert!(
        after.contains("\"LLM_GATEWAY_API_KEY\": \"llmgtwy_xxxxxxxx\""),
        "{after}"
    );
    assert!(
        after.contains("Keys look like sk-or-... on OpenRouter."),
        "{after}"
    );
    // A YAML entry's label describes the value its renamed id holds
    // (SamSaffron/term-llm's container prompts); another entry's does not.
    let yaml = "prompts:\n  - id: openrouter_api_key\n    label: \"OpenRouter API key\"\n    type: secret\n  - id: zen_api_key\n    label: \"Zen API key (not your OpenRouter key)\"\n";
    let (_, after, _) = one_file("agent.yaml", yaml, "llmgateway");
    assert_eq!(
        after,
        "prompts:\n  - id: llm_gateway_api_key\n    label: \"LLM Gateway API key\"\n    type: secret\n  - id: zen_api_key\n    label: \"Zen API key (not your OpenRouter key)\"\n"
    );
    // Spelt out as a placeholder (emrsyah/open-ta-agent's .env.example).
    let env = "OPENROUTER_API_KEY=sk-or-v1-your-key-here\nOTHER_KEY=sk-or-your-key-here\n";
    let (_, after, _) = one_file(".env.example", env, "llmgateway");
    assert_eq!(
        after,
        "LLM_GATEWAY_API_KEY=llmgtwy_your-key-here\nOTHER_KEY=sk-or-your-key-here\n"
    );

    // A key that stays with a request still on OpenRouter keeps its words.
    let py = "import os, requests\nKEY = os.environ[\"OPENROUTER_API_KEY\"]  # your OpenRouter API key\nrequests.get(\"https://openrouter.ai/api/v1/credits\", headers={\"Authorization\": f\"Bearer {KEY}\"})\n";
    let (_, after, _) = one_file("credits.py", py, "llmgateway");
    assert!(after.contains("# your OpenRouter API key"), "{after}");
}

/// Clients held in attributes (`self.client`, `this.client`, a TS class
/// field) decide the ids sent through them within their class: in a file
/// with a Groq class and an OpenRouter class, Groq's `openai/gpt-oss-120b`
/// (an id Groq serves under that name) must not be renamed for the target.
#[test]
fn ids_sent_through_a_class_held_client_follow_that_client() {
    let py = "import os\nfrom openai import OpenAI\n\n\nclass GroqLLM:\n    def __init__(self):\n\
              \x20       self.client = OpenAI(\n            base_url=\"https://api.groq.com/openai/v1\",\n            api_key=os.environ[\"GROQ_API_KEY\"],\n        )\n\n\
              \x20   def ask(self, prompt):\n        return self.client.chat.completions.create(\n            model=\"openai/gpt-oss-120b\",\n            messages=[{\"role\": \"user\", \"content\": prompt}],\n        )\n\n\n\
              class RouterLLM:\n    def ask(self, prompt):\n        return self.client.chat.completions.create(model=\"openai/gpt-4o-mini\", messages=[])\n\n\
              \x20   def __init__(self):\n        self.client = OpenAI(base_url=\"https://openrouter.ai/api/v1\", api_key=os.environ[\"OPENROUTER_API_KEY\"])\n";
    let ts = "import OpenAI from \"openai\";\n\nexport class GroqLLM {\n  private client = new OpenAI({ baseURL: \"https://api.groq.com/openai/v1\" });\n\n\
              \x20 ask(prompt: string) {\n    return this.client.chat.completions.create({ model: \"openai/gpt-oss-120b\", messages: [] });\n  }\n}\n\n\
              export class RouterLLM extends Base implements LLM {\n  private client: OpenAI;\n  constructor() {\n    super();\n\
              \x20   this.client = new OpenAI({ baseURL: \"https://openrouter.ai/api/v1\", apiKey: process.env.OPENROUTER_API_KEY });\n  }\n\n\
              \x20 ask(prompt: string) {\n    return this.client.chat.completions.create({ model: \"openai/gpt-4o-mini\", messages: [] });\n  }\n}\n";
    for (name, text) in [("llm.py", py), ("llm.ts", ts)] {
        let (found, after, _) = one_file(name, text, "llmgateway");
        assert!(
            !found.iter().any(|f| f.1 == "openai/gpt-oss-120b"),
            "{name}: {found:?}"
        );
        assert!(
            found
                .iter()
                .any(|f| f.1 == "openai/gpt-4o-mini" && f.2 == "auto"),
            "{name}: {found:?}"
        );
        assert!(after.contains("\"openai/gpt-oss-120b\""), "{name}: {after}");
        assert!(after.contains("\"gpt-4o-mini\""), "{name}: {after}");
        assert!(after.contains("https://api.groq.com/openai/v1"), "{name}");
    }
}

/// Another provider's SDK client (rules: `provider_clients`) sends to that
/// provider unless given a base URL: Groq serves `openai/gpt-oss-120b`
/// under that very name, so the id must not be renamed for the target,
/// even in a file that also talks to OpenRouter.
#[test]
fn ids_sent_through_another_providers_sdk_client_are_left_alone() {
    let py = "import os\nfrom groq import Groq\nfrom openai import OpenAI\n\n\
              groq = Groq(api_key=os.environ[\"GROQ_API_KEY\"])\n\
              proxied = Groq(base_url=os.environ[\"LLM_PROXY\"])\n\
              router = OpenAI(base_url=\"https://openrouter.ai/api/v1\", api_key=os.environ[\"OPENROUTER_API_KEY\"])\n\n\
              fast = groq.chat.completions.create(model=\"openai/gpt-oss-120b\", messages=[])\n\
              odd = proxied.chat.completions.create(model=\"openai/gpt-oss-20b\", messages=[])\n\
              smart = router.chat.completions.create(model=\"openai/gpt-4o-mini\", messages=[])\n";
    let ts = "import Groq from \"groq-sdk\";\nimport OpenAI from \"openai\";\n\n\
              const groq = new Groq({ apiKey: process.env.GROQ_API_KEY });\n\
              const router = new OpenAI({ baseURL: \"https://openrouter.ai/api/v1\", apiKey: process.env.OPENROUTER_API_KEY });\n\n\
              export const fast = () => groq.chat.completions.create({ model: \"openai/gpt-oss-120b\", messages: [] });\n\
              export const smart = () => router.chat.completions.create({ model: \"openai/gpt-4o-mini\", messages: [] });\n";
    for (name, text) in [("bot.py", py), ("bot.ts", ts)] {
        let (found, after, _) = one_file(name, text, "llmgateway");
        assert!(
            !found.iter().any(|f| f.1 == "openai/gpt-oss-120b"),
            "{name}: {found:?}"
        );
        assert!(after.contains("\"openai/gpt-oss-120b\""), "{name}: {after}");
        assert!(after.contains("\"gpt-4o-mini\""), "{name}: {after}");
    }
    // A Groq client pointed at some other base URL is not Groq's for sure:
    // its id stays a finding, as before.
    let (found, _, _) = one_file("bot.py", py, "llmgateway");
    assert!(
        found.iter().any(|f| f.1 == "openai/gpt-oss-20b"),
        "{found:?}"
    );
}

/// Ids given straight to another provider's framework class or model
/// factory (LangChain's `ChatGroq`, the AI SDK's `groq(...)` and a
/// `createGroq()` instance) are that provider's; beside them the
/// OpenRouter ids still move.
#[test]
fn ids_given_to_another_providers_model_factory_are_left_alone() {
    let py = "import os\nfrom langchain_groq import ChatGroq\nfrom langchain_openai import ChatOpenAI\n\n\
              fast = ChatGroq(model=\"openai/gpt-oss-120b\", temperature=0)\n\
              proxied = ChatGroq(model=\"openai/gpt-oss-20b\", base_url=os.environ[\"LLM_PROXY\"])\n\
              smart = ChatOpenAI(model=\"openai/gpt-4o-mini\", base_url=\"https://openrouter.ai/api/v1\", api_key=os.environ[\"OPENROUTER_API_KEY\"])\n";
    let ts = "import { groq } from \"@ai-sdk/groq\";\nimport { createTogetherAI } from \"@ai-sdk/togetherai\";\n\
              import { createOpenRouter } from \"@openrouter/ai-sdk-provider\";\nimport { generateText } from \"ai\";\n\n\
              const together = createTogetherAI({ apiKey: process.env.TOGETHER_API_KEY });\n\
              const openrouter = createOpenRouter({ apiKey: process.env.OPENROUTER_API_KEY });\n\n\
              export const a = () => generateText({ model: groq(\"openai/gpt-oss-120b\"), prompt: \"hi\" });\n\
              export const b = () => generateText({ model: together(\"openai/gpt-oss-20b\"), prompt: \"hi\" });\n\
              export const c = () => generateText({ model: openrouter(\"openai/gpt-4o-mini\"), prompt: \"hi\" });\n";
    let agno = "import os\nfrom agno.agent import Agent\nfrom agno.models.groq import Groq\nfrom agno.models.openai.like import OpenAILike\n\n\
                fast = Agent(model=Groq(id=\"openai/gpt-oss-120b\"))\n\
                smart = Agent(model=OpenAILike(id=\"openai/gpt-4o-mini\", base_url=\"https://openrouter.ai/api/v1\", api_key=os.environ[\"OPENROUTER_API_KEY\"]))\n";
    for (name, text, kept) in [
        ("agent.py", py, &["openai/gpt-oss-120b"][..]),
        ("team.py", agno, &["openai/gpt-oss-120b"][..]),
        (
            "route.ts",
            ts,
            &["openai/gpt-oss-120b", "openai/gpt-oss-20b"][..],
        ),
    ] {
        let (found, after, _) = one_file(name, text, "llmgateway");
        for id in kept {
            assert!(!found.iter().any(|f| f.1 == *id), "{name} {id}: {found:?}");
            assert!(after.contains(&format!("\"{id}\"")), "{name}: {after}");
        }
        assert!(after.contains("\"gpt-4o-mini\""), "{name}: {after}");
    }
    // Given a base URL of its own, ChatGroq is not Groq's for sure.
    let (found, _, _) = one_file("agent.py", py, "llmgateway");
    assert!(
        found.iter().any(|f| f.1 == "openai/gpt-oss-20b"),
        "{found:?}"
    );
}

/// A provider-prefixed model string (pydantic-ai's `Agent("groq:...")`, an
/// AI SDK registry's `languageModel("groq:...")`) routes to that provider:
/// not OpenRouter's id. With the `openrouter:` prefix it still is one.
#[test]
fn a_provider_prefixed_model_string_is_that_providers() {
    let py = "import os\nfrom pydantic_ai import Agent\n\n\
              OPENROUTER_KEY = os.environ[\"OPENROUTER_API_KEY\"]\n\
              fast = Agent(\"groq:openai/gpt-oss-120b\")\n\
              smart = Agent(\"openrouter:openai/gpt-4o-mini\")\n";
    let (found, after, _) = one_file("agents.py", py, "llmgateway");
    assert!(
        !found.iter().any(|f| f.1 == "openai/gpt-oss-120b"),
        "{found:?}"
    );
    assert!(
        found.iter().any(|f| f.1 == "openai/gpt-4o-mini"),
        "{found:?}"
    );
    assert!(after.contains("\"groq:openai/gpt-oss-120b\""), "{after}");
}

/// Another host's URL held in a constant (`GROQ_URL = "https://api.groq.com/..."`)
/// and given as a client's base URL makes that client another host's; the
/// target's own URL in a constant does not (after the migration, ids sent
/// there are what the gate checks).
#[test]
fn a_base_url_constant_of_another_host_makes_its_client_that_hosts() {
    let py = "import os\nfrom openai import OpenAI\nfrom langchain_openai import ChatOpenAI\n\n\
              GROQ_URL = \"https://api.groq.com/openai/v1\"\nOPENROUTER_URL = \"https://openrouter.ai/api/v1\"\n\n\
              groq = OpenAI(base_url=GROQ_URL, api_key=os.environ[\"GROQ_API_KEY\"])\n\
              router = OpenAI(base_url=OPENROUTER_URL, api_key=os.environ[\"OPENROUTER_API_KEY\"])\n\n\
              fast = groq.chat.completions.create(model=\"openai/gpt-oss-120b\", messages=[])\n\
              lc = ChatOpenAI(model=\"openai/gpt-oss-20b\", base_url=GROQ_URL)\n\
              smart = router.chat.completions.create(model=\"openai/gpt-4o-mini\", messages=[])\n";
    let ts = "import OpenAI from \"openai\";\n\nconst GROQ_BASE = \"https://api.groq.com/openai/v1\";\n\
              const groq = new OpenAI({ baseURL: GROQ_BASE, apiKey: process.env.GROQ_API_KEY });\n\
              const router = new OpenAI({ baseURL: \"https://openrouter.ai/api/v1\", apiKey: process.env.OPENROUTER_API_KEY });\n\n\
              export const fast = () => groq.chat.completions.create({ model: \"openai/gpt-oss-120b\", messages: [] });\n\
              export const smart = () => router.chat.completions.create({ model: \"openai/gpt-4o-mini\", messages: [] });\n";
    for (name, text) in [("a.py", py), ("a.ts", ts)] {
        let (found, after, _) = one_file(name, text, "llmgateway");
        assert!(
            !found.iter().any(|f| f.1.starts_with("openai/gpt-oss")),
            "{name}: {found:?}"
        );
        assert!(after.contains("\"openai/gpt-oss-120b\""), "{name}: {after}");
        assert!(after.contains("\"gpt-4o-mini\""), "{name}: {after}");
    }
    // After the migration the target's URL sits in a constant: an id the
    // table does not map, sent there, is still reported.
    let migrated = "import os\nfrom openai import OpenAI\n\nBASE = \"https://api.llmgateway.io/v1\"\n\
                    client = OpenAI(base_url=BASE, api_key=os.environ[\"LLM_GATEWAY_API_KEY\"])\n\
                    r = client.chat.completions.create(model=\"openai/gpt-4o-mini:free\", messages=[])\n";
    let (found, _, _) = one_file("after.py", migrated, "llmgateway");
    assert!(
        found.iter().any(|f| f.1.starts_with("openai/gpt-4o-mini")),
        "{found:?}"
    );
}

/// DSPy's `dspy.LM` routes by LiteLLM's provider prefix (emrsyah/open-ta-agent):
/// `openai/gpt-4o-mini` is OpenAI's model and stays; `openai/<OpenRouter id>`
/// with OpenRouter's `api_base` sends that id to the base URL, so it moves
/// with it; an `openrouter/` route stays on OpenRouter with its key.
#[test]
fn dspy_ids_are_litellm_routes() {
    let py = "import os\nimport dspy\n\n\
              main = dspy.LM(\"openai/anthropic/claude-3.5-sonnet\", api_base=\"https://openrouter.ai/api/v1\", api_key=os.getenv(\"OPENROUTER_API_KEY\"))\n\
              cheap = dspy.LM(\"openrouter/google/gemini-2.5-flash-lite\", api_key=os.getenv(\"OPENROUTER_API_KEY\"))\n\
              direct = dspy.LM(\"openai/gpt-4o-mini\", api_key=os.getenv(\"OPENAI_API_KEY\"))\n";
    let (_, after, _) = one_file("lm.py", py, "llmgateway");
    assert!(
        after.contains("main = dspy.LM(\"openai/claude-sonnet-4-6\", api_base=\"https://api.llmgateway.io/v1\", api_key=os.getenv(\"LLM_GATEWAY_API_KEY\"))"),
        "{after}"
    );
    assert!(
        after.contains("cheap = dspy.LM(\"openrouter/google/gemini-2.5-flash-lite\", api_key=os.getenv(\"OPENROUTER_API_KEY\"))"),
        "{after}"
    );
    assert!(
        after.contains("direct = dspy.LM(\"openai/gpt-4o-mini\""),
        "{after}"
    );
}

/// A request shown in docs (a troubleshooting `curl .../models` that stays on
/// OpenRouter with its key) is not one the service makes: the service's
/// config still renames the key it reads next to its moved base URL, or
/// the OpenRouter key would go to the new gateway (jivzik/AI_Advent_Challenge).
#[test]
fn a_request_in_docs_does_not_keep_the_services_key() {
    let dir = tempfile::tempdir().unwrap();
    let props = "spring.ai.openrouter.api-key=${OPENROUTER_API_KEY:your-api-key-here}\nspring.ai.openrouter.base-url=https://openrouter.ai/api/v1\n";
    let md = "# Troubleshooting\n\n```bash\ncurl https://openrouter.ai/api/v1/models \\\n  -H \"Authorization: Bearer $OPENROUTER_API_KEY\"\n```\n";
    std::fs::create_dir_all(dir.path().join("docs")).unwrap();
    std::fs::write(dir.path().join("application.properties"), props).unwrap();
    std::fs::write(dir.path().join("docs/TROUBLESHOOTING.md"), md).unwrap();
    run(
        dir.path(),
        &["rewrite", ".", "--to", "llmgateway", "--write"],
    );
    let props = read(dir.path(), "application.properties");
    assert!(props.contains("${LLM_GATEWAY_API_KEY:"), "{props}");
    assert!(props.contains("=https://api.llmgateway.io/v1"), "{props}");
    // The snippet itself keeps its request and key (a manual item).
    assert_eq!(read(dir.path(), "docs/TROUBLESHOOTING.md"), md);
}

/// A key that only mentions OpenRouter (`openrouter_api_key: { .. }` in a
/// settings schema) is not a provider's entry of a table keyed by
/// provider: the entries beside it (`default_model`) are not another
/// provider's, and an OpenRouter-only id there stays a finding
/// (stabgan/openrouter-mcp-multimodal's build-manifest.mjs).
#[test]
fn a_key_naming_openrouters_key_is_not_a_provider_entry() {
    let js = "const manifest = {\n  user_config: {\n    openrouter_api_key: {\n      type: 'string',\n      title: 'OpenRouter API Key',\n      sensitive: true,\n    },\n    default_model: {\n      type: 'string',\n      title: 'Default Model',\n      default: 'nvidia/nemotron-nano-12b-v2-vl:free',\n    },\n  },\n};\nexport default manifest;\n";
    let (found, _, _) = one_file("scripts/build-manifest.mjs", js, "llmgateway");
    assert!(
        found
            .iter()
            .any(|f| f.1 == "nvidia/nemotron-nano-12b-v2-vl:free" && f.2 == "manual"),
        "{found:?}"
    );
}

/// Ai-sdk-example (Shruthikshetty/ai-sdk-example) switches providers by
/// name; Vercel's AI Gateway (`gateway` from `ai`, or a `createGateway()`
/// instance) is one of them and names models `openai/gpt-4.1-nano` too.
/// Its id must stay; the OpenRouter branch's id beside it moves.
#[test]
fn ids_sent_to_vercels_ai_gateway_are_left_alone() {
    let ts = "import { google } from \"@ai-sdk/google\";\n\
              import openRouter from \"./open-router.config\";\n\
              import { groq } from \"@ai-sdk/groq\";\n\
              import { gateway, createGateway } from \"ai\";\n\n\
              const vercel = createGateway({ apiKey: process.env.AI_GATEWAY_API_KEY });\n\n\
              export const modelProviderToggleChat = (provider: string, model?: string) => {\n\
              \x20 switch (provider) {\n\
              \x20   case \"groq\":\n\
              \x20     return groq(model ?? \"llama-3.1-8b-instant\");\n\
              \x20   case \"gateway\":\n\
              \x20     return gateway(model ?? \"openai/gpt-4.1-nano\");\n\
              \x20   case \"vercel\":\n\
              \x20     return vercel(model ?? \"openai/gpt-4o\");\n\
              \x20   case \"openrouter\":\n\
              \x20   default:\n\
              \x20     return openRouter.chat(model ?? \"openai/gpt-4o-mini\");\n\
              \x20 }\n\
              };\n";
    let config = "import { createOpenRouter } from \"@openrouter/ai-sdk-provider\";\n\n\
                  const openRouter = createOpenRouter({ apiKey: process.env.OPENROUTER_API_KEY });\n\n\
                  export default openRouter;\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("toggle.ts"), ts).unwrap();
    std::fs::write(dir.path().join("open-router.config.ts"), config).unwrap();
    let out = run(
        dir.path(),
        &["rewrite", "--to", "llmgateway", "--write", "."],
    );
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let after = read(dir.path(), "toggle.ts");
    assert!(
        after.contains("gateway(model ?? \"openai/gpt-4.1-nano\")"),
        "{after}"
    );
    assert!(
        after.contains("vercel(model ?? \"openai/gpt-4o\")"),
        "{after}"
    );
    assert!(
        after.contains("openRouter.chat(model ?? \"gpt-4o-mini\")"),
        "{after}"
    );
}

/// Ai-sdk-example (Shruthikshetty/ai-sdk-example) reads its key through a
/// typed env module: `env.ts` parses `{ OPEN_ROUTER_KEY:
/// process.env.OPEN_ROUTER_KEY }` and the client reads `env.OPEN_ROUTER_KEY`
/// from it. Only the `process.env` read is a variable; the member of the
/// imported object is the schema's key, and renaming it alone (to
/// `env.LLM_GATEWAY_API_KEY`) would not type-check and would send no key.
/// A Cloudflare Worker's `env.OPENROUTER_API_KEY` (a parameter) and
/// SvelteKit's `env` from `$env/dynamic/private` are still variables.
#[test]
fn a_member_of_an_imported_env_module_is_not_the_variable() {
    let env_ts = "import { z } from \"zod\";\n\n\
                  const EnvSchema = z.object({\n  OPEN_ROUTER_KEY: z.string().optional().default(\"\"),\n});\n\n\
                  const env = EnvSchema.parse({\n  OPEN_ROUTER_KEY: process.env.OPEN_ROUTER_KEY,\n});\n\n\
                  export default env;\n";
    let config = "import { createOpenRouter } from \"@openrouter/ai-sdk-provider\";\n\
                  import env from \"../../../env\";\n\n\
                  const openRouter = createOpenRouter({\n  apiKey: env.OPEN_ROUTER_KEY,\n});\n\n\
                  export default openRouter;\n";
    let worker = "export default {\n  async fetch(req: Request, env: Env) {\n\
                  \x20   return fetch(\"https://openrouter.ai/api/v1/chat/completions\", {\n\
                  \x20     headers: { Authorization: `Bearer ${env.OPENROUTER_API_KEY}` },\n    });\n  },\n};\n";
    let svelte = "import { env } from \"$env/dynamic/private\";\n\n\
                  export const key = env.OPENROUTER_API_KEY;\n";
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir_all(dir.path().join("src/app/config")).unwrap();
    std::fs::write(dir.path().join("env.ts"), env_ts).unwrap();
    std::fs::write(
        dir.path().join("src/app/config/open-router.config.ts"),
        config,
    )
    .unwrap();
    std::fs::write(dir.path().join("worker.ts"), worker).unwrap();
    std::fs::write(dir.path().join("server.ts"), svelte).unwrap();
    // t3-env: `env` from "@/env.mjs", whose `createEnv` maps the schema key
    // to `process.env.OPENROUTER_API_KEY`.
    let t3 = "import { createEnv } from \"@t3-oss/env-nextjs\";\nimport { z } from \"zod\";\n\n\
              export const env = createEnv({\n  server: { OPENROUTER_API_KEY: z.string().min(1) },\n\
              \x20 runtimeEnv: { OPENROUTER_API_KEY: process.env.OPENROUTER_API_KEY },\n});\n";
    let t3_client = "import { createOpenAI } from \"@ai-sdk/openai\";\nimport { env } from \"@/env.mjs\";\n\n\
                     export const openrouter = createOpenAI({\n  baseURL: \"https://openrouter.ai/api/v1\",\n  apiKey: env.OPENROUTER_API_KEY,\n});\n";
    std::fs::create_dir_all(dir.path().join("src/lib")).unwrap();
    std::fs::write(dir.path().join("src/env.mjs"), t3).unwrap();
    std::fs::write(dir.path().join("src/lib/ai.ts"), t3_client).unwrap();
    let out = run(
        dir.path(),
        &["rewrite", "--to", "llmgateway", "--write", "."],
    );
    assert!(out.code == 0 || out.code == 1, "{}", out.stderr);
    let env_after = read(dir.path(), "env.ts");
    let config_after = read(dir.path(), "src/app/config/open-router.config.ts");
    assert!(
        env_after.contains("OPEN_ROUTER_KEY: process.env.LLM_GATEWAY_API_KEY,"),
        "{env_after}"
    );
    assert!(
        config_after.contains("apiKey: env.OPEN_ROUTER_KEY,"),
        "{config_after}"
    );
    assert!(
        read(dir.path(), "worker.ts").contains("${env.LLM_GATEWAY_API_KEY}"),
        "worker"
    );
    assert!(
        read(dir.path(), "server.ts").contains("env.LLM_GATEWAY_API_KEY;"),
        "sveltekit"
    );
    let t3_after = read(dir.path(), "src/env.mjs");
    assert!(
        t3_after.contains("runtimeEnv: { OPENROUTER_API_KEY: process.env.LLM_GATEWAY_API_KEY }"),
        "{t3_after}"
    );
    let client_after = read(dir.path(), "src/lib/ai.ts");
    assert!(
        client_after.contains("apiKey: env.OPENROUTER_API_KEY,"),
        "{client_after}"
    );
    assert!(
        client_after.contains("https://api.llmgateway.io/v1"),
        "{client_after}"
    );
}

/// A client bound in one function is not what a same-named variable in
/// another function holds (physics91/openrouter-mcp's tests: `client =
/// OpenRouterClient(base_url="https://custom.api.com/v1")` in one test,
/// `client = OpenRouterClient(api_key=..)` then `client.chat_completion(
/// model="openai/gpt-4")` in the next). Deciding the second call by the
/// first test's client dropped its id while the expected payload beside it
/// was rewritten: the test would fail.
#[test]
fn a_client_bound_in_another_function_does_not_decide_ids() {
    let py = "from app.client import OpenRouterClient\n\n\nclass TestClient:\n\
              \x20   def test_custom(self, key):\n        client = OpenRouterClient(api_key=key, base_url=\"https://custom.api.com/v1\")\n        assert client.base_url == \"https://custom.api.com/v1\"\n\n\
              \x20   def test_default(self, key):\n        client = OpenRouterClient(api_key=key)\n        assert client.base_url == \"https://openrouter.ai/api/v1\"\n\n\
              \x20   async def test_chat(self, key):\n        client = OpenRouterClient(api_key=key)\n        await client.chat_completion(model=\"openai/gpt-4o-mini\", messages=[])\n        expected = {\"model\": \"openai/gpt-4o-mini\"}\n";
    let ts = "import { OpenRouterClient } from \"../src/client\";\n\n\
              test(\"custom\", () => {\n  const client = new OpenRouterClient({ baseURL: \"https://custom.api.com/v1\" });\n  expect(client.baseURL).toBe(\"https://custom.api.com/v1\");\n});\n\n\
              test(\"default\", () => {\n  const client = new OpenRouterClient({});\n  expect(client.baseURL).toBe(\"https://openrouter.ai/api/v1\");\n});\n\n\
              test(\"chat\", async () => {\n  const client = new OpenRouterClient({});\n  await client.chat({ model: \"openai/gpt-4o-mini\", messages: [] });\n  const expected = { model: \"openai/gpt-4o-mini\" };\n});\n";
    for (name, text) in [("tests/test_client.py", py), ("tests/client.test.ts", ts)] {
        let (found, after, _) = one_file(name, text, "llmgateway");
        let ids = found.iter().filter(|f| f.1 == "openai/gpt-4o-mini").count();
        assert_eq!(
            ids, 2,
            "{name}: both the call and the expected payload: {found:?}"
        );
        assert!(!after.contains("openai/gpt-4o-mini"), "{name}: {after}");
    }
}
