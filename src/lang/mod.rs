//! One module per language or file format: how a file is recognised (file
//! names, extensions, Markdown fence tags), how it is read (its lexer, and
//! the package references in it), how rewrite tells its strings and
//! comments apart, and how a rewritten file is checked to still parse.
//! `scan` and `rewrite` both read languages only through [`Language`].
//!
//! Adding a language: a module here with its `LANGUAGE`, a [`FileKind`]
//! variant and its arm in [`FileKind::language`] (CONTRIBUTING.md has the
//! steps); `tests` below check that every kind is registered once.

pub mod batch;
pub mod config;
pub mod grammar;
pub mod lexer;

pub mod csharp;
pub mod dart;
pub mod dockerfile;
pub mod elixir;
pub mod env;
pub mod go;
pub mod ini;
pub mod java;
pub mod javascript;
pub mod json;
pub mod kotlin;
pub mod lockfile;
pub mod lua;
pub mod markdown;
pub mod notebook;
pub mod php;
pub mod powershell;
pub mod python;
pub mod requirements;
pub mod ruby;
pub mod rust;
pub mod shell;
pub mod swift;
pub mod text;
pub mod toml;
pub mod xml;
pub mod yaml;

use std::ops::Range;
use std::path::Path;

use crate::rules::schema::Ecosystem;
use lexer::Lexed;

/// The languages and formats the tool reads; each has one module here.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Python,
    /// JavaScript and TypeScript, with JSX/TSX.
    JavaScript,
    Rust,
    Go,
    Ruby,
    Php,
    Lua,
    Elixir,
    Dart,
    Swift,
    Java,
    Kotlin,
    CSharp,
    Shell,
    PowerShell,
    /// Windows cmd.exe batch files.
    Batch,
    /// .env files and the like: KEY=VALUE lines.
    Env,
    Ini,
    Yaml,
    Json,
    Toml,
    /// Property lists, MSBuild and Maven files, XML settings.
    Xml,
    Dockerfile,
    Notebook,
    Markdown,
    /// Requirements files: one package spec a line.
    Requirements,
    /// Lockfiles are never findings.
    Lockfile,
    /// Anything else that is text: a careful text pass.
    Text,
}

impl FileKind {
    pub const ALL: [FileKind; 28] = [
        FileKind::Python,
        FileKind::JavaScript,
        FileKind::Rust,
        FileKind::Go,
        FileKind::Ruby,
        FileKind::Php,
        FileKind::Lua,
        FileKind::Elixir,
        FileKind::Dart,
        FileKind::Swift,
        FileKind::Java,
        FileKind::Kotlin,
        FileKind::CSharp,
        FileKind::Shell,
        FileKind::PowerShell,
        FileKind::Batch,
        FileKind::Env,
        FileKind::Ini,
        FileKind::Yaml,
        FileKind::Json,
        FileKind::Toml,
        FileKind::Xml,
        FileKind::Dockerfile,
        FileKind::Notebook,
        FileKind::Markdown,
        FileKind::Requirements,
        FileKind::Lockfile,
        FileKind::Text,
    ];

    /// The module that handles this kind.
    pub fn language(self) -> &'static Language {
        match self {
            FileKind::Python => &python::LANGUAGE,
            FileKind::JavaScript => &javascript::LANGUAGE,
            FileKind::Rust => &rust::LANGUAGE,
            FileKind::Go => &go::LANGUAGE,
            FileKind::Ruby => &ruby::LANGUAGE,
            FileKind::Elixir => &elixir::LANGUAGE,
            FileKind::Dart => &dart::LANGUAGE,
            FileKind::Swift => &swift::LANGUAGE,
            FileKind::Java => &java::LANGUAGE,
            FileKind::Kotlin => &kotlin::LANGUAGE,
            FileKind::CSharp => &csharp::LANGUAGE,
            FileKind::Shell => &shell::LANGUAGE,
            FileKind::PowerShell => &powershell::LANGUAGE,
            FileKind::Php => &php::LANGUAGE,
            FileKind::Lua => &lua::LANGUAGE,
            FileKind::Batch => &batch::LANGUAGE,
            FileKind::Env => &env::LANGUAGE,
            FileKind::Ini => &ini::LANGUAGE,
            FileKind::Yaml => &yaml::LANGUAGE,
            FileKind::Json => &json::LANGUAGE,
            FileKind::Toml => &toml::LANGUAGE,
            FileKind::Xml => &xml::LANGUAGE,
            FileKind::Dockerfile => &dockerfile::LANGUAGE,
            FileKind::Notebook => &notebook::LANGUAGE,
            FileKind::Markdown => &markdown::LANGUAGE,
            FileKind::Requirements => &requirements::LANGUAGE,
            FileKind::Lockfile => &lockfile::LANGUAGE,
            FileKind::Text => &text::LANGUAGE,
        }
    }

    /// The kind of the file at `path`, from its name: exact file names
    /// first, then name patterns, then the extension; `Text` otherwise.
    pub fn detect(path: &Path) -> FileKind {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        let langs = FileKind::ALL.map(FileKind::language);
        if let Some(l) = langs.iter().find(|l| l.file_names.contains(&name.as_str())) {
            return l.kind;
        }
        if let Some(l) = langs.iter().find(|l| (l.name_matches)(&name)) {
            return l.kind;
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        langs
            .iter()
            .find(|l| l.extensions.contains(&ext))
            .map_or(FileKind::Text, |l| l.kind)
    }

    /// The kind a Markdown fence's info string (lower-cased first word)
    /// names; `None` for a tag no language claims.
    pub fn from_fence(tag: &str) -> Option<FileKind> {
        FileKind::ALL
            .into_iter()
            .find(|k| k.language().fence_tags.contains(&tag))
    }

    /// Program code whose names are program identifiers (renaming them is
    /// cosmetic), as opposed to environment variable names.
    pub fn has_program_identifiers(self) -> bool {
        self.language().role == Role::Program
    }

    /// Files that build and send requests (code, scripts, notebooks).
    pub fn sends_requests(self) -> bool {
        matches!(
            self.language().role,
            Role::Program | Role::Script | Role::Cells
        )
    }

    /// Files that set environment variables (.env files, compose and CI
    /// YAML, Dockerfiles, config files) rather than read them in code.
    pub fn sets_variables(self) -> bool {
        !self.sends_requests()
    }

    /// Structured config whose lower-case keys are settings deployments
    /// provide (`openrouter_api_key = ...`), not environment variables.
    pub fn has_config_keys(self) -> bool {
        self.language().role == Role::Config
    }
}

/// What part a file plays, which decides how names in it are read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Role {
    /// Program source: reads variables, builds requests, has identifiers.
    Program,
    /// Shell scripts: build requests and set variables for what they start.
    Script,
    /// Notebooks: cells of program code.
    Cells,
    /// Structured settings (INI, TOML, YAML, JSON).
    Config,
    /// Everything else: .env, Dockerfiles, docs, manifests, text.
    Other,
}

/// How scan reads a file of this kind.
pub enum Read {
    /// Nothing in it is a finding (lockfiles).
    Nothing,
    /// A token stream for the detectors, and the package references in it.
    Tokens {
        lex: fn(&str) -> Lexed,
        packages: fn(&Manifest) -> Vec<PackageUse>,
        /// The careful pass for text of no known language.
        text_pass: bool,
    },
    /// Documents embedded in it (Markdown fences, notebook cells), each read
    /// as its own kind and mapped back.
    Embedded(fn(&str) -> Vec<Embedded>),
}

/// One language or file format.
pub struct Language {
    pub kind: FileKind,
    /// Its name in messages ("Python", "a Dockerfile"), by path.
    pub title: fn(&str) -> &'static str,
    /// Lower-case file names that are always this kind.
    pub file_names: &'static [&'static str],
    /// Lower-case file names that are this kind by a pattern
    /// (`Dockerfile.dev`, `requirements-dev.txt`).
    pub name_matches: fn(&str) -> bool,
    pub extensions: &'static [&'static str],
    /// Markdown fence tags (lower case).
    pub fence_tags: &'static [&'static str],
    pub role: Role,
    pub read: Read,
    /// The lexer whose strings and comments rewrite's edits respect; `None`
    /// where rewrite makes no structural edit (a header removal there is a
    /// manual item).
    pub classes: Option<fn(&str) -> Lexed>,
    /// Whether `text` (the file at `path`) parses; checked before and after
    /// every rewrite.
    pub check: fn(&str, &str) -> Result<(), ParseError>,
}

/// Why a text does not parse as its language.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{}{message}", line.map(|l| format!("line {l}: ")).unwrap_or_default())]
pub struct ParseError {
    /// 1-based line, where known.
    pub line: Option<usize>,
    pub message: String,
}

impl ParseError {
    pub fn at(line: usize, message: impl Into<String>) -> ParseError {
        ParseError {
            line: Some(line),
            message: message.into(),
        }
    }

    pub fn new(message: impl ToString) -> ParseError {
        ParseError {
            line: None,
            message: message.to_string(),
        }
    }
}

/// The package names the tables know, by ecosystem: (package, import name)
/// pairs, and Go module paths.
#[derive(Debug, Clone, Copy)]
pub struct Known<'a> {
    /// (name, import) of PyPI packages a manifest may name.
    pub pypi: &'a [(String, String)],
    /// (name, module) of every PyPI module path an import may name.
    pub py_modules: &'a [(String, String)],
    pub npm: &'a [(String, String)],
    pub go: &'a [String],
    pub crates: &'a [(String, String)],
    /// Packages of the manifest-only ecosystems (Composer, gems, NuGet,
    /// Maven, Hex, pub, SwiftPM), by ecosystem.
    pub manifests: &'a [(Ecosystem, String)],
}

impl Known<'_> {
    /// The known packages of `eco` among manifest-only ecosystems.
    pub fn of(&self, eco: Ecosystem) -> impl Iterator<Item = &str> + '_ {
        self.manifests
            .iter()
            .filter(move |(e, _)| *e == eco)
            .map(|(_, n)| n.as_str())
    }
}

/// What a package reader sees of one file.
pub struct Manifest<'a> {
    pub text: &'a str,
    /// Lower-case file name (`package.json`, `go.mod`).
    pub file_name: &'a str,
    pub lexed: &'a Lexed,
    pub known: Known<'a>,
}

/// A reference to a known package: in a manifest, a lockfile-free catalog,
/// or an import.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PackageUse {
    pub range: Range<usize>,
    pub ecosystem: Ecosystem,
    /// The package's name as the tables write it.
    pub name: String,
    pub catalog: CatalogRole,
}

/// pnpm/bun catalogs: the version lives in the catalog, under the name.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum CatalogRole {
    No,
    /// `"pkg": "catalog:"`: the reference stays; the entry is renamed.
    Reference,
    /// A catalog entry, with the range of its version value when there is
    /// one (renamed and re-versioned in one edit).
    Entry(Option<Range<usize>>),
}

impl PackageUse {
    pub fn new(range: Range<usize>, ecosystem: Ecosystem, name: &str) -> PackageUse {
        PackageUse {
            range,
            ecosystem,
            name: name.to_owned(),
            catalog: CatalogRole::No,
        }
    }
}

/// A document inside a file: byte `i` of `text` sits at `map[i]` in the
/// file (`map` has one more entry, for the end).
pub struct Embedded {
    pub kind: FileKind,
    pub text: String,
    pub map: Vec<usize>,
}

/// Known packages named by a string literal (not a key), whole or as the
/// start of a path (`name` or `name/sub`): JS imports, Go imports.
pub fn named_in_strings<'k>(
    m: &Manifest,
    names: impl Iterator<Item = &'k String> + Clone,
    ecosystem: Ecosystem,
) -> Vec<PackageUse> {
    let mut out = Vec::new();
    for t in &m.lexed.tokens {
        if t.tok != lexer::Tok::Str || t.key {
            continue;
        }
        let s = &m.text[t.inner.clone()];
        for name in names.clone() {
            let sub = s.strip_prefix(name.as_str());
            if sub.is_some_and(|rest| rest.is_empty() || rest.starts_with('/')) {
                let r = t.inner.start..t.inner.start + name.len();
                out.push(PackageUse::new(r, ecosystem, name));
            }
        }
    }
    out
}

/// Known packages of a manifest-only ecosystem that a manifest names:
/// `pick` gives, for token `i`, the range and the name it may name; a name
/// equal to a known one (ASCII case aside: NuGet and SwiftPM ignore case)
/// is a use.
pub fn manifest_uses(
    m: &Manifest,
    eco: Ecosystem,
    pick: impl Fn(usize) -> Option<(Range<usize>, String)>,
) -> Vec<PackageUse> {
    let mut out = Vec::new();
    for i in 0..m.lexed.tokens.len() {
        let Some((r, name)) = pick(i) else { continue };
        if let Some(k) = m.known.of(eco).find(|k| k.eq_ignore_ascii_case(&name)) {
            out.push(PackageUse::new(r, eco, k));
        }
    }
    out
}

/// The first string argument of a call to one of `callees` at token `i`
/// (`gem "x"`, `gem("x", ..)`, `spec.add_dependency "x"`): its range and text.
pub fn first_string_arg(
    m: &Manifest,
    i: usize,
    callees: &[&str],
) -> Option<(Range<usize>, String)> {
    let (text, lx) = (m.text, m.lexed);
    let t = &lx.tokens[i];
    if t.tok != lexer::Tok::Str || t.key {
        return None;
    }
    let named = |j: usize| {
        let p = &lx.tokens[j];
        p.tok == lexer::Tok::Ident && callees.contains(&&text[p.span.clone()])
    };
    let direct = lx.prev_sig(i).is_some_and(named);
    // In parentheses: the call's group, with nothing before the string.
    let in_call = lx
        .label(text, t.group)
        .is_some_and(|l| callees.contains(&l))
        && lx.prev_sig(i).is_none_or(|p| lx.tokens[p].group != t.group);
    (direct || in_call).then(|| (t.inner.clone(), text[t.inner.clone()].to_owned()))
}

/// A package reader for files that reference none.
pub fn no_packages(_: &Manifest) -> Vec<PackageUse> {
    Vec::new()
}

/// A check for formats with no grammar: anything parses.
pub fn always_parses(_: &str, _: &str) -> Result<(), ParseError> {
    Ok(())
}

/// A file-name pattern that matches nothing.
pub fn no_pattern(_: &str) -> bool {
    false
}

/// PEP 503 normalisation: case, `_` and `.` do not tell packages apart.
pub fn norm_pkg(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', '.'], "-")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_kind_has_one_language_module() {
        for k in FileKind::ALL {
            assert_eq!(k.language().kind, k, "{k:?} points at another module");
        }
        let distinct: std::collections::HashSet<_> = FileKind::ALL.into_iter().collect();
        assert_eq!(distinct.len(), FileKind::ALL.len(), "a kind listed twice");
    }

    /// Every module under src/lang/ that defines a `LANGUAGE` is declared
    /// and reachable from `FileKind::language` (a module added but not
    /// registered would be dead code, and its files read as text).
    #[test]
    fn every_language_module_is_registered() {
        let dir = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src/lang");
        let registry = std::fs::read_to_string(dir.join("mod.rs")).unwrap();
        let mut modules = 0;
        for entry in std::fs::read_dir(&dir).unwrap() {
            let path = entry.unwrap().path();
            if path.file_name().is_some_and(|n| n == "mod.rs") {
                continue;
            }
            let text = std::fs::read_to_string(&path).unwrap();
            if !text.contains("pub static LANGUAGE: Language") {
                continue;
            }
            let name = path.file_stem().unwrap().to_str().unwrap();
            assert!(
                registry.contains(&format!("pub mod {name};")),
                "{name} not declared"
            );
            assert!(
                registry.contains(&format!("=> &{name}::LANGUAGE,")),
                "{name}::LANGUAGE has no arm in FileKind::language"
            );
            modules += 1;
        }
        assert_eq!(
            modules,
            FileKind::ALL.len(),
            "modules and kinds differ in number"
        );
    }

    #[test]
    fn names_extensions_and_fence_tags_belong_to_one_language() {
        let langs = FileKind::ALL.map(FileKind::language);
        for (what, get) in [
            (
                "file name",
                (|l: &Language| l.file_names) as fn(&Language) -> _,
            ),
            ("extension", |l: &Language| l.extensions),
            ("fence tag", |l: &Language| l.fence_tags),
        ] {
            let mut seen = std::collections::HashMap::new();
            for l in &langs {
                for v in get(l) {
                    assert_eq!(*v, v.to_ascii_lowercase(), "{what} {v} is not lower case");
                    if let Some(other) = seen.insert(*v, l.kind) {
                        panic!("{what} {v} claimed by {other:?} and {:?}", l.kind);
                    }
                }
            }
        }
    }

    #[test]
    fn detects_common_names() {
        let k = |p: &str| FileKind::detect(Path::new(p));
        assert_eq!(k("a/b/app.py"), FileKind::Python);
        assert_eq!(k("web/App.TSX"), FileKind::JavaScript);
        assert_eq!(k(".env.example"), FileKind::Env);
        assert_eq!(k("prod.env"), FileKind::Env);
        assert_eq!(k("Dockerfile.dev"), FileKind::Dockerfile);
        assert_eq!(k("requirements-dev.txt"), FileKind::Requirements);
        assert_eq!(k("pnpm-lock.yaml"), FileKind::Lockfile);
        assert_eq!(k("docs/guide.md"), FileKind::Markdown);
        assert_eq!(k("nb.ipynb"), FileKind::Notebook);
        assert_eq!(k("go.mod"), FileKind::Text);
        assert_eq!(k("Pipfile"), FileKind::Toml);
        assert_eq!(k("notes.txt"), FileKind::Text);
        assert_eq!(k("app/Http/Kernel.php"), FileKind::Php);
        assert_eq!(k("resources/views/home.blade.php"), FileKind::Text);
        assert_eq!(k("lua/plugins/avante.lua"), FileKind::Lua);
        assert_eq!(k("scripts/setup.CMD"), FileKind::Batch);
        assert_eq!(k("build.bat"), FileKind::Batch);
        assert_eq!(k("src/main/java/A.java"), FileKind::Java);
        assert_eq!(k("build.gradle.kts"), FileKind::Kotlin);
        assert_eq!(k("Program.cs"), FileKind::CSharp);
        assert_eq!(k("tools/smoke.csx"), FileKind::CSharp);
        assert_eq!(k("application.properties"), FileKind::Ini);
        assert_eq!(k("App/Info.plist"), FileKind::Xml);
        assert_eq!(k("src/Api/Api.csproj"), FileKind::Xml);
        assert_eq!(k("pom.xml"), FileKind::Xml);
        assert_eq!(k("Web.config"), FileKind::Xml);
    }

    #[test]
    fn fence_tags() {
        assert_eq!(FileKind::from_fence("py"), Some(FileKind::Python));
        assert_eq!(FileKind::from_fence("tsx"), Some(FileKind::JavaScript));
        assert_eq!(FileKind::from_fence("dotenv"), Some(FileKind::Env));
        assert_eq!(FileKind::from_fence(""), Some(FileKind::Text));
        assert_eq!(FileKind::from_fence("brainfuck"), None);
        for (tags, kind) in [
            (&["php"][..], FileKind::Php),
            (&["lua"], FileKind::Lua),
            (&["bat", "cmd", "batch"], FileKind::Batch),
            (&["rb", "ruby"], FileKind::Ruby),
            (&["zsh", "console"], FileKind::Shell),
            (&["ps1", "powershell"], FileKind::PowerShell),
            (&["env", "dotenv", "properties"], FileKind::Env),
            (&["http"], FileKind::Text),
            (&["xml", "plist"], FileKind::Xml),
        ] {
            for tag in tags {
                assert_eq!(FileKind::from_fence(tag), Some(kind), "{tag}");
            }
        }
    }
}
