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
//! [`QuasiDeps`] word, non-null while specializations depend on some of its
//! terms. A guarded write is `let w = obj.deps.prepare();` (before any lock),
//! then `field.store(&w, v)` under the object's lock. Without dependents
//! that costs a load, a compare and a store; with dependents `prepare` has
//! the runtime unplug and drain them first (`jitty_quasi_prepare_write`).
//!
//! Specialization points are declared in [`SPEC_POINTS`] (exported as the
//! `#[no_mangle]` static `JK_SPEC_POINTS`): entry symbol, static argument
//! positions, and the static roots reached from them. The specializer
//! learns everything it may assume from this file's types and that table.

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

    /// A whole guarded write of one field, for writers that hold no kernel
    /// lock: prepare, store, finish.
    #[inline(always)]
    pub fn set(&self, owner: &QuasiDeps, v: T) {
        let w = owner.prepare();
        self.store(&w, v);
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
