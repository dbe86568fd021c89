//! Flattening of IR types into Cranelift scalars ("leaves").
//!
//! Every IR value is held as a list of Cranelift SSA values, one per leaf of
//! its type in memory order: scalars are one leaf, structs and arrays are the
//! concatenation of their fields, vectors are scalarized per lane. Integers
//! live in the smallest Cranelift integer type that holds them (`i24` in
//! `I32`) and are kept *normalized*: zero-extended to the container width.

use cranelift_codegen::ir::{Type, types};
use jitty_ir::{Module, Ty, TypeData};

/// One scalar piece of a flattened type.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) enum Scalar {
    /// `iN`, 1 <= N <= 128.
    Int(u32),
    /// `float`.
    F32,
    /// `double`.
    F64,
    /// `ptr` (64-bit).
    Ptr,
}

impl Scalar {
    /// The Cranelift type holding this scalar.
    pub(crate) fn cl(self) -> Type {
        match self {
            Scalar::Int(bits) => int_container(bits),
            Scalar::F32 => types::F32,
            Scalar::F64 => types::F64,
            Scalar::Ptr => types::I64,
        }
    }

    /// Bytes a store of this scalar writes.
    pub(crate) fn store_size(self) -> u32 {
        match self {
            Scalar::Int(bits) => bits.div_ceil(8),
            Scalar::F32 => 4,
            Scalar::F64 | Scalar::Ptr => 8,
        }
    }

    /// True for float scalars.
    pub(crate) fn is_float(self) -> bool {
        matches!(self, Scalar::F32 | Scalar::F64)
    }
}

/// The Cranelift integer type holding an `iN`.
pub(crate) fn int_container(bits: u32) -> Type {
    match bits {
        0..=8 => types::I8,
        9..=16 => types::I16,
        17..=32 => types::I32,
        33..=64 => types::I64,
        _ => types::I128,
    }
}

/// A leaf of a flattened type: its scalar and its byte offset in memory.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Leaf {
    pub(crate) scalar: Scalar,
    pub(crate) offset: u64,
}

/// Why a type cannot be flattened.
pub(crate) type FlatError = String;

/// The scalar of a non-aggregate type: `jitty-sem`'s classification,
/// restricted to the scalars the JIT holds (no `half`, `bfloat`,
/// `x86_fp80`).
pub(crate) fn scalar_of(m: &Module, ty: Ty) -> Result<Scalar, FlatError> {
    use jitty_sem::{Fk, Scalar as S};
    match (jitty_sem::scalar_of(m, ty), m.types.get(ty)) {
        (Some(S::I(bits)), _) => Ok(Scalar::Int(bits)),
        (Some(S::F(Fk::F32)), _) => Ok(Scalar::F32),
        (Some(S::F(Fk::F64)), _) => Ok(Scalar::F64),
        (Some(S::P), _) => Ok(Scalar::Ptr),
        (_, TypeData::Float(k)) => Err(format!("floating-point type {} is not supported", k.keyword())),
        (_, TypeData::Int(bits)) => Err(format!("i{bits} is wider than 128 bits")),
        (_, other) => Err(format!("{other:?} is not a scalar type")),
    }
}

/// Appends the leaves of `ty` (at byte offset `base`) to `out`.
pub(crate) fn leaves(m: &Module, ty: Ty, base: u64, out: &mut Vec<Leaf>) -> Result<(), FlatError> {
    match m.types.get(ty) {
        TypeData::Void => Ok(()),
        TypeData::Array { elem, len } => {
            let stride = m.alloc_size(*elem);
            if *len > 1 << 16 {
                return Err(format!("array of {len} elements is too large to hold in registers"));
            }
            for i in 0..*len {
                leaves(m, *elem, base + i * stride, out)?;
            }
            Ok(())
        }
        TypeData::Vector { elem, len, scalable: false } => {
            let s = scalar_of(m, *elem)?;
            let stride = u64::from(s.store_size());
            for i in 0..u64::from(*len) {
                out.push(Leaf { scalar: s, offset: base + i * stride });
            }
            Ok(())
        }
        TypeData::Vector { scalable: true, .. } => Err("scalable vectors are not supported".into()),
        TypeData::Struct { .. } | TypeData::Named(_) => {
            let layout = m.layout.struct_layout(&m.types, ty).ok_or("opaque struct type")?;
            let (fields, _) = m.types.struct_fields(ty).ok_or("opaque struct type")?;
            for (field, off) in fields.iter().zip(layout.offsets) {
                leaves(m, *field, base + off, out)?;
            }
            Ok(())
        }
        TypeData::Token | TypeData::Metadata => Ok(()),
        _ => {
            out.push(Leaf { scalar: scalar_of(m, ty)?, offset: base });
            Ok(())
        }
    }
}

/// The leaves of `ty`.
pub(crate) fn leaves_of(m: &Module, ty: Ty) -> Result<Vec<Leaf>, FlatError> {
    let mut out = Vec::new();
    leaves(m, ty, 0, &mut out)?;
    Ok(out)
}

/// Number of leaves of `ty` (0 for void).
pub(crate) fn leaf_count(m: &Module, ty: Ty) -> Result<usize, FlatError> {
    Ok(leaves_of(m, ty)?.len())
}

/// The range of leaves that the aggregate path `indices` selects in `ty`,
/// and the type found there.
pub(crate) fn leaf_range(m: &Module, ty: Ty, indices: &[u32]) -> Result<(usize, usize, Ty), FlatError> {
    let mut start = 0usize;
    let mut cur = ty;
    for &idx in indices {
        let elem_count = match m.types.get(cur) {
            TypeData::Array { len, .. } => *len,
            TypeData::Vector { len, .. } => u64::from(*len),
            _ => m.types.struct_fields(cur).map(|(f, _)| f.len() as u64).ok_or("index into a non-aggregate")?,
        };
        if u64::from(idx) >= elem_count {
            return Err("aggregate index out of range".into());
        }
        for i in 0..idx {
            let t = m.types.aggregate_elem(cur, u64::from(i)).ok_or("bad aggregate index")?;
            start += leaf_count(m, t)?;
        }
        cur = m.types.aggregate_elem(cur, u64::from(idx)).ok_or("bad aggregate index")?;
    }
    Ok((start, leaf_count(m, cur)?, cur))
}
