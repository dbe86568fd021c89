//! Corpus program: NaN and signed-zero semantics: comparisons, min/max, total_cmp, classification, copysign.
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

use core::cmp::Ordering;

fn ord(o: Ordering) -> i32 {
    o as i32
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let nan = f64::NAN;
    let vals = [1.0f64, -1.0, 0.0, -0.0, nan, -nan, f64::INFINITY, f64::NEG_INFINITY];
    for &a in &vals {
        for &b in &vals {
            out!(
                "%d%d%d%d%d%d ",
                (a == b) as i32,
                (a != b) as i32,
                (a < b) as i32,
                (a <= b) as i32,
                (a > b) as i32,
                (a >= b) as i32
            );
        }
        out!("\n");
    }
    for &a in &vals {
        out!(
            "%a: nan=%d inf=%d fin=%d sign=%d min1=%a max1=%a tc=%d pc=%d abs=%a cs=%a\n",
            a,
            a.is_nan() as i32,
            a.is_infinite() as i32,
            a.is_finite() as i32,
            a.is_sign_negative() as i32,
            a.min(1.0),
            a.max(1.0),
            ord(a.total_cmp(&0.0)),
            a.partial_cmp(&0.0).map(ord).unwrap_or(9),
            a.abs(),
            1.5f64.copysign(a)
        );
    }
    let fnan = f32::NAN;
    let z = 0.0f32;
    out!(
        "f32 nan==nan %d, 0/0 nan %d, inf-inf nan %d, -0==0 %d\n",
        (fnan == fnan) as i32,
        (z / z).is_nan() as i32,
        (f32::INFINITY - f32::INFINITY).is_nan() as i32,
        (-z == z) as i32
    );
    let mut count = 0;
    let mut x = 1.0f64;
    for i in 0..2000 {
        x = x * 1.5 - (i as f64);
        if x.is_nan() || x.is_infinite() {
            count += 1;
            x = 1.0;
        }
    }
    out!("resets %d x=%.3f max(nan,2)=%.1f\n", count, x, nan.max(2.0));
    let mut arr = [3.5f64, -0.0, nan, 0.0, -7.25, f64::INFINITY, 1e-10];
    arr.sort_by(|a, b| a.total_cmp(b));
    for v in arr {
        out!("%a ", v);
    }
    out!("\n");
    count
}
