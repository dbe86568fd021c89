//! Memory management: the page allocator front-end, the kernel heap, and
//! user-memory access checks (`access_ok`, `copy_{from,to}_user`).
//!
//! Pages (pipe buffers, file data) come from `hal_alloc_pages`. Small kernel
//! objects come from the Rust global allocator: in the host build that is the
//! host's allocator (which the HAL's `hal_alloc` also uses); a kernel linked
//! into a non-Rust host enables [`KernelHeap`] as its `#[global_allocator]`
//! with the `standalone` feature. The Vmalloc-style region allocator of
//! `vmalloc.rs` is the kernel's malloc for its users.

use core::alloc::{GlobalAlloc, Layout};

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

/// Copies `len` bytes from user memory into the kernel buffer `dst`.
///
/// # Safety
/// `dst` is valid for `len` bytes; `src` passed [`access_ok`] and the host
/// maps it (the host is the "user space" of this kernel).
#[inline]
pub unsafe fn copy_from_user(dst: *mut u8, src: *const u8, len: usize) {
    // SAFETY: forwarded to the caller.
    unsafe { core::ptr::copy_nonoverlapping(src, dst, len) }
}

/// Copies `len` bytes from the kernel buffer `src` to user memory.
///
/// # Safety
/// As [`copy_from_user`], with the roles swapped.
#[inline]
pub unsafe fn copy_to_user(dst: *mut u8, src: *const u8, len: usize) {
    // SAFETY: forwarded to the caller.
    unsafe { core::ptr::copy_nonoverlapping(src, dst, len) }
}

/// Reads a NUL-terminated path from user memory into `buf` (Linux's
/// `strncpy_from_user` + `getname`). Returns its length or a negative errno.
///
/// # Safety
/// `src` is a user pointer; it is checked with [`access_ok`] byte by byte.
pub unsafe fn strncpy_from_user(buf: &mut [u8], src: *const u8) -> Result<usize, i32> {
    if !access_ok(src as usize, 1) {
        return Err(crate::abi::EFAULT);
    }
    for (i, slot) in buf.iter_mut().enumerate() {
        if !access_ok(src as usize + i, 1) {
            return Err(crate::abi::EFAULT);
        }
        // SAFETY: checked by access_ok; the host maps the string.
        let b = unsafe { *src.add(i) };
        if b == 0 {
            return Ok(i);
        }
        *slot = b;
    }
    Err(crate::abi::ENAMETOOLONG)
}
