//! Dart and Flutter: `package:http` / dio clients, flutter_dotenv,
//! `String.fromEnvironment`.

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

/// `//` and nested `/* */` comments, `'...'` and `"..."` strings with
/// `${}` interpolation (quotes nested in it stay inside), `'''`/`"""`
/// multi-line strings, `{'key': value}` maps and `name: value` named
/// arguments.
pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    nested_block_comments: true,
    single_quote_strings: true,
    triple_quotes: true,
    colon_keys_in_calls: true,
    interpolation: b"${",
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Dart,
    title: |_| "Dart",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["dart"],
    fence_tags: &["dart", "flutter"],
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
    grammar::tree_sitter(tree_sitter_dart::LANGUAGE.into(), text, grammar::no_extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::lexer::Tok;

    #[test]
    fn strings_interpolation_and_named_arguments() {
        let text = "/* a /* nested */ https://x */\nfinal r = await http.post(Uri.parse('$base/chat'), headers: {'X-Title': \"App ${cfg['name']}\"}, body: jsonEncode({'model': pro ? 'a/b' : 'c/d'}));\n";
        let lx = tokens(text);
        let strs: Vec<&str> = lx.string_values(text);
        assert_eq!(
            strs,
            [
                "$base/chat",
                "X-Title",
                "App ${cfg['name']}",
                "model",
                "a/b",
                "c/d"
            ]
        );
        assert_eq!(lx.tokens[0].tok, Tok::Comment);
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(keys, ["headers", "X-Title", "body", "model"]);
    }

    #[test]
    fn check_accepts_dart_and_rejects_broken_dart() {
        assert!(check("a.dart", "void main() {\n  print('hi');\n}\n").is_ok());
        assert!(check("a.dart", "void main() {\n  print('hi'\n").is_err());
    }
}
