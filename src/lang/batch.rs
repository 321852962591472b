//! Windows cmd.exe batch files (.cmd, .bat). No maintained tree-sitter
//! grammar exists as a crate: a lexer of its own (lines, `REM` and `::`
//! comments, double-quoted strings, words) and a line check.

use super::config::lines;
use super::lexer::{Lexed, Tok};
use super::{FileKind, Language, ParseError, Read, Role};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Batch,
    title: |_| "a batch file",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["cmd", "bat"],
    fence_tags: &["bat", "cmd", "batch", "batchfile", "dosbatch"],
    role: Role::Script,
    read: Read::Tokens {
        lex: tokens,
        packages: super::no_packages,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

/// Whether the line (from its first non-blank byte) is a comment: `REM`
/// (any case, `@REM` too) followed by a blank or nothing, or `::`.
fn is_comment(content: &str) -> bool {
    let c = content.strip_prefix('@').unwrap_or(content);
    if c.starts_with("::") {
        return true;
    }
    c.get(..3).is_some_and(|w| w.eq_ignore_ascii_case("rem"))
        && c[3..].chars().next().is_none_or(|ch| ch.is_whitespace())
}

/// Each line: a comment, or words and `"..."` strings (cmd.exe has no
/// escape inside quotes, and a string ends at the line's end). `%NAME%`
/// stays inside its word, where the detectors find variable names.
pub fn tokens(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    let b = text.as_bytes();
    for (ls, le) in lines(text) {
        let line = &text[ls..le];
        let content = line.trim_start();
        let mut i = ls + (line.len() - content.len());
        if is_comment(content) {
            lx.push(Tok::Comment, i..le, i..le, 0, false);
            continue;
        }
        while i < le {
            let ch = b[i];
            if ch.is_ascii_whitespace() {
                i += 1;
            } else if ch == b'"' {
                let close = text[i + 1..le].find('"').map(|k| i + 1 + k);
                let stop = close.map_or(le, |c| c + 1);
                lx.push(Tok::Str, i..stop, i + 1..close.unwrap_or(le), 0, false);
                i = stop;
            } else if b"()&|<>".contains(&ch) {
                lx.push(Tok::Punct, i..i + 1, i..i + 1, 0, false);
                i += 1;
            } else {
                let mut j = i;
                while j < le && !b[j].is_ascii_whitespace() && !b"\"()&|<>".contains(&b[j]) {
                    // `^` escapes the next character.
                    j += if b[j] == b'^' { 2 } else { 1 };
                }
                let j = j.min(le);
                lx.push(Tok::Word, i..j, i..j, 0, false);
                i = j;
            }
        }
    }
    lx
}

/// Parentheses outside strings, comments and `^` escapes balance (blocks
/// of `if`/`for` never close before they open, and all close).
pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    let mut depth = 0i64;
    let mut opened_at = 0;
    for (n, line) in text.lines().enumerate() {
        if is_comment(line.trim_start()) {
            continue;
        }
        let mut quoted = false;
        let mut escaped = false;
        for ch in line.bytes() {
            match ch {
                _ if escaped => escaped = false,
                b'^' if !quoted => escaped = true,
                b'"' => quoted = !quoted,
                b'(' if !quoted => {
                    if depth == 0 {
                        opened_at = n + 1;
                    }
                    depth += 1;
                }
                b')' if !quoted && depth > 0 => depth -= 1,
                _ => {}
            }
        }
    }
    if depth > 0 {
        return Err(ParseError::at(opened_at, "unclosed `(` block"));
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn comments_strings_and_words() {
        let text = "@echo off\r\nREM https://openrouter.ai/docs\r\n:: note\r\nset \"OPENROUTER_API_KEY=x\"\r\ncurl -H \"X-Title: a\" %OPENROUTER_BASE_URL%/models\r\nremote add\r\n";
        let lx = tokens(text);
        let of = |k: Tok| -> Vec<&str> {
            lx.tokens
                .iter()
                .filter(|t| t.tok == k)
                .map(|t| &text[t.inner.clone()])
                .collect()
        };
        assert_eq!(of(Tok::Comment).len(), 2);
        assert_eq!(of(Tok::Str), ["OPENROUTER_API_KEY=x", "X-Title: a"]);
        assert!(of(Tok::Word).contains(&"%OPENROUTER_BASE_URL%/models"));
        assert!(of(Tok::Word).contains(&"remote"));
    }

    #[test]
    fn check_balances_blocks() {
        assert!(check("a.cmd", "if defined X (\r\n  echo \"(\" ^(\r\n) else (echo y)\r\n").is_ok());
        assert!(check("a.cmd", "if defined X (\n  echo y\n").is_err());
        // An unmatched `)` is only text to cmd.exe (`echo )`).
        assert!(check("a.cmd", "echo done)\n").is_ok());
    }
}
