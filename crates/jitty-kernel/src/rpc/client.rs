//! The RPC client: one generic stub, `rpc_call`, for every procedure.
//!
//! rpcgen emits a stub per procedure that calls `clnt_call(clnt, proc,
//! xdr_args, args, xdr_res, res, timeout)`; here the per-procedure part is
//! data, a [`ProcDesc`], and the stub interprets it. With the client and the
//! descriptor static, the partial evaluator turns `rpc_call` into the
//! straight-line marshaling code Tempo derived from Sun RPC.

use alloc::boxed::Box;
use core::alloc::Layout;
use core::ffi::c_void;
use core::ptr;

use super::msg::{self, AcceptStat, Auth, ProcDesc, ReplyStat};
use super::stat::*;
use super::xdr::{XdrDec, XdrEnc, xdr_decode, xdr_encode};
use super::{RpcError, TransportOps, Xport};
use crate::annotations::Const;
use crate::typedesc::annotated;

/// Default size of the send and receive buffers.
pub const DEFAULT_BUFSIZE: usize = 8800;
/// Default largest fragment written.
pub const DEFAULT_MAX_FRAG: u32 = 1 << 20;
const BUF_ALIGN: usize = 16;

annotated! {
    /// A client bound to one transport and credential.
    #[derive(Debug)]
    pub struct RpcClient {
        /// Const: the transport.
        pub xport: Const<Xport>,
        /// Const: the credential sent with every call (a new identity needs a new client).
        pub cred: Const<Auth>,
        /// Const: the largest fragment written.
        pub max_frag: Const<u32>,
        /// Const: send buffer (4 bytes of record mark, then the message).
        sendbuf: Const<*mut u8>,
        /// Const: capacity of `sendbuf`.
        sendcap: Const<usize>,
        /// Const: receive buffer.
        recvbuf: Const<*mut u8>,
        /// Const: capacity of `recvbuf`.
        recvcap: Const<usize>,
        /// Dynamic: the last transaction id used.
        xid: u32,
        /// Dynamic: the last reply's status (for diagnostics).
        pub last_reply: Option<ReplyStat>,
        /// The client's call dispatch slot: the code [`rpc_call_dispatch`]
        /// calls, [`rpc_call`] (the generic stub) unless the specialization
        /// runtime plugged code for this client. A slot, not a fact.
        pub call_slot: core::sync::atomic::AtomicPtr<()>,
    }
}

fn buf_alloc(n: usize) -> *mut u8 {
    match Layout::from_size_align(n.max(8), BUF_ALIGN) {
        // SAFETY: non-zero size.
        Ok(l) => unsafe { alloc::alloc::alloc_zeroed(l) },
        Err(_) => ptr::null_mut(),
    }
}

/// # Safety
/// `p` came from `buf_alloc(n)`.
unsafe fn buf_free(p: *mut u8, n: usize) {
    if !p.is_null() {
        // SAFETY: same layout as `buf_alloc` (caller).
        unsafe { alloc::alloc::dealloc(p, Layout::from_size_align_unchecked(n.max(8), BUF_ALIGN)) }
    }
}

impl RpcClient {
    /// A client over `xport` with `bufsize`-byte send and receive buffers (at least 64).
    /// `None` if the buffers cannot be allocated.
    pub fn new(xport: Xport, cred: Auth, bufsize: usize) -> Option<Box<RpcClient>> {
        let cap = bufsize.max(64);
        let (s, r) = (buf_alloc(cap + 4), buf_alloc(cap));
        if s.is_null() || r.is_null() {
            // SAFETY: each non-null buffer came from `buf_alloc` with these sizes.
            unsafe {
                buf_free(s, cap + 4);
                buf_free(r, cap);
            }
            return None;
        }
        Some(Box::new(RpcClient {
            xport: Const::new(xport),
            cred: Const::new(cred),
            max_frag: Const::new(DEFAULT_MAX_FRAG),
            sendbuf: Const::new(s),
            sendcap: Const::new(cap + 4),
            recvbuf: Const::new(r),
            recvcap: Const::new(cap),
            xid: 0x4a4b_0000,
            last_reply: None,
            call_slot: core::sync::atomic::AtomicPtr::new(rpc_call as *mut ()),
        }))
    }

    /// The last transaction id used.
    pub fn xid(&self) -> u32 {
        self.xid
    }

    /// The message built by the last marshal (call header and arguments).
    pub fn sent_message(&self, len: usize) -> &[u8] {
        // SAFETY: the send buffer is live and holds `sendcap` bytes.
        unsafe { &core::slice::from_raw_parts(self.sendbuf.get(), self.sendcap.get())[4..4 + len] }
    }
}

impl Drop for RpcClient {
    fn drop(&mut self) {
        // SAFETY: the buffers came from `buf_alloc` with these capacities.
        unsafe {
            buf_free(self.sendbuf.get(), self.sendcap.get());
            buf_free(self.recvbuf.get(), self.recvcap.get());
        }
    }
}

/// Creates a client over the transport `(ops, ctx)`; `cred` null means AUTH_NONE.
/// Returns null if allocation fails.
///
/// # Safety
/// `ops` and `ctx` stay live while the client is used; `cred` is null or valid.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_client_create(
    ops: *const TransportOps,
    ctx: *mut c_void,
    cred: *const Auth,
    bufsize: usize,
) -> *mut RpcClient {
    // SAFETY: `cred` is null or valid (caller).
    let cred = if cred.is_null() { Auth::none() } else { unsafe { *cred } };
    match RpcClient::new(Xport { ops, ctx }, cred, bufsize) {
        Some(c) => Box::into_raw(c),
        None => ptr::null_mut(),
    }
}

/// Destroys a client from [`rpc_client_create`].
///
/// # Safety
/// `client` came from `rpc_client_create` and is not used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_client_destroy(client: *mut RpcClient) {
    if !client.is_null() {
        // SAFETY: the client was made by `Box::into_raw` (caller).
        drop(unsafe { Box::from_raw(client) });
    }
}

/// Marshals a call of `pd` with the arguments at `args` into the client's send
/// buffer under a fresh xid: the client stub's encoding half, no I/O.
/// Returns the message length, or `-RPC_CANTENCODEARGS`.
///
/// # Safety
/// `client` and `pd` are live; `args` holds a value of `pd.args`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_client_marshal(client: *mut RpcClient, pd: *const ProcDesc<'_>, args: *const u8) -> isize {
    // SAFETY: live client and descriptor (caller).
    let (c, pd) = unsafe { (&mut *client, &*pd) };
    c.xid = c.xid.wrapping_add(1);
    // SAFETY: the send buffer is live, exclusively the client's, `sendcap` bytes.
    let buf = unsafe { core::slice::from_raw_parts_mut(c.sendbuf.get(), c.sendcap.get()) };
    let mut enc = XdrEnc::new(&mut buf[4..]);
    let cred = c.cred.get();
    if msg::encode_call(&mut enc, c.xid, pd.prog.get(), pd.vers.get(), pd.proc_.get(), &cred).is_err() {
        return -(RPC_CANTENCODEARGS as isize);
    }
    // SAFETY: `args` holds a value of the argument schema (caller).
    if unsafe { xdr_encode(pd.args.get(), args, &mut enc) }.is_err() {
        return -(RPC_CANTENCODEARGS as isize);
    }
    enc.pos() as isize
}

/// Calls procedure `pd` with the arguments at `args`, decoding the results into
/// `res` (whose pointers are null or large enough, see `xdr_decode`), through
/// the client's call slot ([`RpcClient::call_slot`]). Returns a `clnt_stat`
/// (`RPC_SUCCESS` = 0). Results the decoder allocated (also partial ones
/// after `RPC_CANTDECODERES`) are released with `xdr_free(pd.res, res)`.
///
/// # Safety
/// `client` and `pd` are live; `args` holds a value of `pd.args`; `res` is
/// writable memory for a value of `pd.res`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_call_dispatch(
    client: *mut RpcClient,
    pd: *const ProcDesc<'_>,
    args: *const u8,
    res: *mut u8,
) -> i32 {
    // SAFETY: live client (caller).
    let code = unsafe { &*client }.call_slot.load(core::sync::atomic::Ordering::Acquire);
    // SAFETY: the slot holds `rpc_call` or code with its signature and
    // contract, plugged by the runtime.
    let f: unsafe extern "C" fn(*mut RpcClient, *const ProcDesc<'_>, *const u8, *mut u8) -> i32 =
        unsafe { core::mem::transmute(code) };
    // SAFETY: the caller's contract.
    unsafe { f(client, pd, args, res) }
}

/// A full call (marshal, record write, record read, reply and result
/// decode); a `clnt_stat`. The generic stub behind each client's call slot.
///
/// # Safety
/// As [`rpc_call_dispatch`].
#[unsafe(no_mangle)]
pub unsafe extern "C" fn rpc_call(
    client: *mut RpcClient,
    pd: *const ProcDesc<'_>,
    args: *const u8,
    res: *mut u8,
) -> i32 {
    // SAFETY: forwarded to the caller.
    let n = unsafe { rpc_client_marshal(client, pd, args) };
    if n < 0 {
        return -n as i32;
    }
    // SAFETY: live client and descriptor (caller).
    let (c, pd) = unsafe { (&mut *client, &*pd) };
    let xport = c.xport.get();
    // SAFETY: the buffers are live and exclusively the client's.
    let (sbuf, rbuf) = unsafe {
        (
            core::slice::from_raw_parts_mut(c.sendbuf.get(), c.sendcap.get()),
            core::slice::from_raw_parts_mut(c.recvbuf.get(), c.recvcap.get()),
        )
    };
    // SAFETY: the transport is live (caller).
    if unsafe { msg::write_record(&xport, sbuf, n as usize, c.max_frag.get() as usize) }.is_err() {
        return RPC_CANTSEND;
    }
    loop {
        // SAFETY: the transport is live (caller).
        let len = match unsafe { msg::read_record(&xport, rbuf) } {
            Ok(len) => len,
            Err(RpcError::RecordTooLarge | RpcError::Xdr(_) | RpcError::BadMessage) => return RPC_CANTDECODERES,
            Err(RpcError::Eof | RpcError::Io(_)) => return RPC_CANTRECV,
        };
        let mut dec = XdrDec::new(&rbuf[..len]);
        let Ok((xid, stat)) = msg::decode_reply(&mut dec) else {
            return RPC_CANTDECODERES;
        };
        if xid != c.xid {
            continue; // a stale reply: skip it, as clnt_call does
        }
        c.last_reply = Some(stat);
        return match stat {
            ReplyStat::Accepted(AcceptStat::Success) => {
                // SAFETY: `res` is writable for the result schema (caller).
                match unsafe { xdr_decode(pd.res.get(), res, &mut dec) } {
                    Ok(()) => RPC_SUCCESS,
                    Err(_) => RPC_CANTDECODERES,
                }
            }
            ReplyStat::Accepted(AcceptStat::ProgUnavail) => RPC_PROGUNAVAIL,
            ReplyStat::Accepted(AcceptStat::ProgMismatch { .. }) => RPC_PROGVERSMISMATCH,
            ReplyStat::Accepted(AcceptStat::ProcUnavail) => RPC_PROCUNAVAIL,
            ReplyStat::Accepted(AcceptStat::GarbageArgs) => RPC_CANTDECODEARGS,
            ReplyStat::Accepted(AcceptStat::SystemErr) => RPC_SYSTEMERROR,
            ReplyStat::RpcMismatch { .. } => RPC_VERSMISMATCH,
            ReplyStat::AuthError(_) => RPC_AUTHERROR,
        };
    }
}

#[cfg(test)]
mod descriptor_tests {
    use super::*;
    use crate::typedesc::testing::expect_desc;

    #[test]
    fn client_matches_native_layout() {
        expect_desc!(RpcClient, "RpcClient", [
            xport: Const<Xport>, 1, FIELD_CONST, None;
            cred: Const<Auth>, 1, FIELD_CONST, None;
            max_frag: Const<u32>, 1, FIELD_CONST, None;
            sendbuf: Const<*mut u8>, 1, FIELD_CONST, None;
            sendcap: Const<usize>, 1, FIELD_CONST, None;
            recvbuf: Const<*mut u8>, 1, FIELD_CONST, None;
            recvcap: Const<usize>, 1, FIELD_CONST, None;
        ]);
    }
}
