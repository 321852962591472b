//! Finding the files to scan: `ignore` walks (respecting .gitignore, .ignore
//! and git excludes, skipping VCS directories), with a size cap.

use std::path::{Path, PathBuf};

use super::{ScanError, ScanOptions};

#[derive(Debug, Clone)]
pub struct Entry {
    pub abs: PathBuf,
    /// Relative to the root it was found under, with `/`.
    pub rel: String,
}

/// Files to scan, errors met on the way, and how many were skipped for size.
pub fn collect(opts: &ScanOptions) -> (Vec<Entry>, Vec<ScanError>, usize) {
    let mut files = Vec::new();
    let mut errors = Vec::new();
    let mut skipped = 0;
    let overrides = |root: &Path| -> Result<ignore::overrides::Override, ignore::Error> {
        let mut b = ignore::overrides::OverrideBuilder::new(root);
        for g in &opts.include {
            b.add(g)?;
        }
        for g in &opts.exclude {
            b.add(&format!("!{g}"))?;
        }
        b.build()
    };
    for root in &opts.paths {
        if root.is_file() {
            // A file named on the command line is reported as it was given,
            // so editors and pre-commit find it.
            let rel = root
                .components()
                .filter(|c| !matches!(c, std::path::Component::CurDir))
                .map(|c| c.as_os_str().to_string_lossy())
                .collect::<Vec<_>>()
                .join("/");
            files.push(Entry {
                abs: root.clone(),
                rel,
            });
            continue;
        }
        if !root.exists() {
            errors.push(ScanError {
                path: root.display().to_string(),
                message: "no such file or directory".into(),
            });
            continue;
        }
        let mut wb = ignore::WalkBuilder::new(root);
        wb.hidden(false)
            .follow_links(opts.follow)
            .require_git(false)
            .git_ignore(!opts.no_ignore)
            .git_exclude(!opts.no_ignore)
            .git_global(!opts.no_ignore)
            .ignore(!opts.no_ignore)
            .parents(!opts.no_ignore)
            .filter_entry(|e| {
                !matches!(
                    e.file_name().to_str(),
                    Some(".git" | ".hg" | ".svn" | ".jj" | "_darcs" | ".bzr")
                )
            });
        match overrides(root) {
            Ok(o) => {
                wb.overrides(o);
            }
            Err(e) => errors.push(ScanError {
                path: root.display().to_string(),
                message: format!("bad include/exclude glob: {e}"),
            }),
        }
        for r in wb.build() {
            match r {
                Ok(e) => {
                    if !e.file_type().is_some_and(|t| t.is_file()) {
                        continue;
                    }
                    let len = e.metadata().map(|m| m.len()).unwrap_or(0);
                    if len > opts.max_filesize {
                        skipped += 1;
                        continue;
                    }
                    let rel = e
                        .path()
                        .strip_prefix(root)
                        .unwrap_or(e.path())
                        .components()
                        .map(|c| c.as_os_str().to_string_lossy())
                        .collect::<Vec<_>>()
                        .join("/");
                    files.push(Entry {
                        abs: e.path().to_path_buf(),
                        rel,
                    });
                }
                Err(e) => errors.push(ScanError {
                    path: root.display().to_string(),
                    message: e.to_string(),
                }),
            }
        }
    }
    (files, errors, skipped)
}
