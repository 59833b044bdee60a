//! Fuzz target `tar`: see [`hoist_fuzz::tar`] for what one input exercises.

#![no_main]

libfuzzer_sys::fuzz_target!(|data: &[u8]| hoist_fuzz::tar(data));
