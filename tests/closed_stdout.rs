//! A reader that goes away early (`llmgw-migrate scan | head -c 10`) ends
//! the output quietly: no panic, no error message, the usual exit status.
//! Every command prints through one helper (`commands::stdout`), the same
//! on Unix and Windows, so these checks cover both.

mod common;

use std::io::Read;
use std::path::Path;
use std::process::Stdio;

/// A tree whose scan prints far more than a pipe holds (64 KiB), so writes
/// go on after the reader has gone.
fn big_tree() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    // Bounds the config search, as a repository would.
    std::fs::create_dir(dir.path().join(".git")).unwrap();
    let line = "BASE = \"https://openrouter.ai/api/v1\"\nMODEL = \"openai/gpt-4o\"\n";
    std::fs::write(dir.path().join("app.py"), line.repeat(2000)).unwrap();
    dir
}

/// Runs `args` in `dir`, reads `keep` bytes of stdout, then closes it;
/// returns the exit code (-1 for a signal) and stderr.
fn close_early(dir: &Path, args: &[&str], keep: usize) -> (i32, String) {
    let mut child = common::cli(dir)
        .args(args)
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("the binary runs");
    let mut out = child.stdout.take().unwrap();
    let mut head = vec![0; keep];
    out.read_exact(&mut head).unwrap();
    drop(out);
    let o = child.wait_with_output().unwrap();
    (
        o.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn assert_quiet(args: &[&str], (code, stderr): (i32, String), want: i32) {
    assert!(!stderr.contains("panicked"), "{args:?} panicked: {stderr}");
    assert!(
        !stderr.contains("error") && !stderr.to_lowercase().contains("broken pipe"),
        "{args:?}: {stderr}"
    );
    assert_eq!(code, want, "{args:?}: {stderr}");
}

#[test]
fn head_c_10_after_a_long_scan() {
    let dir = big_tree();
    for args in [
        &["scan", "."][..],
        &["scan", ".", "--format", "json"],
        &["scan", ".", "--format", "sarif"],
        &["rewrite", "."],
        &["rewrite", ".", "--format", "json"],
    ] {
        // Findings (and a dry-run with edits) exit 1, as without the pipe.
        assert_quiet(args, close_early(dir.path(), args, 10), 1);
    }
}

#[test]
fn a_reader_gone_before_the_first_byte() {
    let dir = big_tree();
    for (args, want) in [
        (&["scan", "."][..], 1),
        (&["rewrite", ".", "--check", "--format", "github"], 1),
        (&["rules", "show", "llmgateway"], 0),
        (&["rules", "list"], 0),
        (&["rules", "diff", "llmgateway", "ominigate"], 1),
        (&["completions", "bash"], 0),
        (&["man"], 0),
    ] {
        assert_quiet(args, close_early(dir.path(), args, 0), want);
    }
}

#[test]
fn report_merge_with_its_reader_gone() {
    let dir = big_tree();
    let scan = common::run(dir.path(), &["scan", ".", "--format", "json"]);
    let report = dir.path().join("scan.json");
    std::fs::write(&report, &scan.raw.stdout).unwrap();
    let args = [
        "report",
        "merge",
        report.to_str().unwrap(),
        "--format",
        "html",
    ];
    assert_quiet(&args, close_early(dir.path(), &args, 0), 0);
}
