//! Verifier of the IR's structural and type invariants.
//!
//! [`verify_module`] checks, and reports every violation of:
//!
//! **Module**
//! 1. Every function's `ty` is a function type whose parameter types and count
//!    equal its `params`.
//! 2. A global's initializer has the global's value type; an alias's aliasee
//!    is a pointer-typed constant; a personality is pointer-typed.
//! 3. Every referenced [`ConstId`], function, global and alias exists; integer
//!    constants fit their width (wide constants: one word per 64 bits, none
//!    of them above the width); aggregate constants have as many elements as
//!    their type and each element has the member's type.
//!
//! **Blocks**
//! 4. A definition has at least one block; every block is non-empty, ends with
//!    exactly one terminator and has no terminator before its end.
//! 5. Each instruction of the arena is placed in at most one block.
//! 6. Branch targets are in range; the entry block has no predecessors.
//! 7. Phis appear only at the start of a block and have exactly one incoming
//!    entry per predecessor edge (entries for the same predecessor carry the
//!    same value); a `landingpad` is the first non-phi instruction of its block
//!    and its function has a personality.
//!
//! **Values**
//! 8. `Value::Inst` refers to an instruction of the same function that is
//!    placed in a block and produces a value (non-void); `Value::Arg(n)` has
//!    `n < params.len()`; `Value::Const` is in the pool.
//! 9. Definitions dominate uses (dominator tree over the reachable CFG;
//!    uses in unreachable blocks are not checked, as in LLVM). A phi operand
//!    must be available at the end of its incoming block.
//!
//! **Types**
//! 10. Binary operands and result share one type: integer (or integer vector)
//!     for integer ops, float (or float vector) for float ops; `fneg` on floats.
//! 11. `icmp` compares integers or pointers (or vectors of them), `fcmp`
//!     floats; both operands have one type; the result is `i1` or `<N x i1>`.
//! 12. `select` arms have the result type; the condition is `i1` or `<N x i1>`.
//! 13. Casts go between the right type classes (`trunc` narrows and `zext`
//!     / `sext` widen integers, `ptrtoint` ptr→int, `inttoptr` int→ptr, ...).
//! 14. Pointer operands of `load`, `store`, `atomicrmw`, `cmpxchg`, `va_arg`
//!     and the base of `getelementptr` are pointers (or pointer vectors);
//!     `getelementptr` indices are integers, and its result is a vector of
//!     pointers exactly when the base or an index is a vector, all of one
//!     length; `alloca` counts are integers and
//!     its result is a pointer; `store`/`cmpxchg` value types are consistent
//!     and `cmpxchg` yields `{ T, i1 }`.
//! 15. Calls: the callee is a pointer, `fn_ty` a function type, the argument
//!     count matches (at least the fixed count for varargs), each fixed
//!     argument has its parameter's type, `arg_attrs` is empty or one per
//!     argument, and the result type is the return type.
//! 16. `ret` matches the function's return type; `br` conditions are `i1`;
//!     `switch` is on an integer and its cases are distinct integer constants
//!     of that type; `extractvalue`/`insertvalue` indices are valid and types
//!     agree; vector element operations act on vectors.

use crate::constant::{ConstData, truncate_bits};
use crate::dom::DomTree;
use crate::entity::{BlockId, ConstId, InstId, Ty};
use crate::function::Function;
use crate::inst::{BinOp, CastOp, InstKind, Value};
use crate::module::Module;
use crate::types::TypeData;
use std::collections::HashSet;

/// One violated invariant.
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("{}", self.render())]
pub struct VerifyError {
    /// The function (or global) concerned, if any.
    pub func: Option<String>,
    /// The block, if any.
    pub block: Option<BlockId>,
    /// The instruction, if any.
    pub inst: Option<InstId>,
    /// The broken invariant.
    pub message: String,
}

impl VerifyError {
    fn render(&self) -> String {
        let mut s = String::new();
        if let Some(f) = &self.func {
            s.push_str(&format!("in `@{f}`"));
        }
        if let Some(b) = self.block {
            s.push_str(&format!(", {b}"));
        }
        if let Some(i) = self.inst {
            s.push_str(&format!(", {i}"));
        }
        if !s.is_empty() {
            s.push_str(": ");
        }
        s.push_str(&self.message);
        s
    }
}

/// Verifies `m`, returning every violation found.
pub fn verify_module(m: &Module) -> Result<(), Vec<VerifyError>> {
    let mut v = Verifier { m, errors: Vec::new() };
    v.module();
    if v.errors.is_empty() { Ok(()) } else { Err(v.errors) }
}

struct Verifier<'a> {
    m: &'a Module,
    errors: Vec<VerifyError>,
}

/// Where an error is reported.
#[derive(Clone, Copy)]
struct Loc<'a> {
    func: Option<&'a str>,
    block: Option<BlockId>,
    inst: Option<InstId>,
}

impl<'a> Verifier<'a> {
    fn err(&mut self, at: Loc<'_>, message: impl Into<String>) {
        self.errors.push(VerifyError {
            func: at.func.map(str::to_string),
            block: at.block,
            inst: at.inst,
            message: message.into(),
        });
    }

    fn tyname(&self, ty: Ty) -> String {
        crate::printer::type_to_string(&self.m.types, ty)
    }

    fn const_ok(&self, c: ConstId) -> bool {
        c.index() < self.m.consts.len()
    }

    fn module(&mut self) {
        let m = self.m;
        // Constants (checked once, non-recursively: every element is itself in the pool).
        for (id, c) in m.consts.iter() {
            let at = Loc { func: None, block: None, inst: None };
            if c.ty().index() >= m.types.len() {
                self.err(at, format!("{id}: type out of range"));
                continue;
            }
            match c {
                ConstData::Int { ty, bits } => match m.types.int_bits(*ty) {
                    Some(w) if truncate_bits(*bits, w.min(128)) == *bits => {}
                    Some(w) => self.err(at, format!("{id}: integer constant does not fit i{w}")),
                    None => self.err(at, format!("{id}: integer constant of non-integer type")),
                },
                ConstData::WideInt { ty, words } => match m.types.int_bits(*ty) {
                    Some(w) if w > 128 && words.len() == w.div_ceil(64) as usize => {
                        let mut masked = words.clone();
                        crate::constant::mask_wide(&mut masked, w);
                        if masked != *words {
                            self.err(at, format!("{id}: wide integer constant has bits above i{w}"));
                        }
                    }
                    _ => self.err(at, format!("{id}: wide integer constant of a type that is not wider than i128")),
                },
                ConstData::Float { ty, .. } if m.types.float_kind(*ty).is_none() => {
                    self.err(at, format!("{id}: float constant of non-float type"))
                }
                ConstData::Aggregate { ty, elems } => {
                    let ok = elems.iter().enumerate().all(|(i, &e)| {
                        self.const_ok(e) && m.types.aggregate_elem(*ty, i as u64) == Some(m.constant(e).ty())
                    });
                    let len_ok = match m.types.get(*ty) {
                        TypeData::Array { len, .. } => *len == elems.len() as u64,
                        TypeData::Vector { len, .. } => *len as usize == elems.len(),
                        _ => m.types.struct_fields(*ty).is_some_and(|(f, _)| f.len() == elems.len()),
                    };
                    if !ok || !len_ok {
                        self.err(at, format!("{id}: aggregate constant does not match type `{}`", self.tyname(*ty)));
                    }
                }
                ConstData::Global { id: g, .. } if g.index() >= m.globals.len() => {
                    self.err(at, format!("{id}: reference to a missing global"))
                }
                ConstData::Func { id: f, .. } if f.index() >= m.funcs.len() => {
                    self.err(at, format!("{id}: reference to a missing function"))
                }
                ConstData::Alias { id: a, .. } if a.index() >= m.aliases.len() => {
                    self.err(at, format!("{id}: reference to a missing alias"))
                }
                _ => {}
            }
        }
        for g in &m.globals {
            let at = Loc { func: Some(&g.name), block: None, inst: None };
            if let Some(init) = g.init {
                if !self.const_ok(init) {
                    self.err(at, "initializer is not in the constant pool");
                } else if m.constant(init).ty() != g.value_ty {
                    self.err(
                        at,
                        format!(
                            "initializer has type `{}`, global has `{}`",
                            self.tyname(m.constant(init).ty()),
                            self.tyname(g.value_ty)
                        ),
                    );
                }
            }
        }
        for a in &m.aliases {
            let at = Loc { func: Some(&a.name), block: None, inst: None };
            if !self.const_ok(a.aliasee) || !m.types.is_ptr(m.constant(a.aliasee).ty()) {
                self.err(at, "aliasee is not a pointer constant");
            }
        }
        for f in &m.funcs {
            self.function(f);
        }
    }

    fn function(&mut self, f: &'a Function) {
        let m = self.m;
        let at = Loc { func: Some(&f.name), block: None, inst: None };
        let Some((ret, params, _)) = m.types.func_sig(f.ty) else {
            self.err(at, "function type is not a function type");
            return;
        };
        if params.len() != f.params.len() || params.iter().zip(&f.params).any(|(t, p)| *t != p.ty) {
            self.err(at, "parameters do not match the function type");
            return;
        }
        if let Some(p) = f.personality
            && (!self.const_ok(p) || !m.types.is_ptr(m.constant(p).ty()))
        {
            self.err(at, "personality is not a pointer constant");
        }
        if f.is_declaration() {
            return;
        }
        // Placement: each inst in at most one block.
        let n = f.insts.len();
        let mut place: Vec<Option<(BlockId, usize)>> = vec![None; n];
        let mut structure_ok = true;
        for (b, bd) in f.blocks_iter() {
            let bat = Loc { func: Some(&f.name), block: Some(b), inst: None };
            if bd.insts.is_empty() {
                self.err(bat, "block is empty (no terminator)");
                structure_ok = false;
                continue;
            }
            for (pos, &i) in bd.insts.iter().enumerate() {
                let iat = Loc { inst: Some(i), ..bat };
                if i.index() >= n {
                    self.err(iat, "instruction id out of range");
                    structure_ok = false;
                    continue;
                }
                if place[i.index()].is_some() {
                    self.err(iat, "instruction placed in more than one block or twice");
                    structure_ok = false;
                }
                place[i.index()] = Some((b, pos));
                let last = pos + 1 == bd.insts.len();
                let term = f.insts[i.index()].kind.is_terminator();
                if last && !term {
                    self.err(iat, "block does not end with a terminator");
                    structure_ok = false;
                }
                if !last && term {
                    self.err(iat, "terminator in the middle of a block");
                    structure_ok = false;
                }
            }
        }
        // CFG.
        let nb = f.blocks.len();
        let mut preds: Vec<Vec<BlockId>> = vec![Vec::new(); nb];
        let mut succs: Vec<Vec<BlockId>> = vec![Vec::new(); nb];
        for (b, bd) in f.blocks_iter() {
            let Some(&last) = bd.insts.last() else { continue };
            let Some(inst) = f.insts.get(last.index()) else { continue };
            for s in inst.kind.successors() {
                if s.index() >= nb {
                    self.err(
                        Loc { func: Some(&f.name), block: Some(b), inst: Some(last) },
                        format!("branch target {s} out of range"),
                    );
                    structure_ok = false;
                    continue;
                }
                preds[s.index()].push(b);
                succs[b.index()].push(s);
            }
        }
        if !preds[0].is_empty() {
            self.err(
                Loc { func: Some(&f.name), block: Some(BlockId(0)), inst: None },
                "the entry block has predecessors",
            );
        }
        let dom = if structure_ok { Some(DomTree::new(nb, &succs, &preds)) } else { None };
        let fv = FnVerifier { v: self, f, place: &place, preds: &preds, dom: dom.as_ref(), ret };
        fv.run();
    }
}

struct FnVerifier<'v, 'a> {
    v: &'v mut Verifier<'a>,
    f: &'a Function,
    place: &'v [Option<(BlockId, usize)>],
    preds: &'v [Vec<BlockId>],
    dom: Option<&'v DomTree>,
    ret: Ty,
}

impl FnVerifier<'_, '_> {
    fn loc(&self, b: BlockId, i: InstId) -> Loc<'_> {
        Loc { func: Some(&self.f.name), block: Some(b), inst: Some(i) }
    }

    fn err(&mut self, b: BlockId, i: InstId, msg: impl Into<String>) {
        let f = self.f;
        self.v.errors.push(VerifyError {
            func: Some(f.name.clone()),
            block: Some(b),
            inst: Some(i),
            message: msg.into(),
        });
        let _ = self.loc(b, i);
    }

    /// The type of `v`, or `None` (after reporting) when `v` is invalid.
    fn operand(&mut self, b: BlockId, i: InstId, v: Value, use_at: Option<(BlockId, usize)>) -> Option<Ty> {
        let m = self.v.m;
        match v {
            Value::Arg(n) => match self.f.params.get(n as usize) {
                Some(p) => Some(p.ty),
                None => {
                    self.err(b, i, format!("argument index {n} out of range"));
                    None
                }
            },
            Value::Const(c) => {
                if self.v.const_ok(c) {
                    Some(m.constant(c).ty())
                } else {
                    self.err(b, i, format!("constant {c} not in the pool"));
                    None
                }
            }
            Value::Inst(d) => {
                let Some(def) = self.f.insts.get(d.index()) else {
                    self.err(b, i, format!("operand {d} out of range"));
                    return None;
                };
                let Some((db, dpos)) = self.place[d.index()] else {
                    self.err(b, i, format!("operand {d} is not placed in any block"));
                    return None;
                };
                if m.types.is_void(def.ty) {
                    self.err(b, i, format!("operand {d} produces no value"));
                    return None;
                }
                if let (Some(dom), Some((ub, upos))) = (self.dom, use_at) {
                    let (dbi, ubi) = (db.index(), ub.index());
                    if dom.reachable(ubi) {
                        let ok = if dbi == ubi {
                            // `upos == usize::MAX` marks "end of block" (phi uses).
                            dpos < upos
                        } else {
                            dom.reachable(dbi) && dom.dominates(dbi, ubi)
                        };
                        if !ok {
                            self.err(b, i, format!("operand {d} does not dominate this use"));
                        }
                    }
                }
                Some(def.ty)
            }
        }
    }

    fn run(mut self) {
        let f = self.f;
        for (b, bd) in f.blocks_iter() {
            let mut seen_non_phi = false;
            for (pos, &i) in bd.insts.iter().enumerate() {
                let Some(inst) = f.insts.get(i.index()) else { continue };
                let is_phi = matches!(inst.kind, InstKind::Phi { .. });
                if is_phi && seen_non_phi {
                    self.err(b, i, "phi after a non-phi instruction");
                }
                if matches!(inst.kind, InstKind::LandingPad { .. }) {
                    if seen_non_phi {
                        self.err(b, i, "landingpad is not the first non-phi instruction");
                    }
                    if f.personality.is_none() {
                        self.err(b, i, "landingpad in a function without a personality");
                    }
                }
                seen_non_phi |= !is_phi;
                self.inst(b, i, pos);
            }
        }
    }

    fn is_int_or_vec(&self, t: Ty) -> bool {
        let ty = &self.v.m.types;
        ty.int_bits(ty.scalar(t)).is_some()
    }

    fn is_float_or_vec(&self, t: Ty) -> bool {
        let ty = &self.v.m.types;
        ty.float_kind(ty.scalar(t)).is_some()
    }

    fn is_ptr_or_vec(&self, t: Ty) -> bool {
        let ty = &self.v.m.types;
        ty.is_ptr(ty.scalar(t))
    }

    fn bool_like(&self, t: Ty, like: Ty) -> bool {
        let ty = &self.v.m.types;
        match (ty.get(t), ty.get(like)) {
            (TypeData::Int(1), TypeData::Vector { .. }) => true,
            (TypeData::Int(1), _) => true,
            (TypeData::Vector { elem, len, .. }, TypeData::Vector { len: l2, .. }) => {
                ty.int_bits(*elem) == Some(1) && len == l2
            }
            _ => false,
        }
    }

    fn inst(&mut self, b: BlockId, i: InstId, pos: usize) {
        let m = self.v.m;
        let types = &m.types;
        let f = self.f;
        let inst = &f.insts[i.index()];
        let here = Some((b, pos));
        let rty = inst.ty;
        macro_rules! op {
            ($v:expr) => {
                match self.operand(b, i, $v, here) {
                    Some(t) => t,
                    None => return,
                }
            };
        }
        macro_rules! check {
            ($cond:expr, $($msg:tt)*) => {
                if !$cond {
                    self.err(b, i, format!($($msg)*));
                }
            };
        }
        match &inst.kind {
            InstKind::FNeg { val, .. } => {
                let t = op!(*val);
                check!(t == rty && self.is_float_or_vec(t), "fneg operand must be a float of the result type");
            }
            InstKind::Binary { op, lhs, rhs, .. } => {
                let (a, c) = (op!(*lhs), op!(*rhs));
                check!(a == rty && c == rty, "binary operands must both have the result type");
                if op.is_float() {
                    check!(self.is_float_or_vec(rty), "`{}` needs float operands", op.keyword());
                } else {
                    check!(self.is_int_or_vec(rty), "`{}` needs integer operands", op.keyword());
                }
                let _: BinOp = *op;
            }
            InstKind::ICmp { lhs, rhs, .. } => {
                let (a, c) = (op!(*lhs), op!(*rhs));
                check!(a == c, "icmp operands have different types");
                check!(self.is_int_or_vec(a) || self.is_ptr_or_vec(a), "icmp needs integer or pointer operands");
                check!(self.bool_like(rty, a), "icmp result must be i1 or <N x i1>");
            }
            InstKind::FCmp { lhs, rhs, .. } => {
                let (a, c) = (op!(*lhs), op!(*rhs));
                check!(a == c, "fcmp operands have different types");
                check!(self.is_float_or_vec(a), "fcmp needs float operands");
                check!(self.bool_like(rty, a), "fcmp result must be i1 or <N x i1>");
            }
            InstKind::Cast { op, val, .. } => {
                let src = op!(*val);
                self.cast(b, i, *op, src, rty);
            }
            InstKind::Select { cond, if_true, if_false, .. } => {
                let (c, t, e) = (op!(*cond), op!(*if_true), op!(*if_false));
                check!(t == rty && e == rty, "select arms must have the result type");
                check!(self.bool_like(c, rty), "select condition must be i1 or <N x i1>");
            }
            InstKind::Phi { incoming } => {
                for &(v, from) in incoming {
                    if from.index() >= f.blocks.len() {
                        self.err(b, i, format!("phi incoming block {from} out of range"));
                        continue;
                    }
                    // Available at the end of the incoming block.
                    if let Some(t) = self.operand(b, i, v, Some((from, usize::MAX))) {
                        check!(
                            t == rty,
                            "phi incoming value has type `{}`, phi has `{}`",
                            self.v.tyname(t),
                            self.v.tyname(rty)
                        );
                    }
                }
                let mut want: Vec<BlockId> = self.preds[b.index()].clone();
                let mut have: Vec<BlockId> = incoming.iter().map(|(_, blk)| *blk).collect();
                want.sort_unstable();
                have.sort_unstable();
                if want != have {
                    let mut dedup_want = want.clone();
                    dedup_want.dedup();
                    let mut dedup_have = have.clone();
                    dedup_have.dedup();
                    if dedup_want != dedup_have || have.len() != want.len() {
                        self.err(b, i, "phi does not have exactly one entry per predecessor");
                    }
                }
                for (k, (v1, b1)) in incoming.iter().enumerate() {
                    if incoming[..k].iter().any(|(v0, b0)| b0 == b1 && v0 != v1) {
                        self.err(b, i, format!("phi has different values for predecessor {b1}"));
                    }
                }
            }
            InstKind::Alloca { count, .. } => {
                let c = op!(*count);
                check!(types.int_bits(c).is_some(), "alloca count must be an integer");
                check!(types.is_ptr(rty), "alloca result must be a pointer");
            }
            InstKind::Load { ptr, .. } => {
                let p = op!(*ptr);
                check!(types.is_ptr(p), "load address must be a pointer");
                check!(types.is_first_class(rty) && !types.is_void(rty), "load of a non-first-class type");
            }
            InstKind::Store { val, ptr, .. } => {
                let (_, p) = (op!(*val), op!(*ptr));
                check!(types.is_ptr(p), "store address must be a pointer");
            }
            InstKind::Gep { base, indices, .. } => {
                let bt = op!(*base);
                check!(self.is_ptr_or_vec(bt), "getelementptr base must be a pointer");
                let mut index_tys = Vec::with_capacity(indices.len());
                for &ix in indices {
                    let t = op!(ix);
                    check!(self.is_int_or_vec(t), "getelementptr index must be an integer");
                    index_tys.push(t);
                }
                check!(self.is_ptr_or_vec(rty), "getelementptr result must be a pointer");
                // A vector GEP: the result is `<N x ptr>` exactly when the
                // base or an index is a vector, and every vector has N lanes.
                let lanes = |t: Ty| types.vector(t).map(|(_, n)| n);
                let mut operand_lanes = index_tys.iter().filter_map(|&t| lanes(t)).chain(lanes(bt));
                match lanes(rty) {
                    Some(n) => {
                        check!(
                            operand_lanes.clone().next().is_some(),
                            "vector getelementptr result without a vector base or index"
                        );
                        check!(
                            operand_lanes.all(|k| k == n),
                            "vector getelementptr operands must have as many lanes as the result"
                        );
                    }
                    None => check!(operand_lanes.next().is_none(), "getelementptr of vectors must give a vector"),
                }
            }
            InstKind::Call { callee, fn_ty, args, arg_attrs, .. }
            | InstKind::Invoke { callee, fn_ty, args, arg_attrs, .. } => {
                let ct = op!(*callee);
                check!(types.is_ptr(ct), "callee must be a pointer");
                let Some((ret, params, varargs)) = types.func_sig(*fn_ty) else {
                    self.err(b, i, "call type is not a function type");
                    return;
                };
                check!(ret == rty, "call result type differs from the callee's return type");
                let count_ok = if varargs { args.len() >= params.len() } else { args.len() == params.len() };
                check!(
                    count_ok,
                    "call passes {} arguments, callee takes {}{}",
                    args.len(),
                    params.len(),
                    if varargs { " or more" } else { "" }
                );
                check!(
                    arg_attrs.is_empty() || arg_attrs.len() == args.len(),
                    "arg_attrs must be empty or one per argument"
                );
                for (k, &a) in args.iter().enumerate() {
                    let t = op!(a);
                    if let Some(&p) = params.get(k) {
                        check!(
                            t == p,
                            "argument {k} has type `{}`, parameter has `{}`",
                            self.v.tyname(t),
                            self.v.tyname(p)
                        );
                    }
                }
            }
            InstKind::LandingPad { clauses, .. } => {
                for &(_, v) in clauses {
                    op!(v);
                }
            }
            InstKind::ExtractValue { agg, indices } => {
                let at = op!(*agg);
                match self.index_path(at, indices) {
                    Some(t) => check!(t == rty, "extractvalue result type does not match the indexed member"),
                    None => self.err(b, i, "extractvalue index out of range"),
                }
            }
            InstKind::InsertValue { agg, val, indices } => {
                let (at, vt) = (op!(*agg), op!(*val));
                check!(at == rty, "insertvalue result must have the aggregate's type");
                match self.index_path(at, indices) {
                    Some(t) => check!(t == vt, "inserted value does not match the indexed member"),
                    None => self.err(b, i, "insertvalue index out of range"),
                }
            }
            InstKind::ExtractElement { vec, idx } => {
                let (vt, it) = (op!(*vec), op!(*idx));
                check!(
                    matches!(types.get(vt), TypeData::Vector { elem, .. } if *elem == rty),
                    "extractelement on a non-vector or wrong element type"
                );
                check!(types.int_bits(it).is_some(), "vector index must be an integer");
            }
            InstKind::InsertElement { vec, elt, idx } => {
                let (vt, et, it) = (op!(*vec), op!(*elt), op!(*idx));
                check!(
                    vt == rty && matches!(types.get(vt), TypeData::Vector { elem, .. } if *elem == et),
                    "insertelement types do not agree"
                );
                check!(types.int_bits(it).is_some(), "vector index must be an integer");
            }
            InstKind::ShuffleVector { a, b: bv, mask } => {
                let (at, bt) = (op!(*a), op!(*bv));
                check!(at == bt, "shufflevector operands have different types");
                check!(
                    matches!(types.get(rty), TypeData::Vector { len, .. } if *len as usize == mask.len()),
                    "shufflevector result length differs from the mask length"
                );
            }
            InstKind::AtomicRmw { ptr, val, .. } => {
                let (p, v) = (op!(*ptr), op!(*val));
                check!(types.is_ptr(p), "atomicrmw address must be a pointer");
                check!(v == rty, "atomicrmw result must have the operand's type");
            }
            InstKind::CmpXchg { ptr, cmp, new, .. } => {
                let (p, c, n) = (op!(*ptr), op!(*cmp), op!(*new));
                check!(types.is_ptr(p), "cmpxchg address must be a pointer");
                check!(c == n, "cmpxchg compare and new values differ in type");
                let ok = matches!(types.struct_fields(rty), Some((fs, false)) if fs.len() == 2 && fs[0] == c && types.int_bits(fs[1]) == Some(1));
                check!(ok, "cmpxchg result must be `{{ T, i1 }}`");
            }
            InstKind::Fence { .. } | InstKind::Unreachable | InstKind::Br { .. } => {}
            InstKind::Freeze { val } => {
                let t = op!(*val);
                check!(t == rty, "freeze result must have the operand's type");
            }
            InstKind::VaArg { list } => {
                let t = op!(*list);
                check!(types.is_ptr(t), "va_arg list must be a pointer");
            }
            InstKind::Ret { val } => match val {
                None => {
                    check!(types.is_void(self.ret), "`ret void` in a function returning `{}`", self.v.tyname(self.ret))
                }
                Some(v) => {
                    let t = op!(*v);
                    check!(
                        t == self.ret,
                        "returns `{}` from a function returning `{}`",
                        self.v.tyname(t),
                        self.v.tyname(self.ret)
                    );
                }
            },
            InstKind::CondBr { cond, .. } => {
                let t = op!(*cond);
                check!(types.int_bits(t) == Some(1), "branch condition must be i1");
            }
            InstKind::Switch { val, cases, .. } => {
                let t = op!(*val);
                check!(types.int_bits(t).is_some(), "switch condition must be an integer");
                let mut seen = HashSet::new();
                for (c, _) in cases {
                    if !self.v.const_ok(*c) {
                        self.err(b, i, "switch case constant not in the pool");
                        continue;
                    }
                    match m.constant(*c) {
                        ConstData::Int { ty, bits } if *ty == t => {
                            check!(seen.insert(*bits), "duplicate switch case value");
                        }
                        _ => self.err(b, i, "switch case is not an integer constant of the condition's type"),
                    }
                }
            }
            InstKind::IndirectBr { addr, .. } => {
                let t = op!(*addr);
                check!(types.is_ptr(t), "indirectbr address must be a pointer");
            }
            InstKind::Resume { val } => {
                op!(*val);
            }
        }
    }

    fn index_path(&self, mut t: Ty, indices: &[u32]) -> Option<Ty> {
        let types = &self.v.m.types;
        if indices.is_empty() {
            return None;
        }
        for &ix in indices {
            if matches!(types.get(t), TypeData::Vector { .. }) {
                return None;
            }
            t = types.aggregate_elem(t, u64::from(ix))?;
        }
        Some(t)
    }

    fn cast(&mut self, b: BlockId, i: InstId, op: CastOp, src: Ty, dst: Ty) {
        let types = &self.v.m.types;
        let (s, d) = (types.scalar(src), types.scalar(dst));
        let lanes = |t: Ty| types.vector(t).map(|(_, n)| n);
        let same_shape = lanes(src) == lanes(dst);
        let int_w = |t: Ty| types.int_bits(t);
        let flt_w = |t: Ty| types.float_kind(t).map(|k| k.bits());
        let ok = match op {
            CastOp::Trunc => matches!((int_w(s), int_w(d)), (Some(a), Some(b)) if a > b) && same_shape,
            CastOp::ZExt | CastOp::SExt => matches!((int_w(s), int_w(d)), (Some(a), Some(b)) if a < b) && same_shape,
            CastOp::FpTrunc => matches!((flt_w(s), flt_w(d)), (Some(a), Some(b)) if a > b) && same_shape,
            CastOp::FpExt => matches!((flt_w(s), flt_w(d)), (Some(a), Some(b)) if a < b) && same_shape,
            CastOp::FpToUi | CastOp::FpToSi => flt_w(s).is_some() && int_w(d).is_some() && same_shape,
            CastOp::UiToFp | CastOp::SiToFp => int_w(s).is_some() && flt_w(d).is_some() && same_shape,
            CastOp::PtrToInt | CastOp::PtrToAddr => types.is_ptr(s) && int_w(d).is_some() && same_shape,
            CastOp::IntToPtr => int_w(s).is_some() && types.is_ptr(d) && same_shape,
            CastOp::AddrSpaceCast => types.is_ptr(s) && types.is_ptr(d) && same_shape,
            CastOp::BitCast => {
                types.is_first_class(src)
                    && types.is_first_class(dst)
                    && !matches!(types.get(src), TypeData::Struct { .. } | TypeData::Array { .. } | TypeData::Named(_))
                    && !matches!(types.get(dst), TypeData::Struct { .. } | TypeData::Array { .. } | TypeData::Named(_))
                    && self.v.m.layout.store_size(types, src) == self.v.m.layout.store_size(types, dst)
            }
        };
        if !ok {
            let msg = format!("invalid `{}` from `{}` to `{}`", op.keyword(), self.v.tyname(src), self.v.tyname(dst));
            self.err(b, i, msg);
        }
    }
}
