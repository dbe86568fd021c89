//! Cleanup of residual code: the evaluator makes a block per program
//! point and a phi per dynamic value of its state, so most blocks are
//! straight-line links and most phis are trivial. These passes remove
//! them, and dead code, without changing what the function computes.
//!
//! 1. Trivial phis (every incoming value the same, or the phi itself) are
//!    replaced by that value.
//! 2. A block whose only predecessor ends in an unconditional branch to it
//!    is merged into that predecessor.
//! 3. A block holding only `br X` is bypassed when that does not give a
//!    phi of `X` two entries from one predecessor.
//! 4. Instructions without side effects whose results are unused are
//!    removed (transitively).
//! 5. Unreachable blocks are dropped and the arena is compacted.

use jitty_ir::{BlockId, Function, InstData, InstId, InstKind, Value};
use rustc_hash::FxHashMap as HashMap;

/// Runs all passes to a fixed point.
pub fn run(f: &mut Function) {
    let mut repl: HashMap<InstId, Value> = HashMap::default();
    // Both CFG passes keep the predecessor lists right as they edit.
    let mut p = preds(f);
    loop {
        let mut changed = trivial_phis(f, &mut repl);
        changed |= merge_blocks(f, &mut repl, &mut p);
        changed |= bypass_empty(f, &mut p);
        if !changed {
            break;
        }
    }
    apply(f, &repl);
    dead_code(f);
    compact(f);
}

fn resolve(repl: &HashMap<InstId, Value>, mut v: Value) -> Value {
    while let Value::Inst(i) = v {
        match repl.get(&i) {
            Some(&n) => v = n,
            None => break,
        }
    }
    v
}

fn apply(f: &mut Function, repl: &HashMap<InstId, Value>) {
    if repl.is_empty() {
        return;
    }
    for b in 0..f.blocks.len() {
        for k in 0..f.blocks[b].insts.len() {
            let i = f.blocks[b].insts[k];
            f.insts[i.index()].kind.for_each_operand_mut(|v| *v = resolve(repl, *v));
        }
    }
}

fn preds(f: &Function) -> Vec<Vec<BlockId>> {
    let mut p = vec![Vec::new(); f.blocks.len()];
    for (b, _) in f.blocks_iter() {
        if let Some(t) = f.terminator(b) {
            for s in t.successors() {
                p[s.index()].push(b);
            }
        }
    }
    p
}

fn trivial_phis(f: &mut Function, repl: &mut HashMap<InstId, Value>) -> bool {
    let mut changed = false;
    for b in 0..f.blocks.len() {
        let mut k = 0;
        while k < f.blocks[b].insts.len() {
            let i = f.blocks[b].insts[k];
            let InstKind::Phi { incoming } = &f.insts[i.index()].kind else { break };
            let mut same: Option<Value> = None;
            let mut trivial = true;
            for &(v, _) in incoming {
                let v = resolve(repl, v);
                if v == Value::Inst(i) {
                    continue;
                }
                match same {
                    None => same = Some(v),
                    Some(s) if s == v => {}
                    Some(_) => {
                        trivial = false;
                        break;
                    }
                }
            }
            if trivial && let Some(v) = same {
                repl.insert(i, v);
                f.blocks[b].insts.remove(k);
                changed = true;
                continue;
            }
            k += 1;
        }
    }
    changed
}

/// Renames incoming block `from` to `to` in the phis of `block`.
fn rename_incoming(f: &mut Function, block: BlockId, from: BlockId, to: BlockId) {
    for k in 0..f.blocks[block.index()].insts.len() {
        let i = f.blocks[block.index()].insts[k];
        match &mut f.insts[i.index()].kind {
            InstKind::Phi { incoming } => {
                for (_, b) in incoming.iter_mut() {
                    if *b == from {
                        *b = to;
                    }
                }
            }
            _ => break,
        }
    }
}

fn merge_blocks(f: &mut Function, repl: &mut HashMap<InstId, Value>, p: &mut [Vec<BlockId>]) -> bool {
    let mut changed = false;
    for b in 1..f.blocks.len() {
        let bid = BlockId::new(b);
        if p[b].len() != 1 || f.blocks[b].insts.is_empty() {
            continue;
        }
        let a = p[b][0];
        if a == bid || !matches!(f.terminator(a), Some(InstKind::Br { dest }) if *dest == bid) {
            continue;
        }
        // Phis of `b` have one incoming value each.
        let mut insts = std::mem::take(&mut f.blocks[b].insts);
        insts.retain(|&i| match &f.insts[i.index()].kind {
            InstKind::Phi { incoming } => {
                repl.insert(i, incoming[0].0);
                false
            }
            _ => true,
        });
        f.blocks[a.index()].insts.pop();
        f.blocks[a.index()].insts.extend(insts);
        let succs = f.terminator(a).map(|t| t.successors()).unwrap_or_default();
        for s in succs {
            rename_incoming(f, s, bid, a);
            for q in p[s.index()].iter_mut() {
                if *q == bid {
                    *q = a;
                }
            }
        }
        p[b].clear();
        changed = true;
    }
    changed
}

fn bypass_empty(f: &mut Function, p: &mut [Vec<BlockId>]) -> bool {
    let mut changed = false;
    for t in 1..f.blocks.len() {
        let tid = BlockId::new(t);
        let Some(InstKind::Br { dest }) = f.terminator(tid) else { continue };
        let x = *dest;
        let void = f.insts[f.blocks[t].insts[0].index()].ty;
        if f.blocks[t].insts.len() != 1 || x == tid || p[t].is_empty() {
            continue;
        }
        let x_has_phis =
            f.blocks[x.index()].insts.first().is_some_and(|&i| matches!(f.insts[i.index()].kind, InstKind::Phi { .. }));
        if x_has_phis {
            // Only a single predecessor that does not already reach `x`.
            if p[t].len() != 1 {
                continue;
            }
            let q = p[t][0];
            let q_succ = f.terminator(q).map(|k| k.successors()).unwrap_or_default();
            if q_succ.contains(&x) || q_succ.iter().filter(|&&s| s == tid).count() != 1 {
                continue;
            }
            rename_incoming(f, x, tid, q);
        }
        let from = std::mem::take(&mut p[t]);
        for &q in &from {
            let last = *f.blocks[q.index()].insts.last().expect("terminator");
            f.insts[last.index()].kind.for_each_successor_mut(|s| {
                if *s == tid {
                    *s = x;
                }
            });
        }
        // Keep the predecessor lists right for the blocks still to visit.
        p[x.index()].retain(|&b| b != tid);
        p[x.index()].extend(from);
        // `t` is now unreachable (compact drops it).
        f.blocks[t].insts.clear();
        let dead = f.push_inst(InstData { kind: InstKind::Unreachable, ty: void, name: None });
        f.blocks[t].insts.push(dead);
        changed = true;
    }
    changed
}

fn has_effect(k: &InstKind) -> bool {
    match k {
        InstKind::Load { volatile, atomic, .. } => *volatile || atomic.is_some(),
        InstKind::Store { .. }
        | InstKind::Call { .. }
        | InstKind::Invoke { .. }
        | InstKind::AtomicRmw { .. }
        | InstKind::CmpXchg { .. }
        | InstKind::Fence { .. }
        | InstKind::VaArg { .. }
        | InstKind::LandingPad { .. } => true,
        k => k.is_terminator(),
    }
}

fn dead_code(f: &mut Function) {
    let mut live = vec![false; f.insts.len()];
    let mut work = Vec::new();
    for b in &f.blocks {
        for &i in &b.insts {
            if has_effect(&f.insts[i.index()].kind) {
                live[i.index()] = true;
                work.push(i);
            }
        }
    }
    while let Some(i) = work.pop() {
        f.insts[i.index()].kind.for_each_operand(|v| {
            if let Value::Inst(j) = v
                && !live[j.index()]
            {
                live[j.index()] = true;
                work.push(j);
            }
        });
    }
    for b in &mut f.blocks {
        b.insts.retain(|i| live[i.index()]);
    }
}

/// Keeps reachable blocks in depth-first order and renumbers blocks and
/// instructions densely.
fn compact(f: &mut Function) {
    let n = f.blocks.len();
    let mut order = Vec::new();
    let mut seen = vec![false; n];
    let mut stack = vec![BlockId(0)];
    while let Some(b) = stack.pop() {
        if seen[b.index()] {
            continue;
        }
        seen[b.index()] = true;
        order.push(b);
        if let Some(t) = f.terminator(b) {
            for s in t.successors().into_iter().rev() {
                if !seen[s.index()] {
                    stack.push(s);
                }
            }
        }
    }
    let mut bmap = vec![None; n];
    for (k, b) in order.iter().enumerate() {
        bmap[b.index()] = Some(BlockId::new(k));
    }
    let mut imap: Vec<InstId> = vec![InstId(u32::MAX); f.insts.len()];
    let mut insts: Vec<InstData> = Vec::new();
    let mut blocks = Vec::new();
    for &b in &order {
        let mut bd = f.blocks[b.index()].clone();
        for i in bd.insts.iter_mut() {
            let ni = InstId::new(insts.len());
            insts.push(f.insts[i.index()].clone());
            imap[i.index()] = ni;
            *i = ni;
        }
        blocks.push(bd);
    }
    for d in insts.iter_mut() {
        d.kind.for_each_operand_mut(|v| {
            if let Value::Inst(i) = v {
                *v = Value::Inst(imap[i.index()]);
            }
        });
        d.kind.for_each_successor_mut(|s| *s = bmap[s.index()].expect("reachable successor"));
        if let InstKind::Phi { incoming } = &mut d.kind {
            incoming.retain(|(_, b)| bmap[b.index()].is_some());
            for (_, b) in incoming.iter_mut() {
                *b = bmap[b.index()].expect("kept");
            }
        }
    }
    f.blocks = blocks;
    f.insts = insts;
}
