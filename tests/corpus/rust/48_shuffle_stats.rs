//! Corpus program: PRNGs (xorshift, PCG, splitmix) driving a Fisher-Yates shuffle, histogram statistics and reservoir sampling.
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

struct Pcg {
    state: u64,
    inc: u64,
}

impl Pcg {
    fn next_u32(&mut self) -> u32 {
        let old = self.state;
        self.state = old.wrapping_mul(6364136223846793005).wrapping_add(self.inc | 1);
        let xorshifted = (((old >> 18) ^ old) >> 27) as u32;
        let rot = (old >> 59) as u32;
        xorshifted.rotate_right(rot)
    }
    fn below(&mut self, n: u32) -> u32 {
        ((self.next_u32() as u64 * n as u64) >> 32) as u32
    }
}

fn splitmix(x: &mut u64) -> u64 {
    *x = x.wrapping_add(0x9e3779b97f4a7c15);
    let mut z = *x;
    z = (z ^ (z >> 30)).wrapping_mul(0xbf58476d1ce4e5b9);
    z = (z ^ (z >> 27)).wrapping_mul(0x94d049bb133111eb);
    z ^ (z >> 31)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut rng = Pcg { state: 0x853c49e6748fea9b, inc: 0xda3e39cb94b95bdb };
    let mut deck: [u8; 52] = core::array::from_fn(|i| i as u8);
    for i in (1..52).rev() {
        let j = rng.below(i as u32 + 1) as usize;
        deck.swap(i, j);
    }
    for c in deck.iter().take(13) {
        out!("%u ", *c as u32);
    }
    out!("\n");
    let mut hist = [0u32; 10];
    for _ in 0..100000 {
        hist[rng.below(10) as usize] += 1;
    }
    let mean = hist.iter().sum::<u32>() as f64 / 10.0;
    let var = hist.iter().map(|&h| (h as f64 - mean) * (h as f64 - mean)).sum::<f64>() / 10.0;
    for h in hist {
        out!("%u ", h);
    }
    out!("\nmean %.1f variance %.3f\n", mean, var);
    let mut s = 42u64;
    let mut reservoir = [0u64; 8];
    for i in 0..10000u64 {
        let v = splitmix(&mut s);
        if i < 8 {
            reservoir[i as usize] = v;
        } else {
            let j = splitmix(&mut s) % (i + 1);
            if j < 8 {
                reservoir[j as usize] = v;
            }
        }
    }
    let mut x: u64 = 0;
    for r in reservoir {
        out!("%016llx\n", r);
        x ^= r;
    }
    (x & 0x7f) as i32
}
