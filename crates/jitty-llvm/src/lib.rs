//! Reader of textual LLVM IR (`.ll`) into [`jitty_ir`].
//!
//! Accepts what rustc 1.95 and clang 22 emit: a hand-written byte lexer
//! ([`lexer`]) feeds a recursive-descent parser whose recursion is bounded
//! (nested types and constants deeper than [`MAX_DEPTH`] are an error, never a
//! stack overflow). Everything jitty does not execute is skipped: metadata,
//! attribute groups, debug records, `llvm.dbg.*` calls, comdats, summaries.
//! Constructs that parse but cannot be executed faithfully are listed as
//! [`Unsupported`] by [`parse_module_with_report`].
//!
//! Errors carry `file:line:col` and say what was expected and what was found.

#![forbid(unsafe_code)]

pub mod equiv;
mod lexer;
mod parser;

pub use equiv::{RoundTrip, check_roundtrip, modules_equivalent};

/// Maximum nesting depth of types, constants and skipped metadata.
pub const MAX_DEPTH: u32 = 256;

/// A parse error with its source location (1-based line and column).
#[derive(Clone, PartialEq, Eq, Debug, thiserror::Error)]
#[error("{file}:{line}:{col}: {message}")]
pub struct ParseError {
    /// The file name given to the parser.
    pub file: String,
    /// 1-based line.
    pub line: u32,
    /// 1-based column (in bytes).
    pub col: u32,
    /// What was expected and what was found.
    pub message: String,
}

/// A construct that was parsed but that jitty cannot run faithfully.
#[derive(Clone, PartialEq, Eq, Debug)]
pub struct Unsupported {
    /// 1-based line.
    pub line: u32,
    /// 1-based column.
    pub col: u32,
    /// What it is (e.g. `inline asm call`).
    pub what: String,
}

impl std::fmt::Display for Unsupported {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        write!(f, "{}:{}: unsupported: {}", self.line, self.col, self.what)
    }
}

/// Result alias of this crate.
pub type Result<T> = std::result::Result<T, ParseError>;

/// Parses a module. `filename` is used in error messages only.
pub fn parse_module(src: &str, filename: &str) -> Result<jitty_ir::Module> {
    parse_module_with_report(src, filename).map(|(m, _)| m)
}

/// Parses a module and also returns the constructs that parsed but are not
/// executable (inline asm, scalable vectors,
/// metadata operands of calls that were kept, ...), with their locations.
///
/// An inline asm callee is a declaration of its own, `inline asm at
/// LINE:COL: TEMPLATE`, which no library defines, so each engine refuses the
/// call cleanly where it runs; such a call is always listed here too, for
/// `jitty ir check`.
pub fn parse_module_with_report(src: &str, filename: &str) -> Result<(jitty_ir::Module, Vec<Unsupported>)> {
    parser::Parser::new(src, filename).parse()
}
