//! Errors of the JIT layer.

use jitty_ir::{FuncId, InstId};

/// What went wrong while compiling a unit or one of its functions.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum JitError {
    /// The function uses something the JIT cannot lower; it stays uncompiled
    /// and the caller runs it in the interpreter.
    #[error("{func}: cannot JIT-compile{}: {reason}", inst.map(|i| format!(" at {i}")).unwrap_or_default())]
    Unsupported {
        /// Name of the function.
        func: String,
        /// The offending instruction, when one is to blame.
        inst: Option<InstId>,
        /// Why.
        reason: String,
    },
    /// A function id that is not a definition in the module was asked for.
    #[error("{0} is not a function definition of the module")]
    NotADefinition(FuncId),
    /// Cranelift rejected the generated code or could not finish the unit.
    #[error("{func}: code generation failed: {reason}")]
    Codegen {
        /// Name of the function (or `<unit>`).
        func: String,
        /// Cranelift's message.
        reason: String,
    },
    /// A bug of the JIT, reported only under [`crate::JitOptions::verify`]:
    /// the CLIF it built fails Cranelift's verifier, or lowering or code
    /// generation panicked.
    #[error("{func}: internal error of the JIT: {reason}")]
    Internal {
        /// Name of the function.
        func: String,
        /// The verifier's errors or the panic's message.
        reason: String,
    },
    /// The host ISA could not be set up.
    #[error("host ISA unavailable: {0}")]
    Isa(String),
}

/// Result alias of the JIT layer.
pub type Result<T, E = JitError> = std::result::Result<T, E>;
