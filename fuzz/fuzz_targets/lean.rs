#![no_main]
// The `lean` target of src/fuzz.rs under libFuzzer: the hot path against the full model.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::lean(data));
