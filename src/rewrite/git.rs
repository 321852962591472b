//! The dirty-tree guard: in a git work tree, files with uncommitted changes
//! are not rewritten unless asked, so the rewrite can always be reviewed
//! and reverted with git alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::scan::gitls::{path_from_bytes as bytes_path, toplevel};

/// `git status` could not say which files are dirty.
#[derive(Debug, thiserror::Error)]
pub enum StatusError {
    #[error("cannot run git status in {}: {error}", top.display())]
    Spawn { top: PathBuf, error: std::io::Error },
    #[error("git status failed in {}: {stderr}", top.display())]
    Failed { top: PathBuf, stderr: String },
}

/// Of `files`, those with uncommitted changes (untracked included) in the
/// git work tree holding them. Files outside any work tree are never dirty.
pub fn dirty(files: &[PathBuf]) -> Result<BTreeSet<PathBuf>, StatusError> {
    let mut by_top: BTreeMap<PathBuf, Vec<PathBuf>> = BTreeMap::new();
    // One `git rev-parse` per directory, not per file.
    let mut tops: BTreeMap<PathBuf, Option<PathBuf>> = BTreeMap::new();
    for f in files {
        let real = std::fs::canonicalize(f).unwrap_or_else(|_| f.clone());
        let dir = real.parent().unwrap_or(Path::new(".")).to_path_buf();
        let top = tops.entry(dir.clone()).or_insert_with(|| toplevel(&dir));
        if let Some(top) = top.clone() {
            by_top.entry(top).or_default().push(real);
        }
    }
    let mut out = BTreeSet::new();
    for (top, files) in by_top {
        // Pathspecs in chunks, so thousands of files stay under ARG_MAX.
        for chunk in files.chunks(500) {
            let o = Command::new("git")
                .arg("-C")
                .arg(&top)
                .args(["status", "--porcelain", "-z", "--untracked-files=all", "--"])
                .args(chunk)
                .output()
                .map_err(|error| StatusError::Spawn {
                    top: top.clone(),
                    error,
                })?;
            if !o.status.success() {
                return Err(StatusError::Failed {
                    top,
                    stderr: String::from_utf8_lossy(&o.stderr).trim().to_owned(),
                });
            }
            let listed: BTreeSet<PathBuf> = listed_paths(&o.stdout).map(|p| top.join(p)).collect();
            out.extend(chunk.iter().filter(|f| listed.contains(*f)).cloned());
        }
    }
    Ok(out)
}

/// The paths in `git status --porcelain -z` output, as the bytes git gave
/// (names that are not UTF-8 included). A rename or copy entry is followed
/// by its original path, which is listed too.
fn listed_paths(out: &[u8]) -> impl Iterator<Item = PathBuf> + '_ {
    let mut fields = out.split(|&b| b == 0).filter(|e| !e.is_empty());
    let mut pending_orig = false;
    std::iter::from_fn(move || {
        let e = fields.next()?;
        if std::mem::take(&mut pending_orig) {
            return Some(bytes_path(e));
        }
        if e.len() < 4 {
            return Some(PathBuf::new());
        }
        pending_orig = matches!(e[0], b'R' | b'C') || matches!(e[1], b'R' | b'C');
        Some(bytes_path(&e[3..]))
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn porcelain_paths_are_bytes_and_renames_list_both() {
        let out = b" M a.py\0R  new.py\0old.py\0?? caf\xe9.py\0";
        let got: Vec<PathBuf> = listed_paths(out).collect();
        assert_eq!(got.len(), 4);
        assert_eq!(got[1], PathBuf::from("new.py"));
        assert_eq!(got[2], PathBuf::from("old.py"));
        assert_eq!(got[3], bytes_path(b"caf\xe9.py"));
    }
}
