//! edits -> new bytes, checked: every rewritten file must still parse in its
//! own language (real parsers: syn, tree-sitter grammars, serde_json,
//! serde-saphyr, toml; a line-format check for .env/INI/Dockerfile), or the
//! file is left as it was and reported with the reason.

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
    let after = SourceText::decode(out.clone());
    // Only a file that parsed before must parse after: the tool does not
    // judge files it could not read in the first place.
    if let Err(e) = parses(fp.kind, &fp.path, &after.text) {
        if parses(fp.kind, &fp.path, &fp.source.text).is_ok() {
            return Err(format!(
                "the rewritten file would no longer parse as {} ({e}); left unchanged",
                kind_name(fp.kind, &fp.path)
            ));
        }
    }
    Ok(out)
}

fn kind_name(kind: FileKind, path: &str) -> &'static str {
    match (kind, tree_sitter_for(kind, path)) {
        (FileKind::JavaScript, Some(Grammar::TypeScript)) => "TypeScript",
        (FileKind::JavaScript, Some(Grammar::Tsx)) => "TSX",
        (FileKind::JavaScript, _) => "JavaScript",
        (FileKind::Python, _) => "Python",
        (FileKind::Rust, _) => "Rust",
        (FileKind::Go, _) => "Go",
        (FileKind::Shell, _) => "shell",
        (FileKind::PowerShell, _) => "PowerShell",
        (FileKind::Env, _) => "an env file",
        (FileKind::Ini, _) => "INI",
        (FileKind::Yaml, _) => "YAML",
        (FileKind::Json, _) => "JSON",
        (FileKind::Toml, _) => "TOML",
        (FileKind::Dockerfile, _) => "a Dockerfile",
        (FileKind::Notebook, _) => "a notebook",
        (FileKind::Markdown, _) => "Markdown",
        (FileKind::Requirements, _) => "a requirements file",
        (FileKind::Lockfile | FileKind::Text, _) => "text",
    }
}

/// Whether `text` parses as the file at `path` of `kind` (Ok for kinds with
/// no grammar: plain text, lockfiles, Vue/Svelte single-file components).
pub fn parses(kind: FileKind, path: &str, text: &str) -> Result<(), String> {
    match kind {
        FileKind::Rust => syn::parse_file(text).map(drop).map_err(|e| {
            let at = e.span().start();
            format!("line {}: {e}", at.line)
        }),
        FileKind::Json => serde_json::from_str::<serde_json::Value>(text)
            .map(drop)
            .map_err(|e| e.to_string()),
        FileKind::Notebook => notebook(text),
        FileKind::Yaml => serde_saphyr::from_multiple::<serde::de::IgnoredAny>(text)
            .map(drop)
            .map_err(|e| e.to_string()),
        FileKind::Toml => text
            .parse::<toml::Table>()
            .map(drop)
            .map_err(|e| e.to_string()),
        FileKind::Env => lines_ok(text, env_line, "not a KEY=VALUE line"),
        FileKind::Ini => lines_ok(
            text,
            ini_line,
            "not a [section], key = value or comment line",
        ),
        FileKind::Dockerfile => dockerfile(text),
        FileKind::Markdown => markdown(text),
        _ => match tree_sitter_for(kind, path) {
            Some(g) => tree_sitter(g, text),
            None => Ok(()),
        },
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Grammar {
    Python,
    JavaScript,
    TypeScript,
    Tsx,
    Go,
    Bash,
    PowerShell,
}

fn tree_sitter_for(kind: FileKind, path: &str) -> Option<Grammar> {
    let ext = path
        .rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default();
    match kind {
        FileKind::Python => Some(Grammar::Python),
        FileKind::JavaScript => match ext.as_str() {
            "ts" | "mts" | "cts" => Some(Grammar::TypeScript),
            "tsx" => Some(Grammar::Tsx),
            // Single-file components hold templates around their scripts.
            "vue" | "svelte" | "astro" => None,
            // JSX is part of the JavaScript grammar.
            _ => Some(Grammar::JavaScript),
        },
        FileKind::Go => Some(Grammar::Go),
        // fish and ksh are not bash; their results are not judged.
        FileKind::Shell => {
            matches!(ext.as_str(), "sh" | "bash" | "zsh" | "").then_some(Grammar::Bash)
        }
        FileKind::PowerShell => Some(Grammar::PowerShell),
        _ => None,
    }
}

fn tree_sitter(g: Grammar, text: &str) -> Result<(), String> {
    let lang: tree_sitter::Language = match g {
        Grammar::Python => tree_sitter_python::LANGUAGE.into(),
        Grammar::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
        Grammar::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
        Grammar::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        Grammar::Go => tree_sitter_go::LANGUAGE.into(),
        Grammar::Bash => tree_sitter_bash::LANGUAGE.into(),
        Grammar::PowerShell => tree_sitter_powershell::LANGUAGE.into(),
    };
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&lang)
        .map_err(|e| format!("grammar: {e}"))?;
    let tree = parser
        .parse(text, None)
        .ok_or_else(|| "the parser gave up".to_string())?;
    let root = tree.root_node();
    if !root.has_error() {
        // tree-sitter-python accepts an empty block; Python does not.
        return match g {
            Grammar::Python => no_empty_block(root),
            _ => Ok(()),
        };
    }
    // The first error or missing node, depth first, says where.
    let mut cursor = root.walk();
    let mut node = root;
    loop {
        let child = node
            .children(&mut cursor)
            .find(|c| c.is_error() || c.is_missing() || c.has_error());
        match child {
            Some(c) if !(c.is_error() || c.is_missing()) => node = c,
            Some(c) => {
                let what = if c.is_missing() {
                    format!("missing {}", c.kind())
                } else {
                    "syntax error".to_string()
                };
                return Err(format!("line {}: {what}", c.start_position().row + 1));
            }
            None => {
                return Err(format!(
                    "line {}: syntax error",
                    node.start_position().row + 1
                ))
            }
        }
    }
}

/// A Python `block` with no statement (only comments, or nothing) is an
/// IndentationError for Python itself.
fn no_empty_block(root: tree_sitter::Node) -> Result<(), String> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let mut cursor = n.walk();
        let children: Vec<tree_sitter::Node> = n.named_children(&mut cursor).collect();
        if n.kind() == "block" && children.iter().all(|c| c.kind() == "comment") {
            return Err(format!(
                "line {}: expected an indented block",
                n.start_position().row + 1
            ));
        }
        stack.extend(children);
    }
    Ok(())
}

/// Every line passes `ok` (blank lines and `#` comments always do).
fn lines_ok(text: &str, ok: fn(&str) -> bool, what: &str) -> Result<(), String> {
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if !ok(line) {
            return Err(format!("line {}: {what}", n + 1));
        }
    }
    Ok(())
}

fn env_line(line: &str) -> bool {
    let t = line.trim_start();
    let t = t.strip_prefix("export ").unwrap_or(t).trim_start();
    match t.split_once('=') {
        Some((k, _)) => {
            let k = k.trim_end();
            !k.is_empty()
                && k.chars()
                    .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'))
        }
        None => false,
    }
}

fn ini_line(line: &str) -> bool {
    let t = line.trim();
    // Continuation lines of a multi-line value are indented.
    line.starts_with([' ', '\t'])
        || (t.starts_with('[') && t.ends_with(']'))
        || t.contains('=')
        || t.contains(':')
}

/// Every logical line starts with an instruction word (or is a comment or
/// a parser directive); continuation lines and heredoc bodies are skipped.
fn dockerfile(text: &str) -> Result<(), String> {
    let mut continued = false;
    let mut heredoc: Option<String> = None;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if let Some(end) = &heredoc {
            if t == end {
                heredoc = None;
            }
            continue;
        }
        if t.is_empty() || t.starts_with('#') {
            continue;
        }
        if !continued {
            let word = t.split_whitespace().next().unwrap_or("");
            if !word.chars().all(|c| c.is_ascii_alphabetic()) {
                return Err(format!("line {}: not an instruction", n + 1));
            }
            if let Some(p) = t.find("<<") {
                let tag = t[p + 2..]
                    .trim_start_matches('-')
                    .trim_matches(|c| c == '"' || c == '\'');
                let tag: String = tag
                    .chars()
                    .take_while(|c| c.is_ascii_alphanumeric() || *c == '_')
                    .collect();
                if !tag.is_empty() {
                    heredoc = Some(tag);
                }
            }
        }
        continued = t.ends_with('\\');
    }
    Ok(())
}

/// The fences stay the same in number, and no fence of a language the tool
/// parses breaks.
fn markdown(text: &str) -> Result<(), String> {
    let mut bad = 0;
    let mut first = None;
    let fences = super::headers::fences(text);
    for (kind, r) in &fences {
        if matches!(kind, FileKind::Text | FileKind::Markdown) {
            continue;
        }
        if let Err(e) = parses(*kind, fence_path(*kind), &text[r.clone()]) {
            bad += 1;
            let line = text[..r.start].lines().count() + 1;
            first.get_or_insert(format!("code block at line {line}: {e}"));
        }
    }
    match first {
        // One error per broken fence: the count is compared before/after by
        // the caller through the Ok/Err of the whole text, so report it.
        Some(e) => Err(format!(
            "{e} ({bad} broken code block(s) of {})",
            fences.len()
        )),
        None => Ok(()),
    }
}

fn fence_path(kind: FileKind) -> &'static str {
    match kind {
        // A fence tagged `ts`/`tsx`/`js` reads well enough as TSX.
        FileKind::JavaScript => "fence.tsx",
        _ => "fence",
    }
}

/// The notebook is JSON, and every Python code cell parses (IPython magics
/// and shell escapes blanked out first).
fn notebook(text: &str) -> Result<(), String> {
    let v: serde_json::Value = serde_json::from_str(text).map_err(|e| e.to_string())?;
    let cells = v.get("cells").and_then(|c| c.as_array());
    for (n, cell) in cells.into_iter().flatten().enumerate() {
        if cell.get("cell_type").and_then(|t| t.as_str()) != Some("code") {
            continue;
        }
        let src = match cell.get("source") {
            Some(serde_json::Value::String(s)) => s.clone(),
            Some(serde_json::Value::Array(a)) => {
                a.iter().filter_map(|l| l.as_str()).collect::<String>()
            }
            _ => continue,
        };
        let code: String = src
            .split_inclusive('\n')
            .map(|l| {
                let t = l.trim_start();
                if t.starts_with(['%', '!']) {
                    let indent = &l[..l.len() - t.len()];
                    let nl = if l.ends_with('\n') { "\n" } else { "" };
                    format!("{indent}pass{nl}")
                } else {
                    l.to_string()
                }
            })
            .collect();
        tree_sitter(Grammar::Python, &code).map_err(|e| format!("code cell {}: {e}", n + 1))?;
    }
    Ok(())
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
        .unwrap_err();
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
        let e = parses(FileKind::Env, ".env", "A=1\nB\n").unwrap_err();
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
        let e = parses(FileKind::Markdown, "a.md", &broken).unwrap_err();
        assert!(e.contains("code block at line 4: line 1"), "{e}");
        let nb = r#"{"cells":[{"cell_type":"code","source":["!pip install x\n","if a:\n","    b()\n"]}]}"#;
        assert!(parses(FileKind::Notebook, "n.ipynb", nb).is_ok());
        let nb_bad = nb.replace(r#","    b()\n""#, "");
        assert!(parses(FileKind::Notebook, "n.ipynb", &nb_bad).is_err());
    }
}
