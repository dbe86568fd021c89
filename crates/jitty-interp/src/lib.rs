//! jitty's reference interpreter.
//!
//! The interpreter *is* the semantics of jitty IR: the JIT, the specializer
//! and native builds are tested against it. It runs a [`jitty_ir::Module`] on
//! real process memory:
//!
//! * [`jitty_rt::Image`] holds the module in process memory (globals,
//!   resolved externals, one entry stub per function). The interpreter owns
//!   the generic implementation behind every stub: [`InterpEntries`] gives
//!   each function a libffi closure that enters the interpreter.
//! * [`lower`] translates each function, lazily on first call, into a flat,
//!   pre-decoded code: register slots, specialized opcodes, phis turned into
//!   edge moves, GEPs folded to `base + Σ idx·scale + offset`.
//! * [`Interpreter`] executes that code by threaded dispatch: each op's
//!   handler ends by jumping to the next op's handler, and the ops that
//!   need more (traps, intrinsics, calls into native code) return to a
//!   `match` loop that runs them; frames and `alloca`s live on per-thread
//!   stacks, so executing an instruction never allocates on the heap. A
//!   call of an interpreted function runs in the caller's dispatch: the
//!   caller's state goes into a header on the register stack below the
//!   callee's window and `ret` pops it, so IR calls cost no Rust
//!   recursion. A direct call resolves its callee and argument moves
//!   once (the call site's `FastCall`) and then only checks, with one load,
//!   that no compiled code was plugged into the callee. Vectors of one-slot
//!   lanes have dedicated ops for the common integer arithmetic, casts,
//!   packed loads and stores and element access; a chain of
//!   `insertelement`s updates its vector in place. Superinstructions for
//!   the measured hottest pairs (an edge's phi moves with its jump) cut the
//!   op count; the feature `op-stats` counts ops and pairs.
//!
//! The rules it executes are `jitty-sem`'s, where the semantic choices where
//! LLVM leaves room (poison, approximations) are listed. [`Interpreter::run_main`] runs `@llvm.global_ctors` before and
//! `@llvm.global_dtors` after `main`, like `lli`.
//!
//! Not supported (reported by [`unsupported`] and trapping with
//! [`Trap::Unsupported`] only when executed): `fp128`/`ppc_fp128`;
//! vector `getelementptr`; scalable vectors;
//! vectors of odd-width integers or `x86_fp80`; integers wider than 1024
//! bits and division on integers wider than 128 bits; unwinding
//! (`invoke` acts as a call, `landingpad`/`resume` trap). Known
//! approximations: `x86_fp80` is computed as `f64`; `thread_local` globals
//! are process-wide; integer constants wider than 128 bits are taken from
//! their low 128 bits, sign-extended when bit 127 is set. Native code can
//! call any IR function whose signature libffi can describe, and variadic
//! ones whose fixed parameters are scalars of at most 64 bits;
//! a trap inside such a callback becomes the thread's pending trap
//! ([`jitty_rt::trap`]), which the JIT caller unwinds and the interpreter or
//! the embedder reports. `setjmp` runs here, in the interpreter's own
//! frames, and `longjmp` reaches it across native and JIT frames
//! ([`jitty_rt::sjlj`]).

pub mod exec;
mod ffi;
pub mod lower;
#[cfg(feature = "op-stats")]
mod opstats;

pub use exec::{Interpreter, MAIN_STACK, MainArgs};
pub use ffi::InterpEntries;
pub use jitty_rt::{HostResolver, Image, LoadError, SymbolResolver};
pub use jitty_sem::Trap;
pub use lower::unsupported;

/// The details of an [`InterpError`].
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct ErrorInfo {
    /// What happened.
    pub trap: Trap,
    /// The IR function in which it happened.
    pub func: String,
    /// The position of the instruction: `%block, instruction #n (opcode)`.
    pub location: String,
    /// Extra detail (a symbol name, the unsupported construct, ...).
    pub detail: String,
}

/// An error of interpretation: a trap, with the function and instruction
/// where it happened. Boxed so `Result`s stay one word.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct InterpError(pub Box<ErrorInfo>);

impl InterpError {
    /// A new error.
    pub fn new(trap: Trap, func: impl Into<String>, location: impl Into<String>, detail: impl Into<String>) -> Self {
        InterpError(Box::new(ErrorInfo { trap, func: func.into(), location: location.into(), detail: detail.into() }))
    }

    /// The trap kind.
    pub fn trap(&self) -> Trap {
        self.0.trap
    }

    /// The details.
    pub fn info(&self) -> &ErrorInfo {
        &self.0
    }
}

impl std::fmt::Display for InterpError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let i = &self.0;
        write!(f, "{} in @{} at {}", i.trap, i.func, i.location)?;
        if !i.detail.is_empty() {
            write!(f, ": {}", i.detail)?;
        }
        Ok(())
    }
}

impl std::error::Error for InterpError {}
