//! Function definitions, declarations and instruction bodies.
//!
//! Local values and labels may be used before they are defined (phis, loops).
//! A forward value reference gets a placeholder [`InstId`] at or above
//! [`FWD_BASE`]; blocks get ids in order of first mention. After the closing
//! `}` every placeholder is resolved (or reported as undefined, at its first
//! use) and blocks are renumbered into textual order, entry first.

use super::Parser;
use super::consts::{bin_op, cast_op, flag_of};
use crate::Result;
use crate::lexer::{Kind, Token};
use foldhash::HashMap;
use jitty_ir::{
    BlockId, ConstData, FloatPred, Function, InstData, InstId, InstKind, IntPred, Ordering, Param, ParamAttrs, RmwOp,
    Symbol, TailKind, Ty, TypeData, Value,
};
use std::borrow::Cow;

/// Placeholder instruction ids for forward references start here.
const FWD_BASE: u32 = 0x8000_0000;

/// What a local name is bound to.
#[derive(Clone, Copy, Debug)]
enum Slot {
    Arg(u32),
    Inst(InstId),
    Fwd(u32),
}

/// A local value or label name.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
enum Key<'a> {
    Named(Cow<'a, str>),
    Num(u32),
}

#[derive(Debug)]
struct FwdRef {
    ty: Ty,
    pos: usize,
    end: usize,
    resolved: Option<InstId>,
}

/// Parsing state of one function body.
#[derive(Debug, Default)]
struct FnState<'a> {
    values: HashMap<Key<'a>, Slot>,
    blocks: HashMap<Key<'a>, BlockId>,
    block_defined: Vec<bool>,
    block_first_use: Vec<(usize, usize)>,
    block_order: Vec<BlockId>,
    fwd: Vec<FwdRef>,
    next_num: u32,
    param_tys: Vec<Ty>,
}

fn int_pred(w: &str) -> Option<IntPred> {
    Some(match w {
        "eq" => IntPred::Eq,
        "ne" => IntPred::Ne,
        "ugt" => IntPred::Ugt,
        "uge" => IntPred::Uge,
        "ult" => IntPred::Ult,
        "ule" => IntPred::Ule,
        "sgt" => IntPred::Sgt,
        "sge" => IntPred::Sge,
        "slt" => IntPred::Slt,
        "sle" => IntPred::Sle,
        _ => return None,
    })
}

fn float_pred(w: &str) -> Option<FloatPred> {
    Some(match w {
        "false" => FloatPred::False,
        "oeq" => FloatPred::Oeq,
        "ogt" => FloatPred::Ogt,
        "oge" => FloatPred::Oge,
        "olt" => FloatPred::Olt,
        "ole" => FloatPred::Ole,
        "one" => FloatPred::One,
        "ord" => FloatPred::Ord,
        "ueq" => FloatPred::Ueq,
        "ugt" => FloatPred::Ugt,
        "uge" => FloatPred::Uge,
        "ult" => FloatPred::Ult,
        "ule" => FloatPred::Ule,
        "une" => FloatPred::Une,
        "uno" => FloatPred::Uno,
        "true" => FloatPred::True,
        _ => return None,
    })
}

fn ordering_of(w: &str) -> Option<Ordering> {
    Some(match w {
        "unordered" => Ordering::Unordered,
        "monotonic" => Ordering::Monotonic,
        "acquire" => Ordering::Acquire,
        "release" => Ordering::Release,
        "acq_rel" => Ordering::AcqRel,
        "seq_cst" => Ordering::SeqCst,
        _ => return None,
    })
}

fn rmw_op(w: &str) -> Option<RmwOp> {
    Some(match w {
        "xchg" => RmwOp::Xchg,
        "add" => RmwOp::Add,
        "sub" => RmwOp::Sub,
        "and" => RmwOp::And,
        "nand" => RmwOp::Nand,
        "or" => RmwOp::Or,
        "xor" => RmwOp::Xor,
        "max" => RmwOp::Max,
        "min" => RmwOp::Min,
        "umax" => RmwOp::UMax,
        "umin" => RmwOp::UMin,
        "fadd" => RmwOp::FAdd,
        "fsub" => RmwOp::FSub,
        "fmax" => RmwOp::FMax,
        "fmin" => RmwOp::FMin,
        "uinc_wrap" => RmwOp::UIncWrap,
        "udec_wrap" => RmwOp::UDecWrap,
        "usub_cond" => RmwOp::USubCond,
        "usub_sat" => RmwOp::USubSat,
        _ => return None,
    })
}

/// Rewrites every block reference of `kind` with `f`: a phi's incoming
/// blocks, or a terminator's successors.
fn map_blocks(kind: &mut InstKind, mut f: impl FnMut(&mut BlockId)) {
    match kind {
        InstKind::Phi { incoming } => incoming.iter_mut().for_each(|(_, b)| f(b)),
        other => other.for_each_successor_mut(f),
    }
}

/// The result of parsing a call's common part.
struct CallParts {
    callee: CallTarget,
    fn_ty: Ty,
    args: Vec<Value>,
    arg_attrs: Vec<ParamAttrs>,
    ret_attrs: jitty_ir::ParamAttrs,
    cconv: jitty_ir::CallConv,
    flags: jitty_ir::Flags,
    /// Dropped entirely (`llvm.dbg.*`, noalias scope declarations).
    drop: bool,
}

/// What a call calls.
enum CallTarget {
    /// A function value.
    Value(Value),
    /// An inline asm call that executes nothing: an empty template and no
    /// outputs (a compiler barrier such as Rust's `black_box` or C's
    /// `asm volatile("" ::: "memory")`), at byte `at`. A `call` of one is
    /// dropped: its clobbers only constrain an optimizer, and an access
    /// they could order against another thread without atomics would be a
    /// data race. An `invoke` of one stays refused.
    NoopAsm { at: usize, template: String },
}

impl<'a> Parser<'a> {
    /// Parses `define ... { ... }` or `declare ...`.
    pub(super) fn parse_function(&mut self, define: bool) -> Result<()> {
        self.bump();
        let prefix = self.parse_prefix(true)?;
        let ret = self.parse_type()?;
        let name_tok = self.expect_global_name()?;
        let Symbol::Func(id) = self.symbol_at(name_tok)? else {
            return Err(self.err_at(name_tok.start, "symbol kind changed between passes"));
        };
        self.expect_punct(b'(')?;
        let mut params = Vec::new();
        let mut param_names: Vec<Option<Token>> = Vec::new();
        let mut varargs = false;
        while !self.is_punct(b')') {
            if !params.is_empty() || varargs {
                self.expect_punct(b',')?;
            }
            if self.tok.kind == Kind::Ellipsis {
                self.bump();
                varargs = true;
                continue;
            }
            if varargs {
                return Err(self.expected("`)` after `...`"));
            }
            let ty = self.parse_type()?;
            let attrs = self.parse_param_attrs()?;
            let name = match self.tok.kind {
                Kind::LocalName | Kind::LocalNum => {
                    let t = self.tok;
                    self.bump();
                    Some(t)
                }
                _ => None,
            };
            param_names.push(name);
            params.push(Param {
                ty,
                name: name.filter(|t| t.kind == Kind::LocalName).map(|t| self.name_of(t).into_owned()),
                attrs,
            });
        }
        self.bump();
        let fattrs = self.parse_fn_attrs()?;
        let fn_ty = self.m.types.intern(TypeData::Func { ret, params: params.iter().map(|p| p.ty).collect(), varargs });
        let name = self.name_of(name_tok).into_owned();
        let mut f = Function::declaration(name, fn_ty, params);
        f.linkage = prefix.linkage;
        f.cconv = prefix.cconv;
        f.ret_attrs = prefix.ret_attrs;
        f.personality = fattrs.personality;
        f.align = fattrs.align;
        f.section = fattrs.section;
        f.noreturn = fattrs.noreturn;
        f.noinline = fattrs.noinline;
        f.cold = fattrs.cold;
        if !fattrs.groups.is_empty() {
            self.func_groups.push((id, fattrs.groups));
        }
        if define {
            if !self.is_punct(b'{') {
                return Err(self.expected("`{` to start the function body"));
            }
            self.bump();
            self.parse_body(&mut f, &param_names)?;
        }
        self.m.funcs[id.index()] = f;
        Ok(())
    }

    fn parse_body(&mut self, f: &mut Function, param_names: &[Option<Token>]) -> Result<()> {
        let mut st = FnState { param_tys: f.params.iter().map(|p| p.ty).collect(), ..FnState::default() };
        for (i, name) in param_names.iter().enumerate() {
            let i = u32::try_from(i).unwrap_or(u32::MAX);
            if let Some(t) = name {
                let key = self.local_key(*t);
                if let Key::Num(n) = key {
                    st.next_num = n.saturating_add(1);
                }
                if st.values.insert(key, Slot::Arg(i)).is_some() {
                    return Err(self.err_at(t.start, "redefinition of a parameter name"));
                }
            } else {
                st.next_num = st.next_num.saturating_add(1);
            }
        }
        let mut body = Body { p: self, f, st, cur: None };
        body.parse()
    }

    /// The lookup key of a `%name` / `%N` / label token.
    fn local_key(&self, t: Token) -> Key<'a> {
        match t.kind {
            Kind::LocalNum => Key::Num(self.text(t)[1..].parse().unwrap_or(u32::MAX)),
            Kind::Label if self.text(t).bytes().all(|c| c.is_ascii_digit()) => {
                Key::Num(self.text(t).parse().unwrap_or(u32::MAX))
            }
            _ => Key::Named(self.name_of(t)),
        }
    }
}

/// Parser of one function body.
struct Body<'p, 'a> {
    p: &'p mut Parser<'a>,
    f: &'p mut Function,
    st: FnState<'a>,
    /// The block being filled, if the previous instruction was not a terminator.
    cur: Option<BlockId>,
}

impl<'a> Body<'_, 'a> {
    fn parse(&mut self) -> Result<()> {
        loop {
            match self.p.tok.kind {
                Kind::Punct(b'}') => break,
                Kind::Eof => return Err(self.p.expected("`}` to end the function body")),
                Kind::Label => {
                    let t = self.p.tok;
                    self.p.bump();
                    if let Some(b) = self.cur {
                        let pos = t.start;
                        return Err(self.p.err_at(
                            pos,
                            format!("block {} does not end with a terminator before label", self.block_label(b)),
                        ));
                    }
                    self.define_block(Some(t))?;
                }
                Kind::DbgRecord => {
                    self.p.bump();
                    self.p.skip_balanced(b'(', b')')?;
                }
                Kind::Ident if matches!(self.p.text(self.p.tok), "uselistorder" | "uselistorder_bb") => {
                    self.p.skip_uselistorder()?;
                }
                _ => self.statement()?,
            }
        }
        let end = self.p.tok.start;
        self.p.bump();
        if self.cur.is_some() || self.st.block_order.is_empty() {
            return Err(self.p.err_at(end, "expected a terminator instruction before `}`"));
        }
        self.finish()
    }

    fn block_label(&self, b: BlockId) -> String {
        match &self.f.blocks[b.index()].name {
            Some(n) => format!("`%{n}`"),
            None => "(unnamed)".to_string(),
        }
    }

    /// Starts a block labelled by `label` (or the next number).
    fn define_block(&mut self, label: Option<Token>) -> Result<()> {
        let key = match label {
            Some(t) => self.p.local_key(t),
            None => Key::Num(self.st.next_num),
        };
        if let Key::Num(n) = key {
            self.st.next_num = n.saturating_add(1);
        }
        let pos = label.map_or(self.p.tok.start, |t| t.start);
        let b = self.block_ref(key, (pos, pos));
        if self.st.block_defined[b.index()] {
            return Err(self.p.err_at(pos, "redefinition of a block label"));
        }
        self.st.block_defined[b.index()] = true;
        self.st.block_order.push(b);
        self.cur = Some(b);
        Ok(())
    }

    /// The block for `key`, created on first mention.
    fn block_ref(&mut self, key: Key<'a>, pos: (usize, usize)) -> BlockId {
        if let Some(&b) = self.st.blocks.get(&key) {
            return b;
        }
        let name = match &key {
            Key::Named(n) => Some(n.to_string()),
            Key::Num(_) => None,
        };
        let b = self.f.push_block(name);
        self.st.block_defined.push(false);
        self.st.block_first_use.push(pos);
        self.st.blocks.insert(key, b);
        b
    }

    /// Parses `label %bb`.
    fn label(&mut self) -> Result<BlockId> {
        self.p.expect_ident("label")?;
        self.block_operand()
    }

    /// Parses `%bb` (a block reference without `label`).
    fn block_operand(&mut self) -> Result<BlockId> {
        let t = self.p.tok;
        if !matches!(t.kind, Kind::LocalName | Kind::LocalNum) {
            return Err(self.p.expected("a block label `%...`"));
        }
        self.p.bump();
        let key = self.p.local_key(t);
        Ok(self.block_ref(key, (t.start, t.end)))
    }

    fn type_of(&self, v: Value) -> Ty {
        match v {
            Value::Inst(id) if id.0 >= FWD_BASE => self.st.fwd[(id.0 - FWD_BASE) as usize].ty,
            Value::Inst(id) => self.f.insts[id.index()].ty,
            Value::Arg(i) => self.st.param_tys[i as usize],
            Value::Const(c) => self.p.m.constant(c).ty(),
        }
    }

    /// Parses a value of type `ty`.
    fn value(&mut self, ty: Ty) -> Result<Value> {
        let t = self.p.tok;
        match t.kind {
            Kind::LocalName | Kind::LocalNum => {
                self.p.bump();
                let key = self.p.local_key(t);
                let v = match self.st.values.get(&key) {
                    Some(&Slot::Arg(i)) => Value::Arg(i),
                    Some(&Slot::Inst(id)) => Value::Inst(id),
                    Some(&Slot::Fwd(k)) => Value::Inst(InstId(FWD_BASE + k)),
                    None => {
                        let k = u32::try_from(self.st.fwd.len()).unwrap_or(u32::MAX);
                        self.st.fwd.push(FwdRef { ty, pos: t.start, end: t.end, resolved: None });
                        self.st.values.insert(key, Slot::Fwd(k));
                        return Ok(Value::Inst(InstId(FWD_BASE + k)));
                    }
                };
                let have = self.type_of(v);
                if have != ty {
                    return Err(self.p.err_at(
                        t.start,
                        format!(
                            "type mismatch: {} has type `{}` but is used as `{}`",
                            self.p.describe(t),
                            self.p.type_name(have),
                            self.p.type_name(ty)
                        ),
                    ));
                }
                Ok(v)
            }
            _ => Ok(Value::Const(self.p.parse_const(ty)?)),
        }
    }

    /// Parses `T v`.
    fn typed_value(&mut self) -> Result<(Ty, Value)> {
        let ty = self.p.parse_type()?;
        Ok((ty, self.value(ty)?))
    }

    /// Parses `T v` where `T` must be a pointer type.
    fn ptr_value(&mut self) -> Result<Value> {
        let pos = self.p.tok.start;
        let (ty, v) = self.typed_value()?;
        if !self.p.m.types.is_ptr(ty) {
            return Err(self
                .p
                .err_at(pos, format!("expected a pointer operand, found type `{}`", self.p.type_name(ty))));
        }
        Ok(v)
    }

    /// Parses the trailing `, align N` and `, !md !N` items; returns the alignment.
    fn trailer(&mut self) -> Result<u32> {
        let mut align = 0;
        while self.p.is_punct(b',') {
            let next = self.p.peek();
            if next.kind == Kind::MetaName {
                self.p.bump();
                self.p.skip_md_attachment()?;
            } else if next.kind == Kind::Ident && self.p.text(next) == "align" {
                self.p.bump();
                self.p.bump();
                align = self.p.expect_u32()?;
            } else {
                return Err(self.p.expected("end of instruction"));
            }
        }
        Ok(align)
    }

    /// Parses `[syncscope("...")] <ordering>`.
    fn sync_ordering(&mut self) -> Result<Ordering> {
        if self.p.eat_ident("syncscope") {
            self.p.skip_balanced(b'(', b')')?;
        }
        let o = self.p.ident().and_then(ordering_of).ok_or_else(|| self.p.expected("an atomic ordering"))?;
        self.p.bump();
        Ok(o)
    }

    fn statement(&mut self) -> Result<()> {
        let stmt_pos = self.p.tok.start;
        let name = match self.p.tok.kind {
            Kind::LocalName | Kind::LocalNum => {
                let t = self.p.tok;
                self.p.bump();
                self.p.expect_punct(b'=')?;
                Some(t)
            }
            _ => None,
        };
        if self.cur.is_none() {
            if self.p.tok.kind == Kind::Punct(b'}') {
                return Ok(());
            }
            self.define_block(None)?;
        }
        let inst_pos = self.p.tok.start;
        let Some((kind, ty)) = self.instruction()? else {
            if name.is_some() {
                return Err(self.p.err_at(stmt_pos, "a dropped debug intrinsic call cannot be named"));
            }
            return Ok(());
        };
        let is_void = self.p.m.types.is_void(ty);
        if name.is_some() && is_void {
            return Err(self.p.err_at(stmt_pos, "instructions returning void cannot have a name"));
        }
        let terminator = kind.is_terminator();
        let id = self.f.push_inst(InstData {
            kind,
            ty,
            name: name.filter(|t| t.kind == Kind::LocalName).map(|t| self.p.name_of(t).into_owned()),
        });
        let Some(block) = self.cur else {
            return Err(self.p.err_at(inst_pos, "instruction outside a block"));
        };
        self.f.blocks[block.index()].insts.push(id);
        if !is_void {
            let (key, pos) = match name {
                Some(t) => (self.p.local_key(t), t.start),
                None => (Key::Num(self.st.next_num), inst_pos),
            };
            if let Key::Num(n) = key {
                self.st.next_num = n.saturating_add(1);
            }
            match self.st.values.insert(key, Slot::Inst(id)) {
                None => {}
                Some(Slot::Fwd(k)) => {
                    let fwd = &mut self.st.fwd[k as usize];
                    fwd.resolved = Some(id);
                    if fwd.ty != ty {
                        let (use_pos, use_ty) = (fwd.pos, fwd.ty);
                        return Err(self.p.err_at(
                            use_pos,
                            format!(
                                "type mismatch: value defined with type `{}` but used as `{}`",
                                self.p.type_name(ty),
                                self.p.type_name(use_ty)
                            ),
                        ));
                    }
                }
                Some(_) => return Err(self.p.err_at(pos, "redefinition of a local value")),
            }
        }
        if terminator {
            self.cur = None;
        }
        Ok(())
    }

    fn finish(&mut self) -> Result<()> {
        for (i, defined) in self.st.block_defined.iter().enumerate() {
            if !defined {
                let (start, end) = self.st.block_first_use[i];
                let name = &self.p.src[start..end];
                return Err(self.p.err_at(start, format!("use of undefined label `{name}`")));
            }
        }
        let mut resolved = Vec::with_capacity(self.st.fwd.len());
        for fwd in &self.st.fwd {
            match fwd.resolved {
                Some(id) => resolved.push(id),
                None => {
                    let name = &self.p.src[fwd.pos..fwd.end];
                    return Err(self.p.err_at(fwd.pos, format!("use of undefined value `{name}`")));
                }
            }
        }
        // Blocks into textual order.
        let mut perm = vec![BlockId(0); self.f.blocks.len()];
        for (new, &old) in self.st.block_order.iter().enumerate() {
            perm[old.index()] = BlockId::new(new);
        }
        let mut old_blocks = std::mem::take(&mut self.f.blocks);
        self.f.blocks = self.st.block_order.iter().map(|b| std::mem::take(&mut old_blocks[b.index()])).collect();
        for inst in &mut self.f.insts {
            inst.kind.for_each_operand_mut(|v| {
                if let Value::Inst(id) = v
                    && id.0 >= FWD_BASE
                {
                    *v = Value::Inst(resolved[(id.0 - FWD_BASE) as usize]);
                }
            });
            map_blocks(&mut inst.kind, |b| *b = perm[b.index()]);
        }
        Ok(())
    }

    /// Parses one instruction after the optional `%x =`. Returns `None` for a
    /// call that is dropped (debug intrinsics).
    fn instruction(&mut self) -> Result<Option<(InstKind, Ty)>> {
        let pos = self.p.tok.start;
        let Some(op) = self.p.ident() else {
            return Err(self.p.expected("an instruction"));
        };
        self.p.bump();
        let void = self.p.t.void;
        let r = match op {
            "ret" => {
                if self.p.eat_ident("void") {
                    (InstKind::Ret { val: None }, void)
                } else {
                    let (_, v) = self.typed_value()?;
                    (InstKind::Ret { val: Some(v) }, void)
                }
            }
            "br" => {
                if self.p.is_ident("label") {
                    let dest = self.label()?;
                    (InstKind::Br { dest }, void)
                } else {
                    let cpos = self.p.tok.start;
                    let (ty, cond) = self.typed_value()?;
                    if ty != self.p.t.i1 {
                        return Err(self.p.err_at(cpos, "branch condition must be `i1`"));
                    }
                    self.p.expect_punct(b',')?;
                    let if_true = self.label()?;
                    self.p.expect_punct(b',')?;
                    let if_false = self.label()?;
                    (InstKind::CondBr { cond, if_true, if_false }, void)
                }
            }
            "switch" => {
                let (ty, val) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let default = self.label()?;
                self.p.expect_punct(b'[')?;
                let mut cases = Vec::new();
                while !self.p.is_punct(b']') {
                    let cpos = self.p.tok.start;
                    let cty = self.p.parse_type()?;
                    if cty != ty {
                        return Err(self.p.err_at(cpos, "switch case type differs from the condition type"));
                    }
                    let c = self.p.parse_const(cty)?;
                    self.p.expect_punct(b',')?;
                    let b = self.label()?;
                    cases.push((c, b));
                }
                self.p.bump();
                (InstKind::Switch { val, default, cases }, void)
            }
            "indirectbr" => {
                let addr = self.ptr_value()?;
                self.p.expect_punct(b',')?;
                self.p.expect_punct(b'[')?;
                let mut dests = Vec::new();
                while !self.p.is_punct(b']') {
                    if !dests.is_empty() {
                        self.p.expect_punct(b',')?;
                    }
                    dests.push(self.label()?);
                }
                self.p.bump();
                (InstKind::IndirectBr { addr, dests }, void)
            }
            "resume" => {
                let (_, val) = self.typed_value()?;
                (InstKind::Resume { val }, void)
            }
            "unreachable" => (InstKind::Unreachable, void),
            "invoke" => {
                let c = self.call_parts(pos)?;
                let callee = match c.callee {
                    CallTarget::Value(callee) => callee,
                    CallTarget::NoopAsm { at, template } => {
                        self.p.unsupported(at, "inline asm call");
                        self.inline_asm_callee(at, &template, c.fn_ty)
                    }
                };
                self.p.expect_ident("to")?;
                let normal = self.label()?;
                self.p.expect_ident("unwind")?;
                let unwind = self.label()?;
                let ret = self.p.m.types.func_sig(c.fn_ty).map_or(void, |s| s.0);
                (
                    InstKind::Invoke {
                        callee,
                        fn_ty: c.fn_ty,
                        args: c.args,
                        arg_attrs: c.arg_attrs,
                        ret_attrs: c.ret_attrs,
                        cconv: c.cconv,
                        normal,
                        unwind,
                    },
                    ret,
                )
            }
            "call" | "tail" | "musttail" | "notail" => {
                let tail = match op {
                    "tail" => TailKind::Tail,
                    "musttail" => TailKind::MustTail,
                    "notail" => TailKind::NoTail,
                    _ => TailKind::None,
                };
                if tail != TailKind::None {
                    self.p.expect_ident("call")?;
                }
                let c = self.call_parts(pos)?;
                let callee = match c.callee {
                    CallTarget::Value(callee) if !c.drop => callee,
                    _ => {
                        self.trailer()?;
                        return Ok(None);
                    }
                };
                let ret = self.p.m.types.func_sig(c.fn_ty).map_or(void, |s| s.0);
                (
                    InstKind::Call {
                        callee,
                        fn_ty: c.fn_ty,
                        args: c.args,
                        arg_attrs: c.arg_attrs,
                        ret_attrs: c.ret_attrs,
                        cconv: c.cconv,
                        tail,
                        flags: c.flags,
                    },
                    ret,
                )
            }
            "fneg" => {
                let flags = self.p.parse_flags();
                let (ty, val) = self.typed_value()?;
                (InstKind::FNeg { val, flags }, ty)
            }
            "icmp" | "fcmp" => {
                let flags = self.p.parse_flags();
                let w = self.p.ident().unwrap_or("");
                let k = if op == "icmp" {
                    let pred = int_pred(w).ok_or_else(|| self.p.expected("an integer comparison predicate"))?;
                    self.p.bump();
                    let (ty, lhs) = self.typed_value()?;
                    self.p.expect_punct(b',')?;
                    let rhs = self.value(ty)?;
                    (InstKind::ICmp { pred, lhs, rhs, flags }, ty)
                } else {
                    let pred = float_pred(w).ok_or_else(|| self.p.expected("a float comparison predicate"))?;
                    self.p.bump();
                    let (ty, lhs) = self.typed_value()?;
                    self.p.expect_punct(b',')?;
                    let rhs = self.value(ty)?;
                    (InstKind::FCmp { pred, lhs, rhs, flags }, ty)
                };
                let res = match self.p.m.types.get(k.1) {
                    TypeData::Vector { len, scalable, .. } => {
                        let (len, scalable) = (*len, *scalable);
                        let i1 = self.p.t.i1;
                        self.p.m.types.intern(TypeData::Vector { elem: i1, len, scalable })
                    }
                    _ => self.p.t.i1,
                };
                (k.0, res)
            }
            "select" => {
                let flags = self.p.parse_flags();
                let (_, cond) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let (ty, if_true) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let fpos = self.p.tok.start;
                let fty = self.p.parse_type()?;
                if fty != ty {
                    return Err(self.p.err_at(fpos, "select arms have different types"));
                }
                let if_false = self.value(ty)?;
                (InstKind::Select { cond, if_true, if_false, flags }, ty)
            }
            "phi" => {
                self.p.parse_flags();
                let ty = self.p.parse_type()?;
                let mut incoming = Vec::new();
                loop {
                    self.p.expect_punct(b'[')?;
                    let v = self.value(ty)?;
                    self.p.expect_punct(b',')?;
                    let b = self.block_operand()?;
                    self.p.expect_punct(b']')?;
                    incoming.push((v, b));
                    if !(self.p.is_punct(b',') && self.p.peek().kind == Kind::Punct(b'[')) {
                        break;
                    }
                    self.p.bump();
                }
                (InstKind::Phi { incoming }, ty)
            }
            "alloca" => {
                while self.p.eat_ident("inalloca") || self.p.eat_ident("swifterror") {}
                let elem_ty = self.p.parse_type()?;
                let mut count = None;
                let mut align = 0;
                while self.p.is_punct(b',') {
                    let next = self.p.peek();
                    self.p.bump();
                    match next.kind {
                        Kind::MetaName => self.p.skip_md_attachment()?,
                        Kind::Ident if self.p.text(next) == "align" => {
                            self.p.bump();
                            align = self.p.expect_u32()?;
                        }
                        Kind::Ident if self.p.text(next) == "addrspace" => {
                            self.p.parse_addrspace()?;
                        }
                        _ => count = Some(self.typed_value()?.1),
                    }
                }
                let one = self.p.m.const_int(self.p.t.i32, 1);
                let ptr = self.p.t.ptr;
                (InstKind::Alloca { elem_ty, count: count.unwrap_or(Value::Const(one)), align }, ptr)
            }
            "load" => {
                let atomic = self.p.eat_ident("atomic");
                let volatile = self.p.eat_ident("volatile");
                let ty = self.p.parse_type()?;
                self.p.expect_punct(b',')?;
                let ptr = self.ptr_value()?;
                let ordering = if atomic { Some(self.sync_ordering()?) } else { None };
                let align = self.trailer()?;
                (InstKind::Load { ptr, align, volatile, atomic: ordering }, ty)
            }
            "store" => {
                let atomic = self.p.eat_ident("atomic");
                let volatile = self.p.eat_ident("volatile");
                let (_, val) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let ptr = self.ptr_value()?;
                let ordering = if atomic { Some(self.sync_ordering()?) } else { None };
                let align = self.trailer()?;
                (InstKind::Store { val, ptr, align, volatile, atomic: ordering }, void)
            }
            "fence" => {
                let ordering = self.sync_ordering()?;
                (InstKind::Fence { ordering }, void)
            }
            "cmpxchg" => {
                let weak = self.p.eat_ident("weak");
                let volatile = self.p.eat_ident("volatile");
                let ptr = self.ptr_value()?;
                self.p.expect_punct(b',')?;
                let (ty, cmp) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let new = self.value_of_type(ty)?;
                let success = self.sync_ordering()?;
                let failure =
                    self.p.ident().and_then(ordering_of).ok_or_else(|| self.p.expected("an atomic ordering"))?;
                self.p.bump();
                let align = self.trailer()?;
                let i1 = self.p.t.i1;
                let res = self.p.m.types.intern(TypeData::Struct { fields: vec![ty, i1], packed: false });
                (InstKind::CmpXchg { ptr, cmp, new, success, failure, weak, volatile, align }, res)
            }
            "atomicrmw" => {
                let volatile = self.p.eat_ident("volatile");
                let rop = self.p.ident().and_then(rmw_op).ok_or_else(|| self.p.expected("an atomicrmw operation"))?;
                self.p.bump();
                let ptr = self.ptr_value()?;
                self.p.expect_punct(b',')?;
                let (ty, val) = self.typed_value()?;
                let ordering = self.sync_ordering()?;
                let align = self.trailer()?;
                (InstKind::AtomicRmw { op: rop, ptr, val, ordering, volatile, align }, ty)
            }
            "getelementptr" => {
                let mut flags = jitty_ir::Flags::NONE;
                while let Some(fl) = self.p.ident().and_then(flag_of) {
                    flags = flags.with(fl);
                    self.p.bump();
                }
                let source_ty = self.p.parse_type()?;
                self.p.expect_punct(b',')?;
                let (base_ty, base) = self.typed_value()?;
                let mut result = base_ty;
                let mut indices = Vec::new();
                while self.p.is_punct(b',') && self.p.peek().kind != Kind::MetaName {
                    self.p.bump();
                    self.p.eat_ident("inrange");
                    let (ity, idx) = self.typed_value()?;
                    if let TypeData::Vector { len, scalable, .. } = *self.p.m.types.get(ity)
                        && !matches!(self.p.m.types.get(result), TypeData::Vector { .. })
                    {
                        let elem = result;
                        result = self.p.m.types.intern(TypeData::Vector { elem, len, scalable });
                    }
                    indices.push(idx);
                }
                self.trailer()?;
                (InstKind::Gep { source_ty, base, indices, flags }, result)
            }
            "extractvalue" | "insertvalue" => {
                let (agg_ty, agg) = self.typed_value()?;
                let val = if op == "insertvalue" {
                    self.p.expect_punct(b',')?;
                    Some(self.typed_value()?)
                } else {
                    None
                };
                let mut indices = Vec::new();
                let mut cur = agg_ty;
                while self.p.is_punct(b',') && self.p.peek().kind == Kind::Int {
                    self.p.bump();
                    let ipos = self.p.tok.start;
                    let i = self.p.expect_u32()?;
                    cur = self.p.m.types.aggregate_elem(cur, u64::from(i)).ok_or_else(|| {
                        self.p.err_at(ipos, format!("index {i} is out of range for type `{}`", self.p.type_name(cur)))
                    })?;
                    indices.push(i);
                }
                if indices.is_empty() {
                    return Err(self.p.expected("an aggregate index"));
                }
                self.trailer()?;
                match val {
                    Some((vty, v)) => {
                        if vty != cur {
                            return Err(self.p.err_at(pos, "inserted value type does not match the indexed member"));
                        }
                        (InstKind::InsertValue { agg, val: v, indices }, agg_ty)
                    }
                    None => (InstKind::ExtractValue { agg, indices }, cur),
                }
            }
            "extractelement" => {
                let (vty, vec) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let (_, idx) = self.typed_value()?;
                let elem = self.vector_elem(vty, pos)?;
                (InstKind::ExtractElement { vec, idx }, elem)
            }
            "insertelement" => {
                let (vty, vec) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let (_, elt) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let (_, idx) = self.typed_value()?;
                self.vector_elem(vty, pos)?;
                (InstKind::InsertElement { vec, elt, idx }, vty)
            }
            "shufflevector" => {
                let (vty, a) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let (_, b) = self.typed_value()?;
                self.p.expect_punct(b',')?;
                let mask_c = self.p.parse_typed_const()?;
                let mask = self.p.shuffle_mask(mask_c);
                let elem = self.vector_elem(vty, pos)?;
                let len = u32::try_from(mask.len()).unwrap_or(u32::MAX);
                let res = self.p.m.types.intern(TypeData::Vector { elem, len, scalable: false });
                (InstKind::ShuffleVector { a, b, mask }, res)
            }
            "freeze" => {
                let (ty, val) = self.typed_value()?;
                (InstKind::Freeze { val }, ty)
            }
            "va_arg" => {
                let list = self.ptr_value()?;
                self.p.expect_punct(b',')?;
                let ty = self.p.parse_type()?;
                (InstKind::VaArg { list }, ty)
            }
            "landingpad" => {
                let ty = self.p.parse_type()?;
                let cleanup = self.p.eat_ident("cleanup");
                let mut clauses = Vec::new();
                loop {
                    let is_catch = if self.p.eat_ident("catch") {
                        true
                    } else if self.p.eat_ident("filter") {
                        false
                    } else {
                        break;
                    };
                    let (_, v) = self.typed_value()?;
                    clauses.push((is_catch, v));
                }
                (InstKind::LandingPad { cleanup, clauses }, ty)
            }
            "callbr" | "cleanupret" | "catchret" | "catchswitch" | "catchpad" | "cleanuppad" => {
                return Err(self.p.err_at(pos, format!("`{op}` is not supported")));
            }
            _ => {
                if let Some(bop) = bin_op(op) {
                    let flags = self.p.parse_flags();
                    let (ty, lhs) = self.typed_value()?;
                    self.p.expect_punct(b',')?;
                    let rhs = self.value(ty)?;
                    (InstKind::Binary { op: bop, lhs, rhs, flags }, ty)
                } else if let Some(cop) = cast_op(op) {
                    let flags = self.p.parse_flags();
                    let (_, val) = self.typed_value()?;
                    self.p.expect_ident("to")?;
                    let ty = self.p.parse_type()?;
                    (InstKind::Cast { op: cop, val, flags }, ty)
                } else {
                    return Err(self.p.err_at(pos, format!("expected an instruction, found `{op}`")));
                }
            }
        };
        // Metadata attachments after instructions that do not parse a trailer.
        if !matches!(op, "load" | "store" | "cmpxchg" | "atomicrmw" | "getelementptr" | "extractvalue" | "insertvalue")
        {
            self.trailer()?;
        }
        Ok(Some(r))
    }

    /// Parses `T v` where T must equal `ty`.
    fn value_of_type(&mut self, ty: Ty) -> Result<Value> {
        let pos = self.p.tok.start;
        let t = self.p.parse_type()?;
        if t != ty {
            return Err(self
                .p
                .err_at(pos, format!("expected type `{}`, found `{}`", self.p.type_name(ty), self.p.type_name(t))));
        }
        self.value(ty)
    }

    fn vector_elem(&self, ty: Ty, pos: usize) -> Result<Ty> {
        match self.p.m.types.get(ty) {
            TypeData::Vector { elem, .. } => Ok(*elem),
            _ => Err(self.p.err_at(pos, format!("expected a vector operand, found type `{}`", self.p.type_name(ty)))),
        }
    }

    /// Parses the part shared by `call` and `invoke`, after the keyword.
    fn call_parts(&mut self, pos: usize) -> Result<CallParts> {
        let flags = self.p.parse_flags();
        let mut cconv = jitty_ir::CallConv::C;
        let mut ret_attrs = ParamAttrs::default();
        loop {
            if let Some(cc) = self.p.parse_cconv()? {
                cconv = cc;
                continue;
            }
            if self.p.is_ident("addrspace") {
                self.p.parse_addrspace()?;
                continue;
            }
            let before = self.p.tok.start;
            let a = self.p.parse_param_attrs()?;
            if a != ParamAttrs::default() {
                ret_attrs = a;
            }
            if self.p.tok.start == before {
                break;
            }
        }
        let ty = self.p.parse_type()?;
        let callee_pos = self.p.tok.start;
        let ptr = self.p.t.ptr;
        let mut asm_template = String::new();
        let mut asm_constraints = None;
        let callee = if self.p.eat_ident("asm") {
            while self.p.eat_ident("sideeffect")
                || self.p.eat_ident("alignstack")
                || self.p.eat_ident("inteldialect")
                || self.p.eat_ident("unwind")
            {}
            asm_template = self.p.expect_string()?;
            self.p.expect_punct(b',')?;
            asm_constraints = Some(self.p.expect_string()?);
            None // made once the call's function type is known, below
        } else {
            Some(self.value(ptr)?)
        };
        let callee_name = match callee {
            Some(Value::Const(c)) => match self.p.m.constant(c) {
                ConstData::Func { id, .. } => Some(self.p.m.func(*id).name.clone()),
                _ => None,
            },
            _ => None,
        };
        let is_dbg = callee_name
            .as_deref()
            .is_some_and(|n| n.starts_with("llvm.dbg.") || n == "llvm.experimental.noalias.scope.decl");
        self.p.expect_punct(b'(')?;
        let mut args = Vec::new();
        let mut arg_tys = Vec::new();
        let mut arg_attrs = Vec::new();
        let mut has_md = false;
        while !self.p.is_punct(b')') {
            if !args.is_empty() {
                self.p.expect_punct(b',')?;
            }
            if self.p.tok.kind == Kind::Ellipsis {
                self.p.unsupported(self.p.tok.start, "varargs forwarding `...` in a musttail call");
                self.p.bump();
                continue;
            }
            if self.p.eat_ident("metadata") {
                has_md = true;
                self.skip_md_operand()?;
                let md = self.p.t.metadata;
                args.push(Value::Const(self.p.m.intern_const(ConstData::Undef(md))));
                arg_tys.push(md);
                arg_attrs.push(ParamAttrs::default());
                continue;
            }
            let ty = self.p.parse_type()?;
            let attrs = self.p.parse_param_attrs()?;
            args.push(self.value(ty)?);
            arg_tys.push(ty);
            arg_attrs.push(attrs);
        }
        self.p.bump();
        self.p.parse_call_fn_attrs()?;
        if self.p.is_punct(b'[') {
            self.p.skip_balanced(b'[', b']')?;
        }
        let fn_ty = if matches!(self.p.m.types.get(ty), TypeData::Func { .. }) {
            ty
        } else {
            self.p.m.types.intern(TypeData::Func { ret: ty, params: arg_tys, varargs: false })
        };
        if has_md && !is_dbg {
            self.p.unsupported(pos, format!("metadata operand in call to `{}`", callee_name.as_deref().unwrap_or("?")));
        }
        let noop_asm = asm_constraints.as_deref().is_some_and(|constraints| {
            let void = self.p.m.types.func_sig(fn_ty).is_some_and(|(ret, _, _)| self.p.m.types.is_void(ret));
            asm_template.trim().is_empty() && void && !constraints.split(',').any(|c| c.starts_with('='))
        });
        let callee = match callee {
            Some(callee) => CallTarget::Value(callee),
            None if noop_asm => CallTarget::NoopAsm { at: callee_pos, template: asm_template },
            None => {
                self.p.unsupported(callee_pos, "inline asm call");
                CallTarget::Value(self.inline_asm_callee(callee_pos, &asm_template, fn_ty))
            }
        };
        Ok(CallParts { callee, fn_ty, args, arg_attrs, ret_attrs, cconv, flags, drop: is_dbg })
    }

    /// The callee of an inline asm call: a declaration of its own, named
    /// `inline asm at LINE:COL: TEMPLATE`, which no library defines. Both
    /// engines then refuse the call where it runs, as a call to an
    /// unresolved external that names the asm and its place (the JIT leaves
    /// the caller to the interpreter, which stops with exit 125), rather
    /// than calling through a null pointer.
    fn inline_asm_callee(&mut self, pos: usize, template: &str, fn_ty: Ty) -> Value {
        let (line, col) = self.p.line_col(pos);
        let mut shown: String = template.chars().take(48).collect();
        if shown.len() < template.len() {
            shown.push_str("...");
        }
        let name = format!("inline asm at {line}:{col}: {shown}");
        let params = match self.p.m.types.get(fn_ty) {
            TypeData::Func { params, .. } => {
                params.iter().map(|&ty| Param { ty, name: None, attrs: ParamAttrs::default() }).collect()
            }
            _ => Vec::new(),
        };
        let id = match self.p.m.func_by_name(&name) {
            Some(id) => id,
            None => self.p.m.add_func(Function::declaration(name, fn_ty, params)),
        };
        Value::Const(self.p.m.intern_const(ConstData::Func { ty: self.p.t.ptr, id }))
    }

    /// Skips the operand after `metadata` in a call.
    fn skip_md_operand(&mut self) -> Result<()> {
        match self.p.tok.kind {
            Kind::MetaName | Kind::Punct(b'!') => self.p.skip_md_value(),
            Kind::Ident if self.p.is_ident("distinct") => self.p.skip_md_value(),
            _ => {
                let ty = self.p.parse_type()?;
                if matches!(self.p.tok.kind, Kind::LocalName | Kind::LocalNum) {
                    self.p.bump();
                    Ok(())
                } else {
                    self.p.parse_const(ty).map(|_| ())
                }
            }
        }
    }
}
