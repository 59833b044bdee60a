//! Fuzz target `zip`: see [`hoist_fuzz::zip`] for what one input exercises.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hoist_fuzz::zip(data));
