//! End-to-end parity runs against in-process fake gateways on 127.0.0.1.
//! Every misbehaviour must show up as the right failing check or error,
//! never as a hang or a panic.

#[path = "../examples/parity/fake.rs"]
mod fake;

use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use fake::{Running, Shape, Switches};
use llmgw_migrate::parity::{self, compare::CheckStatus, report::Report, ParityOptions};
use llmgw_migrate::rules::Rules;

const GOLDEN: &str = r#"schema: 1
defaults:
  params: {temperature: 0, max_tokens: 64}
  stream: both
prompts:
  - id: capital
    model: openai/gpt-4o
    messages: [{role: user, content: "What is the capital of France?"}]
  - id: tool
    model: anthropic/claude-sonnet-4.6
    messages: [{role: user, content: "Weather in Paris?"}]
    tools: [{type: function, function: {name: get_weather, parameters: {type: object}}}]
    expect: {text: ignore}
"#;

struct Run {
    report: Report,
    b: Running,
    c: Running,
    _dir: tempfile::TempDir,
    elapsed: Duration,
}

fn write(dir: &Path, name: &str, text: &str) -> PathBuf {
    let p = dir.join(name);
    std::fs::write(&p, text).unwrap();
    p
}

async fn run_config(golden: &str, config: &str, opts: ParityOptions) -> (Report, Duration) {
    let dir = tempfile::tempdir().unwrap();
    let opts = ParityOptions {
        golden: write(dir.path(), "golden.yaml", golden),
        config: Some(write(dir.path(), "config.yaml", config)),
        ..opts
    };
    let rules = Rules::embedded().unwrap();
    let p = parity::prepare(&opts, &rules).unwrap();
    let start = Instant::now();
    // A hang is a test failure, not a stuck CI job.
    let report = tokio::time::timeout(Duration::from_secs(60), parity::run(&p, &rules, &opts))
        .await
        .expect("parity run hung");
    (report, start.elapsed())
}

async fn run(golden: &str, bsw: Switches, csw: Switches, extra: &str, opts: ParityOptions) -> Run {
    let b = fake::start(Shape::OpenRouter, bsw).await;
    let c = fake::start(Shape::Target, csw).await;
    let cfg = format!(
        "baseline:\n  base_url: {}\n  timeout_s: 5\n  headers: {{X-Parity-Test: baseline}}\ncandidate:\n  base_url: {}\n  map_models: llmgateway\n  timeout_s: 5\nretry_budget_s: 10\n{extra}",
        b.base_url(),
        c.base_url()
    );
    let (report, elapsed) = run_config(golden, &cfg, opts).await;
    Run {
        report,
        b,
        c,
        _dir: tempfile::tempdir().unwrap(),
        elapsed,
    }
}

fn check<'a>(r: &'a Report, id: &str, mode: &str, name: &str) -> &'a parity::compare::Check {
    let p = r
        .prompts
        .iter()
        .find(|p| p.id == id && p.mode.as_str() == mode)
        .unwrap_or_else(|| panic!("no result {id} {mode}"));
    p.checks
        .iter()
        .find(|c| c.name == name)
        .unwrap_or_else(|| panic!("no check {name} in {id} {mode}: {:#?}", p.checks))
}

#[tokio::test(flavor = "multi_thread")]
async fn identical_gateways_pass_in_both_modes() {
    let r = run(
        GOLDEN,
        Switches::default(),
        Switches::default(),
        "",
        ParityOptions::default(),
    )
    .await;
    assert_eq!(r.report.verdict, "pass", "{:#?}", r.report.prompts);
    assert_eq!(r.report.prompts.len(), 4);
    // Configured extra headers reach the gateway.
    let seen = r.b.state.seen.lock().unwrap();
    assert!(seen
        .iter()
        .all(|(h, _)| h.get("x-parity-test").is_some_and(|v| v == "baseline")));
    drop(seen);
    // Usage schema drift is shown, never failed.
    let u = check(&r.report, "capital", "stream", "usage_fields");
    assert_eq!(u.status, CheckStatus::Info);
    assert!(
        u.detail
            .contains("only baseline: [cost, is_byok, prompt_tokens_details.cached_tokens]")
            && u.detail.contains("only candidate: [cost_usd_total]"),
        "{}",
        u.detail
    );
    // Tool calls: same names and arguments although ids differ.
    let t = check(&r.report, "tool", "stream", "tool_calls");
    assert_eq!(t.status, CheckStatus::Pass, "{}", t.detail);
    // The candidate got the mapped id; the model check normalised the
    // provider prefix LLM Gateway-style servers add.
    let m = check(&r.report, "capital", "non-stream", "model");
    assert_eq!(m.status, CheckStatus::Pass);
    assert_eq!(m.candidate, "openai/gpt-4o");
    let bodies: Vec<serde_json::Value> =
        r.c.state
            .seen
            .lock()
            .unwrap()
            .iter()
            .map(|(_, b)| serde_json::from_str(b).unwrap())
            .collect();
    assert!(bodies.iter().any(|b| b["model"] == "gpt-4o"));
    // Whatever the llmgateway table says today.
    let rules = Rules::embedded().unwrap();
    let mapped = rules
        .target("llmgateway")
        .unwrap()
        .table
        .map_slug(&rules.source_default().table, "anthropic/claude-sonnet-4.6")
        .to
        .unwrap();
    assert!(
        bodies.iter().any(|b| b["model"] == mapped.as_str()),
        "{mapped}"
    );
    let streamed: Vec<_> = bodies.iter().filter(|b| b["stream"] == true).collect();
    assert_eq!(streamed.len(), 2);
    assert!(streamed
        .iter()
        .all(|b| b["stream_options"]["include_usage"] == true));
    let s = &r.report.summary;
    assert_eq!(s.baseline.tokens.total, s.candidate.tokens.total);
    assert!(s.baseline.tokens.total > 0);
    assert!(s.candidate.latency_ms.p50.is_some());
    assert!(s.candidate.ttft_ms.p95.is_some());
}

#[tokio::test(flavor = "multi_thread")]
async fn differing_text_fails_the_text_check() {
    let c = Switches {
        text_suffix: Some(" Lyon is nice too.".into()),
        ..Default::default()
    };
    let r = run(GOLDEN, Switches::default(), c, "", ParityOptions::default()).await;
    assert_eq!(r.report.verdict, "fail");
    for mode in ["non-stream", "stream"] {
        let t = check(&r.report, "capital", mode, "text");
        assert_eq!(t.status, CheckStatus::Fail, "{mode}");
        assert_eq!(
            t.candidate,
            "The capital of France is Paris. Lyon is nice too."
        );
    }
    // The tool prompt ignores text.
    assert_eq!(
        check(&r.report, "tool", "stream", "text").status,
        CheckStatus::Skip
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn reference_checks_judge_each_answer() {
    let golden = r#"schema: 1
defaults: {params: {temperature: 0}, stream: both}
prompts:
  - id: capital
    model: openai/gpt-4o
    messages: [{role: user, content: "What is the capital of France?"}]
    expect: {text: ignore, contains: [paris], not_contains: [lyon]}
  - id: structured
    model: openai/gpt-4o
    messages: [{role: user, content: "Capital of France as JSON"}]
    params: {response_format: {type: json_object}}
    expect:
      text: ignore
      json_schema: {type: object, required: [answer, country], properties: {answer: {enum: [Paris]}}}
"#;
    let c = Switches {
        text_suffix: Some(" Lyon is nice too.".into()),
        ..Default::default()
    };
    let r = run(golden, Switches::default(), c, "", ParityOptions::default()).await;
    for mode in ["non-stream", "stream"] {
        assert_eq!(
            check(&r.report, "capital", mode, "contains").status,
            CheckStatus::Pass
        );
        let n = check(&r.report, "capital", mode, "not_contains");
        assert_eq!(n.status, CheckStatus::Fail);
        assert_eq!(n.detail, r#"candidate contains ["lyon"]"#);
        // The suffix breaks the JSON on the candidate only.
        let j = check(&r.report, "structured", mode, "json_schema");
        assert_eq!(j.status, CheckStatus::Fail);
        assert_eq!(j.detail, "candidate not JSON", "{mode}");
    }
    let r = run(
        golden,
        Switches::default(),
        Switches::default(),
        "",
        ParityOptions::default(),
    )
    .await;
    assert_eq!(r.report.verdict, "pass", "{:#?}", r.report.prompts);
    assert_eq!(
        check(&r.report, "structured", "stream", "json_schema").status,
        CheckStatus::Pass
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn cost_is_reported_per_prompt_and_in_total_never_invented() {
    let golden = GOLDEN.replace(
        "  stream: both\n",
        "  stream: both\n  expect: {cost: {max_ratio: 1.2}}\n",
    );
    // The OpenRouter-shaped fake reports usage.cost; the target does not.
    let r = run(
        &golden,
        Switches::default(),
        Switches::default(),
        "",
        ParityOptions::default(),
    )
    .await;
    let p = &r.report.prompts[0];
    assert_eq!(p.cost.baseline, Some(0.000042));
    assert_eq!(p.cost.candidate, None);
    let total = r.report.summary.cost.baseline.unwrap();
    assert!((total - 4.0 * 0.000042).abs() < 1e-12, "{total}");
    assert_eq!(r.report.summary.cost.candidate, None);
    let c = check(&r.report, "capital", "stream", "cost");
    assert_eq!(c.status, CheckStatus::Skip);
    assert_eq!(c.detail, "no cost returned by the candidate");
    // Both OpenRouter-shaped: equal cost passes the ratio.
    let b = fake::start(Shape::OpenRouter, Switches::default()).await;
    let c2 = fake::start(Shape::OpenRouter, Switches::default()).await;
    let cfg = format!(
        "baseline: {{base_url: '{}'}}\ncandidate: {{base_url: '{}'}}\n",
        b.base_url(),
        c2.base_url()
    );
    let (rep, _) = run_config(&golden, &cfg, ParityOptions::default()).await;
    let c = check(&rep, "capital", "stream", "cost");
    assert_eq!(c.status, CheckStatus::Pass);
    assert_eq!(c.detail, "candidate/baseline 1.00x (max 1.2x)");
}

#[tokio::test(flavor = "multi_thread")]
async fn token_drift_fails_token_checks_but_small_drift_passes() {
    let c = Switches {
        token_drift: 40,
        ..Default::default()
    };
    let r = run(GOLDEN, Switches::default(), c, "", ParityOptions::default()).await;
    let t = check(&r.report, "capital", "stream", "completion_tokens");
    assert_eq!(t.status, CheckStatus::Fail, "{}", t.detail);
    assert!(t.detail.contains("+40"), "{}", t.detail);
    assert_eq!(
        check(&r.report, "capital", "stream", "prompt_tokens").status,
        CheckStatus::Pass
    );
    // Inside the default tolerance (±5 or 15%).
    let c = Switches {
        token_drift: 2,
        ..Default::default()
    };
    let r = run(GOLDEN, Switches::default(), c, "", ParityOptions::default()).await;
    assert_eq!(
        check(&r.report, "capital", "stream", "completion_tokens").status,
        CheckStatus::Pass
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn different_model_name_fails_the_model_check() {
    let c = Switches {
        model_override: Some("openai/gpt-4o-mini".into()),
        ..Default::default()
    };
    let r = run(GOLDEN, Switches::default(), c, "", ParityOptions::default()).await;
    let m = check(&r.report, "capital", "non-stream", "model");
    assert_eq!(m.status, CheckStatus::Fail);
    assert!(m.detail.contains("candidate sent 'gpt-4o'"), "{}", m.detail);
    assert!(m.detail.contains("openai/gpt-4o-mini"), "{}", m.detail);
}

#[tokio::test(flavor = "multi_thread")]
async fn rate_limit_is_retried_after_retry_after() {
    let c = Switches {
        rate_limit_first: 1,
        retry_after: Some("1".into()),
        ..Default::default()
    };
    let golden = GOLDEN.replace("stream: both", "stream: false");
    let r = run(
        &golden,
        Switches::default(),
        c,
        "concurrency: 1\n",
        ParityOptions::default(),
    )
    .await;
    assert_eq!(r.report.verdict, "pass", "{:#?}", r.report.prompts);
    assert!(r.elapsed >= Duration::from_millis(950), "{:?}", r.elapsed);
    let notes: Vec<&String> = r.report.prompts.iter().flat_map(|p| &p.notes).collect();
    assert!(
        notes
            .iter()
            .any(|n| n.contains("HTTP 429: retry 1 after 1.00s (Retry-After)")),
        "{notes:?}"
    );
    // 1 rate-limited + 2 real requests.
    assert_eq!(r.c.hits(), 3);
}

#[tokio::test(flavor = "multi_thread")]
async fn retry_after_beyond_the_budget_is_an_error_not_a_wait() {
    let c = Switches {
        rate_limit_first: 100,
        retry_after: Some("30".into()),
        ..Default::default()
    };
    let golden = GOLDEN.replace("stream: both", "stream: false");
    let r = run(
        &golden,
        Switches::default(),
        c,
        "",
        ParityOptions::default(),
    )
    .await;
    assert!(r.elapsed < Duration::from_secs(5), "{:?}", r.elapsed);
    let resp = check(&r.report, "capital", "non-stream", "response");
    assert_eq!(resp.status, CheckStatus::Error);
    assert!(resp.detail.contains("HTTP 429"), "{}", resp.detail);
    let notes = &r.report.prompts[0].notes;
    assert!(
        notes.iter().any(|n| n.contains("retry budget")),
        "{notes:?}"
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn non_json_server_errors_are_retried_then_reported() {
    let c = Switches {
        non_json_error: true,
        ..Default::default()
    };
    let golden = GOLDEN.replace("stream: both", "stream: false");
    let r = run(
        &golden,
        Switches::default(),
        c,
        "retries: 1\n",
        ParityOptions::default(),
    )
    .await;
    let resp = check(&r.report, "capital", "non-stream", "response");
    assert_eq!(resp.status, CheckStatus::Error);
    assert!(
        resp.detail
            .contains("candidate: HTTP 502: non-JSON body: <html>"),
        "{}",
        resp.detail
    );
    assert_eq!(r.c.hits(), 4, "each of 2 prompts: first attempt + 1 retry");
    assert_eq!(r.report.summary.candidate.errors, 2);
}

#[tokio::test(flavor = "multi_thread")]
async fn slow_first_byte_times_out() {
    let b = fake::start(Shape::OpenRouter, Switches::default()).await;
    let c = fake::start(
        Shape::Target,
        Switches {
            first_byte_delay: Duration::from_secs(3),
            ..Default::default()
        },
    )
    .await;
    let golden = GOLDEN.replace("stream: both", "stream: true");
    let cfg = format!(
        "baseline: {{base_url: '{}'}}\ncandidate: {{base_url: '{}', timeout_s: 0.5}}\nretries: 0\n",
        b.base_url(),
        c.base_url()
    );
    let (rep, elapsed) = run_config(&golden, &cfg, ParityOptions::default()).await;
    assert!(elapsed < Duration::from_secs(3), "{elapsed:?}");
    let resp = check(&rep, "capital", "stream", "response");
    assert_eq!(resp.status, CheckStatus::Error);
    assert!(
        resp.detail
            .contains("no complete response within 0.5s (no response headers)"),
        "{}",
        resp.detail
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn truncated_stream_is_an_error() {
    let c = Switches {
        truncate_stream: true,
        ..Default::default()
    };
    let r = run(GOLDEN, Switches::default(), c, "", ParityOptions::default()).await;
    let resp = check(&r.report, "capital", "stream", "response");
    assert_eq!(resp.status, CheckStatus::Error);
    assert!(
        resp.detail.contains("candidate: stream truncated"),
        "{}",
        resp.detail
    );
    // Non-stream requests are unaffected.
    assert_eq!(
        check(&r.report, "capital", "non-stream", "text").status,
        CheckStatus::Pass
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn mid_stream_disconnect_is_an_error() {
    let b = Switches {
        disconnect_mid_stream: true,
        ..Default::default()
    };
    let r = run(GOLDEN, b, Switches::default(), "", ParityOptions::default()).await;
    let resp = check(&r.report, "capital", "stream", "response");
    assert_eq!(resp.status, CheckStatus::Error);
    assert!(
        resp.detail
            .contains("baseline: connection broke while reading the body"),
        "{}",
        resp.detail
    );
    // Not retried: a stream broken after its 200 is what a user would see.
    assert_eq!(r.b.hits(), 4);
}

#[tokio::test(flavor = "multi_thread")]
async fn mid_stream_error_events_of_both_shapes() {
    let sw = Switches {
        error_mid_stream: true,
        ..Default::default()
    };
    let r = run(GOLDEN, sw.clone(), sw, "", ParityOptions::default()).await;
    let resp = check(&r.report, "capital", "stream", "response");
    assert_eq!(resp.status, CheckStatus::Error);
    assert!(
        resp.detail
            .contains("baseline: mid-stream error: Upstream provider disconnected"),
        "{}",
        resp.detail
    );
    assert!(
        resp.detail
            .contains("candidate: stream error event: upstream_error: upstream stream failed"),
        "{}",
        resp.detail
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn missing_usage_fails_token_checks() {
    let c = Switches {
        no_usage: true,
        ..Default::default()
    };
    let r = run(
        GOLDEN,
        Switches::default(),
        c.clone(),
        "",
        ParityOptions::default(),
    )
    .await;
    let t = check(&r.report, "capital", "stream", "total_tokens");
    assert_eq!(t.status, CheckStatus::Fail);
    assert_eq!(t.detail, "usage missing on the candidate");
    let r = run(GOLDEN, c.clone(), c, "", ParityOptions::default()).await;
    let t = check(&r.report, "capital", "non-stream", "total_tokens");
    assert_eq!(t.detail, "usage missing on both sides");
}

#[tokio::test(flavor = "multi_thread")]
async fn concurrency_is_bounded() {
    let sw = Switches {
        latency: Duration::from_millis(100),
        ..Default::default()
    };
    let mut golden = String::from("schema: 1\nprompts:\n");
    for i in 0..6 {
        golden.push_str(&format!(
            "  - {{id: p{i}, model: openai/gpt-4o, messages: [{{role: user, content: 'q{i}'}}]}}\n"
        ));
    }
    let r = run(
        &golden,
        sw.clone(),
        sw,
        "concurrency: 3\n",
        ParityOptions::default(),
    )
    .await;
    assert_eq!(r.report.verdict, "pass");
    use std::sync::atomic::Ordering::SeqCst;
    let (mb, mc) = (
        r.b.state.max_in_flight.load(SeqCst),
        r.c.state.max_in_flight.load(SeqCst),
    );
    assert!(mb <= 3 && mc <= 3 && mb + mc >= 3, "in flight {mb} + {mc}");
    // 12 requests of 100 ms, 3 at a time: at least 400 ms.
    assert!(r.elapsed >= Duration::from_millis(390), "{:?}", r.elapsed);
}

#[tokio::test(flavor = "multi_thread")]
async fn unmapped_model_is_reported_not_sent() {
    let golden = r#"schema: 1
prompts:
  - id: auto
    model: openrouter/auto
    messages: [{role: user, content: hi}]
  - id: ok
    model: openai/gpt-4o
    messages: [{role: user, content: hi}]
"#;
    let r = run(
        golden,
        Switches::default(),
        Switches::default(),
        "",
        ParityOptions::default(),
    )
    .await;
    let m = check(&r.report, "auto", "non-stream", "model_mapping");
    assert_eq!(m.status, CheckStatus::Error);
    assert!(m.detail.contains("candidate: not sent"), "{}", m.detail);
    assert_eq!(
        r.c.hits(),
        1,
        "only the mapped prompt reaches the candidate"
    );
    assert_eq!(r.report.verdict, "fail");
}

#[tokio::test(flavor = "multi_thread")]
async fn check_models_and_negative() {
    let golden = GOLDEN.replace("stream: both", "stream: false");
    let opts = ParityOptions {
        check_models: true,
        negative: true,
        ..Default::default()
    };
    let r = run(&golden, Switches::default(), Switches::default(), "", opts).await;
    let m = r.report.check_models.as_ref().unwrap();
    assert_eq!(m.status, CheckStatus::Pass, "{m:#?}");
    assert_eq!(m.models.len(), 2);
    let neg = r.report.negative.as_ref().unwrap();
    assert_eq!(neg.len(), 6);
    // These fakes take any key, so the wrong-key case must fail...
    let wk: Vec<_> = neg.iter().filter(|n| n.case == "wrong-key").collect();
    assert!(wk.iter().all(|n| n.status == CheckStatus::Fail), "{wk:#?}");
    // ...while unknown model and malformed body fail cleanly with JSON.
    for n in neg.iter().filter(|n| n.case != "wrong-key") {
        assert_eq!(n.status, CheckStatus::Pass, "{n:#?}");
        assert_eq!(n.http_status, Some(400));
        assert!(n.json);
    }
    assert_eq!(r.report.verdict, "fail");
}

#[tokio::test(flavor = "multi_thread")]
async fn unreachable_gateway_is_flagged() {
    let b = fake::start(Shape::OpenRouter, Switches::default()).await;
    // Bind then drop: a port nothing listens on.
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let cfg = format!(
        "baseline: {{base_url: '{}'}}\ncandidate: {{base_url: 'http://127.0.0.1:{port}/v1'}}\nretries: 1\n",
        b.base_url()
    );
    let (rep, _) = run_config(GOLDEN, &cfg, ParityOptions::default()).await;
    assert_eq!(rep.unreachable.len(), 1, "{:?}", rep.unreachable);
    assert!(rep.unreachable[0].contains(&port.to_string()));
    assert!(rep.prompts.iter().all(|p| p.status == CheckStatus::Error));
}

#[test]
fn shards_partition_the_set() {
    let ids: Vec<String> = (0..50).map(|i| format!("prompt-{i}")).collect();
    let mut seen = vec![0; ids.len()];
    for i in 1..=4 {
        for (k, id) in ids.iter().enumerate() {
            if parity::shard_of(id, 4) == i {
                seen[k] += 1;
            }
        }
    }
    assert!(seen.iter().all(|&n| n == 1));
    let first = ids.iter().filter(|id| parity::shard_of(id, 4) == 1).count();
    assert!(first > 3 && first < 25, "{first}");
    assert!(parity::parse_shard("0/2").is_err());
    assert!(parity::parse_shard("3/2").is_err());
    assert_eq!(parity::parse_shard("2/4").unwrap(), (2, 4));
}

#[tokio::test(flavor = "multi_thread")]
async fn check_models_includes_slugs_scan_finds() {
    let repo = tempfile::tempdir().unwrap();
    std::fs::write(
        repo.path().join("app.py"),
        "import os\nfrom openai import OpenAI\nclient = OpenAI(base_url=\"https://openrouter.ai/api/v1\", api_key=os.environ[\"OPENROUTER_API_KEY\"])\nr = client.chat.completions.create(model=\"openai/gpt-4o\", messages=[])\nr = client.chat.completions.create(model=\"openai/gpt-5-mini\", messages=[])\n",
    )
    .unwrap();
    let golden = GOLDEN.replace("stream: both", "stream: false");
    let opts = ParityOptions {
        check_models: true,
        scan: Some(repo.path().to_owned()),
        ..Default::default()
    };
    let r = run(&golden, Switches::default(), Switches::default(), "", opts).await;
    let m = r.report.check_models.as_ref().unwrap();
    assert_eq!(m.error, None, "{m:#?}");
    let gpt4o = m
        .models
        .iter()
        .find(|e| e.slug == "gpt-4o")
        .expect("gpt-4o");
    assert!(
        gpt4o.from.iter().any(|f| f == "golden:capital"),
        "{gpt4o:?}"
    );
    // Files are named from the path given to --scan.
    let at = |line: usize| format!("scan:{}/app.py:{line}", repo.path().display());
    assert!(gpt4o.from.iter().any(|f| *f == at(4)), "{gpt4o:?}");
    assert_eq!(gpt4o.status, CheckStatus::Pass);
    // The fake does not list gpt-5-mini (or its mapping needs a person).
    let other = m
        .models
        .iter()
        .find(|e| e.from.iter().any(|f| *f == at(5)))
        .expect("second slug found by scan");
    assert_ne!(other.status, CheckStatus::Pass, "{other:?}");
    assert_ne!(m.status, CheckStatus::Pass);
}

const MEANING: &str = r#"schema: 1
defaults: {params: {temperature: 0}, stream: both}
prompts:
  - id: judged
    model: openai/gpt-4o
    messages: [{role: user, content: "What is the capital of France?"}]
    expect: {text: {judge: {rubric: "The city named must be the same."}}}
  - id: embedded
    model: openai/gpt-4o
    messages: [{role: user, content: "What is the capital of France?"}]
    expect: {text: {embedding: 0.9}}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn judge_and_embeddings_decide_meaning_and_replay_offline() {
    let helper = fake::start_meaning(0, Duration::ZERO).await;
    let addr = helper.addr;
    let extra = format!(
        "judge: {{base_url: 'http://{addr}/v1', model: judge-1, headers: {{X-Judge-Team: qa}}}}\nembeddings: {{base_url: 'http://{addr}/v1', model: embed-1}}\n"
    );
    // A paraphrase-like difference the normalized check would fail.
    let c = Switches {
        text_suffix: Some(" Indeed.".into()),
        ..Default::default()
    };
    let r = run(
        MEANING,
        Switches::default(),
        c,
        &extra,
        ParityOptions::default(),
    )
    .await;
    for mode in ["non-stream", "stream"] {
        let t = check(&r.report, "judged", mode, "text");
        assert_eq!(t.status, CheckStatus::Pass, "{}", t.detail);
        assert_eq!(t.detail, "[judge] judge: same (both name Paris)");
        let e = check(&r.report, "embedded", mode, "text");
        assert_eq!(e.status, CheckStatus::Pass, "{}", e.detail);
        assert!(
            e.detail.starts_with("[embedding >= 0.9] cosine 0.953"),
            "{}",
            e.detail
        );
    }
    {
        let seen = helper.state.seen.lock().unwrap();
        let judge: Vec<_> = seen
            .iter()
            .map(|(h, b)| (h, serde_json::from_str::<serde_json::Value>(b).unwrap()))
            .filter(|(_, b)| b.get("messages").is_some())
            .collect();
        assert_eq!(judge.len(), 2);
        let (h, b) = &judge[0];
        assert_eq!(h.get("x-judge-team").unwrap(), "qa");
        assert_eq!(b["temperature"], 0);
        assert_eq!(b["response_format"]["type"], "json_object");
        let user = b["messages"][1]["content"].as_str().unwrap();
        assert!(user.contains("The city named must be the same."), "{user}");
        assert!(
            user.contains("The capital of France is Paris. Indeed."),
            "{user}"
        );
    }
    // A contradiction: the judge says different and the cosine drops.
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    let c = Switches {
        text_suffix: Some(" Or Lyon.".into()),
        ..Default::default()
    };
    let opts = ParityOptions {
        record: Some(rec.clone()),
        ..ParityOptions::default()
    };
    let r = run(MEANING, Switches::default(), c, &extra, opts).await;
    assert_eq!(r.report.verdict, "fail");
    let t = check(&r.report, "judged", "stream", "text");
    assert_eq!(t.status, CheckStatus::Fail);
    assert!(t.detail.contains("only one mentions Lyon"), "{}", t.detail);
    let p = r.report.prompts.iter().find(|p| p.id == "judged").unwrap();
    assert!(
        p.notes.iter().any(|n| n.contains("judge: different")),
        "{:?}",
        p.notes
    );
    // The HTML report shows the judge's reason above the two answers.
    let html = llmgw_migrate::parity::html::html(&r.report);
    assert!(
        html.contains("judge: different (only one mentions Lyon)</p>"),
        "{html}"
    );
    assert!(html.contains("Paris.<ins> Or Lyon.</ins>"), "{html}");
    let e = check(&r.report, "embedded", "stream", "text");
    assert_eq!(e.status, CheckStatus::Fail);
    assert!(e.detail.contains("cosine 0.866"), "{}", e.detail);
    // Offline: the recorded judge and embeddings give the same verdicts
    // with the helper server gone.
    drop(helper);
    let calls_before = Instant::now();
    let opts = ParityOptions {
        replay: Some(rec.clone()),
        ..ParityOptions::default()
    };
    let bogus = "judge: {base_url: 'http://127.0.0.1:9/v1', model: judge-1}\nembeddings: {base_url: 'http://127.0.0.1:9/v1', model: embed-1}\n";
    let r2 = run(
        MEANING,
        Switches::default(),
        Switches::default(),
        bogus,
        opts,
    )
    .await;
    assert!(calls_before.elapsed() < Duration::from_secs(30));
    for (a, b) in r.report.prompts.iter().zip(&r2.report.prompts) {
        let ta = a.checks.iter().find(|c| c.name == "text").unwrap();
        let tb = b.checks.iter().find(|c| c.name == "text").unwrap();
        assert_eq!((ta.status, &ta.detail), (tb.status, &tb.detail), "{}", a.id);
    }
}

#[tokio::test(flavor = "multi_thread")]
async fn a_meaning_check_without_its_server_is_a_config_error() {
    let dir = tempfile::tempdir().unwrap();
    let opts = ParityOptions {
        golden: write(dir.path(), "golden.yaml", MEANING),
        config: Some(write(
            dir.path(),
            "config.yaml",
            "baseline: {base_url: 'http://127.0.0.1:9/v1'}\ncandidate: {base_url: 'http://127.0.0.1:9/v1'}\n",
        )),
        ..ParityOptions::default()
    };
    let rules = Rules::embedded().unwrap();
    let e = parity::prepare(&opts, &rules).err().unwrap().to_string();
    assert!(e.contains("golden.yaml:4: prompt 'judged' uses a judge check but the config has no judge: section"), "{e}");
}

const CHOICES: &str = r#"schema: 1
prompts:
  - id: fixed
    model: openai/gpt-4o
    params: {temperature: 0, n: 3}
    stream: both
    messages: [{role: user, content: "What is the capital of France?"}]
  - id: sampled
    model: openai/gpt-4o
    params: {temperature: 0.8, n: 3}
    stream: both
    messages: [{role: user, content: "What is the capital of France?"}]
"#;

#[tokio::test(flavor = "multi_thread")]
async fn every_choice_is_compared_in_order_at_temperature_zero_else_as_a_set() {
    let r = run(
        CHOICES,
        Switches::default(),
        Switches::default(),
        "",
        ParityOptions::default(),
    )
    .await;
    assert_eq!(r.report.verdict, "pass", "{:#?}", r.report.prompts);
    for mode in ["non-stream", "stream"] {
        let c = check(&r.report, "fixed", mode, "choices");
        assert_eq!(
            c.detail,
            "3 choices on each side agree in order (normalized)"
        );
        assert_eq!(
            c.candidate[2], "The capital of France is Paris. (take 3)",
            "all three choices assembled ({mode})"
        );
    }
    let sent: serde_json::Value =
        serde_json::from_str(&r.c.state.seen.lock().unwrap()[0].1).unwrap();
    assert_eq!(sent["n"], 3, "n is sent as asked");

    // The same choices in another order: a difference at temperature 0,
    // nothing at all for samples.
    let rev = Switches {
        reverse_choices: true,
        ..Default::default()
    };
    let r = run(
        CHOICES,
        Switches::default(),
        rev,
        "",
        ParityOptions::default(),
    )
    .await;
    for mode in ["non-stream", "stream"] {
        let c = check(&r.report, "fixed", mode, "choices");
        assert_eq!(c.status, CheckStatus::Fail, "{mode}");
        assert!(c.detail.contains("choice(s) 1, 3 differ"), "{}", c.detail);
        let s = check(&r.report, "sampled", mode, "choices");
        assert_eq!(s.status, CheckStatus::Pass, "{}", s.detail);
        let t = check(&r.report, "sampled", mode, "text");
        assert_eq!(
            t.status,
            CheckStatus::Skip,
            "first vs first decides nothing"
        );
    }

    // A gateway that ignores n.
    let one = Switches {
        max_choices: Some(1),
        ..Default::default()
    };
    let r = run(
        CHOICES,
        Switches::default(),
        one,
        "",
        ParityOptions::default(),
    )
    .await;
    let c = check(&r.report, "sampled", "non-stream", "choices");
    assert_eq!(c.status, CheckStatus::Fail);
    assert!(
        c.detail
            .starts_with("asked for n = 3: baseline returned 3 choice(s), candidate 1"),
        "{}",
        c.detail
    );
}

const ENDPOINTS: &str = r#"schema: 1
defaults: {params: {temperature: 0, max_tokens: 64, seed: 7}, stream: both}
prompts:
  - id: vectors
    endpoint: embeddings
    model: openai/text-embedding-3-small
    candidate_model: text-embedding-3-small
    input: ["What is the capital of France?", "Paris is the capital."]
  - id: vectors-b64
    endpoint: embeddings
    model: openai/text-embedding-3-small
    candidate_model: text-embedding-3-small
    input: "What is the capital of France?"
    params: {extra: {encoding_format: base64}}
    expect: {cosine: 0.999}
  - id: respond
    endpoint: responses
    model: openai/gpt-4o
    messages: [{role: user, content: "What is the capital of France?"}]
    params: {response_format: {type: json_schema, json_schema: {name: a, schema: {type: object}}}}
    expect: {text: json}
  - id: respond-tool
    endpoint: responses
    model: openai/gpt-4o
    messages: [{role: user, content: "Weather in Paris?"}]
    tools: [{type: function, function: {name: get_weather, parameters: {type: object}}}]
    expect: {text: ignore}
"#;

#[tokio::test(flavor = "multi_thread")]
async fn embeddings_and_responses_endpoints_compare_like_chat() {
    let dir = tempfile::tempdir().unwrap();
    let rec = dir.path().join("rec");
    let opts = ParityOptions {
        record: Some(rec.clone()),
        ..ParityOptions::default()
    };
    let r = run(
        ENDPOINTS,
        Switches::default(),
        Switches::default(),
        "",
        opts,
    )
    .await;
    assert_eq!(r.report.verdict, "pass", "{:#?}", r.report.prompts);
    // Embeddings are never streamed, whatever the defaults say.
    let modes: Vec<_> = r
        .report
        .prompts
        .iter()
        .filter(|p| p.id == "vectors")
        .map(|p| p.mode.as_str())
        .collect();
    assert_eq!(modes, ["non-stream"]);
    let v = check(&r.report, "vectors", "non-stream", "vectors");
    assert_eq!(v.detail, "2 x 16 on both sides");
    let k = check(&r.report, "vectors", "non-stream", "cosine");
    assert!(k.detail.starts_with("lowest cosine 1.0000"), "{}", k.detail);
    assert_eq!(
        check(&r.report, "vectors-b64", "non-stream", "cosine").status,
        CheckStatus::Pass,
        "base64 vectors are decoded"
    );
    for mode in ["non-stream", "stream"] {
        let t = check(&r.report, "respond", mode, "text");
        assert_eq!(t.status, CheckStatus::Pass, "{}", t.detail);
        let tc = check(&r.report, "respond-tool", mode, "tool_calls");
        assert_eq!(tc.status, CheckStatus::Pass, "{}", tc.detail);
        let f = check(&r.report, "respond-tool", mode, "finish_reason");
        assert_eq!(f.baseline, "tool_calls");
        let u = check(&r.report, "respond", mode, "prompt_tokens");
        assert_eq!(
            u.status,
            CheckStatus::Pass,
            "input_tokens read as prompt tokens"
        );
        if mode == "stream" {
            let l = check(&r.report, "respond", mode, "latency");
            assert!(
                l.baseline["ttft_ms"].is_number(),
                "time to first token from the first response.output_text.delta: {:?}",
                l.baseline
            );
        }
    }
    // What was sent: the endpoint's own shape.
    let seen = r.b.state.seen.lock().unwrap().clone();
    let bodies: Vec<serde_json::Value> = seen
        .iter()
        .map(|(_, b)| serde_json::from_str(b).unwrap())
        .collect();
    let resp = bodies
        .iter()
        .find(|b| {
            b["input"][0]["content"] == "What is the capital of France?"
                && b.get("stream").is_some()
        })
        .expect("a streamed responses request");
    assert_eq!(resp["max_output_tokens"], 64);
    assert_eq!(resp["text"]["format"]["type"], "json_schema");
    assert_eq!(resp["text"]["format"]["name"], "a");
    assert!(resp.get("seed").is_none() && resp.get("stream_options").is_none());
    let tool = bodies
        .iter()
        .find(|b| b["tools"].is_array())
        .expect("tool request");
    assert_eq!(tool["tools"][0]["name"], "get_weather", "tools flattened");
    let emb = bodies
        .iter()
        .find(|b| b["input"].is_array() && b["input"][0].is_string())
        .expect("embeddings request");
    assert!(
        emb.get("temperature").is_none(),
        "no chat parameters: {emb}"
    );
    drop(seen);

    // Replayed offline: the same verdicts.
    let opts = ParityOptions {
        replay: Some(rec.clone()),
        ..ParityOptions::default()
    };
    let r2 = run(
        ENDPOINTS,
        Switches::default(),
        Switches::default(),
        "",
        opts,
    )
    .await;
    assert_eq!(r2.report.verdict, "pass", "{:#?}", r2.report.prompts);
    assert_eq!(r2.b.hits() + r2.c.hits(), 0);
}

#[tokio::test(flavor = "multi_thread")]
async fn endpoint_differences_fail_the_named_check() {
    let c = Switches {
        text_suffix: Some(" Or Lyon, some say.".into()),
        embedding_dims: None,
        ..Default::default()
    };
    let r = run(
        ENDPOINTS,
        Switches::default(),
        c,
        "",
        ParityOptions::default(),
    )
    .await;
    assert_eq!(r.report.verdict, "fail");
    let k = check(&r.report, "vectors", "non-stream", "cosine");
    assert_eq!(k.status, CheckStatus::Fail);
    assert!(k.detail.contains("(need >= 0.99)"), "{}", k.detail);
    for mode in ["non-stream", "stream"] {
        let t = check(&r.report, "respond", mode, "text");
        assert_eq!(t.status, CheckStatus::Fail, "{mode}: {}", t.detail);
    }
    // Another embedding size: the shape check names it.
    let c = Switches {
        embedding_dims: Some(8),
        ..Default::default()
    };
    let r = run(
        ENDPOINTS,
        Switches::default(),
        c,
        "",
        ParityOptions::default(),
    )
    .await;
    let v = check(&r.report, "vectors", "non-stream", "vectors");
    assert_eq!(v.status, CheckStatus::Fail);
    assert_eq!(v.detail, "dimension differs: baseline 16, candidate 8");
    assert_eq!(
        check(&r.report, "vectors", "non-stream", "cosine").status,
        CheckStatus::Skip
    );
    // A Responses stream cut before response.completed is an error.
    let c = Switches {
        truncate_stream: true,
        ..Default::default()
    };
    let r = run(
        ENDPOINTS,
        Switches::default(),
        c,
        "",
        ParityOptions::default(),
    )
    .await;
    let e = check(&r.report, "respond", "stream", "response");
    assert_eq!(e.status, CheckStatus::Error);
    assert!(
        e.detail.contains("without response.completed"),
        "{}",
        e.detail
    );
}

#[tokio::test(flavor = "multi_thread")]
async fn an_embeddings_model_the_target_lacks_is_not_sent() {
    // LLM Gateway serves no /v1/embeddings: its table says so.
    let golden = ENDPOINTS.replace("    candidate_model: text-embedding-3-small\n", "");
    let r = run(
        &golden,
        Switches::default(),
        Switches::default(),
        "",
        ParityOptions::default(),
    )
    .await;
    let m = check(&r.report, "vectors", "non-stream", "model_mapping");
    assert_eq!(m.status, CheckStatus::Error);
    assert!(m.detail.contains("no /v1/embeddings route"), "{}", m.detail);
}

#[test]
fn plan_counts_choice_pairs_and_endpoints() {
    let golden = r#"schema: 1
prompts:
  - id: set
    model: openai/gpt-4o
    params: {temperature: 0.8, n: 3}
    messages: [{role: user, content: "Name a colour."}]
    expect: {text: {judge: true}}
  - id: ordered
    model: openai/gpt-4o
    params: {temperature: 0, n: 3}
    stream: both
    messages: [{role: user, content: "Name a colour."}]
    expect: {text: {judge: true}}
  - id: vectors
    endpoint: embeddings
    model: openai/text-embedding-3-small
    input: colour
"#;
    let dir = tempfile::tempdir().unwrap();
    let opts = ParityOptions {
        golden: write(dir.path(), "golden.yaml", golden),
        config: Some(write(
            dir.path(),
            "config.yaml",
            "baseline: {base_url: 'http://127.0.0.1:9/v1'}\ncandidate: {base_url: 'http://127.0.0.1:9/v1'}\njudge: {base_url: 'http://127.0.0.1:9/v1', model: j}\n",
        )),
        ..ParityOptions::default()
    };
    let rules = Rules::embedded().unwrap();
    let p = parity::prepare(&opts, &rules).unwrap();
    let plan = parity::plan(&p, &opts);
    // set: 1 result, 1 pair + 3 x 3 choice pairs; ordered: 2 results of
    // 1 + 3; vectors: 1 result, no judge.
    assert_eq!((plan.results, plan.per_side), (4, 4));
    assert_eq!(plan.judge, 10 + 2 * 4);
    assert_eq!(plan.total(), 8 + 18);
}

#[test]
fn the_bundled_golden_sets_load() {
    for f in ["golden.yaml", "golden-checks.yaml"] {
        let g = parity::golden::load(&Path::new("examples/parity").join(f))
            .unwrap_or_else(|e| panic!("{f}: {e}"));
        assert!(g.prompts.len() >= 5, "{f}");
    }
}
