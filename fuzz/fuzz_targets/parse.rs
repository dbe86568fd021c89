//! Fuzz target: the `.ll` reader must return `Ok` or `Err` on any input, and a
//! module it accepts must verify or be rejected by the verifier without panics,
//! and print without panics.

#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let Ok(src) = std::str::from_utf8(data) else { return };
    if let Ok((m, _)) = jitty_llvm::parse_module_with_report(src, "fuzz.ll")
        && jitty_ir::verify_module(&m).is_ok()
    {
        let _ = jitty_ir::print_module(&m);
    }
});
