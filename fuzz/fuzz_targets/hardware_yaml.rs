#![no_main]
// See tco_fuzz::hardware_yaml for what this target runs.
libfuzzer_sys::fuzz_target!(|data: &[u8]| tco_fuzz::hardware_yaml(data));
