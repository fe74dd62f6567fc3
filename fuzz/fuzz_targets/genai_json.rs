#![no_main]
// See tco_fuzz::genai_json for what this target runs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tco_fuzz::genai_json(data));
