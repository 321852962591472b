//! Dockerfiles and Containerfiles: `FROM` lines are images (never
//! findings), `ENV`/`ARG`/`LABEL` are key=value pairs, the rest is shell.

use super::lexer::{lex_into, Lexed, Tok};
use super::{FileKind, Language, ParseError, Read, Role};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Dockerfile,
    title: |_| "a Dockerfile",
    file_names: &["dockerfile", "containerfile"],
    name_matches: |name| name.starts_with("dockerfile.") || name.ends_with(".dockerfile"),
    extensions: &[],
    fence_tags: &["dockerfile", "docker"],
    role: Role::Other,
    read: Read::Tokens {
        lex: dockerfile,
        packages: super::no_packages,
        text_pass: false,
    },
    // Edits happen in RUN lines: shell.
    classes: Some(super::shell::tokens),
    check,
};

/// Dockerfile: `FROM` lines are images (never findings), `ENV`/`ARG`/`LABEL`
/// are key=value pairs, everything else is shell.
pub fn dockerfile(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    let b = text.as_bytes();
    let mut pos = 0;
    while pos < text.len() {
        // An instruction runs to a newline not preceded by a backslash.
        let mut end = pos;
        loop {
            let e = text[end..]
                .find('\n')
                .map(|i| end + i)
                .unwrap_or(text.len());
            let trimmed = text[pos..e].trim_end();
            if trimmed.ends_with('\\') && e < text.len() {
                end = e + 1;
                continue;
            }
            end = e;
            break;
        }
        let instr = &text[pos..end];
        let content = instr.trim_start();
        let s = pos + (instr.len() - content.len());
        let word: String = content
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let after = s + word.len();
        match word.to_ascii_uppercase().as_str() {
            "" if content.starts_with('#') => lx.push(Tok::Comment, s..end, s..end, 0, false),
            "FROM" | "" => {}
            "ENV" | "ARG" | "LABEL" => {
                // Pairs `K=V K2="v 2"` or the legacy `K V`.
                let mut i = after;
                while i < end {
                    while i < end && (b[i].is_ascii_whitespace() || b[i] == b'\\') {
                        i += 1;
                    }
                    let ks = i;
                    while i < end && !b[i].is_ascii_whitespace() && b[i] != b'=' {
                        i += 1;
                    }
                    if ks == i {
                        break;
                    }
                    lx.push(Tok::Str, ks..i, ks..i, 0, true);
                    if i < end && b[i] == b'=' {
                        i += 1;
                        let vs = i;
                        if i < end && (b[i] == b'"' || b[i] == b'\'') {
                            let q = b[i];
                            i += 1;
                            while i < end && b[i] != q {
                                i += if b[i] == b'\\' { 2 } else { 1 };
                            }
                            let close = i.min(end);
                            lx.push(Tok::Str, vs..(close + 1).min(end), vs + 1..close, 0, false);
                            i = close + 1;
                        } else {
                            while i < end && !b[i].is_ascii_whitespace() {
                                i += 1;
                            }
                            if i > vs {
                                lx.push(Tok::Word, vs..i, vs..i, 0, false);
                            }
                        }
                    } else {
                        // Legacy form: the rest of the line is the value.
                        let rest = text[i..end].trim();
                        if !rest.is_empty() {
                            let vs = end - text[i..end].trim_start().len();
                            lx.push(
                                Tok::Word,
                                vs..vs + rest.len(),
                                vs..vs + rest.len(),
                                0,
                                false,
                            );
                        }
                        break;
                    }
                }
            }
            _ => lex_into(&mut lx, text, after..end, super::shell::SYNTAX, 0),
        }
        pos = end + 1;
    }
    lx
}

/// Every logical line starts with an instruction word (or is a comment or
/// a parser directive); continuation lines and heredoc bodies are skipped.
pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    let mut continued = false;
    let mut heredoc: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(end) = &heredoc {
            if t == end {
                heredoc = None;
            }
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !continued {
            let word = t.split_whitespace().next().unwrap_or("");
            if !word.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(ParseError::at(n + 1, "not an instruction"));
            }
            if let Some(p) = t.find("<<") {
                let tag = t[p + 2..]
                    .trim_start_matches('-')
                    .trim_matches(|c| c == '"' || c == '\'');
                let tag: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !tag.is_empty() {
                    heredoc = Some(tag);
                }
            }
        }
        continued = t.ends_with('\\');
    }
    Ok(())
}
