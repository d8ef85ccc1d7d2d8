#![no_main]
// The `rewrite_binderhub` target of src/fuzz.rs under libFuzzer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::rewrite_binderhub(data));
