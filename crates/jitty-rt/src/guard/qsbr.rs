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

/// Nesting levels whose code is tracked exactly (a signal handler may make a
/// syscall inside a syscall). Deeper entries are treated conservatively:
/// their code is never freed while they run, and they restart on waking.
const MAX_NEST: usize = 8;

#[derive(Debug)]
struct Level {
    /// Address of the dispatch slot this entry went through.
    slot: AtomicUsize,
    /// The specialized code loaded from it (0: generic code, which never
    /// needs re-validation because it re-reads every fact).
    code: AtomicUsize,
}

/// One thread's quiescence state and the code it entered at each nesting level.
#[derive(Debug)]
pub struct ThreadRecord {
    state: AtomicU64,
    /// Number of entries the thread is inside (written by its owner only).
    depth: AtomicUsize,
    levels: [Level; MAX_NEST],
}

impl ThreadRecord {
    fn new() -> Self {
        Self {
            state: AtomicU64::new(0),
            depth: AtomicUsize::new(0),
            levels: std::array::from_fn(|_| Level { slot: AtomicUsize::new(0), code: AtomicUsize::new(0) }),
        }
    }

    #[inline(always)]
    fn transition(&self, set: u64) -> u64 {
        let s = self.state.load(Ordering::Relaxed);
        ((s & !(ACTIVE | SLEEPING)) + EPOCH) | set
    }

    /// Enters a dispatch region: must precede the load of any dispatch slot.
    /// The outermost entry costs three plain stores and a compiler fence (see
    /// `sync`); a nested one (a syscall from a signal handler) keeps the
    /// thread active without a quiescent point.
    #[inline(always)]
    pub fn enter(&self) {
        let d = self.depth.load(Ordering::Relaxed);
        self.depth.store(d + 1, Ordering::Relaxed);
        if let Some(l) = self.levels.get(d) {
            l.code.store(0, Ordering::Relaxed);
        }
        if d == 0 {
            self.state.store(self.transition(ACTIVE), Ordering::Relaxed);
            light_fence();
        }
    }

    /// Records that the current entry runs `code`, loaded from the slot at
    /// `slot` (call right after the slot load, only when `code` is not the
    /// slot's generic code).
    #[inline(always)]
    pub fn entered_specialized(&self, slot: usize, code: usize) {
        let d = self.depth.load(Ordering::Relaxed);
        if let Some(l) = d.checked_sub(1).and_then(|i| self.levels.get(i)) {
            l.slot.store(slot, Ordering::Relaxed);
            l.code.store(code, Ordering::Relaxed);
        }
    }

    /// Leaves the current entry. Leaving the outermost one is a quiescent
    /// point: every store the thread made inside happens-before a drainer's
    /// observation of the new state.
    #[inline(always)]
    pub fn leave(&self) {
        let d = self.depth.load(Ordering::Relaxed).saturating_sub(1);
        self.depth.store(d, Ordering::Relaxed);
        if d == 0 {
            self.state.store(self.transition(0), Ordering::Release);
        }
    }

    /// Begins an interruptible sleep: the thread becomes quiescent.
    pub fn sleep(&self) {
        self.state.store(self.transition(SLEEPING), Ordering::Release);
    }

    /// Ends a sleep: active again, then re-validates. Returns `true` when the
    /// code the innermost entry runs has been unplugged meanwhile: the caller
    /// must abandon the call and restart it through the slot.
    pub fn wake(&self) -> bool {
        self.state.store(self.transition(ACTIVE), Ordering::Relaxed);
        light_fence();
        let d = self.depth.load(Ordering::Relaxed);
        let Some(l) = d.checked_sub(1).map(|i| self.levels.get(i)) else { return false };
        let Some(l) = l else { return true };
        let code = l.code.load(Ordering::Relaxed);
        if code == 0 {
            return false;
        }
        let slot = l.slot.load(Ordering::Relaxed);
        // SAFETY: `entered_specialized` recorded a live slot address; slots
        // live as long as the dispatch tables that hold them, which outlive
        // every entry through them.
        let now = unsafe { &*(slot as *const AtomicUsize) }.load(Ordering::Acquire);
        now != code
    }

    /// Whether the thread is active or asleep inside `code` at any level.
    fn holds(&self, code: usize) -> bool {
        if self.state.load(Ordering::Acquire) & (ACTIVE | SLEEPING) == 0 {
            return false;
        }
        let d = self.depth.load(Ordering::Relaxed);
        d > MAX_NEST || self.levels[..d].iter().any(|l| l.code.load(Ordering::Relaxed) == code)
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

#[cfg(all(test, not(loom)))]
mod tests {
    use super::*;

    #[test]
    fn nested_entries_keep_the_outer_code_visible_and_active() {
        let d = Domain::default();
        let r = d.register();
        let slot = AtomicUsize::new(0x2000);
        r.enter();
        r.entered_specialized(&slot as *const _ as usize, 0x2000);
        let outer = r.state.load(Ordering::Relaxed);
        // A signal handler makes a syscall on generic code.
        r.enter();
        assert!(d.anyone_in(0x2000), "the outer level's code is still in use");
        r.leave();
        assert_eq!(r.state.load(Ordering::Relaxed), outer, "a nested leave is no quiescent point");
        assert!(d.anyone_in(0x2000));
        r.leave();
        assert!(!d.anyone_in(0x2000));
        assert_eq!(r.state.load(Ordering::Relaxed) & (ACTIVE | SLEEPING), 0);
    }

    #[test]
    fn a_sleeper_restarts_only_if_its_slot_changed() {
        let d = Domain::default();
        let r = d.register();
        let slot = AtomicUsize::new(0x2000);
        r.enter();
        r.entered_specialized(&slot as *const _ as usize, 0x2000);
        r.sleep();
        assert!(!r.wake());
        r.sleep();
        slot.store(0x1000, Ordering::Relaxed);
        assert!(r.wake());
        r.leave();
        // Generic code never restarts.
        r.enter();
        r.sleep();
        slot.store(0x3000, Ordering::Relaxed);
        assert!(!r.wake());
        r.leave();
    }
}
