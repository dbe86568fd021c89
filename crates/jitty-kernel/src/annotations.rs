//! Specialization annotations: Regehr's four kinds of values, in the source.
//!
//! | kind | type | meaning for the partial evaluator |
//! | --- | --- | --- |
//! | visibly constant | a static argument of a spec point (`specpoints`) | known at specialization time |
//! | constant, invisible to the compiler | [`Const<T>`] | written at construction, never after: a load from it may be folded |
//! | quasi-invariant | [`Quasi<T>`] | read by a plain load; written only by [`Quasi::store`] within a guarded write ([`QuasiDeps::prepare`]); a folded load becomes a guard term |
//! | dynamic | plain fields, atomics, locks | never folded |
//!
//! The guard is Synthetix's QUID: each object with `Quasi` fields carries one
//! [`QuasiDeps`] word, non-null while specializations depend on some of its
//! terms. A guarded write is `let w = obj.deps.prepare();` (before any lock),
//! then `field.store(&w, v)` under the object's lock. Without dependents
//! that costs a load, a compare and a store; with dependents `prepare` has
//! the runtime unplug and drain them first (`jitty_quasi_prepare_write`).
//!
//! Which fields of which types carry these wrappers is exported as data
//! (`typedesc`, `JK_TYPE_DESCS`), and the specialization points with their
//! typed static roots are declared in `specpoints` (`JK_SPEC_POINTS`). The
//! specializer learns everything it may assume from this file's types and
//! those tables.
//!
//! A `Quasi<T>` gives no `&mut` access to its value, so every write goes
//! through the guard (`let w = deps.prepare(); q.store(&w, v)`, as the
//! kernel's unit tests do). This compiles and runs:
//!
//! ```
//! use jitty_kernel::annotations::{Quasi, QuasiDeps};
//! let (deps, mut q) = (QuasiDeps::new(), Quasi::new(1u32));
//! let _ = (&deps, &mut q);
//! assert_eq!(q.get(), 1);
//! ```
//!
//! and each way around the guard does not compile:
//!
//! ```compile_fail,E0616
//! use jitty_kernel::annotations::{Quasi, QuasiDeps};
//! let (deps, mut q) = (QuasiDeps::new(), Quasi::new(1u32));
//! *q.value.get_mut() = 2; // the cell is private
//! ```
//!
//! ```compile_fail,E0614
//! use jitty_kernel::annotations::{Quasi, QuasiDeps};
//! let (deps, mut q) = (QuasiDeps::new(), Quasi::new(1u32));
//! *q = 2; // no `DerefMut`
//! ```
//!
//! ```compile_fail,E0599
//! use jitty_kernel::annotations::{Quasi, QuasiDeps};
//! let (deps, mut q) = (QuasiDeps::new(), Quasi::new(1u32));
//! *q.get_mut() = 2; // no `get_mut`
//! ```

use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::fmt;
use core::marker::PhantomData;
use core::sync::atomic::{AtomicPtr, AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering};

use crate::hal;

/// A field written once, at construction, and never again.
///
/// There is no setter and no `&mut` access; the partial evaluator may fold
/// loads from it on any live registered object.
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

// SAFETY: a `Const<T>` is never written after construction, so sharing it is
// exactly as safe as sharing `T` by value.
unsafe impl<T: Copy> Sync for Const<T> {}
// SAFETY: as above.
unsafe impl<T: Copy> Send for Const<T> {}

/// The dependents word (QUID) of an object holding [`Quasi`] fields: null
/// while nothing depends on the object; otherwise set by the specialization
/// runtime (to the word's own address), and a guarded write takes the slow
/// path. See ARCHITECTURE.md, "The guard protocol".
#[repr(C)]
pub struct QuasiDeps(AtomicPtr<c_void>);

impl QuasiDeps {
    /// No dependents.
    pub const fn new() -> Self {
        Self(AtomicPtr::new(core::ptr::null_mut()))
    }

    /// Whether some specialization may depend on the object.
    #[inline(always)]
    pub fn has_dependents(&self) -> bool {
        !self.0.load(Ordering::Relaxed).is_null()
    }

    /// Begins a guarded write to this object's `Quasi` fields. Call it
    /// *before* taking any kernel lock: when the object has dependents, the
    /// runtime unplugs them and waits until no thread executes them, and
    /// such a thread may be waiting for that lock. Between this call and the
    /// last store through the returned token the writer never sleeps
    /// interruptibly. Without dependents it costs a load and a compare.
    #[inline(always)]
    pub fn prepare(&self) -> QuasiWrite<'_> {
        let slow = self.has_dependents();
        if slow {
            prepare_slow(self);
        }
        QuasiWrite { deps: self, slow, _not_send: PhantomData }
    }
}

#[cold]
#[inline(never)]
fn prepare_slow(deps: &QuasiDeps) {
    // SAFETY: the hook accepts the address of any live dependents word and
    // does not retain it past the matching finish.
    unsafe { hal::jitty_quasi_prepare_write(deps as *const QuasiDeps as *const c_void) }
}

#[cold]
#[inline(never)]
fn finish_slow(deps: &QuasiDeps) {
    // SAFETY: as above.
    unsafe { hal::jitty_quasi_finish_write(deps as *const QuasiDeps as *const c_void) }
}

impl Default for QuasiDeps {
    fn default() -> Self {
        Self::new()
    }
}

impl fmt::Debug for QuasiDeps {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QuasiDeps({:p})", self.0.load(Ordering::Relaxed))
    }
}

/// A guarded write in progress on one object (from [`QuasiDeps::prepare`]):
/// the only way to store to its [`Quasi`] fields. Dropping it ends the write.
pub struct QuasiWrite<'a> {
    deps: &'a QuasiDeps,
    slow: bool,
    /// A guarded write belongs to the thread that prepared it.
    _not_send: PhantomData<*const ()>,
}

impl Drop for QuasiWrite<'_> {
    #[inline(always)]
    fn drop(&mut self) {
        if self.slow {
            finish_slow(self.deps);
        }
    }
}

impl fmt::Debug for QuasiWrite<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "QuasiWrite({:?}, slow: {})", self.deps, self.slow)
    }
}

/// A quasi-invariant field: read by a plain load, written only through a
/// guarded write ([`QuasiWrite`]).
///
/// The value lives in one atomic cell of its own size (1, 2, 4 or 8 bytes,
/// checked at compile time): reads are relaxed atomic loads (plain `mov`s)
/// and writes atomic stores, so concurrent readers and writers never race.
/// A value wider than a word is split into several `Quasi` fields. Writers of
/// one object are serialized by that object's lock (each field's doc names
/// it); the guard protocol orders them against specialized readers.
#[repr(transparent)]
pub struct Quasi<T> {
    value: UnsafeCell<T>,
}

// SAFETY: every access to the cell is an atomic load or store of its whole
// size (see `load`/`store`), so sharing it between threads is race-free.
unsafe impl<T: Copy + Send> Sync for Quasi<T> {}
// SAFETY: as above.
unsafe impl<T: Copy + Send> Send for Quasi<T> {}

impl<T: Copy> Quasi<T> {
    const CELL_OK: () = assert!(
        matches!(size_of::<T>(), 1 | 2 | 4 | 8) && align_of::<T>() == size_of::<T>(),
        "a Quasi value is one naturally aligned 1-, 2-, 4- or 8-byte word"
    );

    /// Wraps the construction-time value (no guard: nothing can depend on an
    /// object under construction).
    #[inline(always)]
    pub const fn new(v: T) -> Self {
        let () = Self::CELL_OK;
        Self { value: UnsafeCell::new(v) }
    }

    /// Reads the value (a relaxed atomic load).
    #[inline(always)]
    pub fn get(&self) -> T {
        let p = self.value.get();
        // SAFETY: `CELL_OK` guarantees the cell is a naturally aligned word
        // of 1, 2, 4 or 8 bytes, so it may be viewed as the atomic of that
        // size; `T: Copy` values round-trip through their bits.
        unsafe {
            match size_of::<T>() {
                1 => core::mem::transmute_copy(&AtomicU8::from_ptr(p.cast()).load(Ordering::Relaxed)),
                2 => core::mem::transmute_copy(&AtomicU16::from_ptr(p.cast()).load(Ordering::Relaxed)),
                4 => core::mem::transmute_copy(&AtomicU32::from_ptr(p.cast()).load(Ordering::Relaxed)),
                _ => core::mem::transmute_copy(&AtomicU64::from_ptr(p.cast()).load(Ordering::Relaxed)),
            }
        }
    }

    /// Stores `v` within the guarded write `w` of the field's owner.
    #[inline(always)]
    pub fn store(&self, w: &QuasiWrite<'_>, v: T) {
        let _ = w;
        let p = self.value.get();
        // SAFETY: as in `get`.
        unsafe {
            match size_of::<T>() {
                1 => AtomicU8::from_ptr(p.cast()).store(core::mem::transmute_copy(&v), Ordering::Relaxed),
                2 => AtomicU16::from_ptr(p.cast()).store(core::mem::transmute_copy(&v), Ordering::Relaxed),
                4 => AtomicU32::from_ptr(p.cast()).store(core::mem::transmute_copy(&v), Ordering::Relaxed),
                _ => AtomicU64::from_ptr(p.cast()).store(core::mem::transmute_copy(&v), Ordering::Relaxed),
            }
        }
    }

    /// The field's address (for the runtime and the layout probe).
    pub fn as_ptr(&self) -> *const T {
        self.value.get()
    }
}

impl<T: Copy + fmt::Debug> fmt::Debug for Quasi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quasi({:?})", self.get())
    }
}
