//! What git says about the scanned tree. A migration is about what is in
//! the repository: a file git tracks is scanned even when `.gitignore`
//! matches it (a committed `appsettings.json` under an ignored directory).
//! Git is asked by shelling out; without git, or outside a work tree, the
//! walk behaves as it does for any directory.

use std::path::{Path, PathBuf};
use std::process::Command;

/// Tracked files under `dir` that `.gitignore` or git excludes match,
/// relative to `dir`. Empty outside a work tree or when git is missing.
pub fn tracked_but_ignored(dir: &Path) -> Vec<PathBuf> {
    if !may_be_in_work_tree(dir) {
        return Vec::new();
    }
    let Ok(out) = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args([
            "ls-files",
            "-z",
            "--cached",
            "--ignored",
            "--exclude-standard",
        ])
        .output()
    else {
        return Vec::new();
    };
    if !out.status.success() {
        return Vec::new();
    }
    out.stdout
        .split(|&b| b == 0)
        .filter(|p| !p.is_empty())
        .map(path_from_bytes)
        .collect()
}

/// The top of the git work tree holding `dir`, canonical.
pub fn toplevel(dir: &Path) -> Option<PathBuf> {
    if !may_be_in_work_tree(dir) {
        return None;
    }
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--show-toplevel"])
        .output()
        .ok()?;
    if !o.status.success() {
        return None;
    }
    // The top may not be UTF-8: keep its bytes.
    let top = o.stdout.strip_suffix(b"\n").unwrap_or(&o.stdout);
    std::fs::canonicalize(path_from_bytes(top)).ok()
}

/// Whether git could find a work tree from `dir`: a `.git` in it or above
/// it, or one named by the environment. Starting git takes milliseconds,
/// as long as the whole scan of a small repository; outside a work tree
/// (an unpacked archive, a plain directory) it is not started at all.
fn may_be_in_work_tree(dir: &Path) -> bool {
    if std::env::var_os("GIT_DIR").is_some() {
        return true;
    }
    let Ok(dir) = std::fs::canonicalize(dir) else {
        // Let git decide (and fail) as before.
        return true;
    };
    dir.ancestors().any(|d| d.join(".git").exists())
}

#[cfg(unix)]
pub(crate) fn path_from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
pub(crate) fn path_from_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_work_tree_is_found_from_any_directory_in_it() {
        let tmp = tempfile::tempdir().unwrap();
        let plain = tmp.path().join("plain/sub");
        std::fs::create_dir_all(&plain).unwrap();
        let repo = tmp.path().join("repo");
        std::fs::create_dir_all(repo.join("a/b")).unwrap();
        // A worktree or submodule has a `.git` file, not a directory.
        std::fs::write(repo.join(".git"), "gitdir: elsewhere\n").unwrap();
        let in_repo = tmp.path().ancestors().any(|d| d.join(".git").exists());
        if std::env::var_os("GIT_DIR").is_none() && !in_repo {
            assert!(!may_be_in_work_tree(&plain));
            assert!(tracked_but_ignored(&plain).is_empty());
            assert_eq!(toplevel(&plain), None);
        }
        assert!(may_be_in_work_tree(&repo));
        assert!(may_be_in_work_tree(&repo.join("a/b")));
    }
}
