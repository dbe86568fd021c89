//! Corpus program: shifts (logical, arithmetic, masked) and rotations at widths 8 through 128.
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

/// Prints a `u128` in decimal (printf has no 128-bit conversion).
fn print_u128(mut v: u128) {
    let mut buf = [0u8; 48];
    let mut i = buf.len() - 1;
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out!("%s", buf[i..].as_ptr());
}

/// Prints an `i128` in decimal.
#[allow(dead_code)]
fn print_i128(v: i128) {
    if v < 0 {
        out!("-");
    }
    print_u128(v.unsigned_abs());
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let x8: u8 = 0b1001_0110;
    let x16: u16 = 0xbeef;
    let x32: u32 = 0xdead_beef;
    let x64: u64 = 0x0123_4567_89ab_cdef;
    let x128: u128 = 0x0123_4567_89ab_cdef_fedc_ba98_7654_3210;
    for s in [0u32, 1, 3, 7, 13, 31, 63, 100, 127] {
        out!(
            "s=%u u8 rol=%u ror=%u shl=%u shr=%u\n",
            s,
            x8.rotate_left(s) as u32,
            x8.rotate_right(s) as u32,
            x8.wrapping_shl(s) as u32,
            x8.wrapping_shr(s) as u32
        );
        out!(
            "  u16 rol=%u ror=%u i16 sar=%d\n",
            x16.rotate_left(s) as u32,
            x16.rotate_right(s) as u32,
            (x16 as i16).wrapping_shr(s) as i32
        );
        out!(
            "  u32 rol=%08x ror=%08x shl=%08x sar=%d\n",
            x32.rotate_left(s),
            x32.rotate_right(s),
            x32.wrapping_shl(s),
            (x32 as i32).wrapping_shr(s)
        );
        out!(
            "  u64 rol=%016llx ror=%016llx sar=%lld\n",
            x64.rotate_left(s),
            x64.rotate_right(s),
            (x64 as i64 | i64::MIN).wrapping_shr(s)
        );
        let r = x128.rotate_left(s);
        let l = x128.wrapping_shl(s);
        let a = (x128 as i128 | i128::MIN).wrapping_shr(s);
        out!(
            "  u128 rol=%016llx%016llx shl=%016llx%016llx sar=",
            (r >> 64) as u64,
            r as u64,
            (l >> 64) as u64,
            l as u64
        );
        print_i128(a);
        out!("\n");
    }
    // Variable shifts with amounts computed at run time.
    let mut acc: u64 = 1;
    for i in 0..64u32 {
        acc = acc.wrapping_mul(0x9e37_79b9_7f4a_7c15).wrapping_add(i as u64)
            ^ (acc << (i % 13))
            ^ (acc >> ((i * 7) % 64));
        acc = acc.rotate_right(i);
    }
    out!("acc %016llx\n", acc);
    let mut w: u128 = 1;
    for i in 0..128u32 {
        w = w.rotate_left(i) ^ (w << (i / 2)) ^ 0x9e37_79b9;
    }
    out!("w ");
    print_u128(w);
    out!("\n");
    (acc & 0x7f) as i32
}
