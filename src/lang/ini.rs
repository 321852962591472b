//! INI-style config (`.ini`, `.cfg`, `.conf`, `.properties`): sections,
//! `key = value` and `key: value`.

use super::{grammar, FileKind, Language, ParseError, Read, Role};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Ini,
    title: |_| "INI",
    file_names: &[],
    name_matches: super::no_pattern,
    extensions: &["ini", "cfg", "conf", "properties"],
    fence_tags: &[],
    role: Role::Config,
    read: Read::Tokens {
        lex: super::env::env_ini,
        packages: super::no_packages,
        text_pass: false,
    },
    classes: None,
    check,
};

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    grammar::lines_ok(
        text,
        ini_line,
        "not a [section], key = value or comment line",
    )
}

fn ini_line(line: &str) -> bool {
    let t = line.trim();
    // Continuation lines of a multi-line value are indented.
    line.starts_with([' ', '\t'])
        || t.starts_with('!')
        || (t.starts_with('[') && t.ends_with(']'))
        || t.contains('=')
        || t.contains(':')
}
