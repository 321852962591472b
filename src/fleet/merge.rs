//! Many reports -> one fleet view: a row per repository, the manual items
//! across the fleet grouped by rule, parity verdicts, and which
//! repositories ran an older mapping table.

use std::collections::{BTreeMap, BTreeSet};

use serde::Serialize;

use super::input::{BranchRef, ByKind, FixName, InputReport, ReportError, TableLabel};
use crate::finding::Kind;
use crate::report::{Tool, TOOL};

/// The JSON document of `report merge --format json` (schema 1).
#[derive(Debug, Clone, Serialize)]
pub struct Fleet {
    pub schema: u32,
    pub tool: Tool,
    /// InputReport files given, and how many of each kind were merged.
    pub inputs: Inputs,
    pub totals: Totals,
    /// Per target: the newest table known (this tool's own, or a newer one
    /// seen in the reports); rows are compared against it.
    pub reference_tables: Vec<String>,
    pub repositories: Vec<Row>,
    /// Manual items across the fleet, most widespread first.
    pub manual: Vec<ManualGroup>,
    /// Files that could not be merged.
    pub errors: Vec<ReportError>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Inputs {
    pub files: usize,
    pub scan: usize,
    pub rewrite: usize,
    pub parity: usize,
    pub rejected: usize,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct Totals {
    pub repositories: usize,
    /// Sum over the scan reports.
    pub findings: u64,
    pub findings_by_kind: ByKind,
    pub auto: u64,
    pub manual: u64,
    pub none: u64,
    /// Sum over the rewrite reports.
    pub edits: u64,
    pub manual_left: u64,
    /// Repositories per table status and per parity verdict.
    pub tables: BTreeMap<&'static str, usize>,
    pub parity: BTreeMap<String, usize>,
}

/// How a repository's table compares with the reference for its target.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum TableStatus {
    Current,
    /// Same version as the reference, other content (`--rules`, local edits).
    Differs,
    /// An older version: scan again with the current tool.
    Older,
    /// The label could not be read.
    Unknown,
}

impl TableStatus {
    pub fn as_str(self) -> &'static str {
        match self {
            TableStatus::Current => "current",
            TableStatus::Differs => "differs",
            TableStatus::Older => "older",
            TableStatus::Unknown => "unknown",
        }
    }
}

#[derive(Debug, Clone, Serialize)]
pub struct Row {
    pub repository: String,
    /// Every table label its reports name (usually one).
    pub tables: Vec<String>,
    /// The worst status among them.
    pub table_status: TableStatus,
    pub scan: Option<ScanRow>,
    pub rewrite: Option<RewriteRow>,
    pub parity: Option<ParityRow>,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ScanRow {
    pub reports: usize,
    pub findings: u64,
    pub findings_by_kind: ByKind,
    pub auto: u64,
    pub manual: u64,
    pub none: u64,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct RewriteRow {
    pub reports: usize,
    /// dry-run, check, write or branch (the last report's).
    pub mode: String,
    pub files: u64,
    pub edits: u64,
    pub edits_by_kind: ByKind,
    pub manual: u64,
    pub refused: u64,
    pub branch: Option<BranchOut>,
}

#[derive(Debug, Clone, Serialize)]
pub struct BranchOut {
    pub name: String,
    pub commit: String,
}

#[derive(Debug, Clone, Default, Serialize)]
pub struct ParityRow {
    pub reports: usize,
    /// `fail` when any report failed, else `pass`.
    pub verdict: String,
    pub results: u64,
    pub pass: u64,
    pub fail: u64,
    pub error: u64,
    pub unreachable: Vec<String>,
}

#[derive(Debug, Clone, Serialize)]
pub struct ManualGroup {
    pub rule: String,
    pub kind: String,
    /// The most frequent text among the occurrences (ties: the smallest).
    #[serde(rename = "match")]
    pub example: String,
    pub repositories: usize,
    pub occurrences: u64,
    pub names: Vec<String>,
}

/// Manual occurrences per rule in one repository: the kind, and how often
/// each text occurs.
#[derive(Default)]
struct ManualAcc {
    by_rule: BTreeMap<String, (String, BTreeMap<String, u64>)>,
}

impl ManualAcc {
    fn add(&mut self, rule: &str, kind: &str, matched: &str) {
        let e = self
            .by_rule
            .entry(rule.to_owned())
            .or_insert_with(|| (kind.to_owned(), BTreeMap::new()));
        *e.1.entry(matched.to_owned()).or_default() += 1;
    }
}

#[derive(Default)]
struct RowAcc {
    tables: BTreeSet<String>,
    scan: Option<ScanRow>,
    rewrite: Option<RewriteRow>,
    parity: Option<ParityRow>,
    scan_manual: ManualAcc,
    rewrite_manual: ManualAcc,
}

/// Reports in, one at a time (memory stays per repository, not per finding).
#[derive(Default)]
pub struct Merger {
    rows: BTreeMap<String, RowAcc>,
    inputs: Inputs,
    errors: Vec<ReportError>,
}

fn zero_kinds() -> ByKind {
    Kind::ALL
        .iter()
        .map(|k| (k.as_str().to_owned(), 0))
        .collect()
}

impl Merger {
    /// A report read from `file`; `fallback` names the repository when the
    /// report carries no `repository` field (reports of older versions).
    pub fn add(&mut self, report: InputReport, fallback: &str) {
        self.inputs.files += 1;
        let name = report.repository().unwrap_or(fallback).to_owned();
        let row = self.rows.entry(name).or_default();
        match report {
            InputReport::Scan(d) => {
                self.inputs.scan += 1;
                row.tables.insert(d.table);
                let s = row.scan.get_or_insert_with(|| ScanRow {
                    findings_by_kind: zero_kinds(),
                    ..ScanRow::default()
                });
                s.reports += 1;
                for f in &d.findings {
                    s.findings += 1;
                    *s.findings_by_kind.entry(f.kind.clone()).or_default() += 1;
                    match f.fix {
                        FixName::Auto => s.auto += 1,
                        FixName::Manual => {
                            s.manual += 1;
                            row.scan_manual.add(&f.rule, &f.kind, &f.matched);
                        }
                        FixName::None => s.none += 1,
                    }
                }
            }
            InputReport::Rewrite(d) => {
                self.inputs.rewrite += 1;
                row.tables.insert(d.table);
                let r = row.rewrite.get_or_insert_with(|| RewriteRow {
                    edits_by_kind: zero_kinds(),
                    ..RewriteRow::default()
                });
                r.reports += 1;
                r.mode = if d.branch.is_some() {
                    "branch".to_owned()
                } else {
                    d.mode
                };
                for f in &d.files {
                    if f.status == "refused" {
                        r.refused += 1;
                        continue;
                    }
                    if f.edits.is_empty() {
                        continue;
                    }
                    r.files += 1;
                    for e in &f.edits {
                        r.edits += 1;
                        *r.edits_by_kind.entry(e.kind.clone()).or_default() += 1;
                    }
                }
                for m in &d.manual {
                    r.manual += 1;
                    row.rewrite_manual.add(&m.rule, &m.kind, &m.matched);
                }
                if let Some(BranchRef { name, commit }) = d.branch {
                    r.branch = Some(BranchOut { name, commit });
                }
            }
            InputReport::Parity(d) => {
                self.inputs.parity += 1;
                let p = row.parity.get_or_insert_with(|| ParityRow {
                    verdict: "pass".to_owned(),
                    ..ParityRow::default()
                });
                p.reports += 1;
                if d.verdict != "pass" {
                    p.verdict = "fail".to_owned();
                }
                p.results += d.summary.results;
                p.pass += d.summary.pass;
                p.fail += d.summary.fail;
                p.error += d.summary.error;
                p.unreachable.extend(d.unreachable);
            }
        }
    }

    pub fn reject(&mut self, e: ReportError) {
        self.inputs.files += 1;
        self.inputs.rejected += 1;
        self.errors.push(e);
    }

    /// The fleet view. `known` are the tables this tool carries: a report
    /// whose table is older than the newest known for its target is flagged.
    pub fn finish(self, known: &[TableLabel]) -> Fleet {
        let reference = references(known, self.rows.values().flat_map(|r| &r.tables));
        let mut totals = Totals {
            findings_by_kind: zero_kinds(),
            ..Totals::default()
        };
        let mut groups = Groups::default();
        let mut rows = Vec::with_capacity(self.rows.len());
        for (name, acc) in self.rows {
            let table_status = acc
                .tables
                .iter()
                .map(|t| status(t, &reference))
                .max()
                .unwrap_or(TableStatus::Current);
            totals.count(&acc, table_status);
            // What is left after a rewrite is the better list; a scan's
            // manual findings stand in where no rewrite report was given.
            let manual = if acc.rewrite.is_some() {
                &acc.rewrite_manual
            } else {
                &acc.scan_manual
            };
            groups.add(&name, manual);
            rows.push(Row {
                repository: name,
                tables: acc.tables.into_iter().collect(),
                table_status,
                scan: acc.scan,
                rewrite: acc.rewrite,
                parity: acc.parity,
            });
        }
        totals.repositories = rows.len();
        let mut errors = self.errors;
        errors.sort_by(|a, b| a.file.cmp(&b.file));
        Fleet {
            schema: 1,
            tool: TOOL,
            inputs: self.inputs,
            totals,
            reference_tables: reference.values().map(TableLabel::label).collect(),
            repositories: rows,
            manual: groups.into_sorted(),
            errors,
        }
    }
}

impl Totals {
    /// Adds one repository's counts.
    fn count(&mut self, acc: &RowAcc, table_status: TableStatus) {
        if !acc.tables.is_empty() {
            *self.tables.entry(table_status.as_str()).or_default() += 1;
        }
        if let Some(s) = &acc.scan {
            self.findings += s.findings;
            for (k, n) in &s.findings_by_kind {
                *self.findings_by_kind.entry(k.clone()).or_default() += n;
            }
            self.auto += s.auto;
            self.manual += s.manual;
            self.none += s.none;
        }
        if let Some(r) = &acc.rewrite {
            self.edits += r.edits;
            self.manual_left += r.manual;
        }
        if let Some(p) = &acc.parity {
            *self.parity.entry(p.verdict.clone()).or_default() += 1;
        }
    }
}

/// Manual items across the fleet, grouped by rule, with how often each
/// text occurs (to pick the example).
#[derive(Default)]
struct Groups {
    groups: BTreeMap<String, ManualGroup>,
    texts: BTreeMap<String, BTreeMap<String, u64>>,
}

impl Groups {
    fn add(&mut self, name: &str, manual: &ManualAcc) {
        for (rule, (kind, matches)) in &manual.by_rule {
            let g = self
                .groups
                .entry(rule.clone())
                .or_insert_with(|| ManualGroup {
                    rule: rule.clone(),
                    kind: kind.clone(),
                    example: String::new(),
                    repositories: 0,
                    occurrences: 0,
                    names: Vec::new(),
                });
            g.repositories += 1;
            g.names.push(name.to_owned());
            let t = self.texts.entry(rule.clone()).or_default();
            for (m, n) in matches {
                g.occurrences += n;
                *t.entry(m.clone()).or_default() += n;
            }
        }
    }

    /// Each group with its example, the most widespread first.
    fn into_sorted(mut self) -> Vec<ManualGroup> {
        for (rule, t) in self.texts {
            if let (Some(g), Some((m, _))) = (
                self.groups.get_mut(&rule),
                // Most frequent; among equals the first (smallest) text.
                t.iter().rev().max_by_key(|(_, n)| **n),
            ) {
                g.example = m.clone();
            }
        }
        let mut manual: Vec<ManualGroup> = self.groups.into_values().collect();
        manual.sort_by(|a, b| {
            b.repositories
                .cmp(&a.repositories)
                .then(b.occurrences.cmp(&a.occurrences))
                .then_with(|| a.rule.cmp(&b.rule))
        });
        manual
    }
}

/// Per target, the newest table: by version; at equal versions the tool's
/// own table wins, else the label seen first in sorted order.
fn references<'a>(
    known: &[TableLabel],
    seen: impl Iterator<Item = &'a String>,
) -> BTreeMap<String, TableLabel> {
    let mut out: BTreeMap<String, TableLabel> = BTreeMap::new();
    for k in known {
        out.insert(k.target.clone(), k.clone());
    }
    let seen: BTreeSet<TableLabel> = seen.filter_map(|s| TableLabel::parse(s)).collect();
    for t in seen {
        match out.get(&t.target) {
            Some(r) if r.version >= t.version => {}
            _ => {
                out.insert(t.target.clone(), t);
            }
        }
    }
    out
}

fn status(label: &str, reference: &BTreeMap<String, TableLabel>) -> TableStatus {
    let Some(t) = TableLabel::parse(label) else {
        return TableStatus::Unknown;
    };
    match reference.get(&t.target) {
        None => TableStatus::Unknown,
        Some(r) if t.version < r.version => TableStatus::Older,
        Some(r) if t.hash != r.hash => TableStatus::Differs,
        Some(_) => TableStatus::Current,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::fleet::input::parse;

    fn scan(repo: &str, table: &str, items: &[(&str, &str, &str)]) -> InputReport {
        let findings: Vec<serde_json::Value> = items
            .iter()
            .map(|(kind, fix, rule)| {
                serde_json::json!({"path": "a", "kind": kind, "match": format!("m-{rule}"),
                    "fix": fix, "rule": rule})
            })
            .collect();
        let doc = serde_json::json!({"schema": 1, "tool": {"name": "llmgw-migrate"},
            "repository": repo, "table": table, "findings": findings});
        parse(doc.to_string().as_bytes()).unwrap()
    }

    #[test]
    fn older_and_different_tables_are_flagged() {
        let known = [TableLabel::parse("ominigate@2026-11-26+sha256:aaa").unwrap()];
        let mut m = Merger::default();
        m.add(
            scan("a/current", "ominigate@2026-11-26+sha256:aaa", &[]),
            "x",
        );
        m.add(scan("a/old", "ominigate@2026-10-01+sha256:bbb", &[]), "x");
        m.add(
            scan("a/custom", "ominigate@2026-11-26+sha256:ccc", &[]),
            "x",
        );
        m.add(scan("a/other", "acme@2026-01-01+sha256:ddd", &[]), "x");
        m.add(scan("a/garbled", "whatever", &[]), "x");
        let f = m.finish(&known);
        let st: BTreeMap<&str, TableStatus> = f
            .repositories
            .iter()
            .map(|r| (r.repository.as_str(), r.table_status))
            .collect();
        assert_eq!(st["a/current"], TableStatus::Current);
        assert_eq!(st["a/old"], TableStatus::Older);
        assert_eq!(st["a/custom"], TableStatus::Differs);
        // A target the tool does not carry: the newest seen is the reference.
        assert_eq!(st["a/other"], TableStatus::Current);
        assert_eq!(st["a/garbled"], TableStatus::Unknown);
        assert_eq!(f.totals.tables["older"], 1);
    }

    #[test]
    fn a_newer_table_in_the_fleet_makes_the_tools_own_older() {
        let known = [TableLabel::parse("ominigate@2026-11-26+sha256:aaa").unwrap()];
        let mut m = Merger::default();
        m.add(scan("a/1", "ominigate@2026-11-26+sha256:aaa", &[]), "x");
        m.add(scan("a/2", "ominigate@2026-12-24+sha256:eee", &[]), "x");
        let f = m.finish(&known);
        assert_eq!(f.repositories[0].table_status, TableStatus::Older);
        assert_eq!(f.repositories[1].table_status, TableStatus::Current);
        assert_eq!(f.reference_tables, ["ominigate@2026-12-24+sha256:eee"]);
    }

    #[test]
    fn manual_items_group_by_rule_across_repositories() {
        let t = "ominigate@2026-11-26+sha256:aaa";
        let mut m = Merger::default();
        for repo in ["a/1", "a/2", "a/3"] {
            m.add(
                scan(
                    repo,
                    t,
                    &[
                        ("model-slug", "manual", "ominigate:models:x"),
                        ("model-slug", "manual", "ominigate:models:x"),
                        ("base-url", "auto", "b"),
                    ],
                ),
                "x",
            );
        }
        m.add(
            scan("a/4", t, &[("openrouter-field", "manual", "f:models")]),
            "x",
        );
        let f = m.finish(&[]);
        assert_eq!(f.manual.len(), 2);
        assert_eq!(f.manual[0].rule, "ominigate:models:x");
        assert_eq!(f.manual[0].repositories, 3);
        assert_eq!(f.manual[0].occurrences, 6);
        assert_eq!(f.manual[0].names, ["a/1", "a/2", "a/3"]);
        assert_eq!(f.manual[0].example, "m-ominigate:models:x");
        assert_eq!(f.totals.manual, 7);
        assert_eq!(f.totals.auto, 3);
    }

    #[test]
    fn a_group_shows_its_most_frequent_text() {
        let doc = |repo: &str, matches: &[&str]| {
            let findings: Vec<serde_json::Value> = matches
                .iter()
                .map(|m| {
                    serde_json::json!({"kind": "openrouter-field", "match": m, "fix": "manual",
                        "rule": "t:fields:models"})
                })
                .collect();
            let v = serde_json::json!({"schema": 1, "tool": {"name": "llmgw-migrate"},
                "repository": repo, "table": "t@1+sha256:a", "findings": findings});
            parse(v.to_string().as_bytes()).unwrap()
        };
        let mut m = Merger::default();
        m.add(doc("a/1", &["Models", "models"]), "x");
        m.add(doc("a/2", &["models"]), "x");
        assert_eq!(m.finish(&[]).manual[0].example, "models");
        let mut m = Merger::default();
        m.add(doc("a/1", &["b", "a"]), "x");
        assert_eq!(m.finish(&[]).manual[0].example, "a");
    }

    #[test]
    fn untagged_reports_use_the_fallback_and_shards_add_up() {
        let mut m = Merger::default();
        let p = |fail: u64| {
            let doc = serde_json::json!({"schema": 1, "verdict": if fail > 0 {"fail"} else {"pass"},
                "prompts": [], "summary": {"results": 4, "pass": 4 - fail, "fail": fail, "error": 0}});
            parse(doc.to_string().as_bytes()).unwrap()
        };
        m.add(p(0), "parity-1");
        m.add(p(1), "parity-1");
        let f = m.finish(&[]);
        let row = &f.repositories[0];
        assert_eq!(row.repository, "parity-1");
        let parity = row.parity.as_ref().unwrap();
        assert_eq!((parity.reports, parity.results, parity.fail), (2, 8, 1));
        assert_eq!(parity.verdict, "fail");
        assert_eq!(f.totals.parity["fail"], 1);
    }
}
