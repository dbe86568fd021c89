//! The host side of the kernel's HAL: every `hal_*` symbol the kernel image
//! imports, implemented on Linux with std and the `futex` syscall.
//!
//! Kernel threads are host threads; wait/wake is `FUTEX_WAIT_PRIVATE` /
//! `FUTEX_WAKE_PRIVATE` on the kernel's `AtomicU32` words; memory comes from
//! the host's global allocator; clocks from `clock_gettime`. The hooks of
//! the guard protocol (guarded writes, quiescent sleeps, signal handlers)
//! go to jitty-rt's process-wide guard runtime.
//!
//! User copies (`hal_copy_user`) are Linux's exception-table scheme: a
//! `rep movsq` and a `rep movsb` in `global_asm!` are the only instructions
//! that touch user memory, and the SIGSEGV/SIGBUS handler
//! [`install_fault_handler`] puts in place at boot moves a fault at either to
//! its fixup, so the copy returns the exact count left. Faults anywhere else
//! go to the handler that was installed before (Rust's stack-overflow guard,
//! or the default).

use std::ffi::c_void;
use std::io::Write;
use std::sync::atomic::AtomicU32;

const PAGE: usize = 4096;

#[unsafe(no_mangle)]
extern "C" fn hal_alloc(size: usize, align: usize) -> *mut u8 {
    match std::alloc::Layout::from_size_align(size.max(1), align) {
        // SAFETY: non-zero size.
        Ok(l) => unsafe { std::alloc::alloc(l) },
        Err(_) => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_free(ptr: *mut u8, size: usize, align: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: the kernel frees with the layout it allocated with.
    unsafe { std::alloc::dealloc(ptr, std::alloc::Layout::from_size_align_unchecked(size.max(1), align)) }
}

#[unsafe(no_mangle)]
extern "C" fn hal_alloc_pages(n: usize) -> *mut u8 {
    let Some(bytes) = n.max(1).checked_mul(PAGE) else { return std::ptr::null_mut() };
    match std::alloc::Layout::from_size_align(bytes, PAGE) {
        // SAFETY: non-zero size.
        Ok(l) => unsafe { std::alloc::alloc_zeroed(l) },
        Err(_) => std::ptr::null_mut(),
    }
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_free_pages(ptr: *mut u8, n: usize) {
    if ptr.is_null() {
        return;
    }
    // SAFETY: allocated by hal_alloc_pages with this page count.
    unsafe { std::alloc::dealloc(ptr, std::alloc::Layout::from_size_align_unchecked(n.max(1) * PAGE, PAGE)) }
}

#[unsafe(no_mangle)]
extern "C" fn hal_futex_wait(addr: *const AtomicU32, expected: u32, timeout_ns: u64) -> i32 {
    let ts = libc::timespec { tv_sec: (timeout_ns / 1_000_000_000) as _, tv_nsec: (timeout_ns % 1_000_000_000) as _ };
    let tsp = if timeout_ns == 0 { std::ptr::null() } else { &ts as *const libc::timespec };
    // SAFETY: `addr` is a live, aligned 32-bit word owned by the kernel.
    let r = unsafe {
        libc::syscall(libc::SYS_futex, addr, libc::FUTEX_WAIT | libc::FUTEX_PRIVATE_FLAG, expected, tsp, 0usize, 0u32)
    };
    if r == 0 { 0 } else { -std::io::Error::last_os_error().raw_os_error().unwrap_or(libc::EINVAL) }
}

#[unsafe(no_mangle)]
extern "C" fn hal_futex_wake(addr: *const AtomicU32, n: u32) -> i32 {
    let n = n.min(i32::MAX as u32) as i32;
    // SAFETY: `addr` is a live, aligned 32-bit word owned by the kernel.
    let r = unsafe {
        libc::syscall(libc::SYS_futex, addr, libc::FUTEX_WAKE | libc::FUTEX_PRIVATE_FLAG, n, 0usize, 0usize, 0u32)
    };
    r.max(0) as i32
}

fn clock(id: libc::clockid_t) -> u64 {
    let mut ts = libc::timespec { tv_sec: 0, tv_nsec: 0 };
    // SAFETY: `ts` is a valid out-parameter.
    unsafe { libc::clock_gettime(id, &mut ts) };
    ts.tv_sec as u64 * 1_000_000_000 + ts.tv_nsec as u64
}

#[unsafe(no_mangle)]
extern "C" fn hal_clock_monotonic_ns() -> u64 {
    clock(libc::CLOCK_MONOTONIC)
}

#[unsafe(no_mangle)]
extern "C" fn hal_clock_realtime_ns() -> u64 {
    clock(libc::CLOCK_REALTIME)
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_console_write(buf: *const u8, len: usize) {
    // SAFETY: the kernel passes a valid byte range.
    let s = unsafe { std::slice::from_raw_parts(buf, len) };
    let _ = std::io::stderr().write_all(s);
}

struct SendPtr(*mut c_void);
// SAFETY: the argument is handed to exactly one new thread.
unsafe impl Send for SendPtr {}

#[unsafe(no_mangle)]
extern "C" fn hal_thread_spawn(entry: unsafe extern "C" fn(*mut c_void), arg: *mut c_void) -> u64 {
    let a = SendPtr(arg);
    let r = std::thread::Builder::new().name("jitty-kthread".into()).spawn(move || {
        let a = a;
        // SAFETY: the kernel pairs the entry with its argument.
        unsafe { entry(a.0) }
    });
    match r {
        Ok(h) => Box::into_raw(Box::new(h)) as u64,
        Err(_) => 0,
    }
}

#[unsafe(no_mangle)]
extern "C" fn hal_thread_join(handle: u64) -> i32 {
    if handle == 0 {
        return -libc::EINVAL;
    }
    // SAFETY: the handle came from hal_thread_spawn and is joined once.
    let h = unsafe { Box::from_raw(handle as *mut std::thread::JoinHandle<()>) };
    if h.join().is_ok() { 0 } else { -libc::EIO }
}

// hal_copy_user(dst = rdi, src = rsi, len = rdx) -> bytes not copied.
// Whole words with `rep movsq`, the rest (or a copy under 8 bytes) with
// `rep movsb`. A fault in `rep movsq` leaves rcx = words left, rsi/rdi at the
// faulting word: its fixup turns that into bytes left and finishes with
// `rep movsb`, which then faults at the exact byte; a fault there leaves
// rcx = bytes left, so its fixup is the instruction that ends every copy.
std::arch::global_asm!(
    ".text",
    ".globl hal_copy_user",
    ".type hal_copy_user, @function",
    "hal_copy_user:",
    "    mov rcx, rdx",
    "    cmp rdx, 8",
    "    jb jitty_copy_user_bytes",
    "    shr rcx, 3",
    "    and edx, 7",
    ".globl jitty_copy_user_words",
    ".hidden jitty_copy_user_words",
    "jitty_copy_user_words:",
    "    rep movsq",
    "    mov ecx, edx",
    ".globl jitty_copy_user_bytes",
    ".hidden jitty_copy_user_bytes",
    "jitty_copy_user_bytes:",
    "    rep movsb",
    ".globl jitty_copy_user_done",
    ".hidden jitty_copy_user_done",
    "jitty_copy_user_done:",
    "    mov rax, rcx",
    "    ret",
    ".globl jitty_copy_user_words_fixup",
    ".hidden jitty_copy_user_words_fixup",
    "jitty_copy_user_words_fixup:",
    "    lea rcx, [rdx + rcx * 8]",
    "    jmp jitty_copy_user_bytes",
    ".size hal_copy_user, . - hal_copy_user",
);

unsafe extern "C" {
    static jitty_copy_user_words: u8;
    static jitty_copy_user_words_fixup: u8;
    static jitty_copy_user_bytes: u8;
    static jitty_copy_user_done: u8;
}

/// The exception table: (faulting instruction, fixup) address pairs.
fn exception_table() -> [(usize, usize); 2] {
    [
        (&raw const jitty_copy_user_words as usize, &raw const jitty_copy_user_words_fixup as usize),
        (&raw const jitty_copy_user_bytes as usize, &raw const jitty_copy_user_done as usize),
    ]
}

/// The SIGSEGV and SIGBUS dispositions found when the handler was installed.
static PREV_ACTIONS: std::sync::OnceLock<[libc::sigaction; 2]> = std::sync::OnceLock::new();

extern "C" fn on_fault(sig: libc::c_int, info: *mut libc::siginfo_t, ctx: *mut c_void) {
    let uc = ctx as *mut libc::ucontext_t;
    // SAFETY: the kernel passes the interrupted context; RIP is in gregs.
    let rip = unsafe { &mut (*uc).uc_mcontext.gregs[libc::REG_RIP as usize] };
    if let Some(&(_, fixup)) = exception_table().iter().find(|&&(insn, _)| insn == *rip as usize) {
        *rip = fixup as i64;
        return;
    }
    let prev = PREV_ACTIONS.get().map(|p| p[usize::from(sig == libc::SIGBUS)]);
    match prev {
        Some(p) if p.sa_sigaction != libc::SIG_DFL && p.sa_sigaction != libc::SIG_IGN => {
            if p.sa_flags & libc::SA_SIGINFO != 0 {
                type Action = extern "C" fn(libc::c_int, *mut libc::siginfo_t, *mut c_void);
                // SAFETY: the previous owner registered this as an SA_SIGINFO handler.
                let f = unsafe { std::mem::transmute::<usize, Action>(p.sa_sigaction) };
                f(sig, info, ctx);
            } else {
                // SAFETY: the previous owner registered this as a plain handler.
                let f = unsafe { std::mem::transmute::<usize, extern "C" fn(libc::c_int)>(p.sa_sigaction) };
                f(sig);
            }
        }
        _ => {
            // Back to the default action; returning re-runs the faulting
            // instruction, which then takes it (as the kernel would have).
            // SAFETY: a plain SIG_DFL disposition.
            unsafe {
                let mut dfl: libc::sigaction = std::mem::zeroed();
                dfl.sa_sigaction = libc::SIG_DFL;
                libc::sigaction(sig, &dfl, std::ptr::null_mut());
            }
        }
    }
}

/// Installs the user-copy fault handler for SIGSEGV and SIGBUS (once per
/// process; [`crate::boot`] calls it), chaining to the dispositions it
/// replaces for faults outside `hal_copy_user`.
pub fn install_fault_handler() {
    PREV_ACTIONS.get_or_init(|| {
        // SAFETY: sigaction with valid, zero-initialised structures.
        unsafe {
            let mut act: libc::sigaction = std::mem::zeroed();
            act.sa_sigaction = on_fault as *const () as usize;
            act.sa_flags = libc::SA_SIGINFO | libc::SA_ONSTACK;
            libc::sigemptyset(&mut act.sa_mask);
            let mut prev: [libc::sigaction; 2] = std::mem::zeroed();
            libc::sigaction(libc::SIGSEGV, &act, &mut prev[0]);
            libc::sigaction(libc::SIGBUS, &act, &mut prev[1]);
            prev
        }
    });
}

#[unsafe(no_mangle)]
extern "C" fn hal_thread_yield() {
    std::thread::yield_now();
}

#[unsafe(no_mangle)]
unsafe extern "C" fn hal_panic(msg: *const u8, len: usize) -> ! {
    // SAFETY: the kernel passes a valid byte range.
    let s = unsafe { std::slice::from_raw_parts(msg, len) };
    eprintln!("jitty: kernel panic: {}", String::from_utf8_lossy(s));
    std::process::abort()
}

// The guard protocol's hooks, served by jitty-rt's process-wide runtime
// (ARCHITECTURE.md, "The guard protocol").

#[unsafe(no_mangle)]
extern "C" fn jitty_quasi_prepare_write(deps_word: *const c_void) {
    jitty_rt::guard::host::prepare_write(deps_word as usize);
}

#[unsafe(no_mangle)]
extern "C" fn jitty_quasi_finish_write(deps_word: *const c_void) {
    jitty_rt::guard::host::finish_write(deps_word as usize);
}

#[unsafe(no_mangle)]
extern "C" fn hal_sleep_begin() {
    jitty_rt::guard::host::with_thread_record(|r| r.sleep());
}

#[unsafe(no_mangle)]
extern "C" fn hal_sleep_end() -> i32 {
    jitty_rt::guard::host::with_thread_record(|r| jitty_rt::guard::host::runtime().wake(r)) as i32
}

#[unsafe(no_mangle)]
extern "C" fn hal_handler_begin() {
    jitty_rt::guard::host::with_thread_record(|r| r.suspend());
}

#[unsafe(no_mangle)]
extern "C" fn hal_handler_end() {
    jitty_rt::guard::host::with_thread_record(|r| r.resume());
}
