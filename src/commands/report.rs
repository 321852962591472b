//! `report merge`: many repositories' JSON reports -> one fleet view.

use std::path::Path;
use std::process::ExitCode;

use crate::cli::{MergeFormat, ReportCommand};
use crate::fleet::{self, render, TableLabel};

pub fn run(command: ReportCommand, rules_dir: Option<&Path>) -> anyhow::Result<ExitCode> {
    let ReportCommand::Merge { files, format } = command;
    // The tables this tool carries are the reference for "older table".
    let rules = super::load_rules(rules_dir)?;
    let known: Vec<TableLabel> = rules
        .targets
        .iter()
        .filter_map(|t| TableLabel::parse(&t.label()))
        .collect();
    let (view, untagged) = fleet::merge_files(&files, &known);
    let text = match format {
        MergeFormat::Json => serde_json::to_string_pretty(&view)? + "\n",
        MergeFormat::Markdown => render::markdown(&view),
        MergeFormat::Html => render::html(&view),
    };
    super::print(text.as_bytes())?;
    for f in &untagged {
        eprintln!(
            "llmgw-migrate: warning: {f}: no repository field (written by an older version?); named after the file"
        );
    }
    for e in &view.errors {
        eprintln!("llmgw-migrate: error: {e}");
    }
    Ok(if view.errors.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::from(2)
    })
}
