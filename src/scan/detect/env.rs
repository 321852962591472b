//! Key and base-URL variable names: environment variables, config keys and program identifiers.

use super::*;

impl FileCtx<'_, '_> {
    pub(crate) fn env_names(&mut self, lx: &Lexed, i: usize) {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let s = &text[t.inner.clone()];
        // Whole identifiers and keys may be any case (pydantic fields, INI
        // keys); inside strings only UPPER_CASE names count as variables.
        let whole = matches!(t.tok, Tok::Ident) || t.key;
        let mut hits: Vec<Range<usize>> = Vec::new();
        if whole {
            // `strip_prefix` loops: `trim_start_matches` with a string
            // pattern built a substring searcher for every token.
            let name = trim_all(trim_all(s, "$env:").trim_start_matches('$'), "env:");
            let off = s.len() - name.len();
            // A property-list key in camel case (`OpenRouterAPIKey`) is the
            // same setting as OPENROUTER_API_KEY.
            let camel = || {
                t.key
                    && self.kind == crate::lang::FileKind::Xml
                    && self.is_env_name(&upper_words(name))
            };
            if self.is_env_name(name) || camel() {
                hits.push(t.inner.start + off..t.inner.end);
            }
        } else if !s.contains('_') && self.reads_plist(t) && self.is_env_name(&upper_words(s)) {
            // `forInfoDictionaryKey: "OpenRouterAPIKey"`: a camel-case plist key.
            hits.push(t.inner.clone());
        } else {
            for m in self.det.env_candidate.find_iter(s) {
                let name = m.as_str();
                // Lower-case spellings only as a whole value (`getenv("openrouter_api_key")`),
                // never with extra words (`your_openrouter_api_key` is a placeholder).
                if name.bytes().any(|b| b.is_ascii_lowercase())
                    && (name != s || !name.to_ascii_lowercase().starts_with("open"))
                {
                    continue;
                }
                if self.is_env_name(name) {
                    hits.push(t.inner.start + m.start()..t.inner.start + m.end());
                }
            }
        }
        if hits.is_empty() {
            return;
        }
        let identifier = whole && self.det.direct.is_none() && self.is_program_identifier(lx, i);
        for r in hits {
            let name = text[r.clone()].to_owned();
            let identifier = identifier
                || (!whole
                    && self.det.direct.is_none()
                    && (self.interpolated(t, &r) || self.declares_build_field(t)));
            let mut f = self.env_finding(r, &name);
            if identifier && f.fix == Fix::Auto {
                f = self.identifier_finding(lx, i, f);
            } else if f.fix == Fix::Auto && (self.is_plist_key(lx, i) || self.reads_plist(t)) {
                if !name.contains('_') && name.bytes().any(|b| b.is_ascii_lowercase()) {
                    f.replacement = Some(self.camel_target(&name));
                }
                f.decide(
                    Fix::Manual,
                    format!("property-list key {name}: the app reads it by this name (Bundle.main.object(forInfoDictionaryKey:), a decoded plist) and builds may fill it from a build setting; rename it in the plist and where the code reads it together, or keep it"),
                    "config-key",
                );
            } else if f.fix == Fix::Auto && self.is_config_key(lx, i, &name) {
                f.decide(
                    Fix::Manual,
                    format!("config key {name}: deployments set it outside the repository (their own config files, secret stores); rename it there and here together, or keep it"),
                    "config-key",
                );
            } else if f.fix == Fix::Auto && t.tok == Tok::Str && self.is_code_key(t, &name) {
                f.decide(
                    Fix::Manual,
                    format!("'{name}' is a key in code (browser or app storage, a settings or dictionary key, a form field), not an environment variable: renaming it leaves what is already stored under it behind; rename every use together, or keep it"),
                    "code-key",
                );
            }
            self.anchors.push((f.span.start, Anchor::Marker));
            // Requests are built in code (and in LiteLLM-style route entries);
            // other config files set variables for every request.
            if self.det.direct.is_none() && f.fix == Fix::Auto && self.builds_requests() {
                let spans = std::iter::once(0..0)
                    .chain(lx.ancestors(t.group).map(|g| lx.groups[g].span.clone()))
                    .collect();
                self.env_reads.push((self.out.findings.len(), spans));
            }
            self.push(f, false);
        }
    }

    /// A lower-case name as a string in program code that no environment
    /// read takes (`localStorage.getItem('openrouter_api_key')`,
    /// `settings["openrouter_api_key"]`): env APIs all say so just before
    /// the name (`getenv(`, `os.environ[`, `process.env[`, `ENV.fetch(`,
    /// `System.getenv(`, `Deno.env.get(`).
    pub(crate) fn is_code_key(&self, t: &crate::lang::lexer::Token, name: &str) -> bool {
        // Text-pass files are templates and markup (Blade, HTML forms,
        // Jinja): a quoted lower-case name there is a form field or id that
        // the program reads by the same name elsewhere.
        let code = self.kind.language().role == crate::lang::Role::Program
            || self.kind == crate::lang::FileKind::Text;
        if !name.bytes().any(|b| b.is_ascii_lowercase()) || !code {
            return false;
        }
        let text = &self.source.text;
        let line_start = self.source.line_around(t.span.clone()).start;
        let mut from = t.span.start.saturating_sub(48).max(line_start);
        while !text.is_char_boundary(from) {
            from += 1;
        }
        !text[from..t.span.start]
            .to_ascii_lowercase()
            .contains("env")
    }

    /// A name in program code (a variable, attribute, parameter) rather than
    /// an environment variable: Python/JS/Go/Rust identifiers, except JS
    /// `process.env.X` / `import.meta.env.X`.
    pub(crate) fn is_program_identifier(&self, lx: &Lexed, i: usize) -> bool {
        let t = &lx.tokens[i];
        if !self.kind.has_program_identifiers() || t.tok != Tok::Ident {
            return false;
        }
        let before = &self.source.text[..t.span.start];
        let env_member = before.ends_with("env.") || before.ends_with("env?.");
        (!env_member || self.member_of_app_module(lx, i)) && !self.in_js_regex(t)
    }

    /// `env.X` where `env` is a lone name imported from the app's own
    /// module (`import env from "../env"`, `@/env`): a key of the object
    /// that module built (a typed env schema), not a variable; renaming it
    /// here alone would read a key that object does not have. `process.env`,
    /// a Worker's `env` parameter and a framework's (`$env/dynamic/private`)
    /// stay variables.
    fn member_of_app_module(&self, lx: &Lexed, i: usize) -> bool {
        let text = &self.source.text;
        let Some(owner) = lx.prev_sig(i).and_then(|d| lx.prev_sig(d)) else {
            return false;
        };
        let name = &text[lx.tokens[owner].span.clone()];
        let lone = lx.prev_sig(owner).is_none_or(|p| {
            let p = &text[lx.tokens[p].span.clone()];
            p != "." && p != "?."
        });
        if !lone || lx.tokens[owner].tok != Tok::Ident {
            return false;
        }
        let imports = crate::scan::direct::imports(lx, text, self.kind);
        imports.get(name).is_some_and(|(module, _)| {
            ["./", "../", "@/", "~/"]
                .iter()
                .any(|p| module.starts_with(p))
        })
    }

    /// A name inside a JS regex literal (`/OPENROUTER_API_KEY=.+/` matching
    /// a line of a .env file): text, like a string's, not an identifier.
    /// The lexer reads regex literals as code, so this looks at the line: a
    /// `/` (or `/^`) right before the name where an expression starts, and
    /// another `/` after it.
    fn in_js_regex(&self, t: &crate::lang::lexer::Token) -> bool {
        if self.kind != crate::lang::FileKind::JavaScript {
            return false;
        }
        let text = &self.source.text;
        let line = self.source.line_around(t.span.clone());
        let before = text[line.start..t.span.start].trim_end_matches('^');
        let Some(open) = before.strip_suffix('/') else {
            return false;
        };
        let prev = open.trim_end().chars().last();
        let expression_start = prev.is_none_or(|c| "(,=:[!&|?{};".contains(c));
        expression_start && text[t.span.end..line.end].contains('/')
    }

    /// An identifier named after OpenRouter: renaming it is cosmetic, so
    /// it changes only with `rewrite --rename-identifiers` (in every place
    /// it is read). A pydantic settings field is different: its name is the
    /// environment variable it reads.
    pub(crate) fn identifier_finding(&self, lx: &Lexed, i: usize, mut f: Finding) -> Finding {
        let new = f.replacement.clone().unwrap_or_default();
        if self.source.text.contains("BaseSettings")
            && (f.matched.bytes().any(|b| b.is_ascii_lowercase()) || self.declares_field(lx, i))
        {
            let why = format!(
                "settings field {}: pydantic reads the environment variable of the same name; keep the field and add `validation_alias=\"{}\"` (Field), or rename it with all its uses",
                f.matched,
                new.to_ascii_uppercase()
            );
            f.decide(Fix::Manual, why, "settings-field");
            return f;
        }
        let why = format!(
            "program identifier {} is named after OpenRouter; renaming it to {new} is cosmetic (rewrite --rename-identifiers renames it everywhere it is used)",
            f.matched
        );
        f.decide(Fix::None, why, "identifier");
        f
    }

    /// Whether token `i` declares an annotated attribute in an indented
    /// block (`    OPENROUTER_API_KEY: Optional[str] = None` in a class
    /// body), not a module constant (`OPENROUTER_API_KEY = os.getenv(..)`)
    /// or a use (`settings.OPENROUTER_API_KEY`).
    fn declares_field(&self, lx: &Lexed, i: usize) -> bool {
        let t = &lx.tokens[i];
        let line = self.source.line_around(t.span.clone());
        let indent = &self.source.text[line.start..t.span.start];
        !indent.is_empty()
            && indent.bytes().all(|b| b == b' ' || b == b'\t')
            && lx
                .next_sig(i)
                .is_some_and(|j| lx.is_punct(&self.source.text, j, ":"))
    }

    /// A lower-case key in a config file (`openrouter_api_key = ...` in an
    /// INI/TOML/YAML/JSON file): a setting deployments provide, not an
    /// environment variable the repository defines.
    pub(crate) fn is_config_key(&self, lx: &Lexed, i: usize, name: &str) -> bool {
        // Property lists and XML settings are read by their keys whatever
        // their case (`Bundle.main.object(forInfoDictionaryKey:)`).
        let xml = self.kind == crate::lang::FileKind::Xml;
        lx.tokens[i].key
            && (xml || name.bytes().any(|b| b.is_ascii_lowercase()))
            && !self.prefix_routed
            && self.kind.has_config_keys()
    }

    /// A `<key>` of a property list (Info.plist, Secrets.plist).
    fn is_plist_key(&self, lx: &Lexed, i: usize) -> bool {
        self.kind == crate::lang::FileKind::Xml
            && lx.tokens[i].key
            && self.source.text.contains("<plist")
    }

    /// A string naming a property-list key where code reads one:
    /// `object(forInfoDictionaryKey: "X")`, `infoDictionary?["X"]`, or a
    /// subscript in a file that decodes a plist itself
    /// (`PropertyListSerialization`, `PropertyListDecoder`). The name is
    /// the plist's, not an environment variable's.
    fn reads_plist(&self, t: &crate::lang::lexer::Token) -> bool {
        if t.tok != Tok::Str || !self.kind.has_program_identifiers() {
            return false;
        }
        let text = &self.source.text;
        let before = text[..t.span.start].trim_end();
        // The file-wide look last, and once: strings reach here by the thousand.
        let decodes = || {
            *self.decodes_plist.get_or_init(|| {
                text.contains("PropertyListSerialization") || text.contains("PropertyListDecoder")
            })
        };
        before.ends_with("forInfoDictionaryKey:")
            || before.ends_with("infoDictionary?[")
            || before.ends_with("infoDictionary![")
            || before.ends_with("infoDictionary[")
            || (before.ends_with('[') && !before.ends_with("environment[") && decodes())
    }

    /// The name argument of an Android Gradle `buildConfigField(type, name,
    /// value)` or `resValue(type, name, value)` (Kotlin or Groovy script):
    /// it declares `BuildConfig.NAME` (`R.string.NAME`), a constant the app's
    /// code reads as an identifier, not an environment variable. Renaming
    /// one without the other breaks the build.
    fn declares_build_field(&self, t: &crate::lang::lexer::Token) -> bool {
        let text = &self.source.text;
        let line = self.source.line_around(t.span.clone());
        let before = &text[line.start..t.span.start];
        let Some(call) = ["buildConfigField", "resValue"]
            .iter()
            .find_map(|c| before.rfind(c).map(|at| &before[at + c.len()..]))
        else {
            return false;
        };
        // What lies between: `(` or a space, the quoted type, a comma.
        let rest = call.trim_start().trim_start_matches('(').trim_start();
        let Some(q) = rest.chars().next().filter(|c| *c == '"' || *c == '\'') else {
            return false;
        };
        rest[1..]
            .split_once(q)
            .is_some_and(|(ty, after)| !ty.is_empty() && after.trim() == ",")
    }

    /// Whether `r`, inside string token `t`, is a program variable
    /// interpolated into it (`f"Bearer {OPENROUTER_API_KEY}"`,
    /// `"%(OPENROUTER_URL)s"`, `` `${OPENROUTER_KEY}` ``, Kotlin's
    /// `"Bearer ${BuildConfig.OPENROUTER_API_KEY}"`) rather than an
    /// environment variable's name (`f"{os.environ['OPENROUTER_API_KEY']}"`,
    /// `${process.env.OPENROUTER_API_KEY}`). Only languages whose strings
    /// hold code: in shell and config files (and Java's Spring `"${X}"`)
    /// `${X}` is the environment.
    pub(crate) fn interpolated(&self, t: &crate::lang::lexer::Token, r: &Range<usize>) -> bool {
        use crate::lang::FileKind as K;
        // Each language's hole openers and what closes them.
        let holes: &[(&str, char)] = match self.kind {
            K::Python | K::JavaScript => &[("{", '}'), ("%(", ')')],
            K::Kotlin | K::Dart => &[("${", '}')],
            K::Swift => &[("\\(", ')')],
            K::Ruby | K::Elixir => &[("#{", '}')],
            _ => return false,
        };
        let text = &self.source.text;
        let before = &text[t.inner.start..r.start];
        let open = holes.iter().any(|(o, c)| {
            before.rfind(o).is_some_and(|at| {
                // Kotlin's `\${` is a literal `${` (Spring placeholders).
                !before[..at].ends_with('\\') && !before[at..].contains(*c)
            })
        });
        // Kotlin and Dart also read a bare `$name`.
        let bare = matches!(self.kind, K::Kotlin | K::Dart)
            && before.ends_with('$')
            && !before.ends_with("\\$");
        if !(open || bare) {
            return false;
        }
        let quoted = before.ends_with(['"', '\'']);
        let env = before.ends_with("env.") || before.ends_with("env?.");
        !quoted && !env
    }

    pub(crate) fn is_env_name(&self, name: &str) -> bool {
        // A placeholder value (`OPENROUTER_API_KEY=your_openrouter_key` in a
        // setup snippet) names no variable: renaming it would add a bogus
        // "set your_..._key in every deployment" step.
        if name
            .get(..5)
            .is_some_and(|p| p.eq_ignore_ascii_case("your_"))
        {
            return false;
        }
        if self.det.direct.is_some() {
            // A provider SDK reads its own base-URL variable: the name stays,
            // its value (a URL) is what changes.
            // Lower-case spellings are SDK parameters here (`openai_api_key=`).
            if name.bytes().any(|b| b.is_ascii_lowercase()) {
                return false;
            }
            let src = self.det.src;
            return self.det.env_name.is_match(name)
                && (src.gateway || !src.base_url_env.iter().any(|b| b == name))
                || src.key_env.iter().any(|k| k == name);
        }
        self.det.env_name.is_match(name)
            || self
                .det
                .src
                .key_env
                .iter()
                .chain(&self.det.src.base_url_env)
                .any(|k| k == name)
    }

    pub(crate) fn env_finding(&self, r: Range<usize>, name: &str) -> Finding {
        if self.det.direct.is_some() {
            return self.direct_env_finding(r, name);
        }
        let tg = self.det.target;
        let upper = name.to_ascii_uppercase();
        let is_base = self.det.src.base_url_env.contains(&upper)
            || ["BASE", "URL", "ENDPOINT", "HOST"]
                .iter()
                .any(|w| upper.ends_with(w));
        // Keep a framework prefix such as NEXT_PUBLIC_ (it decides exposure).
        let cut = upper
            .find("OPENROUTER")
            .or_else(|| upper.find("OPEN_ROUTER"))
            .unwrap_or(0);
        let prefix = &name[..cut];
        let new = if is_base {
            tg.base_url_env.clone()
        } else {
            Some(tg.key_env.clone())
        };
        let lower = !name.bytes().any(|b| b.is_ascii_uppercase());
        let src = &self.det.src.id;
        match new {
            Some(n) => {
                let n = format!("{prefix}{n}");
                let n = if lower { n.to_ascii_lowercase() } else { n };
                let what = if is_base { "base URL" } else { "API key" };
                self.finding(
                    Kind::ApiKeyEnv,
                    r,
                    name.to_owned(),
                    Some(n.clone()),
                    Fix::Auto,
                    format!("{} {what} variable -> {n}", self.det.src.name),
                    format!("{src}:api-key-env"),
                )
            }
            None => self.finding(
                Kind::ApiKeyEnv,
                r,
                name.to_owned(),
                None,
                Fix::Manual,
                format!(
                    "{} base URL variable: {} documents no base-URL variable; set {} in code",
                    self.det.src.name, tg.name, tg.base_url
                ),
                format!("{src}:api-key-env"),
            ),
        }
    }
}

impl FileCtx<'_, '_> {
    /// Settings paths that name OpenRouter's key or base URL: Spring's
    /// `@Value("${openrouter.api-key}")` and `openrouter.api-key=` in
    /// .properties, .NET's `configuration["OpenRouter:ApiKey"]` and
    /// `OpenRouter__ApiKey`, and nested config keys (`openrouter:` /
    /// `api-key:` in YAML, `"OpenRouter": {"ApiKey": ..}` in appsettings.json).
    /// Deployments set them (profiles, secret stores, environment variables
    /// derived from the path), so each is a manual item.
    pub(crate) fn config_paths(&mut self, lx: &Lexed, i: usize) {
        if self.det.direct.is_some() {
            return;
        }
        let text = &self.source.text;
        let t = &lx.tokens[i];
        if !matches!(t.tok, Tok::Str | Tok::Word) && !t.key {
            return;
        }
        let mut hits: Vec<(Range<usize>, String, String, &str)> = Vec::new();
        let s = &text[t.inner.clone()];
        // Every path names OpenRouter (`openrouter`, `open_router`, `open-router`):
        // a cheap look first, the regex only where it can match.
        let router = |s: &str| {
            s.as_bytes()
                .windows(6)
                .any(|w| w.eq_ignore_ascii_case(b"router"))
        };
        let section = || lx.label(text, t.group).is_some_and(router);
        if !(router(s) || t.key && section()) {
            return;
        }
        for c in self.det.config_path.captures_iter(s) {
            let (Some(word), Some(sep), Some(leaf)) = (c.get(1), c.get(2), c.get(3)) else {
                continue;
            };
            let path_char = |b: u8| b.is_ascii_alphanumeric() || b"_.:-".contains(&b);
            let sb = s.as_bytes();
            // `openrouter` is a whole segment, and the leaf is the path's last.
            let before_ok = match word.start().checked_sub(1).map(|p| sb[p]) {
                None => true,
                Some(b'_') => s[..word.start()].ends_with("__"),
                Some(b) => !b.is_ascii_alphanumeric() && b != b'-',
            };
            // A deeper path is another setting; after a `.` path a `:` is
            // Spring's default value (`${openrouter.api-key:}`).
            let rest = &s[leaf.end()..];
            let deeper = rest.starts_with('.')
                || rest.starts_with("__")
                || rest.starts_with(':') && sep.as_str() != ".";
            if !before_ok || deeper {
                continue;
            }
            let Some(name) = self.key_setting(leaf.as_str()) else {
                continue;
            };
            let mut start = word.start();
            while start > 0 && path_char(sb[start - 1]) {
                start -= 1;
            }
            let r = t.inner.start + start..t.inner.start + leaf.end();
            let new = format!(
                "{}{}{}{}",
                &s[start..word.start()],
                self.target_segment(word.as_str()),
                sep.as_str(),
                leaf.as_str()
            );
            hits.push((r, s[start..leaf.end()].to_owned(), new, name));
        }
        if hits.is_empty() && t.key && self.kind.has_config_keys() {
            hits.extend(self.nested_setting(lx, i));
        }
        for (r, path, new, what) in hits {
            let matched = text[r.clone()].to_owned();
            let why = format!(
                "config key {path} names the {} {what}: deployments set it outside the repository (profiles, secret stores, environment variables derived from it); rename it there and here together (e.g. {new}), or keep it",
                self.det.src.name
            );
            let rule = format!("{}:api-key-env:config-key", self.det.src.id);
            let f = self.finding(
                Kind::ApiKeyEnv,
                r,
                matched,
                Some(new),
                Fix::Manual,
                why,
                rule,
            );
            self.anchors.push((f.span.start, Anchor::Marker));
            self.push(f, false);
        }
    }

    /// A key inside a section named after OpenRouter (`OpenRouter` /
    /// `ApiKey`): the range of the key, its path, the renamed path, what
    /// it holds.
    fn nested_setting(
        &self,
        lx: &Lexed,
        i: usize,
    ) -> Option<(Range<usize>, String, String, &'static str)> {
        let text = &self.source.text;
        let t = &lx.tokens[i];
        let section = lx.label(text, t.group)?;
        let probe = format!("{section}.x");
        let whole = self
            .det
            .config_path
            .captures(&probe)
            .and_then(|c| c.get(1))
            .is_some_and(|w| w.start() == 0 && w.len() == section.len());
        let leaf = text[t.inner.clone()].trim_matches(|c| c == '"' || c == '\'');
        if !whole || self.det.env_candidate.is_match(leaf) {
            return None;
        }
        let what = self.key_setting(leaf)?;
        // .NET reads appsettings.json by `Section:Key` paths.
        let sep = if self.kind == crate::lang::FileKind::Json {
            ":"
        } else {
            "."
        };
        let new = format!("{}{sep}{leaf}", self.target_segment(section));
        Some((t.inner.clone(), format!("{section}{sep}{leaf}"), new, what))
    }

    /// Whether `leaf` under an OpenRouter section is its key or base URL
    /// (`api-key`, `ApiKey`, `base_url`): what the variable of the same
    /// words would be.
    fn key_setting(&self, leaf: &str) -> Option<&'static str> {
        let words = upper_words(leaf);
        let name = format!("OPENROUTER_{words}");
        if !self.is_env_name(&name) {
            return None;
        }
        let base = ["BASE", "URL", "ENDPOINT", "HOST"]
            .iter()
            .any(|w| words.ends_with(w));
        Some(if base { "base URL" } else { "API key" })
    }

    /// A camel-case key named after OpenRouter (`OpenRouterAPIKey`) with the
    /// target's name in its place (`LlmGatewayAPIKey`).
    fn camel_target(&self, name: &str) -> String {
        let lower = name.to_ascii_lowercase();
        let Some(at) = lower.find("openrouter") else {
            return name.to_owned();
        };
        let end = at + "openrouter".len();
        let seg = self.target_segment(&name[at..end]);
        format!("{}{seg}{}", &name[..at], &name[end..])
    }

    /// The target's name as a path segment written the way `like` is
    /// (`openrouter` -> `llmgateway`, `OpenRouter` -> `LlmGateway`,
    /// `open-router` -> `llm-gateway`), from its key variable's words.
    fn target_segment(&self, like: &str) -> String {
        let key = &self.det.target.key_env;
        let stem = key
            .strip_suffix("_API_KEY")
            .or_else(|| key.strip_suffix("_KEY"))
            .unwrap_or(key);
        let sep = if like.contains('-') {
            "-"
        } else if like.contains('_') {
            "_"
        } else {
            ""
        };
        let pascal = like.starts_with(|c: char| c.is_ascii_uppercase())
            && like.bytes().any(|b| b.is_ascii_lowercase());
        let upper = !like.bytes().any(|b| b.is_ascii_lowercase());
        stem.split('_')
            .map(|w| {
                let w = w.to_ascii_lowercase();
                if upper {
                    w.to_ascii_uppercase()
                } else if pascal {
                    let mut c = w.chars();
                    c.next()
                        .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                        .unwrap_or_default()
                } else {
                    w
                }
            })
            .collect::<Vec<_>>()
            .join(sep)
    }
}

/// `s.trim_start_matches(p)` for a short literal `p`.
fn trim_all<'s>(mut s: &'s str, p: &str) -> &'s str {
    while let Some(rest) = s.strip_prefix(p) {
        s = rest;
    }
    s
}

/// The words of a name in upper snake case: `ApiKey`, `api-key` and
/// `APIKey` are all `API_KEY` (an upper-case run before a capitalised word
/// is an acronym).
fn upper_words(name: &str) -> String {
    let c: Vec<char> = name.chars().collect();
    let mut words = String::new();
    for (k, &ch) in c.iter().enumerate() {
        let prev = k.checked_sub(1).map(|p| c[p]);
        let next_lower = c.get(k + 1).is_some_and(|n| n.is_ascii_lowercase());
        let boundary = ch.is_ascii_uppercase()
            && prev.is_some_and(|p| {
                p.is_ascii_lowercase()
                    || p.is_ascii_digit()
                    || (p.is_ascii_uppercase() && next_lower)
            });
        if boundary {
            words.push('_');
        }
        words.push(if ch == '-' {
            '_'
        } else {
            ch.to_ascii_uppercase()
        });
    }
    words
}

#[cfg(test)]
mod tests {
    #[test]
    fn upper_words_splits_camel_case_and_acronyms() {
        for (name, words) in [
            ("ApiKey", "API_KEY"),
            ("api-key", "API_KEY"),
            ("OpenRouterAPIKey", "OPEN_ROUTER_API_KEY"),
            ("baseUrl", "BASE_URL"),
            ("OPENROUTER_API_KEY", "OPENROUTER_API_KEY"),
        ] {
            assert_eq!(super::upper_words(name), words, "{name}");
        }
    }
}
