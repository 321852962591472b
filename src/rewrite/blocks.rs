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

/// Whether deleting `e`, together with the other deletions in `all`, would
/// leave the `{ }` block around it without a statement, in a brace
/// language: an empty `if` body fails lints (ESLint's `no-empty`), and a
/// binding made only for the removed statement (`if let Ok(v) = ..` in
/// Rust, `if v, ok := ..; ok` in Go) goes unused, a warning in Rust and a
/// compile error in Go. Such a removal is left to a person.
pub fn empties_a_brace_block(kind: FileKind, text: &str, e: &Edit, all: &[Edit]) -> bool {
    use FileKind as K;
    let braces = matches!(
        kind,
        K::JavaScript
            | K::Rust
            | K::Go
            | K::Php
            | K::Dart
            | K::Swift
            | K::Java
            | K::Kotlin
            | K::CSharp
    );
    let b = text.as_bytes();
    if !braces || !is_line_deletion(b, e) {
        return false;
    }
    let deleted = |ls: usize| {
        all.iter()
            .any(|d| is_line_deletion(b, d) && d.range.contains(&ls))
    };
    // The nearest line above and below that is code and stays.
    let code = |ls: usize| {
        let t = text[ls..line_end(b, ls)].trim();
        !(t.is_empty()
            || t.starts_with("//")
            || t.starts_with("/*")
            || t.starts_with('*')
            || deleted(ls))
    };
    let mut above = None;
    let mut ls = e.range.start;
    while ls > 0 {
        ls = line_start(b, ls - 1);
        if code(ls) {
            above = Some(ls);
            break;
        }
    }
    let mut below = None;
    let mut ls = e.range.end;
    while ls < b.len() {
        if code(ls) {
            below = Some(ls);
            break;
        }
        ls = next_line(b, ls);
    }
    let (Some(above), Some(below)) = (above, below) else {
        return false;
    };
    let before = text[above..line_end(b, above)]
        .split("//")
        .next()
        .unwrap_or("");
    before.trim_end().ends_with('{') && text[below..].trim_start().starts_with('}')
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

    fn deletion(text: &str, line: &str) -> Edit {
        let start = text.find(line).unwrap();
        Edit {
            range: start..start + line.len(),
            text: String::new(),
        }
    }

    #[test]
    fn a_removal_that_empties_a_brace_block_is_refused() {
        let rs = "fn f(h: &mut H, t: &str) {\n    if let Ok(v) = V::from_str(t) {\n        // attribution\n        h.insert(\"x-title\", v);\n    }\n    h.insert(\"a\", b);\n}\n";
        let e = deletion(rs, "        h.insert(\"x-title\", v);\n");
        assert!(empties_a_brace_block(
            FileKind::Rust,
            rs,
            &e,
            std::slice::from_ref(&e)
        ));
        // The block keeps another statement: fine.
        let rs2 = rs.replace("// attribution", "log(t);");
        let e2 = deletion(&rs2, "        h.insert(\"x-title\", v);\n");
        assert!(!empties_a_brace_block(
            FileKind::Rust,
            &rs2,
            &e2,
            std::slice::from_ref(&e2)
        ));
        // Two removals that together empty the block.
        let go = "if t != \"\" {\n\treq.Header.Set(\"X-Title\", t)\n\treq.Header.Set(\"HTTP-Referer\", u)\n}\n";
        let a = deletion(go, "\treq.Header.Set(\"X-Title\", t)\n");
        let b = deletion(go, "\treq.Header.Set(\"HTTP-Referer\", u)\n");
        assert!(!empties_a_brace_block(
            FileKind::Go,
            go,
            &a,
            std::slice::from_ref(&a)
        ));
        assert!(empties_a_brace_block(
            FileKind::Go,
            go,
            &a,
            &[a.clone(), b.clone()]
        ));
        // A statement in a function body with others around it, and
        // languages without braces, are left to the other rules.
        let js = "const h = {};\nh[\"X-Title\"] = \"app\";\nsend(h);\n";
        let e = deletion(js, "h[\"X-Title\"] = \"app\";\n");
        assert!(!empties_a_brace_block(
            FileKind::JavaScript,
            js,
            &e,
            std::slice::from_ref(&e)
        ));
        let py = "if t:\n    h[\"X-Title\"] = t\n";
        let e = deletion(py, "    h[\"X-Title\"] = t\n");
        assert!(!empties_a_brace_block(
            FileKind::Python,
            py,
            &e,
            std::slice::from_ref(&e)
        ));
    }
}
