//! Specialization annotations: Regehr's four kinds of values, in the source.
//!
//! | kind | type | meaning for the partial evaluator |
//! | --- | --- | --- |
//! | visibly constant | a static argument of a spec point (`specpoints`) | known at specialization time |
//! | constant, invisible to the compiler | [`Const<T>`] | written at construction, never after: a load from it may be folded |
//! | quasi-invariant | [`Quasi<T>`] | read by a plain load; written only by [`Quasi::set`], which runs the owner's guard; a folded load becomes a guard term |
//! | dynamic | plain fields, atomics, locks | never folded |
//!
//! The guard is Synthetix's QUID: each object with `Quasi` fields carries one
//! [`QuasiDeps`] word (a pointer to the runtime's record of specializations
//! that folded some of its terms). Null in the common case: an unguarded
//! write then costs a load, a compare and a store. Non-null: the runtime hook
//! `jitty_quasi_write_hook(dependents, field_addr)` unplugs and drains the
//! dependents before the store happens.
//!
//! Which fields of which types carry these wrappers is exported as data
//! (`typedesc`, `JK_TYPE_DESCS`), and the specialization points with their
//! typed static roots are declared in `specpoints` (`JK_SPEC_POINTS`). The
//! specializer learns everything it may assume from this file's types and
//! those tables.
//!
//! A `Quasi<T>` gives no `&mut` access to its value, so every write goes
//! through the guard. This compiles and runs (the host provides the hook):
//!
//! ```
//! use jitty_kernel::annotations::{Quasi, QuasiDeps};
//! # #[unsafe(no_mangle)]
//! # extern "C" fn jitty_quasi_write_hook(_: *mut core::ffi::c_void, _: *const core::ffi::c_void) {}
//! let (deps, q) = (QuasiDeps::new(), Quasi::new(1u32));
//! q.set(&deps, 2);
//! assert_eq!(q.get(), 2);
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
use core::sync::atomic::{AtomicPtr, Ordering};

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

/// The dependents pointer (QUID) of an object holding [`Quasi`] fields.
#[repr(C)]
pub struct QuasiDeps(AtomicPtr<c_void>);

impl QuasiDeps {
    /// No dependents.
    pub const fn new() -> Self {
        Self(AtomicPtr::new(core::ptr::null_mut()))
    }

    /// The runtime's record of dependents (null when nothing folded a term of this object).
    #[inline(always)]
    pub fn get(&self) -> *mut c_void {
        self.0.load(Ordering::Acquire)
    }

    /// Installs the runtime's record (called by the specialization runtime only).
    pub fn install(&self, deps: *mut c_void) {
        self.0.store(deps, Ordering::Release);
    }
}

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

/// A quasi-invariant field: plain-load reads, guarded writes.
///
/// Writers of one object are serialized by that object's lock (each field's
/// doc names it); racing readers see the old or the new word, as with
/// Linux's plain loads of such fields. Values are word-sized `Copy` types.
#[repr(C)]
pub struct Quasi<T> {
    value: UnsafeCell<T>,
}

// SAFETY: writes happen only through `set`, serialized by the owner's lock;
// `T: Copy + Send` values are word-sized and read by plain loads.
unsafe impl<T: Copy + Send> Sync for Quasi<T> {}
// SAFETY: as above.
unsafe impl<T: Copy + Send> Send for Quasi<T> {}

impl<T: Copy> Quasi<T> {
    /// Wraps the construction-time value (no guard: nothing can depend on an
    /// object under construction).
    #[inline(always)]
    pub const fn new(v: T) -> Self {
        Self { value: UnsafeCell::new(v) }
    }

    /// Reads the value with a plain load.
    #[inline(always)]
    pub fn get(&self) -> T {
        // SAFETY: see the type's doc: word-sized values, writers serialized.
        unsafe { *self.value.get() }
    }

    /// The guarded write: if the owner has dependents, the runtime unplugs and
    /// drains them first; then the value is stored.
    #[inline(always)]
    pub fn set(&self, owner: &QuasiDeps, v: T) {
        let deps = owner.get();
        if !deps.is_null() {
            guard_slow(deps, self.value.get() as *const c_void);
        }
        // SAFETY: see the type's doc: the caller holds the owner's write lock.
        unsafe { *self.value.get() = v }
    }

    /// The field's address (for the runtime and the layout probe).
    pub fn as_ptr(&self) -> *const T {
        self.value.get()
    }
}

#[cold]
#[inline(never)]
fn guard_slow(deps: *mut c_void, field: *const c_void) {
    // SAFETY: the hook accepts any dependents record the runtime installed
    // and any field address; it does not retain `field`.
    unsafe { hal::jitty_quasi_write_hook(deps, field) }
}

impl<T: Copy + fmt::Debug> fmt::Debug for Quasi<T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "Quasi({:?})", self.get())
    }
}
