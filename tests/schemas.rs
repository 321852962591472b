//! The JSON Schemas under schemas/: generated ones match the types that
//! print the documents (regenerate with `UPDATE_SCHEMAS=1 cargo test --test
//! schemas`), and real outputs and inputs validate against every schema.

mod common;

use std::fs;
use std::path::{Path, PathBuf};

use common::run;

use serde_json::{json, Value};

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn schema(name: &str) -> Value {
    let text = fs::read_to_string(root().join("schemas").join(name))
        .unwrap_or_else(|e| panic!("schemas/{name}: {e}"));
    serde_json::from_str(&text).unwrap_or_else(|e| panic!("schemas/{name}: {e}"))
}

fn validator(name: &str) -> jsonschema::Validator {
    jsonschema::options()
        .should_validate_formats(true)
        .build(&schema(name))
        .unwrap_or_else(|e| panic!("schemas/{name} does not compile: {e}"))
}

fn errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{e} at {}", e.instance_path()))
        .collect()
}

fn assert_valid(v: &jsonschema::Validator, doc: &Value, what: &str) {
    let errs = errors(v, doc);
    assert!(errs.is_empty(), "{what}:\n{errs:#?}");
}

#[test]
fn generated_schemas_are_up_to_date() {
    let update = std::env::var_os("UPDATE_SCHEMAS").is_some();
    let mut stale = Vec::new();
    for (file, schema) in llmgw_migrate::report::schema::generated() {
        let path = root().join("schemas").join(file);
        let mut text = serde_json::to_string_pretty(&schema).unwrap();
        text.push('\n');
        if update {
            fs::create_dir_all(path.parent().unwrap()).unwrap();
            fs::write(&path, &text).unwrap();
        } else if fs::read_to_string(&path).ok().as_deref() != Some(text.as_str()) {
            stale.push(file);
        }
    }
    assert!(
        stale.is_empty(),
        "schemas/{stale:?} differ from the Rust types; run UPDATE_SCHEMAS=1 cargo test --test schemas"
    );
}

fn fixtures() -> Vec<PathBuf> {
    let mut v: Vec<PathBuf> = fs::read_dir(root().join("fixtures"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
        .collect();
    v.sort();
    v
}

#[test]
fn scan_json_of_every_fixture_matches_its_schema() {
    let v = validator("scan.schema.json");
    let mut findings = 0;
    for dir in fixtures() {
        let from = match dir.file_name().unwrap().to_str().unwrap() {
            "direct-openai" => "openai",
            "direct-anthropic" => "anthropic",
            "direct-google" => "google",
            _ => "openrouter",
        };
        for to in &common::target_ids() {
            let to = to.as_str();
            let r = run(
                &dir,
                &["scan", "--format", "json", "--to", to, "--from", from, "."],
            );
            let (code, out) = (r.code, r.stdout);
            assert!(code == 0 || code == 1, "{}: exit {code}", dir.display());
            let doc: Value = serde_json::from_str(&out).unwrap();
            findings += doc["findings"].as_array().unwrap().len();
            assert_valid(&v, &doc, &format!("scan {} --to {to}", dir.display()));
        }
    }
    assert!(
        findings > 100,
        "the fixtures exercise the schema: {findings}"
    );

    // Errors, suppressed and baselined counts are in the schema too.
    let dir = tempfile::tempdir().unwrap();
    fs::write(
        dir.path().join("a.py"),
        "A = \"https://openrouter.ai/api/v1\"\nB = \"https://openrouter.ai/api/v1\"  # llmgw-migrate: ignore\n",
    )
    .unwrap();
    let out = run(
        dir.path(),
        &["scan", "--format", "json", "a.py", "missing.py"],
    )
    .stdout;
    let doc: Value = serde_json::from_str(&out).unwrap();
    assert_eq!(doc["summary"]["suppressed"], 1);
    assert_eq!(doc["summary"]["errors"].as_array().unwrap().len(), 1);
    assert_valid(&v, &doc, "scan with an error and a suppression");

    // The schema has teeth: a wrong kind, fix or missing field is rejected.
    let good = doc.clone();
    for (ptr, bad) in [
        ("/findings/0/kind", json!("url")),
        ("/findings/0/fix", json!("maybe")),
        ("/findings/0/line", json!(-1)),
        ("/schema", json!("1")),
    ] {
        let mut d = good.clone();
        *d.pointer_mut(ptr).unwrap() = bad;
        assert!(!v.is_valid(&d), "{ptr} accepted");
    }
    let mut d = good.clone();
    d["findings"][0].as_object_mut().unwrap().remove("rule");
    assert!(!v.is_valid(&d), "a finding without rule accepted");
}

#[test]
fn rewrite_json_matches_its_schema() {
    let v = validator("rewrite.schema.json");
    let mut edits = 0;
    for dir in fixtures() {
        let r = run(
            &dir,
            &["rewrite", "--format", "json", "--to", "ominigate", "."],
        );
        let (code, out) = (r.code, r.stdout);
        assert!(code == 0 || code == 1, "{}: exit {code}", dir.display());
        let doc: Value = serde_json::from_str(&out).unwrap();
        edits += doc["summary"]["edits"].as_u64().unwrap();
        assert_valid(&v, &doc, &format!("rewrite {}", dir.display()));
        let mut d = doc.clone();
        d["mode"] = json!("apply");
        assert!(!v.is_valid(&d), "an unknown mode accepted");
    }
    assert!(edits > 20, "the fixtures exercise the schema: {edits}");
}

#[test]
fn baseline_file_matches_its_schema() {
    let v = validator("baseline.schema.json");
    let dir = tempfile::tempdir().unwrap();
    llmgw_copy(&root().join("fixtures/python-app"), dir.path());
    let code = run(dir.path(), &["scan", "--write-baseline", "base.json"]).code;
    assert!(code < 2);
    let doc: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("base.json")).unwrap()).unwrap();
    assert!(!doc["findings"].as_array().unwrap().is_empty());
    assert_valid(&v, &doc, "baseline");
    let mut d = doc.clone();
    d["findings"][0]["extra"] = json!(1);
    assert!(
        !v.is_valid(&d),
        "unknown fields are rejected, as the loader does"
    );
}

fn llmgw_copy(from: &Path, to: &Path) {
    for e in fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            fs::create_dir_all(&dest).unwrap();
            llmgw_copy(&e.path(), &dest);
        } else {
            fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The keys a serde loader with `deny_unknown_fields` accepts, read from
/// its "unknown field `x`, expected one of `a`, `b`" message (serde-saphyr
/// leaves out the backticks of the list).
fn expected_fields(message: &str) -> Vec<String> {
    let line = message
        .lines()
        .find(|l| l.contains("unknown field"))
        .unwrap_or_else(|| panic!("no unknown-field error in: {message}"));
    let list = line
        .split_once("expected one of ")
        .or_else(|| line.split_once("expected "))
        .unwrap_or_else(|| panic!("no field list in: {line}"))
        .1;
    let mut v: Vec<String> = list
        .split(", ")
        .map(|f| f.trim().trim_matches('`').to_owned())
        .collect();
    v.sort();
    v
}

fn schema_keys(obj: &Value) -> Vec<String> {
    let mut v: Vec<String> = obj["properties"]
        .as_object()
        .expect("properties")
        .keys()
        .cloned()
        .collect();
    v.sort();
    v
}

fn config_err(text: &str) -> String {
    let e = llmgw_migrate::config::Config::parse(Path::new("llmgw-migrate.toml"), text)
        .expect_err("the loader rejects it");
    format!("{e:#}")
}

#[test]
fn config_schema_accepts_what_the_loader_accepts_and_rejects_the_rest() {
    let s = schema("config.schema.json");
    let v = validator("config.schema.json");
    // Same keys as the loader, at the top and under [parity].
    assert_eq!(schema_keys(&s), expected_fields(&config_err("bogus = 1\n")));
    assert_eq!(
        schema_keys(&s["properties"]["parity"]),
        expected_fields(&config_err("[parity]\nbogus = 1\n"))
    );
    // Same kinds and parity formats as the tool.
    let kinds: Vec<&str> = llmgw_migrate::finding::Kind::ALL
        .iter()
        .map(|k| k.as_str())
        .collect();
    assert_eq!(s["properties"]["kinds"]["items"]["enum"], json!(kinds));
    let formats: Vec<String> =
        <llmgw_migrate::cli::ParityFormat as clap::ValueEnum>::value_variants()
            .iter()
            .map(|f| {
                clap::ValueEnum::to_possible_value(f)
                    .unwrap()
                    .get_name()
                    .to_owned()
            })
            .collect();
    assert_eq!(
        s["properties"]["parity"]["properties"]["format"]["enum"],
        json!(formats)
    );

    // The documented example loads and validates.
    let doc = fs::read_to_string(root().join("docs/ci.md")).unwrap();
    let example = doc
        .split("```toml\n")
        .nth(1)
        .and_then(|b| b.split("\n```").next())
        .expect("a toml block in docs/ci.md");
    llmgw_migrate::config::Config::parse(Path::new("llmgw-migrate.toml"), example).unwrap();
    let as_json: Value = toml::from_str(example).unwrap();
    assert_valid(&v, &as_json, "docs/ci.md example");

    // What the loader rejects for shape or range, the schema rejects too.
    for bad in [
        "max_filesize = -1\n",
        "kinds = [\"url\"]\n",
        "target = \"\"\n",
        "include = \"src/**\"\n",
        "[parity]\nconcurrency = 0\n",
        "[parity]\nformat = \"xml\"\n",
        "[parity]\nretries = 3\n",
    ] {
        config_err(bad);
        let as_json: Value = toml::from_str(bad).unwrap();
        assert!(!v.is_valid(&as_json), "schema accepts {bad:?}");
    }
}

fn rules_fields<T: serde::de::DeserializeOwned + std::fmt::Debug>() -> Vec<String> {
    let e = serde_saphyr::from_str::<T>("zz_bogus: 1\n").expect_err("unknown field");
    expected_fields(&e.to_string())
}

#[test]
fn rules_schema_matches_the_table_types_and_every_built_in_table() {
    use llmgw_migrate::rules::schema as t;
    let s = schema("rules.schema.json");
    let defs = &s["$defs"];
    for (name, fields) in [
        ("SourceTable", rules_fields::<t::SourceTable>()),
        ("TargetTable", rules_fields::<t::TargetTable>()),
        ("Cite", rules_fields::<t::Cite>()),
        ("ClientCtor", rules_fields::<t::ClientCtor>()),
        ("ArgTemplates", rules_fields::<t::ArgTemplates>()),
        ("ModuleClient", rules_fields::<t::ModuleClient>()),
        ("SourceModel", rules_fields::<t::SourceModel>()),
        ("SourceEndpoint", rules_fields::<t::SourceEndpoint>()),
        ("SourceField", rules_fields::<t::SourceField>()),
        ("SdkPackage", rules_fields::<t::SdkPackage>()),
        ("Disposition", rules_fields::<t::Disposition>()),
        ("EndpointMap", rules_fields::<t::EndpointMap>()),
        ("SdkSwap", rules_fields::<t::SdkSwap>()),
        ("IdentSwap", rules_fields::<t::IdentSwap>()),
        ("ModelRow", rules_fields::<t::ModelRow>()),
    ] {
        assert_eq!(schema_keys(&defs[name]), fields, "{name}");
    }
    let v = validator("rules.schema.json");
    let mut n = 0;
    for e in fs::read_dir(root().join("rules")).unwrap() {
        let path = e.unwrap().path();
        let text = fs::read_to_string(&path).unwrap();
        let doc: Value = serde_saphyr::from_str(&text).unwrap();
        assert_valid(&v, &doc, &path.display().to_string());
        n += 1;
        // A misspelt key or a bad status is caught, as `rules validate` does.
        let mut d = doc.clone();
        d["verison"] = json!("2026-01-01");
        assert!(!v.is_valid(&d), "{}: unknown key accepted", path.display());
    }
    assert!(n >= 7);
    let target: Value =
        serde_saphyr::from_str(&fs::read_to_string(root().join("rules/ominigate.yaml")).unwrap())
            .unwrap();
    let mut d = target.clone();
    d["models"][0]["status"] = json!("gone");
    assert!(!v.is_valid(&d));
}
