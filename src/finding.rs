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

impl Fix {
    pub const ALL: [Fix; 3] = [Fix::Auto, Fix::Manual, Fix::None];

    pub fn as_str(self) -> &'static str {
        match self {
            Fix::Auto => "auto",
            Fix::Manual => "manual",
            Fix::None => "none",
        }
    }

    pub fn parse(s: &str) -> Option<Fix> {
        Fix::ALL.into_iter().find(|f| f.as_str() == s)
    }
}

/// One OpenRouter dependency found in a file.
#[derive(Debug, Clone, PartialEq, Serialize, JsonSchema)]
pub struct Finding {
    /// The scanned root as given joined to the path below it, with `/`.
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

impl Finding {
    /// Re-decide this finding: a new fix class (never an edit), why, and its
    /// rule marked with the reason (`openrouter:api-key-env:stays`).
    pub fn decide(&mut self, fix: Fix, message: String, reason: &str) {
        self.fix = fix;
        self.edit = None;
        self.message = message;
        self.rule = format!("{}:{reason}", self.rule);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
    }
}
