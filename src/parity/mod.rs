//! `parity`: prompts -> requests -> responses -> comparisons -> report.
//!
//! [`golden`] and [`config`] read the inputs, [`request`] builds each body
//! and picks the model id per gateway, [`client`] sends it (or [`record`]
//! reads it back), [`sse`] and [`response`] assemble the answer,
//! [`compare`] runs the checks and [`report`] renders the result.

pub mod choices;
pub mod client;
pub mod compare;
pub mod config;
pub mod error;
pub mod golden;
pub mod html;
pub mod meaning;
pub mod models;
pub mod negative;
pub mod record;
pub mod redact;
pub mod report;
pub mod request;
pub mod response;
pub mod responses_api;
pub mod sse;
pub mod vectors;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use futures_util::future::join_all;
use serde::Serialize;
use serde_json::json;
use tokio::sync::Semaphore;

use client::{Body, Client, Exchange, Outgoing, RetryPolicy, SentRequest};
use compare::{Check, CheckStatus};
use config::{InputError, ParityConfig};
pub use error::{ParityError, TableError};
use golden::{Mode, Prompt};
use record::Recorder;
use redact::ExchangeRedactor;
use report::{PromptResult, Report};
use request::Side;

use crate::rules::Rules;

/// What the command line asked for.
#[derive(Debug, Clone, Default)]
pub struct ParityOptions {
    pub golden: PathBuf,
    pub config: Option<PathBuf>,
    pub record: Option<PathBuf>,
    pub replay: Option<PathBuf>,
    /// (i, n), 1-based.
    pub shard: Option<(usize, usize)>,
    pub check_models: bool,
    pub scan: Option<PathBuf>,
    pub negative: bool,
    pub concurrency: Option<usize>,
    pub tags: Vec<String>,
    /// `--samples N`: overrides every prompt's `samples`.
    pub samples: Option<usize>,
    /// Pass when at least this share of results pass; `None`: all must.
    pub min_pass_rate: Option<f64>,
    /// Show a progress bar (the caller decides: TTY only).
    pub progress: bool,
}

/// Parse `i/n`.
pub fn parse_shard(s: &str) -> Result<(usize, usize), InputError> {
    let bad = || {
        InputError(format!(
            "--shard '{s}': expected I/N with 1 <= I <= N, e.g. 2/4"
        ))
    };
    let (i, n) = s.split_once('/').ok_or_else(bad)?;
    let (i, n): (usize, usize) = (
        i.trim().parse().map_err(|_| bad())?,
        n.trim().parse().map_err(|_| bad())?,
    );
    if n == 0 || i == 0 || i > n {
        return Err(bad());
    }
    Ok((i, n))
}

/// Which shard a prompt belongs to: by a hash of its id, so adding or
/// removing prompts never moves the others between CI jobs.
pub fn shard_of(id: &str, n: usize) -> usize {
    let h = crate::rules::sha12(id.as_bytes());
    let x = u64::from_str_radix(&h, 16).unwrap_or(0);
    (x % n as u64) as usize + 1
}

/// Where exchanges come from.
#[derive(Clone)]
pub enum Transport {
    Live {
        baseline: Box<Client>,
        candidate: Box<Client>,
        recorder: Option<Recorder>,
        redactor: ExchangeRedactor,
        judge: Option<Box<Client>>,
        embeddings: Option<Box<Client>>,
    },
    Replay(PathBuf, ExchangeRedactor),
}

/// Remove keys from everything a report or recording could show of an
/// exchange: a gateway may echo the key it was sent.
fn redact_exchange(r: &ExchangeRedactor, ex: &mut Exchange) {
    r.in_place(&mut ex.body);
    r.in_place(&mut ex.request.url);
    for (_, v) in &mut ex.headers {
        r.in_place(v);
    }
    if let Some(f) = &mut ex.failure {
        r.in_place(&mut f.message);
    }
}

impl Transport {
    pub fn gateway(&self, side: Side) -> Option<&Client> {
        match self {
            Transport::Live {
                baseline,
                candidate,
                ..
            } => Some(match side {
                Side::Baseline => baseline,
                Side::Candidate => candidate,
            }),
            Transport::Replay(..) => None,
        }
    }

    pub fn redactor(&self) -> &ExchangeRedactor {
        match self {
            Transport::Live { redactor, .. } | Transport::Replay(_, redactor) => redactor,
        }
    }

    /// Send (or read back) one exchange stored under `rel` in a recording.
    pub async fn exchange(
        &self,
        cfg: &ParityConfig,
        side: Side,
        rel: &std::path::Path,
        out: &Outgoing,
    ) -> Exchange {
        let gw = match side {
            Side::Baseline => &cfg.baseline,
            Side::Candidate => &cfg.candidate,
        };
        self.exchange_with(cfg, gw, self.gateway(side), rel, out)
            .await
    }

    /// One exchange with the judge or the embeddings server.
    pub async fn helper_exchange(
        &self,
        cfg: &ParityConfig,
        which: meaning::Helper,
        rel: &std::path::Path,
        out: &Outgoing,
    ) -> Result<Exchange, meaning::Undecided> {
        let svc = match which {
            meaning::Helper::Judge => cfg.judge.as_ref(),
            meaning::Helper::Embeddings => cfg.embeddings.as_ref(),
        }
        .ok_or(meaning::Undecided::NotConfigured(which))?;
        let client = match self {
            Transport::Live {
                judge, embeddings, ..
            } => Some(
                match which {
                    meaning::Helper::Judge => judge.as_deref(),
                    meaning::Helper::Embeddings => embeddings.as_deref(),
                }
                .ok_or(meaning::Undecided::NoClient(which))?,
            ),
            Transport::Replay(..) => None,
        };
        Ok(self
            .exchange_with(cfg, &svc.gateway, client, rel, out)
            .await)
    }

    async fn exchange_with(
        &self,
        cfg: &ParityConfig,
        gw: &config::Gateway,
        client: Option<&Client>,
        rel: &std::path::Path,
        out: &Outgoing,
    ) -> Exchange {
        match (self, client) {
            (
                Transport::Live {
                    recorder, redactor, ..
                },
                Some(c),
            ) => {
                let mut ex = c.send(out).await;
                // Inline on purpose: while this task scans and writes, its
                // body is the only copy, and the next request of this task
                // waits; moving the work elsewhere let bodies pile up.
                redact_exchange(redactor, &mut ex);
                if let Some(r) = recorder {
                    if let Err(e) = r.write(&r.dir.join(rel), &ex) {
                        eprintln!("llmgw-migrate: warning: {e:#}");
                    }
                }
                ex
            }
            (Transport::Live { redactor, .. }, None) | (Transport::Replay(_, redactor), _) => {
                let req = SentRequest {
                    method: out.method.to_string(),
                    url: format!("{}{}", gw.base_url, out.path),
                    headers: Vec::new(),
                    body: match &out.body {
                        Some(Body::Json(v)) => Some(v.clone()),
                        _ => None,
                    },
                    raw_body: match &out.body {
                        Some(Body::Raw(s)) => Some(s.clone()),
                        _ => None,
                    },
                };
                let path = match self {
                    Transport::Replay(dir, _) => dir.join(rel),
                    // Unreachable in practice: live transports have clients.
                    Transport::Live { .. } => PathBuf::from("/nonexistent").join(rel),
                };
                let limit = record::file_limit(cfg.max_response_bytes);
                let mut ex = record::read_exchange(&path, req, limit);
                redact_exchange(redactor, &mut ex);
                ex
            }
        }
    }
}

/// Where sample `k` (0-based) of a prompt is recorded: the first keeps the
/// name recordings always had.
fn rel_prompt(id: &str, mode: Mode, side: Side, k: usize) -> PathBuf {
    let side = match k {
        0 => side.as_str().to_owned(),
        k => format!("{}.s{}", side.as_str(), k + 1),
    };
    record::prompt_path(std::path::Path::new(""), id, mode.as_str(), &side)
}

/// Everything needed to run: inputs loaded and validated.
pub struct Prepared {
    pub cfg: ParityConfig,
    pub prompts: Vec<Prompt>,
    pub total_prompts: usize,
    pub transport: Transport,
    pub golden_file: String,
}

/// Load inputs and set up the transport. Errors here are usage or
/// configuration errors (exit 2).
pub fn prepare(opts: &ParityOptions, rules: &Rules) -> Result<Prepared, ParityError> {
    let golden = golden::load(&opts.golden)?;
    let cfg = load_config(opts, rules)?;
    require_helpers(&golden, &cfg)?;
    let total_prompts = golden.prompts.len();
    let prompts = select_prompts(golden.prompts, opts)?;
    // Keys are redacted from reports whatever their shape: also the values
    // of the configured variables when they are set for a replay.
    let prefixes: Vec<String> = rules
        .targets
        .iter()
        .filter_map(|t| t.table.key_prefix.clone())
        .collect();
    let transport = match &opts.replay {
        Some(dir) => {
            record::read_meta(dir)?;
            Transport::Replay(
                dir.clone(),
                ExchangeRedactor::new(env_values(&cfg), &prefixes),
            )
        }
        None => live_transport(&cfg, opts.record.as_deref(), &golden.file, &prefixes)?,
    };
    Ok(Prepared {
        cfg,
        prompts,
        total_prompts,
        transport,
        golden_file: golden.file,
    })
}

fn usage(msg: impl Into<String>) -> ParityError {
    ParityError::Usage(msg.into())
}

/// The config file, or the recorded one for a replay, with `--concurrency`
/// applied and each `map_models` table known.
fn load_config(opts: &ParityOptions, rules: &Rules) -> Result<ParityConfig, ParityError> {
    let mut cfg = match (&opts.config, &opts.replay) {
        (Some(p), _) => config::load(p)?,
        (None, Some(dir)) => record::read_meta(dir)?.config,
        (None, None) => {
            return Err(usage(
                "--config FILE is required (except with --replay DIR)",
            ))
        }
    };
    if let Some(c) = opts.concurrency {
        if c == 0 || c > 256 {
            return Err(usage("--concurrency must be 1..=256"));
        }
        cfg.concurrency = c;
    }
    for gw in [&cfg.baseline, &cfg.candidate] {
        if let Some(t) = &gw.map_models {
            rules.require_target(t).map_err(|e| {
                let at = gw.map_models_at.as_deref().unwrap_or("config");
                TableError(format!("{at}: {}.map_models: {e}", gw.role))
            })?;
        }
    }
    Ok(cfg)
}

/// A judge or embedding check needs its section in the config: refused
/// before anything is sent.
fn require_helpers(golden: &golden::Golden, cfg: &ParityConfig) -> Result<(), ParityError> {
    for pr in &golden.prompts {
        let (need, have) = match pr.expect.text {
            golden::TextExpect::Judge(_) => ("judge", cfg.judge.is_some()),
            golden::TextExpect::Embedding(_) => ("embeddings", cfg.embeddings.is_some()),
            _ => continue,
        };
        if !have {
            return Err(usage(format!(
                "{}:{}: prompt '{}' uses a {need} check but the config has no {need}: section",
                golden.file, pr.line, pr.id
            )));
        }
    }
    Ok(())
}

/// `--tag`, `--shard` and `--samples` applied.
fn select_prompts(all: Vec<Prompt>, opts: &ParityOptions) -> Result<Vec<Prompt>, ParityError> {
    let mut prompts: Vec<Prompt> = all
        .into_iter()
        .filter(|p| opts.tags.is_empty() || p.tags.iter().any(|t| opts.tags.contains(t)))
        .collect();
    if let Some((i, n)) = opts.shard {
        prompts.retain(|p| shard_of(&p.id, n) == i);
    }
    if let Some(n) = opts.samples {
        if n == 0 || n > golden::MAX_SAMPLES {
            return Err(usage(format!(
                "--samples must be 1..={}",
                golden::MAX_SAMPLES
            )));
        }
        for p in &mut prompts {
            p.samples = n;
        }
    }
    Ok(prompts)
}

/// The values of the configured key variables that are set.
fn env_values(cfg: &ParityConfig) -> Vec<String> {
    [&cfg.baseline, &cfg.candidate]
        .into_iter()
        .chain(cfg.judge.iter().map(|s| &s.gateway))
        .chain(cfg.embeddings.iter().map(|s| &s.gateway))
        .filter_map(|g| g.api_key_env.as_ref())
        .filter_map(|v| std::env::var(v).ok())
        .map(|v| v.trim().to_owned())
        .collect()
}

/// Clients for both sides and the helpers, sharing one semaphore, and the
/// recorder when `--record` asks for one.
fn live_transport(
    cfg: &ParityConfig,
    record_dir: Option<&std::path::Path>,
    golden_file: &str,
    prefixes: &[String],
) -> Result<Transport, ParityError> {
    let bk = cfg.baseline.key()?;
    let ck = cfg.candidate.key()?;
    let limit = Arc::new(Semaphore::new(cfg.concurrency));
    let policy = RetryPolicy {
        retries: cfg.retries,
        budget: Duration::from_secs_f64(cfg.retry_budget_s),
        base: Duration::from_millis(500),
        cap: Duration::from_secs(8),
    };
    let client = |gw: &config::Gateway, key: Option<String>| -> Result<Box<Client>, ParityError> {
        Ok(Box::new(Client::new(
            gw.clone(),
            key,
            limit.clone(),
            policy.clone(),
            cfg.max_response_bytes,
        )?))
    };
    let helper = |svc: &Option<config::Service>| -> Result<Option<Box<Client>>, ParityError> {
        let Some(svc) = svc else { return Ok(None) };
        Ok(Some(client(&svc.gateway, svc.gateway.key()?)?))
    };
    let (judge, embeddings) = (helper(&cfg.judge)?, helper(&cfg.embeddings)?);
    let mut secrets: Vec<String> = [&bk, &ck].into_iter().flatten().cloned().collect();
    secrets.extend(env_values(cfg));
    secrets.push(negative::WRONG_KEY.to_owned());
    let recorder = match record_dir {
        Some(dir) => Some(Recorder::new(
            dir,
            &record::Meta {
                schema: 1,
                tool: concat!("llmgw-migrate ", env!("CARGO_PKG_VERSION")).into(),
                golden: golden_file.to_owned(),
                config: cfg.clone(),
            },
        )?),
        None => None,
    };
    Ok(Transport::Live {
        baseline: client(&cfg.baseline, bk)?,
        candidate: client(&cfg.candidate, ck)?,
        recorder,
        redactor: ExchangeRedactor::new(secrets, prefixes),
        judge,
        embeddings,
    })
}

/// One prompt in one mode, both gateways.
async fn run_one(
    p: &Prepared,
    rules: &Rules,
    prompt: &Prompt,
    mode: Mode,
) -> (PromptResult, [Vec<response::Response>; 2]) {
    let mut notes = Vec::new();
    let chosen = choose_models(rules, &p.cfg, prompt, &mut notes);
    let models = report::Models {
        baseline: chosen.sent[0].clone(),
        candidate: chosen.sent[1].clone(),
    };
    let (bm, cm) = match (&chosen.sent, chosen.blocked.is_empty()) {
        ([Some(b), Some(c)], true) => (b.clone(), c.clone()),
        _ => {
            let r = mapping_error(prompt, mode, models, notes, &chosen);
            return (r, [Vec::new(), Vec::new()]);
        }
    };
    let pairs = ask_samples(p, prompt, mode, (&bm, &cm)).await;
    let n = pairs.len();
    let (k, (rb, rc), rest) = shown_pair(pairs);
    if k > 0 {
        notes.push(format!("sample {} of {n} is shown: it failed", k + 1));
    }
    for (side, r) in [("baseline", &rb), ("candidate", &rc)] {
        for n in &r.notes {
            notes.push(format!("{side}: {n}"));
        }
    }
    let mut checks = compare::compare(prompt, mode == Mode::Stream, (&bm, &cm), &rb, &rc);
    let rates =
        text_over_samples(p, prompt, mode, &mut checks, (&rb, &rc), &rest, &mut notes).await;
    if prompt.choices > 1 && rb.error.is_none() && rc.error.is_none() {
        checks.push(choices_check(p, prompt, mode, &rb, &rc).await);
        if !choices::ordered(prompt) {
            // Unordered samples: first against first decides nothing.
            if let Some(t) = checks.iter_mut().find(|c| c.name == "text") {
                t.status = CheckStatus::Skip;
                t.detail = format!(
                    "n = {} at temperature > 0: the choices are compared as a set (see choices)",
                    prompt.choices
                );
            }
        }
    }
    let result = PromptResult {
        id: prompt.id.clone(),
        endpoint: prompt.endpoint,
        mode,
        status: compare::overall(&checks),
        models,
        notes,
        checks,
        cost: report::CostPair {
            baseline: report::total_cost(std::iter::once(&rb).chain(rest.iter().map(|(b, _)| b))),
            candidate: report::total_cost(std::iter::once(&rc).chain(rest.iter().map(|(_, c)| c))),
        },
        required: prompt.required,
        elapsed_ms: rb.total_ms.max(rc.total_ms),
        samples: rates,
        tags: prompt.tags.clone(),
        shown: Some(report::Shown {
            baseline: report::ShownAnswer::of(&rb),
            candidate: report::ShownAnswer::of(&rc),
        }),
    };
    (result, by_side(rb, rc, rest))
}

/// The model id each side is sent, and why a side is not sent anything.
struct Chosen {
    sent: [Option<String>; 2],
    blocked: Vec<String>,
}

fn choose_models(
    rules: &Rules,
    cfg: &ParityConfig,
    prompt: &Prompt,
    notes: &mut Vec<String>,
) -> Chosen {
    let mut chosen = Chosen {
        sent: [None, None],
        blocked: Vec::new(),
    };
    for (i, (side, gw)) in [
        (Side::Baseline, &cfg.baseline),
        (Side::Candidate, &cfg.candidate),
    ]
    .into_iter()
    .enumerate()
    {
        match request::choose_model(rules, gw, prompt, side) {
            Ok(ch) => {
                if let Some(n) = &ch.note {
                    notes.push(format!("{}: {n}", side.as_str()));
                }
                if ch.sent.is_none() {
                    chosen.blocked.push(format!(
                        "{}: not sent: {}",
                        side.as_str(),
                        ch.note.unwrap_or_default()
                    ));
                }
                chosen.sent[i] = ch.sent;
            }
            Err(e) => chosen.blocked.push(format!("{}: {e:#}", side.as_str())),
        }
    }
    chosen
}

/// The result of a prompt that was not sent: a model needs a person.
fn mapping_error(
    prompt: &Prompt,
    mode: Mode,
    models: report::Models,
    notes: Vec<String>,
    chosen: &Chosen,
) -> PromptResult {
    let check = Check {
        name: "model_mapping".into(),
        status: CheckStatus::Error,
        baseline: json!(chosen.sent[0]),
        candidate: json!(chosen.sent[1]),
        detail: chosen.blocked.join("; "),
    };
    PromptResult {
        id: prompt.id.clone(),
        endpoint: prompt.endpoint,
        mode,
        status: CheckStatus::Error,
        models,
        notes,
        checks: vec![check],
        cost: report::CostPair::default(),
        required: prompt.required,
        elapsed_ms: 0.0,
        samples: None,
        tags: prompt.tags.clone(),
        shown: None,
    }
}

/// Ask each side `samples` times; pairs in sample order.
async fn ask_samples(
    p: &Prepared,
    prompt: &Prompt,
    mode: Mode,
    (bm, cm): (&str, &str),
) -> Vec<(response::Response, response::Response)> {
    let mk = |m: &str| Outgoing {
        method: reqwest::Method::POST,
        path: prompt.endpoint.path().into(),
        body: Some(Body::Json(request::body(prompt, mode, m))),
        stream: mode == Mode::Stream,
        key_override: None,
    };
    let (ob, oc) = (mk(bm), mk(cm));
    join_all((0..prompt.samples.max(1)).map(|k| {
        let fb = ask(p, prompt, mode, Side::Baseline, k, &ob);
        let fc = ask(p, prompt, mode, Side::Candidate, k, &oc);
        async move { tokio::join!(fb, fc) }
    }))
    .await
}

/// One exchange, parsed as soon as it completes, so a large body is not
/// held while the other side is still waiting for a slot.
async fn ask(
    p: &Prepared,
    prompt: &Prompt,
    mode: Mode,
    side: Side,
    k: usize,
    out: &Outgoing,
) -> response::Response {
    let rel = rel_prompt(&prompt.id, mode, side, k);
    let ex = p.transport.exchange(&p.cfg, side, &rel, out).await;
    let mut r = response::parse(&ex, mode, prompt.endpoint);
    if matches!(p.transport, Transport::Replay(..)) {
        // A recording made from another golden set or mapping would
        // compare answers to questions that are no longer asked.
        let want = match &out.body {
            Some(Body::Json(v)) => Some(v),
            _ => None,
        };
        if ex.failure.is_none() && ex.request.body.as_ref() != want {
            r.error = Some(format!(
                "recording is stale: {}; record again",
                body_difference(ex.request.body.as_ref(), want)
            ));
        }
    }
    r
}

type Pair = (response::Response, response::Response);

/// The wire checks run on one pair: the first that went wrong, if any.
/// Returns its index, the pair and the other pairs.
fn shown_pair(mut pairs: Vec<Pair>) -> (usize, Pair, Vec<Pair>) {
    let k = pairs
        .iter()
        .position(|(b, c)| b.error.is_some() || c.error.is_some())
        .unwrap_or(0);
    let shown = pairs.swap_remove(k);
    (k, shown, pairs)
}

/// With samples, or a judge or embedding check, the text check looks at
/// every answer rather than the shown pair; returns the agreement rates.
async fn text_over_samples(
    p: &Prepared,
    prompt: &Prompt,
    mode: Mode,
    checks: &mut [Check],
    (rb, rc): (&response::Response, &response::Response),
    rest: &[Pair],
    notes: &mut Vec<String>,
) -> Option<compare::SampleRates> {
    let meaning = matches!(
        prompt.expect.text,
        golden::TextExpect::Judge(_) | golden::TextExpect::Embedding(_)
    );
    if rb.error.is_some() || rc.error.is_some() || (rest.is_empty() && !meaning) {
        return None;
    }
    let bs: Vec<&str> = std::iter::once(rb.text.as_str())
        .chain(rest.iter().map(|(b, _)| b.text.as_str()))
        .collect();
    let cs: Vec<&str> = std::iter::once(rc.text.as_str())
        .chain(rest.iter().map(|(_, c)| c.text.as_str()))
        .collect();
    let t = checks.iter_mut().find(|c| c.name == "text")?;
    let (check, rates) = if meaning {
        meaning_check(p, prompt, mode, t.clone(), &bs, &cs, notes).await
    } else {
        compare::sampled_text(&prompt.expect.text, &bs, &cs)
    };
    *t = check;
    if let Some(r) = &rates {
        notes.push(r.describe());
    }
    rates
}

/// Every response of each side, the shown pair first.
fn by_side(
    rb: response::Response,
    rc: response::Response,
    rest: Vec<Pair>,
) -> [Vec<response::Response>; 2] {
    let (mut all_b, mut all_c) = (vec![rb], vec![rc]);
    for (b, c) in rest {
        all_b.push(b);
        all_c.push(c);
    }
    [all_b, all_c]
}

/// The judge or embedding check: on the one pair, or with samples over
/// every pair (identical pairs are asked once).
async fn meaning_check(
    p: &Prepared,
    prompt: &Prompt,
    mode: Mode,
    first: Check,
    bs: &[&str],
    cs: &[&str],
    notes: &mut Vec<String>,
) -> (Check, Option<compare::SampleRates>) {
    let expect = &prompt.expect.text;
    let (base, cand) = compare::sample_pairs(bs, cs);
    let mut unique: Vec<(&str, &str)> = vec![(bs[0], cs[0])];
    if bs.len() > 1 {
        for pair in base.iter().chain(&cand) {
            if !unique.contains(pair) {
                unique.push(*pair);
            }
        }
    }
    let answers = join_all(
        unique
            .iter()
            .map(|(x, y)| meaning::agree(p, &prompt.id, mode, expect, x, y)),
    )
    .await;
    let error = |detail: String| Check {
        status: CheckStatus::Error,
        detail,
        ..first.clone()
    };
    // Any undecided pair leaves the check undecided: never a guess.
    let mut verdicts = Vec::new();
    for a in answers {
        match a {
            Ok(v) => verdicts.push(v),
            Err(e) => return (error(format!("[{}] {e}", expect.describe())), None),
        }
    }
    let (ok0, why0) = verdicts[0].clone();
    notes.push(why0.clone());
    if bs.len() < 2 {
        let check = Check {
            status: if ok0 {
                CheckStatus::Pass
            } else {
                CheckStatus::Fail
            },
            detail: format!("[{}] {why0}", expect.describe()),
            ..first
        };
        return (check, None);
    }
    let agrees = |pair: &(&str, &str)| {
        let i = unique.iter().position(|u| u == pair).unwrap_or(0);
        verdicts[i].0
    };
    let count = |pairs: &[(&str, &str)]| (pairs.iter().filter(|x| agrees(x)).count(), pairs.len());
    let (check, rates) =
        compare::sampled_from_counts(expect, first, bs.len(), count(&base), count(&cand));
    (check, Some(rates))
}

/// `params.n > 1`: every choice of the shown pair, by the prompt's text
/// check (judge and embedding checks ask their server once per distinct
/// pair of texts).
async fn choices_check(
    p: &Prepared,
    prompt: &Prompt,
    mode: Mode,
    rb: &response::Response,
    rc: &response::Response,
) -> Check {
    let ordered = choices::ordered(prompt);
    let (b, c) = (&rb.choices, &rc.choices);
    let need = choices::needed(ordered, b.len(), c.len());
    let expect = &prompt.expect.text;
    let texts = |&(i, j): &(usize, usize)| (b[i].text.as_str(), c[j].text.as_str());
    let mut verdicts = std::collections::HashMap::new();
    if matches!(
        expect,
        golden::TextExpect::Judge(_) | golden::TextExpect::Embedding(_)
    ) {
        let mut unique: Vec<(&str, &str)> = need.iter().map(texts).collect();
        unique.sort_unstable();
        unique.dedup();
        let answers = join_all(
            unique
                .iter()
                .map(|(x, y)| meaning::agree(p, &prompt.id, mode, expect, x, y)),
        )
        .await;
        for (pair, a) in unique.iter().zip(answers) {
            match a {
                Ok((same, _)) => verdicts.insert(*pair, same),
                Err(e) => {
                    let detail = format!("[{}] {e}", expect.describe());
                    let null = json!(null);
                    return compare::check(
                        "choices",
                        CheckStatus::Error,
                        null.clone(),
                        null,
                        detail,
                    );
                }
            };
        }
    } else {
        for pair in need.iter().map(texts) {
            let st = compare::text(expect, pair.0, pair.1).status;
            verdicts.insert(pair, !matches!(st, CheckStatus::Fail | CheckStatus::Error));
        }
    }
    let agree = |i: usize, j: usize| verdicts.get(&texts(&(i, j))).copied().unwrap_or(false);
    choices::check_choices(prompt.choices, ordered, b, c, agree, &expect.describe())
}

/// Name what differs between a recorded request body and today's.
fn body_difference(
    recorded: Option<&serde_json::Value>,
    now: Option<&serde_json::Value>,
) -> String {
    let (Some(serde_json::Value::Object(a)), Some(serde_json::Value::Object(b))) = (recorded, now)
    else {
        return "the recorded request differs from what would be sent now".into();
    };
    let mut keys: Vec<&String> = a.keys().chain(b.keys()).collect();
    keys.sort();
    keys.dedup();
    let diff: Vec<String> = keys
        .into_iter()
        .filter(|k| a.get(*k) != b.get(*k))
        .map(|k| {
            let show = |v: Option<&serde_json::Value>| {
                v.map_or("absent".to_owned(), |v| {
                    let t = v.to_string();
                    if t.chars().count() > 60 {
                        format!("{}…", t.chars().take(60).collect::<String>())
                    } else {
                        t
                    }
                })
            };
            format!("{k} was {} and is now {}", show(a.get(k)), show(b.get(k)))
        })
        .collect();
    format!("request differs from the recording: {}", diff.join(", "))
}

/// How many requests a run would make (`--plan`, `--max-requests`).
#[derive(Debug, Clone, Default, PartialEq, Serialize)]
pub struct RequestPlan {
    pub prompts: usize,
    /// Prompt × mode results.
    pub results: usize,
    /// Chat requests per side (results × samples).
    pub per_side: usize,
    /// At most: identical answer pairs are judged once.
    pub judge: usize,
    pub embeddings: usize,
    pub models: usize,
    pub negative: usize,
}

impl RequestPlan {
    pub fn total(&self) -> usize {
        2 * self.per_side + self.judge + self.embeddings + self.models + self.negative
    }

    pub fn human(&self) -> String {
        format!(
            "plan: {} prompts, {} results (prompt x mode)\n  chat requests    {} ({} per side)\n  judge calls      <= {}\n  embedding calls  <= {}\n  /models          {}\n  negative cases   {}\n  total            <= {}\n",
            self.prompts,
            self.results,
            2 * self.per_side,
            self.per_side,
            self.judge,
            self.embeddings,
            self.models,
            self.negative,
            self.total()
        )
    }
}

pub fn plan(p: &Prepared, opts: &ParityOptions) -> RequestPlan {
    let mut plan = RequestPlan {
        prompts: p.prompts.len(),
        models: usize::from(opts.check_models),
        negative: if opts.negative { 6 } else { 0 },
        ..RequestPlan::default()
    };
    for pr in &p.prompts {
        let modes = pr.modes.len();
        let n = pr.samples.max(1);
        plan.results += modes;
        plan.per_side += modes * n;
        // One pair, or every baseline pair plus every baseline × candidate pair.
        let pairs = if n == 1 { 1 } else { n * (n - 1) / 2 + n * n };
        // `n > 1`: each choice in order, or every pairing as a set.
        let k = pr.choices;
        let choice_pairs = match k {
            1 => 0,
            _ if choices::ordered(pr) => k,
            _ => k * k,
        };
        match pr.expect.text {
            golden::TextExpect::Judge(_) => plan.judge += modes * (pairs + choice_pairs),
            golden::TextExpect::Embedding(_) => plan.embeddings += modes * (pairs + choice_pairs),
            _ => {}
        }
    }
    plan
}

/// Run everything the options ask for and build the report.
pub async fn run(p: &Prepared, rules: &Rules, opts: &ParityOptions) -> Report {
    let jobs: Vec<(&Prompt, Mode)> = p
        .prompts
        .iter()
        .flat_map(|pr| pr.modes.iter().map(move |m| (pr, *m)))
        .collect();
    let bar = if opts.progress {
        let b = indicatif::ProgressBar::new(jobs.len() as u64);
        b.set_style(
            indicatif::ProgressStyle::with_template(
                "{spinner} parity {pos}/{len} {wide_bar} {elapsed}",
            )
            .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar()),
        );
        b
    } else {
        indicatif::ProgressBar::hidden()
    };
    let started = std::time::Instant::now();
    // Concurrency is bounded by the clients' shared semaphore; creating all
    // futures up front is cheap.
    let results = join_all(jobs.iter().map(|(pr, m)| {
        let bar = bar.clone();
        async move {
            let r = run_one(p, rules, pr, *m).await;
            bar.inc(1);
            r
        }
    }))
    .await;
    bar.finish_and_clear();
    let wall_ms = client::ms(started.elapsed());
    let models = if opts.check_models {
        Some(models::check(p, rules, opts.scan.as_deref()).await)
    } else {
        None
    };
    let negative = if opts.negative {
        Some(negative::run(p, rules).await)
    } else {
        None
    };
    report::build(p, opts, results, models, negative, wall_ms)
}
