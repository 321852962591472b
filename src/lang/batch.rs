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
        if let Some(rest) = set_command(text, i, le) {
            i = assignment(&mut lx, text, rest, le);
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

/// Where the assignment of a `set` command starting at `at` begins (past
/// `@`, `set` and blanks); `None` for other commands, `set /a` and `set /p`.
fn set_command(text: &str, at: usize, le: usize) -> Option<usize> {
    let line = &text[at..le];
    let cmd = line.strip_prefix('@').unwrap_or(line);
    let after = cmd
        .get(..3)?
        .eq_ignore_ascii_case("set")
        .then(|| &cmd[3..])?;
    if !after.starts_with([' ', '\t']) {
        return None;
    }
    let args = after.trim_start();
    (!args.starts_with('/')).then(|| le - args.len())
}

/// `NAME=value` or `"NAME=value"`: the name as a key, the value as a word
/// (a string when quoted); returns where lexing goes on.
fn assignment(lx: &mut Lexed, text: &str, at: usize, le: usize) -> usize {
    let b = text.as_bytes();
    let quoted = b.get(at) == Some(&b'"');
    let body = at + usize::from(quoted);
    // A quoted assignment ends at the line's last quote; a bare one at an
    // unescaped command separator.
    let end = if quoted {
        text[body..le].rfind('"').map_or(le, |k| body + k)
    } else {
        let mut j = body;
        while j < le && !b"&|<>".contains(&b[j]) {
            j += if b[j] == b'^' { 2 } else { 1 };
        }
        let mut j = j.min(le);
        while j > body && b[j - 1].is_ascii_whitespace() {
            j -= 1;
        }
        j
    };
    let Some(eq) = text[body..end].find('=').map(|k| body + k) else {
        return at;
    };
    lx.push(Tok::Str, body..eq, body..eq, 0, true);
    lx.push(Tok::Punct, eq..eq + 1, eq..eq + 1, 0, false);
    if eq + 1 < end {
        let tok = if quoted { Tok::Str } else { Tok::Word };
        lx.push(tok, eq + 1..end, eq + 1..end, 0, false);
    }
    if quoted && end < le {
        end + 1
    } else {
        end
    }
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
        assert_eq!(of(Tok::Str), ["OPENROUTER_API_KEY", "x", "X-Title: a"]);
        assert!(of(Tok::Word).contains(&"%OPENROUTER_BASE_URL%/models"));
        assert!(of(Tok::Word).contains(&"remote"));
    }

    #[test]
    fn set_assignments_are_key_and_value() {
        let text = "set \"API_BASE=https://x/v1\"\n@set MODEL=a/b & echo on\nset /a N=1\nsetx OPENROUTER_API_KEY %1\n";
        let lx = tokens(text);
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(keys, ["API_BASE", "MODEL"]);
        let values: Vec<&str> = lx
            .tokens
            .iter()
            .filter(|t| !t.key && matches!(t.tok, Tok::Str | Tok::Word))
            .map(|t| &text[t.inner.clone()])
            .collect();
        assert_eq!(
            values,
            [
                "https://x/v1",
                "a/b",
                "echo",
                "on",
                "set",
                "/a",
                "N=1",
                "setx",
                "OPENROUTER_API_KEY",
                "%1"
            ]
        );
    }

    #[test]
    fn check_balances_blocks() {
        assert!(check(
            "a.cmd",
            "if defined X (\r\n  echo \"(\" ^(\r\n) else (echo y)\r\n"
        )
        .is_ok());
        assert!(check("a.cmd", "if defined X (\n  echo y\n").is_err());
        // An unmatched `)` is only text to cmd.exe (`echo )`).
        assert!(check("a.cmd", "echo done)\n").is_ok());
    }
}
