//! Clients as data flow: which names a file binds to a client and where
//! that client sends requests, and which model ids are passed through calls
//! on those names (`client.chat.completions.create(model=...)`). Names bound
//! in the same file are decided here; names imported from another file
//! (`from .llm import client`) are kept as facts for the repository-level
//! step (`scan::flow`), which reads no file twice.

use super::*;
use crate::lang::FileKind;

/// Where a client sends its requests, as far as its model ids go.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Dest {
    /// OpenRouter, or the target gateway after a migration: its ids are
    /// checked against the table.
    Gateway,
    /// An OpenRouter URL that stays (a manual item): its ids stay with it.
    Kept,
    /// Another host (or, with `--from openai|...`, a client redirected to a
    /// base URL of its own): its ids are that host's.
    Other,
}

/// A name bound to a client constructor call with a destination.
#[derive(Debug, Clone)]
pub struct Binding {
    pub name: String,
    pub dest: Dest,
    pub line: usize,
    /// Bound at module level (no indentation, outside any block), so other
    /// files can import it.
    pub top: bool,
    pub start: usize,
    /// For an attribute (`self.client`, `this.client`, a class field): where
    /// its class starts. Only calls in that class see it.
    pub class: Option<usize>,
    /// Where a name bound in a function is visible (see [`scope_of`]); 0 at
    /// module level, visible everywhere.
    pub scope: usize,
}

impl Binding {
    /// A name bound at module level, visible everywhere in its file and
    /// importable (a default export, a model function, one decided across
    /// files).
    pub fn module(name: String, dest: Dest, line: usize, start: usize) -> Binding {
        Binding {
            name,
            dest,
            line,
            top: true,
            start,
            class: None,
            scope: 0,
        }
    }
}

/// A model id passed through a call on an imported name.
#[derive(Debug, Clone)]
pub struct Use {
    /// The call's receiver chain: `client`, `chat`, `completions`, `create`.
    pub chain: Vec<String>,
    pub span: Range<usize>,
    /// The id's finding when the file made none (an id of an author the
    /// table does not list), for a client that turns out to be OpenRouter's.
    pub finding: Option<Finding>,
    /// Not an id: a module-level function (name, line, start) that sends
    /// its model parameter through this chain; once the chain is decided,
    /// the function is bound like a client of that destination.
    pub binds: Option<(String, usize, usize)>,
}

/// One file's client facts.
#[derive(Debug, Clone, Default)]
pub struct Flow {
    pub lang: Option<FileKind>,
    pub bindings: Vec<Binding>,
    /// Local name -> (module, imported name), as `direct::imports` reads them.
    pub imports: HashMap<String, (String, String)>,
    pub uses: Vec<Use>,
}

impl Flow {
    pub fn is_empty(&self) -> bool {
        self.bindings.is_empty() && self.uses.is_empty()
    }
}

impl FileCtx<'_, '_> {
    /// Read a Python or JS/TS file's client bindings and the ids passed
    /// through them (after `tokens`, so the file's URLs are known).
    pub fn flow(&mut self, lx: &Lexed, lang: FileKind) {
        // An appended endpoint can keep this file's URLs on OpenRouter: the
        // clients built on them must be read as kept, here and in importers.
        self.appended_findings();
        let src = self.source;
        let text = src.text.as_str();
        let imports = crate::scan::direct::imports(lx, text, lang);
        let bindings = self.bindings(lx, text, lang, &imports);
        if bindings.is_empty() && imports.is_empty() {
            return;
        }
        self.drop_other_hosts_ids(lx, text, lang, &imports, &bindings);
        let mut bindings = bindings;
        let mut uses = Vec::new();
        // Functions that send their model parameter through a client are
        // bound like that client (here, or once an importer's step decides it).
        for (name, chain, start) in model_functions(lx, text, lang) {
            let line = self.source.line_col(start).0;
            let client = bindings
                .iter()
                .filter(|b| b.name == chain[0] && b.class.is_none())
                .max_by_key(|b| b.start)
                .map(|b| b.dest);
            if let Some(dest) = client {
                bindings.push(Binding::module(name, dest, line, start));
            } else if imports.contains_key(&chain[0]) {
                uses.push(Use {
                    chain,
                    span: 0..0,
                    finding: None,
                    binds: Some((name, line, start)),
                });
            }
        }
        for (i, t) in lx.tokens.iter().enumerate() {
            if t.tok != Tok::Str || t.key {
                continue;
            }
            let modelish =
                value_key(lx, text, i).is_some_and(|k| k.to_ascii_lowercase().contains("model"));
            // `client.chat.completions.create(model=...)`, or a model
            // factory's first argument (the AI SDK's `openrouter("...")`).
            let chain = if modelish {
                call_chain(lx, text, t.group)
            } else {
                model_factory(lx, text, i)
            }
            .or_else(|| param_default_chain(lx, text, lang, i))
            .or_else(|| modelish.then(|| plain_call(lx, text, t.group)).flatten());
            let Some(chain) = chain else {
                continue;
            };
            let raw = &text[t.inner.clone()];
            let start = t.inner.start + (raw.len() - raw.trim_start().len());
            let span = start..start + raw.trim().len();
            if span.is_empty() {
                continue;
            }
            // An attribute of the enclosing class (`self.client.chat...`),
            // else the nearest binding above the call, else an import.
            let attr = matches!(chain[0].as_str(), "self" | "this") && chain.len() > 2;
            let local = if attr {
                let name = format!("{}.{}", chain[0], chain[1]);
                let class = class_at(lx, text, lang, span.start);
                let mine = |b: &&Binding| b.name == name && class.is_some() && b.class == class;
                let above = bindings
                    .iter()
                    .filter(mine)
                    .filter(|b| b.start < span.start);
                above
                    .max_by_key(|b| b.start)
                    .or_else(|| bindings.iter().filter(mine).min_by_key(|b| b.start))
            } else {
                bindings
                    .iter()
                    .filter(|b| b.name == chain[0] && b.class.is_none() && b.start < span.start)
                    .filter(|b| visible(lx, text, lang, b, i))
                    .max_by_key(|b| b.start)
            };
            if let Some(b) = local {
                self.local_uses.push((span, b.clone(), b.name.clone()));
            } else if imports.contains_key(&chain[0]) {
                let finding = self.unread_id(span.clone());
                uses.push(Use {
                    chain,
                    span,
                    finding,
                    binds: None,
                });
            }
        }
        self.out.flow = Flow {
            lang: Some(lang),
            bindings: bindings.into_iter().filter(|b| b.top).collect(),
            imports: if uses.is_empty() {
                HashMap::new()
            } else {
                imports
            },
            uses,
        };
    }

    /// The finding an id of the OpenRouter form would have had where a
    /// model is expected, when the file made none (its author is unlisted).
    fn unread_id(&mut self, span: Range<usize>) -> Option<Finding> {
        if self.det.direct.is_some() {
            return None;
        }
        let s = &self.source.text[span.clone()];
        let made = |f: &Finding| f.kind == Kind::ModelSlug && f.span == span;
        if !self.det.slug.is_match(s) || self.out.gated.iter().chain(&self.out.findings).any(made) {
            return None;
        }
        let before = self.out.gated.len();
        self.emit_slug(span, true);
        (self.out.gated.len() > before)
            .then(|| self.out.gated.pop())
            .flatten()
    }

    /// `client = OpenAI(base_url=...)`, `client = openai.OpenAI(...)`,
    /// `export const client = new OpenAI({ baseURL: ... })`,
    /// `client: OpenAI = OpenAI(...)`.
    fn bindings(
        &self,
        lx: &Lexed,
        text: &str,
        lang: FileKind,
        imports: &HashMap<String, (String, String)>,
    ) -> Vec<Binding> {
        let s = |k: usize| &text[lx.tokens[k].span.clone()];
        let mut out = Vec::new();
        for g in 1..lx.groups.len() {
            if lx.groups[g].kind != b'(' {
                continue;
            }
            let Some(l) = label_token(lx, g).filter(|&l| lx.tokens[l].tok == Tok::Ident) else {
                continue;
            };
            let mut head = l;
            while let Some(q) = lx
                .prev_sig(head)
                .filter(|&d| s(d) == ".")
                .and_then(|d| lx.prev_sig(d))
                .filter(|&q| lx.tokens[q].tok == Tok::Ident)
            {
                head = q;
            }
            let mut p = lx.prev_sig(head);
            if p.is_some_and(|p| s(p) == "new" || s(p) == "await") {
                p = p.and_then(|p| lx.prev_sig(p));
            }
            // `export default new OpenAI({...})`: the module's default.
            if let Some(d) = p.filter(|&d| s(d) == "default" && lx.tokens[d].group == 0) {
                let export = lx.prev_sig(d).is_some_and(|e| s(e) == "export");
                if let (true, Some(dest)) = (export, self.dest_of(lx, text, g, imports)) {
                    let start = lx.tokens[d].span.start;
                    let line = self.source.line_col(start).0;
                    out.push(Binding::module(DEFAULT.to_owned(), dest, line, start));
                }
                continue;
            }
            let Some(eq) = p.filter(|&p| s(p) == "=") else {
                continue;
            };
            let mut n = lx.prev_sig(eq);
            // An annotated name: `client: OpenAI = ...` (on one line: the
            // colon ending `try:` above a binding is not an annotation).
            let same_line = |c: usize, t: usize| {
                !text[lx.tokens[c].span.end..lx.tokens[t].span.start].contains('\n')
            };
            if let Some(colon) = n
                .and_then(|t| lx.prev_sig(t).map(|c| (c, t)))
                .filter(|&(c, t)| s(c) == ":" && same_line(c, t))
                .map(|(c, _)| c)
            {
                n = lx.prev_sig(colon);
            }
            let Some(n) = n.filter(|&n| lx.tokens[n].tok == Tok::Ident) else {
                continue;
            };
            let Some(name) = bound_name(lx, text, lang, n) else {
                continue;
            };
            let Some(dest) = self.dest_of(lx, text, g, imports) else {
                continue;
            };
            let start = lx.tokens[n].span.start;
            let (line, col) = self.source.line_col(start);
            let class = if name.contains('.') {
                class_at(lx, text, lang, start)
            } else {
                None
            };
            let top = lx.tokens[n].group == 0
                && (lang != FileKind::Python || col == 1 || python_module_level(text, start));
            let scope = if top { 0 } else { scope_of(lx, text, lang, n) };
            out.push(Binding {
                name,
                dest,
                line,
                top,
                start,
                class,
                scope,
            });
        }
        if lang == FileKind::JavaScript {
            out.extend(default_exports(lx, text, &out));
        }
        out
    }

    /// Where the client a constructor call `g` builds sends requests, from
    /// the URLs and markers inside its arguments; None when they say nothing.
    fn dest_of(
        &self,
        lx: &Lexed,
        text: &str,
        g: usize,
        imports: &HashMap<String, (String, String)>,
    ) -> Option<Dest> {
        let span = lx.groups[g].span.clone();
        if self.det.direct.is_some() {
            // A source SDK client given a base URL of its own.
            let label = lx.label(text, g)?;
            let c = self.det.src.clients.iter().find(|c| c.name == label)?;
            let inner = (g..lx.groups.len()).filter(|&k| k == g || lx.groups[k].parent == g);
            let redirected = inner
                .flat_map(|k| lx.keys_in(text, k).collect::<Vec<_>>())
                .any(|k| c.base_args.iter().any(|b| b == k));
            return redirected.then_some(Dest::Other);
        }
        let inside: Vec<Anchor> = self
            .anchors
            .iter()
            .filter(|(o, _)| span.contains(o))
            .map(|(_, a)| *a)
            .collect();
        let base_at = |o: &usize| span.contains(o);
        let other = self.other_bases.iter().filter(|o| base_at(o)).any(|&o| {
            let t = lx.tokens.iter().find(|t| t.span.start == o);
            !t.is_some_and(|t| self.is_target_marker(&text[t.inner.clone()]))
        });
        let target = self.other_bases.iter().any(base_at) && !other;
        if inside.contains(&Anchor::Kept) {
            Some(Dest::Kept)
        } else if inside.contains(&Anchor::Url) || target {
            Some(Dest::Gateway)
        } else if other {
            Some(Dest::Other)
        } else if inside.contains(&Anchor::Marker) {
            Some(Dest::Gateway)
        } else {
            self.provider_default(lx, text, g, imports)
        }
    }

    /// Ids given straight to another host's client or model factory
    /// (`ChatGroq(model="openai/gpt-oss-120b")`, AI SDK's
    /// `groq("openai/gpt-oss-120b")`, `g("...")` after `g = createGroq()`)
    /// are that host's: not findings.
    fn drop_other_hosts_ids(
        &mut self,
        lx: &Lexed,
        text: &str,
        lang: FileKind,
        imports: &HashMap<String, (String, String)>,
        bindings: &[Binding],
    ) {
        let other_call = |g: usize| {
            if g == 0 || lx.groups[g].kind != b'(' {
                return false;
            }
            if self.provider_default(lx, text, g, imports) == Some(Dest::Other) {
                return true;
            }
            let Some(l) = label_token(lx, g).filter(|&l| lx.tokens[l].tok == Tok::Ident) else {
                return false;
            };
            let (name, at) = (&text[lx.tokens[l].span.clone()], lx.tokens[l].span.start);
            let bound = bindings
                .iter()
                .filter(|b| b.name == name && b.class.is_none() && b.start < at)
                .filter(|b| visible(lx, text, lang, b, l))
                .max_by_key(|b| b.start);
            bound.is_some_and(|b| b.dest == Dest::Other)
        };
        let sent_elsewhere = |span: &Range<usize>| {
            let t = lx.tokens.partition_point(|t| t.span.start <= span.start);
            let Some(t) = t
                .checked_sub(1)
                .filter(|&t| lx.tokens[t].span.contains(&span.start))
            else {
                return false;
            };
            lx.ancestors(lx.tokens[t].group).take(2).any(other_call)
        };
        let drop: Vec<Range<usize>> = self
            .out
            .findings
            .iter()
            .chain(&self.out.gated)
            .filter(|f| f.kind == Kind::ModelSlug && sent_elsewhere(&f.span))
            .map(|f| f.span.clone())
            .collect();
        // Decided with the other ids sent through clients, in `finish`
        // (findings are referred to by index until then).
        for span in drop {
            let line = self.source.line_col(span.start).0;
            let elsewhere = Binding::module(String::new(), Dest::Other, line, span.start);
            self.local_uses.push((span, elsewhere, String::new()));
        }
    }

    /// Another provider's SDK client (`Groq()`, imported from `groq`) not
    /// pointed elsewhere by a base URL argument: that provider's host.
    fn provider_default(
        &self,
        lx: &Lexed,
        text: &str,
        g: usize,
        imports: &HashMap<String, (String, String)>,
    ) -> Option<Dest> {
        let label = lx.label(text, g)?;
        let name = label.rsplit('.').next().unwrap_or(label);
        let head = label.split('.').next().unwrap_or(label);
        let row = self.det.src.provider_clients.iter().find(|p| {
            p.names.iter().any(|n| n == name)
                && imports.get(head).is_some_and(|(m, _)| {
                    let root = m.split(['.', '/']).next().unwrap_or(m);
                    p.modules.iter().any(|pm| pm == m || pm == root)
                })
        })?;
        let inner = (g..lx.groups.len()).filter(|&k| k == g || lx.groups[k].parent == g);
        let redirected = inner
            .flat_map(|k| lx.keys_in(text, k).collect::<Vec<_>>())
            .any(|k| row.base_args.iter().any(|b| b == k));
        (!redirected).then_some(Dest::Other)
    }

    /// Decide the ids passed through names bound in this file.
    pub(super) fn decide_local_uses(&mut self) {
        for (span, b, name) in std::mem::take(&mut self.local_uses) {
            let via = format!("`{name}` (line {})", b.line);
            let pre = match b.dest {
                Dest::Gateway => self.unread_id(span.clone()),
                _ => None,
            };
            apply(
                &mut self.out.findings,
                &mut self.out.gated,
                &span,
                b.dest,
                pre,
                &via,
            );
        }
    }
}

/// The name token `n` binds: itself, `self.client` / `this.client` for an
/// attribute, `this.client` for a TS/JS class field (`private client =
/// new OpenAI(...)`); None for another object's member (`cfg.client =`).
fn bound_name(lx: &Lexed, text: &str, lang: FileKind, n: usize) -> Option<String> {
    let s = |k: usize| &text[lx.tokens[k].span.clone()];
    let Some(dot) = lx.prev_sig(n).filter(|&d| s(d) == ".") else {
        let field = lang == FileKind::JavaScript && class_body(lx, text, lx.tokens[n].group);
        return Some(if field {
            format!("this.{}", s(n))
        } else {
            s(n).to_owned()
        });
    };
    let owner = lx.prev_sig(dot)?;
    let word = s(owner);
    let lone = lx.prev_sig(owner).is_none_or(|p| s(p) != ".");
    (matches!(
        (lang, word),
        (FileKind::Python, "self") | (FileKind::JavaScript, "this")
    ) && lone)
        .then(|| format!("{word}.{}", s(n)))
}

/// Whether group `g` is a TS/JS class body: `class Name [extends B]
/// [implements I, J] {`.
fn class_body(lx: &Lexed, text: &str, g: usize) -> bool {
    let Some(group) = lx.groups.get(g).filter(|gr| g != 0 && gr.kind == b'{') else {
        return false;
    };
    let open = group.span.start;
    let Some(mut k) = lx.tokens.iter().rposition(|t| t.span.end <= open) else {
        return false;
    };
    for _ in 0..16 {
        let t = &lx.tokens[k];
        match &text[t.span.clone()] {
            "class" if t.tok == Tok::Ident => return true,
            ";" | "{" | "}" | "(" | ")" | "=" | "=>" => return false,
            _ => {}
        }
        match lx.prev_sig(k) {
            Some(p) => k = p,
            None => return false,
        }
    }
    false
}

/// Where the class around `at` starts: the innermost class body (JS/TS),
/// or the nearest `class` line indented less than `at`'s line with nothing
/// in between indented as little (Python).
fn class_at(lx: &Lexed, text: &str, lang: FileKind, at: usize) -> Option<usize> {
    if lang != FileKind::Python {
        let t = lx
            .tokens
            .partition_point(|t| t.span.start <= at)
            .checked_sub(1)?;
        return lx
            .ancestors(lx.tokens[t].group)
            .find(|&g| class_body(lx, text, g))
            .map(|g| lx.groups[g].span.start);
    }
    python_block_at(text, at, |line| line.starts_with("class "))
}

/// Where the Python block around `at` that `opens` recognises starts: the
/// nearest such line indented less than `at`'s line with nothing in
/// between indented as little.
fn python_block_at(text: &str, at: usize, opens: impl Fn(&str) -> bool) -> Option<usize> {
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let line_start = text[..at].rfind('\n').map_or(0, |i| i + 1);
    let mut cur = indent(&text[line_start..]);
    let mut end = line_start;
    while cur > 0 && end > 0 {
        let start = text[..end - 1].rfind('\n').map_or(0, |i| i + 1);
        let line = &text[start..end - 1];
        end = start;
        let body = line.trim_start_matches([' ', '\t']);
        if body.is_empty() || body.starts_with('#') || indent(line) >= cur {
            continue;
        }
        if opens(body) {
            return Some(start);
        }
        cur = indent(line);
    }
    None
}

/// Where a name bound at token `n` is visible: its group for JS/TS (block
/// scope: calls in that group and inside it), the enclosing function for
/// Python (one past its `def` line's start, so never 0).
fn scope_of(lx: &Lexed, text: &str, lang: FileKind, n: usize) -> usize {
    if lang != FileKind::Python {
        return lx.tokens[n].group;
    }
    let def = |l: &str| l.starts_with("def ") || l.starts_with("async def ");
    python_block_at(text, lx.tokens[n].span.start, def).map_or(0, |d| d + 1)
}

/// Whether binding `b` is in scope at token `at`: a client bound in one
/// function is not the one a same-named variable in another function holds.
fn visible(lx: &Lexed, text: &str, lang: FileKind, b: &Binding, at: usize) -> bool {
    if b.scope == 0 {
        return true;
    }
    if lang != FileKind::Python {
        return lx.ancestors(lx.tokens[at].group).any(|g| g == b.scope);
    }
    scope_of(lx, text, lang, at) == b.scope
}

/// The name a module's default export is bound under (`import c from`).
pub const DEFAULT: &str = "default";

/// `export default client;` and `module.exports = client;` of a client
/// bound at module level: the same client as the module's default.
fn default_exports(lx: &Lexed, text: &str, bound: &[Binding]) -> Vec<Binding> {
    let s = |k: usize| &text[lx.tokens[k].span.clone()];
    let mut out = Vec::new();
    for (i, t) in lx.tokens.iter().enumerate() {
        if t.group != 0 || t.tok != Tok::Ident {
            continue;
        }
        let Some(p) = lx.prev_sig(i) else { continue };
        let exported = match s(p) {
            "default" => lx.prev_sig(p).is_some_and(|e| s(e) == "export"),
            "=" => lx
                .prev_sig(p)
                .filter(|&e| s(e) == "exports")
                .and_then(|e| lx.prev_sig(e))
                .filter(|&d| s(d) == ".")
                .and_then(|d| lx.prev_sig(d))
                .is_some_and(|m| s(m) == "module"),
            _ => false,
        };
        // The name itself, not the head of an expression (`export default client.x`).
        let ends = lx.next_sig(i).is_none_or(|n| matches!(s(n), ";" | "}"))
            || lx
                .next_sig(i)
                .is_some_and(|n| text[t.span.end..lx.tokens[n].span.start].contains('\n'));
        if !exported || !ends {
            continue;
        }
        let b = bound
            .iter()
            .filter(|b| b.top && b.name == s(i) && b.start < t.span.start)
            .max_by_key(|b| b.start);
        if let Some(b) = b {
            out.push(Binding {
                name: DEFAULT.to_owned(),
                start: t.span.start,
                ..b.clone()
            });
        }
    }
    out
}

/// Re-decide the id at `span` for a client that sends to `dest`: its
/// finding is kept (no longer waiting on a marker), made a manual item that
/// stays with the client, or dropped (another host's id).
pub fn apply(
    findings: &mut Vec<Finding>,
    gated: &mut Vec<Finding>,
    span: &Range<usize>,
    dest: Dest,
    pre: Option<Finding>,
    via: &str,
) {
    let made = |f: &Finding| f.kind == Kind::ModelSlug && f.span == *span;
    let existing = match gated.iter().position(made) {
        Some(i) => Some(gated.remove(i)),
        None => findings.iter().position(made).map(|i| findings.remove(i)),
    };
    let Some(mut f) = existing.or(pre) else {
        return;
    };
    match dest {
        Dest::Gateway => findings.push(f),
        Dest::Kept => {
            let why = format!(
                "{} stays: it is sent through {via}, a client whose OpenRouter URL is not rewritten automatically; change both together",
                f.matched
            );
            f.decide(Fix::Manual, why, "stays");
            findings.push(f);
        }
        Dest::Other => {}
    }
}

/// The receiver chain of the innermost call around group `g` that is a
/// method call (`client.chat.completions.create(...)`), innermost two
/// groups only (an argument, or an object argument).
fn call_chain(lx: &Lexed, text: &str, g: usize) -> Option<Vec<String>> {
    let s = |k: usize| &text[lx.tokens[k].span.clone()];
    let g = lx
        .ancestors(g)
        .take(2)
        .find(|&g| g != 0 && lx.groups[g].kind == b'(')?;
    let mut l = label_token(lx, g).filter(|&l| lx.tokens[l].tok == Tok::Ident)?;
    let mut chain = vec![s(l).to_owned()];
    while let Some(n) = lx
        .prev_sig(l)
        .filter(|&d| s(d) == ".")
        .and_then(|d| lx.prev_sig(d))
        .filter(|&n| lx.tokens[n].tok == Tok::Ident)
    {
        chain.push(s(n).to_owned());
        l = n;
    }
    chain.reverse();
    (chain.len() >= 2).then_some(chain)
}

/// Whether Python code at `at` runs at module level though indented: every
/// block around it is a `try`/`except`/`else`/`finally`/`if`/`with` (as in
/// `try:\n  client = OpenAI(...)\nexcept ...`), none a `def` or `class`.
fn python_module_level(text: &str, at: usize) -> bool {
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let line_start = text[..at].rfind('\n').map_or(0, |n| n + 1);
    let mut depth = indent(&text[line_start..at]);
    for line in text[..line_start].lines().rev() {
        if depth == 0 {
            break;
        }
        let body = line.trim_start();
        if body.is_empty() || body.starts_with('#') || indent(line) >= depth {
            continue;
        }
        let opener = body.split([' ', ':', '(']).next().unwrap_or("");
        if !matches!(
            opener,
            "try" | "except" | "else" | "finally" | "if" | "elif" | "with"
        ) {
            return false;
        }
        depth = indent(line);
    }
    depth == 0
}

/// A parameter's default (`def ask(q, model="...")`, `function ask(q,
/// model: string = "...")`) that its function sends as a model id
/// (`model=model`, `{ model }`) through a call on a client: that call's
/// chain, so the default is decided by that client like an id written in
/// the call.
fn param_default_chain(lx: &Lexed, text: &str, lang: FileKind, i: usize) -> Option<Vec<String>> {
    let s = |k: usize| &text[lx.tokens[k].span.clone()];
    let g = lx.tokens[i].group;
    lx.groups.get(g).filter(|gr| g != 0 && gr.kind == b'(')?;
    let callee = label_token(lx, g)?;
    lx.prev_sig(callee)
        .filter(|&k| matches!(s(k), "def" | "function"))?;
    let eq = lx.prev_sig(i).filter(|&p| s(p) == "=")?;
    let mut p = lx.prev_sig(eq)?;
    // `model: str = "..."`: the name is before the annotation.
    if let Some(colon) = lx.prev_sig(p).filter(|&c| s(c) == ":") {
        p = lx.prev_sig(colon)?;
    }
    let param = s(p);
    if lx.tokens[p].tok != Tok::Ident || !param.to_ascii_lowercase().contains("model") {
        return None;
    }
    sent_chain(lx, text, lang, g, param)
}

/// The chain of the call through which the function whose parameter list
/// is group `g` sends its parameter `param` as a model (`model=model`,
/// `{ model }`, `{ model: model }`).
fn sent_chain(
    lx: &Lexed,
    text: &str,
    lang: FileKind,
    g: usize,
    param: &str,
) -> Option<Vec<String>> {
    let s = |k: usize| &text[lx.tokens[k].span.clone()];
    let body = function_body(lx, text, lang, g)?;
    let sends = |k: usize| {
        let keyed =
            value_key(lx, text, k).is_some_and(|key| key.to_ascii_lowercase().contains("model"));
        // JS shorthand `{ model }`.
        let short = lx.groups[lx.tokens[k].group].kind == b'{'
            && lx.prev_sig(k).is_some_and(|q| matches!(s(q), "{" | ","))
            && lx.next_sig(k).is_none_or(|q| matches!(s(q), "}" | ","));
        keyed || short
    };
    (0..lx.tokens.len())
        .filter(|&k| {
            let t = &lx.tokens[k];
            t.tok == Tok::Ident && body.contains(&t.span.start) && s(k) == param && sends(k)
        })
        .find_map(|k| call_chain(lx, text, lx.tokens[k].group))
}

/// Module-level functions that send a model parameter through a call:
/// (function name, the call's chain, where the name is). A call of the
/// function with a model argument goes where that call goes.
fn model_functions(lx: &Lexed, text: &str, lang: FileKind) -> Vec<(String, Vec<String>, usize)> {
    let s = |k: usize| &text[lx.tokens[k].span.clone()];
    let mut out = Vec::new();
    for g in 1..lx.groups.len() {
        if lx.groups[g].kind != b'(' || lx.groups[g].parent != 0 {
            continue;
        }
        let Some(name) = label_token(lx, g) else {
            continue;
        };
        let Some(kw) = lx
            .prev_sig(name)
            .filter(|&k| matches!(s(k), "def" | "function"))
        else {
            continue;
        };
        let line_start = text[..lx.tokens[kw].span.start]
            .rfind('\n')
            .map_or(0, |n| n + 1);
        let prefix = &text[line_start..lx.tokens[kw].span.start];
        let top = !prefix.starts_with([' ', '\t'])
            && prefix
                .split_whitespace()
                .all(|w| matches!(w, "export" | "async" | "default"));
        if !top {
            continue;
        }
        let params = (0..lx.tokens.len()).filter(|&k| {
            let t = &lx.tokens[k];
            t.group == g
                && t.tok == Tok::Ident
                && s(k).to_ascii_lowercase().contains("model")
                && lx
                    .next_sig(k)
                    .is_none_or(|n| matches!(s(n), "=" | ":" | "," | ")"))
                && lx
                    .prev_sig(k)
                    .is_none_or(|p| matches!(s(p), "(" | "," | "*"))
        });
        for p in params {
            if let Some(chain) = sent_chain(lx, text, lang, g, s(p)) {
                out.push((s(name).to_owned(), chain, lx.tokens[name].span.start));
                break;
            }
        }
    }
    out
}

/// A plain call's callee (`ask(model="...")`, no receiver): one name.
fn plain_call(lx: &Lexed, text: &str, g: usize) -> Option<Vec<String>> {
    let g = lx
        .ancestors(g)
        .take(2)
        .find(|&g| g != 0 && lx.groups[g].kind == b'(')?;
    let callee = label_token(lx, g).filter(|&l| lx.tokens[l].tok == Tok::Ident)?;
    lx.prev_sig(callee)
        .is_none_or(|p| {
            !matches!(
                &text[lx.tokens[p].span.clone()],
                "." | "new" | "def" | "function"
            )
        })
        .then(|| vec![text[lx.tokens[callee].span.clone()].to_owned()])
}

/// The body of the function whose parameter list is group `g`: the lines
/// indented deeper than its `def` (Python), or the braces after it.
fn function_body(lx: &Lexed, text: &str, lang: FileKind, g: usize) -> Option<Range<usize>> {
    let params = lx.groups[g].span.clone();
    if lang != FileKind::Python {
        let parent = lx.groups[g].parent;
        return (g + 1..lx.groups.len())
            .find(|&k| lx.groups[k].parent == parent && lx.groups[k].span.start >= params.end)
            .filter(|&k| lx.groups[k].kind == b'{')
            .map(|k| lx.groups[k].span.clone());
    }
    let indent = |l: &str| l.len() - l.trim_start_matches([' ', '\t']).len();
    let def_line = text[..params.start].rfind('\n').map_or(0, |n| n + 1);
    let def_indent = indent(&text[def_line..params.start]);
    let start = text[params.end..].find('\n').map(|n| params.end + n + 1)?;
    let mut end = start;
    for line in text[start..].split_inclusive('\n') {
        let blank = line.trim().is_empty();
        if !blank && indent(line) <= def_indent {
            break;
        }
        end += line.len();
    }
    Some(start..end)
}

/// The callee of a plain call whose first argument is string `i`
/// (`groq("openai/gpt-oss-120b")`), as a one-name chain.
fn model_factory(lx: &Lexed, text: &str, i: usize) -> Option<Vec<String>> {
    let g = lx.tokens[i].group;
    let group = lx.groups.get(g).filter(|gr| g != 0 && gr.kind == b'(')?;
    let first = lx
        .prev_sig(i)
        .is_none_or(|p| lx.tokens[p].span.end <= group.span.start + 1);
    let callee = label_token(lx, g).filter(|&l| lx.tokens[l].tok == Tok::Ident)?;
    let plain = lx
        .prev_sig(callee)
        .is_none_or(|p| !matches!(&text[lx.tokens[p].span.clone()], "." | "new"));
    (first && plain).then(|| vec![text[lx.tokens[callee].span.clone()].to_owned()])
}

/// The token that introduced group `g` (its callee or key).
pub(super) fn label_token(lx: &Lexed, g: usize) -> Option<usize> {
    let r = lx.groups.get(g)?.label.clone()?;
    lx.tokens
        .binary_search_by_key(&r.start, |t| t.span.start)
        .ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    fn slug(at: usize) -> Finding {
        Finding {
            path: "a.py".into(),
            line: 3,
            column: 1,
            end_line: 3,
            end_column: 5,
            kind: Kind::ModelSlug,
            matched: "x-ai/grok-3".into(),
            replacement: Some("grok-3".into()),
            fix: Fix::Auto,
            message: "model".into(),
            rule: "t:models:x-ai/grok-3".into(),
            span: at..at + 11,
            edit: None,
        }
    }

    #[test]
    fn each_destination_decides_the_id_its_own_way() {
        let span = 10..21;
        for (dest, kept, fix) in [
            (Dest::Gateway, true, Fix::Auto),
            (Dest::Kept, true, Fix::Manual),
            (Dest::Other, false, Fix::Auto),
        ] {
            let (mut findings, mut gated) = (Vec::new(), vec![slug(10), slug(40)]);
            apply(&mut findings, &mut gated, &span, dest, None, "`c` (a.py:1)");
            // The other id is not touched; this one left the gated list.
            assert_eq!(gated.len(), 1);
            assert_eq!(gated[0].span.start, 40);
            assert_eq!(findings.len(), usize::from(kept), "{dest:?}");
            if let Some(f) = findings.first() {
                assert_eq!(f.fix, fix);
                if dest == Dest::Kept {
                    assert!(f.message.contains("`c` (a.py:1)"), "{}", f.message);
                    assert!(f.rule.ends_with(":stays"));
                }
            }
        }
        // An id the file did not report takes the finding made for it.
        let (mut findings, mut gated) = (Vec::new(), Vec::new());
        apply(
            &mut findings,
            &mut gated,
            &span,
            Dest::Gateway,
            Some(slug(10)),
            "c",
        );
        assert_eq!(findings.len(), 1);
        apply(
            &mut Vec::new(),
            &mut Vec::new(),
            &span,
            Dest::Other,
            Some(slug(10)),
            "c",
        );
    }
}
