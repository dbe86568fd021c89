//! Corpus program: deep and mutual recursion: Ackermann, even/odd, Hofstadter sequences, Hanoi.
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

fn ack(m: u64, n: u64) -> u64 {
    if m == 0 {
        n + 1
    } else if n == 0 {
        ack(m - 1, 1)
    } else {
        ack(m - 1, ack(m, n - 1))
    }
}

fn is_even(n: u32) -> bool {
    if n == 0 {
        true
    } else {
        is_odd(n - 1)
    }
}

fn is_odd(n: u32) -> bool {
    if n == 0 {
        false
    } else {
        is_even(n - 1)
    }
}

fn hof_f(n: i32) -> i32 {
    if n == 0 {
        1
    } else {
        n - hof_m(hof_f(n - 1))
    }
}

fn hof_m(n: i32) -> i32 {
    if n == 0 {
        0
    } else {
        n - hof_f(hof_m(n - 1))
    }
}

fn hanoi(n: u32, from: u32, to: u32, via: u32, moves: &mut u32, sig: &mut u32) {
    if n == 0 {
        return;
    }
    hanoi(n - 1, from, via, to, moves, sig);
    *moves += 1;
    *sig = sig.wrapping_mul(31).wrapping_add(from * 3 + to);
    hanoi(n - 1, via, to, from, moves, sig);
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    for m in 0..=3u64 {
        for n in 0..=4u64 {
            out!("ack(%llu,%llu)=%llu ", m, n, ack(m, n));
        }
        out!("\n");
    }
    out!("even(1001)=%d odd(777)=%d\n", is_even(1001) as i32, is_odd(777) as i32);
    for n in 0..20 {
        out!("%d/%d ", hof_f(n), hof_m(n));
    }
    out!("\n");
    let (mut moves, mut sig) = (0u32, 0u32);
    hanoi(12, 0, 2, 1, &mut moves, &mut sig);
    out!("hanoi moves %u sig %08x\n", moves, sig);
    (sig & 0x7f) as i32
}
