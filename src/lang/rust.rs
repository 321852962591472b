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
    walk(&mut lx, text, ts, 0);
    // Spans are kept per thread until invalidated; free them per file.
    proc_macro2::extra::invalidate_current_thread_spans();
    mark_keys(&mut lx, text, SYNTAX);
    Some(lx)
}

fn walk(lx: &mut Lexed, text: &str, ts: proc_macro2::TokenStream, group: usize) {
    use proc_macro2::{Delimiter, TokenTree};
    for tt in ts {
        let r = tt.span().byte_range();
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
                walk(lx, text, g.stream(), gid);
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
