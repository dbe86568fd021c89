//! # jitty-spec: the online partial evaluator
//!
//! [`specialize`] takes an entry function of a module, values for some of
//! its arguments (the static arguments) and an [`Oracle`] over live memory,
//! and produces residual IR: a function with the entry's signature that
//! computes what the entry computes, for those argument values, in the
//! memory state the oracle vouches for.
//!
//! What it does (Jones, Gomard and Sestoft's online specialization of a
//! flowchart language, on SSA with inlining):
//!
//! * **Folding.** Instructions whose operands are static are evaluated with
//!   the shared semantics (`jitty-sem`). A load folds only when the oracle
//!   says its bytes lie in a `Const` or `Quasi` field of an annotated object
//!   reached from the static roots, or in a `constant` global; every `Quasi`
//!   term folded is recorded, and that set is the residual code's guard set.
//! * **Branches and switches** on static values are folded.
//! * **Calls** to module functions (direct, or through a static function
//!   pointer mapped back to its IR function by name: devirtualization) are
//!   inlined within bounds; a call that is not inlined stays a direct call
//!   to the generic function, with the reason recorded.
//! * **Polyvariance.** A residual block is made per (program point, static
//!   state); reaching the same point with the same static state reuses the
//!   block, dynamic values flowing in through phis. Loops whose trip count
//!   is static unroll because each iteration has its own static state; a
//!   loop that runs a dynamic number of times generalizes the static values
//!   that change around it (widening), so specialization terminates.
//! * **Scalar replacement.** An `alloca` is a virtual object whose bytes
//!   the evaluator tracks (static or dynamic), so `sret` results and small
//!   structs stay static; it is materialized as a real `alloca` only when
//!   its address escapes.
//! * **Cleanup** ([`cleanup`]): trivial phis, dead code, straight-line block
//!   chains.
//!
//! What stays residual: atomics, volatile accesses, fences, loads the oracle
//! does not vouch for, stores to real memory, calls that are not inlined.
//! After a call that may make the thread quiescent (sleep, run a signal
//! handler, perform a guarded write: the externals [`Evaluator::new`] is
//! given and every function that may reach one), `Quasi` loads are no longer
//! folded: the guard protocol only protects code that a thread executes
//! while it is active.
//!
//! The evaluator knows no kernel, no syscall and no experiment: everything
//! it folds comes from the oracle. It has no dependency on the kernel
//! crates.

#![forbid(unsafe_code)]

pub mod cleanup;
mod import;
mod liveness;
mod pe;
pub mod record;

use jitty_ir::{FuncId, Module};

pub use pe::Evaluator;

/// The default bound of [`Evaluator::new`]: a callee is inlined if it and
/// everything it would inline hold at most this many instructions.
pub const INLINE_BOUND: usize = 3000;
pub use record::{Decision, LoadKind, Record};

/// The oracle's answer for a load from live memory.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Classified {
    /// Inside a `Const` field (or a `constant` global): foldable forever.
    Const {
        /// What it is, e.g. `File.f_op` or `constant @table`.
        what: String,
    },
    /// Inside a `Quasi` field: foldable while the guard holds.
    Quasi {
        /// What it is.
        what: String,
        /// The dependents word of the object that guards this field.
        deps_word: u64,
        /// The whole `Quasi` cell holding the bytes (address, size): the
        /// guard watches the cell, whatever part of it the load read.
        cell: (u64, u64),
    },
    /// Not foldable, with why (not annotated, not reached by a typed path,
    /// straddles a field boundary, ...).
    No {
        /// Why.
        why: String,
    },
}

/// What the evaluator may know about live memory.
pub trait Oracle {
    /// Whether the `size` bytes at `addr` may be folded.
    fn classify(&self, addr: u64, size: u64) -> Classified;

    /// The `size` (1..=8) bytes at `addr`, little-endian, zero-extended.
    /// Called only for ranges [`Oracle::classify`] accepted.
    fn read(&self, addr: u64, size: u64) -> Option<u64>;

    /// The live address of a module symbol (function or global).
    fn symbol_addr(&self, name: &str) -> Option<u64>;

    /// The name of the module symbol whose address is exactly `addr`.
    fn symbol_at(&self, addr: u64) -> Option<String>;
}

/// A `Quasi` term the residual code depends on.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct GuardTerm {
    /// The dependents word guarding the field.
    pub deps_word: u64,
    /// The `Quasi` cell's address.
    pub addr: u64,
    /// The cell's size in bytes.
    pub size: u64,
    /// The cell's value when it was folded.
    pub value: u64,
    /// What it is.
    pub what: String,
}

/// Bounds and knobs of one specialization.
#[derive(Clone, Debug)]
pub struct Options {
    /// Deepest inlining.
    pub max_depth: usize,
    /// Residual blocks at most (before cleanup).
    pub max_blocks: usize,
    /// Variants of one program point before the evaluator generalizes
    /// (a loop head iterated with a static trip count, or a join of paths
    /// whose static states differ); four times as many is an error.
    pub max_variants: usize,
    /// Instructions evaluated at most.
    pub max_steps: usize,
    /// Calls met after more dynamic branches than this along the path are
    /// not inlined: without a profile, the paths that branch on run-time
    /// values many times are taken to be the rare ones (error handling,
    /// sleeping, signal delivery), and inlining them only grows the code.
    pub inline_dynamic_branches: u64,
    /// When set, the residual entry first compares each static argument
    /// with its value and, on a mismatch, tail-calls this function (the
    /// generic entry) with all the arguments.
    pub fallback: Option<String>,
    /// Name of the residual function.
    pub name: String,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            max_depth: 12,
            max_blocks: 6000,
            max_variants: 8,
            max_steps: 400_000,
            inline_dynamic_branches: 8,
            fallback: None,
            name: "residual".into(),
        }
    }
}

/// A static argument's value.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum StaticArg {
    /// Dynamic: known only when the residual code runs.
    Dynamic,
    /// This integer (or pointer) value.
    Value(u64),
}

/// The evaluator's product.
#[derive(Debug)]
pub struct Residual {
    /// A module holding the residual function and declarations of what it
    /// calls and reads, by the source module's names.
    pub module: Module,
    /// The residual function in [`Residual::module`].
    pub func: FuncId,
    /// The `Quasi` terms folded: the guard set.
    pub guards: Vec<GuardTerm>,
    /// Every decision taken.
    pub record: Record,
    /// Source instructions the evaluator stepped through.
    pub evaluated: usize,
}

/// Why a specialization was not produced.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum SpecError {
    /// The request is malformed.
    #[error("bad request: {0}")]
    Request(String),
    /// A bound was exceeded.
    #[error("too large: {0}")]
    TooLarge(String),
    /// The path uses something the evaluator does not handle.
    #[error("unsupported: {0}")]
    Unsupported(String),
    /// The residual IR failed the verifier (a bug in the evaluator).
    #[error("residual IR does not verify: {0}")]
    Verify(String),
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, SpecError>;
