//! JIT code calls a function it did not compile, directly and through a
//! function pointer, and both calls reach the interpreter through the
//! function's image entry.

mod common;

#[test]
fn jit_code_calls_interpreted_functions() {
    let j = common::engines_for(
        r#"
define i32 @left_to_interp(i32 %x, i32 %y) {
  %d = sub i32 %x, %y
  %r = mul i32 %d, 3
  ret i32 %r
}
define i32 @compiled(i32 %a, ptr %f) {
  %direct = call i32 @left_to_interp(i32 %a, i32 1)
  %indirect = call i32 %f(i32 %direct, i32 2)
  ret i32 %indirect
}
"#,
        |name| name == "compiled",
    );
    let callee = j.module.func_by_name("left_to_interp").unwrap();
    let callee_addr = j.interp.image().func_addr(callee);
    let entries = j.interp.native_entries();
    // SAFETY: the JIT compiled @compiled with exactly this signature.
    let compiled: extern "C" fn(i32, u64) -> i32 = unsafe { std::mem::transmute(j.addr("compiled")) };
    assert_eq!(compiled(5, callee_addr), ((5 - 1) * 3 - 2) * 3);
    assert_eq!(j.interp.native_entries(), entries + 2, "both calls ran on the interpreter");
    // SAFETY: no code of the unit runs any more.
    unsafe { j.unit.free() };
}
