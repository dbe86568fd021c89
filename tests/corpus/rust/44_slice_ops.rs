//! Corpus program: slice operations: split_at, chunks_exact, rotate, reverse, binary_search, contains, starts_with, fill, copy_within, sort_by_key, concat.
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
    let mut a: [i32; 20] = core::array::from_fn(|i| (i as i32 * 13) % 20 - 5);
    let (l, r) = a.split_at(7);
    out!("split sums %d %d\n", l.iter().sum::<i32>(), r.iter().sum::<i32>());
    a.rotate_right(3);
    out!("rotated %d %d %d\n", a[0], a[1], a[19]);
    a.reverse();
    a.sort_unstable();
    out!("sorted first %d last %d\n", a[0], a[19]);
    for key in [-5, 0, 7, 100] {
        match a.binary_search(&key) {
            Ok(i) => out!("found %d at %zu\n", key, i),
            Err(i) => out!("%d would insert at %zu\n", key, i),
        };
    }
    out!(
        "contains 14 %d starts %d ends %d\n",
        a.contains(&14) as i32,
        a.starts_with(&[-5, -4]) as i32,
        a.ends_with(&[14]) as i32
    );
    let mut b = [0u16; 32];
    b[..8].fill(7);
    b.copy_within(0..8, 20);
    b[10..14].copy_from_slice(&[1, 2, 3, 4]);
    let s: u32 = b.iter().map(|&x| x as u32).sum();
    let ce: u32 = b.chunks_exact(5).map(|c| c[0] as u32 * c[4] as u32).sum();
    out!("b sum %u chunks_exact %u remainder %zu\n", s, ce, b.chunks_exact(5).remainder().len());
    let mut people: Vec<(u32, &[u8])> =
        alloc::vec![(35, b"carol\0"), (22, b"alice\0"), (35, b"bob\0"), (18, b"dave\0"), (22, b"eve\0")];
    people.sort_by_key(|p| p.0);
    for p in &people {
        out!("%u %s\n", p.0, p.1.as_ptr());
    }
    let parts: [&[u8]; 3] = [b"ab", b"cde", b"f"];
    let joined = parts.concat();
    let rs = joined.rsplit(|&c| c == b'd').next().map_or(0, |p| p.len());
    out!(
        "concat %.*s len %zu split-count %zu last-part %zu\n",
        joined.len() as i32,
        joined.as_ptr(),
        joined.len(),
        joined.split(|&c| c == b'd').count(),
        rs
    );
    let v2: Vec<i64> = a.iter().rev().skip(2).map(|&x| x as i64 * 3).collect();
    let (mn, mx) = v2.iter().fold((i64::MAX, i64::MIN), |(lo, hi), &x| (lo.min(x), hi.max(x)));
    out!("min %lld max %lld iter_eq %d\n", mn, mx, v2.iter().eq(v2.clone().iter()) as i32);
    let mut grid = [[0u8; 6]; 4];
    for (r, row) in grid.iter_mut().enumerate() {
        for (c, cell) in row.iter_mut().enumerate() {
            *cell = (r * 6 + c) as u8;
        }
    }
    let flat: u32 = grid.iter().flatten().map(|&x| x as u32).sum();
    let col2: u32 = grid.iter().map(|row| row[2] as u32).sum();
    out!("grid flat %u col2 %u\n", flat, col2);
    ((flat + s) & 0x7f) as i32
}
