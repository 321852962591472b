//! Python: `.py` files, and notebook code cells.

use super::lexer::{lex, Lexed, Syntax, Tok};
use super::{grammar, FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

pub const SYNTAX: Syntax = Syntax {
    hash_comments: true,
    single_quote_strings: true,
    triple_quotes: true,
    docstrings: true,
    equals_keys: true,
    ..Syntax::NONE
};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Python,
    title: |_| "Python",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["py", "pyi", "pyw"],
    fence_tags: &["python", "py", "python3", "ipython", "pycon"],
    role: Role::Program,
    read: Read::Tokens {
        lex: tokens,
        packages: imports,
        text_pass: false,
    },
    classes: Some(tokens),
    check,
};

pub fn tokens(text: &str) -> Lexed {
    lex(text, 0..text.len(), SYNTAX)
}

/// `import x.y` / `from x.y import z` of a known PyPI package's module.
fn imports(m: &Manifest) -> Vec<PackageUse> {
    let (text, lx) = (m.text, m.lexed);
    let mut out = Vec::new();
    for i in 0..lx.tokens.len() {
        let t = &lx.tokens[i];
        if t.tok != Tok::Ident || !matches!(&text[t.span.clone()], "import" | "from") {
            continue;
        }
        // The dotted module path that follows.
        let mut j = i + 1;
        let start = match lx.tokens.get(j) {
            Some(n) if n.tok == Tok::Ident => n.span.start,
            _ => continue,
        };
        let mut end = start;
        while let Some(n) = lx.tokens.get(j) {
            let s = &text[n.span.clone()];
            if n.tok == Tok::Ident || (n.tok == Tok::Punct && s == "." && n.span.start == end) {
                if n.tok == Tok::Ident && n.span.start != end && end != start {
                    break;
                }
                end = n.span.end;
                j += 1;
            } else {
                break;
            }
        }
        let module = &text[start..end];
        for (name, import) in m.known.py_modules {
            if module == import || module.starts_with(&format!("{import}.")) {
                out.push(PackageUse::new(
                    start..start + import.len(),
                    Ecosystem::Pypi,
                    name,
                ));
            }
        }
    }
    out
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    grammar::tree_sitter(tree_sitter_python::LANGUAGE.into(), text, no_empty_block)
}

/// A Python `block` with no statement (only comments, or nothing) is an
/// IndentationError for Python itself; tree-sitter-python accepts it.
fn no_empty_block(root: tree_sitter::Node) -> Result<(), ParseError> {
    let mut stack = vec![root];
    while let Some(n) = stack.pop() {
        let mut cursor = n.walk();
        let children: Vec<tree_sitter::Node> = n.named_children(&mut cursor).collect();
        if n.kind() == "block" && children.iter().all(|c| c.kind() == "comment") {
            return Err(ParseError::at(
                n.start_position().row + 1,
                "expected an indented block",
            ));
        }
        stack.extend(children);
    }
    Ok(())
}
