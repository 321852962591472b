//! Keys never reach a parity report: every known provider key shape, any
//! `Bearer` token and the literal values of the configured key variables are
//! replaced before anything is rendered. A gateway may echo a key in an
//! error (`Invalid API key: Bearer sk-…`), so this runs on what came back,
//! not only on what was sent.

use std::borrow::Cow;

use regex::Regex;

/// The key prefixes the tool knows: one list for every output
/// ([`crate::redact`]); target tables may add more (see [`ExchangeRedactor::new`]).
use crate::redact::PREFIXES as KEY_PREFIXES;

/// Whether `s` looks like a key rather than an environment variable name:
/// a known key prefix, or long and mixing lower case and digits as random
/// tokens do (variable names are short, or upper case).
pub fn looks_like_key(s: &str) -> bool {
    let s = s.trim();
    KEY_PREFIXES
        .iter()
        .any(|p| s.len() >= p.len() + 4 && s.starts_with(p))
        || (s.len() >= 24
            && s.bytes().any(|b| b.is_ascii_lowercase())
            && s.bytes().filter(u8::is_ascii_digit).count() >= 4)
}

#[derive(Debug, Clone)]
pub struct ExchangeRedactor {
    shapes: Regex,
    prefixes: Vec<String>,
    /// Literal secrets with the escaped forms they take in JSON and XML.
    literals: Vec<String>,
}

impl Default for ExchangeRedactor {
    fn default() -> Self {
        ExchangeRedactor::new(Vec::new(), &[])
    }
}

impl ExchangeRedactor {
    /// `secrets`: literal values (the keys in use); `extra_prefixes`: key
    /// prefixes from the loaded target tables.
    pub fn new(secrets: Vec<String>, extra_prefixes: &[String]) -> ExchangeRedactor {
        let mut prefixes: Vec<String> = KEY_PREFIXES.iter().map(|s| s.to_string()).collect();
        prefixes.extend(extra_prefixes.iter().filter(|p| p.len() >= 3).cloned());
        prefixes.sort_by(|a, b| b.len().cmp(&a.len()).then(a.cmp(b)));
        prefixes.dedup();
        let alts: Vec<String> = prefixes.iter().map(|p| regex::escape(p)).collect();
        // A key is a prefix and at least 16 token characters; `Bearer` and
        // `x-api-key:` values are redacted whatever their shape.
        let pattern = format!(
            r"(?:{})[A-Za-z0-9_\-]{{16,}}|(?i:\bbearer\s+)[A-Za-z0-9._~+/=\-]{{8,}}|(?i:x-api-key[\x22']?\s*[:=]\s*[\x22']?)[A-Za-z0-9._~+/=\-]{{8,}}",
            alts.join("|")
        );
        let shapes = Regex::new(&pattern).expect("redaction pattern is valid");
        let mut literals = Vec::new();
        for s in secrets.into_iter().filter(|s| s.trim().len() >= 4) {
            let json = serde_json::to_string(&s).unwrap_or_default();
            let json = json[1..json.len().saturating_sub(1).max(1)].to_owned();
            let xml = s
                .replace('&', "&amp;")
                .replace('<', "&lt;")
                .replace('>', "&gt;")
                .replace('"', "&quot;")
                .replace('\'', "&#39;");
            for v in [s, json, xml] {
                if !v.is_empty() && !literals.contains(&v) {
                    literals.push(v);
                }
            }
        }
        // Longest first, so a secret containing another is replaced whole.
        literals.sort_by_key(|s| std::cmp::Reverse(s.len()));
        ExchangeRedactor {
            shapes,
            prefixes,
            literals,
        }
    }

    fn mask(&self, m: &str) -> String {
        // `Bearer xyz` / `x-api-key: xyz`: keep the label, hide the value.
        let lower = m.to_ascii_lowercase();
        if lower.starts_with("bearer") || lower.starts_with("x-api-key") {
            let cut = m
                .char_indices()
                .rev()
                .find(|(_, c)| !(c.is_ascii_alphanumeric() || "._~+/=-".contains(*c)))
                .map_or(0, |(i, c)| i + c.len_utf8());
            let (label, value) = m.split_at(cut);
            // Prose such as "Bearer authentication" is not a token.
            if !value.bytes().any(|b| b.is_ascii_digit()) {
                return m.to_owned();
            }
            return format!("{label}{}", self.mask(value));
        }
        let prefix = self
            .prefixes
            .iter()
            .find(|p| m.starts_with(p.as_str()))
            .map_or("", String::as_str);
        crate::redact::mask(m, prefix)
    }

    /// `s` with every secret replaced; borrowed when there was none.
    pub fn text<'a>(&self, s: &'a str) -> Cow<'a, str> {
        let mut out: Cow<'a, str> = Cow::Borrowed(s);
        for lit in &self.literals {
            if out.contains(lit.as_str()) {
                let masked = self.mask(lit);
                out = Cow::Owned(out.replace(lit.as_str(), &masked));
            }
        }
        if self.shapes.is_match(&out) {
            let replaced = self
                .shapes
                .replace_all(&out, |c: &regex::Captures| self.mask(&c[0]))
                .into_owned();
            out = Cow::Owned(replaced);
        }
        out
    }

    /// Redact in place; no allocation when there is nothing to hide.
    pub fn in_place(&self, s: &mut String) {
        if let Cow::Owned(o) = self.text(s) {
            *s = o;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const OR: &str = "sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef";

    #[test]
    fn every_known_shape_is_redacted() {
        let r = ExchangeRedactor::default();
        for key in [
            OR,
            "sk-ant-api03-abcdefghijklmnopqrstuvwxyzABCDEF0123456789",
            "sk-proj-abcdefghijklmnopqrstuvwxyz0123",
            "sk-abcdefghijklmnopqrstuvwxyz0123",
            "AIzaSyA0123456789abcdefghijklmnopqrstu",
            "llmgtwy_abcdefghijklmnop0123456789",
            "phaseo_v1_sk_abcdefghijklmnop0123456789",
            "sk-omg-abcdefghijklmnop0123456789",
        ] {
            let line = format!("Invalid API key: {key}.");
            let out = r.text(&line);
            assert!(!out.contains(key), "{out}");
            assert!(out.ends_with('.') && out.contains("..."), "{out}");
            // The middle of the key is gone, whatever the prefix.
            assert!(!out.contains(&key[key.len() - 14..key.len() - 4]), "{out}");
        }
    }

    #[test]
    fn bearer_values_and_literals_are_redacted() {
        let r = ExchangeRedactor::new(vec!["my\"odd&secret-value".into()], &["zz_".into()]);
        let out = r.text("auth failed: Bearer abcdefgh12345678 for x-api-key: qwertyuiop123");
        assert!(!out.contains("abcdefgh12345678"), "{out}");
        assert!(!out.contains("qwertyuiop123"), "{out}");
        assert!(out.contains("Bearer ..."), "{out}");
        assert_eq!(
            r.text("Missing Bearer authentication"),
            "Missing Bearer authentication"
        );
        for form in [
            "my\"odd&secret-value",
            "my\\\"odd&secret-value",
            "my&quot;odd&amp;secret-value",
        ] {
            let out = r.text(&format!("echo: {form}!")).into_owned();
            assert!(!out.contains("secret-value"), "{form}: {out}");
        }
        // Prefixes from target tables count as key shapes.
        assert!(!r
            .text("zz_abcdefghijklmnop0123")
            .contains("abcdefghijklmnop"));
        // Nothing to hide: nothing changes, nothing is allocated.
        assert!(matches!(r.text("The capital is Paris."), Cow::Borrowed(_)));
    }

    #[test]
    fn keys_are_told_from_variable_names() {
        for name in ["OPENROUTER_API_KEY", "LLM_GATEWAY_API_KEY", "my_key", "K"] {
            assert!(!looks_like_key(name), "{name}");
        }
        for key in [
            "llmgtwy_abcdef0123456789",
            "phaseo_v1_sk_0123456789abcdef",
            "sk-or-v1-0123",
            "sk-0123456789",
            "abcdef0123456789abcdef0123456789",
        ] {
            assert!(looks_like_key(key), "{key}");
        }
    }
}
