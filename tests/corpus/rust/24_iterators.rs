//! Corpus program: iterator adapters: map, filter, fold, zip, enumerate, rev, step_by, chain, take_while, skip, flat_map, windows, peekable.
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

use alloc::vec::Vec;

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let v: Vec<u32> = (1..=50).collect();
    let evens: u32 = v.iter().filter(|&&x| x % 2 == 0).sum();
    let sq: u64 = v.iter().map(|&x| (x as u64) * (x as u64)).fold(0, |a, b| a + b);
    out!("evens %u squares %llu\n", evens, sq);
    let dot: i64 = v.iter().zip(v.iter().rev()).map(|(&a, &b)| a as i64 * b as i64).sum();
    out!("dot %lld\n", dot);
    let chained: Vec<u32> = (0..5).chain(100..103).rev().collect();
    for x in &chained {
        out!("%u ", *x);
    }
    out!("\n");
    let tw: u32 = v.iter().take_while(|&&x| x * x < 200).count() as u32;
    let sk: u32 = v.iter().skip(45).copied().product();
    out!("take_while %u skip-product %u\n", tw, sk);
    let fm: Vec<u32> = (1..5u32).flat_map(|i| (0..i).map(move |j| i * 10 + j)).collect();
    out!("flat_map len %zu last %u\n", fm.len(), fm[fm.len() - 1]);
    let pos = v.iter().position(|&x| x > 33).unwrap_or(0);
    let mx = v.iter().max_by_key(|&&x| (x * 37) % 50).copied().unwrap_or(0);
    let mn = v.iter().min_by(|a, b| (*a % 7).cmp(&(*b % 7)).then(b.cmp(a))).copied().unwrap_or(0);
    out!(
        "position %zu max_by_key %u min_by %u any %d all %d\n",
        pos,
        mx,
        mn,
        v.iter().any(|&x| x == 49) as i32,
        v.iter().all(|&x| x < 50) as i32
    );
    let w: u32 = v.windows(3).map(|w| w[0] * w[2] - w[1]).filter(|x| x % 3 == 0).count() as u32;
    let ch: u32 = v.chunks(7).map(|c| c.iter().sum::<u32>()).max().unwrap_or(0);
    out!("windows %u chunks-max %u\n", w, ch);
    let mut it = v.iter().step_by(6).peekable();
    let mut runs = 0;
    while let Some(x) = it.next() {
        if let Some(&&nx) = it.peek() {
            runs += nx - x;
        }
    }
    out!("peek runs %u\n", runs);
    let (small, big): (Vec<u32>, Vec<u32>) = v.iter().partition(|&&x| x < 20);
    let e: usize = v.iter().enumerate().filter(|(i, x)| (*i as u32 + **x) % 4 == 0).map(|(i, _)| i).sum();
    out!("partition %zu %zu enumerate %zu\n", small.len(), big.len(), e);
    let scan: Vec<u32> = v
        .iter()
        .scan(0u32, |s, &x| {
            *s += x;
            if *s > 300 {
                None
            } else {
                Some(*s)
            }
        })
        .collect();
    out!("scan len %zu last %u\n", scan.len(), scan[scan.len() - 1]);
    (dot % 128) as i32
}
