//! Words for a rewrite someone will review: the commit message of
//! `rewrite --branch` and the pull-request description of `--pr-body`.

use std::collections::BTreeMap;
use std::fmt::Write as _;

use super::plan::{ManualItem, Plan};
use crate::finding::Kind;
use crate::report::step_summary::{cell, code};

/// Files and manual items listed in a commit message before "... more".
const LIST_MAX: usize = 100;

/// What the description is about.
pub struct Change<'a> {
    pub plan: &'a Plan,
    /// Display paths of the files in the commit.
    pub files: &'a [String],
    /// e.g. "OpenRouter" and "OminiGate".
    pub source_name: &'a str,
    pub target_name: &'a str,
    /// The target's key variable, e.g. `OMINIGATE_API_KEY`.
    pub target_key_env: &'a str,
}

impl Change<'_> {
    fn edits_by_kind(&self) -> BTreeMap<Kind, usize> {
        let mut m = BTreeMap::new();
        for f in self
            .plan
            .files
            .iter()
            .filter(|f| self.files.contains(&f.path))
        {
            for e in &f.edits {
                *m.entry(e.kind).or_default() += 1;
            }
        }
        m
    }

    fn edits_in(&self, path: &str) -> usize {
        self.plan
            .files
            .iter()
            .find(|f| f.path == path)
            .map_or(0, |f| f.edits.len())
    }

    fn subject(&self) -> String {
        format!("Move from {} to {}", self.source_name, self.target_name)
    }
}

fn manual_line(m: &ManualItem) -> String {
    format!("{}:{}:{}  {}  {}", m.path, m.line, m.column, m.kind, m.what)
}

/// Subject, then the changes by kind, the table, the files and the manual
/// items left, as plain text.
pub fn commit_message(c: &Change) -> String {
    let mut s = c.subject();
    s.push_str("\n\n");
    let by_kind = c.edits_by_kind();
    let total: usize = by_kind.values().sum();
    let _ = writeln!(
        s,
        "Rewritten by {} {} with table {}.\n",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        c.plan.table
    );
    let _ = writeln!(s, "Changes ({total} edit(s) in {} file(s)):", c.files.len());
    for (k, n) in &by_kind {
        let _ = writeln!(s, "  {:<20} {n}", k.as_str());
    }
    s.push('\n');
    let _ = writeln!(s, "Files:");
    for p in c.files.iter().take(LIST_MAX) {
        let _ = writeln!(s, "  {p} ({})", c.edits_in(p));
    }
    if c.files.len() > LIST_MAX {
        let _ = writeln!(s, "  ... and {} more", c.files.len() - LIST_MAX);
    }
    s.push('\n');
    if c.plan.manual.is_empty() {
        let _ = writeln!(s, "Manual items left: none.");
    } else {
        let _ = writeln!(s, "Manual items left ({}):", c.plan.manual.len());
        for m in c.plan.manual.iter().take(LIST_MAX) {
            let _ = writeln!(s, "  {}", manual_line(m));
        }
        if c.plan.manual.len() > LIST_MAX {
            let _ = writeln!(
                s,
                "  ... and {} more (llmgw-migrate rewrite --dry-run lists them)",
                c.plan.manual.len() - LIST_MAX
            );
        }
    }
    s
}

/// A pull-request description in Markdown: what changed, what a person
/// must do (a checklist), and the parity command to run before merging.
pub fn pr_body(c: &Change, branch: &str, commit: &str, parity_command: &str) -> String {
    let mut s = String::new();
    let _ = writeln!(s, "## {}\n", c.subject());
    let _ = writeln!(
        s,
        "Branch {} ({}) was written by `{} rewrite --branch` with table {}.\n",
        code(branch),
        code(&commit[..commit.len().min(12)]),
        env!("CARGO_PKG_NAME"),
        code(&c.plan.table)
    );
    let by_kind = c.edits_by_kind();
    what_changed(&mut s, c, &by_kind);
    what_to_do(&mut s, c, &by_kind);
    let _ = writeln!(
        s,
        "### Check parity before merging\n\nReplays the golden prompt set against both gateways and \
         compares the answers (exit 0 when they agree):\n\n```sh\n{parity_command}\n```"
    );
    s
}

/// The edits by kind, and the files they are in.
fn what_changed(s: &mut String, c: &Change, by_kind: &BTreeMap<Kind, usize>) {
    let total: usize = by_kind.values().sum();
    let _ = writeln!(
        s,
        "### What changed\n\n{total} edit(s) in {} file(s):\n",
        c.files.len()
    );
    let _ = writeln!(s, "| kind | edits |\n| --- | --- |");
    for (k, n) in by_kind {
        let _ = writeln!(s, "| {} | {n} |", code(k.as_str()));
    }
    let _ = writeln!(
        s,
        "\n<details><summary>Files ({})</summary>\n",
        c.files.len()
    );
    for p in c.files {
        let _ = writeln!(s, "- {} ({})", code(p), c.edits_in(p));
    }
    s.push_str("\n</details>\n\n");
}

/// The checklist, the manual items, and the files left unchanged.
fn what_to_do(s: &mut String, c: &Change, by_kind: &BTreeMap<Kind, usize>) {
    let _ = writeln!(s, "### What a person must do\n");
    if by_kind.contains_key(&Kind::ApiKeyEnv) {
        let _ = writeln!(
            s,
            "- [ ] Set {} wherever the old key variable is set today (CI secrets, deployment \
             environments, local `.env` files that are not committed).",
            code(c.target_key_env)
        );
    }
    if c.plan.manual.is_empty() {
        let _ = writeln!(s, "- No manual items: every finding was rewritten.");
    } else {
        let _ = writeln!(
            s,
            "- [ ] Handle the {} manual item(s) below (each names why and a suggested change).",
            c.plan.manual.len()
        );
    }
    let _ = writeln!(
        s,
        "- [ ] Run the parity check below and attach its report.\n"
    );
    if !c.plan.manual.is_empty() {
        let _ = writeln!(s, "| where | kind | item | why | suggested |");
        let _ = writeln!(s, "| --- | --- | --- | --- | --- |");
        for m in &c.plan.manual {
            let _ = writeln!(
                s,
                "| {} | {} | {} | {} | {} |",
                code(&format!("{}:{}:{}", m.path, m.line, m.column)),
                m.kind,
                code(&m.what),
                cell(&m.why),
                cell(&m.suggestion)
            );
        }
        s.push('\n');
    }
    let refused: Vec<_> = c.plan.refused().collect();
    if !refused.is_empty() {
        let _ = writeln!(s, "Left unchanged ({}):\n", refused.len());
        for f in refused {
            let _ = writeln!(
                s,
                "- {}: {}",
                code(&f.path),
                cell(f.problem.as_deref().unwrap_or(""))
            );
        }
        s.push('\n');
    }
}
