//! `--format sarif`: SARIF 2.1.0 for GitHub code scanning and other viewers.
//!
//! One rule per finding kind, so code scanning groups alerts the way the
//! README documents them; the mapping table that ran is named in the run's
//! properties so an alert can be traced to the exact table hash.

use std::collections::BTreeMap;

use serde_json::{json, Value};
use serde_sarif::sarif::{
    ArtifactContent, ArtifactLocation, Invocation, Location, Message, MultiformatMessageString,
    Notification, PhysicalLocation, PropertyBag, Region, ReportingConfiguration,
    ReportingDescriptor, Result as SarifResult, ResultLevel, Run, Sarif, Tool, ToolComponent,
};

use crate::finding::{Finding, Fix, Kind, Level};
use crate::report::ScanOutput;
use crate::rules::{Loaded, TargetTable};

pub const SCHEMA_URI: &str = "https://json.schemastore.org/sarif-2.1.0.json";
/// Key of the partial fingerprint in each result (see baseline::fingerprints).
pub const FINGERPRINT_KEY: &str = "llmgwMigrate/v1";
/// Base id results' relative paths are resolved against (the scanned root).
pub const SRCROOT: &str = "%SRCROOT%";

fn rule_name(kind: Kind) -> String {
    kind.as_str()
        .split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

fn level(kind: Kind) -> ResultLevel {
    match kind.info().level {
        Level::Error => ResultLevel::Error,
        Level::Warning => ResultLevel::Warning,
    }
}

fn level_str(kind: Kind) -> &'static str {
    match kind.info().level {
        Level::Error => "error",
        Level::Warning => "warning",
    }
}

fn bag(entries: impl IntoIterator<Item = (&'static str, Value)>, tags: Vec<String>) -> PropertyBag {
    PropertyBag {
        tags: if tags.is_empty() { None } else { Some(tags) },
        additional_properties: entries
            .into_iter()
            .map(|(k, v)| (k.to_owned(), v))
            .collect::<BTreeMap<_, _>>(),
    }
}

fn rule(kind: Kind) -> ReportingDescriptor {
    // Shown by code scanning next to every alert of the rule.
    let (short, full) = (kind.info().title, kind.info().help);
    let mut tags = vec!["openrouter".to_owned(), "migration".to_owned()];
    let mut props = vec![("precision", json!("high"))];
    if kind == Kind::Secret {
        tags.push("security".to_owned());
        // GitHub ranks security alerts by this CVSS-like score.
        props.push(("security-severity", json!("8.0")));
    }
    ReportingDescriptor::builder()
        .id(kind.as_str())
        .name(rule_name(kind))
        .short_description(MultiformatMessageString::builder().text(short).build())
        .full_description(MultiformatMessageString::builder().text(full).build())
        .help(
            MultiformatMessageString::builder()
                .text(format!("{short}. {full}"))
                .markdown(format!(
                    "**{short}**\n\n{full}\n\nSuppress one occurrence with a comment containing \
                     `llmgw-migrate: ignore[{}]` on the line or the line above.",
                    kind.as_str()
                ))
                .build(),
        )
        .default_configuration(
            ReportingConfiguration::builder()
                .level(json!(level_str(kind)))
                .build(),
        )
        .properties(bag(props, tags))
        .build()
}

/// Percent-encode a relative path for a SARIF `uri` (a URI reference): keep
/// unreserved characters and `/`, encode the rest byte by byte. `:` is
/// encoded so a first segment is never read as a scheme.
pub fn path_to_uri(path: &str) -> String {
    let mut out = String::with_capacity(path.len());
    for b in path.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || matches!(b, b'-' | b'.' | b'_' | b'~' | b'/') {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn artifact(path: &str) -> ArtifactLocation {
    ArtifactLocation::builder()
        .uri(path_to_uri(path))
        .uri_base_id(SRCROOT)
        .build()
}

fn to_i64(n: usize) -> i64 {
    i64::try_from(n).unwrap_or(i64::MAX)
}

fn fix_str(fix: Fix) -> &'static str {
    match fix {
        Fix::Auto => "auto",
        Fix::Manual => "manual",
        Fix::None => "none",
    }
}

fn result(f: &Finding, fingerprint: Option<&String>) -> SarifResult {
    let start_line = f.line.max(1);
    let start_col = f.column.max(1);
    // SARIF regions end before end_column; never before the start.
    let end_line = f.end_line.max(start_line);
    let end_col = if end_line == start_line {
        f.end_column.max(start_col)
    } else {
        f.end_column.max(1)
    };
    let region = Region::builder()
        .start_line(to_i64(start_line))
        .start_column(to_i64(start_col))
        .end_line(to_i64(end_line))
        .end_column(to_i64(end_col))
        .snippet(ArtifactContent::builder().text(f.matched.clone()).build())
        .build();
    let location = Location::builder()
        .physical_location(
            PhysicalLocation::builder()
                .artifact_location(artifact(&f.path))
                .region(region)
                .build(),
        )
        .build();
    let text = if f.message.trim().is_empty() {
        match &f.replacement {
            Some(r) => format!("`{}` becomes `{r}` on the target", f.matched),
            None => format!("`{}` needs attention", f.matched),
        }
    } else {
        f.message.clone()
    };
    let props = [
        ("fix", json!(fix_str(f.fix))),
        ("match", json!(f.matched)),
        ("replacement", json!(f.replacement)),
        ("rule", json!(f.rule)),
    ];
    let index = Kind::ALL.iter().position(|k| *k == f.kind).unwrap_or(0);
    let builder = SarifResult::builder()
        .rule_id(f.kind.as_str())
        .rule_index(to_i64(index))
        .level(level(f.kind))
        .message(Message::builder().text(text).build())
        .locations(vec![location])
        .properties(bag(props, Vec::new()));
    match fingerprint {
        Some(fp) => builder
            .partial_fingerprints(BTreeMap::from([(FINGERPRINT_KEY.to_owned(), fp.clone())]))
            .build(),
        None => builder.build(),
    }
}

/// The SARIF log of one scan. `fingerprints` are those of `out.findings`, in
/// the same order (`baseline::fingerprints` of the report).
pub fn render(
    out: &ScanOutput,
    target: &Loaded<TargetTable>,
    source_table_label: &str,
    fingerprints: &[String],
) -> String {
    let driver = ToolComponent::builder()
        .name(out.tool.name)
        .version(out.tool.version)
        .semantic_version(out.tool.version)
        .rules(Kind::ALL.iter().map(|k| rule(*k)).collect::<Vec<_>>())
        .build();
    let notifications: Vec<Notification> = out
        .summary
        .errors
        .iter()
        .map(|e| {
            Notification::builder()
                .level(json!("error"))
                .message(Message::builder().text(e.message.clone()).build())
                .locations(vec![Location::builder()
                    .physical_location(
                        PhysicalLocation::builder()
                            .artifact_location(artifact(&e.path))
                            .build(),
                    )
                    .build()])
                .build()
        })
        .collect();
    // An unreadable file is reported, not a failed run: the rest was scanned.
    let invocation = if notifications.is_empty() {
        Invocation::builder().execution_successful(true).build()
    } else {
        Invocation::builder()
            .execution_successful(true)
            .tool_execution_notifications(notifications)
            .build()
    };
    let run_props = [
        ("table", json!(out.table)),
        (
            "targetTable",
            json!({
                "id": target.table.id,
                "name": target.table.name,
                "version": target.table.version.value,
                "sha256": target.hash,
                "file": target.file,
                "label": target.label(),
            }),
        ),
        ("sourceTable", json!(source_table_label)),
        ("filesScanned", json!(out.summary.files_scanned)),
        ("filesSkipped", json!(out.summary.files_skipped)),
        ("findingsByKind", json!(out.summary.findings_by_kind)),
    ];
    let run = Run::builder()
        .tool(Tool::builder().driver(driver).build())
        .results(
            out.findings
                .iter()
                .enumerate()
                .map(|(i, f)| result(f, fingerprints.get(i)))
                .collect::<Vec<_>>(),
        )
        .invocations(vec![invocation])
        .column_kind(json!("unicodeCodePoints"))
        .properties(bag(run_props, Vec::new()))
        .build();
    let log = Sarif::builder()
        .schema(SCHEMA_URI)
        .version(json!("2.1.0"))
        .runs(vec![run])
        .build();
    let mut s = serde_json::to_string_pretty(&log).expect("SARIF values always serialize");
    s.push('\n');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn uris_are_percent_encoded() {
        assert_eq!(path_to_uri("src/app.py"), "src/app.py");
        assert_eq!(path_to_uri("my dir/a#b.py"), "my%20dir/a%23b.py");
        assert_eq!(path_to_uri("c:x/é"), "c%3Ax/%C3%A9");
    }

    #[test]
    fn rule_names_are_pascal_case() {
        assert_eq!(rule_name(Kind::ApiKeyEnv), "ApiKeyEnv");
        assert_eq!(rule_name(Kind::Secret), "Secret");
    }
}
