//! The YAML schema of the mapping tables under rules/. Unknown fields are
//! errors, so a typo in a table never silently drops a rule.

use serde::{Deserialize, Serialize};
use serde_saphyr::Spanned;

/// Read first to tell a source table from a target table (a tagged enum
/// would lose the spans serde-saphyr records).
#[derive(Debug, Clone, Deserialize)]
pub struct KindProbe {
    pub kind: Spanned<String>,
}

/// A citation: where a fact comes from and when it was checked.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Cite {
    pub source: Spanned<String>,
    pub verified: Spanned<String>,
}

/// The surface of a gateway that code depends on (OpenRouter by default).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceTable {
    pub kind: String,
    pub id: String,
    pub name: String,
    pub version: Spanned<String>,
    pub cite: Vec<Cite>,
    /// Hosts that identify the gateway in URLs.
    pub hosts: Vec<String>,
    /// Path of the OpenAI-compatible API under a host, e.g. `/api/v1`.
    pub api_path: String,
    /// Path an Anthropic SDK is pointed at, e.g. `/api`.
    pub anthropic_path: Option<String>,
    /// Endpoints beneath `api_path`.
    pub endpoints: Vec<SourceEndpoint>,
    pub key_prefix: String,
    /// Regex of a real key (gitleaks-style).
    pub key_pattern: String,
    /// Env-var names holding a key.
    pub key_env: Vec<String>,
    /// Env-var names holding a base URL.
    pub base_url_env: Vec<String>,
    /// Regex for other spellings of such names (case-insensitive).
    pub env_name_pattern: String,
    pub attribution_headers: Vec<String>,
    /// Request body fields only this gateway understands.
    pub fields: Vec<SourceField>,
    /// Model-id variant suffixes after `:`.
    pub suffixes: Vec<String>,
    /// Router slugs such as `openrouter/auto`.
    pub routers: Vec<String>,
    /// Author prefixes of model slugs (`anthropic` in `anthropic/...`).
    pub authors: Vec<String>,
    /// Prefix LiteLLM uses to route through this gateway.
    pub litellm_prefix: Option<String>,
    pub sdk_packages: Vec<SdkPackage>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceEndpoint {
    pub path: String,
    /// `inference` endpoints have an equivalent on an OpenAI-compatible
    /// gateway; others are gateway-specific.
    pub kind: EndpointKind,
    pub note: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum EndpointKind {
    Inference,
    Catalog,
    Account,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceField {
    /// Dotted path in the request body, e.g. `usage.include`.
    pub name: String,
    pub why: String,
    /// A common name (`session_id`, `min_p`): reported only in a request
    /// that also carries a distinctly OpenRouter field or sits in extra_body.
    #[serde(default)]
    pub weak: bool,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SdkPackage {
    pub ecosystem: Ecosystem,
    pub name: String,
    /// Module path used in imports, when it differs from the name.
    pub import: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ecosystem {
    Npm,
    Pypi,
    Crates,
    Go,
}

/// A gateway to migrate to.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct TargetTable {
    pub kind: String,
    pub id: String,
    pub name: String,
    #[serde(default)]
    pub aliases: Vec<String>,
    pub version: Spanned<String>,
    /// OpenAI-compatible base URL, ending in the version path (`/v1`).
    pub base_url: String,
    pub anthropic_base_url: Option<String>,
    pub key_env: String,
    /// Env var for a base URL override, where the target's SDK reads one.
    pub base_url_env: Option<String>,
    pub key_prefix: Option<String>,
    pub cite: Vec<Cite>,
    pub headers: Vec<Disposition>,
    pub fields: Vec<Disposition>,
    pub suffixes: Vec<Disposition>,
    /// What source endpoints (paths beneath the API base) become.
    pub endpoints: Vec<EndpointMap>,
    #[serde(default)]
    pub sdk_packages: Vec<SdkSwap>,
    pub models: Vec<ModelRow>,
}

/// What the target does with a header, field or suffix of the source.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct Disposition {
    pub name: Spanned<String>,
    pub action: Action,
    pub why: String,
    pub source: Option<String>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Action {
    /// Remove it: no effect on the target.
    Drop,
    /// Leave it: the target understands it the same way.
    Keep,
    /// A person decides: no safe automatic change.
    Manual,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct EndpointMap {
    pub path: String,
    /// Path under the target's base URL, or none when nothing matches.
    pub to: Option<String>,
    pub why: Option<String>,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SdkSwap {
    pub ecosystem: Ecosystem,
    pub from: String,
    pub to: String,
    /// Version requirement to write into manifests.
    pub version: Option<String>,
    /// Identifier renames inside imports and calls.
    #[serde(default)]
    pub idents: Vec<IdentSwap>,
    pub source: String,
    pub verified: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct IdentSwap {
    pub from: String,
    pub to: String,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Status {
    Same,
    Renamed,
    Retired,
    Unsupported,
    Unverified,
}

impl Status {
    pub fn as_str(self) -> &'static str {
        match self {
            Status::Same => "same",
            Status::Renamed => "renamed",
            Status::Retired => "retired",
            Status::Unsupported => "unsupported",
            Status::Unverified => "unverified",
        }
    }
}

/// One model mapping.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModelRow {
    pub from: Spanned<String>,
    pub to: Option<Spanned<String>>,
    pub status: Status,
    pub source: Option<Spanned<String>>,
    pub verified: Option<Spanned<String>>,
    pub note: Option<String>,
    pub retires_on: Option<Spanned<String>>,
}
