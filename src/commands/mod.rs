//! Glue between the command line and the engine: one function per command.

mod branch;
mod man;
#[cfg(feature = "parity")]
mod parity;
mod report;
mod rewrite;
mod rules;
pub mod scan;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::rules::Rules;

/// Exit status: 0 clean, 1 something to act on, 2 error (returned as `Err`).
pub const FOUND: u8 = 1;

pub fn run(cli: Cli) -> anyhow::Result<ExitCode> {
    let color = crate::style::ColorChoice::resolve(cli.color);
    match cli.command {
        Command::Rules { command } => rules::run(command, cli.rules.as_deref(), color),
        Command::Report { command } => report::run(command, cli.rules.as_deref()),
        Command::Completions { shell } => {
            let mut cmd = crate::cli::command_with_tables();
            clap_complete::generate(shell, &mut cmd, "llmgw-migrate", &mut std::io::stdout());
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            std::io::Write::write_all(&mut std::io::stdout(), &man::render()?)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Scan(args) => scan::run(args, cli.rules.as_deref(), color),
        Command::Rewrite(args) => rewrite::run(args, cli.rules.as_deref(), color),
        #[cfg(feature = "parity")]
        Command::Parity(args) => parity::run(args, cli.rules.as_deref(), color),
    }
}

/// The tables in effect: built-in, plus `--rules DIR`.
pub fn load_rules(dir: Option<&std::path::Path>) -> anyhow::Result<Rules> {
    match dir {
        Some(d) => Rules::with_dir(d),
        None => Ok(Rules::embedded()?),
    }
}
