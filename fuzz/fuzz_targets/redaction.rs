#![no_main]
//! A key of the OpenRouter shape spliced into arbitrary input at an
//! arbitrary point, any file kind: no output format may hold 20 consecutive
//! characters of its body.

#[path = "../../tests/robust_support/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 3 {
        return;
    }
    let name = harness::NAMES[data[0] as usize % harness::NAMES.len()];
    let rest = &data[2..];
    let at = (data[1] as usize * rest.len()) / 256;
    let body = harness::key_body(&data[..3]);
    let file = [&rest[..at], format!("sk-or-v1-{body}").as_bytes(), &rest[at..]].concat();
    harness::no_key_leak(name, &file, &body, data[0] as usize);
});
