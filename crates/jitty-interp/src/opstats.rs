//! Dynamic op and op-pair counts, for choosing superinstructions (cargo
//! feature `op-stats`, off by default: it slows every op down). Each thread
//! counts the ops it executes and each (previous op, op) pair, by opcode,
//! and prints the most frequent of each to stderr when it exits.

use crate::lower::Op;
use std::cell::RefCell;
use std::collections::HashMap;
use std::mem::{Discriminant, discriminant};

/// The name of an op's variant (its `Debug` text up to the fields).
fn name(op: &Op) -> String {
    let s = format!("{op:?}");
    s.split([' ', '{', '(']).next().unwrap_or("?").to_string()
}

/// A pair of opcodes.
type Pair = (Discriminant<Op>, Discriminant<Op>);

#[derive(Default)]
struct Counts {
    prev: Option<Op>,
    ops: HashMap<Discriminant<Op>, (u64, Op)>,
    pairs: HashMap<Pair, (u64, Op, Op)>,
}

impl Drop for Counts {
    fn drop(&mut self) {
        let total: u64 = self.ops.values().map(|v| v.0).sum();
        if total == 0 {
            return;
        }
        let mut ops: Vec<_> = self.ops.values().map(|(n, op)| (*n, name(op))).collect();
        ops.sort_by_key(|o| std::cmp::Reverse(o.0));
        eprintln!("op-stats: {total} ops");
        for (n, op) in ops.iter().take(30) {
            eprintln!("op-stats: op {n:>12} {:5.1}% {op}", *n as f64 * 100.0 / total as f64);
        }
        let mut pairs: Vec<_> = self.pairs.values().map(|(n, a, b)| (*n, name(a), name(b))).collect();
        pairs.sort_by_key(|p| std::cmp::Reverse(p.0));
        for (n, a, b) in pairs.iter().take(30) {
            eprintln!("op-stats: pair {n:>12} {:5.1}% {a} {b}", *n as f64 * 100.0 / total as f64);
        }
    }
}

thread_local! {
    static COUNTS: RefCell<Counts> = RefCell::new(Counts::default());
}

/// Counts `op`, about to execute, and the pair it makes with the op the
/// thread executed before it.
pub(crate) fn record(op: &Op) {
    COUNTS.with(|c| {
        let mut c = c.borrow_mut();
        let d = discriminant(op);
        c.ops.entry(d).or_insert((0, *op)).0 += 1;
        if let Some(p) = c.prev {
            c.pairs.entry((discriminant(&p), d)).or_insert((0, p, *op)).0 += 1;
        }
        c.prev = Some(*op);
    });
}
