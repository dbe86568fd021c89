//! Floats: register formats, `half`/`bfloat`/`x86_fp80` conversions,
//! arithmetic and LLVM's ordered/unordered comparisons.

use jitty_ir::{BinOp, FloatKind, FloatPred};

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

/// `llvm.is.fpclass`'s class bit of the register-format float `v` of kind
/// `k`: 0x1 signaling NaN, 0x2 quiet NaN, 0x4 -inf, 0x8 -normal,
/// 0x10 -subnormal, 0x20 -0, 0x40 +0, 0x80 +subnormal, 0x100 +normal,
/// 0x200 +inf. Classified in the value's own format (a `float` subnormal
/// is a normal `double`); `x86_fp80` is held as a `double`, `bfloat` is
/// classified through `float`.
pub fn fp_class(v: u64, k: Fk) -> u32 {
    let (man, exp) = match k {
        Fk::F32 => (23u32, 8u32),
        Fk::F64 | Fk::F80 => (52, 11),
        Fk::Half => (10, 5),
        Fk::BF16 => return fp_class(u64::from(f32::to_bits(f_get(v, k) as f32)), Fk::F32),
    };
    let neg = (v >> (man + exp)) & 1 == 1;
    let e = (v >> man) & ((1u64 << exp) - 1);
    let m = v & ((1u64 << man) - 1);
    let pick = |neg_bit: u32, pos_bit: u32| if neg { neg_bit } else { pos_bit };
    if e == (1u64 << exp) - 1 {
        if m == 0 {
            pick(0x4, 0x200)
        } else if (m >> (man - 1)) & 1 == 1 {
            0x2
        } else {
            0x1
        }
    } else if e == 0 {
        if m == 0 { pick(0x20, 0x40) } else { pick(0x10, 0x80) }
    } else {
        pick(0x8, 0x100)
    }
}

/// `llvm.minimum`: NaN if either operand is NaN, and `-0.0` is below
/// `+0.0` (IEEE 754-2019 `minimum`; `f64::min` may return either zero).
pub fn minimum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_negative() { a } else { b }
    } else {
        a.min(b)
    }
}

/// `llvm.maximum`: NaN if either operand is NaN, and `+0.0` is above
/// `-0.0` (IEEE 754-2019 `maximum`).
pub fn maximum(a: f64, b: f64) -> f64 {
    if a.is_nan() || b.is_nan() {
        f64::NAN
    } else if a == b {
        if a.is_sign_positive() { a } else { b }
    } else {
        a.max(b)
    }
}

/// `llvm.modf` (C's `modf`): `(fractional part, integral part)`. The
/// integral part is `trunc(x)`; the fractional part is `x - trunc(x)` with
/// the sign of `x` (so `-2.0` gives `-0.0`), and `±0` for `±inf`; NaN gives
/// NaN in both. The JIT emits the same steps (`trunc`, `fsub`, a select on
/// infinity, `fcopysign`), so both engines agree bit for bit, NaNs included.
pub fn modf(x: f64) -> (f64, f64) {
    let int = x.trunc();
    let frac = if x.is_infinite() { 0.0 } else { x - int };
    (frac.copysign(x), int)
}

/// A math-library function of one operand (`llvm.exp`, `llvm.sin`, ...).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Libm {
    /// `e^x`.
    Exp,
    /// `2^x`.
    Exp2,
    /// Natural logarithm.
    Ln,
    /// Base-2 logarithm.
    Log2,
    /// Base-10 logarithm.
    Log10,
    /// Sine.
    Sin,
    /// Cosine.
    Cos,
}

macro_rules! libm_of {
    ($(#[$doc:meta])* $name:ident, $t:ty) => {
        $(#[$doc])*
        pub fn $name(f: Libm, x: $t) -> $t {
            match f {
                Libm::Exp => x.exp(),
                Libm::Exp2 => x.exp2(),
                Libm::Ln => x.ln(),
                Libm::Log2 => x.log2(),
                Libm::Log10 => x.log10(),
                Libm::Sin => x.sin(),
                Libm::Cos => x.cos(),
            }
        }
    };
}

libm_of!(
    /// `f(x)` in single precision: the C library's `float` function
    /// (`sinf`), which is what native code calls.
    libm_f32,
    f32
);
libm_of!(
    /// `f(x)` in double precision (`sin`).
    libm_f64,
    f64
);

/// Whether a kind's math-library calls are made in single precision: the
/// `float` functions serve `float`, and LLVM promotes `half` and `bfloat`
/// to `float` for them. Computing a `float` in `double` and rounding is
/// more accurate, but it is not what the program computes natively:
/// glibc's `sinf(587.8125)` is one ulp from that.
fn single(k: Fk) -> bool {
    matches!(k, Fk::F32 | Fk::Half | Fk::BF16)
}

/// `f(x)` for a float of kind `k` (held as `f64`), as native code computes it.
pub fn libm1(f: Libm, x: f64, k: Fk) -> f64 {
    if single(k) { f64::from(libm_f32(f, x as f32)) } else { libm_f64(f, x) }
}

/// `llvm.pow` for a float of kind `k` (held as `f64`): `powf` or `pow`, as
/// [`libm1`] chooses.
pub fn pow(x: f64, y: f64, k: Fk) -> f64 {
    if single(k) { f64::from((x as f32).powf(y as f32)) } else { x.powf(y) }
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

/// [`float_bin`] on single precision. Computing in `f64` and rounding once
/// to `f32` gives the correctly rounded `f32` result for `+ - * /` (53 ≥
/// 2·24 + 2 bits, so the double rounding is innocuous) and `frem` (exact).
#[inline]
pub fn float_bin32(op: BinOp, a: f32, b: f32) -> f32 {
    float_bin(op, f64::from(a), f64::from(b)) as f32
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn single_precision_is_correctly_rounded() {
        // Oracle: the host's native f32 arithmetic.
        let vals = [1.0f32, -3.7, 1e-38, 3.0e38, 0.1, 16_777_217.0, -0.0, 7.5e-45, f32::INFINITY];
        for &a in &vals {
            for &b in &vals {
                let native = [a + b, a - b, a * b, a / b, a % b];
                let ops = [BinOp::FAdd, BinOp::FSub, BinOp::FMul, BinOp::FDiv, BinOp::FRem];
                for (op, want) in ops.into_iter().zip(native) {
                    let got = float_bin32(op, a, b);
                    assert!(got.to_bits() == want.to_bits() || got.is_nan() && want.is_nan(), "{op:?} {a} {b}");
                }
            }
        }
    }

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
}

#[cfg(test)]
mod minmax_tests {
    #[test]
    fn modf_matches_c() {
        use super::modf;
        let bits = |(f, i): (f64, f64)| (f.to_bits(), i.to_bits());
        assert_eq!(bits(modf(-2.5)), bits((-0.5, -2.0)));
        assert_eq!(bits(modf(3.25)), bits((0.25, 3.0)));
        assert_eq!(bits(modf(-2.0)), bits((-0.0, -2.0)));
        assert_eq!(bits(modf(-0.5)), bits((-0.5, -0.0)));
        assert_eq!(bits(modf(f64::INFINITY)), bits((0.0, f64::INFINITY)));
        assert_eq!(bits(modf(f64::NEG_INFINITY)), bits((-0.0, f64::NEG_INFINITY)));
        let (f, i) = modf(-f64::NAN);
        assert!(f.is_nan() && i.is_nan() && f.is_sign_negative());
    }

    use super::{Fk, fp_class, maximum, minimum};

    #[test]
    fn fp_classes() {
        let d = |v: f64| fp_class(v.to_bits(), Fk::F64);
        let f = |v: f32| fp_class(u64::from(v.to_bits()), Fk::F32);
        assert_eq!(d(f64::NAN), 0x2);
        assert_eq!(fp_class(0x7ff0_0000_0000_0001, Fk::F64), 0x1);
        assert_eq!((d(f64::NEG_INFINITY), d(f64::INFINITY)), (0x4, 0x200));
        assert_eq!((d(-1.0), d(1.0)), (0x8, 0x100));
        assert_eq!((d(-5e-324), d(5e-324)), (0x10, 0x80));
        assert_eq!((d(-0.0), d(0.0)), (0x20, 0x40));
        assert_eq!((f(f32::from_bits(1)), f(-f32::MIN_POSITIVE)), (0x80, 0x8));
        assert_eq!(fp_class(0x7fa0_0000, Fk::F32), 0x1);
    }

    #[test]
    fn signed_zeros_are_ordered() {
        for (a, b) in [(0.0, -0.0), (-0.0, 0.0)] {
            assert_eq!(minimum(a, b).to_bits(), (-0.0f64).to_bits());
            assert_eq!(maximum(a, b).to_bits(), 0.0f64.to_bits());
        }
        assert!(minimum(f64::NAN, 1.0).is_nan() && maximum(1.0, f64::NAN).is_nan());
        assert_eq!(minimum(-2.0, 3.0), -2.0);
        assert_eq!(maximum(-2.0, 3.0), 3.0);
    }
}
