//! SDK clients built without a base URL, and module-level clients.

use std::ops::Range;

use super::imports::imports;
use super::{compatible, default_suggestion, fill};
use crate::finding::{Finding, Fix, Kind};
use crate::lang::lexer::{Lexed, Tok};
use crate::lang::FileKind;
use crate::rules::schema::{ClientCtor, Ecosystem, Protocol};
use crate::scan::detect::FileCtx;
use crate::source::Edit;

/// Client constructors of the source's SDKs. One without a base URL talks to
/// the provider: a `base-url` finding whose edit adds the target's base URL
/// (and key, when the client would read the provider's key variable).
/// One that already sets a base URL points elsewhere: not a finding.
pub fn clients(cx: &mut FileCtx, lx: &Lexed, lang: FileKind) {
    let src = cx.det.src;
    if src.clients.is_empty() {
        return;
    }
    let text = cx.source.text.as_str();
    let imps = imports(lx, text, lang);
    if imps.is_empty() {
        return;
    }
    let has_os = imps.get("os").is_some_and(|(m, _)| m == "os");
    for gi in 1..lx.groups.len() {
        let g = &lx.groups[gi];
        if g.kind != b'(' {
            continue;
        }
        let Some(lr) = g.label.clone() else { continue };
        let Some(li) = lx.tokens.iter().position(|t| t.span == lr) else {
            continue;
        };
        if lx.tokens[li].tok != Tok::Ident {
            continue;
        }
        let name = &text[lr.clone()];
        let prev = lx.prev_sig(li);
        if prev.is_some_and(|p| {
            matches!(
                &text[lx.tokens[p].span.clone()],
                "def" | "function" | "class"
            )
        }) {
            continue;
        }
        // `mod.Name(` or `Name(`.
        let qual = prev
            .filter(|&p| &text[lx.tokens[p].span.clone()] == ".")
            .and_then(|p| lx.prev_sig(p))
            .filter(|&q| lx.tokens[q].tok == Tok::Ident)
            .map(|q| &text[lx.tokens[q].span.clone()]);
        let client = src.clients.iter().find(|c| match qual {
            Some(q) => {
                c.name == name
                    && imps.get(q).is_some_and(|(m, orig)| {
                        let path = if orig.is_empty() || orig == "default" {
                            m.clone()
                        } else {
                            format!("{m}.{orig}")
                        };
                        c.modules.contains(&path)
                    })
            }
            None => imps.get(name).is_some_and(|(m, orig)| {
                let imported = if orig == "default" {
                    name
                } else {
                    orig.as_str()
                };
                imported == c.name && c.modules.contains(m)
            }),
        });
        let Some(client) = client else { continue };
        client_finding(cx, lx, gi, lr, client, lang, has_os);
    }
}

fn client_finding(
    cx: &mut FileCtx,
    lx: &Lexed,
    gi: usize,
    name_span: Range<usize>,
    c: &ClientCtor,
    lang: FileKind,
    has_os: bool,
) {
    let text = cx.source.text.as_str();
    let tg = cx.det.target;
    let src = cx.det.src;
    let g = &lx.groups[gi];
    if text.as_bytes().get(g.span.end.wrapping_sub(1)) != Some(&b')') {
        return;
    }
    // The container the options go in: the call's parens (Python) or the
    // options object (JS); JS with no arguments gets a new object.
    let direct_toks: Vec<usize> = (0..lx.tokens.len())
        .filter(|&k| lx.tokens[k].group == gi && lx.tokens[k].tok != Tok::Comment)
        .collect();
    let (container, wrap) = match lang {
        FileKind::Python => (Some(gi), false),
        _ => {
            if direct_toks.is_empty() {
                (Some(gi), true)
            } else {
                let first = &lx.tokens[direct_toks[0]];
                let obj = (gi + 1..lx.groups.len()).find(|&o| {
                    lx.groups[o].parent == gi
                        && lx.groups[o].kind == b'{'
                        && lx.groups[o].span.start == first.span.start
                });
                // Only `({...})`: a variable or a second argument may hold the options.
                let only = obj.is_some_and(|o| {
                    direct_toks.iter().all(|&k| {
                        let t = &lx.tokens[k];
                        t.span.start == lx.groups[o].span.start
                            || t.span.end == lx.groups[o].span.end
                            || (text[t.span.clone()] == *","
                                && t.span.start >= lx.groups[o].span.end)
                    })
                });
                (if only { obj } else { None }, false)
            }
        }
    };
    let keys: Vec<&str> = match container {
        Some(k) => lx.keys_in(text, k).collect(),
        None => Vec::new(),
    };
    if keys.iter().any(|k| c.base_args.iter().any(|b| b == k)) {
        return;
    }
    // `**kwargs`, `*args`, `...opts`: options from elsewhere may set the base.
    let spread = container.is_some_and(|k| {
        lx.tokens.iter().any(|t| {
            t.group == k
                && t.tok == Tok::Punct
                && (text[t.span.clone()].starts_with('*')
                    || text[t.span.clone()].starts_with("...")
                    || (&text[t.span.clone()] == "." && text[t.span.end..].starts_with("..")))
        })
    });
    let template = match lang {
        FileKind::Python => c.insert.python.as_deref(),
        _ => c.insert.js.as_deref(),
    };
    let ok = compatible(tg, c.protocol);
    let needs_key = !keys.iter().any(|k| c.key_args.iter().any(|a| a == k));
    let key_template = c.insert_key.as_ref().and_then(|t| match lang {
        FileKind::Python => t.python.as_deref(),
        _ => t.js.as_deref(),
    });
    let matched = text[name_span.clone()].to_owned();
    // The URL the inserted argument carries (the AI SDK's Anthropic
    // provider takes `<base>/v1`), else the surface the client needs.
    let base_value = template
        .filter(|_| ok)
        .and_then(|t| fill(t, tg).split('"').nth(1).map(str::to_owned))
        .unwrap_or_else(|| match c.protocol {
            Protocol::Anthropic if ok => fill("{anthropic_base}", tg),
            _ => fill("{base}", tg),
        });
    let rule = format!("{}:client:{}", src.id, c.name);
    // What to write instead: the arguments to add where the client can be
    // pointed at the target, else the table's replacement code.
    let insert_code = template.filter(|_| ok).map(|t| {
        let mut args = vec![fill(t, tg)];
        if let Some(kt) = key_template.filter(|_| needs_key) {
            args.push(fill(kt, tg));
        }
        let import_os = if lang == FileKind::Python && needs_key && !has_os {
            "import os; "
        } else {
            ""
        };
        format!("{import_os}{}(..., {})", c.name, args.join(", "))
    });
    let manual = |cx: &FileCtx, why: String| -> Finding {
        let code = insert_code
            .clone()
            .or_else(|| c.suggest.as_deref().map(|s| fill(s, tg)))
            .unwrap_or_else(|| default_suggestion(Ecosystem::Pypi, tg));
        cx.finding(
            Kind::BaseUrl,
            name_span.clone(),
            matched.clone(),
            Some(base_value.clone()),
            Fix::Manual,
            format!(
                "{} client {}(...) calls {} directly: {why}; suggested: {code}",
                src.name, c.name, src.name
            ),
            rule.clone(),
        )
    };
    let f = match (ok, template, container) {
        (false, _, _) => manual(
            cx,
            format!("{} does not serve the {} protocol", tg.name, src.name),
        ),
        (true, None, _) => manual(cx, "it cannot take a base URL".to_owned()),
        (true, Some(_), None) => manual(
            cx,
            "its options are not an inline object; add the base URL where they are built"
                .to_owned(),
        ),
        (true, Some(_), Some(_)) if spread => manual(
            cx,
            "its options are spread from elsewhere; make sure they set the base URL".to_owned(),
        ),
        (true, Some(t), Some(k)) => {
            let mut args = vec![fill(t, tg)];
            let mut key_note = String::new();
            if needs_key {
                match key_template {
                    Some(kt) if lang == FileKind::JavaScript || has_os => {
                        args.push(fill(kt, tg));
                        key_note = format!(" and the {} key", tg.key_env);
                    }
                    Some(_) => {
                        let f = manual(
                            cx,
                            format!(
                                "it reads the {} key variable implicitly and this file does not import os",
                                src.name
                            ),
                        );
                        cx.push(f, false);
                        return;
                    }
                    None => {}
                }
            }
            let Some(edit) = insertion(text, lx, k, &args, wrap) else {
                let f = manual(cx, "its arguments could not be laid out".to_owned());
                cx.push(f, false);
                return;
            };
            let mut f = cx.finding(
                Kind::BaseUrl,
                name_span.clone(),
                matched.clone(),
                Some(base_value.clone()),
                Fix::Manual,
                format!(
                    "{} client {} has no base URL, so it calls {} directly: add {}'s base URL {base_value}{key_note}",
                    src.name, c.name, src.name, tg.name
                ),
                rule.clone(),
            );
            f.fix = Fix::Auto;
            f.edit = Some(edit);
            f
        }
    };
    cx.push(f, false);
}

/// An edit adding `args` at the end of group `k`, in the group's own layout
/// (one per line with the last argument's indentation when it spans lines,
/// trailing-comma style kept). `wrap` puts them in a new `{ ... }` object.
fn insertion(text: &str, lx: &Lexed, k: usize, args: &[String], wrap: bool) -> Option<Edit> {
    let g = &lx.groups[k];
    let open = g.span.start;
    let close = g.span.end.checked_sub(1)?;
    if !matches!(text.as_bytes().get(close), Some(b')' | b'}')) {
        return None;
    }
    let last = lx
        .tokens
        .iter()
        .filter(|t| {
            t.group == k && t.tok != Tok::Comment && t.span.start > open && t.span.end <= close
        })
        .map(|t| t.span.clone())
        .max_by_key(|r| r.end);
    if wrap {
        let body = format!("{{ {} }}", args.join(", "));
        return Some(Edit {
            range: open + 1..open + 1,
            text: body,
        });
    }
    let Some(last) = last else {
        let pad = if text.as_bytes()[close - 1] == b'{' || text.as_bytes()[open] == b'{' {
            " "
        } else {
            ""
        };
        return Some(Edit {
            range: open + 1..close,
            text: format!("{pad}{}{pad}", args.join(", ")),
        })
        .filter(|_| text[open + 1..close].trim().is_empty());
    };
    let comma = &text[last.clone()] == ",";
    let multiline = text[last.end..close].contains('\n');
    let at = last.end;
    // A comment after the last argument would end up after ours: put ours
    // first instead, on its own line with the first argument's indentation.
    let commented = lx
        .tokens
        .iter()
        .any(|t| t.tok == Tok::Comment && t.span.start >= last.end && t.span.end <= close);
    if multiline && commented {
        let first = lx
            .tokens
            .iter()
            .filter(|t| t.group == k && t.tok != Tok::Comment && t.span.start > open)
            .map(|t| t.span.start)
            .min()?;
        let line_start = text[..first].rfind('\n').map(|p| p + 1).unwrap_or(0);
        let indent = &text[line_start..first];
        if !indent.chars().all(|c| c == ' ' || c == '\t') {
            return None;
        }
        let body: Vec<String> = args.iter().map(|a| format!("{a},\n{indent}")).collect();
        return Some(Edit {
            range: first..first,
            text: body.concat(),
        });
    }
    let new = if multiline {
        let line_start = text[..last.start].rfind('\n').map(|p| p + 1).unwrap_or(0);
        let indent: String = text[line_start..]
            .chars()
            .take_while(|c| *c == ' ' || *c == '\t')
            .collect();
        let lines: Vec<String> = args.iter().map(|a| format!("\n{indent}{a}")).collect();
        if comma {
            format!("{},", lines.join(","))
        } else {
            format!(",{}", lines.join(","))
        }
    } else if comma {
        format!(" {}", args.join(", "))
    } else {
        format!(", {}", args.join(", "))
    };
    Some(Edit {
        range: at..at,
        text: new,
    })
}

/// `import openai` then `openai.chat.completions.create(...)` (or pre-1.0
/// `openai.ChatCompletion.create(...)`) with no `openai.base_url = ...` in
/// the file: the module-level client calls the provider. One manual item per
/// file, at the first such call.
pub fn module_clients(cx: &mut FileCtx, lx: &Lexed) {
    let src = cx.det.src;
    if src.module_clients.is_empty() {
        return;
    }
    let text = cx.source.text.as_str();
    let imps = imports(lx, text, FileKind::Python);
    let toks = &lx.tokens;
    let s = |k: usize| &text[toks[k].span.clone()];
    for mc in &src.module_clients {
        let aliases: Vec<&str> = imps
            .iter()
            .filter(|(_, (m, orig))| m == &mc.module && orig.is_empty())
            .map(|(local, _)| local.as_str())
            .collect();
        if aliases.is_empty() {
            continue;
        }
        let mut first_call: Option<Range<usize>> = None;
        let mut has_base = false;
        for k in 0..toks.len() {
            if toks[k].tok != Tok::Ident || !aliases.contains(&s(k)) {
                continue;
            }
            let Some(dot) = lx.next_sig(k).filter(|&d| s(d) == ".") else {
                continue;
            };
            let Some(attr) = lx.next_sig(dot).filter(|&a| toks[a].tok == Tok::Ident) else {
                continue;
            };
            // Not `x.openai.chat`: the module itself.
            if lx.prev_sig(k).is_some_and(|p| s(p) == ".") {
                continue;
            }
            if mc.base_attrs.iter().any(|b| b == s(attr))
                && lx.next_sig(attr).is_some_and(|e| s(e) == "=")
            {
                has_base = true;
            }
            if first_call.is_none() && mc.calls.iter().any(|c| c == s(attr)) {
                first_call = Some(toks[k].span.start..toks[attr].span.end);
            }
        }
        if has_base {
            continue;
        }
        let Some(r) = first_call else { continue };
        let tg = cx.det.target;
        let code = fill(&mc.suggest, tg);
        let f = cx.finding(
            Kind::BaseUrl,
            r.clone(),
            text[r].to_owned(),
            Some(fill("{base}", tg)),
            Fix::Manual,
            format!(
                "module-level {} client with no base URL calls {} directly: set {code}",
                mc.module, src.name
            ),
            format!("{}:module-client:{}", src.id, mc.module),
        );
        cx.push(f, false);
    }
}
