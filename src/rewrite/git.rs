//! The dirty-tree guard: in a git work tree, files with uncommitted changes
//! are not rewritten unless asked, so the rewrite can always be reviewed
//! and reverted with git alone.

use std::collections::{BTreeMap, BTreeSet};
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::scan::gitls::toplevel;

/// Of `files`, those with uncommitted changes (untracked included) in the
/// git work tree holding them. Files outside any work tree are never dirty.
pub fn dirty(files: &[PathBuf]) -> anyhow::Result<BTreeSet<PathBuf>> {
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
                .map_err(|e| anyhow::anyhow!("cannot run git status in {}: {e}", top.display()))?;
            if !o.status.success() {
                anyhow::bail!(
                    "git status failed in {}: {}",
                    top.display(),
                    String::from_utf8_lossy(&o.stderr).trim()
                );
            }
            let listed: BTreeSet<PathBuf> = o
                .stdout
                .split(|&b| b == 0)
                .filter(|e| e.len() > 3)
                .map(|e| top.join(String::from_utf8_lossy(&e[3..]).as_ref()))
                .collect();
            out.extend(chunk.iter().filter(|f| listed.contains(*f)).cloned());
        }
    }
    Ok(out)
}
