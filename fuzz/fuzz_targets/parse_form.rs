#![no_main]
// The `parse_form` target of src/fuzz.rs under libFuzzer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::parse_form(data));
