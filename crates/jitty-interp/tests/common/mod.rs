//! Helpers shared by the integration tests: a tiny IR builder and a loader.

#![allow(dead_code)]

use jitty_interp::Interpreter;
use jitty_ir::{BlockId, ConstData, Function, InstData, InstKind, Module, Param, ParamAttrs, Ty, TypeData, Value};
use std::sync::Arc;

/// Builds one function.
pub struct FB {
    pub f: Function,
}

impl FB {
    pub fn new(m: &mut Module, name: &str, ret: Ty, params: &[Ty]) -> FB {
        let fty = m.types.intern(TypeData::Func { ret, params: params.to_vec(), varargs: false });
        let ps = params.iter().map(|&ty| Param { ty, name: None, attrs: ParamAttrs::default() }).collect();
        FB { f: Function::declaration(name, fty, ps) }
    }

    pub fn block(&mut self) -> BlockId {
        self.f.push_block(None)
    }

    pub fn push(&mut self, b: BlockId, kind: InstKind, ty: Ty) -> Value {
        let id = self.f.push_inst(InstData { kind, ty, name: None });
        self.f.blocks[b.index()].insts.push(id);
        Value::Inst(id)
    }

    pub fn finish(self, m: &mut Module) -> jitty_ir::FuncId {
        m.add_func(self.f)
    }
}

pub fn cint(m: &mut Module, bits: u32, v: u128) -> Value {
    let ty = m.types.int(bits);
    Value::Const(m.const_int(ty, v))
}

pub fn declare(m: &mut Module, name: &str, ret: Ty, params: &[Ty], varargs: bool) -> Value {
    let fty = m.types.intern(TypeData::Func { ret, params: params.to_vec(), varargs });
    let ps = params.iter().map(|&ty| Param { ty, name: None, attrs: ParamAttrs::default() }).collect();
    let id = m.add_func(Function::declaration(name, fty, ps));
    let pty = m.types.ptr();
    Value::Const(m.intern_const(ConstData::Func { ty: pty, id }))
}

pub fn call_kind(m: &mut Module, callee: Value, ret: Ty, params: &[Ty], args: Vec<Value>) -> InstKind {
    let fn_ty = m.types.intern(TypeData::Func { ret, params: params.to_vec(), varargs: false });
    let n = args.len();
    InstKind::Call {
        callee,
        fn_ty,
        args,
        arg_attrs: vec![ParamAttrs::default(); n],
        ret_attrs: ParamAttrs::default(),
        cconv: Default::default(),
        tail: Default::default(),
        flags: Default::default(),
    }
}

pub fn interp(m: Module) -> Interpreter {
    Interpreter::load_host(Arc::new(m)).expect("load")
}
