//! The code lexer: just enough of each language to tell string literals,
//! comments, identifiers and brackets apart, and to know which object or
//! call each token sits in. Each language module gives its dialect
//! ([`Syntax`]); the line-based config formats have lexers of their own that
//! produce the same tokens. Detection runs on these tokens, never on raw text,
//! so a URL in a comment and a URL in a string are different things.

use std::ops::Range;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Tok {
    /// A quoted string literal; `inner` is its contents.
    Str,
    Comment,
    Ident,
    Punct,
    /// An unquoted value: a shell word, a YAML plain scalar, an .env value.
    Word,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Token {
    pub tok: Tok,
    pub span: Range<usize>,
    /// Contents without delimiters (equals `span` for non-strings).
    pub inner: Range<usize>,
    /// Innermost enclosing group (0 = top level).
    pub group: usize,
    /// A mapping key: followed by `:` or `=` inside an object, call or mapping.
    pub key: bool,
}

/// A bracketed region or a YAML/TOML mapping.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Group {
    /// `{`, `(`, `[`, or `m` for an indentation/table mapping.
    pub kind: u8,
    pub parent: usize,
    /// Text span of the key or callee that introduced the group, if any.
    pub label: Option<Range<usize>>,
    /// Span from opener to closer (to the end of text if unclosed).
    pub span: Range<usize>,
}

#[derive(Debug, Clone, Default)]
pub struct Lexed {
    pub tokens: Vec<Token>,
    pub groups: Vec<Group>,
}

impl Lexed {
    pub fn push(
        &mut self,
        tok: Tok,
        span: Range<usize>,
        inner: Range<usize>,
        group: usize,
        key: bool,
    ) {
        self.tokens.push(Token {
            tok,
            span,
            inner,
            group,
            key,
        });
    }

    pub fn with_len(len: usize) -> Lexed {
        Lexed::new(len)
    }

    fn new(len: usize) -> Lexed {
        Lexed {
            tokens: Vec::new(),
            groups: vec![Group {
                kind: b'r',
                parent: 0,
                label: None,
                span: 0..len,
            }],
        }
    }

    pub fn text<'a>(&self, text: &'a str, t: &Token) -> &'a str {
        &text[t.inner.clone()]
    }

    pub fn label<'a>(&self, text: &'a str, g: usize) -> Option<&'a str> {
        self.groups
            .get(g)
            .and_then(|g| g.label.clone())
            .map(|r| text[r].trim_matches(|c| c == '"' || c == '\''))
    }

    /// Labels of the group and its ancestors, innermost first.
    pub fn ancestors(&self, mut g: usize) -> impl Iterator<Item = usize> + '_ {
        let mut done = false;
        std::iter::from_fn(move || {
            if done {
                return None;
            }
            let cur = g;
            if g == 0 {
                done = true;
            }
            g = self.groups[g].parent;
            Some(cur)
        })
    }

    /// Whether token `j` is the punctuation `p`.
    pub fn is_punct(&self, text: &str, j: usize, p: &str) -> bool {
        let t = &self.tokens[j];
        t.tok == Tok::Punct && text[t.span.clone()] == *p
    }

    /// Index of the next token after `i` that is not a comment.
    pub fn next_sig(&self, i: usize) -> Option<usize> {
        (i + 1..self.tokens.len()).find(|&j| self.tokens[j].tok != Tok::Comment)
    }

    pub fn prev_sig(&self, i: usize) -> Option<usize> {
        (0..i).rev().find(|&j| self.tokens[j].tok != Tok::Comment)
    }

    /// Keys directly inside group `g`.
    pub fn keys_in<'a>(&'a self, text: &'a str, g: usize) -> impl Iterator<Item = &'a str> + 'a {
        self.tokens
            .iter()
            .filter(move |t| t.key && t.group == g)
            .map(move |t| text[t.inner.clone()].trim_matches(|c: char| c == '"' || c == '\''))
    }

    /// The index of the first token of key `i`'s value: past its separator
    /// (`:`, `=`, `=>`, or a pair's `,` in `Map.of("k", v)`), the `>` of an
    /// `=>` lexed in two, and the sigil of a module attribute or instance
    /// variable (`@fallbacks`).
    pub fn value_index(&self, text: &str, i: usize) -> Option<usize> {
        let mut j = self.next_sig(i)?;
        if self.tokens[j].tok == Tok::Punct {
            j = self.next_sig(j)?;
        }
        for skip in [">", "@"] {
            let t = &self.tokens[j];
            if t.tok == Tok::Punct && &text[t.span.clone()] == skip {
                j = self.next_sig(j)?;
            }
        }
        Some(j)
    }

    /// The string or word token that is key `i`'s value, in the key's group.
    pub fn value_token(&self, text: &str, i: usize) -> Option<&Token> {
        let (t, v) = (&self.tokens[i], &self.tokens[self.value_index(text, i)?]);
        (matches!(v.tok, Tok::Str | Tok::Word) && !v.key && v.group == t.group).then_some(v)
    }

    /// The inner text of every string token (tests read lexers with it).
    #[cfg(test)]
    pub fn string_values<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.tokens
            .iter()
            .filter(|t| t.tok == Tok::Str)
            .map(|t| &text[t.inner.clone()])
            .collect()
    }

    /// The inner text of every key token (tests read lexers with it).
    #[cfg(test)]
    pub fn key_names<'t>(&self, text: &'t str) -> Vec<&'t str> {
        self.tokens
            .iter()
            .filter(|t| t.key)
            .map(|t| &text[t.inner.clone()])
            .collect()
    }

    /// The group a key's value opens, if its value is an object/list.
    pub fn value_group(&self, key_index: usize) -> Option<usize> {
        let t = &self.tokens[key_index];
        self.groups
            .iter()
            .enumerate()
            .skip(1)
            .find(|(_, g)| g.parent == t.group && g.label.as_ref() == Some(&t.span))
            .map(|(i, _)| i)
    }
}

/// Which constructs a C-family-like language has.
#[derive(Debug, Clone, Copy, Default)]
pub struct Syntax {
    pub hash_comments: bool,
    pub slash_comments: bool,
    pub block_comments: bool,
    pub nested_block_comments: bool,
    pub single_quote_strings: bool,
    /// Backtick strings (JS templates with `${}`; Go raw strings).
    pub backtick_strings: bool,
    pub template_interpolation: bool,
    pub triple_quotes: bool,
    pub rust_raw_strings: bool,
    /// `'a` lifetimes: a `'` not closing within a char is not a string.
    pub rust_lifetimes: bool,
    /// Shell: `#` starts a comment only at a word start; bare words are values.
    pub shell: bool,
    /// PowerShell: `<# #>` comments, here-strings, backtick escapes.
    pub powershell: bool,
    /// `=` after a name in a group marks a key (Python kwargs, PowerShell
    /// hashtables, TOML inline tables).
    pub equals_keys: bool,
    /// `name:` marks a key inside a call's parentheses too (Ruby keyword
    /// arguments), not only inside `{...}`.
    pub colon_keys_in_calls: bool,
    /// `"key" => value` marks a key (Ruby hashes, PHP arrays, also inside
    /// `[...]`); `=>` is one token.
    pub arrow_keys: bool,
    /// `--` starts a line comment (Lua, SQL).
    pub dash_comments: bool,
    /// Lua long brackets: `[[ ]]`/`[==[ ]==]` strings, and `--[[ ]]`
    /// comments when `dash_comments` is set.
    pub long_brackets: bool,
    /// PHP heredocs and nowdocs: `<<<ID`, `<<<"ID"`, `<<<'ID'`, closed by
    /// `ID` as the first word of a line.
    pub heredocs: bool,
    /// `name:` marks a key inside `[...]` too (Swift dictionary literals).
    pub colon_keys_in_brackets: bool,
    /// `name:` with the colon attached and a space after is a key at any
    /// depth, even in a call without parentheses (Elixir keyword lists:
    /// `config :app, api_key: ...`).
    pub attached_colon_keys: bool,
    /// A triple-quoted string that starts a statement is a docstring
    /// (Python), read as a comment.
    pub docstrings: bool,
    /// What opens an interpolation inside `"`/`'` strings (`${` in Dart,
    /// `\(` in Swift, `#{` in Elixir; empty: none). The string runs past
    /// quotes nested in it (`"${m['k']}"`).
    pub interpolation: &'static [u8],
    /// Elixir sigils: `~s(...)`, `~S"..."`, `~r/.../i` are strings.
    pub sigils: bool,
    /// Maps built by calls, not literals: the first string of each pair in
    /// `Map.of("k", v, ...)`, `Map.entry("k", v)`, `.put("k", v)`, and
    /// Kotlin's `"k" to v`, is a key (Java, Kotlin).
    pub pair_keys: bool,
    /// A key whose value is constructed (`"provider", Map.of(..)`,
    /// `provider = new { .. }`, `"provider" to mapOf(..)`) labels the
    /// constructed group with the key, as `provider: {..}` does in JS.
    pub constructed_values: bool,
    /// C# strings: `@"..."` verbatim, `$"..{expr}.."` interpolated, and
    /// `"""..."""` raw strings (with `$$` prefixes: `{{expr}}` holes).
    pub csharp_strings: bool,
}

impl Syntax {
    /// No construct at all: the base each language's dialect adds to.
    pub const NONE: Syntax = Syntax {
        hash_comments: false,
        slash_comments: false,
        block_comments: false,
        nested_block_comments: false,
        single_quote_strings: false,
        backtick_strings: false,
        template_interpolation: false,
        triple_quotes: false,
        rust_raw_strings: false,
        rust_lifetimes: false,
        shell: false,
        powershell: false,
        equals_keys: false,
        colon_keys_in_calls: false,
        arrow_keys: false,
        dash_comments: false,
        long_brackets: false,
        heredocs: false,
        colon_keys_in_brackets: false,
        attached_colon_keys: false,
        docstrings: false,
        interpolation: b"",
        sigils: false,
        pair_keys: false,
        constructed_values: false,
        csharp_strings: false,
    };
}

fn is_ident_start(c: u8) -> bool {
    c.is_ascii_alphabetic() || c == b'_' || c == b'$' || c >= 0x80
}

fn is_ident_char(c: u8) -> bool {
    c.is_ascii_alphanumeric() || c == b'_' || c == b'$' || c >= 0x80
}

/// Lex `text[range]` (offsets stay absolute) with a C-family-like syntax.
pub fn lex(text: &str, range: Range<usize>, syn: Syntax) -> Lexed {
    let mut lx = Lexed::new(text.len());
    lex_into(&mut lx, text, range, syn, 0);
    if syn.pair_keys {
        mark_pair_keys(&mut lx, text);
    }
    mark_keys(&mut lx, text, syn);
    if syn.constructed_values {
        label_constructed_values(&mut lx, text);
    }
    if syn.docstrings {
        docstrings_to_comments(&mut lx, text);
    }
    lx
}

/// Python docstrings are documentation, not values: a triple-quoted string
/// that starts a statement (nothing assigns, passes or returns it).
fn docstrings_to_comments(lx: &mut Lexed, text: &str) {
    for i in 0..lx.tokens.len() {
        let t = &lx.tokens[i];
        if t.tok != Tok::Str {
            continue;
        }
        let raw = text[t.span.clone()].trim_start_matches(|c: char| c.is_ascii_alphabetic());
        if !(raw.starts_with("\"\"\"") || raw.starts_with("'''")) {
            continue;
        }
        let starts_statement = match lx.prev_sig(i) {
            None => true,
            Some(p) => {
                let pt = &lx.tokens[p];
                let ptext = &text[pt.span.clone()];
                let newline_between = text[pt.span.end..t.span.start].contains('\n');
                (pt.tok == Tok::Punct && ptext == ":" && newline_between)
                    || (newline_between
                        && !(pt.tok == Tok::Punct && "=([{,+%*-<>|&".contains(ptext))
                        && !matches!(
                            ptext,
                            "return"
                                | "yield"
                                | "await"
                                | "in"
                                | "and"
                                | "or"
                                | "not"
                                | "else"
                                | "lambda"
                                | "print"
                        ))
            }
        };
        if starts_statement && lx.tokens[i].group == 0 {
            lx.tokens[i].tok = Tok::Comment;
        }
    }
}

struct Cursor<'a> {
    b: &'a [u8],
    i: usize,
    end: usize,
}

impl Cursor<'_> {
    fn at(&self, k: usize) -> u8 {
        if self.i + k < self.end {
            self.b[self.i + k]
        } else {
            0
        }
    }
    fn starts(&self, s: &[u8]) -> bool {
        self.i + s.len() <= self.end && &self.b[self.i..self.i + s.len()] == s
    }
}

/// Find the end of a quoted string starting at `i` (the opening quote),
/// honouring backslash escapes; returns the offset after the closing quote.
fn scan_quoted(b: &[u8], i: usize, end: usize, q: &[u8], escapes: u8, multiline: bool) -> usize {
    let mut j = i + q.len();
    while j < end {
        if escapes != 0 && b[j] == escapes {
            j += 2;
            continue;
        }
        if b[j..end].starts_with(q) {
            return j + q.len();
        }
        if !multiline && b[j] == b'\n' {
            return j;
        }
        j += 1;
    }
    end
}

/// Lex `range` into an existing token list, inside group `base_group`
/// (offsets stay absolute: embedded documents keep file positions).
pub fn lex_into(lx: &mut Lexed, text: &str, range: Range<usize>, syn: Syntax, base_group: usize) {
    let b = text.as_bytes();
    let end = range.end.min(b.len());
    let mut i = range.start;
    let mut stack: Vec<usize> = vec![base_group];
    let mut word_start = true;
    while i < end {
        let ch = b[i];
        // No comment or string starts with a space: skip indentation and
        // blanks before trying each of them.
        if ch.is_ascii_whitespace() {
            i += 1;
            word_start = true;
            continue;
        }
        let group = *stack.last().unwrap_or(&0);
        let start = i;
        if let Some(j) = comment_end(b, start, end, syn, word_start) {
            lx.push(Tok::Comment, start..j, start..j, group, false);
            i = j;
            continue;
        }
        if let Some(step) = string(lx, text, start, end, syn, group) {
            i = step.end;
            word_start = step.word_start.unwrap_or(word_start);
            continue;
        }
        if matches!(ch, b'{' | b'(' | b'[') {
            open_group(lx, text, start..end, ch, group, &mut stack);
            i += 1;
            word_start = true;
            continue;
        }
        if matches!(ch, b'}' | b')' | b']') {
            close_group(lx, start, ch, base_group, &mut stack);
            i += 1;
            word_start = false;
            continue;
        }
        if is_ident_start(ch) || (syn.shell && !ch.is_ascii_whitespace() && !b";|&<>".contains(&ch))
        {
            i = word(lx, text, start, end, syn, group);
            word_start = false;
            continue;
        }
        // Multi-byte UTF-8 continuation bytes never start a token.
        let len = if syn.arrow_keys && ch == b'=' && b.get(i + 1) == Some(&b'>') && i + 2 <= end {
            2
        } else {
            utf8_len(ch)
        };
        let r = start..(start + len).min(end);
        lx.push(Tok::Punct, r.clone(), r, group, false);
        i += len;
        word_start = matches!(ch, b';' | b'|' | b'&' | b'(' | b'=');
    }
}

/// Where a comment starting at `start` ends, if one starts there.
fn comment_end(b: &[u8], start: usize, end: usize, syn: Syntax, word_start: bool) -> Option<usize> {
    let c = Cursor { b, i: start, end };
    if syn.powershell && c.starts(b"<#") {
        return Some(find(b, start + 2, end, b"#>").map(|j| j + 2).unwrap_or(end));
    }
    if syn.hash_comments && c.at(0) == b'#' && (!syn.shell || word_start)
        || syn.slash_comments && c.starts(b"//")
    {
        return Some(line_end(b, start, end));
    }
    if syn.block_comments && c.starts(b"/*") {
        return Some(block_comment_end(b, start, end, syn.nested_block_comments));
    }
    if syn.dash_comments && c.starts(b"--") {
        if syn.long_brackets {
            if let Some(close) = long_bracket_end(b, start + 2, end) {
                return Some(close.1);
            }
        }
        return Some(line_end(b, start, end));
    }
    None
}

/// A Lua long bracket `[[`, `[=[`, `[==[` ... opening at `at`: the offset
/// of its body and of the end of its closing bracket (the text's end when
/// unclosed).
fn long_bracket_end(b: &[u8], at: usize, end: usize) -> Option<(usize, usize, usize)> {
    if b.get(at) != Some(&b'[') || at >= end {
        return None;
    }
    let mut level = 0;
    while at + 1 + level < end && b[at + 1 + level] == b'=' {
        level += 1;
    }
    if at + 1 + level >= end || b[at + 1 + level] != b'[' {
        return None;
    }
    let body = at + 2 + level;
    let mut close = vec![b']'];
    close.extend(std::iter::repeat_n(b'=', level));
    close.push(b']');
    Some(match find(b, body, end, &close) {
        Some(j) => (body, j, j + close.len()),
        None => (body, end, end),
    })
}

/// A PHP heredoc or nowdoc opening at `at` (`<<<`): (body start, body end,
/// end of the closing identifier).
fn heredoc_end(text: &str, at: usize, end: usize) -> Option<(usize, usize, usize)> {
    let b = text.as_bytes();
    let mut i = at + 3;
    while i < end && matches!(b[i], b' ' | b'\t') {
        i += 1;
    }
    let quote = (i < end && matches!(b[i], b'"' | b'\'')).then(|| b[i]);
    if quote.is_some() {
        i += 1;
    }
    let id_start = i;
    while i < end && is_ident_char(b[i]) && b[i] != b'$' {
        i += 1;
    }
    if i == id_start {
        return None;
    }
    let id = &text[id_start..i];
    if let Some(q) = quote {
        if b.get(i) != Some(&q) {
            return None;
        }
        i += 1;
    }
    if !matches!(b.get(i), Some(b'\n' | b'\r')) {
        return None;
    }
    let body = line_end(b, i, end).min(end) + 1;
    // The closing identifier is the first word of a line, not followed by
    // an identifier character (PHP 7.3 flexible heredocs may indent it).
    let mut ls = body.min(end);
    while ls < end {
        let le = line_end(b, ls, end);
        let line = &text[ls..le];
        let t = line.trim_start();
        let at_id = ls + (line.len() - t.len());
        if t.starts_with(id)
            && !t
                .as_bytes()
                .get(id.len())
                .is_some_and(|&c| is_ident_char(c))
        {
            return Some((body, ls.saturating_sub(1).max(body), at_id + id.len()));
        }
        ls = le + 1;
    }
    Some((body.min(end), end, end))
}

/// Where lexing resumes after a string (or a Rust lifetime), and whether
/// the next token starts a word (`None`: unchanged).
struct Step {
    end: usize,
    word_start: Option<bool>,
}

impl Step {
    fn after_string(end: usize) -> Option<Step> {
        Some(Step {
            end,
            word_start: Some(false),
        })
    }

    fn keep_word_start(end: usize) -> Option<Step> {
        Some(Step {
            end,
            word_start: None,
        })
    }
}

/// A string literal of any form the syntax has, starting at `start`.
fn string(
    lx: &mut Lexed,
    text: &str,
    start: usize,
    end: usize,
    syn: Syntax,
    group: usize,
) -> Option<Step> {
    let b = text.as_bytes();
    let c = Cursor { b, i: start, end };
    let ch = c.at(0);
    if syn.powershell && (c.starts(b"@\"") || c.starts(b"@'")) && matches!(c.at(2), b'\n' | b'\r') {
        let close: &[u8] = if c.at(1) == b'"' { b"\"@" } else { b"'@" };
        let body = start + 2;
        let j = find_line_start(b, body, end, close).unwrap_or(end);
        let stop = (j + 2).min(end);
        lx.push(Tok::Str, start..stop, body..j, group, false);
        return Step::after_string(stop);
    }
    if syn.rust_raw_strings && (ch == b'r' || (ch == b'b' && c.at(1) == b'r')) {
        let k = usize::from(ch == b'b');
        let mut hashes = 0;
        while c.at(1 + k + hashes) == b'#' {
            hashes += 1;
        }
        if c.at(1 + k + hashes) == b'"' {
            let body = start + 2 + k + hashes;
            let mut close = vec![b'"'];
            close.extend(std::iter::repeat_n(b'#', hashes));
            let j = find(b, body, end, &close).unwrap_or(end);
            let stop = (j + close.len()).min(end);
            lx.push(Tok::Str, start..stop, body..j.min(end), group, false);
            return Step::keep_word_start(stop);
        }
    }
    if syn.long_brackets && ch == b'[' {
        if let Some((body, close, stop)) = long_bracket_end(b, start, end) {
            lx.push(Tok::Str, start..stop, body..close, group, false);
            return Step::after_string(stop);
        }
    }
    if syn.heredocs && c.starts(b"<<<") {
        if let Some((body, close, stop)) = heredoc_end(text, start, end) {
            lx.push(Tok::Str, start..stop, body..close, group, false);
            return Step::after_string(stop);
        }
    }
    if syn.sigils && ch == b'~' && c.at(1).is_ascii_alphabetic() {
        return sigil(lx, text, start, end, syn, group);
    }
    if syn.csharp_strings && matches!(ch, b'@' | b'$' | b'"') {
        if let Some(stop) = csharp_string(lx, text, start..end, syn, group) {
            return Step::after_string(stop);
        }
    }
    if syn.triple_quotes && (c.starts(b"\"\"\"") || c.starts(b"'''")) {
        let q = &b[start..start + 3];
        let j = if syn.interpolation.is_empty() {
            scan_quoted(b, start, end, q, b'\\', true)
        } else {
            scan_interpolated(b, start, end, q, true, syn.interpolation, 0)
        };
        let inner_end = if j >= start + 6 && b[..j].ends_with(q) {
            j - 3
        } else {
            j
        };
        lx.push(Tok::Str, start..j, start + 3..inner_end, group, false);
        return Step::after_string(j);
    }
    let quote = match ch {
        b'"' => true,
        b'\'' => syn.single_quote_strings || syn.rust_lifetimes,
        b'`' => syn.backtick_strings,
        _ => false,
    };
    if !quote {
        return None;
    }
    if syn.rust_lifetimes && ch == b'\'' {
        // A char literal is 'x' or '\..'; otherwise a lifetime.
        let is_char = (c.at(1) == b'\\') || (c.at(1) != 0 && c.at(2) == b'\'');
        if !is_char {
            lx.push(Tok::Punct, start..start + 1, start..start + 1, group, false);
            return Step::keep_word_start(start + 1);
        }
    }
    if ch == b'`' && syn.template_interpolation {
        return Step::after_string(lex_template(lx, text, start..end, syn, group));
    }
    let escapes = if syn.powershell {
        if ch == b'"' {
            b'`'
        } else {
            0
        }
    } else if (ch == b'`' && !syn.template_interpolation) || (syn.shell && ch == b'\'') {
        0
    } else {
        b'\\'
    };
    let multiline = syn.shell || syn.powershell || ch == b'`';
    let j = if syn.interpolation.is_empty() || escapes != b'\\' {
        scan_quoted(b, start, end, &[ch], escapes, multiline)
    } else {
        scan_interpolated(b, start, end, &[ch], multiline, syn.interpolation, 0)
    };
    let inner_end = if j > start + 1 && b[j - 1] == ch {
        j - 1
    } else {
        j
    };
    lx.push(Tok::Str, start..j, start + 1..inner_end, group, false);
    Step::after_string(j)
}

/// Interpolations nest no deeper than this; past it the string simply
/// ends at its next quote (bad input must not exhaust the stack).
const MAX_INTERPOLATION_DEPTH: u8 = 16;

/// Like `scan_quoted` with `\\` escapes, but an interpolation (`opener`
/// to its closing bracket) is skipped whole, strings nested in it too.
fn scan_interpolated(
    b: &[u8],
    i: usize,
    end: usize,
    q: &[u8],
    multiline: bool,
    opener: &[u8],
    depth: u8,
) -> usize {
    let mut j = i + q.len();
    while j < end {
        if depth < MAX_INTERPOLATION_DEPTH && b[j..end].starts_with(opener) {
            j = skip_interpolation(b, j + opener.len(), end, opener, depth + 1);
            continue;
        }
        if b[j] == b'\\' {
            j += 2;
            continue;
        }
        if b[j..end].starts_with(q) {
            return j + q.len();
        }
        if !multiline && b[j] == b'\n' {
            return j;
        }
        j += 1;
    }
    end
}

/// From just inside an interpolation's opening bracket to just past the
/// bracket that closes it.
fn skip_interpolation(b: &[u8], mut j: usize, end: usize, opener: &[u8], depth: u8) -> usize {
    let mut open = 1usize;
    while j < end {
        match b[j] {
            b'(' | b'{' | b'[' => open += 1,
            b')' | b'}' | b']' => {
                open -= 1;
                if open == 0 {
                    return j + 1;
                }
            }
            q @ (b'"' | b'\'') => {
                j = scan_interpolated(b, j, end, &[q], false, opener, depth);
                continue;
            }
            _ => {}
        }
        j += 1;
    }
    end
}

/// An Elixir sigil at `start` (`~s(..)`, `~S"..."`, `~r/../i`, `~s"""` heredocs):
/// one string token, its modifiers included.
fn sigil(
    lx: &mut Lexed,
    text: &str,
    start: usize,
    end: usize,
    syn: Syntax,
    group: usize,
) -> Option<Step> {
    let b = text.as_bytes();
    let mut d = start + 1;
    while d < end && b[d].is_ascii_alphabetic() {
        d += 1;
    }
    let c = Cursor { b, i: d, end };
    let (body, close): (usize, &[u8]) = if c.starts(b"\"\"\"") || c.starts(b"'''") {
        (d + 3, &b[d..d + 3])
    } else {
        let close: &[u8] = match c.at(0) {
            b'(' => b")",
            b'[' => b"]",
            b'{' => b"}",
            b'<' => b">",
            b'/' => b"/",
            b'|' => b"|",
            b'"' => b"\"",
            b'\'' => b"\'",
            _ => return None,
        };
        (d + 1, close)
    };
    let j = if syn.interpolation.is_empty() {
        scan_quoted(b, body - close.len(), end, close, b'\\', true)
    } else {
        scan_interpolated(
            b,
            body - close.len(),
            end,
            close,
            true,
            syn.interpolation,
            0,
        )
    };
    let inner_end = if j >= body + close.len() && b[..j].ends_with(close) {
        j - close.len()
    } else {
        j
    };
    let mut stop = j;
    while stop < end && b[stop].is_ascii_alphabetic() {
        stop += 1;
    }
    lx.push(Tok::Str, start..stop, body..inner_end, group, false);
    Step::after_string(stop)
}

/// `{`, `(` or `[` at `at.start`: a new group (open to `at.end` until
/// closed), labelled by the key or callee before it.
fn open_group(
    lx: &mut Lexed,
    text: &str,
    at: Range<usize>,
    ch: u8,
    group: usize,
    stack: &mut Vec<usize>,
) {
    let label = label_before(lx, text, group);
    let start = at.start;
    lx.groups.push(Group {
        kind: ch,
        parent: group,
        label,
        span: at,
    });
    let gid = lx.groups.len() - 1;
    lx.push(Tok::Punct, start..start + 1, start..start + 1, group, false);
    stack.push(gid);
}

/// A closing bracket: closes the innermost open group of its kind (an
/// unmatched one closes nothing).
fn close_group(lx: &mut Lexed, start: usize, ch: u8, base_group: usize, stack: &mut Vec<usize>) {
    let open = match ch {
        b'}' => b'{',
        b')' => b'(',
        _ => b'[',
    };
    if let Some(pos) = stack
        .iter()
        .rposition(|&g| g != base_group && lx.groups[g].kind == open)
    {
        let g = stack[pos];
        lx.groups[g].span.end = start + 1;
        stack.truncate(pos);
    }
    let group = *stack.last().unwrap_or(&0);
    lx.push(Tok::Punct, start..start + 1, start..start + 1, group, false);
}

/// An identifier, or a shell word; returns where it ends.
fn word(lx: &mut Lexed, text: &str, start: usize, end: usize, syn: Syntax, group: usize) -> usize {
    let b = text.as_bytes();
    let mut j = start + 1;
    if syn.shell {
        // A shell word runs to whitespace or an operator; quotes inside
        // (e.g. --data='..') end it so the string is lexed as a string.
        while j < end && !b[j].is_ascii_whitespace() && !b";|&<>()'\"`".contains(&b[j]) {
            j += 1;
        }
        // `NAME=value`: the name, `=` and the value, so the value is read
        // as the name's, like a key's (`MODEL="google/gemini-flash-1.5"`).
        if let Some(eq) = text[start..j].find('=').map(|e| start + e) {
            if eq > start && text[start..eq].bytes().all(is_ident_char) {
                lx.push(Tok::Ident, start..eq, start..eq, group, false);
                lx.push(Tok::Punct, eq..eq + 1, eq..eq + 1, group, false);
                if eq + 1 < j {
                    let tok = if text[eq + 1..j].bytes().all(is_ident_char) {
                        Tok::Ident
                    } else {
                        Tok::Word
                    };
                    lx.push(tok, eq + 1..j, eq + 1..j, group, false);
                }
                return j;
            }
        }
        let tok = if text[start..j].bytes().all(is_ident_char) {
            Tok::Ident
        } else {
            Tok::Word
        };
        lx.push(tok, start..j, start..j, group, false);
        return j;
    }
    while j < end
        && (is_ident_char(b[j])
            || (syn.powershell && b[j] == b'-' && j + 1 < end && is_ident_char(b[j + 1])))
    {
        j += 1;
    }
    // PowerShell `$env:NAME` reads as one identifier.
    if syn.powershell && text[start..j].eq_ignore_ascii_case("$env") && b.get(j) == Some(&b':') {
        j += 1;
        while j < end && is_ident_char(b[j]) {
            j += 1;
        }
    }
    lx.push(Tok::Ident, start..j, start..j, group, false);
    j
}

fn utf8_len(b: u8) -> usize {
    match b {
        0xC0..=0xDF => 2,
        0xE0..=0xEF => 3,
        0xF0..=0xF7 => 4,
        _ => 1,
    }
}

/// A JS template literal (backticks): string pieces become Str tokens,
/// `${...}` is lexed as code. (Quoted strings with holes in other languages
/// are one Str each, their holes skipped: `Syntax::interpolation`.)
fn lex_template(lx: &mut Lexed, text: &str, at: Range<usize>, syn: Syntax, group: usize) -> usize {
    let (start, end) = (at.start, at.end);
    let b = text.as_bytes();
    let close = b"`";
    let body = start + close.len();
    let mut j = body;
    let mut piece = j;
    let span_start = |piece: usize| if piece == body { start } else { piece };
    while j < end {
        match b[j] {
            b'\\' => j += 2,
            _ if b[j..end].starts_with(close) => {
                lx.push(
                    Tok::Str,
                    span_start(piece)..j + close.len(),
                    piece..j,
                    group,
                    false,
                );
                return j + close.len();
            }
            b'$' if j + 1 < end && b[j + 1] == b'{' => {
                // `${` and its `}` stay code, so brackets balance.
                lx.push(Tok::Str, span_start(piece)..j, piece..j, group, false);
                let k = hole_end(b, j + 1, end);
                lex_into(lx, text, j + 2..k.min(end), syn, group);
                j = (k + 1).min(end);
                piece = j;
            }
            _ => j += 1,
        }
    }
    let stop = j.min(end);
    lx.push(Tok::Str, span_start(piece)..stop, piece..stop, group, false);
    stop
}

/// A C# string with a prefix or raw quotes at `at.start` (a plain `"..."`
/// is left to the common rules): `@"..."` (`""` is a quote, `\` is
/// text), `$"..{expr}.."` (`{{` is a brace; holes are code), `$@"..."`,
/// and raw `"""..."""` whose holes open with as many braces as the
/// string has `$`s. Returns where it ends, or None if none starts here.
fn csharp_string(
    lx: &mut Lexed,
    text: &str,
    at: Range<usize>,
    syn: Syntax,
    group: usize,
) -> Option<usize> {
    let (start, end) = (at.start, at.end);
    let b = text.as_bytes();
    let mut q = start;
    let (mut dollars, mut verbatim) = (0, false);
    while q < end && matches!(b[q], b'$' | b'@') {
        dollars += usize::from(b[q] == b'$');
        verbatim |= b[q] == b'@';
        q += 1;
    }
    let quotes = b[q..end].iter().take_while(|&&c| c == b'"').count();
    let raw = quotes >= 3;
    if quotes == 0 || (q == start && !raw) {
        return None;
    }
    let close_len = if raw { quotes } else { 1 };
    let close = &b[q..q + close_len];
    let body = q + close_len;
    let braces = if raw { dollars.max(1) } else { 1 };
    let (mut j, mut piece) = (body, body);
    let span_start = |piece: usize| if piece == body { start } else { piece };
    while j < end {
        let c = b[j];
        if !raw && !verbatim && c == b'\\' {
            j += 2;
        } else if !raw && !verbatim && c == b'\n' {
            break;
        } else if verbatim && !raw && b[j..end].starts_with(b"\"\"") {
            j += 2;
        } else if c == b'"' && b[j..end].starts_with(close) {
            let stop = j + close_len;
            lx.push(Tok::Str, span_start(piece)..stop, piece..j, group, false);
            return Some(stop);
        } else if c == b'{' && dollars > 0 {
            let run = b[j..end].iter().take_while(|&&c| c == b'{').count();
            if run < braces || (!raw && run >= 2) {
                // Literal braces: `{{` in `$"..."`, fewer than the `$`s in raw.
                j += if raw { run } else { 2 };
                continue;
            }
            let open = j + run - braces;
            lx.push(Tok::Str, span_start(piece)..open, piece..open, group, false);
            let k = hole_end(b, open + braces - 1, end);
            lex_into(lx, text, open + braces..k.min(end), syn, group);
            j = (k + braces).min(end);
            piece = j;
        } else {
            j += 1;
        }
    }
    let stop = j.min(end);
    lx.push(Tok::Str, span_start(piece)..stop, piece..stop, group, false);
    Some(stop)
}

/// The `}` matching the `{` at `open` in a template hole, skipping the
/// strings inside it (`"${System.getenv("KEY")}"`); `end` if none.
fn hole_end(b: &[u8], open: usize, end: usize) -> usize {
    let mut depth = 0;
    let mut k = open;
    while k < end {
        match b[k] {
            b'{' => depth += 1,
            b'}' => {
                depth -= 1;
                if depth == 0 {
                    return k;
                }
            }
            q @ (b'"' | b'\'') => k = scan_quoted(b, k, end, &[q], b'\\', false) - 1,
            _ => {}
        }
        k += 1;
    }
    end
}

fn find(b: &[u8], from: usize, end: usize, pat: &[u8]) -> Option<usize> {
    if from >= end {
        return None;
    }
    b[from..end]
        .windows(pat.len())
        .position(|w| w == pat)
        .map(|p| p + from)
}

/// A PowerShell here-string closes with `"@` at the start of a line.
fn find_line_start(b: &[u8], from: usize, end: usize, pat: &[u8]) -> Option<usize> {
    let mut i = from;
    while let Some(j) = find(b, i, end, pat) {
        let line_start = b[..j]
            .iter()
            .rposition(|&c| c == b'\n')
            .map(|p| p + 1)
            .unwrap_or(0);
        if b[line_start..j].iter().all(|c| c.is_ascii_whitespace()) {
            return Some(j);
        }
        i = j + 1;
    }
    None
}

fn line_end(b: &[u8], from: usize, end: usize) -> usize {
    b[from..end]
        .iter()
        .position(|&c| c == b'\n')
        .map(|p| p + from)
        .unwrap_or(end)
}

fn block_comment_end(b: &[u8], start: usize, end: usize, nested: bool) -> usize {
    let mut depth = 0;
    let mut j = start;
    while j + 1 < end {
        if b[j] == b'/' && b[j + 1] == b'*' {
            if nested || depth == 0 {
                depth += 1;
            }
            j += 2;
        } else if b[j] == b'*' && b[j + 1] == b'/' {
            depth -= 1;
            j += 2;
            if depth == 0 {
                return j;
            }
        } else {
            j += 1;
        }
    }
    end
}

/// The key or callee right before an opener: `extra_body={`, `"headers": {`,
/// `create(`, `json!(`.
fn label_before(lx: &Lexed, text: &str, group: usize) -> Option<Range<usize>> {
    let mut k = lx.tokens.len();
    let mut skipped = 0;
    while k > 0 {
        k -= 1;
        let t = &lx.tokens[k];
        if t.tok == Tok::Comment {
            continue;
        }
        if t.group != group {
            return None;
        }
        match t.tok {
            Tok::Punct
                if skipped < 2
                    && matches!(
                        &text[t.span.clone()],
                        ":" | "=" | "!" | "=>" | "@" | "<" | ">" | "%"
                    ) =>
            {
                skipped += 1;
            }
            Tok::Ident | Tok::Str | Tok::Word => return Some(t.span.clone()),
            _ => return None,
        }
    }
    None
}

/// Calls that build a map from `key, value` pairs, and which of their
/// arguments are keys: every even one (`Map.of`), or the first of two.
fn pair_call(lx: &Lexed, text: &str, g: usize) -> Option<bool> {
    let grp = &lx.groups[g];
    let label = grp.label.clone()?;
    let name = text[label.clone()].to_ascii_lowercase();
    let li = lx.tokens.iter().position(|t| t.span == label)?;
    let receiver = lx.prev_sig(li).and_then(|d| {
        let dot = &lx.tokens[d];
        (dot.tok == Tok::Punct && &text[dot.span.clone()] == ".")
            .then(|| lx.prev_sig(d))
            .flatten()
            .map(|r| &text[lx.tokens[r].span.clone()])
    });
    let map_type = receiver.is_some_and(|r| r.ends_with("Map"));
    match name.as_str() {
        "of" if map_type => Some(true),
        "entry" if map_type => Some(false),
        "put" | "putifabsent" => Some(false),
        _ => None,
    }
}

/// Keys of maps built by calls (see [`Syntax::pair_keys`]): a string that
/// is a whole argument in a key position, and a string before Kotlin's
/// infix `to` (which becomes punctuation, like `:`).
fn mark_pair_keys(lx: &mut Lexed, text: &str) {
    for i in 0..lx.tokens.len() {
        let t = &lx.tokens[i];
        if t.tok != Tok::Ident || &text[t.span.clone()] != "to" {
            continue;
        }
        let prev = lx.prev_sig(i).filter(|&p| lx.tokens[p].tok == Tok::Str);
        if let (Some(p), Some(_)) = (prev, lx.next_sig(i)) {
            lx.tokens[i].tok = Tok::Punct;
            lx.tokens[p].key = true;
        }
    }
    for g in 1..lx.groups.len() {
        if lx.groups[g].kind != b'(' {
            continue;
        }
        let Some(every_pair) = pair_call(lx, text, g) else {
            continue;
        };
        let mut args: Vec<Vec<usize>> = vec![Vec::new()];
        for (i, t) in lx.tokens.iter().enumerate() {
            if t.group != g || t.tok == Tok::Comment {
                continue;
            }
            if t.tok == Tok::Punct && &text[t.span.clone()] == "," {
                args.push(Vec::new());
            } else if let Some(a) = args.last_mut() {
                a.push(i);
            }
        }
        if !every_pair && args.len() != 2 {
            continue;
        }
        for arg in args
            .iter()
            .step_by(2)
            .take(if every_pair { usize::MAX } else { 1 })
        {
            if let [k] = arg[..] {
                if lx.tokens[k].tok == Tok::Str {
                    lx.tokens[k].key = true;
                }
            }
        }
    }
}

/// Functions that build a map or list from their arguments.
const COLLECTION_BUILDERS: &[&str] = &[
    "of",
    "ofentries",
    "entry",
    "aslist",
    "mapof",
    "mutablemapof",
    "hashmapof",
    "linkedmapof",
    "listof",
    "mutablelistof",
    "arrayof",
    "setof",
    "buildmap",
    "buildlist",
    "buildjsonobject",
    "buildjsonarray",
];

/// Label the group a key's constructed value opens with the key (see
/// [`Syntax::constructed_values`]): past the key's separator, `new` and a
/// type (`new { .. }`, `new Dictionary<string, object> { .. }`), a type's
/// constructor (`Provider(..)`) or a collection builder (`Map.of(..)`,
/// `listOf(..)`), and its opener. Other calls keep their callee as label
/// (`client.chat(..)` says more than the variable it is assigned to).
fn label_constructed_values(lx: &mut Lexed, text: &str) {
    for i in 0..lx.tokens.len() {
        if !lx.tokens[i].key {
            continue;
        }
        let Some(sep) = lx.next_sig(i) else { continue };
        let st = &lx.tokens[sep];
        if st.tok != Tok::Punct || !matches!(&text[st.span.clone()], ":" | "=" | "," | "to") {
            continue;
        }
        let mut j = lx.next_sig(sep);
        let (mut callee, mut saw_new, mut angle) = ("", false, 0);
        for _ in 0..16 {
            let Some(k) = j else { break };
            let t = &lx.tokens[k];
            let s = &text[t.span.clone()];
            match (t.tok, s) {
                (Tok::Ident, _) => {
                    saw_new |= s == "new";
                    callee = s;
                }
                (Tok::Punct, "<") => angle += 1,
                (Tok::Punct, ">") => angle -= 1,
                (Tok::Punct, "." | "?" | "[" | "]") => {}
                (Tok::Punct, ",") if angle > 0 => {}
                (Tok::Punct, "(" | "{") if !callee.is_empty() && angle == 0 => {
                    let constructed = saw_new
                        || callee.starts_with(|c: char| c.is_ascii_uppercase())
                        || COLLECTION_BUILDERS.contains(&callee.to_ascii_lowercase().as_str());
                    let (open, key) = (t.span.start, lx.tokens[i].span.clone());
                    if let Some(g) = lx.groups.iter_mut().find(|g| g.span.start == open) {
                        if constructed {
                            g.label = Some(key);
                        }
                    }
                    break;
                }
                _ => break,
            }
            j = lx.next_sig(k);
        }
    }
}

/// Mark the tokens followed by `:` (or `=`, where the syntax says so)
/// inside objects and calls as keys.
pub fn mark_keys(lx: &mut Lexed, text: &str, syn: Syntax) {
    for i in 0..lx.tokens.len() {
        let t = &lx.tokens[i];
        if !matches!(t.tok, Tok::Str | Tok::Ident) {
            continue;
        }
        let gk = lx.groups[t.group].kind;
        let Some(n) = lx.next_sig(i) else { continue };
        let nt = &lx.tokens[n];
        if nt.tok != Tok::Punct {
            continue;
        }
        let p = &text[nt.span.clone()];
        // PHP arrays: `['key' => value]`.
        let arrow_in_list = gk == b'[' && p == "=>" && syn.arrow_keys;
        // `a ? b : c` is a conditional, whatever brackets it sits in.
        let after_question = lx
            .prev_sig(i)
            .is_some_and(|q| &text[lx.tokens[q].span.clone()] == "?");
        if syn.attached_colon_keys && p == ":" && !after_question {
            let after = text.as_bytes().get(nt.span.end).copied().unwrap_or(b' ');
            if nt.span.start == t.span.end && after.is_ascii_whitespace() {
                lx.tokens[i].key = true;
                continue;
            }
        }
        let in_brackets = gk == b'[' && syn.colon_keys_in_brackets;
        if !matches!(gk, b'{' | b'(') && !in_brackets && !arrow_in_list {
            continue;
        }
        let next2 = lx.next_sig(n).map(|m| &text[lx.tokens[m].span.clone()]);
        // JS shorthand properties: `{ model, messages, provider: {...} }`.
        if syn.template_interpolation && t.tok == Tok::Ident && gk == b'{' && matches!(p, "," | "}")
        {
            let prev = lx.prev_sig(i).map(|q| &text[lx.tokens[q].span.clone()]);
            if matches!(prev, Some("{") | Some(",")) {
                lx.tokens[i].key = true;
                continue;
            }
        }
        let is_key = match p {
            // `Foo::bar` is a path (PHP, Rust, Ruby), not `key: value`.
            ":" if text.as_bytes().get(nt.span.end) == Some(&b':') => false,
            ":" if after_question => false,
            ":" => gk == b'{' || in_brackets || syn.colon_keys_in_calls,
            "=>" => syn.arrow_keys,
            "=" if next2 == Some(">") => syn.arrow_keys,
            // `a == b` is a comparison, `a = b` a keyword argument or entry.
            "=" => syn.equals_keys && next2 != Some("="),
            _ => false,
        };
        if is_key {
            lx.tokens[i].key = true;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn strs(text: &str, syn: Syntax) -> Vec<String> {
        let lx = lex(text, 0..text.len(), syn);
        lx.tokens
            .iter()
            .filter(|t| t.tok == Tok::Str)
            .map(|t| text[t.inner.clone()].to_owned())
            .collect()
    }

    #[test]
    fn python_strings_comments_and_kwargs() {
        let text = "c = OpenAI(base_url=\"https://x\", default_headers={'A': 'b'})  # 'no'\ns = f'''multi\nline'''";
        let lx = lex(text, 0..text.len(), crate::lang::python::SYNTAX);
        assert_eq!(
            strs(text, crate::lang::python::SYNTAX),
            vec!["https://x", "A", "b", "multi\nline"]
        );
        let keys: Vec<&str> = lx.key_names(text);
        assert_eq!(keys, vec!["base_url", "default_headers", "A"]);
        let dict = lx
            .tokens
            .iter()
            .find(|t| &text[t.inner.clone()] == "A")
            .unwrap()
            .group;
        assert_eq!(lx.label(text, dict), Some("default_headers"));
        assert!(lx
            .tokens
            .iter()
            .any(|t| t.tok == Tok::Comment && text[t.span.clone()].contains("'no'")));
    }

    #[test]
    fn js_template_literals_keep_interpolation_as_code() {
        let text = "const u = `${BASE}/chat`; fetch(`https://openrouter.ai/api/v1`, { headers: { 'X-Title': t } })";
        let s = strs(text, crate::lang::javascript::SYNTAX);
        assert!(s.contains(&"/chat".to_owned()));
        assert!(s.contains(&"https://openrouter.ai/api/v1".to_owned()));
        let lx = lex(text, 0..text.len(), crate::lang::javascript::SYNTAX);
        let base = lx
            .tokens
            .iter()
            .find(|t| &text[t.span.clone()] == "BASE")
            .unwrap();
        assert_eq!(base.tok, Tok::Ident);
    }

    #[test]
    fn rust_raw_strings_and_lifetimes() {
        let text = "fn f<'a>(x: &'a str) { let s = r#\"{\"model\": \"a/b\"}\"#; let c = 'x'; }";
        let s = strs(text, crate::lang::rust::SYNTAX);
        assert_eq!(s, vec!["{\"model\": \"a/b\"}", "x"]);
    }

    #[test]
    fn shell_assignment_is_name_equals_value() {
        let text = "export MODEL=\"a/b\" URL=https://x.io/v1 --data=x a=b=c\n";
        let lx = lex(text, 0..text.len(), crate::lang::shell::SYNTAX);
        let toks: Vec<(Tok, &str)> = lx
            .tokens
            .iter()
            .map(|t| (t.tok, &text[t.span.clone()]))
            .collect();
        assert_eq!(
            toks,
            vec![
                (Tok::Ident, "export"),
                (Tok::Ident, "MODEL"),
                (Tok::Punct, "="),
                (Tok::Str, "\"a/b\""),
                (Tok::Ident, "URL"),
                (Tok::Punct, "="),
                (Tok::Word, "https://x.io/v1"),
                // An option is not an assignment.
                (Tok::Word, "--data=x"),
                (Tok::Ident, "a"),
                (Tok::Punct, "="),
                (Tok::Word, "b=c"),
            ]
        );
    }

    #[test]
    fn shell_words_and_hash_inside_word() {
        let text = "curl https://openrouter.ai/api/v1/x#frag -H \"X-Title: a\" # comment\n";
        let lx = lex(text, 0..text.len(), crate::lang::shell::SYNTAX);
        let words: Vec<&str> = lx
            .tokens
            .iter()
            .filter(|t| t.tok == Tok::Word)
            .map(|t| &text[t.span.clone()])
            .collect();
        assert!(words.contains(&"https://openrouter.ai/api/v1/x#frag"));
        assert_eq!(
            lx.tokens.iter().filter(|t| t.tok == Tok::Comment).count(),
            1
        );
    }

    #[test]
    fn powershell_here_strings_and_env() {
        let text = "$h = @{ 'X-Title' = 'a' }\n$b = @\"\n{\"model\": \"x\"}\n\"@\n$k = $env:OPENROUTER_API_KEY <# c #>";
        let lx = lex(text, 0..text.len(), crate::lang::powershell::SYNTAX);
        assert!(lx
            .tokens
            .iter()
            .any(|t| t.tok == Tok::Ident && &text[t.span.clone()] == "$env:OPENROUTER_API_KEY"));
        assert!(strs(text, crate::lang::powershell::SYNTAX)
            .iter()
            .any(|s| s.contains("\"model\"")));
        assert!(lx
            .tokens
            .iter()
            .any(|t| t.key && &text[t.inner.clone()] == "X-Title"));
    }

    #[test]
    fn unterminated_input_never_panics() {
        for text in [
            "\"abc",
            "`${",
            "r#\"x",
            "/* x",
            "@\"\nx",
            "{{{(((",
            "'\\",
            "\u{e9}\"\u{e9}",
            "[==[",
            "--[[",
            "<<<X\r",
            "<<<'X'\n",
            "=",
            "~s(",
            "~s\"\"\"",
            "~",
            "\"#{\"",
            "'${'",
            "\"\\(",
            "$\"{",
            "$$\"\"\"{{",
            "@\"",
            "$@\"\\",
            "\"${x(\"",
            "\"\"\"${",
            "Map.of(\"a\",",
            "\"k\" to",
            "put(",
        ] {
            for syn in [
                crate::lang::java::SYNTAX,
                crate::lang::kotlin::SYNTAX,
                crate::lang::csharp::SYNTAX,
                crate::lang::python::SYNTAX,
                crate::lang::javascript::SYNTAX,
                crate::lang::rust::SYNTAX,
                crate::lang::shell::SYNTAX,
                crate::lang::powershell::SYNTAX,
                crate::lang::go::SYNTAX,
                crate::lang::php::SYNTAX,
                crate::lang::lua::SYNTAX,
                crate::lang::elixir::SYNTAX,
                crate::lang::dart::SYNTAX,
                crate::lang::swift::SYNTAX,
            ] {
                let _ = lex(text, 0..text.len(), syn);
            }
        }
    }

    /// Interpolations nested without end (bad input) stop at a depth
    /// limit instead of recursing until the stack runs out.
    #[test]
    fn deeply_nested_interpolation_is_bounded() {
        let text = "\"${'".repeat(100_000);
        let lx = lex(&text, 0..text.len(), crate::lang::dart::SYNTAX);
        assert!(!lx.tokens.is_empty());
        let ok = "x = \"a ${m[\"k\"]} b\"; y = 'c'";
        assert_eq!(
            strs(ok, crate::lang::dart::SYNTAX),
            vec!["a ${m[\"k\"]} b", "c"]
        );
    }
}
