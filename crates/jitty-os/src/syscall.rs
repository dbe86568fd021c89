//! The host's syscall stubs: every call loads `current->process->gft->NAME`
//! and calls through it, exactly the path a specialized slot will replace.
//!
//! `current` is a per-host-thread pointer set by [`crate::Task::enter`]. The
//! two field offsets on the way (`Thread.process`, `Process.gft`) come from
//! the kernel's own layout probe at boot. Every wrapper returns
//! `Result<_, Errno>`; the `raw` module exposes the unchecked pointer-level
//! calls (for tests of `EFAULT` and for benchmarks).

use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::abi::*;
use crate::image::HostGft;
use jitty_rt::guard::ThreadRecord;

/// A POSIX error number returned by the kernel.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Errno(pub i32);

impl std::fmt::Display for Errno {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "errno {}", self.0)
    }
}

impl std::error::Error for Errno {}

/// Result of a syscall.
pub type SysResult<T = isize> = Result<T, Errno>;

/// The calling host thread's kernel thread and its guard-runtime record,
/// in one thread-local so a stub reads both with one TLS access.
#[derive(Clone, Copy)]
struct Current {
    thread: *mut c_void,
    record: *const ThreadRecord,
}

thread_local! {
    static CURRENT: Cell<Current> =
        const { Cell::new(Current { thread: std::ptr::null_mut(), record: std::ptr::null() }) };
}

pub(crate) static OFF_THREAD_PROCESS: AtomicUsize = AtomicUsize::new(usize::MAX);
pub(crate) static OFF_PROCESS_GFT: AtomicUsize = AtomicUsize::new(usize::MAX);

/// The calling host thread's kernel thread (null if it entered no process).
#[inline(always)]
pub fn current() -> *mut c_void {
    CURRENT.with(|c| c.get().thread)
}

/// The calling thread's guard record (valid while `current()` is non-null).
#[inline(always)]
fn current_record() -> *const ThreadRecord {
    CURRENT.with(|c| c.get().record)
}

pub(crate) fn set_current(t: *mut c_void) -> *mut c_void {
    let record = if t.is_null() { std::ptr::null() } else { jitty_rt::guard::host::thread_record() };
    CURRENT.with(|c| c.replace(Current { thread: t, record }).thread)
}

/// The dispatch table of `t`'s process (`t->process->gft`).
///
/// # Safety
/// `t` is a live kernel thread and the kernel has booted.
#[inline(always)]
pub unsafe fn gft_of(t: *mut c_void) -> &'static HostGft {
    let op = OFF_THREAD_PROCESS.load(Ordering::Relaxed);
    let og = OFF_PROCESS_GFT.load(Ordering::Relaxed);
    // SAFETY: offsets from the kernel's layout probe; `t` is live and holds
    // its process, whose `gft` points to a static or runtime-owned table.
    unsafe {
        let p = *((t as *const u8).add(op) as *const *const u8);
        &**(p.add(og) as *const *const HostGft)
    }
}

/// Loads a dispatch slot atomically (a plug may store it concurrently):
/// its code address and the function it holds.
///
/// # Safety
/// `slot` is a word-sized, aligned field holding a function pointer.
#[inline(always)]
unsafe fn load_slot<F: Copy>(slot: &F) -> (usize, F) {
    const { assert!(size_of::<F>() == size_of::<usize>()) };
    // SAFETY: a function pointer is a naturally aligned word (caller), so it
    // may be viewed as an `AtomicUsize`; the loaded bits are a function
    // pointer of type `F`, stored by the kernel or by a plug.
    unsafe {
        let code = (*(slot as *const F as *const AtomicUsize)).load(Ordering::Acquire);
        (code, std::mem::transmute_copy(&code))
    }
}

/// Calls `current->process->gft->$name(t, args)` under the guard protocol
/// (ARCHITECTURE.md): the thread enters *before* it loads the slot (the
/// drain covers the load), records the code it runs, and leaves after the
/// call; when the kernel answers `ERESTARTNOINTR` the call is re-issued
/// through the slot, on whatever code the slot holds now.
macro_rules! dispatch {
    ($t:expr, $name:ident $(, $a:expr)*) => {{
        // SAFETY: a thread with a `current` has its record registered by
        // `set_current`, alive until the thread exits.
        let rec = unsafe { &*current_record() };
        loop {
            rec.enter();
            // SAFETY: the caller's `t` is this thread's live kernel thread
            // (the macro's contract); `gft->$name` is a function-pointer slot.
            let gft = unsafe { gft_of($t) };
            // SAFETY: as above.
            let (code, f) = unsafe { load_slot(&gft.$name) };
            rec.entered(&gft.$name as *const _ as usize, code);
            // SAFETY: a syscall entry of the kernel (or a plugged
            // specialization of one) called with the caller's arguments,
            // which the kernel checks as a kernel checks user arguments.
            let r = unsafe { f($t $(, $a)*) };
            rec.leave();
            if r as i64 != -(ERESTARTNOINTR as i64) {
                break r;
            }
        }
    }};
}

#[inline(always)]
fn cur() -> *mut c_void {
    current()
}

#[inline(always)]
fn res(r: isize) -> SysResult {
    if r < 0 { Err(Errno(-r as i32)) } else { Ok(r) }
}

/// Pointer-level calls through the GFT for the calling thread; results are
/// raw (`-errno` on failure). With no current thread they return -EFAULT.
pub mod raw {
    use super::*;

    macro_rules! raw_call {
        // A call through a slot that has a spec point: when a specialization
        // policy is on, the call goes through an out-of-line copy that
        // counts it afterwards (so the common path keeps nothing live
        // across the call).
        ($(#[$m:meta])* spec $name:ident($($a:ident : $t:ty),*) -> $r:ty) => {
            $(#[$m])*
            ///
            /// # Safety
            /// Pointer arguments are passed to the kernel unchecked by the host
            /// (the kernel checks them as a kernel checks user pointers).
            #[inline(always)]
            pub unsafe fn $name($($a: $t),*) -> $r {
                #[cold]
                #[inline(never)]
                unsafe fn counted(t: *mut c_void, $($a: $t),*) -> $r {
                    // dispatch! contract: `t` is this thread's live kernel thread.
                    let r = dispatch!(t, $name $(, $a)*);
                    crate::spec::policy::after_call(core::mem::offset_of!(HostGft, $name), &[$($a as u64),*]);
                    r
                }
                let t = cur();
                if t.is_null() {
                    return -(EFAULT as $r);
                }
                if crate::spec::policy::active() {
                    // SAFETY: as below; `t` is this thread's kernel thread.
                    return unsafe { counted(t, $($a),*) };
                }
                // dispatch! contract: `t` is this thread's live kernel thread.
                dispatch!(t, $name $(, $a)*)
            }
        };
        ($(#[$m:meta])* $name:ident($($a:ident : $t:ty),*) -> $r:ty) => {
            $(#[$m])*
            ///
            /// # Safety
            /// Pointer arguments are passed to the kernel unchecked by the host
            /// (the kernel checks them as a kernel checks user pointers).
            #[inline(always)]
            pub unsafe fn $name($($a: $t),*) -> $r {
                let t = cur();
                if t.is_null() {
                    return -(EFAULT as $r);
                }
                // dispatch! contract: `t` is this thread's live kernel thread.
                dispatch!(t, $name $(, $a)*)
            }
        };
    }

    raw_call!(
        /// `read`.
        spec read(fd: i32, buf: *mut u8, len: usize) -> isize
    );
    raw_call!(
        /// `write`.
        spec write(fd: i32, buf: *const u8, len: usize) -> isize
    );
    raw_call!(
        /// `pread`.
        pread(fd: i32, buf: *mut u8, len: usize, off: i64) -> isize
    );
    raw_call!(
        /// `pwrite`.
        pwrite(fd: i32, buf: *const u8, len: usize, off: i64) -> isize
    );
    raw_call!(
        /// `open`.
        open(path: *const u8, flags: u32, mode: u32) -> isize
    );
    raw_call!(
        /// `creat`.
        creat(path: *const u8, mode: u32) -> isize
    );
    raw_call!(
        /// `stat`.
        stat(path: *const u8, st: *mut Stat) -> isize
    );
    raw_call!(
        /// `fstat`.
        fstat(fd: i32, st: *mut Stat) -> isize
    );
    raw_call!(
        /// `unlink`.
        unlink(path: *const u8) -> isize
    );
    raw_call!(
        /// `mkdir`.
        mkdir(path: *const u8, mode: u32) -> isize
    );
    raw_call!(
        /// `getdents64`.
        getdents(fd: i32, buf: *mut u8, len: usize) -> isize
    );
    raw_call!(
        /// `pipe2`.
        pipe2(fds: *mut i32, flags: u32) -> isize
    );
    raw_call!(
        /// `sigaction`.
        sigaction(sig: i32, act: *const SigAction, old: *mut SigAction) -> isize
    );
    raw_call!(
        /// `sigprocmask`.
        sigprocmask(how: i32, set: *const SigSet, old: *mut SigSet) -> isize
    );
    raw_call!(
        /// `sigpending`.
        sigpending(set: *mut SigSet) -> isize
    );
    raw_call!(
        /// `wait4`.
        wait4(pid: Pid, status: *mut i32, options: i32) -> isize
    );
    raw_call!(
        /// `kill`.
        spec kill(pid: Pid, sig: i32) -> isize
    );
    raw_call!(
        /// `fcntl`.
        fcntl(fd: i32, cmd: i32, arg: u64) -> isize
    );
    raw_call!(
        /// `sigsuspend`.
        sigsuspend(mask: *const SigSet) -> isize
    );
    raw_call!(
        /// `sigtimedwait` (`timeout` null: `sigwaitinfo`).
        sigtimedwait(set: *const SigSet, info: *mut SigInfo, timeout: *const Timespec) -> isize
    );
    raw_call!(
        /// `sigwaitinfo`.
        sigwaitinfo(set: *const SigSet, info: *mut SigInfo) -> isize
    );
}

fn cpath(path: &str) -> Vec<u8> {
    let mut v = Vec::with_capacity(path.len() + 1);
    v.extend_from_slice(path.as_bytes());
    v.push(0);
    v
}

/// `read(fd, buf)`.
#[inline]
pub fn read(fd: i32, buf: &mut [u8]) -> SysResult<usize> {
    // SAFETY: a valid buffer.
    res(unsafe { raw::read(fd, buf.as_mut_ptr(), buf.len()) }).map(|n| n as usize)
}

/// `write(fd, buf)`.
#[inline]
pub fn write(fd: i32, buf: &[u8]) -> SysResult<usize> {
    // SAFETY: a valid buffer.
    res(unsafe { raw::write(fd, buf.as_ptr(), buf.len()) }).map(|n| n as usize)
}

/// `pread(fd, buf, off)`.
pub fn pread(fd: i32, buf: &mut [u8], off: i64) -> SysResult<usize> {
    // SAFETY: a valid buffer.
    res(unsafe { raw::pread(fd, buf.as_mut_ptr(), buf.len(), off) }).map(|n| n as usize)
}

/// `pwrite(fd, buf, off)`.
pub fn pwrite(fd: i32, buf: &[u8], off: i64) -> SysResult<usize> {
    // SAFETY: a valid buffer.
    res(unsafe { raw::pwrite(fd, buf.as_ptr(), buf.len(), off) }).map(|n| n as usize)
}

/// `open(path, flags, mode)`.
pub fn open(path: &str, flags: u32, mode: u32) -> SysResult<i32> {
    let p = cpath(path);
    // SAFETY: NUL-terminated path.
    res(unsafe { raw::open(p.as_ptr(), flags, mode) }).map(|n| n as i32)
}

/// `creat(path, mode)`.
pub fn creat(path: &str, mode: u32) -> SysResult<i32> {
    let p = cpath(path);
    // SAFETY: NUL-terminated path.
    res(unsafe { raw::creat(p.as_ptr(), mode) }).map(|n| n as i32)
}

macro_rules! simple {
    ($(#[$m:meta])* $name:ident($($a:ident : $t:ty),*)) => {
        $(#[$m])*
        pub fn $name($($a: $t),*) -> SysResult {
            let t = cur();
            if t.is_null() {
                return Err(Errno(EFAULT));
            }
            // dispatch! contract: `t` is this thread's live kernel thread.
            res(dispatch!(t, $name $(, $a)*) as isize)
        }
    };
}

simple!(
    /// `close(fd)`.
    close(fd: i32)
);
simple!(
    /// `lseek(fd, off, whence)`.
    lseek(fd: i32, off: i64, whence: i32)
);
simple!(
    /// `dup(fd)`.
    dup(fd: i32)
);
simple!(
    /// `dup2(old, new)`.
    dup2(old: i32, new: i32)
);
simple!(
    /// `fcntl(fd, cmd, arg)`.
    fcntl(fd: i32, cmd: i32, arg: u64)
);
/// `kill(pid, sig)`.
pub fn kill(pid: Pid, sig: i32) -> SysResult {
    // SAFETY: no pointer arguments.
    res(unsafe { raw::kill(pid, sig) })
}
simple!(
    /// `umask(mask)`: returns the old mask.
    umask(mask: u32)
);
simple!(
    /// `getpid()`.
    getpid()
);
simple!(
    /// `getppid()`.
    getppid()
);
simple!(
    /// `setuid(uid)`.
    setuid(uid: Uid)
);
simple!(
    /// `setgid(gid)`.
    setgid(gid: Gid)
);
simple!(
    /// `setresuid(r, e, s)` (`u32::MAX` = unchanged).
    setresuid(r: Uid, e: Uid, s: Uid)
);
simple!(
    /// `setresgid(r, e, s)` (`u32::MAX` = unchanged).
    setresgid(r: Gid, e: Gid, s: Gid)
);
simple!(
    /// `setsid()`.
    setsid()
);
simple!(
    /// `setpgid(pid, pgid)`.
    setpgid(pid: Pid, pgid: Pid)
);
simple!(
    /// `getpgid(pid)`.
    getpgid(pid: Pid)
);
simple!(
    /// `getsid(pid)`.
    getsid(pid: Pid)
);
simple!(
    /// `spawn()`: fork-like; returns the child's pid.
    spawn()
);
simple!(
    /// `exit(code)`: ends the calling process.
    exit(code: i32)
);

macro_rules! path_call {
    ($(#[$m:meta])* $name:ident($path:ident $(, $a:ident : $t:ty)*)) => {
        $(#[$m])*
        pub fn $name($path: &str $(, $a: $t)*) -> SysResult {
            let t = cur();
            if t.is_null() {
                return Err(Errno(EFAULT));
            }
            let p = cpath($path);
            // dispatch! contract: `t` is live; the path is NUL-terminated.
            res(dispatch!(t, $name, p.as_ptr() $(, $a)*))
        }
    };
}

path_call!(
    /// `unlink(path)`.
    unlink(path)
);
path_call!(
    /// `mkdir(path, mode)`.
    mkdir(path, mode: u32)
);
path_call!(
    /// `rmdir(path)`.
    rmdir(path)
);
path_call!(
    /// `chdir(path)`.
    chdir(path)
);
path_call!(
    /// `chmod(path, mode)`.
    chmod(path, mode: u32)
);

/// `rename(old, new)`.
pub fn rename(old: &str, new: &str) -> SysResult {
    let t = cur();
    if t.is_null() {
        return Err(Errno(EFAULT));
    }
    let (a, b) = (cpath(old), cpath(new));
    // dispatch! contract: `t` is live; both paths are NUL-terminated.
    res(dispatch!(t, rename, a.as_ptr(), b.as_ptr()))
}

/// `stat(path)`.
pub fn stat(path: &str) -> SysResult<Stat> {
    let p = cpath(path);
    let mut st = Stat::default();
    // SAFETY: valid path and out-parameter.
    res(unsafe { raw::stat(p.as_ptr(), &mut st) })?;
    Ok(st)
}

/// `fstat(fd)`.
pub fn fstat(fd: i32) -> SysResult<Stat> {
    let mut st = Stat::default();
    // SAFETY: valid out-parameter.
    res(unsafe { raw::fstat(fd, &mut st) })?;
    Ok(st)
}

/// `pipe2(flags)`: `[read end, write end]`.
pub fn pipe2(flags: u32) -> SysResult<[i32; 2]> {
    let mut fds = [-1i32; 2];
    // SAFETY: valid out-parameter.
    res(unsafe { raw::pipe2(fds.as_mut_ptr(), flags) })?;
    Ok(fds)
}

/// `pipe()`.
pub fn pipe() -> SysResult<[i32; 2]> {
    pipe2(0)
}

/// `sigaction(sig, act)`: returns the previous disposition.
pub fn sigaction(sig: i32, act: Option<&SigAction>) -> SysResult<SigAction> {
    let mut old = SigAction::default();
    let a = act.map_or(std::ptr::null(), |a| a as *const SigAction);
    // SAFETY: valid pointers.
    res(unsafe { raw::sigaction(sig, a, &mut old) })?;
    Ok(old)
}

/// Installs `handler` for `sig` with `mask` and `flags`.
pub fn signal(sig: i32, handler: extern "C" fn(i32), mask: SigSet, flags: u64) -> SysResult<SigAction> {
    sigaction(sig, Some(&SigAction { handler: handler as usize, flags, mask }))
}

/// `sigprocmask(how, set)`: returns the previous mask.
pub fn sigprocmask(how: i32, set: Option<SigSet>) -> SysResult<SigSet> {
    let mut old = 0;
    let s = set.as_ref().map_or(std::ptr::null(), |s| s as *const SigSet);
    // SAFETY: valid pointers.
    res(unsafe { raw::sigprocmask(how, s, &mut old) })?;
    Ok(old)
}

/// `sigpending()`.
pub fn sigpending() -> SysResult<SigSet> {
    let mut s = 0;
    // SAFETY: valid out-parameter.
    res(unsafe { raw::sigpending(&mut s) })?;
    Ok(s)
}

/// `sigsuspend(mask)`: waits with `mask` blocked until a handler ran;
/// always `Err(EINTR)`, with the old mask back.
pub fn sigsuspend(mask: SigSet) -> SysResult {
    // SAFETY: a valid pointer.
    res(unsafe { raw::sigsuspend(&mask) })
}

/// `pause()`: waits until a handler ran; always `Err(EINTR)`.
pub fn pause() -> SysResult {
    let t = cur();
    if t.is_null() {
        return Err(Errno(EFAULT));
    }
    // dispatch! contract: `t` is this thread's live kernel thread.
    res(dispatch!(t, pause))
}

/// `sigwaitinfo(set)`: takes a pending signal of `set`, waiting for one.
pub fn sigwaitinfo(set: SigSet) -> SysResult<SigInfo> {
    let mut info = SigInfo::default();
    // SAFETY: valid pointers.
    res(unsafe { raw::sigwaitinfo(&set, &mut info) })?;
    Ok(info)
}

/// `sigtimedwait(set, timeout)`: as [`sigwaitinfo`], `Err(EAGAIN)` once
/// `timeout` passed.
pub fn sigtimedwait(set: SigSet, timeout: Timespec) -> SysResult<SigInfo> {
    let mut info = SigInfo::default();
    // SAFETY: valid pointers.
    res(unsafe { raw::sigtimedwait(&set, &mut info, &timeout) })?;
    Ok(info)
}

/// `wait4(pid, options)`: `(pid, status)`.
pub fn wait4(pid: Pid, options: i32) -> SysResult<(Pid, i32)> {
    let mut st = 0;
    // SAFETY: valid out-parameter.
    let r = res(unsafe { raw::wait4(pid, &mut st, options) })?;
    Ok((r as Pid, st))
}

/// `getresuid()`.
pub fn getresuid() -> SysResult<(Uid, Uid, Uid)> {
    let t = cur();
    if t.is_null() {
        return Err(Errno(EFAULT));
    }
    let (mut a, mut b, mut c) = (0, 0, 0);
    // dispatch! contract: live thread, valid out-parameters.
    res(dispatch!(t, getresuid, &mut a, &mut b, &mut c))?;
    Ok((a, b, c))
}

/// `getresgid()`.
pub fn getresgid() -> SysResult<(Gid, Gid, Gid)> {
    let t = cur();
    if t.is_null() {
        return Err(Errno(EFAULT));
    }
    let (mut a, mut b, mut c) = (0, 0, 0);
    // dispatch! contract: live thread, valid out-parameters.
    res(dispatch!(t, getresgid, &mut a, &mut b, &mut c))?;
    Ok((a, b, c))
}

/// `getdents64(fd)` decoded: `(ino, type, name)` of each record returned by
/// one call with a `len`-byte buffer.
pub fn getdents(fd: i32, len: usize) -> SysResult<Vec<(u64, u8, String)>> {
    let mut buf = vec![0u8; len];
    // SAFETY: valid buffer.
    let n = res(unsafe { raw::getdents(fd, buf.as_mut_ptr(), len) })? as usize;
    let mut out = Vec::new();
    let mut off = 0;
    while off < n {
        let ino = u64::from_ne_bytes(buf[off..off + 8].try_into().unwrap_or([0; 8]));
        let reclen = u16::from_ne_bytes([buf[off + 16], buf[off + 17]]) as usize;
        let ty = buf[off + 18];
        let name_bytes = &buf[off + DIRENT_NAME_OFFSET..off + reclen];
        let end = name_bytes.iter().position(|&b| b == 0).unwrap_or(name_bytes.len());
        out.push((ino, ty, String::from_utf8_lossy(&name_bytes[..end]).into_owned()));
        if reclen == 0 {
            break;
        }
        off += reclen;
    }
    Ok(out)
}

/// `clone_thread()`: a new kernel thread of the caller's process, to hand to
/// another host thread with [`crate::Task::adopt`].
pub fn clone_thread() -> SysResult<crate::ThreadHandle> {
    let t = cur();
    if t.is_null() {
        return Err(Errno(EFAULT));
    }
    let mut out: *mut c_void = std::ptr::null_mut();
    // dispatch! contract: live thread, valid out-parameter.
    res(dispatch!(t, clone_thread, &mut out))?;
    Ok(crate::ThreadHandle(out))
}
