//! Constants and the per-module constant pool.
//!
//! Constants are interned like types: a structurally equal constant has one
//! [`ConstId`]. References to globals and functions are constants too (their
//! address), as in LLVM, and so are constant expressions.

use crate::entity::{AliasId, ConstId, FuncId, GlobalId, Ty};
use crate::inst::{BinOp, CastOp, Flags};
use std::collections::HashMap;

/// One constant value.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ConstData {
    /// An integer of type `ty` (width <= 128), zero-extended into `bits`.
    Int { ty: Ty, bits: u128 },
    /// A float of type `ty` as its raw IEEE (or x87) bit pattern.
    Float { ty: Ty, bits: u128 },
    /// `null` (of a pointer type).
    Null(Ty),
    /// `zeroinitializer` of any type.
    Zero(Ty),
    /// `undef`.
    Undef(Ty),
    /// `poison`.
    Poison(Ty),
    /// `none` (token).
    NoneToken(Ty),
    /// A struct, array or vector given element by element.
    Aggregate { ty: Ty, elems: Vec<ConstId> },
    /// An `[N x i8]` written as `c"..."`.
    Bytes { ty: Ty, bytes: Vec<u8> },
    /// The address of a global variable (type `ptr`).
    Global { ty: Ty, id: GlobalId },
    /// The address of a function (type `ptr`).
    Func { ty: Ty, id: FuncId },
    /// The address an alias resolves to (type `ptr`).
    Alias { ty: Ty, id: AliasId },
    /// A constant expression.
    Expr { ty: Ty, expr: ConstExpr },
}

/// The operation of a constant expression.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum ConstExpr {
    /// `getelementptr [inbounds] (T, ptr base, idx...)`.
    Gep { source_ty: Ty, base: ConstId, indices: Vec<ConstId>, flags: Flags },
    /// A cast (`ptrtoint`, `inttoptr`, `bitcast`, `trunc`, ...).
    Cast { op: CastOp, val: ConstId },
    /// A binary operator (`add`, `sub`, `xor`, ...).
    Binary { op: BinOp, lhs: ConstId, rhs: ConstId, flags: Flags },
    /// `extractelement (vec, idx)`.
    ExtractElement { vec: ConstId, idx: ConstId },
    /// `insertelement (vec, elt, idx)`.
    InsertElement { vec: ConstId, elt: ConstId, idx: ConstId },
    /// `shufflevector (a, b, mask)`; `-1` marks a poison lane.
    ShuffleVector { a: ConstId, b: ConstId, mask: Vec<i32> },
    /// `blockaddress(@f, %bb)`: kept so modules parse; using it is unsupported.
    BlockAddress { func: FuncId, block: String },
    /// `dso_local_equivalent @f` / `no_cfi @f`: the function's address.
    FuncRef { func: FuncId },
}

impl ConstData {
    /// The type of this constant.
    pub fn ty(&self) -> Ty {
        match self {
            ConstData::Int { ty, .. }
            | ConstData::Float { ty, .. }
            | ConstData::Aggregate { ty, .. }
            | ConstData::Bytes { ty, .. }
            | ConstData::Global { ty, .. }
            | ConstData::Func { ty, .. }
            | ConstData::Alias { ty, .. }
            | ConstData::Expr { ty, .. } => *ty,
            ConstData::Null(ty)
            | ConstData::Zero(ty)
            | ConstData::Undef(ty)
            | ConstData::Poison(ty)
            | ConstData::NoneToken(ty) => *ty,
        }
    }
}

/// Interned constants of one module.
#[derive(Clone, Debug, Default)]
pub struct ConstPool {
    data: Vec<ConstData>,
    index: HashMap<ConstData, ConstId>,
}

impl ConstPool {
    /// An empty pool.
    pub fn new() -> Self {
        Self::default()
    }

    /// Interns `data`, returning its handle.
    pub fn intern(&mut self, data: ConstData) -> ConstId {
        if let Some(&id) = self.index.get(&data) {
            return id;
        }
        let id = ConstId::new(self.data.len());
        self.data.push(data.clone());
        self.index.insert(data, id);
        id
    }

    /// The constant behind `id`.
    #[inline]
    pub fn get(&self, id: ConstId) -> &ConstData {
        &self.data[id.index()]
    }

    /// Number of constants.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True when the pool is empty.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Iterates over all constants with their handles.
    pub fn iter(&self) -> impl Iterator<Item = (ConstId, &ConstData)> {
        self.data.iter().enumerate().map(|(i, d)| (ConstId::new(i), d))
    }
}

/// Truncates `bits` to `width` bits (width <= 128).
#[inline]
pub fn truncate_bits(bits: u128, width: u32) -> u128 {
    if width >= 128 { bits } else { bits & ((1u128 << width) - 1) }
}

/// Sign-extends the low `width` bits of `bits` to 128 bits.
#[inline]
pub fn sign_extend(bits: u128, width: u32) -> i128 {
    if width >= 128 || width == 0 {
        bits as i128
    } else {
        let shift = 128 - width;
        ((bits << shift) as i128) >> shift
    }
}
