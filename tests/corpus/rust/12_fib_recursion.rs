//! Corpus program: recursion: naive fib, iterative fib, memoized fib, tail-recursive gcd and sum.
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

fn fib(n: u32) -> u64 {
    if n < 2 {
        n as u64
    } else {
        fib(n - 1) + fib(n - 2)
    }
}

fn fib_iter(n: u32) -> u64 {
    let (mut a, mut b) = (0u64, 1u64);
    for _ in 0..n {
        let t = a.wrapping_add(b);
        a = b;
        b = t;
    }
    a
}

fn fib_memo(n: usize, memo: &mut [u64; 94]) -> u64 {
    if n < 2 {
        return n as u64;
    }
    if memo[n] != 0 {
        return memo[n];
    }
    let v = fib_memo(n - 1, memo) + fib_memo(n - 2, memo);
    memo[n] = v;
    v
}

fn gcd(a: u64, b: u64) -> u64 {
    if b == 0 {
        a
    } else {
        gcd(b, a % b)
    }
}

fn sum_to(n: u64, acc: u64) -> u64 {
    if n == 0 {
        acc
    } else {
        sum_to(n - 1, acc + n)
    }
}

fn depth(n: u32) -> u32 {
    if n == 0 {
        0
    } else {
        1 + depth(n - 1)
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    for n in [0u32, 1, 2, 10, 20, 24] {
        out!("fib(%u) = %llu\n", n, fib(n));
    }
    let mut memo = [0u64; 94];
    for n in [50usize, 70, 93] {
        out!("fib_memo(%zu) = %llu iter=%llu\n", n, fib_memo(n, &mut memo), fib_iter(n as u32));
    }
    out!("gcd %llu %llu\n", gcd(fib_iter(80), fib_iter(60)), gcd(1071, 462));
    out!("sum_to %llu depth %u\n", sum_to(5000, 0), depth(10000));
    (fib(24) % 128) as i32
}
