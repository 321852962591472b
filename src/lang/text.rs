//! Any other text: a careful pass that knows quotes and shell-style words,
//! plus go.mod / go.work module requirements.

use super::lexer::{lex, Lexed, Syntax};
use super::{FileKind, Language, Manifest, PackageUse, Read, Role};

const SYNTAX: Syntax = Syntax {
    single_quote_strings: true,
    shell: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Text,
    title: |_| "text",
    file_names: &["go.mod", "go.work"],
    // Blade templates are HTML with `{{ }}` and `@directives`, not PHP code.
    name_matches: |name| name.ends_with(".blade.php"),
    extensions: &[],
    // Raw HTTP exchanges have no reader of their own.
    fence_tags: &["", "text", "txt", "plaintext", "http"],
    role: Role::Other,
    read: Read::Tokens {
        lex: tokens,
        packages: go_mod,
        text_pass: true,
    },
    classes: None,
    check: super::always_parses,
};

fn tokens(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

fn go_mod(m: &Manifest) -> Vec<PackageUse> {
    match m.file_name {
        "go.mod" | "go.work" => super::go::go_mod(m.text, m.known.go),
        "build.gradle" => super::kotlin::gradle_dependencies(m),
        _ => Vec::new(),
    }
}
