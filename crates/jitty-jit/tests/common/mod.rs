//! Shared helpers of the integration tests: parse `.ll`, load it with the
//! interpreter's image (globals in real memory, externals resolved), compile
//! with the JIT and look up native entries.
#![allow(dead_code)]

use jitty_interp::{Image, Interpreter};
use jitty_ir::{FuncId, GlobalId, Module};
use jitty_jit::{JitEnv, JitOptions, JitUnit, compile_unit};
use std::sync::Arc;

/// [`JitEnv`] backed by the interpreter's module image.
pub struct ImageEnv(pub Arc<Image>);

impl JitEnv for ImageEnv {
    fn global_addr(&self, id: GlobalId) -> u64 {
        self.0.global_addr(id)
    }
    fn func_addr(&self, id: FuncId) -> Option<u64> {
        let a = self.0.func_addr(id);
        (a != 0).then_some(a)
    }
    fn external_addr(&self, name: &str) -> Option<u64> {
        self.0.symbol_addr(name)
    }
}

/// A parsed, loaded and (partly) compiled module.
pub struct Jit {
    pub module: Arc<Module>,
    pub image: Arc<Image>,
    pub unit: JitUnit,
    /// Created so that IR functions left to the interpreter can be entered
    /// from native code.
    pub interp: Interpreter,
}

impl Jit {
    /// Native entry of the JIT-compiled function `name`.
    pub fn addr(&self, name: &str) -> usize {
        let id = self.module.func_by_name(name).unwrap_or_else(|| panic!("no function {name}"));
        self.unit.addr(id).unwrap_or_else(|| panic!("{name} not compiled: {:?}", self.unit.failures())) as usize
    }
}

/// Parses `src`, loads it, and compiles the functions named in `only` (all
/// definitions when empty).
pub fn jit_only(src: &str, only: &[&str]) -> Jit {
    let module = Arc::new(jitty_llvm::parse_module(src, "test.ll").unwrap_or_else(|e| panic!("parse: {e}\n{src}")));
    let image = Arc::new(Image::load_host(module.clone()).unwrap_or_else(|e| panic!("load: {e}")));
    let funcs: Vec<FuncId> = module
        .funcs_iter()
        .filter(|(_, f)| !f.is_declaration() && (only.is_empty() || only.contains(&f.name.as_str())))
        .map(|(id, _)| id)
        .collect();
    let env = ImageEnv(image.clone());
    let unit = compile_unit(&module, &funcs, &env, &JitOptions::default()).unwrap_or_else(|e| panic!("jit: {e}"));
    assert!(unit.failures().is_empty(), "failures: {:?}", unit.failures());
    let interp = Interpreter::new(image.clone());
    Jit { module, image, unit, interp }
}

/// Parses, loads and compiles every definition of `src`.
pub fn jit(src: &str) -> Jit {
    jit_only(src, &[])
}

/// A small deterministic PRNG for test data.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0
    }
    pub fn next128(&mut self) -> u128 {
        (u128::from(self.next()) << 64) | u128::from(self.next())
    }
    /// Interesting values first (0, 1, -1, min, max), then random ones.
    pub fn value(&mut self, i: usize, bits: u32) -> u128 {
        let mask = if bits == 128 { u128::MAX } else { (1u128 << bits) - 1 };
        let v = match i {
            0 => 0,
            1 => 1,
            2 => u128::MAX,
            3 => 1u128 << (bits - 1),
            4 => (1u128 << (bits - 1)).wrapping_sub(1),
            _ => match self.next() % 3 {
                0 => self.next128() >> (self.next() % 128),
                1 => u128::from(self.next() % 300),
                _ => self.next128(),
            },
        };
        v & mask
    }
}
