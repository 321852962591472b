//! Swift: URLSession requests, MacPaw OpenAI clients, Package.swift.

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

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
        packages: swift_packages,
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

/// Known Swift packages in Package.swift: a `.package(url: ...)` URL,
/// named by its repository path (`github.com/owner/Repo`, no scheme, no
/// `.git`).
fn swift_packages(m: &Manifest) -> Vec<PackageUse> {
    if m.file_name != "package.swift" {
        return Vec::new();
    }
    let (text, lx) = (m.text, m.lexed);
    super::manifest_uses(m, Ecosystem::Swiftpm, |i| {
        let t = &lx.tokens[i];
        if t.tok != super::lexer::Tok::Str || lx.label(text, t.group) != Some("package") {
            return None;
        }
        let s = &text[t.inner.clone()];
        let path = s.split_once("://").map_or(s, |(_, p)| p);
        let path = path.trim_end_matches('/').trim_end_matches(".git");
        path.contains('/')
            .then(|| (t.inner.clone(), path.to_owned()))
    })
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
