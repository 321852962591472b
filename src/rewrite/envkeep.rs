//! `--keep-old-env`: in env files, add the target's variable next to the
//! OpenRouter one instead of renaming it, so both work during rollout.
//! A key is never copied: the new variable is left empty with a comment.

use regex::Regex;

use crate::finding::Finding;
use crate::rules::TargetTable;
use crate::source::{Edit, SourceText};

pub enum EnvKeep {
    /// Insert this line after the old one.
    Insert(Edit),
    /// The new variable is already there.
    Done,
    Manual(String),
}

fn is_secret_name(name: &str) -> bool {
    let n = name.to_ascii_uppercase();
    ["KEY", "TOKEN", "SECRET", "PASSWORD"]
        .iter()
        .any(|w| n.contains(w))
}

pub fn insert(src: &SourceText, f: &Finding, all: &[Finding], target: &TargetTable) -> EnvKeep {
    let Some(rename) = &f.edit else {
        return EnvKeep::Manual("no new name for this variable".into());
    };
    let new_name = rename.text.trim();
    let (line_no, _) = src.line_col(f.span.start);
    let line = src.line_text(line_no);
    let Ok(re) = Regex::new(r"^(\s*(?:export\s+)?)([A-Za-z_][A-Za-z0-9_.]*)(\s*=\s*)(.*)$") else {
        return EnvKeep::Manual("internal error".into());
    };
    let Some(c) = re.captures(line) else {
        return EnvKeep::Manual("not a NAME=value line".into());
    };
    let (prefix, old_name, eq, value) = (&c[1], &c[2], &c[3], &c[4]);
    if !old_name.contains(src.text[f.span.clone()].trim()) {
        return EnvKeep::Manual("the variable name is not at the start of its line".into());
    }
    let defined = Regex::new(&format!(
        r"(?m)^\s*(?:export\s+)?{}\s*=",
        regex::escape(new_name)
    ))
    .is_ok_and(|r| r.is_match(&src.text));
    if defined {
        return EnvKeep::Done;
    }
    let nl = src.line_ending();
    let ls = src.line_start(line_no);
    let value_at = ls + c.get(4).map_or(0, |m| m.start());
    let secret_value = all.iter().any(|o| {
        o.kind == crate::finding::Kind::Secret
            && o.span.start >= value_at
            && o.span.start < ls + line.len()
    });
    let new_line = if is_secret_name(old_name) || is_secret_name(new_name) || secret_value {
        format!(
            "# {new_name}: your {} key (a new one: never reuse the old provider's key){nl}{prefix}{new_name}{eq}{nl}",
            target.name
        )
    } else {
        // Copy the value with the other automatic edits on it applied
        // (an OpenRouter base URL becomes the target's).
        let mut v = value.to_string();
        let mut inner: Vec<&Edit> = all
            .iter()
            .filter_map(|o| o.edit.as_ref())
            .filter(|e| e.range.start >= value_at && e.range.end <= ls + line.len())
            .collect();
        inner.sort_by_key(|e| std::cmp::Reverse(e.range.start));
        for e in inner {
            v.replace_range(e.range.start - value_at..e.range.end - value_at, &e.text);
        }
        format!("{prefix}{new_name}{eq}{v}{nl}")
    };
    let line_end = ls + line.len();
    let at = match src.text[line_end..].find('\n') {
        Some(p) => line_end + p + 1,
        None => src.text.len(),
    };
    let text = if at == src.text.len() && !src.text.ends_with('\n') {
        format!("{nl}{}", new_line.trim_end_matches(['\r', '\n']))
    } else {
        new_line
    };
    EnvKeep::Insert(Edit {
        range: at..at,
        text,
    })
}
