//! Prose: comments and Markdown text. After a migration the README must not
//! still say "set `OPENROUTER_API_KEY`", nor a doc comment "talks to
//! https://openrouter.ai/api/v1": exact key-variable names and API URLs
//! there are findings, rewritten in place. Links to OpenRouter's web pages
//! (keys, settings, docs) are informational. The word "OpenRouter" is not a
//! finding. Prose findings count only where the repository talks to
//! OpenRouter, and never make it look as if it does.

use super::*;

/// Files that record what was true (changelogs, archived docs, decision
/// records): their prose stays as written.
const HISTORICAL: &[&str] = &[
    "changelog",
    "changes",
    "history",
    "news",
    "release-notes",
    "release_notes",
    "releases",
];
const HISTORICAL_DIRS: &[&str] = &["archive", "adr", "adrs", "decisions"];

/// Whether `path` is a historical document whose prose is left alone.
pub fn historical(path: &str) -> bool {
    let lower = path.replace('\\', "/").to_ascii_lowercase();
    let mut parts: Vec<&str> = lower.split('/').collect();
    let file = parts.pop().unwrap_or("");
    let (stem, ext) = file.split_once('.').unwrap_or((file, ""));
    let doc = matches!(ext, "" | "md" | "markdown" | "mdx" | "rst" | "txt" | "adoc");
    doc && HISTORICAL.contains(&stem) || parts.iter().any(|d| HISTORICAL_DIRS.contains(d))
}

impl FileCtx<'_, '_> {
    /// Findings in a stretch of prose (a comment's text, Markdown outside
    /// code blocks).
    pub(crate) fn prose(&mut self, r: Range<usize>) {
        // Comments reach here by the thousand: the word search first.
        if !self.det.prose_words.is_match(&self.source.text[r.clone()]) || historical(self.path) {
            return;
        }
        self.prose_urls(r.clone());
        // A provider's own variable (`OPENAI_API_KEY`) is read by many other
        // tools: a sentence naming it is not about this code's gateway.
        if self.det.direct.is_none() || self.det.src.gateway {
            self.prose_names(r);
        }
    }

    fn prose_urls(&mut self, r: Range<usize>) {
        let text = &self.source.text;
        let hits: Vec<Range<usize>> = self
            .det
            .url
            .find_iter(&text[r.clone()])
            .map(|m| r.start + m.start()..r.start + m.end())
            .collect();
        for h in hits {
            let b = text.as_bytes();
            // Part of another host, a path or an e-mail address.
            if h.start > 0
                && (b[h.start - 1].is_ascii_alphanumeric() || b"._@-/".contains(&b[h.start - 1]))
            {
                continue;
            }
            // Sentence punctuation and Markdown emphasis after a link.
            let m = text[h.clone()].trim_end_matches(['.', ',', ':', ';', '!', '?', '*', '_']);
            if !m.contains('/') {
                // "openrouter.ai" as a word: a name, not a dependency.
                continue;
            }
            let h = h.start..h.start + m.len();
            let classified = if self.det.direct.is_some() {
                self.classify_direct_url(h.clone())
            } else {
                // A sentence or an `ANTHROPIC_BASE_URL=...` line about an
                // Anthropic client names it before the URL.
                let line = text[..h.start].rfind('\n').map_or(r.start, |n| n + 1);
                let before = text[line.max(r.start)..h.start].to_ascii_lowercase();
                self.anthropic_client = before.contains("anthropic") || before.contains("claude");
                let f = self.classify_url(h.clone());
                self.anthropic_client = false;
                f
            };
            let f = match classified {
                // A bare host (`https://openrouter.ai`) is the website.
                Some(f) if !f.rule.ends_with(":host") => self.prose_api_url(f),
                _ => self.page_link(h),
            };
            // Gated, and not a marker: docs alone do not make a tree talk to
            // OpenRouter, and a repository that moved away keeps its history.
            self.push(f, true);
        }
    }

    /// An API URL in prose: the text names the target's equivalent where
    /// there is one (an endpoint whose response shape differs is a concern
    /// for the code that reads it, not for a sentence); otherwise it is
    /// informational.
    fn prose_api_url(&self, mut f: Finding) -> Finding {
        let endpoint = f.rule.contains(":base-url:/") || f.rule.ends_with(":base-url:base");
        match (&f.replacement, f.fix) {
            (Some(_), Fix::Auto) => {}
            (Some(repl), Fix::Manual) if endpoint => {
                f.edit = Some(Edit {
                    range: f.span.clone(),
                    text: repl.clone(),
                });
                f.fix = Fix::Auto;
                f.message = format!("{} API URL -> {}", self.det.src.name, repl);
            }
            _ => {
                f.fix = Fix::None;
                f.edit = None;
                f.message = format!(
                    "{} API URL in prose with no automatic equivalent on {}: edit the text by hand if it describes this project",
                    self.det.src.name, self.det.target.name
                );
                return f;
            }
        }
        f.message.push_str(" (in prose)");
        f
    }

    /// A link that is not an API URL: a web page of the source gateway.
    fn page_link(&self, r: Range<usize>) -> Finding {
        let (src, tg) = (self.det.src, self.det.target);
        let m = self.source.text[r.clone()].to_owned();
        self.finding(
            Kind::BaseUrl,
            r,
            m,
            None,
            Fix::None,
            format!(
                "link to {}'s website, not an API dependency: point readers at {}'s own page if the text is about this project's setup",
                src.name, tg.name
            ),
            format!("{}:base-url:page", src.id),
        )
    }

    /// UPPER_CASE words that are the source's key or base-URL variables.
    fn prose_names(&mut self, r: Range<usize>) {
        let text = &self.source.text;
        let b = text.as_bytes();
        let mut i = r.start;
        while i < r.end {
            if !(b[i].is_ascii_uppercase() || b[i] == b'_')
                || (i > r.start && (b[i - 1].is_ascii_alphanumeric() || b[i - 1] == b'_'))
            {
                i += 1;
                continue;
            }
            let mut j = i;
            while j < r.end && (b[j].is_ascii_alphanumeric() || b[j] == b'_') {
                j += 1;
            }
            let name = &text[i..j];
            if name.bytes().all(|c| !c.is_ascii_lowercase()) && self.is_env_name(name) {
                let mut f = self.env_finding(i..j, name);
                if f.fix == Fix::Auto {
                    f.message.push_str(" (in prose)");
                    // The repository pass may find the name is only an
                    // identifier (`prose_names_follow_code`).
                    f.rule.push_str(":prose");
                }
                self.push(f, true);
            }
            i = j.max(i + 1);
        }
    }
}

#[cfg(test)]
mod tests {
    use super::historical;

    #[test]
    fn historical_documents_by_name_and_directory() {
        for p in [
            "CHANGELOG.md",
            "pkg/CHANGES.rst",
            "HISTORY.md",
            "docs/archive/setup.md",
            "docs/adr/0003-use-openrouter.md",
            "NEWS",
        ] {
            assert!(historical(p), "{p}");
        }
        for p in [
            "README.md",
            "docs/setup.md",
            "src/changelog_parser.py",
            "archive.py",
            "app/history.py",
        ] {
            assert!(!historical(p), "{p}");
        }
    }
}
