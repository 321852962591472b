//! Glue between the command line and the engine: one function per command.

mod branch;
mod man;
#[cfg(feature = "parity")]
mod parity;
mod report;
mod rewrite;
mod rules;
pub mod scan;

use std::io::{self, Write};
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
            let mut cmd = crate::cli::completion_command();
            // Into a buffer: clap_complete panics when its writer fails.
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut cmd, "llmgw-migrate", &mut script);
            print(&script)?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Man => {
            print(&man::render()?)?;
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
        Some(d) => Ok(Rules::with_dir(d)?),
        None => Ok(Rules::embedded()?),
    }
}

/// Standard output for everything a command prints. A reader that goes
/// away (`llmgw-migrate scan | head`) is the reader's choice, not an error:
/// from then on output is dropped, and the command finishes as it would
/// have (files written, errors on stderr, the same exit status). Rust
/// ignores SIGPIPE, so on Unix as on Windows a closed pipe shows up here
/// as a `BrokenPipe` error; every other error (a full disk) is returned.
pub(crate) fn stdout() -> Stdout {
    Stdout(Some(io::stdout().lock()))
}

/// Writes `bytes` to [`stdout`] and flushes.
pub(crate) fn print(bytes: &[u8]) -> io::Result<()> {
    let mut out = stdout();
    out.write_all(bytes)?;
    out.flush()
}

/// See [`stdout`]; `None` once the reader has gone.
pub(crate) struct Stdout(Option<io::StdoutLock<'static>>);

impl Stdout {
    fn quiet<T>(&mut self, r: io::Result<T>, gone: T) -> io::Result<T> {
        match r {
            Err(e) if e.kind() == io::ErrorKind::BrokenPipe => {
                self.0 = None;
                Ok(gone)
            }
            r => r,
        }
    }
}

impl Write for Stdout {
    fn write(&mut self, buf: &[u8]) -> io::Result<usize> {
        let Some(out) = self.0.as_mut() else {
            return Ok(buf.len());
        };
        let r = out.write(buf);
        self.quiet(r, buf.len())
    }

    fn flush(&mut self) -> io::Result<()> {
        let Some(out) = self.0.as_mut() else {
            return Ok(());
        };
        let r = out.flush();
        self.quiet(r, ())
    }
}
