//! Responses -> comparisons: the checks run for one prompt in one mode.

use serde::Serialize;
use serde_json::{json, Value};

use super::golden::{Endpoint, Expect, Prompt, TextExpect, Tolerance, ToolExpect};
use super::request::wants_json;
use super::response::{Response, ToolCall};

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum CheckStatus {
    Pass,
    /// Shown, never fails the run (e.g. latency without limits).
    Info,
    Skip,
    Fail,
    /// No comparison possible: a request failed or was not sent.
    Error,
}

impl CheckStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            CheckStatus::Pass => "pass",
            CheckStatus::Info => "info",
            CheckStatus::Skip => "skip",
            CheckStatus::Fail => "fail",
            CheckStatus::Error => "error",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Check {
    pub name: String,
    pub status: CheckStatus,
    pub baseline: Value,
    pub candidate: Value,
    pub detail: String,
}

pub(super) fn check(
    name: &str,
    status: CheckStatus,
    b: Value,
    c: Value,
    detail: impl Into<String>,
) -> Check {
    Check {
        name: name.to_owned(),
        status,
        baseline: b,
        candidate: c,
        detail: detail.into(),
    }
}

pub(super) fn pass_fail(ok: bool) -> CheckStatus {
    if ok {
        CheckStatus::Pass
    } else {
        CheckStatus::Fail
    }
}

/// Whitespace-insensitive form used by `normalized`.
pub fn normalize(s: &str) -> String {
    s.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// Character similarity ratio in 0..=1 (1 = identical).
pub fn similarity(a: &str, b: &str) -> f64 {
    if a == b {
        return 1.0;
    }
    similar::TextDiff::configure()
        .algorithm(similar::Algorithm::Patience)
        .timeout(std::time::Duration::from_millis(500))
        .diff_chars(a, b)
        .ratio() as f64
}

/// Parse model output as JSON, allowing a Markdown code fence around it.
pub fn parse_json_text(s: &str) -> Option<Value> {
    let t = s.trim();
    let t = match t.strip_prefix("```") {
        Some(rest) => {
            let rest = rest.split_once('\n').map_or("", |(_, r)| r);
            rest.trim_end().strip_suffix("```").unwrap_or(rest)
        }
        None => t,
    };
    serde_json::from_str(t.trim()).ok()
}

fn short(s: &str) -> Value {
    const MAX: usize = 400;
    if s.chars().count() <= MAX {
        Value::String(s.to_owned())
    } else {
        let mut t: String = s.chars().take(MAX).collect();
        t.push('…');
        Value::String(t)
    }
}

pub fn text(expect: &TextExpect, b: &str, c: &str) -> Check {
    let (status, detail) = match expect {
        TextExpect::Ignore => (
            CheckStatus::Skip,
            "not compared (expect: ignore)".to_owned(),
        ),
        // Decided by a model after the answers arrive (`meaning.rs`).
        TextExpect::Judge(_) | TextExpect::Embedding(_) => (
            CheckStatus::Skip,
            format!("[{}] not decided", expect.describe()),
        ),
        TextExpect::Exact => (
            pass_fail(b == c),
            if b == c {
                "byte-equal".into()
            } else {
                format!("differ (similarity {:.3})", similarity(b, c))
            },
        ),
        TextExpect::Normalized => {
            let ok = normalize(b) == normalize(c);
            (
                pass_fail(ok),
                if ok {
                    "equal after whitespace normalisation".into()
                } else {
                    format!(
                        "differ after whitespace normalisation (similarity {:.3})",
                        similarity(b, c)
                    )
                },
            )
        }
        TextExpect::Similarity(min) => {
            let r = similarity(b, c);
            (
                pass_fail(r >= *min),
                format!("similarity {r:.3} (need >= {min})"),
            )
        }
        TextExpect::Json | TextExpect::JsonValid => {
            let (jb, jc) = (parse_json_text(b), parse_json_text(c));
            match (&jb, &jc) {
                (Some(x), Some(y)) if matches!(expect, TextExpect::Json) => (
                    pass_fail(x == y),
                    if x == y {
                        "equal as JSON".into()
                    } else {
                        "both valid JSON but the values differ".into()
                    },
                ),
                (Some(_), Some(_)) => (CheckStatus::Pass, "both valid JSON".into()),
                _ => (
                    CheckStatus::Fail,
                    format!(
                        "not valid JSON: {}",
                        [("baseline", jb.is_none()), ("candidate", jc.is_none())]
                            .iter()
                            .filter(|x| x.1)
                            .map(|x| x.0)
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
        }
        TextExpect::Regex(re) => {
            let (mb, mc) = (re.is_match(b), re.is_match(c));
            (
                pass_fail(mb && mc),
                format!(
                    "/{}/ baseline {}, candidate {}",
                    re.as_str(),
                    if mb { "matches" } else { "does not match" },
                    if mc { "matches" } else { "does not match" }
                ),
            )
        }
    };
    check(
        "text",
        status,
        short(b),
        short(c),
        format!("[{}] {detail}", expect.describe()),
    )
}

/// Reduce a model id to what both gateways should agree on: no
/// `provider/` prefix, no `:variant` suffix, lowercase.
pub fn model_key(m: &str) -> String {
    let m = m.trim().to_ascii_lowercase();
    let m = m.rsplit_once('/').map_or(m.as_str(), |(_, x)| x);
    let m = m.split_once(':').map_or(m, |(x, _)| x);
    m.to_owned()
}

/// A dated snapshot id (`gpt-4o-2024-08-06`, `claude-x-20250514`) counts as
/// the undated id it resolves from.
fn strip_date(m: &str) -> &str {
    let b = m.as_bytes();
    let is_digits = |s: &str| !s.is_empty() && s.bytes().all(|c| c.is_ascii_digit());
    if b.len() > 11 {
        let tail = &m[m.len() - 11..];
        if tail.starts_with('-')
            && is_digits(&tail[1..5])
            && &tail[5..6] == "-"
            && is_digits(&tail[6..8])
            && &tail[8..9] == "-"
            && is_digits(&tail[9..11])
        {
            return &m[..m.len() - 11];
        }
    }
    if b.len() > 9 {
        let tail = &m[m.len() - 9..];
        if tail.starts_with('-') && is_digits(&tail[1..]) {
            return &m[..m.len() - 9];
        }
    }
    m
}

/// Does the model a gateway reports match the id it was sent?
pub fn model_matches(sent: &str, returned: &str) -> bool {
    let (s, r) = (model_key(sent), model_key(returned));
    s == r || strip_date(&s) == strip_date(&r)
}

pub(super) fn model(expect: &Expect, sent: (&str, &str), b: &Response, c: &Response) -> Check {
    let (bm, cm) = (b.model.as_deref(), c.model.as_deref());
    let bv = json!(bm);
    let cv = json!(cm);
    if !expect.model {
        return check(
            "model",
            CheckStatus::Skip,
            bv,
            cv,
            "not compared (expect.model: false)",
        );
    }
    let mut bad = Vec::new();
    for (side, s, r) in [("baseline", sent.0, bm), ("candidate", sent.1, cm)] {
        match r {
            None => bad.push(format!("{side} returned no model")),
            Some(r) if !model_matches(s, r) => {
                bad.push(format!("{side} sent '{s}' but the response says '{r}'"))
            }
            Some(_) => {}
        }
    }
    let detail = if bad.is_empty() {
        format!(
            "each gateway answered with the model it was sent ('{}' / '{}')",
            sent.0, sent.1
        )
    } else {
        bad.join("; ")
    };
    check("model", pass_fail(bad.is_empty()), bv, cv, detail)
}

pub(super) fn tokens(name: &str, tol: &Tolerance, b: Option<u64>, c: Option<u64>) -> Check {
    match (b, c) {
        (Some(x), Some(y)) => {
            let ok = tol.allows(x, y);
            let d = y as i64 - x as i64;
            check(
                name,
                if tol.ignore {
                    CheckStatus::Info
                } else {
                    pass_fail(ok)
                },
                json!(x),
                json!(y),
                format!("difference {d:+} (tolerance {})", tol.describe()),
            )
        }
        _ if tol.ignore => check(name, CheckStatus::Skip, json!(b), json!(c), "ignored"),
        _ => check(
            name,
            CheckStatus::Fail,
            json!(b),
            json!(c),
            match (b, c) {
                (None, None) => "usage missing on both sides",
                (None, _) => "usage missing on the baseline",
                _ => "usage missing on the candidate",
            },
        ),
    }
}

fn args_value(a: &str) -> Option<Value> {
    if a.trim().is_empty() {
        return Some(json!({}));
    }
    serde_json::from_str(a).ok()
}

/// How far the candidate may agree less often with the baseline than the
/// baseline agrees with itself: one disagreement in ten pairs is noise at
/// the sample sizes people afford.
pub const SAMPLE_MARGIN: f64 = 0.1;

/// Agreement rates over samples, by the prompt's text check.
#[derive(Debug, Clone, Copy, PartialEq, Serialize)]
pub struct SampleRates {
    pub n: usize,
    /// Baseline answers that agree with each other (pairs i < j): the noise floor.
    pub baseline_agreement: f64,
    pub baseline_pairs: usize,
    /// Baseline × candidate answers that agree (all pairs).
    pub candidate_agreement: f64,
    pub candidate_pairs: usize,
    pub margin: f64,
}

impl SampleRates {
    pub fn describe(&self) -> String {
        format!(
            "samples: {} per side; candidate agrees with baseline {:.0}% ({} pairs), baseline with itself {:.0}% ({} pairs); margin {:.0}%",
            self.n,
            self.candidate_agreement * 100.0,
            self.candidate_pairs,
            self.baseline_agreement * 100.0,
            self.baseline_pairs,
            self.margin * 100.0
        )
    }
}

/// The text check over N samples per side: it passes when the candidate
/// agrees with the baseline at least as often as the baseline agrees with
/// itself, less [`SAMPLE_MARGIN`]. Baseline vs baseline is the noise floor:
/// at temperature > 0 a gateway does not agree with itself every time.
pub fn sampled_text(expect: &TextExpect, b: &[&str], c: &[&str]) -> (Check, Option<SampleRates>) {
    let first = text(expect, b[0], c[0]);
    if matches!(expect, TextExpect::Ignore) || b.len() < 2 {
        return (first, None);
    }
    let agree = |x: &str, y: &str| text(expect, x, y).status == CheckStatus::Pass;
    let (base, cand) = sample_pairs(b, c);
    let count = |pairs: &[(&str, &str)]| {
        (
            pairs.iter().filter(|(x, y)| agree(x, y)).count(),
            pairs.len(),
        )
    };
    let (check, rates) = sampled_from_counts(expect, first, b.len(), count(&base), count(&cand));
    (check, Some(rates))
}

/// Two answers compared with each other.
pub type Pair<'a> = (&'a str, &'a str);

/// The pairs compared over samples: baseline i < j (the noise floor) and
/// every baseline × candidate pair.
pub fn sample_pairs<'a>(b: &[&'a str], c: &[&'a str]) -> (Vec<Pair<'a>>, Vec<Pair<'a>>) {
    let mut base = Vec::new();
    for i in 0..b.len() {
        for j in i + 1..b.len() {
            base.push((b[i], b[j]));
        }
    }
    let cand = b
        .iter()
        .flat_map(|x| c.iter().map(move |y| (*x, *y)))
        .collect();
    (base, cand)
}

/// The sampled text check from agreement counts `(agreeing, pairs)`.
pub fn sampled_from_counts(
    expect: &TextExpect,
    first: Check,
    n: usize,
    base: (usize, usize),
    cand: (usize, usize),
) -> (Check, SampleRates) {
    let rate = |(k, n): (usize, usize)| k as f64 / n.max(1) as f64;
    let rates = SampleRates {
        n,
        baseline_agreement: rate(base),
        baseline_pairs: base.1,
        candidate_agreement: rate(cand),
        candidate_pairs: cand.1,
        margin: SAMPLE_MARGIN,
    };
    // A small epsilon keeps 0.7 + 0.1 >= 0.8 true in floating point.
    let ok = rates.candidate_agreement + rates.margin + 1e-9 >= rates.baseline_agreement;
    let detail = format!(
        "[{}] candidate agrees with baseline {}/{} ({:.0}%), baseline with itself {}/{} ({:.0}%): {}",
        expect.describe(),
        cand.0,
        cand.1,
        rates.candidate_agreement * 100.0,
        base.0,
        base.1,
        rates.baseline_agreement * 100.0,
        if ok {
            format!("within the noise floor (margin {:.0}%)", rates.margin * 100.0)
        } else {
            format!("below the noise floor by more than {:.0}%", rates.margin * 100.0)
        }
    );
    (
        Check {
            status: pass_fail(ok),
            detail,
            ..first
        },
        rates,
    )
}

/// `expect.cost.max_ratio`: the candidate's reported cost against the
/// baseline's. Without a cost on a side nothing is guessed.
pub(super) fn cost(max: f64, b: Option<f64>, c: Option<f64>) -> Check {
    match (b, c) {
        (Some(x), Some(y)) => {
            let ok = if x > 0.0 { y <= x * max } else { y <= 0.0 };
            let ratio = if x > 0.0 {
                format!("{:.2}x", y / x)
            } else {
                "baseline free".into()
            };
            check(
                "cost",
                pass_fail(ok),
                json!(x),
                json!(y),
                format!("candidate/baseline {ratio} (max {max}x)"),
            )
        }
        _ => check(
            "cost",
            CheckStatus::Skip,
            json!(b),
            json!(c),
            match (b, c) {
                (None, None) => "no cost returned by either gateway",
                (None, _) => "no cost returned by the baseline",
                _ => "no cost returned by the candidate",
            },
        ),
    }
}

/// Checks of each answer on its own against the golden set's reference:
/// `contains`, `not_contains` (case-insensitive) and `json_schema`.
fn reference_checks(e: &Expect, b: &str, c: &str, out: &mut Vec<Check>) {
    let (lb, lc) = (b.to_lowercase(), c.to_lowercase());
    for (name, list, want) in [
        ("contains", &e.contains, true),
        ("not_contains", &e.not_contains, false),
    ] {
        if list.is_empty() {
            continue;
        }
        // The strings that break the rule on each side.
        let bad = |text: &str| -> Vec<&String> {
            list.iter()
                .filter(|s| text.contains(&s.to_lowercase()) != want)
                .collect()
        };
        let (xb, xc) = (bad(&lb), bad(&lc));
        let verb = if want { "lacks" } else { "contains" };
        let mut d = Vec::new();
        for (side, x) in [("baseline", &xb), ("candidate", &xc)] {
            if !x.is_empty() {
                d.push(format!("{side} {verb} {}", json!(x)));
            }
        }
        let ok = d.is_empty();
        let detail = if ok {
            if want {
                format!("both contain {}", json!(list))
            } else {
                format!("neither contains any of {}", json!(list))
            }
        } else {
            d.join("; ")
        };
        out.push(check(name, pass_fail(ok), json!(xb), json!(xc), detail));
    }
    let Some(schema) = &e.json_schema else {
        return;
    };
    let validator = match jsonschema::validator_for(schema) {
        Ok(v) => v,
        Err(err) => {
            out.push(check(
                "json_schema",
                CheckStatus::Error,
                Value::Null,
                Value::Null,
                format!("invalid json_schema: {err}"),
            ));
            return;
        }
    };
    // The first violation per side, with the path where it is.
    let verdict = |text: &str| -> Option<String> {
        let Some(v) = parse_json_text(text) else {
            return Some("not JSON".into());
        };
        let first = validator.iter_errors(&v).next().map(|err| {
            let path = err.instance_path().to_string();
            format!(
                "at {}: {err}",
                if path.is_empty() { "/" } else { path.as_str() }
            )
        });
        first
    };
    let (vb, vc) = (verdict(b), verdict(c));
    let mut d = Vec::new();
    for (side, v) in [("baseline", &vb), ("candidate", &vc)] {
        if let Some(v) = v {
            d.push(format!("{side} {v}"));
        }
    }
    let ok = d.is_empty();
    out.push(check(
        "json_schema",
        pass_fail(ok),
        json!(vb.is_none()),
        json!(vc.is_none()),
        if ok {
            "both answers are valid against the schema".to_owned()
        } else {
            d.join("; ")
        },
    ));
}

/// Whether a call matches: the name, and for `Same` JSON-equal arguments.
fn call_matches(x: &ToolCall, y: &ToolCall, names_only: bool) -> bool {
    x.name == y.name
        && (names_only
            || matches!((args_value(&x.arguments), args_value(&y.arguments)), (Some(p), Some(q)) if p == q))
}

fn call_label(t: &ToolCall) -> String {
    let args = args_value(&t.arguments).map_or_else(|| t.arguments.clone(), |v| v.to_string());
    let args: String = if args.chars().count() > 60 {
        format!("{}…", args.chars().take(60).collect::<String>())
    } else {
        args
    };
    format!("{}({args})", t.name)
}

/// Parallel calls in any order: pair each baseline call with an unused
/// equal candidate call and name what is left on either side.
fn unordered_problems(b: &[ToolCall], c: &[ToolCall], names_only: bool) -> Vec<String> {
    let mut used = vec![false; c.len()];
    let mut missing = Vec::new();
    for x in b {
        match (0..c.len()).find(|&j| !used[j] && call_matches(x, &c[j], names_only)) {
            Some(j) => used[j] = true,
            None => missing.push(call_label(x)),
        }
    }
    let extra: Vec<String> = c
        .iter()
        .zip(&used)
        .filter(|(_, u)| !**u)
        .map(|(y, _)| call_label(y))
        .collect();
    let mut problems = Vec::new();
    if !missing.is_empty() {
        problems.push(format!("only baseline: {}", missing.join(", ")));
    }
    if !extra.is_empty() {
        problems.push(format!("only candidate: {}", extra.join(", ")));
    }
    problems
}

fn tool_calls(expect: &ToolExpect, ordered: bool, b: &[ToolCall], c: &[ToolCall]) -> Check {
    let show = |calls: &[ToolCall]| -> Value {
        Value::Array(
            calls
                .iter()
                .map(|t| json!({"name": t.name, "arguments": args_value(&t.arguments).unwrap_or_else(|| Value::String(t.arguments.clone()))}))
                .collect(),
        )
    };
    let (bv, cv) = (show(b), show(c));
    let mut problems = Vec::new();
    match expect {
        ToolExpect::Ignore => {
            return check("tool_calls", CheckStatus::Skip, bv, cv, "not compared");
        }
        ToolExpect::Same | ToolExpect::Names if !ordered => {
            problems = unordered_problems(b, c, matches!(expect, ToolExpect::Names));
        }
        ToolExpect::Same | ToolExpect::Names => {
            if b.len() != c.len() {
                problems.push(format!("{} call(s) vs {}", b.len(), c.len()));
            }
            for (i, (x, y)) in b.iter().zip(c).enumerate() {
                if x.name != y.name {
                    problems.push(format!("call {i}: name '{}' vs '{}'", x.name, y.name));
                } else if matches!(expect, ToolExpect::Same) {
                    match (args_value(&x.arguments), args_value(&y.arguments)) {
                        (Some(p), Some(q)) if p == q => {}
                        (Some(_), Some(_)) => {
                            problems.push(format!("call {i} ({}): arguments differ", x.name))
                        }
                        (bp, _) => problems.push(format!(
                            "call {i} ({}): arguments not valid JSON on {}",
                            x.name,
                            if bp.is_none() {
                                "baseline"
                            } else {
                                "candidate"
                            }
                        )),
                    }
                }
            }
        }
        ToolExpect::List(want) => {
            for (side, got) in [("baseline", b), ("candidate", c)] {
                if got.len() != want.len() {
                    problems.push(format!(
                        "{side}: {} call(s), expected {}",
                        got.len(),
                        want.len()
                    ));
                    continue;
                }
                let fits = |g: &ToolCall, (name, args): &(String, Option<Value>)| {
                    &g.name == name
                        && args
                            .as_ref()
                            .is_none_or(|a| args_value(&g.arguments).as_ref() == Some(a))
                };
                if ordered {
                    for (i, (g, w)) in got.iter().zip(want).enumerate() {
                        if !fits(g, w) {
                            problems.push(format!(
                                "{side} call {i}: {} instead of '{}' with the expected arguments",
                                call_label(g),
                                w.0
                            ));
                        }
                    }
                } else {
                    let mut used = vec![false; got.len()];
                    for w in want {
                        match (0..got.len()).find(|&j| !used[j] && fits(&got[j], w)) {
                            Some(j) => used[j] = true,
                            None => problems.push(format!(
                                "{side}: no call to '{}' with the expected arguments",
                                w.0
                            )),
                        }
                    }
                }
            }
        }
    }
    let order = if ordered { "in order" } else { "in any order" };
    let detail = if problems.is_empty() {
        match (b.len(), expect) {
            (0, _) => "no tool calls on either side".to_owned(),
            (_, ToolExpect::Names) => {
                format!("same tool names {order} (ids and arguments ignored)")
            }
            _ => format!("same names, JSON-equal arguments, {order} (ids ignored)"),
        }
    } else {
        problems.join("; ")
    };
    check("tool_calls", pass_fail(problems.is_empty()), bv, cv, detail)
}

fn latency(expect: &Expect, b: &Response, c: &Response, stream: bool) -> Check {
    let l = &expect.latency;
    let bt = if stream { b.ttft_ms } else { None };
    let ct = if stream { c.ttft_ms } else { None };
    let bv = json!({"ttft_ms": bt, "total_ms": b.total_ms});
    let cv = json!({"ttft_ms": ct, "total_ms": c.total_ms});
    let mut problems = Vec::new();
    if let Some(r) = l.max_ratio {
        if b.total_ms > 0.0 && c.total_ms > r * b.total_ms {
            problems.push(format!(
                "candidate total {:.0} ms is more than {r}x baseline {:.0} ms",
                c.total_ms, b.total_ms
            ));
        }
    }
    if let Some(m) = l.max_total_ms {
        if c.total_ms > m as f64 {
            problems.push(format!("candidate total {:.0} ms > {m} ms", c.total_ms));
        }
    }
    if let (Some(m), Some(t)) = (l.max_ttft_ms, ct) {
        if t > m as f64 {
            problems.push(format!("candidate time to first token {t:.0} ms > {m} ms"));
        }
    }
    let limited = l.max_ratio.is_some() || l.max_total_ms.is_some() || l.max_ttft_ms.is_some();
    let summary = match (bt, ct) {
        (Some(x), Some(y)) => format!(
            "ttft {x:.0} / {y:.0} ms, total {:.0} / {:.0} ms",
            b.total_ms, c.total_ms
        ),
        _ => format!("total {:.0} / {:.0} ms", b.total_ms, c.total_ms),
    };
    let status = if !problems.is_empty() {
        CheckStatus::Fail
    } else if limited {
        CheckStatus::Pass
    } else {
        CheckStatus::Info
    };
    let detail = if problems.is_empty() {
        summary
    } else {
        format!("{summary}: {}", problems.join("; "))
    };
    check("latency", status, bv, cv, detail)
}

/// All checks for one prompt in one mode. `sent` is the model id each
/// gateway was sent.
pub fn compare(
    prompt: &Prompt,
    stream: bool,
    sent: (&str, &str),
    b: &Response,
    c: &Response,
) -> Vec<Check> {
    if prompt.endpoint == Endpoint::Embeddings {
        return super::vectors::compare(prompt, sent, b, c);
    }
    let e = &prompt.expect;
    let first = response_check(b, c);
    if first.status == CheckStatus::Error {
        // Nothing else can be compared without both answers.
        return vec![first];
    }
    let mut out = vec![first];
    out.push(text(&e.text, &b.text, &c.text));
    if wants_json(prompt) && !matches!(e.text, TextExpect::Json | TextExpect::JsonValid) {
        out.push(json_validity(b, c));
    }
    reference_checks(e, &b.text, &c.text, &mut out);
    if let Some(max) = e.cost_max_ratio {
        out.push(cost(max, b.cost, c.cost));
    }
    out.push(finish_reason(e, b, c));
    out.push(model(e, sent, b, c));
    out.extend(token_checks(e, b, c));
    let has_tools = prompt.tools.is_some()
        || !b.tool_calls.is_empty()
        || !c.tool_calls.is_empty()
        || matches!(e.tool_calls, ToolExpect::List(_));
    if has_tools {
        out.push(tool_calls(
            &e.tool_calls,
            e.tool_calls_ordered,
            &b.tool_calls,
            &c.tool_calls,
        ));
    }
    out.extend(timing_and_drift(e, b, c, stream));
    out
}

/// The checks every endpoint ends with: latency, and the usage fields and
/// rate-limit headers only one side returns.
pub(super) fn timing_and_drift(e: &Expect, b: &Response, c: &Response, stream: bool) -> [Check; 3] {
    [
        latency(e, b, c, stream),
        field_drift("usage_fields", &b.usage_fields, &c.usage_fields),
        field_drift("rate_limit_headers", &b.rate_headers, &c.rate_headers),
    ]
}

/// Both requests completed, or why not (an `error`).
pub(super) fn response_check(b: &Response, c: &Response) -> Check {
    let resp = |r: &Response| json!({"status": r.status, "error": r.error, "attempts": r.attempts});
    if b.error.is_some() || c.error.is_some() {
        return check(
            "response",
            CheckStatus::Error,
            resp(b),
            resp(c),
            response_errors(b, c),
        );
    }
    check(
        "response",
        CheckStatus::Pass,
        resp(b),
        resp(c),
        "both complete",
    )
}

fn response_errors(b: &Response, c: &Response) -> String {
    let mut d = Vec::new();
    if let Some(x) = &b.error {
        d.push(format!("baseline: {x}"));
    }
    if let Some(x) = &c.error {
        d.push(format!("candidate: {x}"));
    }
    d.join("; ")
}

/// `response_format` asks for JSON: is each answer valid JSON.
fn json_validity(b: &Response, c: &Response) -> Check {
    let (vb, vc) = (
        parse_json_text(&b.text).is_some(),
        parse_json_text(&c.text).is_some(),
    );
    check(
        "json",
        pass_fail(vb && vc),
        json!(vb),
        json!(vc),
        "response_format asks for JSON: is each answer valid JSON",
    )
}

fn finish_reason(e: &Expect, b: &Response, c: &Response) -> Check {
    let (bf, cf) = (b.finish_reason.as_deref(), c.finish_reason.as_deref());
    if !e.finish_reason {
        return check(
            "finish_reason",
            CheckStatus::Skip,
            json!(bf),
            json!(cf),
            "not compared",
        );
    }
    let (nb, nc) = (bf.map(finish_key), cf.map(finish_key));
    let same = nb.is_some() && nb == nc;
    check(
        "finish_reason",
        pass_fail(same),
        json!(bf),
        json!(cf),
        if same {
            if bf == cf {
                "same"
            } else {
                "same after mapping provider-native reasons"
            }
        } else {
            match (bf, cf) {
                (None, None) => "missing on both sides",
                (None, _) => "missing on the baseline",
                (_, None) => "missing on the candidate",
                _ => "differ",
            }
        },
    )
}

fn token_checks(e: &Expect, b: &Response, c: &Response) -> [Check; 3] {
    let (bu, cu) = (b.usage, c.usage);
    [
        tokens(
            "prompt_tokens",
            &e.prompt_tokens,
            bu.map(|u| u.prompt_tokens),
            cu.map(|u| u.prompt_tokens),
        ),
        tokens(
            "completion_tokens",
            &e.completion_tokens,
            bu.map(|u| u.completion_tokens),
            cu.map(|u| u.completion_tokens),
        ),
        tokens(
            "total_tokens",
            &e.total_tokens,
            bu.map(|u| u.total_tokens),
            cu.map(|u| u.total_tokens),
        ),
    ]
}

/// Informational: which field or header names only one side returns.
fn field_drift(name: &str, b: &[String], c: &[String]) -> Check {
    let only = |x: &[String], y: &[String]| -> Vec<String> {
        x.iter().filter(|k| !y.contains(k)).cloned().collect()
    };
    let (ob, oc) = (only(b, c), only(c, b));
    let detail = if ob.is_empty() && oc.is_empty() {
        if b.is_empty() {
            "none on either side".to_owned()
        } else {
            "same names".to_owned()
        }
    } else {
        format!(
            "only baseline: [{}]; only candidate: [{}]",
            ob.join(", "),
            oc.join(", ")
        )
    };
    check(name, CheckStatus::Info, json!(b), json!(c), detail)
}

/// OpenAI's finish reasons, with the provider-native ones some gateways
/// pass through (Anthropic, Gemini) mapped onto them.
pub fn finish_key(f: &str) -> &str {
    match f.to_ascii_lowercase().as_str() {
        "end_turn" | "stop_sequence" | "stop" | "eos" => "stop",
        "max_tokens" | "length" | "max_output_tokens" => "length",
        "tool_use" | "tool_calls" | "function_call" => "tool_calls",
        "content_filter" | "safety" | "recitation" => "content_filter",
        _ => f,
    }
}

/// A prompt's status: the worst of its checks.
pub fn overall(checks: &[Check]) -> CheckStatus {
    if checks.iter().any(|c| c.status == CheckStatus::Error) {
        CheckStatus::Error
    } else if checks.iter().any(|c| c.status == CheckStatus::Fail) {
        CheckStatus::Fail
    } else {
        CheckStatus::Pass
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parity::response::Usage;

    #[test]
    fn text_modes() {
        assert_eq!(
            text(&TextExpect::Exact, "a b", "a b").status,
            CheckStatus::Pass
        );
        assert_eq!(
            text(&TextExpect::Exact, "a b", "a  b").status,
            CheckStatus::Fail
        );
        assert_eq!(
            text(&TextExpect::Normalized, " a\r\n b ", "a b").status,
            CheckStatus::Pass
        );
        assert_eq!(
            text(&TextExpect::Normalized, "a b", "a c").status,
            CheckStatus::Fail
        );
        let s = text(
            &TextExpect::Similarity(0.9),
            "The capital is Paris.",
            "The capital is Paris!",
        );
        assert_eq!(s.status, CheckStatus::Pass, "{}", s.detail);
        let s = text(
            &TextExpect::Similarity(0.9),
            "Paris",
            "Lyon, a city in France",
        );
        assert_eq!(s.status, CheckStatus::Fail);
        assert_eq!(
            text(&TextExpect::Json, "```json\n{\"a\": 1}\n```", "{\"a\":1}").status,
            CheckStatus::Pass
        );
        assert_eq!(
            text(&TextExpect::Json, "{\"a\":1}", "{\"a\":2}").status,
            CheckStatus::Fail
        );
        assert_eq!(
            text(&TextExpect::JsonValid, "{\"a\":1}", "{\"a\":2}").status,
            CheckStatus::Pass
        );
        assert_eq!(
            text(&TextExpect::JsonValid, "{\"a\":1}", "a: 2").status,
            CheckStatus::Fail
        );
        let re = TextExpect::Regex(regex::Regex::new(r"^\d+$").unwrap());
        assert_eq!(text(&re, "42", "17").status, CheckStatus::Pass);
        let c = text(&re, "42", "forty-two");
        assert_eq!(c.status, CheckStatus::Fail);
        assert!(c.detail.contains("candidate does not match"));
    }

    #[test]
    fn finish_reasons_map_native_values() {
        assert_eq!(finish_key("end_turn"), "stop");
        assert_eq!(finish_key("STOP"), "stop");
        assert_eq!(finish_key("max_tokens"), "length");
        assert_eq!(finish_key("tool_use"), "tool_calls");
        assert_eq!(finish_key("error"), "error");
        assert_ne!(finish_key("length"), finish_key("stop"));
    }

    #[test]
    fn model_normalisation() {
        assert!(model_matches("gpt-4o", "openai/gpt-4o"));
        assert!(model_matches("openai/gpt-4o", "openai/gpt-4o-2024-08-06"));
        assert!(model_matches(
            "anthropic/claude-sonnet-4-6",
            "anthropic/claude-sonnet-4-6-20250929"
        ));
        assert!(model_matches(
            "meta-llama/llama-3.3-70b-instruct:free",
            "meta-llama/llama-3.3-70b-instruct"
        ));
        assert!(!model_matches("openai/gpt-4o", "openai/gpt-4o-mini"));
        assert!(!model_matches(
            "anthropic/claude-sonnet-4-6",
            "anthropic/claude-haiku-4-5"
        ));
    }

    #[test]
    fn token_tolerance_abs_and_rel() {
        let t = Tolerance {
            abs: 2,
            rel: 0.0,
            ignore: false,
        };
        assert_eq!(
            tokens("t", &t, Some(10), Some(12)).status,
            CheckStatus::Pass
        );
        assert_eq!(
            tokens("t", &t, Some(10), Some(13)).status,
            CheckStatus::Fail
        );
        let t = Tolerance {
            abs: 0,
            rel: 0.1,
            ignore: false,
        };
        assert_eq!(
            tokens("t", &t, Some(100), Some(110)).status,
            CheckStatus::Pass
        );
        assert_eq!(
            tokens("t", &t, Some(100), Some(112)).status,
            CheckStatus::Fail
        );
        assert_eq!(tokens("t", &t, Some(100), None).status, CheckStatus::Fail);
    }

    fn call(name: &str, args: &str, id: &str) -> ToolCall {
        ToolCall {
            index: 0,
            id: Some(id.into()),
            name: name.into(),
            arguments: args.into(),
        }
    }

    #[test]
    fn tool_calls_ignore_ids_and_key_order() {
        let b = [call(
            "get_weather",
            r#"{"city":"Paris","unit":"c"}"#,
            "call_a",
        )];
        let c = [call(
            "get_weather",
            r#"{ "unit": "c", "city": "Paris" }"#,
            "toolu_b",
        )];
        assert_eq!(
            tool_calls(&ToolExpect::Same, false, &b, &c).status,
            CheckStatus::Pass
        );
        let c2 = [call("get_weather", r#"{"city":"Lyon","unit":"c"}"#, "x")];
        assert_eq!(
            tool_calls(&ToolExpect::Same, false, &b, &c2).status,
            CheckStatus::Fail
        );
        assert_eq!(
            tool_calls(&ToolExpect::Names, false, &b, &c2).status,
            CheckStatus::Pass
        );
        let c3 = [call("get_time", "{}", "x")];
        assert_eq!(
            tool_calls(&ToolExpect::Names, false, &b, &c3).status,
            CheckStatus::Fail
        );
        let want = ToolExpect::List(vec![(
            "get_weather".into(),
            Some(json!({"city":"Paris","unit":"c"})),
        )]);
        assert_eq!(tool_calls(&want, false, &b, &c).status, CheckStatus::Pass);
        assert_eq!(tool_calls(&want, false, &b, &c2).status, CheckStatus::Fail);
        let broken = [call("get_weather", "{\"city\":", "x")];
        let r = tool_calls(&ToolExpect::Same, true, &b, &broken);
        assert!(
            r.detail.contains("not valid JSON on candidate"),
            "{}",
            r.detail
        );
    }

    fn exp(contains: &[&str], not: &[&str], schema: Option<Value>) -> Expect {
        let g = super::super::golden::parse(
            "g.yaml",
            "schema: 1\nprompts:\n  - {id: a, model: m, messages: [{role: user, content: x}]}\n",
        )
        .unwrap();
        let mut e = g.prompts[0].expect.clone();
        e.contains = contains.iter().map(|s| s.to_string()).collect();
        e.not_contains = not.iter().map(|s| s.to_string()).collect();
        e.json_schema = schema;
        e
    }

    #[test]
    fn contains_and_not_contains_are_case_insensitive_per_side() {
        let e = exp(&["paris", "France"], &["I cannot"], None);
        let mut out = Vec::new();
        reference_checks(
            &e,
            "PARIS is in france.",
            "Paris, I CANNOT say more.",
            &mut out,
        );
        assert_eq!(out[0].name, "contains");
        assert_eq!(out[0].status, CheckStatus::Fail);
        assert_eq!(out[0].detail, r#"candidate lacks ["France"]"#);
        assert_eq!(out[1].name, "not_contains");
        assert_eq!(out[1].status, CheckStatus::Fail);
        assert_eq!(out[1].detail, r#"candidate contains ["I cannot"]"#);
        let mut out = Vec::new();
        reference_checks(&e, "Paris, France", "paris (france)", &mut out);
        assert!(
            out.iter().all(|c| c.status == CheckStatus::Pass),
            "{out:#?}"
        );
    }

    #[test]
    fn json_schema_reports_the_failing_path() {
        let schema = json!({"type": "object", "required": ["answer"],
            "properties": {"answer": {"type": "string"}, "items": {"type": "array", "items": {"type": "integer"}}}});
        let e = exp(&[], &[], Some(schema));
        let mut out = Vec::new();
        reference_checks(
            &e,
            "```json\n{\"answer\": \"Paris\", \"items\": [1, 2]}\n```",
            r#"{"answer": "Paris", "items": [1, "two"]}"#,
            &mut out,
        );
        assert_eq!(out[0].name, "json_schema");
        assert_eq!(out[0].status, CheckStatus::Fail);
        assert!(
            out[0].detail.starts_with("candidate at /items/1: ")
                && !out[0].detail.contains("baseline"),
            "{}",
            out[0].detail
        );
        let mut out = Vec::new();
        reference_checks(&e, "not json", r#"{"answer": 4}"#, &mut out);
        assert!(
            out[0].detail.contains("baseline not JSON"),
            "{}",
            out[0].detail
        );
        assert!(
            out[0].detail.contains("candidate at /answer: "),
            "{}",
            out[0].detail
        );
    }

    #[test]
    fn cost_ratio() {
        assert_eq!(cost(1.2, Some(0.01), Some(0.012)).status, CheckStatus::Pass);
        let c = cost(1.2, Some(0.01), Some(0.02));
        assert_eq!(c.status, CheckStatus::Fail);
        assert_eq!(c.detail, "candidate/baseline 2.00x (max 1.2x)");
        let c = cost(1.2, Some(0.01), None);
        assert_eq!(
            (c.status, c.detail.as_str()),
            (CheckStatus::Skip, "no cost returned by the candidate")
        );
    }

    #[test]
    fn samples_compare_with_the_baselines_own_spread() {
        let e = TextExpect::Normalized;
        // The baseline itself varies: 1 of 3 pairs agree (33%).
        let b = ["Paris.", "Paris.", "It is Paris."];
        // The candidate agrees in 4 of 9 pairs (44%): not worse.
        let c = ["Paris.", "Paris.", "Lyon."];
        let (chk, r) = sampled_text(&e, &b, &c);
        let r = r.unwrap();
        assert_eq!((r.baseline_pairs, r.candidate_pairs), (3, 9));
        assert!((r.baseline_agreement - 1.0 / 3.0).abs() < 1e-9);
        assert!((r.candidate_agreement - 4.0 / 9.0).abs() < 1e-9);
        assert_eq!(chk.status, CheckStatus::Pass, "{}", chk.detail);
        // 2 of 9 (22%) is more than the margin below 33%.
        let (chk, _) = sampled_text(&e, &b, &["Paris.", "Lyon.", "It is Lyon."]);
        assert_eq!(chk.status, CheckStatus::Fail, "{}", chk.detail);
        // A baseline that always agrees with itself and a candidate that
        // never does: fail, and the detail gives both rates.
        let b = ["Paris.", "Paris.", "Paris."];
        let c = ["Lyon.", "Lyon.", "Paris."];
        let (chk, _) = sampled_text(&e, &b, &c);
        assert_eq!(chk.status, CheckStatus::Fail);
        assert!(
            chk.detail.contains(
                "candidate agrees with baseline 3/9 (33%), baseline with itself 3/3 (100%)"
            ),
            "{}",
            chk.detail
        );
        // One sample: the plain check.
        let (chk, r) = sampled_text(&e, &["a"], &["b"]);
        assert!(r.is_none());
        assert_eq!(chk.status, CheckStatus::Fail);
    }

    #[test]
    fn parallel_tool_calls_match_in_any_order_unless_ordered() {
        let b = [
            call("get_weather", r#"{"city":"Paris"}"#, "a"),
            call("get_weather", r#"{"city":"Lyon"}"#, "b"),
            call("get_time", "{}", "c"),
        ];
        let c = [
            call("get_time", "", "x"),
            call("get_weather", r#"{"city":"Lyon"}"#, "y"),
            call("get_weather", r#"{"city":"Paris"}"#, "z"),
        ];
        let r = tool_calls(&ToolExpect::Same, false, &b, &c);
        assert_eq!(r.status, CheckStatus::Pass, "{}", r.detail);
        assert!(r.detail.contains("in any order"), "{}", r.detail);
        let r = tool_calls(&ToolExpect::Same, true, &b, &c);
        assert_eq!(r.status, CheckStatus::Fail);
        assert!(
            r.detail
                .contains("call 0: name 'get_weather' vs 'get_time'"),
            "{}",
            r.detail
        );
        // One call differs: both leftovers are named.
        let c2 = [
            c[0].clone(),
            c[1].clone(),
            call("get_weather", r#"{"city":"Nice"}"#, "z"),
        ];
        let r = tool_calls(&ToolExpect::Same, false, &b, &c2);
        assert_eq!(r.status, CheckStatus::Fail);
        assert_eq!(
            r.detail,
            r#"only baseline: get_weather({"city":"Paris"}); only candidate: get_weather({"city":"Nice"})"#
        );
        // Names only: the same multiset of names passes.
        assert_eq!(
            tool_calls(&ToolExpect::Names, false, &b, &c2).status,
            CheckStatus::Pass
        );
        // A duplicate is not matched twice.
        let c3 = [c[0].clone(), c[1].clone(), c[1].clone()];
        assert_eq!(
            tool_calls(&ToolExpect::Same, false, &b, &c3).status,
            CheckStatus::Fail
        );
        // Expected lists match in any order too.
        let want = ToolExpect::List(vec![
            ("get_time".into(), None),
            ("get_weather".into(), Some(json!({"city":"Lyon"}))),
            ("get_weather".into(), Some(json!({"city":"Paris"}))),
        ]);
        assert_eq!(tool_calls(&want, false, &b, &c).status, CheckStatus::Pass);
        assert_eq!(tool_calls(&want, true, &b, &c).status, CheckStatus::Fail);
    }

    fn resp(text: &str, model: &str, usage: (u64, u64)) -> Response {
        Response {
            status: Some(200),
            text: text.into(),
            finish_reason: Some("stop".into()),
            model: Some(model.into()),
            usage: Some(Usage {
                prompt_tokens: usage.0,
                completion_tokens: usage.1,
                total_tokens: usage.0 + usage.1,
            }),
            total_ms: 100.0,
            ttft_ms: Some(20.0),
            ..Default::default()
        }
    }

    fn prompt() -> Prompt {
        crate::parity::golden::parse(
            "g.yaml",
            "schema: 1\nprompts:\n  - id: p\n    model: openai/gpt-4o\n    messages: [{role: user, content: hi}]\n    expect: {latency: {max_ratio: 2.0}}\n",
        )
        .unwrap()
        .prompts
        .remove(0)
    }

    #[test]
    fn full_compare_and_overall() {
        let p = prompt();
        let b = resp("Hello there", "openai/gpt-4o", (10, 3));
        let c = resp("Hello there", "openai/gpt-4o-2024-08-06", (10, 3));
        let checks = compare(&p, true, ("openai/gpt-4o", "gpt-4o"), &b, &c);
        assert_eq!(overall(&checks), CheckStatus::Pass, "{checks:#?}");
        let mut slow = c.clone();
        slow.total_ms = 250.0;
        let checks = compare(&p, true, ("openai/gpt-4o", "gpt-4o"), &b, &slow);
        let l = checks.iter().find(|c| c.name == "latency").unwrap();
        assert_eq!(l.status, CheckStatus::Fail);
        let mut other = c.clone();
        other.model = Some("openai/gpt-4o-mini".into());
        let checks = compare(&p, false, ("openai/gpt-4o", "gpt-4o"), &b, &other);
        let m = checks.iter().find(|c| c.name == "model").unwrap();
        assert_eq!(m.status, CheckStatus::Fail);
        assert!(m.detail.contains("candidate sent 'gpt-4o'"), "{}", m.detail);
        let mut err = c.clone();
        err.error = Some("HTTP 500: boom".into());
        let checks = compare(&p, false, ("a", "b"), &b, &err);
        assert_eq!(overall(&checks), CheckStatus::Error);
        assert_eq!(checks.len(), 1);
    }

    #[test]
    fn a_missing_finish_reason_names_the_side_that_lacks_it() {
        let p = prompt();
        let detail = |b: Option<&str>, c: Option<&str>| {
            let (mut rb, mut rc) = (resp("x", "m", (1, 1)), resp("x", "m", (1, 1)));
            rb.finish_reason = b.map(str::to_owned);
            rc.finish_reason = c.map(str::to_owned);
            let f = finish_reason(&p.expect, &rb, &rc);
            assert_eq!(f.status, CheckStatus::Fail);
            f.detail
        };
        assert_eq!(detail(None, None), "missing on both sides");
        assert_eq!(detail(None, Some("stop")), "missing on the baseline");
        assert_eq!(detail(Some("stop"), None), "missing on the candidate");
        assert_eq!(detail(Some("stop"), Some("length")), "differ");
    }
}
