//! Test program: core::fmt through a `Write` impl (callbacks from precompiled core into IR).
#![no_std]
#![no_main]
use core::panic::PanicInfo;
use core::fmt::Write;
unsafe extern "C" { fn printf(fmt: *const u8, ...) -> i32; fn write(fd: i32, p: *const u8, n: usize) -> isize; }
#[panic_handler]
fn panic(_: &PanicInfo) -> ! { unsafe { printf(b"panic\n\0".as_ptr()); } loop {} }
#[unsafe(no_mangle)] pub extern "C" fn rust_eh_personality() {}
struct Out { buf: [u8; 256], len: usize }
impl Write for Out {
    fn write_str(&mut self, s: &str) -> core::fmt::Result {
        for &b in s.as_bytes() { if self.len < 256 { self.buf[self.len] = b; self.len += 1; } }
        Ok(())
    }
}
#[derive(Clone, Copy, Debug, PartialEq)]
enum Tok { Num(i64), Op(char), End }
fn lex(s: &[u8], i: &mut usize) -> Tok {
    while *i < s.len() && s[*i] == b' ' { *i += 1; }
    if *i >= s.len() { return Tok::End; }
    let c = s[*i];
    if c.is_ascii_digit() { let mut v = 0i64; while *i < s.len() && s[*i].is_ascii_digit() { v = v * 10 + (s[*i] - b'0') as i64; *i += 1; } Tok::Num(v) }
    else { *i += 1; Tok::Op(c as char) }
}
fn eval(s: &[u8]) -> i64 {
    let mut i = 0; let mut acc = 0i64; let mut op = '+';
    loop { match lex(s, &mut i) { Tok::Num(v) => { acc = match op { '+' => acc + v, '-' => acc - v, '*' => acc * v, _ => acc / v.max(1) }; }
        Tok::Op(c) => op = c, Tok::End => break } }
    acc
}
#[unsafe(no_mangle)]
pub extern "C" fn main(argc: i32, _argv: *const *const u8) -> i32 {
    let mut o = Out { buf: [0; 256], len: 0 };
    let v: u128 = 0xdead_beef_u128 << 70 | argc as u128;
    let f = 1.0f64 / 3.0;
    let _ = write!(o, "{} {:?} {:x} {:.4} {} {:?}\n", eval(b"12 + 30 * 2 - 4"), Tok::Op('+'), v, f, u64::MAX.count_ones(), (1u8..5).map(|x| x * x).fold(0u32, |a, b| a + b as u32));
    let _ = write!(o, "{:>8}|{:<6}|{:e}\n", "right", -42i32, 1234.5f32);
    unsafe { write(1, o.buf.as_ptr(), o.len); }
    0
}
