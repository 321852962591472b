//! What no edit can do: the checklist that ends the manual report.
//! Variables and secrets to create in each deployment, OpenRouter keys to
//! revoke, config keys that deployments set, and models whose replacement
//! is a different model (behaviour changes: run parity on these).

use serde::Serialize;

use super::placeholders::RULE as PLACEHOLDER_RULE;
use super::plan::{FilePlan, ManualItem, PlannedEdit};
use crate::finding::Kind;
use crate::rules::schema::Status;
use crate::rules::TargetTable;

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema)]
#[serde(rename_all = "kebab-case")]
pub enum Step {
    /// A renamed variable or secret must be created where deployments set it.
    SetVariable,
    /// A hard-coded OpenRouter key to revoke.
    RevokeKey,
    /// A config key set outside the repository, to rename there.
    RenameConfigKey,
    /// Requests now go to the target: the key they send must be the target's.
    ReplaceKey,
    /// A retired model replaced by another one: run parity on it.
    BehaviourChange,
}

#[derive(Debug, Clone, Serialize, PartialEq, Eq, PartialOrd, Ord, schemars::JsonSchema)]
pub struct ChecklistItem {
    pub step: Step,
    /// What to do, in one line.
    pub what: String,
    /// `path:line` of each place in the tree that calls for it.
    pub places: Vec<String>,
}

/// The checklist for a plan's edits and manual items.
pub fn build(
    files: &[FilePlan],
    manual: &[ManualItem],
    target: &TargetTable,
) -> Vec<ChecklistItem> {
    let mut list = List::default();
    for f in files {
        for e in &f.edits {
            let place = format!("{}:{}", f.path, e.line);
            match e.kind {
                // Words that follow a renamed variable (`your_openrouter_key`,
                // `sk-or-...`, "OpenRouter API key") are not variables to set.
                Kind::ApiKeyEnv
                    if !e.after.is_empty()
                        && !e.rule.ends_with(":identifier")
                        && e.rule != PLACEHOLDER_RULE =>
                {
                    list.add(Step::SetVariable, set_variable(f, e, target), place);
                }
                Kind::BaseUrl => base_url(&mut list, f, e, target, place),
                Kind::ModelSlug => model(&mut list, e, target, place),
                _ => {}
            }
        }
    }
    for m in manual {
        manual_item(&mut list, m);
    }
    list.0.sort();
    list.0
}

/// Items so far; one per step and text, with every place that calls for it.
#[derive(Default)]
struct List(Vec<ChecklistItem>);

impl List {
    fn add(&mut self, step: Step, what: String, place: String) {
        match self.0.iter_mut().find(|i| i.step == step && i.what == what) {
            Some(i) => {
                if !i.places.contains(&place) {
                    i.places.push(place);
                }
            }
            None => self.0.push(ChecklistItem {
                step,
                what,
                places: vec![place],
            }),
        }
    }
}

/// A renamed key variable: where deployments must create it.
fn set_variable(f: &FilePlan, e: &PlannedEdit, target: &TargetTable) -> String {
    let line = f.source.line_text(e.line);
    if line.contains("secrets.") {
        format!(
            "create the secret {} (it replaces {}) where these files read secrets from (for CI: the repository or organization settings)",
            e.after, e.before
        )
    } else if looks_like_base_url_var(&e.after) {
        format!(
            "set {} to {} in every deployment that sets {} today (hosting, CI, k8s secrets, local .env files); do not copy the old URL",
            e.after, target.base_url, e.before
        )
    } else {
        format!(
            "set {} in every deployment that sets {} today (hosting, CI, k8s secrets, local .env files)",
            e.after, e.before
        )
    }
}

/// A rewritten base URL: variables that override it, and the key its
/// requests now send.
fn base_url(list: &mut List, f: &FilePlan, e: &PlannedEdit, target: &TargetTable, place: String) {
    let line = f.source.line_text(e.line);
    // A variable that overrides the URL rewritten here
    // (`process.env.OPENAI_BASE_URL || "https://openrouter.ai/..."`).
    // A variable renamed here has its own item (set the new one).
    let renamed = |v: &str| {
        f.edits
            .iter()
            .any(|o| o.kind == Kind::ApiKeyEnv && o.line == e.line && o.before == v)
    };
    for var in override_vars(line).into_iter().filter(|v| !renamed(v)) {
        list.add(
            Step::SetVariable,
            format!(
                "deployments that set {var} override the URL rewritten here: set it to {} or unset it",
                target.base_url
            ),
            place.clone(),
        );
    }
    // The key these requests send: renamed with them only
    // when its variable was named after OpenRouter.
    let renamed_key = f
        .edits
        .iter()
        .any(|o| o.kind == Kind::ApiKeyEnv && !looks_like_base_url_var(&o.after));
    if !renamed_key {
        list.add(
            Step::ReplaceKey,
            format!(
                "requests from these files now go to {}: make sure the key they send (whatever its name, e.g. an OPENAI_API_KEY or a config value) is a {} key, not an OpenRouter one",
                target.base_url, target.name
            ),
            place,
        );
    }
}

/// A retired model mapped to its replacement behaves differently.
fn model(list: &mut List, e: &PlannedEdit, target: &TargetTable, place: String) {
    let from = e.rule.rsplit_once(":models:").map(|(_, s)| s);
    let retired = from
        .and_then(|s| target.row(s))
        .is_some_and(|r| r.status == Status::Retired);
    if retired {
        list.add(
            Step::BehaviourChange,
            format!(
                "{} is replaced by a different model, {}: run `llmgw-migrate parity` on the prompts that use it",
                e.before, e.after
            ),
            place,
        );
    }
}

/// Keys to revoke, and config keys set outside the repository.
fn manual_item(list: &mut List, m: &ManualItem) {
    let place = format!("{}:{}", m.path, m.line);
    if m.kind == Kind::Secret {
        list.add(
            Step::RevokeKey,
            format!(
                "revoke the OpenRouter key {} (OpenRouter settings, API keys) and remove it from the tree and its history",
                m.what
            ),
            place,
        );
    } else if m.rule.ends_with(":settings-field") || m.rule.ends_with(":config-key") {
        list.add(
            Step::RenameConfigKey,
            format!(
                "{} is set by deployments outside the repository: rename it there when the code changes",
                m.what
            ),
            place,
        );
    }
}

fn looks_like_base_url_var(name: &str) -> bool {
    let u = name.to_ascii_uppercase();
    ["BASE", "URL", "ENDPOINT", "HOST"]
        .iter()
        .any(|w| u.contains(w))
}

/// Upper-case variable names on `line` that hold a base URL.
fn override_vars(line: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for w in line.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_')) {
        let upper = w.len() >= 4
            && w.bytes()
                .all(|b| b.is_ascii_uppercase() || b.is_ascii_digit() || b == b'_')
            && w.bytes().next().is_some_and(|b| b.is_ascii_uppercase());
        if upper
            && looks_like_base_url_var(w)
            && !w.contains("OPENROUTER")
            && !w.contains("OPEN_ROUTER")
            && !out.iter().any(|o| o == w)
        {
            out.push(w.to_owned());
        }
    }
    out
}

/// The checklist as `#` lines for the manual report.
pub fn render(items: &[ChecklistItem]) -> String {
    if items.is_empty() {
        return String::new();
    }
    let mut s = format!("# outside the repository ({}):\n", items.len());
    for i in items {
        s.push_str(&format!("#   - {}\n", i.what));
        s.push_str(&format!("#       at: {}\n", i.places.join(", ")));
    }
    s
}
