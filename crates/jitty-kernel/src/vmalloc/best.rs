//! Vmbest: the best-fit method.
//!
//! Blocks carry a 16-byte boundary tag (`prev_size`, `head` = size | busy bit)
//! in front of the payload, so both neighbours of a block are found in O(1)
//! and adjacent free blocks are always coalesced on free. A segment is laid
//! out as `[Segment header][block]...[block][sentinel]`; the sentinel is a
//! 16-byte busy pseudo-block of size 0.
//!
//! Three strategies, chosen by the (rounded) block size, as in Vmalloc:
//!
//! * **tiny** (blocks of 32, 48, 64 bytes, i.e. up to 48 payload bytes): exact-size
//!   free lists, popped without search;
//! * **small** (blocks below 1024 bytes): exact 16-byte size-class bins with a
//!   bitmap; the first non-empty bin at or above the request is split;
//! * **large**: a top-down splay tree of free blocks keyed by (size, address);
//!   best fit is the smallest key not below (size, 0).
//!
//! When nothing fits, the request is carved from the *wilderness*: the free
//! block at the end of the newest segment, never kept in a bin or the tree.
//! The wilderness grows by resizing its segment in place when the discipline
//! allows it, otherwise a new segment is obtained (and the old wilderness
//! becomes an ordinary free block).
//!
//! Invariants (checked by [`best_check`]): the block walk of every segment
//! tiles it exactly; every tag's `prev_size` equals its predecessor's size;
//! no two adjacent blocks are free; the free blocks of the walk are exactly
//! the union of the bins, the tree and the wilderness; bins hold exact sizes;
//! the tree is ordered and holds only large blocks.

use alloc::vec::Vec;
use core::ptr;

use super::splay::{tree_insert, tree_remove, tree_take_best, tree_walk};
use super::{
    MAX_REQUEST, METHOD_BEST, Method, Region, SEG_HDR, Segment, VM_TRUST, seg_alloc, seg_grow, seg_release_all,
};

/// Size of a block's boundary tag.
pub(super) const HDR: usize = 16;
/// Smallest block (tag + 16 bytes of payload, enough for two free-list links).
pub(super) const MIN_BLOCK: usize = 32;
/// Largest tiny block.
pub(super) const TINY_MAX: usize = 64;
/// Largest small block; larger free blocks live in the splay tree.
pub(super) const SMALL_MAX: usize = 1008;
/// Number of bins: bin `i` holds free blocks of exactly `16 * i` bytes.
pub(super) const NBINS: usize = 64;
const BUSY: usize = 1;
/// Segment bytes that are not blocks: header and sentinel.
const SEG_OVERHEAD: usize = SEG_HDR + HDR;

/// A block's boundary tag; the links overlay the payload of free blocks.
#[repr(C)]
#[derive(Debug)]
pub(super) struct Block {
    /// Size of the preceding block of the segment; 0 for the first block.
    pub(super) prev_size: usize,
    /// Size of this block (a multiple of 16, tag included) | `BUSY`.
    pub(super) head: usize,
    /// Free-list next, or left child in the tree.
    pub(super) l0: *mut Block,
    /// Free-list prev, or right child in the tree.
    pub(super) l1: *mut Block,
}

/// The best-fit method's state inside a region (all dynamic).
#[repr(C)]
#[derive(Debug)]
pub(super) struct BestState {
    bins: [*mut Block; NBINS],
    bitmap: u64,
    root: *mut Block,
    wild: *mut Block,
    segs: *mut Segment,
}

impl BestState {
    pub(super) const fn new() -> Self {
        BestState {
            bins: [ptr::null_mut(); NBINS],
            bitmap: 0,
            root: ptr::null_mut(),
            wild: ptr::null_mut(),
            segs: ptr::null_mut(),
        }
    }
}

/// The best-fit method.
pub static VMBEST: Method = Method {
    alloc: best_alloc,
    free: best_free,
    resize: best_resize,
    check: best_check,
    clear: best_clear,
    id: METHOD_BEST,
};

#[inline(always)]
pub(super) unsafe fn size(b: *mut Block) -> usize {
    // SAFETY: `b` is a live block tag (caller).
    unsafe { (*b).head & !(super::ALIGN - 1) }
}

#[inline(always)]
unsafe fn busy(b: *mut Block) -> bool {
    // SAFETY: `b` is a live block tag (caller).
    unsafe { (*b).head & BUSY != 0 }
}

#[inline(always)]
unsafe fn next(b: *mut Block) -> *mut Block {
    // SAFETY: `b` is a live block; its successor (block or sentinel) follows it.
    unsafe { (b as *mut u8).add(size(b)) as *mut Block }
}

#[inline(always)]
fn payload(b: *mut Block) -> *mut u8 {
    b.cast::<u8>().wrapping_add(HDR)
}

/// The block size serving a request of `n` bytes, or `None` if too large.
#[inline(always)]
fn block_size(n: usize) -> Option<usize> {
    if n > MAX_REQUEST {
        return None;
    }
    Some(((n + HDR + 15) & !15).max(MIN_BLOCK))
}

#[inline(always)]
fn st(r: *mut Region) -> *mut BestState {
    // SAFETY: only computes a field address of a live region.
    unsafe { &raw mut (*r).best }
}

/// The sentinel address of the newest segment, or 0.
#[inline(always)]
unsafe fn top_sentinel(s: *mut BestState) -> usize {
    // SAFETY: live state; `segs` is null or a live segment.
    unsafe {
        let seg = (*s).segs;
        if seg.is_null() { 0 } else { seg as usize + (*seg).size - HDR }
    }
}

unsafe fn bin_insert(s: *mut BestState, b: *mut Block) {
    // SAFETY: live state and free block (caller); bins link live free blocks.
    unsafe {
        let i = size(b) / 16;
        let h = (*s).bins[i];
        (*b).l0 = h;
        (*b).l1 = ptr::null_mut();
        if !h.is_null() {
            (*h).l1 = b;
        }
        (*s).bins[i] = b;
        (*s).bitmap |= 1u64 << i;
    }
}

unsafe fn bin_remove(s: *mut BestState, b: *mut Block) {
    // SAFETY: live state; `b` is in bin `size(b) / 16` (caller).
    unsafe {
        let i = size(b) / 16;
        let (n, p) = ((*b).l0, (*b).l1);
        if p.is_null() {
            (*s).bins[i] = n;
        } else {
            (*p).l0 = n;
        }
        if !n.is_null() {
            (*n).l1 = p;
        }
        if (*s).bins[i].is_null() {
            (*s).bitmap &= !(1u64 << i);
        }
    }
}

/// Files a free (non-wilderness) block in its bin or the tree.
unsafe fn free_insert(s: *mut BestState, b: *mut Block) {
    // SAFETY: live state and free block (caller).
    unsafe {
        if size(b) <= SMALL_MAX {
            bin_insert(s, b);
        } else {
            (*s).root = tree_insert((*s).root, b);
        }
    }
}

/// Removes a free (non-wilderness) block from its bin or the tree.
unsafe fn free_remove(s: *mut BestState, b: *mut Block) {
    // SAFETY: live state; `b` is filed (caller).
    unsafe {
        if size(b) <= SMALL_MAX {
            bin_remove(s, b);
        } else {
            (*s).root = tree_remove((*s).root, b);
        }
    }
}

/// Marks the unfiled free block `b` busy with `bsz` bytes, filing any remainder.
unsafe fn carve(s: *mut BestState, b: *mut Block, bsz: usize) -> *mut u8 {
    // SAFETY: `b` is a free, unfiled block of at least `bsz` bytes whose
    // successor is busy (coalescing invariant) and not the top sentinel.
    unsafe {
        let total = size(b);
        let rem = total - bsz;
        if rem >= MIN_BLOCK {
            (*b).head = bsz | BUSY;
            let t = next(b);
            (*t).prev_size = bsz;
            (*t).head = rem;
            (*next(t)).prev_size = rem;
            free_insert(s, t);
        } else {
            (*b).head = total | BUSY;
        }
        payload(b)
    }
}

/// Allocates `bsz` bytes from the wilderness, growing it if needed.
unsafe fn wild_take(r: *mut Region, bsz: usize) -> *mut u8 {
    let s = st(r);
    // SAFETY: lock held; all pointers are the region's live blocks and segments.
    unsafe {
        let w = (*s).wild;
        let have = if w.is_null() { 0 } else { size(w) };
        if have < bsz && !grow_top(r, bsz - have) && !new_top(r, bsz) {
            return ptr::null_mut();
        }
        let w = (*s).wild;
        (*s).wild = ptr::null_mut();
        let total = size(w);
        let rem = total - bsz;
        if rem >= MIN_BLOCK {
            (*w).head = bsz | BUSY;
            let t = next(w);
            (*t).prev_size = bsz;
            (*t).head = rem;
            (*next(t)).prev_size = rem;
            (*s).wild = t;
        } else {
            (*w).head = total | BUSY;
        }
        payload(w)
    }
}

/// Grows the newest segment in place by at least `need` bytes, extending (or creating) the wilderness.
unsafe fn grow_top(r: *mut Region, need: usize) -> bool {
    let s = st(r);
    // SAFETY: lock held; live segments and blocks.
    unsafe {
        let seg = (*s).segs;
        if seg.is_null() {
            return false;
        }
        let old = (*seg).size;
        let Some(new) = old.checked_add(need).and_then(super::round16) else {
            return false;
        };
        let sent = (seg as *mut u8).add(old - HDR) as *mut Block;
        let last_size = (*sent).prev_size;
        if !seg_grow(r, seg, new) {
            return false;
        }
        let delta = new - old;
        let nsent = (seg as *mut u8).add(new - HDR) as *mut Block;
        let w = (*s).wild;
        let wsize;
        if w.is_null() {
            // The old sentinel's place starts the new wilderness.
            (*sent).prev_size = last_size;
            (*sent).head = delta;
            (*s).wild = sent;
            wsize = delta;
        } else {
            wsize = size(w) + delta;
            (*w).head = wsize;
        }
        (*nsent).prev_size = wsize;
        (*nsent).head = BUSY;
        true
    }
}

/// Obtains a new segment whose single free block becomes the wilderness.
unsafe fn new_top(r: *mut Region, bsz: usize) -> bool {
    let s = st(r);
    let Some(min) = bsz.checked_add(SEG_OVERHEAD) else {
        return false;
    };
    // SAFETY: lock held; the new segment is fresh memory of `size` bytes.
    unsafe {
        let seg = seg_alloc(r, min);
        if seg.is_null() {
            return false;
        }
        let size = (*seg).size;
        let b = (seg as *mut u8).add(SEG_HDR) as *mut Block;
        let bs = size - SEG_OVERHEAD;
        (*b).prev_size = 0;
        (*b).head = bs;
        let sent = (seg as *mut u8).add(size - HDR) as *mut Block;
        (*sent).prev_size = bs;
        (*sent).head = BUSY;
        (*seg).next = (*s).segs;
        (*s).segs = seg;
        let old = (*s).wild;
        if !old.is_null() {
            free_insert(s, old);
        }
        (*s).wild = b;
        true
    }
}

/// Vmbest's `alloc`: tiny exact list, small bins, splay tree, wilderness.
unsafe extern "C" fn best_alloc(r: *mut Region, n: usize) -> *mut u8 {
    let Some(bsz) = block_size(n) else {
        return ptr::null_mut();
    };
    let s = st(r);
    // SAFETY: lock held (caller); all structures link live free blocks.
    unsafe {
        if bsz <= TINY_MAX {
            let b = (*s).bins[bsz / 16];
            if !b.is_null() {
                bin_remove(s, b);
                (*b).head = bsz | BUSY;
                return payload(b);
            }
        }
        if bsz <= SMALL_MAX {
            let mask = (*s).bitmap & (!0u64 << (bsz / 16));
            if mask != 0 {
                let b = (*s).bins[mask.trailing_zeros() as usize];
                bin_remove(s, b);
                return carve(s, b, bsz);
            }
        }
        let (root, b) = tree_take_best((*s).root, bsz);
        (*s).root = root;
        if !b.is_null() {
            return carve(s, b, bsz);
        }
        wild_take(r, bsz)
    }
}

/// Frees the busy block `b`, coalescing with free neighbours.
unsafe fn free_block(s: *mut BestState, b: *mut Block) {
    // SAFETY: lock held; `b` is a busy block of a live segment.
    unsafe {
        let mut f = b;
        let mut sz = size(b);
        let nx = next(b);
        if !busy(nx) {
            if nx == (*s).wild {
                (*s).wild = ptr::null_mut();
            } else {
                free_remove(s, nx);
            }
            sz += size(nx);
        }
        if (*b).prev_size != 0 {
            let pv = (b as *mut u8).sub((*b).prev_size) as *mut Block;
            if !busy(pv) {
                free_remove(s, pv);
                sz += size(pv);
                f = pv;
            }
        }
        (*f).head = sz;
        let nx = next(f);
        (*nx).prev_size = sz;
        if nx as usize == top_sentinel(s) {
            (*s).wild = f;
        } else {
            free_insert(s, f);
        }
    }
}

/// Validates a pointer handed to free/resize; returns its block or null.
unsafe fn owned_block(r: *mut Region, p: *mut u8) -> *mut Block {
    if !(p as usize).is_multiple_of(super::ALIGN) || (p as usize) < HDR {
        return ptr::null_mut();
    }
    let b = p.wrapping_sub(HDR) as *mut Block;
    // SAFETY: lock held; segments are live; `b` is only read once it is known to
    // lie inside a segment's block area (or the caller vouched with VM_TRUST).
    unsafe {
        if (*r).flags.get() & VM_TRUST == 0 {
            let mut seg = (*st(r)).segs;
            let mut found = false;
            while !seg.is_null() {
                let lo = seg as usize + SEG_HDR;
                let hi = seg as usize + (*seg).size - HDR - MIN_BLOCK;
                if b as usize >= lo && b as usize <= hi {
                    found = true;
                    break;
                }
                seg = (*seg).next;
            }
            if !found {
                return ptr::null_mut();
            }
        }
        if !busy(b) || size(b) < MIN_BLOCK {
            return ptr::null_mut();
        }
    }
    b
}

/// Vmbest's `free`: -1 for pointers not from the region or already free.
unsafe extern "C" fn best_free(r: *mut Region, p: *mut u8) -> i32 {
    if p.is_null() {
        return 0;
    }
    // SAFETY: lock held (caller).
    unsafe {
        let b = owned_block(r, p);
        if b.is_null() {
            return -1;
        }
        free_block(st(r), b);
    }
    0
}

/// Shrinks busy block `b` to `bsz` bytes, freeing the tail.
unsafe fn shrink(s: *mut BestState, b: *mut Block, bsz: usize) {
    // SAFETY: lock held; `b` is busy with at least `bsz` bytes.
    unsafe {
        let total = size(b);
        let rem = total - bsz;
        if rem >= MIN_BLOCK {
            (*b).head = bsz | BUSY;
            let t = next(b);
            (*t).prev_size = bsz;
            (*t).head = rem | BUSY;
            (*next(t)).prev_size = rem;
            free_block(s, t);
        }
    }
}

/// Vmbest's `resize`: in place when shrinking or when the next block is free and big enough.
unsafe extern "C" fn best_resize(r: *mut Region, p: *mut u8, n: usize) -> *mut u8 {
    // SAFETY: lock held (caller); all blocks touched are validated or live.
    unsafe {
        if p.is_null() {
            return best_alloc(r, n);
        }
        if n == 0 {
            best_free(r, p);
            return ptr::null_mut();
        }
        let b = owned_block(r, p);
        let Some(bsz) = block_size(n) else {
            return ptr::null_mut();
        };
        if b.is_null() {
            return ptr::null_mut();
        }
        let s = st(r);
        let cur = size(b);
        if bsz <= cur {
            shrink(s, b, bsz);
            return p;
        }
        let mut nx = next(b);
        let wild = (*s).wild;
        if nx == wild || nx as usize == top_sentinel(s) {
            // The block ends the newest segment (or precedes its wilderness): try to grow in place.
            let have = cur + if nx == wild { size(nx) } else { 0 };
            if have < bsz && grow_top(r, bsz - have) {
                nx = next(b);
            }
        }
        if !busy(nx) && cur + size(nx) >= bsz {
            if nx == (*s).wild {
                (*s).wild = ptr::null_mut();
            } else {
                free_remove(s, nx);
            }
            let total = cur + size(nx);
            (*b).head = total | BUSY;
            (*next(b)).prev_size = total;
            shrink(s, b, bsz);
            return p;
        }
        let q = best_alloc(r, n);
        if q.is_null() {
            return ptr::null_mut();
        }
        ptr::copy_nonoverlapping(p, q, (cur - HDR).min(n));
        free_block(s, b);
        q
    }
}

/// Vmbest's `clear`: returns all segments and resets the state.
unsafe extern "C" fn best_clear(r: *mut Region) {
    let s = st(r);
    // SAFETY: lock held (caller).
    unsafe {
        let segs = (*s).segs;
        *s = BestState::new();
        seg_release_all(r, segs);
    }
}

/// Vmbest's integrity check. Codes: -10 segment list, -11 tag size, -12 prev_size,
/// -13 overrun, -14 adjacent free blocks, -15 sentinel, -16 wilderness, -17 bins,
/// -18 bitmap, -19 tree, -20 free blocks vs. structures.
unsafe extern "C" fn best_check(r: *mut Region) -> i32 {
    let s = st(r);
    let mut walk_free: Vec<usize> = Vec::new();
    let mut ranges: Vec<(usize, usize)> = Vec::new();
    // SAFETY: lock held (caller); every pointer followed is checked to lie in a
    // segment before it is dereferenced, except list links, whose targets are
    // then validated against the block walk.
    unsafe {
        let mut seg = (*s).segs;
        while !seg.is_null() {
            if ranges.len() > 1 << 20 || !(seg as usize).is_multiple_of(super::ALIGN) {
                return -10;
            }
            let size = (*seg).size;
            if size < SEG_OVERHEAD + MIN_BLOCK || !size.is_multiple_of(16) {
                return -10;
            }
            ranges.push((seg as usize, seg as usize + size));
            let sent = seg as usize + size - HDR;
            let mut b = seg as usize + SEG_HDR;
            let mut prev = 0usize;
            let mut prev_free = false;
            while b < sent {
                let blk = b as *mut Block;
                let bs = size_of_block(blk);
                if bs < MIN_BLOCK || !bs.is_multiple_of(16) {
                    return -11;
                }
                if (*blk).prev_size != prev {
                    return -12;
                }
                if b + bs > sent {
                    return -13;
                }
                let free = !busy(blk);
                if free {
                    if prev_free {
                        return -14;
                    }
                    walk_free.push(b);
                }
                prev_free = free;
                prev = bs;
                b += bs;
            }
            let st_blk = sent as *mut Block;
            if b != sent || (*st_blk).head != BUSY || (*st_blk).prev_size != prev {
                return -15;
            }
            seg = (*seg).next;
        }
        ranges.sort_unstable();
        if ranges.windows(2).any(|w| w[0].1 > w[1].0) {
            return -10;
        }
        walk_free.sort_unstable();
        let is_free_block = |p: *mut Block| walk_free.binary_search(&(p as usize)).is_ok();
        let mut filed: Vec<usize> = Vec::new();
        let w = (*s).wild;
        if !w.is_null() {
            if !is_free_block(w) || next(w) as usize != top_sentinel(s) {
                return -16;
            }
            filed.push(w as usize);
        }
        for i in 0..NBINS {
            let mut b = (*s).bins[i];
            if ((*s).bitmap >> i) & 1 != (!b.is_null()) as u64 {
                return -18;
            }
            if i < MIN_BLOCK / 16 && !b.is_null() {
                return -17;
            }
            let mut prev: *mut Block = ptr::null_mut();
            while !b.is_null() {
                if !is_free_block(b) || size(b) != i * 16 || (*b).l1 != prev || filed.len() > walk_free.len() {
                    return -17;
                }
                filed.push(b as usize);
                prev = b;
                b = (*b).l0;
            }
        }
        let mut ok = true;
        let mut last = (0usize, 0usize);
        let walked = tree_walk((*s).root, walk_free.len() + 1, &|b| is_free_block(b), &mut |b| {
            let key = (size(b), b as usize);
            if key <= last || key.0 <= SMALL_MAX {
                ok = false;
            }
            last = key;
            filed.push(b as usize);
        });
        if !walked || !ok {
            return -19;
        }
        filed.sort_unstable();
        if filed != walk_free {
            return -20;
        }
    }
    0
}

/// Size of a block whose tag lies inside a segment (checked by the caller).
unsafe fn size_of_block(b: *mut Block) -> usize {
    // SAFETY: `b` lies inside a live segment (caller).
    unsafe { size(b) }
}
