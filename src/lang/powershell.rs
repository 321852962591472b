//! PowerShell scripts and modules.

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

pub const SYNTAX: Syntax = Syntax {
    hash_comments: true,
    single_quote_strings: true,
    powershell: true,
    equals_keys: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::PowerShell,
    title: |_| "PowerShell",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["ps1", "psm1", "psd1"],
    fence_tags: &["powershell", "ps1", "pwsh", "ps"],
    role: Role::Script,
    read: Read::Tokens {
        lex: tokens,
        packages: super::no_packages,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

fn tokens(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    grammar::tree_sitter(
        tree_sitter_powershell::LANGUAGE.into(),
        text,
        grammar::no_extra,
    )
}
