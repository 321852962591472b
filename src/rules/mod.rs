//! Versioned mapping tables: the OpenRouter surface to detect and, per target
//! gateway, what each piece becomes. Tables are data (rules/*.yaml), compiled
//! into the binary and overridable with `--rules DIR`.

pub mod catalog;
pub mod check;
pub mod date;
pub mod diff;
pub mod lookup;
pub mod schema;
mod validate;

use std::fmt;
use std::path::Path;

use sha2::{Digest, Sha256};

pub use lookup::{parse_slug, Mapping, SlugRef};
pub use schema::{Action, SourceTable, Status, TargetTable};
pub use validate::Diagnostic;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// A parsed table with its provenance.
#[derive(Debug, Clone)]
pub struct Loaded<T> {
    /// File name or path it was read from.
    pub file: String,
    /// First 12 hex digits of the SHA-256 of the file's bytes.
    pub hash: String,
    pub table: T,
}

impl Loaded<TargetTable> {
    /// `target@version+sha256:<12 hex>`: names exactly which table ran.
    pub fn label(&self) -> String {
        format!(
            "{}@{}+sha256:{}",
            self.table.id, self.table.version.value, self.hash
        )
    }
}

impl Loaded<SourceTable> {
    pub fn label(&self) -> String {
        format!(
            "{}@{}+sha256:{}",
            self.table.id, self.table.version.value, self.hash
        )
    }
}

/// Every table in effect.
#[derive(Debug, Clone)]
pub struct Rules {
    /// Every source profile, sorted by id; OpenRouter is the default.
    pub sources: Vec<Loaded<SourceTable>>,
    pub targets: Vec<Loaded<TargetTable>>,
}

/// The source used when `--from` is not given.
pub const DEFAULT_SOURCE: &str = "openrouter";

/// One or more table problems, each with file:line:col.
#[derive(Debug)]
pub struct RulesError(pub Vec<Diagnostic>);

impl fmt::Display for RulesError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        for (i, d) in self.0.iter().enumerate() {
            if i > 0 {
                writeln!(f)?;
            }
            write!(f, "{d}")?;
        }
        Ok(())
    }
}

impl std::error::Error for RulesError {}

/// A parsed table file of either kind.
// Parsed a few times per run: size does not matter, the plain shape does.
#[allow(clippy::large_enum_variant)]
#[derive(Debug, Clone)]
pub enum AnyTable {
    Source(Loaded<SourceTable>),
    Target(Loaded<TargetTable>),
}

pub fn sha12(bytes: &[u8]) -> String {
    let digest = Sha256::digest(bytes);
    digest.iter().take(6).map(|b| format!("{b:02x}")).collect()
}

/// Parse and validate one table file's text.
pub fn parse_table(file: &str, text: &str) -> Result<AnyTable, RulesError> {
    validate::parse(file, text)
}

impl Rules {
    /// The tables compiled into the binary.
    pub fn embedded() -> Result<Rules, RulesError> {
        Rules::assemble(
            embedded::TABLES
                .iter()
                .map(|(name, text)| ((*name).to_owned(), (*text).to_owned())),
        )
    }

    /// The embedded tables, with every `*.yaml`/`*.yml` in `dir` added or
    /// replacing the embedded table of the same id.
    pub fn with_dir(dir: &Path) -> Result<Rules, anyhow::Error> {
        let mut files: Vec<(String, String)> = embedded::TABLES
            .iter()
            .map(|(n, t)| ((*n).to_owned(), (*t).to_owned()))
            .collect();
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|e| anyhow::anyhow!("{}: cannot read rules directory: {e}", dir.display()))?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        if entries.is_empty() {
            // A typo'd or empty directory must not silently mean "no overlay".
            anyhow::bail!(
                "{}: rules directory holds no tables (*.yaml, *.yml)",
                dir.display()
            );
        }
        entries.sort();
        for p in entries {
            let text = crate::source::read_regular_text(&p, crate::source::INPUT_CAP)
                .map_err(|e| anyhow::anyhow!("{}: cannot read: {e}", p.display()))?;
            files.push((p.display().to_string(), text));
        }
        Ok(Rules::assemble(files.into_iter())?)
    }

    fn assemble(files: impl Iterator<Item = (String, String)>) -> Result<Rules, RulesError> {
        let mut sources: Vec<Loaded<SourceTable>> = Vec::new();
        let mut targets: Vec<Loaded<TargetTable>> = Vec::new();
        let mut errors = Vec::new();
        for (file, text) in files {
            match parse_table(&file, &text) {
                Ok(AnyTable::Source(s)) => {
                    sources.retain(|x| x.table.id != s.table.id);
                    sources.push(s);
                }
                Ok(AnyTable::Target(t)) => {
                    // A later file with the same id overrides the earlier one.
                    targets.retain(|x| x.table.id != t.table.id);
                    targets.push(t);
                }
                Err(RulesError(mut d)) => errors.append(&mut d),
            }
        }
        if !errors.is_empty() {
            return Err(RulesError(errors));
        }
        if !sources.iter().any(|s| s.table.id == DEFAULT_SOURCE) {
            return Err(RulesError(vec![Diagnostic::plain(
                "rules",
                &format!("no source table (kind: source) with id '{DEFAULT_SOURCE}' found"),
            )]));
        }
        sources.sort_by(|a, b| a.table.id.cmp(&b.table.id));
        targets.sort_by(|a, b| a.table.id.cmp(&b.table.id));
        Ok(Rules { sources, targets })
    }

    /// The default source table (OpenRouter).
    pub fn source_default(&self) -> &Loaded<SourceTable> {
        self.source(DEFAULT_SOURCE)
            .expect("assemble() guarantees the default source")
    }

    /// Find a source profile by id (case-insensitive).
    pub fn source(&self, name: &str) -> Option<&Loaded<SourceTable>> {
        self.sources
            .iter()
            .find(|s| s.table.id.eq_ignore_ascii_case(name))
    }

    /// Like [`Rules::source`] but with an error listing the known sources.
    pub fn require_source(&self, name: &str) -> anyhow::Result<&Loaded<SourceTable>> {
        self.source(name).ok_or_else(|| {
            let known: Vec<&str> = self.sources.iter().map(|s| s.table.id.as_str()).collect();
            anyhow::anyhow!(
                "unknown source '{name}'; known sources: {}",
                known.join(", ")
            )
        })
    }

    /// Find a target by id or alias (case-insensitive).
    pub fn target(&self, name: &str) -> Option<&Loaded<TargetTable>> {
        let name = name.to_ascii_lowercase();
        self.targets.iter().find(|t| {
            t.table.id == name
                || t.table
                    .aliases
                    .iter()
                    .any(|a| a.eq_ignore_ascii_case(&name))
        })
    }

    /// Like [`Rules::target`] but with an error listing the known targets.
    pub fn require_target(&self, name: &str) -> anyhow::Result<&Loaded<TargetTable>> {
        self.target(name).ok_or_else(|| {
            let known: Vec<String> = self
                .targets
                .iter()
                .map(|t| {
                    if t.table.aliases.is_empty() {
                        t.table.id.clone()
                    } else {
                        format!("{} (alias {})", t.table.id, t.table.aliases.join(", "))
                    }
                })
                .collect();
            anyhow::anyhow!(
                "unknown target '{name}'; known targets: {}",
                known.join(", ")
            )
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn embedded_tables_load_and_validate() {
        let rules = Rules::embedded().unwrap_or_else(|e| panic!("{e}"));
        for id in ["llmgateway", "ominigate", "phaseo"] {
            let t = rules.target(id).unwrap();
            assert!(t.label().starts_with(&format!("{id}@")));
            assert!(t.label().contains("+sha256:"));
            assert!(!t.table.models.is_empty());
        }
        assert_eq!(rules.target("aistats").unwrap().table.id, "phaseo");
        assert!(rules.target("nope").is_none());
    }

    #[test]
    fn hash_is_twelve_hex() {
        let h = sha12(b"abc");
        assert_eq!(h, "ba7816bf8f01");
    }
}
