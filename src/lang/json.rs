//! JSON (and JSONC/JSON5): config files, package.json manifests.

use super::lexer::{lex, Lexed, Syntax};
use super::{CatalogRole, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

pub const SYNTAX: Syntax = Syntax {
    slash_comments: true,
    block_comments: true,
    single_quote_strings: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Json,
    title: |_| "JSON",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["json", "jsonc", "json5"],
    fence_tags: &["json", "jsonc", "json5"],
    role: Role::Config,
    read: Read::Tokens {
        lex: tokens,
        packages: package_json,
        text_pass: false,
    },
    // JSON's strings and comments are JavaScript's.
    classes: Some(super::javascript::tokens),
    check,
};

pub fn tokens(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    serde_json::from_str::<serde_json::Value>(text)
        .map(drop)
        .map_err(ParseError::new)
}

/// Known npm packages among package.json's `*dependencies` keys and bun's
/// `workspaces.catalog(s)` entries.
fn package_json(m: &Manifest) -> Vec<PackageUse> {
    if m.file_name == "composer.json" {
        return composer_json(m);
    }
    if m.file_name != "package.json" {
        return Vec::new();
    }
    let (text, lx) = (m.text, m.lexed);
    let mut out = Vec::new();
    for (i, t) in lx.tokens.iter().enumerate() {
        if !t.key {
            continue;
        }
        let Some(label) = lx.label(text, t.group) else {
            continue;
        };
        let catalog = in_catalog(lx, text, t.group, Some("workspaces"));
        if !catalog && !label.to_ascii_lowercase().ends_with("dependencies") {
            continue;
        }
        let s = &text[t.inner.clone()];
        for (name, _) in m.known.npm {
            if s == name {
                let mut p = PackageUse::new(t.inner.clone(), Ecosystem::Npm, name);
                let value = lx.value_token(text, i).map(|v| &text[v.inner.clone()]);
                if value.is_some_and(|v| v.starts_with("catalog:")) {
                    p.catalog = CatalogRole::Reference;
                }
                out.push(p);
            }
        }
    }
    out
}

/// Known Composer packages among composer.json's `require` / `require-dev`
/// keys.
fn composer_json(m: &Manifest) -> Vec<PackageUse> {
    let (text, lx) = (m.text, m.lexed);
    super::manifest_uses(m, Ecosystem::Packagist, |i| {
        let t = &lx.tokens[i];
        let section = lx.label(text, t.group);
        (t.key && matches!(section, Some("require" | "require-dev")))
            .then(|| (t.inner.clone(), text[t.inner.clone()].to_owned()))
    })
}

/// Whether group `g` holds catalog entries: `catalog: {..}` or
/// `catalogs: {name: {..}}`, inside a group labelled `outer` (bun's
/// `workspaces` in package.json) or at the top level (pnpm-workspace.yaml).
pub(super) fn in_catalog(lx: &Lexed, text: &str, g: usize, outer: Option<&str>) -> bool {
    let parent = lx.groups[g].parent;
    let holder = match lx.label(text, g) {
        Some("catalog") => parent,
        _ if g != 0 && lx.label(text, parent) == Some("catalogs") => lx.groups[parent].parent,
        _ => return false,
    };
    lx.label(text, holder) == outer
}
