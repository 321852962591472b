//! Provider URLs, key variables and SDK packages.

use std::ops::Range;

use super::{compatible, default_suggestion, fill};
use crate::finding::{Finding, Fix, Kind};
use crate::rules::schema::{Ecosystem, EndpointKind, Protocol};
use crate::scan::detect::FileCtx;
use crate::source::Edit;

impl FileCtx<'_, '_> {
    /// A provider URL: its OpenAI-compatible base and endpoints map onto the
    /// target's; the Anthropic SDK base onto the target's Anthropic base;
    /// native paths with no equivalent are manual.
    pub(in crate::scan) fn classify_direct_url(&self, r: Range<usize>) -> Option<Finding> {
        let src = self.det.src;
        let tg = self.det.target;
        // A shell `${VAR}` right after the URL is not part of it.
        let mut r = r;
        if self.source.text[r.clone()].ends_with('$') && self.source.text[r.end..].starts_with('{')
        {
            r.end -= 1;
        }
        let m = &self.source.text[r.clone()];
        let url = crate::scan::url::UrlParts::parse(m);
        let (path, query) = (url.path, url.query);
        let path_t = path.trim_end_matches('/');
        let trailing = &path[path_t.len()..];
        let strip_scheme = |u: &str| url.like_written(u);
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
    pub(in crate::scan) fn direct_env_finding(&self, r: Range<usize>, name: &str) -> Finding {
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
    pub(in crate::scan) fn direct_package(&mut self, r: Range<usize>, eco: Ecosystem, name: &str) {
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
}
