//! What a file imports from where (Python and JS), for telling the SDK's
//! clients from other classes of the same name.

use std::collections::HashMap;
use std::ops::Range;

use crate::lang::lexer::{Lexed, Tok};
use crate::lang::FileKind;
use crate::rules::schema::Ecosystem;
use crate::scan::detect::FileCtx;

/// Local name -> (module, imported name). Imported name is empty for a
/// module import (`import openai`, `import * as x`) and `default` for a JS
/// default import.
pub(in crate::scan) fn imports(
    lx: &Lexed,
    text: &str,
    lang: FileKind,
) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    if lang == FileKind::Python {
        python_imports(lx, text, &mut out);
        return out;
    }
    for (k, t) in lx.tokens.iter().enumerate() {
        if t.tok == Tok::Ident && &text[t.span.clone()] == "import" {
            js_import(lx, text, k, &mut out);
        }
        if t.tok == Tok::Str && lx.label(text, t.group) == Some("require") {
            js_require(lx, text, t, &mut out);
        }
    }
    out
}

type Imports = HashMap<String, (String, String)>;

/// `import a.b [as c]`, `from a.b import c [as d], (e, f)`.
fn python_imports(lx: &Lexed, text: &str, out: &mut Imports) {
    let toks = &lx.tokens;
    let s = |k: usize| &text[toks[k].span.clone()];
    // Whether token `j` is on the line of token `k` (k <= j): only the text
    // between them is looked at (counting lines from the top of the file
    // for every token made big files quadratic).
    let same_line =
        |k: usize, j: usize| !text[toks[k].span.start..toks[j].span.start].contains('\n');
    let mut k = 0;
    while k < toks.len() {
        let t = &toks[k];
        if t.tok != Tok::Ident || !matches!(s(k), "from" | "import") {
            k += 1;
            continue;
        }
        let is_from = s(k) == "from";
        let base_group = t.group;
        // Dotted module path.
        let mut module = String::new();
        let mut j = k + 1;
        while j < toks.len()
            && (toks[j].tok == Tok::Ident && s(j) != "import" || s(j) == ".")
            && same_line(k, j)
        {
            if toks[j].tok == Tok::Ident && !module.is_empty() && !module.ends_with('.') {
                break;
            }
            module.push_str(s(j));
            j += 1;
        }
        if is_from {
            if j >= toks.len() || s(j) != "import" {
                k = j.max(k + 1);
                continue;
            }
            j += 1;
            let mut last: Option<String> = None;
            while j < toks.len() && (same_line(k, j) || toks[j].group != base_group) {
                let w = s(j);
                if toks[j].tok == Tok::Ident && w != "as" {
                    let prev_as = j > 0 && s(j - 1) == "as";
                    match (prev_as, &last) {
                        (true, Some(orig)) => {
                            out.remove(orig);
                            out.insert(w.to_owned(), (module.clone(), orig.clone()));
                        }
                        _ => {
                            out.insert(w.to_owned(), (module.clone(), w.to_owned()));
                            last = Some(w.to_owned());
                        }
                    }
                }
                j += 1;
            }
        } else if !module.is_empty() {
            let local = if j + 1 < toks.len() && s(j) == "as" && same_line(k, j) {
                s(j + 1).to_owned()
            } else {
                module.split('.').next().unwrap_or(&module).to_owned()
            };
            let m = if local == module.split('.').next().unwrap_or("") {
                local.clone()
            } else {
                module.clone()
            };
            out.insert(local, (m, String::new()));
        }
        k = j.max(k + 1);
    }
}

/// `import X from "m"`, `import { A as B } from "m"`, `import * as ns from "m"`.
fn js_import(lx: &Lexed, text: &str, k: usize, out: &mut Imports) {
    let toks = &lx.tokens;
    let s = |k: usize| &text[toks[k].span.clone()];
    let mut names: Vec<(String, String)> = Vec::new();
    let mut j = k + 1;
    while j < toks.len() && j < k + 64 {
        let tj = &toks[j];
        if tj.tok == Tok::Str {
            let module = text[tj.inner.clone()].to_owned();
            for (local, orig) in names.drain(..) {
                out.insert(local, (module.clone(), orig));
            }
            break;
        }
        if tj.tok == Tok::Punct && s(j) == ";" {
            break;
        }
        if tj.tok == Tok::Ident && !matches!(s(j), "from" | "as" | "type") {
            let named = lx.groups[tj.group].kind == b'{';
            let prev_as = s(j - 1) == "as";
            let star = j >= 2 && s(j - 2) == "*";
            if prev_as {
                if let Some(last) = names.last_mut() {
                    last.0 = s(j).to_owned();
                    if star {
                        last.1 = String::new();
                    }
                } else {
                    names.push((s(j).to_owned(), String::new()));
                }
            } else if named {
                names.push((s(j).to_owned(), s(j).to_owned()));
            } else {
                names.push((s(j).to_owned(), "default".to_owned()));
            }
        }
        j += 1;
    }
}

/// `const X = require("m")`, `const { A, B: C } = require("m")`.
fn js_require(lx: &Lexed, text: &str, t: &crate::lang::lexer::Token, out: &mut Imports) {
    let toks = &lx.tokens;
    let s = |k: usize| &text[toks[k].span.clone()];
    let module = text[t.inner.clone()].to_owned();
    let open = lx.groups[t.group].span.start;
    let Some(req) = toks.iter().rposition(|x| x.span.end <= open) else {
        return;
    };
    let Some(eq) = lx.prev_sig(req) else { return };
    if s(eq) != "=" {
        return;
    }
    let Some(lhs) = lx.prev_sig(eq) else { return };
    if toks[lhs].tok == Tok::Ident {
        out.insert(s(lhs).to_owned(), (module.clone(), "default".to_owned()));
    } else if s(lhs) == "}" {
        // Destructuring: the idents of the `{...}` group before `=`.
        let g = (1..lx.groups.len()).find(|&g| lx.groups[g].span.end == toks[lhs].span.end);
        if let Some(g) = g {
            // `{ A }` or `{ A: B }` (B is the local name).
            let idents: Vec<usize> = (0..toks.len())
                .filter(|&n| toks[n].group == g && toks[n].tok == Tok::Ident)
                .collect();
            let mut n = 0;
            while n < idents.len() {
                let k = idents[n];
                let renamed = lx.next_sig(k).is_some_and(|c| s(c) == ":") && n + 1 < idents.len();
                if renamed {
                    out.insert(
                        s(idents[n + 1]).to_owned(),
                        (module.clone(), s(k).to_owned()),
                    );
                    n += 2;
                } else {
                    out.insert(s(k).to_owned(), (module.clone(), s(k).to_owned()));
                    n += 1;
                }
            }
        }
    }
}

/// `from google import genai`: a package whose import path is `A.B`
/// imported as `from A import B` (the general import reader matches `A`
/// only). Reported at `B`.
pub fn python_from_imports(cx: &mut FileCtx, lx: &Lexed) {
    let text = cx.source.text.as_str();
    let pkgs: Vec<(String, String)> = cx
        .det
        .src
        .sdk_packages
        .iter()
        .filter(|p| p.ecosystem == Ecosystem::Pypi)
        .filter_map(|p| p.import.clone().map(|i| (p.name.clone(), i)))
        .filter(|(_, i)| i.contains('.'))
        .collect();
    if pkgs.is_empty() {
        return;
    }
    let toks = &lx.tokens;
    let s = |k: usize| &text[toks[k].span.clone()];
    let mut hits: Vec<(Range<usize>, String)> = Vec::new();
    for k in 0..toks.len() {
        if toks[k].tok != Tok::Ident || s(k) != "from" {
            continue;
        }
        // `from A.B import C, D`
        let mut j = k + 1;
        let mut module = String::new();
        while j < toks.len() && (toks[j].tok == Tok::Ident && s(j) != "import" || s(j) == ".") {
            module.push_str(s(j));
            j += 1;
        }
        if j >= toks.len() || s(j) != "import" || module.is_empty() {
            continue;
        }
        let line_end = text[toks[j].span.end..]
            .find('\n')
            .map(|p| toks[j].span.end + p)
            .unwrap_or(text.len());
        let mut n = j + 1;
        while n < toks.len() && (toks[n].span.start < line_end || toks[n].group != toks[k].group) {
            if toks[n].tok == Tok::Ident && s(n) != "as" && s(n - 1) != "as" {
                let full = format!("{module}.{}", s(n));
                for (name, import) in &pkgs {
                    if &full == import {
                        hits.push((toks[n].span.clone(), name.clone()));
                    }
                }
            }
            n += 1;
        }
    }
    for (r, name) in hits {
        cx.package(r, Ecosystem::Pypi, &name);
    }
}
