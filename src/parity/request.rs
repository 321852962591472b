//! Prompts -> requests: which model id each gateway gets and the exact body.

use serde::Serialize;
use serde_json::{json, Map, Value};

use super::config::Gateway;
use super::error::TableError;
use super::golden::{Endpoint, Mode, Prompt};
use crate::finding::Fix;
use crate::rules::Rules;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Side {
    Baseline,
    Candidate,
}

impl Side {
    pub fn as_str(self) -> &'static str {
        match self {
            Side::Baseline => "baseline",
            Side::Candidate => "candidate",
        }
    }
}

/// The model id a gateway gets for a prompt, or why none is sent.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ModelChoice {
    /// Sent to the gateway; `None` when the mapping needs a person.
    pub sent: Option<String>,
    /// How the id was obtained (mapping rule and reason), when not verbatim.
    pub note: Option<String>,
}

/// Translate the golden slug for one gateway: per-prompt override first,
/// then the gateway's `map_models` table, else the slug as written.
pub fn choose_model(
    rules: &Rules,
    gw: &Gateway,
    prompt: &Prompt,
    side: Side,
) -> Result<ModelChoice, TableError> {
    let over = match side {
        Side::Baseline => &prompt.baseline_model,
        Side::Candidate => &prompt.candidate_model,
    };
    if let Some(m) = over {
        return Ok(ModelChoice {
            sent: Some(m.clone()),
            note: Some(format!("{}_model set in the golden set", side.as_str())),
        });
    }
    let Some(target) = &gw.map_models else {
        return Ok(ModelChoice {
            sent: Some(prompt.model.clone()),
            note: None,
        });
    };
    let table = rules
        .require_target(target)
        .map_err(TableError::from_rules)?;
    let m = table
        .table
        .map_slug(&rules.source_default().table, &prompt.model);
    Ok(match (m.fix, &m.to) {
        (Fix::Manual, _) | (_, None) => ModelChoice {
            sent: None,
            note: Some(format!(
                "{} -> {} needs a person ({}: {}){}; set {}_model on the prompt to choose",
                m.from,
                m.to.as_deref().unwrap_or("?"),
                m.rule,
                m.why,
                format_args!(" [{}]", table.label()),
                side.as_str()
            )),
        },
        (_, Some(to)) => ModelChoice {
            sent: Some(to.clone()),
            note: (to != &prompt.model).then(|| format!("{} ({}: {})", to, m.rule, m.why)),
        },
    })
}

/// The request body for one prompt, mode and model, for the prompt's
/// endpoint.
pub fn body(prompt: &Prompt, mode: Mode, model: &str) -> Value {
    match prompt.endpoint {
        Endpoint::Chat => chat_body(prompt, mode, model),
        Endpoint::Embeddings => embeddings_body(prompt, model),
        Endpoint::Responses => responses_body(prompt, mode, model),
    }
}

fn chat_body(prompt: &Prompt, mode: Mode, model: &str) -> Value {
    let mut b = Map::new();
    b.insert("model".into(), Value::String(model.to_owned()));
    b.insert("messages".into(), Value::Array(prompt.messages.clone()));
    for (k, v) in &prompt.params {
        b.insert(k.clone(), v.clone());
    }
    if let Some(t) = &prompt.tools {
        b.insert("tools".into(), t.clone());
    }
    if let Some(t) = &prompt.tool_choice {
        b.insert("tool_choice".into(), t.clone());
    }
    if mode == Mode::Stream {
        b.insert("stream".into(), Value::Bool(true));
        // Without it OpenAI-style servers send no usage on streams.
        b.insert("stream_options".into(), json!({"include_usage": true}));
    }
    Value::Object(b)
}

fn embeddings_body(prompt: &Prompt, model: &str) -> Value {
    let mut b = Map::new();
    b.insert("model".into(), Value::String(model.to_owned()));
    b.insert("input".into(), prompt.input.clone().unwrap_or(Value::Null));
    for (k, v) in &prompt.params {
        b.insert(k.clone(), v.clone());
    }
    Value::Object(b)
}

/// The Responses API body: `messages` go as `input` (role/content items
/// are valid input items), `max_tokens` becomes `max_output_tokens`,
/// `response_format` becomes `text.format`, chat-shaped tools are
/// flattened (`{type: function, name, parameters}`), and the chat-only
/// `n`, `stop` and `seed` (from `defaults`) are left out.
fn responses_body(prompt: &Prompt, mode: Mode, model: &str) -> Value {
    let mut b = Map::new();
    b.insert("model".into(), Value::String(model.to_owned()));
    b.insert("input".into(), Value::Array(prompt.messages.clone()));
    for (k, v) in &prompt.params {
        match k.as_str() {
            "n" | "stop" | "seed" => {}
            "max_tokens" => {
                b.insert("max_output_tokens".into(), v.clone());
            }
            "response_format" => {
                b.insert("text".into(), json!({"format": text_format(v)}));
            }
            _ => {
                b.insert(k.clone(), v.clone());
            }
        }
    }
    if let Some(Value::Array(tools)) = &prompt.tools {
        b.insert(
            "tools".into(),
            Value::Array(tools.iter().map(flat_tool).collect()),
        );
    }
    if let Some(t) = &prompt.tool_choice {
        let t = match t.get("function").and_then(|f| f.get("name")) {
            Some(name) => json!({"type": "function", "name": name}),
            None => t.clone(),
        };
        b.insert("tool_choice".into(), t);
    }
    if mode == Mode::Stream {
        b.insert("stream".into(), Value::Bool(true));
    }
    Value::Object(b)
}

/// Chat's `response_format` as the Responses API's `text.format`:
/// `{type: json_schema, json_schema: {name, schema, strict}}` is flattened.
fn text_format(rf: &Value) -> Value {
    match rf.get("json_schema") {
        Some(Value::Object(js)) if rf["type"] == "json_schema" => {
            let mut f = js.clone();
            f.insert("type".into(), json!("json_schema"));
            Value::Object(f)
        }
        _ => rf.clone(),
    }
}

/// A chat tool `{type: function, function: {name, description, parameters}}`
/// as a Responses tool `{type: function, name, description, parameters}`;
/// anything else (built-in tools) as written.
fn flat_tool(t: &Value) -> Value {
    match t.get("function") {
        Some(Value::Object(f)) if t["type"] == "function" => {
            let mut out = f.clone();
            out.insert("type".into(), json!("function"));
            Value::Object(out)
        }
        _ => t.clone(),
    }
}

/// True when the prompt asks for JSON output.
pub fn wants_json(prompt: &Prompt) -> bool {
    prompt
        .params
        .get("response_format")
        .and_then(|r| r.get("type"))
        .and_then(Value::as_str)
        .is_some_and(|t| t == "json_object" || t == "json_schema")
}
