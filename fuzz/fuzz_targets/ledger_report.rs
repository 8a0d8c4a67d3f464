#![no_main]
libfuzzer_sys::fuzz_target!(|data: &[u8]| liberation_gates_fuzz::ledger_report(data));
