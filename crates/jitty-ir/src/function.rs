//! Functions and basic blocks.

use crate::entity::{BlockId, ConstId, InstId, Ty};
use crate::inst::{CallConv, InstData, InstKind, ParamAttrs};
use crate::module::Linkage;

/// A formal parameter.
#[derive(Clone, PartialEq, Debug)]
pub struct Param {
    /// Parameter type.
    pub ty: Ty,
    /// Local name without `%`, if any.
    pub name: Option<String>,
    /// ABI attributes.
    pub attrs: ParamAttrs,
}

/// A basic block: a list of instructions ending in one terminator.
#[derive(Clone, PartialEq, Debug, Default)]
pub struct BlockData {
    /// Label without `%`, if the source named it.
    pub name: Option<String>,
    /// Instructions in order; the last one is the terminator.
    pub insts: Vec<InstId>,
}

/// A function definition or declaration.
#[derive(Clone, PartialEq, Debug)]
pub struct Function {
    /// Symbol name without `@`.
    pub name: String,
    /// The function type (`TypeData::Func`).
    pub ty: Ty,
    /// Linkage.
    pub linkage: Linkage,
    /// Calling convention.
    pub cconv: CallConv,
    /// Parameters.
    pub params: Vec<Param>,
    /// Return-value attributes.
    pub ret_attrs: ParamAttrs,
    /// Basic blocks; empty for a declaration. Block 0 is the entry.
    pub blocks: Vec<BlockData>,
    /// Instruction arena; blocks refer into it.
    pub insts: Vec<InstData>,
    /// `personality ptr @f`.
    pub personality: Option<ConstId>,
    /// `align N`.
    pub align: Option<u32>,
    /// `section "..."`.
    pub section: Option<String>,
    /// `noreturn` (kept because engines use it to avoid waiting on a return).
    pub noreturn: bool,
    /// `noinline` (`#[inline(never)]`): inliners, the specializer's too,
    /// keep calls to it. Not printed.
    pub noinline: bool,
    /// `cold` (`#[cold]`): rarely executed. Not printed.
    pub cold: bool,
}

impl Function {
    /// A declaration (no body) of `name` with function type `ty`.
    pub fn declaration(name: impl Into<String>, ty: Ty, params: Vec<Param>) -> Self {
        Function {
            name: name.into(),
            ty,
            linkage: Linkage::External,
            cconv: CallConv::C,
            params,
            ret_attrs: ParamAttrs::default(),
            blocks: Vec::new(),
            insts: Vec::new(),
            personality: None,
            align: None,
            section: None,
            noreturn: false,
            noinline: false,
            cold: false,
        }
    }

    /// True when the function has no body.
    pub fn is_declaration(&self) -> bool {
        self.blocks.is_empty()
    }

    /// The instruction behind `id`.
    #[inline]
    pub fn inst(&self, id: InstId) -> &InstData {
        &self.insts[id.index()]
    }

    /// The block behind `id`.
    #[inline]
    pub fn block(&self, id: BlockId) -> &BlockData {
        &self.blocks[id.index()]
    }

    /// Appends an instruction to the arena (not to a block) and returns its id.
    pub fn push_inst(&mut self, data: InstData) -> InstId {
        let id = InstId::new(self.insts.len());
        self.insts.push(data);
        id
    }

    /// Appends an empty block and returns its id.
    pub fn push_block(&mut self, name: Option<String>) -> BlockId {
        let id = BlockId::new(self.blocks.len());
        self.blocks.push(BlockData { name, insts: Vec::new() });
        id
    }

    /// The terminator of `block`, if the block is non-empty and ends in one.
    pub fn terminator(&self, block: BlockId) -> Option<&InstKind> {
        let last = *self.block(block).insts.last()?;
        let kind = &self.inst(last).kind;
        kind.is_terminator().then_some(kind)
    }

    /// Iterates over blocks with their ids.
    pub fn blocks_iter(&self) -> impl Iterator<Item = (BlockId, &BlockData)> {
        self.blocks.iter().enumerate().map(|(i, b)| (BlockId::new(i), b))
    }

    /// Number of instructions placed in blocks.
    pub fn inst_count(&self) -> usize {
        self.blocks.iter().map(|b| b.insts.len()).sum()
    }
}
