//! Corpus program: large stack and heap arrays: zero-initialization, memcpy/memmove-style copies, memset fills, comparisons and 2D stencils.
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
use alloc::vec;

#[inline(never)]
fn stencil(src: &[[f32; 64]; 64], dst: &mut [[f32; 64]; 64]) {
    for i in 1..63 {
        for j in 1..63 {
            dst[i][j] = 0.2 * (src[i][j] + src[i - 1][j] + src[i + 1][j] + src[i][j - 1] + src[i][j + 1]);
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut a = [[0f32; 64]; 64];
    let mut b = [[0f32; 64]; 64];
    for i in 0..64 {
        a[i][0] = 100.0;
        a[0][i] = 50.0;
    }
    b.copy_from_slice(&a);
    for _ in 0..50 {
        stencil(&a, &mut b);
        stencil(&b, &mut a);
    }
    let total: f64 = a.iter().flatten().map(|&x| x as f64).sum();
    out!("stencil total %.3f center %.6f\n", total, a[32][32] as f64);
    let mut heap = vec![0u8; 1 << 17];
    heap[..4096].fill(0xab);
    heap.copy_within(0..4096, 60000);
    heap[120000..120016].copy_from_slice(b"0123456789abcdef");
    let nonzero = heap.iter().filter(|&&x| x != 0).count();
    let eq = heap[0..4096] == heap[60000..64096];
    out!("nonzero %zu copies equal %d\n", nonzero, eq as i32);
    let mut boxed: Box<[u64; 4096]> = Box::new([0; 4096]);
    for (i, v) in boxed.iter_mut().enumerate() {
        *v = (i as u64).wrapping_mul(0x9e3779b97f4a7c15);
    }
    let mut overlap = [0u32; 100];
    for (i, v) in overlap.iter_mut().enumerate() {
        *v = i as u32;
    }
    overlap.copy_within(10..90, 15);
    overlap.copy_within(20..60, 5);
    let checksum: u64 = boxed.iter().fold(0u64, |acc, &v| acc.rotate_left(1) ^ v);
    out!("boxed checksum %016llx overlap %u %u %u %u\n", checksum, overlap[5], overlap[30], overlap[60], overlap[99]);
    let zeroed = [0u64; 2048];
    let z: u64 = zeroed.iter().sum();
    out!("zeroed sum %llu cmp %d\n", z, (a[1][..] < b[1][..]) as i32);
    ((checksum ^ nonzero as u64) & 0x7f) as i32
}
