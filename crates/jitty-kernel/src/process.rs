//! Process creation and `wait4` (Linux `kernel/fork.c` and the waiting half
//! of `kernel/exit.c`).
//!
//! * [`create_init`] makes pid 1; [`do_spawn`] makes a fork-like child. The
//!   caller names the dispatch table (GFT) the new process starts with: the
//!   table belongs to the syscall layer above this one.
//! * [`do_wait`] reaps or reports children, sleeping interruptibly.

use alloc::boxed::Box;
use alloc::vec::Vec;
use core::cell::UnsafeCell;
use core::ptr;
use core::sync::atomic::{AtomicI32, AtomicPtr, AtomicU32, AtomicU64, AtomicUsize, Ordering};

use crate::abi::*;
use crate::annotations::{Const, Quasi, QuasiDeps};
use crate::inode::{igrab, iput};
use crate::kobj::{FilesStruct, Inode, Process, SigHand, SyscallTable, Thread};
use crate::signal;
use crate::sync::WaitQueue;
use crate::task::{INIT, PF_STOP_REPORT, PF_STOPPED, PF_ZOMBIE, TASKLIST, pid_table, put_process};
use crate::vfs;

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

/// Creates init (pid 1, root, its own session) dispatching through `gft`.
/// Its SIGCHLD disposition is SIG_IGN, so orphans reparented to it are
/// reaped automatically.
pub fn create_init(gft: *const SyscallTable) -> Result<*mut Process, i32> {
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
    igrab(root);
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
            gft,
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
/// mask. The child has no thread until one enters it and dispatches through
/// `gft`. Returns the child pid.
pub fn do_spawn(parent: *mut Process, blocked: SigSet, gft: *const SyscallTable) -> Result<Pid, i32> {
    // SAFETY: the caller holds a reference on `parent`.
    let pp = unsafe { &*parent };
    if pp.exiting() {
        return Err(ESRCH);
    }
    let files = pp.files().dup();
    let sighand = SigHand::copy_from(pp.sighand());
    let cwd = loop {
        let c = pp.cwd.load(Ordering::Acquire);
        igrab(c);
        if pp.cwd.load(Ordering::Acquire) == c {
            break c;
        }
        // SAFETY: we took a reference just above.
        unsafe { iput(c) };
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
            iput(cwd);
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
            gft,
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
