//! The declared MSRV (`rust-version` in Cargo.toml) is what the locked
//! dependencies need, and the CI job and Dockerfile build with exactly it.
//! Only one toolchain is installed here, so this reads what each locked
//! package declares instead of compiling with the old compiler.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// `1.89`, `1.89.0` -> (1, 89, 0).
fn parse(v: &str) -> (u64, u64, u64) {
    let mut parts = v.trim().split('.').map(|p| {
        p.parse::<u64>()
            .unwrap_or_else(|_| panic!("not a Rust version: {v}"))
    });
    let major = parts.next().unwrap_or(0);
    let minor = parts.next().unwrap_or(0);
    let patch = parts.next().unwrap_or(0);
    (major, minor, patch)
}

fn metadata() -> Value {
    let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
    let out = Command::new(cargo)
        .args(["metadata", "--locked", "--format-version", "1"])
        .current_dir(root())
        .output()
        .expect("cargo metadata runs");
    assert!(
        out.status.success(),
        "cargo metadata failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    serde_json::from_slice(&out.stdout).expect("cargo metadata prints JSON")
}

/// Every locked package that declares a rust-version newer than `ours`.
fn too_new(meta: &Value, ours: &str) -> Vec<String> {
    let ours = parse(ours);
    meta["packages"]
        .as_array()
        .expect("packages")
        .iter()
        .filter_map(|p| {
            let need = p["rust_version"].as_str()?;
            (parse(need) > ours).then(|| format!("{} {} needs {need}", p["name"], p["version"]))
        })
        .collect()
}

fn declared(meta: &Value) -> String {
    meta["packages"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == "llmgw-migrate")
        .and_then(|p| p["rust_version"].as_str())
        .expect("Cargo.toml declares rust-version")
        .to_owned()
}

#[test]
fn no_locked_dependency_needs_a_newer_rust_than_declared() {
    let meta = metadata();
    let ours = declared(&meta);
    let bad = too_new(&meta, &ours);
    assert!(
        bad.is_empty(),
        "Cargo.toml says rust-version = {ours}, but:\n  {}\nRaise rust-version (and the msrv job in \
         .github/workflows/ci.yml and the Dockerfile's rust image) or pin the dependency lower.",
        bad.join("\n  ")
    );
    // The check itself bites: one minor version lower is caught, naming the
    // packages that need the declared version.
    let (major, minor, _) = parse(&ours);
    let lower = format!("{major}.{}", minor - 1);
    let caught = too_new(&meta, &lower);
    assert!(
        !caught.is_empty(),
        "no locked package needs {ours}: lower rust-version to the newest one declared"
    );
}

#[test]
fn ci_msrv_job_and_dockerfile_use_the_declared_version() {
    let ours = declared(&metadata());
    let ci = std::fs::read_to_string(root().join(".github/workflows/ci.yml")).unwrap();
    assert!(
        ci.contains(&format!("dtolnay/rust-toolchain@{ours}\n")),
        "the msrv job in ci.yml must install Rust {ours}"
    );
    assert!(ci.contains(&format!("msrv ({ours})")));
    let docker = std::fs::read_to_string(root().join("Dockerfile")).unwrap();
    assert!(
        docker.contains(&format!("FROM rust:{ours}-alpine")),
        "the Dockerfile builds with the declared MSRV, so it proves it"
    );
}

#[test]
fn versions_compare_numerically() {
    assert!(parse("1.89.0") > parse("1.88"));
    assert!(parse("1.100") > parse("1.99.9"));
    assert_eq!(parse("1.89"), parse("1.89.0"));
}
