//! Corpus program: overflow-aware arithmetic: wrapping_, checked_ and overflowing_ operations on many widths.
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
fn report_u8(a: u8, b: u8) {
    let (s, so) = a.overflowing_add(b);
    let (d, dov) = a.overflowing_sub(b);
    let (m, mo) = a.overflowing_mul(b);
    out!(
        "u8 %u,%u add=%u/%d sub=%u/%d mul=%u/%d",
        a as u32,
        b as u32,
        s as u32,
        so as i32,
        d as u32,
        dov as i32,
        m as u32,
        mo as i32
    );
    match a.checked_div(b) {
        Some(q) => out!(" div=%u", q as u32),
        None => out!(" div=none"),
    };
    out!("\n");
}

#[inline(never)]
fn report_i32(a: i32, b: i32) {
    let (s, so) = a.overflowing_add(b);
    let (m, mo) = a.overflowing_mul(b);
    let (n, no) = a.overflowing_neg();
    out!("i32 %d,%d add=%d/%d mul=%d/%d neg=%d/%d", a, b, s, so as i32, m, mo as i32, n, no as i32);
    match a.checked_div(b) {
        Some(q) => out!(" div=%d", q),
        None => out!(" div=none"),
    };
    match a.checked_rem(b) {
        Some(r) => out!(" rem=%d", r),
        None => out!(" rem=none"),
    };
    let (p, po) = a.overflowing_pow(3);
    out!(" pow3=%d/%d shl=%d\n", p, po as i32, a.wrapping_shl(b as u32));
}

#[inline(never)]
fn report_i64(a: i64, b: i64) {
    let c = a.checked_add(b).map(|v| v as f64).unwrap_or(-0.5);
    let d = a.checked_mul(b).is_some();
    let (q, qo) = a.overflowing_div(if b == 0 { 1 } else { b });
    out!(
        "i64 %lld,%lld checked_add=%.1f mul_ok=%d div=%lld/%d abs=%lld\n",
        a,
        b,
        c,
        d as i32,
        q,
        qo as i32,
        a.wrapping_abs()
    );
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let u8s = [0u8, 1, 2, 15, 16, 127, 128, 200, 255];
    for &a in &u8s {
        for &b in &[0u8, 1, 2, 16, 255] {
            report_u8(a, b);
        }
    }
    let i32s = [0i32, 1, -1, 2, 46341, -46341, i32::MAX, i32::MIN];
    for &a in &i32s {
        for &b in &[-1i32, 0, 2, 31, i32::MIN] {
            report_i32(a, b);
        }
    }
    let i64s = [i64::MAX, i64::MIN, -1, 3_037_000_500, 0];
    for &a in &i64s {
        for &b in &[-1i64, 3_037_000_500, i64::MIN] {
            report_i64(a, b);
        }
    }
    let mut fails = 0u32;
    let mut x: u16 = 1;
    for _ in 0..40 {
        match x.checked_mul(3) {
            Some(v) => x = v,
            None => {
                fails += 1;
                x = x.wrapping_mul(3) | 1;
            }
        }
    }
    out!("u16 chain %u fails %u\n", x as u32, fails);
    let (big, o) = u64::MAX.overflowing_add(u64::MAX);
    out!("u64 max+max=%llu/%d isize min/-1 checked=%d\n", big, o as i32, isize::MIN.checked_div(-1).is_none() as i32);
    (fails + x as u32 % 64) as i32
}
