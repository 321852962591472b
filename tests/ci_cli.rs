//! `completions` and `man`: the scripts and the page name every command, and
//! the bash script is valid shell.

// Without the `parity` feature the tests that need it are left out, and
// their helpers with them.
#![cfg_attr(not(feature = "parity"), allow(dead_code, unused_imports))]

mod common;

use std::process::Command;

use common::{here, run};

const COMMANDS: [&str; 6] = ["scan", "rewrite", "parity", "rules", "completions", "man"];

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn completions_for_every_shell_name_the_commands() {
    for shell in ["bash", "zsh", "fish", "powershell", "elvish"] {
        let r = run(here(), &["completions", shell]);
        let out = r.utf8();
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(out.contains("llmgw-migrate"), "{shell}");
        for c in COMMANDS {
            assert!(out.contains(c), "{shell} completion lacks {c}");
        }
        // Flags of scan are completed too.
        assert!(
            out.contains("write-baseline"),
            "{shell} lacks --write-baseline"
        );
    }
}

#[test]
fn bash_completion_is_valid_shell() {
    let r = run(here(), &["completions", "bash"]);
    let out = r.utf8();
    let dir = tempfile::tempdir().unwrap();
    let f = dir.path().join("c.bash");
    std::fs::write(&f, out).unwrap();
    match Command::new("bash").arg("-n").arg(&f).output() {
        Ok(o) => assert!(
            o.status.success(),
            "bash -n: {}",
            String::from_utf8_lossy(&o.stderr)
        ),
        Err(_) => eprintln!("bash not installed; syntax check skipped"),
    }
    // And defines the completion function for the binary.
    assert!(out.contains("complete -F"), "no complete -F");
}

#[test]
fn unknown_shell_is_a_usage_error() {
    let r = run(here(), &["completions", "tcsh"]);
    assert_eq!(r.code, 2);
    assert!(r.stdout.is_empty());
    assert!(r.stderr.contains("tcsh"), "{}", r.stderr);
}

// Expects the `parity` subcommand (cargo feature `parity`).
#[cfg(feature = "parity")]
#[test]
fn man_page_is_roff_with_every_command() {
    let r = run(here(), &["man"]);
    let out = r.utf8();
    assert_eq!(r.code, 0, "{}", r.stderr);
    // The title line comes before any section, after clap_mangen's string defs.
    let th = out.find(".TH llmgw-migrate 1").expect("a .TH title line");
    assert!(th < out.find(".SH").unwrap_or(usize::MAX));
    for section in [
        ".SH NAME",
        ".SH SYNOPSIS",
        ".SH DESCRIPTION",
        ".SH COMMANDS",
        ".SH \"EXIT STATUS\"",
    ] {
        assert!(out.contains(section), "man lacks {section}");
    }
    for c in COMMANDS {
        assert!(
            out.contains(&format!(".SS \"llmgw\\-migrate {c}")),
            "man lacks {c}"
        );
    }
    // Renders with man(1) when available: no roff warnings.
    if let Ok(o) = Command::new("sh")
        .arg("-c")
        .arg("command -v groff >/dev/null && groff -man -Tutf8 -ww -z")
        .stdin(std::process::Stdio::piped())
        .spawn()
        .and_then(|mut child| {
            use std::io::Write;
            child.stdin.take().unwrap().write_all(out.as_bytes())?;
            child.wait_with_output()
        })
    {
        if o.status.success() {
            assert!(
                o.stderr.is_empty(),
                "groff warnings: {}",
                String::from_utf8_lossy(&o.stderr)
            );
        }
    }
}
