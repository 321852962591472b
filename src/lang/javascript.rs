//! JavaScript and TypeScript, with JSX/TSX and the script parts of
//! single-file components.

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    single_quote_strings: true,
    backtick_strings: true,
    template_interpolation: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::JavaScript,
    title,
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &[
        "js", "mjs", "cjs", "jsx", "ts", "mts", "cts", "tsx", "vue", "svelte", "astro",
    ],
    fence_tags: &[
        "js",
        "javascript",
        "ts",
        "typescript",
        "jsx",
        "tsx",
        "mjs",
        "node",
    ],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: imports,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

pub fn tokens(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

fn title(path: &str) -> &'static str {
    match grammar(path) {
        Some(Grammar::TypeScript) => "TypeScript",
        Some(Grammar::Tsx) => "TSX",
        _ => "JavaScript",
    }
}

/// A known npm package (or a subpath of it) named in a string: `import`,
/// `require`, dynamic `import()`.
fn imports(m: &Manifest) -> Vec<PackageUse> {
    super::named_in_strings(m, m.known.npm.iter().map(|(name, _)| name), Ecosystem::Npm)
}

enum Grammar {
    JavaScript,
    TypeScript,
    Tsx,
}

fn grammar(path: &str) -> Option<Grammar> {
    match grammar::extension(path).as_str() {
        "ts" | "mts" | "cts" => Some(Grammar::TypeScript),
        "tsx" => Some(Grammar::Tsx),
        // Single-file components hold templates around their scripts.
        "vue" | "svelte" | "astro" => None,
        // JSX is part of the JavaScript grammar.
        _ => Some(Grammar::JavaScript),
    }
}

pub fn check(path: &str, text: &str) -> Result<(), ParseError> {
    let lang = match grammar(path) {
        Some(Grammar::JavaScript) => tree_sitter_javascript::LANGUAGE,
        Some(Grammar::TypeScript) => tree_sitter_typescript::LANGUAGE_TYPESCRIPT,
        Some(Grammar::Tsx) => tree_sitter_typescript::LANGUAGE_TSX,
        None => return Ok(()),
    };
    grammar::tree_sitter(lang.into(), text, grammar::no_extra)
}
