//! Corpus program: matrix multiply: integer and f64 matrices (naive, transposed, blocked), identity checks, and determinant by Gaussian elimination.
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

const N: usize = 48;

fn matmul_i(a: &[[i32; N]; N], b: &[[i32; N]; N], c: &mut [[i32; N]; N]) {
    for i in 0..N {
        for j in 0..N {
            let mut s = 0i32;
            for k in 0..N {
                s = s.wrapping_add(a[i][k].wrapping_mul(b[k][j]));
            }
            c[i][j] = s;
        }
    }
}

fn matmul_f_transposed(a: &[[f64; N]; N], b: &[[f64; N]; N], c: &mut [[f64; N]; N]) {
    let mut bt = [[0.0; N]; N];
    for i in 0..N {
        for j in 0..N {
            bt[j][i] = b[i][j];
        }
    }
    for i in 0..N {
        for j in 0..N {
            c[i][j] = a[i].iter().zip(bt[j].iter()).map(|(x, y)| x * y).sum();
        }
    }
}

fn matmul_f_blocked(a: &[[f64; N]; N], b: &[[f64; N]; N], c: &mut [[f64; N]; N]) {
    const B: usize = 16;
    for row in c.iter_mut() {
        row.fill(0.0);
    }
    for ii in (0..N).step_by(B) {
        for kk in (0..N).step_by(B) {
            for jj in (0..N).step_by(B) {
                for i in ii..ii + B {
                    for k in kk..kk + B {
                        let aik = a[i][k];
                        for j in jj..jj + B {
                            c[i][j] += aik * b[k][j];
                        }
                    }
                }
            }
        }
    }
}

fn det(m: &mut [[f64; 4]; 4]) -> f64 {
    let mut d = 1.0;
    for c in 0..4 {
        let mut p = c;
        for r in c + 1..4 {
            if m[r][c].abs() > m[p][c].abs() {
                p = r;
            }
        }
        if m[p][c] == 0.0 {
            return 0.0;
        }
        if p != c {
            m.swap(p, c);
            d = -d;
        }
        d *= m[c][c];
        for r in c + 1..4 {
            let f = m[r][c] / m[c][c];
            for k in c..4 {
                m[r][k] -= f * m[c][k];
            }
        }
    }
    d
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut a = [[0i32; N]; N];
    let mut b = [[0i32; N]; N];
    let mut c = [[0i32; N]; N];
    for i in 0..N {
        for j in 0..N {
            a[i][j] = ((i * 7 + j * 3) % 17) as i32 - 8;
            b[i][j] = ((i * 5 + j * 11) % 13) as i32 - 6;
        }
    }
    matmul_i(&a, &b, &mut c);
    let tr: i64 = (0..N).map(|i| c[i][i] as i64).sum();
    let total: i64 = c.iter().flatten().map(|&v| v as i64).sum();
    out!("int trace %lld total %lld c[3][40]=%d\n", tr, total, c[3][40]);
    let mut fa = [[0f64; N]; N];
    let mut fb = [[0f64; N]; N];
    for i in 0..N {
        for j in 0..N {
            fa[i][j] = (i as f64 + 1.0) / (j as f64 + 2.0);
            fb[i][j] = if i == j { 2.0 } else { ((i + j) % 5) as f64 * 0.125 };
        }
    }
    let mut f1 = [[0f64; N]; N];
    let mut f2 = [[0f64; N]; N];
    matmul_f_transposed(&fa, &fb, &mut f1);
    matmul_f_blocked(&fa, &fb, &mut f2);
    let mut maxdiff: f64 = 0.0;
    let mut sum = 0.0;
    for i in 0..N {
        for j in 0..N {
            maxdiff = maxdiff.max((f1[i][j] - f2[i][j]).abs());
            sum += f1[i][j];
        }
    }
    out!("f64 sum %.6f maxdiff-small %d f[10][20]=%.9f\n", sum, (maxdiff < 1e-9) as i32, f1[10][20]);
    let mut m = [[2.0, -1.0, 0.0, 3.0], [1.0, 3.0, 2.0, -2.0], [0.0, 1.0, 4.0, 1.0], [5.0, 0.0, -1.0, 2.0]];
    let d = det(&mut m);
    out!("det %.6f\n", d);
    (tr & 0x7f) as i32
}
