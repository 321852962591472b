//! Lua: Neovim plugin configs (avante.nvim, codecompanion.nvim, gp.nvim
//! providers and adapters), LÖVE and OpenResty scripts.

use super::lexer::{lex_into, mark_keys, Lexed, Syntax, Tok};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

/// `--` and `--[[ ]]` comments, quoted and `[[ ]]` long strings, and
/// `key = value` table fields.
pub const SYNTAX: Syntax = Syntax {
    single_quote_strings: true,
    dash_comments: true,
    long_brackets: true,
    equals_keys: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Lua,
    title: |_| "Lua",
    file_names: &[".luacheckrc"],
    name_matches: super::no_pattern,
    extensions: &["lua", "rockspec"],
    fence_tags: &["lua"],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: super::no_packages,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

/// Lua's tokens: `["X-Title"] = v` fields read as the key `"X-Title"`,
/// and only table fields are keys (`local x = 1` in a function body that
/// sits inside a table is an assignment).
pub fn tokens(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    lex_into(&mut lx, text, 0..text.len(), SYNTAX, 0);
    bracket_keys(&mut lx, text);
    mark_keys(&mut lx, text, SYNTAX);
    for i in 0..lx.tokens.len() {
        if !lx.tokens[i].key {
            continue;
        }
        let in_table = lx.groups[lx.tokens[i].group].kind == b'{';
        let after_sep = lx
            .prev_sig(i)
            .is_some_and(|p| matches!(&text[lx.tokens[p].span.clone()], "{" | "," | ";"));
        if !(in_table && after_sep) {
            lx.tokens[i].key = false;
        }
    }
    lx
}

/// `[ "name" ] =` inside a table: drop the brackets so the string sits in
/// the table itself, where `mark_keys` makes it a key.
fn bracket_keys(lx: &mut Lexed, text: &str) {
    let is = |lx: &Lexed, i: usize, p: &str| {
        lx.tokens
            .get(i)
            .is_some_and(|t| t.tok == Tok::Punct && &text[t.span.clone()] == p)
    };
    let mut i = 0;
    while i + 3 < lx.tokens.len() {
        let s = &lx.tokens[i + 1];
        let inner = s.group;
        if is(lx, i, "[")
            && s.tok == Tok::Str
            && is(lx, i + 2, "]")
            && is(lx, i + 3, "=")
            && lx.groups[lx.tokens[i].group].kind == b'{'
        {
            let table = lx.tokens[i].group;
            debug_assert_eq!(lx.groups[inner].kind, b'[');
            lx.tokens[i + 1].group = table;
            lx.tokens.remove(i + 2);
            lx.tokens.remove(i);
        }
        i += 1;
    }
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    grammar::tree_sitter(tree_sitter_lua::LANGUAGE.into(), text, grammar::no_extra)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn long_strings_comments_and_table_keys() {
        let text = "--[==[ https://openrouter.ai ]==]\nlocal M = {\n  providers = { openrouter = { endpoint = [[https://openrouter.ai/api/v1]], api_key_name = 'OPENROUTER_API_KEY' } },\n  headers = { [\"X-Title\"] = \"nvim\" }, -- a \"note\"\n  config = function() local model = 'x' end,\n}\n";
        let lx = tokens(text);
        let strs: Vec<&str> = lx.string_values(text);
        assert_eq!(
            strs,
            [
                "https://openrouter.ai/api/v1",
                "OPENROUTER_API_KEY",
                "X-Title",
                "nvim",
                "x"
            ]
        );
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(
            keys,
            [
                "providers",
                "openrouter",
                "endpoint",
                "api_key_name",
                "headers",
                "X-Title",
                "config"
            ]
        );
        let title = lx
            .tokens
            .iter()
            .find(|t| &text[t.inner.clone()] == "X-Title")
            .unwrap();
        assert_eq!(lx.label(text, title.group), Some("headers"));
        assert_eq!(
            lx.tokens.iter().filter(|t| t.tok == Tok::Comment).count(),
            2
        );
    }

    #[test]
    fn check_accepts_lua_and_rejects_broken_lua() {
        assert!(check("a.lua", "local t = { a = 1, ['b'] = [[x]] }\nreturn t\n").is_ok());
        assert!(check("a.lua", "local t = { a = 1,\nfunction f() end\n").is_err());
    }
}
