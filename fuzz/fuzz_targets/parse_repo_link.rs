#![no_main]
// The `parse_repo_link` target of src/fuzz.rs under libFuzzer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::repo_link(data));
