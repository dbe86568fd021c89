//! Corpus program: argc/argv handling: prints every argument and its length, returns argc.
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

/// Length of a NUL-terminated string.
fn c_strlen(mut p: *const u8) -> usize {
    let mut n = 0;
    // SAFETY: argv strings are NUL-terminated.
    while unsafe { *p } != 0 {
        n += 1;
        // SAFETY: still inside the string.
        p = unsafe { p.add(1) };
    }
    n
}

#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, argv: *const *const u8) -> i32 {
    out!("hello from the corpus\n");
    out!("argc = %d\n", argc);
    let mut total = 0usize;
    for i in 1..argc as usize {
        // SAFETY: argv has argc entries.
        let arg = unsafe { *argv.add(i) };
        let len = c_strlen(arg);
        total += len;
        out!("argv[%d] = \"%s\" (%zu bytes)\n", i as i32, arg, len);
    }
    // SAFETY: argv[argc] is the terminating null pointer.
    let terminator = unsafe { *argv.add(argc as usize) };
    out!("argv[argc] is null: %d\n", terminator.is_null() as i32);
    out!("total argument bytes: %zu\n", total);
    argc
}
