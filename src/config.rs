//! `llmgw-migrate.toml`: per-repository defaults, found by walking up from the
//! scanned path. Every key is optional; command-line flags win over it.
//!
//! ```toml
//! target = "llmgateway"
//! rules = "tools/llmgw-rules"        # extra tables, relative to this file
//! include = ["src/**", "config/**"]  # globs on paths relative to the scanned root
//! exclude = ["vendor/**", "**/*.snap"]
//! kinds = ["base-url", "model-slug"]
//! max_filesize = 2097152
//!
//! [scan]
//! fail_on = ["auto", "manual"]       # fix classes that fail the gate
//!
//! [parity]
//! golden = "parity/golden.yaml"
//! config = "parity/gateways.yaml"
//! concurrency = 4
//! format = "markdown"
//! ```

use std::ops::Range;
use std::path::{Path, PathBuf};

use serde::Deserialize;
use toml::Spanned;

use crate::finding::{Fix, Kind};
use crate::rules::Rules;

pub const FILE_NAME: &str = "llmgw-migrate.toml";

/// What is wrong with a config file, and where.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A bad value or TOML syntax, at the place it is written.
    #[error("{}:{line}:{column}: {message}", file.display())]
    At {
        file: PathBuf,
        line: usize,
        column: usize,
        message: String,
    },
    /// A TOML error with no position.
    #[error("{}: {message}", file.display())]
    File { file: PathBuf, message: String },
    #[error("{}: cannot read config file", file.display())]
    Read {
        file: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot resolve path", path.display())]
    Resolve {
        path: PathBuf,
        source: std::io::Error,
    },
    /// A `--kinds` value.
    #[error("unknown kind '{name}'; known kinds: {known}")]
    UnknownKind { name: String, known: String },
}

/// Values `[parity] format` accepts (the names of `parity --format`).
const PARITY_FORMATS: &[&str] = &["human", "json", "junit", "markdown", "html"];

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct Raw {
    target: Option<Spanned<String>>,
    rules: Option<Spanned<String>>,
    #[serde(default)]
    include: Vec<Spanned<String>>,
    #[serde(default)]
    exclude: Vec<Spanned<String>>,
    kinds: Option<Vec<Spanned<String>>>,
    max_filesize: Option<Spanned<i64>>,
    scan: Option<RawScan>,
    parity: Option<RawParity>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawScan {
    fail_on: Option<Vec<Spanned<String>>>,
}

#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
struct RawParity {
    golden: Option<String>,
    config: Option<String>,
    concurrency: Option<Spanned<i64>>,
    format: Option<Spanned<String>>,
    min_pass_rate: Option<Spanned<f64>>,
    max_requests: Option<Spanned<i64>>,
}

/// A loaded, checked configuration. Paths are resolved against the
/// directory of the file.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Config {
    /// The file it came from (for messages).
    pub file: PathBuf,
    pub target: Option<String>,
    pub rules: Option<PathBuf>,
    pub include: Vec<String>,
    pub exclude: Vec<String>,
    pub kinds: Option<Vec<Kind>>,
    pub max_filesize: Option<u64>,
    /// `[scan] fail_on`: fix classes that fail the gate.
    pub fail_on: Option<Vec<Fix>>,
    pub parity: ParityDefaults,
    /// Where `target` was written, to point at it if it names no table.
    target_at: Option<(usize, usize)>,
}

#[derive(Debug, Clone, Default, PartialEq)]
pub struct ParityDefaults {
    pub golden: Option<PathBuf>,
    pub config: Option<PathBuf>,
    pub concurrency: Option<usize>,
    pub format: Option<String>,
    pub min_pass_rate: Option<f64>,
    pub max_requests: Option<u64>,
}

/// 1-based line and character column of a byte offset.
fn line_col(text: &str, off: usize) -> (usize, usize) {
    let mut off = off.min(text.len());
    while !text.is_char_boundary(off) {
        off -= 1;
    }
    let before = &text[..off];
    let line = before.matches('\n').count() + 1;
    let start = before.rfind('\n').map(|i| i + 1).unwrap_or(0);
    (line, text[start..off].chars().count() + 1)
}

struct Ctx<'a> {
    file: &'a Path,
    text: &'a str,
}

impl Ctx<'_> {
    fn at(&self, span: Range<usize>) -> (usize, usize) {
        line_col(self.text, span.start)
    }

    fn err(&self, span: Range<usize>, msg: impl std::fmt::Display) -> ConfigError {
        let (line, column) = self.at(span);
        ConfigError::At {
            file: self.file.to_path_buf(),
            line,
            column,
            message: msg.to_string(),
        }
    }

    /// Paths in the file are relative to the file's directory.
    fn resolve(&self, p: &str) -> PathBuf {
        let p = Path::new(p);
        if p.is_absolute() {
            p.to_path_buf()
        } else {
            self.file.parent().unwrap_or(Path::new(".")).join(p)
        }
    }
}

impl Config {
    /// Parse and check a config file's text; `file` names it in errors and
    /// anchors relative paths.
    pub fn parse(file: &Path, text: &str) -> Result<Config, ConfigError> {
        let cx = Ctx { file, text };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_owned();
            match e.span() {
                Some(span) => cx.err(span, msg),
                None => ConfigError::File {
                    file: file.to_path_buf(),
                    message: msg,
                },
            }
        })?;
        let mut cfg = Config {
            file: file.to_path_buf(),
            ..Config::default()
        };
        cfg.read_target_and_rules(&cx, &raw)?;
        cfg.read_walk(&cx, &raw)?;
        if let Some(list) = raw.scan.as_ref().and_then(|s| s.fail_on.as_ref()) {
            cfg.fail_on = Some(read_fail_on(&cx, list)?);
        }
        if let Some(p) = &raw.parity {
            cfg.parity = read_parity(&cx, p)?;
        }
        Ok(cfg)
    }

    fn read_target_and_rules(&mut self, cx: &Ctx, raw: &Raw) -> Result<(), ConfigError> {
        if let Some(t) = &raw.target {
            if t.get_ref().trim().is_empty() {
                return Err(cx.err(t.span(), "target must not be empty"));
            }
            self.target = Some(t.get_ref().trim().to_owned());
            self.target_at = Some(cx.at(t.span()));
        }
        if let Some(r) = &raw.rules {
            if r.get_ref().trim().is_empty() {
                return Err(cx.err(r.span(), "rules must name a directory"));
            }
            self.rules = Some(cx.resolve(r.get_ref()));
        }
        Ok(())
    }

    /// What to walk and read: globs, kinds and the size limit.
    fn read_walk(&mut self, cx: &Ctx, raw: &Raw) -> Result<(), ConfigError> {
        for (list, out) in [
            (&raw.include, &mut self.include),
            (&raw.exclude, &mut self.exclude),
        ] {
            for g in list {
                globset::Glob::new(g.get_ref())
                    .map_err(|e| cx.err(g.span(), format!("bad glob {:?}: {e}", g.get_ref())))?;
                out.push(g.get_ref().clone());
            }
        }
        if let Some(kinds) = &raw.kinds {
            let mut v = Vec::new();
            for k in kinds {
                let kind = Kind::parse(k.get_ref()).ok_or_else(|| {
                    let known: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                    cx.err(
                        k.span(),
                        format!(
                            "unknown kind {:?}; known kinds: {}",
                            k.get_ref(),
                            known.join(", ")
                        ),
                    )
                })?;
                v.push(kind);
            }
            self.kinds = Some(v);
        }
        if let Some(m) = &raw.max_filesize {
            if *m.get_ref() < 0 {
                return Err(cx.err(
                    m.span(),
                    "max_filesize must be a number of bytes (0: no limit)",
                ));
            }
            self.max_filesize = Some(*m.get_ref() as u64);
        }
        Ok(())
    }
    pub fn load(path: &Path) -> Result<Config, ConfigError> {
        let text =
            crate::source::read_regular_text(path, crate::source::INPUT_CAP).map_err(|source| {
                ConfigError::Read {
                    file: path.to_path_buf(),
                    source,
                }
            })?;
        Config::parse(path, &text)
    }

    /// Find `llmgw-migrate.toml` in `start` (or its directory, for a file)
    /// and its ancestors. The search stops at the repository root (a
    /// directory holding `.git`) so a stray file above the repo never applies.
    pub fn discover(start: &Path) -> Result<Option<(PathBuf, Config)>, ConfigError> {
        // Canonical when it exists, so `..` walks up the real tree.
        let abs = match std::fs::canonicalize(start) {
            Ok(p) => p,
            Err(_) => std::path::absolute(start).map_err(|source| ConfigError::Resolve {
                path: start.to_path_buf(),
                source,
            })?,
        };
        let mut dir = if abs.is_file() {
            abs.parent().map(Path::to_path_buf)
        } else {
            Some(abs)
        };
        while let Some(d) = dir {
            let candidate = d.join(FILE_NAME);
            if candidate.is_file() {
                let cfg = Config::load(&candidate)?;
                return Ok(Some((candidate, cfg)));
            }
            if d.join(".git").exists() {
                break;
            }
            dir = d.parent().map(Path::to_path_buf);
        }
        Ok(None)
    }

    /// `--config FILE` when given, else discovery from `start`.
    pub fn resolve(explicit: Option<&Path>, start: &Path) -> Result<Option<Config>, ConfigError> {
        match explicit {
            Some(p) => Config::load(p).map(Some),
            None => Ok(Config::discover(start)?.map(|(_, c)| c)),
        }
    }

    /// The target in effect: the flag, else the file's.
    pub fn effective_target(&self, cli: Option<&str>) -> Option<String> {
        cli.map(str::to_owned).or_else(|| self.target.clone())
    }

    /// Extra rules directory in effect: the flag, else the file's.
    pub fn effective_rules(&self, cli: Option<&Path>) -> Option<PathBuf> {
        cli.map(Path::to_path_buf).or_else(|| self.rules.clone())
    }

    /// Kinds in effect: the flag's list when given (parsed, with an error
    /// naming an unknown kind), else the file's, else all (empty).
    pub fn effective_kinds(&self, cli: &[String]) -> Result<Vec<Kind>, ConfigError> {
        if !cli.is_empty() {
            return parse_kinds(cli);
        }
        Ok(self.kinds.clone().unwrap_or_default())
    }

    /// Fix classes that fail the gate: the flag's when given, else the
    /// file's, else `auto` and `manual`.
    pub fn effective_fail_on(&self, cli: &[Fix]) -> Vec<Fix> {
        if !cli.is_empty() {
            return cli.to_vec();
        }
        self.fail_on
            .clone()
            .unwrap_or_else(|| vec![Fix::Auto, Fix::Manual])
    }

    pub fn effective_max_filesize(&self, cli: Option<u64>) -> Option<u64> {
        cli.or(self.max_filesize)
    }

    /// Check that `target` names a table; the error points into the file.
    pub fn check_target(&self, rules: &Rules) -> Result<(), ConfigError> {
        if let (Some(t), Some((l, c))) = (&self.target, self.target_at) {
            if let Err(e) = rules.require_target(t) {
                return Err(ConfigError::At {
                    file: self.file.clone(),
                    line: l,
                    column: c,
                    message: e.to_string(),
                });
            }
        }
        Ok(())
    }
}

/// `[scan] fail_on`.
fn read_fail_on(cx: &Ctx, list: &[Spanned<String>]) -> Result<Vec<Fix>, ConfigError> {
    let mut v = Vec::new();
    for f in list {
        let fix = Fix::parse(f.get_ref().trim()).ok_or_else(|| {
            cx.err(
                f.span(),
                format!(
                    "unknown fail_on value {:?}; expected auto, manual or none",
                    f.get_ref()
                ),
            )
        })?;
        v.push(fix);
    }
    Ok(v)
}

/// `[parity]`: defaults for `parity`'s flags.
fn read_parity(cx: &Ctx, p: &RawParity) -> Result<ParityDefaults, ConfigError> {
    let mut out = ParityDefaults {
        golden: p.golden.as_deref().map(|g| cx.resolve(g)),
        config: p.config.as_deref().map(|c| cx.resolve(c)),
        ..ParityDefaults::default()
    };
    if let Some(c) = &p.concurrency {
        if *c.get_ref() < 1 || *c.get_ref() > 1024 {
            return Err(cx.err(c.span(), "concurrency must be between 1 and 1024"));
        }
        out.concurrency = Some(*c.get_ref() as usize);
    }
    if let Some(f) = &p.format {
        if !PARITY_FORMATS.contains(&f.get_ref().as_str()) {
            return Err(cx.err(
                f.span(),
                format!(
                    "unknown parity format {:?}; expected one of {}",
                    f.get_ref(),
                    PARITY_FORMATS.join(", ")
                ),
            ));
        }
        out.format = Some(f.get_ref().clone());
    }
    if let Some(m) = &p.min_pass_rate {
        if !(0.0..=1.0).contains(m.get_ref()) {
            return Err(cx.err(m.span(), "min_pass_rate must be between 0 and 1"));
        }
        out.min_pass_rate = Some(*m.get_ref());
    }
    if let Some(m) = &p.max_requests {
        if *m.get_ref() < 1 {
            return Err(cx.err(m.span(), "max_requests must be at least 1"));
        }
        out.max_requests = Some(*m.get_ref() as u64);
    }
    Ok(out)
}

/// Parse `--kinds` values (comma lists already split by clap).
pub fn parse_kinds(names: &[String]) -> Result<Vec<Kind>, ConfigError> {
    names
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            Kind::parse(s).ok_or_else(|| {
                let known: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                ConfigError::UnknownKind {
                    name: s.to_owned(),
                    known: known.join(", "),
                }
            })
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_col_counts_characters() {
        assert_eq!(line_col("a\nbé=x", 5), (2, 3));
        assert_eq!(line_col("abc", 0), (1, 1));
    }
}
