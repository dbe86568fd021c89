//! The runtime's image on its own (no engine): globals are materialized by
//! the native data layout, and `plug`/`unplug` swap the code behind a stable
//! function address, a stale handle never undoing a later plug.

use jitty_rt::{Image, NoGeneric};
use std::sync::Arc;

const SRC: &str = r#"
%S = type { i8, i32, [3 x i16], ptr }
@counter = global i64 7
@s = global %S { i8 -1, i32 305419896, [3 x i16] [i16 1, i16 2, i16 -3], ptr getelementptr (i8, ptr @counter, i64 4) }
@f_ptr = global ptr @inc

define i64 @inc(i64 %x) {
  %r = add i64 %x, 1
  ret i64 %r
}
"#;

/// The native layout of `%S`: the oracle for the loader's layout.
#[repr(C)]
struct S {
    a: i8,
    b: i32,
    c: [i16; 3],
    d: *const u8,
}

extern "C" fn times_ten(x: u64) -> u64 {
    x * 10
}

extern "C" fn plus_hundred(x: u64) -> u64 {
    x + 100
}

fn load() -> Image {
    let module = Arc::new(jitty_llvm::parse_module(SRC, "image.ll").unwrap());
    Image::load_host(module, Arc::new(NoGeneric)).unwrap()
}

#[test]
fn initializers_follow_the_native_layout() {
    let image = load();
    let counter = image.symbol_addr("counter").unwrap();
    let s = image.symbol_addr("s").unwrap();
    // SAFETY: the image holds `@s` (of type %S, laid out like `S`) and
    // `@counter` (an i64) at these addresses, aligned to at least 16.
    let (s, counter_value) = unsafe { (&*(s as *const S), *(counter as *const i64)) };
    assert_eq!(counter_value, 7);
    assert_eq!((s.a, s.b, s.c), (-1, 0x1234_5678, [1, 2, -3]));
    assert_eq!(s.d as u64, counter + 4, "constant GEP into another global");
    let inc = image.module().func_by_name("inc").unwrap();
    let f_ptr = image.symbol_addr("f_ptr").unwrap();
    // SAFETY: `@f_ptr` is a pointer-sized global.
    assert_eq!(unsafe { *(f_ptr as *const u64) }, image.func_addr(inc), "a function's address is its stub");
}

#[test]
fn plug_and_unplug_swap_code_behind_one_address() {
    let image = load();
    let inc = image.module().func_by_name("inc").unwrap();
    let addr = image.func_addr(inc);
    assert_eq!((image.func_at(addr), image.plugged(inc)), (Some(inc), None));
    // SAFETY: @inc is `i64 (i64)`; only called while plugged.
    let call: extern "C" fn(u64) -> u64 = unsafe { std::mem::transmute(addr as usize) };

    // SAFETY: both functions have @inc's signature and live forever.
    let first = unsafe { image.plug(inc, times_ten as *const () as u64) }.expect("@inc has a stub");
    assert_eq!((first.func(), first.code()), (inc, times_ten as *const () as u64));
    assert_eq!(call(4), 40);
    // SAFETY: as above.
    let second = unsafe { image.plug(inc, plus_hundred as *const () as u64) }.expect("@inc has a stub");
    assert_eq!(call(4), 104, "the later plug wins");
    assert!(!image.unplug(first), "a stale handle does not undo a later plug");
    assert_eq!(call(4), 104);
    assert_eq!(image.plugged(inc), Some(plus_hundred as *const () as u64));
    assert!(image.unplug(second));
    assert_eq!(image.plugged(inc), None);
    assert_eq!(image.func_addr(inc), addr, "the address never changes");
}

#[test]
fn declarations_have_no_slot() {
    let module = Arc::new(jitty_llvm::parse_module("declare i32 @atoi(ptr)\n", "decl.ll").unwrap());
    let image = Image::load_host(module, Arc::new(NoGeneric)).unwrap();
    let atoi = image.module().func_by_name("atoi").unwrap();
    assert_eq!(image.func_addr(atoi), libc::atoi as *const () as u64, "resolved in the host");
    // SAFETY: nothing is plugged (the call fails).
    assert!(unsafe { image.plug(atoi, times_ten as *const () as u64) }.is_none());
}
