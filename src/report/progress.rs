//! The progress line of a long scan: files read and findings so far, on
//! stderr, only on a terminal and only once the scan has taken about a
//! second, so short scans and piped output stay as they are.

use std::sync::atomic::{AtomicBool, Ordering::Relaxed};
use std::sync::Arc;
use std::thread::JoinHandle;
use std::time::{Duration, Instant};

use crate::scan::Progress;

/// How long a scan runs before the line appears.
const AFTER: Duration = Duration::from_secs(1);
const TICK: Duration = Duration::from_millis(100);

/// The text after the spinner.
pub fn text(p: &Progress) -> String {
    let files = p.files.load(Relaxed);
    let findings = p.findings.load(Relaxed);
    format!(
        "scanning: {files} file{} read, {findings} finding{}",
        if files == 1 { "" } else { "s" },
        if findings == 1 { "" } else { "s" }
    )
}

/// A running progress line; dropping it clears the line.
pub struct Line {
    done: Arc<AtomicBool>,
    thread: Option<JoinHandle<()>>,
}

/// Start drawing `p` to stderr (indicatif draws nothing when stderr is not
/// a terminal).
pub fn start(p: Arc<Progress>) -> Line {
    let done = Arc::new(AtomicBool::new(false));
    let stop = done.clone();
    let thread = std::thread::spawn(move || {
        let started = Instant::now();
        while started.elapsed() < AFTER {
            if stop.load(Relaxed) {
                return;
            }
            std::thread::sleep(TICK);
        }
        let bar = indicatif::ProgressBar::new_spinner();
        bar.set_style(
            indicatif::ProgressStyle::with_template("{spinner} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_spinner()),
        );
        while !stop.load(Relaxed) {
            bar.set_message(text(&p));
            bar.tick();
            std::thread::sleep(TICK);
        }
        bar.finish_and_clear();
    });
    Line {
        done,
        thread: Some(thread),
    }
}

impl Drop for Line {
    fn drop(&mut self) {
        self.done.store(true, Relaxed);
        if let Some(t) = self.thread.take() {
            let _ = t.join();
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn text_counts_files_and_findings() {
        let p = Progress::default();
        p.files.store(1, Relaxed);
        assert_eq!(text(&p), "scanning: 1 file read, 0 findings");
        p.files.store(1200, Relaxed);
        p.findings.store(7, Relaxed);
        assert_eq!(text(&p), "scanning: 1200 files read, 7 findings");
    }

    #[test]
    fn a_short_scan_never_draws_and_stops_at_once() {
        let started = Instant::now();
        drop(start(Arc::new(Progress::default())));
        assert!(started.elapsed() < AFTER);
    }
}
