#![no_main]
//! A key of any provider's shape (OpenRouter, Anthropic, OpenAI, Google and
//! the targets') spliced into arbitrary input at an arbitrary point, any
//! file kind, as UTF-8 or UTF-16: no output of scan (every format) or of
//! rewrite (patch, check, write, JSON) may hold 20 consecutive characters
//! of its random part.

#[path = "../../tests/robust_support/mod.rs"]
mod harness;

libfuzzer_sys::fuzz_target!(|data: &[u8]| {
    if data.len() < 4 {
        return;
    }
    let name = harness::NAMES[data[0] as usize % harness::NAMES.len()];
    let rest = &data[3..];
    let at = (data[1] as usize * rest.len()) / 256;
    let (key, secret) = harness::provider_key(data[2], &data[..3]);
    let file = [&rest[..at], key.as_bytes(), &rest[at..]].concat();
    let file = if data[2] & 0x80 != 0 {
        // UTF-16 redaction happens after decoding.
        harness::utf16(&String::from_utf8_lossy(&file), true)
    } else {
        file
    };
    harness::no_key_leak(name, &file, &secret, data[0] as usize);
});
