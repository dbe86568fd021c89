//! Packed vectors stay in SIMD registers. (The differential test of vector
//! operations against the interpreter is `jitty-difftest`'s
//! `tests/simd_diff.rs`.)

mod common;

/// Packed shapes really are lowered to SIMD instructions: no per-lane
/// `extractlane`/`insertlane` traffic in a loop of loads, arithmetic,
/// compares, selects, widening and stores.
#[test]
fn packed_vectors_stay_in_simd_registers() {
    let src = r#"
define void @f(ptr %pa, ptr %pb, ptr %out) {
  %a = load <4 x i16>, ptr %pa, align 2
  %b = load <4 x i32>, ptr %pb, align 4
  %w = sext <4 x i16> %a to <4 x i32>
  %m = mul <4 x i32> %w, %b
  %c = icmp sgt <4 x i32> %m, zeroinitializer
  %s = select <4 x i1> %c, <4 x i32> %m, <4 x i32> %b
  %k = shl <4 x i32> %s, splat (i32 2)
  %f = sitofp <4 x i32> %k to <4 x float>
  %g = fmul <4 x float> %f, splat (float 5.000000e-01)
  store <4 x float> %g, ptr %out, align 4
  ret void
}
"#;
    let module = jitty_llvm::parse_module(src, "packed.ll").unwrap();
    let image = common::image(std::sync::Arc::new(module.clone()));
    let f = module.func_by_name("f").unwrap();
    let opts = jitty_jit::JitOptions { dump_clif: true, verify: true, ..Default::default() };
    let unit = jitty_jit::compile_unit(&module, &[f], &*image, &opts).unwrap();
    let clif = unit.functions()[0].clif.clone().unwrap();
    for op in ["swiden_low", "imul", "icmp sgt", "bitselect", "ishl", "fcvt_from_sint.f32x4", "fmul"] {
        assert!(clif.contains(op), "no {op} in\n{clif}");
    }
    for op in ["extractlane", "insertlane"] {
        assert!(!clif.contains(op), "{op} in\n{clif}");
    }
    // SAFETY: nothing ran.
    unsafe { unit.free() };
}
