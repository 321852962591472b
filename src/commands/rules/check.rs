//! `rules check TARGET --catalog FILE|URL`: read the catalogue (a URL goes
//! through parity's HTTP client, with its timeout and retries), compare,
//! print, and optionally write the overlay table.

use std::io::{self, Write};
use std::path::{Path, PathBuf};
use std::process::ExitCode;
#[cfg(feature = "parity")]
use std::sync::Arc;
#[cfg(feature = "parity")]
use std::time::Duration;

use anyhow::{bail, Context};
use serde_json::json;

use crate::cli::HumanJson;
#[cfg(feature = "parity")]
use crate::parity::client::{Client, Outgoing, RetryPolicy};
#[cfg(feature = "parity")]
use crate::parity::config::{Auth, Gateway};
use crate::rules::catalog::Catalog;
use crate::rules::check::{check_source, check_target, overlay, SourceCheck, TargetCheck};
use crate::rules::{date, parse_table, AnyTable, Rules, DEFAULT_SOURCE};
use crate::style::{bold, ColorChoice};

pub struct CheckOpts {
    pub catalog: String,
    pub format: HumanJson,
    pub write_overlay: Option<PathBuf>,
    // Read only when fetching over HTTP, which needs the `parity` feature.
    #[cfg_attr(not(feature = "parity"), allow(dead_code))]
    pub key_env: Option<String>,
    #[cfg_attr(not(feature = "parity"), allow(dead_code))]
    pub timeout: f64,
    pub read_on: Option<String>,
}

pub fn run(
    rules: &Rules,
    target: &str,
    opts: &CheckOpts,
    color: ColorChoice,
) -> anyhow::Result<ExitCode> {
    let is_source = rules.target(target).is_none() && target.eq_ignore_ascii_case(DEFAULT_SOURCE);
    if is_source && opts.write_overlay.is_some() {
        bail!(
            "--write-overlay applies to target tables, not to the '{DEFAULT_SOURCE}' source table"
        );
    }
    // Resolve the table first: a typo should not cost a download.
    let table = if is_source {
        None
    } else {
        Some(rules.require_target(target)?)
    };
    let read_on = match &opts.read_on {
        Some(d) if date::is_date(d) => d.clone(),
        Some(d) => bail!("--read-on '{d}' is not a date (YYYY-MM-DD)"),
        None => date::today(),
    };
    let text = read_catalog(opts)?;
    let catalog = Catalog::parse(&opts.catalog, &text, &read_on)?;
    let mut out = super::super::stdout();

    let Some(t) = table else {
        let src = rules.source_default();
        let report = check_source(&src.table, rules.targets.iter().map(|t| &t.table), &catalog);
        match opts.format {
            HumanJson::Json => {
                let mut v = serde_json::to_value(&report)?;
                v["schema"] = json!(1);
                v["table"] = json!(src.label());
                writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
            }
            HumanJson::Human => print_source(&mut out, &src.label(), &report, color)?,
        }
        return Ok(exit(!report.unknown_authors.is_empty()));
    };

    let report = check_target(&t.table, &catalog);
    if let Some(dir) = &opts.write_overlay {
        let o = overlay(&t.table, &report, &catalog);
        let path = write_overlay(dir, &t.table.id, &o)?;
        eprintln!(
            "wrote {} (review it, then pass --rules {})",
            path.display(),
            dir.display()
        );
    }
    match opts.format {
        HumanJson::Json => {
            let mut v = serde_json::to_value(&report)?;
            v["schema"] = json!(1);
            v["table"] = json!(t.label());
            writeln!(out, "{}", serde_json::to_string_pretty(&v)?)?;
        }
        HumanJson::Human => print_target(&mut out, &t.label(), &report, color)?,
    }
    Ok(exit(!report.stale.is_empty()))
}

fn exit(found: bool) -> ExitCode {
    if found {
        ExitCode::from(super::super::FOUND)
    } else {
        ExitCode::SUCCESS
    }
}

fn is_url(s: &str) -> bool {
    s.starts_with("http://") || s.starts_with("https://")
}

fn read_catalog(opts: &CheckOpts) -> anyhow::Result<String> {
    if !is_url(&opts.catalog) {
        let bytes = std::fs::read(&opts.catalog)
            .with_context(|| format!("{}: cannot read catalogue", opts.catalog))?;
        return String::from_utf8(bytes)
            .map_err(|_| anyhow::anyhow!("{}:1:1: not UTF-8 text", opts.catalog));
    }
    fetch_catalog(opts)
}

/// Without the `parity` feature there is no HTTP client in the binary.
#[cfg(not(feature = "parity"))]
fn fetch_catalog(opts: &CheckOpts) -> anyhow::Result<String> {
    bail!(
        "{}: this build has no HTTP client (cargo feature `parity` off); download the catalogue and pass the file",
        opts.catalog
    )
}

#[cfg(feature = "parity")]
fn fetch_catalog(opts: &CheckOpts) -> anyhow::Result<String> {
    if !(opts.timeout.is_finite() && opts.timeout > 0.0) {
        bail!("--timeout must be a positive number of seconds");
    }
    let key = match &opts.key_env {
        Some(var) => match std::env::var(var) {
            Ok(v) if !v.trim().is_empty() => Some(v.trim().to_owned()),
            _ => bail!("--key-env: environment variable {var} is not set"),
        },
        None => None,
    };
    let gw = Gateway {
        role: "catalogue".into(),
        name: opts.catalog.clone(),
        base_url: opts.catalog.clone(),
        api_key_env: opts.key_env.clone(),
        auth: if key.is_some() {
            Auth::Bearer
        } else {
            Auth::None
        },
        headers: vec![("Accept".into(), "application/json".into())],
        timeout_s: opts.timeout,
        map_models: None,
        map_models_at: None,
    };
    let policy = RetryPolicy {
        retries: 2,
        budget: Duration::from_secs_f64(opts.timeout * 2.0),
        base: Duration::from_millis(500),
        cap: Duration::from_secs(4),
    };
    let client = Client::new(
        gw,
        key.clone(),
        Arc::new(tokio::sync::Semaphore::new(1)),
        policy,
        // A models list is large (OpenRouter's is a few MB) but bounded.
        64 * 1024 * 1024,
    )?;
    let out = Outgoing {
        method: reqwest::Method::GET,
        path: String::new(),
        body: None,
        stream: false,
        key_override: None,
    };
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()?;
    let ex = rt.block_on(client.send(&out));
    // Whatever a server echoes back, the key never reaches the terminal.
    let scrub = |s: String| match &key {
        Some(k) => s.replace(k.as_str(), &crate::redact::mask(k, "")),
        None => s,
    };
    if let Some(f) = &ex.failure {
        bail!(scrub(format!("{}: {}", opts.catalog, f.message)));
    }
    match ex.status {
        Some(200..=299) => Ok(ex.body),
        Some(s) => bail!(scrub(format!(
            "{}: HTTP {s}: {}",
            opts.catalog,
            ex.body.chars().take(200).collect::<String>()
        ))),
        None => bail!("{}: no response", opts.catalog),
    }
}

/// Validate the overlay before it exists on disk, then write it atomically.
fn write_overlay(
    dir: &Path,
    id: &str,
    table: &crate::rules::TargetTable,
) -> anyhow::Result<PathBuf> {
    let body = serde_saphyr::to_string(table)?;
    let text = format!(
        "# Proposed by `llmgw-migrate rules check`: review every unverified row, then\n# set its status and source. Use with --rules {}.\n{body}",
        dir.display()
    );
    let path = dir.join(format!("{id}.yaml"));
    let shown = path.display().to_string();
    match parse_table(&shown, &text) {
        Ok(AnyTable::Target(_)) => {}
        Ok(AnyTable::Source(_)) => bail!("{shown}: overlay is not a target table"),
        Err(e) => bail!("overlay would not validate, not written:\n{e}"),
    }
    std::fs::create_dir_all(dir).with_context(|| format!("{}: cannot create", dir.display()))?;
    let mut tmp = tempfile::Builder::new()
        .prefix(".llmgw-migrate.")
        .suffix(".tmp")
        .tempfile_in(dir)
        .with_context(|| format!("{}: cannot write", dir.display()))?;
    tmp.write_all(text.as_bytes())
        .and_then(|_| tmp.as_file().sync_all())
        .with_context(|| format!("{shown}: cannot write"))?;
    tmp.persist(&path)
        .map_err(|e| anyhow::anyhow!("{shown}: cannot write: {}", e.error))?;
    Ok(path)
}

fn header(
    out: &mut impl Write,
    label: &str,
    c: &crate::rules::check::CatalogInfo,
    color: ColorChoice,
) -> io::Result<()> {
    writeln!(
        out,
        "{}",
        color.paint(
            bold(),
            &format!(
                "{label} against {} ({} shape, {} models, read {})",
                c.origin, c.shape, c.models, c.read_on
            )
        )
    )?;
    Ok(())
}

fn print_target(
    out: &mut impl Write,
    label: &str,
    r: &TargetCheck,
    color: ColorChoice,
) -> io::Result<()> {
    header(out, label, &r.catalog, color)?;
    writeln!(
        out,
        "\nnot served ({}): rows sending code to a model the catalogue does not list",
        r.stale.len()
    )?;
    for s in &r.stale {
        writeln!(out, "  {:<44} -> {:<40} {}", s.from, s.to, s.status)?;
    }
    if !r.newer_than_catalog.is_empty() {
        writeln!(
            out,
            "\nverified after the catalogue was read ({}): not listed there, not judged",
            r.newer_than_catalog.len()
        )?;
        for s in &r.newer_than_catalog {
            writeln!(out, "  {:<44} -> {:<40} {}", s.from, s.to, s.verified)?;
        }
    }
    writeln!(
        out,
        "\nnow served ({}): unverified rows the catalogue lists",
        r.now_served.len()
    )?;
    for s in &r.now_served {
        writeln!(out, "  {:<44} -> {}", s.from, s.id)?;
    }
    writeln!(
        out,
        "\nnot mapped ({}): catalogue models no row maps to",
        r.unmapped.len()
    )?;
    for id in &r.unmapped {
        writeln!(out, "  {id}")?;
    }
    writeln!(out)?;
    if r.stale.is_empty() {
        writeln!(out, "every mapped row is served")?;
    } else {
        writeln!(
            out,
            "{} row(s) map to models the catalogue does not serve: update the table",
            r.stale.len()
        )?;
    }
    Ok(())
}

fn print_source(
    out: &mut impl Write,
    label: &str,
    r: &SourceCheck,
    color: ColorChoice,
) -> io::Result<()> {
    header(out, label, &r.catalog, color)?;
    writeln!(
        out,
        "\nunknown authors ({}): scan does not recognise their ids",
        r.unknown_authors.len()
    )?;
    for (author, ids) in &r.unknown_authors {
        let shown: Vec<&str> = ids.iter().take(5).map(String::as_str).collect();
        let more = ids.len().saturating_sub(shown.len());
        let more = if more > 0 {
            format!(" (+{more} more)")
        } else {
            String::new()
        };
        writeln!(out, "  {author}: {}{more}", shown.join(", "))?;
    }
    writeln!(
        out,
        "\nnot in any target table ({}): ids every rewrite leaves to a person",
        r.unlisted.len()
    )?;
    for id in &r.unlisted {
        writeln!(out, "  {id}")?;
    }
    writeln!(out)?;
    if r.unknown_authors.is_empty() {
        writeln!(out, "every author is known")?;
    } else {
        writeln!(
            out,
            "{} author(s) missing from the source table: add them to `authors`",
            r.unknown_authors.len()
        )?;
    }
    Ok(())
}
