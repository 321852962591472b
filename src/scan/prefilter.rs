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
    /// The model-author prefixes made of `[a-z0-9-]` (nearly all of them).
    authors: Authors,
    /// Longest literal minus one: chunks overlap by this much so a literal
    /// across a chunk boundary is still seen.
    overlap: usize,
}

/// Model-author prefixes (`google/`, `meta-llama/`), found from each `/`
/// backwards instead of by the SIMD search: sixty short, common words
/// (`meta`, `writer`, `google`) made Teddy verify a candidate every few
/// bytes, a third of the scan's time on real repositories.
struct Authors {
    /// Without their `/`, sorted.
    names: Vec<Vec<u8>>,
    longest: usize,
}

impl Authors {
    fn is_author_byte(b: u8) -> bool {
        b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'
    }

    /// Whether an author prefix starts a token in the lowercased chunk
    /// `lower` (at `offset` in `bytes`).
    fn any_in(&self, lower: &[u8], bytes: &[u8], offset: usize) -> bool {
        if self.names.is_empty() {
            return false;
        }
        memchr::memchr_iter(b'/', lower).any(|slash| {
            let lo = slash.saturating_sub(self.longest);
            (lo..slash)
                .rev()
                .take_while(|&k| Self::is_author_byte(lower[k]))
                .any(|k| {
                    token_start(bytes, offset + k)
                        && self
                            .names
                            .binary_search_by(|n| n.as_slice().cmp(&lower[k..slash]))
                            .is_ok()
                })
        })
    }
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
        let (authors, kept): (Vec<Vec<u8>>, Vec<Vec<u8>>) = kept.into_iter().partition(|l| {
            l.len() > 1
                && l.ends_with(b"/")
                && l[..l.len() - 1].iter().all(|&b| Authors::is_author_byte(b))
        });
        let authors = Authors {
            longest: authors.iter().map(|a| a.len() - 1).max().unwrap_or(0),
            names: authors
                .into_iter()
                .map(|mut a| {
                    a.pop();
                    a
                })
                .collect(),
        };
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
            authors,
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
        }) || self.authors.any_in(buf, bytes, offset)
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
        let mut lits: Vec<String> = (0..150).map(|i| format!("key_{i:03}.")).collect();
        lits.push("@openrouter/sdk".into());
        lits.push("openrouter".into());
        let p = Prefilter::new(&lits);
        assert_eq!(p.acs.len(), 3, "151 kept literals in groups of 64");
        for l in ["key_000.", "KEY_149.", "x @OpenRouter/sdk", "openrouter"] {
            assert!(p.is_match(l.as_bytes()), "{l}");
        }
        assert!(!p.is_match(b"key_150. key_."));
    }

    /// Every literal occurrence, by brute force: what the prefilter must
    /// agree with.
    fn reference(lits: &[String], bytes: &[u8]) -> bool {
        let lower = bytes.to_ascii_lowercase();
        lits.iter().any(|l| {
            let l = l.to_ascii_lowercase().into_bytes();
            (0..lower.len().saturating_sub(l.len() - 1))
                .filter(|&i| lower[i..].starts_with(&l))
                .any(|i| !l.ends_with(b"/") || token_start(bytes, i))
        })
    }

    proptest::proptest! {
        #[test]
        fn agrees_with_a_brute_force_search(
            parts in proptest::collection::vec(
                proptest::sample::select(vec![
                    "google/", "GOOGLE", "meta", "-", "/", "llama", "x", ".", "_", " ",
                    "Open", "router", "ai21", "github.com/", "z-ai/", "\n", "é", "sk-or",
                ]),
                0..40,
            ),
            pad in 0usize..3,
        ) {
            let lits: Vec<String> = ["openrouter", "sk-or-", "google/", "meta/", "meta-llama/",
                "z-ai/", "ai21/", "x-ai/", "@openrouter/sdk", "open.ai/"]
                .map(String::from).to_vec();
            let p = Prefilter::new(&lits);
            let text = parts.concat();
            // Also across a chunk boundary.
            let mut long = vec![b'a'; CHUNK - 20 + pad * 7];
            long.extend_from_slice(text.as_bytes());
            for bytes in [text.as_bytes(), &long[..]] {
                proptest::prop_assert_eq!(p.is_match(bytes), reference(&lits, bytes),
                    "{:?}", String::from_utf8_lossy(&bytes[bytes.len().saturating_sub(300)..]));
            }
        }
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
