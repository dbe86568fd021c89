//! The one semantics of jitty IR: every rule the engines share, written once.
//!
//! The interpreter executes these functions directly; the JIT's run-time
//! helpers call them for what Cranelift has no instruction for; the image
//! loader evaluates initializers with them. No engine writes a rule of its
//! own for anything that lives here.
//!
//! Conventions (the reference semantics of jitty; LLVM leaves these open):
//! * integers are kept *normalized*: zero-extended to 64 bits (one slot) or
//!   128 bits (two slots), or to whole limbs beyond that ([`wide`]); the bits
//!   above the width are always zero;
//! * a shift by an amount ≥ the width is poison in LLVM; jitty defines it as
//!   `0` for `shl`, `lshr` and `ashr` alike;
//! * `udiv`/`sdiv`/`urem`/`srem` by zero and `sdiv`/`srem` of `INT_MIN` by
//!   `-1` are traps ([`Trap::DivByZero`], [`Trap::DivOverflow`]);
//! * `half` and `bfloat` are computed through `f32` (exact for the basic
//!   operations); `x86_fp80` is held as an `f64` in registers and converted
//!   on load/store (values beyond `f64`'s range or precision are rounded);
//! * float→int conversions out of range are poison in LLVM; jitty saturates
//!   (Rust `as` semantics), NaN converts to 0;
//! * `poison` and `undef` constants are zero.
//!
//! Modules: [`int`] (integers up to 128 bits, `with.overflow`, `*.sat`), [`wide`]
//! (integers up to 1024 bits), [`float`] (float formats, conversions,
//! comparisons), [`repr`] (how a type's values are classified and held),
//! [`gep`] (address offsets, GEP lane addresses, `load.relative`), [`trap`] (the one trap vocabulary).
#![forbid(unsafe_code)]

pub mod float;
pub mod gep;
pub mod int;
pub mod repr;
pub mod trap;
pub mod wide;

pub use float::{
    Fk, Libm, f_get, f_put, f64_to_f80, f80_to_f64, fcmp, float_bin, float_bin32, fp_class, libm_f32, libm_f64, libm1,
    maximum, minimum, modf, pow,
};
pub use gep::{gep_address, gep_walk, load_relative};
pub use int::{
    OverflowOp, SatOp, icmp, int_bin, int_bin64, int_bin64_lanes, mask64, mask128, saturating, sext64, sext128,
    with_overflow,
};
pub use repr::{Repr, Scalar, cast_scalar, repr_of, scalar_of};
pub use trap::Trap;
pub use wide::{MAX_WIDE_BITS, WIDE_LIMBS, Wide, limbs, wide_bin, wide_icmp, wide_norm, wide_sext};
