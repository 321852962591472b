//! SDK packages in manifests and imports, and their swaps.

use super::*;

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
}
