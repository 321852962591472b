//! edits -> new bytes, checked: the result must still parse for the kinds
//! the tool can parse, or the file is left as it was.

use super::plan::FilePlan;
use crate::scan::FileKind;
use crate::source::{Edit, SourceText};

/// The new bytes of `fp`, or why it must be left alone.
pub fn verify(fp: &FilePlan) -> Result<Vec<u8>, String> {
    if !fp.source.round_trips() {
        return Err(
            "UTF-16 text that does not round-trip (unpaired surrogates); not rewritten".into(),
        );
    }
    let edits: Vec<Edit> = fp.edits.iter().map(|e| e.edit.clone()).collect();
    let out = fp
        .source
        .apply(&edits)
        .map_err(|e| format!("edits cannot be applied: {e}"))?;
    if fp.kind.is_structured() {
        let after = SourceText::decode(out.clone());
        // Only a file that parsed before must parse after: the tool does
        // not judge files it could not read in the first place.
        if let Err(e) = parses(fp.kind, &after.text) {
            if parses(fp.kind, &fp.source.text).is_ok() {
                return Err(format!(
                    "the rewritten file no longer parses as {:?} ({e}); left unchanged",
                    fp.kind
                ));
            }
        }
    }
    Ok(out)
}

/// Whether `text` parses as `kind` (Ok for kinds the tool does not parse).
pub fn parses(kind: FileKind, text: &str) -> Result<(), String> {
    match kind {
        FileKind::Rust => syn::parse_file(text).map(drop).map_err(|e| {
            let at = e.span().start();
            format!("line {}: {e}", at.line)
        }),
        FileKind::Json | FileKind::Notebook => serde_json::from_str::<serde_json::Value>(text)
            .map(drop)
            .map_err(|e| e.to_string()),
        FileKind::Yaml => serde_saphyr::from_multiple::<serde::de::IgnoredAny>(text)
            .map(drop)
            .map_err(|e| e.to_string()),
        FileKind::Toml => text
            .parse::<toml::Table>()
            .map(drop)
            .map_err(|e| e.to_string()),
        _ => Ok(()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers_accept_good_and_reject_broken() {
        assert!(parses(FileKind::Json, "{\"a\": [1]}").is_ok());
        assert!(parses(FileKind::Json, "{\"a\": [1],}").is_err());
        assert!(parses(FileKind::Yaml, "a:\n  b: 1\n---\nc: 2\n").is_ok());
        assert!(parses(FileKind::Yaml, "a: [1\n").is_err());
        assert!(parses(FileKind::Toml, "[a]\nb = 1\n").is_ok());
        assert!(parses(FileKind::Toml, "[a]\nb = \n").is_err());
        assert!(parses(FileKind::Rust, "fn main() { let x = 1; }").is_ok());
        assert!(parses(FileKind::Rust, "fn main() { let x = ; }").is_err());
        assert!(parses(FileKind::Python, "def (:").is_ok());
    }
}
