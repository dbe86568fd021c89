//! The threaded dispatch keeps the native stack flat: each handler ends by
//! jumping to the next op's handler, so a long run of threaded ops (calls
//! and returns included, direct and through a pointer) must fit in a small
//! thread stack. A handler that made a real call instead would grow the
//! stack by a frame per op and overflow it within the first few thousand
//! iterations here. The result is checked against the same computation in
//! Rust; the pointer call's two callees also check that an indirect call's
//! fast path is taken only for the address it was made for.

use jitty_interp::Interpreter;
use std::sync::Arc;

const SPIN: &str = r#"
define i32 @leaf(i32 %x) {
  %y = mul i32 %x, 3
  %z = add i32 %y, 1
  ret i32 %z
}

define i32 @leaf2(i32 %x) {
  %y = xor i32 %x, 255
  ret i32 %y
}

define i64 @spin(i32 %n) {
entry:
  %buf = alloca [4 x i64], align 8
  call void @llvm.memset.p0.i64(ptr %buf, i8 0, i64 32, i1 false)
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %latch ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %latch ]
  %k = and i32 %i, 3
  switch i32 %k, label %c3 [ i32 0, label %c0
                             i32 1, label %c1
                             i32 2, label %c2 ]
c0:
  %l = call i32 @leaf(i32 %i)
  br label %latch
c1:
  %t = trunc i32 %i to i16
  %q = udiv i16 %t, 7
  %qz = zext i16 %q to i32
  br label %latch
c2:
  %lt = icmp ult i32 %i, 1000
  %sv = select i1 %lt, i32 5, i32 9
  br label %latch
c3:
  %b4 = and i32 %i, 4
  %hasb4 = icmp ne i32 %b4, 0
  %fp = select i1 %hasb4, ptr @leaf, ptr @leaf2
  %x = call i32 %fp(i32 %i)
  br label %latch
latch:
  %v = phi i32 [ %l, %c0 ], [ %qz, %c1 ], [ %sv, %c2 ], [ %x, %c3 ]
  %slot = zext i32 %k to i64
  %p = getelementptr inbounds [4 x i64], ptr %buf, i64 0, i64 %slot
  %old = load i64, ptr %p
  %v64 = zext i32 %v to i64
  %new = add i64 %old, %v64
  store i64 %new, ptr %p
  %acc1 = add i64 %acc, %new
  %i1 = add i32 %i, 1
  %done = icmp eq i32 %i1, %n
  br i1 %done, label %exit, label %loop
exit:
  ret i64 %acc1
}

define double @fspin(i32 %n) {
entry:
  br label %loop
loop:
  %i = phi i32 [ 0, %entry ], [ %i1, %loop ]
  %a = phi double [ 0.0, %entry ], [ %a2, %loop ]
  %v = phi <2 x i32> [ zeroinitializer, %entry ], [ %v1, %loop ]
  %f = sitofp i32 %i to double
  %m = fmul double %f, 5.000000e-01
  %a1 = fadd double %a, %m
  %c = fcmp olt double %a1, 1.000000e+09
  %a2 = select i1 %c, double %a1, double 0.000000e+00
  %iv = insertelement <2 x i32> poison, i32 %i, i64 0
  %iv2 = insertelement <2 x i32> %iv, i32 1, i64 1
  %v1 = add <2 x i32> %v, %iv2
  %i1 = add i32 %i, 1
  %done = icmp eq i32 %i1, %n
  br i1 %done, label %exit, label %loop
exit:
  %l0 = extractelement <2 x i32> %v1, i64 0
  %l1 = extractelement <2 x i32> %v1, i64 1
  %s = add i32 %l0, %l1
  %sf = uitofp i32 %s to double
  %r = fadd double %a2, %sf
  ret double %r
}

declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
"#;

/// `@spin` in Rust.
fn spin(n: u32) -> u64 {
    let (mut buf, mut acc) = ([0u64; 4], 0u64);
    for i in 0..n {
        let k = (i & 3) as usize;
        let v = match k {
            0 => i.wrapping_mul(3).wrapping_add(1),
            1 => u32::from((i as u16) / 7),
            2 => {
                if i < 1000 {
                    5
                } else {
                    9
                }
            }
            _ if i & 4 != 0 => i.wrapping_mul(3).wrapping_add(1),
            _ => i ^ 255,
        };
        buf[k] = buf[k].wrapping_add(u64::from(v));
        acc = acc.wrapping_add(buf[k]);
    }
    acc
}

/// `@fspin` in Rust.
fn fspin(n: u32) -> f64 {
    let (mut a, mut v) = (0f64, [0u32; 2]);
    for i in 0..n {
        let a1 = a + f64::from(i as i32) * 0.5;
        a = if a1 < 1.0e9 { a1 } else { 0.0 };
        v = [v[0].wrapping_add(i), v[1].wrapping_add(1)];
    }
    a + f64::from(v[0].wrapping_add(v[1]))
}

/// Runs `@func(n)` on a thread with a 1 MiB stack (the interpreter keeps
/// 256 KiB of it as its own margin).
fn run_small_stack(func: &'static str, n: u32) -> u64 {
    let m = jitty_llvm::parse_module(SPIN, "spin.ll").expect("parse");
    let it = Interpreter::load_host(Arc::new(m)).expect("load");
    std::thread::Builder::new()
        .stack_size(1 << 20)
        .spawn(move || it.call_by_name(func, &[u64::from(n)]).map(|r| r[0]))
        .expect("spawn")
        .join()
        .expect("join")
        .unwrap_or_else(|e| panic!("{func}: {e}"))
}

#[test]
fn a_long_threaded_run_fits_a_small_stack() {
    const N: u32 = 2_000_000;
    assert_eq!(run_small_stack("spin", N), spin(N));
    assert_eq!(f64::from_bits(run_small_stack("fspin", N)), fspin(N));
}
