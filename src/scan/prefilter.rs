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

/// Teddy, aho-corasick's SIMD search, takes at most 64 patterns; with more
/// it falls back to a byte-at-a-time automaton about twice as slow as ripgrep
/// on a large tree. Literals are therefore searched in groups of this size.
const TEDDY_LIMIT: usize = 64;

pub struct Prefilter {
    /// One searcher per group of at most `TEDDY_LIMIT` literals.
    acs: Vec<AhoCorasick>,
    /// Per searcher, per pattern: a model-author prefix (`google/`), which
    /// counts only where a token starts (see `token_start`).
    prefixes: Vec<Vec<bool>>,
    /// Longest literal minus one: chunks overlap by this much so a literal
    /// across a chunk boundary is still seen.
    overlap: usize,
}

impl Prefilter {
    pub fn new(literals: &[String]) -> Prefilter {
        let mut lits: Vec<Vec<u8>> = literals
            .iter()
            .map(|l| l.as_bytes().to_ascii_lowercase())
            .filter(|l| !l.is_empty())
            .collect();
        lits.sort();
        lits.dedup();
        // A literal that contains another (`@openrouter/sdk`, `openrouter`)
        // can never be the only one present: it adds nothing to the test.
        let contains = |hay: &[u8], needle: &[u8]| {
            hay.len() > needle.len() && hay.windows(needle.len()).any(|w| w == needle)
        };
        let kept: Vec<Vec<u8>> = lits
            .iter()
            .filter(|l| !lits.iter().any(|o| contains(l, o)))
            .cloned()
            .collect();
        let overlap = kept.iter().map(Vec::len).max().unwrap_or(1) - 1;
        let prefixes = kept
            .chunks(TEDDY_LIMIT)
            .map(|group| group.iter().map(|l| l.ends_with(b"/")).collect())
            .collect();
        let acs = kept
            .chunks(TEDDY_LIMIT)
            .map(|group| {
                // Only leftmost match kinds get the packed (SIMD) prefilter.
                AhoCorasick::builder()
                    .match_kind(MatchKind::LeftmostFirst)
                    .build(group)
                    .expect("literal patterns")
            })
            .collect();
        Prefilter {
            acs,
            prefixes,
            overlap,
        }
    }

    /// Whether the lowercased chunk `buf` (at `offset` in `bytes`) holds a
    /// literal that counts.
    fn any_in(&self, buf: &[u8], bytes: &[u8], offset: usize) -> bool {
        self.acs.iter().zip(&self.prefixes).any(|(ac, prefix)| {
            ac.find_iter(buf).any(|m| {
                let at = offset + m.start();
                !prefix[m.pattern().as_usize()] || token_start(bytes, at)
            })
        })
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
                if self.any_in(&buf, bytes, start) {
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

/// A model id starts a token: an author prefix right after a letter, digit,
/// `_`, `.` or `/` is part of something else (`github.com/google/`,
/// `src/writer/`), which is most of what such prefixes match in source
/// trees. The detectors ask the same of ids inside longer strings.
fn token_start(bytes: &[u8], at: usize) -> bool {
    at == 0 || {
        let b = bytes[at - 1];
        !(b.is_ascii_alphanumeric() || matches!(b, b'_' | b'.' | b'/'))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn more_literals_than_one_simd_searcher_takes() {
        // 150 distinct literals, plus ones that contain another.
        let mut lits: Vec<String> = (0..150).map(|i| format!("author{i:03}/")).collect();
        lits.push("@openrouter/sdk".into());
        lits.push("openrouter".into());
        let p = Prefilter::new(&lits);
        assert_eq!(p.acs.len(), 3, "151 kept literals in groups of 64");
        for l in [
            "author000/",
            "AUTHOR149/",
            "x @OpenRouter/sdk",
            "openrouter",
        ] {
            assert!(p.is_match(l.as_bytes()), "{l}");
        }
        assert!(!p.is_match(b"author150/ author/"));
    }

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

    #[test]
    fn author_prefixes_count_only_where_a_token_starts() {
        let p = Prefilter::new(&["openrouter".into(), "google/".into()]);
        for hit in [
            &b"model = \"google/gemini-2.5-flash\""[..],
            b"google/gemma at the start",
            b"- Google/Gemini",
            b"id=google/x",
            b"alias ~google/gemini-pro-latest",
            b"see github.com/google/x and openrouter",
        ] {
            assert!(p.is_match(hit), "{}", String::from_utf8_lossy(hit));
        }
        for miss in [
            &b"https://github.com/google/brotli"[..],
            b"vendor/google/protobuf",
            b"my_google/x",
            b"www.google/",
        ] {
            assert!(!p.is_match(miss), "{}", String::from_utf8_lossy(miss));
        }
        // A rejected hit does not hide a later one in the same chunk.
        assert!(p.is_match(b"github.com/google/x then model: google/gemini"));
    }
}
