//! Detectors only direct provider profiles need (`--from openai|anthropic|google`):
//! SDK clients built without a base URL, bare model ids (`gpt-4o`) in model
//! context, provider URLs and key variables. Everything provider-specific
//! comes from the source table (rules/source-*.yaml); this is the engine.

mod clients;
pub(in crate::scan) mod imports;
mod models;
mod surface;

pub use clients::{clients, module_clients};
pub(in crate::scan) use imports::imports;
pub use imports::python_from_imports;

use regex::Regex;

use super::detect::FileCtx;
use crate::rules::schema::{Ecosystem, Protocol, SourceTable, TargetTable};

/// Compiled parts of a direct source table.
pub struct Direct {
    model_re: Option<Regex>,
}

impl Direct {
    /// `None` for a gateway source (OpenRouter): its detectors stay as they are.
    pub fn new(src: &SourceTable) -> Option<Direct> {
        src.protocol?;
        Some(Direct {
            model_re: src
                .model_pattern
                .as_deref()
                .map(|p| Regex::new(p).expect("validated model pattern")),
        })
    }

    /// Literals a file must contain to be read: everything the table names.
    pub fn trigger_literals(&self, src: &SourceTable) -> Vec<String> {
        let mut v: Vec<String> = Vec::new();
        v.extend(src.markers.iter().cloned());
        v.extend(src.hosts.iter().cloned());
        v.extend(src.key_env.iter().cloned());
        v.extend(src.base_url_env.iter().cloned());
        v.push(src.key_prefix.clone());
        for p in &src.sdk_packages {
            v.push(p.name.clone());
            v.extend(p.import.iter().cloned());
        }
        v.extend(src.clients.iter().map(|c| c.name.clone()));
        v.extend(src.models.iter().map(|m| m.id.value.clone()));
        // Literals under four characters (`o1`, `o3`) match nearly every
        // file and would make the prefilter pointless (3x slower on a
        // crates.io tree); a file whose only trigger is one is skipped.
        let mut v: Vec<String> = v
            .into_iter()
            .filter(|s| s.len() >= 4)
            .map(|s| s.to_ascii_lowercase())
            .collect();
        v.sort();
        v.dedup();
        v
    }
}

/// Whether code speaking `p` can be pointed at `target` as it is.
pub fn compatible(target: &TargetTable, p: Protocol) -> bool {
    match p {
        Protocol::Openai => true,
        Protocol::Anthropic => target.anthropic_base_url.is_some(),
        Protocol::Google => false,
    }
}

pub(in crate::scan) fn default_suggestion(eco: Ecosystem, target: &TargetTable) -> String {
    let t = match eco {
        Ecosystem::Npm => {
            r#"import OpenAI from "openai"; const client = new OpenAI({ baseURL: "{base}", apiKey: process.env.{key_env} });"#
        }
        _ => {
            r#"from openai import OpenAI; client = OpenAI(base_url="{base}", api_key=os.environ["{key_env}"])"#
        }
    };
    target.fill(t)
}

impl FileCtx<'_, '_> {
    fn direct_protocol(&self) -> Protocol {
        self.det.src.protocol.unwrap_or(Protocol::Openai)
    }
}
