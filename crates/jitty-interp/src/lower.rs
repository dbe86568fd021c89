//! Lowering of IR functions into the interpreter's flat, pre-decoded code.
//!
//! Each SSA value gets fixed `u64` slots in a frame (i128 takes two, vectors
//! one or two per lane, aggregates their memory image). Constants are
//! materialized once into the first slots of the frame image ([`Lowered::consts`])
//! and copied in on entry. Opcodes are specialized by width and type; phis
//! become parallel moves on CFG edges; GEPs are folded into
//! `base + Σ idx·scale + offset`; intrinsics get dedicated ops; direct calls
//! to IR functions name their callee by [`FuncId`].
//!
//! Constructs that cannot be lowered become a trapping op (the function still
//! runs until it reaches them) and are listed in [`Lowered::unsupported`];
//! [`unsupported`] reports them for a whole module.

use crate::Trap;
use crate::ffi::FfiSig;
use jitty_ir::dom::DomTree;
use jitty_ir::{
    BinOp, BlockId, CastOp, ConstData, ConstId, FloatPred, FuncId, Function, InstId, InstKind, IntPred, Intrinsic,
    Module, Ordering, ParamAttrs, RmwOp, Ty, TypeData, Value,
};
use jitty_rt::Image;
use jitty_rt::consts::ConstEval;
use jitty_sem::gep_walk;
use jitty_sem::{self as sem, Fk, Repr, Scalar, repr_of};
use std::collections::HashMap;
use std::sync::OnceLock;

/// One pre-decoded operation. Slot operands are frame slot indices; branch
/// targets are op indices; `cost` is the instruction count charged to fuel.
#[allow(missing_docs)]
#[derive(Clone, Copy, Debug)]
pub enum Op {
    Br {
        t: u32,
        cost: u32,
    },
    /// The last move of an edge's phi moves, then a jump.
    MovBr {
        d: u32,
        s: u32,
        t: u32,
    },
    /// Two one-slot moves of an edge, in order (`d1 <- s1`, then
    /// `d2 <- s2`).
    Mov2 {
        d1: u32,
        s1: u32,
        d2: u32,
        s2: u32,
    },
    /// The last two one-slot moves of an edge, in order, then a jump.
    Mov2Br {
        d1: u32,
        s1: u32,
        d2: u32,
        s2: u32,
        t: u32,
    },
    /// The one-slot moves [`Lowered::moves`]`[info]` of an edge, in order.
    Moves {
        info: u32,
    },
    /// The one-slot moves `moves[info]` of an edge, in order, then a jump.
    MovesBr {
        info: u32,
        t: u32,
    },
    CondBr {
        c: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrEq {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrNe {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrUlt {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrUle {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrUgt {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrUge {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrSlt32 {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrSle32 {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrSgt32 {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrSge32 {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrSlt64 {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrSle64 {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrSgt64 {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    BrSge64 {
        a: u32,
        b: u32,
        t: u32,
        f: u32,
        cost: u32,
    },
    Switch {
        v: u32,
        table: u32,
        cost: u32,
    },
    Ret {
        s: u32,
        n: u32,
        cost: u32,
    },
    RetVoid {
        cost: u32,
    },
    Trap {
        kind: Trap,
        msg: u32,
    },
    Mov {
        d: u32,
        s: u32,
    },
    MovN {
        d: u32,
        s: u32,
        n: u32,
    },
    Zext128 {
        d: u32,
        s: u32,
    },
    Add32 {
        d: u32,
        a: u32,
        b: u32,
    },
    Sub32 {
        d: u32,
        a: u32,
        b: u32,
    },
    Mul32 {
        d: u32,
        a: u32,
        b: u32,
    },
    Add64 {
        d: u32,
        a: u32,
        b: u32,
    },
    Sub64 {
        d: u32,
        a: u32,
        b: u32,
    },
    Mul64 {
        d: u32,
        a: u32,
        b: u32,
    },
    And {
        d: u32,
        a: u32,
        b: u32,
    },
    Or {
        d: u32,
        a: u32,
        b: u32,
    },
    Xor {
        d: u32,
        a: u32,
        b: u32,
    },
    Shl32 {
        d: u32,
        a: u32,
        b: u32,
    },
    Shl64 {
        d: u32,
        a: u32,
        b: u32,
    },
    LShr32 {
        d: u32,
        a: u32,
        b: u32,
    },
    LShr64 {
        d: u32,
        a: u32,
        b: u32,
    },
    AShr32 {
        d: u32,
        a: u32,
        b: u32,
    },
    AShr64 {
        d: u32,
        a: u32,
        b: u32,
    },
    /// Any integer op at width <= 64 (masking, trapping divisions).
    IBin {
        op: BinOp,
        bits: u8,
        d: u32,
        a: u32,
        b: u32,
    },
    /// Any integer op at width 65..=128.
    IBin128 {
        op: BinOp,
        bits: u8,
        d: u32,
        a: u32,
        b: u32,
    },
    Eq {
        d: u32,
        a: u32,
        b: u32,
    },
    Ne {
        d: u32,
        a: u32,
        b: u32,
    },
    Ult {
        d: u32,
        a: u32,
        b: u32,
    },
    Ule {
        d: u32,
        a: u32,
        b: u32,
    },
    Ugt {
        d: u32,
        a: u32,
        b: u32,
    },
    Uge {
        d: u32,
        a: u32,
        b: u32,
    },
    Slt32 {
        d: u32,
        a: u32,
        b: u32,
    },
    Sle32 {
        d: u32,
        a: u32,
        b: u32,
    },
    Sgt32 {
        d: u32,
        a: u32,
        b: u32,
    },
    Sge32 {
        d: u32,
        a: u32,
        b: u32,
    },
    Slt64 {
        d: u32,
        a: u32,
        b: u32,
    },
    Sle64 {
        d: u32,
        a: u32,
        b: u32,
    },
    Sgt64 {
        d: u32,
        a: u32,
        b: u32,
    },
    Sge64 {
        d: u32,
        a: u32,
        b: u32,
    },
    /// Any integer compare, width 1..=128.
    ICmp {
        pred: IntPred,
        bits: u8,
        d: u32,
        a: u32,
        b: u32,
    },
    Trunc {
        bits: u8,
        d: u32,
        s: u32,
    },
    Sext {
        from: u8,
        to: u8,
        d: u32,
        s: u32,
    },
    /// Generic scalar cast; `info` indexes [`Lowered::casts`].
    Cast {
        d: u32,
        s: u32,
        info: u32,
    },
    FAdd64 {
        d: u32,
        a: u32,
        b: u32,
    },
    FSub64 {
        d: u32,
        a: u32,
        b: u32,
    },
    FMul64 {
        d: u32,
        a: u32,
        b: u32,
    },
    FDiv64 {
        d: u32,
        a: u32,
        b: u32,
    },
    FAdd32 {
        d: u32,
        a: u32,
        b: u32,
    },
    FSub32 {
        d: u32,
        a: u32,
        b: u32,
    },
    FMul32 {
        d: u32,
        a: u32,
        b: u32,
    },
    FDiv32 {
        d: u32,
        a: u32,
        b: u32,
    },
    FBin {
        op: BinOp,
        k: Fk,
        d: u32,
        a: u32,
        b: u32,
    },
    FNeg {
        k: Fk,
        d: u32,
        s: u32,
    },
    /// `llvm.fmuladd.f64`, unfused like x86-64 without FMA.
    FMulAdd64 {
        d: u32,
        a: u32,
        b: u32,
        c: u32,
    },
    FCmp {
        pred: FloatPred,
        k: Fk,
        d: u32,
        a: u32,
        b: u32,
    },
    Select {
        d: u32,
        c: u32,
        t: u32,
        f: u32,
    },
    SelectN {
        d: u32,
        c: u32,
        t: u32,
        f: u32,
        n: u32,
    },
    Ld8 {
        d: u32,
        a: u32,
    },
    Ld16 {
        d: u32,
        a: u32,
    },
    Ld32 {
        d: u32,
        a: u32,
    },
    Ld64 {
        d: u32,
        a: u32,
    },
    /// Load of any representation; `r` indexes [`Lowered::reprs`].
    LdR {
        d: u32,
        a: u32,
        r: u32,
    },
    /// Load from `b + i*scale + off` (a fused single-index GEP).
    Ld8X {
        d: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    Ld16X {
        d: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    Ld32X {
        d: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    Ld64X {
        d: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    /// Load from `a + off` (a fused constant GEP).
    Ld8O {
        d: u32,
        a: u32,
        off: i32,
    },
    Ld16O {
        d: u32,
        a: u32,
        off: i32,
    },
    Ld32O {
        d: u32,
        a: u32,
        off: i32,
    },
    Ld64O {
        d: u32,
        a: u32,
        off: i32,
    },
    St8 {
        v: u32,
        a: u32,
    },
    St16 {
        v: u32,
        a: u32,
    },
    St32 {
        v: u32,
        a: u32,
    },
    St64 {
        v: u32,
        a: u32,
    },
    StR {
        v: u32,
        a: u32,
        r: u32,
    },
    St8X {
        v: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    St16X {
        v: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    St32X {
        v: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    St64X {
        v: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    St8O {
        v: u32,
        a: u32,
        off: i32,
    },
    St16O {
        v: u32,
        a: u32,
        off: i32,
    },
    St32O {
        v: u32,
        a: u32,
        off: i32,
    },
    St64O {
        v: u32,
        a: u32,
        off: i32,
    },
    Fence,
    GepC {
        d: u32,
        b: u32,
        off: i64,
    },
    Gep1 {
        d: u32,
        b: u32,
        i: u32,
        scale: i32,
        off: i32,
    },
    GepN {
        d: u32,
        b: u32,
        info: u32,
    },
    Alloca {
        d: u32,
        size: u32,
        align: u32,
    },
    AllocaDyn {
        d: u32,
        count: u32,
        info: u32,
    },
    Call {
        site: u32,
    },
    CallNative {
        site: u32,
    },
    CallInd {
        site: u32,
    },
    /// `setjmp(buf)` (and `_setjmp`, `sigsetjmp`, `__sigsetjmp`): writes a
    /// jump record of this frame into `buf` and sets `d` to 0; a `longjmp`
    /// to it resumes after this op with `d` set to its value. `save` is
    /// [`SAVE_NEVER`], [`SAVE_ALWAYS`] or the slot of `sigsetjmp`'s flag.
    SetJmp {
        d: u32,
        buf: u32,
        save: u32,
    },
    MemCpy {
        d: u32,
        s: u32,
        n: u32,
    },
    MemMove {
        d: u32,
        s: u32,
        n: u32,
    },
    MemSet {
        d: u32,
        v: u32,
        n: u32,
    },
    /// Integer vector operation, lanes of at most 64 bits (one slot each).
    VIBin {
        op: BinOp,
        bits: u8,
        len: u8,
        d: u32,
        a: u32,
        b: u32,
    },
    /// `sext` of an integer vector, lanes of at most 64 bits.
    VSext {
        from: u8,
        to: u8,
        len: u8,
        d: u32,
        s: u32,
    },
    /// `trunc` of an integer vector, lanes of at most 64 bits.
    VTrunc {
        bits: u8,
        len: u8,
        d: u32,
        s: u32,
    },
    /// Load of a vector of one-slot lanes `w` (1, 2, 4 or 8) bytes apart.
    VLd {
        w: u8,
        len: u8,
        d: u32,
        a: u32,
    },
    /// Store of a vector of one-slot lanes `w` (1, 2, 4 or 8) bytes apart.
    VSt {
        w: u8,
        len: u8,
        v: u32,
        a: u32,
    },
    /// `insertelement` into a vector of one-slot lanes.
    InsElt {
        len: u32,
        d: u32,
        v: u32,
        e: u32,
        i: u32,
    },
    /// `extractelement` from a vector of one-slot lanes.
    ExtElt {
        len: u32,
        d: u32,
        v: u32,
        i: u32,
    },
    /// Other intrinsics; `info` indexes [`Lowered::intrs`].
    Intr {
        info: u32,
    },
    /// Vector, aggregate and atomic operations; `info` indexes [`Lowered::slow`].
    Slow {
        info: u32,
    },
}

// Ops stay at most 24 bytes (three per 64-byte cache line and a half).
const _: () = assert!(std::mem::size_of::<Op>() <= 24);

impl Op {
    /// The branch targets of a control-transfer op.
    fn targets_mut(&mut self) -> (Option<&mut u32>, Option<&mut u32>) {
        match self {
            Op::Br { t, .. } | Op::MovBr { t, .. } | Op::Mov2Br { t, .. } | Op::MovesBr { t, .. } => (Some(t), None),
            Op::CondBr { t, f, .. }
            | Op::BrEq { t, f, .. }
            | Op::BrNe { t, f, .. }
            | Op::BrUlt { t, f, .. }
            | Op::BrUle { t, f, .. }
            | Op::BrUgt { t, f, .. }
            | Op::BrUge { t, f, .. }
            | Op::BrSlt32 { t, f, .. }
            | Op::BrSle32 { t, f, .. }
            | Op::BrSgt32 { t, f, .. }
            | Op::BrSge32 { t, f, .. }
            | Op::BrSlt64 { t, f, .. }
            | Op::BrSle64 { t, f, .. }
            | Op::BrSgt64 { t, f, .. }
            | Op::BrSge64 { t, f, .. } => (Some(t), Some(f)),
            _ => (None, None),
        }
    }
}

/// [`Op::SetJmp`]: do not save the signal mask (`_setjmp`).
pub const SAVE_NEVER: u32 = u32::MAX;
/// [`Op::SetJmp`]: save the signal mask (`setjmp`).
pub const SAVE_ALWAYS: u32 = u32::MAX - 1;

/// Describes a generic cast.
#[derive(Clone, Copy, Debug)]
pub struct CastInfo {
    /// The operator.
    pub op: CastOp,
    /// Source scalar.
    pub from: Scalar,
    /// Target scalar.
    pub to: Scalar,
}

/// A switch table.
#[derive(Clone, Debug)]
pub struct SwitchTable {
    /// Case values (sorted) with their targets.
    pub cases: Vec<(u128, u32)>,
    /// Default target.
    pub default: u32,
    /// The condition takes two slots.
    pub wide: bool,
    /// The condition's width in bits (64 for an `indirectbr`'s address).
    pub bits: u32,
    /// Dense cases (not `wide`): the target of value `v` is
    /// `dense[(v - min) mod 2^bits]` (the default for values without a case
    /// and past the end); empty when the cases are too sparse, and the
    /// sorted `cases` are searched instead.
    pub dense: Vec<u32>,
    /// The first value of the dense range (see `dense`).
    pub min: u64,
    /// `2^bits - 1`, the wrap of `v - min`.
    pub mask: u64,
}

impl SwitchTable {
    fn new(cases: Vec<(u128, u32)>, default: u32, wide: bool, bits: u32) -> SwitchTable {
        SwitchTable { cases, default, wide, bits, dense: Vec::new(), min: 0, mask: sem::mask64(bits.min(64)) }
    }

    /// Fills `dense` when the cases, read unsigned or signed (whichever
    /// range is shorter: `switch i16 %w` over -1, 0, 1 in Lua's
    /// `luaD_poscall`), span at most 256 values, or at most 4096 and at most
    /// sixteen times their number (Lua's `indirectbr` dispatch: 83 block
    /// addresses `base + block` spread over about 700 blocks, which a
    /// binary search made 11% of `fib.lua`'s instructions). A table holds
    /// at most 16 KiB. The range wraps in the condition's width, so
    /// `(v - min) mod 2^bits` indexes it either way.
    fn make_dense(&mut self) {
        let (Some(first), Some(last)) = (self.cases.first(), self.cases.last()) else { return };
        if self.wide || self.bits > 64 || last.0 > u128::from(u64::MAX) {
            return;
        }
        let (lo, hi) = (first.0 as u64, last.0 as u64);
        let signed = self.cases.iter().map(|c| sem::sext64(c.0 as u64 & self.mask, self.bits));
        let (slo, shi) = (signed.clone().min().unwrap_or(0), signed.max().unwrap_or(0));
        let (min, span) = if (shi.wrapping_sub(slo) as u64) < hi - lo {
            (slo as u64 & self.mask, (shi.wrapping_sub(slo) as u64).saturating_add(1))
        } else {
            (lo, (hi - lo).saturating_add(1))
        };
        if span > 4096 || (span > 256 && span > 16 * self.cases.len() as u64) {
            return;
        }
        let mut dense = vec![self.default; span as usize];
        for &(v, t) in &self.cases {
            dense[((v as u64).wrapping_sub(min) & self.mask) as usize] = t;
        }
        self.dense = dense;
        self.min = min;
    }
}

/// A GEP with several variable indices.
#[derive(Clone, Debug)]
pub struct GepInfo {
    /// Constant byte offset.
    pub off: i64,
    /// `(index slot, scale, index width)`.
    pub terms: Vec<(u32, i64, u32)>,
}

/// One argument of a call site.
#[derive(Clone, Debug)]
pub struct ArgSlot {
    /// First slot of the value.
    pub slot: u32,
    /// Number of slots.
    pub n: u32,
    /// `byval`: size and alignment of the pointee.
    pub byval: Option<(u32, u32)>,
    /// Representation (for varargs layout and FFI conversion).
    pub repr: Repr,
}

/// A call site.
#[derive(Debug)]
pub struct CallSite {
    /// Direct IR callee.
    pub target: Option<FuncId>,
    /// Native address for direct native calls, and the entry stub of a
    /// direct IR callee (called natively while code is plugged into it).
    pub addr: u64,
    /// Callee slot for indirect calls.
    pub callee: u32,
    /// Arguments.
    pub args: Vec<ArgSlot>,
    /// Destination slot and slot count of the result.
    pub dest: u32,
    /// Number of result slots.
    pub dest_n: u32,
    /// FFI interface for native calls (`Err` if the signature is unsupported).
    pub sig: Result<FfiSig, String>,
    /// No argument is `byval`: an IR callee that is not variadic runs in
    /// the caller's dispatch loop, its arguments copied slot to slot.
    pub no_byval: bool,
    /// The call's fast path, set by the first call that runs an IR callee
    /// in the caller's loop (see [`FastCall`]); an indirect call's is for
    /// that first callee's address only.
    pub fast: OnceLock<FastCall>,
}

/// What a direct call to an interpreted function needs, resolved once: the
/// callee's code and the argument moves, slot by slot.
#[derive(Debug)]
pub struct FastCall {
    /// The address of the callee's code (the interpreter's `Code`: its
    /// [`Lowered`] with the threaded ops), owned by the same interpreter as
    /// the caller's and never freed or moved while it lives (each is boxed
    /// once in a `OnceLock`). An address rather than a reference or pointer
    /// keeps `Lowered` `Send + Sync` without `unsafe`.
    pub(crate) callee: usize,
    /// The callee's address as the call site gives it (an indirect call
    /// takes the fast path only when its pointer is this address).
    pub(crate) addr: u64,
    /// `(caller slot, callee slot)` per argument slot: every slot of every
    /// argument, with the callee slots checked `< callee.nslots` and the
    /// caller slots `< caller.nslots` when this is built.
    pub(crate) moves: Box<[(u32, u32)]>,
    /// The callee's constant image has at most eight slots and there are at
    /// most two moves (the interpreter's cheapest call).
    pub(crate) small: bool,
}

/// An intrinsic call.
#[derive(Clone, Debug)]
pub struct IntrSite {
    /// Which intrinsic.
    pub which: Intrinsic,
    /// Destination slot.
    pub d: u32,
    /// Argument slots.
    pub args: Vec<u32>,
    /// Representation of the first argument.
    pub arg_repr: Repr,
    /// Representation of the result.
    pub ret_repr: Repr,
    /// For a `{ T, <flags> }` result (`*.with.overflow`): the byte offset and
    /// representation of the flags field in the result's image.
    pub flags: Option<(u32, Repr)>,
}

/// Rarely executed or vector operations, interpreted by a slower path.
#[derive(Clone, Debug)]
#[allow(missing_docs)]
pub enum Slow {
    VBin {
        op: BinOp,
        elem: Scalar,
        len: u32,
        d: u32,
        a: u32,
        b: u32,
    },
    VICmp {
        pred: IntPred,
        elem: Scalar,
        len: u32,
        d: u32,
        a: u32,
        b: u32,
    },
    VFCmp {
        pred: FloatPred,
        k: Fk,
        len: u32,
        d: u32,
        a: u32,
        b: u32,
    },
    VFNeg {
        k: Fk,
        len: u32,
        d: u32,
        s: u32,
    },
    VCast {
        op: CastOp,
        from: Scalar,
        to: Scalar,
        len: u32,
        d: u32,
        s: u32,
    },
    VSelect {
        elem_n: u32,
        len: u32,
        d: u32,
        c: u32,
        t: u32,
        f: u32,
    },
    ExtractElt {
        elem_n: u32,
        len: u32,
        d: u32,
        v: u32,
        i: u32,
    },
    InsertElt {
        elem_n: u32,
        len: u32,
        n: u32,
        d: u32,
        v: u32,
        e: u32,
        i: u32,
    },
    Shuffle {
        elem_n: u32,
        len_a: u32,
        d: u32,
        a: u32,
        b: u32,
        mask: Vec<i32>,
    },
    /// Reinterpretation through the memory image.
    Bitcast {
        from: Repr,
        to: Repr,
        d: u32,
        s: u32,
    },
    ExtractV {
        r: Repr,
        off: u32,
        d: u32,
        s: u32,
    },
    InsertV {
        r: Repr,
        off: u32,
        n: u32,
        d: u32,
        s: u32,
        v: u32,
    },
    Rmw {
        op: RmwOp,
        s: Scalar,
        d: u32,
        a: u32,
        v: u32,
    },
    CmpXchg {
        s: Scalar,
        d: u32,
        a: u32,
        c: u32,
        n: u32,
    },
    AtomicStore {
        s: Scalar,
        v: u32,
        a: u32,
    },
    VaStart {
        a: u32,
    },
    /// `llvm.load.relative`: `d = p + sext(load i32 (p + sext(off)))`.
    LoadRelative {
        d: u32,
        p: u32,
        off: u32,
        off_bits: u32,
    },
    /// A vector `getelementptr`: per lane, `base + off + Σ index × scale`.
    /// A scalar base or index is used for every lane (`vec` false).
    VGep {
        len: u32,
        d: u32,
        base: u32,
        base_vec: bool,
        off: i64,
        /// `(first slot, scale, index width, vector?)`.
        terms: Vec<(u32, i64, u32, bool)>,
    },
    VaCopy {
        d: u32,
        s: u32,
    },
    VaArg {
        r: Repr,
        d: u32,
        list: u32,
    },
    /// Wide (> 128-bit) integer operations.
    WBin {
        op: BinOp,
        bits: u32,
        d: u32,
        a: u32,
        b: u32,
    },
    WCmp {
        pred: IntPred,
        bits: u32,
        d: u32,
        a: u32,
        b: u32,
    },
    /// trunc / zext / sext where either side is wide; `from`/`to` are widths.
    WCast {
        op: CastOp,
        from: u32,
        to: u32,
        d: u32,
        s: u32,
    },
}

/// A lowered function.
#[derive(Debug)]
pub struct Lowered {
    /// The IR function.
    pub func: FuncId,
    /// Its name (for errors).
    pub name: String,
    /// The code.
    pub ops: Vec<Op>,
    /// Initial values of slots `0..consts.len()`: the constants, padded with
    /// zeros to a multiple of four slots (`consts.len() <= nslots`).
    pub consts: Vec<u64>,
    /// Frame size in slots.
    pub nslots: u32,
    /// `(slot, slot count)` of each parameter.
    pub params: Vec<(u32, u32)>,
    /// Slot holding the address of the variadic argument area.
    pub va_slot: u32,
    /// True for a variadic function.
    pub varargs: bool,
    /// The IR instruction each op came from.
    pub pc_inst: Vec<InstId>,
    /// Call sites.
    pub calls: Vec<CallSite>,
    /// Switch tables.
    pub switches: Vec<SwitchTable>,
    /// Multi-index GEPs.
    pub geps: Vec<GepInfo>,
    /// Generic casts.
    pub casts: Vec<CastInfo>,
    /// Representations used by `LdR`/`StR`.
    pub reprs: Vec<Repr>,
    /// Intrinsic calls.
    pub intrs: Vec<IntrSite>,
    /// Slow-path operations.
    pub slow: Vec<Slow>,
    /// Dynamic alloca info: `(element size, align, count width)`.
    pub allocas: Vec<(u64, u32, u32)>,
    /// Move lists of [`Op::Moves`] and [`Op::MovesBr`]: `(dest, source)`
    /// slot pairs, applied in order.
    pub moves: Vec<Box<[(u32, u32)]>>,
    /// Trap messages.
    pub msgs: Vec<String>,
    /// Unsupported constructs found: `(location, reason)`.
    pub unsupported: Vec<(String, String)>,
    /// The address of this function's dispatch slot in the image (an
    /// `AtomicU64` owned by the image, which outlives this code), 0 when it
    /// has none, and its generic entry: code is plugged into the function
    /// exactly when the slot holds another value.
    pub(crate) plug_slot: usize,
    /// The generic entry of the function's slot (see `plug_slot`).
    pub(crate) plug_generic: u64,
}

impl Lowered {
    /// A human-readable position of op `pc` in the IR.
    pub fn location(&self, m: &Module, pc: usize) -> String {
        let f = m.func(self.func);
        let Some(&inst) = self.pc_inst.get(pc) else { return format!("op {pc}") };
        inst_location(f, inst)
    }
}

/// `%block, instruction #n (opcode)` for an instruction.
pub fn inst_location(f: &Function, inst: InstId) -> String {
    for (bid, b) in f.blocks_iter() {
        if let Some(pos) = b.insts.iter().position(|&i| i == inst) {
            let bname = b.name.clone().unwrap_or_else(|| format!("bb{}", bid.0));
            let data = f.inst(inst);
            let what = opcode_name(&data.kind);
            let name = data.name.as_ref().map(|n| format!(" %{n}")).unwrap_or_default();
            return format!("%{bname}, instruction #{pos} ({what}{name})");
        }
    }
    format!("{inst}")
}

fn opcode_name(k: &InstKind) -> &'static str {
    match k {
        InstKind::FNeg { .. } => "fneg",
        InstKind::Binary { op, .. } => op.keyword(),
        InstKind::ICmp { .. } => "icmp",
        InstKind::FCmp { .. } => "fcmp",
        InstKind::Cast { op, .. } => op.keyword(),
        InstKind::Select { .. } => "select",
        InstKind::Phi { .. } => "phi",
        InstKind::Alloca { .. } => "alloca",
        InstKind::Load { .. } => "load",
        InstKind::Store { .. } => "store",
        InstKind::Gep { .. } => "getelementptr",
        InstKind::Call { .. } => "call",
        InstKind::Invoke { .. } => "invoke",
        InstKind::LandingPad { .. } => "landingpad",
        InstKind::ExtractValue { .. } => "extractvalue",
        InstKind::InsertValue { .. } => "insertvalue",
        InstKind::ExtractElement { .. } => "extractelement",
        InstKind::InsertElement { .. } => "insertelement",
        InstKind::ShuffleVector { .. } => "shufflevector",
        InstKind::AtomicRmw { .. } => "atomicrmw",
        InstKind::CmpXchg { .. } => "cmpxchg",
        InstKind::Fence { .. } => "fence",
        InstKind::Freeze { .. } => "freeze",
        InstKind::VaArg { .. } => "va_arg",
        InstKind::Ret { .. } => "ret",
        InstKind::Br { .. } | InstKind::CondBr { .. } => "br",
        InstKind::Switch { .. } => "switch",
        InstKind::IndirectBr { .. } => "indirectbr",
        InstKind::Resume { .. } => "resume",
        InstKind::Unreachable => "unreachable",
    }
}

/// Reports, per defined function of `m`, the constructs the interpreter
/// cannot execute: `(function name, "location: reason")`.
pub fn unsupported(m: &Module) -> Vec<(String, String)> {
    let zeros_g = vec![0u64; m.globals.len()];
    let zeros_f = vec![0u64; m.funcs.len()];
    let zeros_a = vec![0u64; m.aliases.len()];
    // Any non-zero base: block addresses only need to exist here.
    let blocks = vec![1u64 << 32; m.funcs.len()];
    let ev = ConstEval { m, globals: &zeros_g, funcs: &zeros_f, aliases: &zeros_a, blocks: &blocks };
    let mut out = Vec::new();
    for (id, f) in m.funcs_iter() {
        if f.is_declaration() {
            continue;
        }
        let l = lower(m, &ev, None, id);
        for (loc, reason) in l.unsupported {
            out.push((f.name.clone(), format!("{loc}: {reason}")));
        }
    }
    out
}

/// Lowers function `id` against a loaded image.
pub fn lower_in_image(image: &Image, id: FuncId) -> Lowered {
    let mut l = lower(image.module(), &image.const_eval(), Some(image), id);
    if let Some((slot, generic)) = image.plug_slot(id) {
        l.plug_slot = std::ptr::from_ref(slot) as usize;
        l.plug_generic = generic;
    }
    l
}

const LABEL_BIT: u32 = 1 << 31;

/// A vector whose lanes take one slot each and lie 1, 2, 4 or 8 bytes
/// apart in memory, at most 255 of them: `(lane bytes, lanes)`, the
/// operands of [`Op::VLd`] and [`Op::VSt`].
fn packed_lanes(r: &Repr) -> Option<(u8, u8)> {
    match *r {
        Repr::V { elem, len, stride: w @ (1 | 2 | 4 | 8) } if elem.slots() == 1 && len <= 255 => {
            Some((w as u8, len as u8))
        }
        _ => None,
    }
}

struct Cx<'a> {
    m: &'a Module,
    f: &'a Function,
    ev: &'a ConstEval<'a>,
    image: Option<&'a Image>,
    out: Lowered,
    next: u32,
    inst_slot: Vec<u32>,
    const_slot: HashMap<ConstId, u32>,
    cur: InstId,
    /// Edge stubs to emit: (label index, from block, to block).
    edges: Vec<(BlockId, BlockId)>,
    edge_index: HashMap<(BlockId, BlockId), u32>,
    block_pc: Vec<u32>,
    uses: Vec<u32>,
}

fn lower(m: &Module, ev: &ConstEval<'_>, image: Option<&Image>, id: FuncId) -> Lowered {
    let f = m.func(id);
    let out = Lowered {
        func: id,
        name: f.name.clone(),
        ops: Vec::new(),
        consts: Vec::new(),
        nslots: 0,
        params: Vec::new(),
        va_slot: 0,
        varargs: m.types.func_sig(f.ty).is_some_and(|s| s.2),
        pc_inst: Vec::new(),
        calls: Vec::new(),
        switches: Vec::new(),
        geps: Vec::new(),
        casts: Vec::new(),
        reprs: Vec::new(),
        intrs: Vec::new(),
        slow: Vec::new(),
        allocas: Vec::new(),
        moves: Vec::new(),
        msgs: Vec::new(),
        unsupported: Vec::new(),
        plug_slot: 0,
        plug_generic: 0,
    };
    let mut cx = Cx {
        m,
        f,
        ev,
        image,
        out,
        next: 0,
        inst_slot: vec![u32::MAX; f.insts.len()],
        const_slot: HashMap::new(),
        cur: InstId(0),
        edges: Vec::new(),
        edge_index: HashMap::new(),
        block_pc: vec![0; f.blocks.len()],
        uses: vec![0; f.insts.len()],
    };
    cx.run();
    cx.out
}

impl<'a> Cx<'a> {
    fn alloc(&mut self, n: u32) -> u32 {
        let s = self.next;
        self.next += n;
        s
    }

    fn repr(&mut self, ty: Ty) -> Repr {
        match repr_of(self.m, ty) {
            Ok(r) => r,
            Err(e) => {
                self.unsupported(e);
                Repr::None
            }
        }
    }

    fn loc(&self) -> String {
        inst_location(self.f, self.cur)
    }

    fn unsupported(&mut self, reason: impl Into<String>) {
        let loc = self.loc();
        self.out.unsupported.push((loc, reason.into()));
    }

    fn emit(&mut self, op: Op) {
        self.out.ops.push(op);
        self.out.pc_inst.push(self.cur);
    }

    fn trap(&mut self, kind: Trap, msg: impl Into<String>) {
        let msg = msg.into();
        if kind == Trap::Unsupported {
            self.unsupported(msg.clone());
        }
        let i = self.out.msgs.len() as u32;
        self.out.msgs.push(msg);
        self.emit(Op::Trap { kind, msg: i });
    }

    /// The address of block `b` of the function being lowered: the
    /// image's, or a stand-in when lowering without an image (analysis).
    fn block_addr(&self, b: BlockId) -> Option<u64> {
        match self.image {
            Some(img) => img.block_addr(self.out.func, b),
            None => Some((1u64 << 32) + u64::from(b.0)),
        }
    }

    fn ty_of(&self, v: Value) -> Ty {
        match v {
            Value::Inst(i) => self.f.inst(i).ty,
            Value::Arg(n) => self.f.params[n as usize].ty,
            Value::Const(c) => self.m.constant(c).ty(),
        }
    }

    fn slot(&self, v: Value) -> u32 {
        match v {
            Value::Inst(i) => self.inst_slot[i.index()],
            Value::Arg(n) => self.out.params.get(n as usize).map_or(0, |p| p.0),
            Value::Const(c) => self.const_slot.get(&c).copied().unwrap_or(0),
        }
    }

    fn const_int(&self, v: Value) -> Option<i64> {
        let Value::Const(c) = v else { return None };
        match self.m.constant(c) {
            ConstData::Int { ty, bits } => {
                let w = self.m.types.int_bits(*ty).unwrap_or(64);
                Some(sem::sext128(*bits, w) as i64)
            }
            ConstData::Zero(_) | ConstData::Null(_) => Some(0),
            _ => None,
        }
    }

    fn run(&mut self) {
        let m = self.m;
        let f = self.f;
        // Constants first (slots 0..nconst), then params, then instructions.
        let mut consts: Vec<ConstId> = Vec::new();
        for b in &f.blocks {
            for &i in &b.insts {
                f.inst(i).kind.for_each_operand(|v| {
                    if let Value::Inst(u) = v {
                        self.uses[u.index()] += 1;
                    }
                    if let Value::Const(c) = v
                        && !self.const_slot.contains_key(&c)
                    {
                        self.const_slot.insert(c, u32::MAX);
                        consts.push(c);
                    }
                });
            }
        }
        let mut const_err = None;
        for &c in &consts {
            let r = match repr_of(m, m.constant(c).ty()) {
                Ok(r) => r,
                Err(_) => Repr::None,
            };
            let n = r.slots();
            let s = self.alloc(n);
            self.const_slot.insert(c, s);
            self.out.consts.resize(self.next as usize, 0);
            if n > 0
                && let Err(e) = self.ev.slots(c, &r, &mut self.out.consts[s as usize..(s + n) as usize])
            {
                const_err.get_or_insert(e);
            }
        }
        for p in &f.params {
            let r = self.repr(p.ty);
            let n = r.slots();
            let s = self.alloc(n);
            self.out.params.push((s, n));
        }
        self.out.va_slot = self.alloc(1);
        // An `insertelement` into a vector of one-slot lanes whose source
        // vector is used by nothing else, defined earlier in the same block
        // and not a phi, takes the source's slots: each execution follows a
        // fresh definition of the source, which is dead after it, so
        // `Op::InsElt` updates the lane in place instead of copying the
        // vector (a chain of inserts building a vector copied it per lane).
        let mut block_of = vec![u32::MAX; f.insts.len()];
        // No slot is shared (these two, and a loop phi with its back-edge
        // value below) in a function that calls `setjmp`: a `longjmp`
        // resumes after the `setjmp` with the slots as they are, an edge the
        // CFG does not show, along which a shared slot may have been
        // overwritten while the value it held is still live.
        let calls_setjmp = f.blocks.iter().flat_map(|b| &b.insts).any(|&i| match &f.inst(i).kind {
            InstKind::Call { callee: Value::Const(c), .. } | InstKind::Invoke { callee: Value::Const(c), .. } => {
                matches!(m.constant(*c), ConstData::Func { id, .. } if jitty_rt::sjlj::is_setjmp(&m.func(*id).name))
            }
            _ => false,
        });
        // Casts that only move a one-slot value (`zext` and pointer casts
        // between one-slot scalars, whose slots hold values zero-extended)
        // share their operand's slot once the phis are coalesced (below).
        let mut aliases: Vec<(InstId, InstId)> = Vec::new();
        for (bi, b) in f.blocks.iter().enumerate() {
            for &i in &b.insts {
                block_of[i.index()] = bi as u32;
                let r = repr_of(m, f.inst(i).ty).unwrap_or(Repr::None);
                let n = r.slots();
                if let InstKind::Cast { op, val: Value::Inst(u), .. } = &f.inst(i).kind
                    && !calls_setjmp
                    && !matches!(f.inst(*u).kind, InstKind::Phi { .. })
                    && let (Ok(Repr::S(from)), Repr::S(to)) = (repr_of(m, f.inst(*u).ty), &r)
                    && matches!(op, CastOp::ZExt | CastOp::PtrToInt | CastOp::PtrToAddr | CastOp::IntToPtr)
                    && from.slots() == 1
                    && to.slots() == 1
                    && !matches!(from, Scalar::F(_))
                    && !matches!(to, Scalar::F(_))
                    && from.int_bits() <= to.int_bits()
                {
                    aliases.push((i, *u));
                    continue;
                }
                let reuse = match &f.inst(i).kind {
                    InstKind::InsertElement { vec: Value::Inst(u), .. }
                        if !calls_setjmp
                            && self.uses[u.index()] == 1
                            && block_of[u.index()] == bi as u32
                            && !matches!(f.inst(*u).kind, InstKind::Phi { .. })
                            && matches!(r, Repr::V { elem, .. } if elem.slots() == 1)
                            && self.inst_slot[u.index()] != u32::MAX =>
                    {
                        Some(self.inst_slot[u.index()])
                    }
                    _ => None,
                };
                self.inst_slot[i.index()] = match reuse {
                    Some(s) => s,
                    None if n > 0 => self.alloc(n),
                    None => u32::MAX,
                };
            }
        }
        let before = self.inst_slot.clone();
        if !calls_setjmp {
            self.coalesce_loop_phis();
        }
        // A move-only cast reads the same slot as its operand: in SSA form
        // every use of the cast sees the operand's latest definition, the
        // one the cast copied (the operand's definition dominates the
        // cast's, which dominates the use), so no copy is needed. Not when
        // the operand is a phi or was coalesced into a phi's slot (edge
        // moves write those slots outside the operand's definition).
        for &(d, u) in &aliases {
            let su = self.inst_slot[u.index()];
            self.inst_slot[d.index()] = if su != u32::MAX && su == before[u.index()] { su } else { self.alloc(1) };
        }
        if let Some(e) = const_err {
            self.cur = f.blocks.first().and_then(|b| b.insts.first().copied()).unwrap_or(InstId(0));
            self.trap(Trap::Unsupported, format!("constant: {e}"));
        }
        for (bid, b) in f.blocks_iter() {
            self.block_pc[bid.index()] = self.out.ops.len() as u32;
            let cost = b.insts.len() as u32;
            for &i in &b.insts {
                self.cur = i;
                self.inst(i, bid, cost);
            }
        }
        // Edge stubs: parallel moves for phis, then a jump.
        let mut k = 0;
        let mut stub_pc = Vec::new();
        while k < self.edges.len() {
            let (from, to) = self.edges[k];
            stub_pc.push(self.out.ops.len() as u32);
            let t = self.block_pc[to.index()];
            self.edge_moves(from, to, t, 0);
            k += 1;
        }
        // Patch labels.
        let resolve = |t: u32, block_pc: &[u32], stub_pc: &[u32]| -> u32 {
            if t & LABEL_BIT != 0 {
                let l = t & !LABEL_BIT;
                if (l as usize) < block_pc.len() { block_pc[l as usize] } else { stub_pc[l as usize - block_pc.len()] }
            } else {
                t
            }
        };
        let (bp, sp) = (self.block_pc.clone(), stub_pc);
        for op in &mut self.out.ops {
            let (a, b) = op.targets_mut();
            if let Some(t) = a {
                *t = resolve(*t, &bp, &sp);
            }
            if let Some(f) = b {
                *f = resolve(*f, &bp, &sp);
            }
        }
        for sw in &mut self.out.switches {
            sw.default = resolve(sw.default, &bp, &sp);
            for c in &mut sw.cases {
                c.1 = resolve(c.1, &bp, &sp);
            }
            sw.make_dense();
        }
        // The constant image is copied into every new frame four slots at a
        // time: pad it with zeros to a multiple of four (the padding lands on
        // parameter and instruction slots, written before they are read).
        let image = self.out.consts.len().next_multiple_of(4);
        self.out.consts.resize(image, 0);
        self.out.nslots = self.next.max(image as u32).max(4);
    }

    /// The label of the edge `from -> to`: the block itself when it has no
    /// phis, else a stub with the moves.
    fn edge(&mut self, from: BlockId, to: BlockId) -> u32 {
        if self.phi_moves(from, to).is_empty() {
            return LABEL_BIT | to.0;
        }
        if let Some(&l) = self.edge_index.get(&(from, to)) {
            return LABEL_BIT | l;
        }
        let l = (self.f.blocks.len() + self.edges.len()) as u32;
        self.edges.push((from, to));
        self.edge_index.insert((from, to), l);
        LABEL_BIT | l
    }

    /// The `(dest, src, slots)` moves the phis of `to` need on edge `from -> to`.
    fn phi_moves(&self, from: BlockId, to: BlockId) -> Vec<(u32, u32, u32)> {
        let f = self.f;
        let mut moves = Vec::new();
        for &i in &f.block(to).insts {
            let InstKind::Phi { incoming } = &f.inst(i).kind else { break };
            let d = self.inst_slot[i.index()];
            if d == u32::MAX {
                continue;
            }
            let n = repr_of(self.m, f.inst(i).ty).map(|r| r.slots()).unwrap_or(0);
            if let Some((v, _)) = incoming.iter().find(|(_, b)| *b == from) {
                let s = self.slot(*v);
                if s != d && n > 0 {
                    moves.push((d, s, n));
                }
            }
        }
        moves
    }

    /// Gives a loop phi and its back-edge value the same slots when that is
    /// safe, so the back edge needs no move. For phi `p` of header `h` and
    /// the value `v` it receives along a back edge:
    /// * `v` is not a phi, takes as many slots as `p`, and is defined in a
    ///   block `bv` that `h` dominates (so every path into the loop writes
    ///   `p`'s slot before `v` is defined, and `v` is dead at those writes:
    ///   a use of `v` reached after one would not be dominated by `v`);
    /// * no use of `p` can run after `v`'s definition before control comes
    ///   back to `h`: each use's block (for a phi using `p`, the edge's
    ///   source, where its move runs) is not reachable from `bv` without
    ///   entering `h`, and is not `bv` itself unless the use comes before
    ///   `v` in it (an edge out of `bv` runs after `v`).
    ///
    /// Reachability is searched per `(h, bv)`, at most once each, and only
    /// among the blocks `h` dominates.
    fn coalesce_loop_phis(&mut self) {
        let f = self.f;
        let has_phis = |b: &jitty_ir::function::BlockData| {
            matches!(b.insts.first().map(|&i| &f.inst(i).kind), Some(InstKind::Phi { .. }))
        };
        if !f.blocks.iter().any(has_phis) {
            return;
        }
        let nb = f.blocks.len();
        let mut pos = vec![(u32::MAX, 0u32); f.insts.len()];
        let mut users: Vec<Vec<InstId>> = vec![Vec::new(); f.insts.len()];
        let mut succs: Vec<Vec<BlockId>> = vec![Vec::new(); nb];
        let mut preds: Vec<Vec<BlockId>> = vec![Vec::new(); nb];
        for (bid, b) in f.blocks_iter() {
            for (k, &i) in b.insts.iter().enumerate() {
                pos[i.index()] = (bid.0, k as u32);
                f.inst(i).kind.for_each_operand(|v| {
                    if let Value::Inst(u) = v {
                        users[u.index()].push(i);
                    }
                });
            }
            if let Some(t) = f.terminator(bid) {
                succs[bid.index()] = t.successors();
                for s in &succs[bid.index()] {
                    preds[s.index()].push(bid);
                }
            }
        }
        let dom = DomTree::new(nb, &succs, &preds);
        // Blocks reached from `bv`'s successors without entering `h` (`bv`
        // itself only through a cycle). The search stays among the blocks
        // `h` dominates: a path that leaves them comes back only through
        // `h`, and every use of `h`'s phis lies among them.
        // Sorted; `stamp` marks the blocks seen by the current search.
        let (mut stamp, mut seen) = (0u32, vec![0u32; nb]);
        let mut reach_from = |bv: u32, h: u32| -> Vec<u32> {
            stamp += 1;
            let mut reached = Vec::new();
            let mut stack: Vec<u32> = succs[bv as usize].iter().map(|b| b.0).collect();
            while let Some(b) = stack.pop() {
                if b == h || seen[b as usize] == stamp || !dom.dominates(h as usize, b as usize) {
                    continue;
                }
                seen[b as usize] = stamp;
                reached.push(b);
                stack.extend(succs[b as usize].iter().map(|b| b.0));
            }
            reached.sort_unstable();
            reached
        };
        let mut taken = vec![false; f.insts.len()];
        let mut after: HashMap<u32, Vec<u32>> = HashMap::new();
        for (bid, b) in f.blocks_iter() {
            if !has_phis(b) {
                continue;
            }
            let h = bid.0;
            if !dom.reachable(h as usize) {
                continue;
            }
            let inside = |b: u32| dom.reachable(b as usize) && dom.dominates(h as usize, b as usize);
            after.clear();
            for &p in &b.insts {
                let InstKind::Phi { incoming } = &f.inst(p).kind else { break };
                if self.inst_slot[p.index()] == u32::MAX {
                    continue;
                }
                for (val, from) in incoming {
                    let Value::Inst(v) = *val else { continue };
                    let (bv, vk) = pos[v.index()];
                    if !inside(from.0)
                        || bv == u32::MAX
                        || !inside(bv)
                        || taken[v.index()]
                        || matches!(f.inst(v).kind, InstKind::Phi { .. })
                        || repr_of(self.m, f.inst(p).ty).map(|r| r.slots()).ok()
                            != repr_of(self.m, f.inst(v).ty).map(|r| r.slots()).ok()
                    {
                        continue;
                    }
                    let later = after.entry(bv).or_insert_with(|| reach_from(bv, h));
                    let is_later = |b: u32| later.binary_search(&b).is_ok();
                    let ok = users[p.index()].iter().all(|&u| match &f.inst(u).kind {
                        InstKind::Phi { incoming } => incoming
                            .iter()
                            .filter(|(x, _)| *x == Value::Inst(p))
                            .all(|(_, x)| x.0 != bv && !is_later(x.0)),
                        _ => {
                            let (ub, uk) = pos[u.index()];
                            !is_later(ub) && (ub != bv || uk <= vk)
                        }
                    });
                    if ok {
                        taken[v.index()] = true;
                        self.inst_slot[v.index()] = self.inst_slot[p.index()];
                        break;
                    }
                }
            }
        }
    }

    /// Emits the parallel phi moves of edge `from -> to`, then a jump to
    /// `target` (fusing the last single-slot move with the jump).
    fn edge_moves(&mut self, from: BlockId, to: BlockId, target: u32, cost: u32) {
        let saved = self.cur;
        if let Some(&first) = self.f.block(to).insts.first() {
            self.cur = first;
        }
        let moves = self.phi_moves(from, to);
        let overlaps = moves.iter().any(|&(_, s, sn)| moves.iter().any(|&(d, _, dn)| s < d + dn && d < s + sn));
        let emit_mov = |cx: &mut Self, d: u32, s: u32, n: u32| {
            if n == 1 {
                cx.emit(Op::Mov { d, s });
            } else {
                cx.emit(Op::MovN { d, s, n });
            }
        };
        let mut seq: Vec<(u32, u32, u32)> = Vec::new();
        if overlaps {
            let total: u32 = moves.iter().map(|m| m.2).sum();
            let tmp = self.alloc(total);
            let mut t = tmp;
            for &(_, s, n) in &moves {
                seq.push((t, s, n));
                t += n;
            }
            let mut t = tmp;
            for &(d, _, n) in &moves {
                seq.push((d, t, n));
                t += n;
            }
        } else {
            seq = moves;
        }
        self.cur = saved;
        // Eight or more one-slot moves are one op over a move list (fewer go
        // faster as `Mov2` pairs); the jump folds into it when it charges
        // nothing.
        if seq.len() >= 8 && seq.iter().all(|m| m.2 == 1) {
            let info = self.out.moves.len() as u32;
            self.out.moves.push(seq.iter().map(|&(d, s, _)| (d, s)).collect());
            if cost == 0 {
                self.emit(Op::MovesBr { info, t: target });
            } else {
                self.emit(Op::Moves { info });
                self.emit(Op::Br { t: target, cost });
            }
            return;
        }
        // Otherwise one-slot moves go two to an op, in order; the last one or
        // two fold into the jump when it charges nothing.
        let fold_last = cost == 0 && seq.last().is_some_and(|m| m.2 == 1);
        let upto = if fold_last { seq.len() - 1 } else { seq.len() };
        let mut k = 0;
        let mut pair_br = false;
        while k < upto {
            let (d, s, n) = seq[k];
            if n == 1 && k + 1 < upto && seq[k + 1].2 == 1 {
                let (d2, s2, _) = seq[k + 1];
                self.emit(Op::Mov2 { d1: d, s1: s, d2, s2 });
                k += 2;
            } else if n == 1 && fold_last && k + 1 == upto {
                let (d2, s2, _) = seq[upto];
                self.emit(Op::Mov2Br { d1: d, s1: s, d2, s2, t: target });
                pair_br = true;
                k += 1;
            } else {
                emit_mov(self, d, s, n);
                k += 1;
            }
        }
        if !fold_last {
            self.emit(Op::Br { t: target, cost });
        } else if !pair_br {
            let (d, s, _) = seq[seq.len() - 1];
            self.emit(Op::MovBr { d, s, t: target });
        }
    }

    /// If `v` is the single-use result of the op just emitted, removes that
    /// op and returns it (for fusion into its user).
    fn take_last_if_single_use(&mut self, v: Value) -> Option<Op> {
        let Value::Inst(i) = v else { return None };
        if self.uses[i.index()] != 1 || self.out.pc_inst.last() != Some(&i) {
            return None;
        }
        // The op must be the first op emitted for `i` (one op per fusable inst).
        let n = self.out.ops.len();
        if n >= 2 && self.out.pc_inst[n - 2] == i {
            return None;
        }
        self.out.pc_inst.pop();
        self.out.ops.pop()
    }

    fn take_fused_cmp(&mut self, cond: Value) -> Option<Op> {
        let last = *self.out.ops.last()?;
        match last {
            Op::Eq { .. }
            | Op::Ne { .. }
            | Op::Ult { .. }
            | Op::Ule { .. }
            | Op::Ugt { .. }
            | Op::Uge { .. }
            | Op::Slt32 { .. }
            | Op::Sle32 { .. }
            | Op::Sgt32 { .. }
            | Op::Sge32 { .. }
            | Op::Slt64 { .. }
            | Op::Sle64 { .. }
            | Op::Sgt64 { .. }
            | Op::Sge64 { .. } => self.take_last_if_single_use(cond),
            _ => None,
        }
    }

    fn take_fused_gep(&mut self, ptr: Value) -> Option<Op> {
        let last = *self.out.ops.last()?;
        match last {
            Op::Gep1 { .. } => self.take_last_if_single_use(ptr),
            Op::GepC { off, .. } if i32::try_from(off).is_ok() => self.take_last_if_single_use(ptr),
            _ => None,
        }
    }

    fn mov(&mut self, d: u32, s: u32, n: u32) {
        if d == s {
            // A move-only cast that shares its operand's slot.
            return;
        }
        if n == 1 {
            self.emit(Op::Mov { d, s });
        } else if n > 1 {
            self.emit(Op::MovN { d, s, n });
        }
    }

    fn add_repr(&mut self, r: Repr) -> u32 {
        if let Some(i) = self.out.reprs.iter().position(|x| *x == r) {
            return i as u32;
        }
        self.out.reprs.push(r);
        (self.out.reprs.len() - 1) as u32
    }

    fn slow(&mut self, s: Slow) {
        let info = self.out.slow.len() as u32;
        self.out.slow.push(s);
        self.emit(Op::Slow { info });
    }

    fn inst(&mut self, id: InstId, bid: BlockId, cost: u32) {
        let m = self.m;
        let data = self.f.inst(id);
        let d = self.inst_slot[id.index()];
        match &data.kind {
            InstKind::Phi { .. } => {}
            InstKind::Binary { op, lhs, rhs, .. } => self.binary(*op, data.ty, d, self.slot(*lhs), self.slot(*rhs)),
            InstKind::FNeg { val, .. } => {
                let s = self.slot(*val);
                match self.repr(data.ty) {
                    Repr::S(Scalar::F(k)) => self.emit(Op::FNeg { k, d, s }),
                    Repr::V { elem: Scalar::F(k), len, .. } => self.slow(Slow::VFNeg { k, len, d, s }),
                    _ => self.trap(Trap::Unsupported, "fneg of this type"),
                }
            }
            InstKind::ICmp { pred, lhs, rhs, .. } => {
                let (a, b) = (self.slot(*lhs), self.slot(*rhs));
                match self.repr(self.ty_of(*lhs)) {
                    Repr::S(s) => self.icmp(*pred, s.int_bits(), d, a, b),
                    Repr::V { elem, len, .. } => self.slow(Slow::VICmp { pred: *pred, elem, len, d, a, b }),
                    Repr::W(bits) => self.slow(Slow::WCmp { pred: *pred, bits, d, a, b }),
                    _ => self.trap(Trap::Unsupported, "icmp on this type"),
                }
            }
            InstKind::FCmp { pred, lhs, rhs, .. } => {
                let (a, b) = (self.slot(*lhs), self.slot(*rhs));
                match self.repr(self.ty_of(*lhs)) {
                    Repr::S(Scalar::F(k)) => self.emit(Op::FCmp { pred: *pred, k, d, a, b }),
                    Repr::V { elem: Scalar::F(k), len, .. } => self.slow(Slow::VFCmp { pred: *pred, k, len, d, a, b }),
                    _ => self.trap(Trap::Unsupported, "fcmp on this type"),
                }
            }
            InstKind::Cast { op, val, .. } => self.cast(*op, *val, data.ty, d),
            InstKind::Freeze { val } => {
                let n = self.repr(data.ty).slots();
                let s = self.slot(*val);
                self.mov(d, s, n);
            }
            InstKind::Select { cond, if_true, if_false, .. } => {
                let (c, t, f) = (self.slot(*cond), self.slot(*if_true), self.slot(*if_false));
                let r = self.repr(data.ty);
                let n = r.slots();
                if let Repr::V { elem, len, .. } = r
                    && m.types.vector(self.ty_of(*cond)).is_some()
                {
                    self.slow(Slow::VSelect { elem_n: elem.slots(), len, d, c, t, f });
                } else if n == 1 {
                    self.emit(Op::Select { d, c, t, f });
                } else if n > 1 {
                    self.emit(Op::SelectN { d, c, t, f, n });
                }
            }
            InstKind::Alloca { elem_ty, count, align } => {
                let size = m.alloc_size(*elem_ty);
                let align = (*align).max(1);
                match self.const_int(*count) {
                    Some(c) => {
                        let total = size.saturating_mul(c.max(0) as u64);
                        match u32::try_from(total) {
                            Ok(t) => self.emit(Op::Alloca { d, size: t, align }),
                            Err(_) => self.trap(Trap::StackOverflow, "alloca too large"),
                        }
                    }
                    None => {
                        let w = m.types.int_bits(self.ty_of(*count)).unwrap_or(64);
                        let info = self.out.allocas.len() as u32;
                        self.out.allocas.push((size, align, w));
                        let count = self.slot(*count);
                        self.emit(Op::AllocaDyn { d, count, info });
                    }
                }
            }
            InstKind::Load { ptr, atomic, .. } => {
                let a = self.slot(*ptr);
                let r = self.repr(data.ty);
                let _ = atomic;
                let width = match r {
                    Repr::S(Scalar::I(8)) => 1,
                    Repr::S(Scalar::I(16) | Scalar::F(Fk::Half | Fk::BF16)) => 2,
                    Repr::S(Scalar::I(32) | Scalar::F(Fk::F32)) => 4,
                    Repr::S(Scalar::I(64) | Scalar::F(Fk::F64) | Scalar::P) => 8,
                    _ => 0,
                };
                let fused = if width > 0 { self.take_fused_gep(*ptr) } else { None };
                match (fused, width) {
                    (Some(Op::Gep1 { b, i, scale, off, .. }), 1) => self.emit(Op::Ld8X { d, b, i, scale, off }),
                    (Some(Op::Gep1 { b, i, scale, off, .. }), 2) => self.emit(Op::Ld16X { d, b, i, scale, off }),
                    (Some(Op::Gep1 { b, i, scale, off, .. }), 4) => self.emit(Op::Ld32X { d, b, i, scale, off }),
                    (Some(Op::Gep1 { b, i, scale, off, .. }), _) => self.emit(Op::Ld64X { d, b, i, scale, off }),
                    (Some(Op::GepC { b, off, .. }), 1) => self.emit(Op::Ld8O { d, a: b, off: off as i32 }),
                    (Some(Op::GepC { b, off, .. }), 2) => self.emit(Op::Ld16O { d, a: b, off: off as i32 }),
                    (Some(Op::GepC { b, off, .. }), 4) => self.emit(Op::Ld32O { d, a: b, off: off as i32 }),
                    (Some(Op::GepC { b, off, .. }), _) => self.emit(Op::Ld64O { d, a: b, off: off as i32 }),
                    (_, 1) => self.emit(Op::Ld8 { d, a }),
                    (_, 2) => self.emit(Op::Ld16 { d, a }),
                    (_, 4) => self.emit(Op::Ld32 { d, a }),
                    (_, 8) => self.emit(Op::Ld64 { d, a }),
                    _ if packed_lanes(&r).is_some() => {
                        let (w, len) = packed_lanes(&r).unwrap_or_default();
                        self.emit(Op::VLd { w, len, d, a })
                    }
                    _ if r == Repr::None => self.trap(Trap::Unsupported, "load of this type"),
                    _ => {
                        let r = self.add_repr(r);
                        self.emit(Op::LdR { d, a, r })
                    }
                }
            }
            InstKind::Store { val, ptr, atomic, .. } => {
                let (v, a) = (self.slot(*val), self.slot(*ptr));
                let r = self.repr(self.ty_of(*val));
                let width = match r {
                    Repr::S(Scalar::I(1..=8)) => 1,
                    Repr::S(Scalar::I(16) | Scalar::F(Fk::Half | Fk::BF16)) => 2,
                    Repr::S(Scalar::I(32) | Scalar::F(Fk::F32)) => 4,
                    Repr::S(Scalar::I(64) | Scalar::F(Fk::F64) | Scalar::P) => 8,
                    _ => 0,
                };
                let fused = if width > 0 && *ptr != *val { self.take_fused_gep(*ptr) } else { None };
                match (fused, width) {
                    (Some(Op::Gep1 { b, i, scale, off, .. }), 1) => self.emit(Op::St8X { v, b, i, scale, off }),
                    (Some(Op::Gep1 { b, i, scale, off, .. }), 2) => self.emit(Op::St16X { v, b, i, scale, off }),
                    (Some(Op::Gep1 { b, i, scale, off, .. }), 4) => self.emit(Op::St32X { v, b, i, scale, off }),
                    (Some(Op::Gep1 { b, i, scale, off, .. }), _) => self.emit(Op::St64X { v, b, i, scale, off }),
                    (Some(Op::GepC { b, off, .. }), 1) => self.emit(Op::St8O { v, a: b, off: off as i32 }),
                    (Some(Op::GepC { b, off, .. }), 2) => self.emit(Op::St16O { v, a: b, off: off as i32 }),
                    (Some(Op::GepC { b, off, .. }), 4) => self.emit(Op::St32O { v, a: b, off: off as i32 }),
                    (Some(Op::GepC { b, off, .. }), _) => self.emit(Op::St64O { v, a: b, off: off as i32 }),
                    (_, 1) => self.emit(Op::St8 { v, a }),
                    (_, 2) => self.emit(Op::St16 { v, a }),
                    (_, 4) => self.emit(Op::St32 { v, a }),
                    (_, 8) => self.emit(Op::St64 { v, a }),
                    _ if packed_lanes(&r).is_some() => {
                        let (w, len) = packed_lanes(&r).unwrap_or_default();
                        self.emit(Op::VSt { w, len, v, a })
                    }
                    _ if r == Repr::None => self.trap(Trap::Unsupported, "store of this type"),
                    _ => {
                        let r = self.add_repr(r);
                        self.emit(Op::StR { v, a, r })
                    }
                }
                if matches!(atomic, Some(Ordering::SeqCst)) {
                    self.emit(Op::Fence);
                }
            }
            InstKind::Gep { source_ty, base, indices, .. } => self.gep(*source_ty, *base, indices, data.ty, d),
            InstKind::Call { callee, fn_ty, args, arg_attrs, .. } => {
                self.call(*callee, *fn_ty, args, arg_attrs, data.ty, d);
            }
            InstKind::Invoke { callee, fn_ty, args, arg_attrs, normal, .. } => {
                self.call(*callee, *fn_ty, args, arg_attrs, data.ty, d);
                let t = self.edge(bid, *normal);
                self.emit(Op::Br { t, cost });
            }
            InstKind::LandingPad { .. } => self.trap(Trap::Unsupported, "landingpad (unwinding is not supported)"),
            InstKind::ExtractValue { agg, indices } => {
                let s = self.slot(*agg);
                match self.agg_offset(self.ty_of(*agg), indices) {
                    Some((off, _)) => {
                        let r = self.repr(data.ty);
                        self.slow(Slow::ExtractV { r, off, d, s });
                    }
                    None => self.trap(Trap::Unsupported, "extractvalue path"),
                }
            }
            InstKind::InsertValue { agg, val, indices } => {
                let (s, v) = (self.slot(*agg), self.slot(*val));
                let n = self.repr(data.ty).slots();
                match self.agg_offset(data.ty, indices) {
                    Some((off, _)) => {
                        let r = self.repr(self.ty_of(*val));
                        self.slow(Slow::InsertV { r, off, n, d, s, v });
                    }
                    None => self.trap(Trap::Unsupported, "insertvalue path"),
                }
            }
            InstKind::ExtractElement { vec, idx } => {
                let (v, i) = (self.slot(*vec), self.slot(*idx));
                match self.repr(self.ty_of(*vec)) {
                    Repr::V { elem, len, .. } if elem.slots() == 1 => self.emit(Op::ExtElt { len, d, v, i }),
                    Repr::V { elem, len, .. } => self.slow(Slow::ExtractElt { elem_n: elem.slots(), len, d, v, i }),
                    _ => self.trap(Trap::Unsupported, "extractelement"),
                }
            }
            InstKind::InsertElement { vec, elt, idx } => {
                let (v, e, i) = (self.slot(*vec), self.slot(*elt), self.slot(*idx));
                match self.repr(data.ty) {
                    Repr::V { elem, len, .. } if elem.slots() == 1 => self.emit(Op::InsElt { len, d, v, e, i }),
                    Repr::V { elem, len, .. } => {
                        let n = elem.slots() * len;
                        self.slow(Slow::InsertElt { elem_n: elem.slots(), len, n, d, v, e, i })
                    }
                    _ => self.trap(Trap::Unsupported, "insertelement"),
                }
            }
            InstKind::ShuffleVector { a, b, mask } => {
                let (sa, sb) = (self.slot(*a), self.slot(*b));
                match self.repr(self.ty_of(*a)) {
                    Repr::V { elem, len, .. } => self.slow(Slow::Shuffle {
                        elem_n: elem.slots(),
                        len_a: len,
                        d,
                        a: sa,
                        b: sb,
                        mask: mask.clone(),
                    }),
                    _ => self.trap(Trap::Unsupported, "shufflevector"),
                }
            }
            InstKind::AtomicRmw { op, ptr, val, .. } => {
                let (a, v) = (self.slot(*ptr), self.slot(*val));
                match self.repr(data.ty) {
                    Repr::S(s)
                        if matches!(s, Scalar::I(8 | 16 | 32 | 64) | Scalar::P | Scalar::F(Fk::F32 | Fk::F64)) =>
                    {
                        self.slow(Slow::Rmw { op: *op, s, d, a, v })
                    }
                    _ => self.trap(Trap::Unsupported, "atomicrmw of this type"),
                }
            }
            InstKind::CmpXchg { ptr, cmp, new, .. } => {
                let (a, c, n) = (self.slot(*ptr), self.slot(*cmp), self.slot(*new));
                match self.repr(self.ty_of(*cmp)) {
                    Repr::S(s) if matches!(s, Scalar::I(8 | 16 | 32 | 64) | Scalar::P) => {
                        self.slow(Slow::CmpXchg { s, d, a, c, n })
                    }
                    _ => self.trap(Trap::Unsupported, "cmpxchg of this type"),
                }
            }
            InstKind::Fence { .. } => self.emit(Op::Fence),
            InstKind::VaArg { list } => {
                let list = self.slot(*list);
                let r = self.repr(data.ty);
                self.slow(Slow::VaArg { r, d, list });
            }
            InstKind::Ret { val } => match val {
                Some(v) => {
                    let n = self.repr(self.ty_of(*v)).slots();
                    let s = self.slot(*v);
                    self.emit(Op::Ret { s, n, cost });
                }
                None => self.emit(Op::RetVoid { cost }),
            },
            InstKind::Br { dest } => {
                // Phi moves inline: no stub needed for an unconditional edge.
                self.edge_moves(bid, *dest, LABEL_BIT | dest.0, cost);
            }
            InstKind::CondBr { cond, if_true, if_false } => {
                let t = self.edge(bid, *if_true);
                let f = self.edge(bid, *if_false);
                match self.take_fused_cmp(*cond) {
                    Some(Op::Eq { a, b, .. }) => self.emit(Op::BrEq { a, b, t, f, cost }),
                    Some(Op::Ne { a, b, .. }) => self.emit(Op::BrNe { a, b, t, f, cost }),
                    Some(Op::Ult { a, b, .. }) => self.emit(Op::BrUlt { a, b, t, f, cost }),
                    Some(Op::Ule { a, b, .. }) => self.emit(Op::BrUle { a, b, t, f, cost }),
                    Some(Op::Ugt { a, b, .. }) => self.emit(Op::BrUgt { a, b, t, f, cost }),
                    Some(Op::Uge { a, b, .. }) => self.emit(Op::BrUge { a, b, t, f, cost }),
                    Some(Op::Slt32 { a, b, .. }) => self.emit(Op::BrSlt32 { a, b, t, f, cost }),
                    Some(Op::Sle32 { a, b, .. }) => self.emit(Op::BrSle32 { a, b, t, f, cost }),
                    Some(Op::Sgt32 { a, b, .. }) => self.emit(Op::BrSgt32 { a, b, t, f, cost }),
                    Some(Op::Sge32 { a, b, .. }) => self.emit(Op::BrSge32 { a, b, t, f, cost }),
                    Some(Op::Slt64 { a, b, .. }) => self.emit(Op::BrSlt64 { a, b, t, f, cost }),
                    Some(Op::Sle64 { a, b, .. }) => self.emit(Op::BrSle64 { a, b, t, f, cost }),
                    Some(Op::Sgt64 { a, b, .. }) => self.emit(Op::BrSgt64 { a, b, t, f, cost }),
                    Some(Op::Sge64 { a, b, .. }) => self.emit(Op::BrSge64 { a, b, t, f, cost }),
                    _ => {
                        let c = self.slot(*cond);
                        self.emit(Op::CondBr { c, t, f, cost });
                    }
                }
            }
            InstKind::Switch { val, default, cases } => {
                let v = self.slot(*val);
                let vslots = self.repr(self.ty_of(*val)).slots();
                if vslots > 2 {
                    self.trap(Trap::Unsupported, "switch on an integer wider than 128 bits");
                    return;
                }
                let wide = vslots == 2;
                let bits = match self.repr(self.ty_of(*val)) {
                    Repr::S(sc) => sc.int_bits(),
                    _ => 128,
                };
                let def = self.edge(bid, *default);
                let mut cs = Vec::new();
                for (c, b) in cases {
                    let l = self.edge(bid, *b);
                    let val = match m.constant(*c) {
                        ConstData::Int { bits, .. } => *bits,
                        _ => 0,
                    };
                    cs.push((val, l));
                }
                cs.sort_by_key(|c| c.0);
                let table = self.out.switches.len() as u32;
                self.out.switches.push(SwitchTable::new(cs, def, wide, bits));
                self.emit(Op::Switch { v, table, cost });
            }
            InstKind::IndirectBr { addr, dests } => {
                // A switch over the destinations' block addresses (the
                // image's one definition, `Image::block_addr`); any other
                // address is undefined behaviour in LLVM and traps here.
                let v = self.slot(*addr);
                let mut cs = Vec::new();
                for &b in dests {
                    let Some(a) = self.block_addr(b) else { continue };
                    let l = self.edge(bid, b);
                    if !cs.iter().any(|c: &(u128, u32)| c.0 == u128::from(a)) {
                        cs.push((u128::from(a), l));
                    }
                }
                cs.sort_by_key(|c| c.0);
                let table = self.out.switches.len() as u32;
                // The default is the trap right after the switch.
                let def = self.out.ops.len() as u32 + 1;
                self.out.switches.push(SwitchTable::new(cs, def, false, 64));
                self.emit(Op::Switch { v, table, cost });
                self.trap(Trap::Unreachable, "indirectbr to an address that is none of its destinations");
            }
            InstKind::Resume { .. } => self.trap(Trap::Resume, "resume"),
            InstKind::Unreachable => self.trap(Trap::Unreachable, ""),
        }
    }

    fn agg_offset(&self, ty: Ty, indices: &[u32]) -> Option<(u32, Ty)> {
        let m = self.m;
        let mut off = 0u64;
        let mut cur = ty;
        for &i in indices {
            match m.types.get(cur) {
                TypeData::Array { elem, .. } => {
                    off += m.alloc_size(*elem) * u64::from(i);
                    cur = *elem;
                }
                _ => {
                    let l = m.layout.struct_layout(&m.types, cur)?;
                    off += *l.offsets.get(i as usize)?;
                    cur = m.types.struct_fields(cur)?.0[i as usize];
                }
            }
        }
        Some((u32::try_from(off).ok()?, cur))
    }

    fn binary(&mut self, op: BinOp, ty: Ty, d: u32, a: u32, b: u32) {
        match self.repr(ty) {
            Repr::S(Scalar::I(bits)) if bits <= 64 => {
                let o = match (op, bits) {
                    (BinOp::Add, 32) => Op::Add32 { d, a, b },
                    (BinOp::Sub, 32) => Op::Sub32 { d, a, b },
                    (BinOp::Mul, 32) => Op::Mul32 { d, a, b },
                    (BinOp::Add, 64) => Op::Add64 { d, a, b },
                    (BinOp::Sub, 64) => Op::Sub64 { d, a, b },
                    (BinOp::Mul, 64) => Op::Mul64 { d, a, b },
                    (BinOp::And, _) => Op::And { d, a, b },
                    (BinOp::Or, _) => Op::Or { d, a, b },
                    (BinOp::Xor, _) => Op::Xor { d, a, b },
                    (BinOp::Shl, 32) => Op::Shl32 { d, a, b },
                    (BinOp::Shl, 64) => Op::Shl64 { d, a, b },
                    (BinOp::LShr, 32) => Op::LShr32 { d, a, b },
                    (BinOp::LShr, 64) => Op::LShr64 { d, a, b },
                    (BinOp::AShr, 32) => Op::AShr32 { d, a, b },
                    (BinOp::AShr, 64) => Op::AShr64 { d, a, b },
                    _ => Op::IBin { op, bits: bits as u8, d, a, b },
                };
                self.emit(o);
            }
            Repr::S(Scalar::I(bits)) => self.emit(Op::IBin128 { op, bits: bits as u8, d, a, b }),
            Repr::S(Scalar::F(k)) => {
                let o = match (op, k) {
                    (BinOp::FAdd, Fk::F64) => Op::FAdd64 { d, a, b },
                    (BinOp::FSub, Fk::F64) => Op::FSub64 { d, a, b },
                    (BinOp::FMul, Fk::F64) => Op::FMul64 { d, a, b },
                    (BinOp::FDiv, Fk::F64) => Op::FDiv64 { d, a, b },
                    (BinOp::FAdd, Fk::F32) => Op::FAdd32 { d, a, b },
                    (BinOp::FSub, Fk::F32) => Op::FSub32 { d, a, b },
                    (BinOp::FMul, Fk::F32) => Op::FMul32 { d, a, b },
                    (BinOp::FDiv, Fk::F32) => Op::FDiv32 { d, a, b },
                    _ => Op::FBin { op, k, d, a, b },
                };
                self.emit(o);
            }
            Repr::V { elem: Scalar::I(bits), len, .. } if bits <= 64 && len <= 255 => {
                self.emit(Op::VIBin { op, bits: bits as u8, len: len as u8, d, a, b })
            }
            Repr::V { elem, len, .. } => self.slow(Slow::VBin { op, elem, len, d, a, b }),
            Repr::W(bits) => self.slow(Slow::WBin { op, bits, d, a, b }),
            _ => self.trap(Trap::Unsupported, "binary operator on this type"),
        }
    }

    fn icmp(&mut self, pred: IntPred, bits: u32, d: u32, a: u32, b: u32) {
        let o = match (pred, bits) {
            (IntPred::Eq, 1..=64) => Op::Eq { d, a, b },
            (IntPred::Ne, 1..=64) => Op::Ne { d, a, b },
            (IntPred::Ult, 1..=64) => Op::Ult { d, a, b },
            (IntPred::Ule, 1..=64) => Op::Ule { d, a, b },
            (IntPred::Ugt, 1..=64) => Op::Ugt { d, a, b },
            (IntPred::Uge, 1..=64) => Op::Uge { d, a, b },
            (IntPred::Slt, 32) => Op::Slt32 { d, a, b },
            (IntPred::Sle, 32) => Op::Sle32 { d, a, b },
            (IntPred::Sgt, 32) => Op::Sgt32 { d, a, b },
            (IntPred::Sge, 32) => Op::Sge32 { d, a, b },
            (IntPred::Slt, 64) => Op::Slt64 { d, a, b },
            (IntPred::Sle, 64) => Op::Sle64 { d, a, b },
            (IntPred::Sgt, 64) => Op::Sgt64 { d, a, b },
            (IntPred::Sge, 64) => Op::Sge64 { d, a, b },
            _ => Op::ICmp { pred, bits: bits as u8, d, a, b },
        };
        self.emit(o);
    }

    fn cast(&mut self, op: CastOp, val: Value, to_ty: Ty, d: u32) {
        let s = self.slot(val);
        let from_r = self.repr(self.ty_of(val));
        let to_r = self.repr(to_ty);
        let int_w = |r: &Repr| match r {
            Repr::W(b) => Some(*b),
            Repr::S(Scalar::I(b)) => Some(*b),
            _ => None,
        };
        if (matches!(from_r, Repr::W(_)) || matches!(to_r, Repr::W(_)))
            && matches!(op, CastOp::Trunc | CastOp::ZExt | CastOp::SExt | CastOp::BitCast)
            && let (Some(from), Some(to)) = (int_w(&from_r), int_w(&to_r))
        {
            self.slow(Slow::WCast { op, from, to, d, s });
            return;
        }
        match (&from_r, &to_r) {
            (Repr::S(from), Repr::S(to)) => {
                let (from, to) = (*from, *to);
                match op {
                    CastOp::ZExt | CastOp::PtrToInt | CastOp::PtrToAddr | CastOp::IntToPtr
                        if from.slots() == to.slots() && from.int_bits() <= to.int_bits() =>
                    {
                        self.mov(d, s, to.slots())
                    }
                    CastOp::ZExt if from.slots() == 1 && to.slots() == 2 => self.emit(Op::Zext128 { d, s }),
                    CastOp::Trunc | CastOp::PtrToInt | CastOp::PtrToAddr | CastOp::IntToPtr if to.slots() == 1 => {
                        let bits = to.int_bits();
                        if bits == 64 {
                            self.emit(Op::Mov { d, s });
                        } else {
                            self.emit(Op::Trunc { bits: bits as u8, d, s });
                        }
                    }
                    CastOp::SExt if to.slots() == 1 => {
                        self.emit(Op::Sext { from: from.int_bits() as u8, to: to.int_bits() as u8, d, s })
                    }
                    CastOp::BitCast | CastOp::AddrSpaceCast => {
                        if from.slots() == to.slots()
                            && !matches!(from, Scalar::F(Fk::F80))
                            && !matches!(to, Scalar::F(Fk::F80))
                        {
                            self.mov(d, s, to.slots());
                        } else {
                            self.slow(Slow::Bitcast { from: from_r.clone(), to: to_r.clone(), d, s });
                        }
                    }
                    _ => {
                        let info = self.out.casts.len() as u32;
                        self.out.casts.push(CastInfo { op, from, to });
                        self.emit(Op::Cast { d, s, info });
                    }
                }
            }
            (Repr::V { elem: fe, len, .. }, Repr::V { elem: te, len: tl, .. })
                if len == tl && op != CastOp::BitCast =>
            {
                match (op, *fe, *te) {
                    (CastOp::ZExt, Scalar::I(fb), Scalar::I(tb)) if fb <= tb && tb <= 64 => self.mov(d, s, *len),
                    (CastOp::SExt, Scalar::I(fb), Scalar::I(tb)) if fb <= tb && tb <= 64 && *len <= 255 => {
                        self.emit(Op::VSext { from: fb as u8, to: tb as u8, len: *len as u8, d, s })
                    }
                    (CastOp::Trunc, Scalar::I(fb), Scalar::I(tb)) if tb <= fb && fb <= 64 && *len <= 255 => {
                        self.emit(Op::VTrunc { bits: tb as u8, len: *len as u8, d, s })
                    }
                    _ => self.slow(Slow::VCast { op, from: *fe, to: *te, len: *len, d, s }),
                }
            }
            (Repr::None, _) | (_, Repr::None) => self.trap(Trap::Unsupported, "cast of this type"),
            _ if matches!(op, CastOp::BitCast) => {
                if from_r == to_r {
                    let n = to_r.slots();
                    self.mov(d, s, n);
                } else {
                    self.slow(Slow::Bitcast { from: from_r.clone(), to: to_r.clone(), d, s })
                }
            }
            _ => self.trap(Trap::Unsupported, "vector cast of this shape"),
        }
    }

    fn gep(&mut self, source_ty: Ty, base: Value, indices: &[Value], res_ty: Ty, d: u32) {
        let m = self.m;
        if let Some((_, len)) = m.types.vector(res_ty) {
            self.vector_gep(source_ty, base, indices, len, d);
            return;
        }
        let b = self.slot(base);
        let walked = gep_walk(m, source_ty, indices, |v| self.const_int(v));
        let (off, terms) = match walked {
            Ok(x) => x,
            Err(e) => {
                self.trap(Trap::Unsupported, e);
                return;
            }
        };
        if terms.is_empty() {
            if off == 0 {
                self.emit(Op::Mov { d, s: b });
            } else {
                self.emit(Op::GepC { d, b, off });
            }
            return;
        }
        let terms: Vec<(u32, i64, u32)> = terms
            .iter()
            .map(|(v, scale)| (self.slot(*v), *scale, m.types.int_bits(self.ty_of(*v)).unwrap_or(64)))
            .collect();
        if terms.len() == 1
            && terms[0].2 == 64
            && let (Ok(scale), Ok(off)) = (i32::try_from(terms[0].1), i32::try_from(off))
        {
            self.emit(Op::Gep1 { d, b, i: terms[0].0, scale, off });
            return;
        }
        let info = self.out.geps.len() as u32;
        self.out.geps.push(GepInfo { off, terms });
        self.emit(Op::GepN { d, b, info });
    }

    /// A `getelementptr` whose result is `<len x ptr>`: the base and any
    /// index may be a vector (one value per lane) or a scalar (splatted).
    fn vector_gep(&mut self, source_ty: Ty, base: Value, indices: &[Value], len: u32, d: u32) {
        let m = self.m;
        let is_vec = |cx: &Self, v: Value| m.types.vector(cx.ty_of(v)).is_some();
        // Only a scalar constant folds into the offset; a vector constant is
        // an index like any other (its lanes are in its slots).
        let walked = gep_walk(m, source_ty, indices, |v| if is_vec(self, v) { None } else { self.const_int(v) });
        let (off, terms) = match walked {
            Ok(x) => x,
            Err(e) => {
                self.trap(Trap::Unsupported, format!("vector getelementptr: {e}"));
                return;
            }
        };
        let mut out = Vec::with_capacity(terms.len());
        for (v, scale) in terms {
            let ty = self.ty_of(v);
            let elem_ty = m.types.vector(ty).map_or(ty, |(e, _)| e);
            let bits = m.types.int_bits(elem_ty).unwrap_or(64);
            if bits > 64 {
                self.trap(Trap::Unsupported, "vector getelementptr with an index wider than 64 bits");
                return;
            }
            out.push((self.slot(v), scale, bits, is_vec(self, v)));
        }
        let base_vec = is_vec(self, base);
        let b = self.slot(base);
        self.slow(Slow::VGep { len, d, base: b, base_vec, off, terms: out });
    }

    fn call(&mut self, callee: Value, fn_ty: Ty, args: &[Value], attrs: &[ParamAttrs], ret_ty: Ty, d: u32) {
        let m = self.m;
        // Direct callee?
        let direct = match callee {
            Value::Const(c) => match m.constant(c) {
                ConstData::Func { id, .. } => Some(*id),
                _ => None,
            },
            _ => None,
        };
        if let Some(fid) = direct {
            let name = &m.func(fid).name;
            if jitty_ir::intrinsics::is_intrinsic_name(name) {
                self.intrinsic(name, args, ret_ty, d);
                return;
            }
            // setjmp returns twice: the interpreter implements it in its own
            // frames (`jitty_rt::sjlj`).
            if m.func(fid).is_declaration() && jitty_rt::sjlj::is_setjmp(name) {
                let Some(&b) = args.first() else {
                    self.trap(Trap::Unsupported, format!("@{name} without a buffer"));
                    return;
                };
                let save = match name.as_str() {
                    "_setjmp" => SAVE_NEVER,
                    "setjmp" => SAVE_ALWAYS,
                    _ => args.get(1).map_or(SAVE_NEVER, |v| self.slot(*v)),
                };
                let buf = self.slot(b);
                self.emit(Op::SetJmp { d, buf, save });
                return;
            }
        }
        let ret_r = self.repr(ret_ty);
        let dest_n = ret_r.slots();
        let Some((sig_ret, params, varargs)) = m.types.func_sig(fn_ty) else {
            self.trap(Trap::Unsupported, "call with a non-function type");
            return;
        };
        let mut arg_slots = Vec::with_capacity(args.len());
        let mut ffi_args = Vec::with_capacity(args.len());
        for (k, a) in args.iter().enumerate() {
            let at = attrs.get(k).copied().unwrap_or_default();
            let ty = self.ty_of(*a);
            let r = self.repr(ty);
            let byval = at.byval.map(|t| {
                let size = m.alloc_size(t) as u32;
                let align = at.align.unwrap_or(m.abi_align(t) as u32).max(1);
                (size, align)
            });
            arg_slots.push(ArgSlot { slot: self.slot(*a), n: r.slots(), byval, repr: r });
            ffi_args.push((ty, at));
        }
        let ret_attrs = ParamAttrs::default();
        let fixed = varargs.then_some(params.len());
        let mk_sig = |cx: &Self| FfiSig::new(cx.m, sig_ret, &ret_attrs, &ffi_args, fixed);
        let no_byval = arg_slots.iter().all(|a| a.byval.is_none());
        match direct {
            Some(fid) if !m.func(fid).is_declaration() => {
                // The entry stub and a call interface, to call the function's
                // code natively while code is plugged into it (the JIT's);
                // without an interface it is always interpreted.
                let (addr, sig) = match self.image {
                    Some(img) if !varargs => (img.func_addr(fid), mk_sig(self)),
                    _ => (0, Err(String::new())),
                };
                let site = self.out.calls.len() as u32;
                self.out.calls.push(CallSite {
                    target: Some(fid),
                    addr,
                    callee: 0,
                    args: arg_slots,
                    dest: d,
                    dest_n,
                    sig,
                    no_byval,
                    fast: OnceLock::new(),
                });
                self.emit(Op::Call { site });
            }
            Some(fid) => {
                let name = m.func(fid).name.clone();
                let addr = self.image.map_or(0, |i| i.func_addr(fid));
                if self.image.is_some() && addr == 0 {
                    self.trap(Trap::UnresolvedSymbol, name);
                    return;
                }
                let sig = mk_sig(self);
                if let Err(e) = &sig {
                    self.trap(Trap::Unsupported, format!("native call to @{name}: {e}"));
                    return;
                }
                let site = self.out.calls.len() as u32;
                self.out.calls.push(CallSite {
                    target: None,
                    addr,
                    callee: 0,
                    args: arg_slots,
                    dest: d,
                    dest_n,
                    sig,
                    no_byval,
                    fast: OnceLock::new(),
                });
                self.emit(Op::CallNative { site });
            }
            None => {
                let sig = mk_sig(self);
                let site = self.out.calls.len() as u32;
                let callee = self.slot(callee);
                self.out.calls.push(CallSite {
                    target: None,
                    addr: 0,
                    callee,
                    args: arg_slots,
                    dest: d,
                    dest_n,
                    sig,
                    no_byval,
                    fast: OnceLock::new(),
                });
                self.emit(Op::CallInd { site });
            }
        }
    }

    fn intrinsic(&mut self, name: &str, args: &[Value], ret_ty: Ty, d: u32) {
        let Some(which) = Intrinsic::from_name(name) else {
            self.trap(Trap::Unsupported, format!("intrinsic @{name}"));
            return;
        };
        if which.is_marker() {
            return;
        }
        let slots: Vec<u32> = args.iter().map(|a| self.slot(*a)).collect();
        match which {
            Intrinsic::MemCpy => self.emit(Op::MemCpy { d: slots[0], s: slots[1], n: slots[2] }),
            Intrinsic::MemMove => self.emit(Op::MemMove { d: slots[0], s: slots[1], n: slots[2] }),
            Intrinsic::MemSet => self.emit(Op::MemSet { d: slots[0], v: slots[1], n: slots[2] }),
            Intrinsic::Expect | Intrinsic::LaunderInvariantGroup | Intrinsic::StripInvariantGroup => {
                let n = self.repr(ret_ty).slots();
                self.mov(d, slots[0], n);
            }
            Intrinsic::Trap | Intrinsic::DebugTrap | Intrinsic::UbsanTrap => self.trap(Trap::TrapCalled, name),
            Intrinsic::FMulAdd if matches!(self.repr(ret_ty), Repr::S(Scalar::F(Fk::F64))) => {
                self.emit(Op::FMulAdd64 { d, a: slots[0], b: slots[1], c: slots[2] })
            }
            Intrinsic::VaStart => self.slow(Slow::VaStart { a: slots[0] }),
            Intrinsic::LoadRelative => {
                let off_bits = args.get(1).and_then(|a| self.m.types.int_bits(self.ty_of(*a))).unwrap_or(64);
                if slots.len() != 2 || off_bits > 64 {
                    self.trap(Trap::Unsupported, format!("intrinsic @{name} with these operands"));
                    return;
                }
                self.slow(Slow::LoadRelative { d, p: slots[0], off: slots[1], off_bits })
            }
            Intrinsic::VaCopy => self.slow(Slow::VaCopy { d: slots[0], s: slots[1] }),
            _ => {
                let arg_repr = args.first().map(|a| self.repr(self.ty_of(*a))).unwrap_or(Repr::None);
                let ret_repr = self.repr(ret_ty);
                let info = self.out.intrs.len() as u32;
                let flags = match ret_repr {
                    Repr::A { .. } => self.agg_offset(ret_ty, &[1]).map(|(off, ty)| (off, self.repr(ty))),
                    _ => None,
                };
                self.out.intrs.push(IntrSite { which, d, args: slots, arg_repr, ret_repr, flags });
                self.emit(Op::Intr { info });
            }
        }
    }
}
