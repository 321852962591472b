//! Jupyter notebooks: JSON whose cells hold Python (or another kernel's
//! language, read as text) and Markdown.

use std::ops::Range;

use super::lexer::{lex, Tok};
use super::{Embedded, FileKind, Language, ParseError, Read, Role};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Notebook,
    title: |_| "a notebook",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["ipynb"],
    fence_tags: &[],
    role: Role::Cells,
    read: Read::Embedded(cells),
    classes: None,
    check,
};

/// Each cell's source is a JSON string or array of strings: unescape it
/// into the cell's text with a map back to the file.
fn cells(text: &str) -> Vec<Embedded> {
    let lx = lex(text, 0..text.len(), super::json::SYNTAX);
    let code_kind = if text.contains("\"language\": \"python\"") || !text.contains("\"language\"") {
        FileKind::Python
    } else {
        FileKind::Text
    };
    let mut out = Vec::new();
    // Cells are the objects that have a `cell_type` key.
    for (gi, _) in lx.groups.iter().enumerate() {
        let mut cell_type = None;
        let mut source_idx = None;
        for (i, t) in lx.tokens.iter().enumerate() {
            if t.group != gi || !t.key {
                continue;
            }
            match &text[t.inner.clone()] {
                "cell_type" => {
                    if let Some(v) = lx.next_sig(i).and_then(|c| lx.next_sig(c)) {
                        cell_type = Some(text[lx.tokens[v].inner.clone()].to_owned());
                    }
                }
                "source" => source_idx = Some(i),
                _ => {}
            }
        }
        let (Some(ct), Some(si)) = (cell_type, source_idx) else {
            continue;
        };
        let kind = match ct.as_str() {
            "code" => code_kind,
            "markdown" => FileKind::Markdown,
            _ => continue,
        };
        // The string tokens of the source value (array or single string).
        let strings: Vec<Range<usize>> = match lx.value_group(si) {
            Some(g) => lx
                .tokens
                .iter()
                .filter(|t| t.group == g && t.tok == Tok::Str)
                .map(|t| t.inner.clone())
                .collect(),
            None => lx
                .next_sig(si)
                .and_then(|c| lx.next_sig(c))
                .filter(|&v| lx.tokens[v].tok == Tok::Str)
                .map(|v| vec![lx.tokens[v].inner.clone()])
                .unwrap_or_default(),
        };
        let mut vtext = String::new();
        let mut map = Vec::new();
        for r in strings {
            unescape_json(text, r, &mut vtext, &mut map);
        }
        map.push(map.last().map(|&m| m + 1).unwrap_or(0));
        out.push(Embedded {
            kind,
            text: vtext,
            map,
        });
    }
    out
}

fn unescape_json(text: &str, r: Range<usize>, out: &mut String, map: &mut Vec<usize>) {
    let s = &text[r.clone()];
    let mut chars = s.char_indices().peekable();
    while let Some((i, c)) = chars.next() {
        let at = r.start + i;
        let ch = if c == '\\' {
            match chars.next() {
                Some((_, 'n')) => '\n',
                Some((_, 't')) => '\t',
                Some((_, 'r')) => '\r',
                Some((_, 'b')) => '\u{8}',
                Some((_, 'f')) => '\u{c}',
                Some((_, 'u')) => {
                    let hex: String = (0..4)
                        .filter_map(|_| chars.next().map(|(_, h)| h))
                        .collect();
                    u32::from_str_radix(&hex, 16)
                        .ok()
                        .and_then(char::from_u32)
                        .unwrap_or('\u{fffd}')
                }
                Some((_, other)) => other,
                None => '\\',
            }
        } else {
            c
        };
        for _ in 0..ch.len_utf8() {
            map.push(at);
        }
        // Plain characters map byte for byte.
        if c != '\\' {
            let n = map.len();
            for (k, m) in map[n - ch.len_utf8()..].iter_mut().enumerate() {
                *m = at + k;
            }
        }
        out.push(ch);
    }
}

/// The notebook is JSON, and every Python code cell parses (IPython magics
/// and shell escapes blanked out first).
pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(ParseError::new)?;
    let cells = v.get("cells").and_then(|c| c.as_array());
    for (n, cell) in cells.into_iter().flatten().enumerate() {
        if cell.get("cell_type").and_then(|t| t.as_str()) != Some("code") {
            continue;
        }
        let src = match cell.get("source") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(a)) => {
                a.iter().filter_map(|l| l.as_str()).collect::<String>()
            }
            _ => continue,
        };
        let code: String = src
            .split_inclusive('\n')
            .map(|l| {
                let t = l.trim_start();
                if t.starts_with(['%', '!']) {
                    let indent = &l[..l.len() - t.len()];
                    let nl = if l.ends_with('\n') { "\n" } else { "" };
                    format!("{indent}pass{nl}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        super::python::check("cell.py", &code)
            .map_err(|e| ParseError::new(format!("code cell {}: {e}", n + 1)))?;
    }
    Ok(())
}
