//! Model ids: OpenRouter slugs in requests and configuration, and their mapping.

use super::*;

/// The model ids the tables know (those with a `/`), found inside longer
/// strings (prompts, help text, lists) as whole ids: not inside a longer
/// word, path or id, optionally with an OpenRouter variant (`:free`).
/// One Aho-Corasick automaton: a regex alternation of hundreds of ids cost
/// most of the scanner's start-up to compile.
pub(crate) struct KnownIds {
    ids: aho_corasick::AhoCorasick,
}

impl KnownIds {
    pub(crate) fn new<'a>(ids: impl Iterator<Item = &'a String>) -> Option<KnownIds> {
        let ids = aho_corasick::AhoCorasick::new(ids).expect("model ids are short literals");
        (ids.patterns_len() > 0).then_some(KnownIds { ids })
    }

    /// The ids in `s`, left to right, without overlaps: at the first start
    /// where one fits, the longest that does. An id fits after the start of
    /// `s` or a character outside `[A-Za-z0-9_./~]`, and ends (after its
    /// variant, if any) at the end of `s` or before a character outside
    /// `[A-Za-z0-9_./-]`.
    pub(crate) fn find_all(&self, s: &str) -> Vec<Range<usize>> {
        let b = s.as_bytes();
        let mut found: Vec<(usize, usize)> = self
            .ids
            .find_overlapping_iter(s)
            .filter(|m| m.start() == 0 || !is_id_byte(b[m.start() - 1], b'~'))
            .map(|m| (m.start(), m.end()))
            .collect();
        // By start, and the longest first at each.
        found.sort_by_key(|&(start, end)| (start, std::cmp::Reverse(end)));
        let ends_here = |e: usize| e == b.len() || !is_id_byte(b[e], b'-');
        let mut out: Vec<Range<usize>> = Vec::new();
        for (start, end) in found {
            if out.last().is_some_and(|r| start < r.end) {
                continue;
            }
            // A variant (`:free`), when what follows it ends the id.
            let variant = (b.get(end) == Some(&b':'))
                .then(|| {
                    end + 1
                        + b[end + 1..]
                            .iter()
                            .take_while(|&&c| is_variant_byte(c))
                            .count()
                })
                .filter(|&v| v > end + 1 && ends_here(v));
            match variant {
                Some(v) => out.push(start..v),
                None if ends_here(end) => out.push(start..end),
                None => {}
            }
        }
        out
    }
}

/// `[A-Za-z0-9_./]` and `extra`: characters that continue an id, path or word.
fn is_id_byte(c: u8, extra: u8) -> bool {
    c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'/') || c == extra
}

fn is_variant_byte(c: u8) -> bool {
    c.is_ascii_lowercase() || c.is_ascii_digit() || c == b'-'
}

impl FileCtx<'_, '_> {
    pub(crate) fn slug(&mut self, lx: &Lexed, i: usize) {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let raw = &text[t.inner.clone()];
        let s = raw.trim();
        let start = t.inner.start + (raw.len() - raw.trim_start().len());
        if self.prefix_routed && self.det.direct.is_none() {
            if let Some(p) = &self.det.src.litellm_prefix {
                if s.strip_prefix(p.as_str()) == Some("*") {
                    let f = self.finding(
                        Kind::ModelSlug,
                        start..start + s.len(),
                        s.to_owned(),
                        None,
                        Fix::Manual,
                        format!(
                            "wildcard route: every {p}<author>/<model> id goes to OpenRouter; add a route for {} (an OpenAI-compatible provider with its base URL) and move the ids to it",
                            self.det.target.name
                        ),
                        format!("{}:model-slug:wildcard", self.det.src.id),
                    );
                    self.anchors.push((f.span.start, Anchor::Kept));
                    self.push(f, false);
                    return;
                }
                // LiteLLM's OpenAI-compatible route to an OpenRouter id
                // (`openai/anthropic/claude-3.5-sonnet` with OpenRouter's
                // `api_base`): the id after `openai/` is what the base URL
                // receives, and must change when that URL moves.
                if let Some(rest) = s.strip_prefix("openai/").filter(|r| r.contains('/')) {
                    if let Some(g) = self.slug_candidate(rest) {
                        let at = start + "openai/".len();
                        let before = self.out.gated.len();
                        self.emit_slug(at..at + rest.len(), g);
                        self.slug_read(lx, i, before);
                        return;
                    }
                }
                // `~author/model-latest` aliases exist only on OpenRouter.
                if !s.starts_with(p.as_str()) && !s.starts_with('~') {
                    return;
                }
            }
        }
        // Every id has a `/` (the regex below and the longer-string look
        // both need one): most strings have none.
        if !s.contains('/') {
            return;
        }
        if self.det.slug.is_match(s) {
            let candidate = self.slug_candidate(s);
            if candidate.is_none()
                && self.client_option(lx, i, true)
                && !self.excluded_slug_context(lx, i)
            {
                let spans = self.enclosing(lx, i);
                self.option_ids.push((start..start + s.len(), spans));
            }
            // An author no table lists, with one of OpenRouter's variant
            // suffixes (`tngtech/deepseek-r1t2-chimera:free`) where a model
            // is expected: only OpenRouter names models so.
            let suffixed = || {
                s.rsplit_once(':')
                    .is_some_and(|(_, x)| self.det.src.suffixes.iter().any(|k| k == x))
            };
            let candidate = candidate.or_else(|| {
                (suffixed() && self.model_context(lx, i) && !self.excluded_slug_context(lx, i))
                    .then_some(true)
            });
            if let Some(g) = candidate {
                // An id no table knows counts only where a model is expected.
                let known = self.det.known_slugs.contains(slug_base(self.det.src, s));
                if (!g || known || self.model_context(lx, i)) && !self.excluded_slug_context(lx, i)
                {
                    let before = self.out.gated.len();
                    self.emit_slug(start..start + s.len(), g);
                    self.slug_read(lx, i, before);
                    let group = lx.tokens[i].group;
                    if self.prefix_routed
                        && group != 0
                        && self.anchors.last() == Some(&(start, Anchor::Kept))
                    {
                        self.kept_routes
                            .push((start, lx.groups[group].span.clone()));
                    }
                }
            }
            return;
        }
        // Prompts and longer strings: ids the tables know, and ids offered
        // as a list item or carrying an OpenRouter variant suffix.
        if s.len() > 6 && s.contains('/') {
            self.ids_in_text(lx, i);
        }
    }

    /// Ids inside a longer string (help text, a prompt, a list of ids).
    fn ids_in_text(&mut self, lx: &Lexed, i: usize) {
        let Some(known) = &self.det.known_ids else {
            return;
        };
        let t = &lx.tokens[i];
        let raw = &self.source.text[t.inner.clone()];
        // `groq:openai/gpt-oss-120b` (pydantic-ai, an AI SDK registry): a
        // route to another provider, not OpenRouter's id.
        let src = self.det.src.id.as_str();
        let routed_elsewhere = |at: usize| {
            raw[..at]
                .trim_start()
                .strip_suffix(':')
                .filter(|w| {
                    w.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
                        && w.chars()
                            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_')
                })
                .is_some_and(|w| !w.eq_ignore_ascii_case(src))
        };
        let found = known.find_all(raw);
        let any = !found.is_empty();
        let mut hits: Vec<Range<usize>> = found
            .into_iter()
            .filter(|m| !routed_elsewhere(m.start))
            .map(|m| t.inner.start + m.start..t.inner.start + m.end)
            .collect();
        if !any {
            hits = self
                .offered_slugs(raw)
                .into_iter()
                .map(|r| t.inner.start + r.start..t.inner.start + r.end)
                .collect();
        }
        if hits.is_empty() || self.excluded_slug_context(lx, i) {
            return;
        }
        for r in hits {
            self.emit_slug(r, true);
            // An id inside prose (help text, a prompt) is a person's call: a
            // rewrite could read "gpt-4o or gpt-4o" or change what a prompt says.
            if let Some(f) = self.out.gated.last_mut().filter(|f| f.fix == Fix::Auto) {
                f.fix = Fix::Manual;
                f.edit = None;
                f.message
                    .push_str("; inside a longer string (help text, a prompt): change it by hand");
            }
        }
    }

    /// A whole-value id, decided with the file's URLs once they are all
    /// known: one in an object or call that holds another host's URL is
    /// sent there, and one sent through an OpenRouter SDK that stays must
    /// stay with it.
    fn slug_read(&mut self, lx: &Lexed, i: usize, before: usize) {
        if self.out.gated.len() != before + 1 {
            return;
        }
        let spans = self.enclosing(lx, i);
        let option = self.client_option(lx, i, true);
        self.slug_reads.push((before, spans, option));
    }

    /// The groups around token `i`, innermost first, after an empty one
    /// (the token's own: `destination` skips it).
    fn enclosing(&self, lx: &Lexed, i: usize) -> Vec<Range<usize>> {
        std::iter::once(0..0)
            .chain(
                lx.ancestors(lx.tokens[i].group)
                    .map(|g| lx.groups[g].span.clone()),
            )
            .collect()
    }

    /// Ids of known authors inside a longer string that offer a model: a
    /// menu line (`echo "  - google/gemini-flash-1.5:free"`) or an id with
    /// one of OpenRouter's variant suffixes (`:free`), which nothing else uses.
    fn offered_slugs(&self, raw: &str) -> Vec<Range<usize>> {
        let src = self.det.src;
        let known_author = |id: &str| {
            let base = id.split(':').next().unwrap_or(id);
            let author = base.trim_start_matches('~').split('/').next().unwrap_or("");
            self.det.authors.contains(author) && self.det.slug.is_match(id)
        };
        let trimmed = raw.trim();
        let item = trimmed
            .strip_prefix(['-', '*'])
            .or_else(|| {
                let d = trimmed.trim_start_matches(|c: char| c.is_ascii_digit());
                (d.len() < trimmed.len())
                    .then(|| d.strip_prefix(['.', ')']))
                    .flatten()
            })
            .filter(|rest| rest.starts_with([' ', '\t']))
            .map(str::trim);
        if let Some(id) = item.filter(|id| known_author(id)) {
            let start = raw.find(id).unwrap_or(0);
            return std::iter::once(start..start + id.len()).collect();
        }
        let mut out = Vec::new();
        let mut at = 0;
        // `NAME=id` (a compose list entry) splits at `=` too.
        let sep = |c: char| c.is_whitespace() || "\"'`,;()[]{}<>=".contains(c);
        for word in raw.split_inclusive(sep) {
            let w = word.trim_end_matches(sep);
            let w = w.trim_end_matches(['.', '!', '?']);
            let suffixed = w
                .rsplit_once(':')
                .is_some_and(|(_, sfx)| src.suffixes.iter().any(|x| x == sfx));
            if suffixed && known_author(w) {
                out.push(at..at + w.len());
            }
            at += word.len();
        }
        out
    }

    /// Whether token `i` sits where a model id is expected: the value of a
    /// model-ish key or variable, an argument of a model/chat call, an item
    /// of a fallback list, or a value in a request next to `messages`.
    pub(crate) fn model_context(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let modelish = |s: &str| {
            let l = s.to_ascii_lowercase();
            l.contains("model") || l.contains("fallback") || l.contains("openrouter")
        };
        if value_key(lx, text, i).is_some_and(modelish) {
            return true;
        }
        // The default of a model setting: `getenv("OPENROUTER_MODEL", "a/b")`,
        // `getOrDefault("MODEL", "a/b")`.
        let default_of = lx
            .prev_sig(i)
            .filter(|&p| &text[lx.tokens[p].span.clone()] == ",")
            .and_then(|p| lx.prev_sig(p))
            .map(|n| &lx.tokens[n])
            .filter(|n| n.tok == Tok::Str && !n.key);
        if default_of.is_some_and(|n| text[n.inner.clone()].to_ascii_lowercase().contains("model"))
        {
            return true;
        }
        let t = &lx.tokens[i];
        lx.ancestors(t.group).take(2).any(|g| {
            lx.label(text, g).is_some_and(|l| {
                let l = l.to_ascii_lowercase();
                modelish(&l)
                    || l.contains("completion")
                    || l.contains("chat")
                    || l.contains("generate")
            }) || lx.keys_in(text, g).any(|k| k == "messages")
        })
    }

    /// Whether `s` names an OpenRouter model; `Some(gated)`.
    pub(crate) fn slug_candidate(&self, s: &str) -> Option<bool> {
        let src = self.det.src;
        let body = s.split("@preset/").next().unwrap_or(s);
        let (litellm, body) = match src
            .litellm_prefix
            .as_deref()
            .and_then(|p| body.strip_prefix(p))
        {
            Some(rest) if rest.contains('/') => (true, rest),
            _ => (false, body),
        };
        let base = body.split(':').next().unwrap_or(body);
        if src.routers.iter().any(|r| r == base) || (base.starts_with("openrouter/") && !litellm) {
            return Some(false);
        }
        let author = base.trim_start_matches('~').split('/').next().unwrap_or("");
        if !self.det.authors.contains(author) && !self.det.known_slugs.contains(base) {
            return None;
        }
        Some(!litellm)
    }

    pub(crate) fn excluded_slug_context(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        if let Some(k) = value_key(lx, text, i) {
            let k = k.to_ascii_lowercase();
            if NOT_MODEL_KEYS.contains(&k.as_str()) {
                return true;
            }
        }
        for g in lx.ancestors(t.group).take(3) {
            if let Some(l) = lx.label(text, g) {
                let l = l.to_ascii_lowercase();
                if HF_CONTEXT.iter().any(|h| l.contains(h))
                    || NOT_MODEL_KEYS.contains(&l.as_str()) && g == t.group
                {
                    return true;
                }
            }
        }
        let (line, _) = self.source.line_col(t.span.start);
        let lt = self.source.line_text(line).to_ascii_lowercase();
        HF_CONTEXT.iter().any(|h| lt.contains(h))
            || lt.contains("hf.co/")
            || self.under_other_provider(lx, i)
    }

    /// Whether token `i` sits under another provider's entry of a table
    /// keyed by provider (`"nearai": { {ID: "openai/gpt-oss-120b"} },
    /// "openrouter": { {ID: ..} }`, or `groq: {model: ..}` beside
    /// `openrouter: {model: ..}`): that provider serves the id under that
    /// name, whatever OpenRouter calls it. The entries must have one shape
    /// (the same bracket, and a key in common or no keys at all), so a
    /// `models:` section beside an `openrouter:` block of settings still
    /// counts. The shape, not the ids, decides: after a rewrite the
    /// OpenRouter entry holds the target's ids, and a second run must
    /// decide alike.
    fn under_other_provider(&self, lx: &Lexed, i: usize) -> bool {
        if self.provider_tables.is_empty() {
            return false;
        }
        let text = &self.source.text;
        lx.ancestors(lx.tokens[i].group)
            .take_while(|&g| g != 0)
            .take(4)
            .any(|g| {
                let parent = lx.groups[g].parent;
                let entries = || {
                    self.provider_tables
                        .iter()
                        .filter(move |&&(p, o)| p == parent && o != g)
                };
                if entries().next().is_none() {
                    return false;
                }
                // `g` is the value of a key of the same table, not named
                // after OpenRouter (a call's arguments are not an entry).
                let Some(label) = lx.groups[g].label.clone() else {
                    return false;
                };
                let k = lx.tokens.partition_point(|t| t.span.start < label.start);
                let is_key = lx
                    .tokens
                    .get(k)
                    .is_some_and(|t| t.key && t.group == parent && t.span == label);
                is_key
                    && !names_openrouter(&text[label])
                    && entries().any(|&(_, o)| same_shape(lx, text, g, o))
            })
    }

    /// A model id as a key (`{'anthropic/claude-sonnet-4.6': 200_000}`): a
    /// table the code looks ids up in. Ids rewritten elsewhere would miss
    /// it, so it is a manual item: add the target's id beside it.
    pub(crate) fn slug_key(&mut self, lx: &Lexed, i: usize) {
        if self.det.direct.is_some() || self.prefix_routed {
            return;
        }
        let t = &lx.tokens[i];
        let raw = &self.source.text[t.inner.clone()];
        let s = raw.trim();
        // Most keys hold no `/`: no regex for them (every key of every
        // file with a trigger comes here).
        if !s.contains('/')
            || !self.det.slug.is_match(s)
            || !self.det.known_slugs.contains(slug_base(self.det.src, s))
        {
            return;
        }
        let start = t.inner.start + (raw.len() - raw.trim_start().len());
        let before = self.out.gated.len();
        self.emit_slug(start..start + s.len(), true);
        let Some(f) = self.out.gated.get_mut(before) else {
            return;
        };
        if f.fix == Fix::None {
            return;
        }
        let why = match &f.replacement {
            Some(to) if f.fix == Fix::Auto => format!(
                "{s} is a key of a table of model ids (code looks ids up in it): ids rewritten elsewhere become {to} and would miss it; add {to} as a key beside it"
            ),
            _ => format!("{} (a key of a table of model ids)", f.message),
        };
        f.decide(Fix::Manual, why, "table-key");
    }

    pub(crate) fn emit_slug(&mut self, r: Range<usize>, gated: bool) {
        let text = &self.source.text;
        let s = &text[r.clone()];
        if self.det.accepted.contains(s) {
            // Already the target's own id (a migrated tree): nothing to do.
            return;
        }
        let m = self.det.map_slug(s);
        let repl = m.to.clone();
        let mut msg = match m.fix {
            Fix::Auto => format!(
                "model {} -> {} ({})",
                s,
                repl.as_deref().unwrap_or("?"),
                m.why
            ),
            Fix::None => format!("model {s}: {}", m.why),
            Fix::Manual => format!("model {s}: {}", m.why),
        };
        if let Some(d) = &m.retires_on {
            msg.push_str(&format!(
                "; {}",
                crate::rules::date::retirement(d, &crate::rules::date::today())
            ));
        }
        if m.status == Status::Unverified && repl.is_none() {
            msg = format!("model {s}: {}", m.why);
        }
        if let Some(note) = self.tool_model_note(s, repl.as_deref()) {
            msg = note;
        }
        let f = self.finding(Kind::ModelSlug, r, s.to_owned(), repl, m.fix, msg, m.rule);
        if !gated {
            // In a LiteLLM/aider file the id is the route: one left to a
            // person keeps its request on OpenRouter.
            let a = match (self.prefix_routed, f.fix) {
                (false, _) => Anchor::Marker,
                (true, Fix::Auto) => Anchor::Url,
                (true, _) => Anchor::Kept,
            };
            self.anchors.push((f.span.start, a));
            self.out.has_marker = true;
        }
        self.push(f, gated);
    }
}

fn names_openrouter(s: &str) -> bool {
    contains_ignore_ascii_case(s, "openrouter") || contains_ignore_ascii_case(s, "open_router")
}

/// `(group, value group)` of each key that is OpenRouter's name and opens
/// a group (`"openrouter": { .. }`, `OpenRouter:` over a mapping); a key
/// that only mentions it (`openrouter_api_key: { .. }` in a settings
/// schema) is not a provider's entry.
pub(super) fn provider_tables(lx: &Lexed, text: &str) -> Vec<(usize, usize)> {
    // Only the text these tokens cover: a JSON body lexed inside a string
    // must not search the whole file again.
    let (Some(first), Some(last)) = (lx.tokens.first(), lx.tokens.last()) else {
        return Vec::new();
    };
    if !names_openrouter(&text[first.span.start..last.span.end]) {
        return Vec::new();
    }
    let is_name = |k: &str| {
        let mut bare = k.chars().filter(char::is_ascii_alphanumeric);
        let word: String = bare.by_ref().take(13).collect();
        word.eq_ignore_ascii_case("openrouter") || word.eq_ignore_ascii_case("openrouterai")
    };
    (0..lx.tokens.len())
        .filter(|&k| lx.tokens[k].key && is_name(&text[lx.tokens[k].inner.clone()]))
        .filter_map(|k| Some((lx.tokens[k].group, lx.value_group(k)?)))
        .collect()
}

/// Whether two entries of a table have one shape: the same bracket, and a
/// key in common (anywhere inside: entries nest, `{ {ID: ..}, .. }`) or no
/// keys at all. A YAML mapping's span starts at its own key, which is not
/// one of its keys.
fn same_shape(lx: &Lexed, text: &str, a: usize, b: usize) -> bool {
    let keys = |g: usize| -> Vec<&str> {
        let span = &lx.groups[g].span;
        let from = lx.tokens.partition_point(|t| t.span.start < span.start);
        let to = lx.tokens.partition_point(|t| t.span.start < span.end);
        (from..to)
            .filter(|&k| lx.tokens[k].key && lx.ancestors(lx.tokens[k].group).any(|x| x == g))
            .map(|k| text[lx.tokens[k].inner.clone()].trim_matches(|c: char| c == '"' || c == '\''))
            .collect()
    };
    if lx.groups[a].kind != lx.groups[b].kind {
        return false;
    }
    let (ka, kb) = (keys(a), keys(b));
    ka.is_empty() && kb.is_empty() || ka.iter().any(|k| kb.contains(k))
}

#[cfg(test)]
mod tests {
    use super::KnownIds;

    fn found(s: &str) -> Vec<&str> {
        let ids: Vec<String> = [
            "openai/gpt-4o",
            "openai/gpt-4o-mini",
            "google/gemini-2.5-pro",
        ]
        .map(String::from)
        .to_vec();
        let known = KnownIds::new(ids.iter()).unwrap();
        known.find_all(s).into_iter().map(|r| &s[r]).collect()
    }

    #[test]
    fn known_ids_are_found_whole_with_their_variant() {
        assert_eq!(found("Use openai/gpt-4o-mini here"), ["openai/gpt-4o-mini"]);
        assert_eq!(found("openai/gpt-4o:free, or not"), ["openai/gpt-4o:free"]);
        // A variant that runs into more id characters is not one; the id
        // before the colon still is.
        assert_eq!(found("openai/gpt-4o:Free"), ["openai/gpt-4o"]);
        assert_eq!(found("(google/gemini-2.5-pro)"), ["google/gemini-2.5-pro"]);
        // Two ids one separator apart are both found.
        assert_eq!(
            found("openai/gpt-4o google/gemini-2.5-pro"),
            ["openai/gpt-4o", "google/gemini-2.5-pro"]
        );
    }

    #[test]
    fn ids_inside_longer_words_paths_or_ids_are_not() {
        for s in [
            "models/openai/gpt-4o",
            "~openai/gpt-4o",
            "xopenai/gpt-4o",
            "openai/gpt-4o-minix",
            "openai/gpt-4o.json",
            "openai/gpt-4o/",
            "OPENAI/GPT-4O",
        ] {
            assert!(found(s).is_empty(), "{s}: {:?}", found(s));
        }
    }
}
