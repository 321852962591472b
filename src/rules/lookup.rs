//! Looking a model id up in a target table: what it becomes and why.

use serde::Serialize;

use super::schema::{Action, ModelRow, SourceTable, Status, TargetTable};
use crate::finding::Fix;

/// An OpenRouter model reference taken apart.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SlugRef<'a> {
    /// Written with LiteLLM's `openrouter/` prefix.
    pub litellm: bool,
    /// The slug without LiteLLM prefix and without suffix (`~` kept).
    pub base: &'a str,
    /// Variant suffix after `:`, e.g. `free`.
    pub suffix: Option<&'a str>,
    /// `@preset/...` part, when present.
    pub preset: Option<&'a str>,
}

impl SlugRef<'_> {
    /// The slug as OpenRouter knows it (no LiteLLM prefix, suffix kept).
    pub fn slug(&self) -> String {
        match self.suffix {
            Some(s) => format!("{}:{s}", self.base),
            None => self.base.to_owned(),
        }
    }
}

/// Split a model reference. Returns `None` when it is not `author/model`.
pub fn parse_slug<'a>(src: &SourceTable, s: &'a str) -> Option<SlugRef<'a>> {
    let (s, preset) = match s.find("@preset/") {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut litellm = false;
    let mut body = s;
    if let Some(p) = &src.litellm_prefix {
        if let Some(rest) = s.strip_prefix(p.as_str()) {
            // `openrouter/auto` is a router slug; `openrouter/a/b` is LiteLLM.
            if rest.contains('/') {
                litellm = true;
                body = rest;
            }
        }
    }
    let (base, suffix) = match body.rsplit_once(':') {
        Some((b, sfx)) if !sfx.contains('/') => (b, Some(sfx)),
        _ => (body, None),
    };
    let b = base.strip_prefix('~').unwrap_or(base);
    let (author, model) = b.split_once('/')?;
    if author.is_empty() || model.is_empty() || model.contains('/') {
        return None;
    }
    Some(SlugRef {
        litellm,
        base,
        suffix,
        preset,
    })
}

/// What a slug becomes on a target.
#[derive(Debug, Clone, PartialEq, Serialize)]
pub struct Mapping {
    pub from: String,
    /// The id to send to the target (a suggestion when `fix` is manual).
    pub to: Option<String>,
    pub status: Status,
    pub fix: Fix,
    /// `target:models:<from>` or `target:<detector>`.
    pub rule: String,
    pub why: String,
    pub source: Option<String>,
    pub verified: Option<String>,
    pub retires_on: Option<String>,
}

impl TargetTable {
    /// A code template with `{base}`, `{anthropic_base}` and `{key_env}`
    /// filled in from this target.
    pub fn fill(&self, template: &str) -> String {
        template
            .replace("{base}", self.base_url.trim_end_matches('/'))
            .replace(
                "{anthropic_base}",
                self.anthropic_base_url
                    .as_deref()
                    .unwrap_or(&self.base_url)
                    .trim_end_matches('/'),
            )
            .replace("{key_env}", &self.key_env)
    }

    pub fn row(&self, slug: &str) -> Option<&ModelRow> {
        self.models.iter().find(|r| r.from.value == slug)
    }

    pub fn suffix_action(&self, suffix: &str) -> Option<(Action, &str)> {
        self.suffixes
            .iter()
            .find(|d| d.name.value == suffix)
            .map(|d| (d.action, d.why.as_str()))
    }

    /// Map an OpenRouter model reference (with or without suffix, LiteLLM
    /// prefix or preset) through this table.
    pub fn map_slug(&self, src: &SourceTable, reference: &str) -> Mapping {
        self.map_slug_with(src, reference, |s| self.row(s))
    }

    /// [`TargetTable::map_slug`] with rows looked up by `row` (scan keeps
    /// an index of this table's rows: a table has hundreds, and a tree full
    /// of model ids looked each one up row by row).
    pub fn map_slug_with<'t>(
        &'t self,
        src: &SourceTable,
        reference: &str,
        row: impl Fn(&str) -> Option<&'t ModelRow>,
    ) -> Mapping {
        let Some(r) = parse_slug(src, reference) else {
            return Mapping::manual(
                reference,
                format!("{}:unlisted", self.id),
                "not an author/model slug".into(),
            );
        };
        if r.preset.is_some() {
            let mut m = Mapping::manual(
                reference,
                format!("{}:preset", self.id),
                format!(
                    "OpenRouter presets are server-side settings with no equivalent on {}; inline the preset's model and parameters",
                    self.name
                ),
            );
            m.status = Status::Unsupported;
            return m;
        }
        // A row for the exact variant wins over base + suffix rule.
        let exact = r.suffix.and_then(|_| row(&r.slug()));
        let (row, suffix) = match exact {
            Some(row) => (Some(row), None),
            None => (row(r.base), r.suffix),
        };
        let mut m = match row {
            Some(row) => self.map_row(reference, row),
            None => Mapping::manual(
                reference,
                format!("{}:unlisted", self.id),
                format!(
                    "'{}' is not in the {} table; check {}'s models list before sending it",
                    r.base, self.id, self.name
                ),
            ),
        };
        if let Some(sfx) = suffix {
            self.apply_suffix(&mut m, sfx);
        }
        if r.litellm {
            m.fix = Fix::Manual;
            m.why = format!(
                "LiteLLM routes the 'openrouter/' prefix through OpenRouter; configure LiteLLM for {} (an OpenAI-compatible provider with its base URL) and use '{}'. {}",
                self.name,
                m.to.as_deref().unwrap_or("the target's id"),
                m.why
            );
        }
        m
    }

    /// What a listed row says, before any suffix or LiteLLM prefix.
    fn map_row(&self, reference: &str, row: &ModelRow) -> Mapping {
        let to = row
            .to
            .as_ref()
            .map(|t| t.value.clone())
            .or_else(|| (row.status == Status::Same).then(|| row.from.value.clone()));
        let fix = match row.status {
            Status::Same => Fix::None,
            Status::Renamed | Status::Retired => Fix::Auto,
            Status::Unsupported | Status::Unverified => Fix::Manual,
        };
        let why = match row.status {
            Status::Same => format!("served by {} under the same id", self.name),
            Status::Renamed => format!("{} names it differently", self.name),
            Status::Retired => "retired; mapped to its replacement".to_string(),
            Status::Unsupported => {
                format!("no equivalent on {}: a person decides", self.name)
            }
            Status::Unverified => {
                format!("not verified on {}: check its models list", self.name)
            }
        };
        let why = match &row.note {
            Some(n) => format!("{why} ({n})"),
            None => why,
        };
        Mapping {
            from: reference.to_owned(),
            to,
            status: row.status,
            fix,
            rule: format!("{}:models:{}", self.id, row.from.value),
            why,
            source: row.source.as_ref().map(|s| s.value.clone()),
            verified: row.verified.as_ref().map(|s| s.value.clone()),
            retires_on: row.retires_on.as_ref().map(|s| s.value.clone()),
        }
    }

    /// A variant suffix (`:free`) the table's suffix rules drop, keep or
    /// leave to a person; an unknown one is left to a person.
    fn apply_suffix(&self, m: &mut Mapping, sfx: &str) {
        match self.suffix_action(sfx) {
            Some((Action::Drop, why)) => {
                m.why = format!("{}; suffix ':{sfx}' dropped: {why}", m.why);
                if m.fix == Fix::None {
                    m.fix = Fix::Auto;
                }
            }
            Some((Action::Keep, why)) => {
                m.to = m.to.take().map(|t| format!("{t}:{sfx}"));
                m.why = format!("{}; suffix ':{sfx}' kept: {why}", m.why);
            }
            Some((Action::Manual, why)) => {
                m.fix = Fix::Manual;
                m.why = format!("{}; suffix ':{sfx}' needs a decision: {why}", m.why);
            }
            None => {
                m.fix = Fix::Manual;
                m.why = format!("{}; unknown suffix ':{sfx}'", m.why);
            }
        }
    }
}

impl Mapping {
    /// Unverified, no suggestion, left to a person.
    fn manual(reference: &str, rule: String, why: String) -> Mapping {
        Mapping {
            from: reference.to_owned(),
            to: None,
            status: Status::Unverified,
            fix: Fix::Manual,
            rule,
            why,
            source: None,
            verified: None,
            retires_on: None,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    #[test]
    fn parses_the_forms_code_uses() {
        let rules = Rules::embedded().unwrap();
        let src = &rules.source_default().table;
        let r = parse_slug(src, "openrouter/anthropic/claude-3.5-sonnet:free").unwrap();
        assert!(r.litellm);
        assert_eq!(
            (r.base, r.suffix),
            ("anthropic/claude-3.5-sonnet", Some("free"))
        );
        let r = parse_slug(src, "openrouter/auto").unwrap();
        assert!(!r.litellm);
        assert_eq!(r.base, "openrouter/auto");
        let r = parse_slug(src, "~anthropic/claude-sonnet-latest").unwrap();
        assert_eq!(r.base, "~anthropic/claude-sonnet-latest");
        assert!(parse_slug(src, "gpt-4o").is_none());
        assert!(parse_slug(src, "a/b/c").is_none());
        let r = parse_slug(src, "openai/gpt-4@preset/my-preset").unwrap();
        assert_eq!(r.preset, Some("preset/my-preset"));
    }

    #[test]
    fn ominigate_maps_retired_claude_to_sonnet_46() {
        let rules = Rules::embedded().unwrap();
        let t = &rules.target("ominigate").unwrap().table;
        let src = &rules.source_default().table;
        for old in ["anthropic/claude-3.5-sonnet", "anthropic/claude-3.7-sonnet"] {
            let m = t.map_slug(src, old);
            assert_eq!(
                m.to.as_deref(),
                Some("anthropic/claude-sonnet-4.6"),
                "{old}"
            );
            assert_eq!(m.status, Status::Retired);
            assert_eq!(m.fix, Fix::Auto);
        }
        let m = t.map_slug(src, "deepseek/deepseek-chat");
        assert_eq!(m.to.as_deref(), Some("deepseek/deepseek-v4-flash"));
        assert_eq!(m.retires_on.as_deref(), Some("2026-07-24"));
        let m = t.map_slug(src, "openrouter/auto");
        assert_eq!(m.fix, Fix::Manual);
        let m = t.map_slug(src, "nobody/never-heard-of-it");
        assert_eq!((m.status, m.fix), (Status::Unverified, Fix::Manual));
    }

    #[test]
    fn llmgateway_uses_dashes_for_anthropic() {
        let rules = Rules::embedded().unwrap();
        let t = &rules.target("llmgateway").unwrap().table;
        let m = t.map_slug(&rules.source_default().table, "anthropic/claude-sonnet-4.6");
        assert_eq!(m.fix, Fix::Auto);
        assert!(
            m.to.as_deref().unwrap().ends_with("claude-sonnet-4-6"),
            "{m:?}"
        );
    }
}
