//! `getelementptr` offsets by the module's data layout, the address a GEP
//! lane computes, and `llvm.load.relative`'s target address.

use jitty_ir::{Module, Ty, TypeData};

/// Walks GEP indices: returns the constant byte offset and the variable
/// terms `(index, scale)` (to be added as `index × scale`, the index
/// sign-extended). `konst` gives the sign-extended value of a constant
/// index, `None` for a variable one. Struct indices must be constant.
pub fn gep_walk<V: Copy>(
    m: &Module,
    source_ty: Ty,
    indices: &[V],
    konst: impl Fn(V) -> Option<i64>,
) -> Result<(i64, Vec<(V, i64)>), String> {
    let mut off: i64 = 0;
    let mut terms = Vec::new();
    let mut cur = source_ty;
    for (n, &idx) in indices.iter().enumerate() {
        let (scale, next) = if n == 0 {
            (m.alloc_size(cur) as i64, cur)
        } else {
            match m.types.get(cur) {
                TypeData::Array { elem, .. } => (m.alloc_size(*elem) as i64, *elem),
                TypeData::Vector { elem, .. } => (m.alloc_size(*elem) as i64, *elem),
                TypeData::Struct { .. } | TypeData::Named(_) => {
                    let k = konst(idx).ok_or("variable struct index in getelementptr")?;
                    let layout = m.layout.struct_layout(&m.types, cur).ok_or("getelementptr into opaque struct")?;
                    let fields = m.types.struct_fields(cur).map(|f| f.0).unwrap_or(&[]);
                    let k = usize::try_from(k).map_err(|_| "negative struct index")?;
                    let o = *layout.offsets.get(k).ok_or("struct index out of range")?;
                    off = off.wrapping_add(o as i64);
                    cur = fields[k];
                    continue;
                }
                _ => return Err("getelementptr into a non-aggregate".into()),
            }
        };
        match konst(idx) {
            Some(k) => off = off.wrapping_add(k.wrapping_mul(scale)),
            None => terms.push((idx, scale)),
        }
        cur = next;
    }
    Ok((off, terms))
}

/// The address one `getelementptr` computes (one lane of a vector GEP):
/// `base + off + Σ index × scale`, wrapping, each index already
/// sign-extended to 64 bits (indices wider than 64 bits are truncated, as
/// LLVM does for a 64-bit index width).
pub fn gep_address(base: u64, off: i64, terms: impl IntoIterator<Item = (i64, i64)>) -> u64 {
    terms
        .into_iter()
        .fold(base.wrapping_add(off as u64), |acc, (idx, scale)| acc.wrapping_add(idx.wrapping_mul(scale) as u64))
}

/// `llvm.load.relative.iN(ptr %p, iN %off)`: the `i32` at `p + off` is an
/// offset relative to `p`; the result is `p + sext(that i32)` (LLVM's
/// LangRef). `rel` is the loaded value; the load itself is the engine's.
pub fn load_relative(base: u64, rel: i32) -> u64 {
    base.wrapping_add(i64::from(rel) as u64)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn lane_addresses_wrap_and_scale() {
        assert_eq!(gep_address(0x1000, 8, [(3, 4), (-1, 16)]), 0x1000 + 8 + 12 - 16);
        assert_eq!(gep_address(u64::MAX, 1, []), 0);
        assert_eq!(gep_address(0x10, 0, [(i64::MIN, 2)]), 0x10);
    }

    #[test]
    fn load_relative_sign_extends() {
        assert_eq!(load_relative(0x1000, -0x10), 0xff0);
        assert_eq!(load_relative(0x1000, 0x20), 0x1020);
        assert_eq!(load_relative(8, i32::MIN), 8u64.wrapping_sub(1 << 31));
    }
}
