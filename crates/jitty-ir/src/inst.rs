//! Instructions.
//!
//! One [`InstKind`] variant per LLVM instruction (intrinsics are ordinary
//! [`InstKind::Call`]s to `llvm.*` declarations; see [`crate::intrinsics`]).
//! Operands are [`Value`]s; the result type lives in [`InstData::ty`].

use crate::entity::{BlockId, ConstId, InstId, Ty};

/// An SSA operand.
#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
pub enum Value {
    /// The result of an instruction in the same function.
    Inst(InstId),
    /// The n-th parameter of the enclosing function.
    Arg(u32),
    /// A module constant (including global and function addresses).
    Const(ConstId),
}

/// Integer and float binary operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum BinOp {
    Add,
    Sub,
    Mul,
    UDiv,
    SDiv,
    URem,
    SRem,
    Shl,
    LShr,
    AShr,
    And,
    Or,
    Xor,
    FAdd,
    FSub,
    FMul,
    FDiv,
    FRem,
}

impl BinOp {
    /// The LLVM opcode keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            BinOp::Add => "add",
            BinOp::Sub => "sub",
            BinOp::Mul => "mul",
            BinOp::UDiv => "udiv",
            BinOp::SDiv => "sdiv",
            BinOp::URem => "urem",
            BinOp::SRem => "srem",
            BinOp::Shl => "shl",
            BinOp::LShr => "lshr",
            BinOp::AShr => "ashr",
            BinOp::And => "and",
            BinOp::Or => "or",
            BinOp::Xor => "xor",
            BinOp::FAdd => "fadd",
            BinOp::FSub => "fsub",
            BinOp::FMul => "fmul",
            BinOp::FDiv => "fdiv",
            BinOp::FRem => "frem",
        }
    }

    /// True for the floating-point operators.
    pub fn is_float(self) -> bool {
        matches!(self, BinOp::FAdd | BinOp::FSub | BinOp::FMul | BinOp::FDiv | BinOp::FRem)
    }
}

/// Conversion operators.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum CastOp {
    Trunc,
    ZExt,
    SExt,
    FpTrunc,
    FpExt,
    FpToUi,
    FpToSi,
    UiToFp,
    SiToFp,
    PtrToInt,
    PtrToAddr,
    IntToPtr,
    BitCast,
    AddrSpaceCast,
}

impl CastOp {
    /// The LLVM opcode keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            CastOp::Trunc => "trunc",
            CastOp::ZExt => "zext",
            CastOp::SExt => "sext",
            CastOp::FpTrunc => "fptrunc",
            CastOp::FpExt => "fpext",
            CastOp::FpToUi => "fptoui",
            CastOp::FpToSi => "fptosi",
            CastOp::UiToFp => "uitofp",
            CastOp::SiToFp => "sitofp",
            CastOp::PtrToInt => "ptrtoint",
            CastOp::PtrToAddr => "ptrtoaddr",
            CastOp::IntToPtr => "inttoptr",
            CastOp::BitCast => "bitcast",
            CastOp::AddrSpaceCast => "addrspacecast",
        }
    }
}

/// `icmp` predicates.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum IntPred {
    Eq,
    Ne,
    Ugt,
    Uge,
    Ult,
    Ule,
    Sgt,
    Sge,
    Slt,
    Sle,
}

impl IntPred {
    /// The LLVM keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            IntPred::Eq => "eq",
            IntPred::Ne => "ne",
            IntPred::Ugt => "ugt",
            IntPred::Uge => "uge",
            IntPred::Ult => "ult",
            IntPred::Ule => "ule",
            IntPred::Sgt => "sgt",
            IntPred::Sge => "sge",
            IntPred::Slt => "slt",
            IntPred::Sle => "sle",
        }
    }
}

/// `fcmp` predicates.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FloatPred {
    False,
    Oeq,
    Ogt,
    Oge,
    Olt,
    Ole,
    One,
    Ord,
    Ueq,
    Ugt,
    Uge,
    Ult,
    Ule,
    Une,
    Uno,
    True,
}

impl FloatPred {
    /// The LLVM keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            FloatPred::False => "false",
            FloatPred::Oeq => "oeq",
            FloatPred::Ogt => "ogt",
            FloatPred::Oge => "oge",
            FloatPred::Olt => "olt",
            FloatPred::Ole => "ole",
            FloatPred::One => "one",
            FloatPred::Ord => "ord",
            FloatPred::Ueq => "ueq",
            FloatPred::Ugt => "ugt",
            FloatPred::Uge => "uge",
            FloatPred::Ult => "ult",
            FloatPred::Ule => "ule",
            FloatPred::Une => "une",
            FloatPred::Uno => "uno",
            FloatPred::True => "true",
        }
    }
}

/// Memory orderings of atomic operations.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Ordering {
    Unordered,
    Monotonic,
    Acquire,
    Release,
    AcqRel,
    SeqCst,
}

impl Ordering {
    /// The LLVM keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            Ordering::Unordered => "unordered",
            Ordering::Monotonic => "monotonic",
            Ordering::Acquire => "acquire",
            Ordering::Release => "release",
            Ordering::AcqRel => "acq_rel",
            Ordering::SeqCst => "seq_cst",
        }
    }
}

/// `atomicrmw` operations.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum RmwOp {
    Xchg,
    Add,
    Sub,
    And,
    Nand,
    Or,
    Xor,
    Max,
    Min,
    UMax,
    UMin,
    FAdd,
    FSub,
    FMax,
    FMin,
    UIncWrap,
    UDecWrap,
    USubCond,
    USubSat,
}

impl RmwOp {
    /// The LLVM keyword.
    pub fn keyword(self) -> &'static str {
        match self {
            RmwOp::Xchg => "xchg",
            RmwOp::Add => "add",
            RmwOp::Sub => "sub",
            RmwOp::And => "and",
            RmwOp::Nand => "nand",
            RmwOp::Or => "or",
            RmwOp::Xor => "xor",
            RmwOp::Max => "max",
            RmwOp::Min => "min",
            RmwOp::UMax => "umax",
            RmwOp::UMin => "umin",
            RmwOp::FAdd => "fadd",
            RmwOp::FSub => "fsub",
            RmwOp::FMax => "fmax",
            RmwOp::FMin => "fmin",
            RmwOp::UIncWrap => "uinc_wrap",
            RmwOp::UDecWrap => "udec_wrap",
            RmwOp::USubCond => "usub_cond",
            RmwOp::USubSat => "usub_sat",
        }
    }
}

/// Instruction flags (poison-generating and fast-math), as a bit set.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct Flags(pub u16);

impl Flags {
    pub const NUW: Flags = Flags(1 << 0);
    pub const NSW: Flags = Flags(1 << 1);
    pub const EXACT: Flags = Flags(1 << 2);
    pub const DISJOINT: Flags = Flags(1 << 3);
    pub const SAMESIGN: Flags = Flags(1 << 4);
    pub const NNEG: Flags = Flags(1 << 5);
    pub const INBOUNDS: Flags = Flags(1 << 6);
    /// `nusw` on getelementptr.
    pub const NUSW: Flags = Flags(1 << 7);
    pub const NNAN: Flags = Flags(1 << 8);
    pub const NINF: Flags = Flags(1 << 9);
    pub const NSZ: Flags = Flags(1 << 10);
    pub const ARCP: Flags = Flags(1 << 11);
    pub const CONTRACT: Flags = Flags(1 << 12);
    pub const AFN: Flags = Flags(1 << 13);
    pub const REASSOC: Flags = Flags(1 << 14);

    /// The empty set.
    pub const NONE: Flags = Flags(0);

    /// True when every flag of `other` is set in `self`.
    #[inline]
    pub fn contains(self, other: Flags) -> bool {
        self.0 & other.0 == other.0
    }

    /// `self` with the flags of `other` added.
    #[inline]
    pub fn with(self, other: Flags) -> Flags {
        Flags(self.0 | other.0)
    }
}

/// ABI-relevant parameter / return attributes. Attributes that only carry
/// optimisation hints (`noundef`, `nonnull`, `align`, ...) are dropped by the
/// reader; these change how a value is passed, so every engine honours them.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub struct ParamAttrs {
    /// `byval(T)`: the callee gets a private copy of the pointee.
    pub byval: Option<Ty>,
    /// `sret(T)`: hidden struct-return pointer.
    pub sret: Option<Ty>,
    /// `zeroext`.
    pub zeroext: bool,
    /// `signext`.
    pub signext: bool,
    /// `inreg`.
    pub inreg: bool,
    /// `align N` on a byval parameter (needed to copy it correctly).
    pub align: Option<u32>,
}

/// Calling conventions.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum CallConv {
    /// `ccc` (default).
    #[default]
    C,
    /// `fastcc`.
    Fast,
    /// `coldcc`.
    Cold,
    /// `cc N` and named conventions the engines treat like `ccc`.
    Other(u32),
}

/// Tail-call markers.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum TailKind {
    #[default]
    None,
    Tail,
    MustTail,
    NoTail,
}

/// One instruction.
#[derive(Clone, PartialEq, Debug)]
pub enum InstKind {
    /// `fneg`.
    FNeg { val: Value, flags: Flags },
    /// Integer and float binary operators.
    Binary { op: BinOp, lhs: Value, rhs: Value, flags: Flags },
    /// `icmp` (also on pointers and vectors).
    ICmp { pred: IntPred, lhs: Value, rhs: Value, flags: Flags },
    /// `fcmp`.
    FCmp { pred: FloatPred, lhs: Value, rhs: Value, flags: Flags },
    /// A conversion; the target type is [`InstData::ty`].
    Cast { op: CastOp, val: Value, flags: Flags },
    /// `select`.
    Select { cond: Value, if_true: Value, if_false: Value, flags: Flags },
    /// `phi`: one incoming value per predecessor.
    Phi { incoming: Vec<(Value, BlockId)> },
    /// `alloca T, <count>, align A`; result is a pointer.
    Alloca { elem_ty: Ty, count: Value, align: u32 },
    /// `load`; the loaded type is [`InstData::ty`].
    Load { ptr: Value, align: u32, volatile: bool, atomic: Option<Ordering> },
    /// `store`.
    Store { val: Value, ptr: Value, align: u32, volatile: bool, atomic: Option<Ordering> },
    /// `getelementptr`.
    Gep { source_ty: Ty, base: Value, indices: Vec<Value>, flags: Flags },
    /// `call`. `fn_ty` is the callee's function type.
    Call {
        callee: Value,
        fn_ty: Ty,
        args: Vec<Value>,
        arg_attrs: Vec<ParamAttrs>,
        ret_attrs: ParamAttrs,
        cconv: CallConv,
        tail: TailKind,
        flags: Flags,
    },
    /// `invoke`: a call with a normal and an unwind successor.
    Invoke {
        callee: Value,
        fn_ty: Ty,
        args: Vec<Value>,
        arg_attrs: Vec<ParamAttrs>,
        ret_attrs: ParamAttrs,
        cconv: CallConv,
        normal: BlockId,
        unwind: BlockId,
    },
    /// `landingpad`; clauses are kept for printing only.
    LandingPad { cleanup: bool, clauses: Vec<(bool, Value)> },
    /// `extractvalue agg, i, j, ...`.
    ExtractValue { agg: Value, indices: Vec<u32> },
    /// `insertvalue agg, val, i, j, ...`.
    InsertValue { agg: Value, val: Value, indices: Vec<u32> },
    /// `extractelement vec, idx`.
    ExtractElement { vec: Value, idx: Value },
    /// `insertelement vec, elt, idx`.
    InsertElement { vec: Value, elt: Value, idx: Value },
    /// `shufflevector a, b, mask`; `-1` is a poison lane.
    ShuffleVector { a: Value, b: Value, mask: Vec<i32> },
    /// `atomicrmw`.
    AtomicRmw { op: RmwOp, ptr: Value, val: Value, ordering: Ordering, volatile: bool, align: u32 },
    /// `cmpxchg`; result type `{ T, i1 }`.
    CmpXchg {
        ptr: Value,
        cmp: Value,
        new: Value,
        success: Ordering,
        failure: Ordering,
        weak: bool,
        volatile: bool,
        align: u32,
    },
    /// `fence`.
    Fence { ordering: Ordering },
    /// `freeze`.
    Freeze { val: Value },
    /// `va_arg list, T`.
    VaArg { list: Value },
    // ---- terminators ----
    /// `ret` / `ret void`.
    Ret { val: Option<Value> },
    /// `br label %dest`.
    Br { dest: BlockId },
    /// `br i1 %c, label %t, label %f`.
    CondBr { cond: Value, if_true: BlockId, if_false: BlockId },
    /// `switch`; case values are integer constants of the condition's type.
    Switch { val: Value, default: BlockId, cases: Vec<(ConstId, BlockId)> },
    /// `indirectbr`.
    IndirectBr { addr: Value, dests: Vec<BlockId> },
    /// `resume`.
    Resume { val: Value },
    /// `unreachable`.
    Unreachable,
}

impl InstKind {
    /// True for instructions that end a basic block.
    pub fn is_terminator(&self) -> bool {
        matches!(
            self,
            InstKind::Ret { .. }
                | InstKind::Br { .. }
                | InstKind::CondBr { .. }
                | InstKind::Switch { .. }
                | InstKind::IndirectBr { .. }
                | InstKind::Resume { .. }
                | InstKind::Unreachable
                | InstKind::Invoke { .. }
        )
    }

    /// Successor blocks of a terminator (empty for non-terminators).
    pub fn successors(&self) -> Vec<BlockId> {
        match self {
            InstKind::Br { dest } => vec![*dest],
            InstKind::CondBr { if_true, if_false, .. } => vec![*if_true, *if_false],
            InstKind::Switch { default, cases, .. } => {
                let mut v = vec![*default];
                v.extend(cases.iter().map(|(_, b)| *b));
                v
            }
            InstKind::IndirectBr { dests, .. } => dests.clone(),
            InstKind::Invoke { normal, unwind, .. } => vec![*normal, *unwind],
            _ => Vec::new(),
        }
    }

    /// Calls `f` on every value operand, in textual order.
    pub fn for_each_operand(&self, mut f: impl FnMut(Value)) {
        match self {
            InstKind::FNeg { val, .. }
            | InstKind::Cast { val, .. }
            | InstKind::Freeze { val }
            | InstKind::Resume { val } => f(*val),
            InstKind::VaArg { list } => f(*list),
            InstKind::Binary { lhs, rhs, .. } | InstKind::ICmp { lhs, rhs, .. } | InstKind::FCmp { lhs, rhs, .. } => {
                f(*lhs);
                f(*rhs)
            }
            InstKind::Select { cond, if_true, if_false, .. } => {
                f(*cond);
                f(*if_true);
                f(*if_false)
            }
            InstKind::Phi { incoming } => incoming.iter().for_each(|(v, _)| f(*v)),
            InstKind::Alloca { count, .. } => f(*count),
            InstKind::Load { ptr, .. } => f(*ptr),
            InstKind::Store { val, ptr, .. } => {
                f(*val);
                f(*ptr)
            }
            InstKind::Gep { base, indices, .. } => {
                f(*base);
                indices.iter().for_each(|v| f(*v))
            }
            InstKind::Call { callee, args, .. } | InstKind::Invoke { callee, args, .. } => {
                f(*callee);
                args.iter().for_each(|v| f(*v))
            }
            InstKind::LandingPad { clauses, .. } => clauses.iter().for_each(|(_, v)| f(*v)),
            InstKind::ExtractValue { agg, .. } => f(*agg),
            InstKind::InsertValue { agg, val, .. } => {
                f(*agg);
                f(*val)
            }
            InstKind::ExtractElement { vec, idx } => {
                f(*vec);
                f(*idx)
            }
            InstKind::InsertElement { vec, elt, idx } => {
                f(*vec);
                f(*elt);
                f(*idx)
            }
            InstKind::ShuffleVector { a, b, .. } => {
                f(*a);
                f(*b)
            }
            InstKind::AtomicRmw { ptr, val, .. } => {
                f(*ptr);
                f(*val)
            }
            InstKind::CmpXchg { ptr, cmp, new, .. } => {
                f(*ptr);
                f(*cmp);
                f(*new)
            }
            InstKind::Ret { val } => {
                if let Some(v) = val {
                    f(*v)
                }
            }
            InstKind::CondBr { cond, .. } => f(*cond),
            InstKind::Switch { val, .. } => f(*val),
            InstKind::IndirectBr { addr, .. } => f(*addr),
            InstKind::Fence { .. } | InstKind::Br { .. } | InstKind::Unreachable => {}
        }
    }
}

impl InstKind {
    /// Calls `f` on a mutable reference to every value operand, in textual
    /// order (the same operands as [`InstKind::for_each_operand`]).
    pub fn for_each_operand_mut(&mut self, mut f: impl FnMut(&mut Value)) {
        match self {
            InstKind::FNeg { val, .. }
            | InstKind::Cast { val, .. }
            | InstKind::Freeze { val }
            | InstKind::Resume { val } => f(val),
            InstKind::VaArg { list } => f(list),
            InstKind::Binary { lhs, rhs, .. } | InstKind::ICmp { lhs, rhs, .. } | InstKind::FCmp { lhs, rhs, .. } => {
                f(lhs);
                f(rhs)
            }
            InstKind::Select { cond, if_true, if_false, .. } => {
                f(cond);
                f(if_true);
                f(if_false)
            }
            InstKind::Phi { incoming } => incoming.iter_mut().for_each(|(v, _)| f(v)),
            InstKind::Alloca { count, .. } => f(count),
            InstKind::Load { ptr, .. } => f(ptr),
            InstKind::Store { val, ptr, .. } => {
                f(val);
                f(ptr)
            }
            InstKind::Gep { base, indices, .. } => {
                f(base);
                indices.iter_mut().for_each(f)
            }
            InstKind::Call { callee, args, .. } | InstKind::Invoke { callee, args, .. } => {
                f(callee);
                args.iter_mut().for_each(f)
            }
            InstKind::LandingPad { clauses, .. } => clauses.iter_mut().for_each(|(_, v)| f(v)),
            InstKind::ExtractValue { agg, .. } => f(agg),
            InstKind::InsertValue { agg, val, .. } => {
                f(agg);
                f(val)
            }
            InstKind::ExtractElement { vec, idx } => {
                f(vec);
                f(idx)
            }
            InstKind::InsertElement { vec, elt, idx } => {
                f(vec);
                f(elt);
                f(idx)
            }
            InstKind::ShuffleVector { a, b, .. } => {
                f(a);
                f(b)
            }
            InstKind::AtomicRmw { ptr, val, .. } => {
                f(ptr);
                f(val)
            }
            InstKind::CmpXchg { ptr, cmp, new, .. } => {
                f(ptr);
                f(cmp);
                f(new)
            }
            InstKind::Ret { val } => {
                if let Some(v) = val {
                    f(v)
                }
            }
            InstKind::CondBr { cond, .. } => f(cond),
            InstKind::Switch { val, .. } => f(val),
            InstKind::IndirectBr { addr, .. } => f(addr),
            InstKind::Fence { .. } | InstKind::Br { .. } | InstKind::Unreachable => {}
        }
    }

    /// Calls `f` on a mutable reference to every successor block of a
    /// terminator (the blocks [`InstKind::successors`] lists).
    pub fn for_each_successor_mut(&mut self, mut f: impl FnMut(&mut BlockId)) {
        match self {
            InstKind::Br { dest } => f(dest),
            InstKind::CondBr { if_true, if_false, .. } => {
                f(if_true);
                f(if_false)
            }
            InstKind::Switch { default, cases, .. } => {
                f(default);
                cases.iter_mut().for_each(|(_, b)| f(b))
            }
            InstKind::IndirectBr { dests, .. } => dests.iter_mut().for_each(f),
            InstKind::Invoke { normal, unwind, .. } => {
                f(normal);
                f(unwind)
            }
            _ => {}
        }
    }
}

/// An instruction with its result type and optional source name.
#[derive(Clone, PartialEq, Debug)]
pub struct InstData {
    /// What the instruction does.
    pub kind: InstKind,
    /// Result type (`void` when it produces no value).
    pub ty: Ty,
    /// The local name without `%`, if the source named it.
    pub name: Option<String>,
}
