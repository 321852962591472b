//! The gateways to compare (`--config FILE`): where they are, how to
//! authenticate, and how hard to push them. Keys are read from the env vars
//! the file names, never from the file, and are never written anywhere.

use std::collections::HashMap;
use std::path::Path;
use std::time::Duration;

use serde::{Deserialize, Serialize};
use serde_saphyr::{Location, Spanned};

use super::redact::{looks_like_key, ExchangeRedactor};

/// `file:line:col: message` for a problem found after parsing.
#[derive(Debug, thiserror::Error)]
#[error("{0}")]
pub struct InputError(pub String);

pub fn at(file: &str, loc: &Location, msg: impl std::fmt::Display) -> InputError {
    let msg = msg.to_string();
    InputError(format!(
        "{file}:{}:{}: {}",
        loc.line().max(1),
        loc.column().max(1),
        ExchangeRedactor::default().text(&msg)
    ))
}

/// The parser's message may quote the offending value: a key pasted in the
/// wrong place must not be echoed.
pub fn yaml_error(file: &str, e: &serde_saphyr::Error) -> InputError {
    let red = ExchangeRedactor::default();
    match crate::yaml::error_parts(e) {
        (Some((line, col)), msg) => InputError(format!("{file}:{line}:{col}: {}", red.text(&msg))),
        (None, msg) => InputError(format!("{file}: {}", red.text(&msg))),
    }
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ConfigFile {
    baseline: SideFile,
    candidate: SideFile,
    concurrency: Option<Spanned<usize>>,
    retries: Option<Spanned<u32>>,
    retry_budget_s: Option<Spanned<f64>>,
    max_response_bytes: Option<Spanned<u64>>,
    judge: Option<ServiceFile>,
    embeddings: Option<ServiceFile>,
}

/// A judge model or an embeddings server: any OpenAI-compatible endpoint.
#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct ServiceFile {
    name: Option<String>,
    base_url: Spanned<String>,
    api_key_env: Option<Spanned<String>>,
    auth: Option<Spanned<String>>,
    #[serde(default)]
    headers: HashMap<Spanned<String>, Spanned<String>>,
    timeout_s: Option<Spanned<f64>>,
    model: Spanned<String>,
}

#[derive(Debug, Deserialize)]
#[serde(deny_unknown_fields)]
struct SideFile {
    name: Option<String>,
    base_url: Spanned<String>,
    api_key_env: Option<Spanned<String>>,
    auth: Option<Spanned<String>>,
    #[serde(default)]
    headers: HashMap<Spanned<String>, Spanned<String>>,
    timeout_s: Option<Spanned<f64>>,
    map_models: Option<Spanned<String>>,
}

/// How the key is sent.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "kebab-case")]
pub enum Auth {
    Bearer,
    XApiKey,
    None,
}

/// One gateway, resolved. Serialized into recordings (it holds no secret:
/// only the *name* of the key's env var).
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Gateway {
    /// `baseline` or `candidate`.
    pub role: String,
    /// Display name (defaults to the host of the base URL).
    pub name: String,
    /// Without a trailing slash, e.g. `https://openrouter.ai/api/v1`.
    pub base_url: String,
    pub api_key_env: Option<String>,
    pub auth: Auth,
    pub headers: Vec<(String, String)>,
    pub timeout_s: f64,
    /// Target table used to translate golden slugs, e.g. `llmgateway`.
    pub map_models: Option<String>,
    /// `file:line:col` of `map_models`, for errors found later.
    #[serde(skip)]
    pub map_models_at: Option<String>,
}

impl Gateway {
    pub fn timeout(&self) -> Duration {
        Duration::from_secs_f64(self.timeout_s)
    }

    /// The key from the environment, or an error naming the variable.
    pub fn key(&self) -> Result<Option<String>, InputError> {
        let Some(var) = &self.api_key_env else {
            return Ok(None);
        };
        match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Ok(Some(v.trim().to_owned())),
            _ => Err(InputError(format!(
                "{} gateway: environment variable {var} (api_key_env) is not set",
                self.role
            ))),
        }
    }
}

#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct ParityConfig {
    pub baseline: Gateway,
    pub candidate: Gateway,
    pub concurrency: usize,
    /// Retries after the first attempt, on 408/409/429/5xx and connection errors.
    pub retries: u32,
    /// Most time spent waiting between attempts of one request.
    pub retry_budget_s: f64,
    /// Most bytes read from one response body (recordings made before the
    /// limit existed get the default).
    #[serde(default = "default_max_response_bytes")]
    pub max_response_bytes: usize,
    /// Decides whether two answers mean the same (`expect.text: {judge: ...}`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub judge: Option<Service>,
    /// Embeds answers for `expect.text: {embedding: X}`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub embeddings: Option<Service>,
}

/// A helper endpoint and the model to ask.
#[derive(Debug, Clone, Serialize, Deserialize)]
pub struct Service {
    pub gateway: Gateway,
    pub model: String,
}

fn default_max_response_bytes() -> usize {
    DEFAULT_MAX_RESPONSE_BYTES
}

pub const DEFAULT_CONCURRENCY: usize = 4;
pub const DEFAULT_RETRIES: u32 = 2;
pub const DEFAULT_RETRY_BUDGET_S: f64 = 60.0;
pub const DEFAULT_TIMEOUT_S: f64 = 120.0;
pub const DEFAULT_MAX_RESPONSE_BYTES: usize = 16 << 20;
/// Bounds of `max_response_bytes`: a real answer fits in 1 KiB, and 1 GiB is
/// far beyond any useful one.
const MAX_RESPONSE_RANGE: std::ops::RangeInclusive<u64> = 1024..=(1 << 30);

/// Headers that carry credentials: refused in the config file, because keys
/// come only from the environment.
pub fn is_secret_header(name: &str) -> bool {
    matches!(
        name.to_ascii_lowercase().as_str(),
        "authorization" | "x-api-key" | "api-key" | "proxy-authorization" | "cookie"
    )
}

pub fn load(path: &Path) -> Result<ParityConfig, InputError> {
    let file = path.display().to_string();
    let text = std::fs::read_to_string(path)
        .map_err(|e| InputError(format!("{file}: cannot read config: {e}")))?;
    parse(&file, &text)
}

pub fn parse(file: &str, text: &str) -> Result<ParityConfig, InputError> {
    let raw: ConfigFile = serde_saphyr::from_str(text).map_err(|e| yaml_error(file, &e))?;
    let baseline = side(file, "baseline", raw.baseline)?;
    let candidate = side(file, "candidate", raw.candidate)?;
    let concurrency = match raw.concurrency {
        Some(c) if c.value == 0 || c.value > 256 => {
            return Err(at(file, &c.referenced, "concurrency must be 1..=256"))
        }
        Some(c) => c.value,
        None => DEFAULT_CONCURRENCY,
    };
    let retries = match raw.retries {
        Some(r) if r.value > 10 => return Err(at(file, &r.referenced, "retries must be 0..=10")),
        Some(r) => r.value,
        None => DEFAULT_RETRIES,
    };
    let retry_budget_s = match raw.retry_budget_s {
        Some(b) if !(0.0..=3600.0).contains(&b.value) => {
            return Err(at(file, &b.referenced, "retry_budget_s must be 0..=3600"))
        }
        Some(b) => b.value,
        None => DEFAULT_RETRY_BUDGET_S,
    };
    let max_response_bytes = match raw.max_response_bytes {
        Some(m) if !MAX_RESPONSE_RANGE.contains(&m.value) => {
            return Err(at(
                file,
                &m.referenced,
                "max_response_bytes must be 1024..=1073741824",
            ))
        }
        Some(m) => m.value as usize,
        None => DEFAULT_MAX_RESPONSE_BYTES,
    };
    let service = |role: &str, f: Option<ServiceFile>| -> Result<Option<Service>, InputError> {
        let Some(f) = f else { return Ok(None) };
        if f.model.value.trim().is_empty() {
            return Err(at(
                file,
                &f.model.referenced,
                format!("{role}.model is empty"),
            ));
        }
        let gateway = side(
            file,
            role,
            SideFile {
                name: f.name,
                base_url: f.base_url,
                api_key_env: f.api_key_env,
                auth: f.auth,
                headers: f.headers,
                timeout_s: f.timeout_s,
                map_models: None,
            },
        )?;
        Ok(Some(Service {
            gateway,
            model: f.model.value.trim().to_owned(),
        }))
    };
    Ok(ParityConfig {
        baseline,
        candidate,
        concurrency,
        retries,
        retry_budget_s,
        max_response_bytes,
        judge: service("judge", raw.judge)?,
        embeddings: service("embeddings", raw.embeddings)?,
    })
}

fn side(file: &str, role: &str, s: SideFile) -> Result<Gateway, InputError> {
    let (url, host) = base_url(file, role, &s.base_url)?;
    let api_key_env = s.api_key_env.map(|v| key_variable(file, v)).transpose()?;
    let auth = auth(file, role, s.auth.as_ref(), api_key_env.is_some())?;
    let headers = headers(file, s.headers)?;
    let timeout_s = match s.timeout_s {
        Some(t) if !(t.value > 0.0 && t.value <= 3600.0) => {
            return Err(at(file, &t.referenced, "timeout_s must be > 0 and <= 3600"))
        }
        Some(t) => t.value,
        None => DEFAULT_TIMEOUT_S,
    };
    Ok(Gateway {
        role: role.to_owned(),
        name: s.name.unwrap_or(host),
        base_url: url,
        api_key_env,
        auth,
        headers,
        timeout_s,
        map_models_at: s.map_models.as_ref().map(|m| {
            format!(
                "{file}:{}:{}",
                m.referenced.line().max(1),
                m.referenced.column().max(1)
            )
        }),
        map_models: s.map_models.map(|m| m.value),
    })
}

/// The base URL without a trailing slash, and its host.
fn base_url(
    file: &str,
    role: &str,
    base_url: &Spanned<String>,
) -> Result<(String, String), InputError> {
    let url = base_url.value.trim().trim_end_matches('/').to_owned();
    let host = match url
        .strip_prefix("https://")
        .or_else(|| url.strip_prefix("http://"))
    {
        Some(rest) => rest.split('/').next().unwrap_or("").to_owned(),
        None => {
            return Err(at(
                file,
                &base_url.referenced,
                format!("{role}.base_url must start with http:// or https:// (got '{url}')"),
            ))
        }
    };
    if host.is_empty() {
        return Err(at(file, &base_url.referenced, "base_url has no host"));
    }
    if url.contains('@') && url.split('/').nth(2).is_some_and(|h| h.contains('@')) {
        return Err(at(
            file,
            &base_url.referenced,
            "credentials in base_url are not allowed; name an env var in api_key_env",
        ));
    }
    Ok((url, host))
}

/// `api_key_env` must name a variable, never hold the key itself.
fn key_variable(file: &str, v: Spanned<String>) -> Result<String, InputError> {
    let ok = !v.value.is_empty()
        && v.value
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_')
        && !v.value.starts_with(|c: char| c.is_ascii_digit())
        && !looks_like_key(&v.value);
    if !ok {
        // Someone pasted a key here: say so without echoing it.
        return Err(at(
            file,
            &v.referenced,
            "api_key_env must be the NAME of an environment variable (letters, digits, _), not a key",
        ));
    }
    Ok(v.value)
}

/// `auth`, defaulting to bearer when a key variable is named.
fn auth(
    file: &str,
    role: &str,
    a: Option<&Spanned<String>>,
    has_key: bool,
) -> Result<Auth, InputError> {
    let auth = match a {
        None if has_key => Auth::Bearer,
        None => Auth::None,
        Some(a) => match a.value.as_str() {
            "bearer" => Auth::Bearer,
            "x-api-key" => Auth::XApiKey,
            "none" => Auth::None,
            other => {
                return Err(at(
                    file,
                    &a.referenced,
                    format!("auth must be bearer, x-api-key or none (got '{other}')"),
                ))
            }
        },
    };
    if auth != Auth::None && !has_key {
        let loc = a.map_or(Location::UNKNOWN, |a| a.referenced);
        return Err(at(file, &loc, format!("{role}: auth needs api_key_env")));
    }
    Ok(auth)
}

/// Extra headers, sorted by name; credentials and malformed ones refused.
fn headers(
    file: &str,
    raw: HashMap<Spanned<String>, Spanned<String>>,
) -> Result<Vec<(String, String)>, InputError> {
    let mut pairs: Vec<_> = raw.into_iter().collect();
    pairs.sort_by(|a, b| a.0.value.cmp(&b.0.value));
    let mut headers = Vec::new();
    for (k, v) in pairs {
        if is_secret_header(&k.value) {
            return Err(at(
                file,
                &k.referenced,
                format!(
                    "header '{}' carries a credential; keys come only from the env var named in api_key_env",
                    k.value
                ),
            ));
        }
        if k.value.is_empty() || !k.value.bytes().all(|b| b.is_ascii_graphic() && b != b':') {
            return Err(at(file, &k.referenced, "invalid header name"));
        }
        if v.value.contains(['\r', '\n']) {
            return Err(at(file, &v.referenced, "header value must be one line"));
        }
        headers.push((k.value, v.value));
    }
    Ok(headers)
}

#[cfg(test)]
mod tests {
    use super::*;

    const OK: &str = "\
baseline:
  base_url: https://openrouter.ai/api/v1/
  api_key_env: OPENROUTER_API_KEY
  headers: {HTTP-Referer: https://example.com}
candidate:
  base_url: http://127.0.0.1:9/v1
  map_models: llmgateway
  timeout_s: 5
concurrency: 8
";

    #[test]
    fn parses_and_defaults() {
        let c = parse("c.yaml", OK).unwrap();
        assert_eq!(c.baseline.base_url, "https://openrouter.ai/api/v1");
        assert_eq!(c.baseline.auth, Auth::Bearer);
        assert_eq!(c.baseline.name, "openrouter.ai");
        assert_eq!(c.candidate.auth, Auth::None);
        assert_eq!(c.candidate.map_models.as_deref(), Some("llmgateway"));
        assert_eq!(c.concurrency, 8);
        assert_eq!(c.retries, DEFAULT_RETRIES);
        assert_eq!(c.max_response_bytes, 16 << 20);
        assert!(c.judge.is_none());
        let j = parse(
            "c.yaml",
            &format!("{OK}judge: {{base_url: 'http://j/v1', api_key_env: JUDGE_KEY, model: gpt-4o-mini, headers: {{X-Team: a}}}}\n"),
        )
        .unwrap()
        .judge
        .unwrap();
        assert_eq!(j.model, "gpt-4o-mini");
        assert_eq!(j.gateway.role, "judge");
        assert_eq!(j.gateway.auth, Auth::Bearer);
        assert_eq!(
            j.gateway.headers,
            vec![("X-Team".to_owned(), "a".to_owned())]
        );
        let e = parse(
            "c.yaml",
            &format!("{OK}embeddings: {{base_url: 'http://e/v1', api_key_env: llmgtwy_0123456789abcdefXYZ, model: m}}\n"),
        )
        .unwrap_err()
        .to_string();
        assert!(
            e.starts_with("c.yaml:10:") && !e.contains("abcdefXYZ"),
            "{e}"
        );
        let c = parse("c.yaml", &format!("{OK}max_response_bytes: 2048\n")).unwrap();
        assert_eq!(c.max_response_bytes, 2048);
        let e = parse("c.yaml", &format!("{OK}max_response_bytes: 10\n"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.yaml:10:"), "{e}");
    }

    #[test]
    fn unknown_field_names_file_line() {
        let bad = OK.replace("  timeout_s: 5", "  timeout: 5");
        let e = parse("c.yaml", &bad).unwrap_err().to_string();
        assert!(e.starts_with("c.yaml:8:"), "{e}");
        assert!(e.contains("timeout"), "{e}");
    }

    #[test]
    fn refuses_keys_in_the_file() {
        let bad = OK.replace(
            "{HTTP-Referer: https://example.com}",
            "{Authorization: Bearer sk-or-v1-abc}",
        );
        let e = parse("c.yaml", &bad).unwrap_err().to_string();
        assert!(e.starts_with("c.yaml:4:"), "{e}");
        assert!(
            !e.contains("sk-or-v1-abc"),
            "error must not echo the key: {e}"
        );
        let bad = OK.replace("OPENROUTER_API_KEY", "sk-or-v1-0123456789");
        let e = parse("c.yaml", &bad).unwrap_err().to_string();
        assert!(e.contains("c.yaml:3:") && !e.contains("0123456789"), "{e}");
        // Target keys are valid identifiers: recognised by their prefix.
        for key in [
            "llmgtwy_0123456789abcdefXYZ",
            "phaseo_v1_sk_0123456789abcdefXYZ",
        ] {
            let e = parse("c.yaml", &OK.replace("OPENROUTER_API_KEY", key))
                .unwrap_err()
                .to_string();
            assert!(e.contains("c.yaml:3:") && !e.contains("abcdefXYZ"), "{e}");
        }
        // A key where the parser quotes the value (wrong type) is redacted too.
        let bad = OK.replace(
            "timeout_s: 5",
            "timeout_s: sk-or-v1-0123456789abcdef0123456789XYZ",
        );
        let e = parse("c.yaml", &bad).unwrap_err().to_string();
        assert!(!e.contains("0123456789XYZ"), "{e}");
    }

    #[test]
    fn bad_values_are_located() {
        let e = parse("c.yaml", &OK.replace("concurrency: 8", "concurrency: 0"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.yaml:9:"), "{e}");
        let e = parse("c.yaml", &OK.replace("http://127", "ftp://127"))
            .unwrap_err()
            .to_string();
        assert!(e.starts_with("c.yaml:6:"), "{e}");
    }
}
