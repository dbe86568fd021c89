//! jitty-rt: code in memory and the rules for swapping it.
//!
//! - [`guard`]: the guard runtime of quasi-invariants: dependents records,
//!   the guarded-write hook, installation of specializations without lost
//!   invalidations, and the drain (quiescence) that makes a guarded write
//!   wait until no thread still executes code that folded the old value.

pub mod guard;
