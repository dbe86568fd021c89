//! Integers of 1 to 128 bits on normalized `u128` values: arithmetic,
//! comparisons and `llvm.*.with.overflow`.

use crate::Trap;
use jitty_ir::{BinOp, IntPred, Intrinsic};

/// The low `bits` bits set (bits in 1..=64).
#[inline(always)]
pub fn mask64(bits: u32) -> u64 {
    if bits >= 64 { u64::MAX } else { (1u64 << bits) - 1 }
}

/// The low `bits` bits set (bits in 1..=128).
#[inline(always)]
pub fn mask128(bits: u32) -> u128 {
    if bits >= 128 { u128::MAX } else { (1u128 << bits) - 1 }
}

/// Sign-extends the low `bits` bits of `v` to 128 bits.
#[inline(always)]
pub fn sext128(v: u128, bits: u32) -> i128 {
    if bits >= 128 {
        v as i128
    } else {
        let sh = 128 - bits;
        ((v << sh) as i128) >> sh
    }
}

/// Sign-extends the low `bits` bits of `v` to 64 bits (bits in 1..=64).
#[inline(always)]
pub fn sext64(v: u64, bits: u32) -> i64 {
    let sh = 64 - bits;
    ((v << sh) as i64) >> sh
}

/// Defines an integer binary operation on one container type: the rules
/// are written once here and instantiated for `u64` (the interpreter's fast
/// path up to 64 bits) and `u128`.
macro_rules! int_bin_in {
    ($(#[$doc:meta])* $name:ident, $u:ty, $i:ty, $mask:ident, $sext:ident) => {
        $(#[$doc])*
        #[inline(always)]
        pub fn $name(op: BinOp, a: $u, b: $u, bits: u32) -> Result<$u, Trap> {
            let r = match op {
                BinOp::Add => a.wrapping_add(b),
                BinOp::Sub => a.wrapping_sub(b),
                BinOp::Mul => a.wrapping_mul(b),
                BinOp::UDiv | BinOp::URem | BinOp::SDiv | BinOp::SRem if b == 0 => return Err(Trap::DivByZero),
                BinOp::UDiv => a / b,
                BinOp::URem => a % b,
                BinOp::SDiv | BinOp::SRem => {
                    let (x, y) = ($sext(a, bits), $sext(b, bits));
                    let min = if bits >= <$u>::BITS { <$i>::MIN } else { -((1 as $i) << (bits - 1)) };
                    if x == min && y == -1 {
                        return Err(Trap::DivOverflow);
                    }
                    (if op == BinOp::SDiv { x.wrapping_div(y) } else { x.wrapping_rem(y) }) as $u
                }
                BinOp::Shl | BinOp::LShr | BinOp::AShr if b >= <$u>::from(bits) => 0,
                BinOp::Shl => a << b,
                BinOp::LShr => a >> b,
                BinOp::AShr => ($sext(a, bits) >> b) as $u,
                BinOp::And => a & b,
                BinOp::Or => a | b,
                BinOp::Xor => a ^ b,
                _ => return Err(Trap::Unsupported),
            };
            Ok(r & $mask(bits))
        }
    };
}

int_bin_in!(
    /// Integer binary operation at width `bits` (1..=128) on normalized
    /// operands.
    int_bin, u128, i128, mask128, sext128
);
int_bin_in!(
    /// [`int_bin`] for widths 1..=64 on one slot.
    int_bin64, u64, i64, mask64, sext64
);

/// [`int_bin64`] on every lane of a vector (one `u64` per lane, `out[i] =
/// a[i] op b[i]`), with the operator decoded once per vector rather than
/// once per lane. Lanes past the shortest slice are left alone.
pub fn int_bin64_lanes(op: BinOp, a: &[u64], b: &[u64], out: &mut [u64], bits: u32) -> Result<(), Trap> {
    #[inline(always)]
    fn each(op: BinOp, a: &[u64], b: &[u64], out: &mut [u64], bits: u32) -> Result<(), Trap> {
        for ((o, &x), &y) in out.iter_mut().zip(a).zip(b) {
            *o = int_bin64(op, x, y, bits)?;
        }
        Ok(())
    }
    // One loop per operator: with `op` constant, `int_bin64` folds to the
    // operator's own rule in each.
    match op {
        BinOp::Add => each(BinOp::Add, a, b, out, bits),
        BinOp::Sub => each(BinOp::Sub, a, b, out, bits),
        BinOp::Mul => each(BinOp::Mul, a, b, out, bits),
        BinOp::And => each(BinOp::And, a, b, out, bits),
        BinOp::Or => each(BinOp::Or, a, b, out, bits),
        BinOp::Xor => each(BinOp::Xor, a, b, out, bits),
        BinOp::Shl => each(BinOp::Shl, a, b, out, bits),
        BinOp::LShr => each(BinOp::LShr, a, b, out, bits),
        BinOp::AShr => each(BinOp::AShr, a, b, out, bits),
        _ => each(op, a, b, out, bits),
    }
}

/// Integer comparison at width `bits` on normalized operands.
pub fn icmp(pred: IntPred, a: u128, b: u128, bits: u32) -> bool {
    match pred {
        IntPred::Eq => a == b,
        IntPred::Ne => a != b,
        IntPred::Ugt => a > b,
        IntPred::Uge => a >= b,
        IntPred::Ult => a < b,
        IntPred::Ule => a <= b,
        IntPred::Sgt => sext128(a, bits) > sext128(b, bits),
        IntPred::Sge => sext128(a, bits) >= sext128(b, bits),
        IntPred::Slt => sext128(a, bits) < sext128(b, bits),
        IntPred::Sle => sext128(a, bits) <= sext128(b, bits),
    }
}

/// The operations of `llvm.{s,u}{add,sub,mul}.with.overflow`. The
/// discriminants are the codes JIT code passes to its run-time helper.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum OverflowOp {
    /// `sadd`.
    SAdd = 0,
    /// `uadd`.
    UAdd = 1,
    /// `ssub`.
    SSub = 2,
    /// `usub`.
    USub = 3,
    /// `smul`.
    SMul = 4,
    /// `umul`.
    UMul = 5,
}

impl OverflowOp {
    /// The operation of a `with.overflow` intrinsic.
    pub fn of(i: Intrinsic) -> Option<OverflowOp> {
        Some(match i {
            Intrinsic::SAddWithOverflow => OverflowOp::SAdd,
            Intrinsic::UAddWithOverflow => OverflowOp::UAdd,
            Intrinsic::SSubWithOverflow => OverflowOp::SSub,
            Intrinsic::USubWithOverflow => OverflowOp::USub,
            Intrinsic::SMulWithOverflow => OverflowOp::SMul,
            Intrinsic::UMulWithOverflow => OverflowOp::UMul,
            _ => return None,
        })
    }

    /// The operation of code `c` (see the discriminants).
    pub fn from_code(c: u32) -> Option<OverflowOp> {
        use OverflowOp::*;
        [SAdd, UAdd, SSub, USub, SMul, UMul].get(c as usize).copied()
    }
}

/// `llvm.*.with.overflow` at width `bits` (1..=128) on normalized operands:
/// the wrapped result (normalized) and whether the exact result does not fit
/// in `bits` bits (signed or unsigned, per `op`).
pub fn with_overflow(op: OverflowOp, a: u128, b: u128, bits: u32) -> (u128, bool) {
    let m = mask128(bits);
    match op {
        OverflowOp::SAdd | OverflowOp::SSub | OverflowOp::SMul => {
            let (x, y) = (sext128(a, bits), sext128(b, bits));
            let (r, o) = match op {
                OverflowOp::SAdd => x.overflowing_add(y),
                OverflowOp::SSub => x.overflowing_sub(y),
                _ => x.overflowing_mul(y),
            };
            let v = r as u128 & m;
            (v, o || sext128(v, bits) != r)
        }
        OverflowOp::UAdd | OverflowOp::USub | OverflowOp::UMul => {
            let (r, o) = match op {
                OverflowOp::UAdd => a.overflowing_add(b),
                OverflowOp::USub => a.overflowing_sub(b),
                _ => a.overflowing_mul(b),
            };
            (r & m, o || r > m)
        }
    }
}
/// The operations of `llvm.{s,u}{add,sub,shl}.sat`.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum SatOp {
    /// `sadd.sat`.
    SAdd,
    /// `uadd.sat`.
    UAdd,
    /// `ssub.sat`.
    SSub,
    /// `usub.sat`.
    USub,
    /// `sshl.sat`.
    SShl,
    /// `ushl.sat`.
    UShl,
}

impl SatOp {
    /// The operation of a saturating intrinsic.
    pub fn of(i: Intrinsic) -> Option<SatOp> {
        Some(match i {
            Intrinsic::SAddSat => SatOp::SAdd,
            Intrinsic::UAddSat => SatOp::UAdd,
            Intrinsic::SSubSat => SatOp::SSub,
            Intrinsic::USubSat => SatOp::USub,
            Intrinsic::SShlSat => SatOp::SShl,
            Intrinsic::UShlSat => SatOp::UShl,
            _ => return None,
        })
    }
}

/// `llvm.*.sat` at width `bits` (1..=128) on normalized operands (one lane
/// of a vector): the exact result clamped to the range of the width. A shift
/// amount ≥ the width is poison in LLVM; jitty saturates any non-zero
/// operand then, as for a shift that loses bits.
pub fn saturating(op: SatOp, a: u128, b: u128, bits: u32) -> u128 {
    let m = mask128(bits);
    let smax = (m >> 1) as i128;
    let smin = -smax - 1;
    let (sa, sb) = (sext128(a, bits), sext128(b, bits));
    let clamp = |r: Option<i128>, towards_max: bool| match r {
        Some(r) => r.clamp(smin, smax) as u128 & m,
        None if towards_max => smax as u128,
        None => smin as u128 & m,
    };
    match op {
        SatOp::UAdd => a.checked_add(b).filter(|&r| r <= m).unwrap_or(m),
        SatOp::USub => a.saturating_sub(b),
        SatOp::SAdd => clamp(sa.checked_add(sb), sb > 0),
        SatOp::SSub => clamp(sa.checked_sub(sb), sb < 0),
        SatOp::UShl => {
            let shifted = if b < u128::from(bits) { (a << b) & m } else { 0 };
            if b < u128::from(bits) && shifted >> b == a {
                shifted
            } else if a == 0 {
                0
            } else {
                m
            }
        }
        SatOp::SShl => {
            let shifted = if b < u128::from(bits) { (a << b) & m } else { 0 };
            if b < u128::from(bits) && sext128(shifted, bits) >> b == sa {
                shifted
            } else if sa < 0 {
                smin as u128 & m
            } else if sa == 0 {
                0
            } else {
                smax as u128
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use jitty_ir::IntPred;

    #[test]
    fn int_widths_wrap() {
        for bits in [1u32, 7, 8, 24, 32, 40, 63, 64, 65, 100, 127, 128] {
            let m = mask128(bits);
            assert_eq!(int_bin(BinOp::Add, m, 1, bits).unwrap(), 0);
            assert_eq!(int_bin(BinOp::Sub, 0, 1, bits).unwrap(), m);
            assert_eq!(int_bin(BinOp::Shl, 1, u128::from(bits), bits).unwrap(), 0);
            assert_eq!(int_bin(BinOp::UDiv, 1, 0, bits), Err(Trap::DivByZero));
            if bits > 1 {
                let min = 1u128 << (bits - 1);
                assert_eq!(int_bin(BinOp::SDiv, min, m, bits), Err(Trap::DivOverflow));
                assert!(icmp(IntPred::Slt, min, 0, bits));
                assert_eq!(int_bin(BinOp::AShr, min, u128::from(bits - 1), bits).unwrap(), m);
            }
            if bits <= 64 {
                for (a, b) in [(m, 1), (m >> 1, m), (1u128 << (bits - 1), m), (5 & m, 3 & m), (0, 0), (m, 0)] {
                    for op in [BinOp::Add, BinOp::Mul, BinOp::SDiv, BinOp::SRem, BinOp::UDiv, BinOp::AShr, BinOp::Shl] {
                        let narrow = int_bin64(op, a as u64, b as u64, bits).map(u128::from);
                        assert_eq!(narrow, int_bin(op, a, b, bits), "{op:?} i{bits} {a} {b}");
                    }
                }
            }
        }
    }

    #[test]
    fn with_overflow_matches_exact_arithmetic() {
        // Oracle: exact arithmetic in i128/u128 range checks at small widths.
        for bits in [1u32, 5, 8, 13, 32] {
            let m = mask128(bits);
            let (smin, smax) = (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1);
            for a in [0, 1, m, m >> 1, (m >> 1) + 1, 3 & m] {
                for b in [0, 1, m, m >> 1, (m >> 1) + 1, 2 & m] {
                    let (sa, sb) = (sext128(a, bits), sext128(b, bits));
                    let cases = [
                        (OverflowOp::SAdd, sa + sb, true),
                        (OverflowOp::SSub, sa - sb, true),
                        (OverflowOp::SMul, sa * sb, true),
                        (OverflowOp::UAdd, a as i128 + b as i128, false),
                        (OverflowOp::USub, a as i128 - b as i128, false),
                        (OverflowOp::UMul, a as i128 * b as i128, false),
                    ];
                    for (op, exact, signed) in cases {
                        let fits =
                            if signed { (smin..=smax).contains(&exact) } else { (0..=m as i128).contains(&exact) };
                        assert_eq!(with_overflow(op, a, b, bits), (exact as u128 & m, !fits), "{op:?} i{bits} {a} {b}");
                    }
                }
            }
        }
        assert_eq!(with_overflow(OverflowOp::UMul, u128::MAX, 2, 128), (u128::MAX - 1, true));
        assert_eq!(with_overflow(OverflowOp::SMul, 1 << 127, u128::MAX, 128), (1 << 127, true));
        assert_eq!(OverflowOp::from_code(OverflowOp::UMul as u32), Some(OverflowOp::UMul));
        assert_eq!(OverflowOp::from_code(6), None);
    }

    #[test]
    fn saturating_clamps_the_exact_result() {
        // Oracle: LangRef's definitions in exact i128 arithmetic, every pair
        // of operands at small widths (shift amounts below the width).
        for bits in [1u32, 3, 8] {
            let m = mask128(bits);
            let (smin, smax) = (-(1i128 << (bits - 1)), (1i128 << (bits - 1)) - 1);
            let (umax, su) = (m as i128, |v: i128| v as u128 & m);
            for a in 0..=m {
                for b in 0..=m {
                    let (ua, ub, sa, sb) = (a as i128, b as i128, sext128(a, bits), sext128(b, bits));
                    let mut cases = vec![
                        (SatOp::UAdd, (ua + ub).min(umax)),
                        (SatOp::USub, (ua - ub).max(0)),
                        (SatOp::SAdd, (sa + sb).clamp(smin, smax)),
                        (SatOp::SSub, (sa - sb).clamp(smin, smax)),
                    ];
                    if b < u128::from(bits) {
                        cases.push((SatOp::UShl, (ua << b).min(umax)));
                        cases.push((SatOp::SShl, (sa << b).clamp(smin, smax)));
                    }
                    for (op, exact) in cases {
                        assert_eq!(saturating(op, a, b, bits), su(exact), "{op:?} i{bits} {a} {b}");
                    }
                }
            }
        }
        let max = u128::MAX;
        assert_eq!(saturating(SatOp::UAdd, max, 1, 128), max);
        assert_eq!(saturating(SatOp::SAdd, max >> 1, 1, 128), max >> 1);
        assert_eq!(saturating(SatOp::SSub, 1 << 127, 1, 128), 1 << 127);
        assert_eq!(saturating(SatOp::USub, 0, 1, 128), 0);
        assert_eq!(SatOp::of(Intrinsic::UShlSat), Some(SatOp::UShl));
    }
}
