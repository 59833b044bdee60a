//! Fuzz target `metadata`: see [`hoist_fuzz::metadata`] for what one input exercises.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hoist_fuzz::metadata(data));
