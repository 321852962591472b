//! A small byte classifier (code / string / comment) per language, so edits
//! that remove code can match brackets and split lists without being fooled
//! by a `,` or `}` inside a string or a comment.

use crate::scan::FileKind;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Class {
    Code,
    Str,
    Comment,
}

/// Lexical rules of one language family.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    /// JavaScript/TypeScript and JSON(C).
    CLike,
    Rust,
    Go,
    Shell,
    PowerShell,
    Yaml,
}

impl Lang {
    pub fn of(kind: FileKind) -> Option<Lang> {
        Some(match kind {
            FileKind::Python => Lang::Python,
            FileKind::JavaScript | FileKind::Json => Lang::CLike,
            FileKind::Rust => Lang::Rust,
            FileKind::Go => Lang::Go,
            FileKind::Shell | FileKind::Dockerfile => Lang::Shell,
            FileKind::PowerShell => Lang::PowerShell,
            FileKind::Yaml => Lang::Yaml,
            _ => return None,
        })
    }
}

/// Text with a class for every byte.
pub struct Lexed<'a> {
    pub text: &'a str,
    pub class: Vec<Class>,
}

impl<'a> Lexed<'a> {
    pub fn new(text: &'a str, lang: Lang) -> Lexed<'a> {
        Lexed {
            text,
            class: classify(text.as_bytes(), lang),
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

fn classify(b: &[u8], lang: Lang) -> Vec<Class> {
    let mut out = vec![Class::Code; b.len()];
    let mut i = 0;
    let n = b.len();
    let mark = |out: &mut Vec<Class>, s: usize, e: usize, c: Class| {
        for x in &mut out[s..e.min(n)] {
            *x = c;
        }
    };
    while i < n {
        let c = b[i];
        let next = b.get(i + 1).copied();
        let prev_ws = i == 0 || b[i - 1].is_ascii_whitespace();
        // Comments.
        let line_comment = match lang {
            Lang::Python | Lang::Shell | Lang::PowerShell => {
                c == b'#' && (lang == Lang::Python || prev_ws || b[i - 1] == b';')
            }
            Lang::Yaml => c == b'#' && prev_ws,
            Lang::CLike | Lang::Rust | Lang::Go => c == b'/' && next == Some(b'/'),
        };
        if line_comment && !(lang == Lang::PowerShell && i > 0 && b[i - 1] == b'<') {
            let e = memchr(b, i, b'\n');
            mark(&mut out, i, e, Class::Comment);
            i = e;
            continue;
        }
        if matches!(lang, Lang::CLike | Lang::Rust | Lang::Go) && c == b'/' && next == Some(b'*') {
            let e = find(b, i + 2, b"*/").map_or(n, |p| p + 2);
            mark(&mut out, i, e, Class::Comment);
            i = e;
            continue;
        }
        if lang == Lang::PowerShell && c == b'<' && next == Some(b'#') {
            let e = find(b, i + 2, b"#>").map_or(n, |p| p + 2);
            mark(&mut out, i, e, Class::Comment);
            i = e;
            continue;
        }
        // Strings.
        let end = match (lang, c) {
            (Lang::Python, b'"' | b'\'') => {
                if b[i..].starts_with(&[c, c, c]) {
                    let pat = [c, c, c];
                    Some(find_escaped(b, i + 3, &pat).map_or(n, |p| p + 3))
                } else {
                    Some(quoted(b, i, c, b'\\'))
                }
            }
            (Lang::CLike, b'"' | b'\'' | b'`') | (Lang::Go, b'"') => Some(quoted(b, i, c, b'\\')),
            (Lang::Go, b'`') => Some(memchr(b, i + 1, b'`').min(n - 1) + 1),
            (Lang::Go, b'\'') => Some(quoted(b, i, c, b'\\')),
            (Lang::Rust, b'"') => {
                // Raw string: r, br, or cr with hashes before the quote.
                let mut s = i;
                let mut hashes = 0;
                while s > 0 && b[s - 1] == b'#' {
                    s -= 1;
                    hashes += 1;
                }
                if s > 0 && b[s - 1] == b'r' && out[s - 1] == Class::Code {
                    let mut close = vec![b'"'];
                    close.extend(std::iter::repeat_n(b'#', hashes));
                    let e = find(b, i + 1, &close).map_or(n, |p| p + close.len());
                    mark(&mut out, s - 1, i, Class::Str);
                    Some(e)
                } else {
                    Some(quoted(b, i, c, b'\\'))
                }
            }
            (Lang::Rust, b'\'') => rust_char(b, i),
            (Lang::Shell, b'\'') => Some(memchr(b, i + 1, b'\'').min(n - 1) + 1),
            (Lang::Shell, b'"') => Some(quoted(b, i, c, b'\\')),
            (Lang::PowerShell, b'\'') => Some(doubled(b, i, b'\'', None)),
            (Lang::PowerShell, b'"') => Some(doubled(b, i, b'"', Some(b'`'))),
            (Lang::Yaml, b'\'') if yaml_quote_ok(b, i) => Some(doubled(b, i, b'\'', None)),
            (Lang::Yaml, b'"') if yaml_quote_ok(b, i) => Some(quoted(b, i, c, b'\\')),
            _ => None,
        };
        if let Some(e) = end {
            let e = e.min(n).max(i + 1);
            mark(&mut out, i, e, Class::Str);
            i = e;
            continue;
        }
        i += 1;
    }
    out
}

fn memchr(b: &[u8], from: usize, c: u8) -> usize {
    b[from.min(b.len())..]
        .iter()
        .position(|&x| x == c)
        .map_or(b.len(), |p| from + p)
}

fn find(b: &[u8], from: usize, pat: &[u8]) -> Option<usize> {
    if from > b.len() {
        return None;
    }
    b[from..]
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| from + p)
}

/// Like `find`, skipping backslash escapes.
fn find_escaped(b: &[u8], mut from: usize, pat: &[u8]) -> Option<usize> {
    while from < b.len() {
        if b[from] == b'\\' {
            from += 2;
            continue;
        }
        if b[from..].starts_with(pat) {
            return Some(from);
        }
        from += 1;
    }
    None
}

/// End (exclusive) of a string opened at `i` with quote `q` and escape `esc`.
/// An unterminated single-line string ends at the newline.
fn quoted(b: &[u8], i: usize, q: u8, esc: u8) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if b[j] == esc {
            j += 2;
            continue;
        }
        if b[j] == q {
            return j + 1;
        }
        if b[j] == b'\n' && q != b'`' {
            return j;
        }
        j += 1;
    }
    b.len()
}

/// A string whose quote is escaped by doubling it (PowerShell, YAML).
fn doubled(b: &[u8], i: usize, q: u8, esc: Option<u8>) -> usize {
    let mut j = i + 1;
    while j < b.len() {
        if Some(b[j]) == esc {
            j += 2;
            continue;
        }
        if b[j] == q {
            if b.get(j + 1) == Some(&q) {
                j += 2;
                continue;
            }
            return j + 1;
        }
        j += 1;
    }
    b.len()
}

/// YAML quotes start a scalar only at the start of a value.
fn yaml_quote_ok(b: &[u8], i: usize) -> bool {
    let mut j = i;
    while j > 0 && (b[j - 1] == b' ' || b[j - 1] == b'\t') {
        j -= 1;
    }
    j == 0 || matches!(b[j - 1], b'\n' | b':' | b'-' | b'[' | b'{' | b',' | b'?')
}

/// A Rust char literal at `i`, or None for a lifetime.
fn rust_char(b: &[u8], i: usize) -> Option<usize> {
    if b.get(i + 1) == Some(&b'\\') {
        return Some(memchr(b, i + 2, b'\'') + 1);
    }
    let rest = std::str::from_utf8(&b[i + 1..b.len().min(i + 6)])
        .ok()
        .or_else(|| {
            // Cut at the last char boundary.
            (1..5)
                .rev()
                .find_map(|k| std::str::from_utf8(&b[i + 1..b.len().min(i + 1 + k)]).ok())
        })?;
    let ch = rest.chars().next()?;
    let after = i + 1 + ch.len_utf8();
    (b.get(after) == Some(&b'\'')).then_some(after + 1)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn classes(text: &str, lang: Lang) -> String {
        Lexed::new(text, lang)
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
        assert_eq!(classes("a='x,}' # c\n", Lang::Python), "ccsssssc###c");
        assert_eq!(classes("\"\"\"a\"b\"\"\"", Lang::Python), "sssssssss");
    }

    #[test]
    fn rust_raw_strings_chars_and_lifetimes() {
        assert_eq!(classes("r#\"a\"b\"#", Lang::Rust), "ssssssss");
        assert_eq!(classes("'a' &'b x", Lang::Rust), "ssscccccc");
    }

    #[test]
    fn brackets_skip_strings() {
        let l = Lexed::new("f({\"a\": \"}\", b: [1, 2]})", Lang::CLike);
        assert_eq!(l.matching_close(2), Some(22));
        assert_eq!(l.matching_close(1), Some(23));
        assert_eq!(l.enclosing_open(5), Some(2));
        let (pieces, _) = l.split(3..22, b",");
        assert_eq!(pieces.len(), 2);
    }

    #[test]
    fn shell_hash_in_word_is_not_a_comment() {
        assert_eq!(classes("a#b #c", Lang::Shell), "cccc##");
    }
}
