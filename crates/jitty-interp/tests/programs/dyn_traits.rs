//! Test program: trait objects, sorting, i128 arithmetic, overflow checks, malloc/free.
#![no_std]
#![no_main]
use core::panic::PanicInfo;
unsafe extern "C" { fn printf(fmt: *const u8, ...) -> i32; fn malloc(n: usize) -> *mut u8; fn free(p: *mut u8); }
#[panic_handler]
fn panic(_: &PanicInfo) -> ! { unsafe { printf(b"panic\n\0".as_ptr()); } loop {} }
#[unsafe(no_mangle)] pub extern "C" fn rust_eh_personality() {}
trait Shape { fn area(&self) -> u64; }
struct Sq(u64); struct Rect(u64, u64);
impl Shape for Sq { fn area(&self) -> u64 { self.0 * self.0 } }
impl Shape for Rect { fn area(&self) -> u64 { self.0 * self.1 } }
fn sum(shapes: &[&dyn Shape]) -> u64 { shapes.iter().map(|s| s.area()).sum() }
#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    let v = [3u32, 1, 4, 1, 5, 9, 2, 6];
    let mut arr = v;
    arr.sort_unstable();
    let s = Sq(3); let r = Rect(2, 5);
    let total = sum(&[&s, &r]);
    let mut h: u64 = 0xcbf29ce484222325;
    for i in 0..1000u64 { h = (h ^ i).wrapping_mul(0x100000001b3); }
    let x: i128 = (argc as i128) * 170141183460469231731687303715884105727i128 / 3;
    let o = (argc as u32).checked_mul(0x8000_0000);
    let idx = (argc as usize) + 6;
    let p = unsafe { malloc(16) };
    unsafe { *p = 7; free(p); }
    unsafe { printf(b"%u %u %llu %llx %lld %d %u\n\0".as_ptr(), arr[0], arr[7], total, h, (x >> 64) as i64, o.is_some() as i32, v[idx]); }
    (total % 256) as i32
}
