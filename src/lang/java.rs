//! Java: Spring services and configuration classes, OkHttp / JDK
//! HttpClient / WebClient calls, the OpenAI Java SDK.

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

/// `//` and `/* */` comments, `"..."` strings and `'c'` characters, text
/// blocks (`"""`), and the keys of maps built by calls (`Map.of("model",
/// m, "provider", Map.of(..))`, `body.put("model", m)`).
pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    single_quote_strings: true,
    triple_quotes: true,
    pair_keys: true,
    constructed_values: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Java,
    title: |_| "Java",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["java"],
    fence_tags: &["java"],
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
    grammar::tree_sitter(tree_sitter_java::LANGUAGE.into(), text, grammar::no_extra)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::lexer::Tok;

    fn keys(text: &str, lx: &Lexed) -> Vec<String> {
        lx.tokens
            .iter()
            .filter(|t| t.key)
            .map(|t| text[t.inner.clone()].to_owned())
            .collect()
    }

    #[test]
    fn text_blocks_comments_and_characters() {
        let text = "// https://openrouter.ai/docs\nString b = \"\"\"\n  {\"model\": \"a/b\"}\n  \"\"\";\nchar c = '\"'; /* \"no\" */ String u = \"https://x\";\n";
        let lx = tokens(text);
        let strs: Vec<&str> = lx.string_values(text);
        assert_eq!(strs, ["\n  {\"model\": \"a/b\"}\n  ", "\"", "https://x"]);
        assert_eq!(
            lx.tokens.iter().filter(|t| t.tok == Tok::Comment).count(),
            2
        );
    }

    #[test]
    fn map_of_pairs_and_put_are_keys_and_label_their_values() {
        let text = "var b = Map.of(\"model\", m, \"provider\", Map.of(\"order\", List.of(\"x\", \"y\")));\nnode.put(\"models\", arr);\nvar l = List.of(\"a/b\", \"c/d\");\nlog.info(\"model\", x);\n";
        let lx = tokens(text);
        assert_eq!(keys(text, &lx), ["model", "provider", "order", "models"]);
        let order = lx
            .tokens
            .iter()
            .find(|t| &text[t.inner.clone()] == "order")
            .unwrap();
        assert_eq!(lx.label(text, order.group), Some("provider"));
    }

    #[test]
    fn check_accepts_java_and_rejects_broken_java() {
        assert!(check(
            "A.java",
            "class A { void b() { var s = \"\"\"\n  x\n  \"\"\"; } }\n"
        )
        .is_ok());
        assert!(check("A.java", "class A { void b() { call(; } }\n").is_err());
    }
}
