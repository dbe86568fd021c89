//! The RPC server: a registry of procedures and a one-call service step.
//!
//! [`RpcServer::serve_one`] reads one record, decodes the call header,
//! dispatches on (program, version, procedure) and writes the reply:
//! `RPC_MISMATCH` for a protocol version other than 2, `AUTH_ERROR` for
//! credentials other than AUTH_NONE and well-formed AUTH_SYS,
//! `PROG_UNAVAIL`/`PROG_MISMATCH`/`PROC_UNAVAIL` for unknown targets,
//! `GARBAGE_ARGS` when the arguments do not decode, `SYSTEM_ERR` when the
//! handler fails or the results do not fit. Procedure 0 of every registered
//! (program, version) is the null procedure. Undecodable headers are dropped
//! without a reply, as RFC 5531 allows.

use alloc::vec;
use alloc::vec::Vec;
use core::alloc::Layout;

use super::msg::{self, AcceptStat, ProcDesc, ReplyStat};
use super::xdr::{XdrDec, XdrEnc, XdrType, xdr_decode, xdr_encode, xdr_free};
use super::{RpcError, Xport};

/// The request as a handler sees it (rpcgen's `struct svc_req`, flattened).
#[repr(C)]
#[derive(Debug)]
pub struct SvcReq {
    /// Program.
    pub prog: u32,
    /// Version.
    pub vers: u32,
    /// Procedure.
    pub proc_: u32,
    /// The caller's credential flavor (`AUTH_NONE` or `AUTH_SYS`).
    pub flavor: u32,
    /// AUTH_SYS uid (0 for AUTH_NONE).
    pub uid: u32,
    /// AUTH_SYS gid (0 for AUTH_NONE).
    pub gid: u32,
    /// The context registered with the procedure.
    pub ctx: usize,
}

/// A procedure implementation: reads the decoded arguments, writes the results
/// into zeroed memory of the result type. 0 on success; anything else makes the
/// server answer `SYSTEM_ERR`. Pointers the handler stores in the results must
/// stay valid until the reply is encoded; the server does not free them.
pub type SvcHandler = unsafe extern "C" fn(req: *const SvcReq, args: *const u8, res: *mut u8) -> i32;

#[derive(Debug)]
struct Entry<'a> {
    desc: &'a ProcDesc<'a>,
    handler: SvcHandler,
    ctx: usize,
}

/// What one service step did.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Served {
    /// A reply was sent.
    Replied(ReplyStat),
    /// The message was not a decodable call; nothing was sent.
    Dropped,
    /// The stream ended.
    Eof,
}

/// A registry of procedures and the buffers to serve them.
#[derive(Debug)]
pub struct RpcServer<'a> {
    entries: Vec<Entry<'a>>,
    recvbuf: Vec<u8>,
    sendbuf: Vec<u8>,
    max_frag: usize,
}

const ARG_ALIGN: usize = 16;

/// Zeroed scratch memory for a decoded value, freed on drop.
struct Scratch {
    p: *mut u8,
    layout: Layout,
}

impl Scratch {
    fn new(size: usize) -> Option<Scratch> {
        let layout = Layout::from_size_align(size.max(8), ARG_ALIGN).ok()?;
        // SAFETY: non-zero size.
        let p = unsafe { alloc::alloc::alloc_zeroed(layout) };
        if p.is_null() { None } else { Some(Scratch { p, layout }) }
    }
}

impl Drop for Scratch {
    fn drop(&mut self) {
        // SAFETY: allocated in `new` with this layout.
        unsafe { alloc::alloc::dealloc(self.p, self.layout) }
    }
}

impl<'a> RpcServer<'a> {
    /// A server with `bufsize`-byte receive and send buffers (at least 64).
    pub fn new(bufsize: usize) -> Self {
        let n = bufsize.max(64);
        RpcServer { entries: Vec::new(), recvbuf: vec![0; n], sendbuf: vec![0; n + 4], max_frag: 1 << 20 }
    }

    /// Registers (or replaces) the handler of `desc`'s (program, version, procedure).
    pub fn register(&mut self, desc: &'a ProcDesc<'a>, handler: SvcHandler, ctx: usize) {
        let key = (desc.prog.get(), desc.vers.get(), desc.proc_.get());
        self.entries.retain(|e| (e.desc.prog.get(), e.desc.vers.get(), e.desc.proc_.get()) != key);
        self.entries.push(Entry { desc, handler, ctx });
    }

    /// Sets the largest fragment written.
    pub fn set_max_frag(&mut self, n: usize) {
        self.max_frag = n.max(1);
    }

    /// Why (prog, vers, proc_) has no entry: `Ok` for the null procedure of a known version.
    fn missing(entries: &[Entry<'a>], prog: u32, vers: u32, proc_: u32) -> Result<(), AcceptStat> {
        let mut low = u32::MAX;
        let mut high = 0;
        let mut prog_known = false;
        let mut vers_known = false;
        for e in entries {
            if e.desc.prog.get() != prog {
                continue;
            }
            prog_known = true;
            let v = e.desc.vers.get();
            low = low.min(v);
            high = high.max(v);
            vers_known |= v == vers;
        }
        if !prog_known {
            Err(AcceptStat::ProgUnavail)
        } else if !vers_known {
            Err(AcceptStat::ProgMismatch { low, high })
        } else if proc_ == 0 {
            Ok(())
        } else {
            Err(AcceptStat::ProcUnavail)
        }
    }

    /// Reads one call from `x`, answers it, and says what happened.
    ///
    /// # Safety
    /// The Xport is live; registered handlers uphold [`SvcHandler`]'s contract.
    pub unsafe fn serve_one(&mut self, x: &Xport) -> Result<Served, RpcError> {
        // SAFETY: live Xport (caller).
        let len = match unsafe { msg::read_record(x, &mut self.recvbuf) } {
            Ok(n) => n,
            Err(RpcError::Eof) => return Ok(Served::Eof),
            Err(e) => return Err(e),
        };
        let recv = &self.recvbuf[..len];
        let mut dec = XdrDec::new(recv);
        let Ok(call) = msg::decode_call(&mut dec) else {
            return Ok(Served::Dropped);
        };
        let mut enc = XdrEnc::new(&mut self.sendbuf[4..]);
        let stat = if call.rpcvers != msg::RPC_VERS {
            ReplyStat::RpcMismatch { low: msg::RPC_VERS, high: msg::RPC_VERS }
        } else if call.auth_stat != 0 {
            ReplyStat::AuthError(call.auth_stat)
        } else {
            let found = self.entries.iter().position(|e| {
                (e.desc.prog.get(), e.desc.vers.get(), e.desc.proc_.get()) == (call.prog, call.vers, call.proc_)
            });
            match found {
                Some(i) => {
                    let e = &self.entries[i];
                    let req = SvcReq {
                        prog: call.prog,
                        vers: call.vers,
                        proc_: call.proc_,
                        flavor: call.cred.flavor,
                        uid: call.cred.uid,
                        gid: call.cred.gid,
                        ctx: e.ctx,
                    };
                    // SAFETY: handler contract (caller).
                    let st = unsafe { invoke(e, &req, &mut dec, &mut enc, call.xid) };
                    if st == AcceptStat::Success {
                        let n = enc.pos();
                        // SAFETY: live Xport (caller).
                        unsafe { msg::write_record(x, &mut self.sendbuf, n, self.max_frag)? };
                        return Ok(Served::Replied(ReplyStat::Accepted(st)));
                    }
                    enc = XdrEnc::new(&mut self.sendbuf[4..]);
                    ReplyStat::Accepted(st)
                }
                None => match Self::missing(&self.entries, call.prog, call.vers, call.proc_) {
                    Ok(()) => ReplyStat::Accepted(AcceptStat::Success), // null procedure: void results
                    Err(st) => ReplyStat::Accepted(st),
                },
            }
        };
        msg::encode_reply(&mut enc, call.xid, &stat)?;
        let n = enc.pos();
        // SAFETY: live Xport (caller).
        unsafe { msg::write_record(x, &mut self.sendbuf, n, self.max_frag)? };
        Ok(Served::Replied(stat))
    }
}

/// Decodes the arguments, runs the handler and encodes a successful reply into
/// `enc`. Returns the accept status; on anything but `Success` the caller
/// re-encodes the reply from scratch.
///
/// # Safety
/// The handler upholds [`SvcHandler`]'s contract.
unsafe fn invoke(e: &Entry<'_>, req: &SvcReq, dec: &mut XdrDec<'_>, enc: &mut XdrEnc<'_>, xid: u32) -> AcceptStat {
    let (aty, rty): (&XdrType<'_>, &XdrType<'_>) = (e.desc.args.get(), e.desc.res.get());
    let (Some(args), Some(res)) = (Scratch::new(aty.mem_size()), Scratch::new(rty.mem_size())) else {
        return AcceptStat::SystemErr;
    };
    // SAFETY: `args.p` is zeroed memory for a value of `aty` (null pointers: the decoder allocates).
    let decoded = unsafe { xdr_decode(aty, args.p, dec) };
    let st = if decoded.is_err() {
        AcceptStat::GarbageArgs
    } else {
        // SAFETY: handler contract (caller); args decoded, res zeroed.
        let failed = unsafe { (e.handler)(req, args.p, res.p) } != 0;
        // SAFETY: the handler filled `res` with a value of `rty`.
        let encoded = !failed
            && msg::encode_reply(enc, xid, &ReplyStat::Accepted(AcceptStat::Success)).is_ok()
            && unsafe { xdr_encode(rty, res.p, enc) }.is_ok();
        if encoded { AcceptStat::Success } else { AcceptStat::SystemErr }
    };
    // SAFETY: every pointer inside `args` was allocated by the decoder.
    unsafe { xdr_free(aty, args.p) };
    st
}
