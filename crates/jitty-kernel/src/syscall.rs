//! The syscall layer: `extern "C"` entry points, the per-process dispatch
//! table (GFT), and the `ksys_*` implementations that sit between the entry
//! and the subsystems (`sys_write → ksys_write → vfs_write →
//! file->f_op->write → pipe_write`).
//!
//! Every entry takes the calling thread (`current`) first and returns a
//! result or `-errno`. The entry wrapper ([`syscall`]) accounts the thread as
//! inside the kernel, refuses calls from an exiting process (`-ESRCH`), runs
//! the body, then `exit_to_user` (signal delivery), then finishes a pending
//! exit if this was the last thread inside. A body interrupted before it
//! transferred anything returns `ERESTARTSYS`: after delivery the wrapper
//! returns `EINTR` if a handler without `SA_RESTART` ran, and otherwise
//! `ERESTARTNOINTR`, on which the host's stub re-issues the call through
//! the dispatch slot. The kernel never panics on any argument: user
//! pointers are checked (`access_ok`) and copied fault-tolerantly
//! (`EFAULT`), lengths clamped to
//! `MAX_RW_COUNT`, descriptors and signal numbers validated.

use core::ffi::c_void;
use core::sync::atomic::Ordering;

use crate::abi::*;
use crate::file::{self, FMODE_LSEEK, FMODE_PREAD, FMODE_READ, FMODE_WRITE, SETFL_MASK};
use crate::inode::iput;
use crate::kobj::{File, Process, Thread};
use crate::mm::{access_ok, copy_from_user, copy_to_user, strncpy_from_user};
use crate::process;
use crate::signal;
use crate::task;
use crate::vfs;

/// The kernel's view of the dispatch table (declared in `kobj`, below the
/// process it hangs off; this layer fills it in: [`GENERIC_GFT`]).
pub use crate::kobj::SyscallTable;

/// Result of a syscall body: a value or an errno.
pub type SysResult = Result<isize, i32>;

#[inline(always)]
fn ret(r: SysResult) -> isize {
    match r {
        Ok(v) => v,
        Err(e) => -(e as isize),
    }
}

/// The syscall entry/exit wrapper (Linux's `do_syscall_64` around the body:
/// enter, run, `exit_to_user_mode`).
///
/// A body interrupted before it did anything returns a restart code; after
/// signal delivery the wrapper turns it into `EINTR` or into
/// [`ERESTARTNOINTR`], which makes the host's stub re-issue the call through
/// the dispatch slot. The restart never happens in here: the code that runs
/// this wrapper may be a specialization whose facts changed meanwhile.
///
/// # Safety
/// `cur` is null or a live thread the calling host thread owns.
#[inline(always)]
pub unsafe fn syscall(cur: *mut Thread, body: impl FnOnce(&Thread) -> SysResult) -> isize {
    if cur.is_null() {
        return -(EFAULT as isize);
    }
    // SAFETY: the host passes its own live current thread.
    let t = unsafe { &*cur };
    let p = t.proc_();
    p.active.fetch_add(1, Ordering::SeqCst);
    if p.exiting() || t.detached.load(Ordering::Relaxed) != 0 {
        leave(p);
        return -(ESRCH as isize);
    }
    let mut r = ret(body(t));
    if is_restart(r) {
        r = restart_exit(t, r);
    } else if exit_work_pending(t) {
        signal::exit_to_user(t);
        t.restart.store(0, Ordering::Relaxed);
    }
    leave(p);
    r
}

#[inline(always)]
fn is_restart(r: isize) -> bool {
    (-(ERESTARTNOHAND as isize)..=-(ERESTARTSYS as isize)).contains(&r)
}

/// The exit of a body interrupted before it did anything: deliver signals,
/// then decide between `EINTR` and a restart through the slot (Linux's
/// `arch_do_signal_or_restart`).
#[cold]
fn restart_exit(t: &Thread, r: isize) -> isize {
    let ran = signal::deliver_signals(t);
    t.restart.store(0, Ordering::Relaxed);
    let eintr = match -r as i32 {
        ERESTARTSYS => ran & signal::RAN_NO_RESTART != 0,
        ERESTARTNOHAND => ran & signal::RAN_HANDLER != 0,
        _ => false,
    };
    if eintr || t.proc_().exiting() { -(EINTR as isize) } else { -(ERESTARTNOINTR as isize) }
}

#[inline(always)]
fn exit_work_pending(t: &Thread) -> bool {
    let p = t.proc_();
    let pend = t.pending.load(Ordering::Relaxed) | p.shared_pending.load(Ordering::Relaxed);
    pend & !t.blocked.load(Ordering::Relaxed) != 0
        || p.flags.load(Ordering::Relaxed) & (task::PF_STOPPED | task::PF_EXITING) != 0
        || t.must_restart()
}

#[inline(always)]
fn leave(p: &Process) {
    p.active.fetch_sub(1, Ordering::SeqCst);
    if p.exiting() {
        signal::finish_exit(p);
    }
}

macro_rules! entry {
    ($(#[$m:meta])* fn $name:ident($($a:ident : $t:ty),*) -> $r:ty = $ksys:ident) => {
        $(#[$m])*
        ///
        /// # Safety
        /// `cur` is null (-EFAULT) or the calling host thread's own live
        /// `current`; pointer arguments are user pointers the kernel checks.
        #[unsafe(no_mangle)]
        pub unsafe extern "C" fn $name(cur: *mut Thread $(, $a: $t)*) -> $r {
            // SAFETY: the host passes its own current thread.
            (unsafe { syscall(cur, |t| $ksys(t $(, $a)*)) }) as $r
        }
    };
}

entry!(
    /// `read(fd, buf, len)`.
    fn jk_sys_read(fd: i32, buf: *mut u8, len: usize) -> isize = ksys_read
);
entry!(
    /// `write(fd, buf, len)`.
    fn jk_sys_write(fd: i32, buf: *const u8, len: usize) -> isize = ksys_write
);
entry!(
    /// `pread(fd, buf, len, off)`.
    fn jk_sys_pread(fd: i32, buf: *mut u8, len: usize, off: i64) -> isize = ksys_pread
);
entry!(
    /// `pwrite(fd, buf, len, off)`.
    fn jk_sys_pwrite(fd: i32, buf: *const u8, len: usize, off: i64) -> isize = ksys_pwrite
);
entry!(
    /// `open(path, flags, mode)`.
    fn jk_sys_open(path: *const u8, flags: u32, mode: u32) -> isize = ksys_open
);
entry!(
    /// `creat(path, mode)`.
    fn jk_sys_creat(path: *const u8, mode: u32) -> isize = ksys_creat
);
entry!(
    /// `close(fd)`.
    fn jk_sys_close(fd: i32) -> isize = ksys_close
);
entry!(
    /// `lseek(fd, off, whence)`.
    fn jk_sys_lseek(fd: i32, off: i64, whence: i32) -> i64 = ksys_lseek
);
entry!(
    /// `dup(fd)`.
    fn jk_sys_dup(fd: i32) -> isize = ksys_dup
);
entry!(
    /// `dup2(old, new)`.
    fn jk_sys_dup2(old: i32, new: i32) -> isize = ksys_dup2
);
entry!(
    /// `fcntl(fd, cmd, arg)`.
    fn jk_sys_fcntl(fd: i32, cmd: i32, arg: u64) -> isize = ksys_fcntl
);
entry!(
    /// `fstat(fd, st)`.
    fn jk_sys_fstat(fd: i32, st: *mut Stat) -> isize = ksys_fstat
);
entry!(
    /// `stat(path, st)`.
    fn jk_sys_stat(path: *const u8, st: *mut Stat) -> isize = ksys_stat
);
entry!(
    /// `unlink(path)`.
    fn jk_sys_unlink(path: *const u8) -> isize = ksys_unlink
);
entry!(
    /// `mkdir(path, mode)`.
    fn jk_sys_mkdir(path: *const u8, mode: u32) -> isize = ksys_mkdir
);
entry!(
    /// `rmdir(path)`.
    fn jk_sys_rmdir(path: *const u8) -> isize = ksys_rmdir
);
entry!(
    /// `rename(old, new)`.
    fn jk_sys_rename(old: *const u8, new: *const u8) -> isize = ksys_rename
);
entry!(
    /// `getdents64(fd, buf, len)`.
    fn jk_sys_getdents(fd: i32, buf: *mut u8, len: usize) -> isize = ksys_getdents
);
entry!(
    /// `chdir(path)`.
    fn jk_sys_chdir(path: *const u8) -> isize = ksys_chdir
);
entry!(
    /// `chmod(path, mode)`.
    fn jk_sys_chmod(path: *const u8, mode: u32) -> isize = ksys_chmod
);
entry!(
    /// `umask(mask)`.
    fn jk_sys_umask(mask: u32) -> isize = ksys_umask
);
entry!(
    /// `pipe2(fds, flags)`.
    fn jk_sys_pipe2(fds: *mut i32, flags: u32) -> isize = ksys_pipe2
);
entry!(
    /// `kill(pid, sig)`.
    fn jk_sys_kill(pid: Pid, sig: i32) -> isize = ksys_kill
);
entry!(
    /// `sigaction(sig, act, oldact)`.
    fn jk_sys_sigaction(sig: i32, act: *const SigAction, old: *mut SigAction) -> isize = ksys_sigaction
);
entry!(
    /// `sigprocmask(how, set, oldset)`.
    fn jk_sys_sigprocmask(how: i32, set: *const SigSet, old: *mut SigSet) -> isize = ksys_sigprocmask
);
entry!(
    /// `sigpending(set)`.
    fn jk_sys_sigpending(set: *mut SigSet) -> isize = ksys_sigpending
);
entry!(
    /// `getpid()`.
    fn jk_sys_getpid() -> isize = ksys_getpid
);
entry!(
    /// `getppid()`.
    fn jk_sys_getppid() -> isize = ksys_getppid
);
entry!(
    /// `getresuid(r, e, s)`.
    fn jk_sys_getresuid(r: *mut Uid, e: *mut Uid, s: *mut Uid) -> isize = ksys_getresuid
);
entry!(
    /// `getresgid(r, e, s)`.
    fn jk_sys_getresgid(r: *mut Gid, e: *mut Gid, s: *mut Gid) -> isize = ksys_getresgid
);
entry!(
    /// `setuid(uid)`.
    fn jk_sys_setuid(uid: Uid) -> isize = ksys_setuid
);
entry!(
    /// `setgid(gid)`.
    fn jk_sys_setgid(gid: Gid) -> isize = ksys_setgid
);
entry!(
    /// `setresuid(r, e, s)`.
    fn jk_sys_setresuid(r: Uid, e: Uid, s: Uid) -> isize = ksys_setresuid
);
entry!(
    /// `setresgid(r, e, s)`.
    fn jk_sys_setresgid(r: Gid, e: Gid, s: Gid) -> isize = ksys_setresgid
);
entry!(
    /// `setsid()`.
    fn jk_sys_setsid() -> isize = ksys_setsid
);
entry!(
    /// `setpgid(pid, pgid)`.
    fn jk_sys_setpgid(pid: Pid, pgid: Pid) -> isize = ksys_setpgid
);
entry!(
    /// `getpgid(pid)`.
    fn jk_sys_getpgid(pid: Pid) -> isize = ksys_getpgid
);
entry!(
    /// `getsid(pid)`.
    fn jk_sys_getsid(pid: Pid) -> isize = ksys_getsid
);
entry!(
    /// `spawn()`: fork-like; returns the child's pid.
    fn jk_sys_spawn() -> isize = ksys_spawn
);
entry!(
    /// `exit(code)`: ends the whole process.
    fn jk_sys_exit(code: i32) -> isize = ksys_exit
);
entry!(
    /// `wait4(pid, status, options)`.
    fn jk_sys_wait4(pid: Pid, status: *mut i32, options: i32) -> isize = ksys_wait4
);
entry!(
    /// `clone_thread(out)`: creates a thread of the caller's process.
    fn jk_sys_clone_thread(out: *mut *mut Thread) -> isize = ksys_clone_thread
);
entry!(
    /// `sigsuspend(mask)`.
    fn jk_sys_sigsuspend(mask: *const SigSet) -> isize = ksys_sigsuspend
);
entry!(
    /// `pause()`.
    fn jk_sys_pause() -> isize = ksys_pause
);
entry!(
    /// `sigwaitinfo(set, info)`.
    fn jk_sys_sigwaitinfo(set: *const SigSet, info: *mut SigInfo) -> isize = ksys_sigwaitinfo
);
entry!(
    /// `sigtimedwait(set, info, timeout)`.
    fn jk_sys_sigtimedwait(set: *const SigSet, info: *mut SigInfo, timeout: *const Timespec) -> isize = ksys_sigtimedwait
);

/// The generic dispatch table every process starts with.
#[unsafe(no_mangle)]
pub static GENERIC_GFT: SyscallTable = SyscallTable {
    read: jk_sys_read,
    write: jk_sys_write,
    pread: jk_sys_pread,
    pwrite: jk_sys_pwrite,
    open: jk_sys_open,
    creat: jk_sys_creat,
    close: jk_sys_close,
    lseek: jk_sys_lseek,
    dup: jk_sys_dup,
    dup2: jk_sys_dup2,
    fcntl: jk_sys_fcntl,
    fstat: jk_sys_fstat,
    stat: jk_sys_stat,
    unlink: jk_sys_unlink,
    mkdir: jk_sys_mkdir,
    rmdir: jk_sys_rmdir,
    rename: jk_sys_rename,
    getdents: jk_sys_getdents,
    chdir: jk_sys_chdir,
    chmod: jk_sys_chmod,
    umask: jk_sys_umask,
    pipe2: jk_sys_pipe2,
    kill: jk_sys_kill,
    sigaction: jk_sys_sigaction,
    sigprocmask: jk_sys_sigprocmask,
    sigpending: jk_sys_sigpending,
    getpid: jk_sys_getpid,
    getppid: jk_sys_getppid,
    getresuid: jk_sys_getresuid,
    getresgid: jk_sys_getresgid,
    setuid: jk_sys_setuid,
    setgid: jk_sys_setgid,
    setresuid: jk_sys_setresuid,
    setresgid: jk_sys_setresgid,
    setsid: jk_sys_setsid,
    setpgid: jk_sys_setpgid,
    getpgid: jk_sys_getpgid,
    getsid: jk_sys_getsid,
    spawn: jk_sys_spawn,
    exit: jk_sys_exit,
    wait4: jk_sys_wait4,
    clone_thread: jk_sys_clone_thread,
    sigsuspend: jk_sys_sigsuspend,
    pause: jk_sys_pause,
    sigwaitinfo: jk_sys_sigwaitinfo,
    sigtimedwait: jk_sys_sigtimedwait,
};

// --- read/write -----------------------------------------------------------------

/// Holds a file for a read/write: the lookup plus the position lock when the
/// file is shared (Linux `fdget_pos`).
struct PosFd<'a> {
    fd: file::Fd,
    _pos_guard: Option<crate::sync::MutexGuard<'a, ()>>,
}

fn fdget_pos<'a>(t: &Thread, fd: i32) -> Result<PosFd<'a>, i32> {
    let f = file::fdget(t.proc_().files(), fd)?;
    // SAFETY: the lookup keeps the file alive while `PosFd` lives.
    let fr: &'a File = unsafe { &*f.file };
    let guard = if fr.f_mode.get() & FMODE_LSEEK != 0 && fr.f_count.load(Ordering::Relaxed) > 1 {
        Some(fr.f_pos_lock.lock())
    } else {
        None
    };
    Ok(PosFd { fd: f, _pos_guard: guard })
}

impl PosFd<'_> {
    fn file(&self) -> &File {
        // SAFETY: the lookup keeps the file alive.
        unsafe { &*self.fd.file }
    }
    fn done(self) {
        let PosFd { fd, _pos_guard } = self;
        drop(_pos_guard);
        file::fdput(fd);
    }
}

/// `vfs_read`: mode, op presence, user range, length clamp; then `f_op->read`.
pub fn vfs_read(t: &Thread, f: &File, buf: *mut u8, len: usize, pos: *mut i64) -> SysResult {
    if f.f_mode.get() & FMODE_READ == 0 {
        return Err(EBADF);
    }
    let Some(read) = f.ops().read else {
        // SAFETY: the file references its inode.
        return Err(if unsafe { &*f.f_inode.get() }.is_dir() { EISDIR } else { EINVAL });
    };
    if !access_ok(buf as usize, len) {
        return Err(EFAULT);
    }
    let len = len.min(MAX_RW_COUNT);
    // SAFETY: VFS contract established above.
    let r = unsafe { read(f as *const File as *mut File, t as *const Thread as *mut Thread, buf, len, pos) };
    if r < 0 { Err(-r as i32) } else { Ok(r) }
}

/// `vfs_write`: mode, op presence, user range, length clamp; then `f_op->write`.
pub fn vfs_write(t: &Thread, f: &File, buf: *const u8, len: usize, pos: *mut i64) -> SysResult {
    if f.f_mode.get() & FMODE_WRITE == 0 {
        return Err(EBADF);
    }
    let Some(write) = f.ops().write else {
        return Err(EINVAL);
    };
    if !access_ok(buf as usize, len) {
        return Err(EFAULT);
    }
    let len = len.min(MAX_RW_COUNT);
    // SAFETY: VFS contract established above.
    let r = unsafe { write(f as *const File as *mut File, t as *const Thread as *mut Thread, buf, len, pos) };
    if r < 0 { Err(-r as i32) } else { Ok(r) }
}

/// `ksys_read`.
pub fn ksys_read(t: &Thread, fd: i32, buf: *mut u8, len: usize) -> SysResult {
    let h = fdget_pos(t, fd)?;
    let f = h.file();
    let r = if f.f_mode.get() & FMODE_LSEEK != 0 {
        // SAFETY: position serialized by fdget_pos.
        let mut pos = unsafe { *f.f_pos.get() };
        let r = vfs_read(t, f, buf, len, &mut pos);
        if r.is_ok() {
            // SAFETY: as above.
            unsafe { *f.f_pos.get() = pos };
        }
        r
    } else {
        vfs_read(t, f, buf, len, core::ptr::null_mut())
    };
    h.done();
    r
}

/// `ksys_write`.
pub fn ksys_write(t: &Thread, fd: i32, buf: *const u8, len: usize) -> SysResult {
    let h = fdget_pos(t, fd)?;
    let f = h.file();
    let r = if f.f_mode.get() & FMODE_LSEEK != 0 {
        // SAFETY: position serialized by fdget_pos.
        let mut pos = unsafe { *f.f_pos.get() };
        let r = vfs_write(t, f, buf, len, &mut pos);
        if r.is_ok() {
            // SAFETY: as above.
            unsafe { *f.f_pos.get() = pos };
        }
        r
    } else {
        vfs_write(t, f, buf, len, core::ptr::null_mut())
    };
    h.done();
    r
}

/// `ksys_pread64`.
pub fn ksys_pread(t: &Thread, fd: i32, buf: *mut u8, len: usize, off: i64) -> SysResult {
    if off < 0 {
        return Err(EINVAL);
    }
    let h = file::fdget(t.proc_().files(), fd)?;
    // SAFETY: the lookup keeps the file alive.
    let f = unsafe { &*h.file };
    let mut pos = off;
    let r = if f.f_mode.get() & FMODE_PREAD == 0 { Err(ESPIPE) } else { vfs_read(t, f, buf, len, &mut pos) };
    file::fdput(h);
    r
}

/// `ksys_pwrite64`.
pub fn ksys_pwrite(t: &Thread, fd: i32, buf: *const u8, len: usize, off: i64) -> SysResult {
    if off < 0 {
        return Err(EINVAL);
    }
    let h = file::fdget(t.proc_().files(), fd)?;
    // SAFETY: the lookup keeps the file alive.
    let f = unsafe { &*h.file };
    let mut pos = off;
    let r = if f.f_mode.get() & FMODE_PREAD == 0 { Err(ESPIPE) } else { vfs_write(t, f, buf, len, &mut pos) };
    file::fdput(h);
    r
}

/// `ksys_lseek`.
pub fn ksys_lseek(t: &Thread, fd: i32, off: i64, whence: i32) -> SysResult {
    let h = fdget_pos(t, fd)?;
    let f = h.file();
    let r = match f.ops().llseek {
        _ if !(SEEK_SET..=SEEK_END).contains(&whence) => Err(EINVAL),
        None => Err(ESPIPE),
        Some(seek) => {
            // SAFETY: live file; position serialized by fdget_pos.
            let n = unsafe { seek(f as *const File as *mut File, off, whence) };
            if n < 0 { Err(-n as i32) } else { Ok(n as isize) }
        }
    };
    h.done();
    r
}

// --- paths -------------------------------------------------------------------

fn getname(path: *const u8, buf: &mut [u8; PATH_MAX]) -> Result<usize, i32> {
    // SAFETY: strncpy_from_user checks the user range and tolerates faults.
    let n = unsafe { strncpy_from_user(&mut buf[..], path) }?;
    if n == 0 { Err(ENOENT) } else { Ok(n) }
}

/// `ksys_open`.
pub fn ksys_open(t: &Thread, path: *const u8, flags: u32, mode: u32) -> SysResult {
    let mut buf = [0u8; PATH_MAX];
    let n = getname(path, &mut buf)?;
    let p = t.proc_();
    let f = vfs::do_open(p, &buf[..n], flags, mode)?;
    let fd = file::fd_alloc_install(p.files(), 0, f, flags & O_CLOEXEC != 0)?;
    Ok(fd as isize)
}

/// `ksys_creat`: `open(path, O_CREAT | O_WRONLY | O_TRUNC, mode)`.
pub fn ksys_creat(t: &Thread, path: *const u8, mode: u32) -> SysResult {
    ksys_open(t, path, O_CREAT | O_WRONLY | O_TRUNC, mode)
}

/// `ksys_close`.
pub fn ksys_close(t: &Thread, fd: i32) -> SysResult {
    let f = file::fd_remove(t.proc_().files(), fd)?;
    // SAFETY: the table's reference moved to us.
    unsafe { file::fput(f) };
    Ok(0)
}

/// `ksys_dup`.
pub fn ksys_dup(t: &Thread, fd: i32) -> SysResult {
    let files = t.proc_().files();
    let h = file::fdget(files, fd)?;
    file::get_file(h.file);
    let f = h.file;
    file::fdput(h);
    Ok(file::fd_alloc_install(files, 0, f, false)? as isize)
}

/// `ksys_dup2`.
pub fn ksys_dup2(t: &Thread, old: i32, new: i32) -> SysResult {
    let files = t.proc_().files();
    if old == new {
        let h = file::fdget(files, old)?;
        file::fdput(h);
        return Ok(new as isize);
    }
    let displaced = file::fd_dup_to(files, old, new, false)?;
    if !displaced.is_null() {
        // SAFETY: the displaced table reference is ours.
        unsafe { file::fput(displaced) };
    }
    Ok(new as isize)
}

/// `ksys_fcntl`.
pub fn ksys_fcntl(t: &Thread, fd: i32, cmd: i32, arg: u64) -> SysResult {
    let files = t.proc_().files();
    match cmd {
        F_DUPFD | F_DUPFD_CLOEXEC => {
            let h = file::fdget(files, fd)?;
            if arg >= NR_OPEN_DEFAULT as u64 {
                file::fdput(h);
                return Err(EINVAL);
            }
            file::get_file(h.file);
            let f = h.file;
            file::fdput(h);
            Ok(file::fd_alloc_install(files, arg as u32, f, cmd == F_DUPFD_CLOEXEC)? as isize)
        }
        F_GETFD => Ok(file::fd_get_cloexec(files, fd)? as isize),
        F_SETFD => {
            file::fd_set_cloexec(files, fd, arg & FD_CLOEXEC != 0)?;
            Ok(0)
        }
        F_GETFL => {
            let h = file::fdget(files, fd)?;
            // SAFETY: the lookup keeps the file alive.
            let fl = unsafe { &*h.file }.f_flags.get();
            file::fdput(h);
            Ok(fl as isize)
        }
        F_SETFL => {
            let h = file::fdget(files, fd)?;
            // SAFETY: the lookup keeps the file alive.
            let f = unsafe { &*h.file };
            {
                let w = f.deps.prepare();
                let _g = f.f_lock.lock();
                let new = (f.f_flags.get() & !SETFL_MASK) | (arg as u32 & SETFL_MASK);
                f.f_flags.store(&w, new);
            }
            file::fdput(h);
            Ok(0)
        }
        _ => {
            // As Linux: a bad descriptor is EBADF whatever the command.
            file::fdput(file::fdget(files, fd)?);
            Err(EINVAL)
        }
    }
}

fn put_user<T: Copy>(dst: *mut T, v: T) -> Result<(), i32> {
    if !access_ok(dst as usize, core::mem::size_of::<T>()) || !(dst as usize).is_multiple_of(core::mem::align_of::<T>())
    {
        return Err(EFAULT);
    }
    // SAFETY: checked user range; the copy tolerates unmapped memory.
    if unsafe { copy_to_user(dst as *mut u8, &v as *const T as *const u8, core::mem::size_of::<T>()) } != 0 {
        return Err(EFAULT);
    }
    Ok(())
}

fn get_user<T: Copy>(src: *const T) -> Result<T, i32> {
    if !access_ok(src as usize, core::mem::size_of::<T>()) || !(src as usize).is_multiple_of(core::mem::align_of::<T>())
    {
        return Err(EFAULT);
    }
    let mut v = core::mem::MaybeUninit::<T>::uninit();
    // SAFETY: checked user range; the copy tolerates unmapped memory.
    if unsafe { copy_from_user(v.as_mut_ptr() as *mut u8, src as *const u8, core::mem::size_of::<T>()) } != 0 {
        return Err(EFAULT);
    }
    // SAFETY: every byte was copied; `T: Copy` types crossing the ABI are plain data.
    Ok(unsafe { v.assume_init() })
}

/// `ksys_fstat`.
pub fn ksys_fstat(t: &Thread, fd: i32, st: *mut Stat) -> SysResult {
    let h = file::fdget(t.proc_().files(), fd)?;
    // SAFETY: the lookup keeps the file and its inode alive.
    let s = vfs::fill_stat(unsafe { &*(*h.file).f_inode.get() });
    file::fdput(h);
    put_user(st, s)?;
    Ok(0)
}

/// `ksys_stat`.
pub fn ksys_stat(t: &Thread, path: *const u8, st: *mut Stat) -> SysResult {
    let mut buf = [0u8; PATH_MAX];
    let n = getname(path, &mut buf)?;
    let i = vfs::path_lookup(t.proc_(), &buf[..n])?;
    // SAFETY: referenced.
    let s = vfs::fill_stat(unsafe { &*i });
    // SAFETY: our reference.
    unsafe { iput(i) };
    put_user(st, s)?;
    Ok(0)
}

/// `ksys_unlink`.
pub fn ksys_unlink(t: &Thread, path: *const u8) -> SysResult {
    let mut buf = [0u8; PATH_MAX];
    let n = getname(path, &mut buf)?;
    vfs::do_unlink(t.proc_(), &buf[..n]).map(|_| 0)
}

/// `ksys_mkdir`.
pub fn ksys_mkdir(t: &Thread, path: *const u8, mode: u32) -> SysResult {
    let mut buf = [0u8; PATH_MAX];
    let n = getname(path, &mut buf)?;
    vfs::do_mkdir(t.proc_(), &buf[..n], mode).map(|_| 0)
}

/// `ksys_rmdir`.
pub fn ksys_rmdir(t: &Thread, path: *const u8) -> SysResult {
    let mut buf = [0u8; PATH_MAX];
    let n = getname(path, &mut buf)?;
    vfs::do_rmdir(t.proc_(), &buf[..n]).map(|_| 0)
}

/// `ksys_rename`.
pub fn ksys_rename(t: &Thread, old: *const u8, new: *const u8) -> SysResult {
    let mut a = [0u8; PATH_MAX];
    let na = getname(old, &mut a)?;
    let mut b = [0u8; PATH_MAX];
    let nb = getname(new, &mut b)?;
    vfs::do_rename(t.proc_(), &a[..na], &b[..nb]).map(|_| 0)
}

/// `ksys_getdents64`.
pub fn ksys_getdents(t: &Thread, fd: i32, buf: *mut u8, len: usize) -> SysResult {
    let h = fdget_pos(t, fd)?;
    let f = h.file();
    let r = match f.ops().iterate {
        None => Err(ENOTDIR),
        Some(_) if !access_ok(buf as usize, len) => Err(EFAULT),
        Some(it) => {
            // SAFETY: live directory file; checked user buffer; position serialized.
            let n = unsafe { it(f as *const File as *mut File, buf, len.min(MAX_RW_COUNT)) };
            if n < 0 { Err(-n as i32) } else { Ok(n) }
        }
    };
    h.done();
    r
}

/// `ksys_chdir`.
pub fn ksys_chdir(t: &Thread, path: *const u8) -> SysResult {
    let mut buf = [0u8; PATH_MAX];
    let n = getname(path, &mut buf)?;
    vfs::do_chdir(t.proc_(), &buf[..n]).map(|_| 0)
}

/// `ksys_chmod`.
pub fn ksys_chmod(t: &Thread, path: *const u8, mode: u32) -> SysResult {
    let mut buf = [0u8; PATH_MAX];
    let n = getname(path, &mut buf)?;
    vfs::do_chmod(t.proc_(), &buf[..n], mode).map(|_| 0)
}

/// `ksys_umask`: returns the old mask.
pub fn ksys_umask(t: &Thread, mask: u32) -> SysResult {
    Ok(t.proc_().umask.swap(mask & 0o777, Ordering::Relaxed) as isize)
}

/// `ksys_pipe2`.
pub fn ksys_pipe2(t: &Thread, fds: *mut i32, flags: u32) -> SysResult {
    if flags & !(O_NONBLOCK | O_CLOEXEC) != 0 {
        return Err(EINVAL);
    }
    if !access_ok(fds as usize, 8) || !(fds as usize).is_multiple_of(4) {
        return Err(EFAULT);
    }
    let p = t.proc_();
    let (r, w) = crate::pipe::create_pipe(p.euid.get(), p.egid.get(), flags)?;
    let files = p.files();
    let cloexec = flags & O_CLOEXEC != 0;
    let rfd = match file::fd_alloc_install(files, 0, r, cloexec) {
        Ok(fd) => fd,
        Err(e) => {
            // SAFETY: our reference to the write end.
            unsafe { file::fput(w) };
            return Err(e);
        }
    };
    let wfd = match file::fd_alloc_install(files, 0, w, cloexec) {
        Ok(fd) => fd,
        Err(e) => {
            let _ = ksys_close(t, rfd);
            return Err(e);
        }
    };
    if let Err(e) = put_user(fds as *mut [i32; 2], [rfd, wfd]) {
        let _ = ksys_close(t, rfd);
        let _ = ksys_close(t, wfd);
        return Err(e);
    }
    Ok(0)
}

// --- signals -----------------------------------------------------------------

/// `ksys_kill`.
pub fn ksys_kill(t: &Thread, pid: Pid, sig: i32) -> SysResult {
    signal::kill_something_info(t, pid, sig).map(|_| 0)
}

/// `ksys_sigaction`.
pub fn ksys_sigaction(t: &Thread, sig: i32, act: *const SigAction, old: *mut SigAction) -> SysResult {
    let new = if act.is_null() { None } else { Some(get_user(act)?) };
    if !old.is_null() && !access_ok(old as usize, core::mem::size_of::<SigAction>()) {
        return Err(EFAULT);
    }
    let prev = signal::do_sigaction(t.proc_(), sig, new)?;
    if !old.is_null() {
        put_user(old, prev)?;
    }
    Ok(0)
}

/// `ksys_sigprocmask`.
pub fn ksys_sigprocmask(t: &Thread, how: i32, set: *const SigSet, old: *mut SigSet) -> SysResult {
    let new = if set.is_null() { None } else { Some(get_user(set)?) };
    if !old.is_null() && !access_ok(old as usize, 8) {
        return Err(EFAULT);
    }
    let prev = signal::do_sigprocmask(t, how, new)?;
    if !old.is_null() {
        put_user(old, prev)?;
    }
    Ok(0)
}

/// `ksys_sigpending`.
pub fn ksys_sigpending(t: &Thread, set: *mut SigSet) -> SysResult {
    put_user(set, signal::do_sigpending(t))?;
    Ok(0)
}

/// `ksys_sigsuspend`.
pub fn ksys_sigsuspend(t: &Thread, mask: *const SigSet) -> SysResult {
    let m = get_user(mask)?;
    Err(signal::do_sigsuspend(t, m))
}

/// `ksys_pause`: `sigsuspend` with the current mask.
pub fn ksys_pause(t: &Thread) -> SysResult {
    Err(signal::do_sigsuspend(t, t.blocked.load(Ordering::Relaxed)))
}

/// `ksys_sigwaitinfo`.
pub fn ksys_sigwaitinfo(t: &Thread, set: *const SigSet, info: *mut SigInfo) -> SysResult {
    ksys_sigtimedwait(t, set, info, core::ptr::null())
}

/// `ksys_sigtimedwait`: `EINVAL` for a negative or denormal timeout.
pub fn ksys_sigtimedwait(t: &Thread, set: *const SigSet, info: *mut SigInfo, timeout: *const Timespec) -> SysResult {
    let s = get_user(set)?;
    let limit = if timeout.is_null() {
        None
    } else {
        let ts = get_user(timeout)?;
        if ts.tv_sec < 0 || !(0..1_000_000_000).contains(&ts.tv_nsec) {
            return Err(EINVAL);
        }
        Some((ts.tv_sec as u64).saturating_mul(1_000_000_000).saturating_add(ts.tv_nsec as u64))
    };
    let si = signal::do_sigtimedwait(t, s, limit)?;
    if !info.is_null() {
        put_user(info, si)?;
    }
    Ok(si.si_signo as isize)
}

// --- processes and credentials ------------------------------------------------

/// `getpid`.
pub fn ksys_getpid(t: &Thread) -> SysResult {
    Ok(t.proc_().pid.get() as isize)
}

/// `getppid`.
pub fn ksys_getppid(t: &Thread) -> SysResult {
    let _g = task::TASKLIST.read();
    let pp = t.proc_().parent.load(core::sync::atomic::Ordering::Acquire);
    // SAFETY: the parent is live while linked (tasklist lock held).
    Ok(if pp.is_null() { 0 } else { (unsafe { (*pp).pid.get() }) as isize })
}

/// `getresuid`.
pub fn ksys_getresuid(t: &Thread, r: *mut Uid, e: *mut Uid, s: *mut Uid) -> SysResult {
    let p = t.proc_();
    put_user(r, p.uid.get())?;
    put_user(e, p.euid.get())?;
    put_user(s, p.suid.get())?;
    Ok(0)
}

/// `getresgid`.
pub fn ksys_getresgid(t: &Thread, r: *mut Gid, e: *mut Gid, s: *mut Gid) -> SysResult {
    let p = t.proc_();
    put_user(r, p.gid.get())?;
    put_user(e, p.egid.get())?;
    put_user(s, p.sgid.get())?;
    Ok(0)
}

/// `setuid`.
pub fn ksys_setuid(t: &Thread, uid: Uid) -> SysResult {
    task::cred::setuid(t.proc_(), uid).map(|_| 0)
}

/// `setgid`.
pub fn ksys_setgid(t: &Thread, gid: Gid) -> SysResult {
    task::cred::setgid(t.proc_(), gid).map(|_| 0)
}

/// `setresuid`.
pub fn ksys_setresuid(t: &Thread, r: Uid, e: Uid, s: Uid) -> SysResult {
    task::cred::setresuid(t.proc_(), r, e, s).map(|_| 0)
}

/// `setresgid`.
pub fn ksys_setresgid(t: &Thread, r: Gid, e: Gid, s: Gid) -> SysResult {
    task::cred::setresgid(t.proc_(), r, e, s).map(|_| 0)
}

/// `setsid`.
pub fn ksys_setsid(t: &Thread) -> SysResult {
    task::cred::setsid(t.proc_()).map(|v| v as isize)
}

/// `setpgid`.
pub fn ksys_setpgid(t: &Thread, pid: Pid, pgid: Pid) -> SysResult {
    task::cred::setpgid(t.proc_(), pid, pgid).map(|_| 0)
}

fn with_pid(t: &Thread, pid: Pid, f: impl FnOnce(&Process) -> isize) -> SysResult {
    if pid < 0 {
        return Err(ESRCH);
    }
    if pid == 0 {
        return Ok(f(t.proc_()));
    }
    let p = task::find_get_process(pid);
    if p.is_null() {
        return Err(ESRCH);
    }
    // SAFETY: referenced.
    let r = f(unsafe { &*p });
    // SAFETY: our reference.
    unsafe { task::put_process(p) };
    Ok(r)
}

/// `getpgid`.
pub fn ksys_getpgid(t: &Thread, pid: Pid) -> SysResult {
    with_pid(t, pid, |p| p.pgid.get() as isize)
}

/// `getsid`.
pub fn ksys_getsid(t: &Thread, pid: Pid) -> SysResult {
    with_pid(t, pid, |p| p.sid.get() as isize)
}

/// `spawn`.
pub fn ksys_spawn(t: &Thread) -> SysResult {
    let p = t.process.get();
    process::do_spawn(p, t.blocked.load(Ordering::Relaxed), &GENERIC_GFT).map(|pid| pid as isize)
}

/// `exit`.
pub fn ksys_exit(t: &Thread, code: i32) -> SysResult {
    signal::group_exit(t.proc_(), w_exitcode(code));
    Ok(0)
}

/// `wait4`.
pub fn ksys_wait4(t: &Thread, pid: Pid, status: *mut i32, options: i32) -> SysResult {
    if !status.is_null() && !access_ok(status as usize, 4) {
        return Err(EFAULT);
    }
    let (pid, st) = process::do_wait(t, pid, options)?;
    if !status.is_null() && pid != 0 {
        put_user(status, st)?;
    }
    Ok(pid as isize)
}

/// `clone_thread`.
pub fn ksys_clone_thread(t: &Thread, out: *mut *mut Thread) -> SysResult {
    if !access_ok(out as usize, 8) {
        return Err(EFAULT);
    }
    let nt = task::clone_thread(t)?;
    if let Err(e) = put_user(out, nt) {
        // SAFETY: the new thread was never handed out.
        unsafe { task::task_leave(nt) };
        return Err(e);
    }
    Ok(0)
}

/// Pointer to a process's GFT slot table (for the host's dispatch).
pub fn gft_of(t: &Thread) -> *const c_void {
    t.proc_().gft.get() as *const c_void
}
