//! `rewrite`: scan, plan the edits, then print a patch, check, or write.

use std::io::Write;
use std::process::ExitCode;

use crate::cli::{RewriteArgs, RewriteFormat};
use crate::rewrite::report::{json_doc, manual_report, Mode, Redactor};
use crate::rewrite::{apply, diff, Options};
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
    let mut plan = crate::rewrite::plan(
        report,
        &target.table,
        Options {
            keep_old_env: args.keep_old_env,
        },
    );

    // Redact with the keys of the profile in effect (`--from`).
    let src = rules
        .source(&setup.opts.from)
        .unwrap_or_else(|| rules.source_default());
    let redactor = Redactor::new(&src.table.key_pattern, &src.table.key_prefix);
    for e in plan.files.iter_mut().flat_map(|f| f.edits.iter_mut()) {
        e.before = redactor.text(&e.before);
        e.after = redactor.text(&e.after);
    }

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
            RewriteFormat::Sarif => crate::report::sarif::render(&out, target, &src.label()),
            RewriteFormat::Github => crate::report::github::render(&out),
            _ => crate::report::junit::render(&out) + "\n",
        };
        let mut stdout = std::io::stdout().lock();
        if let Err(e) = stdout
            .write_all(text.as_bytes())
            .and_then(|_| stdout.flush())
        {
            if e.kind() != std::io::ErrorKind::BrokenPipe {
                return Err(e.into());
            }
        }
        return Ok(ExitCode::from(u8::from(plan.auto_pending())));
    }
    let printed = print(
        &plan,
        mode,
        format,
        &written,
        &failed,
        &write_errors,
        &redactor,
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
        eprintln!("llmgw-migrate: error: {}: {}", e.path, e.message);
    }
    let refused = plan.refused().count() > 0;
    // Like scan: unreadable files are reported; only a run that could
    // read nothing, or a failed write, is an error.
    let nothing_read = !plan.errors.is_empty() && plan.files.is_empty() && plan.manual.is_empty();
    let code = if nothing_read || !failed.is_empty() {
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
    repository: &str,
    color: ColorChoice,
) -> std::io::Result<()> {
    let mut out = std::io::stdout().lock();
    match format {
        RewriteFormat::Json => {
            let doc = json_doc(plan, mode, written, failed, write_errors);
            let doc = serde_json::to_value(&doc).map_err(std::io::Error::other)?;
            let doc = crate::fleet::repository::tag(doc, repository);
            serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        _ => match mode {
            Mode::DryRun => {
                let (patch, redacted) = redactor.bytes(&diff::patch(plan.pending()));
                out.write_all(&paint_patch(&patch, color))?;
                if redacted {
                    writeln!(out, "# note: lines holding a key are redacted above; those hunks do not apply (use --write)")?;
                }
                out.write_all(manual_report(plan).as_bytes())?;
                writeln!(
                    out,
                    "# {} edit(s) in {} file(s) pending; {} manual item(s); target {}",
                    plan.edit_count(),
                    plan.pending().count(),
                    plan.manual.len(),
                    plan.table
                )?;
            }
            Mode::Check => {
                for f in plan.files.iter().filter(|f| !f.edits.is_empty()) {
                    writeln!(
                        out,
                        "{}: {} automatic edit(s) pending",
                        f.path,
                        f.edits.len()
                    )?;
                }
                out.write_all(manual_report(plan).as_bytes())?;
                writeln!(
                    out,
                    "# {} automatic edit(s) pending in {} file(s); {} automatic finding(s) with no safe edit; {} manual item(s)",
                    plan.files.iter().map(|f| f.edits.len()).sum::<usize>(),
                    plan.files.iter().filter(|f| !f.edits.is_empty()).count(),
                    plan.manual.iter().filter(|m| m.unapplied_auto).count(),
                    plan.manual.len()
                )?;
            }
            Mode::Write | Mode::Branch => {
                for p in written {
                    let n = plan
                        .files
                        .iter()
                        .find(|f| &f.path == p)
                        .map_or(0, |f| f.edits.len());
                    writeln!(out, "wrote {p} ({n} edit(s))")?;
                }
                out.write_all(manual_report(plan).as_bytes())?;
                writeln!(
                    out,
                    "# wrote {} file(s); {} manual item(s) remain",
                    written.len(),
                    plan.manual.len()
                )?;
            }
        },
    }
    out.flush()
}

/// Color a patch for a terminal (never when piped, so it stays appliable).
fn paint_patch(patch: &[u8], color: ColorChoice) -> Vec<u8> {
    if !color.0 {
        return patch.to_vec();
    }
    let mut out = Vec::with_capacity(patch.len() + patch.len() / 4);
    for line in patch.split_inclusive(|&c| c == b'\n') {
        let style = match line.first() {
            Some(b'+') if !line.starts_with(b"+++") => {
                Some(crate::style::fg(anstyle::AnsiColor::Green))
            }
            Some(b'-') if !line.starts_with(b"---") => {
                Some(crate::style::fg(anstyle::AnsiColor::Red))
            }
            Some(b'@') => Some(crate::style::fg(anstyle::AnsiColor::Cyan)),
            _ => None,
        };
        match style {
            Some(s) => {
                let body = line.strip_suffix(b"\n").unwrap_or(line);
                let _ = write!(out, "{}", s.render());
                out.extend_from_slice(body);
                let _ = write!(out, "{}", s.render_reset());
                if body.len() < line.len() {
                    out.push(b'\n');
                }
            }
            None => out.extend_from_slice(line),
        }
    }
    out
}
