//! A small byte classifier (code / string / comment) per language, so edits
//! that remove code can match brackets and split lists without being fooled
//! by a `,` or `}` inside a string or a comment.

use crate::lang::lexer::{Lexed, Tok};
use crate::lang::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Code,
    Str,
    Comment,
}

/// Text with a class for every byte.
pub struct Classes<'a> {
    pub text: &'a str,
    pub class: Vec<Class>,
}

impl<'a> Classes<'a> {
    /// The classes of a file of `kind`, by its language's lexer; `None`
    /// where rewrite makes no structural edit in that language.
    pub fn of(text: &'a str, kind: FileKind) -> Option<Classes<'a>> {
        kind.language()
            .classes
            .map(|lexer| Classes::with(text, lexer))
    }

    /// The classes `lexer` gives.
    pub fn with(text: &'a str, lexer: fn(&str) -> Lexed) -> Classes<'a> {
        Classes {
            text,
            class: classify(text, &lexer(text)),
        }
    }

    pub fn bytes(&self) -> &'a [u8] {
        self.text.as_bytes()
    }

    pub fn is_code(&self, i: usize) -> bool {
        self.class.get(i) == Some(&Class::Code)
    }

    /// The string literal (quotes included) that contains offset `pos`.
    pub fn string_at(&self, pos: usize) -> Option<std::ops::Range<usize>> {
        if self.class.get(pos) != Some(&Class::Str) {
            return None;
        }
        let mut s = pos;
        while s > 0 && self.class[s - 1] == Class::Str {
            s -= 1;
        }
        let mut e = pos;
        while e < self.class.len() && self.class[e] == Class::Str {
            e += 1;
        }
        Some(s..e)
    }

    /// Offset of the innermost unclosed `(`, `[` or `{` before `pos`.
    pub fn enclosing_open(&self, pos: usize) -> Option<usize> {
        let b = self.bytes();
        let mut depth = 0usize;
        let mut i = pos;
        while i > 0 {
            i -= 1;
            if !self.is_code(i) {
                continue;
            }
            match b[i] {
                b')' | b']' | b'}' => depth += 1,
                b'(' | b'[' | b'{' => {
                    if depth == 0 {
                        return Some(i);
                    }
                    depth -= 1;
                }
                _ => {}
            }
        }
        None
    }

    /// Offset of the bracket closing the one at `open`.
    pub fn matching_close(&self, open: usize) -> Option<usize> {
        let b = self.bytes();
        let mut stack = Vec::new();
        for (i, &ch) in b.iter().enumerate().skip(open) {
            if !self.is_code(i) {
                continue;
            }
            match ch {
                c @ (b'(' | b'[' | b'{') => stack.push(c),
                c @ (b')' | b']' | b'}') => {
                    let o = stack.pop()?;
                    if !matches!((o, c), (b'(', b')') | (b'[', b']') | (b'{', b'}')) {
                        return None;
                    }
                    if stack.is_empty() {
                        return Some(i);
                    }
                }
                _ => {}
            }
        }
        None
    }

    /// Split `range` at depth-0 code bytes in `seps`; returns the pieces
    /// (separators excluded) and the separator offsets.
    pub fn split(
        &self,
        range: std::ops::Range<usize>,
        seps: &[u8],
    ) -> (Vec<std::ops::Range<usize>>, Vec<usize>) {
        let b = self.bytes();
        let mut depth = 0i32;
        let mut pieces = Vec::new();
        let mut at = Vec::new();
        let mut start = range.start;
        for i in range.clone() {
            if !self.is_code(i) {
                continue;
            }
            match b[i] {
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' => depth -= 1,
                c if depth == 0 && seps.contains(&c) => {
                    pieces.push(start..i);
                    at.push(i);
                    start = i + 1;
                }
                _ => {}
            }
        }
        pieces.push(start..range.end);
        (pieces, at)
    }

    /// `range` without leading and trailing whitespace and comments.
    pub fn trim(&self, range: std::ops::Range<usize>) -> std::ops::Range<usize> {
        let b = self.bytes();
        let (mut s, mut e) = (range.start, range.end);
        while s < e && (b[s].is_ascii_whitespace() || self.class[s] == Class::Comment) {
            s += 1;
        }
        while e > s && (b[e - 1].is_ascii_whitespace() || self.class[e - 1] == Class::Comment) {
            e -= 1;
        }
        s..e
    }
}

/// Byte classes from the scanner's lexers, so scan and rewrite agree on what
/// is a string or a comment (one lexer per language in the whole tool).
fn classify(text: &str, lx: &Lexed) -> Vec<Class> {
    let mut out = vec![Class::Code; text.len()];
    for t in &lx.tokens {
        let class = match t.tok {
            Tok::Comment => Class::Comment,
            // Quoted strings only: YAML keys and plain scalars are code.
            Tok::Str if t.span.start < t.inner.start || t.span.end > t.inner.end => Class::Str,
            _ => continue,
        };
        for x in &mut out[t.span.start.min(text.len())..t.span.end.min(text.len())] {
            *x = class;
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str, kind: FileKind) -> String {
        Classes::of(text, kind)
            .unwrap()
            .class
            .iter()
            .map(|c| match c {
                Class::Code => 'c',
                Class::Str => 's',
                Class::Comment => '#',
            })
            .collect()
    }

    #[test]
    fn python_strings_and_comments() {
        assert_eq!(classes("a='x,}' # c\n", FileKind::Python), "ccsssssc###c");
        assert_eq!(
            classes("x=\"\"\"a\"b\"\"\"", FileKind::Python),
            "ccsssssssss"
        );
        // A docstring is documentation: a comment to the scanner too.
        assert_eq!(classes("\"\"\"a\"\"\"", FileKind::Python), "#######");
    }

    #[test]
    fn rust_raw_strings_chars_and_lifetimes() {
        assert_eq!(classes("r#\"a\"b\"#", FileKind::Rust), "ssssssss");
        assert_eq!(classes("'a' &'b x", FileKind::Rust), "ssscccccc");
    }

    #[test]
    fn brackets_skip_strings() {
        let l = Classes::of("f({\"a\": \"}\", b: [1, 2]})", FileKind::JavaScript).unwrap();
        assert_eq!(l.matching_close(2), Some(22));
        assert_eq!(l.matching_close(1), Some(23));
        assert_eq!(l.enclosing_open(5), Some(2));
        let (pieces, _) = l.split(3..22, b",");
        assert_eq!(pieces.len(), 2);
    }

    #[test]
    fn shell_hash_in_word_is_not_a_comment() {
        assert_eq!(classes("a#b #c", FileKind::Shell), "cccc##");
    }
}
