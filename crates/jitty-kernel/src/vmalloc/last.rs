//! Vmlast: bump allocation; only the most recently allocated block can be freed.
//!
//! Each block has a 16-byte header `[payload size][previous block]`, so after
//! the last block is freed the one before it becomes freeable (stack
//! discipline within a segment). Freeing any other block returns -1 and
//! leaves it allocated. The last block resizes in place while its segment has
//! room; other blocks keep their pointer when shrinking and are copied (the
//! old block stays allocated) when growing.

use alloc::vec::Vec;
use core::ptr;

use super::{MAX_REQUEST, METHOD_LAST, Method, Region, SEG_HDR, Segment, seg_alloc, seg_release_all};

const HDR: usize = 16;
const SEG_MIN: usize = 16 * 1024;

#[repr(C)]
struct LastHdr {
    /// Payload bytes (a multiple of 16, at least 16).
    size: usize,
    /// The previous block of the same segment, or null.
    prev: *mut LastHdr,
}

/// The last method's state inside a region (all dynamic).
#[repr(C)]
#[derive(Debug)]
pub(super) struct LastState {
    cur: *mut u8,
    end: *mut u8,
    last: *mut u8,
    segs: *mut Segment,
}

impl LastState {
    pub(super) const fn new() -> Self {
        LastState { cur: ptr::null_mut(), end: ptr::null_mut(), last: ptr::null_mut(), segs: ptr::null_mut() }
    }
}

/// The last method.
pub static VMLAST: Method = Method {
    alloc: last_alloc,
    free: last_free,
    resize: last_resize,
    check: last_check,
    clear: last_clear,
    id: METHOD_LAST,
};

#[inline(always)]
fn st(r: *mut Region) -> *mut LastState {
    // SAFETY: only computes a field address of a live region.
    unsafe { &raw mut (*r).last }
}

#[inline(always)]
fn payload_size(n: usize) -> Option<usize> {
    if n > MAX_REQUEST { None } else { Some(((n + 15) & !15).max(16)) }
}

/// Vmlast's `alloc`.
unsafe extern "C" fn last_alloc(r: *mut Region, n: usize) -> *mut u8 {
    let Some(psz) = payload_size(n) else {
        return ptr::null_mut();
    };
    let bsz = psz + HDR;
    let s = st(r);
    // SAFETY: lock held (caller); the state's pointers are the region's live memory.
    unsafe {
        if ((*s).end as usize) - ((*s).cur as usize) < bsz {
            let seg = seg_alloc(r, (bsz + SEG_HDR).max(SEG_MIN));
            if seg.is_null() {
                return ptr::null_mut();
            }
            let old = (*s).segs;
            if !old.is_null() {
                (*old).used = (*s).cur as usize - (old as usize + SEG_HDR);
            }
            (*seg).next = old;
            (*s).segs = seg;
            (*s).cur = (seg as *mut u8).add(SEG_HDR);
            (*s).end = (seg as *mut u8).add((*seg).size);
        }
        let b = (*s).cur as *mut LastHdr;
        (*b).size = psz;
        (*b).prev = (*s).last as *mut LastHdr;
        (*s).last = b as *mut u8;
        (*s).cur = (b as *mut u8).add(bsz);
        (b as *mut u8).add(HDR)
    }
}

/// Vmlast's `free`: only the last block; -1 otherwise. Freeing the first block
/// of the newest segment when older blocks exist returns that segment to the
/// discipline and resumes bumping in the older one.
unsafe extern "C" fn last_free(r: *mut Region, p: *mut u8) -> i32 {
    if p.is_null() {
        return 0;
    }
    let s = st(r);
    // SAFETY: lock held (caller); `last` is a live block header when non-null.
    unsafe {
        let b = (*s).last;
        if b.is_null() || p != b.add(HDR) {
            return -1;
        }
        let prev = (*(b as *mut LastHdr)).prev as *mut u8;
        (*s).last = prev;
        let top = (*s).segs;
        if b == (top as *mut u8).add(SEG_HDR) && !prev.is_null() {
            let older = (*top).next;
            (*s).segs = older;
            (*s).cur = (older as *mut u8).add(SEG_HDR + (*older).used);
            (*s).end = (older as *mut u8).add((*older).size);
            (*top).next = ptr::null_mut();
            seg_release_all(r, top);
        } else {
            (*s).cur = b;
        }
    }
    0
}

/// Vmlast's `resize`.
unsafe extern "C" fn last_resize(r: *mut Region, p: *mut u8, n: usize) -> *mut u8 {
    // SAFETY: lock held (caller); `p` is a live block of the region (caller).
    unsafe {
        if p.is_null() {
            return last_alloc(r, n);
        }
        if n == 0 {
            last_free(r, p);
            return ptr::null_mut();
        }
        let Some(psz) = payload_size(n) else {
            return ptr::null_mut();
        };
        let s = st(r);
        let b = p.sub(HDR) as *mut LastHdr;
        let old = (*b).size;
        if b as *mut u8 == (*s).last && (*s).end as usize - p as usize >= psz {
            (*b).size = psz;
            (*s).cur = p.add(psz);
            return p;
        }
        if psz <= old {
            return p;
        }
        let q = last_alloc(r, n);
        if !q.is_null() {
            ptr::copy_nonoverlapping(p, q, old);
        }
        q
    }
}

/// Vmlast's `clear`.
unsafe extern "C" fn last_clear(r: *mut Region) {
    let s = st(r);
    // SAFETY: lock held (caller).
    unsafe {
        let segs = (*s).segs;
        *s = LastState::new();
        seg_release_all(r, segs);
    }
}

/// Vmlast's check. Codes: -40 block sizes/overrun, -41 previous links, -42 last pointer.
unsafe extern "C" fn last_check(r: *mut Region) -> i32 {
    let s = st(r);
    let mut blocks: Vec<usize> = Vec::new();
    // (first block of a segment, its prev link)
    let mut firsts: Vec<(usize, usize)> = Vec::new();
    // SAFETY: lock held (caller); block headers are read only inside a segment's carved area.
    unsafe {
        let mut seg = (*s).segs;
        while !seg.is_null() {
            let start = seg as usize + SEG_HDR;
            let top = seg == (*s).segs;
            let used = if top { (*s).cur as usize - start } else { (*seg).used };
            if used > (*seg).size - SEG_HDR || (top && (*s).end as usize != seg as usize + (*seg).size) {
                return -40;
            }
            let end = start + used;
            let mut b = start;
            let mut prev = 0usize;
            while b < end {
                if end - b < HDR + 16 {
                    return -40;
                }
                let h = b as *mut LastHdr;
                let sz = (*h).size;
                if sz < 16 || !sz.is_multiple_of(16) || sz > end - b - HDR {
                    return -40;
                }
                if b == start {
                    firsts.push((b, (*h).prev as usize));
                } else if (*h).prev as usize != prev {
                    return -41;
                }
                blocks.push(b);
                prev = b;
                b += HDR + sz;
            }
            // The newest block is the top segment's final one (none: nothing is freeable).
            if top && (*s).last as usize != prev {
                return -42;
            }
            seg = (*seg).next;
        }
        blocks.sort_unstable();
        let known = |p: usize| p == 0 || blocks.binary_search(&p).is_ok();
        if firsts.iter().any(|&(b, p)| !known(p) || p == b) {
            return -41;
        }
    }
    0
}
