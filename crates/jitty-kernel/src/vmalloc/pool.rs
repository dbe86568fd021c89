//! Vmpool: fixed-size blocks, the size set by the first allocation.
//!
//! After the first allocation every request must ask for exactly that size
//! (others fail with null), which is what makes the block size a
//! quasi-invariant: `PoolState::psize` is written once, through a guarded
//! write, and folded by the specializer. Blocks have no header; free blocks
//! form a singly linked list through their first word. Segments are carved
//! with a bump pointer. A double free is undefined behaviour (as in libc);
//! freeing a pointer that is not a block of the pool returns -1 unless
//! `VM_TRUST` is set.

use alloc::vec::Vec;
use core::ptr;

use crate::annotations::Quasi;

use super::{
    MAX_REQUEST, METHOD_POOL, Method, Region, SEG_HDR, Segment, VM_TRUST, lock, seg_alloc, seg_find, seg_release_all,
    unlock,
};

/// Blocks per segment aimed for when a new segment is needed.
const BATCH_BYTES: usize = 16 * 1024;

/// The pool method's state inside a region.
#[repr(C)]
#[derive(Debug)]
pub(super) struct PoolState {
    /// Quasi: the block size requested by the first allocation (0 until then).
    psize: Quasi<usize>,
    /// Quasi: the block stride (`psize` rounded up to 16), written with `psize`.
    stride: Quasi<usize>,
    /// Dynamic: free list.
    free: *mut FreeBlock,
    /// Dynamic: bump pointer and end of the newest segment.
    cur: *mut u8,
    end: *mut u8,
    /// Dynamic: segments, newest first.
    segs: *mut Segment,
}

#[repr(C)]
struct FreeBlock {
    next: *mut FreeBlock,
}

impl PoolState {
    pub(super) const fn new() -> Self {
        PoolState {
            psize: Quasi::new(0),
            stride: Quasi::new(0),
            free: ptr::null_mut(),
            cur: ptr::null_mut(),
            end: ptr::null_mut(),
            segs: ptr::null_mut(),
        }
    }
}

/// The pool method.
pub static VMPOOL: Method = Method {
    alloc: pool_alloc,
    free: pool_free,
    resize: pool_resize,
    check: pool_check,
    clear: pool_clear,
    id: METHOD_POOL,
};

#[inline(always)]
fn st(r: *mut Region) -> *mut PoolState {
    // SAFETY: only computes a field address of a live region.
    unsafe { &raw mut (*r).pool }
}

/// Bytes carved in the newest segment.
unsafe fn top_used(s: *mut PoolState) -> usize {
    // SAFETY: live state (caller).
    unsafe {
        let seg = (*s).segs;
        if seg.is_null() { 0 } else { (*s).cur as usize - (seg as usize + SEG_HDR) }
    }
}

/// Vmpool's `alloc`: null for size 0 and for sizes other than the pool's.
unsafe extern "C" fn pool_alloc(r: *mut Region, n: usize) -> *mut u8 {
    let s = st(r);
    // SAFETY: lock held (caller); the state's pointers are the region's live memory.
    unsafe {
        if n == 0 {
            return ptr::null_mut();
        }
        let psize = (*s).psize.get();
        if n != psize {
            if psize != 0 || n > MAX_REQUEST {
                return ptr::null_mut();
            }
            // Fixing the block size is a guarded write of the region, which
            // must be prepared without the region lock held (see
            // `QuasiDeps::prepare`): drop it, prepare, retake it, look again.
            unlock(&*r);
            let w = (*r).deps.prepare();
            lock(&*r);
            let psize = (*s).psize.get();
            if psize == 0 {
                (*s).psize.store(&w, n);
                (*s).stride.store(&w, ((n + 15) & !15).max(16));
            } else if psize != n {
                return ptr::null_mut();
            }
        }
        let f = (*s).free;
        if !f.is_null() {
            (*s).free = (*f).next;
            return f as *mut u8;
        }
        let stride = (*s).stride.get();
        if ((*s).end as usize) - ((*s).cur as usize) < stride {
            let Some(min) = stride.max(BATCH_BYTES).checked_add(SEG_HDR) else {
                return ptr::null_mut();
            };
            let seg = seg_alloc(r, min);
            if seg.is_null() {
                return ptr::null_mut();
            }
            let old = (*s).segs;
            if !old.is_null() {
                (*old).used = top_used(s);
            }
            (*seg).next = old;
            (*s).segs = seg;
            let start = (seg as *mut u8).add(SEG_HDR);
            let blocks = ((*seg).size - SEG_HDR) / stride;
            (*s).cur = start;
            (*s).end = start.add(blocks * stride);
        }
        let p = (*s).cur;
        (*s).cur = p.add(stride);
        p
    }
}

/// Vmpool's `free`.
unsafe extern "C" fn pool_free(r: *mut Region, p: *mut u8) -> i32 {
    if p.is_null() {
        return 0;
    }
    let s = st(r);
    // SAFETY: lock held (caller); `p` is validated before it is written unless VM_TRUST.
    unsafe {
        if (*r).flags.get() & VM_TRUST == 0 {
            let seg = seg_find((*s).segs, p as usize, (*s).segs, top_used(s));
            if seg.is_null() || !(p as usize - (seg as usize + SEG_HDR)).is_multiple_of((*s).stride.get()) {
                return -1;
            }
        }
        let f = p as *mut FreeBlock;
        (*f).next = (*s).free;
        (*s).free = f;
    }
    0
}

/// Vmpool's `resize`: a block can only keep its size (any size up to the pool's returns it unchanged).
unsafe extern "C" fn pool_resize(r: *mut Region, p: *mut u8, n: usize) -> *mut u8 {
    // SAFETY: lock held (caller).
    unsafe {
        if p.is_null() {
            return pool_alloc(r, n);
        }
        if n == 0 {
            pool_free(r, p);
            return ptr::null_mut();
        }
        if n <= (*st(r)).psize.get() { p } else { ptr::null_mut() }
    }
}

/// Vmpool's `clear`: returns all segments; the block size stays set.
unsafe extern "C" fn pool_clear(r: *mut Region) {
    let s = st(r);
    // SAFETY: lock held (caller).
    unsafe {
        let segs = (*s).segs;
        (*s).free = ptr::null_mut();
        (*s).cur = ptr::null_mut();
        (*s).end = ptr::null_mut();
        (*s).segs = ptr::null_mut();
        seg_release_all(r, segs);
    }
}

/// Vmpool's check. Codes: -30 segments/stride, -31 free block outside the carved area
/// or misaligned, -32 free list cycle or duplicate.
unsafe extern "C" fn pool_check(r: *mut Region) -> i32 {
    let s = st(r);
    // SAFETY: lock held (caller); free-list entries are validated before being followed.
    unsafe {
        let stride = (*s).stride.get();
        let psize = (*s).psize.get();
        if psize == 0 {
            return if (*s).segs.is_null() && (*s).free.is_null() { 0 } else { -30 };
        }
        if stride < psize || !stride.is_multiple_of(16) {
            return -30;
        }
        let tu = top_used(s);
        let mut total = 0usize;
        let mut seg = (*s).segs;
        while !seg.is_null() {
            let used = if seg == (*s).segs { tu } else { (*seg).used };
            if used % stride != 0 || used > (*seg).size - SEG_HDR {
                return -30;
            }
            total += used / stride;
            seg = (*seg).next;
        }
        let mut seen: Vec<usize> = Vec::new();
        let mut f = (*s).free;
        while !f.is_null() {
            let sg = seg_find((*s).segs, f as usize, (*s).segs, tu);
            if sg.is_null() || !(f as usize - (sg as usize + SEG_HDR)).is_multiple_of(stride) {
                return -31;
            }
            seen.push(f as usize);
            if seen.len() > total {
                return -32;
            }
            f = (*f).next;
        }
        seen.sort_unstable();
        if seen.windows(2).any(|w| w[0] == w[1]) {
            return -32;
        }
    }
    0
}
