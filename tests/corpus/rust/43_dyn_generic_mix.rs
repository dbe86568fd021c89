//! Corpus program: generic code over trait objects: generic functions taking &dyn, dyn with generic methods via helper traits, Box<dyn> in structs, and dyn Any-free downcasts by tag.
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
use alloc::vec::Vec;

trait Visitor {
    fn visit_num(&mut self, n: i64);
    fn visit_op(&mut self, op: u8);
}

trait Node {
    fn accept(&self, v: &mut dyn Visitor);
    fn tag(&self) -> u8;
}

struct Num(i64);
struct Bin {
    op: u8,
    l: Box<dyn Node>,
    r: Box<dyn Node>,
}

impl Node for Num {
    fn accept(&self, v: &mut dyn Visitor) {
        v.visit_num(self.0);
    }
    fn tag(&self) -> u8 {
        b'n'
    }
}

impl Node for Bin {
    fn accept(&self, v: &mut dyn Visitor) {
        self.l.accept(v);
        self.r.accept(v);
        v.visit_op(self.op);
    }
    fn tag(&self) -> u8 {
        self.op
    }
}

struct Evaluator {
    stack: Vec<i64>,
}

impl Visitor for Evaluator {
    fn visit_num(&mut self, n: i64) {
        self.stack.push(n);
    }
    fn visit_op(&mut self, op: u8) {
        let b = self.stack.pop().unwrap_or(0);
        let a = self.stack.pop().unwrap_or(0);
        self.stack.push(match op {
            b'+' => a + b,
            b'-' => a - b,
            b'*' => a * b,
            _ => {
                if b != 0 {
                    a / b
                } else {
                    0
                }
            }
        });
    }
}

struct Printer {
    count: u32,
}

impl Visitor for Printer {
    fn visit_num(&mut self, n: i64) {
        self.count += 1;
        out!("%lld ", n);
    }
    fn visit_op(&mut self, op: u8) {
        self.count += 1;
        out!("%c ", op as i32);
    }
}

fn num(n: i64) -> Box<dyn Node> {
    Box::new(Num(n))
}

fn bin(op: u8, l: Box<dyn Node>, r: Box<dyn Node>) -> Box<dyn Node> {
    Box::new(Bin { op, l, r })
}

fn run_visitor<V: Visitor>(tree: &dyn Node, mut v: V) -> V {
    tree.accept(&mut v);
    v
}

fn build(depth: u32, seed: &mut u32) -> Box<dyn Node> {
    *seed = seed.wrapping_mul(1103515245).wrapping_add(12345);
    if depth == 0 {
        return num((*seed >> 16) as i64 % 19 - 9);
    }
    let op = [b'+', b'-', b'*', b'/'][(*seed >> 24) as usize % 4];
    let l = build(depth - 1, seed);
    let r = build(depth - 1, seed);
    bin(op, l, r)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let t = bin(b'*', bin(b'+', num(3), num(4)), bin(b'-', num(10), num(-2)));
    let p = run_visitor(t.as_ref(), Printer { count: 0 });
    out!("\n");
    let e = run_visitor(t.as_ref(), Evaluator { stack: Vec::new() });
    out!("nodes %u value %lld root tag %c\n", p.count, e.stack[0], t.tag() as i32);
    let mut seed = 7;
    let mut total = 0i64;
    for _ in 0..5 {
        let big = build(8, &mut seed);
        let e = run_visitor(big.as_ref(), Evaluator { stack: Vec::with_capacity(4) });
        out!("random tree value %lld (tag %c)\n", e.stack[0], big.tag() as i32);
        total = total.wrapping_add(e.stack[0]);
    }
    (total & 0x7f) as i32
}
