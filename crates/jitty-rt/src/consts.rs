//! Constant evaluation: IR constants to register format or memory, given
//! the addresses of the module's symbols. The image loader writes global
//! initializers with it; engines materialize constants with it.

use crate::mem;
use jitty_ir::{BinOp, ConstData, ConstExpr, ConstId, Module, Ty, TypeData};
use jitty_sem::{self as sem, Repr, Scalar, cast_scalar, gep_walk, int_bin, repr_of, scalar_of};

/// Evaluates constants to register format or memory, given symbol addresses.
#[derive(Debug)]
pub struct ConstEval<'a> {
    /// The module.
    pub m: &'a Module,
    /// Address of each global.
    pub globals: &'a [u64],
    /// Address of each function.
    pub funcs: &'a [u64],
    /// Address of each alias.
    pub aliases: &'a [u64],
    /// Base of each function's block-address table (0: the function has
    /// none); see [`crate::Image::block_addr`].
    pub blocks: &'a [u64],
}

impl ConstEval<'_> {
    /// A scalar constant in register format (ints normalized, floats in their
    /// slot format, pointers as addresses).
    pub fn scalar(&self, id: ConstId) -> Result<u128, String> {
        let m = self.m;
        Ok(match m.constant(id) {
            ConstData::Int { bits, .. } => *bits,
            ConstData::WideInt { .. } => return Err("an integer wider than 128 bits in a scalar context".into()),
            ConstData::Float { ty, bits } => match m.types.float_kind(*ty).and_then(sem::Fk::of) {
                Some(sem::Fk::F80) => u128::from(sem::f80_to_f64(*bits).to_bits()),
                Some(_) => *bits,
                None => return Err("unsupported float constant".into()),
            },
            ConstData::Null(_) | ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) => 0,
            ConstData::NoneToken(_) => 0,
            ConstData::Global { id, .. } => u128::from(self.globals[id.index()]),
            ConstData::Func { id, .. } => u128::from(self.funcs[id.index()]),
            ConstData::Alias { id, .. } => u128::from(self.aliases[id.index()]),
            ConstData::Expr { ty, expr } => self.expr(*ty, expr)?,
            ConstData::Aggregate { .. } | ConstData::Bytes { .. } => {
                return Err("aggregate constant used as a scalar".into());
            }
        })
    }

    fn expr(&self, ty: Ty, e: &ConstExpr) -> Result<u128, String> {
        let m = self.m;
        match e {
            ConstExpr::Gep { source_ty, base, indices, .. } => {
                let b = self.scalar(*base)? as u64;
                let (off, terms) = gep_walk(m, *source_ty, indices, |c| {
                    let v = self.scalar(c).ok()?;
                    let bits = m.types.int_bits(m.constant(c).ty()).unwrap_or(64);
                    Some(sem::sext128(v, bits) as i64)
                })?;
                if !terms.is_empty() {
                    return Err("non-constant index in constant getelementptr".into());
                }
                Ok(u128::from(b.wrapping_add(off as u64)))
            }
            ConstExpr::Cast { op, val } => {
                let from_ty = m.constant(*val).ty();
                let (Some(from), Some(to)) = (scalar_of(m, from_ty), scalar_of(m, ty)) else {
                    return Err("constant cast of a non-scalar".into());
                };
                Ok(cast_scalar(*op, self.scalar(*val)?, from, to))
            }
            ConstExpr::Binary { op, lhs, rhs, .. } => {
                let bits = match scalar_of(m, ty) {
                    Some(Scalar::I(b)) => b,
                    Some(Scalar::P) => 64,
                    _ => return Err("constant binary expression on a non-integer".into()),
                };
                if matches!(op, BinOp::FAdd | BinOp::FSub | BinOp::FMul | BinOp::FDiv | BinOp::FRem) {
                    return Err("constant float expression".into());
                }
                int_bin(*op, self.scalar(*lhs)?, self.scalar(*rhs)?, bits).map_err(|t| t.to_string())
            }
            ConstExpr::FuncRef { func } => Ok(u128::from(self.funcs[func.index()])),
            ConstExpr::BlockAddress { func, block } => {
                let b = m
                    .block_by_label(*func, block)
                    .ok_or_else(|| format!("blockaddress(@{}, %{block}): no such block", m.func(*func).name))?;
                match self.blocks.get(func.index()).copied().unwrap_or(0) {
                    0 => Err(format!("blockaddress(@{}, %{block}): no block-address table", m.func(*func).name)),
                    base => Ok(u128::from(base + b.0 as u64)),
                }
            }
            ConstExpr::ExtractElement { .. } | ConstExpr::InsertElement { .. } | ConstExpr::ShuffleVector { .. } => {
                Err("constant vector expression".into())
            }
        }
    }

    /// Writes constant `id` of type `ty` into memory at `addr` (store size).
    ///
    /// # Safety
    /// `addr` must be writable for the alloc size of `ty`.
    pub unsafe fn write(&self, id: ConstId, addr: u64) -> Result<(), String> {
        let m = self.m;
        let c = m.constant(id);
        let ty = c.ty();
        match c {
            ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) | ConstData::Null(_) => {
                // SAFETY: the caller guarantees alloc-size writable bytes.
                unsafe { std::ptr::write_bytes(addr as *mut u8, 0, m.alloc_size(ty) as usize) };
                return Ok(());
            }
            ConstData::Bytes { bytes, .. } => {
                // SAFETY: as above; `bytes` is the array's content.
                unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr as *mut u8, bytes.len()) };
                return Ok(());
            }
            ConstData::Aggregate { elems, .. } => {
                match m.types.get(ty) {
                    TypeData::Array { elem, .. } => {
                        let stride = m.alloc_size(*elem);
                        for (i, e) in elems.iter().enumerate() {
                            // SAFETY: element i lies within the array.
                            unsafe { self.write(*e, addr + i as u64 * stride)? };
                        }
                    }
                    TypeData::Vector { .. } => {
                        let r = repr_of(m, ty)?;
                        let mut slots = vec![0u64; r.slots() as usize];
                        self.slots(id, &r, &mut slots)?;
                        // SAFETY: the vector's store size is within its alloc size.
                        unsafe { mem::store_repr(&r, addr, slots.as_ptr()) };
                    }
                    _ => {
                        let layout = m.layout.struct_layout(&m.types, ty).ok_or("aggregate of unknown layout")?;
                        for (e, off) in elems.iter().zip(layout.offsets.iter()) {
                            // SAFETY: field offsets lie within the struct.
                            unsafe { self.write(*e, addr + off)? };
                        }
                    }
                }
                return Ok(());
            }
            _ => {}
        }
        let r = repr_of(m, ty)?;
        match r {
            Repr::S(s) => {
                let v = self.scalar(id)?;
                let slots = [v as u64, (v >> 64) as u64];
                // SAFETY: the scalar's store size is within its alloc size.
                unsafe { mem::store_scalar(s, addr, slots.as_ptr()) };
                Ok(())
            }
            Repr::W(_) => {
                let mut slots = vec![0u64; r.slots() as usize];
                self.slots(id, &r, &mut slots)?;
                // SAFETY: the integer's store size is within its alloc size.
                unsafe { mem::store_repr(&r, addr, slots.as_ptr()) };
                Ok(())
            }
            _ => Err("unsupported aggregate constant expression".into()),
        }
    }

    /// Materializes constant `id` in register format into `out`.
    pub fn slots(&self, id: ConstId, r: &Repr, out: &mut [u64]) -> Result<(), String> {
        let m = self.m;
        match r {
            Repr::None => Ok(()),
            Repr::S(_) => {
                let v = self.scalar(id)?;
                out[0] = v as u64;
                if out.len() > 1 {
                    out[1] = (v >> 64) as u64;
                }
                Ok(())
            }
            Repr::V { elem, len, .. } => {
                let n = elem.slots() as usize;
                match m.constant(id) {
                    ConstData::Aggregate { elems, .. } => {
                        for (i, e) in elems.iter().enumerate().take(*len as usize) {
                            let v = self.scalar(*e)?;
                            out[i * n] = v as u64;
                            if n > 1 {
                                out[i * n + 1] = (v >> 64) as u64;
                            }
                        }
                        Ok(())
                    }
                    ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) => {
                        out.iter_mut().for_each(|s| *s = 0);
                        Ok(())
                    }
                    _ => Err("unsupported vector constant".into()),
                }
            }
            Repr::W(bits) => {
                if let ConstData::WideInt { words, .. } = m.constant(id) {
                    let mut w = [0u64; sem::WIDE_LIMBS];
                    let n = words.len().min(sem::WIDE_LIMBS);
                    w[..n].copy_from_slice(&words[..n]);
                    sem::wide_norm(&mut w, *bits);
                    let n = out.len();
                    out.copy_from_slice(&w[..n]);
                    return Ok(());
                }
                // Integer constants up to 128 bits: a set bit 127 is
                // taken as a negative value and sign-extended (the common
                // case of masks written as negative decimals).
                let v = self.scalar(id)?;
                let mut w = [0u64; sem::WIDE_LIMBS];
                w[0] = v as u64;
                w[1] = (v >> 64) as u64;
                let mut w = if v >> 127 == 1 { sem::wide_sext(&w, 128) } else { w };
                sem::wide_norm(&mut w, *bits);
                let n = out.len();
                out.copy_from_slice(&w[..n]);
                Ok(())
            }
            Repr::A { size, .. } => {
                let mut buf = vec![0u64; (*size as usize).div_ceil(8).max(1)];
                // SAFETY: `buf` has at least `size` bytes.
                unsafe { self.write(id, buf.as_mut_ptr() as u64)? };
                out[..buf.len()].copy_from_slice(&buf);
                Ok(())
            }
        }
    }
}
