//! What kind of file a path is, which decides how it is read.

use std::path::Path;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum FileKind {
    Python,
    /// JavaScript and TypeScript, with JSX/TSX.
    JavaScript,
    Rust,
    Go,
    Shell,
    PowerShell,
    /// .env files and the like: KEY=VALUE lines.
    Env,
    Ini,
    Yaml,
    Json,
    Toml,
    Dockerfile,
    Notebook,
    Markdown,
    /// Requirements files: one package spec a line.
    Requirements,
    /// Lockfiles are never findings.
    Lockfile,
    /// Anything else that is text: a careful text pass.
    Text,
}

impl FileKind {
    pub fn detect(path: &Path) -> FileKind {
        let name = path
            .file_name()
            .and_then(|n| n.to_str())
            .unwrap_or("")
            .to_ascii_lowercase();
        match name.as_str() {
            "package-lock.json"
            | "npm-shrinkwrap.json"
            | "yarn.lock"
            | "pnpm-lock.yaml"
            | "bun.lock"
            | "bun.lockb"
            | "cargo.lock"
            | "poetry.lock"
            | "uv.lock"
            | "pdm.lock"
            | "pipfile.lock"
            | "go.sum"
            | "composer.lock"
            | "gemfile.lock"
            | "deno.lock" => return FileKind::Lockfile,
            "dockerfile" | "containerfile" => return FileKind::Dockerfile,
            ".env" | ".envrc" => return FileKind::Env,
            "go.mod" | "go.work" => return FileKind::Text,
            "pipfile" => return FileKind::Toml,
            _ => {}
        }
        if name.starts_with("dockerfile.") || name.ends_with(".dockerfile") {
            return FileKind::Dockerfile;
        }
        if name.starts_with(".env.") || name.ends_with(".env") {
            return FileKind::Env;
        }
        if name.starts_with("requirements") && name.ends_with(".txt")
            || name.ends_with(".requirements.txt")
            || name == "constraints.txt"
        {
            return FileKind::Requirements;
        }
        let ext = name.rsplit_once('.').map(|(_, e)| e).unwrap_or("");
        match ext {
            "py" | "pyi" | "pyw" => FileKind::Python,
            "js" | "mjs" | "cjs" | "jsx" | "ts" | "mts" | "cts" | "tsx" | "vue" | "svelte"
            | "astro" => FileKind::JavaScript,
            "rs" => FileKind::Rust,
            "go" => FileKind::Go,
            "sh" | "bash" | "zsh" | "ksh" | "fish" => FileKind::Shell,
            "ps1" | "psm1" | "psd1" => FileKind::PowerShell,
            "ini" | "cfg" | "conf" | "properties" => FileKind::Ini,
            "yaml" | "yml" => FileKind::Yaml,
            "json" | "jsonc" | "json5" => FileKind::Json,
            "toml" => FileKind::Toml,
            "ipynb" => FileKind::Notebook,
            "md" | "markdown" | "mdx" | "qmd" | "rmd" => FileKind::Markdown,
            _ => FileKind::Text,
        }
    }

    /// Files that set environment variables (.env files, compose and CI
    /// YAML, Dockerfiles, config files) rather than read them in code.
    pub fn sets_variables(self) -> bool {
        !matches!(
            self,
            FileKind::Python
                | FileKind::JavaScript
                | FileKind::Rust
                | FileKind::Go
                | FileKind::Shell
                | FileKind::PowerShell
                | FileKind::Notebook
        )
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn detects_common_names() {
        let k = |p: &str| FileKind::detect(Path::new(p));
        assert_eq!(k("a/b/app.py"), FileKind::Python);
        assert_eq!(k("web/App.TSX"), FileKind::JavaScript);
        assert_eq!(k(".env.example"), FileKind::Env);
        assert_eq!(k("prod.env"), FileKind::Env);
        assert_eq!(k("Dockerfile.dev"), FileKind::Dockerfile);
        assert_eq!(k("requirements-dev.txt"), FileKind::Requirements);
        assert_eq!(k("pnpm-lock.yaml"), FileKind::Lockfile);
        assert_eq!(k("docs/guide.md"), FileKind::Markdown);
        assert_eq!(k("nb.ipynb"), FileKind::Notebook);
        assert_eq!(k("notes.txt"), FileKind::Text);
    }
}
