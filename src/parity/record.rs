//! `--record DIR` / `--replay DIR`: every exchange as one JSON file, with
//! credentials removed, so CI can rerun the comparison offline.
//!
//! Layout: `meta.json` (config without keys), `prompts/<id>/<mode>.<side>.json`,
//! `checks/models.candidate.json`, `checks/negative.<case>.<side>.json`.

use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::client::{Exchange, FailKind, Failure, SentRequest};
use super::config::Config;

pub const REDACTED: &str = "[REDACTED]";

#[derive(Debug, Serialize, Deserialize)]
pub struct Meta {
    pub schema: u32,
    pub tool: String,
    pub golden: String,
    pub config: Config,
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

/// Writes exchanges with every secret removed.
#[derive(Debug, Clone)]
pub struct Recorder {
    pub dir: PathBuf,
    secrets: Vec<String>,
}

impl Recorder {
    pub fn new(dir: &Path, secrets: Vec<String>, meta: &Meta) -> anyhow::Result<Recorder> {
        std::fs::create_dir_all(dir)
            .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", dir.display()))?;
        let r = Recorder {
            dir: dir.to_owned(),
            secrets: secrets.into_iter().filter(|s| s.len() >= 4).collect(),
        };
        r.write_json(&dir.join("meta.json"), meta)?;
        Ok(r)
    }

    pub fn write(&self, path: &Path, ex: &Exchange) -> anyhow::Result<()> {
        self.write_json(path, ex)
    }

    fn write_json<T: Serialize>(&self, path: &Path, v: &T) -> anyhow::Result<()> {
        let mut text = serde_json::to_string_pretty(v)?;
        // Belt and braces: credentials are never put in an exchange, but a
        // gateway could echo one back in a body or header.
        for s in &self.secrets {
            text = text.replace(s.as_str(), REDACTED);
        }
        text.push('\n');
        if let Some(p) = path.parent() {
            std::fs::create_dir_all(p)
                .map_err(|e| anyhow::anyhow!("{}: cannot create: {e}", p.display()))?;
        }
        std::fs::write(path, text)
            .map_err(|e| anyhow::anyhow!("{}: cannot write: {e}", path.display()))
    }
}

pub fn read_meta(dir: &Path) -> anyhow::Result<Meta> {
    let p = dir.join("meta.json");
    let text = std::fs::read_to_string(&p).map_err(|e| {
        anyhow::anyhow!(
            "{}: cannot read ({e}); is {} a directory written by --record?",
            p.display(),
            dir.display()
        )
    })?;
    let m: Meta = serde_json::from_str(&text)
        .map_err(|e| anyhow::anyhow!("{}:{}:{}: {e}", p.display(), e.line(), e.column()))?;
    if m.schema != 1 {
        anyhow::bail!("{}: unsupported recording schema {}", p.display(), m.schema);
    }
    Ok(m)
}

/// Read a recorded exchange; a missing or unreadable file becomes a failed
/// exchange that says so, so the prompt is reported, not the run aborted.
pub fn read_exchange(path: &Path, request: SentRequest) -> Exchange {
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
    match std::fs::read_to_string(path) {
        Err(e) => fail(format!(
            "not in the recording: {} ({e}); record again with --record",
            path.display()
        )),
        Ok(text) => match serde_json::from_str::<Exchange>(&text) {
            Ok(ex) => ex,
            Err(e) => fail(format!(
                "{}:{}:{}: unreadable recording: {e}",
                path.display(),
                e.line(),
                e.column()
            )),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_key_echoed_by_a_gateway_is_redacted() {
        let dir = tempfile::tempdir().unwrap();
        let key = "sk-or-v1-abcdefabcdefabcdefabcdef0123";
        let cfg = crate::parity::config::parse(
            "c.yaml",
            "baseline: {base_url: 'http://a/v1', api_key_env: K}\ncandidate: {base_url: 'http://b/v1'}\n",
        )
        .unwrap();
        let meta = Meta {
            schema: 1,
            tool: "t".into(),
            golden: "g".into(),
            config: cfg,
        };
        let rec = Recorder::new(dir.path(), vec![key.into()], &meta).unwrap();
        let mut ex = read_exchange(
            &dir.path().join("missing.json"),
            SentRequest {
                method: "POST".into(),
                url: "http://a/v1/chat/completions".into(),
                headers: vec![],
                body: None,
                raw_body: None,
            },
        );
        ex.body = format!("{{\"error\":\"invalid key {key}\"}}");
        ex.headers = vec![("x-echo".into(), key.into())];
        let p = dir.path().join("prompts/p/stream.baseline.json");
        rec.write(&p, &ex).unwrap();
        let text = std::fs::read_to_string(&p).unwrap();
        assert!(!text.contains(key));
        assert_eq!(text.matches(REDACTED).count(), 2);
        let back = read_exchange(&p, ex.request.clone());
        assert!(back.body.contains("invalid key [REDACTED]"));
        // meta.json names the variable, never a value.
        let meta = std::fs::read_to_string(dir.path().join("meta.json")).unwrap();
        assert!(meta.contains("\"api_key_env\": \"K\""));
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
