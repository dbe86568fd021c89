//! Lowering of LLVM intrinsics (recognized by [`jitty_ir::Intrinsic`]).
//!
//! Element-wise intrinsics work lane by lane on vectors. Float math without a
//! Cranelift instruction calls Rust's libm wrappers in [`crate::runtime`].

use crate::error::Result;
use crate::flat::{Scalar, int_container};
use crate::lower::FnLower;
use crate::runtime;
use cranelift_codegen::ir::condcodes::{FloatCC, IntCC};
use cranelift_codegen::ir::immediates::{Ieee32, Ieee64};
use cranelift_codegen::ir::{self as cl, InstBuilder, types};
use jitty_ir::{Intrinsic, Ty, Value as IrValue};
use jitty_sem::OverflowOp;

impl FnLower<'_, '_> {
    fn int_bits_of(&self, v: IrValue) -> Result<u32> {
        match self.elem_scalar(self.ty_of(v))? {
            Scalar::Int(b) => Ok(b),
            Scalar::Ptr => Ok(64),
            _ => Err(self.unsup("integer intrinsic on a float")),
        }
    }

    /// Operand `i` as lanes (a scalar is one lane).
    fn lanes(&mut self, args: &[IrValue], i: usize) -> Result<Vec<cl::Value>> {
        let a = *args.get(i).ok_or_else(|| self.unsup("intrinsic has too few operands"))?;
        self.val(a)
    }

    fn libm1(&mut self, s: Scalar, f64_fn: usize, f32_fn: usize, x: cl::Value) -> cl::Value {
        match s {
            Scalar::F32 => self.call_helper(f32_fn, &[types::F32], &[types::F32], &[x])[0],
            _ => self.call_helper(f64_fn, &[types::F64], &[types::F64], &[x])[0],
        }
    }

    fn memcall(&mut self, f: usize, args: &[IrValue], set: bool) -> Result<()> {
        let d = self.val1(args[0])?;
        let s = self.val1(args[1])?;
        let s = if set {
            let bits = self.int_bits_of(args[1])?;
            self.int_resize(s, bits, 32, false)
        } else {
            s
        };
        let lbits = self.int_bits_of(args[2])?;
        let n = self.val1(args[2])?;
        let n = self.int_resize(n, lbits, 64, false);
        let st = if set { types::I32 } else { types::I64 };
        self.call_helper(f, &[types::I64, st, types::I64], &[types::I64], &[d, s, n]);
        Ok(())
    }

    /// `{ iN, i1 }` overflow arithmetic on one lane.
    fn with_overflow(
        &mut self,
        which: Intrinsic,
        bits: u32,
        x: cl::Value,
        y: cl::Value,
    ) -> Result<(cl::Value, cl::Value)> {
        use Intrinsic::*;
        let ty = int_container(bits);
        let signed = matches!(which, SAddWithOverflow | SSubWithOverflow | SMulWithOverflow);
        if bits == ty.bits() && !(ty == types::I128 && matches!(which, SMulWithOverflow | UMulWithOverflow)) {
            let (r, o) = match which {
                SAddWithOverflow => self.b.ins().sadd_overflow(x, y),
                UAddWithOverflow => self.b.ins().uadd_overflow(x, y),
                SSubWithOverflow => self.b.ins().ssub_overflow(x, y),
                USubWithOverflow => self.b.ins().usub_overflow(x, y),
                SMulWithOverflow => self.b.ins().smul_overflow(x, y),
                _ => self.b.ins().umul_overflow(x, y),
            };
            return Ok((r, o));
        }
        if ty == types::I128 {
            // 65 to 128 bits without a native instruction: exactly, in Rust.
            let code = OverflowOp::of(which).unwrap_or(OverflowOp::UMul) as i64;
            let (slot, [out, pa, pb]) = self.i128_operands_in_scratch(x, y);
            let code = self.b.ins().iconst(types::I32, code);
            let width = self.b.ins().iconst(types::I32, i64::from(bits));
            let o = self.call_helper(
                runtime::jitty_jit_wide_overflow as *const () as usize,
                &[types::I32, types::I32, types::I64, types::I64, types::I64],
                &[types::I8],
                &[code, width, out, pa, pb],
            )[0];
            let r = self.b.ins().stack_load(types::I64, types::I128, slot, 0);
            return Ok((r, o));
        }
        // Odd width: compute exactly in a wider type and check the range.
        let wide_bits = (2 * bits).min(128).max(ty.bits());
        let wide = int_container(wide_bits);
        let (xw, yw) = if signed {
            let xs = self.sext_in(x, bits);
            let ys = self.sext_in(y, bits);
            if wide.bits() > ty.bits() {
                (self.b.ins().sextend(wide, xs), self.b.ins().sextend(wide, ys))
            } else {
                (xs, ys)
            }
        } else if wide.bits() > ty.bits() {
            (self.b.ins().uextend(wide, x), self.b.ins().uextend(wide, y))
        } else {
            (x, y)
        };
        let full = match which {
            SAddWithOverflow | UAddWithOverflow => self.b.ins().iadd(xw, yw),
            SSubWithOverflow | USubWithOverflow => self.b.ins().isub(xw, yw),
            _ => self.b.ins().imul(xw, yw),
        };
        // Truncate to N bits, then re-extend; overflow iff it changed.
        let trunc = if wide.bits() > ty.bits() { self.b.ins().ireduce(ty, full) } else { full };
        let r = self.norm(trunc, bits);
        let back = if signed {
            let s = self.sext_in(r, bits);
            if wide.bits() > ty.bits() { self.b.ins().sextend(wide, s) } else { s }
        } else if wide.bits() > ty.bits() {
            self.b.ins().uextend(wide, r)
        } else {
            r
        };
        let o = self.b.ins().icmp(IntCC::NotEqual, back, full);
        Ok((r, o))
    }

    fn min_max(&mut self, cc: IntCC, bits: u32, x: cl::Value, y: cl::Value) -> cl::Value {
        let signed = matches!(cc, IntCC::SignedGreaterThan | IntCC::SignedLessThan);
        let (xs, ys) = if signed { (self.sext_in(x, bits), self.sext_in(y, bits)) } else { (x, y) };
        let c = self.b.ins().icmp(cc, xs, ys);
        self.sel(c, x, y)
    }

    fn sat(&mut self, which: Intrinsic, bits: u32, x: cl::Value, y: cl::Value) -> Result<cl::Value> {
        use Intrinsic::*;
        let max_u = self.iconst(bits, u128::MAX);
        let max_s = self.iconst(bits, (1u128 << (bits - 1)) - 1);
        let min_s = self.iconst(bits, 1u128 << (bits - 1));
        Ok(match which {
            UAddSat | USubSat | SAddSat | SSubSat => {
                let ovf_kind = match which {
                    UAddSat => UAddWithOverflow,
                    USubSat => USubWithOverflow,
                    SAddSat => SAddWithOverflow,
                    _ => SSubWithOverflow,
                };
                let (r, o) = self.with_overflow(ovf_kind, bits, x, y)?;
                let clamp = match which {
                    UAddSat => max_u,
                    USubSat => self.iconst(bits, 0),
                    _ => {
                        // Signed: overflow towards the sign of the true result,
                        // which is opposite to the wrapped result's sign.
                        let rs = self.sext_in(r, bits);
                        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, rs, 0);
                        self.sel(neg, max_s, min_s)
                    }
                };
                self.sel(o, clamp, r)
            }
            UShlSat => {
                let r = self.b.ins().ishl(x, y);
                let r = self.norm(r, bits);
                let back = self.b.ins().ushr(r, y);
                let ne = self.b.ins().icmp(IntCC::NotEqual, back, x);
                self.sel(ne, max_u, r)
            }
            _ => {
                let r = self.b.ins().ishl(x, y);
                let r = self.norm(r, bits);
                let rs = self.sext_in(r, bits);
                let back = self.b.ins().sshr(rs, y);
                let xs = self.sext_in(x, bits);
                let ne = self.b.ins().icmp(IntCC::NotEqual, back, xs);
                let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, xs, 0);
                let clamp = self.sel(neg, min_s, max_s);
                self.sel(ne, clamp, r)
            }
        })
    }

    fn funnel(&mut self, left: bool, bits: u32, a: cl::Value, b: cl::Value, s: cl::Value) -> cl::Value {
        let s = if bits.is_power_of_two() {
            let m = self.iconst(bits, u128::from(bits - 1));
            self.b.ins().band(s, m)
        } else {
            let n = self.iconst(bits, u128::from(bits));
            self.b.ins().urem(s, n)
        };
        let n = self.iconst(bits, u128::from(bits));
        let inv = self.b.ins().isub(n, s);
        let (hi, lo) = if left {
            (self.b.ins().ishl(a, s), self.b.ins().ushr(b, inv))
        } else {
            (self.b.ins().ishl(a, inv), self.b.ins().ushr(b, s))
        };
        let r = self.b.ins().bor(hi, lo);
        let r = self.norm(r, bits);
        let zero = self.b.ins().icmp_imm_s(IntCC::Equal, s, 0);
        self.sel(zero, if left { a } else { b }, r)
    }

    /// Lowers a call to intrinsic `name`.
    pub(crate) fn intrinsic(&mut self, name: &str, args: &[IrValue], ret_ty: Ty) -> Result<Vec<cl::Value>> {
        use Intrinsic::*;
        let Some(which) = Intrinsic::from_name(name) else {
            return Err(self.unsup(format!("intrinsic {name} is not supported")));
        };
        if which.is_marker() {
            return Ok(Vec::new());
        }
        Ok(match which {
            Expect | LaunderInvariantGroup | StripInvariantGroup | ThreadLocalAddress | Canonicalize => {
                self.lanes(args, 0)?
            }
            IsConstant => vec![self.iconst(1, 0)],
            AllowRuntimeCheck | AllowUbsanCheck => vec![self.iconst(1, 1)],
            InvariantStart => vec![self.ptr_const(0)],
            ObjectSize => {
                let bits = self.m.types.int_bits(ret_ty).unwrap_or(64);
                let min = args.get(1).and_then(|a| self.const_int(*a)).unwrap_or(0) != 0;
                vec![self.iconst(bits, if min { 0 } else { u128::MAX })]
            }
            MemCpy => {
                self.memcall(libc::memcpy as *const () as usize, args, false)?;
                Vec::new()
            }
            MemMove => {
                self.memcall(libc::memmove as *const () as usize, args, false)?;
                Vec::new()
            }
            MemSet => {
                self.memcall(libc::memset as *const () as usize, args, true)?;
                Vec::new()
            }
            SAddWithOverflow | UAddWithOverflow | SSubWithOverflow | USubWithOverflow | SMulWithOverflow
            | UMulWithOverflow => {
                let bits = self.int_bits_of(args[0])?;
                let (a, b) = (self.lanes(args, 0)?, self.lanes(args, 1)?);
                let mut rs = Vec::new();
                let mut os = Vec::new();
                for (x, y) in a.into_iter().zip(b) {
                    let (r, o) = self.with_overflow(which, bits, x, y)?;
                    rs.push(r);
                    os.push(o);
                }
                rs.extend(os);
                rs
            }
            SAddSat | UAddSat | SSubSat | USubSat | SShlSat | UShlSat => {
                let bits = self.int_bits_of(args[0])?;
                let (a, b) = (self.lanes(args, 0)?, self.lanes(args, 1)?);
                a.into_iter().zip(b).map(|(x, y)| self.sat(which, bits, x, y)).collect::<Result<_>>()?
            }
            SMax | SMin | UMax | UMin => {
                let bits = self.int_bits_of(args[0])?;
                let cc = match which {
                    SMax => IntCC::SignedGreaterThan,
                    SMin => IntCC::SignedLessThan,
                    UMax => IntCC::UnsignedGreaterThan,
                    _ => IntCC::UnsignedLessThan,
                };
                let (a, b) = (self.lanes(args, 0)?, self.lanes(args, 1)?);
                a.into_iter().zip(b).map(|(x, y)| self.min_max(cc, bits, x, y)).collect()
            }
            Abs => {
                let bits = self.int_bits_of(args[0])?;
                let a = self.lanes(args, 0)?;
                a.into_iter()
                    .map(|x| {
                        let xs = self.sext_in(x, bits);
                        let neg = self.b.ins().icmp_imm_s(IntCC::SignedLessThan, xs, 0);
                        let n = self.b.ins().ineg(x);
                        let n = self.norm(n, bits);
                        self.sel(neg, n, x)
                    })
                    .collect()
            }
            SCmp | UCmp => {
                let bits = self.int_bits_of(args[0])?;
                let rbits = match self.elem_scalar(ret_ty)? {
                    Scalar::Int(b) => b,
                    _ => return Err(self.unsup("scmp/ucmp result")),
                };
                let (a, b) = (self.lanes(args, 0)?, self.lanes(args, 1)?);
                let signed = which == SCmp;
                a.into_iter()
                    .zip(b)
                    .map(|(x, y)| {
                        let (x, y) = if signed { (self.sext_in(x, bits), self.sext_in(y, bits)) } else { (x, y) };
                        let (gt, lt) = if signed {
                            (IntCC::SignedGreaterThan, IntCC::SignedLessThan)
                        } else {
                            (IntCC::UnsignedGreaterThan, IntCC::UnsignedLessThan)
                        };
                        let g = self.b.ins().icmp(gt, x, y);
                        let l = self.b.ins().icmp(lt, x, y);
                        let one = self.iconst(rbits, 1);
                        let m1 = self.iconst(rbits, u128::MAX);
                        let z = self.iconst(rbits, 0);
                        let t = self.sel(l, m1, z);
                        self.sel(g, one, t)
                    })
                    .collect()
            }
            CtPop | Ctlz | Cttz | BSwap | BitReverse => {
                let bits = self.int_bits_of(args[0])?;
                let ty = int_container(bits);
                let pad = i64::from(ty.bits() - bits);
                let a = self.lanes(args, 0)?;
                a.into_iter()
                    .map(|x| match which {
                        CtPop => self.b.ins().popcnt(x),
                        Ctlz => {
                            let c = self.b.ins().clz(x);
                            self.b.ins().iadd_imm_s(c, -pad)
                        }
                        Cttz => {
                            let c = self.b.ins().ctz(x);
                            let n = self.iconst(bits, u128::from(bits));
                            let gt = self.b.ins().icmp(IntCC::UnsignedGreaterThan, c, n);
                            self.sel(gt, n, c)
                        }
                        BSwap => {
                            let r = if ty == types::I8 { x } else { self.b.ins().bswap(x) };
                            self.b.ins().ushr_imm_u(r, pad)
                        }
                        _ => {
                            let r = self.b.ins().bitrev(x);
                            self.b.ins().ushr_imm_u(r, pad)
                        }
                    })
                    .collect()
            }
            Fshl | Fshr => {
                let bits = self.int_bits_of(args[0])?;
                let (a, b, s) = (self.lanes(args, 0)?, self.lanes(args, 1)?, self.lanes(args, 2)?);
                (0..a.len()).map(|i| self.funnel(which == Fshl, bits, a[i], b[i], s[i])).collect()
            }
            Trap | DebugTrap | UbsanTrap => {
                self.trap_now(jitty_sem::Trap::TrapCalled);
                Vec::new()
            }
            StackSave => {
                vec![self.call_helper(runtime::jitty_jit_shadow_mark as *const () as usize, &[], &[types::I64], &[])[0]]
            }
            FrameAddress => {
                // The stack pointer, not `rbp`: a leaf function may run
                // without a frame of its own, and then `rbp` is whatever the
                // caller left in it (native callers may not keep frame
                // pointers). Other depths give 0, as LLVM allows.
                let depth = args.first().and_then(|a| self.const_int(*a)).unwrap_or(1);
                if depth == 0 { vec![self.b.ins().get_stack_pointer(types::I64)] } else { vec![self.ptr_const(0)] }
            }
            StackRestore => {
                let m = self.val1(args[0])?;
                self.call_helper(runtime::jitty_jit_shadow_release as *const () as usize, &[types::I64], &[], &[m]);
                Vec::new()
            }
            VaStart | VaCopy | VaEnd => return Err(self.unsup("va_start/va_copy are not supported")),
            FAbs | Sqrt | Floor | Ceil | Trunc | RoundEven | Rint | NearbyInt | Round | Exp | Exp2 | Log | Log2
            | Log10 | Sin | Cos => {
                let s = self.elem_scalar(ret_ty)?;
                let a = self.lanes(args, 0)?;
                use runtime as r;
                a.into_iter()
                    .map(|x| match which {
                        FAbs => self.b.ins().fabs(x),
                        Sqrt => self.b.ins().sqrt(x),
                        Floor => self.b.ins().floor(x),
                        Ceil => self.b.ins().ceil(x),
                        Trunc => self.b.ins().trunc(x),
                        RoundEven | Rint | NearbyInt => self.b.ins().nearest(x),
                        Round => self.libm1(s, r::m_round as *const () as usize, r::mf_round as *const () as usize, x),
                        Exp => self.libm1(s, r::m_exp as *const () as usize, r::mf_exp as *const () as usize, x),
                        Exp2 => self.libm1(s, r::m_exp2 as *const () as usize, r::mf_exp2 as *const () as usize, x),
                        Log => self.libm1(s, r::m_ln as *const () as usize, r::mf_ln as *const () as usize, x),
                        Log2 => self.libm1(s, r::m_log2 as *const () as usize, r::mf_log2 as *const () as usize, x),
                        Log10 => self.libm1(s, r::m_log10 as *const () as usize, r::mf_log10 as *const () as usize, x),
                        Sin => self.libm1(s, r::m_sin as *const () as usize, r::mf_sin as *const () as usize, x),
                        _ => self.libm1(s, r::m_cos as *const () as usize, r::mf_cos as *const () as usize, x),
                    })
                    .collect()
            }
            CopySign | MinNum | MaxNum | Minimum | Maximum | Pow | PowI => {
                let s = self.elem_scalar(ret_ty)?;
                let ft = s.cl();
                let (a, mut b) = (self.lanes(args, 0)?, self.lanes(args, 1)?);
                if which == PowI && b.len() == 1 {
                    // `powi(<N x T>, i32)`: one exponent for every lane.
                    b = vec![b[0]; a.len()];
                }
                a.into_iter()
                    .zip(b)
                    .map(|(x, y)| match which {
                        CopySign => self.b.ins().fcopysign(x, y),
                        Minimum => self.b.ins().fmin(x, y),
                        Maximum => self.b.ins().fmax(x, y),
                        MinNum | MaxNum => {
                            let m = if which == MinNum { self.b.ins().fmin(x, y) } else { self.b.ins().fmax(x, y) };
                            let xn = self.b.ins().fcmp(FloatCC::Unordered, x, x);
                            let yn = self.b.ins().fcmp(FloatCC::Unordered, y, y);
                            let t = self.sel(yn, x, m);
                            self.sel(xn, y, t)
                        }
                        Pow => {
                            let f = if s == Scalar::F32 {
                                runtime::mf_pow as *const ()
                            } else {
                                runtime::m_pow as *const ()
                            };
                            self.call_helper(f as usize, &[ft, ft], &[ft], &[x, y])[0]
                        }
                        _ => {
                            let f = if s == Scalar::F32 {
                                runtime::mf_powi as *const ()
                            } else {
                                runtime::m_powi as *const ()
                            };
                            self.call_helper(f as usize, &[ft, types::I32], &[ft], &[x, y])[0]
                        }
                    })
                    .collect()
            }
            Fma | FMulAdd => {
                let s = self.elem_scalar(ret_ty)?;
                let ft = s.cl();
                let (a, b, c) = (self.lanes(args, 0)?, self.lanes(args, 1)?, self.lanes(args, 2)?);
                (0..a.len())
                    .map(|i| {
                        if which == FMulAdd {
                            let p = self.b.ins().fmul(a[i], b[i]);
                            self.b.ins().fadd(p, c[i])
                        } else {
                            let f = if s == Scalar::F32 {
                                runtime::mf_fma as *const ()
                            } else {
                                runtime::m_fma as *const ()
                            };
                            self.call_helper(f as usize, &[ft, ft, ft], &[ft], &[a[i], b[i], c[i]])[0]
                        }
                    })
                    .collect()
            }
            LRint | LLRint | LRound | LLRound => {
                let fs = self.elem_scalar(self.ty_of(args[0]))?;
                let bits = self.int_bits_of_ty(ret_ty)?;
                let a = self.lanes(args, 0)?;
                a.into_iter()
                    .map(|x| {
                        let r = if matches!(which, LRint | LLRint) {
                            self.b.ins().nearest(x)
                        } else {
                            self.libm1(
                                fs,
                                runtime::m_round as *const () as usize,
                                runtime::mf_round as *const () as usize,
                                x,
                            )
                        };
                        self.fp_to_int(r, fs, bits, true, true)
                    })
                    .collect::<Result<_>>()?
            }
            Modf => {
                // The steps of `jitty_sem::modf`, lane by lane: the
                // fractional parts of every lane, then the integral parts.
                let (zero, inf) = match self.elem_scalar(self.ty_of(args[0]))? {
                    Scalar::F32 => (
                        self.b.ins().f32const(Ieee32::with_bits(0)),
                        self.b.ins().f32const(Ieee32::with_bits(f32::INFINITY.to_bits())),
                    ),
                    Scalar::F64 => (
                        self.b.ins().f64const(Ieee64::with_bits(0)),
                        self.b.ins().f64const(Ieee64::with_bits(f64::INFINITY.to_bits())),
                    ),
                    _ => return Err(self.unsup("llvm.modf of a type other than f32 or f64 lanes")),
                };
                let lanes = self.lanes(args, 0)?;
                let mut fracs = Vec::with_capacity(2 * lanes.len());
                let mut ints = Vec::with_capacity(lanes.len());
                for x in lanes {
                    let int = self.b.ins().trunc(x);
                    let diff = self.b.ins().fsub(x, int);
                    let abs = self.b.ins().fabs(x);
                    let infinite = self.b.ins().fcmp(FloatCC::Equal, abs, inf);
                    let frac = self.b.ins().select(infinite, zero, diff);
                    fracs.push(self.b.ins().fcopysign(frac, x));
                    ints.push(int);
                }
                fracs.extend(ints);
                fracs
            }
            FpToSiSat | FpToUiSat => {
                let fs = self.elem_scalar(self.ty_of(args[0]))?;
                let bits = self.int_bits_of_ty(ret_ty)?;
                let a = self.lanes(args, 0)?;
                a.into_iter().map(|x| self.fp_to_int(x, fs, bits, which == FpToSiSat, true)).collect::<Result<_>>()?
            }
            VectorReduceAdd | VectorReduceMul | VectorReduceAnd | VectorReduceOr | VectorReduceXor
            | VectorReduceSMax | VectorReduceSMin | VectorReduceUMax | VectorReduceUMin => {
                let bits = self.int_bits_of(args[0])?;
                let a = self.lanes(args, 0)?;
                let mut acc = *a.first().ok_or_else(|| self.unsup("empty vector reduction"))?;
                for &x in &a[1..] {
                    acc = match which {
                        VectorReduceAdd => {
                            let r = self.b.ins().iadd(acc, x);
                            self.norm(r, bits)
                        }
                        VectorReduceMul => {
                            let r = self.b.ins().imul(acc, x);
                            self.norm(r, bits)
                        }
                        VectorReduceAnd => self.b.ins().band(acc, x),
                        VectorReduceOr => self.b.ins().bor(acc, x),
                        VectorReduceXor => self.b.ins().bxor(acc, x),
                        VectorReduceSMax => self.min_max(IntCC::SignedGreaterThan, bits, acc, x),
                        VectorReduceSMin => self.min_max(IntCC::SignedLessThan, bits, acc, x),
                        VectorReduceUMax => self.min_max(IntCC::UnsignedGreaterThan, bits, acc, x),
                        _ => self.min_max(IntCC::UnsignedLessThan, bits, acc, x),
                    };
                }
                vec![acc]
            }
            CttzElts => {
                // Index of the first set lane, scanning from the last lane
                // down so the lowest index wins; N when no lane is set.
                let bits = self.int_bits_of_ty(ret_ty)?;
                let lanes = self.lanes(args, 0)?;
                let mut acc = self.iconst(bits, lanes.len() as u128);
                for (i, &lane) in lanes.iter().enumerate().rev() {
                    let set = self.b.ins().icmp_imm_u(IntCC::NotEqual, lane, 0);
                    let index = self.iconst(bits, i as u128);
                    acc = self.sel(set, index, acc);
                }
                vec![acc]
            }
            LoadRelative => {
                // p + sext(load i32 (p + sext(off))), the rule of
                // `jitty_sem::load_relative`.
                let [p, off] = args else { return Err(self.unsup("llvm.load.relative needs two operands")) };
                let obits =
                    self.m.types.int_bits(self.ty_of(*off)).ok_or_else(|| self.unsup("llvm.load.relative offset"))?;
                if obits > 64 {
                    return Err(self.unsup("llvm.load.relative with an offset wider than 64 bits"));
                }
                let p = self.val1(*p)?;
                let o = self.val1(*off)?;
                let o = self.int_resize(o, obits, 64, true);
                let at = self.b.ins().iadd(p, o);
                let rel = self.load_scalar(Scalar::Int(32), at, 0, None);
                let rel = self.int_resize(rel, 32, 64, true);
                vec![self.b.ins().iadd(p, rel)]
            }
            IsFpClass => {
                // Per lane: the class bit of the float's bit pattern (a
                // helper applying `jitty_sem::fp_class`), tested against
                // the constant mask.
                let fs = self.elem_scalar(self.ty_of(args[0]))?;
                let test =
                    args.get(1).and_then(|t| self.const_int(*t)).ok_or_else(|| self.unsup("llvm.is.fpclass test"))?;
                let (it, is_f32) = match fs {
                    Scalar::F32 => (types::I32, 1),
                    Scalar::F64 => (types::I64, 0),
                    _ => return Err(self.unsup("llvm.is.fpclass on this float type")),
                };
                let a = self.lanes(args, 0)?;
                a.into_iter()
                    .map(|x| {
                        let bits = self.b.ins().bitcast(it, cl::MemFlagsData::new(), x);
                        let bits = if it == types::I32 { self.b.ins().uextend(types::I64, bits) } else { bits };
                        let k = self.b.ins().iconst(types::I32, is_f32);
                        let class = self.call_helper(
                            runtime::jitty_jit_fp_class as *const () as usize,
                            &[types::I64, types::I32],
                            &[types::I32],
                            &[bits, k],
                        )[0];
                        let hit = self.b.ins().band_imm_u(class, i64::from(test as u32 & 0x3ff));
                        self.b.ins().icmp_imm_u(IntCC::NotEqual, hit, 0)
                    })
                    .collect()
            }
            LifetimeStart | LifetimeEnd | DbgDeclare | DbgValue | DbgLabel | DbgAssign | NoAliasScopeDecl | Assume
            | SideEffect | DoNothing | InvariantEnd | Prefetch | SpinLoopHint => Vec::new(),
        })
    }

    fn int_bits_of_ty(&self, ty: Ty) -> Result<u32> {
        match self.elem_scalar(ty)? {
            Scalar::Int(b) => Ok(b),
            _ => Err(self.unsup("expected an integer result")),
        }
    }
}
