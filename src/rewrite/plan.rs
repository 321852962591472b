//! findings -> edits: every `auto` finding becomes an edit (scan's, or one
//! computed here), every other one a manual item; conflicting edits are
//! dropped together and reported.

use std::path::{Path, PathBuf};

use serde::Serialize;

use super::{blocks, checklist, envkeep, headers, idents, placeholders, verify};
use crate::finding::{Finding, Fix, Kind};
use crate::rules::TargetTable;
use crate::scan::{FileKind, FileResult, ScanError, ScanReport};
use crate::source::{Edit, SourceText};

#[derive(Debug, Clone, Default)]
pub struct RewriteOptions {
    /// In env files, add the new variable next to the old one.
    pub keep_old_env: bool,
    /// Rename program identifiers named after OpenRouter too (`--rename-identifiers`).
    pub rename_identifiers: bool,
    /// The identifiers renamed across the scan, old -> new (filled by [`plan`]).
    pub identifiers: Vec<(String, String)>,
}

/// One edit with where it is and why.
#[derive(Debug, Clone, Serialize, schemars::JsonSchema)]
pub struct PlannedEdit {
    #[serde(skip)]
    pub edit: Edit,
    /// 1-based position of the replaced span (start and end).
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub kind: Kind,
    pub rule: String,
    /// The text replaced and its replacement.
    pub before: String,
    pub after: String,
}

/// Something a person must decide.
#[derive(Debug, Clone, Serialize, PartialEq, schemars::JsonSchema)]
pub struct ManualItem {
    pub path: String,
    pub line: usize,
    pub column: usize,
    pub kind: Kind,
    /// The source text (secrets redacted by scan).
    #[serde(rename = "match")]
    pub what: String,
    pub why: String,
    /// The suggested change.
    pub suggestion: String,
    pub rule: String,
    /// Scan marked it automatic but no safe edit was found (or edits
    /// conflicted): `--check` keeps failing until a person handles it.
    pub unapplied_auto: bool,
}

#[derive(Debug, Clone)]
pub struct FilePlan {
    pub path: String,
    pub abs: PathBuf,
    pub kind: FileKind,
    /// The file as scan read it.
    pub source: SourceText,
    pub edits: Vec<PlannedEdit>,
    /// The new bytes, when the edits apply and the result verifies.
    pub output: Option<Vec<u8>>,
    /// Why the file is left as it was despite its edits.
    pub problem: Option<String>,
}

impl FilePlan {
    /// Whether writing this file would change it.
    pub fn changes(&self) -> bool {
        self.output
            .as_ref()
            .is_some_and(|o| *o != self.source.bytes)
    }
}

#[derive(Debug, Clone)]
pub struct Plan {
    pub table: String,
    pub files: Vec<FilePlan>,
    pub manual: Vec<ManualItem>,
    /// What no edit can do (deployment variables, keys to revoke, ...).
    pub checklist: Vec<checklist::ChecklistItem>,
    pub errors: Vec<ScanError>,
}

impl Plan {
    pub fn pending(&self) -> impl Iterator<Item = &FilePlan> {
        self.files.iter().filter(|f| f.changes())
    }

    pub fn edit_count(&self) -> usize {
        self.pending().map(|f| f.edits.len()).sum()
    }

    /// Automatic work left: edits to apply, or automatic findings that
    /// could not be turned into a safe edit (what `--check` fails on).
    pub fn auto_pending(&self) -> bool {
        self.files.iter().any(|f| !f.edits.is_empty())
            || self.manual.iter().any(|m| m.unapplied_auto)
    }

    /// Files whose edits cannot be applied (conflict, no longer parses).
    pub fn refused(&self) -> impl Iterator<Item = &FilePlan> {
        self.files.iter().filter(|f| f.problem.is_some())
    }
}

/// A candidate edit before conflict checks.
#[derive(Debug, Clone)]
struct Cand {
    edit: Edit,
    kind: Kind,
    rule: String,
}

pub fn plan(report: ScanReport, target: &TargetTable, mut opts: RewriteOptions) -> Plan {
    let mut files = Vec::new();
    let mut manual = Vec::new();
    if opts.rename_identifiers {
        opts.identifiers = report
            .findings()
            .filter(|f| f.rule.ends_with(":identifier"))
            .filter_map(|f| Some((f.matched.clone(), f.replacement.clone()?)))
            .collect();
        opts.identifiers.sort();
        opts.identifiers.dedup();
    }
    for fr in report.files {
        let (fp, mut m) = plan_file(fr, target, &opts);
        manual.append(&mut m);
        if !fp.edits.is_empty() || fp.problem.is_some() {
            files.push(fp);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    manual.extend(files.iter().filter_map(lockfile_note));
    manual.sort_by(|a, b| (&a.path, a.line, a.column).cmp(&(&b.path, b.line, b.column)));
    Plan {
        table: report.table,
        checklist: checklist::build(&files, &manual, target),
        files,
        manual,
        errors: report.errors,
    }
}

/// A package.json whose SDK package is swapped leaves its lockfile behind:
/// only the package manager can update it.
fn lockfile_note(fp: &FilePlan) -> Option<ManualItem> {
    if !fp.path.ends_with("package.json") || !fp.edits.iter().any(|e| e.kind == Kind::SdkPackage) {
        return None;
    }
    let dir = fp.abs.parent()?;
    let lock = [
        "package-lock.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "bun.lockb",
    ]
    .into_iter()
    .find(|l| dir.join(l).is_file())?;
    let e = fp.edits.iter().find(|e| e.kind == Kind::SdkPackage)?;
    Some(ManualItem {
        path: fp.path.clone(),
        line: e.line,
        column: e.column,
        kind: Kind::SdkPackage,
        what: e.before.clone(),
        why: format!("{lock} still pins the old package"),
        suggestion: "run the package manager's install after the rewrite and commit the lockfile"
            .into(),
        rule: "rewrite:lockfile".into(),
        unapplied_auto: false,
    })
}

fn manual_from(f: &Finding, why: Option<String>) -> ManualItem {
    let new = f.replacement.as_deref().unwrap_or("the target's variable");
    let rule_says = |suffix: &str| f.rule.ends_with(suffix);
    let suggestion = match (&f.replacement, f.kind) {
        _ if rule_says(":stays") => {
            "keep it while the request's URL stays on OpenRouter; change both together".into()
        }
        _ if rule_says(":still-read") => {
            format!("keep it, and set {new} next to it (rewrite adds it to .env files)")
        }
        _ if rule_says(":holds-key") => format!(
            "create a key on the target gateway, set it as {new} (not this value), and revoke the OpenRouter key"
        ),
        _ if rule_says(":sends-key") => format!(
            "replace the hard-coded key with the target's key read from the environment, revoke the OpenRouter key, then set the URL to `{new}`"
        ),
        (_, Kind::Secret) => {
            "remove the key from the code, rotate it at OpenRouter, and read the target's key from the environment".into()
        }
        (Some(r), _) => format!("replace with `{r}` once you have checked it fits"),
        (None, Kind::ModelSlug) => {
            "look the model up in the target's model list and set its id by hand".into()
        }
        (None, Kind::OpenrouterField) => {
            "remove the field, or use the target's own mechanism for it (see why)".into()
        }
        (None, Kind::BaseUrl) => {
            "no equivalent endpoint on the target: remove this call or rework it".into()
        }
        (None, Kind::SdkPackage) => {
            "replace the package with an OpenAI-compatible client pointed at the target's base URL".into()
        }
        (None, Kind::AttributionHeader) => "remove the header by hand".into(),
        (None, Kind::ApiKeyEnv) => "rename the variable to the target's by hand".into(),
    };
    ManualItem {
        path: f.path.clone(),
        line: f.line,
        column: f.column,
        kind: f.kind,
        what: f.matched.clone(),
        why: why.unwrap_or_else(|| f.message.clone()),
        suggestion,
        rule: f.rule.clone(),
        unapplied_auto: f.fix == Fix::Auto,
    }
}

pub fn plan_file(
    fr: FileResult,
    target: &TargetTable,
    opts: &RewriteOptions,
) -> (FilePlan, Vec<ManualItem>) {
    let kind = FileKind::detect(Path::new(&fr.path));
    let src = &fr.source;
    let Triage {
        mut cands,
        mut manual,
        headers,
        kept_lines,
    } = triage(&fr, kind, target, opts);
    if !kept_lines.is_empty() {
        // --keep-old-env keeps the old line exactly as it is.
        cands.retain(|c| {
            !kept_lines.contains(&src.line_col(c.edit.range.start).0)
                || c.rule.ends_with("(keep-old-env)")
        });
    }
    if !headers.is_empty() {
        let (c, m) = header_removals(kind, &src.text, &headers);
        cands.extend(c);
        manual.extend(m);
    }
    cands.extend(identifier_cands(kind, &fr, target, opts, &mut manual));
    // An edit that changes nothing is no edit (keeps a second run a no-op).
    cands.retain(|c| src.text.get(c.edit.range.clone()) != Some(c.edit.text.as_str()));
    let renamed: Vec<_> = cands
        .iter()
        .filter(|c| {
            c.kind == Kind::ApiKeyEnv && c.edit.text.to_ascii_uppercase().ends_with(&target.key_env)
        })
        .map(|c| c.edit.range.clone())
        .collect();
    let taken: Vec<_> = cands.iter().map(|c| c.edit.range.clone()).collect();
    for edit in placeholders::follow(kind, src, &renamed, &taken, target) {
        cands.push(Cand {
            edit,
            kind: Kind::ApiKeyEnv,
            rule: placeholders::RULE.into(),
        });
    }
    let (kept, conflicts) = resolve(cands);
    manual.extend(conflicts.iter().map(|g| conflict_item(&fr.path, src, g)));
    let edits: Vec<PlannedEdit> = kept.into_iter().map(|c| planned(src, c)).collect();
    let mut fp = FilePlan {
        path: fr.path,
        abs: fr.abs,
        kind,
        source: fr.source,
        edits,
        output: None,
        problem: None,
    };
    if !fp.edits.is_empty() {
        let edits: Vec<Edit> = fp.edits.iter().map(|e| e.edit.clone()).collect();
        match verify::verify(fp.kind, &fp.path, &fp.source, &edits) {
            Ok(out) => fp.output = Some(out),
            Err(why) => fp.problem = Some(why.to_string()),
        }
    }
    (fp, manual)
}

/// A file's findings sorted by what becomes of them.
#[derive(Default)]
struct Triage<'f> {
    cands: Vec<Cand>,
    manual: Vec<ManualItem>,
    /// Attribution headers without an edit of their own: removed together,
    /// since removing one entry can depend on its neighbours.
    headers: Vec<&'f Finding>,
    /// Lines of an env file whose old variable stays as it is.
    kept_lines: Vec<usize>,
}

fn triage<'f>(
    fr: &'f FileResult,
    kind: FileKind,
    target: &TargetTable,
    opts: &RewriteOptions,
) -> Triage<'f> {
    let src = &fr.source;
    let mut t = Triage::default();
    let keep_env = opts.keep_old_env && kind == FileKind::Env;
    for f in &fr.findings {
        match f.fix {
            Fix::None if opts.rename_identifiers && f.rule.ends_with(":identifier") => {
                if let Some(new) = &f.replacement {
                    t.cands.push(Cand {
                        edit: Edit {
                            range: f.span.clone(),
                            text: new.clone(),
                        },
                        kind: f.kind,
                        rule: f.rule.clone(),
                    });
                }
            }
            Fix::None => {}
            // The old variable stays (a staying request reads it, or
            // --keep-old-env keeps a key in place): add the target's next to it.
            Fix::Manual
                if f.kind == Kind::ApiKeyEnv
                    && kind == FileKind::Env
                    && (f.rule.ends_with(":still-read")
                        || opts.keep_old_env && f.rule.ends_with(":holds-key")) =>
            {
                t.manual.push(manual_from(f, None));
                let mut renamed = f.clone();
                renamed.edit = f.replacement.clone().map(|text| Edit {
                    range: f.span.clone(),
                    text,
                });
                // Already a manual item: nothing more to say when no line
                // can be added.
                let _ = t.keep_old(src, &renamed, &fr.findings, target);
            }
            Fix::Manual => t.manual.push(manual_from(f, None)),
            Fix::Auto if f.kind == Kind::ApiKeyEnv && keep_env => {
                if let Some(why) = t.keep_old(src, f, &fr.findings, target) {
                    t.manual.push(manual_from(f, Some(why)));
                }
            }
            Fix::Auto => match &f.edit {
                Some(e) => t.cands.push(Cand {
                    edit: e.clone(),
                    kind: f.kind,
                    rule: f.rule.clone(),
                }),
                None if f.kind == Kind::AttributionHeader => t.headers.push(f),
                None => t.manual.push(manual_from(
                    f,
                    Some(format!("{} (no automatic edit was produced)", f.message)),
                )),
            },
        }
    }
    t
}

impl Triage<'_> {
    /// Keep the old env line and add the new variable after it; returns
    /// why not, when it cannot be done safely.
    fn keep_old(
        &mut self,
        src: &SourceText,
        f: &Finding,
        all: &[Finding],
        target: &TargetTable,
    ) -> Option<String> {
        match envkeep::insert(src, f, all, target) {
            envkeep::EnvKeep::Insert(e) => {
                self.kept_lines.push(src.line_col(f.span.start).0);
                self.cands.push(Cand {
                    edit: e,
                    kind: f.kind,
                    rule: format!("{} (keep-old-env)", f.rule),
                });
                None
            }
            envkeep::EnvKeep::Done => {
                self.kept_lines.push(src.line_col(f.span.start).0);
                None
            }
            envkeep::EnvKeep::Manual(why) => Some(why),
        }
    }
}

/// Identifiers renamed inside interpolated strings, and SDK renames that
/// follow a package swap (with manual items for those that cannot).
fn identifier_cands(
    kind: FileKind,
    fr: &FileResult,
    target: &TargetTable,
    opts: &RewriteOptions,
    manual: &mut Vec<ManualItem>,
) -> Vec<Cand> {
    let src = &fr.source;
    let mut cands = Vec::new();
    for (range, new) in idents::interpolated(kind, &src.text, &opts.identifiers) {
        cands.push(Cand {
            edit: Edit { range, text: new },
            kind: Kind::ApiKeyEnv,
            rule: "rewrite:identifier:interpolated".into(),
        });
    }
    for (e, rule) in idents::renames(
        kind,
        &fr.path,
        src,
        &fr.findings,
        target,
        opts.rename_identifiers,
        manual,
    ) {
        cands.push(Cand {
            edit: e,
            kind: Kind::SdkPackage,
            rule,
        });
    }
    cands
}

/// A kept candidate with its position and the text it replaces.
fn planned(src: &SourceText, c: Cand) -> PlannedEdit {
    let (line, column) = src.line_col(c.edit.range.start);
    let (end_line, end_column) = src.line_col(c.edit.range.end);
    PlannedEdit {
        before: src.text[c.edit.range.clone()].to_string(),
        after: c.edit.text.clone(),
        edit: c.edit,
        line,
        column,
        end_line,
        end_column,
        kind: c.kind,
        rule: c.rule,
    }
}

/// Edits removing the attribution headers of `findings` (keeping blocks
/// valid), and manual items for those that cannot be removed safely.
fn header_removals(
    kind: FileKind,
    text: &str,
    findings: &[&Finding],
) -> (Vec<Cand>, Vec<ManualItem>) {
    let spans: Vec<_> = findings.iter().map(|f| f.span.clone()).collect();
    let (groups, mut failed) = if kind == FileKind::Notebook {
        super::notebook::header_removals(text, &spans)
    } else {
        headers::removals(kind, text, &spans)
    };
    let mut header_edits: Vec<(Edit, String)> = Vec::new();
    let all: Vec<Edit> = groups
        .iter()
        .flat_map(|g| g.edits.iter().cloned())
        .collect();
    for g in groups {
        let f = findings[g.members[0]];
        if g.edits
            .iter()
            .any(|e| blocks::orphans_a_body(kind, text, e))
        {
            let why =
                "removing this statement would leave a brace-less if/else/loop without its body";
            failed.extend(g.members.iter().map(|&i| (i, why.to_string())));
            continue;
        }
        if g.edits
            .iter()
            .any(|e| blocks::empties_a_brace_block(kind, text, e, &all))
        {
            let why = "removing this statement would leave its { } block empty (a value bound only for it would go unused: a warning in Rust, an error in Go); remove the block, or the statement, by hand";
            failed.extend(g.members.iter().map(|&i| (i, why.to_string())));
            continue;
        }
        header_edits.extend(g.edits.into_iter().map(|e| (e, f.rule.clone())));
    }
    let mut edits: Vec<Edit> = header_edits.iter().map(|(e, _)| e.clone()).collect();
    blocks::fill_emptied(kind, text, &mut edits);
    let cands = edits
        .into_iter()
        .zip(header_edits)
        .map(|(edit, (_, rule))| Cand {
            edit,
            kind: Kind::AttributionHeader,
            rule,
        })
        .collect();
    let manual = failed
        .into_iter()
        .map(|(i, why)| {
            let f = findings[i];
            manual_from(f, Some(format!("{}: {why}", f.message)))
        })
        .collect();
    (cands, manual)
}

/// The manual item for edits that overlap on one span (none applied).
fn conflict_item(path: &str, src: &SourceText, group: &[Cand]) -> ManualItem {
    let first = &group[0];
    let (line, column) = src.line_col(first.edit.range.start);
    let descr: Vec<String> = group
        .iter()
        .map(|c| format!("{} -> {:?} ({})", c.kind, c.edit.text, c.rule))
        .collect();
    ManualItem {
        path: path.to_owned(),
        line,
        column,
        kind: first.kind,
        what: src.text[first.edit.range.clone()].to_string(),
        why: format!(
            "conflicting edits on one span; none applied: {}",
            descr.join("; ")
        ),
        suggestion: "pick one of the changes and apply it by hand".into(),
        rule: "rewrite:conflict".into(),
        unapplied_auto: true,
    }
}

/// Split candidates into those that can all apply and groups that
/// overlap (two insertions at one point count as overlapping).
fn resolve(mut cands: Vec<Cand>) -> (Vec<Cand>, Vec<Vec<Cand>>) {
    cands.sort_by(|a, b| {
        (a.edit.range.start, a.edit.range.end, &a.edit.text).cmp(&(
            b.edit.range.start,
            b.edit.range.end,
            &b.edit.text,
        ))
    });
    cands.dedup_by(|b, a| a.edit == b.edit);
    // An edit inside text that another edit deletes is moot (a URL in a
    // header entry that goes away): drop it rather than call it a conflict.
    let deletions: Vec<std::ops::Range<usize>> = cands
        .iter()
        .filter(|c| c.edit.text.is_empty() && !c.edit.range.is_empty())
        .map(|c| c.edit.range.clone())
        .collect();
    cands.retain(|c| {
        let r = &c.edit.range;
        !deletions
            .iter()
            .any(|d| d.start <= r.start && r.end <= d.end && d != r)
    });
    let mut kept = Vec::new();
    let mut conflicts = Vec::new();
    let mut cluster: Vec<Cand> = Vec::new();
    let mut end = 0usize;
    let overlaps = |c: &Cand, cluster: &[Cand], end: usize| {
        let r = &c.edit.range;
        cluster.iter().any(|o| {
            let q = &o.edit.range;
            (r.start < q.end && q.start < r.end)
                // Two insertions at one point have no order; an insertion at
                // the start of a replacement goes before it.
                || (r.start == q.start && r.is_empty() && q.is_empty())
        }) || r.start < end
    };
    for c in cands {
        if !cluster.is_empty() && !overlaps(&c, &cluster, end) {
            flush(&mut cluster, &mut kept, &mut conflicts);
        }
        end = end.max(c.edit.range.end);
        if cluster.is_empty() {
            end = c.edit.range.end;
        }
        cluster.push(c);
    }
    flush(&mut cluster, &mut kept, &mut conflicts);
    (kept, conflicts)
}

fn flush(cluster: &mut Vec<Cand>, kept: &mut Vec<Cand>, conflicts: &mut Vec<Vec<Cand>>) {
    match cluster.len() {
        0 => {}
        1 => kept.append(cluster),
        _ => conflicts.push(std::mem::take(cluster)),
    }
    cluster.clear();
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cand(r: std::ops::Range<usize>, t: &str) -> Cand {
        Cand {
            edit: Edit {
                range: r,
                text: t.into(),
            },
            kind: Kind::BaseUrl,
            rule: "t".into(),
        }
    }

    #[test]
    fn edits_inside_a_deletion_are_moot() {
        let (kept, conflicts) = resolve(vec![cand(0..10, ""), cand(2..5, "x"), cand(8..12, "y")]);
        assert_eq!(kept.len(), 0);
        assert_eq!(conflicts.len(), 1, "a partial overlap is still a conflict");
        let (kept, conflicts) = resolve(vec![cand(0..10, ""), cand(2..5, "x")]);
        assert_eq!(kept.len(), 1);
        assert!(kept[0].edit.text.is_empty());
        assert!(conflicts.is_empty());
    }

    #[test]
    fn overlapping_edits_are_all_dropped_identical_ones_merge() {
        let (kept, conflicts) = resolve(vec![
            cand(0..5, "a"),
            cand(3..8, "b"),
            cand(10..12, "c"),
            cand(10..12, "c"),
            cand(12..12, "d"),
            cand(20..20, "x"),
            cand(20..20, "y"),
        ]);
        let kept: Vec<_> = kept.iter().map(|c| c.edit.text.as_str()).collect();
        assert_eq!(kept, ["c", "d"]);
        assert_eq!(conflicts.len(), 2);
        assert_eq!(conflicts[0].len(), 2);
        assert_eq!(conflicts[1][0].edit.range, 20..20);
    }
}
