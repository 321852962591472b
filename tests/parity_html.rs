//! `parity --format html` from a replayed run: one self-contained page with
//! every result, hostile answers shown as text, and one bar per result and
//! side in each chart.

use std::path::{Path, PathBuf};
use std::process::Command;

const BIN: &str = env!("CARGO_BIN_EXE_llmgw-migrate");
const HOSTILE: &str = r#"The capital of France is Paris. </pre><script>alert("pwned")</script><img src=x onerror=alert(1)><link rel=stylesheet href="https://evil.example/x.css">"#;

fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        let dest = to.join(e.file_name());
        if e.file_type().unwrap().is_dir() {
            copy_dir(&e.path(), &dest);
        } else {
            std::fs::copy(e.path(), dest).unwrap();
        }
    }
}

/// The shipped recording, with the candidate's plain answer to `capital`
/// replaced by markup that would run if it were not escaped.
fn hostile_recording(dir: &Path) -> PathBuf {
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let rec = dir.join("recorded");
    copy_dir(&root.join("examples/parity/recorded"), &rec);
    let file = rec.join("prompts/capital/non-stream.candidate.json");
    let mut ex: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
    let mut body: serde_json::Value = serde_json::from_str(ex["body"].as_str().unwrap()).unwrap();
    body["choices"][0]["message"]["content"] = HOSTILE.into();
    ex["body"] = body.to_string().into();
    std::fs::write(&file, ex.to_string()).unwrap();
    rec
}

fn parity(rec: &Path, format: &str) -> (Option<i32>, String) {
    let out = Command::new(BIN)
        .current_dir(env!("CARGO_MANIFEST_DIR"))
        .args([
            "parity",
            "--golden",
            "examples/parity/golden.yaml",
            "--replay",
        ])
        .arg(rec)
        .args(["--format", format])
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    (
        out.status.code(),
        String::from_utf8(out.stdout).expect("UTF-8 report"),
    )
}

/// The text between each `open` and the next `close`.
fn sections<'a>(s: &'a str, open: &str, close: &str) -> Vec<&'a str> {
    s.match_indices(open)
        .map(|(i, _)| {
            let rest = &s[i..];
            &rest[..rest.find(close).expect("closed")]
        })
        .collect()
}

#[test]
fn html_report_of_a_replayed_run() {
    let dir = tempfile::tempdir().unwrap();
    let rec = hostile_recording(dir.path());
    let (code, html) = parity(&rec, "html");
    // The candidate's answer to `capital` now differs: a mismatch.
    assert_eq!(code, Some(1), "{html}");
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Parity: <span class=\"v\">FAIL</span>"));
    assert!(html.contains("<b>7 of 8</b> results pass (87.5%)"));

    // A row per prompt and mode, with the status the JSON report gives.
    let (_, json) = parity(&rec, "json");
    let doc: serde_json::Value = serde_json::from_str(&json).unwrap();
    let prompts = doc["prompts"].as_array().unwrap();
    assert_eq!(prompts.len(), 8);
    assert_eq!(html.matches("<tbody class=\"result\"").count(), 8);
    for p in prompts {
        let row = format!(
            "<tbody class=\"result\" data-result=\"{} · {}\" data-status=\"{}\"",
            p["id"].as_str().unwrap(),
            p["mode"].as_str().unwrap(),
            p["status"].as_str().unwrap()
        );
        assert!(html.contains(&row), "no row {row}");
    }
    // Tags are offered as a filter and carried by their rows.
    assert!(html.contains("<option value=\"smoke\">smoke</option>"));
    assert_eq!(html.matches("data-tags=\"smoke\"").count(), 4);

    // The hostile answer is text: no markup of its own, only ours.
    assert!(html.contains(
        "&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x onerror=alert(1)&gt;"
    ));
    assert!(!html.contains("<script>alert"));
    assert!(!html.contains("<img"));
    assert!(!html.contains("<link"));
    assert_eq!(html.matches("<script").count(), 1, "only the filter script");
    // The word diff marks what only the candidate said, as text.
    assert!(html.contains(
        "is Paris.<ins> &lt;/pre&gt;&lt;script&gt;alert(&quot;pwned&quot;)&lt;/script&gt;&lt;img src=x"
    ));

    // Self-contained: nothing is fetched, and the policy forbids it anyway.
    let lower = html.to_ascii_lowercase();
    for attr in ["src=", "href=", "xlink:href=", "action=", "url(", "@import"] {
        for (i, _) in lower.match_indices(attr) {
            let after = lower[i + attr.len()..].trim_start_matches(['"', '\'', ' ']);
            assert!(
                !after.starts_with("http://")
                    && !after.starts_with("https://")
                    && !after.starts_with("//"),
                "external resource at {}",
                &html[i..(i + 80).min(html.len())]
            );
        }
    }
    assert!(html.contains("content=\"default-src 'none';"));

    // Charts: tokens, latency and cost, a group per result with one bar
    // per side. The candidate returns no cost: said once.
    let svgs = sections(&html, "<svg", "</svg>");
    assert_eq!(svgs.len(), 3);
    for svg in svgs {
        let groups = sections(svg, "<g class=\"res\"", "</g>");
        assert_eq!(groups.len(), 8, "{svg}");
        for g in groups {
            assert_eq!(g.matches("<rect class=\"b\"").count(), 1, "{g}");
            assert_eq!(g.matches("<rect class=\"c\"").count(), 1, "{g}");
        }
    }
    assert_eq!(html.matches("returned no cost").count(), 1);
}

#[test]
fn html_is_a_parity_format_in_the_config_file() {
    let dir = tempfile::tempdir().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    std::fs::write(
        dir.path().join("llmgw-migrate.toml"),
        format!(
            "[parity]\ngolden = \"{}\"\nformat = \"html\"\n",
            root.join("examples/parity/golden.yaml").display()
        ),
    )
    .unwrap();
    let out = Command::new(BIN)
        .current_dir(dir.path())
        .args(["parity", "--replay"])
        .arg(root.join("examples/parity/recorded"))
        .env("NO_COLOR", "1")
        .env_remove("GITHUB_STEP_SUMMARY")
        .output()
        .unwrap();
    let html = String::from_utf8_lossy(&out.stdout);
    assert_eq!(
        out.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(html.starts_with("<!DOCTYPE html>"));
    assert!(html.contains("Parity: <span class=\"v\">PASS</span>"));
}

/// The filters in a real browser, which also proves the CSP hash lets the
/// page's own script run: the page is saved with "pass" unticked and the
/// tag `smoke` chosen, and the script hides the rest on load. Needs
/// Chromium (`apt-get install chromium`); without it the test says so.
#[test]
fn filters_run_in_a_headless_browser() {
    let Some(browser) = ["chromium", "chromium-browser", "google-chrome"]
        .into_iter()
        .find(|b| Command::new(b).arg("--version").output().is_ok())
    else {
        eprintln!("skipped: no chromium on PATH");
        return;
    };
    let dir = tempfile::tempdir().unwrap();
    let rec = hostile_recording(dir.path());
    let (_, html) = parity(&rec, "html");
    let html = html
        .replace(
            "<option value=\"smoke\">",
            "<option value=\"smoke\" selected>",
        )
        .replace("value=\"pass\" checked>", "value=\"pass\">");
    let page = dir.path().join("report.html");
    std::fs::write(&page, html).unwrap();
    let out = Command::new(browser)
        .args(["--headless", "--no-sandbox", "--disable-gpu", "--dump-dom"])
        .arg(format!("file://{}", page.display()))
        .output()
        .unwrap();
    let dom = String::from_utf8_lossy(&out.stdout);
    let rows = sections(&dom, "<tbody class=\"result\"", ">");
    assert_eq!(rows.len(), 8, "{dom}");
    let visible: Vec<&str> = rows
        .iter()
        .filter(|r| !r.contains("hidden"))
        .copied()
        .collect();
    // Only the failing smoke-tagged result is left; the hostile answer
    // did not run (it would have had to get past the policy too).
    assert_eq!(visible.len(), 1, "{visible:?}");
    assert!(visible[0].contains("data-result=\"capital · non-stream\""));
    assert!(dom.contains("1 of 8 shown"));
}
