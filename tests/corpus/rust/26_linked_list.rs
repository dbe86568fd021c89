//! Corpus program: heap data: a Box-based singly linked list with push, pop, reverse, insert-sorted, remove and iteration.
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

struct Node {
    val: i64,
    next: Option<Box<Node>>,
}

struct List {
    head: Option<Box<Node>>,
    len: usize,
}

impl List {
    fn new() -> Self {
        List { head: None, len: 0 }
    }
    fn push(&mut self, val: i64) {
        let old = self.head.take();
        self.head = Some(Box::new(Node { val, next: old }));
        self.len += 1;
    }
    fn pop(&mut self) -> Option<i64> {
        self.head.take().map(|n| {
            self.head = n.next;
            self.len -= 1;
            n.val
        })
    }
    fn reverse(&mut self) {
        let mut prev: Option<Box<Node>> = None;
        let mut cur = self.head.take();
        while let Some(mut n) = cur {
            cur = n.next.take();
            n.next = prev;
            prev = Some(n);
        }
        self.head = prev;
    }
    fn insert_sorted(&mut self, val: i64) {
        let mut cur = &mut self.head;
        while cur.as_ref().is_some_and(|n| n.val < val) {
            cur = &mut cur.as_mut().unwrap().next;
        }
        let rest = cur.take();
        *cur = Some(Box::new(Node { val, next: rest }));
        self.len += 1;
    }
    fn remove_if(&mut self, pred: impl Fn(i64) -> bool) -> usize {
        let mut removed = 0;
        let mut cur = &mut self.head;
        loop {
            match cur {
                None => break,
                Some(n) if pred(n.val) => {
                    *cur = n.next.take();
                    removed += 1;
                }
                Some(n) => cur = &mut n.next,
            }
        }
        self.len -= removed;
        removed
    }
    fn sum(&self) -> i64 {
        let mut s = 0;
        let mut cur = &self.head;
        while let Some(n) = cur {
            s += n.val;
            cur = &n.next;
        }
        s
    }
    fn print(&self, max: usize) {
        let mut cur = &self.head;
        let mut k = 0;
        while let Some(n) = cur {
            if k == max {
                out!("...");
                break;
            }
            out!("%lld ", n.val);
            cur = &n.next;
            k += 1;
        }
        out!("(len %zu)\n", self.len);
    }
}

impl Drop for List {
    fn drop(&mut self) {
        while self.pop().is_some() {}
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut l = List::new();
    for i in 0..1000 {
        l.push(i * 7 % 101);
    }
    l.print(10);
    l.reverse();
    l.print(10);
    out!("sum %lld\n", l.sum());
    let removed = l.remove_if(|v| v % 3 == 0);
    out!("removed %zu sum %lld\n", removed, l.sum());
    let mut popped = 0;
    for _ in 0..100 {
        popped += l.pop().unwrap_or(0);
    }
    out!("popped %lld\n", popped);
    let mut s = List::new();
    let mut x: u32 = 12345;
    for _ in 0..300 {
        x = x.wrapping_mul(1103515245).wrapping_add(12345);
        s.insert_sorted(((x >> 16) % 1000) as i64 - 500);
    }
    s.print(12);
    out!("sorted sum %lld\n", s.sum());
    ((l.sum() + s.sum()) & 0x7f) as i32
}
