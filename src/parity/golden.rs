//! The golden prompt set (`--golden FILE`): what to send and what "the same
//! answer" means for each prompt.

use std::collections::HashSet;
use std::path::Path;

use regex::Regex;
use serde::{Deserialize, Serialize};
use serde_json::{Map, Value};
use serde_saphyr::{Location, Spanned};

use super::config::{at, yaml_error, InputError};

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct GoldenFile {
    schema: Spanned<u32>,
    #[serde(default)]
    defaults: DefaultsFile,
    prompts: Vec<PromptFile>,
}

#[derive(Debug, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct DefaultsFile {
    params: Option<ParamsFile>,
    stream: Option<Spanned<Value>>,
    expect: Option<ExpectFile>,
    samples: Option<Spanned<u64>>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct PromptFile {
    id: Spanned<String>,
    model: Spanned<String>,
    /// Send this id to the baseline instead of `model`.
    baseline_model: Option<Spanned<String>>,
    /// Send this id to the candidate instead of mapping `model`.
    candidate_model: Option<Spanned<String>>,
    /// `chat` (default), `embeddings` or `responses`.
    endpoint: Option<Spanned<String>>,
    /// Chat and responses prompts.
    messages: Option<Spanned<Value>>,
    /// Embeddings prompts: a string or a list of strings.
    input: Option<Spanned<Value>>,
    params: Option<ParamsFile>,
    tools: Option<Spanned<Value>>,
    tool_choice: Option<Value>,
    stream: Option<Spanned<Value>>,
    expect: Option<ExpectFile>,
    #[serde(default)]
    tags: Vec<String>,
    samples: Option<Spanned<u64>>,
    /// The run fails when this prompt fails, whatever the pass rate.
    #[serde(default)]
    required: bool,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ParamsFile {
    temperature: Option<f64>,
    max_tokens: Option<u64>,
    seed: Option<i64>,
    top_p: Option<f64>,
    stop: Option<Value>,
    response_format: Option<Value>,
    /// Choices per request; above 1 every choice is compared.
    n: Option<Spanned<u64>>,
    /// Anything else to put in the request body as is.
    extra: Option<Map<String, Value>>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectFile {
    text: Option<Spanned<Value>>,
    tokens: Option<TokensFile>,
    tool_calls: Option<Spanned<Value>>,
    finish_reason: Option<bool>,
    model: Option<bool>,
    latency: Option<LatencyFile>,
    contains: Option<Vec<String>>,
    not_contains: Option<Vec<String>>,
    json_schema: Option<Spanned<Value>>,
    cost: Option<CostFile>,
    /// Embeddings prompts: the least cosine between the sides' vectors.
    cosine: Option<Spanned<f64>>,
}

#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct CostFile {
    max_ratio: Spanned<f64>,
}

#[derive(Debug, Default, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
struct TokensFile {
    prompt: Option<Spanned<Value>>,
    completion: Option<Spanned<Value>>,
    total: Option<Spanned<Value>>,
}

#[derive(Debug, Default, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct LatencyFile {
    /// Candidate total latency may be at most this multiple of the baseline's.
    pub max_ratio: Option<f64>,
    pub max_ttft_ms: Option<u64>,
    pub max_total_ms: Option<u64>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    NonStream,
    Stream,
}

impl Mode {
    pub fn as_str(self) -> &'static str {
        match self {
            Mode::NonStream => "non-stream",
            Mode::Stream => "stream",
        }
    }
}

/// Which OpenAI-compatible endpoint a prompt is sent to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default, Serialize, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum Endpoint {
    /// `/chat/completions`.
    #[default]
    Chat,
    /// `/embeddings`: `input` in, vectors out; never streamed.
    Embeddings,
    /// `/responses` (the OpenAI Responses API): `messages` sent as `input`.
    Responses,
}

impl Endpoint {
    pub fn as_str(self) -> &'static str {
        match self {
            Endpoint::Chat => "chat",
            Endpoint::Embeddings => "embeddings",
            Endpoint::Responses => "responses",
        }
    }

    /// The path under the gateway's base URL.
    pub fn path(self) -> &'static str {
        match self {
            Endpoint::Chat => "/chat/completions",
            Endpoint::Embeddings => "/embeddings",
            Endpoint::Responses => "/responses",
        }
    }
}

#[derive(Debug, Clone)]
pub enum TextExpect {
    Exact,
    /// Equal after trimming, collapsing whitespace and unifying line ends.
    Normalized,
    /// Character similarity ratio at least this (0..=1).
    Similarity(f64),
    /// Both are valid JSON (code fences allowed) and equal as values.
    Json,
    /// Both are valid JSON; values may differ.
    JsonValid,
    /// Both match this regex.
    Regex(Regex),
    /// The judge model says both answers say the same (optional rubric).
    Judge(Option<String>),
    /// Cosine of the answers' embeddings at least this.
    Embedding(f64),
    Ignore,
}

impl TextExpect {
    pub fn describe(&self) -> String {
        match self {
            TextExpect::Exact => "exact".into(),
            TextExpect::Normalized => "normalized".into(),
            TextExpect::Similarity(s) => format!("similarity >= {s}"),
            TextExpect::Json => "json".into(),
            TextExpect::JsonValid => "json-valid".into(),
            TextExpect::Regex(r) => format!("regex {}", r.as_str()),
            TextExpect::Judge(_) => "judge".into(),
            TextExpect::Embedding(x) => format!("embedding >= {x}"),
            TextExpect::Ignore => "ignore".into(),
        }
    }
}

/// A token count difference passes when it is within `abs` tokens or within
/// `rel` of the larger count.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct Tolerance {
    pub abs: u64,
    pub rel: f64,
    pub ignore: bool,
}

impl Tolerance {
    pub fn allows(&self, a: u64, b: u64) -> bool {
        if self.ignore {
            return true;
        }
        let d = a.abs_diff(b);
        d <= self.abs || (d as f64) <= self.rel * (a.max(b) as f64)
    }

    pub fn describe(&self) -> String {
        if self.ignore {
            return "ignored".into();
        }
        match (self.abs, self.rel) {
            (a, r) if r > 0.0 && a > 0 => format!("±{a} or ±{}%", r * 100.0),
            (_, r) if r > 0.0 => format!("±{}%", r * 100.0),
            (a, _) => format!("±{a}"),
        }
    }
}

#[derive(Debug, Clone)]
pub enum ToolExpect {
    /// Same names and JSON-equal arguments on both sides.
    Same,
    /// Same names; arguments may differ.
    Names,
    /// Both sides must call exactly these.
    List(Vec<(String, Option<Value>)>),
    Ignore,
}

#[derive(Debug, Clone)]
pub struct Expect {
    pub text: TextExpect,
    pub prompt_tokens: Tolerance,
    pub completion_tokens: Tolerance,
    pub total_tokens: Tolerance,
    pub tool_calls: ToolExpect,
    /// Compare parallel tool calls by position (`{ordered: true}`); by
    /// default they are matched in any order.
    pub tool_calls_ordered: bool,
    pub finish_reason: bool,
    pub model: bool,
    pub latency: LatencyFile,
    /// Each answer must contain every one of these (case-insensitive).
    pub contains: Vec<String>,
    /// No answer may contain any of these (case-insensitive).
    pub not_contains: Vec<String>,
    /// Each answer must be JSON valid against this schema (checked to
    /// compile when the golden set is loaded).
    pub json_schema: Option<Value>,
    /// The candidate may cost at most this multiple of the baseline.
    pub cost_max_ratio: Option<f64>,
    /// Embeddings: the least cosine between the two sides' vectors.
    pub cosine: f64,
}

/// The cosine two gateways' embeddings of the same input must reach by
/// default: the same model gives the same vector up to float noise.
pub const DEFAULT_COSINE: f64 = 0.99;

#[derive(Debug, Clone)]
pub struct Prompt {
    pub id: String,
    /// OpenRouter slug.
    pub model: String,
    pub baseline_model: Option<String>,
    pub candidate_model: Option<String>,
    pub endpoint: Endpoint,
    /// Chat and responses prompts; empty for embeddings.
    pub messages: Vec<Value>,
    /// Embeddings prompts: what is embedded (a string or a list).
    pub input: Option<Value>,
    /// Choices asked for (`params.n`, default 1).
    pub choices: usize,
    /// Request parameters in a stable order.
    pub params: Map<String, Value>,
    pub tools: Option<Value>,
    pub tool_choice: Option<Value>,
    pub modes: Vec<Mode>,
    pub expect: Expect,
    pub tags: Vec<String>,
    /// Requests per side and mode; above 1 the text check compares the
    /// candidate with the baseline's own spread (see `compare::sampled_text`).
    pub samples: usize,
    pub required: bool,
    /// 1-based line of the prompt's id, for messages.
    pub line: u64,
}

/// Most samples per prompt: each one is a paid request on both sides.
pub const MAX_SAMPLES: usize = 100;

/// Most choices per request (`params.n`), OpenAI's own limit.
pub const MAX_CHOICES: usize = 128;

#[derive(Debug, Clone)]
pub struct Golden {
    pub file: String,
    pub prompts: Vec<Prompt>,
}

pub const DEFAULT_PROMPT_TOL: Tolerance = Tolerance {
    abs: 2,
    rel: 0.05,
    ignore: false,
};
pub const DEFAULT_COMPLETION_TOL: Tolerance = Tolerance {
    abs: 5,
    rel: 0.15,
    ignore: false,
};
pub const DEFAULT_TOTAL_TOL: Tolerance = Tolerance {
    abs: 5,
    rel: 0.10,
    ignore: false,
};

pub fn load(path: &Path) -> Result<Golden, InputError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError(format!("{file}: cannot read golden set: {e}")))?;
    parse(&file, &text)
}

pub fn parse(file: &str, text: &str) -> Result<Golden, InputError> {
    let raw: GoldenFile = serde_saphyr::from_str(text).map_err(|e| yaml_error(file, &e))?;
    if raw.schema.value != 1 {
        return Err(at(
            file,
            &raw.schema.referenced,
            format!(
                "unsupported schema {} (this version reads 1)",
                raw.schema.value
            ),
        ));
    }
    let mut seen = HashSet::new();
    let mut prompts = Vec::new();
    for p in raw.prompts {
        if !seen.insert(p.id.value.clone()) {
            return Err(at(
                file,
                &p.id.referenced,
                format!("duplicate prompt id '{}'", p.id.value),
            ));
        }
        prompts.push(prompt(file, &raw.defaults, p)?);
    }
    if prompts.is_empty() {
        return Err(InputError(format!("{file}: no prompts")));
    }
    Ok(Golden {
        file: file.to_owned(),
        prompts,
    })
}

fn prompt(file: &str, d: &DefaultsFile, p: PromptFile) -> Result<Prompt, InputError> {
    let id = p.id.value.trim().to_owned();
    if id.is_empty() || id.contains(['/', '\\']) || id.starts_with('.') {
        // Ids name recording files, so they must be safe file names.
        return Err(at(
            file,
            &p.id.referenced,
            "prompt id must be non-empty and contain no '/' or '\\' nor start with '.'",
        ));
    }
    if p.model.value.trim().is_empty() {
        return Err(at(file, &p.model.referenced, "model is empty"));
    }
    let endpoint = endpoint(file, &p)?;
    let (messages, input) = match endpoint {
        Endpoint::Embeddings => (Vec::new(), Some(embedding_input(file, &p)?)),
        Endpoint::Chat | Endpoint::Responses => (messages(file, &p)?, None),
    };
    let tools = match &p.tools {
        Some(t) if !t.value.is_array() => {
            return Err(at(file, &t.referenced, "tools must be a list"))
        }
        Some(t) => Some(t.value.clone()),
        None => None,
    };
    // Embeddings are never streamed: the defaults' `stream` does not apply.
    let stream = match endpoint {
        Endpoint::Embeddings => p.stream.as_ref(),
        _ => p.stream.as_ref().or(d.stream.as_ref()),
    };
    let modes = modes(file, stream)?;
    if endpoint == Endpoint::Embeddings && modes != [Mode::NonStream] {
        let s = stream.map(|s| &s.referenced);
        return Err(at(
            file,
            s.unwrap_or(&p.id.referenced),
            "an embeddings prompt cannot stream",
        ));
    }
    let n = p.params.as_ref().and_then(|x| x.n.as_ref());
    let n = n.or(d.params.as_ref().and_then(|x| x.n.as_ref()));
    let choices = match n {
        Some(n) if n.value == 0 || n.value > MAX_CHOICES as u64 => {
            return Err(at(file, &n.referenced, "params.n must be 1..=128"))
        }
        Some(n) if endpoint == Endpoint::Chat => n.value as usize,
        _ => 1,
    };
    let params = match endpoint {
        // Chat sampling parameters mean nothing to /embeddings: only the
        // prompt's own `extra` (dimensions, encoding_format, user) is sent.
        Endpoint::Embeddings => embedding_params(file, &p)?,
        Endpoint::Responses => {
            responses_params(file, &p)?;
            merge_params(d.params.clone().unwrap_or_default(), p.params)
        }
        Endpoint::Chat => merge_params(d.params.clone().unwrap_or_default(), p.params),
    };
    let expect = expect(file, d.expect.clone().unwrap_or_default(), p.expect)?;
    let samples = match p.samples.as_ref().or(d.samples.as_ref()) {
        None => 1,
        Some(n) if n.value == 0 || n.value > MAX_SAMPLES as u64 => {
            return Err(at(file, &n.referenced, "samples must be 1..=100"))
        }
        Some(n) => n.value as usize,
    };
    Ok(Prompt {
        id,
        model: p.model.value.trim().to_owned(),
        baseline_model: p.baseline_model.map(|m| m.value),
        candidate_model: p.candidate_model.map(|m| m.value),
        endpoint,
        messages,
        input,
        choices,
        params,
        tools,
        tool_choice: p.tool_choice,
        modes,
        expect,
        tags: p.tags,
        samples,
        required: p.required,
        line: p.id.referenced.line(),
    })
}

fn endpoint(file: &str, p: &PromptFile) -> Result<Endpoint, InputError> {
    let Some(e) = &p.endpoint else {
        return Ok(Endpoint::Chat);
    };
    match e.value.as_str() {
        "chat" => Ok(Endpoint::Chat),
        "embeddings" => Ok(Endpoint::Embeddings),
        "responses" => Ok(Endpoint::Responses),
        other => Err(at(
            file,
            &e.referenced,
            format!("endpoint must be chat, embeddings or responses (got '{other}')"),
        )),
    }
}

/// A chat or responses prompt's `messages`: a non-empty list with roles.
fn messages(file: &str, p: &PromptFile) -> Result<Vec<Value>, InputError> {
    if let Some(i) = &p.input {
        return Err(at(
            file,
            &i.referenced,
            "input is for embeddings prompts (endpoint: embeddings); this prompt sends messages",
        ));
    }
    let Some(m) = &p.messages else {
        return Err(at(file, &p.id.referenced, "prompt has no messages"));
    };
    let Value::Array(items) = &m.value else {
        return Err(at(
            file,
            &m.referenced,
            "messages must be a non-empty list of {role, content}",
        ));
    };
    if items.is_empty() {
        return Err(at(
            file,
            &m.referenced,
            "messages must be a non-empty list of {role, content}",
        ));
    }
    for (i, x) in items.iter().enumerate() {
        let ok = x
            .get("role")
            .and_then(Value::as_str)
            .is_some_and(|r| !r.is_empty());
        if !ok {
            return Err(at(
                file,
                &m.referenced,
                format!("messages[{i}] needs a 'role'"),
            ));
        }
    }
    Ok(items.clone())
}

/// An embeddings prompt's `input`: a non-empty string or a non-empty list
/// of non-empty strings; no messages or tools.
fn embedding_input(file: &str, p: &PromptFile) -> Result<Value, InputError> {
    if let Some(m) = &p.messages {
        return Err(at(
            file,
            &m.referenced,
            "an embeddings prompt takes input:, not messages:",
        ));
    }
    if let Some(t) = &p.tools {
        return Err(at(
            file,
            &t.referenced,
            "an embeddings prompt takes no tools",
        ));
    }
    let Some(i) = &p.input else {
        return Err(at(
            file,
            &p.id.referenced,
            "an embeddings prompt needs input: (a string or a list of strings)",
        ));
    };
    let text = |v: &Value| v.as_str().is_some_and(|s| !s.is_empty());
    let ok = match &i.value {
        Value::String(_) => text(&i.value),
        Value::Array(items) => !items.is_empty() && items.iter().all(text),
        _ => false,
    };
    if !ok {
        return Err(at(
            file,
            &i.referenced,
            "input must be a non-empty string or a non-empty list of non-empty strings",
        ));
    }
    Ok(i.value.clone())
}

/// What an embeddings request carries besides model and input: the
/// prompt's `params.extra`. Chat parameters set on the prompt are refused.
fn embedding_params(file: &str, p: &PromptFile) -> Result<Map<String, Value>, InputError> {
    let Some(params) = &p.params else {
        return Ok(Map::new());
    };
    let chat_only = params.temperature.is_some()
        || params.max_tokens.is_some()
        || params.seed.is_some()
        || params.top_p.is_some()
        || params.stop.is_some()
        || params.response_format.is_some()
        || params.n.is_some();
    if chat_only {
        return Err(at(
            file,
            &p.id.referenced,
            "an embeddings prompt takes only params.extra (e.g. {dimensions: 256}); temperature, max_tokens, seed, top_p, stop, response_format and n are chat parameters",
        ));
    }
    Ok(params.extra.clone().unwrap_or_default())
}

/// The Responses API has no `n`, `stop` or `seed`: refused when the prompt
/// sets them (from `defaults` they are left out of the request).
fn responses_params(file: &str, p: &PromptFile) -> Result<(), InputError> {
    let Some(params) = &p.params else {
        return Ok(());
    };
    if let Some(n) = &params.n {
        return Err(at(file, &n.referenced, "the Responses API has no n"));
    }
    if params.stop.is_some() || params.seed.is_some() {
        return Err(at(
            file,
            &p.id.referenced,
            "the Responses API has no stop or seed parameter",
        ));
    }
    Ok(())
}

fn modes(file: &str, stream: Option<&Spanned<Value>>) -> Result<Vec<Mode>, InputError> {
    let Some(s) = stream else {
        return Ok(vec![Mode::NonStream]);
    };
    match &s.value {
        Value::Bool(false) => Ok(vec![Mode::NonStream]),
        Value::Bool(true) => Ok(vec![Mode::Stream]),
        Value::String(x) if x == "both" => Ok(vec![Mode::NonStream, Mode::Stream]),
        Value::String(x) if x == "false" => Ok(vec![Mode::NonStream]),
        Value::String(x) if x == "true" => Ok(vec![Mode::Stream]),
        other => Err(at(
            file,
            &s.referenced,
            format!("stream must be false, true or both (got {other})"),
        )),
    }
}

fn merge_params(d: ParamsFile, p: Option<ParamsFile>) -> Map<String, Value> {
    let p = p.unwrap_or_default();
    let mut out = Map::new();
    let mut put = |k: &str, v: Option<Value>| {
        if let Some(v) = v {
            out.insert(k.to_owned(), v);
        }
    };
    put(
        "temperature",
        p.temperature.or(d.temperature).map(Value::from),
    );
    put("max_tokens", p.max_tokens.or(d.max_tokens).map(Value::from));
    put("seed", p.seed.or(d.seed).map(Value::from));
    put("top_p", p.top_p.or(d.top_p).map(Value::from));
    put("stop", p.stop.or(d.stop));
    put("response_format", p.response_format.or(d.response_format));
    put("n", p.n.or(d.n).map(|n| Value::from(n.value)));
    let mut extra = d.extra.unwrap_or_default();
    extra.extend(p.extra.unwrap_or_default());
    for (k, v) in extra {
        out.insert(k, v);
    }
    out
}

fn expect(file: &str, d: ExpectFile, p: Option<ExpectFile>) -> Result<Expect, InputError> {
    let p = p.unwrap_or_default();
    let dt = d.tokens.unwrap_or_default();
    let pt = p.tokens.unwrap_or_default();
    let text = match p.text.or(d.text) {
        None => TextExpect::Normalized,
        Some(t) => text_expect(file, &t)?,
    };
    let tol = |v: Option<Spanned<Value>>, def: Tolerance| match v {
        None => Ok(def),
        Some(s) => tolerance(file, &s),
    };
    let (tool_calls, tool_calls_ordered) = match p.tool_calls.or(d.tool_calls) {
        None => (ToolExpect::Same, false),
        Some(t) => tool_expect(file, &t)?,
    };
    Ok(Expect {
        text,
        prompt_tokens: tol(pt.prompt.or(dt.prompt), DEFAULT_PROMPT_TOL)?,
        completion_tokens: tol(pt.completion.or(dt.completion), DEFAULT_COMPLETION_TOL)?,
        total_tokens: tol(pt.total.or(dt.total), DEFAULT_TOTAL_TOL)?,
        tool_calls,
        tool_calls_ordered,
        finish_reason: p.finish_reason.or(d.finish_reason).unwrap_or(true),
        model: p.model.or(d.model).unwrap_or(true),
        latency: p.latency.or(d.latency).unwrap_or_default(),
        contains: p.contains.or(d.contains).unwrap_or_default(),
        not_contains: p.not_contains.or(d.not_contains).unwrap_or_default(),
        cost_max_ratio: match p.cost.or(d.cost) {
            None => None,
            Some(c) if !(c.max_ratio.value > 0.0 && c.max_ratio.value.is_finite()) => {
                return Err(at(
                    file,
                    &c.max_ratio.referenced,
                    "cost.max_ratio must be > 0",
                ))
            }
            Some(c) => Some(c.max_ratio.value),
        },
        cosine: match p.cosine.or(d.cosine) {
            None => DEFAULT_COSINE,
            Some(c) if !(-1.0..=1.0).contains(&c.value) => {
                return Err(at(
                    file,
                    &c.referenced,
                    "cosine must be a threshold from -1 to 1",
                ))
            }
            Some(c) => c.value,
        },
        json_schema: match p.json_schema.or(d.json_schema) {
            None => None,
            Some(s) => {
                jsonschema::validator_for(&s.value)
                    .map_err(|e| at(file, &s.referenced, format!("invalid json_schema: {e}")))?;
                Some(s.value)
            }
        },
    })
}

fn text_expect(file: &str, t: &Spanned<Value>) -> Result<TextExpect, InputError> {
    let bad = |loc: &Location| {
        at(
            file,
            loc,
            "text must be exact, normalized, json, json-valid, ignore, {similarity: 0..1}, {regex: PATTERN}, {judge: true | {rubric: TEXT}} or {embedding: 0..1}",
        )
    };
    match &t.value {
        Value::String(s) => match s.as_str() {
            "exact" => Ok(TextExpect::Exact),
            "normalized" => Ok(TextExpect::Normalized),
            "json" => Ok(TextExpect::Json),
            "json-valid" => Ok(TextExpect::JsonValid),
            "ignore" => Ok(TextExpect::Ignore),
            _ => Err(bad(&t.referenced)),
        },
        Value::Object(m) if m.len() == 1 => {
            if let Some(v) = m.get("similarity") {
                match v.as_f64() {
                    Some(x) if (0.0..=1.0).contains(&x) => Ok(TextExpect::Similarity(x)),
                    _ => Err(at(
                        file,
                        &t.referenced,
                        "similarity must be a number from 0 to 1",
                    )),
                }
            } else if let Some(v) = m.get("judge") {
                match v {
                    Value::Bool(true) => Ok(TextExpect::Judge(None)),
                    Value::Object(o)
                        if o.len() == 1 && o.get("rubric").is_some_and(Value::is_string) =>
                    {
                        Ok(TextExpect::Judge(o["rubric"].as_str().map(str::to_owned)))
                    }
                    _ => Err(bad(&t.referenced)),
                }
            } else if let Some(v) = m.get("embedding") {
                match v.as_f64() {
                    Some(x) if (-1.0..=1.0).contains(&x) => Ok(TextExpect::Embedding(x)),
                    _ => Err(at(
                        file,
                        &t.referenced,
                        "embedding must be a cosine threshold from -1 to 1",
                    )),
                }
            } else if let Some(v) = m.get("regex") {
                let pat = v.as_str().ok_or_else(|| bad(&t.referenced))?;
                Regex::new(pat)
                    .map(TextExpect::Regex)
                    .map_err(|e| at(file, &t.referenced, format!("invalid regex: {e}")))
            } else {
                Err(bad(&t.referenced))
            }
        }
        _ => Err(bad(&t.referenced)),
    }
}

/// `5` (tokens), `"10%"`, `{abs: 5, rel: "10%"}` or `ignore`.
fn tolerance(file: &str, s: &Spanned<Value>) -> Result<Tolerance, InputError> {
    let bad = || {
        at(
            file,
            &s.referenced,
            "tolerance must be a token count (5), a percentage (\"10%\"), {abs: N, rel: \"P%\"} or ignore",
        )
    };
    let pct = |v: &Value| -> Option<f64> {
        let x = match v {
            Value::String(s) => s.trim().strip_suffix('%')?.trim().parse::<f64>().ok()? / 100.0,
            Value::Number(n) => n.as_f64()?,
            _ => return None,
        };
        (0.0..=10.0).contains(&x).then_some(x)
    };
    let zero = Tolerance {
        abs: 0,
        rel: 0.0,
        ignore: false,
    };
    match &s.value {
        Value::Number(n) => n
            .as_u64()
            .map(|abs| Tolerance { abs, ..zero })
            .ok_or_else(bad),
        Value::String(x) if x == "ignore" => Ok(Tolerance {
            ignore: true,
            ..zero
        }),
        Value::String(_) => pct(&s.value)
            .map(|rel| Tolerance { rel, ..zero })
            .ok_or_else(bad),
        Value::Object(m) => {
            let mut t = zero;
            for (k, v) in m {
                match k.as_str() {
                    "abs" => t.abs = v.as_u64().ok_or_else(bad)?,
                    "rel" => t.rel = pct(v).ok_or_else(bad)?,
                    _ => return Err(bad()),
                }
            }
            Ok(t)
        }
        _ => Err(bad()),
    }
}

/// The expectation and whether calls are compared by position.
fn tool_expect(file: &str, t: &Spanned<Value>) -> Result<(ToolExpect, bool), InputError> {
    let bad = || {
        at(
            file,
            &t.referenced,
            "tool_calls must be same, names, ignore, a list of {name, arguments}, or {match: same|names|[...], ordered: true|false}",
        )
    };
    let kind = |v: &Value| -> Result<ToolExpect, InputError> {
        match v {
            Value::String(s) => match s.as_str() {
                "same" => Ok(ToolExpect::Same),
                "names" => Ok(ToolExpect::Names),
                "ignore" => Ok(ToolExpect::Ignore),
                _ => Err(bad()),
            },
            Value::Array(items) => tool_list(file, t, items),
            _ => Err(bad()),
        }
    };
    match &t.value {
        Value::Object(m) => {
            if m.keys().any(|k| k != "match" && k != "ordered") {
                return Err(bad());
            }
            let ordered = match m.get("ordered") {
                None => false,
                Some(Value::Bool(b)) => *b,
                Some(_) => return Err(bad()),
            };
            let k = m.get("match").map_or(Ok(ToolExpect::Same), kind)?;
            Ok((k, ordered))
        }
        v => Ok((kind(v)?, false)),
    }
}

fn tool_list(file: &str, t: &Spanned<Value>, items: &[Value]) -> Result<ToolExpect, InputError> {
    let bad = || {
        at(
            file,
            &t.referenced,
            "tool_calls must be same, names, ignore or a list of {name, arguments}",
        )
    };
    {
        {
            let mut out = Vec::new();
            for it in items {
                let name = it.get("name").and_then(Value::as_str).ok_or_else(bad)?;
                if it
                    .as_object()
                    .is_some_and(|o| o.keys().any(|k| k != "name" && k != "arguments"))
                {
                    return Err(bad());
                }
                // Arguments may be written as a map or as the JSON string
                // the wire format uses.
                let args = match it.get("arguments") {
                    Some(Value::String(js)) => Some(serde_json::from_str(js).map_err(|e| {
                        at(
                            file,
                            &t.referenced,
                            format!("arguments of '{name}' are not JSON: {e}"),
                        )
                    })?),
                    other => other.cloned(),
                };
                out.push((name.to_owned(), args));
            }
            Ok(ToolExpect::List(out))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const G: &str = r#"schema: 1
defaults:
  params: {temperature: 0, max_tokens: 64}
  stream: both
  expect:
    tokens: {completion: "20%"}
prompts:
  - id: hello
    model: openai/gpt-4o-mini
    messages:
      - {role: user, content: "Say hello"}
    params: {max_tokens: 16, extra: {frequency_penalty: 0.5}}
    expect:
      text: {similarity: 0.8}
      tokens: {prompt: 3, total: {abs: 4, rel: "10%"}}
    tags: [smoke]
  - id: weather
    model: anthropic/claude-sonnet-4.6
    stream: false
    messages: [{role: user, content: "Weather in Paris?"}]
    tools: [{type: function, function: {name: get_weather, parameters: {type: object}}}]
    expect: {tool_calls: names, text: ignore}
  - id: listed
    model: openai/gpt-4o
    messages: [{role: user, content: "x"}]
    expect:
      tool_calls:
        - {name: get_weather, arguments: '{"city": "Paris"}'}
        - {name: get_time, arguments: {tz: UTC}}
"#;

    #[test]
    fn parses_merges_defaults() {
        let g = parse("g.yaml", G).unwrap();
        let p = &g.prompts[0];
        assert_eq!(p.modes, vec![Mode::NonStream, Mode::Stream]);
        assert_eq!(p.params["max_tokens"], 16);
        assert_eq!(p.params["temperature"], 0.0);
        assert_eq!(p.params["frequency_penalty"], 0.5);
        assert!(matches!(p.expect.text, TextExpect::Similarity(x) if x == 0.8));
        assert_eq!(p.expect.prompt_tokens.abs, 3);
        assert!((p.expect.completion_tokens.rel - 0.2).abs() < 1e-9);
        assert!(p.expect.total_tokens.allows(100, 109));
        assert!(!p.expect.total_tokens.allows(100, 112));
        assert_eq!(p.line, 8);
        let w = &g.prompts[1];
        assert_eq!(w.modes, vec![Mode::NonStream]);
        assert!(matches!(w.expect.tool_calls, ToolExpect::Names));
        assert!(!w.expect.tool_calls_ordered);
        assert!(w.tools.is_some());
        match &g.prompts[2].expect.tool_calls {
            ToolExpect::List(l) => {
                assert_eq!(l[0].1, Some(serde_json::json!({"city": "Paris"})));
                assert_eq!(l[1].1, Some(serde_json::json!({"tz": "UTC"})));
            }
            other => panic!("{other:?}"),
        }
        let g = parse(
            "g.yaml",
            &G.replace(
                "{tool_calls: names,",
                "{tool_calls: {match: names, ordered: true},",
            ),
        )
        .unwrap();
        assert!(matches!(g.prompts[1].expect.tool_calls, ToolExpect::Names));
        assert!(g.prompts[1].expect.tool_calls_ordered);
        let e = parse(
            "g.yaml",
            &G.replace("{tool_calls: names,", "{tool_calls: {ordered: yes please},"),
        )
        .unwrap_err()
        .to_string();
        assert!(e.starts_with("g.yaml:22:"), "{e}");
    }

    #[test]
    fn errors_carry_file_line_col() {
        let e = parse(
            "g.yaml",
            &G.replace("text: {similarity: 0.8}", "json_schema: {type: 12}"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("g.yaml:14:") && e.contains("invalid json_schema"),
            "{e}"
        );
        let e = parse("g.yaml", &G.replace("tags: [smoke]", "tagz: [smoke]"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.yaml:16:"), "{e}");
        assert!(!e.contains("error: line"), "location given once: {e}");
        let e = parse("g.yaml", &G.replace("similarity: 0.8", "similarity: 8"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.yaml:14:"), "{e}");
        let e = parse("g.yaml", &G.replace("id: weather", "id: hello"))
            .unwrap_err()
            .to_string();
        assert!(
            e.starts_with("g.yaml:17:") && e.contains("duplicate"),
            "{e}"
        );
        let e = parse("g.yaml", &G.replace("stream: false", "stream: sometimes"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.yaml:19:"), "{e}");
        let e = parse("g.yaml", &G.replace("prompt: 3", "prompt: lots"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.yaml:15:"), "{e}");
        let e = parse("g.yaml", &G.replace("schema: 1", "schema: 2"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("g.yaml:1:"), "{e}");
    }

    #[test]
    fn endpoints_take_their_own_inputs() {
        let ok = r#"schema: 1
defaults: {params: {temperature: 0, seed: 3, n: 2}, stream: both}
prompts:
  - id: e
    endpoint: embeddings
    model: openai/text-embedding-3-small
    input: [a, b]
    params: {extra: {dimensions: 8}}
    expect: {cosine: 0.95}
  - id: r
    endpoint: responses
    model: openai/gpt-4o
    messages: [{role: user, content: hi}]
  - id: c
    model: openai/gpt-4o
    messages: [{role: user, content: hi}]
"#;
        let g = parse("g.yaml", ok).unwrap();
        let e = &g.prompts[0];
        assert_eq!(e.endpoint, Endpoint::Embeddings);
        assert_eq!(
            e.modes,
            vec![Mode::NonStream],
            "defaults' stream: both does not apply"
        );
        assert_eq!(e.params.len(), 1, "only extra is sent: {:?}", e.params);
        assert_eq!((e.choices, e.expect.cosine), (1, 0.95));
        let r = &g.prompts[1];
        assert_eq!((r.endpoint, r.choices), (Endpoint::Responses, 1));
        assert_eq!(g.prompts[2].choices, 2, "n from defaults");
        assert_eq!(g.prompts[2].expect.cosine, DEFAULT_COSINE);
        let bad = [
            ("    input: [a, b]\n", "", "g.yaml:4:", "needs input"),
            ("input: [a, b]", "input: []", "g.yaml:7:", "non-empty"),
            (
                "input: [a, b]",
                "input: [a, b]\n    stream: true",
                "g.yaml:8:",
                "cannot stream",
            ),
            (
                "params: {extra: {dimensions: 8}}",
                "params: {temperature: 0}",
                "g.yaml:4:",
                "only params.extra",
            ),
            (
                "endpoint: responses",
                "endpoint: completions",
                "g.yaml:11:",
                "chat, embeddings or responses",
            ),
            (
                "    messages: [{role: user, content: hi}]\n  - id: c",
                "    messages: [{role: user, content: hi}]\n    params: {stop: [x]}\n  - id: c",
                "g.yaml:10:",
                "no stop or seed",
            ),
            (
                "seed: 3, n: 2",
                "seed: 3, n: 0",
                "g.yaml:2:",
                "params.n must be 1..=128",
            ),
            (
                "    model: openai/gpt-4o\n    messages: [{role: user, content: hi}]\n",
                "    model: openai/gpt-4o\n    input: hi\n",
                "g.yaml:",
                "input is for embeddings",
            ),
        ];
        for (from, to, at, what) in bad {
            assert!(ok.contains(from), "{from}");
            let e = parse("g.yaml", &ok.replacen(from, to, 1))
                .unwrap_err()
                .to_string();
            assert!(e.starts_with(at) && e.contains(what), "{from} -> {e}");
        }
    }
}
