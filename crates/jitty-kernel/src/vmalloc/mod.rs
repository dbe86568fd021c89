//! Vmalloc: a region allocator with pluggable disciplines and methods.
//!
//! This follows Kiem-Phong Vo's Vmalloc (Software—Practice and Experience,
//! 1996) as Synthetix §4.3 specializes it. Memory is managed in *regions*.
//! Each region has
//!
//! * a [`Discipline`]: how the region obtains raw memory (`memoryf`, Vmalloc's
//!   `Vmdisc_t`). Two are provided: a heap discipline over host allocation
//!   hooks ([`HeapHooks`], e.g. the HAL's `hal_alloc`/`hal_free`, or
//!   [`GLOBAL_HEAP_HOOKS`] over the Rust global allocator) and a fixed-buffer
//!   discipline over caller-provided memory ([`FixedBuffer`]);
//! * a [`Method`]: how the region manages that memory, an ops table of function
//!   pointers (Vmalloc's `Vmmethod_t`) through which every operation
//!   dispatches: [`VMBEST`] (best fit with tiny/small/large strategies, a splay
//!   tree of large free blocks, boundary-tag coalescing and a wilderness
//!   block), [`VMPOOL`] (fixed-size blocks, size set by the first allocation)
//!   and [`VMLAST`] (bump allocation, only the last block can be freed).
//!
//! The `extern "C"` entry points (`vmalloc_region_open`, `vmalloc_alloc`,
//! `vmalloc_free`, `vmalloc_resize`, `vmalloc_check`, `vmalloc_region_close`,
//! and the `jk_malloc` family over [`vmalloc_default_region`]) lock the region
//! (a spinlock, skipped when the quasi-invariant flag [`VM_SINGLE`] is set)
//! and dispatch through `region->meth`. Methods run with the lock held.
//!
//! Specialization: `vmalloc_alloc(region, size)` with both arguments static is
//! the canonical point (Synthetix's `bestalloc` per region and constant size).
//! `Region::meth`/`Region::disc` are [`Const`], `Region::flags` and the pool's
//! block size are [`Quasi`]; everything else (free lists, tree, wilderness,
//! bump pointers, the lock) is dynamic.
//!
//! All blocks handed out are aligned to [`ALIGN`] (16) bytes. `malloc(0)`
//! returns a unique pointer (best, last) or null (pool). Freeing a pointer not
//! from the region is detected (returns -1) unless [`VM_TRUST`] is set; a
//! double free is detected by the best-fit method (busy bit) and is undefined
//! behaviour for the pool method, as with libc.

mod best;
mod last;
mod pool;
mod splay;

use core::cell::UnsafeCell;
use core::ffi::c_void;
use core::fmt;
use core::mem::size_of;
use core::ptr;
use core::sync::atomic::{AtomicBool, AtomicPtr, Ordering};

use crate::annotations::{Const, Quasi, QuasiDeps};
use crate::typedesc::{annotated, opaque_desc};

pub use best::VMBEST;
pub use last::VMLAST;
pub use pool::VMPOOL;

/// Alignment of every block returned by a region.
pub const ALIGN: usize = 16;
/// Region flags, declared in the ABI: `VM_SINGLE` (used by one thread only;
/// the lock is skipped) and `VM_TRUST` (skip the "pointer belongs to this
/// region" check on free/resize).
pub use crate::abi::{VM_SINGLE, VM_TRUST};
/// Requests larger than this fail (return null) without asking the discipline.
pub const MAX_REQUEST: usize = usize::MAX >> 4;
/// Default segment granularity of the provided disciplines.
pub const DEFAULT_ROUND: usize = 64 * 1024;

/// Method ids (`Method::id`), declared in the ABI: best fit, pool, last.
pub use crate::abi::{METHOD_BEST, METHOD_LAST, METHOD_POOL};

/// A discipline's memory function (Vmalloc's `memoryf`).
///
/// * `old` null: return a new segment of `new_size` bytes aligned to [`ALIGN`], or null;
/// * `new_size` 0: release the segment `old` of `old_size` bytes; returns `old`;
/// * otherwise: resize `old` *in place* to `new_size`; returns `old` on success, null if not possible.
///
/// `region` is the requesting region, or null while the region header itself is allocated.
pub type MemoryFn = unsafe extern "C" fn(
    region: *mut Region,
    old: *mut u8,
    old_size: usize,
    new_size: usize,
    disc: *const Discipline,
) -> *mut u8;

/// How a region obtains raw memory (Vmalloc's `Vmdisc_t`). Immutable once built.
#[repr(C)]
pub struct Discipline {
    /// Const: the memory function.
    pub memoryf: MemoryFn,
    /// Const: segments are requested in multiples of this many bytes (a multiple of 16).
    pub round: usize,
    /// Const: discipline state (a `*const HeapHooks` or a `*mut FixedBuffer`).
    pub data: *mut c_void,
}

// SAFETY: a discipline is immutable after construction; the state behind
// `data` is the discipline's own business (the heap hooks are stateless and
// thread-safe; a fixed buffer is only used by regions that serialize access
// through their own lock, one region per buffer).
unsafe impl Sync for Discipline {}

impl fmt::Debug for Discipline {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Discipline").field("round", &self.round).field("data", &self.data).finish_non_exhaustive()
    }
}

/// Host allocation hooks used by the heap discipline (the HAL's `hal_alloc`/`hal_free` fit).
#[repr(C)]
#[derive(Debug)]
pub struct HeapHooks {
    /// Allocates `size` bytes aligned to `align`; null on failure.
    pub alloc: unsafe extern "C" fn(size: usize, align: usize) -> *mut u8,
    /// Frees a block from `alloc` with the same size and alignment.
    pub free: unsafe extern "C" fn(p: *mut u8, size: usize, align: usize),
}

unsafe extern "C" fn global_alloc_hook(size: usize, align: usize) -> *mut u8 {
    match core::alloc::Layout::from_size_align(size.max(1), align) {
        // SAFETY: the layout has a non-zero size.
        Ok(l) => unsafe { alloc::alloc::alloc(l) },
        Err(_) => ptr::null_mut(),
    }
}

unsafe extern "C" fn global_free_hook(p: *mut u8, size: usize, align: usize) {
    if let Ok(l) = core::alloc::Layout::from_size_align(size.max(1), align) {
        // SAFETY: the caller returns a block from `global_alloc_hook` with the same size and alignment.
        unsafe { alloc::alloc::dealloc(p, l) }
    }
}

/// Heap hooks over the Rust global allocator (the host's allocator in the host build).
pub static GLOBAL_HEAP_HOOKS: HeapHooks = HeapHooks { alloc: global_alloc_hook, free: global_free_hook };

/// The heap discipline's memory function: `data` is a `*const HeapHooks`. Never resizes in place.
///
/// # Safety
/// `disc` is a heap discipline; `old`/`old_size` describe a segment it returned.
pub unsafe extern "C" fn heap_memory(
    _region: *mut Region,
    old: *mut u8,
    old_size: usize,
    new_size: usize,
    disc: *const Discipline,
) -> *mut u8 {
    // SAFETY: `disc` is a live heap discipline whose data points at hooks.
    let hooks = unsafe { &*((*disc).data as *const HeapHooks) };
    if old.is_null() {
        if new_size == 0 {
            return ptr::null_mut();
        }
        // SAFETY: the hook has no preconditions beyond a power-of-two alignment.
        unsafe { (hooks.alloc)(new_size, ALIGN) }
    } else if new_size == 0 {
        // SAFETY: `old` came from `hooks.alloc(old_size, ALIGN)`.
        unsafe { (hooks.free)(old, old_size, ALIGN) };
        old
    } else {
        ptr::null_mut()
    }
}

/// The heap discipline over the Rust global allocator, used by the default region.
pub static VMDCHEAP: Discipline = Discipline {
    memoryf: heap_memory,
    round: DEFAULT_ROUND,
    data: &GLOBAL_HEAP_HOOKS as *const HeapHooks as *mut c_void,
};

impl Discipline {
    /// A heap discipline over `hooks`, requesting segments in multiples of `round` bytes.
    pub const fn heap(hooks: &'static HeapHooks, round: usize) -> Self {
        Discipline {
            memoryf: heap_memory,
            round: round_up_const(round),
            data: hooks as *const HeapHooks as *mut c_void,
        }
    }

    /// A fixed-buffer discipline over `buf` (see [`FixedBuffer`]).
    pub const fn fixed(buf: *mut FixedBuffer) -> Self {
        Discipline { memoryf: fixed_memory, round: 4096, data: buf as *mut c_void }
    }
}

const fn round_up_const(n: usize) -> usize {
    if n < ALIGN { ALIGN } else { (n + ALIGN - 1) & !(ALIGN - 1) }
}

/// Caller-provided memory carved into segments from the bottom up.
///
/// Segments are released (and resized in place) only when they are the last
/// one carved, like a stack. One region per buffer.
#[repr(C)]
#[derive(Debug)]
pub struct FixedBuffer {
    base: *mut u8,
    len: usize,
    used: usize,
}

impl FixedBuffer {
    /// Describes `len` bytes at `base` (the memory must stay valid while regions use it).
    pub const fn new(base: *mut u8, len: usize) -> Self {
        FixedBuffer { base, len, used: 0 }
    }

    /// Bytes currently carved out.
    pub fn used(&self) -> usize {
        self.used
    }

    fn start(&self) -> usize {
        (self.base as usize + ALIGN - 1) & !(ALIGN - 1)
    }

    fn avail(&self) -> usize {
        (self.base as usize + self.len).saturating_sub(self.start())
    }
}

/// The fixed-buffer discipline's memory function: `data` is a `*mut FixedBuffer`.
///
/// # Safety
/// `disc` is a fixed-buffer discipline; `old`/`old_size` describe a segment it returned.
pub unsafe extern "C" fn fixed_memory(
    _region: *mut Region,
    old: *mut u8,
    old_size: usize,
    new_size: usize,
    disc: *const Discipline,
) -> *mut u8 {
    // SAFETY: `disc` is a live fixed discipline; its buffer is serialized by the region lock.
    let fb = unsafe { &mut *((*disc).data as *mut FixedBuffer) };
    let start = fb.start();
    let top = start + fb.used;
    let Some(new_r) = new_size.checked_add(ALIGN - 1).map(|n| n & !(ALIGN - 1)) else {
        return ptr::null_mut();
    };
    if old.is_null() {
        if new_size == 0 || new_r > fb.avail() - fb.used {
            return ptr::null_mut();
        }
        fb.used += new_r;
        return top as *mut u8;
    }
    let old_r = (old_size + ALIGN - 1) & !(ALIGN - 1);
    let is_last = old as usize + old_r == top;
    if new_size == 0 {
        if is_last {
            fb.used -= old_r;
        }
        return old;
    }
    if !is_last {
        return ptr::null_mut();
    }
    let base_used = fb.used - old_r;
    if new_r > fb.avail() - base_used {
        return ptr::null_mut();
    }
    fb.used = base_used + new_r;
    old
}

/// A method: the operations a region dispatches through (Vmalloc's `Vmmethod_t`).
///
/// Every operation is called with the region lock held.
#[repr(C)]
#[derive(Debug)]
pub struct Method {
    /// Allocates `size` bytes; null on failure.
    pub alloc: unsafe extern "C" fn(region: *mut Region, size: usize) -> *mut u8,
    /// Frees a block; 0 on success, -1 if the method rejects the pointer.
    pub free: unsafe extern "C" fn(region: *mut Region, p: *mut u8) -> i32,
    /// Resizes a block (null `p` allocates, size 0 frees and returns null); null on failure.
    pub resize: unsafe extern "C" fn(region: *mut Region, p: *mut u8, size: usize) -> *mut u8,
    /// Checks the region's integrity; 0 if consistent, a negative code naming the first violation.
    pub check: unsafe extern "C" fn(region: *mut Region) -> i32,
    /// Releases every segment and resets the method state (the region stays usable).
    pub clear: unsafe extern "C" fn(region: *mut Region),
    /// `METHOD_BEST`, `METHOD_POOL` or `METHOD_LAST`.
    pub id: u32,
}

opaque_desc!(Method, "Method");
opaque_desc!(Discipline, "Discipline");

/// Header of a segment obtained from the discipline. Blocks start [`SEG_HDR`] bytes in.
#[repr(C, align(16))]
#[derive(Debug)]
pub(crate) struct Segment {
    next: *mut Segment,
    size: usize,
    /// Bytes carved after the header (pool and last methods; best tracks blocks itself).
    used: usize,
}

const SEG_HDR: usize = size_of::<Segment>();

annotated! {
    /// A region: a discipline, a method and the method's state.
    pub struct Region {
        /// Const: the method; fixed at open.
        pub meth: Const<*const Method> => Method,
        /// Const: the discipline; fixed at open.
        pub disc: Const<*const Discipline> => Discipline,
        /// Quasi: `VM_SINGLE` / `VM_TRUST`. Written only by [`vmalloc_region_set`] with the lock held.
        pub flags: Quasi<u32>,
        /// The dependents word (QUID) guarding `flags` and the pool's block size.
        pub deps: QuasiDeps,
        /// Dynamic: the region lock (spinlock).
        lock: AtomicBool,
        /// Const: 1 if the header was allocated from the discipline (freed by close), 0 for a static region.
        owned: Const<u32>,
        /// Method state (dynamic).
        best: best::BestState,
        /// Method state (dynamic except the pool's block size and stride).
        pool: pool::PoolState => embed pool::PoolState,
        /// Method state (dynamic).
        last: last::LastState,
        /// The region's allocation dispatch slot: the code
        /// [`vmalloc_alloc_dispatch`] calls, [`vmalloc_alloc`] (the generic
        /// entry) unless the specialization runtime plugged residual code
        /// for this region. Not a fact the kernel reads: a slot, like a
        /// process's GFT entries.
        pub alloc_slot: AtomicPtr<()>,
    }
}

impl fmt::Debug for Region {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Region")
            .field("meth", &self.meth)
            .field("disc", &self.disc)
            .field("flags", &self.flags)
            .field("locked", &self.lock.load(Ordering::Relaxed))
            .finish_non_exhaustive()
    }
}

impl Region {
    /// A region value (for statics; use [`vmalloc_region_open`] for dynamic regions).
    pub const fn new(disc: &'static Discipline, meth: &'static Method, flags: u32) -> Self {
        Self::with_ptrs(disc, meth, flags, 0)
    }

    const fn with_ptrs(disc: *const Discipline, meth: *const Method, flags: u32, owned: u32) -> Self {
        Region {
            meth: Const::new(meth),
            disc: Const::new(disc),
            flags: Quasi::new(flags),
            deps: QuasiDeps::new(),
            lock: AtomicBool::new(false),
            owned: Const::new(owned),
            best: best::BestState::new(),
            pool: pool::PoolState::new(),
            last: last::LastState::new(),
            alloc_slot: AtomicPtr::new(vmalloc_alloc as *mut ()),
        }
    }
}

/// Rounds `n` up to a multiple of 16; `None` on overflow.
#[inline(always)]
fn round16(n: usize) -> Option<usize> {
    Some(n.checked_add(ALIGN - 1)? & !(ALIGN - 1))
}

/// Obtains a new segment of at least `min` bytes (`min` a multiple of 16).
///
/// # Safety
/// `r` is a live region whose lock is held.
unsafe fn seg_alloc(r: *mut Region, min: usize) -> *mut Segment {
    // SAFETY: the caller guarantees a live region; its discipline is live.
    let disc = unsafe { (*r).disc.get() };
    // SAFETY: as above.
    let (memoryf, round) = unsafe { ((*disc).memoryf, (*disc).round.max(ALIGN)) };
    let Some(want) = min.checked_add(round - 1).map(|n| n / round * round) else {
        return ptr::null_mut();
    };
    let mut size = want;
    // SAFETY: a fresh-segment request.
    let mut p = unsafe { memoryf(r, ptr::null_mut(), 0, want, disc) };
    if p.is_null() && want != min {
        size = min;
        // SAFETY: as above.
        p = unsafe { memoryf(r, ptr::null_mut(), 0, min, disc) };
    }
    if p.is_null() {
        return ptr::null_mut();
    }
    if !(p as usize).is_multiple_of(ALIGN) {
        // SAFETY: releasing the segment just obtained.
        unsafe { memoryf(r, p, size, 0, disc) };
        return ptr::null_mut();
    }
    let seg = p as *mut Segment;
    // SAFETY: `p` is a fresh, aligned segment of `size >= SEG_HDR` bytes.
    unsafe { seg.write(Segment { next: ptr::null_mut(), size, used: 0 }) };
    seg
}

/// Tries to resize `seg` in place to `new_size` bytes.
///
/// # Safety
/// `r` is a live region whose lock is held; `seg` is one of its segments.
unsafe fn seg_grow(r: *mut Region, seg: *mut Segment, new_size: usize) -> bool {
    // SAFETY: live region and segment (caller).
    unsafe {
        let disc = (*r).disc.get();
        let p = ((*disc).memoryf)(r, seg as *mut u8, (*seg).size, new_size, disc);
        if p == seg as *mut u8 {
            (*seg).size = new_size;
            true
        } else {
            false
        }
    }
}

/// Releases every segment of the list starting at `head`.
///
/// # Safety
/// `r` is a live region whose lock is held; the list's segments are its own and unused afterwards.
unsafe fn seg_release_all(r: *mut Region, mut head: *mut Segment) {
    // SAFETY: live region (caller).
    let disc = unsafe { (*r).disc.get() };
    while !head.is_null() {
        // SAFETY: `head` is a live segment of the list.
        let (next, size) = unsafe { ((*head).next, (*head).size) };
        // SAFETY: releasing a segment the discipline returned.
        unsafe { ((*disc).memoryf)(r, head as *mut u8, size, 0, disc) };
        head = next;
    }
}

/// Whether `[p, p + len)` lies inside the carved part `[start, start + used)` of a segment of the list.
///
/// # Safety
/// The list's segments are live.
unsafe fn seg_find(mut seg: *mut Segment, p: usize, top: *mut Segment, top_used: usize) -> *mut Segment {
    while !seg.is_null() {
        let start = seg as usize + SEG_HDR;
        // SAFETY: live segment.
        let used = if seg == top { top_used } else { unsafe { (*seg).used } };
        if p >= start && p < start + used {
            return seg;
        }
        // SAFETY: live segment.
        seg = unsafe { (*seg).next };
    }
    ptr::null_mut()
}

#[inline(always)]
pub(super) fn lock(r: &Region) {
    if r.flags.get() & VM_SINGLE != 0 {
        return;
    }
    while r.lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        while r.lock.load(Ordering::Relaxed) {
            core::hint::spin_loop();
        }
    }
}

#[inline(always)]
pub(super) fn unlock(r: &Region) {
    if r.flags.get() & VM_SINGLE != 0 {
        return;
    }
    r.lock.store(false, Ordering::Release);
}

/// Opens a region with discipline `disc` and method `meth`; the header is allocated from the discipline.
///
/// Returns null if either pointer is null or the discipline has no memory.
///
/// # Safety
/// `disc` and `meth` outlive the region.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_region_open(disc: *const Discipline, meth: *const Method, flags: u32) -> *mut Region {
    if disc.is_null() || meth.is_null() {
        return ptr::null_mut();
    }
    // SAFETY: `disc` is live (caller); a fresh-memory request.
    let p = unsafe { ((*disc).memoryf)(ptr::null_mut(), ptr::null_mut(), 0, size_of::<Region>(), disc) };
    if p.is_null() || !(p as usize).is_multiple_of(ALIGN) {
        return ptr::null_mut();
    }
    let r = p as *mut Region;
    // SAFETY: fresh memory of the right size and alignment.
    unsafe { r.write(Region::with_ptrs(disc, meth, flags, 1)) };
    r
}

/// Releases all of a region's memory; an opened region's header is released too. 0 on success.
///
/// # Safety
/// `region` is a live region no other thread uses; no pointer into it is used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_region_close(region: *mut Region) -> i32 {
    if region.is_null() {
        return -1;
    }
    // SAFETY: live region (caller).
    unsafe {
        vmalloc_region_clear(region);
        if (*region).owned.get() != 0 {
            let disc = (*region).disc.get();
            ((*disc).memoryf)(ptr::null_mut(), region as *mut u8, size_of::<Region>(), 0, disc);
        }
    }
    0
}

/// Frees every block of the region at once and returns its segments to the discipline (Vmalloc's `vmclear`).
///
/// # Safety
/// `region` is live; no pointer into its blocks is used afterwards.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_region_clear(region: *mut Region) -> i32 {
    if region.is_null() {
        return -1;
    }
    // SAFETY: live region (caller).
    let r = unsafe { &*region };
    lock(r);
    // SAFETY: lock held; the method is live.
    unsafe { ((*r.meth.get()).clear)(region) };
    unlock(r);
    0
}

/// Sets (`on` != 0) or clears region flags (Vmalloc's `vmset`): a guarded write of a quasi-invariant.
/// Returns the previous flags.
///
/// # Safety
/// `region` is live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_region_set(region: *mut Region, flags: u32, on: i32) -> u32 {
    // SAFETY: live region (caller).
    let r = unsafe { &*region };
    let w = r.deps.prepare();
    lock(r);
    let old = r.flags.get();
    let new = if on != 0 { old | flags } else { old & !flags };
    // Keep the lock state coherent when VM_SINGLE flips: we hold the lock iff
    // the old flags required it, and release iff the new ones do.
    r.flags.store(&w, new);
    if old & VM_SINGLE == 0 {
        r.lock.store(false, Ordering::Release);
    }
    old
}

/// Allocates `size` bytes from `region` (dispatches to `region->meth->alloc`). Null on failure.
///
/// # Safety
/// `region` is a live region.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_alloc(region: *mut Region, size: usize) -> *mut u8 {
    // SAFETY: live region (caller).
    let r = unsafe { &*region };
    lock(r);
    // SAFETY: lock held; the method is live.
    let p = unsafe { ((*r.meth.get()).alloc)(region, size) };
    unlock(r);
    p
}

/// Allocates `size` bytes from `region` through its allocation dispatch
/// slot ([`Region::alloc_slot`]): what callers of a region use, so that the
/// runtime can plug code specialized for the region.
///
/// # Safety
/// `region` is a live region.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_alloc_dispatch(region: *mut Region, size: usize) -> *mut u8 {
    // SAFETY: live region (caller).
    let code = unsafe { &*region }.alloc_slot.load(Ordering::Acquire);
    // SAFETY: the slot holds `vmalloc_alloc` or code with its signature and
    // contract, plugged by the runtime.
    let f: unsafe extern "C" fn(*mut Region, usize) -> *mut u8 = unsafe { core::mem::transmute(code) };
    // SAFETY: the caller's contract.
    unsafe { f(region, size) }
}

/// Frees `p` (null is a no-op returning 0). Returns -1 if the method rejects the pointer.
///
/// # Safety
/// `region` is live; `p` is null or was returned by this region and not freed.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_free(region: *mut Region, p: *mut u8) -> i32 {
    if p.is_null() {
        return 0;
    }
    // SAFETY: live region (caller).
    let r = unsafe { &*region };
    lock(r);
    // SAFETY: lock held; the method is live.
    let rc = unsafe { ((*r.meth.get()).free)(region, p) };
    unlock(r);
    rc
}

/// Resizes `p` to `size` bytes, moving it if needed (contents kept up to the smaller size).
/// Null `p` allocates; size 0 frees and returns null; on failure returns null and `p` stays valid.
///
/// # Safety
/// `region` is live; `p` is null or a live block of this region.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_resize(region: *mut Region, p: *mut u8, size: usize) -> *mut u8 {
    // SAFETY: live region (caller).
    let r = unsafe { &*region };
    lock(r);
    // SAFETY: lock held; the method is live.
    let q = unsafe { ((*r.meth.get()).resize)(region, p, size) };
    unlock(r);
    q
}

/// Checks the region's integrity (blocks, boundary tags, free structures). 0 if consistent.
///
/// # Safety
/// `region` is live.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn vmalloc_check(region: *mut Region) -> i32 {
    if region.is_null() {
        return -1;
    }
    // SAFETY: live region (caller).
    let r = unsafe { &*region };
    lock(r);
    // SAFETY: lock held; the method is live.
    let rc = unsafe { ((*r.meth.get()).check)(region) };
    unlock(r);
    rc
}

/// The static default region behind `jk_malloc` (best fit over the heap discipline).
struct StaticRegion(UnsafeCell<Region>);

// SAFETY: the region is only accessed through the vmalloc entry points, which
// serialize method state behind the region lock.
unsafe impl Sync for StaticRegion {}

static DEFAULT_REGION: StaticRegion = StaticRegion(UnsafeCell::new(Region::new(&VMDCHEAP, &VMBEST, 0)));

/// The default region used by the `jk_malloc` family (a static root for specialization).
#[unsafe(no_mangle)]
pub extern "C" fn vmalloc_default_region() -> *mut Region {
    DEFAULT_REGION.0.get()
}

/// The method whose id is `id` (`METHOD_BEST`, `METHOD_POOL`, `METHOD_LAST`),
/// or null: how a host names a method for [`vmalloc_region_open`].
#[unsafe(no_mangle)]
pub extern "C" fn vmalloc_method(id: u32) -> *const Method {
    match id {
        METHOD_BEST => &VMBEST,
        METHOD_POOL => &VMPOOL,
        METHOD_LAST => &VMLAST,
        _ => ptr::null(),
    }
}

/// The kernel heap's discipline ([`VMDCHEAP`]), for [`vmalloc_region_open`].
#[unsafe(no_mangle)]
pub extern "C" fn vmalloc_heap_discipline() -> *const Discipline {
    &VMDCHEAP
}

/// `malloc` over the default region.
#[unsafe(no_mangle)]
pub extern "C" fn jk_malloc(size: usize) -> *mut u8 {
    // SAFETY: the default region is always live.
    unsafe { vmalloc_alloc(vmalloc_default_region(), size) }
}

/// `free` over the default region.
///
/// # Safety
/// `p` is null or a live block from `jk_malloc`/`jk_calloc`/`jk_realloc`.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jk_free(p: *mut u8) {
    // SAFETY: forwarded to the caller; the default region is live.
    unsafe { vmalloc_free(vmalloc_default_region(), p) };
}

/// `realloc` over the default region.
///
/// # Safety
/// `p` is null or a live block of the default region.
#[unsafe(no_mangle)]
pub unsafe extern "C" fn jk_realloc(p: *mut u8, size: usize) -> *mut u8 {
    // SAFETY: forwarded to the caller; the default region is live.
    unsafe { vmalloc_resize(vmalloc_default_region(), p, size) }
}

/// `calloc` over the default region: zeroed memory for `n * size` bytes; null on overflow.
#[unsafe(no_mangle)]
pub extern "C" fn jk_calloc(n: usize, size: usize) -> *mut u8 {
    let Some(total) = n.checked_mul(size) else {
        return ptr::null_mut();
    };
    let p = jk_malloc(total);
    if !p.is_null() {
        // SAFETY: `p` is a fresh block of at least `total` bytes.
        unsafe { ptr::write_bytes(p, 0, total) };
    }
    p
}

#[cfg(test)]
mod descriptor_tests {
    use super::*;
    use crate::typedesc::testing::expect_desc;

    #[test]
    fn region_and_pool_state_match_native_layout() {
        expect_desc!(Region, "Region", [
            meth: Const<*const Method>, 1, FIELD_CONST, Some("Method");
            disc: Const<*const Discipline>, 1, FIELD_CONST, Some("Discipline");
            flags: Quasi<u32>, 1, FIELD_QUASI, None;
            deps: QuasiDeps, 1, FIELD_DEPS, None;
            owned: Const<u32>, 1, FIELD_CONST, None;
            pool: pool::PoolState, 1, FIELD_EMBEDDED, Some("PoolState");
        ]);
        pool::check_descriptor();
    }
}
