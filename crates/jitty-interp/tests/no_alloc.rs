//! Proves the interpreter does no heap allocation per executed instruction:
//! a loop (with phis, an alloca, loads/stores, a GEP and a call to another IR
//! function) run for N and 10N iterations allocates the same number of times.

mod common;

use common::*;
use jitty_ir::{BinOp, Flags, InstKind, IntPred, Module, Value};
use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicUsize, Ordering};

struct Counting;

static ALLOCS: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    /// Only the test's own thread is counted: the harness's other threads
    /// allocate at times of their own (that made the comparison flaky).
    static COUNTED: std::cell::Cell<bool> = const { std::cell::Cell::new(false) };
}

// SAFETY: forwards to the system allocator, only counting calls.
unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if COUNTED.try_with(|c| c.get()).unwrap_or(false) {
            ALLOCS.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: forwarded contract.
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        // SAFETY: forwarded contract.
        unsafe { System.dealloc(ptr, layout) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

#[test]
fn loop_allocation_count_is_independent_of_iterations() {
    let mut m = Module::new();
    let i64t = m.types.int(64);
    let i1 = m.types.int(1);
    let void = m.types.void();
    let ptr = m.types.ptr();
    // helper(x) = x * 3 + 1
    let mut fb = FB::new(&mut m, "helper", i64t, &[i64t]);
    let b = fb.block();
    let three = cint(&mut m, 64, 3);
    let one = cint(&mut m, 64, 1);
    let t = fb.push(b, InstKind::Binary { op: BinOp::Mul, lhs: Value::Arg(0), rhs: three, flags: Flags::NONE }, i64t);
    let u = fb.push(b, InstKind::Binary { op: BinOp::Add, lhs: t, rhs: one, flags: Flags::NONE }, i64t);
    fb.push(b, InstKind::Ret { val: Some(u) }, void);
    let helper = fb.finish(&mut m);
    let helper_v = Value::Const(m.intern_const(jitty_ir::ConstData::Func { ty: ptr, id: helper }));

    // run(n): acc = 0; for i in 0..n { slot[i&1] = acc; acc = helper(acc ^ i) + slot[0] }
    let mut fb = FB::new(&mut m, "run", i64t, &[i64t]);
    let entry = fb.block();
    let head = fb.block();
    let body = fb.block();
    let exit = fb.block();
    let zero = cint(&mut m, 64, 0);
    let two = cint(&mut m, 32, 2);
    let arr = fb.push(entry, InstKind::Alloca { elem_ty: i64t, count: two, align: 8 }, ptr);
    fb.push(entry, InstKind::Store { val: zero, ptr: arr, align: 8, volatile: false, atomic: None }, void);
    fb.push(entry, InstKind::Br { dest: head }, void);
    let i_phi = fb.push(head, InstKind::Phi { incoming: vec![] }, i64t);
    let acc_phi = fb.push(head, InstKind::Phi { incoming: vec![] }, i64t);
    let c =
        fb.push(head, InstKind::ICmp { pred: IntPred::Ult, lhs: i_phi, rhs: Value::Arg(0), flags: Flags::NONE }, i1);
    fb.push(head, InstKind::CondBr { cond: c, if_true: body, if_false: exit }, void);
    let one2 = cint(&mut m, 64, 1);
    let bit = fb.push(body, InstKind::Binary { op: BinOp::And, lhs: i_phi, rhs: one2, flags: Flags::NONE }, i64t);
    let slot = fb.push(body, InstKind::Gep { source_ty: i64t, base: arr, indices: vec![bit], flags: Flags::NONE }, ptr);
    fb.push(body, InstKind::Store { val: acc_phi, ptr: slot, align: 8, volatile: false, atomic: None }, void);
    let x = fb.push(body, InstKind::Binary { op: BinOp::Xor, lhs: acc_phi, rhs: i_phi, flags: Flags::NONE }, i64t);
    let ck = call_kind(&mut m, helper_v, i64t, &[i64t], vec![x]);
    let h = fb.push(body, ck, i64t);
    let l = fb.push(body, InstKind::Load { ptr: arr, align: 8, volatile: false, atomic: None }, i64t);
    let acc2 = fb.push(body, InstKind::Binary { op: BinOp::Add, lhs: h, rhs: l, flags: Flags::NONE }, i64t);
    let i2 = fb.push(body, InstKind::Binary { op: BinOp::Add, lhs: i_phi, rhs: one2, flags: Flags::NONE }, i64t);
    fb.push(body, InstKind::Br { dest: head }, void);
    fb.push(exit, InstKind::Ret { val: Some(acc_phi) }, void);
    let (Value::Inst(ip), Value::Inst(ap)) = (i_phi, acc_phi) else { unreachable!() };
    fb.f.insts[ip.index()].kind = InstKind::Phi { incoming: vec![(zero, entry), (i2, body)] };
    fb.f.insts[ap.index()].kind = InstKind::Phi { incoming: vec![(zero, entry), (acc2, body)] };
    let run = fb.finish(&mut m);

    let it = interp(m);
    // Oracle.
    let oracle = |n: u64| {
        let mut slot = [0u64; 2];
        let mut acc = 0u64;
        for i in 0..n {
            slot[(i & 1) as usize] = acc;
            acc = ((acc ^ i).wrapping_mul(3).wrapping_add(1)).wrapping_add(slot[0]);
        }
        acc
    };
    // Warm up (lowering, thread-local stacks).
    assert_eq!(it.call(run, &[10]).unwrap()[0], oracle(10));
    const N: u64 = 10_000;
    COUNTED.with(|c| c.set(true));
    let before = ALLOCS.load(Ordering::SeqCst);
    let r1 = it.call(run, &[N]).unwrap();
    let mid = ALLOCS.load(Ordering::SeqCst);
    let r2 = it.call(run, &[10 * N]).unwrap();
    let after = ALLOCS.load(Ordering::SeqCst);
    COUNTED.with(|c| c.set(false));
    assert_eq!(r1[0], oracle(N));
    assert_eq!(r2[0], oracle(10 * N));
    assert_eq!(mid - before, after - mid, "allocations must not depend on the iteration count");
}
