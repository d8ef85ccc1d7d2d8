#![no_main]
// The `rewrite_any_hub` target of src/fuzz.rs under libFuzzer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::rewrite_any_hub(data));
