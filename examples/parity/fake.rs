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
    let state = Arc::new(Fake {
        shape,
        sw,
        hits: AtomicUsize::new(0),
        in_flight: AtomicUsize::new(0),
        max_in_flight: AtomicUsize::new(0),
        seen: Mutex::new(Vec::new()),
    });
    let app = Router::new()
        .route("/v1/chat/completions", post(chat))
        .route("/v1/models", get(models))
        .with_state(state.clone());
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

/// Counts requests in flight (until response headers are sent).
struct InFlight(Arc<Fake>);

impl Drop for InFlight {
    fn drop(&mut self) {
        self.0.in_flight.fetch_sub(1, Ordering::SeqCst);
    }
}

async fn chat(State(f): State<Arc<Fake>>, h: HeaderMap, text: String) -> Response {
    let now = f.in_flight.fetch_add(1, Ordering::SeqCst) + 1;
    f.max_in_flight.fetch_max(now, Ordering::SeqCst);
    let _guard = InFlight(f.clone());
    let n = f.hits.fetch_add(1, Ordering::SeqCst);
    f.seen.lock().unwrap().push((h.clone(), text.clone()));
    let sw = &f.sw;
    if !sw.first_byte_delay.is_zero() {
        tokio::time::sleep(sw.first_byte_delay).await;
    }
    if !sw.latency.is_zero() {
        tokio::time::sleep(sw.latency).await;
    }
    if !key_ok(sw, &h) {
        let msg = match f.shape {
            Shape::OpenRouter => "No auth credentials found",
            Shape::Target => "Invalid LLMGateway API token",
        };
        return error(f.shape, StatusCode::UNAUTHORIZED, msg, "invalid_api_key");
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
        return r;
    }
    if sw.non_json_error {
        let mut r = (
            StatusCode::BAD_GATEWAY,
            "<html><body><h1>502 Bad Gateway</h1></body></html>",
        )
            .into_response();
        r.headers_mut()
            .insert("content-type", HeaderValue::from_static("text/html"));
        return r;
    }
    let body: Value = match serde_json::from_str(&text) {
        Ok(v) => v,
        Err(_) => {
            return error(
                f.shape,
                StatusCode::BAD_REQUEST,
                "Invalid JSON in request body",
                "invalid_json",
            )
        }
    };
    let model = body["model"].as_str().unwrap_or("").to_owned();
    if !served(f.shape, &model) {
        let msg = match f.shape {
            Shape::OpenRouter => format!("{model} is not a valid model ID"),
            Shape::Target => format!("Requested model {model} not supported"),
        };
        return error(f.shape, StatusCode::BAD_REQUEST, &msg, "model_not_found");
    }
    let mut text = answer(&body);
    if let Some(s) = &sw.text_suffix {
        text.push_str(s);
    }
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
    let delay = sw.chunk_delay;
    let disconnect = sw.disconnect_mid_stream;
    let stream = futures_util::stream::unfold((frames, 0usize), move |(frames, i)| async move {
        if i >= frames.len() {
            return None;
        }
        if i > 0 && !delay.is_zero() {
            tokio::time::sleep(delay).await;
        }
        if disconnect && i == cut {
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
    r.headers_mut()
        .insert("cache-control", HeaderValue::from_static("no-cache"));
    r
}
