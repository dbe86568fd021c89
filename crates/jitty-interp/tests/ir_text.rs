//! Semantics checked on hand-written `.ll` snippets parsed by jitty-llvm:
//! vectors, wide integers, atomics, aggregates, intrinsics, calls.

use jitty_interp::lower::Op;
use jitty_interp::{Interpreter, Trap};
use std::sync::Arc;

fn load(src: &str) -> Interpreter {
    let m = jitty_llvm::parse_module(src, "test.ll").expect("parse");
    assert!(jitty_interp::unsupported(&m).is_empty(), "{:?}", jitty_interp::unsupported(&m));
    Interpreter::load_host(Arc::new(m)).expect("load")
}

fn call1(it: &Interpreter, name: &str, args: &[u64]) -> u64 {
    it.call_by_name(name, args).unwrap_or_else(|e| panic!("{name}: {e}"))[0]
}

#[test]
fn vectors() {
    let it = load(
        r#"
define i32 @vsum(i32 %a, i32 %b) {
  %v0 = insertelement <4 x i32> poison, i32 %a, i64 0
  %v1 = shufflevector <4 x i32> %v0, <4 x i32> poison, <4 x i32> zeroinitializer
  %w = add <4 x i32> %v1, <i32 1, i32 2, i32 3, i32 4>
  %c = icmp sgt <4 x i32> %w, <i32 0, i32 0, i32 0, i32 0>
  %m = select <4 x i1> %c, <4 x i32> %w, <4 x i32> zeroinitializer
  %b4 = insertelement <4 x i32> %m, i32 %b, i32 3
  %r = call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> %b4)
  ret i32 %r
}
define i32 @vbits(i64 %x) {
  %v = bitcast i64 %x to <2 x i32>
  %s = shufflevector <2 x i32> %v, <2 x i32> poison, <2 x i32> <i32 1, i32 0>
  %y = bitcast <2 x i32> %s to i64
  %t = trunc i64 %y to i32
  %e = extractelement <2 x i32> %v, i32 1
  %r = xor i32 %t, %e
  %mx = call <2 x i32> @llvm.smax.v2i32(<2 x i32> %v, <2 x i32> <i32 7, i32 7>)
  %m0 = extractelement <2 x i32> %mx, i32 0
  %r2 = add i32 %r, %m0
  ret i32 %r2
}
define i32 @vstore(ptr %p) {
  %v = load <4 x i16>, ptr %p
  %z = zext <4 x i16> %v to <4 x i32>
  %d = mul <4 x i32> %z, <i32 2, i32 2, i32 2, i32 2>
  %q = getelementptr i8, ptr %p, i64 8
  store <4 x i32> %d, ptr %q
  %r = call i32 @llvm.vector.reduce.umax.v4i32(<4 x i32> %d)
  ret i32 %r
}
declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>)
declare i32 @llvm.vector.reduce.umax.v4i32(<4 x i32>)
declare <2 x i32> @llvm.smax.v2i32(<2 x i32>, <2 x i32>)
"#,
    );
    // a = -2: lanes -1, 0, 1, 2 -> select keeps 0,0,1,2 -> lane 3 := b = 10 -> 11.
    assert_eq!(call1(&it, "vsum", &[(-2i32) as u32 as u64, 10]), 11);
    // x = hi:5, lo:3 -> swapped low lane = 5; e = 5 -> 0; smax(3, 7) = 7.
    assert_eq!(call1(&it, "vbits", &[(5u64 << 32) | 3]), 7);
    let mut buf = [0u16; 12];
    buf[..4].copy_from_slice(&[1, 9, 3, 65535]);
    assert_eq!(call1(&it, "vstore", &[buf.as_mut_ptr() as u64]), 131070);
    assert_eq!(buf[4..12], [2, 0, 18, 0, 6, 0, 65534, 1]);
}

#[test]
fn wide_bitfield_words() {
    let it = load(
        r#"
define i32 @get(ptr %p, i32 %sh) {
  %w = load i136, ptr %p, align 1
  %a = shl i136 %w, 107
  %b = ashr i136 %a, 107
  %t = trunc i136 %b to i32
  ret i32 %t
}
define void @set(ptr %p, i32 %v) {
  %w = load i136, ptr %p, align 1
  %z = zext i32 %v to i136
  %s = shl i136 %z, 100
  %m = and i136 %w, -1267650600228229401496703205377
  %o = or i136 %m, %s
  store i136 %o, ptr %p, align 1
  ret void
}
"#,
    );
    let mut mem = [0u8; 17];
    mem[0] = 0x1f; // low 29 bits: 0x1f -> 31
    mem[3] = 0x10; // bit 28 set -> negative 29-bit value
    let got = call1(&it, "get", &[mem.as_mut_ptr() as u64, 0]) as u32 as i32;
    assert_eq!(got, (0x1000_001f_i32 << 3) >> 3);
    call1_void(&it, "set", &[mem.as_mut_ptr() as u64, 1]);
    // bit 100 set, everything else kept (mask clears only bit 100).
    assert_eq!(mem[12], 0x10);
    assert_eq!(mem[0], 0x1f);
}

/// A mask that needs all 136 bits (clang emits these for bitfield storage
/// words at -O0; csmith seed 176): it must not be truncated to 128 bits.
#[test]
fn wide_constant_beyond_128_bits() {
    let it = load(
        r#"
define void @mask(ptr %p) {
  %w = load i136, ptr %p, align 1
  %m = and i136 %w, -21778071472798856859830139663659539890177
  store i136 %m, ptr %p, align 1
  ret void
}
"#,
    );
    let mut mem = [0xffu8; 17];
    call1_void(&it, "mask", &[mem.as_mut_ptr() as u64]);
    // The mask's 136-bit two's complement, little-endian (computed with
    // Python's arbitrary-precision integers).
    assert_eq!(mem, [255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 255, 127, 0, 0, 0, 192]);
}

fn call1_void(it: &Interpreter, name: &str, args: &[u64]) {
    it.call_by_name(name, args).unwrap_or_else(|e| panic!("{name}: {e}"));
}

#[test]
fn atomics_and_aggregates() {
    let it = load(
        r#"
define i64 @atom(ptr %p) {
  %o = atomicrmw add ptr %p, i64 5 seq_cst
  %x = atomicrmw umax ptr %p, i64 3 seq_cst
  %c = cmpxchg ptr %p, i64 15, i64 100 seq_cst seq_cst
  %ok = extractvalue { i64, i1 } %c, 1
  %old = extractvalue { i64, i1 } %c, 0
  %okz = zext i1 %ok to i64
  %r = add i64 %old, %okz
  fence seq_cst
  ret i64 %r
}
define i64 @agg(i64 %a, i64 %b) {
  %s0 = insertvalue { i64, [2 x i32] } poison, i64 %a, 0
  %t = trunc i64 %b to i32
  %s1 = insertvalue { i64, [2 x i32] } %s0, i32 %t, 1, 1
  %p = alloca { i64, [2 x i32] }
  store { i64, [2 x i32] } %s1, ptr %p
  %q = getelementptr { i64, [2 x i32] }, ptr %p, i64 0, i32 1, i64 1
  %v = load i32, ptr %q
  %s2 = load { i64, [2 x i32] }, ptr %p
  %f = extractvalue { i64, [2 x i32] } %s2, 0
  %vz = zext i32 %v to i64
  %r = add i64 %f, %vz
  %ov = call { i64, i1 } @llvm.umul.with.overflow.i64(i64 %a, i64 %b)
  %o = extractvalue { i64, i1 } %ov, 1
  %oz = zext i1 %o to i64
  %r2 = add i64 %r, %oz
  ret i64 %r2
}
declare { i64, i1 } @llvm.umul.with.overflow.i64(i64, i64)
"#,
    );
    let mut cell = 10u64;
    // 10+5 = 15; umax(15,3) = 15; cmpxchg(15 -> 100) ok: old 15 + 1.
    assert_eq!(call1(&it, "atom", &[&mut cell as *mut u64 as u64]), 16);
    assert_eq!(cell, 100);
    assert_eq!(call1(&it, "agg", &[7, 9]), 16);
    assert_eq!(call1(&it, "agg", &[u64::MAX, 2]), u64::MAX.wrapping_add(2).wrapping_add(1));
}

#[test]
fn bit_intrinsics_and_floats() {
    let it = load(
        r#"
define i32 @bits(i32 %x) {
  %a = call i32 @llvm.ctlz.i32(i32 %x, i1 false)
  %b = call i32 @llvm.cttz.i32(i32 %x, i1 false)
  %c = call i32 @llvm.ctpop.i32(i32 %x)
  %d = call i32 @llvm.bswap.i32(i32 %x)
  %e = call i32 @llvm.fshl.i32(i32 %x, i32 %x, i32 8)
  %f = call i8 @llvm.uadd.sat.i8(i8 200, i8 100)
  %fz = zext i8 %f to i32
  %s1 = add i32 %a, %b
  %s2 = add i32 %s1, %c
  %s3 = xor i32 %s2, %d
  %s4 = xor i32 %s3, %e
  %s5 = add i32 %s4, %fz
  ret i32 %s5
}
define i32 @floats(double %x) {
  %f = fptrunc double %x to float
  %h = fptrunc float %f to half
  %hx = fpext half %h to double
  %l = fpext double %hx to x86_fp80
  %p = alloca x86_fp80
  store x86_fp80 %l, ptr %p
  %l2 = load x86_fp80, ptr %p
  %d = fptrunc x86_fp80 %l2 to double
  %s = call i32 @llvm.fptosi.sat.i32.f64(double 1.0e20)
  %n = fcmp uno double %d, 0x7FF8000000000000
  %i = fptosi double %d to i32
  %nz = zext i1 %n to i32
  %r = add i32 %i, %nz
  %r2 = xor i32 %r, %s
  ret i32 %r2
}
declare i32 @llvm.ctlz.i32(i32, i1)
declare i32 @llvm.cttz.i32(i32, i1)
declare i32 @llvm.ctpop.i32(i32)
declare i32 @llvm.bswap.i32(i32)
declare i32 @llvm.fshl.i32(i32, i32, i32)
declare i8 @llvm.uadd.sat.i8(i8, i8)
declare i32 @llvm.fptosi.sat.i32.f64(double)
"#,
    );
    let x = 0x0012_3400u32;
    let want = (x.leading_zeros() + x.trailing_zeros() + x.count_ones()) ^ x.swap_bytes() ^ x.rotate_left(8);
    assert_eq!(call1(&it, "bits", &[u64::from(x)]) as u32, want.wrapping_add(255));
    // 1234.5 survives float/half (half: 1234.0 or 1235.0 is not exact: 1234.5 -> 1234 ties-even).
    let r = call1(&it, "floats", &[1234.5f64.to_bits()]) as u32 as i32;
    assert_eq!(r, (1234 + 1) ^ i32::MAX);
}

#[test]
fn calls_switch_and_traps() {
    // Each interpreted call also uses native stack (the interpreter recurses
    // per IR call, as `run_main`'s 1 GiB program thread allows for); a
    // libtest thread's default 2 MiB does not hold 1000 release-build
    // frames, so this runs on a thread sized like a program's main thread.
    std::thread::Builder::new()
        .stack_size(64 << 20)
        .spawn(calls_switch_and_traps_on_a_big_stack)
        .expect("spawn")
        .join()
        .expect("no panic");
}

fn calls_switch_and_traps_on_a_big_stack() {
    let it = load(
        r#"
%pair = type { i64, i64 }
define internal i64 @sum(ptr byval(%pair) %p) {
  %a = load i64, ptr %p
  %q = getelementptr %pair, ptr %p, i32 0, i32 1
  %b = load i64, ptr %q
  store i64 0, ptr %p
  %s = add i64 %a, %b
  ret i64 %s
}
define i64 @byval(i64 %x) {
  %p = alloca %pair
  store i64 %x, ptr %p
  %q = getelementptr %pair, ptr %p, i32 0, i32 1
  store i64 3, ptr %q
  %fp = select i1 true, ptr @sum, ptr null
  %r = call i64 %fp(ptr byval(%pair) %p)
  %keep = load i64, ptr %p
  %t = add i64 %r, %keep
  ret i64 %t
}
define i32 @sw(i32 %x) {
entry:
  switch i32 %x, label %def [ i32 1, label %one
                              i32 5, label %five ]
one:
  br label %done
five:
  br label %done
def:
  br label %done
done:
  %r = phi i32 [ 10, %one ], [ 50, %five ], [ -1, %def ]
  ret i32 %r
}
define i32 @deep(i32 %n) {
  %c = icmp eq i32 %n, 0
  br i1 %c, label %z, label %r
z:
  ret i32 0
r:
  %m = sub i32 %n, 1
  %v = call i32 @deep(i32 %m)
  %w = add i32 %v, 1
  ret i32 %w
}
define i32 @srem(i32 %a, i32 %b) {
  %r = srem i32 %a, %b
  ret i32 %r
}
"#,
    );
    assert_eq!(call1(&it, "byval", &[4]), 4 + 3 + 4);
    assert_eq!(call1(&it, "sw", &[1]) as u32 as i32, 10);
    assert_eq!(call1(&it, "sw", &[5]) as u32 as i32, 50);
    assert_eq!(call1(&it, "sw", &[7]) as u32 as i32, -1);
    assert_eq!(call1(&it, "deep", &[1000]), 1000);
    let e = it.call_by_name("srem", &[i32::MIN as u32 as u64, (-1i32) as u32 as u64]).unwrap_err();
    assert_eq!(e.trap(), Trap::DivOverflow);
    assert_eq!(e.info().func, "srem");
    // Unbounded recursion is a trap, not a crash.
    it.set_fuel(Some(1 << 40));
    let e = it.call_by_name("deep", &[u32::MAX as u64]).unwrap_err();
    assert!(matches!(e.trap(), Trap::StackOverflow | Trap::OutOfFuel), "{e}");
}

/// A value live across a `setjmp` keeps the value it had when a `longjmp`
/// resumes there (expected values from `lli-22`). The interpreter shares no
/// slots (move-only casts, in-place `insertelement`, a self-loop phi with
/// its back-edge value) in a function that calls `setjmp`: with sharing,
/// these returned 9, 14 and 102.
#[test]
fn no_slot_sharing_across_setjmp() {
    let it = load(
        r#"
declare i32 @setjmp(ptr)
declare void @longjmp(ptr, i32)

define i64 @zext_across_longjmp() {
entry:
  %buf = alloca [256 x i8], align 16
  %p = alloca i32
  %flag = alloca i32
  store i32 3, ptr %p
  store i32 0, ptr %flag
  br label %a
a:
  %s = load i32, ptr %p
  %f = load i32, ptr %flag
  %first = icmp eq i32 %f, 0
  br i1 %first, label %b, label %c
b:
  %d = zext i32 %s to i64
  %r = call i32 @setjmp(ptr %buf)
  %z = icmp eq i32 %r, 0
  br i1 %z, label %again, label %done
again:
  store i32 9, ptr %p
  store i32 1, ptr %flag
  br label %a
c:
  call void @longjmp(ptr %buf, i32 1)
  unreachable
done:
  ret i64 %d
}

define i32 @insert_across_longjmp() {
entry:
  %buf = alloca [256 x i8], align 16
  %flag = alloca i32
  store i32 0, ptr %flag
  %u = insertelement <4 x i32> <i32 1, i32 2, i32 3, i32 4>, i32 10, i32 0
  %r = call i32 @setjmp(ptr %buf)
  %w = insertelement <4 x i32> %u, i32 7, i32 %r
  %f = load i32, ptr %flag
  %first = icmp eq i32 %f, 0
  br i1 %first, label %jump, label %done
jump:
  store i32 1, ptr %flag
  call void @longjmp(ptr %buf, i32 1)
  unreachable
done:
  %e0 = extractelement <4 x i32> %w, i32 0
  %e1 = extractelement <4 x i32> %w, i32 1
  %s = add i32 %e0, %e1
  ret i32 %s
}

define i32 @phi_across_longjmp() {
entry:
  %buf = alloca [256 x i8], align 16
  %flag = alloca i32
  store i32 0, ptr %flag
  br label %L
L:
  %p = phi i32 [ 1, %entry ], [ %v, %L ]
  %r = call i32 @setjmp(ptr %buf)
  %x = add i32 %p, %r
  %v = add i32 %x, 100
  %f = load i32, ptr %flag
  switch i32 %f, label %done [
    i32 0, label %J
    i32 5, label %L
  ]
J:
  store i32 1, ptr %flag
  call void @longjmp(ptr %buf, i32 1)
  unreachable
done:
  ret i32 %x
}
"#,
    );
    assert_eq!(call1(&it, "zext_across_longjmp", &[]), 3);
    assert_eq!(call1(&it, "insert_across_longjmp", &[]) as u32, 17);
    assert_eq!(call1(&it, "phi_across_longjmp", &[]) as u32, 2);
}

/// A loop phi shares its back-edge value's slot only when no use of the
/// phi can run after that value's definition: in `interfere` the phi is
/// read in later blocks of the iteration, in `edge_use` by another phi on
/// the back edge itself. Expected values: the same loops in Rust.
#[test]
fn loop_phis_share_slots_only_without_interference() {
    let it = load(
        r#"
define i64 @interfere(i64 %n) {
entry:
  br label %h
h:
  %p = phi i64 [ 1, %entry ], [ %v, %latch ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %latch ]
  %v = add i64 %p, 3
  %c = icmp ult i64 %p, %n
  br i1 %c, label %body, label %exit
body:
  %acc1 = add i64 %acc, %p
  br label %latch
latch:
  br label %h
exit:
  %r = add i64 %acc, %p
  ret i64 %r
}

define i64 @edge_use(i64 %n) {
entry:
  br label %h
h:
  %p = phi i64 [ 0, %entry ], [ %v, %b ]
  %q = phi i64 [ 100, %entry ], [ %p, %b ]
  %c = icmp ult i64 %p, %n
  br i1 %c, label %b, label %exit
b:
  %v = add i64 %p, 1
  br label %h
exit:
  %r = mul i64 %q, 1000
  %r2 = add i64 %r, %p
  ret i64 %r2
}
"#,
    );
    let interfere = |n: u64| {
        let (mut p, mut acc) = (1u64, 0u64);
        while p < n {
            acc += p;
            p += 3;
        }
        acc + p
    };
    for n in [0, 1, 2, 10, 1000] {
        assert_eq!(call1(&it, "interfere", &[n]), interfere(n), "interfere({n})");
        let expect = if n == 0 { 100 * 1000 } else { (n - 1) * 1000 + n };
        assert_eq!(call1(&it, "edge_use", &[n]), expect, "edge_use({n})");
    }
}

/// The phis of a loop whose body spans several blocks share their slots
/// with their back-edge values when nothing reads them later, so the back
/// edge moves nothing: the only moves left are the entry edge's (`i`, `s`)
/// and the two into `%add`.
#[test]
fn multi_block_loop_back_edge_moves_nothing() {
    let it = load(
        r#"
define i64 @count(i64 %n) {
entry:
  br label %h
h:
  %i = phi i64 [ 0, %entry ], [ %i1, %latch ]
  %s = phi i64 [ 0, %entry ], [ %s1, %latch ]
  %c = icmp ult i64 %i, %n
  br i1 %c, label %body, label %exit
body:
  %odd = and i64 %i, 1
  %t = icmp eq i64 %odd, 0
  br i1 %t, label %even, label %latch
even:
  br label %latch
latch:
  %add = phi i64 [ %i, %even ], [ 0, %body ]
  %s1 = add i64 %s, %add
  %i1 = add i64 %i, 1
  br label %h
exit:
  ret i64 %s
}
"#,
    );
    assert_eq!(call1(&it, "count", &[10]), 2 + 4 + 6 + 8);
    let m = it.image().module();
    let code = it.lowered(m.func_by_name("count").expect("count"));
    let moved: usize = code
        .ops
        .iter()
        .map(|op| match op {
            Op::Mov { .. } | Op::MovBr { .. } | Op::MovN { .. } => 1,
            Op::Mov2 { .. } | Op::Mov2Br { .. } => 2,
            Op::Moves { info } | Op::MovesBr { info, .. } => code.moves[*info as usize].len(),
            _ => 0,
        })
        .sum();
    assert_eq!(moved, 4, "{:#?}", code.ops);
}

/// Switches whose cases span a short range only when read signed get a
/// dense table indexed by `(v - min) mod 2^bits`: every value of the
/// condition's width lands on its case or the default.
#[test]
fn dense_switch_over_a_signed_range() {
    let it = load(
        r#"
define i32 @s16(i16 %w) {
entry:
  switch i16 %w, label %d [ i16 -1, label %m1
                            i16 0, label %z
                            i16 1, label %p1 ]
m1:
  ret i32 10
z:
  ret i32 20
p1:
  ret i32 30
d:
  ret i32 0
}

define i32 @s8(i8 %w) {
entry:
  switch i8 %w, label %d [ i8 -128, label %a
                           i8 127, label %b
                           i8 0, label %c ]
a:
  ret i32 1
b:
  ret i32 2
c:
  ret i32 3
d:
  ret i32 0
}

define i32 @s64(i64 %w) {
entry:
  switch i64 %w, label %d [ i64 -9223372036854775808, label %a
                            i64 9223372036854775807, label %b ]
a:
  ret i32 1
b:
  ret i32 2
d:
  ret i32 0
}
"#,
    );
    let m = it.image().module();
    // `s64`'s cases are adjacent read unsigned (2^63 - 1, 2^63).
    for (name, dense) in [("s16", true), ("s8", true), ("s64", true)] {
        let code = it.lowered(m.func_by_name(name).expect(name));
        assert_eq!(!code.switches[0].dense.is_empty(), dense, "{name}");
    }
    for w in 0..=u16::MAX {
        let expect = match w as i16 {
            -1 => 10,
            0 => 20,
            1 => 30,
            _ => 0,
        };
        assert_eq!(call1(&it, "s16", &[u64::from(w)]), expect, "s16({w})");
    }
    for w in 0..=u8::MAX {
        let expect = match w as i8 {
            -128 => 1,
            127 => 2,
            0 => 3,
            _ => 0,
        };
        assert_eq!(call1(&it, "s8", &[u64::from(w)]), expect, "s8({w})");
    }
    for (w, expect) in [(1u64 << 63, 1), (u64::MAX >> 1, 2), (0, 0), (u64::MAX, 0), (1, 0)] {
        assert_eq!(call1(&it, "s64", &[w]), expect, "s64({w:#x})");
    }
}
