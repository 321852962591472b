//! `--format github`: GitHub Actions workflow commands, which the runner
//! turns into annotations on the pull request's changed lines.
//!
//! Escaping follows the runner's rules (actions/toolkit `command.ts`): in the
//! message `%`, `\r`, `\n`; in property values also `:` and `,`.

use std::fmt::Write;

use crate::finding::{Finding, Kind};
use crate::report::ScanOutput;

/// Escape a command's message (the text after `::`).
pub fn escape_data(s: &str) -> String {
    s.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

/// Escape a property value (`file=`, `title=`...).
pub fn escape_property(s: &str) -> String {
    escape_data(s).replace(':', "%3A").replace(',', "%2C")
}

fn command(f: &Finding) -> &'static str {
    // A committed key is a security problem, not just a migration step.
    if f.kind == Kind::Secret {
        "error"
    } else {
        "warning"
    }
}

fn message(f: &Finding) -> String {
    let mut m = String::new();
    if !f.message.trim().is_empty() {
        m.push_str(f.message.trim());
    } else {
        let _ = write!(m, "{}", f.matched);
    }
    match &f.replacement {
        Some(r) if !m.contains(r.as_str()) => {
            let _ = write!(m, " (replacement: {r})");
        }
        _ => {}
    }
    let fix = match f.fix {
        crate::finding::Fix::Auto => "llmgw-migrate rewrite fixes this",
        crate::finding::Fix::Manual => "needs a manual change",
        crate::finding::Fix::None => "no change needed",
    };
    let _ = write!(m, " [{fix}; rule {}]", f.rule);
    m
}

/// One workflow command per finding and per scan error, then a notice with
/// the totals.
pub fn render(out: &ScanOutput) -> String {
    let mut s = String::new();
    for f in &out.findings {
        let _ = write!(
            s,
            "::{} file={},line={},col={}",
            command(f),
            escape_property(&f.path),
            f.line,
            f.column
        );
        if f.end_line >= f.line {
            let _ = write!(s, ",endLine={}", f.end_line);
        }
        if f.end_line == f.line && f.end_column > f.column {
            let _ = write!(s, ",endColumn={}", f.end_column);
        }
        let _ = writeln!(
            s,
            ",title={}::{}",
            escape_property(&format!("llmgw-migrate: {}", f.kind)),
            escape_data(&message(f))
        );
    }
    for e in out.summary.errors {
        let _ = writeln!(
            s,
            "::error file={},title={}::{}",
            escape_property(&e.path),
            escape_property("llmgw-migrate: cannot scan"),
            escape_data(&e.message)
        );
    }
    let n = out.findings.len();
    let by_kind: Vec<String> = out
        .summary
        .findings_by_kind
        .iter()
        .filter(|(_, c)| **c > 0)
        .map(|(k, c)| format!("{k} {c}"))
        .collect();
    let detail = if by_kind.is_empty() {
        String::new()
    } else {
        format!(" ({})", by_kind.join(", "))
    };
    let _ = writeln!(
        s,
        "::notice title={}::{n} finding{}{detail} in {} files scanned with {}",
        escape_property("llmgw-migrate scan"),
        if n == 1 { "" } else { "s" },
        out.summary.files_scanned,
        escape_data(out.table),
    );
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_follow_the_runner() {
        assert_eq!(escape_data("50%\r\nx"), "50%25%0D%0Ax");
        assert_eq!(escape_property("a:b,c%"), "a%3Ab%2Cc%25");
    }
}
