//! C#: ASP.NET Core services (IConfiguration, typed HttpClients), the
//! OpenAI .NET SDK, console tools and scripts (`.csx`).

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

/// `//` and `/* */` comments; `"..."`, verbatim `@"..."`, interpolated
/// `$"..{expr}.."` and raw `"""..."""` strings; `'c'` characters; the
/// members of anonymous objects and object initializers
/// (`new { model = m, provider = new { .. } }`) as keys.
pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    single_quote_strings: true,
    csharp_strings: true,
    equals_keys: true,
    constructed_values: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::CSharp,
    title: |_| "C#",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["cs", "csx"],
    fence_tags: &["csharp", "cs", "c#"],
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
    grammar::tree_sitter(
        tree_sitter_c_sharp::LANGUAGE.into(),
        text,
        grammar::no_extra,
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::lexer::Tok;

    fn strs(text: &str) -> Vec<&str> {
        tokens(text)
            .tokens
            .iter()
            .filter(|t| t.tok == Tok::Str)
            .map(|t| &text[t.inner.clone()])
            .collect()
    }

    #[test]
    fn verbatim_interpolated_and_raw_strings() {
        let text = r#"var p = @"C:\keys\"; var q = @"say ""hi"""; // c
var h = $"Bearer {Environment.GetEnvironmentVariable("OPENROUTER_API_KEY")} {{x}}";
var b = $$"""{"model": "{{model}}"}""";
"#;
        assert_eq!(
            strs(text),
            [
                "C:\\keys\\",
                "say \"\"hi\"\"",
                "Bearer ",
                "OPENROUTER_API_KEY",
                " {{x}}",
                "{\"model\": \"",
                "\"}",
            ]
        );
        let lx = tokens(text);
        assert_eq!(
            lx.tokens.iter().filter(|t| t.tok == Tok::Comment).count(),
            1
        );
    }

    #[test]
    fn anonymous_object_members_are_keys() {
        let text = "var body = new { model = m, provider = new { order = new[] { \"a\" } } };\nif (a == b) f();\n";
        let lx = tokens(text);
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(keys, ["model", "provider", "order"]);
        let order = lx
            .tokens
            .iter()
            .find(|t| &text[t.span.clone()] == "order")
            .unwrap();
        assert_eq!(lx.label(text, order.group), Some("provider"));
    }

    #[test]
    fn check_accepts_csharp_and_rejects_broken_csharp() {
        let ok = "class A { string B() => $\"x {C(\"d\")}\"; }\n";
        assert!(check("A.cs", ok).is_ok());
        assert!(check("A.cs", "class A { void B() { C(; } }\n").is_err());
    }
}
