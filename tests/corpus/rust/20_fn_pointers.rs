//! Corpus program: function pointers: arrays of fn pointers, callbacks, higher-order functions, dispatch tables, pointers to extern C fns.
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

type BinOp = fn(i64, i64) -> i64;

fn add(a: i64, b: i64) -> i64 {
    a.wrapping_add(b)
}
fn sub(a: i64, b: i64) -> i64 {
    a.wrapping_sub(b)
}
fn mul(a: i64, b: i64) -> i64 {
    a.wrapping_mul(b)
}
fn xor(a: i64, b: i64) -> i64 {
    a ^ b
}
fn max(a: i64, b: i64) -> i64 {
    if a > b {
        a
    } else {
        b
    }
}

static OPS: [(u8, BinOp); 5] = [(b'+', add), (b'-', sub), (b'*', mul), (b'^', xor), (b'M', max)];

fn apply_n(f: fn(u32) -> u32, n: u32, x: u32) -> u32 {
    let mut v = x;
    for _ in 0..n {
        v = f(v);
    }
    v
}

fn step_a(x: u32) -> u32 {
    x.wrapping_mul(1664525).wrapping_add(1013904223)
}
fn step_b(x: u32) -> u32 {
    x.rotate_left(5) ^ 0x5bd1e995
}

extern "C" fn c_callback(a: i32, b: i32) -> i32 {
    a * 100 + b
}

#[inline(never)]
fn call_c(f: extern "C" fn(i32, i32) -> i32, x: i32) -> i32 {
    f(x, x + 1)
}

fn pick(i: usize) -> fn(u32) -> u32 {
    if i % 2 == 0 {
        step_a
    } else {
        step_b
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    let mut acc = 7i64;
    for i in 0..50i64 {
        let (sym, f) = OPS[(i as usize * 7 + argc as usize) % OPS.len()];
        acc = f(acc, i * 3 - 20);
        if i % 10 == 0 {
            out!("%c -> %lld\n", sym as i32, acc);
        }
    }
    let mut table: [fn(u32) -> u32; 4] = [step_a, step_b, step_a, step_b];
    table.swap(0, 1);
    let mut h = 1u32;
    for (i, f) in table.iter().enumerate() {
        h = apply_n(*f, 10 + i as u32, h);
    }
    out!("table h %08x pick %08x\n", h, pick(3)(h));
    let s = call_c(c_callback, 12) + call_c(c_callback, -3);
    let fp: fn(i64, i64) -> i64 = if acc > 0 { add } else { sub };
    out!("c callback %d fp %lld same %d\n", s, fp(10, 3), (OPS[0].1 as *const () == add as *const ()) as i32);
    ((acc ^ h as i64) & 0x7f) as i32
}
