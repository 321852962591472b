//! Reading the reports `report merge` takes: `scan`, `rewrite` and `parity`
//! JSON (schema 1). Only the fields the fleet view needs are read, so
//! additive fields of later versions are accepted; anything else is an
//! error naming the file.

use std::collections::BTreeMap;
use std::path::Path;

use serde::de::IgnoredAny;
use serde::Deserialize;

/// Why a file could not be merged (shown as `file:line:col: message`, or
/// `file: message` when no position applies).
#[derive(Debug, Clone, serde::Serialize, thiserror::Error)]
#[error("{file}{}: {message}", .at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default())]
pub struct ReportError {
    pub file: String,
    /// Line and column (1-based) of a JSON syntax or shape error.
    #[serde(skip_serializing_if = "Option::is_none")]
    pub at: Option<(usize, usize)>,
    pub message: String,
}

/// What is wrong with a document, and where when known.
#[derive(Debug, Clone, PartialEq, thiserror::Error)]
#[error("{message}")]
pub struct Problem {
    pub at: Option<(usize, usize)>,
    pub message: String,
}

impl Problem {
    fn new(message: String) -> Problem {
        Problem { at: None, message }
    }
}

/// One report, by the command that wrote it.
#[derive(Debug, Clone)]
pub enum InputReport {
    Scan(ScanDoc),
    Rewrite(RewriteDoc),
    Parity(ParityDoc),
}

impl InputReport {
    pub fn repository(&self) -> Option<&str> {
        match self {
            InputReport::Scan(d) => d.repository.as_deref(),
            InputReport::Rewrite(d) => d.repository.as_deref(),
            InputReport::Parity(d) => d.repository.as_deref(),
        }
    }
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScanDoc {
    pub repository: Option<String>,
    pub table: String,
    pub findings: Vec<ScanFinding>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ScanFinding {
    pub kind: String,
    #[serde(rename = "match")]
    pub matched: String,
    pub fix: FixName,
    pub rule: String,
}

/// `fix` of a finding, as scan writes it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum FixName {
    Auto,
    Manual,
    None,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RewriteDoc {
    pub repository: Option<String>,
    pub table: String,
    pub mode: String,
    pub files: Vec<RewriteFile>,
    pub manual: Vec<RewriteManual>,
    /// Present when the rewrite was committed with `--branch`.
    #[serde(default)]
    pub branch: Option<BranchRef>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RewriteFile {
    pub status: String,
    pub edits: Vec<RewriteEdit>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RewriteEdit {
    pub kind: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct RewriteManual {
    pub kind: String,
    #[serde(rename = "match")]
    pub matched: String,
    pub rule: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct BranchRef {
    pub name: String,
    pub commit: String,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ParityDoc {
    pub repository: Option<String>,
    pub verdict: String,
    pub summary: ParityCounts,
    #[serde(default)]
    pub unreachable: Vec<String>,
}

#[derive(Debug, Clone, Deserialize)]
pub struct ParityCounts {
    pub results: u64,
    pub pass: u64,
    pub fail: u64,
    pub error: u64,
}

/// Just enough of a document to tell which report it is.
#[derive(Deserialize)]
struct Probe {
    schema: Option<serde_json::Value>,
    tool: Option<ToolProbe>,
    findings: Option<IgnoredAny>,
    mode: Option<IgnoredAny>,
    verdict: Option<IgnoredAny>,
    prompts: Option<IgnoredAny>,
}

#[derive(Deserialize)]
struct ToolProbe {
    name: Option<String>,
}

/// Read and classify one report file.
pub fn read(path: &Path) -> Result<InputReport, ReportError> {
    let err = |p: Problem| ReportError {
        file: path.display().to_string(),
        at: p.at,
        message: p.message,
    };
    let text = std::fs::read(path).map_err(|e| err(Problem::new(format!("cannot read: {e}"))))?;
    parse(&text).map_err(err)
}

/// Classify and parse a report's bytes.
pub fn parse(text: &[u8]) -> Result<InputReport, Problem> {
    let probe: Probe =
        serde_json::from_slice(text).map_err(|e| json_error("not valid JSON", &e))?;
    let ours = probe.tool.as_ref().and_then(|t| t.name.as_deref()) == Some(env!("CARGO_PKG_NAME"));
    let what = if probe.verdict.is_some() && probe.prompts.is_some() {
        "parity"
    } else if ours && probe.findings.is_some() {
        "scan"
    } else if ours && probe.mode.is_some() {
        "rewrite"
    } else {
        return Err(Problem::new(
            "not a llmgw-migrate scan, rewrite or parity JSON report (--format json)".to_owned(),
        ));
    };
    match &probe.schema {
        Some(v) if v.as_u64() == Some(1) => {}
        Some(v) => {
            return Err(Problem::new(format!(
                "{what} report schema {v} is not supported (expected 1)"
            )))
        }
        None => return Err(Problem::new(format!("{what} report has no schema field"))),
    }
    let bad = |e: serde_json::Error| json_error(&format!("malformed {what} report"), &e);
    Ok(match what {
        "scan" => InputReport::Scan(serde_json::from_slice(text).map_err(bad)?),
        "rewrite" => InputReport::Rewrite(serde_json::from_slice(text).map_err(bad)?),
        _ => InputReport::Parity(serde_json::from_slice(text).map_err(bad)?),
    })
}

/// serde_json's error with its position taken out of the text.
fn json_error(what: &str, e: &serde_json::Error) -> Problem {
    let msg = e.to_string();
    let msg = msg
        .rsplit_once(" at line ")
        .map_or(msg.as_str(), |(m, _)| m);
    Problem {
        at: Some((e.line(), e.column())),
        message: format!("{what}: {msg}"),
    }
}

/// A table label, `target@version+sha256:hash`, taken apart.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord)]
pub struct TableLabel {
    pub target: String,
    pub version: String,
    pub hash: String,
}

impl TableLabel {
    pub fn parse(label: &str) -> Option<TableLabel> {
        let (target, rest) = label.split_once('@')?;
        let (version, hash) = rest.split_once("+sha256:")?;
        if target.is_empty() || version.is_empty() || hash.is_empty() {
            return None;
        }
        Some(TableLabel {
            target: target.to_owned(),
            version: version.to_owned(),
            hash: hash.to_owned(),
        })
    }

    pub fn label(&self) -> String {
        format!("{}@{}+sha256:{}", self.target, self.version, self.hash)
    }
}

/// Per-kind counts in a stable order.
pub type ByKind = BTreeMap<String, u64>;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn classifies_each_report_and_rejects_others() {
        let scan = br#"{"schema":1,"tool":{"name":"llmgw-migrate","version":"9.9.9"},
            "repository":"acme/a","table":"ominigate@2026-11-26+sha256:abc",
            "findings":[{"path":"a.py","kind":"base-url","match":"https://openrouter.ai/api/v1",
            "fix":"auto","rule":"r","new_field":true}],"summary":{}}"#;
        assert!(matches!(parse(scan), Ok(InputReport::Scan(d)) if d.findings.len() == 1));
        let parity = br#"{"schema":1,"verdict":"fail","prompts":[],
            "summary":{"results":3,"pass":2,"fail":1,"error":0},"unreachable":[]}"#;
        assert!(matches!(parse(parity), Ok(InputReport::Parity(d)) if d.summary.fail == 1));
        let e = parse(br#"{"name":"web","version":"1.0.0"}"#).unwrap_err();
        assert!(e.message.contains("not a llmgw-migrate"), "{e:?}");
        let e = parse(b"{\"schema\":1,\n\"tool\":").unwrap_err();
        assert_eq!(e.at, Some((2, 7)));
        assert!(e.message.starts_with("not valid JSON"), "{e:?}");
        let e =
            parse(br#"{"schema":2,"tool":{"name":"llmgw-migrate"},"findings":[]}"#).unwrap_err();
        assert!(e.message.contains("schema 2"), "{e:?}");
        let e = parse(br#"{"schema":1,"tool":{"name":"llmgw-migrate"},"table":"t","findings":[{"kind":"x"}]}"#)
            .unwrap_err();
        let m = e.message;
        assert!(
            m.contains("malformed scan report") && m.contains("missing field"),
            "{m}"
        );
        assert!(e.at.is_some());
    }

    #[test]
    fn table_labels_round_trip() {
        let l = TableLabel::parse("ominigate@2026-11-26+sha256:37a6fac7580a").unwrap();
        assert_eq!(l.version, "2026-11-26");
        assert_eq!(l.label(), "ominigate@2026-11-26+sha256:37a6fac7580a");
        assert_eq!(TableLabel::parse("ominigate"), None);
    }
}
