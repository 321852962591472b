//! Re-parse checks shared by the language modules: a tree-sitter grammar
//! that must parse without an error node, and line-format checks.

use super::ParseError;

/// Parse `text` with a tree-sitter grammar; the first error or missing
/// node, depth first, says where it fails. `extra` looks at a tree that
/// parsed (for what a grammar accepts and the language does not).
pub fn tree_sitter(
    lang: tree_sitter::Language,
    text: &str,
    extra: fn(tree_sitter::Node) -> Result<(), ParseError>,
) -> Result<(), ParseError> {
    let mut parser = tree_sitter::Parser::new();
    parser
        .set_language(&lang)
        .map_err(|e| ParseError::new(format!("grammar: {e}")))?;
    let tree = parser
        .parse(text, None)
        .ok_or_else(|| ParseError::new("the parser gave up"))?;
    let root = tree.root_node();
    if !root.has_error() {
        return extra(root);
    }
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
                return Err(ParseError::at(c.start_position().row + 1, what));
            }
            None => {
                return Err(ParseError::at(
                    node.start_position().row + 1,
                    "syntax error",
                ))
            }
        }
    }
}

/// Nothing more to check in a tree that parsed.
pub fn no_extra(_: tree_sitter::Node) -> Result<(), ParseError> {
    Ok(())
}

/// Every line passes `ok` (blank lines and `#`/`;` comments always do).
pub fn lines_ok(text: &str, ok: fn(&str) -> bool, what: &str) -> Result<(), ParseError> {
    for (n, line) in text.lines().enumerate() {
        let t = line.trim();
        if t.is_empty() || t.starts_with('#') || t.starts_with(';') {
            continue;
        }
        if !ok(line) {
            return Err(ParseError::at(n + 1, what));
        }
    }
    Ok(())
}

/// The lower-case extension of the file at `path` ("" when none).
pub fn extension(path: &str) -> String {
    path.rsplit('/')
        .next()
        .and_then(|n| n.rsplit_once('.'))
        .map(|(_, e)| e.to_ascii_lowercase())
        .unwrap_or_default()
}
