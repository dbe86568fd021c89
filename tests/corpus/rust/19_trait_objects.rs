//! Corpus program: trait objects: dyn dispatch through vtables, Box<dyn Trait> collections, default methods, supertraits.
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

trait Named {
    fn name(&self) -> &'static [u8];
}

trait Animal: Named {
    fn legs(&self) -> u32;
    fn speak(&self, times: u32) -> u32;
    fn describe(&self) -> u32 {
        out!("%s has %u legs\n", self.name().as_ptr(), self.legs());
        self.legs() * 10 + self.speak(1)
    }
}

struct Dog {
    volume: u32,
}
struct Bird;
struct Spider {
    webs: u32,
}

impl Named for Dog {
    fn name(&self) -> &'static [u8] {
        b"dog\0"
    }
}
impl Named for Bird {
    fn name(&self) -> &'static [u8] {
        b"bird\0"
    }
}
impl Named for Spider {
    fn name(&self) -> &'static [u8] {
        b"spider\0"
    }
}

impl Animal for Dog {
    fn legs(&self) -> u32 {
        4
    }
    fn speak(&self, times: u32) -> u32 {
        for _ in 0..times {
            out!("woof(%u) ", self.volume);
        }
        out!("\n");
        self.volume * times
    }
}

impl Animal for Bird {
    fn legs(&self) -> u32 {
        2
    }
    fn speak(&self, times: u32) -> u32 {
        out!("tweet x%u\n", times);
        times
    }
    fn describe(&self) -> u32 {
        out!("a bird overrides describe\n");
        99
    }
}

impl Animal for Spider {
    fn legs(&self) -> u32 {
        8
    }
    fn speak(&self, _times: u32) -> u32 {
        out!("... (%u webs)\n", self.webs);
        self.webs
    }
}

trait Counter {
    fn bump(&mut self, by: i64) -> i64;
}

struct Acc(i64);

impl Counter for Acc {
    fn bump(&mut self, by: i64) -> i64 {
        self.0 += by;
        self.0
    }
}

struct Doubler(i64);

impl Counter for Doubler {
    fn bump(&mut self, by: i64) -> i64 {
        self.0 = self.0 * 2 + by;
        self.0
    }
}

#[inline(never)]
fn drive(c: &mut dyn Counter, n: i64) -> i64 {
    let mut last = 0;
    for i in 0..n {
        last = c.bump(i);
    }
    last
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let zoo: Vec<Box<dyn Animal>> = alloc::vec![
        Box::new(Dog { volume: 3 }),
        Box::new(Bird),
        Box::new(Spider { webs: 7 }),
        Box::new(Dog { volume: 1 })
    ];
    let mut total = 0;
    for a in &zoo {
        total += a.describe();
    }
    let legs: u32 = zoo.iter().map(|a| a.legs()).sum();
    out!("total %u legs %u\n", total, legs);
    let mut counters: [Box<dyn Counter>; 2] = [Box::new(Acc(0)), Box::new(Doubler(1))];
    let mut r = 0;
    for c in counters.iter_mut() {
        r ^= drive(c.as_mut(), 20);
    }
    let mut local = Acc(100);
    let dynref: &mut dyn Counter = &mut local;
    r += drive(dynref, 5);
    out!("counters %lld\n", r);
    ((total as i64 + r) & 0x7f) as i32
}
