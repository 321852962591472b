//! Markdown (and MDX, Quarto, R Markdown): the fenced code blocks are read
//! as the language their tag names; prose yields only secrets.

use std::ops::Range;

use super::config::lines;
use super::{Embedded, FileKind, Language, ParseError, Read, Role};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Markdown,
    title: |_| "Markdown",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["md", "markdown", "mdx", "qmd", "rmd"],
    fence_tags: &[],
    role: Role::Other,
    read: Read::Embedded(code_blocks),
    classes: None,
    check,
};

/// Each fence as a document of its own, read as the language its tag
/// names; a tag no language claims (`http`, `mermaid`, ```` ```{ ````) gets
/// the careful text pass, so a URL in it is still found.
fn code_blocks(text: &str) -> Vec<Embedded> {
    fences(text)
        .into_iter()
        .map(|f| {
            let base = f.body.start;
            Embedded {
                kind: f.kind().unwrap_or(FileKind::Text),
                text: text[f.body.clone()].to_owned(),
                map: (0..=f.body.len()).map(|i| base + i).collect(),
            }
        })
        .collect()
}

impl Fence {
    /// The language its tag names, if the tool knows it.
    pub fn kind(&self) -> Option<FileKind> {
        FileKind::from_fence(&self.lang)
    }
}

/// The fences stay the same in number, and no fence of a language the tool
/// parses breaks.
pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    let all = fences(text);
    let mut bad = 0;
    let mut first = None;
    for f in &all {
        let kind = f.kind().unwrap_or(FileKind::Text);
        if matches!(kind, FileKind::Text | FileKind::Markdown) {
            continue;
        }
        // A fence tagged `ts`/`tsx`/`js` reads well enough as TSX.
        let path = if kind == FileKind::JavaScript {
            "fence.tsx"
        } else {
            "fence"
        };
        if let Err(e) = (kind.language().check)(path, &text[f.body.clone()]) {
            bad += 1;
            let line = text[..f.body.start].lines().count() + 1;
            first.get_or_insert(format!("code block at line {line}: {e}"));
        }
    }
    match first {
        Some(e) => Err(ParseError::new(format!(
            "{e} ({bad} broken code block(s) of {})",
            all.len()
        ))),
        None => Ok(()),
    }
}

/// A fenced code block in Markdown.
/// The prose of a Markdown file: everything outside code blocks and their
/// fence lines.
pub fn prose(text: &str) -> Vec<Range<usize>> {
    let mut out = Vec::new();
    let mut at = 0;
    for f in fences(text) {
        // The fence line ends where the body starts, after its newline
        // (none when the fence is the text's last line).
        let head = &text[..f.body.start];
        let open_line = head
            .strip_suffix('\n')
            .unwrap_or(head)
            .rfind('\n')
            .map_or(0, |i| i + 1);
        let close_end = text[f.body.end..]
            .find('\n')
            .map_or(text.len(), |i| f.body.end + i);
        if open_line > at {
            out.push(at..open_line);
        }
        at = close_end.max(at);
    }
    if at < text.len() {
        out.push(at..text.len());
    }
    out
}

#[derive(Debug, Clone)]
pub struct Fence {
    pub lang: String,
    pub body: Range<usize>,
}

/// Split Markdown into fenced code blocks; everything else is prose.
pub fn fences(text: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    let mut open: Option<(String, String, usize)> = None; // (marker, lang, body start)
    for (ls, le) in lines(text) {
        let line = &text[ls..le];
        let t = line.trim_start();
        if line.len() - t.len() > 3 {
            continue;
        }
        let marker: String = t.chars().take_while(|&c| c == '`' || c == '~').collect();
        match &open {
            None if marker.len() >= 3
                && marker.chars().all(|c| c == marker.chars().next().unwrap()) =>
            {
                let lang = t[marker.len()..]
                    .trim()
                    .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let body = (le + 1).min(text.len());
                open = Some((marker, lang, body));
            }
            Some((m, _, _))
                if t.starts_with(m.as_str())
                    && t.trim_end().chars().all(|c| c == m.chars().next().unwrap()) =>
            {
                let (_, lang, body) = open.take().unwrap();
                out.push(Fence {
                    lang,
                    body: body..ls,
                });
            }
            _ => {}
        }
    }
    if let Some((_, lang, body)) = open {
        out.push(Fence {
            lang,
            body: body..text.len(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn prose_is_everything_outside_code_blocks() {
        let text = "intro\n```py\ncode\n```\nmiddle\n~~~\nmore\n~~~\nend";
        let parts: Vec<&str> = prose(text).into_iter().map(|r| &text[r]).collect();
        assert_eq!(parts, vec!["intro\n", "\nmiddle\n", "\nend"]);
    }

    /// An unclosed fence on the last line, its tag ending in a multi-byte
    /// character (found by tests/robust_scan.rs): no slicing inside it.
    #[test]
    fn a_fence_on_the_last_line_with_a_non_ascii_tag() {
        for text in ["~~~é", "x\n```é", "x\n```é\n", "intro\n~~~ü\ncode"] {
            for r in prose(text) {
                assert!(text.get(r.clone()).is_some(), "{text:?} {r:?}");
            }
        }
        assert_eq!(prose("intro\n~~~é"), vec![0..6]);
    }
}
