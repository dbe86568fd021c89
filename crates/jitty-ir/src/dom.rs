//! Dominators of a function's CFG, one definition for every pass that
//! needs them: the verifier (SSA dominance of uses) and the interpreter's
//! lowering (loop phi coalescing).

use crate::entity::BlockId;

/// Immediate dominators over reachable blocks (Cooper, Harvey, Kennedy).
#[derive(Debug)]
pub struct DomTree {
    /// Immediate dominator; `None` for unreachable blocks; the entry is its own.
    idom: Vec<Option<usize>>,
    /// Reverse-postorder number of each reachable block.
    rpo_num: Vec<usize>,
}

impl DomTree {
    /// The dominator tree of the CFG of `n` blocks with these successor and
    /// predecessor lists (in range), entered at block 0.
    pub fn new(n: usize, succs: &[Vec<BlockId>], preds: &[Vec<BlockId>]) -> DomTree {
        // Iterative DFS postorder.
        let mut post = Vec::with_capacity(n);
        let mut seen = vec![false; n];
        let mut stack: Vec<(usize, usize)> = vec![(0, 0)];
        seen[0] = true;
        while let Some(&mut (b, ref mut i)) = stack.last_mut() {
            if let Some(s) = succs[b].get(*i) {
                *i += 1;
                let s = s.index();
                if !seen[s] {
                    seen[s] = true;
                    stack.push((s, 0));
                }
            } else {
                post.push(b);
                stack.pop();
            }
        }
        let mut rpo_num = vec![usize::MAX; n];
        for (i, &b) in post.iter().rev().enumerate() {
            rpo_num[b] = i;
        }
        let order: Vec<usize> = post.iter().rev().copied().collect();
        let mut idom: Vec<Option<usize>> = vec![None; n];
        idom[0] = Some(0);
        let mut changed = true;
        while changed {
            changed = false;
            for &b in order.iter().skip(1) {
                let mut new: Option<usize> = None;
                for p in &preds[b] {
                    let p = p.index();
                    if idom[p].is_none() {
                        continue;
                    }
                    new = Some(match new {
                        None => p,
                        Some(cur) => {
                            let (mut x, mut y) = (cur, p);
                            while x != y {
                                while rpo_num[x] > rpo_num[y] {
                                    x = idom[x].unwrap_or(0);
                                }
                                while rpo_num[y] > rpo_num[x] {
                                    y = idom[y].unwrap_or(0);
                                }
                            }
                            x
                        }
                    });
                }
                if new.is_some() && idom[b] != new {
                    idom[b] = new;
                    changed = true;
                }
            }
        }
        DomTree { idom, rpo_num }
    }

    /// True when block `b` is reachable from the entry.
    pub fn reachable(&self, b: usize) -> bool {
        self.idom[b].is_some()
    }

    /// True when block `a` dominates block `b` (both reachable).
    pub fn dominates(&self, a: usize, mut b: usize) -> bool {
        loop {
            if a == b {
                return true;
            }
            match self.idom[b] {
                Some(p) if p != b && self.rpo_num[p] < self.rpo_num[b] => b = p,
                _ => return false,
            }
        }
    }
}
