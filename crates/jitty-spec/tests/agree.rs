//! Residual code agrees with the generic code: random memory contents,
//! random choices of static arguments and random dynamic inputs; the
//! generic function runs on the interpreter, its residual code on the
//! interpreter and compiled by the JIT, over the same real memory.

mod common;

use common::{Cell, MapOracle};
use jitty_interp::{Image, InterpEntries, Interpreter};
use jitty_spec::{Evaluator, Options, StaticArg};
use proptest::prelude::*;
use std::sync::{Arc, OnceLock};

/// `%Obj = { ops: ptr, k: i32, pad: i32, q: i64, arr: [4 x i32] }`.
const IR: &str = r#"
define i64 @scale(i64 %x, i32 %k) {
  %kk = zext i32 %k to i64
  %r = mul i64 %x, %kk
  ret i64 %r
}

define i64 @twice_plus(i64 %x, i64 %y) {
  %d = shl i64 %x, 1
  %r = add i64 %d, %y
  ret i64 %r
}

define i64 @f1(ptr %o, i64 %a, i64 %b) {
  %kp = getelementptr inbounds i8, ptr %o, i64 8
  %k = load i32, ptr %kp
  %qp = getelementptr inbounds i8, ptr %o, i64 16
  %q = load i64, ptr %qp
  %c = icmp ugt i64 %q, 100
  br i1 %c, label %big, label %small
big:
  %r1 = call i64 @scale(i64 %a, i32 %k)
  %r2 = add i64 %r1, %b
  ret i64 %r2
small:
  %s = sub i64 %a, %q
  ret i64 %s
}

define i64 @f2(ptr %o, i64 %a, i64 %b) {
entry:
  br label %head
head:
  %i = phi i64 [ 0, %entry ], [ %i1, %next ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %next ]
  %done = icmp eq i64 %i, 4
  br i1 %done, label %exit, label %body
body:
  %p = getelementptr inbounds i8, ptr %o, i64 24
  %e = getelementptr inbounds [4 x i32], ptr %p, i64 0, i64 %i
  %w = load i32, ptr %e
  %ws = sext i32 %w to i64
  %t = mul i64 %ws, %a
  %acc1 = add i64 %acc, %t
  %stop = icmp sgt i64 %acc1, %b
  br i1 %stop, label %early, label %next
next:
  %i1 = add i64 %i, 1
  br label %head
early:
  %e2 = mul i64 %acc1, 3
  ret i64 %e2
exit:
  ret i64 %acc
}

define i64 @f3(ptr %o, i64 %a, i64 %b) {
entry:
  %pair = alloca { i64, i64 }, align 8
  store i64 %a, ptr %pair
  %hi = getelementptr inbounds i8, ptr %pair, i64 8
  store i64 %b, ptr %hi
  %n = and i64 %b, 15
  br label %head
head:
  %j = phi i64 [ 0, %entry ], [ %j1, %body ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %body ]
  %done = icmp uge i64 %j, %n
  br i1 %done, label %exit, label %body
body:
  %x = load i64, ptr %pair
  %y = add i64 %x, %j
  %acc1 = xor i64 %acc, %y
  store i64 %acc1, ptr %pair
  %j1 = add i64 %j, 1
  br label %head
exit:
  %lo = load i64, ptr %pair
  %h = load i64, ptr %hi
  %r = add i64 %lo, %h
  %s = add i64 %r, %acc
  ret i64 %s
}

define i64 @f4(ptr %o, i64 %a, i64 %b) {
  %kp = getelementptr inbounds i8, ptr %o, i64 8
  %k = load i32, ptr %kp
  %sel = and i32 %k, 3
  switch i32 %sel, label %d [ i32 0, label %c0
                              i32 1, label %c1
                              i32 2, label %c2 ]
c0:
  %b1 = or i64 %b, 1
  %q0 = udiv i64 %a, %b1
  ret i64 %q0
c1:
  %r1 = call i64 @twice_plus(i64 %a, i64 %b)
  ret i64 %r1
c2:
  %m = icmp slt i64 %a, %b
  %r2 = select i1 %m, i64 %a, i64 %b
  ret i64 %r2
d:
  ret i64 -1
}

define i64 @code_of(i64 %a, i64 %b) {
entry:
  %s = and i64 %a, 3
  switch i64 %s, label %other [ i64 0, label %z
                                i64 1, label %one
                                i64 2, label %two ]
z:
  ret i64 0
one:
  ret i64 -11
two:
  ret i64 -22
other:
  %n = add i64 %b, 7
  ret i64 %n
}

; The continuation of an inlined call that returns static codes is
; evaluated once per code (a restart test on the code folds in each copy).
define i64 @f6(ptr %o, i64 %a, i64 %b) {
entry:
  %r = call i64 @code_of(i64 %a, i64 %b)
  %restart = icmp eq i64 %r, -512
  br i1 %restart, label %out, label %exit
exit:
  %qp = getelementptr inbounds i8, ptr %o, i64 16
  %q = load i64, ptr %qp
  %big = icmp ugt i64 %q, 100
  br i1 %big, label %work, label %out
work:
  %w = call i64 @twice_plus(i64 %r, i64 %q)
  br label %out
out:
  %v = phi i64 [ %r, %entry ], [ %r, %exit ], [ %w, %work ]
  ret i64 %v
}

define i64 @f5(ptr %o, i64 %a, i64 %b) {
  %fp = load ptr, ptr %o
  %r = call i64 %fp(i64 %a, i64 %b)
  %qp = getelementptr inbounds i8, ptr %o, i64 16
  %q = load i64, ptr %qp
  %s = add i64 %r, %q
  ret i64 %s
}
"#;

const FUNCS: [&str; 6] = ["f1", "f2", "f3", "f4", "f5", "f6"];

/// The source module on the interpreter (its image gives the functions'
/// native entries, which the memory's function pointer holds).
fn generic() -> &'static Interpreter {
    static G: OnceLock<Interpreter> = OnceLock::new();
    G.get_or_init(|| {
        let m = jitty_llvm::parse_module(IR, "agree.ll").expect("parses");
        Interpreter::load_host(Arc::new(m)).expect("loads")
    })
}

/// The object in real memory (leaked: the code reads it for the test's life).
fn object(k: u32, q: u64, arr: [i32; 4]) -> u64 {
    let g = generic();
    let m = g.image().module();
    let ops = g.image().func_addr(m.func_by_name("twice_plus").unwrap());
    let mut words = vec![0u64; 5];
    words[0] = ops;
    words[1] = u64::from(k);
    words[2] = q;
    words[3] = (arr[0] as u32 as u64) | ((arr[1] as u32 as u64) << 32);
    words[4] = (arr[2] as u32 as u64) | ((arr[3] as u32 as u64) << 32);
    Box::leak(words.into_boxed_slice()).as_ptr() as u64
}

fn oracle(obj: u64) -> MapOracle {
    // SAFETY: `obj` is the 40-byte object built by `object`.
    let w = |i: u64| unsafe { *((obj + 8 * i) as *const u64) };
    let g = generic();
    let mut o = MapOracle::default();
    o.cells.push(Cell { addr: obj, size: 8, value: w(0), quasi: None, what: "Obj.ops".into() });
    o.cells.push(Cell { addr: obj + 8, size: 4, value: w(1) & 0xffff_ffff, quasi: None, what: "Obj.k".into() });
    o.cells.push(Cell { addr: obj + 16, size: 8, value: w(2), quasi: Some(obj + 12), what: "Obj.q".into() });
    o.cells.push(Cell { addr: obj + 24, size: 8, value: w(3), quasi: None, what: "Obj.arr[0..2]".into() });
    o.cells.push(Cell { addr: obj + 32, size: 8, value: w(4), quasi: None, what: "Obj.arr[2..4]".into() });
    let m = g.image().module();
    for f in ["scale", "twice_plus", "code_of", "f1", "f2", "f3", "f4", "f5", "f6"] {
        o.symbols.insert(f.into(), g.image().func_addr(m.func_by_name(f).unwrap()));
    }
    o
}

fn run_case(f: &str, obj: u64, a: u64, b: u64, static_mask: u8) -> Result<(), TestCaseError> {
    let g = generic();
    let m = g.image().module();
    let fid = m.func_by_name(f).unwrap();
    let want = g.call(fid, &[obj, a, b]).map_err(|e| TestCaseError::fail(format!("generic: {e}")))?[0];
    let vals = [obj, a, b];
    let args: Vec<StaticArg> = (0..3)
        .map(|i| if static_mask >> i & 1 == 1 { StaticArg::Value(vals[i]) } else { StaticArg::Dynamic })
        .collect();
    let o = oracle(obj);
    let ev = Evaluator::new(m, &[], jitty_spec::INLINE_BOUND);
    let opts = Options { name: format!("{f}$spec"), fallback: Some(f.to_string()), ..Options::default() };
    let r = ev.specialize(fid, &args, &o, &opts).map_err(|e| TestCaseError::fail(format!("{f}: {e}")))?;
    let rm = Arc::new(r.module);
    // The residual module links against the generic one by name.
    let resolve = |name: &str| g.image().symbol_addr(name);
    let img = Image::load(rm.clone(), &resolve, Arc::new(InterpEntries::default()))
        .map_err(|e| TestCaseError::fail(format!("load residual: {e}")))?;
    let ri = Interpreter::new(Arc::new(img));
    let got = ri.call(r.func, &[obj, a, b]).map_err(|e| TestCaseError::fail(format!("residual: {e}")))?[0];
    prop_assert_eq!(got, want, "{} interpreted residual, mask {:#b}", f, static_mask);
    let unit = jitty_jit::compile_unit(
        &rm,
        &[r.func],
        &**ri.image(),
        &jitty_jit::JitOptions { verify: true, ..jitty_jit::JitOptions::default() },
    )
    .map_err(|e| TestCaseError::fail(format!("JIT: {e}")))?;
    let code = unit.addr(r.func).ok_or_else(|| TestCaseError::fail("JIT: not compiled"))?;
    // SAFETY: the residual function has the entry's signature i64 (ptr, i64, i64).
    let native: extern "C" fn(u64, u64, u64) -> u64 = unsafe { std::mem::transmute(code as usize) };
    let jit = native(obj, a, b);
    prop_assert_eq!(jit, want, "{} compiled residual, mask {:#b}", f, static_mask);
    std::mem::forget(unit);
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    #[test]
    fn residual_code_agrees_with_the_generic_code(
        which in 0usize..FUNCS.len(),
        k in prop_oneof![0u32..8, any::<u32>()],
        q in prop_oneof![0u64..200, any::<u64>()],
        arr in proptest::array::uniform4(-50i32..50),
        a in prop_oneof![-100i64..100, any::<i64>()],
        b in prop_oneof![-300i64..300, any::<i64>()],
        static_mask in 0u8..8,
    ) {
        let obj = object(k, q, arr);
        run_case(FUNCS[which], obj, a as u64, b as u64, static_mask)?;
    }
}
