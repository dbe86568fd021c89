//! Waiting for signals, against POSIX/Linux: `sigsuspend` (temporary mask,
//! `EINTR` after a handler, old mask restored, SIGKILL/SIGSTOP unblockable,
//! terminating defaults), `pause`, `sigwaitinfo`/`sigtimedwait` (pending
//! signal of a set, thread-directed first, `siginfo` of the sender, `EAGAIN`
//! on timeout, `EINVAL` on a bad timeout, `EINTR` by another signal), races
//! with `kill` from other threads and processes, and `SA_RESTART` of
//! blocking pipe reads and writes (restart, `EINTR`, partial counts).

mod common;
use common::*;
use std::cell::Cell;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};
use std::time::{Duration, Instant};

fn bit(sig: i32) -> SigSet {
    1 << (sig - 1)
}

fn me() -> i32 {
    sys::getpid().unwrap() as i32
}

// Handlers run on the receiving host thread: per-thread records keep the
// tests, which run in parallel, apart.
thread_local! {
    static USR1_RUNS: Cell<u64> = const { Cell::new(0) };
    static USR1_MASK: Cell<SigSet> = const { Cell::new(0) };
    static USR2_RUNS: Cell<u64> = const { Cell::new(0) };
}

/// Counts its runs and records the blocked mask it runs with.
extern "C" fn on_usr1(_sig: i32) {
    USR1_MASK.set(sys::sigprocmask(SIG_BLOCK, None).unwrap());
    USR1_RUNS.set(USR1_RUNS.get() + 1);
}

extern "C" fn on_usr2(_sig: i32) {
    USR2_RUNS.set(USR2_RUNS.get() + 1);
}

fn usr1_runs() -> u64 {
    USR1_RUNS.get()
}

fn usr2_runs() -> u64 {
    USR2_RUNS.get()
}

/// Sends `sig` to `pid` from a fresh process of uid 1000 on another host
/// thread after `delay_ms`; returns the sender's pid and the thread.
fn kill_later(pid: i32, sig: i32, delay_ms: u64) -> (i32, std::thread::JoinHandle<()>) {
    let sender = kernel().spawn_process(1000, 1000).unwrap();
    let h = std::thread::spawn(move || {
        let _t = Task::enter(sender).unwrap();
        std::thread::sleep(Duration::from_millis(delay_ms));
        sys::kill(pid, sig).unwrap();
    });
    (sender, h)
}

fn ts(ms: i64) -> Timespec {
    Timespec { tv_sec: ms / 1000, tv_nsec: (ms % 1000) * 1_000_000 }
}

// --- sigsuspend / pause ------------------------------------------------------------

#[test]
fn sigsuspend_takes_a_pending_signal_with_its_temporary_mask() {
    let _t = user();
    sys::signal(SIGUSR1, on_usr1, bit(SIGHUP), 0).unwrap();
    sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR1) | bit(SIGINT))).unwrap();
    let before = usr1_runs();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(usr1_runs(), before, "blocked: not delivered");
    assert_eq!(sys::sigsuspend(bit(SIGQUIT)), err(EINTR));
    assert_eq!(usr1_runs(), before + 1);
    // In the handler: the temporary mask, plus sa_mask, plus the signal itself.
    assert_eq!(USR1_MASK.get(), bit(SIGQUIT) | bit(SIGHUP) | bit(SIGUSR1));
    assert_eq!(sys::sigprocmask(SIG_BLOCK, None), Ok(bit(SIGUSR1) | bit(SIGINT)), "old mask restored");
    assert_eq!(sys::sigpending(), Ok(0));
}

#[test]
fn sigsuspend_sleeps_until_a_kill_from_another_process() {
    with_timeout(20, || {
        let _t = user();
        sys::signal(SIGUSR1, on_usr1, 0, 0).unwrap();
        sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR1))).unwrap();
        let before = usr1_runs();
        let (_, h) = kill_later(me(), SIGUSR1, 60);
        let s = Instant::now();
        assert_eq!(sys::sigsuspend(0), err(EINTR));
        assert!(s.elapsed() >= Duration::from_millis(50), "returned before the kill");
        assert_eq!(usr1_runs(), before + 1);
        assert_eq!(sys::sigprocmask(SIG_BLOCK, None), Ok(bit(SIGUSR1)));
        h.join().unwrap();
    });
}

#[test]
fn sigsuspend_keeps_sleeping_through_masked_and_ignored_signals() {
    with_timeout(20, || {
        let _t = user();
        sys::signal(SIGUSR1, on_usr1, 0, 0).unwrap();
        sys::signal(SIGUSR2, on_usr2, 0, 0).unwrap();
        sys::sigaction(SIGHUP, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
        sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR1) | bit(SIGUSR2))).unwrap();
        let (b1, b2) = (usr1_runs(), usr2_runs());
        let pid = me();
        let sender = kernel().spawn_process(1000, 1000).unwrap();
        let h = std::thread::spawn(move || {
            let _t = Task::enter(sender).unwrap();
            std::thread::sleep(Duration::from_millis(30));
            sys::kill(pid, SIGUSR2).unwrap(); // blocked by the temporary mask
            sys::kill(pid, SIGHUP).unwrap(); // ignored
            std::thread::sleep(Duration::from_millis(60));
            sys::kill(pid, SIGUSR1).unwrap();
        });
        let s = Instant::now();
        assert_eq!(sys::sigsuspend(bit(SIGUSR2)), err(EINTR));
        assert!(s.elapsed() >= Duration::from_millis(80), "woke for a masked or ignored signal");
        assert_eq!(usr1_runs(), b1 + 1);
        assert_eq!(usr2_runs(), b2, "SIGUSR2 stays blocked (old mask)");
        assert_eq!(sys::sigpending(), Ok(bit(SIGUSR2)));
        h.join().unwrap();
        // Unblocking it delivers it.
        sys::sigprocmask(SIG_UNBLOCK, Some(bit(SIGUSR2))).unwrap();
        assert_eq!(usr2_runs(), b2 + 1);
    });
}

#[test]
fn sigsuspend_cannot_block_sigkill() {
    with_timeout(20, || {
        let _p = user();
        let c = sys::spawn().unwrap() as i32;
        let h = std::thread::spawn(move || {
            let _c = Task::enter(c).unwrap();
            assert!(sys::sigsuspend(!0).is_err());
            assert_eq!(sys::getpid(), err(ESRCH), "the process is gone");
        });
        std::thread::sleep(Duration::from_millis(40));
        sys::kill(c, SIGKILL).unwrap();
        assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGKILL))));
        h.join().unwrap();
    });
}

#[test]
fn sigsuspend_ends_with_a_terminating_default_action() {
    with_timeout(20, || {
        let _p = user();
        let c = sys::spawn().unwrap() as i32;
        let h = std::thread::spawn(move || {
            let _c = Task::enter(c).unwrap();
            sys::sigprocmask(SIG_SETMASK, Some(bit(SIGTERM))).unwrap();
            // SIGSTOP in the mask is dropped: a stop still stops it.
            assert!(sys::sigsuspend(bit(SIGSTOP)).is_err());
            assert_eq!(sys::getpid(), err(ESRCH), "the process is gone");
        });
        std::thread::sleep(Duration::from_millis(40));
        sys::kill(c, SIGSTOP).unwrap();
        assert_eq!(sys::wait4(c, WUNTRACED), Ok((c, w_stopsig(SIGSTOP))));
        sys::kill(c, SIGCONT).unwrap();
        sys::kill(c, SIGTERM).unwrap();
        assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGTERM))));
        h.join().unwrap();
    });
}

#[test]
fn pause_returns_eintr_after_a_handler() {
    with_timeout(20, || {
        let _t = user();
        sys::signal(SIGUSR2, on_usr2, 0, 0).unwrap();
        let before = usr2_runs();
        let (_, h) = kill_later(me(), SIGUSR2, 40);
        assert_eq!(sys::pause(), err(EINTR));
        assert_eq!(usr2_runs(), before + 1);
        h.join().unwrap();
    });
}

// --- sigwaitinfo / sigtimedwait ----------------------------------------------------

#[test]
fn sigwaitinfo_takes_the_signal_with_the_senders_info() {
    with_timeout(20, || {
        let _t = user();
        sys::signal(SIGUSR1, on_usr1, 0, 0).unwrap();
        sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR1))).unwrap();
        let before = usr1_runs();
        let (sender, h) = kill_later(me(), SIGUSR1, 30);
        let info = sys::sigwaitinfo(bit(SIGUSR1)).unwrap();
        assert_eq!(
            info,
            SigInfo { si_signo: SIGUSR1, si_errno: 0, si_code: SI_USER, _pad: 0, si_pid: sender, si_uid: 1000 }
        );
        assert_eq!(usr1_runs(), before, "taken, not delivered");
        assert_eq!(sys::sigpending(), Ok(0));
        h.join().unwrap();
    });
}

#[test]
fn sigwaitinfo_takes_thread_directed_signals_first_then_lowest() {
    let _t = user();
    let set = bit(SIGUSR1) | bit(SIGUSR2) | bit(SIGPIPE);
    sys::sigprocmask(SIG_SETMASK, Some(set)).unwrap();
    let [r, w] = sys::pipe().unwrap();
    sys::close(r).unwrap();
    sys::kill(me(), SIGUSR2).unwrap();
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(sys::write(w, b"x"), err(EPIPE)); // SIGPIPE, directed at this thread
    assert_eq!(sys::sigpending(), Ok(set));
    let a = sys::sigwaitinfo(set).unwrap();
    assert_eq!((a.si_signo, a.si_code), (SIGPIPE, SI_KERNEL));
    let b = sys::sigwaitinfo(set).unwrap();
    assert_eq!((b.si_signo, b.si_code, b.si_pid), (SIGUSR1, SI_USER, me()));
    assert_eq!(sys::sigwaitinfo(set).unwrap().si_signo, SIGUSR2);
    assert_eq!(sys::sigtimedwait(set, ts(0)), err(EAGAIN));
}

#[test]
fn sigtimedwait_times_out_and_checks_the_timeout() {
    let _t = user();
    sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR1))).unwrap();
    assert_eq!(sys::sigtimedwait(bit(SIGUSR1), ts(0)), err(EAGAIN));
    let s = Instant::now();
    assert_eq!(sys::sigtimedwait(bit(SIGUSR1), ts(60)), err(EAGAIN));
    let e = s.elapsed();
    assert!(e >= Duration::from_millis(60) && e < Duration::from_secs(5), "{e:?}");
    for bad in [
        Timespec { tv_sec: 0, tv_nsec: 1_000_000_000 },
        Timespec { tv_sec: 0, tv_nsec: -1 },
        Timespec { tv_sec: -1, tv_nsec: 0 },
    ] {
        assert_eq!(sys::sigtimedwait(bit(SIGUSR1), bad), err(EINVAL), "{bad:?}");
    }
    // A pending signal is taken even with a zero timeout.
    sys::kill(me(), SIGUSR1).unwrap();
    assert_eq!(sys::sigtimedwait(bit(SIGUSR1), ts(0)).map(|i| i.si_signo), Ok(SIGUSR1));
}

#[test]
fn sigtimedwait_never_takes_sigkill_or_sigstop() {
    with_timeout(20, || {
        let _p = user();
        let c = sys::spawn().unwrap() as i32;
        let h = std::thread::spawn(move || {
            let _c = Task::enter(c).unwrap();
            let set = bit(SIGKILL) | bit(SIGSTOP);
            assert_eq!(sys::sigprocmask(SIG_SETMASK, Some(set)), Ok(0));
            assert_eq!(sys::sigprocmask(SIG_BLOCK, None), Ok(0), "cannot be blocked");
            assert_eq!(sys::sigtimedwait(set, ts(10)), err(EAGAIN));
            assert!(sys::sigwaitinfo(set).is_err(), "SIGKILL is never taken");
            assert_eq!(sys::getpid(), err(ESRCH), "the process is gone");
        });
        std::thread::sleep(Duration::from_millis(60));
        sys::kill(c, SIGKILL).unwrap();
        assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGKILL))));
        h.join().unwrap();
    });
}

#[test]
fn sigtimedwait_is_interrupted_by_an_unblocked_handled_signal() {
    with_timeout(20, || {
        let _t = user();
        sys::signal(SIGUSR2, on_usr2, 0, 0).unwrap();
        sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR1))).unwrap();
        let before = usr2_runs();
        let (_, h) = kill_later(me(), SIGUSR2, 30);
        assert_eq!(sys::sigtimedwait(bit(SIGUSR1), ts(10_000)), err(EINTR));
        assert_eq!(usr2_runs(), before + 1);
        h.join().unwrap();
    });
}

#[test]
fn sigwaitinfo_in_one_thread_takes_kills_aimed_at_the_process() {
    with_timeout(60, || {
        let _t = user();
        // Every thread blocks SIGUSR1; the waiting thread takes each one.
        sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR1))).unwrap();
        let waiter = sys::clone_thread().unwrap();
        let pid = me();
        const N: u64 = 300;
        let got = Arc::new(AtomicU64::new(0));
        let g = Arc::clone(&got);
        let h = std::thread::spawn(move || {
            let _w = Task::adopt(waiter);
            for _ in 0..N {
                let i = sys::sigwaitinfo(bit(SIGUSR1)).unwrap();
                assert_eq!((i.si_signo, i.si_pid), (SIGUSR1, pid));
                g.fetch_add(1, Ordering::SeqCst);
            }
        });
        // Each kill waits until the previous one was taken, so none coalesce;
        // the kills race with the waiter going to sleep.
        for k in 0..N {
            sys::kill(pid, SIGUSR1).unwrap();
            assert!(wait_until(10, || got.load(Ordering::SeqCst) > k), "kill {k} lost");
        }
        h.join().unwrap();
        assert_eq!(sys::sigpending(), Ok(0));
        invariants();
    });
}

#[test]
fn sigsuspend_ping_pong_between_processes_loses_no_wakeup() {
    with_timeout(60, || {
        let _p = user();
        let a = me();
        sys::signal(SIGUSR1, on_usr1, 0, 0).unwrap();
        sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR1))).unwrap();
        let b = sys::spawn().unwrap() as i32; // inherits handler and mask
        const ROUNDS: u64 = 500;
        let h = std::thread::spawn(move || {
            let _b = Task::enter(b).unwrap();
            for _ in 0..ROUNDS {
                assert_eq!(sys::sigsuspend(0), err(EINTR));
                sys::kill(a, SIGUSR1).unwrap();
            }
            let runs = usr1_runs();
            sys::exit(0).unwrap();
            runs
        });
        let before = usr1_runs();
        for _ in 0..ROUNDS {
            sys::kill(b, SIGUSR1).unwrap();
            assert_eq!(sys::sigsuspend(0), err(EINTR));
        }
        assert_eq!(h.join().unwrap(), ROUNDS, "b ran its handler once per round");
        assert_eq!(sys::wait4(b, 0), Ok((b, 0)));
        assert_eq!(usr1_runs() - before, ROUNDS);
    });
}

// --- SA_RESTART ------------------------------------------------------------------

/// A reader blocked on an empty pipe gets SIGUSR2 (handler with `flags`),
/// then data arrives: returns what the read returned.
fn interrupted_read(flags: u64) -> Result<usize, Errno> {
    with_timeout(20, move || {
        let _t = user();
        sys::signal(SIGUSR2, on_usr2, 0, flags).unwrap();
        let [r, w] = sys::pipe().unwrap();
        let pid = me();
        let sender = kernel().spawn_process(1000, 1000).unwrap();
        // The second thread blocks SIGUSR2, so the reader takes it.
        sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR2))).unwrap();
        let writer = sys::clone_thread().unwrap();
        let before = usr2_runs();
        let h = std::thread::spawn(move || {
            {
                let _s = Task::enter(sender).unwrap();
                std::thread::sleep(Duration::from_millis(40));
                sys::kill(pid, SIGUSR2).unwrap();
            }
            let _w = Task::adopt(writer);
            std::thread::sleep(Duration::from_millis(40));
            sys::write(w, b"data").unwrap();
        });
        sys::sigprocmask(SIG_SETMASK, Some(0)).unwrap();
        let mut buf = [0u8; 16];
        let res = sys::read(r, &mut buf);
        h.join().unwrap();
        assert_eq!(usr2_runs(), before + 1, "the handler ran once");
        if res.is_ok() {
            assert_eq!(&buf[..4], b"data");
        }
        res
    })
}

#[test]
fn sa_restart_restarts_an_interrupted_pipe_read() {
    assert_eq!(interrupted_read(SA_RESTART), Ok(4));
}

#[test]
fn without_sa_restart_an_interrupted_pipe_read_is_eintr() {
    assert_eq!(interrupted_read(0), err(EINTR));
}

/// A writer blocked on a full pipe (or part-way through a large write) gets
/// SIGUSR2 (handler with `flags`), then a reader drains the pipe.
fn interrupted_write(flags: u64, prefill: usize, len: usize) -> Result<usize, Errno> {
    with_timeout(20, move || {
        let _t = user();
        sys::signal(SIGUSR2, on_usr2, 0, flags).unwrap();
        let [r, w] = sys::pipe().unwrap();
        let fill = vec![7u8; prefill];
        assert_eq!(sys::write(w, &fill), Ok(prefill));
        let pid = me();
        let sender = kernel().spawn_process(1000, 1000).unwrap();
        // The second thread blocks SIGUSR2, so the writer takes it.
        sys::sigprocmask(SIG_SETMASK, Some(bit(SIGUSR2))).unwrap();
        let reader = sys::clone_thread().unwrap();
        sys::sigprocmask(SIG_SETMASK, Some(0)).unwrap();
        let before = usr2_runs();
        let h = std::thread::spawn(move || {
            {
                let _s = Task::enter(sender).unwrap();
                std::thread::sleep(Duration::from_millis(40));
                sys::kill(pid, SIGUSR2).unwrap();
            }
            let _r = Task::adopt(reader);
            std::thread::sleep(Duration::from_millis(40));
            let mut buf = vec![0u8; PIPE_SIZE];
            let mut total = 0;
            // Drain everything the writer manages to put in, then stop.
            let deadline = Instant::now() + Duration::from_millis(300);
            sys::fcntl(r, F_SETFL, O_NONBLOCK as u64).unwrap();
            while Instant::now() < deadline {
                match sys::read(r, &mut buf) {
                    Ok(n) => total += n,
                    Err(Errno(EAGAIN)) => std::thread::sleep(Duration::from_millis(5)),
                    Err(e) => panic!("{e}"),
                }
            }
            total
        });
        let data = vec![9u8; len];
        let res = sys::write(w, &data);
        let drained = h.join().unwrap();
        assert_eq!(usr2_runs(), before + 1, "the handler ran once");
        if let Ok(n) = res {
            assert_eq!(drained, prefill + n, "every byte written arrived");
        }
        res
    })
}

#[test]
fn sa_restart_restarts_an_interrupted_pipe_write() {
    assert_eq!(interrupted_write(SA_RESTART, PIPE_SIZE, 100), Ok(100));
}

#[test]
fn without_sa_restart_an_interrupted_pipe_write_is_eintr() {
    assert_eq!(interrupted_write(0, PIPE_SIZE, 100), err(EINTR));
}

#[test]
fn an_interrupted_pipe_write_returns_the_partial_count_even_with_sa_restart() {
    // 100 KiB into an empty 64 KiB pipe: 64 KiB go in, then the signal.
    assert_eq!(interrupted_write(SA_RESTART, 0, 100 * 1024), Ok(PIPE_SIZE));
    assert_eq!(interrupted_write(0, 0, 100 * 1024), Ok(PIPE_SIZE));
}
