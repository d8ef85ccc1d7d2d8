#![no_main]
// The `rewrite_jupyterhub` target of src/fuzz.rs under libFuzzer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::rewrite_jupyterhub(data));
