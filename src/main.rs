use std::process::ExitCode;

use clap::Parser;
use llmgw_migrate::cli::Cli;

fn main() -> ExitCode {
    let cli = Cli::parse();
    match llmgw_migrate::commands::run(cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("llmgw-migrate: error: {e:#}");
            ExitCode::from(2)
        }
    }
}
