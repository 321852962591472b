//! `--negative`: requests that must fail. A gateway passes a case when it
//! answers with a 4xx and a JSON error body; the report says how it failed.

use serde::Serialize;
use serde_json::json;

use super::client::{Body, Outgoing};
use super::compare::CheckStatus;
use super::request::{self, Side};
use super::response::describe_error_body;
use super::Prepared;

/// Sent as the key in the wrong-key case. Looks like no real key format.
pub const WRONG_KEY: &str = "llmgw-migrate-parity-invalid-key-0000";
pub const UNKNOWN_MODEL: &str = "llmgw-migrate/no-such-model-parity-check";

#[derive(Debug, Clone, Serialize)]
pub struct NegativeResult {
    pub case: String,
    pub side: Side,
    pub status: CheckStatus,
    pub http_status: Option<u16>,
    pub json: bool,
    /// What the status means to a client: `credentials` (401/403),
    /// `malformed-request` (400/422), `unknown-model` (404), or `http-<code>`.
    pub class: Option<String>,
    /// The gateway's error as text, or why the case failed.
    pub detail: String,
}

/// Statuses a client treats alike: a 401 and a 403 both mean "fix the key",
/// a 400 and a 422 "fix the request".
pub fn status_class(status: u16) -> String {
    match status {
        401 | 403 => "credentials".into(),
        400 | 422 => "malformed-request".into(),
        404 => "unknown-model".into(),
        s => format!("http-{s}"),
    }
}

/// The two sides must fail the same way: a candidate whose status means
/// something else than the baseline's (400 vs 401 for a wrong key) fails
/// the case, and the report names both.
fn compare_classes(results: &mut [NegativeResult]) {
    let base: Vec<(String, u16, String)> = results
        .iter()
        .filter(|r| r.side == Side::Baseline)
        .filter_map(|r| Some((r.case.clone(), r.http_status?, r.class.clone()?)))
        .collect();
    for r in results.iter_mut().filter(|r| r.side == Side::Candidate) {
        let (Some(cs), Some(cc)) = (r.http_status, r.class.clone()) else {
            continue;
        };
        let Some((_, bs, bc)) = base.iter().find(|(case, _, _)| *case == r.case) else {
            continue;
        };
        if *bc != cc {
            r.detail = format!(
                "{}; status mismatch: baseline {bs} ({bc}), candidate {cs} ({cc})",
                r.detail
            );
            if r.status == CheckStatus::Pass {
                r.status = CheckStatus::Fail;
            }
        }
    }
}

pub async fn run(p: &Prepared, rules: &crate::rules::Rules) -> Vec<NegativeResult> {
    let first = p.prompts.first();
    let messages = first.map_or(json!([{"role":"user","content":"Say OK."}]), |pr| {
        json!(pr.messages)
    });
    let mut tasks = Vec::new();
    for side in [Side::Baseline, Side::Candidate] {
        let model = first
            .and_then(|pr| {
                let gw = match side {
                    Side::Baseline => &p.cfg.baseline,
                    Side::Candidate => &p.cfg.candidate,
                };
                request::choose_model(rules, gw, pr, side).ok()?.sent
            })
            .unwrap_or_else(|| "openai/gpt-4o-mini".into());
        let good = json!({"model": model, "messages": messages, "max_tokens": 1});
        let cases = [
            (
                "wrong-key",
                Some(Body::Json(good.clone())),
                Some(WRONG_KEY.to_owned()),
            ),
            (
                "unknown-model",
                Some(Body::Json(
                    json!({"model": UNKNOWN_MODEL, "messages": messages, "max_tokens": 1}),
                )),
                None,
            ),
            (
                "malformed-body",
                // Cut off mid-object: not JSON at all.
                Some(Body::Raw(format!(
                    "{{\"model\": \"{model}\", \"messages\": [{{\"role\": "
                ))),
                None,
            ),
        ];
        for (case, body, key) in cases {
            let out = Outgoing {
                method: reqwest::Method::POST,
                path: "/chat/completions".into(),
                body,
                stream: false,
                key_override: key,
            };
            tasks.push(async move {
                let rel = super::record::check_path(
                    std::path::Path::new(""),
                    &format!("negative.{case}.{}", side.as_str()),
                );
                let ex = p.transport.exchange(&p.cfg, side, &rel, &out).await;
                judge(
                    case,
                    side,
                    ex.status,
                    &ex.body,
                    ex.failure.as_ref().map(|f| f.message.as_str()),
                )
            });
        }
    }
    let mut results = futures_util::future::join_all(tasks).await;
    compare_classes(&mut results);
    results
}

pub fn judge(
    case: &str,
    side: Side,
    status: Option<u16>,
    body: &str,
    failure: Option<&str>,
) -> NegativeResult {
    let (desc, is_json) = describe_error_body(body);
    let (st, detail) = match (failure, status) {
        (Some(f), None) => (CheckStatus::Error, format!("no response: {f}")),
        (_, Some(s @ 400..=499)) if is_json => (CheckStatus::Pass, format!("HTTP {s}: {desc}")),
        (_, Some(s @ 400..=499)) => (
            CheckStatus::Fail,
            format!("HTTP {s} but the error body is not JSON ({desc})"),
        ),
        (_, Some(s @ 200..=299)) => (
            CheckStatus::Fail,
            format!("HTTP {s}: accepted a request that must fail"),
        ),
        (_, Some(s)) => (
            CheckStatus::Fail,
            format!("HTTP {s} (expected a 4xx): {desc}"),
        ),
        (None, None) => (CheckStatus::Error, "no response".into()),
    };
    // Any 4xx with JSON passes, but an auth failure that is not 401/403
    // surprises clients that branch on the status, so say so.
    let detail = match status {
        Some(s) if case == "wrong-key" && st == CheckStatus::Pass && s != 401 && s != 403 => {
            format!("{detail} (note: not 401/403)")
        }
        _ => detail,
    };
    NegativeResult {
        case: case.to_owned(),
        side,
        status: st,
        http_status: status,
        json: is_json,
        class: status.filter(|s| (400..500).contains(s)).map(status_class),
        detail,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn judging() {
        let r = judge(
            "wrong-key",
            Side::Baseline,
            Some(401),
            r#"{"error":{"code":401,"message":"No auth"}}"#,
            None,
        );
        assert_eq!(r.status, CheckStatus::Pass);
        assert!(r.detail.contains("No auth"));
        let r = judge(
            "unknown-model",
            Side::Candidate,
            Some(400),
            "Bad Request",
            None,
        );
        assert_eq!(r.status, CheckStatus::Fail);
        assert!(r.detail.contains("not JSON"));
        let r = judge(
            "malformed-body",
            Side::Candidate,
            Some(500),
            "{\"error\":\"x\"}",
            None,
        );
        assert_eq!(r.status, CheckStatus::Fail);
        let r = judge("unknown-model", Side::Candidate, Some(200), "{}", None);
        assert_eq!(r.status, CheckStatus::Fail);
        let r = judge("wrong-key", Side::Candidate, None, "", Some("refused"));
        assert_eq!(r.status, CheckStatus::Error);
    }

    #[test]
    fn status_classes_must_match() {
        let body = r#"{"error":{"message":"no"}}"#;
        let mut rs = vec![
            judge("wrong-key", Side::Baseline, Some(401), body, None),
            judge("wrong-key", Side::Candidate, Some(400), body, None),
            judge("unknown-model", Side::Baseline, Some(400), body, None),
            judge("unknown-model", Side::Candidate, Some(422), body, None),
            judge("malformed-body", Side::Baseline, Some(401), body, None),
            judge("malformed-body", Side::Candidate, Some(403), body, None),
        ];
        assert!(rs.iter().all(|r| r.status == CheckStatus::Pass));
        compare_classes(&mut rs);
        assert_eq!(rs[1].status, CheckStatus::Fail);
        assert!(
            rs[1].detail.ends_with(
                "status mismatch: baseline 401 (credentials), candidate 400 (malformed-request)"
            ),
            "{}",
            rs[1].detail
        );
        // Same meaning, other code: still a pass.
        assert_eq!(rs[3].status, CheckStatus::Pass);
        assert_eq!(rs[5].status, CheckStatus::Pass);
        assert_eq!(rs[0].status, CheckStatus::Pass);
    }
}
