//! Typed `u32` entity handles.
//!
//! Every arena in the IR is indexed by its own newtype, so an instruction id can
//! never be used where a block id is expected. `Display` prints the handle in a
//! short debugging form (`inst12`, `block3`); the `.ll` printer gives values
//! their real LLVM names.

/// Defines a `u32` newtype handle with an index accessor and a debug `Display`.
macro_rules! entity {
    ($(#[$meta:meta])* $name:ident, $prefix:literal) => {
        $(#[$meta])*
        #[derive(Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Debug)]
        pub struct $name(pub u32);

        impl $name {
            /// The arena index of this handle.
            #[inline]
            pub fn index(self) -> usize {
                self.0 as usize
            }

            /// The handle of arena slot `index`.
            #[inline]
            pub fn new(index: usize) -> Self {
                Self(u32::try_from(index).expect("IR arena overflow: more than u32::MAX entities"))
            }
        }

        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                write!(f, concat!($prefix, "{}"), self.0)
            }
        }
    };
}

entity!(
    /// A type in a module's [`crate::TypeStore`].
    Ty,
    "ty"
);
entity!(
    /// A constant in a module's constant pool.
    ConstId,
    "const"
);
entity!(
    /// An instruction in a function's instruction arena.
    InstId,
    "inst"
);
entity!(
    /// A basic block in a function.
    BlockId,
    "block"
);
entity!(
    /// A function (definition or declaration) in a module.
    FuncId,
    "func"
);
entity!(
    /// A global variable in a module.
    GlobalId,
    "global"
);
entity!(
    /// A global alias in a module.
    AliasId,
    "alias"
);
