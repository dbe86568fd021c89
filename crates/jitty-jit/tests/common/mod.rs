//! Shared helpers of the integration tests: parse `.ll`, load it into a
//! runtime image (globals in real memory, externals resolved; no generic
//! implementation behind the entries, so only compiled code runs), compile
//! with the JIT and look up native entries.
#![allow(dead_code)]

use jitty_ir::{FuncId, Module};
use jitty_jit::{JitOptions, JitUnit, compile_unit};
use jitty_rt::{Image, NoGeneric};
use std::sync::Arc;

/// Loads `module` with no generic implementation behind its entries.
pub fn image(module: Arc<Module>) -> Arc<Image> {
    Arc::new(Image::load_host(module, Arc::new(NoGeneric)).unwrap_or_else(|e| panic!("load: {e}")))
}

/// A parsed, loaded and compiled module.
pub struct Jit {
    pub module: Arc<Module>,
    pub image: Arc<Image>,
    pub unit: JitUnit,
}

impl Jit {
    /// Native entry of the JIT-compiled function `name`.
    pub fn addr(&self, name: &str) -> usize {
        let id = self.module.func_by_name(name).unwrap_or_else(|| panic!("no function {name}"));
        self.unit.addr(id).unwrap_or_else(|| panic!("{name} not compiled: {:?}", self.unit.failures())) as usize
    }
}

/// Parses `src`, loads it, and compiles every definition.
pub fn jit(src: &str) -> Jit {
    let module = Arc::new(jitty_llvm::parse_module(src, "test.ll").unwrap_or_else(|e| panic!("parse: {e}\n{src}")));
    let image = image(module.clone());
    let funcs: Vec<FuncId> = module.funcs_iter().filter(|(_, f)| !f.is_declaration()).map(|(id, _)| id).collect();
    let unit = compile_unit(&module, &funcs, &*image, &JitOptions { verify: true, ..JitOptions::default() })
        .unwrap_or_else(|e| panic!("jit: {e}"));
    assert!(unit.failures().is_empty(), "failures: {:?}", unit.failures());
    Jit { module, image, unit }
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
