//! `scan`: files -> detection -> findings.

pub mod detect;
mod direct;
mod file;
mod flow;
pub(crate) mod gitls;
pub mod history;
mod prefilter;
mod url;
mod walk;

use std::path::PathBuf;
use std::sync::atomic::{AtomicUsize, Ordering::Relaxed};
use std::sync::Mutex;

pub use crate::lang::FileKind;
use detect::Detector;
use prefilter::Prefilter;

use crate::finding::{Finding, Kind};
use crate::rules::{Loaded, Rules, SourceTable, TargetTable};
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
    /// Source profile id (`--from`): what the code migrates away from.
    pub from: String,
    /// The repository holding `paths`, when it is more than they are: whether
    /// the tree talks to the source somewhere (which opens gated detectors)
    /// is decided over all of it, so a file gets the same findings however
    /// it is named. See [`context_root`].
    pub context: Option<PathBuf>,
    /// Counters a progress line reads while the scan runs.
    pub progress: Option<std::sync::Arc<Progress>>,
}

/// Files read and findings so far (before suppressions and baselines).
#[derive(Debug, Default)]
pub struct Progress {
    pub files: AtomicUsize,
    pub findings: AtomicUsize,
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
            from: crate::rules::DEFAULT_SOURCE.to_owned(),
            context: None,
            progress: None,
        }
    }
}

/// One scanned file that has findings.
#[derive(Debug, Clone)]
pub struct FileResult {
    /// The scanned root as given joined to the path below it, with `/`.
    pub path: String,
    pub abs: PathBuf,
    /// The file as read: rewrite applies edits to exactly these bytes and
    /// refuses to write when the file on disk no longer matches them.
    pub source: SourceText,
    pub findings: Vec<Finding>,
}

#[derive(Debug, Clone, serde::Serialize, schemars::JsonSchema)]
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
    let Some(src) = rules.source(&opts.from) else {
        return ScanReport {
            table: target.label(),
            files: Vec::new(),
            files_scanned: 0,
            files_skipped: 0,
            errors: vec![ScanError {
                path: opts.from.clone(),
                message: "unknown source profile (see `rules list`)".into(),
            }],
        };
    };
    let det = Detector::new(rules, &src.table, &target.table);
    let prefilter = Prefilter::new(&det.trigger_literals());
    let results: Mutex<Vec<Detected>> = Mutex::new(Vec::new());
    let tally = Tally::default();
    let threads = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(2)
        .min(16);
    let visit = |entry: walk::Entry| {
        let Some(bytes) = read_if_triggered(&entry, opts, &prefilter, &tally) else {
            return;
        };
        let source = SourceText::decode(bytes);
        if is_utf16(&source.bytes) && !prefilter.is_match(source.text.as_bytes()) {
            return;
        }
        let Some(out) = detect_one(&det, &entry, &source) else {
            tally.error(
                entry.rel,
                "internal error while reading this file (please report it); skipped".into(),
            );
            return;
        };
        if let Some(p) = &opts.progress {
            p.findings.fetch_add(out.findings.len(), Relaxed);
        }
        if out.findings.is_empty() && out.gated.is_empty() && !out.has_marker && out.flow.is_empty()
        {
            return;
        }
        // Looked at here, on the walk's threads: it reads the whole file.
        let built = built_output(&entry.rel, &source.text);
        let fr = FileResult {
            path: entry.rel,
            abs: entry.abs,
            source,
            findings: out.findings,
        };
        let detected = Detected {
            file: fr,
            gated: out.gated,
            has_marker: out.has_marker,
            flow: out.flow,
            built,
        };
        results
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(detected);
    };
    let mut errors = walk::for_each(opts, threads, &visit);
    let mut results = results.into_inner().unwrap_or_default();
    flow::resolve(&det, &mut results, opts.max_filesize);
    errors.extend(tally.errors.into_inner().unwrap_or_default());
    let mut repo_marker = results.iter().any(|r| r.has_marker);
    // Gated findings wait on a marker that may live outside the given paths
    // (a pre-commit hook passes only the staged files).
    if !repo_marker && results.iter().any(|r| !r.gated.is_empty()) {
        if let Some(top) = &opts.context {
            repo_marker = context_has_marker(&det, &prefilter, opts, top, threads);
        }
    }
    let files = finish_files(&det, results, repo_marker, &opts.kinds);
    errors.sort_by(|a, b| (&a.path, &a.message).cmp(&(&b.path, &b.message)));
    ScanReport {
        table: target.label(),
        files,
        files_scanned: tally.scanned.into_inner(),
        files_skipped: tally.skipped.into_inner(),
        errors,
    }
}

/// One file's detection, before the repository-wide decisions.
struct Detected {
    file: FileResult,
    /// Findings kept only if the repository has a marker.
    gated: Vec<Finding>,
    has_marker: bool,
    flow: detect::flow::Flow,
    /// Minified or bundled build output ([`built_output`]).
    built: bool,
}

/// What the parallel walk counts and collects besides findings.
#[derive(Default)]
struct Tally {
    scanned: AtomicUsize,
    skipped: AtomicUsize,
    errors: Mutex<Vec<ScanError>>,
}

impl Tally {
    fn error(&self, path: String, message: String) {
        self.errors
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push(ScanError { path, message });
    }
}

/// The bytes of a file that holds a trigger literal (or is UTF-16, which
/// the byte prefilter cannot judge); `None` for every other file, counted
/// as scanned or skipped.
fn read_if_triggered(
    entry: &walk::Entry,
    opts: &ScanOptions,
    prefilter: &Prefilter,
    tally: &Tally,
) -> Option<Vec<u8>> {
    let cap = entry.capped.then_some(opts.max_filesize);
    // Files are read into a per-thread buffer; only the few that pass the
    // prefilter get a copy of their own.
    thread_local! {
        static BUF: std::cell::RefCell<Vec<u8>> = const { std::cell::RefCell::new(Vec::new()) };
    }
    BUF.with(|b| {
        let mut buf = b.borrow_mut();
        match read_capped(&entry.abs, cap, &mut buf) {
            Ok(Read::Text) => {}
            Ok(Read::TooLarge | Read::Binary) => {
                tally.skipped.fetch_add(1, Relaxed);
                return None;
            }
            Err(e) => {
                tally.scanned.fetch_add(1, Relaxed);
                tally.error(entry.rel.clone(), format!("cannot read: {e}"));
                return None;
            }
        }
        tally.scanned.fetch_add(1, Relaxed);
        if let Some(p) = &opts.progress {
            p.files.fetch_add(1, Relaxed);
        }
        // Most files hold no trigger at all: never decode or lex them.
        if !prefilter.is_match(&buf) && !is_utf16(&buf) {
            if buf.capacity() > 2 * DEFAULT_MAX_FILESIZE as usize {
                *buf = Vec::new();
            }
            return None;
        }
        // An exact-size copy: the per-thread buffer keeps the capacity of
        // the largest file read so far, which must not be held by results.
        Some(buf.to_vec())
    })
}

/// The repository-wide decisions (gated findings, kinds filter, variables
/// still read), and the files with findings left, sorted by path.
fn finish_files(
    det: &Detector,
    results: Vec<Detected>,
    repo_marker: bool,
    kinds: &[Kind],
) -> Vec<FileResult> {
    let mut files: Vec<FileResult> = Vec::new();
    for Detected {
        file: mut fr,
        gated,
        built,
        ..
    } in results
    {
        let findings = std::mem::take(&mut fr.findings);
        fr.findings = finish(det, findings, gated, repo_marker, kinds);
        if built {
            mark_built(&mut fr.findings);
        }
        if !fr.findings.is_empty() {
            files.push(fr);
        }
    }
    files.sort_by(|a, b| a.path.cmp(&b.path));
    let staying = staying_clients(det, &files);
    // The SDK reads its base-URL variable implicitly too: pointing it at the
    // target would move the staying clients (with the provider's key).
    let base_env: &[String] = match staying.is_empty() {
        true => &[],
        false => &det.src.base_url_env,
    };
    mark_still_read(&mut files, &det.src.tool_configs, &staying, base_env);
    prose_names_follow_code(&mut files);
    files
}

/// A minified or bundled script (`*.min.js`, `*.bundle.js`, a source map
/// comment, or one line holding most of the file): what a build writes.
fn built_output(path: &str, text: &str) -> bool {
    if FileKind::detect(std::path::Path::new(path)) != FileKind::JavaScript {
        return false;
    }
    let name = path.rsplit('/').next().unwrap_or(path).to_ascii_lowercase();
    let named = [".min.", ".bundle.", ".chunk.", "-bundle."]
        .iter()
        .any(|m| name.contains(m));
    let longest = text.lines().map(str::len).max().unwrap_or(0);
    named
        || text.contains("\n//# sourceMappingURL=")
        || (longest >= 1000 && longest * 2 >= text.len())
}

/// Findings in built output are reported, but editing it would be undone
/// by the next build: the source it is built from is what changes.
fn mark_built(findings: &mut [Finding]) {
    for f in findings
        .iter_mut()
        .filter(|f| f.fix == crate::finding::Fix::Auto)
    {
        let why = format!(
            "{} (in a minified or bundled build output: change the source it is built from and rebuild)",
            f.message
        );
        f.decide(crate::finding::Fix::Manual, why, "built");
    }
}

/// A variable name in prose follows the code: when the repository uses the
/// name only as a program identifier (`export const OPENROUTER_API_URL =
/// ...`, kept by rewrite) and never as an environment variable it renames,
/// the docs that name it stay true as they are.
fn prose_names_follow_code(files: &mut [FileResult]) {
    use std::collections::{HashMap, HashSet};
    let mut idents: HashMap<String, String> = HashMap::new();
    let mut env: HashSet<String> = HashSet::new();
    for fr in files.iter() {
        for f in &fr.findings {
            if f.rule.ends_with(":identifier") && !f.rule.contains(":prose") {
                idents
                    .entry(f.matched.clone())
                    .or_insert_with(|| format!("{}:{}", fr.path, f.line));
            } else if f.kind == Kind::ApiKeyEnv && !f.rule.ends_with(":prose") {
                env.insert(f.matched.clone());
            }
        }
    }
    for f in files.iter_mut().flat_map(|fr| fr.findings.iter_mut()) {
        if !f.rule.ends_with(":prose") || env.contains(&f.matched) {
            continue;
        }
        if let Some(at) = idents.get(&f.matched) {
            let why = format!(
                "{} names a program identifier here ({at}), which rewrite keeps: the text stays true as it is (rewrite --rename-identifiers renames both)",
                f.matched
            );
            f.decide(crate::finding::Fix::None, why, "identifier");
        }
    }
}

/// Detect in one file. A detector bug costs that file (None), not the scan.
fn detect_one(det: &Detector, entry: &walk::Entry, source: &SourceText) -> Option<detect::Outcome> {
    let kind = FileKind::detect(&entry.abs);
    let out = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| {
        file::detect(det, &entry.rel, kind, source)
    }));
    // proc-macro2 keeps every parsed Rust file in a per-thread source map
    // until told otherwise; a file that fails to parse (or a panic) skips
    // the detector's own cleanup, and those copies grew the scan's memory
    // with the tree. No span outlives `detect`.
    proc_macro2::extra::invalidate_current_thread_spans();
    out.ok()
}

/// Whether any file under `top` (walked with the scan's own rules) holds a
/// marker of the source. Cheap: the prefilter skips almost every file, and
/// once a marker is found the remaining files are not read.
fn context_has_marker(
    det: &Detector,
    prefilter: &Prefilter,
    opts: &ScanOptions,
    top: &std::path::Path,
    threads: usize,
) -> bool {
    let found = std::sync::atomic::AtomicBool::new(false);
    let ctx = ScanOptions {
        paths: vec![top.to_path_buf()],
        ..opts.clone()
    };
    let visit = |entry: walk::Entry| {
        if found.load(Relaxed) {
            return;
        }
        let mut buf = Vec::new();
        let cap = entry.capped.then_some(opts.max_filesize);
        if !matches!(read_capped(&entry.abs, cap, &mut buf), Ok(Read::Text))
            || (!prefilter.is_match(&buf) && !is_utf16(&buf))
        {
            return;
        }
        let source = SourceText::decode(buf);
        if detect_one(det, &entry, &source).is_some_and(|o| o.has_marker) {
            found.store(true, Relaxed);
        }
    };
    // Errors here do not make the scan incomplete: the given paths were read.
    let _ = walk::for_each(&ctx, threads, &visit);
    found.into_inner()
}

/// The repository that holds `paths`: the git work tree's top, else the
/// directory of the config file in effect, else None (the paths
/// themselves). None too when a given path is that directory already.
pub fn context_root(paths: &[PathBuf], config_file: Option<&std::path::Path>) -> Option<PathBuf> {
    let first = std::fs::canonicalize(paths.first()?).ok()?;
    let dir = if first.is_dir() {
        first.clone()
    } else {
        first.parent()?.to_path_buf()
    };
    let top = gitls::toplevel(&dir).or_else(|| {
        let cfg = std::fs::canonicalize(config_file?).ok()?;
        Some(cfg.parent()?.to_path_buf())
    })?;
    let given = paths
        .iter()
        .filter_map(|p| std::fs::canonicalize(p).ok())
        .any(|p| p == top);
    (!given).then_some(top)
}

/// What [`read_capped`] found.
#[derive(Debug, PartialEq, Eq)]
enum Read {
    /// The whole file is in the buffer.
    Text,
    /// Larger than the cap: not read.
    TooLarge,
    /// A NUL byte in its first 8 KiB (not UTF-16): only that head was read.
    Binary,
}

/// Reads a file into `buf` unless it is larger than `cap`: one open, one
/// fstat, and reads into a buffer sized from that fstat. The first 8 KiB
/// are read on their own, so a binary file (an image, an archive) costs
/// one small read instead of all of its bytes.
fn read_capped(
    path: &std::path::Path,
    cap: Option<u64>,
    buf: &mut Vec<u8>,
) -> std::io::Result<Read> {
    use std::io::Read as _;
    buf.clear();
    // A FIFO or device named on the command line or swapped in is an
    // error item, never a hang or an endless read.
    let (f, meta) = source::open_regular(path)?;
    let len = meta.len();
    if cap.is_some_and(|c| len > c) {
        return Ok(Read::TooLarge);
    }
    buf.reserve(len as usize + 1);
    // `take` keeps a file that grows while being read inside the cap.
    let limit = cap.map_or(u64::MAX, |c| c.saturating_add(1));
    let mut f = f.take(limit);
    (&mut f).take(source::BINARY_HEAD as u64).read_to_end(buf)?;
    if source::looks_binary(buf) {
        return Ok(Read::Binary);
    }
    f.read_to_end(buf)?;
    Ok(if cap.is_none_or(|c| buf.len() as u64 <= c) {
        Read::Text
    } else {
        Read::TooLarge
    })
}

fn is_utf16(b: &[u8]) -> bool {
    b.starts_with(&[0xFF, 0xFE]) || b.starts_with(&[0xFE, 0xFF])
}

/// A file's findings as reported: gated ones only when the tree talks to the
/// source somewhere, keys redacted, only the kinds asked for, in file order,
/// each span reported once per kind.
fn finish(
    det: &Detector,
    mut findings: Vec<Finding>,
    gated: Vec<Finding>,
    gates_open: bool,
    kinds: &[Kind],
) -> Vec<Finding> {
    if gates_open {
        findings.extend(gated);
    }
    det.redact_keys(&mut findings);
    findings.retain(|f| kinds.is_empty() || kinds.contains(&f.kind));
    findings.sort_by_key(|f| (f.span.start, f.kind));
    findings.dedup_by(|a, b| a.span == b.span && a.kind == b.kind);
    findings
}

/// Key variables read by a client that keeps calling a direct provider
/// (`--from openai|...`) until a person changes it (a manual client item:
/// an embeddings client on a gateway without /embeddings, a client whose
/// options are built elsewhere): the SDK's own variable, and the source's
/// key variables named on the client's lines. Each maps to where the
/// first such client is, and how many there are.
fn staying_clients(det: &Detector, files: &[FileResult]) -> Vec<(String, String)> {
    let src = det.src;
    if det.direct.is_none() {
        return Vec::new();
    }
    let mut at: Vec<String> = Vec::new();
    let mut names: Vec<String> = src.key_env.first().cloned().into_iter().collect();
    for fr in files {
        for f in &fr.findings {
            let client = f.kind == Kind::BaseUrl
                && f.fix == crate::finding::Fix::Manual
                && (f.rule.contains(":client:") || f.rule.contains(":module-client:"));
            if !client {
                continue;
            }
            at.push(format!("{}:{}", fr.path, f.line));
            names.extend(
                fr.findings
                    .iter()
                    .filter(|k| k.kind == Kind::ApiKeyEnv && (f.line..f.line + 6).contains(&k.line))
                    .map(|k| k.matched.clone()),
            );
        }
    }
    let Some(first) = at.first() else {
        return Vec::new();
    };
    let more = match at.len() {
        1 => String::new(),
        n => format!(" and {} more", n - 1),
    };
    let why = format!(
        "the {} client at {first}{more}, which keeps calling {} until it is changed by hand (see its manual item)",
        src.name, src.name
    );
    names.sort();
    names.dedup();
    names.into_iter().map(|n| (n, why.clone())).collect()
}

/// A key variable that some request staying with the source still reads (a
/// finding marked `:stays`, or a client in `staying`) must stay where it is
/// set (.env files, compose, CI, Dockerfiles): those findings become
/// manual, and rewrite adds the target's variable next to the old one in
/// .env files.
fn mark_still_read(
    files: &mut [FileResult],
    tools: &[crate::rules::schema::ToolConfig],
    staying: &[(String, String)],
    base_env: &[String],
) {
    // A request shown in docs (a troubleshooting `curl .../models` in a
    // Markdown fence) is not one the system makes: the key it reads stays
    // in that snippet, and the places deployments set follow the code.
    let runs = |f: &&FileResult| {
        !matches!(
            FileKind::detect(std::path::Path::new(&f.path)),
            FileKind::Markdown | FileKind::Text
        )
    };
    let mut names: std::collections::HashMap<String, String> = files
        .iter()
        .filter(runs)
        .flat_map(|f| &f.findings)
        .filter(|f| f.kind == Kind::ApiKeyEnv && f.rule.ends_with(":stays"))
        .map(|f| {
            let why = "a request that stays on OpenRouter (see the findings marked 'stays')";
            (f.matched.clone(), why.to_owned())
        })
        .collect();
    names.extend(staying.iter().cloned());
    if names.is_empty() {
        return;
    }
    for fr in files {
        let kind = FileKind::detect(std::path::Path::new(&fr.path));
        // Scripts set variables for the programs they start (`docker run -e
        // X=$X`) unless they make a migrated request themselves, whose
        // reads scan has already decided.
        let script = matches!(kind, FileKind::Shell | FileKind::PowerShell)
            && !fr
                .findings
                .iter()
                .any(|f| f.kind == Kind::BaseUrl && f.fix == crate::finding::Fix::Auto);
        // A tool's own config (Continue's `${{ secrets.X }}`) reads the key
        // for the requests it configures, which move with it.
        let tool = tools.iter().any(|t| t.owns(&fr.path));
        if !kind.sets_variables() && !script || tool {
            continue;
        }
        let source = &fr.source;
        for f in &mut fr.findings {
            if f.kind == Kind::BaseUrl && f.fix == crate::finding::Fix::Auto {
                if let Some((name, reader)) = sets_base_env(source, f.line, base_env)
                    .and_then(|n| staying.first().map(|(_, why)| (n, why)))
                {
                    let why = format!(
                        "{name} is read by every client without a base URL of its own, also by {reader}: pointing it at {} would send that client (and its key) there; set the base URL on the migrated clients instead, or change this once none stays",
                        f.replacement.as_deref().unwrap_or("the target")
                    );
                    f.decide(crate::finding::Fix::Manual, why, "still-read");
                }
                continue;
            }
            if f.kind != Kind::ApiKeyEnv || f.fix != crate::finding::Fix::Auto {
                continue;
            }
            // In docs only a line that sets the variable (`export X=...`
            // in a shell fence) keeps it; code and prose that read it
            // follow the migrated code.
            let sets = kind != FileKind::Markdown
                || sets_base_env(source, f.line, std::slice::from_ref(&f.matched)).is_some();
            if let Some(reader) = names.get(&f.matched).filter(|_| sets) {
                let why = format!(
                    "{} is still read by {reader}: keep it, and set {} next to it",
                    f.matched,
                    f.replacement.as_deref().unwrap_or("the target's variable")
                );
                f.decide(crate::finding::Fix::Manual, why, "still-read");
            }
        }
    }
}

/// The variable (one of `names`) that line `line` sets (`NAME=value`,
/// `export NAME=...`, `NAME: value`).
fn sets_base_env<'n>(src: &SourceText, line: usize, names: &'n [String]) -> Option<&'n str> {
    let text = src.line_text(line).trim_start();
    let text = text.strip_prefix("export ").unwrap_or(text).trim_start();
    let text = text.strip_prefix("- ").unwrap_or(text);
    names
        .iter()
        .find(|n| {
            text.strip_prefix(n.as_str())
                .is_some_and(|rest| rest.trim_start().starts_with(['=', ':']))
        })
        .map(String::as_str)
}

/// Scan one file's text as if it were at `path` (used by tests and fuzzing).
/// `repo_has_markers` turns on detectors that need an OpenRouter marker
/// somewhere in the repository.
pub fn scan_source(
    rules: &Rules,
    target: &Loaded<TargetTable>,
    path: &str,
    source: &SourceText,
    repo_has_markers: bool,
) -> Vec<Finding> {
    scan_source_from(
        rules,
        rules.source_default(),
        target,
        path,
        source,
        repo_has_markers,
    )
}

/// [`scan_source`] for a given source profile (`--from`).
pub fn scan_source_from(
    rules: &Rules,
    src: &Loaded<SourceTable>,
    target: &Loaded<TargetTable>,
    path: &str,
    source: &SourceText,
    repo_has_markers: bool,
) -> Vec<Finding> {
    let det = Detector::new(rules, &src.table, &target.table);
    let kind = FileKind::detect(std::path::Path::new(path));
    let out = file::detect(&det, path, kind, source);
    finish(
        &det,
        out.findings,
        out.gated,
        repo_has_markers || out.has_marker,
        &[],
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn read_capped_reads_only_the_head_of_a_binary_file() {
        let dir = tempfile::tempdir().unwrap();
        let png = dir.path().join("a.png");
        let mut bytes = b"\x89PNG\r\n\x1a\n\0\0\0\rIHDR".to_vec();
        bytes.resize(100_000, b'x');
        std::fs::write(&png, &bytes).unwrap();
        let mut buf = Vec::new();
        assert_eq!(read_capped(&png, None, &mut buf).unwrap(), Read::Binary);
        assert_eq!(buf.len(), source::BINARY_HEAD);

        // A NUL after the head is text, read whole; so is UTF-16.
        let late = dir.path().join("late.txt");
        let mut text = vec![b'a'; source::BINARY_HEAD];
        text.extend_from_slice(b"\0tail");
        std::fs::write(&late, &text).unwrap();
        assert_eq!(read_capped(&late, None, &mut buf).unwrap(), Read::Text);
        assert_eq!(buf, text);
        let wide = dir.path().join("wide.txt");
        std::fs::write(&wide, b"\xFF\xFEa\0b\0").unwrap();
        assert_eq!(read_capped(&wide, None, &mut buf).unwrap(), Read::Text);
        assert_eq!(buf.len(), 6);

        // Over the cap: not read at all, binary or not.
        assert_eq!(
            read_capped(&png, Some(1000), &mut buf).unwrap(),
            Read::TooLarge
        );
        assert_eq!(
            read_capped(&late, Some(text.len() as u64), &mut buf).unwrap(),
            Read::Text
        );
    }
}
