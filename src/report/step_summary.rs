//! A short Markdown summary for the GitHub Actions job page, appended to
//! `$GITHUB_STEP_SUMMARY` when the runner sets it (any output format).

use std::fmt::Write as _;
use std::io::Write as _;

use crate::finding::Fix;
use crate::report::ScanOutput;

/// Rows of the findings table; the job page is a summary, not the report.
const MAX_ROWS: usize = 50;

/// Make text safe inside a Markdown table cell: no pipes, no line breaks.
pub(crate) fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace(['\r', '\n'], " ")
}

/// Inline code that survives backticks in the text.
pub(crate) fn code(s: &str) -> String {
    let s = cell(s);
    if s.is_empty() {
        String::new()
    } else if s.contains('`') {
        format!("`` {s} ``")
    } else {
        format!("`{s}`")
    }
}

pub fn markdown(out: &ScanOutput) -> String {
    let mut md = String::new();
    let n = out.findings.len();
    let _ = writeln!(md, "### llmgw-migrate scan\n");
    if n == 0 {
        let _ = writeln!(md, "No OpenRouter dependencies found.\n");
    } else {
        let count = |fix: Fix| out.findings.iter().filter(|f| f.fix == fix).count();
        let mut parts = Vec::new();
        for (fix, what) in [
            (Fix::Auto, "fixable with `llmgw-migrate rewrite`"),
            (Fix::Manual, "for a person to decide"),
            (Fix::None, "need no change on the target"),
        ] {
            let c = count(fix);
            if c > 0 {
                parts.push(format!("{c} {what}"));
            }
        }
        let _ = writeln!(
            md,
            "**{n} finding{}**: {}.\n",
            if n == 1 { "" } else { "s" },
            parts.join(", ")
        );
    }
    let _ = write!(
        md,
        "Table `{}` · {} files scanned · {} skipped",
        cell(out.table),
        out.summary.files_scanned,
        out.summary.files_skipped
    );
    if out.summary.suppressed > 0 || out.summary.baselined > 0 {
        let _ = write!(
            md,
            " · {} suppressed inline · {} in baseline",
            out.summary.suppressed, out.summary.baselined
        );
    }
    if !out.summary.errors.is_empty() {
        let e = out.summary.errors.len();
        let _ = write!(md, " · **{e} error{}**", if e == 1 { "" } else { "s" });
    }
    md.push_str("\n\n");
    if n > 0 {
        md.push_str("| Kind | Findings |\n|---|---:|\n");
        for (k, c) in &out.summary.findings_by_kind {
            if *c > 0 {
                let _ = writeln!(md, "| {k} | {c} |");
            }
        }
        md.push_str("\n<details><summary>Findings</summary>\n\n");
        md.push_str("| Location | Kind | Match | Replacement | Fix |\n|---|---|---|---|---|\n");
        for f in out.findings.iter().take(MAX_ROWS) {
            let _ = writeln!(
                md,
                "| {} | {} | {} | {} | {} |",
                code(&format!("{}:{}:{}", f.path, f.line, f.column)),
                f.kind,
                code(&f.matched),
                f.replacement.as_deref().map(code).unwrap_or_default(),
                match f.fix {
                    Fix::Auto => "auto",
                    Fix::Manual => "manual",
                    Fix::None => "none",
                }
            );
        }
        if n > MAX_ROWS {
            let _ = writeln!(md, "\n…and {} more.", n - MAX_ROWS);
        }
        md.push_str("\n</details>\n\n");
    }
    for e in out.summary.errors.iter().take(MAX_ROWS) {
        let _ = writeln!(md, "- error: {}: {}", code(&e.path), cell(&e.message));
    }
    md
}

/// Append `md` to the file named by `$GITHUB_STEP_SUMMARY`; nothing when the
/// variable is unset or empty (so a second run in one step can opt out).
pub fn append_if_set(md: &str) -> std::io::Result<()> {
    let Some(path) = std::env::var_os("GITHUB_STEP_SUMMARY").filter(|p| !p.is_empty()) else {
        return Ok(());
    };
    let mut f = std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(&path)
        .map_err(|e| {
            std::io::Error::new(
                e.kind(),
                format!("GITHUB_STEP_SUMMARY {}: {e}", path.to_string_lossy()),
            )
        })?;
    f.write_all(md.as_bytes())?;
    if !md.ends_with('\n') {
        f.write_all(b"\n")?;
    }
    Ok(())
}
