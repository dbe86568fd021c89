//! The module loader and the one code-swapping API.
//!
//! [`Image::load`] materializes a [`Module`] in real process memory:
//!
//! * every defined global gets an aligned allocation owned by the [`Image`]
//!   (freed on drop) holding its initializer, written with the module's data
//!   layout ([`crate::consts`]);
//! * declared symbols resolve through a [`SymbolResolver`] (by default
//!   [`HostResolver`]); an unresolved external is an error only when used;
//! * every defined function gets one native address for its whole life: an
//!   entry stub (`crate::entry`) that jumps through the function's dispatch
//!   slot. The slot starts at the function's *generic* entry, which the
//!   engine that owns the fallback provides ([`GenericEntry`]: the
//!   interpreter's libffi closure); the image maps the addresses back to
//!   [`FuncId`]s so an interpreter calls IR functions directly.
//!
//! # Swapping code: [`Image::plug`] and [`Image::unplug`]
//!
//! As in Theseus, one explicit API swaps the code behind a function:
//!
//! * `plug(f, code)` points `f`'s slot at `code` with **one atomic store**
//!   and returns a [`PlugHandle`]; `unplug(handle)` points it back at the
//!   generic entry with one atomic compare-and-swap, and only if the slot
//!   still holds that plug's code (a later plug is never undone by a stale
//!   handle).
//! * A caller racing with a plug or an unplug runs the old or the new code;
//!   both implement the function, so either is correct.
//! * `code` must outlive the plug: after `unplug`, a thread may still be
//!   running it. Freeing it needs a quiescence wait (no thread inside), which
//!   the guard runtime provides; until then the caller keeps the code alive.
//! * A plugged function keeps its address: function pointers, vtables and
//!   callbacks handed to native code reach the plugged code through the stub.

use crate::consts::ConstEval;
use crate::entry::EntryStubs;
use crate::resolve::{HostResolver, SymbolResolver};
use jitty_ir::{AliasId, FuncId, GlobalId, Module, Symbol};
use std::alloc::Layout;
use std::any::Any;
use std::collections::HashSet;
use std::sync::Arc;
use std::sync::atomic::AtomicU64;

/// The generic implementation of a module's functions, provided by the
/// engine that owns the fallback (the interpreter). The image asks it once
/// per defined function, at load time, for a native-callable address that
/// runs the function generically; that address is the default target of the
/// function's dispatch slot.
pub trait GenericEntry: Any + Send + Sync {
    /// A native-callable address (SysV, `f`'s IR signature) that runs
    /// defined function `f` of `m` generically, or why `f` cannot be entered
    /// from native code (its address then stays a unique, non-callable
    /// token, and nothing can be plugged into it). The address must stay
    /// callable as long as `self` lives.
    fn entry(&self, m: &Module, f: FuncId) -> Result<u64, String>;
}

/// A [`GenericEntry`] for images whose functions run only as plugged code
/// (JIT-only use): calling a function with nothing plugged prints that no
/// code was plugged and aborts the process.
#[derive(Clone, Copy, Debug, Default)]
pub struct NoGeneric;

extern "C" fn no_generic_code() {
    eprintln!("jitty: a function with no plugged code and no generic implementation was called");
    std::process::abort();
}

impl GenericEntry for NoGeneric {
    fn entry(&self, _m: &Module, _f: FuncId) -> Result<u64, String> {
        Ok(no_generic_code as *const () as u64)
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
    /// Base of each function's block-address table (0: none).
    block_bases: Vec<u64>,
    /// Each function by its address (its entry stub, or its generic entry
    /// where there are no stubs); an interpreter looks it up on every
    /// indirect call, so it is hashed with foldhash, not SipHash.
    by_addr: foldhash::HashMap<u64, FuncId>,
    unresolved: HashSet<String>,
    allocations: Vec<Allocation>,
    /// The generic entries' owner (keeps them callable).
    generic: Arc<dyn GenericEntry>,
    entry_errors: Vec<(FuncId, String)>,
    /// Entry stubs of the functions that have a generic entry.
    stubs: Option<EntryStubs>,
    /// Stub index of each function (`u32::MAX`: none).
    stub_index: Vec<u32>,
}

// SAFETY: the raw allocation pointers are owned by the image, written only
// during `load`, and freed only on drop; afterwards the image's own fields
// are read-only (the dispatch slots are atomics).
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

/// One plug of code into a function's dispatch slot (see
/// [`Image::plug`]). Not `Clone`: each plug is unplugged at most once.
#[derive(Debug, PartialEq, Eq)]
#[must_use = "dropping a PlugHandle leaves the code plugged with no way to unplug it"]
pub struct PlugHandle {
    func: FuncId,
    code: u64,
}

impl PlugHandle {
    /// The function whose slot holds the code.
    pub fn func(&self) -> FuncId {
        self.func
    }

    /// The plugged code.
    pub fn code(&self) -> u64 {
        self.code
    }
}

impl Image {
    /// Loads `module` into process memory, resolving externals with
    /// `resolver`; the dispatch slots start at the entries `generic` gives.
    pub fn load(
        module: Arc<Module>,
        resolver: &dyn SymbolResolver,
        generic: Arc<dyn GenericEntry>,
    ) -> Result<Image, LoadError> {
        let m = &*module;
        let mut img = Image {
            module: module.clone(),
            global_addrs: vec![0; m.globals.len()],
            func_addrs: vec![0; m.funcs.len()],
            alias_addrs: vec![0; m.aliases.len()],
            block_bases: vec![0; m.funcs.len()],
            by_addr: foldhash::HashMap::default(),
            unresolved: HashSet::new(),
            allocations: Vec::new(),
            generic,
            entry_errors: Vec::new(),
            stubs: None,
            stub_index: vec![u32::MAX; m.funcs.len()],
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
            img.global_addrs[id.index()] = img.alloc_zeroed(size, align, &g.name)?;
        }
        // 2. Functions: generic entries for definitions, host symbols for
        // declarations.
        let mut with_entry = Vec::new();
        for (id, f) in m.funcs_iter() {
            if f.is_declaration() {
                if jitty_ir::intrinsics::is_intrinsic_name(&f.name) {
                    continue;
                }
                // The setjmp/longjmp family is jitty's own, for every engine.
                if let Some(a) = crate::sjlj::builtin(&f.name) {
                    img.func_addrs[id.index()] = a;
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
            match img.generic.entry(m, id) {
                Ok(a) => with_entry.push((id, a)),
                Err(e) => {
                    img.entry_errors.push((id, e));
                    // A unique, non-callable address so an interpreter can
                    // still map the function pointer back to the function.
                    let addr = img.alloc_zeroed(16, 16, &f.name)?;
                    img.func_addrs[id.index()] = addr;
                    img.by_addr.insert(addr, id);
                }
            }
        }
        img.install_stubs(&with_entry)?;
        // 2b. Block-address tables of the functions whose blocks have their
        // address taken: one byte per block, so `blockaddress(@f, %b)` is
        // `base(f) + index(b)`, unique, non-null and comparable.
        for (_, c) in m.consts.iter() {
            if let jitty_ir::ConstData::Expr { expr: jitty_ir::ConstExpr::BlockAddress { func, .. }, .. } = c {
                let f = m.func(*func);
                if img.block_bases[func.index()] == 0 && !f.is_declaration() {
                    let name = f.name.clone();
                    img.block_bases[func.index()] = img.alloc_zeroed(f.blocks.len() as u64, 16, &name)?;
                }
            }
        }
        // 3. Aliases (may refer to each other: iterate to a fixed point).
        for _ in 0..=m.aliases.len() {
            let mut changed = false;
            for (i, a) in m.aliases.iter().enumerate() {
                let v = img
                    .const_eval()
                    .scalar(a.aliasee)
                    .map_err(|reason| LoadError::Alias { alias: a.name.clone(), reason })?;
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
            // SAFETY: the allocation has the alloc size of the value type.
            unsafe { img.const_eval().write(init, img.global_addrs[id.index()]) }
                .map_err(|reason| LoadError::Initializer { global: g.name.clone(), reason })?;
        }
        Ok(img)
    }

    /// Loads with the [`HostResolver`].
    pub fn load_host(module: Arc<Module>, generic: Arc<dyn GenericEntry>) -> Result<Image, LoadError> {
        Image::load(module, &HostResolver, generic)
    }

    /// Zeroed memory owned by the image, `align` a power of two.
    fn alloc_zeroed(&mut self, size: u64, align: u64, name: &str) -> Result<u64, LoadError> {
        let layout = usize::try_from(size)
            .ok()
            .zip(usize::try_from(align).ok())
            .and_then(|(s, a)| Layout::from_size_align(s.max(1), a).ok())
            .ok_or_else(|| LoadError::Alloc(name.to_string()))?;
        // SAFETY: `layout` has a non-zero size.
        let ptr = unsafe { std::alloc::alloc_zeroed(layout) };
        if ptr.is_null() {
            return Err(LoadError::Alloc(name.to_string()));
        }
        self.allocations.push(Allocation { ptr, layout });
        Ok(ptr as u64)
    }

    /// The module.
    pub fn module(&self) -> &Arc<Module> {
        &self.module
    }

    /// The generic implementation the dispatch slots fall back to (engines
    /// downcast it to find their own).
    pub fn generic(&self) -> &dyn GenericEntry {
        &*self.generic
    }

    /// The native address of function `f` (0 if an unresolved declaration or
    /// an intrinsic).
    pub fn func_addr(&self, f: FuncId) -> u64 {
        self.func_addrs[f.index()]
    }

    /// Plugs `code` into the dispatch slot of defined function `f`: from
    /// this atomic store on, every caller of `f`'s address (native code, JIT
    /// code, callbacks) runs `code`. `None` when `f` has no entry stub
    /// (declarations, functions without a generic entry, hosts without
    /// stubs); its address then keeps its generic behaviour. See the module
    /// doc for the rules.
    ///
    /// # Safety
    /// `code` must implement `f` with `f`'s native (SysV) signature and stay
    /// executable until it is unplugged and no thread can still be running
    /// it.
    pub unsafe fn plug(&self, f: FuncId, code: u64) -> Option<PlugHandle> {
        let (stubs, i) = self.stub(f)?;
        // SAFETY: forwarded from the caller.
        unsafe { stubs.plug(i, code) };
        Some(PlugHandle { func: f, code })
    }

    /// Points the slot of `handle`'s function back at its generic entry, if
    /// it still holds `handle`'s code (one atomic compare-and-swap). Returns
    /// whether it did; false means a later plug replaced this one and stays.
    /// A thread may still be running the unplugged code when this returns.
    pub fn unplug(&self, handle: PlugHandle) -> bool {
        self.stub(handle.func).is_some_and(|(stubs, i)| stubs.unplug(i, handle.code))
    }

    /// The code plugged into `f`'s slot, if any.
    pub fn plugged(&self, f: FuncId) -> Option<u64> {
        self.stub(f).and_then(|(stubs, i)| stubs.plugged(i))
    }

    /// `f`'s dispatch slot and its generic entry, if `f` has a stub: code
    /// is plugged into `f` exactly when the slot holds another value (what
    /// [`Image::plugged`] checks). For callers that test this on every call
    /// (the interpreter's call path) and keep the pair next to their code.
    pub fn plug_slot(&self, f: FuncId) -> Option<(&AtomicU64, u64)> {
        self.stub(f).map(|(stubs, i)| stubs.slot(i))
    }

    /// The stubs and the stub index of `f`, if it has a stub.
    fn stub(&self, f: FuncId) -> Option<(&EntryStubs, usize)> {
        let i = *self.stub_index.get(f.index())?;
        Some((self.stubs.as_ref()?, i as usize)).filter(|_| i != u32::MAX)
    }

    /// Gives the functions of `with_entry` (with their generic entries)
    /// entry stubs that jump through pluggable slots (x86-64; elsewhere the
    /// generic entries are the addresses and nothing can be plugged).
    fn install_stubs(&mut self, with_entry: &[(FuncId, u64)]) -> Result<(), LoadError> {
        if !cfg!(target_arch = "x86_64") {
            for &(f, generic) in with_entry {
                self.func_addrs[f.index()] = generic;
                self.by_addr.insert(generic, f);
            }
            return Ok(());
        }
        let defaults: Vec<u64> = with_entry.iter().map(|&(_, a)| a).collect();
        let stubs = EntryStubs::new(defaults).map_err(|e| LoadError::Stubs(e.to_string()))?;
        for (i, &(f, _)) in with_entry.iter().enumerate() {
            let stub = stubs.addr(i);
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

    /// Functions that got no generic native entry, with the reason.
    pub fn entry_errors(&self) -> &[(FuncId, String)] {
        &self.entry_errors
    }

    /// The address of block `b` of function `f`, if `f`'s blocks have their
    /// address taken (`blockaddress` in the module). This is the one
    /// definition every engine and every initializer uses: the image gives
    /// such a function a table of one byte per block, and the block's
    /// address is the table's base plus the block's index. `indirectbr` in
    /// `f` maps an address back to a block by subtracting the base.
    pub fn block_addr(&self, f: FuncId, b: jitty_ir::BlockId) -> Option<u64> {
        let base = *self.block_bases.get(f.index())?;
        let n = self.module.func(f).blocks.len();
        (base != 0 && b.index() < n).then(|| base + b.0 as u64)
    }

    /// A constant evaluator over this image's symbol addresses.
    pub fn const_eval(&self) -> ConstEval<'_> {
        ConstEval {
            m: &self.module,
            globals: &self.global_addrs,
            funcs: &self.func_addrs,
            aliases: &self.alias_addrs,
            blocks: &self.block_bases,
        }
    }
}

/// JIT code links against the image: globals and functions at the image's
/// addresses, so every engine shares data and function identities.
impl crate::JitEnv for Image {
    fn global_addr(&self, id: GlobalId) -> u64 {
        Image::global_addr(self, id)
    }
    fn func_addr(&self, id: FuncId) -> Option<u64> {
        Some(Image::func_addr(self, id)).filter(|&a| a != 0)
    }
    fn entry_error(&self, id: FuncId) -> Option<&str> {
        self.entry_errors.iter().find(|(f, _)| *f == id).map(|(_, e)| e.as_str())
    }
    fn external_addr(&self, name: &str) -> Option<u64> {
        self.symbol_addr(name)
    }
    fn block_addr(&self, f: FuncId, b: jitty_ir::BlockId) -> Option<u64> {
        Image::block_addr(self, f, b)
    }
}
