//! Corpus program: leading/trailing zeros, popcount, byte swap and bit reversal at every width.
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

macro_rules! counts {
    ($t:ty, $v:expr) => {{
        let v: $t = $v;
        out!(
            concat!(stringify!($t), " lz=%u tz=%u ones=%u zeros=%u lo=%u to=%u\n"),
            v.leading_zeros(),
            v.trailing_zeros(),
            v.count_ones(),
            v.count_zeros(),
            v.leading_ones(),
            v.trailing_ones()
        );
    }};
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut seed: u64 = 0x1234_5678_9abc_def0;
    let mut total: u32 = 0;
    for round in 0..12u32 {
        seed = seed.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        let v = if round == 0 {
            0
        } else if round == 1 {
            u64::MAX
        } else {
            seed >> (round * 3)
        };
        counts!(u8, v as u8);
        counts!(u16, v as u16);
        counts!(u32, v as u32);
        counts!(u64, v);
        counts!(i32, v as i32);
        counts!(u128, (v as u128) << (round * 5));
        out!(
            "swap16=%04x swap32=%08x swap64=%016llx rev8=%02x rev32=%08x rev64=%016llx\n",
            (v as u16).swap_bytes() as u32,
            (v as u32).swap_bytes(),
            v.swap_bytes(),
            (v as u8).reverse_bits() as u32,
            (v as u32).reverse_bits(),
            v.reverse_bits()
        );
        let w = ((v as u128) << 64 | seed as u128).swap_bytes();
        out!("swap128 hi=%016llx lo=%016llx rev128=", (w >> 64) as u64, w as u64);
        print_u128(w.reverse_bits());
        out!("\n");
        total = total.wrapping_add(v.count_ones() + v.leading_zeros() + (v as u32).trailing_zeros());
        out!(
            "pow2 %d next=%llu\n",
            (v >> 40).is_power_of_two() as i32,
            (v >> 40).checked_next_power_of_two().unwrap_or(0)
        );
    }
    out!("total %u\n", total);
    (total % 128) as i32
}
