//! Corpus program: slices: insertion sort, selection sort and bubble sort over several element types, with verification.
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

fn insertion_sort<T: PartialOrd + Copy>(a: &mut [T]) {
    for i in 1..a.len() {
        let x = a[i];
        let mut j = i;
        while j > 0 && a[j - 1] > x {
            a[j] = a[j - 1];
            j -= 1;
        }
        a[j] = x;
    }
}

fn selection_sort(a: &mut [i32]) {
    for i in 0..a.len() {
        let mut m = i;
        for j in i + 1..a.len() {
            if a[j] < a[m] {
                m = j;
            }
        }
        a.swap(i, m);
    }
}

fn bubble_sort(a: &mut [u8]) -> u32 {
    let mut swaps = 0;
    let mut n = a.len();
    while n > 1 {
        let mut last = 0;
        for i in 1..n {
            if a[i - 1] > a[i] {
                a.swap(i - 1, i);
                swaps += 1;
                last = i;
            }
        }
        n = last;
    }
    swaps
}

fn is_sorted<T: PartialOrd>(a: &[T]) -> bool {
    a.windows(2).all(|w| w[0] <= w[1])
}

struct Lcg(u64);

impl Lcg {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        self.0 >> 33
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut rng = Lcg(42);
    let mut a = [0i64; 300];
    for x in a.iter_mut() {
        *x = rng.next() as i64 - (1 << 30);
    }
    insertion_sort(&mut a);
    out!("i64 sorted %d min %lld max %lld median %lld\n", is_sorted(&a) as i32, a[0], a[299], a[150]);
    let mut f = [0f64; 100];
    for x in f.iter_mut() {
        *x = (rng.next() % 10000) as f64 / 7.0 - 500.0;
    }
    insertion_sort(&mut f);
    out!("f64 sorted %d first %.4f last %.4f\n", is_sorted(&f) as i32, f[0], f[99]);
    let mut s = [0i32; 200];
    for x in s.iter_mut() {
        *x = (rng.next() % 1000) as i32 - 500;
    }
    selection_sort(&mut s);
    let sum: i64 = s.iter().map(|&v| v as i64).sum();
    out!("i32 sorted %d sum %lld s[17]=%d\n", is_sorted(&s) as i32, sum, s[17]);
    let mut bytes = *b"the quick brown fox jumps over the lazy dog";
    let swaps = bubble_sort(&mut bytes);
    out!("bytes %.*s swaps %u\n", bytes.len() as i32, bytes.as_ptr(), swaps);
    (swaps & 0x7f) as i32
}
