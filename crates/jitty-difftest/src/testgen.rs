//! Random IR generator for differential tests.
//!
//! [`generate`] turns a seed into a well-formed `.ll` module with one function
//! `define i64 @f(i64 %a, i64 %b, ptr %buf)` made of straight-line regions and
//! if/else diamonds joined by `phi`s, over integers of mixed widths (i1 to
//! i64, including odd ones), with loads and stores on the 64-byte scratch
//! buffer `%buf` (whole-byte widths only), casts, `select`, divisions whose divisor is forced
//! non-zero and positive, and overflow / min-max / bit intrinsics. The result
//! is UB- and poison-free by construction, so any two correct engines (the
//! interpreter, the JIT, `lli`) must agree on the return value and on the
//! final buffer. The output is text so every engine and LLVM's own tools can
//! consume it.

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Generator knobs.
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Number of regions (straight-line blocks or diamonds).
    pub regions: usize,
    /// Instructions per straight-line stretch.
    pub insts: usize,
    /// Integer widths to use.
    pub widths: Vec<u32>,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig { regions: 4, insts: 8, widths: vec![1, 8, 13, 16, 24, 32, 40, 64] }
    }
}

/// Deterministic xorshift PRNG (the generator's, and test data's).
#[derive(Clone, Debug)]
pub struct Rng(pub u64);

impl Rng {
    /// The next 64 random bits.
    pub fn next_u64(&mut self) -> u64 {
        let mut x = self.0;
        x ^= x << 13;
        x ^= x >> 7;
        x ^= x << 17;
        self.0 = x;
        x
    }
    /// A number below `n` (0 when `n` is 0).
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n.max(1) as u64) as usize
    }
}

/// A value available in the current scope: (name, width).
type Val = (String, u32);

struct Gen {
    rng: Rng,
    cfg: GenConfig,
    out: String,
    next: usize,
    decls: BTreeSet<String>,
}

impl Gen {
    fn fresh(&mut self) -> String {
        self.next += 1;
        format!("%v{}", self.next)
    }

    fn emit(&mut self, line: &str) {
        self.out.push_str("  ");
        self.out.push_str(line);
        self.out.push('\n');
    }

    /// A value of width `w` from `scope` (converting one if needed).
    fn operand(&mut self, scope: &mut Vec<Val>, w: u32) -> String {
        let same: Vec<usize> = (0..scope.len()).filter(|&i| scope[i].1 == w).collect();
        if !same.is_empty() && self.rng.below(4) != 0 {
            return scope[same[self.rng.below(same.len())]].0.clone();
        }
        if self.rng.below(5) == 0 {
            let c = self.rng.next_u64() as i64 >> self.rng.below(64);
            let c = if w == 1 { (c & 1).to_string() } else { c.to_string() };
            return c_trunc(&c, w);
        }
        let (src, sw) = scope[self.rng.below(scope.len())].clone();
        let v = self.fresh();
        let op = if sw == w {
            return src;
        } else if sw > w {
            "trunc"
        } else if self.rng.below(2) == 0 {
            "zext"
        } else {
            "sext"
        };
        self.emit(&format!("{v} = {op} i{sw} {src} to i{w}"));
        scope.push((v.clone(), w));
        v
    }

    fn width(&mut self) -> u32 {
        self.cfg.widths[self.rng.below(self.cfg.widths.len())]
    }

    fn inst(&mut self, scope: &mut Vec<Val>) {
        let w = self.width();
        let v = self.fresh();
        match self.rng.below(10) {
            0..=3 => {
                let ops =
                    ["add", "sub", "mul", "and", "or", "xor", "shl", "lshr", "ashr", "udiv", "sdiv", "urem", "srem"];
                let op = ops[self.rng.below(ops.len())];
                let a = self.operand(scope, w);
                let mut b = self.operand(scope, w);
                if matches!(op, "shl" | "lshr" | "ashr") {
                    // Shift amounts below the width: `urem` by the width.
                    let t = self.fresh();
                    self.emit(&format!("{t} = urem i{w} {b}, {}", c_trunc(&w.to_string(), w)));
                    b = t;
                } else if matches!(op, "udiv" | "sdiv" | "urem" | "srem") && w > 1 {
                    // Divisor forced into [1, 2^(w-2)] : never 0, never -1.
                    let t = self.fresh();
                    let u = self.fresh();
                    let mask = if w == 2 { 0 } else { (1u64 << (w - 2).min(62)) - 1 };
                    self.emit(&format!("{t} = and i{w} {b}, {mask}"));
                    self.emit(&format!("{u} = add i{w} {t}, 1"));
                    b = u;
                } else if matches!(op, "udiv" | "sdiv" | "urem" | "srem") {
                    b = "1".into();
                }
                let op = if op == "sdiv" && w == 1 { "udiv" } else { op };
                let op = if op == "srem" && w == 1 { "urem" } else { op };
                self.emit(&format!("{v} = {op} i{w} {a}, {b}"));
                scope.push((v, w));
            }
            4 => {
                let preds = ["eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle"];
                let p = preds[self.rng.below(preds.len())];
                let a = self.operand(scope, w);
                let b = self.operand(scope, w);
                let c = self.fresh();
                self.emit(&format!("{c} = icmp {p} i{w} {a}, {b}"));
                let x = self.operand(scope, w);
                let y = self.operand(scope, w);
                self.emit(&format!("{v} = select i1 {c}, i{w} {x}, i{w} {y}"));
                scope.push((c, 1));
                scope.push((v, w));
            }
            5 => {
                // Store to and load from the scratch buffer. Only whole-byte
                // widths: the extra bits of an `i13` in memory are unspecified.
                let w = if w.is_multiple_of(8) { w } else { 8 * w.div_ceil(8).min(8) };
                let off = self.rng.below(8) * 8;
                let a = self.operand(scope, w);
                let p = self.fresh();
                self.emit(&format!("{p} = getelementptr inbounds i8, ptr %buf, i64 {off}"));
                self.emit(&format!("store i{w} {a}, ptr {p}"));
                let w2 = self.width();
                let w2 = if w2.is_multiple_of(8) { w2 } else { 8 * w2.div_ceil(8).min(8) };
                let off2 = self.rng.below(8) * 8;
                let q = self.fresh();
                self.emit(&format!("{q} = getelementptr inbounds i8, ptr %buf, i64 {off2}"));
                self.emit(&format!("{v} = load i{w2}, ptr {q}"));
                scope.push((v, w2));
            }
            6 if w > 1 => {
                let ops = ["sadd", "uadd", "ssub", "usub", "smul", "umul"];
                let op = ops[self.rng.below(ops.len())];
                self.decls.insert(format!("declare {{ i{w}, i1 }} @llvm.{op}.with.overflow.i{w}(i{w}, i{w})"));
                let a = self.operand(scope, w);
                let b = self.operand(scope, w);
                let s = self.fresh();
                let o = self.fresh();
                self.emit(&format!("{s} = call {{ i{w}, i1 }} @llvm.{op}.with.overflow.i{w}(i{w} {a}, i{w} {b})"));
                self.emit(&format!("{v} = extractvalue {{ i{w}, i1 }} {s}, 0"));
                self.emit(&format!("{o} = extractvalue {{ i{w}, i1 }} {s}, 1"));
                scope.push((v, w));
                scope.push((o, 1));
            }
            7 if w > 1 => {
                let ops = ["smax", "smin", "umax", "umin", "ctpop", "bitreverse", "fshl"];
                let op = ops[self.rng.below(ops.len())];
                let a = self.operand(scope, w);
                match op {
                    "ctpop" | "bitreverse" => {
                        self.decls.insert(format!("declare i{w} @llvm.{op}.i{w}(i{w})"));
                        self.emit(&format!("{v} = call i{w} @llvm.{op}.i{w}(i{w} {a})"));
                    }
                    "fshl" => {
                        let b = self.operand(scope, w);
                        let c = self.operand(scope, w);
                        self.decls.insert(format!("declare i{w} @llvm.fshl.i{w}(i{w}, i{w}, i{w})"));
                        self.emit(&format!("{v} = call i{w} @llvm.fshl.i{w}(i{w} {a}, i{w} {b}, i{w} {c})"));
                    }
                    _ => {
                        let b = self.operand(scope, w);
                        self.decls.insert(format!("declare i{w} @llvm.{op}.i{w}(i{w}, i{w})"));
                        self.emit(&format!("{v} = call i{w} @llvm.{op}.i{w}(i{w} {a}, i{w} {b})"));
                    }
                }
                scope.push((v, w));
            }
            _ => {
                let a = self.operand(scope, w);
                let b = self.operand(scope, w);
                self.emit(&format!("{v} = xor i{w} {a}, {b}"));
                scope.push((v, w));
            }
        }
    }

    fn stretch(&mut self, scope: &mut Vec<Val>) {
        for _ in 0..self.cfg.insts {
            self.inst(scope);
        }
    }
}

/// Writes an integer literal valid for `iN` (`true`/`false` for `i1`).
fn c_trunc(lit: &str, w: u32) -> String {
    if w == 1 {
        let v: i128 = lit.parse().unwrap_or(0);
        return if v & 1 == 1 { "true".into() } else { "false".into() };
    }
    if w >= 64 {
        return lit.to_string();
    }
    let v: i128 = lit.parse().unwrap_or(0);
    let m = (1i128 << w) - 1;
    let u = v & m;
    // Print as a signed value of the width (LLVM accepts either form).
    let s = if u >> (w - 1) & 1 == 1 { u - (1i128 << w) } else { u };
    s.to_string()
}

/// Generates a module from `seed` with the default configuration.
pub fn generate(seed: u64) -> String {
    generate_with(seed, &GenConfig::default())
}

/// Generates a module from `seed`.
pub fn generate_with(seed: u64, cfg: &GenConfig) -> String {
    let mut g = Gen {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        cfg: cfg.clone(),
        out: String::new(),
        next: 0,
        decls: BTreeSet::new(),
    };
    g.out.push_str("define i64 @f(i64 %a, i64 %b, ptr %buf) {\nentry:\n");
    let mut scope: Vec<Val> = vec![("%a".into(), 64), ("%b".into(), 64)];
    let mut label = 0;
    for _ in 0..cfg.regions {
        g.stretch(&mut scope);
        if g.rng.below(2) == 0 {
            // Diamond: values from each arm meet in phis.
            label += 1;
            let c = g.operand(&mut scope, 1);
            let (t, e, j) = (format!("t{label}"), format!("e{label}"), format!("j{label}"));
            g.emit(&format!("br i1 {c}, label %{t}, label %{e}"));
            let w = g.width();
            let mut arms = Vec::new();
            for name in [&t, &e] {
                let _ = writeln!(g.out, "{name}:");
                let mut arm_scope = scope.clone();
                g.stretch(&mut arm_scope);
                let v = g.operand(&mut arm_scope, w);
                arms.push(v);
                g.emit(&format!("br label %{j}"));
            }
            let _ = writeln!(g.out, "{j}:");
            let p = g.fresh();
            g.emit(&format!("{p} = phi i{w} [ {}, %{t} ], [ {}, %{e} ]", arms[0], arms[1]));
            scope.push((p, w));
        }
    }
    // Fold everything into the i64 result.
    let mut acc = "0".to_string();
    for (v, w) in scope.clone() {
        let z = if w == 64 {
            v
        } else {
            let z = g.fresh();
            g.emit(&format!("{z} = zext i{w} {v} to i64"));
            z
        };
        let m = g.fresh();
        let r = g.fresh();
        g.emit(&format!("{m} = mul i64 {acc}, 31"));
        g.emit(&format!("{r} = xor i64 {m}, {z}"));
        acc = r;
    }
    g.emit(&format!("ret i64 {acc}"));
    g.out.push_str("}\n");
    let mut text = String::new();
    for d in &g.decls {
        text.push_str(d);
        text.push('\n');
    }
    text.push_str(&g.out);
    text
}
