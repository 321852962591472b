//! `scan`: files -> detection -> findings.

pub mod detect;
mod file;
pub mod kind;
pub mod lex;
pub mod lex_config;
mod walk;

use std::path::PathBuf;
use std::sync::Mutex;

use aho_corasick::AhoCorasick;

use detect::Detector;
pub use kind::FileKind;

use crate::finding::{Finding, Kind};
use crate::rules::{Loaded, Rules, TargetTable};
use crate::source::{self, SourceText};

/// Default cap on file size: larger files are skipped and counted.
pub const DEFAULT_MAX_FILESIZE: u64 = 4 * 1024 * 1024;

#[derive(Debug, Clone)]
pub struct ScanOptions {
    pub paths: Vec<PathBuf>,
    pub max_filesize: u64,
    pub follow: bool,
    pub no_ignore: bool,
    /// Report only these kinds (all when empty).
    pub kinds: Vec<Kind>,
    /// Extra glob patterns to include / exclude (from the config file).
    pub include: Vec<String>,
    pub exclude: Vec<String>,
}

impl Default for ScanOptions {
    fn default() -> Self {
        ScanOptions {
            paths: vec![PathBuf::from(".")],
            max_filesize: DEFAULT_MAX_FILESIZE,
            follow: false,
            no_ignore: false,
            kinds: Vec::new(),
            include: Vec::new(),
            exclude: Vec::new(),
        }
    }
}

/// One scanned file that has findings.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// Relative to the scan root, with `/`.
    pub path: String,
    pub abs: PathBuf,
    /// The file as read: rewrite applies edits to exactly these bytes and
    /// refuses to write when the file on disk no longer matches them.
    pub source: SourceText,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, serde::Serialize)]
pub struct ScanError {
    pub path: String,
    pub message: String,
}

#[derive(Debug, Clone)]
pub struct ScanReport {
    /// `target@version+sha256:...` of the table used.
    pub table: String,
    pub files: Vec<FileResult>,
    pub files_scanned: usize,
    pub files_skipped: usize,
    pub errors: Vec<ScanError>,
}

impl ScanReport {
    pub fn findings(&self) -> impl Iterator<Item = &Finding> {
        self.files.iter().flat_map(|f| f.findings.iter())
    }
}

/// Scan the paths in `opts` for dependencies on the source surface, mapping
/// each to what it becomes on `target`.
pub fn scan(rules: &Rules, target: &Loaded<TargetTable>, opts: &ScanOptions) -> ScanReport {
    let det = Detector::new(rules, &target.table);
    let prefilter = AhoCorasick::builder()
        .ascii_case_insensitive(true)
        .build(det.trigger_literals())
        .expect("literal patterns");
    let (files, mut errors, skipped) = walk::collect(opts);
    let scanned = files.len();
    let results: Mutex<Vec<(FileResult, Vec<Finding>, bool)>> = Mutex::new(Vec::new());
    let errs: Mutex<Vec<ScanError>> = Mutex::new(Vec::new());
    let skipped_more = std::sync::atomic::AtomicUsize::new(0);
    let next = std::sync::atomic::AtomicUsize::new(0);
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(16);
    std::thread::scope(|s| {
        for _ in 0..threads {
            s.spawn(|| loop {
                let i = next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                let Some(entry) = files.get(i) else { break };
                let bytes = match std::fs::read(&entry.abs) {
                    Ok(b) => b,
                    Err(e) => {
                        errs.lock().unwrap().push(ScanError {
                            path: entry.rel.clone(),
                            message: format!("cannot read: {e}"),
                        });
                        continue;
                    }
                };
                if source::looks_binary(&bytes) {
                    skipped_more.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
                    continue;
                }
                // Most files hold no trigger at all: never decode or lex them.
                if !prefilter.is_match(&bytes) && !is_utf16(&bytes) {
                    continue;
                }
                let source = SourceText::decode(bytes);
                if is_utf16(&source.bytes) && !prefilter.is_match(source.text.as_bytes()) {
                    continue;
                }
                let kind = FileKind::detect(&entry.abs);
                // A detector bug must cost one file, not the scan.
                let out = match std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
                    file::detect(&det, &entry.rel, kind, &source)
                })) {
                    Ok(o) => o,
                    Err(_) => {
                        errs.lock().unwrap().push(ScanError {
                            path: entry.rel.clone(),
                            message:
                                "internal error while reading this file (please report it); skipped"
                                    .into(),
                        });
                        continue;
                    }
                };
                if out.findings.is_empty() && out.gated.is_empty() && !out.has_marker {
                    continue;
                }
                let fr = FileResult {
                    path: entry.rel.clone(),
                    abs: entry.abs.clone(),
                    source,
                    findings: out.findings,
                };
                results
                    .lock()
                    .unwrap()
                    .push((fr, out.gated, out.has_marker));
            });
        }
    });
    let mut results = results.into_inner().unwrap_or_default();
    errors.extend(errs.into_inner().unwrap_or_default());
    let repo_marker = results.iter().any(|r| r.2);
    let mut files: Vec<FileResult> = Vec::new();
    for (mut fr, gated, _) in results.drain(..) {
        if repo_marker {
            fr.findings.extend(gated);
        }
        fr.findings
            .retain(|f| opts.kinds.is_empty() || opts.kinds.contains(&f.kind));
        fr.findings.sort_by_key(|f| (f.span.start, f.kind));
        fr.findings
            .dedup_by(|a, b| a.span == b.span && a.kind == b.kind);
        if !fr.findings.is_empty() {
            files.push(fr);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    errors.sort_by(|a, b| a.path.cmp(&b.path));
    ScanReport {
        table: target.label(),
        files,
        files_scanned: scanned - skipped_more.load(std::sync::atomic::Ordering::Relaxed),
        files_skipped: skipped + skipped_more.into_inner(),
        errors,
    }
}

fn is_utf16(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF])
}

/// Scan one file's text as if it were at `path` (used by rewrite to re-check
/// its output, and by fuzzing). `repo_has_markers` turns on detectors that
/// need an OpenRouter marker somewhere in the repository.
pub fn scan_source(
    rules: &Rules,
    target: &Loaded<TargetTable>,
    path: &str,
    source: &SourceText,
    repo_has_markers: bool,
) -> Vec<Finding> {
    let det = Detector::new(rules, &target.table);
    let kind = FileKind::detect(std::path::Path::new(path));
    let out = file::detect(&det, path, kind, source);
    let mut f = out.findings;
    if repo_has_markers || out.has_marker {
        f.extend(out.gated);
    }
    f.sort_by_key(|f| (f.span.start, f.kind));
    f.dedup_by(|a, b| a.span == b.span && a.kind == b.kind);
    f
}
