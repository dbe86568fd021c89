//! `getelementptr` offsets by the module's data layout.

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
