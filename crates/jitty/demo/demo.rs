//! The program `jitty demo` runs on the IR engine: a little of everything
//! rustc's IR is made of (trait objects, i128, overflow checks, slices,
//! recursion) printing through the host's libc.
#![no_std]
#![no_main]

use core::panic::PanicInfo;

unsafe extern "C" {
    fn printf(fmt: *const u8, ...) -> i32;
    fn abort() -> !;
}

#[panic_handler]
fn panic(_: &PanicInfo) -> ! {
    unsafe { abort() }
}

#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}

trait Shape {
    fn area(&self) -> u64;
    fn name(&self) -> &'static core::ffi::CStr;
}

struct Square(u64);
struct Rect(u64, u64);

impl Shape for Square {
    fn area(&self) -> u64 {
        self.0 * self.0
    }
    fn name(&self) -> &'static core::ffi::CStr {
        c"square"
    }
}

impl Shape for Rect {
    fn area(&self) -> u64 {
        self.0 * self.1
    }
    fn name(&self) -> &'static core::ffi::CStr {
        c"rect"
    }
}

#[inline(never)]
fn sieve(limit: usize, flags: &mut [bool]) -> usize {
    let mut count = 0;
    for i in 2..limit {
        if !flags[i] {
            count += 1;
            let mut j = i * i;
            while j < limit {
                flags[j] = true;
                j += i;
            }
        }
    }
    count
}

#[inline(never)]
fn factorial(n: u32) -> u128 {
    if n == 0 { 1 } else { n as u128 * factorial(n - 1) }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let shapes: [&dyn Shape; 3] = [&Square(7), &Rect(3, 11), &Square(12)];
    for s in shapes {
        unsafe { printf(c"  %s has area %llu\n".as_ptr() as *const u8, s.name().as_ptr(), s.area()) };
    }
    let mut flags = [false; 100_000];
    let primes = sieve(flags.len(), &mut flags);
    unsafe { printf(c"  %zu primes below 100000\n".as_ptr() as *const u8, primes) };
    let f = factorial(30);
    unsafe { printf(c"  30! = 0x%016llx%016llx\n".as_ptr() as *const u8, (f >> 64) as u64, f as u64) };
    let checked = 250u8.checked_add(10);
    unsafe { printf(c"  250u8 + 10 checked: %s\n".as_ptr() as *const u8, if checked.is_none() { c"overflow".as_ptr() } else { c"ok".as_ptr() }) };
    0
}
