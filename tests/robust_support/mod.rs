//! Checks shared by the property tests (tests/robust_*.rs) and the cargo-fuzz
//! targets (fuzz/fuzz_targets/*.rs include this file by path): each takes
//! arbitrary input and panics when an invariant breaks, so libFuzzer and
//! proptest exercise exactly the same entry points.
#![allow(dead_code)]

use std::ops::Range;
use std::sync::OnceLock;

use llmgw_migrate::finding::Kind;
use llmgw_migrate::lang::{lexer, markdown, FileKind, Read};
use llmgw_migrate::rules::{Loaded, Rules, TargetTable};
use llmgw_migrate::scan::{scan_source, FileResult, ScanReport};
use llmgw_migrate::source::{Edit, Encoding, SourceText};

pub fn rules() -> &'static Rules {
    static R: OnceLock<Rules> = OnceLock::new();
    R.get_or_init(|| Rules::embedded().expect("embedded tables load"))
}

pub const TARGETS: [&str; 3] = ["llmgateway", "ominigate", "phaseo"];

pub fn target(i: usize) -> &'static Loaded<TargetTable> {
    rules()
        .target(TARGETS[i % TARGETS.len()])
        .expect("built-in target")
}

/// File names covering every file kind the scanner tells apart.
pub const NAMES: &[&str] = &[
    "app.py",
    "src/index.ts",
    "web/page.tsx",
    "lib/a.js",
    "b.jsx",
    "main.go",
    "src/main.rs",
    "run.sh",
    "smoke.ps1",
    "config.json",
    "package.json",
    "package-lock.json",
    "notebook.ipynb",
    "config.yaml",
    "docker-compose.yml",
    ".github/workflows/ci.yml",
    "pyproject.toml",
    "Cargo.toml",
    "settings.toml",
    ".streamlit/secrets.toml",
    ".env",
    ".env.example",
    "setup.cfg",
    "app.ini",
    "Dockerfile",
    "README.md",
    "requirements.txt",
    "requirements-dev.txt",
    "notes.txt",
    "Makefile",
    "unknown.xyz",
    "noext",
];

/// Splits fuzz input into a selector byte and the rest.
pub fn split(data: &[u8]) -> (u8, &[u8]) {
    match data.split_first() {
        Some((b, rest)) => (*b, rest),
        None => (0, data),
    }
}

/// Every token and group span must lie on char boundaries inside the text.
fn check_lexed(text: &str, lx: &lexer::Lexed) {
    for t in &lx.tokens {
        for r in [&t.span, &t.inner] {
            assert!(
                r.start <= r.end && r.end <= text.len(),
                "token span {r:?} out of bounds"
            );
            assert!(text.is_char_boundary(r.start) && text.is_char_boundary(r.end));
        }
        assert!(t.group < lx.groups.len().max(1), "token group out of range");
    }
    for g in &lx.groups {
        assert!(g.span.start <= g.span.end && g.span.end <= text.len());
        if let Some(l) = &g.label {
            assert!(l.start <= l.end && l.end <= text.len());
        }
    }
}

/// Every language module's token lexer.
fn lexers() -> Vec<fn(&str) -> lexer::Lexed> {
    FileKind::ALL
        .iter()
        .filter_map(|k| match k.language().read {
            Read::Tokens { lex, .. } => Some(lex),
            _ => None,
        })
        .collect()
}

/// The code lexer, through each code language's lexer (selector byte),
/// over lossy text.
pub fn lex_code(data: &[u8]) {
    let (sel, rest) = split(data);
    let text = String::from_utf8_lossy(rest);
    let code = [
        FileKind::Python,
        FileKind::JavaScript,
        FileKind::Go,
        FileKind::Rust,
        FileKind::Json,
        FileKind::Shell,
        FileKind::PowerShell,
    ];
    let kind = code[sel as usize % code.len()];
    let lex = kind
        .language()
        .classes
        .expect("code languages have a lexer");
    check_lexed(&text, &lex(&text));
}

/// Every language's reader (selector byte): token lexers, and the embedded
/// documents of Markdown and notebooks.
pub fn lex_config(data: &[u8]) {
    let (sel, rest) = split(data);
    let text = String::from_utf8_lossy(rest);
    let lexers = lexers();
    let n = sel as usize % (lexers.len() + 2);
    if let Some(lex) = lexers.get(n) {
        return check_lexed(&text, &lex(&text));
    }
    let kind = [FileKind::Markdown, FileKind::Notebook][n - lexers.len()];
    let Read::Embedded(documents) = kind.language().read else {
        unreachable!("{kind:?} embeds documents")
    };
    for doc in documents(&text) {
        assert_eq!(doc.map.len(), doc.text.len() + 1);
        assert!(doc.map.iter().all(|&m| m <= text.len()));
    }
    for f in markdown::fences(&text) {
        assert!(f.body.start <= f.body.end && f.body.end <= text.len());
        assert!(text.is_char_boundary(f.body.start) && text.is_char_boundary(f.body.end));
    }
}

/// The table loader must answer with diagnostics, never a panic.
pub fn parse_table(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    if let Err(e) = llmgw_migrate::rules::parse_table("fuzz.yaml", &text) {
        // Diagnostics must render (they name file:line:col).
        let _ = e.to_string();
    }
}

/// Scans `bytes` as the file `name` for every target and checks what comes
/// back: spans in bounds, positions consistent, each auto edit applicable.
pub fn scan_bytes(
    name: &str,
    bytes: &[u8],
    target_sel: usize,
) -> Vec<llmgw_migrate::finding::Finding> {
    let src = SourceText::decode(bytes.to_vec());
    let t = target(target_sel);
    let findings = scan_source(rules(), t, name, &src, target_sel & 1 == 0);
    for f in &findings {
        assert!(
            f.span.start <= f.span.end && f.span.end <= src.text.len(),
            "span out of bounds"
        );
        assert!(
            f.line >= 1 && f.column >= 1 && f.end_line >= f.line,
            "bad position {f:?}"
        );
        if let Some(e) = &f.edit {
            src.apply(std::slice::from_ref(e))
                .unwrap_or_else(|err| panic!("auto edit does not apply: {err} ({f:?})"));
        }
    }
    findings
}

/// Fuzz entry: selector picks a file name (or the input names itself:
/// `name\0bytes`), the rest is the file.
pub fn scan_any(data: &[u8]) {
    let (sel, rest) = split(data);
    if sel == 0xFF {
        if let Some(p) = rest.iter().position(|&b| b == 0) {
            let name = String::from_utf8_lossy(&rest[..p]);
            scan_bytes(&name, &rest[p + 1..], sel as usize);
            return;
        }
    }
    scan_bytes(
        NAMES[sel as usize % NAMES.len()],
        rest,
        sel as usize / NAMES.len(),
    );
}

/// Reference decoding of non-UTF-16 bytes: valid UTF-8 runs as they are,
/// each other byte as its Latin-1 character (what SourceText promises).
fn latin1_lossy(bytes: &[u8]) -> String {
    let mut s = String::new();
    for chunk in bytes.utf8_chunks() {
        s.push_str(chunk.valid());
        s.extend(chunk.invalid().iter().map(|&b| char::from(b)));
    }
    s
}

fn floor_char(s: &str, mut i: usize) -> usize {
    i = i.min(s.len());
    while !s.is_char_boundary(i) {
        i -= 1;
    }
    i
}

/// Builds non-overlapping edits on char boundaries from `ctl`.
pub fn edits_from(text: &str, ctl: &[u8]) -> Vec<Edit> {
    let mut edits = Vec::new();
    let mut pos = 0usize;
    for c in ctl.chunks(3) {
        let (gap, len, what) = (
            c[0] as usize,
            c.get(1).copied().unwrap_or(0) as usize % 16,
            c.get(2).copied().unwrap_or(0),
        );
        let start = floor_char(text, pos + gap % 64);
        let end = floor_char(text, start + len).max(start);
        if start > text.len() || (start == text.len() && !edits.is_empty()) {
            break;
        }
        let repl = match what % 4 {
            0 => String::new(),
            1 => "https://api.llmgateway.io/v1".to_owned(),
            2 => "é\r\n".to_owned(),
            _ => "LLM_GATEWAY_API_KEY".to_owned(),
        };
        edits.push(Edit {
            range: start..end,
            text: repl,
        });
        pos = end + 1;
        if pos > text.len() {
            break;
        }
    }
    edits
}

fn spliced(text: &str, edits: &[Edit]) -> String {
    let mut out = String::new();
    let mut pos = 0;
    for e in edits {
        out.push_str(&text[pos..e.range.start]);
        out.push_str(&e.text);
        pos = e.range.end;
    }
    out.push_str(&text[pos..]);
    out
}

/// SourceText decode + apply: positions map back faithfully and bytes
/// outside the edits are copied unchanged.
pub fn source_apply(data: &[u8]) {
    let (n, rest) = split(data);
    let cut = (n as usize).min(rest.len());
    let (ctl, file) = rest.split_at(cut);
    let src = SourceText::decode(file.to_vec());
    // Offsets of every char boundary map to an in-bounds, monotone original offset.
    let mut last = 0;
    for (i, _) in src
        .text
        .char_indices()
        .chain(std::iter::once((src.text.len(), ' ')))
    {
        let o = src.orig_offset(i);
        assert!(
            o <= src.bytes.len() && o >= last,
            "orig_offset({i}) = {o} not monotone"
        );
        last = o;
        let _ = src.line_col(i);
    }
    let edits = edits_from(&src.text, ctl);
    let out = src.apply(&edits).expect("valid edits apply");
    match src.encoding {
        Encoding::Utf16Le | Encoding::Utf16Be => {
            if src.round_trips() {
                assert_eq!(SourceText::decode(out).text, spliced(&src.text, &edits));
            }
        }
        enc => {
            // Untouched original segments appear byte for byte, in order.
            let mut expect = Vec::new();
            let (mut pos, mut tpos) = (0, 0);
            for e in &edits {
                let (s, t) = (src.orig_offset(e.range.start), src.orig_offset(e.range.end));
                assert_eq!(
                    latin1_lossy(&src.bytes[pos.max(bom_len(enc))..s]),
                    src.text[tpos..e.range.start],
                    "original segment does not decode to its text"
                );
                expect.extend_from_slice(&src.bytes[pos..s]);
                expect.extend_from_slice(e.text.as_bytes());
                (pos, tpos) = (t, e.range.end);
            }
            expect.extend_from_slice(&src.bytes[pos..]);
            assert_eq!(out, expect, "bytes outside edits changed");
            if enc != Encoding::Lossy {
                let back = SourceText::decode(out);
                assert_eq!(back.text, spliced(&src.text, &edits));
            }
        }
    }
}

fn bom_len(enc: Encoding) -> usize {
    if enc == Encoding::Utf8Bom {
        3
    } else {
        0
    }
}

/// A fake OpenRouter key body of 64 hex characters from `seed`.
pub fn key_body(seed: &[u8]) -> String {
    const HEX: &[u8] = b"0123456789abcdef";
    (0..64)
        .map(|i| {
            let b = seed.get(i % seed.len().max(1)).copied().unwrap_or(7) as usize;
            HEX[(b.wrapping_mul(31) + i * 7) % 16] as char
        })
        .collect()
}

fn key_chars(seed: &[u8], len: usize, alphabet: &[u8]) -> String {
    (0..len)
        .map(|i| {
            let b = seed[i % seed.len()] as usize;
            alphabet[(b.wrapping_mul(131) + i * 17 + b / 7) % alphabet.len()] as char
        })
        .collect()
}

/// (key, its random part) of provider `p` (`seed` of 2+ bytes): OpenRouter,
/// Anthropic, OpenAI project, Google, and the three targets' shapes.
pub fn provider_key(p: u8, seed: &[u8]) -> (String, String) {
    const HEX: &[u8] = b"0123456789abcdef";
    const B64: &[u8] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-";
    match p % 7 {
        0 => {
            let b = key_chars(seed, 64, HEX);
            (format!("sk-or-v1-{b}"), b)
        }
        1 => {
            let b = key_chars(seed, 93, B64);
            (format!("sk-ant-api03-{b}AA"), b)
        }
        2 => {
            let (a, c) = (key_chars(seed, 40, B64), key_chars(&seed[1..], 40, B64));
            (format!("sk-proj-{a}T3BlbkFJ{c}"), a + &c)
        }
        3 => {
            let b = key_chars(seed, 35, B64);
            (format!("AIza{b}"), b)
        }
        4 => {
            let b = key_chars(seed, 40, B64);
            (format!("llmgtwy_{b}"), b)
        }
        5 => {
            let b = key_chars(seed, 48, HEX);
            (format!("phaseo_v1_sk_{b}"), b)
        }
        _ => {
            let b = key_chars(seed, 48, HEX);
            (format!("sk-omg-{b}"), b)
        }
    }
}

/// Every run of `n` consecutive characters of `body` that appears in `out`.
pub fn leaked_run(out: &str, body: &str, n: usize) -> Option<String> {
    let b = body.as_bytes();
    (0..=b.len().saturating_sub(n))
        .map(|i| &body[i..i + n])
        .find(|w| out.contains(w))
        .map(str::to_owned)
}

/// A one-file report from findings, for rendering every output format.
pub fn report_for(
    name: &str,
    bytes: &[u8],
    findings: Vec<llmgw_migrate::finding::Finding>,
    t: usize,
) -> ScanReport {
    ScanReport {
        table: target(t).label(),
        files: vec![FileResult {
            path: name.to_owned(),
            abs: name.into(),
            source: SourceText::decode(bytes.to_vec()),
            findings,
        }],
        files_scanned: 1,
        files_skipped: 0,
        errors: Vec::new(),
    }
}

/// Renders a report in every in-process format (JSON, SARIF, GitHub
/// annotations, JUnit, step summary).
pub fn render_all(report: &ScanReport, t: usize) -> String {
    use llmgw_migrate::report::{github, junit, sarif, step_summary, ScanOutput};
    let out = ScanOutput::new(report);
    let mut s = serde_json::to_string_pretty(&out).expect("json");
    s.push_str(&sarif::render(
        &out,
        target(t),
        &rules().source_default().label(),
        &llmgw_migrate::baseline::fingerprints(report),
    ));
    s.push_str(&github::render(&out));
    s.push_str(&junit::render(&out));
    s.push_str(&step_summary::markdown(&out));
    s
}

/// Secrets found in `bytes` never leave the scanner whole: no output format
/// holds 20 consecutive characters of the key body.
pub fn no_key_leak(name: &str, bytes: &[u8], body: &str, t: usize) {
    let findings = scan_bytes(name, bytes, t);
    let debug = format!("{findings:?}");
    let report = report_for(name, bytes, findings, t);
    let rendered = render_all(&report, t);
    let rewrite = rewrite_outputs(name, bytes, t);
    // UTF-16 output of ASCII text is that text with NULs between.
    let rewrite_utf8 = String::from_utf8_lossy(&rewrite).into_owned();
    let rewrite_utf16: String = String::from_utf8_lossy(
        &rewrite
            .iter()
            .copied()
            .filter(|&b| b != 0)
            .collect::<Vec<u8>>(),
    )
    .into_owned();
    for (what, s) in [
        ("output", &rendered),
        ("finding debug", &debug),
        ("rewrite output", &rewrite_utf8),
        ("rewrite output (UTF-16)", &rewrite_utf16),
    ] {
        if let Some(run) = leaked_run(s, body, 20) {
            panic!("{what} leaks key text {run:?} for {name}");
        }
    }
}

/// Everything `rewrite` prints for one in-memory file, in every mode and
/// format, through the same rendering and redaction as the command.
pub fn rewrite_outputs(name: &str, bytes: &[u8], t: usize) -> Vec<u8> {
    use llmgw_migrate::cli::RewriteFormat;
    use llmgw_migrate::rewrite::report::{redact, render, RewriteMode};
    let mut plan = plan_one(name, bytes, t);
    let r = llmgw_migrate::redact::Redactor::for_rules(rules());
    redact(&mut plan, &r);
    let written: Vec<String> = plan.pending().map(|f| f.path.clone()).collect();
    let mut all = Vec::new();
    for mode in [RewriteMode::DryRun, RewriteMode::Check, RewriteMode::Write] {
        for format in [RewriteFormat::Diff, RewriteFormat::Json] {
            let color = llmgw_migrate::style::ColorChoice(false);
            let out = render(
                &plan,
                mode,
                format,
                &written,
                &[],
                &[],
                &r,
                &|_| None,
                "",
                color,
            );
            all.extend(out.expect("rendering to memory"));
        }
    }
    all
}

pub fn kinds_of(f: &[llmgw_migrate::finding::Finding]) -> Vec<Kind> {
    f.iter().map(|f| f.kind).collect()
}

pub fn range_ok(r: &Range<usize>, len: usize) -> bool {
    r.start <= r.end && r.end <= len
}

/// Scan one in-memory file and plan its rewrite.
pub fn plan_one(name: &str, bytes: &[u8], t: usize) -> llmgw_migrate::rewrite::Plan {
    let findings = scan_bytes(name, bytes, t);
    let report = report_for(name, bytes, findings, t);
    llmgw_migrate::rewrite::plan(
        report,
        &target(t).table,
        llmgw_migrate::rewrite::RewriteOptions::default(),
    )
}

/// What a rewritten file must satisfy: same encoding family (BOM kept,
/// UTF-16 stays UTF-16), and rewriting it again changes nothing.
pub fn check_rewritten(name: &str, before: &[u8], after: &[u8], t: usize) {
    same_encoding_family(name, before, after);
    let again = plan_one(name, after, t);
    let pending: Vec<_> = again.pending().map(|f| &f.edits).collect();
    assert!(
        pending.is_empty(),
        "{name}: rewriting the output again still edits: {pending:?}"
    );
}

/// BOM kept, UTF-16 stays UTF-16 (a lossy file may become UTF-8).
pub fn same_encoding_family(name: &str, before: &[u8], after: &[u8]) {
    let (a, b) = (
        SourceText::decode(before.to_vec()),
        SourceText::decode(after.to_vec()),
    );
    let same_family = a.encoding == b.encoding
        // Removing a line can remove the only invalid byte.
        || (a.encoding == Encoding::Lossy && b.encoding == Encoding::Utf8);
    assert!(
        same_family,
        "{name}: encoding {:?} became {:?}",
        a.encoding, b.encoding
    );
}

/// Fuzz entry for rewrite: input -> findings -> edits -> output; never a
/// panic, and the output is a fixed point.
pub fn rewrite_any(data: &[u8]) {
    let (sel, rest) = split(data);
    let name = NAMES[sel as usize % NAMES.len()];
    let t = sel as usize / NAMES.len();
    let plan = plan_one(name, rest, t);
    for fp in plan.pending() {
        let out = fp.output.as_ref().expect("pending files have output");
        check_rewritten(name, rest, out, t);
    }
}

/// The golden-set and gateway-config loaders answer with an error that
/// names the file, never a panic.
#[cfg(feature = "parity")]
pub fn parity_inputs(data: &[u8]) {
    let (sel, rest) = split(data);
    let text = String::from_utf8_lossy(rest);
    let err = if sel & 1 == 0 {
        llmgw_migrate::parity::golden::parse("golden.yaml", &text)
            .err()
            .map(|e| (e.to_string(), "golden.yaml"))
    } else {
        llmgw_migrate::parity::config::parse("parity.yaml", &text)
            .err()
            .map(|e| (e.to_string(), "parity.yaml"))
    };
    if let Some((msg, file)) = err {
        assert!(msg.contains(file), "error does not name the file: {msg}");
    }
}

/// SSE: any split of the same bytes into chunks yields the same events and
/// the same truncation flag as parsing them whole.
#[cfg(feature = "parity")]
pub fn sse_chunking(data: &[u8]) {
    use llmgw_migrate::parity::sse::{parse_all, Parser};
    let (step, body) = split(data);
    let whole = parse_all(body);
    let mut p = Parser::new();
    let mut items = Vec::new();
    let mut i = 0;
    let mut k = step as usize;
    while i < body.len() {
        k = k.wrapping_mul(31).wrapping_add(7);
        let n = 1 + k % 17;
        let end = (i + n).min(body.len());
        items.extend(p.feed(&body[i..end]));
        i = end;
    }
    let (rest, cut) = p.finish();
    items.extend(rest);
    assert_eq!(
        (items, cut),
        whole,
        "chunked parse differs from whole parse"
    );
}

/// `text` encoded as UTF-16 with a byte-order mark.
pub fn utf16(text: &str, le: bool) -> Vec<u8> {
    let mut out = if le {
        vec![0xFF, 0xFE]
    } else {
        vec![0xFE, 0xFF]
    };
    for u in text.encode_utf16() {
        out.extend_from_slice(&if le { u.to_le_bytes() } else { u.to_be_bytes() });
    }
    out
}
