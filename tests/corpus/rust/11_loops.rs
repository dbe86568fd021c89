//! Corpus program: loop forms: for/while/loop, labeled breaks and continues, break with value, nested counting.
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

#[inline(never)]
fn triangle(n: u32) -> u32 {
    let mut s = 0;
    let mut i = 0;
    while i <= n {
        s += i;
        i += 1;
    }
    s
}

#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    let mut total: u64 = 0;
    for i in 0..100u64 {
        for j in (0..i).rev().step_by(3) {
            total += i * j;
        }
    }
    out!("nested %llu\n", total);
    let mut found = (0, 0);
    'outer: for a in 1..50 {
        for b in a..50 {
            if a * a + b * b == 25 * 25 && a > 5 {
                found = (a, b);
                break 'outer;
            }
            if b > 40 {
                continue 'outer;
            }
        }
    }
    out!("pythagorean %d %d\n", found.0, found.1);
    let mut n = 27u64;
    let steps = loop {
        if n == 1 {
            break 0;
        }
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        if n > 9000 {
            break n;
        }
    };
    out!("first above 9000: %llu\n", steps);
    let mut t = 0;
    for k in 0..(argc as u32 * 100) {
        t ^= triangle(k % 97);
    }
    out!("triangles %u\n", t);
    let mut skips = 0;
    let mut i = 0;
    while i < 1000 {
        i += 1;
        if i % 7 == 0 || i % 11 == 0 {
            skips += 1;
            continue;
        }
        if i == 777 {
            break;
        }
    }
    out!("skips %d at %d\n", skips, i);
    let mut down = 10i32;
    let mut product = 1i64;
    while down > 0 {
        product *= down as i64;
        down -= 2;
    }
    out!("double factorial 10 = %lld\n", product);
    (t % 100) as i32
}
