//! Every CI output format of `scan`, checked by a test that fails on a
//! malformed document: SARIF against the official 2.1.0 schema, GitHub
//! workflow commands by parsing them back, JUnit by parsing the XML.

use std::path::PathBuf;

use llmgw_migrate::baseline;
use llmgw_migrate::finding::{Finding, Fix, Kind};
use llmgw_migrate::report::{github, junit, sarif, step_summary, ScanOutput};
use llmgw_migrate::rules::{Loaded, Rules, TargetTable};
use llmgw_migrate::scan::{FileResult, ScanError, ScanReport};
use llmgw_migrate::source::SourceText;
use serde_json::Value;

const LABEL: &str = "llmgateway@2026-01-01+sha256:0123456789ab";

/// A finding on the first occurrence of `needle` in `src`, positioned the way
/// the scanner positions them (end column is exclusive).
fn find(
    path: &str,
    src: &SourceText,
    needle: &str,
    kind: Kind,
    fix: Fix,
    repl: Option<&str>,
    msg: &str,
) -> Finding {
    let at = src.text.find(needle).expect("needle in source");
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
        replacement: repl.map(Into::into),
        fix,
        message: msg.into(),
        rule: format!("test/{kind}"),
        span: at..at + needle.len(),
        edit: None,
    }
}

fn report() -> ScanReport {
    let py = SourceText::decode(
        b"import openai\nclient = openai.OpenAI(\n    base_url=\"https://openrouter.ai/api/v1\",\n    api_key=\"sk-or-v1-...ab12\",\n)\nMODEL = \"anthropic/claude-3.5-sonnet\"\n"
            .to_vec(),
    );
    let ts = SourceText::decode(
        "const é = process.env.OPENROUTER_API_KEY; // 100% <b>&</b>\n"
            .as_bytes()
            .to_vec(),
    );
    let py_findings = vec![
        find(
            "src/app.py",
            &py,
            "https://openrouter.ai/api/v1",
            Kind::BaseUrl,
            Fix::Auto,
            Some("https://api.llmgateway.io/v1"),
            "OpenRouter base URL; the target's is https://api.llmgateway.io/v1",
        ),
        find(
            "src/app.py",
            &py,
            "sk-or-v1-...ab12",
            Kind::Secret,
            Fix::Manual,
            None,
            "hard-coded OpenRouter key (redacted)",
        ),
        find(
            "src/app.py",
            &py,
            "anthropic/claude-3.5-sonnet",
            Kind::ModelSlug,
            Fix::Auto,
            Some("claude-3-5-sonnet-20241022"),
            "",
        ),
    ];
    // A path and a message with every character the formats must escape.
    let odd = "web/my dir,v2:x/é.ts";
    let ts_findings = vec![find(
        odd,
        &ts,
        "OPENROUTER_API_KEY",
        Kind::ApiKeyEnv,
        Fix::Auto,
        Some("LLM_GATEWAY_API_KEY"),
        "key variable: 100% renamed\nsecond line, with: colon | pipe <tag> & `tick`",
    )];
    ScanReport {
        table: LABEL.into(),
        files: vec![
            FileResult {
                path: "src/app.py".into(),
                abs: PathBuf::from("/repo/src/app.py"),
                source: py,
                findings: py_findings,
            },
            FileResult {
                path: odd.into(),
                abs: PathBuf::from("/repo").join(odd),
                source: ts,
                findings: ts_findings,
            },
        ],
        files_scanned: 12,
        files_skipped: 1,
        errors: vec![ScanError {
            path: "data/huge.json".into(),
            message: "cannot read: permission denied".into(),
        }],
    }
}

fn target() -> Loaded<TargetTable> {
    let rules = Rules::embedded().expect("embedded rules");
    let mut t = rules.target("llmgateway").expect("llmgateway").clone();
    // Fixed provenance so snapshots do not change with every table edit.
    t.hash = "0123456789ab".into();
    t.table.version.value = "2026-01-01".into();
    t
}

fn schema_validator() -> jsonschema::Validator {
    let text = include_str!("data/sarif-schema-2.1.0.json");
    let schema: Value = serde_json::from_str(text).expect("schema is JSON");
    jsonschema::draft4::options()
        .should_validate_formats(true)
        .build(&schema)
        .expect("schema compiles")
}

fn schema_errors(v: &jsonschema::Validator, doc: &Value) -> Vec<String> {
    v.iter_errors(doc)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect()
}

#[test]
fn sarif_is_valid_against_the_official_schema() {
    let report = report();
    let out = ScanOutput::new(&report);
    let text = sarif::render(
        &out,
        &target(),
        "openrouter@2026-01-01+sha256:aaaaaaaaaaaa",
        &baseline::fingerprints(&report),
    );
    let doc: Value = serde_json::from_str(&text).expect("SARIF is JSON");
    let v = schema_validator();
    let errs = schema_errors(&v, &doc);
    assert!(errs.is_empty(), "schema errors: {errs:#?}");

    // The validator is not vacuous: a region with line 0, a result with no
    // message and a wrong version are each rejected.
    let mut bad = doc.clone();
    bad["runs"][0]["results"][0]["locations"][0]["physicalLocation"]["region"]["startLine"] =
        0.into();
    assert!(!schema_errors(&v, &bad).is_empty());
    let mut bad = doc.clone();
    bad["runs"][0]["results"][0]
        .as_object_mut()
        .unwrap()
        .remove("message");
    assert!(!schema_errors(&v, &bad).is_empty());
    let mut bad = doc.clone();
    bad["version"] = "2.0.0".into();
    assert!(!schema_errors(&v, &bad).is_empty());
}

#[test]
fn sarif_carries_rules_table_regions_and_fix() {
    let report = report();
    let out = ScanOutput::new(&report);
    let t = target();
    let doc: Value = serde_json::from_str(&sarif::render(
        &out,
        &t,
        "openrouter@x",
        &baseline::fingerprints(&report),
    ))
    .unwrap();
    let run = &doc["runs"][0];
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    let ids: Vec<&str> = rules.iter().map(|r| r["id"].as_str().unwrap()).collect();
    assert_eq!(ids, Kind::ALL.map(|k| k.as_str()).to_vec());
    for r in rules {
        assert!(r["help"]["text"].as_str().unwrap().len() > 40, "{r}");
        assert!(r["shortDescription"]["text"].is_string());
    }
    assert_eq!(run["properties"]["table"], LABEL);
    assert_eq!(run["properties"]["targetTable"]["id"], "llmgateway");
    assert_eq!(run["properties"]["targetTable"]["version"], "2026-01-01");
    assert_eq!(run["properties"]["targetTable"]["sha256"], "0123456789ab");
    assert_eq!(run["properties"]["sourceTable"], "openrouter@x");

    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), out.findings.len());
    for (r, f) in results.iter().zip(&out.findings) {
        assert_eq!(r["ruleId"], f.kind.as_str());
        let idx = r["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[idx]["id"], f.kind.as_str());
        let region = &r["locations"][0]["physicalLocation"]["region"];
        assert_eq!(region["startLine"], f.line);
        assert_eq!(region["startColumn"], f.column);
        assert_eq!(region["endLine"], f.end_line);
        assert_eq!(region["endColumn"], f.end_column);
        assert_eq!(region["snippet"]["text"], f.matched.as_str());
        let fix = match f.fix {
            Fix::Auto => "auto",
            Fix::Manual => "manual",
            Fix::None => "none",
        };
        assert_eq!(r["properties"]["fix"], fix);
        assert_eq!(
            r["properties"]["replacement"],
            serde_json::to_value(&f.replacement).unwrap()
        );
        assert!(!r["message"]["text"].as_str().unwrap().is_empty());
    }
    // Each result carries the baseline's identity of its finding.
    let fps = baseline::fingerprints(&report);
    let entries = baseline::Baseline::from_report(&report).findings;
    for ((r, fp), e) in results.iter().zip(&fps).zip(&entries) {
        assert_eq!(
            r["partialFingerprints"][sarif::FINGERPRINT_KEY],
            fp.as_str()
        );
        assert_eq!(*fp, format!("{}:{}", e.fingerprint, e.occurrence));
    }
    let mut unique = fps.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), results.len(), "one identity per finding");
    // The secret is an error; the region of the key points at line 4.
    let secret = results.iter().find(|r| r["ruleId"] == "secret").unwrap();
    assert_eq!(secret["level"], "error");
    assert_eq!(
        secret["locations"][0]["physicalLocation"]["region"]["startLine"],
        4
    );
    // Odd characters in paths are percent-encoded in the URI.
    let uri = results[3]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        .as_str()
        .unwrap();
    assert_eq!(uri, "web/my%20dir%2Cv2%3Ax/%C3%A9.ts");
    // Scan errors become notifications.
    let notes = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(notes.len(), 1);
    assert_eq!(notes[0]["level"], "error");
}

#[test]
fn sarif_snapshot() {
    let report = report();
    let out = ScanOutput::new(&report);
    let text = sarif::render(
        &out,
        &target(),
        "openrouter@2026-01-01+sha256:aaaaaaaaaaaa",
        &baseline::fingerprints(&report),
    );
    let mut doc: Value = serde_json::from_str(&text).unwrap();
    doc["runs"][0]["tool"]["driver"]["version"] = "[version]".into();
    doc["runs"][0]["tool"]["driver"]["semanticVersion"] = "[version]".into();
    insta::assert_json_snapshot!(doc);
}

#[test]
fn sarif_of_a_clean_scan_is_valid() {
    let report = ScanReport {
        table: LABEL.into(),
        files: vec![],
        files_scanned: 3,
        files_skipped: 0,
        errors: vec![],
    };
    let out = ScanOutput::new(&report);
    let doc: Value = serde_json::from_str(&sarif::render(&out, &target(), "o@1", &[])).unwrap();
    assert!(schema_errors(&schema_validator(), &doc).is_empty());
    assert_eq!(doc["runs"][0]["results"].as_array().unwrap().len(), 0);
}

/// One parsed workflow command.
#[derive(Debug)]
struct Cmd {
    name: String,
    props: Vec<(String, String)>,
    message: String,
}

fn unescape(s: &str, prop: bool) -> String {
    let mut out = s.replace("%0D", "\r").replace("%0A", "\n");
    if prop {
        out = out.replace("%3A", ":").replace("%2C", ",");
    }
    out.replace("%25", "%")
}

/// Parse `::name k=v,k=v::message` as the Actions runner does.
fn parse_command(line: &str) -> Cmd {
    let rest = line.strip_prefix("::").expect("starts with ::");
    let (head, message) = rest.split_once("::").expect("has ::message");
    let (name, props) = head.split_once(' ').unwrap_or((head, ""));
    let props = props
        .split(',')
        .filter(|p| !p.is_empty())
        .map(|p| {
            let (k, v) = p.split_once('=').expect("k=v");
            assert!(!v.contains(':'), "unescaped : in {p}");
            (k.to_owned(), unescape(v, true))
        })
        .collect();
    Cmd {
        name: name.into(),
        props,
        message: unescape(message, false),
    }
}

#[test]
fn github_commands_parse_back_to_the_findings() {
    let report = report();
    let out = ScanOutput::new(&report);
    let text = github::render(&out);
    let lines: Vec<&str> = text.lines().collect();
    // findings, one error, one notice: no line broken by a raw newline.
    assert_eq!(lines.len(), out.findings.len() + 2, "{text}");
    for (line, f) in lines.iter().zip(&out.findings) {
        let c = parse_command(line);
        let want = if f.kind == Kind::Secret {
            "error"
        } else {
            "warning"
        };
        assert_eq!(c.name, want);
        let get = |k: &str| {
            c.props
                .iter()
                .find(|(n, _)| n == k)
                .map(|(_, v)| v.clone())
                .unwrap_or_else(|| panic!("no {k} in {line}"))
        };
        assert_eq!(get("file"), f.path);
        assert_eq!(get("line"), f.line.to_string());
        assert_eq!(get("col"), f.column.to_string());
        assert_eq!(get("endLine"), f.end_line.to_string());
        assert_eq!(get("endColumn"), f.end_column.to_string());
        assert_eq!(get("title"), format!("llmgw-migrate: {}", f.kind));
        if !f.message.is_empty() {
            assert!(c.message.starts_with(&f.message), "{:?}", c.message);
        }
        if let Some(r) = &f.replacement {
            assert!(c.message.contains(r.as_str()));
        }
    }
    let err = parse_command(lines[out.findings.len()]);
    assert_eq!(err.name, "error");
    assert_eq!(err.props[0], ("file".into(), "data/huge.json".into()));
    let notice = parse_command(lines.last().unwrap());
    assert_eq!(notice.name, "notice");
    assert!(
        notice.message.starts_with("4 findings"),
        "{}",
        notice.message
    );
    insta::assert_snapshot!(text);
}

/// Strict enough XML well-formedness: balanced tags, quoted attributes,
/// only the five predefined entities or character references.
fn assert_well_formed(xml: &str) {
    let body = xml
        .strip_prefix("<?xml")
        .and_then(|s| s.split_once("?>"))
        .map(|(_, b)| b)
        .expect("XML declaration");
    let mut stack: Vec<String> = Vec::new();
    let mut rest = body;
    let check_text = |t: &str| {
        assert!(!t.contains('<') && !t.contains('>'), "raw bracket in {t:?}");
        let mut s = t;
        while let Some(i) = s.find('&') {
            let tail = &s[i + 1..];
            let end = tail.find(';').expect("entity ends with ;");
            let ent = &tail[..end];
            assert!(
                matches!(ent, "amp" | "lt" | "gt" | "quot" | "apos") || ent.starts_with('#'),
                "bad entity &{ent};"
            );
            s = &tail[end..];
        }
    };
    while let Some(i) = rest.find('<') {
        check_text(&rest[..i]);
        let end = rest[i..].find('>').expect("tag closes") + i;
        let tag = &rest[i + 1..end];
        rest = &rest[end + 1..];
        if let Some(name) = tag.strip_prefix('/') {
            assert_eq!(
                stack.pop().as_deref(),
                Some(name.trim()),
                "mismatched </{name}>"
            );
            continue;
        }
        let self_closing = tag.ends_with('/');
        let tag = tag.trim_end_matches('/');
        let (name, mut attrs) = tag.split_once(' ').unwrap_or((tag, ""));
        while !attrs.trim().is_empty() {
            let (k, v) = attrs.split_once('=').expect("attr=value");
            assert!(!k.trim().is_empty() && !k.contains('"'));
            let v = v.strip_prefix('"').expect("quoted attribute");
            let close = v.find('"').expect("attribute closes");
            check_text(&v[..close]);
            attrs = &v[close + 1..];
        }
        if !self_closing {
            stack.push(name.to_owned());
        }
    }
    check_text(rest);
    assert!(stack.is_empty(), "unclosed {stack:?}");
}

#[test]
fn junit_is_well_formed_with_the_right_counts() {
    let report = report();
    let out = ScanOutput::new(&report);
    let xml = junit::render(&out);
    assert_well_formed(&xml);
    let parsed = quick_junit::Report::deserialize_from_str(&xml).expect("JUnit parses");
    assert_eq!(parsed.test_suites.len(), 1);
    let suite = &parsed.test_suites[0];
    assert_eq!(suite.tests, 5);
    assert_eq!(suite.failures, 4);
    assert_eq!(suite.errors, 1);
    assert_eq!(suite.test_cases.len(), 5);
    assert!(suite.test_cases[0]
        .name
        .as_str()
        .starts_with("src/app.py:3:15 base-url"));
    // The message with <, & and a newline survived the round trip.
    let tricky = out.findings[3];
    let case = &suite.test_cases[3];
    match &case.status {
        quick_junit::TestCaseStatus::NonSuccess { message, .. } => {
            assert_eq!(message.as_ref().unwrap().as_str(), tricky.message)
        }
        s => panic!("expected a failure, got {s:?}"),
    }
    insta::assert_snapshot!(xml);
}

#[test]
fn junit_of_a_clean_scan_has_one_passing_case() {
    let report = ScanReport {
        table: LABEL.into(),
        files: vec![],
        files_scanned: 3,
        files_skipped: 0,
        errors: vec![],
    };
    let xml = junit::render(&ScanOutput::new(&report));
    assert_well_formed(&xml);
    let parsed = quick_junit::Report::deserialize_from_str(&xml).unwrap();
    let suite = &parsed.test_suites[0];
    assert_eq!((suite.tests, suite.failures, suite.errors), (1, 0, 0));
}

#[test]
fn well_formedness_check_rejects_broken_xml() {
    let bad = [
        "<?xml version=\"1.0\"?><a><b></a></b>",
        "<?xml version=\"1.0\"?><a x=1></a>",
        "<?xml version=\"1.0\"?><a>&nbsp;</a>",
        "<?xml version=\"1.0\"?><a>",
    ];
    for b in bad {
        assert!(
            std::panic::catch_unwind(|| assert_well_formed(b)).is_err(),
            "accepted {b}"
        );
    }
}

#[test]
fn step_summary_markdown_and_append() {
    let report = report();
    let mut out = ScanOutput::new(&report);
    out.summary.suppressed = 2;
    out.summary.baselined = 5;
    let md = step_summary::markdown(&out);
    assert!(md.contains("**4 findings**: 3 fixable with"), "{md}");
    assert!(md.contains("2 suppressed inline · 5 in baseline"));
    assert!(md.contains("| base-url | 1 |"));
    // Every findings-table row has exactly 5 unescaped cell separators + 1.
    let rows: Vec<&str> = md.lines().filter(|l| l.starts_with("| `")).collect();
    assert_eq!(rows.len(), 4);
    for r in &rows {
        let unescaped = r.replace("\\|", "").matches('|').count();
        assert_eq!(unescaped, 6, "{r}");
    }
    insta::assert_snapshot!(md);

    // Appends (twice = two summaries), and does nothing when unset/empty.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("summary.md");
    std::env::set_var("GITHUB_STEP_SUMMARY", &file);
    step_summary::append_if_set("one").unwrap();
    step_summary::append_if_set("two\n").unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "one\ntwo\n");
    std::env::set_var("GITHUB_STEP_SUMMARY", "");
    step_summary::append_if_set("three").unwrap();
    std::env::remove_var("GITHUB_STEP_SUMMARY");
    step_summary::append_if_set("four").unwrap();
    assert_eq!(std::fs::read_to_string(&file).unwrap(), "one\ntwo\n");
}

proptest::proptest! {
    /// Any path and message survive the GitHub encoding: one line per
    /// command, and the runner's decoding gives back the original text.
    #[test]
    fn github_escaping_round_trips(
        path in "[a-z%:,\r\n é/._-]{1,20}",
        msg in "\\PC{0,30}|[%:,\r\n:]{0,10}",
    ) {
        let src = SourceText::decode(b"x = 'openrouter.ai'\n".to_vec());
        let mut f = find("p", &src, "openrouter.ai", Kind::BaseUrl, Fix::Manual, None, "");
        f.path = path.clone();
        f.message = format!("m{msg}");
        let report = ScanReport {
            table: LABEL.into(),
            files: vec![FileResult {
                path: path.clone(),
                abs: PathBuf::from("/r"),
                source: src,
                findings: vec![f],
            }],
            files_scanned: 1,
            files_skipped: 0,
            errors: vec![],
        };
        let out = ScanOutput::new(&report);
        let text = github::render(&out);
        let lines: Vec<&str> = text.lines().collect();
        proptest::prop_assert_eq!(lines.len(), 2);
        let c = parse_command(lines[0]);
        proptest::prop_assert_eq!(&c.props[0], &("file".to_owned(), path));
        let want = format!("m{msg}").trim().to_owned();
        proptest::prop_assert!(c.message.starts_with(&want), "{:?} vs {:?}", c.message, want);
    }
}
