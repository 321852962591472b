//! Lockfiles: generated, never findings (the manifest next to them is).

use super::{FileKind, Language, Read, Role};

pub static LANGUAGE: Language = Language {
    kind: FileKind::Lockfile,
    title: |_| "text",
    file_names: &[
        "package-lock.json",
        "npm-shrinkwrap.json",
        "yarn.lock",
        "pnpm-lock.yaml",
        "bun.lock",
        "bun.lockb",
        "cargo.lock",
        "poetry.lock",
        "uv.lock",
        "pdm.lock",
        "pipfile.lock",
        "go.sum",
        "composer.lock",
        "gemfile.lock",
        "deno.lock",
    ],
    name_matches: super::no_pattern,
    extensions: &[],
    fence_tags: &[],
    role: Role::Other,
    read: Read::Nothing,
    classes: None,
    check: super::always_parses,
};
