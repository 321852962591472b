//! Line geometry over text: where a line starts and ends, and whether a
//! stretch of it is only blanks or a trailing comment.

use super::lex::{Class, Classes};

pub fn line_start(b: &[u8], pos: usize) -> usize {
    b[..pos.min(b.len())]
        .iter()
        .rposition(|&c| c == b'\n')
        .map_or(0, |p| p + 1)
}

/// Offset of the `\n` ending the line at `pos` (or the text length).
pub fn line_end(b: &[u8], pos: usize) -> usize {
    b[pos.min(b.len())..]
        .iter()
        .position(|&c| c == b'\n')
        .map_or(b.len(), |p| pos + p)
}

/// Start of the next line (past the `\n`), or the text length.
pub fn next_line(b: &[u8], pos: usize) -> usize {
    (line_end(b, pos) + 1).min(b.len())
}

pub fn blank(b: &[u8]) -> bool {
    b.iter().all(|c| matches!(c, b' ' | b'\t' | b'\r'))
}

/// Whether only blanks stand between the start of its line and `pos`.
pub fn starts_line(b: &[u8], pos: usize) -> bool {
    blank(&b[line_start(b, pos)..pos])
}

/// If after `pos` the line holds only blanks, at most one of `seps`, and a
/// comment, the start of the next line.
pub fn trailing_to_eol(lx: &Classes, pos: usize, seps: &[u8]) -> Option<usize> {
    let b = lx.bytes();
    let mut i = pos;
    let skip_blank = |mut i: usize| {
        while i < b.len() && matches!(b[i], b' ' | b'\t' | b'\r') {
            i += 1;
        }
        i
    };
    i = skip_blank(i);
    if i < b.len() && seps.contains(&b[i]) && lx.is_code(i) {
        i = skip_blank(i + 1);
    }
    while i < b.len() && lx.class[i] == Class::Comment && b[i] != b'\n' {
        i += 1;
    }
    i = skip_blank(i);
    if i >= b.len() {
        return Some(b.len());
    }
    (b[i] == b'\n').then_some(i + 1)
}

/// Indentation width (bytes of spaces/tabs) of the line starting at `ls`.
pub fn indent(b: &[u8], ls: usize) -> usize {
    b[ls..]
        .iter()
        .take_while(|&&c| c == b' ' || c == b'\t')
        .count()
}
