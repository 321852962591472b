//! The one place keys are hidden. Every output that can quote file content
//! (findings, patches, refusal reasons, parser errors of our dependencies,
//! stderr) passes through a [`Redactor`], which knows every provider key
//! shape whatever the source profile: OpenRouter, OpenAI, Anthropic, Google,
//! each target's `key_prefix`, and the prefixes and patterns of loaded tables.
//!
//! Shapes match by prefix and a run of key characters, not by exact length,
//! so a key cut short by an error snippet is hidden too.

use std::borrow::Cow;
use std::sync::{Arc, LazyLock};

use crate::rules::Rules;

/// Key prefixes the tool ships, longest first where one extends another.
/// A unit test checks every shipped table's prefix is here. Parity's
/// report redaction uses the same list.
pub const PREFIXES: &[&str] = &[
    "sk-or-v1-",
    "sk-or-",
    "sk-ant-api03-",
    "sk-ant-admin01-",
    "sk-ant-",
    "sk-proj-",
    "sk-svcacct-",
    "sk-admin-",
    "sk-omg-",
    "sk-",
    "AIza",
    "llmgtwy_",
    "phaseo_v1_sk_",
];

/// The random part after a prefix: at least this many key characters.
/// `sk-` is generic, so it needs a longer run than a distinctive prefix.
const MIN_TAIL: usize = 12;
const MIN_TAIL_GENERIC: usize = 16;

#[derive(Clone)]
pub struct Redactor(Arc<Inner>);

struct Inner {
    text: regex::Regex,
    bytes: regex::bytes::Regex,
    /// Longest first, so the most specific prefix is kept in the mask.
    prefixes: Vec<String>,
}

static BUILTIN: LazyLock<Redactor> = LazyLock::new(|| Redactor::build(&[], &[]));

impl Redactor {
    /// The shapes the tool ships.
    pub fn builtin() -> Redactor {
        BUILTIN.clone()
    }

    /// The shipped shapes plus every prefix and key pattern of `rules`
    /// (tables from `--rules DIR` may add some).
    pub fn for_rules(rules: &Rules) -> Redactor {
        let prefixes: Vec<String> = rules
            .sources
            .iter()
            .map(|s| s.table.key_prefix.clone())
            .chain(
                rules
                    .targets
                    .iter()
                    .filter_map(|t| t.table.key_prefix.clone()),
            )
            .filter(|p| !p.is_empty() && !PREFIXES.contains(&p.as_str()))
            .collect();
        let patterns: Vec<&String> = rules.sources.iter().map(|s| &s.table.key_pattern).collect();
        // Shipped patterns start with a shipped prefix, which the prefix
        // shapes cover: then nothing needs compiling here.
        if prefixes.is_empty() && patterns.iter().all(|p| shipped_pattern(p)) {
            return Redactor::builtin();
        }
        let patterns: Vec<String> = patterns
            .into_iter()
            // A pattern matching "" would redact everywhere.
            .filter(|p| regex::Regex::new(p).is_ok_and(|r| !r.is_match("")))
            .cloned()
            .collect();
        Redactor::build(&prefixes, &patterns)
    }

    fn build(extra_prefixes: &[String], extra_patterns: &[String]) -> Redactor {
        let mut prefixes: Vec<String> = PREFIXES.iter().map(|s| s.to_string()).collect();
        prefixes.extend(extra_prefixes.iter().cloned());
        prefixes.sort_by_key(|p| std::cmp::Reverse(p.len()));
        prefixes.dedup();
        let mut alts: Vec<String> = prefixes
            .iter()
            .map(|p| {
                let min = if p == "sk-" {
                    MIN_TAIL_GENERIC
                } else {
                    MIN_TAIL
                };
                // A word boundary keeps `task-...` or `disk-...` out of the
                // generic shape; a distinctive prefix counts even when glued
                // to a word (`gpt-5sk-or-v1-...`).
                let b = if p == "sk-" { r"\b" } else { "" };
                format!("{b}{}[A-Za-z0-9_-]{{{min},}}", regex::escape(p))
            })
            .collect();
        alts.extend(extra_patterns.iter().map(|p| format!("(?:{p})")));
        let pattern = alts.join("|");
        Redactor(Arc::new(Inner {
            text: regex::Regex::new(&pattern).expect("escaped prefixes and validated patterns"),
            bytes: regex::bytes::Regex::new(&pattern)
                .expect("escaped prefixes and validated patterns"),
            prefixes,
        }))
    }

    /// `s` with every key replaced by its mask.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        if !self.0.text.is_match(s) {
            return Cow::Borrowed(s);
        }
        self.0
            .text
            .replace_all(s, |c: &regex::Captures| self.mask_match(&c[0]))
    }

    /// [`Redactor::text`] over bytes (ASCII keys in any ASCII-compatible
    /// encoding; decode UTF-16 first).
    pub fn bytes<'a>(&self, b: &'a [u8]) -> Cow<'a, [u8]> {
        if !self.0.bytes.is_match(b) {
            return Cow::Borrowed(b);
        }
        self.0.bytes.replace_all(b, |c: &regex::bytes::Captures| {
            // Keys are ASCII: a match is valid UTF-8.
            self.mask_match(&String::from_utf8_lossy(&c[0]))
                .into_bytes()
        })
    }

    /// Each key in `s`: its byte range and its mask (for output that must
    /// know where text moved, such as underlines).
    pub fn keys_in(&self, s: &str) -> Vec<(std::ops::Range<usize>, String)> {
        self.0
            .text
            .find_iter(s)
            .map(|m| (m.range(), self.mask_match(m.as_str())))
            .filter(|(r, masked)| *masked != s[r.clone()])
            .collect()
    }

    /// Redact a `String` in place; whether anything was hidden.
    pub fn fix(&self, s: &mut String) -> bool {
        match self.text(s) {
            Cow::Owned(o) if o != *s => {
                *s = o;
                true
            }
            _ => false,
        }
    }

    /// The mask of one key: its known prefix and at most its last 4
    /// characters. Short text that does not look random (no digit and not
    /// mixed case, e.g. `sk-some-long-kebab-name`) is no key and stays.
    pub fn mask_match(&self, m: &str) -> String {
        let prefix = self
            .0
            .prefixes
            .iter()
            .find(|p| m.starts_with(p.as_str()))
            .map_or("", |p| p.as_str());
        let tail = &m[prefix.len()..];
        // A run as long as a real key's random part counts whatever it
        // looks like (`sk-or-v1-feedface...` matches OpenRouter's pattern).
        let random = tail.len() >= 32
            || tail.bytes().any(|c| c.is_ascii_digit())
            || (tail.bytes().any(|c| c.is_ascii_uppercase())
                && tail.bytes().any(|c| c.is_ascii_lowercase()));
        if !random && !prefix.is_empty() {
            return m.to_owned();
        }
        mask(m, prefix)
    }
}

fn shipped_pattern(p: &str) -> bool {
    // Every shipped source pattern starts with a shipped prefix, which the
    // prefix shapes already cover (at any length).
    PREFIXES
        .iter()
        .any(|pre| p.starts_with(&regex::escape(pre)) || p.starts_with(pre))
}

/// Redact a secret: keep a known prefix and at most the last 4 characters.
pub fn mask(secret: &str, prefix: &str) -> String {
    let keep_prefix = if secret.starts_with(prefix) {
        prefix
    } else {
        ""
    };
    let rest = &secret[keep_prefix.len()..];
    let n = rest.chars().count();
    // Short secrets would leak most of themselves through the tail: show none.
    let tail: String = if n >= 16 {
        rest.chars().skip(n - 4).collect()
    } else {
        String::new()
    };
    format!("{keep_prefix}...{tail}")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn hex(n: usize) -> String {
        "0123456789abcdef".chars().cycle().take(n).collect()
    }

    #[test]
    fn mask_keeps_prefix_and_last_four() {
        let key = format!("sk-or-v1-{}", "ab12".repeat(16));
        assert_eq!(mask(&key, "sk-or-v1-"), "sk-or-v1-...ab12");
        assert_eq!(mask("short", "sk-or-v1-"), "...");
        assert!(!mask(&key, "sk-or-v1-").contains(&key[9..30]));
    }

    #[test]
    fn every_provider_shape_is_hidden() {
        let r = Redactor::builtin();
        let keys = [
            format!("sk-or-v1-{}", hex(64)),
            format!("sk-proj-{}T3BlbkFJ{}", "Ab1".repeat(8), "x9Y".repeat(8)),
            format!("sk-ant-api03-{}AA", "aB3_".repeat(23)),
            format!("AIza{}", "Xy9-".repeat(9)),
            format!("llmgtwy_{}", "Q7w".repeat(10)),
            format!("phaseo_v1_sk_{}", hex(40)),
            format!("sk-omg-{}", hex(40)),
            format!("sk-{}", "Zz8".repeat(16)),
            // Cut short by an error snippet.
            format!("sk-or-v1-{}", hex(30)),
            // Hex without a digit is still a key.
            format!("sk-or-v1-{}", "feedface".repeat(8)),
            // Glued to a word.
            format!("gpt-5sk-or-v1-{}", hex(64)),
        ];
        for k in &keys {
            let line = format!("key = \"{k}\" # and more");
            let out = r.text(&line);
            assert!(!out.contains(&k[k.len() - 12..]), "{k} leaked in {out}");
            assert!(out.contains("..."), "{out}");
            let b = r.bytes(line.as_bytes());
            assert_eq!(&*b, out.as_bytes());
        }
    }

    #[test]
    fn words_are_not_keys() {
        let r = Redactor::builtin();
        for s in [
            "task-0123456789abcdef0123",
            "sk-some-long-kebab-case-name",
            "risk-management-2024-report-final",
            "https://openrouter.ai/api/v1",
        ] {
            assert_eq!(r.text(s), s);
        }
    }

    #[test]
    fn shipped_tables_are_known_without_building() {
        let rules = crate::rules::Rules::embedded().unwrap();
        for p in rules
            .sources
            .iter()
            .map(|s| s.table.key_prefix.clone())
            .chain(
                rules
                    .targets
                    .iter()
                    .filter_map(|t| t.table.key_prefix.clone()),
            )
        {
            assert!(PREFIXES.contains(&p.as_str()), "{p} missing from PREFIXES");
        }
        for s in &rules.sources {
            assert!(
                shipped_pattern(&s.table.key_pattern),
                "{}",
                s.table.key_pattern
            );
        }
        assert!(Arc::ptr_eq(&Redactor::for_rules(&rules).0, &BUILTIN.0));
    }
}
