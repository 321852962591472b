//! `rules list | show | validate`.

use std::io::{self, Write};
use std::path::Path;
use std::process::ExitCode;

use serde_json::json;

use crate::cli::{HumanJson, RulesCommand};
use check::CheckOpts;

mod check;
mod diff;
use crate::rules::DEFAULT_SOURCE;
use crate::rules::{parse_table, AnyTable, Rules, TargetTable};
use crate::style::{bold, ColorChoice};

pub fn run(cmd: RulesCommand, dir: Option<&Path>, color: ColorChoice) -> anyhow::Result<ExitCode> {
    match cmd {
        RulesCommand::List { format } => {
            let rules = super::load_rules(dir)?;
            let mut out = super::stdout();
            list(&mut out, &rules, format)?;
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Show { target, format } => {
            let rules = super::load_rules(dir)?;
            let mut out = super::stdout();
            // A source profile (`openai`, `anthropic`, ...) when no target has the name.
            if rules.target(&target).is_none() {
                if let Some(s) = rules.source(&target) {
                    show_source(&mut out, s, format)?;
                    return Ok(ExitCode::SUCCESS);
                }
            }
            let t = rules.require_target(&target)?;
            match format {
                HumanJson::Json => writeln!(
                    out,
                    "{}",
                    serde_json::to_string_pretty(&show_json(&rules, t))?
                )?,
                HumanJson::Human => show_human(&mut out, t, color)?,
            }
            Ok(ExitCode::SUCCESS)
        }
        RulesCommand::Validate { files } => Ok(validate(&files)?),
        RulesCommand::Check {
            target,
            catalog,
            format,
            write_overlay,
            key_env,
            timeout,
            read_on,
        } => {
            let rules = super::load_rules(dir)?;
            let opts = CheckOpts {
                catalog,
                format,
                write_overlay,
                key_env,
                timeout,
                read_on,
            };
            check::run(&rules, &target, &opts, color)
        }
        RulesCommand::Diff { old, new, format } => {
            let rules = super::load_rules(dir)?;
            diff::run(&rules, &old, &new, format)
        }
    }
}

/// Each file parsed and checked on its own: one line per good table on
/// stdout, every problem on stderr; 2 when any file is bad.
fn validate(files: &[std::path::PathBuf]) -> io::Result<ExitCode> {
    let mut out = super::stdout();
    let mut bad = false;
    for f in files {
        let name = f.display().to_string();
        let text = match crate::source::read_regular(f, crate::source::INPUT_CAP) {
            Ok(b) => match String::from_utf8(b) {
                Ok(t) => t,
                Err(_) => {
                    eprintln!("{name}:1:1: not UTF-8 text");
                    bad = true;
                    continue;
                }
            },
            Err(e) => {
                eprintln!("{name}: cannot read: {e}");
                bad = true;
                continue;
            }
        };
        match parse_table(&name, &text) {
            Ok(AnyTable::Target(t)) => writeln!(
                out,
                "{name}: ok ({}, {} rows)",
                t.label(),
                t.table.models.len()
            )?,
            Ok(AnyTable::Source(s)) => writeln!(out, "{name}: ok ({})", s.label())?,
            Err(e) => {
                eprintln!("{e}");
                bad = true;
            }
        }
    }
    Ok(if bad {
        ExitCode::from(2)
    } else {
        ExitCode::SUCCESS
    })
}

fn list(out: &mut impl Write, rules: &Rules, format: HumanJson) -> io::Result<()> {
    match format {
        HumanJson::Json => {
            let targets: Vec<_> = rules
                .targets
                .iter()
                .map(|t| {
                    json!({"id": t.table.id, "name": t.table.name, "aliases": t.table.aliases,
                        "version": t.table.version.value, "hash": t.hash, "table": t.label(),
                        "rows": t.table.models.len(), "file": t.file})
                })
                .collect();
            let sources: Vec<String> = rules.sources.iter().map(|s| s.label()).collect();
            let doc = json!({"schema": 1, "source": rules.source_default().label(),
                "sources": sources, "targets": targets});
            writeln!(
                out,
                "{}",
                serde_json::to_string_pretty(&doc).unwrap_or_default()
            )?;
        }
        HumanJson::Human => {
            writeln!(out, "source  {}  (default)", rules.source_default().label())?;
            for s in rules
                .sources
                .iter()
                .filter(|s| s.table.id != DEFAULT_SOURCE)
            {
                let note = if s.table.gateway {
                    "; the target table read backwards"
                } else {
                    ""
                };
                writeln!(out, "source  {}  (--from {}{note})", s.label(), s.table.id)?;
            }
            for t in &rules.targets {
                let aliases = if t.table.aliases.is_empty() {
                    String::new()
                } else {
                    format!(" (alias {})", t.table.aliases.join(", "))
                };
                writeln!(
                    out,
                    "target  {:<12} {}  {} rows  {}{aliases}",
                    t.table.id,
                    t.label(),
                    t.table.models.len(),
                    t.table.name
                )?;
            }
        }
    }
    Ok(())
}

fn show_json(rules: &Rules, t: &crate::rules::Loaded<TargetTable>) -> serde_json::Value {
    let mut v = serde_json::to_value(&t.table).unwrap_or_default();
    if let Some(o) = v.as_object_mut() {
        o.insert("table".into(), json!(t.label()));
        o.insert("source_table".into(), json!(rules.source_default().label()));
    }
    v
}

fn show_human(
    out: &mut impl Write,
    t: &crate::rules::Loaded<TargetTable>,
    color: ColorChoice,
) -> io::Result<()> {
    let tb = &t.table;
    writeln!(
        out,
        "{}",
        color.paint(bold(), &format!("{} ({})", tb.name, t.label()))
    )?;
    writeln!(out, "base_url            {}", tb.base_url)?;
    if let Some(a) = &tb.anthropic_base_url {
        writeln!(out, "anthropic_base_url  {a}")?;
    }
    writeln!(out, "key_env             {}", tb.key_env)?;
    if let Some(p) = &tb.key_prefix {
        writeln!(out, "key_prefix          {p}")?;
    }
    for c in &tb.cite {
        writeln!(
            out,
            "cite                {} ({})",
            c.source.value, c.verified.value
        )?;
    }
    writeln!(out)?;
    for (what, list) in [
        ("header", &tb.headers),
        ("field", &tb.fields),
        ("suffix", &tb.suffixes),
    ] {
        for d in list {
            writeln!(
                out,
                "{what:<7} {:<24} {:<7} {}",
                d.name.value,
                format!("{:?}", d.action).to_lowercase(),
                d.why
            )?;
        }
    }
    writeln!(out)?;
    let today = crate::rules::date::today();
    for r in &tb.models {
        let to = r.to.as_ref().map(|s| s.value.as_str()).unwrap_or("-");
        let extra = r
            .retires_on
            .as_ref()
            .map(|d| format!(" {}", crate::rules::date::retirement(&d.value, &today)))
            .unwrap_or_default();
        writeln!(
            out,
            "{:<44} -> {:<40} {:<11} {}{extra}",
            r.from.value,
            to,
            r.status.as_str(),
            r.verified.as_ref().map(|v| v.value.as_str()).unwrap_or("")
        )?;
        // The citation a user can open, under the row it supports.
        if let Some(s) = &r.source {
            writeln!(out, "    source: {}", s.value)?;
        }
    }
    Ok(())
}

fn show_source(
    out: &mut impl Write,
    s: &crate::rules::Loaded<crate::rules::SourceTable>,
    format: HumanJson,
) -> anyhow::Result<()> {
    let tb = &s.table;
    match format {
        HumanJson::Json => {
            let mut v = serde_json::to_value(tb)?;
            if let Some(o) = v.as_object_mut() {
                o.insert("table".into(), json!(s.label()));
            }
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        HumanJson::Human => {
            writeln!(out, "{} ({}), source profile", tb.name, s.label())?;
            writeln!(out, "hosts               {}", tb.hosts.join(", "))?;
            writeln!(out, "key_env             {}", tb.key_env.join(", "))?;
            let clients: Vec<&str> = tb.clients.iter().map(|c| c.name.as_str()).collect();
            writeln!(out, "clients             {}", clients.join(", "))?;
            let pkgs: Vec<&str> = tb.sdk_packages.iter().map(|p| p.name.as_str()).collect();
            writeln!(out, "sdk_packages        {}", pkgs.join(", "))?;
            writeln!(out, "models              {} rows", tb.models.len())?;
            for m in &tb.models {
                writeln!(out, "  {:<28} -> {}", m.id.value, m.slug.value)?;
            }
        }
    }
    Ok(())
}
