//! i128, overflow intrinsics, saturation, bit tricks, floats, atomics.
use std::sync::atomic::{AtomicBool, AtomicI32, AtomicU64, AtomicUsize, Ordering};
pub static COUNTER: AtomicUsize = AtomicUsize::new(0);
pub static FLAG: AtomicBool = AtomicBool::new(false);
pub static MAXV: AtomicI32 = AtomicI32::new(i32::MIN);
pub static BITS: AtomicU64 = AtomicU64::new(0);
pub fn mul128(a: i128, b: i128) -> i128 {
    a.wrapping_mul(b) / 7 - (a % 13)
}
pub fn u128_ops(a: u128, b: u32) -> u128 {
    (a << (b % 128)) ^ (a >> 3) ^ 0xDEAD_BEEF_CAFE_BABE_0123_4567_89AB_CDEFu128
}
pub fn checked(a: u32, b: u32) -> Option<u32> {
    a.checked_mul(b)?.checked_add(7)
}
pub fn sat(a: i16, b: i16) -> i16 {
    a.saturating_add(b).saturating_mul(3)
}
pub fn bits(x: u64) -> u32 {
    x.count_ones() + x.leading_zeros() + x.trailing_zeros() + x.rotate_left(13) as u32 + x.swap_bytes() as u32
}
pub fn floats(x: f64, y: f32) -> f64 {
    let z = x.sqrt() + f64::from(y).abs() - (x as i64) as f64;
    if z.is_nan() { -0.0 } else { z.mul_add(2.0, 1.5e-300) + f64::INFINITY.min(1e300) }
}
pub fn to_int(x: f32) -> (u8, i64) {
    (x as u8, x as i64)
}
pub fn atomics(n: usize) -> usize {
    let old = COUNTER.fetch_add(n, Ordering::SeqCst);
    FLAG.store(true, Ordering::Release);
    MAXV.fetch_max(n as i32, Ordering::AcqRel);
    let _ = BITS.compare_exchange(0, 5, Ordering::AcqRel, Ordering::Acquire);
    let _ = BITS.compare_exchange_weak(5, 6, Ordering::Relaxed, Ordering::Relaxed);
    std::sync::atomic::fence(Ordering::SeqCst);
    old + usize::from(FLAG.load(Ordering::Acquire))
}
#[repr(C)]
pub struct Pair {
    pub a: u64,
    pub b: u64,
}
pub fn pair(p: Pair) -> Pair {
    Pair { a: p.b.wrapping_add(1), b: p.a }
}
pub fn index(v: &[u8], i: usize) -> u8 {
    v[i] ^ v[i / 2]
}
pub fn string_stuff(s: &str) -> usize {
    s.chars().filter(|c| c.is_alphabetic()).count() + s.find("needle").unwrap_or(0)
}
