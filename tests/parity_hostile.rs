//! `parity` against gateways that misbehave on purpose: echo the key they
//! were sent, redirect to another host, or never stop sending. Keys must not
//! reach any report, credentials must not follow a redirect, and memory and
//! time stay bounded.

use std::net::SocketAddr;
use std::path::Path;
use std::process::{Command, Output};
use std::sync::{Arc, Mutex};
use std::time::{Duration, Instant};

use axum::body::{Body, Bytes};
use axum::http::{HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::post;
use axum::Router;

const BIN: &str = env!("CARGO_BIN_EXE_llmgw-migrate");
const BKEY: &str = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";
const CKEY: &str = "llmgtwy_9876543210fedcba9876543210QQ";
/// A key of no known shape: only its literal value can find it.
const ODD_KEY: &str = "zz-custom-secret-4711-token";

const GOLDEN: &str = r#"schema: 1
defaults: {stream: both}
prompts:
  - id: capital
    model: openai/gpt-4o
    messages: [{role: user, content: "What is the capital of France?"}]
"#;

async fn serve(app: Router) -> SocketAddr {
    let listener = tokio::net::TcpListener::bind(("127.0.0.1", 0))
        .await
        .unwrap();
    let addr = listener.local_addr().unwrap();
    tokio::spawn(async move {
        let _ = axum::serve(listener, app).await;
    });
    addr
}

async fn cli(args: Vec<String>, envs: Vec<(&'static str, String)>) -> Output {
    tokio::task::spawn_blocking(move || {
        let mut c = Command::new(BIN);
        c.args(&args)
            .env("NO_COLOR", "1")
            .env_remove("GITHUB_STEP_SUMMARY");
        for (k, v) in envs {
            c.env(k, v);
        }
        c.output().unwrap()
    })
    .await
    .unwrap()
}

fn s(p: &Path) -> String {
    p.display().to_string()
}

fn setup(config: &str) -> (tempfile::TempDir, Vec<String>) {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("golden.yaml"), GOLDEN).unwrap();
    std::fs::write(dir.path().join("config.yaml"), config).unwrap();
    let args = vec![
        "parity".into(),
        "--golden".into(),
        s(&dir.path().join("golden.yaml")),
        "--config".into(),
        s(&dir.path().join("config.yaml")),
    ];
    (dir, args)
}

/// Answers 401 quoting every credential it received, as some gateways do.
async fn echo_key(h: HeaderMap) -> Response {
    let auth = h
        .get("authorization")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let xkey = h
        .get("x-api-key")
        .and_then(|v| v.to_str().ok())
        .unwrap_or("");
    let body = serde_json::json!({"error": {
        "message": format!("Invalid API key: {auth} (x-api-key {xkey})"),
        "type": "auth_error", "code": 401}});
    (StatusCode::UNAUTHORIZED, body.to_string()).into_response()
}

#[tokio::test(flavor = "multi_thread")]
async fn echoed_keys_never_reach_a_report() {
    let a = serve(Router::new().route("/v1/chat/completions", post(echo_key))).await;
    let b = serve(Router::new().route("/v1/chat/completions", post(echo_key))).await;
    let (dir, args) = setup(&format!(
        "baseline:\n  base_url: http://{a}/v1\n  api_key_env: H_OR_KEY\ncandidate:\n  base_url: http://{b}/v1\n  api_key_env: H_LLMG_KEY\n  auth: x-api-key\nretries: 0\n"
    ));
    let summary = dir.path().join("summary.md");
    let envs = || {
        vec![
            ("H_OR_KEY", BKEY.to_string()),
            ("H_LLMG_KEY", CKEY.to_string()),
        ]
    };
    let mut seen = String::new();
    for format in ["human", "json", "junit", "markdown", "html"] {
        let mut a = args.clone();
        a.extend(["--format".into(), format.into()]);
        let mut e = envs();
        e.push(("GITHUB_STEP_SUMMARY", s(&summary)));
        let out = cli(a, e).await;
        assert_eq!(out.status.code(), Some(1), "{format}");
        let text = String::from_utf8_lossy(&out.stdout).into_owned()
            + &String::from_utf8_lossy(&out.stderr);
        // The report still says what went wrong, with the key hidden.
        assert!(text.contains("Invalid API key"), "{format}: {text}");
        assert!(text.contains("sk-or-v1-..."), "{format}: {text}");
        seen.push_str(&text);
    }
    seen.push_str(&std::fs::read_to_string(&summary).unwrap());
    for key in [BKEY, CKEY] {
        assert!(!seen.contains(key), "key in a report:\n{seen}");
        assert!(!seen.contains(&key[12..24]), "part of a key in a report");
    }

    // A key of no known shape is found by its literal value.
    let mut e = envs();
    e[1].1 = ODD_KEY.into();
    let mut a = args.clone();
    a.extend(["--format".into(), "json".into()]);
    let out = cli(a, e).await;
    let text = String::from_utf8_lossy(&out.stdout);
    assert!(text.contains("x-api-key"), "{text}");
    assert!(!text.contains("secret-4711"), "{text}");
}

#[tokio::test(flavor = "multi_thread")]
async fn credentials_never_follow_a_redirect_to_another_host() {
    let hits: Arc<Mutex<Vec<HeaderMap>>> = Arc::default();
    let h2 = hits.clone();
    let other = serve(Router::new().route(
        "/v1/chat/completions",
        post(move |h: HeaderMap| {
            let hits = h2.clone();
            async move {
                hits.lock().unwrap().push(h);
                (StatusCode::OK, "{}")
            }
        }),
    ))
    .await;
    // "localhost" and 127.0.0.1 on another port: another origin.
    let target = format!("http://localhost:{}/v1/chat/completions", other.port());
    let redirect = serve(Router::new().route(
        "/v1/chat/completions",
        post(move || {
            let t = target.clone();
            async move { (StatusCode::TEMPORARY_REDIRECT, [("location", t)]) }
        }),
    ))
    .await;
    let (_dir, mut args) = setup(&format!(
        "baseline:\n  base_url: http://{redirect}/v1\n  api_key_env: H_OR_KEY\n  auth: x-api-key\n  headers: {{X-Team-Token: team-secret-123}}\ncandidate:\n  base_url: http://{redirect}/v1\n  api_key_env: H_OR_KEY\nretries: 0\n"
    ));
    args.extend(["--format".into(), "json".into()]);
    let out = cli(args, vec![("H_OR_KEY", BKEY.into())]).await;
    assert_eq!(out.status.code(), Some(1));
    assert!(
        hits.lock().unwrap().is_empty(),
        "the other host was contacted"
    );
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let p = &doc["prompts"][0];
    assert_eq!(p["status"], "error");
    let detail = p["checks"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("refused a redirect") && detail.contains("localhost"),
        "{detail}"
    );
}

/// An endless body: SSE events as fast as the socket takes them.
fn endless(chunk: &'static [u8]) -> Response {
    let s = futures_util::stream::repeat_with(move || {
        Ok::<_, std::io::Error>(Bytes::from_static(chunk))
    });
    let mut r = Response::new(Body::from_stream(s));
    r.headers_mut()
        .insert("content-type", "text/event-stream".parse().unwrap());
    r
}

#[tokio::test(flavor = "multi_thread")]
async fn endless_bodies_stop_at_the_cap_and_the_recording_keeps_what_came() {
    static EVENT: &[u8] = b"data: {\"choices\":[{\"delta\":{\"content\":\"ha\"}}]}\n\n";
    let a =
        serve(Router::new().route("/v1/chat/completions", post(|| async { endless(EVENT) }))).await;
    let (dir, mut args) = setup(&format!(
        "baseline:\n  base_url: http://{a}/v1\n  timeout_s: 30\ncandidate:\n  base_url: http://{a}/v1\n  timeout_s: 30\nmax_response_bytes: 262144\nretries: 0\n"
    ));
    let rec = dir.path().join("rec");
    args.extend(["--format".into(), "json".into(), "--record".into(), s(&rec)]);
    let start = Instant::now();
    let out = cli(args, vec![]).await;
    assert!(start.elapsed() < Duration::from_secs(20));
    assert_eq!(out.status.code(), Some(1));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    for p in doc["prompts"].as_array().unwrap() {
        let detail = p["checks"][0]["detail"].as_str().unwrap();
        assert!(
            detail.contains("larger than 256 KiB (max_response_bytes)"),
            "{detail}"
        );
    }
    let ex: serde_json::Value = serde_json::from_str(
        &std::fs::read_to_string(rec.join("prompts/capital/stream.baseline.json")).unwrap(),
    )
    .unwrap();
    assert_eq!(ex["body"].as_str().unwrap().len(), 262_144);
    assert_eq!(ex["failure"]["kind"], "too-large");
    // The recording replays to the same verdict.
    let (_d2, mut args) = setup("");
    args.truncate(3);
    args.extend(["--replay".into(), s(&rec), "--format".into(), "json".into()]);
    let out = cli(args, vec![]).await;
    let again: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(again["prompts"], doc["prompts"]);
}

#[tokio::test(flavor = "multi_thread")]
async fn timeout_covers_a_body_that_drips_forever() {
    let a = serve(Router::new().route(
        "/v1/chat/completions",
        post(|| async {
            let s = futures_util::stream::unfold((), |()| async {
                tokio::time::sleep(Duration::from_millis(20)).await;
                Some((
                    Ok::<_, std::io::Error>(Bytes::from_static(b": keep-alive\n\n")),
                    (),
                ))
            });
            let mut r = Response::new(Body::from_stream(s));
            r.headers_mut()
                .insert("content-type", "text/event-stream".parse().unwrap());
            r
        }),
    ))
    .await;
    let (_dir, mut args) = setup(&format!(
        "baseline:\n  base_url: http://{a}/v1\n  timeout_s: 1\ncandidate:\n  base_url: http://{a}/v1\n  timeout_s: 1\nretries: 0\n"
    ));
    args.extend(["--format".into(), "json".into()]);
    let start = Instant::now();
    let out = cli(args, vec![]).await;
    assert!(start.elapsed() < Duration::from_secs(10));
    let doc: serde_json::Value = serde_json::from_slice(&out.stdout).unwrap();
    let detail = doc["prompts"][0]["checks"][0]["detail"].as_str().unwrap();
    assert!(
        detail.contains("no complete response within 1.0s (body still arriving)"),
        "{detail}"
    );
}
