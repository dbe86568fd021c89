//! The module loader: materializes a [`Module`] in real process memory.
//!
//! Every defined global gets an aligned allocation owned by the [`Image`]
//! (freed on drop) holding its initializer, written with the module's data
//! layout. Declared symbols resolve through a [`SymbolResolver`] (by default
//! [`HostResolver`]: `dlsym(RTLD_DEFAULT)`, then the Rust toolchain's
//! `libstd-*.so`, opened lazily). Every defined function gets a native entry
//! address — an entry stub ([`crate::entry`]) that jumps through a slot to a
//! libffi closure entering the interpreter, or to JIT code plugged in with
//! [`Image::plug`] — and the image maps those addresses back to [`FuncId`]s
//! so the interpreter calls IR functions directly. An unresolved external is
//! an error only when used.

use crate::entry::EntryStubs;
use crate::ffi::{EntryHook, NativeClosure};
use crate::mem;
use crate::sem::{self, Repr, Scalar, cast_scalar, int_bin, repr_of, scalar_of};
use jitty_ir::{AliasId, BinOp, ConstData, ConstExpr, ConstId, FuncId, GlobalId, Module, Symbol, Ty, TypeData};
use std::alloc::Layout;
use std::collections::{HashMap, HashSet};
use std::ffi::{CString, c_void};
use std::sync::{Arc, OnceLock};

/// Resolves external symbol names to addresses.
pub trait SymbolResolver {
    /// The address of `name`, if known.
    fn resolve(&self, name: &str) -> Option<u64>;
}

impl<F: Fn(&str) -> Option<u64>> SymbolResolver for F {
    fn resolve(&self, name: &str) -> Option<u64> {
        self(name)
    }
}

/// Resolves symbols in the host process, then in the Rust toolchain's
/// dynamic `libstd` (opened on the first miss).
#[derive(Clone, Copy, Debug, Default)]
pub struct HostResolver;

static LIBSTD: OnceLock<usize> = OnceLock::new();

fn libstd_handle() -> usize {
    *LIBSTD.get_or_init(|| {
        let sysroot = std::process::Command::new(std::env::var("RUSTC").unwrap_or_else(|_| "rustc".into()))
            .args(["--print", "sysroot"])
            .output()
            .ok()
            .and_then(|o| String::from_utf8(o.stdout).ok())
            .map(|s| s.trim().to_string());
        let Some(sysroot) = sysroot else { return 0 };
        let dir = format!("{sysroot}/lib/rustlib/x86_64-unknown-linux-gnu/lib");
        let Ok(entries) = std::fs::read_dir(&dir) else { return 0 };
        for e in entries.flatten() {
            let name = e.file_name().to_string_lossy().into_owned();
            if name.starts_with("libstd-") && name.ends_with(".so") {
                let Ok(path) = CString::new(format!("{dir}/{name}")) else { return 0 };
                // SAFETY: dlopen with a valid NUL-terminated path.
                let h = unsafe { libc::dlopen(path.as_ptr(), libc::RTLD_NOW | libc::RTLD_GLOBAL) };
                return h as usize;
            }
        }
        0
    })
}

impl SymbolResolver for HostResolver {
    fn resolve(&self, name: &str) -> Option<u64> {
        let c = CString::new(name).ok()?;
        // SAFETY: dlsym with RTLD_DEFAULT and a valid C string.
        let p = unsafe { libc::dlsym(libc::RTLD_DEFAULT, c.as_ptr()) };
        if !p.is_null() {
            return Some(p as u64);
        }
        let h = libstd_handle();
        if h == 0 {
            return None;
        }
        // SAFETY: `h` is a live handle from dlopen (never closed).
        let p = unsafe { libc::dlsym(h as *mut c_void, c.as_ptr()) };
        (!p.is_null()).then_some(p as u64)
    }
}

/// Errors while loading a module.
#[derive(Debug, thiserror::Error)]
pub enum LoadError {
    /// A global's initializer uses a construct the loader cannot evaluate.
    #[error("global @{global}: {reason}")]
    Initializer {
        /// The global's name.
        global: String,
        /// What is unsupported.
        reason: String,
    },
    /// A global is too large or badly aligned.
    #[error("global @{0}: cannot allocate")]
    Alloc(String),
    /// An alias could not be resolved.
    #[error("alias @{alias}: {reason}")]
    Alias {
        /// The alias name.
        alias: String,
        /// Why.
        reason: String,
    },
    /// The executable memory of the entry stubs could not be mapped.
    #[error("entry stubs: {0}")]
    Stubs(String),
}

struct Allocation {
    ptr: *mut u8,
    layout: Layout,
}

/// A module materialized in process memory.
pub struct Image {
    module: Arc<Module>,
    global_addrs: Vec<u64>,
    func_addrs: Vec<u64>,
    alias_addrs: Vec<u64>,
    by_addr: HashMap<u64, FuncId>,
    unresolved: HashSet<String>,
    allocations: Vec<Allocation>,
    closures: Vec<NativeClosure>,
    closure_errors: Vec<(FuncId, String)>,
    /// Entry stubs of the functions that have a closure.
    stubs: Option<EntryStubs>,
    /// Stub index of each function (`u32::MAX`: none).
    stub_index: Vec<u32>,
    pub(crate) hook: Arc<EntryHook>,
}

// SAFETY: the raw allocation pointers are owned by the image, written only
// during `load`, and freed only on drop; afterwards the image is read-only.
unsafe impl Send for Image {}
// SAFETY: see `Send` above.
unsafe impl Sync for Image {}

impl std::fmt::Debug for Image {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Image")
            .field("globals", &self.global_addrs.len())
            .field("funcs", &self.func_addrs.len())
            .field("unresolved", &self.unresolved)
            .finish()
    }
}

impl Drop for Image {
    fn drop(&mut self) {
        for a in &self.allocations {
            // SAFETY: allocated with exactly this layout in `load`.
            unsafe { std::alloc::dealloc(a.ptr, a.layout) };
        }
    }
}

/// Evaluates constants to register format or memory, given symbol addresses.
pub(crate) struct ConstEval<'a> {
    pub m: &'a Module,
    pub globals: &'a [u64],
    pub funcs: &'a [u64],
    pub aliases: &'a [u64],
}

/// Walks GEP indices: returns the constant byte offset and the variable
/// terms `(index, scale)`. `konst` gives the sign-extended value of a constant
/// index.
pub(crate) fn gep_walk<V: Copy>(
    m: &Module,
    source_ty: Ty,
    indices: &[V],
    konst: impl Fn(V) -> Option<i64>,
) -> Result<(i64, Vec<(V, i64)>), String> {
    let mut off: i64 = 0;
    let mut terms = Vec::new();
    let mut cur = source_ty;
    for (n, &idx) in indices.iter().enumerate() {
        let (scale, next) = if n == 0 {
            (m.alloc_size(cur) as i64, cur)
        } else {
            match m.types.get(cur) {
                TypeData::Array { elem, .. } => (m.alloc_size(*elem) as i64, *elem),
                TypeData::Vector { elem, .. } => (m.alloc_size(*elem) as i64, *elem),
                TypeData::Struct { .. } | TypeData::Named(_) => {
                    let k = konst(idx).ok_or("variable struct index in getelementptr")?;
                    let layout = m.layout.struct_layout(&m.types, cur).ok_or("getelementptr into opaque struct")?;
                    let fields = m.types.struct_fields(cur).map(|f| f.0).unwrap_or(&[]);
                    let k = usize::try_from(k).map_err(|_| "negative struct index")?;
                    let o = *layout.offsets.get(k).ok_or("struct index out of range")?;
                    off = off.wrapping_add(o as i64);
                    cur = fields[k];
                    continue;
                }
                _ => return Err("getelementptr into a non-aggregate".into()),
            }
        };
        match konst(idx) {
            Some(k) => off = off.wrapping_add(k.wrapping_mul(scale)),
            None => terms.push((idx, scale)),
        }
        cur = next;
    }
    Ok((off, terms))
}

impl ConstEval<'_> {
    /// A scalar constant in register format (ints normalized, floats in their
    /// slot format, pointers as addresses).
    pub fn scalar(&self, id: ConstId) -> Result<u128, String> {
        let m = self.m;
        Ok(match m.constant(id) {
            ConstData::Int { bits, .. } => *bits,
            ConstData::WideInt { .. } => return Err("an integer wider than 128 bits in a scalar context".into()),
            ConstData::Float { ty, bits } => match m.types.float_kind(*ty).and_then(sem::Fk::of) {
                Some(sem::Fk::F80) => u128::from(sem::f80_to_f64(*bits).to_bits()),
                Some(_) => *bits,
                None => return Err("unsupported float constant".into()),
            },
            ConstData::Null(_) | ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) => 0,
            ConstData::NoneToken(_) => 0,
            ConstData::Global { id, .. } => u128::from(self.globals[id.index()]),
            ConstData::Func { id, .. } => u128::from(self.funcs[id.index()]),
            ConstData::Alias { id, .. } => u128::from(self.aliases[id.index()]),
            ConstData::Expr { ty, expr } => self.expr(*ty, expr)?,
            ConstData::Aggregate { .. } | ConstData::Bytes { .. } => {
                return Err("aggregate constant used as a scalar".into());
            }
        })
    }

    fn expr(&self, ty: Ty, e: &ConstExpr) -> Result<u128, String> {
        let m = self.m;
        match e {
            ConstExpr::Gep { source_ty, base, indices, .. } => {
                let b = self.scalar(*base)? as u64;
                let (off, terms) = gep_walk(m, *source_ty, indices, |c| {
                    let v = self.scalar(c).ok()?;
                    let bits = m.types.int_bits(m.constant(c).ty()).unwrap_or(64);
                    Some(sem::sext128(v, bits) as i64)
                })?;
                if !terms.is_empty() {
                    return Err("non-constant index in constant getelementptr".into());
                }
                Ok(u128::from(b.wrapping_add(off as u64)))
            }
            ConstExpr::Cast { op, val } => {
                let from_ty = m.constant(*val).ty();
                let (Some(from), Some(to)) = (scalar_of(m, from_ty), scalar_of(m, ty)) else {
                    return Err("constant cast of a non-scalar".into());
                };
                Ok(cast_scalar(*op, self.scalar(*val)?, from, to))
            }
            ConstExpr::Binary { op, lhs, rhs, .. } => {
                let bits = match scalar_of(m, ty) {
                    Some(Scalar::I(b)) => b,
                    Some(Scalar::P) => 64,
                    _ => return Err("constant binary expression on a non-integer".into()),
                };
                if matches!(op, BinOp::FAdd | BinOp::FSub | BinOp::FMul | BinOp::FDiv | BinOp::FRem) {
                    return Err("constant float expression".into());
                }
                int_bin(*op, self.scalar(*lhs)?, self.scalar(*rhs)?, bits).map_err(|t| t.to_string())
            }
            ConstExpr::FuncRef { func } => Ok(u128::from(self.funcs[func.index()])),
            ConstExpr::BlockAddress { .. } => Err("blockaddress is not supported".into()),
            ConstExpr::ExtractElement { .. } | ConstExpr::InsertElement { .. } | ConstExpr::ShuffleVector { .. } => {
                Err("constant vector expression".into())
            }
        }
    }

    /// Writes constant `id` of type `ty` into memory at `addr` (store size).
    ///
    /// # Safety
    /// `addr` must be writable for the alloc size of `ty`.
    pub unsafe fn write(&self, id: ConstId, addr: u64) -> Result<(), String> {
        let m = self.m;
        let c = m.constant(id);
        let ty = c.ty();
        match c {
            ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) | ConstData::Null(_) => {
                // SAFETY: the caller guarantees alloc-size writable bytes.
                unsafe { std::ptr::write_bytes(addr as *mut u8, 0, m.alloc_size(ty) as usize) };
                return Ok(());
            }
            ConstData::Bytes { bytes, .. } => {
                // SAFETY: as above; `bytes` is the array's content.
                unsafe { std::ptr::copy_nonoverlapping(bytes.as_ptr(), addr as *mut u8, bytes.len()) };
                return Ok(());
            }
            ConstData::Aggregate { elems, .. } => {
                match m.types.get(ty) {
                    TypeData::Array { elem, .. } => {
                        let stride = m.alloc_size(*elem);
                        for (i, e) in elems.iter().enumerate() {
                            // SAFETY: element i lies within the array.
                            unsafe { self.write(*e, addr + i as u64 * stride)? };
                        }
                    }
                    TypeData::Vector { .. } => {
                        let r = repr_of(m, ty)?;
                        let mut slots = vec![0u64; r.slots() as usize];
                        self.slots(id, &r, &mut slots)?;
                        // SAFETY: the vector's store size is within its alloc size.
                        unsafe { mem::store_repr(&r, addr, slots.as_ptr()) };
                    }
                    _ => {
                        let layout = m.layout.struct_layout(&m.types, ty).ok_or("aggregate of unknown layout")?;
                        for (e, off) in elems.iter().zip(layout.offsets.iter()) {
                            // SAFETY: field offsets lie within the struct.
                            unsafe { self.write(*e, addr + off)? };
                        }
                    }
                }
                return Ok(());
            }
            _ => {}
        }
        let r = repr_of(m, ty)?;
        match r {
            Repr::S(s) => {
                let v = self.scalar(id)?;
                let slots = [v as u64, (v >> 64) as u64];
                // SAFETY: the scalar's store size is within its alloc size.
                unsafe { mem::store_scalar(s, addr, slots.as_ptr()) };
                Ok(())
            }
            Repr::W(_) => {
                let mut slots = vec![0u64; r.slots() as usize];
                self.slots(id, &r, &mut slots)?;
                // SAFETY: the integer's store size is within its alloc size.
                unsafe { mem::store_repr(&r, addr, slots.as_ptr()) };
                Ok(())
            }
            _ => Err("unsupported aggregate constant expression".into()),
        }
    }

    /// Materializes constant `id` in register format into `out`.
    pub fn slots(&self, id: ConstId, r: &Repr, out: &mut [u64]) -> Result<(), String> {
        let m = self.m;
        match r {
            Repr::None => Ok(()),
            Repr::S(_) => {
                let v = self.scalar(id)?;
                out[0] = v as u64;
                if out.len() > 1 {
                    out[1] = (v >> 64) as u64;
                }
                Ok(())
            }
            Repr::V { elem, len, .. } => {
                let n = elem.slots() as usize;
                match m.constant(id) {
                    ConstData::Aggregate { elems, .. } => {
                        for (i, e) in elems.iter().enumerate().take(*len as usize) {
                            let v = self.scalar(*e)?;
                            out[i * n] = v as u64;
                            if n > 1 {
                                out[i * n + 1] = (v >> 64) as u64;
                            }
                        }
                        Ok(())
                    }
                    ConstData::Zero(_) | ConstData::Undef(_) | ConstData::Poison(_) => {
                        out.iter_mut().for_each(|s| *s = 0);
                        Ok(())
                    }
                    _ => Err("unsupported vector constant".into()),
                }
            }
            Repr::W(bits) => {
                if let ConstData::WideInt { words, .. } = m.constant(id) {
                    let mut w = [0u64; sem::WIDE_LIMBS];
                    let n = words.len().min(sem::WIDE_LIMBS);
                    w[..n].copy_from_slice(&words[..n]);
                    sem::wide_norm(&mut w, *bits);
                    let n = out.len();
                    out.copy_from_slice(&w[..n]);
                    return Ok(());
                }
                // Integer constants up to 128 bits: a set bit 127 is
                // taken as a negative value and sign-extended (the common
                // case of masks written as negative decimals).
                let v = self.scalar(id)?;
                let mut w = [0u64; sem::WIDE_LIMBS];
                w[0] = v as u64;
                w[1] = (v >> 64) as u64;
                let mut w = if v >> 127 == 1 { sem::wide_sext(&w, 128) } else { w };
                sem::wide_norm(&mut w, *bits);
                let n = out.len();
                out.copy_from_slice(&w[..n]);
                Ok(())
            }
            Repr::A { size, .. } => {
                let mut buf = vec![0u64; (*size as usize).div_ceil(8).max(1)];
                // SAFETY: `buf` has at least `size` bytes.
                unsafe { self.write(id, buf.as_mut_ptr() as u64)? };
                out[..buf.len()].copy_from_slice(&buf);
                Ok(())
            }
        }
    }
}

impl Image {
    /// Loads `module` into process memory, resolving externals with
    /// `resolver`.
    pub fn load(module: Arc<Module>, resolver: &dyn SymbolResolver) -> Result<Image, LoadError> {
        let m = &*module;
        let mut img = Image {
            module: module.clone(),
            global_addrs: vec![0; m.globals.len()],
            func_addrs: vec![0; m.funcs.len()],
            alias_addrs: vec![0; m.aliases.len()],
            by_addr: HashMap::new(),
            unresolved: HashSet::new(),
            allocations: Vec::new(),
            closures: Vec::new(),
            closure_errors: Vec::new(),
            stubs: None,
            stub_index: vec![u32::MAX; m.funcs.len()],
            hook: Arc::new(EntryHook::default()),
        };
        // 1. Globals: allocate definitions, resolve declarations.
        for (id, g) in m.globals_iter() {
            if g.init.is_none() {
                match resolver.resolve(&g.name) {
                    Some(a) => img.global_addrs[id.index()] = a,
                    None => {
                        img.unresolved.insert(g.name.clone());
                    }
                }
                continue;
            }
            let size = m.alloc_size(g.value_ty).max(1);
            let align = m.abi_align(g.value_ty).max(u64::from(g.align.unwrap_or(1))).max(16);
            let layout =
                Layout::from_size_align(size as usize, align as usize).map_err(|_| LoadError::Alloc(g.name.clone()))?;
            // SAFETY: `layout` has a non-zero size.
            let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
            if ptr.is_null() {
                return Err(LoadError::Alloc(g.name.clone()));
            }
            img.allocations.push(Allocation { ptr, layout });
            img.global_addrs[id.index()] = ptr as u64;
        }
        // 2. Functions: closures for definitions, host symbols for declarations.
        for (id, f) in m.funcs_iter() {
            if f.is_declaration() {
                if jitty_ir::intrinsics::is_intrinsic_name(&f.name) {
                    continue;
                }
                match resolver.resolve(&f.name) {
                    Some(a) => img.func_addrs[id.index()] = a,
                    None => {
                        img.unresolved.insert(f.name.clone());
                    }
                }
                continue;
            }
            let addr = match m.types.func_sig(f.ty) {
                Some((ret, _, false)) => {
                    let params: Vec<_> = f.params.iter().map(|p| (p.ty, p.attrs)).collect();
                    match NativeClosure::new(m, id, ret, &f.ret_attrs, &params, img.hook.clone()) {
                        Ok(c) => {
                            let a = c.addr();
                            img.closures.push(c);
                            Some(a)
                        }
                        Err(e) => {
                            img.closure_errors.push((id, e));
                            None
                        }
                    }
                }
                _ => {
                    img.closure_errors.push((id, "variadic functions cannot be entered from native code".into()));
                    None
                }
            };
            let addr = match addr {
                Some(a) => a,
                None => {
                    // A unique, non-callable address so the interpreter can
                    // still map the function pointer back to the function.
                    let layout = Layout::from_size_align(16, 16).map_err(|_| LoadError::Alloc(f.name.clone()))?;
                    // SAFETY: non-zero size.
                    let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
                    if ptr.is_null() {
                        return Err(LoadError::Alloc(f.name.clone()));
                    }
                    img.allocations.push(Allocation { ptr, layout });
                    ptr as u64
                }
            };
            img.func_addrs[id.index()] = addr;
            img.by_addr.insert(addr, id);
        }
        img.install_stubs()?;
        // 3. Aliases (may refer to each other: iterate to a fixed point).
        for _ in 0..=m.aliases.len() {
            let mut changed = false;
            for (i, a) in m.aliases.iter().enumerate() {
                let ev = ConstEval { m, globals: &img.global_addrs, funcs: &img.func_addrs, aliases: &img.alias_addrs };
                let v = ev.scalar(a.aliasee).map_err(|reason| LoadError::Alias { alias: a.name.clone(), reason })?;
                if img.alias_addrs[i] != v as u64 {
                    img.alias_addrs[i] = v as u64;
                    changed = true;
                }
            }
            if !changed {
                break;
            }
        }
        // 4. Initializers.
        for (id, g) in m.globals_iter() {
            let Some(init) = g.init else { continue };
            let ev = ConstEval { m, globals: &img.global_addrs, funcs: &img.func_addrs, aliases: &img.alias_addrs };
            // SAFETY: the allocation has the alloc size of the value type.
            unsafe { ev.write(init, img.global_addrs[id.index()]) }
                .map_err(|reason| LoadError::Initializer { global: g.name.clone(), reason })?;
        }
        Ok(img)
    }

    /// Loads with the [`HostResolver`].
    pub fn load_host(module: Arc<Module>) -> Result<Image, LoadError> {
        Image::load(module, &HostResolver)
    }

    /// The module.
    pub fn module(&self) -> &Arc<Module> {
        &self.module
    }

    /// The native address of function `f` (0 if an unresolved declaration or
    /// an intrinsic).
    pub fn func_addr(&self, f: FuncId) -> u64 {
        self.func_addrs[f.index()]
    }

    /// Points the entry of defined function `f` at native `code`, so every
    /// caller of `f`'s address (native code, JIT code, callbacks) runs
    /// `code`. Returns false when `f` has no entry stub (declarations,
    /// variadic functions, hosts without stubs); its address then keeps
    /// entering the interpreter.
    ///
    /// # Safety
    /// `code` must implement `f` with `f`'s native (SysV) signature and stay
    /// executable until [`Image::unplug`] and until no thread can still be
    /// running it.
    pub unsafe fn plug(&self, f: FuncId, code: u64) -> bool {
        match (&self.stubs, self.stub_index.get(f.index())) {
            (Some(stubs), Some(&i)) if i != u32::MAX => {
                // SAFETY: forwarded from the caller.
                unsafe { stubs.plug(i as usize, code) };
                true
            }
            _ => false,
        }
    }

    /// Points the entry of `f` back at the interpreter.
    pub fn unplug(&self, f: FuncId) {
        if let (Some(stubs), Some(&i)) = (&self.stubs, self.stub_index.get(f.index()))
            && i != u32::MAX
        {
            stubs.unplug(i as usize);
        }
    }

    /// The code plugged into `f`'s entry, if any.
    pub fn plugged(&self, f: FuncId) -> Option<u64> {
        match (&self.stubs, self.stub_index.get(f.index())) {
            (Some(stubs), Some(&i)) if i != u32::MAX => stubs.plugged(i as usize),
            _ => None,
        }
    }

    /// Replaces the closure addresses of functions by entry stubs that jump
    /// through pluggable slots (x86-64; elsewhere the closures stay the
    /// entries and nothing can be plugged).
    fn install_stubs(&mut self) -> Result<(), LoadError> {
        if !cfg!(target_arch = "x86_64") {
            return Ok(());
        }
        let with_closure: Vec<FuncId> = self
            .module
            .funcs_iter()
            .filter(|(id, f)| !f.is_declaration() && !self.closure_errors.iter().any(|(e, _)| e == id))
            .map(|(id, _)| id)
            .collect();
        let defaults: Vec<u64> = with_closure.iter().map(|f| self.func_addrs[f.index()]).collect();
        let stubs = EntryStubs::new(defaults).map_err(|e| LoadError::Stubs(e.to_string()))?;
        for (i, &f) in with_closure.iter().enumerate() {
            let stub = stubs.addr(i);
            self.by_addr.remove(&self.func_addrs[f.index()]);
            self.by_addr.insert(stub, f);
            self.func_addrs[f.index()] = stub;
            self.stub_index[f.index()] = i as u32;
        }
        self.stubs = Some(stubs);
        Ok(())
    }

    /// The address of global `g` (0 if unresolved).
    pub fn global_addr(&self, g: GlobalId) -> u64 {
        self.global_addrs[g.index()]
    }

    /// The address an alias resolves to.
    pub fn alias_addr(&self, a: AliasId) -> u64 {
        self.alias_addrs[a.index()]
    }

    /// The IR function whose native entry is `addr`, if any.
    pub fn func_at(&self, addr: u64) -> Option<FuncId> {
        self.by_addr.get(&addr).copied()
    }

    /// The address of a module symbol by name.
    pub fn symbol_addr(&self, name: &str) -> Option<u64> {
        let a = match self.module.symbol(name)? {
            Symbol::Func(f) => self.func_addr(f),
            Symbol::Global(g) => self.global_addr(g),
            Symbol::Alias(a) => self.alias_addr(a),
        };
        (a != 0).then_some(a)
    }

    /// True when `name` was declared but could not be resolved.
    pub fn is_unresolved(&self, name: &str) -> bool {
        self.unresolved.contains(name)
    }

    /// Names of unresolved external symbols.
    pub fn unresolved(&self) -> impl Iterator<Item = &str> {
        self.unresolved.iter().map(String::as_str)
    }

    /// Functions that got no native-callable entry, with the reason.
    pub fn closure_errors(&self) -> &[(FuncId, String)] {
        &self.closure_errors
    }

    pub(crate) fn const_eval(&self) -> ConstEval<'_> {
        ConstEval { m: &self.module, globals: &self.global_addrs, funcs: &self.func_addrs, aliases: &self.alias_addrs }
    }
}
