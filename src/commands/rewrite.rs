//! `rewrite`: scan, plan the edits, then print a patch, check, or write.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{RewriteArgs, RewriteFormat};
use crate::redact::Redactor;
use crate::rewrite::report::{render, Mode};
use crate::rewrite::{apply, Options};
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
    let target = setup.target();
    let format = args.format.unwrap_or(RewriteFormat::Diff);
    let mode = if args.write {
        Mode::Write
    } else if args.check {
        Mode::Check
    } else {
        Mode::DryRun
    };
    let ci_format = matches!(
        format,
        RewriteFormat::Sarif | RewriteFormat::Github | RewriteFormat::Junit
    );
    if ci_format && mode != Mode::Check {
        anyhow::bail!("--format sarif, github and junit go with --check (or use `scan`)");
    }
    let mut report = crate::scan::scan(rules, target, &setup.opts);
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
    let mut plan = crate::rewrite::plan(
        report,
        &target.table,
        Options {
            keep_old_env: args.keep_old_env,
            rename_identifiers: args.rename_identifiers,
            ..Options::default()
        },
    );

    // Every provider's keys, whatever `--from` is.
    let src = rules
        .source(&setup.opts.from)
        .unwrap_or_else(|| rules.source_default());
    let redactor = Redactor::for_rules(rules);
    crate::rewrite::report::redact(&mut plan, &redactor);
    apply::refuse_outside(&mut plan, &setup.opts.paths);

    // Only the JSON document and --branch name the repository.
    let repository = if format == RewriteFormat::Json || args.branch.is_some() {
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
    };
    if let Some(name) = args.branch.as_deref() {
        return super::branch::run(&args, &setup, &plan, name, &redactor, &repository);
    }

    let mut written = Vec::new();
    let mut failed: Vec<(String, String)> = Vec::new();
    if mode == Mode::Write && plan.pending().next().is_some() {
        if !args.allow_dirty {
            apply::guard_dirty(&plan)?;
        }
        let w = apply::write_plan(&plan);
        written = w.written;
        failed = w.failed;
    }
    for (p, m) in &mut failed {
        redactor.fix(p);
        redactor.fix(m);
    }
    let write_errors: Vec<ScanError> = failed
        .iter()
        .map(|(p, m)| ScanError {
            path: p.clone(),
            message: m.clone(),
        })
        .collect();

    if let Some(mut ci) = ci_report {
        // The automatic findings still pending, in the CI format asked for.
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
            RewriteFormat::Sarif => crate::report::sarif::render(
                &out,
                target,
                &src.label(),
                &crate::baseline::fingerprints(&ci),
            ),
            RewriteFormat::Github => crate::report::github::render(&out),
            _ => crate::report::junit::render(&out) + "\n",
        };
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = stdout
            .write_all(redactor.text(&text).as_bytes())
            .and_then(|_| stdout.flush())
        {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(e.into());
            }
        }
        if !plan.errors.is_empty() {
            return Ok(ExitCode::from(2));
        }
        return Ok(ExitCode::from(u8::from(plan.auto_pending())));
    }
    if mode == Mode::DryRun && format == RewriteFormat::Diff {
        crate::rewrite::report::hold_key_files(&mut plan, &redactor);
    }
    let printed = print(
        &plan,
        mode,
        format,
        &written,
        &failed,
        &write_errors,
        &redactor,
        &code,
        &repository,
        color,
    );
    if let Err(e) = printed {
        // A closed pipe (`| head`) is the reader's choice, not an error.
        if e.kind() != std::io::ErrorKind::BrokenPipe {
            return Err(e.into());
        }
    }
    for e in plan.errors.iter().chain(&write_errors) {
        // Already redacted; the messages are ours or our dependencies'.
        eprintln!("llmgw-migrate: error: {}: {}", e.path, e.message);
    }
    let refused = plan.refused().count() > 0;
    // Like scan: unreadable files are reported; only a run that could
    // read nothing, or a failed write, is an error.
    // Like scan: a run that could not read everything it was given (a
    // missing path, an unreadable file), or a failed write, is an error,
    // after the rest has been printed (and written).
    let code = if !plan.errors.is_empty() || !failed.is_empty() {
        2
    } else {
        match mode {
            Mode::Check => u8::from(plan.auto_pending()),
            Mode::DryRun => u8::from(plan.edit_count() > 0 || !plan.manual.is_empty() || refused),
            Mode::Write | Mode::Branch => u8::from(!plan.manual.is_empty() || refused),
        }
    };
    Ok(ExitCode::from(code))
}

#[allow(clippy::too_many_arguments)]
fn print(
    plan: &crate::rewrite::Plan,
    mode: Mode,
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
    let mut stdout = std::io::stdout().lock();
    stdout.write_all(&out)?;
    stdout.flush()
}
