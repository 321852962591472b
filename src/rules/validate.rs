//! Parsing and validating table files, with `file:line:col: message`
//! diagnostics for every problem found.

use std::collections::{HashMap, HashSet};
use std::fmt;

use regex::Regex;
use serde_saphyr::{Location, Spanned};

use super::schema::{KindProbe, ModelRow, SourceTable, Status, TargetTable};
use super::{sha12, AnyTable, Loaded, RulesError};

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Diagnostic {
    pub file: String,
    pub line: u64,
    pub column: u64,
    pub message: String,
}

impl Diagnostic {
    pub fn plain(file: &str, message: &str) -> Diagnostic {
        Diagnostic {
            file: file.to_owned(),
            line: 1,
            column: 1,
            message: message.to_owned(),
        }
    }

    fn at(file: &str, loc: &Location, message: String) -> Diagnostic {
        Diagnostic {
            file: file.to_owned(),
            line: loc.line().max(1),
            column: loc.column().max(1),
            message,
        }
    }
}

impl fmt::Display for Diagnostic {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "{}:{}:{}: {}",
            self.file, self.line, self.column, self.message
        )
    }
}

fn yaml_error(file: &str, e: &serde_saphyr::Error) -> Diagnostic {
    let (loc, message) = crate::yaml::error_parts(e);
    let (line, column) = loc.unwrap_or((1, 1));
    Diagnostic {
        file: file.to_owned(),
        line,
        column,
        message,
    }
}

pub fn parse(file: &str, text: &str) -> Result<AnyTable, RulesError> {
    let hash = sha12(text.as_bytes());
    // A target table (hundreds of model rows) read once rather than probed
    // first: the probe parsed the whole document too, and the embedded
    // tables cost a scan of a small tree more than its files. Anything
    // else, or a table with errors, takes the probing path below.
    if text.lines().any(|l| l.trim_end() == "kind: target") {
        if let Ok(table) = serde_saphyr::from_str::<TargetTable>(text) {
            if table.kind == "target" {
                let diags = check_target(file, &table);
                if !diags.is_empty() {
                    return Err(RulesError(diags));
                }
                return Ok(AnyTable::Target(Loaded {
                    file: file.to_owned(),
                    hash,
                    table,
                }));
            }
        }
    }
    let probe: KindProbe =
        serde_saphyr::from_str(text).map_err(|e| RulesError(vec![yaml_error(file, &e)]))?;
    match probe.kind.value.as_str() {
        "source" => {
            let table: SourceTable =
                serde_saphyr::from_str(text).map_err(|e| RulesError(vec![yaml_error(file, &e)]))?;
            let diags = check_source(file, &table, &probe);
            if !diags.is_empty() {
                return Err(RulesError(diags));
            }
            Ok(AnyTable::Source(Loaded {
                file: file.to_owned(),
                hash,
                table,
            }))
        }
        "target" => {
            let table: TargetTable =
                serde_saphyr::from_str(text).map_err(|e| RulesError(vec![yaml_error(file, &e)]))?;
            let diags = check_target(file, &table);
            if !diags.is_empty() {
                return Err(RulesError(diags));
            }
            Ok(AnyTable::Target(Loaded {
                file: file.to_owned(),
                hash,
                table,
            }))
        }
        other => Err(RulesError(vec![Diagnostic::at(
            file,
            &probe.kind.referenced,
            format!("unknown table kind '{other}' (expected 'source' or 'target')"),
        )])),
    }
}

/// A table build.rs already parsed, as JSON (see build.rs): deserialised and
/// checked like a parsed one. `None` (it does not read or does not pass)
/// sends the caller back to the YAML, whose errors carry lines.
pub(super) fn parse_pre_parsed(file: &str, pre: super::PreParsed) -> Option<AnyTable> {
    let (json, hash) = (pre.json, pre.hash);
    if pre.target {
        let table: TargetTable = serde_json::from_str(json).ok()?;
        (table.kind == "target" && check_target(file, &table).is_empty()).then(|| {
            AnyTable::Target(Loaded {
                file: file.to_owned(),
                hash: hash.to_owned(),
                table,
            })
        })
    } else {
        let table: SourceTable = serde_json::from_str(json).ok()?;
        let probe = KindProbe {
            kind: super::schema::spanned(table.kind.clone()),
        };
        (table.kind == "source" && check_source(file, &table, &probe).is_empty()).then(|| {
            AnyTable::Source(Loaded {
                file: file.to_owned(),
                hash: hash.to_owned(),
                table,
            })
        })
    }
}

fn check_date(file: &str, what: &str, s: &Spanned<String>, out: &mut Vec<Diagnostic>) {
    if !super::date::is_date(&s.value) {
        out.push(Diagnostic::at(
            file,
            &s.referenced,
            format!("{what} '{}' is not a date (YYYY-MM-DD)", s.value),
        ));
    }
}

fn check_source(file: &str, t: &SourceTable, probe: &KindProbe) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_date(file, "version", &t.version, &mut out);
    for c in &t.cite {
        check_date(file, "verified", &c.verified, &mut out);
    }
    for (what, pat) in [
        ("key_pattern", &t.key_pattern),
        ("env_name_pattern", &t.env_name_pattern),
    ] {
        if let Err(e) = Regex::new(pat) {
            out.push(Diagnostic::at(
                file,
                &probe.kind.referenced,
                format!("{what} is not a valid regex: {e}"),
            ));
        }
    }
    for (what, pat) in [
        ("model_pattern", t.model_pattern.as_ref()),
        ("env_word", t.env_word.as_ref()),
    ] {
        if let Some(Err(e)) = pat.map(|p| Regex::new(p)) {
            out.push(Diagnostic::at(
                file,
                &probe.kind.referenced,
                format!("{what} is not a valid regex: {e}"),
            ));
        }
    }
    let mut seen = HashSet::new();
    for m in &t.models {
        if !seen.insert(m.id.value.as_str()) {
            out.push(Diagnostic::at(
                file,
                &m.id.referenced,
                format!("duplicate model id '{}'", m.id.value),
            ));
        }
        if m.id.value.contains('/') || m.id.value.trim().is_empty() {
            out.push(Diagnostic::at(
                file,
                &m.id.referenced,
                format!("model id '{}' must be a bare provider id", m.id.value),
            ));
        }
        if !slug_re().is_match(&m.slug.value) {
            out.push(Diagnostic::at(
                file,
                &m.slug.referenced,
                format!(
                    "malformed OpenRouter slug '{}' (expected author/model)",
                    m.slug.value
                ),
            ));
        }
        if m.source.trim().is_empty() {
            out.push(Diagnostic::at(
                file,
                &m.id.referenced,
                format!("model '{}' has no source", m.id.value),
            ));
        }
    }
    if !t.models.is_empty() && t.protocol.is_none() {
        out.push(Diagnostic::at(
            file,
            &probe.kind.referenced,
            "bare model ids need a 'protocol' (direct provider profiles only)".into(),
        ));
    }
    out
}

fn slug_re() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(r"^~?[a-z0-9][a-z0-9._-]*(/[a-z0-9][a-z0-9._-]*)+(:[a-z0-9._-]+)?$").unwrap()
    })
}

/// A well-formed OpenRouter reference (`author/model[:variant]`).
pub(crate) fn is_slug(s: &str) -> bool {
    slug_re().is_match(s)
}

fn target_id_re() -> &'static Regex {
    static RE: std::sync::OnceLock<Regex> = std::sync::OnceLock::new();
    RE.get_or_init(|| {
        Regex::new(
            r"^[A-Za-z0-9][A-Za-z0-9._@-]*(/[A-Za-z0-9][A-Za-z0-9._@-]*)*(:[A-Za-z0-9._-]+)?$",
        )
        .unwrap()
    })
}

fn check_target(file: &str, t: &TargetTable) -> Vec<Diagnostic> {
    let mut out = Vec::new();
    check_date(file, "version", &t.version, &mut out);
    for c in &t.cite {
        check_date(file, "verified", &c.verified, &mut out);
    }
    check_unique_names(file, t, &mut out);
    let mut rows: HashMap<&str, &ModelRow> = HashMap::new();
    for row in &t.models {
        check_row(file, row, &mut rows, &mut out);
    }
    check_final(file, t, &rows, &mut out);
    out
}

/// Header, field and suffix names are compared case-insensitively.
fn check_unique_names(file: &str, t: &TargetTable, out: &mut Vec<Diagnostic>) {
    for (what, list) in [
        ("header", &t.headers),
        ("field", &t.fields),
        ("suffix", &t.suffixes),
    ] {
        let mut seen = HashSet::new();
        for d in list {
            if !seen.insert(d.name.value.to_ascii_lowercase()) {
                out.push(Diagnostic::at(
                    file,
                    &d.name.referenced,
                    format!("duplicate {what} '{}'", d.name.value),
                ));
            }
        }
    }
}

/// One model row: well-formed ids, a `from` not seen before (recorded in
/// `rows`), a source, dates, and a status that agrees with its `to`.
fn check_row<'a>(
    file: &str,
    row: &'a ModelRow,
    rows: &mut HashMap<&'a str, &'a ModelRow>,
    out: &mut Vec<Diagnostic>,
) {
    let from = &row.from;
    if !slug_re().is_match(&from.value) {
        out.push(Diagnostic::at(
            file,
            &from.referenced,
            format!(
                "malformed slug '{}' (expected lowercase author/model[:suffix])",
                from.value
            ),
        ));
    }
    if rows.insert(from.value.as_str(), row).is_some() {
        out.push(Diagnostic::at(
            file,
            &from.referenced,
            format!("duplicate from '{}'", from.value),
        ));
    }
    match &row.source {
        Some(s) if !s.value.trim().is_empty() => {}
        _ => out.push(Diagnostic::at(
            file,
            &from.referenced,
            format!("row '{}' has no source", from.value),
        )),
    }
    match &row.verified {
        Some(v) => check_date(file, "verified", v, out),
        None => out.push(Diagnostic::at(
            file,
            &from.referenced,
            format!("row '{}' has no verified date", from.value),
        )),
    }
    if let Some(r) = &row.retires_on {
        check_date(file, "retires_on", r, out);
    }
    if let Some(to) = &row.to {
        if !target_id_re().is_match(&to.value) {
            out.push(Diagnostic::at(
                file,
                &to.referenced,
                format!("malformed target id '{}'", to.value),
            ));
        }
    }
    if let Some(p) = status_problem(row) {
        out.push(Diagnostic::at(file, &from.referenced, p));
    }
}

/// A row's status and its `to` must agree.
fn status_problem(row: &ModelRow) -> Option<String> {
    let to = row.to.as_ref().map(|s| s.value.as_str());
    match (row.status, to) {
        (Status::Same, Some(to)) if to != row.from.value => {
            Some(format!("status same but to '{to}' differs from from"))
        }
        (Status::Renamed | Status::Retired, None) => {
            Some(format!("status {} needs a 'to'", row.status.as_str()))
        }
        (Status::Renamed | Status::Retired, Some(to)) if to == row.from.value => Some(format!(
            "status {} but to equals from (use status same)",
            row.status.as_str()
        )),
        _ => None,
    }
}

/// A `to` must be final: not a row that is itself retired, unsupported or
/// renamed again (a chain), and never lead back to where it started.
fn check_final(
    file: &str,
    t: &TargetTable,
    rows: &HashMap<&str, &ModelRow>,
    out: &mut Vec<Diagnostic>,
) {
    for row in &t.models {
        let (Some(to), Status::Renamed | Status::Retired) = (&row.to, row.status) else {
            continue;
        };
        let Some(next) = rows.get(to.value.as_str()) else {
            continue;
        };
        let msg = match next.status {
            Status::Same => continue,
            Status::Retired | Status::Unsupported => format!(
                "to '{}' is itself {} in this table",
                to.value,
                next.status.as_str()
            ),
            Status::Unverified => continue,
            Status::Renamed => chain_message(row, next, rows),
        };
        out.push(Diagnostic::at(file, &to.referenced, msg));
    }
}

/// `row` maps to `next`, itself renamed: follow the chain to tell a cycle
/// from a chain that merely needs shortening.
fn chain_message(row: &ModelRow, next: &ModelRow, rows: &HashMap<&str, &ModelRow>) -> String {
    let to = row.to.as_ref().map_or("", |s| s.value.as_str());
    let mut seen = HashSet::from([row.from.value.as_str()]);
    let mut cur = next;
    let mut cycle = false;
    while let Some(n) = cur.to.as_ref() {
        if !seen.insert(cur.from.value.as_str()) || n.value == row.from.value {
            cycle = true;
            break;
        }
        match rows.get(n.value.as_str()) {
            Some(r) if matches!(r.status, Status::Renamed | Status::Retired) => cur = r,
            _ => break,
        }
    }
    if cycle {
        format!("mapping cycle through '{to}'")
    } else {
        format!(
            "chain: to '{to}' is itself renamed to '{}'; map to the final id",
            next.to.as_ref().map(|s| s.value.as_str()).unwrap_or("?")
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const HEAD: &str = "kind: target\nid: t\nname: T\nversion: \"2026-11-01\"\nbase_url: https://x/v1\nkey_env: T_KEY\ncite: []\nheaders: []\nfields: []\nsuffixes: []\nendpoints: []\n";

    fn errs(models: &str) -> Vec<String> {
        let text = format!("{HEAD}models:\n{models}");
        match parse("t.yaml", &text) {
            Ok(_) => vec![],
            Err(RulesError(d)) => d.iter().map(|d| d.to_string()).collect(),
        }
    }

    #[test]
    fn a_good_table_passes() {
        let e = errs(
            "  - {from: a/b, to: a/c, status: renamed, source: s, verified: \"2026-01-01\"}\n",
        );
        assert!(e.is_empty(), "{e:?}");
    }

    #[test]
    fn each_broken_kind_is_reported_with_location() {
        let cases = [
            ("  - {from: a/b, status: same, source: s, verified: \"2026-01-01\", bogus: 1}\n", "unknown field"),
            ("  - {from: a/b, status: same, source: s, verified: \"2026-01-01\"}\n  - {from: a/b, status: same, source: s, verified: \"2026-01-01\"}\n", "t.yaml:14:12: duplicate from 'a/b'"),
            ("  - {from: a/b, to: a/c, status: retired, source: s, verified: \"2026-01-01\"}\n  - {from: a/c, status: unsupported, source: s, verified: \"2026-01-01\"}\n", "t.yaml:13:21: to 'a/c' is itself unsupported"),
            ("  - {from: a/b, to: a/c, status: renamed, source: s, verified: \"2026-01-01\"}\n  - {from: a/c, to: a/d, status: renamed, source: s, verified: \"2026-01-01\"}\n", "chain: to 'a/c'"),
            ("  - {from: a/b, to: a/c, status: renamed, source: s, verified: \"2026-01-01\"}\n  - {from: a/c, to: a/b, status: renamed, source: s, verified: \"2026-01-01\"}\n", "cycle"),
            ("  - {from: a/b, status: same, verified: \"2026-01-01\"}\n", "t.yaml:13:12: row 'a/b' has no source"),
            ("  - {from: a/b, status: same, source: s}\n", "has no verified date"),
            ("  - {from: a/b, status: same, source: s, verified: \"last week\"}\n", "is not a date"),
            ("  - {from: \"Not A Slug\", status: same, source: s, verified: \"2026-01-01\"}\n", "malformed slug"),
            ("  - {from: a/b, status: renamed, source: s, verified: \"2026-01-01\"}\n", "needs a 'to'"),
            ("  - {from: a/b, status: sideways, source: s, verified: \"2026-01-01\"}\n", "t.yaml:13"),
        ];
        for (rows, want) in cases {
            let e = errs(rows);
            assert!(
                e.iter()
                    .any(|m| m.contains(want) && m.starts_with("t.yaml:")),
                "for {rows:?} wanted {want:?}, got {e:?}"
            );
        }
    }

    #[test]
    fn not_yaml_and_wrong_kind() {
        let e = parse("x.yaml", "kind: [unclosed").unwrap_err();
        assert!(e.0[0].to_string().starts_with("x.yaml:1:"), "{}", e.0[0]);
        let e = parse("x.yaml", "kind: weird\n").unwrap_err();
        assert!(e.0[0].to_string().contains("unknown table kind"));
    }

    proptest::proptest! {
        #[test]
        fn never_panics(s in "\\PC*") {
            let _ = parse("p.yaml", &s);
            let _ = parse("p.yaml", &format!("{HEAD}models:\n{s}"));
        }
    }
}
