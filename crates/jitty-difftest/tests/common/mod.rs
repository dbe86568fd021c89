//! Both engines over one image: the interpreter (the oracle) and a JIT unit
//! of every definition, linked against the interpreter's image so JIT code
//! reaches interpreted functions through their entries.
#![allow(dead_code)]

use jitty_interp::Interpreter;
use jitty_ir::{FuncId, Module};
use jitty_jit::{JitOptions, JitUnit, compile_unit};
use std::sync::Arc;

/// A parsed module, its interpreter and a JIT unit of the functions asked for.
pub struct Engines {
    pub module: Arc<Module>,
    pub interp: Interpreter,
    pub unit: JitUnit,
}

impl Engines {
    /// Native entry of the JIT-compiled function `name`.
    pub fn addr(&self, name: &str) -> usize {
        let id = self.module.func_by_name(name).unwrap_or_else(|| panic!("no function {name}"));
        self.unit.addr(id).unwrap_or_else(|| panic!("{name} not compiled: {:?}", self.unit.failures())) as usize
    }
}

/// Parses and loads `src`, and compiles the definitions `keep` accepts; every
/// one of them must compile.
pub fn engines_for(src: &str, keep: impl Fn(&str) -> bool) -> Engines {
    let e = engines_lenient(src, keep);
    assert!(e.unit.failures().is_empty(), "failures: {:?}", e.unit.failures());
    e
}

/// Like [`engines_for`], but functions the JIT cannot compile are left out
/// of the unit (listed in `unit.failures()`) instead of failing.
pub fn engines_lenient(src: &str, keep: impl Fn(&str) -> bool) -> Engines {
    let module = Arc::new(jitty_llvm::parse_module(src, "test.ll").unwrap_or_else(|e| panic!("parse: {e}\n{src}")));
    let interp = Interpreter::load_host(module.clone()).unwrap_or_else(|e| panic!("load: {e}"));
    let funcs: Vec<FuncId> =
        module.funcs_iter().filter(|(_, f)| !f.is_declaration() && keep(&f.name)).map(|(id, _)| id).collect();
    let unit = compile_unit(&module, &funcs, &**interp.image(), &JitOptions { verify: true, ..JitOptions::default() })
        .unwrap_or_else(|e| panic!("jit: {e}"));
    Engines { module, interp, unit }
}

/// [`engines_for`] every definition.
pub fn engines(src: &str) -> Engines {
    engines_for(src, |_| true)
}
