//! Prints the scanner's prefilter literals, one per line, so benchmarks
//! (scripts/bench-scan.sh) search exactly what `scan` searches for instead
//! of a hand-kept copy. Usage:
//! `cargo run --example trigger_literals [TARGET] [SOURCE]` (defaults:
//! llmgateway, openrouter).

use llmgw_migrate::rules::{Rules, DEFAULT_SOURCE};
use llmgw_migrate::scan::detect::Detector;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut args = std::env::args().skip(1);
    let target = args.next().unwrap_or_else(|| "llmgateway".into());
    let source = args.next().unwrap_or_else(|| DEFAULT_SOURCE.into());
    let rules = Rules::embedded()?;
    let table = rules.require_target(&target)?;
    let src = rules
        .source(&source)
        .ok_or_else(|| format!("unknown source profile '{source}'"))?;
    let det = Detector::new(&rules, &src.table, &table.table);
    for lit in det.trigger_literals() {
        println!("{lit}");
    }
    Ok(())
}
