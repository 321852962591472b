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

#[cfg(unix)]
pub(crate) fn path_from_bytes(b: &[u8]) -> PathBuf {
    use std::os::unix::ffi::OsStrExt;
    PathBuf::from(std::ffi::OsStr::from_bytes(b))
}

#[cfg(not(unix))]
pub(crate) fn path_from_bytes(b: &[u8]) -> PathBuf {
    PathBuf::from(String::from_utf8_lossy(b).into_owned())
}
