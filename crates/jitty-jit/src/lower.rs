//! Lowering of one IR function to Cranelift IR.
//!
//! IR values map directly to Cranelift SSA values (lists of them, see
//! [`crate::flat`]); blocks are visited in reverse post-order so every
//! definition is lowered before its uses, and `phi`s become block parameters
//! passed on each edge. Calls, traps and intrinsics are in
//! [`crate::calls`] and [`crate::intrinsics`].

use crate::error::{JitError, Result};
use crate::flat::{Leaf, Scalar, int_container, leaf_range, leaves_of, scalar_of};
use crate::runtime::{self, FloatIntOp};
use cranelift_codegen::ir::condcodes::IntCC;
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{
    self as cl, AbiParam, AtomicRmwOp, BlockArg, InstBuilder, MemFlagsData, Signature, StackSlotData, StackSlotKind,
    Type, types,
};
use cranelift_codegen::isa::CallConv as ClCallConv;
use cranelift_frontend::{FunctionBuilder, Switch};
use cranelift_jit::JITModule;
use cranelift_module::Module as _;
use jitty_ir::{
    BinOp, BlockId, CastOp, ConstData, ConstExpr, ConstId, FloatPred, FuncId, InstId, InstKind, IntPred, Module,
    Ordering, RmwOp, Ty, Value as IrValue,
};
use jitty_rt::JitEnv;
use jitty_sem::Trap;
use std::collections::{HashMap, HashSet};

/// State shared by all functions of one unit while it is being built.
pub(crate) struct UnitCtx<'m> {
    pub(crate) m: &'m Module,
    pub(crate) env: &'m dyn JitEnv,
    pub(crate) module: JITModule,
    /// Unit members and their Cranelift ids (members that failed are removed).
    pub(crate) members: HashMap<FuncId, cranelift_module::FuncId>,
    /// Variadic-call thunks: (target or `u64::MAX`, register index or 255, al).
    pub(crate) thunks: HashMap<(u64, u8, u8), cranelift_module::FuncId>,
}

/// How a callee is reached.
pub(crate) enum Target {
    /// A member of this unit.
    Member(FuncId),
    /// A fixed address; `may_be_ir` when it can raise a JIT trap.
    Addr { addr: u64, may_be_ir: bool },
    /// A run-time pointer.
    Dynamic(cl::Value),
}

/// Lowers one function.
pub(crate) struct FnLower<'a, 'm> {
    pub(crate) cx: &'a mut UnitCtx<'m>,
    pub(crate) m: &'m Module,
    /// The function being lowered.
    fid: FuncId,
    pub(crate) f: &'m jitty_ir::Function,
    pub(crate) b: FunctionBuilder<'a>,
    vals: Vec<Option<Vec<cl::Value>>>,
    args: Vec<Vec<cl::Value>>,
    blocks: Vec<Option<cl::Block>>,
    phis: Vec<Vec<InstId>>,
    cur_block: BlockId,
    const_cache: HashMap<ConstId, Vec<cl::Value>>,
    bail: Option<cl::Block>,
    trap_blocks: HashMap<u32, cl::Block>,
    pub(crate) ret_types: Vec<Type>,
    pub(crate) shadow_mark: Option<cl::Value>,
    name: (u64, usize),
    pub(crate) referenced: HashSet<FuncId>,
    pub(crate) cur_inst: Option<InstId>,
    scratch: Option<cl::StackSlot>,
    /// Blocks created mid-block and filled at the end (Cranelift cannot
    /// switch away from an unfinished block).
    pending: Vec<Pending>,
    /// Loads whose value is zero- or sign-extended later (see
    /// [`extending_loads`]), and the widened value each one produced.
    ext_loads: HashMap<InstId, ExtLoad>,
    ext_loaded: HashMap<InstId, cl::Value>,
    /// Each block's position in the reverse post-order the body is lowered
    /// in: an edge to a block at or before its source is a loop's back edge.
    rpo_pos: Vec<usize>,
}

/// An integer load lowered as one extending load (`uload16` and kin): the
/// `zext`/`sext` that follows it then costs nothing. Cranelift would fuse
/// the pair itself only when no other load or store sits between them.
#[derive(Clone, Copy)]
struct ExtLoad {
    signed: bool,
    /// The extension's result type: `I16`, `I32` or `I64`.
    wide: Type,
}

/// For each plain (non-atomic) `i8`/`i16`/`i32` scalar load with a
/// `zext`/`sext` user to a whole container, the first such extension.
fn extending_loads(m: &Module, f: &jitty_ir::Function) -> HashMap<InstId, ExtLoad> {
    let mut out = HashMap::new();
    for inst in &f.insts {
        let InstKind::Cast { op: op @ (CastOp::ZExt | CastOp::SExt), val: IrValue::Inst(load), .. } = inst.kind else {
            continue;
        };
        let ld = f.inst(load);
        let (Some(from), Some(to)) = (m.types.int_bits(ld.ty), m.types.int_bits(inst.ty)) else { continue };
        if !matches!(ld.kind, InstKind::Load { atomic: None, .. })
            || !matches!(from, 8 | 16 | 32)
            || !matches!(to, 16 | 32 | 64)
            || to <= from
        {
            continue;
        }
        out.entry(load).or_insert(ExtLoad { signed: op == CastOp::SExt, wide: int_container(to) });
    }
    out
}

/// A block whose contents are emitted after the body.
enum Pending {
    /// Records a trap of this code, then jumps to the bail block.
    Trap(cl::Block, u32),
    /// Jumps to a target with arguments (switch edges into phi blocks).
    Edge(cl::Block, cl::Block, Vec<BlockArg>),
}

/// Memory flags of ordinary IR loads and stores.
pub(crate) fn mflags() -> MemFlagsData {
    MemFlagsData::new()
}

impl<'a, 'm> FnLower<'a, 'm> {
    /// Error for the instruction being lowered.
    pub(crate) fn unsup(&self, reason: impl Into<String>) -> JitError {
        JitError::Unsupported { func: self.f.name.clone(), inst: self.cur_inst, reason: reason.into() }
    }

    // ------------------------------------------------------------------
    // Values and types
    // ------------------------------------------------------------------

    /// The IR type of an operand.
    pub(crate) fn ty_of(&self, v: IrValue) -> Ty {
        match v {
            IrValue::Inst(id) => self.f.inst(id).ty,
            IrValue::Arg(n) => self.f.params[n as usize].ty,
            IrValue::Const(c) => self.m.constant(c).ty(),
        }
    }

    pub(crate) fn scalar(&self, ty: Ty) -> Result<Scalar> {
        scalar_of(self.m, ty).map_err(|r| self.unsup(r))
    }

    pub(crate) fn leaves(&self, ty: Ty) -> Result<Vec<Leaf>> {
        leaves_of(self.m, ty).map_err(|r| self.unsup(r))
    }

    /// The scalar of each lane of `ty` (vectors) or of `ty` itself.
    pub(crate) fn elem_scalar(&self, ty: Ty) -> Result<Scalar> {
        self.scalar(self.m.types.scalar(ty))
    }

    /// The flattened Cranelift values of an operand, in the lane view:
    /// vectors as one value per lane (packed vectors are unpacked, see
    /// [`crate::simd`]).
    pub(crate) fn val(&mut self, v: IrValue) -> Result<Vec<cl::Value>> {
        match v {
            IrValue::Inst(id) => {
                let stored = self.stored(id)?;
                match self.packed(self.f.inst(id).ty) {
                    Some(p) => Ok(self.unpack(p, stored[0])),
                    None => Ok(stored),
                }
            }
            IrValue::Arg(n) => Ok(self.args[n as usize].clone()),
            IrValue::Const(c) => self.const_vals(c),
        }
    }

    /// The stored (canonical) values of an instruction's result.
    pub(crate) fn stored(&self, id: InstId) -> Result<Vec<cl::Value>> {
        self.vals[id.index()].clone().ok_or_else(|| self.unsup(format!("{id} used before its definition")))
    }

    /// Records the canonical values of an instruction's result.
    pub(crate) fn vals_set(&mut self, id: InstId, vals: Vec<cl::Value>) {
        self.vals[id.index()] = Some(vals);
    }

    /// The single Cranelift value of a scalar operand.
    pub(crate) fn val1(&mut self, v: IrValue) -> Result<cl::Value> {
        let vals = self.val(v)?;
        match vals.as_slice() {
            [one] => Ok(*one),
            _ => Err(self.unsup("expected a scalar operand")),
        }
    }

    /// The integer bits of a constant operand, if it is one.
    pub(crate) fn const_int(&self, v: IrValue) -> Option<u128> {
        match v {
            IrValue::Const(c) => match self.m.constant(c) {
                ConstData::Int { bits, .. } => Some(*bits),
                ConstData::Zero(_) | ConstData::Null(_) => Some(0),
                _ => None,
            },
            _ => None,
        }
    }

    /// An integer constant of `bits` width (value truncated).
    pub(crate) fn iconst(&mut self, bits: u32, value: u128) -> cl::Value {
        let value = jitty_ir::constant::truncate_bits(value, bits);
        let ty = int_container(bits);
        if ty == types::I128 {
            let lo = self.b.ins().iconst(types::I64, value as u64 as i64);
            let hi = self.b.ins().iconst(types::I64, (value >> 64) as u64 as i64);
            self.b.ins().iconcat(lo, hi)
        } else {
            self.b.ins().iconst(ty, value as u64 as i64)
        }
    }

    pub(crate) fn ptr_const(&mut self, addr: u64) -> cl::Value {
        self.b.ins().iconst(types::I64, addr as i64)
    }

    /// The zero value of a scalar.
    pub(crate) fn zero(&mut self, s: Scalar) -> cl::Value {
        match s {
            Scalar::F32 => self.b.ins().f32const(Ieee32::with_bits(0)),
            Scalar::F64 => self.b.ins().f64const(Ieee64::with_bits(0)),
            Scalar::Ptr => self.b.ins().iconst(types::I64, 0),
            Scalar::Int(bits) => self.iconst(bits, 0),
        }
    }

    fn zeros(&mut self, ty: Ty) -> Result<Vec<cl::Value>> {
        let leaves = self.leaves(ty)?;
        Ok(leaves.iter().map(|l| self.zero(l.scalar)).collect())
    }

    /// Masks an `iN` held in a wider container back to normal form.
    pub(crate) fn norm(&mut self, v: cl::Value, bits: u32) -> cl::Value {
        let ty = int_container(bits);
        if bits == ty.bits() {
            return v;
        }
        if ty == types::I128 {
            let mask = self.iconst(128, (1u128 << bits) - 1);
            self.b.ins().band(v, mask)
        } else {
            self.b.ins().band_imm_u(v, ((1u64 << bits) - 1) as i64)
        }
    }

    /// Sign-extends an `iN` within its container.
    pub(crate) fn sext_in(&mut self, v: cl::Value, bits: u32) -> cl::Value {
        let ty = int_container(bits);
        if bits == ty.bits() {
            return v;
        }
        let sh = i64::from(ty.bits() - bits);
        let t = self.b.ins().ishl_imm_u(v, sh);
        self.b.ins().sshr_imm_u(t, sh)
    }

    /// Converts an integer value of `from` bits to `to` bits (zero- or
    /// sign-extending, or truncating), normalized.
    pub(crate) fn int_resize(&mut self, v: cl::Value, from: u32, to: u32, signed: bool) -> cl::Value {
        let (ft, tt) = (int_container(from), int_container(to));
        let v = if signed && to > from { self.sext_in(v, from) } else { v };
        let v = if tt.bits() > ft.bits() {
            if signed { self.b.ins().sextend(tt, v) } else { self.b.ins().uextend(tt, v) }
        } else if tt.bits() < ft.bits() {
            self.b.ins().ireduce(tt, v)
        } else {
            v
        };
        self.norm(v, to)
    }

    // ------------------------------------------------------------------
    // Constants
    // ------------------------------------------------------------------

    fn const_vals(&mut self, c: ConstId) -> Result<Vec<cl::Value>> {
        if let Some(v) = self.const_cache.get(&c) {
            return Ok(v.clone());
        }
        let vals = self.const_vals_uncached(c)?;
        self.const_cache.insert(c, vals.clone());
        Ok(vals)
    }

    fn const_vals_uncached(&mut self, c: ConstId) -> Result<Vec<cl::Value>> {
        let m = self.m;
        Ok(match m.constant(c) {
            ConstData::Int { ty, bits } => {
                let s = self.scalar(*ty)?;
                let Scalar::Int(w) = s else { return Err(self.unsup("integer constant of non-integer type")) };
                vec![self.iconst(w, *bits)]
            }
            ConstData::WideInt { .. } => return Err(self.unsup("integer constant wider than 128 bits")),
            ConstData::Float { ty, bits } => match self.scalar(*ty)? {
                Scalar::F32 => vec![self.b.ins().f32const(Ieee32::with_bits(*bits as u32))],
                Scalar::F64 => vec![self.b.ins().f64const(Ieee64::with_bits(*bits as u64))],
                _ => return Err(self.unsup("float constant of non-float type")),
            },
            ConstData::Null(ty) | ConstData::Zero(ty) | ConstData::Undef(ty) | ConstData::Poison(ty) => {
                self.zeros(*ty)?
            }
            ConstData::NoneToken(_) => Vec::new(),
            ConstData::Aggregate { elems, .. } => {
                let mut out = Vec::new();
                for e in elems.clone() {
                    out.extend(self.const_vals(e)?);
                }
                out
            }
            ConstData::Bytes { ty, bytes } => {
                let leaves = self.leaves(*ty)?;
                let bytes = bytes.clone();
                let mut out = Vec::with_capacity(leaves.len());
                for (i, l) in leaves.iter().enumerate() {
                    let Scalar::Int(w) = l.scalar else { return Err(self.unsup("c\"...\" of non-byte type")) };
                    out.push(self.iconst(w, u128::from(bytes.get(i).copied().unwrap_or(0))));
                }
                out
            }
            ConstData::Global { id, .. } => {
                let addr = self.cx.env.global_addr(*id);
                vec![self.ptr_const(addr)]
            }
            ConstData::Func { id, .. } => vec![self.func_address(*id)?],
            ConstData::Alias { id, .. } => self.const_vals(m.aliases[id.index()].aliasee)?,
            ConstData::Expr { ty, expr } => self.const_expr(*ty, expr)?,
        })
    }

    fn const_expr(&mut self, ty: Ty, expr: &'m ConstExpr) -> Result<Vec<cl::Value>> {
        match expr {
            ConstExpr::Gep { source_ty, base, indices, .. } => {
                let idx: Vec<IrValue> = indices.iter().map(|c| IrValue::Const(*c)).collect();
                Ok(vec![self.gep(*source_ty, IrValue::Const(*base), &idx)?])
            }
            ConstExpr::Cast { op, val } => self.cast(*op, IrValue::Const(*val), ty),
            ConstExpr::Binary { op, lhs, rhs, .. } => self.binary(*op, IrValue::Const(*lhs), IrValue::Const(*rhs)),
            ConstExpr::ExtractElement { vec, idx } => {
                Ok(vec![self.extract_element(IrValue::Const(*vec), IrValue::Const(*idx))?])
            }
            ConstExpr::InsertElement { vec, elt, idx } => {
                self.insert_element(IrValue::Const(*vec), IrValue::Const(*elt), IrValue::Const(*idx))
            }
            ConstExpr::ShuffleVector { a, b, mask } => self.shuffle(IrValue::Const(*a), IrValue::Const(*b), mask, ty),
            ConstExpr::BlockAddress { func, block } => {
                let addr = self
                    .m
                    .block_by_label(*func, block)
                    .and_then(|b| self.cx.env.block_addr(*func, b))
                    .ok_or_else(|| self.unsup(format!("blockaddress of %{block}: no such block or no address")))?;
                Ok(vec![self.ptr_const(addr)])
            }
            ConstExpr::FuncRef { func } => Ok(vec![self.func_address(*func)?]),
        }
    }

    /// The address of function `id` as a value.
    ///
    /// A function has one address wherever it is taken: globals (vtables,
    /// function tables) already hold the environment's address, so that
    /// canonical address wins over the unit's own entry, and pointer
    /// comparisons agree with native code. Only direct calls bind to the
    /// unit's entry.
    pub(crate) fn func_address(&mut self, id: FuncId) -> Result<cl::Value> {
        if let Some(addr) = self.resolve_addr(id) {
            return Ok(self.ptr_const(addr));
        }
        match self.cx.members.get(&id) {
            Some(&clid) => {
                self.referenced.insert(id);
                let fref = self.import_func(clid);
                Ok(self.b.ins().func_addr(types::I64, fref))
            }
            None => Err(self.unsup(format!("function @{} has no address", self.m.func(id).name))),
        }
    }

    /// Native address of a non-member function, from the environment.
    pub(crate) fn resolve_addr(&self, id: FuncId) -> Option<u64> {
        let func = self.m.func(id);
        self.cx
            .env
            .func_addr(id)
            .or_else(|| if func.is_declaration() { self.cx.env.external_addr(&func.name) } else { None })
    }

    /// Imports a unit function into the current Cranelift function (as a
    /// non-colocated reference: unit code may lie anywhere in memory).
    pub(crate) fn import_func(&mut self, clid: cranelift_module::FuncId) -> cl::FuncRef {
        let fref = self.cx.module.declare_func_in_func(clid, self.b.func);
        self.b.func.dfg.ext_funcs[fref].colocated = false;
        fref
    }

    // ------------------------------------------------------------------
    // Run-time helpers, traps, bailing out
    // ------------------------------------------------------------------

    /// Calls a native helper at `addr` with the given signature.
    pub(crate) fn call_helper(
        &mut self,
        addr: usize,
        params: &[Type],
        rets: &[Type],
        args: &[cl::Value],
    ) -> Vec<cl::Value> {
        let mut sig = Signature::new(ClCallConv::SystemV);
        sig.params.extend(params.iter().map(|t| AbiParam::new(*t)));
        sig.returns.extend(rets.iter().map(|t| AbiParam::new(*t)));
        let sigref = self.b.import_signature(sig);
        let callee = self.ptr_const(addr as u64);
        let call = self.b.ins().call_indirect(sigref, callee, args);
        self.b.inst_results(call).to_vec()
    }

    /// A 48-byte scratch stack slot for helpers that take pointers.
    pub(crate) fn scratch(&mut self) -> cl::StackSlot {
        if let Some(s) = self.scratch {
            return s;
        }
        let s = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, 48, 4));
        self.scratch = Some(s);
        s
    }

    /// Stores two 128-bit operands in the scratch slot for a helper taking
    /// `(out, a, b)` pointers; the result is read back from offset 0.
    pub(crate) fn i128_operands_in_scratch(&mut self, x: cl::Value, y: cl::Value) -> (cl::StackSlot, [cl::Value; 3]) {
        let slot = self.scratch();
        self.b.ins().stack_store(types::I64, x, slot, 16);
        self.b.ins().stack_store(types::I64, y, slot, 32);
        let ptrs = [0, 16, 32].map(|off| self.b.ins().stack_addr(types::I64, slot, off));
        (slot, ptrs)
    }

    /// The block that returns zeroed results (after a trap); filled at the end.
    pub(crate) fn bail_block(&mut self) -> cl::Block {
        if let Some(b) = self.bail {
            return b;
        }
        let blk = self.b.create_block();
        self.b.set_cold_block(blk);
        self.bail = Some(blk);
        blk
    }

    /// The block that records a trap of `kind` and bails out; filled at the end.
    pub(crate) fn trap_block(&mut self, kind: Trap) -> cl::Block {
        if let Some(&b) = self.trap_blocks.get(&kind.code()) {
            return b;
        }
        let blk = self.b.create_block();
        self.b.set_cold_block(blk);
        self.pending.push(Pending::Trap(blk, kind.code()));
        self.trap_blocks.insert(kind.code(), blk);
        blk
    }

    /// Emits the deferred blocks (edges, traps, bail-out).
    fn fill_pending(&mut self) {
        for p in std::mem::take(&mut self.pending) {
            match p {
                Pending::Edge(blk, target, args) => {
                    self.b.switch_to_block(blk);
                    self.b.ins().jump(target, &args);
                }
                Pending::Trap(blk, code) => {
                    let bail = self.bail_block();
                    self.b.switch_to_block(blk);
                    let code = self.b.ins().iconst(types::I32, i64::from(code));
                    let (ptr, len) = self.name;
                    let name = self.ptr_const(ptr);
                    let len = self.b.ins().iconst(types::I64, len as i64);
                    self.call_helper(
                        runtime::jitty_jit_trap as *const () as usize,
                        &[types::I32, types::I64, types::I64],
                        &[],
                        &[code, name, len],
                    );
                    self.b.ins().jump(bail, &[]);
                }
            }
        }
        if let Some(blk) = self.bail {
            self.b.switch_to_block(blk);
            self.release_shadow();
            let rets: Vec<cl::Value> = self
                .ret_types
                .clone()
                .into_iter()
                .map(|t| match t {
                    types::F32 => self.b.ins().f32const(Ieee32::with_bits(0)),
                    types::F64 => self.b.ins().f64const(Ieee64::with_bits(0)),
                    types::I128 => self.iconst(128, 0),
                    t => self.b.ins().iconst(t, 0),
                })
                .collect();
            self.b.ins().return_(&rets);
        }
    }

    /// `select` that the mid-end cannot turn into an `i128` min/max (which
    /// the x64 backend lacks): 128-bit selects are done per half.
    pub(crate) fn sel(&mut self, c: cl::Value, x: cl::Value, y: cl::Value) -> cl::Value {
        if self.b.func.dfg.value_type(x) != types::I128 {
            return self.b.ins().select(c, x, y);
        }
        let (xl, xh) = self.b.ins().isplit(x);
        let (yl, yh) = self.b.ins().isplit(y);
        let l = self.b.ins().select(c, xl, yl);
        let h = self.b.ins().select(c, xh, yh);
        self.b.ins().iconcat(l, h)
    }

    /// Branches to the trap path of `kind` when `cond` is non-zero.
    pub(crate) fn trap_if(&mut self, cond: cl::Value, kind: Trap) {
        let trap = self.trap_block(kind);
        let cont = self.b.create_block();
        self.b.ins().brif(cond, trap, &[], cont, &[]);
        self.b.switch_to_block(cont);
    }

    /// Raises a trap unconditionally; code after it goes to a dead block.
    pub(crate) fn trap_now(&mut self, kind: Trap) {
        let trap = self.trap_block(kind);
        self.b.ins().jump(trap, &[]);
        let dead = self.b.create_block();
        self.b.switch_to_block(dead);
    }

    /// After a call that may run IR code: bail out if this thread trapped.
    pub(crate) fn check_trap_after_call(&mut self) {
        let counter = self.ptr_const(&runtime::TRAPS_PENDING as *const _ as u64);
        let n = self.b.ins().load(types::I64, MemFlagsData::trusted(), counter, 0);
        let slow = self.b.create_block();
        let cont = self.b.create_block();
        self.b.set_cold_block(slow);
        self.b.ins().brif(n, slow, &[], cont, &[]);
        self.b.switch_to_block(slow);
        let pending =
            self.call_helper(runtime::jitty_jit_trap_pending as *const () as usize, &[], &[types::I8], &[])[0];
        let bail = self.bail_block();
        self.b.ins().brif(pending, bail, &[], cont, &[]);
        self.b.switch_to_block(cont);
    }

    fn release_shadow(&mut self) {
        if let Some(mark) = self.shadow_mark {
            self.call_helper(runtime::jitty_jit_shadow_release as *const () as usize, &[types::I64], &[], &[mark]);
        }
    }

    // ------------------------------------------------------------------
    // Arithmetic
    // ------------------------------------------------------------------

    /// `binop` on flattened operands (scalars or vectors, lane-wise).
    pub(crate) fn binary(&mut self, op: BinOp, lhs: IrValue, rhs: IrValue) -> Result<Vec<cl::Value>> {
        let s = self.elem_scalar(self.ty_of(lhs))?;
        let (a, b) = (self.val(lhs)?, self.val(rhs)?);
        if a.len() != b.len() {
            return Err(self.unsup("operand shapes differ"));
        }
        a.into_iter().zip(b).map(|(x, y)| self.binary_scalar(op, s, x, y)).collect()
    }

    pub(crate) fn binary_scalar(&mut self, op: BinOp, s: Scalar, x: cl::Value, y: cl::Value) -> Result<cl::Value> {
        if op.is_float() {
            return Ok(match op {
                BinOp::FAdd => self.b.ins().fadd(x, y),
                BinOp::FSub => self.b.ins().fsub(x, y),
                BinOp::FMul => self.b.ins().fmul(x, y),
                BinOp::FDiv => self.b.ins().fdiv(x, y),
                _ => match s {
                    Scalar::F32 => self.call_helper(
                        runtime::mf_fmod as *const () as usize,
                        &[types::F32; 2],
                        &[types::F32],
                        &[x, y],
                    )[0],
                    _ => self.call_helper(
                        runtime::m_fmod as *const () as usize,
                        &[types::F64; 2],
                        &[types::F64],
                        &[x, y],
                    )[0],
                },
            });
        }
        let bits = match s {
            Scalar::Int(b) => b,
            Scalar::Ptr => 64,
            _ => return Err(self.unsup("integer operator on a float")),
        };
        Ok(match op {
            BinOp::Add => {
                let r = self.b.ins().iadd(x, y);
                self.norm(r, bits)
            }
            BinOp::Sub => {
                let r = self.b.ins().isub(x, y);
                self.norm(r, bits)
            }
            BinOp::Mul => {
                let r = self.b.ins().imul(x, y);
                self.norm(r, bits)
            }
            BinOp::Shl | BinOp::LShr | BinOp::AShr => {
                let r = match op {
                    BinOp::Shl => {
                        let r = self.b.ins().ishl(x, y);
                        self.norm(r, bits)
                    }
                    BinOp::LShr => self.b.ins().ushr(x, y),
                    _ => {
                        let xs = self.sext_in(x, bits);
                        let r = self.b.ins().sshr(xs, y);
                        self.norm(r, bits)
                    }
                };
                // jitty-sem's rule: a shift by the width or more gives 0
                // (Cranelift takes the amount modulo the container width).
                let too_far = self.b.ins().icmp_imm_u(IntCC::UnsignedGreaterThanOrEqual, y, i64::from(bits));
                let zero = self.iconst(bits, 0);
                self.sel(too_far, zero, r)
            }
            BinOp::And => self.b.ins().band(x, y),
            BinOp::Or => self.b.ins().bor(x, y),
            BinOp::Xor => self.b.ins().bxor(x, y),
            BinOp::UDiv | BinOp::URem | BinOp::SDiv | BinOp::SRem => self.division(op, bits, x, y)?,
            _ => unreachable!("float operators handled above"),
        })
    }

    fn division(&mut self, op: BinOp, bits: u32, x: cl::Value, y: cl::Value) -> Result<cl::Value> {
        let is_zero = self.b.ins().icmp_imm_s(IntCC::Equal, y, 0);
        self.trap_if(is_zero, Trap::DivByZero);
        let signed = matches!(op, BinOp::SDiv | BinOp::SRem);
        let (x, y) = if signed { (self.sext_in(x, bits), self.sext_in(y, bits)) } else { (x, y) };
        if signed {
            let min = self.iconst(bits, 1u128 << (bits - 1));
            let min = self.sext_in(min, bits);
            let x_min = self.b.ins().icmp(IntCC::Equal, x, min);
            let y_m1 = self.b.ins().icmp_imm_s(IntCC::Equal, y, -1);
            let ovf = self.b.ins().band(x_min, y_m1);
            self.trap_if(ovf, Trap::DivOverflow);
        }
        if int_container(bits) == types::I128 {
            let code = match op {
                BinOp::UDiv => runtime::I128Op::UDiv,
                BinOp::URem => runtime::I128Op::URem,
                BinOp::SDiv => runtime::I128Op::SDiv,
                _ => runtime::I128Op::SRem,
            };
            let (slot, [out, pa, pb]) = self.i128_operands_in_scratch(x, y);
            let code = self.b.ins().iconst(types::I32, code as i64);
            let width = self.b.ins().iconst(types::I32, i64::from(bits));
            self.call_helper(
                runtime::jitty_jit_i128_op as *const () as usize,
                &[types::I32, types::I32, types::I64, types::I64, types::I64],
                &[],
                &[code, width, out, pa, pb],
            );
            let r = self.b.ins().stack_load(types::I64, types::I128, slot, 0);
            return Ok(self.norm(r, bits));
        }
        let r = match op {
            BinOp::UDiv => self.b.ins().udiv(x, y),
            BinOp::URem => self.b.ins().urem(x, y),
            BinOp::SDiv => self.b.ins().sdiv(x, y),
            _ => self.b.ins().srem(x, y),
        };
        Ok(self.norm(r, bits))
    }

    fn icmp(&mut self, pred: IntPred, lhs: IrValue, rhs: IrValue) -> Result<Vec<cl::Value>> {
        let s = self.elem_scalar(self.ty_of(lhs))?;
        let bits = match s {
            Scalar::Int(b) => b,
            _ => 64,
        };
        let (a, b) = (self.val(lhs)?, self.val(rhs)?);
        let cc = crate::simd::int_cc(pred);
        let signed = matches!(pred, IntPred::Sgt | IntPred::Sge | IntPred::Slt | IntPred::Sle);
        Ok(a.into_iter()
            .zip(b)
            .map(|(x, y)| {
                let (x, y) = if signed { (self.sext_in(x, bits), self.sext_in(y, bits)) } else { (x, y) };
                self.b.ins().icmp(cc, x, y)
            })
            .collect())
    }

    fn fcmp(&mut self, pred: FloatPred, lhs: IrValue, rhs: IrValue) -> Result<Vec<cl::Value>> {
        let (a, b) = (self.val(lhs)?, self.val(rhs)?);
        let cc = crate::simd::float_cc(pred);
        Ok(a.into_iter()
            .zip(b)
            .map(|(x, y)| match cc {
                Some(cc) => self.b.ins().fcmp(cc, x, y),
                None => self.b.ins().iconst(types::I8, i64::from(pred == FloatPred::True)),
            })
            .collect())
    }

    // ------------------------------------------------------------------
    // Casts
    // ------------------------------------------------------------------

    pub(crate) fn cast(&mut self, op: CastOp, val: IrValue, to_ty: Ty) -> Result<Vec<cl::Value>> {
        let from_ty = self.ty_of(val);
        let vals = self.val(val)?;
        if op == CastOp::BitCast {
            return self.bitcast(from_ty, to_ty, vals);
        }
        let fs = self.elem_scalar(from_ty)?;
        let ts = self.elem_scalar(to_ty)?;
        vals.into_iter().map(|v| self.cast_scalar(op, fs, ts, v)).collect()
    }

    pub(crate) fn cast_scalar(&mut self, op: CastOp, fs: Scalar, ts: Scalar, v: cl::Value) -> Result<cl::Value> {
        let ibits = |s: Scalar| match s {
            Scalar::Int(b) => b,
            _ => 64,
        };
        Ok(match op {
            CastOp::Trunc | CastOp::ZExt | CastOp::PtrToInt | CastOp::PtrToAddr | CastOp::IntToPtr => {
                self.int_resize(v, ibits(fs), ibits(ts), false)
            }
            CastOp::SExt => self.int_resize(v, ibits(fs), ibits(ts), true),
            CastOp::AddrSpaceCast => v,
            CastOp::FpTrunc => match (fs, ts) {
                (Scalar::F64, Scalar::F32) => self.b.ins().fdemote(types::F32, v),
                (a, b) if a == b => v,
                _ => return Err(self.unsup("unsupported fptrunc")),
            },
            CastOp::FpExt => match (fs, ts) {
                (Scalar::F32, Scalar::F64) => self.b.ins().fpromote(types::F64, v),
                (a, b) if a == b => v,
                _ => return Err(self.unsup("unsupported fpext")),
            },
            CastOp::FpToSi => self.fp_to_int(v, fs, ibits(ts), true, false)?,
            CastOp::FpToUi => self.fp_to_int(v, fs, ibits(ts), false, false)?,
            CastOp::SiToFp => self.int_to_fp(v, ibits(fs), ts, true)?,
            CastOp::UiToFp => self.int_to_fp(v, ibits(fs), ts, false)?,
            CastOp::BitCast => self.bitcast_scalar(fs, ts, v),
        })
    }

    fn bitcast_scalar(&mut self, fs: Scalar, ts: Scalar, v: cl::Value) -> cl::Value {
        if fs.cl() == ts.cl() { v } else { self.b.ins().bitcast(ts.cl(), MemFlagsData::new(), v) }
    }

    /// Float to `bits`-wide integer. Out-of-range inputs saturate (NaN gives
    /// 0), which is what `llvm.fpto[su]i.sat` asks and a valid refinement of
    /// the poison plain `fpto[su]i` produces. Never traps.
    pub(crate) fn fp_to_int(
        &mut self,
        v: cl::Value,
        fs: Scalar,
        bits: u32,
        signed: bool,
        _sat: bool,
    ) -> Result<cl::Value> {
        if !fs.is_float() {
            return Err(self.unsup("fp-to-int of a non-float"));
        }
        if bits > 64 {
            let slot = self.scratch();
            let io = self.b.ins().stack_addr(types::I64, slot, 0);
            let op = if signed { FloatIntOp::ToSigned } else { FloatIntOp::ToUnsigned };
            let code = self.b.ins().iconst(types::I32, op as i64);
            let width = self.b.ins().iconst(types::I32, i64::from(bits));
            let (helper, ft) = match fs {
                Scalar::F32 => (runtime::jitty_jit_f32_i128 as *const () as usize, types::F32),
                _ => (runtime::jitty_jit_f64_i128 as *const () as usize, types::F64),
            };
            self.call_helper(helper, &[types::I32, types::I32, types::I64, ft], &[ft], &[code, width, io, v]);
            return Ok(self.b.ins().stack_load(types::I64, types::I128, slot, 0));
        }
        let wide = if signed {
            self.b.ins().fcvt_to_sint_sat(types::I64, v)
        } else {
            self.b.ins().fcvt_to_uint_sat(types::I64, v)
        };
        let r = if bits < 64 {
            if signed {
                let lo = self.b.ins().iconst(types::I64, -(1i64 << (bits - 1)));
                let hi = self.b.ins().iconst(types::I64, (1i64 << (bits - 1)) - 1);
                let t = self.b.ins().smax(wide, lo);
                self.b.ins().smin(t, hi)
            } else {
                let hi = self.b.ins().iconst(types::I64, ((1u64 << bits) - 1) as i64);
                self.b.ins().umin(wide, hi)
            }
        } else {
            wide
        };
        Ok(self.int_resize(r, 64, bits, false))
    }

    fn int_to_fp(&mut self, v: cl::Value, bits: u32, ts: Scalar, signed: bool) -> Result<cl::Value> {
        let ft = match ts {
            Scalar::F32 => types::F32,
            Scalar::F64 => types::F64,
            _ => return Err(self.unsup("int-to-fp to a non-float")),
        };
        if bits > 64 {
            let slot = self.scratch();
            self.b.ins().stack_store(types::I64, v, slot, 0);
            let io = self.b.ins().stack_addr(types::I64, slot, 0);
            let op = if signed { FloatIntOp::FromSigned } else { FloatIntOp::FromUnsigned };
            let code = self.b.ins().iconst(types::I32, op as i64);
            let width = self.b.ins().iconst(types::I32, i64::from(bits));
            let helper = match ts {
                Scalar::F32 => runtime::jitty_jit_f32_i128 as *const () as usize,
                _ => runtime::jitty_jit_f64_i128 as *const () as usize,
            };
            let zero = self.zero(ts);
            let args = [code, width, io, zero];
            return Ok(self.call_helper(helper, &[types::I32, types::I32, types::I64, ft], &[ft], &args)[0]);
        }
        let wide = self.int_resize(v, bits, 64, signed);
        Ok(if signed { self.b.ins().fcvt_from_sint(ft, wide) } else { self.b.ins().fcvt_from_uint(ft, wide) })
    }

    /// `bitcast` between any two types of equal size.
    fn bitcast(&mut self, from_ty: Ty, to_ty: Ty, vals: Vec<cl::Value>) -> Result<Vec<cl::Value>> {
        let (fl, tl) = (self.leaves(from_ty)?, self.leaves(to_ty)?);
        if fl.len() == 1 && tl.len() == 1 {
            let fs = fl[0].scalar;
            let ts = tl[0].scalar;
            return Ok(vec![self.bitcast_scalar(fs, ts, vals[0])]);
        }
        if fl.len() == tl.len()
            && fl.iter().zip(&tl).all(|(a, b)| a.scalar.cl() == b.scalar.cl() && a.scalar == b.scalar)
        {
            return Ok(vals);
        }
        // `<N x i1>` <-> `iN`: pack or unpack bits.
        if fl.iter().all(|l| l.scalar == Scalar::Int(1))
            && tl.len() == 1
            && let Scalar::Int(n) = tl[0].scalar
        {
            let mut acc = self.iconst(n, 0);
            for (i, v) in vals.iter().enumerate() {
                let w = self.int_resize(*v, 1, n, false);
                let sh = self.b.ins().ishl_imm_u(w, i as i64);
                acc = self.b.ins().bor(acc, sh);
            }
            return Ok(vec![acc]);
        }
        if tl.iter().all(|l| l.scalar == Scalar::Int(1))
            && fl.len() == 1
            && let Scalar::Int(n) = fl[0].scalar
        {
            return Ok((0..tl.len())
                .map(|i| {
                    let sh = self.b.ins().ushr_imm_u(vals[0], i as i64);
                    self.int_resize(sh, n, 1, false)
                })
                .collect());
        }
        if fl.iter().chain(&tl).any(|l| matches!(l.scalar, Scalar::Int(b) if b % 8 != 0)) {
            return Err(self.unsup("bitcast of a vector with non-byte lanes"));
        }
        // General case: through a stack slot in memory layout.
        let size = self.m.layout.store_size(&self.m.types, from_ty).max(1);
        let slot = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, size as u32, 4));
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        for (l, v) in fl.iter().zip(vals) {
            self.store_scalar(l.scalar, v, addr, l.offset as i32, None);
        }
        Ok(tl.iter().map(|l| self.load_scalar(l.scalar, addr, l.offset as i32, None)).collect())
    }

    // ------------------------------------------------------------------
    // Memory
    // ------------------------------------------------------------------

    /// A load planned by [`extending_loads`]: one widening load, recorded
    /// for the extension; the load's own value is its low part.
    fn extending_load(&mut self, id: InstId, ext: ExtLoad, ty: Ty, p: cl::Value) -> Result<cl::Value> {
        let from = self.m.types.int_bits(ty).ok_or_else(|| self.unsup("extending load of a non-integer"))?;
        let flags = mflags();
        let ins = self.b.ins();
        let wide = match (from, ext.signed) {
            (8, false) => ins.uload8(ext.wide, flags, p, 0),
            (8, true) => ins.sload8(ext.wide, flags, p, 0),
            (16, false) => ins.uload16(ext.wide, flags, p, 0),
            (16, true) => ins.sload16(ext.wide, flags, p, 0),
            (32, false) => ins.uload32(flags, p, 0),
            (32, true) => ins.sload32(flags, p, 0),
            _ => return Err(self.unsup("extending load of an odd width")),
        };
        self.ext_loaded.insert(id, wide);
        Ok(self.b.ins().ireduce(int_container(from), wide))
    }

    /// The widened value of an extending load, when `op val` to `to_ty` is
    /// the extension it was planned for.
    fn pre_extended(&self, op: CastOp, val: IrValue, to_ty: Ty) -> Option<cl::Value> {
        let IrValue::Inst(load) = val else { return None };
        let ext = self.ext_loads.get(&load)?;
        let wide = *self.ext_loaded.get(&load)?;
        let matches = matches!(op, CastOp::ZExt | CastOp::SExt)
            && ext.signed == (op == CastOp::SExt)
            && self.m.types.int_bits(to_ty) == Some(ext.wide.bits());
        matches.then_some(wide)
    }

    /// `fence`, mapped to x86-64 as LLVM maps it: under TSO only a
    /// seq_cst fence needs an instruction, and LLVM uses a locked `or` of
    /// zero into the stack, which orders like `mfence` for ordinary memory
    /// and costs less (Cranelift's `fence` is `mfence`). Weaker fences are
    /// compiler barriers only: an atomic load of the stack keeps Cranelift
    /// from moving or merging memory accesses across them, for one `mov`.
    fn fence(&mut self, ordering: Ordering) {
        if !cfg!(target_arch = "x86_64") {
            self.b.ins().fence();
            return;
        }
        let slot = self.scratch();
        let addr = self.b.ins().stack_addr(types::I64, slot, 0);
        if ordering == Ordering::SeqCst {
            let zero = self.b.ins().iconst(types::I32, 0);
            self.b.ins().atomic_rmw(types::I32, mflags(), AtomicRmwOp::Or, addr, zero);
        } else {
            self.b.ins().atomic_load(types::I32, mflags(), addr);
        }
    }

    /// Loads one scalar at `addr + off`.
    pub(crate) fn load_scalar(&mut self, s: Scalar, addr: cl::Value, off: i32, atomic: Option<Ordering>) -> cl::Value {
        let size = s.store_size();
        let flags = mflags();
        if atomic.is_some() && s.cl() != types::I128 {
            let a = if off == 0 { addr } else { self.b.ins().iadd_imm_s(addr, i64::from(off)) };
            let it = Type::int_with_byte_size(s.cl().bytes() as u16).unwrap_or(types::I64);
            let v = self.b.ins().atomic_load(it, flags, a);
            return if s.is_float() { self.b.ins().bitcast(s.cl(), MemFlagsData::new(), v) } else { v };
        }
        match s {
            Scalar::Int(bits) if !matches!(size, 1 | 2 | 4 | 8 | 16) || size * 8 != int_container(bits).bits() => {
                if matches!(size, 1 | 2 | 4 | 8 | 16) {
                    let v = self.b.ins().load(Type::int_with_byte_size(size as u16).unwrap(), flags, addr, off);
                    let v = if v_ty_bits(size) < int_container(bits).bits() {
                        self.b.ins().uextend(int_container(bits), v)
                    } else {
                        v
                    };
                    return self.norm(v, bits);
                }
                let ty = int_container(bits);
                let mut acc = self.iconst(ty.bits(), 0);
                let mut done = 0u32;
                while done < size {
                    let piece = [8u32, 4, 2, 1].into_iter().find(|p| *p <= size - done).unwrap_or(1);
                    let pt = Type::int_with_byte_size(piece as u16).unwrap();
                    let v = self.b.ins().load(pt, flags, addr, off + done as i32);
                    let v = if pt.bits() < ty.bits() { self.b.ins().uextend(ty, v) } else { v };
                    let v = self.b.ins().ishl_imm_u(v, i64::from(done * 8));
                    acc = self.b.ins().bor(acc, v);
                    done += piece;
                }
                self.norm(acc, bits)
            }
            _ => self.b.ins().load(s.cl(), flags, addr, off),
        }
    }

    /// Stores one scalar at `addr + off`, writing exactly its store size.
    pub(crate) fn store_scalar(
        &mut self,
        s: Scalar,
        v: cl::Value,
        addr: cl::Value,
        off: i32,
        atomic: Option<Ordering>,
    ) {
        let size = s.store_size();
        let flags = mflags();
        // On x86-64 every aligned store of at most 8 bytes is atomic and has
        // release semantics (TSO), so an atomic store weaker than seq_cst is
        // a plain `mov`, as LLVM maps it. Cranelift's `atomic_store` is
        // always seq_cst (`mov; mfence`): it is kept for seq_cst only.
        // Cranelift never reorders side-effecting instructions, so the plain
        // store keeps its place among the function's other memory accesses.
        let atomic = atomic.filter(|o| !(cfg!(target_arch = "x86_64") && *o != Ordering::SeqCst));
        if atomic.is_some() && s.cl() != types::I128 {
            let a = if off == 0 { addr } else { self.b.ins().iadd_imm_s(addr, i64::from(off)) };
            let v = if s.is_float() {
                let it = Type::int_with_byte_size(s.cl().bytes() as u16).unwrap_or(types::I64);
                self.b.ins().bitcast(it, MemFlagsData::new(), v)
            } else {
                v
            };
            self.b.ins().atomic_store(flags, v, a);
            return;
        }
        match s {
            Scalar::Int(bits) if size * 8 != int_container(bits).bits() => {
                let ty = int_container(bits);
                let mut done = 0u32;
                while done < size {
                    let piece = [8u32, 4, 2, 1].into_iter().find(|p| *p <= size - done).unwrap_or(1);
                    let pt = Type::int_with_byte_size(piece as u16).unwrap();
                    let sh = self.b.ins().ushr_imm_u(v, i64::from(done * 8));
                    let part = if pt.bits() < ty.bits() { self.b.ins().ireduce(pt, sh) } else { sh };
                    self.b.ins().store(flags, part, addr, off + done as i32);
                    done += piece;
                }
            }
            _ => {
                self.b.ins().store(flags, v, addr, off);
            }
        }
    }

    /// `getelementptr`: constant indices fold into one offset.
    pub(crate) fn gep(&mut self, source_ty: Ty, base: IrValue, indices: &[IrValue]) -> Result<cl::Value> {
        if self.m.types.vector(self.ty_of(base)).is_some()
            || indices.iter().any(|i| self.m.types.vector(self.ty_of(*i)).is_some())
        {
            return Err(self.unsup("vector getelementptr where a scalar is expected"));
        }
        let mut addr = self.val1(base)?;
        let (off, terms) = jitty_sem::gep_walk(self.m, source_ty, indices, |idx| {
            let bits = self.m.types.int_bits(self.ty_of(idx))?;
            Some(jitty_ir::constant::sign_extend(self.const_int(idx)?, bits) as i64)
        })
        .map_err(|r| self.unsup(r))?;
        for (idx, stride) in terms {
            if stride == 0 {
                continue;
            }
            let ity = self.ty_of(idx);
            let ibits = self.m.types.int_bits(ity).ok_or_else(|| self.unsup("non-integer getelementptr index"))?;
            let v = self.val1(idx)?;
            let v = if ibits > 64 { self.b.ins().ireduce(types::I64, v) } else { self.int_resize(v, ibits, 64, true) };
            let scaled = if stride == 1 { v } else { self.b.ins().imul_imm_s(v, stride) };
            addr = self.b.ins().iadd(addr, scaled);
        }
        Ok(if off != 0 { self.b.ins().iadd_imm_s(addr, off) } else { addr })
    }

    /// A `getelementptr` whose result is `<len x ptr>`, in the lane view:
    /// per lane `base + off + Σ index × scale` (`jitty_sem::gep_address`);
    /// a scalar base or index serves every lane.
    pub(crate) fn vector_gep(
        &mut self,
        source_ty: Ty,
        base: IrValue,
        indices: &[IrValue],
        len: u32,
    ) -> Result<Vec<cl::Value>> {
        let is_vec = |cx: &Self, v: IrValue| cx.m.types.vector(cx.ty_of(v)).is_some();
        let (off, terms) = jitty_sem::gep_walk(self.m, source_ty, indices, |idx| {
            if is_vec(self, idx) {
                return None;
            }
            let bits = self.m.types.int_bits(self.ty_of(idx))?;
            Some(jitty_ir::constant::sign_extend(self.const_int(idx)?, bits) as i64)
        })
        .map_err(|r| self.unsup(format!("vector getelementptr: {r}")))?;
        let len = len as usize;
        let lanes_of = |cx: &mut Self, v: IrValue| -> Result<Vec<cl::Value>> {
            let vals = cx.val(v)?;
            match vals.len() {
                1 => Ok(vec![vals[0]; len]),
                n if n == len => Ok(vals),
                _ => Err(cx.unsup("vector getelementptr operand of another length")),
            }
        };
        let mut addrs = lanes_of(self, base)?;
        for (idx, stride) in terms {
            if stride == 0 {
                continue;
            }
            let ibits = self
                .m
                .types
                .int_bits(self.m.types.scalar(self.ty_of(idx)))
                .ok_or_else(|| self.unsup("non-integer getelementptr index"))?;
            let lanes = lanes_of(self, idx)?;
            for (a, v) in addrs.iter_mut().zip(lanes) {
                let v =
                    if ibits > 64 { self.b.ins().ireduce(types::I64, v) } else { self.int_resize(v, ibits, 64, true) };
                let scaled = if stride == 1 { v } else { self.b.ins().imul_imm_s(v, stride) };
                *a = self.b.ins().iadd(*a, scaled);
            }
        }
        if off != 0 {
            for a in addrs.iter_mut() {
                *a = self.b.ins().iadd_imm_s(*a, off);
            }
        }
        Ok(addrs)
    }

    // ------------------------------------------------------------------
    // Vectors
    // ------------------------------------------------------------------

    fn lane_index(&mut self, idx: IrValue, lanes: usize) -> Result<Option<usize>> {
        Ok(self.const_int(idx).map(|c| (c as usize).min(lanes.saturating_sub(1))))
    }

    fn extract_element(&mut self, vec: IrValue, idx: IrValue) -> Result<cl::Value> {
        let lanes = self.val(vec)?;
        if lanes.is_empty() {
            return Err(self.unsup("empty vector"));
        }
        if let Some(i) = self.lane_index(idx, lanes.len())? {
            return Ok(lanes[i]);
        }
        let iv = self.val1(idx)?;
        let ibits = self.m.types.int_bits(self.ty_of(idx)).unwrap_or(64);
        let iv = self.int_resize(iv, ibits, 64, false);
        let mut acc = lanes[0];
        for (i, l) in lanes.iter().enumerate().skip(1) {
            let eq = self.b.ins().icmp_imm_s(IntCC::Equal, iv, i as i64);
            acc = self.sel(eq, *l, acc);
        }
        Ok(acc)
    }

    fn insert_element(&mut self, vec: IrValue, elt: IrValue, idx: IrValue) -> Result<Vec<cl::Value>> {
        let mut lanes = self.val(vec)?;
        let e = self.val1(elt)?;
        if let Some(i) = self.lane_index(idx, lanes.len())? {
            if let Some(l) = lanes.get_mut(i) {
                *l = e;
            }
            return Ok(lanes);
        }
        let iv = self.val1(idx)?;
        let ibits = self.m.types.int_bits(self.ty_of(idx)).unwrap_or(64);
        let iv = self.int_resize(iv, ibits, 64, false);
        for (i, l) in lanes.iter_mut().enumerate() {
            let eq = self.b.ins().icmp_imm_s(IntCC::Equal, iv, i as i64);
            *l = self.sel(eq, e, *l);
        }
        Ok(lanes)
    }

    fn shuffle(&mut self, a: IrValue, b: IrValue, mask: &[i32], res_ty: Ty) -> Result<Vec<cl::Value>> {
        let mut all = self.val(a)?;
        all.extend(self.val(b)?);
        let s = self.elem_scalar(res_ty)?;
        mask.iter()
            .map(|&m| match usize::try_from(m).ok().and_then(|m| all.get(m)) {
                Some(v) => Ok(*v),
                None => Ok(self.zero(s)),
            })
            .collect()
    }

    // ------------------------------------------------------------------
    // Control flow
    // ------------------------------------------------------------------

    /// Whether an edge from the block being lowered to `dest` goes back to a
    /// loop header.
    fn is_back_edge(&self, dest: BlockId) -> bool {
        self.rpo_pos.get(dest.index()).is_some_and(|&d| d <= self.rpo_pos[self.cur_block.index()])
    }

    /// A branch condition that is a short-circuit `select` of `i1`s:
    /// `select a, b, false` (`a && b`) gives `(a, b, true)` and
    /// `select a, true, b` (`a || b`) gives `(a, b, false)`. Branching on
    /// `a`, then on `b`, takes the same edge: `b` is an SSA value already
    /// computed (no side effect is skipped or added).
    fn short_circuit(&self, cond: IrValue) -> Option<(IrValue, IrValue, bool)> {
        let IrValue::Inst(id) = cond else { return None };
        let inst = self.f.inst(id);
        let InstKind::Select { cond: a, if_true, if_false, .. } = inst.kind else { return None };
        if self.m.types.int_bits(inst.ty) != Some(1) {
            return None;
        }
        match (self.const_int(if_true), self.const_int(if_false)) {
            (_, Some(0)) => Some((a, if_true, true)),
            (Some(1), _) => Some((a, if_false, false)),
            _ => None,
        }
    }

    /// A new block placed right after the current one, so that a branch to
    /// it falls through (`create_block` alone would append it at the end of
    /// the function, and the hot path would jump there and back).
    fn fallthrough_block(&mut self) -> cl::Block {
        let next = self.b.create_block();
        self.place_after_current(next);
        next
    }

    /// Puts `blk` in the layout right after the current block. The current
    /// block goes into the layout first if it has no instruction yet (an IR
    /// block that is only a branch on values of other blocks): inserting
    /// after a block that is not in the layout would leave both out of it,
    /// and Cranelift would then panic on a jump to a missing block.
    fn place_after_current(&mut self, blk: cl::Block) {
        if let Some(cur) = self.b.current_block() {
            self.b.ensure_inserted_block();
            self.b.insert_block_after(blk, cur);
        }
    }

    /// Block arguments for the edge from the current IR block to `dest`.
    fn edge_args(&mut self, dest: BlockId) -> Result<Vec<BlockArg>> {
        let mut out = Vec::new();
        for phi in self.phis[dest.index()].clone() {
            let InstKind::Phi { incoming } = &self.f.inst(phi).kind else { continue };
            let Some((v, _)) = incoming.iter().find(|(_, b)| *b == self.cur_block) else {
                return Err(self.unsup(format!("phi {phi} has no value for its predecessor")));
            };
            out.extend(self.canon_val(*v)?.into_iter().map(BlockArg::Value));
        }
        Ok(out)
    }

    /// The target and arguments of one edge of a conditional branch. An
    /// edge that passes a constant to a phi goes through its own block
    /// (unless it is a loop's back edge): Cranelift materializes a block
    /// argument before the branch, so the constant would be computed on
    /// both edges (a `xor` on every iteration of a search loop whose exit
    /// passes `null`); in the edge's block it is computed only when taken.
    fn cond_edge(&mut self, dest: BlockId) -> Result<(cl::Block, Vec<BlockArg>)> {
        let passes_const = self.phis[dest.index()].iter().any(|&phi| {
            matches!(&self.f.inst(phi).kind, InstKind::Phi { incoming }
                if incoming.iter().any(|(v, b)| *b == self.cur_block && matches!(v, IrValue::Const(_))))
        });
        if passes_const && !self.is_back_edge(dest) {
            let blk = self.edge_block(dest)?;
            // Right after the branch, so that taking the edge costs no jump.
            self.place_after_current(blk);
            return Ok((blk, Vec::new()));
        }
        Ok((self.cl_block(dest)?, self.edge_args(dest)?))
    }

    fn cl_block(&self, b: BlockId) -> Result<cl::Block> {
        self.blocks[b.index()].ok_or_else(|| self.unsup("branch to an unreachable block"))
    }

    /// A block that jumps to `dest` with the current edge's phi arguments
    /// (for branch kinds that cannot carry arguments).
    fn edge_block(&mut self, dest: BlockId) -> Result<cl::Block> {
        let target = self.cl_block(dest)?;
        if self.phis[dest.index()].is_empty() {
            return Ok(target);
        }
        let args = self.edge_args(dest)?;
        let blk = self.b.create_block();
        self.pending.push(Pending::Edge(blk, target, args));
        Ok(blk)
    }

    pub(crate) fn jump_to(&mut self, dest: BlockId) -> Result<()> {
        let args = self.edge_args(dest)?;
        let target = self.cl_block(dest)?;
        self.b.ins().jump(target, &args);
        Ok(())
    }

    fn ret(&mut self, val: Option<IrValue>) -> Result<()> {
        let vals = match val {
            Some(v) => self.val(v)?,
            None => Vec::new(),
        };
        if vals.len() != self.ret_types.len() {
            return Err(self.unsup("return value does not match the signature"));
        }
        self.release_shadow();
        self.b.ins().return_(&vals);
        Ok(())
    }

    fn switch(&mut self, val: IrValue, default: BlockId, cases: &[(ConstId, BlockId)]) -> Result<()> {
        let v = self.val1(val)?;
        let bits = self.m.types.int_bits(self.ty_of(val)).ok_or_else(|| self.unsup("switch on a non-integer"))?;
        let default_blk = self.edge_block(default)?;
        let mut targets = Vec::with_capacity(cases.len());
        for &(c, dest) in cases {
            let ConstData::Int { bits: cv, .. } = self.m.constant(c) else {
                return Err(self.unsup("switch case is not an integer constant"));
            };
            targets.push((*cv, self.edge_block(dest)?));
        }
        if bits > 64 {
            for (cv, blk) in targets {
                let k = self.iconst(bits, cv);
                let eq = self.b.ins().icmp(IntCC::Equal, v, k);
                let next = self.b.create_block();
                self.b.ins().brif(eq, blk, &[], next, &[]);
                self.b.switch_to_block(next);
            }
            self.b.ins().jump(default_blk, &[]);
            return Ok(());
        }
        let mut seen = HashSet::new();
        targets.retain(|&(cv, _)| seen.insert(cv));
        if let Some(table) = dense_table(bits, &targets) {
            self.jump_table(v, bits, &table, default_blk);
            return Ok(());
        }
        let mut sw = Switch::new();
        for (cv, blk) in targets {
            sw.set_entry(cv, blk);
        }
        sw.emit(&mut self.b, v, default_blk);
        Ok(())
    }

    /// A switch whose cases fill most of one range, as one `br_table`: the
    /// index is `v - min` in the switch's own width, so every value outside
    /// `[min, min + len)` wraps to an index past the table and takes the
    /// default, as the holes do. `cranelift_frontend::Switch` splits cases
    /// into contiguous runs and searches them, which costs a compare and a
    /// branch per run before the table (a state machine's `switch` with one
    /// missing state paid two).
    fn jump_table(&mut self, v: cl::Value, bits: u32, table: &DenseTable, default_blk: cl::Block) {
        let min = self.iconst(bits, table.min);
        let mut idx = self.b.ins().isub(v, min);
        let ty = self.b.func.dfg.value_type(idx);
        if ty.bits() > 32 {
            // `br_table` takes an i32 index: larger offsets go to the default
            // before the narrowing.
            let in_range = self.b.ins().icmp_imm_u(IntCC::UnsignedLessThan, idx, table.blocks.len() as i64);
            let next = self.fallthrough_block();
            self.b.ins().brif(in_range, next, &[], default_blk, &[]);
            self.b.switch_to_block(next);
            idx = self.b.ins().ireduce(types::I32, idx);
        } else if ty.bits() < 32 {
            idx = self.b.ins().uextend(types::I32, idx);
        }
        let pool = &mut self.b.func.dfg.value_lists;
        let default_call = cl::BlockCall::new(default_blk, std::iter::empty(), pool);
        let calls: Vec<cl::BlockCall> = table
            .blocks
            .iter()
            .map(|b| cl::BlockCall::new(b.unwrap_or(default_blk), std::iter::empty(), pool))
            .collect();
        let jt = self.b.create_jump_table(cl::JumpTableData::new(default_call, &calls));
        self.b.ins().br_table(idx, jt);
    }

    /// `indirectbr`: a switch over the destinations' block addresses (the
    /// image's one definition, `JitEnv::block_addr`: a table base plus the
    /// block index, so the cases are dense and Cranelift emits a bounds
    /// check and a `br_table`). Any other address is undefined behaviour in
    /// LLVM and traps, as on the interpreter.
    fn indirect_br(&mut self, addr: IrValue, dests: &[BlockId]) -> Result<()> {
        let v = self.val1(addr)?;
        let mut targets = Vec::new();
        let mut seen = HashSet::new();
        for &d in dests {
            if let Some(a) = self.cx.env.block_addr(self.fid, d)
                && seen.insert(a)
            {
                targets.push((a, self.edge_block(d)?));
            }
        }
        let trap = self.trap_block(Trap::Unreachable);
        let mut sw = Switch::new();
        for (a, blk) in targets {
            sw.set_entry(u128::from(a), blk);
        }
        sw.emit(&mut self.b, v, trap);
        Ok(())
    }

    // ------------------------------------------------------------------
    // Atomics
    // ------------------------------------------------------------------

    fn atomic_rmw(&mut self, op: RmwOp, ptr: IrValue, val: IrValue) -> Result<cl::Value> {
        let s = self.scalar(self.ty_of(val))?;
        let p = self.val1(ptr)?;
        let v = self.val1(val)?;
        let ty = s.cl();
        if let Scalar::Int(bits) = s
            && (bits != ty.bits() || ty == types::I128)
        {
            return Err(self.unsup(format!("atomicrmw on i{bits}")));
        }
        let simple = match op {
            RmwOp::Xchg => Some(AtomicRmwOp::Xchg),
            RmwOp::Add => Some(AtomicRmwOp::Add),
            RmwOp::Sub => Some(AtomicRmwOp::Sub),
            RmwOp::And => Some(AtomicRmwOp::And),
            RmwOp::Nand => Some(AtomicRmwOp::Nand),
            RmwOp::Or => Some(AtomicRmwOp::Or),
            RmwOp::Xor => Some(AtomicRmwOp::Xor),
            RmwOp::Max => Some(AtomicRmwOp::Smax),
            RmwOp::Min => Some(AtomicRmwOp::Smin),
            RmwOp::UMax => Some(AtomicRmwOp::Umax),
            RmwOp::UMin => Some(AtomicRmwOp::Umin),
            _ => None,
        };
        match simple {
            Some(op) if !s.is_float() => Ok(self.b.ins().atomic_rmw(ty, mflags(), op, p, v)),
            Some(AtomicRmwOp::Xchg) => {
                let it = Type::int_with_byte_size(ty.bytes() as u16).unwrap_or(types::I64);
                let vi = self.b.ins().bitcast(it, MemFlagsData::new(), v);
                let old = self.b.ins().atomic_rmw(it, mflags(), AtomicRmwOp::Xchg, p, vi);
                Ok(self.b.ins().bitcast(ty, MemFlagsData::new(), old))
            }
            _ => self.atomic_cas_loop(op, s, p, v),
        }
    }

    /// `atomicrmw` operations without a native instruction: a CAS loop.
    fn atomic_cas_loop(&mut self, op: RmwOp, s: Scalar, p: cl::Value, v: cl::Value) -> Result<cl::Value> {
        let ty = s.cl();
        let it = Type::int_with_byte_size(ty.bytes() as u16).unwrap_or(types::I64);
        let init = self.b.ins().atomic_load(it, mflags(), p);
        let head = self.b.create_block();
        let old_i = self.b.append_block_param(head, it);
        let done = self.b.create_block();
        let res = self.b.append_block_param(done, it);
        self.b.ins().jump(head, &[BlockArg::Value(init)]);
        self.b.switch_to_block(head);
        let old = if s.is_float() { self.b.ins().bitcast(ty, MemFlagsData::new(), old_i) } else { old_i };
        let new = match op {
            RmwOp::FAdd => self.b.ins().fadd(old, v),
            RmwOp::FSub => self.b.ins().fsub(old, v),
            RmwOp::FMax => self.b.ins().fmax(old, v),
            RmwOp::FMin => self.b.ins().fmin(old, v),
            RmwOp::UIncWrap => {
                let one = self.b.ins().iadd_imm_s(old, 1);
                let ge = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, old, v);
                let zero = self.b.ins().iconst(ty, 0);
                self.b.ins().select(ge, zero, one)
            }
            RmwOp::UDecWrap => {
                let dec = self.b.ins().iadd_imm_s(old, -1);
                let z = self.b.ins().icmp_imm_s(IntCC::Equal, old, 0);
                let gt = self.b.ins().icmp(IntCC::UnsignedGreaterThan, old, v);
                let c = self.b.ins().bor(z, gt);
                self.b.ins().select(c, v, dec)
            }
            RmwOp::USubCond => {
                let ge = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, old, v);
                let d = self.b.ins().isub(old, v);
                self.b.ins().select(ge, d, old)
            }
            RmwOp::USubSat => {
                let ge = self.b.ins().icmp(IntCC::UnsignedGreaterThanOrEqual, old, v);
                let d = self.b.ins().isub(old, v);
                let zero = self.b.ins().iconst(ty, 0);
                self.b.ins().select(ge, d, zero)
            }
            _ => return Err(self.unsup("atomicrmw operation")),
        };
        let new_i = if s.is_float() { self.b.ins().bitcast(it, MemFlagsData::new(), new) } else { new };
        let seen = self.b.ins().atomic_cas(mflags(), p, old_i, new_i);
        let ok = self.b.ins().icmp(IntCC::Equal, seen, old_i);
        self.b.ins().brif(ok, done, &[BlockArg::Value(old_i)], head, &[BlockArg::Value(seen)]);
        self.b.switch_to_block(done);
        Ok(if s.is_float() { self.b.ins().bitcast(ty, MemFlagsData::new(), res) } else { res })
    }

    // ------------------------------------------------------------------
    // Instructions
    // ------------------------------------------------------------------

    fn alloca(&mut self, id: InstId, elem_ty: Ty, count: IrValue, align: u32, in_entry: bool) -> Result<cl::Value> {
        let elem = self.m.alloc_size(elem_ty);
        let align = u64::from(align.max(1));
        if let (Some(n), true) = (self.const_int(count), in_entry) {
            let size = elem.saturating_mul(n as u64).max(1);
            let extra = if align > 16 { align } else { 0 };
            let total = u32::try_from(size + extra).map_err(|_| self.unsup("alloca too large"))?;
            let shift = align.min(16).trailing_zeros() as u8;
            let slot = self.b.create_sized_stack_slot(StackSlotData::new(StackSlotKind::ExplicitSlot, total, shift));
            let addr = self.b.ins().stack_addr(types::I64, slot, 0);
            if extra == 0 {
                return Ok(addr);
            }
            let t = self.b.ins().iadd_imm_s(addr, (align - 1) as i64);
            return Ok(self.b.ins().band_imm_s(t, -(align as i64)));
        }
        let _ = id;
        let n = self.val1(count)?;
        let cbits = self.m.types.int_bits(self.ty_of(count)).unwrap_or(64);
        let n = self.int_resize(n, cbits, 64, false);
        let size = self.b.ins().imul_imm_s(n, elem as i64);
        let al = self.b.ins().iconst(types::I64, align as i64);
        Ok(self.call_helper(
            runtime::jitty_jit_shadow_alloc as *const () as usize,
            &[types::I64, types::I64],
            &[types::I64],
            &[size, al],
        )[0])
    }

    fn lower_inst(&mut self, id: InstId, in_entry: bool) -> Result<()> {
        self.cur_inst = Some(id);
        if self.try_simd(id)? {
            return Ok(());
        }
        let data = self.f.inst(id);
        let ty = data.ty;
        let result: Option<Vec<cl::Value>> = match &data.kind {
            InstKind::FNeg { val, .. } => {
                let v = self.val(*val)?;
                Some(v.into_iter().map(|x| self.b.ins().fneg(x)).collect())
            }
            InstKind::Binary { op, lhs, rhs, .. } => Some(self.binary(*op, *lhs, *rhs)?),
            InstKind::ICmp { pred, lhs, rhs, .. } => Some(self.icmp(*pred, *lhs, *rhs)?),
            InstKind::FCmp { pred, lhs, rhs, .. } => Some(self.fcmp(*pred, *lhs, *rhs)?),
            InstKind::Cast { op, val, .. } => match self.pre_extended(*op, *val, ty) {
                Some(wide) => Some(vec![wide]),
                None => Some(self.cast(*op, *val, ty)?),
            },
            InstKind::Select { cond, if_true, if_false, .. } => {
                let c = self.val(*cond)?;
                let (t, f) = (self.val(*if_true)?, self.val(*if_false)?);
                let out = t
                    .into_iter()
                    .zip(f)
                    .enumerate()
                    .map(|(i, (t, f))| {
                        let c = if c.len() == 1 { c[0] } else { c[i] };
                        self.sel(c, t, f)
                    })
                    .collect();
                Some(out)
            }
            InstKind::Phi { .. } => return Ok(()),
            InstKind::Alloca { elem_ty, count, align } => {
                Some(vec![self.alloca(id, *elem_ty, *count, *align, in_entry)?])
            }
            InstKind::Load { ptr, atomic, .. } => {
                let leaves = self.leaves(ty)?;
                if leaves.iter().any(|l| l.scalar == Scalar::Int(1)) && self.m.types.vector(ty).is_some() {
                    return Err(self.unsup("load of an i1 vector"));
                }
                let p = self.val1(*ptr)?;
                if let Some(ext) = self.ext_loads.get(&id).copied() {
                    Some(vec![self.extending_load(id, ext, ty, p)?])
                } else {
                    Some(leaves.iter().map(|l| self.load_scalar(l.scalar, p, l.offset as i32, *atomic)).collect())
                }
            }
            InstKind::Store { val, ptr, atomic, .. } => {
                let vty = self.ty_of(*val);
                let leaves = self.leaves(vty)?;
                if leaves.iter().any(|l| l.scalar == Scalar::Int(1)) && self.m.types.vector(vty).is_some() {
                    return Err(self.unsup("store of an i1 vector"));
                }
                let vals = self.val(*val)?;
                let p = self.val1(*ptr)?;
                for (l, v) in leaves.iter().zip(vals) {
                    self.store_scalar(l.scalar, v, p, l.offset as i32, *atomic);
                }
                None
            }
            InstKind::Gep { source_ty, base, indices, .. } => match self.m.types.vector(ty) {
                Some((_, len)) => Some(self.vector_gep(*source_ty, *base, indices, len)?),
                None => Some(vec![self.gep(*source_ty, *base, indices)?]),
            },
            InstKind::Call { callee, fn_ty, args, arg_attrs, ret_attrs, .. } => {
                Some(self.call(*callee, *fn_ty, args, arg_attrs, ret_attrs, ty)?)
            }
            InstKind::Invoke { callee, fn_ty, args, arg_attrs, ret_attrs, normal, .. } => {
                let r = self.call(*callee, *fn_ty, args, arg_attrs, ret_attrs, ty)?;
                self.vals[id.index()] = Some(r);
                return self.jump_to(*normal);
            }
            InstKind::LandingPad { .. } => return Err(self.unsup("landingpad is not supported")),
            InstKind::ExtractValue { agg, indices } => {
                let (start, len, _) = leaf_range(self.m, self.ty_of(*agg), indices).map_err(|r| self.unsup(r))?;
                let v = self.val(*agg)?;
                Some(v[start..start + len].to_vec())
            }
            InstKind::InsertValue { agg, val, indices } => {
                let (start, len, _) = leaf_range(self.m, self.ty_of(*agg), indices).map_err(|r| self.unsup(r))?;
                let mut v = self.val(*agg)?;
                let e = self.val(*val)?;
                if e.len() != len {
                    return Err(self.unsup("insertvalue shape mismatch"));
                }
                v.splice(start..start + len, e);
                Some(v)
            }
            InstKind::ExtractElement { vec, idx } => Some(vec![self.extract_element(*vec, *idx)?]),
            InstKind::InsertElement { vec, elt, idx } => Some(self.insert_element(*vec, *elt, *idx)?),
            InstKind::ShuffleVector { a, b, mask } => Some(self.shuffle(*a, *b, mask, ty)?),
            InstKind::AtomicRmw { op, ptr, val, .. } => Some(vec![self.atomic_rmw(*op, *ptr, *val)?]),
            InstKind::CmpXchg { ptr, cmp, new, .. } => {
                let s = self.scalar(self.ty_of(*cmp))?;
                if s.is_float() || s.cl() == types::I128 || matches!(s, Scalar::Int(b) if b != s.cl().bits()) {
                    return Err(self.unsup("cmpxchg of this type"));
                }
                let p = self.val1(*ptr)?;
                let e = self.val1(*cmp)?;
                let n = self.val1(*new)?;
                let old = self.b.ins().atomic_cas(mflags(), p, e, n);
                let ok = self.b.ins().icmp(IntCC::Equal, old, e);
                Some(vec![old, ok])
            }
            InstKind::Fence { ordering } => {
                self.fence(*ordering);
                None
            }
            InstKind::Freeze { val } => Some(self.val(*val)?),
            InstKind::VaArg { .. } => return Err(self.unsup("va_arg is not supported")),
            InstKind::Ret { val } => {
                self.ret(*val)?;
                None
            }
            InstKind::Br { dest } => {
                self.jump_to(*dest)?;
                None
            }
            InstKind::CondBr { cond, if_true, if_false } => {
                let (tb, ta) = self.cond_edge(*if_true)?;
                let (fb, fa) = self.cond_edge(*if_false)?;
                let latch = self.is_back_edge(*if_true) || self.is_back_edge(*if_false);
                match self.short_circuit(*cond).filter(|_| latch) {
                    Some((first, second, is_and)) => {
                        // A loop's `while (a && b)` as two compare-and-branch
                        // pairs, as LLVM's code generator splits it: Cranelift
                        // would compute the `select` into a register (setcc,
                        // cmov, test) and branch on that. Only at latches:
                        // elsewhere the extra edge into a block with many phis
                        // cost a spill in a hot loop (CoreMark's list sort).
                        let (a, b) = (self.val1(first)?, self.val1(second)?);
                        let next = self.fallthrough_block();
                        if is_and {
                            self.b.ins().brif(a, next, &[], fb, &fa);
                        } else {
                            self.b.ins().brif(a, tb, &ta, next, &[]);
                        }
                        self.b.switch_to_block(next);
                        self.b.ins().brif(b, tb, &ta, fb, &fa);
                    }
                    None => {
                        let c = self.val1(*cond)?;
                        self.b.ins().brif(c, tb, &ta, fb, &fa);
                    }
                }
                None
            }
            InstKind::Switch { val, default, cases } => {
                self.switch(*val, *default, cases)?;
                None
            }
            InstKind::IndirectBr { addr, dests } => {
                self.indirect_br(*addr, dests)?;
                None
            }
            InstKind::Resume { .. } | InstKind::Unreachable => {
                self.trap_now(Trap::Unreachable);
                self.b.ins().trap(cl::TrapCode::unwrap_user(1));
                None
            }
        };
        if let Some(r) = result {
            // Lane-wise results of packed vector types are stored packed.
            let r = match self.packed(ty) {
                Some(p) if r.len() == p.lanes as usize => vec![self.pack(p, &r)],
                _ => r,
            };
            self.vals_set(id, r);
        }
        Ok(())
    }
}

/// The cases of a switch laid out as one table (see `FnLower::jump_table`).
struct DenseTable {
    min: u128,
    /// One entry per value from `min`; `None` is a hole (the default).
    blocks: Vec<Option<cl::Block>>,
}

/// Cases dense enough for one jump table: at least four, filling at least a
/// third of their range, as LLVM's own lowering would put in one table at
/// `-O2` (its threshold is laxer: 10%; a third keeps tables small).
fn dense_table(bits: u32, cases: &[(u128, cl::Block)]) -> Option<DenseTable> {
    const MIN_CASES: usize = 4;
    const MAX_ENTRIES: u128 = 4096;
    // Whole containers only: the subtraction wraps in the container's width.
    if cases.len() < MIN_CASES || !matches!(bits, 8 | 16 | 32 | 64) {
        return None;
    }
    // The cases' span read unsigned or signed, whichever is shorter: the
    // index wraps, so any run of consecutive values (mod 2^bits) works.
    let mask = u128::MAX >> (128 - bits);
    let signed = |v: u128| ((v << (128 - bits)) as i128) >> (128 - bits);
    let values = || cases.iter().map(|c| c.0);
    let unsigned_span = (values().min()?, values().max()?);
    let signed_span = (values().min_by_key(|&v| signed(v))?, values().max_by_key(|&v| signed(v))?);
    let len_of = |(lo, hi): (u128, u128)| (hi.wrapping_sub(lo) & mask) + 1;
    let (min, max) = [unsigned_span, signed_span].into_iter().min_by_key(|&span| len_of(span))?;
    let len = len_of((min, max));
    if len > MAX_ENTRIES || len > 3 * cases.len() as u128 {
        return None;
    }
    let mut blocks = vec![None; len as usize];
    for &(cv, blk) in cases {
        blocks[(cv.wrapping_sub(min) & mask) as usize] = Some(blk);
    }
    Some(DenseTable { min, blocks })
}

fn v_ty_bits(size: u32) -> u32 {
    size * 8
}

/// Reverse post-order of the reachable blocks (invoke unwind edges are not
/// followed: JIT code never unwinds).
fn rpo(f: &jitty_ir::Function) -> Vec<BlockId> {
    let n = f.blocks.len();
    let mut seen = vec![false; n];
    let mut post = Vec::with_capacity(n);
    let succs = |b: BlockId| -> Vec<BlockId> {
        match f.terminator(b) {
            Some(InstKind::Invoke { normal, .. }) => vec![*normal],
            Some(k) => k.successors(),
            None => Vec::new(),
        }
    };
    let mut stack: Vec<(BlockId, Vec<BlockId>, usize)> = Vec::new();
    if n == 0 {
        return post;
    }
    seen[0] = true;
    stack.push((BlockId(0), succs(BlockId(0)), 0));
    while let Some((b, ss, i)) = stack.last_mut() {
        if *i < ss.len() {
            let s = ss[*i];
            *i += 1;
            if s.index() < n && !seen[s.index()] {
                seen[s.index()] = true;
                let next = succs(s);
                stack.push((s, next, 0));
            }
        } else {
            post.push(*b);
            stack.pop();
        }
    }
    post.reverse();
    post
}

/// Builds the Cranelift signature of an IR function type with attributes.
pub(crate) fn signature_for(
    m: &Module,
    ret_ty: Ty,
    params: &[(Ty, jitty_ir::ParamAttrs)],
    ret_attrs: &jitty_ir::ParamAttrs,
) -> std::result::Result<Signature, String> {
    let mut sig = Signature::new(ClCallConv::SystemV);
    for (i, (ty, attrs)) in params.iter().enumerate() {
        sig.params.extend(abi_params(m, *ty, attrs, i == 0)?);
    }
    for l in leaves_of(m, ret_ty)? {
        sig.returns.push(ext_param(l.scalar, ret_attrs));
    }
    if m.types.vector(ret_ty).is_some() {
        return Err("vector return values are not supported".into());
    }
    Ok(sig)
}

fn ext_param(s: Scalar, attrs: &jitty_ir::ParamAttrs) -> AbiParam {
    let p = AbiParam::new(s.cl());
    match s {
        Scalar::Int(b) if b < 32 && attrs.zeroext => p.uext(),
        Scalar::Int(b) if b < 32 && attrs.signext => p.sext(),
        _ => p,
    }
}

/// ABI parameters of one IR argument.
pub(crate) fn abi_params(
    m: &Module,
    ty: Ty,
    attrs: &jitty_ir::ParamAttrs,
    first: bool,
) -> std::result::Result<Vec<AbiParam>, String> {
    if let Some(t) = attrs.byval {
        let size = u32::try_from(m.alloc_size(t)).map_err(|_| "byval too large")?;
        // Cranelift copies a byval argument in 8-byte words and panics on
        // any other size (csmith's packed structs); rounding up would read
        // past the caller's object, so such a function stays interpreted.
        if !size.is_multiple_of(8) {
            return Err(format!("a byval argument of {size} bytes (Cranelift passes only multiples of 8)"));
        }
        return Ok(vec![AbiParam::special(types::I64, cl::ArgumentPurpose::StructArgument(size))]);
    }
    if attrs.sret.is_some() && first {
        return Ok(vec![AbiParam::special(types::I64, cl::ArgumentPurpose::StructReturn)]);
    }
    if m.types.vector(ty).is_some() {
        return Err("vector arguments are not supported".into());
    }
    Ok(leaves_of(m, ty)?.into_iter().map(|l| ext_param(l.scalar, attrs)).collect())
}

/// Lowers IR function `fid` into `b`'s function. Returns the unit members it
/// references.
pub(crate) fn lower_function<'a, 'm>(
    cx: &'a mut UnitCtx<'m>,
    fid: FuncId,
    b: FunctionBuilder<'a>,
    name: (u64, usize),
) -> Result<HashSet<FuncId>> {
    let m = cx.m;
    let f = m.func(fid);
    let unsup = |reason: &str| JitError::Unsupported { func: f.name.clone(), inst: None, reason: reason.into() };
    let (ret_ty, _, varargs) = m.types.func_sig(f.ty).ok_or_else(|| unsup("function has no function type"))?;
    if varargs {
        return Err(unsup("variadic function definitions are not supported (va_start)"));
    }
    let params: Vec<_> = f.params.iter().map(|p| (p.ty, p.attrs)).collect();
    let sig = signature_for(m, ret_ty, &params, &f.ret_attrs).map_err(|r| unsup(&r))?;
    let ret_types: Vec<Type> = sig.returns.iter().map(|p| p.value_type).collect();
    b.func.signature = sig;

    let order = rpo(f);
    let mut phis = vec![Vec::new(); f.blocks.len()];
    for (bid, bd) in f.blocks_iter() {
        for &i in &bd.insts {
            if matches!(f.inst(i).kind, InstKind::Phi { .. }) {
                phis[bid.index()].push(i);
            }
        }
    }
    let mut fl = FnLower {
        cx,
        m,
        fid,
        f,
        b,
        vals: vec![None; f.insts.len()],
        args: Vec::new(),
        blocks: vec![None; f.blocks.len()],
        phis,
        cur_block: BlockId(0),
        const_cache: HashMap::new(),
        bail: None,
        trap_blocks: HashMap::new(),
        ret_types,
        shadow_mark: None,
        name,
        referenced: HashSet::new(),
        cur_inst: None,
        scratch: None,
        pending: Vec::new(),
        ext_loads: extending_loads(m, f),
        ext_loaded: HashMap::new(),
        rpo_pos: {
            let mut pos = vec![usize::MAX; f.blocks.len()];
            for (k, b) in order.iter().enumerate() {
                pos[b.index()] = k;
            }
            pos
        },
    };
    for &bid in &order {
        let blk = fl.b.create_block();
        fl.blocks[bid.index()] = Some(blk);
    }
    // Phi parameters.
    for &bid in &order {
        let blk = fl.blocks[bid.index()].expect("created above");
        for phi in fl.phis[bid.index()].clone() {
            let ty = f.inst(phi).ty;
            let vals = match fl.packed(ty) {
                Some(p) => vec![fl.b.append_block_param(blk, p.ty)],
                None => {
                    let leaves = fl.leaves(ty)?;
                    leaves.iter().map(|l| fl.b.append_block_param(blk, l.scalar.cl())).collect()
                }
            };
            fl.vals[phi.index()] = Some(vals);
        }
    }
    // Entry: function parameters.
    let entry = fl.b.create_block();
    fl.b.append_block_params_for_function_params(entry);
    fl.b.switch_to_block(entry);
    let params_vals = fl.b.block_params(entry).to_vec();
    let mut k = 0;
    for (i, p) in f.params.iter().enumerate() {
        let n = abi_params(m, p.ty, &p.attrs, i == 0).map_err(|r| unsup(&r))?.len();
        let mut vals = params_vals[k..k + n].to_vec();
        if p.attrs.byval.is_none() && !(p.attrs.sret.is_some() && i == 0) {
            // Callers may leave the bits above an odd-width integer undefined.
            let leaves = fl.leaves(p.ty)?;
            for (v, l) in vals.iter_mut().zip(leaves) {
                if let Scalar::Int(bits) = l.scalar {
                    *v = fl.norm(*v, bits);
                }
            }
        }
        fl.args.push(vals);
        k += n;
    }
    let needs_shadow = f.insts.iter().any(|i| match &i.kind {
        InstKind::Alloca { .. } => true,
        InstKind::Call { callee: IrValue::Const(c), .. } => match m.constant(*c) {
            ConstData::Func { id, .. } => m.func(*id).name.starts_with("llvm.stacksave"),
            _ => false,
        },
        _ => false,
    }) && has_dynamic_alloca(f, m);
    if needs_shadow {
        fl.shadow_mark =
            Some(fl.call_helper(runtime::jitty_jit_shadow_mark as *const () as usize, &[], &[types::I64], &[])[0]);
    }
    let first = fl.cl_block(BlockId(0))?;
    fl.b.ins().jump(first, &[]);

    for &bid in &order {
        fl.cur_block = bid;
        fl.const_cache.clear();
        let blk = fl.blocks[bid.index()].expect("created above");
        fl.b.switch_to_block(blk);
        for &i in &f.block(bid).insts {
            fl.lower_inst(i, bid.index() == 0)?;
        }
        if f.terminator(bid).is_none() {
            fl.cur_inst = None;
            return Err(fl.unsup(format!("block {bid} has no terminator")));
        }
    }
    fl.fill_pending();
    fl.b.seal_all_blocks();
    let referenced = std::mem::take(&mut fl.referenced);
    let cfg = fl.cx.module.isa().frontend_config();
    fl.b.finalize(cfg);
    Ok(referenced)
}

/// True when the function has allocas outside the entry block, allocas of a
/// run-time size, or uses `llvm.stacksave`.
fn has_dynamic_alloca(f: &jitty_ir::Function, m: &Module) -> bool {
    f.blocks_iter().any(|(bid, bd)| {
        bd.insts.iter().any(|&i| match &f.inst(i).kind {
            InstKind::Alloca { count, .. } => {
                bid.index() != 0
                    || !matches!(count, IrValue::Const(c) if matches!(m.constant(*c), ConstData::Int { .. }))
            }
            InstKind::Call { callee: IrValue::Const(c), .. } => match m.constant(*c) {
                ConstData::Func { id, .. } => m.func(*id).name.starts_with("llvm.stacksave"),
                _ => false,
            },
            _ => false,
        })
    })
}
