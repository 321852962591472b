//! A gateway's models list, read from the JSON its `/models` endpoint
//! returns: OpenAI's `{"data":[{"id":..}]}` (LLM Gateway uses it too),
//! Phaseo's `{"models":[..]}`, or OpenRouter's `/api/v1/models` (OpenAI's
//! envelope with `canonical_slug`, `pricing`, `context_length`, ...).

use std::collections::BTreeSet;

use serde::Serialize;
use serde_json::Value;

/// Which envelope the list came in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "kebab-case")]
pub enum CatalogShape {
    Openai,
    Phaseo,
    Openrouter,
}

impl CatalogShape {
    pub fn as_str(self) -> &'static str {
        match self {
            CatalogShape::Openai => "openai",
            CatalogShape::Phaseo => "phaseo",
            CatalogShape::Openrouter => "openrouter",
        }
    }
}

#[derive(Debug, thiserror::Error, PartialEq, Eq)]
pub enum CatalogError {
    #[error("{origin}:{line}:{column}: not JSON: {message}")]
    Json {
        origin: String,
        line: usize,
        column: usize,
        message: String,
    },
    #[error("{origin}: not a models list: expected {{\"data\":[{{\"id\":..}}]}} or {{\"models\":[..]}}, found {found}")]
    CatalogShape { origin: String, found: String },
    #[error("{origin}: models list entry {index} has no string 'id'")]
    Entry { origin: String, index: usize },
}

/// The model ids a catalogue serves.
#[derive(Debug, Clone)]
pub struct Catalog {
    /// File path or URL it was read from.
    pub origin: String,
    pub shape: CatalogShape,
    /// The day it was read (`YYYY-MM-DD`).
    pub read_on: String,
    /// Every id the gateway accepts, aliases included.
    pub ids: BTreeSet<String>,
    /// Entries left out because they were deactivated before `read_on`.
    pub deactivated: usize,
}

impl Catalog {
    /// Parse a models list read from `origin` on `read_on`.
    pub fn parse(origin: &str, text: &str, read_on: &str) -> Result<Catalog, CatalogError> {
        let v: Value = serde_json::from_str(text).map_err(|e| CatalogError::Json {
            origin: origin.to_owned(),
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        // A saved `data` array alone (some scripts keep only that) reads
        // like the envelope it came from.
        let data = match &v {
            Value::Array(_) => Some(&v),
            _ => v.get("data"),
        };
        let (shape, items) = match (data, v.get("models")) {
            (Some(Value::Array(items)), _) => {
                let openrouter = items.iter().any(|m| {
                    m.get("canonical_slug").is_some()
                        || (m.get("pricing").is_some()
                            && m.get("context_length").is_some()
                            && m.get("architecture").is_some()
                            && m.get("providers").is_none())
                });
                let shape = if openrouter {
                    CatalogShape::Openrouter
                } else {
                    CatalogShape::Openai
                };
                (shape, items)
            }
            (_, Some(Value::Array(items))) => (CatalogShape::Phaseo, items),
            _ => {
                return Err(CatalogError::CatalogShape {
                    origin: origin.to_owned(),
                    found: describe(&v),
                })
            }
        };
        let mut ids = BTreeSet::new();
        let mut deactivated = 0;
        for (index, item) in items.iter().enumerate() {
            let id = match item {
                Value::String(s) => Some(s.as_str()),
                Value::Object(o) => o
                    .get("id")
                    .or_else(|| o.get("model_id"))
                    .and_then(Value::as_str),
                _ => None,
            };
            let Some(id) = id.map(str::trim).filter(|s| !s.is_empty()) else {
                return Err(CatalogError::Entry {
                    origin: origin.to_owned(),
                    index,
                });
            };
            // LLM Gateway keeps deactivated models in the list with a date.
            if let Some(day) = item.get("deactivated_at").and_then(Value::as_str) {
                if day.get(..10).is_some_and(|d| d <= read_on) {
                    deactivated += 1;
                    continue;
                }
            }
            ids.insert(id.to_owned());
            if let Some(Value::Array(aliases)) = item.get("aliases") {
                ids.extend(aliases.iter().filter_map(Value::as_str).map(str::to_owned));
            }
        }
        Ok(Catalog {
            origin: origin.to_owned(),
            shape,
            read_on: read_on.to_owned(),
            ids,
            deactivated,
        })
    }

    /// The catalogue id under which `id` is served, if it is: the id itself,
    /// the id without a `:variant`, or, for a provider-pinned id
    /// (`google-ai-studio/gemini-2.5-pro`), the bare id after the provider.
    pub fn serves(&self, id: &str) -> Option<&str> {
        let base = id.split_once(':').map_or(id, |(b, _)| b);
        let bare = base.split_once('/').map(|(_, rest)| rest);
        [Some(id), Some(base), bare]
            .into_iter()
            .flatten()
            .find_map(|c| self.ids.get(c).map(String::as_str))
    }

    /// `origin (read YYYY-MM-DD)`: how rows derived from it cite it.
    pub fn citation(&self) -> String {
        format!("{} (read {})", self.origin, self.read_on)
    }
}

fn describe(v: &Value) -> String {
    match v {
        Value::Object(o) if o.is_empty() => "an empty object".into(),
        Value::Object(o) => {
            let keys: Vec<&str> = o.keys().take(6).map(String::as_str).collect();
            format!("an object with keys {}", keys.join(", "))
        }
        Value::Array(_) => "an array".into(),
        Value::String(_) => "a string".into(),
        Value::Number(_) => "a number".into(),
        Value::Bool(_) => "a boolean".into(),
        Value::Null => "null".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn reads_each_shape() {
        let c = Catalog::parse(
            "o.json",
            r#"{"object":"list","data":[{"id":"gpt-4o","object":"model"},{"id":"old","deactivated_at":"2026-01-01T00:00:00Z"},{"id":"later","deactivated_at":"2027-01-01"}]}"#,
            "2026-06-01",
        )
        .unwrap();
        assert_eq!(c.shape, CatalogShape::Openai);
        assert_eq!(c.ids.iter().collect::<Vec<_>>(), ["gpt-4o", "later"]);
        assert_eq!(c.deactivated, 1);

        let c = Catalog::parse(
            "p.json",
            r#"{"ok":true,"total":2,"models":[{"id":"openai/gpt-5","aliases":["openai/gpt-5-latest"]},{"model_id":"anthropic/claude-sonnet-4.6"}]}"#,
            "2026-06-01",
        )
        .unwrap();
        assert_eq!(c.shape, CatalogShape::Phaseo);
        assert!(c.ids.contains("openai/gpt-5-latest"));
        assert!(c.ids.contains("anthropic/claude-sonnet-4.6"));

        let c = Catalog::parse(
            "r.json",
            r#"{"data":[{"id":"anthropic/claude-sonnet-4.6","canonical_slug":"anthropic/claude-4.6-sonnet-20260217","pricing":{},"context_length":1,"architecture":{}}]}"#,
            "2026-06-01",
        )
        .unwrap();
        assert_eq!(c.shape, CatalogShape::Openrouter);
        assert_eq!(
            c.serves("anthropic/claude-sonnet-4.6:nitro"),
            Some("anthropic/claude-sonnet-4.6")
        );
    }

    #[test]
    fn serves_provider_pinned_ids_by_their_bare_id() {
        let c = Catalog::parse(
            "o.json",
            r#"{"data":[{"id":"gemini-2.5-pro"}]}"#,
            "2026-06-01",
        )
        .unwrap();
        assert_eq!(
            c.serves("google-ai-studio/gemini-2.5-pro"),
            Some("gemini-2.5-pro")
        );
        assert_eq!(c.serves("gemini-2.5-flash"), None);
    }

    #[test]
    fn bad_input_names_the_origin_and_what_is_wrong() {
        let e = Catalog::parse("c.json", "{\n  \"data\": [", "2026-06-01").unwrap_err();
        assert!(e.to_string().starts_with("c.json:2:"), "{e}");
        let e = Catalog::parse("c.json", r#"{"items":[]}"#, "2026-06-01").unwrap_err();
        assert!(e.to_string().contains("keys items"), "{e}");
        let bare = Catalog::parse("c.json", r#"[{"id":"a/b"}]"#, "2026-06-01").unwrap();
        assert_eq!((bare.shape, bare.ids.len()), (CatalogShape::Openai, 1));
        let e = Catalog::parse("c.json", r#"{"data":{"id":"a/b"}}"#, "2026-06-01").unwrap_err();
        assert!(e.to_string().contains("keys data"), "{e}");
        let e = Catalog::parse(
            "c.json",
            r#"{"data":[{"id":"a"},{"name":"b"}]}"#,
            "2026-06-01",
        )
        .unwrap_err();
        assert_eq!(
            e.to_string(),
            "c.json: models list entry 1 has no string 'id'"
        );
    }
}
