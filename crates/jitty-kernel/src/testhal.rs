//! A std-based HAL for host-side tests of the kernel crate: its own unit
//! tests and, with the `testhal` feature, `jitty-kernel-modtests` (the
//! production HAL lives in `jitty-os`). The futex is emulated with one mutex
//! and condition variable; the guarded-write prepare hook counts its calls
//! ([`quasi_hook_calls`]), as no specialization runtime is attached.

use core::ffi::c_void;
use core::sync::atomic::{AtomicU32, AtomicUsize, Ordering};
use std::sync::{Condvar, Mutex};
use std::time::{Duration, Instant, SystemTime, UNIX_EPOCH};

static FUTEX: Mutex<()> = Mutex::new(());
static FUTEX_CV: Condvar = Condvar::new();

#[unsafe(no_mangle)]
extern "C" fn hal_alloc(size: usize, align: usize) -> *mut u8 {
    let Ok(l) = std::alloc::Layout::from_size_align(size.max(1), align) else { return core::ptr::null_mut() };
    // SAFETY: non-zero size.
    unsafe { std::alloc::alloc(l) }
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_free(ptr: *mut u8, size: usize, align: usize) {
    // SAFETY: allocated by hal_alloc with this layout.
    unsafe { std::alloc::dealloc(ptr, std::alloc::Layout::from_size_align_unchecked(size.max(1), align)) }
}

#[unsafe(no_mangle)]
extern "C" fn hal_alloc_pages(n: usize) -> *mut u8 {
    let Ok(l) = std::alloc::Layout::from_size_align(n.max(1) * 4096, 4096) else { return core::ptr::null_mut() };
    // SAFETY: non-zero size.
    unsafe { std::alloc::alloc_zeroed(l) }
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_free_pages(ptr: *mut u8, n: usize) {
    // SAFETY: allocated by hal_alloc_pages with this count.
    unsafe { std::alloc::dealloc(ptr, std::alloc::Layout::from_size_align_unchecked(n.max(1) * 4096, 4096)) }
}

#[unsafe(no_mangle)]
extern "C" fn hal_futex_wait(addr: *const AtomicU32, expected: u32, timeout_ns: u64) -> i32 {
    let g = FUTEX.lock().unwrap_or_else(|e| e.into_inner());
    // SAFETY: the kernel passes a live atomic.
    if unsafe { (*addr).load(Ordering::SeqCst) } != expected {
        return -11;
    }
    let d = if timeout_ns == 0 { Duration::from_millis(50) } else { Duration::from_nanos(timeout_ns) };
    let _ = FUTEX_CV.wait_timeout(g, d);
    0
}

#[unsafe(no_mangle)]
extern "C" fn hal_futex_wake(_addr: *const AtomicU32, _n: u32) -> i32 {
    let _g = FUTEX.lock().unwrap_or_else(|e| e.into_inner());
    FUTEX_CV.notify_all();
    0
}

#[unsafe(no_mangle)]
extern "C" fn hal_clock_monotonic_ns() -> u64 {
    static START: std::sync::OnceLock<Instant> = std::sync::OnceLock::new();
    START.get_or_init(Instant::now).elapsed().as_nanos() as u64
}

#[unsafe(no_mangle)]
extern "C" fn hal_clock_realtime_ns() -> u64 {
    SystemTime::now().duration_since(UNIX_EPOCH).map_or(0, |d| d.as_nanos() as u64)
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_console_write(buf: *const u8, len: usize) {
    // SAFETY: the kernel passes a valid range.
    let s = unsafe { std::slice::from_raw_parts(buf, len) };
    eprint!("{}", String::from_utf8_lossy(s));
}

struct SendPtr(*mut c_void);
// SAFETY: the pointer is handed to exactly one thread.
unsafe impl Send for SendPtr {}

#[unsafe(no_mangle)]
extern "C" fn hal_thread_spawn(entry: unsafe extern "C" fn(*mut c_void), arg: *mut c_void) -> u64 {
    let a = SendPtr(arg);
    let h = std::thread::spawn(move || {
        let a = a;
        // SAFETY: the kernel passes a valid entry for this argument.
        unsafe { entry(a.0) }
    });
    Box::into_raw(Box::new(h)) as u64
}

#[unsafe(no_mangle)]
extern "C" fn hal_thread_join(handle: u64) -> i32 {
    // SAFETY: handle came from hal_thread_spawn.
    let h = unsafe { Box::from_raw(handle as *mut std::thread::JoinHandle<()>) };
    if h.join().is_ok() { 0 } else { -5 }
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_copy_user(dst: *mut u8, src: *const u8, len: usize) -> usize {
    // SAFETY: unit tests pass only mapped buffers (no fault handling here).
    unsafe { core::ptr::copy_nonoverlapping(src, dst, len) };
    0
}

#[unsafe(no_mangle)]
extern "C" fn hal_thread_yield() {
    std::thread::yield_now();
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_panic(msg: *const u8, len: usize) -> ! {
    // SAFETY: the kernel passes a valid range.
    let s = unsafe { std::slice::from_raw_parts(msg, len) };
    panic!("hal_panic: {}", String::from_utf8_lossy(s));
}

static QUASI_HOOK_CALLS: AtomicUsize = AtomicUsize::new(0);

/// How many guarded writes found dependents installed and ran the runtime's
/// prepare hook (where the runtime would have unplugged them).
pub fn quasi_hook_calls() -> usize {
    QUASI_HOOK_CALLS.load(Ordering::Relaxed)
}

// No specialization runtime here: a test that installs a dependents word
// sees its guarded writes counted; no sleeper restarts.
#[unsafe(no_mangle)]
extern "C" fn jitty_quasi_prepare_write(_deps_word: *const c_void) {
    QUASI_HOOK_CALLS.fetch_add(1, Ordering::Relaxed);
}

#[unsafe(no_mangle)]
extern "C" fn jitty_quasi_finish_write(_deps_word: *const c_void) {}

#[unsafe(no_mangle)]
extern "C" fn hal_sleep_begin() {}

#[unsafe(no_mangle)]
extern "C" fn hal_sleep_end() -> i32 {
    0
}

#[unsafe(no_mangle)]
extern "C" fn hal_handler_begin() {}

#[unsafe(no_mangle)]
extern "C" fn hal_handler_end() {}
