//! Corpus program: structs: methods, copies, arrays of structs, nested and repr(C) structs, passing by value and reference.
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

#[derive(Clone, Copy, Debug, PartialEq)]
struct Vec3 {
    x: f64,
    y: f64,
    z: f64,
}

impl Vec3 {
    fn new(x: f64, y: f64, z: f64) -> Self {
        Vec3 { x, y, z }
    }
    fn add(self, o: Vec3) -> Vec3 {
        Vec3::new(self.x + o.x, self.y + o.y, self.z + o.z)
    }
    fn scale(self, k: f64) -> Vec3 {
        Vec3::new(self.x * k, self.y * k, self.z * k)
    }
    fn dot(&self, o: &Vec3) -> f64 {
        self.x * o.x + self.y * o.y + self.z * o.z
    }
    fn cross(&self, o: &Vec3) -> Vec3 {
        Vec3::new(self.y * o.z - self.z * o.y, self.z * o.x - self.x * o.z, self.x * o.y - self.y * o.x)
    }
}

#[repr(C)]
#[derive(Clone, Copy)]
struct Record {
    id: u16,
    flags: u8,
    score: i32,
    weight: u64,
    tag: [u8; 3],
}

#[derive(Clone, Copy)]
struct Particle {
    pos: Vec3,
    vel: Vec3,
    mass: f32,
    alive: bool,
}

#[inline(never)]
fn step(ps: &mut [Particle], dt: f64) {
    for p in ps.iter_mut() {
        if !p.alive {
            continue;
        }
        p.vel = p.vel.add(Vec3::new(0.0, -9.81 * dt, 0.0));
        p.pos = p.pos.add(p.vel.scale(dt));
        if p.pos.y < 0.0 {
            p.alive = false;
        }
    }
}

#[inline(never)]
fn checksum(r: Record) -> u64 {
    (r.id as u64 * 31 + r.flags as u64 * 7)
        .wrapping_add(r.score as u64)
        .wrapping_add(r.weight)
        .wrapping_add(r.tag[0] as u64 + r.tag[2] as u64 * 3)
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    let a = Vec3::new(1.0, 2.0, 3.0);
    let b = Vec3::new(-4.0, 0.5, 2.0);
    let c = a.cross(&b);
    out!("dot=%.3f cross=(%.3f, %.3f, %.3f) eq=%d\n", a.dot(&b), c.x, c.y, c.z, (a == a.scale(1.0)) as i32);
    let mut ps =
        [Particle { pos: Vec3::new(0.0, 10.0, 0.0), vel: Vec3::new(1.0, 0.0, 0.0), mass: 1.0, alive: true }; 8];
    for (i, p) in ps.iter_mut().enumerate() {
        p.vel.y = i as f64 * 1.5;
        p.mass = 1.0 + i as f32 * 0.25;
    }
    let mut alive_steps = 0;
    for _ in 0..400 {
        step(&mut ps, 0.01);
        alive_steps += ps.iter().filter(|p| p.alive).count();
    }
    for p in &ps {
        out!("pos=(%.4f, %.4f) mass=%.2f alive=%d\n", p.pos.x, p.pos.y, p.mass as f64, p.alive as i32);
    }
    let recs: [Record; 3] = [
        Record { id: 1, flags: 0x80, score: -5, weight: 1 << 40, tag: *b"abc" },
        Record { id: 65535, flags: 1, score: i32::MIN, weight: 7, tag: *b"xyz" },
        Record { id: 300, flags: 255, score: 12345, weight: u64::MAX, tag: [0, 1, 2] },
    ];
    let mut sum = 0u64;
    for r in recs {
        let k = checksum(r);
        sum = sum.wrapping_add(k);
        out!("record %u -> %llu\n", r.id as u32, k);
    }
    out!(
        "size Record=%zu Vec3=%zu Particle=%zu alive_steps=%zu\n",
        core::mem::size_of::<Record>(),
        core::mem::size_of::<Vec3>(),
        core::mem::size_of::<Particle>(),
        alive_steps
    );
    ((sum ^ alive_steps as u64) & 0x7f) as i32
}
