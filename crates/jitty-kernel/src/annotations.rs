//! Specialization annotations: Regehr's four kinds of values, in the source.
//!
//! | kind | type | meaning for the partial evaluator |
//! | --- | --- | --- |
//! | visibly constant | a static argument of a [`SpecPoint`] | known at specialization time |
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
//! Specialization points are declared in [`SPEC_POINTS`] (exported as the
//! `#[no_mangle]` static `JK_SPEC_POINTS`): entry symbol, static argument
//! positions, and the static roots reached from them. The specializer
//! learns everything it may assume from this file's types and that table.

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

/// One declared specialization point.
#[repr(C)]
#[derive(Debug)]
pub struct SpecPoint {
    /// Short name of the point (NUL-terminated).
    pub name: *const u8,
    /// Symbol of the generic entry function in the kernel image (NUL-terminated).
    pub entry_symbol: *const u8,
    /// The entry's address when it is defined in this module, or null when
    /// the runtime resolves `entry_symbol` itself.
    pub entry: *const c_void,
    /// Bit `i` set: argument `i` is static (visibly constant) for one specialization.
    pub static_args: u64,
    /// Byte offset of the dispatch slot in [`crate::syscall::SyscallTable`]
    /// that this point plugs, or `u32::MAX` when it has no GFT slot.
    pub gft_slot: u32,
    /// Number of arguments of the entry.
    pub nargs: u32,
    /// The static roots: which objects hang from the static arguments (NUL-terminated text).
    pub roots: *const u8,
}

// SAFETY: a spec point only holds pointers to immutable static data.
unsafe impl Sync for SpecPoint {}

/// Returns a spec-point string field as `&str` (for hosts and tests).
///
/// # Safety
/// `p` must be one of the NUL-terminated static strings of [`SPEC_POINTS`].
pub unsafe fn cstr(p: *const u8) -> &'static str {
    let mut n = 0;
    // SAFETY: the string is NUL-terminated static data.
    while unsafe { *p.add(n) } != 0 {
        n += 1;
    }
    // SAFETY: the bytes are static ASCII written in this crate.
    unsafe { core::str::from_utf8_unchecked(core::slice::from_raw_parts(p, n)) }
}

macro_rules! c {
    ($s:expr) => {
        concat!($s, "\0").as_ptr()
    };
}

/// Number of declared specialization points.
pub const NR_SPEC_POINTS: usize = 5;

/// The specialization-point table.
#[unsafe(no_mangle)]
pub static JK_SPEC_POINTS: [SpecPoint; NR_SPEC_POINTS] = [
    SpecPoint {
        name: c!("write"),
        entry_symbol: c!("jk_sys_write"),
        entry: crate::syscall::jk_sys_write as *const c_void,
        static_args: 0b0011,
        gft_slot: core::mem::offset_of!(crate::syscall::SyscallTable, write) as u32,
        nargs: 4,
        roots: c!(
            "arg0: *Thread (current) -> proc -> files; files.fdt.fd[arg1] -> File -> f_op, f_inode, private_data (Pipe)"
        ),
    },
    SpecPoint {
        name: c!("read"),
        entry_symbol: c!("jk_sys_read"),
        entry: crate::syscall::jk_sys_read as *const c_void,
        static_args: 0b0011,
        gft_slot: core::mem::offset_of!(crate::syscall::SyscallTable, read) as u32,
        nargs: 4,
        roots: c!("arg0: *Thread (current) -> proc -> files; files.fdt.fd[arg1] -> File -> f_op, f_inode (pages)"),
    },
    SpecPoint {
        name: c!("kill"),
        entry_symbol: c!("jk_sys_kill"),
        entry: crate::syscall::jk_sys_kill as *const c_void,
        static_args: 0b0111,
        gft_slot: core::mem::offset_of!(crate::syscall::SyscallTable, kill) as u32,
        nargs: 3,
        roots: c!(
            "arg0: *Thread (sender) -> proc (creds, sid); pid table [arg1] -> Process (creds, sid, sighand.action[arg2])"
        ),
    },
    SpecPoint {
        name: c!("malloc"),
        entry_symbol: c!("vmalloc_alloc"),
        entry: crate::vmalloc::vmalloc_alloc as *const c_void,
        static_args: 0b0011,
        gft_slot: u32::MAX,
        nargs: 2,
        roots: c!("arg0: *Region -> meth (-> alloc), disc, flags (Quasi), pool.psize/stride (Quasi); arg1: size"),
    },
    SpecPoint {
        name: c!("rpc"),
        entry_symbol: c!("rpc_call"),
        entry: crate::rpc::rpc_call as *const c_void,
        static_args: 0b0011,
        gft_slot: u32::MAX,
        nargs: 4,
        roots: c!(
            "arg0: *RpcClient -> xport (ops, ctx), cred, buffers; arg1: *ProcDesc -> prog/vers/proc, args/res XDR schema"
        ),
    },
];
