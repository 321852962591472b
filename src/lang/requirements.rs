//! pip requirements and constraints files: one package spec a line.

use super::lexer::Lexed;
use super::{norm_pkg, FileKind, Language, Manifest, PackageUse, Read, Role};
use crate::rules::schema::Ecosystem;

pub static LANGUAGE: Language = Language {
    kind: FileKind::Requirements,
    title: |_| "a requirements file",
    file_names: &["constraints.txt"],
    name_matches: |name| {
        name.starts_with("requirements") && name.ends_with(".txt")
            || name.ends_with(".requirements.txt")
    },
    extensions: &[],
    fence_tags: &[],
    role: Role::Other,
    read: Read::Tokens {
        lex: |text| Lexed::with_len(text.len()),
        packages: requirements,
        text_pass: false,
    },
    classes: None,
    check: super::always_parses,
};

/// A known PyPI package at the start of a requirement line.
fn requirements(m: &Manifest) -> Vec<PackageUse> {
    let mut out = Vec::new();
    let mut off = 0;
    for line in m.text.split_inclusive('\n') {
        let lead = line.len() - line.trim_start().len();
        let t = line.trim_start();
        let n = t
            .find(|c: char| !(c.is_ascii_alphanumeric() || matches!(c, '-' | '_' | '.')))
            .unwrap_or(t.len());
        if n > 0 && !t.starts_with('#') && !t.starts_with('-') {
            for (name, _) in m.known.pypi {
                if norm_pkg(&t[..n]) == norm_pkg(name) {
                    out.push(PackageUse::new(
                        off + lead..off + lead + n,
                        Ecosystem::Pypi,
                        name,
                    ));
                }
            }
        }
        off += line.len();
    }
    out
}
