//! Do two answers mean the same? `expect.text: {judge: ...}` asks a judge
//! model; `{embedding: X}` compares the answers' embeddings by cosine. Both
//! go through the transport, so they are recorded and replay offline. Each
//! exchange is stored under a hash of its request, so a replay finds it
//! whatever order the run asked in, and a changed rubric or answer is "not
//! in the recording" rather than a wrong verdict.

use std::path::PathBuf;

use serde_json::{json, Value};

use super::client::{Body, Outgoing};
use super::compare::parse_json_text;
use super::golden::{Mode, TextExpect};
use super::response::{self, describe_error_body};
use super::Prepared;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Helper {
    Judge,
    Embeddings,
}

impl Helper {
    pub fn as_str(self) -> &'static str {
        match self {
            Helper::Judge => "judge",
            Helper::Embeddings => "embeddings",
        }
    }
}

/// Why a meaning check could not decide; the check is then an error,
/// never a guess.
#[derive(Debug, thiserror::Error)]
pub enum Undecided {
    #[error("no {}: in the config", .0.as_str())]
    NoSection(Helper),
    #[error("no {} configured", .0.as_str())]
    NotConfigured(Helper),
    #[error("no {} client", .0.as_str())]
    NoClient(Helper),
    #[error("judge: {0}")]
    JudgeFailed(String),
    #[error("judge reply is not {{\"same\": true|false, \"reason\": ...}}: {0}")]
    JudgeReply(String),
    #[error("embeddings: {0}")]
    Embeddings(#[from] EmbeddingsError),
    #[error("not a meaning check")]
    NotMeaning,
}

/// What went wrong with the embeddings server's answer.
#[derive(Debug, thiserror::Error)]
pub enum EmbeddingsError {
    #[error("{0}")]
    Failed(String),
    #[error("HTTP {status}: {detail}")]
    Http { status: u16, detail: String },
    #[error("no response")]
    NoResponse,
    #[error("answer is not JSON ({0})")]
    NotJson(serde_json::Error),
    #[error("answer has no data list")]
    NoData,
    #[error("an item has no embedding (a list of numbers or a base64 string)")]
    NoEmbedding,
    #[error("a base64 embedding is not base64 of little-endian float32s")]
    Base64,
    #[error("an embedding holds a non-number")]
    NotNumber,
    #[error("{0} vectors for 2 inputs")]
    Count(usize),
    #[error("vectors of different dimension or zero")]
    Dimension,
}

/// What the judge is told; the rubric and both answers follow verbatim.
pub const JUDGE_SYSTEM: &str = "You compare two answers to the same request. Decide whether the candidate answer says the same as the baseline answer: the same facts, the same decision (yes/no, allowed/refused), the same numbers, even if worded differently. Differences in style, length or formatting do not matter unless the rubric says so. Reply with a JSON object only: {\"same\": true or false, \"reason\": \"one sentence\"}.";

/// The judge's request body.
pub fn judge_body(model: &str, rubric: Option<&str>, baseline: &str, candidate: &str) -> Value {
    let rubric = rubric.unwrap_or("Same meaning.");
    json!({
        "model": model,
        "temperature": 0,
        "response_format": {"type": "json_object"},
        "messages": [
            {"role": "system", "content": JUDGE_SYSTEM},
            {"role": "user", "content": format!(
                "Rubric: {rubric}\n\nBaseline answer:\n<<<\n{baseline}\n>>>\n\nCandidate answer:\n<<<\n{candidate}\n>>>"
            )}
        ]
    })
}

pub fn embeddings_body(model: &str, a: &str, b: &str) -> Value {
    json!({"model": model, "input": [a, b]})
}

fn rel(id: &str, mode: Mode, which: Helper, body: &Value) -> PathBuf {
    let h = crate::rules::sha12(body.to_string().as_bytes());
    super::record::prompt_path(
        std::path::Path::new(""),
        id,
        mode.as_str(),
        &format!("{}.{h}", which.as_str()),
    )
}

/// Whether `a` (baseline) and `b` (candidate) agree by the meaning check,
/// and why; `Err` when the helper could not decide.
pub async fn agree(
    p: &Prepared,
    id: &str,
    mode: Mode,
    expect: &TextExpect,
    a: &str,
    b: &str,
) -> Result<(bool, String), Undecided> {
    match expect {
        TextExpect::Judge(rubric) => {
            let svc = p
                .cfg
                .judge
                .as_ref()
                .ok_or(Undecided::NoSection(Helper::Judge))?;
            let body = judge_body(&svc.model, rubric.as_deref(), a, b);
            let ex = p
                .transport
                .helper_exchange(
                    &p.cfg,
                    Helper::Judge,
                    &rel(id, mode, Helper::Judge, &body),
                    &post("/chat/completions", body),
                )
                .await?;
            let r = response::parse(&ex, Mode::NonStream, super::golden::Endpoint::Chat);
            if let Some(e) = r.error {
                return Err(Undecided::JudgeFailed(e));
            }
            judge_verdict(&r.text)
        }
        TextExpect::Embedding(min) => {
            let svc = p
                .cfg
                .embeddings
                .as_ref()
                .ok_or(Undecided::NoSection(Helper::Embeddings))?;
            let body = embeddings_body(&svc.model, a, b);
            let ex = p
                .transport
                .helper_exchange(
                    &p.cfg,
                    Helper::Embeddings,
                    &rel(id, mode, Helper::Embeddings, &body),
                    &post("/embeddings", body),
                )
                .await?;
            let vs = embedding_vectors(&ex)?;
            let [x, y] = &vs[..] else {
                return Err(EmbeddingsError::Count(vs.len()).into());
            };
            let c = cosine(x, y).ok_or(EmbeddingsError::Dimension)?;
            Ok((c >= *min, format!("cosine {c:.3} (need >= {min})")))
        }
        _ => Err(Undecided::NotMeaning),
    }
}

/// The vectors of a successful `/embeddings` exchange.
fn embedding_vectors(ex: &super::client::Exchange) -> Result<Vec<Vec<f64>>, EmbeddingsError> {
    if let Some(f) = &ex.failure {
        return Err(EmbeddingsError::Failed(f.message.clone()));
    }
    match ex.status {
        Some(200..=299) => vectors(&ex.body),
        Some(status) => Err(EmbeddingsError::Http {
            status,
            detail: describe_error_body(&ex.body).0,
        }),
        None => Err(EmbeddingsError::NoResponse),
    }
}

fn post(path: &str, body: Value) -> Outgoing {
    Outgoing {
        method: reqwest::Method::POST,
        path: path.into(),
        body: Some(Body::Json(body)),
        stream: false,
        key_override: None,
    }
}

/// `{"same": bool, "reason": "..."}` from the judge's answer.
pub fn judge_verdict(text: &str) -> Result<(bool, String), Undecided> {
    let v = parse_json_text(text);
    let same = v
        .as_ref()
        .and_then(|v| v.get("same"))
        .and_then(Value::as_bool);
    let Some(same) = same else {
        let shown: String = text.chars().take(200).collect();
        return Err(Undecided::JudgeReply(shown));
    };
    let reason = v
        .as_ref()
        .and_then(|v| v.get("reason"))
        .and_then(Value::as_str)
        .unwrap_or("")
        .trim()
        .to_owned();
    Ok((
        same,
        format!(
            "judge: {} ({})",
            if same { "same" } else { "different" },
            if reason.is_empty() {
                "no reason given"
            } else {
                reason.as_str()
            }
        ),
    ))
}

/// The vectors of an OpenAI `/embeddings` answer, in input order.
pub fn vectors(body: &str) -> Result<Vec<Vec<f64>>, EmbeddingsError> {
    let v: Value = serde_json::from_str(body).map_err(EmbeddingsError::NotJson)?;
    let data = v
        .get("data")
        .and_then(Value::as_array)
        .ok_or(EmbeddingsError::NoData)?;
    let mut out: Vec<(u64, Vec<f64>)> = Vec::new();
    for (i, d) in data.iter().enumerate() {
        let xs = match d.get("embedding") {
            Some(Value::Array(e)) => e
                .iter()
                .map(Value::as_f64)
                .collect::<Option<Vec<f64>>>()
                .ok_or(EmbeddingsError::NotNumber)?,
            Some(Value::String(b64)) => base64_floats(b64)?,
            _ => return Err(EmbeddingsError::NoEmbedding),
        };
        let idx = d.get("index").and_then(Value::as_u64).unwrap_or(i as u64);
        out.push((idx, xs));
    }
    out.sort_by_key(|(i, _)| *i);
    Ok(out.into_iter().map(|(_, v)| v).collect())
}

/// `encoding_format: base64`: the raw little-endian float32 array.
fn base64_floats(s: &str) -> Result<Vec<f64>, EmbeddingsError> {
    use base64::Engine as _;
    let bytes = base64::engine::general_purpose::STANDARD
        .decode(s.trim())
        .map_err(|_| EmbeddingsError::Base64)?;
    if bytes.len() % 4 != 0 {
        return Err(EmbeddingsError::Base64);
    }
    Ok(bytes
        .chunks_exact(4)
        .map(|c| f64::from(f32::from_le_bytes([c[0], c[1], c[2], c[3]])))
        .collect())
}

/// Cosine similarity; `None` for different dimensions or a zero vector.
pub fn cosine(a: &[f64], b: &[f64]) -> Option<f64> {
    if a.len() != b.len() || a.is_empty() {
        return None;
    }
    let dot: f64 = a.iter().zip(b).map(|(x, y)| x * y).sum();
    let na = a.iter().map(|x| x * x).sum::<f64>().sqrt();
    let nb = b.iter().map(|x| x * x).sum::<f64>().sqrt();
    (na > 0.0 && nb > 0.0).then(|| dot / (na * nb))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judge_replies_are_read_strictly() {
        let (same, d) = judge_verdict(r#"{"same": false, "reason": "yes vs no"}"#).unwrap();
        assert!(!same);
        assert_eq!(d, "judge: different (yes vs no)");
        assert!(judge_verdict("```json\n{\"same\": true}\n```").unwrap().0);
        let e = judge_verdict("They are the same.").unwrap_err();
        assert!(e.to_string().contains("not {\"same\""), "{e}");
        assert!(judge_verdict(r#"{"same": "yes"}"#).is_err());
    }

    #[test]
    fn the_judge_gets_the_rubric_and_both_answers_verbatim() {
        let b = judge_body(
            "m",
            Some("Refund decisions must match."),
            "Yes, 30 days.",
            "No.",
        );
        assert_eq!(b["temperature"], 0);
        assert_eq!(b["response_format"]["type"], "json_object");
        let user = b["messages"][1]["content"].as_str().unwrap();
        for part in ["Refund decisions must match.", "Yes, 30 days.", "No."] {
            assert!(user.contains(part), "{user}");
        }
    }

    #[test]
    fn cosine_and_vectors() {
        assert!((cosine(&[1.0, 0.0], &[1.0, 0.0]).unwrap() - 1.0).abs() < 1e-12);
        assert!(cosine(&[1.0, 0.0], &[0.0, 1.0]).unwrap().abs() < 1e-12);
        assert!(cosine(&[1.0], &[1.0, 2.0]).is_none());
        assert!(cosine(&[0.0, 0.0], &[1.0, 2.0]).is_none());
        let v =
            vectors(r#"{"data":[{"index":1,"embedding":[0,1]},{"index":0,"embedding":[1,0]}]}"#)
                .unwrap();
        assert_eq!(v, vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
        assert!(vectors(r#"{"data":[{"embedding":"AAAA"}]}"#).is_err());
    }
}
