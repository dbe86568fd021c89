//! Run-time support called from JIT-compiled code.
//!
//! * **Traps.** JIT code never executes a hardware trap for an IR-level error
//!   (division by zero, `sdiv` overflow, `unreachable`, `llvm.trap`). It calls
//!   [`jitty_jit_trap`], which records the trap in a thread-local slot, and then
//!   returns zeroed results from the current function. Every call from JIT code
//!   to a function that may be IR checks [`TRAPS_PENDING`] afterwards and, if
//!   this thread has a pending trap, returns at once too, so the trap unwinds
//!   the JIT frames without any unwinder. The embedder calls [`take_trap`]
//!   after every entry into JIT code.
//! * **Shadow stack** for dynamic `alloca` and `stacksave`/`stackrestore`:
//!   a thread-local bump allocator in stable chunks.
//! * **Helpers** for operations Cranelift has no instruction for on x86-64
//!   (128-bit division, float conversions to/from `i128`, libm functions).

use std::cell::{Cell, RefCell};
use std::sync::atomic::{AtomicUsize, Ordering};

/// Why JIT code stopped.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum TrapKind {
    /// Integer division or remainder by zero.
    DivideByZero,
    /// Signed division overflow (`INT_MIN / -1`).
    DivideOverflow,
    /// `unreachable` was executed.
    Unreachable,
    /// `llvm.trap`, `llvm.debugtrap` or `llvm.ubsantrap`.
    Explicit,
}

impl TrapKind {
    pub(crate) fn code(self) -> u32 {
        match self {
            TrapKind::DivideByZero => 1,
            TrapKind::DivideOverflow => 2,
            TrapKind::Unreachable => 3,
            TrapKind::Explicit => 4,
        }
    }

    fn from_code(code: u32) -> TrapKind {
        match code {
            1 => TrapKind::DivideByZero,
            2 => TrapKind::DivideOverflow,
            3 => TrapKind::Unreachable,
            _ => TrapKind::Explicit,
        }
    }
}

impl std::fmt::Display for TrapKind {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            TrapKind::DivideByZero => "integer division by zero",
            TrapKind::DivideOverflow => "integer division overflow",
            TrapKind::Unreachable => "unreachable executed",
            TrapKind::Explicit => "llvm.trap",
        })
    }
}

/// A trap raised by JIT code on this thread.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Trap {
    /// What happened.
    pub kind: TrapKind,
    /// The IR function that trapped.
    pub func: String,
}

/// Number of threads with a recorded, not yet taken trap. JIT code reads it
/// after calls (one load and a branch) and only asks [`jitty_jit_trap_pending`]
/// when it is non-zero.
pub static TRAPS_PENDING: AtomicUsize = AtomicUsize::new(0);

thread_local! {
    static TRAP: RefCell<Option<Trap>> = const { RefCell::new(None) };
    static SHADOW: RefCell<ShadowStack> = const { RefCell::new(ShadowStack::new()) };
    static HAS_TRAP: Cell<bool> = const { Cell::new(false) };
}

/// Takes (and clears) the trap this thread's JIT code raised, if any.
pub fn take_trap() -> Option<Trap> {
    let trap = TRAP.with(|t| t.borrow_mut().take());
    if trap.is_some() {
        HAS_TRAP.with(|h| h.set(false));
        TRAPS_PENDING.fetch_sub(1, Ordering::SeqCst);
    }
    trap
}

/// True when this thread has a trap that was not taken yet.
pub fn trap_pending() -> bool {
    HAS_TRAP.with(|h| h.get())
}

/// Records a trap of kind `code` in function `name` (`len` bytes of UTF-8).
/// The first trap wins; later ones (while unwinding) are ignored.
///
/// # Safety
///
/// `name` must point to `len` readable bytes (JIT code passes the name the
/// unit keeps alive).
pub(crate) unsafe extern "C" fn jitty_jit_trap(code: u32, name: *const u8, len: usize) {
    if trap_pending() {
        return;
    }
    // SAFETY: the caller passes a pointer/length pair of a live string.
    let bytes = unsafe { std::slice::from_raw_parts(name, len) };
    let func = String::from_utf8_lossy(bytes).into_owned();
    TRAP.with(|t| *t.borrow_mut() = Some(Trap { kind: TrapKind::from_code(code), func }));
    HAS_TRAP.with(|h| h.set(true));
    TRAPS_PENDING.fetch_add(1, Ordering::SeqCst);
}

/// 1 when this thread has a pending trap (called by JIT code after a call
/// once [`TRAPS_PENDING`] is non-zero).
pub(crate) extern "C" fn jitty_jit_trap_pending() -> u8 {
    u8::from(trap_pending())
}

/// A thread-local bump allocator for dynamic allocas. Chunks never move, so
/// pointers stay valid until released.
#[derive(Debug)]
struct ShadowStack {
    chunks: Vec<Vec<u8>>,
    /// Index of the chunk in use.
    cur: usize,
    /// Offset in that chunk.
    off: usize,
}

const SHADOW_CHUNK: usize = 1 << 20;

impl ShadowStack {
    const fn new() -> Self {
        ShadowStack { chunks: Vec::new(), cur: 0, off: 0 }
    }

    fn mark(&self) -> u64 {
        ((self.cur as u64) << 32) | self.off as u64
    }

    fn release(&mut self, mark: u64) {
        self.cur = (mark >> 32) as usize;
        self.off = (mark & 0xffff_ffff) as usize;
    }

    fn alloc(&mut self, size: usize, align: usize) -> *mut u8 {
        let align = align.max(16);
        loop {
            if let Some(chunk) = self.chunks.get_mut(self.cur) {
                let base = chunk.as_mut_ptr() as usize;
                let start = (base + self.off).next_multiple_of(align) - base;
                if start + size <= chunk.len() {
                    self.off = start + size;
                    // SAFETY: `start + size` is within the chunk.
                    return unsafe { chunk.as_mut_ptr().add(start) };
                }
                self.cur += 1;
                self.off = 0;
                if self.cur < self.chunks.len() && self.chunks[self.cur].len() >= size + align {
                    continue;
                }
                self.chunks.truncate(self.cur);
            }
            self.chunks.push(vec![0u8; SHADOW_CHUNK.max(size + align)]);
            self.cur = self.chunks.len() - 1;
            self.off = 0;
        }
    }
}

/// Current shadow-stack mark (function entry, `llvm.stacksave`).
pub(crate) extern "C" fn jitty_jit_shadow_mark() -> u64 {
    SHADOW.with(|s| s.borrow().mark())
}

/// Releases the shadow stack back to `mark` (function exit, `llvm.stackrestore`).
pub(crate) extern "C" fn jitty_jit_shadow_release(mark: u64) {
    SHADOW.with(|s| s.borrow_mut().release(mark))
}

/// Allocates `size` bytes aligned to `align` on the shadow stack.
pub(crate) extern "C" fn jitty_jit_shadow_alloc(size: u64, align: u64) -> *mut u8 {
    SHADOW.with(|s| s.borrow_mut().alloc(size as usize, align as usize))
}

/// 128-bit integer operations: `*out = op(*a, *b)`; `op` as in
/// [`I128Op`]. Division by zero is checked by the caller.
///
/// # Safety
///
/// The three pointers must be valid for 16-byte reads/writes.
pub(crate) unsafe extern "C" fn jitty_jit_i128_op(op: u32, out: *mut u128, a: *const u128, b: *const u128) {
    // SAFETY: the JIT passes pointers into its own stack slot.
    let (x, y) = unsafe { (a.read_unaligned(), b.read_unaligned()) };
    let r = match op {
        0 => x.checked_div(y).unwrap_or(0),
        1 => x.checked_rem(y).unwrap_or(0),
        2 => (x as i128).checked_div(y as i128).unwrap_or(0) as u128,
        _ => (x as i128).checked_rem(y as i128).unwrap_or(0) as u128,
    };
    // SAFETY: as above.
    unsafe { out.write_unaligned(r) }
}

/// Codes of [`jitty_jit_i128_op`].
#[derive(Clone, Copy, Debug)]
pub(crate) enum I128Op {
    UDiv = 0,
    URem = 1,
    SDiv = 2,
    SRem = 3,
}

/// `llvm.*.with.overflow` on integers of `bits` (65..=128) bits held in
/// `u128`s: `op` 0 = sadd, 1 = uadd, 2 = ssub, 3 = usub, 4 = smul, 5 =
/// umul. Writes the wrapped `bits`-bit result (zero-extended) to `*out` and
/// returns 1 when the exact result does not fit in `bits` bits.
///
/// # Safety
///
/// The three pointers must be valid for 16-byte reads/writes.
pub(crate) unsafe extern "C" fn jitty_jit_wide_overflow(
    op: u32,
    bits: u32,
    out: *mut u128,
    a: *const u128,
    b: *const u128,
) -> u8 {
    // SAFETY: the JIT passes pointers into its own stack slot.
    let (x, y) = unsafe { (a.read_unaligned(), b.read_unaligned()) };
    let shift = 128 - bits.clamp(1, 128);
    let sext = |v: u128| ((v << shift) as i128) >> shift;
    let fits_s = |r: i128| (r << shift) >> shift == r;
    let fits_u = |r: u128| (r << shift) >> shift == r;
    let (r, overflow) = match op {
        0 | 2 | 4 => {
            let (sx, sy) = (sext(x), sext(y));
            let (r, o) = match op {
                0 => sx.overflowing_add(sy),
                2 => sx.overflowing_sub(sy),
                _ => sx.overflowing_mul(sy),
            };
            (r as u128, o || !fits_s(r))
        }
        _ => {
            let (r, o) = match op {
                1 => x.overflowing_add(y),
                3 => x.overflowing_sub(y),
                _ => x.overflowing_mul(y),
            };
            (r, o || !fits_u(r))
        }
    };
    let masked = (r << shift) >> shift;
    // SAFETY: as above.
    unsafe { out.write_unaligned(masked) };
    u8::from(overflow)
}

/// Float ↔ i128 conversions: `op` 0 = f64→i128 (saturating), 1 = f64→u128
/// (saturating), 2 = i128→f64, 3 = u128→f64. Integers go through `*io`.
///
/// # Safety
///
/// `io` must be valid for 16-byte reads and writes.
pub(crate) unsafe extern "C" fn jitty_jit_f64_i128(op: u32, io: *mut u128, x: f64) -> f64 {
    match op {
        // SAFETY: `io` points into the JIT's stack slot.
        0 => unsafe { io.write_unaligned(x as i128 as u128) },
        // SAFETY: as above.
        1 => unsafe { io.write_unaligned(x as u128) },
        // SAFETY: as above.
        2 => return unsafe { io.read_unaligned() } as i128 as f64,
        // SAFETY: as above.
        _ => return unsafe { io.read_unaligned() } as f64,
    }
    0.0
}

/// Same as [`jitty_jit_f64_i128`] for `f32`.
///
/// # Safety
///
/// `io` must be valid for 16-byte reads and writes.
pub(crate) unsafe extern "C" fn jitty_jit_f32_i128(op: u32, io: *mut u128, x: f32) -> f32 {
    match op {
        // SAFETY: `io` points into the JIT's stack slot.
        0 => unsafe { io.write_unaligned(x as i128 as u128) },
        // SAFETY: as above.
        1 => unsafe { io.write_unaligned(x as u128) },
        // SAFETY: as above.
        2 => return unsafe { io.read_unaligned() } as i128 as f32,
        // SAFETY: as above.
        _ => return unsafe { io.read_unaligned() } as f32,
    }
    0.0
}

macro_rules! libm1 {
    ($($name:ident: $f:ident;)*) => {$(
        pub(crate) extern "C" fn $name(x: f64) -> f64 { x.$f() }
    )*};
}
macro_rules! libm1f {
    ($($name:ident: $f:ident;)*) => {$(
        pub(crate) extern "C" fn $name(x: f32) -> f32 { x.$f() }
    )*};
}

libm1! {
    m_exp: exp; m_exp2: exp2; m_ln: ln; m_log2: log2; m_log10: log10; m_sin: sin; m_cos: cos;
    m_round: round;
}
libm1f! {
    mf_exp: exp; mf_exp2: exp2; mf_ln: ln; mf_log2: log2; mf_log10: log10; mf_sin: sin; mf_cos: cos;
    mf_round: round;
}

pub(crate) extern "C" fn m_pow(x: f64, y: f64) -> f64 {
    x.powf(y)
}
pub(crate) extern "C" fn mf_pow(x: f32, y: f32) -> f32 {
    x.powf(y)
}
pub(crate) extern "C" fn m_powi(x: f64, y: i32) -> f64 {
    x.powi(y)
}
pub(crate) extern "C" fn mf_powi(x: f32, y: i32) -> f32 {
    x.powi(y)
}
pub(crate) extern "C" fn m_fmod(x: f64, y: f64) -> f64 {
    x % y
}
pub(crate) extern "C" fn mf_fmod(x: f32, y: f32) -> f32 {
    x % y
}
pub(crate) extern "C" fn m_fma(x: f64, y: f64, z: f64) -> f64 {
    x.mul_add(y, z)
}
pub(crate) extern "C" fn mf_fma(x: f32, y: f32, z: f32) -> f32 {
    x.mul_add(y, z)
}
