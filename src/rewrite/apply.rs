//! Carrying out a plan on disk: the dirty-tree guard, then one atomic
//! write per changed file.

use std::path::PathBuf;

use super::plan::Plan;
use super::write::write_atomic;

#[derive(Debug, Default)]
pub struct Written {
    /// Paths written.
    pub written: Vec<String>,
    /// Paths not written, with why (changed since read, I/O).
    pub failed: Vec<(String, String)>,
}

/// Why `--write` refuses to start.
#[derive(Debug, thiserror::Error)]
pub enum GuardError {
    #[error(transparent)]
    Status(#[from] super::git::StatusError),
    #[error(
        "refusing to write: {} file(s) to change have uncommitted changes, so the rewrite could \
         not be reviewed or undone with git alone: {}. Commit or stash them, or pass --allow-dirty.",
        .0.len(),
        .0.join(", ")
    )]
    Dirty(Vec<String>),
}

/// Refuse when files to be written have uncommitted changes in git.
pub fn guard_dirty(plan: &Plan) -> Result<(), GuardError> {
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
    Err(GuardError::Dirty(names))
}

/// Refuse files whose real path is outside every root given (reached
/// through a symlink with `--follow`): they are reported, never edited.
pub fn refuse_outside(plan: &mut Plan, roots: &[PathBuf]) {
    let roots: Vec<PathBuf> = roots
        .iter()
        .filter_map(|r| std::fs::canonicalize(r).ok())
        .collect();
    for fp in plan.files.iter_mut().filter(|f| f.changes()) {
        let inside = std::fs::canonicalize(&fp.abs)
            .is_ok_and(|real| roots.iter().any(|r| real.starts_with(r)));
        if !inside {
            fp.output = None;
            fp.problem = Some(
                "resolves outside the paths given (through a symbolic link); not edited".into(),
            );
        }
    }
}

/// Write every file the plan changes. Never partial within a file. Files
/// are written by a few threads: each write waits on its own fsync, and
/// overlapping them keeps large rewrites fast.
pub fn write_plan(plan: &Plan) -> Written {
    let mut w = Written::default();
    // One file reached through two paths (symlinks with --follow) is
    // written once; the second plan is the same bytes or a conflict.
    let mut seen: std::collections::HashMap<PathBuf, &[u8]> = std::collections::HashMap::new();
    let mut jobs = Vec::new();
    for fp in plan.pending() {
        let Some(out) = &fp.output else { continue };
        let real = std::fs::canonicalize(&fp.abs).unwrap_or_else(|_| fp.abs.clone());
        match seen.get(&real) {
            Some(prev) if *prev == out.as_slice() => w.written.push(fp.path.clone()),
            Some(_) => w.failed.push((
                fp.path.clone(),
                format!(
                    "{}: the same file through another path gets other edits; not written",
                    fp.path
                ),
            )),
            None => {
                seen.insert(real, out);
                jobs.push(fp);
            }
        }
    }
    // Temp files of killed runs go first, once per directory.
    let dirs: std::collections::BTreeSet<PathBuf> = seen
        .keys()
        .filter_map(|p| p.parent().map(PathBuf::from))
        .collect();
    for d in dirs {
        super::write::remove_stale_temps(&d);
    }
    let next = std::sync::atomic::AtomicUsize::new(0);
    let results = std::sync::Mutex::new(Vec::new());
    let threads = jobs.len().clamp(1, 8);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(fp) = jobs.get(i) else { break };
                let Some(out) = &fp.output else { continue };
                let r = write_atomic(&fp.abs, &fp.path, &fp.source.bytes, out);
                if let Ok(mut v) = results.lock() {
                    v.push((i, r));
                }
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    results.sort_by_key(|r| r.0);
    for (i, r) in results {
        let path = jobs[i].path.clone();
        match r {
            Ok(()) => w.written.push(path),
            Err(e) => w.failed.push((path, e.to_string())),
        }
    }
    w
}
