//! `scan` run as a user runs it: exit codes, the JSON schema, walking rules
//! (.gitignore, binaries, size cap) and faithful reading of odd encodings.

mod common;

use std::path::Path;

use common::{cli, here};
use serde_json::Value;

fn write(root: &Path, rel: &str, bytes: &[u8]) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, bytes).unwrap();
}

fn scan_json(root: &Path, extra: &[&str]) -> (i32, Value) {
    // From the root, so files are named relative to it.
    let out = cli(here())
        .current_dir(root)
        .args(["scan", ".", "--format", "json"])
        .args(extra)
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&out.stdout)));
    (out.status.code().unwrap(), v)
}

fn findings(v: &Value) -> Vec<(String, u64, String, String)> {
    v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().to_owned(),
                f["line"].as_u64().unwrap(),
                f["kind"].as_str().unwrap().to_owned(),
                f["match"].as_str().unwrap().to_owned(),
            )
        })
        .collect()
}

#[test]
fn clean_repo_exits_zero_and_schema_is_complete() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "app.py", b"print('hello')\n");
    let (code, v) = scan_json(d.path(), &[]);
    assert_eq!(code, 0);
    assert_eq!(v["schema"], 1);
    assert_eq!(v["tool"]["name"], "llmgw-migrate");
    assert!(v["table"].as_str().unwrap().starts_with("llmgateway@"));
    assert_eq!(v["summary"]["files_scanned"], 1);
    let by_kind = v["summary"]["findings_by_kind"].as_object().unwrap();
    assert_eq!(by_kind.len(), 7);
    assert!(by_kind.values().all(|n| n == 0));
}

#[test]
fn findings_exit_one_with_documented_fields() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "src/client.py",
        b"BASE = 'https://openrouter.ai/api/v1'\n",
    );
    let (code, v) = scan_json(d.path(), &["--to", "aistats"]);
    assert_eq!(code, 1);
    assert!(v["table"].as_str().unwrap().starts_with("phaseo@"));
    let f = &v["findings"][0];
    for key in [
        "path",
        "line",
        "column",
        "end_line",
        "end_column",
        "kind",
        "match",
        "replacement",
        "fix",
        "message",
        "rule",
    ] {
        assert!(f.get(key).is_some(), "missing {key}");
    }
    assert_eq!(f["path"], "src/client.py");
    assert_eq!(
        (f["line"].as_u64(), f["column"].as_u64()),
        (Some(1), Some(9))
    );
    assert_eq!(f["end_column"].as_u64(), Some(37));
    assert_eq!(f["replacement"], "https://api.phaseo.app/v1");
    assert_eq!(f["fix"], "auto");
    assert_eq!(v["summary"]["findings_by_kind"]["base-url"], 1);
}

#[test]
fn usage_errors_exit_two() {
    let d = tempfile::tempdir().unwrap();
    let out = cli(here())
        .arg("scan")
        .arg(d.path())
        .args(["--to", "nowhere"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown target 'nowhere'"));
    let out = cli(here())
        .args(["scan", "/definitely/not/here", "--format", "json"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    let out = cli(here())
        .arg("scan")
        .arg(d.path())
        .args(["--kinds", "bogus"])
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
}

#[test]
fn ignored_binary_and_oversized_files_yield_nothing() {
    let d = tempfile::tempdir().unwrap();
    let marker = b"URL = 'https://openrouter.ai/api/v1'\n";
    write(d.path(), ".gitignore", b"build/\nnode_modules/\n");
    write(d.path(), ".ignore", b"vendor/\n");
    write(d.path(), "build/gen.py", marker);
    write(d.path(), "node_modules/x/index.js", marker);
    write(d.path(), "vendor/lib.py", marker);
    write(d.path(), ".git/config", marker);
    let mut bin_bytes = marker.to_vec();
    bin_bytes.extend_from_slice(&[0, 1, 2, 0]);
    write(d.path(), "blob.bin", &bin_bytes);
    let mut big = marker.to_vec();
    big.resize(5000, b' ');
    write(d.path(), "big.py", &big);
    write(d.path(), "ok.py", marker);
    let (code, v) = scan_json(d.path(), &["--max-filesize", "4000"]);
    assert_eq!(code, 1);
    let paths: Vec<String> = findings(&v).into_iter().map(|f| f.0).collect();
    assert_eq!(paths, vec!["ok.py"]);
    assert!(v["summary"]["files_skipped"].as_u64().unwrap() >= 2);
    // --no-ignore brings the ignored files back.
    let (_, v) = scan_json(d.path(), &["--no-ignore"]);
    let paths: Vec<String> = findings(&v).into_iter().map(|f| f.0).collect();
    assert!(paths.contains(&"build/gen.py".to_owned()));
    assert!(!paths.iter().any(|p| p.starts_with(".git/")));
}

#[test]
fn odd_encodings_report_positions_in_the_original() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "bom.py",
        b"\xEF\xBB\xBFx = 'https://openrouter.ai/api/v1'\n",
    );
    write(
        d.path(),
        "latin1.py",
        b"# caf\xE9\ny = 'https://openrouter.ai/api/v1'\n",
    );
    write(d.path(), "crlf.env", b"A=1\r\nOPENROUTER_API_KEY=abc\r\n");
    let mut utf16 = vec![0xFF, 0xFE];
    for u in "$k = $env:OPENROUTER_API_KEY\r\n".encode_utf16() {
        utf16.extend_from_slice(&u.to_le_bytes());
    }
    write(d.path(), "smoke.ps1", &utf16);
    let (_, v) = scan_json(d.path(), &[]);
    let f = findings(&v);
    assert!(f.contains(&(
        "bom.py".into(),
        1,
        "base-url".into(),
        "https://openrouter.ai/api/v1".into()
    )));
    assert!(f.contains(&(
        "latin1.py".into(),
        2,
        "base-url".into(),
        "https://openrouter.ai/api/v1".into()
    )));
    assert!(f.contains(&(
        "crlf.env".into(),
        2,
        "api-key-env".into(),
        "OPENROUTER_API_KEY".into()
    )));
    assert!(
        f.contains(&(
            "smoke.ps1".into(),
            1,
            "api-key-env".into(),
            "OPENROUTER_API_KEY".into()
        )),
        "{f:?}"
    );
    let bom = v["findings"]
        .as_array()
        .unwrap()
        .iter()
        .find(|x| x["path"] == "bom.py")
        .unwrap();
    assert_eq!(bom["column"], 6);
}

#[test]
fn unreadable_file_is_reported_and_scan_goes_on() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "ok.py", b"u = 'https://openrouter.ai/api/v1'\n");
    // A dangling symlink cannot be read when followed.
    #[cfg(unix)]
    std::os::unix::fs::symlink(d.path().join("missing.py"), d.path().join("dangling.py")).unwrap();
    let (code, v) = scan_json(d.path(), &["--follow"]);
    // The findings are reported, and the incomplete scan exits 2.
    assert_eq!(code, if cfg!(unix) { 2 } else { 1 });
    assert_eq!(findings(&v).len(), 1);
    #[cfg(unix)]
    assert!(!v["summary"]["errors"].as_array().unwrap().is_empty());
}

#[test]
fn secrets_never_appear_whole_in_any_output() {
    let d = tempfile::tempdir().unwrap();
    let key = format!("sk-or-v1-{}", "c0ffee12".repeat(8));
    write(d.path(), "k.py", format!("KEY = \"{key}\"\n").as_bytes());
    for fmt in ["json", "human"] {
        let out = cli(here())
            .arg("scan")
            .arg(d.path())
            .args(["--format", fmt])
            .output()
            .unwrap();
        let all = [out.stdout, out.stderr].concat();
        let s = String::from_utf8_lossy(&all);
        assert!(s.contains("sk-or-v1-...ee12"), "{fmt}: {s}");
        assert!(!s.contains(&key[9..]), "{fmt} leaked the key");
    }
}

#[test]
fn human_output_has_no_color_when_not_a_tty() {
    let d = tempfile::tempdir().unwrap();
    write(d.path(), "a.py", b"u = 'https://openrouter.ai/api/v1'\n");
    // Not a tty, and no NO_COLOR either.
    let out = cli(here())
        .arg("scan")
        .arg(d.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let s = String::from_utf8_lossy(&out.stdout);
    assert!(!s.contains('\u{1b}'));
    assert!(
        s.contains("a.py:1:6\n  |\n1 | u = 'https://openrouter.ai/api/v1'\n  |      ^^^^^"),
        "{s}"
    );
    assert!(s.contains("1 finding (1 auto)"));
    let out = cli(here())
        .arg("scan")
        .arg(d.path())
        .args(["--color", "always"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    // The explicit flag wins over NO_COLOR; NO_COLOR alone turns colors off.
    assert!(String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
    let out = cli(here())
        .arg("scan")
        .arg(d.path())
        .args(["--color", "auto"])
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert!(!String::from_utf8_lossy(&out.stdout).contains('\u{1b}'));
}

#[test]
fn a_file_named_on_the_command_line_keeps_its_path() {
    let d = tempfile::tempdir().unwrap();
    write(
        d.path(),
        "src/app.py",
        b"u = 'https://openrouter.ai/api/v1'\n",
    );
    let out = cli(here())
        .current_dir(d.path())
        .args(["scan", "./src/app.py", "--format", "json"])
        .output()
        .unwrap();
    let v: Value = serde_json::from_slice(&out.stdout).unwrap();
    assert_eq!(v["findings"][0]["path"], "src/app.py");
}
