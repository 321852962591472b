//! `scan`: walk, detect, report.

use std::collections::BTreeMap;
use std::io::Write;
use std::process::ExitCode;

use crate::cli::{ScanArgs, ScanFormat, WalkArgs};
use crate::finding::{Fix, Kind};
use crate::report::ScanOutput;
use crate::scan::{self, ScanOptions, ScanReport};
use crate::style::{bold, fg, ColorChoice};

pub const DEFAULT_TARGET: &str = "llmgateway";

pub fn run(
    args: ScanArgs,
    rules_dir: Option<&std::path::Path>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    let rules = super::load_rules(rules_dir)?;
    let target_name = args.to.clone().unwrap_or_else(|| DEFAULT_TARGET.to_owned());
    let target = rules.require_target(&target_name)?;
    let opts = scan_options(&args.walk, &args.kinds)?;
    let report = scan::scan(&rules, target, &opts);
    let format = args.format.unwrap_or(ScanFormat::Human);
    let out = ScanOutput::new(&report);
    let mut stdout = std::io::stdout().lock();
    match format {
        ScanFormat::Json => writeln!(stdout, "{}", serde_json::to_string_pretty(&out)?)?,
        ScanFormat::Human => human(&mut stdout, &report, color)?,
        ScanFormat::Sarif | ScanFormat::Github | ScanFormat::Junit => {
            anyhow::bail!("this output format is not built yet")
        }
    }
    Ok(exit_code(&report))
}

/// Walk options from the command line.
pub fn scan_options(walk: &WalkArgs, kinds: &[String]) -> anyhow::Result<ScanOptions> {
    if walk.from != "openrouter" {
        anyhow::bail!(
            "unknown source '{}': only 'openrouter' is built in",
            walk.from
        );
    }
    let mut opts = ScanOptions::default();
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
