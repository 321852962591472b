//! `--format html`: one self-contained page (inline CSS, inline SVG charts
//! and a short inline script for the filters; nothing is fetched), for the
//! person who decides on cutover.
//!
//! Everything that came from a gateway, the golden set or the config is
//! escaped. The page's Content-Security-Policy also allows only its own
//! script (by hash), so markup that slipped through would stay inert.

use std::fmt::Write as _;

use sha2::{Digest, Sha256};

use super::compare::{Check, CheckStatus};
use super::models::ModelsReport;
use super::negative::NegativeResult;
use super::report::{self, GatewayStats, PromptResult, Report, ShownAnswer};

/// The filters: status check boxes and a tag list hide whole results.
const SCRIPT: &str = r#"(function () {
  var boxes = [].slice.call(document.querySelectorAll('input[name=status]'));
  var tag = document.getElementById('tag');
  var results = [].slice.call(document.querySelectorAll('tbody.result'));
  var shown = document.getElementById('shown');
  function apply() {
    var want = {};
    boxes.forEach(function (b) { want[b.value] = b.checked; });
    var t = tag.value, n = 0;
    results.forEach(function (r) {
      var tags = r.getAttribute('data-tags');
      var tagOk = t === '' || (t === '-' ? tags === '' : tags.split(' ').indexOf(t) >= 0);
      var ok = want[r.getAttribute('data-status')] && tagOk;
      r.hidden = !ok;
      if (ok) { n++; }
    });
    shown.textContent = n + ' of ' + results.length + ' shown';
  }
  boxes.forEach(function (b) { b.addEventListener('change', apply); });
  tag.addEventListener('change', apply);
  apply();
})();"#;

const STYLE: &str = r#"
:root { --pass: #1a7f37; --fail: #cf222e; --error: #bc4c00; --muted: #57606a;
  --line: #d0d7de; --base: #8c959f; --cand: #0969da; }
* { box-sizing: border-box; }
body { margin: 0; padding: 20px 28px; font: 14px/1.45 system-ui, -apple-system, "Segoe UI",
  Roboto, "Helvetica Neue", Arial, sans-serif; color: #1f2328; background: #fff; }
h1 { margin: 0; font-size: 24px; }
h2 { font-size: 16px; margin: 22px 0 8px; }
code, pre { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12.5px; }
[hidden] { display: none !important; }
.verdict { border-left: 6px solid var(--pass); padding: 10px 16px; background: #f6f8fa; border-radius: 6px; }
.verdict.fail { border-left-color: var(--fail); }
.verdict h1 .v { color: var(--pass); }
.verdict.fail h1 .v { color: var(--fail); }
.verdict p { margin: 4px 0; }
.rate { font-size: 16px; }
.muted, .note { color: var(--muted); }
table { border-collapse: collapse; width: 100%; }
th, td { text-align: left; padding: 5px 8px; border-bottom: 1px solid var(--line); vertical-align: top; }
th { font-weight: 600; background: #f6f8fa; }
th small { font-weight: normal; color: var(--muted); }
td.num, th.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
.st { display: inline-block; min-width: 46px; text-align: center; font-weight: 700; font-size: 12px;
  padding: 1px 6px; border-radius: 10px; color: #fff; background: var(--muted); }
.st.pass { background: var(--pass); } .st.fail { background: var(--fail); } .st.error { background: var(--error); }
.chip { display: inline-block; font-size: 11.5px; padding: 0 5px; margin: 1px 2px 1px 0;
  border-radius: 4px; border: 1px solid var(--line); white-space: nowrap; }
.chip.fail { border-color: var(--fail); color: var(--fail); } .chip.error { border-color: var(--error); color: var(--error); }
.chip.pass { color: var(--pass); }
.tag { display: inline-block; font-size: 11.5px; padding: 0 6px; border-radius: 10px; background: #ddf4ff; margin-right: 3px; }
.charts { display: grid; grid-template-columns: repeat(auto-fit, minmax(360px, 1fr)); gap: 14px; }
figure { margin: 0; border: 1px solid var(--line); border-radius: 6px; padding: 8px 10px; }
figcaption { font-weight: 600; margin-bottom: 4px; }
svg text { font: 11.5px system-ui, sans-serif; fill: #1f2328; }
svg .b { fill: var(--base); } svg .c { fill: var(--cand); }
.key { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin: 0 4px 0 10px; }
.key.b { background: var(--base); } .key.c { background: var(--cand); }
.filters { position: sticky; top: 0; background: #fff; padding: 8px 0; border-bottom: 1px solid var(--line);
  display: flex; gap: 16px; align-items: center; flex-wrap: wrap; z-index: 1; }
.filters label { white-space: nowrap; }
tbody.result tr.more td { background: #fbfcfd; }
details summary { cursor: pointer; color: var(--muted); }
.pair { display: grid; grid-template-columns: 1fr 1fr; gap: 12px; margin: 6px 0; }
.pair h4 { margin: 0 0 3px; font-size: 12.5px; }
.pair pre { margin: 0; white-space: pre-wrap; word-break: break-word; border: 1px solid var(--line);
  border-radius: 6px; padding: 6px 8px; max-height: 320px; overflow: auto; background: #fff; }
del { background: #ffd7d5; text-decoration: line-through; }
ins { background: #ccffd8; text-decoration: none; }
.why { margin: 4px 0; }
ul.checks, ul.notes { margin: 4px 0; padding-left: 20px; }
"#;

/// Escape text for HTML content and attribute values.
pub fn esc(s: &str) -> String {
    let mut o = String::with_capacity(s.len());
    for ch in s.chars() {
        match ch {
            '&' => o.push_str("&amp;"),
            '<' => o.push_str("&lt;"),
            '>' => o.push_str("&gt;"),
            '"' => o.push_str("&quot;"),
            '\'' => o.push_str("&#39;"),
            c => o.push(c),
        }
    }
    o
}

/// Standard base64 (with padding), for the script's CSP hash.
fn base64(bytes: &[u8]) -> String {
    const A: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    let mut o = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |acc, (i, b)| acc | u32::from(*b) << (16 - 8 * i));
        for i in 0..4 {
            if i <= chunk.len() {
                o.push(A[(n >> (18 - 6 * i) & 63) as usize] as char);
            } else {
                o.push('=');
            }
        }
    }
    o
}

pub fn html(r: &Report) -> String {
    let mut o = String::with_capacity(64 * 1024);
    head(&mut o, r);
    o.push_str("<body>\n");
    verdict(&mut o, r);
    gateways(&mut o, r);
    charts(&mut o, r);
    filters(&mut o, r);
    results(&mut o, r);
    if let Some(m) = &r.check_models {
        models(&mut o, m);
    }
    if let Some(n) = &r.negative {
        negative(&mut o, n);
    }
    let _ = writeln!(o, "<script>{SCRIPT}</script>\n</body>\n</html>");
    o
}

fn head(o: &mut String, r: &Report) {
    let hash = base64(&Sha256::digest(SCRIPT.as_bytes()));
    let _ = write!(
        o,
        "<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n\
         <meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n\
         <meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'; script-src 'sha256-{hash}'\">\n\
         <title>llmgw-migrate parity: {}</title>\n<style>{STYLE}</style>\n</head>\n",
        verdict_word(r)
    );
}

fn verdict_word(r: &Report) -> &'static str {
    if r.verdict == "pass" {
        "PASS"
    } else {
        "FAIL"
    }
}

fn verdict(o: &mut String, r: &Report) {
    let s = &r.summary;
    let class = if r.verdict == "pass" { "pass" } else { "fail" };
    let _ = write!(
        o,
        "<header class=\"verdict {class}\">\n<h1>Parity: <span class=\"v\">{}</span></h1>\n",
        verdict_word(r)
    );
    let rate = s
        .pass_rate
        .map_or(String::new(), |x| format!(" ({:.1}%)", x * 100.0));
    let min = s
        .min_pass_rate
        .map_or(" · every result must pass".to_owned(), |m| {
            format!(" · minimum {:.1}%", m * 100.0)
        });
    let _ = writeln!(
        o,
        "<p class=\"rate\"><b>{} of {}</b> results pass{rate}{min} · {} fail, {} error</p>",
        s.pass, s.results, s.fail, s.error
    );
    if r.prompts.is_empty() {
        if let Some(sh) = &s.shard {
            let _ = writeln!(
                o,
                "<p><b>Shard {} has no prompts: nothing was compared.</b></p>",
                esc(sh)
            );
        }
    }
    if !s.required_failed.is_empty() {
        let _ = writeln!(
            o,
            "<p><b>Required prompts that did not pass:</b> {}</p>",
            esc(&s.required_failed.join(", "))
        );
    }
    for u in &r.unreachable {
        let _ = writeln!(o, "<p><b>Unreachable:</b> {}</p>", esc(u));
    }
    let _ = writeln!(
        o,
        "<p class=\"muted\">baseline <b>{}</b> <code>{}</code> vs candidate <b>{}</b> <code>{}</code> · {} · {} · {} of {} prompts{} · {}</p>\n</header>",
        esc(&s.baseline.name),
        esc(&s.baseline.base_url),
        esc(&s.candidate.name),
        esc(&s.candidate.base_url),
        esc(&s.source),
        esc(&s.golden),
        s.prompts_selected,
        s.prompts_total,
        s.shard
            .as_ref()
            .map_or(String::new(), |x| format!(" · shard {}", esc(x))),
        duration(s.wall_ms)
    );
}

/// A replay takes milliseconds, a live run seconds or minutes.
fn duration(ms: f64) -> String {
    if ms < 1000.0 {
        format!("{ms:.0} ms")
    } else {
        format!("{:.1} s", ms / 1000.0)
    }
}

fn ms(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.0}"))
}

fn money(x: Option<f64>) -> String {
    x.map_or("–".into(), |v| format!("{v:.6}"))
}

fn gateways(o: &mut String, r: &Report) {
    let s = &r.summary;
    o.push_str(
        "<h2>Gateways</h2>\n<table class=\"gw\">\n<tr><th>side</th><th>gateway</th>\
         <th class=\"num\">requests</th><th class=\"num\">errors</th>\
         <th class=\"num\">latency p50 / p95 ms</th><th class=\"num\">ttft p50 / p95 ms</th>\
         <th class=\"num\">tokens in / out / total</th><th class=\"num\">cost</th></tr>\n",
    );
    let row = |o: &mut String, side: &str, g: &GatewayStats, cost: Option<f64>| {
        let _ = writeln!(
            o,
            "<tr><td><span class=\"key {}\"></span>{side}</td><td>{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td>\
             <td class=\"num\">{} / {}</td><td class=\"num\">{} / {}</td><td class=\"num\">{} / {} / {}</td><td class=\"num\">{}</td></tr>",
            &side[..1],
            esc(&g.name),
            g.requests,
            g.errors,
            ms(g.latency_ms.p50),
            ms(g.latency_ms.p95),
            ms(g.ttft_ms.p50),
            ms(g.ttft_ms.p95),
            g.tokens.prompt,
            g.tokens.completion,
            g.tokens.total,
            money(cost)
        );
    };
    row(o, "baseline", &s.baseline, s.cost.baseline);
    row(o, "candidate", &s.candidate, s.cost.candidate);
    o.push_str("</table>\n");
    if let Some(note) = cost_note(r) {
        let _ = writeln!(o, "<p class=\"note\">{note}</p>");
    }
}

/// Said once: which side returned no cost. Prices are never estimated.
fn cost_note(r: &Report) -> Option<String> {
    if r.prompts.is_empty() {
        return None;
    }
    let some =
        |f: fn(&report::CostPair) -> Option<f64>| r.prompts.iter().any(|p| f(&p.cost).is_some());
    let (b, c) = (some(|c| c.baseline), some(|c| c.candidate));
    let who = match (b, c) {
        (true, true) => return None,
        (false, false) => "Neither gateway".to_owned(),
        (false, true) => format!("The baseline ({})", esc(&r.summary.baseline.name)),
        (true, false) => format!("The candidate ({})", esc(&r.summary.candidate.name)),
    };
    Some(format!(
        "{who} returned no cost (<code>usage.cost</code> or <code>x-litellm-response-cost</code>); \
         costs are shown only as the gateways report them, never estimated from prices."
    ))
}

fn result_label(p: &PromptResult) -> String {
    format!("{} · {}", p.id, p.mode_label())
}

/// One horizontal bar chart: a group per result, one bar per side.
fn bar_chart(
    o: &mut String,
    title: &str,
    rows: &[(String, Option<f64>, Option<f64>)],
    fmt: fn(f64) -> String,
) {
    const LABEL: f64 = 150.0;
    const BARS: f64 = 200.0;
    const ROW: f64 = 26.0;
    let max = rows
        .iter()
        .flat_map(|(_, b, c)| [*b, *c])
        .flatten()
        .fold(0.0_f64, f64::max);
    let scale = if max > 0.0 { BARS / max } else { 0.0 };
    let height = ROW * rows.len() as f64 + 6.0;
    let width = LABEL + BARS + 80.0;
    let _ = writeln!(
        o,
        "<figure><figcaption>{}</figcaption>\n<svg class=\"chart\" role=\"img\" aria-label=\"{}\" width=\"100%\" viewBox=\"0 0 {width} {height}\" preserveAspectRatio=\"xMinYMin meet\">",
        esc(title),
        esc(title)
    );
    for (i, (label, b, c)) in rows.iter().enumerate() {
        let y = 3.0 + ROW * i as f64;
        let shown = clip(label, 23);
        let _ = write!(
            o,
            "<g class=\"res\" data-result=\"{}\"><title>{}: baseline {}, candidate {}</title>\
             <text x=\"0\" y=\"{:.1}\">{}</text>",
            esc(label),
            esc(label),
            b.map_or("none".into(), fmt),
            c.map_or("none".into(), fmt),
            y + 14.0,
            esc(&shown)
        );
        for (class, v, dy) in [("b", b, 2.0), ("c", c, 12.0)] {
            let w = v.map_or(0.0, |v| v * scale);
            let _ = write!(
                o,
                "<rect class=\"{class}\" x=\"{LABEL}\" y=\"{:.1}\" width=\"{w:.1}\" height=\"9\"/>\
                 <text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
                y + dy,
                LABEL + w + 4.0,
                y + dy + 8.0,
                v.map_or("–".into(), fmt)
            );
        }
        o.push_str("</g>\n");
    }
    o.push_str("</svg></figure>\n");
}

fn charts(o: &mut String, r: &Report) {
    if r.prompts.is_empty() {
        return;
    }
    let _ = writeln!(
        o,
        "<h2>Per result <span class=\"muted\" style=\"font-weight:normal;font-size:13px\">\
         <span class=\"key b\"></span>baseline {} <span class=\"key c\"></span>candidate {}</span></h2>\n<div class=\"charts\">",
        esc(&r.summary.baseline.name),
        esc(&r.summary.candidate.name)
    );
    let series =
        |f: &dyn Fn(&ShownAnswer) -> Option<f64>| -> Vec<(String, Option<f64>, Option<f64>)> {
            r.prompts
                .iter()
                .map(|p| {
                    let (b, c) = p
                        .shown
                        .as_ref()
                        .map_or((None, None), |s| (f(&s.baseline), f(&s.candidate)));
                    (result_label(p), b, c)
                })
                .collect()
        };
    bar_chart(
        o,
        "Total tokens",
        &series(&|a| a.tokens.map(|t| t as f64)),
        |v| format!("{v:.0}"),
    );
    bar_chart(o, "Latency, total ms", &series(&|a| a.total_ms), |v| {
        format!("{v:.0}")
    });
    let costs: Vec<_> = r
        .prompts
        .iter()
        .map(|p| (result_label(p), p.cost.baseline, p.cost.candidate))
        .collect();
    if costs.iter().any(|(_, b, c)| b.is_some() || c.is_some()) {
        bar_chart(o, "Cost as reported", &costs, |v| format!("{v:.6}"));
    } else {
        o.push_str(
            "<figure><figcaption>Cost as reported</figcaption><p class=\"note\">No cost returned: see the note above.</p></figure>\n",
        );
    }
    o.push_str("</div>\n");
}

fn filters(o: &mut String, r: &Report) {
    o.push_str("<h2>Results</h2>\n<nav class=\"filters\"><span>CheckStatus:</span>");
    for st in [CheckStatus::Pass, CheckStatus::Fail, CheckStatus::Error] {
        let n = r.prompts.iter().filter(|p| p.status == st).count();
        let _ = write!(
            o,
            "<label><input type=\"checkbox\" name=\"status\" value=\"{0}\" checked> {0} ({n})</label>",
            st.as_str()
        );
    }
    let mut tags: Vec<&str> = r
        .prompts
        .iter()
        .flat_map(|p| p.tags.iter().map(String::as_str))
        .collect();
    tags.sort_unstable();
    tags.dedup();
    o.push_str("<label>Tag: <select id=\"tag\"><option value=\"\">all</option>");
    for t in tags {
        let _ = write!(o, "<option value=\"{0}\">{0}</option>", esc(t));
    }
    if r.prompts.iter().any(|p| p.tags.is_empty()) {
        o.push_str("<option value=\"-\">untagged</option>");
    }
    let _ = writeln!(
        o,
        "</select></label><span id=\"shown\" class=\"muted\">{0} of {0} shown</span></nav>",
        r.prompts.len()
    );
}

fn results(o: &mut String, r: &Report) {
    o.push_str(
        "<table class=\"results\">\n<thead><tr><th>status</th><th>prompt</th><th>mode</th><th>tags</th>\
         <th>checks</th><th class=\"num\">latency ms<br><small>baseline / candidate</small></th>\
         <th class=\"num\">tokens<br><small>baseline / candidate</small></th>\
         <th class=\"num\">cost<br><small>baseline / candidate</small></th></tr></thead>\n",
    );
    for p in &r.prompts {
        result(o, p);
    }
    o.push_str("</table>\n");
}

/// A figure per side, `baseline / candidate`.
fn pair(b: Option<String>, c: Option<String>) -> String {
    format!(
        "{} / {}",
        b.unwrap_or_else(|| "–".into()),
        c.unwrap_or_else(|| "–".into())
    )
}

fn result(o: &mut String, p: &PromptResult) {
    let st = p.status.as_str();
    let _ = write!(
        o,
        "<tbody class=\"result\" data-result=\"{}\" data-status=\"{st}\" data-tags=\"{}\">\n<tr class=\"row\">\
         <td><span class=\"st {st}\">{}</span></td><td><code>{}</code>{}</td><td>{}</td><td>",
        esc(&result_label(p)),
        esc(&p.tags.join(" ")),
        st.to_uppercase(),
        esc(&p.id),
        if p.required { " <span class=\"muted\">required</span>" } else { "" },
        esc(&p.mode_label())
    );
    for t in &p.tags {
        let _ = write!(o, "<span class=\"tag\">{}</span>", esc(t));
    }
    o.push_str("</td><td>");
    for (name, names) in report::COLUMNS {
        if let Some(s) = report::column(p, names).filter(|s| *s != CheckStatus::Skip) {
            let _ = write!(
                o,
                "<span class=\"chip {}\">{} {}</span>",
                s.as_str(),
                name.to_lowercase(),
                report::sym(Some(s))
            );
        }
    }
    let none = ShownAnswer::default();
    let (b, c) = p
        .shown
        .as_ref()
        .map_or((&none, &none), |s| (&s.baseline, &s.candidate));
    let _ = writeln!(
        o,
        "</td><td class=\"num\">{}</td><td class=\"num\">{}</td><td class=\"num\">{}</td></tr>",
        pair(
            b.total_ms.map(|v| format!("{v:.0}")),
            c.total_ms.map(|v| format!("{v:.0}"))
        ),
        pair(
            b.tokens.map(|v| v.to_string()),
            c.tokens.map(|v| v.to_string())
        ),
        pair(
            p.cost.baseline.map(|v| format!("{v:.6}")),
            p.cost.candidate.map(|v| format!("{v:.6}"))
        )
    );
    let open = if p.status == CheckStatus::Pass {
        ""
    } else {
        " open"
    };
    let _ = writeln!(
        o,
        "<tr class=\"more\"><td colspan=\"8\"><details{open}><summary>answers and checks</summary>"
    );
    details(o, p, b, c);
    o.push_str("</details></td></tr>\n</tbody>\n");
}

/// The answers side by side, the text check's verdict (the judge's reason
/// when a judge decided), what did not pass, and the notes.
fn details(o: &mut String, p: &PromptResult, b: &ShownAnswer, c: &ShownAnswer) {
    if let Some(t) = p.checks.iter().find(|c| c.name == "text") {
        let _ = writeln!(
            o,
            "<p class=\"why\"><span class=\"chip {}\">text</span> {}</p>",
            t.status.as_str(),
            esc(&t.detail)
        );
    }
    if p.shown.is_none() {
        o.push_str("<p class=\"note\">Nothing was sent: see the failing check below.</p>\n");
    } else {
        answers(o, p, b, c);
    }
    failing_checks(o, p);
    if !p.notes.is_empty() {
        o.push_str("<ul class=\"notes muted\">");
        for n in &p.notes {
            let _ = write!(o, "<li>{}</li>", esc(n));
        }
        o.push_str("</ul>\n");
    }
}

/// Both answers side by side, with the word diff.
fn answers(o: &mut String, p: &PromptResult, b: &ShownAnswer, c: &ShownAnswer) {
    let model = |m: &Option<String>| {
        m.as_deref()
            .map_or(String::new(), |m| format!(" · <code>{}</code>", esc(m)))
    };
    let (db, dc) = diff_html(&b.text, &c.text);
    let _ = writeln!(
        o,
        "<div class=\"pair\"><div><h4><span class=\"key b\"></span>baseline{}</h4><pre>{}</pre></div>\
         <div><h4><span class=\"key c\"></span>candidate{}</h4><pre>{}</pre></div></div>",
        model(&p.models.baseline),
        answer_or_error(b, db),
        model(&p.models.candidate),
        answer_or_error(c, dc)
    );
}

/// What did not pass, with both values (the text check's verdict is
/// already above the answers).
fn failing_checks(o: &mut String, p: &PromptResult) {
    let bad: Vec<&Check> = p
        .checks
        .iter()
        .filter(|c| matches!(c.status, CheckStatus::Fail | CheckStatus::Error) && c.name != "text")
        .collect();
    if bad.is_empty() {
        return;
    }
    o.push_str("<ul class=\"checks\">");
    for ch in bad {
        let _ = write!(
            o,
            "<li><span class=\"chip {}\">{}</span> {}",
            ch.status.as_str(),
            esc(&ch.name),
            esc(&ch.detail)
        );
        if ch.name != "response" {
            let _ = write!(
                o,
                " <span class=\"muted\">(baseline {}, candidate {})</span>",
                esc(&clip(&report::value_text(&ch.baseline), 300)),
                esc(&clip(&report::value_text(&ch.candidate), 300))
            );
        }
        o.push_str("</li>");
    }
    o.push_str("</ul>\n");
}

fn answer_or_error(a: &ShownAnswer, diffed: String) -> String {
    match &a.error {
        Some(e) => format!("<b>no answer:</b> {}", esc(e)),
        None if a.text.is_empty() => "<span class=\"muted\">(empty)</span>".into(),
        None => diffed,
    }
}

fn clip(s: &str, n: usize) -> String {
    match s.char_indices().nth(n) {
        Some((i, _)) => format!("{}…", &s[..i]),
        None => s.to_owned(),
    }
}

/// Most characters of an answer shown: a page stays readable, and a diff
/// of huge answers would take long.
const ANSWER_CHARS: usize = 20_000;

/// Both answers, escaped, with the words only one side has marked: deleted
/// on the baseline side, inserted on the candidate side.
pub fn diff_html(b: &str, c: &str) -> (String, String) {
    let cut = |s: &str| -> (String, usize) {
        let t = clip(s, ANSWER_CHARS);
        let more = s.chars().count().saturating_sub(ANSWER_CHARS);
        (t, more)
    };
    let ((b, bm), (c, cm)) = (cut(b), cut(c));
    let diff = similar::TextDiff::configure()
        .timeout(std::time::Duration::from_secs(2))
        .diff_words(b.as_str(), c.as_str());
    let (mut ob, mut oc) = (Column::new("del"), Column::new("ins"));
    for ch in diff.iter_all_changes() {
        let v = esc(ch.value());
        match ch.tag() {
            similar::ChangeTag::Equal if ch.value().trim().is_empty() => {
                if ob.run.is_some() || oc.run.is_some() {
                    ob.blank.push_str(&v);
                    oc.blank.push_str(&v);
                } else {
                    ob.equal(&v);
                    oc.equal(&v);
                }
            }
            similar::ChangeTag::Equal => {
                ob.equal(&v);
                oc.equal(&v);
            }
            similar::ChangeTag::Delete => ob.changed(&v),
            similar::ChangeTag::Insert => oc.changed(&v),
        }
    }
    ob.close();
    oc.close();
    let (mut ob, mut oc) = (ob.out, oc.out);
    for (o, more) in [(&mut ob, bm), (&mut oc, cm)] {
        if more > 0 {
            let _ = write!(
                o,
                "\n<span class=\"muted\">({more} more characters not shown)</span>"
            );
        }
    }
    (ob, oc)
}

/// One side of a word diff being written. A run of changed words becomes
/// one element, also across the blanks between them, so a changed phrase
/// reads as one highlight.
struct Column {
    out: String,
    /// `del` (baseline) or `ins` (candidate).
    tag: &'static str,
    run: Option<String>,
    /// Blanks both sides share, held while a run may go on.
    blank: String,
}

impl Column {
    fn new(tag: &'static str) -> Column {
        Column {
            out: String::new(),
            tag,
            run: None,
            blank: String::new(),
        }
    }

    fn changed(&mut self, v: &str) {
        match &mut self.run {
            Some(r) => {
                r.push_str(&self.blank);
                r.push_str(v);
            }
            None => {
                self.out.push_str(&self.blank);
                self.run = Some(v.to_owned());
            }
        }
        self.blank.clear();
    }

    fn close(&mut self) {
        if let Some(r) = self.run.take() {
            let _ = write!(self.out, "<{0}>{r}</{0}>", self.tag);
        }
        self.out.push_str(&self.blank);
        self.blank.clear();
    }

    fn equal(&mut self, v: &str) {
        self.close();
        self.out.push_str(v);
    }
}

fn models(o: &mut String, m: &ModelsReport) {
    let _ = writeln!(
        o,
        "<h2>Models listed by the candidate <span class=\"st {}\">{}</span></h2>\n<p class=\"muted\"><code>{}</code>: {} ids listed{}</p>",
        m.status.as_str(),
        m.status.as_str().to_uppercase(),
        esc(&m.url),
        m.listed,
        m.error
            .as_ref()
            .map_or(String::new(), |e| format!(" · {}", esc(e)))
    );
    o.push_str("<table><tr><th>status</th><th>model</th><th>detail</th><th>from</th></tr>\n");
    for e in &m.models {
        let _ = writeln!(
            o,
            "<tr><td><span class=\"st {0}\">{1}</span></td><td><code>{2}</code></td><td>{3}</td><td>{4}</td></tr>",
            e.status.as_str(),
            e.status.as_str().to_uppercase(),
            esc(&e.slug),
            esc(&e.detail),
            esc(&e.from.join(", "))
        );
    }
    o.push_str("</table>\n");
}

fn negative(o: &mut String, n: &[NegativeResult]) {
    o.push_str("<h2>Negative cases</h2>\n<table><tr><th>status</th><th>case</th><th>side</th><th class=\"num\">HTTP</th><th>detail</th></tr>\n");
    for x in n {
        let _ = writeln!(
            o,
            "<tr><td><span class=\"st {0}\">{1}</span></td><td>{2}</td><td>{3}</td><td class=\"num\">{4}</td><td>{5}</td></tr>",
            x.status.as_str(),
            x.status.as_str().to_uppercase(),
            esc(&x.case),
            x.side.as_str(),
            x.http_status.map_or("–".into(), |s| s.to_string()),
            esc(&x.detail)
        );
    }
    o.push_str("</table>\n");
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn escapes_markup_and_quotes() {
        assert_eq!(
            esc(r#"<script>alert("x")</script> & 'y'"#),
            "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;"
        );
    }

    #[test]
    fn base64_matches_known_vectors() {
        for (i, want) in [
            ("", ""),
            ("f", "Zg=="),
            ("fo", "Zm8="),
            ("foo", "Zm9v"),
            ("foob", "Zm9vYg=="),
            ("fooba", "Zm9vYmE="),
            ("foobar", "Zm9vYmFy"),
        ] {
            assert_eq!(base64(i.as_bytes()), want);
        }
    }

    #[test]
    fn word_diff_marks_each_side_and_escapes() {
        let (b, c) = diff_html("Yes, you can <b>", "No, you can <i>");
        assert!(b.contains("<del>Yes,</del>"), "{b}");
        assert!(c.contains("<ins>No,</ins>"), "{c}");
        assert!(b.contains("&lt;b&gt;") && c.contains("&lt;i&gt;"));
        assert!(!b.contains("<b>") && !c.contains("<i>"));
        assert!(!b.contains("<ins>") && !c.contains("<del>"));
    }

    #[test]
    fn a_changed_phrase_is_one_highlight() {
        let (b, c) = diff_html("you can get a refund", "you cannot ever get a refund");
        assert_eq!(b, "you <del>can</del> get a refund");
        assert_eq!(c, "you <ins>cannot ever</ins> get a refund");
        let (b, c) = diff_html("one two three four", "uno dos three four");
        assert_eq!(b, "<del>one two</del> three four");
        assert_eq!(c, "<ins>uno dos</ins> three four");
    }
}
