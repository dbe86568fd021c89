//! Memory management: the page allocator front-end, the kernel heap, and
//! user-memory access (`access_ok`, `copy_{from,to}_user`, `clear_user`,
//! `strncpy_from_user`).
//!
//! Every access to user memory goes through the HAL's fault-tolerant copy
//! (`hal_copy_user`, Linux's exception-table copy): an unmapped user page
//! ends the copy early and the caller learns how many bytes were not copied,
//! so a bad pointer is `EFAULT` (or a partial count), never a host crash.
//!
//! Pages (pipe buffers, file data) come from `hal_alloc_pages`. Small kernel
//! objects come from the Rust global allocator: in the host build that is the
//! host's allocator (which the HAL's `hal_alloc` also uses); a kernel linked
//! into a non-Rust host enables [`KernelHeap`] as its `#[global_allocator]`
//! with the `standalone` feature. The Vmalloc-style region allocator of
//! `vmalloc.rs` is the kernel's malloc for its users.

use alloc::vec::Vec;
use core::alloc::{GlobalAlloc, Layout};
use core::ptr;

use crate::abi::PAGE_SIZE;
use crate::hal;

/// Allocates `n` zeroed pages; null on exhaustion.
#[inline]
pub fn alloc_pages(n: usize) -> *mut u8 {
    // SAFETY: the HAL page allocator has no preconditions.
    unsafe { hal::hal_alloc_pages(n) }
}

/// Frees `n` pages from [`alloc_pages`].
///
/// # Safety
/// `p` came from `alloc_pages(n)` and is not used afterwards.
#[inline]
pub unsafe fn free_pages(p: *mut u8, n: usize) {
    // SAFETY: forwarded to the caller.
    unsafe { hal::hal_free_pages(p, n) }
}

/// The kernel heap: page-sized and larger requests go to the page allocator,
/// smaller ones to the HAL's byte allocator.
#[derive(Debug, Clone, Copy)]
pub struct KernelHeap;

// SAFETY: forwards to the HAL allocators, which return fresh, suitably
// aligned blocks and accept them back with the same layout.
unsafe impl GlobalAlloc for KernelHeap {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        if layout.size() >= PAGE_SIZE && layout.align() <= PAGE_SIZE {
            alloc_pages(layout.size().div_ceil(PAGE_SIZE))
        } else {
            // SAFETY: non-zero size is guaranteed by the GlobalAlloc contract.
            unsafe { hal::hal_alloc(layout.size(), layout.align()) }
        }
    }

    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        if layout.size() >= PAGE_SIZE && layout.align() <= PAGE_SIZE {
            // SAFETY: allocated by `alloc_pages` with this page count.
            unsafe { free_pages(ptr, layout.size().div_ceil(PAGE_SIZE)) }
        } else {
            // SAFETY: allocated by `hal_alloc` with this layout.
            unsafe { hal::hal_free(ptr, layout.size(), layout.align()) }
        }
    }
}

#[cfg(all(feature = "standalone", not(test)))]
#[global_allocator]
static KERNEL_HEAP: KernelHeap = KernelHeap;

/// Lowest address a user buffer may start at (the null page is never mapped).
pub const USER_MIN: usize = 4096;
/// One past the highest canonical user address (x86-64 lower half).
pub const USER_TOP: usize = 0x0000_8000_0000_0000;

/// Linux's `access_ok`: `[ptr, ptr + len)` lies in the user range.
/// An empty range is always fine (like `write(fd, NULL, 0)`).
#[inline]
pub fn access_ok(ptr: usize, len: usize) -> bool {
    len == 0 || (ptr >= USER_MIN && ptr.checked_add(len).is_some_and(|end| end <= USER_TOP))
}

/// Copies `len` bytes from user memory into the kernel buffer `dst`;
/// returns how many bytes were *not* copied (0: all), as Linux does.
///
/// # Safety
/// `dst` is valid for `len` bytes; `src` passed [`access_ok`] (the host is
/// the "user space" of this kernel; unmapped parts of it are tolerated).
#[inline]
pub unsafe fn copy_from_user(dst: *mut u8, src: *const u8, len: usize) -> usize {
    // SAFETY: the kernel side is valid per the caller; the HAL tolerates faults on the user side.
    unsafe { hal::hal_copy_user(dst, src, len) }
}

/// Copies `len` bytes from the kernel buffer `src` to user memory; returns
/// how many bytes were not copied.
///
/// # Safety
/// As [`copy_from_user`], with the roles swapped.
#[inline]
pub unsafe fn copy_to_user(dst: *mut u8, src: *const u8, len: usize) -> usize {
    // SAFETY: as in copy_from_user.
    unsafe { hal::hal_copy_user(dst, src, len) }
}

static ZERO_PAGE: [u8; PAGE_SIZE] = [0; PAGE_SIZE];

/// Zeroes `len` bytes of user memory; returns how many were not zeroed.
///
/// # Safety
/// `dst` passed [`access_ok`].
#[inline(never)]
pub unsafe fn clear_user(dst: *mut u8, len: usize) -> usize {
    let mut done = 0;
    while done < len {
        let n = (len - done).min(PAGE_SIZE);
        // SAFETY: the zero page is PAGE_SIZE long; user side per the caller.
        let left = unsafe { copy_to_user(dst.add(done), ZERO_PAGE.as_ptr(), n) };
        if left != 0 {
            return len - done - (n - left);
        }
        done += n;
    }
    0
}

/// Reads a NUL-terminated path from user memory into `buf` (Linux's
/// `strncpy_from_user` + `getname`). Returns its length or a negative errno.
/// The string is copied a page at a time, so bytes after the NUL on the same
/// page may be read but never bytes of a page the string does not reach.
///
/// # Safety
/// `src` is a user pointer; it is checked here.
pub unsafe fn strncpy_from_user(buf: &mut [u8], src: *const u8) -> Result<usize, i32> {
    let mut done = 0;
    while done < buf.len() {
        let at = (src as usize).wrapping_add(done);
        if !access_ok(at, 1) {
            return Err(crate::abi::EFAULT);
        }
        // USER_TOP is page-aligned, so the rest of this page is user range.
        let chunk = (PAGE_SIZE - at % PAGE_SIZE).min(buf.len() - done);
        // SAFETY: `buf[done..]` holds `chunk` bytes; the user range is checked.
        let left = unsafe { copy_from_user(buf[done..].as_mut_ptr(), at as *const u8, chunk) };
        let got = &buf[done..done + chunk - left];
        if let Some(i) = got.iter().position(|&b| b == 0) {
            return Ok(done + i);
        }
        if left != 0 {
            return Err(crate::abi::EFAULT);
        }
        done += chunk;
    }
    Err(crate::abi::ENAMETOOLONG)
}

/// Pages per leaf of a [`PageMap`] (a leaf is one page of pointers).
const MAP_LEAF: usize = PAGE_SIZE / core::mem::size_of::<*mut u8>();

/// A regular file's page map: page `i` is `leaves[i / MAP_LEAF][i % MAP_LEAF]`;
/// a null leaf or page is a hole (reads as zeros). Leaves and data pages come
/// from the page allocator; a sparse file holds only the leaves it touches.
#[derive(Debug, Default)]
pub struct PageMap {
    leaves: Vec<*mut *mut u8>,
}

impl PageMap {
    /// An empty map.
    pub const fn new() -> Self {
        PageMap { leaves: Vec::new() }
    }

    /// The data page `i`, or null for a hole.
    #[inline]
    pub fn get(&self, i: usize) -> *mut u8 {
        match self.leaves.get(i / MAP_LEAF) {
            // SAFETY: a non-null leaf holds MAP_LEAF pointers.
            Some(&leaf) if !leaf.is_null() => unsafe { *leaf.add(i % MAP_LEAF) },
            _ => ptr::null_mut(),
        }
    }

    /// The data page `i`, allocated (zeroed) if it is a hole; null when the
    /// page allocator is exhausted.
    pub fn get_or_alloc(&mut self, i: usize) -> *mut u8 {
        let li = i / MAP_LEAF;
        if self.leaves.len() <= li {
            self.leaves.resize(li + 1, ptr::null_mut());
        }
        if self.leaves[li].is_null() {
            let leaf = alloc_pages(1) as *mut *mut u8;
            if leaf.is_null() {
                return ptr::null_mut();
            }
            self.leaves[li] = leaf;
        }
        // SAFETY: a live leaf of MAP_LEAF pointers.
        let slot = unsafe { &mut *self.leaves[li].add(i % MAP_LEAF) };
        if slot.is_null() {
            *slot = alloc_pages(1);
        }
        *slot
    }

    /// Frees every data page at index `keep` or above (and leaves left empty).
    pub fn truncate(&mut self, keep: usize) {
        for li in (0..self.leaves.len()).rev() {
            let leaf = self.leaves[li];
            let first = li * MAP_LEAF;
            if first + MAP_LEAF <= keep {
                break;
            }
            if leaf.is_null() {
                continue;
            }
            for j in keep.saturating_sub(first)..MAP_LEAF {
                // SAFETY: a live leaf; its non-null pages are owned by this map.
                unsafe {
                    let pg = *leaf.add(j);
                    if !pg.is_null() {
                        free_pages(pg, 1);
                        *leaf.add(j) = ptr::null_mut();
                    }
                }
            }
            if first >= keep {
                // SAFETY: the leaf is empty now and owned by this map.
                unsafe { free_pages(leaf as *mut u8, 1) };
                self.leaves[li] = ptr::null_mut();
            }
        }
        while self.leaves.last().is_some_and(|l| l.is_null()) {
            self.leaves.pop();
        }
    }

    /// Number of data pages held.
    pub fn count(&self) -> usize {
        let mut n = 0;
        for &leaf in self.leaves.iter().filter(|l| !l.is_null()) {
            // SAFETY: a live leaf of MAP_LEAF pointers.
            n += unsafe { core::slice::from_raw_parts(leaf, MAP_LEAF) }.iter().filter(|p| !p.is_null()).count();
        }
        n
    }
}
