#![no_main]
//! The check is callboard::fuzzing::entity_ref (shared with tests/fuzz_corpus.rs).
libfuzzer_sys::fuzz_target!(|data: &[u8]| callboard::fuzzing::entity_ref(data));
