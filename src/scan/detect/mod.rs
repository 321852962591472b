//! Detectors: tokens of one file -> findings. Each detector looks at token
//! kind and context (key, enclosing object or call, file markers) rather
//! than at raw text, so a URL in a comment, an `org/name` path or a Referer
//! header sent elsewhere is not reported.
//!
//! `FileCtx::tokens` walks one token stream per file and hands each token
//! to the detector of each kind, one file each: `urls` (base URLs and
//! endpoints), `env` (key variables, config keys, identifiers), `headers`,
//! `slugs` (model ids), `fields` (OpenRouter-only request fields),
//! `packages` and `secrets`. This file holds what they share: the compiled
//! tables, the per-file context, and the request-level decisions (which
//! host a request goes to, what stays on OpenRouter).

mod env;
mod fields;
pub mod flow;
mod headers;
mod options;
mod packages;
mod prose;
mod secrets;
mod slugs;
mod tools;
mod urls;

use std::collections::{HashMap, HashSet};
use std::ops::Range;

use regex::Regex;

use crate::finding::{Finding, Fix, Kind};
use crate::lang::lexer::{Lexed, Tok};
use crate::redact::{mask, Redactor};
use crate::rules::schema::{Action, Status};
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
    /// Words a comment or a Markdown paragraph must hold for the prose
    /// detector to read it (the source's hosts and variable names): most
    /// comments hold none, and reading them all cost more than the rest of
    /// the scan.
    prose_words: aho_corasick::AhoCorasick,
    url: Regex,
    /// The source's hosts in lower case: a token without one has no URL
    /// for `url` to find.
    hosts_lower: Vec<String>,
    secret: Regex,
    env_name: Regex,
    env_candidate: Regex,
    /// An OpenRouter settings path (`openrouter.api-key`, `OpenRouter:ApiKey`).
    config_path: Regex,
    slug: Regex,
    known_slugs: HashSet<String>,
    known_ids: Option<slugs::KnownIds>,
    authors: HashSet<String>,
    npm: Vec<(String, String)>,
    pypi: Vec<(String, String)>,
    py_modules: Vec<(String, String)>,
    crates: Vec<(String, String)>,
    gomods: Vec<String>,
    /// Packages of the manifest-only ecosystems.
    manifest_pkgs: Vec<(crate::rules::schema::Ecosystem, String)>,
    /// Lower-case text that shows the tree talks to the target gateway (its
    /// host, its key variable): after a migration, model ids and request
    /// fields are still checked, now against the target's table.
    target_markers: Vec<String>,
    /// Ids the target serves as they are: the `to` of its verified rows.
    accepted: HashSet<String>,
    /// The target's model rows by id (the first row of an id, as
    /// `TargetTable::row` finds it).
    rows: HashMap<&'r str, &'r crate::rules::schema::ModelRow>,
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
    /// Client bindings and ids passed through imported names, for the
    /// repository-level step.
    pub flow: flow::Flow,
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
            py_modules: &self.py_modules,
            npm: &self.npm,
            go: &self.gomods,
            crates: &self.crates,
            manifests: &self.manifest_pkgs,
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
        let config_path = Regex::new(&format!(
            r"(?i)({env_word}|open-router)(\.|:|__)([a-z][a-z0-9-]*(?:_[a-z0-9-]+)*)"
        ))
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
        let known_ids = slugs::KnownIds::new(known_slugs.iter().filter(|s| s.contains('/')));
        let pkgs = |eco: crate::rules::schema::Ecosystem| -> Vec<(String, String)> {
            src.sdk_packages
                .iter()
                .filter(|p| p.ecosystem == eco && !p.import_only)
                .map(|p| {
                    (
                        p.name.clone(),
                        p.import.clone().unwrap_or_else(|| p.name.clone()),
                    )
                })
                .collect()
        };
        use crate::rules::schema::Ecosystem as E;
        // Every module path of a PyPI package, for imports (import-only
        // packages included).
        let py_modules = src
            .sdk_packages
            .iter()
            .filter(|p| p.ecosystem == E::Pypi)
            .flat_map(|p| {
                let first = p.import.clone().unwrap_or_else(|| p.name.clone());
                std::iter::once(first)
                    .chain(p.modules.iter().cloned())
                    .map(|m| (p.name.clone(), m))
            })
            .collect();
        Detector {
            src,
            target,
            direct: super::direct::Direct::new(src),
            redactor: Redactor::for_rules(rules),
            prose_words: prose_words(src),
            url,
            hosts_lower: src.hosts.iter().map(|h| h.to_ascii_lowercase()).collect(),
            secret,
            env_name,
            env_candidate,
            config_path,
            slug,
            known_slugs,
            known_ids,
            authors: src.authors.iter().cloned().collect(),
            npm: pkgs(E::Npm),
            pypi: pkgs(E::Pypi),
            py_modules,
            crates: pkgs(E::Crates),
            gomods: pkgs(E::Go).into_iter().map(|p| p.0).collect(),
            manifest_pkgs: src
                .sdk_packages
                .iter()
                .filter(|p| p.ecosystem.manifest_only())
                .map(|p| (p.ecosystem, p.name.clone()))
                .collect(),
            target_markers: target_markers(target),
            accepted: accepted_ids(target),
            rows: target
                .models
                .iter()
                .rev()
                .map(|r| (r.from.value.as_str(), r))
                .collect(),
        }
    }

    /// [`TargetTable::map_slug`] through the row index.
    pub fn map_slug(&self, reference: &str) -> crate::rules::lookup::Mapping {
        self.target
            .map_slug_with(self.src, reference, |s| self.rows.get(s).copied())
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
    /// The kind of the file at `path`, detected once by the walk (an
    /// embedded fence is read as its own language; the file stays what it is).
    pub kind: crate::lang::FileKind,
    pub source: &'a SourceText,
    pub out: Outcome,
    /// Candidate headers with the spans of their enclosing groups
    /// (innermost first), decided once the file's URLs are known.
    headers: Vec<(Finding, Vec<Range<usize>>)>,
    /// Names assigned an OpenRouter URL (`const chatURL = "https://openrouter.ai/..."`):
    /// their uses count as OpenRouter anchors (kept ones when the URL stays).
    url_names: HashMap<String, Anchor>,
    /// Names assigned another host's URL (`GROQ_URL = "https://api.groq.com/..."`):
    /// given as a client's base URL, they send its requests there.
    other_url_names: HashSet<String>,
    /// Offsets of URL-ish tokens and OpenRouter markers, and what they are.
    anchors: Vec<(usize, Anchor)>,
    /// Key-variable findings (indices into `out.findings`) with their
    /// enclosing groups: decided once the file's URLs are known.
    env_reads: Vec<(usize, Vec<Range<usize>>)>,
    /// Model-id findings (indices into `out.gated`) decided the same way.
    slug_reads: Vec<(usize, Vec<Range<usize>>, bool)>,
    /// Ids of unlisted authors given as a framework client's model option
    /// (rules: `client_options`), with their enclosing groups.
    option_ids: Vec<(Range<usize>, Vec<Range<usize>>)>,
    /// Offsets of other hosts' URLs given as a base URL (`baseURL:`,
    /// `api_base=`): an id next to one is sent there.
    other_bases: Vec<usize>,
    /// Uses of a kept SDK's imported names (`kept_entry_points`): requests
    /// leave for OpenRouter there.
    pub(crate) kept_calls: Vec<usize>,
    /// In a prefix-routed file, ids whose `openrouter/` route stays (a
    /// manual item) with the call or entry that holds them: its base URL
    /// and key stay with the route.
    kept_routes: Vec<(usize, Range<usize>)>,
    /// Reading a file of no known kind: only unambiguous API URLs count.
    limited: bool,
    /// A LiteLLM, CrewAI or aider file, where the provider prefix routes the call:
    /// only `openrouter/<author>/<model>` ids go to OpenRouter there
    /// (`deepseek/deepseek-chat` goes to DeepSeek).
    prefix_routed: bool,
    /// The URL being classified is given to an Anthropic client
    /// (`ANTHROPIC_BASE_URL`, `Anthropic(base_url=..)`, `spring.ai.anthropic`):
    /// OpenRouter's `/api` is then its Anthropic-compatible base, not the
    /// API root.
    anthropic_client: bool,
    /// Ids passed through names bound in this file, with their binding and
    /// name: decided once the file's findings are all made.
    local_uses: Vec<(Range<usize>, flow::Binding, String)>,
    /// The developer tool whose config file this is (rules: `tool_configs`),
    /// found once: key tokens ask for it.
    tool: Option<&'r crate::rules::schema::ToolConfig>,
    /// Whether the file decodes property lists (asked of many strings;
    /// found once, when first asked).
    decodes_plist: std::cell::OnceCell<bool>,
    /// Endpoint paths appended to a base in strings (`f"{BASE}/credits"`),
    /// reported at the end if the file is about OpenRouter.
    appended: Vec<(Range<usize>, &'r crate::rules::schema::SourceEndpoint)>,
    /// A program identifier names OpenRouter (`OpenRouterClient`): the
    /// file's code is about it even where its URL is in another file.
    names_source: bool,
    /// `(group, value group)` of each key naming OpenRouter that opens a
    /// group, in the tokens being read: the OpenRouter entry of a table
    /// keyed by provider (slugs.rs), found once per token list.
    provider_tables: Vec<(usize, usize)>,
}

impl<'a, 'r> FileCtx<'a, 'r> {
    pub fn new(
        det: &'a Detector<'r>,
        path: &'a str,
        kind: crate::lang::FileKind,
        source: &'a SourceText,
    ) -> FileCtx<'a, 'r> {
        FileCtx {
            det,
            path,
            kind,
            source,
            out: Outcome::default(),
            headers: Vec::new(),
            anchors: Vec::new(),
            url_names: HashMap::new(),
            other_url_names: HashSet::new(),
            appended: Vec::new(),
            names_source: false,
            env_reads: Vec::new(),
            slug_reads: Vec::new(),
            option_ids: Vec::new(),
            other_bases: Vec::new(),
            kept_calls: Vec::new(),
            kept_routes: Vec::new(),
            limited: false,
            prefix_routed: prefix_routed(path, &source.text),
            anthropic_client: false,
            local_uses: Vec::new(),
            tool: det.src.tool_configs.iter().find(|t| t.owns(path)),
            decodes_plist: std::cell::OnceCell::new(),
            provider_tables: Vec::new(),
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

    /// Run the token detectors over a lexed region. `limited` (files of no
    /// known kind) runs only the detectors that need no syntax.
    pub fn tokens(&mut self, lx: &Lexed, limited: bool) {
        // A JSON body read inside a string has tokens of its own.
        let tables = slugs::provider_tables(lx, &self.source.text);
        let outer = std::mem::replace(&mut self.provider_tables, tables);
        self.read_tokens(lx, limited);
        self.provider_tables = outer;
    }

    fn read_tokens(&mut self, lx: &Lexed, limited: bool) {
        self.limited = limited;
        let text = &self.source.text;
        for i in 0..lx.tokens.len() {
            let t = &lx.tokens[i];
            if t.tok == Tok::Comment && !limited {
                self.prose(t.inner.clone());
            }
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
            let names = s.len() >= 10 && contains_ignore_ascii_case(s, "openrouter");
            let lower_has = names && self.det.direct.is_none() && t.tok != Tok::Ident;
            self.names_source |= names && t.tok == Tok::Ident;
            let url = if matches!(t.tok, Tok::Str | Tok::Word) {
                self.base_urls(lx, i)
            } else {
                None
            };
            if t.tok == Tok::Str && url.is_none() && !limited {
                self.appended_endpoints(lx, i);
            }
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
            } else if has_scheme_separator(s)
                && !self.is_header_value(lx, i)
                && !attribution_arg(lx, text, i)
            {
                self.anchors.push((t.span.start, Anchor::Other));
                let key = value_key(lx, text, i);
                if key.is_some_and(is_base_key) || self.client_option(lx, i, false) {
                    self.other_bases.push(t.span.start);
                }
                // The target's own URL (after a migration) is no other host:
                // ids sent there are what the gate checks.
                if let Some(k) = key.filter(|_| t.tok == Tok::Str && !self.is_target_marker(s)) {
                    self.other_url_names.insert(k.to_owned());
                }
            }
            self.env_names(lx, i);
            if limited {
                continue;
            }
            self.config_paths(lx, i);
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
                if t.tok == Tok::Str {
                    self.slug_key(lx, i);
                }
                self.tool_provider(lx, i);
            } else {
                self.assigned_field(lx, i);
            }
        }
        self.name_anchors(lx);
    }

    /// Uses of names bound to URLs (`base_url=OPENROUTER_URL`,
    /// `base_url=GROQ_URL`) anchor where their requests go.
    fn name_anchors(&mut self, lx: &Lexed) {
        if self.url_names.is_empty() && self.other_url_names.is_empty() {
            return;
        }
        let text = &self.source.text;
        for (i, t) in lx.tokens.iter().enumerate() {
            if t.tok != Tok::Ident || t.key {
                continue;
            }
            let name = &text[t.span.clone()];
            if let Some(a) = self.url_names.get(name) {
                self.anchors.push((t.span.start, *a));
            } else if self.other_url_names.contains(name)
                && (value_key(lx, text, i).is_some_and(is_base_key)
                    || self.client_option(lx, i, false))
            {
                // `OpenAI(base_url=GROQ_URL)`: another host's client.
                self.anchors.push((t.span.start, Anchor::Other));
                self.other_bases.push(t.span.start);
            }
        }
    }

    fn builds_requests(&self) -> bool {
        self.prefix_routed || self.kind.sends_requests()
    }

    fn is_target_marker(&self, s: &str) -> bool {
        s.len() >= 6
            && self
                .det
                .target_markers
                .iter()
                .any(|m| contains_ignore_ascii_case(s, m))
    }

    /// Decide candidate headers and return the outcome.
    pub fn finish(mut self) -> Outcome {
        self.appended_findings();
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
        // A LiteLLM-style call whose `openrouter/` id stays goes to
        // OpenRouter whatever its `api_base` says: moving the URL or the key
        // beside the id would send one gateway's key to the other.
        for i in 0..self.out.findings.len() {
            let f = &self.out.findings[i];
            if f.fix != Fix::Auto || !matches!(f.kind, Kind::BaseUrl | Kind::ApiKeyEnv) {
                continue;
            }
            let route = self
                .kept_routes
                .iter()
                .find(|(_, g)| g.contains(&f.span.start))
                .map(|r| r.0);
            if let Some(at) = route {
                let stays = self.stays(f, at);
                self.out.findings[i] = stays;
            }
        }
        // An OpenRouter id sent through an SDK that stays would not be
        // served there under the target's name. (A kept catalog or account
        // URL nearby takes no model id: only kept SDKs count.)
        let mut elsewhere: Vec<usize> = Vec::new();
        for (i, spans, option) in std::mem::take(&mut self.slug_reads) {
            let f = &self.out.gated[i];
            let kept_sdk = |at: usize| {
                self.kept_calls.contains(&at)
                    || self
                        .out
                        .findings
                        .iter()
                        .any(|p| p.kind == Kind::SdkPackage && p.span.start == at)
            };
            // Another host's base URL in the id's own object or the two
            // around it (an endpoint entry), not anywhere in the file.
            // A framework client's model option goes where its base URL
            // option beside it points, in a builder chain or a flat
            // settings file too.
            let sent_elsewhere = |at: usize| {
                self.other_bases.contains(&at)
                    && (option
                        || spans.len() > 2
                            && spans[1..spans.len() - 1]
                                .iter()
                                .take(3)
                                .any(|g| g.contains(&at)))
            };
            match self.destination(f.span.start, &spans, true) {
                Some((Anchor::Kept, at))
                    if kept_sdk(at) && f.fix == Fix::Auto && self.builds_requests() =>
                {
                    let stays = self.stays(f, at);
                    self.out.gated[i] = stays;
                }
                // `{baseURL: "https://api-inference.huggingface.co/v1",
                // models: ["google/gemma-2-9b-it"]}`: another host's id.
                Some((Anchor::Other, at)) if sent_elsewhere(at) => elsewhere.push(i),
                _ => {}
            }
        }
        for i in elsewhere.into_iter().rev() {
            self.out.gated.remove(i);
        }
        self.decide_option_ids();
        self.decide_local_uses();
        // Renaming a variable that holds an OpenRouter key would file that
        // key under the new gateway's name.
        let key_lines: Vec<usize> = self
            .out
            .findings
            .iter()
            .filter(|f| f.kind == Kind::Secret)
            .map(|f| f.line)
            .collect();
        let loose_keys: Vec<usize> = key_lines
            .iter()
            .copied()
            .filter(|l| {
                !self
                    .out
                    .findings
                    .iter()
                    .any(|f| f.kind == Kind::ApiKeyEnv && f.fix == Fix::Auto && f.line == *l)
            })
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
            // A hard-coded key goes wherever this file's requests go:
            // moving their URL would hand the OpenRouter key to the new
            // gateway. Prose sends nothing, and a key held by a named
            // variable (`OPENROUTER_API_KEY=sk-or-...`) keeps its old name
            // (below) while readers move to the target's.
            if f.kind == Kind::BaseUrl
                && f.fix == Fix::Auto
                && self.kind != crate::lang::FileKind::Markdown
            {
                if let Some(k) = loose_keys.first() {
                    let why = format!(
                        "this file hard-codes an OpenRouter key (line {k}): moving this URL to {} would send that key there; put a {} key in its place (read from {}), revoke the OpenRouter key, then change the URL",
                        self.det.target.name, self.det.target.name, self.det.target.key_env
                    );
                    f.decide(Fix::Manual, why, "sends-key");
                    continue;
                }
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
        // Relative, so it reads right in an embedded document too (a
        // Markdown fence, a notebook cell) whose lines are not the file's.
        let (url_line, own_line) = (
            self.source.line_col(at).0,
            self.source.line_col(f.span.start).0,
        );
        let place = match url_line.cmp(&own_line) {
            std::cmp::Ordering::Equal => "on the same line".to_owned(),
            std::cmp::Ordering::Less => format!("{} line(s) above", own_line - url_line),
            std::cmp::Ordering::Greater => format!("{} line(s) below", url_line - own_line),
        };
        let mut f = f.clone();
        let why = format!(
            "{} stays: the request it belongs to still goes to OpenRouter (the URL or SDK it is sent through, {place}, is not rewritten automatically); change both together",
            f.matched
        );
        let why = match &f.replacement {
            Some(to) if f.kind == Kind::ModelSlug => {
                format!("{why}; on {} it is {to}", self.det.target.name)
            }
            _ => why,
        };
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

/// `s.contains("://")`, found through the `:`s (a memchr) instead of a
/// substring searcher built for every token.
fn has_scheme_separator(s: &str) -> bool {
    // Every token asks: a plain loop beats setting up a searcher.
    s.as_bytes().windows(3).any(|w| w == b"://")
}

/// `hay.to_ascii_lowercase().contains(needle)` for a lower-case `needle`,
/// without a lower-cased copy of every token.
fn contains_ignore_ascii_case(hay: &str, needle: &str) -> bool {
    let (h, n) = (hay.as_bytes(), needle.as_bytes());
    match n.first() {
        None => true,
        Some(&first) => {
            h.len() >= n.len()
                && h.windows(n.len())
                    .any(|w| w[0].eq_ignore_ascii_case(&first) && w.eq_ignore_ascii_case(n))
        }
    }
}

fn prose_words(src: &SourceTable) -> aho_corasick::AhoCorasick {
    let mut words: Vec<String> = src
        .hosts
        .iter()
        .chain(&src.key_env)
        .chain(&src.base_url_env)
        .cloned()
        .collect();
    if src.protocol.is_none() {
        // OpenRouter's variables in any spelling (`MY_OPENROUTER_KEY`).
        words.extend(["openrouter".to_owned(), "open_router".to_owned()]);
    }
    aho_corasick::AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(words)
        .expect("literal patterns")
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
/// (LiteLLM proxy configs and code, aider configs, and DSPy's `dspy.LM`,
/// which routes by LiteLLM's prefix: `dspy.LM('openai/gpt-4o-mini')` is
/// OpenAI's model, https://dspy.ai/learn/programming/language_models).
fn prefix_routed(path: &str, text: &str) -> bool {
    let name = path.rsplit('/').next().unwrap_or(path);
    // One pass for the three spellings that share `litellm`.
    let lite = text.contains("litellm")
        && (text.contains("litellm_params")
            || text.contains("import litellm")
            || text.contains("from litellm"));
    name.starts_with(".aider.")
        || lite
        || text.contains("LiteLLMModel")
        || crewai_llm(text)
        || text.contains("dspy.LM(")
}

/// CrewAI's `LLM(model="provider/model")` picks the provider by LiteLLM's
/// prefix (https://docs.crewai.com/learn/llm-connections): `openai/gpt-4o`
/// there is OpenAI's `gpt-4o`, not an OpenRouter id.
fn crewai_llm(text: &str) -> bool {
    text.contains("from crewai")
        && text.lines().any(|l| {
            let l = l.trim_start();
            l.starts_with("from crewai")
                && l.split(|c: char| !c.is_ascii_alphanumeric() && c != '_')
                    .any(|w| w == "LLM")
        })
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
    // A pair key (`Map.of("model", v)`, Kotlin `"model" to v`).
    if pt.tok == Tok::Punct && matches!(&text[pt.span.clone()], "," | "to") {
        let k = &lx.tokens[lx.prev_sig(p)?];
        return (k.key && k.tok == Tok::Str)
            .then(|| text[k.inner.clone()].trim_matches(|c| c == '"' || c == '\''));
    }
    if pt.tok == Tok::Punct && matches!(&text[pt.span.clone()], ":" | "=" | "=>") {
        let k = lx.prev_sig(p)?;
        let kt = &lx.tokens[k];
        if matches!(kt.tok, Tok::Ident | Tok::Str) {
            return Some(text[kt.inner.clone()].trim_matches(|c| c == '"' || c == '\''));
        }
    }
    None
}

/// `base_url`, `baseURL`, `api-base`: lower case, letters and digits only.
fn squash(k: &str) -> String {
    k.chars()
        .filter(|c| c.is_ascii_alphanumeric())
        .collect::<String>()
        .to_ascii_lowercase()
}

/// A key that gives a client or endpoint its server.
fn is_base_key(k: &str) -> bool {
    matches!(
        squash(k).as_str(),
        "baseurl"
            | "apibase"
            | "apiurl"
            | "urlbase"
            | "uribase"
            | "baseuri"
            | "endpoint"
            | "serverurl"
    )
}

/// The site URL an SDK wrapper sends as OpenRouter attribution
/// (pydantic-ai `app_url=`/`http_referer=`, `site_url=`, TanStack
/// `httpReferer:`, Go `WithHTTPReferer(..)`, Rust `.http_referer(..)`): the
/// app's own address, not where requests go.
fn attribution_arg(lx: &Lexed, text: &str, i: usize) -> bool {
    let named = |k: &str| {
        let k = squash(k);
        let k = k
            .strip_prefix("with")
            .or(k.strip_prefix("set"))
            .unwrap_or(&k);
        matches!(
            k,
            "appurl" | "httpreferer" | "siteurl" | "referer" | "referrer"
        )
    };
    value_key(lx, text, i).is_some_and(named)
        || lx.tokens[i].group != 0 && lx.label(text, lx.tokens[i].group).is_some_and(named)
}
