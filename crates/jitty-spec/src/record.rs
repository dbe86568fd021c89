//! The decision record: what the evaluator read, folded, inlined and
//! refused, and why. `jitty explain` prints it; a kernel developer reads it
//! to see what to annotate next (Regehr).

use rustc_hash::FxHashMap as HashMap;
use std::fmt;

/// Regehr's four kinds of values, as the evaluator met them on a load or an
/// argument.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum LoadKind {
    /// A static argument of the specialization point.
    StaticArg,
    /// Constant by annotation (`Const` field, `constant` global).
    Const,
    /// Quasi-invariant, folded and guarded.
    Quasi,
    /// Dynamic: read when the residual code runs.
    Dynamic,
}

impl LoadKind {
    /// Short name.
    pub fn as_str(self) -> &'static str {
        match self {
            LoadKind::StaticArg => "static argument",
            LoadKind::Const => "constant",
            LoadKind::Quasi => "quasi-invariant (guarded)",
            LoadKind::Dynamic => "dynamic",
        }
    }
}

/// One decision, at a source location (`function`, instruction name or index).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum Decision {
    /// A value read: an argument or a load.
    Read {
        /// Where.
        at: String,
        /// Its kind.
        kind: LoadKind,
        /// What it is (the oracle's name for the field, or why it stayed dynamic).
        what: String,
    },
    /// A conditional branch or switch decided statically.
    BranchFolded {
        /// Where.
        at: String,
    },
    /// A branch left to run time.
    BranchDynamic {
        /// Where.
        at: String,
    },
    /// A call inlined.
    Inlined {
        /// Where.
        at: String,
        /// Callee.
        callee: String,
        /// Through a static function pointer.
        devirtualized: bool,
    },
    /// A call left residual.
    CallKept {
        /// Where.
        at: String,
        /// Callee (or `indirect`).
        callee: String,
        /// Why it was not inlined.
        why: String,
    },
    /// An alloca that had to become real memory.
    Materialized {
        /// Where the address escaped.
        at: String,
        /// How.
        why: String,
    },
    /// A loop head whose changing static values were generalized.
    Widened {
        /// The program point.
        at: String,
        /// How many values became dynamic.
        values: usize,
    },
}

/// All decisions of one specialization, each with how often it was taken.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Record {
    decisions: HashMap<Decision, usize>,
}

impl Record {
    /// Notes `d` once more.
    pub fn note(&mut self, d: Decision) {
        *self.decisions.entry(d).or_insert(0) += 1;
    }

    /// Decisions with their counts, in a stable order.
    pub fn iter(&self) -> impl Iterator<Item = (&Decision, usize)> {
        let mut v: Vec<(&Decision, usize)> = self.decisions.iter().map(|(d, &n)| (d, n)).collect();
        v.sort();
        v.into_iter()
    }

    /// How many distinct decisions satisfy `f`.
    pub fn count(&self, f: impl Fn(&Decision) -> bool) -> usize {
        self.decisions.keys().filter(|d| f(d)).count()
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Decision::Read { at, kind, what } => write!(f, "read    {at}: {} — {what}", kind.as_str()),
            Decision::BranchFolded { at } => write!(f, "branch  {at}: folded"),
            Decision::BranchDynamic { at } => write!(f, "branch  {at}: dynamic"),
            Decision::Inlined { at, callee, devirtualized } => {
                write!(f, "call    {at}: inlined {callee}{}", if *devirtualized { " (devirtualized)" } else { "" })
            }
            Decision::CallKept { at, callee, why } => write!(f, "call    {at}: kept {callee} — {why}"),
            Decision::Materialized { at, why } => write!(f, "alloca  {at}: materialized — {why}"),
            Decision::Widened { at, values } => write!(f, "loop    {at}: {values} value(s) generalized"),
        }
    }
}
