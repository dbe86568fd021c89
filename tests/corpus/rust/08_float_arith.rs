//! Corpus program: f32/f64 arithmetic, libm sqrt/floor/pow/sin, printed with %.6f, %e and %a.
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

unsafe extern "C" {
    fn sqrt(x: f64) -> f64;
    fn floor(x: f64) -> f64;
    fn ceil(x: f64) -> f64;
    fn pow(x: f64, y: f64) -> f64;
    fn sin(x: f64) -> f64;
    fn sqrtf(x: f32) -> f32;
    fn fmod(x: f64, y: f64) -> f64;
}

#[inline(never)]
fn poly(x: f64) -> f64 {
    ((3.5 * x - 2.25) * x + 0.125) * x - 7.0
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let xs: [f64; 7] = [0.0, -0.0, 1.5, -2.75, 1e-300, 12345.678, 1e300];
    for &x in &xs {
        // SAFETY: libm functions are pure.
        let (s, fl, ce, p) = unsafe { (sqrt(x.abs()), floor(x), ceil(x), pow(x.abs(), 0.75)) };
        out!("x=%.6f sqrt=%.6f floor=%.1f ceil=%.1f pow=%.6e poly=%.6e\n", x, s, fl, ce, p, poly(x));
        out!("  x/3=%a x*x=%a x-1/3=%a neg=%a\n", x / 3.0, x * x, x - 1.0 / 3.0, -x);
    }
    let fs: [f32; 5] = [0.1, -3.25, 1e20, 7.0, 1.0e-30];
    for &f in &fs {
        // SAFETY: libm is pure.
        let r = unsafe { sqrtf(f.abs()) };
        out!(
            "f32 %a sq=%a half=%.6f sum=%.6f fma-ish=%a\n",
            f as f64,
            r as f64,
            (f * 0.5) as f64,
            (f + 1.0e-3) as f64,
            (f * 3.0 + 1.0) as f64
        );
    }
    let mut sum = 0.0f64;
    let mut sumf = 0.0f32;
    for i in 1..=2000 {
        let t = i as f64;
        sum += 1.0 / (t * t);
        sumf += 1.0 / (i as f32);
    }
    // SAFETY: libm is pure.
    let pi = unsafe { sqrt(sum * 6.0) };
    out!("basel pi=%.12f harmonic32=%.6f\n", pi, sumf as f64);
    // SAFETY: libm is pure.
    let (s1, m) = unsafe { (sin(1.0), fmod(10.5, 3.0)) };
    out!("sin1=%.9f fmod=%.3f rem=%.3f div=%.9f\n", s1, m, 10.5f64 % -3.0, 1.0f64 / 7.0);
    (pi * 10.0) as i32
}
