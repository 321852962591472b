//! `rewrite --branch NAME [--pr-body FILE]`: the plan committed to a new
//! branch (src/rewrite/branch.rs), described for review.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use crate::cli::{RewriteArgs, RewriteFormat};
use crate::redact::Redactor;
use crate::rewrite::branch::{self, Committed};
use crate::rewrite::describe::{self, Change};
use crate::rewrite::report::{json_doc, manual_report, RewriteMode};
use crate::rewrite::Plan;
use crate::scan::ScanError;

pub fn run(
    args: &RewriteArgs,
    setup: &super::scan::Setup,
    plan: &Plan,
    name: &str,
    redactor: &Redactor,
    repository: &str,
) -> anyhow::Result<ExitCode> {
    let rules = &setup.rules;
    let target = &setup.target().table;
    let source = rules
        .source(&setup.opts.from)
        .unwrap_or_else(|| rules.source_default());
    if plan.pending().next().is_none() {
        eprintln!("llmgw-migrate: nothing to change; branch {name} not created");
        print_report(args, plan, None, repository)?;
        return Ok(ExitCode::from(u8::from(!plan.manual.is_empty())));
    }
    let prepared = branch::prepare(plan, name)?;
    // The commit holds exactly these files.
    let files = prepared.files.clone();
    let change = Change {
        plan,
        files: &files,
        source_name: &source.table.name,
        target_name: &target.name,
        target_key_env: &target.key_env,
    };
    let message = redactor
        .text(&describe::commit_message(&change))
        .into_owned();
    let top = prepared.top.clone();
    let committed = prepared.commit(&message)?;
    if let Some(path) = &args.pr_body {
        let body = describe::pr_body(
            &change,
            &committed.name,
            &committed.commit,
            &parity_command(setup, &top),
        );
        write_new(path, redactor.text(&body).as_bytes()).map_err(|e| {
            anyhow::anyhow!(
                "{}: cannot write the pull-request description: {e} (branch {} was created)",
                path.display(),
                committed.name
            )
        })?;
    }
    print_report(args, plan, Some(&committed), repository)?;
    for (p, why) in &committed.skipped {
        eprintln!("llmgw-migrate: warning: {p}: not committed: {why}");
    }
    let left =
        !plan.manual.is_empty() || plan.refused().count() > 0 || !committed.skipped.is_empty();
    Ok(ExitCode::from(u8::from(left)))
}

/// The parity command for the PR description: golden set and gateways
/// from `[parity]` in llmgw-migrate.toml when set, placeholders otherwise.
fn parity_command(setup: &super::scan::Setup, top: &Path) -> String {
    let rel = |p: &Option<PathBuf>, placeholder: &str| -> String {
        p.as_deref()
            .map(|p| {
                let p = std::fs::canonicalize(p).unwrap_or_else(|_| p.to_path_buf());
                p.strip_prefix(top).unwrap_or(&p).display().to_string()
            })
            .unwrap_or_else(|| placeholder.to_owned())
    };
    let golden = rel(&setup.config.parity.golden, "GOLDEN.yaml");
    let config = rel(&setup.config.parity.config, "GATEWAYS.yaml");
    format!(
        "{} parity --golden {golden} --config {config} --check-models --scan . --format markdown",
        env!("CARGO_PKG_NAME")
    )
}

/// Write a new file whole or not at all: a temp file beside it, renamed.
fn write_new(path: &Path, bytes: &[u8]) -> std::io::Result<()> {
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let mut tmp = tempfile::Builder::new()
        .prefix(".llmgw-migrate.")
        .suffix(".tmp")
        .tempfile_in(dir)?;
    tmp.write_all(bytes)?;
    tmp.as_file().sync_all()?;
    tmp.persist(path).map_err(|e| e.error)?;
    Ok(())
}

fn print_report(
    args: &RewriteArgs,
    plan: &Plan,
    committed: Option<&Committed>,
    repository: &str,
) -> anyhow::Result<()> {
    let mut out = super::stdout();
    let files: Vec<String> = committed.map(|c| c.files.clone()).unwrap_or_default();
    let skipped: Vec<(String, String)> = committed.map(|c| c.skipped.clone()).unwrap_or_default();
    if args.format == Some(RewriteFormat::Json) {
        let none: [ScanError; 0] = [];
        let doc = json_doc(plan, RewriteMode::Branch, &files, &skipped, &none);
        let mut doc = crate::fleet::repository::tag(serde_json::to_value(&doc)?, repository);
        if let (Some(c), Some(map)) = (committed, doc.as_object_mut()) {
            map.insert(
                "branch".into(),
                serde_json::json!({"name": c.name, "commit": c.commit}),
            );
        }
        writeln!(out, "{}", serde_json::to_string_pretty(&doc)?)?;
    } else {
        if let Some(c) = committed {
            writeln!(
                out,
                "committed {} file(s) to branch {} ({})",
                c.files.len(),
                c.name,
                &c.commit[..c.commit.len().min(12)]
            )?;
            for p in &c.files {
                writeln!(out, "  {p}")?;
            }
        }
        out.write_all(manual_report(plan, &|_| None).as_bytes())?;
        if let Some(c) = committed {
            writeln!(
                out,
                "# branch {}: {} edit(s) in {} file(s); {} manual item(s) left; target {}; \
                 work tree, index and current branch unchanged",
                c.name,
                plan.files
                    .iter()
                    .filter(|f| c.files.contains(&f.path))
                    .map(|f| f.edits.len())
                    .sum::<usize>(),
                c.files.len(),
                plan.manual.len(),
                plan.table
            )?;
        }
    }
    out.flush()?;
    Ok(())
}
