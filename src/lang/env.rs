//! .env files: `KEY=VALUE` lines (`export` allowed). INI files share the
//! lexer.

use super::config::{lines, new_group, value};
use super::lexer::{Lexed, Tok};
use super::{grammar, FileKind, Language, ParseError, Read, Role};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Env,
    title: |_| "an env file",
    file_names: &[".env", ".envrc"],
    name_matches: |name| name.starts_with(".env.") || name.ends_with(".env"),
    extensions: &[],
    fence_tags: &["env", "dotenv", "ini", "properties"],
    role: Role::Other,
    read: Read::Tokens {
        lex: env_ini,
        packages: super::no_packages,
        text_pass: false,
    },
    classes: None,
    check,
};

/// `.env` files and INI: `[section]`, `export KEY=VALUE`, `key = value`,
/// `key: value`, `#` and `;` comments.
pub fn env_ini(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    let b = text.as_bytes();
    let mut group = 0;
    for (ls, le) in lines(text) {
        let line = &text[ls..le];
        let content = line.trim_start();
        let mut s = ls + (line.len() - content.len());
        if content.is_empty() {
            continue;
        }
        // `!` starts a comment line in Java .properties files.
        if content.starts_with('#') || content.starts_with(';') || content.starts_with('!') {
            lx.push(Tok::Comment, s..le, s..le, group, false);
            continue;
        }
        if content.starts_with('[') {
            let close = content.find(']').map(|i| s + i).unwrap_or(le);
            group = new_group(&mut lx, 0, Some(s + 1..close), ls, text.len());
            continue;
        }
        if let Some(rest) = content.strip_prefix("export ") {
            s = le - rest.trim_start().len();
        }
        let sep = (s..le).find(|&i| b[i] == b'=' || b[i] == b':');
        let Some(sep) = sep else {
            lx.push(Tok::Word, s..le, s..le, group, false);
            continue;
        };
        let mut ke = sep;
        while ke > s && b[ke - 1] == b' ' {
            ke -= 1;
        }
        lx.push(Tok::Str, s..ke, s..ke, group, true);
        value(&mut lx, text, sep + 1, le, group, true, super::json::SYNTAX);
    }
    lx
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    grammar::lines_ok(text, env_line, "not a KEY=VALUE line")
}

fn env_line(line: &str) -> bool {
    let t = line.trim_start();
    let t = t.strip_prefix("export ").unwrap_or(t).trim_start();
    match t.split_once('=') {
        Some((k, _)) => {
            let k = k.trim_end();
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        }
        None => false,
    }
}
