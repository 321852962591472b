//! `scan`: walk, detect, report.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use crate::cli::{ScanArgs, ScanFormat, WalkArgs};
use crate::config::Config;
use crate::finding::{Fix, Kind};
use crate::report::{self, ScanOutput};
use crate::scan::{self, ScanOptions, ScanReport};
use crate::style::{bold, fg, ColorChoice};
use crate::{baseline, suppress};

pub const DEFAULT_TARGET: &str = "llmgateway";

pub fn run(
    args: ScanArgs,
    rules_dir: Option<&std::path::Path>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    let setup = Setup::new(&args.walk, args.to.as_deref(), &args.kinds, rules_dir)?;
    let (rules, opts) = (&setup.rules, &setup.opts);
    let target = setup.target();
    let mut report = scan::scan(rules, target, opts);
    let (suppressed, baselined) = filter(&mut report, &args)?;
    let format = args.format.unwrap_or(ScanFormat::Human);
    if matches!(
        format,
        ScanFormat::Sarif | ScanFormat::Github | ScanFormat::Junit
    ) {
        workspace_paths(&mut report);
    }
    let mut out = ScanOutput::new(&report);
    out.summary.suppressed = suppressed;
    out.summary.baselined = baselined;
    let mut stdout = std::io::stdout().lock();
    match format {
        ScanFormat::Json => {
            let repo = crate::fleet::repository::resolve(
                args.repo_name.as_deref(),
                opts.paths.first().map_or(std::path::Path::new("."), |p| p),
            );
            let doc = crate::fleet::repository::tag(serde_json::to_value(&out)?, &repo);
            writeln!(stdout, "{}", serde_json::to_string_pretty(&doc)?)?
        }
        ScanFormat::Human => {
            human(&mut stdout, &report, color)?;
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
                &out,
                target,
                &rules
                    .source(&opts.from)
                    .unwrap_or_else(|| rules.source_default())
                    .label()
            )
        )?,
        ScanFormat::Github => write!(stdout, "{}", report::github::render(&out))?,
        ScanFormat::Junit => writeln!(stdout, "{}", report::junit::render(&out))?,
    }
    stdout.flush()?;
    if let Err(e) = report::step_summary::append_if_set(&report::step_summary::markdown(&out)) {
        eprintln!("llmgw-migrate: warning: {e}");
    }
    Ok(exit_code(&report))
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
            .unwrap_or_else(|| DEFAULT_TARGET.to_owned());
        rules.require_target(&target_name)?;
        let mut opts = scan_options(walk, kinds)?;
        rules.require_source(&opts.from)?;
        if let Some(m) = config.effective_max_filesize(walk.max_filesize) {
            opts.max_filesize = m;
        }
        if kinds.is_empty() {
            opts.kinds = config.kinds.clone().unwrap_or_default();
        }
        opts.include.extend(config.include.iter().cloned());
        opts.exclude.extend(config.exclude.iter().cloned());
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
        eprintln!(
            "llmgw-migrate: wrote {} finding(s) to baseline {}",
            report.findings().count(),
            p.display()
        );
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

pub fn exit_code(report: &ScanReport) -> ExitCode {
    if report.findings().next().is_some() {
        ExitCode::from(super::FOUND)
    } else if !report.errors.is_empty() && report.files_scanned == 0 {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    }
}

fn human(w: &mut impl Write, report: &ScanReport, color: ColorChoice) -> std::io::Result<()> {
    use anstyle::AnsiColor::*;
    for file in &report.files {
        writeln!(w, "{}", color.paint(bold(), &file.path))?;
        for f in &file.findings {
            let fix = match f.fix {
                Fix::Auto => color.paint(fg(Green), "auto"),
                Fix::Manual => color.paint(fg(Yellow), "manual"),
                Fix::None => color.paint(fg(Blue), "none"),
            };
            let arrow = match &f.replacement {
                Some(r) if *r != f.matched => format!(" -> {r}"),
                _ => String::new(),
            };
            writeln!(
                w,
                "  {}:{}:{}  {}  {}{arrow}  [{fix}]",
                file.path,
                f.line,
                f.column,
                color.paint(fg(Cyan), f.kind.as_str()),
                f.matched
            )?;
            writeln!(w, "      {}", f.message)?;
        }
    }
    for e in &report.errors {
        eprintln!("llmgw-migrate: {}: {}", e.path, e.message);
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
