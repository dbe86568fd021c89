//! Semantics of the interpreter against Rust-computed oracles, built with the
//! jitty-ir API directly.

mod common;

use common::*;
use jitty_interp::Trap;
use jitty_ir::{BinOp, CastOp, Flags, FloatKind, FloatPred, InstKind, IntPred, Module, Value};
use proptest::prelude::*;

fn mask(bits: u32) -> u128 {
    if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 }
}

fn sx(v: u128, bits: u32) -> i128 {
    let sh = 128 - bits;
    ((v << sh) as i128) >> sh
}

/// Independent oracle for integer binary operators (None = trap).
fn oracle(op: BinOp, a: u128, b: u128, bits: u32) -> Option<u128> {
    let m = mask(bits);
    let (a, b) = (a & m, b & m);
    let r = match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::UDiv => a.checked_div(b)?,
        BinOp::URem => a.checked_rem(b)?,
        BinOp::SDiv | BinOp::SRem => {
            let (x, y) = (sx(a, bits), sx(b, bits));
            if y == 0 || (y == -1 && x == sx(1u128 << (bits - 1), bits)) {
                return None;
            }
            (if op == BinOp::SDiv { x / y } else { x % y }) as u128
        }
        BinOp::Shl => {
            if b >= bits as u128 {
                0
            } else {
                a << b
            }
        }
        BinOp::LShr => {
            if b >= bits as u128 {
                0
            } else {
                a >> b
            }
        }
        BinOp::AShr => {
            if b >= bits as u128 {
                0
            } else {
                (sx(a, bits) >> b) as u128
            }
        }
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        _ => unreachable!(),
    };
    Some(r & m)
}

const OPS: [BinOp; 13] = [
    BinOp::Add,
    BinOp::Sub,
    BinOp::Mul,
    BinOp::UDiv,
    BinOp::SDiv,
    BinOp::URem,
    BinOp::SRem,
    BinOp::Shl,
    BinOp::LShr,
    BinOp::AShr,
    BinOp::And,
    BinOp::Or,
    BinOp::Xor,
];
const WIDTHS: [u32; 12] = [1, 7, 8, 16, 24, 32, 40, 63, 64, 65, 100, 128];

/// One module with `f_<op>_<bits>(a, b) = a op b` for every op and width.
fn binop_module() -> (jitty_interp::Interpreter, Vec<(BinOp, u32, jitty_ir::FuncId)>) {
    let mut m = Module::new();
    let mut fs = Vec::new();
    for &bits in &WIDTHS {
        for &op in &OPS {
            let ty = m.types.int(bits);
            let mut fb = FB::new(&mut m, &format!("f_{}_{bits}", op.keyword()), ty, &[ty, ty]);
            let b = fb.block();
            let v = fb.push(b, InstKind::Binary { op, lhs: Value::Arg(0), rhs: Value::Arg(1), flags: Flags::NONE }, ty);
            let void = m.types.void();
            fb.push(b, InstKind::Ret { val: Some(v) }, void);
            fs.push((op, bits, fb.finish(&mut m)));
        }
    }
    (interp(m), fs)
}

fn args(bits: u32, a: u128, b: u128) -> Vec<u64> {
    if bits > 64 { vec![a as u64, (a >> 64) as u64, b as u64, (b >> 64) as u64] } else { vec![a as u64, b as u64] }
}

fn result(bits: u32, r: &[u64]) -> u128 {
    if bits > 64 { r[0] as u128 | ((r[1] as u128) << 64) } else { r[0] as u128 }
}

#[test]
fn int_binops_all_widths_edge_values() {
    let (it, fs) = binop_module();
    for &(op, bits, f) in &fs {
        let m = mask(bits);
        let vals = [0, 1, 2, 3, m, m - 1, m >> 1, (m >> 1) + 1, 0x1234_5678_9abc_def0_1122 & m, 5 & m];
        for a in vals.map(|v| v & m) {
            for b in vals.map(|v| v & m) {
                let got = it.call(f, &args(bits, a, b));
                match oracle(op, a, b, bits) {
                    Some(want) => assert_eq!(result(bits, &got.unwrap()), want, "{op:?} i{bits} {a:#x} {b:#x}"),
                    None => {
                        let e = got.expect_err(&format!("{op:?} i{bits} {a:#x} {b:#x}"));
                        assert!(matches!(e.trap(), Trap::DivByZero | Trap::DivOverflow), "{e}");
                    }
                }
            }
        }
    }
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(64))]
    #[test]
    fn int_binops_random(a in any::<u128>(), b in any::<u128>(), shift in 0u128..140) {
        let (it, fs) = binop_module();
        for &(op, bits, f) in &fs {
            let b2 = if matches!(op, BinOp::Shl | BinOp::LShr | BinOp::AShr) { shift & mask(bits) } else { b & mask(bits) };
            let a2 = a & mask(bits);
            let got = it.call(f, &args(bits, a2, b2));
            match oracle(op, a2, b2, bits) {
                Some(want) => prop_assert_eq!(result(bits, &got.unwrap()), want),
                None => prop_assert!(got.is_err()),
            }
        }
    }
}

#[test]
fn icmp_all_predicates() {
    let preds = [
        IntPred::Eq,
        IntPred::Ne,
        IntPred::Ugt,
        IntPred::Uge,
        IntPred::Ult,
        IntPred::Ule,
        IntPred::Sgt,
        IntPred::Sge,
        IntPred::Slt,
        IntPred::Sle,
    ];
    let mut m = Module::new();
    let mut fs = Vec::new();
    for &bits in &WIDTHS {
        for &pred in &preds {
            let ty = m.types.int(bits);
            let i1 = m.types.int(1);
            let mut fb = FB::new(&mut m, &format!("c_{}_{bits}", pred.keyword()), i1, &[ty, ty]);
            let b = fb.block();
            let v = fb.push(b, InstKind::ICmp { pred, lhs: Value::Arg(0), rhs: Value::Arg(1), flags: Flags::NONE }, i1);
            let void = m.types.void();
            fb.push(b, InstKind::Ret { val: Some(v) }, void);
            fs.push((pred, bits, fb.finish(&mut m)));
        }
    }
    let it = interp(m);
    for &(pred, bits, f) in &fs {
        let m = mask(bits);
        let vals = [0, 1, m, m >> 1, (m >> 1) + 1, 42 & m];
        for &a in &vals {
            for &b in &vals {
                let (sa, sb) = (sx(a, bits), sx(b, bits));
                let want = match pred {
                    IntPred::Eq => a == b,
                    IntPred::Ne => a != b,
                    IntPred::Ugt => a > b,
                    IntPred::Uge => a >= b,
                    IntPred::Ult => a < b,
                    IntPred::Ule => a <= b,
                    IntPred::Sgt => sa > sb,
                    IntPred::Sge => sa >= sb,
                    IntPred::Slt => sa < sb,
                    IntPred::Sle => sa <= sb,
                };
                let got = it.call(f, &args(bits, a, b)).unwrap()[0];
                assert_eq!(got, want as u64, "{pred:?} i{bits} {a:#x} {b:#x}");
            }
        }
    }
}

#[test]
fn int_casts() {
    let mut m = Module::new();
    let pairs = [(8u32, 32u32), (1, 64), (24, 40), (32, 64), (64, 128), (16, 100), (7, 8)];
    let mut fs = Vec::new();
    for &(from, to) in &pairs {
        for op in [CastOp::SExt, CastOp::ZExt] {
            let (ft, tt) = (m.types.int(from), m.types.int(to));
            let mut fb = FB::new(&mut m, &format!("{}_{from}_{to}", op.keyword()), tt, &[ft]);
            let b = fb.block();
            let v = fb.push(b, InstKind::Cast { op, val: Value::Arg(0), flags: Flags::NONE }, tt);
            let void = m.types.void();
            fb.push(b, InstKind::Ret { val: Some(v) }, void);
            fs.push((op, from, to, fb.finish(&mut m)));
        }
        let (ft, tt) = (m.types.int(to), m.types.int(from));
        let mut fb = FB::new(&mut m, &format!("trunc_{to}_{from}"), tt, &[ft]);
        let b = fb.block();
        let v = fb.push(b, InstKind::Cast { op: CastOp::Trunc, val: Value::Arg(0), flags: Flags::NONE }, tt);
        let void = m.types.void();
        fb.push(b, InstKind::Ret { val: Some(v) }, void);
        fs.push((CastOp::Trunc, to, from, fb.finish(&mut m)));
    }
    let it = interp(m);
    for &(op, from, to, f) in &fs {
        for v in [0u128, 1, mask(from), mask(from) >> 1, (mask(from) >> 1) + 1, 0xdead_beef_cafe_f00d_1234 & mask(from)]
        {
            let want = match op {
                CastOp::SExt => (sx(v, from) as u128) & mask(to),
                CastOp::ZExt => v,
                _ => v & mask(to),
            };
            let a = if from > 64 { vec![v as u64, (v >> 64) as u64] } else { vec![v as u64] };
            let got = result(to, &it.call(f, &a).unwrap());
            assert_eq!(got, want, "{op:?} i{from}->i{to} {v:#x}");
        }
    }
}

#[test]
fn float_ops_and_predicates() {
    let preds = [
        FloatPred::False,
        FloatPred::Oeq,
        FloatPred::Ogt,
        FloatPred::Oge,
        FloatPred::Olt,
        FloatPred::Ole,
        FloatPred::One,
        FloatPred::Ord,
        FloatPred::Ueq,
        FloatPred::Ugt,
        FloatPred::Uge,
        FloatPred::Ult,
        FloatPred::Ule,
        FloatPred::Une,
        FloatPred::Uno,
        FloatPred::True,
    ];
    let mut m = Module::new();
    let d = m.types.float(FloatKind::Double);
    let i1 = m.types.int(1);
    let void = m.types.void();
    let mut fs = Vec::new();
    for &pred in &preds {
        let mut fb = FB::new(&mut m, &format!("fc_{}", pred.keyword()), i1, &[d, d]);
        let b = fb.block();
        let v = fb.push(b, InstKind::FCmp { pred, lhs: Value::Arg(0), rhs: Value::Arg(1), flags: Flags::NONE }, i1);
        fb.push(b, InstKind::Ret { val: Some(v) }, void);
        fs.push((pred, fb.finish(&mut m)));
    }
    let mut fb = FB::new(&mut m, "fdiv", d, &[d, d]);
    let b = fb.block();
    let v =
        fb.push(b, InstKind::Binary { op: BinOp::FDiv, lhs: Value::Arg(0), rhs: Value::Arg(1), flags: Flags::NONE }, d);
    fb.push(b, InstKind::Ret { val: Some(v) }, void);
    let fdiv = fb.finish(&mut m);
    let it = interp(m);
    let vals = [0.0, -0.0, 1.5, -2.0, f64::INFINITY, f64::NAN];
    for &(pred, f) in &fs {
        for &a in &vals {
            for &b in &vals {
                let uno = a.is_nan() || b.is_nan();
                let want = match pred {
                    FloatPred::False => false,
                    FloatPred::True => true,
                    FloatPred::Oeq => a == b,
                    FloatPred::Ogt => a > b,
                    FloatPred::Oge => a >= b,
                    FloatPred::Olt => a < b,
                    FloatPred::Ole => a <= b,
                    FloatPred::One => !uno && a != b,
                    FloatPred::Ord => !uno,
                    FloatPred::Ueq => uno || a == b,
                    FloatPred::Ugt => uno || a > b,
                    FloatPred::Uge => uno || a >= b,
                    FloatPred::Ult => uno || a < b,
                    FloatPred::Ule => uno || a <= b,
                    FloatPred::Une => a != b,
                    FloatPred::Uno => uno,
                };
                let got = it.call(f, &[a.to_bits(), b.to_bits()]).unwrap()[0];
                assert_eq!(got, want as u64, "{pred:?} {a} {b}");
            }
        }
    }
    let r = it.call(fdiv, &[1.0f64.to_bits(), 3.0f64.to_bits()]).unwrap()[0];
    assert_eq!(f64::from_bits(r), 1.0 / 3.0);
}

#[test]
fn overflow_intrinsics() {
    let mut m = Module::new();
    let i32t = m.types.int(32);
    let i1 = m.types.int(1);
    let void = m.types.void();
    let pair = m.types.intern(jitty_ir::TypeData::Struct { fields: vec![i32t, i1], packed: false });
    let mut fs = Vec::new();
    for name in ["llvm.sadd.with.overflow.i32", "llvm.umul.with.overflow.i32", "llvm.ssub.with.overflow.i32"] {
        let callee = declare(&mut m, name, pair, &[i32t, i32t], false);
        for (k, rty) in [(0u32, i32t), (1, i1)] {
            let mut fb = FB::new(&mut m, &format!("t_{name}_{k}"), rty, &[i32t, i32t]);
            let b = fb.block();
            let ck = call_kind(&mut m, callee, pair, &[i32t, i32t], vec![Value::Arg(0), Value::Arg(1)]);
            let p = fb.push(b, ck, pair);
            let v = fb.push(b, InstKind::ExtractValue { agg: p, indices: vec![k] }, rty);
            fb.push(b, InstKind::Ret { val: Some(v) }, void);
            fs.push((name, k, fb.finish(&mut m)));
        }
    }
    let it = interp(m);
    for &(name, k, f) in &fs {
        for (a, b) in [(i32::MAX, 1), (5, 7), (i32::MIN, 1), (-3, 100000), (65536, 65536)] {
            let (v, o) = match name {
                "llvm.sadd.with.overflow.i32" => a.overflowing_add(b),
                "llvm.ssub.with.overflow.i32" => a.overflowing_sub(b),
                _ => {
                    let (v, o) = (a as u32).overflowing_mul(b as u32);
                    (v as i32, o)
                }
            };
            let got = it.call(f, &[a as u32 as u64, b as u32 as u64]).unwrap()[0];
            let want = if k == 0 { v as u32 as u64 } else { o as u64 };
            assert_eq!(got, want, "{name} {a} {b} field {k}");
        }
    }
}

/// Builds a module with the trapping functions used below.
fn trap_module() -> (jitty_interp::Interpreter, [jitty_ir::FuncId; 4]) {
    let mut m = Module::new();
    let void = m.types.void();
    let i32t = m.types.int(32);
    // unreachable
    let mut fb = FB::new(&mut m, "dies_unreachable", void, &[]);
    let b = fb.block();
    fb.push(b, InstKind::Unreachable, void);
    let f1 = fb.finish(&mut m);
    // llvm.trap
    let trap = declare(&mut m, "llvm.trap", void, &[], false);
    let mut fb = FB::new(&mut m, "dies_trap", void, &[]);
    let b = fb.block();
    let ck = call_kind(&mut m, trap, void, &[], vec![]);
    fb.push(b, ck, void);
    fb.push(b, InstKind::Unreachable, void);
    let f2 = fb.finish(&mut m);
    // udiv by an argument
    let mut fb = FB::new(&mut m, "divides", i32t, &[i32t, i32t]);
    let b = fb.block();
    let v = fb.push(
        b,
        InstKind::Binary { op: BinOp::UDiv, lhs: Value::Arg(0), rhs: Value::Arg(1), flags: Flags::NONE },
        i32t,
    );
    fb.push(b, InstKind::Ret { val: Some(v) }, void);
    let f3 = fb.finish(&mut m);
    // infinite loop
    let mut fb = FB::new(&mut m, "spins", void, &[]);
    let b0 = fb.block();
    let b1 = fb.block();
    fb.push(b0, InstKind::Br { dest: b1 }, void);
    fb.push(b1, InstKind::Br { dest: b1 }, void);
    let f4 = fb.finish(&mut m);
    (interp(m), [f1, f2, f3, f4])
}

#[test]
fn traps_name_function_and_instruction() {
    let (it, [unreach, trap, div, spin]) = trap_module();
    let e = it.call(unreach, &[]).unwrap_err();
    assert_eq!(e.trap(), Trap::Unreachable);
    assert_eq!(e.info().func, "dies_unreachable");
    assert!(e.info().location.contains("unreachable"), "{e}");

    let e = it.call(trap, &[]).unwrap_err();
    assert_eq!(e.trap(), Trap::TrapCalled);
    assert_eq!(e.info().func, "dies_trap");
    assert!(e.to_string().contains("llvm.trap"), "{e}");

    assert_eq!(it.call(div, &[10, 3]).unwrap()[0], 3);
    let e = it.call(div, &[10, 0]).unwrap_err();
    assert_eq!(e.trap(), Trap::DivByZero);
    assert!(e.info().location.contains("udiv"), "{e}");

    it.set_fuel(Some(10_000));
    let e = it.call(spin, &[]).unwrap_err();
    assert_eq!(e.trap(), Trap::OutOfFuel);
    assert_eq!(e.info().func, "spins");
    it.set_fuel(None);
    // Still alive and usable.
    assert_eq!(it.call(div, &[9, 3]).unwrap()[0], 3);
}

#[test]
fn error_types_are_small() {
    assert!(std::mem::size_of::<Trap>() <= 16);
    assert!(std::mem::size_of::<jitty_interp::InterpError>() <= 8);
    assert!(std::mem::size_of::<jitty_interp::lower::Op>() <= 24);
}

#[test]
fn unsupported_report_lists_constructs() {
    let mut m = Module::new();
    let void = m.types.void();
    let x86 = declare(&mut m, "llvm.x86.sse2.pmovmskb.128", void, &[], false);
    let mut fb = FB::new(&mut m, "uses_x86", void, &[]);
    let b = fb.block();
    let ck = call_kind(&mut m, x86, void, &[], vec![]);
    fb.push(b, ck, void);
    fb.push(b, InstKind::Ret { val: None }, void);
    fb.finish(&mut m);
    let r = jitty_interp::unsupported(&m);
    assert_eq!(r.len(), 1);
    assert_eq!(r[0].0, "uses_x86");
    assert!(r[0].1.contains("llvm.x86.sse2.pmovmskb.128"), "{:?}", r);
}
