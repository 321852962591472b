//! What rewrite prints: the manual-attention report and the JSON document.

use std::io::Write;

use serde::Serialize;

use super::plan::{ManualItem, Plan, PlannedEdit};
use crate::cli::RewriteFormat;
use crate::redact::Redactor;
use crate::report::{Tool, TOOL};
use crate::scan::ScanError;
use crate::style::ColorChoice;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum RewriteMode {
    DryRun,
    Write,
    Check,
    /// `--branch`: committed to a new branch, the work tree untouched.
    Branch,
}

/// The stable JSON document of `rewrite --format json` (see docs/rewrite.md).
#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RewriteOutput<'a> {
    #[schemars(extend("const" = 1))]
    pub schema: u32,
    pub tool: Tool,
    #[schemars(extend("pattern" = crate::report::TABLE_PATTERN))]
    pub table: &'a str,
    pub mode: RewriteMode,
    pub files: Vec<FileOut<'a>>,
    pub manual: &'a [ManualItem],
    /// What no edit can do: variables to set in deployments, keys to
    /// revoke, config keys set outside the tree, behaviour changes.
    pub checklist: &'a [super::checklist::ChecklistItem],
    pub summary: RewriteSummary<'a>,
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct FileOut<'a> {
    pub path: &'a str,
    /// pending | written | committed | refused | failed
    #[schemars(extend("enum" = ["pending", "written", "committed", "refused", "failed"]))]
    pub status: &'static str,
    /// Why the file was not (or will not be) written.
    pub problem: Option<String>,
    pub edits: &'a [PlannedEdit],
}

#[derive(Debug, Serialize, schemars::JsonSchema)]
pub struct RewriteSummary<'a> {
    pub files: usize,
    pub edits: usize,
    pub manual: usize,
    pub refused: usize,
    pub errors: Vec<&'a ScanError>,
}

pub fn json_doc<'a>(
    plan: &'a Plan,
    mode: RewriteMode,
    written: &[String],
    failed: &[(String, String)],
    extra_errors: &'a [ScanError],
) -> RewriteOutput<'a> {
    let files: Vec<FileOut> = plan
        .files
        .iter()
        .map(|f| {
            let fail = failed.iter().find(|(p, _)| *p == f.path);
            let (status, problem) = if let Some(p) = &f.problem {
                ("refused", Some(p.clone()))
            } else if let Some((_, why)) = fail {
                ("failed", Some(why.clone()))
            } else if written.contains(&f.path) {
                (
                    if mode == RewriteMode::Branch {
                        "committed"
                    } else {
                        "written"
                    },
                    None,
                )
            } else {
                ("pending", None)
            };
            FileOut {
                path: &f.path,
                status,
                problem,
                edits: &f.edits,
            }
        })
        .collect();
    RewriteOutput {
        schema: 1,
        tool: TOOL,
        table: &plan.table,
        mode,
        summary: RewriteSummary {
            files: files.len(),
            edits: plan.files.iter().map(|f| f.edits.len()).sum(),
            manual: plan.manual.len(),
            refused: plan.refused().count(),
            errors: plan.errors.iter().chain(extra_errors).collect(),
        },
        files,
        manual: &plan.manual,
        checklist: &plan.checklist,
    }
}

/// The manual-attention report, each line starting with `#` so that a
/// saved dry-run stays a patch `git apply` accepts. `code` gives an item's
/// source line with the match underlined, when there is one to show.
pub fn manual_report(plan: &Plan, code: &dyn Fn(&ManualItem) -> Option<String>) -> String {
    let mut s = String::new();
    if !plan.manual.is_empty() {
        s.push_str(&format!("# manual attention ({}):\n", plan.manual.len()));
        for m in &plan.manual {
            let code: String = code(m)
                .unwrap_or_default()
                .lines()
                .map(|l| format!("#     {l}\n").replace(" \n", "\n"))
                .collect();
            s.push_str(&manual_item(m, &code));
        }
    }
    let refused: Vec<_> = plan.refused().collect();
    if !refused.is_empty() {
        s.push_str(&format!("# left unchanged ({}):\n", refused.len()));
        for f in refused {
            // A parser's error spans lines: each stays a `#` comment so a
            // saved dry-run still applies.
            let why = f.problem.as_deref().unwrap_or("").trim_end();
            s.push_str(&format!("#   {}: {}\n", f.path, commented(why, "     ")));
        }
    }
    s.push_str(&super::checklist::render(&plan.checklist));
    s
}

/// One manual item, three or more `#` lines (`code`: the source lines,
/// already commented).
fn manual_item(m: &ManualItem, code: &str) -> String {
    format!(
        "#   {}:{}:{}  {}  {}{}\n{code}#       why: {}\n#       suggested: {}\n",
        m.path,
        m.line,
        m.column,
        m.kind,
        commented(&m.what, "         "),
        if m.unapplied_auto {
            "  (automatic, no safe edit)"
        } else {
            ""
        },
        commented(&m.why, "            "),
        commented(&m.suggestion, "                  ")
    )
}

/// `text` with every line after the first prefixed by `#` and `pad`: a
/// multi-line match (a string spanning lines) must not end the comment
/// block and break the saved patch.
fn commented(text: &str, pad: &str) -> String {
    text.split('\n')
        .map(|l| l.strip_suffix('\r').unwrap_or(l))
        .collect::<Vec<_>>()
        .join(&format!("\n#{pad}"))
}

/// Hide keys in everything the plan quotes from files: edit texts,
/// refusal reasons (parser errors of our dependencies quote the line),
/// manual items and read errors. Only what is printed; the bytes to write
/// are untouched.
pub fn redact(plan: &mut Plan, r: &Redactor) {
    for f in &mut plan.files {
        for e in &mut f.edits {
            r.fix(&mut e.before);
            r.fix(&mut e.after);
        }
        if let Some(p) = &mut f.problem {
            r.fix(p);
        }
    }
    for m in &mut plan.manual {
        r.fix(&mut m.what);
        r.fix(&mut m.why);
        r.fix(&mut m.suggestion);
    }
    for e in &mut plan.errors {
        r.fix(&mut e.path);
        r.fix(&mut e.message);
    }
}

/// Files whose diff would show a key are left out of the dry-run patch: a
/// key is printed redacted, and one redacted line makes `git apply` reject
/// the whole patch. Each such file becomes a manual item instead.
pub fn hold_key_files(plan: &mut Plan, redactor: &Redactor) {
    let mut held = Vec::new();
    for fp in plan.files.iter_mut().filter(|f| f.changes()) {
        if !super::diff::file_diff(fp, redactor, &mut Vec::new()) {
            continue;
        }
        let first = fp.edits.first();
        held.push(ManualItem {
            path: fp.path.clone(),
            line: first.map_or(1, |e| e.line),
            column: first.map_or(1, |e| e.column),
            kind: crate::finding::Kind::Secret,
            what: format!("{} edit(s) left out of the patch", fp.edits.len()),
            why: "file holds a key, which is never printed, so its diff would not apply".into(),
            suggestion: "use --write or edit by hand".into(),
            rule: "llmgw-migrate:patch-holds-key".into(),
            unapplied_auto: false,
        });
        fp.output = None;
    }
    plan.manual.extend(held);
}

/// Everything `rewrite` prints in the diff and JSON formats, redacted as a
/// whole (what the command writes to stdout; tests and fuzzing call it).
#[allow(clippy::too_many_arguments)]
pub fn render(
    plan: &Plan,
    mode: RewriteMode,
    format: RewriteFormat,
    written: &[String],
    failed: &[(String, String)],
    write_errors: &[ScanError],
    redactor: &Redactor,
    code: &dyn Fn(&ManualItem) -> Option<String>,
    repository: &str,
    color: ColorChoice,
) -> std::io::Result<Vec<u8>> {
    // Everything goes to a buffer that is redacted once more as a whole
    // before it reaches stdout: no path to the terminal skips redaction.
    let mut out: Vec<u8> = Vec::new();
    match format {
        RewriteFormat::Json => {
            let doc = json_doc(plan, mode, written, failed, write_errors);
            let doc = serde_json::to_value(&doc).map_err(std::io::Error::other)?;
            let doc = crate::fleet::repository::tag(doc, repository);
            serde_json::to_writer_pretty(&mut out, &doc).map_err(std::io::Error::other)?;
            writeln!(out)?;
        }
        _ => match mode {
            RewriteMode::DryRun => {
                let (patch, redacted) = super::diff::patch(plan.pending(), redactor);
                out.write_all(&paint_patch(&patch, color))?;
                if redacted {
                    writeln!(out, "# note: lines holding a key are redacted above; those hunks do not apply (use --write)")?;
                }
                out.write_all(manual_report(plan, code).as_bytes())?;
                writeln!(
                    out,
                    "# {} edit(s) in {} file(s) pending; {} manual item(s); target {}",
                    plan.edit_count(),
                    plan.pending().count(),
                    plan.manual.len(),
                    plan.table
                )?;
            }
            RewriteMode::Check => {
                for f in plan.files.iter().filter(|f| !f.edits.is_empty()) {
                    writeln!(
                        out,
                        "{}: {} automatic edit(s) pending",
                        f.path,
                        f.edits.len()
                    )?;
                }
                out.write_all(manual_report(plan, code).as_bytes())?;
                writeln!(
                    out,
                    "# {} automatic edit(s) pending in {} file(s); {} automatic finding(s) with no safe edit; {} manual item(s)",
                    plan.files.iter().map(|f| f.edits.len()).sum::<usize>(),
                    plan.files.iter().filter(|f| !f.edits.is_empty()).count(),
                    plan.manual.iter().filter(|m| m.unapplied_auto).count(),
                    plan.manual.len()
                )?;
            }
            RewriteMode::Write | RewriteMode::Branch => {
                for p in written {
                    let n = plan
                        .files
                        .iter()
                        .find(|f| &f.path == p)
                        .map_or(0, |f| f.edits.len());
                    writeln!(out, "wrote {p} ({n} edit(s))")?;
                }
                out.write_all(manual_report(plan, code).as_bytes())?;
                writeln!(
                    out,
                    "# wrote {} file(s); {} manual item(s) remain",
                    written.len(),
                    plan.manual.len()
                )?;
            }
        },
    }
    Ok(redactor.bytes(&out).into_owned())
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

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Kind;

    #[test]
    fn every_line_of_the_manual_report_is_a_comment() {
        let r = manual_item(
            &ManualItem {
                path: "a.py".into(),
                line: 3,
                column: 5,
                kind: Kind::BaseUrl,
                what: "\"\"\"https://openrouter.ai/api/v1\r\n/credits\"\"\"".into(),
                why: "first\nsecond".into(),
                suggestion: "one\n\ntwo".into(),
                rule: "r".into(),
                unapplied_auto: false,
            },
            "",
        );
        assert_eq!(r.lines().count(), 7, "{r}");
        for l in r.lines() {
            assert!(l.starts_with('#'), "{l:?} in\n{r}");
        }
        assert!(r.contains("#         /credits\"\"\""), "{r}");
        assert!(!r.contains('\r'));
    }
}
