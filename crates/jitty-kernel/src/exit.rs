//! Group exit and teardown (the exiting half of Linux `kernel/exit.c`).
//!
//! [`do_group_exit`] marks a process exiting and wakes its threads; the
//! teardown ([`try_finish_exit`]) runs once no thread is inside a syscall:
//! close every descriptor, reparent the children to init, become a zombie or
//! be reaped at once when the parent ignores SIGCHLD.
//!
//! Telling the parent (SIGCHLD and a `wait4` wake-up) is signal generation,
//! which sits above this layer (it calls [`do_group_exit`] for fatal
//! signals). So exit does not call up: it returns an [`ExitNotice`] holding
//! the parent, and its caller hands it to `signal::notify_parent_exit`.

use alloc::vec::Vec;
use core::ptr::{self, NonNull};
use core::sync::atomic::Ordering;

use crate::abi::*;
use crate::kobj::Process;
use crate::task::{
    INIT, PF_EXIT_CLAIMED, PF_EXITING, PF_STOPPED, PF_ZOMBIE, PID_TABLE, TASKLIST, get_process, pid_table, put_process,
    wake_thread,
};

/// An exited child's parent still to be told (SIGCHLD and a wake-up of its
/// `wait4`); holds a reference on the parent, which the notification drops.
#[derive(Debug)]
#[must_use = "the parent must be notified (signal::notify_parent_exit)"]
pub struct ExitNotice(pub NonNull<Process>);

/// Whether `p`'s parent-side SIGCHLD disposition asks for auto-reaping
/// (SIG_IGN or SA_NOCLDWAIT).
pub fn ignores_children(p: &Process) -> bool {
    let a = p.sighand().get(SIGCHLD);
    a.handler == SIG_IGN || a.flags & SA_NOCLDWAIT != 0
}

/// Begins a group exit with wait status `status`: marks the process exiting,
/// wakes its threads, and tears it down now if no thread is in a syscall.
/// Returns the parent to notify if the teardown ran (see [`ExitNotice`]).
#[must_use = "the parent must be notified (signal::notify_parent_exit)"]
pub fn do_group_exit(p: &Process, status: i32) -> Option<ExitNotice> {
    {
        let _g = p.sighand().siglock.lock();
        if p.flags.fetch_or(PF_EXITING, Ordering::AcqRel) & PF_EXITING != 0 {
            return None;
        }
        p.exit_status.store(status, Ordering::Release);
        p.flags.fetch_and(!PF_STOPPED, Ordering::AcqRel);
        // SAFETY: siglock held.
        for &t in unsafe { p.threads() }.iter() {
            // SAFETY: attached threads are live.
            wake_thread(unsafe { &*t });
        }
    }
    p.stop_wq.kick();
    try_finish_exit(p)
}

/// Finishes the exit once no thread is inside a syscall (idempotent).
/// Returns the parent to notify if the teardown ran (see [`ExitNotice`]).
#[must_use = "the parent must be notified (signal::notify_parent_exit)"]
pub fn try_finish_exit(p: &Process) -> Option<ExitNotice> {
    core::sync::atomic::fence(Ordering::SeqCst);
    if !p.exiting() || p.active.load(Ordering::SeqCst) != 0 {
        return None;
    }
    if p.flags.fetch_or(PF_EXIT_CLAIMED, Ordering::AcqRel) & PF_EXIT_CLAIMED != 0 {
        return None;
    }
    exit_finish(p)
}

fn exit_finish(p: &Process) -> Option<ExitNotice> {
    p.files().close_all();
    let init = INIT.load(Ordering::Acquire);
    let me = p as *const Process as *mut Process;
    let mut reap_self = false;
    let mut notify: *mut Process = ptr::null_mut();
    // A parent that auto-reaps gets no SIGCHLD, but a `wait4` of it that
    // sleeps must still wake: with no child left it fails with ECHILD.
    let mut wake_only: *mut Process = ptr::null_mut();
    let mut reaped_orphans: Vec<*mut Process> = Vec::new();
    {
        let pw = PID_TABLE.deps.prepare();
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
                        pid_table().free(&pw, cr.pid.get());
                        reaped_orphans.push(c);
                    }
                    continue;
                }
                cr.parent.store(init, Ordering::Release);
                if cr.flags.load(Ordering::Acquire) & PF_ZOMBIE != 0 && ignores_children(&*init) {
                    pid_table().free(&pw, cr.pid.get());
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
            if ignores_children(pr) {
                reap_self = true;
                // SAFETY: write lock held.
                unsafe { pr.children().retain(|&c| c != me) };
                get_process(parent);
                wake_only = parent;
            } else {
                get_process(parent);
                notify = parent;
            }
        }
        if reap_self {
            // SAFETY: write lock held.
            unsafe { pid_table().free(&pw, p.pid.get()) };
        }
    }
    for c in reaped_orphans {
        // SAFETY: the pid-table reference of the reaped child.
        unsafe { put_process(c) };
    }
    p.stop_wq.kick();
    if !wake_only.is_null() {
        // SAFETY: the reference taken under the lock.
        unsafe {
            (*wake_only).child_wq.kick();
            put_process(wake_only);
        }
    }
    if reap_self {
        // SAFETY: the pid-table reference, released on self-reap.
        unsafe { put_process(me) };
    }
    NonNull::new(notify).map(ExitNotice)
}
