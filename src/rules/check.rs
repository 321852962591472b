//! Holding a table against a gateway's catalogue: rows whose target model
//! is no longer served, unverified rows that now are, and catalogue models
//! no row maps. For the OpenRouter source table: authors and ids it does not
//! know. Also builds the `--rules` overlay a person reviews.

use std::collections::{BTreeMap, BTreeSet};

use super::schema::spanned;
use serde::Serialize;

use super::catalog::Catalog;
use super::schema::{ModelRow, SourceTable, Status, TargetTable};

/// A row that sends code to a model the catalogue does not serve.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Stale {
    pub from: String,
    pub to: String,
    pub status: &'static str,
}

/// A row checked against a source newer than the catalogue: an older list
/// cannot tell it is wrong.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct Newer {
    pub from: String,
    pub to: String,
    pub verified: String,
}

/// An `unverified` row whose model the catalogue now serves.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct NowServed {
    pub from: String,
    /// The catalogue id it is served under.
    pub id: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct CatalogInfo {
    pub origin: String,
    pub shape: &'static str,
    pub read_on: String,
    pub models: usize,
    pub deactivated: usize,
}

impl CatalogInfo {
    fn of(c: &Catalog) -> CatalogInfo {
        CatalogInfo {
            origin: c.origin.clone(),
            shape: c.shape.as_str(),
            read_on: c.read_on.clone(),
            models: c.ids.len(),
            deactivated: c.deactivated,
        }
    }
}

/// The result of checking a target table.
#[derive(Debug, Clone, Serialize)]
pub struct TargetCheck {
    pub target: String,
    pub catalog: CatalogInfo,
    /// Rows whose `to` (or, for `same`, whose own id) is not served: exit 1.
    pub stale: Vec<Stale>,
    /// Not listed, but the row was verified after the catalogue was read.
    pub newer_than_catalog: Vec<Newer>,
    pub now_served: Vec<NowServed>,
    /// Catalogue ids no row maps to (informational).
    pub unmapped: Vec<String>,
}

/// The id a row sends code to, when it sends it anywhere.
fn destination(row: &ModelRow) -> Option<&str> {
    match row.status {
        Status::Same => Some(row.from.value.as_str()),
        Status::Renamed | Status::Retired | Status::Unsupported => {
            row.to.as_ref().map(|t| t.value.as_str())
        }
        Status::Unverified => None,
    }
}

/// Ids an unverified row's model may have on a target: the slug itself,
/// the id without its author, and that id with Anthropic's dashes.
fn candidates(from: &str) -> Vec<String> {
    let mut out = vec![from.to_owned()];
    if let Some((author, rest)) = from.split_once('/') {
        out.push(rest.to_owned());
        if author == "anthropic" {
            out.push(rest.replace('.', "-"));
        }
    }
    out
}

pub fn check_target(table: &TargetTable, catalog: &Catalog) -> TargetCheck {
    let mut stale = Vec::new();
    let mut newer = Vec::new();
    let mut now_served = Vec::new();
    let mut mapped: BTreeSet<&str> = BTreeSet::new();
    for row in &table.models {
        if let Some(to) = destination(row) {
            match catalog.serves(to) {
                Some(id) => {
                    mapped.insert(id);
                }
                None => match row.verified.as_ref().map(|v| v.value.as_str()) {
                    // Dates are YYYY-MM-DD, so text order is date order.
                    Some(v) if v > catalog.read_on.as_str() => newer.push(Newer {
                        from: row.from.value.clone(),
                        to: to.to_owned(),
                        verified: v.to_owned(),
                    }),
                    _ => stale.push(Stale {
                        from: row.from.value.clone(),
                        to: to.to_owned(),
                        status: row.status.as_str(),
                    }),
                },
            }
        } else if let Some(id) = candidates(&row.from.value)
            .iter()
            .find_map(|c| catalog.serves(c))
        {
            mapped.insert(id);
            now_served.push(NowServed {
                from: row.from.value.clone(),
                id: id.to_owned(),
            });
        }
    }
    let unmapped = catalog
        .ids
        .iter()
        .filter(|id| !mapped.contains(id.as_str()))
        .cloned()
        .collect();
    TargetCheck {
        target: table.id.clone(),
        catalog: CatalogInfo::of(catalog),
        stale,
        newer_than_catalog: newer,
        now_served,
        unmapped,
    }
}

/// The result of checking the OpenRouter source table.
#[derive(Debug, Clone, Serialize)]
pub struct SourceCheck {
    pub source: String,
    pub catalog: CatalogInfo,
    /// Authors in the catalogue the source table does not list, with their
    /// ids: scan does not recognise these ids as OpenRouter slugs (exit 1).
    pub unknown_authors: BTreeMap<String, Vec<String>>,
    /// Catalogue ids (variants and `~` aliases aside) that no target table
    /// has a row for (informational).
    pub unlisted: Vec<String>,
}

pub fn check_source<'a>(
    table: &SourceTable,
    targets: impl IntoIterator<Item = &'a TargetTable>,
    catalog: &Catalog,
) -> SourceCheck {
    let authors: BTreeSet<&str> = table.authors.iter().map(String::as_str).collect();
    let known: BTreeSet<&str> = targets
        .into_iter()
        .flat_map(|t| t.models.iter().map(|r| r.from.value.as_str()))
        .collect();
    let mut unknown_authors: BTreeMap<String, Vec<String>> = BTreeMap::new();
    let mut unlisted = Vec::new();
    for id in &catalog.ids {
        let base = id.split_once(':').map_or(id.as_str(), |(b, _)| b);
        let Some((author, _)) = base.trim_start_matches('~').split_once('/') else {
            continue;
        };
        if !authors.contains(author) {
            unknown_authors
                .entry(author.to_owned())
                .or_default()
                .push(id.clone());
        }
        if base == id && !id.starts_with('~') && !known.contains(base) {
            unlisted.push(id.clone());
        }
    }
    SourceCheck {
        source: table.id.clone(),
        catalog: CatalogInfo::of(catalog),
        unknown_authors,
        unlisted,
    }
}

/// The OpenRouter author of a bare catalogue id, guessed from its family
/// name; `None` when the name says nothing.
fn author_of(id: &str) -> Option<&'static str> {
    const FAMILIES: &[(&str, &str)] = &[
        ("claude", "anthropic"),
        ("gpt-", "openai"),
        ("chatgpt", "openai"),
        ("o1", "openai"),
        ("o3", "openai"),
        ("o4", "openai"),
        ("text-embedding", "openai"),
        ("gemini", "google"),
        ("gemma", "google"),
        ("deepseek", "deepseek"),
        ("llama", "meta-llama"),
        ("mistral", "mistralai"),
        ("ministral", "mistralai"),
        ("codestral", "mistralai"),
        ("devstral", "mistralai"),
        ("pixtral", "mistralai"),
        ("magistral", "mistralai"),
        ("qwen", "qwen"),
        ("qwq", "qwen"),
        ("grok", "x-ai"),
        ("kimi", "moonshotai"),
        ("glm", "z-ai"),
    ];
    FAMILIES
        .iter()
        .find(|(p, _)| id.starts_with(p))
        .map(|(_, a)| *a)
}

/// A copy of `table` for `--rules DIR` with what the check found turned
/// into `unverified` rows citing the catalogue: stale rows are held back
/// from automatic rewriting, and every unmapped catalogue model gets a row
/// whose slug a person confirms.
pub fn overlay(table: &TargetTable, report: &TargetCheck, catalog: &Catalog) -> TargetTable {
    let mut t = table.clone();
    let cite = catalog.citation();
    let stale: BTreeMap<&str, &Stale> = report.stale.iter().map(|s| (s.from.as_str(), s)).collect();
    let served: BTreeMap<&str, &NowServed> = report
        .now_served
        .iter()
        .map(|s| (s.from.as_str(), s))
        .collect();
    for row in &mut t.models {
        let from = row.from.value.clone();
        if let Some(s) = stale.get(from.as_str()) {
            row.note = Some(format!(
                "was {}: {} is not in the catalogue read {}; find its replacement",
                s.status, s.to, catalog.read_on
            ));
            row.status = Status::Unverified;
        } else if let Some(s) = served.get(from.as_str()) {
            row.to = Some(spanned(s.id.clone()));
            row.note = Some(format!(
                "served as {} in the catalogue read {}; confirm and set status",
                s.id, catalog.read_on
            ));
        } else {
            continue;
        }
        row.source = Some(spanned(cite.clone()));
        row.verified = Some(spanned(catalog.read_on.clone()));
    }
    let existing: BTreeSet<String> = t.models.iter().map(|r| r.from.value.clone()).collect();
    for id in &report.unmapped {
        let lower = id.to_ascii_lowercase();
        let from = if lower.contains('/') {
            lower.clone()
        } else {
            match author_of(&lower) {
                Some(a) => format!("{a}/{lower}"),
                None => continue,
            }
        };
        if existing.contains(&from) || !super::validate::is_slug(&from) {
            continue;
        }
        t.models.push(ModelRow {
            to: (from != *id).then(|| spanned(id.clone())),
            from: spanned(from),
            status: Status::Unverified,
            source: Some(spanned(cite.clone())),
            verified: Some(spanned(catalog.read_on.clone())),
            note: Some(format!(
                "new in the catalogue read {}; confirm OpenRouter's slug for {id}",
                catalog.read_on
            )),
            retires_on: None,
        });
    }
    t.version = spanned(catalog.read_on.clone());
    t
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{parse_table, AnyTable};

    const TABLE: &str = "kind: target\nid: t\nname: T\nversion: \"2026-11-01\"\nbase_url: https://x/v1\nkey_env: T_KEY\ncite: []\nheaders: []\nfields: []\nsuffixes: []\nendpoints: []\nmodels:\n  - {from: a/kept, status: same, source: s, verified: \"2026-01-01\"}\n  - {from: a/gone, to: a/new, status: renamed, source: s, verified: \"2026-01-01\"}\n  - {from: anthropic/claude-x-4.6, status: unverified, source: s, verified: \"2026-01-01\"}\n  - {from: a/maybe, status: unverified, source: s, verified: \"2026-01-01\"}\n  - {from: a/late, status: same, source: s, verified: \"2027-01-01\"}\n";

    fn table() -> TargetTable {
        match parse_table("t.yaml", TABLE).unwrap() {
            AnyTable::Target(t) => t.table,
            AnyTable::Source(_) => unreachable!(),
        }
    }

    #[test]
    fn finds_stale_newly_served_and_unmapped() {
        let c = Catalog::parse(
            "cat.json",
            r#"{"data":[{"id":"a/kept"},{"id":"claude-x-4-6"},{"id":"gpt-9"},{"id":"zzz"}]}"#,
            "2026-12-01",
        )
        .unwrap();
        let r = check_target(&table(), &c);
        assert_eq!(
            r.stale,
            [Stale {
                from: "a/gone".into(),
                to: "a/new".into(),
                status: "renamed"
            }]
        );
        assert_eq!(
            r.now_served,
            [NowServed {
                from: "anthropic/claude-x-4.6".into(),
                id: "claude-x-4-6".into()
            }]
        );
        assert_eq!(r.unmapped, ["gpt-9", "zzz"]);
        // Verified after the catalogue was read: not stale, reported apart.
        assert_eq!(r.newer_than_catalog.len(), 1);
        assert_eq!(r.newer_than_catalog[0].from, "a/late");

        let o = overlay(&table(), &r, &c);
        let text = serde_saphyr::to_string(&o).unwrap();
        let AnyTable::Target(back) = parse_table("o.yaml", &text).unwrap() else {
            panic!("not a target")
        };
        let row = |f: &str| {
            back.table
                .models
                .iter()
                .find(|r| r.from.value == f)
                .unwrap()
        };
        assert_eq!(row("a/gone").status, Status::Unverified);
        assert_eq!(
            row("a/gone").source.as_ref().unwrap().value,
            "cat.json (read 2026-12-01)"
        );
        assert_eq!(row("openai/gpt-9").to.as_ref().unwrap().value, "gpt-9");
        assert_eq!(row("openai/gpt-9").status, Status::Unverified);
        // No author can be guessed for `zzz`: no row rather than a wrong one.
        assert!(!back
            .table
            .models
            .iter()
            .any(|r| r.from.value.contains("zzz")));
        assert_eq!(back.table.version.value, "2026-12-01");
    }
}
