//! Every choice of a request with `params.n > 1` -> one `choices` check.
//!
//! At temperature 0 the choices are compared in order (choice i with
//! choice i): a deterministic model gives them in a fixed order. Otherwise
//! they are samples, so they are compared as a set: each baseline choice
//! must be matched to a different candidate choice that the text check
//! accepts (a maximum bipartite matching, so a greedy first pick cannot
//! hide a possible pairing).

use serde_json::json;

use super::compare::{check, pass_fail, Check};
use super::golden::Prompt;
use super::response::Choice;

/// Whether the prompt's choices are compared in order.
pub fn ordered(prompt: &Prompt) -> bool {
    prompt
        .params
        .get("temperature")
        .and_then(serde_json::Value::as_f64)
        == Some(0.0)
}

/// The (baseline, candidate) choice index pairs whose verdicts the check
/// needs.
pub fn needed(ordered: bool, nb: usize, nc: usize) -> Vec<(usize, usize)> {
    if ordered {
        (0..nb.min(nc)).map(|i| (i, i)).collect()
    } else {
        (0..nb).flat_map(|i| (0..nc).map(move |j| (i, j))).collect()
    }
}

/// The check, from the verdict of each needed pair (`agree(i, j)`: the
/// text check accepts baseline choice i against candidate choice j).
pub fn check_choices(
    n: usize,
    ordered: bool,
    b: &[Choice],
    c: &[Choice],
    agree: impl Fn(usize, usize) -> bool,
    measure: &str,
) -> Check {
    let mut problems = Vec::new();
    if b.len() != n || c.len() != n {
        problems.push(format!(
            "asked for n = {n}: baseline returned {} choice(s), candidate {}",
            b.len(),
            c.len()
        ));
    }
    let how = if ordered { "in order" } else { "as a set" };
    if ordered {
        let differ: Vec<String> = (0..b.len().min(c.len()))
            .filter(|&i| !agree(i, i))
            .map(|i| (i + 1).to_string())
            .collect();
        if !differ.is_empty() {
            problems.push(format!(
                "choice(s) {} differ ({measure})",
                differ.join(", ")
            ));
        }
    } else {
        let pairs = matching(b.len(), c.len(), &agree);
        let matched: Vec<bool> = (0..b.len())
            .map(|i| pairs.iter().any(|(x, _)| *x == i))
            .collect();
        let alone: Vec<String> = matched
            .iter()
            .enumerate()
            .filter(|(_, m)| !**m)
            .map(|(i, _)| (i + 1).to_string())
            .collect();
        if !alone.is_empty() && !c.is_empty() {
            problems.push(format!(
                "baseline choice(s) {} match no candidate choice ({measure})",
                alone.join(", ")
            ));
        }
    }
    let detail = if problems.is_empty() {
        format!("{n} choices on each side agree {how} ({measure})")
    } else {
        format!("{} [{how}]", problems.join("; "))
    };
    let texts = |x: &[Choice]| json!(x.iter().map(|c| c.text.as_str()).collect::<Vec<_>>());
    check(
        "choices",
        pass_fail(problems.is_empty()),
        texts(b),
        texts(c),
        detail,
    )
}

/// A maximum matching of baseline to candidate choices over the pairs
/// that agree (Kuhn's augmenting paths; n is at most 128).
fn matching(nb: usize, nc: usize, agree: &impl Fn(usize, usize) -> bool) -> Vec<(usize, usize)> {
    let ok: Vec<Vec<bool>> = (0..nb)
        .map(|i| (0..nc).map(|j| agree(i, j)).collect())
        .collect();
    let mut owner: Vec<Option<usize>> = vec![None; nc];
    fn augment(i: usize, ok: &[Vec<bool>], seen: &mut [bool], owner: &mut [Option<usize>]) -> bool {
        for j in 0..owner.len() {
            if ok[i][j] && !seen[j] {
                seen[j] = true;
                if owner[j].is_none_or(|k| augment(k, ok, seen, owner)) {
                    owner[j] = Some(i);
                    return true;
                }
            }
        }
        false
    }
    for i in 0..nb {
        let mut seen = vec![false; nc];
        augment(i, &ok, &mut seen, &mut owner);
    }
    owner
        .iter()
        .enumerate()
        .filter_map(|(j, o)| o.map(|i| (i, j)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::parity::compare::CheckStatus;

    fn ch(texts: &[&str]) -> Vec<Choice> {
        texts
            .iter()
            .enumerate()
            .map(|(i, t)| Choice {
                index: i as u64,
                text: (*t).into(),
                finish_reason: Some("stop".into()),
            })
            .collect()
    }

    fn run(n: usize, ordered: bool, b: &[&str], c: &[&str]) -> Check {
        let (b, c) = (ch(b), ch(c));
        let agree = |i: usize, j: usize| b[i].text == c[j].text;
        check_choices(n, ordered, &b, &c, agree, "exact")
    }

    #[test]
    fn order_matters_only_at_temperature_zero() {
        let b = ["a", "b", "c"];
        let swapped = ["c", "a", "b"];
        assert_eq!(run(3, true, &b, &b).status, CheckStatus::Pass);
        let k = run(3, true, &b, &swapped);
        assert_eq!(k.status, CheckStatus::Fail);
        assert!(
            k.detail.contains("choice(s) 1, 2, 3 differ"),
            "{}",
            k.detail
        );
        assert_eq!(run(3, false, &b, &swapped).status, CheckStatus::Pass);
        // As a set each candidate choice is used once.
        let k = run(2, false, &["a", "a"], &["a", "b"]);
        assert_eq!(k.status, CheckStatus::Fail);
        assert!(
            k.detail.contains("baseline choice(s) 2 match no candidate"),
            "{}",
            k.detail
        );
    }

    #[test]
    fn matching_finds_the_pairing_a_greedy_pick_misses() {
        // Baseline 1 agrees with both candidates, baseline 2 only with the
        // first: greedy pairs 1-1 and strands 2; the matching pairs 1-2, 2-1.
        let ok = |i: usize, j: usize| i == 0 || j == 0;
        let m = matching(2, 2, &ok);
        assert_eq!(m.len(), 2);
    }

    #[test]
    fn fewer_choices_than_asked_is_named() {
        let k = run(2, false, &["a", "b"], &["a"]);
        assert_eq!(k.status, CheckStatus::Fail);
        assert!(
            k.detail
                .starts_with("asked for n = 2: baseline returned 2 choice(s), candidate 1"),
            "{}",
            k.detail
        );
        assert_eq!(needed(true, 3, 2), vec![(0, 0), (1, 1)]);
        assert_eq!(needed(false, 2, 2).len(), 4);
    }
}
