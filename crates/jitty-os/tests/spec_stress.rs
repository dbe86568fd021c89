//! Stress test of live specialized code (issue: "8 threads calling
//! specialized paths while another thread flips quasi-invariants; zero stale
//! executions, checked by an oracle that knows the facts at each call").
//!
//! Eight caller processes, one host thread each, run `write` on a RAM-fs
//! file and `kill(target, 0)` in a loop with the driver's `force` policy:
//! each call through a generic slot specializes and plugs, so residual code
//! is plugged, invalidated and plugged again all through the run. One
//! flipper thread holds a second kernel thread of every caller process and
//! flips, at random:
//!
//! * `O_APPEND` on the caller's file (a guarded write of `File.f_flags`),
//! * the real uid of the caller's kill target between 2000 (the caller's
//!   own: kill permitted) and 0 (refused; its saved uid stays 0),
//! * the caller's thread count, 2 -> 3 -> 2 (`FilesStruct.users`).
//!
//! The oracle is the facts table: the flipper makes a caller's epoch odd,
//! changes the kernel, records the fact, and makes the epoch even again. A
//! call that begins and ends in the same even epoch must behave as the
//! recorded facts say, as POSIX defines: a write without `O_APPEND` after
//! `lseek(0)` lands at offset 0, one with it lands at the end; a kill is
//! permitted exactly when the target's real uid is the caller's. Code
//! specialized on a fact that no longer holds would answer with the old
//! fact, so any stale execution inside a stable epoch fails the test. The
//! test also shows the specialized code ran: it counts calls that found
//! residual code in their slot, and the guard runtime's invalidations.

mod common;

use common::*;
use jitty_os::spec::{Specializer, policy};
use std::sync::atomic::{AtomicBool, AtomicU32, AtomicU64, Ordering::SeqCst};
use std::sync::{Arc, mpsc};
use std::time::{Duration, Instant};

const CALLERS: usize = 8;
/// The callers' uid; a target with this real uid may be signalled by them.
const CALLER_UID: u32 = 2000;

/// What the flipper has made true, per caller, with its epoch.
struct Facts {
    epoch: [AtomicU64; CALLERS],
    append: [AtomicBool; CALLERS],
    target_ruid: [AtomicU32; CALLERS],
}

impl Facts {
    /// Runs `change` (the kernel change and its record here) with caller
    /// `i`'s epoch odd.
    fn change(&self, i: usize, change: impl FnOnce()) {
        self.epoch[i].fetch_add(1, SeqCst);
        change();
        self.epoch[i].fetch_add(1, SeqCst);
    }

    /// Whether caller `i`'s facts held, unchanged, from the load of `e0`
    /// until now.
    fn stable_since(&self, i: usize, e0: u64) -> bool {
        e0.is_multiple_of(2) && self.epoch[i].load(SeqCst) == e0
    }
}

/// Per caller: calls made, calls checked against the facts, calls that
/// found residual code in their slot.
#[derive(Default, Debug, Clone, Copy)]
struct Tally {
    calls: u64,
    checked: u64,
    specialized: u64,
}

impl std::ops::AddAssign for Tally {
    fn add_assign(&mut self, o: Tally) {
        self.calls += o.calls;
        self.checked += o.checked;
        self.specialized += o.specialized;
    }
}

fn seconds() -> u64 {
    std::env::var("JITTY_STRESS_SECS").ok().and_then(|s| s.parse().ok()).unwrap_or(3)
}

/// What a caller hands the flipper: a second kernel thread of its process,
/// its file descriptor, and its kill target.
struct Handoff {
    caller: usize,
    thread: jitty_os::ThreadHandle,
    fd: i32,
    target: Pid,
}

fn caller(
    i: usize,
    facts: &Facts,
    stop: &AtomicBool,
    handoff: mpsc::Sender<Handoff>,
    start: &std::sync::Barrier,
) -> (Tally, Tally) {
    let k = kernel();
    let d = Specializer::get().expect("driver");
    // The target: real and effective uid ours, saved uid 0, so it may set
    // its real uid to 0 and back (kill looks at the real and saved uids).
    let target = k.spawn_process(0, 0).expect("target");
    {
        let _t = Task::enter(target).expect("enter the target");
        assert_eq!(sys::setresuid(CALLER_UID, CALLER_UID, 0), Ok(0));
    }
    let _t = proc_as(CALLER_UID, CALLER_UID);
    // Before the process's first call through a spec point: its slots
    // still hold the generic code.
    let generic_write = d.slot_code("write").expect("write slot");
    let generic_kill = d.slot_code("kill").expect("kill slot");
    let path = tmp(&format!("jitty-stress-{i}"));
    let fd = sys::open(&path, O_RDWR | O_CREAT | O_TRUNC, 0o600).expect("open");
    assert_eq!(sys::write(fd, b"ab"), Ok(2));
    let thread = sys::clone_thread().expect("second thread");
    handoff.send(Handoff { caller: i, thread, fd, target }).unwrap();
    start.wait();
    let (mut w, mut kl) = (Tally::default(), Tally::default());
    let mut byte = 0u8;
    while !stop.load(SeqCst) {
        // write(2) after lseek(0): where it lands says whether O_APPEND held.
        byte = byte % 250 + 1;
        let e0 = facts.epoch[i].load(SeqCst);
        let spec = d.slot_code("write") != Some(generic_write);
        assert_eq!(sys::lseek(fd, 0, SEEK_SET), Ok(0));
        assert_eq!(sys::write(fd, &[byte]), Ok(1), "caller {i}: write");
        let pos = sys::lseek(fd, 0, SEEK_CUR).expect("lseek") as u64;
        let size = sys::fstat(fd).expect("fstat").st_size as u64;
        let mut at = [0u8; 1];
        let landed = if facts.append[i].load(SeqCst) { size - 1 } else { 0 };
        assert_eq!(sys::pread(fd, &mut at, landed as i64), Ok(1));
        w.calls += 1;
        w.specialized += u64::from(spec);
        if facts.stable_since(i, e0) {
            let append = facts.append[i].load(SeqCst);
            let want_pos = if append { size } else { 1 };
            assert_eq!(
                (pos, at[0]),
                (want_pos, byte),
                "caller {i}: a write with O_APPEND {} landed elsewhere (size {size}): stale code ran",
                if append { "set" } else { "clear" }
            );
            w.checked += 1;
        }
        // kill(target, 0): permitted exactly when the target's real uid is ours.
        let e0 = facts.epoch[i].load(SeqCst);
        let spec = d.slot_code("kill") != Some(generic_kill);
        let r = sys::kill(target, 0);
        kl.calls += 1;
        kl.specialized += u64::from(spec);
        if facts.stable_since(i, e0) {
            let ruid = facts.target_ruid[i].load(SeqCst);
            let want = if ruid == CALLER_UID { Ok(0) } else { err(EPERM) };
            assert_eq!(r, want, "caller {i}: kill of a target with ruid {ruid}: stale code ran");
            kl.checked += 1;
        }
    }
    assert_eq!(sys::close(fd), Ok(0));
    invariants();
    (w, kl)
}

/// A small deterministic generator (the flips need no quality, only spread).
struct Lcg(u64);
impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

#[test]
fn eight_callers_and_a_flipper() {
    let _k = kernel();
    Specializer::get().expect("driver");
    let stats0 = jitty_os::spec::Stats::now();
    policy::set_policy(policy::Policy::FORCE);
    let facts = Arc::new(Facts {
        epoch: Default::default(),
        append: Default::default(),
        target_ruid: std::array::from_fn(|_| AtomicU32::new(CALLER_UID)),
    });
    let stop = Arc::new(AtomicBool::new(false));
    let start = Arc::new(std::sync::Barrier::new(CALLERS + 1));
    let (tx, rx) = mpsc::channel();
    let callers: Vec<_> = (0..CALLERS)
        .map(|i| {
            let (facts, stop, tx, start) = (facts.clone(), stop.clone(), tx.clone(), start.clone());
            std::thread::spawn(move || caller(i, &facts, &stop, tx, &start))
        })
        .collect();
    drop(tx);

    // The flipper: this thread, acting for a second thread of every caller.
    let mut handoffs: Vec<Handoff> =
        (0..CALLERS).map(|_| rx.recv_timeout(Duration::from_secs(30)).expect("a caller set up")).collect();
    handoffs.sort_by_key(|h| h.caller);
    let fds: Vec<i32> = handoffs.iter().map(|h| h.fd).collect();
    let targets: Vec<Pid> = handoffs.iter().map(|h| h.target).collect();
    let mut tasks: Vec<Task> = handoffs.into_iter().map(|h| Task::adopt(h.thread)).collect();
    start.wait();
    let deadline = Instant::now() + Duration::from_secs(seconds());
    let mut rng = Lcg(0x5eed);
    let mut flips = [0u64; 3];
    while Instant::now() < deadline {
        std::thread::sleep(Duration::from_micros(2000 + rng.below(8000)));
        let i = rng.below(CALLERS as u64) as usize;
        match rng.below(3) {
            0 => {
                let append = !facts.append[i].load(SeqCst);
                facts.change(i, || {
                    let flags = if append { O_APPEND } else { 0 };
                    assert_eq!(tasks[i].with(|| sys::fcntl(fds[i], F_SETFL, u64::from(flags))), Ok(0));
                    facts.append[i].store(append, SeqCst);
                });
                flips[0] += 1;
            }
            1 => {
                let ruid = if facts.target_ruid[i].load(SeqCst) == CALLER_UID { 0 } else { CALLER_UID };
                facts.change(i, || {
                    let _t = Task::enter(targets[i]).expect("enter the target");
                    // Its euid stays ours and its suid 0: it may set its
                    // real uid to either value.
                    assert_eq!(sys::setresuid(ruid, u32::MAX, u32::MAX), Ok(0));
                    facts.target_ruid[i].store(ruid, SeqCst);
                });
                flips[1] += 1;
            }
            _ => {
                // users 2 -> 3 -> 2: results do not depend on it, the
                // residual code does (FilesStruct.users is in its guard set).
                let third = tasks[i].with(sys::clone_thread).expect("third thread");
                drop(third);
                flips[2] += 1;
            }
        }
    }
    stop.store(true, SeqCst);
    let (mut w, mut kl) = (Tally::default(), Tally::default());
    for (i, c) in callers.into_iter().enumerate() {
        let (cw, ck) = c.join().unwrap_or_else(|_| panic!("caller {i} failed"));
        w += cw;
        kl += ck;
    }
    while let Some(t) = tasks.pop() {
        drop(t);
    }
    policy::set_policy(policy::Policy::Off);
    let stats = jitty_os::spec::Stats::now();
    let plugged = stats.plugged - stats0.plugged;
    let invalidated = stats.invalidated - stats0.invalidated;
    eprintln!(
        "stress: {}s, flips (O_APPEND, ruid, threads) {flips:?}; write {w:?}; kill {kl:?}; \
         plugged {plugged} ({} reused), invalidated {invalidated}, freed {}",
        seconds(),
        stats.reused - stats0.reused,
        stats.freed - stats0.freed
    );
    // The run exercised what it claims to.
    assert!(flips.iter().all(|&f| f > 0), "every kind of flip happened: {flips:?}");
    assert!(w.specialized > 0 && kl.specialized > 0, "specialized code ran: write {w:?}, kill {kl:?}");
    assert!(w.checked > w.calls / 2 && kl.checked > kl.calls / 2, "most calls were checked: {w:?} {kl:?}");
    assert!(invalidated > 0 && plugged > invalidated / 2, "code was plugged {plugged} and unplugged {invalidated}");
    invariants();
}
