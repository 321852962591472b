//! `--format junit`: one test suite, one failing test case per finding, so
//! CI systems that only read JUnit (GitLab, Jenkins, Azure) show each
//! dependency as a failed check. A clean scan is one passing case.

use quick_junit::{NonSuccessKind, Report, TestCase, TestCaseStatus, TestSuite};

use crate::finding::{Finding, Fix};
use crate::report::ScanOutput;

fn case(f: &Finding) -> TestCase {
    let mut status = TestCaseStatus::non_success(NonSuccessKind::Failure);
    let detail = format!(
        "{}:{}:{}: {} `{}`{}\nfix: {}\nrule: {}\n{}",
        f.path,
        f.line,
        f.column,
        f.kind,
        f.matched,
        f.replacement
            .as_deref()
            .map(|r| format!(" -> `{r}`"))
            .unwrap_or_default(),
        match f.fix {
            Fix::Auto => "auto (llmgw-migrate rewrite)",
            Fix::Manual => "manual",
            Fix::None => "none",
        },
        f.rule,
        f.message
    );
    status
        .set_message(if f.message.is_empty() {
            format!("{} {}", f.kind, f.matched)
        } else {
            f.message.clone()
        })
        .set_type(f.kind.as_str())
        .set_description(detail);
    let mut tc = TestCase::new(
        format!("{}:{}:{} {}", f.path, f.line, f.column, f.kind),
        status,
    );
    tc.set_classname(f.path.clone());
    tc
}

pub fn render(out: &ScanOutput) -> String {
    let mut suite = TestSuite::new("llmgw-migrate scan");
    suite.add_property(("table", out.table));
    suite.add_property((
        "files_scanned",
        out.summary.files_scanned.to_string().as_str(),
    ));
    suite.add_property((
        "files_skipped",
        out.summary.files_skipped.to_string().as_str(),
    ));
    for f in &out.findings {
        suite.add_test_case(case(f));
    }
    for e in out.summary.errors {
        let mut status = TestCaseStatus::non_success(NonSuccessKind::Error);
        status.set_message(e.message.clone()).set_type("scan-error");
        let mut tc = TestCase::new(format!("{} (cannot scan)", e.path), status);
        tc.set_classname(e.path.clone());
        suite.add_test_case(tc);
    }
    if suite.test_cases.is_empty() {
        let mut tc = TestCase::new("no OpenRouter dependencies", TestCaseStatus::success());
        tc.set_classname("llmgw-migrate");
        suite.add_test_case(tc);
    }
    let mut report = Report::new("llmgw-migrate");
    report.add_test_suite(suite);
    report
        .to_string()
        .expect("JUnit serialization of in-memory strings cannot fail")
}
