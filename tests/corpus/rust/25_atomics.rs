//! Corpus program: atomics: AtomicU32/U64/Usize/I64/Bool/Ptr fetch_add/sub/and/or/xor/max/min, compare_exchange, swap and fences.
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

use core::sync::atomic::{
    compiler_fence, fence, AtomicBool, AtomicI64, AtomicPtr, AtomicU32, AtomicU64, AtomicU8, AtomicUsize, Ordering,
};

static COUNTER: AtomicU32 = AtomicU32::new(0);
static TOTAL: AtomicU64 = AtomicU64::new(1);
static FLAG: AtomicBool = AtomicBool::new(false);

#[inline(never)]
fn spin_lock(lock: &AtomicBool) -> u32 {
    let mut tries = 0;
    while lock.compare_exchange_weak(false, true, Ordering::Acquire, Ordering::Relaxed).is_err() {
        tries += 1;
        lock.store(false, Ordering::Release);
    }
    tries
}

#[unsafe(no_mangle)]
pub extern "C" fn main(_argc: i32, _argv: *const *const u8) -> i32 {
    for i in 0..100u32 {
        COUNTER.fetch_add(i, Ordering::SeqCst);
        TOTAL.fetch_xor((i as u64) << (i % 50), Ordering::AcqRel);
    }
    out!("counter %u total %llu\n", COUNTER.load(Ordering::SeqCst), TOTAL.load(Ordering::Acquire));
    let old = COUNTER.swap(7, Ordering::Relaxed);
    let r1 = COUNTER.compare_exchange(7, 8, Ordering::SeqCst, Ordering::SeqCst);
    let r2 = COUNTER.compare_exchange(7, 9, Ordering::SeqCst, Ordering::Relaxed);
    out!(
        "swap old %u cas1 ok=%d val=%u cas2 ok=%d cur=%u\n",
        old,
        r1.is_ok() as i32,
        r1.unwrap_or(0),
        r2.is_ok() as i32,
        r2.unwrap_err()
    );
    let u = AtomicUsize::new(1000);
    u.fetch_sub(1, Ordering::SeqCst);
    u.fetch_and(0xff0, Ordering::SeqCst);
    u.fetch_or(0x5, Ordering::SeqCst);
    let prev = u.fetch_nand(0x3c, Ordering::SeqCst);
    out!("usize prev %zu now %zu\n", prev, u.load(Ordering::SeqCst));
    let s = AtomicI64::new(-5);
    let a = s.fetch_max(10, Ordering::SeqCst);
    let b = s.fetch_min(-100, Ordering::SeqCst);
    let c = s.fetch_update(Ordering::SeqCst, Ordering::SeqCst, |v| if v < 0 { Some(v * -3) } else { None });
    out!("i64 max-prev %lld min-prev %lld update %lld now %lld\n", a, b, c.unwrap_or(0), s.load(Ordering::SeqCst));
    let bytes = AtomicU8::new(250);
    let w = bytes.fetch_add(10, Ordering::SeqCst);
    out!("u8 wrap prev %u now %u\n", w as u32, bytes.load(Ordering::SeqCst) as u32);
    fence(Ordering::SeqCst);
    fence(Ordering::Acquire);
    fence(Ordering::Release);
    compiler_fence(Ordering::SeqCst);
    let tries = spin_lock(&FLAG);
    out!("lock taken after %u tries, flag %d\n", tries, FLAG.load(Ordering::Relaxed) as i32);
    FLAG.store(false, Ordering::Release);
    let mut x = 5u64;
    let mut y = 9u64;
    let p = AtomicPtr::new(&mut x as *mut u64);
    let oldp = p.swap(&mut y, Ordering::SeqCst);
    // SAFETY: both pointers point to live locals.
    let (ov, nv) = unsafe { (*oldp, *p.load(Ordering::SeqCst)) };
    out!("ptr old %llu new %llu\n", ov, nv);
    let mut local = AtomicU32::new(3);
    *local.get_mut() += 4;
    let fl = AtomicBool::new(true);
    let was = fl.fetch_xor(true, Ordering::SeqCst);
    out!(
        "get_mut %u into_inner %u bool was %d now %d\n",
        *local.get_mut(),
        local.into_inner(),
        was as i32,
        fl.load(Ordering::SeqCst) as i32
    );
    (TOTAL.load(Ordering::Relaxed) & 0x7f) as i32
}
