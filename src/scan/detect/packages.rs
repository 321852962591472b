//! SDK packages in manifests and imports, and their swaps.

use super::*;
use crate::lang::FileKind;

impl FileCtx<'_, '_> {
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
            None => {
                // The table's exact code for this package, or the OpenAI SDK.
                let code = self
                    .det
                    .src
                    .sdk_packages
                    .iter()
                    .find(|p| p.ecosystem == eco && p.name == name)
                    .and_then(|p| p.suggest.as_deref())
                    .map(|s| tg.fill(s))
                    .unwrap_or_else(|| crate::scan::direct::default_suggestion(eco, tg));
                self.finding(
                    Kind::SdkPackage,
                    r,
                    matched,
                    None,
                    Fix::Manual,
                    format!(
                        "{} SDK {name}: {} ships no equivalent; use instead: {code}",
                        self.det.src.name, tg.name
                    ),
                    format!("{}:sdk:{name}", tg.id),
                )
            }
        };
        // The SDK's built-in base URL is the request's URL: one the target
        // has no equivalent for keeps calling openrouter.ai. A manifest entry
        // (the only reference of manifest-only ecosystems) sends nothing.
        if eco.manifest_only() {
            self.push(f, false);
            return;
        }
        let a = if f.fix == Fix::Auto {
            Anchor::Url
        } else {
            Anchor::Kept
        };
        self.anchors.push((f.span.start, a));
        self.push(f, false);
    }

    /// The names an import of a kept SDK binds (`createOpenRouter` from
    /// `@openrouter/ai-sdk-provider`, `OpenRouter` from `openrouter`): where
    /// the file uses one, a request leaves for OpenRouter through the SDK,
    /// so the key, headers and ids beside it stay with it. The import alone
    /// is usually far from the call, outside the function that builds it.
    pub(crate) fn kept_entry_points(&mut self, lx: &Lexed, kind: FileKind, module: &str) {
        if !matches!(kind, FileKind::Python | FileKind::JavaScript) {
            return;
        }
        let text = self.source.text.as_str();
        let sub = |m: &str| {
            m == module
                || m.strip_prefix(module)
                    .is_some_and(|r| r.starts_with('/') || r.starts_with('.'))
        };
        let names: Vec<String> = crate::scan::direct::imports::imports(lx, text, kind)
            .into_iter()
            .filter(|(_, (m, _))| sub(m))
            .map(|(local, _)| local)
            .collect();
        for t in &lx.tokens {
            if t.tok != Tok::Ident || !names.iter().any(|n| *n == text[t.span.clone()]) {
                continue;
            }
            // The import statement names it too.
            if !text[self.source.line_around(t.span.clone())].contains(module) {
                self.anchors.push((t.span.start, Anchor::Kept));
                self.kept_calls.push(t.span.start);
            }
        }
    }
}
