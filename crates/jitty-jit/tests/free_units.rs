//! Compiling and freeing many units keeps resident memory flat.

mod common;
use jitty_ir::FuncId;
use jitty_jit::{JitOptions, compile_unit};

fn rss_kib() -> u64 {
    let statm = std::fs::read_to_string("/proc/self/statm").expect("statm");
    let pages: u64 = statm.split_whitespace().nth(1).and_then(|s| s.parse().ok()).expect("resident pages");
    // SAFETY: sysconf has no preconditions.
    let page = unsafe { libc::sysconf(libc::_SC_PAGESIZE) } as u64;
    pages * page / 1024
}

#[test]
fn ten_thousand_units_freed_keep_rss_flat() {
    let module = jitty_llvm::parse_module(
        r#"
define i64 @f(i64 %a, i64 %b) {
entry:
  %c = icmp ult i64 %a, %b
  br i1 %c, label %x, label %y
x:
  %s = mul i64 %a, %b
  br label %j
y:
  %t = sub i64 %a, %b
  br label %j
j:
  %r = phi i64 [ %s, %x ], [ %t, %y ]
  ret i64 %r
}
"#,
        "free.ll",
    )
    .unwrap();
    let module = std::sync::Arc::new(module);
    let image = common::image(module.clone());
    let env = &*image;
    let f = module.func_by_name("f").unwrap();
    let run = |n: usize| {
        for i in 0..n {
            let unit = compile_unit(&module, &[f], env, &JitOptions::default()).unwrap();
            // SAFETY: compiled as i64(i64, i64).
            let func: extern "C" fn(u64, u64) -> u64 = unsafe { std::mem::transmute(unit.addr(f).unwrap() as usize) };
            assert_eq!(func(i as u64, 3), if (i as u64) < 3 { i as u64 * 3 } else { i as u64 - 3 });
            // SAFETY: nothing calls the unit's code any more.
            unsafe { unit.free() };
        }
    };
    let _: FuncId = f;
    run(1000); // warm-up
    let before = rss_kib();
    run(10_000);
    let after = rss_kib();
    eprintln!("RSS after warm-up: {before} KiB, after 10,000 more units: {after} KiB");
    assert!(after < before + 8 * 1024, "RSS grew from {before} KiB to {after} KiB");
}
