//! Versioned mapping tables: the OpenRouter surface to detect and, per target
//! gateway, what each piece becomes. Tables are data (rules/*.yaml), compiled
//! into the binary and overridable with `--rules DIR`.

/// The target when neither `--to` nor the config file names one.
pub const DEFAULT_TARGET: &str = "llmgateway";

pub mod catalog;
pub mod check;
pub mod date;
mod derive;
pub mod diff;
pub mod lookup;
pub mod schema;
mod validate;

use std::path::{Path, PathBuf};

use sha2::{Digest, Sha256};

pub use lookup::{parse_slug, Mapping, SlugRef};
pub use schema::{Action, SourceTable, Status, TargetTable};
pub use validate::Diagnostic;

mod embedded {
    include!(concat!(env!("OUT_DIR"), "/embedded_rules.rs"));
}

/// A table compiled into the binary (see build.rs): its YAML and, unless
/// it did not parse at build time, the same table pre-parsed.
struct Embedded {
    file: &'static str,
    yaml: &'static str,
    pre: Option<PreParsed>,
}

/// A table build.rs parsed: its kind, the table as JSON and the hash of
/// its YAML.
#[derive(Clone, Copy)]
struct PreParsed {
    target: bool,
    json: &'static str,
    hash: &'static str,
}

/// One table file to load: its name and text, and for an embedded table
/// its pre-parsed JSON and hash.
struct TableFile {
    file: String,
    text: std::borrow::Cow<'static, str>,
    pre: Option<PreParsed>,
}

impl TableFile {
    fn embedded(e: &Embedded) -> TableFile {
        TableFile {
            file: e.file.to_owned(),
            text: e.yaml.into(),
            pre: e.pre,
        }
    }

    fn parse(&self) -> Result<AnyTable, RulesError> {
        self.pre
            .and_then(|pre| validate::parse_pre_parsed(&self.file, pre))
            .map_or_else(|| parse_table(&self.file, &self.text), Ok)
    }
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
#[derive(Debug, thiserror::Error)]
#[error("{}", lines(.0))]
pub struct RulesError(pub Vec<Diagnostic>);

fn lines(diags: &[Diagnostic]) -> String {
    diags
        .iter()
        .map(Diagnostic::to_string)
        .collect::<Vec<_>>()
        .join("\n")
}

/// Why `--rules DIR` cannot be loaded.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    #[error("{}: cannot read rules directory: {error}", dir.display())]
    ReadDir { dir: PathBuf, error: std::io::Error },
    #[error("{}: rules directory holds no tables (*.yaml, *.yml)", .0.display())]
    Empty(PathBuf),
    #[error("{}: cannot read: {error}", path.display())]
    Read {
        path: PathBuf,
        error: std::io::Error,
    },
    #[error(transparent)]
    Invalid(#[from] RulesError),
}

/// A `--to`, `--from` or config value that names no table; lists the
/// tables there are.
#[derive(Debug, thiserror::Error)]
#[error("unknown {what} '{name}'; known {what}s: {known}")]
pub struct UnknownTable {
    /// `source` or `target`.
    pub what: &'static str,
    pub name: String,
    pub known: String,
}

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
        Rules::assemble(embedded::TABLES.iter().map(TableFile::embedded).collect())
    }

    /// The embedded tables, with every `*.yaml`/`*.yml` in `dir` added or
    /// replacing the embedded table of the same id.
    pub fn with_dir(dir: &Path) -> Result<Rules, LoadError> {
        let mut files: Vec<TableFile> = embedded::TABLES.iter().map(TableFile::embedded).collect();
        let mut entries: Vec<_> = std::fs::read_dir(dir)
            .map_err(|error| LoadError::ReadDir {
                dir: dir.to_owned(),
                error,
            })?
            .filter_map(|e| e.ok())
            .map(|e| e.path())
            .filter(|p| matches!(p.extension().and_then(|e| e.to_str()), Some("yaml" | "yml")))
            .collect();
        if entries.is_empty() {
            // A typo'd or empty directory must not silently mean "no overlay".
            return Err(LoadError::Empty(dir.to_owned()));
        }
        entries.sort();
        for p in entries {
            let text = crate::source::read_regular_text(&p, crate::source::INPUT_CAP).map_err(
                |error| LoadError::Read {
                    path: p.clone(),
                    error,
                },
            )?;
            files.push(TableFile {
                file: p.display().to_string(),
                text: text.into(),
                pre: None,
            });
        }
        Ok(Rules::assemble(files)?)
    }

    fn assemble(files: Vec<TableFile>) -> Result<Rules, RulesError> {
        let mut sources: Vec<Loaded<SourceTable>> = Vec::new();
        let mut targets: Vec<Loaded<TargetTable>> = Vec::new();
        let mut errors = Vec::new();
        // Tables are independent: parse them side by side (most of a small
        // scan's start-up), then take them in order, so later files still
        // override earlier ones.
        let parsed = parse_all(&files);
        for parsed in parsed {
            match parsed {
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
        // Every gateway is also a source (`--from llmgateway --to phaseo`),
        // unless a source table of its own says otherwise.
        for t in &targets {
            if !sources.iter().any(|s| s.table.id == t.table.id) {
                sources.push(Loaded {
                    file: t.file.clone(),
                    hash: t.hash.clone(),
                    table: SourceTable::from_target(&t.table),
                });
            }
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

    /// Find a source profile by id, or a gateway's by its target alias
    /// (case-insensitive).
    pub fn source(&self, name: &str) -> Option<&Loaded<SourceTable>> {
        let id = self.target(name).map_or(name, |t| t.table.id.as_str());
        self.sources
            .iter()
            .find(|s| s.table.id.eq_ignore_ascii_case(id))
    }

    /// Like [`Rules::source`] but with an error listing the known sources.
    pub fn require_source(&self, name: &str) -> Result<&Loaded<SourceTable>, UnknownTable> {
        self.source(name).ok_or_else(|| {
            let known: Vec<&str> = self.sources.iter().map(|s| s.table.id.as_str()).collect();
            UnknownTable {
                what: "source",
                name: name.to_owned(),
                known: known.join(", "),
            }
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
    pub fn require_target(&self, name: &str) -> Result<&Loaded<TargetTable>, UnknownTable> {
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
            UnknownTable {
                what: "target",
                name: name.to_owned(),
                known: known.join(", "),
            }
        })
    }
}

/// [`parse_table`] for every file, on up to one thread per core, results in
/// the files' order. Threads take the largest file left first, so the
/// three big target tables do not end up on one thread.
fn parse_all(files: &[TableFile]) -> Vec<Result<AnyTable, RulesError>> {
    use std::sync::atomic::{AtomicUsize, Ordering};
    let mut order: Vec<usize> = (0..files.len()).collect();
    order.sort_by_key(|&i| {
        std::cmp::Reverse(files[i].pre.map_or(files[i].text.len(), |p| p.json.len()))
    });
    let next = AtomicUsize::new(0);
    let threads = std::thread::available_parallelism().map_or(1, |n| n.get().min(8));
    let done: Vec<(usize, Result<AnyTable, RulesError>)> = std::thread::scope(|s| {
        let work = || {
            let mut mine = Vec::new();
            while let Some(&i) = order.get(next.fetch_add(1, Ordering::Relaxed)) {
                mine.push((i, files[i].parse()));
            }
            mine
        };
        let handles: Vec<_> = (0..threads.min(files.len()))
            .map(|_| s.spawn(work))
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap_or_else(|p| std::panic::resume_unwind(p)))
            .collect()
    });
    let mut slots: Vec<Option<Result<AnyTable, RulesError>>> = files.iter().map(|_| None).collect();
    for (i, r) in done {
        slots[i] = Some(r);
    }
    slots.into_iter().flatten().collect()
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

    /// build.rs's JSON must be the same table as the YAML read at run
    /// time, with the same hash; and it must be the path taken (a JSON that
    /// stopped reading would silently fall back to the slow YAML path).
    #[test]
    fn pre_parsed_tables_equal_their_yaml() {
        assert!(embedded::TABLES.len() >= 7);
        for e in embedded::TABLES {
            let pre = e
                .pre
                .unwrap_or_else(|| panic!("{}: not pre-parsed", e.file));
            assert_eq!(pre.hash, sha12(e.yaml.as_bytes()), "{}", e.file);
            let fast = validate::parse_pre_parsed(e.file, pre)
                .unwrap_or_else(|| panic!("{}: pre-parsed table rejected", e.file));
            let slow = parse_table(e.file, e.yaml).unwrap_or_else(|err| panic!("{err}"));
            let value = |t: &AnyTable| match t {
                AnyTable::Source(s) => (s.hash.clone(), serde_json::to_value(&s.table).unwrap()),
                AnyTable::Target(t) => (t.hash.clone(), serde_json::to_value(&t.table).unwrap()),
            };
            assert_eq!(value(&fast), value(&slow), "{}", e.file);
        }
    }

    /// A table that no longer passes its checks is read again from its
    /// YAML, so the error names its line.
    #[test]
    fn a_pre_parsed_table_that_fails_its_checks_falls_back_to_yaml() {
        let e = embedded::TABLES
            .iter()
            .find(|e| e.file == "rules/llmgateway.yaml")
            .unwrap();
        let mut value: serde_json::Value = serde_json::from_str(e.pre.unwrap().json).unwrap();
        value["version"] = "not a date".into();
        let json: &'static str = Box::leak(value.to_string().into_boxed_str());
        let line = e
            .yaml
            .lines()
            .position(|l| l.starts_with("version:"))
            .unwrap();
        let yaml: String = e
            .yaml
            .lines()
            .enumerate()
            .map(|(i, l)| if i == line { "version: not a date" } else { l })
            .collect::<Vec<_>>()
            .join("\n");
        let pre = PreParsed {
            json,
            ..e.pre.unwrap()
        };
        assert!(validate::parse_pre_parsed(e.file, pre).is_none());
        let file = TableFile {
            file: e.file.into(),
            text: yaml.into(),
            pre: Some(pre),
        };
        let err = file.parse().expect_err("an invalid table is an error");
        let at = format!("rules/llmgateway.yaml:{}:", line + 1);
        assert!(err.to_string().starts_with(&at), "{err}");
        assert!(err.to_string().contains("not a date"), "{err}");
    }

    #[test]
    fn hash_is_twelve_hex() {
        let h = sha12(b"abc");
        assert_eq!(h, "ba7816bf8f01");
    }
}
