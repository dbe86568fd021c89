//! Compiled code is reached through function addresses: under the JIT,
//! indirect calls through a vtable-style table of function pointers and a
//! callback handed to libc's `qsort` run compiled code, not the interpreter.
//! The witness is the interpreter's count of entries from native code.

use jitty_exec::{Engine, Options, run_main};

const PROGRAM: &str = r#"
@table = global [2 x ptr] [ptr @add3, ptr @twice]
@data = global [64 x i32] zeroinitializer

declare void @qsort(ptr, i64, i64, ptr)

define internal i32 @add3(i32 %x) {
  %r = add i32 %x, 3
  ret i32 %r
}

define internal i32 @twice(i32 %x) {
  %r = shl i32 %x, 1
  ret i32 %r
}

define internal i32 @cmp(ptr %a, ptr %b) {
  %x = load i32, ptr %a
  %y = load i32, ptr %b
  %lt = icmp slt i32 %x, %y
  %gt = icmp sgt i32 %x, %y
  %l = zext i1 %lt to i32
  %g = zext i1 %gt to i32
  %r = sub i32 %g, %l
  ret i32 %r
}

define i32 @main() {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i32 [ 1, %entry ], [ %acc1, %loop ]
  %k = and i32 %i, 1
  %k64 = zext i32 %k to i64
  %slot = getelementptr [2 x ptr], ptr @table, i64 0, i64 %k64
  %fn = load ptr, ptr %slot
  %v = call i32 %fn(i32 %acc)
  %acc1 = and i32 %v, 65535
  %idx = and i32 %i, 63
  %idx64 = zext i32 %idx to i64
  %p = getelementptr [64 x i32], ptr @data, i64 0, i64 %idx64
  store i32 %acc1, ptr %p
  %i1 = add i32 %i, 1
  %done = icmp eq i32 %i1, 200000
  br i1 %done, label %sort, label %loop
sort:
  call void @qsort(ptr @data, i64 64, i64 4, ptr @cmp)
  %first = load i32, ptr @data
  %lastp = getelementptr [64 x i32], ptr @data, i64 0, i64 63
  %last = load i32, ptr %lastp
  %ok = icmp sle i32 %first, %last
  %r = select i1 %ok, i32 %acc1, i32 -1
  %s = and i32 %r, 127
  ret i32 %s
}
"#;

/// The exit status computed in Rust: the same fold over `add3`/`twice`.
fn expected_status() -> i32 {
    let mut acc: u32 = 1;
    for i in 0..200_000u32 {
        let v = if i & 1 == 0 { acc.wrapping_add(3) } else { acc << 1 };
        acc = v & 0xffff;
    }
    (acc & 127) as i32
}

fn run(engine: Engine) -> (i32, u64) {
    let module = jitty_llvm::parse_module(PROGRAM, "entry_slots.ll").unwrap();
    let opts = Options { engine, ..Options::default() };
    let (status, stats) = run_main(module, "main", "entry_slots", &[], &opts).unwrap();
    (status, stats.interp_entries)
}

#[test]
fn function_pointers_and_callbacks_reach_compiled_code() {
    let want = expected_status();
    // The interpreter calls table entries itself but is entered by qsort
    // for every comparison.
    let (status, entries) = run(Engine::Interp);
    assert_eq!(status, want);
    assert!(entries >= 63, "{entries} comparisons entered the interpreter");
    // Under the JIT, nothing enters the interpreter: not the 200,000 calls
    // through the table, not qsort's callbacks.
    assert_eq!(run(Engine::Jit), (want, 0));
}
