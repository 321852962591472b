//! Prints the scanner's prefilter literals, one per line, so benchmarks
//! (scripts/bench-scan.sh) search exactly what `scan` searches for instead
//! of a hand-kept copy. Usage: `cargo run --example trigger_literals [TARGET]`.

use llmgw_migrate::rules::Rules;
use llmgw_migrate::scan::detect::Detector;

fn main() -> Result<(), Box<dyn std::error::Error>> {
    let target = std::env::args()
        .nth(1)
        .unwrap_or_else(|| "llmgateway".into());
    let rules = Rules::embedded()?;
    let table = rules.require_target(&target)?;
    let det = Detector::new(&rules, &table.table);
    for lit in det.trigger_literals() {
        println!("{lit}");
    }
    Ok(())
}
