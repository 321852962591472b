//! The planner and applier on hand-built findings and on real scans:
//! conflicts, results that no longer parse, files changed since read, and
//! property tests (bytes outside edits never change; rewriting is idempotent).

use std::path::PathBuf;

use llmgw_migrate::finding::{Finding, Fix, Kind};
use llmgw_migrate::rewrite::{self, apply, plan::plan_file, RewriteOptions};
use llmgw_migrate::rules::{Rules, TargetTable};
use llmgw_migrate::scan::{self, FileResult, ScanReport};
use llmgw_migrate::source::{Edit, SourceText};
use proptest::prelude::*;

fn rules() -> Rules {
    static RULES: std::sync::OnceLock<Rules> = std::sync::OnceLock::new();
    RULES.get_or_init(|| Rules::embedded().unwrap()).clone()
}

fn target(r: &Rules) -> &TargetTable {
    &r.target("llmgateway").unwrap().table
}

fn finding(
    src: &SourceText,
    at: std::ops::Range<usize>,
    kind: Kind,
    with: Option<&str>,
) -> Finding {
    let (line, column) = src.line_col(at.start);
    let (end_line, end_column) = src.line_col(at.end);
    Finding {
        path: "f".into(),
        line,
        column,
        end_line,
        end_column,
        kind,
        matched: src.text[at.clone()].to_string(),
        replacement: with.map(str::to_owned),
        fix: if with.is_some() || kind == Kind::AttributionHeader {
            Fix::Auto
        } else {
            Fix::Manual
        },
        message: "test".into(),
        rule: format!("test:{kind}"),
        span: at.clone(),
        edit: with.map(|w| Edit {
            range: at,
            text: w.into(),
        }),
    }
}

fn file(
    path: &str,
    bytes: &[u8],
    findings: impl FnOnce(&SourceText) -> Vec<Finding>,
) -> FileResult {
    let source = SourceText::decode(bytes.to_vec());
    let findings = findings(&source);
    FileResult {
        path: path.into(),
        abs: PathBuf::from(path),
        source,
        findings,
    }
}

fn at(src: &SourceText, needle: &str) -> std::ops::Range<usize> {
    let s = src.text.find(needle).unwrap();
    s..s + needle.len()
}

#[test]
fn conflicting_edits_are_reported_and_none_applied() {
    let r = rules();
    let fr = file(
        "a.py",
        b"u = 'https://openrouter.ai/api/v1'\nk = 1\n",
        |s| {
            let url = at(s, "https://openrouter.ai/api/v1");
            let host = at(s, "openrouter.ai");
            vec![
                finding(s, url, Kind::BaseUrl, Some("https://api.llmgateway.io/v1")),
                finding(s, host, Kind::BaseUrl, Some("example.com")),
                finding(s, at(s, "k = 1"), Kind::ModelSlug, Some("k = 2")),
            ]
        },
    );
    let (fp, manual) = plan_file(fr, target(&r), &RewriteOptions::default());
    // The two overlapping edits are dropped; the unrelated one stays.
    assert_eq!(fp.edits.len(), 1);
    assert_eq!(fp.edits[0].after, "k = 2");
    let conflict: Vec<_> = manual
        .iter()
        .filter(|m| m.rule == "rewrite:conflict")
        .collect();
    assert_eq!(conflict.len(), 1);
    assert_eq!(conflict[0].line, 1);
    assert!(conflict[0].why.contains("conflicting edits"));
    assert_eq!(
        fp.output.unwrap(),
        b"u = 'https://openrouter.ai/api/v1'\nk = 2\n".to_vec()
    );
}

#[test]
fn a_result_that_no_longer_parses_is_left_alone() {
    let r = rules();
    let fr = file(
        "config.json",
        b"{\"url\": \"https://openrouter.ai/api/v1\"}\n",
        |s| {
            vec![finding(
                s,
                at(s, "\"https://openrouter.ai/api/v1\""),
                Kind::BaseUrl,
                Some("\"x"),
            )]
        },
    );
    let (fp, _) = plan_file(fr, target(&r), &RewriteOptions::default());
    assert!(fp.output.is_none());
    assert!(
        fp.problem
            .as_deref()
            .unwrap()
            .contains("would no longer parse as JSON"),
        "{:?}",
        fp.problem
    );
    assert!(!fp.changes());
    // Same for Rust via syn, YAML and TOML.
    for (path, body, needle, bad) in [
        (
            "m.rs",
            "const U: &str = \"https://openrouter.ai/api/v1\";\n",
            "\";",
            "\"",
        ),
        (
            "c.yaml",
            "llm:\n  url: https://openrouter.ai/api/v1\n",
            "llm:",
            "[llm:",
        ),
        (
            "c.toml",
            "[llm]\nurl = \"https://openrouter.ai/api/v1\"\n",
            "[llm]",
            "[llm",
        ),
    ] {
        let fr = file(path, body.as_bytes(), |s| {
            vec![finding(s, at(s, needle), Kind::BaseUrl, Some(bad))]
        });
        let (fp, _) = plan_file(fr, target(&r), &RewriteOptions::default());
        assert!(fp.output.is_none(), "{path}");
        assert!(fp.problem.is_some(), "{path}");
    }
}

#[test]
fn a_header_without_a_safe_removal_becomes_manual() {
    let r = rules();
    let fr = file("a.py", b"print('X-Title is sent')\n", |s| {
        vec![finding(s, at(s, "X-Title"), Kind::AttributionHeader, None)]
    });
    let (fp, manual) = plan_file(fr, target(&r), &RewriteOptions::default());
    assert!(fp.edits.is_empty());
    assert_eq!(manual.len(), 1);
    assert_eq!(manual[0].kind, Kind::AttributionHeader);
    // Scan called it automatic: --check keeps failing until someone acts.
    assert!(manual[0].unapplied_auto);
    let plan = rewrite::Plan {
        table: String::new(),
        files: vec![fp],
        manual,
        checklist: vec![],
        errors: vec![],
    };
    assert!(plan.auto_pending());
}

#[test]
fn a_file_changed_since_read_is_not_overwritten() {
    let r = rules();
    let t = r.target("llmgateway").unwrap();
    let d = tempfile::tempdir().unwrap();
    let p = d.path().join("app.py");
    std::fs::write(&p, "URL = \"https://openrouter.ai/api/v1\"\n").unwrap();
    let opts = scan::ScanOptions {
        paths: vec![d.path().to_path_buf()],
        ..Default::default()
    };
    let report = scan::scan(&r, t, &opts);
    let plan = rewrite::plan(report, &t.table, RewriteOptions::default());
    assert_eq!(plan.pending().count(), 1);
    // Someone edits the file between read and write.
    std::fs::write(&p, "URL = \"https://openrouter.ai/api/v1\"  # edited\n").unwrap();
    let w = apply::write_plan(&plan);
    assert!(w.written.is_empty());
    assert_eq!(w.failed.len(), 1);
    assert!(
        w.failed[0].1.contains("changed since it was read"),
        "{:?}",
        w.failed
    );
    assert_eq!(
        std::fs::read_to_string(&p).unwrap(),
        "URL = \"https://openrouter.ai/api/v1\"  # edited\n"
    );
}

// ---- properties -----------------------------------------------------------

/// Lines a migrated file is made of: OpenRouter uses and noise.
const LINES: &[&str] = &[
    "client = OpenAI(base_url=\"https://openrouter.ai/api/v1\", api_key=os.environ[\"OPENROUTER_API_KEY\"])",
    "r = requests.post(\"https://openrouter.ai/api/v1/chat/completions\", headers={\"HTTP-Referer\": \"https://x.dev\", \"X-Title\": \"App\", \"Authorization\": k}, json={\"model\": \"openai/gpt-4o\"})",
    "MODEL = \"anthropic/claude-sonnet-4.6\"",
    "h = {",
    "    \"HTTP-Referer\": \"https://x.dev\",",
    "    \"X-Title\": \"App\",",
    "}",
    "# café crème – naïve",
    "x = 1",
    "",
    "    pass",
    "key = os.getenv(\"OPENROUTER_API_KEY\")",
];

fn file_bytes() -> impl Strategy<Value = (Vec<u8>, bool)> {
    (
        prop::collection::vec(0..LINES.len(), 1..14),
        any::<bool>(),
        0..3u8,
        any::<bool>(),
    )
        .prop_map(|(idx, crlf, enc, final_nl)| {
            let nl = if crlf { "\r\n" } else { "\n" };
            let mut text: String = idx.iter().map(|&i| LINES[i]).collect::<Vec<_>>().join(nl);
            if final_nl {
                text.push_str(nl);
            }
            let bytes = match enc {
                // UTF-8 with BOM
                0 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
                // Latin-1: re-encode every char below 256 as one byte
                1 => text
                    .chars()
                    .map(|c| {
                        if (c as u32) < 256 {
                            c as u32 as u8
                        } else {
                            b'?'
                        }
                    })
                    .collect(),
                _ => text.into_bytes(),
            };
            (bytes, crlf)
        })
}

/// Scan and plan one in-memory file; returns the new bytes and the edits.
fn rewrite_once(r: &Rules, bytes: &[u8]) -> (Option<Vec<u8>>, Vec<Edit>, SourceText) {
    let t = r.target("llmgateway").unwrap();
    let source = SourceText::decode(bytes.to_vec());
    let findings = scan::scan_source(r, t, "app.py", &source, true);
    let fr = FileResult {
        path: "app.py".into(),
        abs: PathBuf::from("app.py"),
        source: source.clone(),
        findings,
    };
    let report = ScanReport {
        table: t.label(),
        files: vec![fr],
        files_scanned: 1,
        files_skipped: 0,
        errors: vec![],
    };
    let plan = rewrite::plan(report, &t.table, RewriteOptions::default());
    match plan.files.into_iter().next() {
        Some(fp) => {
            let edits = fp.edits.iter().map(|e| e.edit.clone()).collect();
            (fp.output, edits, source)
        }
        None => (None, vec![], source),
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]

    #[test]
    fn bytes_outside_edits_never_change((bytes, crlf) in file_bytes()) {
        let r = rules();
        let (out, mut edits, src) = rewrite_once(&r, &bytes);
        let Some(out) = out else { return Ok(()) };
        edits.sort_by_key(|e| e.range.start);
        // Walk the original: every byte between edits appears, in order, at
        // the place the preceding replacements put it.
        let (mut o, mut n) = (0usize, 0usize);
        for e in &edits {
            let s = src.orig_offset(e.range.start);
            let len = s - o;
            prop_assert_eq!(&out[n..n + len], &bytes[o..s]);
            n += len;
            prop_assert_eq!(&out[n..n + e.text.len()], e.text.as_bytes());
            n += e.text.len();
            o = src.orig_offset(e.range.end);
        }
        prop_assert_eq!(&out[n..], &bytes[o..]);
        // Line endings stay what they were.
        let lf_only = out.windows(2).filter(|w| w[1] == b'\n' && w[0] != b'\r').count()
            + usize::from(out.first() == Some(&b'\n'));
        if crlf {
            prop_assert_eq!(lf_only, 0);
        } else {
            prop_assert!(!out.windows(2).any(|w| w == b"\r\n"));
        }
    }

    #[test]
    fn rewriting_twice_equals_rewriting_once((bytes, _crlf) in file_bytes()) {
        let r = rules();
        let (out, _, _) = rewrite_once(&r, &bytes);
        let once = out.unwrap_or(bytes.clone());
        let (again, edits, _) = rewrite_once(&r, &once);
        prop_assert!(edits.is_empty(), "second run planned {:?}", edits);
        prop_assert_eq!(again.unwrap_or(once.clone()), once);
    }
}

/// Pieces of code that stress the header remover: quotes, brackets,
/// separators, continuations, comments, non-ASCII.
const PIECES: &[&str] = &[
    "\"X-Title\"",
    "'X-Title'",
    "X-Title",
    ": ",
    " = ",
    ", ",
    ";",
    "{",
    "}",
    "(",
    ")",
    "[",
    "]",
    "\n",
    "\r\n",
    "    ",
    " \\\n",
    "`",
    "#",
    "//",
    "/*",
    "*/",
    "\"",
    "'",
    "-H ",
    "@{",
    ".header(",
    ".Set(",
    "r#\"",
    "\"#",
    "é",
    "x",
    "1",
    "headers",
    "default_headers=",
    "```python\n",
    "```\n",
    "- ",
    "\\",
    "$",
    "\"\"\"",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(400))]

    #[test]
    fn header_removal_never_panics_and_its_edits_apply(
        idx in prop::collection::vec(0..PIECES.len(), 0..40),
        kind in 0..12usize,
    ) {
        use llmgw_migrate::rewrite::headers::removals;
        use llmgw_migrate::scan::FileKind;
        let kinds = [
            FileKind::Python, FileKind::JavaScript, FileKind::Json, FileKind::Rust,
            FileKind::Go, FileKind::Shell, FileKind::PowerShell, FileKind::Yaml,
            FileKind::Toml, FileKind::Markdown, FileKind::Notebook, FileKind::Text,
        ];
        let text: String = idx.iter().map(|&i| PIECES[i]).collect();
        let spans: Vec<std::ops::Range<usize>> = text
            .match_indices("X-Title")
            .map(|(a, m)| a..a + m.len())
            .collect();
        let (groups, manual) = removals(kinds[kind], &text, &spans);
        let covered: usize = groups.iter().map(|g| g.members.len()).sum::<usize>() + manual.len();
        prop_assert_eq!(covered, spans.len(), "every header is either removed or manual");
        let src = SourceText::decode(text.clone().into_bytes());
        for g in &groups {
            prop_assert!(src.apply(&g.edits).is_ok(), "group edits do not apply: {:?}", g.edits);
        }
    }
}

const MORE: &[&str] = &[
    "https://openrouter.ai/api/v1",
    "OPENROUTER_API_KEY",
    "\"anthropic/claude-sonnet-4.6\"",
    "\"@openrouter/ai-sdk-provider\"",
    "createOpenRouter",
    "\"HTTP-Referer\"",
];

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]

    #[test]
    fn scan_then_plan_never_panics_and_verifies(
        idx in prop::collection::vec(0..PIECES.len() + MORE.len(), 0..40),
        path in prop::sample::select(vec![
            "a.py", "a.ts", "package.json", "a.rs", "a.go", "a.sh", "a.ps1", "c.yaml",
            "c.toml", "README.md", "n.ipynb", ".env", "notes.txt",
        ]),
    ) {
        let r = rules();
        let t = r.target("llmgateway").unwrap();
        let text: String = idx
            .iter()
            .map(|&i| if i < PIECES.len() { PIECES[i] } else { MORE[i - PIECES.len()] })
            .collect();
        let source = SourceText::decode(text.into_bytes());
        let findings = scan::scan_source(&r, t, path, &source, true);
        let fr = FileResult { path: path.into(), abs: PathBuf::from(path), source, findings };
        for keep_old_env in [false, true] {
            let (fp, _) = plan_file(fr.clone(), &t.table, &RewriteOptions { keep_old_env, ..RewriteOptions::default() });
            if let Some(out) = &fp.output {
                // Whatever was planned applies, and for parsed kinds parses.
                let after = SourceText::decode(out.clone());
                if rewrite::verify::parses(fp.kind, &fp.path, &fr.source.text).is_ok() {
                    prop_assert!(rewrite::verify::parses(fp.kind, &fp.path, &after.text).is_ok());
                }
            }
        }
    }
}
