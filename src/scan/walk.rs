//! Finding the files to scan: `ignore` walks (respecting .gitignore, .ignore
//! and git excludes, skipping VCS directories) on several threads, handing
//! each file to the caller's visitor on the thread that found it, so reading
//! and detection overlap the directory walk instead of waiting for it.

use std::path::{Path, PathBuf};
use std::sync::Mutex;

use ignore::WalkState;

use super::{ScanError, ScanOptions};

#[derive(Debug, Clone)]
pub struct Entry {
    pub abs: PathBuf,
    /// Relative to the root it was found under, with `/`.
    pub rel: String,
    /// Subject to `--max-filesize`: files named on the command line too
    /// (a named `/dev/zero` or huge file must not be read whole).
    pub capped: bool,
}

/// Calls `visit` once for every file to scan, from up to `threads` threads.
/// Returns the errors met while walking (sorted by path and message).
pub fn for_each(
    opts: &ScanOptions,
    threads: usize,
    visit: &(dyn Fn(Entry) + Sync),
) -> Vec<ScanError> {
    let errors = Mutex::new(Vec::new());
    let push_err = |e: ScanError| errors.lock().unwrap_or_else(|p| p.into_inner()).push(e);
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
            visit(Entry {
                abs: root.clone(),
                rel,
                capped: true,
            });
            continue;
        }
        if !root.exists() {
            push_err(ScanError {
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
            .threads(threads)
            .filter_entry(|e| {
                let name = e.file_name().to_str();
                !matches!(
                    name,
                    Some(".git" | ".hg" | ".svn" | ".jj" | "_darcs" | ".bzr")
                ) && !name.is_some_and(crate::rewrite::write::is_temp_name)
            });
        match overrides(root) {
            Ok(o) => {
                wb.overrides(o);
            }
            Err(e) => push_err(ScanError {
                path: root.display().to_string(),
                message: format!("bad include/exclude glob: {e}"),
            }),
        }
        wb.build_parallel().run(|| {
            Box::new(|r| {
                match r {
                    // The size cap is checked by the reader on the open file
                    // (one fstat) rather than with a separate stat here.
                    Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => visit(Entry {
                        rel: relative(root, e.path()),
                        abs: e.into_path(),
                        capped: true,
                    }),
                    Ok(_) => {}
                    Err(e) => push_err(ScanError {
                        path: root.display().to_string(),
                        message: e.to_string(),
                    }),
                }
                WalkState::Continue
            })
        });
    }
    let mut errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    errors
}

fn relative(root: &Path, path: &Path) -> String {
    let rel = path.strip_prefix(root).unwrap_or(path);
    // Fast path: on Unix a UTF-8 path already uses `/`.
    if cfg!(unix) {
        if let Some(s) = rel.to_str() {
            return s.to_owned();
        }
    }
    rel.components()
        .map(|c| c.as_os_str().to_string_lossy())
        .collect::<Vec<_>>()
        .join("/")
}
