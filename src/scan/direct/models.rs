//! Bare model ids (`gpt-4o`, `claude-3-5-sonnet-20241022`) where a model is expected.

use super::compatible;
use crate::finding::{Fix, Kind};
use crate::lang::lexer::{Lexed, Tok};
use crate::rules::schema::Status;
use crate::scan::detect::FileCtx;

impl FileCtx<'_, '_> {
    /// A bare model id (`gpt-4o`) where a model is expected, mapped through
    /// its OpenRouter slug and the target table.
    pub(in crate::scan) fn bare_model(&mut self, lx: &Lexed, i: usize) {
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
            Some(row) => self.listed_model(r, s, row),
        };
        self.push(f, true);
    }

    /// A model id the source table lists: the target's id, with why.
    fn listed_model(
        &self,
        r: std::ops::Range<usize>,
        s: &str,
        row: &crate::rules::schema::SourceModel,
    ) -> crate::finding::Finding {
        let (src, tg) = (self.det.src, self.det.target);
        let slug = &row.slug.value;
        let m = self.det.map_slug(slug);
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
            msg.push_str(&format!(
                "; {}",
                crate::rules::date::retirement(d, &crate::rules::date::today())
            ));
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

    /// Inside the arguments of a client constructor that already sets a
    /// base URL, or of a call on a variable bound to one (`proxy =
    /// OpenAI(base_url=...)`, then `proxy.chat.completions.create(...)`):
    /// that model goes to the other gateway, not the provider.
    fn in_redirected_client(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let redirected = |g: usize, inner: usize| {
            lx.label(text, g).is_some_and(|label| {
                self.det.src.clients.iter().any(|c| {
                    c.name == label
                        && lx
                            .keys_in(text, g)
                            .chain(lx.keys_in(text, inner))
                            .any(|k| c.base_args.iter().any(|b| b == k))
                })
            })
        };
        if lx
            .ancestors(t.group)
            .take(2)
            .any(|g| redirected(g, t.group))
        {
            return true;
        }
        // Names bound to a redirected client in this file.
        let bound: Vec<&str> = (1..lx.groups.len())
            .filter(|&g| redirected(g, g))
            .filter_map(|g| {
                let l = label_token(lx, g)?;
                let eq = lx
                    .prev_sig(l)
                    .filter(|&p| &text[lx.tokens[p].span.clone()] == "=")?;
                let v = lx
                    .prev_sig(eq)
                    .filter(|&v| lx.tokens[v].tok == Tok::Ident)?;
                Some(&text[lx.tokens[v].span.clone()])
            })
            .collect();
        !bound.is_empty()
            && lx.ancestors(t.group).take(2).any(|g| {
                label_token(lx, g)
                    .map(|l| receiver(lx, text, l))
                    .is_some_and(|r| bound.contains(&r))
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

/// The token that introduced group `g` (its callee or key).
fn label_token(lx: &Lexed, g: usize) -> Option<usize> {
    let r = lx.groups.get(g)?.label.clone()?;
    lx.tokens
        .binary_search_by_key(&r.start, |t| t.span.start)
        .ok()
}

/// The first name of a dotted call chain ending at token `l`
/// (`proxy` in `proxy.chat.completions.create`).
fn receiver<'t>(lx: &Lexed, text: &'t str, mut l: usize) -> &'t str {
    while let Some(dot) = lx
        .prev_sig(l)
        .filter(|&d| &text[lx.tokens[d].span.clone()] == ".")
    {
        match lx.prev_sig(dot).filter(|&n| lx.tokens[n].tok == Tok::Ident) {
            Some(n) => l = n,
            None => break,
        }
    }
    &text[lx.tokens[l].span.clone()]
}
