//! `scan --history`: hard-coded keys anywhere in a repository's history, so
//! they can be revoked. Every blob reachable from any ref is read once:
//! `git rev-list --objects --all` is piped straight into `git cat-file
//! --batch` (two processes, no per-object spawn), and each blob is matched
//! as it streams by. Memory holds one blob (at most `--max-filesize`) and
//! the hits; time is one pass over the blobs, plus one `git log --raw` pass
//! to name the commit that introduced each blob with a key, only when there
//! are hits.

use std::collections::HashMap;
use std::io::{BufRead, BufReader, Read};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};

use serde::Serialize;

use crate::redact::Redactor;
use crate::rules::Rules;
use crate::source::SourceText;

/// One key found in history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct HistoryFinding {
    /// The commit that introduced the blob, when a commit adds it (a blob
    /// only in a merge's resolution has none).
    pub commit: Option<String>,
    pub blob: String,
    /// A path the blob has in history, with `/`.
    pub path: String,
    pub line: usize,
    pub column: usize,
    /// The key, redacted.
    #[serde(rename = "match")]
    pub matched: String,
    /// `<source>:secret`, the profile whose key shape matched.
    pub rule: String,
}

#[derive(Debug, Default, Serialize)]
pub struct HistoryReport {
    pub findings: Vec<HistoryFinding>,
    /// Blobs read (each once) and their bytes; blobs over the size cap
    /// are left out by git itself.
    pub blobs: u64,
    pub bytes: u64,
    /// Objects the history names but the repository lacks (a partial or
    /// damaged clone): not read, counted.
    pub missing: u64,
}

#[derive(Debug, thiserror::Error)]
pub enum HistoryError {
    #[error("{0}: not inside a git repository (scan --history reads its history)")]
    NotARepo(String),
    #[error("cannot run git: {0}")]
    Spawn(std::io::Error),
    #[error("git {0} failed: {1}")]
    Git(&'static str, String),
    #[error("reading git output: {0}")]
    Read(std::io::Error),
}

/// The key patterns of every source profile, each with its rule name.
struct Shapes {
    set: regex::bytes::RegexSet,
    each: Vec<(regex::bytes::Regex, String)>,
}

impl Shapes {
    fn new(rules: &Rules) -> Shapes {
        let pats: Vec<(String, String)> = rules
            .sources
            .iter()
            .filter(|s| regex::Regex::new(&s.table.key_pattern).is_ok_and(|r| !r.is_match("")))
            .map(|s| {
                (
                    s.table.key_pattern.clone(),
                    format!("{}:secret", s.table.id),
                )
            })
            .collect();
        Shapes {
            set: regex::bytes::RegexSet::new(pats.iter().map(|p| &p.0)).expect("validated"),
            each: pats
                .into_iter()
                .map(|(p, r)| (regex::bytes::Regex::new(&p).expect("validated"), r))
                .collect(),
        }
    }
}

/// Scan the history of the repository holding `dir`.
pub fn scan_history(
    rules: &Rules,
    dir: &Path,
    max_blob: u64,
) -> Result<HistoryReport, HistoryError> {
    let top = toplevel(dir)?;
    let shapes = Shapes::new(rules);
    let redactor = Redactor::for_rules(rules);
    let (rev, mut cat) = spawn_batch(&top, max_blob)?;
    let mut report = HistoryReport::default();
    read_batch(
        cat.stdout.take().expect("piped"),
        &shapes,
        &redactor,
        &mut report,
    )?;
    let cat_status = cat.wait_with_output().map_err(HistoryError::Read)?;
    let rev_status = rev.wait_with_output().map_err(HistoryError::Read)?;
    for (what, out) in [("rev-list", rev_status), ("cat-file", cat_status)] {
        if !out.status.success() {
            return Err(HistoryError::Git(
                what,
                String::from_utf8_lossy(&out.stderr).trim().to_owned(),
            ));
        }
    }
    if !report.findings.is_empty() {
        let commits = introducing_commits(&top, &report.findings)?;
        for f in &mut report.findings {
            f.commit = commits.get(&f.blob).cloned();
        }
    }
    report
        .findings
        .sort_by(|a, b| (&a.path, a.line, &a.blob).cmp(&(&b.path, b.line, &b.blob)));
    Ok(report)
}

/// `git rev-list --objects --all` piped into `git cat-file --batch`: every
/// blob under the size cap, each once, with a path it has.
fn spawn_batch(top: &Path, max_blob: u64) -> Result<(Child, Child), HistoryError> {
    let mut rev = Command::new("git")
        .arg("-C")
        .arg(top)
        .args([
            "rev-list",
            "--objects",
            "--all",
            "--filter=object:type=blob",
            // A partial or damaged clone lacks some objects: count them
            // (they come back from cat-file as `?<id> missing`), go on.
            "--missing=print",
        ])
        .arg(format!("--filter=blob:limit={max_blob}"))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(HistoryError::Spawn)?;
    let rev_out = rev.stdout.take().expect("piped");
    let cat = Command::new("git")
        .arg("-C")
        .arg(top)
        .args([
            "cat-file",
            "--batch=%(objectname) %(objecttype) %(objectsize) %(rest)",
        ])
        .stdin(Stdio::from(rev_out))
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .map_err(HistoryError::Spawn)?;
    Ok((rev, cat))
}

/// Reads `cat-file --batch` output as it streams by, one object at a time,
/// matching each blob against the key shapes.
fn read_batch(
    out: impl Read,
    shapes: &Shapes,
    redactor: &Redactor,
    report: &mut HistoryReport,
) -> Result<(), HistoryError> {
    let mut r = BufReader::with_capacity(1 << 16, out);
    let mut header = Vec::new();
    let mut buf = Vec::new();
    loop {
        header.clear();
        if r.read_until(b'\n', &mut header)
            .map_err(HistoryError::Read)?
            == 0
        {
            break;
        }
        let line = header.strip_suffix(b"\n").unwrap_or(&header);
        let mut parts = line.splitn(4, |&b| b == b' ');
        let (sha, kind) = (parts.next().unwrap_or_default(), parts.next());
        if kind == Some(b"missing".as_slice()) {
            report.missing += 1;
            continue;
        }
        let (Some(kind), Some(size)) = (kind, parts.next()) else {
            continue;
        };
        let path = parts.next().unwrap_or_default();
        let size: u64 = std::str::from_utf8(size)
            .ok()
            .and_then(|s| s.parse().ok())
            .ok_or_else(|| {
                HistoryError::Git(
                    "cat-file",
                    format!("bad header {}", String::from_utf8_lossy(line)),
                )
            })?;
        buf.clear();
        (&mut r)
            .take(size + 1)
            .read_to_end(&mut buf)
            .map_err(HistoryError::Read)?;
        if kind != b"blob" {
            continue;
        }
        buf.truncate(size as usize);
        report.blobs += 1;
        report.bytes += size;
        find_keys(
            shapes,
            redactor,
            &buf,
            &String::from_utf8_lossy(sha),
            &String::from_utf8_lossy(path),
            &mut report.findings,
        );
        // A huge blob must not keep its buffer for the rest of the walk.
        if buf.capacity() > (8 << 20) {
            buf = Vec::new();
        }
    }
    Ok(())
}

fn find_keys(
    shapes: &Shapes,
    redactor: &Redactor,
    bytes: &[u8],
    blob: &str,
    path: &str,
    out: &mut Vec<HistoryFinding>,
) {
    let utf16 = bytes.starts_with(&[0xFF, 0xFE]) || bytes.starts_with(&[0xFE, 0xFF]);
    let decoded;
    let text: &[u8] = if utf16 {
        decoded = SourceText::decode(bytes.to_vec());
        decoded.text.as_bytes()
    } else {
        bytes
    };
    let hits = shapes.set.matches(text);
    if !hits.matched_any() {
        return;
    }
    for i in hits.iter() {
        let (re, rule) = &shapes.each[i];
        for m in re.find_iter(text) {
            // A longer hex run is a hash, not a key.
            if text.get(m.end()).is_some_and(|c| c.is_ascii_hexdigit()) {
                continue;
            }
            let before = &text[..m.start()];
            let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
            let line_start = before
                .iter()
                .rposition(|&c| c == b'\n')
                .map_or(0, |p| p + 1);
            let column = String::from_utf8_lossy(&text[line_start..m.start()])
                .chars()
                .count()
                + 1;
            let key = String::from_utf8_lossy(m.as_bytes());
            out.push(HistoryFinding {
                commit: None,
                blob: blob.to_owned(),
                path: path.to_owned(),
                line,
                column,
                matched: redactor.mask_match(&key),
                rule: rule.clone(),
            });
        }
    }
}

/// For each blob with a key, the oldest commit whose diff adds it: one
/// streaming pass over `git log --all --raw`.
fn introducing_commits(
    top: &Path,
    findings: &[HistoryFinding],
) -> Result<HashMap<String, String>, HistoryError> {
    let wanted: std::collections::HashSet<&str> =
        findings.iter().map(|f| f.blob.as_str()).collect();
    let mut child = Command::new("git")
        .arg("-C")
        .arg(top)
        .args([
            "log",
            "--all",
            "--raw",
            "--no-abbrev",
            "--no-renames",
            "--format=commit %H",
        ])
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .map_err(HistoryError::Spawn)?;
    let r = BufReader::new(child.stdout.take().expect("piped"));
    let mut found = HashMap::new();
    let mut commit = String::new();
    for line in r.split(b'\n') {
        let line = line.map_err(HistoryError::Read)?;
        if let Some(c) = line.strip_prefix(b"commit ") {
            commit = String::from_utf8_lossy(c).into_owned();
        } else if line.starts_with(b":") {
            // :<old mode> <new mode> <old sha> <new sha> <status>\t<path>
            let new_sha = line.split(|&b| b == b' ').nth(3);
            if let Some(s) = new_sha.and_then(|s| std::str::from_utf8(s).ok()) {
                if wanted.contains(s) {
                    // Newest first: the last one seen is the oldest.
                    found.insert(s.to_owned(), commit.clone());
                }
            }
        }
    }
    let _ = child.wait();
    Ok(found)
}

/// The human report section.
pub fn human(h: &HistoryReport) -> String {
    let mut s = format!(
        "history: {} key(s) in {} blob(s) read ({:.1} MiB)",
        h.findings.len(),
        h.blobs,
        h.bytes as f64 / (1024.0 * 1024.0)
    );
    if h.missing > 0 {
        s.push_str(&format!("; {} object(s) missing from the clone", h.missing));
    }
    s.push('\n');
    for f in &h.findings {
        let commit = f
            .commit
            .as_deref()
            .map_or("(merge)", |c| &c[..c.len().min(12)]);
        s.push_str(&format!(
            "  {commit} {}:{}:{}  secret  {}  (rotate it)\n",
            f.path, f.line, f.column, f.matched
        ));
    }
    s
}

/// Where to run git: the work tree's top, or the repository itself when
/// it is bare (a mirror).
fn toplevel(dir: &Path) -> Result<PathBuf, HistoryError> {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(["rev-parse", "--is-bare-repository", "--absolute-git-dir"])
        .output()
        .map_err(HistoryError::Spawn)?;
    if !o.status.success() {
        return Err(HistoryError::NotARepo(dir.display().to_string()));
    }
    let s = String::from_utf8_lossy(&o.stdout);
    let mut lines = s.lines();
    match (lines.next(), lines.next()) {
        (Some("true"), Some(git_dir)) => Ok(PathBuf::from(git_dir)),
        _ => Ok(dir.to_path_buf()),
    }
}
