//! Statement removals must not leave a block without a statement: Python
//! raises IndentationError on `if site:` with nothing under it, and bash
//! rejects `then` followed by `fi`. The first removal in such a block is
//! turned into the language's no-op (`pass`, `:`), at the removed line's
//! indentation. In JavaScript, a removed statement that was the body of a
//! brace-less `if`/`for`/`while`/`else` would hand the next statement to
//! that `if`: such a removal is refused.

use std::ops::Range;

use super::lines::{indent, line_end, line_start, next_line};
use crate::scan::FileKind;
use crate::source::Edit;

/// Replace, in place, the first whole-line deletion of each block that the
/// deletions empty with the language's no-op statement.
pub fn fill_emptied(kind: FileKind, text: &str, edits: &mut [Edit]) {
    let noop = match kind {
        FileKind::Python => "pass",
        FileKind::Shell => ":",
        _ => return,
    };
    let b = text.as_bytes();
    let deletions: Vec<Range<usize>> = edits
        .iter()
        .filter(|e| is_line_deletion(b, e))
        .map(|e| e.range.clone())
        .collect();
    let deleted = |pos: usize| deletions.iter().any(|d| d.contains(&pos));
    let mut order: Vec<usize> = (0..edits.len())
        .filter(|&i| is_line_deletion(b, &edits[i]))
        .collect();
    order.sort_by_key(|&i| edits[i].range.start);
    let mut filled_headers = Vec::new();
    for i in order {
        let r = edits[i].range.clone();
        let Some(first) = code_lines(b, r.clone(), kind).next() else {
            continue;
        };
        let ind = indent(b, first);
        let Some(header) = block_header(b, r.start, ind, kind, &deleted) else {
            continue;
        };
        if filled_headers.contains(&header) {
            continue;
        }
        let hind = indent(b, header);
        // The block: lines after the header, up to the first code line that
        // is not indented past it.
        let mut ls = next_line(b, header);
        let mut alive = false;
        while ls < b.len() {
            if is_code_line(b, ls, kind) {
                if indent(b, ls) <= hind {
                    break;
                }
                if !deleted(ls) {
                    alive = true;
                    break;
                }
            }
            ls = next_line(b, ls);
        }
        if alive {
            continue;
        }
        filled_headers.push(header);
        let eol = if text[..r.end].ends_with("\r\n") {
            "\r\n"
        } else {
            "\n"
        };
        let ws = &text[first..first + ind];
        edits[i].text = format!("{ws}{noop}{eol}");
    }
}

/// Whether deleting `e` would leave a brace-less `if (..)`, `else`, `for`
/// or `while` without its body (JavaScript/TypeScript).
pub fn orphans_a_body(kind: FileKind, text: &str, e: &Edit) -> bool {
    if kind != FileKind::JavaScript || !is_line_deletion(text.as_bytes(), e) {
        return false;
    }
    let b = text.as_bytes();
    let mut ls = e.range.start;
    while ls > 0 {
        ls = line_start(b, ls - 1);
        let line = text[ls..line_end(b, ls)].trim();
        if line.is_empty() || line.starts_with("//") {
            continue;
        }
        let line = line.split("//").next().unwrap_or(line).trim_end();
        return line.ends_with(')') && starts_control(line)
            || line == "else"
            || line.ends_with("} else");
    }
    false
}

fn starts_control(line: &str) -> bool {
    let l = line.trim_start_matches('}').trim_start();
    ["if", "else if", "for", "while"].iter().any(|k| {
        l.strip_prefix(k)
            .is_some_and(|r| r.trim_start().starts_with('('))
    })
}

fn is_line_deletion(b: &[u8], e: &Edit) -> bool {
    e.text.is_empty()
        && !e.range.is_empty()
        && line_start(b, e.range.start) == e.range.start
        && (e.range.end == b.len() || b[e.range.end - 1] == b'\n')
}

fn is_code_line(b: &[u8], ls: usize, kind: FileKind) -> bool {
    let t = String::from_utf8_lossy(&b[ls..line_end(b, ls)]);
    let t = t.trim();
    !t.is_empty() && !(t.starts_with('#') && !(kind == FileKind::Shell && t.starts_with("#!")))
}

/// Starts of the code lines in `r`.
fn code_lines(b: &[u8], r: Range<usize>, kind: FileKind) -> impl Iterator<Item = usize> + '_ {
    let mut ls = r.start;
    std::iter::from_fn(move || {
        while ls < r.end && ls < b.len() {
            let cur = ls;
            ls = next_line(b, ls);
            if is_code_line(b, cur, kind) {
                return Some(cur);
            }
        }
        None
    })
}

/// The line that opens the block holding the line at `at` (indented `ind`):
/// the nearest code line above, not deleted, indented less, if it opens a
/// block (`:` in Python; `then`/`do`/`else` in shell).
fn block_header(
    b: &[u8],
    at: usize,
    ind: usize,
    kind: FileKind,
    deleted: &dyn Fn(usize) -> bool,
) -> Option<usize> {
    let mut ls = at;
    while ls > 0 {
        ls = line_start(b, ls - 1);
        if !is_code_line(b, ls, kind) || deleted(ls) {
            continue;
        }
        if indent(b, ls) >= ind {
            return None;
        }
        let line = String::from_utf8_lossy(&b[ls..line_end(b, ls)]);
        let code = strip_comment(&line);
        let opens = match kind {
            FileKind::Python => code.ends_with(':'),
            _ => {
                let last = code.rsplit([' ', ';', '\t']).next().unwrap_or("");
                matches!(last, "then" | "do" | "else") || code == "else"
            }
        };
        return opens.then_some(ls);
    }
    None
}

/// The line without a trailing `# comment` (outside quotes), trimmed.
fn strip_comment(line: &str) -> &str {
    let mut quote: Option<char> = None;
    for (i, c) in line.char_indices() {
        match (quote, c) {
            (Some(q), c) if c == q => quote = None,
            (None, '"' | '\'') => quote = Some(c),
            (None, '#') => return line[..i].trim(),
            _ => {}
        }
    }
    line.trim()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn del_line(text: &str, needle: &str) -> Edit {
        let b = text.as_bytes();
        let at = text.find(needle).unwrap();
        let ls = line_start(b, at);
        Edit {
            range: ls..next_line(b, at),
            text: String::new(),
        }
    }

    fn apply(text: &str, edits: &[Edit]) -> String {
        let mut out = text.to_string();
        let mut es = edits.to_vec();
        es.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        for e in es {
            out.replace_range(e.range, &e.text);
        }
        out
    }

    #[test]
    fn python_block_left_empty_gets_pass() {
        let src = "h = {}\nif site:\n    h[\"HTTP-Referer\"] = site\nelse:\n    h[\"X-Title\"] = t\nrun(h)\n";
        let mut es = vec![del_line(src, "HTTP-Referer"), del_line(src, "X-Title")];
        fill_emptied(FileKind::Python, src, &mut es);
        assert_eq!(
            apply(src, &es),
            "h = {}\nif site:\n    pass\nelse:\n    pass\nrun(h)\n"
        );
    }

    #[test]
    fn python_block_with_other_statements_is_left_alone() {
        let src = "if site:\n    h[\"X-Title\"] = t\n    log(t)\n";
        let mut es = vec![del_line(src, "X-Title")];
        fill_emptied(FileKind::Python, src, &mut es);
        assert_eq!(apply(src, &es), "if site:\n    log(t)\n");
        let two = "def f(h):\r\n    # attribution\r\n    h[\"A\"] = 1\r\n    h[\"B\"] = 2\r\n";
        let mut es = vec![del_line(two, "h[\"A\"]"), del_line(two, "h[\"B\"]")];
        fill_emptied(FileKind::Python, two, &mut es);
        assert_eq!(
            apply(two, &es),
            "def f(h):\r\n    # attribution\r\n    pass\r\n"
        );
    }

    #[test]
    fn shell_then_block_gets_a_colon() {
        let src = "if [ -n \"$T\" ]; then\n  ARGS+=(-H \"X-Title: $T\")\nfi\n";
        let mut es = vec![del_line(src, "X-Title")];
        fill_emptied(FileKind::Shell, src, &mut es);
        assert_eq!(apply(src, &es), "if [ -n \"$T\" ]; then\n  :\nfi\n");
    }

    #[test]
    fn braceless_bodies_are_detected() {
        let src = "if (site)\n  headers.set(\"X-Title\", t);\nsend();\n";
        assert!(orphans_a_body(
            FileKind::JavaScript,
            src,
            &del_line(src, "X-Title")
        ));
        let ok = "if (site) {\n  headers.set(\"X-Title\", t);\n}\n";
        assert!(!orphans_a_body(
            FileKind::JavaScript,
            ok,
            &del_line(ok, "X-Title")
        ));
        let els = "} else\n  headers.set(\"X-Title\", t);\n";
        assert!(orphans_a_body(
            FileKind::JavaScript,
            els,
            &del_line(els, "X-Title")
        ));
    }
}
