//! Clients across files: after the parallel walk, ids passed through a name
//! imported from another file (`from .llm import client`, `import { client }
//! from "./llm"`) are decided by where that file's client sends requests.
//! A cheap step over facts the walk already made: only a module an import
//! names and the walk did not keep (it held no trigger) is read, once.

mod tsconfig;

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use super::detect::flow::{apply, Binding, Dest, Use, DEFAULT};
use super::detect::Detector;
use super::{Detected, FileKind};
use crate::source::SourceText;

/// A place in both spellings: as reported (the scanned root joined to the
/// path below it) and on disk.
#[derive(Debug, Clone)]
struct Loc {
    rel: String,
    abs: PathBuf,
}

impl Loc {
    fn dir_of(rel: &str, abs: &Path) -> Option<Loc> {
        let rel = match rel.rfind('/') {
            Some(i) => rel[..i].to_owned(),
            None => String::new(),
        };
        Some(Loc {
            rel,
            abs: abs.parent()?.to_path_buf(),
        })
    }

    fn up(&self) -> Option<Loc> {
        let abs = self.abs.parent()?.to_path_buf();
        let rel = match self.rel.rsplit_once('/') {
            _ if self.rel.is_empty() => "..".to_owned(),
            Some((head, last)) if last != ".." => head.to_owned(),
            None if self.rel != ".." => String::new(),
            _ => format!("{}/..", self.rel),
        };
        Some(Loc { rel, abs })
    }

    /// `join` of a `/`-separated path (`./src/*` targets, specifiers).
    fn join_path(&self, path: &str) -> Option<Loc> {
        self.join(&path.split('/').collect::<Vec<_>>())
    }

    fn join(&self, parts: &[&str]) -> Option<Loc> {
        let mut l = self.clone();
        for p in parts {
            match *p {
                "" | "." => {}
                ".." => l = l.up()?,
                p => {
                    l.abs.push(p);
                    l.rel = if l.rel.is_empty() {
                        p.to_owned()
                    } else {
                        format!("{}/{p}", l.rel)
                    };
                }
            }
        }
        Some(l)
    }
}

/// Module files and the names they bind, read on demand.
struct Modules<'a, 'd> {
    det: &'a Detector<'d>,
    max_filesize: u64,
    kept: HashMap<String, Vec<Binding>>,
    read: HashMap<String, Option<Vec<Binding>>>,
    configs: tsconfig::Configs,
}

impl Modules<'_, '_> {
    /// The module-level bindings of the file at `l`, None when there is no
    /// such file.
    fn bindings(&mut self, l: &Loc) -> Option<&Vec<Binding>> {
        if self.kept.contains_key(&l.rel) {
            return self.kept.get(&l.rel);
        }
        if !self.read.contains_key(&l.rel) {
            let b = self.load(l);
            self.read.insert(l.rel.clone(), b);
        }
        self.read.get(&l.rel).and_then(Option::as_ref)
    }

    fn load(&self, l: &Loc) -> Option<Vec<Binding>> {
        if !l.abs.is_file() {
            return None;
        }
        let mut buf = Vec::new();
        let cap = (self.max_filesize > 0).then_some(self.max_filesize);
        if !matches!(
            super::read_capped(&l.abs, cap, &mut buf),
            Ok(super::Read::Text)
        ) {
            return Some(Vec::new());
        }
        let source = SourceText::decode(buf);
        let kind = FileKind::detect(&l.abs);
        let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
            super::file::detect(self.det, &l.rel, kind, &source)
        }));
        proc_macro2::extra::invalidate_current_thread_spans();
        Some(out.map(|o| o.flow.bindings).unwrap_or_default())
    }

    /// The first of `files` that exists, and its binding of `name`.
    fn find(&mut self, files: &[Loc], name: &str) -> Option<(String, Binding)> {
        for f in files {
            if let Some(bs) = self.bindings(f) {
                let b = bs.iter().find(|b| b.name == name && b.top)?;
                return Some((f.rel.clone(), b.clone()));
            }
        }
        None
    }
}

/// Decide the ids each file passes through imported clients.
pub(super) fn resolve(det: &Detector, results: &mut [Detected], max_filesize: u64) {
    if results.iter().all(|r| r.flow.uses.is_empty()) {
        return;
    }
    let mut mods = Modules {
        det,
        max_filesize,
        kept: results
            .iter()
            .map(|r| (r.file.path.clone(), r.flow.bindings.clone()))
            .collect(),
        read: HashMap::new(),
        configs: tsconfig::Configs::default(),
    };
    // First the functions that send their model through an imported
    // client: bound like it, so calls of them are decided below.
    for r in results.iter_mut() {
        for u in r.flow.uses.iter().filter(|u| u.binds.is_some()) {
            let (Some((_, b)), Some((name, line, start))) =
                (find_use(&mut mods, r, u), u.binds.clone())
            else {
                continue;
            };
            let bound = Binding::module(name, b.dest, line, start);
            mods.kept
                .entry(r.file.path.clone())
                .or_default()
                .push(bound.clone());
            r.flow.bindings.push(bound);
        }
    }
    for r in results.iter_mut() {
        let mut decided: Vec<(usize, Dest, String)> = Vec::new();
        for (k, u) in r.flow.uses.iter().enumerate() {
            if u.binds.is_some() {
                continue;
            }
            if let Some((file, b)) = find_use(&mut mods, r, u) {
                let via = format!("`{}` ({file}:{})", u.chain[0], b.line);
                decided.push((k, b.dest, via));
            }
        }
        for (k, dest, via) in decided {
            let u = &r.flow.uses[k];
            let (findings, gated) = (&mut r.file.findings, &mut r.gated);
            apply(findings, gated, &u.span, dest, u.finding.clone(), &via);
        }
    }
}

/// The binding a use's imported name resolves to, and its file.
fn find_use(mods: &mut Modules, r: &Detected, u: &Use) -> Option<(String, Binding)> {
    let dir = Loc::dir_of(&r.file.path, &r.file.abs)?;
    let (module, orig) = r.flow.imports.get(&u.chain[0])?;
    match r.flow.lang {
        Some(FileKind::Python) => python(mods, &dir, module, orig, u),
        _ => js(mods, &dir, module, orig, u),
    }
}

/// `from M import N` (N a client, or a module holding one), `import a.b`
/// then `a.b.client`: each reading of the chain, in order, as a module
/// path and a name.
fn python(
    mods: &mut Modules,
    dir: &Loc,
    module: &str,
    orig: &str,
    u: &Use,
) -> Option<(String, Binding)> {
    let dots = module.len() - module.trim_start_matches('.').len();
    let parts: Vec<&str> = module[dots..]
        .split('.')
        .filter(|p| !p.is_empty())
        .collect();
    // Module path (below the root) and the bound name.
    let mut readings: Vec<(Vec<&str>, &str)> = Vec::new();
    if orig.is_empty() {
        for k in 1..u.chain.len() {
            let mut m = parts.clone();
            m.extend(u.chain[1..k].iter().map(String::as_str));
            readings.push((m, &u.chain[k]));
        }
    } else {
        readings.push((parts.clone(), orig));
        if let Some(name) = u.chain.get(1) {
            let mut m = parts.clone();
            m.push(orig);
            readings.push((m, name));
        }
    }
    // Relative imports start at the file's package; absolute ones at the
    // nearest directory above the file that holds the module.
    let roots: Vec<Loc> = if dots > 0 {
        let mut d = dir.clone();
        for _ in 1..dots {
            d = d.up()?;
        }
        vec![d]
    } else {
        std::iter::successors(Some(dir.clone()), Loc::up)
            .take(8)
            .collect()
    };
    for (m, name) in readings {
        if m.is_empty() && dots == 0 {
            continue;
        }
        let files: Vec<Loc> = roots
            .iter()
            .flat_map(|r| {
                let base = r.join(&m);
                let file = m.last().and_then(|last| {
                    let up = base.as_ref()?.up()?;
                    up.join(&[&format!("{last}.py")])
                });
                let init = base.and_then(|b| b.join(&["__init__.py"]));
                [file, init]
            })
            .flatten()
            .collect();
        if let Some(hit) = mods.find(&files, name) {
            return Some(hit);
        }
    }
    None
}

/// `import { client } from "./llm"`, `import * as llm from "../llm.js"`,
/// `import { client } from "@/lib/llm"` (a tsconfig/jsconfig path alias).
fn js(
    mods: &mut Modules,
    dir: &Loc,
    module: &str,
    orig: &str,
    u: &Use,
) -> Option<(String, Binding)> {
    // A default import is the module's default export; a CommonJS
    // `const llm = require("./llm")` then `llm.client` may name a member.
    let names: Vec<&str> = match orig {
        "default" => std::iter::once(DEFAULT)
            .chain(u.chain.get(1).map(String::as_str))
            .collect(),
        "" => vec![u.chain.get(1)?.as_str()],
        o => vec![o],
    };
    let bases = if module.starts_with("./") || module.starts_with("../") {
        vec![dir.join_path(module)?]
    } else {
        mods.configs.nearest(dir)?.resolve(module)
    };
    let files: Vec<Loc> = bases.iter().flat_map(module_files).collect();
    names.into_iter().find_map(|n| mods.find(&files, n))
}

/// The files a module path may name: as written, with a source extension
/// (`./llm.js` is `llm.ts` in TypeScript's ESM spelling), or its index.
fn module_files(base: &Loc) -> Vec<Loc> {
    const EXTS: &[&str] = &["ts", "tsx", "js", "jsx", "mjs", "cjs", "mts", "cts"];
    let (Some(parent), Some(stem)) = (base.up(), base.abs.file_name().and_then(|n| n.to_str()))
    else {
        return Vec::new();
    };
    let stem = [".js", ".mjs", ".cjs", ".jsx"]
        .iter()
        .find_map(|e| stem.strip_suffix(e))
        .unwrap_or(stem);
    let mut files = vec![base.clone()];
    for e in EXTS {
        files.extend(parent.join(&[&format!("{stem}.{e}")]));
    }
    for e in EXTS {
        files.extend(base.join(&[&format!("index.{e}")]));
    }
    files
}
