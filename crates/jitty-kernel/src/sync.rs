//! Kernel locking primitives built on atomics and the HAL futex.
//!
//! * [`SpinLock`] — short critical sections (fd table, signal lock); spins,
//!   then yields.
//! * [`RwSpinLock`] — the process-table lock (`tasklist_lock`): many readers
//!   (kill, lookups), one writer (spawn, exit, reap).
//! * [`Mutex`] — a sleeping lock (Drepper's three-state futex mutex) for
//!   sections that copy user data (pipe, inode data).
//! * [`WaitQueue`] — an event counter sleepers wait on; wakers bump it and
//!   call the futex only when someone sleeps.
//!
//! All are `#[repr(C)]` so the specializer sees their words at fixed offsets.

use core::cell::UnsafeCell;
use core::ops::{Deref, DerefMut};
use core::sync::atomic::{AtomicU32, Ordering};

use crate::hal;

const SPIN_BEFORE_YIELD: u32 = 64;

/// A test-and-test-and-set spin lock protecting a `T`.
#[repr(C)]
pub struct SpinLock<T> {
    locked: AtomicU32,
    data: UnsafeCell<T>,
}

// SAFETY: the lock serializes all access to `data`.
unsafe impl<T: Send> Sync for SpinLock<T> {}
// SAFETY: moving the lock moves the data; `T: Send` suffices.
unsafe impl<T: Send> Send for SpinLock<T> {}

impl<T> SpinLock<T> {
    /// A new unlocked lock.
    pub const fn new(v: T) -> Self {
        Self { locked: AtomicU32::new(0), data: UnsafeCell::new(v) }
    }

    /// Acquires the lock.
    #[inline]
    pub fn lock(&self) -> SpinGuard<'_, T> {
        if self.locked.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            self.lock_slow();
        }
        SpinGuard { lock: self }
    }

    #[cold]
    fn lock_slow(&self) {
        let mut spins = 0u32;
        loop {
            while self.locked.load(Ordering::Relaxed) != 0 {
                spins += 1;
                if spins >= SPIN_BEFORE_YIELD {
                    hal::yield_now();
                    spins = 0;
                } else {
                    core::hint::spin_loop();
                }
            }
            if self.locked.compare_exchange_weak(0, 1, Ordering::Acquire, Ordering::Relaxed).is_ok() {
                return;
            }
        }
    }

    /// Whether the lock is held right now (for the invariant checker).
    pub fn is_locked(&self) -> bool {
        self.locked.load(Ordering::Relaxed) != 0
    }

    /// Raw access to the data without locking.
    ///
    /// # Safety
    /// The caller guarantees no concurrent writer (e.g. single user of the
    /// object, or the data is only written at construction).
    #[inline]
    pub unsafe fn get_unlocked(&self) -> &T {
        // SAFETY: forwarded to the caller.
        unsafe { &*self.data.get() }
    }
}

impl<T: Default> Default for SpinLock<T> {
    fn default() -> Self {
        Self::new(T::default())
    }
}

impl<T> core::fmt::Debug for SpinLock<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("SpinLock").field("locked", &self.is_locked()).finish()
    }
}

/// Guard of a [`SpinLock`].
#[derive(Debug)]
pub struct SpinGuard<'a, T> {
    lock: &'a SpinLock<T>,
}

impl<T> Deref for SpinGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard proves the lock is held.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> DerefMut for SpinGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard proves the lock is held exclusively.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for SpinGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.lock.locked.store(0, Ordering::Release);
    }
}

const RW_WRITER: u32 = 1 << 31;

/// A reader-writer spin lock (writer bit + reader count in one word).
#[repr(C)]
pub struct RwSpinLock {
    state: AtomicU32,
}

impl RwSpinLock {
    /// A new unlocked lock.
    pub const fn new() -> Self {
        Self { state: AtomicU32::new(0) }
    }

    /// Shared acquisition.
    pub fn read(&self) -> RwReadGuard<'_> {
        let mut spins = 0u32;
        loop {
            let s = self.state.load(Ordering::Relaxed);
            if s & RW_WRITER == 0
                && self.state.compare_exchange_weak(s, s + 1, Ordering::Acquire, Ordering::Relaxed).is_ok()
            {
                return RwReadGuard { lock: self };
            }
            spins += 1;
            if spins >= SPIN_BEFORE_YIELD {
                hal::yield_now();
                spins = 0;
            } else {
                core::hint::spin_loop();
            }
        }
    }

    /// Exclusive acquisition.
    pub fn write(&self) -> RwWriteGuard<'_> {
        let mut spins = 0u32;
        loop {
            if self.state.compare_exchange_weak(0, RW_WRITER, Ordering::Acquire, Ordering::Relaxed).is_ok() {
                return RwWriteGuard { lock: self };
            }
            spins += 1;
            if spins >= SPIN_BEFORE_YIELD {
                hal::yield_now();
                spins = 0;
            } else {
                core::hint::spin_loop();
            }
        }
    }

    /// Non-blocking exclusive acquisition.
    pub fn try_write(&self) -> Option<RwWriteGuard<'_>> {
        self.state
            .compare_exchange(0, RW_WRITER, Ordering::Acquire, Ordering::Relaxed)
            .ok()
            .map(|_| RwWriteGuard { lock: self })
    }
}

impl Default for RwSpinLock {
    fn default() -> Self {
        Self::new()
    }
}

impl core::fmt::Debug for RwSpinLock {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("RwSpinLock").field("state", &self.state.load(Ordering::Relaxed)).finish()
    }
}

/// Shared guard of a [`RwSpinLock`].
#[derive(Debug)]
pub struct RwReadGuard<'a> {
    lock: &'a RwSpinLock,
}

impl Drop for RwReadGuard<'_> {
    fn drop(&mut self) {
        self.lock.state.fetch_sub(1, Ordering::Release);
    }
}

/// Exclusive guard of a [`RwSpinLock`].
#[derive(Debug)]
pub struct RwWriteGuard<'a> {
    lock: &'a RwSpinLock,
}

impl Drop for RwWriteGuard<'_> {
    fn drop(&mut self) {
        self.lock.state.store(0, Ordering::Release);
    }
}

/// A sleeping mutex: 0 = unlocked, 1 = locked, 2 = locked with waiters.
#[repr(C)]
pub struct Mutex<T> {
    state: AtomicU32,
    data: UnsafeCell<T>,
}

// SAFETY: the lock serializes all access to `data`.
unsafe impl<T: Send> Sync for Mutex<T> {}
// SAFETY: moving the lock moves the data.
unsafe impl<T: Send> Send for Mutex<T> {}

impl<T> Mutex<T> {
    /// A new unlocked mutex.
    pub const fn new(v: T) -> Self {
        Self { state: AtomicU32::new(0), data: UnsafeCell::new(v) }
    }

    /// Acquires the mutex, sleeping if contended.
    #[inline]
    pub fn lock(&self) -> MutexGuard<'_, T> {
        if self.state.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed).is_err() {
            self.lock_slow();
        }
        MutexGuard { lock: self }
    }

    #[cold]
    fn lock_slow(&self) {
        for _ in 0..32 {
            if self.state.load(Ordering::Relaxed) == 0
                && self.state.compare_exchange(0, 1, Ordering::Acquire, Ordering::Relaxed).is_ok()
            {
                return;
            }
            core::hint::spin_loop();
        }
        while self.state.swap(2, Ordering::Acquire) != 0 {
            hal::futex_wait(&self.state, 2, 0);
        }
    }

    fn unlock(&self) {
        if self.state.swap(0, Ordering::Release) == 2 {
            hal::futex_wake(&self.state, 1);
        }
    }

    /// Whether the mutex is held right now.
    pub fn is_locked(&self) -> bool {
        self.state.load(Ordering::Relaxed) != 0
    }

    /// Raw pointer to the data (for data protected by another lock).
    pub fn data_ptr(&self) -> *mut T {
        self.data.get()
    }

    /// Raw access without locking.
    ///
    /// # Safety
    /// The caller guarantees there is no concurrent writer.
    pub unsafe fn get_unlocked(&self) -> &T {
        // SAFETY: forwarded to the caller.
        unsafe { &*self.data.get() }
    }
}

impl<T> core::fmt::Debug for Mutex<T> {
    fn fmt(&self, f: &mut core::fmt::Formatter<'_>) -> core::fmt::Result {
        f.debug_struct("Mutex").field("locked", &self.is_locked()).finish()
    }
}

/// Guard of a [`Mutex`].
#[derive(Debug)]
pub struct MutexGuard<'a, T> {
    lock: &'a Mutex<T>,
}

impl<'a, T> MutexGuard<'a, T> {
    /// The mutex this guard holds (to release and re-take around a sleep).
    pub fn mutex(&self) -> &'a Mutex<T> {
        self.lock
    }
}

impl<T> Deref for MutexGuard<'_, T> {
    type Target = T;
    fn deref(&self) -> &T {
        // SAFETY: the guard proves the mutex is held.
        unsafe { &*self.lock.data.get() }
    }
}

impl<T> DerefMut for MutexGuard<'_, T> {
    fn deref_mut(&mut self) -> &mut T {
        // SAFETY: the guard proves the mutex is held exclusively.
        unsafe { &mut *self.lock.data.get() }
    }
}

impl<T> Drop for MutexGuard<'_, T> {
    #[inline]
    fn drop(&mut self) {
        self.lock.unlock();
    }
}

/// A wait queue: an event counter plus a count of sleepers.
///
/// Protocol: a sleeper reads [`WaitQueue::prepare`] *before* testing its
/// condition, then calls [`WaitQueue::sleep`] with that ticket; a waker makes
/// the condition true and then calls [`WaitQueue::wake_all`]. A wake between
/// `prepare` and `sleep` changes the counter, so the futex returns at once:
/// no lost wake-ups.
#[repr(C)]
#[derive(Debug)]
pub struct WaitQueue {
    seq: AtomicU32,
    sleepers: AtomicU32,
}

impl WaitQueue {
    /// An empty queue.
    pub const fn new() -> Self {
        Self { seq: AtomicU32::new(0), sleepers: AtomicU32::new(0) }
    }

    /// Takes a ticket; call before testing the wait condition.
    #[inline]
    pub fn prepare(&self) -> u32 {
        self.sleepers.fetch_add(1, Ordering::SeqCst);
        self.seq.load(Ordering::SeqCst)
    }

    /// Gives up a ticket without sleeping.
    #[inline]
    pub fn finish(&self) {
        self.sleepers.fetch_sub(1, Ordering::SeqCst);
    }

    /// Sleeps until the queue is woken after `ticket` was taken (or `timeout_ns`
    /// passes; 0 = no limit), then gives the ticket up.
    pub fn sleep(&self, ticket: u32, timeout_ns: u64) {
        if self.seq.load(Ordering::SeqCst) == ticket {
            hal::futex_wait(&self.seq, ticket, timeout_ns);
        }
        self.finish();
    }

    /// Wakes every sleeper. Costs one atomic load when nobody sleeps.
    #[inline]
    pub fn wake_all(&self) {
        core::sync::atomic::fence(Ordering::SeqCst);
        if self.sleepers.load(Ordering::SeqCst) != 0 {
            self.seq.fetch_add(1, Ordering::SeqCst);
            hal::futex_wake(&self.seq, u32::MAX);
        }
    }

    /// The event word (for wake-ups from other subsystems, e.g. signals).
    pub fn word(&self) -> &AtomicU32 {
        &self.seq
    }

    /// Bumps the counter and wakes unconditionally.
    pub fn kick(&self) {
        self.seq.fetch_add(1, Ordering::SeqCst);
        hal::futex_wake(&self.seq, u32::MAX);
    }
}

impl Default for WaitQueue {
    fn default() -> Self {
        Self::new()
    }
}
