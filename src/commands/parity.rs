//! `parity`: run the golden set against both gateways and report.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{ParityArgs, ParityFormat};
use crate::parity::{self, report, Options};
use crate::style::ColorChoice;

pub fn run(
    args: ParityArgs,
    rules_dir: Option<&Path>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    // Response bodies are up to max_response_bytes each. glibc raises its
    // mmap threshold after freeing such a block and then serves the next ones
    // from arenas it rarely returns, so peak memory would creep up with every
    // large response; a fixed threshold keeps them mmapped and freed at once.
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // thread of this command is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
    let rules = super::load_rules(rules_dir)?;
    if args.scan.is_some() && !args.check_models {
        anyhow::bail!("--scan PATH needs --check-models");
    }
    let shard = args.shard.as_deref().map(parity::parse_shard).transpose()?;
    // Flags win over `[parity]` in llmgw-migrate.toml (found from the
    // working directory, as for scan).
    let defaults = crate::config::Config::resolve(None, Path::new("."))?
        .map(|c| c.parity)
        .unwrap_or_default();
    let format = match (args.format, defaults.format.as_deref()) {
        (Some(f), _) => f,
        (None, Some(s)) => <ParityFormat as clap::ValueEnum>::from_str(s, true)
            .map_err(|_| anyhow::anyhow!("llmgw-migrate.toml: [parity] format '{s}' is not one of human, json, junit, markdown"))?,
        (None, None) => ParityFormat::Human,
    };
    let golden = args.golden.or(defaults.golden).ok_or_else(|| {
        anyhow::anyhow!("--golden FILE is required (or set [parity] golden in llmgw-migrate.toml)")
    })?;
    let opts = Options {
        golden,
        config: args.config.or(defaults.config),
        record: args.record,
        replay: args.replay,
        shard,
        check_models: args.check_models,
        scan: args.scan,
        negative: args.negative,
        concurrency: args.concurrency.or(defaults.concurrency),
        tags: args.tags,
        samples: args.samples,
        min_pass_rate: match args.min_pass_rate.or(defaults.min_pass_rate) {
            Some(r) if !(0.0..=1.0).contains(&r) => {
                anyhow::bail!("--min-pass-rate must be between 0 and 1 (got {r})")
            }
            r => r,
        },
        progress: std::io::stderr().is_terminal(),
    };
    let prepared = parity::prepare(&opts, &rules)?;
    let plan = parity::plan(&prepared, &opts);
    if args.plan {
        print!("{}", plan.human());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(max) = args.max_requests.or(defaults.max_requests) {
        // Refused before anything is sent: a budget is a promise.
        if plan.total() as u64 > max {
            anyhow::bail!(
                "this run would make up to {} requests, more than --max-requests {max}:\n{}",
                plan.total(),
                plan.human()
            );
        }
    }
    if prepared.prompts.is_empty() {
        if let Some((i, n)) = shard {
            // Small sets leave some CI shards empty: not an error.
            eprintln!(
                "llmgw-migrate: shard {i}/{n} of {} has no prompts",
                prepared.golden_file
            );
        } else {
            anyhow::bail!(
                "no prompts selected from {} (check --tag / --shard)",
                prepared.golden_file
            );
        }
    }
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let rep = rt.block_on(parity::run(&prepared, &rules, &opts));
    let text = render(&rep, format, color)?;
    // Reports quote what gateways said; a key echoed back must not reach
    // stdout or the step summary, whatever the format.
    let text = prepared.transport.redactor().text(&text).into_owned();
    if format == ParityFormat::Markdown {
        if let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) {
            let mut f = std::fs::OpenOptions::new()
                .create(true)
                .append(true)
                .open(&path)
                .map_err(|e| {
                    anyhow::anyhow!("GITHUB_STEP_SUMMARY {}: {e}", Path::new(&path).display())
                })?;
            f.write_all(text.as_bytes())?;
        }
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // `parity ... | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    if !rep.unreachable.is_empty() {
        for u in &rep.unreachable {
            eprintln!(
                "llmgw-migrate: error: gateway unreachable: {}",
                prepared.transport.redactor().text(u)
            );
        }
        return Ok(ExitCode::from(2));
    }
    Ok(if rep.verdict == "pass" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::FOUND)
    })
}

fn render(
    rep: &report::Report,
    format: ParityFormat,
    color: ColorChoice,
) -> anyhow::Result<String> {
    Ok(match format {
        ParityFormat::Human => report::human(rep, color),
        ParityFormat::Json => {
            let mut s = serde_json::to_string_pretty(rep)?;
            s.push('\n');
            s
        }
        ParityFormat::Junit => report::junit(rep),
        ParityFormat::Markdown => report::markdown(rep),
    })
}
