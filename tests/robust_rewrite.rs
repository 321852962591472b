//! Rewrite under odd input: never a panic, output is a fixed point, and the
//! mutation run (fixtures re-encoded, line endings changed, BOMs added or
//! dropped, truncated anywhere) writes every file whole or not at all.
//!
//! CI runs a short mutation run; the long one (10,000 cases) is
//! `MUTATION_CASES=10000 cargo test --release --test robust_rewrite -- mutation`
//! (scripts/bench-rewrite.sh runs it).

mod robust_support;

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use llmgw_migrate::rewrite;
use llmgw_migrate::scan::{scan, ScanOptions};
use proptest::prelude::*;
use rand::rngs::StdRng;
use rand::{Rng, SeedableRng};
use robust_support as h;

fn config() -> ProptestConfig {
    let cases = std::env::var("PROPTEST_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(32);
    ProptestConfig {
        cases,
        failure_persistence: None,
        ..ProptestConfig::default()
    }
}

/// Lines that produce findings of every kind in several languages.
const LINES: &[&str] = &[
    "client = OpenAI(base_url=\"https://openrouter.ai/api/v1\", api_key=os.environ[\"OPENROUTER_API_KEY\"])",
    "    default_headers={\"HTTP-Referer\": \"https://myapp.example\", \"X-Title\": \"My App\"},",
    "model = \"anthropic/claude-3.5-sonnet\"",
    "const openai = new OpenAI({ baseURL: 'https://openrouter.ai/api/v1', apiKey: process.env.OPENROUTER_API_KEY });",
    "  headers: { 'HTTP-Referer': 'https://x.example', 'X-Title': 'x' },",
    "OPENROUTER_API_KEY=sk-or-v1-0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcdef",
    "OPENROUTER_BASE_URL=https://openrouter.ai/api/v1",
    "curl https://openrouter.ai/api/v1/chat/completions -H \"Authorization: Bearer $OPENROUTER_API_KEY\"",
    "import { createOpenRouter } from '@openrouter/ai-sdk-provider';",
    "base_url = \"https://openrouter.ai/api/v1\"",
    "  \"model\": \"openai/gpt-4o\",",
    "# comment with é and ünïcödé",
    "}",
    ")",
    "",
];

fn text_file() -> impl Strategy<Value = Vec<u8>> {
    (
        prop::collection::vec(0..LINES.len(), 1..12),
        0u8..4,
        any::<u8>(),
    )
        .prop_map(|(idx, nl, how)| {
            let nl = ["\n", "\r\n", "\r", "\n"][nl as usize];
            let text = idx.iter().map(|&i| LINES[i]).collect::<Vec<_>>().join(nl);
            encode(&text, how)
        })
}

/// UTF-8, UTF-8 with BOM, UTF-16 LE/BE, or Latin-1.
fn encode(text: &str, how: u8) -> Vec<u8> {
    match how % 5 {
        0 => text.as_bytes().to_vec(),
        1 => [b"\xEF\xBB\xBF".as_slice(), text.as_bytes()].concat(),
        2 => h::utf16(text, true),
        3 => h::utf16(text, false),
        _ => text
            .chars()
            .map(|c| {
                if (c as u32) < 256 {
                    c as u32 as u8
                } else {
                    b'?'
                }
            })
            .collect(),
    }
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn rewrite_output_is_a_fixed_point(
        name in prop::sample::select(h::NAMES),
        bytes in text_file(),
        t in 0usize..6,
    ) {
        let plan = h::plan_one(name, &bytes, t);
        for fp in plan.pending() {
            h::check_rewritten(name, &bytes, fp.output.as_ref().unwrap(), t);
        }
    }

    #[test]
    fn rewrite_never_panics_on_arbitrary_bytes(sel in any::<u8>(), bytes in any::<Vec<u8>>()) {
        h::rewrite_any(&[&[sel][..], &bytes].concat());
    }
}

fn fixture_files() -> Vec<(String, Vec<u8>)> {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("fixtures");
    let mut out = Vec::new();
    let mut stack = vec![root.clone()];
    while let Some(d) = stack.pop() {
        for e in std::fs::read_dir(&d).unwrap().flatten() {
            let p = e.path();
            if p.is_dir() {
                stack.push(p);
            } else if let Ok(b) = std::fs::read(&p) {
                let rel = p
                    .strip_prefix(&root)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                // Expectation files describe fixtures; they are not inputs.
                if !rel.ends_with(".expected.json") && b.len() < 256 * 1024 {
                    out.push((rel, b));
                }
            }
        }
    }
    out.sort();
    out
}

/// One random change of the kind files meet in the wild.
fn mutate(bytes: &[u8], rng: &mut StdRng) -> Vec<u8> {
    let text = String::from_utf8_lossy(bytes).into_owned();
    let mut text = match rng.random_range(0..4) {
        0 => text.replace("\r\n", "\n"),
        1 => text.replace("\r\n", "\n").replace('\n', "\r\n"),
        2 => {
            // Mixed: every other line CRLF.
            let mut s = String::new();
            for (i, l) in text.split('\n').enumerate() {
                if i > 0 {
                    s.push_str(if i % 2 == 0 { "\r\n" } else { "\n" });
                }
                s.push_str(l.trim_end_matches('\r'));
            }
            s
        }
        _ => text,
    };
    if rng.random_bool(0.2) {
        text.insert(0, '\u{FEFF}');
    }
    let mut out = if rng.random_bool(0.3) {
        bytes.to_vec()
    } else {
        encode(&text, rng.random_range(0..5))
    };
    if rng.random_bool(0.3) && !out.is_empty() {
        let cut = rng.random_range(0..out.len());
        out.truncate(cut);
    }
    if rng.random_bool(0.05) {
        out.push(0x80); // a stray invalid byte at the end
    }
    out
}

#[derive(Default, Debug)]
struct Tally {
    cases: usize,
    written: usize,
    refused: usize,
    unchanged: usize,
    failures: Vec<String>,
}

/// Runs `cases` mutated fixture files through scan -> plan -> write on disk
/// (batches of 100 files per directory) and checks every file afterwards.
fn mutation_run(cases: usize, seed: u64) -> Tally {
    let fixtures = fixture_files();
    assert!(fixtures.len() > 20, "fixtures found: {}", fixtures.len());
    let mut rng = StdRng::seed_from_u64(seed);
    let mut tally = Tally::default();
    let rules = h::rules();
    let target = h::target(0);
    let mut done = 0;
    while done < cases {
        let batch = (cases - done).min(100);
        let dir = tempfile::tempdir().unwrap();
        let mut originals: BTreeMap<PathBuf, (String, Vec<u8>)> = BTreeMap::new();
        for i in 0..batch {
            let (rel, bytes) = &fixtures[rng.random_range(0..fixtures.len())];
            let m = mutate(bytes, &mut rng);
            let p = dir.path().join(format!("c{i:03}")).join(rel);
            std::fs::create_dir_all(p.parent().unwrap()).unwrap();
            std::fs::write(&p, &m).unwrap();
            originals.insert(p, (format!("c{i:03}/{rel}"), m));
        }
        let opts = ScanOptions {
            paths: vec![dir.path().to_path_buf()],
            no_ignore: true,
            ..ScanOptions::default()
        };
        let report = scan(rules, target, &opts);
        let plan = rewrite::plan(report, &target.table, rewrite::RewriteOptions::default());
        let planned: BTreeMap<PathBuf, Vec<u8>> = plan
            .pending()
            .filter_map(|f| Some((f.abs.clone(), f.output.clone()?)))
            .collect();
        tally.refused += plan.refused().count();
        let written = rewrite::apply::write_plan(&plan);
        for (p, e) in &written.failed {
            tally.failures.push(format!("{p}: write failed: {e}"));
        }
        // Every file is now either untouched or exactly the planned output.
        for (p, (rel, before)) in &originals {
            let now = std::fs::read(p).unwrap();
            match planned.get(p) {
                Some(out) if now == *out => {
                    tally.written += 1;
                    let r = std::panic::catch_unwind(|| {
                        h::same_encoding_family(rel, before, out);
                    });
                    if r.is_err() {
                        tally
                            .failures
                            .push(format!("{rel}: written output changed encoding"));
                    }
                }
                Some(_) => tally
                    .failures
                    .push(format!("{rel}: half-written or corrupted")),
                None if now == *before => tally.unchanged += 1,
                None => tally
                    .failures
                    .push(format!("{rel}: changed without a plan")),
            }
        }
        // The written tree is a fixed point: a second rewrite of the whole
        // batch (decisions span files: a variable a staying request reads
        // is kept where it is set) changes nothing.
        let again = rewrite::plan(
            scan(rules, target, &opts),
            &target.table,
            rewrite::RewriteOptions::default(),
        );
        for f in again.pending() {
            tally.failures.push(format!(
                "{}: written output is not a fixed point: {:?}",
                f.path, f.edits
            ));
        }
        // No temp file is left behind.
        let mut stack = vec![dir.path().to_path_buf()];
        while let Some(d) = stack.pop() {
            for e in std::fs::read_dir(&d).unwrap().flatten() {
                let p = e.path();
                if p.is_dir() {
                    stack.push(p);
                } else if !originals.contains_key(&p) {
                    tally.failures.push(format!("left behind: {}", p.display()));
                }
            }
        }
        tally.cases += batch;
        done += batch;
    }
    tally
}

#[test]
fn mutation_run_writes_whole_files_or_nothing() {
    let cases = std::env::var("MUTATION_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300);
    let seed = std::env::var("MUTATION_SEED")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(20261126);
    let t = mutation_run(cases, seed);
    eprintln!(
        "mutation run: {} cases, {} written, {} unchanged, {} refused by verification, {} failures",
        t.cases,
        t.written,
        t.unchanged,
        t.refused,
        t.failures.len()
    );
    assert!(
        t.written > cases / 20,
        "too few files rewritten to mean anything: {t:?}"
    );
    assert!(
        t.failures.is_empty(),
        "{:#?}",
        &t.failures[..t.failures.len().min(20)]
    );
}
