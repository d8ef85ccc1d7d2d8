#![no_main]
// The `wire` target of src/fuzz.rs under libFuzzer: the hot module's target text.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::wire(data));
