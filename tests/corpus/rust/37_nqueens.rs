//! Corpus program: backtracking: n-queens counting with arrays and with bitmasks, plus a sudoku-like permutation search.
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

fn safe(cols: &[usize], row: usize, col: usize) -> bool {
    for (r, &c) in cols.iter().enumerate().take(row) {
        if c == col || (row - r) == col.abs_diff(c) {
            return false;
        }
    }
    true
}

fn solve(cols: &mut [usize; 12], row: usize, n: usize) -> u32 {
    if row == n {
        return 1;
    }
    let mut count = 0;
    for c in 0..n {
        if safe(cols, row, c) {
            cols[row] = c;
            count += solve(cols, row + 1, n);
        }
    }
    count
}

fn solve_bits(n: u32, cols: u32, d1: u32, d2: u32) -> u32 {
    let full = (1u32 << n) - 1;
    if cols == full {
        return 1;
    }
    let mut avail = full & !(cols | d1 | d2);
    let mut count = 0;
    while avail != 0 {
        let bit = avail & avail.wrapping_neg();
        avail ^= bit;
        count += solve_bits(n, cols | bit, (d1 | bit) << 1, (d2 | bit) >> 1);
    }
    count
}

fn derangements(perm: &mut [u8; 8], k: usize, used: u32) -> u32 {
    if k == perm.len() {
        return 1;
    }
    let mut c = 0;
    for v in 0..perm.len() as u8 {
        if used & (1 << v) == 0 && v as usize != k {
            perm[k] = v;
            c += derangements(perm, k + 1, used | 1 << v);
        }
    }
    c
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut cols = [0usize; 12];
    let mut total = 0;
    for n in 1..=8 {
        let a = solve(&mut cols, 0, n);
        let b = solve_bits(n as u32, 0, 0, 0);
        total += a;
        out!("queens(%zu) = %u / %u\n", n, a, b);
    }
    out!("queens(10) bits = %u\n", solve_bits(10, 0, 0, 0));
    let mut perm = [0u8; 8];
    let d = derangements(&mut perm, 0, 0);
    out!("derangements(8) = %u total %u\n", d, total);
    (total & 0x7f) as i32
}
