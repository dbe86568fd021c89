//! A no_std program in the style of jitty's corpus: libc calls, statics, vtables.
#![no_std]
#![no_main]
use core::fmt::Write;
unsafe extern "C" {
    fn printf(fmt: *const u8, ...) -> i32;
    fn malloc(n: usize) -> *mut u8;
    fn free(p: *mut u8);
}
struct Buf {
    data: [u8; 64],
    len: usize,
}
impl Write for Buf {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() {
            if self.len < 63 {
                self.data[self.len] = b;
                self.len += 1;
            }
        }
        Ok(())
    }
}
static TABLE: [u32; 8] = [1, 1, 2, 3, 5, 8, 13, 21];
static mut STATE: u64 = 0x1234_5678;
#[inline(never)]
fn rng() -> u64 {
    unsafe {
        STATE ^= STATE << 13;
        STATE ^= STATE >> 7;
        STATE ^= STATE << 17;
        STATE
    }
}
#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    let mut b = Buf { data: [0; 64], len: 0 };
    let _ = write!(b, "argc={} fib={}", argc, TABLE[(argc as usize) % 8]);
    b.data[b.len] = 0;
    unsafe {
        printf(b"%s %llu\n\0".as_ptr(), b.data.as_ptr(), rng() % 1000);
        let p = malloc(16);
        *p = 1;
        free(p);
    }
    let x = core::hint::black_box(argc);
    x - 1
}
#[panic_handler]
fn panic(_: &core::panic::PanicInfo) -> ! {
    loop {}
}
#[unsafe(no_mangle)]
pub extern "C" fn rust_eh_personality() {}
