//! Packed SIMD lowering of vectors that fit one 128-bit register.
//!
//! A vector type of 16, 32, 64 or 128 bits with 8-, 16-, 32- or 64-bit lanes
//! (`<4 x i32>`, `<2 x double>`, `<4 x i16>`, `<2 x float>`, ...) is held as
//! *one* Cranelift 128-bit vector value, its canonical form, instead of one
//! value per lane. A narrower vector lives in the low lanes of a register of
//! its lane type (`<4 x i16>` in an `I16X8`); the high lanes hold garbage
//! that no operation lets escape. `<N x i1>` with N in {2, 4, 8, 16} is held
//! as a full-width lane mask, the shape vector compares produce: `<4 x i1>`
//! is an `I32X4` whose lanes are all ones or all zeros.
//!
//! Operations that have a direct SIMD lowering are done here
//! ([`FnLower::try_simd`]). Every other operation sees the lane view
//! ([`FnLower::val`] unpacks) and its lane-wise result is packed again when
//! it is stored, so packing changes how fast an operation runs, never
//! whether it can be lowered or what it computes.

use crate::error::Result;
use crate::flat::{Scalar, scalar_of};
use crate::lower::{FnLower, mflags};
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::{self as cl, ConstantData, Endianness, InstBuilder, MemFlagsData, Type, types};
use jitty_ir::Value as IrValue;
use jitty_ir::{
    BinOp, CastOp, ConstData, ConstId, FloatPred, InstId, InstKind, IntPred, Intrinsic, Module, Ty, TypeData,
};

/// How a packable vector type is held.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub(crate) struct Packed {
    /// The 128-bit Cranelift register type (`I32X4` for `<4 x i32>`,
    /// `<2 x i32>` and `<4 x i1>`; `I16X8` for `<4 x i16>`).
    pub(crate) ty: Type,
    /// The IR lane scalar.
    pub(crate) lane: Scalar,
    /// Number of IR lanes (the low lanes of the register).
    pub(crate) lanes: u32,
}

impl Packed {
    /// True for `<N x i1>` masks.
    pub(crate) fn is_mask(self) -> bool {
        self.lane == Scalar::Int(1)
    }

    /// Bits of one register lane.
    pub(crate) fn lane_bits(self) -> u32 {
        self.ty.lane_bits()
    }

    /// Bytes the vector occupies in memory (masks are never loaded).
    fn bytes(self) -> u32 {
        self.lanes * self.lane_bits() / 8
    }
}

/// The packed form of `ty`, if it has one.
pub(crate) fn packed_of(m: &Module, ty: Ty) -> Option<Packed> {
    let TypeData::Vector { elem, len, scalable: false } = m.types.get(ty) else { return None };
    let lanes = *len;
    let lane = scalar_of(m, *elem).ok()?;
    let lane_bits = match lane {
        Scalar::Int(1) if matches!(lanes, 2 | 4 | 8 | 16) => 128 / lanes,
        Scalar::Int(b @ (8 | 16 | 32 | 64)) => b,
        Scalar::F32 => 32,
        Scalar::F64 | Scalar::Ptr => 64,
        Scalar::Int(_) => return None,
    };
    if !matches!(lane_bits * lanes, 16 | 32 | 64 | 128) {
        return None;
    }
    let ty = match lane {
        Scalar::F32 => types::F32X4,
        Scalar::F64 => types::F64X2,
        _ => Type::int(lane_bits as u16)?.by(128 / lane_bits)?,
    };
    Some(Packed { ty, lane, lanes })
}

/// Flags for bitcasts between vector shapes (Cranelift asks for an explicit
/// byte order when the lane count changes).
fn vector_cast_flags() -> MemFlagsData {
    MemFlagsData::new().with_endianness(Endianness::Little)
}

impl FnLower<'_, '_> {
    pub(crate) fn packed(&self, ty: Ty) -> Option<Packed> {
        packed_of(self.m, ty)
    }

    /// The lanes of packed value `v` in the lane view (`i1` lanes as 0/1).
    pub(crate) fn unpack(&mut self, p: Packed, v: cl::Value) -> Vec<cl::Value> {
        (0..p.lanes)
            .map(|i| {
                let x = self.b.ins().extractlane(v, i as u8);
                if p.is_mask() { self.b.ins().icmp_imm_s(IntCC::NotEqual, x, 0) } else { x }
            })
            .collect()
    }

    /// Packs lane-view values into one vector.
    pub(crate) fn pack(&mut self, p: Packed, lanes: &[cl::Value]) -> cl::Value {
        let first = self.register_lane(p, lanes[0]);
        let mut v = self.b.ins().splat(p.ty, first);
        for (i, &x) in lanes.iter().enumerate().skip(1) {
            let x = self.register_lane(p, x);
            v = self.b.ins().insertlane(v, x, i as u8);
        }
        v
    }

    /// A lane-view lane as a register lane: masks turn 0/1 (in an I8) into
    /// all zeros / all ones of the lane type; other lanes are unchanged.
    fn register_lane(&mut self, p: Packed, x: cl::Value) -> cl::Value {
        if !p.is_mask() {
            return x;
        }
        let lane_ty = p.ty.lane_type();
        let w = if lane_ty.bits() > 8 { self.b.ins().uextend(lane_ty, x) } else { x };
        self.b.ins().ineg(w)
    }

    /// A `vconst` of type `ty` holding `bytes` (zero-padded to 16).
    fn vconst_bytes(&mut self, ty: Type, mut bytes: Vec<u8>) -> cl::Value {
        bytes.resize(16, 0);
        let handle = self.b.func.dfg.constants.insert(ConstantData::from(bytes));
        self.b.ins().vconst(ty, handle)
    }

    /// Shuffles the bytes of `a` and `b` (indices 0-15 from `a`, 16-31 from
    /// `b`; missing indices take byte 0) and views the result as `to`.
    fn byte_shuffle(&mut self, a: cl::Value, b: cl::Value, mut bytes: Vec<u8>, to: Type) -> cl::Value {
        bytes.resize(16, 0);
        let imm = self.b.func.dfg.immediates.push(ConstantData::from(bytes));
        let mut as_bytes = |v: cl::Value| {
            if self.b.func.dfg.value_type(v) == types::I8X16 {
                v
            } else {
                self.b.ins().bitcast(types::I8X16, vector_cast_flags(), v)
            }
        };
        let (a8, b8) = (as_bytes(a), as_bytes(b));
        let r = self.b.ins().shuffle(a8, b8, imm);
        if to == types::I8X16 { r } else { self.b.ins().bitcast(to, vector_cast_flags(), r) }
    }

    /// A packed constant as one `vconst`, when its lanes are plain numbers.
    fn const_packed(&mut self, p: Packed, c: ConstId) -> Option<cl::Value> {
        let lane_bytes = (p.lane_bits() / 8) as usize;
        let mut bytes = Vec::with_capacity(16);
        let mut push = |bits: u128| bytes.extend_from_slice(&bits.to_le_bytes()[..lane_bytes]);
        match self.m.constant(c) {
            ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) | ConstData::Null(_) => {
                (0..p.lanes).for_each(|_| push(0));
            }
            ConstData::Aggregate { elems, .. } => {
                for &e in elems {
                    let bits = match self.m.constant(e) {
                        ConstData::Int { bits, .. } if p.is_mask() => {
                            if bits & 1 == 1 {
                                u128::MAX
                            } else {
                                0
                            }
                        }
                        ConstData::Int { bits, .. } | ConstData::Float { bits, .. } => *bits,
                        ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) | ConstData::Null(_) => 0,
                        _ => return None,
                    };
                    push(bits);
                }
            }
            _ => return None,
        }
        Some(self.vconst_bytes(p.ty, bytes))
    }

    /// The canonical (stored) form of an operand: packed vectors as one
    /// value, everything else as its lanes/leaves.
    pub(crate) fn canon_val(&mut self, v: IrValue) -> Result<Vec<cl::Value>> {
        match v {
            IrValue::Inst(id) => self.stored(id),
            IrValue::Arg(_) => self.val(v),
            IrValue::Const(c) => match self.packed(self.m.constant(c).ty()) {
                Some(p) => match self.const_packed(p, c) {
                    Some(v) => Ok(vec![v]),
                    None => {
                        let lanes = self.val(v)?;
                        Ok(vec![self.pack(p, &lanes)])
                    }
                },
                None => self.val(v),
            },
        }
    }

    /// The one packed value of a packed-typed operand.
    fn packed_val(&mut self, v: IrValue) -> Result<cl::Value> {
        let vals = self.canon_val(v)?;
        match vals.as_slice() {
            [one] => Ok(*one),
            _ => Err(self.unsup("expected a packed vector operand")),
        }
    }

    /// The splatted integer of a constant vector whose lanes are all equal.
    fn const_splat(&self, v: IrValue) -> Option<u128> {
        let IrValue::Const(c) = v else { return None };
        match self.m.constant(c) {
            ConstData::Zero(_) => Some(0),
            ConstData::Aggregate { elems, .. } => {
                let mut it = elems.iter().map(|&e| match self.m.constant(e) {
                    ConstData::Int { bits, .. } => Some(*bits),
                    _ => None,
                });
                let first = it.next()??;
                it.all(|x| x == Some(first)).then_some(first)
            }
            _ => None,
        }
    }

    /// Lowers instruction `id` with packed SIMD operations when it has a
    /// direct lowering; returns false (emitting nothing) when it has not.
    pub(crate) fn try_simd(&mut self, id: InstId) -> Result<bool> {
        let data = self.f.inst(id);
        let rp = self.packed(data.ty);
        let result = match &data.kind {
            InstKind::Load { ptr, atomic: None, .. } => match rp {
                Some(p) if !p.is_mask() => {
                    let a = self.val1(*ptr)?;
                    Some(self.packed_load(p, a))
                }
                _ => None,
            },
            InstKind::Store { val, ptr, atomic: None, .. } => match self.packed(self.ty_of(*val)) {
                Some(p) if !p.is_mask() => {
                    let v = self.packed_val(*val)?;
                    let a = self.val1(*ptr)?;
                    self.packed_store(p, v, a);
                    return Ok(true);
                }
                _ => None,
            },
            InstKind::Binary { op, lhs, rhs, .. } => match rp {
                Some(p) => self.simd_binary(p, *op, *lhs, *rhs)?,
                None => None,
            },
            InstKind::FNeg { val, .. } => match rp {
                Some(p) if p.lane.is_float() => {
                    let v = self.packed_val(*val)?;
                    Some(self.b.ins().fneg(v))
                }
                _ => None,
            },
            InstKind::ICmp { pred, lhs, rhs, .. } => match (rp, self.packed(self.ty_of(*lhs))) {
                (Some(r), Some(p)) if !p.is_mask() && !p.lane.is_float() => {
                    let (a, b) = (self.packed_val(*lhs)?, self.packed_val(*rhs)?);
                    let m = self.b.ins().icmp(int_cc(*pred), a, b);
                    Some(self.mask_to_width(m, p.lane_bits(), r.lane_bits()))
                }
                _ => None,
            },
            InstKind::FCmp { pred, lhs, rhs, .. } => match (rp, self.packed(self.ty_of(*lhs))) {
                (Some(r), Some(p)) if p.lane.is_float() => {
                    let (a, b) = (self.packed_val(*lhs)?, self.packed_val(*rhs)?);
                    Some(match float_cc(*pred) {
                        Some(cc) => {
                            let m = self.simd_fcmp(cc, a, b);
                            self.mask_to_width(m, p.lane_bits(), r.lane_bits())
                        }
                        None => self.splat_const(r, if *pred == FloatPred::True { u128::MAX } else { 0 }),
                    })
                }
                _ => None,
            },
            InstKind::Select { cond, if_true, if_false, .. } => match rp {
                Some(p) => self.simd_select(p, *cond, *if_true, *if_false)?,
                None => None,
            },
            InstKind::ExtractElement { vec, idx } => match (self.packed(self.ty_of(*vec)), self.const_int(*idx)) {
                (Some(p), Some(i)) if i < u128::from(p.lanes) => {
                    let v = self.packed_val(*vec)?;
                    let x = self.b.ins().extractlane(v, i as u8);
                    let x = if p.is_mask() { self.b.ins().icmp_imm_s(IntCC::NotEqual, x, 0) } else { x };
                    self.vals_set(id, vec![x]);
                    return Ok(true);
                }
                _ => None,
            },
            InstKind::InsertElement { vec, elt, idx } => match (rp, self.const_int(*idx)) {
                (Some(p), Some(i)) if i < u128::from(p.lanes) => {
                    let v = self.packed_val(*vec)?;
                    let e = self.val1(*elt)?;
                    let e = self.register_lane(p, e);
                    Some(self.b.ins().insertlane(v, e, i as u8))
                }
                _ => None,
            },
            InstKind::ShuffleVector { a, b, mask } => match (rp, self.packed(self.ty_of(*a))) {
                (Some(r), Some(p)) if !p.is_mask() && p.ty == r.ty => {
                    let (x, y) = (self.packed_val(*a)?, self.packed_val(*b)?);
                    Some(self.simd_shuffle(p, x, y, mask))
                }
                _ => None,
            },
            InstKind::Cast { op, val, .. } => match (rp, self.packed(self.ty_of(*val))) {
                (Some(to), Some(from)) => self.simd_cast(*op, from, to, *val)?,
                _ => None,
            },
            InstKind::Freeze { val } if rp.is_some() => Some(self.packed_val(*val)?),
            InstKind::Call { callee: IrValue::Const(c), args, .. } => match (rp, self.m.constant(*c)) {
                (Some(p), ConstData::Func { id: fid, .. }) => match Intrinsic::from_name(&self.m.func(*fid).name) {
                    Some(which) => self.simd_intrinsic(p, which, args)?,
                    None => None,
                },
                _ => None,
            },
            _ => None,
        };
        match result {
            Some(v) => {
                self.vals_set(id, vec![v]);
                Ok(true)
            }
            None => Ok(false),
        }
    }

    /// A vector `fcmp`; `one` and `ueq`, which x86 lacks, are composed.
    fn simd_fcmp(&mut self, cc: FloatCC, a: cl::Value, b: cl::Value) -> cl::Value {
        match cc {
            FloatCC::OrderedNotEqual => {
                let ord = self.b.ins().fcmp(FloatCC::Ordered, a, b);
                let ne = self.b.ins().fcmp(FloatCC::NotEqual, a, b);
                self.b.ins().band(ord, ne)
            }
            FloatCC::UnorderedOrEqual => {
                let uno = self.b.ins().fcmp(FloatCC::Unordered, a, b);
                let eq = self.b.ins().fcmp(FloatCC::Equal, a, b);
                self.b.ins().bor(uno, eq)
            }
            _ => self.b.ins().fcmp(cc, a, b),
        }
    }

    /// A vector of `p`'s type with every lane `bits`.
    fn splat_const(&mut self, p: Packed, bits: u128) -> cl::Value {
        let lane = &bits.to_le_bytes()[..(p.lane_bits() / 8) as usize];
        let bytes = lane.repeat((128 / p.lane_bits()) as usize);
        self.vconst_bytes(p.ty, bytes)
    }

    fn simd_binary(&mut self, p: Packed, op: BinOp, lhs: IrValue, rhs: IrValue) -> Result<Option<cl::Value>> {
        use BinOp::*;
        let lane_bits = p.lane_bits();
        let supported = match op {
            And | Or | Xor => true,
            _ if p.is_mask() => false,
            Add | Sub | Shl | LShr | AShr => !p.lane.is_float(),
            // x86 has no byte multiply.
            Mul => !p.lane.is_float() && lane_bits > 8,
            FAdd | FSub | FMul | FDiv => p.lane.is_float(),
            _ => false,
        };
        if !supported {
            return Ok(None);
        }
        if matches!(op, Shl | LShr | AShr) {
            // Cranelift shifts all lanes by one scalar amount: only splatted
            // constant amounts (below the lane width; wider ones are poison).
            let Some(k) = self.const_splat(rhs).filter(|&k| k < u128::from(lane_bits)) else { return Ok(None) };
            let a = self.packed_val(lhs)?;
            let amount = self.b.ins().iconst(types::I32, k as i64);
            return Ok(Some(match op {
                Shl => self.b.ins().ishl(a, amount),
                LShr => self.b.ins().ushr(a, amount),
                _ => self.b.ins().sshr(a, amount),
            }));
        }
        let (a, b) = (self.packed_val(lhs)?, self.packed_val(rhs)?);
        Ok(Some(match op {
            Add => self.b.ins().iadd(a, b),
            Sub => self.b.ins().isub(a, b),
            Mul => self.b.ins().imul(a, b),
            And => self.b.ins().band(a, b),
            Or => self.b.ins().bor(a, b),
            Xor => self.b.ins().bxor(a, b),
            FAdd => self.b.ins().fadd(a, b),
            FSub => self.b.ins().fsub(a, b),
            FMul => self.b.ins().fmul(a, b),
            _ => self.b.ins().fdiv(a, b),
        }))
    }

    fn simd_select(&mut self, p: Packed, cond: IrValue, t: IrValue, f: IrValue) -> Result<Option<cl::Value>> {
        let cond_ty = self.ty_of(cond);
        if self.m.types.vector(cond_ty).is_none() {
            let c = self.val1(cond)?;
            let (x, y) = (self.packed_val(t)?, self.packed_val(f)?);
            return Ok(Some(self.b.ins().select(c, x, y)));
        }
        let Some(cp) = self.packed(cond_ty) else { return Ok(None) };
        let c = self.packed_val(cond)?;
        let c = self.mask_to_width(c, cp.lane_bits(), p.lane_bits());
        let c =
            if self.b.func.dfg.value_type(c) == p.ty { c } else { self.b.ins().bitcast(p.ty, vector_cast_flags(), c) };
        let (x, y) = (self.packed_val(t)?, self.packed_val(f)?);
        Ok(Some(self.b.ins().bitselect(c, x, y)))
    }

    /// `shufflevector` of two packed vectors of type `p` into a vector of
    /// the same lane type: a byte shuffle over the two registers (lanes
    /// the mask leaves undefined, and the result's unused high lanes, take
    /// byte 0).
    fn simd_shuffle(&mut self, p: Packed, a: cl::Value, b: cl::Value, mask: &[i32]) -> cl::Value {
        let lane_bytes = p.lane_bits() / 8;
        let mut bytes = Vec::with_capacity(16);
        for &m in mask {
            let byte0 = match u32::try_from(m) {
                Ok(m) if m < p.lanes => m * lane_bytes,
                Ok(m) if m < 2 * p.lanes => 16 + (m - p.lanes) * lane_bytes,
                _ => 0,
            };
            bytes.extend((0..lane_bytes).map(|k| (byte0 + k) as u8));
        }
        self.byte_shuffle(a, b, bytes, p.ty)
    }

    fn simd_cast(&mut self, op: CastOp, from: Packed, to: Packed, val: IrValue) -> Result<Option<cl::Value>> {
        let (fb, tb) = (from.lane_bits(), to.lane_bits());
        let ints = !from.lane.is_float() && !to.lane.is_float();
        if from.lanes != to.lanes && op != CastOp::BitCast {
            return Ok(None);
        }
        let v = match op {
            CastOp::BitCast if !from.is_mask() && !to.is_mask() && from.bytes() == to.bytes() => {
                let v = self.packed_val(val)?;
                if from.ty == to.ty { v } else { self.b.ins().bitcast(to.ty, vector_cast_flags(), v) }
            }
            // A mask is the sign extension of its lanes already.
            CastOp::SExt if from.is_mask() && ints => {
                let v = self.packed_val(val)?;
                self.mask_to_width(v, fb, tb)
            }
            CastOp::ZExt if from.is_mask() && ints => {
                let v = self.packed_val(val)?;
                let v = self.mask_to_width(v, fb, tb);
                let amount = self.b.ins().iconst(types::I32, i64::from(tb - 1));
                self.b.ins().ushr(v, amount)
            }
            // Truncation to i1 keeps bit 0: move it to the sign and spread it.
            CastOp::Trunc if to.is_mask() && !from.is_mask() && ints => {
                let v = self.packed_val(val)?;
                let amount = self.b.ins().iconst(types::I32, i64::from(fb - 1));
                let t = self.b.ins().ishl(v, amount);
                let m = self.b.ins().sshr(t, amount);
                self.mask_to_width(m, fb, tb)
            }
            CastOp::SExt | CastOp::ZExt if !from.is_mask() && ints && tb > fb => {
                let mut v = self.packed_val(val)?;
                let mut bits = fb;
                while bits < tb {
                    v = if op == CastOp::SExt { self.b.ins().swiden_low(v) } else { self.b.ins().uwiden_low(v) };
                    bits *= 2;
                }
                v
            }
            CastOp::Trunc if !to.is_mask() && ints && tb < fb => {
                let v = self.packed_val(val)?;
                self.truncate_lanes(v, fb, tb)
            }
            CastOp::PtrToInt | CastOp::IntToPtr | CastOp::PtrToAddr if from.ty == to.ty => self.packed_val(val)?,
            CastOp::SiToFp | CastOp::UiToFp if from.ty == types::I32X4 && to.ty == types::F32X4 => {
                let v = self.packed_val(val)?;
                if op == CastOp::SiToFp {
                    self.b.ins().fcvt_from_sint(to.ty, v)
                } else {
                    self.b.ins().fcvt_from_uint(to.ty, v)
                }
            }
            // `<2 x i32>` to `<2 x double>` (x86 cvtdq2pd).
            CastOp::SiToFp if from.ty == types::I32X4 && to.ty == types::F64X2 => {
                let v = self.packed_val(val)?;
                let w = self.b.ins().swiden_low(v);
                self.b.ins().fcvt_from_sint(to.ty, w)
            }
            CastOp::FpToSi if from.ty == types::F32X4 && to.ty == types::I32X4 => {
                let v = self.packed_val(val)?;
                self.b.ins().fcvt_to_sint_sat(to.ty, v)
            }
            CastOp::FpExt if from.ty == types::F32X4 && to.ty == types::F64X2 => {
                let v = self.packed_val(val)?;
                self.b.ins().fvpromote_low(v)
            }
            CastOp::FpTrunc if from.ty == types::F64X2 && to.ty == types::F32X4 => {
                let v = self.packed_val(val)?;
                self.b.ins().fvdemote(v)
            }
            _ => return Ok(None),
        };
        Ok(Some(v))
    }

    /// Truncates each lane of `v` from `from` to `to` bits (a byte shuffle
    /// that keeps the low bytes of each lane, packed into the low lanes).
    fn truncate_lanes(&mut self, v: cl::Value, from: u32, to: u32) -> cl::Value {
        let (fbytes, tbytes) = (from / 8, to / 8);
        let bytes: Vec<u8> = (0..128 / from).flat_map(|i| (0..tbytes).map(move |k| (i * fbytes + k) as u8)).collect();
        let to_ty = Type::int(to as u16).and_then(|t| t.by(128 / to)).expect("8- to 64-bit lanes");
        self.byte_shuffle(v, v, bytes, to_ty)
    }

    /// Re-shapes a lane mask from `from`-bit to `to`-bit lanes (its low
    /// lanes; a mask lane is all ones or all zeros, so sign extension and
    /// truncation keep it).
    fn mask_to_width(&mut self, mut v: cl::Value, mut from: u32, to: u32) -> cl::Value {
        while from < to {
            v = self.b.ins().swiden_low(v);
            from *= 2;
        }
        if from > to { self.truncate_lanes(v, from, to) } else { v }
    }

    /// Loads a packed vector of `p.bytes()` bytes into the low lanes.
    fn packed_load(&mut self, p: Packed, addr: cl::Value) -> cl::Value {
        if p.bytes() == 16 {
            return self.b.ins().load(p.ty, mflags(), addr, 0);
        }
        let it = Type::int(p.bytes() as u16 * 8).expect("2, 4 or 8 bytes");
        let x = self.b.ins().load(it, mflags(), addr, 0);
        let carrier = it.by(16 / p.bytes()).expect("128-bit vector");
        let v = self.b.ins().scalar_to_vector(carrier, x);
        if carrier == p.ty { v } else { self.b.ins().bitcast(p.ty, vector_cast_flags(), v) }
    }

    /// Stores the `p.bytes()` bytes of a packed vector's low lanes.
    fn packed_store(&mut self, p: Packed, v: cl::Value, addr: cl::Value) {
        if p.bytes() == 16 {
            self.b.ins().store(mflags(), v, addr, 0);
            return;
        }
        let it = Type::int(p.bytes() as u16 * 8).expect("2, 4 or 8 bytes");
        let carrier = it.by(16 / p.bytes()).expect("128-bit vector");
        let c = if carrier == p.ty { v } else { self.b.ins().bitcast(carrier, vector_cast_flags(), v) };
        let x = self.b.ins().extractlane(c, 0);
        self.b.ins().store(mflags(), x, addr, 0);
    }

    fn simd_intrinsic(&mut self, p: Packed, which: Intrinsic, args: &[IrValue]) -> Result<Option<cl::Value>> {
        use Intrinsic::*;
        let arg = |i: usize| args.get(i).copied();
        let lane_bits = p.lane_bits();
        let int = !p.lane.is_float() && !p.is_mask();
        Ok(match which {
            SMax | SMin | UMax | UMin if int && lane_bits < 64 => {
                let (Some(x), Some(y)) = (arg(0), arg(1)) else { return Ok(None) };
                let (a, b) = (self.packed_val(x)?, self.packed_val(y)?);
                Some(match which {
                    SMax => self.b.ins().smax(a, b),
                    SMin => self.b.ins().smin(a, b),
                    UMax => self.b.ins().umax(a, b),
                    _ => self.b.ins().umin(a, b),
                })
            }
            Abs if int => {
                let Some(x) = arg(0) else { return Ok(None) };
                let a = self.packed_val(x)?;
                Some(self.b.ins().iabs(a))
            }
            FAbs | Sqrt if p.lane.is_float() => {
                let Some(x) = arg(0) else { return Ok(None) };
                let a = self.packed_val(x)?;
                Some(if which == FAbs { self.b.ins().fabs(a) } else { self.b.ins().sqrt(a) })
            }
            FMulAdd if p.lane.is_float() => {
                let (Some(x), Some(y), Some(z)) = (arg(0), arg(1), arg(2)) else { return Ok(None) };
                let (a, b, c) = (self.packed_val(x)?, self.packed_val(y)?, self.packed_val(z)?);
                let m = self.b.ins().fmul(a, b);
                Some(self.b.ins().fadd(m, c))
            }
            _ => None,
        })
    }
}

/// The Cranelift condition of an integer predicate.
pub(crate) fn int_cc(pred: IntPred) -> IntCC {
    match pred {
        IntPred::Eq => IntCC::Equal,
        IntPred::Ne => IntCC::NotEqual,
        IntPred::Ugt => IntCC::UnsignedGreaterThan,
        IntPred::Uge => IntCC::UnsignedGreaterThanOrEqual,
        IntPred::Ult => IntCC::UnsignedLessThan,
        IntPred::Ule => IntCC::UnsignedLessThanOrEqual,
        IntPred::Sgt => IntCC::SignedGreaterThan,
        IntPred::Sge => IntCC::SignedGreaterThanOrEqual,
        IntPred::Slt => IntCC::SignedLessThan,
        IntPred::Sle => IntCC::SignedLessThanOrEqual,
    }
}

/// The Cranelift condition of a float predicate (`None` for the constant
/// predicates `false` and `true`).
pub(crate) fn float_cc(pred: FloatPred) -> Option<FloatCC> {
    Some(match pred {
        FloatPred::False | FloatPred::True => return None,
        FloatPred::Oeq => FloatCC::Equal,
        FloatPred::Ogt => FloatCC::GreaterThan,
        FloatPred::Oge => FloatCC::GreaterThanOrEqual,
        FloatPred::Olt => FloatCC::LessThan,
        FloatPred::Ole => FloatCC::LessThanOrEqual,
        FloatPred::One => FloatCC::OrderedNotEqual,
        FloatPred::Ord => FloatCC::Ordered,
        FloatPred::Ueq => FloatCC::UnorderedOrEqual,
        FloatPred::Ugt => FloatCC::UnorderedOrGreaterThan,
        FloatPred::Uge => FloatCC::UnorderedOrGreaterThanOrEqual,
        FloatPred::Ult => FloatCC::UnorderedOrLessThan,
        FloatPred::Ule => FloatCC::UnorderedOrLessThanOrEqual,
        FloatPred::Une => FloatCC::NotEqual,
        FloatPred::Uno => FloatCC::Unordered,
    })
}
