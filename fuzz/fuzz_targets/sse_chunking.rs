#![no_main]
//! See tests/robust_support/mod.rs for the checks.

#[path = "../../tests/robust_support/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::sse_chunking(data));
