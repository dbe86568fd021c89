//! Corpus program: Vec and alloc collections: growth by push, extend, insert, remove, retain, dedup, truncate, drain, VecDeque, BTreeMap, BinaryHeap.
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

use alloc::collections::{BTreeMap, BinaryHeap, VecDeque};
use alloc::vec::Vec;

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut v: Vec<u64> = Vec::new();
    for i in 0..10000u64 {
        v.push(i * i % 977);
    }
    out!("len %zu sum %llu\n", v.len(), v.iter().sum::<u64>());
    v.retain(|&x| x % 5 != 0);
    v.sort_unstable();
    v.dedup();
    out!("after retain+dedup %zu first %llu last %llu\n", v.len(), v[0], v[v.len() - 1]);
    v.insert(3, 123456);
    let r = v.remove(10);
    let s = v.swap_remove(0);
    v.truncate(500);
    let drained: u64 = v.drain(100..200).sum();
    v.extend_from_slice(&[1, 2, 3]);
    v.extend((0..10).map(|x| x * 1000));
    out!("removed %llu swap_removed %llu drained %llu len %zu last %llu\n", r, s, drained, v.len(), v[v.len() - 1]);
    let mut nested: Vec<Vec<u32>> = Vec::new();
    for i in 0..50u32 {
        nested.push((0..i).collect());
    }
    let total: usize = nested.iter().map(Vec::len).sum();
    out!("nested total %zu\n", total);
    let mut dq: VecDeque<i32> = VecDeque::new();
    for i in 0..100 {
        if i % 3 == 0 {
            dq.push_front(i);
        } else {
            dq.push_back(-i);
        }
        if i % 7 == 0 {
            dq.pop_front();
        }
    }
    out!("deque len %zu front %d back %d\n", dq.len(), *dq.front().unwrap_or(&0), *dq.back().unwrap_or(&0));
    let mut bt: BTreeMap<u32, u32> = BTreeMap::new();
    for i in 0..500u32 {
        *bt.entry(i * 37 % 101).or_insert(0) += i;
    }
    let range_sum: u32 = bt.range(10..20).map(|(_, v)| *v).sum();
    out!("btree len %zu first %u range %u\n", bt.len(), *bt.keys().next().unwrap_or(&0), range_sum);
    let mut heap: BinaryHeap<(u32, u32)> = BinaryHeap::new();
    for i in 0..200u32 {
        heap.push((i * 7919 % 211, i));
    }
    let mut top = 0u64;
    for _ in 0..10 {
        if let Some((a, b)) = heap.pop() {
            top = top * 3 + a as u64 + b as u64;
        }
    }
    out!("heap top %llu left %zu\n", top, heap.len());
    (top & 0x7f) as i32
}
