//! Corpus program: integer loops: Collatz chain lengths with a small cache, digit sums, perfect numbers and integer square roots.
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

fn collatz_len(mut n: u64, cache: &mut [u16; 4096]) -> u32 {
    let start = n;
    let mut steps = 0u32;
    while n != 1 {
        if (n as usize) < cache.len() && cache[n as usize] != 0 {
            steps += cache[n as usize] as u32;
            break;
        }
        n = if n % 2 == 0 { n / 2 } else { 3 * n + 1 };
        steps += 1;
    }
    if (start as usize) < cache.len() {
        cache[start as usize] = steps as u16;
    }
    steps
}

fn isqrt(n: u64) -> u64 {
    if n < 2 {
        return n;
    }
    let mut x = n;
    let mut y = ((x as u128 + 1) / 2) as u64;
    while y < x {
        x = y;
        y = (x + n / x) / 2;
    }
    x
}

fn digit_sum(mut n: u64) -> u64 {
    let mut s = 0;
    while n > 0 {
        s += n % 10;
        n /= 10;
    }
    s
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut cache = [0u16; 4096];
    let (mut best, mut best_n) = (0, 0);
    for n in 1..30000u64 {
        let l = collatz_len(n, &mut cache);
        if l > best {
            best = l;
            best_n = n;
        }
    }
    out!("longest collatz below 30000: n=%llu steps=%u\n", best_n, best);
    let perfect: [u64; 4] = [6, 28, 496, 8128];
    for p in perfect {
        let s: u64 = (1..p).filter(|d| p % d == 0).sum();
        out!("%llu perfect %d\n", p, (s == p) as i32);
    }
    for n in [0u64, 1, 15, 16, 17, 1 << 40, u64::MAX] {
        out!("isqrt(%llu) = %llu\n", n, isqrt(n));
    }
    let ds: u64 = (1..100000u64).map(digit_sum).sum();
    out!("digit sums %llu\n", ds);
    (best & 0x7f) as i32
}
