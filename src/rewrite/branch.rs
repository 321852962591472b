//! `rewrite --branch NAME`: commit the rewrite of HEAD to a new branch with
//! git plumbing only. The new tree is HEAD's tree with the rewritten blobs,
//! built in a temporary index (`GIT_INDEX_FILE`), so the work tree, the
//! real index and the current branch are never touched. Pushing and opening
//! a pull request stay with `git` and `gh`.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use super::plan::{FilePlan, Plan};

#[derive(Debug, thiserror::Error)]
pub enum BranchError {
    #[error(
        "branch '{0}' already exists; pick another name or delete it first (git branch -D {0})"
    )]
    Exists(String),
    #[error("'{0}' is not a valid branch name (see git check-ref-format)")]
    InvalidName(String),
    #[error("--branch needs a git repository: {0}")]
    NotARepo(String),
    #[error("--branch needs every rewritten file in one git repository; {0} and {1} are in different ones")]
    TwoRepos(String, String),
    #[error("{0} has no commit yet: nothing to branch from")]
    NoHead(String),
    #[error(
        "refusing to commit: {} file(s) to change differ from HEAD (uncommitted changes), so the branch \
         would not be the rewrite of HEAD: {}. Commit or stash them first.",
        .0.len(),
        .0.join(", ")
    )]
    Dirty(Vec<String>),
    #[error("nothing to commit: the rewrite changes no file")]
    Nothing,
    #[error("git {0} failed: {1}")]
    Git(String, String),
}

/// The branch made.
#[derive(Debug, Clone)]
pub struct Committed {
    pub name: String,
    pub commit: String,
    /// Display paths (as in the plan) of the files in the commit.
    pub files: Vec<String>,
    /// Files the rewrite changes that are left out, with why (not in HEAD,
    /// a symbolic link or submodule in HEAD).
    pub skipped: Vec<(String, String)>,
}

/// A git repository, by its work tree's top directory.
struct Repo {
    top: PathBuf,
}

impl Repo {
    fn run(
        &self,
        args: &[&str],
        index: Option<&Path>,
        input: &[u8],
    ) -> Result<String, BranchError> {
        let mut cmd = Command::new("git");
        cmd.arg("-C")
            .arg(&self.top)
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .stderr(Stdio::piped());
        if let Some(i) = index {
            cmd.env("GIT_INDEX_FILE", i);
        }
        let name = args.first().copied().unwrap_or("").to_owned();
        let err = |m: String| BranchError::Git(name.clone(), m);
        let mut child = cmd.spawn().map_err(|e| err(e.to_string()))?;
        if let Some(mut stdin) = child.stdin.take() {
            // A command that does not read its input closes the pipe early.
            let _ = stdin.write_all(input);
        }
        let out = child.wait_with_output().map_err(|e| err(e.to_string()))?;
        if !out.status.success() {
            return Err(err(String::from_utf8_lossy(&out.stderr).trim().to_owned()));
        }
        Ok(String::from_utf8_lossy(&out.stdout).trim_end().to_owned())
    }

    fn ok(&self, args: &[&str]) -> bool {
        self.run(args, None, b"").is_ok()
    }
}

/// The work tree holding `file`, and `file`'s path in it (with `/`).
fn locate(file: &Path) -> Result<(PathBuf, String), BranchError> {
    // Resolve the directory, not the file: a symbolic link stays a link.
    let dir = file.parent().unwrap_or(Path::new("."));
    let dir = if dir.as_os_str().is_empty() {
        Path::new(".")
    } else {
        dir
    };
    let dir = std::fs::canonicalize(dir)
        .map_err(|e| BranchError::NotARepo(format!("{}: {e}", dir.display())))?;
    let top = Repo { top: dir.clone() }
        .run(&["rev-parse", "--show-toplevel"], None, b"")
        .map_err(|_| {
            BranchError::NotARepo(format!("{} is not in a git work tree", dir.display()))
        })?;
    let top = std::fs::canonicalize(&top).unwrap_or_else(|_| PathBuf::from(top));
    let full = dir.join(file.file_name().unwrap_or_default());
    let rel = full.strip_prefix(&top).map_err(|_| {
        BranchError::NotARepo(format!("{} is outside {}", full.display(), top.display()))
    })?;
    let rel: Vec<String> = rel
        .components()
        .map(|c| c.as_os_str().to_string_lossy().into_owned())
        .collect();
    Ok((top, rel.join("/")))
}

/// A branch ready to be committed: checks passed, new blobs stored.
pub struct PreparedBranch {
    repo: Repo,
    name: String,
    refname: String,
    head: String,
    /// `mode SP blob TAB path NUL` lines for `update-index --index-info`.
    entries: Vec<String>,
    /// Display paths (as in the plan) of the files in the commit.
    pub files: Vec<String>,
    /// Files the rewrite changes that are left out, with why (not in HEAD,
    /// a symbolic link or submodule in HEAD).
    pub skipped: Vec<(String, String)>,
    /// The work tree's top directory.
    pub top: PathBuf,
}

/// Check that branch `name` can be made from HEAD with the plan's changed
/// files, and store their new contents as blobs. Refuses when the branch
/// exists or a file to change differs from HEAD.
pub fn prepare(plan: &Plan, name: &str) -> Result<PreparedBranch, BranchError> {
    let pending: Vec<&FilePlan> = plan.pending().filter(|f| f.output.is_some()).collect();
    let first = pending.first().ok_or(BranchError::Nothing)?;
    let (top, _) = locate(&first.abs)?;
    let repo = Repo { top: top.clone() };
    let refname = format!("refs/heads/{name}");
    if name.starts_with('-') || !repo.ok(&["check-ref-format", &refname]) {
        return Err(BranchError::InvalidName(name.to_owned()));
    }
    if repo.ok(&["rev-parse", "--verify", "--quiet", &refname]) {
        return Err(BranchError::Exists(name.to_owned()));
    }
    let head = repo
        .run(
            &["rev-parse", "--verify", "--quiet", "HEAD^{commit}"],
            None,
            b"",
        )
        .map_err(|_| BranchError::NoHead(top.display().to_string()))?;

    // Where each file is in HEAD, and that the rewrite started from it.
    let mut entries = Vec::new();
    let mut skipped = Vec::new();
    let mut dirty = Vec::new();
    let mut files = Vec::new();
    for f in &pending {
        let (ftop, rel) = locate(&f.abs)?;
        if ftop != top {
            return Err(BranchError::TwoRepos(first.path.clone(), f.path.clone()));
        }
        let tree = repo.run(&["ls-tree", "-z", &head, "--", &rel], None, b"")?;
        let Some((meta, _)) = tree.split_once('\t') else {
            skipped.push((f.path.clone(), "not in HEAD".to_owned()));
            continue;
        };
        let mut parts = meta.split(' ');
        let (mode, kind, blob) = (
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
            parts.next().unwrap_or(""),
        );
        if kind != "blob" || mode == "120000" {
            skipped.push((f.path.clone(), format!("a {kind} of mode {mode} in HEAD")));
            continue;
        }
        // Hashed as git would store the file (clean filters, line endings).
        let path_arg = format!("--path={rel}");
        let read = repo.run(
            &["hash-object", &path_arg, "--stdin"],
            None,
            &f.source.bytes,
        )?;
        if read != blob {
            dirty.push(f.path.clone());
            continue;
        }
        let out = f.output.as_deref().unwrap_or_default();
        let new = repo.run(&["hash-object", "-w", &path_arg, "--stdin"], None, out)?;
        entries.push(format!("{mode} {new}\t{rel}\0"));
        files.push(f.path.clone());
    }
    if !dirty.is_empty() {
        return Err(BranchError::Dirty(dirty));
    }
    if files.is_empty() {
        return Err(BranchError::Nothing);
    }
    Ok(PreparedBranch {
        repo,
        name: name.to_owned(),
        refname,
        head,
        entries,
        files,
        skipped,
        top,
    })
}

impl PreparedBranch {
    /// Build the tree in a temporary index, commit it on HEAD with
    /// `message`, and create the branch. Only git's object store and the
    /// new ref are written.
    pub fn commit(self, message: &str) -> Result<Committed, BranchError> {
        let repo = &self.repo;
        let tmp =
            tempfile::tempdir().map_err(|e| BranchError::Git("index".into(), e.to_string()))?;
        let index = tmp.path().join("index");
        repo.run(&["read-tree", &self.head], Some(&index), b"")?;
        repo.run(
            &["update-index", "-z", "--index-info"],
            Some(&index),
            self.entries.concat().as_bytes(),
        )?;
        let tree = repo.run(&["write-tree"], Some(&index), b"")?;
        let commit = repo.run(
            &["commit-tree", &tree, "-p", &self.head, "-F", "-"],
            None,
            message.as_bytes(),
        )?;
        // The empty old value makes git refuse if the branch appeared meanwhile.
        let made = repo.run(
            &[
                "update-ref",
                "-m",
                "llmgw-migrate rewrite --branch",
                &self.refname,
                &commit,
                "",
            ],
            None,
            b"",
        );
        if let Err(e) = made {
            return Err(
                if repo.ok(&["rev-parse", "--verify", "--quiet", &self.refname]) {
                    BranchError::Exists(self.name)
                } else {
                    e
                },
            );
        }
        Ok(Committed {
            name: self.name,
            commit,
            files: self.files,
            skipped: self.skipped,
        })
    }
}
