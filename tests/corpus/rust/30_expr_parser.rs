//! Corpus program: string processing: a recursive-descent parser and evaluator for integer expressions with precedence and parentheses.
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

struct Parser<'a> {
    s: &'a [u8],
    pos: usize,
    errors: u32,
}

impl<'a> Parser<'a> {
    fn peek(&mut self) -> u8 {
        while self.pos < self.s.len() && self.s[self.pos] == b' ' {
            self.pos += 1;
        }
        if self.pos < self.s.len() {
            self.s[self.pos]
        } else {
            0
        }
    }
    fn expr(&mut self) -> i64 {
        let mut v = self.term();
        loop {
            match self.peek() {
                b'+' => {
                    self.pos += 1;
                    v = v.wrapping_add(self.term());
                }
                b'-' => {
                    self.pos += 1;
                    v = v.wrapping_sub(self.term());
                }
                _ => return v,
            }
        }
    }
    fn term(&mut self) -> i64 {
        let mut v = self.factor();
        loop {
            match self.peek() {
                b'*' => {
                    self.pos += 1;
                    v = v.wrapping_mul(self.factor());
                }
                b'/' | b'%' => {
                    let op = self.s[self.pos];
                    self.pos += 1;
                    let d = self.factor();
                    if d == 0 {
                        self.errors += 1;
                    } else if op == b'/' {
                        v = v.wrapping_div(d);
                    } else {
                        v = v.wrapping_rem(d);
                    }
                }
                _ => return v,
            }
        }
    }
    fn factor(&mut self) -> i64 {
        let base = self.unary();
        if self.peek() == b'^' {
            self.pos += 1;
            let e = self.factor();
            let mut r: i64 = 1;
            for _ in 0..e.clamp(0, 62) {
                r = r.wrapping_mul(base);
            }
            return r;
        }
        base
    }
    fn unary(&mut self) -> i64 {
        match self.peek() {
            b'-' => {
                self.pos += 1;
                self.unary().wrapping_neg()
            }
            b'(' => {
                self.pos += 1;
                let v = self.expr();
                if self.peek() == b')' {
                    self.pos += 1;
                } else {
                    self.errors += 1;
                }
                v
            }
            c if c.is_ascii_digit() => {
                let mut v: i64 = 0;
                while self.pos < self.s.len() && self.s[self.pos].is_ascii_digit() {
                    v = v.wrapping_mul(10).wrapping_add((self.s[self.pos] - b'0') as i64);
                    self.pos += 1;
                }
                v
            }
            _ => {
                self.errors += 1;
                self.pos += 1;
                0
            }
        }
    }
}

fn eval(src: &[u8]) -> (i64, u32) {
    let mut p = Parser { s: src, pos: 0, errors: 0 };
    let v = p.expr();
    if p.peek() != 0 {
        p.errors += 1;
    }
    (v, p.errors)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let cases: [&[u8]; 12] = [
        b"1 + 2 * 3",
        b"(1 + 2) * 3",
        b"2 ^ 3 ^ 2",
        b"-(4 - 10) * -3",
        b"100 / 7 % 4",
        b"1 / 0 + 5",
        b"((((42))))",
        b"3 * (2 + ",
        b"12345678901 * 987654321",
        b"2 ^ 62 + 2 ^ 62",
        b"7 $ 3",
        b"10 - 4 - 3 - 2 - 1",
    ];
    let mut acc: i64 = 0;
    for c in cases {
        let (v, e) = eval(c);
        acc = acc.wrapping_mul(31).wrapping_add(v);
        out!("%-24.*s = %lld (errors %u)\n", c.len() as i32, c.as_ptr(), v, e);
    }
    let mut big = [0u8; 4000];
    let mut n = 0;
    for i in 0..600 {
        let d = b'1' + (i % 9) as u8;
        big[n] = d;
        n += 1;
        big[n] = [b'+', b'*', b'-'][i % 3];
        n += 1;
    }
    big[n] = b'1';
    n += 1;
    let (v, e) = eval(&big[..n]);
    out!("long expression (%zu bytes) = %lld errors %u\n", n, v, e);
    (acc.wrapping_add(v) & 0x7f) as i32
}
