//! Inline suppression: a comment containing `llmgw-migrate: ignore`, optionally
//! followed by `[kind,kind]`, on the finding's line, or alone on the line
//! above, hides the finding.
//!
//! The marker counts only inside a comment: some comment opener of a syntax
//! the scanner reads (`#`, `//`, `/*`, `<!--`, `<#`, `--`, `;`, `REM`) must come
//! before it on the line. The line above counts only when it is nothing but
//! a comment, so a trailing marker never reaches the next line's code.

use crate::finding::{Finding, Kind};
use crate::source::SourceText;

pub const MARKER: &str = "llmgw-migrate:";

/// What one line's markers suppress.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Scope {
    All,
    Kinds(Vec<Kind>),
}

impl Scope {
    fn covers(&self, kind: Kind) -> bool {
        match self {
            Scope::All => true,
            Scope::Kinds(k) => k.contains(&kind),
        }
    }

    fn merge(self, other: Scope) -> Scope {
        match (self, other) {
            (Scope::All, _) | (_, Scope::All) => Scope::All,
            (Scope::Kinds(mut a), Scope::Kinds(b)) => {
                a.extend(b);
                Scope::Kinds(a)
            }
        }
    }
}

const OPENERS: &[&str] = &["//", "/*", "<!--", "<#", "#", "--", ";"];

/// Byte offset of the first comment opener in `line`, if any.
fn first_opener(line: &str) -> Option<usize> {
    let mut best = OPENERS.iter().filter_map(|o| line.find(o)).min();
    // REM (batch files) is a command, so only at the start of the line,
    // optionally after `@`, followed by a blank or nothing.
    let t = line.trim_start();
    let lead = line.len() - t.len();
    let t2 = t.strip_prefix('@').unwrap_or(t);
    if t2.len() >= 3 && t2[..3].eq_ignore_ascii_case("rem") {
        let rest = &t2[3..];
        if rest.is_empty() || rest.starts_with([' ', '\t']) {
            let at = lead + (t.len() - t2.len());
            best = Some(best.map_or(at, |b| b.min(at)));
        }
    }
    // `::` comments in batch files, at the start of the line only.
    if t.starts_with("::") {
        best = Some(best.map_or(lead, |b| b.min(lead)));
    }
    best
}

/// The scope of the markers inside comments on `line`, if any.
pub fn line_scope(line: &str) -> Option<Scope> {
    let lower = line.to_ascii_lowercase();
    let opener = first_opener(line)?;
    let mut scope: Option<Scope> = None;
    let mut from = 0;
    while let Some(i) = lower[from..].find(MARKER) {
        let at = from + i;
        from = at + MARKER.len();
        if at < opener {
            continue;
        }
        let rest = lower[from..].trim_start();
        let Some(after) = rest.strip_prefix("ignore") else {
            continue;
        };
        // `ignore` must end there: `ignored` or `ignore-me` is not the marker.
        if after
            .chars()
            .next()
            .is_some_and(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
        {
            continue;
        }
        let s = match after.trim_start().strip_prefix('[') {
            Some(list) => {
                let body = list.split(']').next().unwrap_or("");
                Scope::Kinds(
                    body.split(',')
                        .filter_map(|k| Kind::parse(k.trim()))
                        .collect(),
                )
            }
            None => Scope::All,
        };
        scope = Some(match scope {
            Some(prev) => prev.merge(s),
            None => s,
        });
    }
    scope
}

/// Whether `line` holds only a comment (after leading blanks).
fn comment_only(line: &str) -> bool {
    let lead = line.len() - line.trim_start().len();
    first_opener(line) == Some(lead) || {
        // Inside a block comment: ` * llmgw-migrate: ignore`.
        let t = line.trim_start();
        t.starts_with('*') && !t.starts_with("*/")
    }
}

/// Remove findings a marker covers; returns how many were removed.
pub fn apply(findings: &mut Vec<Finding>, source: &SourceText) -> usize {
    // Cheap exit: most files carry no marker at all.
    if !source.text.to_ascii_lowercase().contains(MARKER) {
        return 0;
    }
    let scope_at = |n: usize, above: bool| -> Option<Scope> {
        if n == 0 || n > source.line_count() {
            return None;
        }
        let line = source.line_text(n);
        if above && !comment_only(line) {
            return None;
        }
        line_scope(line)
    };
    let before = findings.len();
    findings.retain(|f| {
        let hit = [
            scope_at(f.line, false),
            scope_at(f.end_line, false),
            scope_at(f.line.saturating_sub(1), true),
        ];
        !hit.iter().flatten().any(|s| s.covers(f.kind))
    });
    before - findings.len()
}

/// [`apply`] to every file of a report (for `scan` and `rewrite`, so a
/// suppressed finding is neither reported nor rewritten); files left without
/// findings are dropped. Returns how many were removed.
pub fn apply_report(report: &mut crate::scan::ScanReport) -> usize {
    let mut n = 0;
    for file in &mut report.files {
        n += apply(&mut file.findings, &file.source);
    }
    report.files.retain(|f| !f.findings.is_empty());
    n
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn marker_must_follow_a_comment_opener() {
        assert_eq!(
            line_scope("x = 'a' # llmgw-migrate: ignore"),
            Some(Scope::All)
        );
        assert_eq!(line_scope("x = 'llmgw-migrate: ignore'"), None);
        assert_eq!(line_scope("# llmgw-migrate: ignored later"), None);
        assert_eq!(
            line_scope("// LLMGW-MIGRATE: IGNORE[model-slug, base-url]"),
            Some(Scope::Kinds(vec![Kind::ModelSlug, Kind::BaseUrl]))
        );
        assert_eq!(line_scope("REM llmgw-migrate: ignore"), Some(Scope::All));
        assert_eq!(line_scope("remark llmgw-migrate: ignore"), None);
    }
}
