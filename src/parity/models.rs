//! `--check-models`: is every id the golden set (and, with `--scan`, the
//! repository) would send listed by the candidate's `/models`?

use std::collections::BTreeMap;
use std::path::Path;

use serde::Serialize;
use serde_json::Value;

use super::client::{Body, Outgoing};
use super::compare::CheckStatus;
use super::error::{ParityError, TableError};
use super::request::{self, Side};
use super::Prepared;
use crate::finding::{Fix, Kind};
use crate::rules::Rules;

#[derive(Debug, Clone, Serialize)]
pub struct ModelEntry {
    /// The id the candidate would be sent (or the OpenRouter slug when no
    /// id could be chosen).
    pub slug: String,
    /// Where it comes from: `golden:<prompt id>` or `scan:<path>:<line>`.
    pub from: Vec<String>,
    pub status: CheckStatus,
    pub detail: String,
}

#[derive(Debug, Clone, Serialize)]
pub struct ModelsReport {
    pub url: String,
    pub status: CheckStatus,
    /// How many ids the list holds.
    pub listed: usize,
    pub error: Option<String>,
    pub models: Vec<ModelEntry>,
}

/// Ids in a models list: OpenAI/OpenRouter/LLM Gateway `{"data":[...]}`,
/// Phaseo `{"models":[...]}`, or a bare array; items are objects (`id`,
/// `canonical_slug`, `model_id`, `aliases`) or strings.
pub fn listed_ids(v: &Value) -> Option<Vec<String>> {
    let arr = v
        .get("data")
        .or_else(|| v.get("models"))
        .unwrap_or(v)
        .as_array()?;
    let mut out = Vec::new();
    for it in arr {
        match it {
            Value::String(s) => out.push(s.clone()),
            Value::Object(o) => {
                for k in ["id", "canonical_slug", "model_id", "slug"] {
                    if let Some(s) = o.get(k).and_then(Value::as_str) {
                        out.push(s.to_owned());
                    }
                }
                if let Some(a) = o.get("aliases").and_then(Value::as_array) {
                    out.extend(a.iter().filter_map(Value::as_str).map(str::to_owned));
                }
            }
            _ => {}
        }
    }
    Some(out)
}

/// How `slug` appears in `ids`, if it does. A gateway that lists bare ids
/// (LLM Gateway) accepts `provider/id`, and the reverse.
pub fn find(ids: &[String], slug: &str) -> Option<&'static str> {
    let s = slug.to_ascii_lowercase();
    let s = s.split_once(':').map_or(s.as_str(), |(x, _)| x).to_owned();
    let bare = |x: &str| x.rsplit_once('/').map_or(x, |(_, b)| b).to_owned();
    if ids.iter().any(|i| i.eq_ignore_ascii_case(&s)) {
        return Some("listed");
    }
    if ids
        .iter()
        .any(|i| bare(&i.to_ascii_lowercase()) == bare(&s))
    {
        return Some("listed without the provider prefix");
    }
    None
}

/// Why the candidate's models list could not be read.
#[derive(Debug, thiserror::Error)]
enum ListError {
    #[error("the models response has neither a data nor a models array")]
    NoList,
    #[error("the models response is not JSON: {0}")]
    NotJson(serde_json::Error),
    #[error("{0}")]
    NoResponse(String),
    #[error("HTTP {status}: {detail}")]
    Http { status: u16, detail: String },
}

/// Model ids wanted, each with where it comes from and, when a person must
/// decide, why.
type Wanted = BTreeMap<String, (Vec<String>, Option<String>)>;

pub async fn check(p: &Prepared, rules: &Rules, scan: Option<&Path>) -> ModelsReport {
    let mut wanted = golden_ids(p, rules);
    let scan_error = scan.and_then(|path| match scan_slugs(p, rules, path) {
        Ok(found) => {
            for (slug, from, manual) in found {
                let e = wanted.entry(slug).or_default();
                e.0.push(from);
                if manual.is_some() {
                    e.1 = manual;
                }
            }
            None
        }
        Err(e) => Some(format!("{e:#}")),
    });
    let (ids, mut error) = match models_list(p).await {
        Ok(i) => (i, None),
        Err(e) => (Vec::new(), Some(e.to_string())),
    };
    if let Some(e) = scan_error {
        error = Some(match error {
            Some(x) => format!("{x}; --scan: {e}"),
            None => format!("--scan: {e}"),
        });
    }
    let models = entries(wanted, &ids, error.is_some());
    let status = if error.is_some() {
        CheckStatus::Error
    } else {
        models
            .iter()
            .map(|m| m.status)
            .max()
            .unwrap_or(CheckStatus::Pass)
            .max(CheckStatus::Pass)
    };
    ModelsReport {
        url: format!("{}/models", p.cfg.candidate.base_url),
        status,
        listed: ids.len(),
        error,
        models,
    }
}

/// The id the candidate gets for each golden prompt.
fn golden_ids(p: &Prepared, rules: &Rules) -> Wanted {
    let mut wanted = Wanted::new();
    for pr in &p.prompts {
        let from = format!("golden:{}", pr.id);
        match request::choose_model(rules, &p.cfg.candidate, pr, Side::Candidate) {
            Ok(ch) => match ch.sent {
                Some(s) => wanted.entry(s).or_default().0.push(from),
                None => {
                    let e = wanted.entry(pr.model.clone()).or_default();
                    e.0.push(from);
                    e.1 = ch.note;
                }
            },
            Err(e) => {
                let en = wanted.entry(pr.model.clone()).or_default();
                en.0.push(from);
                en.1 = Some(format!("{e:#}"));
            }
        }
    }
    wanted
}

/// The ids the candidate's `/models` lists.
async fn models_list(p: &Prepared) -> Result<Vec<String>, ListError> {
    let out = Outgoing {
        method: reqwest::Method::GET,
        path: "/models".into(),
        body: None::<Body>,
        stream: false,
        key_override: None,
    };
    let rel = super::record::check_path(Path::new(""), "models.candidate");
    let ex = p
        .transport
        .exchange(&p.cfg, Side::Candidate, &rel, &out)
        .await;
    match (&ex.failure, ex.status) {
        (None, Some(200..=299)) => {
            let v = serde_json::from_str::<Value>(&ex.body).map_err(ListError::NotJson)?;
            listed_ids(&v).ok_or(ListError::NoList)
        }
        (Some(f), _) => Err(ListError::NoResponse(f.message.clone())),
        (None, s) => Err(ListError::Http {
            status: s.unwrap_or(0),
            detail: super::response::describe_error_body(&ex.body).0,
        }),
    }
}

/// Each wanted id against the list.
fn entries(wanted: Wanted, ids: &[String], list_failed: bool) -> Vec<ModelEntry> {
    wanted
        .into_iter()
        .map(|(slug, (from, manual))| {
            let (status, detail) = if let Some(m) = manual {
                (CheckStatus::Error, m)
            } else if list_failed && ids.is_empty() {
                (CheckStatus::Error, "models list unavailable".into())
            } else {
                match find(ids, &slug) {
                    Some(how) => (CheckStatus::Pass, how.into()),
                    None => (
                        CheckStatus::Fail,
                        "not in the candidate's models list".into(),
                    ),
                }
            };
            ModelEntry {
                slug,
                from,
                status,
                detail,
            }
        })
        .collect()
}

/// Model ids `scan` finds under `path`, as the candidate would get them.
fn scan_slugs(
    p: &Prepared,
    rules: &Rules,
    path: &Path,
) -> Result<Vec<(String, String, Option<String>)>, ParityError> {
    let Some(t) = &p.cfg.candidate.map_models else {
        return Err(ParityError::Usage(
            "needs candidate.map_models in the config to know the target's table".into(),
        ));
    };
    if !path.exists() {
        return Err(ParityError::Usage(format!(
            "{}: no such file or directory",
            path.display()
        )));
    }
    let target = rules.require_target(t).map_err(TableError::from_rules)?;
    let opts = crate::scan::ScanOptions {
        paths: vec![path.to_owned()],
        kinds: vec![Kind::ModelSlug],
        ..Default::default()
    };
    let rep = crate::scan::scan(rules, target, &opts);
    let mut out = Vec::new();
    for f in rep.findings().filter(|f| f.kind == Kind::ModelSlug) {
        let from = format!("scan:{}:{}", f.path, f.line);
        let orig = f
            .matched
            .trim_matches(|c| c == '"' || c == '\'' || c == '`')
            .to_owned();
        match (f.fix, &f.replacement) {
            (Fix::Manual, _) => {
                out.push((orig, from, Some(format!("needs a person: {}", f.message))))
            }
            (_, Some(r)) => out.push((r.clone(), from, None)),
            (_, None) => out.push((orig, from, None)),
        }
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn both_list_shapes() {
        let openai =
            json!({"object":"list","data":[{"id":"openai/gpt-4o"},{"id":"claude-sonnet-4-6"}]});
        let phaseo =
            json!({"ok":true,"models":[{"id":"openai/gpt-5-nano","aliases":["gpt-5-nano"]}]});
        let ids = listed_ids(&openai).unwrap();
        assert_eq!(find(&ids, "openai/gpt-4o"), Some("listed"));
        assert_eq!(
            find(&ids, "anthropic/claude-sonnet-4-6"),
            Some("listed without the provider prefix")
        );
        assert_eq!(find(&ids, "openai/gpt-4o-mini"), None);
        let ids = listed_ids(&phaseo).unwrap();
        assert_eq!(find(&ids, "openai/gpt-5-nano"), Some("listed"));
        assert!(listed_ids(&json!({"error":"x"})).is_none());
        assert_eq!(listed_ids(&json!(["a/b"])).unwrap(), vec!["a/b"]);
    }
}
