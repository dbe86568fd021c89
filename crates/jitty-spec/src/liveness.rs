//! SSA liveness of a source function, so the evaluator's state at a block
//! entry holds only values that are still used (dead values in the state
//! would split residual blocks that ought to be shared).
//!
//! `live_in(b)`: values used by `b`'s non-phi instructions or live out of
//! `b`, minus what `b`'s non-phi instructions define (so the results of
//! `b`'s own phis count as live-in: the evaluator enters a block after
//! evaluating its phis). `live_out(b)`: for each successor `s`, `live_in(s)`
//! without `s`'s phi results, plus the operands `s`'s phis take from `b`.

use fixedbitset::FixedBitSet;
use jitty_ir::{BlockId, Function, InstKind, Value};
use rustc_hash::FxHashMap as HashMap;
use std::sync::Arc;

/// A set of a function's values (instruction results and arguments), one
/// bit each.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct LiveSet {
    bits: FixedBitSet,
    /// Instructions in the function: arguments are numbered after them.
    insts: usize,
}

impl LiveSet {
    fn new(f: &Function) -> LiveSet {
        LiveSet { bits: FixedBitSet::with_capacity(f.insts.len() + f.params.len()), insts: f.insts.len() }
    }

    fn index(&self, v: Value) -> Option<usize> {
        match v {
            Value::Inst(i) => Some(i.index()),
            Value::Arg(a) => Some(self.insts + a as usize),
            Value::Const(_) => None,
        }
    }

    fn insert(&mut self, v: Value) {
        if let Some(i) = self.index(v) {
            self.bits.grow(i + 1);
            self.bits.insert(i);
        }
    }

    fn remove(&mut self, v: Value) {
        if let Some(i) = self.index(v).filter(|&i| i < self.bits.len()) {
            self.bits.set(i, false);
        }
    }

    /// Whether `v` is in the set (constants never are).
    pub fn contains(&self, v: &Value) -> bool {
        self.index(*v).is_some_and(|i| self.bits.contains(i))
    }
}

/// A function's live sets, and its loop heads.
#[derive(Debug)]
pub struct Liveness {
    /// Blocks entered by a retreating edge of a depth-first walk: the only
    /// places a path can come back to.
    loop_heads: Vec<bool>,
    live_in: Vec<LiveSet>,
    live_out: Vec<LiveSet>,
    after: std::sync::Mutex<HashMap<(BlockId, usize), Arc<LiveSet>>>,
}

impl Liveness {
    /// Computes the live sets of `f` (a definition).
    pub fn new(f: &Function) -> Liveness {
        let n = f.blocks.len();
        let empty = LiveSet::new(f);
        let mut uses = vec![empty.clone(); n];
        let mut defs = vec![empty.clone(); n];
        let mut phi_defs = vec![empty.clone(); n];
        // Phi operands per (pred, succ).
        let mut phi_uses: HashMap<(usize, usize), LiveSet> = HashMap::default();
        let mut succs: Vec<Vec<usize>> = vec![Vec::new(); n];
        for (b, bd) in f.blocks_iter() {
            let bi = b.index();
            for &i in &bd.insts {
                let data = f.inst(i);
                if let InstKind::Phi { incoming } = &data.kind {
                    phi_defs[bi].insert(Value::Inst(i));
                    for &(v, p) in incoming {
                        phi_uses.entry((p.index(), bi)).or_insert_with(|| empty.clone()).insert(v);
                    }
                    continue;
                }
                data.kind.for_each_operand(|v| {
                    if !defs[bi].contains(&v) {
                        uses[bi].insert(v);
                    }
                });
                defs[bi].insert(Value::Inst(i));
            }
            if let Some(t) = f.terminator(b) {
                succs[bi] = t.successors().iter().map(|s| s.index()).collect();
            }
        }
        let mut live_in = uses.clone();
        let mut live_out = vec![empty.clone(); n];
        let mut changed = true;
        while changed {
            changed = false;
            for b in (0..n).rev() {
                let mut out = empty.clone();
                for &s in &succs[b] {
                    let mut from_s = live_in[s].bits.clone();
                    from_s.difference_with(&phi_defs[s].bits);
                    out.bits.union_with(&from_s);
                    if let Some(u) = phi_uses.get(&(b, s)) {
                        out.bits.union_with(&u.bits);
                    }
                }
                let mut inn = out.clone();
                inn.bits.difference_with(&defs[b].bits);
                inn.bits.union_with(&uses[b].bits);
                if out != live_out[b] || inn != live_in[b] {
                    live_out[b] = out;
                    live_in[b] = inn;
                    changed = true;
                }
            }
        }
        // Retreating edges: to a block still on the depth-first stack.
        let mut loop_heads = vec![false; n];
        let mut state = vec![0u8; n]; // 0 new, 1 on the stack, 2 done
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        if n > 0 {
            state[0] = 1;
        }
        while let Some(&mut (b, ref mut k)) = stack.last_mut() {
            if let Some(&s) = succs[b].get(*k) {
                *k += 1;
                match state[s] {
                    0 => {
                        state[s] = 1;
                        stack.push((s, 0));
                    }
                    1 => loop_heads[s] = true,
                    _ => {}
                }
            } else {
                state[b] = 2;
                stack.pop();
            }
        }
        Liveness { loop_heads, live_in, live_out, after: Default::default() }
    }

    /// Whether `b` is a loop head.
    pub fn is_loop_head(&self, b: BlockId) -> bool {
        self.loop_heads[b.index()]
    }

    /// Values live at the start of `b`, after its phis.
    pub fn live_in(&self, b: BlockId) -> &LiveSet {
        &self.live_in[b.index()]
    }

    /// Values live just after instruction `idx` of block `b` (a call site
    /// the evaluator returns to).
    pub fn live_after(&self, f: &Function, b: BlockId, idx: usize) -> Arc<LiveSet> {
        let mut cache = self.after.lock().unwrap_or_else(|p| p.into_inner());
        if let Some(s) = cache.get(&(b, idx)) {
            return s.clone();
        }
        let insts = &f.block(b).insts;
        let mut live = self.live_out[b.index()].clone();
        for &i in insts[idx + 1..].iter().rev() {
            live.remove(Value::Inst(i));
            f.inst(i).kind.for_each_operand(|v| live.insert(v));
        }
        let live = Arc::new(live);
        cache.insert((b, idx), live.clone());
        live
    }
}
