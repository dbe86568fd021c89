//! The guard runtime of quasi-invariants (Synthetix's QUID guards and
//! Replugger, done without losing invalidations or deadlocking).
//!
//! The protocol, which `ARCHITECTURE.md` states with its proof sketch and
//! `tests/loom_guard.rs` model-checks:
//!
//! 1. **Reads** of a `Quasi` cell are atomic loads (relaxed: plain `mov`s);
//!    **writes** are atomic stores, so no access is a data race. A value
//!    wider than a word is split into word-sized cells.
//! 2. **Guarded write** (kernel): `prepare` *before* taking any kernel lock:
//!    load the object's dependents word; if null, nothing depends on it
//!    (fast path: a load and a compare). Otherwise call the hook,
//!    [`GuardRuntime::prepare_write`]: unplug every dependent, mark the object
//!    as being written, drain. Then lock, store, unlock, and `finish`
//!    ([`GuardRuntime::finish_write`]) if the slow path ran. Between its
//!    prepare and its store a writer never sleeps interruptibly.
//! 3. **Enter/leave**: a thread calls [`ThreadRecord::enter`] *before* it
//!    loads a dispatch slot and [`ThreadRecord::leave`] when it returns.
//! 4. **Blocked threads are quiescent**: an interruptible sleep calls
//!    [`ThreadRecord::sleep`]/[`ThreadRecord::wake`]; a drain never waits for a
//!    sleeper. A sleeper that wakes in code that was unplugged meanwhile
//!    (`wake()` returns true) abandons its call, which restarts through the
//!    slot: it never continues on stale facts.
//! 5. **Install**: publish the dependents records, drain (a grace period),
//!    re-read every folded term, and plug under the registry lock only if all
//!    still hold and no write is in progress on their objects.
//! 6. **Free**: unplugged code is freed only when no thread is active or
//!    asleep in it.
//!
//! Residual code never contains the slow path of a guarded write (a path that
//! would need it stays generic), which is why a drainer may count itself
//! quiescent while it waits.

mod deps;
#[cfg(not(loom))]
pub mod host;
mod qsbr;
mod sync;

pub use deps::{GuardRuntime, GuardStats, InstallError, Plug, Reclaim, SpecId, Specialization, Term};
pub use qsbr::{Domain, ThreadRecord};
