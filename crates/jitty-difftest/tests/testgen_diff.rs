//! Differential test: random functions from [`jitty_difftest::testgen`]
//! (with their helpers, loops, floats and vectors) run in the interpreter
//! (the oracle) and as JIT code must agree on the result and on the scratch
//! buffer. (`jitty-difftest fuzz` runs the same generator's programs against
//! native code and `lli-22`.)

mod common;
use proptest::prelude::*;

fn check(seed: u64, a: u64, b: u64) -> Result<(), TestCaseError> {
    // Scalar signatures: the JIT leaves functions with vector parameters or
    // results to the interpreter, and every function must compile here.
    let cfg = jitty_difftest::testgen::GenConfig { vector_signatures: false, ..Default::default() };
    let src = jitty_difftest::testgen::generate_with(seed, &cfg);
    let j = common::engines(&src);
    let f = j.module.func_by_name("f").unwrap();
    let mut buf_i = [0x5au8; jitty_difftest::testgen::BUF_BYTES];
    let mut buf_j = [0x5au8; jitty_difftest::testgen::BUF_BYTES];
    let want = j
        .interp
        .call(f, &[a, b, buf_i.as_mut_ptr() as u64])
        .map_err(|e| TestCaseError::fail(format!("interpreter: {e:?}\n{src}")))?;
    // SAFETY: @f is compiled as i64(i64, i64, ptr).
    let jf: extern "C" fn(u64, u64, *mut u8) -> u64 = unsafe { std::mem::transmute(j.addr("f")) };
    let got = jf(a, b, buf_j.as_mut_ptr());
    prop_assert_eq!(got, want[0], "result differs for seed {} a={} b={}\n{}", seed, a, b, src);
    prop_assert_eq!(buf_j.to_vec(), buf_i.to_vec(), "buffer differs for seed {}\n{}", seed, src);
    // SAFETY: no code of the unit runs any more.
    unsafe { j.unit.free() };
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]
    #[test]
    fn jit_agrees_with_interpreter(seed in any::<u64>(), a in any::<u64>(), b in any::<u64>()) {
        check(seed, a, b)?;
    }
}

#[test]
fn fixed_seeds() {
    for seed in 0..50 {
        check(seed, seed.wrapping_mul(0x0001_2345_6789), !seed).unwrap();
    }
}
