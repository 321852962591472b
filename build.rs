//! Embed every table under rules/ so adding a gateway is adding one file.
//!
//! Each table is embedded twice: its YAML text (what `rules show` prints and
//! what a table with errors is re-read from, for diagnostics with lines) and
//! the same table parsed here and written as JSON, with its hash. Reading
//! JSON at start-up costs a small fraction of parsing the YAML, which was
//! most of a small scan's time.
use std::{env, fs, path::Path};

use sha2::{Digest, Sha256};

// The tables' types, shared with the crate (the file uses serde only).
#[allow(dead_code)]
#[path = "src/rules/schema.rs"]
mod schema;

fn main() {
    // Read at run time, not compiled in: a build script binary reused from
    // another checkout's target directory must still embed this one's tables.
    let manifest = env::var("CARGO_MANIFEST_DIR").expect("cargo sets CARGO_MANIFEST_DIR");
    let out_dir = env::var("OUT_DIR").expect("cargo sets OUT_DIR");
    let dir = Path::new(&manifest).join("rules");
    println!("cargo:rerun-if-changed={}", dir.display());
    println!("cargo:rerun-if-changed=src/rules/schema.rs");
    let mut names: Vec<String> = fs::read_dir(&dir)
        .expect("rules/ directory")
        .filter_map(|e| e.ok())
        .map(|e| e.file_name().to_string_lossy().into_owned())
        .filter(|n| n.ends_with(".yaml") || n.ends_with(".yml"))
        .collect();
    names.sort();
    let mut out = String::from("pub static TABLES: &[super::Embedded] = &[\n");
    for n in &names {
        let path = dir.join(n);
        println!("cargo:rerun-if-changed={}", path.display());
        let text = fs::read_to_string(&path).expect("readable table");
        let digest = Sha256::digest(text.as_bytes());
        let hash: String = digest.iter().take(6).map(|b| format!("{b:02x}")).collect();
        // A table that does not parse here is embedded without JSON: the
        // binary then reads its YAML and reports the error with its line.
        let pre = match pre_parse(&text) {
            Some((target, json)) => {
                let file = Path::new(&out_dir).join(format!("{n}.json"));
                fs::write(&file, json).expect("OUT_DIR is writable");
                format!(
                    "Some(super::PreParsed {{ target: {target}, json: include_str!({:?}), hash: {hash:?} }})",
                    file.display().to_string()
                )
            }
            None => "None".to_owned(),
        };
        out.push_str(&format!(
            "    super::Embedded {{ file: \"rules/{n}\", yaml: include_str!({:?}), pre: {pre} }},\n",
            path.display().to_string()
        ));
    }
    out.push_str("];\n");
    let dest = Path::new(&out_dir).join("embedded_rules.rs");
    fs::write(dest, out).expect("OUT_DIR is writable");
}

/// The table as JSON, and whether it is a target table.
fn pre_parse(text: &str) -> Option<(bool, String)> {
    let kind = text
        .lines()
        .find_map(|l| l.trim_end().strip_prefix("kind: "))?;
    let json = match kind {
        "source" => {
            serde_json::to_string(&serde_saphyr::from_str::<schema::SourceTable>(text).ok()?)
        }
        "target" => {
            serde_json::to_string(&serde_saphyr::from_str::<schema::TargetTable>(text).ok()?)
        }
        _ => return None,
    };
    Some((kind == "target", json.ok()?))
}
