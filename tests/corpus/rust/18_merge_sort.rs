//! Corpus program: merge sort with a heap-allocated Vec buffer, stable sorting of pairs, and counting inversions.
//!
//! Built natively and to LLVM IR by jitty-difftest; engines must print
//! exactly what the native build prints and exit with the same status.

#![no_std]
#![no_main]

extern crate alloc;

use core::alloc::{GlobalAlloc, Layout};
use core::ffi::c_char;

unsafe extern "C" {
    fn printf(fmt: *const c_char, ...) -> i32;
    fn malloc(size: usize) -> *mut u8;
    fn free(ptr: *mut u8);
    fn abort() -> !;
}

/// The global allocator: libc `malloc`/`free` (16-byte aligned, enough here).
struct LibcAlloc;

unsafe impl GlobalAlloc for LibcAlloc {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        // SAFETY: malloc accepts any size; the corpus never asks for alignment above 16.
        unsafe { malloc(layout.size()) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, _layout: Layout) {
        // SAFETY: `ptr` came from `alloc` above.
        unsafe { free(ptr) }
    }
}

#[global_allocator]
static ALLOC: LibcAlloc = LibcAlloc;

#[panic_handler]
fn panic(_info: &core::panic::PanicInfo) -> ! {
    // SAFETY: abort never returns and has no preconditions.
    unsafe { abort() }
}

#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

/// `printf` with a literal format string (NUL appended here).
macro_rules! out {
    ($fmt:expr $(, $arg:expr)* $(,)?) => {
        // SAFETY: the format is NUL-terminated and its conversions match the arguments.
        unsafe { printf(concat!($fmt, "\0").as_ptr().cast(), $($arg),*) }
    };
}

use alloc::vec::Vec;

fn merge_sort(a: &mut [(u32, u32)], buf: &mut Vec<(u32, u32)>) -> u64 {
    let n = a.len();
    if n <= 1 {
        return 0;
    }
    let mid = n / 2;
    let mut inv = merge_sort(&mut a[..mid], buf) + merge_sort(&mut a[mid..], buf);
    buf.clear();
    let (mut i, mut j) = (0, mid);
    while i < mid && j < n {
        if a[j].0 < a[i].0 {
            buf.push(a[j]);
            inv += (mid - i) as u64;
            j += 1;
        } else {
            buf.push(a[i]);
            i += 1;
        }
    }
    buf.extend_from_slice(&a[i..mid]);
    buf.extend_from_slice(&a[j..n]);
    a.copy_from_slice(buf);
    inv
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut v: Vec<(u32, u32)> = Vec::new();
    let mut s: u64 = 88172645463325252;
    for i in 0..3000u32 {
        s ^= s << 13;
        s ^= s >> 7;
        s ^= s << 17;
        v.push(((s % 500) as u32, i));
    }
    let mut buf = Vec::with_capacity(16);
    let inv = merge_sort(&mut v, &mut buf);
    let sorted = v.windows(2).all(|w| w[0].0 <= w[1].0);
    let stable = v.windows(2).all(|w| w[0].0 != w[1].0 || w[0].1 < w[1].1);
    out!("sorted %d stable %d inversions %llu\n", sorted as i32, stable as i32, inv);
    for k in [0usize, 1, 1500, 2999] {
        out!("v[%zu] = (%u, %u)\n", k, v[k].0, v[k].1);
    }
    let mut w: Vec<(u32, u32)> = (0..1000u32).rev().map(|i| (i, i)).collect();
    let inv2 = merge_sort(&mut w, &mut buf);
    out!("reversed inversions %llu first %u\n", inv2, w[0].0);
    (inv % 127) as i32
}
