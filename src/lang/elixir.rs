//! Elixir: Phoenix apps, `config/*.exs`, Req / Tesla / HTTPoison clients,
//! mix.exs.

use super::lexer::{lex, Lexed, Syntax, Tok};
use super::{grammar, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

/// `#` comments, `"..."` strings and `'...'` charlists with `#{}`
/// interpolation (quotes nested in it stay inside), `"""` heredocs,
/// sigils (`~s(..)`, `~S"..."`), `key: value` keywords (in lists, maps and
/// paren-less calls alike) and `"key" => value` map entries.
pub const SYNTAX: Syntax = Syntax {
    hash_comments: true,
    single_quote_strings: true,
    triple_quotes: true,
    attached_colon_keys: true,
    arrow_keys: true,
    interpolation: b"#{",
    sigils: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Elixir,
    title: |_| "Elixir",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["ex", "exs"],
    fence_tags: &["elixir", "ex", "exs", "iex"],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: mix_deps,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

/// Module attributes whose string is documentation, not a value.
const DOC_ATTRIBUTES: &[&str] = &["moduledoc", "doc", "typedoc", "shortdoc"];

fn tokens(text: &str) -> Lexed {
    let mut lx = lex(text, 0..text.len(), SYNTAX);
    // `@doc """ ... """` is prose: a URL in it is a link, not a dependency.
    for i in 0..lx.tokens.len() {
        if lx.tokens[i].tok != Tok::Str {
            continue;
        }
        let Some(a) = lx.prev_sig(i) else { continue };
        let Some(at) = lx.prev_sig(a) else { continue };
        let (attr, at) = (&lx.tokens[a], &lx.tokens[at]);
        if attr.tok == Tok::Ident
            && DOC_ATTRIBUTES.contains(&&text[attr.span.clone()])
            && &text[at.span.clone()] == "@"
            && at.span.end == attr.span.start
        {
            lx.tokens[i].tok = Tok::Comment;
        }
    }
    lx
}

/// Known Hex packages in mix.exs: the atom opening a dependency tuple
/// (`{:openrouter, "~> 0.1"}`).
fn mix_deps(m: &Manifest) -> Vec<PackageUse> {
    if m.file_name != "mix.exs" {
        return Vec::new();
    }
    let (text, lx) = (m.text, m.lexed);
    super::manifest_uses(m, Ecosystem::Hex, |i| {
        let t = &lx.tokens[i];
        let b = text.as_bytes();
        let atom = t.tok == Tok::Ident && t.span.start > 0 && b[t.span.start - 1] == b':';
        let g = &lx.groups[t.group];
        // Only `{` and `:` before it inside the tuple.
        let first = atom && g.kind == b'{' && text[g.span.start..t.span.start - 1].trim() == "{";
        first.then(|| (t.span.clone(), text[t.span.clone()].to_owned()))
    })
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    grammar::tree_sitter(tree_sitter_elixir::LANGUAGE.into(), text, grammar::no_extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn of(text: &str, keep: impl Fn(&crate::lang::lexer::Token) -> bool) -> Vec<&str> {
        tokens(text)
            .tokens
            .iter()
            .filter(|t| keep(t))
            .map(|t| &text[t.inner.clone()])
            .collect()
    }

    #[test]
    fn keywords_maps_sigils_and_docs() {
        let text = r##"@moduledoc """
See https://openrouter.ai/docs
"""
config :app, :llm, api_key: System.fetch_env!("OPENROUTER_API_KEY") # note
Req.post(url, json: %{"model" => "a/b", messages: [~s(x "y"), "#{m["k"]} z"]}, x ? a : b)
"##;
        let strs = of(text, |t| t.tok == Tok::Str);
        assert_eq!(
            strs,
            [
                "OPENROUTER_API_KEY",
                "model",
                "a/b",
                "x \"y\"",
                "#{m[\"k\"]} z"
            ]
        );
        let keys = of(text, |t| t.key);
        assert_eq!(keys, ["api_key", "json", "model", "messages"]);
        let comments = of(text, |t| t.tok == Tok::Comment);
        assert_eq!(comments.len(), 2);
        assert!(comments[0].contains("openrouter.ai/docs"));
        // The map's label is the keyword it is the value of.
        let lx = tokens(text);
        let model = lx
            .tokens
            .iter()
            .find(|t| &text[t.inner.clone()] == "model")
            .unwrap();
        assert_eq!(lx.label(text, model.group), Some("json"));
    }

    #[test]
    fn check_accepts_elixir_and_rejects_broken_elixir() {
        assert!(check("a.ex", "defmodule A do\n  def b, do: 1\nend\n").is_ok());
        assert!(check("a.ex", "defmodule A do\n  def b do\n").is_err());
    }
}
