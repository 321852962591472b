//! Swift: URLSession requests, MacPaw OpenAI clients, Package.swift.

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

/// `//` and nested `/* */` comments, `"..."` strings with `\(...)`
/// interpolation (quotes nested in it stay inside), `"""` multi-line
/// strings, `label: value` arguments and `["key": value]` dictionaries.
pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    nested_block_comments: true,
    triple_quotes: true,
    colon_keys_in_calls: true,
    colon_keys_in_brackets: true,
    interpolation: b"\\(",
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Swift,
    title: |_| "Swift",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["swift"],
    fence_tags: &["swift"],
    role: Role::Program,
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
    grammar::tree_sitter(tree_sitter_swift::LANGUAGE.into(), text, grammar::no_extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn strings_interpolation_labels_and_dictionaries() {
        let text = "// https://x\nrequest.setValue(\"Bearer \\(env[\"KEY\"] ?? \"\")\", forHTTPHeaderField: \"Authorization\")\nlet body: [String: Any] = [\"model\": \"a/b\", \"n\": pro ? \"x\" : \"y\"]\n";
        let lx = tokens(text);
        let strs: Vec<&str> = lx.string_values(text);
        assert_eq!(
            strs,
            [
                "Bearer \\(env[\"KEY\"] ?? \"\")",
                "Authorization",
                "model",
                "a/b",
                "n",
                "x",
                "y"
            ]
        );
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(keys, ["forHTTPHeaderField", "String", "model", "n"]);
    }

    #[test]
    fn check_accepts_swift_and_rejects_broken_swift() {
        assert!(check("a.swift", "func f() -> Int {\n  return 1\n}\n").is_ok());
        assert!(check("a.swift", "func f() -> Int {\n  return (1\n").is_err());
    }
}
