//! Recognition of LLVM intrinsics by name.
//!
//! Intrinsics are plain calls to `llvm.*` declarations in the IR. Every engine
//! (interpreter, JIT, specializer) asks this module what a callee is, so the
//! list of understood intrinsics exists once. Overloaded intrinsics carry type
//! suffixes (`llvm.umax.i32`, `llvm.memcpy.p0.p0.i64`); the operand types come
//! from the call itself, so only the base name is matched here.

/// An intrinsic jitty's engines know the meaning of.
#[allow(missing_docs)]
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Intrinsic {
    // memory
    MemCpy,
    MemMove,
    MemSet,
    // markers with no run-time effect
    LifetimeStart,
    LifetimeEnd,
    DbgDeclare,
    DbgValue,
    DbgLabel,
    DbgAssign,
    NoAliasScopeDecl,
    Assume,
    SideEffect,
    DoNothing,
    InvariantStart,
    InvariantEnd,
    LaunderInvariantGroup,
    StripInvariantGroup,
    Prefetch,
    /// `llvm.expect` / `llvm.expect.with.probability`: returns its first operand.
    Expect,
    /// `llvm.is.constant`: jitty answers `false`.
    IsConstant,
    /// `llvm.objectsize`: jitty answers "unknown" (-1 or 0 per the `min` flag).
    ObjectSize,
    AllowRuntimeCheck,
    AllowUbsanCheck,
    ThreadLocalAddress,
    // overflow arithmetic: `{ iN, i1 }`
    SAddWithOverflow,
    UAddWithOverflow,
    SSubWithOverflow,
    USubWithOverflow,
    SMulWithOverflow,
    UMulWithOverflow,
    // saturating arithmetic
    SAddSat,
    UAddSat,
    SSubSat,
    USubSat,
    SShlSat,
    UShlSat,
    /// `llvm.load.relative.iN(ptr p, iN off)`: `p + sext(load i32 (p + off))`
    /// (switch lookup tables of relative offsets).
    LoadRelative,
    // integer min/max/compare
    SMax,
    SMin,
    UMax,
    UMin,
    Abs,
    SCmp,
    UCmp,
    // bit manipulation
    CtPop,
    Ctlz,
    Cttz,
    BSwap,
    BitReverse,
    Fshl,
    Fshr,
    // traps and control
    Trap,
    DebugTrap,
    UbsanTrap,
    StackSave,
    StackRestore,
    /// `llvm.frameaddress`: the address of the running function's frame,
    /// for stack-depth checks (QuickJS's `js_check_stack_overflow`).
    /// Depth 0 only; other depths give 0, which LLVM allows.
    FrameAddress,
    VaStart,
    VaEnd,
    VaCopy,
    // floating point
    FAbs,
    Sqrt,
    CopySign,
    Floor,
    Ceil,
    Trunc,
    Round,
    RoundEven,
    Rint,
    NearbyInt,
    MinNum,
    MaxNum,
    Minimum,
    Maximum,
    Fma,
    FMulAdd,
    Pow,
    PowI,
    Exp,
    Exp2,
    Log,
    Log2,
    Log10,
    Sin,
    Cos,
    LRint,
    LLRint,
    LRound,
    LLRound,
    FpToSiSat,
    FpToUiSat,
    Canonicalize,
    IsFpClass,
    /// `llvm.modf`: `{ fractional part, integral part }`, as C's `modf`.
    Modf,
    // vector reductions
    VectorReduceAdd,
    VectorReduceMul,
    VectorReduceAnd,
    VectorReduceOr,
    VectorReduceXor,
    VectorReduceSMax,
    VectorReduceSMin,
    VectorReduceUMax,
    VectorReduceUMin,
    /// `llvm.experimental.cttz.elts`: index of the first true lane of an
    /// `<N x i1>` (N when none is true and the second operand is false).
    CttzElts,
    /// `llvm.x86.sse2.pause` (`core::hint::spin_loop`): a spin-wait hint
    /// with no semantic effect.
    SpinLoopHint,
}

/// Base names, longest first where one is a prefix of another.
const TABLE: &[(&str, Intrinsic)] = {
    use Intrinsic::*;
    &[
        ("llvm.memcpy.inline", MemCpy),
        ("llvm.memcpy", MemCpy),
        ("llvm.memmove", MemMove),
        ("llvm.memset.inline", MemSet),
        ("llvm.memset", MemSet),
        ("llvm.lifetime.start", LifetimeStart),
        ("llvm.lifetime.end", LifetimeEnd),
        ("llvm.dbg.declare", DbgDeclare),
        ("llvm.dbg.value", DbgValue),
        ("llvm.dbg.label", DbgLabel),
        ("llvm.dbg.assign", DbgAssign),
        ("llvm.experimental.noalias.scope.decl", NoAliasScopeDecl),
        ("llvm.assume", Assume),
        ("llvm.sideeffect", SideEffect),
        ("llvm.donothing", DoNothing),
        ("llvm.invariant.start", InvariantStart),
        ("llvm.invariant.end", InvariantEnd),
        ("llvm.launder.invariant.group", LaunderInvariantGroup),
        ("llvm.strip.invariant.group", StripInvariantGroup),
        ("llvm.prefetch", Prefetch),
        ("llvm.expect.with.probability", Expect),
        ("llvm.expect", Expect),
        ("llvm.is.constant", IsConstant),
        ("llvm.objectsize", ObjectSize),
        ("llvm.allow.runtime.check", AllowRuntimeCheck),
        ("llvm.allow.ubsan.check", AllowUbsanCheck),
        ("llvm.threadlocal.address", ThreadLocalAddress),
        ("llvm.sadd.with.overflow", SAddWithOverflow),
        ("llvm.uadd.with.overflow", UAddWithOverflow),
        ("llvm.ssub.with.overflow", SSubWithOverflow),
        ("llvm.usub.with.overflow", USubWithOverflow),
        ("llvm.smul.with.overflow", SMulWithOverflow),
        ("llvm.umul.with.overflow", UMulWithOverflow),
        ("llvm.sadd.sat", SAddSat),
        ("llvm.uadd.sat", UAddSat),
        ("llvm.ssub.sat", SSubSat),
        ("llvm.usub.sat", USubSat),
        ("llvm.sshl.sat", SShlSat),
        ("llvm.ushl.sat", UShlSat),
        ("llvm.load.relative", LoadRelative),
        ("llvm.smax", SMax),
        ("llvm.smin", SMin),
        ("llvm.umax", UMax),
        ("llvm.umin", UMin),
        ("llvm.abs", Abs),
        ("llvm.scmp", SCmp),
        ("llvm.ucmp", UCmp),
        ("llvm.ctpop", CtPop),
        ("llvm.ctlz", Ctlz),
        ("llvm.cttz", Cttz),
        ("llvm.bswap", BSwap),
        ("llvm.bitreverse", BitReverse),
        ("llvm.fshl", Fshl),
        ("llvm.fshr", Fshr),
        ("llvm.trap", Trap),
        ("llvm.debugtrap", DebugTrap),
        ("llvm.ubsantrap", UbsanTrap),
        ("llvm.stacksave", StackSave),
        ("llvm.stackrestore", StackRestore),
        ("llvm.frameaddress", FrameAddress),
        ("llvm.va_start", VaStart),
        ("llvm.va_end", VaEnd),
        ("llvm.va_copy", VaCopy),
        ("llvm.fabs", FAbs),
        ("llvm.sqrt", Sqrt),
        ("llvm.copysign", CopySign),
        ("llvm.floor", Floor),
        ("llvm.ceil", Ceil),
        ("llvm.trunc", Trunc),
        ("llvm.roundeven", RoundEven),
        ("llvm.round", Round),
        ("llvm.rint", Rint),
        ("llvm.nearbyint", NearbyInt),
        ("llvm.minnum", MinNum),
        ("llvm.maxnum", MaxNum),
        ("llvm.minimum", Minimum),
        ("llvm.maximum", Maximum),
        ("llvm.fma", Fma),
        ("llvm.fmuladd", FMulAdd),
        ("llvm.powi", PowI),
        ("llvm.pow", Pow),
        ("llvm.exp2", Exp2),
        ("llvm.exp", Exp),
        ("llvm.log2", Log2),
        ("llvm.log10", Log10),
        ("llvm.log", Log),
        ("llvm.sin", Sin),
        ("llvm.cos", Cos),
        ("llvm.lrint", LRint),
        ("llvm.llrint", LLRint),
        ("llvm.lround", LRound),
        ("llvm.llround", LLRound),
        ("llvm.fptosi.sat", FpToSiSat),
        ("llvm.fptoui.sat", FpToUiSat),
        ("llvm.canonicalize", Canonicalize),
        ("llvm.is.fpclass", IsFpClass),
        ("llvm.modf", Modf),
        ("llvm.vector.reduce.add", VectorReduceAdd),
        ("llvm.vector.reduce.mul", VectorReduceMul),
        ("llvm.vector.reduce.and", VectorReduceAnd),
        ("llvm.vector.reduce.or", VectorReduceOr),
        ("llvm.vector.reduce.xor", VectorReduceXor),
        ("llvm.vector.reduce.smax", VectorReduceSMax),
        ("llvm.vector.reduce.smin", VectorReduceSMin),
        ("llvm.vector.reduce.umax", VectorReduceUMax),
        ("llvm.vector.reduce.umin", VectorReduceUMin),
        ("llvm.experimental.cttz.elts", CttzElts),
        ("llvm.x86.sse2.pause", SpinLoopHint),
    ]
};

impl Intrinsic {
    /// Recognizes a function name. `None` for non-intrinsics and for
    /// intrinsics jitty does not implement (callers record those as
    /// unsupported).
    pub fn from_name(name: &str) -> Option<Intrinsic> {
        if !name.starts_with("llvm.") {
            return None;
        }
        TABLE.iter().find_map(|&(base, which)| {
            let rest = name.strip_prefix(base)?;
            (rest.is_empty() || rest.starts_with('.')).then_some(which)
        })
    }

    /// Every base name [`Intrinsic::from_name`] recognizes, with the
    /// intrinsic it maps to, in matching order (longest first where one base
    /// is a prefix of another): the whole table, for tests that check some
    /// other list covers every intrinsic the engines accept.
    pub fn base_names() -> &'static [(&'static str, Intrinsic)] {
        TABLE
    }

    /// True for intrinsics that have no run-time effect and return nothing
    /// (engines may skip them).
    pub fn is_marker(self) -> bool {
        use Intrinsic::*;
        matches!(
            self,
            LifetimeStart
                | LifetimeEnd
                | DbgDeclare
                | DbgValue
                | DbgLabel
                | DbgAssign
                | NoAliasScopeDecl
                | Assume
                | SideEffect
                | DoNothing
                | InvariantEnd
                | Prefetch
                | VaEnd
                | SpinLoopHint
        )
    }
}

/// True when `name` is in LLVM's reserved intrinsic namespace.
pub fn is_intrinsic_name(name: &str) -> bool {
    name.starts_with("llvm.")
}

#[cfg(test)]
mod tests {
    use super::Intrinsic;

    #[test]
    fn longest_base_wins() {
        assert_eq!(Intrinsic::from_name("llvm.sadd.with.overflow.i32"), Some(Intrinsic::SAddWithOverflow));
        assert_eq!(Intrinsic::from_name("llvm.sadd.sat.i8"), Some(Intrinsic::SAddSat));
        assert_eq!(Intrinsic::from_name("llvm.expect.with.probability.i1"), Some(Intrinsic::Expect));
        assert_eq!(Intrinsic::from_name("llvm.exp2.f64"), Some(Intrinsic::Exp2));
        assert_eq!(Intrinsic::from_name("llvm.memcpy.p0.p0.i64"), Some(Intrinsic::MemCpy));
        assert_eq!(Intrinsic::from_name("llvm.roundeven.f32"), Some(Intrinsic::RoundEven));
        assert_eq!(Intrinsic::from_name("llvm.load.relative.i64"), Some(Intrinsic::LoadRelative));
        assert_eq!(Intrinsic::from_name("llvm.x86.sse2.pause"), Some(Intrinsic::SpinLoopHint));
        assert_eq!(Intrinsic::from_name("llvm.x86.sse2.pmovmskb.128"), None);
        assert_eq!(Intrinsic::from_name("llvm.umaxx"), None);
        assert_eq!(Intrinsic::from_name("printf"), None);
    }
}
