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
