//! The fleet view as Markdown (a CI job summary) and as a self-contained
//! HTML page (inline style, no scripts, nothing fetched).

use std::fmt::Write as _;

use super::input::ReportError;
use super::merge::{Fleet, ManualGroup, Row, TableStatus};
use crate::finding::Kind;
use crate::report::step_summary::{cell, code};

/// Repository names listed per manual rule in Markdown (JSON has them all).
const MD_NAMES: usize = 10;

/// Kinds with findings or edits anywhere in the fleet: the table columns.
fn kinds(f: &Fleet) -> Vec<String> {
    let mut used: Vec<String> = f
        .totals
        .findings_by_kind
        .iter()
        .filter(|(_, n)| **n > 0)
        .map(|(k, _)| k.clone())
        .chain(
            f.repositories
                .iter()
                .filter_map(|r| r.rewrite.as_ref())
                .flat_map(|r| {
                    r.edits_by_kind
                        .iter()
                        .filter(|(_, n)| **n > 0)
                        .map(|(k, _)| k.clone())
                }),
        )
        .collect();
    used.sort_by_key(|k| (Kind::parse(k).map_or(usize::MAX, |x| x as usize), k.clone()));
    used.dedup();
    used
}

fn plural(n: impl Into<u64>, one: &str, many: &str) -> String {
    let n = n.into();
    format!("{n} {}", if n == 1 { one } else { many })
}

/// One sentence with the fleet's totals.
fn headline(f: &Fleet) -> String {
    let t = &f.totals;
    let mut parts = vec![format!(
        "{} ({} auto, {} manual, {} none) across {}",
        plural(t.findings, "finding", "findings"),
        t.auto,
        t.manual,
        t.none,
        plural(t.repositories as u64, "repository", "repositories")
    )];
    if f.inputs.rewrite > 0 {
        parts.push(format!(
            "rewrite: {}, {} manual item(s) left",
            plural(t.edits, "edit", "edits"),
            t.manual_left
        ));
    }
    let older = t.tables.get("older").copied().unwrap_or(0);
    let differs = t.tables.get("differs").copied().unwrap_or(0);
    if older > 0 {
        parts.push(format!(
            "{} scanned with an older table",
            plural(older as u64, "repository", "repositories")
        ));
    }
    if differs > 0 {
        parts.push(format!(
            "{} with a modified table",
            plural(differs as u64, "repository", "repositories")
        ));
    }
    if !t.parity.is_empty() {
        let v: Vec<String> = t.parity.iter().map(|(k, n)| format!("{n} {k}")).collect();
        parts.push(format!("parity: {}", v.join(", ")));
    }
    if !f.errors.is_empty() {
        parts.push(format!(
            "{} not merged",
            plural(f.errors.len() as u64, "file", "files")
        ));
    }
    parts.join("; ") + "."
}

/// `target@version` for a cell (the hash is in the JSON and the footer).
fn short_table(label: &str) -> &str {
    label.split_once("+sha256:").map_or(label, |(t, _)| t)
}

fn rewrite_text(r: &Row) -> String {
    let Some(w) = &r.rewrite else {
        return String::new();
    };
    let mut s = format!(
        "{} in {}, {} left",
        plural(w.edits, "edit", "edits"),
        plural(w.files, "file", "files"),
        w.manual
    );
    if w.refused > 0 {
        let _ = write!(s, ", {} refused", w.refused);
    }
    s
}

fn parity_text(r: &Row) -> String {
    let Some(p) = &r.parity else {
        return String::new();
    };
    let mut s = format!("{} {}/{}", p.verdict, p.pass, p.results);
    if !p.unreachable.is_empty() {
        s.push_str(", unreachable");
    }
    s
}

/// `:line:col` of an input error, when known.
fn at(e: &ReportError) -> String {
    e.at.map(|(l, c)| format!(":{l}:{c}")).unwrap_or_default()
}

fn names_md(g: &ManualGroup) -> String {
    let shown: Vec<String> = g.names.iter().take(MD_NAMES).map(|n| cell(n)).collect();
    let more = g.names.len().saturating_sub(MD_NAMES);
    if more > 0 {
        format!("{}, and {more} more", shown.join(", "))
    } else {
        shown.join(", ")
    }
}

pub fn markdown(f: &Fleet) -> String {
    let mut o = String::new();
    let _ = writeln!(
        o,
        "### llmgw-migrate fleet: {}\n",
        plural(f.totals.repositories as u64, "repository", "repositories")
    );
    let _ = writeln!(o, "{}\n", headline(f));
    md_errors(&mut o, f);
    md_repositories(&mut o, f);
    md_manual(&mut o, f);
    if !f.reference_tables.is_empty() {
        let refs: Vec<String> = f.reference_tables.iter().map(|t| code(t)).collect();
        let _ = writeln!(o, "Reference tables: {}.", refs.join(", "));
    }
    o
}

/// The reports that could not be merged, and why.
fn md_errors(o: &mut String, f: &Fleet) {
    if f.errors.is_empty() {
        return;
    }
    let _ = writeln!(o, "#### Not merged ({})\n", f.errors.len());
    for e in &f.errors {
        let _ = writeln!(o, "- {}{}: {}", code(&e.file), at(e), cell(&e.message));
    }
    o.push('\n');
}

/// One row per repository; rewrite and parity columns only when some
/// repository has them.
fn md_repositories(o: &mut String, f: &Fleet) {
    if f.repositories.is_empty() {
        return;
    }
    let kinds = kinds(f);
    let has_rewrite = f.repositories.iter().any(|r| r.rewrite.is_some());
    let has_parity = f.repositories.iter().any(|r| r.parity.is_some());
    let mut head = vec!["repository", "table", "findings", "auto", "manual"];
    head.extend(kinds.iter().map(String::as_str));
    if has_rewrite {
        head.push("rewrite");
    }
    if has_parity {
        head.push("parity");
    }
    let _ = writeln!(o, "| {} |", head.join(" | "));
    let _ = writeln!(o, "|{}", " --- |".repeat(head.len()));
    for r in &f.repositories {
        let mut cells = md_scan_cells(r, &kinds);
        if has_rewrite {
            cells.push(rewrite_text(r));
        }
        if has_parity {
            cells.push(parity_text(r));
        }
        let _ = writeln!(o, "| {} |", cells.join(" | "));
    }
    o.push('\n');
}

/// A repository's name, tables and scan counts, as Markdown cells.
fn md_scan_cells(r: &Row, kinds: &[String]) -> Vec<String> {
    let table = r
        .tables
        .iter()
        .map(|t| code(short_table(t)))
        .collect::<Vec<_>>()
        .join(" ");
    let flag = match r.table_status {
        TableStatus::Current => "",
        TableStatus::Older => " ⚠️ **older**",
        TableStatus::Differs => " ⚠️ modified",
        TableStatus::Unknown => " unknown",
    };
    let mut cells = vec![cell(&r.repository), format!("{table}{flag}")];
    match &r.scan {
        Some(s) => {
            cells.extend([s.findings, s.auto, s.manual].map(|n| n.to_string()));
            cells.extend(
                kinds
                    .iter()
                    .map(|k| s.findings_by_kind.get(k).copied().unwrap_or(0).to_string()),
            );
        }
        None => cells.extend(std::iter::repeat_n("–".to_owned(), 3 + kinds.len())),
    }
    cells
}

fn md_manual(o: &mut String, f: &Fleet) {
    if f.manual.is_empty() {
        return;
    }
    let _ = writeln!(o, "#### Manual items by rule ({})\n", f.manual.len());
    let _ = writeln!(
        o,
        "| item | kind | rule | repositories | occurrences | where |"
    );
    let _ = writeln!(o, "| --- | --- | --- | --- | --- | --- |");
    for g in &f.manual {
        let _ = writeln!(
            o,
            "| {} | {} | {} | {} | {} | {} |",
            code(&g.example),
            cell(&g.kind),
            code(&g.rule),
            g.repositories,
            g.occurrences,
            names_md(g)
        );
    }
    o.push('\n');
}

fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for c in s.chars() {
        match c {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

const STYLE: &str = "
body{font:14px/1.45 system-ui,-apple-system,'Segoe UI',sans-serif;margin:2em;color:#1b1f24;background:#fff}
h1{font-size:1.5em;margin:0 0 .3em}h2{font-size:1.15em;margin:1.6em 0 .5em}
p.lead{margin:.2em 0 1em;color:#333}
table{border-collapse:collapse;margin:.4em 0}
th,td{border:1px solid #d0d7de;padding:.25em .55em;text-align:left;vertical-align:top}
th{background:#f3f5f7;position:sticky;top:0}
td.repo{white-space:nowrap}
td.n{text-align:right;font-variant-numeric:tabular-nums}
td.zero{color:#9aa3ab}
tr.older td{background:#fff4e5}tr.differs td{background:#fffbe0}
.flag{font-weight:600;color:#9a4d00}
.pass{color:#1a7f37;font-weight:600}.fail{color:#cf222e;font-weight:600}
code{font:12px ui-monospace,SFMono-Regular,Menlo,monospace;background:#f3f5f7;padding:0 .2em;border-radius:3px}
ul.errors li{color:#cf222e}
footer{margin-top:2em;color:#57606a;font-size:12px}
";

/// Self-contained: inline style, no scripts, a policy that forbids loading
/// anything, so the file can be attached to a CI run and opened anywhere.
pub fn html(f: &Fleet) -> String {
    let mut o = String::new();
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <title>llmgw-migrate fleet report</title>\n<style>{STYLE}</style>\n</head>\n<body>\n"
    );
    let _ = writeln!(
        o,
        "<h1>Fleet migration: {}</h1>\n<p class=\"lead\">{}</p>",
        esc(&plural(
            f.totals.repositories as u64,
            "repository",
            "repositories"
        )),
        esc(&headline(f))
    );
    html_errors(&mut o, f);
    html_repositories(&mut o, f);
    html_manual(&mut o, f);
    html_footer(&mut o, f);
    o
}

/// The reports that could not be merged, and why.
fn html_errors(o: &mut String, f: &Fleet) {
    if f.errors.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h2>Not merged ({})</h2>\n<ul class=\"errors\">",
        f.errors.len()
    );
    for e in &f.errors {
        let _ = writeln!(
            o,
            "<li><code>{}</code>{}: {}</li>",
            esc(&e.file),
            at(e),
            esc(&e.message)
        );
    }
    o.push_str("</ul>\n");
}

/// One row per repository; rewrite and parity columns only when some
/// repository has them.
fn html_repositories(o: &mut String, f: &Fleet) {
    if f.repositories.is_empty() {
        return;
    }
    let kinds = kinds(f);
    let has_rewrite = f.repositories.iter().any(|r| r.rewrite.is_some());
    let has_parity = f.repositories.iter().any(|r| r.parity.is_some());
    o.push_str("<h2>Repositories</h2>\n<table>\n<thead><tr><th>repository</th><th>table</th><th>findings</th><th>auto</th><th>manual</th>");
    for k in &kinds {
        let _ = write!(o, "<th>{}</th>", esc(k));
    }
    if has_rewrite {
        o.push_str("<th>rewrite</th>");
    }
    if has_parity {
        o.push_str("<th>parity</th>");
    }
    o.push_str("</tr></thead>\n<tbody>\n");
    for r in &f.repositories {
        html_scan_cells(o, r, &kinds);
        if has_rewrite {
            let _ = write!(o, "<td>{}", esc(&rewrite_text(r)));
            if let Some(b) = r.rewrite.as_ref().and_then(|w| w.branch.as_ref()) {
                let _ = write!(o, " on <code>{}</code>", esc(&b.name));
            }
            o.push_str("</td>");
        }
        if has_parity {
            let class = match r.parity.as_ref().map(|p| p.verdict.as_str()) {
                Some("pass") => "pass",
                Some(_) => "fail",
                None => "",
            };
            let _ = write!(o, "<td class=\"{class}\">{}</td>", esc(&parity_text(r)));
        }
        o.push_str("</tr>\n");
    }
    o.push_str("</tbody>\n</table>\n");
}

/// Opens a repository's row: its name, tables and scan counts.
fn html_scan_cells(o: &mut String, r: &Row, kinds: &[String]) {
    let num = |o: &mut String, n: u64| {
        let class = if n == 0 { "n zero" } else { "n" };
        let _ = write!(o, "<td class=\"{class}\">{n}</td>");
    };
    let _ = write!(
        o,
        "<tr class=\"{}\"><td class=\"repo\">{}</td><td>",
        r.table_status.as_str(),
        esc(&r.repository)
    );
    for t in &r.tables {
        let _ = write!(
            o,
            "<code title=\"{}\">{}</code> ",
            esc(t),
            esc(short_table(t))
        );
    }
    match r.table_status {
        TableStatus::Older => o.push_str("<span class=\"flag\">older table</span>"),
        TableStatus::Differs => o.push_str("<span class=\"flag\">modified table</span>"),
        TableStatus::Unknown => o.push_str("<span class=\"flag\">unknown table</span>"),
        TableStatus::Current => {}
    }
    o.push_str("</td>");
    match &r.scan {
        Some(s) => {
            for n in [s.findings, s.auto, s.manual] {
                num(o, n);
            }
            for k in kinds {
                num(o, s.findings_by_kind.get(k).copied().unwrap_or(0));
            }
        }
        None => {
            for _ in 0..3 + kinds.len() {
                o.push_str("<td class=\"n zero\">–</td>");
            }
        }
    }
}

fn html_manual(o: &mut String, f: &Fleet) {
    if f.manual.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h2>Manual items by rule ({})</h2>\n<table>\n<thead><tr><th>item</th><th>kind</th><th>rule</th><th>repositories</th><th>occurrences</th><th>where</th></tr></thead>\n<tbody>",
        f.manual.len()
    );
    for g in &f.manual {
        let names: Vec<String> = g.names.iter().map(|n| esc(n)).collect();
        let where_ = if names.len() > MD_NAMES {
            format!(
                "<details><summary>{}, …</summary>{}</details>",
                names[..3].join(", "),
                names.join(", ")
            )
        } else {
            names.join(", ")
        };
        let _ = writeln!(
            o,
            "<tr><td><code>{}</code></td><td>{}</td><td><code>{}</code></td><td class=\"n\">{}</td><td class=\"n\">{}</td><td>{where_}</td></tr>",
            esc(&g.example),
            esc(&g.kind),
            esc(&g.rule),
            g.repositories,
            g.occurrences
        );
    }
    o.push_str("</tbody>\n</table>\n");
}

/// The tool, the inputs counted by kind, and the reference tables; closes
/// the page.
fn html_footer(o: &mut String, f: &Fleet) {
    let refs: Vec<String> = f
        .reference_tables
        .iter()
        .map(|t| format!("<code>{}</code>", esc(t)))
        .collect();
    let _ = writeln!(
        o,
        "<footer>{} {}; {} report file(s) ({} scan, {} rewrite, {} parity); reference tables: {}</footer>\n</body>\n</html>",
        f.tool.name,
        f.tool.version,
        f.inputs.files,
        f.inputs.scan,
        f.inputs.rewrite,
        f.inputs.parity,
        if refs.is_empty() {
            "none".to_owned()
        } else {
            refs.join(", ")
        }
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup() {
        assert_eq!(
            esc("<a href='x'>&\"</a>"),
            "&lt;a href=&#39;x&#39;&gt;&amp;&quot;&lt;/a&gt;"
        );
    }
}
