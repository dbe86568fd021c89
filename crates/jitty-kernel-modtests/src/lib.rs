//! Host-side test harness for self-contained `jitty-kernel` modules.
//!
//! The kernel crate is `#![no_std]` and built outside cargo's graph; its
//! `vmalloc` and `rpc` modules depend on nothing but `core`, `alloc`, the
//! kernel's `annotations` API and its `abi` and `typedesc` (descriptor)
//! modules, which are self-contained and included as they are. This crate compiles those very source files
//! (through `#[path]`) against a std host, with [`annotations`] standing in
//! for the kernel's module of the same name, so they can be tested with
//! proptest and OS pipes. The `no_std` test additionally compiles them as a
//! `#![no_std]` crate with plain rustc.

extern crate alloc;

pub mod annotations;

#[path = "../../jitty-kernel/src/abi.rs"]
pub mod abi;

#[path = "../../jitty-kernel/src/typedesc.rs"]
pub mod typedesc;

#[path = "../../jitty-kernel/src/vmalloc/mod.rs"]
pub mod vmalloc;

#[path = "../../jitty-kernel/src/rpc/mod.rs"]
pub mod rpc;
