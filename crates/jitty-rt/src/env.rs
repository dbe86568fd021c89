//! The environment compiled code links against.
//!
//! A code generator does not know how globals are materialized or how
//! externals are found: the runtime answers through [`JitEnv`]. Constants
//! that name a global or a function lower to the absolute address the
//! environment gives, so compiled code, the interpreter and native code share
//! the same data in one process. [`crate::Image`] is the implementation every
//! engine uses.

use jitty_ir::{BlockId, FuncId, GlobalId};

/// Address resolution for compiled code.
pub trait JitEnv {
    /// The address of a global variable of the module.
    fn global_addr(&self, id: GlobalId) -> u64;

    /// The address of a function of the module that is not part of the unit
    /// being compiled: an IR function compiled or interpreted elsewhere, or a
    /// resolved external declaration. `None` when unknown. Native code may
    /// call it unless [`JitEnv::entry_error`] says otherwise.
    fn func_addr(&self, id: FuncId) -> Option<u64>;

    /// Why native code cannot call defined function `id` through its address
    /// (the function has no native entry, so the address only identifies
    /// it), or `None` when it can.
    fn entry_error(&self, id: FuncId) -> Option<&str>;

    /// The address of an external symbol by name (used for declarations for
    /// which [`JitEnv::func_addr`] answers `None`).
    fn external_addr(&self, name: &str) -> Option<u64>;

    /// The address of block `b` of defined function `f` (`blockaddress`),
    /// or `None` when `f`'s blocks have no addresses (no `blockaddress`
    /// names them). See [`crate::Image::block_addr`]; the default is for
    /// environments without block addresses (residual kernel code), where
    /// the JIT then refuses `blockaddress` and `indirectbr` finds no target.
    fn block_addr(&self, f: FuncId, b: BlockId) -> Option<u64> {
        let _ = (f, b);
        None
    }
}
