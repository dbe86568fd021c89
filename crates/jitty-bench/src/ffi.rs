//! Declarations of the kernel's exported (`#[no_mangle]`) vmalloc and RPC
//! entry points, and of the few kernel statics the benchmarks need that the
//! kernel does not export under a plain name (see [`VMPOOL`], [`BENCH_PROC`]).
//!
//! Declaring them here is also what keeps them in the link: the kernel
//! object's unreferenced sections are dropped by `--gc-sections`.

use std::ffi::c_void;

/// An opaque kernel object (`vmalloc::Region`, `Method`, `Discipline`,
/// `rpc::RpcClient`, `rpc::ProcDesc`): only ever handled by pointer.
#[repr(C)]
#[derive(Debug)]
pub struct Opaque {
    _private: [u8; 0],
}

/// The kernel's `rpc::TransportOps` (C ABI): a byte stream's read and write.
#[repr(C)]
#[derive(Debug)]
pub struct TransportOps {
    /// Reads up to `len` bytes; returns the count, 0 at end of stream, or `-errno`.
    pub read: unsafe extern "C" fn(ctx: *mut c_void, buf: *mut u8, len: usize) -> isize,
    /// Writes up to `len` bytes; returns the count or `-errno`.
    pub write: unsafe extern "C" fn(ctx: *mut c_void, buf: *const u8, len: usize) -> isize,
}

/// The kernel's `rpc::xdr::XdrVar` (rpcgen's `{ len, val }`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct XdrVar {
    /// Number of elements.
    pub len: u32,
    /// The elements.
    pub val: *mut u8,
}

/// The kernel's `rpc::bench::BenchArgs`: `struct { int a; hyper b; string s<64>; int arr<16>; }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BenchArgs {
    /// `int a`.
    pub a: i32,
    /// `hyper b`.
    pub b: i64,
    /// `string s<64>`, NUL-terminated.
    pub s: *mut u8,
    /// `int arr<16>`.
    pub arr: XdrVar,
}

/// Program number of the benchmark procedure (`rpc::bench::BENCH_PROG`).
pub const BENCH_PROG: u32 = 0x2000_0001;
/// Its version.
pub const BENCH_VERS: u32 = 1;
/// Its procedure number.
pub const BENCH_PROCNUM: u32 = 1;

unsafe extern "C" {
    /// `vmalloc::vmalloc_region_open(disc, meth, flags)`.
    pub fn vmalloc_region_open(disc: *const Opaque, meth: *const Opaque, flags: u32) -> *mut Opaque;
    /// `vmalloc::vmalloc_region_close(region)`.
    pub fn vmalloc_region_close(region: *mut Opaque) -> i32;
    /// `vmalloc::vmalloc_alloc(region, size)`.
    pub fn vmalloc_alloc(region: *mut Opaque, size: usize) -> *mut u8;
    /// `vmalloc::vmalloc_free(region, p)`.
    pub fn vmalloc_free(region: *mut Opaque, p: *mut u8) -> i32;
    /// `vmalloc::vmalloc_check(region)`.
    pub fn vmalloc_check(region: *mut Opaque) -> i32;
    /// `vmalloc::vmalloc_default_region()`: best fit over the heap discipline.
    pub fn vmalloc_default_region() -> *mut Opaque;

    /// `rpc::rpc_client_create(ops, ctx, cred, bufsize)`.
    pub fn rpc_client_create(
        ops: *const TransportOps,
        ctx: *mut c_void,
        cred: *const c_void,
        bufsize: usize,
    ) -> *mut Opaque;
    /// `rpc::rpc_client_destroy(client)`.
    pub fn rpc_client_destroy(client: *mut Opaque);
    /// `rpc::rpc_client_marshal(client, pd, args)`: the call message, no I/O.
    pub fn rpc_client_marshal(client: *mut Opaque, pd: *const Opaque, args: *const u8) -> isize;
    /// `rpc::rpc_call(client, pd, args, res)`: a full call.
    pub fn rpc_call(client: *mut Opaque, pd: *const Opaque, args: *const u8, res: *mut u8) -> i32;

    /// `jitty_kernel::vmalloc::pool::VMPOOL`, the pool method. The kernel
    /// exports no plain-named handle for it, so this names the legacy-mangled
    /// symbol of the kernel image (stable: the image is built with a fixed
    /// `-C metadata`); a mismatch is a link error, never a wrong address.
    #[link_name = "_ZN12jitty_kernel7vmalloc4pool6VMPOOL17h16f6d735f1e5f63eE"]
    pub static VMPOOL: Opaque;
    /// `jitty_kernel::vmalloc::VMDCHEAP`, the heap discipline of the default region.
    #[link_name = "_ZN12jitty_kernel7vmalloc8VMDCHEAP17h81d36bc195d8e5b7E"]
    pub static VMDCHEAP: Opaque;
    /// `jitty_kernel::rpc::bench::BENCH_PROC`, the E6 procedure descriptor.
    #[link_name = "_ZN12jitty_kernel3rpc5bench10BENCH_PROC17h047e3a865ba315fdE"]
    pub static BENCH_PROC: Opaque;
}
