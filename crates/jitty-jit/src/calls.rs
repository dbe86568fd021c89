//! Lowering of `call` / `invoke`: direct calls between unit members, calls by
//! absolute address to other IR functions and externals, indirect calls with
//! the call site's signature, `byval`/`sret`/`zeroext`/`signext`, and
//! variadic calls through the thunks of [`crate::varargs`].

use crate::error::Result;
use crate::flat::Scalar;
use crate::lower::{FnLower, Target, abi_params, signature_for};
use crate::varargs;
use cranelift_codegen::ir::{self as cl, ArgumentPurpose, InstBuilder, Signature, types};
use cranelift_codegen::isa::CallConv as ClCallConv;
use cranelift_module::{Linkage, Module as _};
use jitty_ir::{ConstData, ParamAttrs, Ty, Value as IrValue};

impl FnLower<'_, '_> {
    /// Lowers a call; returns the flattened result.
    pub(crate) fn call(
        &mut self,
        callee: IrValue,
        fn_ty: Ty,
        args: &[IrValue],
        arg_attrs: &[ParamAttrs],
        ret_attrs: &ParamAttrs,
        ret_ty: Ty,
    ) -> Result<Vec<cl::Value>> {
        // Intrinsics.
        if let IrValue::Const(c) = callee
            && let ConstData::Func { id, .. } = self.m.constant(c)
        {
            let name = &self.m.func(*id).name;
            if name.starts_with("llvm.") {
                return self.intrinsic(name, args, ret_ty);
            }
            // Cranelift has no returns-twice calls: a function that calls
            // setjmp runs on the interpreter, which implements it
            // (`jitty_rt::sjlj`). longjmp is an ordinary call.
            if self.m.func(*id).is_declaration() && jitty_rt::sjlj::is_setjmp(name) {
                return Err(self.unsup(format!("calls @{name} (returns twice): setjmp runs on the interpreter")));
            }
        }
        let (_, fixed, varargs) = self.m.types.func_sig(fn_ty).ok_or_else(|| self.unsup("callee type"))?;
        let fixed_len = fixed.len();

        // Signature and arguments.
        let default = ParamAttrs::default();
        let mut sig = Signature::new(ClCallConv::SystemV);
        let mut vals = Vec::new();
        for (i, &a) in args.iter().enumerate() {
            let attrs = arg_attrs.get(i).unwrap_or(&default);
            let ty = self.ty_of(a);
            let params = abi_params(self.m, ty, attrs, i == 0).map_err(|r| self.unsup(r))?;
            let mut av = self.val(a)?;
            if params.len() != av.len() {
                return Err(self.unsup("argument shape does not match its type"));
            }
            if attrs.signext
                && let Ok(Scalar::Int(bits)) = self.scalar(ty)
            {
                av[0] = self.sext_in(av[0], bits);
            }
            sig.params.extend(params);
            vals.extend(av);
        }
        let ret_sig = signature_for(self.m, ret_ty, &[], ret_attrs).map_err(|r| self.unsup(r))?;
        sig.returns = ret_sig.returns;
        let _ = fixed_len;

        // Target.
        let target = match callee {
            IrValue::Const(c) => match self.m.constant(c) {
                ConstData::Func { id, .. } => {
                    if self.cx.members.contains_key(id) {
                        Target::Member(*id)
                    } else if let Some(e) = self.cx.env.entry_error(*id) {
                        // Its address only identifies it: the caller is left
                        // to the interpreter, which calls it directly.
                        return Err(
                            self.unsup(format!("calls @{}, which has no native entry: {e}", self.m.func(*id).name))
                        );
                    } else {
                        let addr = self
                            .resolve_addr(*id)
                            .ok_or_else(|| self.unsup(format!("function @{} has no address", self.m.func(*id).name)))?;
                        Target::Addr { addr, may_be_ir: !self.m.func(*id).is_declaration() }
                    }
                }
                _ => Target::Dynamic(self.val1(callee)?),
            },
            _ => Target::Dynamic(self.val1(callee)?),
        };

        let results = if varargs {
            self.variadic_call(sig, target, &vals)?
        } else {
            match target {
                Target::Member(id) => {
                    self.referenced.insert(id);
                    let clid = self.cx.members[&id];
                    let declared = &self.cx.module.declarations().get_function_decl(clid).signature;
                    if *declared == sig {
                        let fref = self.import_func(clid);
                        let call = self.b.ins().call(fref, &vals);
                        let r = self.b.inst_results(call).to_vec();
                        self.check_trap_after_call();
                        r
                    } else {
                        let fref = self.import_func(clid);
                        let addr = self.b.ins().func_addr(types::I64, fref);
                        let r = self.indirect(sig, addr, &vals);
                        self.check_trap_after_call();
                        r
                    }
                }
                Target::Addr { addr, may_be_ir } => {
                    let a = self.ptr_const(addr);
                    let r = self.indirect(sig, a, &vals);
                    if may_be_ir {
                        self.check_trap_after_call();
                    }
                    r
                }
                Target::Dynamic(a) => {
                    let r = self.indirect(sig, a, &vals);
                    self.check_trap_after_call();
                    r
                }
            }
        };
        self.normalize_results(ret_ty, results)
    }

    fn indirect(&mut self, sig: Signature, addr: cl::Value, vals: &[cl::Value]) -> Vec<cl::Value> {
        let sigref = self.b.import_signature(sig);
        let call = self.b.ins().call_indirect(sigref, addr, vals);
        self.b.inst_results(call).to_vec()
    }

    /// Narrow integer results come back in a wider register: re-normalize.
    fn normalize_results(&mut self, ret_ty: Ty, results: Vec<cl::Value>) -> Result<Vec<cl::Value>> {
        let leaves = self.leaves(ret_ty)?;
        Ok(leaves
            .iter()
            .zip(results)
            .map(|(l, v)| match l.scalar {
                Scalar::Int(bits) => self.norm(v, bits),
                _ => v,
            })
            .collect())
    }

    /// A call to a variadic function: through a thunk that sets `%al`.
    fn variadic_call(&mut self, mut sig: Signature, target: Target, vals: &[cl::Value]) -> Result<Vec<cl::Value>> {
        let floats = sig.params.iter().filter(|p| p.value_type.is_float()).count();
        let al = floats.min(8) as u8;
        let (key, code, extra, may_be_ir) = match target {
            Target::Member(_) => return Err(self.unsup("variadic call to a unit member")),
            Target::Addr { addr, may_be_ir } => ((addr, 255u8, al), varargs::direct_thunk(addr, al), None, may_be_ir),
            Target::Dynamic(p) => {
                let gprs: usize = sig
                    .params
                    .iter()
                    .filter(|p| !matches!(p.purpose, ArgumentPurpose::StructArgument(_)))
                    .map(|p| match p.value_type {
                        types::I128 => 2,
                        t if t.is_int() => 1,
                        _ => 0,
                    })
                    .sum();
                let code = varargs::indirect_thunk(gprs, al)
                    .ok_or_else(|| self.unsup("indirect variadic call with six or more integer arguments"))?;
                ((u64::MAX, gprs as u8, al), code, Some(p), true)
            }
        };
        let thunk = match self.cx.thunks.get(&key) {
            Some(&id) => id,
            None => {
                let empty = Signature::new(ClCallConv::SystemV);
                let id = self
                    .cx
                    .module
                    .declare_function(
                        &format!("jitty_vararg_thunk_{:x}_{}_{}", key.0, key.1, key.2),
                        Linkage::Local,
                        &empty,
                    )
                    .map_err(|e| self.unsup(format!("thunk: {e}")))?;
                self.cx
                    .module
                    .define_function_bytes(id, 16, &code, &[])
                    .map_err(|e| self.unsup(format!("thunk: {e}")))?;
                self.cx.thunks.insert(key, id);
                id
            }
        };
        let fref = self.import_func(thunk);
        let addr = self.b.ins().func_addr(types::I64, fref);
        let mut args = vals.to_vec();
        if let Some(p) = extra {
            sig.params.push(cl::AbiParam::new(types::I64));
            args.push(p);
        }
        let r = self.indirect(sig, addr, &args);
        if may_be_ir {
            self.check_trap_after_call();
        }
        Ok(r)
    }
}
