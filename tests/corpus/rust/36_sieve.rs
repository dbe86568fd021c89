//! Corpus program: prime sieves: Eratosthenes over a heap bitset, segmented counting, twin primes, and prime factorization.
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

use alloc::vec;
use alloc::vec::Vec;

fn sieve(n: usize) -> Vec<u64> {
    let mut bits = vec![0u64; n / 64 + 1];
    let mut primes = Vec::new();
    for i in 2..=n {
        if bits[i / 64] >> (i % 64) & 1 == 0 {
            primes.push(i as u64);
            let mut j = i * i;
            while j <= n {
                bits[j / 64] |= 1 << (j % 64);
                j += i;
            }
        }
    }
    primes
}

fn factor(mut n: u64, primes: &[u64]) -> (u32, u64) {
    let mut count = 0;
    let mut largest = 1;
    for &p in primes {
        if p * p > n {
            break;
        }
        while n % p == 0 {
            n /= p;
            count += 1;
            largest = p;
        }
    }
    if n > 1 {
        count += 1;
        largest = largest.max(n);
    }
    (count, largest)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let primes = sieve(200_000);
    out!("primes below 200000: %zu last %llu\n", primes.len(), primes[primes.len() - 1]);
    let twins = primes.windows(2).filter(|w| w[1] - w[0] == 2).count();
    let max_gap = primes.windows(2).map(|w| w[1] - w[0]).max().unwrap_or(0);
    out!("twins %zu max gap %llu\n", twins, max_gap);
    let mut sum = 0u64;
    for (i, &p) in primes.iter().enumerate().step_by(1000) {
        out!("p[%zu]=%llu ", i, p);
        sum += p;
    }
    out!("\n");
    for n in [600851475143u64, 1_000_000_007 * 3, 2u64.pow(40) - 1, 9_999_999_967] {
        let (c, l) = factor(n, &primes);
        out!("factor %llu: %u factors, largest %llu\n", n, c, l);
    }
    (sum % 128) as i32
}
