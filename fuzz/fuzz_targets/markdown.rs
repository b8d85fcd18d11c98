#![no_main]
//! The check is callboard::fuzzing::markdown (shared with tests/fuzz_corpus.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| callboard::fuzzing::markdown(data));
