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
            // `openrouter.ai.example.com`, `openrouter.ai-proxy`: another host.
            if continues_host(text, r.end) {
                continue;
            }
            let mut m = text[r.clone()].trim_end_matches(['.', ':']);
            // `".../v1/${path}"`, `"#{base}"`: the URL ends where a template
            // hole opens (the hole is code, not part of the path).
            if text[r.start + m.len()..].starts_with('{') {
                m = m.trim_end_matches(['$', '#']);
            }
            let r = r.start..r.start + m.len();
            let host_only = !m.contains("://") && !m.contains('/');
            // A host a protocol or server line names (`Host: openrouter.ai`,
            // `proxy_pass https://openrouter.ai;`) is a destination in any file.
            let directive = host_directive(text, &r);
            if host_only && (prose || m != whole || self.limited) && !directive {
                continue;
            }
            let f = if self.det.direct.is_some() {
                self.classify_direct_url(r.clone())
            } else {
                self.anthropic_client = self.anthropic_context(lx, i);
                let f = self.classify_url(r.clone());
                self.anthropic_client = false;
                f
            };
            // A proxy's upstream takes a host (and scheme), never a path.
            let f = match f {
                Some(f) if directive && f.rule.ends_with(":host") => Some(self.bare_host(&r)),
                f => f,
            };
            if let Some(f) = f {
                if (prose || self.limited)
                    && !directive
                    && f.fix == Fix::Manual
                    && f.rule.ends_with(":host")
                {
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
        if !m.contains("://") && path.is_empty() {
            return Some(self.bare_host(&r));
        }
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
        if anthropic.is_some_and(|a| path_t == a.trim_end_matches('/')) && !self.anthropic_client {
            return Some(self.api_root(&r, &url, &format!("{trailing}{query}")));
        }
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

    /// A host with no scheme or path (`openrouter.ai`, `openrouter.ai:443`):
    /// a Host header, an allowed domain (Info.plist `NSExceptionDomains`),
    /// a proxy upstream. Its use decides what it becomes, so it is manual,
    /// with the target's host (port kept) as the suggestion.
    /// (Also a scheme and host a proxy directive names as its upstream.)
    fn bare_host(&self, r: &Range<usize>) -> Finding {
        let tg = self.det.target;
        let url = crate::scan::url::UrlParts::parse(&self.source.text[r.clone()]);
        let target = crate::scan::url::UrlParts::parse(&tg.base_url).host;
        let port = url.host.find(':').map_or("", |i| &url.host[i..]);
        let msg = format!(
            "OpenRouter host outside a URL (a Host header, an allowed domain, a proxy upstream): {} serves its API at {target}, under {}; change the host here together with the paths sent to it",
            tg.name, tg.base_url
        );
        let repl = url.like_written(&format!("https://{target}{port}"));
        self.url_finding(r, Fix::Manual, Some(repl), msg, "bare-host")
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

    /// OpenRouter's `/api` given to an OpenAI-style client (or to no
    /// client this file names): the API root, which clients such as Spring
    /// AI extend with `/v1/chat/completions`. It becomes the target's root
    /// (its base URL without the trailing `/v1`), so the same paths land on
    /// the target's base; a target whose base has no `/v1` has no such root.
    fn api_root(&self, r: &Range<usize>, url: &crate::scan::url::UrlParts, rest: &str) -> Finding {
        let tg = self.det.target;
        let base = tg.base_url.trim_end_matches('/');
        let api = self.det.src.api_path.trim_end_matches('/');
        match base.strip_suffix("/v1") {
            Some(root) => self.url_finding(
                r,
                Fix::Auto,
                Some(url.like_written(&format!("{root}{rest}"))),
                format!(
                    "OpenRouter API root (its OpenAI-compatible base is {api}; clients given the root, such as Spring AI's base-url, append /v1/...) -> {} API root",
                    tg.name
                ),
                "root",
            ),
            None => {
                let parts = crate::scan::url::UrlParts::parse(base);
                let msg = format!(
                    "OpenRouter API root: a client given it appends /v1/... itself, but {}'s base URL {base} does not end in /v1; configure the client with the full base instead (Spring AI: base-url https://{} and completions-path {}/chat/completions)",
                    tg.name, parts.host, parts.path
                );
                self.url_finding(r, Fix::Manual, None, msg, "root")
            }
        }
    }

    /// Whether the URL in token `i` goes to an Anthropic client: the key it
    /// is the value of (`ANTHROPIC_BASE_URL`, `anthropic_base_url`), the
    /// innermost named call or section around it (`Anthropic(..)`,
    /// `createAnthropic({..})`, `spring.ai.anthropic`), or a name on its
    /// line before it (`AnthropicOkHttpClient.builder().baseUrl(..)`). Model
    /// ids (`anthropic/claude-3.5-sonnet`) are strings and do not count.
    fn anthropic_context(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let says = |s: &str| {
            let l = s.to_ascii_lowercase();
            l.contains("anthropic") || l.contains("claude")
        };
        if self.path.contains(".claude/") || self.path.starts_with(".claude") {
            return true;
        }
        if value_key(lx, text, i).is_some_and(|k| says(k) || k.contains("openai")) {
            return value_key(lx, text, i).is_some_and(says);
        }
        let t = &lx.tokens[i];
        let named = lx
            .ancestors(t.group)
            .filter_map(|g| lx.label(text, g))
            .find(|l| says(l) || l.to_ascii_lowercase().contains("openai"));
        if let Some(l) = named {
            return says(l);
        }
        let line = self.source.line_around(t.span.clone()).start;
        lx.tokens[..i]
            .iter()
            .rev()
            .take_while(|p| p.span.start >= line)
            .any(|p| p.tok == Tok::Ident && says(&text[p.span.clone()]))
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

/// Whether the text at `end` goes on with more of a host name
/// (`openrouter.ai.example.com`, `openrouter.ai-eu`, `openrouter.ai_x`).
fn continues_host(text: &str, end: usize) -> bool {
    let b = text.as_bytes();
    let at = |i: usize| b.get(i).copied().unwrap_or(b' ');
    let c = at(end);
    c.is_ascii_alphanumeric()
        || c == b'_'
        || (matches!(c, b'.' | b'-') && (at(end + 1).is_ascii_alphanumeric()))
}

/// Whether the host at `r` is what its line names as a destination: an
/// HTTP `Host:` header (a raw request, `curl -H "Host: ..."`, a header
/// string in code) or a proxy directive (nginx `proxy_pass`, `server`, `proxy_ssl_name`,
/// `proxy_set_header Host`; Caddy `reverse_proxy`, `header_up Host`),
/// with nothing but closing punctuation after it. Words in a sentence are
/// not: the directive must open the line.
fn host_directive(text: &str, r: &Range<usize>) -> bool {
    static BEFORE: std::sync::LazyLock<Regex> = std::sync::LazyLock::new(|| {
        Regex::new(
            r#"(?i)(?:^\s*(?:(?:proxy_pass|proxy_ssl_name|server|reverse_proxy|(?:proxy_set_header|header_up|header_upstream)\s+host)\s+["']?|["']?host:\s*)|(?:-H|--header)[=\s]\s*["']host:\s*|["']host:\s*)$"#,
        )
        .expect("host directive regex")
    });
    let line_start = text[..r.start].rfind('\n').map_or(0, |i| i + 1);
    let line_end = text[r.end..].find('\n').map_or(text.len(), |i| r.end + i);
    // A quoted header (`-H "Host: ..."`) ends at its quote; a directive
    // ends the line or its statement.
    let after = &text[r.end..line_end];
    // A port a line-based reader left outside the value (`server host:443;`).
    let after = after.strip_prefix(':').map_or(after, |p| {
        p.trim_start_matches(|c: char| c.is_ascii_digit())
    });
    let closes = after.starts_with(['"', '\''])
        || after.trim().is_empty()
        || after.trim().starts_with([';', '{', ')', '\\']);
    closes && BEFORE.is_match(&text[line_start..r.start])
}

impl FileCtx<'_, '_> {
    /// Endpoint paths appended to something in a string
    /// (`f"{BASE_URL}/credits"`, `format!("{}/key", self.base)`,
    /// `` `${base}/generation?id=${id}` ``, `base + "/credits"`): once the base
    /// URL moves they go to the target, so one the target lacks, names
    /// differently or answers in another shape is collected here, and
    /// reported by [`FileCtx::appended_findings`] if the file is about
    /// OpenRouter.
    pub(crate) fn appended_endpoints(&mut self, lx: &Lexed, i: usize) {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let s = &text[t.inner.clone()];
        if self.det.direct.is_some() || !s.contains('/') {
            return;
        }
        let prev = |set: &[&str]| i > 0 && set.iter().any(|p| lx.is_punct(text, i - 1, p));
        let concatenated = prev(&["+", ".", ">"]);
        // The first argument of a call (`fetchFromOpenRouter("/v1/videos")`),
        // not a value kept as data (`endpoint: "/api/v1/images"`).
        let called = prev(&["("]);
        for (at, _) in s.match_indices('/') {
            let before = &s[..at];
            let appended = if at == 0 {
                // A JS template's piece after a hole starts right at its `}`;
                // a path under the API's version given to a call is joined
                // to a base there.
                concatenated
                    || text[..t.inner.start].ends_with('}')
                    || called && (s.starts_with("/v1/") || s.starts_with("/api/v1/"))
            } else {
                // A hole (`{..}`, `${..}`, `#{..}`, `\(..)`), a format
                // verb, or a `$name` reference right before the path.
                before.ends_with(['}', ')'])
                    || before.ends_with("%s")
                    || before.ends_with("%v")
                    || dollar_name(before)
            };
            if !appended {
                continue;
            }
            // A base given as the API root (`https://openrouter.ai/api`) is
            // extended with the version too.
            let rest = &s[at..];
            let rest = ["/api/v1/", "/v1/"]
                .iter()
                .find_map(|v| {
                    rest.strip_prefix(&v[..v.len() - 1])
                        .filter(|r| r.starts_with('/'))
                })
                .unwrap_or(rest);
            let prefix = s[at..].len() - rest.len();
            let len = rest
                .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '/' | '-' | '_' | '.')))
                .unwrap_or(rest.len());
            let path = rest[..len].trim_end_matches('/');
            let Some(ep) = self.det.src.endpoint(path) else {
                continue;
            };
            let mapped = self.det.target.endpoints.iter().find(|e| e.path == ep.path);
            if mapped.is_some_and(|e| {
                e.to.as_deref() == Some(ep.path.as_str())
                    && e.shape != crate::rules::schema::Shape::Differs
            }) {
                continue;
            }
            let start = t.inner.start + at + prefix;
            self.appended.push((start..start + ep.path.len(), ep));
        }
    }

    /// The collected appended endpoints as manual findings, in a file that
    /// names OpenRouter in code (a URL, a key variable, a client type; not
    /// a comment): elsewhere a `${API}/credits` is most likely the app's
    /// own backend.
    pub(crate) fn appended_findings(&mut self) {
        if self.appended.is_empty() || !(self.out.has_marker || self.names_source) {
            return;
        }
        let tg = self.det.target;
        let mut first = None;
        for (r, ep) in std::mem::take(&mut self.appended) {
            let path = ep.path.as_str();
            let mapped = tg.endpoints.iter().find(|e| e.path == ep.path);
            let why = mapped
                .and_then(|e| e.why.as_deref())
                .map(|w| format!(" ({w})"))
                .unwrap_or_default();
            let what = match mapped.and_then(|e| e.to.as_deref()) {
                None => format!(
                    "{} has no such endpoint{why}: remove the call, or keep it on OpenRouter with a base URL and key of its own",
                    tg.name
                ),
                Some(to) if to != ep.path => format!(
                    "{} serves it as {to}{why}: change the path together with the base URL",
                    tg.name
                ),
                Some(_) => format!(
                    "{} answers it in another shape{why}: check the code that reads the response",
                    tg.name
                ),
            };
            let msg = format!(
                "OpenRouter {} endpoint {path} appended to a base URL: if that is OpenRouter's API base, it moves to {}, and {what}",
                ep.kind.word(),
                tg.name
            );
            let f = self.url_finding(&r, Fix::Manual, None, msg, &format!("appended:{path}"));
            first.get_or_insert((f.line, path));
            // Only where the repository talks to OpenRouter somewhere.
            self.out.gated.push(f);
        }
        // Moving this file's base URL on its own would break those calls;
        // keeping it is safe only where the file reads the key it sends
        // itself (that key then stays too). A key handed in from another
        // file (`constructor(apiKey)`) is renamed there, and the new
        // gateway's key would reach openrouter.ai: then everything moves
        // and the paths above are what a person fixes.
        let Some((line, path)) = first else {
            return;
        };
        let reads_key = self
            .out
            .findings
            .iter()
            .any(|f| f.kind == Kind::ApiKeyEnv && f.fix == Fix::Auto);
        if !reads_key {
            return;
        }
        for f in &mut self.out.findings {
            if f.kind == Kind::BaseUrl && f.fix == Fix::Auto {
                let why = format!(
                    "this file appends {path} to an API base (line {line}), which {} does not serve as OpenRouter does: moving the base would break that call; change it and those calls together",
                    tg.name
                );
                f.decide(Fix::Manual, why, "appends");
            }
        }
        // Every OpenRouter URL here stays, and with it (decided next, from
        // the anchors) the keys, headers and model ids sent there, names
        // bound to the URL included.
        for (at, a) in &mut self.anchors {
            if *a == Anchor::Url {
                *a = Anchor::Kept;
                self.kept_calls.push(*at);
            }
        }
    }
}

/// Whether `before` ends with a `$name` or `$obj.name` reference (shell,
/// Kotlin, Dart, PHP, Groovy strings).
fn dollar_name(before: &str) -> bool {
    let name = before.trim_end_matches(|c: char| c.is_ascii_alphanumeric() || c == '_' || c == '.');
    name.len() < before.len() && name.ends_with('$')
}
