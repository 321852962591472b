//! Answers of the OpenAI Responses API (`endpoint: responses`) -> the same
//! [`Response`] shape as chat, so every chat check applies unchanged.
//!
//! A response holds `output` items: `message` items whose `output_text`
//! parts make the answer, and `function_call` items (tool calls). A stream
//! is a series of typed events (`response.output_text.delta`,
//! `response.function_call_arguments.delta`, ...) that ends with
//! `response.completed` (or `response.incomplete`), not with `[DONE]`.
//! `status` becomes a chat-style finish reason so the two sides compare
//! as chat does: `completed` is `stop` (`tool_calls` with function calls),
//! `incomplete` for `max_output_tokens` is `length`.

use std::collections::BTreeMap;

use serde_json::Value;

use super::client::Exchange;
use super::response::{
    chunk_error, describe_error_body, str_field, stream_end, usage, usage_cost, usage_fields,
    Response, ToolCall,
};
use super::sse;

/// A non-streamed `/responses` answer.
pub fn parse_json(ex: &Exchange, r: &mut Response) {
    let v: Value = match serde_json::from_str(&ex.body) {
        Ok(v) => v,
        Err(e) => {
            r.error = Some(format!("response body is not JSON ({e})"));
            return;
        }
    };
    read_response(&v, r, true);
}

/// The fields of a response object (the body, or `response` of a terminal
/// stream event). `with_output`: take text and calls from `output` too.
fn read_response(v: &Value, r: &mut Response, with_output: bool) {
    if let Some(e) = failure(v) {
        r.error.get_or_insert(e);
        return;
    }
    r.model = str_field(v, "model").or(r.model.take());
    r.id = str_field(v, "id").or(r.id.take());
    if let Some(u) = usage(v) {
        r.usage = Some(u);
        r.usage_fields = usage_fields(v);
    }
    r.cost = usage_cost(v).or(r.cost);
    if with_output {
        let (text, calls) = output(v);
        r.text = text;
        r.tool_calls = calls;
    }
    r.finish_reason = finish_reason(v, !r.tool_calls.is_empty());
}

/// A failed response (`status: failed` with `error`, or a top-level error).
fn failure(v: &Value) -> Option<String> {
    if v["status"] == "failed" || v.get("error").is_some_and(|e| !e.is_null()) {
        let e = match v.get("error") {
            Some(e) if !e.is_null() => {
                describe_error_body(&serde_json::json!({"error": e}).to_string()).0
            }
            _ => "status failed".into(),
        };
        return Some(format!("response failed: {e}"));
    }
    None
}

/// The answer text (every `output_text` part of every message item, in
/// order; a top-level `output_text` when a server adds the SDK's
/// convenience field and no items) and the function calls.
fn output(v: &Value) -> (String, Vec<ToolCall>) {
    let mut text = String::new();
    let mut calls = Vec::new();
    for item in v["output"]
        .as_array()
        .map(Vec::as_slice)
        .unwrap_or_default()
    {
        match item["type"].as_str() {
            Some("message") => {
                for part in item["content"]
                    .as_array()
                    .map(Vec::as_slice)
                    .unwrap_or_default()
                {
                    if part["type"] == "output_text" {
                        text.push_str(part["text"].as_str().unwrap_or(""));
                    }
                }
            }
            Some("function_call") => calls.push(ToolCall {
                index: calls.len() as u64,
                id: str_field(item, "call_id"),
                name: item["name"].as_str().unwrap_or("").to_owned(),
                arguments: item["arguments"].as_str().unwrap_or("").to_owned(),
            }),
            _ => {}
        }
    }
    if text.is_empty() {
        if let Some(t) = v["output_text"].as_str() {
            text = t.to_owned();
        }
    }
    (text, calls)
}

/// `status` as a chat finish reason.
fn finish_reason(v: &Value, calls: bool) -> Option<String> {
    let status = v["status"].as_str()?;
    Some(match status {
        "completed" if calls => "tool_calls".into(),
        "completed" => "stop".into(),
        "incomplete" => match v["incomplete_details"]["reason"].as_str() {
            Some("max_output_tokens") => "length".into(),
            Some(other) => other.to_owned(),
            None => "incomplete".into(),
        },
        other => other.to_owned(),
    })
}

/// What a Responses stream showed besides the answer.
#[derive(Default)]
struct StreamState {
    events: usize,
    comments: usize,
    /// `response.completed` or `response.incomplete` arrived.
    terminal: Option<String>,
    /// Function calls by output index: from `output_item.added` and the
    /// argument deltas.
    calls: BTreeMap<u64, ToolCall>,
}

/// A streamed `/responses` answer.
pub fn parse_stream(ex: &Exchange, r: &mut Response) {
    let (items, partial) = sse::parse_all(ex.body.as_bytes());
    let mut st = StreamState::default();
    for item in items {
        match item {
            sse::Item::Comment(_) => st.comments += 1,
            sse::Item::Event(_) if st.terminal.is_some() => {}
            sse::Item::Event(ev) => event(&ev, &mut st, r),
        }
    }
    if r.tool_calls.is_empty() {
        r.tool_calls = std::mem::take(&mut st.calls).into_values().collect();
        if r.finish_reason.as_deref() == Some("stop") && !r.tool_calls.is_empty() {
            r.finish_reason = Some("tool_calls".into());
        }
    }
    let mut note = format!("{} events", st.events);
    if st.comments > 0 {
        note.push_str(&format!(", {} comments", st.comments));
    }
    match &st.terminal {
        Some(t) => note.push_str(&format!(", ended with {t}")),
        None => note.push_str(", no terminal event"),
    }
    r.notes.push(note);
    let end = st.terminal.is_none().then_some("response.completed");
    stream_end(ex, r, st.events, partial, end);
}

/// One event: its type is the data's `type`, else the SSE `event:` name.
fn event(ev: &sse::Event, st: &mut StreamState, r: &mut Response) {
    st.events += 1;
    let data = ev.data.trim();
    if data.starts_with("[DONE]") {
        // Not part of this API; a terminal event must come first.
        return;
    }
    let v: Value = match serde_json::from_str(data) {
        Ok(v) => v,
        Err(e) => {
            let t: String = data.chars().take(80).collect();
            r.error
                .get_or_insert(format!("stream event {} is not JSON ({e}): {t}", st.events));
            return;
        }
    };
    let kind = v["type"].as_str().unwrap_or(ev.event.as_str()).to_owned();
    match kind.as_str() {
        "response.output_text.delta" => r.text.push_str(v["delta"].as_str().unwrap_or("")),
        "response.output_item.added" if v["item"]["type"] == "function_call" => {
            let idx = v["output_index"].as_u64().unwrap_or(st.calls.len() as u64);
            st.calls.insert(
                idx,
                ToolCall {
                    index: st.calls.len() as u64,
                    id: str_field(&v["item"], "call_id"),
                    name: v["item"]["name"].as_str().unwrap_or("").to_owned(),
                    arguments: v["item"]["arguments"].as_str().unwrap_or("").to_owned(),
                },
            );
        }
        "response.function_call_arguments.delta" => {
            let idx = v["output_index"].as_u64().unwrap_or(0);
            if let Some(c) = st.calls.get_mut(&idx) {
                c.arguments.push_str(v["delta"].as_str().unwrap_or(""));
            }
        }
        "response.completed" | "response.incomplete" => {
            st.terminal = Some(kind.clone());
            let resp = &v["response"];
            // The final object holds the whole answer; the deltas are what
            // a streaming client showed, so they stay the text when present.
            let streamed = std::mem::take(&mut r.text);
            read_response(resp, r, true);
            if !streamed.is_empty() {
                if streamed != r.text && !r.text.is_empty() {
                    r.notes.push(
                        "the deltas and the final response differ; the deltas are compared".into(),
                    );
                }
                r.text = streamed;
            }
        }
        "response.failed" => {
            let e = failure(&v["response"]).unwrap_or_else(|| "response failed".into());
            r.error.get_or_insert(format!("stream: {e}"));
        }
        "error" => {
            // `{type: error, code, message}`: the type names nothing.
            let own = match (str_field(&v, "code"), str_field(&v, "message")) {
                (Some(c), Some(m)) => Some(format!("{c}: {m}")),
                (None, Some(m)) => Some(m),
                _ => None,
            };
            let msg = chunk_error(&v)
                .or(own)
                .unwrap_or_else(|| describe_error_body(data).0);
            r.error.get_or_insert(format!("stream error event: {msg}"));
        }
        "response.created" | "response.in_progress" => {
            r.model = r
                .model
                .take()
                .or_else(|| str_field(&v["response"], "model"));
            r.id = r.id.take().or_else(|| str_field(&v["response"], "id"));
        }
        _ => {}
    }
}

#[cfg(test)]
mod tests {
    use super::super::golden::{Endpoint, Mode};
    use super::super::response::parse;
    use super::*;

    fn ex(ctype: &str, body: &str) -> Exchange {
        super::super::response::tests::ex(200, ctype, body)
    }

    const BODY: &str = r#"{"id":"resp_1","object":"response","status":"completed","model":"gpt-4o-2024-08-06",
      "output":[{"type":"reasoning","id":"rs_1","summary":[]},
                {"type":"message","id":"msg_1","role":"assistant","content":[{"type":"output_text","text":"Par","annotations":[]},{"type":"output_text","text":"is.","annotations":[]}]}],
      "usage":{"input_tokens":12,"output_tokens":3,"total_tokens":15,"output_tokens_details":{"reasoning_tokens":0}}}"#;

    #[test]
    fn a_response_object_reads_like_chat() {
        let r = parse(
            &ex("application/json", BODY),
            Mode::NonStream,
            Endpoint::Responses,
        );
        assert_eq!(r.error, None);
        assert_eq!(r.text, "Paris.");
        assert_eq!(r.finish_reason.as_deref(), Some("stop"));
        let u = r.usage.unwrap();
        assert_eq!(
            (u.prompt_tokens, u.completion_tokens, u.total_tokens),
            (12, 3, 15)
        );
        assert_eq!(r.model.as_deref(), Some("gpt-4o-2024-08-06"));
        assert!(r
            .usage_fields
            .contains(&"output_tokens_details.reasoning_tokens".to_owned()));
        let calls = r#"{"status":"completed","model":"m","output":[{"type":"function_call","call_id":"call_9","name":"get_weather","arguments":"{\"city\":\"Paris\"}"}]}"#;
        let r = parse(
            &ex("application/json", calls),
            Mode::NonStream,
            Endpoint::Responses,
        );
        assert_eq!(r.tool_calls.len(), 1);
        assert_eq!(r.tool_calls[0].name, "get_weather");
        assert_eq!(r.finish_reason.as_deref(), Some("tool_calls"));
        let cut = r#"{"status":"incomplete","incomplete_details":{"reason":"max_output_tokens"},"output":[]}"#;
        let r = parse(
            &ex("application/json", cut),
            Mode::NonStream,
            Endpoint::Responses,
        );
        assert_eq!(r.finish_reason.as_deref(), Some("length"));
        let failed = r#"{"status":"failed","error":{"code":"server_error","message":"upstream died"},"output":[]}"#;
        let r = parse(
            &ex("application/json", failed),
            Mode::NonStream,
            Endpoint::Responses,
        );
        assert_eq!(
            r.error.as_deref(),
            Some("response failed: server_error: upstream died")
        );
    }

    fn frame(kind: &str, data: &str) -> String {
        format!("event: {kind}\ndata: {data}\n\n")
    }

    #[test]
    fn a_stream_ends_with_response_completed_not_done() {
        let mut body = frame(
            "response.created",
            r#"{"type":"response.created","response":{"id":"resp_2","model":"gpt-4o","status":"in_progress","output":[]}}"#,
        );
        for d in ["The ", "capital."] {
            body.push_str(&frame(
                "response.output_text.delta",
                &format!(r#"{{"type":"response.output_text.delta","item_id":"msg_1","output_index":0,"content_index":0,"delta":"{d}"}}"#),
            ));
        }
        let done = frame(
            "response.completed",
            r#"{"type":"response.completed","response":{"id":"resp_2","model":"gpt-4o","status":"completed","output":[{"type":"message","content":[{"type":"output_text","text":"The capital."}]}],"usage":{"input_tokens":5,"output_tokens":2,"total_tokens":7}}}"#,
        );
        let r = parse(
            &ex("text/event-stream", &(body.clone() + &done)),
            Mode::Stream,
            Endpoint::Responses,
        );
        assert_eq!(r.error, None);
        assert_eq!(r.text, "The capital.");
        assert_eq!(r.finish_reason.as_deref(), Some("stop"));
        assert_eq!(r.usage.unwrap().total_tokens, 7);
        assert!(r
            .notes
            .last()
            .unwrap()
            .contains("ended with response.completed"));
        // Without the terminal event the answer is not complete.
        let r = parse(
            &ex("text/event-stream", &body),
            Mode::Stream,
            Endpoint::Responses,
        );
        assert!(
            r.error.unwrap().contains("without response.completed"),
            "a cut stream is an error"
        );
        // [DONE] is not a terminator of this API.
        let r = parse(
            &ex("text/event-stream", &(body.clone() + "data: [DONE]\n\n")),
            Mode::Stream,
            Endpoint::Responses,
        );
        assert!(r.error.is_some());
        let err = body
            + &frame(
                "error",
                r#"{"type":"error","code":"rate_limit_exceeded","message":"slow down"}"#,
            );
        let r = parse(
            &ex("text/event-stream", &err),
            Mode::Stream,
            Endpoint::Responses,
        );
        assert_eq!(
            r.error.as_deref(),
            Some("stream error event: rate_limit_exceeded: slow down")
        );
    }

    #[test]
    fn streamed_function_calls_assemble_from_deltas() {
        let mut body = frame(
            "response.output_item.added",
            r#"{"type":"response.output_item.added","output_index":0,"item":{"type":"function_call","call_id":"call_1","name":"get_weather","arguments":""}}"#,
        );
        for d in [r#"{\"city\":"#, r#"\"Paris\"}"#] {
            body.push_str(&frame(
                "response.function_call_arguments.delta",
                &format!(r#"{{"type":"response.function_call_arguments.delta","output_index":0,"delta":"{d}"}}"#),
            ));
        }
        body.push_str(&frame("response.completed", r#"{"type":"response.completed","response":{"status":"completed","model":"m","output":[]}}"#));
        let r = parse(
            &ex("text/event-stream", &body),
            Mode::Stream,
            Endpoint::Responses,
        );
        assert_eq!(r.error, None);
        assert_eq!(r.tool_calls.len(), 1);
        assert_eq!(r.tool_calls[0].arguments, r#"{"city":"Paris"}"#);
        assert_eq!(r.finish_reason.as_deref(), Some("tool_calls"));
    }
}
