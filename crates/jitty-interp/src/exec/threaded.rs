//! Threaded dispatch: each op of a function's code is paired with the
//! address of its handler, and every handler ends by jumping straight to the
//! next op's handler.
//!
//! The simple ops (moves, integer and float arithmetic, compares, loads,
//! stores, address arithmetic, branches) are executed here and nowhere
//! else. Their handlers take the interpreter's state in registers (the op
//! pointer, the frame's registers, the fuel, the code's base and the code)
//! and end with a call in tail position to the next handler, which LLVM
//! compiles to a jump (a sibling call: same signature, no stack
//! arguments). So a run of simple ops costs one indirect jump per op, with
//! no loop and no `match`.
//!
//! Every other op (calls, returns, traps, intrinsics, atomics, anything
//! that can fail or needs the thread's state) has the handler [`exit`],
//! which returns to `Inner::run_loop` with the op pointer and the fuel;
//! the loop's `match` executes that op and enters the threaded code again.
//! A branch whose cost exceeds the fuel left also returns, without
//! executing: the loop reports the fuel's exhaustion at that op.
//!
//! Rust does not guarantee the tail calls. The release profile gets them
//! from LLVM on every handler here; `tests/threaded.rs` runs a long loop of
//! threaded ops on a small thread stack, which overflows if any handler
//! makes a real call. Builds without optimization do not get them, so the
//! workspace compiles this crate with optimization in every profile.

use super::{
    InlineFrame, Regs, ThreadState, apply_moves, copy_slots, fast_moves, ld, plugged, pop_frame, push_frame, st,
    write_result,
};
use crate::lower::{Lowered, Op};
use jitty_ir::BinOp;
use jitty_rt::mem;
use jitty_sem::{self as sem, Fk, f_get, f_put, mask64, sext64};
use std::hint::unreachable_unchecked;
use std::sync::atomic::Ordering as AO;

/// A handler: runs the op at `ip` and the ops after it, until an op that
/// returns to the loop.
pub(super) type Handler =
    unsafe fn(ip: *const TOp, r: *mut u64, fuel: u64, base: *const TOp, f: &Code, lp: *mut Loop) -> Exit;

/// The dispatch loop's state that threaded calls and returns change: the
/// running frame's code and window, its setjmp serial and the count of
/// frames pushed since the loop was entered (see `Inner::run_loop`). The
/// loop writes it before entering threaded code and reads it back after.
pub(super) struct Loop {
    pub(super) ts: *const ThreadState,
    pub(super) f: *const Code,
    pub(super) r: *mut u64,
    pub(super) jmp_frame: u64,
    pub(super) nested: u32,
}

/// An op and its handler.
pub(super) struct TOp {
    pub(super) h: Handler,
    pub(super) op: Op,
}

/// Where threaded execution stopped: the op the loop must execute, and the
/// fuel left.
pub(super) struct Exit {
    pub(super) ip: *const TOp,
    pub(super) fuel: u64,
}

/// A function's lowered code with its threaded form.
pub(super) struct Code {
    pub(super) lowered: Lowered,
    /// `lowered.ops`, each with its handler.
    pub(super) threaded: Box<[TOp]>,
}

impl std::ops::Deref for Code {
    type Target = Lowered;
    fn deref(&self) -> &Lowered {
        &self.lowered
    }
}

impl Code {
    pub(super) fn new(lowered: Lowered) -> Code {
        let threaded = lowered.ops.iter().map(|&op| TOp { h: handler(&op, &lowered), op }).collect();
        Code { lowered, threaded }
    }
}

/// Enters the threaded code of `f` at op `pc`.
///
/// # Safety
/// `pc` is an op of `f`, `r` is a window of `f.nslots` slots.
#[inline(always)]
pub(super) unsafe fn enter(lp: &mut Loop, pc: usize, fuel: u64) -> Exit {
    // SAFETY: `lp.f` is the running code, owned by the interpreter.
    let f = unsafe { &*lp.f };
    let base = f.threaded.as_ptr();
    // SAFETY: per the caller, `pc` is in range.
    let ip = unsafe { base.add(pc) };
    // SAFETY: every `TOp` holds the handler made for its op by `handler`.
    unsafe { ((*ip).h)(ip, lp.r, fuel, base, f, lp) }
}

/// The handler of ops the loop executes.
unsafe fn exit(ip: *const TOp, _r: *mut u64, fuel: u64, _base: *const TOp, _f: &Code, _lp: *mut Loop) -> Exit {
    Exit { ip, fuel }
}

/// Jumps to the handler of the op at `ip`.
macro_rules! next {
    ($ip:expr, $r:expr, $fuel:expr, $base:expr, $f:expr, $lp:expr) => {{
        let ip: *const TOp = $ip;
        // SAFETY: `ip` is an op of the code at `base` (lowering: every block
        // ends in a terminator; branch targets are op indices).
        unsafe { ((*ip).h)(ip, $r.0, $fuel, $base, $f, $lp) }
    }};
}

/// Binds the operands of the op at `$ip`, which `handler` paired with this
/// handler, so it has the kind `$pat`.
macro_rules! operands {
    ($ip:ident, $pat:pat) => {
        // SAFETY: a handler runs the op it was paired with, in its code.
        let op = unsafe { &(*$ip).op };
        #[cfg(feature = "op-stats")]
        crate::opstats::record(op);
        // SAFETY: `handler` gives this handler to ops of this kind only.
        let $pat = *op else { unsafe { unreachable_unchecked() } };
    };
}

/// A handler of a straight-line op.
macro_rules! straight {
    ($name:ident, |$r:ident, $f:ident| $pat:pat => $body:expr) => {
        unsafe fn $name(ip: *const TOp, r: *mut u64, fuel: u64, base: *const TOp, $f: &Code, lp: *mut Loop) -> Exit {
            operands!(ip, $pat);
            let $r = Regs(r);
            $body;
            // SAFETY: a straight-line op is never a block's last.
            next!(unsafe { ip.add(1) }, $r, fuel, base, $f, lp)
        }
    };
}

/// A handler of an op that ends its block: `$target` is the op index to go
/// to; `$cost` is charged to the fuel first (if there is not that much
/// left, the loop reports it at this op).
macro_rules! branch {
    ($name:ident, |$r:ident, $f:ident| $pat:pat, $cost:expr => $target:expr) => {
        unsafe fn $name(ip: *const TOp, r: *mut u64, fuel: u64, base: *const TOp, $f: &Code, lp: *mut Loop) -> Exit {
            operands!(ip, $pat);
            let $r = Regs(r);
            let cost = u64::from($cost);
            if fuel < cost {
                return Exit { ip, fuel };
            }
            let t: u32 = $target;
            // SAFETY: branch targets are op indices (lowering).
            next!(unsafe { base.add(t as usize) }, $r, fuel - cost, base, $f, lp)
        }
    };
}

/// A compare-and-branch handler.
macro_rules! cmp_branch {
    ($name:ident, $kind:ident, |$x:ident, $y:ident| $cond:expr) => {
        branch!($name, |r, _f| Op::$kind { a, b, t, f: fl, cost }, cost => {
            let ($x, $y) = (r.get(a), r.get(b));
            if $cond { t } else { fl }
        });
    };
}

/// A handler of an integer op `d <- a op b`.
macro_rules! bin {
    ($name:ident, $kind:ident, |$x:ident, $y:ident| $v:expr) => {
        straight!($name, |r, _f| Op::$kind { d, a, b } => {
            let ($x, $y) = (r.get(a), r.get(b));
            r.set(d, $v)
        });
    };
}

/// A handler of a float op `d <- a op b` on `f64` or `f32` slots.
macro_rules! fbin {
    ($name:ident, $kind:ident, $get:ident, |$x:ident, $y:ident| $v:expr) => {
        straight!($name, |r, _f| Op::$kind { d, a, b } => {
            let ($x, $y) = (r.$get(a), r.$get(b));
            r.set(d, u64::from($v.to_bits()))
        });
    };
}

/// Effective address of a fused GEP: `b + i * scale + off`.
#[inline(always)]
fn ea(r: Regs, b: u32, i: u32, scale: i32, off: i32) -> u64 {
    r.get(b).wrapping_add((r.get(i) as i64).wrapping_mul(i64::from(scale)).wrapping_add(i64::from(off)) as u64)
}

branch!(h_br, |_r, _f| Op::Br { t, cost }, cost => t);
branch!(h_mov_br, |r, _f| Op::MovBr { d, s, t }, 0u32 => {
    r.set(d, r.get(s));
    t
});
branch!(h_mov2_br, |r, _f| Op::Mov2Br { d1, s1, d2, s2, t }, 0u32 => {
    r.set(d1, r.get(s1));
    r.set(d2, r.get(s2));
    t
});
branch!(h_moves_br, |r, f| Op::MovesBr { info, t }, 0u32 => {
    apply_moves(r, f, info);
    t
});
branch!(h_cond_br, |r, _f| Op::CondBr { c, t, f: fl, cost }, cost => if r.get(c) & 1 != 0 { t } else { fl });
cmp_branch!(h_br_eq, BrEq, |x, y| x == y);
cmp_branch!(h_br_ne, BrNe, |x, y| x != y);
cmp_branch!(h_br_ult, BrUlt, |x, y| x < y);
cmp_branch!(h_br_ule, BrUle, |x, y| x <= y);
cmp_branch!(h_br_ugt, BrUgt, |x, y| x > y);
cmp_branch!(h_br_uge, BrUge, |x, y| x >= y);
cmp_branch!(h_br_slt32, BrSlt32, |x, y| (x as i32) < (y as i32));
cmp_branch!(h_br_sle32, BrSle32, |x, y| (x as i32) <= (y as i32));
cmp_branch!(h_br_sgt32, BrSgt32, |x, y| (x as i32) > (y as i32));
cmp_branch!(h_br_sge32, BrSge32, |x, y| (x as i32) >= (y as i32));
cmp_branch!(h_br_slt64, BrSlt64, |x, y| (x as i64) < (y as i64));
cmp_branch!(h_br_sle64, BrSle64, |x, y| (x as i64) <= (y as i64));
cmp_branch!(h_br_sgt64, BrSgt64, |x, y| (x as i64) > (y as i64));
cmp_branch!(h_br_sge64, BrSge64, |x, y| (x as i64) >= (y as i64));
branch!(h_switch, |r, f| Op::Switch { v, table, cost }, cost => {
    // SAFETY: lowering numbers the switch tables `0..switches.len()`.
    let sw = unsafe { f.switches.get_unchecked(table as usize) };
    let x = if sw.wide { r.get128(v) } else { u128::from(r.get(v)) };
    match sw.cases.binary_search_by_key(&x, |c| c.0) {
        Ok(i) => sw.cases[i].1,
        Err(_) => sw.default,
    }
});
branch!(h_switch_dense, |r, f| Op::Switch { v, table, cost }, cost => {
    // SAFETY: as for `h_switch`.
    let sw = unsafe { f.switches.get_unchecked(table as usize) };
    let k = r.get(v).wrapping_sub(sw.min) & sw.mask;
    sw.dense.get(k as usize).copied().unwrap_or(sw.default)
});

straight!(h_mov, |r, _f| Op::Mov { d, s } => r.set(d, r.get(s)));
straight!(h_mov2, |r, _f| Op::Mov2 { d1, s1, d2, s2 } => {
    r.set(d1, r.get(s1));
    r.set(d2, r.get(s2));
});
straight!(h_moves, |r, f| Op::Moves { info } => apply_moves(r, f, info));
straight!(h_mov_n, |r, _f| Op::MovN { d, s, n } => r.copy(d, s, n));
straight!(h_zext128, |r, _f| Op::Zext128 { d, s } => {
    r.set(d, r.get(s));
    r.set(d + 1, 0);
});
bin!(h_add32, Add32, |x, y| u64::from((x as u32).wrapping_add(y as u32)));
bin!(h_sub32, Sub32, |x, y| u64::from((x as u32).wrapping_sub(y as u32)));
bin!(h_mul32, Mul32, |x, y| u64::from((x as u32).wrapping_mul(y as u32)));
bin!(h_add64, Add64, |x, y| x.wrapping_add(y));
bin!(h_sub64, Sub64, |x, y| x.wrapping_sub(y));
bin!(h_mul64, Mul64, |x, y| x.wrapping_mul(y));
bin!(h_and, And, |x, y| x & y);
bin!(h_or, Or, |x, y| x | y);
bin!(h_xor, Xor, |x, y| x ^ y);
bin!(h_shl32, Shl32, |x, s| if s >= 32 { 0 } else { u64::from((x as u32) << s) });
bin!(h_shl64, Shl64, |x, s| if s >= 64 { 0 } else { x << s });
bin!(h_lshr32, LShr32, |x, s| if s >= 32 { 0 } else { x >> s });
bin!(h_lshr64, LShr64, |x, s| if s >= 64 { 0 } else { x >> s });
bin!(h_ashr32, AShr32, |x, s| if s >= 32 { 0 } else { u64::from(((x as i32) >> s) as u32) });
bin!(h_ashr64, AShr64, |x, s| if s >= 64 { 0 } else { ((x as i64) >> s) as u64 });
bin!(h_eq, Eq, |x, y| u64::from(x == y));
bin!(h_ne, Ne, |x, y| u64::from(x != y));
bin!(h_ult, Ult, |x, y| u64::from(x < y));
bin!(h_ule, Ule, |x, y| u64::from(x <= y));
bin!(h_ugt, Ugt, |x, y| u64::from(x > y));
bin!(h_uge, Uge, |x, y| u64::from(x >= y));
bin!(h_slt32, Slt32, |x, y| u64::from((x as i32) < (y as i32)));
bin!(h_sle32, Sle32, |x, y| u64::from((x as i32) <= (y as i32)));
bin!(h_sgt32, Sgt32, |x, y| u64::from((x as i32) > (y as i32)));
bin!(h_sge32, Sge32, |x, y| u64::from((x as i32) >= (y as i32)));
bin!(h_slt64, Slt64, |x, y| u64::from((x as i64) < (y as i64)));
bin!(h_sle64, Sle64, |x, y| u64::from((x as i64) <= (y as i64)));
bin!(h_sgt64, Sgt64, |x, y| u64::from((x as i64) > (y as i64)));
bin!(h_sge64, Sge64, |x, y| u64::from((x as i64) >= (y as i64)));
straight!(h_trunc, |r, _f| Op::Trunc { bits, d, s } => r.set(d, r.get(s) & mask64(u32::from(bits))));
straight!(h_sext, |r, _f| Op::Sext { from, to, d, s } => {
    r.set(d, (sext64(r.get(s), u32::from(from)) as u64) & mask64(u32::from(to)))
});

/// `Trunc` to the width of `$t`: a cast instead of a computed mask.
macro_rules! trunc_to {
    ($name:ident, $t:ty) => {
        straight!($name, |r, _f| Op::Trunc { d, s, .. } => r.set(d, u64::from(r.get(s) as $t)));
    };
}
trunc_to!(h_trunc8, u8);
trunc_to!(h_trunc16, u16);
trunc_to!(h_trunc32, u32);

/// `Sext` from the width of `$from` (signed) to that of `$to` (signed,
/// then its unsigned twin `$tu`): casts instead of computed shifts.
macro_rules! sext_to {
    ($name:ident, $from:ty, $to:ty, $tu:ty) => {
        straight!($name, |r, _f| Op::Sext { d, s, .. } => r.set(d, u64::from(((r.get(s) as $from) as $to) as $tu)));
    };
}
sext_to!(h_sext8_16, i8, i16, u16);
sext_to!(h_sext8_32, i8, i32, u32);
sext_to!(h_sext8_64, i8, i64, u64);
sext_to!(h_sext16_32, i16, i32, u32);
sext_to!(h_sext16_64, i16, i64, u64);
sext_to!(h_sext32_64, i32, i64, u64);
fbin!(h_fadd64, FAdd64, f64, |x, y| x + y);
fbin!(h_fsub64, FSub64, f64, |x, y| x - y);
fbin!(h_fmul64, FMul64, f64, |x, y| x * y);
fbin!(h_fdiv64, FDiv64, f64, |x, y| x / y);
fbin!(h_fadd32, FAdd32, f32, |x, y| x + y);
fbin!(h_fsub32, FSub32, f32, |x, y| x - y);
fbin!(h_fmul32, FMul32, f32, |x, y| x * y);
fbin!(h_fdiv32, FDiv32, f32, |x, y| x / y);
straight!(h_fmul_add64, |r, _f| Op::FMulAdd64 { d, a, b, c } => {
    r.set(d, (r.f64(a) * r.f64(b) + r.f64(c)).to_bits())
});
straight!(h_select, |r, _f| Op::Select { d, c, t, f: fl } => {
    r.set(d, if r.get(c) & 1 != 0 { r.get(t) } else { r.get(fl) })
});
straight!(h_ld8, |r, _f| Op::Ld8 { d, a } => r.set(d, u64::from(ld::<u8>(r.get(a)))));
straight!(h_ld16, |r, _f| Op::Ld16 { d, a } => r.set(d, u64::from(ld::<u16>(r.get(a)))));
straight!(h_ld32, |r, _f| Op::Ld32 { d, a } => r.set(d, u64::from(ld::<u32>(r.get(a)))));
straight!(h_ld64, |r, _f| Op::Ld64 { d, a } => r.set(d, ld::<u64>(r.get(a))));
straight!(h_ld8x, |r, _f| Op::Ld8X { d, b, i, scale, off } => r.set(d, u64::from(ld::<u8>(ea(r, b, i, scale, off)))));
straight!(h_ld16x, |r, _f| Op::Ld16X { d, b, i, scale, off } => {
    r.set(d, u64::from(ld::<u16>(ea(r, b, i, scale, off))))
});
straight!(h_ld32x, |r, _f| Op::Ld32X { d, b, i, scale, off } => {
    r.set(d, u64::from(ld::<u32>(ea(r, b, i, scale, off))))
});
straight!(h_ld64x, |r, _f| Op::Ld64X { d, b, i, scale, off } => r.set(d, ld::<u64>(ea(r, b, i, scale, off))));
straight!(h_ld8o, |r, _f| Op::Ld8O { d, a, off } => r.set(d, u64::from(ld::<u8>(r.get(a).wrapping_add(off as u64)))));
straight!(h_ld16o, |r, _f| Op::Ld16O { d, a, off } => {
    r.set(d, u64::from(ld::<u16>(r.get(a).wrapping_add(off as u64))))
});
straight!(h_ld32o, |r, _f| Op::Ld32O { d, a, off } => {
    r.set(d, u64::from(ld::<u32>(r.get(a).wrapping_add(off as u64))))
});
straight!(h_ld64o, |r, _f| Op::Ld64O { d, a, off } => r.set(d, ld::<u64>(r.get(a).wrapping_add(off as u64))));
straight!(h_st8x, |r, _f| Op::St8X { v, b, i, scale, off } => st::<u8>(ea(r, b, i, scale, off), r.get(v) as u8));
straight!(h_st16x, |r, _f| Op::St16X { v, b, i, scale, off } => st::<u16>(ea(r, b, i, scale, off), r.get(v) as u16));
straight!(h_st32x, |r, _f| Op::St32X { v, b, i, scale, off } => st::<u32>(ea(r, b, i, scale, off), r.get(v) as u32));
straight!(h_st64x, |r, _f| Op::St64X { v, b, i, scale, off } => st::<u64>(ea(r, b, i, scale, off), r.get(v)));
straight!(h_st8o, |r, _f| Op::St8O { v, a, off } => st::<u8>(r.get(a).wrapping_add(off as u64), r.get(v) as u8));
straight!(h_st16o, |r, _f| Op::St16O { v, a, off } => st::<u16>(r.get(a).wrapping_add(off as u64), r.get(v) as u16));
straight!(h_st32o, |r, _f| Op::St32O { v, a, off } => st::<u32>(r.get(a).wrapping_add(off as u64), r.get(v) as u32));
straight!(h_st64o, |r, _f| Op::St64O { v, a, off } => st::<u64>(r.get(a).wrapping_add(off as u64), r.get(v)));
straight!(h_st8, |r, _f| Op::St8 { v, a } => st::<u8>(r.get(a), r.get(v) as u8));
straight!(h_st16, |r, _f| Op::St16 { v, a } => st::<u16>(r.get(a), r.get(v) as u16));
straight!(h_st32, |r, _f| Op::St32 { v, a } => st::<u32>(r.get(a), r.get(v) as u32));
straight!(h_st64, |r, _f| Op::St64 { v, a } => st::<u64>(r.get(a), r.get(v)));
straight!(h_gep_c, |r, _f| Op::GepC { d, b, off } => r.set(d, r.get(b).wrapping_add(off as u64)));
straight!(h_gep1, |r, _f| Op::Gep1 { d, b, i, scale, off } => r.set(d, ea(r, b, i, scale, off)));

straight!(h_i_cmp, |r, _f| Op::ICmp { pred, bits, d, a, b } => {
    let bits = u32::from(bits);
    let (x, y) = if bits > 64 {
        (r.get128(a), r.get128(b))
    } else {
        (u128::from(r.get(a)), u128::from(r.get(b)))
    };
    r.set(d, u64::from(sem::icmp(pred, x, y, bits)));
});
straight!(h_cast, |r, f| Op::Cast { d, s, info } => {
    let c = &f.casts[info as usize];
    let v = if c.from.slots() == 2 { r.get128(s) } else { u128::from(r.get(s)) };
    let out = sem::cast_scalar(c.op, v, c.from, c.to);
    if c.to.slots() == 2 {
        r.set128(d, out);
    } else {
        r.set(d, out as u64);
    }
});
straight!(h_f_bin, |r, _f| Op::FBin { op, k, d, a, b } => {
    let v = if k == Fk::F32 {
        u64::from(sem::float_bin32(op, r.f32(a), r.f32(b)).to_bits())
    } else {
        f_put(sem::float_bin(op, f_get(r.get(a), k), f_get(r.get(b), k)), k)
    };
    r.set(d, v);
});
straight!(h_f_neg, |r, _f| Op::FNeg { k, d, s } => {
    let sign = match k {
        Fk::F32 => 1u64 << 31,
        Fk::F64 | Fk::F80 => 1u64 << 63,
        Fk::Half | Fk::BF16 => 1u64 << 15,
    };
    r.set(d, r.get(s) ^ sign);
});
straight!(h_f_cmp, |r, _f| Op::FCmp { pred, k, d, a, b } => {
    r.set(d, u64::from(sem::fcmp(pred, f_get(r.get(a), k), f_get(r.get(b), k))))
});
straight!(h_select_n, |r, _f| Op::SelectN { d, c, t, f: fl, n } => r.copy(d, if r.get(c) & 1 != 0 { t } else { fl }, n));
straight!(h_ld_r, |r, f| Op::LdR { d, a, r: ri } => {
    // SAFETY: the address is the IR program's, as natively (see `ld`);
    // the destination has the repr's slots.
    unsafe { mem::load_repr(&f.reprs[ri as usize], r.get(a), r.ptr(d)) }
});
straight!(h_st_r, |r, f| Op::StR { v, a, r: ri } => {
    // SAFETY: the address is the IR program's, as natively (see `st`);
    // the source has the repr's slots.
    unsafe { mem::store_repr(&f.reprs[ri as usize], r.get(a), r.ptr(v)) }
});
straight!(h_fence, |_r, _f| Op::Fence => std::sync::atomic::fence(AO::SeqCst));
straight!(h_gep_n, |r, f| Op::GepN { d, b, info } => {
    let g = &f.geps[info as usize];
    let mut x = r.get(b).wrapping_add(g.off as u64);
    for &(s, scale, bits) in &g.terms {
        let idx = if bits > 64 { r.get(s) as i64 } else { sext64(r.get(s), bits) };
        x = x.wrapping_add(idx.wrapping_mul(scale) as u64);
    }
    r.set(d, x);
});
straight!(h_mem_cpy, |r, _f| (Op::MemCpy { d, s, n } | Op::MemMove { d, s, n }) => {
    // SAFETY: addresses and length are the IR program's, as natively.
    unsafe { std::ptr::copy(r.get(s) as *const u8, r.get(d) as *mut u8, r.get(n) as usize) }
});
straight!(h_mem_set, |r, _f| Op::MemSet { d, v, n } => {
    // SAFETY: as for MemCpy.
    unsafe { std::ptr::write_bytes(r.get(d) as *mut u8, r.get(v) as u8, r.get(n) as usize) }
});
straight!(h_v_sext, |r, _f| Op::VSext { from, to, len, d, s } => {
    for l in 0..u32::from(len) {
        r.set(d + l, (sext64(r.get(s + l), u32::from(from)) as u64) & mask64(u32::from(to)));
    }
});
straight!(h_v_trunc, |r, _f| Op::VTrunc { bits, len, d, s } => {
    for l in 0..u32::from(len) {
        r.set(d + l, r.get(s + l) & mask64(u32::from(bits)));
    }
});
straight!(h_v_ld, |r, _f| Op::VLd { w, len, d, a } => {
    let p = r.get(a);
    let len = u64::from(len);
    match w {
        1 => (0..len).for_each(|l| r.set(d + l as u32, u64::from(ld::<u8>(p + l)))),
        2 => (0..len).for_each(|l| r.set(d + l as u32, u64::from(ld::<u16>(p + 2 * l)))),
        4 => (0..len).for_each(|l| r.set(d + l as u32, u64::from(ld::<u32>(p + 4 * l)))),
        _ => (0..len).for_each(|l| r.set(d + l as u32, ld::<u64>(p + 8 * l))),
    }
});
straight!(h_v_st, |r, _f| Op::VSt { w, len, v, a } => {
    let p = r.get(a);
    let len = u64::from(len);
    match w {
        1 => (0..len).for_each(|l| st::<u8>(p + l, r.get(v + l as u32) as u8)),
        2 => (0..len).for_each(|l| st::<u16>(p + 2 * l, r.get(v + l as u32) as u16)),
        4 => (0..len).for_each(|l| st::<u32>(p + 4 * l, r.get(v + l as u32) as u32)),
        _ => (0..len).for_each(|l| st::<u64>(p + 8 * l, r.get(v + l as u32))),
    }
});
straight!(h_ins_elt, |r, _f| Op::InsElt { len, d, v, e, i } => {
    let (idx, x) = (r.get(i), r.get(e));
    if d != v {
        // SAFETY: both windows hold `len` slots; distinct
        // values of a frame never share slots partly.
        unsafe { copy_slots(r.ptr(v), r.ptr(d), len as usize) };
    }
    if idx < u64::from(len) {
        r.set(d + idx as u32, x);
    }
});
straight!(h_ext_elt, |r, _f| Op::ExtElt { len, d, v, i } => {
    let idx = r.get(i);
    r.set(d, if idx < u64::from(len) { r.get(v + idx as u32) } else { 0 });
});

/// A handler of `IBin` for one operator: with the operator constant, the
/// shared rule folds to that operator's code. A trap (division by zero or
/// overflow) stops at the loop, which runs the op again to report it.
/// `$bits`, when given, is the op's width, so the rule's mask folds too.
macro_rules! ibin {
    ($name:ident, $binop:ident) => {
        ibin!($name, $binop, |bits| u32::from(bits));
    };
    ($name:ident, $binop:ident, $bits:literal) => {
        ibin!($name, $binop, |_bits| $bits);
    };
    ($name:ident, $binop:ident, |$b:ident| $width:expr) => {
        unsafe fn $name(ip: *const TOp, r: *mut u64, fuel: u64, base: *const TOp, f: &Code, lp: *mut Loop) -> Exit {
            operands!(ip, Op::IBin { bits: $b, d, a, b, .. });
            let r = Regs(r);
            match sem::int_bin64(BinOp::$binop, r.get(a), r.get(b), $width) {
                Ok(v) => r.set(d, v),
                Err(_) => return Exit { ip, fuel },
            }
            // SAFETY: a straight-line op is never a block's last.
            next!(unsafe { ip.add(1) }, r, fuel, base, f, lp)
        }
    };
}
ibin!(h_ibin_add, Add);
ibin!(h_ibin_sub, Sub);
ibin!(h_ibin_mul, Mul);
ibin!(h_ibin_udiv, UDiv);
ibin!(h_ibin_sdiv, SDiv);
ibin!(h_ibin_urem, URem);
ibin!(h_ibin_srem, SRem);
ibin!(h_ibin_shl, Shl);
ibin!(h_ibin_lshr, LShr);
ibin!(h_ibin_ashr, AShr);
ibin!(h_ibin_and, And);
ibin!(h_ibin_or, Or);
ibin!(h_ibin_xor, Xor);

ibin!(h_ibin_add8, Add, 8);
ibin!(h_ibin_add16, Add, 16);
ibin!(h_ibin_sub8, Sub, 8);
ibin!(h_ibin_sub16, Sub, 16);
ibin!(h_ibin_mul16, Mul, 16);
ibin!(h_ibin_shl16, Shl, 16);
ibin!(h_ibin_lshr8, LShr, 8);
ibin!(h_ibin_lshr16, LShr, 16);

/// The handler of `IBin` with operator `op` at width `bits`.
fn ibin_handler(op: BinOp, bits: u8) -> Handler {
    match (op, bits) {
        (BinOp::Add, 8) => h_ibin_add8,
        (BinOp::Add, 16) => h_ibin_add16,
        (BinOp::Sub, 8) => h_ibin_sub8,
        (BinOp::Sub, 16) => h_ibin_sub16,
        (BinOp::Mul, 16) => h_ibin_mul16,
        (BinOp::Shl, 16) => h_ibin_shl16,
        (BinOp::LShr, 8) => h_ibin_lshr8,
        (BinOp::LShr, 16) => h_ibin_lshr16,
        _ => ibin_op_handler(op),
    }
}

/// The handler of `IBin` with operator `op`, any width.
fn ibin_op_handler(op: BinOp) -> Handler {
    match op {
        BinOp::Add => h_ibin_add,
        BinOp::Sub => h_ibin_sub,
        BinOp::Mul => h_ibin_mul,
        BinOp::UDiv => h_ibin_udiv,
        BinOp::SDiv => h_ibin_sdiv,
        BinOp::URem => h_ibin_urem,
        BinOp::SRem => h_ibin_srem,
        BinOp::Shl => h_ibin_shl,
        BinOp::LShr => h_ibin_lshr,
        BinOp::AShr => h_ibin_ashr,
        BinOp::And => h_ibin_and,
        BinOp::Or => h_ibin_or,
        BinOp::Xor => h_ibin_xor,
        _ => exit,
    }
}

/// A call by its call site's fast path (`FastCall`): the callee runs
/// threaded in a frame pushed as `inline_call!` pushes it. The first call
/// (no fast path yet), a callee with compiled code plugged in and an
/// exhausted register stack stop at the loop.
///
/// `IND`: an indirect call (`CallInd`), whose fast path is for the one
/// function address it was made for (the site's first IR callee); any
/// other address stops at the loop.
///
/// `SMALL`: the variant for callees whose constant image and argument
/// moves take a few loads and stores; it hands the others to the `_any`
/// handler by a tail call. With no call left in it, it saves no registers
/// (callgrind: fib's calls cost 85 instructions with `memcpy`'s path
/// inline).
#[inline(always)]
unsafe fn call<const SMALL: bool, const IND: bool>(
    ip: *const TOp,
    r: *mut u64,
    fuel: u64,
    base: *const TOp,
    f: &Code,
    lp: *mut Loop,
) -> Exit {
    let site = if IND {
        operands!(ip, Op::CallInd { site });
        site
    } else {
        operands!(ip, Op::Call { site });
        site
    };
    // SAFETY: lowering numbers the call sites of `f` `0..f.calls.len()`.
    let cs = unsafe { f.calls.get_unchecked(site as usize) };
    let Some(fc) = cs.fast.get() else { return Exit { ip, fuel } };
    if IND && Regs(r).get(cs.callee) != fc.addr {
        return Exit { ip, fuel };
    }
    // SAFETY: `fc.callee` is the address of a `Code` of this interpreter
    // (see `FastCall::callee`).
    let callee = unsafe { &*(fc.callee as *const Code) };
    if cs.sig.is_ok() && plugged(callee) {
        return Exit { ip, fuel };
    }
    if SMALL && !fc.small {
        // SAFETY: the same arguments.
        return unsafe {
            if IND { h_call_ind_any(ip, r, fuel, base, f, lp) } else { h_call_any(ip, r, fuel, base, f, lp) }
        };
    }
    // SAFETY: the loop's state outlives its threaded code.
    let lp = unsafe { &mut *lp };
    // SAFETY: a call is never a block's last op.
    let resume = unsafe { ip.add(1) };
    let caller = InlineFrame { f, r, resume, jmp_frame: lp.jmp_frame, alloca: 0, top: 0, cs };
    // SAFETY: `lp.ts` is the running thread's state.
    let Some(cr) = push_frame::<SMALL>(unsafe { &*lp.ts }, callee, caller) else { return Exit { ip, fuel } };
    fast_moves::<SMALL>(fc, Regs(r), cr);
    lp.f = callee;
    lp.r = cr.0;
    lp.jmp_frame = 0;
    lp.nested += 1;
    let b = callee.threaded.as_ptr();
    next!(b, cr, fuel, b, callee, lp)
}

unsafe fn h_call(ip: *const TOp, r: *mut u64, fuel: u64, base: *const TOp, f: &Code, lp: *mut Loop) -> Exit {
    // SAFETY: per `call`.
    unsafe { call::<true, false>(ip, r, fuel, base, f, lp) }
}

#[inline(never)]
unsafe fn h_call_any(ip: *const TOp, r: *mut u64, fuel: u64, base: *const TOp, f: &Code, lp: *mut Loop) -> Exit {
    // SAFETY: per `call`.
    unsafe { call::<false, false>(ip, r, fuel, base, f, lp) }
}

unsafe fn h_call_ind(ip: *const TOp, r: *mut u64, fuel: u64, base: *const TOp, f: &Code, lp: *mut Loop) -> Exit {
    // SAFETY: per `call`.
    unsafe { call::<true, true>(ip, r, fuel, base, f, lp) }
}

#[inline(never)]
unsafe fn h_call_ind_any(ip: *const TOp, r: *mut u64, fuel: u64, base: *const TOp, f: &Code, lp: *mut Loop) -> Exit {
    // SAFETY: per `call`.
    unsafe { call::<false, true>(ip, r, fuel, base, f, lp) }
}

/// Returns to the caller of a frame pushed by a call in this loop, which
/// goes on threaded; `result` is the returned value's `(slot, slot count)`.
/// A return from the frame the loop was entered with, and a return whose
/// cost exceeds the fuel left, stop at the loop.
#[inline(always)]
unsafe fn ret(ip: *const TOp, r: *mut u64, fuel: u64, cost: u32, lp: *mut Loop, result: Option<(u32, u32)>) -> Exit {
    // SAFETY: the loop's state outlives its threaded code.
    let lp = unsafe { &mut *lp };
    let cost = u64::from(cost);
    if fuel < cost || lp.nested == 0 {
        return Exit { ip, fuel };
    }
    let r = Regs(r);
    // SAFETY: `nested > 0`: a call in this loop pushed this frame.
    let h = unsafe {
        if let Some((s, n)) = result {
            write_result(r, s, n);
        }
        pop_frame(&*lp.ts, r)
    };
    lp.f = h.f;
    lp.r = h.r;
    lp.jmp_frame = h.jmp_frame;
    lp.nested -= 1;
    // SAFETY: the caller's code, owned by the interpreter.
    let caller = unsafe { &*h.f };
    let b = caller.threaded.as_ptr();
    next!(h.resume, Regs(h.r), fuel - cost, b, caller, lp)
}

/// `ret` of a one-slot value (the common case: no copy loop, so no
/// registers saved).
unsafe fn h_ret1(ip: *const TOp, r: *mut u64, fuel: u64, _base: *const TOp, _f: &Code, lp: *mut Loop) -> Exit {
    operands!(ip, Op::Ret { s, cost, .. });
    // SAFETY: per `ret`.
    unsafe { ret(ip, r, fuel, cost, lp, Some((s, 1))) }
}

unsafe fn h_ret(ip: *const TOp, r: *mut u64, fuel: u64, _base: *const TOp, _f: &Code, lp: *mut Loop) -> Exit {
    operands!(ip, Op::Ret { s, n, cost });
    // SAFETY: per `ret`.
    unsafe { ret(ip, r, fuel, cost, lp, Some((s, n))) }
}

unsafe fn h_ret_void(ip: *const TOp, r: *mut u64, fuel: u64, _base: *const TOp, _f: &Code, lp: *mut Loop) -> Exit {
    operands!(ip, Op::RetVoid { cost });
    // SAFETY: per `ret`.
    unsafe { ret(ip, r, fuel, cost, lp, None) }
}

/// The handler of `op` of `l`: its own for the simple ops (one per width
/// or table kind for some), [`exit`] for the ops the loop executes.
fn handler(op: &Op, l: &Lowered) -> Handler {
    match op {
        Op::Br { .. } => h_br,
        Op::MovBr { .. } => h_mov_br,
        Op::Mov2Br { .. } => h_mov2_br,
        Op::MovesBr { .. } => h_moves_br,
        Op::CondBr { .. } => h_cond_br,
        Op::BrEq { .. } => h_br_eq,
        Op::BrNe { .. } => h_br_ne,
        Op::BrUlt { .. } => h_br_ult,
        Op::BrUle { .. } => h_br_ule,
        Op::BrUgt { .. } => h_br_ugt,
        Op::BrUge { .. } => h_br_uge,
        Op::BrSlt32 { .. } => h_br_slt32,
        Op::BrSle32 { .. } => h_br_sle32,
        Op::BrSgt32 { .. } => h_br_sgt32,
        Op::BrSge32 { .. } => h_br_sge32,
        Op::BrSlt64 { .. } => h_br_slt64,
        Op::BrSle64 { .. } => h_br_sle64,
        Op::BrSgt64 { .. } => h_br_sgt64,
        Op::BrSge64 { .. } => h_br_sge64,
        Op::Switch { table, .. } if !l.switches[*table as usize].dense.is_empty() => h_switch_dense,
        Op::Switch { .. } => h_switch,
        Op::Mov { .. } => h_mov,
        Op::Mov2 { .. } => h_mov2,
        Op::Moves { .. } => h_moves,
        Op::MovN { .. } => h_mov_n,
        Op::Zext128 { .. } => h_zext128,
        Op::Add32 { .. } => h_add32,
        Op::Sub32 { .. } => h_sub32,
        Op::Mul32 { .. } => h_mul32,
        Op::Add64 { .. } => h_add64,
        Op::Sub64 { .. } => h_sub64,
        Op::Mul64 { .. } => h_mul64,
        Op::And { .. } => h_and,
        Op::Or { .. } => h_or,
        Op::Xor { .. } => h_xor,
        Op::Shl32 { .. } => h_shl32,
        Op::Shl64 { .. } => h_shl64,
        Op::LShr32 { .. } => h_lshr32,
        Op::LShr64 { .. } => h_lshr64,
        Op::AShr32 { .. } => h_ashr32,
        Op::AShr64 { .. } => h_ashr64,
        Op::Eq { .. } => h_eq,
        Op::Ne { .. } => h_ne,
        Op::Ult { .. } => h_ult,
        Op::Ule { .. } => h_ule,
        Op::Ugt { .. } => h_ugt,
        Op::Uge { .. } => h_uge,
        Op::Slt32 { .. } => h_slt32,
        Op::Sle32 { .. } => h_sle32,
        Op::Sgt32 { .. } => h_sgt32,
        Op::Sge32 { .. } => h_sge32,
        Op::Slt64 { .. } => h_slt64,
        Op::Sle64 { .. } => h_sle64,
        Op::Sgt64 { .. } => h_sgt64,
        Op::Sge64 { .. } => h_sge64,
        Op::Trunc { bits: 8, .. } => h_trunc8,
        Op::Trunc { bits: 16, .. } => h_trunc16,
        Op::Trunc { bits: 32, .. } => h_trunc32,
        Op::Trunc { .. } => h_trunc,
        Op::Sext { from: 8, to: 16, .. } => h_sext8_16,
        Op::Sext { from: 8, to: 32, .. } => h_sext8_32,
        Op::Sext { from: 8, to: 64, .. } => h_sext8_64,
        Op::Sext { from: 16, to: 32, .. } => h_sext16_32,
        Op::Sext { from: 16, to: 64, .. } => h_sext16_64,
        Op::Sext { from: 32, to: 64, .. } => h_sext32_64,
        Op::Sext { .. } => h_sext,
        Op::FAdd64 { .. } => h_fadd64,
        Op::FSub64 { .. } => h_fsub64,
        Op::FMul64 { .. } => h_fmul64,
        Op::FDiv64 { .. } => h_fdiv64,
        Op::FAdd32 { .. } => h_fadd32,
        Op::FSub32 { .. } => h_fsub32,
        Op::FMul32 { .. } => h_fmul32,
        Op::FDiv32 { .. } => h_fdiv32,
        Op::FMulAdd64 { .. } => h_fmul_add64,
        Op::Select { .. } => h_select,
        Op::Ld8 { .. } => h_ld8,
        Op::Ld16 { .. } => h_ld16,
        Op::Ld32 { .. } => h_ld32,
        Op::Ld64 { .. } => h_ld64,
        Op::Ld8X { .. } => h_ld8x,
        Op::Ld16X { .. } => h_ld16x,
        Op::Ld32X { .. } => h_ld32x,
        Op::Ld64X { .. } => h_ld64x,
        Op::Ld8O { .. } => h_ld8o,
        Op::Ld16O { .. } => h_ld16o,
        Op::Ld32O { .. } => h_ld32o,
        Op::Ld64O { .. } => h_ld64o,
        Op::St8X { .. } => h_st8x,
        Op::St16X { .. } => h_st16x,
        Op::St32X { .. } => h_st32x,
        Op::St64X { .. } => h_st64x,
        Op::St8O { .. } => h_st8o,
        Op::St16O { .. } => h_st16o,
        Op::St32O { .. } => h_st32o,
        Op::St64O { .. } => h_st64o,
        Op::St8 { .. } => h_st8,
        Op::St16 { .. } => h_st16,
        Op::St32 { .. } => h_st32,
        Op::St64 { .. } => h_st64,
        Op::GepC { .. } => h_gep_c,
        Op::Gep1 { .. } => h_gep1,
        Op::ICmp { .. } => h_i_cmp,
        Op::Cast { .. } => h_cast,
        Op::FBin { .. } => h_f_bin,
        Op::FNeg { .. } => h_f_neg,
        Op::FCmp { .. } => h_f_cmp,
        Op::SelectN { .. } => h_select_n,
        Op::LdR { .. } => h_ld_r,
        Op::StR { .. } => h_st_r,
        Op::Fence => h_fence,
        Op::GepN { .. } => h_gep_n,
        Op::MemCpy { .. } | Op::MemMove { .. } => h_mem_cpy,
        Op::MemSet { .. } => h_mem_set,
        Op::VSext { .. } => h_v_sext,
        Op::VTrunc { .. } => h_v_trunc,
        Op::VLd { .. } => h_v_ld,
        Op::VSt { .. } => h_v_st,
        Op::InsElt { .. } => h_ins_elt,
        Op::ExtElt { .. } => h_ext_elt,
        Op::IBin { op, bits, .. } => ibin_handler(*op, *bits),
        Op::Call { .. } => h_call,
        Op::CallInd { .. } => h_call_ind,
        Op::Ret { n: 1, .. } => h_ret1,
        Op::Ret { .. } => h_ret,
        Op::RetVoid { .. } => h_ret_void,
        _ => exit,
    }
}
