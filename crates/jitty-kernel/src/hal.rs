//! The hardware abstraction layer: the only way the kernel reaches its host.
//!
//! Every function here is an `extern "C"` symbol the host runtime defines
//! (`jitty-os` in production; the `testhal` module in the kernel's own unit
//! tests). Nothing else in the kernel calls out of the kernel. The set is kept
//! small on purpose (DOSY's separation of hardware-dependent and independent
//! code): memory, fault-tolerant user copies, threads, futex-style
//! wait/wake, clocks, console, panic, and the hooks of the specialization
//! runtime's guard protocol (guarded writes, quiescent sleeps, handlers).

use core::ffi::c_void;
use core::sync::atomic::AtomicU32;

unsafe extern "C" {
    /// Allocates `size` bytes aligned to `align` (a power of two). Null on failure.
    pub fn hal_alloc(size: usize, align: usize) -> *mut u8;
    /// Frees memory from [`hal_alloc`] with the same size and alignment.
    pub fn hal_free(ptr: *mut u8, size: usize, align: usize);
    /// Allocates `npages` zeroed, page-aligned 4 KiB pages. Null on failure.
    pub fn hal_alloc_pages(npages: usize) -> *mut u8;
    /// Frees pages from [`hal_alloc_pages`].
    pub fn hal_free_pages(ptr: *mut u8, npages: usize);
    /// Sleeps while `*addr == expected`, at most `timeout_ns` (0 = forever).
    /// Returns 0 when woken (or spuriously), a negative errno otherwise.
    pub fn hal_futex_wait(addr: *const AtomicU32, expected: u32, timeout_ns: u64) -> i32;
    /// Wakes up to `n` sleepers on `addr`; returns how many were woken.
    pub fn hal_futex_wake(addr: *const AtomicU32, n: u32) -> i32;
    /// Monotonic clock in nanoseconds.
    pub fn hal_clock_monotonic_ns() -> u64;
    /// Wall clock in nanoseconds since the Unix epoch (file timestamps).
    pub fn hal_clock_realtime_ns() -> u64;
    /// Writes bytes to the host console.
    pub fn hal_console_write(buf: *const u8, len: usize);
    /// Starts a host thread running `entry(arg)`. Returns a non-zero handle, 0 on failure.
    pub fn hal_thread_spawn(entry: unsafe extern "C" fn(*mut c_void), arg: *mut c_void) -> u64;
    /// Waits for a thread from [`hal_thread_spawn`] to finish; 0 on success.
    pub fn hal_thread_join(handle: u64) -> i32;
    /// Yields the processor.
    pub fn hal_thread_yield();
    /// Copies `len` bytes from `src` to `dst`, one of which is user memory
    /// that may be unmapped: a fault there ends the copy. Returns how many
    /// bytes were not copied (0: all). The host's exception-table copy.
    pub fn hal_copy_user(dst: *mut u8, src: *const u8, len: usize) -> usize;
    /// Last resort: reports a kernel bug and aborts the host.
    pub fn hal_panic(msg: *const u8, len: usize) -> !;
    /// The slow path of a guarded write (Synthetix's QUID), called *before*
    /// the store, holding no kernel lock, when the object's dependents word
    /// (at `deps_word`) is non-null: returns once every specialization that
    /// depends on the object is unplugged and no thread executes it, and
    /// keeps new ones from being plugged until [`jitty_quasi_finish_write`].
    pub fn jitty_quasi_prepare_write(deps_word: *const c_void);
    /// Ends the guarded write [`jitty_quasi_prepare_write`] began (after the store).
    pub fn jitty_quasi_finish_write(deps_word: *const c_void);
    /// The calling thread starts an interruptible sleep: it is quiescent.
    pub fn hal_sleep_begin();
    /// The sleep ended. Non-zero: the code this syscall entered was unplugged
    /// meanwhile, so the syscall must be abandoned and restarted through its
    /// dispatch slot (never continued on facts that changed).
    pub fn hal_sleep_end() -> i32;
    /// A signal handler is about to run inside the current syscall.
    pub fn hal_handler_begin();
    /// The signal handler returned.
    pub fn hal_handler_end();
}

/// Monotonic time in ns.
#[inline]
pub fn now_ns() -> u64 {
    // SAFETY: the HAL clock has no preconditions.
    unsafe { hal_clock_monotonic_ns() }
}

/// Wall-clock time in ns (file timestamps).
#[inline]
pub fn realtime_ns() -> u64 {
    // SAFETY: the HAL clock has no preconditions.
    unsafe { hal_clock_realtime_ns() }
}

/// Writes a message to the console.
pub fn console(msg: &str) {
    // SAFETY: `msg` is a valid byte range for the duration of the call.
    unsafe { hal_console_write(msg.as_ptr(), msg.len()) }
}

/// Yields the processor.
#[inline]
pub fn yield_now() {
    // SAFETY: no preconditions.
    unsafe { hal_thread_yield() }
}

/// Sleeps on `word` while it holds `expected`.
#[inline]
pub fn futex_wait(word: &AtomicU32, expected: u32, timeout_ns: u64) -> i32 {
    // SAFETY: `word` is a live atomic for the duration of the call.
    unsafe { hal_futex_wait(word, expected, timeout_ns) }
}

/// Wakes up to `n` sleepers on `word`.
#[inline]
pub fn futex_wake(word: &AtomicU32, n: u32) -> i32 {
    // SAFETY: `word` is a live atomic for the duration of the call.
    unsafe { hal_futex_wake(word, n) }
}

/// Runs a quiescent (interruptible) sleep: `sleep` blocks the thread.
/// Returns `false` when the syscall must restart through its dispatch slot
/// because the code it entered was unplugged while it slept.
#[inline]
pub fn quiescent_sleep(sleep: impl FnOnce()) -> bool {
    // SAFETY: the guard hooks have no preconditions.
    unsafe { hal_sleep_begin() };
    sleep();
    // SAFETY: as above.
    unsafe { hal_sleep_end() == 0 }
}

/// Runs a user signal handler inside the current syscall.
#[inline]
pub fn run_handler(handler: impl FnOnce()) {
    // SAFETY: the guard hooks have no preconditions.
    unsafe { hal_handler_begin() };
    handler();
    // SAFETY: as above.
    unsafe { hal_handler_end() };
}
