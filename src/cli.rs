//! Command-line interface: argument definitions only. Each command lives in
//! its own module and is called from main.rs.

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand, ValueEnum};

#[derive(Debug, Parser)]
#[command(
    name = "llmgw-migrate",
    version,
    about = "Move a codebase off OpenRouter onto another OpenAI-compatible LLM gateway, and prove the move is safe",
    long_about = None,
    after_help = "Exit codes: 0 nothing found / nothing to change / parity, 1 findings / changes pending / mismatches, 2 usage, I/O or configuration error."
)]
pub struct Cli {
    /// Directory of extra mapping tables (*.yaml) that add to or override the built-in ones.
    #[arg(long, global = true, value_name = "DIR")]
    pub rules: Option<PathBuf>,

    /// When to use colors (auto: on a terminal, unless NO_COLOR is set).
    #[arg(long, global = true, value_enum, default_value_t = ColorWhen::Auto)]
    pub color: ColorWhen,

    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ColorWhen {
    Auto,
    Always,
    Never,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Find every place a repository depends on OpenRouter.
    Scan(ScanArgs),
    /// Rewrite OpenRouter dependencies for a target gateway (dry-run by default).
    Rewrite(RewriteArgs),
    /// Replay a golden prompt set against two gateways and compare the answers.
    Parity(ParityArgs),
    /// List, show and validate the mapping tables.
    Rules {
        #[command(subcommand)]
        command: RulesCommand,
    },
    /// Print a shell completion script.
    Completions {
        #[arg(value_enum)]
        shell: clap_complete::Shell,
    },
    /// Print the man page (roff).
    Man,
}

#[derive(Debug, Subcommand)]
pub enum RulesCommand {
    /// Targets with their versions, hashes and row counts.
    List {
        #[arg(long, value_enum, default_value_t = HumanJson::Human)]
        format: HumanJson,
    },
    /// One target's table.
    Show {
        target: String,
        #[arg(long, value_enum, default_value_t = HumanJson::Human)]
        format: HumanJson,
    },
    /// Validate table files; prints file:line:col: message for each problem.
    Validate {
        #[arg(required = true)]
        files: Vec<PathBuf>,
    },
    /// Hold a table against a gateway's models list: exit 1 when rows map
    /// to models it does not serve (for `openrouter`: authors scan misses).
    Check {
        /// Target id or alias, or `openrouter` for the source table.
        target: String,
        /// The models list: a JSON file, or an http(s) URL.
        #[arg(long, value_name = "FILE|URL")]
        catalog: String,
        #[arg(long, value_enum, default_value_t = HumanJson::Human)]
        format: HumanJson,
        /// Write a `--rules` overlay with the proposed (unverified) rows to DIR.
        #[arg(long, value_name = "DIR")]
        write_overlay: Option<PathBuf>,
        /// Environment variable holding a key for the URL (never printed).
        #[arg(long, value_name = "NAME")]
        key_env: Option<String>,
        /// Seconds to wait for the URL.
        #[arg(long, value_name = "SECS", default_value_t = 30.0)]
        timeout: f64,
        /// Day a saved catalogue was read (YYYY-MM-DD; default: today).
        #[arg(long, value_name = "DATE")]
        read_on: Option<String>,
    },
    /// Rows added, removed and changed between two versions of a target
    /// table (each a file or a built-in target id); exit 1 when they differ.
    Diff {
        old: String,
        new: String,
        #[arg(long, value_enum, default_value_t = HumanJson::Human)]
        format: HumanJson,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HumanJson {
    Human,
    Json,
}

/// How files are found; shared by scan and rewrite.
#[derive(Debug, Clone, Args)]
pub struct WalkArgs {
    /// Files or directories to scan (default: the current directory).
    #[arg(value_name = "PATH")]
    pub paths: Vec<PathBuf>,

    /// Skip files larger than this many bytes (0: no limit; default 4 MiB).
    #[arg(long, value_name = "BYTES")]
    pub max_filesize: Option<u64>,

    /// Follow symbolic links.
    #[arg(long)]
    pub follow: bool,

    /// Do not respect .gitignore, .ignore and git excludes.
    #[arg(long)]
    pub no_ignore: bool,

    /// Also walk hidden files and directories (they are walked by default, except VCS dirs).
    #[arg(long, hide = true)]
    pub hidden: bool,

    /// Configuration file (default: llmgw-migrate.toml found by walking up from the path).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Source surface to migrate from.
    #[arg(long, value_name = "SOURCE", default_value = "openrouter")]
    pub from: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    Human,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    /// Target gateway: llmgateway, ominigate, phaseo (alias aistats).
    #[arg(long, value_name = "TARGET")]
    pub to: Option<String>,

    #[arg(long, value_enum)]
    pub format: Option<ScanFormat>,

    /// Only report these kinds (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "KIND")]
    pub kinds: Vec<String>,

    /// Suppress findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the current findings as a baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    /// Fix classes that fail the gate (exit 1); other findings are informational.
    /// Default: auto,manual (also `[scan] fail_on` in llmgw-migrate.toml).
    #[arg(long, value_enum, value_delimiter = ',', value_name = "FIX")]
    pub fail_on: Vec<FailOn>,

    /// Also read every blob in the git history for hard-coded keys
    /// (human or json format).
    #[arg(long)]
    pub history: bool,
}

/// A fix class for `scan --fail-on`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum FailOn {
    Auto,
    Manual,
    None,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum RewriteFormat {
    Diff,
    Json,
    Sarif,
    Github,
    Junit,
}

#[derive(Debug, Clone, Args)]
pub struct RewriteArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    /// Target gateway: llmgateway, ominigate, phaseo (alias aistats).
    #[arg(long, value_name = "TARGET")]
    pub to: Option<String>,

    /// Print a unified diff and the manual-attention report (default).
    #[arg(long, conflicts_with_all = ["write", "check"])]
    pub dry_run: bool,

    /// Apply the edits.
    #[arg(long, conflicts_with = "check")]
    pub write: bool,

    /// Change nothing; exit 1 while any automatic edit remains.
    #[arg(long)]
    pub check: bool,

    #[arg(long, value_enum)]
    pub format: Option<RewriteFormat>,

    /// Write even when files to change have uncommitted git changes.
    #[arg(long)]
    pub allow_dirty: bool,

    /// In .env files, add the new variable next to the old one instead of renaming it.
    #[arg(long)]
    pub keep_old_env: bool,

    /// Also rename program identifiers named after OpenRouter
    /// (`self.openrouter_api_key`), in every place they are used, f-strings
    /// and template literals included. Off by default: such renames are cosmetic.
    #[arg(long)]
    pub rename_identifiers: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParityFormat {
    Human,
    Json,
    Junit,
    Markdown,
}

#[derive(Debug, Clone, Args)]
pub struct ParityArgs {
    /// Golden prompt set (YAML); default: `[parity] golden` in llmgw-migrate.toml.
    #[arg(long, value_name = "FILE")]
    pub golden: Option<PathBuf>,

    /// Gateways to compare (YAML with baseline: and candidate:).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    #[arg(long, value_enum)]
    pub format: Option<ParityFormat>,

    /// Store every exchange (without keys) in this directory.
    #[arg(long, value_name = "DIR", conflicts_with = "replay")]
    pub record: Option<PathBuf>,

    /// Compare recorded exchanges offline instead of calling the gateways.
    #[arg(long, value_name = "DIR")]
    pub replay: Option<PathBuf>,

    /// Run only shard i of n (1-based), e.g. 2/4.
    #[arg(long, value_name = "I/N")]
    pub shard: Option<String>,

    /// Check that the candidate lists every model the golden set sends.
    #[arg(long)]
    pub check_models: bool,

    /// With --check-models, also check every slug `scan` finds under PATH.
    #[arg(long, value_name = "PATH")]
    pub scan: Option<PathBuf>,

    /// Also send wrong-key, unknown-model and malformed requests; both must fail cleanly.
    #[arg(long)]
    pub negative: bool,

    /// Override the config's concurrency.
    #[arg(long)]
    pub concurrency: Option<usize>,

    /// Only run prompts with this tag (repeatable).
    #[arg(long = "tag", value_name = "TAG")]
    pub tags: Vec<String>,
}
