//! The user-visible ABI of the JITTY kernel: errno values, flag bits, signal
//! numbers and the `#[repr(C)]` structures that cross the syscall boundary.
//!
//! This file has no dependencies (not even on the rest of the kernel) so the
//! host crate `jitty-os` includes the very same source with `#[path]`: one
//! definition of the ABI, used on both sides. Values follow Linux x86-64.

// The POSIX names document themselves; the host includes this file and uses
// only part of it.
#![allow(missing_docs, dead_code)]

/// Process identifier.
pub type Pid = i32;
/// User identifier.
pub type Uid = u32;
/// Group identifier.
pub type Gid = u32;
/// A signal set: bit `n - 1` stands for signal `n` (signals 1..=64).
pub type SigSet = u64;

// --- errno ------------------------------------------------------------------
pub const EPERM: i32 = 1;
pub const ENOENT: i32 = 2;
pub const ESRCH: i32 = 3;
pub const EINTR: i32 = 4;
pub const EIO: i32 = 5;
pub const EBADF: i32 = 9;
pub const ECHILD: i32 = 10;
pub const EAGAIN: i32 = 11;
pub const ENOMEM: i32 = 12;
pub const EACCES: i32 = 13;
pub const EFAULT: i32 = 14;
pub const EBUSY: i32 = 16;
pub const EEXIST: i32 = 17;
pub const EXDEV: i32 = 18;
pub const ENOTDIR: i32 = 20;
pub const EISDIR: i32 = 21;
pub const EINVAL: i32 = 22;
pub const ENFILE: i32 = 23;
pub const EMFILE: i32 = 24;
pub const EFBIG: i32 = 27;
pub const ENOSPC: i32 = 28;
pub const ESPIPE: i32 = 29;
pub const EMLINK: i32 = 31;
pub const EPIPE: i32 = 32;
pub const ERANGE: i32 = 34;
pub const ENAMETOOLONG: i32 = 36;
pub const ENOSYS: i32 = 38;
pub const ENOTEMPTY: i32 = 39;
pub const ELOOP: i32 = 40;
pub const EOVERFLOW: i32 = 75;
/// Kernel-internal (never returned to a program): a blocking call was
/// interrupted before it transferred anything; the syscall exit path restarts
/// it after the signal unless a handler without `SA_RESTART` ran (then
/// `EINTR`), as Linux's `ERESTARTSYS`.
pub const ERESTARTSYS: i32 = 512;
/// Kernel-internal, returned to the host's syscall stub only: re-issue the
/// call through the dispatch slot (as Linux's `ERESTARTNOINTR`, which makes
/// the exit path re-execute the syscall instruction). The stub does this
/// after a signal when `SA_RESTART` allows it, and when the code the call
/// entered was unplugged while it slept, so the call never continues in
/// code whose facts changed.
pub const ERESTARTNOINTR: i32 = 513;
/// Kernel-internal: as [`ERESTARTSYS`], but `EINTR` whenever a handler ran
/// (`sigsuspend`, `sigtimedwait`; Linux's `ERESTARTNOHAND`).
pub const ERESTARTNOHAND: i32 = 514;

// --- open(2) flags ----------------------------------------------------------
pub const O_ACCMODE: u32 = 0o3;
pub const O_RDONLY: u32 = 0o0;
pub const O_WRONLY: u32 = 0o1;
pub const O_RDWR: u32 = 0o2;
pub const O_CREAT: u32 = 0o100;
pub const O_EXCL: u32 = 0o200;
pub const O_NOCTTY: u32 = 0o400;
pub const O_TRUNC: u32 = 0o1000;
pub const O_APPEND: u32 = 0o2000;
pub const O_NONBLOCK: u32 = 0o4000;
pub const O_DIRECTORY: u32 = 0o200000;
pub const O_NOFOLLOW: u32 = 0o400000;
pub const O_CLOEXEC: u32 = 0o2000000;

// --- fcntl(2) ---------------------------------------------------------------
pub const F_DUPFD: i32 = 0;
pub const F_GETFD: i32 = 1;
pub const F_SETFD: i32 = 2;
pub const F_GETFL: i32 = 3;
pub const F_SETFL: i32 = 4;
pub const F_DUPFD_CLOEXEC: i32 = 1030;
pub const FD_CLOEXEC: u64 = 1;

// --- lseek(2) ---------------------------------------------------------------
pub const SEEK_SET: i32 = 0;
pub const SEEK_CUR: i32 = 1;
pub const SEEK_END: i32 = 2;

// --- file modes -------------------------------------------------------------
pub const S_IFMT: u32 = 0o170000;
pub const S_IFIFO: u32 = 0o010000;
pub const S_IFDIR: u32 = 0o040000;
pub const S_IFREG: u32 = 0o100000;
pub const S_IRWXU: u32 = 0o700;
pub const S_IRUSR: u32 = 0o400;
pub const S_IWUSR: u32 = 0o200;
pub const S_IXUSR: u32 = 0o100;
pub const S_ISUID: u32 = 0o4000;
pub const S_ISGID: u32 = 0o2000;
pub const S_ISVTX: u32 = 0o1000;

/// `access` mask bits used by permission checks.
pub const MAY_EXEC: u32 = 1;
/// Write permission.
pub const MAY_WRITE: u32 = 2;
/// Read permission.
pub const MAY_READ: u32 = 4;

// --- limits -----------------------------------------------------------------
/// Largest single read/write, as Linux's `MAX_RW_COUNT` (INT_MAX & PAGE_MASK).
pub const MAX_RW_COUNT: usize = 0x7fff_f000;
/// Writes of at most this many bytes to a pipe are atomic.
pub const PIPE_BUF: usize = 4096;
/// Capacity of a pipe's ring buffer.
pub const PIPE_SIZE: usize = 65536;
/// Longest file name component.
pub const NAME_MAX: usize = 255;
/// Longest path.
pub const PATH_MAX: usize = 4096;
/// Default per-process limit on open file descriptors (RLIMIT_NOFILE).
pub const NR_OPEN_DEFAULT: u32 = 1024;
/// Largest pid handed out.
pub const PID_MAX: i32 = 32768;
/// Page size of the kernel's page allocator.
pub const PAGE_SIZE: usize = 4096;

// --- signals ----------------------------------------------------------------
pub const SIGHUP: i32 = 1;
pub const SIGINT: i32 = 2;
pub const SIGQUIT: i32 = 3;
pub const SIGILL: i32 = 4;
pub const SIGTRAP: i32 = 5;
pub const SIGABRT: i32 = 6;
pub const SIGBUS: i32 = 7;
pub const SIGFPE: i32 = 8;
pub const SIGKILL: i32 = 9;
pub const SIGUSR1: i32 = 10;
pub const SIGSEGV: i32 = 11;
pub const SIGUSR2: i32 = 12;
pub const SIGPIPE: i32 = 13;
pub const SIGALRM: i32 = 14;
pub const SIGTERM: i32 = 15;
pub const SIGSTKFLT: i32 = 16;
pub const SIGCHLD: i32 = 17;
pub const SIGCONT: i32 = 18;
pub const SIGSTOP: i32 = 19;
pub const SIGTSTP: i32 = 20;
pub const SIGTTIN: i32 = 21;
pub const SIGTTOU: i32 = 22;
pub const SIGURG: i32 = 23;
pub const SIGXCPU: i32 = 24;
pub const SIGXFSZ: i32 = 25;
pub const SIGVTALRM: i32 = 26;
pub const SIGPROF: i32 = 27;
pub const SIGWINCH: i32 = 28;
pub const SIGIO: i32 = 29;
pub const SIGPWR: i32 = 30;
pub const SIGSYS: i32 = 31;
pub const SIGRTMIN: i32 = 32;
/// Highest valid signal number (`_NSIG - 1`).
pub const SIGMAX: i32 = 64;

/// Handler value: default action.
pub const SIG_DFL: usize = 0;
/// Handler value: ignore.
pub const SIG_IGN: usize = 1;

/// `sa_flags`: do not block the signal while its handler runs.
pub const SA_NODEFER: u64 = 0x4000_0000;
/// `sa_flags`: reset the disposition to SIG_DFL on delivery.
pub const SA_RESETHAND: u64 = 0x8000_0000;
/// `sa_flags`: a blocking pipe read/write interrupted by this handler before
/// it transferred anything restarts instead of failing with `EINTR`.
pub const SA_RESTART: u64 = 0x1000_0000;
/// `sa_flags`: children that exit do not become zombies (with SIGCHLD).
pub const SA_NOCLDWAIT: u64 = 0x0000_0002;

/// sigprocmask `how`: add to the mask.
pub const SIG_BLOCK: i32 = 0;
/// sigprocmask `how`: remove from the mask.
pub const SIG_UNBLOCK: i32 = 1;
/// sigprocmask `how`: replace the mask.
pub const SIG_SETMASK: i32 = 2;

/// `si_code`: sent by `kill`.
pub const SI_USER: i32 = 0;
/// `si_code`: sent by the kernel (SIGPIPE, SIGCHLD, ...).
pub const SI_KERNEL: i32 = 0x80;

// --- wait4(2) ---------------------------------------------------------------
pub const WNOHANG: i32 = 1;
pub const WUNTRACED: i32 = 2;

/// A signal disposition, as passed to `sigaction`.
///
/// `handler` is [`SIG_DFL`], [`SIG_IGN`] or the address of an
/// `extern "C" fn(i32)` run when the receiving thread next returns from the
/// kernel.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigAction {
    /// SIG_DFL, SIG_IGN or a handler address.
    pub handler: usize,
    /// `SA_*` flags.
    pub flags: u64,
    /// Signals blocked while the handler runs.
    pub mask: SigSet,
}

/// What `sigwaitinfo`/`sigtimedwait` report about the signal they took
/// (the first fields of Linux's `siginfo_t`, at its offsets).
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct SigInfo {
    /// Signal number.
    pub si_signo: i32,
    /// Always 0.
    pub si_errno: i32,
    /// [`SI_USER`] (from `kill`) or [`SI_KERNEL`].
    pub si_code: i32,
    /// Padding (Linux's union starts at offset 16).
    pub _pad: i32,
    /// Sending process (0 for the kernel).
    pub si_pid: Pid,
    /// Real uid of the sending process (0 for the kernel).
    pub si_uid: Uid,
}

/// A relative time, as `sigtimedwait` takes it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Timespec {
    /// Seconds (>= 0).
    pub tv_sec: i64,
    /// Nanoseconds (0..1_000_000_000).
    pub tv_nsec: i64,
}

/// File status, as `fstat`/`stat` return it.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Stat {
    /// Device (always 1: the RAM file system; 2: pipefs).
    pub st_dev: u64,
    /// Inode number.
    pub st_ino: u64,
    /// Type and permission bits.
    pub st_mode: u32,
    /// Hard link count.
    pub st_nlink: u32,
    /// Owner.
    pub st_uid: u32,
    /// Group.
    pub st_gid: u32,
    /// Size in bytes.
    pub st_size: i64,
    /// Preferred I/O size.
    pub st_blksize: i64,
    /// Number of 512-byte blocks held.
    pub st_blocks: i64,
    /// Last access, ns since the HAL clock's epoch.
    pub st_atime_ns: u64,
    /// Last modification, ns.
    pub st_mtime_ns: u64,
    /// Last status change, ns.
    pub st_ctime_ns: u64,
}

/// Directory entry record written by `getdents` (like `linux_dirent64`):
/// a fixed header followed by the NUL-terminated name, padded to 8 bytes.
#[repr(C)]
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub struct Dirent64Header {
    /// Inode number.
    pub d_ino: u64,
    /// Opaque offset of the next entry.
    pub d_off: i64,
    /// Length of this whole record.
    pub d_reclen: u16,
    /// `DT_*` type.
    pub d_type: u8,
}

/// Size of [`Dirent64Header`] as laid out in the record (name starts here).
pub const DIRENT_NAME_OFFSET: usize = 19;
/// `d_type`: directory.
pub const DT_DIR: u8 = 4;
/// `d_type`: regular file.
pub const DT_REG: u8 = 8;
/// `d_type`: FIFO.
pub const DT_FIFO: u8 = 1;

/// Number of `u64` words `jk_layout_probe` writes.
pub const LAYOUT_PROBE_WORDS: usize = 32;

/// Encodes a normal exit status as `wait4` reports it.
pub const fn w_exitcode(code: i32) -> i32 {
    (code & 0xff) << 8
}
/// Encodes a death by signal as `wait4` reports it.
pub const fn w_termsig(sig: i32) -> i32 {
    sig & 0x7f
}
/// Encodes a stop as `wait4` reports it.
pub const fn w_stopsig(sig: i32) -> i32 {
    ((sig & 0xff) << 8) | 0x7f
}

/// The syscall dispatch table (Global Function Table): one slot per syscall.
///
/// Generic over the type of the `current` argument so the kernel
/// (`SyscallTable<*mut Thread>`) and the host (`SyscallTable<*mut c_void>`)
/// share one definition; the layouts are identical. Every slot takes the
/// calling thread first and returns a result or `-errno`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct SyscallTable<C> {
    /// `read(fd, buf, len)`.
    pub read: unsafe extern "C" fn(C, i32, *mut u8, usize) -> isize,
    /// `write(fd, buf, len)`.
    pub write: unsafe extern "C" fn(C, i32, *const u8, usize) -> isize,
    /// `pread(fd, buf, len, off)`.
    pub pread: unsafe extern "C" fn(C, i32, *mut u8, usize, i64) -> isize,
    /// `pwrite(fd, buf, len, off)`.
    pub pwrite: unsafe extern "C" fn(C, i32, *const u8, usize, i64) -> isize,
    /// `open(path, flags, mode)`.
    pub open: unsafe extern "C" fn(C, *const u8, u32, u32) -> isize,
    /// `creat(path, mode)`.
    pub creat: unsafe extern "C" fn(C, *const u8, u32) -> isize,
    /// `close(fd)`.
    pub close: unsafe extern "C" fn(C, i32) -> isize,
    /// `lseek(fd, off, whence)`.
    pub lseek: unsafe extern "C" fn(C, i32, i64, i32) -> i64,
    /// `dup(fd)`.
    pub dup: unsafe extern "C" fn(C, i32) -> isize,
    /// `dup2(old, new)`.
    pub dup2: unsafe extern "C" fn(C, i32, i32) -> isize,
    /// `fcntl(fd, cmd, arg)`.
    pub fcntl: unsafe extern "C" fn(C, i32, i32, u64) -> isize,
    /// `fstat(fd, st)`.
    pub fstat: unsafe extern "C" fn(C, i32, *mut Stat) -> isize,
    /// `stat(path, st)`.
    pub stat: unsafe extern "C" fn(C, *const u8, *mut Stat) -> isize,
    /// `unlink(path)`.
    pub unlink: unsafe extern "C" fn(C, *const u8) -> isize,
    /// `mkdir(path, mode)`.
    pub mkdir: unsafe extern "C" fn(C, *const u8, u32) -> isize,
    /// `rmdir(path)`.
    pub rmdir: unsafe extern "C" fn(C, *const u8) -> isize,
    /// `rename(old, new)`.
    pub rename: unsafe extern "C" fn(C, *const u8, *const u8) -> isize,
    /// `getdents64(fd, buf, len)`.
    pub getdents: unsafe extern "C" fn(C, i32, *mut u8, usize) -> isize,
    /// `chdir(path)`.
    pub chdir: unsafe extern "C" fn(C, *const u8) -> isize,
    /// `chmod(path, mode)`.
    pub chmod: unsafe extern "C" fn(C, *const u8, u32) -> isize,
    /// `umask(mask)`.
    pub umask: unsafe extern "C" fn(C, u32) -> isize,
    /// `pipe2(fds, flags)`.
    pub pipe2: unsafe extern "C" fn(C, *mut i32, u32) -> isize,
    /// `kill(pid, sig)`.
    pub kill: unsafe extern "C" fn(C, Pid, i32) -> isize,
    /// `sigaction(sig, act, oldact)`.
    pub sigaction: unsafe extern "C" fn(C, i32, *const SigAction, *mut SigAction) -> isize,
    /// `sigprocmask(how, set, oldset)`.
    pub sigprocmask: unsafe extern "C" fn(C, i32, *const SigSet, *mut SigSet) -> isize,
    /// `sigpending(set)`.
    pub sigpending: unsafe extern "C" fn(C, *mut SigSet) -> isize,
    /// `getpid()`.
    pub getpid: unsafe extern "C" fn(C) -> isize,
    /// `getppid()`.
    pub getppid: unsafe extern "C" fn(C) -> isize,
    /// `getresuid(r, e, s)`.
    pub getresuid: unsafe extern "C" fn(C, *mut Uid, *mut Uid, *mut Uid) -> isize,
    /// `getresgid(r, e, s)`.
    pub getresgid: unsafe extern "C" fn(C, *mut Gid, *mut Gid, *mut Gid) -> isize,
    /// `setuid(uid)`.
    pub setuid: unsafe extern "C" fn(C, Uid) -> isize,
    /// `setgid(gid)`.
    pub setgid: unsafe extern "C" fn(C, Gid) -> isize,
    /// `setresuid(r, e, s)` (-1 = unchanged).
    pub setresuid: unsafe extern "C" fn(C, Uid, Uid, Uid) -> isize,
    /// `setresgid(r, e, s)` (-1 = unchanged).
    pub setresgid: unsafe extern "C" fn(C, Gid, Gid, Gid) -> isize,
    /// `setsid()`.
    pub setsid: unsafe extern "C" fn(C) -> isize,
    /// `setpgid(pid, pgid)`.
    pub setpgid: unsafe extern "C" fn(C, Pid, Pid) -> isize,
    /// `getpgid(pid)`.
    pub getpgid: unsafe extern "C" fn(C, Pid) -> isize,
    /// `getsid(pid)`.
    pub getsid: unsafe extern "C" fn(C, Pid) -> isize,
    /// `spawn()`: fork-like child creation; returns the child's pid.
    pub spawn: unsafe extern "C" fn(C) -> isize,
    /// `exit(code)`: exit the whole process.
    pub exit: unsafe extern "C" fn(C, i32) -> isize,
    /// `wait4(pid, status, options)`.
    pub wait4: unsafe extern "C" fn(C, Pid, *mut i32, i32) -> isize,
    /// `clone_thread(out)`: a new thread of the caller's process.
    pub clone_thread: unsafe extern "C" fn(C, *mut C) -> isize,
    /// `sigsuspend(mask)`: always `-EINTR`, after a handler ran.
    pub sigsuspend: unsafe extern "C" fn(C, *const SigSet) -> isize,
    /// `pause()`: always `-EINTR`, after a handler ran.
    pub pause: unsafe extern "C" fn(C) -> isize,
    /// `sigwaitinfo(set, info)`: the signal number taken.
    pub sigwaitinfo: unsafe extern "C" fn(C, *const SigSet, *mut SigInfo) -> isize,
    /// `sigtimedwait(set, info, timeout)`: the signal number taken, `-EAGAIN` on timeout.
    pub sigtimedwait: unsafe extern "C" fn(C, *const SigSet, *mut SigInfo, *const Timespec) -> isize,
}
