//! Corpus program: quicksort (Lomuto and Hoare partitions), binary search, and k-th element selection.
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

fn quicksort_lomuto(a: &mut [u32]) {
    if a.len() <= 1 {
        return;
    }
    let p = a.len() - 1;
    let pivot = a[p];
    let mut store = 0;
    for i in 0..p {
        if a[i] < pivot {
            a.swap(i, store);
            store += 1;
        }
    }
    a.swap(store, p);
    let (left, right) = a.split_at_mut(store);
    quicksort_lomuto(left);
    quicksort_lomuto(&mut right[1..]);
}

fn quicksort_hoare(a: &mut [i64], lo: isize, hi: isize) {
    if lo >= hi {
        return;
    }
    let pivot = a[((lo + hi) / 2) as usize];
    let (mut i, mut j) = (lo - 1, hi + 1);
    loop {
        loop {
            i += 1;
            if a[i as usize] >= pivot {
                break;
            }
        }
        loop {
            j -= 1;
            if a[j as usize] <= pivot {
                break;
            }
        }
        if i >= j {
            break;
        }
        a.swap(i as usize, j as usize);
    }
    quicksort_hoare(a, lo, j);
    quicksort_hoare(a, j + 1, hi);
}

fn bsearch(a: &[u32], key: u32) -> Option<usize> {
    let (mut lo, mut hi) = (0usize, a.len());
    while lo < hi {
        let mid = lo + (hi - lo) / 2;
        if a[mid] == key {
            return Some(mid);
        } else if a[mid] < key {
            lo = mid + 1;
        } else {
            hi = mid;
        }
    }
    None
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut x: u32 = 2463534242;
    let mut a = [0u32; 2000];
    for v in a.iter_mut() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *v = x % 100000;
    }
    let probe = [a[5], a[999], 77, a[1999], 100001];
    quicksort_lomuto(&mut a);
    let ok = a.windows(2).all(|w| w[0] <= w[1]);
    out!("lomuto sorted %d first %u last %u\n", ok as i32, a[0], a[1999]);
    for k in probe {
        match bsearch(&a, k) {
            Some(i) => out!("found %u at value %u\n", k, a[i]),
            None => out!("missing %u\n", k),
        };
    }
    let mut b = [0i64; 1500];
    for (i, v) in b.iter_mut().enumerate() {
        x ^= x << 13;
        x ^= x >> 17;
        x ^= x << 5;
        *v = (x as i64 % 5000) * if i % 3 == 0 { -1 } else { 1 };
    }
    let n = b.len() as isize;
    quicksort_hoare(&mut b, 0, n - 1);
    let ok = b.windows(2).all(|w| w[0] <= w[1]);
    let dups = b.windows(2).filter(|w| w[0] == w[1]).count();
    out!("hoare sorted %d min %lld max %lld dups %zu\n", ok as i32, b[0], b[1499], dups);
    (dups & 0x7f) as i32
}
