//! Corpus program: float to int casts (saturating as, NaN to 0, infinities), int to float, f32/f64 conversions and bit patterns.
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
fn casts(x: f64) {
    out!(
        "%a -> i8=%d u8=%u i32=%d u32=%u i64=%lld u64=%llu f32=%a\n",
        x,
        x as i8 as i32,
        x as u8 as u32,
        x as i32,
        x as u32,
        x as i64,
        x as u64,
        x as f32 as f64
    );
    let h = (x as i128) as f64;
    let f = x as f32;
    out!("   i128->f64=%a f32->i16=%d f32->u64=%llu f32 bits=%08x\n", h, f as i16 as i32, f as u64, f.to_bits());
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let xs = [
        0.0,
        -0.0,
        0.5,
        -0.5,
        1.9999,
        -1.9999,
        127.5,
        128.0,
        -129.0,
        255.9,
        256.0,
        2147483647.5,
        -2147483649.0,
        4294967296.0,
        9.3e18,
        1.9e19,
        -9.3e18,
        1e40,
        -1e40,
        f64::INFINITY,
        f64::NEG_INFINITY,
        f64::NAN,
        f64::MIN_POSITIVE,
        f64::EPSILON,
    ];
    for &x in &xs {
        casts(x);
    }
    let ints: [i64; 6] = [0, -1, 1 << 53, (1 << 53) + 1, i64::MAX, i64::MIN];
    for &i in &ints {
        out!("i64 %lld -> f64 %a f32 %a u64->f64 %a\n", i, i as f64, i as f32 as f64, i as u64 as f64);
    }
    let big: u128 = u128::MAX;
    out!("u128 max -> f64 %a f32 %a\n", big as f64, big as f32 as f64);
    let d: f64 = 0.1;
    out!(
        "bits %016llx from_bits %a f32 round %a\n",
        d.to_bits(),
        f64::from_bits(0x4009_21fb_5444_2d18),
        (d as f32) as f64
    );
    let mut acc: i64 = 0;
    for i in 0..1000 {
        let v = (i as f64) * 1.37 - 500.0;
        acc += v as i64 + (v as f32) as i64 + (v as u16) as i64;
    }
    out!("acc %lld\n", acc);
    (acc & 0x7f) as i32
}
