//! Raw exchanges -> responses: one shape for a JSON body or an SSE stream,
//! with the gateway differences normalised (keep-alive comments, usage chunk
//! with empty or non-empty choices, `event: done`, `event: error`,
//! OpenRouter's mid-stream error chunk, error bodies of every shape).

use std::collections::BTreeMap;

use serde::Serialize;
use serde_json::Value;

use super::client::Exchange;
use super::golden::{Endpoint, Mode};
use super::responses_api;
use super::sse;

#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct ToolCall {
    pub index: u64,
    pub id: Option<String>,
    pub name: String,
    pub arguments: String,
}

/// One of the choices a request with `n > 1` asked for.
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct Choice {
    pub index: u64,
    pub text: String,
    pub finish_reason: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Usage {
    pub prompt_tokens: u64,
    pub completion_tokens: u64,
    pub total_tokens: u64,
}

/// One gateway's answer to one request, assembled.
#[derive(Debug, Clone, Default, Serialize)]
pub struct Response {
    pub status: Option<u16>,
    pub text: String,
    pub tool_calls: Vec<ToolCall>,
    pub finish_reason: Option<String>,
    pub usage: Option<Usage>,
    pub model: Option<String>,
    pub id: Option<String>,
    /// OpenRouter's `provider` field, when present.
    pub provider: Option<String>,
    /// Why this is not a complete answer: HTTP error, stream error, broken
    /// or truncated stream, unreadable body.
    pub error: Option<String>,
    /// The request never got an HTTP response (connection refused, DNS).
    pub unreachable: bool,
    pub ttft_ms: Option<f64>,
    pub total_ms: f64,
    pub attempts: u32,
    /// Stream facts worth showing: events, comments, terminator.
    pub notes: Vec<String>,
    /// Usage field paths the gateway returned (`cost`,
    /// `prompt_tokens_details.cached_tokens`, ...): schema drift in
    /// non-billing fields (seed 003).
    pub usage_fields: Vec<String>,
    /// Rate-limit and retry header names on the response (seed 003: "diff
    /// your assumed schema against actual response headers").
    pub rate_headers: Vec<String>,
    /// What the gateway says the request cost: `usage.cost`, else LiteLLM's
    /// `x-litellm-response-cost` header. Never computed from prices.
    pub cost: Option<f64>,
    /// Every choice in index order (chat): the first is also `text` and
    /// `finish_reason`.
    pub choices: Vec<Choice>,
    /// Embeddings: one vector per input, in input order.
    #[serde(skip)]
    pub vectors: Vec<Vec<f64>>,
}

/// Summarise an error body of any gateway's shape: OpenAI
/// `{error:{message,type,code}}`, OpenRouter `{error:{code:int,message}}`,
/// LLM Gateway `{error:true,status,message}`, Phaseo
/// `{error:"…",description}`. Returns the summary and whether it was JSON.
pub fn describe_error_body(body: &str) -> (String, bool) {
    let Ok(v) = serde_json::from_str::<Value>(body) else {
        let t: String = body.trim().chars().take(160).collect();
        let t = if t.is_empty() { "empty body".into() } else { t };
        return (format!("non-JSON body: {t}"), false);
    };
    let pick = |o: &Value, keys: &[&str]| -> Option<String> {
        keys.iter().find_map(|k| match o.get(*k) {
            Some(Value::String(s)) if !s.is_empty() => Some(s.clone()),
            Some(Value::Number(n)) => Some(n.to_string()),
            _ => None,
        })
    };
    let e = v.get("error");
    let (obj, top) = match e {
        Some(o @ Value::Object(_)) => (o, &v),
        _ => (&v, &v),
    };
    let msg = pick(obj, &["message", "description", "detail"])
        .or_else(|| pick(top, &["message", "description", "detail"]))
        .or_else(|| e.and_then(Value::as_str).map(str::to_owned));
    // A numeric `code` only repeats the HTTP status (OpenRouter); a string
    // one names the error.
    // Python gateways (LiteLLM) send `"type": "None"` and `"code": "400"`:
    // neither names anything.
    let string_of = |o: &Value, k: &str| {
        o.get(k)
            .and_then(Value::as_str)
            .filter(|s| {
                !s.is_empty()
                    && !matches!(*s, "None" | "null")
                    && !s.bytes().all(|b| b.is_ascii_digit())
            })
            .map(str::to_owned)
    };
    let kind = string_of(obj, "type")
        .or_else(|| string_of(obj, "code"))
        .or_else(|| match e {
            Some(Value::String(s)) => Some(s.clone()),
            _ => string_of(top, "reason"),
        });
    let s = match (kind, msg) {
        (Some(k), Some(m)) if k != m => format!("{k}: {m}"),
        (_, Some(m)) => m,
        (Some(k), None) => k,
        (None, None) => {
            let t: String = body.trim().chars().take(160).collect();
            format!("JSON without an error message: {t}")
        }
    };
    (s, true)
}

/// A data chunk's top-level `error` (truthy), as text.
pub(super) fn chunk_error(v: &Value) -> Option<String> {
    match v.get("error") {
        None | Some(Value::Null) | Some(Value::Bool(false)) => None,
        Some(_) => Some(describe_error_body(&v.to_string()).0),
    }
}

/// Dotted paths of the non-null leaves under `usage`.
pub(super) fn usage_fields(v: &Value) -> Vec<String> {
    fn walk(prefix: &str, v: &Value, out: &mut Vec<String>) {
        match v {
            Value::Object(m) => {
                for (k, x) in m {
                    let p = if prefix.is_empty() {
                        k.clone()
                    } else {
                        format!("{prefix}.{k}")
                    };
                    walk(&p, x, out);
                }
            }
            Value::Null => {}
            _ => out.push(prefix.to_owned()),
        }
    }
    let mut out = Vec::new();
    if let Some(u) = v.get("usage") {
        walk("", u, &mut out);
    }
    out.sort();
    out
}

fn rate_headers(ex: &Exchange) -> Vec<String> {
    let mut h: Vec<String> = ex
        .headers
        .iter()
        .map(|(k, _)| k.to_ascii_lowercase())
        .filter(|k| {
            k.contains("ratelimit") || k.contains("rate-limit") || k.starts_with("retry-after")
        })
        .collect();
    h.sort();
    h.dedup();
    h
}

/// Chat and embeddings usage (`prompt_tokens`, `completion_tokens`), or
/// the Responses API's (`input_tokens`, `output_tokens`).
pub(super) fn usage(v: &Value) -> Option<Usage> {
    let u = v.get("usage")?;
    let n = |k: &str| u.get(k).and_then(Value::as_u64);
    let p = n("prompt_tokens").or_else(|| n("input_tokens"));
    let c = n("completion_tokens").or_else(|| n("output_tokens"));
    if p.is_none() && c.is_none() {
        return None;
    }
    let (p, c) = (p.unwrap_or(0), c.unwrap_or(0));
    Some(Usage {
        prompt_tokens: p,
        completion_tokens: c,
        total_tokens: n("total_tokens").unwrap_or(p + c),
    })
}

pub(super) fn content_text(c: &Value) -> String {
    match c {
        Value::String(s) => s.clone(),
        // Content parts: join the text ones.
        Value::Array(parts) => parts
            .iter()
            .filter_map(|p| p.get("text").and_then(Value::as_str))
            .collect(),
        _ => String::new(),
    }
}

pub(super) fn str_field(v: &Value, k: &str) -> Option<String> {
    v.get(k)
        .and_then(Value::as_str)
        .filter(|s| !s.is_empty())
        .map(str::to_owned)
}

pub fn parse(ex: &Exchange, mode: Mode, endpoint: Endpoint) -> Response {
    let mut r = Response {
        status: ex.status,
        ttft_ms: ex.ttft_ms,
        total_ms: ex.total_ms,
        attempts: ex.attempts,
        ..Default::default()
    };
    if ex.attempts > 1 {
        r.notes.push(format!(
            "{} attempts: {}",
            ex.attempts,
            ex.retries.join("; ")
        ));
    } else if !ex.retries.is_empty() {
        r.notes.extend(ex.retries.iter().cloned());
    }
    if let Some(f) = ex
        .failure
        .as_ref()
        .filter(|f| f.kind == super::client::FailKind::TooLarge)
    {
        // Parsing a body cut at the limit would only cost memory.
        r.error = Some(match ex.status {
            Some(s) => format!("HTTP {s}: {}", f.message),
            None => f.message.clone(),
        });
        return r;
    }
    let Some(status) = ex.status else {
        let f = ex.failure.as_ref();
        r.unreachable = f.is_some_and(|f| f.kind == super::client::FailKind::Connect);
        r.error = Some(f.map_or("no response".into(), |f| f.message.clone()));
        return r;
    };
    r.rate_headers = rate_headers(ex);
    let header_cost = ex
        .header("x-litellm-response-cost")
        .and_then(|v| v.trim().parse::<f64>().ok())
        .filter(|c| c.is_finite() && *c >= 0.0);
    if !(200..300).contains(&status) {
        let (d, _) = describe_error_body(&ex.body);
        r.error = Some(format!("HTTP {status}: {d}"));
        return r;
    }
    let is_sse = ex
        .header("content-type")
        .is_some_and(|c| c.contains("text/event-stream"))
        || (mode == Mode::Stream && !ex.body.trim_start().starts_with('{'));
    match (endpoint, is_sse) {
        (Endpoint::Chat, true) => parse_stream(ex, &mut r),
        (Endpoint::Responses, true) => responses_api::parse_stream(ex, &mut r),
        (_, false) => {
            if mode == Mode::Stream {
                r.notes
                    .push("asked to stream but got a plain JSON body".into());
            }
            match endpoint {
                Endpoint::Chat => parse_json(ex, &mut r),
                Endpoint::Responses => responses_api::parse_json(ex, &mut r),
                Endpoint::Embeddings => parse_embeddings(ex, &mut r),
            }
        }
        (Endpoint::Embeddings, true) => {
            r.error = Some("an embeddings answer came as an event stream".into());
        }
    }
    if r.error.is_none() {
        if let Some(f) = &ex.failure {
            r.error = Some(f.message.clone());
        }
    }
    r.cost = r.cost.or(header_cost);
    r
}

pub(super) fn usage_cost(v: &Value) -> Option<f64> {
    v.get("usage")?
        .get("cost")?
        .as_f64()
        .filter(|c| c.is_finite() && *c >= 0.0)
}

fn parse_json(ex: &Exchange, r: &mut Response) {
    let v: Value = match serde_json::from_str(&ex.body) {
        Ok(v) => v,
        Err(e) => {
            r.error = Some(match &ex.failure {
                Some(f) => f.message.clone(),
                None => format!("response body is not JSON ({e})"),
            });
            return;
        }
    };
    if let Some(e) = chunk_error(&v) {
        r.error = Some(format!("error in a 2xx body: {e}"));
        return;
    }
    r.model = str_field(&v, "model");
    r.id = str_field(&v, "id");
    r.provider = str_field(&v, "provider");
    r.usage = usage(&v);
    r.usage_fields = usage_fields(&v);
    r.cost = usage_cost(&v);
    let Some(choice) = v.get("choices").and_then(|c| c.get(0)) else {
        r.error = Some("response has no choices".into());
        return;
    };
    let msg = &choice["message"];
    r.text = content_text(&msg["content"]);
    r.finish_reason = str_field(choice, "finish_reason");
    let all = v["choices"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default();
    r.choices = all
        .iter()
        .enumerate()
        .map(|(i, c)| Choice {
            index: c.get("index").and_then(Value::as_u64).unwrap_or(i as u64),
            text: content_text(&c["message"]["content"]),
            finish_reason: str_field(c, "finish_reason"),
        })
        .collect();
    r.choices.sort_by_key(|c| c.index);
    if let Some(calls) = msg.get("tool_calls").and_then(Value::as_array) {
        for (i, c) in calls.iter().enumerate() {
            r.tool_calls.push(ToolCall {
                index: c.get("index").and_then(Value::as_u64).unwrap_or(i as u64),
                id: str_field(c, "id"),
                name: c["function"]["name"].as_str().unwrap_or("").to_owned(),
                arguments: c["function"]["arguments"]
                    .as_str()
                    .map(str::to_owned)
                    .unwrap_or_else(|| c["function"]["arguments"].to_string()),
            });
        }
    }
}

/// An `/embeddings` answer: the vectors (float arrays, or base64 for
/// `encoding_format: base64`), model and usage.
fn parse_embeddings(ex: &Exchange, r: &mut Response) {
    let v: Value = match serde_json::from_str(&ex.body) {
        Ok(v) => v,
        Err(e) => {
            r.error = Some(format!("response body is not JSON ({e})"));
            return;
        }
    };
    if let Some(e) = chunk_error(&v) {
        r.error = Some(format!("error in a 2xx body: {e}"));
        return;
    }
    r.model = str_field(&v, "model");
    r.usage = usage(&v);
    r.usage_fields = usage_fields(&v);
    r.cost = usage_cost(&v);
    match super::meaning::vectors(&ex.body) {
        Ok(vs) => r.vectors = vs,
        Err(e) => r.error = Some(format!("embeddings answer unreadable: {e}")),
    }
}

/// What a stream showed besides the answer itself.
#[derive(Default)]
struct StreamState {
    events: usize,
    comments: usize,
    done: bool,
    calls: BTreeMap<u64, ToolCall>,
    usage_chunk_choices: Option<usize>,
    /// Choices other than the first (`n > 1`), by index.
    others: BTreeMap<u64, Choice>,
}

fn parse_stream(ex: &Exchange, r: &mut Response) {
    let (items, partial) = sse::parse_all(ex.body.as_bytes());
    let mut st = StreamState::default();
    for item in items {
        match item {
            sse::Item::Comment(_) => st.comments += 1,
            // Anything after [DONE] is ignored, as the OpenAI SDK does.
            sse::Item::Event(_) if st.done => {}
            sse::Item::Event(ev) => stream_event(&ev, &mut st, r),
        }
    }
    r.tool_calls = std::mem::take(&mut st.calls).into_values().collect();
    r.choices = std::iter::once(Choice {
        index: 0,
        text: r.text.clone(),
        finish_reason: r.finish_reason.clone(),
    })
    .chain(std::mem::take(&mut st.others).into_values())
    .collect();
    r.notes.push(stream_note(&st));
    let end = (!st.done).then_some("[DONE]");
    stream_end(ex, r, st.events, partial, end);
}

/// A stream's error when none was seen in it: the connection broke, or
/// it ended without its terminator (`missing`), in the middle of an event
/// (`partial`) or cleanly.
pub(super) fn stream_end(
    ex: &Exchange,
    r: &mut Response,
    events: usize,
    partial: bool,
    missing: Option<&str>,
) {
    if r.error.is_some() {
        return;
    }
    if let Some(f) = &ex.failure {
        r.error = Some(format!("{} (after {events} events)", f.message));
    } else if let Some(t) = missing {
        r.error = Some(if partial {
            format!("stream truncated: ended mid-event after {events} events, without {t}")
        } else {
            format!("stream ended without {t} after {events} events")
        });
    }
}

/// One event before `[DONE]`: the terminator, an error, or a chunk.
fn stream_event(ev: &sse::Event, st: &mut StreamState, r: &mut Response) {
    st.events += 1;
    let data = ev.data.trim();
    if data.starts_with("[DONE]") {
        st.done = true;
        return;
    }
    let parsed = serde_json::from_str::<Value>(data);
    if ev.event == "error" {
        let msg = match &parsed {
            Ok(v) => chunk_error(v).unwrap_or_else(|| describe_error_body(data).0),
            Err(_) => data.chars().take(160).collect(),
        };
        r.error.get_or_insert(format!("stream error event: {msg}"));
        return;
    }
    let v = match parsed {
        Ok(v) => v,
        Err(_) if ev.event == "done" => {
            st.done = true;
            return;
        }
        Err(e) => {
            let t: String = data.chars().take(80).collect();
            r.error
                .get_or_insert(format!("stream event {} is not JSON ({e}): {t}", st.events));
            return;
        }
    };
    if let Some(e) = chunk_error(&v) {
        r.error.get_or_insert(format!("mid-stream error: {e}"));
        return;
    }
    stream_chunk(&v, st, r);
}

/// A data chunk: metadata and usage (first seen wins, usage last), then
/// choice 0's delta.
fn stream_chunk(v: &Value, st: &mut StreamState, r: &mut Response) {
    if r.model.is_none() {
        r.model = str_field(v, "model");
    }
    if r.id.is_none() {
        r.id = str_field(v, "id");
    }
    if r.provider.is_none() {
        r.provider = str_field(v, "provider");
    }
    if let Some(u) = usage(v) {
        r.usage_fields = usage_fields(v);
        r.usage = Some(u);
        r.cost = usage_cost(v).or(r.cost);
        st.usage_chunk_choices = v["choices"].as_array().map(Vec::len);
    }
    let Some(choices) = v.get("choices").and_then(Value::as_array) else {
        return;
    };
    for c in choices {
        let index = c.get("index").and_then(Value::as_u64).unwrap_or(0);
        if index != 0 {
            let o = st.others.entry(index).or_insert_with(|| Choice {
                index,
                ..Choice::default()
            });
            o.text.push_str(&content_text(&c["delta"]["content"]));
            if let Some(f) = str_field(c, "finish_reason") {
                o.finish_reason = Some(f);
            }
            continue;
        }
        let d = &c["delta"];
        r.text.push_str(&content_text(&d["content"]));
        if let Some(f) = str_field(c, "finish_reason") {
            r.finish_reason = Some(f);
        }
        if let Some(tcs) = d.get("tool_calls").and_then(Value::as_array) {
            merge_tool_deltas(&mut st.calls, tcs);
        }
    }
}

/// Tool-call deltas merged per `index`: id and name once, arguments
/// concatenated.
fn merge_tool_deltas(calls: &mut BTreeMap<u64, ToolCall>, tcs: &[Value]) {
    for (pos, tc) in tcs.iter().enumerate() {
        let idx = tc
            .get("index")
            .and_then(Value::as_u64)
            .unwrap_or(pos as u64);
        let e = calls.entry(idx).or_insert_with(|| ToolCall {
            index: idx,
            id: None,
            name: String::new(),
            arguments: String::new(),
        });
        if let Some(id) = str_field(tc, "id") {
            e.id = Some(id);
        }
        if let Some(n) = tc["function"]["name"].as_str() {
            // Names normally arrive once; some servers repeat the whole
            // name, a few send fragments.
            if e.name.is_empty() {
                e.name = n.to_owned();
            } else if e.name != n {
                e.name.push_str(n);
            }
        }
        if let Some(a) = tc["function"]["arguments"].as_str() {
            e.arguments.push_str(a);
        }
    }
}

fn stream_note(st: &StreamState) -> String {
    let mut note = format!("{} events", st.events);
    if st.comments > 0 {
        note.push_str(&format!(", {} comments", st.comments));
    }
    match st.usage_chunk_choices {
        Some(0) => note.push_str(", usage chunk with empty choices"),
        Some(n) => note.push_str(&format!(", usage chunk with {n} choice(s)")),
        None => note.push_str(", no usage chunk"),
    }
    note
}

#[cfg(test)]
pub(super) mod tests {
    use super::*;
    use crate::parity::client::{FailKind, Failure, SentRequest};

    /// An exchange with this status, content type and body.
    pub(in crate::parity) fn ex(status: u16, ctype: &str, body: &str) -> Exchange {
        Exchange {
            request: SentRequest {
                method: "POST".into(),
                url: "http://x/chat/completions".into(),
                headers: vec![],
                body: None,
                raw_body: None,
            },
            status: Some(status),
            headers: vec![("content-type".into(), ctype.into())],
            body: body.into(),
            failure: None,
            ttfb_ms: Some(1.0),
            ttft_ms: Some(2.0),
            total_ms: 3.0,
            attempts: 1,
            retries: vec![],
        }
    }

    #[test]
    fn cost_from_usage_or_the_litellm_header() {
        let r = parse(
            &ex(200, "text/event-stream", OR_STREAM),
            Mode::Stream,
            Endpoint::Chat,
        );
        assert_eq!(r.cost, Some(0.0001));
        let body = r#"{"model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"x"},"finish_reason":"stop"}],"usage":{"prompt_tokens":1,"completion_tokens":1}}"#;
        let mut e = ex(200, "application/json", body);
        assert_eq!(parse(&e, Mode::NonStream, Endpoint::Chat).cost, None);
        e.headers
            .push(("x-litellm-response-cost".into(), "0.00025".into()));
        assert_eq!(
            parse(&e, Mode::NonStream, Endpoint::Chat).cost,
            Some(0.00025)
        );
    }

    const OR_STREAM: &str = ": OPENROUTER PROCESSING\n\n\
data: {\"id\":\"gen-1\",\"model\":\"openai/gpt-4o\",\"provider\":\"OpenAI\",\"choices\":[{\"index\":0,\"delta\":{\"role\":\"assistant\",\"content\":\"Hel\"},\"finish_reason\":null}]}\n\n\
data: {\"id\":\"gen-1\",\"model\":\"openai/gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"lo\"},\"finish_reason\":\"stop\"}]}\n\n\
data: {\"id\":\"gen-1\",\"model\":\"openai/gpt-4o\",\"choices\":[],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":2,\"total_tokens\":7,\"cost\":0.0001}}\n\n\
data: [DONE]\n\n";

    #[test]
    fn openrouter_stream_assembles() {
        let r = parse(
            &ex(200, "text/event-stream", OR_STREAM),
            Mode::Stream,
            Endpoint::Chat,
        );
        assert_eq!(r.error, None);
        assert_eq!(r.text, "Hello");
        assert_eq!(r.finish_reason.as_deref(), Some("stop"));
        assert_eq!(r.usage.unwrap().total_tokens, 7);
        assert_eq!(r.provider.as_deref(), Some("OpenAI"));
        assert!(r.notes[0].contains("1 comments") && r.notes[0].contains("empty choices"));
        assert_eq!(
            r.usage_fields,
            ["completion_tokens", "cost", "prompt_tokens", "total_tokens"]
        );
    }

    #[test]
    fn llmgateway_stream_with_event_done_and_ids() {
        let body = "id: 0\ndata: {\"model\":\"openai/gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{\"content\":\"Hi\"},\"finish_reason\":null}]}\n\n\
id: 1\ndata: {\"model\":\"openai/gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":\"stop\"}]}\n\n\
id: 2\ndata: {\"model\":\"openai/gpt-4o\",\"choices\":[{\"index\":0,\"delta\":{},\"finish_reason\":null}],\"usage\":{\"prompt_tokens\":5,\"completion_tokens\":1,\"total_tokens\":6}}\n\n\
event: done\nid: 3\ndata: [DONE]\n\n";
        let r = parse(
            &ex(200, "text/event-stream", body),
            Mode::Stream,
            Endpoint::Chat,
        );
        assert_eq!(r.error, None);
        assert_eq!(r.text, "Hi");
        // The usage chunk's null finish_reason must not erase "stop".
        assert_eq!(r.finish_reason.as_deref(), Some("stop"));
        assert_eq!(r.usage.unwrap().prompt_tokens, 5);
        assert!(r.notes[0].contains("1 choice"));
    }

    #[test]
    fn stream_errors_surface() {
        let mid = "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\n\
data: {\"error\":{\"code\":502,\"message\":\"Provider disconnected\"},\"choices\":[{\"index\":0,\"delta\":{\"content\":\"\"},\"finish_reason\":\"error\"}]}\n\n";
        let r = parse(
            &ex(200, "text/event-stream", mid),
            Mode::Stream,
            Endpoint::Chat,
        );
        assert!(r.error.unwrap().contains("Provider disconnected"));
        let ev = "event: error\ndata: {\"error\":{\"message\":\"boom\",\"type\":\"upstream_error\"}}\n\nevent: done\ndata: [DONE]\n\n";
        let r = parse(
            &ex(200, "text/event-stream", ev),
            Mode::Stream,
            Endpoint::Chat,
        );
        assert_eq!(
            r.error.as_deref(),
            Some("stream error event: upstream_error: boom")
        );
        let cut =
            "data: {\"choices\":[{\"index\":0,\"delta\":{\"content\":\"a\"}}]}\n\ndata: {\"choi";
        let r = parse(
            &ex(200, "text/event-stream", cut),
            Mode::Stream,
            Endpoint::Chat,
        );
        assert!(r.error.unwrap().contains("truncated"));
        let mut broken = ex(200, "text/event-stream", cut);
        broken.failure = Some(Failure {
            kind: FailKind::Body,
            message: "connection broke".into(),
        });
        let r = parse(&broken, Mode::Stream, Endpoint::Chat);
        assert!(r.error.unwrap().starts_with("connection broke"));
    }

    #[test]
    fn tool_call_deltas_merge_per_index() {
        let body = "data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"id\":\"call_1\",\"type\":\"function\",\"function\":{\"name\":\"get_weather\",\"arguments\":\"\"}},{\"index\":1,\"id\":\"call_2\",\"function\":{\"name\":\"get_time\",\"arguments\":\"{}\"}}]}}]}\n\n\
data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"{\\\"city\\\":\"}}]}}]}\n\n\
data: {\"choices\":[{\"index\":0,\"delta\":{\"tool_calls\":[{\"index\":0,\"function\":{\"arguments\":\"\\\"Paris\\\"}\"}}]},\"finish_reason\":\"tool_calls\"}]}\n\n\
data: [DONE]\n\n";
        let r = parse(
            &ex(200, "text/event-stream", body),
            Mode::Stream,
            Endpoint::Chat,
        );
        assert_eq!(r.error, None);
        assert_eq!(r.tool_calls.len(), 2);
        assert_eq!(r.tool_calls[0].name, "get_weather");
        assert_eq!(r.tool_calls[0].arguments, "{\"city\":\"Paris\"}");
        assert_eq!(r.tool_calls[1].name, "get_time");
        assert_eq!(r.finish_reason.as_deref(), Some("tool_calls"));
    }

    #[test]
    fn error_bodies_of_each_shape() {
        let cases = [
            (
                r#"{"error":{"message":"bad key","type":"invalid_request_error","param":null,"code":"invalid_api_key"}}"#,
                "invalid_request_error: bad key",
            ),
            (
                r#"{"error":{"code":401,"message":"No auth credentials found"}}"#,
                "No auth credentials found",
            ),
            (
                r#"{"error":true,"status":401,"message":"Invalid LLMGateway API token"}"#,
                "Invalid LLMGateway API token",
            ),
            (
                r#"{"error":"validation_error","status_code":400,"description":"unknown model"}"#,
                "validation_error: unknown model",
            ),
        ];
        for (body, want) in cases {
            let (d, json) = describe_error_body(body);
            assert!(json);
            assert_eq!(d, want);
        }
        let (d, json) = describe_error_body("<html>502 Bad Gateway</html>");
        assert!(!json);
        assert!(d.starts_with("non-JSON body: <html>"));
    }

    #[test]
    fn non_stream_json() {
        let (d, _) = describe_error_body(
            r#"{"error":{"message":"No connected db.","type":"None","param":"None","code":"400"}}"#,
        );
        assert_eq!(d, "No connected db.");
        // The same with JSON nulls: neither names anything either.
        let (d, _) = describe_error_body(
            r#"{"error":{"message":"No connected db.","type":null,"param":null,"code":null}}"#,
        );
        assert_eq!(d, "No connected db.");
        let body = r#"{"id":"gen-9","model":"openai/gpt-4o","provider":"OpenAI","choices":[{"index":0,"message":{"role":"assistant","content":"Paris","tool_calls":[{"id":"c1","type":"function","function":{"name":"f","arguments":"{\"a\":1}"}}]},"finish_reason":"stop"}],"usage":{"prompt_tokens":3,"completion_tokens":1,"total_tokens":4,"cost":0.1}}"#;
        let r = parse(
            &ex(200, "application/json", body),
            Mode::NonStream,
            Endpoint::Chat,
        );
        assert_eq!(r.error, None);
        assert_eq!(r.text, "Paris");
        assert_eq!(r.tool_calls[0].arguments, "{\"a\":1}");
        let r = parse(
            &ex(502, "text/html", "<html>oops</html>"),
            Mode::NonStream,
            Endpoint::Chat,
        );
        assert!(r.error.unwrap().starts_with("HTTP 502: non-JSON body"));
        let r = parse(
            &ex(200, "application/json", "{\"choices\":[{\"mess"),
            Mode::NonStream,
            Endpoint::Chat,
        );
        assert!(r.error.unwrap().contains("not JSON"));
    }
}
