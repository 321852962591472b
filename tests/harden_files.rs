//! `rewrite --write` and `scan` on hostile file trees (issue 13, files):
//! permissions (as an unprivileged user), special mode bits, xattrs, hard
//! links, symlinks out of the root, non-UTF-8 names, FIFOs, size caps on
//! named files, and temp files of killed runs.
#![cfg(unix)]

use std::os::unix::ffi::OsStrExt;
use std::os::unix::fs::{MetadataExt, PermissionsExt};
use std::path::Path;
mod common;

use std::process::{Command, Output};

use common::{run, BIN};

const OLD: &[u8] = b"BASE = \"https://openrouter.ai/api/v1\"\n";
const NEW: &str = "api.llmgateway.io";

/// What git printed, for failure messages.
fn text(o: &Output) -> String {
    format!(
        "{}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    )
}

fn rewritten(p: &Path) -> bool {
    String::from_utf8_lossy(&std::fs::read(p).unwrap()).contains(NEW)
}

fn git(dir: &Path, args: &[&str]) {
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
    assert!(o.status.success(), "git {args:?}: {}", text(&o));
}

fn is_root() -> bool {
    unsafe { libc::geteuid() == 0 }
}

#[test]
fn files_the_user_cannot_write_are_errors_not_rewrites() {
    if !is_root() {
        eprintln!("skipped: needs root to create files owned by another user");
        return;
    }
    if Command::new("setpriv").arg("--version").output().is_err() {
        eprintln!("skipped: setpriv is missing");
        return;
    }
    let d = tempfile::tempdir().unwrap();
    // A directory everyone may write: a rename would succeed, which is
    // exactly what must not happen to files the user cannot write.
    std::fs::set_permissions(d.path(), std::fs::Permissions::from_mode(0o777)).unwrap();
    let ro = d.path().join("root_ro.py");
    let rw = d.path().join("root_rw.py");
    let mine = d.path().join("mine.py");
    for (p, mode) in [(&ro, 0o444), (&rw, 0o644), (&mine, 0o644)] {
        std::fs::write(p, OLD).unwrap();
        std::fs::set_permissions(p, std::fs::Permissions::from_mode(mode)).unwrap();
    }
    std::os::unix::fs::chown(&mine, Some(65534), Some(65534)).unwrap();
    let o = common::output(
        Command::new("setpriv")
            .args(["--reuid=65534", "--regid=65534", "--clear-groups", BIN])
            .args(["rewrite", ".", "--write", "--format", "json"])
            .current_dir(d.path())
            .env("NO_COLOR", "1"),
    );
    let out = o.all();
    assert_eq!(o.code, 2, "{out}");
    assert!(!rewritten(&ro) && !rewritten(&rw), "{out}");
    assert_eq!(std::fs::metadata(&ro).unwrap().uid(), 0);
    assert!(rewritten(&mine), "{out}");
    let doc: serde_json::Value = serde_json::from_slice(&o.raw.stdout).unwrap();
    for f in doc["files"].as_array().unwrap() {
        let path = f["path"].as_str().unwrap();
        if path.starts_with("root_") {
            assert_eq!(f["status"], "failed", "{f}");
            assert!(
                f["problem"].as_str().unwrap().contains("not writable"),
                "{f}"
            );
        } else {
            assert_eq!(f["status"], "written", "{f}");
        }
    }
}

#[test]
fn special_mode_bits_and_xattrs_are_kept() {
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("tool.py");
    std::fs::write(&p, OLD).unwrap();
    std::fs::set_permissions(&p, std::fs::Permissions::from_mode(0o6755)).unwrap();
    let sticky = d.path().join("s.py");
    std::fs::write(&sticky, OLD).unwrap();
    std::fs::set_permissions(&sticky, std::fs::Permissions::from_mode(0o1640)).unwrap();
    let name = std::ffi::CString::new("user.llmgw-test").unwrap();
    let cpath = std::ffi::CString::new(p.as_os_str().as_bytes()).unwrap();
    let xattr_ok =
        unsafe { libc::setxattr(cpath.as_ptr(), name.as_ptr(), b"kept".as_ptr().cast(), 4, 0) }
            == 0;
    let o = run(d.path(), &["rewrite", ".", "--write"]);
    assert_eq!(o.code, 0, "{}", o.all());
    assert!(rewritten(&p) && rewritten(&sticky));
    let mode = |p: &Path| std::fs::metadata(p).unwrap().permissions().mode() & 0o7777;
    // chown clears setuid/setgid: they must come back.
    assert_eq!(mode(&p), 0o6755);
    assert_eq!(mode(&sticky), 0o1640);
    if xattr_ok {
        let mut buf = [0u8; 16];
        let n = unsafe {
            libc::getxattr(
                cpath.as_ptr(),
                name.as_ptr(),
                buf.as_mut_ptr().cast(),
                buf.len(),
            )
        };
        assert_eq!(n, 4, "xattr lost");
        assert_eq!(&buf[..4], b"kept");
    } else {
        eprintln!("xattr part skipped: this filesystem refuses user xattrs");
    }
}

#[test]
fn hard_linked_files_are_edited_in_place() {
    let d = tempfile::tempdir().unwrap();
    let a = d.path().join("a.py");
    std::fs::write(&a, OLD).unwrap();
    std::fs::create_dir(d.path().join("other")).unwrap();
    // The second link is outside the scanned root: still one file.
    let b = d.path().join("other").join("b.txt");
    std::fs::hard_link(&a, &b).unwrap();
    let ino = std::fs::metadata(&a).unwrap().ino();
    let root = d.path().join("src");
    std::fs::create_dir(&root).unwrap();
    let c = root.join("c.py");
    std::fs::hard_link(&a, &c).unwrap();
    let o = run(&root, &["rewrite", ".", "--write"]);
    assert_eq!(o.code, 0, "{}", o.all());
    for p in [&a, &b, &c] {
        assert_eq!(std::fs::metadata(p).unwrap().ino(), ino, "link split");
        assert!(rewritten(p));
        assert_eq!(std::fs::metadata(p).unwrap().nlink(), 3);
    }
    // Shorter output: the tail is cut off.
    let want = String::from_utf8_lossy(OLD).replace("openrouter.ai/api/v1", "api.llmgateway.io/v1");
    assert_eq!(std::fs::read_to_string(&c).unwrap(), want);
}

#[test]
fn symlinks_out_of_the_root_are_reported_not_edited() {
    let d = tempfile::tempdir().unwrap();
    let outside = d.path().join("outside");
    let root = d.path().join("root");
    std::fs::create_dir_all(&outside).unwrap();
    std::fs::create_dir_all(root.join("sub")).unwrap();
    std::fs::write(outside.join("x.py"), OLD).unwrap();
    std::fs::write(root.join("sub/inside.py"), OLD).unwrap();
    std::os::unix::fs::symlink(outside.join("x.py"), root.join("link.py")).unwrap();
    // A link that stays inside the root is fine.
    std::os::unix::fs::symlink(root.join("sub/inside.py"), root.join("in.py")).unwrap();
    let o = run(&root, &["rewrite", ".", "--follow", "--write"]);
    let out = o.all();
    assert!(!rewritten(&outside.join("x.py")), "{out}");
    assert!(rewritten(&root.join("sub/inside.py")), "{out}");
    assert!(
        out.contains("link.py: resolves outside the paths given"),
        "{out}"
    );
    assert_eq!(o.code, 1, "{out}");
}

#[test]
fn non_utf8_names_patch_and_dirty_guard() {
    let d = tempfile::tempdir().unwrap();
    let name = std::ffi::OsStr::from_bytes(b"caf\xe9 \"q\".py");
    let p = d.path().join(name);
    std::fs::write(&p, OLD).unwrap();
    git(d.path(), &["init", "-q"]);
    git(d.path(), &["add", "-A"]);
    git(d.path(), &["commit", "-qm", "init"]);
    let o = run(d.path(), &["rewrite", "."]);
    assert_eq!(o.code, 1, "{}", o.all());
    assert!(o
        .raw
        .stdout
        .starts_with(b"diff --git \"a/caf\\351 \\\"q\\\".py\""));
    std::fs::write(d.path().join("p.diff"), &o.raw.stdout).unwrap();
    let apply = Command::new("git")
        .current_dir(d.path())
        .args(["apply", "--check", "p.diff"])
        .output()
        .unwrap();
    assert!(apply.status.success(), "{}", text(&apply));
    std::fs::remove_file(d.path().join("p.diff")).unwrap();
    // An uncommitted change to that file stops --write.
    let mut dirty = OLD.to_vec();
    dirty.extend_from_slice(b"# local change\n");
    std::fs::write(&p, &dirty).unwrap();
    let o = run(d.path(), &["rewrite", ".", "--write"]);
    assert_eq!(o.code, 2, "{}", o.all());
    assert!(o.all().contains("uncommitted"), "{}", o.all());
    assert_eq!(std::fs::read(&p).unwrap(), dirty);
}

#[test]
fn fifos_devices_and_the_size_cap_on_named_files() {
    let d = tempfile::tempdir().unwrap();
    let fifo = std::ffi::CString::new(d.path().join("pipe.py").as_os_str().as_bytes()).unwrap();
    assert_eq!(unsafe { libc::mkfifo(fifo.as_ptr(), 0o644) }, 0);
    std::os::unix::fs::symlink("/dev/zero", d.path().join("zero.py")).unwrap();
    let mut big = OLD.to_vec();
    big.resize(5000, b'#');
    std::fs::write(d.path().join("big.py"), &big).unwrap();
    std::fs::write(d.path().join("small.py"), OLD).unwrap();
    let mut child = common::cli(d.path())
        .args([
            "scan",
            ".",
            "--follow",
            "--format",
            "json",
            "--max-filesize",
            "1000",
        ])
        .args(["big.py", "small.py", "pipe.py", "zero.py"])
        .stdout(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    let start = std::time::Instant::now();
    while child.try_wait().unwrap().is_none() {
        if start.elapsed().as_secs() > 60 {
            child.kill().unwrap();
            panic!("scan hung on a FIFO or device");
        }
        std::thread::sleep(std::time::Duration::from_millis(50));
    }
    let o = child.wait_with_output().unwrap();
    let doc: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    // big.py is over the cap, named or walked.
    assert!(
        paths.contains(&"small.py") && !paths.contains(&"big.py"),
        "{paths:?}"
    );
    assert!(!paths
        .iter()
        .any(|p| p.contains("pipe") || p.contains("zero")));
}

#[test]
fn temp_files_are_skipped_and_stale_ones_removed() {
    let d = tempfile::tempdir().unwrap();
    // As a killed run leaves it (a pid that cannot exist).
    let stale = d.path().join(".llmgw-migrate.4294967.Ab12Cd.tmp");
    std::fs::write(&stale, OLD).unwrap();
    let live = d
        .path()
        .join(format!(".llmgw-migrate.{}.Ab12Cd.tmp", std::process::id()));
    std::fs::write(&live, OLD).unwrap();
    std::fs::write(d.path().join("app.py"), OLD).unwrap();
    let o = run(d.path(), &["scan", ".", "--format", "json"]);
    let doc: serde_json::Value = serde_json::from_slice(&o.raw.stdout).unwrap();
    let paths: Vec<&str> = doc["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["app.py"]);
    let o = run(d.path(), &["rewrite", ".", "--write"]);
    assert_eq!(o.code, 0, "{}", o.all());
    assert!(!stale.exists(), "stale temp file kept");
    // A temp file of a run still going is left alone.
    assert!(live.exists());
    assert!(rewritten(&d.path().join("app.py")));
    // No temp file of this run is left behind.
    let left: Vec<_> = std::fs::read_dir(d.path())
        .unwrap()
        .flatten()
        .filter(|e| e.file_name().to_string_lossy().ends_with(".tmp"))
        .collect();
    assert_eq!(left.len(), 1);
}
