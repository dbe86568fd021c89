//! Differential testing and benchmarking of `lli`-compatible LLVM IR engines.
//!
//! The harness compiles programs twice — to a native executable and to LLVM
//! IR (`.ll`) — runs the native build as the oracle, runs every configured
//! engine on the IR, and compares stdout bytes and exit status. It works with
//! any engine command that runs a `.ll` file like `lli` does ([`engine`]), so
//! it serves `lli-22` today and `jitty exec` as soon as it exists.
//!
//! Five modes share the machinery:
//!
//! * [`corpus`]: the hand-written Rust programs in `tests/corpus/rust/`, at
//!   several rustc opt levels;
//! * [`csmith`]: random C programs from csmith, compiled with clang;
//! * [`programs`]: well-known C programs (Lua, SQLite, zlib, bzip2) from
//!   pinned third-party sources, at several clang opt levels;
//! * [`bench`]: wall-clock benchmarks of engines against native code, LLVM's
//!   own interpreter and (with `--jit`) LLVM's JIT and `llc`;
//! * [`testgen`]: random well-formed, UB-free IR programs, which the tests
//!   run on the interpreter and the JIT in process (`tests/testgen_diff.rs`)
//!   and [`fuzz`] runs natively, on `lli-22` and on each engine;
//! * [`vecmatrix`]: every vector intrinsic the engines accept, over many
//!   shapes and edge-case inputs, checked against `lli-22`
//!   (`tests/vector_intrinsics.rs`).
//!
//! Compiled artifacts are soft state cached under `target/difftest-cache/`
//! ([`cache`]); deleting the directory only costs time.

#![forbid(unsafe_code)]

pub mod bench;
pub mod cache;
pub mod compare;
pub mod corpus;
pub mod csmith;
pub mod engine;
pub mod error;
pub mod fuzz;
pub mod pool;
pub mod programs;
pub mod report;
pub mod run;
pub mod testgen;
pub mod tools;
pub mod vecmatrix;

pub use error::{Error, Result};
