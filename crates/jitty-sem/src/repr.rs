//! Value classes: how a value of each IR type is held in registers
//! ([`Scalar`], [`Repr`]), and casts between scalars.

use crate::float::{Fk, f_get, f_put};
use crate::int::{mask128, sext64, sext128};
use crate::wide::MAX_WIDE_BITS;
use jitty_ir::{CastOp, Module, Ty, TypeData};

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
