//! Ruby: Rails initializers and services, ruby-openai / Faraday clients,
//! Rakefiles and gemspecs.

use super::lexer::{lex, Lexed, Syntax};
use super::{grammar, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

/// `#` comments, single- and double-quoted strings (`#{}` interpolation
/// stays inside the string), `key:` keyword arguments and hash keys, and
/// `"key" => value` hash entries.
pub const SYNTAX: Syntax = Syntax {
    hash_comments: true,
    single_quote_strings: true,
    colon_keys_in_calls: true,
    arrow_keys: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Ruby,
    title: |_| "Ruby",
    file_names: &["gemfile", "rakefile", "guardfile"],
    name_matches: super::no_pattern,
    extensions: &["rb", "rake", "gemspec", "ru"],
    fence_tags: &["ruby", "rb"],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: gems,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

fn tokens(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    grammar::tree_sitter(tree_sitter_ruby::LANGUAGE.into(), text, grammar::no_extra)
}

/// Known gems a Gemfile (`gem "x"`) or a gemspec (`spec.add_dependency "x"`)
/// names.
fn gems(m: &Manifest) -> Vec<PackageUse> {
    const CALLS: &[&str] = &[
        "gem",
        "add_dependency",
        "add_runtime_dependency",
        "add_development_dependency",
    ];
    if m.file_name != "gemfile" && !m.file_name.ends_with(".gemspec") {
        return Vec::new();
    }
    super::manifest_uses(m, Ecosystem::Rubygems, |i| {
        super::first_string_arg(m, i, CALLS)
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::lang::lexer::Tok;

    #[test]
    fn strings_comments_and_keyword_keys() {
        let text = "# see https://x\nc = OpenAI::Client.new(uri_base: \"https://openrouter.ai/api/v1\", extra_headers: { \"X-Title\" => 'App #1' })\n";
        let lx = tokens(text);
        let strs: Vec<&str> = lx.string_values(text);
        assert_eq!(strs, ["https://openrouter.ai/api/v1", "X-Title", "App #1"]);
        assert_eq!(lx.tokens[0].tok, Tok::Comment);
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(keys, ["uri_base", "extra_headers", "X-Title"]);
    }

    #[test]
    fn check_accepts_ruby_and_rejects_broken_ruby() {
        assert!(check("a.rb", "class A\n  def b; 1; end\nend\n").is_ok());
        assert!(check("a.rb", "class A\n  def b\n").is_err());
    }
}
