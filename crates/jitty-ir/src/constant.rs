//! Constants and the per-module constant pool.
//!
//! Constants are interned like types: a structurally equal constant has one
//! [`ConstId`]. References to globals and functions are constants too (their
//! address), as in LLVM, and so are constant expressions.

use crate::entity::{AliasId, ConstId, FuncId, GlobalId, Ty};
use crate::inst::{BinOp, CastOp, Flags};
use foldhash::HashMap;

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
///
/// Works 19 digits at a time and only on the words the value has reached,
/// so a long literal costs O(digits²/19²) word operations whatever the
/// width (a 60000-digit literal of `i8388608` used to take over a minute).
pub fn wide_from_decimal(text: &str, width: u32) -> Option<Vec<u64>> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_digit()) {
        return None;
    }
    let mut words = vec![0u64; width.div_ceil(64) as usize];
    // Words [used..] are zero.
    let mut used = 0usize;
    for chunk in digits.as_bytes().chunks(19) {
        let scale = 10u128.pow(chunk.len() as u32);
        let mut carry = chunk.iter().fold(0u128, |acc, &c| acc * 10 + u128::from(c - b'0'));
        // words = words * 10^len + chunk, wrapping at the word count.
        for w in words.iter_mut().take(used + 1) {
            let v = u128::from(*w) * scale + carry;
            *w = v as u64;
            carry = v >> 64;
        }
        used = (used + 1).min(words.len());
        while used > 0 && words[used - 1] == 0 {
            used -= 1;
        }
    }
    if neg {
        negate_wide(&mut words);
    }
    mask_wide(&mut words, width);
    Some(words)
}

/// Parses the hex digits of a `u0x`/`s0x` literal into the words of a
/// `width`-bit integer, as LLVM's reader does: the digits are a number of
/// 4 × `digits.len()` bits, unsigned (`u0x`) or two's complement (`s0x`,
/// `signed`), extended or truncated to `width`. `None` if not hex.
pub fn wide_from_hex(digits: &str, width: u32, signed: bool) -> Option<Vec<u64>> {
    if digits.is_empty() || !digits.bytes().all(|c| c.is_ascii_hexdigit()) {
        return None;
    }
    let mut words = vec![0u64; width.div_ceil(64) as usize];
    // From the least significant end, 16 digits per word.
    for (w, chunk) in words.iter_mut().zip(digits.as_bytes().rchunks(16)) {
        let text = std::str::from_utf8(chunk).ok()?;
        *w = u64::from_str_radix(text, 16).ok()?;
    }
    let bits = 4 * digits.len() as u64;
    let negative = digits.as_bytes()[0].to_ascii_uppercase() >= b'8';
    if signed && negative && bits < u64::from(width) {
        // Sign-extend: every bit from `bits` up is set.
        for (i, w) in words.iter_mut().enumerate() {
            let lo = 64 * i as u64;
            if lo >= bits {
                *w = u64::MAX;
            } else if lo + 64 > bits {
                *w |= u64::MAX << (bits - lo);
            }
        }
    }
    mask_wide(&mut words, width);
    Some(words)
}

/// Two's-complement negation of `words` in place (wrapping at the word count).
pub fn negate_wide(words: &mut [u64]) {
    let mut carry = 1u128;
    for w in words.iter_mut() {
        let v = u128::from(!*w) + carry;
        *w = v as u64;
        carry = v >> 64;
    }
}

/// How a `width`-bit integer constant held in `words` is spelled in `.ll`
/// text: signed decimal, as LLVM prints it, while the magnitude has at most
/// 4096 bits; beyond that `u0x`/`s0x` hex, because decimal conversion is
/// quadratic (an `i8388608` needs 17 billion word divisions), and hex is
/// linear.
pub fn wide_to_literal(words: &[u64], width: u32) -> String {
    let negative = width > 0 && {
        let top = (width - 1) as usize;
        words.get(top / 64).is_some_and(|w| (w >> (top % 64)) & 1 == 1)
    };
    let mut magnitude = words.to_vec();
    if negative {
        negate_wide(&mut magnitude);
        mask_wide(&mut magnitude, width);
    }
    let significant = magnitude.iter().rposition(|&w| w != 0).map_or(0, |i| i + 1);
    if significant <= 64 {
        let digits = wide_to_decimal(&magnitude[..significant]);
        return if negative { format!("-{digits}") } else { digits };
    }
    // Hex of the low words that hold the value: `u0x` without leading
    // zeros, or `s0x` up to one word above the complement's top word, so the
    // first digit is F and the literal sign-extends to the value.
    let (prefix, len) = if negative {
        let complement_top = words.iter().rposition(|&w| w != u64::MAX).unwrap_or(0);
        ("s0x", (complement_top + 2).min(words.len()))
    } else {
        ("u0x", words.iter().rposition(|&w| w != 0).map_or(1, |i| i + 1))
    };
    let mut out = String::from(prefix);
    for w in words[..len].iter().rev() {
        out.push_str(&format!("{w:016X}"));
    }
    out
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

    #[test]
    fn wide_literals_are_signed_decimal_or_hex() {
        let w = 136;
        for text in
            ["0", "1", "-1", "-21778071472798856859830139663659539890177", "43556142965880123323311949751266331066367"]
        {
            let words = wide_from_decimal(text, w).unwrap();
            let lit = wide_to_literal(&words, w);
            assert_eq!(wide_from_decimal(&lit, w).unwrap(), words, "{text} printed as {lit}");
        }
        assert_eq!(wide_to_literal(&wide_from_decimal("-1", w).unwrap(), w), "-1");
        // The largest i136 is positive; one more wraps to the smallest.
        let max = "43556142965880123323311949751266331066367";
        assert_eq!(wide_to_literal(&wide_from_decimal(max, w).unwrap(), w), max);
        assert_eq!(
            wide_to_literal(&wide_from_decimal("43556142965880123323311949751266331066368", w).unwrap(), w),
            "-43556142965880123323311949751266331066368"
        );
        // Beyond 4096 bits of magnitude: hex, which reads back to the same words.
        let mut big = vec![0u64; 100];
        big[80] = 0xABC;
        big[3] = 7;
        let lit = wide_to_literal(&big, 6400);
        assert!(lit.starts_with("u0x0000000000000ABC0000"), "{lit}");
        assert_eq!(wide_from_hex(&lit[3..], 6400, false).unwrap(), big);
        negate_wide(&mut big);
        let lit = wide_to_literal(&big, 6400);
        assert!(lit.starts_with("s0xFFFFFFFFFFFFFFFF"), "{lit}");
        assert!(lit.len() < 3 + 16 * 83, "{}", lit.len());
        assert_eq!(wide_from_hex(&lit[3..], 6400, true).unwrap(), big);
        // LLVM's reading of hex literals (checked with llvm-as-22 | llvm-dis-22):
        // `i200 s0xF0` is -16, `u0xF0` is 240, `i8 s0x1FF` is -1.
        assert_eq!(wide_from_hex("F0", 200, true).unwrap(), wide_from_decimal("-16", 200).unwrap());
        assert_eq!(wide_from_hex("F0", 200, false).unwrap(), wide_from_decimal("240", 200).unwrap());
        assert_eq!(wide_from_hex("1FF", 8, true).unwrap(), vec![0xFF]);
        // Long decimal literals wrap like the digit-by-digit definition.
        let digits = "9".repeat(500);
        let mut slow = vec![0u64; 3];
        for c in digits.bytes() {
            let mut carry = u128::from(c - b'0');
            for x in slow.iter_mut() {
                let v = u128::from(*x) * 10 + carry;
                *x = v as u64;
                carry = v >> 64;
            }
        }
        mask_wide(&mut slow, 136);
        assert_eq!(wide_from_decimal(&digits, 136).unwrap(), slow);
    }
}
