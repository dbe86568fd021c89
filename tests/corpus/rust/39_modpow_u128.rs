//! Corpus program: u128 intermediates: mulmod, modular exponentiation, Miller-Rabin primality, mul-div without overflow, and u64 carry chains.
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

fn mulmod(a: u64, b: u64, m: u64) -> u64 {
    ((a as u128 * b as u128) % m as u128) as u64
}

fn powmod(mut b: u64, mut e: u64, m: u64) -> u64 {
    let mut r = 1 % m;
    b %= m;
    while e > 0 {
        if e & 1 == 1 {
            r = mulmod(r, b, m);
        }
        b = mulmod(b, b, m);
        e >>= 1;
    }
    r
}

fn is_prime(n: u64) -> bool {
    if n < 2 {
        return false;
    }
    for p in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        if n % p == 0 {
            return n == p;
        }
    }
    let mut d = n - 1;
    let mut s = 0;
    while d % 2 == 0 {
        d /= 2;
        s += 1;
    }
    'witness: for a in [2u64, 3, 5, 7, 11, 13, 17, 19, 23, 29, 31, 37] {
        let mut x = powmod(a, d, n);
        if x == 1 || x == n - 1 {
            continue;
        }
        for _ in 1..s {
            x = mulmod(x, x, n);
            if x == n - 1 {
                continue 'witness;
            }
        }
        return false;
    }
    true
}

fn add_carry(a: &[u64; 4], b: &[u64; 4]) -> ([u64; 4], bool) {
    let mut r = [0u64; 4];
    let mut carry = false;
    for i in 0..4 {
        let (s1, c1) = a[i].overflowing_add(b[i]);
        let (s2, c2) = s1.overflowing_add(carry as u64);
        r[i] = s2;
        carry = c1 || c2;
    }
    (r, carry)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let m = 0xffff_ffff_ffff_ffc5u64;
    out!("2^(m-1) mod m = %llu\n", powmod(2, m - 1, m));
    out!("3^1000000 mod 1e9+7 = %llu\n", powmod(3, 1_000_000, 1_000_000_007));
    let mut count = 0;
    let mut last = 0;
    let mut n = (1u64 << 61) - 200;
    while n < (1u64 << 61) + 200 {
        if is_prime(n) {
            count += 1;
            last = n;
        }
        n += 1;
    }
    out!("primes near 2^61: %d last %llu\n", count, last);
    let small = (1..2000u64).filter(|&k| is_prime(k)).count();
    out!("primes below 2000: %zu\n", small);
    let a = u64::MAX - 12345;
    let b = 0xdead_beef_cafe_babeu64;
    let c = 0xffff_ffff_0000_0001u64;
    let md = (a as u128 * b as u128 / c as u128) as u64;
    out!("muldiv %llu\n", md);
    let full = (a as u128) * (b as u128);
    out!("full product ");
    print_u128(full);
    out!("\n");
    let x = [u64::MAX, u64::MAX, 5, 0];
    let y = [1, 0, u64::MAX, 7];
    let (s, carry) = add_carry(&x, &y);
    out!("carry chain %016llx %016llx %016llx %016llx carry %d\n", s[3], s[2], s[1], s[0], carry as i32);
    (last & 0x7f) as i32
}
