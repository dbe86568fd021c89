//! Sun RPC (RFC 5531) over XDR (RFC 4506), rpcgen-style, driven by run-time schemas.
//!
//! * [`xdr`]: the XDR codec and the generic schema interpreter
//!   ([`xdr::xdr_encode`]/[`xdr::xdr_decode`]) over `#[repr(C)]` memory.
//! * [`msg`]: call and reply headers, credentials (`AUTH_NONE`, `AUTH_SYS`),
//!   and record marking (RFC 5531 §11) over a byte stream.
//! * [`client`]: `rpc_call(client, proc_desc, args, res)`, the stub every
//!   procedure shares (Synthetix §4.4 / Tempo specialize it per procedure).
//! * [`server`]: a registry of (program, version, procedure) → handler and a
//!   `serve_one` step answering one call (`PROG_UNAVAIL`, `PROG_MISMATCH`,
//!   `PROC_UNAVAIL`, `GARBAGE_ARGS`, `SYSTEM_ERR`, `RPC_MISMATCH`, `AUTH_ERROR`).
//! * [`bench`]: the fixed benchmark procedure (experiment E6).
//!
//! The byte stream is a [`Transport`]; the C-ABI form the client and server
//! store is an [`Xport`] (an ops table and a context pointer, like a kernel
//! `file_operations`). The kernel implements it over its pipes in
//! `rpc_pipe` (outside this module, which needs only `core` and
//! `alloc`, so it is also tested standalone); the tests here use
//! in-memory streams and OS pipes.

pub mod bench;
pub mod client;
pub mod msg;
pub mod server;
pub mod xdr;

use core::ffi::c_void;
use core::fmt;

pub use client::{RpcClient, rpc_call, rpc_call_dispatch, rpc_client_create, rpc_client_destroy, rpc_client_marshal};
pub use msg::{Auth, ProcDesc};
pub use server::{RpcServer, Served, SvcHandler, SvcReq};
pub use xdr::{Field, XdrDec, XdrEnc, XdrError, XdrType, XdrVar};

pub use crate::abi::TransportOps;
/// `clnt_stat` values returned by [`rpc_call`] (Sun RPC's numbering).
pub use crate::abi::rpc_stat as stat;

/// Errors of the transport and message layers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RpcError {
    /// The stream ended at a record boundary.
    Eof,
    /// The stream ended or failed inside a record, or a write failed; carries a negative errno or 0.
    Io(i32),
    /// A record is larger than the receive buffer.
    RecordTooLarge,
    /// A message could not be encoded or decoded.
    Xdr(XdrError),
    /// A message is not an RPC message of the expected kind.
    BadMessage,
}

impl From<XdrError> for RpcError {
    fn from(e: XdrError) -> Self {
        RpcError::Xdr(e)
    }
}

impl fmt::Display for RpcError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            RpcError::Eof => f.write_str("end of stream"),
            RpcError::Io(e) => write!(f, "i/o error {e}"),
            RpcError::RecordTooLarge => f.write_str("record too large"),
            RpcError::Xdr(e) => write!(f, "xdr: {e}"),
            RpcError::BadMessage => f.write_str("not an rpc message"),
        }
    }
}

/// A byte stream (a pipe, a socket): the dependency the kernel side implements.
pub trait Transport {
    /// Reads up to `buf.len()` bytes; `Ok(0)` is end of stream; `Err` carries a negative errno.
    fn read(&mut self, buf: &mut [u8]) -> Result<usize, i32>;
    /// Writes up to `buf.len()` bytes; returns how many; `Err` carries a negative errno.
    fn write(&mut self, buf: &[u8]) -> Result<usize, i32>;
}

/// A transport as clients and servers hold it: ops table and context.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct Xport {
    /// Const: the operations.
    pub ops: *const TransportOps,
    /// Const: the operations' context (a pipe pair, a `Transport` object).
    pub ctx: *mut c_void,
}

unsafe extern "C" fn tramp_read<T: Transport>(ctx: *mut c_void, buf: *mut u8, len: usize) -> isize {
    // SAFETY: `ctx` is the `T` the Xport was made from and `buf` holds `len` writable bytes.
    let (t, b) = unsafe { (&mut *(ctx as *mut T), core::slice::from_raw_parts_mut(buf, len)) };
    match t.read(b) {
        Ok(n) => n as isize,
        Err(e) => (e as isize).min(-1),
    }
}

unsafe extern "C" fn tramp_write<T: Transport>(ctx: *mut c_void, buf: *const u8, len: usize) -> isize {
    // SAFETY: `ctx` is the `T` the Xport was made from and `buf` holds `len` readable bytes.
    let (t, b) = unsafe { (&mut *(ctx as *mut T), core::slice::from_raw_parts(buf, len)) };
    match t.write(b) {
        Ok(n) => n as isize,
        Err(e) => (e as isize).min(-1),
    }
}

impl Xport {
    /// An Xport over a Rust [`Transport`]. The transport must outlive every use of the Xport.
    pub fn new<T: Transport>(t: &mut T) -> Xport {
        let ops: &'static TransportOps = const { &TransportOps { read: tramp_read::<T>, write: tramp_write::<T> } };
        Xport { ops, ctx: t as *mut T as *mut c_void }
    }

    /// Reads exactly `buf.len()` bytes. `Ok(false)` if the stream ended before the first byte.
    ///
    /// # Safety
    /// The Xport's ops and context are live.
    pub unsafe fn read_exact(&self, buf: &mut [u8]) -> Result<bool, RpcError> {
        let mut got = 0;
        while got < buf.len() {
            let rest = &mut buf[got..];
            // SAFETY: live ops (caller); `rest` is writable for its length.
            let n = unsafe { ((*self.ops).read)(self.ctx, rest.as_mut_ptr(), rest.len()) };
            if n < 0 {
                return Err(RpcError::Io(n as i32));
            }
            if n == 0 {
                return if got == 0 { Ok(false) } else { Err(RpcError::Io(0)) };
            }
            got += (n as usize).min(rest.len());
        }
        Ok(true)
    }

    /// Writes all of `buf`.
    ///
    /// # Safety
    /// The Xport's ops and context are live.
    pub unsafe fn write_all(&self, buf: &[u8]) -> Result<(), RpcError> {
        let mut put = 0;
        while put < buf.len() {
            let rest = &buf[put..];
            // SAFETY: live ops (caller); `rest` is readable for its length.
            let n = unsafe { ((*self.ops).write)(self.ctx, rest.as_ptr(), rest.len()) };
            if n <= 0 {
                return Err(RpcError::Io(n as i32));
            }
            put += (n as usize).min(rest.len());
        }
        Ok(())
    }
}
