//! Entry stubs over the interpreter's generic entries: a function's address
//! is stable, enters the interpreter by default, runs plugged native code
//! once plugged (for native callers and for the interpreter's own direct and
//! indirect calls alike), and the interpreter again after `unplug`; function
//! identity (`func_at`) never changes.

use jitty_interp::Interpreter;
use std::sync::Arc;

const SRC: &str = r#"
define i64 @inc(i64 %x) {
  %r = add i64 %x, 1
  ret i64 %r
}
define i64 @call_through(ptr %f, i64 %x) {
  %r = call i64 %f(i64 %x)
  ret i64 %r
}
define i64 @call_direct(i64 %x) {
  %r = call i64 @inc(i64 %x)
  ret i64 %r
}
"#;

extern "C" fn times_ten(x: u64) -> u64 {
    x * 10
}

#[test]
fn plugging_redirects_every_caller_of_the_address() {
    let module = Arc::new(jitty_llvm::parse_module(SRC, "stubs.ll").unwrap());
    let interp = Interpreter::load_host(module.clone()).unwrap();
    let image = interp.image().clone();
    let inc = module.func_by_name("inc").unwrap();
    let addr = image.func_addr(inc);
    assert_eq!(image.func_at(addr), Some(inc));
    // SAFETY: @inc is `i64 (i64)`.
    let native: extern "C" fn(u64) -> u64 = unsafe { std::mem::transmute(addr as usize) };
    let through = |x: u64| interp.call_by_name("call_through", &[addr, x]).unwrap()[0];
    let direct = |x: u64| interp.call_by_name("call_direct", &[x]).unwrap()[0];
    assert_eq!((through(41), direct(41)), (42, 42));

    assert_eq!((native(41), image.plugged(inc)), (42, None));
    let entries = interp.native_entries();
    // SAFETY: `times_ten` has @inc's signature and lives forever.
    let plug = unsafe { image.plug(inc, times_ten as *const () as u64) }.expect("@inc has an entry stub");
    assert_eq!(image.plugged(inc), Some(times_ten as *const () as u64));
    assert_eq!(native(41), 410, "native callers run the plugged code");
    assert_eq!(interp.native_entries(), entries, "and do not enter the interpreter");
    assert_eq!(image.func_addr(inc), addr, "the address is unchanged");
    assert_eq!(image.func_at(addr), Some(inc));
    // The interpreter's own calls run the plugged code too.
    assert_eq!((through(41), direct(41)), (410, 410));

    assert!(image.unplug(plug));
    assert_eq!((native(41), image.plugged(inc)), (42, None));
    assert_eq!((through(41), direct(41)), (42, 42));
    assert_eq!(interp.native_entries(), entries + 1);
}
