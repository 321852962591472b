//! POSIX shells (bash, zsh, sh; fish and ksh are read but not re-parsed).

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

pub const SYNTAX: Syntax = Syntax {
    hash_comments: true,
    single_quote_strings: true,
    shell: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Shell,
    title: |_| "shell",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["sh", "bash", "zsh", "ksh", "fish"],
    fence_tags: &[
        "bash",
        "sh",
        "shell",
        "zsh",
        "console",
        "shell-session",
        "shellsession",
        "curl",
    ],
    role: Role::Script,
    read: Read::Tokens {
        lex: tokens,
        packages: super::no_packages,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

pub fn tokens(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

pub fn check(path: &str, text: &str) -> Result<(), ParseError> {
    // fish and ksh are not bash; their results are not judged.
    if !matches!(
        grammar::extension(path).as_str(),
        "sh" | "bash" | "zsh" | ""
    ) {
        return Ok(());
    }
    grammar::tree_sitter(tree_sitter_bash::LANGUAGE.into(), text, grammar::no_extra)
}
