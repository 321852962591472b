//! Every fixture repository against its hand-written expectations
//! (tests/expected/<repo>.txt: `path:line:kind:match` per finding; `#`
//! lines are comments listing the planted near-misses).

use std::collections::BTreeMap;
use std::path::Path;

mod common;

use common::{copy_tree, diff, expected, found, relative_to};
use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::{scan, ScanOptions};

fn actual(repo: &Path, target: &str) -> BTreeMap<String, usize> {
    let rules = Rules::embedded().unwrap();
    let t = rules.target(target).unwrap();
    // Each fixture stands for a repository of its own: scanned in place, the
    // files this project commits under its ignored directories (build/,
    // node_modules/) would count as tracked.
    let tmp = tempfile::tempdir().unwrap();
    copy_tree(repo, tmp.path());
    let opts = ScanOptions {
        paths: vec![tmp.path().to_path_buf()],
        ..ScanOptions::default()
    };
    let mut report = scan(&rules, t, &opts);
    assert!(report.errors.is_empty(), "{:?}", report.errors);
    relative_to(&mut report, tmp.path());
    found(&report)
}

#[test]
fn every_fixture_matches_its_expectations() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut entries: Vec<_> = std::fs::read_dir(root.join("tests/expected"))
        .unwrap()
        .filter_map(|e| e.ok())
        .map(|e| e.path())
        .filter(|p| p.extension().is_some_and(|e| e == "txt"))
        .collect();
    entries.sort();
    for exp in entries {
        let name = exp.file_stem().unwrap().to_string_lossy().into_owned();
        let repo = root.join("fixtures").join(&name);
        assert!(repo.is_dir(), "no fixture repo for {}", exp.display());
        problems.extend(diff(&name, &expected(&exp), &actual(&repo, "llmgateway")));
        checked += 1;
    }
    assert!(checked >= 8, "expected the fixture repos, found {checked}");
    assert!(problems.is_empty(), "\n{}\n", problems.join("\n"));
}

#[test]
fn findings_do_not_depend_on_the_target() {
    // Detection is about OpenRouter; only replacements differ per target.
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    for name in ["python-app", "ts-app"] {
        let repo = root.join("fixtures").join(name);
        let a = actual(&repo, "llmgateway");
        assert_eq!(a, actual(&repo, "ominigate"), "{name}");
        assert_eq!(a, actual(&repo, "phaseo"), "{name}");
    }
}
