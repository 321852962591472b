//! What detection produces and every report and rewrite consumes.

use schemars::JsonSchema;
use serde::Serialize;

use crate::source::Edit;

/// The kinds of OpenRouter dependency `scan` reports (stable names).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Kind {
    BaseUrl,
    ApiKeyEnv,
    AttributionHeader,
    ModelSlug,
    OpenrouterField,
    SdkPackage,
    Secret,
}

impl Kind {
    pub const ALL: [Kind; 7] = [
        Kind::BaseUrl,
        Kind::ApiKeyEnv,
        Kind::AttributionHeader,
        Kind::ModelSlug,
        Kind::OpenrouterField,
        Kind::SdkPackage,
        Kind::Secret,
    ];

    pub fn as_str(self) -> &'static str {
        match self {
            Kind::BaseUrl => "base-url",
            Kind::ApiKeyEnv => "api-key-env",
            Kind::AttributionHeader => "attribution-header",
            Kind::ModelSlug => "model-slug",
            Kind::OpenrouterField => "openrouter-field",
            Kind::SdkPackage => "sdk-package",
            Kind::Secret => "secret",
        }
    }

    pub fn parse(s: &str) -> Option<Kind> {
        Kind::ALL.into_iter().find(|k| k.as_str() == s)
    }
}

impl std::fmt::Display for Kind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(self.as_str())
    }
}

/// Whether a finding can be rewritten without a person.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Fix {
    /// `rewrite` changes it.
    Auto,
    /// A person decides; `rewrite` lists it in the manual-attention report.
    Manual,
    /// Nothing to change: the target accepts it as it is (e.g. a model slug
    /// the target serves under the same id).
    None,
}

/// One OpenRouter dependency found in a file.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// Relative to the scanned root, with `/`.
    pub path: String,
    /// 1-based; columns count characters.
    pub line: usize,
    pub column: usize,
    pub end_line: usize,
    pub end_column: usize,
    pub kind: Kind,
    /// The exact source text (secrets redacted).
    #[serde(rename = "match")]
    pub matched: String,
    /// What it becomes on the target, when known.
    pub replacement: Option<String>,
    pub fix: Fix,
    pub message: String,
    /// The table row or detector behind the finding.
    pub rule: String,
    /// Byte range of the match in the decoded text.
    #[serde(skip)]
    pub span: std::ops::Range<usize>,
    /// The edit `rewrite` applies (may cover more than the match, e.g. a
    /// header entry with its comma). Only for `Fix::Auto`.
    #[serde(skip)]
    pub edit: Option<Edit>,
}

/// Redact a secret: keep a known prefix and at most the last 4 characters.
pub fn redact(secret: &str, prefix: &str) -> String {
    let keep_prefix = if secret.starts_with(prefix) {
        prefix
    } else {
        ""
    };
    let rest = &secret[keep_prefix.len()..];
    let n = rest.chars().count();
    // Short secrets would leak most of themselves through the tail: show none.
    let tail: String = if n >= 16 {
        rest.chars().skip(n - 4).collect()
    } else {
        String::new()
    };
    format!("{keep_prefix}...{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn redaction_keeps_prefix_and_last_four() {
        let key = format!("sk-or-v1-{}", "ab12".repeat(16));
        assert_eq!(redact(&key, "sk-or-v1-"), "sk-or-v1-...ab12");
        assert_eq!(redact("short", "sk-or-v1-"), "...");
        assert!(!redact(&key, "sk-or-v1-").contains(&key[9..30]));
    }

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
    }
}
