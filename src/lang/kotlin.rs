//! Kotlin: Ktor clients, Spring Boot services, the openai-kotlin SDK, and
//! Gradle's Kotlin build scripts (`build.gradle.kts`).

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};

/// `//` and nesting `/* */` comments, `"..."` and `"""..."""` strings with
/// `${expr}` templates (quotes nested in them stay inside, as in Dart),
/// `'c'` characters, named arguments
/// (`ChatRequest(model = "..")`), and map pairs (`"model" to m`,
/// `put("model", m)`).
pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    nested_block_comments: true,
    single_quote_strings: true,
    triple_quotes: true,
    interpolation: b"${",
    equals_keys: true,
    pair_keys: true,
    constructed_values: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Kotlin,
    title: |_| "Kotlin",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["kt", "kts"],
    fence_tags: &["kotlin", "kt", "kts"],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: gradle_dependencies,
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
        tree_sitter_kotlin_ng::LANGUAGE.into(),
        text,
        grammar::no_extra,
    )
}

/// Known Maven artifacts in a Gradle build script: `"group:artifact:version"`
/// coordinates (`implementation("de.example:lib:1.0")`).
pub(super) fn gradle_dependencies(m: &Manifest) -> Vec<PackageUse> {
    if !m.file_name.starts_with("build.gradle") && !m.file_name.ends_with(".gradle.kts") {
        return Vec::new();
    }
    let (text, lx) = (m.text, m.lexed);
    super::manifest_uses(m, crate::rules::schema::Ecosystem::Maven, |i| {
        let t = &lx.tokens[i];
        if t.tok != super::lexer::Tok::Str || t.key {
            return None;
        }
        let s = &text[t.inner.clone()];
        let mut parts = s.split(':');
        let (g, a) = (parts.next()?, parts.next()?);
        let plain = |p: &str| {
            !p.is_empty()
                && p.bytes()
                    .all(|b| b.is_ascii_alphanumeric() || b"._-".contains(&b))
        };
        (plain(g) && plain(a)).then(|| {
            let end = t.inner.start + g.len() + 1 + a.len();
            (t.inner.start..end, format!("{g}:{a}"))
        })
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::lexer::Tok;

    #[test]
    fn templates_stay_inside_their_string() {
        let text = "val h = \"Bearer ${System.getenv(\"OPENROUTER_API_KEY\")}\" // c\nval b = \"\"\"{\"model\": \"${m}\", \"models\": [\"a/b\"]}\"\"\"\nval c = '\"'\n";
        let lx = tokens(text);
        let strs: Vec<&str> = lx.string_values(text);
        assert_eq!(
            strs,
            [
                "Bearer ${System.getenv(\"OPENROUTER_API_KEY\")}",
                "{\"model\": \"${m}\", \"models\": [\"a/b\"]}",
                "\""
            ]
        );
        assert_eq!(
            lx.tokens.iter().filter(|t| t.tok == Tok::Comment).count(),
            1
        );
    }

    #[test]
    fn named_arguments_and_pairs_are_keys() {
        let text = "val r = ChatRequest(model = m, provider = Provider(order = listOf(\"a\")))\nval b = mapOf(\"models\" to listOf(\"x/y\"), \"route\" to \"fallback\")\nif (a == b) f()\n";
        let lx = tokens(text);
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(keys, ["model", "provider", "order", "models", "route"]);
        let order = lx
            .tokens
            .iter()
            .find(|t| &text[t.span.clone()] == "order")
            .unwrap();
        assert_eq!(lx.label(text, order.group), Some("provider"));
        // A call that builds nothing keeps its callee as the label.
        let text = "fun f() {\n    val c = client.chat(x)\n}\n";
        let lx = tokens(text);
        let x = lx
            .tokens
            .iter()
            .find(|t| &text[t.span.clone()] == "x")
            .unwrap();
        assert_eq!(lx.label(text, x.group), Some("chat"));
    }

    #[test]
    fn check_accepts_kotlin_and_rejects_broken_kotlin() {
        assert!(check(
            "a.kt",
            "fun main() {\n    val s = \"a ${b(\"c\")}\"\n    println(s)\n}\n"
        )
        .is_ok());
        assert!(check("a.kt", "fun main() {\n    val s = (\n}\n").is_err());
    }
}
