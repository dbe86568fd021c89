//! The one trap vocabulary: why IR execution stops abnormally, whichever
//! engine runs it. Every engine reports these (the interpreter in its
//! errors, JIT code through its run-time trap slot, by [`Trap::code`]).

use std::fmt;

/// Why execution stopped abnormally.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum Trap {
    /// `unreachable` was executed.
    Unreachable = 1,
    /// `llvm.trap`, `llvm.debugtrap` or `llvm.ubsantrap` was called.
    TrapCalled = 2,
    /// Integer division or remainder by zero.
    DivByZero = 3,
    /// `sdiv`/`srem` of the minimum value by -1.
    DivOverflow = 4,
    /// The fuel limit was reached.
    OutOfFuel = 5,
    /// The engine's stacks are exhausted.
    StackOverflow = 6,
    /// A call to an external symbol that could not be resolved.
    UnresolvedSymbol = 7,
    /// A construct the engine does not implement was executed.
    Unsupported = 8,
    /// `resume` (unwinding is not supported).
    Resume = 9,
    /// An indirect call through a null pointer.
    NullCall = 10,
    /// Bad use of the API (no such function, wrong argument count, ...).
    BadCall = 11,
}

impl Trap {
    /// Every trap, in code order.
    pub const ALL: [Trap; 11] = [
        Trap::Unreachable,
        Trap::TrapCalled,
        Trap::DivByZero,
        Trap::DivOverflow,
        Trap::OutOfFuel,
        Trap::StackOverflow,
        Trap::UnresolvedSymbol,
        Trap::Unsupported,
        Trap::Resume,
        Trap::NullCall,
        Trap::BadCall,
    ];

    /// The trap's code (what compiled code passes to the run time).
    pub fn code(self) -> u32 {
        self as u32
    }

    /// The trap of `code`, if it is one.
    pub fn from_code(code: u32) -> Option<Trap> {
        Trap::ALL.get((code as usize).wrapping_sub(1)).copied()
    }
}

impl fmt::Display for Trap {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Trap::Unreachable => "unreachable executed",
            Trap::TrapCalled => "trap intrinsic called",
            Trap::DivByZero => "integer division by zero",
            Trap::DivOverflow => "integer division overflow",
            Trap::OutOfFuel => "out of fuel",
            Trap::StackOverflow => "stack overflow",
            Trap::UnresolvedSymbol => "call to unresolved external symbol",
            Trap::Unsupported => "unsupported construct executed",
            Trap::Resume => "resume executed (unwinding is not supported)",
            Trap::NullCall => "call through a null function pointer",
            Trap::BadCall => "bad call from the host",
        })
    }
}

impl std::error::Error for Trap {}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_round_trip() {
        for t in Trap::ALL {
            assert_eq!(Trap::from_code(t.code()), Some(t));
        }
        assert_eq!(Trap::from_code(0), None);
        assert_eq!(Trap::from_code(Trap::ALL.len() as u32 + 1), None);
    }
}
