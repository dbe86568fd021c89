//! Synchronization primitives of the guard runtime, switched to `loom`'s
//! model-checked versions under `--cfg loom`, plus the asymmetric fences.
//!
//! The fast paths of the protocol (a thread entering a dispatch region, an
//! unguarded `Quasi` write) must cost no more than plain stores and loads, so
//! their side of each store→load (Dekker) pattern uses a *light* fence, a
//! compiler fence, while the rare side (installing a specialization, draining
//! for a guarded write) issues a *heavy* fence: Linux's
//! `membarrier(MEMBARRIER_CMD_PRIVATE_EXPEDITED)`, which makes every running
//! thread of the process execute a full barrier. This is the pairing of
//! liburcu's membarrier flavour and folly's `asymmetric_thread_fence_*`. When
//! membarrier is unavailable both sides fall back to `fence(SeqCst)`. Under
//! loom both are `fence(SeqCst)`, which is what the pairing guarantees.

#[cfg(loom)]
pub(crate) use loom::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering, fence};
#[cfg(loom)]
pub(crate) use loom::sync::{Arc, Mutex, MutexGuard};
#[cfg(loom)]
pub(crate) use loom::thread::yield_now;

#[cfg(not(loom))]
pub(crate) use std::sync::atomic::{AtomicU32, AtomicU64, AtomicUsize, Ordering, fence};
#[cfg(not(loom))]
pub(crate) use std::sync::{Arc, Mutex, MutexGuard};
#[cfg(not(loom))]
pub(crate) use std::thread::yield_now;

/// Locks `m`, ignoring poisoning: every critical section of the runtime
/// leaves its data consistent before it can panic.
pub(crate) fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    #[cfg(loom)]
    {
        m.lock().unwrap_or_else(|e| e.into_inner())
    }
    #[cfg(not(loom))]
    {
        m.lock().unwrap_or_else(std::sync::PoisonError::into_inner)
    }
}

#[cfg(not(loom))]
mod membarrier {
    use std::sync::atomic::{AtomicBool, Ordering};

    const MEMBARRIER_CMD_PRIVATE_EXPEDITED: libc::c_int = 1 << 3;
    const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: libc::c_int = 1 << 4;

    /// Set once the process registered for expedited private membarriers.
    /// Until then (and forever if registration fails) both sides of every
    /// pairing use full fences, which is always correct.
    pub(super) static REGISTERED: AtomicBool = AtomicBool::new(false);

    /// Registers, once.
    pub(super) fn register() {
        static ONCE: std::sync::Once = std::sync::Once::new();
        ONCE.call_once(|| {
            // SAFETY: membarrier takes two integer arguments and touches no memory.
            let r = unsafe { libc::syscall(libc::SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) };
            REGISTERED.store(r == 0, Ordering::SeqCst);
        });
    }

    /// A full barrier on every running thread of the process.
    pub(super) fn expedited() -> bool {
        // SAFETY: as above.
        let r = unsafe { libc::syscall(libc::SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) };
        r == 0
    }
}

/// Prepares the heavy side: registers for membarrier (the runtime's
/// constructor calls it).
pub(crate) fn init_fences() {
    #[cfg(not(loom))]
    membarrier::register();
}

/// The fast-path side of a store→load ordering.
#[inline(always)]
pub(crate) fn light_fence() {
    #[cfg(not(loom))]
    {
        if membarrier::REGISTERED.load(Ordering::Relaxed) {
            std::sync::atomic::compiler_fence(Ordering::SeqCst);
        } else {
            fence(Ordering::SeqCst);
        }
    }
    #[cfg(loom)]
    fence(Ordering::SeqCst);
}

/// The slow-path side: pairs with every thread's [`light_fence`].
pub(crate) fn heavy_fence() {
    fence(Ordering::SeqCst);
    #[cfg(not(loom))]
    if membarrier::REGISTERED.load(Ordering::SeqCst) && !membarrier::expedited() {
        // Registration succeeded, so this cannot fail; if it ever did, the
        // light side would be a bare compiler fence: refuse to go on silently.
        panic!("membarrier(PRIVATE_EXPEDITED) failed after registration");
    }
}
