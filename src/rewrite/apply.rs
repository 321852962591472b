//! Carrying out a plan on disk: the dirty-tree guard, then one atomic
//! write per changed file.

use std::path::PathBuf;

use super::plan::Plan;
use super::write::{write_atomic, WriteError};

#[derive(Debug, Default)]
pub struct Written {
    /// Paths written.
    pub written: Vec<String>,
    /// Paths not written, with why (changed since read, I/O).
    pub failed: Vec<(String, String)>,
}

/// Refuse when files to be written have uncommitted changes in git.
pub fn guard_dirty(plan: &Plan) -> anyhow::Result<()> {
    let files: Vec<PathBuf> = plan.pending().map(|f| f.abs.clone()).collect();
    let dirty = super::git::dirty(&files)?;
    if dirty.is_empty() {
        return Ok(());
    }
    let names: Vec<String> = plan
        .pending()
        .filter(|f| {
            std::fs::canonicalize(&f.abs)
                .map(|p| dirty.contains(&p))
                .unwrap_or(false)
        })
        .map(|f| f.path.clone())
        .collect();
    anyhow::bail!(
        "refusing to write: {} file(s) to change have uncommitted changes, so the rewrite could \
         not be reviewed or undone with git alone: {}. Commit or stash them, or pass --allow-dirty.",
        names.len(),
        names.join(", ")
    )
}

/// Write every file the plan changes. Never partial within a file.
pub fn write_plan(plan: &Plan) -> Written {
    let mut w = Written::default();
    for fp in plan.pending() {
        let Some(out) = &fp.output else { continue };
        match write_atomic(&fp.abs, &fp.path, &fp.source.bytes, out) {
            Ok(()) => w.written.push(fp.path.clone()),
            Err(e @ WriteError::Changed(_)) | Err(e @ WriteError::Io(..)) => {
                w.failed.push((fp.path.clone(), e.to_string()))
            }
        }
    }
    w
}
