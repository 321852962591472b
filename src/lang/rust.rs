//! Rust, read through proc-macro2/syn (exact literals and groups), with the
//! code lexer as the fallback for files syn does not accept.

use std::str::FromStr;

use super::lexer::{lex, mark_keys, Group, Lexed, Syntax, Tok};
use super::{FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    nested_block_comments: true,
    rust_raw_strings: true,
    rust_lifetimes: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Rust,
    title: |_| "Rust",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["rs"],
    fence_tags: &["rust", "rs"],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: uses,
        text_pass: false,
    },
    classes: Some(lexed),
    check,
};

/// syn's tokens where the file parses, the lexer's otherwise.
fn tokens(text: &str) -> Lexed {
    syn_tokens(text).unwrap_or_else(|| lexed(text))
}

fn lexed(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

/// Rust through proc-macro2: exact string literals (raw strings included)
/// and groups; `None` when the file does not tokenize, so the caller falls
/// back to the lexer.
fn syn_tokens(text: &str) -> Option<Lexed> {
    // proc-macro2's tokenizer is exact about strings and groups; parsing
    // the tokens as a whole file as well doubled the cost of every Rust file
    // read (the re-parse check after a rewrite still parses with syn).
    let ts = proc_macro2::TokenStream::from_str(text).ok()?;
    let mut lx = Lexed::with_len(text.len());
    let offsets = Offsets::new(text);
    walk(&mut lx, text, &offsets, ts, 0);
    // Spans are kept per thread until invalidated; free them per file.
    proc_macro2::extra::invalidate_current_thread_spans();
    mark_keys(&mut lx, text, SYNTAX);
    Some(lx)
}

/// Byte offsets of proc-macro2 spans, from their line and column (in
/// characters, as proc-macro2 counts them over the whole file).
/// `Span::byte_range` gives the same offsets, but records every one in a
/// per-thread `BTreeMap`: that alone was a tenth of scan's CPU on a tree
/// of crate sources.
struct Offsets<'t> {
    text: &'t str,
    /// Byte offset of each line's start (lines end at `\n`, as proc-macro2
    /// splits them).
    lines: Vec<usize>,
    ascii: bool,
}

impl<'t> Offsets<'t> {
    fn new(text: &'t str) -> Offsets<'t> {
        let mut lines = vec![0];
        lines.extend(text.match_indices('\n').map(|(i, _)| i + 1));
        Offsets {
            text,
            lines,
            ascii: text.is_ascii(),
        }
    }

    fn byte(&self, at: proc_macro2::LineColumn) -> usize {
        let Some(&start) = at.line.checked_sub(1).and_then(|l| self.lines.get(l)) else {
            return self.text.len();
        };
        if self.ascii {
            return (start + at.column).min(self.text.len());
        }
        self.text[start..]
            .char_indices()
            .nth(at.column)
            .map_or(self.text.len(), |(b, _)| start + b)
    }

    fn range(&self, span: proc_macro2::Span) -> std::ops::Range<usize> {
        self.byte(span.start())..self.byte(span.end())
    }
}

fn walk(lx: &mut Lexed, text: &str, offsets: &Offsets, ts: proc_macro2::TokenStream, group: usize) {
    use proc_macro2::{Delimiter, TokenTree};
    for tt in ts {
        let r = offsets.range(tt.span());
        if r.end > text.len() || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        match tt {
            TokenTree::Group(g) => {
                let kind = match g.delimiter() {
                    Delimiter::Brace => b'{',
                    Delimiter::Parenthesis => b'(',
                    Delimiter::Bracket => b'[',
                    Delimiter::None => b'(',
                };
                let label = lx
                    .tokens
                    .iter()
                    .rev()
                    .take(3)
                    .find(|t| t.group == group && matches!(t.tok, Tok::Ident | Tok::Str))
                    .filter(|t| t.span.end + 3 >= r.start)
                    .map(|t| t.span.clone());
                lx.groups.push(Group {
                    kind,
                    parent: group,
                    label,
                    span: r.clone(),
                });
                let gid = lx.groups.len() - 1;
                // The group dropped first, its tokens are moved out rather
                // than copied (the stream is shared until then).
                let inner = g.stream();
                drop(g);
                walk(lx, text, offsets, inner, gid);
            }
            TokenTree::Ident(_) => lx.push(Tok::Ident, r.clone(), r, group, false),
            TokenTree::Punct(_) => lx.push(Tok::Punct, r.clone(), r, group, false),
            TokenTree::Literal(_) => {
                let s = &text[r.clone()];
                // Doc comments arrive as `#[doc = "..."]` spanning the comment.
                if s.starts_with("//") || s.starts_with("/*") {
                    lx.push(Tok::Comment, r.clone(), r, group, false);
                    continue;
                }
                let body = s.trim_start_matches('b').trim_start_matches('c');
                let hashes = body
                    .strip_prefix('r')
                    .map(|b| b.len() - b.trim_start_matches('#').len());
                let pre = s.len() - body.len();
                let inner = match hashes {
                    Some(h) if body.len() > 2 + 2 * h => r.start + pre + 2 + h..r.end - 1 - h,
                    None if body.starts_with('"') && body.len() >= 2 => {
                        r.start + pre + 1..r.end - 1
                    }
                    _ => {
                        lx.push(Tok::Punct, r.clone(), r, group, false);
                        continue;
                    }
                };
                lx.push(Tok::Str, r, inner, group, false);
            }
        }
    }
}

/// A known crate named in `use known_crate::...`, `extern crate` or a
/// `known_crate::path`.
fn uses(m: &Manifest) -> Vec<PackageUse> {
    let (text, lx) = (m.text, m.lexed);
    let mut out = Vec::new();
    for i in 0..lx.tokens.len() {
        let t = &lx.tokens[i];
        if t.tok != Tok::Ident {
            continue;
        }
        let s = &text[t.span.clone()];
        for (name, import) in m.known.crates {
            if s != import {
                continue;
            }
            let prev = lx.prev_sig(i).map(|p| &text[lx.tokens[p].span.clone()]);
            let next = lx.next_sig(i).map(|n| &text[lx.tokens[n].span.clone()]);
            if matches!(prev, Some("use") | Some("crate")) || next == Some(":") {
                out.push(PackageUse::new(t.span.clone(), Ecosystem::Crates, name));
            }
        }
    }
    out
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    syn::parse_file(text).map(drop).map_err(|e| {
        let at = e.span().start();
        ParseError::at(at.line, e.to_string())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn all_spans(ts: proc_macro2::TokenStream, out: &mut Vec<proc_macro2::Span>) {
        for tt in ts {
            out.push(tt.span());
            if let proc_macro2::TokenTree::Group(g) = tt {
                out.push(g.span_open());
                out.push(g.span_close());
                all_spans(g.stream(), out);
            }
        }
    }

    /// `Offsets` gives what `Span::byte_range` gives, for every token of
    /// ASCII and non-ASCII text (multi-byte characters before, inside and
    /// after tokens, CRLF, a BOM, raw strings, a last line without `\n`).
    #[test]
    fn offsets_equal_byte_range() {
        let texts = [
            "fn main() { let url = \"https://openrouter.ai/api/v1\"; }\n",
            "\u{feff}// é\r\nconst K: &str = \"sk-or-v1-é\";\r\nfn f() -> u8 { b'x' }",
            "/* ünïcode */ struct S { a: [u8; 2] }\nconst R: &str = r#\"日本 \"quoted\"\"#;\n\
             fn g() { h(\"π\", 'λ', c\"c\") } // tail ✓",
            "mod m {\n    #[doc = \"x\"]\n    pub fn f<'a>(x: &'a str) -> &'a str { x }\n}",
        ];
        for text in texts {
            let ts = proc_macro2::TokenStream::from_str(text).unwrap();
            let offsets = Offsets::new(text);
            let mut spans = Vec::new();
            all_spans(ts, &mut spans);
            assert!(spans.len() > 5);
            for sp in spans {
                assert_eq!(offsets.range(sp), sp.byte_range(), "{text:?}");
            }
            proc_macro2::extra::invalidate_current_thread_spans();
        }
    }
}
