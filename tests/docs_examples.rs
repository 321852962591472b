//! The examples in README.md and docs/*.md are what the tool prints.
//!
//! - A fenced block right after a `<!-- output: ARGS -->` line must be a run
//!   of consecutive lines of what `llmgw-migrate ARGS` prints on stdout, run
//!   from the repository root (an excerpt is fine; it must be verbatim).
//! - Every table label (`id@version+sha256:<12 hex>`) names a built-in table
//!   as it is now.
//!
//! When the output changes on purpose, `UPDATE_DOCS=1 cargo test --test
//! docs_examples` rewrites those blocks (same first line, same length) and
//! labels from the real output; review the diff.

mod common;

use std::collections::BTreeMap;
use std::fs;
use std::path::{Path, PathBuf};

use regex::Regex;

fn root() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

fn docs() -> Vec<PathBuf> {
    let mut v = vec![root().join("README.md")];
    let mut d: Vec<PathBuf> = fs::read_dir(root().join("docs"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "md"))
        .collect();
    d.sort();
    v.extend(d);
    v
}

/// The stdout lines of `llmgw-migrate ARGS`, run once per ARGS.
fn printed(args: &str, cache: &mut BTreeMap<String, Vec<String>>) -> Vec<String> {
    cache
        .entry(args.to_owned())
        .or_insert_with(|| {
            let argv: Vec<&str> = args.split_whitespace().collect();
            let r = common::run(&root(), &argv);
            assert!(
                (0..2).contains(&r.code),
                "llmgw-migrate {args}: {}",
                r.stderr
            );
            r.utf8().lines().map(str::to_owned).collect()
        })
        .clone()
}

/// Where `block` sits in `out`, if it is a run of consecutive lines of it.
fn find(out: &[String], block: &[&str]) -> Option<usize> {
    if block.is_empty() || block.len() > out.len() {
        return None;
    }
    (0..=out.len() - block.len()).find(|&i| {
        out[i..i + block.len()]
            .iter()
            .zip(block)
            .all(|(a, b)| a == b)
    })
}

/// Where a block starting like `first` begins in `out` now: the same line,
/// else the line sharing the longest start with it (at least 8 bytes).
fn anchor(out: &[String], first: &str) -> Option<usize> {
    if let Some(i) = out.iter().position(|l| l == first) {
        return Some(i);
    }
    let best = out
        .iter()
        .enumerate()
        .map(|(i, l)| {
            let common = l
                .bytes()
                .zip(first.bytes())
                .take_while(|(a, b)| a == b)
                .count();
            (common, i)
        })
        .max_by_key(|(c, i)| (*c, std::cmp::Reverse(*i)))?;
    (best.0 >= 8).then_some(best.1)
}

/// Check (or, updating, rewrite) the marked blocks of one file; returns
/// the new text and the problems found.
fn check_blocks(
    path: &Path,
    text: &str,
    cache: &mut BTreeMap<String, Vec<String>>,
    update: bool,
) -> (String, Vec<String>, usize) {
    let lines: Vec<&str> = text.split('\n').collect();
    let mut out: Vec<String> = Vec::new();
    let mut problems = Vec::new();
    let mut checked = 0;
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        out.push(line.to_owned());
        i += 1;
        let Some(args) = line
            .strip_prefix("<!-- output: ")
            .and_then(|r| r.strip_suffix(" -->"))
        else {
            continue;
        };
        // Blank lines, then the fence.
        while i < lines.len() && lines[i].trim().is_empty() {
            out.push(lines[i].to_owned());
            i += 1;
        }
        let at = format!("{}:{}", path.display(), i + 1);
        if i >= lines.len() || !lines[i].starts_with("```") {
            problems.push(format!("{at}: no fenced block after the output marker"));
            continue;
        }
        out.push(lines[i].to_owned());
        i += 1;
        let start = i;
        while i < lines.len() && !lines[i].starts_with("```") {
            i += 1;
        }
        let block = &lines[start..i];
        let real = printed(args, cache);
        checked += 1;
        if find(&real, block).is_some() {
            out.extend(block.iter().map(|l| (*l).to_owned()));
        } else if update {
            match block.first().and_then(|f| anchor(&real, f)) {
                Some(a) => {
                    let end = (a + block.len()).min(real.len());
                    out.extend(real[a..end].iter().cloned());
                }
                None => {
                    problems.push(format!(
                        "{at}: cannot tell where this block starts in `llmgw-migrate {args}`; edit it by hand"
                    ));
                    out.extend(block.iter().map(|l| (*l).to_owned()));
                }
            }
        } else {
            let first_bad = block
                .iter()
                .find(|l| !real.iter().any(|r| r == *l))
                .unwrap_or(&"(lines are there, but not in this order)");
            problems.push(format!(
                "{at}: block is not in the output of `llmgw-migrate {args}`; first line not printed:\n    {first_bad}"
            ));
            out.extend(block.iter().map(|l| (*l).to_owned()));
        }
    }
    (out.join("\n"), problems, checked)
}

/// Built-in table labels by id.
fn labels() -> BTreeMap<String, String> {
    let rules = llmgw_migrate::rules::Rules::embedded().unwrap();
    let mut m = BTreeMap::new();
    for t in &rules.targets {
        m.insert(t.table.id.clone(), t.label());
    }
    for s in &rules.sources {
        m.insert(s.table.id.clone(), s.label());
    }
    m
}

#[test]
fn examples_in_readme_and_docs_are_what_the_tool_prints() {
    let update = std::env::var_os("UPDATE_DOCS").is_some();
    let label_re =
        Regex::new(r"\b([a-z][a-z0-9-]*)@\d{4}-\d{2}-\d{2}\+sha256:[0-9a-f]{12}\b").unwrap();
    let labels = labels();
    let mut cache = BTreeMap::new();
    let mut problems = Vec::new();
    let mut checked = 0;
    for path in docs() {
        let text = fs::read_to_string(&path).unwrap();
        let (mut new, p, n) = check_blocks(&path, &text, &mut cache, update);
        problems.extend(p);
        checked += n;
        // Labels outside and inside blocks alike.
        let fixed = label_re.replace_all(&new, |c: &regex::Captures| match labels.get(&c[1]) {
            Some(l) if *l != c[0] => {
                if !update {
                    problems.push(format!(
                        "{}: stale table label {} (now {l})",
                        path.display(),
                        &c[0]
                    ));
                }
                l.clone()
            }
            _ => c[0].to_owned(),
        });
        new = fixed.into_owned();
        if update && new != text {
            fs::write(&path, &new).unwrap();
        }
    }
    assert!(checked >= 6, "only {checked} examples are marked");
    assert!(
        problems.is_empty(),
        "{}\n\nIf the output changed on purpose: UPDATE_DOCS=1 cargo test --test docs_examples",
        problems.join("\n")
    );
}

#[test]
fn a_stale_block_is_caught_and_updated() {
    let mut cache = BTreeMap::new();
    let args = "rules list";
    let real = printed(args, &mut cache);
    let good = format!(
        "<!-- output: {args} -->\n```text\n{}\n{}\n```\n",
        real[1], real[2]
    );
    let (_, problems, n) = check_blocks(Path::new("t.md"), &good, &mut cache, false);
    assert_eq!((problems.len(), n), (0, 1));
    // A stale second line: caught, then replaced by the real one.
    let stale = good.replace(&real[2], "target  nosuch  nosuch@2020-01-01");
    let (_, problems, _) = check_blocks(Path::new("t.md"), &stale, &mut cache, false);
    assert_eq!(problems.len(), 1, "{problems:?}");
    let (fixed, problems, _) = check_blocks(Path::new("t.md"), &stale, &mut cache, true);
    assert!(problems.is_empty());
    assert_eq!(fixed, good);
}
