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

/// Everything the outputs say about a kind, in one row per kind: its stable
/// name, a title and help (SARIF rules, `--kinds` help, docs) and how
/// severe it is (SARIF level, human output).
#[derive(Debug)]
pub struct KindInfo {
    pub kind: Kind,
    pub name: &'static str,
    pub title: &'static str,
    pub help: &'static str,
    pub level: Level,
}

/// How severe a finding of a kind is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Error,
    Warning,
}

/// The kinds, in `Kind` order (a test checks it).
pub const KINDS: [KindInfo; 7] = [
    KindInfo {
        kind: Kind::BaseUrl,
        name: "base-url",
        title: "OpenRouter base URL or endpoint",
        help: "The code sends requests to an OpenRouter host or endpoint. Point it at the target \
             gateway's OpenAI-compatible base URL; `llmgw-migrate rewrite` does this when the \
             endpoint has an equivalent, and says so when the target has none (account, credits \
             or key-management endpoints need a person).",
        level: Level::Warning,
    },
    KindInfo {
        kind: Kind::ApiKeyEnv,
        name: "api-key-env",
        title: "Environment variable or setting holding an OpenRouter key or base URL",
        help: "A name such as OPENROUTER_API_KEY or OPENROUTER_BASE_URL carries OpenRouter \
             credentials or configuration. Rename it to the target's variable in code, .env \
             files, CI secrets and deployment manifests together, or the application starts \
             without a key.",
        level: Level::Warning,
    },
    KindInfo {
        kind: Kind::AttributionHeader,
        name: "attribution-header",
        title: "OpenRouter attribution header",
        help:
            "HTTP-Referer, X-Title and X-OpenRouter-* headers only mean something to OpenRouter. \
             The target table says whether to drop or keep each one.",
        level: Level::Warning,
    },
    KindInfo {
        kind: Kind::ModelSlug,
        name: "model-slug",
        title: "OpenRouter model id",
        help: "An OpenRouter model slug (author/model, optionally with a :variant suffix). The \
             target may serve it under another id, not at all, or without the variant; the \
             replacement shows the target's id when the mapping table knows it.",
        level: Level::Warning,
    },
    KindInfo {
        kind: Kind::OpenrouterField,
        name: "openrouter-field",
        title: "OpenRouter-only request field",
        help: "A request body field only OpenRouter understands (provider routing, models \
             fallback, transforms, plugins, usage accounting, presets). Other gateways ignore \
             or reject it; decide whether the behaviour it asked for is still needed.",
        level: Level::Warning,
    },
    KindInfo {
        kind: Kind::SdkPackage,
        name: "sdk-package",
        title: "OpenRouter SDK or provider package",
        help: "A dependency or import of an OpenRouter-specific SDK or provider. Swap it for the \
             OpenAI-compatible client the target supports.",
        level: Level::Warning,
    },
    KindInfo {
        kind: Kind::Secret,
        name: "secret",
        title: "Hard-coded OpenRouter API key",
        help: "An OpenRouter API key is committed in the source. Revoke it at openrouter.ai, move \
             the target's key to a secret store, and read it from the environment. The key is \
             redacted in every report.",
        level: Level::Error,
    },
];

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

    pub fn info(self) -> &'static KindInfo {
        &KINDS[self as usize]
    }

    pub fn as_str(self) -> &'static str {
        self.info().name
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
    fn kinds_table_is_in_kind_order() {
        assert_eq!(KINDS.len(), Kind::ALL.len());
        for (i, k) in Kind::ALL.into_iter().enumerate() {
            assert_eq!(KINDS[i].kind, k);
            assert_eq!(k as usize, i);
        }
    }

    #[test]
    fn kind_names_round_trip() {
        for k in Kind::ALL {
            assert_eq!(Kind::parse(k.as_str()), Some(k));
        }
    }
}
