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
    #[cfg(feature = "parity")]
    Parity(ParityArgs),
    /// Combine the JSON reports of many repositories (fleet migrations).
    Report {
        #[command(subcommand)]
        command: ReportCommand,
    },
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
        /// Output format.
        #[arg(long, value_enum, default_value_t = HumanJson::Human)]
        format: HumanJson,
    },
    /// Print one table: a target or source id or alias from `rules list`.
    Show {
        /// Table to print, e.g. llmgateway, aistats (an alias) or openai (a source).
        target: String,
        /// Output format.
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

// Fleet migrations (docs/fleet.md): `report merge`, and `--repo-name`,
// `--branch`, `--pr-body` below.
#[derive(Debug, Subcommand)]
pub enum ReportCommand {
    /// Merge scan, rewrite and parity JSON reports into one view: a row per
    /// repository, manual items by rule, parity verdicts, stale tables.
    /// Exit 2 when a file cannot be merged (the others still are).
    Merge {
        /// JSON reports (`--format json` of scan, rewrite, parity).
        #[arg(required = true, value_name = "REPORT.json")]
        files: Vec<PathBuf>,
        #[arg(long, value_enum, default_value_t = MergeFormat::Markdown)]
        format: MergeFormat,
    },
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum MergeFormat {
    Json,
    Markdown,
    Html,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum HumanJson {
    /// Aligned text for people.
    Human,
    /// The table as JSON.
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

    /// Source surface to migrate from (a source table; `rules list` shows them).
    #[arg(long, value_name = "SOURCE", default_value = "openrouter")]
    pub from: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ScanFormat {
    /// Each finding with its source line, then a summary (default).
    Human,
    /// One JSON document, schema 1 (schemas/scan.schema.json).
    Json,
    /// SARIF 2.1.0 for code scanning.
    Sarif,
    /// GitHub Actions annotations (workflow commands).
    Github,
    /// JUnit XML: one failing test case per finding.
    Junit,
}

#[derive(Debug, Clone, Args)]
pub struct ScanArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    /// Target gateway (a target table; `rules list` shows them) [default: llmgateway].
    #[arg(long, value_name = "TARGET")]
    pub to: Option<String>,

    /// Output format.
    #[arg(long, value_enum)]
    pub format: Option<ScanFormat>,

    /// Only report these kinds (comma-separated).
    #[arg(long, value_delimiter = ',', value_name = "KIND", value_parser = kind_values())]
    pub kinds: Vec<String>,

    /// Suppress findings recorded in this baseline file.
    #[arg(long, value_name = "FILE")]
    pub baseline: Option<PathBuf>,

    /// Write the current findings as a baseline file.
    #[arg(long, value_name = "FILE")]
    pub write_baseline: Option<PathBuf>,

    // Output modes with ripgrep's meanings (human output only).
    /// Print nothing on stdout; the exit status tells (0 nothing found, 1 findings, 2 error).
    #[arg(short, long, conflicts_with_all = ["count", "files_with_findings", "format"])]
    pub quiet: bool,

    /// Print each file with findings and how many, as PATH:COUNT.
    #[arg(short, long, conflicts_with_all = ["files_with_findings", "format"])]
    pub count: bool,

    /// Print only the paths of files with findings, one per line.
    #[arg(short = 'l', long, conflicts_with = "format")]
    pub files_with_findings: bool,

    /// `repository` field of the JSON report (default: origin's owner/name, else the directory name).
    #[arg(long, value_name = "NAME")]
    pub repo_name: Option<String>,

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
    /// A patch `git apply` accepts, then the manual-attention report (default).
    Diff,
    /// One JSON document, schema 1 (schemas/rewrite.schema.json).
    Json,
    /// With --check: pending automatic findings as SARIF 2.1.0.
    Sarif,
    /// With --check: pending automatic findings as GitHub annotations.
    Github,
    /// With --check: pending automatic findings as JUnit XML.
    Junit,
}

#[derive(Debug, Clone, Args)]
pub struct RewriteArgs {
    #[command(flatten)]
    pub walk: WalkArgs,

    /// Target gateway (a target table; `rules list` shows them) [default: llmgateway].
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

    /// Output format.
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

    /// Commit the rewrite of HEAD to this new branch; work tree, index and current branch stay as they are.
    #[arg(long, value_name = "NAME", conflicts_with_all = ["dry_run", "write", "check"])]
    pub branch: Option<String>,

    /// With --branch, write a Markdown pull-request description to FILE.
    #[arg(long, value_name = "FILE", requires = "branch")]
    pub pr_body: Option<PathBuf>,

    /// `repository` field of the JSON report (default: origin's owner/name, else the directory name).
    #[arg(long, value_name = "NAME")]
    pub repo_name: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, ValueEnum)]
pub enum ParityFormat {
    /// An aligned table per prompt, then latency, tokens and a verdict (default).
    Human,
    /// One JSON document (docs/parity.schema.json).
    Json,
    /// JUnit XML: one test case per prompt.
    Junit,
    /// Markdown, e.g. for a job summary.
    Markdown,
    /// One self-contained HTML page: filters, answers side by side, charts.
    Html,
}

#[derive(Debug, Clone, Args)]
pub struct ParityArgs {
    /// Golden prompt set (YAML); default: `[parity] golden` in llmgw-migrate.toml.
    #[arg(long, value_name = "FILE")]
    pub golden: Option<PathBuf>,

    /// Gateways to compare (YAML with baseline: and candidate:).
    #[arg(long, value_name = "FILE")]
    pub config: Option<PathBuf>,

    /// Output format.
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

    /// `repository` field of the JSON report (default: origin's owner/name, else the directory name).
    #[arg(long, value_name = "NAME")]
    pub repo_name: Option<String>,

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

// Help that lists values known only at run time: the finding kinds with a
// line each, and the targets and sources of the embedded tables.

/// `--kinds` values, each with its one-line description.
fn kind_values() -> clap::builder::PossibleValuesParser {
    crate::finding::Kind::ALL
        .iter()
        .map(|k| clap::builder::PossibleValue::new(k.as_str()).help(k.info().title))
        .collect::<Vec<_>>()
        .into()
}

/// The command with `--to` and `--from` help listing the embedded tables.
/// Reading the tables takes a moment, so this is only for help, completions
/// and the man page; `--rules DIR` may add more, so values are not checked.
pub fn command_with_tables() -> clap::Command {
    use clap::CommandFactory;
    let cmd = Cli::command();
    let Ok(rules) = crate::rules::Rules::embedded() else {
        return cmd;
    };
    let aliases = |a: &[String]| {
        if a.is_empty() {
            String::new()
        } else {
            format!(", alias {}", a.join(", "))
        }
    };
    let mut targets: Vec<String> = rules
        .targets
        .iter()
        .map(|t| {
            let default = if t.table.id == crate::rules::DEFAULT_TARGET {
                ", the default"
            } else {
                ""
            };
            format!(
                "{}: {}{}{default}",
                t.table.id,
                t.table.name,
                aliases(&t.table.aliases)
            )
        })
        .collect();
    targets.sort();
    let default_source = rules.source_default().table.id.clone();
    let mut sources: Vec<String> = rules
        .sources
        .iter()
        .map(|s| {
            let default = if s.table.id == default_source {
                ", the default".to_owned()
            } else if s.table.gateway {
                // Moving on from (or back to) a gateway: its target table
                // read backwards, under the same names.
                let a = rules
                    .target(&s.table.id)
                    .map_or(&[][..], |t| &t.table.aliases);
                format!(", a gateway{}", aliases(a))
            } else {
                String::new()
            };
            format!("{}: {}{default}", s.table.id, s.table.name)
        })
        .collect();
    sources.sort();
    let to_help = format!(
        "Target gateway: a table id or alias. Built in:\n- {}\nMore with --rules DIR.",
        targets.join("\n- ")
    );
    let from_help = format!(
        "Source surface to migrate from. Built in:\n- {}",
        sources.join("\n- ")
    );
    let mut cmd = cmd;
    for sub in ["scan", "rewrite"] {
        cmd = cmd.mut_subcommand(sub, |s| {
            s.mut_arg("to", |a| a.long_help(to_help.clone()))
                .mut_arg("from", |a| a.long_help(from_help.clone()))
        });
    }
    cmd
}

/// The command for shell completion scripts: `--to` and `--from` complete
/// to the embedded tables' ids and aliases. Only scripts are generated from
/// it; real arguments are parsed without these lists, so `--rules DIR` ids
/// still work.
pub fn completion_command() -> clap::Command {
    let cmd = command_with_tables();
    let Ok(rules) = crate::rules::Rules::embedded() else {
        return cmd;
    };
    let names = |id: &str, aliases: &[String]| {
        std::iter::once(id.to_owned())
            .chain(aliases.iter().cloned())
            .collect::<Vec<_>>()
    };
    let targets: Vec<String> = rules
        .targets
        .iter()
        .flat_map(|t| names(&t.table.id, &t.table.aliases))
        .collect();
    let sources: Vec<String> = rules.sources.iter().map(|s| s.table.id.clone()).collect();
    let mut cmd = cmd;
    for sub in ["scan", "rewrite"] {
        let (t, s) = (targets.clone(), sources.clone());
        cmd = cmd.mut_subcommand(sub, |c| {
            c.mut_arg("to", |a| {
                a.value_parser(clap::builder::PossibleValuesParser::new(t))
            })
            .mut_arg("from", |a| {
                a.value_parser(clap::builder::PossibleValuesParser::new(s))
            })
        });
    }
    cmd
}
