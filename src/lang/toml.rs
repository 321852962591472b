//! TOML: pyproject.toml, Cargo.toml, Pipfile, app config (Streamlit
//! secrets).

use super::config::{lines, new_group, value};
use super::lexer::{mark_keys, Lexed, Syntax, Tok};
use super::{norm_pkg, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

pub static LANGUAGE: Language = Language {
    kind: FileKind::Toml,
    title: |_| "TOML",
    file_names: &["pipfile"],
    name_matches: super::no_pattern,
    extensions: &["toml"],
    fence_tags: &["toml"],
    role: Role::Config,
    read: Read::Tokens {
        lex: toml,
        packages: dependencies,
        text_pass: false,
    },
    // TOML's strings and comments lex like Python's.
    classes: Some(super::python::tokens),
    check,
};

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    text.parse::<::toml::Table>()
        .map(drop)
        .map_err(ParseError::new)
}

pub fn toml(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    let b = text.as_bytes();
    let mut group = 0;
    let mut skip_until = 0;
    let syntax = Syntax {
        hash_comments: true,
        single_quote_strings: true,
        triple_quotes: true,
        equals_keys: true,
        ..Syntax::default()
    };
    for (ls, le) in lines(text) {
        if ls < skip_until {
            continue;
        }
        let line = &text[ls..le];
        let content = line.trim_start();
        let s = ls + (line.len() - content.len());
        if content.is_empty() {
            continue;
        }
        if content.starts_with('#') {
            lx.push(Tok::Comment, s..le, s..le, group, false);
            continue;
        }
        if content.starts_with('[') {
            let close = content.find(']').map(|i| s + i).unwrap_or(le);
            let name = s + content.chars().take_while(|&c| c == '[').count();
            group = new_group(&mut lx, 0, Some(name..close), ls, text.len());
            lx.push(Tok::Str, name..close, name..close, 0, false);
            continue;
        }
        // key = value, key may be quoted or dotted.
        let Some(eq) = find_unquoted(text, s, le, b'=') else {
            let end = value(&mut lx, text, s, le, group, false, syntax);
            skip_until = skip_until.max(end);
            continue;
        };
        let mut ke = eq;
        while ke > s && b[ke - 1] == b' ' {
            ke -= 1;
        }
        // Strip quotes only when the key both opens and closes with one:
        // `''é = 1` (fuzzing) would otherwise cut the key inside a char.
        let inner = if matches!(b[s], b'"' | b'\'') && ke > s + 1 && b[ke - 1] == b[s] {
            s + 1..ke - 1
        } else {
            s..ke
        };
        lx.push(Tok::Str, s..ke, inner, group, true);
        let vs = eq + 1;
        let rest = text[vs..le].trim_start();
        let vstart = le - rest.len();
        if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            let q = &rest[..3];
            let close = text[vstart + 3..]
                .find(q)
                .map(|i| vstart + 3 + i)
                .unwrap_or(text.len());
            lx.push(
                Tok::Str,
                vstart..(close + 3).min(text.len()),
                vstart + 3..close,
                group,
                false,
            );
            skip_until = close + 3;
            continue;
        }
        let end = value(&mut lx, text, vstart, le, group, false, syntax);
        if end > le {
            skip_until = end;
        }
    }
    mark_keys(&mut lx, text, syntax);
    lx
}

fn find_unquoted(text: &str, s: usize, e: usize, ch: u8) -> Option<usize> {
    let b = text.as_bytes();
    let mut q = 0u8;
    for (i, &c) in b.iter().enumerate().take(e).skip(s) {
        if q != 0 {
            if c == q {
                q = 0;
            }
            continue;
        }
        match c {
            b'"' | b'\'' => q = c,
            b'#' | b'{' | b'[' => return None,
            _ if c == ch => return Some(i),
            _ => {}
        }
    }
    None
}

const DEP_TABLES: &[&str] = &["dependencies", "dev-dependencies", "build-dependencies"];

/// Known crates and PyPI packages in Cargo.toml dependency tables and in
/// pyproject/Pipfile dependency lists (PEP 621, PEP 735, Poetry).
fn dependencies(m: &Manifest) -> Vec<PackageUse> {
    let (text, lx) = (m.text, m.lexed);
    let (crates, pypi) = (m.known.crates, m.known.pypi);
    let mut out = Vec::new();
    let is_dep_table = |label: &str| {
        let last = label.rsplit('.').next().unwrap_or(label);
        DEP_TABLES.contains(&last)
            || label.ends_with("optional-dependencies")
            || label.contains("dependency-groups")
    };
    for t in &lx.tokens {
        let s = text[t.inner.clone()].trim();
        if t.key {
            let Some(label) = lx.label(text, t.group) else {
                continue;
            };
            if !is_dep_table(label) && !label.contains("dependencies") {
                continue;
            }
            for (name, _) in crates.iter().chain(pypi) {
                if norm_pkg(s) == norm_pkg(name) {
                    let eco = if crates.iter().any(|c| &c.0 == name) {
                        Ecosystem::Crates
                    } else {
                        Ecosystem::Pypi
                    };
                    out.push(PackageUse::new(t.inner.clone(), eco, name));
                }
            }
        } else if t.tok == Tok::Str && t.group == 0 && s.contains('.') {
            // `[dependencies.openrouter-rs]`
            let (table, last) = s.rsplit_once('.').unwrap_or(("", s));
            if DEP_TABLES.contains(&table.rsplit('.').next().unwrap_or(table)) {
                for (name, _) in crates {
                    if last == name {
                        let start = t.inner.start + s.len() - last.len();
                        out.push(PackageUse::new(start..t.inner.end, Ecosystem::Crates, name));
                    }
                }
            }
        } else if t.tok == Tok::Str {
            // PEP 621 / PEP 735: "openrouter>=0.1" inside a dependencies array.
            let in_deps = lx.ancestors(t.group).take(3).any(|g| {
                lx.label(text, g)
                    .is_some_and(|l| l.contains("dependencies") || l.contains("requires"))
            });
            if !in_deps {
                continue;
            }
            let name_len = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                .unwrap_or(s.len());
            for (name, _) in pypi {
                if norm_pkg(&s[..name_len]) == norm_pkg(name) {
                    out.push(PackageUse::new(
                        t.inner.start..t.inner.start + name_len,
                        Ecosystem::Pypi,
                        name,
                    ));
                }
            }
        }
    }
    out
}
