//! The "does this file mention any trigger at all" test that keeps most
//! files from ever being decoded or lexed. Matching is ASCII
//! case-insensitive, but done as a case-sensitive search over a lowercased
//! copy of each chunk: aho-corasick only uses its SIMD (Teddy) search for
//! case-sensitive patterns, and its byte-at-a-time automaton was a third of
//! the scan's CPU time on a large tree.

use std::cell::RefCell;

use aho_corasick::{AhoCorasick, MatchKind};

/// Bytes lowercased and searched at a time: small enough to stay in cache.
const CHUNK: usize = 64 * 1024;

pub struct Prefilter {
    ac: AhoCorasick,
    /// Longest literal minus one: chunks overlap by this much so a literal
    /// across a chunk boundary is still seen.
    overlap: usize,
}

impl Prefilter {
    pub fn new(literals: &[String]) -> Prefilter {
        let lits: Vec<Vec<u8>> = literals
            .iter()
            .map(|l| l.as_bytes().to_ascii_lowercase())
            .filter(|l| !l.is_empty())
            .collect();
        let overlap = lits.iter().map(Vec::len).max().unwrap_or(1) - 1;
        Prefilter {
            // Only leftmost match kinds get the packed (SIMD) prefilter.
            ac: AhoCorasick::builder()
                .match_kind(MatchKind::LeftmostFirst)
                .build(&lits)
                .expect("literal patterns"),
            overlap,
        }
    }

    /// Whether `bytes` contains any literal, ignoring ASCII case.
    pub fn is_match(&self, bytes: &[u8]) -> bool {
        thread_local! {
            static SCRATCH: RefCell<Vec<u8>> = const { RefCell::new(Vec::new()) };
        }
        SCRATCH.with(|s| {
            let mut buf = s.borrow_mut();
            let mut start = 0;
            loop {
                let end = (start + CHUNK).min(bytes.len());
                buf.clear();
                buf.extend_from_slice(&bytes[start..end]);
                buf.make_ascii_lowercase();
                if self.ac.is_match(buf.as_slice()) {
                    return true;
                }
                if end == bytes.len() {
                    return false;
                }
                start = end - self.overlap;
            }
        })
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn matches_any_case_and_across_chunk_boundaries() {
        let p = Prefilter::new(&["openrouter".into(), "Sk-Or-".into(), "google/".into()]);
        assert!(p.is_match(b"x = 'OpenRouter'"));
        assert!(p.is_match(b"SK-OR-v1"));
        assert!(!p.is_match(b"open router, googl/"));
        assert!(!p.is_match(b""));
        // A literal straddling every possible chunk boundary position.
        for shift in 0..12 {
            let mut v = vec![b'a'; CHUNK - shift];
            v.extend_from_slice(b"OPENrouter");
            v.extend(vec![b'b'; CHUNK]);
            assert!(p.is_match(&v), "shift {shift}");
            // Break the literal's last letter: nothing matches any more.
            v[CHUNK - shift + 9] = b'_';
            assert!(!p.is_match(&v), "shift {shift}");
        }
        // Non-ASCII bytes are compared exactly, never case-folded.
        assert!(!p.is_match("ＯＰＥＮＲＯＵＴＥＲ".as_bytes()));
    }
}
