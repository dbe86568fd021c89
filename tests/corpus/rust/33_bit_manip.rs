//! Corpus program: bit manipulation tricks: parity, gray code, bit interleaving (Morton), lowest-set isolation, subset enumeration, bitboards.
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

fn parity(mut x: u64) -> u32 {
    x ^= x >> 32;
    x ^= x >> 16;
    x ^= x >> 8;
    x ^= x >> 4;
    x ^= x >> 2;
    x ^= x >> 1;
    (x & 1) as u32
}

fn gray(x: u32) -> u32 {
    x ^ (x >> 1)
}

fn gray_inv(mut g: u32) -> u32 {
    let mut x = 0;
    while g != 0 {
        x ^= g;
        g >>= 1;
    }
    x
}

fn spread(x: u32) -> u64 {
    let mut v = x as u64;
    v = (v | (v << 16)) & 0x0000_ffff_0000_ffff;
    v = (v | (v << 8)) & 0x00ff_00ff_00ff_00ff;
    v = (v | (v << 4)) & 0x0f0f_0f0f_0f0f_0f0f;
    v = (v | (v << 2)) & 0x3333_3333_3333_3333;
    (v | (v << 1)) & 0x5555_5555_5555_5555
}

fn morton(x: u32, y: u32) -> u64 {
    spread(x) | (spread(y) << 1)
}

fn popcount_kernighan(mut x: u64) -> u32 {
    let mut c = 0;
    while x != 0 {
        x &= x - 1;
        c += 1;
    }
    c
}

fn knight_attacks(sq: u32) -> u64 {
    let b = 1u64 << sq;
    let not_a = 0xfefe_fefe_fefe_fefeu64;
    let not_ab = 0xfcfc_fcfc_fcfc_fcfcu64;
    let not_h = 0x7f7f_7f7f_7f7f_7f7fu64;
    let not_gh = 0x3f3f_3f3f_3f3f_3f3fu64;
    ((b << 17) & not_a)
        | ((b << 15) & not_h)
        | ((b << 10) & not_ab)
        | ((b << 6) & not_gh)
        | ((b >> 17) & not_h)
        | ((b >> 15) & not_a)
        | ((b >> 10) & not_gh)
        | ((b >> 6) & not_ab)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut acc = 0u64;
    for i in 0..64u32 {
        let x = (i as u64).wrapping_mul(0x9e37_79b9_7f4a_7c15);
        assert!(popcount_kernighan(x) == x.count_ones());
        acc = acc.rotate_left(3) ^ parity(x) as u64 ^ (gray(i * 1000) as u64) << 8;
        if gray_inv(gray(i * 12345)) != i * 12345 {
            out!("gray mismatch %u\n", i);
        }
    }
    out!("acc %016llx\n", acc);
    out!("morton %016llx %016llx\n", morton(0xffff, 0), morton(12345, 54321));
    let lowest = |x: u32| x & x.wrapping_neg();
    let clear_lowest = |x: u32| x & (x - 1);
    out!("lowest %08x %08x clear %08x\n", lowest(0b1011000), lowest(0x8000_0000), clear_lowest(0b1011000));
    let set: u32 = 0b1011_0110;
    let mut sub = set;
    let mut subsets = 0;
    let mut sum = 0u32;
    loop {
        subsets += 1;
        sum += sub;
        if sub == 0 {
            break;
        }
        sub = (sub - 1) & set;
    }
    out!("subsets %d sum %u\n", subsets, sum);
    let mut total_moves = 0;
    for sq in 0..64 {
        total_moves += knight_attacks(sq).count_ones();
    }
    out!("knight moves %u corner %016llx\n", total_moves, knight_attacks(0));
    let mut v: u32 = 0x1234_5678;
    let mut steps = 0;
    while v != 0 {
        let t = v | (v - 1);
        v = (t + 1) | (((!t & (!t).wrapping_neg()) - 1) >> (v.trailing_zeros() + 1));
        steps += 1;
        if steps > 20 {
            break;
        }
    }
    out!("next permutations %d final %08x\n", steps, v);
    (total_moves & 0x7f) as i32
}
