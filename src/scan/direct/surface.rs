//! Provider URLs, key variables and SDK packages.

use std::ops::Range;

use super::{compatible, default_suggestion};
use crate::finding::{Finding, Fix, Kind};
use crate::rules::schema::{Ecosystem, Protocol};
use crate::scan::detect::FileCtx;
use crate::source::Edit;

impl FileCtx<'_, '_> {
    /// A provider URL: its OpenAI-compatible base and endpoints map onto the
    /// target's; the Anthropic SDK base onto the target's Anthropic base;
    /// native paths with no equivalent are manual.
    pub(in crate::scan) fn classify_direct_url(&self, r: Range<usize>) -> Option<Finding> {
        let (src, tg) = (self.det.src, self.det.target);
        // A shell `${VAR}` right after the URL is not part of it.
        let mut r = r;
        if self.source.text[r.clone()].ends_with('$') && self.source.text[r.end..].starts_with('{')
        {
            r.end -= 1;
        }
        let url = crate::scan::url::UrlParts::parse(&self.source.text[r.clone()]);
        let (path, query) = (url.path, url.query);
        let path_t = path.trim_end_matches('/');
        let trailing = &path[path_t.len()..];
        let base = tg.base_url.trim_end_matches('/');
        let anthropic = src.anthropic_path.as_deref();
        if anthropic.is_some_and(|a| path_t == a.trim_end_matches('/')) {
            let f = match &tg.anthropic_base_url {
                Some(a) => self.direct_url_finding(
                    &r,
                    Fix::Auto,
                    Some(url.like_written(&format!("{}{trailing}{query}", a.trim_end_matches('/')))),
                    format!(
                        "{} API base (Anthropic SDK) -> {} Anthropic-compatible base",
                        src.name, tg.name
                    ),
                    "anthropic",
                ),
                None => self.direct_url_finding(
                    &r,
                    Fix::Manual,
                    Some(url.like_written(base)),
                    format!(
                        "{} has no Anthropic-compatible surface: move this code to the OpenAI SDK with base URL {base}",
                        tg.name
                    ),
                    "anthropic",
                ),
            };
            return Some(f);
        }
        if path_t.is_empty() {
            return Some(self.direct_url_finding(
                &r,
                Fix::Manual,
                Some(url.like_written(base)),
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
            return Some(self.direct_url_finding(&r, Fix::Manual, None, msg, "native"));
        };
        if sub.is_empty() {
            return Some(self.direct_url_finding(
                &r,
                Fix::Auto,
                Some(url.like_written(&format!("{base}{trailing}{query}"))),
                format!(
                    "{} OpenAI-compatible base URL -> {} base URL",
                    src.name, tg.name
                ),
                "base",
            ));
        }
        let rest = format!("{trailing}{query}");
        Some(self.direct_endpoint(&r, sub, |u| url.like_written(&format!("{u}{rest}"))))
    }

    /// A base-url finding of the direct profile; an automatic one carries
    /// its edit.
    fn direct_url_finding(
        &self,
        r: &Range<usize>,
        fix: Fix,
        repl: Option<String>,
        msg: String,
        rule: &str,
    ) -> Finding {
        let mut f = self.finding(
            Kind::BaseUrl,
            r.clone(),
            self.source.text[r.clone()].to_owned(),
            repl.clone(),
            Fix::Manual,
            msg,
            format!("{}:base-url:{rule}", self.det.src.id),
        );
        if let (Fix::Auto, Some(t)) = (fix, repl) {
            f.fix = Fix::Auto;
            f.edit = Some(Edit {
                range: r.clone(),
                text: t,
            });
        }
        f
    }

    /// A provider endpoint (`sub`, under the API base): the target's
    /// equivalent, or manual. `written` turns a target URL into the URL as
    /// the code writes it.
    fn direct_endpoint(
        &self,
        r: &Range<usize>,
        sub: &str,
        written: impl Fn(&str) -> String,
    ) -> Finding {
        let (src, tg) = (self.det.src, self.det.target);
        let base = tg.base_url.trim_end_matches('/');
        let ep = src.endpoint(sub);
        let Some(ep) = ep else {
            let msg = format!(
                "{} endpoint '{sub}' is not in the table; check {} by hand",
                src.name, tg.name
            );
            return self.direct_url_finding(r, Fix::Manual, None, msg, "unknown");
        };
        let mapped = tg.endpoints.iter().find(|e| e.path == ep.path);
        if let Some((to, why)) = mapped.and_then(|e| e.to.as_ref().map(|to| (to, e.why.as_deref())))
        {
            let repl = written(&format!("{base}{to}{}", &sub[ep.path.len()..]));
            let mut msg = format!("{} endpoint {} -> {} {}", src.name, ep.path, tg.name, to);
            if let Some(w) = why {
                msg.push_str(&format!(" ({w})"));
            }
            return self.direct_url_finding(r, Fix::Auto, Some(repl), msg, &ep.path);
        }
        let kind = ep.kind.word();
        let why = mapped
            .and_then(|e| e.why.clone())
            .map(|w| format!(" ({w})"))
            .unwrap_or_default();
        let msg = format!(
            "{} {kind} endpoint {}: {} documents no equivalent{why}",
            src.name, ep.path, tg.name
        );
        self.direct_url_finding(r, Fix::Manual, None, msg, &ep.path)
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
        if src.gateway && src.base_url_env.contains(&upper) {
            return self.gateway_base_env_finding(r, name);
        }
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

    /// A gateway's base-URL variable: the destination's, where it has one.
    fn gateway_base_env_finding(&self, r: Range<usize>, name: &str) -> Finding {
        let (src, tg) = (self.det.src, self.det.target);
        let rule = format!("{}:api-key-env", src.id);
        match &tg.base_url_env {
            Some(new) => self.finding(
                Kind::ApiKeyEnv,
                r,
                name.to_owned(),
                Some(new.clone()),
                Fix::Auto,
                format!("{} base URL variable -> {new}", src.name),
                rule,
            ),
            None => self.finding(
                Kind::ApiKeyEnv,
                r,
                name.to_owned(),
                None,
                Fix::Manual,
                format!(
                    "{} base URL variable: {} names no variable of its own; set its base URL {} where this is read",
                    src.name, tg.name, tg.base_url
                ),
                rule,
            ),
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
            .map(|s| tg.fill(s))
            .unwrap_or_else(|| default_suggestion(eco, tg));
        let why = if src.gateway {
            format!("{}'s own SDK, with no counterpart on {}", src.name, tg.name)
        } else if compatible(tg, proto) {
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
