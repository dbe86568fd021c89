//! Integer arithmetic, comparisons and overflow intrinsics at widths 1..128,
//! checked against Rust-computed oracles (operands and results go through
//! memory, which also exercises odd-width loads and stores).

mod common;
use common::{Rng, jit};
use jitty_ir::constant::sign_extend;

const WIDTHS: &[u32] = &[1, 5, 8, 13, 16, 24, 31, 32, 40, 48, 63, 64, 65, 96, 127, 128];
const BINOPS: &[&str] =
    &["add", "sub", "mul", "udiv", "sdiv", "urem", "srem", "shl", "lshr", "ashr", "and", "or", "xor"];
const PREDS: &[&str] = &["eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle"];

fn mask(bits: u32) -> u128 {
    if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 }
}

fn oracle_bin(op: &str, bits: u32, a: u128, b: u128) -> Option<u128> {
    let m = mask(bits);
    let (sa, sb) = (sign_extend(a, bits), sign_extend(b, bits));
    let smin = sign_extend(1u128 << (bits - 1), bits);
    let r = match op {
        "add" => a.wrapping_add(b),
        "sub" => a.wrapping_sub(b),
        "mul" => a.wrapping_mul(b),
        "udiv" => a.checked_div(b)?,
        "urem" => a.checked_rem(b)?,
        "sdiv" | "srem" if b == 0 || (sa == smin && sb == -1) => return None,
        "sdiv" => sa.wrapping_div(sb) as u128,
        "srem" => sa.wrapping_rem(sb) as u128,
        "shl" | "lshr" | "ashr" if b >= u128::from(bits) => return None,
        "shl" => a << b,
        "lshr" => a >> b,
        "ashr" => (sa >> b) as u128,
        "and" => a & b,
        "or" => a | b,
        _ => a ^ b,
    };
    Some(r & m)
}

fn oracle_cmp(pred: &str, bits: u32, a: u128, b: u128) -> bool {
    let (sa, sb) = (sign_extend(a, bits), sign_extend(b, bits));
    match pred {
        "eq" => a == b,
        "ne" => a != b,
        "ugt" => a > b,
        "uge" => a >= b,
        "ult" => a < b,
        "ule" => a <= b,
        "sgt" => sa > sb,
        "sge" => sa >= sb,
        "slt" => sa < sb,
        _ => sa <= sb,
    }
}

type Op3 = extern "C" fn(*mut u128, *const u128, *const u128);

fn call3(addr: usize, a: u128, b: u128) -> u128 {
    // SAFETY: the JIT compiled `addr` with signature void(ptr, ptr, ptr).
    let f: Op3 = unsafe { std::mem::transmute(addr) };
    let mut out = [0u128; 2];
    f(out.as_mut_ptr(), &a, &b);
    out[0]
}

#[test]
fn binary_ops_and_compares_all_widths() {
    let mut rng = Rng(0x1234_5678_9abc_def1);
    let mut checked = 0;
    for &w in WIDTHS {
        let mut src = String::new();
        for op in BINOPS {
            src.push_str(&format!(
                "define void @{op}(ptr %o, ptr %pa, ptr %pb) {{\n  %a = load i{w}, ptr %pa\n  %b = load i{w}, ptr %pb\n  %r = {op} i{w} %a, %b\n  store i{w} %r, ptr %o\n  ret void\n}}\n"
            ));
        }
        for p in PREDS {
            src.push_str(&format!(
                "define void @cmp_{p}(ptr %o, ptr %pa, ptr %pb) {{\n  %a = load i{w}, ptr %pa\n  %b = load i{w}, ptr %pb\n  %c = icmp {p} i{w} %a, %b\n  %r = zext i1 %c to i8\n  store i8 %r, ptr %o\n  ret void\n}}\n"
            ));
        }
        let j = jit(&src);
        for i in 0..40 {
            let a = rng.value(i, w);
            let b = rng.value((i * 7 + 3) % 40, w);
            for op in BINOPS {
                let b = if matches!(*op, "shl" | "lshr" | "ashr") { b % u128::from(w) } else { b };
                if let Some(expect) = oracle_bin(op, w, a, b) {
                    let got = call3(j.addr(op), a, b) & mask(w);
                    assert_eq!(got, expect, "i{w} {op} {a:#x}, {b:#x}");
                    checked += 1;
                }
            }
            for p in PREDS {
                let got = call3(j.addr(&format!("cmp_{p}")), a, b) & 0xff;
                assert_eq!(got, u128::from(oracle_cmp(p, w, a, b)), "icmp {p} i{w} {a:#x}, {b:#x}");
                checked += 1;
            }
        }
        // SAFETY: nothing runs code of this unit any more.
        unsafe { j.unit.free() };
    }
    assert!(checked > 10_000);
}

#[test]
fn casts_between_widths() {
    let pairs = [(1u32, 8u32), (5, 64), (8, 32), (24, 40), (32, 64), (63, 128), (64, 128), (13, 96)];
    let mut rng = Rng(77);
    for (n, w) in pairs {
        let src = format!(
            "define void @z(ptr %o, ptr %p, ptr %u) {{\n  %a = load i{n}, ptr %p\n  %r = zext i{n} %a to i{w}\n  store i{w} %r, ptr %o\n  ret void\n}}\n\
             define void @s(ptr %o, ptr %p, ptr %u) {{\n  %a = load i{n}, ptr %p\n  %r = sext i{n} %a to i{w}\n  store i{w} %r, ptr %o\n  ret void\n}}\n\
             define void @t(ptr %o, ptr %p, ptr %u) {{\n  %a = load i{w}, ptr %p\n  %r = trunc i{w} %a to i{n}\n  store i{n} %r, ptr %o\n  ret void\n}}\n"
        );
        let j = jit(&src);
        for i in 0..30 {
            let a = rng.value(i, n);
            assert_eq!(call3(j.addr("z"), a, 0) & mask(w), a, "zext i{n} {a:#x} to i{w}");
            assert_eq!(call3(j.addr("s"), a, 0) & mask(w), sign_extend(a, n) as u128 & mask(w), "sext i{n} {a:#x}");
            let wide = rng.value(i, w);
            assert_eq!(call3(j.addr("t"), wide, 0) & mask(n), wide & mask(n), "trunc i{w} {wide:#x}");
        }
    }
}

#[test]
fn overflow_and_saturating_intrinsics() {
    let mut rng = Rng(99);
    for w in [8u32, 16, 24, 32, 64, 65, 96, 127, 128] {
        let mut src = String::new();
        let ops = ["sadd", "uadd", "ssub", "usub", "smul", "umul"];
        for op in &ops {
            src.push_str(&format!(
                "declare {{ i{w}, i1 }} @llvm.{op}.with.overflow.i{w}(i{w}, i{w})\n\
                 define void @{op}(ptr %o, ptr %pa, ptr %pb) {{\n  %a = load i{w}, ptr %pa\n  %b = load i{w}, ptr %pb\n  %s = call {{ i{w}, i1 }} @llvm.{op}.with.overflow.i{w}(i{w} %a, i{w} %b)\n  %r = extractvalue {{ i{w}, i1 }} %s, 0\n  %f = extractvalue {{ i{w}, i1 }} %s, 1\n  store i{w} %r, ptr %o\n  %g = getelementptr i8, ptr %o, i64 16\n  store i1 %f, ptr %g\n  ret void\n}}\n"
            ));
        }
        for op in ["sadd", "uadd", "ssub", "usub"] {
            src.push_str(&format!(
                "declare i{w} @llvm.{op}.sat.i{w}(i{w}, i{w})\n\
                 define void @{op}_sat(ptr %o, ptr %pa, ptr %pb) {{\n  %a = load i{w}, ptr %pa\n  %b = load i{w}, ptr %pb\n  %r = call i{w} @llvm.{op}.sat.i{w}(i{w} %a, i{w} %b)\n  store i{w} %r, ptr %o\n  ret void\n}}\n"
            ));
        }
        let j = jit(&src);
        let m = mask(w);
        let smin = sign_extend(1u128 << (w - 1), w);
        let smax = (1i128 << (w - 1)).wrapping_sub(1);
        let fits_s = |v: i128| v >= smin && v <= smax;
        for i in 0..40 {
            let (a, b) = (rng.value(i, w), rng.value((i * 3 + 1) % 40, w));
            let (sa, sb) = (sign_extend(a, w), sign_extend(b, w));
            for op in &ops {
                let (r, f) = match *op {
                    "uadd" => (a.wrapping_add(b) & m, a.checked_add(b).is_none_or(|s| s > m)),
                    "usub" => (a.wrapping_sub(b) & m, b > a),
                    "umul" => (a.wrapping_mul(b) & m, a.checked_mul(b).is_none_or(|s| s > m)),
                    "sadd" => (a.wrapping_add(b) & m, sa.checked_add(sb).is_none_or(|s| !fits_s(s))),
                    "ssub" => (a.wrapping_sub(b) & m, sa.checked_sub(sb).is_none_or(|s| !fits_s(s))),
                    _ => (a.wrapping_mul(b) & m, sa.checked_mul(sb).is_none_or(|s| !fits_s(s))),
                };
                let addr = j.addr(op);
                // SAFETY: compiled with signature void(ptr, ptr, ptr).
                let fptr: Op3 = unsafe { std::mem::transmute(addr) };
                let mut out = [0u128; 2];
                fptr(out.as_mut_ptr(), &a, &b);
                assert_eq!((out[0] & m, out[1] & 1 == 1), (r, f), "{op}.with.overflow.i{w}({a:#x}, {b:#x})");
            }
            for op in ["sadd", "uadd", "ssub", "usub"] {
                let expect = match op {
                    "uadd" => a.checked_add(b).filter(|s| *s <= m).unwrap_or(m),
                    "usub" => a.saturating_sub(b),
                    "sadd" => {
                        sa.checked_add(sb).filter(|s| fits_s(*s)).unwrap_or(if sb < 0 { smin } else { smax }) as u128
                            & m
                    }
                    _ => {
                        sa.checked_sub(sb).filter(|s| fits_s(*s)).unwrap_or(if sb > 0 { smin } else { smax }) as u128
                            & m
                    }
                };
                assert_eq!(call3(j.addr(&format!("{op}_sat")), a, b) & m, expect, "{op}.sat.i{w}({a:#x}, {b:#x})");
            }
        }
    }
}

#[test]
fn bit_intrinsics() {
    let mut rng = Rng(5);
    for w in [8u32, 16, 24, 32, 64, 128] {
        let mut src = String::new();
        for op in ["ctpop", "bitreverse", "smax", "umin", "abs", "ctlz", "cttz", "fshl", "fshr", "bswap"] {
            if op == "bswap" && w % 16 != 0 {
                continue;
            }
            let (decl, call) = match op {
                "ctpop" | "bitreverse" | "bswap" => (format!("i{w} @llvm.{op}.i{w}(i{w})"), format!("(i{w} %a)")),
                "abs" | "ctlz" | "cttz" => (format!("i{w} @llvm.{op}.i{w}(i{w}, i1)"), format!("(i{w} %a, i1 false)")),
                "fshl" | "fshr" => {
                    (format!("i{w} @llvm.{op}.i{w}(i{w}, i{w}, i{w})"), format!("(i{w} %a, i{w} %b, i{w} %b)"))
                }
                _ => (format!("i{w} @llvm.{op}.i{w}(i{w}, i{w})"), format!("(i{w} %a, i{w} %b)")),
            };
            let name = decl.split('(').next().unwrap().trim_start_matches(&format!("i{w} "));
            src.push_str(&format!(
                "declare {decl}\ndefine void @{op}(ptr %o, ptr %pa, ptr %pb) {{\n  %a = load i{w}, ptr %pa\n  %b = load i{w}, ptr %pb\n  %r = call i{w} {name}{call}\n  store i{w} %r, ptr %o\n  ret void\n}}\n"
            ));
        }
        let j = jit(&src);
        let m = mask(w);
        for i in 0..40 {
            let (a, b) = (rng.value(i, w), rng.value(i + 5, w));
            let sa = sign_extend(a, w);
            let sh = b % u128::from(w);
            let checks: Vec<(&str, u128)> = vec![
                ("ctpop", u128::from(a.count_ones())),
                ("bitreverse", a.reverse_bits() >> (128 - w)),
                ("smax", if sa >= sign_extend(b, w) { a } else { b }),
                ("umin", a.min(b)),
                ("abs", sa.unsigned_abs() & m),
                ("ctlz", u128::from(a.leading_zeros() - (128 - w))),
                ("cttz", u128::from(a.trailing_zeros().min(w))),
                ("fshl", if sh == 0 { a } else { ((a << sh) | (b >> (u128::from(w) - sh))) & m }),
                ("fshr", if sh == 0 { b } else { ((b >> sh) | (a << (u128::from(w) - sh))) & m }),
                ("bswap", if w % 16 == 0 { a.swap_bytes() >> (128 - w) } else { 0 }),
            ];
            for (op, expect) in checks {
                if op == "bswap" && w % 16 != 0 {
                    continue;
                }
                assert_eq!(call3(j.addr(op), a, b) & m, expect, "llvm.{op}.i{w}({a:#x}, {b:#x})");
            }
        }
    }
}
