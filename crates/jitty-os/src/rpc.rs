//! The kernel's RPC-over-pipes entry points as a host program uses them.
//!
//! The kernel (`jitty-kernel/src/rpc_pipe.rs`) implements the transport; this
//! module calls it through the host-services table ([`services`]), uses the
//! `#[repr(C)]` types a caller fills in from the shared ABI ([`ProcDesc`],
//! [`BenchArgs`]), and wraps clients and servers in owning handles. Every operation runs on behalf of the
//! calling host thread's kernel thread ([`crate::syscall::current`]): create
//! and use a handle on the thread that entered the process.

use std::ffi::c_void;

use crate::abi::{self, EFAULT, EINVAL, EIO, ENOMEM, rpc_serve};
use crate::image::{in_kernel, services};
use crate::syscall::{Errno, current};

/// `clnt_stat` values of [`PipeClient::call`] (the kernel's `rpc::stat`).
pub use crate::abi::rpc_stat as stat;
/// The benchmark procedure's numbers and arguments (the kernel's
/// `rpc::bench`): `struct { int a; hyper b; string s<64>; int arr<16>; }`.
/// The handler answers `a + b + strlen(s) + sum(arr)`, truncated to `int`.
pub use crate::abi::{BENCH_PROCNUM, BENCH_PROG, BENCH_VERS, BenchArgs, XdrVar};

/// What one server step did (the kernel's `rpc_pipe::serve` codes).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// The client closed its end at a record boundary.
    Eof,
    /// A reply was sent.
    Replied,
    /// The record was not a decodable call; nothing was sent.
    Dropped,
}

/// A kernel XDR schema (`&XdrType`), opaque to the host. Only the kernel
/// makes one, so a host [`ProcDesc`] can only carry the schemas of a kernel
/// descriptor such as [`bench_proc`].
#[repr(transparent)]
#[derive(Debug, Clone, Copy)]
pub struct Schema(*const c_void);

/// A procedure descriptor (`abi::ProcDesc`, the kernel's `rpc::ProcDesc`):
/// three `u32` numbers, then the argument and result schemas. Obtain one
/// from [`bench_proc`] and change the numbers ([`ProcDesc::renumbered`]) to
/// address other procedures with the same schemas.
pub type ProcDesc = abi::ProcDesc<u32, Schema>;

impl ProcDesc {
    /// This descriptor's schemas under other (program, version, procedure) numbers.
    pub fn renumbered(&self, prog: u32, vers: u32, proc_: u32) -> ProcDesc {
        ProcDesc { prog, vers, proc_, ..*self }
    }
}

/// The one long-lived copy of a descriptor with `pd`'s contents. The kernel
/// takes a descriptor as an immutable object (its fields are `Const`, and a
/// call stub specialized for it folds them), so the host never hands it a
/// temporary that could be replaced by other contents at the same address:
/// descriptors are interned, as an RPC program's tables are static.
fn interned(pd: &ProcDesc) -> &'static ProcDesc {
    // Addresses of leaked descriptors (the schema pointers are not `Sync`).
    static TABLE: std::sync::Mutex<Vec<usize>> = std::sync::Mutex::new(Vec::new());
    let mut t = TABLE.lock().unwrap_or_else(|e| e.into_inner());
    let key = |a: &ProcDesc| (a.prog, a.vers, a.proc_, a.args.0, a.res.0);
    for &addr in t.iter() {
        // SAFETY: every entry is a leaked, never-freed descriptor.
        let a: &'static ProcDesc = unsafe { &*(addr as *const ProcDesc) };
        if key(a) == key(pd) {
            return a;
        }
    }
    let leaked: &'static ProcDesc = Box::leak(Box::new(*pd));
    t.push(leaked as *const ProcDesc as usize);
    leaked
}

/// `rpc_call_dispatch(client, pd, args, res)` done on the host side: the
/// client's call slot is loaded and its code called inside a dispatch
/// region, with the code recorded (see `image::dispatch_object_slot`).
///
/// # Safety
/// As the kernel's `rpc_call`: a live client and descriptor, `args` a value
/// of the argument schema, `res` writable for the result schema.
pub unsafe fn call_through_slot(client: *mut c_void, pd: *const c_void, args: *const u8, res: *mut u8) -> i32 {
    let Some(off) = crate::image::object_slot_offset("rpc") else {
        // SAFETY: the caller's contract.
        return in_kernel(|s| unsafe { (s.rpc_call_dispatch)(client.cast(), pd.cast(), args, res) });
    };
    crate::image::dispatch_object_slot(client as usize + off, |code| {
        // SAFETY: the slot holds `rpc_call` or code plugged with its
        // signature and contract.
        let f: unsafe extern "C" fn(*mut c_void, *const c_void, *const u8, *mut u8) -> i32 =
            unsafe { std::mem::transmute(code) };
        // SAFETY: the caller's contract.
        unsafe { f(client, pd, args, res) }
    })
}

/// The benchmark procedure's descriptor (a copy of the kernel's `BENCH_PROC`).
pub fn bench_proc() -> ProcDesc {
    // SAFETY: the kernel returns its static descriptor, of this layout.
    unsafe { *(services().rpc_bench_proc)() }
}

/// An RPC client over two kernel pipe descriptors of the calling thread's process.
#[derive(Debug)]
pub struct PipeClient {
    client: *mut c_void,
}

impl PipeClient {
    /// A client (AUTH_NONE) writing calls to `wfd` and reading replies from
    /// `rfd`, for the calling host thread's kernel thread. `EFAULT` if the
    /// thread entered no process, `ENOMEM` if the kernel could not allocate.
    pub fn new(rfd: i32, wfd: i32) -> Result<PipeClient, Errno> {
        let t = current();
        if t.is_null() {
            return Err(Errno(EFAULT));
        }
        // SAFETY: `t` is this host thread's live kernel thread; the handle is
        // not `Send`, so it is used on this thread only.
        let client = in_kernel(|s| unsafe { (s.rpc_pipe_client_create)(t, rfd, wfd, std::ptr::null()) });
        if client.is_null() { Err(Errno(ENOMEM)) } else { Ok(PipeClient { client }) }
    }

    /// Calls `pd` with the arguments at `args`, decoding results into `res`.
    /// Returns a `clnt_stat` ([`stat`]).
    ///
    /// # Safety
    /// `args` holds a value of `pd`'s argument schema and `res` is writable
    /// memory of `pd`'s result schema (see the kernel's `rpc_call`); the
    /// kernel thread the client was made for is still this thread's.
    pub unsafe fn call(&mut self, pd: &ProcDesc, args: *const u8, res: *mut u8) -> i32 {
        let pd = interned(pd);
        // SAFETY: a live client; argument contract forwarded to the caller.
        let st = unsafe { call_through_slot(self.client, pd as *const ProcDesc as *const c_void, args, res) };
        if crate::spec::policy::active() {
            let generic = crate::image::services().rpc_call as usize;
            let pd = pd as *const ProcDesc as u64;
            crate::spec::policy::after_object_call(generic, &[self.client as u64, pd, args as u64, res as u64]);
        }
        st
    }

    /// Calls the benchmark procedure (or, with `pd` a modified [`bench_proc`],
    /// another procedure of the same schemas) and returns its `int` result
    /// or the failing `clnt_stat`.
    pub fn call_bench(&mut self, pd: &ProcDesc, a: i32, b: i64, s: &str, arr: &[i32]) -> Result<i32, i32> {
        let mut sz: Vec<u8> = s.bytes().take_while(|&c| c != 0).collect();
        sz.push(0);
        let mut elems = arr.to_vec();
        let args = BenchArgs {
            a,
            b,
            s: sz.as_mut_ptr(),
            arr: XdrVar { len: elems.len() as u32, val: elems.as_mut_ptr() as *mut u8 },
        };
        let mut res: i32 = 0;
        // SAFETY: a host `ProcDesc` can only carry the schemas of
        // `bench_proc()` (its schema fields are private), so `args` is a value
        // of the argument schema, its buffers live across the call, and `res`
        // is the `int` result.
        let st = unsafe { self.call(pd, &args as *const BenchArgs as *const u8, &mut res as *mut i32 as *mut u8) };
        if st == stat::RPC_SUCCESS { Ok(res) } else { Err(st) }
    }
}

impl Drop for PipeClient {
    fn drop(&mut self) {
        // Code plugged into the client's call slot goes before the client.
        if let Some(d) = crate::spec::Specializer::running() {
            d.release_object(self.client as usize);
        }
        // SAFETY: our client, not used afterwards.
        in_kernel(|s| unsafe { (s.rpc_pipe_client_destroy)(self.client) })
    }
}

/// A kernel RPC server serving the benchmark procedure.
#[derive(Debug)]
pub struct BenchServer {
    server: *mut c_void,
}

impl BenchServer {
    /// A server with the benchmark procedure registered.
    pub fn new() -> Result<BenchServer, Errno> {
        // SAFETY: no preconditions.
        let server = in_kernel(|s| unsafe { (s.rpc_bench_server_create)() });
        if server.is_null() { Err(Errno(ENOMEM)) } else { Ok(BenchServer { server }) }
    }

    /// Reads one call from `rfd` and answers on `wfd`, for the calling host
    /// thread's kernel thread. Errors are the kernel's (`EPIPE`, `EBADF`,
    /// `EIO` for a broken record stream, `EINVAL` with no current thread).
    pub fn serve_one(&mut self, rfd: i32, wfd: i32) -> Result<Served, Errno> {
        let t = current();
        if t.is_null() {
            return Err(Errno(EINVAL));
        }
        // SAFETY: a live server used by this thread only (`&mut self`, not
        // `Send`); `t` is this host thread's live kernel thread.
        match in_kernel(|s| unsafe { (s.rpc_pipe_serve_one)(self.server, t, rfd, wfd) }) {
            rpc_serve::EOF => Ok(Served::Eof),
            rpc_serve::REPLIED => Ok(Served::Replied),
            rpc_serve::DROPPED => Ok(Served::Dropped),
            e if e < 0 => Err(Errno(-e)),
            _ => Err(Errno(EIO)),
        }
    }
}

impl Drop for BenchServer {
    fn drop(&mut self) {
        // SAFETY: our server, not used afterwards.
        in_kernel(|s| unsafe { (s.rpc_server_destroy)(self.server) })
    }
}
