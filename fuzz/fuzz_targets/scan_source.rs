#![no_main]
//! scan_source over arbitrary bytes as any file kind (first byte picks the
//! name; 0xFF means `name\0bytes`). See tests/robust_support/mod.rs.

#[path = "../../tests/robust_support/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| harness::scan_any(data));
