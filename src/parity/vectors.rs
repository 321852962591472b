//! Embeddings answers -> comparisons (`endpoint: embeddings`): the same
//! number of vectors of the same dimension on both sides, and vectors that
//! point the same way (cosine per input, at least `expect.cosine`).

use serde_json::json;

use super::compare::{
    check, cost, model, pass_fail, response_check, timing_and_drift, tokens, Check, CheckStatus,
};
use super::golden::Prompt;
use super::meaning::cosine;
use super::response::Response;

/// All checks for one embeddings prompt.
pub fn compare(prompt: &Prompt, sent: (&str, &str), b: &Response, c: &Response) -> Vec<Check> {
    let e = &prompt.expect;
    let first = response_check(b, c);
    if first.status == CheckStatus::Error {
        return vec![first];
    }
    let inputs = match &prompt.input {
        Some(serde_json::Value::Array(items)) => items.len(),
        _ => 1,
    };
    let mut out = vec![first, shape(inputs, b, c)];
    out.push(cosines(e.cosine, b, c));
    if let Some(max) = e.cost_max_ratio {
        out.push(cost(max, b.cost, c.cost));
    }
    out.push(model(e, sent, b, c));
    let (bu, cu) = (b.usage, c.usage);
    out.push(tokens(
        "prompt_tokens",
        &e.prompt_tokens,
        bu.map(|u| u.prompt_tokens),
        cu.map(|u| u.prompt_tokens),
    ));
    out.push(tokens(
        "total_tokens",
        &e.total_tokens,
        bu.map(|u| u.total_tokens),
        cu.map(|u| u.total_tokens),
    ));
    out.extend(timing_and_drift(e, b, c, false));
    out
}

/// `[count, dimension]` of a side's vectors; the dimension is `null` when
/// they do not all have one.
fn dims(r: &Response) -> (usize, Option<usize>) {
    let d = r.vectors.first().map(Vec::len);
    let same = r.vectors.iter().all(|v| Some(v.len()) == d);
    (r.vectors.len(), d.filter(|_| same))
}

/// One vector per input on each side, all of one dimension, the same on
/// both sides.
fn shape(inputs: usize, b: &Response, c: &Response) -> Check {
    let (bd, cd) = (dims(b), dims(c));
    let mut problems = Vec::new();
    for (side, (n, d)) in [("baseline", bd), ("candidate", cd)] {
        if n != inputs {
            problems.push(format!("{side} returned {n} vectors for {inputs} inputs"));
        }
        if d.is_none() && n > 0 {
            problems.push(format!("{side}'s vectors differ in dimension"));
        }
    }
    if problems.is_empty() && bd.1 != cd.1 {
        problems.push(format!(
            "dimension differs: baseline {}, candidate {}",
            bd.1.unwrap_or(0),
            cd.1.unwrap_or(0)
        ));
    }
    let detail = if problems.is_empty() {
        format!("{inputs} x {} on both sides", bd.1.unwrap_or(0))
    } else {
        problems.join("; ")
    };
    check(
        "vectors",
        pass_fail(problems.is_empty()),
        json!({"count": bd.0, "dimension": bd.1}),
        json!({"count": cd.0, "dimension": cd.1}),
        detail,
    )
}

/// The cosine between the sides' vectors of each input; the lowest must
/// reach `min`. Vectors of different shapes cannot be compared (`skip`:
/// the `vectors` check already fails).
fn cosines(min: f64, b: &Response, c: &Response) -> Check {
    let each: Option<Vec<f64>> = if b.vectors.len() == c.vectors.len() {
        b.vectors
            .iter()
            .zip(&c.vectors)
            .map(|(x, y)| cosine(x, y))
            .collect()
    } else {
        None
    };
    let Some(each) = each.filter(|e| !e.is_empty()) else {
        return check(
            "cosine",
            CheckStatus::Skip,
            json!(null),
            json!(null),
            "not comparable: the vectors differ in number or dimension, or one is zero",
        );
    };
    let (worst, low) =
        each.iter().enumerate().fold(
            (0, f64::INFINITY),
            |(wi, w), (i, x)| {
                if *x < w {
                    (i, *x)
                } else {
                    (wi, w)
                }
            },
        );
    let detail = if each.len() == 1 {
        format!("cosine {low:.4} (need >= {min})")
    } else {
        format!(
            "lowest cosine {low:.4} at input {} of {} (need >= {min})",
            worst + 1,
            each.len()
        )
    };
    check(
        "cosine",
        pass_fail(low >= min),
        json!(null),
        json!(each
            .iter()
            .map(|x| (x * 1e6).round() / 1e6)
            .collect::<Vec<_>>()),
        detail,
    )
}

#[cfg(test)]
mod tests {
    use super::*;

    fn side(vectors: Vec<Vec<f64>>) -> Response {
        Response {
            status: Some(200),
            vectors,
            usage: Some(super::super::response::Usage {
                prompt_tokens: 4,
                completion_tokens: 0,
                total_tokens: 4,
            }),
            ..Response::default()
        }
    }

    #[test]
    fn shape_and_cosine_decide() {
        let b = side(vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 0.0]]);
        let same = shape(2, &b, &b);
        assert_eq!(same.status, CheckStatus::Pass);
        assert_eq!(same.detail, "2 x 3 on both sides");
        assert_eq!(cosines(0.99, &b, &b).status, CheckStatus::Pass);
        // Second input drifts: named, and the lowest decides.
        let c = side(vec![vec![1.0, 0.0, 0.0], vec![0.0, 1.0, 1.0]]);
        let k = cosines(0.99, &b, &c);
        assert_eq!(k.status, CheckStatus::Fail);
        assert!(k.detail.contains("0.7071 at input 2 of 2"), "{}", k.detail);
        // Another dimension: shape fails, cosine cannot be computed.
        let d = side(vec![vec![1.0, 0.0], vec![0.0, 1.0]]);
        let s = shape(2, &b, &d);
        assert_eq!(s.status, CheckStatus::Fail);
        assert_eq!(s.detail, "dimension differs: baseline 3, candidate 2");
        assert_eq!(cosines(0.99, &b, &d).status, CheckStatus::Skip);
        // A vector missing.
        let e = side(vec![vec![1.0, 0.0, 0.0]]);
        assert!(shape(2, &b, &e)
            .detail
            .contains("candidate returned 1 vectors for 2 inputs"));
    }
}
