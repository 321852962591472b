//! Attribution headers (HTTP-Referer, X-Title, X-OpenRouter-*) sent to OpenRouter.

use super::*;

impl FileCtx<'_, '_> {
    /// A header's own value (an app URL sent as HTTP-Referer) says nothing
    /// about where the request goes.
    pub(crate) fn is_header_value(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let is_header = |s: &str| {
            let s = s.trim();
            self.det.src.attribution_headers.iter().any(|h| {
                s.get(..h.len()).is_some_and(|p| p.eq_ignore_ascii_case(h))
                    && (s.len() == h.len() || s.as_bytes()[h.len()] == b':')
            })
        };
        is_header(&text[lx.tokens[i].inner.clone()])
            || value_key(lx, text, i).is_some_and(is_header)
            || lx.prev_sig(i).is_some_and(|p| {
                // Rust/Go: .header("HTTP-Referer", "https://..")
                let pt = &lx.tokens[p];
                pt.tok == Tok::Punct
                    && &text[pt.span.clone()] == ","
                    && lx
                        .prev_sig(p)
                        .is_some_and(|q| is_header(&text[lx.tokens[q].inner.clone()]))
            })
            || named_header_after(lx, text, i).is_some_and(is_header)
    }

    pub(crate) fn header(&mut self, lx: &Lexed, i: usize) {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let s = &text[t.inner.clone()];
        let trimmed = s.trim();
        for h in &self.det.src.attribution_headers {
            let exact = trimmed.eq_ignore_ascii_case(h);
            let prefixed = !exact
                && trimmed
                    .get(..h.len())
                    .is_some_and(|p| p.eq_ignore_ascii_case(h))
                && trimmed.as_bytes().get(h.len()) == Some(&b':');
            if !(exact || prefixed) {
                continue;
            }
            let start = t.inner.start + (s.len() - s.trim_start().len());
            let r = start..start + h.len();
            let disp = self
                .det
                .target
                .headers
                .iter()
                .find(|d| d.name.value.eq_ignore_ascii_case(h));
            let (fix, why) = match disp {
                Some(d) => (
                    match d.action {
                        Action::Drop => Fix::Auto,
                        Action::Keep => Fix::None,
                        Action::Manual => Fix::Manual,
                    },
                    format!("{}: {}", action_word(d.action), d.why),
                ),
                None => (
                    Fix::Manual,
                    format!("{} says nothing about it", self.det.target.name),
                ),
            };
            let f = self.finding(
                Kind::AttributionHeader,
                r,
                text[start..start + h.len()].to_owned(),
                None,
                fix,
                format!("OpenRouter attribution header {h}: {why}"),
                format!("{}:headers:{h}", self.det.target.id),
            );
            // spans[0] is the header's own map or call, skipped when judging
            // where the request goes (its values are the app's URL, not the
            // API's); a YAML mapping or a shell script is no such map.
            let own_is_map = t.group != 0 && matches!(lx.groups[t.group].kind, b'{' | b'(' | b'[');
            let mut spans: Vec<Range<usize>> = lx
                .ancestors(t.group)
                .map(|g| lx.groups[g].span.clone())
                .collect();
            if !own_is_map {
                spans.insert(0, 0..0);
            }
            self.headers.push((f, spans));
            return;
        }
    }
}

/// The header name a value is set for when the name comes after it, as a
/// labelled argument: Swift `setValue("https://..", forHTTPHeaderField: "HTTP-Referer")`.
fn named_header_after<'t>(lx: &Lexed, text: &'t str, i: usize) -> Option<&'t str> {
    let comma = lx.next_sig(i)?;
    let label = lx.next_sig(comma)?;
    let (ct, lt) = (&lx.tokens[comma], &lx.tokens[label]);
    let labelled = &text[ct.span.clone()] == ","
        && lt.tok == Tok::Ident
        && lt.key
        && text[lt.span.clone()]
            .to_ascii_lowercase()
            .contains("header");
    if !labelled {
        return None;
    }
    let name = lx.value_index(text, label)?;
    let nt = &lx.tokens[name];
    (nt.tok == Tok::Str).then(|| &text[nt.inner.clone()])
}
