//! Corpus program: byte strings: argv scanning, case conversion, word splitting and reversal, palindromes, run-length encoding, in-place edits.
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

use alloc::vec::Vec;

fn c_str<'a>(p: *const u8) -> &'a [u8] {
    let mut n = 0;
    // SAFETY: p is a NUL-terminated argv string that outlives main.
    unsafe {
        while *p.add(n) != 0 {
            n += 1;
        }
        core::slice::from_raw_parts(p, n)
    }
}

fn is_palindrome(s: &[u8]) -> bool {
    let letters: Vec<u8> = s.iter().filter(|c| c.is_ascii_alphanumeric()).map(|c| c.to_ascii_lowercase()).collect();
    letters.iter().eq(letters.iter().rev())
}

fn rle(s: &[u8], out: &mut Vec<u8>) {
    let mut i = 0;
    while i < s.len() {
        let mut j = i;
        while j < s.len() && s[j] == s[i] && j - i < 9 {
            j += 1;
        }
        out.push(b'0' + (j - i) as u8);
        out.push(s[i]);
        i = j;
    }
}

fn print_bytes(label: &[u8], s: &[u8]) {
    out!("%s: [%.*s]\n", label.as_ptr(), s.len() as i32, s.as_ptr());
}

#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, argv: *const *const u8) -> i32 {
    let mut arg_sum = 0u32;
    for i in 0..argc as usize {
        // SAFETY: argv has argc entries.
        let a = c_str(unsafe { *argv.add(i) });
        if i > 0 {
            let upper: Vec<u8> = a.iter().map(|c| c.to_ascii_uppercase()).collect();
            print_bytes(b"arg upper\0", &upper);
            arg_sum += a.iter().map(|&c| c as u32).sum::<u32>();
        }
    }
    out!("arg byte sum %u\n", arg_sum);
    let text = b"  the  rain in   Spain stays mainly in the plain  ";
    let words: Vec<&[u8]> = text.split(|&c| c == b' ').filter(|w| !w.is_empty()).collect();
    out!("words %zu\n", words.len());
    let mut rev: Vec<u8> = Vec::new();
    for w in words.iter().rev() {
        if !rev.is_empty() {
            rev.push(b' ');
        }
        rev.extend_from_slice(w);
    }
    print_bytes(b"reversed\0", &rev);
    let mut title = rev.clone();
    let mut start = true;
    for c in title.iter_mut() {
        if start && c.is_ascii_lowercase() {
            *c = c.to_ascii_uppercase();
        }
        start = *c == b' ';
    }
    print_bytes(b"title\0", &title);
    let count_ain = text.windows(3).filter(|w| *w == b"ain").count();
    out!("'ain' occurs %zu times\n", count_ain);
    for s in [&b"A man, a plan, a canal: Panama"[..], b"jitty", b"No 'x' in Nixon", b""] {
        out!("palindrome %d\n", is_palindrome(s) as i32);
    }
    let mut enc = Vec::new();
    rle(b"aaaabbbcccccccccccddeffffffffffffffffg", &mut enc);
    print_bytes(b"rle\0", &enc);
    let mut buf = *b"hello, world";
    buf.reverse();
    buf[0..5].copy_from_slice(b"DLROW");
    buf.rotate_left(3);
    print_bytes(b"edited\0", &buf);
    ((arg_sum + count_ain as u32) & 0x7f) as i32
}
