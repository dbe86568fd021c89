//! Processes and threads: references, the process table, threads entering
//! and leaving, credentials.
//!
//! * [`Process`] (declared in `kobj`) is a thread group (Linux's
//!   `signal_struct` + the group leader's `task_struct`): pid, credentials,
//!   session and process group, the parent link, the descriptor table,
//!   signal handlers, the syscall dispatch table (GFT) pointer.
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
//! when reaped) and one per attached thread. Creation (init, spawn) and
//! `wait4` are in `process`, exit and teardown in `exit`: both sit above
//! this layer, which they and `signal` use.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use crate::abi::*;
use crate::annotations::{Const, Quasi, QuasiDeps, QuasiWrite};
use crate::inode::iput;
use crate::kobj::{FilesStruct, Process, SigHand, Thread};
use crate::sync::RwSpinLock;
use crate::typedesc::annotated;

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

annotated! {
    /// A leaf of the pid radix tree.
    #[derive(Debug)]
    pub struct PidLeaf {
        /// Processes by `pid & 511`: the pid→Process bindings; Quasi: written
        /// by spawn (attach) and exit/reaping (free) through the guarded write
        /// of the table's QUID ([`PidTableCell::deps`]), under the tasklist
        /// write lock.
        pub slots: [Quasi<*mut Process>; LEAF_SLOTS] => Process,
        /// Allocated pids of this leaf (bit per slot; dynamic).
        pub used: [u64; LEAF_SLOTS / 64],
        /// Number of bits set in `used` (dynamic).
        pub count: u32,
    }
}

annotated! {
    /// The pid table: a two-level radix tree (64 × 512) over pids `1..PID_MAX`.
    #[derive(Debug)]
    pub struct PidTable {
        /// Leaves by `pid >> 9`; Quasi: each slot is written once, null →
        /// leaf, through the guarded write of [`PidTableCell::deps`] under the
        /// tasklist write lock (leaves are never freed).
        pub root: [Quasi<*mut PidLeaf>; ROOT_SLOTS] => PidLeaf,
        /// Last allocated pid (cyclic allocation; dynamic).
        pub last_pid: Pid,
        /// Number of allocated pids (dynamic).
        pub nr: u32,
    }
}

annotated! {
    /// Holder for the pid table (accessed under [`TASKLIST`]) and its QUID.
    #[derive(Debug)]
    pub struct PidTableCell {
        /// The table (first: the cell's address is the table's).
        table: UnsafeCell<PidTable> => embed PidTable,
        /// QUID for every binding of the table (`root` and each leaf's
        /// `slots`). Outside the locked cell, so a writer prepares the guarded
        /// write before taking [`TASKLIST`]: a spawning writer learns its pid,
        /// hence its leaf, only under the lock.
        pub deps: QuasiDeps,
    }
}

// SAFETY: every access to `table` goes through TASKLIST; `deps` is atomic.
unsafe impl Sync for PidTableCell {}

/// The process table.
pub static PID_TABLE: PidTableCell = PidTableCell { table: UnsafeCell::new(PidTable::new()), deps: QuasiDeps::new() };

/// The pid table.
///
/// # Safety
/// The caller holds [`TASKLIST`] (writer to modify).
#[allow(clippy::mut_from_ref)]
pub unsafe fn pid_table() -> &'static mut PidTable {
    // SAFETY: forwarded to the caller.
    unsafe { &mut *PID_TABLE.table.get() }
}

impl Default for PidTable {
    fn default() -> Self {
        Self::new()
    }
}

impl PidTable {
    /// An empty table.
    pub const fn new() -> Self {
        PidTable { root: [const { Quasi::new(ptr::null_mut()) }; ROOT_SLOTS], last_pid: 0, nr: 0 }
    }

    /// The process with `pid`, or null.
    #[inline]
    pub fn lookup(&self, pid: Pid) -> *mut Process {
        if pid <= 0 || pid >= PID_MAX {
            return ptr::null_mut();
        }
        let leaf = self.root[(pid as usize) >> LEAF_SHIFT].get();
        if leaf.is_null() {
            return ptr::null_mut();
        }
        // SAFETY: leaves are never freed once allocated.
        unsafe { (*leaf).slots[(pid as usize) & (LEAF_SLOTS - 1)].get() }
    }

    fn leaf(&mut self, w: &QuasiWrite<'_>, pid: Pid) -> *mut PidLeaf {
        let i = (pid as usize) >> LEAF_SHIFT;
        if self.root[i].get().is_null() {
            let leaf = Box::into_raw(Box::new(PidLeaf {
                slots: [const { Quasi::new(ptr::null_mut()) }; LEAF_SLOTS],
                used: [0; LEAF_SLOTS / 64],
                count: 0,
            }));
            self.root[i].store(w, leaf);
        }
        self.root[i].get()
    }

    fn is_used(&self, pid: Pid) -> bool {
        let leaf = self.root[(pid as usize) >> LEAF_SHIFT].get();
        let s = (pid as usize) & (LEAF_SLOTS - 1);
        // SAFETY: leaves are never freed.
        !leaf.is_null() && unsafe { (*leaf).used[s / 64] } & (1 << (s % 64)) != 0
    }

    /// Allocates the next free pid after `last_pid`, wrapping to 2 (pid 1 is
    /// init), within the guarded write `w` of the table's QUID (a new leaf
    /// is a new binding).
    pub fn alloc(&mut self, w: &QuasiWrite<'_>) -> Option<Pid> {
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
                let leaf = self.leaf(w, pid);
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

    /// Publishes `p` under its (allocated) pid, within the guarded write `w`.
    pub fn attach(&mut self, w: &QuasiWrite<'_>, pid: Pid, p: *mut Process) {
        let leaf = self.leaf(w, pid);
        // SAFETY: `leaf` exists (leaves are never freed).
        unsafe { (*leaf).slots[(pid as usize) & (LEAF_SLOTS - 1)].store(w, p) };
    }

    /// Frees `pid` and clears its slot, within the guarded write `w`.
    pub fn free(&mut self, w: &QuasiWrite<'_>, pid: Pid) {
        if !self.is_used(pid) {
            return;
        }
        let leaf = self.leaf(w, pid);
        let s = (pid as usize) & (LEAF_SLOTS - 1);
        // SAFETY: `leaf` exists (leaves are never freed).
        unsafe {
            (*leaf).slots[s].store(w, ptr::null_mut());
            (*leaf).used[s / 64] &= !(1 << (s % 64));
            (*leaf).count -= 1;
        }
        self.nr -= 1;
    }

    /// Calls `f` on every published process, in pid order. Out of line: the
    /// enumeration (group kills, setsid/setpgid, the checker) is cold, and
    /// its loop of `Quasi` loads inlined into `kill_something_info` cost the
    /// single-pid `kill` path an instruction.
    #[inline(never)]
    pub fn for_each(&self, mut f: impl FnMut(*mut Process)) {
        for leaf in self.root.iter() {
            let leaf = leaf.get();
            if leaf.is_null() {
                continue;
            }
            // SAFETY: leaves are never freed.
            for p in unsafe { (*leaf).slots.iter() } {
                let p = p.get();
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
            iput(cwd);
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

/// Wakes `t` if it sleeps interruptibly (signal_wake_up).
pub fn wake_thread(t: &Thread) {
    let wq = t.sleeping_on.load(Ordering::Acquire);
    if !wq.is_null() {
        // SAFETY: a thread publishes the queue only while it sleeps on it
        // holding a reference to the queue's owner, and clears it under
        // siglock (which our caller holds) before dropping that reference.
        unsafe { (*wq).kick() };
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
