//! Detectors only direct provider profiles need (`--from openai|anthropic|google`):
//! SDK clients built without a base URL, bare model ids (`gpt-4o`) in model
//! context, provider URLs and key variables. Everything provider-specific
//! comes from the source table (rules/source-*.yaml); this is the engine.

use std::collections::HashMap;
use std::ops::Range;

use regex::Regex;

use super::detect::FileCtx;
use super::lex::{Lexed, Tok};
use crate::finding::{Finding, Fix, Kind};
use crate::rules::schema::{
    ClientCtor, Ecosystem, EndpointKind, Protocol, SourceTable, Status, TargetTable,
};
use crate::source::Edit;

/// Compiled parts of a direct source table.
pub struct Direct {
    model_re: Option<Regex>,
}

impl Direct {
    /// `None` for a gateway source (OpenRouter): its detectors stay as they are.
    pub fn new(src: &SourceTable) -> Option<Direct> {
        src.protocol?;
        Some(Direct {
            model_re: src
                .model_pattern
                .as_deref()
                .map(|p| Regex::new(p).expect("validated model pattern")),
        })
    }

    /// Literals a file must contain to be read: everything the table names.
    pub fn trigger_literals(&self, src: &SourceTable) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        v.extend(src.markers.iter().cloned());
        v.extend(src.hosts.iter().cloned());
        v.extend(src.key_env.iter().cloned());
        v.extend(src.base_url_env.iter().cloned());
        v.push(src.key_prefix.clone());
        for p in &src.sdk_packages {
            v.push(p.name.clone());
            v.extend(p.import.iter().cloned());
        }
        v.extend(src.clients.iter().map(|c| c.name.clone()));
        v.extend(src.models.iter().map(|m| m.id.value.clone()));
        // Literals under four characters (`o1`, `o3`) match nearly every
        // file and would make the prefilter pointless (3x slower on a
        // crates.io tree); a file whose only trigger is one is skipped.
        let mut v: Vec<String> = v
            .into_iter()
            .filter(|s| s.len() >= 4)
            .map(|s| s.to_ascii_lowercase())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Whether code speaking `p` can be pointed at `target` as it is.
pub fn compatible(target: &TargetTable, p: Protocol) -> bool {
    match p {
        Protocol::Openai => true,
        Protocol::Anthropic => target.anthropic_base_url.is_some(),
        Protocol::Google => false,
    }
}

/// Fill `{base}`, `{anthropic_base}` and `{key_env}`.
fn fill(template: &str, target: &TargetTable) -> String {
    template
        .replace("{base}", target.base_url.trim_end_matches('/'))
        .replace(
            "{anthropic_base}",
            target
                .anthropic_base_url
                .as_deref()
                .unwrap_or(&target.base_url)
                .trim_end_matches('/'),
        )
        .replace("{key_env}", &target.key_env)
}

fn default_suggestion(eco: Ecosystem, target: &TargetTable) -> String {
    let t = match eco {
        Ecosystem::Npm => {
            r#"import OpenAI from "openai"; const client = new OpenAI({ baseURL: "{base}", apiKey: process.env.{key_env} });"#
        }
        _ => {
            r#"from openai import OpenAI; client = OpenAI(base_url="{base}", api_key=os.environ["{key_env}"])"#
        }
    };
    fill(t, target)
}

impl FileCtx<'_, '_> {
    fn direct_protocol(&self) -> Protocol {
        self.det.src.protocol.unwrap_or(Protocol::Openai)
    }

    /// A provider URL: its OpenAI-compatible base and endpoints map onto the
    /// target's; the Anthropic SDK base onto the target's Anthropic base;
    /// native paths with no equivalent are manual.
    pub(super) fn classify_direct_url(&self, r: Range<usize>) -> Option<Finding> {
        let src = self.det.src;
        let tg = self.det.target;
        // A shell `${VAR}` right after the URL is not part of it.
        let mut r = r;
        if self.source.text[r.clone()].ends_with('$') && self.source.text[r.end..].starts_with('{')
        {
            r.end -= 1;
        }
        let m = &self.source.text[r.clone()];
        let (scheme, rest) = match m.find("://") {
            Some(i) => (&m[..i + 3], &m[i + 3..]),
            None => ("", m),
        };
        let host_end = rest.find('/').unwrap_or(rest.len());
        let path_full = &rest[host_end..];
        let (path, query) = match path_full.find(['?', '#']) {
            Some(i) => (&path_full[..i], &path_full[i..]),
            None => (path_full, ""),
        };
        let path_t = path.trim_end_matches('/');
        let trailing = &path[path_t.len()..];
        let strip_scheme = |u: &str| -> String {
            if scheme.is_empty() {
                u.split_once("://")
                    .map(|(_, r)| r.to_owned())
                    .unwrap_or_else(|| u.to_owned())
            } else {
                u.to_owned()
            }
        };
        let base = tg.base_url.trim_end_matches('/');
        let make = |fix: Fix, repl: Option<String>, msg: String, rule: &str| {
            let mut f = self.finding(
                Kind::BaseUrl,
                r.clone(),
                m.to_owned(),
                repl.clone(),
                Fix::Manual,
                msg,
                format!("{}:base-url:{rule}", src.id),
            );
            if fix == Fix::Auto {
                if let Some(t) = repl {
                    f.fix = Fix::Auto;
                    f.edit = Some(Edit {
                        range: r.clone(),
                        text: t,
                    });
                }
            }
            f
        };
        if let Some(anth) = src.anthropic_path.as_deref() {
            if path_t == anth.trim_end_matches('/') {
                return Some(match &tg.anthropic_base_url {
                    Some(a) => make(
                        Fix::Auto,
                        Some(strip_scheme(&format!(
                            "{}{trailing}{query}",
                            a.trim_end_matches('/')
                        ))),
                        format!(
                            "{} API base (Anthropic SDK) -> {} Anthropic-compatible base",
                            src.name, tg.name
                        ),
                        "anthropic",
                    ),
                    None => make(
                        Fix::Manual,
                        Some(strip_scheme(base)),
                        format!(
                            "{} has no Anthropic-compatible surface: move this code to the OpenAI SDK with base URL {base}",
                            tg.name
                        ),
                        "anthropic",
                    ),
                });
            }
        }
        if path_t.is_empty() {
            return Some(make(
                Fix::Manual,
                Some(strip_scheme(base)),
                format!(
                    "{} host without a path: set {}'s base URL {base} where this is used",
                    src.name, tg.name
                ),
                "host",
            ));
        }
        let api = src.api_path.trim_end_matches('/');
        let sub = path_t
            .strip_prefix(api)
            .filter(|s| s.is_empty() || s.starts_with('/'));
        let Some(sub) = sub else {
            let msg = match src.protocol {
                Some(Protocol::Google) => format!(
                    "native Gemini API path '{path_t}': {} does not speak it; call {base}/chat/completions with the OpenAI SDK (model ids through the table)",
                    tg.name
                ),
                _ => format!(
                    "{} API path '{path_t}' with no known equivalent on {}",
                    src.name, tg.name
                ),
            };
            return Some(make(Fix::Manual, None, msg, "native"));
        };
        if sub.is_empty() {
            return Some(make(
                Fix::Auto,
                Some(strip_scheme(&format!("{base}{trailing}{query}"))),
                format!(
                    "{} OpenAI-compatible base URL -> {} base URL",
                    src.name, tg.name
                ),
                "base",
            ));
        }
        let ep = src
            .endpoints
            .iter()
            .filter(|e| sub == e.path || sub.starts_with(&format!("{}/", e.path)))
            .max_by_key(|e| e.path.len());
        let Some(ep) = ep else {
            return Some(make(
                Fix::Manual,
                None,
                format!(
                    "{} endpoint '{sub}' is not in the table; check {} by hand",
                    src.name, tg.name
                ),
                "unknown",
            ));
        };
        let mapped = tg.endpoints.iter().find(|e| e.path == ep.path);
        match mapped.and_then(|e| e.to.as_ref().map(|to| (to, e.why.as_deref()))) {
            Some((to, why)) => {
                let repl = strip_scheme(&format!(
                    "{base}{to}{}{trailing}{query}",
                    &sub[ep.path.len()..]
                ));
                let mut msg = format!("{} endpoint {} -> {} {}", src.name, ep.path, tg.name, to);
                if let Some(w) = why {
                    msg.push_str(&format!(" ({w})"));
                }
                Some(make(Fix::Auto, Some(repl), msg, &ep.path))
            }
            None => {
                let kind = match ep.kind {
                    EndpointKind::Inference => "inference",
                    EndpointKind::Catalog => "catalog",
                    EndpointKind::Account => "account",
                };
                let why = mapped
                    .and_then(|e| e.why.clone())
                    .map(|w| format!(" ({w})"))
                    .unwrap_or_default();
                Some(make(
                    Fix::Manual,
                    None,
                    format!(
                        "{} {kind} endpoint {}: {} documents no equivalent{why}",
                        src.name, ep.path, tg.name
                    ),
                    &ep.path,
                ))
            }
        }
    }

    /// A provider key variable -> the target's key variable (a framework
    /// prefix such as NEXT_PUBLIC_ kept), where the code can move as is.
    pub(super) fn direct_env_finding(&self, r: Range<usize>, name: &str) -> Finding {
        let src = self.det.src;
        let tg = self.det.target;
        let upper = name.to_ascii_uppercase();
        let prefixes = [
            "NEXT_PUBLIC_",
            "VITE_",
            "REACT_APP_",
            "EXPO_PUBLIC_",
            "PUBLIC_",
        ];
        let prefix = prefixes
            .iter()
            .find(|p| upper.starts_with(*p))
            .map(|p| &name[..p.len()])
            .unwrap_or("");
        let new = format!("{prefix}{}", tg.key_env);
        let rule = format!("{}:api-key-env", src.id);
        if compatible(tg, self.direct_protocol()) {
            self.finding(
                Kind::ApiKeyEnv,
                r,
                name.to_owned(),
                Some(new.clone()),
                Fix::Auto,
                format!("{} API key variable -> {new}", src.name),
                rule,
            )
        } else {
            self.finding(
                Kind::ApiKeyEnv,
                r,
                name.to_owned(),
                Some(new.clone()),
                Fix::Manual,
                format!(
                    "{} API key variable: {} needs {new} once the code using it moves to the OpenAI SDK (the {} SDK keeps reading {name}; other services may read it too)",
                    src.name, tg.name, src.name
                ),
                rule,
            )
        }
    }

    /// A provider SDK in a manifest or import. SDKs that can be pointed at
    /// the target stay (their clients are the findings); others are manual
    /// with the exact replacement code.
    pub(super) fn direct_package(&mut self, r: Range<usize>, eco: Ecosystem, name: &str) {
        let src = self.det.src;
        let tg = self.det.target;
        let pkg = src
            .sdk_packages
            .iter()
            .find(|p| p.ecosystem == eco && p.name == name);
        let proto = pkg
            .and_then(|p| p.protocol)
            .unwrap_or(self.direct_protocol());
        let suggest = pkg.and_then(|p| p.suggest.as_deref());
        self.out.has_marker = true;
        if compatible(tg, proto) && suggest.is_none() {
            return;
        }
        let code = suggest
            .map(|s| fill(s, tg))
            .unwrap_or_else(|| default_suggestion(eco, tg));
        let why = if compatible(tg, proto) {
            "its default client calls the provider directly".to_owned()
        } else {
            format!("{} does not speak this SDK's protocol", tg.name)
        };
        let f = self.finding(
            Kind::SdkPackage,
            r.clone(),
            self.source.text[r].to_owned(),
            None,
            Fix::Manual,
            format!("{} SDK {name}: {why}; use instead: {code}", src.name),
            format!("{}:sdk:{name}", src.id),
        );
        self.push(f, false);
    }

    /// A bare model id (`gpt-4o`) where a model is expected, mapped through
    /// its OpenRouter slug and the target table.
    pub(super) fn bare_model(&mut self, lx: &Lexed, i: usize) {
        let Some(direct) = &self.det.direct else {
            return;
        };
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let raw = &text[t.inner.clone()];
        let s = raw.trim();
        let mut start = t.inner.start + (raw.len() - raw.trim_start().len());
        // Gemini SDKs also accept `models/<id>`.
        let s = match s.strip_prefix("models/") {
            Some(rest) => {
                start += "models/".len();
                rest
            }
            None => s,
        };
        if s.is_empty() || s.contains(char::is_whitespace) {
            return;
        }
        let src = self.det.src;
        let listed = src.model(s);
        if listed.is_none() && !direct.model_re.as_ref().is_some_and(|re| re.is_match(s)) {
            return;
        }
        // A long listed id (`claude-3-haiku-20240307`, `gpt-4o-mini`) as a
        // whole string literal is a model id wherever it is (a picker list,
        // `useState(...)`); short or unlisted ones only where a model is expected.
        let distinctive = listed.is_some() && s.len() >= 10;
        if !(distinctive
            || self.model_context(lx, i)
            || self.model_caller_arg(lx, i)
            || self.annotated_model_var(lx, i))
            || self.excluded_slug_context(lx, i)
        {
            return;
        }
        if self.in_redirected_client(lx, i) {
            return;
        }
        let tg = self.det.target;
        let r = start..start + s.len();
        let f = match listed {
            None => self.finding(
                Kind::ModelSlug,
                r,
                s.to_owned(),
                None,
                Fix::Manual,
                format!(
                    "model {s}: not in the {} source table; check {}'s models list for its id",
                    src.id, tg.name
                ),
                format!("{}:models:unlisted", src.id),
            ),
            Some(row) => {
                let slug = &row.slug.value;
                let m = tg.map_slug(src, slug);
                let ok = compatible(tg, self.direct_protocol());
                let same = m.to.as_deref() == Some(s);
                let fix = if !ok {
                    Fix::Manual
                } else if same {
                    Fix::None
                } else if m.fix == Fix::None && m.to.is_some() {
                    Fix::Auto
                } else {
                    m.fix
                };
                let to = m.to.clone();
                let mut msg = match (&to, same) {
                    (Some(_), true) => {
                        format!("model {s} ({slug} on OpenRouter): same id on {}", tg.name)
                    }
                    (Some(t), false) => format!(
                        "model {s} ({slug} on OpenRouter) -> {t} on {} ({})",
                        tg.name, m.why
                    ),
                    (None, _) => format!("model {s} ({slug} on OpenRouter): {}", m.why),
                };
                if let Some(n) = &row.note {
                    msg.push_str(&format!("; {n}"));
                }
                if let Some(d) = &m.retires_on {
                    msg.push_str(&format!("; retires on {d}"));
                }
                if !ok {
                    msg.push_str(&format!(
                        "; change it together with the move to {}'s OpenAI-compatible API (this SDK sends it to {} as written)",
                        tg.name, src.name
                    ));
                }
                if m.status == Status::Unverified && to.is_none() {
                    msg = format!("model {s} ({slug} on OpenRouter): {}", m.why);
                    if let Some(n) = &row.note {
                        msg.push_str(&format!("; {n}"));
                    }
                }
                self.finding(
                    Kind::ModelSlug,
                    r,
                    s.to_owned(),
                    to,
                    fix,
                    msg,
                    format!("{}:models:{s}+{}", src.id, m.rule),
                )
            }
        };
        self.push(f, true);
    }

    /// Inside the arguments of a client constructor that already sets a
    /// base URL: that model goes to the other gateway, not the provider.
    fn in_redirected_client(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        lx.ancestors(t.group).take(2).any(|g| {
            let Some(label) = lx.label(text, g) else {
                return false;
            };
            self.det.src.clients.iter().any(|c| {
                c.name == label
                    && lx
                        .keys_in(text, g)
                        .chain(lx.keys_in(text, t.group))
                        .any(|k| c.base_args.iter().any(|b| b == k))
            })
        })
    }

    /// `model: str = "gpt-4o"` (a typed Python field or TS variable).
    fn annotated_model_var(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let tok = |k: usize| &text[lx.tokens[k].span.clone()];
        let Some(eq) = lx.prev_sig(i).filter(|&p| tok(p) == "=") else {
            return false;
        };
        let Some(ty) = lx.prev_sig(eq) else {
            return false;
        };
        let Some(colon) = lx.prev_sig(ty).filter(|&p| tok(p) == ":") else {
            return false;
        };
        lx.prev_sig(colon)
            .filter(|&n| lx.tokens[n].tok == Tok::Ident)
            .is_some_and(|n| tok(n).to_ascii_lowercase().contains("model"))
    }

    /// The first argument of a call the table names as taking a model id
    /// (`GenerativeModel("gemini-1.5-pro")`, AI SDK `openai("gpt-4o")`).
    fn model_caller_arg(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let g = &lx.groups[t.group];
        if g.kind != b'(' {
            return false;
        }
        let Some(label) = lx.label(text, t.group) else {
            return false;
        };
        if !self.det.src.model_callers.iter().any(|c| c == label) {
            return false;
        }
        // First argument: nothing significant between the opener and it.
        lx.prev_sig(i)
            .is_some_and(|p| lx.tokens[p].span.start == g.span.start)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Python,
    Js,
}

/// Local name -> (module, imported name). Imported name is empty for a
/// module import (`import openai`, `import * as x`) and `default` for a JS
/// default import.
fn imports(lx: &Lexed, text: &str, lang: Lang) -> HashMap<String, (String, String)> {
    let mut out = HashMap::new();
    let toks = &lx.tokens;
    let s = |k: usize| &text[toks[k].span.clone()];
    let line = |k: usize| text[..toks[k].span.start].matches('\n').count();
    match lang {
        Lang::Python => {
            let mut k = 0;
            while k < toks.len() {
                let t = &toks[k];
                if t.tok != Tok::Ident || !matches!(s(k), "from" | "import") {
                    k += 1;
                    continue;
                }
                let is_from = s(k) == "from";
                let stmt_line = line(k);
                let base_group = t.group;
                // Dotted module path.
                let mut module = String::new();
                let mut j = k + 1;
                while j < toks.len()
                    && (toks[j].tok == Tok::Ident && s(j) != "import" || s(j) == ".")
                    && line(j) == stmt_line
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
                    while j < toks.len() && (line(j) == stmt_line || toks[j].group != base_group) {
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
                    let local = if j + 1 < toks.len() && s(j) == "as" && line(j) == stmt_line {
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
        Lang::Js => {
            for (k, t) in toks.iter().enumerate() {
                // `import ... from "m"`
                if t.tok == Tok::Ident && s(k) == "import" {
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
                // `const X = require("m")`, `const { A } = require("m")`
                if t.tok == Tok::Str && lx.label(text, t.group) == Some("require") {
                    let module = text[t.inner.clone()].to_owned();
                    let open = lx.groups[t.group].span.start;
                    let Some(req) = toks.iter().rposition(|x| x.span.end <= open) else {
                        continue;
                    };
                    let Some(eq) = lx.prev_sig(req) else { continue };
                    if s(eq) != "=" {
                        continue;
                    }
                    let Some(lhs) = lx.prev_sig(eq) else { continue };
                    if toks[lhs].tok == Tok::Ident {
                        out.insert(s(lhs).to_owned(), (module.clone(), "default".to_owned()));
                    } else if s(lhs) == "}" {
                        // Destructuring: the idents of the `{...}` group before `=`.
                        let g = (1..lx.groups.len())
                            .find(|&g| lx.groups[g].span.end == toks[lhs].span.end);
                        if let Some(g) = g {
                            // `{ A }` or `{ A: B }` (B is the local name).
                            let idents: Vec<usize> = (0..toks.len())
                                .filter(|&n| toks[n].group == g && toks[n].tok == Tok::Ident)
                                .collect();
                            let mut n = 0;
                            while n < idents.len() {
                                let k = idents[n];
                                let renamed = lx.next_sig(k).is_some_and(|c| s(c) == ":")
                                    && n + 1 < idents.len();
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
            }
        }
    }
    out
}

/// Client constructors of the source's SDKs. One without a base URL talks to
/// the provider: a `base-url` finding whose edit adds the target's base URL
/// (and key, when the client would read the provider's key variable).
/// One that already sets a base URL points elsewhere: not a finding.
pub fn clients(cx: &mut FileCtx, lx: &Lexed, lang: Lang) {
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
    lang: Lang,
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
        Lang::Python => (Some(gi), false),
        Lang::Js => {
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
        Lang::Python => c.insert.python.as_deref(),
        Lang::Js => c.insert.js.as_deref(),
    };
    let ok = compatible(tg, c.protocol);
    let needs_key = !keys.iter().any(|k| c.key_args.iter().any(|a| a == k));
    let key_template = c.insert_key.as_ref().and_then(|t| match lang {
        Lang::Python => t.python.as_deref(),
        Lang::Js => t.js.as_deref(),
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
        let import_os = if lang == Lang::Python && needs_key && !has_os {
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
                    Some(kt) if lang == Lang::Js || has_os => {
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
    let imps = imports(lx, text, Lang::Python);
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
