//! The execution engine: per-thread stacks, the dispatch loop, calls (IR,
//! native through libffi, indirect), intrinsics and the slow paths.
//!
//! Frames are windows of a per-thread register stack (`u64` slots) and
//! `alloca`s come from a per-thread bump stack that is reset on return; both
//! are reserved once per thread with `mmap`, so executing an instruction never
//! touches the heap.

mod threaded;

use crate::lower::{CallSite, FastCall, Lowered, Op, Slow, lower_in_image};
use crate::{InterpEntries, InterpError, Trap};
use jitty_ir::{FuncId, Intrinsic, Module, RmwOp};
use jitty_rt::Image;
use jitty_rt::mem::{self, rd, wr};
use jitty_rt::sjlj::{self, Jump, JumpRecord};
use jitty_sem::{self as sem, Fk, Libm, Repr, Scalar, f_get, f_put, mask64, mask128, sext64, sext128};
use std::cell::Cell;
use std::ffi::c_void;
use std::sync::atomic::{AtomicU8, AtomicU16, AtomicU32, AtomicU64, Ordering as AO};
use std::sync::{Arc, OnceLock, Weak};
use threaded::Code;

const REG_STACK_BYTES: usize = 1 << 30;
const ALLOCA_STACK_BYTES: usize = 1 << 29;
const NATIVE_STACK_MARGIN: usize = 256 * 1024;

/// Per-thread interpreter stacks.
struct ThreadState {
    regs_base: *mut u64,
    regs_len: usize,
    regs_top: Cell<usize>,
    alloca_base: u64,
    alloca_end: u64,
    alloca_top: Cell<u64>,
    stack_limit: Cell<usize>,
    fuel: Cell<u64>,
    depth: Cell<u32>,
}

/// The last serial given to a frame that called `setjmp`: process-wide and
/// never reused, so a jump record of a returned frame, or of another
/// thread's, matches no live frame of the thread that jumps.
static JMP_SERIAL: AtomicU64 = AtomicU64::new(0);

fn map_region(bytes: usize) -> *mut u8 {
    // SAFETY: anonymous private mapping; the result is checked.
    let p = unsafe {
        libc::mmap(
            std::ptr::null_mut(),
            bytes,
            libc::PROT_READ | libc::PROT_WRITE,
            libc::MAP_PRIVATE | libc::MAP_ANONYMOUS | libc::MAP_NORESERVE,
            -1,
            0,
        )
    };
    if p == libc::MAP_FAILED { std::ptr::null_mut() } else { p as *mut u8 }
}

/// About where the native stack pointer is: the address of a local of the
/// caller's frame (inlined into it).
#[inline(always)]
fn native_stack_pointer() -> usize {
    let probe = 0u8;
    std::ptr::addr_of!(probe) as usize
}

fn native_stack_low() -> usize {
    let mut attr = std::mem::MaybeUninit::<libc::pthread_attr_t>::uninit();
    // SAFETY: standard pthread attribute query for the calling thread; the
    // attribute object is destroyed after use.
    unsafe {
        if libc::pthread_getattr_np(libc::pthread_self(), attr.as_mut_ptr()) != 0 {
            return 0;
        }
        let mut addr: *mut c_void = std::ptr::null_mut();
        let mut size: libc::size_t = 0;
        let ok = libc::pthread_attr_getstack(attr.as_ptr(), &mut addr, &mut size) == 0;
        libc::pthread_attr_destroy(attr.as_mut_ptr());
        if ok { addr as usize } else { 0 }
    }
}

impl ThreadState {
    fn new() -> ThreadState {
        let regs = map_region(REG_STACK_BYTES) as *mut u64;
        let alloca = map_region(ALLOCA_STACK_BYTES) as u64;
        let (regs_len, alloca_end) = (
            if regs.is_null() { 0 } else { REG_STACK_BYTES / 8 },
            if alloca == 0 { 0 } else { alloca + ALLOCA_STACK_BYTES as u64 },
        );
        let low = native_stack_low();
        ThreadState {
            regs_base: regs,
            regs_len,
            regs_top: Cell::new(0),
            alloca_base: alloca,
            alloca_end,
            alloca_top: Cell::new(alloca),
            stack_limit: Cell::new(if low == 0 { 0 } else { low + NATIVE_STACK_MARGIN }),
            fuel: Cell::new(u64::MAX),
            depth: Cell::new(0),
        }
    }

    /// `llvm.frameaddress(0)`: the native stack pointer here less the
    /// bytes of this thread's interpreted allocas. Interpreted frames keep
    /// their memory (allocas) in a region of their own; counting it as if
    /// it continued the native stack downwards makes the address fall as
    /// interpreted calls nest and allocate, as a native frame address falls,
    /// and keeps it below the frames of the JIT or native code that called
    /// in (a callback re-entering the interpreter runs deeper on the native
    /// stack). Register windows are not counted: they hold every SSA value
    /// of a frame, which native code keeps mostly in registers, so they
    /// would make interpreted recursion look many times deeper than it is
    /// and trip stack-depth checks (QuickJS's `js_check_stack_overflow`)
    /// that native code passes.
    fn frame_address(&self) -> u64 {
        (native_stack_pointer() as u64).saturating_sub(self.alloca_top.get().saturating_sub(self.alloca_base))
    }

    #[inline]
    fn alloca(&self, size: u64, align: u64) -> Option<u64> {
        let top = self.alloca_top.get();
        let a = top.checked_add(align - 1)? & !(align - 1);
        let end = a.checked_add(size.max(1))?;
        if end > self.alloca_end {
            return None;
        }
        self.alloca_top.set(end.next_multiple_of(8));
        Some(a)
    }
}

impl Drop for ThreadState {
    fn drop(&mut self) {
        // SAFETY: unmapping the regions mapped in `new`, exactly once.
        unsafe {
            if !self.regs_base.is_null() {
                libc::munmap(self.regs_base as *mut c_void, REG_STACK_BYTES);
            }
            if self.alloca_base != 0 {
                libc::munmap(self.alloca_base as *mut c_void, ALLOCA_STACK_BYTES);
            }
        }
    }
}

thread_local! {
    static TS: ThreadState = ThreadState::new();
}

/// A frame's register window.
#[derive(Clone, Copy)]
struct Regs(*mut u64);

impl Regs {
    #[inline(always)]
    fn get(self, i: u32) -> u64 {
        // SAFETY: lowering assigns every slot operand an index below the
        // function's `nslots`, and the frame window has `nslots` slots.
        unsafe { *self.0.add(i as usize) }
    }
    #[inline(always)]
    fn set(self, i: u32, v: u64) {
        // SAFETY: as in `get`.
        unsafe { *self.0.add(i as usize) = v }
    }
    #[inline(always)]
    fn ptr(self, i: u32) -> *mut u64 {
        // SAFETY: as in `get` (pointer arithmetic stays inside the window).
        unsafe { self.0.add(i as usize) }
    }
    #[inline(always)]
    fn get128(self, i: u32) -> u128 {
        u128::from(self.get(i)) | (u128::from(self.get(i + 1)) << 64)
    }
    #[inline(always)]
    fn set128(self, i: u32, v: u128) {
        self.set(i, v as u64);
        self.set(i + 1, (v >> 64) as u64);
    }
    #[inline(always)]
    fn f64(self, i: u32) -> f64 {
        f64::from_bits(self.get(i))
    }
    #[inline(always)]
    fn f32(self, i: u32) -> f32 {
        f32::from_bits(self.get(i) as u32)
    }
    fn copy(self, d: u32, s: u32, n: u32) {
        // SAFETY: both ranges lie inside the window (lowering invariant);
        // `copy` handles overlap.
        unsafe { std::ptr::copy(self.ptr(s), self.ptr(d), n as usize) }
    }
}

type R<T> = Result<T, Box<Fail>>;

/// The caller's state of a call that runs in the caller's own dispatch
/// loop (`Inner::run_loop`), kept on the register stack just below the
/// callee's window.
#[repr(C)]
struct InlineFrame {
    f: *const Code,
    r: *mut u64,
    /// The caller's op after the call, in `f.threaded`.
    resume: *const threaded::TOp,
    jmp_frame: u64,
    alloca: u64,
    /// `regs_top` before the call (where this header starts).
    top: usize,
    cs: *const CallSite,
}

/// Slots taken by an [`InlineFrame`].
const HDR: usize = std::mem::size_of::<InlineFrame>() / 8;

impl InlineFrame {
    /// The header of the frame whose window is `r`.
    ///
    /// # Safety
    /// `r` must be the window of a frame pushed by `run_loop`'s `inline_call!`.
    #[inline(always)]
    unsafe fn read(r: Regs) -> InlineFrame {
        // SAFETY: per the caller, `HDR` slots below `r` hold the header.
        unsafe { (r.0.sub(HDR) as *const InlineFrame).read() }
    }
}

/// Pushes the frame of a call run in the caller's own dispatch loop: the
/// header `caller` (its `top` and `alloca` are filled in here), then the
/// callee's window with its constants. The arguments are the caller's to
/// write. `None`: the register stack is exhausted. `SMALL`: the caller
/// knows the image has at most eight slots (see [`copy_image`]).
#[inline(always)]
fn push_frame<const SMALL: bool>(ts: &ThreadState, callee: &Code, caller: InlineFrame) -> Option<Regs> {
    let top = ts.regs_top.get();
    let n = callee.nslots as usize;
    if top + HDR + n > ts.regs_len {
        return None;
    }
    // SAFETY: `top + HDR + n <= regs_len`: inside the mapped register stack,
    // above every live window.
    let hp = unsafe { ts.regs_base.add(top) };
    // SAFETY: as above.
    let cr = Regs(unsafe { hp.add(HDR) });
    // SAFETY: the constant image fits the window (consts.len() <= nslots).
    unsafe { copy_image::<SMALL>(&callee.consts, cr.0) };
    let h = InlineFrame { alloca: ts.alloca_top.get(), top, ..caller };
    // SAFETY: `HDR` slots at `hp`, 8-aligned, reserved above.
    unsafe { (hp as *mut InlineFrame).write(h) };
    ts.regs_top.set(top + HDR + n);
    Some(cr)
}

/// Pops the frame whose window is `r`, pushed by [`push_frame`]: the
/// register and `alloca` stacks go back to the caller's; returns the
/// caller's state.
///
/// # Safety
/// `r` is the window of a frame pushed by `push_frame` and not yet popped.
#[inline(always)]
unsafe fn pop_frame(ts: &ThreadState, r: Regs) -> InlineFrame {
    // SAFETY: per the caller.
    let h = unsafe { InlineFrame::read(r) };
    ts.regs_top.set(h.top);
    ts.alloca_top.set(h.alloca);
    h
}

/// Writes the `n` result slots at `s` of the frame whose window is `r` to
/// its call's destination in the caller's window. It reads the header
/// itself, before [`pop_frame`] reads it again: taking the header from the
/// caller keeps all seven fields live across the write, and the threaded
/// return then saves two registers (fib: 2% more instructions).
///
/// # Safety
/// As for [`pop_frame`], before it.
#[inline(always)]
unsafe fn write_result(r: Regs, s: u32, n: u32) {
    // SAFETY: per the caller.
    let h = unsafe { InlineFrame::read(r) };
    // SAFETY: the call site lives in the caller's `Lowered`.
    let cs = unsafe { &*h.cs };
    let k = n.min(cs.dest_n);
    if k == 1 {
        Regs(h.r).set(cs.dest, r.get(s));
    } else {
        // SAFETY: the callee's window holds `n >= k` slots at `s`, the
        // caller's `dest_n >= k` at `dest`; the windows are disjoint.
        unsafe { copy_slots(r.ptr(s), Regs(h.r).ptr(cs.dest), k as usize) };
    }
}

/// Writes the arguments of a direct call from window `r` into the callee's
/// window `cr` by the call site's resolved moves. `SMALL`: the caller knows
/// there are at most two.
#[inline(always)]
fn fast_moves<const SMALL: bool>(fc: &FastCall, r: Regs, cr: Regs) {
    // `s < caller.nslots`, `d < callee.nslots` (checked when `fc` was built),
    // so both are inside their windows.
    match *fc.moves {
        [] => {}
        [(s, d)] => cr.set(d, r.get(s)),
        [(s0, d0), (s1, d1), ..] if SMALL => {
            debug_assert_eq!(fc.moves.len(), 2);
            cr.set(d0, r.get(s0));
            cr.set(d1, r.get(s1));
        }
        ref moves => {
            for &(s, d) in moves {
                cr.set(d, r.get(s));
            }
        }
    }
}

/// An error on its way up, before it is given its location.
struct Fail {
    trap: Trap,
    pc: usize,
    detail: String,
    /// Already located (by an inner frame).
    located: Option<InterpError>,
    /// A `longjmp` on its way to the frame that called `setjmp`: not an
    /// error, but it unwinds the frames in between the same way.
    jump: Option<Jump>,
}

fn fail(trap: Trap, pc: usize, detail: impl Into<String>) -> Box<Fail> {
    Box::new(Fail { trap, pc, detail: detail.into(), located: None, jump: None })
}

/// The unwinding of a `longjmp` (see [`Fail::jump`]).
fn jump_fail(j: Jump) -> Box<Fail> {
    Box::new(Fail { trap: Trap::BadCall, pc: usize::MAX, detail: String::new(), located: None, jump: Some(j) })
}

struct Inner {
    image: Arc<Image>,
    code: Vec<OnceLock<Box<Code>>>,
    fuel: std::sync::Mutex<Option<u64>>,
    /// Calls from native code into IR functions (through libffi closures).
    native_entries: std::sync::atomic::AtomicU64,
}

/// The interpreter of one loaded [`Image`].
#[derive(Clone)]
pub struct Interpreter {
    inner: Arc<Inner>,
}

impl std::fmt::Debug for Interpreter {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Interpreter").field("image", &self.inner.image).finish()
    }
}

/// Stack size of the thread a program's `main` runs on (here and in
/// `jitty-exec`): deep recursion must not overflow before the native build.
pub const MAIN_STACK: usize = 1 << 30;

/// `main`'s arguments the way `lli` passes them: `argv[0]` is the program,
/// then `args`; the C strings and the NULL-terminated array live as long as
/// this value.
#[derive(Debug)]
pub struct MainArgs {
    strings: Vec<std::ffi::CString>,
    argv: Vec<u64>,
}

impl MainArgs {
    /// Builds `argv` (interior NULs are dropped).
    pub fn new(program: &str, args: &[String]) -> MainArgs {
        let strings: Vec<std::ffi::CString> = std::iter::once(program)
            .chain(args.iter().map(String::as_str))
            .map(|a| std::ffi::CString::new(a.replace('\0', "")).unwrap_or_default())
            .collect();
        let mut argv: Vec<u64> = strings.iter().map(|c| c.as_ptr() as u64).collect();
        argv.push(0);
        MainArgs { strings, argv }
    }

    /// The argument words of a `main` with `nparams` parameters (0, 2 or
    /// 3: `argc, argv, envp`), or `None` for any other arity.
    pub fn words(&self, nparams: usize) -> Option<Vec<u64>> {
        unsafe extern "C" {
            static environ: *const *const libc::c_char;
        }
        // SAFETY: reading libc's `environ` pointer.
        let envp = unsafe { environ } as u64;
        let (argc, argv) = (self.strings.len() as u64, self.argv.as_ptr() as u64);
        match nparams {
            0 => Some(vec![]),
            2 => Some(vec![argc, argv]),
            3 => Some(vec![argc, argv, envp]),
            _ => None,
        }
    }
}

impl Interpreter {
    /// Loads `module` with the [`jitty_rt::HostResolver`] and the
    /// interpreter's generic entries ([`InterpEntries`]), and makes its
    /// interpreter.
    pub fn load_host(module: Arc<Module>) -> Result<Interpreter, jitty_rt::LoadError> {
        let image = Image::load_host(module, Arc::new(InterpEntries::default()))?;
        Ok(Interpreter::new(Arc::new(image)))
    }

    /// An interpreter for `image`. If the image was loaded with
    /// [`InterpEntries`], the first interpreter created for it is the one
    /// native code enters when it calls an IR function pointer.
    pub fn new(image: Arc<Image>) -> Interpreter {
        let n = image.module().funcs.len();
        let inner = Arc::new(Inner {
            image: image.clone(),
            code: (0..n).map(|_| OnceLock::new()).collect(),
            fuel: std::sync::Mutex::new(None),
            native_entries: std::sync::atomic::AtomicU64::new(0),
        });
        // Native callers of the image's functions enter this interpreter
        // when the image's generic entries are the interpreter's.
        if let Some(entries) = (image.generic() as &dyn std::any::Any).downcast_ref::<InterpEntries>() {
            let weak: Weak<Inner> = Arc::downgrade(&inner);
            let _ = entries.hook().0.set(Box::new(move |f, args, ret| {
                let Some(inner) = weak.upgrade() else {
                    eprintln!("jitty: IR function called from native code after its interpreter was dropped");
                    std::process::abort();
                };
                match inner.enter_from_native(f, args, ret) {
                    Ok(jump) => jump,
                    // The caller is native code: the error becomes the
                    // thread's pending trap (`jitty_rt::trap`), which JIT
                    // code checks after the call and unwinds, and which the
                    // interpreter or the embedder reports.
                    Err(e) => {
                        let i = e.info();
                        let func = if i.detail.is_empty() {
                            format!("{}, interpreted, at {}", i.func, i.location)
                        } else {
                            format!("{}, interpreted, at {}: {}", i.func, i.location, i.detail)
                        };
                        jitty_rt::trap::raise(e.trap(), func);
                        None
                    }
                }
            }));
        }
        Interpreter { inner }
    }

    /// The image.
    pub fn image(&self) -> &Arc<Image> {
        &self.inner.image
    }

    /// How many times native code (host functions, JIT code) has called an
    /// IR function through its image entry and so run it on this
    /// interpreter.
    pub fn native_entries(&self) -> u64 {
        self.inner.native_entries.load(std::sync::atomic::Ordering::Relaxed)
    }

    /// Limits every top-level run to `fuel` executed instructions (`None`:
    /// unlimited). Exhaustion is [`Trap::OutOfFuel`].
    pub fn set_fuel(&self, fuel: Option<u64>) {
        *self.inner.fuel.lock().unwrap_or_else(|e| e.into_inner()) = fuel;
    }

    /// Calls IR function `func` with register-format arguments (one `u64` per
    /// slot, in parameter order; i128 takes two). Returns the result slots.
    pub fn call(&self, func: FuncId, args: &[u64]) -> Result<Vec<u64>, InterpError> {
        self.inner.call_top(func, args)
    }

    /// Calls the function named `name`.
    pub fn call_by_name(&self, name: &str, args: &[u64]) -> Result<Vec<u64>, InterpError> {
        let f = self
            .inner
            .image
            .module()
            .func_by_name(name)
            .ok_or_else(|| InterpError::new(Trap::BadCall, name, "entry", "no such function"))?;
        self.call(f, args)
    }

    /// Runs `entry` (normally `main`) like `lli`: `argv[0]` is `program`,
    /// then `args`; `main` may take 0, 2 or 3 parameters. Returns the exit
    /// code. Runs on a thread with a 1 GiB stack so deep recursion works.
    pub fn run_main(&self, entry: &str, program: &str, args: &[String]) -> Result<i32, InterpError> {
        let m = self.inner.image.module().clone();
        let f = m
            .func_by_name(entry)
            .filter(|f| !m.func(*f).is_declaration())
            .ok_or_else(|| InterpError::new(Trap::BadCall, entry, "entry", "no such function defined"))?;
        let nparams = m.func(f).params.len();
        let main_args = MainArgs::new(program, args);
        let call_args = main_args.words(nparams).ok_or_else(|| {
            InterpError::new(Trap::BadCall, entry, "entry", format!("main with {nparams} parameters"))
        })?;
        let me = self.clone();
        let res = std::thread::Builder::new()
            .name("jitty-main".into())
            .stack_size(MAIN_STACK)
            .spawn(move || {
                for c in me.structors("llvm.global_ctors") {
                    me.call(c, &[])?;
                }
                let r = me.call(f, &call_args)?;
                for d in me.structors("llvm.global_dtors") {
                    me.call(d, &[])?;
                }
                Ok(r)
            })
            .map_err(|e| InterpError::new(Trap::BadCall, entry, "entry", format!("cannot spawn: {e}")))?
            .join()
            .map_err(|_| InterpError::new(Trap::BadCall, entry, "entry", "interpreter thread panicked"))?;
        drop(main_args);
        let r = res?;
        Ok(r.first().copied().unwrap_or(0) as u32 as i32)
    }

    /// The functions listed in `@llvm.global_ctors` / `@llvm.global_dtors`
    /// (`{ i32 priority, ptr fn, ptr data }` entries), by ascending priority.
    pub fn structors(&self, name: &str) -> Vec<FuncId> {
        let m = self.inner.image.module();
        let Some(jitty_ir::Symbol::Global(g)) = m.symbol(name) else { return Vec::new() };
        let Some(init) = m.global(g).init else { return Vec::new() };
        let jitty_ir::ConstData::Aggregate { elems, .. } = m.constant(init) else { return Vec::new() };
        let mut out: Vec<(u128, FuncId)> = Vec::new();
        for &e in elems {
            let jitty_ir::ConstData::Aggregate { elems: fields, .. } = m.constant(e) else { continue };
            let prio = match fields.first().map(|&c| m.constant(c)) {
                Some(jitty_ir::ConstData::Int { bits, .. }) => *bits,
                _ => u128::MAX,
            };
            if let Some(jitty_ir::ConstData::Func { id, .. }) = fields.get(1).map(|&c| m.constant(c))
                && !m.func(*id).is_declaration()
                && m.func(*id).params.is_empty()
            {
                out.push((prio, *id));
            }
        }
        out.sort_by_key(|p| p.0);
        out.into_iter().map(|p| p.1).collect()
    }

    /// The lowered code of `func` (lowering it now if needed).
    pub fn lowered(&self, func: FuncId) -> &Lowered {
        self.inner.code(func)
    }
}

impl Inner {
    fn m(&self) -> &Module {
        self.image.module()
    }

    #[inline]
    fn code(&self, f: FuncId) -> &Code {
        self.code[f.index()].get_or_init(|| Box::new(Code::new(lower_in_image(&self.image, f))))
    }

    #[allow(clippy::boxed_local)]
    fn locate(&self, f: &Lowered, e: Box<Fail>) -> InterpError {
        if let Some(l) = e.located {
            return l;
        }
        if e.jump.is_some() {
            return InterpError::new(
                Trap::BadCall,
                f.name.clone(),
                "longjmp",
                "longjmp to a frame that is not running (its function returned)",
            );
        }
        let detail = if e.detail.is_empty() {
            f.ops.get(e.pc).map_or(String::new(), |op| match op {
                Op::Trap { msg, .. } => f.msgs.get(*msg as usize).cloned().unwrap_or_default(),
                _ => String::new(),
            })
        } else {
            e.detail
        };
        InterpError::new(e.trap, f.name.clone(), f.location(self.m(), e.pc), detail)
    }

    fn call_top(&self, func: FuncId, args: &[u64]) -> Result<Vec<u64>, InterpError> {
        let m = self.m();
        let fd = m.func(func);
        if fd.is_declaration() {
            return Err(InterpError::new(Trap::BadCall, fd.name.clone(), "entry", "function has no body"));
        }
        let fuel = *self.fuel.lock().unwrap_or_else(|e| e.into_inner());
        TS.with(|ts| {
            let top_level = ts.depth.get() == 0;
            let saved_fuel = ts.fuel.get();
            if top_level {
                ts.fuel.set(fuel.unwrap_or(u64::MAX));
            }
            let f = self.code(func);
            let want: u32 = f.params.iter().map(|p| p.1).sum();
            if want as usize != args.len() {
                return Err(InterpError::new(
                    Trap::BadCall,
                    f.name.clone(),
                    "entry",
                    format!("expected {want} argument slots, got {}", args.len()),
                ));
            }
            let r = self.with_frame(ts, f, |regs| {
                let mut k = 0;
                for &(s, n) in &f.params {
                    for j in 0..n {
                        regs.set(s + j, args[k]);
                        k += 1;
                    }
                }
                Ok(())
            });
            let out = match r {
                Ok((base, n)) => {
                    let regs = Regs(base);
                    Ok((0..n).map(|i| regs.get(i)).collect())
                }
                Err(e) => Err(self.locate(f, e)),
            };
            if top_level {
                ts.fuel.set(saved_fuel);
            }
            out
        })
    }

    /// Pushes a frame for `f`, lets `init` fill the parameters, runs `f`
    /// and pops the frame. Returns the frame base (whose first slots hold the
    /// result, valid until the next push) and the result slot count.
    #[inline]
    fn with_frame(&self, ts: &ThreadState, f: &Code, init: impl FnOnce(Regs) -> R<()>) -> R<(*mut u64, u32)> {
        let top = ts.regs_top.get();
        let n = f.nslots as usize;
        if top + n > ts.regs_len {
            return Err(fail(Trap::StackOverflow, 0, "register stack exhausted"));
        }
        // SAFETY: `top + n <= regs_len`, inside the mapped register stack.
        let base = unsafe { ts.regs_base.add(top) };
        // SAFETY: the constant image fits the frame (consts.len() <= nslots).
        unsafe { copy_image::<false>(&f.consts, base) };
        ts.regs_top.set(top + n);
        let regs = Regs(base);
        let r = init(regs).and_then(|()| {
            ts.depth.set(ts.depth.get() + 1);
            let r = self.run(ts, f, regs);
            ts.depth.set(ts.depth.get() - 1);
            r
        });
        ts.regs_top.set(top);
        r.map(|n| (base, n))
    }

    /// Called by a libffi closure: converts native arguments, runs, writes
    /// the native return value. `Ok(Some(jump))`: a `longjmp` to a frame
    /// outside this activation unwound it; the caller re-throws it
    /// natively once it owns nothing ([`sjlj::rethrow`]).
    fn enter_from_native(
        &self,
        func: FuncId,
        args: *const *const c_void,
        ret: *mut c_void,
    ) -> Result<Option<Jump>, InterpError> {
        self.native_entries.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let m = self.m();
        let fd = m.func(func);
        TS.with(|ts| {
            let top_level = ts.depth.get() == 0;
            if top_level {
                ts.fuel.set(self.fuel.lock().unwrap_or_else(|e| e.into_inner()).unwrap_or(u64::MAX));
            }
            let f = self.code(func);
            let saved_alloca = ts.alloca_top.get();
            let r = self.with_frame(ts, f, |regs| {
                if f.varargs {
                    // SAFETY: a variadic function's generic entry is its
                    // variadic closure (`InterpEntries`).
                    return unsafe { variadic_entry_args(ts, m, fd, f, args, regs) };
                }
                for (k, p) in fd.params.iter().enumerate() {
                    let (s, _) = f.params[k];
                    // SAFETY: libffi passes one valid pointer per parameter.
                    let ap = unsafe { *args.add(k) } as u64;
                    if p.attrs.byval.is_some() {
                        regs.set(s, ap);
                    } else {
                        let r = sem::repr_of(m, p.ty).unwrap_or(Repr::None);
                        // SAFETY: `ap` points to a value of the parameter's type.
                        unsafe { mem::load_repr(&r, ap, regs.ptr(s)) };
                    }
                }
                Ok(())
            });
            ts.alloca_top.set(saved_alloca);
            match r {
                Ok((base, _)) => {
                    let (rt, _, _) = m.types.func_sig(fd.ty).unwrap_or((fd.ty, &[], false));
                    let r = sem::repr_of(m, rt).unwrap_or(Repr::None);
                    // SAFETY: `ret` is libffi's return buffer for this type
                    // (at least 8 bytes); `base` holds the result slots.
                    unsafe {
                        match r {
                            Repr::S(Scalar::I(b)) if b <= 64 => {
                                let v = *base;
                                let v = if fd.ret_attrs.signext { sext64(v, b) as u64 } else { v };
                                *(ret as *mut u64) = v;
                            }
                            Repr::None => {}
                            r => mem::store_repr(&r, ret as u64, base),
                        }
                    }
                    Ok(None)
                }
                Err(e) => match e.jump {
                    Some(j) => Ok(Some(j)),
                    None => Err(self.locate(f, e)),
                },
            }
        })
    }

    /// Executes `f` in frame `regs`. On return the result is in slots `0..n`.
    fn run(&self, ts: &ThreadState, f: &Code, regs: Regs) -> R<u32> {
        if native_stack_pointer() < ts.stack_limit.get() {
            return Err(fail(Trap::StackOverflow, 0, "native stack exhausted"));
        }
        let saved_alloca = ts.alloca_top.get();
        let r = self.run_loop(ts, f, regs);
        ts.alloca_top.set(saved_alloca);
        r
    }

    #[inline(never)]
    fn run_loop(&self, ts: &ThreadState, f0: &Code, r0: Regs) -> R<u32> {
        // The running frame: its code, registers, next op and the serial it
        // got when it called setjmp (0: never). A direct or indirect call to
        // an IR function runs in this same loop (`inline_call!`): the
        // caller's state goes into an `InlineFrame` header below the
        // callee's window on the register stack, and `nested` counts those
        // frames above the one this loop was entered with.
        let mut f: &Code = f0;
        let mut r = r0;
        let mut pc: usize = 0;
        let mut fuel = ts.fuel.get();
        let mut jmp_frame: u64 = 0;
        let mut nested: u32 = 0;
        let mut lp = threaded::Loop { ts, f, r: r.0, jmp_frame, nested };
        // Returns to the caller of an inline frame.
        macro_rules! pop {
            () => {{
                // SAFETY: `nested > 0`: `inline_call!` (or a threaded call)
                // pushed this frame.
                let h = unsafe { pop_frame(ts, r) };
                // SAFETY: the caller's code: a `Lowered` owned by `self`
                // (or the caller's), which outlives this loop.
                f = unsafe { &*h.f };
                r = Regs(h.r);
                // SAFETY: `h.resume` is an op of the caller's code.
                pc = unsafe { h.resume.offset_from(f.threaded.as_ptr()) } as usize;
                jmp_frame = h.jmp_frame;
                nested -= 1;
            }};
        }
        loop {
            let err: Box<Fail> = 'body: {
                macro_rules! tryb {
                    ($res:expr) => {
                        match $res {
                            Ok(v) => v,
                            Err(e) => break 'body e,
                        }
                    };
                }
                // A call of IR function `$callee` (not variadic, no `byval`
                // argument) run in this loop: the caller's state goes into a
                // header on the register stack, the callee's window follows it,
                // with its constants and the arguments copied straight into its
                // parameter slots.
                macro_rules! inline_call {
                    ($callee:expr, $cs:expr) => {{
                        let cs: &CallSite = $cs;
                        let callee: &Code = $callee;
                        // SAFETY: `pc`, the op after the call, is an op of `f`.
                        let resume = unsafe { f.threaded.as_ptr().add(pc) };
                        let caller = InlineFrame { f, r: r.0, resume, jmp_frame, alloca: 0, top: 0, cs };
                        let Some(cr) = push_frame::<false>(ts, callee, caller) else {
                            break 'body fail(Trap::StackOverflow, pc - 1, "register stack exhausted");
                        };
                        for (a, &(ps, pn)) in cs.args.iter().zip(&callee.params) {
                            // SAFETY: both windows hold these slots (lowering).
                            unsafe { copy_slots(r.ptr(a.slot), cr.ptr(ps), pn.min(a.n) as usize) };
                        }
                        f = callee;
                        r = cr;
                        pc = 0;
                        jmp_frame = 0;
                        nested += 1;
                    }};
                }
                // The result of a call: a longjmp to this frame resumes after its
                // setjmp; any other error goes up.
                macro_rules! call_result {
            ($res:expr) => {
                match $res {
                    Ok(()) => {}
                    Err(e) => match e.jump {
                        Some(j) if jmp_frame != 0 && j.frame == jmp_frame => {
                            let (resume, dest) = (j.resume as usize, j.dest as u32);
                            if !matches!(f.ops.get(resume.wrapping_sub(1)), Some(Op::SetJmp { d, .. }) if *d == dest) {
                                break 'body fail(Trap::BadCall, pc - 1, "longjmp with a corrupted jmp_buf");
                            }
                            r.set(dest, u64::from(j.value as u32));
                            pc = resume;
                        }
                        Some(_) => break 'body e,
                        None => break 'body self.wrap(f, pc - 1, e),
                    },
                }
            };
        }
                macro_rules! charge {
                    ($cost:expr) => {{
                        let c = u64::from($cost);
                        if fuel < c {
                            ts.fuel.set(0);
                            break 'body fail(Trap::OutOfFuel, pc - 1, "");
                        }
                        fuel -= c;
                    }};
                }
                loop {
                    // The simple ops, calls and returns run threaded
                    // (`threaded`) until an op this `match` executes; the
                    // running frame may have changed by then.
                    lp.f = f;
                    lp.r = r.0;
                    lp.jmp_frame = jmp_frame;
                    lp.nested = nested;
                    // SAFETY: `pc` is an op of `f` (every block ends in a
                    // terminator; branch targets and resume points are op
                    // indices); `r` is `f`'s window.
                    let stop = unsafe { threaded::enter(&mut lp, pc, fuel) };
                    fuel = stop.fuel;
                    // SAFETY: threaded calls and returns leave the running
                    // code, owned by the interpreter, in `lp.f`.
                    f = unsafe { &*lp.f };
                    r = Regs(lp.r);
                    jmp_frame = lp.jmp_frame;
                    nested = lp.nested;
                    // SAFETY: `stop.ip` is an op of the running code, `f`.
                    pc = unsafe { stop.ip.offset_from(f.threaded.as_ptr()) } as usize;
                    // SAFETY: as above.
                    let op = unsafe { &(*stop.ip).op };
                    pc += 1;
                    #[cfg(feature = "op-stats")]
                    crate::opstats::record(op);
                    match *op {
                        // A threaded branch stops here only when its cost
                        // exceeds the fuel left.
                        Op::Br { cost, .. }
                        | Op::CondBr { cost, .. }
                        | Op::BrEq { cost, .. }
                        | Op::BrNe { cost, .. }
                        | Op::BrUlt { cost, .. }
                        | Op::BrUle { cost, .. }
                        | Op::BrUgt { cost, .. }
                        | Op::BrUge { cost, .. }
                        | Op::BrSlt32 { cost, .. }
                        | Op::BrSle32 { cost, .. }
                        | Op::BrSgt32 { cost, .. }
                        | Op::BrSge32 { cost, .. }
                        | Op::BrSlt64 { cost, .. }
                        | Op::BrSle64 { cost, .. }
                        | Op::BrSgt64 { cost, .. }
                        | Op::BrSge64 { cost, .. }
                        | Op::Switch { cost, .. } => {
                            debug_assert!(fuel < u64::from(cost));
                            ts.fuel.set(0);
                            break 'body fail(Trap::OutOfFuel, pc - 1, "");
                        }
                        // A threaded return stops here only from the frame
                        // this loop was entered with, or when its cost
                        // exceeds the fuel left; returns to inline frames
                        // are the handler's.
                        Op::Ret { cost, .. } | Op::RetVoid { cost } if nested != 0 => {
                            charge!(cost);
                            break 'body fail(
                                Trap::BadCall,
                                pc - 1,
                                "internal: a threaded return reached the dispatch loop",
                            );
                        }
                        Op::Ret { s, n, cost } => {
                            charge!(cost);
                            ts.fuel.set(fuel);
                            if n == 1 {
                                r.set(0, r.get(s));
                            } else {
                                r.copy(0, s, n);
                            }
                            return Ok(n);
                        }
                        Op::RetVoid { cost } => {
                            charge!(cost);
                            ts.fuel.set(fuel);
                            return Ok(0);
                        }
                        Op::Trap { kind, .. } => {
                            ts.fuel.set(fuel);
                            break 'body fail(kind, pc - 1, "");
                        }
                        Op::IBin { op, bits, d, a, b } => {
                            let v = tryb!(sem::int_bin64(op, r.get(a), r.get(b), u32::from(bits)).map_err(|t| fail(
                                t,
                                pc - 1,
                                ""
                            )));
                            r.set(d, v);
                        }
                        Op::IBin128 { op, bits, d, a, b } => {
                            let v =
                                tryb!(sem::int_bin(op, r.get128(a), r.get128(b), u32::from(bits)).map_err(|t| fail(
                                    t,
                                    pc - 1,
                                    ""
                                )));
                            r.set128(d, v);
                        }
                        Op::Alloca { d, size, align } => {
                            let p = tryb!(ts.alloca(u64::from(size), u64::from(align)).ok_or_else(|| fail(
                                Trap::StackOverflow,
                                pc - 1,
                                "alloca stack exhausted"
                            )));
                            r.set(d, p);
                        }
                        Op::AllocaDyn { d, count, info } => {
                            let (size, align, w) = f.allocas[info as usize];
                            let n = r.get(count) & mask64(w.min(64));
                            let p =
                                tryb!(
                                    size.checked_mul(n)
                                        .and_then(|t| ts.alloca(t, u64::from(align)))
                                        .ok_or_else(|| fail(Trap::StackOverflow, pc - 1, "alloca stack exhausted"))
                                );
                            r.set(d, p);
                        }
                        Op::Call { site } => {
                            // SAFETY: lowering numbers the call sites of `f`
                            // `0..f.calls.len()`.
                            let cs = unsafe { f.calls.get_unchecked(site as usize) };
                            // The threaded `Call` takes the call site's fast path
                            // (`FastCall`); it stops here for the first call, a
                            // plugged callee or an exhausted register stack.
                            let target = cs.target.unwrap_or(FuncId(0));
                            // Code plugged into the callee (the JIT's) runs natively.
                            if cs.sig.is_ok() && self.image.plugged(target).is_some() {
                                ts.fuel.set(fuel);
                                call_result!(self.call_native(f, r, site, cs.addr));
                                fuel = ts.fuel.get();
                            } else {
                                let callee = self.code(target);
                                if cs.no_byval && !callee.varargs {
                                    if cs.fast.get().is_none() {
                                        let _ = cs.fast.set(fast_call(f, cs, callee, cs.addr));
                                    }
                                    inline_call!(callee, cs);
                                } else {
                                    ts.fuel.set(fuel);
                                    call_result!(self.call_ir(ts, f, r, site, None));
                                    fuel = ts.fuel.get();
                                }
                            }
                        }
                        Op::CallNative { site } => {
                            let cs = &f.calls[site as usize];
                            ts.fuel.set(fuel);
                            call_result!(self.call_native(f, r, site, cs.addr));
                            fuel = ts.fuel.get();
                        }
                        Op::SetJmp { d, buf, save } => {
                            if jmp_frame == 0 {
                                jmp_frame = JMP_SERIAL.fetch_add(1, AO::Relaxed) + 1;
                            }
                            let save_mask = match save {
                                crate::lower::SAVE_NEVER => false,
                                crate::lower::SAVE_ALWAYS => true,
                                s => r.get(s) as u32 != 0,
                            };
                            let rec = JumpRecord {
                                magic: sjlj::MAGIC,
                                frame: jmp_frame,
                                resume: pc as u64,
                                dest: u64::from(d),
                            };
                            // SAFETY: `buf` is the program's jmp_buf, as natively.
                            unsafe { sjlj::set(r.get(buf) as *mut u8, rec, save_mask) };
                            r.set(d, 0);
                        }
                        Op::CallInd { site } => {
                            let cs = &f.calls[site as usize];
                            let addr = r.get(cs.callee);
                            ts.fuel.set(fuel);
                            if addr == 0 {
                                break 'body fail(Trap::NullCall, pc - 1, "");
                            }
                            match self.image.func_at(addr) {
                                Some(fid) if cs.sig.is_err() || self.image.plugged(fid).is_none() => {
                                    let callee = self.code(fid);
                                    if cs.no_byval && !callee.varargs {
                                        // The threaded `CallInd` takes this path
                                        // for `addr` from now on.
                                        if cs.fast.get().is_none() {
                                            let _ = cs.fast.set(fast_call(f, cs, callee, addr));
                                        }
                                        inline_call!(callee, cs);
                                    } else {
                                        call_result!(self.call_ir(ts, f, r, site, Some(fid)));
                                        fuel = ts.fuel.get();
                                    }
                                }
                                // Native code, or code plugged into an IR function.
                                _ => {
                                    call_result!(self.call_native(f, r, site, addr));
                                    fuel = ts.fuel.get();
                                }
                            }
                        }
                        Op::VIBin { op, bits, len, d, a, b } => {
                            let n = usize::from(len);
                            if n <= 16 {
                                // The result goes to a buffer first: `d` may be `a` or `b`.
                                let mut out = [0u64; 16];
                                // SAFETY: the window holds `len` slots at `a` and at
                                // `b` (lowering); nothing writes them while these
                                // shared slices live.
                                let (x, y) = unsafe {
                                    (std::slice::from_raw_parts(r.ptr(a), n), std::slice::from_raw_parts(r.ptr(b), n))
                                };
                                tryb!(
                                    sem::int_bin64_lanes(op, x, y, &mut out[..n], u32::from(bits)).map_err(|t| fail(
                                        t,
                                        pc - 1,
                                        ""
                                    ))
                                );
                                // SAFETY: the window holds `len` slots at `d`; `out` is a local.
                                unsafe { copy_slots(out.as_ptr(), r.ptr(d), n) };
                            } else {
                                for l in 0..u32::from(len) {
                                    let v = tryb!(
                                        sem::int_bin64(op, r.get(a + l), r.get(b + l), u32::from(bits))
                                            .map_err(|t| fail(t, pc - 1, ""))
                                    );
                                    r.set(d + l, v);
                                }
                            }
                        }
                        Op::Intr { info } => {
                            tryb!(intrinsic(ts, f, r, info).map_err(|t| fail(t, pc - 1, "")));
                        }
                        Op::Slow { info } => tryb!(slow(ts, f, r, info).map_err(|t| fail(t, pc - 1, ""))),
                        _ => {
                            break 'body fail(
                                Trap::BadCall,
                                pc - 1,
                                "internal: a threaded op reached the dispatch loop",
                            );
                        } // Every other op runs threaded and never stops here.
                    }
                }
            };
            // Unwinding: `err` happened in frame `f` at `pc`. Each inline frame
            // is popped as `call_ir` returns an error: located in its function,
            // then handled by its caller as the result of the call (a `longjmp`
            // to the caller resumes it after its setjmp).
            let mut e = err;
            loop {
                if nested == 0 {
                    return Err(e);
                }
                if e.located.is_none() && e.pc != usize::MAX && e.jump.is_none() {
                    let l = self.locate(f, e);
                    e = Box::new(Fail { trap: l.trap(), pc: 0, detail: String::new(), located: Some(l), jump: None });
                }
                pop!();
                match e.jump {
                    Some(j) if jmp_frame != 0 && j.frame == jmp_frame => {
                        let (resume, dest) = (j.resume as usize, j.dest as u32);
                        if !matches!(f.ops.get(resume.wrapping_sub(1)), Some(Op::SetJmp { d, .. }) if *d == dest) {
                            e = fail(Trap::BadCall, pc - 1, "longjmp with a corrupted jmp_buf");
                            continue;
                        }
                        r.set(dest, u64::from(j.value as u32));
                        pc = resume;
                        break;
                    }
                    Some(_) => {}
                    None => e = self.wrap(f, pc - 1, e),
                }
            }
        }
    }

    /// Locates an error from a callee at the call instruction if it has no
    /// location yet.
    fn wrap(&self, f: &Lowered, pc: usize, mut e: Box<Fail>) -> Box<Fail> {
        if e.located.is_none() && e.pc == usize::MAX {
            e.pc = pc;
            let l = self.locate(f, e);
            return Box::new(Fail { trap: l.trap(), pc, detail: String::new(), located: Some(l), jump: None });
        }
        e
    }

    fn call_ir(&self, ts: &ThreadState, f: &Lowered, r: Regs, site: u32, target: Option<FuncId>) -> R<()> {
        let cs = &f.calls[site as usize];
        let target = target.or(cs.target).unwrap_or(FuncId(0));
        let callee = self.code(target);
        let saved_alloca = ts.alloca_top.get();
        let res = self.with_frame(ts, callee, |cr| {
            let np = callee.params.len();
            for (k, a) in cs.args.iter().enumerate() {
                if k < np {
                    let (ps, pn) = callee.params[k];
                    if let Some((size, align)) = a.byval {
                        let p = ts
                            .alloca(u64::from(size), u64::from(align))
                            .ok_or_else(|| fail(Trap::StackOverflow, usize::MAX, "alloca stack exhausted"))?;
                        // SAFETY: byval source is the caller's pointer (its
                        // obligation); `p` is fresh alloca space of `size`.
                        unsafe {
                            std::ptr::copy_nonoverlapping(r.get(a.slot) as *const u8, p as *mut u8, size as usize)
                        };
                        cr.set(ps, p);
                    } else {
                        let n = pn.min(a.n);
                        // SAFETY: both windows hold these slots (lowering).
                        unsafe { copy_slots(r.ptr(a.slot), cr.ptr(ps), n as usize) };
                    }
                }
            }
            if callee.varargs {
                let area = self.layout_varargs(ts, r, &cs.args[np.min(cs.args.len())..])?;
                // Every variadic argument in the overflow area.
                let tmpl = va_template(ts, 48, 176, area, area)?;
                cr.set(callee.va_slot, tmpl);
            }
            Ok(())
        });
        ts.alloca_top.set(saved_alloca);
        match res {
            Ok((base, n)) => {
                let n = n.min(cs.dest_n);
                // SAFETY: `base` holds `n` result slots; the destination
                // window holds `dest_n >= n` slots.
                unsafe { copy_slots(base, r.ptr(cs.dest), n as usize) };
                Ok(())
            }
            Err(e) => {
                if e.located.is_some() || e.pc == usize::MAX || e.jump.is_some() {
                    Err(e)
                } else {
                    let l = self.locate(callee, e);
                    Err(Box::new(Fail { trap: l.trap(), pc: 0, detail: String::new(), located: Some(l), jump: None }))
                }
            }
        }
    }

    /// Lays variadic arguments out as the SysV overflow area does.
    fn layout_varargs(&self, ts: &ThreadState, r: Regs, args: &[crate::lower::ArgSlot]) -> R<u64> {
        let mut size = 0u64;
        for a in args {
            let (sz, al) = vararg_size(a);
            size = size.next_multiple_of(al) + sz;
        }
        let base = ts
            .alloca(size.max(8), 16)
            .ok_or_else(|| fail(Trap::StackOverflow, usize::MAX, "alloca stack exhausted"))?;
        let mut off = 0u64;
        for a in args {
            let (sz, al) = vararg_size(a);
            off = off.next_multiple_of(al);
            // SAFETY: `base..base+size` is fresh alloca space; sources are
            // frame slots or the caller's byval pointer.
            unsafe {
                match (&a.byval, &a.repr) {
                    (Some((bs, _)), _) => {
                        std::ptr::copy_nonoverlapping(r.get(a.slot) as *const u8, (base + off) as *mut u8, *bs as usize)
                    }
                    (None, Repr::S(Scalar::F(Fk::F80))) => mem::store_repr(&a.repr, base + off, r.ptr(a.slot)),
                    (None, Repr::S(Scalar::F(Fk::F32))) => {
                        wr::<u64>(base + off, f64::from(f32::from_bits(r.get(a.slot) as u32)).to_bits())
                    }
                    (None, Repr::S(Scalar::I(b))) if *b <= 64 => wr::<u64>(base + off, r.get(a.slot)),
                    _ => mem::store_repr(&a.repr, base + off, r.ptr(a.slot)),
                }
            }
            off += sz;
        }
        Ok(base)
    }

    fn call_native(&self, f: &Lowered, r: Regs, site: u32, addr: u64) -> R<()> {
        let cs = &f.calls[site as usize];
        let sig = match &cs.sig {
            Ok(s) => s,
            Err(e) => return Err(fail(Trap::Unsupported, usize::MAX, format!("native call: {e}"))),
        };
        const MAXA: usize = 24;
        let n = cs.args.len();
        let mut ptrs_a = [std::ptr::null_mut::<c_void>(); MAXA];
        let mut tmp_a = [[0u64; 2]; MAXA];
        let mut ptrs_v;
        let mut tmp_v;
        let (ptrs, tmp): (&mut [*mut c_void], &mut [[u64; 2]]) = if n <= MAXA {
            (&mut ptrs_a[..n], &mut tmp_a[..n])
        } else {
            ptrs_v = vec![std::ptr::null_mut::<c_void>(); n];
            tmp_v = vec![[0u64; 2]; n];
            (&mut ptrs_v[..], &mut tmp_v[..])
        };
        for (k, a) in cs.args.iter().enumerate() {
            ptrs[k] = if a.byval.is_some() {
                r.get(a.slot) as *mut c_void
            } else if let Repr::S(Scalar::F(Fk::F80)) = a.repr {
                // SAFETY: `tmp[k]` has 16 bytes for the 80-bit value.
                unsafe { mem::store_repr(&a.repr, tmp[k].as_mut_ptr() as u64, r.ptr(a.slot)) };
                tmp[k].as_mut_ptr() as *mut c_void
            } else {
                r.ptr(a.slot) as *mut c_void
            };
        }
        let ret_bytes = match &sig.ret {
            Repr::A { size, .. } => *size as usize,
            _ => 16,
        };
        let mut ret_a = [0u64; 8];
        let mut ret_v;
        let ret: &mut [u64] = if ret_bytes <= 64 {
            &mut ret_a
        } else {
            ret_v = vec![0u64; ret_bytes.div_ceil(8)];
            &mut ret_v
        };
        let (args_p, ret_p) = (ptrs.as_mut_ptr(), ret.as_mut_ptr() as *mut c_void);
        // Under a catch point: a longjmp from the callee (or below) to an
        // interpreted frame comes back here. The closure only makes the
        // libffi call with pointers prepared above and owns nothing, so
        // skipping its frame is sound (`jitty_rt::sjlj`).
        // SAFETY: the cif matches the call site's types; argument pointers
        // point to values of those types; the return buffer is large enough.
        if let Some(j) = sjlj::catch(|| unsafe { sig.call(addr, args_p, ret_p) }) {
            return Err(jump_fail(j));
        }
        // Compiled code the callee ran (plugged code, a callback) trapped:
        // the trap surfaces here, at the call.
        if jitty_rt::trap::pending()
            && let Some(t) = jitty_rt::trap::take()
        {
            return Err(fail(t.kind, usize::MAX, format!("in compiled code of @{}", t.func)));
        }
        if cs.dest_n > 0 {
            // SAFETY: `ret` holds the returned value; the destination window
            // holds `dest_n` slots.
            unsafe { crate::ffi::ret_to_slots(&sig.ret, ret.as_ptr(), r.ptr(cs.dest)) };
        }
        Ok(())
    }
}

/// The SysV `va_list` a variadic frame's `va_start` copies (its `va_slot`
/// points to it), in alloca space: `gp_offset`, `fp_offset`, the overflow
/// area and the register save area.
fn va_template(ts: &ThreadState, gp: u32, fp: u32, overflow: u64, save: u64) -> R<u64> {
    let t = ts.alloca(24, 8).ok_or_else(|| fail(Trap::StackOverflow, usize::MAX, "alloca stack exhausted"))?;
    // SAFETY: fresh alloca space of 24 bytes.
    unsafe {
        wr::<u32>(t, gp);
        wr::<u32>(t + 4, fp);
        wr::<u64>(t + 8, overflow);
        wr::<u64>(t + 16, save);
    }
    Ok(t)
}

/// Reads the fixed parameters of a variadic function entered from native
/// code and makes its `va_list` template. `args` is what the variadic
/// entry's libffi closure passes (`crate::ffi::VARIADIC_ENTRY_ARGS`
/// pointers): the six integer registers, the eight vector registers, and
/// the first stack slot. libffi saves the registers in the SysV register
/// save area's layout (GPRs at 0..48, XMMs at 48..176, 16 bytes apart),
/// which is checked here, so that area is the `va_list`'s.
///
/// # Safety
/// `args` must be the argument array of a variadic entry's closure.
unsafe fn variadic_entry_args(
    ts: &ThreadState,
    m: &Module,
    fd: &jitty_ir::Function,
    f: &Lowered,
    args: *const *const c_void,
    regs: Regs,
) -> R<()> {
    // SAFETY: the closure passes VARIADIC_ENTRY_ARGS pointers.
    let arg = |k: usize| unsafe { *args.add(k) } as u64;
    let save = arg(0);
    let layout_ok =
        (0..6).all(|k| arg(k) == save + 8 * k as u64) && (0..8).all(|k| arg(6 + k) == save + 48 + 16 * k as u64);
    if !layout_ok {
        return Err(fail(
            Trap::Unsupported,
            usize::MAX,
            "libffi's closure registers are not a SysV register save area",
        ));
    }
    let mut overflow = arg(14);
    let (mut gp, mut fp) = (0u64, 0u64);
    for (k, p) in fd.params.iter().enumerate() {
        let (s, _) = f.params[k];
        let r = sem::repr_of(m, p.ty).unwrap_or(Repr::None);
        let src = match r {
            Repr::S(Scalar::F(Fk::F32 | Fk::F64)) if fp < 8 => {
                fp += 1;
                save + 48 + 16 * (fp - 1)
            }
            Repr::S(Scalar::I(1..=64) | Scalar::P) if gp < 6 => {
                gp += 1;
                save + 8 * (gp - 1)
            }
            _ => {
                overflow += 8;
                overflow - 8
            }
        };
        // SAFETY: `src` is the parameter's register image or stack slot
        // (the entry only exists for scalar parameters of at most 8 bytes).
        unsafe { mem::load_repr(&r, src, regs.ptr(s)) };
    }
    let tmpl = va_template(ts, (gp * 8) as u32, (48 + fp * 16) as u32, overflow, save)?;
    regs.set(f.va_slot, tmpl);
    Ok(())
}

/// Copies `n` slots; a plain loop for the usual handful (avoids a libc
/// `memmove` call per IR call).
///
/// Applies the move list `f.moves[info]` in frame `r`. Out of line: its
/// loop in the dispatch loop made the loop's register allocation worse
/// (callgrind).
#[inline(never)]
fn apply_moves(r: Regs, f: &Lowered, info: u32) {
    // SAFETY: lowering numbers move lists `0..moves.len()`; their slots lie
    // in the frame.
    for &(d, s) in unsafe { f.moves.get_unchecked(info as usize) }.iter() {
        r.set(d, r.get(s));
    }
}

/// Whether code is plugged into `l`'s dispatch slot (the JIT's): one load
/// and a compare, the test every direct call makes.
#[inline(always)]
fn plugged(l: &Lowered) -> bool {
    l.plug_slot != 0 && {
        // SAFETY: `plug_slot` is the address of the function's slot, an
        // `AtomicU64` owned by the image's entry stubs; the interpreter
        // holds the image (`Inner::image`) as long as this code.
        let slot = unsafe { &*(l.plug_slot as *const AtomicU64) };
        slot.load(AO::Acquire) != l.plug_generic
    }
}

/// The fast path of call site `cs` of `caller` to `callee` (see
/// [`FastCall`]): its argument moves, slot by slot, each checked to lie in
/// both windows.
fn fast_call(caller: &Lowered, cs: &CallSite, callee: &Code, addr: u64) -> FastCall {
    let mut moves = Vec::new();
    for (a, &(ps, pn)) in cs.args.iter().zip(&callee.params) {
        for j in 0..pn.min(a.n) {
            let (s, d) = (a.slot + j, ps + j);
            assert!(s < caller.nslots && d < callee.nslots, "argument slot outside its frame");
            moves.push((s, d));
        }
    }
    let small = matches!(callee.consts.len(), 0 | 4 | 8) && moves.len() <= 2;
    FastCall { callee: std::ptr::from_ref(callee) as usize, addr, moves: moves.into_boxed_slice(), small }
}

/// Copies a constant image (see [`Lowered::consts`]: a multiple of four
/// slots) into a new frame at `dst`, four slots at a time. `SMALL`: the
/// image has at most eight slots, so no `memcpy` call.
///
/// # Safety
/// `dst` valid for `src.len()` slots, not overlapping `src`.
#[inline(always)]
unsafe fn copy_image<const SMALL: bool>(src: &[u64], dst: *mut u64) {
    debug_assert!(src.len().is_multiple_of(4) && (!SMALL || src.len() <= 8));
    let (s, d) = (src.as_ptr() as *const [u64; 4], dst as *mut [u64; 4]);
    // SAFETY: per the caller; `[u64; 4]` has the alignment of `u64`, and
    // the image holds `src.len() / 4` whole groups.
    unsafe {
        match src.len() {
            0 => {}
            4 => *d = *s,
            8 => {
                *d = *s;
                *d.add(1) = *s.add(1);
            }
            n => {
                if SMALL {
                    std::hint::unreachable_unchecked();
                }
                std::ptr::copy_nonoverlapping(src.as_ptr(), dst, n)
            }
        }
    }
}

/// # Safety
/// Both ranges valid for `n` slots and not overlapping.
#[inline(always)]
unsafe fn copy_slots(src: *const u64, dst: *mut u64, n: usize) {
    if n <= 32 {
        for i in 0..n {
            // SAFETY: `i < n`, both ranges valid per the caller.
            unsafe { *dst.add(i) = *src.add(i) };
        }
    } else {
        // SAFETY: per the caller.
        unsafe { std::ptr::copy_nonoverlapping(src, dst, n) };
    }
}

/// A load executed on behalf of the IR program.
#[inline(always)]
fn ld<T: Copy>(addr: u64) -> T {
    // SAFETY: the interpreter runs the program on real process memory; the
    // validity of this address is the IR program's obligation exactly as it
    // is for the program compiled natively (jitty's reference semantics).
    unsafe { rd::<T>(addr) }
}

/// A store executed on behalf of the IR program.
#[inline(always)]
fn st<T: Copy>(addr: u64, v: T) {
    // SAFETY: as for `ld`.
    unsafe { wr::<T>(addr, v) }
}

fn vararg_size(a: &crate::lower::ArgSlot) -> (u64, u64) {
    if let Some((s, al)) = a.byval {
        return (u64::from(s).next_multiple_of(8), if al > 8 { 16 } else { 8 });
    }
    match &a.repr {
        Repr::S(Scalar::F(Fk::F80)) => (16, 16),
        Repr::S(Scalar::I(b)) if *b > 64 => (16, 16),
        Repr::S(_) => (8, 8),
        Repr::A { size, .. } => (u64::from(*size).next_multiple_of(8), 8),
        r => (u64::from(r.slots()) * 8, 8),
    }
}

fn get_scalar(r: Regs, s: u32, sc: Scalar) -> u128 {
    if sc.slots() == 2 { r.get128(s) } else { u128::from(r.get(s)) }
}

fn set_scalar(r: Regs, s: u32, sc: Scalar, v: u128) {
    if sc.slots() == 2 {
        r.set128(s, v);
    } else {
        r.set(s, v as u64);
    }
}

/// Writes an aggregate `{ T, i1 }`-style pair (value then flag) as the
/// memory image the register file holds for it.
fn set_pair(r: Regs, d: u32, ret: &Repr, v: u128, flag: bool, bits: u32) {
    let Repr::A { size, ty: _ } = ret else { return };
    let vbytes = bits.div_ceil(8).next_power_of_two().max(1) as u64;
    let base = r.ptr(d) as u64;
    // SAFETY: the destination window holds `size` bytes (the pair's image);
    // the flag's offset is the value's alloc size, inside it.
    unsafe {
        std::ptr::write_bytes(base as *mut u8, 0, *size as usize);
        mem::wr_bytes(base, vbytes.min(16) as usize, v);
        wr::<u8>(base + vbytes.min(u64::from(*size) - 1), u8::from(flag));
    }
}

#[inline(never)]
fn intrinsic(ts: &ThreadState, f: &Lowered, r: Regs, info: u32) -> Result<(), Trap> {
    let it = &f.intrs[info as usize];
    let a = &it.args;
    let d = it.d;
    let arg_sc = match it.arg_repr {
        Repr::S(s) => Some(s),
        _ => None,
    };
    let bits = arg_sc.map_or(64, |s| s.int_bits());
    let x = |i: usize| -> u128 { arg_sc.map_or(0, |s| get_scalar(r, a[i], s)) };
    let fk = |s: Option<Scalar>| match s {
        Some(Scalar::F(k)) => k,
        _ => Fk::F64,
    };
    let fx = |i: usize| -> f64 { f_get(r.get(a[i]), fk(arg_sc)) };
    use Intrinsic as I;
    match it.which {
        I::SAddWithOverflow
        | I::UAddWithOverflow
        | I::SSubWithOverflow
        | I::USubWithOverflow
        | I::SMulWithOverflow
        | I::UMulWithOverflow => {
            let op = sem::OverflowOp::of(it.which).unwrap_or(sem::OverflowOp::UMul);
            if let Repr::V { elem, len, .. } = it.arg_repr {
                // `{ <N x iK>, <N x i1> }`: lane by lane into register
                // images of both vectors, then stored into the pair's image.
                let (Repr::A { size, .. }, Some((off, flag_repr))) = (&it.ret_repr, &it.flags) else {
                    return Err(Trap::Unsupported);
                };
                let n = elem.slots();
                let mut vals = vec![0u64; (len * n) as usize];
                let mut flags = vec![0u64; len as usize];
                for l in 0..len {
                    let (p, q) = (get_scalar(r, a[0] + l * n, elem), get_scalar(r, a[1] + l * n, elem));
                    let (v, ov) = sem::with_overflow(op, p, q, elem.int_bits());
                    vals[(l * n) as usize] = v as u64;
                    if n == 2 {
                        vals[(l * n + 1) as usize] = (v >> 64) as u64;
                    }
                    flags[l as usize] = u64::from(ov);
                }
                let base = r.ptr(d) as u64;
                // SAFETY: the destination window holds the pair's `size`-byte
                // image; both fields lie inside it (offsets from the layout),
                // and `vals`/`flags` hold the slots of each field's repr.
                unsafe {
                    std::ptr::write_bytes(base as *mut u8, 0, *size as usize);
                    mem::store_repr(&it.arg_repr, base, vals.as_ptr());
                    mem::store_repr(flag_repr, base + u64::from(*off), flags.as_ptr());
                }
            } else {
                let (v, ov) = sem::with_overflow(op, x(0), x(1), bits);
                set_pair(r, d, &it.ret_repr, v, ov, bits);
            }
        }
        I::SAddSat | I::UAddSat | I::SSubSat | I::USubSat | I::SShlSat | I::UShlSat => {
            let op = sem::SatOp::of(it.which).unwrap_or(sem::SatOp::UAdd);
            if let Repr::V { elem, len, .. } = it.arg_repr {
                let n = elem.slots();
                let b = elem.int_bits();
                for l in 0..len {
                    let (p, q) = (get_scalar(r, a[0] + l * n, elem), get_scalar(r, a[1] + l * n, elem));
                    set_scalar(r, d + l * n, elem, sem::saturating(op, p, q, b));
                }
            } else {
                set_scalar(r, d, Scalar::I(bits), sem::saturating(op, x(0), x(1), bits));
            }
        }
        I::SMax | I::SMin | I::UMax | I::UMin => {
            if let Repr::V { elem, len, .. } = it.arg_repr {
                let n = elem.slots();
                let b = elem.int_bits();
                for l in 0..len {
                    let (p, q) = (get_scalar(r, a[0] + l * n, elem), get_scalar(r, a[1] + l * n, elem));
                    set_scalar(r, d + l * n, elem, minmax(it.which, p, q, b));
                }
            } else {
                let v = minmax(it.which, x(0), x(1), bits);
                set_scalar(r, d, Scalar::I(bits), v);
            }
        }
        I::Abs => {
            let do_abs = |v: u128, b: u32| (sext128(v, b).unsigned_abs()) & mask128(b);
            if let Repr::V { elem, len, .. } = it.arg_repr {
                let n = elem.slots();
                for l in 0..len {
                    let v = get_scalar(r, a[0] + l * n, elem);
                    set_scalar(r, d + l * n, elem, do_abs(v, elem.int_bits()));
                }
            } else {
                set_scalar(r, d, Scalar::I(bits), do_abs(x(0), bits));
            }
        }
        I::SCmp | I::UCmp => lanewise(r, it)?,
        I::CtPop | I::Ctlz | I::Cttz | I::BSwap | I::BitReverse => {
            let one = |v: u128, b: u32| -> u128 {
                match it.which {
                    I::CtPop => u128::from(v.count_ones()),
                    I::Ctlz => u128::from(v.leading_zeros() - (128 - b)),
                    I::Cttz => u128::from(v.trailing_zeros().min(b)),
                    I::BSwap => v.swap_bytes() >> (128 - b),
                    _ => v.reverse_bits() >> (128 - b),
                }
            };
            if let Repr::V { elem, len, .. } = it.arg_repr {
                let n = elem.slots();
                for l in 0..len {
                    let v = get_scalar(r, a[0] + l * n, elem);
                    set_scalar(r, d + l * n, elem, one(v, elem.int_bits()));
                }
            } else {
                set_scalar(r, d, Scalar::I(bits), one(x(0), bits));
            }
        }
        I::Fshl | I::Fshr => lanewise(r, it)?,
        I::StackSave => r.set(d, ts.alloca_top.get()),
        I::StackRestore => {
            let p = r.get(a[0]);
            if p >= ts.alloca_base && p <= ts.alloca_end {
                ts.alloca_top.set(p);
            }
        }
        I::IsConstant => r.set(d, 0),
        I::ObjectSize => {
            let min = a.get(1).map_or(0, |&s| r.get(s) & 1);
            r.set(d, if min != 0 { 0 } else { u64::MAX });
        }
        I::AllowRuntimeCheck | I::AllowUbsanCheck => r.set(d, 1),
        I::ThreadLocalAddress | I::InvariantStart => r.set(d, r.get(a[0])),
        I::FAbs
        | I::Sqrt
        | I::Floor
        | I::Ceil
        | I::Trunc
        | I::Round
        | I::RoundEven
        | I::Rint
        | I::NearbyInt
        | I::Exp
        | I::Exp2
        | I::Log
        | I::Log2
        | I::Log10
        | I::Sin
        | I::Cos
        | I::Canonicalize => {
            let k = fk(arg_sc);
            let one = |v: f64, k: Fk| -> f64 {
                let libm = |f| sem::libm1(f, v, k);
                match it.which {
                    I::FAbs => v.abs(),
                    I::Sqrt => v.sqrt(),
                    I::Floor => v.floor(),
                    I::Ceil => v.ceil(),
                    I::Trunc => v.trunc(),
                    I::Round => v.round(),
                    I::RoundEven | I::Rint | I::NearbyInt => v.round_ties_even(),
                    I::Exp => libm(Libm::Exp),
                    I::Exp2 => libm(Libm::Exp2),
                    I::Log => libm(Libm::Ln),
                    I::Log2 => libm(Libm::Log2),
                    I::Log10 => libm(Libm::Log10),
                    I::Sin => libm(Libm::Sin),
                    I::Cos => libm(Libm::Cos),
                    _ => v,
                }
            };
            if let Repr::V { elem: Scalar::F(ek), len, .. } = it.arg_repr {
                for l in 0..len {
                    r.set(d + l, f_put(one(f_get(r.get(a[0] + l), ek), ek), ek));
                }
            } else if k == Fk::F32 && matches!(it.which, I::Sqrt) {
                r.set(d, u64::from(r.f32(a[0]).sqrt().to_bits()));
            } else {
                r.set(d, f_put(one(fx(0), k), k));
            }
        }
        I::CopySign | I::MinNum | I::MaxNum | I::Minimum | I::Maximum | I::Pow => {
            let k = fk(arg_sc);
            let two = |p: f64, q: f64, k: Fk| -> f64 {
                match it.which {
                    I::CopySign => p.copysign(q),
                    I::MinNum => p.min(q),
                    I::MaxNum => p.max(q),
                    I::Minimum => sem::minimum(p, q),
                    I::Maximum => sem::maximum(p, q),
                    _ => sem::pow(p, q, k),
                }
            };
            if let Repr::V { elem: Scalar::F(ek), len, .. } = it.arg_repr {
                for l in 0..len {
                    let v = two(f_get(r.get(a[0] + l), ek), f_get(r.get(a[1] + l), ek), ek);
                    r.set(d + l, f_put(v, ek));
                }
            } else {
                r.set(d, f_put(two(fx(0), fx(1), k), k));
            }
        }
        I::PowI => lanewise(r, it)?,
        I::Fma | I::FMulAdd => {
            let k = fk(arg_sc);
            if let Repr::V { elem: Scalar::F(ek), len, .. } = it.arg_repr {
                for l in 0..len {
                    if ek == Fk::F32 {
                        // In `float`: an `f64` sum of the exact product would
                        // round twice.
                        let f = |i: usize| f32::from_bits(r.get(a[i] + l) as u32);
                        let v = if it.which == I::FMulAdd { f(0) * f(1) + f(2) } else { f(0).mul_add(f(1), f(2)) };
                        r.set(d + l, u64::from(v.to_bits()));
                        continue;
                    }
                    let (p, q, z) =
                        (f_get(r.get(a[0] + l), ek), f_get(r.get(a[1] + l), ek), f_get(r.get(a[2] + l), ek));
                    let v = if it.which == I::FMulAdd { p * q + z } else { p.mul_add(q, z) };
                    r.set(d + l, f_put(v, ek));
                }
            } else if it.which == I::FMulAdd {
                // Unfused, as x86-64 without FMA computes it.
                if k == Fk::F32 {
                    r.set(d, u64::from((r.f32(a[0]) * r.f32(a[1]) + r.f32(a[2])).to_bits()));
                } else {
                    r.set(d, f_put(fx(0) * fx(1) + fx(2), k));
                }
            } else if k == Fk::F32 {
                r.set(d, u64::from(r.f32(a[0]).mul_add(r.f32(a[1]), r.f32(a[2])).to_bits()));
            } else {
                r.set(d, f_put(fx(0).mul_add(fx(1), fx(2)), k));
            }
        }
        I::LRint | I::LLRint | I::LRound | I::LLRound | I::FpToSiSat | I::FpToUiSat | I::IsFpClass => lanewise(r, it)?,
        I::Modf => {
            // `{ T, T }` for a float or float vector `T`: both parts lane by
            // lane, stored into the pair's image at the fields' offsets.
            let (Repr::A { size, .. }, Some((int_off, _))) = (&it.ret_repr, &it.flags) else {
                return Err(Trap::Unsupported);
            };
            let (k, len) = match it.arg_repr {
                Repr::S(Scalar::F(k)) => (k, 1),
                Repr::V { elem: Scalar::F(k), len, .. } => (k, len),
                _ => return Err(Trap::Unsupported),
            };
            let mut frac = vec![0u64; len as usize];
            let mut int = vec![0u64; len as usize];
            for l in 0..len {
                let (fp, ip) = sem::modf(f_get(r.get(a[0] + l), k));
                frac[l as usize] = f_put(fp, k);
                int[l as usize] = f_put(ip, k);
            }
            let base = r.ptr(d) as u64;
            // SAFETY: the destination window holds the pair's `size`-byte
            // image; both fields lie inside it (offsets from the layout),
            // and `frac`/`int` hold one slot per lane of the field's repr.
            unsafe {
                std::ptr::write_bytes(base as *mut u8, 0, *size as usize);
                mem::store_repr(&it.arg_repr, base, frac.as_ptr());
                mem::store_repr(&it.arg_repr, base + u64::from(*int_off), int.as_ptr());
            }
        }
        I::FrameAddress => {
            let depth = a.first().map_or(0, |&s| r.get(s) as u32);
            r.set(d, if depth == 0 { ts.frame_address() } else { 0 });
        }
        I::VectorReduceAdd
        | I::VectorReduceMul
        | I::VectorReduceAnd
        | I::VectorReduceOr
        | I::VectorReduceXor
        | I::VectorReduceSMax
        | I::VectorReduceSMin
        | I::VectorReduceUMax
        | I::VectorReduceUMin => {
            let Repr::V { elem, len, .. } = it.arg_repr else { return Err(Trap::Unsupported) };
            let n = elem.slots();
            let b = elem.int_bits();
            let mut acc = get_scalar(r, a[0], elem);
            for l in 1..len {
                let v = get_scalar(r, a[0] + l * n, elem);
                acc = match it.which {
                    I::VectorReduceAdd => acc.wrapping_add(v) & mask128(b),
                    I::VectorReduceMul => acc.wrapping_mul(v) & mask128(b),
                    I::VectorReduceAnd => acc & v,
                    I::VectorReduceOr => acc | v,
                    I::VectorReduceXor => acc ^ v,
                    I::VectorReduceSMax => minmax(I::SMax, acc, v, b),
                    I::VectorReduceSMin => minmax(I::SMin, acc, v, b),
                    I::VectorReduceUMax => acc.max(v),
                    _ => acc.min(v),
                };
            }
            set_scalar(r, d, elem, acc);
        }
        I::CttzElts => {
            // Index of the first set lane of an <N x i1>; N when none is set
            // (the poison case of `is_zero_poison` gets the same answer).
            let (&Repr::V { elem, len, .. }, &Repr::S(out)) = (&it.arg_repr, &it.ret_repr) else {
                return Err(Trap::Unsupported);
            };
            let n = elem.slots();
            let first = (0..len).find(|&l| get_scalar(r, a[0] + l * n, elem) != 0).unwrap_or(len);
            set_scalar(r, d, out, u128::from(first));
        }
        _ => return Err(Trap::Unsupported),
    }
    Ok(())
}

/// The scalar of a scalar repr, or the element of a vector repr, and the
/// lane count (1 for scalars).
fn lanes_of(rep: &Repr) -> Option<(Scalar, u32)> {
    match *rep {
        Repr::S(s) => Some((s, 1)),
        Repr::V { elem, len, .. } => Some((elem, len)),
        _ => None,
    }
}

/// Element-wise intrinsics on scalars and on vectors alike: each lane of
/// the result is [`lane_op`] of the same lane of the operands. Operands
/// that are scalars in the vector form (`powi`'s exponent, `is.fpclass`'s
/// test mask) are the same for every lane.
fn lanewise(r: Regs, it: &crate::lower::IntrSite) -> Result<(), Trap> {
    let (Some((elem, len)), Some((out, out_len))) = (lanes_of(&it.arg_repr), lanes_of(&it.ret_repr)) else {
        return Err(Trap::Unsupported);
    };
    if out_len != len {
        return Err(Trap::Unsupported);
    }
    let n = elem.slots();
    let shared = |i: usize| matches!(it.which, Intrinsic::PowI | Intrinsic::IsFpClass) && i == 1;
    for l in 0..len {
        let mut xs = [0u128; 3];
        for (i, x) in xs.iter_mut().enumerate().take(it.args.len()) {
            *x = if shared(i) { u128::from(r.get(it.args[i])) } else { get_scalar(r, it.args[i] + l * n, elem) };
        }
        set_scalar(r, it.d + l * out.slots(), out, lane_op(it.which, &xs, elem, out)?);
    }
    Ok(())
}

/// One lane of an element-wise intrinsic: operands `xs` of lane type
/// `arg`, result of lane type `out`.
fn lane_op(which: Intrinsic, xs: &[u128; 3], arg: Scalar, out: Scalar) -> Result<u128, Trap> {
    use Intrinsic as I;
    let bits = arg.int_bits();
    let fx = |i: usize| -> f64 {
        match arg {
            Scalar::F(k) => f_get(xs[i] as u64, k),
            _ => 0.0,
        }
    };
    let rb = out.int_bits();
    Ok(match which {
        I::SCmp | I::UCmp => {
            let (p, q) = (xs[0], xs[1]);
            let o = if which == I::SCmp { sext128(p, bits).cmp(&sext128(q, bits)) } else { p.cmp(&q) };
            let v: i128 = match o {
                std::cmp::Ordering::Less => -1,
                std::cmp::Ordering::Equal => 0,
                std::cmp::Ordering::Greater => 1,
            };
            v as u128 & mask128(rb)
        }
        I::Fshl | I::Fshr => {
            let (hi, lo, s) = (xs[0], xs[1], xs[2] % u128::from(bits));
            let m = mask128(bits);
            if s == 0 {
                if which == I::Fshl { hi } else { lo }
            } else if which == I::Fshl {
                ((hi << s) | (lo >> (u128::from(bits) - s))) & m
            } else {
                ((lo >> s) | (hi << (u128::from(bits) - s))) & m
            }
        }
        I::PowI => {
            let Scalar::F(k) = arg else { return Err(Trap::Unsupported) };
            let e = xs[1] as u32 as i32;
            if k == Fk::F32 {
                u128::from(f32::from_bits(xs[0] as u32).powi(e).to_bits())
            } else {
                u128::from(f_put(fx(0).powi(e), k))
            }
        }
        I::LRint | I::LLRint | I::LRound | I::LLRound => {
            let v = fx(0);
            let v = if matches!(which, I::LRound | I::LLRound) { v.round() } else { v.round_ties_even() };
            u128::from((v as i64 as u64) & mask64(rb.min(64)))
        }
        I::FpToSiSat | I::FpToUiSat => {
            let v = fx(0);
            if which == I::FpToSiSat {
                let lo = if rb >= 128 { i128::MIN } else { -(1i128 << (rb - 1)) };
                let hi = if rb >= 128 { i128::MAX } else { (1i128 << (rb - 1)) - 1 };
                if v.is_nan() { 0 } else { (v as i128).clamp(lo, hi) as u128 & mask128(rb) }
            } else if v.is_nan() {
                0
            } else {
                (v as u128).min(mask128(rb))
            }
        }
        I::IsFpClass => {
            let Scalar::F(k) = arg else { return Err(Trap::Unsupported) };
            u128::from(sem::fp_class(xs[0] as u64, k) & (xs[1] as u32) != 0)
        }
        _ => return Err(Trap::Unsupported),
    })
}

fn minmax(which: Intrinsic, p: u128, q: u128, bits: u32) -> u128 {
    match which {
        Intrinsic::UMax => p.max(q),
        Intrinsic::UMin => p.min(q),
        Intrinsic::SMax => {
            if sext128(p, bits) >= sext128(q, bits) {
                p
            } else {
                q
            }
        }
        _ => {
            if sext128(p, bits) <= sext128(q, bits) {
                p
            } else {
                q
            }
        }
    }
}

// Out of line, like `intrinsic`: inlined, these big functions crowded the
// dispatch loop's registers.
#[inline(never)]
fn slow(ts: &ThreadState, f: &Lowered, r: Regs, info: u32) -> Result<(), Trap> {
    let _ = ts;
    match &f.slow[info as usize] {
        // Packed `double` and `float` lanes: one slot each, the rule is
        // `float_bin`'s as for every float lane.
        Slow::VBin { op, elem: Scalar::F(Fk::F64), len, d, a, b } => {
            for l in 0..*len {
                r.set(d + l, sem::float_bin(*op, r.f64(a + l), r.f64(b + l)).to_bits());
            }
        }
        Slow::VBin { op, elem: Scalar::F(Fk::F32), len, d, a, b } => {
            for l in 0..*len {
                r.set(d + l, u64::from(sem::float_bin32(*op, r.f32(a + l), r.f32(b + l)).to_bits()));
            }
        }
        Slow::VBin { op, elem, len, d, a, b } => {
            let n = elem.slots();
            for l in 0..*len {
                let (x, y) = (get_scalar(r, a + l * n, *elem), get_scalar(r, b + l * n, *elem));
                let v = match elem {
                    Scalar::F(k) => {
                        u128::from(f_put(sem::float_bin(*op, f_get(x as u64, *k), f_get(y as u64, *k)), *k))
                    }
                    s => sem::int_bin(*op, x, y, s.int_bits())?,
                };
                set_scalar(r, d + l * n, *elem, v);
            }
        }
        Slow::VICmp { pred, elem, len, d, a, b } => {
            let n = elem.slots();
            for l in 0..*len {
                let (x, y) = (get_scalar(r, a + l * n, *elem), get_scalar(r, b + l * n, *elem));
                r.set(d + l, u64::from(sem::icmp(*pred, x, y, elem.int_bits())));
            }
        }
        Slow::VFCmp { pred, k, len, d, a, b } => {
            for l in 0..*len {
                r.set(d + l, u64::from(sem::fcmp(*pred, f_get(r.get(a + l), *k), f_get(r.get(b + l), *k))));
            }
        }
        Slow::VFNeg { k, len, d, s } => {
            for l in 0..*len {
                r.set(d + l, f_put(-f_get(r.get(s + l), *k), *k));
            }
        }
        Slow::VCast { op, from, to, len, d, s } => {
            let (fnn, tn) = (from.slots(), to.slots());
            // Read all lanes first: source and destination never overlap, but
            // keep it simple and safe.
            for l in 0..*len {
                let v = get_scalar(r, s + l * fnn, *from);
                set_scalar(r, d + l * tn, *to, sem::cast_scalar(*op, v, *from, *to));
            }
        }
        Slow::VSelect { elem_n, len, d, c, t, f: fl } => {
            for l in 0..*len {
                let src = if r.get(c + l) & 1 != 0 { t } else { fl };
                r.copy(d + l * elem_n, src + l * elem_n, *elem_n);
            }
        }
        Slow::ExtractElt { elem_n, len, d, v, i } => {
            let idx = r.get(*i);
            if idx < u64::from(*len) {
                r.copy(*d, v + idx as u32 * elem_n, *elem_n);
            } else {
                for j in 0..*elem_n {
                    r.set(d + j, 0);
                }
            }
        }
        Slow::InsertElt { elem_n, len, n, d, v, e, i } => {
            let idx = r.get(*i);
            let mut tmp = [0u64; 2];
            for j in 0..*elem_n {
                tmp[j as usize] = r.get(e + j);
            }
            r.copy(*d, *v, *n);
            if idx < u64::from(*len) {
                for j in 0..*elem_n {
                    r.set(d + idx as u32 * elem_n + j, tmp[j as usize]);
                }
            }
        }
        Slow::Shuffle { elem_n, len_a, d, a, b, mask } => {
            // Gather into a small stack buffer first (d may alias a or b only
            // if lowering reused slots, which it does not; still cheap).
            let total = mask.len() * *elem_n as usize;
            let mut buf = [0u64; 16];
            let mut big;
            let out: &mut [u64] = if total <= 16 {
                &mut buf[..total]
            } else {
                big = vec![0u64; total];
                &mut big
            };
            for (l, &mi) in mask.iter().enumerate() {
                for j in 0..*elem_n {
                    out[l * *elem_n as usize + j as usize] = if mi < 0 {
                        0
                    } else if (mi as u32) < *len_a {
                        r.get(a + mi as u32 * elem_n + j)
                    } else {
                        r.get(b + (mi as u32 - len_a) * elem_n + j)
                    };
                }
            }
            for (k, v) in out.iter().enumerate() {
                r.set(d + k as u32, *v);
            }
        }
        Slow::Bitcast { from, to, d, s } => {
            let mut buf = [0u64; 32];
            // SAFETY: both types have the same size (IR rule) and fit the
            // 256-byte buffer (checked); frame windows hold the slots.
            unsafe {
                if from.slots() > 32 || to.slots() > 32 {
                    return Err(Trap::Unsupported);
                }
                mem::store_repr(from, buf.as_mut_ptr() as u64, r.ptr(*s));
                mem::load_repr(to, buf.as_ptr() as u64, r.ptr(*d));
            }
        }
        Slow::ExtractV { r: rep, off, d, s } => {
            // SAFETY: the aggregate's image lives in its slots; `off` plus the
            // element size is within it (lowering computed it from layout).
            unsafe { mem::load_repr(rep, r.ptr(*s) as u64 + u64::from(*off), r.ptr(*d)) }
        }
        Slow::InsertV { r: rep, off, n, d, s, v } => {
            r.copy(*d, *s, *n);
            // SAFETY: as for ExtractV, on the destination image.
            unsafe { mem::store_repr(rep, r.ptr(*d) as u64 + u64::from(*off), r.ptr(*v)) }
        }
        Slow::Rmw { op, s, d, a, v } => {
            let old = rmw(*op, *s, r.get(*a), r.get(*v));
            r.set(*d, old);
        }
        Slow::CmpXchg { s, d, a, c, n } => {
            let addr = r.get(*a);
            let (cmp, new) = (r.get(*c), r.get(*n));
            // SAFETY: atomic access to the IR program's address, as natively.
            let (old, ok) = unsafe {
                match s.int_bits() {
                    8 => cx(AtomicU8::from_ptr(addr as *mut u8).compare_exchange(
                        cmp as u8,
                        new as u8,
                        AO::SeqCst,
                        AO::SeqCst,
                    )),
                    16 => cx(AtomicU16::from_ptr(addr as *mut u16).compare_exchange(
                        cmp as u16,
                        new as u16,
                        AO::SeqCst,
                        AO::SeqCst,
                    )),
                    32 => cx(AtomicU32::from_ptr(addr as *mut u32).compare_exchange(
                        cmp as u32,
                        new as u32,
                        AO::SeqCst,
                        AO::SeqCst,
                    )),
                    _ => cx(AtomicU64::from_ptr(addr as *mut u64).compare_exchange(cmp, new, AO::SeqCst, AO::SeqCst)),
                }
            };
            let bytes = (s.int_bits() / 8).max(1);
            let base = r.ptr(*d) as u64;
            // SAFETY: the `{T, i1}` result image has room for T and the flag.
            unsafe {
                mem::wr_bytes(base, bytes as usize, u128::from(old));
                wr::<u8>(base + u64::from(bytes), u8::from(ok));
            }
        }
        Slow::AtomicStore { s, v, a } => {
            let _ = s;
            // SAFETY: atomic access to the IR program's address.
            unsafe { AtomicU64::from_ptr(r.get(*a) as *mut u64).store(r.get(*v), AO::SeqCst) };
        }
        Slow::LoadRelative { d, p, off, off_bits } => {
            let base = r.get(*p);
            let off = sext64(r.get(*off), *off_bits);
            let rel: i32 = ld(base.wrapping_add(off as u64));
            r.set(*d, sem::load_relative(base, rel));
        }
        Slow::VGep { len, d, base, base_vec, off, terms } => {
            // Lanes are computed into a buffer first: the destination may
            // share slots with an operand only if the IR reuses a value
            // (it never does in SSA), but a buffer costs nothing here.
            let mut lanes = [0u64; 64];
            let mut big = Vec::new();
            let buf: &mut [u64] = if *len as usize <= lanes.len() {
                &mut lanes[..*len as usize]
            } else {
                big.resize(*len as usize, 0);
                &mut big
            };
            for (l, out) in buf.iter_mut().enumerate() {
                let l = l as u32;
                let b = r.get(if *base_vec { base + l } else { *base });
                let idx = terms
                    .iter()
                    .map(|&(s, scale, bits, vec)| (sext64(r.get(if vec { s + l } else { s }), bits), scale));
                *out = sem::gep_address(b, *off, idx);
            }
            for (l, v) in buf.iter().enumerate() {
                r.set(d + l as u32, *v);
            }
        }
        Slow::VaStart { a } => {
            let list = r.get(*a);
            let tmpl = r.get(f.va_slot);
            // SAFETY: `list` points to a va_list (24 bytes) per the IR;
            // `tmpl` is the frame's va_list template (`va_template`).
            unsafe { std::ptr::copy_nonoverlapping(tmpl as *const u8, list as *mut u8, 24) };
        }
        Slow::WBin { op, bits, d, a, b } => {
            let (x, y) = (read_wide(r, *a, *bits), read_wide(r, *b, *bits));
            let v = sem::wide_bin(*op, &x, &y, *bits)?;
            write_wide(r, *d, *bits, &v);
        }
        Slow::WCmp { pred, bits, d, a, b } => {
            let (x, y) = (read_wide(r, *a, *bits), read_wide(r, *b, *bits));
            r.set(*d, u64::from(sem::wide_icmp(*pred, &x, &y, *bits)));
        }
        Slow::WCast { op, from, to, d, s } => {
            let x = read_wide(r, *s, *from);
            let mut v = if *op == jitty_ir::CastOp::SExt { sem::wide_sext(&x, *from) } else { x };
            sem::wide_norm(&mut v, *to);
            write_wide(r, *d, *to, &v);
        }
        Slow::VaCopy { d, s } => {
            // SAFETY: both point to va_lists (24 bytes).
            unsafe { std::ptr::copy_nonoverlapping(r.get(*s) as *const u8, r.get(*d) as *mut u8, 24) };
        }
        Slow::VaArg { r: rep, d, list } => {
            let l = r.get(*list);
            // SAFETY: `l` is a SysV va_list; reading per its layout.
            unsafe {
                let is_fp = matches!(rep, Repr::S(Scalar::F(Fk::F32 | Fk::F64)));
                let gp = rd::<u32>(l);
                let fp = rd::<u32>(l + 4);
                let src = if matches!(rep, Repr::S(Scalar::I(1..=64) | Scalar::P)) && gp < 48 {
                    wr::<u32>(l, gp + 8);
                    rd::<u64>(l + 16) + u64::from(gp)
                } else if is_fp && fp < 176 {
                    wr::<u32>(l + 4, fp + 16);
                    rd::<u64>(l + 16) + u64::from(fp)
                } else {
                    let mut p = rd::<u64>(l + 8);
                    let (sz, al) = match rep {
                        Repr::S(Scalar::F(Fk::F80)) => (16, 16),
                        Repr::S(Scalar::I(b)) if *b > 64 => (16, 16),
                        Repr::A { size, .. } => (u64::from(*size).next_multiple_of(8), 8),
                        _ => (8, 8),
                    };
                    p = p.next_multiple_of(al);
                    wr::<u64>(l + 8, p + sz);
                    p
                };
                if let Repr::S(Scalar::F(Fk::F32)) = rep {
                    r.set(*d, u64::from((f64::from_bits(rd::<u64>(src)) as f32).to_bits()));
                } else {
                    mem::load_repr(rep, src, r.ptr(*d));
                }
            }
        }
    }
    Ok(())
}

fn read_wide(r: Regs, s: u32, bits: u32) -> sem::Wide {
    let mut w = [0u64; sem::WIDE_LIMBS];
    for (i, l) in w.iter_mut().enumerate().take(sem::limbs(bits)) {
        *l = r.get(s + i as u32);
    }
    w
}

fn write_wide(r: Regs, d: u32, bits: u32, v: &sem::Wide) {
    for (i, l) in v.iter().enumerate().take(sem::limbs(bits)) {
        r.set(d + i as u32, *l);
    }
}

fn cx<T: Into<u64>>(r: Result<T, T>) -> (u64, bool) {
    match r {
        Ok(v) => (v.into(), true),
        Err(v) => (v.into(), false),
    }
}

fn rmw_val(op: RmwOp, s: Scalar, old: u64, v: u64) -> u64 {
    let bits = s.int_bits();
    let m = mask64(bits);
    match op {
        RmwOp::Xchg => v,
        RmwOp::Add => old.wrapping_add(v) & m,
        RmwOp::Sub => old.wrapping_sub(v) & m,
        RmwOp::And => old & v,
        RmwOp::Nand => !(old & v) & m,
        RmwOp::Or => old | v,
        RmwOp::Xor => old ^ v,
        RmwOp::Max => {
            if sext64(old, bits) >= sext64(v, bits) {
                old
            } else {
                v
            }
        }
        RmwOp::Min => {
            if sext64(old, bits) <= sext64(v, bits) {
                old
            } else {
                v
            }
        }
        RmwOp::UMax => old.max(v),
        RmwOp::UMin => old.min(v),
        RmwOp::FAdd | RmwOp::FSub | RmwOp::FMax | RmwOp::FMin => {
            let k = match s {
                Scalar::F(k) => k,
                _ => Fk::F64,
            };
            let (x, y) = (f_get(old, k), f_get(v, k));
            let z = match op {
                RmwOp::FAdd => x + y,
                RmwOp::FSub => x - y,
                RmwOp::FMax => x.max(y),
                _ => x.min(y),
            };
            f_put(z, k)
        }
        RmwOp::UIncWrap => {
            if old >= v {
                0
            } else {
                old + 1
            }
        }
        RmwOp::UDecWrap => {
            if old == 0 || old > v {
                v
            } else {
                old - 1
            }
        }
        RmwOp::USubCond => {
            if old >= v {
                old - v
            } else {
                old
            }
        }
        RmwOp::USubSat => old.saturating_sub(v),
    }
}

fn rmw(op: RmwOp, s: Scalar, addr: u64, v: u64) -> u64 {
    macro_rules! cas_loop {
        ($at:ty, $t:ty) => {{
            // SAFETY: atomic access to the IR program's address, as natively.
            let a = unsafe { <$at>::from_ptr(addr as *mut $t) };
            let mut old = a.load(AO::SeqCst);
            loop {
                let new = rmw_val(op, s, u64::from(old), v) as $t;
                match a.compare_exchange_weak(old, new, AO::SeqCst, AO::SeqCst) {
                    Ok(_) => break u64::from(old),
                    Err(x) => old = x,
                }
            }
        }};
    }
    match s {
        Scalar::I(8) => cas_loop!(AtomicU8, u8),
        Scalar::I(16) => cas_loop!(AtomicU16, u16),
        Scalar::I(32) | Scalar::F(Fk::F32) => cas_loop!(AtomicU32, u32),
        _ => cas_loop!(AtomicU64, u64),
    }
}
