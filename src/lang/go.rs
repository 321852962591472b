//! Go source files (go.mod is read by the text module).

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    backtick_strings: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Go,
    title: |_| "Go",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["go"],
    fence_tags: &["go", "golang"],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: imports,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

fn tokens(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

/// A known module path (or a package under it) in an import string.
fn imports(m: &Manifest) -> Vec<PackageUse> {
    super::named_in_strings(m, m.known.go.iter(), Ecosystem::Go)
}

/// `require` lines of go.mod / go.work naming a known module.
pub fn go_mod(text: &str, known: &[String]) -> Vec<PackageUse> {
    let mut out = Vec::new();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split("//").next().unwrap_or("");
        for module in known {
            if let Some(p) = code.find(module.as_str()) {
                let after = code[p + module.len()..].chars().next();
                if after.is_none_or(|c| c.is_whitespace() || c == '/') {
                    out.push(PackageUse::new(
                        off + p..off + p + module.len(),
                        Ecosystem::Go,
                        module,
                    ));
                }
            }
        }
        off += line.len();
    }
    out
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    grammar::tree_sitter(tree_sitter_go::LANGUAGE.into(), text, grammar::no_extra)
}
