//! `setjmp`/`longjmp` across engines: the one definition of a jitty jump
//! buffer, the native catch points the interpreter sets around its calls
//! into native code, and the `longjmp` every engine calls.
//!
//! # Design
//!
//! Cranelift cannot compile a function that returns twice, so a function
//! that calls `setjmp` runs on the interpreter (the JIT leaves it there with
//! the reason recorded). The interpreter implements `setjmp` itself: it
//! writes a *jitty jump record* ([`JumpRecord`]: a magic word, the serial of
//! its frame, the resume point) into the program's `jmp_buf` and returns 0.
//!
//! `longjmp(buf, v)` is the same function for every engine, [`longjmp`],
//! which the image binds to `longjmp`, `_longjmp`, `siglongjmp` and
//! `__longjmp_chk`. It restores the signal mask if the record saved one,
//! leaves the jump ([`Jump`]) in a thread-local slot and transfers control
//! to the innermost *catch point* of the thread.
//!
//! A catch point ([`catch`]) is set by the interpreter around every call it
//! makes into native code (libffi calls of host functions and of JIT code).
//! It is a hand-written assembly pair, `jitty_sjlj_catch_call` and
//! `jitty_sjlj_throw`: the first saves the callee-saved registers and the
//! stack pointer and calls a function; the second restores them, so that
//! `jitty_sjlj_catch_call` returns a second way, with the jump. To Rust,
//! [`catch`] is an ordinary function that returns once. The interpreter
//! turns the jump into an error that unwinds its own frames by ordinary
//! returns (every destructor runs), until the frame whose serial the record
//! names resumes after its `setjmp` with the value. An interpreter entered
//! from native code (a libffi closure) whose frames do not hold the target
//! unwinds them the same way, returns to its closure callback, and that
//! callback re-throws the jump ([`rethrow`]) to the next catch point out.
//!
//! ## What a throw skips, and why that is sound
//!
//! Between a catch point and the throw there are only frames that have no
//! destructors to run ("plain old frames", the condition under which Rust
//! allows `longjmp` over its frames):
//! * the closure that [`catch`] calls, which only makes the libffi call with
//!   arguments prepared before it (documented at each use);
//! * libffi's call and closure trampolines (C);
//! * JIT-compiled code and native C code, which `longjmp` skips natively
//!   too (a JIT frame's shadow-stack allocations are released when an
//!   enclosing JIT frame returns);
//! * [`longjmp`] itself and the interpreter's closure callback, which throw
//!   only after every value they own is dropped.
//!
//! An interpreter activation is never skipped: each one catches the jump at
//! its own outcall and unwinds itself. A jump whose frame is no longer live
//! (a `longjmp` to a returned function, undefined behaviour in C) reaches
//! the outermost activation, which reports it as an error; a jump with no
//! catch point at all ends the process with one `jitty:` line and status
//! 125.
//!
//! A `jmp_buf` that does not hold a jitty record was filled by native code's
//! own `setjmp`; [`longjmp`] hands it to the C library's `siglongjmp`.
//!
//! Not supported: a `siglongjmp` out of an asynchronous signal handler into
//! an interpreted frame (the signal may interrupt the interpreter outside
//! any catch point, and the jump would skip its frames).

use std::cell::Cell;
use std::ffi::c_void;

/// The magic first word of a jitty jump record (`"jittySJ\x01"`).
pub const MAGIC: u64 = u64::from_le_bytes(*b"jittySJ\x01");

/// Offset of glibc's `__mask_was_saved` in a `struct __jmp_buf_tag`
/// (x86-64: after the eight saved registers).
const MASK_SAVED_OFF: usize = 64;
/// Offset of glibc's saved signal mask (`__saved_mask`).
const MASK_OFF: usize = 72;

/// What the interpreter's `setjmp` stores in a `jmp_buf` (its first 32
/// bytes, where glibc keeps the saved registers; a `jmp_buf` has 200).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
#[repr(C)]
pub struct JumpRecord {
    /// [`MAGIC`].
    pub magic: u64,
    /// The serial of the interpreter frame that called `setjmp` (unique in
    /// the process and never reused, so a stale record, or another
    /// thread's, matches no live frame).
    pub frame: u64,
    /// Where that frame resumes (the interpreter's op index after the call).
    pub resume: u64,
    /// The frame slot that receives `setjmp`'s second return value.
    pub dest: u64,
}

/// A `longjmp` on its way to the frame that called `setjmp`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Jump {
    /// The record's frame serial.
    pub frame: u64,
    /// The record's resume point.
    pub resume: u64,
    /// The record's destination slot.
    pub dest: u64,
    /// `setjmp`'s second return value (never 0: `longjmp(buf, 0)` gives 1).
    pub value: i32,
}

/// Writes a jump record into `buf`, saving the signal mask there (glibc's
/// layout) when `save_mask`.
///
/// # Safety
/// `buf` must be a writable `jmp_buf` / `sigjmp_buf` (200 bytes on x86-64
/// glibc), as `setjmp` requires natively.
pub unsafe fn set(buf: *mut u8, rec: JumpRecord, save_mask: bool) {
    // SAFETY: per the caller, `buf` is a whole jmp_buf.
    unsafe {
        (buf as *mut JumpRecord).write_unaligned(rec);
        (buf.add(MASK_SAVED_OFF) as *mut i32).write_unaligned(i32::from(save_mask));
        if save_mask {
            libc::pthread_sigmask(libc::SIG_BLOCK, std::ptr::null(), buf.add(MASK_OFF) as *mut libc::sigset_t);
        }
    }
}

/// The jump record in `buf`, if it holds one.
///
/// # Safety
/// `buf` must be readable for 32 bytes.
pub unsafe fn record(buf: *const u8) -> Option<JumpRecord> {
    // SAFETY: per the caller.
    let rec = unsafe { (buf as *const JumpRecord).read_unaligned() };
    (rec.magic == MAGIC).then_some(rec)
}

#[repr(C)]
struct CatchCtx {
    /// Stack pointer saved by `jitty_sjlj_catch_call`.
    sp: u64,
}

thread_local! {
    /// The innermost catch point of this thread (null: none).
    static HEAD: Cell<*mut CatchCtx> = const { Cell::new(std::ptr::null_mut()) };
    /// The jump being delivered.
    static PENDING: Cell<Option<Jump>> = const { Cell::new(None) };
}

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
std::arch::global_asm!(
    // u64 jitty_sjlj_catch_call(CatchCtx *ctx, void (*f)(void *), void *arg)
    // Returns 0 when `f` returns, or the value passed to jitty_sjlj_throw.
    ".globl jitty_sjlj_catch_call",
    ".hidden jitty_sjlj_catch_call",
    ".type jitty_sjlj_catch_call,@function",
    "jitty_sjlj_catch_call:",
    ".cfi_startproc",
    "push rbp",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset rbp, 0",
    "push rbx",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset rbx, 0",
    "push r12",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset r12, 0",
    "push r13",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset r13, 0",
    "push r14",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset r14, 0",
    "push r15",
    ".cfi_adjust_cfa_offset 8",
    ".cfi_rel_offset r15, 0",
    "sub rsp, 8",
    ".cfi_adjust_cfa_offset 8",
    "mov [rdi], rsp",
    "mov rax, rsi",
    "mov rdi, rdx",
    "call rax",
    "xor eax, eax",
    "add rsp, 8",
    ".cfi_adjust_cfa_offset -8",
    "pop r15",
    ".cfi_adjust_cfa_offset -8",
    "pop r14",
    ".cfi_adjust_cfa_offset -8",
    "pop r13",
    ".cfi_adjust_cfa_offset -8",
    "pop r12",
    ".cfi_adjust_cfa_offset -8",
    "pop rbx",
    ".cfi_adjust_cfa_offset -8",
    "pop rbp",
    ".cfi_adjust_cfa_offset -8",
    "ret",
    ".cfi_endproc",
    ".size jitty_sjlj_catch_call, .-jitty_sjlj_catch_call",
    // noreturn jitty_sjlj_throw(CatchCtx *ctx, u64 value /* != 0 */)
    ".globl jitty_sjlj_throw",
    ".hidden jitty_sjlj_throw",
    ".type jitty_sjlj_throw,@function",
    "jitty_sjlj_throw:",
    "mov rsp, [rdi]",
    "mov rax, rsi",
    "add rsp, 8",
    "pop r15",
    "pop r14",
    "pop r13",
    "pop r12",
    "pop rbx",
    "pop rbp",
    "ret",
    ".size jitty_sjlj_throw, .-jitty_sjlj_throw",
);

#[cfg(all(target_arch = "x86_64", target_os = "linux"))]
unsafe extern "C" {
    fn jitty_sjlj_catch_call(ctx: *mut CatchCtx, f: unsafe extern "C" fn(*mut c_void), arg: *mut c_void) -> u64;
    fn jitty_sjlj_throw(ctx: *mut CatchCtx, value: u64) -> !;
}

unsafe extern "C" fn call_closure<F: FnMut()>(arg: *mut c_void) {
    // SAFETY: `arg` is the `&mut F` that `catch` passes, live for the call.
    let f = unsafe { &mut *(arg as *mut F) };
    f();
}

/// Runs `f` under a catch point: `None` when `f` returns, or the jump a
/// `longjmp` delivered to this catch point from code `f` called.
///
/// `f` must be a plain call into native code whose own frame owns nothing
/// with a destructor (it may be skipped by a jump; see the module doc).
pub fn catch<F: FnMut()>(mut f: F) -> Option<Jump> {
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    {
        let mut ctx = CatchCtx { sp: 0 };
        let prev = HEAD.with(|h| h.replace(&mut ctx));
        // SAFETY: `ctx` lives until this call returns, and it is the head of
        // the chain only meanwhile; `call_closure::<F>` gets a pointer to
        // `f`, live for the call. The callee-saved registers and the stack
        // pointer are restored by either way out of the assembly.
        let thrown = unsafe { jitty_sjlj_catch_call(&mut ctx, call_closure::<F>, &mut f as *mut F as *mut c_void) };
        HEAD.with(|h| h.set(prev));
        if thrown == 0 { None } else { PENDING.with(Cell::take) }
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    {
        f();
        None
    }
}

/// Delivers `jump` to the innermost catch point of this thread; with none,
/// ends the process with one `jitty:` line and status 125.
pub fn rethrow(jump: Jump) -> ! {
    let head = HEAD.with(Cell::get);
    if head.is_null() {
        eprintln!("jitty: longjmp to a frame that is not running (its function returned, or another thread's)");
        std::process::exit(125);
    }
    PENDING.with(|p| p.set(Some(jump)));
    #[cfg(all(target_arch = "x86_64", target_os = "linux"))]
    // SAFETY: `head` is a live catch point of this thread (`catch` unlinks
    // it before returning); the frames between it and here own nothing with
    // a destructor (module doc).
    unsafe {
        jitty_sjlj_throw(head, 1)
    }
    #[cfg(not(all(target_arch = "x86_64", target_os = "linux")))]
    {
        eprintln!("jitty: longjmp is not supported on this platform");
        std::process::exit(125);
    }
}

/// `longjmp`, `_longjmp`, `siglongjmp` and `__longjmp_chk` for every engine
/// (the image binds those names here): delivers the jump of the record in
/// `buf` to the interpreter frame that called `setjmp`, restoring the signal
/// mask if `setjmp` saved it. A `jmp_buf` filled by native code's own
/// `setjmp` goes to the C library's `siglongjmp`.
///
/// # Safety
/// `buf` must be a `jmp_buf` filled by `setjmp`, as natively.
pub unsafe extern "C" fn longjmp(buf: *mut u8, value: i32) -> ! {
    // SAFETY: per the caller.
    let Some(rec) = (unsafe { record(buf) }) else {
        // SAFETY: a native jmp_buf, set by native code's own setjmp.
        unsafe { native_siglongjmp(buf as *mut c_void, value) }
    };
    // SAFETY: `buf` is a whole jmp_buf (per the caller).
    unsafe {
        if (buf.add(MASK_SAVED_OFF) as *const i32).read_unaligned() != 0 {
            libc::pthread_sigmask(libc::SIG_SETMASK, buf.add(MASK_OFF) as *const libc::sigset_t, std::ptr::null_mut());
        }
    }
    rethrow(Jump { frame: rec.frame, resume: rec.resume, dest: rec.dest, value: if value == 0 { 1 } else { value } })
}

unsafe extern "C" {
    #[link_name = "siglongjmp"]
    fn native_siglongjmp(env: *mut c_void, value: i32) -> !;
}

/// `setjmp` reached from native code: only interpreted functions may call
/// `setjmp` (the JIT leaves them to the interpreter), so a call through a
/// function pointer from native code is refused.
extern "C" fn setjmp_from_native(_buf: *mut u8) -> i32 {
    eprintln!("jitty: setjmp called from native or JIT code (only interpreted functions may call setjmp)");
    std::process::exit(125);
}

/// True for the names of the `setjmp` family the interpreter implements.
pub fn is_setjmp(name: &str) -> bool {
    matches!(name, "setjmp" | "_setjmp" | "sigsetjmp" | "__sigsetjmp")
}

/// True for the names of the `longjmp` family bound to [`longjmp`].
pub fn is_longjmp(name: &str) -> bool {
    matches!(name, "longjmp" | "_longjmp" | "siglongjmp" | "__longjmp_chk")
}

/// The address the image gives a declared function named `name` of the
/// `setjmp`/`longjmp` family, or `None` for any other name.
pub fn builtin(name: &str) -> Option<u64> {
    if is_longjmp(name) {
        Some(longjmp as *const () as u64)
    } else if is_setjmp(name) {
        Some(setjmp_from_native as *const () as u64)
    } else {
        None
    }
}
