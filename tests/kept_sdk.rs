//! An SDK the target has no equivalent for keeps calling OpenRouter: the
//! key, headers and base-URL variable handed to it where it is called stay
//! with it (manual), even when the import is far from the call. Found on
//! a public repository (ffbdm/OpenRouterRAG1) where the rewrite sent the
//! new gateway's key through `createOpenRouter` to openrouter.ai.

use llmgw_migrate::finding::Fix;
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::scan_source;
use llmgw_migrate::source::SourceText;

fn fixes(path: &str, text: &str, target: &str) -> Vec<(usize, String, Fix)> {
    let rules = Rules::embedded().unwrap();
    let t = rules.target(target).unwrap();
    let src = SourceText::decode(text.as_bytes().to_vec());
    scan_source(&rules, t, path, &src, true)
        .into_iter()
        .map(|f| (f.line, f.matched, f.fix))
        .collect()
}

const TS: &str = r#"import { createOpenRouter } from "@openrouter/ai-sdk-provider";
import OpenAI from "openai";

export async function suggest(prompt: string) {
  const apiKey = process.env.OPENROUTER_API_KEY;
  if (!apiKey) {
    throw new Error("missing key");
  }
  const headers: Record<string, string> = {
    "X-Title": "Catalog",
  };
  const openrouter = createOpenRouter({
    apiKey,
    baseURL: process.env.OPENROUTER_BASE_URL,
    headers,
  });
  return openrouter.chat("openai/gpt-4o-mini");
}

export function plain() {
  return new OpenAI({
    baseURL: "https://openrouter.ai/api/v1",
    apiKey: process.env.OPENROUTER_API_KEY,
  });
}
"#;

#[test]
fn what_a_kept_sdk_is_handed_stays_with_it() {
    // OminiGate ships no AI SDK provider: the SDK stays (manual).
    let got = fixes("server/catalog.ts", TS, "ominigate");
    let fix_at = |line: usize| {
        got.iter()
            .filter(|(l, _, _)| *l == line)
            .map(|(_, m, f)| (m.as_str(), *f))
            .collect::<Vec<_>>()
    };
    assert_eq!(fix_at(1), [("@openrouter/ai-sdk-provider", Fix::Manual)]);
    assert_eq!(fix_at(5), [("OPENROUTER_API_KEY", Fix::Manual)], "{got:?}");
    assert_eq!(fix_at(10), [("X-Title", Fix::Manual)], "{got:?}");
    assert_eq!(
        fix_at(14),
        [("OPENROUTER_BASE_URL", Fix::Manual)],
        "{got:?}"
    );
    // The OpenAI client in the other function moves: its key moves with it.
    assert_eq!(fix_at(22), [("https://openrouter.ai/api/v1", Fix::Auto)]);
    assert_eq!(fix_at(23), [("OPENROUTER_API_KEY", Fix::Auto)], "{got:?}");
    // LLM Gateway has the equivalent provider: everything moves.
    let got = fixes("server/catalog.ts", TS, "llmgateway");
    for line in [1, 5, 10, 14] {
        assert!(
            got.iter().any(|(l, _, f)| *l == line && *f == Fix::Auto),
            "line {line}: {got:?}"
        );
    }
}

#[test]
fn a_kept_python_sdk_keeps_the_key_it_is_given() {
    let py = r#"import os
from openrouter import OpenRouter as Client


def ask(prompt):
    key = os.environ["OPENROUTER_API_KEY"]
    client = Client(api_key=key)
    return client.chat.send(model="openai/gpt-4o", messages=[{"role": "user", "content": prompt}])
"#;
    let got = fixes("app/ask.py", py, "llmgateway");
    let key = got
        .iter()
        .find(|(l, m, _)| *l == 6 && m == "OPENROUTER_API_KEY")
        .expect("key read");
    assert_eq!(key.2, Fix::Manual, "{got:?}");
}
