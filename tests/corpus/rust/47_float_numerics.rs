//! Corpus program: numerical f64/f32 code: Simpson integration, Newton iteration, series for pi and e, Kahan summation, and a small ODE solver.
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

unsafe extern "C" {
    fn exp(x: f64) -> f64;
    fn log(x: f64) -> f64;
    fn cos(x: f64) -> f64;
    fn atan(x: f64) -> f64;
}

fn simpson(f: fn(f64) -> f64, a: f64, b: f64, n: u32) -> f64 {
    let h = (b - a) / n as f64;
    let mut s = f(a) + f(b);
    for i in 1..n {
        let x = a + h * i as f64;
        s += if i % 2 == 1 { 4.0 } else { 2.0 } * f(x);
    }
    s * h / 3.0
}

fn gauss(x: f64) -> f64 {
    // SAFETY: libm exp is pure.
    unsafe { exp(-x * x) }
}

fn newton_cbrt(a: f64) -> f64 {
    let mut x = if a > 1.0 { a / 3.0 } else { 1.0 };
    for _ in 0..60 {
        x -= (x * x * x - a) / (3.0 * x * x);
    }
    x
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let g = simpson(gauss, -5.0, 5.0, 1000);
    out!("integral exp(-x^2) = %.12f (sqrt pi %.12f)\n", g, 1.772453850905516);
    for a in [2.0, 27.0, 1000.0, 0.001] {
        out!("cbrt(%.3f) = %.12f\n", a, newton_cbrt(a));
    }
    let mut pi = 0.0;
    for k in 0..100000 {
        let t = 1.0 / (2 * k + 1) as f64;
        pi += if k % 2 == 0 { t } else { -t };
    }
    let mut e = 0.0;
    let mut fact = 1.0;
    for k in 0..20 {
        if k > 0 {
            fact *= k as f64;
        }
        e += 1.0 / fact;
    }
    // SAFETY: libm is pure.
    let (l, c, at) = unsafe { (log(e), cos(pi * 4.0), atan(1.0) * 4.0) };
    out!("leibniz pi %.10f e %.15f ln(e) %.15f cos %.9f atan-pi %.15f\n", pi * 4.0, e, l, c, at);
    let mut naive = 0.0f32;
    let (mut sum, mut comp) = (0.0f32, 0.0f32);
    for i in 0..100000 {
        let v = 0.1f32 + (i % 3) as f32 * 1e-7;
        naive += v;
        let y = v - comp;
        let t = sum + y;
        comp = (t - sum) - y;
        sum = t;
    }
    out!("f32 naive %.4f kahan %.4f\n", naive as f64, sum as f64);
    let (mut x, mut v) = (1.0f64, 0.0f64);
    let dt = 0.001;
    for _ in 0..10000 {
        let a = -x - 0.1 * v;
        let v_half = v + 0.5 * dt * a;
        x += dt * v_half;
        let a2 = -x - 0.1 * v_half;
        v = v_half + 0.5 * dt * a2;
    }
    out!("damped oscillator x=%.9f v=%.9f energy=%.9f\n", x, v, 0.5 * (x * x + v * v));
    ((g * 100.0) as i32) & 0x7f
}
