//! Corpus program: saturating arithmetic (add, sub, mul, pow, neg, abs) for signed and unsigned types.
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

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let vals8: [i8; 6] = [-128, -100, -1, 0, 99, 127];
    for &a in &vals8 {
        for &b in &vals8 {
            out!("%d ", a.saturating_add(b) as i32);
            out!("%d ", a.saturating_sub(b) as i32);
            out!("%d|", a.saturating_mul(b) as i32);
        }
        out!(" neg=%d abs=%d\n", a.saturating_neg() as i32, a.saturating_abs() as i32);
    }
    let valsu: [u16; 5] = [0, 1, 300, 40000, 65535];
    for &a in &valsu {
        for &b in &valsu {
            out!("%u/%u/%u ", a.saturating_add(b) as u32, a.saturating_sub(b) as u32, a.saturating_mul(b) as u32);
        }
        out!("pow=%u\n", a.saturating_pow(3) as u32);
    }
    let vals32: [i32; 5] = [i32::MIN, -70000, 0, 70000, i32::MAX];
    for &a in &vals32 {
        for &b in &vals32 {
            out!("%d,%d ", a.saturating_add(b), a.saturating_mul(b));
        }
        out!("\n");
    }
    let vals64: [u64; 4] = [0, 1 << 32, u64::MAX - 5, u64::MAX];
    let mut acc: u64 = 0;
    for &a in &vals64 {
        for &b in &vals64 {
            acc = acc.saturating_add(a.saturating_mul(b) >> 8).saturating_sub(b >> 4);
        }
        out!("u64 acc %llu\n", acc);
    }
    let i128s = [i128::MIN, -1, 1, i128::MAX];
    let mut sat = 0;
    for &a in &i128s {
        for &b in &i128s {
            let s = a.saturating_add(b);
            sat += (s == i128::MAX || s == i128::MIN) as i32;
            let m = a.saturating_mul(b);
            sat += (m == i128::MAX || m == i128::MIN) as i32;
        }
    }
    out!("i128 saturated %d times\n", sat);
    sat
}
