//! `--record DIR` / `--replay DIR`: every exchange as one JSON file, with
//! credentials removed, so CI can rerun the comparison offline.
//!
//! Layout: `meta.json` (config without keys), `prompts/<id>/<mode>.<side>.json`,
//! `checks/models.candidate.json`, `checks/negative.<case>.<side>.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::client::{Exchange, FailKind, Failure, SentRequest};
use super::config::ParityConfig;

pub const REDACTED: &str = "[REDACTED]";

#[derive(Debug, Serialize, Deserialize)]
pub struct Meta {
    pub schema: u32,
    pub tool: String,
    pub golden: String,
    pub config: ParityConfig,
}

/// A file name safe on every OS for any prompt id.
pub fn safe_name(id: &str) -> String {
    let clean: String = id
        .chars()
        .map(|c| {
            if c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.') {
                c
            } else {
                '_'
            }
        })
        .collect();
    if clean == id {
        clean
    } else {
        // Keep distinct ids distinct after cleaning.
        format!("{clean}-{}", &crate::rules::sha12(id.as_bytes())[..8])
    }
}

pub fn prompt_path(dir: &Path, id: &str, mode: &str, side: &str) -> PathBuf {
    dir.join("prompts")
        .join(safe_name(id))
        .join(format!("{mode}.{side}.json"))
}

pub fn check_path(dir: &Path, name: &str) -> PathBuf {
    dir.join("checks").join(format!("{name}.json"))
}

/// Writes exchanges (already redacted by the transport) into a directory,
/// never through a symbolic link.
#[derive(Debug, Clone)]
pub struct Recorder {
    pub dir: PathBuf,
}

/// Why a recording cannot be written, or its `meta.json` read.
#[derive(Debug, thiserror::Error)]
pub enum RecordError {
    #[error("{}: cannot create: {source}", .path.display())]
    Create {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: is a symbolic link; --record does not write through links", .0.display())]
    Symlink(PathBuf),
    #[error("{}: exists and is not a directory", .0.display())]
    NotDirectory(PathBuf),
    #[error("{}: cannot write: {source}", .path.display())]
    Write {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}: cannot write: {source}", .path.display())]
    Serialize {
        path: PathBuf,
        source: serde_json::Error,
    },
    #[error("{}: cannot read ({source}); is {} a directory written by --record?", .path.display(), .dir.display())]
    Meta {
        path: PathBuf,
        dir: PathBuf,
        source: ReadError,
    },
    #[error("{}: unsupported recording schema {schema}", .path.display())]
    Schema { path: PathBuf, schema: u32 },
}

/// Why a recording file was not read.
#[derive(Debug, thiserror::Error)]
pub enum ReadError {
    #[error("{0}")]
    Io(#[from] std::io::Error),
    #[error("not a regular file; refused")]
    NotRegular,
    #[error("{len} bytes, over the {} limit for a recording file (twice max_response_bytes plus 1 MiB)", super::client::size(*.limit as usize))]
    TooLarge { len: u64, limit: u64 },
    #[error("{}:{}: {source}", .source.line(), .source.column())]
    Json { source: serde_json::Error },
}

impl Recorder {
    pub fn new(dir: &Path, meta: &Meta) -> Result<Recorder, RecordError> {
        std::fs::create_dir_all(dir).map_err(|source| RecordError::Create {
            path: dir.to_owned(),
            source,
        })?;
        let r = Recorder {
            dir: dir.to_owned(),
        };
        r.write_json(&dir.join("meta.json"), meta)?;
        Ok(r)
    }

    pub fn write(&self, path: &Path, ex: &Exchange) -> Result<(), RecordError> {
        self.write_json(path, ex)
    }

    /// Creates the directories between `self.dir` and `path`, refusing any
    /// that already is a symbolic link (it could point outside).
    fn make_parents(&self, path: &Path) -> Result<(), RecordError> {
        let rel = path
            .parent()
            .and_then(|p| p.strip_prefix(&self.dir).ok())
            .unwrap_or(Path::new(""));
        let mut cur = self.dir.clone();
        for c in rel.components() {
            cur.push(c);
            match std::fs::symlink_metadata(&cur) {
                Ok(m) if m.file_type().is_symlink() => return Err(RecordError::Symlink(cur)),
                Ok(m) if m.is_dir() => {}
                Ok(_) => return Err(RecordError::NotDirectory(cur)),
                Err(_) => std::fs::create_dir(&cur).map_err(|source| RecordError::Create {
                    path: cur.clone(),
                    source,
                })?,
            }
        }
        Ok(())
    }

    /// Streams the JSON into a new temporary file (created exclusively, so
    /// never through a link) and renames it over `path`: a link already at
    /// `path` is replaced, not followed, and a reader never sees half a file.
    fn write_json<T: Serialize>(&self, path: &Path, v: &T) -> Result<(), RecordError> {
        use std::io::Write;
        self.make_parents(path)?;
        let dir = path.parent().unwrap_or(Path::new("."));
        let io = |source: std::io::Error| RecordError::Write {
            path: path.to_owned(),
            source,
        };
        let mut tmp = tempfile::Builder::new()
            .prefix(".llmgw-parity.")
            .suffix(".tmp")
            .tempfile_in(dir)
            .map_err(io)?;
        {
            let mut w = std::io::BufWriter::new(tmp.as_file_mut());
            serde_json::to_writer_pretty(&mut w, v).map_err(|source| RecordError::Serialize {
                path: path.to_owned(),
                source,
            })?;
            w.write_all(b"\n").map_err(io)?;
            w.flush().map_err(io)?;
        }
        tmp.persist(path).map_err(|e| io(e.error))?;
        Ok(())
    }
}

/// Largest recording file read back: a body of `max_response_bytes` may
/// grow when escaped as JSON (`\n`, `\"`), so twice the limit plus room for
/// the rest of the exchange.
pub fn file_limit(max_response_bytes: usize) -> u64 {
    2 * max_response_bytes as u64 + (1 << 20)
}

/// Opens `path` for reading only if it is a regular file no larger than
/// `limit`. Opened non-blocking so a FIFO cannot hang the open, and checked
/// after opening (on the handle), so a link swapped in meanwhile to
/// `/dev/zero` or a FIFO is refused too.
pub fn open_regular(path: &Path, limit: u64) -> Result<std::fs::File, ReadError> {
    let mut o = std::fs::OpenOptions::new();
    o.read(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        o.custom_flags(libc::O_NONBLOCK);
    }
    let f = o.open(path)?;
    let m = f.metadata()?;
    if !m.is_file() {
        return Err(ReadError::NotRegular);
    }
    if m.len() > limit {
        return Err(ReadError::TooLarge {
            len: m.len(),
            limit,
        });
    }
    Ok(f)
}

/// Parse a JSON file opened by [`open_regular`], reading at most `limit`
/// bytes even if the file grows meanwhile.
fn read_json<T: serde::de::DeserializeOwned>(path: &Path, limit: u64) -> Result<T, ReadError> {
    use std::io::Read;
    let f = open_regular(path, limit)?;
    let r = std::io::BufReader::new(f.take(limit));
    serde_json::from_reader(r).map_err(|source| ReadError::Json { source })
}

pub fn read_meta(dir: &Path) -> Result<Meta, RecordError> {
    let p = dir.join("meta.json");
    let m: Meta = read_json(&p, 1 << 20).map_err(|source| RecordError::Meta {
        path: p.clone(),
        dir: dir.to_owned(),
        source,
    })?;
    if m.schema != 1 {
        return Err(RecordError::Schema {
            path: p,
            schema: m.schema,
        });
    }
    Ok(m)
}

/// Read a recorded exchange; a missing or unreadable file becomes a failed
/// exchange that says so, so the prompt is reported, not the run aborted.
pub fn read_exchange(path: &Path, request: SentRequest, limit: u64) -> Exchange {
    let fail = |message: String| Exchange {
        request: request.clone(),
        status: None,
        headers: Vec::new(),
        body: String::new(),
        failure: Some(Failure {
            kind: FailKind::Other,
            message,
        }),
        ttfb_ms: None,
        ttft_ms: None,
        total_ms: 0.0,
        attempts: 0,
        retries: Vec::new(),
    };
    if !path.exists() {
        return fail(format!(
            "not in the recording: {}; record again with --record",
            path.display()
        ));
    }
    match read_json::<Exchange>(path, limit) {
        Ok(ex) => ex,
        Err(e) => fail(format!("{}: unreadable recording: {e}", path.display())),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn meta() -> Meta {
        let cfg = crate::parity::config::parse(
            "c.yaml",
            "baseline: {base_url: 'http://a/v1', api_key_env: K}\ncandidate: {base_url: 'http://b/v1'}\n",
        )
        .unwrap();
        Meta {
            schema: 1,
            tool: "t".into(),
            golden: "g".into(),
            config: cfg,
        }
    }

    fn req() -> SentRequest {
        SentRequest {
            method: "POST".into(),
            url: "http://a/v1/chat/completions".into(),
            headers: vec![],
            body: None,
            raw_body: None,
        }
    }

    #[test]
    fn round_trips_and_names_only_the_variable() {
        let dir = tempfile::tempdir().unwrap();
        let rec = Recorder::new(dir.path(), &meta()).unwrap();
        let mut ex = read_exchange(&dir.path().join("missing.json"), req(), 1 << 20);
        assert!(ex
            .failure
            .as_ref()
            .unwrap()
            .message
            .contains("not in the recording"));
        ex.body = "{\"error\":\"x\"}".into();
        let p = dir.path().join("prompts/p/stream.baseline.json");
        rec.write(&p, &ex).unwrap();
        let back = read_exchange(&p, req(), 1 << 20);
        assert_eq!(back, ex);
        // meta.json names the variable, never a value.
        let meta = std::fs::read_to_string(dir.path().join("meta.json")).unwrap();
        assert!(meta.contains("\"api_key_env\": \"K\""));
        assert!(read_meta(dir.path()).is_ok());
    }

    #[cfg(unix)]
    #[test]
    fn never_writes_through_a_symlink() {
        let dir = tempfile::tempdir().unwrap();
        let outside = tempfile::tempdir().unwrap();
        let victim = outside.path().join("victim.txt");
        std::fs::write(&victim, "keep me").unwrap();
        let rec = Recorder::new(dir.path(), &meta()).unwrap();
        let ex = read_exchange(&dir.path().join("missing.json"), req(), 1 << 20);
        // A link where the file goes is replaced, not followed.
        std::fs::create_dir_all(dir.path().join("prompts/p")).unwrap();
        let p = dir.path().join("prompts/p/stream.baseline.json");
        std::os::unix::fs::symlink(&victim, &p).unwrap();
        rec.write(&p, &ex).unwrap();
        assert_eq!(std::fs::read_to_string(&victim).unwrap(), "keep me");
        assert!(!std::fs::symlink_metadata(&p)
            .unwrap()
            .file_type()
            .is_symlink());
        // A linked directory is refused.
        std::os::unix::fs::symlink(outside.path(), dir.path().join("prompts/q")).unwrap();
        let e = rec
            .write(&dir.path().join("prompts/q/stream.baseline.json"), &ex)
            .unwrap_err()
            .to_string();
        assert!(e.contains("symbolic link"), "{e}");
        assert_eq!(std::fs::read_dir(outside.path()).unwrap().count(), 1);
    }

    #[cfg(unix)]
    #[test]
    fn replay_opens_only_small_regular_files() {
        let dir = tempfile::tempdir().unwrap();
        let fifo = dir.path().join("fifo.json");
        let c = std::ffi::CString::new(fifo.to_str().unwrap()).unwrap();
        assert_eq!(unsafe { libc::mkfifo(c.as_ptr(), 0o600) }, 0);
        let zero = dir.path().join("zero.json");
        std::os::unix::fs::symlink("/dev/zero", &zero).unwrap();
        let big = dir.path().join("big.json");
        std::fs::write(&big, vec![b' '; 4096]).unwrap();
        for (p, want) in [
            (&fifo, "not a regular file"),
            (&zero, "not a regular file"),
            (&big, "over the"),
        ] {
            let start = std::time::Instant::now();
            let ex = read_exchange(p, req(), 1024);
            let msg = ex.failure.unwrap().message;
            assert!(msg.contains(want), "{msg}");
            assert!(start.elapsed() < std::time::Duration::from_secs(5));
        }
        std::fs::write(dir.path().join("meta.json"), "").unwrap();
        std::fs::remove_file(dir.path().join("meta.json")).unwrap();
        std::os::unix::fs::symlink("/dev/zero", dir.path().join("meta.json")).unwrap();
        let e = read_meta(dir.path()).unwrap_err().to_string();
        assert!(e.contains("not a regular file"), "{e}");
    }

    #[test]
    fn safe_names_stay_distinct() {
        assert_eq!(safe_name("hello-1"), "hello-1");
        let a = safe_name("a b");
        let b = safe_name("a_b");
        assert_ne!(a, b);
        assert!(a.starts_with("a_b-"));
        assert!(!safe_name("x:y*z").contains([':', '*']));
    }
}
