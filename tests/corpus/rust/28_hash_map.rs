//! Corpus program: a hand-written open-addressing hash map (FNV-1a, linear probing, tombstones, resize) over byte-string keys.
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

#[derive(Clone)]
enum Slot {
    Empty,
    Tomb,
    Full(Vec<u8>, u64),
}

struct Map {
    slots: Vec<Slot>,
    len: usize,
    resizes: u32,
}

fn fnv(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf29ce484222325;
    for &b in key {
        h ^= b as u64;
        h = h.wrapping_mul(0x100000001b3);
    }
    h
}

impl Map {
    fn new() -> Self {
        Map { slots: vec![Slot::Empty; 8], len: 0, resizes: 0 }
    }
    fn find(&self, key: &[u8]) -> Option<usize> {
        let mask = self.slots.len() - 1;
        let mut i = fnv(key) as usize & mask;
        loop {
            match &self.slots[i] {
                Slot::Empty => return None,
                Slot::Full(k, _) if k.as_slice() == key => return Some(i),
                _ => i = (i + 1) & mask,
            }
        }
    }
    fn grow(&mut self) {
        let bigger = vec![Slot::Empty; self.slots.len() * 2];
        let old = core::mem::replace(&mut self.slots, bigger);
        self.len = 0;
        self.resizes += 1;
        for s in old {
            if let Slot::Full(k, v) = s {
                self.insert(&k, v);
            }
        }
    }
    fn insert(&mut self, key: &[u8], val: u64) -> Option<u64> {
        if let Some(i) = self.find(key) {
            if let Slot::Full(_, v) = &mut self.slots[i] {
                return Some(core::mem::replace(v, val));
            }
        }
        if (self.len + 1) * 4 > self.slots.len() * 3 {
            self.grow();
        }
        let mask = self.slots.len() - 1;
        let mut i = fnv(key) as usize & mask;
        while let Slot::Full(..) = self.slots[i] {
            i = (i + 1) & mask;
        }
        self.slots[i] = Slot::Full(key.to_vec(), val);
        self.len += 1;
        None
    }
    fn get(&self, key: &[u8]) -> Option<u64> {
        self.find(key).and_then(|i| match &self.slots[i] {
            Slot::Full(_, v) => Some(*v),
            _ => None,
        })
    }
    fn remove(&mut self, key: &[u8]) -> Option<u64> {
        let i = self.find(key)?;
        match core::mem::replace(&mut self.slots[i], Slot::Tomb) {
            Slot::Full(_, v) => {
                self.len -= 1;
                Some(v)
            }
            _ => None,
        }
    }
}

fn key_of(i: u32, buf: &mut [u8; 12]) -> usize {
    let mut n = i;
    let mut len = 0;
    buf[len] = b'k';
    len += 1;
    loop {
        buf[len] = b'a' + (n % 26) as u8;
        len += 1;
        n /= 26;
        if n == 0 {
            break;
        }
    }
    len
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut m = Map::new();
    let mut buf = [0u8; 12];
    for i in 0..5000u32 {
        let n = key_of(i * 7919 % 10007, &mut buf);
        m.insert(&buf[..n], i as u64 * 3);
    }
    out!("len %zu cap %zu resizes %u\n", m.len, m.slots.len(), m.resizes);
    let mut found = 0u64;
    let mut missing = 0;
    for i in 0..6000u32 {
        let n = key_of(i * 7919 % 10007, &mut buf);
        match m.get(&buf[..n]) {
            Some(v) => found += v,
            None => missing += 1,
        }
    }
    out!("found-sum %llu missing %d\n", found, missing);
    let mut removed = 0u64;
    for i in (0..5000u32).step_by(2) {
        let n = key_of(i * 7919 % 10007, &mut buf);
        removed += m.remove(&buf[..n]).unwrap_or(0);
    }
    let n = key_of(1 * 7919 % 10007, &mut buf);
    let replaced = m.insert(&buf[..n], 1);
    out!(
        "removed-sum %llu len %zu replaced %llu get %llu\n",
        removed,
        m.len,
        replaced.unwrap_or(0),
        m.get(&buf[..n]).unwrap_or(0)
    );
    out!("get hello %d\n", m.get(b"hello").is_none() as i32);
    (found % 127) as i32
}
