//! Which repository a report comes from: `--repo-name`, else `owner/name`
//! of the `origin` remote, else the directory name. Written as the
//! top-level `repository` field of the JSON reports so `report merge` can
//! tell a fleet's reports apart.

use std::path::Path;
use std::process::Command;

/// The repository name for reports about `path` (a scanned path, or the
/// working directory): `explicit` when given, else the origin remote's
/// `owner/name`, else the name of the git work tree (or of `path`).
pub fn resolve(explicit: Option<&str>, path: &Path) -> String {
    if let Some(n) = explicit.map(str::trim).filter(|n| !n.is_empty()) {
        return n.to_owned();
    }
    let dir = std::fs::canonicalize(path).unwrap_or_else(|_| path.to_path_buf());
    let dir = if dir.is_file() {
        dir.parent().map(Path::to_path_buf).unwrap_or(dir)
    } else {
        dir
    };
    if let Some(name) = git(&dir, &["remote", "get-url", "origin"])
        .as_deref()
        .and_then(from_remote_url)
    {
        return name;
    }
    let top = git(&dir, &["rev-parse", "--show-toplevel"]).map(std::path::PathBuf::from);
    top.as_deref()
        .unwrap_or(&dir)
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .unwrap_or_else(|| ".".to_owned())
}

fn git(dir: &Path, args: &[&str]) -> Option<String> {
    let o = Command::new("git")
        .arg("-C")
        .arg(dir)
        .args(args)
        .output()
        .ok()?;
    if !o.status.success() {
        return None;
    }
    let s = String::from_utf8(o.stdout).ok()?.trim().to_owned();
    (!s.is_empty()).then_some(s)
}

/// `owner/name` (GitLab: `group/subgroup/name`) from a remote URL in any of
/// git's spellings. Credentials in the URL never reach the result.
pub fn from_remote_url(url: &str) -> Option<String> {
    let url = url.trim();
    let path = if let Some(rest) = url.strip_prefix("file://") {
        last_two(rest)?
    } else if let Some((_, rest)) = url.split_once("://") {
        // scheme://[user[:token]@]host[:port]/path
        let (_, path) = rest.split_once('/')?;
        path.to_owned()
    } else if let Some((host, path)) = url.split_once(':').filter(|(h, _)| !h.contains('/')) {
        // scp-like: [user@]host:path (a single letter is a Windows drive).
        if host.len() == 1 {
            last_two(url)?
        } else {
            path.to_owned()
        }
    } else {
        // A local path: its last two components.
        last_two(url)?
    };
    let path = path.trim_matches('/');
    let path = path
        .strip_suffix(".git")
        .unwrap_or(path)
        .trim_end_matches('/');
    let parts: Vec<&str> = path.split('/').filter(|p| !p.is_empty()).collect();
    if parts.is_empty() || parts.iter().any(|p| *p == "." || *p == "..") {
        return None;
    }
    Some(parts.join("/"))
}

/// `doc` (a report's JSON object) with a top-level `repository` field right
/// after `tool` (or `schema`), so the field reads near the top. Additive:
/// `schema` stays 1.
pub fn tag(doc: serde_json::Value, repository: &str) -> serde_json::Value {
    let serde_json::Value::Object(map) = doc else {
        return doc;
    };
    let anchor = if map.contains_key("tool") {
        "tool"
    } else {
        "schema"
    };
    let mut out = serde_json::Map::with_capacity(map.len() + 1);
    let mut placed = false;
    for (k, v) in map {
        if k == "repository" {
            continue;
        }
        let here = k == anchor;
        out.insert(k, v);
        if here {
            out.insert("repository".into(), repository.into());
            placed = true;
        }
    }
    if !placed {
        out.insert("repository".into(), repository.into());
    }
    serde_json::Value::Object(out)
}

fn last_two(path: &str) -> Option<String> {
    let parts: Vec<&str> = path
        .split(['/', '\\'])
        .filter(|p| !p.is_empty() && *p != ".")
        .collect();
    let n = parts.len();
    match n {
        0 => None,
        1 => Some(parts[0].to_owned()),
        _ => Some(format!("{}/{}", parts[n - 2], parts[n - 1])),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn remote_urls_in_every_spelling() {
        for (url, want) in [
            ("https://github.com/acme/chat-app.git", "acme/chat-app"),
            ("https://github.com/acme/chat-app", "acme/chat-app"),
            ("https://github.com/acme/chat-app/", "acme/chat-app"),
            ("git@github.com:acme/chat-app.git", "acme/chat-app"),
            (
                "ssh://git@gitlab.example.com:2222/platform/ai/bot.git",
                "platform/ai/bot",
            ),
            (
                "https://x-access-token:ghs_secret@github.com/acme/api.git",
                "acme/api",
            ),
            ("/srv/git/acme/tool.git", "acme/tool"),
            ("file:///srv/git/acme/tool.git", "acme/tool"),
        ] {
            assert_eq!(from_remote_url(url).as_deref(), Some(want), "{url}");
        }
        assert_eq!(from_remote_url("https://github.com/"), None);
    }

    #[test]
    fn tag_puts_repository_after_tool() {
        let doc = serde_json::json!({"schema": 1, "tool": {"name": "x"}, "table": "t"});
        let keys: Vec<String> = tag(doc, "acme/api")
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["schema", "tool", "repository", "table"]);
        let doc = serde_json::json!({"schema": 1, "verdict": "pass"});
        let v = tag(doc, "acme/api");
        assert_eq!(v["repository"], "acme/api");
        assert_eq!(v.as_object().unwrap().keys().nth(1).unwrap(), "repository");
    }

    #[test]
    fn explicit_name_wins_and_a_plain_directory_gives_its_name() {
        let d = tempfile::tempdir().unwrap();
        let sub = d.path().join("billing-service");
        std::fs::create_dir(&sub).unwrap();
        assert_eq!(resolve(Some("acme/x"), &sub), "acme/x");
        // Outside any git work tree with an origin: the directory's name
        // (the temp dir itself is not in a repository).
        if git(&sub, &["rev-parse", "--show-toplevel"]).is_none() {
            assert_eq!(resolve(None, &sub), "billing-service");
        }
    }
}
