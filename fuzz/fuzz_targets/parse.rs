//! Fuzz target of the `.ll` reader: on any input the reader returns `Ok` or
//! `Err`, the verifier accepts or rejects what it returns, and an accepted
//! module survives the printer round trip (`jitty_llvm::check_roundtrip`:
//! print, re-parse, same structure, verifies, prints the same text). A panic,
//! abort, stack overflow, timeout or OOM is a finding, and so is a broken
//! round trip.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    if let Err(e) = jitty_llvm::check_roundtrip(src, "fuzz.ll") {
        panic!("{e}");
    }
});
