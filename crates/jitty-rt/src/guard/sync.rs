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
//! liburcu's membarrier flavour and folly's `asymmetric_thread_fence_*`.
//! Where membarrier is unavailable the runtime installs no specialization at
//! all (`InstallError::NoHeavyFence`): with no dependents anywhere, no drain
//! and no re-validation ever depends on the light side. Under loom both
//! sides are `fence(SeqCst)`, which is what the pairing guarantees.

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
    use std::sync::OnceLock;

    const MEMBARRIER_CMD_PRIVATE_EXPEDITED: libc::c_int = 1 << 3;
    const MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED: libc::c_int = 1 << 4;

    /// Registers the process for expedited private membarriers, once.
    pub(super) fn registered() -> bool {
        static REGISTERED: OnceLock<bool> = OnceLock::new();
        *REGISTERED.get_or_init(|| {
            // SAFETY: membarrier takes two integer arguments and touches no memory.
            unsafe { libc::syscall(libc::SYS_membarrier, MEMBARRIER_CMD_REGISTER_PRIVATE_EXPEDITED, 0) == 0 }
        })
    }

    /// A full barrier on every running thread of the process.
    pub(super) fn expedited() -> bool {
        // SAFETY: as above.
        unsafe { libc::syscall(libc::SYS_membarrier, MEMBARRIER_CMD_PRIVATE_EXPEDITED, 0) == 0 }
    }
}

/// Whether the heavy fence is available (registering for it on first use):
/// without it the runtime must not install specializations.
pub(crate) fn heavy_fence_available() -> bool {
    #[cfg(not(loom))]
    return membarrier::registered();
    #[cfg(loom)]
    true
}

/// The fast-path side of a store→load ordering.
#[inline(always)]
pub(crate) fn light_fence() {
    #[cfg(not(loom))]
    std::sync::atomic::compiler_fence(Ordering::SeqCst);
    #[cfg(loom)]
    fence(Ordering::SeqCst);
}

/// The slow-path side: pairs with every thread's [`light_fence`]. Called
/// only by a runtime that has installed something, hence only where
/// [`heavy_fence_available`] said yes.
pub(crate) fn heavy_fence() {
    fence(Ordering::SeqCst);
    #[cfg(not(loom))]
    if !membarrier::expedited() {
        // Registered, so this cannot fail; if it ever did, light fences
        // would be bare compiler fences: stop rather than run stale code.
        eprintln!("jitty-rt: membarrier(PRIVATE_EXPEDITED) failed after registration");
        std::process::abort();
    }
}
