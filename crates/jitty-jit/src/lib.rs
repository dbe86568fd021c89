//! jitty's JIT: jitty IR → Cranelift → executable memory.
//!
//! [`compile_unit`] lowers a set of IR functions of a [`jitty_ir::Module`] into
//! one [`JitUnit`] (one Cranelift `JITModule`), whose code is freed together by
//! [`JitUnit::free`]. Globals, other IR functions and externals are reached at
//! the absolute addresses a [`JitEnv`] gives (the runtime's image), so JIT
//! code shares memory with the interpreter and native code in one process.
//!
//! Design in brief:
//!
//! * **Values** are flattened ([`flat`]): each IR value is a list of Cranelift
//!   SSA values (aggregates per field, vectors per lane); odd-width integers
//!   live zero-extended in the next Cranelift integer type. Vectors that fill
//!   a 128-bit register are held packed, as one SIMD value ([`simd`]).
//! * **Control flow**: blocks in reverse post-order, `phi` → block parameters,
//!   `switch` through `cranelift_frontend::Switch`, `invoke` = call + jump,
//!   `indirectbr` as a switch over the image's block addresses (dense, so a
//!   `br_table`).
//! * **setjmp**: a function that calls it is left to the interpreter
//!   (Cranelift has no returns-twice calls); `longjmp` is an ordinary call to
//!   the runtime's ([`jitty_rt::sjlj`]).
//! * **Traps** never kill the process: see [`runtime`] ([`take_trap`]).
//! * **Variadic calls** (`printf`) go through thunks that set `%al`
//!   ([`varargs`]).
//! * Anything that cannot be lowered yields [`JitError::Unsupported`] for that
//!   function, which stays uncompiled.

mod calls;
mod error;
mod flat;
mod intrinsics;
mod lower;
pub mod runtime;
mod simd;
mod unit;
pub mod varargs;

pub use error::{JitError, Result};
pub use jitty_rt::JitEnv;
pub use runtime::{JitTrap, take_trap, trap_pending};
pub use unit::{CompiledFunc, JitOptions, JitUnit, OptLevel, compile_unit};
