//! A target table read backwards: the gateway as a source (`--from llmgateway
//! --to phaseo`), so a team can move on again, or roll back, with the same tool.
//!
//! A target table says what each OpenRouter slug becomes on the gateway; read
//! backwards it says which OpenRouter slug each of the gateway's ids stands
//! for, and the destination's table maps that slug onward. The gateway's URL,
//! key variables, key prefix and SDK package are its surface. Code written for
//! a gateway already speaks the OpenAI protocol through a client given the
//! gateway's base URL, so the profile has no default-host clients.

use super::schema::spanned;

use super::schema::{
    Ecosystem, EndpointKind, Protocol, SdkPackage, SourceEndpoint, SourceModel, SourceTable,
    Status, TargetTable,
};

/// `https://api.example.com/v1` -> (`api.example.com`, `/v1`).
fn host_and_path(url: &str) -> (String, String) {
    let rest = url.split_once("://").map_or(url, |(_, r)| r);
    let (host, path) = match rest.find('/') {
        Some(i) => (&rest[..i], &rest[i..]),
        None => (rest, ""),
    };
    (
        host.to_ascii_lowercase(),
        path.trim_end_matches('/').to_owned(),
    )
}

/// The gateway's own ids, each with the OpenRouter slug it stands for. Only
/// rows the table confirms (`same`, `renamed`, and a retired model's
/// replacement) count: an unverified or unsupported row's `to` is a
/// suggestion, not an id the gateway is known to serve. When several slugs
/// lead to one id, a `same` or `renamed` row wins over a retirement.
fn models(t: &TargetTable) -> Vec<SourceModel> {
    let rank = |s: Status| match s {
        Status::Same => 0,
        Status::Renamed => 1,
        Status::Retired => 2,
        Status::Unsupported | Status::Unverified => 3,
    };
    let mut rows: Vec<(usize, &super::schema::ModelRow)> = t
        .models
        .iter()
        .filter(|r| rank(r.status) < 3)
        .map(|r| (rank(r.status), r))
        .collect();
    rows.sort_by_key(|(rank, _)| *rank);
    let mut out: Vec<SourceModel> = Vec::new();
    for (_, r) in rows {
        let id = match (&r.to, r.status) {
            (Some(to), _) => to.value.clone(),
            (None, Status::Same) => r.from.value.clone(),
            (None, _) => continue,
        };
        if out.iter().any(|m| m.id.value == id) {
            continue;
        }
        out.push(SourceModel {
            id: spanned(id),
            slug: r.from.clone(),
            source: r
                .source
                .as_ref()
                .map_or_else(|| t.id.clone(), |s| s.value.clone()),
            note: None,
        });
    }
    out.sort_by(|a, b| a.id.value.cmp(&b.id.value));
    out
}

/// What the AI SDK provider package of the gateway becomes: nothing
/// automatic (the destination may have no such package); the manual item
/// names the OpenAI-compatible provider with the destination's base URL.
fn packages(t: &TargetTable) -> Vec<SdkPackage> {
    t.sdk_packages
        .iter()
        .map(|p| SdkPackage {
            ecosystem: p.ecosystem,
            name: p.to.clone(),
            import: None,
            source: p.source.clone(),
            protocol: None,
            suggest: Some(match p.ecosystem {
                Ecosystem::Npm => "@ai-sdk/openai-compatible: createOpenAICompatible({ name: \"gateway\", baseURL: \"{base}\", apiKey: process.env.{key_env} })".to_owned(),
                _ => "an OpenAI-compatible client with base URL {base} and the key from {key_env}".to_owned(),
            }),
            modules: Vec::new(),
            import_only: false,
        })
        .collect()
}

fn endpoints(t: &TargetTable) -> Vec<SourceEndpoint> {
    let mut out: Vec<SourceEndpoint> = Vec::new();
    for e in &t.endpoints {
        let Some(to) = &e.to else { continue };
        if out.iter().any(|x| &x.path == to) {
            continue;
        }
        let kind = if to.starts_with("/models") {
            EndpointKind::Catalog
        } else {
            EndpointKind::Inference
        };
        out.push(SourceEndpoint {
            path: to.clone(),
            kind,
            note: None,
        });
    }
    out
}

impl SourceTable {
    /// The source profile of a target gateway: its surface, and its ids
    /// read back to OpenRouter slugs.
    pub fn from_target(t: &TargetTable) -> SourceTable {
        let (host, api_path) = host_and_path(&t.base_url);
        let mut hosts = vec![host];
        let anthropic_path = t.anthropic_base_url.as_deref().and_then(|a| {
            let (h, p) = host_and_path(a);
            if !hosts.contains(&h) {
                hosts.push(h);
            }
            // A bare host is also the OpenAI-compatible API's root: it
            // cannot tell an Anthropic client apart, so it is not claimed.
            (!p.is_empty()).then_some(p)
        });
        let key_env: Vec<String> = vec![t.key_env.clone()];
        let base_url_env: Vec<String> = t.base_url_env.iter().cloned().collect();
        let names: Vec<String> = key_env
            .iter()
            .chain(&base_url_env)
            .map(|n| regex::escape(n))
            .collect();
        let key_prefix = t.key_prefix.clone().unwrap_or_default();
        let key_pattern = if key_prefix.is_empty() {
            // No known key shape: match nothing rather than guess.
            r"[^\s\S]".to_owned()
        } else {
            format!("{}[A-Za-z0-9_-]{{20,}}", regex::escape(&key_prefix))
        };
        // `LLM_GATEWAY_API_KEY` -> `LLM_GATEWAY`: the gateway's word in names.
        let word = t
            .key_env
            .trim_end_matches("_KEY")
            .trim_end_matches("_API")
            .to_owned();
        let model_callers = t
            .sdk_packages
            .iter()
            .flat_map(|p| &p.idents)
            .filter(|i| i.from == "openrouter")
            .map(|i| i.to.clone())
            .collect();
        SourceTable {
            kind: "source".into(),
            id: t.id.clone(),
            name: t.name.clone(),
            version: t.version.clone(),
            cite: t.cite.clone(),
            hosts,
            api_path,
            anthropic_path,
            endpoints: endpoints(t),
            key_prefix,
            key_pattern,
            key_env,
            base_url_env,
            env_name_pattern: format!("^(?:{})$", names.join("|")),
            attribution_headers: Vec::new(),
            fields: Vec::new(),
            suffixes: Vec::new(),
            routers: Vec::new(),
            authors: Vec::new(),
            litellm_prefix: None,
            sdk_packages: packages(t),
            protocol: Some(Protocol::Openai),
            markers: Vec::new(),
            env_word: Some(regex::escape(&word)),
            clients: Vec::new(),
            module_clients: Vec::new(),
            tool_configs: Vec::new(),
            client_options: Vec::new(),
            provider_clients: Vec::new(),
            model_callers,
            model_pattern: None,
            models: models(t),
            gateway: true,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::rules::Rules;

    #[test]
    fn a_target_read_backwards_keeps_its_surface_and_confirmed_ids() {
        let rules = Rules::embedded().unwrap();
        let t = &rules.target("llmgateway").unwrap().table;
        let s = SourceTable::from_target(t);
        assert_eq!(s.hosts, ["api.llmgateway.io"]);
        assert_eq!(s.api_path, "/v1");
        assert_eq!(s.anthropic_path, None);
        assert_eq!(s.key_env, std::slice::from_ref(&t.key_env));
        assert!(regex::Regex::new(&s.key_pattern)
            .unwrap()
            .is_match(&format!(
                "{}{}",
                t.key_prefix.as_deref().unwrap(),
                "a".repeat(32)
            )));
        // Every id comes from a confirmed row, and maps back to its slug.
        for m in &s.models {
            let row = t.row(&m.slug.value).unwrap();
            assert!(matches!(
                row.status,
                Status::Same | Status::Renamed | Status::Retired
            ));
        }
        let haiku = s.model("claude-haiku-4-5").unwrap();
        // `anthropic/claude-3-haiku` is an unsupported row suggesting the
        // same id: the renamed row is the one read back.
        assert_eq!(haiku.slug.value, "anthropic/claude-haiku-4.5");
        assert!(s.model("claude-3-haiku").is_none());
        assert_eq!(s.model_callers, ["llmgateway"]);
        assert_eq!(s.sdk_packages[0].name, "@llmgateway/ai-sdk-provider");
    }

    #[test]
    fn host_and_path_split() {
        assert_eq!(
            host_and_path("https://API.x.io/v1/"),
            ("api.x.io".to_owned(), "/v1".to_owned())
        );
        assert_eq!(
            host_and_path("https://api.x.io"),
            ("api.x.io".to_owned(), String::new())
        );
    }
}
