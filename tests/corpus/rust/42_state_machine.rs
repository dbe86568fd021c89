//! Corpus program: an enum-driven state machine: a tokenizer for a tiny language (numbers, identifiers, strings, comments) with statistics.
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

#[derive(Clone, Copy, PartialEq, Eq)]
enum State {
    Start,
    Ident,
    Number,
    Str,
    Escape,
    Comment,
    Op,
}

#[derive(Default)]
struct Stats {
    idents: u32,
    numbers: u32,
    strings: u32,
    comments: u32,
    ops: u32,
    num_sum: u64,
    ident_hash: u32,
}

fn tokenize(src: &[u8], st: &mut Stats) {
    let mut state = State::Start;
    let mut num: u64 = 0;
    let mut i = 0;
    while i <= src.len() {
        let c = if i < src.len() { src[i] } else { b'\n' };
        let next = match state {
            State::Start => match c {
                b'a'..=b'z' | b'A'..=b'Z' | b'_' => {
                    st.ident_hash = st.ident_hash.wrapping_mul(31).wrapping_add(c as u32);
                    State::Ident
                }
                b'0'..=b'9' => {
                    num = (c - b'0') as u64;
                    State::Number
                }
                b'"' => State::Str,
                b'#' => State::Comment,
                b'+' | b'-' | b'*' | b'/' | b'=' | b'<' | b'>' | b'(' | b')' | b';' => State::Op,
                _ => State::Start,
            },
            State::Ident => {
                if c.is_ascii_alphanumeric() || c == b'_' {
                    st.ident_hash = st.ident_hash.wrapping_mul(31).wrapping_add(c as u32);
                    State::Ident
                } else {
                    st.idents += 1;
                    i -= 1;
                    State::Start
                }
            }
            State::Number => {
                if c.is_ascii_digit() {
                    num = num.wrapping_mul(10).wrapping_add((c - b'0') as u64);
                    State::Number
                } else {
                    st.numbers += 1;
                    st.num_sum = st.num_sum.wrapping_add(num);
                    i -= 1;
                    State::Start
                }
            }
            State::Str => match c {
                b'\\' => State::Escape,
                b'"' => {
                    st.strings += 1;
                    State::Start
                }
                _ => State::Str,
            },
            State::Escape => State::Str,
            State::Comment => {
                if c == b'\n' {
                    st.comments += 1;
                    State::Start
                } else {
                    State::Comment
                }
            }
            State::Op => {
                st.ops += 1;
                i -= 1;
                State::Start
            }
        };
        state = next;
        i += 1;
    }
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let src = b"let x = 42; # the answer\nlet name = \"jit\\\"ty\";\nwhile (x > 0) { x = x - 7; total = total + x * 3; }\n# done\nprint(total, 1000000007);\n";
    let mut st = Stats::default();
    for _ in 0..200 {
        tokenize(src, &mut st);
    }
    out!(
        "idents %u numbers %u strings %u comments %u ops %u\n",
        st.idents,
        st.numbers,
        st.strings,
        st.comments,
        st.ops
    );
    out!("num_sum %llu ident_hash %08x\n", st.num_sum, st.ident_hash);
    let same = State::Start == State::Start && State::Op != State::Ident;
    out!("state eq %d\n", same as i32);
    (st.ident_hash & 0x7f) as i32
}
