//! Unified diffs of the planned changes that `git apply` accepts: computed
//! on the original bytes, so CRLF, BOMs and Latin-1 come through intact.
//! Keys are hidden before diffing, on decoded text for UTF-16 files.

use std::borrow::Cow;
use std::io::Write;

use similar::udiff::UnifiedHunkHeader;
use similar::{capture_diff_slices, group_diff_ops, Algorithm};

use super::plan::FilePlan;
use crate::redact::Redactor;
use crate::source::{Encoding, SourceText};

/// Append the diff of one file (`a/` and `b/` paths) to `out`; whether a
/// key was hidden in it (such a hunk no longer applies).
pub fn file_diff(fp: &FilePlan, redactor: &Redactor, out: &mut Vec<u8>) -> bool {
    let Some(new) = &fp.output else { return false };
    if fp.source.bytes == *new {
        return false;
    }
    let old = hide_keys(&fp.source.bytes, fp.source.encoding, redactor);
    let new = hide_keys(new, fp.source.encoding, redactor);
    let redacted = matches!(old, Cow::Owned(_)) || matches!(new, Cow::Owned(_));
    let (ol, nl) = (split_lines(&old), split_lines(&new));
    let ops = capture_diff_slices(Algorithm::Myers, &ol, &nl);
    let name = path_bytes(fp);
    let (a, b) = (git_name("a/", &name), git_name("b/", &name));
    let _ = writeln!(out, "diff --git {a} {b}");
    let _ = writeln!(out, "--- {a}");
    let _ = writeln!(out, "+++ {b}");
    for hunk in group_diff_ops(ops, 3) {
        if hunk.is_empty() {
            continue;
        }
        let _ = writeln!(out, "{}", UnifiedHunkHeader::new(&hunk));
        for op in &hunk {
            for change in op.iter_changes(&ol, &nl) {
                let line = change.value();
                let mark = match change.tag() {
                    similar::ChangeTag::Equal => b' ',
                    similar::ChangeTag::Delete => b'-',
                    similar::ChangeTag::Insert => b'+',
                };
                out.push(mark);
                // The original bytes of the line: CRLF, Latin-1 and all.
                out.extend_from_slice(line);
                if !line.ends_with(b"\n") {
                    out.extend_from_slice(b"\n\\ No newline at end of file\n");
                }
            }
        }
    }
    redacted
}

/// `bytes` with keys hidden: UTF-16 is decoded, redacted and encoded
/// again (an ASCII pattern over raw UTF-16 bytes would see nothing).
fn hide_keys<'a>(bytes: &'a [u8], enc: Encoding, redactor: &Redactor) -> Cow<'a, [u8]> {
    match enc {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            let src = SourceText::decode(bytes.to_vec());
            match redactor.text(&src.text) {
                Cow::Borrowed(_) => Cow::Borrowed(bytes),
                Cow::Owned(t) => Cow::Owned(crate::source::encode_utf16(&t, enc)),
            }
        }
        _ => redactor.bytes(bytes),
    }
}

/// The file's path relative to its root as the bytes on disk: the report
/// path is lossy for names that are not UTF-8, but has as many components
/// as the real relative path, which ends the absolute one.
fn path_bytes(fp: &FilePlan) -> Vec<u8> {
    #[cfg(unix)]
    if fp.path.contains(char::REPLACEMENT_CHARACTER) {
        use std::os::unix::ffi::OsStrExt;
        let n = fp.path.split('/').count();
        let comps: Vec<&[u8]> = fp
            .abs
            .components()
            .map(|c| c.as_os_str().as_bytes())
            .collect();
        if comps.len() >= n {
            return comps[comps.len() - n..].join(&b'/');
        }
    }
    patch_path(fp).into_bytes()
}

/// The name a patch gives a file: its path as reported, so the patch
/// applies from the working directory. An absolute path is named relative
/// to the working directory when it is inside it; else, as `git diff
/// --no-index` does, without its leading `/` (the patch then applies from `/`).
fn patch_path(fp: &FilePlan) -> String {
    if !fp.path.starts_with('/') {
        return fp.path.clone();
    }
    crate::baseline::workspace_path(&fp.abs)
        .unwrap_or_else(|| fp.path.trim_start_matches('/').to_owned())
}

/// Lines with their terminators.
fn split_lines(b: &[u8]) -> Vec<&[u8]> {
    b.split_inclusive(|&c| c == b'\n').collect()
}

/// The whole patch for a plan; whether a key was hidden in it.
pub fn patch<'a>(
    files: impl IntoIterator<Item = &'a FilePlan>,
    redactor: &Redactor,
) -> (Vec<u8>, bool) {
    let mut out = Vec::new();
    let mut redacted = false;
    for fp in files {
        redacted |= file_diff(fp, redactor, &mut out);
    }
    // Keys outside file content (a key-shaped file name) too.
    let all = redactor.bytes(&out).into_owned();
    redacted |= all != out;
    (all, redacted)
}

/// `prefix` + path, quoted the way git does when the path holds control
/// characters, quotes, backslashes or non-ASCII bytes (spaces need none).
fn git_name(prefix: &str, p: &[u8]) -> String {
    let plain = p
        .iter()
        .all(|&c| (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\');
    if plain {
        return format!("{prefix}{}", String::from_utf8_lossy(p));
    }
    let mut s = format!("\"{prefix}");
    for &c in p {
        match c {
            b'"' => s.push_str("\\\""),
            b'\\' => s.push_str("\\\\"),
            b'\t' => s.push_str("\\t"),
            b'\n' => s.push_str("\\n"),
            0x20..=0x7e => s.push(c as char),
            _ => s.push_str(&format!("\\{c:03o}")),
        }
    }
    s.push('"');
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn git_quoting() {
        assert_eq!(git_name("a/", b"d/b.py"), "a/d/b.py");
        assert_eq!(git_name("a/", b"a b.py"), "a/a b.py");
        assert_eq!(git_name("b/", "é.py".as_bytes()), "\"b/\\303\\251.py\"");
        assert_eq!(git_name("b/", b"\xff.py"), "\"b/\\377.py\"");
    }
}
