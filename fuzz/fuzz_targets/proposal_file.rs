#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| liberation_gates_fuzz::proposal_file(data));
