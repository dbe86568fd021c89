//! The pending trap of compiled code, one per thread, shared by every
//! engine.
//!
//! JIT code never executes a hardware trap for an IR-level error: it records
//! the trap here ([`raise`]) and returns, and every caller that may have run
//! IR code checks [`pending`] after the call and returns too, so the trap
//! unwinds without an unwinder. The slot lives in the runtime, not in the
//! JIT, so that the interpreter can see a trap raised by compiled code it
//! called (directly, or through a native callback) and report it at the
//! call, as it reports its own.

use jitty_sem::Trap;
use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};

/// A trap raised by compiled code on this thread.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct PendingTrap {
    /// What happened, in the one trap vocabulary.
    pub kind: Trap,
    /// The IR function that trapped.
    pub func: String,
}

/// Number of threads with a recorded, not yet taken trap. Compiled code
/// reads it after calls (one load and a branch) and only asks for this
/// thread's state when it is non-zero.
pub static TRAPS_PENDING: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static TRAP: RefCell<Option<PendingTrap>> = const { RefCell::new(None) };
    static HAS_TRAP: Cell<bool> = const { Cell::new(false) };
}

/// Records a trap of this thread. The first trap wins; later ones (raised
/// while the first unwinds) are ignored.
pub fn raise(kind: Trap, func: String) {
    if has_trap() {
        return;
    }
    TRAP.with(|t| *t.borrow_mut() = Some(PendingTrap { kind, func }));
    HAS_TRAP.with(|h| h.set(true));
    TRAPS_PENDING.fetch_add(1, Ordering::SeqCst);
}

/// Takes (and clears) this thread's trap, if any.
pub fn take() -> Option<PendingTrap> {
    let trap = TRAP.with(|t| t.borrow_mut().take());
    if trap.is_some() {
        HAS_TRAP.with(|h| h.set(false));
        TRAPS_PENDING.fetch_sub(1, Ordering::SeqCst);
    }
    trap
}

/// True when this thread has a trap that was not taken yet.
pub fn has_trap() -> bool {
    HAS_TRAP.with(|h| h.get())
}

/// [`has_trap`], with a fast path for the usual case of no trap on any
/// thread (one relaxed load).
#[inline]
pub fn pending() -> bool {
    TRAPS_PENDING.load(Ordering::Relaxed) != 0 && has_trap()
}
