//! Path aliases of TypeScript's module resolution: `compilerOptions.paths`
//! and `baseUrl` in the nearest tsconfig.json or jsconfig.json (followed
//! through relative `extends`), so `import { client } from "@/lib/llm"`
//! finds `src/lib/llm.ts` as the app's bundler would.

use std::collections::HashMap;
use std::path::PathBuf;
use std::rc::Rc;

use serde_json::Value;

use super::Loc;

/// How many directories above a file a config is looked for, and how many
/// `extends` are followed (a cycle ends there too).
const MAX_UP: usize = 12;
const MAX_EXTENDS: usize = 8;
const MAX_CONFIG_BYTES: u64 = 1 << 20;

/// One config's resolution settings, `extends` applied.
#[derive(Debug, Default, Clone)]
pub(super) struct Aliases {
    /// `baseUrl`, resolved against the config that set it.
    base_url: Option<Loc>,
    /// `paths` patterns in file order, and the directory their targets are
    /// relative to (`baseUrl` if set, else the config that set `paths`).
    paths: Vec<(String, Vec<String>)>,
    paths_dir: Option<Loc>,
}

impl Aliases {
    /// The module paths (without extension) a non-relative specifier may
    /// name, in the order TypeScript tries them: the `paths` pattern with
    /// the longest prefix (an exact pattern first), then `baseUrl`.
    pub(super) fn resolve(&self, spec: &str) -> Vec<Loc> {
        let mut out = Vec::new();
        if let (Some((star, targets)), Some(dir)) = (self.pattern(spec), &self.paths_dir) {
            for t in targets {
                let t = t.replacen('*', star, 1);
                out.extend(dir.join_path(&t));
            }
        }
        if let Some(b) = &self.base_url {
            out.extend(b.join_path(spec));
        }
        out
    }

    /// The matching pattern's targets and what its `*` stands for.
    fn pattern<'a>(&'a self, spec: &'a str) -> Option<(&'a str, &'a [String])> {
        if let Some((_, t)) = self.paths.iter().find(|(p, _)| p == spec) {
            return Some(("", t));
        }
        self.paths
            .iter()
            .filter_map(|(p, t)| {
                let (pre, suf) = p.split_once('*')?;
                let star = spec.strip_prefix(pre)?.strip_suffix(suf)?;
                Some((pre.len(), star, t.as_slice()))
            })
            .max_by_key(|(len, _, _)| *len)
            .map(|(_, star, t)| (star, t))
    }

    fn is_empty(&self) -> bool {
        self.base_url.is_none() && self.paths.is_empty()
    }
}

/// Configs read so far, by directory.
#[derive(Default)]
pub(super) struct Configs {
    nearest: HashMap<PathBuf, Option<Rc<Aliases>>>,
}

impl Configs {
    /// The aliases of the config nearest above `dir` that has any.
    pub(super) fn nearest(&mut self, dir: &Loc) -> Option<Rc<Aliases>> {
        let mut seen = Vec::new();
        let mut found = None;
        for d in std::iter::successors(Some(dir.clone()), Loc::up).take(MAX_UP) {
            if let Some(hit) = self.nearest.get(&d.abs) {
                found = hit.clone();
                break;
            }
            let here = ["tsconfig.json", "jsconfig.json"]
                .iter()
                .find_map(|f| d.join(&[f]).filter(|l| l.abs.is_file()));
            seen.push(d.abs.clone());
            if let Some(cfg) = here {
                // The nearest config decides, aliases or not, as in tsc.
                found = load(&cfg, 0).filter(|a| !a.is_empty()).map(Rc::new);
                break;
            }
        }
        for d in seen {
            self.nearest.insert(d, found.clone());
        }
        found
    }
}

/// A config file's settings over those of the configs it extends; None
/// when it cannot be read or is not JSON with comments.
fn load(cfg: &Loc, depth: usize) -> Option<Aliases> {
    // A config is a few hundred bytes; a huge one is not read whole.
    if std::fs::metadata(&cfg.abs).ok()?.len() > MAX_CONFIG_BYTES {
        return None;
    }
    let text = std::fs::read_to_string(&cfg.abs).ok()?;
    let v: Value = jsonc_parser::parse_to_serde_value(&text, &Default::default()).ok()?;
    let dir = cfg.up()?;
    let mut out = Aliases::default();
    if depth < MAX_EXTENDS {
        let parents = match &v["extends"] {
            Value::String(s) => vec![s.as_str()],
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            _ => Vec::new(),
        };
        // Later entries of an `extends` list override earlier ones.
        for p in parents {
            if let Some(parent) = extended(&dir, p).and_then(|c| load(&c, depth + 1)) {
                out.base_url = parent.base_url.or(out.base_url);
                if !parent.paths.is_empty() {
                    (out.paths, out.paths_dir) = (parent.paths, parent.paths_dir);
                }
            }
        }
    }
    let opts = &v["compilerOptions"];
    if let Some(b) = opts["baseUrl"].as_str() {
        out.base_url = dir.join_path(b);
    }
    if let Some(paths) = opts["paths"].as_object() {
        out.paths = paths
            .iter()
            .map(|(k, v)| {
                let targets = v.as_array().map(Vec::as_slice).unwrap_or_default();
                let targets = targets.iter().filter_map(Value::as_str).map(str::to_owned);
                (k.clone(), targets.collect())
            })
            .collect();
        out.paths_dir = Some(dir.clone());
    }
    // Targets are relative to `baseUrl` wherever it was set.
    if out.base_url.is_some() && !out.paths.is_empty() {
        out.paths_dir = out.base_url.clone();
    }
    Some(out)
}

/// The file a relative `extends` names (`./tsconfig.base`, `../tsconfig.json`);
/// package names (`@tsconfig/next`) are not followed.
fn extended(dir: &Loc, spec: &str) -> Option<Loc> {
    if !spec.starts_with("./") && !spec.starts_with("../") {
        return None;
    }
    let file = dir.join_path(spec)?;
    if file.abs.is_file() {
        return Some(file);
    }
    let with_json = dir.join_path(&format!("{spec}.json"))?;
    with_json.abs.is_file().then_some(with_json)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::fs;

    fn root(dir: &std::path::Path) -> Loc {
        Loc {
            rel: String::new(),
            abs: dir.to_path_buf(),
        }
    }

    fn rels(v: Vec<Loc>) -> Vec<String> {
        v.into_iter().map(|l| l.rel).collect()
    }

    #[test]
    fn next_js_alias_with_comments_and_trailing_commas() {
        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("src/app/api")).unwrap();
        fs::write(
            t.path().join("tsconfig.json"),
            "{\n  // Next.js\n  \"compilerOptions\": {\n    \"paths\": { \"@/*\": [\"./src/*\"], },\n  },\n}\n",
        )
        .unwrap();
        let mut c = Configs::default();
        let a = c.nearest(&root(t.path()).join(&["src", "app", "api"]).unwrap());
        let a = a.expect("aliases");
        assert_eq!(rels(a.resolve("@/lib/llm")), ["src/lib/llm"]);
        // Not an alias: a package.
        assert!(a.resolve("openai").is_empty());
        assert!(a.resolve("@openrouter/ai-sdk-provider").is_empty());
    }

    #[test]
    fn longest_prefix_wins_and_base_url_and_extends_apply() {
        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("apps/web")).unwrap();
        fs::write(
            t.path().join("tsconfig.base.json"),
            r#"{"compilerOptions": {"baseUrl": ".", "paths": {
                "@app/*": ["apps/web/*"],
                "@app/llm/*": ["packages/llm/src/*", "vendor/llm/*"],
                "config": ["packages/config/index"]
            }}}"#,
        )
        .unwrap();
        fs::write(
            t.path().join("apps/web/tsconfig.json"),
            r#"{"extends": "../../tsconfig.base", "compilerOptions": {"strict": true}}"#,
        )
        .unwrap();
        let mut c = Configs::default();
        let a = c
            .nearest(&root(t.path()).join(&["apps", "web"]).unwrap())
            .unwrap();
        assert_eq!(
            rels(a.resolve("@app/llm/client")),
            [
                "packages/llm/src/client",
                "vendor/llm/client",
                "@app/llm/client"
            ]
        );
        assert_eq!(rels(a.resolve("@app/lib")), ["apps/web/lib", "@app/lib"]);
        assert_eq!(
            rels(a.resolve("config")),
            ["packages/config/index", "config"]
        );
        // baseUrl alone resolves bare specifiers below it.
        assert_eq!(rels(a.resolve("lib/llm")), ["lib/llm"]);
    }

    #[test]
    fn extends_cycles_and_huge_configs_end() {
        let t = tempfile::tempdir().unwrap();
        fs::write(
            t.path().join("tsconfig.json"),
            r#"{"extends": "./tsconfig.json", "compilerOptions": {"paths": {"@/*": ["./src/*"]}}}"#,
        )
        .unwrap();
        let mut c = Configs::default();
        let a = c
            .nearest(&root(t.path()))
            .expect("own paths despite the cycle");
        assert_eq!(rels(a.resolve("@/x")), ["src/x"]);
        let big = tempfile::tempdir().unwrap();
        let pad = " ".repeat(MAX_CONFIG_BYTES as usize);
        fs::write(
            big.path().join("tsconfig.json"),
            format!(r#"{{"compilerOptions": {{"paths": {{"@/*": ["./src/*"]}}}}}}{pad}"#),
        )
        .unwrap();
        assert!(Configs::default().nearest(&root(big.path())).is_none());
    }

    #[test]
    fn the_nearest_config_decides_and_bad_ones_give_nothing() {
        let t = tempfile::tempdir().unwrap();
        fs::create_dir_all(t.path().join("a/b")).unwrap();
        fs::write(
            t.path().join("tsconfig.json"),
            r#"{"compilerOptions": {"paths": {"~/*": ["./*"]}}}"#,
        )
        .unwrap();
        // A nearer config without aliases hides the outer one, as in tsc.
        fs::write(t.path().join("a/jsconfig.json"), "{}").unwrap();
        fs::write(t.path().join("a/b/tsconfig.json"), "{ not json").unwrap();
        let mut c = Configs::default();
        let r = root(t.path());
        assert!(c.nearest(&r.join(&["a", "b"]).unwrap()).is_none());
        assert!(c.nearest(&r.join(&["a"]).unwrap()).is_none());
        assert_eq!(rels(c.nearest(&r).unwrap().resolve("~/x")), ["x"]);
    }
}
