//! One file -> findings: choose the reader for the file kind, run the
//! detectors, and map findings in embedded documents (Markdown fences,
//! notebook cells) back to positions in the original file.

use std::ops::Range;
use std::str::FromStr;

use super::detect::{Detector, FileCtx, Outcome};
use super::kind::FileKind;
use super::lex::{lex, mark_keys, Group, Lexed, Syntax, Tok};
use super::lex_config;
use crate::finding::{Finding, Fix};
use crate::rules::schema::Ecosystem;
use crate::source::{Edit, SourceText};

/// Detect in one file. Secrets are found over the whole file (comments
/// and prose included); everything else through the file kind's reader.
pub fn detect(det: &Detector, path: &str, kind: FileKind, source: &SourceText) -> Outcome {
    if kind == FileKind::Lockfile {
        return Outcome::default();
    }
    let mut cx = FileCtx::new(det, path, source);
    cx.secrets(0..source.text.len());
    body(&mut cx, path, kind);
    cx.finish()
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn body(cx: &mut FileCtx, path: &str, kind: FileKind) {
    let text = cx.source.text.as_str();
    let all = 0..text.len();
    match kind {
        FileKind::Python => {
            let lx = lex(text, all, Syntax::python());
            cx.tokens(&lx, false);
            python_imports(cx, &lx);
            if cx.det.direct.is_some() {
                super::direct::python_from_imports(cx, &lx);
                super::direct::clients(cx, &lx, super::direct::Lang::Python);
                super::direct::module_clients(cx, &lx);
            }
        }
        FileKind::JavaScript => {
            let lx = lex(text, all, Syntax::javascript());
            cx.tokens(&lx, false);
            js_imports(cx, &lx);
            if cx.det.direct.is_some() {
                super::direct::clients(cx, &lx, super::direct::Lang::Js);
            }
        }
        FileKind::Go => {
            let lx = lex(text, all, Syntax::go());
            cx.tokens(&lx, false);
            go_imports(cx, &lx);
        }
        FileKind::Rust => {
            let lx = rust_tokens(text).unwrap_or_else(|| lex(text, all, Syntax::rust()));
            cx.tokens(&lx, false);
            rust_uses(cx, &lx);
        }
        FileKind::Shell => cx.tokens(&lex(text, all, Syntax::shell()), false),
        FileKind::PowerShell => cx.tokens(&lex(text, all, Syntax::powershell()), false),
        FileKind::Env | FileKind::Ini => cx.tokens(&lex_config::env_ini(text), false),
        FileKind::Yaml => {
            let lx = lex_config::yaml(text);
            cx.tokens(&lx, false);
            if file_name(path) == "pnpm-workspace.yaml" {
                pnpm_catalogs(cx, &lx);
            }
        }
        FileKind::Toml => {
            let lx = lex_config::toml(text);
            cx.tokens(&lx, false);
            toml_deps(cx, &lx);
        }
        FileKind::Json => {
            let lx = lex(text, all, Syntax::json());
            cx.tokens(&lx, false);
            if file_name(path).eq_ignore_ascii_case("package.json") {
                package_json(cx, &lx);
            }
        }
        FileKind::Dockerfile => cx.tokens(&lex_config::dockerfile(text), false),
        FileKind::Requirements => requirements(cx),
        FileKind::Markdown => markdown(cx, path),
        FileKind::Notebook => notebook(cx, path),
        FileKind::Lockfile => {}
        FileKind::Text => {
            if file_name(path) == "go.mod" || file_name(path) == "go.work" {
                go_mod(cx);
            }
            let syn = Syntax {
                single_quote_strings: true,
                shell: true,
                ..Syntax::default()
            };
            cx.tokens(&lex(text, all, syn), true);
        }
    }
}

/// Rust through proc-macro2/syn: exact string literals (raw strings
/// included) and groups; `None` when the file does not parse, so the caller
/// falls back to the lexer.
fn rust_tokens(text: &str) -> Option<Lexed> {
    // Lex once; syn parses those tokens (a shebang line makes it fail,
    // and the lexer fallback reads such a script just as well).
    let ts = proc_macro2::TokenStream::from_str(text).ok()?;
    syn::parse2::<syn::File>(ts.clone()).ok()?;
    let mut lx = Lexed::with_len(text.len());
    walk_rust(&mut lx, text, ts, 0);
    // Spans are kept per thread until invalidated; free them per file.
    proc_macro2::extra::invalidate_current_thread_spans();
    mark_keys(&mut lx, text, Syntax::rust());
    Some(lx)
}

fn walk_rust(lx: &mut Lexed, text: &str, ts: proc_macro2::TokenStream, group: usize) {
    use proc_macro2::{Delimiter, TokenTree};
    for tt in ts {
        let r = tt.span().byte_range();
        if r.end > text.len() || !text.is_char_boundary(r.start) || !text.is_char_boundary(r.end) {
            continue;
        }
        match tt {
            TokenTree::Group(g) => {
                let kind = match g.delimiter() {
                    Delimiter::Brace => b'{',
                    Delimiter::Parenthesis => b'(',
                    Delimiter::Bracket => b'[',
                    Delimiter::None => b'(',
                };
                let label = lx
                    .tokens
                    .iter()
                    .rev()
                    .take(3)
                    .find(|t| t.group == group && matches!(t.tok, Tok::Ident | Tok::Str))
                    .filter(|t| t.span.end + 3 >= r.start)
                    .map(|t| t.span.clone());
                lx.groups.push(Group {
                    kind,
                    parent: group,
                    label,
                    span: r.clone(),
                });
                let gid = lx.groups.len() - 1;
                walk_rust(lx, text, g.stream(), gid);
            }
            TokenTree::Ident(_) => lx.push(Tok::Ident, r.clone(), r, group, false),
            TokenTree::Punct(_) => lx.push(Tok::Punct, r.clone(), r, group, false),
            TokenTree::Literal(_) => {
                let s = &text[r.clone()];
                // Doc comments arrive as `#[doc = "..."]` spanning the comment.
                if s.starts_with("//") || s.starts_with("/*") {
                    lx.push(Tok::Comment, r.clone(), r, group, false);
                    continue;
                }
                let body = s.trim_start_matches('b').trim_start_matches('c');
                let hashes = body
                    .strip_prefix('r')
                    .map(|b| b.len() - b.trim_start_matches('#').len());
                let pre = s.len() - body.len();
                let inner = match hashes {
                    Some(h) if body.len() > 2 + 2 * h => r.start + pre + 2 + h..r.end - 1 - h,
                    None if body.starts_with('"') && body.len() >= 2 => {
                        r.start + pre + 1..r.end - 1
                    }
                    _ => {
                        lx.push(Tok::Punct, r.clone(), r, group, false);
                        continue;
                    }
                };
                lx.push(Tok::Str, r, inner, group, false);
            }
        }
    }
}

fn norm_pkg(s: &str) -> String {
    s.to_ascii_lowercase().replace(['_', '.'], "-")
}

fn python_imports(cx: &mut FileCtx, lx: &Lexed) {
    let text = cx.source.text.as_str();
    let mods: Vec<(String, String)> = cx.det_pypi().to_vec();
    for i in 0..lx.tokens.len() {
        let t = &lx.tokens[i];
        if t.tok != Tok::Ident || !matches!(&text[t.span.clone()], "import" | "from") {
            continue;
        }
        // The dotted module path that follows.
        let mut j = i + 1;
        let start = match lx.tokens.get(j) {
            Some(n) if n.tok == Tok::Ident => n.span.start,
            _ => continue,
        };
        let mut end = start;
        while let Some(n) = lx.tokens.get(j) {
            let s = &text[n.span.clone()];
            if n.tok == Tok::Ident || (n.tok == Tok::Punct && s == "." && n.span.start == end) {
                if n.tok == Tok::Ident && n.span.start != end && end != start {
                    break;
                }
                end = n.span.end;
                j += 1;
            } else {
                break;
            }
        }
        let module = &text[start..end];
        for (name, import) in &mods {
            if module == import || module.starts_with(&format!("{import}.")) {
                cx.package(start..start + import.len(), Ecosystem::Pypi, name);
            }
        }
    }
}

fn js_imports(cx: &mut FileCtx, lx: &Lexed) {
    let text = cx.source.text.as_str();
    let pkgs: Vec<(String, String)> = cx.det_npm().to_vec();
    for t in &lx.tokens {
        if t.tok != Tok::Str || t.key {
            continue;
        }
        let s = &text[t.inner.clone()];
        for (name, _) in &pkgs {
            if s == name || s.starts_with(&format!("{name}/")) {
                cx.package(
                    t.inner.start..t.inner.start + name.len(),
                    Ecosystem::Npm,
                    name,
                );
            }
        }
    }
}

fn go_imports(cx: &mut FileCtx, lx: &Lexed) {
    let text = cx.source.text.as_str();
    let mods: Vec<String> = cx.det_gomods().to_vec();
    for t in &lx.tokens {
        if t.tok != Tok::Str {
            continue;
        }
        let s = &text[t.inner.clone()];
        for m in &mods {
            if s == m || s.starts_with(&format!("{m}/")) {
                cx.package(t.inner.start..t.inner.start + m.len(), Ecosystem::Go, m);
            }
        }
    }
}

fn go_mod(cx: &mut FileCtx) {
    let text = cx.source.text.clone();
    let mods: Vec<String> = cx.det_gomods().to_vec();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let code = line.split("//").next().unwrap_or("");
        for m in &mods {
            if let Some(p) = code.find(m.as_str()) {
                let after = code[p + m.len()..].chars().next();
                if after.is_none_or(|c| c.is_whitespace() || c == '/') {
                    cx.package(off + p..off + p + m.len(), Ecosystem::Go, m);
                }
            }
        }
        off += line.len();
    }
}

fn rust_uses(cx: &mut FileCtx, lx: &Lexed) {
    let text = cx.source.text.as_str();
    let crates: Vec<(String, String)> = cx.det_crates().to_vec();
    for i in 0..lx.tokens.len() {
        let t = &lx.tokens[i];
        if t.tok != Tok::Ident {
            continue;
        }
        let s = &text[t.span.clone()];
        for (name, import) in &crates {
            if s != import {
                continue;
            }
            let prev = lx.prev_sig(i).map(|p| &text[lx.tokens[p].span.clone()]);
            let next = lx.next_sig(i).map(|n| &text[lx.tokens[n].span.clone()]);
            if matches!(prev, Some("use") | Some("crate")) || next == Some(":") {
                cx.package(t.span.clone(), Ecosystem::Crates, name);
            }
        }
    }
}

const DEP_TABLES: &[&str] = &["dependencies", "dev-dependencies", "build-dependencies"];

fn toml_deps(cx: &mut FileCtx, lx: &Lexed) {
    let text = cx.source.text.as_str();
    let crates: Vec<(String, String)> = cx.det_crates().to_vec();
    let pypi: Vec<(String, String)> = cx.det_pypi().to_vec();
    let is_dep_table = |label: &str| {
        let last = label.rsplit('.').next().unwrap_or(label);
        DEP_TABLES.contains(&last)
            || label.ends_with("optional-dependencies")
            || label.contains("dependency-groups")
    };
    for (i, t) in lx.tokens.iter().enumerate() {
        let s = text[t.inner.clone()].trim();
        if t.key {
            let Some(label) = lx.label(text, t.group) else {
                continue;
            };
            if !is_dep_table(label) && !label.contains("dependencies") {
                continue;
            }
            for (name, _) in crates.iter().chain(&pypi) {
                if norm_pkg(s) == norm_pkg(name) {
                    let eco = if crates.iter().any(|c| &c.0 == name) {
                        Ecosystem::Crates
                    } else {
                        Ecosystem::Pypi
                    };
                    cx.package(t.inner.clone(), eco, name);
                }
            }
        } else if t.tok == Tok::Str && t.group == 0 && s.contains('.') {
            // `[dependencies.openrouter-rs]`
            let (table, last) = s.rsplit_once('.').unwrap_or(("", s));
            if DEP_TABLES.contains(&table.rsplit('.').next().unwrap_or(table)) {
                for (name, _) in &crates {
                    if last == name {
                        let start = t.inner.start + s.len() - last.len();
                        cx.package(start..t.inner.end, Ecosystem::Crates, name);
                    }
                }
            }
        } else if t.tok == Tok::Str {
            // PEP 621 / PEP 735: "openrouter>=0.1" inside a dependencies array.
            let in_deps = lx.ancestors(t.group).take(3).any(|g| {
                lx.label(text, g)
                    .is_some_and(|l| l.contains("dependencies") || l.contains("requires"))
            });
            if !in_deps {
                continue;
            }
            let name_len = s
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
                .unwrap_or(s.len());
            for (name, _) in &pypi {
                if norm_pkg(&s[..name_len]) == norm_pkg(name) {
                    let _ = i;
                    cx.package(
                        t.inner.start..t.inner.start + name_len,
                        Ecosystem::Pypi,
                        name,
                    );
                }
            }
        }
    }
}

fn package_json(cx: &mut FileCtx, lx: &Lexed) {
    let text = cx.source.text.as_str();
    let npm: Vec<(String, String)> = cx.det_npm().to_vec();
    for t in &lx.tokens {
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
        for (name, _) in &npm {
            if s == name {
                cx.package(t.inner.clone(), Ecosystem::Npm, name);
                if value_after(lx, text, t).is_some_and(|v| v.starts_with("catalog:")) {
                    // The version lives in the catalog, under the same name.
                    if let Some(f) = cx.out.findings.last_mut() {
                        f.message.push_str(CATALOG_NOTE);
                    }
                }
            }
        }
    }
}

/// pnpm and bun resolve `"pkg": "catalog:"` / `"catalog:name"` by looking
/// `pkg` up in the catalog, so the reference stays and the entry is
/// renamed where it lives.
const CATALOG_NOTE: &str = "; the catalog: reference stays, and the catalog entry \
     (root package.json workspaces.catalog(s) or pnpm-workspace.yaml) is renamed with it";

/// Whether group `g` holds catalog entries: `catalog: {..}` or
/// `catalogs: {name: {..}}`, inside a group labelled `outer` (bun's
/// `workspaces` in package.json) or at the top level (pnpm-workspace.yaml).
fn in_catalog(lx: &Lexed, text: &str, g: usize, outer: Option<&str>) -> bool {
    let parent = lx.groups[g].parent;
    let holder = match lx.label(text, g) {
        Some("catalog") => parent,
        _ if g != 0 && lx.label(text, parent) == Some("catalogs") => lx.groups[parent].parent,
        _ => return false,
    };
    lx.label(text, holder) == outer
}

/// The text of the string or word right after key `t` (its value).
fn value_after<'t>(lx: &Lexed, text: &'t str, t: &super::lex::Token) -> Option<&'t str> {
    let i = lx.tokens.iter().position(|x| x.span == t.span)?;
    let v = value_token(lx, text, i)?;
    Some(&text[v.inner.clone()])
}

/// The string or word token that is key `i`'s value (past a `:` or `=`).
fn value_token<'l>(lx: &'l Lexed, text: &str, i: usize) -> Option<&'l super::lex::Token> {
    let mut j = lx.next_sig(i)?;
    if lx.tokens[j].tok == Tok::Punct && matches!(&text[lx.tokens[j].span.clone()], ":" | "=") {
        j = lx.next_sig(j)?;
    }
    let (t, v) = (&lx.tokens[i], &lx.tokens[j]);
    (matches!(v.tok, Tok::Str | Tok::Word) && !v.key && v.group == t.group).then_some(v)
}

/// Catalog entries in pnpm-workspace.yaml (`catalog:` / `catalogs.<name>:`):
/// the entry is renamed and its version set to the new package's, in one
/// edit that keeps the quoting.
fn pnpm_catalogs(cx: &mut FileCtx, lx: &Lexed) {
    let text = cx.source.text.as_str();
    let npm: Vec<(String, String)> = cx.det_npm().to_vec();
    for (i, t) in lx.tokens.iter().enumerate() {
        if !t.key || !in_catalog(lx, text, t.group, None) {
            continue;
        }
        let Some((name, _)) = npm.iter().find(|(n, _)| *n == text[t.inner.clone()]) else {
            continue;
        };
        let before = cx.out.findings.len();
        cx.package(t.inner.clone(), Ecosystem::Npm, name);
        let version = cx
            .det
            .target
            .sdk_packages
            .iter()
            .find(|p| p.ecosystem == Ecosystem::Npm && p.from == *name)
            .and_then(|p| p.version.clone());
        let value = value_token(lx, text, i);
        let (Some(version), Some(v)) = (version, value) else {
            continue;
        };
        if cx.out.findings.len() == before + 1 {
            let f = cx.out.findings.last_mut().expect("just pushed");
            if let Some(e) = f.edit.as_mut() {
                e.text = format!("{}{}{version}", e.text, &text[t.inner.end..v.inner.start]);
                e.range = t.inner.start..v.inner.end;
                f.message
                    .push_str(&format!("; catalog entry version -> {version}"));
            }
        }
    }
}

fn requirements(cx: &mut FileCtx) {
    let text = cx.source.text.clone();
    let pypi: Vec<(String, String)> = cx.det_pypi().to_vec();
    let mut off = 0;
    for line in text.split_inclusive('\n') {
        let lead = line.len() - line.trim_start().len();
        let t = line.trim_start();
        let n = t
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(t.len());
        if n > 0 && !t.starts_with('#') && !t.starts_with('-') {
            for (name, _) in &pypi {
                if norm_pkg(&t[..n]) == norm_pkg(name) {
                    cx.package(off + lead..off + lead + n, Ecosystem::Pypi, name);
                }
            }
        }
        off += line.len();
    }
}

/// The file kind a Markdown fence's info string names.
fn fence_kind(lang: &str) -> Option<FileKind> {
    Some(match lang {
        "python" | "py" | "python3" | "ipython" | "pycon" => FileKind::Python,
        "js" | "javascript" | "ts" | "typescript" | "jsx" | "tsx" | "mjs" | "node" => {
            FileKind::JavaScript
        }
        "bash" | "sh" | "shell" | "zsh" | "console" | "shell-session" | "curl" => FileKind::Shell,
        "powershell" | "ps1" | "pwsh" | "ps" => FileKind::PowerShell,
        "json" | "jsonc" | "json5" => FileKind::Json,
        "yaml" | "yml" => FileKind::Yaml,
        "toml" => FileKind::Toml,
        "env" | "dotenv" | "ini" | "properties" => FileKind::Env,
        "dockerfile" | "docker" => FileKind::Dockerfile,
        "rust" | "rs" => FileKind::Rust,
        "go" | "golang" => FileKind::Go,
        "" | "text" | "txt" | "plaintext" => FileKind::Text,
        _ => return None,
    })
}

fn markdown(cx: &mut FileCtx, path: &str) {
    let text = cx.source.text.clone();
    for f in lex_config::markdown_fences(&text) {
        let Some(kind) = fence_kind(&f.lang) else {
            continue;
        };
        let sub = text[f.body.clone()].to_owned();
        let base = f.body.start;
        let map: Vec<usize> = (0..=sub.len()).map(|i| base + i).collect();
        embedded(cx, path, kind, sub, &map);
    }
}

/// Detect in an embedded document (`vtext`) whose byte `i` sits at
/// `map[i]` in the file, and add its findings to the file's.
fn embedded(cx: &mut FileCtx, path: &str, kind: FileKind, vtext: String, map: &[usize]) {
    let vsrc = SourceText::decode(vtext.into_bytes());
    let mut sub = FileCtx::new(cx.det, path, &vsrc);
    body(&mut sub, path, kind);
    let out = sub.finish();
    let orig = cx.source;
    let remap = |mut f: Finding| -> Finding {
        let span_before = f.span.clone();
        let s = map[f.span.start.min(map.len() - 1)];
        let e_last = map[f.span.end.saturating_sub(1).min(map.len() - 1)];
        let e = e_last
            + vsrc.text[f.span.clone()]
                .chars()
                .last()
                .map(char::len_utf8)
                .unwrap_or(0);
        let contiguous = e - s == f.span.len();
        f.span = s..e;
        (f.line, f.column) = orig.line_col(s);
        (f.end_line, f.end_column) = orig.line_col(e);
        if let Some(ed) = f.edit.take() {
            // Direct profiles insert arguments next to the match rather than
            // replace it: map the edit's own range. In a notebook the cell is a
            // JSON string, so text that JSON escapes cannot go in as is.
            let own_range = ed.range != span_before;
            let json_host = path.ends_with(".ipynb")
                && ed
                    .text
                    .contains(|c: char| c == '"' || c == '\\' || c.is_control());
            if own_range && !json_host {
                let rs = map[ed.range.start.min(map.len() - 1)];
                let re = if ed.range.is_empty() {
                    rs
                } else {
                    map[(ed.range.end - 1).min(map.len() - 1)]
                        + vsrc.text[ed.range.clone()]
                            .chars()
                            .last()
                            .map(char::len_utf8)
                            .unwrap_or(0)
                };
                if re - rs == ed.range.len() {
                    f.edit = Some(Edit {
                        range: rs..re,
                        text: ed.text,
                    });
                } else {
                    f.fix = Fix::Manual;
                    f.message.push_str(" (escaped text: edit by hand)");
                }
            } else if json_host {
                f.fix = Fix::Manual;
                f.message
                    .push_str(" (inside a notebook cell: edit the cell by hand)");
            } else if contiguous {
                f.edit = Some(Edit {
                    range: s..e,
                    text: ed.text,
                });
            } else {
                // Escapes inside the match: a text edit would be wrong.
                f.fix = Fix::Manual;
                f.message.push_str(" (escaped text: edit by hand)");
            }
        }
        f
    };
    cx.merge(
        out.findings.into_iter().map(remap).collect(),
        out.gated.into_iter().map(remap).collect(),
        out.has_marker,
    );
}

/// Jupyter notebooks: each cell's source is a JSON string or array of
/// strings; unescape it into the cell's text with a map back to the file.
fn notebook(cx: &mut FileCtx, path: &str) {
    let text = cx.source.text.clone();
    let lx = lex(&text, 0..text.len(), Syntax::json());
    let lang_kind = if text.contains("\"language\": \"python\"") || !text.contains("\"language\"") {
        FileKind::Python
    } else {
        FileKind::Text
    };
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
            "code" => lang_kind,
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
            unescape_json(&text, r, &mut vtext, &mut map);
        }
        map.push(map.last().map(|&m| m + 1).unwrap_or(0));
        embedded(cx, path, kind, vtext, &map);
    }
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
