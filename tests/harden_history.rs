//! `scan --history`: keys anywhere in the history, each blob once, with the
//! commit that introduced it, redacted; blobs over the cap are not read.

mod common;

use std::path::Path;
use std::process::Command;

use common::Run;

fn git(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args([
            "-c",
            "user.name=t",
            "-c",
            "user.email=t@t",
            "-c",
            "commit.gpgsign=false",
        ])
        .args(args)
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).trim().to_owned()
}

/// `scan . --history ARGS` in `dir`.
fn scan(dir: &Path, args: &[&str]) -> Run {
    common::run(dir, &[&["scan", ".", "--history"], args].concat())
}

#[test]
fn keys_removed_from_the_tree_are_found_in_history() {
    let or_key = format!("sk-or-v1-{}", "0123456789abcdef".repeat(4));
    let ant_key = format!("sk-ant-api03-{}AA", "aB3_x9".repeat(15) + "abc");
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q", "-b", "main"]);
    std::fs::write(p.join("README.md"), "hello\n").unwrap();
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "init"]);
    std::fs::write(p.join("cfg.py"), format!("KEY = \"{or_key}\"\n")).unwrap();
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "oops"]);
    let introduced = git(p, &["rev-parse", "HEAD"]);
    // The same blob under a second path later: still one blob, read once.
    std::fs::copy(p.join("cfg.py"), p.join("copy.py")).unwrap();
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "copy"]);
    std::fs::write(
        p.join("cfg.py"),
        "KEY = os.environ['LLM_GATEWAY_API_KEY']\n",
    )
    .unwrap();
    std::fs::remove_file(p.join("copy.py")).unwrap();
    git(p, &["commit", "-qam", "remove"]);
    // Another provider's key, only on another branch.
    git(p, &["checkout", "-qb", "feature"]);
    std::fs::write(p.join("ant.ts"), format!("\n\nconst k = '{ant_key}';\n")).unwrap();
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "anthropic"]);
    let ant_commit = git(p, &["rev-parse", "HEAD"]);
    // A big blob over the cap, holding a key: not read.
    let mut big = format!("K = '{or_key}'\n").into_bytes();
    big.resize(3000, b'#');
    std::fs::write(p.join("big.py"), &big).unwrap();
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "big"]);
    git(p, &["checkout", "-q", "main"]);

    let o = scan(p, &["--format", "json", "--max-filesize", "2000"]);
    let out = o.stdout.clone();
    assert_eq!(o.code, 1, "{out}");
    assert!(
        !out.contains(&or_key[20..50]) && !out.contains(&ant_key[20..60]),
        "{out}"
    );
    let doc: serde_json::Value = serde_json::from_str(&out).unwrap();
    let h = &doc["history"];
    let found = h["findings"].as_array().unwrap();
    assert_eq!(found.len(), 2, "{h}");
    let by_rule = |r: &str| found.iter().find(|f| f["rule"] == r).unwrap();
    let or = by_rule("openrouter:secret");
    assert_eq!(or["commit"], introduced.as_str());
    assert_eq!(or["match"], "sk-or-v1-...cdef");
    assert_eq!(
        (or["line"].as_u64(), or["column"].as_u64()),
        (Some(1), Some(8))
    );
    assert!(or["path"] == "cfg.py" || or["path"] == "copy.py");
    let ant = by_rule("anthropic:secret");
    assert_eq!(ant["commit"], ant_commit.as_str());
    assert_eq!(ant["path"], "ant.ts");
    assert_eq!(ant["line"], 3);
    // Every blob once: README, two versions of cfg.py, ant.ts (big.py is
    // over the cap and never read).
    assert_eq!(h["blobs"], 4, "{h}");

    let o = scan(p, &[]);
    let text = &o.stdout;
    assert!(
        text.contains(&format!(
            "{} cfg.py:1:8  secret  sk-or-v1-...cdef",
            &introduced[..12]
        )) || text.contains(&format!("{} copy.py:1:8", &introduced[..12])),
        "{text}"
    );
}

#[test]
fn outside_a_repository_is_a_clear_error() {
    let d = tempfile::tempdir().unwrap();
    let o = scan(d.path(), &[]);
    assert_eq!(o.code, 2);
    assert!(o.stderr.contains("not inside a git repository"));
    let o = scan(d.path(), &["--format", "sarif"]);
    assert_eq!(o.code, 2);
}

#[test]
fn objects_missing_from_the_clone_are_counted_not_fatal() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path();
    git(p, &["init", "-q"]);
    std::fs::write(p.join("a.txt"), "kept\n").unwrap();
    std::fs::write(p.join("b.txt"), "lost\n").unwrap();
    git(p, &["add", "-A"]);
    git(p, &["commit", "-qm", "init"]);
    // Delete one blob's loose object, as a damaged or partial clone lacks it.
    let lost = git(p, &["rev-parse", "HEAD:b.txt"]);
    std::fs::remove_file(p.join(".git/objects").join(&lost[..2]).join(&lost[2..])).unwrap();
    let o = scan(p, &["--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.raw.stdout).unwrap();
    assert_eq!(doc["history"]["missing"], 1, "{doc}");
    assert_eq!(doc["history"]["blobs"], 1);
}
