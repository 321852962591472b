//! Lexers for configuration files (YAML, TOML, .env/INI, Dockerfile) and
//! for Markdown, producing the same tokens and groups as the code lexers:
//! keys are marked, and each mapping is a group labelled by its key, so
//! detectors can ask "is this `provider` a sibling of `model`?".

use std::ops::Range;

use super::lex::{lex_into, Group, Lexed, Syntax, Tok};

fn new_group(
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
fn lines(text: &str) -> impl Iterator<Item = (usize, usize)> + '_ {
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
fn balanced_end(text: &str, start: usize) -> usize {
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
fn value(
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

/// Find `key:` at `s`: returns (key span, key inner, offset after the colon).
fn yaml_key(text: &str, s: usize, end: usize) -> Option<(Range<usize>, Range<usize>, usize)> {
    let b = text.as_bytes();
    if s >= end {
        return None;
    }
    if b[s] == b'"' || b[s] == b'\'' {
        let q = b[s];
        let close = text[s + 1..end].find(q as char)? + s + 1;
        let mut j = close + 1;
        while j < end && b[j] == b' ' {
            j += 1;
        }
        if j < end && b[j] == b':' && (j + 1 == end || b[j + 1] == b' ' || b[j + 1] == b'\t') {
            return Some((s..close + 1, s + 1..close, j + 1));
        }
        return None;
    }
    if matches!(
        b[s],
        b'#' | b'{' | b'[' | b'&' | b'*' | b'!' | b'|' | b'>' | b'%' | b'@' | b'`'
    ) {
        return None;
    }
    let mut j = s;
    while j < end {
        if b[j] == b':' && (j + 1 == end || b[j + 1] == b' ' || b[j + 1] == b'\t') {
            let mut ke = j;
            while ke > s && b[ke - 1] == b' ' {
                ke -= 1;
            }
            return Some((s..ke, s..ke, j + 1));
        }
        if b[j] == b' ' && j + 1 < end && b[j + 1] == b'#' {
            return None;
        }
        j += 1;
    }
    None
}

pub fn yaml(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    let b = text.as_bytes();
    // (indent of the key or dash that opened it, group)
    let mut stack: Vec<(usize, usize)> = Vec::new();
    // Block scalar: lines indented more than this belong to it. Scripts
    // (`run: |` in workflows, `script:` in CI files) are read as shell.
    let mut block: Option<(usize, usize)> = None;
    let mut shell_block: Option<usize> = None;
    let mut skip_until = 0;
    let flow = Syntax::json();
    for (ls, le) in lines(text) {
        if ls < skip_until {
            continue;
        }
        let line = &text[ls..le];
        let content = line.trim_start_matches([' ', '\t']);
        let indent = line.len() - content.len();
        if let Some((bi, g)) = block {
            if content.is_empty() || indent > bi {
                if !content.is_empty() && shell_block.is_none() {
                    lx.push(Tok::Word, ls + indent..le, ls + indent..le, g, false);
                }
                continue;
            }
            if let Some(start) = shell_block.take() {
                lex_into(&mut lx, text, start..ls, Syntax::shell(), g);
            }
            lx.groups[g].span.end = ls;
            block = None;
        }
        if content.is_empty() || content.starts_with("---") || content.starts_with("...") {
            continue;
        }
        if content.starts_with('#') {
            lx.push(Tok::Comment, ls + indent..le, ls + indent..le, 0, false);
            continue;
        }
        while stack.last().is_some_and(|&(i, _)| i >= indent) {
            if let Some((_, g)) = stack.pop() {
                lx.groups[g].span.end = ls;
            }
        }
        let mut group = stack.last().map(|&(_, g)| g).unwrap_or(0);
        let mut s = ls + indent;
        let mut item_indent = indent;
        // Sequence dashes: each `- ` opens an item.
        while s < le && b[s] == b'-' && (s + 1 == le || b[s + 1] == b' ') {
            let g = new_group(&mut lx, group, None, s, text.len());
            stack.push((item_indent, g));
            group = g;
            s += 1;
            while s < le && b[s] == b' ' {
                s += 1;
            }
            item_indent = s - ls;
        }
        if let Some((kspan, kinner, after)) = yaml_key(text, s, le) {
            lx.push(Tok::Str, kspan.clone(), kinner, group, true);
            let rest = text[after..le].trim_start_matches([' ', '\t']);
            let vstart = le - rest.len();
            let rest_clean = rest.split(" #").next().unwrap_or("").trim();
            let rest_clean = rest_clean.trim_start_matches(['&', '!']).trim();
            if rest.is_empty()
                || rest.starts_with('#')
                || (rest.starts_with('&') && !rest_clean.contains(' '))
            {
                let g = new_group(&mut lx, group, Some(kspan), ls, text.len());
                stack.push((item_indent, g));
                if rest.starts_with('#') {
                    lx.push(Tok::Comment, vstart..le, vstart..le, g, false);
                }
            } else if rest.starts_with('|') || rest.starts_with('>') {
                let is_script = is_script_key(&text[kspan.clone()]);
                let g = new_group(&mut lx, group, Some(kspan), ls, text.len());
                block = Some((item_indent, g));
                if is_script {
                    shell_block = Some((le + 1).min(text.len()));
                }
            } else if is_script_key(&text[kspan.clone()])
                && !rest.starts_with(['[', '{', '"', '\''])
            {
                lex_into(&mut lx, text, vstart..le, Syntax::shell(), group);
            } else {
                let end = value(&mut lx, text, vstart, le, group, true, flow);
                if end > le {
                    skip_until = end;
                }
            }
        } else {
            let end = value(&mut lx, text, s, le, group, true, flow);
            if end > le {
                skip_until = end;
            }
        }
    }
    if let (Some(start), Some((_, g))) = (shell_block, block) {
        lex_into(&mut lx, text, start..text.len(), Syntax::shell(), g);
    }
    lx
}

/// Keys whose values are shell scripts in CI and compose files.
fn is_script_key(key: &str) -> bool {
    matches!(
        key.trim_matches(['"', '\'']),
        "run"
            | "script"
            | "before_script"
            | "after_script"
            | "command"
            | "entrypoint"
            | "cmd"
            | "shell"
    )
}

pub fn toml(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    let b = text.as_bytes();
    let mut group = 0;
    let mut skip_until = 0;
    let syntax = Syntax {
        hash_comments: true,
        single_quote_strings: true,
        triple_quotes: true,
        equals_keys: true,
        ..Syntax::default()
    };
    for (ls, le) in lines(text) {
        if ls < skip_until {
            continue;
        }
        let line = &text[ls..le];
        let content = line.trim_start();
        let s = ls + (line.len() - content.len());
        if content.is_empty() {
            continue;
        }
        if content.starts_with('#') {
            lx.push(Tok::Comment, s..le, s..le, group, false);
            continue;
        }
        if content.starts_with('[') {
            let close = content.find(']').map(|i| s + i).unwrap_or(le);
            let name = s + content.chars().take_while(|&c| c == '[').count();
            group = new_group(&mut lx, 0, Some(name..close), ls, text.len());
            lx.push(Tok::Str, name..close, name..close, 0, false);
            continue;
        }
        // key = value, key may be quoted or dotted.
        let Some(eq) = find_unquoted(text, s, le, b'=') else {
            let end = value(&mut lx, text, s, le, group, false, syntax);
            skip_until = skip_until.max(end);
            continue;
        };
        let mut ke = eq;
        while ke > s && b[ke - 1] == b' ' {
            ke -= 1;
        }
        // Strip quotes only when the key both opens and closes with one:
        // `''é = 1` (fuzzing) would otherwise cut the key inside a char.
        let inner = if matches!(b[s], b'"' | b'\'') && ke > s + 1 && b[ke - 1] == b[s] {
            s + 1..ke - 1
        } else {
            s..ke
        };
        lx.push(Tok::Str, s..ke, inner, group, true);
        let vs = eq + 1;
        let rest = text[vs..le].trim_start();
        let vstart = le - rest.len();
        if rest.starts_with("\"\"\"") || rest.starts_with("'''") {
            let q = &rest[..3];
            let close = text[vstart + 3..]
                .find(q)
                .map(|i| vstart + 3 + i)
                .unwrap_or(text.len());
            lx.push(
                Tok::Str,
                vstart..(close + 3).min(text.len()),
                vstart + 3..close,
                group,
                false,
            );
            skip_until = close + 3;
            continue;
        }
        let end = value(&mut lx, text, vstart, le, group, false, syntax);
        if end > le {
            skip_until = end;
        }
    }
    super::lex::mark_keys(&mut lx, text, syntax);
    lx
}

fn find_unquoted(text: &str, s: usize, e: usize, ch: u8) -> Option<usize> {
    let b = text.as_bytes();
    let mut q = 0u8;
    for (i, &c) in b.iter().enumerate().take(e).skip(s) {
        if q != 0 {
            if c == q {
                q = 0;
            }
            continue;
        }
        match c {
            b'"' | b'\'' => q = c,
            b'#' | b'{' | b'[' => return None,
            _ if c == ch => return Some(i),
            _ => {}
        }
    }
    None
}

/// `.env` files and INI: `[section]`, `export KEY=VALUE`, `key = value`,
/// `key: value`, `#` and `;` comments.
pub fn env_ini(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    let b = text.as_bytes();
    let mut group = 0;
    for (ls, le) in lines(text) {
        let line = &text[ls..le];
        let content = line.trim_start();
        let mut s = ls + (line.len() - content.len());
        if content.is_empty() {
            continue;
        }
        if content.starts_with('#') || content.starts_with(';') {
            lx.push(Tok::Comment, s..le, s..le, group, false);
            continue;
        }
        if content.starts_with('[') {
            let close = content.find(']').map(|i| s + i).unwrap_or(le);
            group = new_group(&mut lx, 0, Some(s + 1..close), ls, text.len());
            continue;
        }
        if let Some(rest) = content.strip_prefix("export ") {
            s = le - rest.trim_start().len();
        }
        let sep = (s..le).find(|&i| b[i] == b'=' || b[i] == b':');
        let Some(sep) = sep else {
            lx.push(Tok::Word, s..le, s..le, group, false);
            continue;
        };
        let mut ke = sep;
        while ke > s && b[ke - 1] == b' ' {
            ke -= 1;
        }
        lx.push(Tok::Str, s..ke, s..ke, group, true);
        value(&mut lx, text, sep + 1, le, group, true, Syntax::json());
    }
    lx
}

/// Dockerfile: `FROM` lines are images (never findings), `ENV`/`ARG`/`LABEL`
/// are key=value pairs, everything else is shell.
pub fn dockerfile(text: &str) -> Lexed {
    let mut lx = Lexed::with_len(text.len());
    let b = text.as_bytes();
    let mut pos = 0;
    while pos < text.len() {
        // An instruction runs to a newline not preceded by a backslash.
        let mut end = pos;
        loop {
            let e = text[end..]
                .find('\n')
                .map(|i| end + i)
                .unwrap_or(text.len());
            let trimmed = text[pos..e].trim_end();
            if trimmed.ends_with('\\') && e < text.len() {
                end = e + 1;
                continue;
            }
            end = e;
            break;
        }
        let instr = &text[pos..end];
        let content = instr.trim_start();
        let s = pos + (instr.len() - content.len());
        let word: String = content
            .chars()
            .take_while(|c| c.is_ascii_alphabetic())
            .collect();
        let after = s + word.len();
        match word.to_ascii_uppercase().as_str() {
            "" if content.starts_with('#') => lx.push(Tok::Comment, s..end, s..end, 0, false),
            "FROM" | "" => {}
            "ENV" | "ARG" | "LABEL" => {
                // Pairs `K=V K2="v 2"` or the legacy `K V`.
                let mut i = after;
                while i < end {
                    while i < end && (b[i].is_ascii_whitespace() || b[i] == b'\\') {
                        i += 1;
                    }
                    let ks = i;
                    while i < end && !b[i].is_ascii_whitespace() && b[i] != b'=' {
                        i += 1;
                    }
                    if ks == i {
                        break;
                    }
                    lx.push(Tok::Str, ks..i, ks..i, 0, true);
                    if i < end && b[i] == b'=' {
                        i += 1;
                        let vs = i;
                        if i < end && (b[i] == b'"' || b[i] == b'\'') {
                            let q = b[i];
                            i += 1;
                            while i < end && b[i] != q {
                                i += if b[i] == b'\\' { 2 } else { 1 };
                            }
                            let close = i.min(end);
                            lx.push(Tok::Str, vs..(close + 1).min(end), vs + 1..close, 0, false);
                            i = close + 1;
                        } else {
                            while i < end && !b[i].is_ascii_whitespace() {
                                i += 1;
                            }
                            if i > vs {
                                lx.push(Tok::Word, vs..i, vs..i, 0, false);
                            }
                        }
                    } else {
                        // Legacy form: the rest of the line is the value.
                        let rest = text[i..end].trim();
                        if !rest.is_empty() {
                            let vs = end - text[i..end].trim_start().len();
                            lx.push(
                                Tok::Word,
                                vs..vs + rest.len(),
                                vs..vs + rest.len(),
                                0,
                                false,
                            );
                        }
                        break;
                    }
                }
            }
            _ => lex_into(&mut lx, text, after..end, Syntax::shell(), 0),
        }
        pos = end + 1;
    }
    lx
}

/// A fenced code block in Markdown.
#[derive(Debug, Clone)]
pub struct Fence {
    pub lang: String,
    pub body: Range<usize>,
}

/// Split Markdown into fenced code blocks; everything else is prose.
pub fn markdown_fences(text: &str) -> Vec<Fence> {
    let mut out = Vec::new();
    let mut open: Option<(String, String, usize)> = None; // (marker, lang, body start)
    for (ls, le) in lines(text) {
        let line = &text[ls..le];
        let t = line.trim_start();
        if line.len() - t.len() > 3 {
            continue;
        }
        let marker: String = t.chars().take_while(|&c| c == '`' || c == '~').collect();
        match &open {
            None if marker.len() >= 3
                && marker.chars().all(|c| c == marker.chars().next().unwrap()) =>
            {
                let lang = t[marker.len()..]
                    .trim()
                    .split(|c: char| c.is_whitespace() || c == '{' || c == ',')
                    .next()
                    .unwrap_or("")
                    .to_ascii_lowercase();
                let body = (le + 1).min(text.len());
                open = Some((marker, lang, body));
            }
            Some((m, _, _))
                if t.starts_with(m.as_str())
                    && t.trim_end().chars().all(|c| c == m.chars().next().unwrap()) =>
            {
                let (_, lang, body) = open.take().unwrap();
                out.push(Fence {
                    lang,
                    body: body..ls,
                });
            }
            _ => {}
        }
    }
    if let Some((_, lang, body)) = open {
        out.push(Fence {
            lang,
            body: body..text.len(),
        });
    }
    out
}

#[cfg(test)]
mod tests {
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
