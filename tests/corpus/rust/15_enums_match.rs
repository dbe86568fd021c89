//! Corpus program: enums with data, match with guards and bindings, Option/Result combinators, C-like enums with explicit discriminants.
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

#[derive(Clone, Copy)]
enum Shape {
    Circle { r: f64 },
    Rect { w: f64, h: f64 },
    Triangle(f64, f64, f64),
    Empty,
}

#[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
#[repr(u8)]
enum Level {
    Low = 3,
    Mid = 10,
    High = 200,
}

enum Token {
    Num(i64),
    Op(u8),
    Ident { hash: u32, len: usize },
}

fn area(s: &Shape) -> f64 {
    match *s {
        Shape::Circle { r } => 3.14159 * r * r,
        Shape::Rect { w, h } if w == h => w * w,
        Shape::Rect { w, h } => w * h,
        Shape::Triangle(a, b, c) => {
            let p = (a + b + c) / 2.0;
            let q = p * (p - a) * (p - b) * (p - c);
            if q > 0.0 {
                q / p
            } else {
                0.0
            }
        }
        Shape::Empty => 0.0,
    }
}

fn classify(n: i64) -> &'static [u8] {
    match n {
        i64::MIN..=-1 => b"negative\0",
        0 => b"zero\0",
        1..=9 => b"digit\0",
        10 | 20 | 30 => b"round\0",
        x if x % 2 == 0 => b"even\0",
        _ => b"odd\0",
    }
}

fn parse_digit(c: u8) -> Result<u32, u8> {
    if c.is_ascii_digit() {
        Ok((c - b'0') as u32)
    } else {
        Err(c)
    }
}

fn level_of(v: u32) -> Option<Level> {
    match v {
        0..=5 => Some(Level::Low),
        6..=50 => Some(Level::Mid),
        51..=1000 => Some(Level::High),
        _ => None,
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let shapes = [
        Shape::Circle { r: 2.0 },
        Shape::Rect { w: 3.0, h: 3.0 },
        Shape::Rect { w: 2.0, h: 5.5 },
        Shape::Triangle(3.0, 4.0, 5.0),
        Shape::Triangle(1.0, 1.0, 5.0),
        Shape::Empty,
    ];
    let mut total = 0.0;
    for s in &shapes {
        let a = area(s);
        total += a;
        out!("area %.4f\n", a);
    }
    for n in [-5i64, 0, 7, 20, 44, 45] {
        out!("%lld is %s\n", n, classify(n).as_ptr());
    }
    let input = b"12a9x";
    let mut sum = 0;
    for &c in input {
        match parse_digit(c) {
            Ok(d) => sum += d,
            Err(bad) => {
                out!("bad char %c\n", bad as i32);
            }
        }
    }
    let parsed: Result<u32, u8> = input.iter().take(2).try_fold(0u32, |acc, &c| parse_digit(c).map(|d| acc * 10 + d));
    out!("digit sum %u first two %u\n", sum, parsed.unwrap_or(999));
    let mut counts = [0u32; 4];
    for v in (0..1200).step_by(37) {
        match level_of(v) {
            Some(Level::Low) => counts[0] += 1,
            Some(Level::Mid) => counts[1] += 1,
            Some(l @ Level::High) => counts[2] += l as u32 / 100,
            None => counts[3] += 1,
        }
    }
    out!(
        "levels %u %u %u %u disc=%d cmp=%d\n",
        counts[0],
        counts[1],
        counts[2],
        counts[3],
        Level::High as i32,
        (Level::Low < Level::Mid) as i32
    );
    let toks =
        [Token::Num(42), Token::Op(b'+'), Token::Ident { hash: 0xabcd, len: 5 }, Token::Num(-7), Token::Op(b'*')];
    let mut h = 0u64;
    for t in &toks {
        h = h.wrapping_mul(131).wrapping_add(match t {
            Token::Num(n) if *n < 0 => (-n) as u64 * 2,
            Token::Num(n) => *n as u64,
            Token::Op(c) => *c as u64,
            Token::Ident { hash, len } => *hash as u64 + *len as u64,
        });
    }
    let opt: Option<&Token> = toks.iter().find(|t| matches!(t, Token::Ident { .. }));
    out!(
        "token hash %llu ident found %d size Shape=%zu Option<Level>=%zu\n",
        h,
        opt.is_some() as i32,
        core::mem::size_of::<Shape>(),
        core::mem::size_of::<Option<Level>>()
    );
    (total as i32) & 0x7f
}
