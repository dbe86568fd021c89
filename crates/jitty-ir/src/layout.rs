//! Data layout: sizes, alignments and struct field offsets.
//!
//! Follows LLVM's rules for the parts of the `target datalayout` string that
//! rustc and clang emit for x86-64 (`e-m:e-p270:32:32-...-i64:64-i128:128-f80:128-n8:16:32:64-S128`).
//! An integer width without its own entry takes the alignment of the next
//! larger listed width (LLVM's rule), so `i24` aligns like `i32`.

use crate::Ty;
use crate::types::{FloatKind, TypeData, TypeStore};

/// Parsed data layout.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct DataLayout {
    /// Little-endian (`e`) or big-endian (`E`).
    pub little_endian: bool,
    /// Pointer size in bytes in address space 0.
    pub pointer_size: u64,
    /// Pointer ABI alignment in bytes in address space 0.
    pub pointer_align: u64,
    /// `(bit width, ABI alignment in bytes)`, sorted by width.
    pub int_aligns: Vec<(u32, u64)>,
    /// ABI alignment of `x86_fp80`, in bytes.
    pub f80_align: u64,
}

impl Default for DataLayout {
    fn default() -> Self {
        DataLayout {
            little_endian: true,
            pointer_size: 8,
            pointer_align: 8,
            int_aligns: vec![(1, 1), (8, 1), (16, 2), (32, 4), (64, 8), (128, 16)],
            f80_align: 16,
        }
    }
}

/// An error in a `target datalayout` string.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("bad datalayout component `{component}`: {reason}")]
pub struct LayoutError {
    /// The offending `-`-separated component.
    pub component: String,
    /// Why it was rejected.
    pub reason: &'static str,
}

fn bits_to_bytes(component: &str, s: &str) -> Result<u64, LayoutError> {
    let bits: u64 =
        s.parse().map_err(|_| LayoutError { component: component.to_string(), reason: "expected a number" })?;
    if !bits.is_multiple_of(8) {
        return Err(LayoutError { component: component.to_string(), reason: "alignment not a whole byte" });
    }
    Ok(bits / 8)
}

/// An ABI alignment in bytes: a power of two up to 2^32 bytes, as LLVM requires
/// (an alignment of 0 would make every size computation divide by zero).
fn alignment(component: &str, s: &str) -> Result<u64, LayoutError> {
    let bytes = bits_to_bytes(component, s)?;
    if !bytes.is_power_of_two() || bytes > 1 << 32 {
        return Err(LayoutError {
            component: component.to_string(),
            reason: "alignment not a power of two up to 2^32 bytes",
        });
    }
    Ok(bytes)
}

/// `x` rounded up to a multiple of `align` (at least 1); sizes saturate at
/// `u64::MAX`, which no allocation can satisfy, instead of wrapping.
fn align_up(x: u64, align: u64) -> u64 {
    x.checked_next_multiple_of(align.max(1)).unwrap_or(u64::MAX)
}

impl DataLayout {
    /// Parses a `target datalayout` string, starting from the x86-64 defaults.
    pub fn parse(s: &str) -> Result<Self, LayoutError> {
        let mut dl = DataLayout::default();
        for comp in s.split('-').filter(|c| !c.is_empty()) {
            let parts: Vec<&str> = comp.split(':').collect();
            let head = parts[0];
            // A component may start with `:` (malformed input): no head letter.
            let Some(&letter) = head.as_bytes().first() else {
                return Err(LayoutError { component: comp.to_string(), reason: "missing specification letter" });
            };
            match letter {
                b'e' => dl.little_endian = true,
                b'E' => dl.little_endian = false,
                b'p' => {
                    // `p[n]:size:abi[:pref[:idx]]`; only address space 0 matters here.
                    let addrspace = head[1..].parse::<u32>().unwrap_or(0);
                    if addrspace == 0 && parts.len() >= 3 {
                        dl.pointer_size = bits_to_bytes(comp, parts[1])?;
                        // LLVM: a pointer is 1 to 2^24 - 1 bits wide.
                        if dl.pointer_size == 0 || dl.pointer_size >= 1 << 21 {
                            return Err(LayoutError {
                                component: comp.to_string(),
                                reason: "pointer size out of range",
                            });
                        }
                        dl.pointer_align = alignment(comp, parts[2])?;
                    }
                }
                b'i' if parts.len() >= 2 => {
                    let width: u32 = head[1..].parse().map_err(|_| LayoutError {
                        component: comp.to_string(),
                        reason: "expected an integer width",
                    })?;
                    let align = alignment(comp, parts[1])?;
                    match dl.int_aligns.iter_mut().find(|(w, _)| *w == width) {
                        Some(entry) => entry.1 = align,
                        None => dl.int_aligns.push((width, align)),
                    }
                    dl.int_aligns.sort_unstable();
                }
                b'f' if head == "f80" && parts.len() >= 2 => dl.f80_align = alignment(comp, parts[1])?,
                // Mangling, native widths, stack alignment, function pointer
                // alignment, vector and float entries we do not need: ignored.
                _ => {}
            }
        }
        Ok(dl)
    }

    fn int_align(&self, bits: u32) -> u64 {
        self.int_aligns.iter().find(|(w, _)| *w >= bits).or(self.int_aligns.last()).map_or(8, |(_, a)| *a)
    }

    /// ABI alignment of `ty` in bytes (at least 1).
    pub fn abi_align(&self, types: &TypeStore, ty: Ty) -> u64 {
        match types.get(ty) {
            TypeData::Int(bits) => self.int_align(*bits),
            TypeData::Float(kind) => match kind {
                FloatKind::Half | FloatKind::BFloat => 2,
                FloatKind::Float => 4,
                FloatKind::Double => 8,
                FloatKind::X86Fp80 => self.f80_align,
                FloatKind::Fp128 | FloatKind::PpcFp128 => 16,
            },
            TypeData::Ptr { .. } => self.pointer_align,
            TypeData::Array { elem, .. } => self.abi_align(types, *elem),
            TypeData::Vector { .. } => self.store_size(types, ty).checked_next_power_of_two().unwrap_or(1 << 63).max(1),
            TypeData::Struct { .. } | TypeData::Named(_) => match types.struct_fields(ty) {
                Some((_, true)) => 1,
                Some((fields, false)) => fields.iter().map(|f| self.abi_align(types, *f)).max().unwrap_or(1),
                None => 1,
            },
            _ => 1,
        }
    }

    /// Bytes a store of `ty` writes (LLVM's store size).
    pub fn store_size(&self, types: &TypeStore, ty: Ty) -> u64 {
        match types.get(ty) {
            TypeData::Int(bits) => u64::from(*bits).div_ceil(8),
            TypeData::Float(FloatKind::X86Fp80) => 10,
            TypeData::Float(kind) => u64::from(kind.bits()) / 8,
            TypeData::Ptr { .. } => self.pointer_size,
            TypeData::Vector { elem, len, .. } => {
                let elem_bits = match types.get(*elem) {
                    TypeData::Int(bits) => u64::from(*bits),
                    TypeData::Ptr { .. } => self.pointer_size.saturating_mul(8),
                    TypeData::Float(k) => u64::from(k.bits()),
                    _ => self.alloc_size(types, *elem).saturating_mul(8),
                };
                elem_bits.saturating_mul(u64::from(*len)).div_ceil(8)
            }
            _ => self.alloc_size(types, ty),
        }
    }

    /// Bytes `ty` occupies in memory including tail padding (LLVM's alloc
    /// size): the stride of an array of `ty`.
    pub fn alloc_size(&self, types: &TypeStore, ty: Ty) -> u64 {
        self.size_align(types, ty).0
    }

    /// `(alloc size, ABI alignment)` of `ty` in one walk of its type tree, so
    /// the work is the number of nodes of the tree (an array's element type
    /// counts once). Asking a struct's fields for their size and alignment
    /// separately walked shared subtrees over and over: a chain of named
    /// types `%tN = type { %tN-1, %tN-1 }` made that exponential.
    fn size_align(&self, types: &TypeStore, ty: Ty) -> (u64, u64) {
        match types.get(ty) {
            TypeData::Int(_) | TypeData::Float(_) | TypeData::Ptr { .. } | TypeData::Vector { .. } => {
                let align = self.abi_align(types, ty);
                (align_up(self.store_size(types, ty), align), align)
            }
            TypeData::Array { elem, len } => {
                let (size, align) = self.size_align(types, *elem);
                (size.saturating_mul(*len), align)
            }
            TypeData::Struct { .. } | TypeData::Named(_) => match types.struct_fields(ty) {
                Some((fields, packed)) => self.fields_layout(types, fields, packed, None),
                None => (0, 1),
            },
            _ => (0, 1),
        }
    }

    /// Size and alignment of a struct with `fields`; pushes each field's
    /// offset to `offsets` when given.
    fn fields_layout(
        &self,
        types: &TypeStore,
        fields: &[Ty],
        packed: bool,
        mut offsets: Option<&mut Vec<u64>>,
    ) -> (u64, u64) {
        let mut offset = 0u64;
        let mut align = 1u64;
        for &field in fields {
            let (field_size, natural_align) = self.size_align(types, field);
            let field_align = if packed { 1 } else { natural_align };
            offset = align_up(offset, field_align);
            if let Some(o) = offsets.as_deref_mut() {
                o.push(offset);
            }
            offset = offset.saturating_add(field_size);
            align = align.max(field_align);
        }
        (align_up(offset, align), align)
    }

    /// Byte offsets of each field, plus total size and alignment, of a struct
    /// type. `None` if `ty` is not a struct with a body.
    pub fn struct_layout(&self, types: &TypeStore, ty: Ty) -> Option<StructLayout> {
        let (fields, packed) = types.struct_fields(ty)?;
        let mut offsets = Vec::with_capacity(fields.len());
        let (size, align) = self.fields_layout(types, fields, packed, Some(&mut offsets));
        Some(StructLayout { offsets, size, align })
    }
}

/// The layout of one struct type.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StructLayout {
    /// Byte offset of each field.
    pub offsets: Vec<u64>,
    /// Total size including tail padding.
    pub size: u64,
    /// ABI alignment.
    pub align: u64,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn malformed_components_are_errors_not_panics() {
        // Found by the parser's mutation proptest: a component beginning with `:`.
        // Found by reading the layout code while fuzzing the reader: an
        // alignment of 0 divided by zero in every size query, a huge pointer
        // size overflowed `pointer_size * 8`.
        for bad in [
            ":64",
            "e-:8",
            "i:8",
            "p:x:64",
            "i64:7",
            "f80:abc",
            "p:64:0",
            "i64:0",
            "i64:24",
            "f80:0",
            "p:0:64",
            "p:18446744073709551608:64",
        ] {
            assert!(DataLayout::parse(bad).is_err(), "{bad} should be rejected");
        }
    }

    #[test]
    fn x86_64_sizes_match_llvm() {
        let dl = DataLayout::parse("e-m:e-p270:32:32-p271:32:32-p272:64:64-i64:64-i128:128-f80:128-n8:16:32:64-S128")
            .unwrap();
        let mut t = TypeStore::new();
        let i24 = t.int(24);
        let i1 = t.int(1);
        let i128 = t.int(128);
        let f80 = t.float(FloatKind::X86Fp80);
        let i8 = t.int(8);
        let i64 = t.int(64);
        let s = t.intern(TypeData::Struct { fields: vec![i8, i64, i8], packed: false });
        let p = t.intern(TypeData::Struct { fields: vec![i8, i64], packed: true });
        assert_eq!((dl.store_size(&t, i24), dl.alloc_size(&t, i24), dl.abi_align(&t, i24)), (3, 4, 4));
        assert_eq!(dl.alloc_size(&t, i1), 1);
        assert_eq!((dl.alloc_size(&t, i128), dl.abi_align(&t, i128)), (16, 16));
        assert_eq!((dl.store_size(&t, f80), dl.alloc_size(&t, f80)), (10, 16));
        assert_eq!(dl.struct_layout(&t, s).unwrap().offsets, vec![0, 8, 16]);
        assert_eq!(dl.alloc_size(&t, s), 24);
        assert_eq!(dl.alloc_size(&t, p), 9);
    }

    #[test]
    fn sizes_saturate_instead_of_overflowing() {
        // `{ [2^32-1 x [2^32-1 x [2^32-1 x i64]]], i64 }`: the array's size
        // saturates at u64::MAX, and rounding it up to a multiple of 8 used
        // to overflow (a panic with overflow checks, a wrapped size without).
        let dl = DataLayout::default();
        let mut t = TypeStore::new();
        let i64 = t.int(64);
        let mut big = i64;
        for _ in 0..3 {
            big = t.intern(TypeData::Array { elem: big, len: u64::from(u32::MAX) });
        }
        let s = t.intern(TypeData::Struct { fields: vec![big, i64], packed: false });
        let s2 = t.intern(TypeData::Struct { fields: vec![i64, big], packed: false });
        assert_eq!(dl.alloc_size(&t, big), u64::MAX);
        assert_eq!(dl.alloc_size(&t, s), u64::MAX);
        assert_eq!(dl.struct_layout(&t, s).unwrap().offsets, vec![0, u64::MAX]);
        assert_eq!(dl.alloc_size(&t, s2), u64::MAX);
    }
}
