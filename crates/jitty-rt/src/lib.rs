//! jitty-rt: code in memory and the rules for swapping it.
//!
//! * [`image`]: [`Image::load`] materializes a module in process memory
//!   (globals with their initializers, externals resolved by [`resolve`],
//!   one entry stub per defined function) and [`Image::plug`] /
//!   [`Image::unplug`] swap the code behind a function's address.
//! * `entry`: the entry stubs and their dispatch slots (private: only the
//!   image swaps code).
//! * [`consts`]: constant evaluation at the image's addresses.
//! * [`mem`]: typed raw access to process memory in register format.
//! * [`trap`]: the pending trap of compiled code, one per thread.
//! * [`sjlj`]: `setjmp`/`longjmp` across engines (jump records, native
//!   catch points, the one `longjmp`).
//! * [`env`]: [`JitEnv`], what compiled code links against.
//! * [`guard`]: the guard runtime of quasi-invariants: dependents records,
//!   the guarded-write hook, installation of specializations without lost
//!   invalidations, and the drain (quiescence) that makes a guarded write
//!   wait until no thread still executes code that folded the old value.
//!
//! The runtime holds no engine semantics (those are `jitty-sem`'s) and no
//! kernel logic, and depends on no engine: the generic implementation behind
//! every slot comes from the engine that owns it, as a [`GenericEntry`].

pub mod consts;
mod entry;
pub mod env;
pub mod guard;
pub mod image;
pub mod mem;
pub mod resolve;
pub mod sjlj;
pub mod trap;

pub use env::JitEnv;
pub use image::{GenericEntry, Image, LoadError, NoGeneric, PlugHandle};
pub use resolve::{HostResolver, SymbolResolver};
