//! Base URLs: OpenRouter hosts and endpoints, and what each becomes on the target.

use super::*;

impl FileCtx<'_, '_> {
    /// Report OpenRouter URLs in token `i`; what the token anchors, if it
    /// held one (`Kept` when rewrite leaves the URL on OpenRouter).
    pub(super) fn base_urls(&mut self, lx: &Lexed, i: usize) -> Option<Anchor> {
        let range = lx.tokens[i].inner.clone();
        let whole = self.source.text[range.clone()].trim();
        // Host-only mentions count only as a whole value, never inside prose.
        let text = &self.source.text;
        // Every match holds one of the hosts: most tokens hold none, and
        // the regex costs more than this look (non-ASCII text goes to the
        // regex, whose case-insensitive matching is Unicode's).
        let token = &text[range.clone()];
        if token.is_ascii()
            && !self
                .det
                .hosts_lower
                .iter()
                .any(|h| super::contains_ignore_ascii_case(token, h))
        {
            return None;
        }
        let prose = whole.contains(char::is_whitespace);
        let mut any = None;
        let hits: Vec<Range<usize>> = self
            .det
            .url
            .find_iter(&text[range.clone()])
            .map(|m| range.start + m.start()..range.start + m.end())
            .collect();
        for r in hits {
            // Part of another host or an e-mail address: not OpenRouter's API
            // (but `${VAR:-https://openrouter.ai/...}` is a default value).
            if r.start > 0 {
                let b = text.as_bytes();
                let prev = b[r.start - 1];
                let prev2 = if r.start > 1 { b[r.start - 2] } else { b' ' };
                if prev.is_ascii_alphanumeric()
                    || matches!(prev, b'.' | b'@' | b'_')
                    || (prev == b'-' && prev2.is_ascii_alphanumeric())
                {
                    continue;
                }
            }
            let m = text[r.clone()].trim_end_matches(['.', ':']);
            let r = r.start..r.start + m.len();
            let host_only = !m.contains("://") && !m.contains('/');
            if host_only && (prose || m != whole || self.limited) {
                continue;
            }
            let f = if self.det.direct.is_some() {
                self.classify_direct_url(r)
            } else {
                self.classify_url(r)
            };
            if let Some(f) = f {
                if (prose || self.limited) && f.fix == Fix::Manual && f.rule.ends_with(":host") {
                    continue;
                }
                let a = if f.fix == Fix::Auto {
                    Anchor::Url
                } else {
                    Anchor::Kept
                };
                self.anchors.push((f.span.start, a));
                self.push(f, false);
                any = Some(any.map_or(a, |b: Anchor| b.max(a)));
            }
        }
        any
    }

    pub(crate) fn classify_url(&self, r: Range<usize>) -> Option<Finding> {
        let det = self.det;
        let tg = det.target;
        let m = &self.source.text[r.clone()];
        let url = crate::scan::url::UrlParts::parse(m);
        let (host, path, query) = (url.host.as_str(), url.path, url.query);
        let base = tg.base_url.trim_end_matches('/');
        if host.starts_with("api.") {
            return Some(self.url_finding(
                &r,
                Fix::Manual,
                Some(url.like_written(base)),
                format!("'{host}' is not an OpenRouter host (its API is openrouter.ai/api/v1); point this at {base}"),
                "mistaken-host",
            ));
        }
        let path_t = path.trim_end_matches('/');
        if path_t.is_empty() {
            return Some(self.url_finding(
                &r,
                Fix::Manual,
                Some(url.like_written(base)),
                format!(
                    "OpenRouter host without a path: this client appends OpenRouter's own paths; configure {} with its base URL {base}",
                    tg.name
                ),
                "host",
            ));
        }
        let trailing = &path[path_t.len()..];
        let anthropic = det.src.anthropic_path.as_deref();
        if anthropic.is_some_and(|a| path_t == a.trim_end_matches('/')) {
            let repl = tg.anthropic_base_url.as_ref().map(|a| {
                url.like_written(&format!("{}{trailing}{query}", a.trim_end_matches('/')))
            });
            return Some(self.anthropic_base(&r, repl));
        }
        let api = det.src.api_path.trim_end_matches('/');
        let Some(sub) = path_t.strip_prefix(api) else {
            // Web pages (docs, keys, model pages) are links, not dependencies.
            return path_t.starts_with("/api").then(|| {
                self.url_finding(
                    &r,
                    Fix::Manual,
                    None,
                    format!("OpenRouter API path '{path}' with no known equivalent"),
                    "unknown",
                )
            });
        };
        if sub.is_empty() {
            return Some(self.url_finding(
                &r,
                Fix::Auto,
                Some(url.like_written(&format!("{base}{trailing}{query}"))),
                format!("OpenRouter API base URL -> {} base URL", tg.name),
                "base",
            ));
        }
        if !sub.starts_with('/') {
            return None;
        }
        let rest = format!("{trailing}{query}");
        Some(self.endpoint(&r, sub, |u| url.like_written(&format!("{u}{rest}"))))
    }

    /// A base-url finding of `fix` for the URL at `r`.
    fn url_finding(
        &self,
        r: &Range<usize>,
        fix: Fix,
        repl: Option<String>,
        msg: String,
        rule: &str,
    ) -> Finding {
        self.finding(
            Kind::BaseUrl,
            r.clone(),
            self.source.text[r.clone()].to_owned(),
            repl,
            fix,
            msg,
            format!("{}:base-url:{rule}", self.det.src.id),
        )
    }

    /// OpenRouter's Anthropic-compatible base: the target's, or manual where
    /// it has none (`repl` is `None`).
    fn anthropic_base(&self, r: &Range<usize>, repl: Option<String>) -> Finding {
        let name = &self.det.target.name;
        match repl {
            Some(repl) => self.url_finding(
                r,
                Fix::Auto,
                Some(repl),
                format!("OpenRouter Anthropic-compatible base -> {name} Anthropic-compatible base"),
                "anthropic",
            ),
            None => self.url_finding(
                r,
                Fix::Manual,
                None,
                format!("{name} has no Anthropic-compatible surface"),
                "anthropic",
            ),
        }
    }

    /// An OpenRouter endpoint (`sub`, under the API base): the target's
    /// equivalent, or manual. `written` turns a target URL into the URL as
    /// the code writes it (scheme, trailing path and query kept).
    fn endpoint(&self, r: &Range<usize>, sub: &str, written: impl Fn(&str) -> String) -> Finding {
        let (det, tg) = (self.det, self.det.target);
        let base = tg.base_url.trim_end_matches('/');
        let ep = det.src.endpoint(sub);
        let Some(ep) = ep else {
            let msg = format!(
                "OpenRouter endpoint '{sub}' is not in the table; check {} by hand",
                tg.name
            );
            return self.url_finding(r, Fix::Manual, None, msg, "unknown");
        };
        let mapped = tg.endpoints.iter().find(|e| e.path == ep.path);
        let Some((to, e)) = mapped.and_then(|e| e.to.as_ref().map(|to| (to, e))) else {
            let why = mapped.and_then(|e| e.why.clone());
            let kind = ep.kind.word();
            let msg = format!(
                "OpenRouter-only {kind} endpoint {}: no equivalent on {}{}",
                ep.path,
                tg.name,
                why.map(|w| format!(" ({w})")).unwrap_or_default()
            );
            return self.url_finding(r, Fix::Manual, None, msg, &ep.path);
        };
        let repl = written(&format!("{base}{to}{}", &sub[ep.path.len()..]));
        let mut msg = format!("OpenRouter endpoint {} -> {} {}", ep.path, tg.name, to);
        if let Some(w) = &e.why {
            msg.push_str(&format!(" ({w})"));
        }
        if e.shape == crate::rules::schema::Shape::Differs {
            msg.push_str(
                "; the response differs from OpenRouter's: check the code that reads it before switching",
            );
            return self.url_finding(r, Fix::Manual, Some(repl), msg, &ep.path);
        }
        self.url_finding(r, Fix::Auto, Some(repl), msg, &ep.path)
    }
}
