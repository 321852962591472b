//! `rules diff OLD NEW`: each side a table file or a built-in target.

use std::io::Write;
use std::process::ExitCode;

use anyhow::bail;
use serde_json::json;

use crate::cli::HumanJson;
use crate::rules::diff::{diff, RowView};
use crate::rules::{parse_table, AnyTable, Loaded, Rules, TargetTable};

fn resolve(rules: &Rules, arg: &str) -> anyhow::Result<Loaded<TargetTable>> {
    let path = std::path::Path::new(arg);
    if path.is_file() {
        let bytes = std::fs::read(path).map_err(|e| anyhow::anyhow!("{arg}: cannot read: {e}"))?;
        let text =
            String::from_utf8(bytes).map_err(|_| anyhow::anyhow!("{arg}:1:1: not UTF-8 text"))?;
        return match parse_table(arg, &text)? {
            AnyTable::Target(t) => Ok(t),
            AnyTable::Source(_) => {
                bail!("{arg}: a source table; rules diff compares target tables")
            }
        };
    }
    match rules.target(arg) {
        Some(t) => Ok(t.clone()),
        None => bail!("{arg}: neither a table file nor a known target"),
    }
}

fn row(r: &RowView) -> String {
    format!(
        "{} -> {} ({})",
        r.from,
        r.to.as_deref().unwrap_or("-"),
        r.status
    )
}

pub fn run(rules: &Rules, old: &str, new: &str, format: HumanJson) -> anyhow::Result<ExitCode> {
    let (a, b) = (resolve(rules, old)?, resolve(rules, new)?);
    let d = diff(&a.table, &b.table);
    let mut out = super::super::stdout();
    match format {
        HumanJson::Json => {
            let mut v = serde_json::to_value(&d)?;
            v["schema"] = json!(1);
            v["old"] = json!(a.label());
            v["new"] = json!(b.label());
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        HumanJson::Human => {
            writeln!(out, "{} -> {}", a.label(), b.label())?;
            writeln!(out, "\nadded ({})", d.added.len())?;
            for r in &d.added {
                writeln!(out, "  + {}", row(r))?;
            }
            writeln!(out, "\nremoved ({})", d.removed.len())?;
            for r in &d.removed {
                writeln!(out, "  - {}", row(r))?;
            }
            writeln!(out, "\nchanged ({})", d.changed.len())?;
            for c in &d.changed {
                writeln!(out, "  ~ {}", c.key)?;
                for f in &c.changes {
                    writeln!(
                        out,
                        "      {}: {} -> {}",
                        f.field,
                        f.old.as_deref().unwrap_or("(none)"),
                        f.new.as_deref().unwrap_or("(none)")
                    )?;
                }
            }
        }
    }
    Ok(if d.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(super::super::FOUND)
    })
}
