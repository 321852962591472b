//! Output people read: each finding with its source line and the match
//! underlined (annotate-snippets, as rustc and ruff print them). Findings of
//! one file with the same kind and message are one report listing every
//! place, so a file that uses one slug forty times reads as one item.
//!
//! Printed lines are redacted with every key shape the tool knows: a
//! line holding a base URL may also hold a provider key that is not itself
//! a finding.

use std::ops::Range;

use annotate_snippets::{AnnotationKind, Group, Level, Renderer, Snippet};

use crate::finding::{Finding, Fix, Kind};
use crate::redact::Redactor;
use crate::rules::Rules;
use crate::scan::FileResult;
use crate::source::SourceText;

/// Every key shape the tool knows (the shared [`Redactor`]).
pub struct Keys(Redactor);

impl Keys {
    pub fn new(rules: &Rules) -> Keys {
        Keys(Redactor::for_rules(rules))
    }

    /// `line` with every key redacted, and a map from byte offsets in
    /// `line` to offsets in the result.
    fn redact(&self, line: &str) -> (String, OffsetMap) {
        let mut spans = self.0.keys_in(line);
        spans.sort_by_key(|(r, _)| r.start);
        let mut out = String::with_capacity(line.len());
        let mut map = Vec::new();
        let mut at = 0;
        for (r, text) in spans {
            out.push_str(&line[at..r.start]);
            let start = out.len();
            out.push_str(&text);
            map.push((r.clone(), start..out.len()));
            at = r.end;
        }
        out.push_str(&line[at..]);
        (out, OffsetMap(map))
    }
}

/// Redacted ranges: (original, replacement) in line order.
struct OffsetMap(Vec<(Range<usize>, Range<usize>)>);

impl OffsetMap {
    fn map(&self, off: usize) -> usize {
        let mut delta: isize = 0;
        for (orig, new) in &self.0 {
            if off <= orig.start {
                break;
            }
            if off < orig.end {
                // Inside a redacted key: the whole replacement is covered.
                return new.end;
            }
            delta = new.end as isize - orig.end as isize;
        }
        (off as isize + delta) as usize
    }
}

fn level(kind: Kind) -> Level<'static> {
    match kind.info().level {
        crate::finding::Level::Error => Level::ERROR,
        crate::finding::Level::Warning => Level::WARNING,
    }
}

fn label(f: &Finding) -> String {
    let fix = match f.fix {
        Fix::Auto => "auto",
        Fix::Manual => "manual",
        Fix::None => "none",
    };
    match &f.replacement {
        Some(r) if *r != f.matched => format!("{fix} -> {r}"),
        _ => fix.to_owned(),
    }
}

/// One printed line: its redacted text and the underlines on it.
struct Line {
    number: usize,
    text: String,
    marks: Vec<(Range<usize>, String)>,
}

/// The lines of `findings` in `source`, each finding underlined on its
/// first line (to the end of that line when it spans several).
fn lines(source: &SourceText, findings: &[&Finding], keys: &Keys) -> Vec<Line> {
    let mut out: Vec<Line> = Vec::new();
    for f in findings {
        let start = source.line_start(f.line);
        let raw = source.line_text(f.line);
        let (text, map) = keys.redact(raw);
        let from = f.span.start.saturating_sub(start).min(raw.len());
        let to = f.span.end.saturating_sub(start).clamp(from, raw.len());
        let mark = (map.map(from)..map.map(to).max(map.map(from)), label(f));
        match out.iter_mut().find(|l| l.number == f.line) {
            Some(l) => l.marks.push(mark),
            None => out.push(Line {
                number: f.line,
                text,
                marks: vec![mark],
            }),
        }
    }
    out
}

/// The reports of one file, in the order of the first finding of each group.
pub fn file_reports(file: &FileResult, keys: &Keys, renderer: &Renderer) -> String {
    let mut groups: Vec<(Kind, &str, Vec<&Finding>)> = Vec::new();
    for f in &file.findings {
        match groups
            .iter_mut()
            .find(|(k, m, _)| *k == f.kind && *m == f.message)
        {
            Some(g) => g.2.push(f),
            None => groups.push((f.kind, &f.message, vec![f])),
        }
    }
    let mut out = String::new();
    for (kind, message, findings) in groups {
        let lines = lines(&file.source, &findings, keys);
        let title = if findings.len() > 1 {
            format!("{message} ({} places)", findings.len())
        } else {
            message.to_owned()
        };
        let snippets = lines.iter().map(|l| {
            Snippet::source(l.text.as_str())
                .line_start(l.number)
                .path(file.path.as_str())
                .annotations(
                    l.marks
                        .iter()
                        .map(|(r, label)| AnnotationKind::Primary.span(r.clone()).label(label)),
                )
        });
        let group: Group = level(kind)
            .primary_title(title)
            .id(kind.as_str())
            .elements(snippets);
        out.push_str(&renderer.render(&[group]));
        out.push_str("\n\n");
    }
    out
}

/// The line of a rewrite manual item with `what` underlined at `column`
/// (1-based characters), as plain text; None when the line no longer holds
/// `what` there (e.g. a note about a lockfile).
pub fn code_at(
    source: &SourceText,
    line: usize,
    column: usize,
    what: &str,
    keys: &Keys,
) -> Option<String> {
    let raw = source.line_text(line);
    let from = raw
        .char_indices()
        .nth(column.checked_sub(1)?)
        .map(|(i, _)| i)?;
    // A secret's `what` is already redacted: compare after redacting.
    let (text, map) = keys.redact(raw);
    let start = map.map(from);
    if what.is_empty() || !text[start..].starts_with(what) {
        return None;
    }
    let snippet = Snippet::source(text.as_str())
        .line_start(line)
        .annotation(AnnotationKind::Primary.span(start..start + what.len()));
    let group = Group::with_level(Level::NOTE).element(snippet);
    Some(Renderer::plain().render(&[group]))
}

/// Plain text, or ANSI styles when colors are on.
pub fn renderer(color: bool) -> Renderer {
    if color {
        Renderer::styled()
    } else {
        Renderer::plain()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn keys() -> Keys {
        Keys(Redactor::builtin())
    }

    #[test]
    fn keys_are_redacted_and_offsets_follow() {
        let key = format!("sk-or-v1-{}", "ab12".repeat(16));
        let line = format!("KEY = \"{key}\"; URL = \"https://openrouter.ai\"");
        let (text, map) = keys().redact(&line);
        assert_eq!(
            text,
            "KEY = \"sk-or-v1-...ab12\"; URL = \"https://openrouter.ai\""
        );
        assert!(!text.contains(&key[9..40]));
        // Before the key: unchanged; inside it: the whole redaction; after
        // it: shifted by what the redaction removed.
        assert_eq!(map.map(3), 3);
        assert_eq!(map.map(7), 7);
        assert_eq!(map.map(20), 7 + "sk-or-v1-...ab12".len());
        let url = line.find("https").unwrap();
        assert_eq!(&text[map.map(url)..map.map(url) + 5], "https");
    }
}
