//! Unified diffs of the planned changes that `git apply` accepts: computed
//! on the original bytes, so CRLF, BOMs and Latin-1 come through intact.

use std::io::Write;

use similar::udiff::UnifiedHunkHeader;
use similar::{capture_diff_slices, group_diff_ops, Algorithm};

use super::plan::FilePlan;

/// Append the diff of one file (`a/` and `b/` paths) to `out`.
pub fn file_diff(fp: &FilePlan, out: &mut Vec<u8>) {
    let Some(new) = &fp.output else { return };
    let old = &fp.source.bytes;
    if old == new {
        return;
    }
    let (ol, nl) = (split_lines(old), split_lines(new));
    let ops = capture_diff_slices(Algorithm::Myers, &ol, &nl);
    let name = patch_path(fp);
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
}

/// Lines with their terminators.
fn split_lines(b: &[u8]) -> Vec<&[u8]> {
    b.split_inclusive(|&c| c == b'\n').collect()
}

/// The whole patch for a plan.
pub fn patch<'a>(files: impl IntoIterator<Item = &'a FilePlan>) -> Vec<u8> {
    let mut out = Vec::new();
    for fp in files {
        file_diff(fp, &mut out);
    }
    out
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

/// `prefix` + path, quoted the way git does when the path holds control
/// characters, quotes, backslashes or non-ASCII bytes (spaces need none).
fn git_name(prefix: &str, p: &str) -> String {
    let plain = p
        .bytes()
        .all(|c| (0x20..0x7f).contains(&c) && c != b'"' && c != b'\\');
    if plain {
        return format!("{prefix}{p}");
    }
    let mut s = format!("\"{prefix}");
    for c in p.bytes() {
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
        assert_eq!(git_name("a/", "d/b.py"), "a/d/b.py");
        assert_eq!(git_name("a/", "a b.py"), "a/a b.py");
        assert_eq!(git_name("b/", "é.py"), "\"b/\\303\\251.py\"");
    }
}
