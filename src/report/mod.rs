//! Reports: turning findings into the documented output formats.

pub mod github;
pub mod human;
pub mod junit;
pub mod progress;
pub mod sarif;
pub mod schema;
pub mod step_summary;

use std::collections::BTreeMap;

use schemars::JsonSchema;
use serde::Serialize;

use crate::finding::{Finding, Kind};
use crate::scan::{ScanError, ScanReport};

/// The stable JSON document of `scan --format json` (schema 1, see README).
#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScanOutput<'a> {
    #[schemars(extend("const" = 1))]
    pub schema: u32,
    pub tool: Tool,
    /// `target@version+sha256:<first 12 hex of the table file>`.
    #[schemars(extend("pattern" = TABLE_PATTERN))]
    pub table: &'a str,
    pub findings: Vec<&'a Finding>,
    pub summary: ScanSummary<'a>,
}

/// What `table` fields look like (JSON Schema `pattern`).
pub const TABLE_PATTERN: &str = r"^[a-z0-9][a-z0-9-]*@[^+]+\+sha256:[0-9a-f]{12}$";

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct Tool {
    pub name: &'static str,
    pub version: &'static str,
}

pub const TOOL: Tool = Tool {
    name: env!("CARGO_PKG_NAME"),
    version: env!("CARGO_PKG_VERSION"),
};

#[derive(Debug, Clone, Serialize, JsonSchema)]
pub struct ScanSummary<'a> {
    pub files_scanned: usize,
    pub files_skipped: usize,
    /// Every kind, zero included, so consumers need no defaults.
    pub findings_by_kind: BTreeMap<&'static str, usize>,
    pub errors: &'a [ScanError],
    /// Findings hidden by `llmgw-migrate: ignore` comments (omitted when 0).
    #[serde(skip_serializing_if = "is_zero")]
    pub suppressed: usize,
    /// Findings hidden because the `--baseline` file lists them (omitted when 0).
    #[serde(skip_serializing_if = "is_zero")]
    pub baselined: usize,
}

fn is_zero(n: &usize) -> bool {
    *n == 0
}

impl<'a> ScanOutput<'a> {
    pub fn new(report: &'a ScanReport) -> ScanOutput<'a> {
        let findings: Vec<&Finding> = report.findings().collect();
        let mut by_kind: BTreeMap<&'static str, usize> =
            Kind::ALL.iter().map(|k| (k.as_str(), 0)).collect();
        for f in &findings {
            *by_kind.entry(f.kind.as_str()).or_default() += 1;
        }
        ScanOutput {
            schema: 1,
            tool: TOOL,
            table: &report.table,
            findings,
            summary: ScanSummary {
                files_scanned: report.files_scanned,
                files_skipped: report.files_skipped,
                findings_by_kind: by_kind,
                errors: &report.errors,
                suppressed: 0,
                baselined: 0,
            },
        }
    }
}

/// `doc` (a report's JSON object whose `findings` is `[]`) printed as
/// `serde_json::to_vec_pretty` prints it, with `findings` in that array.
/// Each finding is serialized on its own, on several threads: building a
/// `serde_json::Value` of every finding first cost about a fifth of scan's
/// CPU on a tree with 25,000 findings, all of it after the parallel walk.
pub fn pretty_json_with_findings(
    doc: &serde_json::Value,
    findings: &[&Finding],
) -> serde_json::Result<Vec<u8>> {
    let head = serde_json::to_vec_pretty(doc)?;
    const EMPTY: &[u8] = b"\n  \"findings\": []";
    // A raw newline is never inside a JSON string, so this is the key.
    let at = head.windows(EMPTY.len()).position(|w| w == EMPTY);
    let Some(at) = at.filter(|_| !findings.is_empty()) else {
        if findings.is_empty() {
            return Ok(head);
        }
        let mut doc = doc.clone();
        doc["findings"] = serde_json::to_value(findings)?;
        return serde_json::to_vec_pretty(&doc);
    };
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let chunk = findings.len().div_ceil(threads).max(256);
    let parts: Vec<serde_json::Result<Vec<u8>>> = std::thread::scope(|s| {
        let handles: Vec<_> = findings
            .chunks(chunk)
            .map(|c| s.spawn(move || findings_json(c)))
            .collect();
        handles
            .into_iter()
            .map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let split = at + EMPTY.len() - 2;
    let mut out =
        Vec::with_capacity(head.len() + parts.iter().flatten().map(Vec::len).sum::<usize>() + 8);
    out.extend_from_slice(&head[..split]);
    out.extend_from_slice(b"[\n");
    for (i, p) in parts.into_iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        out.extend_from_slice(&p?);
    }
    out.extend_from_slice(b"\n  ]");
    out.extend_from_slice(&head[split + 2..]);
    Ok(out)
}

/// Findings as the items of a pretty array two levels deep: each pretty
/// printed, indented by four spaces, separated by `,\n`.
fn findings_json(findings: &[&Finding]) -> serde_json::Result<Vec<u8>> {
    let mut out = Vec::with_capacity(findings.len() * 512);
    let mut one = Vec::with_capacity(1024);
    for (i, f) in findings.iter().enumerate() {
        if i > 0 {
            out.extend_from_slice(b",\n");
        }
        one.clear();
        serde_json::to_writer_pretty(&mut one, f)?;
        out.extend_from_slice(b"    ");
        for line in one.split_inclusive(|&b| b == b'\n') {
            out.extend_from_slice(line);
            if line.ends_with(b"\n") {
                out.extend_from_slice(b"    ");
            }
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::finding::Fix;

    fn finding(i: usize) -> Finding {
        Finding {
            path: format!("dir {i}/a\"b\\c.py"),
            line: i + 1,
            column: 3,
            end_line: i + 1,
            end_column: 9,
            kind: Kind::ALL[i % Kind::ALL.len()],
            matched: format!("openai/gpt-{i}\n\t\u{e9}"),
            replacement: i.is_multiple_of(3).then(|| "x/y".to_owned()),
            fix: Fix::ALL[i % 3],
            message: "line one\nline \"two\" \u{1F600}".into(),
            rule: "r".into(),
            span: 0..1,
            edit: None,
        }
    }

    /// The spliced document is byte for byte what printing one
    /// `serde_json::Value` of everything gave (with and without findings,
    /// and with more findings than one thread renders).
    #[test]
    fn findings_spliced_as_pretty_printing_the_whole_document() {
        for n in [0, 1, 2, 700] {
            let all: Vec<Finding> = (0..n).map(finding).collect();
            let refs: Vec<&Finding> = all.iter().collect();
            let mut head = serde_json::json!({
                "schema": 1,
                "tool": {"name": "t", "version": "\n  \"findings\": []"},
                "findings": [],
                "summary": {"errors": []},
            });
            let got = pretty_json_with_findings(&head, &refs).unwrap();
            head["findings"] = serde_json::to_value(&refs).unwrap();
            let want = serde_json::to_vec_pretty(&head).unwrap();
            assert_eq!(
                String::from_utf8(got).unwrap(),
                String::from_utf8(want).unwrap(),
                "n = {n}"
            );
        }
    }
}
