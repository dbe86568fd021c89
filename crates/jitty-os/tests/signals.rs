//! Signals through the syscall ABI: kill permission rules (Linux
//! `kill_ok_by_cred` + SIGCONT in the same session), signal 0, error codes,
//! dispositions, masks, pending sets, handler order, SA_NODEFER,
//! SA_RESETHAND, default actions (term, ignore, stop, continue).

mod common;
use common::*;
use std::cell::RefCell;

thread_local! {
    static LOG: RefCell<Vec<String>> = const { RefCell::new(Vec::new()) };
    static DEPTH: RefCell<u32> = const { RefCell::new(0) };
    static CALLS: RefCell<u32> = const { RefCell::new(0) };
}

fn log(s: String) {
    LOG.with(|l| l.borrow_mut().push(s));
}

fn take() -> Vec<String> {
    LOG.with(|l| std::mem::take(&mut *l.borrow_mut()))
}

extern "C" fn rec(sig: i32) {
    log(format!("{sig}"));
}

/// Logs entry/exit and raises SIGUSR2 at itself from inside the handler.
extern "C" fn raise_usr2(sig: i32) {
    log(format!("in {sig}"));
    sys::kill(sys::getpid().unwrap() as i32, SIGUSR2).unwrap();
    log(format!("out {sig}"));
}

/// Raises its own signal once (first call only), from inside.
extern "C" fn reraise(sig: i32) {
    let d = DEPTH.with(|d| {
        *d.borrow_mut() += 1;
        *d.borrow()
    });
    let n = CALLS.with(|c| {
        *c.borrow_mut() += 1;
        *c.borrow()
    });
    log(format!("in {sig} depth {d}"));
    if n == 1 {
        sys::kill(sys::getpid().unwrap() as i32, sig).unwrap();
    }
    log(format!("out {sig} depth {d}"));
    DEPTH.with(|d| *d.borrow_mut() -= 1);
}

fn bit(sig: i32) -> SigSet {
    1 << (sig - 1)
}

fn me() -> i32 {
    sys::getpid().unwrap() as i32
}

/// A thread-less process with the given ids (not entered).
fn target(uid: u32) -> i32 {
    kernel().spawn_process(uid, uid).unwrap()
}

/// A thread-less process with uid/euid/suid as given (root sets them up).
fn target_ids(r: u32, e: u32, s: u32) -> i32 {
    let pid = target(0);
    let _t = Task::enter(pid).unwrap();
    sys::setresuid(r, e, s).unwrap();
    pid
}

#[test]
fn kill_self_runs_handler_before_return() {
    let _t = user();
    take();
    sys::signal(SIGUSR1, rec, 0, 0).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(take(), ["10"]);
}

#[test]
fn signal_zero_probes_existence() {
    let _t = user();
    assert_eq!(sys::kill(me(), 0), Ok(0));
    assert_eq!(sys::kill(30000, 0), err(ESRCH));
}

#[test]
fn invalid_signal_numbers_are_einval() {
    let _t = user();
    for sig in [-1, 65, 100, i32::MAX, i32::MIN] {
        assert_eq!(sys::kill(me(), sig), err(EINVAL), "{sig}");
        assert_eq!(sys::sigaction(sig, None), err(EINVAL));
    }
    assert_eq!(sys::sigaction(0, None), err(EINVAL));
}

#[test]
fn nonexistent_pid_is_esrch() {
    let _t = user();
    assert_eq!(sys::kill(31999, SIGUSR1), err(ESRCH));
    assert_eq!(sys::kill(i32::MIN, SIGUSR1), err(ESRCH));
}

#[test]
fn same_uid_may_signal() {
    let _t = user();
    let t = target(1000);
    assert_eq!(sys::kill(t, 0), Ok(0));
    assert_eq!(sys::kill(t, SIGUSR1), Ok(0));
}

#[test]
fn different_uid_is_eperm() {
    let _t = user();
    let t = target(2000);
    assert_eq!(sys::kill(t, 0), err(EPERM));
    assert_eq!(sys::kill(t, SIGUSR1), err(EPERM));
    assert_eq!(sys::kill(t, SIGKILL), err(EPERM));
}

#[test]
fn root_may_signal_anyone() {
    let _t = root();
    let t = target(2000);
    assert_eq!(sys::kill(t, 0), Ok(0));
    assert_eq!(sys::kill(t, SIGUSR2), Ok(0));
}

#[test]
fn sender_uid_matches_target_suid() {
    let t = target_ids(2000, 2000, 1000);
    let _s = user();
    assert_eq!(sys::kill(t, 0), Ok(0));
}

#[test]
fn sender_euid_matches_target_uid() {
    let t = target(3000);
    let _s = root();
    sys::setresuid(1000, 3000, 1000).unwrap();
    assert_eq!(sys::kill(t, 0), Ok(0));
}

#[test]
fn sender_euid_matches_target_suid() {
    let t = target_ids(4000, 4000, 3001);
    let _s = root();
    sys::setresuid(1000, 3001, 1000).unwrap();
    assert_eq!(sys::kill(t, 0), Ok(0));
}

#[test]
fn target_euid_is_not_considered() {
    let t = target_ids(4000, 1000, 4000);
    let _s = user();
    assert_eq!(sys::kill(t, 0), err(EPERM), "Linux compares against uid and suid only");
}

#[test]
fn sender_suid_is_not_considered() {
    let t = target(3002);
    let _s = root();
    sys::setresuid(1000, 1000, 3002).unwrap();
    assert_eq!(sys::kill(t, 0), err(EPERM));
}

#[test]
fn sigcont_allowed_in_same_session() {
    let _t = user();
    let t = target(2000);
    assert_eq!(sys::getsid(t), sys::getsid(0));
    assert_eq!(sys::kill(t, SIGCONT), Ok(0));
    assert_eq!(sys::kill(t, SIGUSR1), err(EPERM));
}

#[test]
fn sigcont_denied_across_sessions() {
    let _t = user();
    let t = target(2000);
    sys::setsid().unwrap();
    assert_eq!(sys::kill(t, SIGCONT), err(EPERM));
}

#[test]
fn kill_self_always_allowed_after_setuid() {
    let _t = root();
    sys::setuid(5000).unwrap();
    assert_eq!(sys::kill(me(), 0), Ok(0));
}

#[test]
fn sigkill_and_sigstop_cannot_be_caught_or_ignored() {
    let _t = user();
    for sig in [SIGKILL, SIGSTOP] {
        assert_eq!(sys::signal(sig, rec, 0, 0), err(EINVAL));
        assert_eq!(sys::sigaction(sig, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })), err(EINVAL));
        assert_eq!(sys::sigaction(sig, None).unwrap().handler, SIG_DFL);
    }
}

#[test]
fn sigkill_and_sigstop_cannot_be_blocked() {
    let _t = user();
    sys::sigprocmask(SIG_SETMASK, Some(u64::MAX)).unwrap();
    let m = sys::sigprocmask(SIG_SETMASK, None).unwrap();
    assert_eq!(m & (bit(SIGKILL) | bit(SIGSTOP)), 0);
    assert_eq!(m | bit(SIGKILL) | bit(SIGSTOP), u64::MAX);
}

#[test]
fn sigaction_returns_old_and_rejects_bad_handler() {
    let _t = user();
    let old = sys::signal(SIGUSR1, rec, bit(SIGUSR2), SA_RESTART).unwrap();
    assert_eq!(old.handler, SIG_DFL);
    let cur = sys::sigaction(SIGUSR1, None).unwrap();
    assert_eq!(cur, SigAction { handler: rec as extern "C" fn(i32) as usize, flags: SA_RESTART, mask: bit(SIGUSR2) });
    let bad = SigAction { handler: 100, flags: 0, mask: 0 };
    assert_eq!(sys::sigaction(SIGUSR1, Some(&bad)), err(EFAULT));
}

#[test]
fn sigaction_mask_strips_unblockable() {
    let _t = user();
    sys::signal(SIGUSR1, rec, u64::MAX, 0).unwrap();
    assert_eq!(sys::sigaction(SIGUSR1, None).unwrap().mask & (bit(SIGKILL) | bit(SIGSTOP)), 0);
}

#[test]
fn sigprocmask_how_values() {
    let _t = user();
    assert_eq!(sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR1))), Ok(0));
    assert_eq!(sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR2))), Ok(bit(SIGUSR1)));
    assert_eq!(sys::sigprocmask(SIG_UNBLOCK, Some(bit(SIGUSR1))), Ok(bit(SIGUSR1) | bit(SIGUSR2)));
    assert_eq!(sys::sigprocmask(SIG_SETMASK, Some(bit(SIGHUP))), Ok(bit(SIGUSR2)));
    assert_eq!(sys::sigprocmask(7, Some(0)), err(EINVAL));
    assert_eq!(sys::sigprocmask(7, None), err(EINVAL));
    assert_eq!(sys::sigprocmask(SIG_BLOCK, None), Ok(bit(SIGHUP)));
}

#[test]
fn blocked_signal_pends_then_delivers_on_unblock() {
    let _t = user();
    take();
    sys::signal(SIGUSR1, rec, 0, 0).unwrap();
    sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR1))).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert!(take().is_empty());
    assert_eq!(sys::sigpending(), Ok(bit(SIGUSR1)));
    sys::sigprocmask(SIG_UNBLOCK, Some(bit(SIGUSR1))).unwrap();
    assert_eq!(take(), ["10"]);
    assert_eq!(sys::sigpending(), Ok(0));
}

#[test]
fn pending_legacy_signals_coalesce() {
    let _t = user();
    take();
    sys::signal(SIGUSR1, rec, 0, 0).unwrap();
    sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR1))).unwrap();
    for _ in 0..5 {
        sys::kill(me(), SIGUSR1).unwrap();
    }
    sys::sigprocmask(SIG_UNBLOCK, Some(bit(SIGUSR1))).unwrap();
    assert_eq!(take(), ["10"]);
}

#[test]
fn delivery_order_is_lowest_signal_first() {
    let _t = user();
    take();
    for s in [SIGUSR2, SIGHUP, SIGUSR1, SIGTERM] {
        sys::signal(s, rec, 0, 0).unwrap();
    }
    sys::sigprocmask(SIG_SETMASK, Some(u64::MAX)).unwrap();
    for s in [SIGTERM, SIGUSR2, SIGUSR1, SIGHUP] {
        sys::kill(me(), s).unwrap();
    }
    sys::sigprocmask(SIG_SETMASK, Some(0)).unwrap();
    assert_eq!(take(), ["1", "10", "12", "15"]);
}

#[test]
fn sa_mask_defers_other_signal_until_handler_returns() {
    let _t = user();
    take();
    sys::signal(SIGUSR1, raise_usr2, bit(SIGUSR2), 0).unwrap();
    sys::signal(SIGUSR2, rec, 0, 0).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(take(), ["in 10", "out 10", "12"]);
}

#[test]
fn without_sa_mask_other_signal_nests() {
    let _t = user();
    take();
    sys::signal(SIGUSR1, raise_usr2, 0, 0).unwrap();
    sys::signal(SIGUSR2, rec, 0, 0).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(take(), ["in 10", "12", "out 10"]);
}

#[test]
fn own_signal_blocked_during_handler() {
    let _t = user();
    take();
    CALLS.with(|c| *c.borrow_mut() = 0);
    sys::signal(SIGUSR1, reraise, 0, 0).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(take(), ["in 10 depth 1", "out 10 depth 1", "in 10 depth 1", "out 10 depth 1"]);
}

#[test]
fn sa_nodefer_allows_nesting() {
    let _t = user();
    take();
    CALLS.with(|c| *c.borrow_mut() = 0);
    sys::signal(SIGUSR1, reraise, 0, SA_NODEFER).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(take(), ["in 10 depth 1", "in 10 depth 2", "out 10 depth 2", "out 10 depth 1"]);
}

#[test]
fn sa_resethand_resets_to_default() {
    let _t = user();
    take();
    sys::signal(SIGUSR2, rec, 0, SA_RESETHAND).unwrap();
    sys::kill(me(), SIGUSR2).unwrap();
    assert_eq!(take(), ["12"]);
    assert_eq!(sys::sigaction(SIGUSR2, None).unwrap().handler, SIG_DFL);
}

#[test]
fn mask_restored_after_handler() {
    let _t = user();
    sys::sigprocmask(SIG_SETMASK, Some(bit(SIGHUP))).unwrap();
    sys::signal(SIGUSR1, rec, bit(SIGUSR2), 0).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(sys::sigprocmask(SIG_BLOCK, None), Ok(bit(SIGHUP)));
    take();
}

#[test]
fn ignored_signal_is_discarded() {
    let _t = user();
    sys::sigaction(SIGUSR1, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(sys::sigpending(), Ok(0));
    assert_eq!(sys::getpid(), Ok(me() as isize));
}

#[test]
fn blocked_ignored_signal_still_pends() {
    let _t = user();
    sys::sigaction(SIGUSR1, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
    sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR1))).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(sys::sigpending(), Ok(bit(SIGUSR1)));
    sys::sigprocmask(SIG_UNBLOCK, Some(bit(SIGUSR1))).unwrap();
    assert_eq!(sys::sigpending(), Ok(0));
    assert!(sys::getpid().is_ok(), "ignored on delivery");
}

#[test]
fn setting_sig_ign_discards_pending() {
    let _t = user();
    sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR2))).unwrap();
    sys::kill(me(), SIGUSR2).unwrap();
    assert_eq!(sys::sigpending(), Ok(bit(SIGUSR2)));
    sys::sigaction(SIGUSR2, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
    assert_eq!(sys::sigpending(), Ok(0));
}

#[test]
fn default_ignore_signals_do_nothing() {
    let _t = user();
    for s in [SIGCHLD, SIGURG, SIGWINCH] {
        sys::kill(me(), s).unwrap();
    }
    assert_eq!(sys::sigpending(), Ok(0));
    assert!(sys::getpid().is_ok());
}

#[test]
fn default_term_kills_child_and_wait_reports_signal() {
    let _p = user();
    for sig in [SIGTERM, SIGUSR1, SIGHUP, SIGSEGV, SIGKILL, SIGRTMIN + 3] {
        let c = sys::spawn().unwrap() as i32;
        sys::kill(c, sig).unwrap();
        assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(sig))), "{sig}");
    }
    invariants();
}

#[test]
fn blocked_fatal_signal_pends_in_child() {
    let _p = user();
    sys::sigprocmask(SIG_BLOCK, Some(bit(SIGTERM))).unwrap();
    let c = sys::spawn().unwrap() as i32;
    sys::kill(c, SIGTERM).unwrap();
    assert_eq!(sys::wait4(c, WNOHANG), Ok((0, 0)), "blocked: still alive");
    {
        let _c = Task::enter(c).unwrap();
        assert_eq!(sys::sigpending(), Ok(bit(SIGTERM)));
        let _ = sys::sigprocmask(SIG_UNBLOCK, Some(bit(SIGTERM)));
        assert_eq!(sys::getpid(), err(ESRCH));
    }
    assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGTERM))));
}

#[test]
fn sigkill_kills_even_if_everything_blocked() {
    let _p = user();
    sys::sigprocmask(SIG_SETMASK, Some(u64::MAX)).unwrap();
    let c = sys::spawn().unwrap() as i32;
    sys::kill(c, SIGKILL).unwrap();
    assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGKILL))));
}

#[test]
fn stop_and_continue() {
    let k = kernel();
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    sys::kill(c, SIGSTOP).unwrap();
    assert_eq!(k.process_flags(c).unwrap() & 2, 2);
    assert_eq!(sys::wait4(c, WUNTRACED | WNOHANG), Ok((c, w_stopsig(SIGSTOP))));
    assert_eq!(sys::wait4(c, WUNTRACED | WNOHANG), Ok((0, 0)), "reported once");
    sys::kill(c, SIGCONT).unwrap();
    assert_eq!(k.process_flags(c).unwrap() & 2, 0);
    sys::kill(c, SIGKILL).unwrap();
    assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGKILL))));
}

#[test]
fn sigtstp_stops_and_stopped_process_can_be_killed() {
    let k = kernel();
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    sys::kill(c, SIGTSTP).unwrap();
    assert_eq!(k.process_flags(c).unwrap() & 2, 2);
    sys::kill(c, SIGTERM).unwrap();
    assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGTERM))));
}

#[test]
fn sigcont_with_handler_continues_and_runs_handler() {
    let k = kernel();
    let _p = user();
    take();
    sys::signal(SIGCONT, rec, 0, 0).unwrap();
    let c = sys::spawn().unwrap() as i32;
    sys::kill(c, SIGSTOP).unwrap();
    sys::kill(c, SIGCONT).unwrap();
    assert_eq!(k.process_flags(c).unwrap() & 2, 0);
    let _c = Task::enter(c).unwrap();
    assert!(sys::getpid().is_ok());
    assert_eq!(take(), ["18"]);
}

#[test]
fn stopped_thread_resumes_on_sigcont() {
    let _p = user();
    let me = sys::getpid().unwrap() as i32;
    let helper = kernel().spawn_process(1000, 1000).unwrap();
    let h = std::thread::spawn(move || {
        let _h = Task::enter(helper).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(30));
        sys::kill(me, SIGCONT).unwrap();
    });
    let t0 = std::time::Instant::now();
    sys::kill(me, SIGSTOP).unwrap();
    assert!(t0.elapsed() >= std::time::Duration::from_millis(20), "stopped until SIGCONT");
    h.join().unwrap();
}

#[test]
fn handlers_inherited_by_spawn() {
    let _p = user();
    take();
    sys::signal(SIGUSR1, rec, 0, 0).unwrap();
    let c = sys::spawn().unwrap() as i32;
    sys::kill(c, SIGUSR1).unwrap();
    let _c = Task::enter(c).unwrap();
    assert_eq!(sys::sigaction(SIGUSR1, None).unwrap().handler, rec as extern "C" fn(i32) as usize);
    sys::getpid().unwrap();
    assert_eq!(take(), ["10"]);
}

#[test]
fn pending_not_inherited_but_mask_is() {
    let _p = user();
    sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR1))).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    let c = sys::spawn().unwrap() as i32;
    let _c = Task::enter(c).unwrap();
    assert_eq!(sys::sigpending(), Ok(0));
    assert_eq!(sys::sigprocmask(SIG_BLOCK, None), Ok(bit(SIGUSR1)));
}

#[test]
fn kill_process_group_and_zero() {
    let _p = user();
    take();
    sys::signal(SIGUSR2, rec, 0, 0).unwrap();
    sys::setsid().unwrap();
    sys::sigprocmask(SIG_BLOCK, Some(bit(SIGUSR2))).unwrap();
    let a = sys::spawn().unwrap() as i32;
    let b = sys::spawn().unwrap() as i32;
    sys::kill(0, SIGUSR2).unwrap();
    assert_eq!(sys::sigpending(), Ok(bit(SIGUSR2)));
    for c in [a, b] {
        let _c = Task::enter(c).unwrap();
        assert_eq!(sys::sigpending(), Ok(bit(SIGUSR2)), "child in the group got it");
    }
    sys::kill(-me(), SIGKILL).unwrap_or_default();
}

#[test]
fn kill_negative_pgid_unknown_is_esrch() {
    let _p = user();
    assert_eq!(sys::kill(-31000, SIGUSR1), err(ESRCH));
}

#[test]
fn kill_minus_one_reports_eperm_when_nothing_allowed() {
    let _p = proc_as(7777, 7777);
    sys::setsid().unwrap();
    // Every other process belongs to another uid (or is this test's own kin, none here).
    let r = sys::kill(-1, 0);
    assert!(r == Ok(0) || r == err(EPERM), "{r:?}");
}

#[test]
fn signals_to_zombie_succeed_silently() {
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    sys::kill(c, SIGTERM).unwrap();
    assert_eq!(sys::kill(c, SIGUSR1), Ok(0), "zombie still exists until reaped");
    sys::wait4(c, 0).unwrap();
    assert_eq!(sys::kill(c, 0), err(ESRCH));
}

#[test]
fn handler_can_make_syscalls() {
    extern "C" fn writes(_sig: i32) {
        let fd = sys::open("/tmp", O_RDONLY, 0).unwrap();
        sys::close(fd).unwrap();
        log("wrote".into());
    }
    let _t = user();
    take();
    sys::signal(SIGALRM, writes, 0, 0).unwrap();
    sys::kill(me(), SIGALRM).unwrap();
    assert_eq!(take(), ["wrote"]);
    invariants();
}
