//! What changed between two versions of a target table: rows added,
//! removed and changed (field by field), and header, field and suffix
//! decisions that changed. A user upgrading the tool reads this.

use std::collections::BTreeMap;

use serde::Serialize;

use super::schema::{Disposition, ModelRow, TargetTable};

/// A row as the diff shows it.
#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowView {
    pub from: String,
    pub to: Option<String>,
    pub status: &'static str,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct FieldChange {
    pub field: &'static str,
    pub old: Option<String>,
    pub new: Option<String>,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq)]
pub struct RowChange {
    /// `models:<from>`, `headers:<name>`, `fields:<name>` or `suffixes:<name>`.
    pub key: String,
    pub changes: Vec<FieldChange>,
}

#[derive(Debug, Clone, Serialize, Default)]
pub struct TableDiff {
    pub added: Vec<RowView>,
    pub removed: Vec<RowView>,
    pub changed: Vec<RowChange>,
}

impl TableDiff {
    pub fn is_empty(&self) -> bool {
        self.added.is_empty() && self.removed.is_empty() && self.changed.is_empty()
    }
}

fn view(r: &ModelRow) -> RowView {
    RowView {
        from: r.from.value.clone(),
        to: r.to.as_ref().map(|t| t.value.clone()),
        status: r.status.as_str(),
    }
}

fn fields_of(r: &ModelRow) -> [(&'static str, Option<String>); 6] {
    let v = |s: &Option<serde_saphyr::Spanned<String>>| s.as_ref().map(|s| s.value.clone());
    [
        ("status", Some(r.status.as_str().to_owned())),
        ("to", v(&r.to)),
        ("retires_on", v(&r.retires_on)),
        ("note", r.note.clone()),
        ("source", v(&r.source)),
        ("verified", v(&r.verified)),
    ]
}

fn disposition_fields(d: &Disposition) -> [(&'static str, Option<String>); 3] {
    [
        ("action", Some(format!("{:?}", d.action).to_lowercase())),
        ("why", Some(d.why.clone())),
        ("source", d.source.clone()),
    ]
}

fn changes<const N: usize>(
    old: [(&'static str, Option<String>); N],
    new: [(&'static str, Option<String>); N],
) -> Vec<FieldChange> {
    old.into_iter()
        .zip(new)
        .filter(|((_, a), (_, b))| a != b)
        .map(|((field, a), (_, b))| FieldChange {
            field,
            old: a,
            new: b,
        })
        .collect()
}

pub fn diff(old: &TargetTable, new: &TargetTable) -> TableDiff {
    let mut d = TableDiff::default();
    let olds: BTreeMap<&str, &ModelRow> = old
        .models
        .iter()
        .map(|r| (r.from.value.as_str(), r))
        .collect();
    let news: BTreeMap<&str, &ModelRow> = new
        .models
        .iter()
        .map(|r| (r.from.value.as_str(), r))
        .collect();
    for (from, n) in &news {
        match olds.get(from) {
            None => d.added.push(view(n)),
            Some(o) => {
                let c = changes(fields_of(o), fields_of(n));
                if !c.is_empty() {
                    d.changed.push(RowChange {
                        key: format!("models:{from}"),
                        changes: c,
                    });
                }
            }
        }
    }
    d.removed = olds
        .iter()
        .filter(|(from, _)| !news.contains_key(*from))
        .map(|(_, o)| view(o))
        .collect();
    for (what, o, n) in [
        ("headers", &old.headers, &new.headers),
        ("fields", &old.fields, &new.fields),
        ("suffixes", &old.suffixes, &new.suffixes),
    ] {
        let by_name = |l: &'_ [Disposition]| -> BTreeMap<String, Disposition> {
            l.iter()
                .map(|x| (x.name.value.to_ascii_lowercase(), x.clone()))
                .collect()
        };
        let (o, n) = (by_name(o), by_name(n));
        for name in o
            .keys()
            .chain(n.keys())
            .collect::<std::collections::BTreeSet<_>>()
        {
            let none = || [("action", None), ("why", None), ("source", None)];
            let a = o.get(name).map_or_else(none, disposition_fields);
            let b = n.get(name).map_or_else(none, disposition_fields);
            let c = changes(a, b);
            if !c.is_empty() {
                d.changed.push(RowChange {
                    key: format!("{what}:{name}"),
                    changes: c,
                });
            }
        }
    }
    d
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::{parse_table, AnyTable};

    fn table(models: &str, header: &str) -> TargetTable {
        let text = format!("kind: target\nid: t\nname: T\nversion: \"2026-11-01\"\nbase_url: https://x/v1\nkey_env: T_KEY\ncite: []\nheaders:\n  - {{name: X-Title, action: {header}, why: w}}\nfields: []\nsuffixes: []\nendpoints: []\nmodels:\n{models}");
        match parse_table("t.yaml", &text).unwrap() {
            AnyTable::Target(t) => t.table,
            AnyTable::Source(_) => unreachable!(),
        }
    }

    #[test]
    fn added_removed_and_changed_rows() {
        let old = table(
            "  - {from: a/same, status: same, source: s, verified: \"2026-01-01\"}\n  - {from: a/gone, status: unverified, source: s, verified: \"2026-01-01\"}\n  - {from: a/moved, to: a/x, status: renamed, source: s, verified: \"2026-01-01\"}\n",
            "drop",
        );
        let new = table(
            "  - {from: a/same, status: same, source: s, verified: \"2026-01-01\"}\n  - {from: a/new, status: unverified, source: s, verified: \"2026-02-01\"}\n  - {from: a/moved, to: a/y, status: retired, source: s, verified: \"2026-02-01\", retires_on: \"2026-03-01\"}\n",
            "manual",
        );
        let d = diff(&old, &new);
        assert_eq!(
            d.added.iter().map(|r| r.from.as_str()).collect::<Vec<_>>(),
            ["a/new"]
        );
        assert_eq!(
            d.removed
                .iter()
                .map(|r| r.from.as_str())
                .collect::<Vec<_>>(),
            ["a/gone"]
        );
        let moved = d
            .changed
            .iter()
            .find(|c| c.key == "models:a/moved")
            .unwrap();
        let fields: Vec<&str> = moved.changes.iter().map(|c| c.field).collect();
        assert_eq!(fields, ["status", "to", "retires_on", "verified"]);
        assert_eq!(moved.changes[1].old.as_deref(), Some("a/x"));
        assert_eq!(moved.changes[1].new.as_deref(), Some("a/y"));
        assert!(d.changed.iter().any(|c| c.key == "headers:x-title"));
        assert!(diff(&old, &old).is_empty());
    }
}
