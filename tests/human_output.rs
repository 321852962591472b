//! `scan`'s human output: source lines with the match underlined, grouped
//! messages, redacted keys, and ripgrep's --quiet, --count and
//! --files-with-findings.

mod common;

use std::fs;
use std::path::Path;
use std::process::Command;

use common::Run;

/// `scan ARGS` in `dir`.
fn scan(dir: &Path, args: &[&str]) -> Run {
    common::run(dir, &[&["scan"], args].concat())
}

fn repo(files: &[(&str, &str)]) -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    fs::create_dir_all(d.path().join(".git")).unwrap();
    for (name, text) in files {
        let p = d.path().join(name);
        fs::create_dir_all(p.parent().unwrap()).unwrap();
        fs::write(p, text).unwrap();
    }
    d
}

const APP: &str = "import os\n\
BASE = \"https://openrouter.ai/api/v1\"\n\
KEY = os.environ[\"OPENROUTER_API_KEY\"]\n\
ALT = os.getenv(\"OPENROUTER_API_KEY\")\n";

#[test]
fn each_finding_shows_its_line_with_the_match_underlined() {
    let d = repo(&[("app.py", APP)]);
    let r = scan(d.path(), &["app.py"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    let expected = "\
warning[base-url]: OpenRouter API base URL -> LLM Gateway base URL
 --> app.py:2:9
  |
2 | BASE = \"https://openrouter.ai/api/v1\"
  |         ^^^^^^^^^^^^^^^^^^^^^^^^^^^^ auto -> https://api.llmgateway.io/v1

";
    assert!(r.stdout.starts_with(expected), "{}", r.stdout);
    // The same message twice in one file is one report listing both places.
    assert_eq!(r.stdout.matches("warning[api-key-env]").count(), 1);
    assert!(r.stdout.contains("(2 places)"), "{}", r.stdout);
    assert!(r
        .stdout
        .contains("3 | KEY = os.environ[\"OPENROUTER_API_KEY\"]"));
    assert!(r
        .stdout
        .contains("4 | ALT = os.getenv(\"OPENROUTER_API_KEY\")"));
    assert!(r.stdout.contains("3 findings (3 auto) in 1 file"));
    // Colors only when asked for (and never with NO_COLOR).
    let o = Command::new(env!("CARGO_BIN_EXE_llmgw-migrate"))
        .args(["scan", "app.py", "--color", "always"])
        .current_dir(d.path())
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    assert!(String::from_utf8_lossy(&o.stdout).contains('\u{1b}'));
}

#[test]
fn printed_lines_never_hold_a_key() {
    let or_key = format!("sk-or-v1-{}", "0a1b".repeat(16));
    let openai_key = format!("sk-proj-{}T3BlbkFJ{}", "Ab1".repeat(8), "Zz9".repeat(8));
    let text = format!(
        "client = OpenAI(base_url=\"https://openrouter.ai/api/v1\", api_key=\"{openai_key}\")\n\
         PAIR = (\"{or_key}\", \"https://openrouter.ai/api/v1/models\")\n"
    );
    let d = repo(&[("app.py", &text)]);
    let r = scan(d.path(), &["app.py"]);
    assert_eq!(r.code, 1);
    let all = format!("{}{}", r.stdout, r.stderr);
    assert!(!all.contains(&or_key[9..]), "OpenRouter key leaked:\n{all}");
    assert!(!all.contains("Ab1Ab1Ab1Ab1"), "OpenAI key leaked:\n{all}");
    assert!(all.contains("api_key=\"sk-proj-...9Zz9\""), "{all}");
    // After the key on line 2 was shortened, each underline still sits
    // under its own match: the key's under the redacted key, the URL's
    // under the URL.
    let lines: Vec<&str> = all.lines().collect();
    let mut carets = Vec::new();
    for (i, l) in lines.iter().enumerate() {
        if l.starts_with("2 | PAIR = ") {
            let marks = lines[i + 1];
            let start = marks.find('^').unwrap();
            let len = marks[start..].chars().take_while(|c| *c == '^').count();
            carets.push(l[start..start + len].to_owned());
        }
    }
    carets.sort();
    assert_eq!(
        carets,
        ["https://openrouter.ai/api/v1/models", "sk-or-v1-...0a1b"],
        "{all}"
    );
}

#[test]
fn quiet_count_and_files_with_findings_mean_what_they_mean_in_ripgrep() {
    let d = repo(&[
        ("app.py", APP),
        ("b/other.py", "U = \"https://openrouter.ai/api/v1\"\n"),
        ("clean.py", "print('hi')\n"),
    ]);
    let r = scan(d.path(), &["--quiet"]);
    assert_eq!((r.code, r.stdout.as_str()), (1, ""));
    let r = scan(d.path(), &["-q", "clean.py"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));

    let r = scan(d.path(), &["--count"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "app.py:3\nb/other.py:1\n");
    let r = scan(d.path(), &["-c", "--kinds", "base-url"]);
    assert_eq!(r.stdout, "app.py:1\nb/other.py:1\n");

    let r = scan(d.path(), &["-l"]);
    assert_eq!(r.code, 1);
    assert_eq!(r.stdout, "app.py\nb/other.py\n");
    let r = scan(d.path(), &["--files-with-findings", "clean.py"]);
    assert_eq!((r.code, r.stdout.as_str()), (0, ""));

    // Errors still reach stderr; machine formats do not mix with these.
    let r = scan(d.path(), &["-q", "missing.py", "app.py"]);
    assert_eq!(r.stdout, "");
    assert!(r.stderr.contains("missing.py"), "{}", r.stderr);
    for bad in [
        &["-q", "--format", "json"][..],
        &["-c", "-l"],
        &["-l", "--format", "sarif"],
    ] {
        let r = scan(d.path(), bad);
        assert_eq!(r.code, 2, "{bad:?}");
        assert!(r.stderr.contains("cannot be used with"), "{}", r.stderr);
    }
}

#[test]
fn a_long_scan_on_a_terminal_shows_a_progress_line_on_stderr() {
    if Command::new("script").arg("--version").output().is_err() {
        eprintln!("skipped: script(1) is not installed to give the scan a terminal");
        return;
    }
    // Enough files that a scan takes well over a second in a debug build.
    let body: String = (0..150).map(|i| format!("x{i} = call({i})\n")).collect();
    let d = repo(&[]);
    for i in 0..3000 {
        fs::write(
            d.path().join(format!("f{i:04}.py")),
            format!("URL = \"https://openrouter.ai/api/v1\"\n{body}"),
        )
        .unwrap();
    }
    let bin = env!("CARGO_BIN_EXE_llmgw-migrate");
    // script(1) runs the scan on a pseudo-terminal; stdout goes to a file,
    // so what the terminal shows is stderr.
    let out_file = d.path().join("out.txt");
    let o = Command::new("script")
        .args(["-qec"])
        .arg(format!(
            "{bin} scan -c {} > {}",
            d.path().display(),
            out_file.display()
        ))
        .arg("/dev/null")
        .env_remove("NO_COLOR")
        .output()
        .unwrap();
    let tty = String::from_utf8_lossy(&o.stdout);
    assert!(
        tty.contains("scanning: ") && tty.contains(" files read, "),
        "no progress line on the terminal: {tty:?}"
    );
    let counts = fs::read_to_string(&out_file).unwrap();
    assert_eq!(counts.lines().count(), 3000, "stdout is the report alone");
    // Not a terminal: no progress line.
    let r = scan(d.path(), &["-c", "."]);
    assert!(!r.stderr.contains("scanning"), "{}", r.stderr);
}

#[test]
fn rewrite_manual_items_show_the_line_with_the_match_underlined() {
    let key = format!("sk-or-v1-{}", "c3d4".repeat(16));
    let text = format!(
        "import requests\n\
         KEY = \"{key}\"\n\
         r = requests.get(\"https://openrouter.ai/api/v1/credits\")\n"
    );
    let d = repo(&[("billing.py", &text)]);
    let o = Command::new(env!("CARGO_BIN_EXE_llmgw-migrate"))
        .args(["rewrite", "--to", "ominigate", "."])
        .current_dir(d.path())
        .env("NO_COLOR", "1")
        .output()
        .unwrap();
    assert_eq!(o.status.code(), Some(1));
    let out = String::from_utf8_lossy(&o.stdout);
    let expected = "\
#   billing.py:3:19  base-url  https://openrouter.ai/api/v1/credits
#       |
#     3 | r = requests.get(\"https://openrouter.ai/api/v1/credits\")
#       |                   ^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^^
#       why: ";
    assert!(out.contains(expected), "{out}");
    // The secret's line is shown redacted, underlined where the key is.
    assert!(!out.contains(&key[9..]), "key leaked:\n{out}");
    assert!(
        out.contains("#     2 | KEY = \"sk-or-v1-...c3d4\"\n#       |        ^^^^^^^^^^^^^^^^\n"),
        "{out}"
    );
    // Every report line is a patch comment, so the output stays a patch.
    let report = out.split("# manual attention").nth(1).unwrap();
    assert!(
        report.lines().skip(1).all(|l| l.starts_with('#')),
        "{report}"
    );
}
