//! `man`: one self-contained man page. clap_mangen renders the top-level
//! sections; every command's synopsis and options go into COMMANDS on this
//! page (its own SUBCOMMANDS section points at llmgw-migrate-scan(1) and
//! such pages, which do not exist), followed by EXIT STATUS, ENVIRONMENT
//! and FILES.

use clap_mangen::Man;

/// The exit status of each command (README, "Exit codes").
const EXIT_STATUS: &[(&str, &str)] = &[
    (
        "0",
        "scan: nothing found. rewrite: nothing to change, or written cleanly. parity: the gateways agree.",
    ),
    (
        "1",
        "scan: findings. rewrite: changes pending (dry run, --check) or manual items remain. parity: mismatches.",
    ),
    (
        "2",
        "Usage, configuration or I/O error; for rewrite also a file changed since it was read or with \
         uncommitted changes; for parity also an unreachable gateway.",
    ),
];

const ENVIRONMENT: &[(&str, &str)] = &[
    ("NO_COLOR", "When set and not empty, output has no colors."),
    (
        "GITHUB_STEP_SUMMARY",
        "When set, scan appends a Markdown summary of the findings to this file.",
    ),
];

const FILES: &[(&str, &str)] = &[(
    "llmgw-migrate.toml",
    "Configuration, found by walking up from the first scanned path to the repository root \
     (--config names one).",
)];

/// Escape text for a roff text line.
fn esc(s: &str) -> String {
    let s = s.replace('\\', "\\\\").replace('-', "\\-");
    if s.starts_with('.') || s.starts_with('\'') {
        format!("\\&{s}")
    } else {
        s
    }
}

fn section(out: &mut Vec<u8>, title: &str, items: &[(&str, &str)]) {
    out.extend_from_slice(format!(".SH \"{title}\"\n").as_bytes());
    for (term, text) in items {
        out.extend_from_slice(format!(".TP\n\\fB{}\\fR\n{}\n", esc(term), esc(text)).as_bytes());
    }
}

/// Render a section with clap_mangen, dropping its `.SH` heading line.
fn body(render: impl Fn(&mut Vec<u8>) -> std::io::Result<()>) -> std::io::Result<Vec<u8>> {
    let mut buf = Vec::new();
    render(&mut buf)?;
    let text = String::from_utf8_lossy(&buf);
    Ok(text
        .lines()
        .filter(|l| !l.starts_with(".SH "))
        .flat_map(|l| [l, "\n"])
        .collect::<String>()
        .into_bytes())
}

/// Leaf commands with their full names (`rules show`), in help order.
fn commands(cmd: &clap::Command, prefix: &str, out: &mut Vec<(String, clap::Command)>) {
    let mut subs: Vec<&clap::Command> = cmd.get_subcommands().collect();
    subs.sort_by_key(|s| s.get_display_order());
    for sub in subs {
        if sub.is_hide_set() || sub.get_name() == "help" {
            continue;
        }
        let name = format!("{prefix} {}", sub.get_name());
        if sub.has_subcommands() {
            commands(sub, &name, out);
        } else {
            out.push((name, sub.clone()));
        }
    }
}

pub fn render() -> std::io::Result<Vec<u8>> {
    let cmd = crate::cli::command_with_tables();
    let man = Man::new(cmd.clone());
    let mut out = Vec::new();
    man.render_title(&mut out)?;
    man.render_name_section(&mut out)?;
    man.render_synopsis_section(&mut out)?;
    man.render_description_section(&mut out)?;
    man.render_options_section(&mut out)?;

    out.extend_from_slice(b".SH COMMANDS\n");
    let mut subs = Vec::new();
    commands(&cmd, "llmgw-migrate", &mut subs);
    for (name, sub) in subs {
        let about = sub
            .get_long_about()
            .or_else(|| sub.get_about())
            .map(|a| a.to_string())
            .unwrap_or_default();
        let sub = Man::new(sub.bin_name(&name));
        out.extend_from_slice(format!(".SS \"{}\"\n{}\n.PP\n", esc(&name), esc(&about)).as_bytes());
        out.extend(body(|w| sub.render_synopsis_section(w))?);
        out.extend(body(|w| sub.render_options_section(w))?);
    }

    section(&mut out, "EXIT STATUS", EXIT_STATUS);
    section(&mut out, "ENVIRONMENT", ENVIRONMENT);
    section(&mut out, "FILES", FILES);
    man.render_version_section(&mut out)?;
    Ok(out)
}
