//! One file -> findings: read it as its language says (crate::lang), run
//! the detectors over the tokens, and map findings in embedded documents
//! (Markdown fences, notebook cells) back to positions in the original file.

use super::detect::{Detector, FileCtx, Outcome};
use crate::finding::{Finding, Fix};
use crate::lang::lexer::Lexed;
use crate::lang::{CatalogRole, FileKind, Manifest, PackageUse, Read};
use crate::source::{Edit, SourceText};

/// Detect in one file. Secrets are found over the whole file (comments
/// and prose included); everything else through the file kind's reader.
pub fn detect(det: &Detector, path: &str, kind: FileKind, source: &SourceText) -> Outcome {
    if kind == FileKind::Lockfile {
        return Outcome::default();
    }
    let mut cx = FileCtx::new(det, path, kind, source);
    cx.secrets(0..source.text.len());
    body(&mut cx, path, kind);
    cx.finish()
}

fn file_name(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

fn body(cx: &mut FileCtx, path: &str, kind: FileKind) {
    let text = cx.source.text.as_str();
    match kind.language().read {
        Read::Nothing => {}
        Read::Tokens {
            lex,
            packages,
            text_pass,
        } => {
            let lx = lex(text);
            cx.tokens(&lx, text_pass);
            let name = file_name(path).to_ascii_lowercase();
            let uses = packages(&Manifest {
                text,
                file_name: &name,
                lexed: &lx,
                known: cx.det.known_packages(),
            });
            for p in uses {
                package_use(cx, p, &lx, kind);
            }
            if cx.det.direct.is_some() {
                direct(cx, kind, &lx);
            }
            if matches!(kind, FileKind::Python | FileKind::JavaScript) {
                cx.flow(&lx, kind);
            }
        }
        Read::Embedded(documents) => {
            let text = text.to_owned();
            for doc in documents(&text) {
                embedded(cx, path, doc.kind, doc.text, &doc.map);
            }
            if kind == FileKind::Markdown {
                for r in crate::lang::markdown::prose(&text) {
                    cx.prose(r);
                }
            }
        }
    }
}

/// The direct-SDK profile's readers (`--from openai|anthropic|google`).
fn direct(cx: &mut FileCtx, kind: FileKind, lx: &Lexed) {
    match kind {
        FileKind::Python => {
            super::direct::python_from_imports(cx, lx);
            super::direct::clients(cx, lx, FileKind::Python);
            super::direct::module_clients(cx, lx);
        }
        FileKind::JavaScript => super::direct::clients(cx, lx, FileKind::JavaScript),
        _ => {}
    }
}

/// A package reference: a finding, plus the catalog handling of pnpm/bun.
fn package_use(cx: &mut FileCtx, p: PackageUse, lx: &Lexed, kind: FileKind) {
    let before = cx.out.findings.len();
    cx.package(p.range.clone(), p.ecosystem, &p.name);
    if cx.out.findings.len() != before + 1 {
        return;
    }
    let kept = cx
        .out
        .findings
        .last()
        .filter(|f| f.fix == crate::finding::Fix::Manual);
    if let Some(module) = kept.map(|f| f.matched.clone()) {
        cx.kept_entry_points(lx, kind, &module);
    }
    let text = cx.source.text.as_str();
    let version = cx
        .det
        .target
        .sdk_packages
        .iter()
        .find(|s| s.ecosystem == p.ecosystem && s.from == p.name)
        .and_then(|s| s.version.clone());
    let f = cx.out.findings.last_mut().expect("just pushed");
    match p.catalog {
        CatalogRole::No | CatalogRole::Entry(None) => {}
        CatalogRole::Reference => f.message.push_str(CATALOG_NOTE),
        CatalogRole::Entry(Some(value)) => {
            let (Some(version), Some(e)) = (version, f.edit.as_mut()) else {
                return;
            };
            e.text = format!("{}{}{version}", e.text, &text[p.range.end..value.start]);
            e.range = p.range.start..value.end;
            f.message
                .push_str(&format!("; catalog entry version -> {version}"));
        }
    }
}

/// pnpm and bun resolve `"pkg": "catalog:"` / `"catalog:name"` by looking
/// `pkg` up in the catalog, so the reference stays and the entry is
/// renamed where it lives.
const CATALOG_NOTE: &str = "; the catalog: reference stays, and the catalog entry \
     (root package.json workspaces.catalog(s) or pnpm-workspace.yaml) is renamed with it";

/// Detect in an embedded document (`vtext`) whose byte `i` sits at
/// `map[i]` in the file, and add its findings to the file's.
fn embedded(cx: &mut FileCtx, path: &str, kind: FileKind, vtext: String, map: &[usize]) {
    let vsrc = SourceText::decode(vtext.into_bytes());
    // The document's own kind decides its roles (a bash fence sends
    // requests, a Python cell has program identifiers).
    let mut sub = FileCtx::new(cx.det, path, kind, &vsrc);
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
