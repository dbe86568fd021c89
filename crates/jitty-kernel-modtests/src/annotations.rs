//! Host stand-in for `jitty_kernel::annotations` (the subset the modules use).
//!
//! Same API and layout as the kernel's: [`Const<T>`] (written at
//! construction only), [`Quasi<T>`] (plain-load reads, guarded writes through
//! [`Quasi::set`]) and the per-object dependents word [`QuasiDeps`]. There is
//! no specialization runtime here, so the guard only counts the writes that
//! would have run the runtime's hook ([`guarded_writes`]).

use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::fmt;
use core::sync::atomic::{AtomicPtr, AtomicUsize, Ordering};

/// A field written once, at construction, and never again.
#[repr(transparent)]
pub struct Const<T>(T);

impl<T: Copy> Const<T> {
    /// Wraps the construction-time value.
    #[inline(always)]
    pub const fn new(v: T) -> Self {
        Self(v)
    }

    /// Reads the value.
    #[inline(always)]
    pub fn get(&self) -> T {
        self.0
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for Const<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Const({:?})", self.0)
    }
}

// SAFETY: a `Const<T>` is never written after construction.
unsafe impl<T: Copy> Sync for Const<T> {}
// SAFETY: as above.
unsafe impl<T: Copy> Send for Const<T> {}

/// The dependents pointer (QUID) of an object holding [`Quasi`] fields.
#[repr(C)]
pub struct QuasiDeps(AtomicPtr<c_void>);

impl QuasiDeps {
    /// No dependents.
    pub const fn new() -> Self {
        Self(AtomicPtr::new(core::ptr::null_mut()))
    }

    /// The runtime's record of dependents.
    #[inline(always)]
    pub fn get(&self) -> *mut c_void {
        self.0.load(Ordering::Acquire)
    }

    /// Installs a record of dependents.
    pub fn install(&self, deps: *mut c_void) {
        self.0.store(deps, Ordering::Release);
    }

    /// Begins a guarded write (counted when dependents are installed).
    pub fn prepare(&self) -> QuasiWrite<'_> {
        if !self.get().is_null() {
            GUARDED_WRITES.fetch_add(1, Ordering::Relaxed);
        }
        QuasiWrite(core::marker::PhantomData)
    }
}

/// A guarded write in progress.
#[derive(Debug)]
pub struct QuasiWrite<'a>(core::marker::PhantomData<&'a QuasiDeps>);

impl Default for QuasiDeps {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for QuasiDeps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QuasiDeps({:p})", self.get())
    }
}

static GUARDED_WRITES: AtomicUsize = AtomicUsize::new(0);

/// How many guarded writes found dependents installed (the kernel would have unplugged them).
pub fn guarded_writes() -> usize {
    GUARDED_WRITES.load(Ordering::Relaxed)
}

/// A quasi-invariant field: plain-load reads, guarded writes.
#[repr(C)]
pub struct Quasi<T> {
    value: UnsafeCell<T>,
}

// SAFETY: writes happen only through `set`, serialized by the owner's lock.
unsafe impl<T: Copy + Send> Sync for Quasi<T> {}
// SAFETY: as above.
unsafe impl<T: Copy + Send> Send for Quasi<T> {}

impl<T: Copy> Quasi<T> {
    /// Wraps the construction-time value.
    #[inline(always)]
    pub const fn new(v: T) -> Self {
        Self { value: UnsafeCell::new(v) }
    }

    /// Reads the value with a plain load.
    #[inline(always)]
    pub fn get(&self) -> T {
        // SAFETY: word-sized values, writers serialized by the owner's lock.
        unsafe { *self.value.get() }
    }

    /// The guarded write.
    #[inline(always)]
    pub fn set(&self, owner: &QuasiDeps, v: T) {
        if !owner.get().is_null() {
            GUARDED_WRITES.fetch_add(1, Ordering::Relaxed);
        }
        // SAFETY: the caller holds the owner's write lock.
        unsafe { *self.value.get() = v }
    }

    /// Stores within a guarded write.
    #[inline(always)]
    pub fn store(&self, _w: &QuasiWrite<'_>, v: T) {
        // SAFETY: the caller holds the owner's write lock.
        unsafe { *self.value.get() = v }
    }

    /// The field's address.
    pub fn as_ptr(&self) -> *const T {
        self.value.get()
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for Quasi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quasi({:?})", self.get())
    }
}
