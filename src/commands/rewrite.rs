//! `rewrite`: scan, plan the edits, then print a patch, check, or write.

use std::process::ExitCode;

use crate::cli::{RewriteArgs, RewriteFormat};
use crate::redact::Redactor;
use crate::rewrite::report::{render, RewriteMode};
use crate::rewrite::{apply, RewriteOptions};
use crate::scan::ScanError;
use crate::style::ColorChoice;

pub fn run(
    args: RewriteArgs,
    rules_dir: Option<&std::path::Path>,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    // Same config, tables and walk as `scan` (llmgw-migrate.toml, flags win).
    let setup = super::scan::Setup::new(&args.walk, args.to.as_deref(), &[], rules_dir)?;
    let rules = &setup.rules;
    let format = args.format.unwrap_or(RewriteFormat::Diff);
    let mode = mode(&args);
    let ci_format = matches!(
        format,
        RewriteFormat::Sarif | RewriteFormat::Github | RewriteFormat::Junit
    );
    if ci_format && mode != RewriteMode::Check {
        anyhow::bail!("--format sarif, github and junit go with --check (or use `scan`)");
    }
    let mut report = crate::scan::scan(rules, setup.target(), &setup.opts);
    // A line marked `llmgw-migrate: ignore` is not rewritten either.
    crate::suppress::apply_report(&mut report);
    report.files.retain(|f| !f.findings.is_empty());
    let ci_report = ci_format.then(|| report.clone());
    // The lines manual items point at, for the report (plan keeps only
    // the files it edits).
    let sources: std::collections::HashMap<String, crate::source::SourceText> = report
        .files
        .iter()
        .map(|f| (f.path.clone(), f.source.clone()))
        .collect();
    let keys = crate::report::human::Keys::new(rules);
    let code = |m: &crate::rewrite::plan::ManualItem| {
        let src = sources.get(&m.path)?;
        crate::report::human::code_at(src, m.line, m.column, &m.what, &keys)
    };
    // Every provider's keys, whatever `--from` is.
    let redactor = Redactor::for_rules(rules);
    let mut plan = plan(&args, &setup, report, &redactor);
    let repository = repository(&args, format, &setup);
    if let Some(name) = args.branch.as_deref() {
        return super::branch::run(&args, &setup, &plan, name, &redactor, &repository);
    }
    let written = write(&args, mode, &plan, &redactor)?;
    if let Some(ci) = ci_report {
        return print_ci(ci, &plan, format, &setup, &redactor);
    }
    if mode == RewriteMode::DryRun && format == RewriteFormat::Diff {
        crate::rewrite::report::hold_key_files(&mut plan, &redactor);
    }
    print(
        &plan,
        mode,
        format,
        &written.files,
        &written.failed,
        &written.errors,
        &redactor,
        &code,
        &repository,
        color,
    )?;
    for e in plan.errors.iter().chain(&written.errors) {
        // Already redacted; the messages are ours or our dependencies'.
        eprintln!("llmgw-migrate: error: {}: {}", e.path, e.message);
    }
    Ok(exit_code(&plan, mode, &written))
}

fn mode(args: &RewriteArgs) -> RewriteMode {
    if args.write {
        RewriteMode::Write
    } else if args.check {
        RewriteMode::Check
    } else {
        RewriteMode::DryRun
    }
}

/// The edits and manual items, redacted, with files outside the given
/// paths refused.
fn plan(
    args: &RewriteArgs,
    setup: &super::scan::Setup,
    report: crate::scan::ScanReport,
    redactor: &Redactor,
) -> crate::rewrite::Plan {
    let mut plan = crate::rewrite::plan(
        report,
        &setup.target().table,
        RewriteOptions {
            keep_old_env: args.keep_old_env,
            rename_identifiers: args.rename_identifiers,
            ..RewriteOptions::default()
        },
    );
    crate::rewrite::report::redact(&mut plan, redactor);
    apply::refuse_outside(&mut plan, &setup.opts.paths);
    plan
}

/// Only the JSON document and --branch name the repository.
fn repository(args: &RewriteArgs, format: RewriteFormat, setup: &super::scan::Setup) -> String {
    if format == RewriteFormat::Json || args.branch.is_some() {
        crate::fleet::repository::resolve(
            args.repo_name.as_deref(),
            setup
                .opts
                .paths
                .first()
                .map_or(std::path::Path::new("."), |p| p),
        )
    } else {
        String::new()
    }
}

/// What `--write` did; messages redacted.
#[derive(Default)]
struct Written {
    files: Vec<String>,
    failed: Vec<(String, String)>,
    /// `failed` again, as the errors the report lists.
    errors: Vec<ScanError>,
}

fn write(
    args: &RewriteArgs,
    mode: RewriteMode,
    plan: &crate::rewrite::Plan,
    redactor: &Redactor,
) -> anyhow::Result<Written> {
    let mut out = Written::default();
    if mode == RewriteMode::Write && plan.pending().next().is_some() {
        if !args.allow_dirty {
            apply::guard_dirty(plan)?;
        }
        let w = apply::write_plan(plan);
        out.files = w.written;
        out.failed = w.failed;
    }
    for (p, m) in &mut out.failed {
        redactor.fix(p);
        redactor.fix(m);
    }
    out.errors = out
        .failed
        .iter()
        .map(|(p, m)| ScanError {
            path: p.clone(),
            message: m.clone(),
        })
        .collect();
    Ok(out)
}

/// `--check` in a CI format: the automatic findings still pending.
fn print_ci(
    mut ci: crate::scan::ScanReport,
    plan: &crate::rewrite::Plan,
    format: RewriteFormat,
    setup: &super::scan::Setup,
    redactor: &Redactor,
) -> anyhow::Result<ExitCode> {
    let pending: Vec<&str> = plan
        .files
        .iter()
        .filter(|f| !f.edits.is_empty())
        .map(|f| f.path.as_str())
        .chain(
            plan.manual
                .iter()
                .filter(|m| m.unapplied_auto)
                .map(|m| m.path.as_str()),
        )
        .collect();
    for f in &mut ci.files {
        let keep = pending.contains(&f.path.as_str());
        f.findings
            .retain(|x| keep && x.fix == crate::finding::Fix::Auto);
    }
    ci.files.retain(|f| !f.findings.is_empty());
    let out = crate::report::ScanOutput::new(&ci);
    let text = match format {
        RewriteFormat::Sarif => {
            let rules = &setup.rules;
            let src = rules
                .source(&setup.opts.from)
                .unwrap_or_else(|| rules.source_default());
            crate::report::sarif::render(
                &out,
                setup.target(),
                &src.label(),
                &crate::baseline::fingerprints(&ci),
            )
        }
        RewriteFormat::Github => crate::report::github::render(&out),
        _ => crate::report::junit::render(&out) + "\n",
    };
    super::print(redactor.text(&text).as_bytes())?;
    if !plan.errors.is_empty() {
        return Ok(ExitCode::from(2));
    }
    Ok(ExitCode::from(u8::from(plan.auto_pending())))
}

/// Like scan: a run that could not read everything it was given (a missing
/// path, an unreadable file), or a failed write, is an error, after the
/// rest has been printed (and written).
fn exit_code(plan: &crate::rewrite::Plan, mode: RewriteMode, written: &Written) -> ExitCode {
    let refused = plan.refused().count() > 0;
    let code = if !plan.errors.is_empty() || !written.failed.is_empty() {
        2
    } else {
        match mode {
            RewriteMode::Check => u8::from(plan.auto_pending()),
            RewriteMode::DryRun => {
                u8::from(plan.edit_count() > 0 || !plan.manual.is_empty() || refused)
            }
            RewriteMode::Write | RewriteMode::Branch => {
                u8::from(!plan.manual.is_empty() || refused)
            }
        }
    };
    ExitCode::from(code)
}

#[allow(clippy::too_many_arguments)]
fn print(
    plan: &crate::rewrite::Plan,
    mode: RewriteMode,
    format: RewriteFormat,
    written: &[String],
    failed: &[(String, String)],
    write_errors: &[ScanError],
    redactor: &Redactor,
    code: &dyn Fn(&crate::rewrite::plan::ManualItem) -> Option<String>,
    repository: &str,
    color: ColorChoice,
) -> std::io::Result<()> {
    let out = render(
        plan,
        mode,
        format,
        written,
        failed,
        write_errors,
        redactor,
        code,
        repository,
        color,
    )?;
    super::print(&out)
}
