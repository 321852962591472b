//! What the line-based config lexers (YAML, TOML, .env/INI, Dockerfile)
//! share: mapping groups, line iteration, flow values and scalars. They
//! produce the same tokens and groups as the code lexer: keys are marked,
//! and each mapping is a group labelled by its key, so detectors can ask
//! "is this `provider` a sibling of `model`?".

use std::ops::Range;

use super::lexer::{lex_into, Group, Lexed, Syntax, Tok};

pub(super) fn new_group(
    lx: &mut Lexed,
    parent: usize,
    label: Option<Range<usize>>,
    start: usize,
    len: usize,
) -> usize {
    lx.groups.push(Group {
        kind: b'm',
        parent,
        label,
        span: start..len,
    });
    lx.groups.len() - 1
}

/// Lines of `text` as (start, end-without-newline).
pub(super) fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
    let mut pos = 0;
    std::iter::from_fn(move || {
        if pos >= text.len() {
            return None;
        }
        let start = pos;
        let end = text[pos..]
            .find('\n')
            .map(|i| pos + i)
            .unwrap_or(text.len());
        pos = end + 1;
        let e = if end > start && text.as_bytes()[end - 1] == b'\r' {
            end - 1
        } else {
            end
        };
        Some((start, e))
    })
}

/// End (exclusive) of a balanced flow value starting at `start` (`{` or `[`),
/// honouring quotes; the end of text if unbalanced.
pub(super) fn balanced_end(text: &str, start: usize) -> usize {
    let b = text.as_bytes();
    let mut depth = 0i32;
    let mut i = start;
    let mut quote = 0u8;
    while i < b.len() {
        let c = b[i];
        if quote != 0 {
            if c == b'\\' && quote == b'"' {
                i += 2;
                continue;
            }
            if c == quote {
                quote = 0;
            }
        } else {
            match c {
                b'"' | b'\'' => quote = c,
                b'{' | b'[' => depth += 1,
                b'}' | b']' => {
                    depth -= 1;
                    if depth == 0 {
                        return i + 1;
                    }
                }
                b'#' if i > 0 && b[i - 1].is_ascii_whitespace() => {
                    // A comment inside a multi-line flow value: skip the line.
                    while i < b.len() && b[i] != b'\n' {
                        i += 1;
                    }
                    continue;
                }
                _ => {}
            }
        }
        i += 1;
    }
    b.len()
}

/// A scalar value after `key:` or `key=`: quoted string, flow collection, or
/// plain word (up to an inline comment). Returns where parsing resumed.
pub(super) fn value(
    lx: &mut Lexed,
    text: &str,
    start: usize,
    end: usize,
    group: usize,
    hash_comment_needs_space: bool,
    syntax: Syntax,
) -> usize {
    let b = text.as_bytes();
    let mut s = start;
    while s < end && (b[s] == b' ' || b[s] == b'\t') {
        s += 1;
    }
    if s >= end {
        return end;
    }
    match b[s] {
        b'{' | b'[' => {
            let e = balanced_end(text, s);
            lex_into(lx, text, s..e, syntax, group);
            e.max(end)
        }
        b'"' | b'\'' => {
            let q = b[s];
            let mut j = s + 1;
            while j < end {
                if b[j] == b'\\' && q == b'"' {
                    j += 2;
                    continue;
                }
                if b[j] == q {
                    // YAML escapes a single quote by doubling it.
                    if q == b'\'' && j + 1 < end && b[j + 1] == b'\'' {
                        j += 2;
                        continue;
                    }
                    break;
                }
                j += 1;
            }
            let close = j.min(end);
            lx.push(
                Tok::Str,
                s..(close + 1).min(end),
                s + 1..close,
                group,
                false,
            );
            if let Some(c) = text[close.min(end)..end].find('#') {
                let c = close + c;
                lx.push(Tok::Comment, c..end, c..end, group, false);
            }
            end
        }
        _ => {
            let mut e = end;
            let mut i = s;
            while i < end {
                if b[i] == b'#'
                    && (!hash_comment_needs_space
                        || i == s
                        || b[i - 1] == b' '
                        || b[i - 1] == b'\t')
                {
                    e = i;
                    lx.push(Tok::Comment, i..end, i..end, group, false);
                    break;
                }
                i += 1;
            }
            let mut we = e;
            while we > s && (b[we - 1] == b' ' || b[we - 1] == b'\t') {
                we -= 1;
            }
            if we > s {
                // Put the comment token after the value token.
                let comment = if e < end { lx.tokens.pop() } else { None };
                lx.push(Tok::Word, s..we, s..we, group, false);
                if let Some(c) = comment {
                    lx.tokens.push(c);
                }
            }
            end
        }
    }
}

#[cfg(test)]
mod tests {
    use super::super::dockerfile::dockerfile;
    use super::super::env::env_ini;
    use super::super::markdown::fences as markdown_fences;
    use super::super::toml::toml;
    use super::super::yaml::yaml;
    use super::*;

    fn keys(text: &str, lx: &Lexed) -> Vec<(String, Option<String>)> {
        lx.tokens
            .iter()
            .filter(|t| t.key)
            .map(|t| {
                (
                    text[t.inner.clone()].to_owned(),
                    lx.label(text, t.group).map(str::to_owned),
                )
            })
            .collect()
    }

    #[test]
    fn yaml_groups_follow_indentation_and_sequences() {
        let text = "request:\n  model: a/b  # c\n  provider:\n    order: [x, \"y\"]\nsteps:\n  - uses: actions/checkout@v4\n  - env:\n      K: ${{ secrets.OPENROUTER_API_KEY }}\nblock: |\n  openrouter.ai\nafter: 1\n";
        let lx = yaml(text);
        let k = keys(text, &lx);
        assert!(k.contains(&("model".into(), Some("request".into()))));
        assert!(k.contains(&("provider".into(), Some("request".into()))));
        assert!(k.contains(&("order".into(), Some("provider".into()))));
        assert!(k.contains(&("K".into(), Some("env".into()))));
        assert!(k.contains(&("after".into(), None)));
        let words: Vec<&str> = lx
            .tokens
            .iter()
            .filter(|t| matches!(t.tok, Tok::Word | Tok::Str) && !t.key)
            .map(|t| &text[t.inner.clone()])
            .collect();
        assert!(words.contains(&"a/b"));
        assert!(words.contains(&"y"));
        assert!(words.contains(&"openrouter.ai"));
        assert!(words.contains(&"${{ secrets.OPENROUTER_API_KEY }}"));
    }

    #[test]
    fn toml_tables_and_inline() {
        let text = "[tool.poetry.dependencies]\nopenrouter = \"^0.1\"\n[llm]\nbody = { model = \"a/b\", provider = { order = [\"x\"] } }\nurl = '''\nhttps://openrouter.ai/api/v1'''\n";
        let lx = toml(text);
        let k = keys(text, &lx);
        assert!(k.contains(&("openrouter".into(), Some("tool.poetry.dependencies".into()))));
        assert!(k.contains(&("provider".into(), Some("body".into()))));
        assert!(lx
            .tokens
            .iter()
            .any(|t| t.tok == Tok::Str && text[t.inner.clone()].contains("openrouter.ai/api/v1")));
    }

    #[test]
    fn env_and_ini() {
        let text = "# c\nexport OPENROUTER_API_KEY=\"sk\"\nOPENROUTER_BASE_URL=https://openrouter.ai/api/v1 # x\n[llm]\nopenrouter_api_key = abc\n";
        let lx = env_ini(text);
        let k = keys(text, &lx);
        assert_eq!(k[0].0, "OPENROUTER_API_KEY");
        assert_eq!(k[2], ("openrouter_api_key".into(), Some("llm".into())));
        assert!(lx.tokens.iter().any(
            |t| t.tok == Tok::Word && &text[t.inner.clone()] == "https://openrouter.ai/api/v1"
        ));
    }

    #[test]
    fn dockerfile_from_is_not_lexed() {
        let text = "FROM google/cloud-sdk:slim\nENV OPENROUTER_BASE_URL=https://openrouter.ai/api/v1 A=\"b c\"\nRUN curl -H \"X-Title: t\" \\\n  https://x\n";
        let lx = dockerfile(text);
        assert!(!lx
            .tokens
            .iter()
            .any(|t| text[t.inner.clone()].contains("google/cloud-sdk")));
        assert!(lx
            .tokens
            .iter()
            .any(|t| t.key && &text[t.inner.clone()] == "OPENROUTER_BASE_URL"));
        assert!(lx
            .tokens
            .iter()
            .any(|t| t.tok == Tok::Str && &text[t.inner.clone()] == "X-Title: t"));
    }

    #[test]
    fn markdown_fences_found() {
        let text = "prose https://openrouter.ai/docs\n```python\nx = 1\n```\n~~~\ny\n~~~\n";
        let f = markdown_fences(text);
        assert_eq!(f.len(), 2);
        assert_eq!(f[0].lang, "python");
        assert_eq!(&text[f[0].body.clone()], "x = 1\n");
    }

    #[test]
    fn never_panics_on_odd_input() {
        for t in [
            "a: [\n",
            "\"x",
            "[",
            "k = '''",
            "- - - a: b",
            "ENV \\\n",
            "```",
            "k: '",
            "a:\tb",
            "\u{e9}: \u{e9}",
        ] {
            let _ = yaml(t);
            let _ = toml(t);
            let _ = env_ini(t);
            let _ = dockerfile(t);
            let _ = markdown_fences(t);
        }
    }
}
