//! Corpus program: generics: trait bounds, monomorphization over integer widths, generic structs, associated types and constants.
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

trait Num: Copy + PartialOrd {
    const ZERO: Self;
    const ONE: Self;
    fn add(self, o: Self) -> Self;
    fn mul(self, o: Self) -> Self;
    fn to_u64(self) -> u64;
}

macro_rules! impl_num {
    ($($t:ty),*) => {$(
        impl Num for $t {
            const ZERO: Self = 0 as $t;
            const ONE: Self = 1 as $t;
            fn add(self, o: Self) -> Self {
                self.wrapping_add(o)
            }
            fn mul(self, o: Self) -> Self {
                self.wrapping_mul(o)
            }
            fn to_u64(self) -> u64 {
                self as u64
            }
        }
    )*};
}

impl_num!(u8, i16, u32, i64, u128, usize);

fn power<T: Num>(mut b: T, mut e: u32) -> T {
    let mut r = T::ONE;
    while e > 0 {
        if e & 1 == 1 {
            r = r.mul(b);
        }
        b = b.mul(b);
        e >>= 1;
    }
    r
}

fn sum_squares<T: Num>(xs: &[T]) -> T {
    xs.iter().fold(T::ZERO, |acc, &x| acc.add(x.mul(x)))
}

fn largest<T: PartialOrd + Copy>(xs: &[T]) -> T {
    let mut m = xs[0];
    for &x in xs {
        if x > m {
            m = x;
        }
    }
    m
}

struct Pair<A, B> {
    a: A,
    b: B,
}

impl<A: Num, B: Num> Pair<A, B> {
    fn mix(&self) -> u64 {
        self.a.to_u64().wrapping_mul(31) ^ self.b.to_u64()
    }
}

trait Container {
    type Item;
    fn get(&self, i: usize) -> Option<Self::Item>;
    fn first_or(&self, d: Self::Item) -> Self::Item {
        self.get(0).unwrap_or(d)
    }
}

struct Stack<const N: usize> {
    items: [i32; N],
    len: usize,
}

impl<const N: usize> Container for Stack<N> {
    type Item = i32;
    fn get(&self, i: usize) -> Option<i32> {
        if i < self.len {
            Some(self.items[i])
        } else {
            None
        }
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    out!(
        "u8 %llu i16 %llu u32 %llu i64 %llu u128 %llu usize %llu\n",
        power(3u8, 7).to_u64(),
        power(3i16, 11).to_u64(),
        power(3u32, 19).to_u64(),
        power(3i64, 39).to_u64(),
        power(3u128, 79).to_u64(),
        power(7usize, 21).to_u64()
    );
    out!("squares %llu %llu\n", sum_squares(&[1u32, 2, 3, 4, 5]).to_u64(), sum_squares(&[200u8, 100, 7]).to_u64());
    out!("largest %d %.2f %c\n", largest(&[3, -9, 42, 7]), largest(&[1.5, -2.0, 0.25]), largest(b"generic") as i32);
    let p = Pair { a: 1000u32, b: -5i64 };
    let q = Pair { a: 7u8, b: 1u128 << 70 };
    out!("pairs %llu %llu\n", p.mix(), q.mix());
    let s = Stack::<4> { items: [9, 8, 7, 6], len: 2 };
    let e = Stack::<1> { items: [0], len: 0 };
    out!("stack %d %d %d\n", s.first_or(-1), e.first_or(-1), s.get(3).is_none() as i32);
    (power(3u32, 19) & 0x7f) as i32
}
