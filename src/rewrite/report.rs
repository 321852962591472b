//! What rewrite prints: the manual-attention report and the JSON document.

use serde::Serialize;

use super::plan::{ManualItem, Plan, PlannedEdit};
use crate::report::{Tool, TOOL};
use crate::scan::ScanError;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Mode {
    DryRun,
    Write,
    Check,
    /// `--branch`: committed to a new branch, the work tree untouched.
    Branch,
}

/// The stable JSON document of `rewrite --format json` (see docs/rewrite.md).
#[derive(Debug, Serialize)]
pub struct RewriteOutput<'a> {
    pub schema: u32,
    pub tool: Tool,
    pub table: &'a str,
    pub mode: Mode,
    pub files: Vec<FileOut<'a>>,
    pub manual: &'a [ManualItem],
    pub summary: Summary<'a>,
}

#[derive(Debug, Serialize)]
pub struct FileOut<'a> {
    pub path: &'a str,
    /// pending | written | committed | refused | failed
    pub status: &'static str,
    /// Why the file was not (or will not be) written.
    pub problem: Option<String>,
    pub edits: &'a [PlannedEdit],
}

#[derive(Debug, Serialize)]
pub struct Summary<'a> {
    pub files: usize,
    pub edits: usize,
    pub manual: usize,
    pub refused: usize,
    pub errors: Vec<&'a ScanError>,
}

pub fn json_doc<'a>(
    plan: &'a Plan,
    mode: Mode,
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
                    if mode == Mode::Branch {
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
        summary: Summary {
            files: files.len(),
            edits: plan.files.iter().map(|f| f.edits.len()).sum(),
            manual: plan.manual.len(),
            refused: plan.refused().count(),
            errors: plan.errors.iter().chain(extra_errors).collect(),
        },
        files,
        manual: &plan.manual,
    }
}

/// The manual-attention report, each line starting with `#` so that a
/// saved dry-run stays a patch `git apply` accepts.
pub fn manual_report(plan: &Plan) -> String {
    let mut s = String::new();
    if !plan.manual.is_empty() {
        s.push_str(&format!("# manual attention ({}):\n", plan.manual.len()));
        for m in &plan.manual {
            s.push_str(&format!(
                "#   {}:{}:{}  {}  {}{}\n#       why: {}\n#       suggested: {}\n",
                m.path,
                m.line,
                m.column,
                m.kind,
                m.what,
                if m.unapplied_auto {
                    "  (automatic, no safe edit)"
                } else {
                    ""
                },
                m.why,
                m.suggestion
            ));
        }
    }
    let refused: Vec<_> = plan.refused().collect();
    if !refused.is_empty() {
        s.push_str(&format!("# left unchanged ({}):\n", refused.len()));
        for f in refused {
            s.push_str(&format!(
                "#   {}: {}\n",
                f.path,
                f.problem.as_deref().unwrap_or("")
            ));
        }
    }
    s
}

/// Hide every key matching `pattern` (the source table's key regex) in
/// printed text: a patch line holding a key is redacted, so such a hunk
/// no longer applies, which is the price of never printing a key.
pub struct Redactor {
    re: Option<regex::bytes::Regex>,
    prefix: String,
}

impl Redactor {
    pub fn new(pattern: &str, prefix: &str) -> Redactor {
        Redactor {
            re: regex::bytes::Regex::new(pattern).ok(),
            prefix: prefix.to_owned(),
        }
    }

    pub fn bytes(&self, b: &[u8]) -> (Vec<u8>, bool) {
        let Some(re) = &self.re else {
            return (b.to_vec(), false);
        };
        if !re.is_match(b) {
            return (b.to_vec(), false);
        }
        let out = re.replace_all(b, |c: &regex::bytes::Captures| {
            let m = String::from_utf8_lossy(&c[0]).into_owned();
            crate::finding::redact(&m, &self.prefix).into_bytes()
        });
        (out.into_owned(), true)
    }

    pub fn text(&self, s: &str) -> String {
        String::from_utf8_lossy(&self.bytes(s.as_bytes()).0).into_owned()
    }
}
