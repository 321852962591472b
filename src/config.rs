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

use anyhow::{anyhow, Context};
use serde::Deserialize;
use toml::Spanned;

use crate::finding::{Fix, Kind};
use crate::rules::Rules;

pub const FILE_NAME: &str = "llmgw-migrate.toml";

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

    fn err(&self, span: Range<usize>, msg: impl std::fmt::Display) -> anyhow::Error {
        let (l, c) = self.at(span);
        anyhow!("{}:{l}:{c}: {msg}", self.file.display())
    }
}

impl Config {
    /// Parse and check a config file's text; `file` names it in errors and
    /// anchors relative paths.
    pub fn parse(file: &Path, text: &str) -> anyhow::Result<Config> {
        let cx = Ctx { file, text };
        let raw: Raw = toml::from_str(text).map_err(|e| {
            let msg = e.message().trim().to_owned();
            match e.span() {
                Some(span) => cx.err(span, msg),
                None => anyhow!("{}: {msg}", file.display()),
            }
        })?;
        let base = file.parent().unwrap_or(Path::new("."));
        let resolve = |p: &str| -> PathBuf {
            let p = Path::new(p);
            if p.is_absolute() {
                p.to_path_buf()
            } else {
                base.join(p)
            }
        };

        let mut cfg = Config {
            file: file.to_path_buf(),
            ..Config::default()
        };
        if let Some(t) = &raw.target {
            if t.get_ref().trim().is_empty() {
                return Err(cx.err(t.span(), "target must not be empty"));
            }
            cfg.target = Some(t.get_ref().trim().to_owned());
            cfg.target_at = Some(cx.at(t.span()));
        }
        if let Some(r) = &raw.rules {
            if r.get_ref().trim().is_empty() {
                return Err(cx.err(r.span(), "rules must name a directory"));
            }
            cfg.rules = Some(resolve(r.get_ref()));
        }
        for (list, out) in [
            (&raw.include, &mut cfg.include),
            (&raw.exclude, &mut cfg.exclude),
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
            cfg.kinds = Some(v);
        }
        if let Some(m) = &raw.max_filesize {
            if *m.get_ref() < 0 {
                return Err(cx.err(
                    m.span(),
                    "max_filesize must be a number of bytes (0: no limit)",
                ));
            }
            cfg.max_filesize = Some(*m.get_ref() as u64);
        }
        if let Some(list) = raw.scan.as_ref().and_then(|s| s.fail_on.as_ref()) {
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
            cfg.fail_on = Some(v);
        }
        if let Some(p) = &raw.parity {
            cfg.parity.golden = p.golden.as_deref().map(resolve);
            cfg.parity.config = p.config.as_deref().map(resolve);
            if let Some(c) = &p.concurrency {
                if *c.get_ref() < 1 || *c.get_ref() > 1024 {
                    return Err(cx.err(c.span(), "concurrency must be between 1 and 1024"));
                }
                cfg.parity.concurrency = Some(*c.get_ref() as usize);
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
                cfg.parity.format = Some(f.get_ref().clone());
            }
            if let Some(m) = &p.min_pass_rate {
                if !(0.0..=1.0).contains(m.get_ref()) {
                    return Err(cx.err(m.span(), "min_pass_rate must be between 0 and 1"));
                }
                cfg.parity.min_pass_rate = Some(*m.get_ref());
            }
            if let Some(m) = &p.max_requests {
                if *m.get_ref() < 1 {
                    return Err(cx.err(m.span(), "max_requests must be at least 1"));
                }
                cfg.parity.max_requests = Some(*m.get_ref() as u64);
            }
        }
        Ok(cfg)
    }

    pub fn load(path: &Path) -> anyhow::Result<Config> {
        let text = crate::source::read_regular_text(path, crate::source::INPUT_CAP)
            .with_context(|| format!("{}: cannot read config file", path.display()))?;
        Config::parse(path, &text)
    }

    /// Find `llmgw-migrate.toml` in `start` (or its directory, for a file)
    /// and its ancestors. The search stops at the repository root (a
    /// directory holding `.git`) so a stray file above the repo never applies.
    pub fn discover(start: &Path) -> anyhow::Result<Option<(PathBuf, Config)>> {
        // Canonical when it exists, so `..` walks up the real tree.
        let abs = match std::fs::canonicalize(start) {
            Ok(p) => p,
            Err(_) => std::path::absolute(start)
                .with_context(|| format!("{}: cannot resolve path", start.display()))?,
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
    pub fn resolve(explicit: Option<&Path>, start: &Path) -> anyhow::Result<Option<Config>> {
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
    pub fn effective_kinds(&self, cli: &[String]) -> anyhow::Result<Vec<Kind>> {
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
    pub fn check_target(&self, rules: &Rules) -> anyhow::Result<()> {
        if let (Some(t), Some((l, c))) = (&self.target, self.target_at) {
            if let Err(e) = rules.require_target(t) {
                return Err(anyhow!("{}:{l}:{c}: {e}", self.file.display()));
            }
        }
        Ok(())
    }
}

/// Parse `--kinds` values (comma lists already split by clap).
pub fn parse_kinds(names: &[String]) -> anyhow::Result<Vec<Kind>> {
    names
        .iter()
        .map(|s| s.trim())
        .filter(|s| !s.is_empty())
        .map(|s| {
            Kind::parse(s).ok_or_else(|| {
                let known: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
                anyhow!("unknown kind '{s}'; known kinds: {}", known.join(", "))
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
