//! Arbitrary bytes through the JSON loader and every diagnostics renderer: no panic.
#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| tests::fuzz::load_target(data, true));
