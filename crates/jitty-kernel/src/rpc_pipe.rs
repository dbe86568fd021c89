//! RPC over kernel pipes: the transport the kernel implements, and the C-ABI
//! entry points a host uses to run clients and servers on it.
//!
//! A [`PipeXport`] is the transport context `{thread, read_fd, write_fd}`.
//! Its operations ([`PIPE_XPORT_OPS`], or the [`Transport`] impl) read and
//! write through the kernel's generic file path on behalf of `thread`: each
//! is one `read(2)`/`write(2)` exactly as `jk_sys_read`/`jk_sys_write` run it
//! (the [`syscall::syscall`] entry/exit wrapper around
//! [`syscall::ksys_read`]/[`syscall::ksys_write`], so the thread is accounted
//! inside the kernel while the pipe is used and signals such as `SIGPIPE` are
//! delivered with their usual dispositions). An operation that a signal
//! handler interrupted (`EINTR`, or a restart request) is restarted; everything else is returned to
//! the record layer, whose `read_exact`/`write_all` loop over partial
//! transfers and turn end of stream and errors (`EPIPE`, `EBADF`, `ESRCH` for
//! a killed process) into RPC errors.
//!
//! Entry points:
//!
//! | function | does |
//! | --- | --- |
//! | [`rpc_pipe_client_create`]`(thread, rfd, wfd, cred)` | client over a pair of descriptors |
//! | [`rpc_pipe_client_destroy`]`(client)` | frees the client and its pipe context |
//! | [`rpc_server_create`]`(bufsize)` / [`rpc_server_register`] / [`rpc_server_destroy`] | a server registry |
//! | [`rpc_bench_server_create`]`()` | a server with [`BENCH_PROC`] → [`bench_handler`] |
//! | [`rpc_bench_proc`]`()` | the benchmark descriptor (a template for callers) |
//! | [`rpc_pipe_serve_one`]`(server, thread, rfd, wfd)` | answers one call (see [`serve`]) |
//!
//! Calls go through the generic [`rpc_call`](crate::rpc::rpc_call); nothing here
//! knows the procedure, so a specializer can fold the descriptor, the
//! client's constants and the transport per (program, procedure).

use alloc::boxed::Box;
use core::ffi::c_void;
use core::ptr;

use crate::abi::{EINTR, EINVAL, EIO, ERESTARTNOINTR};
use crate::kobj::Thread;
use crate::rpc::bench::{BENCH_PROC, bench_handler};
use crate::rpc::client::{DEFAULT_BUFSIZE, RpcClient, rpc_client_create, rpc_client_destroy};
use crate::rpc::msg::{Auth, ProcDesc};
use crate::rpc::server::{RpcServer, Served, SvcHandler};
use crate::rpc::{RpcError, Transport, TransportOps, Xport};
use crate::syscall;

/// Return values of [`rpc_pipe_serve_one`] (errors are negative errnos).
pub use crate::abi::rpc_serve as serve;

/// The pipe transport's context: which thread does the I/O, on which descriptors.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PipeXport {
    /// The kernel thread on whose behalf the descriptors are used.
    pub thread: *mut Thread,
    /// Descriptor read from (replies for a client, calls for a server).
    pub read_fd: i32,
    /// Descriptor written to.
    pub write_fd: i32,
}

impl PipeXport {
    /// A context for `thread` reading `read_fd` and writing `write_fd`.
    pub const fn new(thread: *mut Thread, read_fd: i32, write_fd: i32) -> Self {
        PipeXport { thread, read_fd, write_fd }
    }

    /// The C-ABI form over this context. The context must outlive every use.
    pub fn xport(&mut self) -> Xport {
        Xport { ops: &PIPE_XPORT_OPS, ctx: self as *mut PipeXport as *mut c_void }
    }

    /// One `read(read_fd)` as the syscall entry runs it, restarted after `EINTR`.
    ///
    /// # Safety
    /// `thread` is null or the calling host thread's own live kernel thread.
    unsafe fn read_raw(&self, buf: *mut u8, len: usize) -> isize {
        loop {
            // SAFETY: the thread contract is the caller's; `buf`/`len` are
            // checked by the VFS like any user buffer.
            let r = unsafe { syscall::syscall(self.thread, |t| syscall::ksys_read(t, self.read_fd, buf, len)) };
            if r != -(EINTR as isize) && r != -(ERESTARTNOINTR as isize) {
                return r;
            }
        }
    }

    /// One `write(write_fd)` as the syscall entry runs it, restarted after `EINTR`.
    ///
    /// # Safety
    /// As [`PipeXport::read_raw`].
    unsafe fn write_raw(&self, buf: *const u8, len: usize) -> isize {
        loop {
            // SAFETY: as in `read_raw`.
            let r = unsafe { syscall::syscall(self.thread, |t| syscall::ksys_write(t, self.write_fd, buf, len)) };
            if r != -(EINTR as isize) && r != -(ERESTARTNOINTR as isize) {
                return r;
            }
        }
    }
}

impl Transport for PipeXport {
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, i32> {
        // SAFETY: a `PipeXport` is only built for the creating host thread's
        // own thread (see `rpc_pipe_client_create`/`rpc_pipe_serve_one`).
        let r = unsafe { self.read_raw(buf.as_mut_ptr(), buf.len()) };
        if r < 0 { Err(r as i32) } else { Ok(r as usize) }
    }

    fn write(&mut self, buf: &[u8]) -> Result<usize, i32> {
        // SAFETY: as in `read`.
        let r = unsafe { self.write_raw(buf.as_ptr(), buf.len()) };
        if r < 0 { Err(r as i32) } else { Ok(r as usize) }
    }
}

/// `TransportOps::read` of [`PIPE_XPORT_OPS`].
///
/// # Safety
/// `ctx` is a live [`PipeXport`] whose thread belongs to the calling host thread.
unsafe extern "C" fn pipe_xport_read(ctx: *mut c_void, buf: *mut u8, len: usize) -> isize {
    if ctx.is_null() {
        return -(EINVAL as isize);
    }
    // SAFETY: `ctx` is a live PipeXport (caller).
    unsafe { (*(ctx as *const PipeXport)).read_raw(buf, len) }
}

/// `TransportOps::write` of [`PIPE_XPORT_OPS`].
///
/// # Safety
/// As [`pipe_xport_read`].
unsafe extern "C" fn pipe_xport_write(ctx: *mut c_void, buf: *const u8, len: usize) -> isize {
    if ctx.is_null() {
        return -(EINVAL as isize);
    }
    // SAFETY: `ctx` is a live PipeXport (caller).
    unsafe { (*(ctx as *const PipeXport)).write_raw(buf, len) }
}

/// The pipe transport's operations; the context is a [`PipeXport`].
pub static PIPE_XPORT_OPS: TransportOps = TransportOps { read: pipe_xport_read, write: pipe_xport_write };

/// Creates a client that calls over the pipes `wfd` (calls out) and `rfd`
/// (replies in) on behalf of `thread`; `cred` null means AUTH_NONE. The
/// client owns its [`PipeXport`]; free both with [`rpc_pipe_client_destroy`].
/// Returns null if `thread` is null or allocation fails. Descriptors are not
/// checked here: a bad one makes calls fail (`RPC_CANTSEND`/`RPC_CANTRECV`).
///
/// # Safety
/// `thread` is null or the calling host thread's live kernel thread, and the
/// client is only used (by [`rpc_call`](crate::rpc::rpc_call)) on that host thread
/// while the thread lives; `cred` is null or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_pipe_client_create(
    thread: *mut Thread,
    rfd: i32,
    wfd: i32,
    cred: *const Auth,
) -> *mut RpcClient {
    if thread.is_null() {
        return ptr::null_mut();
    }
    let ctx = Box::into_raw(Box::new(PipeXport::new(thread, rfd, wfd)));
    // SAFETY: the ops are static, the context lives until the client is
    // destroyed; `cred` is null or valid (caller).
    let c = unsafe { rpc_client_create(&PIPE_XPORT_OPS, ctx as *mut c_void, cred, DEFAULT_BUFSIZE) };
    if c.is_null() {
        // SAFETY: made by `Box::into_raw` above and not shared.
        drop(unsafe { Box::from_raw(ctx) });
    }
    c
}

/// Destroys a client from [`rpc_pipe_client_create`] and its pipe context
/// (the descriptors stay open). Null is ignored; a client over another
/// transport is destroyed without touching its context.
///
/// # Safety
/// `client` is null or came from a client constructor and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_pipe_client_destroy(client: *mut RpcClient) {
    if client.is_null() {
        return;
    }
    // SAFETY: a live client (caller).
    let x = unsafe { (*client).xport.get() };
    // SAFETY: the caller gives the client up.
    unsafe { rpc_client_destroy(client) };
    if ptr::eq(x.ops, &PIPE_XPORT_OPS) && !x.ctx.is_null() {
        // SAFETY: pipe clients own a PipeXport made by `Box::into_raw` in
        // `rpc_pipe_client_create`; the client using it is gone.
        drop(unsafe { Box::from_raw(x.ctx as *mut PipeXport) });
    }
}

/// Creates an empty server with `bufsize`-byte receive and send buffers.
#[unsafe(no_mangle)]
pub extern "C" fn rpc_server_create(bufsize: usize) -> *mut RpcServer<'static> {
    Box::into_raw(Box::new(RpcServer::new(bufsize)))
}

/// Registers (or replaces) `handler` with context `ctx` for `pd`'s
/// (program, version, procedure). Returns 0, or `-EINVAL` for a null argument.
///
/// # Safety
/// `server` is null or live; `pd` is null or a descriptor that outlives the
/// server; `handler` upholds [`SvcHandler`]'s contract for `pd`'s schemas.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_server_register(
    server: *mut RpcServer<'static>,
    pd: *const ProcDesc<'static>,
    handler: SvcHandler,
    ctx: usize,
) -> i32 {
    if server.is_null() || pd.is_null() {
        return -EINVAL;
    }
    // SAFETY: live server; the descriptor outlives it (caller).
    unsafe { (*server).register(&*pd, handler, ctx) };
    0
}

/// Destroys a server from [`rpc_server_create`] or [`rpc_bench_server_create`]. Null is ignored.
///
/// # Safety
/// `server` is null or such a server, not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_server_destroy(server: *mut RpcServer<'static>) {
    if !server.is_null() {
        // SAFETY: made by `Box::into_raw` (caller).
        drop(unsafe { Box::from_raw(server) });
    }
}

/// Creates a server (default buffers) serving the benchmark procedure
/// [`BENCH_PROC`] with [`bench_handler`].
#[unsafe(no_mangle)]
pub extern "C" fn rpc_bench_server_create() -> *mut RpcServer<'static> {
    let s = rpc_server_create(DEFAULT_BUFSIZE);
    // SAFETY: a fresh server; BENCH_PROC is static and bench_handler is its handler.
    if unsafe { rpc_server_register(s, &BENCH_PROC, bench_handler, 0) } != 0 {
        // SAFETY: made above, not shared.
        unsafe { rpc_server_destroy(s) };
        return ptr::null_mut();
    }
    s
}

/// The benchmark procedure's descriptor (callers may copy it and change the
/// numbers to address other procedures with the same schemas).
#[unsafe(no_mangle)]
pub extern "C" fn rpc_bench_proc() -> *const ProcDesc<'static> {
    &BENCH_PROC
}

/// Reads one call from `rfd` and answers it on `wfd`, on behalf of `thread`.
/// Returns [`serve::REPLIED`], [`serve::DROPPED`], [`serve::EOF`] (the
/// client closed its end), or a negative errno: the transport's (`-EPIPE`,
/// `-EBADF`, `-ESRCH`, …), `-EIO` when the stream ended inside a record or is
/// out of step (record too large, undecodable reply), `-EINVAL` for a null
/// argument.
///
/// # Safety
/// `server` is null or live and used by no other host thread meanwhile;
/// `thread` is null or the calling host thread's live kernel thread; the
/// registered handlers uphold [`SvcHandler`]'s contract.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_pipe_serve_one(
    server: *mut RpcServer<'static>,
    thread: *mut Thread,
    rfd: i32,
    wfd: i32,
) -> i32 {
    if server.is_null() || thread.is_null() {
        return -EINVAL;
    }
    let mut ctx = PipeXport::new(thread, rfd, wfd);
    let x = ctx.xport();
    // SAFETY: `ctx` outlives the step; server and thread per the caller.
    match unsafe { (*server).serve_one(&x) } {
        Ok(Served::Replied(_)) => serve::REPLIED,
        Ok(Served::Dropped) => serve::DROPPED,
        Ok(Served::Eof) => serve::EOF,
        Err(e) => serve_errno(e),
    }
}

/// The negative errno [`rpc_pipe_serve_one`] reports for a failed step.
fn serve_errno(e: RpcError) -> i32 {
    match e {
        RpcError::Io(n) if n < 0 => n,
        RpcError::Io(_) | RpcError::Eof | RpcError::RecordTooLarge | RpcError::BadMessage | RpcError::Xdr(_) => -EIO,
    }
}
