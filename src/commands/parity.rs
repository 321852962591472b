//! `parity`: run the golden set against both gateways and report.

use std::io::{IsTerminal, Write};
use std::path::Path;
use std::process::ExitCode;

use crate::cli::{ParityArgs, ParityFormat};
use crate::config::ParityDefaults;
use crate::parity::{self, report, ParityOptions};
use crate::style::ColorChoice;

pub fn run(
    args: ParityArgs,
    rules_dir: Option<&Path>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    keep_large_bodies_mmapped();
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
    let format = format(args.format, defaults.format.as_deref())?;
    let (plan_only, max_requests, repo_name) = (
        args.plan,
        args.max_requests.or(defaults.max_requests),
        args.repo_name.clone(),
    );
    let opts = options(args, &defaults, shard)?;
    let prepared = parity::prepare(&opts, &rules)?;
    let plan = parity::plan(&prepared, &opts);
    if plan_only {
        print!("{}", plan.human());
        return Ok(ExitCode::SUCCESS);
    }
    if let Some(max) = max_requests {
        // Refused before anything is sent: a budget is a promise.
        if plan.total() as u64 > max {
            anyhow::bail!(
                "this run would make up to {} requests, more than --max-requests {max}:\n{}",
                plan.total(),
                plan.human()
            );
        }
    }
    check_selection(&prepared, opts.shard)?;
    let rt = tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()?;
    let rep = rt.block_on(parity::run(&prepared, &rules, &opts));
    let text = render(&rep, format, repo_name.as_deref(), color)?;
    // Reports quote what gateways said; a key echoed back must not reach
    // stdout or the step summary, whatever the format.
    let text = prepared.transport.redactor().text(&text).into_owned();
    if format == ParityFormat::Markdown {
        append_step_summary(&text)?;
    }
    let mut out = std::io::stdout().lock();
    match out.write_all(text.as_bytes()).and_then(|()| out.flush()) {
        // `parity ... | head` is not an error.
        Err(e) if e.kind() == std::io::ErrorKind::BrokenPipe => {}
        other => other?,
    }
    Ok(exit_code(&rep, &prepared))
}

/// Response bodies are up to max_response_bytes each. glibc raises its mmap
/// threshold after freeing such a block and then serves the next ones from
/// arenas it rarely returns, so peak memory would creep up with every large
/// response; a fixed threshold keeps them mmapped and freed at once.
fn keep_large_bodies_mmapped() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: mallopt only sets an allocator parameter; called before any
    // thread of this command is started.
    unsafe {
        libc::mallopt(libc::M_MMAP_THRESHOLD, 1 << 20);
    }
}

/// `--format`, else `[parity] format`, else human.
fn format(flag: Option<ParityFormat>, file: Option<&str>) -> anyhow::Result<ParityFormat> {
    Ok(match (flag, file) {
        (Some(f), _) => f,
        (None, Some(s)) => <ParityFormat as clap::ValueEnum>::from_str(s, true)
            .map_err(|_| anyhow::anyhow!("llmgw-migrate.toml: [parity] format '{s}' is not one of human, json, junit, markdown, html"))?,
        (None, None) => ParityFormat::Human,
    })
}

/// The run's options: flags first, then `[parity]` defaults.
fn options(
    args: ParityArgs,
    defaults: &ParityDefaults,
    shard: Option<(usize, usize)>,
) -> anyhow::Result<ParityOptions> {
    let golden = args.golden.or(defaults.golden.clone()).ok_or_else(|| {
        anyhow::anyhow!("--golden FILE is required (or set [parity] golden in llmgw-migrate.toml)")
    })?;
    let min_pass_rate = match args.min_pass_rate.or(defaults.min_pass_rate) {
        Some(r) if !(0.0..=1.0).contains(&r) => {
            anyhow::bail!("--min-pass-rate must be between 0 and 1 (got {r})")
        }
        r => r,
    };
    Ok(ParityOptions {
        golden,
        config: args.config.or(defaults.config.clone()),
        record: args.record,
        replay: args.replay,
        shard,
        check_models: args.check_models,
        scan: args.scan,
        negative: args.negative,
        concurrency: args.concurrency.or(defaults.concurrency),
        tags: args.tags,
        samples: args.samples,
        min_pass_rate,
        progress: std::io::stderr().is_terminal(),
    })
}

/// No prompt selected: fine for a shard of a small set (CI splits it
/// blindly), a mistake otherwise.
fn check_selection(
    prepared: &parity::Prepared,
    shard: Option<(usize, usize)>,
) -> anyhow::Result<()> {
    if !prepared.prompts.is_empty() {
        return Ok(());
    }
    match shard {
        Some((i, n)) => {
            eprintln!(
                "llmgw-migrate: warning: shard {i}/{n} of {} has no prompts: nothing will be compared",
                prepared.golden_file
            );
            Ok(())
        }
        None => anyhow::bail!(
            "no prompts selected from {} (check --tag / --shard)",
            prepared.golden_file
        ),
    }
}

fn append_step_summary(text: &str) -> anyhow::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| anyhow::anyhow!("GITHUB_STEP_SUMMARY {}: {e}", Path::new(&path).display()))?;
    f.write_all(text.as_bytes())?;
    Ok(())
}

/// 2 when a gateway could not be reached (after the report), 1 for
/// mismatches, 0 for parity.
fn exit_code(rep: &report::Report, prepared: &parity::Prepared) -> ExitCode {
    if !rep.unreachable.is_empty() {
        for u in &rep.unreachable {
            eprintln!(
                "llmgw-migrate: error: gateway unreachable: {}",
                prepared.transport.redactor().text(u)
            );
        }
        return ExitCode::from(2);
    }
    if rep.verdict == "pass" {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::FOUND)
    }
}

fn render(
    rep: &report::Report,
    format: ParityFormat,
    repo_name: Option<&str>,
    color: ColorChoice,
) -> anyhow::Result<String> {
    Ok(match format {
        ParityFormat::Human => report::human(rep, color),
        ParityFormat::Json => {
            let repo = crate::fleet::repository::resolve(repo_name, Path::new("."));
            let doc = crate::fleet::repository::tag(serde_json::to_value(rep)?, &repo);
            let mut s = serde_json::to_string_pretty(&doc)?;
            s.push('\n');
            s
        }
        ParityFormat::Junit => report::junit(rep),
        ParityFormat::Markdown => report::markdown(rep),
        ParityFormat::Html => parity::html::html(rep),
    })
}
