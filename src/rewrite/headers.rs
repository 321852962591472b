//! Removing attribution headers so the code around them stays valid.
//!
//! Scan points at a header NAME; this module finds the construct that sends
//! it (a dict/object/map entry, a builder call, a statement, a `-H` flag, a
//! YAML or TOML key) and removes all of it with its separators. Entries of
//! one container are removed together so commas stay right. When no safe
//! removal is found the finding becomes a manual item: never a guess.

use std::collections::{BTreeMap, BTreeSet};
use std::ops::Range;

use super::lex::{Class, Classes};
use super::lines::{blank, indent, line_end, line_start, next_line, starts_line, trailing_to_eol};
use crate::lang::FileKind;
use crate::source::Edit;

/// Edits that remove the headers of `members` (indices into the spans).
/// Why a header cannot be removed automatically: the text of the manual
/// item a person gets instead.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct Unremovable(pub String);

impl From<&str> for Unremovable {
    fn from(why: &str) -> Unremovable {
        Unremovable(why.to_owned())
    }
}

#[derive(Debug, Clone, PartialEq)]
pub struct Removal {
    pub members: Vec<usize>,
    pub edits: Vec<Edit>,
}

/// Plan the removal of the headers whose names are at `spans` in `text`
/// (notebooks: rewrite::notebook). Returns the edit groups and, for spans
/// with no safe removal, why.
pub fn removals(
    kind: FileKind,
    text: &str,
    spans: &[Range<usize>],
) -> (Vec<Removal>, Vec<(usize, String)>) {
    let mut groups = Vec::new();
    let mut manual = Vec::new();
    // Split spans by region: the whole file, or each Markdown code fence.
    let mut regions: BTreeMap<(usize, usize), (FileKind, Vec<usize>)> = BTreeMap::new();
    for (i, sp) in spans.iter().enumerate() {
        if kind == FileKind::Markdown {
            match fence_at(text, sp.start) {
                Some((k, r)) => regions
                    .entry((r.start, r.end))
                    .or_insert((k, vec![]))
                    .1
                    .push(i),
                None => manual.push((i, "header outside a code block in Markdown".into())),
            }
        } else {
            regions
                .entry((0, text.len()))
                .or_insert((kind, vec![]))
                .1
                .push(i);
        }
    }
    for ((rs, re), (k, idx)) in regions {
        let local: Vec<Range<usize>> = idx
            .iter()
            .map(|&i| spans[i].start - rs..spans[i].end - rs)
            .collect();
        let (g, m) = in_region(k, &text[rs..re], &local);
        for mut grp in g {
            grp.members = grp.members.iter().map(|&m| idx[m]).collect();
            for e in &mut grp.edits {
                e.range = e.range.start + rs..e.range.end + rs;
            }
            groups.push(grp);
        }
        manual.extend(m.into_iter().map(|(m, why)| (idx[m], why)));
    }
    (groups, manual)
}

enum Target {
    Entry { open: usize, item: usize },
    YamlKey { parent: Option<usize> },
    Direct(Vec<Edit>),
}

fn in_region(
    kind: FileKind,
    text: &str,
    spans: &[Range<usize>],
) -> (Vec<Removal>, Vec<(usize, String)>) {
    let mut groups = Vec::new();
    let mut manual = Vec::new();
    let Some(lx) = Classes::of(text, kind) else {
        let why = "no safe automatic removal for this file kind; delete the header by hand";
        return (vec![], (0..spans.len()).map(|i| (i, why.into())).collect());
    };
    let cx = Cx { lx: &lx, kind };
    let mut entries: BTreeMap<usize, Vec<(usize, usize)>> = BTreeMap::new();
    let mut yaml: BTreeMap<Option<usize>, Vec<(usize, usize)>> = BTreeMap::new();
    for (i, sp) in spans.iter().enumerate() {
        match cx.locate(sp.clone()) {
            Ok(Target::Direct(edits)) => groups.push(Removal {
                members: vec![i],
                edits,
            }),
            Ok(Target::Entry { open, item }) => entries.entry(open).or_default().push((i, item)),
            Ok(Target::YamlKey { parent }) => yaml
                .entry(parent)
                .or_default()
                .push((i, line_start(lx.bytes(), sp.start))),
            Err(why) => manual.push((i, why.0)),
        }
    }
    cx.fold_trailing_flags(&mut groups);
    for (open, members) in entries {
        let items: BTreeSet<usize> = members.iter().map(|m| m.1).collect();
        let who: Vec<usize> = members.iter().map(|m| m.0).collect();
        match cx.remove_items(open, &items, true) {
            Ok(edits) => groups.push(Removal {
                members: who,
                edits,
            }),
            Err(why) => manual.extend(who.into_iter().map(|w| (w, why.0.clone()))),
        }
    }
    for (parent, members) in yaml {
        let lines: BTreeSet<usize> = members.iter().map(|m| m.1).collect();
        let who: Vec<usize> = members.iter().map(|m| m.0).collect();
        match cx.remove_yaml_keys(parent, &lines) {
            Ok(edits) => groups.push(Removal {
                members: who,
                edits,
            }),
            Err(why) => manual.extend(who.into_iter().map(|w| (w, why.0.clone()))),
        }
    }
    (groups, manual)
}

/// Names of arguments/properties that only carry headers: when they become
/// empty, the whole argument goes.
const HEADER_ARGS: &[&str] = &["headers", "defaultheaders", "extraheaders"];
/// Builder methods whose one argument is a header map: cut out of a chain
/// when the map empties.
const HEADER_CALLS: &[&str] = &["withheaders"];
/// Builder methods that return the builder: a call can be cut out of a chain
/// (`defaultHeader`: Spring WebClient/RestClient builders; `addHeader`:
/// OkHttp's Request.Builder; `withHeader`: PHP PSR-7 and openai-php).
const BUILDER: &[&str] = &[
    "header",
    "set_header",
    "insert_header",
    "append_header",
    "withheader",
    "withhttpheader",
    "defaultheader",
    "addheader",
];
/// Calls with no receiver that set a header (Ktor request blocks:
/// `header(K, V)`, and `append(K, V)` inside `headers { }`).
const BARE: &[&str] = &["header", "append"];
/// Methods that set a header as a statement of their own.
const SETTERS: &[&str] = &[
    "set",
    "append",
    "add",
    "insert",
    "put",
    "setrequestheader",
    "setheader",
    "tryaddwithoutvalidation",
    "setvalue",
    "addvalue",
];

fn edit(range: Range<usize>, text: &str) -> Edit {
    Edit {
        range,
        text: text.into(),
    }
}

struct Cx<'a> {
    lx: &'a Classes<'a>,
    kind: FileKind,
}

impl Cx<'_> {
    fn b(&self) -> &[u8] {
        self.lx.bytes()
    }

    /// Where a whole-line removal starting at line `ls` should start: the
    /// comment lines right above it go too when they speak about
    /// attribution (they described what is removed), never other comments.
    fn with_comment_above(&self, ls: usize) -> usize {
        const ABOUT: &[&str] = &[
            "referer",
            "referrer",
            "x-title",
            "title",
            "attribution",
            "ranking",
            "leaderboard",
            "identify",
            "openrouter",
        ];
        let b = self.b();
        let mut start = ls;
        let mut block = String::new();
        while start > 0 {
            let prev = line_start(b, start - 1);
            let line = &self.lx.text[prev..start];
            let t = line.trim();
            let first = prev + (line.len() - line.trim_start().len());
            if t.is_empty() || self.lx.class.get(first) != Some(&Class::Comment) {
                break;
            }
            // The whole line must be comment (no code before or after it).
            if !line
                .trim_end()
                .bytes()
                .enumerate()
                .skip(first - prev)
                .all(|(i, _)| self.lx.class.get(prev + i) == Some(&Class::Comment))
            {
                break;
            }
            block.push_str(&t.to_ascii_lowercase());
            start = prev;
        }
        if start < ls && ABOUT.iter().any(|w| block.contains(w)) {
            start
        } else {
            ls
        }
    }

    fn locate(&self, span: Range<usize>) -> Result<Target, Unremovable> {
        let key = self.lx.string_at(span.start).unwrap_or(span.clone());
        if let Some(edits) = self.shell_flag(span.start)? {
            return Ok(Target::Direct(edits));
        }
        if matches!(self.kind, FileKind::Shell | FileKind::Batch) {
            return Err("header is not a `-H`/`--header` argument this tool can remove".into());
        }
        if let Some(edits) = self.call(key.clone()) {
            return Ok(Target::Direct(edits));
        }
        if let Some(edits) = self.subscript_assignment(key.clone()) {
            return Ok(Target::Direct(edits));
        }
        if let Some((open, item)) = self.entry(key.clone()) {
            return Ok(Target::Entry { open, item });
        }
        if self.kind == FileKind::Yaml {
            if let Some(parent) = self.yaml_key(key.clone()) {
                return Ok(Target::YamlKey { parent });
            }
        }
        if self.kind == FileKind::Toml {
            if let Some(e) = self.toml_key(key) {
                return Ok(Target::Direct(vec![e]));
            }
        }
        Err("header is not in a map entry, header call or flag this tool can remove safely".into())
    }

    // ---- shell `-H "Name: value"` -------------------------------------

    /// A `-H`/`--header` argument (in shell, or shell embedded in YAML,
    /// Dockerfiles and Markdown). Ok(None) when the header is not one.
    fn shell_flag(&self, at: usize) -> Result<Option<Vec<Edit>>, Unremovable> {
        let b = self.b();
        let ls = line_start(b, at);
        let mut le = line_end(b, at);
        // A CRLF line keeps its `\r` (batch files are CRLF).
        if le > ls && b[le - 1] == b'\r' {
            le -= 1;
        }
        let line = &self.lx.text[ls..le];
        let sh = Classes::with(line, crate::lang::shell::tokens);
        let lb = line.as_bytes();
        let k = at - ls;
        let is_sep = |i: usize| sh.class[i] == Class::Code && lb[i].is_ascii_whitespace();
        let mut ws = k;
        while ws > 0 && !is_sep(ws - 1) {
            ws -= 1;
        }
        let mut we = k;
        while we < lb.len() && !is_sep(we) {
            we += 1;
        }
        let word = &line[ws..we];
        let flag_start =
            if word.starts_with("--header=") || (word.starts_with("-H") && word.len() > 2) {
                ws
            } else {
                let mut pe = ws;
                while pe > 0 && lb[pe - 1].is_ascii_whitespace() {
                    pe -= 1;
                }
                let mut ps = pe;
                while ps > 0 && !is_sep(ps - 1) {
                    ps -= 1;
                }
                match &line[ps..pe] {
                    "-H" | "--header" | "-Header" => ps,
                    _ => return Ok(None),
                }
            };
        let cont = self.continuation();
        let rest = line[we..].trim_end_matches(['\r', ' ', '\t']);
        let at_start = blank(&lb[..flag_start]);
        let mut blank_before = flag_start;
        while blank_before > 0 && matches!(lb[blank_before - 1], b' ' | b'\t') {
            blank_before -= 1;
        }
        let (fs, we, bb) = (ls + flag_start, ls + we, ls + blank_before);
        let rest_trim = rest.trim_start();
        if at_start && rest_trim.as_bytes() == [cont] {
            // A whole continuation line: drop it; the chain stays linked.
            return Ok(Some(vec![edit(ls..next_line(b, ls), "")]));
        }
        if at_start && (rest_trim.is_empty() || rest_trim.starts_with('#')) {
            // The command's last line: drop it and the previous line's
            // continuation, so the command ends one line earlier.
            return Ok(Some(vec![edit(self.end_command_before(ls)?..le, "")]));
        }
        if at_start {
            // More arguments follow on this line: keep them where the flag was.
            let mut next = we;
            while next < le && matches!(b[next], b' ' | b'\t') {
                next += 1;
            }
            return Ok(Some(vec![edit(fs..next, "")]));
        }
        Ok(Some(vec![edit(bb..we, "")]))
    }

    /// The byte that continues a command on the next line.
    fn continuation(&self) -> u8 {
        match self.kind {
            FileKind::PowerShell => b'`',
            FileKind::Batch => b'^',
            _ => b'\\',
        }
    }

    /// Where to cut so the command ends on the line before line `ls`: at
    /// that line's continuation mark (and the blanks before it).
    fn end_command_before(&self, ls: usize) -> Result<usize, Unremovable> {
        let b = self.b();
        if ls == 0 {
            return Err("a `-H` line with no command before it".into());
        }
        let cont = self.continuation();
        let prev = &b[line_start(b, ls - 1)..ls - 1];
        let prev_trim = prev.trim_ascii_end();
        if prev_trim.last() != Some(&cont) || self.lx.class[ls - 1] == Class::Comment {
            return Err("the `-H` line does not continue a command".into());
        }
        let mut cut = line_start(b, ls - 1) + prev_trim.len() - 1;
        while cut > 0 && matches!(b[cut - 1], b' ' | b'\t') {
            cut -= 1;
        }
        Ok(cut)
    }

    /// Consecutive trailing `-H` lines: the last one's edit takes the
    /// previous line's continuation mark, but that line may be removed
    /// whole too, and the two edits would conflict. Fold such lines into
    /// the last line's edit, which then ends the command before them.
    fn fold_trailing_flags(&self, groups: &mut Vec<Removal>) {
        let single = |g: &Removal| g.edits.len() == 1 && g.edits[0].text.is_empty();
        let mut i = 0;
        while i < groups.len() {
            if !single(&groups[i]) {
                i += 1;
                continue;
            }
            let cut = groups[i].edits[0].range.clone();
            let line = groups.iter().position(|w| {
                single(w)
                    && w.edits[0].range.start < cut.start
                    && cut.start < w.edits[0].range.end
                    && w.edits[0].range.end <= cut.end
                    && w.edits[0].range.start == line_start(self.b(), w.edits[0].range.start)
            });
            let Some(w) = line else {
                i += 1;
                continue;
            };
            let Ok(start) = self.end_command_before(groups[w].edits[0].range.start) else {
                i += 1;
                continue;
            };
            let folded = groups.remove(w);
            let i2 = if w < i { i - 1 } else { i };
            groups[i2].edits[0].range.start = start;
            groups[i2].members.extend(folded.members);
            // Look at the same group again: another line may precede.
            i = i2;
        }
    }

    // ---- calls: `.header(K, V)` chains and `x.Set(K, V)` statements -----

    fn call(&self, key: Range<usize>) -> Option<Vec<Edit>> {
        let b = self.b();
        let mut pos = key.start;
        for _ in 0..3 {
            let open = self.lx.enclosing_open(pos)?;
            if b[open] != b'(' {
                return None;
            }
            let mut is = open;
            while is > 0 && (b[is - 1].is_ascii_alphanumeric() || b[is - 1] == b'_') {
                is -= 1;
            }
            let name = self.lx.text[is..open].to_ascii_lowercase();
            let builder = BUILDER.contains(&name.as_str());
            let setter = SETTERS.contains(&name.as_str());
            if BARE.contains(&name.as_str()) && starts_line(b, is) {
                return self.bare_call(key, open);
            }
            // `.method(` or PHP's `->method(`: `dot` is where the accessor starts.
            let dot = match is.checked_sub(1).map(|d| b[d]) {
                Some(b'.') => Some(is - 1),
                Some(b'>') if is >= 2 && b[is - 2] == b'-' => Some(is - 2),
                _ => None,
            };
            if let Some(dot) = dot.filter(|_| builder || setter) {
                let close = self.lx.matching_close(open)?;
                let (args, _) = self.lx.split(open + 1..close, b",");
                let first = self.lx.trim(args[0].clone());
                let holds = |r: &Range<usize>| r.start <= key.start && key.end <= r.end;
                if !(holds(&first) || self.labelled_name(&args, &key)) || args.len() < 2 {
                    return None;
                }
                if let Some(e) = self.statement(dot, close) {
                    return Some(vec![e]);
                }
                let chained = builder
                    || (name == "set" && {
                        let mut p = dot;
                        while p > 0 && b[p - 1].is_ascii_whitespace() {
                            p -= 1;
                        }
                        p > 0 && b[p - 1] == b')'
                    });
                return chained.then(|| vec![self.chain_cut(dot, close)]);
            }
            pos = open;
        }
        None
    }

    /// Swift `setValue(value, forHTTPHeaderField: "X-Title")`: the header's
    /// name is the last, labelled argument.
    fn labelled_name(&self, args: &[Range<usize>], key: &Range<usize>) -> bool {
        let Some(last) = args.last().map(|a| self.lx.trim(a.clone())) else {
            return false;
        };
        let arg = &self.lx.text[last.clone()];
        args.len() == 2
            && last.end == key.end
            && arg
                .split_once(':')
                .is_some_and(|(label, _)| label.trim() == "forHTTPHeaderField")
    }

    /// `header(K, V)` with no receiver, alone on its line(s): a statement in
    /// a request-building block (Ktor's `headers { append(K, V) }`).
    fn bare_call(&self, key: Range<usize>, open: usize) -> Option<Vec<Edit>> {
        let b = self.b();
        let close = self.lx.matching_close(open)?;
        let (args, _) = self.lx.split(open + 1..close, b",");
        let first = self.lx.trim(args[0].clone());
        if !(first.start <= key.start && key.end <= first.end) || args.len() != 2 {
            return None;
        }
        let nl = trailing_to_eol(self.lx, close + 1, b";")?;
        Some(vec![edit(
            self.with_comment_above(line_start(b, open))..nl,
            "",
        )])
    }

    /// `receiver.method(...)` filling its own line(s) as a statement.
    fn statement(&self, dot: usize, close: usize) -> Option<Edit> {
        let b = self.b();
        let ls = line_start(b, dot);
        let recv = self.lx.text[ls..dot].trim_start();
        let simple = !recv.is_empty()
            && recv.bytes().all(|c| {
                c.is_ascii_alphanumeric()
                    || matches!(c, b'_' | b'.' | b'$' | b'[' | b']' | b'"' | b'\'')
            })
            && !recv.starts_with('.');
        if !simple {
            return None;
        }
        let nl = trailing_to_eol(self.lx, close + 1, b";")?;
        Some(edit(self.with_comment_above(ls)..nl, ""))
    }

    /// Cut `.method(...)` out of a builder chain.
    fn chain_cut(&self, dot: usize, close: usize) -> Edit {
        let b = self.b();
        let end = close + 1;
        if starts_line(b, dot) {
            if let Some(nl) = trailing_to_eol(self.lx, end, b"") {
                return edit(self.with_comment_above(line_start(b, dot))..nl, "");
            }
            // `;` or more chain follows on this line: join it to the
            // previous line's end, unless a comment sits in between.
            let mut p = dot;
            while p > 0 && b[p - 1].is_ascii_whitespace() {
                p -= 1;
            }
            if p > 0 && self.lx.class[p - 1] != Class::Comment {
                return edit(p..end, "");
            }
        }
        edit(dot..end, "")
    }

    /// `headers["X-Title"] = value` as a statement of its own.
    fn subscript_assignment(&self, key: Range<usize>) -> Option<Vec<Edit>> {
        let b = self.b();
        let open = self.lx.enclosing_open(key.start)?;
        if b[open] != b'[' {
            return None;
        }
        let close = self.lx.matching_close(open)?;
        if self.lx.trim(open + 1..close) != key {
            return None;
        }
        let ls = line_start(b, open);
        let recv = self.lx.text[ls..open].trim_start();
        if recv.is_empty()
            || !recv
                .bytes()
                .all(|c| c.is_ascii_alphanumeric() || matches!(c, b'_' | b'.' | b'$'))
        {
            return None;
        }
        let mut i = close + 1;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        if b.get(i) != Some(&b'=') || b.get(i + 1) == Some(&b'=') {
            return None;
        }
        let end = self.stmt_end(i + 1)?;
        Some(vec![edit(ls..end, "")])
    }

    /// Start of the line after the statement that goes on at `from`.
    fn stmt_end(&self, from: usize) -> Option<usize> {
        let b = self.b();
        let mut depth = 0i32;
        let mut i = from;
        while i < b.len() {
            if self.lx.is_code(i) {
                match b[i] {
                    b'(' | b'[' | b'{' => depth += 1,
                    b')' | b']' | b'}' => {
                        depth -= 1;
                        if depth < 0 {
                            return None;
                        }
                    }
                    b'\n' if depth == 0 => {
                        let before = self.lx.text[line_start(b, i)..i].trim_end();
                        if !before.ends_with('\\') && !before.ends_with('`') {
                            return Some(i + 1);
                        }
                    }
                    _ => {}
                }
            }
            i += 1;
        }
        (depth == 0).then_some(b.len())
    }

    // ---- map entries: dicts, objects, hashtables, flow maps -------------

    fn seps(&self) -> &'static [u8] {
        if self.kind == FileKind::PowerShell {
            b";\n"
        } else {
            b","
        }
    }

    fn items(&self, open: usize) -> Option<(usize, Vec<Range<usize>>)> {
        let close = self.lx.matching_close(open)?;
        let (pieces, _) = self.lx.split(open + 1..close, self.seps());
        let items = pieces
            .into_iter()
            .map(|p| self.lx.trim(p))
            .filter(|p| !p.is_empty())
            .collect();
        Some((close, items))
    }

    /// The container and item index of a `key: value` / `key = value`
    /// entry whose key is at `key`.
    fn entry(&self, key: Range<usize>) -> Option<(usize, usize)> {
        let b = self.b();
        let mut key = key;
        let mut open = self.lx.enclosing_open(key.start)?;
        // Lua's `["X-Title"] = v`: the entry starts at its bracket.
        if self.kind == FileKind::Lua && b[open] == b'[' {
            let close = self.lx.matching_close(open)?;
            if self.lx.trim(open + 1..close) != key {
                return None;
            }
            key = open..close + 1;
            open = self.lx.enclosing_open(open)?;
        }
        // PHP arrays are `[...]` or `array(...)`; Ruby and Elixir maps
        // `{...}`; Swift dictionaries `[key: value]`.
        let (opens, assigns): (&[u8], &[&str]) = match self.kind {
            FileKind::PowerShell | FileKind::Toml | FileKind::Lua => (b"{", &["="]),
            FileKind::Php => (b"[(", &["=>"]),
            FileKind::Ruby | FileKind::Elixir => (b"{", &["=>", ":"]),
            FileKind::Swift => (b"{[", &[":"]),
            _ => (b"{", &[":"]),
        };
        if !opens.contains(&b[open]) {
            return None;
        }
        let (_, items) = self.items(open)?;
        let idx = items.iter().position(|r| r.start == key.start)?;
        let mut i = key.end;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        let rest = &self.lx.text[i..];
        if assigns
            .iter()
            .any(|a| rest.starts_with(a) && !rest[a.len()..].starts_with(['=', '>']))
        {
            return Some((open, idx));
        }
        self.pair(key, open)
    }

    /// Elixir headers are `{name, value}` tuples in a list: the tuple whose
    /// first element is `key` is the list's item to remove.
    fn pair(&self, key: Range<usize>, tuple: usize) -> Option<(usize, usize)> {
        let b = self.b();
        if self.kind != FileKind::Elixir || b[tuple] != b'{' {
            return None;
        }
        let (_, elems) = self.items(tuple)?;
        if elems.len() != 2 || elems[0] != key {
            return None;
        }
        let list = self.lx.enclosing_open(tuple)?;
        if b[list] != b'[' {
            return None;
        }
        let (_, items) = self.items(list)?;
        let idx = items.iter().position(|r| r.start == tuple)?;
        Some((list, idx))
    }

    /// Edits removing `remove` (item indices) from the container at `open`.
    /// `may_drop_parent`: when it empties, remove the headers argument that
    /// holds it instead.
    fn remove_items(
        &self,
        open: usize,
        remove: &BTreeSet<usize>,
        may_drop_parent: bool,
    ) -> Result<Vec<Edit>, Unremovable> {
        let b = self.b();
        let (close, items) = self
            .items(open)
            .ok_or("unbalanced brackets around the header")?;
        if remove.len() == items.len() {
            if may_drop_parent {
                if let Some(edits) = self.drop_header_arg(open, close) {
                    return Ok(edits);
                }
                if let Some(e) = self.drop_header_call(open, close) {
                    return Ok(vec![e]);
                }
            }
            // Leave an empty container: valid everywhere a map was.
            return Ok(vec![edit(open + 1..close, "")]);
        }
        let seps = self.seps();
        let strict_json = matches!(self.kind, FileKind::Json);
        let sep_after = |end: usize| {
            let mut i = end;
            while i < close && (b[i].is_ascii_whitespace() || !self.lx.is_code(i)) {
                if b[i] == b'\n' && seps.contains(&b'\n') {
                    break;
                }
                i += 1;
            }
            (i < close && seps.contains(&b[i])).then_some(i)
        };
        let idx: Vec<usize> = remove.iter().copied().collect();
        let mut runs: Vec<(usize, usize)> = Vec::new();
        for &i in &idx {
            match runs.last_mut() {
                Some(r) if r.1 + 1 == i => r.1 = i,
                _ => runs.push((i, i)),
            }
        }
        let mut edits = Vec::new();
        for (i, j) in runs {
            let (s, e) = (items[i].start, items[j].end);
            let last = j + 1 == items.len();
            if starts_line(b, s) {
                if let Some(nl) = trailing_to_eol(self.lx, e, seps) {
                    edits.push(edit(self.with_comment_above(line_start(b, s))..nl, ""));
                    if last && strict_json && sep_after(e).is_none() {
                        if let Some(p) = sep_after(items[i - 1].end) {
                            edits.push(edit(p..p + 1, ""));
                        }
                    }
                    continue;
                }
            }
            if !last {
                edits.push(edit(s..items[j + 1].start, ""));
            } else {
                edits.push(edit(items[i - 1].end..e, ""));
            }
        }
        Ok(edits)
    }

    /// `->withHeaders([...])` in a builder chain (Laravel's Http client),
    /// the map its only argument: cut the whole call when the map empties.
    fn drop_header_call(&self, open: usize, close: usize) -> Option<Edit> {
        let b = self.b();
        let paren = self.lx.enclosing_open(open)?;
        let paren_close = self.lx.matching_close(paren)?;
        if b[paren] != b'(' || self.lx.trim(paren + 1..paren_close) != (open..close + 1) {
            return None;
        }
        let mut is = paren;
        while is > 0 && (b[is - 1].is_ascii_alphanumeric() || b[is - 1] == b'_') {
            is -= 1;
        }
        if !HEADER_CALLS.contains(&self.lx.text[is..paren].to_ascii_lowercase().as_str()) {
            return None;
        }
        let dot = match is.checked_sub(1).map(|d| b[d]) {
            Some(b'.') => is - 1,
            Some(b'>') if is >= 2 && b[is - 2] == b'-' => is - 2,
            _ => return None,
        };
        // Only inside a chain: something must come before the accessor.
        let before = self.lx.text[..dot].trim_end();
        before
            .ends_with(|c: char| c == ')' || c.is_alphanumeric() || c == '_')
            .then(|| self.chain_cut(dot, paren_close))
    }

    /// `headers={...}` / `defaultHeaders: {...}` as an entry of a call or
    /// object: remove the whole entry when its map empties.
    fn drop_header_arg(&self, open: usize, close: usize) -> Option<Vec<Edit>> {
        let b = self.b();
        let mut p = open;
        if p > 0 && b[p - 1] == b'@' {
            p -= 1;
        }
        while p > 0 && b[p - 1].is_ascii_whitespace() {
            p -= 1;
        }
        if p == 0 || !matches!(b[p - 1], b'=' | b':' | b'>') {
            return None;
        }
        let mut q = p - 1;
        // `'headers' => [...]` (PHP, Ruby).
        if b[q] == b'>' {
            if q == 0 || b[q - 1] != b'=' {
                return None;
            }
            q -= 1;
        }
        while q > 0 && matches!(b[q - 1], b' ' | b'\t') {
            q -= 1;
        }
        let name_end = q;
        let name_range = match self.lx.string_at(q.saturating_sub(1)) {
            Some(r) if q > 0 => r,
            _ => {
                let mut s = q;
                while s > 0 && (b[s - 1].is_ascii_alphanumeric() || b[s - 1] == b'_') {
                    s -= 1;
                }
                s..name_end
            }
        };
        let name: String = self.lx.text[name_range.clone()]
            .chars()
            .filter(|c| c.is_ascii_alphanumeric())
            .collect::<String>()
            .to_ascii_lowercase();
        if !HEADER_ARGS.contains(&name.as_str()) {
            return None;
        }
        let parent = self.lx.enclosing_open(name_range.start)?;
        let php_array = self.kind == FileKind::Php && b[parent] == b'[';
        if !(matches!(b[parent], b'(' | b'{') || php_array) {
            return None;
        }
        let (_, items) = self.items(parent)?;
        let idx = items
            .iter()
            .position(|r| r.start == name_range.start && r.end == close + 1)?;
        // A call or object left with no argument is still valid.
        self.remove_items(parent, &BTreeSet::from([idx]), false)
            .ok()
    }

    // ---- YAML block maps and TOML keys ----------------------------------

    /// A block-map key at the start of its line: Some(parent line start).
    fn yaml_key(&self, key: Range<usize>) -> Option<Option<usize>> {
        let b = self.b();
        if !starts_line(b, key.start) {
            return None;
        }
        let mut i = key.end;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        if b.get(i) != Some(&b':')
            || !matches!(b.get(i + 1), None | Some(b' ' | b'\t' | b'\r' | b'\n'))
        {
            return None;
        }
        let ls = line_start(b, key.start);
        let ind = indent(b, ls);
        let mut p = ls;
        while p > 0 {
            p = line_start(b, p - 1);
            let t = self.lx.text[p..line_end(b, p)].trim();
            if t.is_empty() || t.starts_with('#') {
                continue;
            }
            if indent(b, p) < ind {
                return Some(Some(p));
            }
            if p == 0 {
                break;
            }
        }
        Some(None)
    }

    /// Remove the keys on `lines` under `parent`; when no sibling remains,
    /// the parent gets an empty map `{}` so its type does not change.
    fn remove_yaml_keys(
        &self,
        parent: Option<usize>,
        lines: &BTreeSet<usize>,
    ) -> Result<Vec<Edit>, Unremovable> {
        let b = self.b();
        let first = *lines.iter().next().ok_or("no key")?;
        let ind = indent(b, first);
        // Walk the parent's block: siblings sit at `ind`.
        let mut siblings = BTreeSet::new();
        let mut edits = Vec::new();
        let mut p = parent.map_or(0, |p| next_line(b, p));
        if parent.is_none() {
            p = 0;
        }
        let mut block_end = b.len();
        while p < b.len() {
            let le = line_end(b, p);
            let t = self.lx.text[p..le].trim();
            if !(t.is_empty() || t.starts_with('#')) {
                let i = indent(b, p);
                if i < ind {
                    block_end = p;
                    break;
                }
                if i == ind {
                    siblings.insert(p);
                }
            }
            p = next_line(b, p);
            if p == le {
                break;
            }
        }
        for &ls in lines {
            // The key's own line and its more-indented value lines.
            let mut end = next_line(b, ls);
            let mut q = end;
            while q < block_end {
                let le = line_end(b, q);
                let t = self.lx.text[q..le].trim();
                if !t.is_empty() && indent(b, q) <= ind {
                    break;
                }
                q = next_line(b, q);
                if !t.is_empty() {
                    end = q;
                }
                if q == le {
                    break;
                }
            }
            edits.push(edit(ls..end, ""));
        }
        if siblings.iter().all(|s| lines.contains(s)) {
            let Some(pl) = parent else {
                return Err("removing the header would empty the whole YAML document".into());
            };
            let le = line_end(b, pl);
            let head = self.lx.text[pl..le].trim_end();
            let colon = self.lx.text[pl..le]
                .rfind(':')
                .filter(|&c| c + 1 == head.len() || self.lx.class[pl + c + 1] == Class::Comment)
                .ok_or("the parent key of the header map has an inline value")?;
            edits.push(edit(pl + colon + 1..pl + colon + 1, " {}"));
        }
        Ok(edits)
    }

    fn toml_key(&self, key: Range<usize>) -> Option<Edit> {
        let b = self.b();
        if !starts_line(b, key.start) {
            return None;
        }
        let mut i = key.end;
        while i < b.len() && matches!(b[i], b' ' | b'\t') {
            i += 1;
        }
        if b.get(i) != Some(&b'=') {
            return None;
        }
        let end = self.stmt_end(i + 1)?;
        Some(edit(line_start(b, key.start)..end, ""))
    }
}

/// The language and body of the Markdown code fence holding `pos`.
fn fence_at(text: &str, pos: usize) -> Option<(FileKind, Range<usize>)> {
    fences(text).into_iter().find(|(_, r)| r.contains(&pos))
}

/// Every fenced code block of a Markdown text: its language (as a file
/// kind; `Text` when unknown) and the byte range of its body.
pub fn fences(text: &str) -> Vec<(FileKind, Range<usize>)> {
    crate::lang::markdown::fences(text)
        .into_iter()
        .map(|f| (f.kind().unwrap_or(FileKind::Text), f.body))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Remove every occurrence of each header name and return the text.
    fn run(kind: FileKind, text: &str, names: &[&str]) -> Result<String, String> {
        let mut spans = Vec::new();
        for n in names {
            for (at, _) in text.match_indices(n) {
                spans.push(at..at + n.len());
            }
        }
        let (groups, manual) = removals(kind, text, &spans);
        if let Some((_, why)) = manual.first() {
            return Err(why.clone());
        }
        let edits: Vec<Edit> = groups.into_iter().flat_map(|g| g.edits).collect();
        let s = crate::source::SourceText::decode(text.as_bytes().to_vec());
        Ok(String::from_utf8(s.apply(&edits).map_err(|e| e.to_string())?).unwrap())
    }

    #[test]
    fn python_dict_entries_multiline() {
        let src = "client = OpenAI(\n    base_url=URL,\n    default_headers={\n        \"HTTP-Referer\": \"https://x.dev\",  # site\n        \"X-Title\": \"App\",\n        \"Authorization\": auth,\n    },\n)\n";
        let out = run(FileKind::Python, src, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(
            out,
            "client = OpenAI(\n    base_url=URL,\n    default_headers={\n        \"Authorization\": auth,\n    },\n)\n"
        );
    }

    #[test]
    fn emptied_default_headers_argument_is_removed() {
        let src = "client = OpenAI(\n    base_url=URL,\n    default_headers={\n        \"HTTP-Referer\": \"https://x.dev\",\n        \"X-Title\": \"App\",\n    },\n)\n";
        let out = run(FileKind::Python, src, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(out, "client = OpenAI(\n    base_url=URL,\n)\n");
        let js = "const c = new OpenAI({ baseURL: u, defaultHeaders: { 'HTTP-Referer': site, 'X-Title': t } });\n";
        let out = run(FileKind::JavaScript, js, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(out, "const c = new OpenAI({ baseURL: u });\n");
    }

    #[test]
    fn emptied_variable_keeps_an_empty_map() {
        let src = "headers = {\"X-Title\": \"a\", \"HTTP-Referer\": \"b\"}\nrequests.post(u, headers=headers)\n";
        let out = run(FileKind::Python, src, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(out, "headers = {}\nrequests.post(u, headers=headers)\n");
    }

    #[test]
    fn inline_entries_keep_commas_right() {
        let js = "fetch(u, {headers: {Authorization: k, 'X-Title': 'a', 'Content-Type': j}})\n";
        assert_eq!(
            run(FileKind::JavaScript, js, &["X-Title"]).unwrap(),
            "fetch(u, {headers: {Authorization: k, 'Content-Type': j}})\n"
        );
        let js = "h = {Authorization: k, 'X-Title': 'a'}\n";
        assert_eq!(
            run(FileKind::JavaScript, js, &["X-Title"]).unwrap(),
            "h = {Authorization: k}\n"
        );
    }

    #[test]
    fn json_last_entry_takes_the_previous_comma() {
        let src = "{\n  \"headers\": {\n    \"Authorization\": \"Bearer x\",\n    \"X-Title\": \"App\"\n  }\n}\n";
        let out = run(FileKind::Json, src, &["X-Title"]).unwrap();
        assert_eq!(
            out,
            "{\n  \"headers\": {\n    \"Authorization\": \"Bearer x\"\n  }\n}\n"
        );
        serde_json::from_str::<serde_json::Value>(&out).unwrap();
    }

    #[test]
    fn rust_header_chain() {
        let src = "let r = client\n    .post(url)\n    .header(\"HTTP-Referer\", \"https://x\")\n    .header(\"X-Title\", \"x\")\n    .json(&body);\n";
        let out = run(FileKind::Rust, src, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(out, "let r = client\n    .post(url)\n    .json(&body);\n");
        let src =
            "let r = client.post(url)\n    .bearer_auth(k)\n    .header(\"X-Title\", \"x\");\n";
        let out = run(FileKind::Rust, src, &["X-Title"]).unwrap();
        assert_eq!(out, "let r = client.post(url)\n    .bearer_auth(k);\n");
        let src = "let r = c.post(u).header(\"X-Title\", \"x\").send();\n";
        let out = run(FileKind::Rust, src, &["X-Title"]).unwrap();
        assert_eq!(out, "let r = c.post(u).send();\n");
    }

    #[test]
    fn kotlin_bare_header_calls() {
        let src = "client.post(url) {\n    // App attribution for OpenRouter\n    header(\"HTTP-Referer\", site)\n    headers { append(\"X-Title\", \"App\") }\n    setBody(b)\n}\n";
        let out = run(FileKind::Kotlin, src, &["HTTP-Referer"]).unwrap();
        assert_eq!(
            out,
            "client.post(url) {\n    headers { append(\"X-Title\", \"App\") }\n    setBody(b)\n}\n"
        );
        // Not alone on its line: a person decides.
        assert!(run(FileKind::Kotlin, src, &["X-Title"]).is_err());
        assert!(run(
            FileKind::Kotlin,
            "val h = header(\"X-Title\", t)\n",
            &["X-Title"]
        )
        .is_err());
    }

    #[test]
    fn go_header_set_statement() {
        let src = "\treq.Header.Set(\"Authorization\", \"Bearer \"+k)\n\treq.Header.Set(\"HTTP-Referer\", site) // attribution\n\treq.Header.Set(\"X-Title\", \"app\")\n\tresp, err := c.Do(req)\n";
        let out = run(FileKind::Go, src, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(
            out,
            "\treq.Header.Set(\"Authorization\", \"Bearer \"+k)\n\tresp, err := c.Do(req)\n"
        );
    }

    #[test]
    fn shell_continuation_lines() {
        let src = "curl https://x/v1/chat \\\n  -H \"Authorization: Bearer $K\" \\\n  -H \"HTTP-Referer: https://x.dev\" \\\n  -d @body.json \\\n  -H 'X-Title: App'\necho done\n";
        let out = run(FileKind::Shell, src, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(
            out,
            "curl https://x/v1/chat \\\n  -H \"Authorization: Bearer $K\" \\\n  -d @body.json\necho done\n"
        );
        // Consecutive trailing lines: the command ends before them all.
        let tail = "curl https://x/v1/chat \\\n  -H \"Authorization: Bearer $K\" \\\n  -H \"HTTP-Referer: https://x.dev\" \\\n  -H 'X-Title: App'  # attribution\necho done\n";
        assert_eq!(
            run(FileKind::Shell, tail, &["HTTP-Referer", "X-Title"]).unwrap(),
            "curl https://x/v1/chat \\\n  -H \"Authorization: Bearer $K\"\necho done\n"
        );
        let three = "curl \"$URL\" \\\n  -d @b.json \\\n  -H 'X-Title: a' \\\n  -H 'HTTP-Referer: b' \\\n  -H 'X-OpenRouter-Title: c'\n";
        assert_eq!(
            run(
                FileKind::Shell,
                three,
                &["HTTP-Referer", "X-Title", "X-OpenRouter-Title"]
            )
            .unwrap(),
            "curl \"$URL\" \\\n  -d @b.json\n"
        );
        let inline = "curl -s -H \"X-Title: a\" -H 'HTTP-Referer: b' \"$URL\"\n";
        assert_eq!(
            run(FileKind::Shell, inline, &["HTTP-Referer", "X-Title"]).unwrap(),
            "curl -s \"$URL\"\n"
        );
    }

    #[test]
    fn powershell_hashtable_and_yaml_maps() {
        let ps = "$headers = @{\n    \"Authorization\" = \"Bearer $key\"\n    \"HTTP-Referer\" = \"https://x.dev\"\n    \"X-Title\" = \"App\"\n}\n";
        let out = run(FileKind::PowerShell, ps, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(
            out,
            "$headers = @{\n    \"Authorization\" = \"Bearer $key\"\n}\n"
        );
        let ps1 = "$h = @{ 'X-Title' = 'a'; 'Authorization' = $k }\n";
        assert_eq!(
            run(FileKind::PowerShell, ps1, &["X-Title"]).unwrap(),
            "$h = @{ 'Authorization' = $k }\n"
        );
        let y = "llm:\n  headers:\n    HTTP-Referer: https://x.dev\n    X-Title: >\n      App\n  model: m\n";
        let out = run(FileKind::Yaml, y, &["HTTP-Referer", "X-Title"]).unwrap();
        assert_eq!(out, "llm:\n  headers: {}\n  model: m\n");
        let y2 = "headers:\n  Authorization: x\n  X-Title: App\n";
        assert_eq!(
            run(FileKind::Yaml, y2, &["X-Title"]).unwrap(),
            "headers:\n  Authorization: x\n"
        );
    }

    #[test]
    fn php_arrays_and_builder_chains() {
        let guzzle = "$c = new Client([\n    'headers' => [\n        'Authorization' => $k,\n        'X-Title' => 'App',\n    ],\n]);\n";
        assert_eq!(
            run(FileKind::Php, guzzle, &["X-Title"]).unwrap(),
            "$c = new Client([\n    'headers' => [\n        'Authorization' => $k,\n    ],\n]);\n"
        );
        // An emptied `'headers' => [...]` entry goes whole; so does an
        // emptied `->withHeaders([...])` call in a chain.
        let only = "$c = new Client(['base_uri' => $u, 'headers' => ['X-Title' => 'App']]);\n";
        assert_eq!(
            run(FileKind::Php, only, &["X-Title"]).unwrap(),
            "$c = new Client(['base_uri' => $u]);\n"
        );
        let laravel = "Http::withToken($k)\n    ->withHeaders(['HTTP-Referer' => $u, 'X-Title' => $n])\n    ->post($url, $body);\n";
        assert_eq!(
            run(FileKind::Php, laravel, &["HTTP-Referer", "X-Title"]).unwrap(),
            "Http::withToken($k)\n    ->post($url, $body);\n"
        );
        let factory = "OpenAI::factory()\n    ->withApiKey($k)\n    ->withHttpHeader('X-Title', 'App')\n    ->make();\n";
        assert_eq!(
            run(FileKind::Php, factory, &["X-Title"]).unwrap(),
            "OpenAI::factory()\n    ->withApiKey($k)\n    ->make();\n"
        );
        // `=>` is not `=`: a PHP entry must use `=>`.
        assert!(run(FileKind::Php, "$h = ['X-Title' >= 1];\n", &["X-Title"]).is_err());
    }

    #[test]
    fn lua_bracket_fields_ruby_hashes_and_batch_carets() {
        let lua = "headers = {\n  [\"HTTP-Referer\"] = \"https://x.dev\",\n  [\"X-Title\"] = \"nvim\",\n  Accept = \"json\",\n}\n";
        assert_eq!(
            run(FileKind::Lua, lua, &["HTTP-Referer", "X-Title"]).unwrap(),
            "headers = {\n  Accept = \"json\",\n}\n"
        );
        let rb = "c = C.new(uri_base: u, extra_headers: { \"X-Title\" => \"App\" })\n";
        assert_eq!(
            run(FileKind::Ruby, rb, &["X-Title"]).unwrap(),
            "c = C.new(uri_base: u)\n"
        );
        let bat = "curl -s %BASE%/models ^\r\n  -H \"Accept: json\" ^\r\n  -H \"X-Title: App\"\r\necho done\r\n";
        assert_eq!(
            run(FileKind::Batch, bat, &["X-Title"]).unwrap(),
            "curl -s %BASE%/models ^\r\n  -H \"Accept: json\"\r\necho done\r\n"
        );
        assert!(run(FileKind::Batch, "echo \"X-Title: a\"\r\n", &["X-Title"]).is_err());
    }

    #[test]
    fn markdown_fence_uses_its_language() {
        let md = "Don't forget:\n\n```python\nh = {\"X-Title\": \"a\", \"k\": 1}\n```\n";
        assert_eq!(
            run(FileKind::Markdown, md, &["X-Title"]).unwrap(),
            "Don't forget:\n\n```python\nh = {\"k\": 1}\n```\n"
        );
    }

    #[test]
    fn unsafe_places_become_manual() {
        assert!(run(FileKind::Python, "print('X-Title')\n", &["X-Title"]).is_err());
        assert!(run(FileKind::Text, "X-Title: a\n", &["X-Title"]).is_err());
        assert!(run(FileKind::Shell, "echo \"X-Title: a\"\n", &["X-Title"]).is_err());
    }

    #[test]
    fn js_statement_setters() {
        let src = "headers.set('X-Title', 'a');\nxhr.setRequestHeader(\"HTTP-Referer\", location.href);\nsend();\n";
        assert_eq!(
            run(FileKind::JavaScript, src, &["HTTP-Referer", "X-Title"]).unwrap(),
            "send();\n"
        );
        let py = "s.headers[\"X-Title\"] = (\n    \"a\"\n)\nrun()\n";
        assert_eq!(run(FileKind::Python, py, &["X-Title"]).unwrap(), "run()\n");
    }

    #[test]
    fn more_real_shapes() {
        // TS cast after the object: the object empties, the cast stays.
        let ts = "new OpenAI({ apiKey: k, defaultHeaders: { \"X-Title\": \"a\" } as Record<string, string> });\n";
        assert_eq!(
            run(FileKind::JavaScript, ts, &["X-Title"]).unwrap(),
            "new OpenAI({ apiKey: k, defaultHeaders: {} as Record<string, string> });\n"
        );
        // A quoted "headers" key inside model_kwargs goes when it empties.
        let py =
            "llm = ChatOpenAI(model_kwargs={\"headers\": {\"X-Title\": \"a\"}, \"top_p\": 1})\n";
        assert_eq!(
            run(FileKind::Python, py, &["X-Title"]).unwrap(),
            "llm = ChatOpenAI(model_kwargs={\"top_p\": 1})\n"
        );
        // Go map literal and Rust HeaderMap inserts.
        let go = "\th := map[string]string{\"HTTP-Referer\": site, \"X-Title\": \"x\"}\n";
        assert_eq!(
            run(FileKind::Go, go, &["HTTP-Referer", "X-Title"]).unwrap(),
            "\th := map[string]string{}\n"
        );
        let rs = "    h.insert(\"X-Title\", HeaderValue::from_static(\"x\"));\n    h\n";
        assert_eq!(run(FileKind::Rust, rs, &["X-Title"]).unwrap(), "    h\n");
        // curl in a YAML run block, last line of the command.
        let y = "      - run: |\n          curl -s $URL \\\n            -H \"X-Title: a\"\n      - run: echo ok\n";
        assert_eq!(
            run(FileKind::Yaml, y, &["X-Title"]).unwrap(),
            "      - run: |\n          curl -s $URL\n      - run: echo ok\n"
        );
        // CRLF line mode keeps CRLF on the lines that stay.
        let crlf = "h = {\r\n    \"X-Title\": \"a\",\r\n    \"k\": 1,\r\n}\r\n";
        assert_eq!(
            run(FileKind::Python, crlf, &["X-Title"]).unwrap(),
            "h = {\r\n    \"k\": 1,\r\n}\r\n"
        );
    }

    #[test]
    fn comments_about_attribution_go_with_the_lines_they_describe() {
        let js = "  headers: {\n    // Required: JSON\n    'Content-Type': 'application/json',\n    // Optional: identify your app on openrouter.ai\n    'HTTP-Referer': site,\n    'X-Title': 'App',\n  },\n";
        assert_eq!(
            run(FileKind::JavaScript, js, &["HTTP-Referer", "X-Title"]).unwrap(),
            "  headers: {\n    // Required: JSON\n    'Content-Type': 'application/json',\n  },\n"
        );
        let py = "h = {\n    # TODO: tidy\n    \"X-Title\": \"a\",\n    \"k\": 1,\n}\n";
        assert_eq!(
            run(FileKind::Python, py, &["X-Title"]).unwrap(),
            "h = {\n    # TODO: tidy\n    \"k\": 1,\n}\n"
        );
        let go = "\t// attribution for the OpenRouter rankings\n\treq.Header.Set(\"X-Title\", \"a\")\n\tdo()\n";
        assert_eq!(run(FileKind::Go, go, &["X-Title"]).unwrap(), "\tdo()\n");
    }
}
