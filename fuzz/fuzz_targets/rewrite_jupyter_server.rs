#![no_main]
// The `rewrite_jupyter_server` target of src/fuzz.rs under libFuzzer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::rewrite_jupyter_server(data));
