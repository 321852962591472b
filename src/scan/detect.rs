//! Detectors: tokens of one file -> findings. Each detector looks at token
//! kind and context (key, enclosing object or call, file markers) rather
//! than at raw text, so a URL in a comment, an `org/name` path or a Referer
//! header sent elsewhere is not reported.

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use regex::Regex;

use crate::finding::{Finding, Fix, Kind};
use crate::lang::lexer::{Lexed, Tok};
use crate::redact::{mask, Redactor};
use crate::rules::schema::{Action, EndpointKind, Status};
use crate::rules::{Rules, SourceTable, TargetTable};
use crate::source::{Edit, SourceText};

/// Everything compiled once per scan.
pub struct Detector<'r> {
    pub src: &'r SourceTable,
    pub target: &'r TargetTable,
    /// Detectors only direct provider profiles need (`--from openai` ...).
    pub direct: Option<super::direct::Direct>,
    /// Hides every known key shape in what findings quote.
    pub redactor: Redactor,
    url: Regex,
    secret: Regex,
    env_name: Regex,
    env_candidate: Regex,
    slug: Regex,
    known_slugs: HashSet<String>,
    known_slug_re: Option<Regex>,
    authors: HashSet<String>,
    npm: Vec<(String, String)>,
    pypi: Vec<(String, String)>,
    crates: Vec<(String, String)>,
    gomods: Vec<String>,
    /// Lower-case text that shows the tree talks to the target gateway (its
    /// host, its key variable): after a migration, model ids and request
    /// fields are still checked, now against the target's table.
    target_markers: Vec<String>,
    /// Ids the target serves as they are: the `to` of its verified rows.
    accepted: HashSet<String>,
}

/// Per-file detection result. `gated` findings are kept only when the scan
/// found an OpenRouter marker somewhere, or a marker of the target gateway
/// (an `openai/gpt-4o` string means nothing in a repository that talks to
/// neither).
#[derive(Debug, Default)]
pub struct Outcome {
    pub findings: Vec<Finding>,
    pub gated: Vec<Finding>,
    pub has_marker: bool,
}

const HF_CONTEXT: &[&str] = &[
    "pretrained",
    "pipeline",
    "hf_hub",
    "snapshot_download",
    "load_dataset",
    "sentencetransformer",
    "huggingface",
    "inferenceclient",
    "hfapi",
    "automodel",
    "autotokenizer",
    "repo_id",
];

/// Keys whose values are never model ids even when they look like `org/name`.
const NOT_MODEL_KEYS: &[&str] = &[
    "image",
    "uses",
    "repo",
    "repo_id",
    "repository",
    "path",
    "dir",
    "href",
    "src",
    "url",
    "container",
    "registry",
    "package",
    "module",
    "extends",
    "homepage",
    "file",
    "from",
    "tokenizer",
];

const REQUEST_KEYS: &[&str] = &["model", "messages", "prompt"];
const BODY_LABELS: &[&str] = &[
    "extra_body",
    "extrabody",
    "extra_body_params",
    "extra-body",
    "extrabodyparams",
    "body_extra",
];

impl<'r> Detector<'r> {
    /// The package names the tables know, for the language modules' readers.
    pub fn known_packages(&self) -> crate::lang::Known<'_> {
        crate::lang::Known {
            pypi: &self.pypi,
            npm: &self.npm,
            go: &self.gomods,
            crates: &self.crates,
        }
    }

    pub fn new(rules: &'r Rules, src: &'r SourceTable, target: &'r TargetTable) -> Detector<'r> {
        let hosts = src
            .hosts
            .iter()
            .map(|h| regex::escape(h))
            .collect::<Vec<_>>()
            .join("|");
        let url = Regex::new(&format!(
            r#"(?i)(?:https?://)?(?:{hosts})(?::\d+)?(?:/[^\s"'`<>)\]{{}}\\,;|]*)?"#
        ))
        .expect("url regex");
        let secret = Regex::new(&src.key_pattern).expect("validated key pattern");
        let env_name =
            Regex::new(&format!("(?i){}", src.env_name_pattern)).expect("validated env pattern");
        let env_word = src.env_word.as_deref().unwrap_or("open_?router");
        let env_candidate = Regex::new(&format!(r"[A-Za-z0-9_]*(?i:{env_word})[A-Za-z0-9_]*"))
            .expect("validated env word");
        let slug = Regex::new(
            r"^(?:openrouter/)?~?[a-z0-9][a-z0-9-]*/[a-z0-9][a-z0-9._-]*(?::[a-z0-9-]+)?(?:@preset/[a-z0-9-]+)?$",
        )
        .expect("slug regex");
        let mut known_slugs: HashSet<String> = HashSet::new();
        for t in &rules.targets {
            for r in &t.table.models {
                known_slugs.insert(r.from.value.clone());
            }
        }
        let mut sorted: Vec<&String> = known_slugs.iter().filter(|s| s.contains('/')).collect();
        sorted.sort_by_key(|s| std::cmp::Reverse(s.len()));
        let known_slug_re = (!sorted.is_empty()).then(|| {
            let alts = sorted
                .iter()
                .map(|s| regex::escape(s))
                .collect::<Vec<_>>()
                .join("|");
            Regex::new(&format!(
                r"(?:^|[^A-Za-z0-9_./~])((?:{alts})(?::[a-z0-9-]+)?)(?:$|[^A-Za-z0-9_./-])"
            ))
            .expect("known slug regex")
        });
        let pkgs = |eco: crate::rules::schema::Ecosystem| -> Vec<(String, String)> {
            src.sdk_packages
                .iter()
                .filter(|p| p.ecosystem == eco)
                .map(|p| {
                    (
                        p.name.clone(),
                        p.import.clone().unwrap_or_else(|| p.name.clone()),
                    )
                })
                .collect()
        };
        use crate::rules::schema::Ecosystem as E;
        Detector {
            src,
            target,
            direct: super::direct::Direct::new(src),
            redactor: Redactor::for_rules(rules),
            url,
            secret,
            env_name,
            env_candidate,
            slug,
            known_slugs,
            known_slug_re,
            authors: src.authors.iter().cloned().collect(),
            npm: pkgs(E::Npm),
            pypi: pkgs(E::Pypi),
            crates: pkgs(E::Crates),
            gomods: pkgs(E::Go).into_iter().map(|p| p.0).collect(),
            target_markers: target_markers(target),
            accepted: accepted_ids(target),
        }
    }

    /// Last line of defence for "no output ever holds a whole key":
    /// key-shaped text inside any finding's fields is redacted, whichever
    /// detector made the finding and whichever provider the key is for
    /// (fuzzing found a key glued to a model id reported whole).
    pub fn redact_keys(&self, findings: &mut [Finding]) {
        for f in findings {
            self.redactor.fix(&mut f.matched);
            self.redactor.fix(&mut f.message);
            if let Some(r) = &mut f.replacement {
                self.redactor.fix(r);
            }
        }
    }

    /// The literal strings a file must contain to need tokenizing: anything
    /// that can be a marker or a model slug.
    pub fn trigger_literals(&self) -> Vec<String> {
        if let Some(d) = &self.direct {
            return d.trigger_literals(self.src);
        }
        let mut v: Vec<String> = vec![
            "openrouter".into(),
            "open_router".into(),
            "open-router".into(),
        ];
        v.push(self.src.key_prefix.trim_end_matches("v1-").to_owned());
        v.extend(self.target_markers.iter().cloned());
        for a in &self.authors {
            v.push(format!("{a}/"));
        }
        for (n, _) in &self.npm {
            v.push(n.to_ascii_lowercase());
        }
        v.sort();
        v.dedup();
        v
    }
}

/// Builder of findings for one file.
pub struct FileCtx<'a, 'r> {
    pub det: &'a Detector<'r>,
    pub path: &'a str,
    pub source: &'a SourceText,
    pub out: Outcome,
    /// Candidate headers with the spans of their enclosing groups
    /// (innermost first), decided once the file's URLs are known.
    headers: Vec<(Finding, Vec<Range<usize>>)>,
    /// Names assigned an OpenRouter URL (`const chatURL = "https://openrouter.ai/..."`):
    /// their uses count as OpenRouter anchors (kept ones when the URL stays).
    url_names: HashMap<String, Anchor>,
    /// Offsets of URL-ish tokens and OpenRouter markers, and what they are.
    anchors: Vec<(usize, Anchor)>,
    /// Key-variable findings (indices into `out.findings`) with their
    /// enclosing groups: decided once the file's URLs are known.
    env_reads: Vec<(usize, Vec<Range<usize>>)>,
    /// Reading a file of no known kind: only unambiguous API URLs count.
    limited: bool,
    /// A LiteLLM or aider file, where the provider prefix routes the call:
    /// only `openrouter/<author>/<model>` ids go to OpenRouter there
    /// (`deepseek/deepseek-chat` goes to DeepSeek).
    prefix_routed: bool,
}

impl<'a, 'r> FileCtx<'a, 'r> {
    pub fn new(det: &'a Detector<'r>, path: &'a str, source: &'a SourceText) -> FileCtx<'a, 'r> {
        FileCtx {
            det,
            path,
            source,
            out: Outcome::default(),
            headers: Vec::new(),
            anchors: Vec::new(),
            url_names: HashMap::new(),
            env_reads: Vec::new(),
            limited: false,
            prefix_routed: prefix_routed(path, &source.text),
        }
    }

    /// Add findings from an embedded document (already mapped to this file).
    pub fn merge(&mut self, findings: Vec<Finding>, gated: Vec<Finding>, has_marker: bool) {
        self.out.has_marker |= has_marker;
        self.out.findings.extend(findings);
        self.out.gated.extend(gated);
    }

    #[allow(clippy::too_many_arguments)]
    pub(super) fn finding(
        &self,
        kind: Kind,
        span: Range<usize>,
        matched: String,
        replacement: Option<String>,
        fix: Fix,
        message: String,
        rule: String,
    ) -> Finding {
        let (line, column) = self.source.line_col(span.start);
        let (end_line, end_column) = self.source.line_col(span.end);
        let edit = match (&replacement, fix) {
            (Some(r), Fix::Auto) if kind != Kind::AttributionHeader => Some(Edit {
                range: span.clone(),
                text: r.clone(),
            }),
            _ => None,
        };
        Finding {
            path: self.path.to_owned(),
            line,
            column,
            end_line,
            end_column,
            kind,
            matched,
            replacement,
            fix,
            message,
            rule,
            span,
            edit,
        }
    }

    pub(super) fn push(&mut self, f: Finding, gated: bool) {
        if gated {
            self.out.gated.push(f);
        } else {
            if matches!(
                f.kind,
                Kind::BaseUrl | Kind::ApiKeyEnv | Kind::SdkPackage | Kind::Secret
            ) {
                self.out.has_marker = true;
            }
            self.out.findings.push(f);
        }
    }

    /// Secrets anywhere in `range`, comments included.
    pub fn secrets(&mut self, range: Range<usize>) {
        let text = &self.source.text;
        let hits: Vec<Range<usize>> = self
            .det
            .secret
            .find_iter(&text[range.clone()])
            .map(|m| range.start + m.start()..range.start + m.end())
            .filter(|r| !text[r.end..].starts_with(|c: char| c.is_ascii_hexdigit()))
            .collect();
        for r in hits {
            let red = mask(&text[r.clone()], &self.det.src.key_prefix);
            let f = self.finding(
                Kind::Secret,
                r,
                red,
                None,
                Fix::Manual,
                format!(
                    "hard-coded {} key: rotate it, then load the {} key from {}",
                    self.det.src.name, self.det.target.name, self.det.target.key_env
                ),
                format!("{}:secret", self.det.src.id),
            );
            self.push(f, false);
        }
    }

    /// Run the token detectors over a lexed region. `limited` (files of no
    /// known kind) runs only the detectors that need no syntax.
    pub fn tokens(&mut self, lx: &Lexed, limited: bool) {
        self.limited = limited;
        let text = &self.source.text;
        for i in 0..lx.tokens.len() {
            let t = &lx.tokens[i];
            if t.tok == Tok::Comment || t.tok == Tok::Punct {
                continue;
            }
            let s = &text[t.inner.clone()];
            if s.is_empty() {
                continue;
            }
            // A JSON body inside a string (curl -d '...', Go/Rust raw strings):
            // read it as JSON so keys and values keep their meaning.
            if t.tok == Tok::Str && !limited && s.trim_start().starts_with('{') && s.contains("\":")
            {
                let sub = crate::lang::lexer::lex(text, t.inner.clone(), crate::lang::json::SYNTAX);
                self.tokens(&sub, limited);
                continue;
            }
            // Program identifiers (`openrouterProvider`) are names, not
            // destinations: after a migration they may well stay.
            let lower_has = self.det.direct.is_none()
                && t.tok != Tok::Ident
                && s.len() >= 10
                && s.to_ascii_lowercase().contains("openrouter");
            let url = if matches!(t.tok, Tok::Str | Tok::Word) {
                self.base_urls(lx, i)
            } else {
                None
            };
            if let Some(a) = url {
                if let Some(k) = value_key(lx, text, i) {
                    self.url_names.insert(k.to_owned(), a);
                }
            }
            if self.det.direct.is_none() && !self.out.has_marker && self.is_target_marker(s) {
                self.out.has_marker = true;
            }
            if lower_has {
                // An OpenRouter URL was anchored by `base_urls` as it is.
                if url.is_none() {
                    self.anchors.push((t.span.start, Anchor::Marker));
                }
                self.out.has_marker = true;
            } else if s.contains("://") && !self.is_header_value(lx, i) {
                self.anchors.push((t.span.start, Anchor::Other));
            }
            self.env_names(lx, i);
            if limited {
                continue;
            }
            self.header(lx, i);
            if matches!(t.tok, Tok::Str | Tok::Word) && !t.key {
                if self.det.direct.is_some() {
                    self.bare_model(lx, i);
                } else {
                    self.slug(lx, i);
                }
            }
            if t.key {
                self.field(lx, i);
            }
        }
        if !self.url_names.is_empty() {
            for t in &lx.tokens {
                if t.tok == Tok::Ident && !t.key {
                    if let Some(a) = self.url_names.get(&text[t.span.clone()]) {
                        self.anchors.push((t.span.start, *a));
                    }
                }
            }
        }
    }

    /// A header's own value (an app URL sent as HTTP-Referer) says nothing
    /// about where the request goes.
    fn is_header_value(&self, lx: &Lexed, i: usize) -> bool {
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
    }

    /// Report OpenRouter URLs in token `i`; what the token anchors, if it
    /// held one (`Kept` when rewrite leaves the URL on OpenRouter).
    fn base_urls(&mut self, lx: &Lexed, i: usize) -> Option<Anchor> {
        let range = lx.tokens[i].inner.clone();
        let whole = self.source.text[range.clone()].trim();
        // Host-only mentions count only as a whole value, never inside prose.
        let prose = whole.contains(char::is_whitespace);
        let text = &self.source.text;
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

    fn classify_url(&self, r: Range<usize>) -> Option<Finding> {
        let det = self.det;
        let tg = det.target;
        let m = &self.source.text[r.clone()];
        let url = super::url::UrlParts::parse(m);
        let (host, path, query) = (url.host.as_str(), url.path, url.query);
        let strip_scheme = |u: &str| url.like_written(u);
        let base = tg.base_url.trim_end_matches('/');
        let src_id = &det.src.id;
        let manual = |msg: String, repl: Option<String>, rule: &str| {
            self.finding(
                Kind::BaseUrl,
                r.clone(),
                m.to_owned(),
                repl,
                Fix::Manual,
                msg,
                format!("{src_id}:base-url:{rule}"),
            )
        };
        let auto = |repl: String, msg: String, rule: &str| {
            self.finding(
                Kind::BaseUrl,
                r.clone(),
                m.to_owned(),
                Some(repl),
                Fix::Auto,
                msg,
                format!("{src_id}:base-url:{rule}"),
            )
        };
        if host.starts_with("api.") {
            return Some(manual(
                format!("'{host}' is not an OpenRouter host (its API is openrouter.ai/api/v1); point this at {base}"),
                Some(strip_scheme(base)),
                "mistaken-host",
            ));
        }
        let path_t = path.trim_end_matches('/');
        if path_t.is_empty() {
            return Some(manual(
                format!(
                    "OpenRouter host without a path: this client appends OpenRouter's own paths; configure {} with its base URL {base}",
                    tg.name
                ),
                Some(strip_scheme(base)),
                "host",
            ));
        }
        let api = det.src.api_path.trim_end_matches('/');
        if let Some(anth) = det.src.anthropic_path.as_deref() {
            if path_t == anth.trim_end_matches('/') {
                return Some(match &tg.anthropic_base_url {
                    Some(a) => auto(
                        strip_scheme(&format!(
                            "{}{}{}",
                            a.trim_end_matches('/'),
                            &path[path_t.len()..],
                            query
                        )),
                        format!(
                            "OpenRouter Anthropic-compatible base -> {} Anthropic-compatible base",
                            tg.name
                        ),
                        "anthropic",
                    ),
                    None => manual(
                        format!("{} has no Anthropic-compatible surface", tg.name),
                        None,
                        "anthropic",
                    ),
                });
            }
        }
        let Some(sub) = path_t.strip_prefix(api) else {
            // Web pages (docs, keys, model pages) are links, not dependencies.
            if path_t.starts_with("/api") {
                return Some(manual(
                    format!("OpenRouter API path '{path}' with no known equivalent"),
                    None,
                    "unknown",
                ));
            }
            return None;
        };
        if !(sub.is_empty() || sub.starts_with('/')) {
            return None;
        }
        let trailing = &path[path_t.len()..];
        if sub.is_empty() {
            return Some(auto(
                strip_scheme(&format!("{base}{trailing}{query}")),
                format!("OpenRouter API base URL -> {} base URL", tg.name),
                "base",
            ));
        }
        // Longest known endpoint that prefixes the sub-path.
        let ep = det
            .src
            .endpoints
            .iter()
            .filter(|e| sub == e.path || sub.starts_with(&format!("{}/", e.path)))
            .max_by_key(|e| e.path.len());
        let Some(ep) = ep else {
            return Some(manual(
                format!(
                    "OpenRouter endpoint '{sub}' is not in the table; check {} by hand",
                    tg.name
                ),
                None,
                "unknown",
            ));
        };
        let mapped = tg.endpoints.iter().find(|e| e.path == ep.path);
        match mapped.and_then(|e| e.to.as_ref().map(|to| (to, e))) {
            Some((to, e)) => {
                let repl = strip_scheme(&format!(
                    "{base}{to}{}{trailing}{query}",
                    &sub[ep.path.len()..]
                ));
                let mut msg = format!("OpenRouter endpoint {} -> {} {}", ep.path, tg.name, to);
                if let Some(w) = &e.why {
                    msg.push_str(&format!(" ({w})"));
                }
                if e.shape == crate::rules::schema::Shape::Differs {
                    msg.push_str(
                        "; the response differs from OpenRouter's: check the code that reads it before switching",
                    );
                    return Some(manual(msg, Some(repl), &ep.path));
                }
                Some(auto(repl, msg, &ep.path))
            }
            None => {
                let why = mapped.and_then(|e| e.why.clone());
                let kind = match ep.kind {
                    EndpointKind::Inference => "inference",
                    EndpointKind::Catalog => "catalog",
                    EndpointKind::Account => "account",
                };
                Some(manual(
                    format!(
                        "OpenRouter-only {kind} endpoint {}: no equivalent on {}{}",
                        ep.path,
                        tg.name,
                        why.map(|w| format!(" ({w})")).unwrap_or_default()
                    ),
                    None,
                    &ep.path,
                ))
            }
        }
    }

    fn env_names(&mut self, lx: &Lexed, i: usize) {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let s = &text[t.inner.clone()];
        // Whole identifiers and keys may be any case (pydantic fields, INI
        // keys); inside strings only UPPER_CASE names count as variables.
        let whole = matches!(t.tok, Tok::Ident) || t.key;
        let mut hits: Vec<Range<usize>> = Vec::new();
        if whole {
            let name = s
                .trim_start_matches("$env:")
                .trim_start_matches('$')
                .trim_start_matches("env:");
            let off = s.len() - name.len();
            if self.is_env_name(name) {
                hits.push(t.inner.start + off..t.inner.end);
            }
        } else {
            for m in self.det.env_candidate.find_iter(s) {
                let name = m.as_str();
                // Lower-case spellings only as a whole value (`getenv("openrouter_api_key")`),
                // never with extra words (`your_openrouter_api_key` is a placeholder).
                if name.bytes().any(|b| b.is_ascii_lowercase())
                    && (name != s || !name.to_ascii_lowercase().starts_with("open"))
                {
                    continue;
                }
                if self.is_env_name(name) {
                    hits.push(t.inner.start + m.start()..t.inner.start + m.end());
                }
            }
        }
        let identifier = whole && self.det.direct.is_none() && self.is_program_identifier(lx, i);
        for r in hits {
            let name = text[r.clone()].to_owned();
            let identifier =
                identifier || (!whole && self.det.direct.is_none() && self.interpolated(t, &r));
            let mut f = self.env_finding(r, &name);
            if identifier && f.fix == Fix::Auto {
                f = self.identifier_finding(f);
            } else if f.fix == Fix::Auto && self.is_config_key(lx, i, &name) {
                f.decide(
                    Fix::Manual,
                    format!("config key {name}: deployments set it outside the repository (their own config files, secret stores); rename it there and here together, or keep it"),
                    "config-key",
                );
            }
            self.anchors.push((f.span.start, Anchor::Marker));
            // Requests are built in code (and in LiteLLM-style route entries);
            // other config files set variables for every request.
            if self.det.direct.is_none() && f.fix == Fix::Auto && self.builds_requests() {
                let spans = std::iter::once(0..0)
                    .chain(lx.ancestors(t.group).map(|g| lx.groups[g].span.clone()))
                    .collect();
                self.env_reads.push((self.out.findings.len(), spans));
            }
            self.push(f, false);
        }
    }

    /// A name in program code (a variable, attribute, parameter) rather than
    /// an environment variable: Python/JS/Go/Rust identifiers, except JS
    /// `process.env.X` / `import.meta.env.X`.
    fn is_program_identifier(&self, lx: &Lexed, i: usize) -> bool {
        let kind = crate::lang::FileKind::detect(std::path::Path::new(self.path));
        let code = matches!(
            kind,
            crate::lang::FileKind::Python
                | crate::lang::FileKind::JavaScript
                | crate::lang::FileKind::Go
                | crate::lang::FileKind::Rust
        );
        let t = &lx.tokens[i];
        if !code || t.tok != Tok::Ident {
            return false;
        }
        let before = &self.source.text[..t.span.start];
        !before.ends_with("env.") && !before.ends_with("env?.")
    }

    /// An identifier named after OpenRouter: renaming it is cosmetic, so
    /// it changes only with `rewrite --rename-identifiers` (in every place
    /// it is read). A pydantic settings field is different: its name is the
    /// environment variable it reads.
    fn identifier_finding(&self, mut f: Finding) -> Finding {
        let new = f.replacement.clone().unwrap_or_default();
        if self.source.text.contains("BaseSettings")
            && f.matched.bytes().any(|b| b.is_ascii_lowercase())
        {
            let why = format!(
                "settings field {}: pydantic reads the environment variable of the same name; keep the field and add `validation_alias=\"{}\"` (Field), or rename it with all its uses",
                f.matched,
                new.to_ascii_uppercase()
            );
            f.decide(Fix::Manual, why, "settings-field");
            return f;
        }
        let why = format!(
            "program identifier {} is named after OpenRouter; renaming it to {new} is cosmetic (rewrite --rename-identifiers renames it everywhere it is used)",
            f.matched
        );
        f.decide(Fix::None, why, "identifier");
        f
    }

    /// A lower-case key in a config file (`openrouter_api_key = ...` in an
    /// INI/TOML/YAML/JSON file): a setting deployments provide, not an
    /// environment variable the repository defines.
    fn is_config_key(&self, lx: &Lexed, i: usize, name: &str) -> bool {
        lx.tokens[i].key
            && name.bytes().any(|b| b.is_ascii_lowercase())
            && !self.prefix_routed
            && matches!(
                crate::lang::FileKind::detect(std::path::Path::new(self.path)),
                crate::lang::FileKind::Ini
                    | crate::lang::FileKind::Toml
                    | crate::lang::FileKind::Yaml
                    | crate::lang::FileKind::Json
            )
    }

    /// Whether `r`, inside string token `t`, is a program variable
    /// interpolated into it (`f"Bearer {OPENROUTER_API_KEY}"`,
    /// `"%(OPENROUTER_URL)s"`, `` `${OPENROUTER_KEY}` ``) rather than an
    /// environment variable's name (`f"{os.environ['OPENROUTER_API_KEY']}"`,
    /// `${process.env.OPENROUTER_API_KEY}`). Python and JS only: in shell
    /// and config files `${X}` is the environment.
    fn interpolated(&self, t: &crate::lang::lexer::Token, r: &Range<usize>) -> bool {
        let kind = crate::lang::FileKind::detect(std::path::Path::new(self.path));
        if !matches!(
            kind,
            crate::lang::FileKind::Python | crate::lang::FileKind::JavaScript
        ) {
            return false;
        }
        let text = &self.source.text;
        let before = &text[t.inner.start..r.start];
        let open_brace = before
            .rfind('{')
            .is_some_and(|o| !before[o..].contains('}'));
        let open_pct = before
            .rfind("%(")
            .is_some_and(|o| !before[o..].contains(')'));
        if !(open_brace || open_pct) {
            return false;
        }
        let quoted = before.ends_with(['"', '\'']);
        let env = before.ends_with("env.") || before.ends_with("env?.");
        !quoted && !env
    }

    fn builds_requests(&self) -> bool {
        self.prefix_routed
            || matches!(
                crate::lang::FileKind::detect(std::path::Path::new(self.path)),
                crate::lang::FileKind::Python
                    | crate::lang::FileKind::JavaScript
                    | crate::lang::FileKind::Go
                    | crate::lang::FileKind::Rust
                    | crate::lang::FileKind::Shell
                    | crate::lang::FileKind::PowerShell
                    | crate::lang::FileKind::Notebook
            )
    }

    fn is_target_marker(&self, s: &str) -> bool {
        s.len() >= 6 && {
            let l = s.to_ascii_lowercase();
            self.det
                .target_markers
                .iter()
                .any(|m| l.contains(m.as_str()))
        }
    }

    fn is_env_name(&self, name: &str) -> bool {
        if self.det.direct.is_some() {
            // A provider SDK reads its own base-URL variable: the name stays,
            // its value (a URL) is what changes.
            // Lower-case spellings are SDK parameters here (`openai_api_key=`).
            if name.bytes().any(|b| b.is_ascii_lowercase()) {
                return false;
            }
            return self.det.env_name.is_match(name)
                && !self.det.src.base_url_env.iter().any(|b| b == name)
                || self.det.src.key_env.iter().any(|k| k == name);
        }
        self.det.env_name.is_match(name)
            || self
                .det
                .src
                .key_env
                .iter()
                .chain(&self.det.src.base_url_env)
                .any(|k| k == name)
    }

    fn env_finding(&self, r: Range<usize>, name: &str) -> Finding {
        if self.det.direct.is_some() {
            return self.direct_env_finding(r, name);
        }
        let tg = self.det.target;
        let upper = name.to_ascii_uppercase();
        let is_base = self.det.src.base_url_env.contains(&upper)
            || ["BASE", "URL", "ENDPOINT", "HOST"]
                .iter()
                .any(|w| upper.ends_with(w));
        // Keep a framework prefix such as NEXT_PUBLIC_ (it decides exposure).
        let cut = upper
            .find("OPENROUTER")
            .or_else(|| upper.find("OPEN_ROUTER"))
            .unwrap_or(0);
        let prefix = &name[..cut];
        let new = if is_base {
            tg.base_url_env.clone()
        } else {
            Some(tg.key_env.clone())
        };
        let lower = !name.bytes().any(|b| b.is_ascii_uppercase());
        let src = &self.det.src.id;
        match new {
            Some(n) => {
                let n = format!("{prefix}{n}");
                let n = if lower { n.to_ascii_lowercase() } else { n };
                let what = if is_base { "base URL" } else { "API key" };
                self.finding(
                    Kind::ApiKeyEnv,
                    r,
                    name.to_owned(),
                    Some(n.clone()),
                    Fix::Auto,
                    format!("{} {what} variable -> {n}", self.det.src.name),
                    format!("{src}:api-key-env"),
                )
            }
            None => self.finding(
                Kind::ApiKeyEnv,
                r,
                name.to_owned(),
                None,
                Fix::Manual,
                format!(
                    "{} base URL variable: {} documents no base-URL variable; set {} in code",
                    self.det.src.name, tg.name, tg.base_url
                ),
                format!("{src}:api-key-env"),
            ),
        }
    }

    fn header(&mut self, lx: &Lexed, i: usize) {
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

    fn slug(&mut self, lx: &Lexed, i: usize) {
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
                // `~author/model-latest` aliases exist only on OpenRouter.
                if !s.starts_with(p.as_str()) && !s.starts_with('~') {
                    return;
                }
            }
        }
        if self.det.slug.is_match(s) {
            if let Some(g) = self.slug_candidate(s) {
                // An id no table knows counts only where a model is expected.
                let known = self.det.known_slugs.contains(slug_base(self.det.src, s));
                if (!g || known || self.model_context(lx, i)) && !self.excluded_slug_context(lx, i)
                {
                    self.emit_slug(start..start + s.len(), g);
                }
            }
            return;
        }
        // Prompts and longer strings: only ids the tables know.
        if s.len() > 6 && s.contains('/') {
            if let Some(re) = &self.det.known_slug_re {
                let hits: Vec<Range<usize>> = re
                    .captures_iter(raw)
                    .filter_map(|c| c.get(1))
                    .map(|m| t.inner.start + m.start()..t.inner.start + m.end())
                    .collect();
                if !hits.is_empty() && !self.excluded_slug_context(lx, i) {
                    for r in hits {
                        self.emit_slug(r, true);
                        // An id inside prose (help text, a prompt) is a
                        // person's call: a rewrite could read "gpt-4o or
                        // gpt-4o" or change what a prompt says.
                        if let Some(f) = self.out.gated.last_mut().filter(|f| f.fix == Fix::Auto) {
                            f.fix = Fix::Manual;
                            f.edit = None;
                            f.message.push_str(
                                "; inside a longer string (help text, a prompt): change it by hand",
                            );
                        }
                    }
                }
            }
        }
    }

    /// Whether token `i` sits where a model id is expected: the value of a
    /// model-ish key or variable, an argument of a model/chat call, an item
    /// of a fallback list, or a value in a request next to `messages`.
    pub(super) fn model_context(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let modelish = |s: &str| {
            let l = s.to_ascii_lowercase();
            l.contains("model") || l.contains("fallback") || l.contains("openrouter")
        };
        if value_key(lx, text, i).is_some_and(modelish) {
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
    fn slug_candidate(&self, s: &str) -> Option<bool> {
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

    pub(super) fn excluded_slug_context(&self, lx: &Lexed, i: usize) -> bool {
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
        HF_CONTEXT.iter().any(|h| lt.contains(h)) || lt.contains("hf.co/")
    }

    fn emit_slug(&mut self, r: Range<usize>, gated: bool) {
        let text = &self.source.text;
        let s = &text[r.clone()];
        if self.det.accepted.contains(s) {
            // Already the target's own id (a migrated tree): nothing to do.
            return;
        }
        let m = self.det.target.map_slug(self.det.src, s);
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

    fn field(&mut self, lx: &Lexed, i: usize) {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let written = text[t.inner.clone()].trim_matches(|c| c == '"' || c == '\'');
        // Go struct fields are capitalised: `Models: []string{...}`.
        let lower = written.to_ascii_lowercase();
        let name = lower.as_str();
        let Some(field) = self
            .det
            .src
            .fields
            .iter()
            .find(|f| f.name.split('.').next() == Some(name))
        else {
            return;
        };
        // In a request: a sibling `model`/`messages`, or inside extra_body.
        let in_body = lx.ancestors(t.group).take(3).any(|g| {
            lx.label(text, g)
                .map(|l| BODY_LABELS.contains(&l.to_ascii_lowercase().as_str()))
                .unwrap_or(false)
        });
        let in_request = in_body
            || lx
                .keys_in(text, t.group)
                .any(|k| REQUEST_KEYS.contains(&k.to_ascii_lowercase().as_str()));
        if !in_request {
            return;
        }
        if field.weak && !in_body {
            let strong = |k: &str| {
                let k = k.to_ascii_lowercase();
                self.det
                    .src
                    .fields
                    .iter()
                    .any(|f| !f.weak && f.name.split('.').next() == Some(k.as_str()))
            };
            if !lx.keys_in(text, t.group).any(strong) {
                return;
            }
        }
        let vg = lx.value_group(i);
        let next_val = value_token(lx, i);
        let shape_ok = match name {
            "provider" | "debug" => vg.is_some(),
            "usage" => vg.is_some_and(|g| {
                lx.keys_in(text, g)
                    .any(|k| k.eq_ignore_ascii_case("include"))
            }),
            "models" | "transforms" | "plugins" => {
                vg.is_some() || next_val.is_some_and(|j| lx.tokens[j].tok == Tok::Ident)
            }
            "route" => next_val.is_some_and(|j| {
                matches!(lx.tokens[j].tok, Tok::Str | Tok::Word)
                    && matches!(text[lx.tokens[j].inner.clone()].trim(), "fallback" | "sort")
            }),
            _ => true,
        };
        if !shape_ok {
            return;
        }
        let disp =
            self.det.target.fields.iter().find(|d| {
                d.name.value == field.name || d.name.value.split('.').next() == Some(name)
            });
        let (fix, why) = match disp {
            Some(d) => (
                match d.action {
                    Action::Drop | Action::Manual => Fix::Manual,
                    Action::Keep => Fix::None,
                },
                format!("{}: {}", action_word(d.action), d.why),
            ),
            None => (
                Fix::Manual,
                format!("{} says nothing about it", self.det.target.name),
            ),
        };
        let f = self.finding(
            Kind::OpenrouterField,
            t.inner.clone(),
            written.to_owned(),
            None,
            fix,
            format!(
                "OpenRouter-only field '{}' ({}): {why}",
                field.name, field.why
            ),
            format!("{}:fields:{}", self.det.target.id, field.name),
        );
        self.push(f, true);
    }

    /// Package names: `name` as written at `r`.
    pub fn package(&mut self, r: Range<usize>, eco: crate::rules::schema::Ecosystem, name: &str) {
        if self.det.direct.is_some() {
            return self.direct_package(r, eco, name);
        }
        let tg = self.det.target;
        let swap = tg
            .sdk_packages
            .iter()
            .find(|p| p.ecosystem == eco && p.from == name);
        let matched = self.source.text[r.clone()].to_owned();
        let f = match swap {
            Some(s) => self.finding(
                Kind::SdkPackage,
                r,
                matched,
                Some(s.to.clone()),
                Fix::Auto,
                format!(
                    "{} SDK {} -> {} ({})",
                    self.det.src.name, name, s.to, s.source
                ),
                format!("{}:sdk:{}", tg.id, s.from),
            ),
            None => self.finding(
                Kind::SdkPackage,
                r,
                matched,
                None,
                Fix::Manual,
                format!(
                    "{} SDK {name}: {} ships no equivalent; use the OpenAI SDK with base URL {}",
                    self.det.src.name, tg.name, tg.base_url
                ),
                format!("{}:sdk:{name}", tg.id),
            ),
        };
        // The SDK's built-in base URL is the request's URL: one the target
        // has no equivalent for keeps calling openrouter.ai.
        let a = if f.fix == Fix::Auto {
            Anchor::Url
        } else {
            Anchor::Kept
        };
        self.anchors.push((f.span.start, a));
        self.push(f, false);
    }

    /// Decide candidate headers and return the outcome.
    pub fn finish(mut self) -> Outcome {
        let headers = std::mem::take(&mut self.headers);
        let reads = std::mem::take(&mut self.env_reads);
        // A request whose URL stays on OpenRouter keeps its key and headers:
        // the new gateway's key must never be sent to openrouter.ai.
        for (i, spans) in reads {
            let f = &self.out.findings[i];
            if let Some((Anchor::Kept, at)) = self.destination(f.span.start, &spans, true) {
                let stays = self.stays(f, at);
                self.out.findings[i] = stays;
            }
        }
        // Renaming a variable that holds an OpenRouter key would file that
        // key under the new gateway's name.
        let key_lines: Vec<usize> = self
            .out
            .findings
            .iter()
            .filter(|f| f.kind == Kind::Secret)
            .map(|f| f.line)
            .collect();
        // A reusable workflow's secrets are passed by name by its callers.
        let reusable =
            self.path.contains(".github/workflows/") && self.source.text.contains("workflow_call");
        for f in &mut self.out.findings {
            if reusable && f.kind == Kind::ApiKeyEnv && f.fix == Fix::Auto {
                let why = format!(
                    "{} in a reusable workflow (on: workflow_call): its callers pass it by name; rename it here and in every caller together",
                    f.matched
                );
                f.decide(Fix::Manual, why, "workflow-call");
                continue;
            }
            if f.kind == Kind::ApiKeyEnv && f.fix == Fix::Auto && key_lines.contains(&f.line) {
                let new = f.replacement.clone().unwrap_or_default();
                let why = format!(
                    "{} holds an OpenRouter key: renaming it to {new} would send that key to the new gateway; create a key there, set it as {new}, and revoke this one",
                    f.matched
                );
                f.decide(Fix::Manual, why, "holds-key");
            }
        }
        if self.out.has_marker {
            for (h, spans) in headers {
                match self.destination(h.span.start, &spans, false) {
                    Some((Anchor::Kept, at)) => {
                        let stays = self.stays(&h, at);
                        self.out.findings.push(stays);
                    }
                    Some((a, _)) if a.openrouter() => self.out.findings.push(h),
                    _ => {}
                }
            }
        }
        self.out
    }

    /// `f` as a manual item: it belongs to a request whose URL (at `at`)
    /// stays on OpenRouter, so it must change together with that URL.
    fn stays(&self, f: &Finding, at: usize) -> Finding {
        let line = self.source.line_col(at).0;
        let mut f = f.clone();
        let why = format!(
            "{} stays: the request it belongs to still goes to OpenRouter (the URL on line {line} is not rewritten automatically); change both together",
            f.matched
        );
        f.decide(Fix::Manual, why, "stays");
        f
    }

    /// Where does the request that the text at `at` belongs to go? Look
    /// outward through its enclosing objects and calls (`spans`, innermost
    /// first; the first is skipped: a header map's values, like an app URL,
    /// say nothing about the destination): the first one that holds a URL or
    /// OpenRouter marker decides, the nearest line winning. `urls_only`
    /// counts URLs only (for key variables, which are markers themselves).
    /// Returns the deciding anchor and its offset.
    fn destination(
        &self,
        at: usize,
        spans: &[Range<usize>],
        urls_only: bool,
    ) -> Option<(Anchor, usize)> {
        let (own, outer) = spans.split_first()?;
        let line_of = |off: usize| self.source.line_col(off).0 as i64;
        let here = line_of(at);
        for g in outer {
            let nearest = self
                .anchors
                .iter()
                .filter(|a| g.contains(&a.0) && !own.contains(&a.0) && a.0 != at)
                .filter(|a| !urls_only || a.1 != Anchor::Marker)
                // Nearest line first; on a tie OpenRouter wins, and a kept
                // URL over one that moves (the safe reading).
                .min_by_key(|a| ((line_of(a.0) - here).abs(), std::cmp::Reverse(a.1)));
            if let Some(&(off, a)) = nearest {
                return Some((a, off));
            }
        }
        None
    }
}

fn target_markers(target: &TargetTable) -> Vec<String> {
    let host = super::url::UrlParts::parse(&target.base_url).host;
    let mut v = vec![target.key_env.to_ascii_lowercase()];
    if !host.is_empty() {
        v.push(host.to_ascii_lowercase());
    }
    v
}

fn accepted_ids(target: &TargetTable) -> HashSet<String> {
    target
        .models
        .iter()
        .filter(|m| matches!(m.status, Status::Same | Status::Renamed | Status::Retired))
        .map(|m| m.to.as_ref().map_or(&m.from.value, |t| &t.value).clone())
        .collect()
}

/// What a token says about where nearby requests go.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
enum Anchor {
    /// Some other URL.
    Other,
    /// An OpenRouter marker that is not a URL (a key variable, a slug).
    Marker,
    /// An OpenRouter URL that rewrite moves to the target.
    Url,
    /// An OpenRouter URL or route that stays (a manual item).
    Kept,
}

impl Anchor {
    fn openrouter(self) -> bool {
        self != Anchor::Other
    }
}

/// Whether model ids in this file are routed by their provider prefix
/// (LiteLLM proxy configs and code, aider configs).
fn prefix_routed(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    name.starts_with(".aider.")
        || text.contains("litellm_params")
        || text.contains("import litellm")
        || text.contains("from litellm")
        || text.contains("LiteLLMModel")
}

/// The table key of a model reference: no LiteLLM prefix, suffix or preset.
fn slug_base<'s>(src: &SourceTable, s: &'s str) -> &'s str {
    let s = s.split("@preset/").next().unwrap_or(s);
    let s = match src
        .litellm_prefix
        .as_deref()
        .and_then(|p| s.strip_prefix(p))
    {
        Some(rest) if rest.contains('/') => rest,
        _ => s,
    };
    s.split(':').next().unwrap_or(s)
}

fn action_word(a: Action) -> &'static str {
    match a {
        Action::Drop => "drop",
        Action::Keep => "keep",
        Action::Manual => "manual",
    }
}

/// The key this value token belongs to (`key: value`, `key=value`).
pub fn value_key<'t>(lx: &Lexed, text: &'t str, i: usize) -> Option<&'t str> {
    let p = lx.prev_sig(i)?;
    let pt = &lx.tokens[p];
    if pt.key {
        return Some(text[pt.inner.clone()].trim_matches(|c| c == '"' || c == '\''));
    }
    if pt.tok == Tok::Punct && matches!(&text[pt.span.clone()], ":" | "=") {
        let k = lx.prev_sig(p)?;
        let kt = &lx.tokens[k];
        if matches!(kt.tok, Tok::Ident | Tok::Str) {
            return Some(text[kt.inner.clone()].trim_matches(|c| c == '"' || c == '\''));
        }
    }
    None
}

/// The first value token after a key (skipping `:`/`=`).
fn value_token(lx: &Lexed, i: usize) -> Option<usize> {
    let mut j = lx.next_sig(i)?;
    if lx.tokens[j].tok == Tok::Punct {
        j = lx.next_sig(j)?;
    }
    Some(j)
}
