//! Scalar semantics shared by every interpreter path: integer arithmetic at
//! any width 1..=128, comparisons, casts, float formats and conversions.
//!
//! Conventions (the reference semantics of jitty):
//! * integers are kept *normalized*: zero-extended to 64 bits (one slot) or
//!   128 bits (two slots) — the bits above the width are always zero;
//! * a shift by an amount ≥ the width is poison in LLVM; jitty defines it as
//!   `0` for `shl`, `lshr` and `ashr` alike;
//! * `udiv`/`sdiv`/`urem`/`srem` by zero and `sdiv`/`srem` of `INT_MIN` by
//!   `-1` are traps;
//! * `half` and `bfloat` are computed through `f32` (exact for the basic
//!   operations); `x86_fp80` is held as an `f64` in registers and converted
//!   on load/store (values beyond `f64`'s range or precision are rounded);
//! * float→int conversions out of range are poison in LLVM; jitty saturates
//!   (Rust `as` semantics).

use crate::Trap;
use jitty_ir::{BinOp, CastOp, FloatKind, FloatPred, IntPred, Module, Ty, TypeData};

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

/// Integer binary operation at width `bits` on normalized operands.
pub fn int_bin(op: BinOp, a: u128, b: u128, bits: u32) -> Result<u128, Trap> {
    let m = mask128(bits);
    let r = match op {
        BinOp::Add => a.wrapping_add(b),
        BinOp::Sub => a.wrapping_sub(b),
        BinOp::Mul => a.wrapping_mul(b),
        BinOp::UDiv => {
            if b == 0 {
                return Err(Trap::DivByZero);
            }
            a / b
        }
        BinOp::URem => {
            if b == 0 {
                return Err(Trap::DivByZero);
            }
            a % b
        }
        BinOp::SDiv | BinOp::SRem => {
            if b == 0 {
                return Err(Trap::DivByZero);
            }
            let (x, y) = (sext128(a, bits), sext128(b, bits));
            let min = if bits >= 128 { i128::MIN } else { -(1i128 << (bits - 1)) };
            if x == min && y == -1 {
                return Err(Trap::DivOverflow);
            }
            (if op == BinOp::SDiv { x.wrapping_div(y) } else { x.wrapping_rem(y) }) as u128
        }
        BinOp::Shl => {
            if b >= u128::from(bits) {
                0
            } else {
                a << b
            }
        }
        BinOp::LShr => {
            if b >= u128::from(bits) {
                0
            } else {
                a >> b
            }
        }
        BinOp::AShr => {
            if b >= u128::from(bits) {
                0
            } else {
                (sext128(a, bits) >> b) as u128
            }
        }
        BinOp::And => a & b,
        BinOp::Or => a | b,
        BinOp::Xor => a ^ b,
        _ => return Err(Trap::Unsupported),
    };
    Ok(r & m)
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

/// Float comparison with LLVM's ordered/unordered predicates.
#[inline]
pub fn fcmp(pred: FloatPred, a: f64, b: f64) -> bool {
    let uno = a.is_nan() || b.is_nan();
    match pred {
        FloatPred::False => false,
        FloatPred::True => true,
        FloatPred::Oeq => !uno && a == b,
        FloatPred::Ogt => !uno && a > b,
        FloatPred::Oge => !uno && a >= b,
        FloatPred::Olt => !uno && a < b,
        FloatPred::Ole => !uno && a <= b,
        FloatPred::One => !uno && a != b,
        FloatPred::Ord => !uno,
        FloatPred::Uno => uno,
        FloatPred::Ueq => uno || a == b,
        FloatPred::Ugt => uno || a > b,
        FloatPred::Uge => uno || a >= b,
        FloatPred::Ult => uno || a < b,
        FloatPred::Ule => uno || a <= b,
        FloatPred::Une => uno || a != b,
    }
}

/// Register formats of floats.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Fk {
    /// IEEE half, 16 bits in the slot.
    Half,
    /// bfloat16, 16 bits in the slot.
    BF16,
    /// IEEE single, 32 bits in the slot.
    F32,
    /// IEEE double.
    F64,
    /// x86_fp80, held as an `f64` in the slot.
    F80,
}

impl Fk {
    /// The register format of a float kind, if supported.
    pub fn of(kind: FloatKind) -> Option<Fk> {
        Some(match kind {
            FloatKind::Half => Fk::Half,
            FloatKind::BFloat => Fk::BF16,
            FloatKind::Float => Fk::F32,
            FloatKind::Double => Fk::F64,
            FloatKind::X86Fp80 => Fk::F80,
            FloatKind::Fp128 | FloatKind::PpcFp128 => return None,
        })
    }
}

/// Converts IEEE half bits to `f32`.
pub fn half_to_f32(h: u16) -> f32 {
    let sign = u32::from(h >> 15) << 31;
    let exp = u32::from((h >> 10) & 0x1f);
    let man = u32::from(h & 0x3ff);
    let bits = if exp == 0 {
        if man == 0 {
            sign
        } else {
            // Subnormal: value = man * 2^-24.
            let v = man as f32 * (1.0 / 16_777_216.0);
            return if sign != 0 { -v } else { v };
        }
    } else if exp == 0x1f {
        sign | 0x7f80_0000 | (man << 13)
    } else {
        sign | ((exp + 112) << 23) | (man << 13)
    };
    f32::from_bits(bits)
}

/// Converts an `f64` to IEEE half bits, rounding to nearest even.
pub fn f64_to_half(v: f64) -> u16 {
    let bits = v.to_bits();
    let sign = ((bits >> 63) as u16) << 15;
    if v.is_nan() {
        return sign | 0x7e00;
    }
    let a = v.abs();
    if a >= 65520.0 {
        return sign | 0x7c00;
    }
    if a < 6.103_515_625e-5 {
        // Subnormal range: quantum 2^-24.
        let q = (a * 16_777_216.0).round_ties_even() as u16;
        return sign | q;
    }
    let exp = ((bits >> 52) & 0x7ff) as i32 - 1023;
    let man = bits & ((1u64 << 52) - 1);
    let mut hexp = (exp + 15) as u64;
    let shift = 42;
    let mut hman = man >> shift;
    let rem = man & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    if rem > half || (rem == half && hman & 1 == 1) {
        hman += 1;
        if hman == 0x400 {
            hman = 0;
            hexp += 1;
        }
    }
    sign | ((hexp as u16) << 10) | hman as u16
}

/// Converts raw x86 80-bit extended bits (in the low 80 bits) to `f64`.
pub fn f80_to_f64(raw: u128) -> f64 {
    let man = raw as u64;
    let se = (raw >> 64) as u16;
    let sign = if se & 0x8000 != 0 { -1.0 } else { 1.0 };
    let exp = i32::from(se & 0x7fff);
    if exp == 0 && man == 0 {
        return sign * 0.0;
    }
    if exp == 0x7fff {
        return if man << 1 == 0 { sign * f64::INFINITY } else { f64::NAN };
    }
    // value = man * 2^(exp - 16383 - 63)
    let e = if exp == 0 { 1 - 16383 - 63 } else { exp - 16383 - 63 };
    sign * ldexp(man as f64, e)
}

/// `x * 2^e` without overflow in intermediate steps.
fn ldexp(mut x: f64, mut e: i32) -> f64 {
    while e > 1000 {
        x *= 2f64.powi(1000);
        e -= 1000;
    }
    while e < -1000 {
        x *= 2f64.powi(-1000);
        e += 1000;
    }
    x * 2f64.powi(e)
}

/// Converts an `f64` to raw x86 80-bit extended bits (exact).
pub fn f64_to_f80(v: f64) -> u128 {
    let bits = v.to_bits();
    let sign = u128::from((bits >> 63) as u16) << 79;
    let exp = ((bits >> 52) & 0x7ff) as i64;
    let man = bits & ((1u64 << 52) - 1);
    if exp == 0 && man == 0 {
        return sign;
    }
    if exp == 0x7ff {
        let m = if man == 0 { 1u64 << 63 } else { (1u64 << 63) | (1u64 << 62) | (man << 11) };
        return sign | (0x7fffu128 << 64) | u128::from(m);
    }
    let (e, m) = if exp == 0 {
        // Subnormal double: normalize.
        let lz = man.leading_zeros();
        (-1011 - i64::from(lz), man << lz)
    } else {
        (exp - 1023, (1u64 << 63) | (man << 11))
    };
    let e80 = (e + 16383) as u128;
    sign | (e80 << 64) | u128::from(m)
}

/// A register-format float slot as `f64`.
#[inline]
pub fn f_get(v: u64, k: Fk) -> f64 {
    match k {
        Fk::F32 => f64::from(f32::from_bits(v as u32)),
        Fk::F64 | Fk::F80 => f64::from_bits(v),
        Fk::Half => f64::from(half_to_f32(v as u16)),
        Fk::BF16 => f64::from(f32::from_bits((v as u32) << 16)),
    }
}

/// An `f64` as a register-format float slot of kind `k` (rounded).
#[inline]
pub fn f_put(x: f64, k: Fk) -> u64 {
    match k {
        Fk::F32 => u64::from((x as f32).to_bits()),
        Fk::F64 | Fk::F80 => x.to_bits(),
        Fk::Half => u64::from(f64_to_half(x)),
        Fk::BF16 => {
            let f = (x as f32).to_bits();
            if (x as f32).is_nan() {
                return u64::from((f >> 16) as u16 | 0x40);
            }
            let round = 0x7fff + ((f >> 16) & 1);
            u64::from((f.wrapping_add(round) >> 16) as u16)
        }
    }
}

/// Float binary operation.
#[inline]
pub fn float_bin(op: BinOp, a: f64, b: f64) -> f64 {
    match op {
        BinOp::FAdd => a + b,
        BinOp::FSub => a - b,
        BinOp::FMul => a * b,
        BinOp::FDiv => a / b,
        _ => a % b,
    }
}

/// Float binary operation on single precision (avoids double rounding
/// questions entirely).
#[inline]
pub fn float_bin32(op: BinOp, a: f32, b: f32) -> f32 {
    match op {
        BinOp::FAdd => a + b,
        BinOp::FSub => a - b,
        BinOp::FMul => a * b,
        BinOp::FDiv => a / b,
        _ => a % b,
    }
}

/// Scalar register representation of a first-class scalar type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum Scalar {
    /// Integer of the given width.
    I(u32),
    /// Float.
    F(Fk),
    /// Pointer.
    P,
}

impl Scalar {
    /// Slots a scalar takes.
    pub fn slots(self) -> u32 {
        match self {
            Scalar::I(b) if b > 64 => 2,
            _ => 1,
        }
    }

    /// Width in bits for integer-like scalars (pointers: 64).
    pub fn int_bits(self) -> u32 {
        match self {
            Scalar::I(b) => b,
            _ => 64,
        }
    }
}

/// How a value of some type lives in the frame's register slots.
#[derive(Clone, PartialEq, Eq, Debug)]
pub enum Repr {
    /// A scalar in 1 or 2 slots.
    S(Scalar),
    /// A fixed vector: `len` elements of `elem`, each in `elem.slots()` slots.
    V {
        /// Element representation.
        elem: Scalar,
        /// Number of lanes.
        len: u32,
        /// Bytes between elements in memory (0 for bit-packed `i1`).
        stride: u32,
    },
    /// A struct or array, held as its memory image.
    A {
        /// Bytes of the memory image (alloc size).
        size: u32,
        /// The aggregate type (for extract/insert and FFI).
        ty: Ty,
    },
    /// An integer wider than 128 bits (up to [`MAX_WIDE_BITS`]), little-endian
    /// limbs, normalized (bits above the width zero).
    W(u32),
    /// `void` / token / metadata: no slots.
    None,
}

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

impl Repr {
    /// Number of `u64` slots a value takes.
    pub fn slots(&self) -> u32 {
        match self {
            Repr::S(s) => s.slots(),
            Repr::V { elem, len, .. } => elem.slots() * len,
            Repr::A { size, .. } => size.div_ceil(8).max(1),
            Repr::W(bits) => bits.div_ceil(64),
            Repr::None => 0,
        }
    }
}

/// The scalar representation of `ty`, if it is a supported scalar.
pub fn scalar_of(m: &Module, ty: Ty) -> Option<Scalar> {
    match m.types.get(ty) {
        TypeData::Int(b) if *b <= 128 => Some(Scalar::I(*b)),
        TypeData::Float(k) => Fk::of(*k).map(Scalar::F),
        TypeData::Ptr { .. } => Some(Scalar::P),
        _ => None,
    }
}

/// The register representation of `ty`, or why it is unsupported.
pub fn repr_of(m: &Module, ty: Ty) -> Result<Repr, String> {
    match m.types.get(ty) {
        TypeData::Void | TypeData::Token | TypeData::Metadata | TypeData::Label => Ok(Repr::None),
        TypeData::Int(b) if *b > MAX_WIDE_BITS => Err(format!("integer width i{b} > {MAX_WIDE_BITS}")),
        TypeData::Int(b) if *b > 128 => Ok(Repr::W(*b)),
        TypeData::Vector { scalable: true, .. } => Err("scalable vector".into()),
        TypeData::Vector { elem, len, .. } => {
            let e = scalar_of(m, *elem).ok_or_else(|| "vector of unsupported element".to_string())?;
            let stride = match e {
                Scalar::I(1) => 0,
                Scalar::I(b) if b % 8 != 0 => return Err(format!("vector of i{b}")),
                Scalar::I(b) => b / 8,
                Scalar::F(Fk::F80) => return Err("vector of x86_fp80".into()),
                Scalar::F(Fk::Half | Fk::BF16) => 2,
                Scalar::F(Fk::F32) => 4,
                Scalar::F(Fk::F64) => 8,
                Scalar::P => 8,
            };
            Ok(Repr::V { elem: e, len: *len, stride })
        }
        TypeData::Struct { .. } | TypeData::Named(_) | TypeData::Array { .. } => {
            if matches!(m.types.get(ty), TypeData::Named(_)) && m.types.struct_fields(ty).is_none() {
                return Err("opaque struct value".into());
            }
            let size = m.alloc_size(ty);
            let size = u32::try_from(size).map_err(|_| "aggregate too large".to_string())?;
            Ok(Repr::A { size, ty })
        }
        TypeData::Float(k) => Fk::of(*k).map(|f| Repr::S(Scalar::F(f))).ok_or_else(|| format!("float type {k:?}")),
        TypeData::Ptr { .. } => Ok(Repr::S(Scalar::P)),
        TypeData::Int(b) => Ok(Repr::S(Scalar::I(*b))),
        TypeData::Func { .. } | TypeData::Opaque(_) => Err("value of non-first-class type".into()),
    }
}

/// A scalar cast on register-format values.
pub fn cast_scalar(op: CastOp, v: u128, from: Scalar, to: Scalar) -> u128 {
    match (op, from, to) {
        (CastOp::Trunc, _, Scalar::I(b)) => v & mask128(b),
        (CastOp::ZExt, _, _) => v,
        (CastOp::SExt, Scalar::I(fb), Scalar::I(tb)) => (sext128(v, fb) as u128) & mask128(tb),
        (CastOp::FpTrunc | CastOp::FpExt, Scalar::F(a), Scalar::F(b)) => u128::from(f_put(f_get(v as u64, a), b)),
        (CastOp::FpToSi, Scalar::F(a), Scalar::I(b)) => {
            let x = f_get(v as u64, a);
            let r = if b > 64 { x as i128 } else { i128::from(sext64((x as i64) as u64, 64)) };
            // Saturate into the signed range of the target width.
            let lo = if b >= 128 { i128::MIN } else { -(1i128 << (b - 1)) };
            let hi = if b >= 128 { i128::MAX } else { (1i128 << (b - 1)) - 1 };
            (r.clamp(lo, hi) as u128) & mask128(b)
        }
        (CastOp::FpToUi, Scalar::F(a), Scalar::I(b)) => {
            let x = f_get(v as u64, a);
            let r = x as u128;
            r.min(mask128(b))
        }
        (CastOp::SiToFp, Scalar::I(b), Scalar::F(k)) => {
            let s = sext128(v, b);
            u128::from(if k == Fk::F32 { u64::from((s as f32).to_bits()) } else { f_put(s as f64, k) })
        }
        (CastOp::UiToFp, Scalar::I(_), Scalar::F(k)) => {
            u128::from(if k == Fk::F32 { u64::from((v as f32).to_bits()) } else { f_put(v as f64, k) })
        }
        (CastOp::PtrToInt | CastOp::PtrToAddr, _, Scalar::I(b)) => v & mask128(b),
        (CastOp::IntToPtr, _, _) => v & u128::from(u64::MAX),
        _ => v,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn half_roundtrip() {
        for x in [0.0, 1.0, -2.5, 65504.0, 6.1e-5, 1e-7, 0.333_251_953_125] {
            let h = f64_to_half(x);
            let back = f64::from(half_to_f32(h));
            assert!((back - x).abs() <= x.abs() * 1e-3 + 6e-8, "{x} -> {h:#x} -> {back}");
        }
        assert_eq!(f64_to_half(1.0), 0x3c00);
        assert_eq!(f64_to_half(f64::INFINITY), 0x7c00);
    }

    #[test]
    fn f80_roundtrip() {
        for x in [0.0, 1.0, -1.5, 1e300, 1e-300, 5e-324, f64::INFINITY, std::f64::consts::PI] {
            assert_eq!(f80_to_f64(f64_to_f80(x)), x, "{x}");
        }
        // 1.0 in x87 format: exponent 0x3fff, explicit integer bit.
        assert_eq!(f64_to_f80(1.0), (0x3fffu128 << 64) | (1u128 << 63));
    }

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
        }
    }
}
