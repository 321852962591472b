//! `rewrite --branch NAME --pr-body FILE` in a real git repository: the
//! commit holds exactly the rewritten files, and the work tree, the index
//! and the current branch are exactly as they were.

mod common;

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use common::Run;

const URL: &str = "https://openrouter.ai/api/v1";

fn git_in(dir: &Path, args: &[&str]) -> String {
    let o = Command::new("git")
        .current_dir(dir)
        .args(args)
        .env("GIT_CONFIG_NOSYSTEM", "1")
        .env("GIT_AUTHOR_NAME", "Test")
        .env("GIT_AUTHOR_EMAIL", "test@example.com")
        .env("GIT_COMMITTER_NAME", "Test")
        .env("GIT_COMMITTER_EMAIL", "test@example.com")
        .output()
        .unwrap();
    assert!(
        o.status.success(),
        "git {args:?}: {}",
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8(o.stdout).unwrap().trim_end().to_owned()
}

fn write(root: &Path, rel: &str, text: &str) {
    let p = root.join(rel);
    std::fs::create_dir_all(p.parent().unwrap()).unwrap();
    std::fs::write(p, text).unwrap();
}

/// A repository on branch `main` with files to rewrite, a clean file, a
/// file with only a manual item, and an executable script.
fn repo() -> tempfile::TempDir {
    let d = tempfile::tempdir().unwrap();
    let r = d.path();
    git_in(r, &["init", "-q", "-b", "main"]);
    write(
        r,
        "app/client.py",
        &format!("import os\nBASE = \"{URL}\"\nKEY = os.environ[\"OPENROUTER_API_KEY\"]\n"),
    );
    write(
        r,
        "app/models.py",
        "import openai\nclient = openai.OpenAI(base_url=\"https://openrouter.ai/api/v1\")\n\
         client.chat.completions.create(model=\"openrouter/auto\", messages=[])\n",
    );
    write(r, "README.md", "# demo\nNothing to see.\n");
    write(
        r,
        "run.sh",
        &format!("#!/bin/sh\ncurl {URL}/chat/completions\n"),
    );
    write(r, "notes/untouched.txt", "plain text\n");
    git_in(r, &["add", "-A"]);
    git_in(r, &["update-index", "--chmod=+x", "run.sh"]);
    git_in(r, &["commit", "-q", "-m", "initial"]);
    d
}

/// `rewrite . --to ominigate ARGS` in `root`, committing as a fixed user.
fn rewrite(root: &Path, args: &[&str]) -> Run {
    common::output(
        common::cli(root)
            .args(["rewrite", ".", "--to", "ominigate"])
            .args(args)
            .env("GIT_CONFIG_NOSYSTEM", "1")
            .env("GIT_AUTHOR_NAME", "Test")
            .env("GIT_AUTHOR_EMAIL", "test@example.com")
            .env("GIT_COMMITTER_NAME", "Test")
            .env("GIT_COMMITTER_EMAIL", "test@example.com"),
    )
}

/// Everything a user could see change: files on disk, the index file, HEAD
/// and the current branch's commit, and `git status`.
fn snapshot(root: &Path) -> BTreeMap<String, Vec<u8>> {
    let mut m = BTreeMap::new();
    fn walk(dir: &Path, root: &Path, m: &mut BTreeMap<String, Vec<u8>>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            let rel = p.strip_prefix(root).unwrap().display().to_string();
            if rel == ".git" {
                continue;
            }
            if p.is_dir() {
                walk(&p, root, m);
            } else {
                m.insert(rel, std::fs::read(&p).unwrap());
            }
        }
    }
    walk(root, root, &mut m);
    // Status first: it may refresh the index's stat data.
    m.insert(
        "<status>".into(),
        git_in(root, &["status", "--porcelain", "--untracked-files=all"]).into_bytes(),
    );
    m.insert(
        "<index>".into(),
        std::fs::read(root.join(".git/index")).unwrap(),
    );
    m.insert(
        "<HEAD>".into(),
        std::fs::read(root.join(".git/HEAD")).unwrap(),
    );
    m.insert(
        "<main>".into(),
        git_in(root, &["rev-parse", "refs/heads/main"]).into_bytes(),
    );
    m
}

#[test]
fn commits_only_rewritten_files_and_leaves_everything_else_alone() {
    let d = repo();
    let r = d.path();
    // An untracked file with a finding is not part of HEAD: left out.
    write(r, "scratch.py", &format!("U = \"{URL}\"\n"));
    let before = snapshot(r);
    let head = git_in(r, &["rev-parse", "HEAD"]);

    let o = rewrite(r, &["--branch", "llmgw/ominigate", "--pr-body", "pr.md"]);
    let out = o.all();
    assert_eq!(o.code, 1, "{out}"); // manual items remain
    assert!(
        out.contains("scratch.py: not committed: not in HEAD"),
        "{out}"
    );

    // Nothing the user sees changed but the new PR description.
    let mut after = snapshot(r);
    let body = after.remove("pr.md").expect("pr body written");
    let status = String::from_utf8(after.remove("<status>").unwrap()).unwrap();
    let mut before = before;
    let status_before = String::from_utf8(before.remove("<status>").unwrap()).unwrap();
    assert_eq!(before, after);
    assert_eq!(
        status.replace("?? pr.md\n", "").replace("?? pr.md", ""),
        status_before
    );

    // The branch is one commit on HEAD holding exactly the rewritten files.
    let tip = git_in(r, &["rev-parse", "refs/heads/llmgw/ominigate"]);
    assert_eq!(git_in(r, &["rev-parse", &format!("{tip}^")]), head);
    let changed = git_in(r, &["diff", "--name-only", &head, &tip]);
    let changed: Vec<&str> = changed.lines().collect();
    assert_eq!(changed, ["app/client.py", "app/models.py", "run.sh"]);
    // The executable bit is kept.
    assert!(git_in(r, &["ls-tree", &tip, "run.sh"]).starts_with("100755 "));

    // The committed content is what --write produces.
    let w = tempfile::tempdir().unwrap();
    git_in(w.path(), &["clone", "-q", r.to_str().unwrap(), "."]);
    let wo = rewrite(w.path(), &["--write"]);
    assert!((0..=1).contains(&wo.code), "{}", wo.all());
    for f in &changed {
        let committed = git_in(r, &["show", &format!("{tip}:{f}")]);
        let written = std::fs::read_to_string(w.path().join(f)).unwrap();
        assert_eq!(committed, written.trim_end(), "{f}");
    }
    assert!(!git_in(r, &["show", &format!("{tip}:app/client.py")]).contains("openrouter"));

    // The message: changes by kind, the table, the manual items left.
    let msg = git_in(r, &["log", "-1", "--format=%B", &tip]);
    assert!(
        msg.starts_with("Move from OpenRouter to OminiGate\n"),
        "{msg}"
    );
    assert!(msg.contains("with table ominigate@"), "{msg}");
    assert!(msg.contains("+sha256:"), "{msg}");
    for kind in ["base-url", "api-key-env"] {
        assert!(
            msg.lines().any(|l| l.trim_start().starts_with(kind)),
            "{kind}: {msg}"
        );
    }
    assert!(msg.contains("Manual items left ("), "{msg}");
    assert!(msg.contains("app/models.py:3:"), "{msg}");
    assert!(msg.contains("openrouter/auto"), "{msg}");

    // The pull-request description.
    let body = String::from_utf8(body).unwrap();
    for want in [
        "## Move from OpenRouter to OminiGate",
        "### What changed",
        "### What a person must do",
        "- [ ] Set `OMINIGATE_API_KEY`",
        "`openrouter/auto`",
        "### Check parity before merging",
        "llmgw-migrate parity --golden",
        "`llmgw/ominigate`",
    ] {
        assert!(body.contains(want), "{want}:\n{body}");
    }
}

#[test]
fn an_existing_branch_is_refused_and_kept() {
    let d = repo();
    let r = d.path();
    git_in(r, &["branch", "llmgw/ominigate"]);
    let tip = git_in(r, &["rev-parse", "refs/heads/llmgw/ominigate"]);
    let before = snapshot(r);
    let o = rewrite(r, &["--branch", "llmgw/ominigate"]);
    assert_eq!(o.code, 2, "{}", o.all());
    assert!(
        o.all().contains("branch 'llmgw/ominigate' already exists"),
        "{}",
        o.all()
    );
    assert_eq!(git_in(r, &["rev-parse", "refs/heads/llmgw/ominigate"]), tip);
    assert_eq!(snapshot(r), before);

    let o = rewrite(r, &["--branch", "bad..name"]);
    assert_eq!(o.code, 2);
    assert!(o.all().contains("not a valid branch name"), "{}", o.all());
}

#[test]
fn uncommitted_changes_to_a_file_to_rewrite_are_refused() {
    let d = repo();
    let r = d.path();
    write(
        r,
        "app/client.py",
        &format!("import os\nBASE = \"{URL}\"  # edited\n"),
    );
    let o = rewrite(r, &["--branch", "migrate"]);
    assert_eq!(o.code, 2, "{}", o.all());
    assert!(o.all().contains("app/client.py"), "{}", o.all());
    assert!(o.all().contains("differ from HEAD"), "{}", o.all());
    let refs = git_in(r, &["for-each-ref", "--format=%(refname)", "refs/heads"]);
    assert_eq!(refs, "refs/heads/main");
}

#[test]
fn json_report_names_the_branch_and_the_committed_files() {
    let d = repo();
    let r = d.path();
    let o = rewrite(
        r,
        &[
            "--branch",
            "migrate",
            "--format",
            "json",
            "--repo-name",
            "acme/demo",
        ],
    );
    assert_eq!(o.code, 1, "{}", o.all());
    let v: serde_json::Value = serde_json::from_slice(&o.raw.stdout).unwrap();
    assert_eq!(v["schema"], 1);
    assert_eq!(v["mode"], "branch");
    assert_eq!(v["repository"], "acme/demo");
    assert_eq!(v["branch"]["name"], "migrate");
    assert_eq!(
        v["branch"]["commit"],
        git_in(r, &["rev-parse", "refs/heads/migrate"])
    );
    let files = v["files"].as_array().unwrap();
    assert!(!files.is_empty());
    assert!(files.iter().all(|f| f["status"] == "committed"), "{v}");

    // What `report merge` makes of it.
    let report = r.join("rewrite.json");
    std::fs::write(&report, &o.raw.stdout).unwrap();
    let m = common::run(
        r,
        &[
            "report",
            "merge",
            "--format",
            "json",
            report.to_str().unwrap(),
        ],
    );
    let f: serde_json::Value = serde_json::from_slice(&m.raw.stdout).unwrap();
    let row = &f["repositories"][0];
    assert_eq!(row["rewrite"]["mode"], "branch");
    assert_eq!(row["rewrite"]["branch"]["name"], "migrate");
}
