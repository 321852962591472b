//! `llmgw-migrate.toml`: discovery, precedence and errors with file:line:col.

use std::fs;
use std::path::Path;

use llmgw_migrate::config::{Config, FILE_NAME};
use llmgw_migrate::finding::Kind;
use llmgw_migrate::rules::Rules;

fn write(dir: &Path, rel: &str, text: &str) -> std::path::PathBuf {
    let p = dir.join(rel);
    fs::create_dir_all(p.parent().unwrap()).unwrap();
    fs::write(&p, text).unwrap();
    p
}

const FULL: &str = r#"# repository defaults
target = "ominigate"
rules = "tools/rules"
include = ["src/**", "config/*.yaml"]
exclude = ["vendor/**"]
kinds = ["base-url", "model-slug"]
max_filesize = 2048

[parity]
golden = "parity/golden.yaml"
config = "parity/gateways.yaml"
concurrency = 4
format = "markdown"
"#;

#[test]
fn loads_every_key_and_resolves_paths_against_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), FILE_NAME, FULL);
    let c = Config::load(&file).unwrap();
    assert_eq!(c.target.as_deref(), Some("ominigate"));
    assert_eq!(
        c.rules.as_deref(),
        Some(dir.path().join("tools/rules").as_path())
    );
    assert_eq!(c.include, ["src/**", "config/*.yaml"]);
    assert_eq!(c.exclude, ["vendor/**"]);
    assert_eq!(c.kinds, Some(vec![Kind::BaseUrl, Kind::ModelSlug]));
    assert_eq!(c.max_filesize, Some(2048));
    assert_eq!(
        c.parity.golden.as_deref(),
        Some(dir.path().join("parity/golden.yaml").as_path())
    );
    assert_eq!(
        c.parity.config.as_deref(),
        Some(dir.path().join("parity/gateways.yaml").as_path())
    );
    assert_eq!(c.parity.concurrency, Some(4));
    assert_eq!(c.parity.format.as_deref(), Some("markdown"));
    // The embedded tables know the target.
    c.check_target(&Rules::embedded().unwrap()).unwrap();
}

#[test]
fn discovery_walks_up_from_a_file_or_directory_and_stops_at_the_repo_root() {
    let dir = tempfile::tempdir().unwrap();
    let repo = dir.path().join("repo");
    fs::create_dir_all(repo.join(".git")).unwrap();
    let deep = repo.join("services/api/src");
    fs::create_dir_all(&deep).unwrap();
    let app = write(&deep, "app.py", "x = 1\n");

    // None anywhere.
    assert!(Config::discover(&deep).unwrap().is_none());

    // Above the repository root: not used.
    write(dir.path(), FILE_NAME, "target = \"phaseo\"\n");
    assert!(Config::discover(&deep).unwrap().is_none());

    // At the root: found from a deep directory and from a file.
    let root_cfg = write(&repo, FILE_NAME, "target = \"llmgateway\"\n");
    let (p, c) = Config::discover(&deep).unwrap().unwrap();
    let same = |a: &Path, b: &Path| fs::canonicalize(a).unwrap() == fs::canonicalize(b).unwrap();
    assert!(same(&p, &root_cfg));
    assert_eq!(c.target.as_deref(), Some("llmgateway"));
    let (p, _) = Config::discover(&app).unwrap().unwrap();
    assert!(same(&p, &root_cfg));

    // The nearest one wins.
    let near = write(
        &repo,
        &format!("services/{FILE_NAME}"),
        "target = \"ominigate\"\n",
    );
    let (p, c) = Config::discover(&deep).unwrap().unwrap();
    assert!(same(&p, &near));
    assert_eq!(c.target.as_deref(), Some("ominigate"));

    // --config wins over discovery.
    let explicit = write(dir.path(), "other.toml", "target = \"phaseo\"\n");
    let c = Config::resolve(Some(&explicit), &deep).unwrap().unwrap();
    assert_eq!(c.target.as_deref(), Some("phaseo"));
}

#[test]
fn command_line_flags_win() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), FILE_NAME, FULL);
    let c = Config::load(&file).unwrap();
    assert_eq!(
        c.effective_target(Some("phaseo")).as_deref(),
        Some("phaseo")
    );
    assert_eq!(c.effective_target(None).as_deref(), Some("ominigate"));
    assert_eq!(c.effective_max_filesize(Some(10)), Some(10));
    assert_eq!(c.effective_max_filesize(None), Some(2048));
    assert_eq!(
        c.effective_kinds(&["secret".into()]).unwrap(),
        vec![Kind::Secret]
    );
    assert_eq!(
        c.effective_kinds(&[]).unwrap(),
        vec![Kind::BaseUrl, Kind::ModelSlug]
    );
    assert!(c.effective_kinds(&["nope".into()]).is_err());
    let cli_rules = Path::new("/elsewhere");
    assert_eq!(
        c.effective_rules(Some(cli_rules)).as_deref(),
        Some(cli_rules)
    );
    // An empty config changes nothing.
    let empty = Config::parse(Path::new("x.toml"), "").unwrap();
    assert_eq!(empty.effective_target(None), None);
    assert_eq!(empty.effective_kinds(&[]).unwrap(), Vec::<Kind>::new());
}

/// The error for `text`, which must be located at `line:col`.
fn error_at(text: &str, line: usize, col: usize, needle: &str) {
    let err = Config::parse(Path::new("cfg/llmgw-migrate.toml"), text)
        .expect_err("config should be rejected")
        .to_string();
    let want = format!("cfg/llmgw-migrate.toml:{line}:{col}: ");
    assert!(
        err.starts_with(&want),
        "{err:?} does not start with {want:?}"
    );
    assert!(err.contains(needle), "{err:?} lacks {needle:?}");
    assert!(!err.contains('\n'), "one line: {err:?}");
}

#[test]
fn bad_files_are_errors_with_file_line_col() {
    // Unknown key, top level and in [parity].
    error_at("target = \"x\"\ntargte = \"y\"\n", 2, 1, "targte");
    error_at(
        "[parity]\ngolden = \"g\"\nconcurrenc = 2\n",
        3,
        1,
        "concurrenc",
    );
    // Wrong types.
    error_at("max_filesize = \"big\"\n", 1, 16, "");
    error_at("kinds = \"base-url\"\n", 1, 9, "");
    // Bad values.
    error_at(
        "kinds = [\"base-url\", \"modelslug\"]\n",
        1,
        22,
        "unknown kind \"modelslug\"",
    );
    error_at("\n\nmax_filesize = -1\n", 3, 16, "0: no limit");
    error_at("[parity]\nconcurrency = 0\n", 2, 15, "between 1 and 1024");
    error_at(
        "[parity]\nformat = \"xml\"\n",
        2,
        10,
        "unknown parity format",
    );
    error_at("exclude = [\"a/[b\"]\n", 1, 12, "bad glob");
    error_at("target = \"\"\n", 1, 10, "empty");
    // Broken TOML.
    error_at("target = \"llmgateway\n", 1, 21, "");
}

#[test]
fn unknown_target_points_into_the_file() {
    let dir = tempfile::tempdir().unwrap();
    let file = write(dir.path(), FILE_NAME, "\ntarget = \"openai\"\n");
    let c = Config::load(&file).unwrap();
    let err = c
        .check_target(&Rules::embedded().unwrap())
        .unwrap_err()
        .to_string();
    assert!(
        err.starts_with(&format!("{}:2:10: unknown target 'openai'", file.display())),
        "{err}"
    );
}

#[test]
fn unreadable_file_names_the_path() {
    let err = Config::load(Path::new("/nonexistent/llmgw-migrate.toml"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("/nonexistent/llmgw-migrate.toml"), "{err}");
}
