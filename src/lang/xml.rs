//! XML: Apple property lists (Info.plist, entitlements), MSBuild project
//! files (.csproj, Directory.Packages.props), Maven's pom.xml, .NET's
//! web.config and other XML settings.
//!
//! Element text and attribute values are values. A plist `<key>`, an
//! element that holds only text (`<ApiKey>...</ApiKey>`) and an attribute
//! name are keys of the value after them; an element holding elements is a
//! group labelled with its name (a plist `<dict>` or `<array>` with the
//! `<key>` before it), so settings read as in any config file:
//! `<OpenRouter><ApiKey>` is the `OpenRouter.ApiKey` path.

use std::ops::Range;

use super::lexer::{Group, Lexed, Tok};
use super::{FileKind, Language, Manifest, PackageUse, ParseError, Read, Role};
use crate::rules::schema::Ecosystem;

pub static LANGUAGE: Language = Language {
    kind: FileKind::Xml,
    title: |path| {
        let p = path.to_ascii_lowercase();
        if p.ends_with(".plist") || p.ends_with(".entitlements") {
            "a property list"
        } else {
            "XML"
        }
    },
    file_names: &["web.config", "app.config"],
    name_matches: super::no_pattern,
    extensions: &[
        "xml",
        "plist",
        "entitlements",
        "csproj",
        "fsproj",
        "vbproj",
        "props",
        "targets",
    ],
    fence_tags: &["xml", "plist"],
    role: Role::Config,
    read: Read::Tokens {
        lex: tokens,
        packages: manifests,
        text_pass: false,
    },
    classes: None,
    check,
};

pub fn tokens(text: &str) -> Lexed {
    read(text).0
}

/// Known packages of an MSBuild file (`<PackageReference Include="..">`,
/// central `<PackageVersion Include="..">`) or a pom.xml (`<dependency>`
/// with `<groupId>` and `<artifactId>`, named `group:artifact`).
fn manifests(m: &Manifest) -> Vec<PackageUse> {
    if m.file_name == "pom.xml" {
        return pom_dependencies(m);
    }
    let (text, lx) = (m.text, m.lexed);
    const ITEMS: &[&str] = &[
        "PackageReference",
        "PackageVersion",
        "GlobalPackageReference",
    ];
    super::manifest_uses(m, Ecosystem::Nuget, |i| {
        let t = &lx.tokens[i];
        if !(t.key && matches!(&text[t.span.clone()], "Include" | "Update")) {
            return None;
        }
        // The element whose attribute it is: the nearest name before it.
        let element = lx.tokens[..i]
            .iter()
            .rev()
            .find(|p| p.tok == Tok::Ident && !p.key)?;
        if !ITEMS.contains(&&text[element.span.clone()]) {
            return None;
        }
        let v = lx.value_token(text, i)?;
        Some((v.inner.clone(), text[v.inner.clone()].to_owned()))
    })
}

fn pom_dependencies(m: &Manifest) -> Vec<PackageUse> {
    let (text, lx) = (m.text, m.lexed);
    let value_of = |g: usize, key: &str| {
        let k = lx
            .tokens
            .iter()
            .position(|t| t.key && t.group == g && &text[t.span.clone()] == key)?;
        lx.value_token(text, k)
    };
    super::manifest_uses(m, Ecosystem::Maven, |i| {
        let t = &lx.tokens[i];
        let artifact_key = t.key && &text[t.span.clone()] == "artifactId";
        if !(artifact_key && matches!(lx.label(text, t.group), Some("dependency" | "plugin"))) {
            return None;
        }
        let artifact = lx.value_token(text, i)?;
        let group = value_of(t.group, "groupId")?;
        let name = format!(
            "{}:{}",
            &text[group.inner.clone()],
            &text[artifact.inner.clone()]
        );
        Some((artifact.inner.clone(), name))
    })
}

pub fn check(_path: &str, text: &str) -> Result<(), ParseError> {
    match read(text).1 {
        Some(e) => Err(e),
        None => Ok(()),
    }
}

/// An element whose end tag is still to come.
struct Open {
    name: Range<usize>,
    /// Start of its start tag.
    at: usize,
    /// The group its children sit in, once it has one.
    group: Option<usize>,
    /// Its name token, while it may still turn out to be a key.
    name_token: Option<usize>,
    /// The group it sits in.
    parent: usize,
}

struct Reader<'t> {
    text: &'t str,
    lx: Lexed,
    stack: Vec<Open>,
    plist: bool,
    /// A plist `<key>`'s text, which labels a `<dict>`/`<array>` after it.
    last_key: Option<Range<usize>>,
    error: Option<ParseError>,
}

/// Tokens of `text`, and the first well-formedness error, if any.
fn read(text: &str) -> (Lexed, Option<ParseError>) {
    let mut r = Reader {
        text,
        lx: Lexed::with_len(text.len()),
        stack: Vec::new(),
        plist: text.contains("<plist"),
        last_key: None,
        error: None,
    };
    let mut i = 0;
    while let Some(off) = text[i..].find('<') {
        let lt = i + off;
        r.content(i..lt);
        i = r.markup(lt);
    }
    r.content(i..text.len());
    if let Some(open) = r.stack.last() {
        let name = text[open.name.clone()].to_owned();
        r.fail(open.at, format!("<{name}> is never closed"));
    }
    (r.lx, r.error)
}

impl Reader<'_> {
    fn fail(&mut self, at: usize, message: String) {
        if self.error.is_none() {
            let line = self.text[..at].matches('\n').count() + 1;
            self.error = Some(ParseError::at(line, message));
        }
    }

    fn group(&self) -> usize {
        self.stack.last().map_or(0, |o| o.group.unwrap_or(o.parent))
    }

    /// The markup at `lt` (a `<`); returns the offset after it.
    fn markup(&mut self, lt: usize) -> usize {
        let text = self.text;
        let rest = &text[lt..];
        let end_of = |close: &str, from: usize| {
            text[from..]
                .find(close)
                .map(|e| (from + e, from + e + close.len()))
        };
        if rest.starts_with("<!--") {
            let Some((e, after)) = end_of("-->", lt + 4) else {
                self.fail(lt, "unclosed comment".into());
                return text.len();
            };
            let g = self.group();
            self.lx.push(Tok::Comment, lt..after, lt + 4..e, g, false);
            return after;
        }
        if rest.starts_with("<![CDATA[") {
            let Some((e, after)) = end_of("]]>", lt + 9) else {
                self.fail(lt, "unclosed CDATA section".into());
                return text.len();
            };
            self.content(lt + 9..e);
            return after;
        }
        if rest.starts_with("<?") || rest.starts_with("<!") {
            // Declarations and DOCTYPE (with its internal subset) say nothing.
            let close = if rest.starts_with("<?") { "?>" } else { ">" };
            let from = text[lt..].find('[').map_or(lt + 2, |b| {
                if text[lt..lt + b].contains('>') {
                    lt + 2
                } else {
                    end_of("]", lt + b).map_or(lt + 2, |(_, a)| a)
                }
            });
            return end_of(close, from).map_or(text.len(), |(_, a)| a);
        }
        if rest.starts_with("</") {
            return self.end_tag(lt);
        }
        self.start_tag(lt)
    }

    fn end_tag(&mut self, lt: usize) -> usize {
        let text = self.text;
        let Some(gt) = text[lt..].find('>').map(|e| lt + e) else {
            self.fail(lt, "an end tag that never ends".into());
            return text.len();
        };
        let after = gt + 1;
        let name = text[lt + 2..gt].trim();
        match self.stack.pop() {
            Some(open) if &text[open.name.clone()] == name => {
                if let Some(g) = open.group {
                    self.lx.groups[g].span.end = after;
                }
            }
            Some(open) => {
                let want = text[open.name.clone()].to_owned();
                self.fail(lt, format!("</{name}> closes <{want}>"));
            }
            None => self.fail(lt, format!("</{name}> closes nothing")),
        }
        after
    }

    fn start_tag(&mut self, lt: usize) -> usize {
        let text = self.text;
        let b = text.as_bytes();
        let name_end = (lt + 1..text.len())
            .find(|&j| b[j].is_ascii_whitespace() || b[j] == b'>' || b[j] == b'/')
            .unwrap_or(text.len());
        let name = lt + 1..name_end;
        if name.is_empty() {
            self.fail(lt, "a `<` that starts no tag".into());
            return lt + 1;
        }
        // The element it sits in holds elements: it is a group now.
        let parent = self.container();
        let tag = &text[name.clone()];
        let name_token = if self.plist {
            None
        } else {
            self.lx
                .push(Tok::Ident, name.clone(), name.clone(), parent, false);
            Some(self.lx.tokens.len() - 1)
        };
        let (after, empty) = self.attributes(name_end, parent);
        let opens_group = self.plist && matches!(tag, "dict" | "array");
        // A plist `<key>` labels the value element right after it only.
        let label = if tag == "key" {
            None
        } else {
            self.last_key.take()
        };
        let mut open = Open {
            name,
            at: lt,
            group: None,
            name_token,
            parent,
        };
        if opens_group {
            open.group = Some(self.new_group(tag.as_bytes()[0], parent, label, lt));
        }
        if empty {
            if let Some(g) = open.group {
                self.lx.groups[g].span.end = after;
            }
        } else {
            self.stack.push(open);
        }
        after
    }

    /// The group the next child element sits in: the current element's,
    /// made on its first child (labelled with its name).
    fn container(&mut self) -> usize {
        let Some(top) = self.stack.len().checked_sub(1) else {
            return 0;
        };
        if let Some(g) = self.stack[top].group {
            return g;
        }
        let (parent, name, at) = {
            let o = &self.stack[top];
            (o.parent, o.name.clone(), o.at)
        };
        let label = (!self.plist).then_some(name);
        let g = self.new_group(b'{', parent, label, at);
        self.stack[top].group = Some(g);
        self.stack[top].name_token = None;
        g
    }

    fn new_group(
        &mut self,
        kind: u8,
        parent: usize,
        label: Option<Range<usize>>,
        at: usize,
    ) -> usize {
        self.lx.groups.push(Group {
            kind,
            parent,
            label,
            span: at..self.text.len(),
        });
        self.lx.groups.len() - 1
    }

    /// Attributes from `i` to the tag's end, as key / `=` / value tokens in
    /// group `g`; the offset after the tag and whether it is empty (`/>`).
    fn attributes(&mut self, mut i: usize, g: usize) -> (usize, bool) {
        let text = self.text;
        let b = text.as_bytes();
        while i < b.len() {
            match b[i] {
                b'>' => return (i + 1, false),
                b'/' if b.get(i + 1) == Some(&b'>') => return (i + 2, true),
                c if c.is_ascii_whitespace() || c == b'/' => i += 1,
                _ => {
                    let start = i;
                    while i < b.len() && !b"=>/ \t\r\n".contains(&b[i]) {
                        i += 1;
                    }
                    let key = start..i;
                    while i < b.len() && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    if b.get(i) != Some(&b'=') {
                        continue;
                    }
                    self.lx.push(Tok::Ident, key.clone(), key, g, true);
                    self.lx.push(Tok::Punct, i..i + 1, i..i + 1, g, false);
                    i += 1;
                    while i < b.len() && b[i].is_ascii_whitespace() {
                        i += 1;
                    }
                    let Some(&q) = b.get(i).filter(|q| matches!(q, b'"' | b'\'')) else {
                        self.fail(i, "an attribute value without quotes".into());
                        continue;
                    };
                    let close = text[i + 1..].find(q as char).map_or(b.len(), |e| i + 1 + e);
                    self.lx.push(
                        Tok::Str,
                        i..(close + 1).min(b.len()),
                        i + 1..close,
                        g,
                        false,
                    );
                    i = close + 1;
                }
            }
        }
        self.fail(text.len(), "a tag that never ends".into());
        (text.len(), false)
    }

    /// Character data in `r`: a value (plist `<key>` text is a key).
    fn content(&mut self, r: Range<usize>) {
        let s = &self.text[r.clone()];
        let lead = s.len() - s.trim_start().len();
        let inner = r.start + lead..r.start + s.trim_end().len();
        if inner.is_empty() {
            return;
        }
        let g = self.group();
        let Some(top) = self.stack.last_mut() else {
            return;
        };
        let is_key = self.plist && &self.text[top.name.clone()] == "key";
        if let Some(n) = top.name_token.take() {
            // An element holding text only is a key of that text.
            if n + 1 == self.lx.tokens.len() {
                self.lx.tokens[n].key = true;
            }
        }
        if is_key {
            self.last_key = Some(inner.clone());
        }
        self.lx.push(Tok::Str, inner.clone(), inner, g, is_key);
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    const PLIST: &str = r#"<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE plist PUBLIC "-//Apple//DTD PLIST 1.0//EN" "http://www.apple.com/DTDs/PropertyList-1.0.dtd">
<plist version="1.0">
<dict>
	<key>OpenRouterAPIKey</key>
	<string>$(OPENROUTER_API_KEY)</string>
	<!-- openrouter.ai below -->
	<key>NSExceptionDomains</key>
	<dict>
		<key>openrouter.ai</key>
		<dict><key>NSIncludesSubdomains</key><true/></dict>
	</dict>
</dict>
</plist>
"#;

    #[test]
    fn plist_keys_values_and_groups() {
        let lx = tokens(PLIST);
        assert_eq!(
            lx.key_names(PLIST),
            [
                "version",
                "OpenRouterAPIKey",
                "NSExceptionDomains",
                "openrouter.ai",
                "NSIncludesSubdomains"
            ]
        );
        assert!(lx.string_values(PLIST).contains(&"$(OPENROUTER_API_KEY)"));
        let key = lx
            .tokens
            .iter()
            .position(|t| &PLIST[t.inner.clone()] == "OpenRouterAPIKey")
            .unwrap();
        let v = lx.value_token(PLIST, key).unwrap();
        assert_eq!(&PLIST[v.inner.clone()], "$(OPENROUTER_API_KEY)");
        let host = lx
            .tokens
            .iter()
            .find(|t| &PLIST[t.inner.clone()] == "openrouter.ai")
            .unwrap();
        assert_eq!(lx.label(PLIST, host.group), Some("NSExceptionDomains"));
        assert!(lx.tokens.iter().any(|t| t.tok == Tok::Comment));
        assert_eq!(check("Info.plist", PLIST), Ok(()));
    }

    #[test]
    fn elements_with_text_are_keys_and_containers_are_groups() {
        let x = r#"<configuration><OpenRouter><ApiKey>sk</ApiKey><Model a="b">m</Model></OpenRouter>
<PackageReference Include="OpenRouter.NET" Version="1.2.0" /><![CDATA[openrouter.ai]]></configuration>"#;
        let lx = tokens(x);
        let api = lx
            .tokens
            .iter()
            .position(|t| &x[t.inner.clone()] == "ApiKey")
            .unwrap();
        assert!(lx.tokens[api].key);
        assert_eq!(lx.label(x, lx.tokens[api].group), Some("OpenRouter"));
        assert_eq!(&x[lx.value_token(x, api).unwrap().inner.clone()], "sk");
        // An element with attributes before its text is not a key.
        assert!(!lx.key_names(x).contains(&"Model"));
        let inc = lx
            .tokens
            .iter()
            .position(|t| &x[t.inner.clone()] == "Include")
            .unwrap();
        assert_eq!(
            &x[lx.value_token(x, inc).unwrap().inner.clone()],
            "OpenRouter.NET"
        );
        assert!(lx.string_values(x).contains(&"openrouter.ai"));
        assert_eq!(check("a.xml", x), Ok(()));
    }

    #[test]
    fn malformed_documents_fail_the_check() {
        for bad in ["<a><b></a>", "<a>", "</a>", "<a x=1></a>", "<!-- x", "<a"] {
            assert!(check("a.xml", bad).is_err(), "{bad}");
        }
    }
}
