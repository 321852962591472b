//! edits -> new bytes, checked: every rewritten file must still parse in its
//! own language (each language module's check: syn, tree-sitter grammars,
//! serde_json, serde-saphyr, toml; a line-format check for .env/INI/
//! Dockerfile), or the file is left as it was and reported with the reason.

use crate::lang::{FileKind, ParseError};
use crate::source::{Edit, SourceText};

/// Why a file's edits are not written.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    #[error("UTF-16 text that does not round-trip (unpaired surrogates); not rewritten")]
    NotRoundTrip,
    #[error("edits cannot be applied: {0}")]
    Edits(#[from] crate::source::ApplyError),
    #[error("the rewritten file would no longer parse as {language} ({error}); left unchanged")]
    WouldBreak {
        language: &'static str,
        error: ParseError,
    },
}

/// The bytes of `source` with `edits` applied, or why the file at `path`
/// must be left alone.
pub fn verify(
    kind: FileKind,
    path: &str,
    source: &SourceText,
    edits: &[Edit],
) -> Result<Vec<u8>, Refused> {
    if !source.round_trips() {
        return Err(Refused::NotRoundTrip);
    }
    let out = source.apply(edits)?;
    let after = SourceText::decode(out.clone());
    // Only a file that parsed before must parse after: the tool does not
    // judge files it could not read in the first place.
    if let Err(error) = parses(kind, path, &after.text) {
        if parses(kind, path, &source.text).is_ok() {
            return Err(Refused::WouldBreak {
                language: (kind.language().title)(path),
                error,
            });
        }
    }
    Ok(out)
}

/// Whether `text` parses as the file at `path` of `kind` (Ok for kinds with
/// no grammar: plain text, lockfiles, Vue/Svelte single-file components).
pub fn parses(kind: FileKind, path: &str, text: &str) -> Result<(), ParseError> {
    (kind.language().check)(path, text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parsers_accept_good_and_reject_broken() {
        let p = |k, path, t| parses(k, path, t);
        assert!(p(FileKind::Json, "a.json", "{\"a\": [1]}").is_ok());
        assert!(p(FileKind::Json, "a.json", "{\"a\": [1],}").is_err());
        assert!(p(FileKind::Yaml, "a.yaml", "a:\n  b: 1\n---\nc: 2\n").is_ok());
        assert!(p(FileKind::Yaml, "a.yaml", "a: [1\n").is_err());
        assert!(p(FileKind::Toml, "a.toml", "[a]\nb = 1\n").is_ok());
        assert!(p(FileKind::Toml, "a.toml", "[a]\nb = \n").is_err());
        assert!(p(FileKind::Rust, "a.rs", "fn main() { let x = 1; }").is_ok());
        assert!(p(FileKind::Rust, "a.rs", "fn main() { let x = ; }").is_err());
        assert!(p(FileKind::Python, "a.py", "if x:\n    y = 1\n").is_ok());
        let e = p(
            FileKind::Python,
            "a.py",
            "z = 0\nif x:\n    # gone\nz = 1\n",
        )
        .unwrap_err()
        .to_string();
        assert!(e.contains("line 2: expected an indented block"), "{e}");
        assert!(p(FileKind::Python, "a.py", "def (:").is_err());
        assert!(p(FileKind::JavaScript, "a.js", "const a = {b: 1};").is_ok());
        assert!(p(FileKind::JavaScript, "a.js", "const a = {b: 1 c: 2};").is_err());
        assert!(p(FileKind::JavaScript, "a.ts", "const a: number = 1;").is_ok());
        assert!(p(FileKind::JavaScript, "a.js", "const a: number = 1;").is_err());
        assert!(p(FileKind::JavaScript, "a.tsx", "const a = <div x={1} />;").is_ok());
        assert!(p(FileKind::JavaScript, "a.vue", "<template>{{</template>").is_ok());
        assert!(p(FileKind::Go, "a.go", "package a\nfunc f() {}\n").is_ok());
        assert!(p(FileKind::Go, "a.go", "package a\nfunc f() {\n").is_err());
        assert!(p(FileKind::Shell, "a.sh", "if true; then\n  echo hi\nfi\n").is_ok());
        assert!(p(FileKind::Shell, "a.sh", "if true; then\n  echo hi\n").is_err());
        assert!(p(FileKind::PowerShell, "a.ps1", "$h = @{ a = 1 }\n").is_ok());
        assert!(p(FileKind::PowerShell, "a.ps1", "$h = @{ a = 1 \n").is_err());
    }

    #[test]
    fn line_formats() {
        assert!(parses(FileKind::Env, ".env", "# c\nexport A=1\nB = x\n\n").is_ok());
        let e = parses(FileKind::Env, ".env", "A=1\nB\n")
            .unwrap_err()
            .to_string();
        assert!(e.contains("line 2"), "{e}");
        assert!(parses(FileKind::Ini, "a.ini", "[s]\nk = v\n  more\n").is_ok());
        assert!(parses(FileKind::Ini, "a.ini", "[s]\njunk\n").is_err());
        let df = "FROM x\nRUN a \\\n  && b\nRUN <<EOF\nanything at all\nEOF\nENV A=1\n";
        assert!(parses(FileKind::Dockerfile, "Dockerfile", df).is_ok());
        assert!(parses(FileKind::Dockerfile, "Dockerfile", "FROM x\n  && b\n").is_err());
    }

    #[test]
    fn markdown_and_notebook_code_is_parsed() {
        let md = "# T\n\n```python\nif x:\n    y()\n```\n\n```\nnot code {\n```\n";
        assert!(parses(FileKind::Markdown, "a.md", md).is_ok());
        let broken = md.replace("    y()\n", "");
        let e = parses(FileKind::Markdown, "a.md", &broken)
            .unwrap_err()
            .to_string();
        assert!(e.contains("code block at line 4: line 1"), "{e}");
        let nb = r#"{"cells":[{"cell_type":"code","source":["!pip install x\n","if a:\n","    b()\n"]}]}"#;
        assert!(parses(FileKind::Notebook, "n.ipynb", nb).is_ok());
        let nb_bad = nb.replace(r#","    b()\n""#, "");
        assert!(parses(FileKind::Notebook, "n.ipynb", &nb_bad).is_err());
    }
}
