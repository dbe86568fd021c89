//! Host-side tests of the kernel's self-contained modules, through the kernel
//! crate itself.
//!
//! `vmalloc` and `rpc` depend only on `core`, `alloc`, the ABI and the
//! annotations, so they can be tested under std with proptest and OS pipes.
//! This crate links `jitty-kernel` with its `testhal` feature (the std HAL
//! of the kernel's own unit tests, whose quasi-invariant hook counts its
//! calls) and re-exports the modules under test. The `no_std` test builds the
//! kernel crate as the image build does, with plain rustc.

pub use jitty_kernel::{abi, annotations, rpc, testhal, vmalloc};
