//! Inline `llmgw-migrate: ignore` comments in every comment syntax the scanner
//! reads, and baselines that survive moved code.

use llmgw_migrate::baseline::{self, fingerprint, Baseline};
use llmgw_migrate::finding::{Finding, Fix, Kind};
use llmgw_migrate::scan::{FileResult, ScanReport};
use llmgw_migrate::source::SourceText;
use llmgw_migrate::suppress;

/// Findings for every occurrence of `needle` in `src`.
fn findings(path: &str, src: &SourceText, needle: &str, kind: Kind) -> Vec<Finding> {
    src.text
        .match_indices(needle)
        .map(|(at, _)| {
            let (line, column) = src.line_col(at);
            let (end_line, end_column) = src.line_col(at + needle.len());
            Finding {
                path: path.into(),
                line,
                column,
                end_line,
                end_column,
                kind,
                matched: needle.into(),
                replacement: None,
                fix: Fix::Auto,
                message: String::new(),
                rule: "test".into(),
                span: at..at + needle.len(),
                edit: None,
            }
        })
        .collect()
}

/// Lines of the findings left after suppression.
fn remaining(text: &str, needle: &str, kind: Kind) -> (Vec<usize>, usize) {
    let src = SourceText::decode(text.as_bytes().to_vec());
    let mut f = findings("f", &src, needle, kind);
    let n = suppress::apply(&mut f, &src);
    (f.iter().map(|f| f.line).collect(), n)
}

#[test]
fn same_line_marker_in_every_comment_syntax() {
    let cases = [
        (
            "python/shell/yaml",
            "url = 'openrouter.ai'  # llmgw-migrate: ignore",
        ),
        (
            "js/go/rust",
            "const u = \"openrouter.ai\"; // llmgw-migrate: ignore",
        ),
        (
            "block",
            "let u = \"openrouter.ai\"; /* llmgw-migrate: ignore */",
        ),
        (
            "html/markdown",
            "<a href=\"https://openrouter.ai\">x</a> <!-- llmgw-migrate: ignore -->",
        ),
        (
            "powershell block",
            "$u = 'openrouter.ai' <# llmgw-migrate: ignore #>",
        ),
        (
            "sql/lua",
            "SELECT 'openrouter.ai'; -- llmgw-migrate: ignore",
        ),
        ("ini", "url = openrouter.ai ; llmgw-migrate: ignore"),
        ("batch", "REM openrouter.ai llmgw-migrate: ignore"),
        ("batch @rem", "@rem openrouter.ai llmgw-migrate: ignore"),
        (
            "no space, upper case",
            "u='openrouter.ai'#LLMGW-MIGRATE:IGNORE",
        ),
    ];
    for (name, line) in cases {
        // A blank line after: a comment-only line (REM) also covers the next.
        let text = format!("before = 1\n{line}\n\nafter = 'openrouter.ai'\n");
        let (left, n) = remaining(&text, "openrouter.ai", Kind::BaseUrl);
        assert_eq!((left.as_slice(), n), (&[4][..], 1), "{name}: {line}");
    }
}

#[test]
fn comment_line_above_covers_the_next_line_only() {
    let text = "\
# llmgw-migrate: ignore
a = 'openrouter.ai'
b = 'openrouter.ai'
    // llmgw-migrate: ignore[base-url]
    c = 'openrouter.ai'
<!-- llmgw-migrate: ignore -->
d = 'openrouter.ai'
";
    let (left, n) = remaining(text, "openrouter.ai", Kind::BaseUrl);
    assert_eq!(left, vec![3]);
    assert_eq!(n, 3);
}

#[test]
fn trailing_marker_does_not_reach_the_next_line() {
    let text = "a = 'openrouter.ai' # llmgw-migrate: ignore\nb = 'openrouter.ai'\n";
    let (left, n) = remaining(text, "openrouter.ai", Kind::BaseUrl);
    assert_eq!((left, n), (vec![2], 1));
}

#[test]
fn kind_lists_limit_what_is_suppressed() {
    let text = "m = 'anthropic/claude-3' # llmgw-migrate: ignore[base-url, secret]\n\
                n = 'anthropic/claude-3' # llmgw-migrate: ignore [ model-slug ]\n\
                o = 'anthropic/claude-3' # llmgw-migrate: ignore[api-key-env,model-slug]\n";
    let (left, n) = remaining(text, "anthropic/claude-3", Kind::ModelSlug);
    assert_eq!((left, n), (vec![1], 2));
}

#[test]
fn marker_outside_a_comment_or_misspelt_does_nothing() {
    let text = "\
x = 'openrouter.ai llmgw-migrate: ignore'
y = 'openrouter.ai' # llmgw-migrate: ignored because reasons
z = 'openrouter.ai' # llmgw-migrate ignore
";
    let (left, n) = remaining(text, "openrouter.ai", Kind::BaseUrl);
    assert_eq!((left, n), (vec![1, 2, 3], 0));
}

#[test]
fn crlf_and_reason_text_after_the_marker() {
    let text = "// llmgw-migrate: ignore -- test fixture, not real traffic\r\nconst u = 'openrouter.ai';\r\n";
    let (left, n) = remaining(text, "openrouter.ai", Kind::BaseUrl);
    assert_eq!((left, n), (Vec::<usize>::new(), 1));
}

fn report_of(path: &str, text: &str, needle: &str) -> ScanReport {
    let src = SourceText::decode(text.as_bytes().to_vec());
    let f = findings(path, &src, needle, Kind::ModelSlug);
    ScanReport {
        table: "llmgateway@1+sha256:000000000000".into(),
        files: vec![FileResult {
            path: path.into(),
            abs: path.into(),
            source: src,
            findings: f,
        }],
        files_scanned: 1,
        files_skipped: 0,
        errors: vec![],
    }
}

#[test]
fn fingerprints_ignore_line_numbers_and_whitespace_but_not_content() {
    let src = SourceText::decode(b"MODEL = 'openai/gpt-4o'\n".to_vec());
    let f = &findings("a.py", &src, "openai/gpt-4o", Kind::ModelSlug)[0];
    let base = fingerprint(f, "MODEL = 'openai/gpt-4o'");
    let mut moved = f.clone();
    moved.line += 10;
    moved.column += 4;
    assert_eq!(fingerprint(&moved, "    MODEL  =\t'openai/gpt-4o'  "), base);
    assert_ne!(fingerprint(f, "OTHER = 'openai/gpt-4o'"), base);
    let mut other_path = f.clone();
    other_path.path = "b.py".into();
    assert_ne!(fingerprint(&other_path, "MODEL = 'openai/gpt-4o'"), base);
    let mut other_kind = f.clone();
    other_kind.kind = Kind::BaseUrl;
    assert_ne!(fingerprint(&other_kind, "MODEL = 'openai/gpt-4o'"), base);
}

#[test]
fn baseline_keeps_moved_findings_quiet_and_reports_new_ones() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("baseline.json");
    let before = "\
A = 'openai/gpt-4o'
B = 'openai/gpt-4o'
";
    baseline::write(&file, &report_of("app.py", before, "openai/gpt-4o")).unwrap();
    let b = baseline::load(&file).unwrap();
    assert_eq!(b.findings.len(), 2);

    // Lines inserted above and re-indented: both known. A third copy of a
    // known line and a new line are reported.
    let after = "\
import os

def f():
    A = 'openai/gpt-4o'
B   =   'openai/gpt-4o'
B = 'openai/gpt-4o'
C = 'openai/gpt-4o'
";
    let mut report = report_of("app.py", after, "openai/gpt-4o");
    let n = b.filter_report(&mut report);
    assert_eq!(n, 2);
    let left: Vec<usize> = report.findings().map(|f| f.line).collect();
    assert_eq!(left, vec![6, 7]);

    // The same content in another file is new.
    let mut other = report_of("other.py", before, "openai/gpt-4o");
    assert_eq!(b.filter_report(&mut other), 0);
    assert_eq!(other.findings().count(), 2);
}

#[test]
fn baseline_file_is_versioned_json_and_bad_files_are_clear_errors() {
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("b.json");
    baseline::write(
        &file,
        &report_of("app.py", "X = 'openai/gpt-4o'\n", "openai/gpt-4o"),
    )
    .unwrap();
    let v: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["findings"][0]["path"], "app.py");
    assert_eq!(v["findings"][0]["occurrence"], 0);
    assert_eq!(v["findings"][0]["fingerprint"].as_str().unwrap().len(), 32);

    let bad = dir.path().join("bad.json");
    std::fs::write(&bad, "{\n  \"schema\": 1,\n  \"tool\": 3\n}\n").unwrap();
    let err = baseline::load(&bad).unwrap_err().to_string();
    assert!(err.starts_with(&format!("{}:3:", bad.display())), "{err}");

    std::fs::write(
        &bad,
        "{\"schema\":99,\"tool\":\"x\",\"table\":\"t\",\"findings\":[]}",
    )
    .unwrap();
    let err = baseline::load(&bad).unwrap_err().to_string();
    assert!(err.contains("schema 99"), "{err}");

    let err = baseline::load(&dir.path().join("missing.json"))
        .unwrap_err()
        .to_string();
    assert!(err.contains("missing.json"), "{err}");

    // Filtering with no baseline entries keeps everything.
    let empty = Baseline {
        schema: 1,
        tool: "t".into(),
        table: "t".into(),
        findings: vec![],
    };
    let mut r = report_of("app.py", "X = 'openai/gpt-4o'\n", "openai/gpt-4o");
    assert_eq!(empty.filter_report(&mut r), 0);
    assert_eq!(r.findings().count(), 1);
}
