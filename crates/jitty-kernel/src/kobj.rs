//! The kernel's object declarations: the structures that point at each other.
//!
//! A process points at its descriptor table, signal handlers, working
//! directory and dispatch table; an open file at its inode and operations;
//! the operations take the calling thread; an inode names its default
//! operations. These types form one cycle of pointers, so they are declared
//! together here, in the layer below every subsystem, and each subsystem
//! implements its behaviour on them in its own module (Linux's
//! `include/linux/{sched,fs}.h` against `kernel/*.c` and `fs/*.c`):
//!
//! * [`Process`], [`Thread`]: accessors, references and the pid table in
//!   `task`, exit in `exit`, creation and `wait4` in `process`;
//! * [`SigHand`] and its [`QuasiSigAction`] cells, with their constructors
//!   and accessors here (every layer from `task` up creates or frees one);
//! * [`File`], [`FileOps`], [`Fdtable`], [`FilesStruct`]: `file`;
//! * [`Inode`], [`InodeData`], [`DirEntry`]: lifetime in `inode`, namespace
//!   and RAM fs in `vfs`;
//! * [`SyscallTable`], the kernel's view of the GFT: filled in by `syscall`.
//!
//! Each annotated type is declared through `typedesc::annotated!`, which
//! also emits its descriptor. This module defines no behaviour beyond those
//! of [`SigHand`] and [`QuasiSigAction`], and uses only `abi`, `sync`, `mm`
//! (the page map type), `annotations` and `typedesc`.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::sync::atomic::{AtomicI32, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize};

use crate::abi::{self, *};
use crate::annotations::{Const, Quasi, QuasiDeps, QuasiWrite};
use crate::mm::PageMap;
use crate::sync::{Mutex, SpinLock, WaitQueue};
use crate::typedesc::{annotated, opaque_desc};

annotated! {
    /// A process (thread group).
    #[derive(Debug)]
    pub struct Process {
        /// QUID for every `Quasi` field of this process.
        pub deps: QuasiDeps,
        /// Process id; fixed.
        pub pid: Const<Pid>,
        /// Descriptor table; fixed for the life of the process.
        pub files: Const<*mut FilesStruct> => FilesStruct,
        /// Signal handlers; fixed for the life of the process.
        pub sighand: Const<*mut SigHand> => SigHand,
        /// The syscall dispatch table (GFT); quasi-invariant: the specialization
        /// runtime replugs it.
        pub gft: Quasi<*const SyscallTable> => SyscallTable,
        /// Real uid; quasi-invariant (set*id under `sighand.siglock`).
        pub uid: Quasi<Uid>,
        /// Effective uid; quasi-invariant.
        pub euid: Quasi<Uid>,
        /// Saved set-uid; quasi-invariant.
        pub suid: Quasi<Uid>,
        /// Real gid; quasi-invariant.
        pub gid: Quasi<Gid>,
        /// Effective gid; quasi-invariant.
        pub egid: Quasi<Gid>,
        /// Saved set-gid; quasi-invariant.
        pub sgid: Quasi<Gid>,
        /// Process group; quasi-invariant (setpgid under the tasklist write lock).
        pub pgid: Quasi<Pid>,
        /// Session; quasi-invariant (setsid under the tasklist write lock).
        pub sid: Quasi<Pid>,
        /// Parent; dynamic: changes on reparenting (under the tasklist write
        /// lock) and is read only by exit notification, `getppid` and `setpgid`,
        /// none of them a specialization path.
        pub parent: AtomicPtr<Process>,
        /// Attached threads; quasi-invariant (`== 1` is the single-threaded fact),
        /// written under `sighand.siglock`.
        pub nr_threads: Quasi<u32>,
        /// Threads currently inside a syscall (dynamic).
        pub active: AtomicU32,
        /// `PF_*` state bits (dynamic).
        pub flags: AtomicU32,
        /// Wait status once exiting (dynamic).
        pub exit_status: AtomicI32,
        /// Process-directed pending signals (dynamic, written under siglock).
        pub shared_pending: AtomicU64,
        /// Blocked mask of the process while no thread is attached (dynamic).
        pub idle_blocked: AtomicU64,
        /// File-creation mask (dynamic).
        pub umask: AtomicU32,
        /// Working directory (one inode reference; dynamic, swapped atomically).
        pub cwd: AtomicPtr<Inode>,
        /// Lifetime references (dynamic).
        pub refcount: AtomicUsize,
        /// Children (under the tasklist lock).
        pub children: UnsafeCell<Vec<*mut Process>>,
        /// Attached threads (under siglock).
        pub threads: UnsafeCell<Vec<*mut Thread>>,
        /// Woken when a child changes state (wait4 sleeps here).
        pub child_wq: WaitQueue,
        /// Woken on SIGCONT / exit (stopped threads sleep here).
        pub stop_wq: WaitQueue,
    }
}

// SAFETY: all mutable state is atomic or protected by the documented locks.
unsafe impl Sync for Process {}
// SAFETY: as above.
unsafe impl Send for Process {}

annotated! {
    /// A thread: one host thread attached to a process.
    #[derive(Debug)]
    pub struct Thread {
        /// The process; fixed.
        pub process: Const<*mut Process> => Process,
        /// Thread id (unique, not in the pid table); fixed.
        pub tid: Const<u32>,
        /// Blocked signals (dynamic; written by this thread under siglock).
        pub blocked: AtomicU64,
        /// Thread-directed pending signals, e.g. SIGPIPE (dynamic).
        pub pending: AtomicU64,
        /// The wait queue this thread sleeps on, for signal wake-ups (dynamic).
        pub sleeping_on: AtomicPtr<WaitQueue>,
        /// Lifetime references (dynamic).
        pub refcount: AtomicUsize,
        /// Set once the thread left its process (dynamic).
        pub detached: AtomicU32,
        /// Sender of each pending thread-directed signal
        /// ([`signal::pack_info`]; dynamic, under siglock).
        pub siginfo: [AtomicU64; SIGMAX as usize],
        /// Set when the current syscall must restart through its dispatch slot
        /// (the code it entered was unplugged while it slept); cleared on the
        /// way out of the syscall (dynamic, this thread only).
        pub restart: AtomicU32,
    }
}

annotated! {
    /// Signal dispositions of a process (Linux `sighand_struct`).
    #[derive(Debug)]
    pub struct SigHand {
        /// QUID for `action`.
        pub deps: QuasiDeps,
        /// The signal lock: pending sets, masks, dispositions, thread list.
        pub siglock: SpinLock<()>,
        /// Disposition of each signal (index `sig - 1`); quasi-invariant,
        /// written by `sigaction` through the guard under `siglock`.
        pub action: [QuasiSigAction; SIGMAX as usize] => embed QuasiSigAction,
        /// Threads waiting for a signal (`sigsuspend`, `sigtimedwait`) sleep
        /// here; every generation wakes it (dynamic).
        pub sigwait: WaitQueue,
        /// Sender of each pending process-directed signal, [`pack_info`]ed
        /// (dynamic; written and read under `siglock`).
        pub shared_info: [AtomicU64; SIGMAX as usize],
    }
}

impl SigHand {
    /// All-default dispositions.
    pub fn new() -> *mut SigHand {
        Box::into_raw(Box::new(SigHand {
            deps: QuasiDeps::new(),
            siglock: SpinLock::new(()),
            action: [const { QuasiSigAction::new(SigAction { handler: SIG_DFL, flags: 0, mask: 0 }) }; SIGMAX as usize],
            sigwait: WaitQueue::new(),
            shared_info: [const { AtomicU64::new(0) }; SIGMAX as usize],
        }))
    }

    /// A copy of `src`'s dispositions (fork keeps handlers).
    pub fn copy_from(src: &SigHand) -> *mut SigHand {
        let new = SigHand::new();
        // SAFETY: `new` is private to us.
        let nr = unsafe { &*new };
        let w = nr.deps.prepare();
        let _g = src.siglock.lock();
        for (d, a) in nr.action.iter().zip(src.action.iter()) {
            d.store(&w, a.get());
        }
        new
    }

    /// Frees a table.
    ///
    /// # Safety
    /// `p` is unreachable from everywhere else.
    pub unsafe fn free(p: *mut SigHand) {
        // SAFETY: exclusive ownership per the caller.
        unsafe { drop(Box::from_raw(p)) }
    }

    /// The disposition of `sig`.
    #[inline(always)]
    pub fn get(&self, sig: i32) -> SigAction {
        self.action[(sig - 1) as usize].get()
    }
}

annotated! {
    /// One signal's disposition: a [`SigAction`] is three words, so it is held as
    /// three quasi-invariant cells. Readers that need the three to agree hold
    /// `siglock`, as every writer does.
    #[derive(Debug)]
    pub struct QuasiSigAction {
        /// `sa_handler`; Quasi: written by `sigaction` and `SA_RESETHAND`.
        pub handler: Quasi<usize>,
        /// `sa_flags`; Quasi: as `handler`.
        pub flags: Quasi<u64>,
        /// `sa_mask`; Quasi: as `handler`.
        pub mask: Quasi<SigSet>,
    }
}

impl QuasiSigAction {
    /// Wraps the construction-time disposition.
    pub const fn new(a: SigAction) -> Self {
        Self { handler: Quasi::new(a.handler), flags: Quasi::new(a.flags), mask: Quasi::new(a.mask) }
    }

    /// Reads the disposition.
    #[inline(always)]
    pub fn get(&self) -> SigAction {
        SigAction { handler: self.handler.get(), flags: self.flags.get(), mask: self.mask.get() }
    }

    /// Stores `a` within the guarded write `w` of the owning [`SigHand`].
    #[inline(always)]
    pub fn store(&self, w: &QuasiWrite<'_>, a: SigAction) {
        self.handler.store(w, a.handler);
        self.flags.store(w, a.flags);
        self.mask.store(w, a.mask);
    }
}

/// The kernel's objects behind its file operations.
#[derive(Debug)]
pub enum KernelFileTypes {}

impl abi::FileOpsTypes for KernelFileTypes {
    type File = File;
    type Thread = Thread;
    type Inode = Inode;
}

/// A file-operations table ([`abi::FileOps`], declared once for kernel and host).
pub type FileOps = abi::FileOps<KernelFileTypes>;

opaque_desc!(FileOps, "FileOps");

annotated! {
    /// An open file.
    #[derive(Debug)]
    pub struct File {
        /// QUID for the `Quasi` fields of this file.
        pub deps: QuasiDeps,
        /// Operations; fixed at open.
        pub f_op: Const<*const FileOps> => FileOps,
        /// The inode (one reference held by the file); fixed at open.
        pub f_inode: Const<*mut Inode> => Inode,
        /// `FMODE_*` bits; fixed at open.
        pub f_mode: Const<u32>,
        /// Open flags (access mode, `O_APPEND`, `O_NONBLOCK`); quasi-invariant:
        /// written only by `fcntl(F_SETFL)` through the guard, under `f_lock`.
        pub f_flags: Quasi<u32>,
        /// File-system private data (the `Pipe` of a pipe end); fixed at open.
        pub private_data: Const<*mut c_void>,
        /// References: descriptors and in-flight operations (dynamic).
        pub f_count: AtomicUsize,
        /// Serializes `f_flags` writers.
        pub f_lock: SpinLock<()>,
        /// Serializes position updates when the file is shared (Linux `f_pos_lock`).
        pub f_pos_lock: Mutex<()>,
        /// Current position (dynamic).
        pub f_pos: UnsafeCell<i64>,
    }
}

annotated! {
    /// One descriptor slot: the fd→File binding.
    #[derive(Debug)]
    pub struct FdSlot {
        /// The open file (null = free); Quasi: a binding that install, close,
        /// `dup2`/`dup3`, expansion and exit change, through the guarded write
        /// of the owning [`FilesStruct`] (prepared before its table lock).
        pub file: Quasi<*mut File> => File,
    }
}

annotated! {
    /// The descriptor array and its bitmaps (Linux `struct fdtable`).
    #[derive(Debug)]
    pub struct Fdtable {
        /// Number of slots; dynamic although it only grows (by expansion,
        /// under the table lock): every lookup compares with it, and a
        /// `Quasi` cell's atomic load cannot fold into that compare. A
        /// specialization keeps the bounds check and stays valid across
        /// expansion because the array pointer `fd` is `Quasi`.
        pub max_fds: u32,
        /// Lowest possibly free descriptor (allocation hint; dynamic).
        pub next_fd: u32,
        /// `max_fds` slots; Quasi: replaced only by expansion, under the table lock.
        pub fd: Quasi<*mut FdSlot> => [FdSlot; max_fds],
        /// Open bitmap, `max_fds / 64` words (dynamic).
        pub open_fds: *mut u64,
        /// Close-on-exec bitmap, `max_fds / 64` words (dynamic).
        pub close_on_exec: *mut u64,
    }
}

annotated! {
    /// A per-process descriptor table (Linux `files_struct`).
    #[derive(Debug)]
    pub struct FilesStruct {
        /// QUID for `users` and for the bindings of the embedded table
        /// (`fdt.fd` and every slot): outside the `fdt` cell, so a writer
        /// prepares the guarded write before taking `lock`.
        pub deps: QuasiDeps,
        /// Threads using this table; quasi-invariant (written under `lock` by
        /// thread attach/detach): `users == 1` enables the lock-free lookup.
        pub users: Quasi<u32>,
        /// Lifetime references (dynamic).
        pub refcount: AtomicUsize,
        /// Protects `fdt` against concurrent modification.
        pub lock: SpinLock<()>,
        /// The table itself (modified only under `lock`).
        pub fdt: UnsafeCell<Fdtable> => embed Fdtable,
    }
}

/// One directory entry.
#[derive(Debug)]
pub struct DirEntry {
    /// The name (no `/`, no NUL, 1..=255 bytes).
    pub name: Box<[u8]>,
    /// The inode (the entry holds one reference).
    pub inode: *mut Inode,
}

/// The kind-specific contents of an inode.
#[derive(Debug)]
pub struct InodeData {
    /// Regular file: page map.
    pub pages: PageMap,
    /// Directory: entries (under the namespace mutex).
    pub entries: Vec<DirEntry>,
    /// Directory: the parent (`..`; one reference held; root points to itself
    /// without a reference).
    pub parent: *mut Inode,
}

annotated! {
    /// An inode.
    #[derive(Debug)]
    pub struct Inode {
        /// QUID for the `Quasi` fields.
        pub deps: QuasiDeps,
        /// Inode number; fixed.
        pub ino: Const<u64>,
        /// Device; fixed.
        pub dev: Const<u64>,
        /// `S_IFMT` type bits; fixed.
        pub kind: Const<u32>,
        /// Default file operations for opens; fixed.
        pub i_fop: Const<*const FileOps> => FileOps,
        /// Pipe of a pipe inode (null otherwise); fixed.
        pub i_pipe: Const<*mut c_void>,
        /// Permission bits (07777); quasi-invariant (chmod, under `data`).
        pub mode: Quasi<u32>,
        /// Owner; quasi-invariant.
        pub uid: Quasi<Uid>,
        /// Group; quasi-invariant.
        pub gid: Quasi<Gid>,
        /// In-memory references (dynamic).
        pub refcount: AtomicUsize,
        /// Hard links (dynamic).
        pub nlink: AtomicU32,
        /// Size in bytes (dynamic; written under `data`).
        pub size: AtomicU64,
        /// Access time, ns (dynamic).
        pub atime: AtomicU64,
        /// Modification time, ns (dynamic).
        pub mtime: AtomicU64,
        /// Change time, ns (dynamic).
        pub ctime: AtomicU64,
        /// Contents; file data under this mutex, directory entries under the
        /// namespace mutex.
        pub data: Mutex<InodeData>,
    }
}

// SAFETY: shared state is atomic or behind the documented locks.
unsafe impl Sync for Inode {}
// SAFETY: as above.
unsafe impl Send for Inode {}

/// The kernel's view of the dispatch table.
pub type SyscallTable = abi::SyscallTable<*mut Thread>;

opaque_desc!(SyscallTable, "SyscallTable");
