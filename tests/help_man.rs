//! Help text and the man page: every --format value with a line, --to and
//! --from listing the embedded tables, --kinds the finding kinds, and one
//! man page with EXIT STATUS and no references to pages that do not exist.

// Without the `parity` feature the tests that need it are left out, and
// their helpers with them.
#![cfg_attr(not(feature = "parity"), allow(dead_code, unused_imports))]

mod common;

use std::process::Command;

use clap::ValueEnum;
use common::{here, ok, run};
use llmgw_migrate::cli::{ParityFormat, RewriteFormat, ScanFormat};
use llmgw_migrate::finding::Kind;
use llmgw_migrate::rules::Rules;

/// Each value of a `--format` enum appears as `- name: description`.
fn lists_values<E: ValueEnum>(help: &str, what: &str) {
    for v in E::value_variants() {
        let pv = v.to_possible_value().unwrap();
        let about = pv.get_help().expect("every value is described").to_string();
        let line = format!("- {}:", pv.get_name());
        let found = help
            .lines()
            .any(|l| l.trim_start().starts_with(&line) && l.contains(&about));
        assert!(
            found,
            "{what}: no line for {} ({about}):\n{help}",
            pv.get_name()
        );
    }
}

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn format_values_have_a_line_each() {
    lists_values::<ScanFormat>(&ok(here(), &["scan", "--help"]), "scan");
    lists_values::<RewriteFormat>(&ok(here(), &["rewrite", "--help"]), "rewrite");
    lists_values::<ParityFormat>(&ok(here(), &["parity", "--help"]), "parity");
}

#[test]
fn to_and_from_list_the_embedded_tables() {
    let rules = Rules::embedded().unwrap();
    for cmd in ["scan", "rewrite"] {
        let help = ok(here(), &[cmd, "--help"]);
        // Gateways are listed under --from too: read the --to section.
        let to_section = &help[help.find("--to <TARGET>").expect("--to in help")..];
        for t in &rules.targets {
            let line = to_section
                .lines()
                .find(|l| l.trim_start().starts_with(&format!("- {}: ", t.table.id)))
                .unwrap_or_else(|| panic!("{cmd} --help lacks target {}:\n{help}", t.table.id));
            assert!(line.contains(&t.table.name));
            for a in &t.table.aliases {
                assert!(line.contains(a.as_str()), "{line} lacks alias {a}");
            }
        }
        for s in &rules.sources {
            assert!(
                help.lines()
                    .any(|l| l.trim_start().starts_with(&format!("- {}: ", s.table.id))),
                "{cmd} --help lacks source {}",
                s.table.id
            );
        }
    }
    // A table added with --rules is accepted even though help cannot list it.
    let dir = tempfile::tempdir().unwrap();
    let text = std::fs::read_to_string(
        std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("rules/ominigate.yaml"),
    )
    .unwrap()
    .replace("id: ominigate", "id: mygate");
    std::fs::write(dir.path().join("mygate.yaml"), text).unwrap();
    let empty = tempfile::tempdir().unwrap();
    let o = run(
        here(),
        &[
            "--rules",
            dir.path().to_str().unwrap(),
            "scan",
            "--to",
            "mygate",
            empty.path().to_str().unwrap(),
        ],
    );
    assert_eq!(o.code, 0, "{}", o.stderr);
}

#[test]
fn kinds_are_listed_and_checked() {
    // Wrapped lines joined: each kind with its one-line description.
    let help = ok(here(), &["scan", "--help"])
        .split_whitespace()
        .collect::<Vec<_>>()
        .join(" ");
    for k in Kind::ALL {
        let short = k.info().title;
        assert!(
            help.contains(&format!("- {}: {short}", k.as_str())),
            "{k}:\n{help}"
        );
    }
    let o = run(here(), &["scan", "--kinds", "base-url,url", "."]);
    assert_eq!(o.code, 2);
    let err = &o.stderr;
    assert!(err.contains("'url'") && err.contains("base-url"), "{err}");
}

#[test]
fn rules_show_says_what_it_takes() {
    let help = ok(here(), &["rules", "--help"]);
    assert!(
        help.contains("show") && help.contains("Print one table"),
        "{help}"
    );
    let help = ok(here(), &["rules", "show", "--help"]);
    assert!(help.contains("<TARGET>"));
    assert!(help.contains("alias"), "{help}");
}

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn man_page_is_one_page_with_exit_status() {
    let man = ok(here(), &["man"]);
    assert!(man.starts_with(".ie") || man.contains(".TH llmgw-migrate 1"));
    assert!(man.contains(".SH \"EXIT STATUS\""));
    for code in ["0", "1", "2"] {
        assert!(
            man.contains(&format!(".TP\n\\fB{code}\\fR\n")),
            "exit {code}"
        );
    }
    // Every command is on this page, with its options; no `name(N)`
    // reference to another page (there are none).
    for c in [
        "scan",
        "rewrite",
        "parity",
        "rules list",
        "rules show",
        "rules validate",
        "completions",
        "man",
    ] {
        assert!(
            man.contains(&format!(
                ".SS \"llmgw\\-migrate {}\"",
                c.replace('-', "\\-")
            )),
            "{c}"
        );
    }
    assert!(man.contains("\\-\\-files\\-with\\-findings"));
    assert!(man.contains("\\-\\-golden"));
    let refs = regex::Regex::new(r"[A-Za-z\\-]+\([1-8]\)").unwrap();
    let found: Vec<&str> = refs.find_iter(&man).map(|m| m.as_str()).collect();
    assert!(found.is_empty(), "references to other pages: {found:?}");
    // groff reads it without a warning, when installed.
    let dir = tempfile::tempdir().unwrap();
    let file = dir.path().join("llmgw-migrate.1");
    std::fs::write(&file, &man).unwrap();
    match Command::new("groff")
        .args(["-man", "-Tutf8", "-ww", "-z"])
        .arg(&file)
        .output()
    {
        Ok(o) => assert!(
            o.status.success() && o.stderr.is_empty(),
            "groff: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => eprintln!("groff not installed: the page was not typeset"),
    }
}
