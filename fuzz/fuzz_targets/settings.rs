#![no_main]
// The `settings` target of src/fuzz.rs under libFuzzer.
libfuzzer_sys::fuzz_target!(|data: &[u8]| byob::fuzz::settings_validate_migrate(data));
