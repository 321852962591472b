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
    /// The root as given joined to the path below it, with `/`.
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
    for root in &opts.paths {
        // Files are named as the root was given joined to their path below
        // it, as ripgrep does: `svc1/app.py`, never a bare `app.py` that two
        // roots would share; a root of `.` adds nothing.
        let prefix = root_prefix(root);
        if root.is_file() {
            // A file named on the command line is reported as it was given,
            // so editors and pre-commit find it.
            visit(Entry {
                abs: root.clone(),
                rel: prefix,
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
        walk_dir(opts, root, &prefix, threads, visit, &push_err);
    }
    let mut errors = errors.into_inner().unwrap_or_else(|p| p.into_inner());
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    errors
}

/// `--include` and `--exclude` globs (and the config's) as `ignore` overrides.
fn overrides(
    opts: &ScanOptions,
    root: &Path,
) -> Result<ignore::overrides::Override, ignore::Error> {
    let mut b = ignore::overrides::OverrideBuilder::new(root);
    for g in &opts.include {
        b.add(g)?;
    }
    for g in &opts.exclude {
        b.add(&format!("!{g}"))?;
    }
    b.build()
}

/// One directory root: the parallel walk, then the tracked files it skipped.
fn walk_dir(
    opts: &ScanOptions,
    root: &Path,
    prefix: &str,
    threads: usize,
    visit: &(dyn Fn(Entry) + Sync),
    push_err: &(dyn Fn(ScanError) + Sync),
) {
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
    match overrides(opts, root) {
        Ok(o) => {
            wb.overrides(o);
        }
        Err(e) => push_err(ScanError {
            path: root.display().to_string(),
            message: format!("bad include/exclude glob: {e}"),
        }),
    }
    // In a git work tree, tracked files count even when ignored: they
    // are visited after the walk, unless the walk met them itself.
    let tracked = if opts.no_ignore {
        Vec::new()
    } else {
        super::gitls::tracked_but_ignored(root)
    };
    let walked = Mutex::new(std::collections::HashSet::new());
    wb.build_parallel().run(|| {
        Box::new(|r| {
            match r {
                // The size cap is checked by the reader on the open file
                // (one fstat) rather than with a separate stat here.
                Ok(e) if e.file_type().is_some_and(|t| t.is_file()) => {
                    if !tracked.is_empty() {
                        let mut w = walked.lock().unwrap_or_else(|p| p.into_inner());
                        w.insert(e.path().to_path_buf());
                    }
                    visit(Entry {
                        rel: join(prefix, &relative(root, e.path())),
                        abs: e.into_path(),
                        capped: true,
                    })
                }
                Ok(_) => {}
                Err(e) => push_err(ScanError {
                    path: root.display().to_string(),
                    message: e.to_string(),
                }),
            }
            WalkState::Continue
        })
    });
    if !tracked.is_empty() {
        let walked = walked.into_inner().unwrap_or_else(|p| p.into_inner());
        visit_tracked(opts, root, prefix, tracked, &walked, visit);
    }
}

/// Tracked files the walk skipped (ignored ones), unless excluded by a
/// glob, gone from the work tree, or met by the walk after all.
fn visit_tracked(
    opts: &ScanOptions,
    root: &Path,
    prefix: &str,
    tracked: Vec<PathBuf>,
    walked: &std::collections::HashSet<PathBuf>,
    visit: &(dyn Fn(Entry) + Sync),
) {
    let globs = overrides(opts, root).ok();
    for rel in tracked {
        let abs = root.join(&rel);
        let excluded = globs
            .as_ref()
            .is_some_and(|g| g.matched(&rel, false).is_ignore());
        let meta = if opts.follow {
            std::fs::metadata(&abs)
        } else {
            std::fs::symlink_metadata(&abs)
        };
        // Deleted in the work tree, a submodule, or a link not followed.
        let is_file = meta.is_ok_and(|m| m.is_file());
        if excluded || !is_file || walked.contains(&abs) {
            continue;
        }
        visit(Entry {
            rel: join(prefix, &relative(root, &abs)),
            abs,
            capped: true,
        });
    }
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

/// A root as given, with `/`, without `.` components or a trailing slash:
/// `.` -> ``, `./svc1/` -> `svc1`, `/abs/dir` -> `/abs/dir`.
fn root_prefix(root: &Path) -> String {
    use std::path::Component;
    let mut out = String::new();
    for c in root.components() {
        match c {
            Component::CurDir => {}
            Component::RootDir => out.push('/'),
            Component::Prefix(p) => out.push_str(&p.as_os_str().to_string_lossy()),
            Component::ParentDir | Component::Normal(_) => {
                if !out.is_empty() && !out.ends_with('/') {
                    out.push('/');
                }
                out.push_str(&c.as_os_str().to_string_lossy());
            }
        }
    }
    out
}

fn join(prefix: &str, rel: &str) -> String {
    match prefix {
        "" => rel.to_owned(),
        p if p.ends_with('/') => format!("{p}{rel}"),
        p => format!("{p}/{rel}"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn roots_are_named_as_given() {
        assert_eq!(root_prefix(Path::new(".")), "");
        assert_eq!(root_prefix(Path::new("./")), "");
        assert_eq!(root_prefix(Path::new("./svc1/")), "svc1");
        assert_eq!(root_prefix(Path::new("a/./b")), "a/b");
        assert_eq!(root_prefix(Path::new("../x")), "../x");
        assert_eq!(root_prefix(Path::new("/abs/f.py")), "/abs/f.py");
        assert_eq!(root_prefix(Path::new("/")), "/");
        assert_eq!(join("", "app.py"), "app.py");
        assert_eq!(join("svc1", "app.py"), "svc1/app.py");
        assert_eq!(join("/", "app.py"), "/app.py");
    }
}
