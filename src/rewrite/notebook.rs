//! Attribution headers in Jupyter notebooks: a code cell's source is a JSON
//! array of line strings. The cell's code is decoded, the header removal is
//! planned on it as Python, and only the affected line strings are
//! re-encoded (removed lines drop their array element).

use std::collections::BTreeMap;
use std::ops::Range;

use super::headers::{removals, Removal};
use super::lex::Classes;
use crate::scan::FileKind;
use crate::source::Edit;

pub fn header_removals(text: &str, spans: &[Range<usize>]) -> (Vec<Removal>, Vec<(usize, String)>) {
    let lx = Classes::with(text, crate::lang::javascript::tokens);
    let mut manual = Vec::new();
    let mut arrays: BTreeMap<usize, Vec<usize>> = BTreeMap::new();
    for (i, sp) in spans.iter().enumerate() {
        let open = lx
            .string_at(sp.start)
            .and_then(|s| lx.enclosing_open(s.start))
            .filter(|&o| text.as_bytes()[o] == b'[');
        match open {
            Some(o) => arrays.entry(o).or_default().push(i),
            None => manual.push((i, "header is not in a cell's source lines".into())),
        }
    }
    let mut groups = Vec::new();
    for (open, members) in arrays {
        match cell(&lx, open, spans, &members) {
            Ok(edits) => groups.push(Removal {
                members: members.clone(),
                edits,
            }),
            Err(why) => manual.extend(members.iter().map(|&m| (m, why.to_string()))),
        }
    }
    (groups, manual)
}

/// Why the headers of a cell are left to a person (the manual item's why).
#[derive(Debug, thiserror::Error)]
enum CellError {
    #[error("unbalanced notebook JSON")]
    Unbalanced,
    #[error("source outside a cell")]
    OutsideCell,
    #[error("header in a non-code cell")]
    NotCode,
    #[error("a cell source line is not a JSON string")]
    NotAString,
    #[error("header outside the source lines")]
    OutsideLines,
    #[error("header inside an escape")]
    InEscape,
    #[error("header edits touch neighbouring lines of a cell")]
    Neighbours,
    /// The removal planned on the decoded code failed.
    #[error("{0}")]
    Removal(String),
}

fn decode(raw: &str) -> Option<String> {
    serde_json::from_str::<String>(raw).ok()
}

fn cell(
    lx: &Classes,
    open: usize,
    spans: &[Range<usize>],
    members: &[usize],
) -> Result<Vec<Edit>, CellError> {
    let src = CellSource::read(lx, open)?;
    let vspans = src.header_spans(spans, members)?;
    let (groups, failed) = removals(FileKind::Python, &src.code, &vspans);
    if let Some((_, why)) = failed.into_iter().next() {
        return Err(CellError::Removal(why));
    }
    let mut vedits: Vec<Edit> = groups.into_iter().flat_map(|g| g.edits).collect();
    vedits.sort_by_key(|e| e.range.start);
    src.encode(src.runs(vedits))
}

/// A code cell's `source` array: the JSON strings and the code they decode to.
struct CellSource<'a> {
    text: &'a str,
    /// Each line string's range in the notebook, quotes included.
    items: Vec<Range<usize>>,
    /// The decoded lines, and where each starts in `code` (plus its end).
    lines: Vec<String>,
    vstart: Vec<usize>,
    code: String,
}

/// Consecutive affected lines (first, last) and the edits in them.
type Run = (usize, usize, Vec<Edit>);

impl<'a> CellSource<'a> {
    /// The array opening at `open`, when it is the source of a code cell.
    fn read(lx: &Classes<'a>, open: usize) -> Result<CellSource<'a>, CellError> {
        let text = lx.text;
        let close = lx.matching_close(open).ok_or(CellError::Unbalanced)?;
        // Only code cells: the cell object around the source array says so.
        let obj = lx.enclosing_open(open).ok_or(CellError::OutsideCell)?;
        let obj_end = lx.matching_close(obj).ok_or(CellError::Unbalanced)?;
        let cell_text = &text[obj..obj_end];
        if !cell_text.contains("\"cell_type\": \"code\"")
            && !cell_text.contains("\"cell_type\":\"code\"")
        {
            return Err(CellError::NotCode);
        }
        let (pieces, _) = lx.split(open + 1..close, b",");
        let items: Vec<Range<usize>> = pieces
            .into_iter()
            .map(|p| lx.trim(p))
            .filter(|p| !p.is_empty())
            .collect();
        let mut lines = Vec::new();
        let mut vstart = Vec::new();
        let mut code = String::new();
        for it in &items {
            let l = decode(&text[it.clone()]).ok_or(CellError::NotAString)?;
            vstart.push(code.len());
            code.push_str(&l);
            lines.push(l);
        }
        vstart.push(code.len());
        Ok(CellSource {
            text,
            items,
            lines,
            vstart,
            code,
        })
    }

    /// Header name positions in the decoded code.
    fn header_spans(
        &self,
        spans: &[Range<usize>],
        members: &[usize],
    ) -> Result<Vec<Range<usize>>, CellError> {
        let (text, items, vstart) = (self.text, &self.items, &self.vstart);
        let mut vspans = Vec::new();
        for &m in members {
            let sp = &spans[m];
            let k = items
                .iter()
                .position(|r| r.contains(&sp.start))
                .ok_or(CellError::OutsideLines)?;
            let prefix = decode(&format!("{}\"", &text[items[k].start..sp.start]))
                .ok_or(CellError::InEscape)?;
            let name = &text[sp.clone()];
            vspans.push(vstart[k] + prefix.len() - 1..vstart[k] + prefix.len() - 1 + name.len());
        }
        Ok(vspans)
    }

    /// Runs of affected lines, each rewritten as a whole.
    fn runs(&self, vedits: Vec<Edit>) -> Vec<Run> {
        let line_of = |off: usize| {
            self.vstart[..self.lines.len()]
                .iter()
                .rposition(|&s| s <= off)
                .unwrap_or(0)
        };
        let mut runs: Vec<Run> = Vec::new();
        for e in vedits {
            let la = line_of(e.range.start);
            let lb = line_of(e.range.end.saturating_sub(1).max(e.range.start));
            match runs.last_mut() {
                Some(r) if la <= r.1 => {
                    r.1 = r.1.max(lb);
                    r.2.push(e);
                }
                _ => runs.push((la, lb, vec![e])),
            }
        }
        runs
    }

    /// Each run re-encoded as line strings, replacing its array elements.
    fn encode(&self, runs: Vec<Run>) -> Result<Vec<Edit>, CellError> {
        let (text, items, lines, vstart) = (self.text, &self.items, &self.lines, &self.vstart);
        let sep = if items.len() >= 2 {
            text[items[0].end..items[1].start].to_owned()
        } else {
            ",\n    ".to_owned()
        };
        let mut out = Vec::new();
        let starts: Vec<usize> = runs.iter().map(|r| r.0).collect();
        for (ri, (la, mut lb, edits)) in runs.into_iter().enumerate() {
            let base = vstart[la];
            let mut seg = self.code[base..vstart[lb + 1]].to_owned();
            for e in edits.iter().rev() {
                seg.replace_range(e.range.start - base..e.range.end - base, &e.text);
            }
            // Keep one line per element: a cut line joins the next one.
            if !seg.is_empty() && !seg.ends_with('\n') && lb + 1 < lines.len() {
                if starts.get(ri + 1) == Some(&(lb + 1)) {
                    return Err(CellError::Neighbours);
                }
                lb += 1;
                seg.push_str(&lines[lb]);
            }
            let new_lines: Vec<String> = seg
                .split_inclusive('\n')
                .map(|l| serde_json::to_string(l).unwrap_or_default())
                .collect();
            let range = if !new_lines.is_empty() {
                items[la].start..items[lb].end
            } else if lb + 1 < items.len() {
                items[la].start..items[lb + 1].start
            } else if la > 0 {
                items[la - 1].end..items[lb].end
            } else {
                items[la].start..items[lb].end
            };
            out.push(Edit {
                range,
                text: new_lines.join(&sep),
            });
        }
        Ok(out)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn removes_header_lines_and_inline_entries_in_a_code_cell() {
        let nb = r#"{"cells": [{"cell_type": "code", "metadata": {}, "source": [
    "client = OpenAI(\n",
    "    base_url=URL,\n",
    "    default_headers={\"HTTP-Referer\": \"https://x\", \"X-Title\": \"t\", \"A\": b},\n",
    ")"
   ]}]}"#;
        let spans: Vec<Range<usize>> = ["HTTP-Referer", "X-Title"]
            .iter()
            .map(|n| {
                let s = nb.find(n).unwrap();
                s..s + n.len()
            })
            .collect();
        let (groups, manual) = header_removals(nb, &spans);
        assert!(manual.is_empty(), "{manual:?}");
        let edits: Vec<Edit> = groups.into_iter().flat_map(|g| g.edits).collect();
        let s = crate::source::SourceText::decode(nb.as_bytes().to_vec());
        let out = String::from_utf8(s.apply(&edits).unwrap()).unwrap();
        let v: serde_json::Value = serde_json::from_str(&out).unwrap();
        let src: String = v["cells"][0]["source"]
            .as_array()
            .unwrap()
            .iter()
            .map(|l| l.as_str().unwrap())
            .collect();
        assert_eq!(
            src,
            "client = OpenAI(\n    base_url=URL,\n    default_headers={\"A\": b},\n)"
        );
        // Untouched lines keep their exact bytes.
        assert!(out.contains("    \"    base_url=URL,\\n\",\n"));
    }

    #[test]
    fn emptied_headers_argument_goes_with_its_lines() {
        let nb = "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\n    \"c = OpenAI(\\n\",\n    \"    default_headers={\\\"X-Title\\\": \\\"t\\\"},\\n\",\n    \")\"\n   ]}]}";
        let s0 = nb.find("X-Title").unwrap();
        let spans: Vec<Range<usize>> = std::iter::once(s0..s0 + 7).collect();
        let (groups, manual) = header_removals(nb, &spans);
        assert!(manual.is_empty(), "{manual:?}");
        let edits: Vec<Edit> = groups.into_iter().flat_map(|g| g.edits).collect();
        let s = crate::source::SourceText::decode(nb.as_bytes().to_vec());
        let out = String::from_utf8(s.apply(&edits).unwrap()).unwrap();
        assert_eq!(
            out,
            "{\"cells\": [{\"cell_type\": \"code\", \"source\": [\n    \"c = OpenAI()\"\n   ]}]}"
        );
    }
}
