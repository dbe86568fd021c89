//! Corpus program: base64 encoding and decoding with padding, invalid input detection and round trips over generated data.
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

const ALPHABET: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

fn encode(input: &[u8], out: &mut [u8]) -> usize {
    let mut n = 0;
    for chunk in input.chunks(3) {
        let b = [chunk[0], *chunk.get(1).unwrap_or(&0), *chunk.get(2).unwrap_or(&0)];
        let v = (b[0] as u32) << 16 | (b[1] as u32) << 8 | b[2] as u32;
        out[n] = ALPHABET[(v >> 18) as usize & 63];
        out[n + 1] = ALPHABET[(v >> 12) as usize & 63];
        out[n + 2] = if chunk.len() > 1 { ALPHABET[(v >> 6) as usize & 63] } else { b'=' };
        out[n + 3] = if chunk.len() > 2 { ALPHABET[v as usize & 63] } else { b'=' };
        n += 4;
    }
    n
}

fn value(c: u8) -> Option<u32> {
    match c {
        b'A'..=b'Z' => Some((c - b'A') as u32),
        b'a'..=b'z' => Some((c - b'a') as u32 + 26),
        b'0'..=b'9' => Some((c - b'0') as u32 + 52),
        b'+' => Some(62),
        b'/' => Some(63),
        _ => None,
    }
}

fn decode(input: &[u8], out: &mut [u8]) -> Result<usize, usize> {
    if input.len() % 4 != 0 {
        return Err(input.len());
    }
    let mut n = 0;
    for (ci, chunk) in input.chunks(4).enumerate() {
        let pad = chunk.iter().rev().take_while(|&&c| c == b'=').count();
        let mut v = 0u32;
        for (i, &c) in chunk.iter().enumerate() {
            let d = if i >= 4 - pad { 0 } else { value(c).ok_or(ci * 4 + i)? };
            v = v << 6 | d;
        }
        let bytes = [(v >> 16) as u8, (v >> 8) as u8, v as u8];
        for &b in &bytes[..3 - pad] {
            out[n] = b;
            n += 1;
        }
    }
    Ok(n)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let mut enc = [0u8; 8192];
    let mut dec = [0u8; 8192];
    let texts: [&[u8]; 6] = [b"", b"f", b"fo", b"foo", b"foobar", b"Many hands make light work."];
    for t in texts {
        let n = encode(t, &mut enc);
        out!("\"%.*s\" -> %.*s\n", t.len() as i32, t.as_ptr(), n as i32, enc.as_ptr());
    }
    let bad: [&[u8]; 3] = [b"abc", b"ab!d", b"TWFu"];
    for b in bad {
        match decode(b, &mut dec) {
            Ok(n) => out!("decode ok %.*s\n", n as i32, dec.as_ptr()),
            Err(at) => out!("decode error at %zu\n", at),
        };
    }
    let mut data = [0u8; 3000];
    let mut x: u64 = 7;
    for d in data.iter_mut() {
        x = x.wrapping_mul(0x5851f42d4c957f2d).wrapping_add(14057);
        *d = (x >> 56) as u8;
    }
    let mut rounds_ok = 0;
    let mut check = 0u32;
    for len in (0..3000).step_by(97) {
        let n = encode(&data[..len], &mut enc);
        let m = decode(&enc[..n], &mut dec).unwrap_or(usize::MAX);
        if m == len && dec[..m] == data[..len] {
            rounds_ok += 1;
        }
        check = check.wrapping_mul(31).wrapping_add(enc[..n].iter().map(|&c| c as u32).sum::<u32>());
    }
    out!("round trips ok %d check %08x\n", rounds_ok, check);
    (check & 0x7f) as i32
}
