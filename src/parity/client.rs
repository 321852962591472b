//! Requests -> raw exchanges: HTTP with bounded concurrency, a per-request
//! timeout, and retries with exponential backoff and jitter that honour
//! Retry-After on 429 and 5xx. The raw bytes are kept so that a recording
//! replays through exactly the same parsing as a live run.

use std::sync::Arc;
use std::time::{Duration, Instant, SystemTime};

use futures_util::StreamExt;
use rand::Rng;
use serde::{Deserialize, Serialize};
use tokio::sync::Semaphore;

use super::config::{Auth, Gateway};
use super::sse;

/// Why a request produced no complete HTTP response.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FailKind {
    /// DNS, refused, TLS: the gateway cannot be reached.
    Connect,
    /// The per-request timeout fired.
    Timeout,
    /// The connection broke while the body was being read.
    Body,
    /// The body passed `max_response_bytes`; what came before is kept.
    TooLarge,
    /// A redirect to another origin was refused: it would carry credentials.
    Redirect,
    Other,
}

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Failure {
    pub kind: FailKind,
    pub message: String,
}

/// The request as sent, minus credentials.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SentRequest {
    pub method: String,
    pub url: String,
    pub headers: Vec<(String, String)>,
    /// JSON body, or the raw text of a deliberately malformed one.
    pub body: Option<serde_json::Value>,
    pub raw_body: Option<String>,
}

/// One request and what came back (the last attempt).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Exchange {
    pub request: SentRequest,
    pub status: Option<u16>,
    pub headers: Vec<(String, String)>,
    /// The response body as received (lossy UTF-8), also when cut short.
    pub body: String,
    pub failure: Option<Failure>,
    /// Time to response headers.
    pub ttfb_ms: Option<f64>,
    /// Time to the first content or tool-call delta of a stream.
    pub ttft_ms: Option<f64>,
    pub total_ms: f64,
    pub attempts: u32,
    /// One line per retry: why and how long it waited.
    pub retries: Vec<String>,
}

impl Exchange {
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// What to send.
#[derive(Debug, Clone)]
pub struct Outgoing {
    pub method: reqwest::Method,
    /// Path under the base URL, e.g. `/chat/completions`.
    pub path: String,
    pub body: Option<Body>,
    pub stream: bool,
    /// Replace the configured key (negative tests send a wrong one).
    pub key_override: Option<String>,
}

#[derive(Debug, Clone)]
pub enum Body {
    Json(serde_json::Value),
    Raw(String),
}

#[derive(Debug, Clone)]
pub struct RetryPolicy {
    pub retries: u32,
    pub budget: Duration,
    pub base: Duration,
    pub cap: Duration,
}

/// Live HTTP to one gateway.
#[derive(Clone)]
pub struct Client {
    http: reqwest::Client,
    pub gw: Gateway,
    key: Option<String>,
    limit: Arc<Semaphore>,
    policy: RetryPolicy,
    /// Most bytes read from one response body.
    max_bytes: usize,
}

impl Client {
    pub fn new(
        gw: Gateway,
        key: Option<String>,
        limit: Arc<Semaphore>,
        policy: RetryPolicy,
        max_bytes: usize,
    ) -> Result<Client, reqwest::Error> {
        let http = reqwest::Client::builder()
            .connect_timeout(Duration::from_secs_f64(gw.timeout_s.min(30.0)))
            .redirect(redirect_policy())
            .user_agent(concat!(
                "llmgw-migrate/",
                env!("CARGO_PKG_VERSION"),
                " parity"
            ))
            .build()?;
        Ok(Client {
            http,
            gw,
            key,
            limit,
            policy,
            max_bytes,
        })
    }

    pub fn url(&self, path: &str) -> String {
        format!("{}{}", self.gw.base_url, path)
    }

    /// Send with retries. Never panics; every failure ends up in the exchange.
    pub async fn send(&self, out: &Outgoing) -> Exchange {
        let first = Instant::now();
        let mut log = Vec::new();
        let mut attempt = 0u32;
        loop {
            attempt += 1;
            let ex = {
                // Hold a slot only while talking, not while backing off.
                let _permit = self.limit.acquire().await.ok();
                self.attempt(out).await
            };
            let retry_after = retry_after(&ex, SystemTime::now());
            let retryable = match (&ex.failure, ex.status) {
                // A stream that broke after its 200 is reported, not retried:
                // that is what a user of the gateway would have seen.
                (Some(_), Some(200..=299)) => false,
                (Some(f), _) => matches!(f.kind, FailKind::Connect | FailKind::Timeout),
                (None, Some(s)) => matches!(s, 408 | 409 | 429) || s >= 500,
                (None, None) => false,
            };
            if !retryable || attempt > self.policy.retries {
                return finish(ex, attempt, log);
            }
            let backoff = self
                .policy
                .base
                .saturating_mul(1u32 << (attempt - 1).min(16))
                .min(self.policy.cap);
            // Full jitter in [backoff/2, backoff] spreads retries of
            // concurrent requests apart.
            let jittered = backoff.mul_f64(rand::rng().random_range(0.5..=1.0));
            let wait = retry_after.unwrap_or(jittered);
            let why = match ex.status {
                Some(s) => format!("HTTP {s}"),
                None => ex
                    .failure
                    .as_ref()
                    .map_or("error".into(), |f| format!("{:?}", f.kind).to_lowercase()),
            };
            let elapsed = first.elapsed();
            if elapsed + wait > self.policy.budget {
                log.push(format!(
                    "{why}: not retried, waiting {:.1}s would exceed the retry budget of {:.0}s",
                    wait.as_secs_f64(),
                    self.policy.budget.as_secs_f64()
                ));
                return finish(ex, attempt, log);
            }
            log.push(format!(
                "{why}: retry {attempt} after {:.2}s{}",
                wait.as_secs_f64(),
                if retry_after.is_some() {
                    " (Retry-After)"
                } else {
                    ""
                }
            ));
            tokio::time::sleep(wait).await;
        }
    }

    async fn attempt(&self, out: &Outgoing) -> Exchange {
        let url = self.url(&out.path);
        let mut headers: Vec<(String, String)> = self.gw.headers.clone();
        if out.body.is_some() {
            headers.push(("Content-Type".into(), "application/json".into()));
        }
        if out.stream {
            headers.push(("Accept".into(), "text/event-stream".into()));
        }
        let sent = SentRequest {
            method: out.method.to_string(),
            url: url.clone(),
            headers: headers.clone(),
            body: match &out.body {
                Some(Body::Json(v)) => Some(v.clone()),
                _ => None,
            },
            raw_body: match &out.body {
                Some(Body::Raw(s)) => Some(s.clone()),
                _ => None,
            },
        };
        let mut rb = self.http.request(out.method.clone(), &url);
        for (k, v) in &headers {
            rb = rb.header(k, v);
        }
        let key = out.key_override.as_ref().or(self.key.as_ref());
        if let Some(k) = key {
            rb = match self.gw.auth {
                Auth::Bearer => rb.bearer_auth(k),
                Auth::XApiKey => rb.header("x-api-key", k),
                // A wrong key is still sent to a keyless gateway.
                Auth::None if out.key_override.is_some() => rb.bearer_auth(k),
                Auth::None => rb,
            };
        }
        rb = match &out.body {
            Some(Body::Json(v)) => rb.body(serde_json::to_vec(v).unwrap_or_default()),
            Some(Body::Raw(s)) => rb.body(s.clone()),
            None => rb,
        };
        let start = Instant::now();
        let mut st = AttemptState::default();
        let timeout = self.gw.timeout();
        let res =
            tokio::time::timeout(timeout, run(rb, out.stream, start, self.max_bytes, &mut st))
                .await;
        let failure = match res {
            Ok(Ok(())) => None,
            Ok(Err(f)) => Some(f),
            Err(_) => Some(Failure {
                kind: FailKind::Timeout,
                message: format!(
                    "no complete response within {:.1}s ({})",
                    timeout.as_secs_f64(),
                    if st.status.is_none() {
                        "no response headers"
                    } else {
                        "body still arriving"
                    }
                ),
            }),
        };
        Exchange {
            request: sent,
            status: st.status,
            headers: st.headers,
            body: into_text(std::mem::take(&mut st.body)),
            failure,
            ttfb_ms: st.ttfb_ms,
            ttft_ms: st.ttft_ms,
            total_ms: ms(start.elapsed()),
            attempts: 1,
            retries: Vec::new(),
        }
    }
}

/// Bytes as text without a second copy when they are valid UTF-8.
fn into_text(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_else(|e| String::from_utf8_lossy(e.as_bytes()).into_owned())
}

/// The error a refused redirect carries.
#[derive(Debug, thiserror::Error)]
#[error("refused a redirect from {from} to another origin, {to}: it would receive the credentials (point base_url at the final host)")]
struct CrossOrigin {
    from: String,
    to: String,
}

/// Follow redirects on the same origin only. reqwest drops `Authorization`
/// on a cross-host redirect but not `x-api-key` or headers from `headers:`;
/// refusing is the one rule that covers every credential.
fn redirect_policy() -> reqwest::redirect::Policy {
    reqwest::redirect::Policy::custom(|attempt| {
        if attempt.previous().len() > 10 {
            return attempt.error("more than 10 redirects");
        }
        let to = attempt.url().origin();
        match attempt.previous().last() {
            Some(prev) if prev.origin() != to => {
                let e = CrossOrigin {
                    from: prev.origin().ascii_serialization(),
                    to: to.ascii_serialization(),
                };
                attempt.error(e)
            }
            _ => attempt.follow(),
        }
    })
}

/// `16 MiB`, `512 KiB`, `100 bytes`.
pub fn size(n: usize) -> String {
    if n >= 1 << 20 && n.is_multiple_of(1 << 20) {
        format!("{} MiB", n >> 20)
    } else if n >= 1 << 10 && n.is_multiple_of(1 << 10) {
        format!("{} KiB", n >> 10)
    } else {
        format!("{n} bytes")
    }
}

fn finish(mut ex: Exchange, attempts: u32, log: Vec<String>) -> Exchange {
    ex.attempts = attempts;
    ex.retries = log;
    ex
}

pub fn ms(d: Duration) -> f64 {
    (d.as_secs_f64() * 1e6).round() / 1e3
}

#[derive(Default)]
struct AttemptState {
    status: Option<u16>,
    headers: Vec<(String, String)>,
    body: Vec<u8>,
    ttfb_ms: Option<f64>,
    ttft_ms: Option<f64>,
}

/// How much of a stream is parsed while looking for its first token.
const TTFT_SCAN_LIMIT: usize = 1 << 20;

/// Headers worth keeping in a recording (never cookies).
fn keep_header(name: &str) -> bool {
    let n = name.to_ascii_lowercase();
    !(n == "set-cookie" || super::config::is_secret_header(&n))
}

async fn run(
    rb: reqwest::RequestBuilder,
    stream: bool,
    start: Instant,
    max_bytes: usize,
    st: &mut AttemptState,
) -> Result<(), Failure> {
    let resp = rb.send().await.map_err(classify)?;
    st.ttfb_ms = Some(ms(start.elapsed()));
    st.status = Some(resp.status().as_u16());
    st.headers = resp
        .headers()
        .iter()
        .filter(|(k, _)| keep_header(k.as_str()))
        .map(|(k, v)| {
            (
                k.as_str().to_owned(),
                String::from_utf8_lossy(v.as_bytes()).into_owned(),
            )
        })
        .collect();
    let mut parser = sse::Parser::new();
    let mut chunks = resp.bytes_stream();
    while let Some(chunk) = chunks.next().await {
        let chunk = chunk.map_err(|e| Failure {
            kind: FailKind::Body,
            message: format!("connection broke while reading the body: {}", chain(&e)),
        })?;
        let room = max_bytes.saturating_sub(st.body.len());
        if chunk.len() > room {
            // Keep what fits, so a recording shows what was received.
            st.body.extend_from_slice(&chunk[..room]);
            return Err(Failure {
                kind: FailKind::TooLarge,
                message: format!(
                    "response body larger than {} (max_response_bytes): stopped reading",
                    size(max_bytes)
                ),
            });
        }
        st.body.extend_from_slice(&chunk);
        // The parser buffers an unfinished event: past 1 MiB without a token
        // (no real stream starts so) time to first token stays unknown
        // rather than costing a second copy of the body.
        if stream && st.ttft_ms.is_none() && st.body.len() <= TTFT_SCAN_LIMIT {
            for item in parser.feed(&chunk) {
                if let sse::Item::Event(ev) = item {
                    if carries_token(&ev.data) {
                        st.ttft_ms = Some(ms(start.elapsed()));
                        break;
                    }
                }
            }
        }
    }
    Ok(())
}

/// Whether a stream chunk carries generated content or a tool-call delta:
/// a chat chunk's delta, or a Responses API `*.delta` event.
fn carries_token(data: &str) -> bool {
    let Ok(v) = serde_json::from_str::<serde_json::Value>(data) else {
        return false;
    };
    if v["type"].as_str().is_some_and(|t| t.ends_with(".delta")) {
        return v["delta"].as_str().is_some_and(|d| !d.is_empty());
    }
    v.get("choices")
        .and_then(|c| c.as_array())
        .is_some_and(|cs| {
            cs.iter().any(|c| {
                let d = &c["delta"];
                d["content"].as_str().is_some_and(|s| !s.is_empty())
                    || d["tool_calls"].as_array().is_some_and(|t| !t.is_empty())
                    || d["reasoning"].as_str().is_some_and(|s| !s.is_empty())
            })
        })
}

fn chain(e: &dyn std::error::Error) -> String {
    let mut s = e.to_string();
    let mut cur = e.source();
    while let Some(c) = cur {
        let m = c.to_string();
        if !s.contains(&m) {
            s.push_str(": ");
            s.push_str(&m);
        }
        cur = c.source();
    }
    s
}

fn classify(e: reqwest::Error) -> Failure {
    let kind = if e.is_redirect() {
        FailKind::Redirect
    } else if e.is_timeout() {
        FailKind::Timeout
    } else if e.is_connect() {
        FailKind::Connect
    } else if e.is_body() || e.is_decode() {
        FailKind::Body
    } else {
        FailKind::Other
    };
    Failure {
        kind,
        message: chain(&e),
    }
}

/// Longest Retry-After we wait for; longer hints fail the request instead.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(120);

/// The server's wait hint: `retry-after-ms`, or `Retry-After` as seconds or
/// an HTTP date. Only on 429 and 5xx (and 408/409).
pub fn retry_after(ex: &Exchange, now: SystemTime) -> Option<Duration> {
    let s = ex.status?;
    if !(s == 429 || s >= 500 || s == 408 || s == 409) {
        return None;
    }
    if let Some(v) = ex.header("retry-after-ms") {
        if let Ok(ms) = v.trim().parse::<f64>() {
            if ms >= 0.0 {
                return Some(Duration::from_secs_f64(ms / 1000.0).min(MAX_RETRY_AFTER));
            }
        }
    }
    let v = ex.header("retry-after")?.trim();
    if let Ok(secs) = v.parse::<f64>() {
        return (secs >= 0.0).then(|| Duration::from_secs_f64(secs).min(MAX_RETRY_AFTER));
    }
    let at = parse_http_date(v)?;
    Some(
        at.duration_since(now)
            .unwrap_or(Duration::ZERO)
            .min(MAX_RETRY_AFTER),
    )
}

/// IMF-fixdate (`Sun, 06 Nov 1994 08:49:37 GMT`), the form RFC 9110 requires
/// senders to use.
pub fn parse_http_date(s: &str) -> Option<SystemTime> {
    let rest = s.split_once(", ")?.1;
    let parts: Vec<&str> = rest.split_whitespace().collect();
    if parts.len() != 5 || parts[4] != "GMT" {
        return None;
    }
    let day: u64 = parts[0].parse().ok()?;
    const MONTHS: [&str; 12] = [
        "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec",
    ];
    let month = MONTHS.iter().position(|m| *m == parts[1])? as u64 + 1;
    let year: u64 = parts[2].parse().ok()?;
    let hms: Vec<u64> = parts[3]
        .split(':')
        .map(|x| x.parse().ok())
        .collect::<Option<_>>()?;
    if hms.len() != 3 || year < 1970 || !(1..=31).contains(&day) || hms[0] > 23 || hms[1] > 59 {
        return None;
    }
    // Days from civil date (Howard Hinnant's algorithm).
    let (y, m) = if month <= 2 {
        (year - 1, month + 9)
    } else {
        (year, month - 3)
    };
    let era = y / 400;
    let yoe = y - era * 400;
    let doy = (153 * m + 2) / 5 + day - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    let days = era * 146_097 + doe - 719_468;
    let secs = days * 86_400 + hms[0] * 3600 + hms[1] * 60 + hms[2];
    Some(SystemTime::UNIX_EPOCH + Duration::from_secs(secs))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn ex(status: u16, headers: &[(&str, &str)]) -> Exchange {
        Exchange {
            request: SentRequest {
                method: "POST".into(),
                url: "http://x".into(),
                headers: vec![],
                body: None,
                raw_body: None,
            },
            status: Some(status),
            headers: headers
                .iter()
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect(),
            body: String::new(),
            failure: None,
            ttfb_ms: None,
            ttft_ms: None,
            total_ms: 0.0,
            attempts: 1,
            retries: vec![],
        }
    }

    #[test]
    fn http_date_parses() {
        let t = parse_http_date("Sun, 06 Nov 1994 08:49:37 GMT").unwrap();
        assert_eq!(
            t.duration_since(SystemTime::UNIX_EPOCH).unwrap().as_secs(),
            784_111_777
        );
        assert!(parse_http_date("Sunday, 06-Nov-94 08:49:37 GMT").is_none());
        assert!(parse_http_date("soon").is_none());
    }

    #[test]
    fn retry_after_seconds_date_and_status() {
        let now = SystemTime::UNIX_EPOCH + Duration::from_secs(784_111_770);
        let e = ex(429, &[("Retry-After", "3")]);
        assert_eq!(retry_after(&e, now), Some(Duration::from_secs(3)));
        let e = ex(503, &[("retry-after", "Sun, 06 Nov 1994 08:49:37 GMT")]);
        assert_eq!(retry_after(&e, now), Some(Duration::from_secs(7)));
        let e = ex(429, &[("retry-after-ms", "250"), ("retry-after", "9")]);
        assert_eq!(retry_after(&e, now), Some(Duration::from_millis(250)));
        // Not on a 400, and capped.
        assert_eq!(retry_after(&ex(400, &[("Retry-After", "3")]), now), None);
        let e = ex(429, &[("Retry-After", "100000")]);
        assert_eq!(retry_after(&e, now), Some(MAX_RETRY_AFTER));
    }

    #[test]
    fn token_detection() {
        assert!(carries_token(r#"{"choices":[{"delta":{"content":"Hi"}}]}"#));
        assert!(!carries_token(
            r#"{"choices":[{"delta":{"role":"assistant","content":""}}]}"#
        ));
        assert!(carries_token(
            r#"{"choices":[{"delta":{"tool_calls":[{"index":0}]}}]}"#
        ));
        assert!(!carries_token(r#"{"choices":[],"usage":{}}"#));
        assert!(!carries_token("[DONE]"));
    }
}
