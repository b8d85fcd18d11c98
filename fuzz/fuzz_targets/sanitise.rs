#![no_main]
//! The check is callboard::fuzzing::sanitise (shared with tests/fuzz_corpus.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| callboard::fuzzing::sanitise(data));
