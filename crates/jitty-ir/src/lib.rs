//! jitty's SSA intermediate representation.
//!
//! A faithful in-memory form of LLVM IR as rustc and clang emit it: a
//! [`Module`] owns interned [`types`], an interned constant pool, globals,
//! aliases and [`Function`]s; a function owns an instruction arena and a list
//! of basic blocks. Every entity is a typed `u32` handle ([`entity`]).
//!
//! The crate also holds what every consumer of the IR shares: the data
//! [`layout`] (sizes, alignments, field offsets), intrinsic recognition
//! ([`intrinsics`]), dominators ([`dom`]), the [`verifier`] and the `.ll`
//! [`printer`].
//!
//! It knows no LLVM text syntax beyond printing it; reading `.ll` text is
//! `jitty-llvm`'s job.

#![forbid(unsafe_code)]

pub mod constant;
pub mod dom;
pub mod entity;
pub mod function;
pub mod inst;
pub mod intrinsics;
pub mod layout;
pub mod module;
pub mod printer;
pub mod types;
pub mod verifier;

pub use constant::{ConstData, ConstExpr, ConstPool};
pub use entity::{AliasId, BlockId, ConstId, FuncId, GlobalId, InstId, Ty};
pub use function::{BlockData, Function, Param};
pub use inst::{
    BinOp, CallConv, CastOp, Flags, FloatPred, InstData, InstKind, IntPred, Ordering, ParamAttrs, RmwOp, TailKind,
    Value,
};
pub use intrinsics::Intrinsic;
pub use layout::{DataLayout, StructLayout};
pub use module::{Alias, Global, Linkage, Module, Symbol};
pub use printer::print_module;
pub use types::{FloatKind, TypeData, TypeStore};
pub use verifier::{VerifyError, verify_module};
