//! Quiescence tracking: which threads may be executing code behind a
//! dispatch slot, so a guarded write can wait until none executes code it is
//! about to make stale (the *drain*), RCU-style.
//!
//! Each thread that runs kernel code owns a [`ThreadRecord`]. Its state word
//! is `epoch << 2 | flags`:
//!
//! - `ACTIVE`: between [`ThreadRecord::enter`] and [`ThreadRecord::leave`],
//!   and not in a quiescent sleep. Entering happens *before* the thread loads
//!   a dispatch slot, so the drain also covers the slot load itself.
//! - `SLEEPING`: blocked in an interruptible kernel sleep. Such a thread is
//!   quiescent: a drain does not wait for it (a sleeper never stalls a
//!   writer). When it wakes it re-validates ([`ThreadRecord::wake`]): if the
//!   slot it entered through no longer holds the code it entered, its
//!   syscall must restart through the slot (the generic path).
//! - neither: outside the kernel.
//!
//! Every transition bumps the epoch, so a drainer that saw a thread ACTIVE
//! knows it passed a quiescent point as soon as the word changes.
//! Only the owning thread writes its state; drainers only read it.

use super::sync::{Arc, AtomicU64, AtomicUsize, Mutex, Ordering, heavy_fence, light_fence, lock, yield_now};

const ACTIVE: u64 = 1;
const SLEEPING: u64 = 2;
const EPOCH: u64 = 4;

/// One thread's quiescence state and the code it entered.
#[derive(Debug)]
pub struct ThreadRecord {
    state: AtomicU64,
    /// Address of the dispatch slot the current entry went through (0: none).
    slot: AtomicUsize,
    /// The specialized code loaded from that slot (0: generic code, which
    /// never needs re-validation because it re-reads every fact).
    code: AtomicUsize,
}

impl ThreadRecord {
    fn new() -> Self {
        Self { state: AtomicU64::new(0), slot: AtomicUsize::new(0), code: AtomicUsize::new(0) }
    }

    #[inline(always)]
    fn transition(&self, set: u64) -> u64 {
        let s = self.state.load(Ordering::Relaxed);
        ((s & !(ACTIVE | SLEEPING)) + EPOCH) | set
    }

    /// Enters a dispatch region: must precede the load of any dispatch slot.
    /// Costs two plain stores and a compiler fence (see `sync`).
    #[inline(always)]
    pub fn enter(&self) {
        let next = self.transition(ACTIVE);
        self.state.store(next, Ordering::Relaxed);
        self.code.store(0, Ordering::Relaxed);
        light_fence();
    }

    /// Records that this entry runs `code`, loaded from the slot at `slot`
    /// (call right after the slot load, only when `code` is not the slot's
    /// generic code).
    #[inline(always)]
    pub fn entered_specialized(&self, slot: usize, code: usize) {
        self.slot.store(slot, Ordering::Relaxed);
        self.code.store(code, Ordering::Relaxed);
    }

    /// Leaves the dispatch region: every store the thread made inside it
    /// happens-before a drainer's observation of the new state.
    #[inline(always)]
    pub fn leave(&self) {
        let next = self.transition(0);
        self.state.store(next, Ordering::Release);
    }

    /// Begins an interruptible sleep: the thread becomes quiescent.
    pub fn sleep(&self) {
        let next = self.transition(SLEEPING);
        self.state.store(next, Ordering::Release);
    }

    /// Ends a sleep: active again, then re-validates. Returns `true` when the
    /// code this entry runs has been unplugged meanwhile: the caller must
    /// abandon the call and restart it through the slot.
    pub fn wake(&self) -> bool {
        let next = self.transition(ACTIVE);
        self.state.store(next, Ordering::Relaxed);
        light_fence();
        let code = self.code.load(Ordering::Relaxed);
        if code == 0 {
            return false;
        }
        let slot = self.slot.load(Ordering::Relaxed);
        // SAFETY: `entered_specialized` recorded a live slot address; slots
        // live as long as the dispatch tables that hold them, which outlive
        // every entry through them.
        let now = unsafe { &*(slot as *const AtomicUsize) }.load(Ordering::Acquire);
        now != code
    }

    /// Whether the thread is active or asleep inside `code`.
    fn holds(&self, code: usize) -> bool {
        self.state.load(Ordering::Acquire) & (ACTIVE | SLEEPING) != 0 && self.code.load(Ordering::Relaxed) == code
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
            m.state.store(m.transition(s & SLEEPING), Ordering::Release);
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
            m.state.store(m.transition(s & (ACTIVE | SLEEPING)), Ordering::Relaxed);
            light_fence();
        }
    }

    /// Whether any thread is active or asleep inside `code`.
    pub fn anyone_in(&self, code: usize) -> bool {
        self.snapshot().iter().any(|t| t.holds(code))
    }
}
