//! Modules: types, constants, globals, aliases and functions.

use crate::constant::{ConstData, ConstPool};
use crate::entity::{AliasId, BlockId, ConstId, FuncId, GlobalId, Ty};
use crate::function::Function;
use crate::layout::DataLayout;
use crate::types::TypeStore;
use foldhash::HashMap;

/// Symbol linkage.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum Linkage {
    #[default]
    External,
    Private,
    Internal,
    AvailableExternally,
    LinkOnce,
    LinkOnceOdr,
    Weak,
    WeakOdr,
    Common,
    Appending,
    ExternWeak,
}

impl Linkage {
    /// The LLVM keyword (empty for the default, external).
    pub fn keyword(self) -> &'static str {
        match self {
            Linkage::External => "",
            Linkage::Private => "private",
            Linkage::Internal => "internal",
            Linkage::AvailableExternally => "available_externally",
            Linkage::LinkOnce => "linkonce",
            Linkage::LinkOnceOdr => "linkonce_odr",
            Linkage::Weak => "weak",
            Linkage::WeakOdr => "weak_odr",
            Linkage::Common => "common",
            Linkage::Appending => "appending",
            Linkage::ExternWeak => "extern_weak",
        }
    }
}

/// A global variable.
#[derive(Clone, PartialEq, Debug)]
pub struct Global {
    /// Symbol name without `@`.
    pub name: String,
    /// The type of the value stored at the global's address.
    pub value_ty: Ty,
    /// Initializer; `None` for an external declaration.
    pub init: Option<ConstId>,
    /// `constant` rather than `global`.
    pub is_constant: bool,
    /// Linkage.
    pub linkage: Linkage,
    /// `align N`.
    pub align: Option<u32>,
    /// `thread_local`.
    pub thread_local: bool,
    /// `unnamed_addr` / `local_unnamed_addr`.
    pub unnamed_addr: bool,
    /// `section "..."`.
    pub section: Option<String>,
}

/// A global alias `@a = alias T, ptr @target`.
#[derive(Clone, PartialEq, Debug)]
pub struct Alias {
    /// Symbol name without `@`.
    pub name: String,
    /// The aliased value type.
    pub value_ty: Ty,
    /// What it aliases (a global/function address or constant expression).
    pub aliasee: ConstId,
    /// Linkage.
    pub linkage: Linkage,
}

/// A module-level symbol.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Symbol {
    Func(FuncId),
    Global(GlobalId),
    Alias(AliasId),
}

/// A parsed or built module.
#[derive(Clone, Debug, Default)]
pub struct Module {
    /// `source_filename`, if given.
    pub source_filename: Option<String>,
    /// `target datalayout` string, if given.
    pub datalayout_str: Option<String>,
    /// `target triple`, if given.
    pub triple: Option<String>,
    /// Sizes and alignments derived from the datalayout.
    pub layout: DataLayout,
    /// Type store.
    pub types: TypeStore,
    /// Constant pool.
    pub consts: ConstPool,
    /// Global variables.
    pub globals: Vec<Global>,
    /// Functions (definitions and declarations).
    pub funcs: Vec<Function>,
    /// Aliases.
    pub aliases: Vec<Alias>,
    /// `module asm` lines (kept for printing; engines ignore them).
    pub module_asm: Vec<String>,
    symbols: HashMap<String, Symbol>,
}

impl Module {
    /// An empty module with the default x86-64 data layout.
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a function; its name must not already be defined.
    pub fn add_func(&mut self, func: Function) -> FuncId {
        let id = FuncId::new(self.funcs.len());
        self.symbols.insert(func.name.clone(), Symbol::Func(id));
        self.funcs.push(func);
        id
    }

    /// Adds a global variable.
    pub fn add_global(&mut self, global: Global) -> GlobalId {
        let id = GlobalId::new(self.globals.len());
        self.symbols.insert(global.name.clone(), Symbol::Global(id));
        self.globals.push(global);
        id
    }

    /// Adds an alias.
    pub fn add_alias(&mut self, alias: Alias) -> AliasId {
        let id = AliasId::new(self.aliases.len());
        self.symbols.insert(alias.name.clone(), Symbol::Alias(id));
        self.aliases.push(alias);
        id
    }

    /// Looks a symbol up by name (without `@`).
    pub fn symbol(&self, name: &str) -> Option<Symbol> {
        self.symbols.get(name).copied()
    }

    /// The function named `name`, if any.
    pub fn func_by_name(&self, name: &str) -> Option<FuncId> {
        match self.symbol(name)? {
            Symbol::Func(id) => Some(id),
            _ => None,
        }
    }

    /// The function behind `id`.
    #[inline]
    pub fn func(&self, id: FuncId) -> &Function {
        &self.funcs[id.index()]
    }

    /// Mutable access to the function behind `id`.
    #[inline]
    pub fn func_mut(&mut self, id: FuncId) -> &mut Function {
        &mut self.funcs[id.index()]
    }

    /// The global behind `id`.
    #[inline]
    pub fn global(&self, id: GlobalId) -> &Global {
        &self.globals[id.index()]
    }

    /// The constant behind `id`.
    #[inline]
    pub fn constant(&self, id: ConstId) -> &ConstData {
        self.consts.get(id)
    }

    /// Interns a constant.
    pub fn intern_const(&mut self, data: ConstData) -> ConstId {
        self.consts.intern(data)
    }

    /// Interns an integer constant of type `ty` (value truncated to its width).
    pub fn const_int(&mut self, ty: Ty, value: u128) -> ConstId {
        let bits = self.types.int_bits(ty).expect("const_int on a non-integer type");
        self.consts.intern(ConstData::Int { ty, bits: crate::constant::truncate_bits(value, bits) })
    }

    /// The block `label` names in function `func`, as `blockaddress(@f,
    /// %label)` refers to it: a named block by its name, an unnamed one by
    /// LLVM's sequential numbering (unnamed parameters, then per block its
    /// label and each unnamed non-void instruction), the numbering the reader
    /// accepts and the printer writes. `None` when no block has that label.
    pub fn block_by_label(&self, func: FuncId, label: &str) -> Option<BlockId> {
        let f = self.func(func);
        if let Some(i) = f.blocks.iter().position(|b| b.name.as_deref() == Some(label)) {
            return Some(BlockId::new(i));
        }
        let want: u32 = label.parse().ok().filter(|_| label.bytes().all(|c| c.is_ascii_digit()))?;
        let mut next = f.params.iter().filter(|p| p.name.is_none()).count() as u32;
        for (i, b) in f.blocks.iter().enumerate() {
            if b.name.is_none() {
                if next == want {
                    return Some(BlockId::new(i));
                }
                next += 1;
            }
            for &id in &b.insts {
                let inst = f.inst(id);
                if inst.name.is_none() && !self.types.is_void(inst.ty) {
                    next += 1;
                }
            }
            if next > want {
                return None;
            }
        }
        None
    }

    /// Iterates over functions with their ids.
    pub fn funcs_iter(&self) -> impl Iterator<Item = (FuncId, &Function)> {
        self.funcs.iter().enumerate().map(|(i, f)| (FuncId::new(i), f))
    }

    /// Iterates over globals with their ids.
    pub fn globals_iter(&self) -> impl Iterator<Item = (GlobalId, &Global)> {
        self.globals.iter().enumerate().map(|(i, g)| (GlobalId::new(i), g))
    }

    /// Size in bytes that a value of `ty` occupies in memory (LLVM's alloc size).
    pub fn alloc_size(&self, ty: Ty) -> u64 {
        self.layout.alloc_size(&self.types, ty)
    }

    /// ABI alignment of `ty` in bytes.
    pub fn abi_align(&self, ty: Ty) -> u64 {
        self.layout.abi_align(&self.types, ty)
    }
}
