//! Helpers shared by the integration tests: the CLI harness, and helpers
//! for tests that work on fixture repositories.
#![allow(dead_code)]

use std::collections::BTreeMap;
use std::path::Path;
use std::process::{Command, Output};

use llmgw_migrate::scan::ScanReport;

/// Every target id of the embedded tables, so a new gateway's table is
/// covered by the tests that loop over targets with no edit to them.
pub fn target_ids() -> Vec<String> {
    let rules = llmgw_migrate::rules::Rules::embedded().expect("embedded tables");
    rules.targets.iter().map(|t| t.table.id.clone()).collect()
}

/// The binary under test.
pub const BIN: &str = env!("CARGO_BIN_EXE_llmgw-migrate");

/// How a run of the binary ended and what it printed.
#[derive(Debug)]
pub struct Run {
    /// The exit status; -1 when a signal ended the process.
    pub code: i32,
    /// Stdout and stderr as text (bytes that are not UTF-8 replaced).
    pub stdout: String,
    pub stderr: String,
    /// Both exactly as written, and the status.
    pub raw: Output,
}

impl Run {
    /// Stdout then stderr, for messages that may be on either.
    pub fn all(&self) -> String {
        format!("{}{}", self.stdout, self.stderr)
    }

    /// Stdout then stderr, as written.
    pub fn all_bytes(&self) -> Vec<u8> {
        [self.raw.stdout.as_slice(), &self.raw.stderr].concat()
    }

    /// Stdout, which must be UTF-8.
    pub fn utf8(&self) -> &str {
        std::str::from_utf8(&self.raw.stdout).expect("UTF-8 stdout")
    }
}

/// The binary, to run in `dir`: colour off, and no GitHub step summary (a
/// test run inside Actions must not write to the job's summary). Add
/// arguments, environment or stdin, then [`output`].
pub fn cli(dir: &Path) -> Command {
    let mut c = Command::new(BIN);
    c.current_dir(dir)
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY");
    c
}

/// Runs the binary with `args` in `dir`.
pub fn run(dir: &Path, args: &[&str]) -> Run {
    output(cli(dir).args(args))
}

/// Stdout of a run with `args` in `dir` that must succeed.
pub fn ok(dir: &Path, args: &[&str]) -> String {
    let r = run(dir, args);
    assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
    r.utf8().to_owned()
}

/// Runs a command made with [`cli`].
pub fn output(cmd: &mut Command) -> Run {
    let o = cmd.output().expect("the binary runs");
    Run {
        code: o.status.code().unwrap_or(-1),
        stdout: String::from_utf8_lossy(&o.stdout).into_owned(),
        stderr: String::from_utf8_lossy(&o.stderr).into_owned(),
        raw: o,
    }
}

/// The crate root, where `cargo test` runs the tests.
pub fn here() -> &'static Path {
    Path::new(env!("CARGO_MANIFEST_DIR"))
}

/// Copy a directory tree (files and directories; links are skipped).
pub fn copy_tree(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let t = e.file_type().unwrap();
        let dest = to.join(e.file_name());
        if t.is_dir() {
            copy_tree(&e.path(), &dest);
        } else if t.is_file() {
            std::fs::copy(e.path(), &dest).unwrap();
        }
    }
}

/// Names a report's files relative to `root`. The scanner names them from
/// the root as given (an absolute fixture path in these tests), while the
/// expectations are relative to the fixture repository.
pub fn relative_to(report: &mut ScanReport, root: &Path) {
    let prefix = format!("{}/", root.display());
    for file in &mut report.files {
        if let Some(rel) = file.path.strip_prefix(&prefix) {
            file.path = rel.to_owned();
        }
        for f in &mut file.findings {
            if let Some(rel) = f.path.strip_prefix(&prefix) {
                f.path = rel.to_owned();
            }
        }
    }
}

/// Hand-written expectations: `path:line:kind:match` a line, `#` comments.
pub fn expected(file: &Path) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for line in std::fs::read_to_string(file).unwrap().lines() {
        let line = line.trim_end();
        if line.is_empty() || line.starts_with('#') {
            continue;
        }
        *m.entry(line.to_owned()).or_default() += 1;
    }
    m
}

/// A report's findings in the expectations' format, counted.
pub fn found(report: &ScanReport) -> BTreeMap<String, usize> {
    let mut m = BTreeMap::new();
    for f in report.findings() {
        *m.entry(format!("{}:{}:{}:{}", f.path, f.line, f.kind, f.matched))
            .or_default() += 1;
    }
    m
}

/// What is missing from `got` and what it has too much of, one line each.
pub fn diff(
    name: &str,
    want: &BTreeMap<String, usize>,
    got: &BTreeMap<String, usize>,
) -> Vec<String> {
    let mut out = Vec::new();
    for (k, n) in want {
        let g = got.get(k).copied().unwrap_or(0);
        if g < *n {
            out.push(format!("{name}: missing   {k} (x{})", n - g));
        }
    }
    for (k, n) in got {
        let w = want.get(k).copied().unwrap_or(0);
        if *n > w {
            out.push(format!("{name}: unexpected {k} (x{})", n - w));
        }
    }
    out
}
