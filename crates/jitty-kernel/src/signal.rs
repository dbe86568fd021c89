//! Signals: generation (`kill`), permission checks, dispositions
//! (`sigaction`), masks (`sigprocmask`), pending sets, and delivery at the end
//! of every syscall (`exit_to_user_mode`).
//!
//! Layering follows Linux: `sys_kill → kill_something_info → kill_pid_info →
//! group_send_sig_info (check_kill_permission) → send_signal → prepare_signal /
//! complete_signal`. Non-real-time semantics for all 64 signals (a pending
//! signal is not queued twice).
//!
//! Delivery (no sigreturn): handlers are native `extern "C" fn(i32)`
//! callbacks, run on the receiving thread just before a syscall returns.
//! While a handler runs, `sa_mask` and (unless `SA_NODEFER`) the signal
//! itself are blocked; the previous mask is restored when it returns.
//! Default actions: terminate (and core → terminate), ignore, stop, continue.
//! Fatal and stop actions of a process that no thread of it blocks are taken
//! at generation time (a thread-less process is a process whose threads are
//! all "in user mode").
//!
//! Waiting for signals: `sigsuspend`/`pause` sleep with a temporary mask
//! until a handler ran (`EINTR`, old mask restored afterwards);
//! `sigwaitinfo`/`sigtimedwait` take a pending signal of a set (thread-directed
//! first) with the sender's [`SigInfo`], recorded at generation (a coalesced
//! legacy signal keeps the first sender's). Both sleep on the process's
//! `SigHand::sigwait` queue, which every generation wakes.

use alloc::vec::Vec;
use core::sync::atomic::Ordering;

use crate::abi::*;
use crate::annotations::QuasiWrite;
use crate::exit::{self, ExitNotice};
use crate::kobj::{Process, SigHand, Thread};
use crate::sync::WaitQueue;
use crate::task::{self, PF_STOP_REPORT, PF_STOPPED, TASKLIST, wake_thread};

/// Signals that can be neither blocked, caught nor ignored.
pub const UNBLOCKABLE: SigSet = sigmask(SIGKILL) | sigmask(SIGSTOP);
/// Signals whose default action is to stop.
pub const STOP_MASK: SigSet = sigmask(SIGSTOP) | sigmask(SIGTSTP) | sigmask(SIGTTIN) | sigmask(SIGTTOU);
/// Signals whose default action is to ignore.
pub const IGNORE_MASK: SigSet = sigmask(SIGCHLD) | sigmask(SIGURG) | sigmask(SIGWINCH) | sigmask(SIGCONT);

/// The mask bit of signal `sig`.
#[inline(always)]
pub const fn sigmask(sig: i32) -> SigSet {
    1u64 << (sig - 1)
}

/// Whether `sig` is a valid signal number (1..=64).
#[inline(always)]
pub fn valid_signal(sig: i32) -> bool {
    (1..=SIGMAX).contains(&sig)
}

#[derive(Clone, Copy, PartialEq, Eq, Debug)]
enum Default_ {
    Term,
    Ignore,
    Stop,
    Cont,
}

fn default_action(sig: i32) -> Default_ {
    let m = sigmask(sig);
    if sig == SIGCONT {
        Default_::Cont
    } else if m & STOP_MASK != 0 {
        Default_::Stop
    } else if m & IGNORE_MASK != 0 {
        Default_::Ignore
    } else {
        Default_::Term
    }
}

/// The blocked mask of the "whole process" for generation decisions: the
/// intersection of its threads' masks (a signal is blocked only if every
/// thread blocks it), or the idle mask when it has no thread. Siglock held.
fn group_blocked(p: &Process) -> SigSet {
    // SAFETY: siglock held by the caller.
    let ths = unsafe { p.threads() };
    if ths.is_empty() {
        return p.idle_blocked.load(Ordering::Relaxed);
    }
    let mut m = u64::MAX;
    for &t in ths.iter() {
        // SAFETY: attached threads are live.
        m &= unsafe { (*t).blocked.load(Ordering::Relaxed) };
    }
    m
}

/// Linux `kill_ok_by_cred`: privileged, or the sender's uid or euid equals
/// the target's uid or saved uid.
#[inline]
pub fn kill_ok_by_cred(sender: &Process, target: &Process) -> bool {
    let (su, se) = (sender.uid.get(), sender.euid.get());
    let (tu, ts) = (target.uid.get(), target.suid.get());
    se == ts || se == tu || su == ts || su == tu || se == 0
}

/// Linux `check_kill_permission` (the signal number is already valid).
#[inline]
pub fn check_kill_permission(sender: &Process, target: &Process, sig: i32) -> Result<(), i32> {
    if core::ptr::eq(sender, target) || kill_ok_by_cred(sender, target) {
        return Ok(());
    }
    if sig == SIGCONT && sender.sid.get() == target.sid.get() {
        return Ok(());
    }
    Err(EPERM)
}

/// Packs the sender of a signal (`si_code`, `si_pid`, `si_uid`) into one
/// word of a pending-info array (pids are below 2^15).
#[inline(always)]
pub const fn pack_info(code: i32, pid: Pid, uid: Uid) -> u64 {
    ((uid as u64) << 32) | ((pid as u16 as u64) << 16) | (code as i16 as u16 as u64)
}

/// The [`SigInfo`] of signal `sig` from a [`pack_info`] word.
pub const fn unpack_info(sig: i32, w: u64) -> SigInfo {
    SigInfo {
        si_signo: sig,
        si_errno: 0,
        si_code: w as u16 as i16 as i32,
        _pad: 0,
        si_pid: (w >> 16) as u16 as Pid,
        si_uid: (w >> 32) as Uid,
    }
}

/// Generates `sig` for process `p` from the kernel (`SI_KERNEL`).
/// `thread`: direct it at one thread (e.g. SIGPIPE), else at the group.
pub fn send_signal(p: &Process, sig: i32, thread: Option<&Thread>) {
    send_signal_info(p, sig, thread, pack_info(SI_KERNEL, 0, 0));
}

/// Generates `sig` for process `p` (send_signal: prepare + complete), with
/// the sender `info` ([`pack_info`]) recorded for `sigwaitinfo`.
pub fn send_signal_info(p: &Process, sig: i32, thread: Option<&Thread>, info: u64) {
    let sh = p.sighand();
    let g = sh.siglock.lock();
    if p.exiting() {
        return;
    }
    let m = sigmask(sig);
    // prepare_signal: stop/continue side effects.
    if m & STOP_MASK != 0 {
        p.shared_pending.fetch_and(!sigmask(SIGCONT), Ordering::Relaxed);
        // SAFETY: siglock held.
        for &t in unsafe { p.threads() }.iter() {
            // SAFETY: attached threads are live.
            unsafe { (*t).pending.fetch_and(!sigmask(SIGCONT), Ordering::Relaxed) };
        }
    } else if sig == SIGCONT {
        p.shared_pending.fetch_and(!STOP_MASK, Ordering::Relaxed);
        // SAFETY: siglock held.
        for &t in unsafe { p.threads() }.iter() {
            // SAFETY: attached threads are live.
            unsafe { (*t).pending.fetch_and(!STOP_MASK, Ordering::Relaxed) };
        }
        if p.flags.fetch_and(!(PF_STOPPED | PF_STOP_REPORT), Ordering::AcqRel) & PF_STOPPED != 0 {
            p.stop_wq.kick();
        }
    }
    let act = sh.get(sig);
    let blocked = match thread {
        Some(t) => t.blocked.load(Ordering::Relaxed),
        None => group_blocked(p),
    };
    // sig_ignored: blocked signals are never ignored (the handler may change).
    if sig != SIGKILL
        && m & blocked == 0
        && (act.handler == SIG_IGN || (act.handler == SIG_DFL && default_action(sig) == Default_::Ignore))
    {
        return;
    }
    if sig == SIGCONT && act.handler == SIG_DFL {
        return;
    }
    // Legacy (non-queued) signals: already pending → coalesce.
    let pend = match thread {
        Some(t) => &t.pending,
        None => &p.shared_pending,
    };
    if pend.load(Ordering::Relaxed) & m != 0 {
        return;
    }
    // complete_signal: fatal and stop defaults act on the whole group now.
    if act.handler == SIG_DFL && (sig == SIGKILL || m & blocked == 0) {
        match default_action(sig) {
            Default_::Term => {
                drop(g);
                group_exit(p, w_termsig(sig));
                return;
            }
            Default_::Stop => {
                p.flags.fetch_or(PF_STOPPED | PF_STOP_REPORT, Ordering::AcqRel);
                drop(g);
                notify_parent_stopped(p);
                return;
            }
            Default_::Ignore | Default_::Cont => return,
        }
    }
    let infos = match thread {
        Some(t) => &t.siginfo,
        None => &sh.shared_info,
    };
    infos[(sig - 1) as usize].store(info, Ordering::Relaxed);
    pend.fetch_or(m, Ordering::Release);
    sh.sigwait.wake_all();
    match thread {
        Some(t) => wake_thread(t),
        None => {
            // SAFETY: siglock held.
            for &t in unsafe { p.threads() }.iter() {
                // SAFETY: attached threads are live.
                let t = unsafe { &*t };
                if t.blocked.load(Ordering::Relaxed) & m == 0 {
                    wake_thread(t);
                }
            }
        }
    }
}

fn notify_parent_stopped(p: &Process) {
    let parent = {
        let _g = TASKLIST.read();
        let pp = p.parent.load(core::sync::atomic::Ordering::Acquire);
        if !pp.is_null() {
            task::get_process(pp);
        }
        pp
    };
    if !parent.is_null() {
        // SAFETY: we hold a reference.
        unsafe {
            (*parent).child_wq.kick();
            task::put_process(parent);
        }
    }
}

/// `do_notify_parent` for an exit: SIGCHLD to the parent and a wake-up of
/// its `wait4`, then drops the notice's reference.
pub fn notify_parent_exit(n: ExitNotice) {
    let parent = n.0.as_ptr();
    // SAFETY: the notice holds a reference on the parent.
    unsafe {
        send_signal_kernel(&*parent, SIGCHLD);
        (*parent).child_wq.kick();
        task::put_process(parent);
    }
}

/// `do_group_exit` and, if the teardown ran, the parent's notification.
pub fn group_exit(p: &Process, status: i32) {
    if let Some(n) = exit::do_group_exit(p, status) {
        notify_parent_exit(n);
    }
}

/// `try_finish_exit` and, if the teardown ran, the parent's notification
/// (out of line: the syscall exit path only tests `exiting()` inline).
#[inline(never)]
pub fn finish_exit(p: &Process) {
    if let Some(n) = exit::try_finish_exit(p) {
        notify_parent_exit(n);
    }
}

/// Generation by the kernel itself (no permission check), e.g. SIGCHLD.
pub fn send_signal_kernel(p: &Process, sig: i32) {
    send_signal(p, sig, None);
}

/// `group_send_sig_info`: permission check, then generation (nothing is
/// generated for signal 0).
#[inline]
pub fn group_send_sig_info(sender: &Process, target: &Process, sig: i32) -> Result<(), i32> {
    check_kill_permission(sender, target, sig)?;
    if sig != 0 {
        send_signal_info(target, sig, None, pack_info(SI_USER, sender.pid.get(), sender.uid.get()));
    }
    Ok(())
}

/// `kill_pid_info`: look the pid up and signal it.
pub fn kill_pid_info(sender: &Process, pid: Pid, sig: i32) -> Result<(), i32> {
    let p = task::find_get_process(pid);
    if p.is_null() {
        return Err(ESRCH);
    }
    // SAFETY: we hold a reference.
    let r = group_send_sig_info(sender, unsafe { &*p }, sig);
    // SAFETY: our reference.
    unsafe { task::put_process(p) };
    r
}

/// `kill_something_info`: the four pid forms of kill(2).
pub fn kill_something_info(cur: &Thread, pid: Pid, sig: i32) -> Result<(), i32> {
    if !valid_signal(sig) && sig != 0 {
        return Err(EINVAL);
    }
    let sender = cur.proc_();
    if pid > 0 {
        return kill_pid_info(sender, pid, sig);
    }
    if pid == i32::MIN {
        return Err(ESRCH);
    }
    // Group forms: collect targets under the tasklist lock, then signal.
    let me = sender as *const Process as *mut Process;
    let init = task::INIT.load(Ordering::Acquire);
    let pgrp = if pid == 0 { sender.pgid.get() } else { -pid };
    let mut targets: Vec<*mut Process> = Vec::new();
    {
        let _g = TASKLIST.read();
        // SAFETY: read lock held; published processes are live.
        unsafe { task::pid_table() }.for_each(|q| {
            // SAFETY: live under the lock.
            let qr = unsafe { &*q };
            let take = if pid == -1 { q != init && q != me } else { qr.pgid.get() == pgrp };
            if take && !qr.exiting() {
                task::get_process(q);
                targets.push(q);
            }
        });
    }
    let mut any_ok = false;
    let mut err = ESRCH;
    for &q in targets.iter() {
        // SAFETY: we hold a reference.
        match group_send_sig_info(sender, unsafe { &*q }, sig) {
            Ok(()) => any_ok = true,
            Err(e) => err = e,
        }
    }
    for q in targets {
        // SAFETY: our references.
        unsafe { task::put_process(q) };
    }
    if any_ok { Ok(()) } else { Err(err) }
}

/// `sigaction(sig, act, oldact)`.
pub fn do_sigaction(p: &Process, sig: i32, act: Option<SigAction>) -> Result<SigAction, i32> {
    if !valid_signal(sig) {
        return Err(EINVAL);
    }
    let sh = p.sighand();
    // The guard is prepared before the lock (see `QuasiDeps::prepare`).
    let w = act.map(|_| sh.deps.prepare());
    let _g = sh.siglock.lock();
    let old = sh.get(sig);
    if let (Some(mut a), Some(w)) = (act, w.as_ref()) {
        if sigmask(sig) & UNBLOCKABLE != 0 {
            return Err(EINVAL);
        }
        if a.handler > SIG_IGN && !crate::mm::access_ok(a.handler, 1) {
            return Err(EFAULT);
        }
        a.mask &= !UNBLOCKABLE;
        sh.action[(sig - 1) as usize].store(w, a);
        // POSIX: setting SIG_IGN (or SIG_DFL for a default-ignored signal)
        // discards that pending signal.
        if a.handler == SIG_IGN || (a.handler == SIG_DFL && default_action(sig) == Default_::Ignore) {
            let m = sigmask(sig);
            p.shared_pending.fetch_and(!m, Ordering::Relaxed);
            // SAFETY: siglock held.
            for &t in unsafe { p.threads() }.iter() {
                // SAFETY: attached threads are live.
                unsafe { (*t).pending.fetch_and(!m, Ordering::Relaxed) };
            }
        }
    }
    Ok(old)
}

/// `sigprocmask(how, set)` on the calling thread; returns the old mask.
pub fn do_sigprocmask(cur: &Thread, how: i32, set: Option<SigSet>) -> Result<SigSet, i32> {
    let _g = cur.proc_().sighand().siglock.lock();
    let old = cur.blocked.load(Ordering::Relaxed);
    if let Some(s) = set {
        let new = match how {
            SIG_BLOCK => old | s,
            SIG_UNBLOCK => old & !s,
            SIG_SETMASK => s,
            _ => return Err(EINVAL),
        };
        cur.blocked.store(new & !UNBLOCKABLE, Ordering::Relaxed);
    } else if !matches!(how, SIG_BLOCK | SIG_UNBLOCK | SIG_SETMASK) {
        return Err(EINVAL);
    }
    Ok(old)
}

/// `sigpending()`: pending signals that are blocked.
pub fn do_sigpending(cur: &Thread) -> SigSet {
    let p = cur.proc_();
    let _g = p.sighand().siglock.lock();
    (cur.pending.load(Ordering::Relaxed) | p.shared_pending.load(Ordering::Relaxed))
        & cur.blocked.load(Ordering::Relaxed)
}

/// Whether a signal would interrupt a sleep of `cur`: an unblocked pending
/// signal, the process is exiting, or the syscall must restart through its
/// dispatch slot (the code it entered was unplugged while it slept: like
/// Linux's freezer, a wake-up without a signal).
#[inline]
pub fn signal_pending(cur: &Thread) -> bool {
    let p = cur.proc_();
    let pend = cur.pending.load(Ordering::Acquire) | p.shared_pending.load(Ordering::Acquire);
    pend & !cur.blocked.load(Ordering::Relaxed) != 0 || p.exiting() || cur.must_restart()
}

/// Sleeps on `wq` (ticket from `wq.prepare()`) unless a signal is pending.
/// Returns false if interrupted by a signal (the caller returns EINTR).
pub fn sleep_interruptible(cur: &Thread, wq: &WaitQueue, ticket: u32) -> bool {
    cur.sleeping_on.store(wq as *const WaitQueue as *mut WaitQueue, Ordering::SeqCst);
    if signal_pending(cur) {
        clear_sleeping(cur);
        wq.finish();
        return false;
    }
    quiescent_sleep(cur, || wq.sleep(ticket, 0));
    clear_sleeping(cur);
    !signal_pending(cur)
}

/// An interruptible sleep is quiescent for the guard protocol: a guarded
/// write never waits for the sleeper. If the code the syscall entered was
/// unplugged meanwhile, the syscall is marked to restart through its slot.
fn quiescent_sleep(cur: &Thread, sleep: impl FnOnce()) {
    if !crate::hal::quiescent_sleep(sleep) {
        cur.restart.store(1, Ordering::Relaxed);
    }
}

fn clear_sleeping(cur: &Thread) {
    let _g = cur.proc_().sighand().siglock.lock();
    cur.sleeping_on.store(core::ptr::null_mut(), Ordering::Release);
}

/// [`deliver_signals`] ran at least one handler.
pub const RAN_HANDLER: u32 = 1;
/// [`deliver_signals`] ran a handler without `SA_RESTART`.
pub const RAN_NO_RESTART: u32 = 2;

/// `exit_to_user_mode`: stop while stopped, then deliver every deliverable
/// signal: run handlers, take default actions. Called at the end of every
/// syscall entry with no lock held.
#[inline]
pub fn exit_to_user(cur: &Thread) {
    do_signal::<false>(cur);
}

/// [`exit_to_user`] that also reports what it did: [`RAN_HANDLER`] and
/// [`RAN_NO_RESTART`] bits (for syscall restart and `sigsuspend`).
pub fn deliver_signals(cur: &Thread) -> u32 {
    do_signal::<true>(cur)
}

/// The delivery loop of both; `REPORT` keeps the bookkeeping out of the
/// common exit path, which does not need it.
fn do_signal<const REPORT: bool>(cur: &Thread) -> u32 {
    let p = cur.proc_();
    let mut ran = 0;
    // `SA_RESETHAND` resets the disposition: a guarded write, prepared
    // before the signal lock is taken (see `QuasiDeps::prepare`).
    let mut reset: Option<QuasiWrite<'_>> = None;
    loop {
        if p.exiting() {
            return ran;
        }
        if p.flags.load(Ordering::Acquire) & PF_STOPPED != 0 {
            let ticket = p.stop_wq.prepare();
            if p.flags.load(Ordering::Acquire) & PF_STOPPED != 0 && !p.exiting() {
                // Stopped for as long as it takes: quiescent. What runs after
                // it is this generic delivery loop and the return from the
                // syscall, so a restart request changes nothing here. No
                // guarded write stays prepared across a quiescent sleep.
                reset = None;
                let _ = crate::hal::quiescent_sleep(|| p.stop_wq.sleep(ticket, 0));
            } else {
                p.stop_wq.finish();
            }
            continue;
        }
        let sh = p.sighand();
        let g = sh.siglock.lock();
        let blocked = cur.blocked.load(Ordering::Relaxed);
        let tp = cur.pending.load(Ordering::Relaxed) & !blocked;
        let sp = p.shared_pending.load(Ordering::Relaxed) & !blocked;
        let (set, word) = if tp != 0 { (tp, &cur.pending) } else { (sp, &p.shared_pending) };
        if set == 0 {
            return ran;
        }
        let sig = set.trailing_zeros() as i32 + 1;
        let act = sh.get(sig);
        if act.handler > SIG_IGN && act.flags & SA_RESETHAND != 0 && reset.is_none() {
            drop(g);
            reset = Some(sh.deps.prepare());
            continue;
        }
        word.fetch_and(!sigmask(sig), Ordering::Relaxed);
        match act.handler {
            SIG_IGN => continue,
            SIG_DFL => match default_action(sig) {
                Default_::Term => {
                    drop(g);
                    group_exit(p, w_termsig(sig));
                    return ran;
                }
                Default_::Stop => {
                    p.flags.fetch_or(PF_STOPPED | PF_STOP_REPORT, Ordering::AcqRel);
                    drop(g);
                    notify_parent_stopped(p);
                    continue;
                }
                Default_::Ignore | Default_::Cont => continue,
            },
            h => {
                if act.flags & SA_RESETHAND != 0
                    && let Some(w) = reset.take()
                {
                    sh.action[(sig - 1) as usize].store(&w, SigAction { handler: SIG_DFL, flags: 0, mask: 0 });
                }
                let mut during = blocked | act.mask;
                if act.flags & SA_NODEFER == 0 {
                    during |= sigmask(sig);
                }
                cur.blocked.store(during & !UNBLOCKABLE, Ordering::Relaxed);
                drop(g);
                // SAFETY: `h` is a handler address registered through
                // sigaction (checked to be a user address); the host promises
                // it is an `extern "C" fn(i32)`, as a user program promises
                // its sa_handler is a function.
                let f: extern "C" fn(i32) = unsafe { core::mem::transmute::<usize, extern "C" fn(i32)>(h) };
                reset = None; // the handler may sleep: no prepared write across it
                crate::hal::run_handler(|| f(sig));
                if REPORT {
                    ran |= RAN_HANDLER | if act.flags & SA_RESTART == 0 { RAN_NO_RESTART } else { 0 };
                }
                let _g = sh.siglock.lock();
                cur.blocked.store(blocked, Ordering::Relaxed);
            }
        }
    }
}

/// `sigsuspend(mask)`: replaces the blocked mask with `mask` (SIGKILL and
/// SIGSTOP stay unblocked), sleeps until a signal ran a handler (or ends the
/// process), then restores the old mask. Always `EINTR`.
pub fn do_sigsuspend(cur: &Thread, mask: SigSet) -> i32 {
    let p = cur.proc_();
    let sh = p.sighand();
    let saved = {
        let _g = sh.siglock.lock();
        cur.blocked.swap(mask & !UNBLOCKABLE, Ordering::Relaxed)
    };
    let err = loop {
        let ticket = sh.sigwait.prepare();
        if sleep_interruptible(cur, &sh.sigwait, ticket) {
            continue;
        }
        if cur.must_restart() {
            break ERESTARTNOHAND;
        }
        if deliver_signals(cur) & RAN_HANDLER != 0 || p.exiting() {
            break EINTR;
        }
    };
    let _g = sh.siglock.lock();
    cur.blocked.store(saved, Ordering::Relaxed);
    err
}

/// Takes the lowest pending signal of `set`, thread-directed first, with its
/// sender. Siglock held.
fn dequeue_signal(cur: &Thread, sh: &SigHand, set: SigSet) -> Option<SigInfo> {
    let p = cur.proc_();
    let tp = cur.pending.load(Ordering::Relaxed) & set;
    let (word, infos, bits) = if tp != 0 {
        (&cur.pending, &cur.siginfo, tp)
    } else {
        (&p.shared_pending, &sh.shared_info, p.shared_pending.load(Ordering::Relaxed) & set)
    };
    if bits == 0 {
        return None;
    }
    let sig = bits.trailing_zeros() as i32 + 1;
    word.fetch_and(!sigmask(sig), Ordering::Relaxed);
    Some(unpack_info(sig, infos[(sig - 1) as usize].load(Ordering::Relaxed)))
}

/// `sigtimedwait(set, timeout)`: takes a pending signal of `set` (SIGKILL
/// and SIGSTOP are never taken), sleeping for it at most `timeout_ns` (None:
/// no limit). `EAGAIN` when the time passes, `EINTR` when another, unblocked
/// signal arrives (its handler runs on the way out).
pub fn do_sigtimedwait(cur: &Thread, set: SigSet, timeout_ns: Option<u64>) -> Result<SigInfo, i32> {
    let set = set & !UNBLOCKABLE;
    let p = cur.proc_();
    let sh = p.sighand();
    let deadline = timeout_ns.map(|t| crate::hal::now_ns().saturating_add(t));
    loop {
        let ticket = sh.sigwait.prepare();
        cur.sleeping_on.store(&sh.sigwait as *const WaitQueue as *mut WaitQueue, Ordering::SeqCst);
        let got = {
            let _g = sh.siglock.lock();
            dequeue_signal(cur, sh, set)
        };
        let left = deadline.map(|d| d.saturating_sub(crate::hal::now_ns()));
        let out = match got {
            Some(info) => Some(Ok(info)),
            None if cur.must_restart() => Some(Err(ERESTARTNOHAND)),
            None if signal_pending(cur) => Some(Err(EINTR)),
            None if left == Some(0) => Some(Err(EAGAIN)),
            None => None,
        };
        if let Some(r) = out {
            clear_sleeping(cur);
            sh.sigwait.finish();
            return r;
        }
        quiescent_sleep(cur, || sh.sigwait.sleep(ticket, left.unwrap_or(0)));
        clear_sleeping(cur);
    }
}
