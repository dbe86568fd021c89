//! Corpus program: memory layout: repr(C) and packed structs, unions, transmute-style reinterpretation, raw pointer arithmetic, and alignment.
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

use core::mem::{align_of, offset_of, size_of};

#[repr(C)]
struct Header {
    tag: u8,
    len: u32,
    flags: u16,
    id: u64,
}

#[repr(C, packed)]
struct Packed {
    tag: u8,
    len: u32,
    flags: u16,
    id: u64,
}

#[repr(C)]
union Word {
    u: u64,
    f: f64,
    b: [u8; 8],
    h: [u16; 4],
}

#[repr(C, align(32))]
struct Aligned {
    x: u8,
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    out!(
        "Header size %zu align %zu offsets %zu %zu %zu\n",
        size_of::<Header>(),
        align_of::<Header>(),
        offset_of!(Header, len),
        offset_of!(Header, flags),
        offset_of!(Header, id)
    );
    out!(
        "Packed size %zu align %zu offsets %zu %zu %zu\n",
        size_of::<Packed>(),
        align_of::<Packed>(),
        offset_of!(Packed, len),
        offset_of!(Packed, flags),
        offset_of!(Packed, id)
    );
    out!("Aligned size %zu align %zu\n", size_of::<Aligned>(), align_of::<Aligned>());
    let p = Packed { tag: 1, len: 0xdead_beef, flags: 0xabcd, id: 0x0102_0304_0506_0708 };
    let (len, flags, id) = (p.len, p.flags, p.id);
    out!("packed fields %08x %04x %016llx tag %u\n", len, flags as u32, id, p.tag as u32);
    // SAFETY: Packed is plain old data; reading its bytes is fine.
    let bytes: [u8; 15] = unsafe { core::mem::transmute(p) };
    for b in bytes {
        out!("%02x", b as u32);
    }
    out!("\n");
    let mut w = Word { f: -1.5 };
    // SAFETY: every field of Word is plain old data of the same size.
    let (u, b0, b7, h3) = unsafe { (w.u, w.b[0], w.b[7], w.h[3]) };
    out!("union f=-1.5: u=%016llx b0=%02x b7=%02x h3=%04x\n", u, b0 as u32, b7 as u32, h3 as u32);
    // SAFETY: as above.
    let flipped = unsafe {
        w.b[7] ^= 0x80;
        w.f
    };
    out!("flipped sign: f=%.3f\n", flipped);
    // SAFETY: as above.
    let low = unsafe {
        w.h[0] = 0xffff;
        w.u
    };
    out!("low half set: u=%016llx\n", low);
    let arr = [10u32, 20, 30, 40, 50, 60];
    let base = arr.as_ptr();
    let mut s = 0u32;
    for i in (0..6).rev().step_by(2) {
        // SAFETY: i < 6.
        s += unsafe { *base.add(i) };
    }
    // SAFETY: both pointers are into `arr`.
    let dist = unsafe { base.add(5).offset_from(base.add(1)) };
    let bytes_ptr = base as *const u8;
    // SAFETY: reading a byte of arr[1].
    let b4 = unsafe { *bytes_ptr.add(4) };
    out!("ptr sum %u dist %zd byte %u\n", s, dist, b4 as u32);
    let h = Header { tag: 9, len: 77, flags: 3, id: 1 << 50 };
    let hp = &h as *const Header as *const u8;
    // SAFETY: offset_of gives the offset of an initialized u64 field.
    let id = unsafe { (hp.add(offset_of!(Header, id)) as *const u64).read() };
    out!("id via offset %llu tag %u len %u flags %u\n", id, h.tag as u32, h.len, h.flags as u32);
    let x: u32 = 0x3f80_0000;
    out!("f32 from bits %.3f i32 from f32 bits %08x\n", f32::from_bits(x) as f64, (2.5f32).to_bits());
    (size_of::<Header>() + size_of::<Packed>() + s as usize) as i32 & 0x7f
}
