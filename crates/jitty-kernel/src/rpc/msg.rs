//! RPC messages (RFC 5531): procedure descriptors, credentials, call and reply
//! headers, and record marking over a byte stream (§11).

use super::xdr::{XdrDec, XdrEnc, XdrResult, XdrType};
use super::{RpcError, Xport};
use crate::annotations::Const;

/// `msg_type` CALL.
pub const CALL: u32 = 0;
/// `msg_type` REPLY.
pub const REPLY: u32 = 1;
/// The RPC protocol version.
pub const RPC_VERS: u32 = 2;
/// `reply_stat` MSG_ACCEPTED.
pub const MSG_ACCEPTED: u32 = 0;
/// `reply_stat` MSG_DENIED.
pub const MSG_DENIED: u32 = 1;
/// `accept_stat` values.
pub const SUCCESS: u32 = 0;
/// The program is not available.
pub const PROG_UNAVAIL: u32 = 1;
/// The program cannot support the version.
pub const PROG_MISMATCH: u32 = 2;
/// The program cannot support the procedure.
pub const PROC_UNAVAIL: u32 = 3;
/// The procedure cannot decode its arguments.
pub const GARBAGE_ARGS: u32 = 4;
/// A server error (e.g. memory allocation failure).
pub const SYSTEM_ERR: u32 = 5;
/// `reject_stat` RPC_MISMATCH.
pub const RPC_MISMATCH: u32 = 0;
/// `reject_stat` AUTH_ERROR.
pub const AUTH_ERROR: u32 = 1;
/// `auth_stat` AUTH_BADCRED: the credential is malformed.
pub const AUTH_BADCRED: u32 = 1;
/// `auth_stat` AUTH_REJECTEDCRED: the flavor is not accepted.
pub const AUTH_REJECTEDCRED: u32 = 2;
/// Auth flavor AUTH_NONE.
pub const AUTH_NONE: u32 = 0;
/// Auth flavor AUTH_SYS.
pub const AUTH_SYS: u32 = 1;
/// Bound of an `opaque_auth` body.
pub const MAX_AUTH_BYTES: u32 = 400;
/// Bound of AUTH_SYS's machine name.
pub const MAX_MACHINE_NAME: usize = 255;
/// Bound of AUTH_SYS's supplementary groups.
pub const MAX_GIDS: usize = 16;
/// Record-marking bit: last fragment.
pub const LAST_FRAG: u32 = 0x8000_0000;

/// One remote procedure as the client stub and server see it (rpcgen's
/// per-procedure facts), declared once in the ABI: every field is `Const`
/// (program, version and procedure numbers; argument and result schemas).
pub type ProcDesc<'a> = crate::abi::ProcDesc<Const<u32>, Const<&'a XdrType<'a>>>;

impl<'a> ProcDesc<'a> {
    /// Describes procedure `proc_` of program `prog`, version `vers`.
    pub const fn new(prog: u32, vers: u32, proc_: u32, args: &'a XdrType<'a>, res: &'a XdrType<'a>) -> Self {
        ProcDesc {
            prog: Const::new(prog),
            vers: Const::new(vers),
            proc_: Const::new(proc_),
            args: Const::new(args),
            res: Const::new(res),
        }
    }
}

/// A credential: AUTH_NONE or AUTH_SYS (`authsys_parms`).
#[repr(C)]
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Auth {
    /// `AUTH_NONE` or `AUTH_SYS`.
    pub flavor: u32,
    /// AUTH_SYS stamp.
    pub stamp: u32,
    /// AUTH_SYS effective uid.
    pub uid: u32,
    /// AUTH_SYS effective gid.
    pub gid: u32,
    /// Number of valid entries of `gids`.
    pub ngids: u32,
    /// Supplementary groups.
    pub gids: [u32; MAX_GIDS],
    /// Length of `machine`.
    pub machine_len: u32,
    /// Machine name (the first `machine_len` bytes).
    pub machine: [u8; 64],
}

impl Auth {
    /// AUTH_NONE.
    pub const fn none() -> Self {
        Auth {
            flavor: AUTH_NONE,
            stamp: 0,
            uid: 0,
            gid: 0,
            ngids: 0,
            gids: [0; MAX_GIDS],
            machine_len: 0,
            machine: [0; 64],
        }
    }

    /// AUTH_SYS with the given identity (machine name cut at 64 bytes, groups at 16).
    pub fn sys(stamp: u32, machine: &[u8], uid: u32, gid: u32, gids: &[u32]) -> Self {
        let mut a = Auth::none();
        a.flavor = AUTH_SYS;
        a.stamp = stamp;
        a.uid = uid;
        a.gid = gid;
        let m = machine.len().min(a.machine.len());
        a.machine[..m].copy_from_slice(&machine[..m]);
        a.machine_len = m as u32;
        let g = gids.len().min(MAX_GIDS);
        a.gids[..g].copy_from_slice(&gids[..g]);
        a.ngids = g as u32;
        a
    }

    fn machine(&self) -> &[u8] {
        &self.machine[..(self.machine_len as usize).min(self.machine.len())]
    }

    /// Encodes the credential as an `opaque_auth`.
    pub fn encode(&self, enc: &mut XdrEnc<'_>) -> XdrResult<()> {
        if self.flavor != AUTH_SYS {
            enc.put_u32(AUTH_NONE)?;
            return enc.put_u32(0);
        }
        let m = self.machine();
        let ngids = (self.ngids as usize).min(MAX_GIDS);
        let body = 4 + 4 + ((m.len() + 3) & !3) + 4 + 4 + 4 + 4 * ngids;
        enc.put_u32(AUTH_SYS)?;
        enc.put_u32(body as u32)?;
        enc.put_u32(self.stamp)?;
        enc.put_var_opaque(m)?;
        enc.put_u32(self.uid)?;
        enc.put_u32(self.gid)?;
        enc.put_u32(ngids as u32)?;
        for &g in &self.gids[..ngids] {
            enc.put_u32(g)?;
        }
        Ok(())
    }

    /// Parses an AUTH_SYS body; `None` if malformed.
    fn parse_sys(body: &[u8]) -> Option<Auth> {
        let mut d = XdrDec::new(body);
        let stamp = d.get_u32().ok()?;
        let machine = d.get_var_opaque(MAX_MACHINE_NAME as u32).ok()?;
        let uid = d.get_u32().ok()?;
        let gid = d.get_u32().ok()?;
        let n = d.get_u32().ok()? as usize;
        if n > MAX_GIDS {
            return None;
        }
        let mut gids = [0u32; MAX_GIDS];
        for g in gids.iter_mut().take(n) {
            *g = d.get_u32().ok()?;
        }
        if d.remaining() != 0 {
            return None;
        }
        Some(Auth::sys(stamp, machine, uid, gid, &gids[..n]))
    }
}

/// A decoded call header.
#[derive(Debug, Clone, Copy)]
pub struct CallHeader {
    /// Transaction id.
    pub xid: u32,
    /// RPC protocol version (2 expected).
    pub rpcvers: u32,
    /// Program.
    pub prog: u32,
    /// Version.
    pub vers: u32,
    /// Procedure.
    pub proc_: u32,
    /// The credential (flavor AUTH_NONE or AUTH_SYS when `auth_stat` is 0).
    pub cred: Auth,
    /// 0, or the `auth_stat` to reject the credential with.
    pub auth_stat: u32,
}

/// Encodes a call header.
pub fn encode_call(enc: &mut XdrEnc<'_>, xid: u32, prog: u32, vers: u32, proc_: u32, cred: &Auth) -> XdrResult<()> {
    enc.put_u32(xid)?;
    enc.put_u32(CALL)?;
    enc.put_u32(RPC_VERS)?;
    enc.put_u32(prog)?;
    enc.put_u32(vers)?;
    enc.put_u32(proc_)?;
    cred.encode(enc)?;
    enc.put_u32(AUTH_NONE)?;
    enc.put_u32(0)
}

/// Decodes a call header, leaving `dec` at the arguments.
pub fn decode_call(dec: &mut XdrDec<'_>) -> Result<CallHeader, RpcError> {
    let xid = dec.get_u32()?;
    if dec.get_u32()? != CALL {
        return Err(RpcError::BadMessage);
    }
    let rpcvers = dec.get_u32()?;
    let prog = dec.get_u32()?;
    let vers = dec.get_u32()?;
    let proc_ = dec.get_u32()?;
    let flavor = dec.get_u32()?;
    let body = dec.get_var_opaque(MAX_AUTH_BYTES)?;
    let _verf_flavor = dec.get_u32()?;
    let _verf = dec.get_var_opaque(MAX_AUTH_BYTES)?;
    let (cred, auth_stat) = match flavor {
        AUTH_NONE => (Auth::none(), 0),
        AUTH_SYS => match Auth::parse_sys(body) {
            Some(a) => (a, 0),
            None => (Auth::none(), AUTH_BADCRED),
        },
        _ => (Auth::none(), AUTH_REJECTEDCRED),
    };
    Ok(CallHeader { xid, rpcvers, prog, vers, proc_, cred, auth_stat })
}

/// What a reply says.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ReplyStat {
    /// Accepted; for `SUCCESS` the results follow.
    Accepted(AcceptStat),
    /// `MSG_DENIED`, RPC_MISMATCH with the supported range.
    RpcMismatch {
        /// Lowest supported RPC version.
        low: u32,
        /// Highest supported RPC version.
        high: u32,
    },
    /// `MSG_DENIED`, AUTH_ERROR with an `auth_stat`.
    AuthError(u32),
}

/// `accept_stat` with its data.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AcceptStat {
    /// Results follow.
    Success,
    /// PROG_UNAVAIL.
    ProgUnavail,
    /// PROG_MISMATCH with the supported version range.
    ProgMismatch {
        /// Lowest registered version.
        low: u32,
        /// Highest registered version.
        high: u32,
    },
    /// PROC_UNAVAIL.
    ProcUnavail,
    /// GARBAGE_ARGS.
    GarbageArgs,
    /// SYSTEM_ERR.
    SystemErr,
}

/// Encodes a reply header (for `Accepted(Success)`, the caller appends the results).
pub fn encode_reply(enc: &mut XdrEnc<'_>, xid: u32, stat: &ReplyStat) -> XdrResult<()> {
    enc.put_u32(xid)?;
    enc.put_u32(REPLY)?;
    match *stat {
        ReplyStat::Accepted(a) => {
            enc.put_u32(MSG_ACCEPTED)?;
            enc.put_u32(AUTH_NONE)?;
            enc.put_u32(0)?;
            match a {
                AcceptStat::Success => enc.put_u32(SUCCESS),
                AcceptStat::ProgUnavail => enc.put_u32(PROG_UNAVAIL),
                AcceptStat::ProgMismatch { low, high } => {
                    enc.put_u32(PROG_MISMATCH)?;
                    enc.put_u32(low)?;
                    enc.put_u32(high)
                }
                AcceptStat::ProcUnavail => enc.put_u32(PROC_UNAVAIL),
                AcceptStat::GarbageArgs => enc.put_u32(GARBAGE_ARGS),
                AcceptStat::SystemErr => enc.put_u32(SYSTEM_ERR),
            }
        }
        ReplyStat::RpcMismatch { low, high } => {
            enc.put_u32(MSG_DENIED)?;
            enc.put_u32(RPC_MISMATCH)?;
            enc.put_u32(low)?;
            enc.put_u32(high)
        }
        ReplyStat::AuthError(s) => {
            enc.put_u32(MSG_DENIED)?;
            enc.put_u32(AUTH_ERROR)?;
            enc.put_u32(s)
        }
    }
}

/// Decodes a reply header, leaving `dec` at the results of a successful reply.
pub fn decode_reply(dec: &mut XdrDec<'_>) -> Result<(u32, ReplyStat), RpcError> {
    let xid = dec.get_u32()?;
    if dec.get_u32()? != REPLY {
        return Err(RpcError::BadMessage);
    }
    let stat = match dec.get_u32()? {
        MSG_ACCEPTED => {
            let _verf_flavor = dec.get_u32()?;
            let _verf = dec.get_var_opaque(MAX_AUTH_BYTES)?;
            ReplyStat::Accepted(match dec.get_u32()? {
                SUCCESS => AcceptStat::Success,
                PROG_UNAVAIL => AcceptStat::ProgUnavail,
                PROG_MISMATCH => AcceptStat::ProgMismatch { low: dec.get_u32()?, high: dec.get_u32()? },
                PROC_UNAVAIL => AcceptStat::ProcUnavail,
                GARBAGE_ARGS => AcceptStat::GarbageArgs,
                SYSTEM_ERR => AcceptStat::SystemErr,
                _ => return Err(RpcError::BadMessage),
            })
        }
        MSG_DENIED => match dec.get_u32()? {
            RPC_MISMATCH => ReplyStat::RpcMismatch { low: dec.get_u32()?, high: dec.get_u32()? },
            AUTH_ERROR => ReplyStat::AuthError(dec.get_u32()?),
            _ => return Err(RpcError::BadMessage),
        },
        _ => return Err(RpcError::BadMessage),
    };
    Ok((xid, stat))
}

/// Sends the message at `buf[4..4 + len]` as one record, in fragments of at
/// most `max_frag` bytes. `buf[..4]` is scratch for the first fragment's mark,
/// so a message that fits one fragment goes out in a single write.
///
/// # Safety
/// The Xport is live.
pub unsafe fn write_record(x: &Xport, buf: &mut [u8], len: usize, max_frag: usize) -> Result<(), RpcError> {
    let max_frag = max_frag.clamp(1, (LAST_FRAG - 1) as usize);
    if len <= max_frag {
        buf[..4].copy_from_slice(&(LAST_FRAG | len as u32).to_be_bytes());
        // SAFETY: live Xport (caller).
        return unsafe { x.write_all(&buf[..4 + len]) };
    }
    let mut off = 0;
    while off < len {
        let chunk = (len - off).min(max_frag);
        let last = if off + chunk == len { LAST_FRAG } else { 0 };
        // SAFETY: live Xport (caller).
        unsafe {
            x.write_all(&(last | chunk as u32).to_be_bytes())?;
            x.write_all(&buf[4 + off..4 + off + chunk])?;
        }
        off += chunk;
    }
    Ok(())
}

/// Reads one record into `buf`; returns its length. `Err(Eof)` if the stream
/// ended at a record boundary; `RecordTooLarge` if it does not fit (the stream
/// is then out of step and should be closed).
///
/// # Safety
/// The Xport is live.
pub unsafe fn read_record(x: &Xport, buf: &mut [u8]) -> Result<usize, RpcError> {
    let mut total = 0usize;
    let mut first = true;
    loop {
        let mut mark = [0u8; 4];
        // SAFETY: live Xport (caller).
        if !unsafe { x.read_exact(&mut mark)? } {
            return Err(if first { RpcError::Eof } else { RpcError::Io(0) });
        }
        first = false;
        let m = u32::from_be_bytes(mark);
        let n = (m & !LAST_FRAG) as usize;
        if n > buf.len() - total {
            return Err(RpcError::RecordTooLarge);
        }
        // SAFETY: live Xport (caller).
        if !unsafe { x.read_exact(&mut buf[total..total + n])? } && n != 0 {
            return Err(RpcError::Io(0));
        }
        total += n;
        if m & LAST_FRAG != 0 {
            return Ok(total);
        }
    }
}
