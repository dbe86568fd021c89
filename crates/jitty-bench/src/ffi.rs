//! The kernel's vmalloc and RPC entries as the benchmarks use them: through
//! the host-services table ([`services`], the kernel's `JK_HOST_SERVICES`),
//! with the structures and numbers of the ABI the kernel and host share.

pub use jitty_os::abi::{
    BENCH_PROCNUM, BENCH_PROG, BENCH_VERS, BenchArgs, METHOD_BEST, METHOD_POOL, TransportOps, XdrVar,
};
pub use jitty_os::image::services;

/// An opaque kernel object (`vmalloc::Region`, `rpc::RpcClient`): only ever
/// handled by pointer.
pub type Opaque = std::ffi::c_void;
