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
//!   (division, `with.overflow` and float conversions on 65..=128-bit
//!   integers, libm functions). The integer and conversion helpers only move
//!   operands: the rules are `jitty-sem`'s, the ones the interpreter runs.

use jitty_ir::{BinOp, CastOp};
use jitty_sem::{Fk, OverflowOp, Scalar, Trap, cast_scalar, int_bin, mask128, with_overflow};
use std::cell::RefCell;

pub use jitty_rt::trap::{PendingTrap as JitTrap, TRAPS_PENDING, has_trap as trap_pending, take as take_trap};

thread_local! {
    static SHADOW: RefCell<ShadowStack> = const { RefCell::new(ShadowStack::new()) };
}

/// Records the trap of [`Trap::code`] `code` in function `name` (`len` bytes
/// of UTF-8) in the runtime's per-thread slot ([`jitty_rt::trap`]). The
/// first trap wins; later ones (while unwinding) are ignored.
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
    jitty_rt::trap::raise(Trap::from_code(code).unwrap_or(Trap::Unsupported), func);
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

/// Division and remainder on integers of `bits` (65..=128) bits held in
/// `u128`s: `*out = op(*a, *b)`, `op` an [`I128Op`]. Division by zero and
/// signed overflow are checked by the caller (the result is then 0).
///
/// # Safety
///
/// The three pointers must be valid for 16-byte reads/writes.
pub(crate) unsafe extern "C" fn jitty_jit_i128_op(op: u32, bits: u32, out: *mut u128, a: *const u128, b: *const u128) {
    // SAFETY: the JIT passes pointers into its own stack slot.
    let (x, y) = unsafe { (a.read_unaligned(), b.read_unaligned()) };
    let op = match op {
        0 => BinOp::UDiv,
        1 => BinOp::URem,
        2 => BinOp::SDiv,
        _ => BinOp::SRem,
    };
    let bits = bits.clamp(1, 128);
    let r = int_bin(op, x & mask128(bits), y & mask128(bits), bits).unwrap_or(0);
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
/// `u128`s: `op` an [`OverflowOp`] code. Writes the wrapped `bits`-bit
/// result (zero-extended) to `*out` and returns 1 when the exact result does
/// not fit in `bits` bits.
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
    let bits = bits.clamp(1, 128);
    let op = OverflowOp::from_code(op).unwrap_or(OverflowOp::UMul);
    let (r, overflow) = with_overflow(op, x & mask128(bits), y & mask128(bits), bits);
    // SAFETY: as above.
    unsafe { out.write_unaligned(r) };
    u8::from(overflow)
}

/// Codes of the float ↔ wide-integer helpers.
#[derive(Clone, Copy, Debug)]
pub(crate) enum FloatIntOp {
    /// `fptosi` (saturating).
    ToSigned = 0,
    /// `fptoui` (saturating).
    ToUnsigned = 1,
    /// `sitofp`.
    FromSigned = 2,
    /// `uitofp`.
    FromUnsigned = 3,
}

/// A float ↔ `bits`-bit integer conversion by `jitty-sem`'s rules: the
/// float is `x` in register format of kind `k`; the integer (normalized)
/// goes through `*io`. Returns the float result (0 for float → int).
///
/// # Safety
///
/// `io` must be valid for 16-byte reads and writes.
unsafe fn float_int(op: u32, bits: u32, io: *mut u128, x: u64, k: Fk) -> u64 {
    let (int, float) = (Scalar::I(bits.clamp(1, 128)), Scalar::F(k));
    let cast = |op| if op == FloatIntOp::ToSigned as u32 { CastOp::FpToSi } else { CastOp::FpToUi };
    if op <= FloatIntOp::ToUnsigned as u32 {
        let r = cast_scalar(cast(op), u128::from(x), float, int);
        // SAFETY: forwarded to the caller.
        unsafe { io.write_unaligned(r) };
        return 0;
    }
    // SAFETY: forwarded to the caller.
    let v = unsafe { io.read_unaligned() };
    let op = if op == FloatIntOp::FromSigned as u32 { CastOp::SiToFp } else { CastOp::UiToFp };
    cast_scalar(op, v & mask128(bits.clamp(1, 128)), int, float) as u64
}

/// [`FloatIntOp`] `op` between `f64` `x` and a `bits`-bit integer in `*io`.
///
/// # Safety
///
/// `io` must be valid for 16-byte reads and writes.
pub(crate) unsafe extern "C" fn jitty_jit_f64_i128(op: u32, bits: u32, io: *mut u128, x: f64) -> f64 {
    // SAFETY: forwarded to the caller.
    f64::from_bits(unsafe { float_int(op, bits, io, x.to_bits(), Fk::F64) })
}

/// Same as [`jitty_jit_f64_i128`] for `f32`.
///
/// # Safety
///
/// `io` must be valid for 16-byte reads and writes.
pub(crate) unsafe extern "C" fn jitty_jit_f32_i128(op: u32, bits: u32, io: *mut u128, x: f32) -> f32 {
    // SAFETY: forwarded to the caller.
    f32::from_bits(unsafe { float_int(op, bits, io, u64::from(x.to_bits()), Fk::F32) } as u32)
}

/// The math-library helpers: the rules are `jitty_sem::libm_f64` and
/// `libm_f32`, shared with the interpreter.
macro_rules! libm1 {
    ($($name:ident, $namef:ident: $f:ident;)*) => {$(
        pub(crate) extern "C" fn $name(x: f64) -> f64 { jitty_sem::libm_f64(jitty_sem::Libm::$f, x) }
        pub(crate) extern "C" fn $namef(x: f32) -> f32 { jitty_sem::libm_f32(jitty_sem::Libm::$f, x) }
    )*};
}

libm1! {
    m_exp, mf_exp: Exp; m_exp2, mf_exp2: Exp2; m_ln, mf_ln: Ln; m_log2, mf_log2: Log2;
    m_log10, mf_log10: Log10; m_sin, mf_sin: Sin; m_cos, mf_cos: Cos;
}

pub(crate) extern "C" fn m_round(x: f64) -> f64 {
    x.round()
}
pub(crate) extern "C" fn mf_round(x: f32) -> f32 {
    x.round()
}

/// `llvm.is.fpclass`'s class bit of a `float` (`is_f32` 1) or `double`
/// bit pattern (the rule is `jitty_sem::fp_class`).
pub(crate) extern "C" fn jitty_jit_fp_class(bits: u64, is_f32: u32) -> u32 {
    jitty_sem::fp_class(bits, if is_f32 != 0 { Fk::F32 } else { Fk::F64 })
}

pub(crate) extern "C" fn m_pow(x: f64, y: f64) -> f64 {
    jitty_sem::pow(x, y, Fk::F64)
}
pub(crate) extern "C" fn mf_pow(x: f32, y: f32) -> f32 {
    jitty_sem::pow(f64::from(x), f64::from(y), Fk::F32) as f32
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
