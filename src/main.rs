use std::process::ExitCode;

use clap::{FromArgMatches, Parser};
use llmgw_migrate::cli::Cli;

fn main() -> ExitCode {
    // Help lists the embedded tables, which takes reading them: only then.
    let wants_help = std::env::args_os()
        .skip(1)
        .any(|a| a == "-h" || a == "--help" || a == "help");
    let cli = if wants_help {
        let matches = llmgw_migrate::cli::command_with_tables().get_matches();
        Cli::from_arg_matches(&matches).unwrap_or_else(|e| e.exit())
    } else {
        Cli::parse()
    };
    match llmgw_migrate::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            // Errors can quote a config or table line holding a key.
            let msg = format!("{e:#}");
            let msg = llmgw_migrate::redact::Redactor::builtin()
                .text(&msg)
                .into_owned();
            eprintln!("llmgw-migrate: error: {msg}");
            ExitCode::from(2)
        }
    }
}
