//! SDK clients built without a base URL, and module-level clients.

use std::ops::Range;

use super::imports::imports;
use super::{compatible, default_suggestion};
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

/// One constructor call of a source SDK client: what is known about it
/// before deciding whether the base URL can be inserted.
struct Call<'c> {
    c: &'c ClientCtor,
    lang: FileKind,
    name_span: Range<usize>,
    /// The URL the inserted argument carries, else the surface needed.
    base_value: String,
    rule: String,
    /// The code to suggest: the arguments to add, else the table's code.
    suggestion: String,
}

impl Call<'_> {
    fn finding(&self, cx: &FileCtx, fix: Fix, message: String) -> Finding {
        let mut f = cx.finding(
            Kind::BaseUrl,
            self.name_span.clone(),
            cx.source.text[self.name_span.clone()].to_owned(),
            Some(self.base_value.clone()),
            Fix::Manual,
            message,
            self.rule.clone(),
        );
        f.fix = fix;
        f
    }

    fn manual(&self, cx: &FileCtx, why: &str) -> Finding {
        let src = cx.det.src;
        let msg = format!(
            "{} client {}(...) calls {} directly: {why}; suggested: {}",
            src.name, self.c.name, src.name, self.suggestion
        );
        self.finding(cx, Fix::Manual, msg)
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
    let (tg, src) = (cx.det.target, cx.det.src);
    if text.as_bytes().get(lx.groups[gi].span.end.wrapping_sub(1)) != Some(&b')') {
        return;
    }
    let (container, wrap) = options_container(text, lx, gi, lang);
    let keys: Vec<&str> = container.map_or_else(Vec::new, |k| lx.keys_in(text, k).collect());
    if keys.iter().any(|k| c.base_args.iter().any(|b| b == k)) {
        return;
    }
    let (template, key_template) = match lang {
        FileKind::Python => (
            c.insert.python.as_deref(),
            c.insert_key.as_ref().and_then(|t| t.python.as_deref()),
        ),
        _ => (
            c.insert.js.as_deref(),
            c.insert_key.as_ref().and_then(|t| t.js.as_deref()),
        ),
    };
    let ok = compatible(tg, c.protocol);
    let template = template.filter(|_| ok);
    let needs_key = !keys.iter().any(|k| c.key_args.iter().any(|a| a == k));
    let key_template = key_template.filter(|_| needs_key);
    // The AI SDK's Anthropic provider takes `<base>/v1`: the URL is the one
    // in the inserted argument when there is one.
    let base_value = template
        .and_then(|t| tg.fill(t).split('"').nth(1).map(str::to_owned))
        .unwrap_or_else(|| match c.protocol {
            Protocol::Anthropic if ok => tg.fill("{anthropic_base}"),
            _ => tg.fill("{base}"),
        });
    let suggestion = template
        .map(|t| {
            let args: Vec<String> = std::iter::once(t)
                .chain(key_template)
                .map(|a| tg.fill(a))
                .collect();
            let import_os = if lang == FileKind::Python && needs_key && !has_os {
                "import os; "
            } else {
                ""
            };
            format!("{import_os}{}(..., {})", c.name, args.join(", "))
        })
        .or_else(|| c.suggest.as_deref().map(|s| tg.fill(s)))
        .unwrap_or_else(|| default_suggestion(Ecosystem::Pypi, tg));
    // A client of one endpoint the target does not serve (embeddings on a
    // gateway without /embeddings) must keep calling the provider.
    let serves = |p: &str| tg.endpoints.iter().any(|e| e.path == p && e.to.is_some());
    // A general client bound to a name that creates embeddings with it
    // (`client = OpenAI()`, then `client.embeddings.create(...)`) needs that
    // endpoint as well.
    let embeds = bound_name(text, lx, &name_span)
        .is_some_and(|v| text.contains(&format!("{v}.embeddings.")));
    let unserved = c
        .endpoint
        .as_deref()
        .or(embeds.then_some("/embeddings"))
        .filter(|p| !serves(p));
    let call = Call {
        c,
        lang,
        name_span,
        base_value,
        rule: format!("{}:client:{}", src.id, c.name),
        suggestion,
    };
    let f = match (ok, template, container) {
        _ if unserved.is_some() => {
            let why = format!(
                "{} serves no {} endpoint, so this client stays with {}; its key variable stays where it is set (rewrite adds the target's beside it in .env files)",
                tg.name,
                unserved.unwrap_or_default(),
                src.name
            );
            call.manual(cx, &why)
        }
        (false, _, _) => {
            let why = format!("{} does not serve the {} protocol", tg.name, src.name);
            call.manual(cx, &why)
        }
        (true, None, _) => call.manual(cx, "it cannot take a base URL"),
        (true, Some(_), None) => call.manual(
            cx,
            "its options are not an inline object; add the base URL where they are built",
        ),
        (true, Some(_), Some(k)) if has_spread(text, lx, k) => call.manual(
            cx,
            "its options are spread from elsewhere; make sure they set the base URL",
        ),
        (true, Some(t), Some(k)) => {
            let insert = Insert {
                group: k,
                wrap,
                template: t,
                key_template,
                has_os,
            };
            insert_base(cx, lx, &call, insert)
        }
    };
    cx.push(f, false);
}

/// Where and what to insert in a client call's options.
struct Insert<'t> {
    group: usize,
    wrap: bool,
    template: &'t str,
    key_template: Option<&'t str>,
    has_os: bool,
}

/// The automatic fix: the target's base URL (and key, where the client
/// would read the provider's key variable) added to the options; manual
/// where that cannot be done safely.
fn insert_base(cx: &FileCtx, lx: &Lexed, call: &Call, ins: Insert) -> Finding {
    let (tg, src) = (cx.det.target, cx.det.src);
    let mut args = vec![tg.fill(ins.template)];
    let mut key_note = String::new();
    match ins.key_template {
        Some(kt) if call.lang == FileKind::JavaScript || ins.has_os => {
            args.push(tg.fill(kt));
            key_note = format!(" and the {} key", tg.key_env);
        }
        Some(_) => {
            let why = format!(
                "it reads the {} key variable implicitly and this file does not import os",
                src.name
            );
            return call.manual(cx, &why);
        }
        None => {}
    }
    let text = cx.source.text.as_str();
    let Some(edit) = insertion(text, lx, ins.group, &args, ins.wrap) else {
        return call.manual(cx, "its arguments could not be laid out");
    };
    let msg = format!(
        "{} client {} has no base URL, so it calls {} directly: add {}'s base URL {}{key_note}",
        src.name, call.c.name, src.name, tg.name, call.base_value
    );
    let mut f = call.finding(cx, Fix::Auto, msg);
    f.edit = Some(edit);
    f
}

/// The container the options go in: the call's parens (Python) or the
/// options object (JS, only `({...})`: a variable or a second argument may
/// hold the options); JS with no arguments gets a new object (`wrap`).
fn options_container(text: &str, lx: &Lexed, gi: usize, lang: FileKind) -> (Option<usize>, bool) {
    if lang == FileKind::Python {
        return (Some(gi), false);
    }
    let direct_toks: Vec<usize> = (0..lx.tokens.len())
        .filter(|&k| lx.tokens[k].group == gi && lx.tokens[k].tok != Tok::Comment)
        .collect();
    let Some(&first) = direct_toks.first() else {
        return (Some(gi), true);
    };
    let first = &lx.tokens[first];
    let obj = (gi + 1..lx.groups.len()).find(|&o| {
        lx.groups[o].parent == gi
            && lx.groups[o].kind == b'{'
            && lx.groups[o].span.start == first.span.start
    });
    let only = obj.is_some_and(|o| {
        direct_toks.iter().all(|&k| {
            let t = &lx.tokens[k];
            t.span.start == lx.groups[o].span.start
                || t.span.end == lx.groups[o].span.end
                || (text[t.span.clone()] == *"," && t.span.start >= lx.groups[o].span.end)
        })
    });
    (if only { obj } else { None }, false)
}

/// `**kwargs`, `*args`, `...opts` in group `k`: options from elsewhere may
/// set the base URL.
fn has_spread(text: &str, lx: &Lexed, k: usize) -> bool {
    lx.tokens.iter().any(|t| {
        t.group == k
            && t.tok == Tok::Punct
            && (text[t.span.clone()].starts_with('*')
                || text[t.span.clone()].starts_with("...")
                || (&text[t.span.clone()] == "." && text[t.span.end..].starts_with("..")))
    })
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
        let code = tg.fill(&mc.suggest);
        let f = cx.finding(
            Kind::BaseUrl,
            r.clone(),
            text[r].to_owned(),
            Some(tg.fill("{base}")),
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

/// The name a constructor call at `name_span` is assigned to (`client` in
/// `client = OpenAI()` or `const client = new OpenAI()`).
fn bound_name<'t>(text: &'t str, lx: &Lexed, name_span: &Range<usize>) -> Option<&'t str> {
    let at = lx
        .tokens
        .binary_search_by_key(&name_span.start, |t| t.span.start)
        .ok()?;
    let tok = |k: usize| &text[lx.tokens[k].span.clone()];
    let mut p = lx.prev_sig(at)?;
    if tok(p) == "new" {
        p = lx.prev_sig(p)?;
    }
    let eq = Some(p).filter(|&p| tok(p) == "=")?;
    lx.prev_sig(eq)
        .filter(|&v| lx.tokens[v].tok == crate::lang::lexer::Tok::Ident)
        .map(tok)
}
