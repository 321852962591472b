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

    /// When to use colors (never when NO_COLOR is set).
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

    /// Skip files larger than this many bytes.
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

    // Meaning-aware parity (docs/parity.md).
    /// Ask each side N times per prompt and mode (overrides `samples:`).
    #[arg(long, value_name = "N")]
    pub samples: Option<usize>,
    /// Pass when at least this share of prompt x mode results pass (0..1).
    #[arg(long, value_name = "RATE")]
    pub min_pass_rate: Option<f64>,
    /// Print how many requests the run would make, then exit.
    #[arg(long)]
    pub plan: bool,
    /// Refuse a run that would make more requests than this.
    #[arg(long, value_name = "N")]
    pub max_requests: Option<u64>,
}
