//! Fleet migrations: many repositories, one view.
//!
//! - [`repository`]: the `repository` field every JSON report carries
//!   (`--repo-name`, else the `origin` remote's `owner/name`, else the
//!   directory name).
//! - [`input`]: reading scan, rewrite and parity reports.
//! - [`merge`]: reports -> one [`merge::Fleet`] view.
//! - [`render`]: that view as Markdown or self-contained HTML.

pub mod input;
pub mod merge;
pub mod render;
pub mod repository;

use std::path::{Path, PathBuf};

pub use input::TableLabel;
pub use merge::Fleet;

/// Merge report files. A file that cannot be read or is not a report is
/// listed in `Fleet::errors` and the others are merged. Also returns the
/// files that carried no `repository` field (named after the file).
pub fn merge_files(paths: &[PathBuf], known: &[TableLabel]) -> (Fleet, Vec<String>) {
    let mut m = merge::Merger::default();
    let mut untagged = Vec::new();
    for p in paths {
        match input::read(p) {
            Ok(r) => {
                let fallback = fallback_name(p);
                if r.repository().is_none() {
                    untagged.push(p.display().to_string());
                }
                m.add(r, &fallback);
            }
            Err(e) => m.reject(e),
        }
    }
    (m.finish(known), untagged)
}

/// The repository name of an untagged report: its file name without `.json`.
fn fallback_name(p: &Path) -> String {
    let name = p
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| p.display().to_string());
    name.strip_suffix(".json")
        .map(str::to_owned)
        .unwrap_or(name)
}
