//! Baselines: record today's findings once (`--write-baseline FILE`) and report
//! only new ones afterwards (`--baseline FILE`), so a repository can adopt the
//! check in CI before the migration is finished.
//!
//! A fingerprint is content-based: kind, matched text, path and the line's
//! text with whitespace collapsed, never the line number, so a finding that
//! only moved (lines added above it, re-indented) stays known. Identical
//! fingerprints in one file are told apart by their occurrence index, so a
//! second copy of a known line is reported as new.

use std::collections::{HashMap, HashSet};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

use crate::finding::Finding;
use crate::scan::ScanReport;

pub const SCHEMA: u32 = 1;

/// Whitespace runs become one space; ends are trimmed.
pub fn normalize_line(line: &str) -> String {
    line.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// `abs` relative to the working directory, with `/`, when it is inside it.
/// Baselines and CI formats use this so `scan`, `scan src` and
/// `scan src/app.py` (pre-commit) name a file the same way.
pub fn workspace_path(abs: &Path) -> Option<String> {
    let cwd = std::env::current_dir().ok()?;
    let abs = std::path::absolute(abs).ok()?;
    let rel = abs.strip_prefix(&cwd).ok()?;
    let s = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/");
    (!s.is_empty()).then_some(s)
}

/// Content fingerprint of one finding (32 hex digits of SHA-256).
pub fn fingerprint(f: &Finding, line_text: &str) -> String {
    fingerprint_at(f, &f.path, line_text)
}

fn fingerprint_at(f: &Finding, path: &str, line_text: &str) -> String {
    let mut h = Sha256::new();
    for part in [
        "llmgw-migrate/v1",
        f.kind.as_str(),
        f.matched.as_str(),
        path,
        normalize_line(line_text).as_str(),
    ] {
        h.update(part.as_bytes());
        // A separator that cannot occur in the parts keeps fields apart.
        h.update([0u8]);
    }
    h.finalize()
        .iter()
        .take(16)
        .map(|b| format!("{b:02x}"))
        .collect()
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct BaselineEntry {
    pub fingerprint: String,
    /// 0 for the first finding with this fingerprint, 1 for the next...
    #[serde(default)]
    pub occurrence: usize,
    /// For people reading the file; matching uses only the two fields above.
    pub path: String,
    pub kind: String,
    #[serde(rename = "match")]
    pub matched: String,
    pub line: usize,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, schemars::JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Baseline {
    #[schemars(extend("const" = 1))]
    pub schema: u32,
    pub tool: String,
    pub table: String,
    pub findings: Vec<BaselineEntry>,
}

/// Attach occurrence indexes to fingerprints (the first of the pair) in order.
fn with_occurrences<'a, T: FpKey>(
    items: impl Iterator<Item = (&'a Finding, T)>,
) -> Vec<(&'a Finding, T, usize)> {
    let mut seen: HashMap<String, usize> = HashMap::new();
    items
        .map(|(f, t)| {
            let n = seen.entry(t.key().to_owned()).or_default();
            let occ = *n;
            *n += 1;
            (f, t, occ)
        })
        .collect()
}

trait FpKey {
    fn key(&self) -> &str;
}

impl FpKey for String {
    fn key(&self) -> &str {
        self
    }
}

impl FpKey for (String, String) {
    fn key(&self) -> &str {
        &self.0
    }
}

impl Baseline {
    /// The baseline of a scan's findings (after inline suppression).
    pub fn from_report(report: &ScanReport) -> Baseline {
        let items = report.files.iter().flat_map(|file| {
            let path = workspace_path(&file.abs).unwrap_or_else(|| file.path.clone());
            file.findings.iter().map(move |f| {
                let fp = fingerprint_at(f, &path, file.source.line_text(f.line));
                (f, (fp, path.clone()))
            })
        });
        let findings = with_occurrences(items)
            .into_iter()
            .map(|(f, (fingerprint, path), occurrence)| BaselineEntry {
                fingerprint,
                occurrence,
                path,
                kind: f.kind.as_str().to_owned(),
                matched: f.matched.clone(),
                line: f.line,
            })
            .collect();
        Baseline {
            schema: SCHEMA,
            tool: format!("{} {}", env!("CARGO_PKG_NAME"), env!("CARGO_PKG_VERSION")),
            table: report.table.clone(),
            findings,
        }
    }

    /// Remove findings the baseline knows; returns how many were removed.
    /// `line_text` gives the text of a finding's line.
    pub fn filter(
        &self,
        findings: &mut Vec<Finding>,
        line_text: impl Fn(&Finding) -> String,
    ) -> usize {
        self.filter_at(findings, None, line_text)
    }

    fn filter_at(
        &self,
        findings: &mut Vec<Finding>,
        path: Option<&str>,
        line_text: impl Fn(&Finding) -> String,
    ) -> usize {
        let known: HashSet<(&str, usize)> = self
            .findings
            .iter()
            .map(|e| (e.fingerprint.as_str(), e.occurrence))
            .collect();
        let keep: Vec<bool> = with_occurrences(findings.iter().map(|f| {
            let fp = fingerprint_at(f, path.unwrap_or(&f.path), &line_text(f));
            (f, fp)
        }))
        .into_iter()
        .map(|(_, fp, occ)| !known.contains(&(fp.as_str(), occ)))
        .collect();
        let before = findings.len();
        let mut i = 0;
        findings.retain(|_| {
            i += 1;
            keep[i - 1]
        });
        before - findings.len()
    }

    /// Filter every file of a report in place; returns how many were removed.
    pub fn filter_report(&self, report: &mut ScanReport) -> usize {
        let mut n = 0;
        for file in &mut report.files {
            let path = workspace_path(&file.abs);
            let source = &file.source;
            n += self.filter_at(&mut file.findings, path.as_deref(), |f| {
                source.line_text(f.line).to_owned()
            });
        }
        n
    }
}

/// `fingerprint:occurrence` of every finding of `report`, in report order:
/// the baseline's identity of a finding, which SARIF carries as its
/// partial fingerprint so code scanning follows it across commits.
pub fn fingerprints(report: &ScanReport) -> Vec<String> {
    Baseline::from_report(report)
        .findings
        .into_iter()
        .map(|e| format!("{}:{}", e.fingerprint, e.occurrence))
        .collect()
}

/// Why a baseline cannot be written or used.
#[derive(Debug, thiserror::Error)]
pub enum BaselineError {
    #[error("{}: cannot write baseline", path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot read baseline", path.display())]
    Read {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}:{line}:{column}: not a llmgw-migrate baseline: {message}", path.display())]
    Invalid {
        path: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{}: baseline schema {schema} is not supported (expected {SCHEMA}); write it again with --write-baseline", path.display())]
    Schema { path: PathBuf, schema: u32 },
    #[error(transparent)]
    Encode(#[from] serde_json::Error),
}

/// Write the baseline of `report` to `path` (pretty JSON, stable order).
pub fn write(path: &Path, report: &ScanReport) -> Result<(), BaselineError> {
    let b = Baseline::from_report(report);
    let mut text = serde_json::to_string_pretty(&b)?;
    text.push('\n');
    // Atomically: a temp file next to it, then a rename, so an interrupted
    // run never leaves half a baseline.
    let dir = match path.parent() {
        Some(d) if !d.as_os_str().is_empty() => d,
        _ => Path::new("."),
    };
    let write = || -> std::io::Result<()> {
        use std::io::Write;
        let mut tmp = tempfile::Builder::new()
            .prefix(".llmgw-migrate.")
            .suffix(".tmp")
            .tempfile_in(dir)?;
        tmp.write_all(text.as_bytes())?;
        tmp.as_file().sync_all()?;
        tmp.persist(path).map_err(|e| e.error)?;
        Ok(())
    };
    write().map_err(|source| BaselineError::Write {
        path: path.to_owned(),
        source,
    })
}

pub fn load(path: &Path) -> Result<Baseline, BaselineError> {
    let text =
        crate::source::read_regular_text(path, crate::source::INPUT_CAP).map_err(|source| {
            BaselineError::Read {
                path: path.to_owned(),
                source,
            }
        })?;
    let b: Baseline = serde_json::from_str(&text).map_err(|e| {
        let msg = e.to_string();
        // serde_json appends the position; it leads the message instead.
        let msg = msg
            .rsplit_once(" at line ")
            .map_or(msg.as_str(), |(m, _)| m);
        BaselineError::Invalid {
            path: path.to_owned(),
            line: e.line(),
            column: e.column(),
            message: msg.to_owned(),
        }
    })?;
    if b.schema != SCHEMA {
        return Err(BaselineError::Schema {
            path: path.to_owned(),
            schema: b.schema,
        });
    }
    Ok(b)
}
