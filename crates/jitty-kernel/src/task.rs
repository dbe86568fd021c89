//! Processes, threads, credentials and the process table.
//!
//! * [`Process`] is a thread group (Linux's `signal_struct` + the group
//!   leader's `task_struct`): pid, credentials, session and process group,
//!   the parent link, the descriptor table, signal handlers, the syscall
//!   dispatch table (GFT) pointer.
//! * [`Thread`] is one host thread executing in a process (`task_struct` of a
//!   thread): blocked mask and thread-directed pending signals. Kernel threads
//!   are host threads; a host thread enters a process with
//!   [`task_enter`] (or [`clone_thread`] from a running thread) and passes its
//!   `*mut Thread` — Linux's `current` — as the first argument of every
//!   syscall.
//! * The process table is an IDR-like two-level radix tree indexed by pid,
//!   with cyclic pid allocation, protected by the `tasklist_lock`
//!   ([`TASKLIST`]): readers for lookups, writer for spawn/exit/reap.
//!
//! Lifetime: a process holds one reference for its pid-table slot (dropped
//! when reaped) and one per attached thread. Exit happens when no thread is
//! inside a syscall (`active == 0`): the last one out, or the exiting caller
//! itself, tears the process down (closes files, reparents children to init,
//! becomes a zombie or is auto-reaped when its parent ignores SIGCHLD).

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicI32, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use crate::abi::*;
use crate::annotations::{Const, Quasi, QuasiDeps, QuasiWrite};
use crate::file::FilesStruct;
use crate::signal::{self, SigHand};
use crate::sync::{RwSpinLock, WaitQueue};
use crate::syscall::{GENERIC_GFT, SyscallTable};
use crate::vfs::{self, Inode};

/// Process flag: exit has begun; no new syscalls are admitted.
pub const PF_EXITING: u32 = 1;
/// Process flag: stopped by a stop signal.
pub const PF_STOPPED: u32 = 2;
/// Process flag: teardown done; the process is a zombie.
pub const PF_ZOMBIE: u32 = 4;
/// Process flag: a stop not yet reported to `wait4(WUNTRACED)`.
pub const PF_STOP_REPORT: u32 = 8;
/// Process flag: teardown claimed (set once).
pub const PF_EXIT_CLAIMED: u32 = 16;

/// A process (thread group).
#[repr(C)]
#[derive(Debug)]
pub struct Process {
    /// QUID for every `Quasi` field of this process.
    pub deps: QuasiDeps,
    /// Process id; fixed.
    pub pid: Const<Pid>,
    /// Descriptor table; fixed for the life of the process.
    pub files: Const<*mut FilesStruct>,
    /// Signal handlers; fixed for the life of the process.
    pub sighand: Const<*mut SigHand>,
    /// The syscall dispatch table (GFT); quasi-invariant: the specialization
    /// runtime replugs it.
    pub gft: Quasi<*const SyscallTable>,
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

// SAFETY: all mutable state is atomic or protected by the documented locks.
unsafe impl Sync for Process {}
// SAFETY: as above.
unsafe impl Send for Process {}

impl Process {
    /// The signal-handler table.
    #[inline(always)]
    pub fn sighand(&self) -> &SigHand {
        // SAFETY: `sighand` lives as long as the process.
        unsafe { &*self.sighand.get() }
    }

    /// The descriptor table.
    #[inline(always)]
    pub fn files(&self) -> &FilesStruct {
        // SAFETY: `files` lives as long as the process.
        unsafe { &*self.files.get() }
    }

    /// Whether exit has begun.
    #[inline(always)]
    pub fn exiting(&self) -> bool {
        self.flags.load(Ordering::Acquire) & PF_EXITING != 0
    }

    /// The children list (tasklist lock held).
    ///
    /// # Safety
    /// The caller holds [`TASKLIST`] (writer to modify).
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn children(&self) -> &mut Vec<*mut Process> {
        // SAFETY: forwarded to the caller.
        unsafe { &mut *self.children.get() }
    }

    /// The thread list (siglock held).
    ///
    /// # Safety
    /// The caller holds `sighand.siglock`.
    #[allow(clippy::mut_from_ref)]
    pub unsafe fn threads(&self) -> &mut Vec<*mut Thread> {
        // SAFETY: forwarded to the caller.
        unsafe { &mut *self.threads.get() }
    }
}

/// A thread: one host thread attached to a process.
#[repr(C)]
#[derive(Debug)]
pub struct Thread {
    /// The process; fixed.
    pub process: Const<*mut Process>,
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

impl Thread {
    /// The thread's process.
    #[inline(always)]
    pub fn proc_(&self) -> &Process {
        // SAFETY: a thread holds a reference on its process.
        unsafe { &*self.process.get() }
    }

    /// Whether the current syscall must restart through its dispatch slot.
    #[inline(always)]
    pub fn must_restart(&self) -> bool {
        self.restart.load(Ordering::Relaxed) != 0
    }
}

/// The tasklist lock: protects the pid table, parent/children links, pgid/sid.
pub static TASKLIST: RwSpinLock = RwSpinLock::new();

const LEAF_SHIFT: u32 = 9;
const LEAF_SLOTS: usize = 1 << LEAF_SHIFT;
const ROOT_SLOTS: usize = (PID_MAX as usize) >> LEAF_SHIFT;

/// A leaf of the pid radix tree.
#[repr(C)]
#[derive(Debug)]
pub struct PidLeaf {
    /// Processes by `pid & 511`.
    pub slots: [*mut Process; LEAF_SLOTS],
    /// Allocated pids of this leaf (bit per slot).
    pub used: [u64; LEAF_SLOTS / 64],
    /// Number of bits set in `used`.
    pub count: u32,
}

/// The pid table: a two-level radix tree (64 × 512) over pids `1..PID_MAX`.
#[repr(C)]
#[derive(Debug)]
pub struct PidTable {
    /// Leaves by `pid >> 9`.
    pub root: [*mut PidLeaf; ROOT_SLOTS],
    /// Last allocated pid (cyclic allocation).
    pub last_pid: Pid,
    /// Number of allocated pids.
    pub nr: u32,
}

/// Holder for the pid table (accessed under [`TASKLIST`]).
#[repr(transparent)]
#[derive(Debug)]
pub struct PidTableCell(UnsafeCell<PidTable>);

// SAFETY: every access goes through TASKLIST.
unsafe impl Sync for PidTableCell {}

/// The process table.
pub static PID_TABLE: PidTableCell =
    PidTableCell(UnsafeCell::new(PidTable { root: [ptr::null_mut(); ROOT_SLOTS], last_pid: 0, nr: 0 }));

/// The pid table.
///
/// # Safety
/// The caller holds [`TASKLIST`] (writer to modify).
#[allow(clippy::mut_from_ref)]
pub unsafe fn pid_table() -> &'static mut PidTable {
    // SAFETY: forwarded to the caller.
    unsafe { &mut *PID_TABLE.0.get() }
}

impl PidTable {
    /// The process with `pid`, or null.
    #[inline]
    pub fn lookup(&self, pid: Pid) -> *mut Process {
        if pid <= 0 || pid >= PID_MAX {
            return ptr::null_mut();
        }
        let leaf = self.root[(pid as usize) >> LEAF_SHIFT];
        if leaf.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: leaves are never freed once allocated.
        unsafe { (*leaf).slots[(pid as usize) & (LEAF_SLOTS - 1)] }
    }

    fn leaf(&mut self, pid: Pid) -> *mut PidLeaf {
        let i = (pid as usize) >> LEAF_SHIFT;
        if self.root[i].is_null() {
            self.root[i] = Box::into_raw(Box::new(PidLeaf {
                slots: [ptr::null_mut(); LEAF_SLOTS],
                used: [0; LEAF_SLOTS / 64],
                count: 0,
            }));
        }
        self.root[i]
    }

    fn is_used(&self, pid: Pid) -> bool {
        let leaf = self.root[(pid as usize) >> LEAF_SHIFT];
        let s = (pid as usize) & (LEAF_SLOTS - 1);
        // SAFETY: leaves are never freed.
        !leaf.is_null() && unsafe { (*leaf).used[s / 64] } & (1 << (s % 64)) != 0
    }

    /// Allocates the next free pid after `last_pid`, wrapping to 2 (pid 1 is init).
    pub fn alloc(&mut self) -> Option<Pid> {
        if self.nr as i32 >= PID_MAX - 1 {
            return None;
        }
        let mut pid = self.last_pid;
        for _ in 0..PID_MAX {
            pid += 1;
            if pid >= PID_MAX {
                pid = if self.nr == 0 { 1 } else { 2 };
            }
            if !self.is_used(pid) {
                let leaf = self.leaf(pid);
                let s = (pid as usize) & (LEAF_SLOTS - 1);
                // SAFETY: `leaf` was just ensured.
                unsafe {
                    (*leaf).used[s / 64] |= 1 << (s % 64);
                    (*leaf).count += 1;
                }
                self.nr += 1;
                self.last_pid = pid;
                return Some(pid);
            }
        }
        None
    }

    /// Publishes `p` under its (allocated) pid.
    pub fn attach(&mut self, pid: Pid, p: *mut Process) {
        let leaf = self.leaf(pid);
        // SAFETY: `leaf` exists.
        unsafe { (*leaf).slots[(pid as usize) & (LEAF_SLOTS - 1)] = p };
    }

    /// Frees `pid` and clears its slot.
    pub fn free(&mut self, pid: Pid) {
        if !self.is_used(pid) {
            return;
        }
        let leaf = self.leaf(pid);
        let s = (pid as usize) & (LEAF_SLOTS - 1);
        // SAFETY: `leaf` exists.
        unsafe {
            (*leaf).slots[s] = ptr::null_mut();
            (*leaf).used[s / 64] &= !(1 << (s % 64));
            (*leaf).count -= 1;
        }
        self.nr -= 1;
    }

    /// Calls `f` on every published process, in pid order.
    pub fn for_each(&self, mut f: impl FnMut(*mut Process)) {
        for &leaf in self.root.iter() {
            if leaf.is_null() {
                continue;
            }
            // SAFETY: leaves are never freed.
            for &p in unsafe { (*leaf).slots.iter() } {
                if !p.is_null() {
                    f(p);
                }
            }
        }
    }
}

/// The init process (pid 1), set at boot.
pub static INIT: AtomicPtr<Process> = AtomicPtr::new(ptr::null_mut());
static NEXT_TID: AtomicU32 = AtomicU32::new(1);

/// Takes a reference on a process.
#[inline]
pub fn get_process(p: *mut Process) {
    // SAFETY: the caller holds a reference or the tasklist lock.
    unsafe { (*p).refcount.fetch_add(1, Ordering::Relaxed) };
}

/// Drops a reference on a process; the last frees it.
///
/// # Safety
/// The caller owns one reference to the live `p`.
pub unsafe fn put_process(p: *mut Process) {
    // SAFETY: `p` is live while we hold a reference.
    if unsafe { (*p).refcount.fetch_sub(1, Ordering::AcqRel) } != 1 {
        return;
    }
    // SAFETY: last reference; nothing else reaches `p`.
    unsafe {
        FilesStruct::free((*p).files.get());
        SigHand::free((*p).sighand.get());
        let cwd = (*p).cwd.swap(ptr::null_mut(), Ordering::AcqRel);
        if !cwd.is_null() {
            vfs::iput(cwd);
        }
        drop(Box::from_raw(p));
    }
}

/// Looks a process up by pid and takes a reference on it.
pub fn find_get_process(pid: Pid) -> *mut Process {
    let _g = TASKLIST.read();
    // SAFETY: read lock held.
    let p = unsafe { pid_table() }.lookup(pid);
    if !p.is_null() {
        get_process(p);
    }
    p
}

struct ProcInit {
    uid: Uid,
    gid: Gid,
    euid: Uid,
    egid: Gid,
    suid: Uid,
    sgid: Gid,
    pgid: Pid,
    sid: Pid,
    parent: *mut Process,
    files: *mut FilesStruct,
    sighand: *mut SigHand,
    gft: *const SyscallTable,
    idle_blocked: SigSet,
    umask: u32,
    cwd: *mut Inode,
}

fn new_process(pid: Pid, i: ProcInit) -> *mut Process {
    Box::into_raw(Box::new(Process {
        deps: QuasiDeps::new(),
        pid: Const::new(pid),
        files: Const::new(i.files),
        sighand: Const::new(i.sighand),
        gft: Quasi::new(i.gft),
        uid: Quasi::new(i.uid),
        euid: Quasi::new(i.euid),
        suid: Quasi::new(i.suid),
        gid: Quasi::new(i.gid),
        egid: Quasi::new(i.egid),
        sgid: Quasi::new(i.sgid),
        pgid: Quasi::new(if i.pgid == 0 { pid } else { i.pgid }),
        sid: Quasi::new(if i.sid == 0 { pid } else { i.sid }),
        parent: AtomicPtr::new(i.parent),
        nr_threads: Quasi::new(0),
        active: AtomicU32::new(0),
        flags: AtomicU32::new(0),
        exit_status: AtomicI32::new(0),
        shared_pending: AtomicU64::new(0),
        idle_blocked: AtomicU64::new(i.idle_blocked),
        umask: AtomicU32::new(i.umask),
        cwd: AtomicPtr::new(i.cwd),
        refcount: AtomicUsize::new(1),
        children: UnsafeCell::new(Vec::new()),
        threads: UnsafeCell::new(Vec::new()),
        child_wq: WaitQueue::new(),
        stop_wq: WaitQueue::new(),
    }))
}

/// Creates init (pid 1, root, its own session). Its SIGCHLD disposition is
/// SIG_IGN, so orphans reparented to it are reaped automatically.
pub fn create_init() -> Result<*mut Process, i32> {
    let _g = TASKLIST.write();
    // SAFETY: write lock held.
    let t = unsafe { pid_table() };
    let pid = t.alloc().ok_or(ENOMEM)?;
    let sighand = SigHand::new();
    // SAFETY: fresh, private object.
    unsafe {
        let sh = &*sighand;
        // A fresh object: nothing depends on it, so this prepare cannot take
        // the slow path although TASKLIST is held.
        let w = sh.deps.prepare();
        sh.action[(SIGCHLD - 1) as usize].store(&w, SigAction { handler: SIG_IGN, flags: SA_NOCLDWAIT, mask: 0 });
    }
    let root = vfs::root();
    vfs::igrab(root);
    let p = new_process(
        pid,
        ProcInit {
            uid: 0,
            gid: 0,
            euid: 0,
            egid: 0,
            suid: 0,
            sgid: 0,
            pgid: 0,
            sid: 0,
            parent: ptr::null_mut(),
            files: FilesStruct::new(),
            sighand,
            gft: &GENERIC_GFT,
            idle_blocked: 0,
            umask: 0o022,
            cwd: root,
        },
    );
    t.attach(pid, p);
    INIT.store(p, Ordering::Release);
    Ok(p)
}

/// Fork-like process creation: the child of `parent` copies its credentials,
/// session and group, umask, cwd, descriptor table (sharing the open files),
/// signal dispositions and (as its idle mask) the calling thread's blocked
/// mask. The child has no thread until one enters it. Returns the child pid.
pub fn do_spawn(parent: *mut Process, blocked: SigSet) -> Result<Pid, i32> {
    // SAFETY: the caller holds a reference on `parent`.
    let pp = unsafe { &*parent };
    if pp.exiting() {
        return Err(ESRCH);
    }
    let files = pp.files().dup();
    let sighand = SigHand::copy_from(pp.sighand());
    let cwd = loop {
        let c = pp.cwd.load(Ordering::Acquire);
        vfs::igrab(c);
        if pp.cwd.load(Ordering::Acquire) == c {
            break c;
        }
        // SAFETY: we took a reference just above.
        unsafe { vfs::iput(c) };
    };
    let _g = TASKLIST.write();
    // SAFETY: write lock held.
    let t = unsafe { pid_table() };
    let Some(pid) = t.alloc() else {
        drop(_g);
        // SAFETY: private objects never published.
        unsafe {
            FilesStruct::free(files);
            SigHand::free(sighand);
            vfs::iput(cwd);
        }
        return Err(EAGAIN);
    };
    let child = new_process(
        pid,
        ProcInit {
            uid: pp.uid.get(),
            gid: pp.gid.get(),
            euid: pp.euid.get(),
            egid: pp.egid.get(),
            suid: pp.suid.get(),
            sgid: pp.sgid.get(),
            pgid: pp.pgid.get(),
            sid: pp.sid.get(),
            parent,
            files,
            sighand,
            gft: &GENERIC_GFT,
            idle_blocked: blocked & !signal::UNBLOCKABLE,
            umask: pp.umask.load(Ordering::Relaxed),
            cwd,
        },
    );
    t.attach(pid, child);
    // SAFETY: write lock held.
    unsafe { pp.children().push(child) };
    Ok(pid)
}

/// Attaches the calling host thread to the thread-less process `pid`.
/// Returns the new `current`, or a negative errno (ESRCH: no such live
/// process; EBUSY: it already has a thread — use `clone_thread` from it).
pub fn task_enter(pid: Pid) -> Result<*mut Thread, i32> {
    let p = find_get_process(pid);
    if p.is_null() {
        return Err(ESRCH);
    }
    // SAFETY: we hold a reference.
    let pr = unsafe { &*p };
    let sh = pr.sighand();
    let w = ThreadCountWrite::prepare(pr);
    let g = sh.siglock.lock();
    if pr.exiting() || pr.nr_threads.get() != 0 {
        let e = if pr.exiting() { ESRCH } else { EBUSY };
        drop(g);
        // SAFETY: our reference.
        unsafe { put_process(p) };
        return Err(e);
    }
    let t = new_thread(p, pr.idle_blocked.load(Ordering::Relaxed));
    add_thread(pr, t, &w);
    drop(g);
    Ok(t)
}

fn new_thread(p: *mut Process, blocked: SigSet) -> *mut Thread {
    Box::into_raw(Box::new(Thread {
        process: Const::new(p),
        tid: Const::new(NEXT_TID.fetch_add(1, Ordering::Relaxed)),
        blocked: AtomicU64::new(blocked),
        pending: AtomicU64::new(0),
        sleeping_on: AtomicPtr::new(ptr::null_mut()),
        refcount: AtomicUsize::new(1),
        detached: AtomicU32::new(0),
        siginfo: [const { AtomicU64::new(0) }; SIGMAX as usize],
        restart: AtomicU32::new(0),
    }))
}

/// Adds `t` (owning a process reference) to its process; siglock held, and
/// the guarded writes of the thread count prepared before it was taken.
fn add_thread(pr: &Process, t: *mut Thread, w: &ThreadCountWrite<'_>) {
    // SAFETY: siglock held by the caller.
    unsafe { pr.threads().push(t) };
    let n = pr.nr_threads.get() + 1;
    pr.nr_threads.store(&w.process, n);
    let files = pr.files();
    let _fl = files.lock.lock();
    files.users.store(&w.files, n);
}

/// The guarded writes of a change in a process's thread count: its
/// `nr_threads` and its file table's `users`. Prepared before siglock.
struct ThreadCountWrite<'a> {
    process: QuasiWrite<'a>,
    files: QuasiWrite<'a>,
}

impl<'a> ThreadCountWrite<'a> {
    fn prepare(pr: &'a Process) -> Self {
        Self { process: pr.deps.prepare(), files: pr.files().deps.prepare() }
    }
}

/// Creates another thread in `cur`'s process (`clone(CLONE_THREAD)`); it
/// inherits `cur`'s blocked mask. Hand the result to another host thread.
pub fn clone_thread(cur: &Thread) -> Result<*mut Thread, i32> {
    let p = cur.process.get();
    // SAFETY: `cur` holds a reference on its process.
    let pr = unsafe { &*p };
    let w = ThreadCountWrite::prepare(pr);
    let g = pr.sighand().siglock.lock();
    if pr.exiting() {
        return Err(ESRCH);
    }
    get_process(p);
    let t = new_thread(p, cur.blocked.load(Ordering::Relaxed));
    add_thread(pr, t, &w);
    drop(g);
    Ok(t)
}

/// Detaches thread `t` from its process and drops the host's reference
/// (the host thread leaves the kernel for good).
///
/// # Safety
/// `t` came from [`task_enter`]/[`clone_thread`], is not inside a syscall,
/// and is not used afterwards.
pub unsafe fn task_leave(t: *mut Thread) {
    // SAFETY: live thread owned by the caller.
    let th = unsafe { &*t };
    let p = th.process.get();
    // SAFETY: the thread holds a process reference.
    let pr = unsafe { &*p };
    {
        let w = ThreadCountWrite::prepare(pr);
        let _g = pr.sighand().siglock.lock();
        if th.detached.swap(1, Ordering::AcqRel) == 0 {
            // SAFETY: siglock held.
            let ths = unsafe { pr.threads() };
            ths.retain(|&x| x != t);
            let n = pr.nr_threads.get() - 1;
            pr.nr_threads.store(&w.process, n);
            if n == 0 {
                pr.idle_blocked.store(th.blocked.load(Ordering::Relaxed), Ordering::Relaxed);
            }
            let files = pr.files();
            let _fl = files.lock.lock();
            files.users.store(&w.files, n);
        }
    }
    put_thread(t);
}

/// Drops a thread reference; the last frees it and its process reference.
pub fn put_thread(t: *mut Thread) {
    // SAFETY: the caller owns a reference.
    if unsafe { (*t).refcount.fetch_sub(1, Ordering::AcqRel) } == 1 {
        // SAFETY: last reference.
        unsafe {
            let p = (*t).process.get();
            drop(Box::from_raw(t));
            put_process(p);
        }
    }
}

/// Begins a group exit with wait status `status`: marks the process exiting,
/// wakes its threads, and tears it down now if no thread is in a syscall.
pub fn do_group_exit(p: &Process, status: i32) {
    {
        let _g = p.sighand().siglock.lock();
        if p.flags.fetch_or(PF_EXITING, Ordering::AcqRel) & PF_EXITING != 0 {
            return;
        }
        p.exit_status.store(status, Ordering::Release);
        p.flags.fetch_and(!PF_STOPPED, Ordering::AcqRel);
        // SAFETY: siglock held.
        for &t in unsafe { p.threads() }.iter() {
            // SAFETY: attached threads are live.
            signal::wake_thread(unsafe { &*t });
        }
    }
    p.stop_wq.kick();
    try_finish_exit(p);
}

/// Finishes the exit once no thread is inside a syscall (idempotent).
pub fn try_finish_exit(p: &Process) {
    core::sync::atomic::fence(Ordering::SeqCst);
    if !p.exiting() || p.active.load(Ordering::SeqCst) != 0 {
        return;
    }
    if p.flags.fetch_or(PF_EXIT_CLAIMED, Ordering::AcqRel) & PF_EXIT_CLAIMED != 0 {
        return;
    }
    exit_finish(p);
}

fn exit_finish(p: &Process) {
    p.files().close_all();
    let init = INIT.load(Ordering::Acquire);
    let me = p as *const Process as *mut Process;
    let mut reap_self = false;
    let mut notify: *mut Process = ptr::null_mut();
    let mut reaped_orphans: Vec<*mut Process> = Vec::new();
    {
        let _g = TASKLIST.write();
        // Reparent children to init; zombies among them are reaped at once
        // (init ignores SIGCHLD).
        // SAFETY: write lock held; children are live while listed.
        unsafe {
            let kids = core::mem::take(p.children());
            for c in kids {
                let cr = &*c;
                if me == init || init.is_null() {
                    cr.parent.store(ptr::null_mut(), Ordering::Release);
                    if cr.flags.load(Ordering::Acquire) & PF_ZOMBIE != 0 {
                        pid_table().free(cr.pid.get());
                        reaped_orphans.push(c);
                    }
                    continue;
                }
                cr.parent.store(init, Ordering::Release);
                if cr.flags.load(Ordering::Acquire) & PF_ZOMBIE != 0 && signal::ignores_children(&*init) {
                    pid_table().free(cr.pid.get());
                    reaped_orphans.push(c);
                } else {
                    (*init).children().push(c);
                }
            }
        }
        p.flags.fetch_or(PF_ZOMBIE, Ordering::AcqRel);
        let parent = p.parent.load(Ordering::Acquire);
        if parent.is_null() {
            reap_self = true;
        } else {
            // SAFETY: a listed parent is live (reparenting happens under this lock).
            let pr = unsafe { &*parent };
            if signal::ignores_children(pr) {
                reap_self = true;
                // SAFETY: write lock held.
                unsafe { pr.children().retain(|&c| c != me) };
            } else {
                get_process(parent);
                notify = parent;
            }
        }
        if reap_self {
            // SAFETY: write lock held.
            unsafe { pid_table().free(p.pid.get()) };
        }
    }
    for c in reaped_orphans {
        // SAFETY: the pid-table reference of the reaped child.
        unsafe { put_process(c) };
    }
    if !notify.is_null() {
        // SAFETY: we took a reference on the parent above.
        unsafe {
            signal::send_signal_kernel(&*notify, SIGCHLD);
            (*notify).child_wq.kick();
            put_process(notify);
        }
    }
    p.stop_wq.kick();
    if reap_self {
        // SAFETY: the pid-table reference, released on self-reap.
        unsafe { put_process(me) };
    }
}

/// `wait4`: waits for a child matching `pid` (> 0: that pid; -1: any;
/// 0: same process group; < -1: group `-pid`) to exit (or stop, with
/// `WUNTRACED`). Returns `(pid, status)`; `(0, 0)` with `WNOHANG` when
/// none is ready.
pub fn do_wait(cur: &Thread, pid: Pid, options: i32) -> Result<(Pid, i32), i32> {
    if options & !(WNOHANG | WUNTRACED) != 0 {
        return Err(EINVAL);
    }
    let p = cur.proc_();
    loop {
        let ticket = p.child_wq.prepare();
        let mut found = false;
        let mut reaped: *mut Process = ptr::null_mut();
        let mut result = None;
        {
            let _g = TASKLIST.write();
            // SAFETY: write lock held; listed children are live.
            let kids = unsafe { p.children() };
            let mut idx = None;
            for (i, &c) in kids.iter().enumerate() {
                // SAFETY: listed children are live.
                let cr = unsafe { &*c };
                let matches = match pid {
                    -1 => true,
                    0 => cr.pgid.get() == p.pgid.get(),
                    x if x > 0 => cr.pid.get() == x,
                    x => cr.pgid.get() == -x,
                };
                if !matches {
                    continue;
                }
                found = true;
                let fl = cr.flags.load(Ordering::Acquire);
                if fl & PF_ZOMBIE != 0 {
                    idx = Some(i);
                    result = Some((cr.pid.get(), cr.exit_status.load(Ordering::Acquire)));
                    break;
                }
                if options & WUNTRACED != 0 && fl & PF_STOP_REPORT != 0 && fl & PF_STOPPED != 0 {
                    cr.flags.fetch_and(!PF_STOP_REPORT, Ordering::AcqRel);
                    result = Some((cr.pid.get(), w_stopsig(SIGSTOP)));
                    break;
                }
            }
            if let Some(i) = idx {
                reaped = kids.swap_remove(i);
                // SAFETY: write lock held; `reaped` is live.
                unsafe { pid_table().free((*reaped).pid.get()) };
            }
        }
        if let Some(r) = result {
            p.child_wq.finish();
            if !reaped.is_null() {
                // SAFETY: the pid-table reference of the reaped child.
                unsafe { put_process(reaped) };
            }
            return Ok(r);
        }
        if !found {
            p.child_wq.finish();
            return Err(ECHILD);
        }
        if options & WNOHANG != 0 {
            p.child_wq.finish();
            return Ok((0, 0));
        }
        if !signal::sleep_interruptible(cur, &p.child_wq, ticket) {
            return Err(EINTR);
        }
    }
}

/// Credential-changing operations (Linux `setresuid` family semantics).
pub mod cred {
    use super::*;

    fn capable(p: &Process) -> bool {
        p.euid.get() == 0
    }

    /// `setresuid(r, e, s)`; `u32::MAX` (-1) leaves a field unchanged.
    pub fn setresuid(p: &Process, r: u32, e: u32, s: u32) -> Result<(), i32> {
        let w = p.deps.prepare();
        let _g = p.sighand().siglock.lock();
        let (ou, oe, os) = (p.uid.get(), p.euid.get(), p.suid.get());
        if !capable(p) {
            for v in [r, e, s] {
                if v != u32::MAX && v != ou && v != oe && v != os {
                    return Err(EPERM);
                }
            }
        }
        if r != u32::MAX {
            p.uid.store(&w, r);
        }
        if e != u32::MAX {
            p.euid.store(&w, e);
        }
        if s != u32::MAX {
            p.suid.store(&w, s);
        }
        Ok(())
    }

    /// `setuid(u)`: privileged sets all three ids; otherwise only the
    /// effective id, to the real or saved id.
    pub fn setuid(p: &Process, u: u32) -> Result<(), i32> {
        if u == u32::MAX {
            return Err(EINVAL);
        }
        if capable(p) {
            setresuid(p, u, u, u)
        } else if u == p.uid.get() || u == p.suid.get() {
            setresuid(p, u32::MAX, u, u32::MAX)
        } else {
            Err(EPERM)
        }
    }

    /// `setresgid(r, e, s)`.
    pub fn setresgid(p: &Process, r: u32, e: u32, s: u32) -> Result<(), i32> {
        let w = p.deps.prepare();
        let _g = p.sighand().siglock.lock();
        let (og, oe, os) = (p.gid.get(), p.egid.get(), p.sgid.get());
        if !capable(p) {
            for v in [r, e, s] {
                if v != u32::MAX && v != og && v != oe && v != os {
                    return Err(EPERM);
                }
            }
        }
        if r != u32::MAX {
            p.gid.store(&w, r);
        }
        if e != u32::MAX {
            p.egid.store(&w, e);
        }
        if s != u32::MAX {
            p.sgid.store(&w, s);
        }
        Ok(())
    }

    /// `setgid(g)`.
    pub fn setgid(p: &Process, g: u32) -> Result<(), i32> {
        if g == u32::MAX {
            return Err(EINVAL);
        }
        if capable(p) {
            setresgid(p, g, g, g)
        } else if g == p.gid.get() || g == p.sgid.get() {
            setresgid(p, u32::MAX, g, u32::MAX)
        } else {
            Err(EPERM)
        }
    }

    /// `setsid()`: a new session and group led by the caller; EPERM if it
    /// already leads a process group.
    pub fn setsid(p: &Process) -> Result<Pid, i32> {
        let w = p.deps.prepare();
        let _g = TASKLIST.write();
        let pid = p.pid.get();
        let mut leader = false;
        // SAFETY: write lock held.
        unsafe { pid_table() }.for_each(|q| {
            // SAFETY: published processes are live under the lock.
            if unsafe { (*q).pgid.get() } == pid {
                leader = true;
            }
        });
        if leader {
            return Err(EPERM);
        }
        p.sid.store(&w, pid);
        p.pgid.store(&w, pid);
        Ok(pid)
    }

    /// `setpgid(pid, pgid)` with Linux's rules (self or own child, same
    /// session, not a session leader, target group in the same session).
    pub fn setpgid(cur: &Process, pid: Pid, pgid: Pid) -> Result<(), i32> {
        if pgid < 0 {
            return Err(EINVAL);
        }
        let pid = if pid == 0 { cur.pid.get() } else { pid };
        // The target's guarded write is prepared before TASKLIST is taken:
        // look it up (holding a reference), prepare, lock, check it is still
        // the process with that pid.
        let held = find_get_process(pid);
        if held.is_null() {
            return Err(ESRCH);
        }
        let r = {
            // SAFETY: we hold a reference.
            let w = unsafe { &*held }.deps.prepare();
            let _g = TASKLIST.write();
            // SAFETY: write lock held.
            let t = unsafe { pid_table() };
            if t.lookup(pid) != held { Err(ESRCH) } else { setpgid_locked(cur, t, held, pid, pgid, &w) }
        };
        // SAFETY: our reference.
        unsafe { put_process(held) };
        r
    }

    /// `setpgid` with TASKLIST held and the target's guarded write prepared.
    fn setpgid_locked(
        cur: &Process,
        t: &PidTable,
        target: *mut Process,
        pid: Pid,
        pgid: Pid,
        w: &QuasiWrite<'_>,
    ) -> Result<(), i32> {
        // SAFETY: published processes are live under the lock.
        let tp = unsafe { &*target };
        let me = cur as *const Process as *mut Process;
        if target != me && tp.parent.load(Ordering::Acquire) != me {
            return Err(ESRCH);
        }
        if tp.sid.get() != cur.sid.get() {
            return Err(EPERM);
        }
        if tp.sid.get() == tp.pid.get() {
            return Err(EPERM);
        }
        let pgid = if pgid == 0 { pid } else { pgid };
        if pgid != pid {
            let mut ok = false;
            t.for_each(|q| {
                // SAFETY: live under the lock.
                let q = unsafe { &*q };
                if q.pgid.get() == pgid && q.sid.get() == cur.sid.get() {
                    ok = true;
                }
            });
            if !ok {
                return Err(EPERM);
            }
        }
        tp.pgid.store(w, pgid);
        Ok(())
    }
}
