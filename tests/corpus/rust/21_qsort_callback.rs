//! Corpus program: passing Rust extern C functions to libc qsort and bsearch as comparators over ints, structs and strings.
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

use core::ffi::c_void;

unsafe extern "C" {
    fn qsort(base: *mut c_void, n: usize, size: usize, cmp: extern "C" fn(*const c_void, *const c_void) -> i32);
    fn bsearch(
        key: *const c_void,
        base: *const c_void,
        n: usize,
        size: usize,
        cmp: extern "C" fn(*const c_void, *const c_void) -> i32,
    ) -> *mut c_void;
    fn strcmp(a: *const u8, b: *const u8) -> i32;
}

extern "C" fn cmp_i32(a: *const c_void, b: *const c_void) -> i32 {
    // SAFETY: qsort passes pointers to elements of the i32 array.
    let (x, y) = unsafe { (*(a as *const i32), *(b as *const i32)) };
    (x > y) as i32 - (x < y) as i32
}

extern "C" fn cmp_desc_u64(a: *const c_void, b: *const c_void) -> i32 {
    // SAFETY: elements are u64.
    let (x, y) = unsafe { (*(a as *const u64), *(b as *const u64)) };
    (x < y) as i32 - (x > y) as i32
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Item {
    key: i16,
    weight: f32,
    id: u32,
}

extern "C" fn cmp_item(a: *const c_void, b: *const c_void) -> i32 {
    // SAFETY: elements are Items.
    let (x, y) = unsafe { (&*(a as *const Item), &*(b as *const Item)) };
    if x.key != y.key {
        return x.key as i32 - y.key as i32;
    }
    (x.id > y.id) as i32 - (x.id < y.id) as i32
}

extern "C" fn cmp_str(a: *const c_void, b: *const c_void) -> i32 {
    // SAFETY: elements are pointers to NUL-terminated strings.
    unsafe { strcmp(*(a as *const *const u8), *(b as *const *const u8)) }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut v = [0i32; 500];
    let mut s: u32 = 17;
    for x in v.iter_mut() {
        s = s.wrapping_mul(1103515245).wrapping_add(12345);
        *x = (s >> 8) as i32 % 2000 - 1000;
    }
    // SAFETY: v is a valid array of 500 i32 and cmp_i32 matches.
    unsafe { qsort(v.as_mut_ptr().cast(), v.len(), 4, cmp_i32) };
    out!("ints sorted %d: %d %d %d\n", v.windows(2).all(|w| w[0] <= w[1]) as i32, v[0], v[250], v[499]);
    let key = v[123];
    // SAFETY: sorted array, matching comparator.
    let found = unsafe { bsearch((&key as *const i32).cast(), v.as_ptr().cast(), v.len(), 4, cmp_i32) };
    // SAFETY: a non-null result points into `v`.
    let value = if found.is_null() { 0 } else { unsafe { *(found as *const i32) } };
    out!("bsearch found %d value %d\n", (!found.is_null()) as i32, value);
    let mut w = [5u64, u64::MAX, 0, 1 << 40, 77, 3];
    // SAFETY: as above.
    unsafe { qsort(w.as_mut_ptr().cast(), w.len(), 8, cmp_desc_u64) };
    out!("desc %llu %llu %llu\n", w[0], w[1], w[5]);
    let mut items = [Item { key: 0, weight: 0.0, id: 0 }; 40];
    for (i, it) in items.iter_mut().enumerate() {
        s = s.wrapping_mul(1103515245).wrapping_add(12345);
        *it = Item { key: (s >> 20) as i16 % 7, weight: i as f32 * 0.5, id: 100 - i as u32 };
    }
    // SAFETY: as above.
    unsafe { qsort(items.as_mut_ptr().cast(), items.len(), core::mem::size_of::<Item>(), cmp_item) };
    for it in items.iter().step_by(8) {
        out!("item key %d id %u w %.1f\n", it.key as i32, it.id, it.weight as f64);
    }
    let mut words: [*const u8; 6] = [
        c"pear".as_ptr().cast(),
        c"apple".as_ptr().cast(),
        c"fig".as_ptr().cast(),
        c"banana".as_ptr().cast(),
        c"apricot".as_ptr().cast(),
        c"date".as_ptr().cast(),
    ];
    // SAFETY: as above.
    unsafe { qsort(words.as_mut_ptr().cast(), words.len(), core::mem::size_of::<*const u8>(), cmp_str) };
    for w in words {
        out!("%s ", w);
    }
    out!("\n");
    (v[250] & 0x7f) as i32
}
