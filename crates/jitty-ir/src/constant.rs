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
    /// An integer of type `ty` wider than 128 bits (clang packs bitfields
    /// into words like `i136`): two's complement in little-endian 64-bit
    /// words, exactly `width.div_ceil(64)` of them, bits above the width zero.
    WideInt { ty: Ty, words: Vec<u64> },
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
    /// `blockaddress(@f, %bb)`: the address of block `%bb` of `@f` (the
    /// label as written; [`crate::Module::block_by_label`] resolves it).
    BlockAddress { func: FuncId, block: String },
    /// `dso_local_equivalent @f` / `no_cfi @f`: the function's address.
    FuncRef { func: FuncId },
}

impl ConstData {
    /// The type of this constant.
    pub fn ty(&self) -> Ty {
        match self {
            ConstData::Int { ty, .. }
            | ConstData::WideInt { ty, .. }
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

/// Parses a decimal integer (optionally negative) into the two's-complement
/// words of a `width`-bit integer, wrapping like LLVM's reader; `None` if
/// `text` is not a decimal integer.
pub fn wide_from_decimal(text: &str, width: u32) -> Option<Vec<u64>> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut words = vec![0u64; width.div_ceil(64) as usize];
    for c in digits.bytes() {
        // words = words * 10 + digit, wrapping at the word count.
        let mut carry = u128::from(c - b'0');
        for w in words.iter_mut() {
            let v = u128::from(*w) * 10 + carry;
            *w = v as u64;
            carry = v >> 64;
        }
    }
    if neg {
        // Two's complement: invert and add one.
        let mut carry = 1u128;
        for w in words.iter_mut() {
            let v = u128::from(!*w) + carry;
            *w = v as u64;
            carry = v >> 64;
        }
    }
    mask_wide(&mut words, width);
    Some(words)
}

/// Clears the bits of `words` above `width`.
pub fn mask_wide(words: &mut [u64], width: u32) {
    let full = (width / 64) as usize;
    let rest = width % 64;
    for (i, w) in words.iter_mut().enumerate() {
        if i > full || (i == full && rest == 0) {
            *w = 0;
        } else if i == full {
            *w &= (1u64 << rest) - 1;
        }
    }
}

/// The unsigned decimal spelling of little-endian `words`.
pub fn wide_to_decimal(words: &[u64]) -> String {
    let mut rest = words.to_vec();
    let mut chunks = Vec::new();
    // Repeated division by 10^19 (the largest power of ten below 2^64).
    const CHUNK: u128 = 10_000_000_000_000_000_000;
    while rest.iter().any(|&w| w != 0) {
        let mut rem = 0u128;
        for w in rest.iter_mut().rev() {
            let cur = (rem << 64) | u128::from(*w);
            *w = (cur / CHUNK) as u64;
            rem = cur % CHUNK;
        }
        chunks.push(rem as u64);
    }
    match chunks.split_last() {
        None => "0".to_string(),
        Some((most, others)) => {
            let mut s = most.to_string();
            for c in others.iter().rev() {
                s.push_str(&format!("{c:019}"));
            }
            s
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_decimal_round_trips_in_136_bits() {
        // A bitfield mask clang emits for an i136 storage word (csmith seed 176).
        let words = wide_from_decimal("-21778071472798856859830139663659539890177", 136).unwrap();
        assert_eq!(words, vec![u64::MAX, 0x7f_ffff_ffff, 0xc0]);
        let back = wide_to_decimal(&words);
        assert_eq!(wide_from_decimal(&back, 136).unwrap(), words);
        assert_eq!(wide_to_decimal(&[0, 0, 0]), "0");
        assert_eq!(wide_to_decimal(&[12345, 0]), "12345");
        assert_eq!(wide_to_decimal(&[0, 1]), "18446744073709551616");
        assert_eq!(wide_from_decimal("-1", 136).unwrap(), vec![u64::MAX, u64::MAX, 0xff]);
        assert_eq!(wide_from_decimal("12x", 136), None);
    }
}
