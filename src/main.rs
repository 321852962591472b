use std::process::ExitCode;

use clap::Parser;
use llmgw_migrate::cli::Cli;

fn main() -> ExitCode {
    // Behave like other command-line tools when the reader goes away
    // (`llmgw-migrate scan | head`): end quietly instead of panicking.
    #[cfg(unix)]
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
    let cli = Cli::parse();
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
