//! Quiescence tracking: which threads may be executing code behind a
//! dispatch slot, so a guarded write can wait until none executes code it is
//! about to make stale (the *drain*), RCU-style.
//!
//! Each thread that runs kernel code owns a [`ThreadRecord`]. Its state word
//! is `epoch << 2 | SLEEPING | ACTIVE`:
//!
//! - `ACTIVE`: between [`ThreadRecord::enter`] and [`ThreadRecord::leave`],
//!   and not in a quiescent sleep. Entering happens *before* the thread loads
//!   a dispatch slot, so the drain also covers the slot load itself.
//! - `SLEEPING`: blocked in an interruptible kernel sleep. Such a thread is
//!   quiescent: a drain does not wait for it (a sleeper never stalls a
//!   writer). When it wakes it re-validates ([`ThreadRecord::wake`]): if the
//!   slot it entered through no longer holds the code it entered, and that
//!   code was specialized, its syscall must restart through the slot.
//! - neither: outside the kernel.
//!
//! Every entry bumps the epoch, so a drainer that saw a thread ACTIVE knows
//! it passed a quiescent point as soon as the word changes. Only the owning
//! thread writes its record; drainers only read it. The fast path (enter,
//! record the code, leave) is plain loads and stores: the owner is the only
//! writer, so no read-modify-write instruction is needed.
//!
//! A signal handler runs inside a syscall and may make syscalls of its own.
//! The kernel brackets each handler with [`ThreadRecord::suspend`] and
//! [`ThreadRecord::resume`]: the outer entry is quiescent while the handler
//! runs (the handler's own syscalls enter and leave normally) and its code
//! stays visible to reclamation. What the outer entry runs after the handler
//! is the return to the caller only.

use super::sync::{Arc, AtomicU64, AtomicUsize, Mutex, Ordering, heavy_fence, light_fence, lock, yield_now};

const ACTIVE: u64 = 1;
const SLEEPING: u64 = 2;
const EPOCH: u64 = 4;

/// Outer entries suspended by nested signal handlers that are tracked
/// exactly; deeper nesting keeps all unplugged code alive while it lasts.
const MAX_SUSPENDED: usize = 8;

/// One thread's quiescence state and the code it entered.
#[derive(Debug)]
pub struct ThreadRecord {
    state: AtomicU64,
    /// Address of the dispatch slot the current entry went through.
    slot: AtomicUsize,
    /// The code loaded from it.
    code: AtomicUsize,
    /// Number of suspended outer entries, and their slots and codes.
    suspended: AtomicUsize,
    saved: [(AtomicUsize, AtomicUsize); MAX_SUSPENDED],
}

impl ThreadRecord {
    fn new() -> Self {
        Self {
            state: AtomicU64::new(0),
            slot: AtomicUsize::new(0),
            code: AtomicUsize::new(0),
            suspended: AtomicUsize::new(0),
            saved: std::array::from_fn(|_| (AtomicUsize::new(0), AtomicUsize::new(0))),
        }
    }

    #[inline(always)]
    fn set_state(&self, f: impl FnOnce(u64) -> u64, order: Ordering) {
        let s = self.state.load(Ordering::Relaxed);
        self.state.store(f(s), order);
    }

    /// Enters a dispatch region: must precede the load of any dispatch slot.
    #[inline(always)]
    pub fn enter(&self) {
        self.set_state(|s| (s + EPOCH) | ACTIVE, Ordering::Relaxed);
        light_fence();
    }

    /// Records the code this entry runs, loaded from the slot at `slot`
    /// (right after the slot load, before calling it).
    #[inline(always)]
    pub fn entered(&self, slot: usize, code: usize) {
        self.slot.store(slot, Ordering::Relaxed);
        self.code.store(code, Ordering::Relaxed);
    }

    /// Leaves the dispatch region: a quiescent point. Every store the thread
    /// made inside happens-before a drainer's observation of the new state.
    #[inline(always)]
    pub fn leave(&self) {
        self.set_state(|s| s & !ACTIVE, Ordering::Release);
    }

    /// Begins an interruptible sleep: the thread becomes quiescent.
    pub fn sleep(&self) {
        self.set_state(|s| ((s + EPOCH) & !ACTIVE) | SLEEPING, Ordering::Release);
    }

    /// Ends a sleep: active again, then re-validates. Returns `true` when the
    /// slot this entry came through no longer holds the code it runs; the
    /// caller ([`super::GuardRuntime::wake`]) restarts the call if that code
    /// was specialized.
    pub fn wake_slot_changed(&self) -> bool {
        // Release, like `sleep` and `leave`: a drainer whose wait ends on
        // this store (not on the sleep's) must still see the code recorded
        // by `entered`, or it could free code this thread runs in (loom's
        // `uninstall_while_calling` found it; free on x86-64).
        self.set_state(|s| ((s + EPOCH) & !SLEEPING) | ACTIVE, Ordering::Release);
        light_fence();
        let slot = self.slot.load(Ordering::Relaxed);
        if slot == 0 {
            return false;
        }
        // SAFETY: `entered` recorded a live slot address; slots live as long
        // as the dispatch tables that hold them, which outlive every entry
        // through them.
        let now = unsafe { &*(slot as *const AtomicUsize) }.load(Ordering::Acquire);
        now != self.code.load(Ordering::Relaxed)
    }

    /// The current code (what [`Self::wake_slot_changed`] compared).
    pub fn code(&self) -> usize {
        self.code.load(Ordering::Relaxed)
    }

    /// A signal handler is about to run inside the current entry: the entry
    /// becomes quiescent and its code is kept visible to reclamation.
    pub fn suspend(&self) {
        let n = self.suspended.load(Ordering::Relaxed);
        if let Some((slot, code)) = self.saved.get(n) {
            slot.store(self.slot.load(Ordering::Relaxed), Ordering::Relaxed);
            code.store(self.code.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        self.suspended.store(n + 1, Ordering::Relaxed);
        self.leave();
    }

    /// The handler returned: the outer entry is active again.
    pub fn resume(&self) {
        let n = self.suspended.load(Ordering::Relaxed).saturating_sub(1);
        if let Some((slot, code)) = self.saved.get(n) {
            self.slot.store(slot.load(Ordering::Relaxed), Ordering::Relaxed);
            self.code.store(code.load(Ordering::Relaxed), Ordering::Relaxed);
        }
        self.enter();
        // Release: a drainer that sees the new count sees the restored code.
        self.suspended.store(n, Ordering::Release);
    }

    /// Whether the thread is active or asleep inside `code`, or suspended
    /// in it under a signal handler.
    fn holds(&self, code: usize) -> bool {
        let s = self.state.load(Ordering::Acquire);
        let n = self.suspended.load(Ordering::Acquire);
        if n > MAX_SUSPENDED {
            return true;
        }
        (s & (ACTIVE | SLEEPING) != 0 && self.code.load(Ordering::Relaxed) == code)
            || self.saved[..n].iter().any(|(_, c)| c.load(Ordering::Relaxed) == code)
    }
}

/// The set of thread records of one runtime.
#[derive(Debug, Default)]
pub struct Domain {
    threads: Mutex<Vec<Arc<ThreadRecord>>>,
}

impl Domain {
    /// Registers a new thread record.
    pub fn register(&self) -> Arc<ThreadRecord> {
        let r = Arc::new(ThreadRecord::new());
        lock(&self.threads).push(r.clone());
        r
    }

    /// Forgets a thread record (its thread is gone, or will not enter again).
    pub fn unregister(&self, r: &Arc<ThreadRecord>) {
        lock(&self.threads).retain(|t| !Arc::ptr_eq(t, r));
    }

    fn snapshot(&self) -> Vec<Arc<ThreadRecord>> {
        lock(&self.threads).clone()
    }

    /// Waits until every thread that was ACTIVE has passed a quiescent point
    /// (left, slept, or re-entered). The caller (`me`) counts as quiescent
    /// while it waits: by the runtime's rule it executes only generic code
    /// when it calls this (residual code never reaches a guarded-write slow
    /// path), so two concurrent drainers never wait for each other.
    pub fn synchronize(&self, me: Option<&ThreadRecord>) {
        let saved = me.map(|m| {
            let s = m.state.load(Ordering::Relaxed);
            m.state.store((s + EPOCH) & !ACTIVE, Ordering::Release);
            s
        });
        heavy_fence();
        for t in self.snapshot() {
            if me.is_some_and(|m| std::ptr::eq(m, &*t)) {
                continue;
            }
            let s = t.state.load(Ordering::Acquire);
            if s & ACTIVE != 0 {
                while t.state.load(Ordering::Acquire) == s {
                    yield_now();
                }
            }
        }
        if let (Some(m), Some(s)) = (me, saved) {
            m.state.store((m.state.load(Ordering::Relaxed) + EPOCH) | (s & ACTIVE), Ordering::Relaxed);
            light_fence();
        }
    }

    /// Whether any thread is active or asleep inside `code`.
    pub fn anyone_in(&self, code: usize) -> bool {
        self.snapshot().iter().any(|t| t.holds(code))
    }
}

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn a_handler_suspends_the_outer_entry_but_keeps_its_code_alive() {
        let d = Domain::default();
        let r = d.register();
        let slot = AtomicUsize::new(0x2000);
        r.enter();
        r.entered(&slot as *const _ as usize, 0x2000);
        r.suspend();
        assert_eq!(r.state.load(Ordering::Relaxed) & ACTIVE, 0, "quiescent while the handler runs");
        // The handler makes a syscall on generic code.
        r.enter();
        r.entered(&slot as *const _ as usize, 0x1000);
        assert!(d.anyone_in(0x2000), "the suspended entry's code is still in use");
        r.leave();
        assert!(d.anyone_in(0x2000));
        r.resume();
        assert_eq!(r.code(), 0x2000);
        r.leave();
        assert!(!d.anyone_in(0x2000));
    }

    #[test]
    fn a_sleeper_sees_whether_its_slot_changed() {
        let d = Domain::default();
        let r = d.register();
        let slot = AtomicUsize::new(0x2000);
        r.enter();
        r.entered(&slot as *const _ as usize, 0x2000);
        r.sleep();
        assert!(!d.anyone_in(0x1234));
        assert!(d.anyone_in(0x2000), "a sleeper holds its code");
        assert!(!r.wake_slot_changed());
        r.sleep();
        slot.store(0x1000, Ordering::Relaxed);
        assert!(r.wake_slot_changed());
        r.leave();
    }
}
