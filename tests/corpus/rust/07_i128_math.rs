//! Corpus program: 128-bit integer math: factorials, multiplication, division, remainder, mul-div and gcd.
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

fn gcd(mut a: u128, mut b: u128) -> u128 {
    while b != 0 {
        let t = a % b;
        a = b;
        b = t;
    }
    a
}

#[inline(never)]
fn binom(n: u32, k: u32) -> u128 {
    let mut r: u128 = 1;
    for i in 0..k {
        r = r * (n - i) as u128 / (i + 1) as u128;
    }
    r
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut f: u128 = 1;
    for i in 1..=34u32 {
        f *= i as u128;
        out!("%2u! = ", i);
        print_u128(f);
        out!("\n");
    }
    out!("35! overflows: %d\n", f.checked_mul(35).is_none() as i32);
    for &(n, k) in &[(60u32, 30u32), (100, 10), (120, 60), (66, 33)] {
        out!("C(%u,%u) = ", n, k);
        print_u128(binom(n, k));
        out!("\n");
    }
    let a: i128 = -170141183460469231731687303715884105728 / 3;
    let b: i128 = 98765432109876543210987654321;
    out!("a/b=");
    print_i128(a / b);
    out!(" a%%b=");
    print_i128(a % b);
    out!(" a*7/b=");
    print_i128(a.wrapping_mul(7) / b);
    out!("\n");
    let x: u64 = 0xffff_ffff_ffff_fff1;
    let y: u64 = 0xffff_ffff_ffff_ff0e;
    let prod = x as u128 * y as u128;
    out!(
        "hi=%016llx lo=%016llx muldiv=%llu\n",
        (prod >> 64) as u64,
        prod as u64,
        (prod / 0xffff_ffff_ffff_ffff_u128) as u64
    );
    let g = gcd(f, 1u128 << 100 | 12345);
    out!("gcd=");
    print_u128(g);
    out!(" gcd2=");
    print_u128(gcd(binom(120, 60), binom(100, 50)));
    out!("\n");
    let mut h: i128 = 1;
    for i in 0..200i128 {
        h = h.wrapping_mul(6364136223846793005).wrapping_add(i) ^ (h >> 17);
        if h < 0 {
            h = -(h / 3);
        }
    }
    out!("h=");
    print_i128(h);
    out!(" lt=%d cmp=%d\n", (h < 0) as i32, (f as i128 > h) as i32);
    (h % 100) as i32
}
