//! Fake OpenAI-compatible gateways on 127.0.0.1 for parity tests, the
//! recorded example and the overhead benchmark. Two shapes:
//! - `OpenRouter`: `gen-` ids, `provider` field, usage with `cost`,
//!   `: OPENROUTER PROCESSING` keep-alive comments, usage chunk with empty
//!   `choices`, mid-stream errors as a data chunk with a top-level `error`;
//! - `Target` (LLM Gateway-like): `provider/model` echo, `id:` lines,
//!   usage chunk with a non-empty `choices`, `event: done`, `event: error`,
//!   bare catalogue ids in `/models`, `{error:true,status,message}` errors.
//!
//! Switches make each one misbehave in one specific way.

#![allow(dead_code)]

use std::net::SocketAddr;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use axum::body::Body;
use axum::extract::State;
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use serde_json::{json, Value};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Shape {
    OpenRouter,
    Target,
}

#[derive(Debug, Clone, Default)]
pub struct Switches {
    /// Appended to every answer (differing text).
    pub text_suffix: Option<String>,
    /// Added to completion_tokens (token drift).
    pub token_drift: i64,
    /// Reported as `model` instead of the one sent.
    pub model_override: Option<String>,
    /// The first N chat requests get 429 with this Retry-After value.
    pub rate_limit_first: usize,
    pub retry_after: Option<String>,
    /// Wait this long before sending response headers.
    pub first_byte_delay: Duration,
    /// Fixed latency: wait before headers (total time for non-stream).
    pub latency: Duration,
    /// Pause between stream chunks.
    pub chunk_delay: Duration,
    /// End streams cleanly in the middle of an event, without [DONE].
    pub truncate_stream: bool,
    /// Break the connection in the middle of a stream.
    pub disconnect_mid_stream: bool,
    /// Send a gateway-shaped error in the middle of a stream.
    pub error_mid_stream: bool,
    /// Answer every chat request with 502 and an HTML body.
    pub non_json_error: bool,
    /// Only Bearer/x-api-key with this value is accepted.
    pub require_key: Option<String>,
    /// Omit usage entirely.
    pub no_usage: bool,
    /// `n > 1`: send the choices in reverse order.
    pub reverse_choices: bool,
    /// `n > 1`: send at most this many choices (a gateway ignoring `n`).
    pub max_choices: Option<usize>,
    /// Embeddings of this dimension instead of 16.
    pub embedding_dims: Option<usize>,
}

pub struct Fake {
    pub shape: Shape,
    pub sw: Switches,
    pub hits: AtomicUsize,
    pub in_flight: AtomicUsize,
    pub max_in_flight: AtomicUsize,
    /// Every request: (authorization header present, body text).
    pub seen: Mutex<Vec<(HeaderMap, String)>>,
}

pub struct Running {
    pub addr: SocketAddr,
    pub state: Arc<Fake>,
    handle: tokio::task::JoinHandle<()>,
}

impl Running {
    pub fn base_url(&self) -> String {
        format!("http://{}/v1", self.addr)
    }
    pub fn hits(&self) -> usize {
        self.state.hits.load(Ordering::SeqCst)
    }
}

impl Drop for Running {
    fn drop(&mut self) {
        self.handle.abort();
    }
}

/// Models the fakes serve (OpenRouter slugs; the target lists bare ids).
pub const MODELS: &[&str] = &[
    "openai/gpt-4o-mini",
    "openai/gpt-4o",
    "anthropic/claude-sonnet-4.6",
    "anthropic/claude-sonnet-4-6",
    "google/gemini-2.5-flash",
    "meta-llama/llama-3.3-70b-instruct",
];

pub async fn start(shape: Shape, sw: Switches) -> Running {
    start_on(shape, sw, 0).await
}

pub async fn start_on(shape: Shape, sw: Switches, port: u16) -> Running {
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/embeddings", post(embeddings))
        .route("/v1/responses", post(responses))
        .route("/v1/models", get(models));
    serve(shape, sw, port, app).await
}

/// Serve `app` on 127.0.0.1:`port` (0: any) with a fresh state.
async fn serve(shape: Shape, sw: Switches, port: u16, app: Router<Arc<Fake>>) -> Running {
    let state = Arc::new(Fake {
        shape,
        sw,
        hits: AtomicUsize::new(0),
        in_flight: AtomicUsize::new(0),
        max_in_flight: AtomicUsize::new(0),
        seen: Mutex::new(Vec::new()),
    });
    let app = app.with_state(state.clone());
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", port))
        .await
        .expect("bind 127.0.0.1");
    let addr = listener.local_addr().unwrap();
    let handle = tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    Running {
        addr,
        state,
        handle,
    }
}

fn json_resp(status: StatusCode, v: Value) -> Response {
    let mut r = (status, v.to_string()).into_response();
    r.headers_mut()
        .insert("content-type", HeaderValue::from_static("application/json"));
    r
}

fn error(shape: Shape, status: StatusCode, msg: &str, code: &str) -> Response {
    let v = match shape {
        Shape::OpenRouter => json!({"error": {"code": status.as_u16(), "message": msg}}),
        Shape::Target if status == StatusCode::UNAUTHORIZED => {
            json!({"error": true, "status": status.as_u16(), "message": msg})
        }
        Shape::Target => {
            json!({"error": {"message": msg, "type": "invalid_request_error", "param": null, "code": code}})
        }
    };
    json_resp(status, v)
}

fn key_ok(sw: &Switches, h: &HeaderMap) -> bool {
    let Some(want) = &sw.require_key else {
        return true;
    };
    let bearer = h
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .and_then(|v| v.strip_prefix("Bearer "));
    let xkey = h.get("x-api-key").and_then(|v| v.to_str().ok());
    bearer == Some(want.as_str()) || xkey == Some(want.as_str())
}

fn served(shape: Shape, model: &str) -> bool {
    let bare = |m: &str| m.rsplit_once('/').map_or(m, |(_, b)| b).to_owned();
    match shape {
        Shape::OpenRouter => MODELS.contains(&model),
        Shape::Target => MODELS.iter().any(|m| bare(m) == bare(model)),
    }
}

async fn models(State(f): State<Arc<Fake>>, h: HeaderMap) -> Response {
    if !key_ok(&f.sw, &h) {
        return error(
            f.shape,
            StatusCode::UNAUTHORIZED,
            "Invalid API key",
            "invalid_api_key",
        );
    }
    let data: Vec<Value> = MODELS
        .iter()
        .map(|m| match f.shape {
            Shape::OpenRouter => json!({"id": m, "canonical_slug": m, "name": m}),
            Shape::Target => {
                json!({"id": m.rsplit_once('/').map_or(*m, |(_, b)| b), "providers": []})
            }
        })
        .collect();
    json_resp(StatusCode::OK, json!({"data": data}))
}

fn words(s: &str) -> u64 {
    s.split_whitespace().count() as u64
}

/// A deterministic answer: what a temperature-0 model might say.
fn answer(body: &Value) -> String {
    let last = body["messages"]
        .as_array()
        .and_then(|m| m.iter().rev().find(|x| x["role"] == "user"))
        .map(|m| match &m["content"] {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .unwrap_or_default();
    let l = last.to_lowercase();
    let json_mode = body["response_format"]["type"]
        .as_str()
        .is_some_and(|t| t.starts_with("json"));
    if json_mode {
        return json!({"answer": "Paris", "country": "France"}).to_string();
    }
    if l.contains("capital of france") {
        "The capital of France is Paris.".into()
    } else if l.contains("2 + 2") || l.contains("2+2") {
        "4".into()
    } else if l.contains("haiku") {
        "Quiet gateway hums\nrequests cross from old to new\ntokens still agree".into()
    } else {
        format!("You asked: {}", last.trim())
    }
}

fn echo_model(shape: Shape, sent: &str) -> String {
    match shape {
        Shape::OpenRouter => sent.to_owned(),
        Shape::Target if sent.contains('/') => sent.to_owned(),
        Shape::Target => {
            let p = if sent.starts_with("claude") {
                "anthropic"
            } else if sent.starts_with("gemini") {
                "google-ai-studio"
            } else {
                "openai"
            };
            format!("{p}/{sent}")
        }
    }
}

/// Choices 2..n of a chat answer (`n` in the request): "take 2",
/// "take 3", ... after the first answer's text.
fn more_choices(sw: &Switches, body: &Value, first: &str) -> Vec<String> {
    let n = body["n"].as_u64().unwrap_or(1) as usize;
    let n = sw.max_choices.map_or(n, |m| n.min(m));
    (1..n)
        .map(|i| format!("{first} (take {})", i + 1))
        .collect()
}

/// Counts requests in flight (until response headers are sent).
struct InFlight(Arc<Fake>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

/// What every endpoint does first: count, wait, check the key, rate
/// limit, fail on purpose, parse the body, check the model. `Err` is the
/// response to send instead.
async fn admit(
    f: &Arc<Fake>,
    h: &HeaderMap,
    text: &str,
    model_ok: fn(Shape, &str) -> bool,
) -> Result<(InFlight, usize, Value, String), Response> {
    let now = f.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    f.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let guard = InFlight(f.clone());
    let n = f.hits.fetch_add(1, Ordering::SeqCst);
    f.seen.lock().unwrap().push((h.clone(), text.to_owned()));
    let sw = &f.sw;
    if !sw.first_byte_delay.is_zero() {
        tokio::time::sleep(sw.first_byte_delay).await;
    }
    if !sw.latency.is_zero() {
        tokio::time::sleep(sw.latency).await;
    }
    if !key_ok(sw, h) {
        let msg = match f.shape {
            Shape::OpenRouter => "No auth credentials found",
            Shape::Target => "Invalid LLMGateway API token",
        };
        return Err(error(
            f.shape,
            StatusCode::UNAUTHORIZED,
            msg,
            "invalid_api_key",
        ));
    }
    if n < sw.rate_limit_first {
        let mut r = error(
            f.shape,
            StatusCode::TOO_MANY_REQUESTS,
            "Rate limit exceeded",
            "rate_limit_exceeded",
        );
        if let Some(ra) = &sw.retry_after {
            r.headers_mut()
                .insert("retry-after", HeaderValue::from_str(ra).unwrap());
        }
        return Err(r);
    }
    if sw.non_json_error {
        let mut r = (
            StatusCode::BAD_GATEWAY,
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
            .into_response();
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("text/html"));
        return Err(r);
    }
    let body: Value = match serde_json::from_str(text) {
        Ok(v) => v,
        Err(_) => {
            return Err(error(
                f.shape,
                StatusCode::BAD_REQUEST,
                "Invalid JSON in request body",
                "invalid_json",
            ))
        }
    };
    let model = body["model"].as_str().unwrap_or("").to_owned();
    if !model_ok(f.shape, &model) {
        let msg = match f.shape {
            Shape::OpenRouter => format!("{model} is not a valid model ID"),
            Shape::Target => format!("Requested model {model} not supported"),
        };
        return Err(error(
            f.shape,
            StatusCode::BAD_REQUEST,
            &msg,
            "model_not_found",
        ));
    }
    Ok((guard, n, body, model))
}

async fn chat(State(f): State<Arc<Fake>>, h: HeaderMap, text: String) -> Response {
    let (_guard, n, body, model) = match admit(&f, &h, &text, served).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let sw = &f.sw;
    let mut text = answer(&body);
    if let Some(s) = &sw.text_suffix {
        text.push_str(s);
    }
    // `n > 1`: every choice's text, in the order this gateway sends them.
    let mut all: Vec<String> = std::iter::once(text.clone())
        .chain(more_choices(sw, &body, &text))
        .collect();
    if sw.reverse_choices {
        all.reverse();
    }
    let text = all[0].clone();
    let others = all.split_off(1);
    let tool = body["tools"]
        .as_array()
        .and_then(|t| t.first())
        .filter(|_| body["tool_choice"] != "none")
        .and_then(|t| t["function"]["name"].as_str())
        .map(str::to_owned);
    let prompt_tokens: u64 = body["messages"].as_array().map_or(0, |m| {
        m.iter().map(|x| words(&x["content"].to_string()) + 4).sum()
    });
    let completion = (words(&text).max(1) as i64 + sw.token_drift).max(0) as u64;
    let usage = match f.shape {
        Shape::OpenRouter => {
            json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion, "total_tokens": prompt_tokens + completion, "cost": 0.000042, "is_byok": false, "prompt_tokens_details": {"cached_tokens": 0}})
        }
        Shape::Target => {
            json!({"prompt_tokens": prompt_tokens, "completion_tokens": completion, "total_tokens": prompt_tokens + completion, "cost_usd_total": 0.000042})
        }
    };
    let reported = sw
        .model_override
        .clone()
        .unwrap_or_else(|| echo_model(f.shape, &model));
    let id = match f.shape {
        Shape::OpenRouter => format!(
            "gen-{}-{:08x}",
            1_700_000_000 + n,
            n * 2654435761 % 0xffff_ffff
        ),
        Shape::Target => format!("chatcmpl-{n:06}"),
    };
    let stream = body["stream"].as_bool().unwrap_or(false);
    let args = json!({"city": "Paris", "unit": "celsius"}).to_string();
    if !stream {
        let mut message = json!({"role": "assistant", "content": if tool.is_some() { Value::Null } else { json!(text) }});
        let finish = if let Some(t) = &tool {
            message["tool_calls"] = json!([{"id": format!("call_{n}"), "type": "function", "function": {"name": t, "arguments": args}}]);
            "tool_calls"
        } else {
            "stop"
        };
        let mut v = json!({"id": id, "object": "chat.completion", "created": 1_700_000_000, "model": reported,
            "choices": [{"index": 0, "message": message, "finish_reason": finish}]});
        for (i, t) in others.iter().enumerate() {
            v["choices"].as_array_mut().unwrap().push(json!({"index": i + 1, "message": {"role": "assistant", "content": t}, "finish_reason": "stop"}));
        }
        if !sw.no_usage {
            v["usage"] = usage;
        }
        if f.shape == Shape::OpenRouter {
            v["provider"] = json!("OpenAI");
            v["choices"][0]["native_finish_reason"] = json!(finish);
        }
        return json_resp(StatusCode::OK, v);
    }
    // Build the stream as a list of SSE frames, then send them with delays.
    let chunk = |delta: Value, finish: Value| {
        let mut c = json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": reported,
            "choices": [{"index": 0, "delta": delta, "finish_reason": finish}]});
        if f.shape == Shape::OpenRouter {
            c["provider"] = json!("OpenAI");
        }
        c
    };
    let mut chunks: Vec<Value> = vec![chunk(
        json!({"role": "assistant", "content": ""}),
        Value::Null,
    )];
    let finish = if let Some(t) = &tool {
        chunks.push(chunk(json!({"tool_calls": [{"index": 0, "id": format!("call_{n}"), "type": "function", "function": {"name": t, "arguments": ""}}]}), Value::Null));
        let (a, b) = args.split_at(args.len() / 2);
        for part in [a, b] {
            chunks.push(chunk(
                json!({"tool_calls": [{"index": 0, "function": {"arguments": part}}]}),
                Value::Null,
            ));
        }
        "tool_calls"
    } else {
        for w in text.split_inclusive(' ') {
            chunks.push(chunk(json!({"content": w}), Value::Null));
        }
        "stop"
    };
    chunks.push(chunk(json!({}), json!(finish)));
    for (i, t) in others.iter().enumerate() {
        let mut c = chunk(json!({"content": t}), json!("stop"));
        c["choices"][0]["index"] = json!(i + 1);
        chunks.push(c);
    }
    let mut frames: Vec<String> = Vec::new();
    if f.shape == Shape::OpenRouter {
        frames.push(": OPENROUTER PROCESSING\n\n".into());
    }
    let frame = |i: usize, v: &Value| match f.shape {
        Shape::OpenRouter => format!("data: {v}\n\n"),
        Shape::Target => format!("id: {i}\ndata: {v}\n\n"),
    };
    let mid = chunks.len() / 2;
    for (i, c) in chunks.iter().enumerate() {
        if i == mid && sw.error_mid_stream {
            let e = match f.shape {
                Shape::OpenRouter => format!(
                    "data: {}\n\n",
                    json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": reported, "provider": "OpenAI",
                    "error": {"code": 502, "message": "Upstream provider disconnected", "metadata": {"error_type": "provider_unavailable"}},
                    "choices": [{"index": 0, "delta": {"content": ""}, "finish_reason": "error"}]})
                ),
                Shape::Target => format!(
                    "event: error\nid: {i}\ndata: {}\n\nevent: done\ndata: [DONE]\n\n",
                    json!({"error": {"message": "upstream stream failed", "type": "upstream_error", "code": "upstream_error"}})
                ),
            };
            frames.push(e);
            break;
        }
        frames.push(frame(i, c));
    }
    if !sw.error_mid_stream {
        if !sw.no_usage {
            let u = match f.shape {
                Shape::OpenRouter => {
                    json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": reported, "provider": "OpenAI", "choices": [], "usage": usage})
                }
                Shape::Target => {
                    json!({"id": id, "object": "chat.completion.chunk", "created": 1_700_000_000, "model": reported,
                    "choices": [{"index": 0, "delta": {}, "finish_reason": null}], "usage": usage})
                }
            };
            frames.push(frame(chunks.len(), &u));
        }
        frames.push(match f.shape {
            Shape::OpenRouter => "data: [DONE]\n\n".into(),
            Shape::Target => format!("event: done\nid: {}\ndata: [DONE]\n\n", chunks.len() + 1),
        });
    }
    let cut = frames.len() / 2;
    if sw.truncate_stream {
        // Half of a frame, then a clean end of body.
        let half = frames[cut].len() / 2;
        let partial = frames[cut][..half].to_owned();
        frames.truncate(cut);
        frames.push(partial);
    }
    let disconnect = sw.disconnect_mid_stream.then_some(cut);
    let mut r = sse_response(frames, sw.chunk_delay, disconnect);
    r.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    r
}

/// Embedding models: any id naming one.
fn embedding_model(_: Shape, model: &str) -> bool {
    model.contains("embed")
}

/// A deterministic embedding: word counts hashed into `dims` buckets, so
/// the same text gives the same vector and other words move it.
pub fn embed(text: &str, dims: usize) -> Vec<f32> {
    let mut v = vec![0.0f32; dims.max(1)];
    for w in text.split_whitespace() {
        let w = w
            .trim_matches(|c: char| !c.is_alphanumeric())
            .to_lowercase();
        let h = w.bytes().fold(0xcbf2_9ce4_8422_2325u64, |h, b| {
            (h ^ u64::from(b)).wrapping_mul(0x100_0000_01b3)
        });
        v[(h % dims.max(1) as u64) as usize] += 1.0;
    }
    v
}

async fn embeddings(State(f): State<Arc<Fake>>, h: HeaderMap, text: String) -> Response {
    let (_guard, _, body, model) = match admit(&f, &h, &text, embedding_model).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let sw = &f.sw;
    let inputs: Vec<String> = match &body["input"] {
        Value::String(s) => vec![s.clone()],
        Value::Array(a) => a
            .iter()
            .map(|x| x.as_str().unwrap_or("").to_owned())
            .collect(),
        _ => {
            return error(
                f.shape,
                StatusCode::BAD_REQUEST,
                "input is required",
                "invalid_input",
            )
        }
    };
    let dims = sw.embedding_dims.unwrap_or(16);
    let base64 = body["encoding_format"] == "base64";
    let data: Vec<Value> = inputs
        .iter()
        .enumerate()
        .map(|(i, t)| {
            let t = format!("{t}{}", sw.text_suffix.as_deref().unwrap_or(""));
            let v = embed(&t, dims);
            let e = if base64 {
                use base64::Engine as _;
                let bytes: Vec<u8> = v.iter().flat_map(|x| x.to_le_bytes()).collect();
                json!(base64::engine::general_purpose::STANDARD.encode(bytes))
            } else {
                json!(v)
            };
            json!({"object": "embedding", "index": i, "embedding": e})
        })
        .collect();
    let tokens: u64 = inputs.iter().map(|t| words(t)).sum();
    let mut v = json!({"object": "list", "data": data, "model": echo_model(f.shape, &model)});
    if !sw.no_usage {
        v["usage"] = json!({"prompt_tokens": tokens, "total_tokens": tokens});
    }
    json_resp(StatusCode::OK, v)
}

/// The Responses API: `input` messages in, `output` items out; streams are
/// typed events ending with `response.completed` (no `[DONE]`).
async fn responses(State(f): State<Arc<Fake>>, h: HeaderMap, text: String) -> Response {
    let (_guard, n, body, model) = match admit(&f, &h, &text, served).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let sw = &f.sw;
    let mut as_chat = body.clone();
    as_chat["messages"] = body["input"].clone();
    if let Some(fmt) = body["text"]["format"].as_object() {
        as_chat["response_format"] = json!({"type": fmt.get("type")});
    }
    let mut answer_text = answer(&as_chat);
    if let Some(s) = &sw.text_suffix {
        answer_text.push_str(s);
    }
    let tool = body["tools"]
        .as_array()
        .and_then(|t| t.first())
        .and_then(|t| t["name"].as_str())
        .map(str::to_owned);
    let input_tokens: u64 = body["input"].as_array().map_or(0, |m| {
        m.iter().map(|x| words(&x["content"].to_string()) + 4).sum()
    });
    let output_tokens = (words(&answer_text).max(1) as i64 + sw.token_drift).max(0) as u64;
    let id = format!("resp_{n:06}");
    let reported = sw
        .model_override
        .clone()
        .unwrap_or_else(|| echo_model(f.shape, &model));
    let args = json!({"city": "Paris", "unit": "celsius"}).to_string();
    let output = match &tool {
        Some(t) => {
            json!([{"type": "function_call", "id": format!("fc_{n}"), "call_id": format!("call_{n}"), "name": t, "arguments": args, "status": "completed"}])
        }
        None => {
            json!([{"type": "message", "id": format!("msg_{n}"), "role": "assistant", "status": "completed",
            "content": [{"type": "output_text", "text": answer_text, "annotations": []}]}])
        }
    };
    let mut done = json!({"id": id, "object": "response", "created_at": 1_700_000_000, "status": "completed",
        "model": reported, "output": output});
    if !sw.no_usage {
        done["usage"] = json!({"input_tokens": input_tokens, "output_tokens": output_tokens, "total_tokens": input_tokens + output_tokens});
    }
    if !body["stream"].as_bool().unwrap_or(false) {
        return json_resp(StatusCode::OK, done);
    }
    let mut events: Vec<Value> = vec![
        json!({"type": "response.created", "response": {"id": id, "status": "in_progress", "model": reported, "output": []}}),
    ];
    match &tool {
        Some(t) => {
            events.push(json!({"type": "response.output_item.added", "output_index": 0,
                "item": {"type": "function_call", "call_id": format!("call_{n}"), "name": t, "arguments": ""}}));
            let (a, b) = args.split_at(args.len() / 2);
            for part in [a, b] {
                events.push(json!({"type": "response.function_call_arguments.delta", "output_index": 0, "delta": part}));
            }
        }
        None => {
            for w in answer_text.split_inclusive(' ') {
                events.push(json!({"type": "response.output_text.delta", "item_id": format!("msg_{n}"), "output_index": 0, "content_index": 0, "delta": w}));
            }
        }
    }
    let mut frames: Vec<String> = events
        .iter()
        .map(|e| format!("event: {}\ndata: {e}\n\n", e["type"].as_str().unwrap_or("")))
        .collect();
    let cut = frames.len() / 2;
    if sw.error_mid_stream {
        frames.truncate(cut);
        frames.push(format!(
            "event: error\ndata: {}\n\n",
            json!({"type": "error", "code": "server_error", "message": "upstream stream failed"})
        ));
    } else if sw.truncate_stream {
        frames.truncate(cut);
    } else {
        frames.push(format!(
            "event: response.completed\ndata: {}\n\n",
            json!({"type": "response.completed", "response": done})
        ));
    }
    sse_response(frames, sw.chunk_delay, None)
}

/// An event stream of `frames`, `delay` apart; the connection drops
/// before frame `disconnect_at`.
fn sse_response(frames: Vec<String>, delay: Duration, disconnect_at: Option<usize>) -> Response {
    let stream = futures_util::stream::unfold((frames, 0usize), move |(frames, i)| async move {
        if i >= frames.len() {
            return None;
        }
        if i > 0 && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if disconnect_at == Some(i) {
            // Let the headers and first frames reach the client first.
            tokio::time::sleep(Duration::from_millis(50)).await;
            let e: Result<String, std::io::Error> =
                Err(std::io::Error::other("fake gateway: connection dropped"));
            return Some((e, (frames, usize::MAX - 1)));
        }
        let item: Result<String, std::io::Error> = Ok(frames[i].clone());
        Some((item, (frames, i + 1)))
    });
    let mut r = Response::new(Body::from_stream(stream));
    r.headers_mut().insert(
        "content-type",
        HeaderValue::from_static("text/event-stream"),
    );
    r
}

/// A judge and embeddings server for meaning checks: the judge says two
/// answers are the same unless exactly one mentions Lyon; embeddings use
/// [`embed`]. Every request is kept in `seen`.
pub async fn start_meaning(port: u16, latency: Duration) -> Running {
    let sw = Switches {
        latency,
        ..Default::default()
    };
    let app = Router::new()
        .route("/v1/chat/completions", post(judge))
        .route("/v1/embeddings", post(embeddings));
    serve(Shape::Target, sw, port, app).await
}

async fn judge(State(f): State<Arc<Fake>>, h: HeaderMap, text: String) -> Response {
    let (_guard, _, body, _) = match admit(&f, &h, &text, |_, _| true).await {
        Ok(x) => x,
        Err(r) => return r,
    };
    let user = body["messages"][1]["content"].as_str().unwrap_or("");
    let (_, answers) = user.split_once("Baseline answer:").unwrap_or(("", ""));
    let (b, c) = answers.split_once("Candidate answer:").unwrap_or(("", ""));
    let same = b.contains("Lyon") == c.contains("Lyon");
    let verdict = json!({"same": same, "reason": if same { "both name Paris" } else { "only one mentions Lyon" }});
    json_resp(
        StatusCode::OK,
        json!({"id": "j", "object": "chat.completion", "model": "judge-1",
            "choices": [{"index": 0, "message": {"role": "assistant", "content": verdict.to_string()}, "finish_reason": "stop"}]}),
    )
}
