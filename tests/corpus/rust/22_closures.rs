//! Corpus program: closures: capture by reference, by move, FnMut state, boxed closures returned from functions, closures as arguments.
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

use alloc::boxed::Box;
use alloc::vec::Vec;

fn make_adder(n: i32) -> impl Fn(i32) -> i32 {
    move |x| x + n
}

fn make_counter() -> Box<dyn FnMut() -> u32> {
    let mut c = 0;
    Box::new(move || {
        c += 3;
        c
    })
}

fn compose<A, B, C>(f: impl Fn(A) -> B, g: impl Fn(B) -> C) -> impl Fn(A) -> C {
    move |x| g(f(x))
}

fn apply_all(fs: &[Box<dyn Fn(i64) -> i64>], x: i64) -> i64 {
    fs.iter().fold(x, |acc, f| f(acc))
}

fn call_twice<F: FnMut(u32)>(mut f: F) {
    f(1);
    f(2);
}

#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    let add5 = make_adder(5);
    let times3 = |x: i32| x * 3;
    let both = compose(add5, times3);
    out!("compose %d %d\n", both(1), both(-10));
    let mut counter = make_counter();
    let mut last = 0;
    for _ in 0..5 {
        last = counter();
    }
    out!("counter %u\n", last);
    let base = argc as i64;
    let fs: Vec<Box<dyn Fn(i64) -> i64>> =
        alloc::vec![Box::new(move |x| x + base), Box::new(|x| x * x), Box::new(|x| x - 7), Box::new(move |x| x * base)];
    out!("apply_all %lld\n", apply_all(&fs, 4));
    let mut log = [0u32; 8];
    let mut n = 0;
    call_twice(|v| {
        log[n] = v * 10;
        n += 1;
    });
    out!("log %u %u n=%d\n", log[0], log[1], n as i32);
    let data = [5i32, -2, 9, 0, 14, -8];
    let threshold = 3;
    let above: Vec<i32> = data.iter().copied().filter(|&x| x > threshold).collect();
    let mut sorted = data;
    sorted.sort_unstable_by(|a, b| b.cmp(a));
    out!("above %zu sorted %d %d\n", above.len(), sorted[0], sorted[5]);
    let mut memo: Vec<u64> = Vec::new();
    let mut fibc = |k: usize| -> u64 {
        while memo.len() <= k {
            let l = memo.len();
            let v = if l < 2 { l as u64 } else { memo[l - 1] + memo[l - 2] };
            memo.push(v);
        }
        memo[k]
    };
    let f60 = fibc(60);
    out!("fib closure %llu %llu\n", fibc(30), f60);
    (f60 % 100) as i32
}
