//! `scan`: walk, detect, report.

use std::collections::BTreeMap;
use std::io::{IsTerminal, Write};
use std::process::ExitCode;

use crate::cli::{FailOn, ScanArgs, ScanFormat, WalkArgs};
use crate::config::Config;
use crate::finding::{Fix, Kind};
use crate::report::{self, ScanOutput};
use crate::scan::{self, ScanOptions, ScanReport};
use crate::style::ColorChoice;
use crate::{baseline, suppress};

pub fn run(
    args: ScanArgs,
    rules_dir: Option<&std::path::Path>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    let mut setup = Setup::new(&args.walk, args.to.as_deref(), &args.kinds, rules_dir)?;
    let progress = (!args.quiet && std::io::stderr().is_terminal())
        .then(|| std::sync::Arc::new(scan::Progress::default()));
    setup.opts.progress = progress.clone();
    let (rules, opts) = (&setup.rules, &setup.opts);
    let target = setup.target();
    let line = progress.map(report::progress::start);
    let mut report = scan::scan(rules, target, opts);
    drop(line);
    let (suppressed, baselined) = filter(&mut report, &args)?;
    if let Some(p) = &args.write_baseline {
        return Ok(baseline_written(&report, p)?);
    }
    let format = args.format.unwrap_or(ScanFormat::Human);
    if matches!(
        format,
        ScanFormat::Sarif | ScanFormat::Github | ScanFormat::Junit
    ) {
        workspace_paths(&mut report);
    }
    let history = history(&args, format, &setup)?;
    let mut out = ScanOutput::new(&report);
    out.summary.suppressed = suppressed;
    out.summary.baselined = baselined;
    // Rendered into a buffer that is redacted as a whole before printing.
    let redactor = crate::redact::Redactor::for_rules(rules);
    let text = render(
        &args,
        format,
        &setup,
        &report,
        &out,
        history.as_ref(),
        color,
    )?;
    super::print(&redactor.bytes(&text))?;
    if format == ScanFormat::Human {
        for e in &report.errors {
            eprintln!(
                "llmgw-migrate: {}: {}",
                redactor.text(&e.path),
                redactor.text(&e.message)
            );
        }
    }
    let md = report::step_summary::markdown(&out);
    if let Err(e) = report::step_summary::append_if_set(&redactor.text(&md)) {
        eprintln!("llmgw-migrate: warning: {e}");
    }
    let code = gate(&setup.config, &args, &report, history.as_ref());
    // The process ends after this: freeing every finding, file text and
    // the rendered output piece by piece took a tenth of a scan's wall
    // time on a tree full of matches, all of it on one thread.
    std::mem::forget(text);
    std::mem::forget(report);
    Ok(code)
}

/// `--write-baseline` is not a gate: one line, not every finding.
fn baseline_written(report: &ScanReport, p: &std::path::Path) -> std::io::Result<ExitCode> {
    for e in &report.errors {
        eprintln!("llmgw-migrate: {}: {}", e.path, e.message);
    }
    let line = format!(
        "wrote {} finding(s) to baseline {}\n",
        report.findings().count(),
        p.display()
    );
    super::print(line.as_bytes())?;
    let incomplete = !report.errors.is_empty();
    Ok(ExitCode::from(if incomplete { 2 } else { 0 }))
}

/// `--history`: keys anywhere in the repository's history.
fn history(
    args: &ScanArgs,
    format: ScanFormat,
    setup: &Setup,
) -> anyhow::Result<Option<scan::history::HistoryReport>> {
    if !args.history {
        return Ok(None);
    }
    if !matches!(format, ScanFormat::Human | ScanFormat::Json) {
        anyhow::bail!("--history goes with --format human or json");
    }
    let opts = &setup.opts;
    Ok(Some(scan::history::scan_history(
        &setup.rules,
        &history_dir(opts),
        opts.max_filesize,
    )?))
}

/// The report in the format asked for (not yet redacted).
fn render(
    args: &ScanArgs,
    format: ScanFormat,
    setup: &Setup,
    report: &ScanReport,
    out: &ScanOutput,
    history: Option<&scan::history::HistoryReport>,
    color: ColorChoice,
) -> anyhow::Result<Vec<u8>> {
    let (rules, opts) = (&setup.rules, &setup.opts);
    let mut stdout: Vec<u8> = Vec::new();
    match format {
        ScanFormat::Json => {
            // Everything but the findings as a value (small); the findings
            // are printed straight into its `findings` array.
            let head = ScanOutput {
                findings: Vec::new(),
                ..out.clone()
            };
            let mut v = serde_json::to_value(&head)?;
            if let Some(h) = history {
                // Additive: `history` after `summary`, still schema 1.
                v["history"] = serde_json::to_value(h)?;
            }
            let repo = crate::fleet::repository::resolve(
                args.repo_name.as_deref(),
                opts.paths.first().map_or(std::path::Path::new("."), |p| p),
            );
            let v = crate::fleet::repository::tag(v, &repo);
            stdout = report::pretty_json_with_findings(&v, &out.findings)?;
            stdout.push(b'\n');
        }
        ScanFormat::Human if args.quiet => {}
        ScanFormat::Human if args.files_with_findings || args.count => {
            for file in &report.files {
                if args.count {
                    writeln!(stdout, "{}:{}", file.path, file.findings.len())?;
                } else {
                    writeln!(stdout, "{}", file.path)?;
                }
            }
        }
        ScanFormat::Human => {
            human(&mut stdout, report, rules, color)?;
            if let Some(h) = history {
                stdout.extend_from_slice(scan::history::human(h).as_bytes());
            }
            let (suppressed, baselined) = (out.summary.suppressed, out.summary.baselined);
            let mut hidden = Vec::new();
            if suppressed > 0 {
                hidden.push(format!(
                    "{suppressed} suppressed by llmgw-migrate: ignore comments"
                ));
            }
            if baselined > 0 {
                hidden.push(format!("{baselined} already in the baseline"));
            }
            if !hidden.is_empty() {
                writeln!(stdout, "not shown: {}", hidden.join(", "))?;
            }
        }
        ScanFormat::Sarif => write!(
            stdout,
            "{}",
            report::sarif::render(
                out,
                setup.target(),
                &rules
                    .source(&opts.from)
                    .unwrap_or_else(|| rules.source_default())
                    .label(),
                &baseline::fingerprints(report)
            )
        )?,
        ScanFormat::Github => write!(stdout, "{}", report::github::render(out))?,
        ScanFormat::Junit => writeln!(stdout, "{}", report::junit::render(out))?,
    }
    Ok(stdout)
}

/// The exit status: the config's or the flags' `fail_on` decides; keys in
/// the history are secrets, so manual items.
fn gate(
    config: &Config,
    args: &ScanArgs,
    report: &ScanReport,
    history: Option<&scan::history::HistoryReport>,
) -> ExitCode {
    let fail_on: Vec<Fix> = config.effective_fail_on(
        &args
            .fail_on
            .iter()
            .map(|f| match f {
                FailOn::Auto => Fix::Auto,
                FailOn::Manual => Fix::Manual,
                FailOn::None => Fix::None,
            })
            .collect::<Vec<_>>(),
    );
    let code = exit_code(report, &fail_on);
    if code == ExitCode::SUCCESS
        && fail_on.contains(&Fix::Manual)
        && history.is_some_and(|h| !h.findings.is_empty())
    {
        return ExitCode::from(super::FOUND);
    }
    code
}

/// The repository `--history` reads: the one holding the first path.
fn history_dir(opts: &ScanOptions) -> std::path::PathBuf {
    let p = opts.paths.first().cloned().unwrap_or_else(|| ".".into());
    if p.is_file() {
        p.parent()
            .filter(|d| !d.as_os_str().is_empty())
            .map_or_else(|| ".".into(), |d| d.to_path_buf())
    } else {
        p
    }
}

/// What a scan runs with once flags and `llmgw-migrate.toml` are merged
/// (flags win). `rewrite` uses it too, so both read the same config.
pub struct Setup {
    pub config: Config,
    pub rules: crate::rules::Rules,
    pub target_name: String,
    pub opts: ScanOptions,
}

impl Setup {
    pub fn new(
        walk: &WalkArgs,
        to: Option<&str>,
        kinds: &[String],
        rules_dir: Option<&std::path::Path>,
    ) -> anyhow::Result<Setup> {
        let start = walk.paths.first().cloned().unwrap_or_else(|| ".".into());
        let config = Config::resolve(walk.config.as_deref(), &start)?.unwrap_or_default();
        let rules = super::load_rules(config.effective_rules(rules_dir).as_deref())?;
        if to.is_none() {
            config.check_target(&rules)?;
        }
        let target_name = config
            .effective_target(to)
            .unwrap_or_else(|| crate::rules::DEFAULT_TARGET.to_owned());
        rules.require_target(&target_name)?;
        let mut opts = scan_options(walk, kinds)?;
        let source = rules.require_source(&opts.from)?;
        let target = rules.require_target(&target_name)?;
        if source.table.id == target.table.id {
            anyhow::bail!(
                "--from {} and the target {} are the same gateway: name where to move with --to (known targets: {})",
                opts.from,
                target_name,
                rules.targets.iter().map(|t| t.table.id.as_str()).collect::<Vec<_>>().join(", ")
            );
        }
        if let Some(m) = config.effective_max_filesize(walk.max_filesize) {
            // 0 means no limit, on the command line and in the file alike.
            opts.max_filesize = if m == 0 { u64::MAX } else { m };
        }
        if kinds.is_empty() {
            opts.kinds = config.kinds.clone().unwrap_or_default();
        }
        opts.include.extend(config.include.iter().cloned());
        opts.exclude.extend(config.exclude.iter().cloned());
        let config_file = (!config.file.as_os_str().is_empty()).then_some(config.file.as_path());
        opts.context = crate::scan::context_root(&opts.paths, config_file);
        Ok(Setup {
            config,
            rules,
            target_name,
            opts,
        })
    }

    pub fn target(&self) -> &crate::rules::Loaded<crate::rules::TargetTable> {
        self.rules
            .target(&self.target_name)
            .expect("checked in Setup::new")
    }
}

/// Inline suppressions, then `--write-baseline`, then `--baseline`; returns
/// (suppressed, baselined).
fn filter(report: &mut ScanReport, args: &ScanArgs) -> anyhow::Result<(usize, usize)> {
    // The baseline file quotes every finding: never report it.
    let own: Vec<std::path::PathBuf> = [&args.baseline, &args.write_baseline]
        .into_iter()
        .flatten()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .collect();
    if !own.is_empty() {
        report
            .files
            .retain(|f| std::fs::canonicalize(&f.abs).map_or(true, |abs| !own.contains(&abs)));
    }
    let suppressed = suppress::apply_report(report);
    if let Some(p) = &args.write_baseline {
        baseline::write(p, report)?;
    }
    let baselined = match &args.baseline {
        Some(p) => baseline::load(p)?.filter_report(report),
        None => 0,
    };
    report.files.retain(|f| !f.findings.is_empty());
    Ok((suppressed, baselined))
}

/// CI formats name files relative to the working directory (the checkout),
/// which is what annotations and code scanning resolve against, even when
/// the scanned path is a subdirectory or a single file.
fn workspace_paths(report: &mut ScanReport) {
    for file in &mut report.files {
        let Some(rel) = baseline::workspace_path(&file.abs) else {
            continue;
        };
        if rel == file.path {
            continue;
        }
        file.path = rel.clone();
        for f in &mut file.findings {
            f.path = rel.clone();
        }
    }
}

/// Walk options from the command line.
pub fn scan_options(walk: &WalkArgs, kinds: &[String]) -> anyhow::Result<ScanOptions> {
    let mut opts = ScanOptions {
        from: walk.from.to_ascii_lowercase(),
        ..ScanOptions::default()
    };
    if !walk.paths.is_empty() {
        opts.paths = walk.paths.clone();
    }
    if let Some(m) = walk.max_filesize {
        opts.max_filesize = m;
    }
    opts.follow = walk.follow;
    opts.no_ignore = walk.no_ignore;
    for k in kinds {
        let kind = Kind::parse(k.trim()).ok_or_else(|| {
            let all: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
            anyhow::anyhow!("unknown kind '{k}'; kinds are: {}", all.join(", "))
        })?;
        opts.kinds.push(kind);
    }
    Ok(opts)
}

/// 2 when the scan is incomplete (a missing path, an unreadable file, a
/// walk error), even with findings (they are printed first, as ripgrep
/// does); else 1 when a finding's fix class is in `fail_on`; else 0.
pub fn exit_code(report: &ScanReport, fail_on: &[Fix]) -> ExitCode {
    if !report.errors.is_empty() {
        ExitCode::from(2)
    } else if report.findings().any(|f| fail_on.contains(&f.fix)) {
        ExitCode::from(super::FOUND)
    } else {
        ExitCode::SUCCESS
    }
}

fn human(
    w: &mut impl Write,
    report: &ScanReport,
    rules: &crate::rules::Rules,
    color: ColorChoice,
) -> std::io::Result<()> {
    let keys = report::human::Keys::new(rules);
    let renderer = report::human::renderer(color.0);
    for file in &report.files {
        w.write_all(report::human::file_reports(file, &keys, &renderer).as_bytes())?;
    }
    let mut by_fix: BTreeMap<&str, usize> = BTreeMap::new();
    let mut total = 0;
    for f in report.findings() {
        total += 1;
        *by_fix
            .entry(match f.fix {
                Fix::Auto => "auto",
                Fix::Manual => "manual",
                Fix::None => "none",
            })
            .or_default() += 1;
    }
    let parts: Vec<String> = by_fix.iter().map(|(k, v)| format!("{v} {k}")).collect();
    writeln!(
        w,
        "{} finding{} ({}) in {} file{}; {} files scanned, {} skipped, {} error{}; table {}",
        total,
        if total == 1 { "" } else { "s" },
        if parts.is_empty() {
            "none".to_owned()
        } else {
            parts.join(", ")
        },
        report.files.len(),
        if report.files.len() == 1 { "" } else { "s" },
        report.files_scanned,
        report.files_skipped,
        report.errors.len(),
        if report.errors.len() == 1 { "" } else { "s" },
        report.table
    )
}
