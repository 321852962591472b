//! Comparisons -> report: the JSON document (schema 1) and its human,
//! JUnit and Markdown renderings.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use serde::Serialize;

use super::compare::{Check, CheckStatus};
use super::golden::Mode;
use super::models::ModelsReport;
use super::negative::NegativeResult;
use super::response::Response;
use super::{ParityOptions, Prepared, Transport};
use crate::style::{self, ColorChoice};

#[derive(Debug, Clone, Serialize)]
pub struct Models {
    pub baseline: Option<String>,
    pub candidate: Option<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct PromptResult {
    pub id: String,
    /// `chat`, `embeddings` or `responses`.
    pub endpoint: crate::parity::golden::Endpoint,
    pub mode: Mode,
    pub status: CheckStatus,
    /// The model id each gateway was sent.
    pub models: Models,
    pub notes: Vec<String>,
    pub checks: Vec<Check>,
    /// What the gateways say this prompt cost, over all samples.
    pub cost: CostPair,
    /// `required: true` in the golden set: its failure fails the run.
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    pub required: bool,
    /// Longest side's total time of the shown exchange (JUnit `time=`).
    #[serde(skip)]
    pub elapsed_ms: f64,
    /// With `samples` > 1: how often the answers agree.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub samples: Option<crate::parity::compare::SampleRates>,
    /// The prompt's tags in the golden set.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// The shown pair's answers and figures (HTML report); `None` when
    /// nothing was sent. JSON has the checks instead.
    #[serde(skip)]
    pub shown: Option<Shown>,
}

impl PromptResult {
    /// The mode, and the endpoint when it is not chat (`embeddings`,
    /// `responses stream`).
    pub fn mode_label(&self) -> String {
        use crate::parity::golden::Endpoint;
        match self.endpoint {
            Endpoint::Chat => self.mode.as_str().to_owned(),
            Endpoint::Embeddings => "embeddings".to_owned(),
            e => format!("{} {}", e.as_str(), self.mode.as_str()),
        }
    }
}

/// What each side answered in the pair the checks ran on.
#[derive(Debug, Clone, Default)]
pub struct Shown {
    pub baseline: ShownAnswer,
    pub candidate: ShownAnswer,
}

#[derive(Debug, Clone, Default)]
pub struct ShownAnswer {
    /// The answer text, then one line per tool call.
    pub text: String,
    /// Why there is no answer.
    pub error: Option<String>,
    pub total_ms: Option<f64>,
    pub ttft_ms: Option<f64>,
    pub tokens: Option<u64>,
}

impl ShownAnswer {
    pub fn of(r: &Response) -> ShownAnswer {
        let mut text = r.text.clone();
        if let Some(first) = r.vectors.first() {
            // Embeddings: what came back, and the start of each vector.
            text = format!(
                "[{} vector(s) of {} dimensions]",
                r.vectors.len(),
                first.len()
            );
            for v in &r.vectors {
                let head: Vec<String> = v.iter().take(4).map(|x| format!("{x:.4}")).collect();
                text.push_str(&format!("\n[{}, …]", head.join(", ")));
            }
        }
        for c in r.choices.iter().skip(1) {
            text.push_str(&format!("\n[choice {}] {}", c.index + 1, c.text));
        }
        for t in &r.tool_calls {
            if !text.is_empty() {
                text.push('\n');
            }
            text.push_str(&format!("[tool call] {}({})", t.name, t.arguments));
        }
        ShownAnswer {
            text,
            error: r.error.clone(),
            // A request that never completed has no meaningful time.
            total_ms: (r.status.is_some() || r.error.is_none()).then_some(r.total_ms),
            ttft_ms: r.ttft_ms,
            tokens: r.usage.map(|u| u.total_tokens),
        }
    }
}

/// Reported cost per side; `null` where the gateway returned none.
#[derive(Debug, Clone, Copy, Default, PartialEq, Serialize)]
pub struct CostPair {
    pub baseline: Option<f64>,
    pub candidate: Option<f64>,
}

/// Sum of the reported costs, `None` when no response reported one.
pub fn total_cost<'a>(rs: impl IntoIterator<Item = &'a Response>) -> Option<f64> {
    rs.into_iter()
        .filter_map(|r| r.cost)
        .fold(None, |acc, c| Some(acc.unwrap_or(0.0) + c))
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Pct {
    pub p50: Option<f64>,
    pub p95: Option<f64>,
}

#[derive(Debug, Clone, Copy, Default, Serialize)]
pub struct Tokens {
    pub prompt: u64,
    pub completion: u64,
    pub total: u64,
}

#[derive(Debug, Clone, Serialize)]
pub struct GatewayStats {
    pub name: String,
    pub base_url: String,
    pub requests: usize,
    pub errors: usize,
    pub unreachable: usize,
    pub latency_ms: Pct,
    pub ttft_ms: Pct,
    pub tokens: Tokens,
}

#[derive(Debug, Clone, Serialize)]
pub struct ParitySummary {
    /// `live` or `replay`.
    pub source: String,
    pub golden: String,
    pub shard: Option<String>,
    /// Prompts selected (after --tag and --shard) / in the file.
    pub prompts_selected: usize,
    pub prompts_total: usize,
    /// Prompt × mode results.
    pub results: usize,
    pub pass: usize,
    pub fail: usize,
    pub error: usize,
    /// Per check name: how many passed, failed, ...
    pub checks: BTreeMap<String, BTreeMap<String, usize>>,
    pub baseline: GatewayStats,
    pub candidate: GatewayStats,
    /// Total reported cost per side.
    pub cost: CostPair,
    /// Passing share of the results (`null` without results).
    pub pass_rate: Option<f64>,
    /// `--min-pass-rate`; `null`: every result must pass.
    pub min_pass_rate: Option<f64>,
    /// Required prompts that did not pass.
    #[serde(skip_serializing_if = "Vec::is_empty")]
    pub required_failed: Vec<String>,
    pub wall_ms: f64,
}

#[derive(Debug, Clone, Serialize)]
pub struct Report {
    pub schema: u32,
    /// `pass` or `fail`.
    pub verdict: String,
    pub prompts: Vec<PromptResult>,
    pub summary: ParitySummary,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub check_models: Option<ModelsReport>,
    #[serde(skip_serializing_if = "Option::is_none")]
    pub negative: Option<Vec<NegativeResult>>,
    /// Gateways that could not be reached (exit 2).
    pub unreachable: Vec<String>,
}

/// Nearest-rank percentile.
pub fn percentile(sorted: &[f64], p: f64) -> Option<f64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = ((p / 100.0) * sorted.len() as f64).ceil().max(1.0) as usize;
    Some(sorted[rank.min(sorted.len()) - 1])
}

fn stats(gw: &super::config::Gateway, rs: &[&Response]) -> GatewayStats {
    let mut lat: Vec<f64> = rs
        .iter()
        .filter(|r| r.error.is_none())
        .map(|r| r.total_ms)
        .collect();
    let mut ttft: Vec<f64> = rs
        .iter()
        .filter(|r| r.error.is_none())
        .filter_map(|r| r.ttft_ms)
        .collect();
    lat.sort_by(f64::total_cmp);
    ttft.sort_by(f64::total_cmp);
    let mut t = Tokens::default();
    for u in rs.iter().filter_map(|r| r.usage) {
        t.prompt += u.prompt_tokens;
        t.completion += u.completion_tokens;
        t.total += u.total_tokens;
    }
    GatewayStats {
        name: gw.name.clone(),
        base_url: gw.base_url.clone(),
        requests: rs.len(),
        errors: rs.iter().filter(|r| r.error.is_some()).count(),
        unreachable: rs.iter().filter(|r| r.unreachable).count(),
        latency_ms: Pct {
            p50: percentile(&lat, 50.0),
            p95: percentile(&lat, 95.0),
        },
        ttft_ms: Pct {
            p50: percentile(&ttft, 50.0),
            p95: percentile(&ttft, 95.0),
        },
        tokens: t,
    }
}

pub fn build(
    p: &Prepared,
    opts: &ParityOptions,
    results: Vec<(PromptResult, [Vec<Response>; 2])>,
    check_models: Option<ModelsReport>,
    negative: Option<Vec<NegativeResult>>,
    wall_ms: f64,
) -> Report {
    let mut prompts = Vec::new();
    let mut b = Vec::new();
    let mut c = Vec::new();
    for (pr, [rb, rc]) in results {
        prompts.push(pr);
        b.extend(rb);
        c.extend(rc);
    }
    let count = |s: CheckStatus| prompts.iter().filter(|p| p.status == s).count();
    let (pass, fail, error) = (
        count(CheckStatus::Pass),
        count(CheckStatus::Fail),
        count(CheckStatus::Error),
    );
    let bs = stats(&p.cfg.baseline, &b.iter().collect::<Vec<_>>());
    let cs = stats(&p.cfg.candidate, &c.iter().collect::<Vec<_>>());
    let unreachable = unreachable_lines(&[&bs, &cs]);
    let extra_bad = check_models
        .as_ref()
        .is_some_and(|m| m.status >= CheckStatus::Fail)
        || negative
            .as_ref()
            .is_some_and(|n| n.iter().any(|x| x.status >= CheckStatus::Fail));
    // An empty shard of a small set is fine; an empty run otherwise is not.
    let empty = prompts.is_empty() && opts.shard.is_none();
    let results = prompts.len();
    let pass_rate = (results > 0).then(|| pass as f64 / results as f64);
    let required_failed = required_failed(&prompts);
    let results_bad = match opts.min_pass_rate {
        None => fail + error > 0,
        // Compared in whole results so that 0.98 of 50 means 49.
        Some(min) => (pass as f64) < (min * results as f64 - 1e-9) || !required_failed.is_empty(),
    };
    let verdict = if results_bad || extra_bad || !unreachable.is_empty() || empty {
        "fail"
    } else {
        "pass"
    };
    Report {
        schema: 1,
        verdict: verdict.into(),
        summary: ParitySummary {
            source: match p.transport {
                Transport::Replay(..) => "replay".into(),
                Transport::Live { .. } => "live".into(),
            },
            golden: p.golden_file.clone(),
            shard: opts.shard.map(|(i, n)| format!("{i}/{n}")),
            prompts_selected: p.prompts.len(),
            prompts_total: p.total_prompts,
            results,
            pass,
            fail,
            error,
            checks: check_counts(&prompts),
            baseline: bs,
            candidate: cs,
            cost: CostPair {
                baseline: total_cost(b.iter()),
                candidate: total_cost(c.iter()),
            },
            pass_rate,
            min_pass_rate: opts.min_pass_rate,
            required_failed,
            wall_ms,
        },
        prompts,
        check_models,
        negative,
        unreachable,
    }
}

/// Per check name, how many results it passed, failed, ...
fn check_counts(prompts: &[PromptResult]) -> BTreeMap<String, BTreeMap<String, usize>> {
    let mut checks: BTreeMap<String, BTreeMap<String, usize>> = BTreeMap::new();
    for pr in prompts {
        for ch in &pr.checks {
            *checks
                .entry(ch.name.clone())
                .or_default()
                .entry(ch.status.as_str().to_owned())
                .or_default() += 1;
        }
    }
    checks
}

fn unreachable_lines(sides: &[&GatewayStats]) -> Vec<String> {
    sides
        .iter()
        .filter(|s| s.unreachable > 0)
        .map(|s| {
            format!(
                "{} ({}): {} of {} requests could not connect",
                s.name, s.base_url, s.unreachable, s.requests
            )
        })
        .collect()
}

/// `id [mode]` of each required result that did not pass.
fn required_failed(prompts: &[PromptResult]) -> Vec<String> {
    let mut out: Vec<String> = prompts
        .iter()
        .filter(|p| p.required && p.status != CheckStatus::Pass)
        .map(|p| format!("{} [{}]", p.id, p.mode.as_str()))
        .collect();
    out.dedup();
    out
}

fn fmt_ms(x: Option<f64>) -> String {
    x.map_or("-".into(), |v| format!("{v:.0}"))
}

fn mark(s: CheckStatus, color: ColorChoice) -> String {
    use anstyle::AnsiColor::*;
    let (t, c) = match s {
        CheckStatus::Pass => ("PASS", Green),
        CheckStatus::Fail => ("FAIL", Red),
        CheckStatus::Error => ("ERROR", Red),
        CheckStatus::Skip => ("skip", BrightBlack),
        CheckStatus::Info => ("info", Cyan),
    };
    color.paint(style::fg(c).bold(), &format!("{t:<5}"))
}

pub(super) fn sym(s: Option<CheckStatus>) -> &'static str {
    match s {
        Some(CheckStatus::Pass) => "✓",
        Some(CheckStatus::Fail) => "✗",
        Some(CheckStatus::Error) => "!",
        Some(CheckStatus::Info) => "·",
        Some(CheckStatus::Skip) | None => "-",
    }
}

/// The table's columns: one check, or the worst of several.
pub(super) const COLUMNS: [(&str, &[&str]); 6] = [
    ("TEXT", &["text", "json"]),
    ("FINISH", &["finish_reason"]),
    ("MODEL", &["model", "model_mapping"]),
    (
        "TOKENS",
        &["prompt_tokens", "completion_tokens", "total_tokens"],
    ),
    ("TOOLS", &["tool_calls"]),
    ("RESP", &["response"]),
];

pub(super) fn column(p: &PromptResult, names: &[&str]) -> Option<CheckStatus> {
    p.checks
        .iter()
        .filter(|c| names.contains(&c.name.as_str()))
        .map(|c| c.status)
        .max_by_key(|s| match s {
            CheckStatus::Skip => 0,
            CheckStatus::Info => 1,
            CheckStatus::Pass => 2,
            CheckStatus::Fail => 3,
            CheckStatus::Error => 4,
        })
}

/// An inline diff of two texts: colored on a TTY, `-`/`+` lines otherwise.
pub fn text_diff(b: &str, c: &str, color: ColorChoice) -> String {
    use anstyle::AnsiColor::*;
    let mut out = String::new();
    if color.0 {
        let diff = similar::TextDiff::from_words(b, c);
        for op in diff.ops() {
            for change in diff.iter_inline_changes(op) {
                for (_, v) in change.iter_strings_lossy() {
                    let s = match change.tag() {
                        similar::ChangeTag::Equal => v.into_owned(),
                        similar::ChangeTag::Delete => {
                            color.paint(style::fg(Red).strikethrough(), &v)
                        }
                        similar::ChangeTag::Insert => color.paint(style::fg(Green).underline(), &v),
                    };
                    out.push_str(&s);
                }
            }
        }
        return format!("      {}\n", out.replace('\n', "\n      "));
    }
    let clip = |s: &str| -> String {
        let t: String = s.chars().take(300).collect();
        let t = t.replace('\n', "\\n");
        if s.chars().count() > 300 {
            format!("{t}…")
        } else {
            t
        }
    };
    let _ = writeln!(out, "      - baseline:  {}", clip(b));
    let _ = writeln!(out, "      + candidate: {}", clip(c));
    out
}

pub(super) fn value_text(v: &serde_json::Value) -> String {
    match v {
        serde_json::Value::String(s) => s.clone(),
        other => other.to_string(),
    }
}

pub fn human(r: &Report, color: ColorChoice) -> String {
    let mut o = String::new();
    human_heading(&mut o, &r.summary, color);
    human_table(&mut o, r, color);
    if let Some(m) = &r.check_models {
        human_models(&mut o, m, color);
    }
    if let Some(n) = &r.negative {
        human_negative(&mut o, n, color);
    }
    human_summary(&mut o, r, color);
    o
}

fn human_heading(o: &mut String, s: &ParitySummary, color: ColorChoice) {
    let _ = writeln!(
        o,
        "{} baseline {} ({}) vs candidate {} ({}) [{}{}]; pairs read baseline / candidate",
        color.paint(style::bold(), "parity:"),
        s.baseline.name,
        s.baseline.base_url,
        s.candidate.name,
        s.candidate.base_url,
        s.source,
        s.shard
            .as_ref()
            .map_or(String::new(), |x| format!(", shard {x}"))
    );
}

/// One row per prompt and mode, with the details of what did not pass.
fn human_table(o: &mut String, r: &Report, color: ColorChoice) {
    let idw = r
        .prompts
        .iter()
        .map(|p| p.id.len())
        .max()
        .unwrap_or(2)
        .clamp(2, 40);
    let mw = r
        .prompts
        .iter()
        .map(|p| p.mode_label().len())
        .max()
        .unwrap_or(10)
        .max(10);
    let _ = writeln!(
        o,
        "{:<5} {:<idw$} {:<mw$} {}  LATENCY",
        "",
        "PROMPT",
        "MODE",
        COLUMNS
            .iter()
            .map(|(h, _)| format!("{h:<6}"))
            .collect::<Vec<_>>()
            .join(" "),
    );
    for p in &r.prompts {
        let cols: Vec<String> = COLUMNS
            .iter()
            .map(|(_, names)| format!("{:<6}", sym(column(p, names))))
            .collect();
        let lat = p.checks.iter().find(|c| c.name == "latency");
        let _ = writeln!(
            o,
            "{} {:<idw$} {:<mw$} {}  {}",
            mark(p.status, color),
            p.id,
            p.mode_label(),
            cols.join(" "),
            lat.map_or(String::new(), |l| l.detail.clone())
        );
        human_row_details(o, p, color);
    }
}

/// Under a row that did not pass: its notes and each failing check with
/// both values.
fn human_row_details(o: &mut String, p: &PromptResult, color: ColorChoice) {
    if p.status != CheckStatus::Pass {
        for n in &p.notes {
            let _ = writeln!(o, "    note: {n}");
        }
    }
    for c in p
        .checks
        .iter()
        .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error))
    {
        let _ = writeln!(o, "    {} {}: {}", mark(c.status, color), c.name, c.detail);
        if c.name == "text" {
            o.push_str(&text_diff(
                &value_text(&c.baseline),
                &value_text(&c.candidate),
                color,
            ));
        } else if c.status == CheckStatus::Fail {
            let _ = writeln!(
                o,
                "      baseline: {}  candidate: {}",
                value_text(&c.baseline),
                value_text(&c.candidate)
            );
        }
    }
}

fn human_models(o: &mut String, m: &ModelsReport, color: ColorChoice) {
    let _ = writeln!(
        o,
        "\n{} {} ({} ids listed) {}",
        color.paint(style::bold(), "models:"),
        m.url,
        m.listed,
        mark(m.status, color)
    );
    if let Some(e) = &m.error {
        let _ = writeln!(o, "    {e}");
    }
    for e in &m.models {
        // Long origin lists (a slug used all over a repo) are cut.
        let from = if e.from.len() > 4 {
            format!("{}, and {} more", e.from[..3].join(", "), e.from.len() - 3)
        } else {
            e.from.join(", ")
        };
        let _ = writeln!(
            o,
            "  {} {} — {} ({from})",
            mark(e.status, color),
            e.slug,
            e.detail,
        );
    }
}

fn human_negative(o: &mut String, n: &[NegativeResult], color: ColorChoice) {
    let _ = writeln!(o, "\n{}", color.paint(style::bold(), "negative:"));
    for x in n {
        let _ = writeln!(
            o,
            "  {} {:<15} {:<9} {}",
            mark(x.status, color),
            x.case,
            x.side.as_str(),
            x.detail
        );
    }
}

/// Counts, per-gateway figures, cost, rates and the verdict line.
fn human_summary(o: &mut String, r: &Report, color: ColorChoice) {
    let s = &r.summary;
    let _ = writeln!(
        o,
        "\n{} {} results: {} pass, {} fail, {} error ({} of {} prompts) in {:.1}s",
        color.paint(style::bold(), "summary:"),
        s.results,
        s.pass,
        s.fail,
        s.error,
        s.prompts_selected,
        s.prompts_total,
        s.wall_ms / 1000.0
    );
    for g in [("baseline", &s.baseline), ("candidate", &s.candidate)] {
        let _ = writeln!(
            o,
            "  {:<9} {:<20} latency p50 {} / p95 {} ms, ttft p50 {} / p95 {} ms, tokens {} in / {} out / {} total, {} errors",
            g.0,
            g.1.name,
            fmt_ms(g.1.latency_ms.p50),
            fmt_ms(g.1.latency_ms.p95),
            fmt_ms(g.1.ttft_ms.p50),
            fmt_ms(g.1.ttft_ms.p95),
            g.1.tokens.prompt,
            g.1.tokens.completion,
            g.1.tokens.total,
            g.1.errors
        );
    }
    for u in &r.unreachable {
        let _ = writeln!(
            o,
            "  {} {u}",
            color.paint(style::fg(anstyle::AnsiColor::Red), "unreachable:")
        );
    }
    let show = |c: Option<f64>| c.map_or("none returned".to_owned(), |c| format!("{c:.6}"));
    let _ = writeln!(
        o,
        "  cost      baseline {}, candidate {} (as reported by each gateway)",
        show(s.cost.baseline),
        show(s.cost.candidate)
    );
    if let (Some(min), Some(rate)) = (s.min_pass_rate, s.pass_rate) {
        let _ = writeln!(
            o,
            "  pass rate {:.1}% (minimum {:.1}%)",
            rate * 100.0,
            min * 100.0
        );
    }
    if !s.required_failed.is_empty() {
        let _ = writeln!(
            o,
            "  required prompts that did not pass: {}",
            s.required_failed.join(", ")
        );
    }
    let v = if r.verdict == "pass" {
        color.paint(style::fg(anstyle::AnsiColor::Green).bold(), "PASS")
    } else {
        color.paint(style::fg(anstyle::AnsiColor::Red).bold(), "FAIL")
    };
    let _ = writeln!(o, "verdict: {v}{}", empty_shard_note(r));
}

/// A shard that selected nothing passes, but says that nothing was compared.
fn empty_shard_note(r: &Report) -> String {
    match (&r.summary.shard, r.prompts.is_empty()) {
        (Some(sh), true) => format!(" (shard {sh} has no prompts: nothing was compared)"),
        _ => String::new(),
    }
}

fn md_escape(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

pub fn markdown(r: &Report) -> String {
    let s = &r.summary;
    let mut o = String::new();
    let _ = writeln!(
        o,
        "### llmgw-migrate parity: {}\n",
        if r.verdict == "pass" {
            format!("✅ pass{}", empty_shard_note(r))
        } else {
            "❌ fail".into()
        }
    );
    let _ = writeln!(
        o,
        "Baseline `{}` vs candidate `{}` ({}); {} results: {} pass, {} fail, {} error.\n",
        s.baseline.base_url, s.candidate.base_url, s.source, s.results, s.pass, s.fail, s.error
    );
    let _ = writeln!(o, "| prompt | mode | status | failing checks |");
    let _ = writeln!(o, "| --- | --- | --- | --- |");
    // Step summaries are size-limited: big runs list only what needs a look.
    let long = r.prompts.len() > 50;
    for p in r
        .prompts
        .iter()
        .filter(|p| !long || p.status != CheckStatus::Pass)
    {
        let bad: Vec<String> = p
            .checks
            .iter()
            .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error))
            .map(|c| format!("{}: {}", c.name, md_escape(&c.detail)))
            .collect();
        let _ = writeln!(
            o,
            "| `{}` | {} | {} | {} |",
            md_escape(&p.id),
            p.mode.as_str(),
            p.status.as_str(),
            bad.join("<br>")
        );
    }
    if long {
        let _ = writeln!(o, "\n{} passing results not listed.", s.pass);
    }
    let _ = writeln!(
        o,
        "\n| gateway | p50 ms | p95 ms | ttft p50 ms | tokens total | errors |"
    );
    let _ = writeln!(o, "| --- | --- | --- | --- | --- | --- |");
    for g in [&s.baseline, &s.candidate] {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            md_escape(&g.name),
            fmt_ms(g.latency_ms.p50),
            fmt_ms(g.latency_ms.p95),
            fmt_ms(g.ttft_ms.p50),
            g.tokens.total,
            g.errors
        );
    }
    if let Some(m) = &r.check_models {
        let missing: Vec<&str> = m
            .models
            .iter()
            .filter(|e| e.status != CheckStatus::Pass)
            .map(|e| e.slug.as_str())
            .collect();
        let _ = writeln!(
            o,
            "\nModels check: {}{}",
            m.status.as_str(),
            if missing.is_empty() {
                String::new()
            } else {
                format!(" (not listed or unmapped: `{}`)", missing.join("`, `"))
            }
        );
    }
    if let Some(n) = &r.negative {
        let _ = writeln!(o, "\n| negative case | gateway | result | how it failed |");
        let _ = writeln!(o, "| --- | --- | --- | --- |");
        for x in n {
            let _ = writeln!(
                o,
                "| {} | {} | {} | {} |",
                x.case,
                x.side.as_str(),
                x.status.as_str(),
                md_escape(&x.detail)
            );
        }
    }
    for u in &r.unreachable {
        let _ = writeln!(o, "\n**Unreachable:** {}", md_escape(u));
    }
    o
}

pub fn junit(r: &Report) -> String {
    use quick_junit::{NonSuccessKind, Report as JReport, TestCase, TestCaseStatus, TestSuite};
    let mut suite = TestSuite::new("parity");
    for p in &r.prompts {
        let status = match p.status {
            CheckStatus::Pass | CheckStatus::Info | CheckStatus::Skip => TestCaseStatus::success(),
            s => {
                let kind = if s == CheckStatus::Error {
                    NonSuccessKind::Error
                } else {
                    NonSuccessKind::Failure
                };
                let mut st = TestCaseStatus::non_success(kind);
                let bad: Vec<String> = p
                    .checks
                    .iter()
                    .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error))
                    .map(|c| format!("{}: {}", c.name, c.detail))
                    .collect();
                st.set_message(bad.join("; "));
                st.set_description(
                    p.checks
                        .iter()
                        .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error))
                        .map(|c| {
                            format!(
                                "{}\n  baseline:  {}\n  candidate: {}",
                                c.name,
                                value_text(&c.baseline),
                                value_text(&c.candidate)
                            )
                        })
                        .collect::<Vec<_>>()
                        .join("\n"),
                );
                st
            }
        };
        let mut tc = TestCase::new(format!("{} [{}]", p.id, p.mode.as_str()), status);
        tc.set_classname("parity.prompts");
        tc.set_time(std::time::Duration::from_secs_f64(
            p.elapsed_ms.max(0.0) / 1000.0,
        ));
        suite.add_test_case(tc);
    }
    let mut extra = Vec::new();
    if let Some(m) = &r.check_models {
        for e in &m.models {
            extra.push(("parity.models", e.slug.clone(), e.status, e.detail.clone()));
        }
        if let Some(err) = &m.error {
            extra.push((
                "parity.models",
                "models list".into(),
                CheckStatus::Error,
                err.clone(),
            ));
        }
    }
    if let Some(n) = &r.negative {
        for x in n {
            extra.push((
                "parity.negative",
                format!("{} [{}]", x.case, x.side.as_str()),
                x.status,
                x.detail.clone(),
            ));
        }
    }
    for (class, name, st, detail) in extra {
        let status = match st {
            CheckStatus::Fail => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Failure);
                s.set_message(detail);
                s
            }
            CheckStatus::Error => {
                let mut s = TestCaseStatus::non_success(NonSuccessKind::Error);
                s.set_message(detail);
                s
            }
            _ => TestCaseStatus::success(),
        };
        let mut tc = TestCase::new(name, status);
        tc.set_classname(class);
        suite.add_test_case(tc);
    }
    let mut rep = JReport::new("llmgw-migrate parity");
    rep.add_test_suite(suite);
    rep.to_string().unwrap_or_default()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn percentiles_nearest_rank() {
        let v: Vec<f64> = (1..=20).map(f64::from).collect();
        assert_eq!(percentile(&v, 50.0), Some(10.0));
        assert_eq!(percentile(&v, 95.0), Some(19.0));
        assert_eq!(percentile(&[7.0], 95.0), Some(7.0));
        assert_eq!(percentile(&[], 50.0), None);
    }

    #[test]
    fn plain_diff_without_color() {
        let d = text_diff("Paris is big", "Paris is large", ColorChoice(false));
        assert!(d.contains("- baseline:  Paris is big"));
        assert!(d.contains("+ candidate: Paris is large"));
        assert!(!d.contains('\u{1b}'));
        let d = text_diff("Paris is big", "Paris is large", ColorChoice(true));
        assert!(d.contains('\u{1b}'));
    }
}
