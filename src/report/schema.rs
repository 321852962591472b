//! JSON Schemas of the machine-readable outputs, generated from the types
//! that serialize them (schemars), so the files under schemas/ cannot drift
//! from what the tool prints: tests/schemas.rs compares them and validates
//! real outputs against them. The input schemas (config file, mapping
//! tables) are hand-written there, because their types carry source spans.

use schemars::{generate::SchemaSettings, JsonSchema, Schema};
use serde_json::Value;

/// Base of every schema's `$id`: the files as published in the repository.
pub const ID_BASE: &str = concat!(env!("CARGO_PKG_REPOSITORY"), "/raw/main/schemas/");

/// Outputs are described as the tool writes them (a field it omits when
/// empty is optional); inputs as it reads them.
fn generate<T: JsonSchema>(file: &str, title: &str, output: bool) -> Value {
    let settings = SchemaSettings::draft2020_12();
    let settings = if output {
        settings.for_serialize()
    } else {
        settings.for_deserialize()
    };
    let mut schema: Schema = settings.into_generator().into_root_schema_for::<T>();
    schema.insert("$id".into(), format!("{ID_BASE}{file}").into());
    schema.insert("title".into(), title.into());
    schema.to_value()
}

/// The generated schemas: (file name under schemas/, schema).
pub fn generated() -> Vec<(&'static str, Value)> {
    vec![
        (
            "scan.schema.json",
            generate::<crate::report::ScanOutput<'static>>(
                "scan.schema.json",
                "llmgw-migrate scan --format json (schema 1)",
                true,
            ),
        ),
        (
            "rewrite.schema.json",
            generate::<crate::rewrite::report::RewriteOutput<'static>>(
                "rewrite.schema.json",
                "llmgw-migrate rewrite --format json (schema 1)",
                true,
            ),
        ),
        (
            "baseline.schema.json",
            generate::<crate::baseline::Baseline>(
                "baseline.schema.json",
                "llmgw-migrate baseline file (--write-baseline, schema 1)",
                false,
            ),
        ),
    ]
}
