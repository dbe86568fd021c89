//! jitty's reference interpreter.
//!
//! The interpreter *is* the semantics of jitty IR: the JIT, the specializer
//! and native builds are tested against it. It runs a [`jitty_ir::Module`] on
//! real process memory:
//!
//! * [`image`] loads a module into the process — globals get real, aligned
//!   memory with their initializers written per the data layout; external
//!   symbols resolve in the host (and the Rust toolchain's `libstd`); every
//!   defined function gets a native-callable address (a libffi closure that
//!   enters the interpreter). The JIT reuses this loader.
//! * [`lower`] translates each function, lazily on first call, into a flat,
//!   pre-decoded code: register slots, specialized opcodes, phis turned into
//!   edge moves, GEPs folded to `base + Σ idx·scale + offset`.
//! * [`Interpreter`] executes that code with a `match` loop; frames and
//!   `alloca`s live on per-thread stacks, so executing an instruction never
//!   allocates on the heap.
//!
//! Semantic choices where LLVM leaves room (poison, approximations) are listed
//! in [`sem`]. [`Interpreter::run_main`] runs `@llvm.global_ctors` before and
//! `@llvm.global_dtors` after `main`, like `lli`.
//!
//! Not supported (reported by [`unsupported`] and trapping with
//! [`Trap::Unsupported`] only when executed): `fp128`/`ppc_fp128`;
//! `blockaddress`/`indirectbr`; vector `getelementptr`; scalable vectors;
//! vectors of odd-width integers or `x86_fp80`; integers wider than 1024
//! bits and division on integers wider than 128 bits; unwinding
//! (`invoke` acts as a call, `landingpad`/`resume` trap). Known
//! approximations: `x86_fp80` is computed as `f64`; `thread_local` globals
//! are process-wide; integer constants wider than 128 bits are taken from
//! their low 128 bits, sign-extended when bit 127 is set. Native code can
//! call any non-variadic IR function whose signature libffi can describe;
//! a trap inside such a callback aborts the process (it cannot unwind
//! through native frames).

mod entry;
pub mod exec;
mod ffi;
pub mod image;
pub mod lower;
mod mem;
pub mod sem;

pub use exec::{Interpreter, MAIN_STACK, MainArgs};
pub use image::{HostResolver, Image, LoadError, SymbolResolver};
pub use lower::unsupported;

/// Why execution stopped abnormally. Small on purpose: details live in
/// [`InterpError`].
#[derive(Clone, Copy, PartialEq, Eq, Debug, thiserror::Error)]
pub enum Trap {
    /// `unreachable` was executed.
    #[error("unreachable executed")]
    Unreachable,
    /// `llvm.trap`, `llvm.debugtrap` or `llvm.ubsantrap` was called.
    #[error("trap intrinsic called")]
    TrapCalled,
    /// Integer division or remainder by zero.
    #[error("integer division by zero")]
    DivByZero,
    /// `sdiv`/`srem` of the minimum value by -1.
    #[error("integer division overflow")]
    DivOverflow,
    /// The fuel limit was reached.
    #[error("out of fuel")]
    OutOfFuel,
    /// The interpreter's stacks are exhausted.
    #[error("stack overflow")]
    StackOverflow,
    /// A call to an external symbol that could not be resolved.
    #[error("call to unresolved external symbol")]
    UnresolvedSymbol,
    /// A construct the interpreter does not implement was executed.
    #[error("unsupported construct executed")]
    Unsupported,
    /// `resume` (unwinding is not supported).
    #[error("resume executed (unwinding is not supported)")]
    Resume,
    /// An indirect call through a null pointer.
    #[error("call through a null function pointer")]
    NullCall,
    /// Bad use of the API (no such function, wrong argument count, ...).
    #[error("bad call from the host")]
    BadCall,
}

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
