//! YAML: compose files, CI workflows, app config; pnpm-workspace.yaml
//! catalogs. Values of script keys (`run:`, `script:`) are read as shell.

use std::ops::Range;

use super::config::{lines, new_group, value};
use super::lexer::{lex_into, Lexed, Tok};
use super::{FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Yaml,
    title: |_| "YAML",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["yaml", "yml"],
    fence_tags: &["yaml", "yml"],
    role: Role::Config,
    read: Read::Tokens {
        lex: yaml,
        packages: pnpm_catalogs,
        text_pass: false,
    },
    classes: Some(yaml),
    check,
};

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    serde_saphyr::from_multiple::<serde::de::IgnoredAny>(text)
        .map(drop)
        .map_err(ParseError::new)
}

/// Known pub packages among pubspec.yaml's dependency sections.
fn pubspec(m: &Manifest) -> Vec<PackageUse> {
    let (text, lx) = (m.text, m.lexed);
    super::manifest_uses(m, crate::rules::schema::Ecosystem::Pub, |i| {
        let t = &lx.tokens[i];
        let section = lx.label(text, t.group);
        let deps = matches!(
            section,
            Some("dependencies" | "dev_dependencies" | "dependency_overrides")
        );
        (t.key && deps).then(|| (t.inner.clone(), text[t.inner.clone()].to_owned()))
    })
}

/// Catalog entries in pnpm-workspace.yaml (`catalog:` / `catalogs.<name>:`):
/// the entry is renamed and its version set to the new package's, in one
/// edit that keeps the quoting.
fn pnpm_catalogs(m: &Manifest) -> Vec<PackageUse> {
    if m.file_name == "pubspec.yaml" {
        return pubspec(m);
    }
    if m.file_name != "pnpm-workspace.yaml" {
        return Vec::new();
    }
    let (text, lx) = (m.text, m.lexed);
    let mut out = Vec::new();
    for (i, t) in lx.tokens.iter().enumerate() {
        if !t.key || !super::json::in_catalog(lx, text, t.group, None) {
            continue;
        }
        let Some((name, _)) = m
            .known
            .npm
            .iter()
            .find(|(n, _)| *n == text[t.inner.clone()])
        else {
            continue;
        };
        let mut p = PackageUse::new(t.inner.clone(), crate::rules::schema::Ecosystem::Npm, name);
        let value = lx.value_token(text, i).map(|v| v.inner.clone());
        p.catalog = super::CatalogRole::Entry(value);
        out.push(p);
    }
    out
}

/// Find `key:` at `s`: returns (key span, key inner, offset after the colon).
fn yaml_key(text: &str, s: usize, end: usize) -> Option<(Range<usize>, Range<usize>, usize)> {
    let b = text.as_bytes();
    if s >= end {
        return None;
    }
    if b[s] == b'"' || b[s] == b'\'' {
        let q = b[s];
        let close = text[s + 1..end].find(q as char)? + s + 1;
        let mut j = close + 1;
        while j < end && b[j] == b' ' {
            j += 1;
        }
        if j < end && b[j] == b':' && (j + 1 == end || b[j + 1] == b' ' || b[j + 1] == b'\t') {
            return Some((s..close + 1, s + 1..close, j + 1));
        }
        return None;
    }
    if matches!(
        b[s],
        b'#' | b'{' | b'[' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
    ) {
        return None;
    }
    let mut j = s;
    while j < end {
        if b[j] == b':' && (j + 1 == end || b[j + 1] == b' ' || b[j + 1] == b'\t') {
            let mut ke = j;
            while ke > s && b[ke - 1] == b' ' {
                ke -= 1;
            }
            return Some((s..ke, s..ke, j + 1));
        }
        if b[j] == b' ' && j + 1 < end && b[j + 1] == b'#' {
            return None;
        }
        j += 1;
    }
    None
}

pub fn yaml(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    // (indent of the key or dash that opened it, group)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    // Block scalar: lines indented more than this belong to it. Scripts
    // (`run: |` in workflows, `script:` in CI files) are read as shell.
    let mut block: Option<(usize, usize)> = None;
    let mut shell_block: Option<usize> = None;
    let mut skip_until = 0;
    let flow = super::json::SYNTAX;
    for (ls, le) in lines(text) {
        if ls < skip_until {
            continue;
        }
        let line = &text[ls..le];
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        if let Some((bi, g)) = block {
            if content.is_empty() || indent > bi {
                if !content.is_empty() && shell_block.is_none() {
                    lx.push(Tok::Word, ls + indent..le, ls + indent..le, g, false);
                }
                continue;
            }
            if let Some(start) = shell_block.take() {
                lex_into(&mut lx, text, start..ls, super::shell::SYNTAX, g);
            }
            lx.groups[g].span.end = ls;
            block = None;
        }
        if content.is_empty() || content.starts_with("---") || content.starts_with("...") {
            continue;
        }
        if content.starts_with('#') {
            lx.push(Tok::Comment, ls + indent..le, ls + indent..le, 0, false);
            continue;
        }
        while stack.last().is_some_and(|&(i, _)| i >= indent) {
            if let Some((_, g)) = stack.pop() {
                lx.groups[g].span.end = ls;
            }
        }
        let parent = stack.last().map(|&(_, g)| g).unwrap_or(0);
        let (s, group, item_indent) =
            sequence_items(&mut lx, text, ls..le, indent, parent, &mut stack);
        if let Some((kspan, kinner, after)) = yaml_key(text, s, le) {
            lx.push(Tok::Str, kspan.clone(), kinner, group, true);
            let rest = text[after..le].trim_start_matches([' ', '\t']);
            let vstart = le - rest.len();
            let rest_clean = rest.split(" #").next().unwrap_or("").trim();
            let rest_clean = rest_clean.trim_start_matches(['&', '!']).trim();
            if rest.is_empty()
                || rest.starts_with('#')
                || (rest.starts_with('&') && !rest_clean.contains(' '))
            {
                let g = new_group(&mut lx, group, Some(kspan), ls, text.len());
                stack.push((item_indent, g));
                if rest.starts_with('#') {
                    lx.push(Tok::Comment, vstart..le, vstart..le, g, false);
                }
            } else if rest.starts_with('|') || rest.starts_with('>') {
                let is_script = is_script_key(&text[kspan.clone()]);
                let g = new_group(&mut lx, group, Some(kspan), ls, text.len());
                block = Some((item_indent, g));
                if is_script {
                    shell_block = Some((le + 1).min(text.len()));
                }
            } else if is_script_key(&text[kspan.clone()])
                && !rest.starts_with(['[', '{', '"', '\''])
            {
                lex_into(&mut lx, text, vstart..le, super::shell::SYNTAX, group);
            } else {
                let end = value(&mut lx, text, vstart, le, group, true, flow);
                if end > le {
                    skip_until = end;
                }
            }
        } else {
            let end = value(&mut lx, text, s, le, group, true, flow);
            if end > le {
                skip_until = end;
            }
        }
    }
    if let (Some(start), Some((_, g))) = (shell_block, block) {
        lex_into(&mut lx, text, start..text.len(), super::shell::SYNTAX, g);
    }
    lx
}

/// Sequence dashes at the start of line `line` (content at `indent`): each
/// `- ` opens an item group. Returns where the content after them starts,
/// the innermost group and the indentation of that content.
fn sequence_items(
    lx: &mut Lexed,
    text: &str,
    line: Range<usize>,
    indent: usize,
    parent: usize,
    stack: &mut Vec<(usize, usize)>,
) -> (usize, usize, usize) {
    let b = text.as_bytes();
    let (ls, le) = (line.start, line.end);
    let (mut s, mut group, mut item_indent) = (ls + indent, parent, indent);
    while s < le && b[s] == b'-' && (s + 1 == le || b[s + 1] == b' ') {
        let g = new_group(lx, group, None, s, text.len());
        stack.push((item_indent, g));
        group = g;
        s += 1;
        while s < le && b[s] == b' ' {
            s += 1;
        }
        item_indent = s - ls;
    }
    (s, group, item_indent)
}

/// Keys whose values are shell scripts in CI and compose files.
fn is_script_key(key: &str) -> bool {
    matches!(
        key.trim_matches(['"', '\'']),
        "run"
            | "script"
            | "before_script"
            | "after_script"
            | "command"
            | "entrypoint"
            | "cmd"
            | "shell"
    )
}
