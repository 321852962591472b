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

/// A value made by the tool rather than read from a table file (an overlay
/// row, a gateway's table read as a source): it has no position.
pub(crate) fn spanned(s: impl Into<String>) -> Spanned<String> {
    Spanned::new(
        s.into(),
        serde_saphyr::Location::UNKNOWN,
        serde_saphyr::Location::UNKNOWN,
    )
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
    /// Direct provider profiles (`--from openai|anthropic|google`) only:
    /// the wire protocol of the provider's own API. Absent for a gateway
    /// such as OpenRouter, whose code already speaks the OpenAI protocol.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// Literals a file must contain to be read at all (the prefilter);
    /// the table's hosts, env names, packages and model ids are added.
    #[serde(default)]
    pub markers: Vec<String>,
    /// Regex fragment for the source's word inside env-var names (`OPENAI`
    /// in `NEXT_PUBLIC_OPENAI_API_KEY`); default `open_?router`.
    #[serde(default)]
    pub env_word: Option<String>,
    /// SDK client constructors that talk to the provider unless given a base URL.
    #[serde(default)]
    pub clients: Vec<ClientCtor>,
    /// Python modules whose module-level client (`openai.chat.completions.create`,
    /// pre-1.0 `openai.ChatCompletion.create`) calls the provider unless a
    /// base URL is assigned on the module.
    #[serde(default)]
    pub module_clients: Vec<ModuleClient>,
    /// Functions whose first string argument is a model id
    /// (`GenerativeModel("gemini-1.5-pro")`, AI SDK `openai("gpt-4o")`).
    #[serde(default)]
    pub model_callers: Vec<String>,
    /// Regex of the provider's bare model ids: an unlisted id in model
    /// context is reported for review.
    #[serde(default)]
    pub model_pattern: Option<String>,
    /// Bare model ids and the OpenRouter slug of the same model, so the
    /// target tables (keyed by OpenRouter slugs) map them onward.
    #[serde(default)]
    pub models: Vec<SourceModel>,
    /// Developer tools whose own config files select the gateway
    /// (Continue's `provider: openrouter`, aider's `openrouter/` model prefix).
    #[serde(default)]
    pub tool_configs: Vec<ToolConfig>,
    /// Framework clients that take a base URL and a model id as options of
    /// one call, builder chain or settings file (LangChain4j `baseUrl`/
    /// `modelName`, Spring AI `spring.ai.openai.*`): the id goes where the
    /// base URL beside it points.
    #[serde(default)]
    pub client_options: Vec<ClientOptions>,
    /// Other providers' SDK clients (`Groq()`, `new Groq({...})`), which
    /// send to that provider's own host unless given a base URL: the ids
    /// sent through them are that provider's (Groq serves
    /// `openai/gpt-oss-120b` under that name), not findings.
    #[serde(default)]
    pub provider_clients: Vec<ProviderClient>,
    /// A gateway's target table read as a source (`--from llmgateway`),
    /// never a file's: its base-URL variable is the gateway's own and is
    /// renamed like its key variable.
    #[serde(skip)]
    pub gateway: bool,
}

impl SourceTable {
    /// The longest known endpoint that `sub` (a path under the API base)
    /// is or starts with.
    pub fn endpoint(&self, sub: &str) -> Option<&SourceEndpoint> {
        self.endpoints
            .iter()
            .filter(|e| {
                sub.strip_prefix(e.path.as_str())
                    .is_some_and(|rest| rest.is_empty() || rest.starts_with('/'))
            })
            .max_by_key(|e| e.path.len())
    }

    /// A direct provider profile rather than a gateway.
    pub fn is_direct(&self) -> bool {
        self.protocol.is_some()
    }

    /// The OpenRouter slug of a bare model id, when the table lists it.
    pub fn model(&self, id: &str) -> Option<&SourceModel> {
        self.models.iter().find(|m| m.id.value == id)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Protocol {
    /// OpenAI chat completions: any OpenAI-compatible gateway serves it.
    Openai,
    /// Anthropic Messages: only gateways with an `anthropic_base_url`.
    Anthropic,
    /// Google Generative Language (`generateContent`): no gateway here serves it.
    Google,
}

/// One SDK client constructor.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientCtor {
    /// Identifier as called: `OpenAI`, `ChatOpenAI`, `Anthropic`.
    pub name: String,
    /// Modules/packages it must be imported from in the same file
    /// (`openai`, `@anthropic-ai/sdk`, `llama_index.llms.openai`).
    pub modules: Vec<String>,
    /// Keyword arguments / option keys that already set a base URL.
    pub base_args: Vec<String>,
    /// Keyword arguments / option keys that pass an API key.
    #[serde(default)]
    pub key_args: Vec<String>,
    /// Which surface of the target the client needs.
    pub protocol: Protocol,
    /// The one API path the client calls (`/embeddings` for an embeddings
    /// client): on a target whose table maps no such endpoint, the client
    /// stays with the provider (a manual item), not pointed at the target.
    #[serde(default)]
    pub endpoint: Option<String>,
    /// Argument to insert, per language; `{base}` and `{key_env}` are filled in.
    pub insert: ArgTemplates,
    /// Key argument to insert when none is passed (the client would read
    /// the provider's own key variable otherwise).
    pub insert_key: Option<ArgTemplates>,
    /// Code shown in the manual item when no argument can be inserted (or
    /// the target has no compatible surface); placeholders as in `insert`.
    pub suggest: Option<String>,
    pub source: String,
}

#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ArgTemplates {
    pub python: Option<String>,
    pub js: Option<String>,
}

/// A module used as a client (`import openai; openai.ChatCompletion.create(...)`).
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ModuleClient {
    pub module: String,
    /// First attribute after the module in a call that goes to the provider.
    pub calls: Vec<String>,
    /// Module attributes that set a base URL (`base_url`, `api_base`).
    pub base_attrs: Vec<String>,
    /// The lines to add, shown in the manual item.
    pub suggest: String,
    pub source: String,
}

/// A developer tool configured by files of its own (Continue, aider): where
/// its config selects the gateway, and what to write instead.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ToolConfig {
    pub tool: String,
    /// Its config files: a directory (`.continue/`, any file below it) or a
    /// file name (`.aider.conf.yml`).
    pub files: Vec<String>,
    /// The key whose value selects the provider (`provider`) and the
    /// gateway's value there (`openrouter`): a finding.
    #[serde(default)]
    pub provider_key: Option<String>,
    #[serde(default)]
    pub provider_value: Option<String>,
    /// The provider value the tool documents for any OpenAI-compatible
    /// server (`openai`), set together with `base_key` (`apiBase`) when the
    /// entry has none.
    #[serde(default)]
    pub replace: Option<String>,
    #[serde(default)]
    pub base_key: Option<String>,
    /// What to do by hand (`{base}`, `{key_env}`, `{to}` filled in), for
    /// tools whose config cannot be rewritten safely.
    #[serde(default)]
    pub suggest: Option<String>,
    pub source: String,
}

impl ToolConfig {
    /// Whether the file at `path` (with `/`) is one of this tool's.
    pub fn owns(&self, path: &str) -> bool {
        let name = path.rsplit('/').next().unwrap_or(path);
        self.files.iter().any(|f| match f.strip_suffix('/') {
            Some(dir) => {
                path.starts_with(f.as_str())
                    || path.match_indices(dir).any(|(i, _)| {
                        path[..i].ends_with('/') && path[i + dir.len()..].starts_with('/')
                    })
            }
            None => name == f,
        })
    }
}

/// The option names of one framework's OpenAI-compatible client.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ClientOptions {
    pub framework: String,
    /// Keys, named arguments or builder methods that take the base URL
    /// (`baseUrl`, `endpoint`, `spring.ai.openai.base-url`).
    pub base: Vec<String>,
    /// The same for the model id (`modelName`, `modelId`,
    /// `spring.ai.openai.chat.options.model`).
    pub model: Vec<String>,
    pub source: String,
}

/// One provider SDK's client classes.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct ProviderClient {
    pub provider: String,
    /// Class names as constructed (`Groq`, `AsyncGroq`).
    pub names: Vec<String>,
    /// Modules they are imported from (`groq`, `groq-sdk`).
    pub modules: Vec<String>,
    /// Arguments that point the client elsewhere (`base_url`, `baseURL`).
    pub base_args: Vec<String>,
    pub source: String,
}

/// A provider's bare model id and the OpenRouter slug of that model.
#[derive(Debug, Clone, Deserialize, Serialize)]
#[serde(deny_unknown_fields)]
pub struct SourceModel {
    pub id: Spanned<String>,
    pub slug: Spanned<String>,
    pub source: String,
    pub note: Option<String>,
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

impl EndpointKind {
    /// The word messages use for it.
    pub fn word(self) -> &'static str {
        match self {
            EndpointKind::Inference => "inference",
            EndpointKind::Catalog => "catalog",
            EndpointKind::Account => "account",
        }
    }
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
    /// Direct profiles: the protocol this SDK speaks. An OpenAI-protocol SDK
    /// (or an Anthropic one, on a target with an Anthropic surface) stays;
    /// its client constructors are what change.
    #[serde(default)]
    pub protocol: Option<Protocol>,
    /// The exact code to use instead, shown in the manual item (`{base}`,
    /// `{anthropic_base}`, `{key_env}` are filled in from the target).
    #[serde(default)]
    pub suggest: Option<String>,
    /// More module paths of this package's OpenRouter part, reported where
    /// they are imported (`pydantic_ai.models.openrouter` next to
    /// `pydantic_ai.providers.openrouter`).
    #[serde(default)]
    pub modules: Vec<String>,
    /// The package serves many providers (`pydantic-ai`, `agno`): only the
    /// imports of its OpenRouter modules are findings, never the manifest entry.
    #[serde(default)]
    pub import_only: bool,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum Ecosystem {
    Npm,
    Pypi,
    Crates,
    Go,
    /// Composer packages (composer.json).
    Packagist,
    /// Gems (Gemfile, *.gemspec).
    Rubygems,
    /// NuGet packages (*.csproj, Directory.Packages.props).
    Nuget,
    /// `groupId:artifactId` (pom.xml, build.gradle(.kts)).
    Maven,
    /// Hex packages (mix.exs).
    Hex,
    /// Dart/Flutter packages (pubspec.yaml).
    Pub,
    /// Swift packages by repository path (`github.com/owner/Repo` in
    /// Package.swift).
    Swiftpm,
}

impl Ecosystem {
    /// Ecosystems read from manifests only: no import reader, no swap.
    pub fn manifest_only(self) -> bool {
        !matches!(
            self,
            Ecosystem::Npm | Ecosystem::Pypi | Ecosystem::Crates | Ecosystem::Go
        )
    }
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
    /// Whether the target's response has OpenRouter's shape. When it
    /// differs, the URL is still mapped but a person must check the code
    /// that reads the response: the finding is manual.
    #[serde(default, skip_serializing_if = "Shape::is_same")]
    pub shape: Shape,
}

#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Deserialize, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum Shape {
    #[default]
    Same,
    Differs,
}

impl Shape {
    pub fn is_same(&self) -> bool {
        *self == Shape::Same
    }
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

#[cfg(test)]
mod tests {
    use crate::rules::Rules;

    #[test]
    fn endpoints_match_whole_path_segments() {
        let rules = Rules::embedded().unwrap();
        let src = &rules.source_default().table;
        let path = |s: &str| src.endpoint(s).map(|e| e.path.as_str());
        assert_eq!(path("/credits"), Some("/credits"));
        assert_eq!(path("/auth/key"), Some("/auth/key"));
        assert_eq!(path("/models/count"), Some("/models/count"));
        assert_eq!(path("/models/openai/gpt-4o/endpoints"), Some("/models"));
        assert_eq!(path("/keys/abc"), Some("/keys"));
        // `/keystore` is not `/key` or `/keys`; `/creditsx` is not `/credits`.
        assert_eq!(path("/keystore"), None);
        assert_eq!(path("/creditsx"), None);
    }

    #[test]
    fn a_tool_owns_its_files_and_directories() {
        let rules = Rules::embedded().unwrap();
        let src = &rules.source_default().table;
        for tool in &src.tool_configs {
            for f in &tool.files {
                let (inside, outside) = match f.strip_suffix('/') {
                    Some(dir) => (
                        vec![format!("{dir}/x.json"), format!("app/{dir}/x.json")],
                        vec![format!("app/x{dir}/x.json"), format!("app/{dir}x/y")],
                    ),
                    None => (
                        vec![f.clone(), format!("a/b/{f}")],
                        vec![format!("a/x{f}"), format!("{f}.bak")],
                    ),
                };
                for p in inside {
                    assert!(tool.owns(&p), "{} should own {p}", tool.tool);
                }
                for p in outside {
                    assert!(!tool.owns(&p), "{} should not own {p}", tool.tool);
                }
            }
        }
    }
}
