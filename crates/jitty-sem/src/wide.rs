//! Integers wider than 128 bits (up to [`MAX_WIDE_BITS`]) as little-endian
//! limbs: arithmetic, shifts and comparisons (no division).

use crate::Trap;
use jitty_ir::{BinOp, IntPred};

/// Widest supported integer.
pub const MAX_WIDE_BITS: u32 = 1024;
/// Limbs of the widest supported integer.
pub const WIDE_LIMBS: usize = (MAX_WIDE_BITS / 64) as usize;

/// A wide integer value in a fixed buffer.
pub type Wide = [u64; WIDE_LIMBS];

/// Number of limbs of a `bits`-wide integer.
pub fn limbs(bits: u32) -> usize {
    bits.div_ceil(64) as usize
}

/// Clears the bits of `v` above `bits`.
pub fn wide_norm(v: &mut Wide, bits: u32) {
    let n = limbs(bits);
    for l in v.iter_mut().skip(n) {
        *l = 0;
    }
    let rem = bits % 64;
    if rem != 0 {
        v[n - 1] &= (1u64 << rem) - 1;
    }
}

/// Sign-extends `v` from `bits` to the full buffer.
pub fn wide_sext(v: &Wide, bits: u32) -> Wide {
    let mut out = *v;
    let top = bits - 1;
    if (v[(top / 64) as usize] >> (top % 64)) & 1 == 1 {
        for b in bits..MAX_WIDE_BITS {
            out[(b / 64) as usize] |= 1u64 << (b % 64);
        }
    }
    out
}

fn wide_shl(v: &Wide, n: u32) -> Wide {
    let mut out = [0u64; WIDE_LIMBS];
    let (q, r) = ((n / 64) as usize, n % 64);
    for i in (q..WIDE_LIMBS).rev() {
        let lo = v[i - q] << r;
        let carry = if r != 0 && i > q { v[i - q - 1] >> (64 - r) } else { 0 };
        out[i] = lo | carry;
    }
    out
}

fn wide_shr(v: &Wide, n: u32, fill: u64) -> Wide {
    let mut out = [fill; WIDE_LIMBS];
    let (q, r) = ((n / 64) as usize, n % 64);
    for i in 0..WIDE_LIMBS - q {
        let hi_src = if i + q + 1 < WIDE_LIMBS { v[i + q + 1] } else { fill };
        out[i] = if r == 0 { v[i + q] } else { (v[i + q] >> r) | (hi_src << (64 - r)) };
    }
    out
}

/// Integer binary operation on wide integers (division unsupported).
pub fn wide_bin(op: BinOp, a: &Wide, b: &Wide, bits: u32) -> Result<Wide, Trap> {
    let mut out = [0u64; WIDE_LIMBS];
    match op {
        BinOp::And | BinOp::Or | BinOp::Xor => {
            for i in 0..WIDE_LIMBS {
                out[i] = match op {
                    BinOp::And => a[i] & b[i],
                    BinOp::Or => a[i] | b[i],
                    _ => a[i] ^ b[i],
                };
            }
        }
        BinOp::Add | BinOp::Sub => {
            let mut carry = 0u128;
            for i in 0..WIDE_LIMBS {
                let y = if op == BinOp::Add { u128::from(b[i]) } else { u128::from(!b[i]) };
                let init = if op == BinOp::Sub && i == 0 { 1 } else { 0 };
                let t = u128::from(a[i]) + y + carry + init;
                out[i] = t as u64;
                carry = t >> 64;
            }
        }
        BinOp::Mul => {
            for i in 0..WIDE_LIMBS {
                let mut carry = 0u128;
                for j in 0..WIDE_LIMBS - i {
                    let t = u128::from(out[i + j]) + u128::from(a[i]) * u128::from(b[j]) + carry;
                    out[i + j] = t as u64;
                    carry = t >> 64;
                }
            }
        }
        BinOp::Shl | BinOp::LShr | BinOp::AShr => {
            let amount = if b[1..].iter().any(|&l| l != 0) { u64::MAX } else { b[0] };
            if amount >= u64::from(bits) {
                return Ok(out);
            }
            let n = amount as u32;
            out = match op {
                BinOp::Shl => wide_shl(a, n),
                BinOp::LShr => wide_shr(a, n, 0),
                _ => {
                    let s = wide_sext(a, bits);
                    wide_shr(&s, n, if s[WIDE_LIMBS - 1] >> 63 == 1 { u64::MAX } else { 0 })
                }
            };
        }
        _ => return Err(Trap::Unsupported),
    }
    wide_norm(&mut out, bits);
    Ok(out)
}

/// Integer comparison on wide integers.
pub fn wide_icmp(pred: IntPred, a: &Wide, b: &Wide, bits: u32) -> bool {
    let signed = matches!(pred, IntPred::Sgt | IntPred::Sge | IntPred::Slt | IntPred::Sle);
    let (mut x, mut y) = (*a, *b);
    if signed {
        x = wide_sext(a, bits);
        y = wide_sext(b, bits);
        x[WIDE_LIMBS - 1] ^= 1 << 63;
        y[WIDE_LIMBS - 1] ^= 1 << 63;
    }
    let ord = x.iter().rev().cmp(y.iter().rev());
    use std::cmp::Ordering as O;
    match pred {
        IntPred::Eq => ord == O::Equal,
        IntPred::Ne => ord != O::Equal,
        IntPred::Ugt | IntPred::Sgt => ord == O::Greater,
        IntPred::Uge | IntPred::Sge => ord != O::Less,
        IntPred::Ult | IntPred::Slt => ord == O::Less,
        IntPred::Ule | IntPred::Sle => ord != O::Greater,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_ints() {
        let bits = 136;
        let mut a = [0u64; WIDE_LIMBS];
        a[0] = 0xff;
        a[2] = 0x80; // bit 135 set: negative
        let sh = {
            let mut b = [0u64; WIDE_LIMBS];
            b[0] = 4;
            b
        };
        let r = wide_bin(BinOp::AShr, &a, &sh, bits).unwrap();
        assert_eq!(r[0], 0x0f);
        assert_eq!(r[2], 0xf8);
        let r = wide_bin(BinOp::Shl, &a, &sh, bits).unwrap();
        assert_eq!(r[0], 0xff0);
        assert_eq!(r[2], 0);
        assert!(wide_icmp(IntPred::Slt, &a, &sh, bits));
        assert!(wide_icmp(IntPred::Ugt, &a, &sh, bits));
        let s = wide_bin(BinOp::Sub, &sh, &a, bits).unwrap();
        let back = wide_bin(BinOp::Add, &s, &a, bits).unwrap();
        assert_eq!(back, sh);
    }
}
