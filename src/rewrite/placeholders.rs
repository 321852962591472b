//! Words beside a renamed key variable that name the old gateway's key:
//! `LLM_GATEWAY_API_KEY=your_openrouter_api_key`, a docs table row
//! "| `LLM_GATEWAY_API_KEY` | OpenRouter API key |", `# OpenRouter API key`
//! above the line in an env file, `LLM_GATEWAY_API_KEY=sk-or-...`. Left as they were, they tell the reader to
//! put an OpenRouter key in the new gateway's variable, which then sends it
//! to the new gateway. They follow the variable, on its line only.

use std::ops::Range;
use std::sync::OnceLock;

use regex::Regex;

use crate::lang::FileKind;
use crate::rules::TargetTable;
use crate::source::{Edit, SourceText};

/// The rule of the edits made here (the checklist leaves them out).
pub const RULE: &str = "rewrite:placeholder";

/// `your_openrouter_...` / `your-openrouter-...` placeholders, the phrase
/// "OpenRouter (API) key", and a key elided after OpenRouter's prefix
/// (`sk-or-...`, `sk-or-v1-xxxx`, `sk-or-v1-<your key>`, `sk-or-v1-your-key-here`).
fn patterns() -> &'static (Regex, Regex, Regex) {
    static P: OnceLock<(Regex, Regex, Regex)> = OnceLock::new();
    P.get_or_init(|| {
        (
            Regex::new(r"(?i)\byour([_-])(open[_-]?router)(?:[_-]|\b)")
                .expect("placeholder pattern"),
            Regex::new(r"(?i)\b(open ?router)( api)? key").expect("phrase pattern"),
            Regex::new(
                r"\b(sk-or-(?:v1-)?)(?:\.\.\.|\x{2026}|[xX]{3,}|<[^>\n]*>|(?i:your)[-_][A-Za-z0-9_-]*)",
            )
                .expect("elided key pattern"),
        )
    })
}

/// Edits that make the words on the line of each renamed key variable
/// (`renamed`: ranges of edits that rename a key variable to the target's)
/// name the target's key, skipping text other edits touch (`taken`).
pub fn follow(
    kind: FileKind,
    src: &SourceText,
    renamed: &[Range<usize>],
    taken: &[Range<usize>],
    target: &TargetTable,
) -> Vec<Edit> {
    // A notebook's text is its JSON; its cells are rewritten elsewhere.
    if kind == FileKind::Notebook || renamed.is_empty() {
        return Vec::new();
    }
    let slug = target
        .key_env
        .strip_suffix("_API_KEY")
        .or_else(|| target.key_env.strip_suffix("_KEY"))
        .unwrap_or(&target.key_env);
    let mut lines: Vec<usize> = Vec::new();
    for r in renamed {
        let line = src.line_col(r.start).0;
        lines.push(line);
        // `# OpenRouter API key` right above `OPENROUTER_API_KEY=` describes it.
        let above = src.line_text(line.saturating_sub(1)).trim_start();
        if kind == FileKind::Env && line > 1 && above.starts_with('#') {
            lines.push(line - 1);
        }
        // `- id: openrouter_api_key` with `label: "OpenRouter API key"` in
        // the same YAML item: the label describes what goes in the variable.
        if kind == FileKind::Yaml {
            lines.extend(yaml_item(src, line));
        }
    }
    lines.sort_unstable();
    lines.dedup();
    let (placeholder, phrase, elided) = patterns();
    let mut out: Vec<Edit> = Vec::new();
    for line in lines {
        let start = src.line_start(line);
        let text = src.line_text(line);
        let mut found: Vec<Edit> = Vec::new();
        for c in placeholder.captures_iter(text) {
            let Some((sep, word)) = c.get(1).zip(c.get(2)) else {
                continue;
            };
            let upper = !word.as_str().bytes().any(|b| b.is_ascii_lowercase());
            let new = slug.replace('_', sep.as_str());
            let new = if upper {
                new.to_ascii_uppercase()
            } else {
                new.to_ascii_lowercase()
            };
            found.push(Edit {
                range: start + word.start()..start + word.end(),
                text: new,
            });
        }
        if let Some(prefix) = target.key_prefix.as_deref().filter(|p| !p.is_empty()) {
            for c in elided.captures_iter(text) {
                if let Some(old) = c.get(1) {
                    found.push(Edit {
                        range: start + old.start()..start + old.end(),
                        text: prefix.to_owned(),
                    });
                }
            }
        }
        for c in phrase.captures_iter(text) {
            if let Some(word) = c.get(1) {
                found.push(Edit {
                    range: start + word.start()..start + word.end(),
                    text: target.name.clone(),
                });
            }
        }
        for e in found {
            let overlaps = |t: &Range<usize>| t.start < e.range.end && e.range.start < t.end;
            if !taken.iter().any(overlaps) && !out.iter().any(|o| overlaps(&o.range)) {
                out.push(e);
            }
        }
    }
    out
}

/// The other lines of the YAML mapping (or list item) holding line `line`:
/// its sibling keys and their nested values, up to a blank line or a line
/// indented less. Bounded, since only a small entry describes one value.
fn yaml_item(src: &SourceText, line: usize) -> Vec<usize> {
    const SPAN: usize = 12;
    let indent = |t: &str| t.len() - t.trim_start_matches(' ').len();
    let text = src.line_text(line);
    let item = text.trim_start().starts_with("- ");
    // The column of this entry's keys (after the dash of a list item).
    let keys = indent(text) + if item { 2 } else { 0 };
    let mut out = Vec::new();
    if !item {
        for l in (line.saturating_sub(SPAN).max(1)..line).rev() {
            let t = src.line_text(l);
            if t.trim().is_empty() || indent(t) < keys.saturating_sub(2) {
                break;
            }
            let dash = t.trim_start().starts_with("- ");
            if indent(t) < keys && !(dash && indent(t) + 2 == keys) {
                break;
            }
            out.push(l);
            if dash && indent(t) + 2 == keys {
                break;
            }
        }
    }
    for l in line + 1..=(line + SPAN).min(src.line_count()) {
        let t = src.line_text(l);
        if t.trim().is_empty() || indent(t) < keys {
            break;
        }
        out.push(l);
    }
    out
}
