//! Corpus program: integer arithmetic at every width: add, sub, mul, div, rem, negation, signed and unsigned.
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
fn mix8(a: u8, b: u8) -> u8 {
    a.wrapping_mul(b).wrapping_add(a / (b | 1)).wrapping_sub(b % (a | 1))
}

#[inline(never)]
fn mix16(a: i16, b: i16) -> i16 {
    a.wrapping_mul(b).wrapping_add(a.wrapping_div(b | 1)).wrapping_sub(a.wrapping_rem(b | 1))
}

#[inline(never)]
fn mix32(a: u32, b: u32) -> u32 {
    a.wrapping_mul(b) ^ (a / (b | 1)) ^ (a % (b | 3))
}

#[inline(never)]
fn mix64(a: i64, b: i64) -> i64 {
    a.wrapping_mul(b).wrapping_add(a.wrapping_div(b | 1)) ^ a.wrapping_rem(b | 5)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut h8: u8 = 7;
    let mut h16: i16 = -3;
    let mut h32: u32 = 12345;
    let mut h64: i64 = -987654321;
    for i in 0..200u32 {
        h8 = mix8(h8, i as u8);
        h16 = mix16(h16, (i as i16).wrapping_mul(-77));
        h32 = mix32(h32, i.wrapping_mul(2654435761));
        h64 = mix64(h64, (i as i64) * -1_000_003);
    }
    out!("u8 %u i16 %d u32 %u i64 %lld\n", h8 as u32, h16 as i32, h32, h64);
    let signed: [i32; 6] = [-7, 7, -100, 100, i32::MIN + 1, i32::MAX];
    for &a in &signed {
        for &b in &[3i32, -3, 7, -128] {
            out!("%d/%d=%d %d%%%d=%d  ", a, b, a / b, a, b, a % b);
        }
        out!("\n");
    }
    let u: [u64; 4] = [u64::MAX, 1 << 63, 1_000_000_007, 3];
    for &a in &u {
        out!("%llu: /7=%llu %%7=%llu *3=%llu neg=%llu\n", a, a / 7, a % 7, a.wrapping_mul(3), a.wrapping_neg());
    }
    let i8s: [i8; 4] = [-128, -1, 1, 127];
    for &a in &i8s {
        out!(
            "i8 %d: neg=%d abs=%d *3=%d >>1=%d\n",
            a as i32,
            a.wrapping_neg() as i32,
            a.wrapping_abs() as i32,
            a.wrapping_mul(3) as i32,
            (a >> 1) as i32
        );
    }
    let mut acc: usize = 0;
    for i in 0..1000usize {
        acc = acc.wrapping_mul(31).wrapping_add(i ^ (i >> 3));
    }
    out!("usize acc %zu isize %zd\n", acc, -(acc as isize >> 4));
    (h32 & 0x3f) as i32
}
