#![no_main]
//! rewrite: input -> findings -> edits -> output never panics, and the output
//! rewritten again is unchanged (see tests/robust_support/mod.rs).

#[path = "../../tests/robust_support/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::rewrite_any(data));
