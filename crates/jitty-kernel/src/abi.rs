//! The user-visible ABI of the JITTY kernel: errno values, flag bits, signal
//! numbers and the `#[repr(C)]` structures that cross the syscall boundary.
//!
//! This file has no dependencies (not even on the rest of the kernel) so the
//! host crate `jitty-os` includes the very same source with `#[path]`: one
//! definition of the ABI, used on both sides. Values follow Linux x86-64.

// The POSIX names document themselves; the host includes this file and uses
// only part of it.
#![allow(missing_docs, dead_code)]

use core::ffi::c_void;

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

// ---------------------------------------------------------------------------
// RPC structures shared with hosts (moved from the kernel's rpc module).

/// The C-ABI transport operations of an RPC byte stream (what the kernel's
/// `rpc::Xport` dispatches through; a host may supply its own).
#[repr(C)]
#[derive(Debug)]
pub struct TransportOps {
    /// Reads up to `len` bytes into `buf`; returns the count (0 = end of stream) or a negative errno.
    pub read: unsafe extern "C" fn(ctx: *mut c_void, buf: *mut u8, len: usize) -> isize,
    /// Writes up to `len` bytes from `buf`; returns the count or a negative errno.
    pub write: unsafe extern "C" fn(ctx: *mut c_void, buf: *const u8, len: usize) -> isize,
}

/// The in-memory form of variable-length opaque data and arrays (rpcgen's `{ len, val }`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct XdrVar {
    /// Number of elements (bytes for opaque).
    pub len: u32,
    /// The elements; may be null when `len` is 0.
    pub val: *mut u8,
}

/// The arguments of the E6 benchmark procedure in C layout (what rpcgen
/// would emit): `struct { int a; hyper b; string s<64>; int arr<16>; }`.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct BenchArgs {
    /// `int a`.
    pub a: i32,
    /// `hyper b`.
    pub b: i64,
    /// `string s<64>`: NUL-terminated.
    pub s: *mut u8,
    /// `int arr<16>`: `val` points at `len` `i32`s.
    pub arr: XdrVar,
}

/// `clnt_stat` values returned by `rpc_call` (Sun RPC's numbering).
pub mod rpc_stat {
    /// The call succeeded.
    pub const RPC_SUCCESS: i32 = 0;
    /// The arguments could not be encoded.
    pub const RPC_CANTENCODEARGS: i32 = 1;
    /// The reply could not be decoded.
    pub const RPC_CANTDECODERES: i32 = 2;
    /// Writing the call failed.
    pub const RPC_CANTSEND: i32 = 3;
    /// Reading the reply failed (or the stream ended).
    pub const RPC_CANTRECV: i32 = 4;
    /// The server does not speak RPC version 2.
    pub const RPC_VERSMISMATCH: i32 = 6;
    /// The server rejected the credentials.
    pub const RPC_AUTHERROR: i32 = 7;
    /// The program is not registered.
    pub const RPC_PROGUNAVAIL: i32 = 8;
    /// The program is registered, not in this version.
    pub const RPC_PROGVERSMISMATCH: i32 = 9;
    /// The procedure is not registered.
    pub const RPC_PROCUNAVAIL: i32 = 10;
    /// The server could not decode the arguments (`GARBAGE_ARGS`).
    pub const RPC_CANTDECODEARGS: i32 = 11;
    /// The server failed (`SYSTEM_ERR`).
    pub const RPC_SYSTEMERROR: i32 = 12;
}

/// Return values of `rpc_pipe_serve_one` (errors are negative errnos).
pub mod rpc_serve {
    /// The client closed its write end at a record boundary.
    pub const EOF: i32 = 0;
    /// A reply was sent (success or an RPC-level rejection).
    pub const REPLIED: i32 = 1;
    /// The record was not a decodable call; nothing was sent.
    pub const DROPPED: i32 = 2;
}

// ---------------------------------------------------------------------------
// RPC and vmalloc: the structures and numbers a host hands to the kernel.

/// One remote procedure as the client stub and server see it (rpcgen's
/// per-procedure facts): program, version and procedure numbers, then the
/// argument and result schemas.
///
/// Generic over the number cell `N` and the schema reference `S` so the
/// kernel (`ProcDesc<Const<u32>, Const<&XdrType>>`: every field is `Const`,
/// written at construction) and the host (`u32` and an opaque schema
/// pointer) share one definition with one layout.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct ProcDesc<N, S> {
    /// Program number.
    pub prog: N,
    /// Program version.
    pub vers: N,
    /// Procedure number.
    pub proc_: N,
    /// The argument schema (memory at a call's `args` has this layout).
    pub args: S,
    /// The result schema.
    pub res: S,
}

/// Program number of the E6 benchmark procedure.
pub const BENCH_PROG: u32 = 0x2000_0001;
/// Version of the benchmark procedure.
pub const BENCH_VERS: u32 = 1;
/// Procedure number of the benchmark procedure.
pub const BENCH_PROCNUM: u32 = 1;

/// vmalloc method id: best fit.
pub const METHOD_BEST: u32 = 1;
/// vmalloc method id: pool of equal-sized blocks.
pub const METHOD_POOL: u32 = 2;
/// vmalloc method id: last-block allocation (free only the last).
pub const METHOD_LAST: u32 = 3;
/// vmalloc region flag: the region is used by one thread only; the lock is skipped.
pub const VM_SINGLE: u32 = 1;
/// vmalloc region flag: trust callers; skip the "pointer belongs to this region" check on free/resize.
pub const VM_TRUST: u32 = 2;

// ---------------------------------------------------------------------------
// The host-services ABI.

/// The kernel object types the host-services entries take, by pointer: the
/// kernel names its own types, the host opaque ones of the same size class
/// (every entry passes them by thin pointer, so the layouts agree).
pub trait HostServiceTypes {
    /// A kernel thread (`current`).
    type Thread;
    /// A vmalloc region.
    type Region;
    /// A vmalloc method (ops table).
    type Method;
    /// A vmalloc discipline (where memory comes from).
    type Discipline;
    /// An RPC credential.
    type Auth;
    /// An RPC client.
    type RpcClient;
    /// An RPC server.
    type RpcServer;
    /// An RPC procedure descriptor ([`ProcDesc`]).
    type ProcDesc;
}

/// The objects a [`FileOps`] table's entries take (the kernel's own types,
/// or opaque ones on the host).
pub trait FileOpsTypes {
    /// An open file.
    type File;
    /// A kernel thread (`current`).
    type Thread;
    /// An inode.
    type Inode;
}

/// A file-operations table (Linux's `file_operations`), reached from
/// `File::f_op`. Absent operations are `None` (the VFS answers with the
/// POSIX error for the missing capability). Tables are immutable statics
/// (LLVM `constant` globals): a load from one is foldable.
#[repr(C)]
#[derive(Debug)]
pub struct FileOps<T: FileOpsTypes> {
    /// `(file, current, user buf, len, position or null) -> bytes or -errno`.
    pub read: Option<unsafe extern "C" fn(*mut T::File, *mut T::Thread, *mut u8, usize, *mut i64) -> isize>,
    /// `(file, current, user buf, len, position or null) -> bytes or -errno`.
    pub write: Option<unsafe extern "C" fn(*mut T::File, *mut T::Thread, *const u8, usize, *mut i64) -> isize>,
    /// `(file, offset, whence) -> new position or -errno`.
    pub llseek: Option<unsafe extern "C" fn(*mut T::File, i64, i32) -> i64>,
    /// Directory iteration (getdents): `(file, user buf, len) -> bytes or -errno`.
    pub iterate: Option<unsafe extern "C" fn(*mut T::File, *mut u8, usize) -> isize>,
    /// Called when the last reference to a file goes.
    pub release: Option<unsafe extern "C" fn(*mut T::Inode, *mut T::File)>,
}

/// The host-services ABI: every call the host makes into the kernel that is
/// not a syscall (those go through a process's [`SyscallTable`]). The kernel
/// exports one instance as the `#[no_mangle]` static `JK_HOST_SERVICES`.
///
/// Every entry is the kernel's generic function; per-object specialized
/// versions (of `vmalloc_alloc`, `rpc_call`) are plugged into per-object
/// method and procedure tables, never here.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct HostServices<T: HostServiceTypes> {
    /// `jk_boot()`: root fs and init, once; 0 or `-errno`.
    pub boot: unsafe extern "C" fn() -> i32,
    /// `jk_admin_spawn(uid, gid)`: a thread-less child of init; pid or `-errno`.
    pub admin_spawn: unsafe extern "C" fn(Uid, Gid) -> i32,
    /// `jk_task_enter(pid, out)`: attach the calling host thread; 0 or `-errno`.
    pub task_enter: unsafe extern "C" fn(Pid, *mut *mut T::Thread) -> i32,
    /// `jk_task_leave(t)`: detach and release a thread.
    pub task_leave: unsafe extern "C" fn(*mut T::Thread),
    /// `jk_nr_processes()`: pids in use.
    pub nr_processes: unsafe extern "C" fn() -> i32,
    /// `jk_process_flags(pid)`: `PF_*` bits or `-ESRCH`.
    pub process_flags: unsafe extern "C" fn(Pid) -> i32,
    /// `jk_check_invariants()`: 0 if every invariant holds.
    pub check_invariants: unsafe extern "C" fn() -> i32,
    /// `jk_layout_probe(out, n)`: layout words; returns how many it wrote.
    pub layout_probe: unsafe extern "C" fn(*mut u64, usize) -> usize,
    /// `jk_set_dispatch_table(pid, table)`: the process's GFT becomes
    /// `table` (a guarded write of `Process::gft`); 0, `-ESRCH` or `-EINVAL`.
    pub set_dispatch_table: unsafe extern "C" fn(Pid, *const SyscallTable<*mut T::Thread>) -> i32,

    /// `vmalloc_region_open(disc, meth, flags)`: a region or null.
    pub vmalloc_region_open: unsafe extern "C" fn(*const T::Discipline, *const T::Method, u32) -> *mut T::Region,
    /// `vmalloc_region_close(region)`: 0 or -1.
    pub vmalloc_region_close: unsafe extern "C" fn(*mut T::Region) -> i32,
    /// `vmalloc_alloc(region, size)`: a block or null.
    pub vmalloc_alloc: unsafe extern "C" fn(*mut T::Region, usize) -> *mut u8,
    /// `vmalloc_alloc_dispatch(region, size)`: the same through the
    /// region's allocation dispatch slot.
    pub vmalloc_alloc_dispatch: unsafe extern "C" fn(*mut T::Region, usize) -> *mut u8,
    /// `vmalloc_region_set(region, flags, on)`: sets (`on != 0`) or clears
    /// region flags (`VM_SINGLE` 1, `VM_TRUST` 2; a guarded write); the old flags.
    pub vmalloc_region_set: unsafe extern "C" fn(*mut T::Region, u32, i32) -> u32,
    /// `vmalloc_free(region, p)`: 0 or -1.
    pub vmalloc_free: unsafe extern "C" fn(*mut T::Region, *mut u8) -> i32,
    /// `vmalloc_check(region)`: 0 if the region is consistent.
    pub vmalloc_check: unsafe extern "C" fn(*mut T::Region) -> i32,
    /// `vmalloc_default_region()`: best fit over the kernel heap.
    pub vmalloc_default_region: unsafe extern "C" fn() -> *mut T::Region,
    /// `vmalloc_method(id)`: the method with id `METHOD_*`, or null.
    pub vmalloc_method: unsafe extern "C" fn(u32) -> *const T::Method,
    /// `vmalloc_heap_discipline()`: the kernel heap's discipline.
    pub vmalloc_heap_discipline: unsafe extern "C" fn() -> *const T::Discipline,

    /// `rpc_client_create(ops, ctx, cred, bufsize)`: a client over a host
    /// transport (`cred` null: AUTH_NONE), or null.
    pub rpc_client_create:
        unsafe extern "C" fn(*const TransportOps, *mut c_void, *const T::Auth, usize) -> *mut T::RpcClient,
    /// `rpc_client_destroy(client)`.
    pub rpc_client_destroy: unsafe extern "C" fn(*mut T::RpcClient),
    /// `rpc_client_marshal(client, pd, args)`: encodes a call, no I/O; its
    /// length or `-clnt_stat`.
    pub rpc_client_marshal: unsafe extern "C" fn(*mut T::RpcClient, *const T::ProcDesc, *const u8) -> isize,
    /// `rpc_call(client, pd, args, res)`: a full call; a `clnt_stat`.
    pub rpc_call: unsafe extern "C" fn(*mut T::RpcClient, *const T::ProcDesc, *const u8, *mut u8) -> i32,
    /// `rpc_call_dispatch(client, pd, args, res)`: the same through the
    /// client's call slot.
    pub rpc_call_dispatch: unsafe extern "C" fn(*mut T::RpcClient, *const T::ProcDesc, *const u8, *mut u8) -> i32,
    /// `rpc_pipe_client_create(thread, rfd, wfd, cred)`: a client over two
    /// kernel pipe descriptors of `thread`'s process, or null.
    pub rpc_pipe_client_create: unsafe extern "C" fn(*mut T::Thread, i32, i32, *const T::Auth) -> *mut T::RpcClient,
    /// `rpc_pipe_client_destroy(client)`.
    pub rpc_pipe_client_destroy: unsafe extern "C" fn(*mut T::RpcClient),
    /// `rpc_bench_server_create()`: a server with the benchmark procedure, or null.
    pub rpc_bench_server_create: unsafe extern "C" fn() -> *mut T::RpcServer,
    /// `rpc_server_destroy(server)`.
    pub rpc_server_destroy: unsafe extern "C" fn(*mut T::RpcServer),
    /// `rpc_pipe_serve_one(server, thread, rfd, wfd)`: one call answered;
    /// an [`rpc_serve`] code or `-errno`.
    pub rpc_pipe_serve_one: unsafe extern "C" fn(*mut T::RpcServer, *mut T::Thread, i32, i32) -> i32,
    /// `rpc_bench_proc()`: the benchmark procedure's descriptor.
    pub rpc_bench_proc: unsafe extern "C" fn() -> *const T::ProcDesc,
}

// --- annotations as data: type descriptors and specialization points --------
//
// The partial evaluator reads these tables over live memory: which bytes of
// an object are `Const` or `Quasi`, and which objects hang from a spec
// point's static arguments. The kernel generates the descriptors from its
// struct definitions (`typedesc::annotated!`) and exports them as the
// `#[no_mangle]` statics `JK_TYPE_DESCS` and `JK_SPEC_POINTS`; every string
// is NUL-terminated and every pointer points into immutable statics.

/// [`FieldDesc::kind`]: written at construction, never after (`Const<T>`).
pub const FIELD_CONST: u32 = 0;
/// [`FieldDesc::kind`]: quasi-invariant, written only through the guard (`Quasi<T>`).
pub const FIELD_QUASI: u32 = 1;
/// [`FieldDesc::kind`]: an inline struct of type `points_to` whose own
/// descriptor lists its annotated fields (the field itself is not foldable).
pub const FIELD_EMBEDDED: u32 = 2;
/// [`FieldDesc::kind`]: the object's dependents word (`QuasiDeps`): the
/// guard of its own `Quasi` fields and of those of every object reached from
/// it that has no dependents word of its own (the fd slots of a
/// `FilesStruct`, the pid slots of the pid table). Never foldable.
pub const FIELD_DEPS: u32 = 3;

/// [`FieldDesc::pointee`]: the value is not a pointer to a described object.
pub const POINTEE_NONE: u32 = 0;
/// [`FieldDesc::pointee`]: a pointer to one object of type `points_to`.
pub const POINTEE_ONE: u32 = 1;
/// [`FieldDesc::pointee`]: a pointer to an array of `points_to`, whose
/// element count is the field of the same object at `len_offset` (any
/// field: the bounds check may stay dynamic while the array is `Quasi`).
pub const POINTEE_ARRAY: u32 = 2;

/// "None" in [`FieldDesc::len_offset`], [`PathStep::index_arg`] and
/// [`SpecPath::root_arg`].
pub const NO_INDEX: u32 = u32::MAX;

/// Descriptor of one `Const`/`Quasi` (or embedded) field of a described type.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct FieldDesc {
    /// Field name (NUL-terminated).
    pub name: *const u8,
    /// Byte offset in the object.
    pub offset: u32,
    /// Size in bytes of one element (of the whole field when `count == 1`).
    pub size: u32,
    /// 1, or `N` for an inline array `[Quasi<T>; N]` of `N` elements.
    pub count: u32,
    /// [`FIELD_CONST`], [`FIELD_QUASI`], [`FIELD_EMBEDDED`] or [`FIELD_DEPS`].
    pub kind: u32,
    /// [`POINTEE_NONE`], [`POINTEE_ONE`] or [`POINTEE_ARRAY`].
    pub pointee: u32,
    /// For [`POINTEE_ARRAY`]: byte offset of the field holding the element
    /// count; else [`NO_INDEX`].
    pub len_offset: u32,
    /// For [`POINTEE_ARRAY`]: size of that field (4 or 8 bytes); else 0.
    pub len_size: u32,
    /// For [`POINTEE_ARRAY`]: that field's name (NUL-terminated); else null.
    pub len_name: *const u8,
    /// The type pointed to (or embedded); null when not a pointer to a described type.
    pub points_to: *const TypeDesc,
}

/// Descriptor of an annotated kernel type.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TypeDesc {
    /// Type name (NUL-terminated).
    pub name: *const u8,
    /// `size_of`.
    pub size: u64,
    /// `align_of`.
    pub align: u64,
    /// The annotated fields, in declaration order.
    pub fields: *const FieldDesc,
    /// Number of entries at `fields`.
    pub nfields: u64,
}

/// The table of every described type (`JK_TYPE_DESCS`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct TypeTable {
    /// Pointers to the descriptors.
    pub types: *const *const TypeDesc,
    /// Number of descriptors.
    pub len: u64,
}

/// One step of a typed path: from an object of type `ty`, select annotated
/// field `field` (element `index` of it when it is an inline array, or of
/// the array it points to), then follow it: a pointer leads to the pointee,
/// an embedded field to the inner object; any other field ends the path.
///
/// The index is `((arg[index_arg] >> shift) & mask) - bias`; an index that
/// underflows or is out of bounds (`count`, or the length field of a
/// pointed-to array) reaches nothing.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct PathStep {
    /// The type of the object this step starts at.
    pub ty: *const TypeDesc,
    /// Index of the field in `ty`'s `fields`.
    pub field: u32,
    /// Argument that indexes the field, or [`NO_INDEX`].
    pub index_arg: u32,
    /// Right shift applied to the argument.
    pub shift: u32,
    /// Subtracted after masking (1 for a signal number indexing `action`).
    pub bias: u32,
    /// Mask applied after the shift.
    pub mask: u64,
}

/// A typed path from a static root to the objects a specialization may fold.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct SpecPath {
    /// What the path reaches (NUL-terminated), e.g. `"file ops"`.
    pub name: *const u8,
    /// The static argument the path starts from, or [`NO_INDEX`] for a global root.
    pub root_arg: u32,
    /// Number of steps.
    pub nsteps: u32,
    /// The global the path starts from when `root_arg` is [`NO_INDEX`].
    pub root_global: *const u8,
    /// The root object's type.
    pub root_ty: *const TypeDesc,
    /// The steps.
    pub steps: *const PathStep,
}

/// One declared specialization point (`JK_SPEC_POINTS`).
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct SpecPoint {
    /// Short name of the point (NUL-terminated).
    pub name: *const u8,
    /// Symbol of the generic entry function in the kernel image (NUL-terminated).
    pub entry_symbol: *const u8,
    /// The entry's address.
    pub entry: *const u8,
    /// Bit `i` set: argument `i` is static (visibly constant) for one specialization.
    pub static_args: u64,
    /// Byte offset of the dispatch slot in the [`SyscallTable`] that this
    /// point plugs, or `u32::MAX` when it has no GFT slot.
    pub gft_slot: u32,
    /// For a point whose slot lives in an object: the static argument that
    /// points to the object (`u32::MAX`: none) ...
    pub obj_slot_arg: u32,
    /// ... and the byte offset of the slot (a code-address word) in it.
    pub obj_slot_offset: u32,
    /// Number of arguments of the entry.
    pub nargs: u32,
    /// `nargs` entries: the type an argument points to, or null for a scalar.
    pub arg_types: *const *const TypeDesc,
    /// The typed paths from the static roots.
    pub paths: *const SpecPath,
    /// Number of entries at `paths`.
    pub npaths: u64,
}

/// The table of specialization points (`JK_SPEC_POINTS`), the host's one
/// entry to the annotation tables.
#[repr(C)]
#[derive(Debug, Clone, Copy)]
pub struct SpecTable {
    /// The points.
    pub points: *const SpecPoint,
    /// Number of points.
    pub len: u64,
    /// The type-descriptor table (`JK_TYPE_DESCS`).
    pub types: *const TypeTable,
}

// SAFETY: the descriptor tables hold pointers to immutable statics only;
// sharing them between threads shares nothing mutable.
unsafe impl Sync for FieldDesc {}
// SAFETY: see above.
unsafe impl Sync for TypeDesc {}
// SAFETY: see above.
unsafe impl Sync for TypeTable {}
// SAFETY: see above.
unsafe impl Sync for PathStep {}
// SAFETY: see above.
unsafe impl Sync for SpecPath {}
// SAFETY: see above.
unsafe impl Sync for SpecPoint {}
// SAFETY: see above.
unsafe impl Sync for SpecTable {}
