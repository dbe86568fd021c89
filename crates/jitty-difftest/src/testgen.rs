//! Random IR generator for differential tests.
//!
//! [`generate`] turns a seed into a well-formed `.ll` module whose entry is
//! `define i64 @f(i64 %a, i64 %b, ptr %buf)`; [`generate_program`] adds a
//! `main` that runs `@f` on a few fixed inputs and prints (with `printf`)
//! each result and a checksum of the buffer, so that a native build
//! (`clang-22` of the `.ll`), `lli-22` and `jitty exec` on either engine can
//! all run it as a program.
//!
//! A function is a sequence of regions: straight-line stretches, if/else
//! diamonds joined by `phi`s, and bounded loops (a static trip count, or one
//! taken from data and masked to at most 8), with the loop-carried values in
//! `phi`s. Before `@f` come helper functions `@g0`, `@g1`, ... with random
//! signatures (one of them with many arguments of mixed widths, floats and
//! vectors, more than the registers hold), which later functions call.
//!
//! Values are integers of mixed widths (i1 to i64, odd ones included),
//! `float` and `double`, and vectors (`<N x iK>`, `<N x float|double>`,
//! 256-bit and odd lane counts included). Operations: integer arithmetic,
//! shifts, divisions, comparisons and `select`; float arithmetic, `fcmp`,
//! conversions and float intrinsics; vector arithmetic, `shufflevector`,
//! `insertelement`/`extractelement`, vector `icmp`/`select`, vector
//! intrinsics and reductions; loads and stores on the 128-byte scratch
//! buffer `%buf` (whole-byte widths only); overflow, saturating, min/max and
//! bit intrinsics.
//!
//! The result is UB-, poison- and implementation-choice-free by
//! construction, so any correct engine and LLVM must agree on it:
//! - shift amounts are reduced below the width; divisors are forced into
//!   `[1, 2^(w-2)]`; vector indices are constants below the lane count or
//!   reduced modulo it; shuffle masks have no `poison` lanes;
//! - every float result has NaN replaced by one canonical quiet NaN (the
//!   sign and payload of a NaN an operation creates are the hardware's
//!   choice), and `minnum`/`maxnum` results have `-0.0` folded to `+0.0`;
//! - `fptosi`/`fptoui` only see values whose magnitude is below the target
//!   range (others are replaced by `0.0` with a `select`);
//! - `fma` is the only fused operation (`fmuladd` may or may not fuse).

use std::collections::BTreeSet;
use std::fmt::Write as _;

/// Generator knobs.
#[derive(Clone, Debug)]
pub struct GenConfig {
    /// Number of regions (straight-line blocks, diamonds or loops) of `@f`.
    pub regions: usize,
    /// Instructions per straight-line stretch.
    pub insts: usize,
    /// Integer widths to use.
    pub widths: Vec<u32>,
    /// Float and vector values (otherwise integers only).
    pub floats_and_vectors: bool,
    /// Loops (otherwise stretches and diamonds only).
    pub loops: bool,
    /// Helper functions `@g*` called from `@f` (at most this many).
    pub helpers: usize,
    /// Vector parameters and return values in helper signatures (the JIT
    /// leaves such functions to the interpreter).
    pub vector_signatures: bool,
}

impl Default for GenConfig {
    fn default() -> Self {
        GenConfig {
            regions: 5,
            insts: 8,
            widths: vec![1, 8, 13, 16, 24, 32, 40, 64],
            floats_and_vectors: true,
            loops: true,
            helpers: 3,
            vector_signatures: true,
        }
    }
}

/// Bytes of the scratch buffer `%buf`.
pub const BUF_BYTES: usize = 128;

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

/// A value type of the generator.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum T {
    /// `iN`.
    I(u32),
    /// `float`.
    F32,
    /// `double`.
    F64,
    /// `<N x E>`, E an `I(8|16|32|64)`, `F32` or `F64`.
    V(u32, Elem),
}

/// A vector element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Elem {
    I(u32),
    F32,
    F64,
}

impl Elem {
    fn t(self) -> T {
        match self {
            Elem::I(w) => T::I(w),
            Elem::F32 => T::F32,
            Elem::F64 => T::F64,
        }
    }
    fn bits(self) -> u32 {
        match self {
            Elem::I(w) => w,
            Elem::F32 => 32,
            Elem::F64 => 64,
        }
    }
    fn is_float(self) -> bool {
        !matches!(self, Elem::I(_))
    }
    fn suffix(self) -> String {
        match self {
            Elem::I(w) => format!("i{w}"),
            Elem::F32 => "f32".into(),
            Elem::F64 => "f64".into(),
        }
    }
}

impl T {
    fn ir(self) -> String {
        match self {
            T::I(w) => format!("i{w}"),
            T::F32 => "float".into(),
            T::F64 => "double".into(),
            T::V(n, e) => format!("<{n} x {}>", e.t().ir()),
        }
    }
    fn is_float(self) -> bool {
        matches!(self, T::F32 | T::F64)
    }
    /// The intrinsic-name suffix (`i32`, `f64`, `v4i32`).
    fn suffix(self) -> String {
        match self {
            T::I(w) => format!("i{w}"),
            T::F32 => "f32".into(),
            T::F64 => "f64".into(),
            T::V(n, e) => format!("v{n}{}", e.suffix()),
        }
    }
    /// Bytes in memory (whole-byte types only).
    fn bytes(self) -> usize {
        match self {
            T::I(w) => w.div_ceil(8) as usize,
            T::F32 => 4,
            T::F64 => 8,
            T::V(n, e) => n as usize * e.bits() as usize / 8,
        }
    }
    fn float_elem(self) -> bool {
        match self {
            T::F32 | T::F64 => true,
            T::V(_, e) => e.is_float(),
            T::I(_) => false,
        }
    }
}

/// Vector shapes the generator uses: packed 128-bit, 256-bit, narrow and odd.
const VSHAPES: &[T] = &[
    T::V(4, Elem::I(32)),
    T::V(8, Elem::I(16)),
    T::V(16, Elem::I(8)),
    T::V(2, Elem::I(64)),
    T::V(8, Elem::I(32)),
    T::V(4, Elem::I(64)),
    T::V(3, Elem::I(32)),
    T::V(4, Elem::I(8)),
    T::V(4, Elem::F32),
    T::V(2, Elem::F64),
    T::V(8, Elem::F32),
    T::V(4, Elem::F64),
    T::V(3, Elem::F32),
];

/// A value available in the current scope: (name, type).
type Val = (String, T);

/// A generated function's signature.
#[derive(Clone, Debug)]
struct Sig {
    name: String,
    params: Vec<T>,
    ret: T,
}

struct Gen {
    rng: Rng,
    cfg: GenConfig,
    out: String,
    next: usize,
    label: usize,
    /// The label of the block being written (for `phi`s).
    cur: String,
    decls: BTreeSet<String>,
    /// Functions this one may call.
    callees: Vec<Sig>,
}

/// A float literal of `t` (`float` literals must be exact doubles).
fn flit(t: T, v: f64) -> String {
    let bits = if t == T::F32 { (v as f32 as f64).to_bits() } else { v.to_bits() };
    format!("0x{bits:016X}")
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

    fn start_block(&mut self, name: &str) {
        let _ = writeln!(self.out, "{name}:");
        self.cur = name.to_string();
    }

    fn new_label(&mut self, stem: &str) -> String {
        self.label += 1;
        format!("{stem}{}", self.label)
    }

    fn width(&mut self) -> u32 {
        self.cfg.widths[self.rng.below(self.cfg.widths.len())]
    }

    /// A random type: mostly integers, then floats and vectors.
    fn any_type(&mut self) -> T {
        if !self.cfg.floats_and_vectors {
            return T::I(self.width());
        }
        match self.rng.below(10) {
            0..=4 => T::I(self.width()),
            5 => T::F32,
            6 => T::F64,
            _ => VSHAPES[self.rng.below(VSHAPES.len())],
        }
    }

    /// A splat constant of scalar literal `lit` for vector `t`.
    fn splat(t: T, lit: &str) -> String {
        let T::V(n, e) = t else { return lit.to_string() };
        let et = e.t().ir();
        let lanes: Vec<String> = (0..n).map(|_| format!("{et} {lit}")).collect();
        format!("<{}>", lanes.join(", "))
    }

    /// A random constant of `t`.
    fn constant(&mut self, t: T) -> String {
        match t {
            T::I(w) => {
                let c = self.rng.next_u64() as i64 >> self.rng.below(64);
                c_trunc(&c.to_string(), w)
            }
            T::F32 | T::F64 => {
                let nice = [0.0, -0.0, 1.0, -1.0, 0.5, 2.5, -3.75, 1e6, -1e-3, 65536.0, f64::INFINITY, 1e30];
                let v = if self.rng.below(2) == 0 {
                    nice[self.rng.below(nice.len())]
                } else {
                    (self.rng.next_u64() % 200_001) as f64 / 64.0 - 1500.0
                };
                flit(t, v)
            }
            T::V(n, e) => {
                let lanes: Vec<String> = (0..n).map(|_| format!("{} {}", e.t().ir(), self.constant(e.t()))).collect();
                format!("<{}>", lanes.join(", "))
            }
        }
    }

    /// Replaces NaN lanes of float value `v` by the canonical quiet NaN and
    /// returns the new value (`v` itself for other types).
    fn canon(&mut self, v: String, t: T) -> String {
        if !t.float_elem() {
            return v;
        }
        let ty = t.ir();
        let c = self.fresh();
        let r = self.fresh();
        let ct = match t {
            T::V(n, _) => format!("<{n} x i1>"),
            _ => "i1".into(),
        };
        self.emit(&format!("{c} = fcmp uno {ty} {v}, {v}"));
        self.emit(&format!("{r} = select {ct} {c}, {ty} {}, {ty} {v}", Self::splat(t, "0x7FF8000000000000")));
        r
    }

    /// A value of type `t` from `scope` (converting or building one if needed).
    fn operand(&mut self, scope: &mut Vec<Val>, t: T) -> String {
        let same: Vec<usize> = (0..scope.len()).filter(|&i| scope[i].1 == t).collect();
        if !same.is_empty() && self.rng.below(4) != 0 {
            return scope[same[self.rng.below(same.len())]].0.clone();
        }
        if self.rng.below(5) == 0 {
            return self.constant(t);
        }
        let v = self.fresh();
        match t {
            T::I(w) => {
                let ints: Vec<Val> = scope.iter().filter(|(_, t)| matches!(t, T::I(_))).cloned().collect();
                let floats: Vec<Val> = scope.iter().filter(|(_, t)| t.is_float()).cloned().collect();
                if !floats.is_empty() && self.rng.below(4) == 0 {
                    let (src, st) = floats[self.rng.below(floats.len())].clone();
                    return self.fp_to_int(&src, st, w, scope);
                }
                let (src, sw) = match ints.get(self.rng.below(ints.len())) {
                    Some((s, T::I(sw))) => (s.clone(), *sw),
                    _ => return self.constant(t),
                };
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
            }
            T::F32 | T::F64 => {
                let other = if t == T::F32 { T::F64 } else { T::F32 };
                let fl: Vec<Val> = scope.iter().filter(|(_, x)| *x == other).cloned().collect();
                if !fl.is_empty() && self.rng.below(2) == 0 {
                    let (src, _) = fl[self.rng.below(fl.len())].clone();
                    let op = if t == T::F32 { "fptrunc" } else { "fpext" };
                    self.emit(&format!("{v} = {op} {} {src} to {}", other.ir(), t.ir()));
                    // fptrunc of a canonical NaN is a NaN: keep it canonical.
                    let v = self.canon(v, t);
                    scope.push((v.clone(), t));
                    return v;
                }
                let w = self.width();
                let src = self.operand(scope, T::I(w));
                let op = if self.rng.below(2) == 0 { "sitofp" } else { "uitofp" };
                self.emit(&format!("{v} = {op} i{w} {src} to {}", t.ir()));
            }
            T::V(n, e) => {
                // A splat of a scalar, or lanes inserted one by one.
                let et = e.t();
                if self.rng.below(2) == 0 {
                    let s = self.operand(scope, et);
                    let i = self.fresh();
                    self.emit(&format!("{i} = insertelement {} poison, {} {s}, i64 0", t.ir(), et.ir()));
                    self.emit(&format!(
                        "{v} = shufflevector {} {i}, {} poison, <{n} x i32> zeroinitializer",
                        t.ir(),
                        t.ir()
                    ));
                } else {
                    let mut acc = self.constant(t);
                    for l in 0..n.min(3) {
                        let s = self.operand(scope, et);
                        let x = self.fresh();
                        self.emit(&format!("{x} = insertelement {} {acc}, {} {s}, i32 {l}", t.ir(), et.ir()));
                        acc = x;
                    }
                    return acc;
                }
            }
        }
        scope.push((v.clone(), t));
        v
    }

    /// `fptosi`/`fptoui` of float `src` to `iW`, with out-of-range inputs
    /// (and NaN) replaced by 0.0 first.
    fn fp_to_int(&mut self, src: &str, st: T, w: u32, scope: &mut Vec<Val>) -> String {
        let signed = self.rng.below(2) == 0;
        let limit = if signed { 2f64.powi(w as i32 - 1) } else { 2f64.powi(w as i32) };
        let ft = st.ir();
        self.decls.insert(format!("declare {ft} @llvm.fabs.{}({ft})", st.suffix()));
        let (a, ok, x, v) = (self.fresh(), self.fresh(), self.fresh(), self.fresh());
        self.emit(&format!("{a} = call {ft} @llvm.fabs.{}({ft} {src})", st.suffix()));
        self.emit(&format!("{ok} = fcmp olt {ft} {a}, {}", flit(st, limit)));
        let pick = if signed { src } else { &a };
        self.emit(&format!("{x} = select i1 {ok}, {ft} {pick}, {ft} 0.0"));
        let op = if signed { "fptosi" } else { "fptoui" };
        self.emit(&format!("{v} = {op} {ft} {x} to i{w}"));
        scope.push((v.clone(), T::I(w)));
        v
    }

    fn inst(&mut self, scope: &mut Vec<Val>) {
        let t = self.any_type();
        match t {
            T::I(w) => self.int_inst(scope, w),
            T::F32 | T::F64 => self.float_inst(scope, t),
            T::V(..) => self.vector_inst(scope, t),
        }
        // Now and then: a call to a helper function.
        if !self.callees.is_empty() && self.rng.below(12) == 0 {
            self.call(scope);
        }
    }

    fn call(&mut self, scope: &mut Vec<Val>) {
        let sig = self.callees[self.rng.below(self.callees.len())].clone();
        let mut args = Vec::new();
        for p in &sig.params {
            let a = if *p == T::I(0) { "%buf".to_string() } else { self.operand(scope, *p) };
            let ty = if *p == T::I(0) { "ptr".to_string() } else { p.ir() };
            args.push(format!("{ty} {a}"));
        }
        let v = self.fresh();
        self.emit(&format!("{v} = call {} @{}({})", sig.ret.ir(), sig.name, args.join(", ")));
        scope.push((v, sig.ret));
    }

    fn int_inst(&mut self, scope: &mut Vec<Val>, w: u32) {
        let v = self.fresh();
        match self.rng.below(10) {
            0..=3 => {
                let ops =
                    ["add", "sub", "mul", "and", "or", "xor", "shl", "lshr", "ashr", "udiv", "sdiv", "urem", "srem"];
                let op = ops[self.rng.below(ops.len())];
                let a = self.operand(scope, T::I(w));
                let b = self.operand(scope, T::I(w));
                let b = self.safe_rhs(op, b, T::I(w));
                let op = if op == "sdiv" && w == 1 { "udiv" } else { op };
                let op = if op == "srem" && w == 1 { "urem" } else { op };
                self.emit(&format!("{v} = {op} i{w} {a}, {b}"));
                scope.push((v, T::I(w)));
            }
            4 => {
                let c = if self.cfg.floats_and_vectors && self.rng.below(3) == 0 {
                    let ft = if self.rng.below(2) == 0 { T::F32 } else { T::F64 };
                    self.fcmp(scope, ft)
                } else {
                    let preds = ["eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle"];
                    let p = preds[self.rng.below(preds.len())];
                    let a = self.operand(scope, T::I(w));
                    let b = self.operand(scope, T::I(w));
                    let c = self.fresh();
                    self.emit(&format!("{c} = icmp {p} i{w} {a}, {b}"));
                    c
                };
                let x = self.operand(scope, T::I(w));
                let y = self.operand(scope, T::I(w));
                self.emit(&format!("{v} = select i1 {c}, i{w} {x}, i{w} {y}"));
                scope.push((c, T::I(1)));
                scope.push((v, T::I(w)));
            }
            5 => {
                // Store to and load from the scratch buffer. Only whole-byte
                // widths: the extra bits of an `i13` in memory are unspecified.
                let w = if w.is_multiple_of(8) { w } else { 8 * w.div_ceil(8).min(8) };
                let t = if self.cfg.floats_and_vectors && self.rng.below(3) == 0 {
                    let ts = [T::F32, T::F64, T::V(4, Elem::I(32)), T::V(2, Elem::F64), T::V(8, Elem::I(32))];
                    ts[self.rng.below(ts.len())]
                } else {
                    T::I(w)
                };
                self.store(scope, t);
                let w2 = self.width();
                let w2 = if w2.is_multiple_of(8) { w2 } else { 8 * w2.div_ceil(8).min(8) };
                let off2 = self.rng.below(BUF_BYTES / 8) * 8;
                let q = self.fresh();
                self.emit(&format!("{q} = getelementptr inbounds i8, ptr %buf, i64 {off2}"));
                self.emit(&format!("{v} = load i{w2}, ptr {q}"));
                scope.push((v, T::I(w2)));
            }
            6 if w > 1 => {
                let ops = ["sadd", "uadd", "ssub", "usub", "smul", "umul"];
                let op = ops[self.rng.below(ops.len())];
                self.decls.insert(format!("declare {{ i{w}, i1 }} @llvm.{op}.with.overflow.i{w}(i{w}, i{w})"));
                let a = self.operand(scope, T::I(w));
                let b = self.operand(scope, T::I(w));
                let s = self.fresh();
                let o = self.fresh();
                self.emit(&format!("{s} = call {{ i{w}, i1 }} @llvm.{op}.with.overflow.i{w}(i{w} {a}, i{w} {b})"));
                self.emit(&format!("{v} = extractvalue {{ i{w}, i1 }} {s}, 0"));
                self.emit(&format!("{o} = extractvalue {{ i{w}, i1 }} {s}, 1"));
                scope.push((v, T::I(w)));
                scope.push((o, T::I(1)));
            }
            7 if w > 1 => {
                self.int_intrinsic(scope, T::I(w), v);
            }
            8 if self.cfg.floats_and_vectors => {
                // A lane of a vector.
                let vt = VSHAPES[self.rng.below(VSHAPES.len())];
                let T::V(n, e) = vt else { return };
                let x = self.operand(scope, vt);
                let idx = self.lane_index(scope, n);
                self.emit(&format!("{v} = extractelement {} {x}, i64 {idx}", vt.ir()));
                scope.push((v, e.t()));
            }
            _ => {
                let a = self.operand(scope, T::I(w));
                let b = self.operand(scope, T::I(w));
                self.emit(&format!("{v} = xor i{w} {a}, {b}"));
                scope.push((v, T::I(w)));
            }
        }
    }

    /// A lane index below `n`: a constant, or a value reduced modulo `n`.
    fn lane_index(&mut self, scope: &mut Vec<Val>, n: u32) -> String {
        if self.rng.below(2) == 0 {
            return self.rng.below(n as usize).to_string();
        }
        let x = self.operand(scope, T::I(64));
        let r = self.fresh();
        self.emit(&format!("{r} = urem i64 {x}, {n}"));
        r
    }

    /// Makes `b` a safe right operand of `op` on `t` (scalar or vector):
    /// shift amounts below the width, divisors in `[1, 2^(w-2)]`.
    fn safe_rhs(&mut self, op: &str, b: String, t: T) -> String {
        let (w, ty) = match t {
            T::I(w) => (w, t.ir()),
            T::V(_, Elem::I(w)) => (w, t.ir()),
            _ => return b,
        };
        if matches!(op, "shl" | "lshr" | "ashr") {
            let r = self.fresh();
            self.emit(&format!("{r} = urem {ty} {b}, {}", Self::splat(t, &c_trunc(&w.to_string(), w))));
            return r;
        }
        if matches!(op, "udiv" | "sdiv" | "urem" | "srem") {
            if w == 1 {
                return Self::splat(t, "true");
            }
            let (m, u) = (self.fresh(), self.fresh());
            let mask = if w == 2 { 0 } else { (1u64 << (w - 2).min(62)) - 1 };
            self.emit(&format!("{m} = and {ty} {b}, {}", Self::splat(t, &mask.to_string())));
            self.emit(&format!("{u} = add {ty} {m}, {}", Self::splat(t, "1")));
            return u;
        }
        b
    }

    /// Integer intrinsics on a scalar or an integer vector `t`, result in `v`.
    fn int_intrinsic(&mut self, scope: &mut Vec<Val>, t: T, v: String) {
        let w = match t {
            T::I(w) | T::V(_, Elem::I(w)) => w,
            _ => return,
        };
        let ty = t.ir();
        let sfx = t.suffix();
        let ops = [
            "smax",
            "smin",
            "umax",
            "umin",
            "ctpop",
            "ctlz",
            "cttz",
            "bitreverse",
            "bswap",
            "fshl",
            "fshr",
            "abs",
            "uadd.sat",
            "usub.sat",
            "sadd.sat",
            "ssub.sat",
            "ushl.sat",
            "sshl.sat",
        ];
        let mut op = ops[self.rng.below(ops.len())];
        if op == "bswap" && !(w >= 16 && w.is_multiple_of(16)) {
            op = "bitreverse";
        }
        let a = self.operand(scope, t);
        match op {
            "ctpop" | "bitreverse" | "bswap" => {
                self.decls.insert(format!("declare {ty} @llvm.{op}.{sfx}({ty})"));
                self.emit(&format!("{v} = call {ty} @llvm.{op}.{sfx}({ty} {a})"));
            }
            "ctlz" | "cttz" | "abs" => {
                self.decls.insert(format!("declare {ty} @llvm.{op}.{sfx}({ty}, i1)"));
                self.emit(&format!("{v} = call {ty} @llvm.{op}.{sfx}({ty} {a}, i1 false)"));
            }
            "fshl" | "fshr" => {
                let b = self.operand(scope, t);
                let c = self.operand(scope, t);
                self.decls.insert(format!("declare {ty} @llvm.{op}.{sfx}({ty}, {ty}, {ty})"));
                self.emit(&format!("{v} = call {ty} @llvm.{op}.{sfx}({ty} {a}, {ty} {b}, {ty} {c})"));
            }
            _ => {
                let b = self.operand(scope, t);
                let b = if op.ends_with("shl.sat") { self.safe_rhs("shl", b, t) } else { b };
                self.decls.insert(format!("declare {ty} @llvm.{op}.{sfx}({ty}, {ty})"));
                self.emit(&format!("{v} = call {ty} @llvm.{op}.{sfx}({ty} {a}, {ty} {b})"));
            }
        }
        scope.push((v, t));
    }

    /// An `fcmp` of two floats of `t`; returns the `i1`.
    fn fcmp(&mut self, scope: &mut Vec<Val>, t: T) -> String {
        let preds = ["oeq", "one", "olt", "ole", "ogt", "oge", "ord", "uno", "ueq", "une", "ult", "ule", "ugt", "uge"];
        let p = preds[self.rng.below(preds.len())];
        let a = self.operand(scope, t);
        let b = self.operand(scope, t);
        let c = self.fresh();
        self.emit(&format!("{c} = fcmp {p} {} {a}, {b}", t.ir()));
        c
    }

    /// Stores a value of `t` at a random offset of the buffer.
    fn store(&mut self, scope: &mut Vec<Val>, t: T) {
        let off = self.rng.below((BUF_BYTES - t.bytes()) / 8 + 1) * 8;
        let a = self.operand(scope, t);
        let p = self.fresh();
        self.emit(&format!("{p} = getelementptr inbounds i8, ptr %buf, i64 {off}"));
        self.emit(&format!("store {} {a}, ptr {p}, align 1", t.ir()));
    }

    /// Float unary and binary intrinsics, on a scalar or vector float `t`.
    fn float_intrinsic(&mut self, scope: &mut Vec<Val>, t: T) -> String {
        let ty = t.ir();
        let sfx = t.suffix();
        let ops =
            ["fabs", "sqrt", "floor", "ceil", "trunc", "minnum", "maxnum", "copysign", "fma", "minimum", "maximum"];
        let op = ops[self.rng.below(ops.len())];
        let a = self.operand(scope, t);
        let r = self.fresh();
        match op {
            "fabs" | "sqrt" | "floor" | "ceil" | "trunc" => {
                self.decls.insert(format!("declare {ty} @llvm.{op}.{sfx}({ty})"));
                self.emit(&format!("{r} = call {ty} @llvm.{op}.{sfx}({ty} {a})"));
            }
            "fma" => {
                let b = self.operand(scope, t);
                let c = self.operand(scope, t);
                self.decls.insert(format!("declare {ty} @llvm.fma.{sfx}({ty}, {ty}, {ty})"));
                self.emit(&format!("{r} = call {ty} @llvm.fma.{sfx}({ty} {a}, {ty} {b}, {ty} {c})"));
            }
            _ => {
                let b = self.operand(scope, t);
                self.decls.insert(format!("declare {ty} @llvm.{op}.{sfx}({ty}, {ty})"));
                self.emit(&format!("{r} = call {ty} @llvm.{op}.{sfx}({ty} {a}, {ty} {b})"));
                if op == "minnum" || op == "maxnum" {
                    let z = self.fresh();
                    self.emit(&format!("{z} = fadd {ty} {r}, {}", Self::splat(t, "0.0")));
                    return z;
                }
            }
        }
        r
    }

    fn float_inst(&mut self, scope: &mut Vec<Val>, t: T) {
        let ty = t.ir();
        let r = match self.rng.below(8) {
            0..=3 => {
                let ops = ["fadd", "fsub", "fmul", "fdiv", "frem"];
                let op = ops[self.rng.below(ops.len())];
                let a = self.operand(scope, t);
                let b = self.operand(scope, t);
                let r = self.fresh();
                self.emit(&format!("{r} = {op} {ty} {a}, {b}"));
                r
            }
            4 => {
                let a = self.operand(scope, t);
                let r = self.fresh();
                self.emit(&format!("{r} = fneg {ty} {a}"));
                r
            }
            5 => {
                let c = self.fcmp(scope, t);
                let x = self.operand(scope, t);
                let y = self.operand(scope, t);
                let r = self.fresh();
                self.emit(&format!("{r} = select i1 {c}, {ty} {x}, {ty} {y}"));
                scope.push((c, T::I(1)));
                r
            }
            _ => self.float_intrinsic(scope, t),
        };
        let r = self.canon(r, t);
        scope.push((r, t));
    }

    fn vector_inst(&mut self, scope: &mut Vec<Val>, t: T) {
        let T::V(n, e) = t else { return };
        let ty = t.ir();
        let v = self.fresh();
        match self.rng.below(9) {
            0..=2 => {
                let r = if e.is_float() {
                    let ops = ["fadd", "fsub", "fmul", "fdiv"];
                    let op = ops[self.rng.below(ops.len())];
                    let a = self.operand(scope, t);
                    let b = self.operand(scope, t);
                    self.emit(&format!("{v} = {op} {ty} {a}, {b}"));
                    self.canon(v, t)
                } else {
                    let ops = [
                        "add", "sub", "mul", "and", "or", "xor", "shl", "lshr", "ashr", "udiv", "sdiv", "urem", "srem",
                    ];
                    let op = ops[self.rng.below(ops.len())];
                    let a = self.operand(scope, t);
                    let b = self.operand(scope, t);
                    let b = self.safe_rhs(op, b, t);
                    self.emit(&format!("{v} = {op} {ty} {a}, {b}"));
                    v
                };
                scope.push((r, t));
            }
            3 => {
                // Compare and select, lane-wise.
                let c = self.fresh();
                let a = self.operand(scope, t);
                let b = self.operand(scope, t);
                if e.is_float() {
                    let preds = ["oeq", "one", "olt", "oge", "uno", "ult", "une", "ord"];
                    let p = preds[self.rng.below(preds.len())];
                    self.emit(&format!("{c} = fcmp {p} {ty} {a}, {b}"));
                } else {
                    let preds = ["eq", "ne", "ugt", "ult", "sgt", "sle"];
                    let p = preds[self.rng.below(preds.len())];
                    self.emit(&format!("{c} = icmp {p} {ty} {a}, {b}"));
                }
                let x = self.operand(scope, t);
                self.emit(&format!("{v} = select <{n} x i1> {c}, {ty} {a}, {ty} {x}"));
                scope.push((v, t));
            }
            4 => {
                // Shuffle two vectors of this type into one of the same
                // element type, maybe of another length.
                let m = [2, 4, 8, n][self.rng.below(4)];
                let a = self.operand(scope, t);
                let b = self.operand(scope, t);
                let mask: Vec<String> = (0..m).map(|_| format!("i32 {}", self.rng.below(2 * n as usize))).collect();
                self.emit(&format!("{v} = shufflevector {ty} {a}, {ty} {b}, <{m} x i32> <{}>", mask.join(", ")));
                scope.push((v, T::V(m, e)));
            }
            5 => {
                let a = self.operand(scope, t);
                let s = self.operand(scope, e.t());
                let idx = self.lane_index(scope, n);
                self.emit(&format!("{v} = insertelement {ty} {a}, {} {s}, i64 {idx}", e.t().ir()));
                scope.push((v, t));
            }
            6 => {
                if e.is_float() {
                    let r = self.float_intrinsic(scope, t);
                    let r = self.canon(r, t);
                    scope.push((r, t));
                } else {
                    self.int_intrinsic(scope, t, v);
                }
            }
            7 if !e.is_float() => {
                // A reduction to a scalar.
                let ops = ["add", "mul", "and", "or", "xor", "smax", "smin", "umax", "umin"];
                let op = ops[self.rng.below(ops.len())];
                let et = e.t().ir();
                let sfx = t.suffix();
                self.decls.insert(format!("declare {et} @llvm.vector.reduce.{op}.{sfx}({ty})"));
                let a = self.operand(scope, t);
                self.emit(&format!("{v} = call {et} @llvm.vector.reduce.{op}.{sfx}({ty} {a})"));
                scope.push((v, e.t()));
            }
            _ => {
                // Casts: int <-> int of other lane width, int <-> float,
                // a load of a vector.
                let a = self.operand(scope, t);
                match (e, self.rng.below(3)) {
                    (Elem::I(w), 0) => {
                        let w2 = [8, 16, 32, 64][self.rng.below(4)];
                        let op = match w2.cmp(&w) {
                            std::cmp::Ordering::Less => "trunc",
                            std::cmp::Ordering::Greater => ["zext", "sext"][self.rng.below(2)],
                            std::cmp::Ordering::Equal => {
                                self.store(scope, t);
                                return;
                            }
                        };
                        let t2 = T::V(n, Elem::I(w2));
                        self.emit(&format!("{v} = {op} {ty} {a} to {}", t2.ir()));
                        scope.push((v, t2));
                    }
                    (Elem::I(w), 1) if w >= 32 => {
                        let fe = if w == 32 { Elem::F32 } else { Elem::F64 };
                        let t2 = T::V(n, fe);
                        let op = ["sitofp", "uitofp"][self.rng.below(2)];
                        self.emit(&format!("{v} = {op} {ty} {a} to {}", t2.ir()));
                        scope.push((v, t2));
                    }
                    (Elem::F32 | Elem::F64, 0) => {
                        // Lanes out of i32 range become 0.0 first.
                        let it = T::V(n, Elem::I(32));
                        let sfx = t.suffix();
                        self.decls.insert(format!("declare {ty} @llvm.fabs.{sfx}({ty})"));
                        let (ab, ok, x) = (self.fresh(), self.fresh(), self.fresh());
                        self.emit(&format!("{ab} = call {ty} @llvm.fabs.{sfx}({ty} {a})"));
                        self.emit(&format!(
                            "{ok} = fcmp olt {ty} {ab}, {}",
                            Self::splat(t, &flit(e.t(), 2147483648.0))
                        ));
                        self.emit(&format!("{x} = select <{n} x i1> {ok}, {ty} {a}, {ty} zeroinitializer"));
                        self.emit(&format!("{v} = fptosi {ty} {x} to {}", it.ir()));
                        scope.push((v, it));
                    }
                    _ => {
                        let off = self.rng.below((BUF_BYTES - t.bytes()) / 8 + 1) * 8;
                        let p = self.fresh();
                        self.emit(&format!("{p} = getelementptr inbounds i8, ptr %buf, i64 {off}"));
                        self.emit(&format!("{v} = load {ty}, ptr {p}, align 1"));
                        let r = self.canon(v, t);
                        scope.push((r, t));
                    }
                }
            }
        }
    }

    fn stretch(&mut self, scope: &mut Vec<Val>) {
        for _ in 0..self.cfg.insts {
            self.inst(scope);
        }
    }

    /// A diamond: values from each arm meet in a phi.
    fn diamond(&mut self, scope: &mut Vec<Val>) {
        let c = self.operand(scope, T::I(1));
        let (t, e, j) = (self.new_label("t"), self.new_label("e"), self.new_label("j"));
        self.emit(&format!("br i1 {c}, label %{t}, label %{e}"));
        let ty = self.any_type();
        let mut arms = Vec::new();
        for name in [&t, &e] {
            self.start_block(name);
            let mut arm_scope = scope.clone();
            self.stretch(&mut arm_scope);
            let v = self.operand(&mut arm_scope, ty);
            arms.push((v, self.cur.clone()));
            self.emit(&format!("br label %{j}"));
        }
        self.start_block(&j);
        let p = self.fresh();
        self.emit(&format!(
            "{p} = phi {} [ {}, %{} ], [ {}, %{} ]",
            ty.ir(),
            arms[0].0,
            arms[0].1,
            arms[1].0,
            arms[1].1
        ));
        scope.push((p, ty));
    }

    /// A bounded loop of one block: a counter and one or two carried values.
    fn looop(&mut self, scope: &mut Vec<Val>) {
        let trip = if self.rng.below(2) == 0 {
            (self.rng.below(6) + 1).to_string()
        } else {
            let x = self.operand(scope, T::I(64));
            let (m, t) = (self.fresh(), self.fresh());
            self.emit(&format!("{m} = and i64 {x}, 7"));
            self.emit(&format!("{t} = add i64 {m}, 1"));
            t
        };
        let carried: Vec<(T, String)> = (0..1 + self.rng.below(2))
            .map(|_| {
                let ty = self.any_type();
                (ty, self.operand(scope, ty))
            })
            .collect();
        let pre = self.cur.clone();
        let (l, x) = (self.new_label("loop"), self.new_label("exit"));
        self.emit(&format!("br label %{l}"));
        self.start_block(&l);
        let i = self.fresh();
        let i1 = self.fresh();
        self.emit(&format!("{i} = phi i64 [ 0, %{pre} ], [ {i1}, %{l} ]"));
        let mut body = scope.clone();
        body.push((i.clone(), T::I(64)));
        let mut phis = Vec::new();
        for (ty, init) in &carried {
            let p = self.fresh();
            let next = self.fresh();
            self.emit(&format!("{p} = phi {} [ {init}, %{pre} ], [ {next}, %{l} ]", ty.ir()));
            body.push((p.clone(), *ty));
            phis.push((p, next, *ty));
        }
        // A store indexed by the counter.
        let (o, q) = (self.fresh(), self.fresh());
        self.emit(&format!("{o} = mul i64 {i}, 8"));
        self.emit(&format!("{q} = getelementptr inbounds i8, ptr %buf, i64 {o}"));
        let sv = self.operand(&mut body, T::I(64));
        self.emit(&format!("store i64 {sv}, ptr {q}, align 1"));
        self.stretch(&mut body);
        for (p, next, ty) in &phis {
            let x = self.operand(&mut body, *ty);
            let tyi = ty.ir();
            if ty.float_elem() {
                let s = self.fresh();
                self.emit(&format!("{s} = fadd {tyi} {p}, {x}"));
                let c = self.canon(s, *ty);
                self.emit(&format!("{next} = fadd {tyi} {c}, {}", Self::splat(*ty, "-0.0")));
            } else {
                let op = ["add", "xor", "mul"][self.rng.below(3)];
                self.emit(&format!("{next} = {op} {tyi} {p}, {x}"));
            }
        }
        let c = self.fresh();
        self.emit(&format!("{i1} = add i64 {i}, 1"));
        self.emit(&format!("{c} = icmp ult i64 {i1}, {trip}"));
        self.emit(&format!("br i1 {c}, label %{l}, label %{x}"));
        self.start_block(&x);
        // The body's values dominate the exit: all stay in scope.
        *scope = body;
        for (_, next, ty) in phis {
            scope.push((next, ty));
        }
    }

    /// Folds every value of `scope` into one `i64`.
    fn fold(&mut self, scope: &[Val]) -> String {
        let mut acc = "0".to_string();
        for (v, t) in scope.iter().cloned() {
            let mut parts = Vec::new();
            match t {
                T::I(_) | T::F32 | T::F64 => parts.push((v, t)),
                T::V(n, e) => {
                    for l in 0..n {
                        let x = self.fresh();
                        self.emit(&format!("{x} = extractelement {} {v}, i32 {l}", t.ir()));
                        parts.push((x, e.t()));
                    }
                }
            }
            for (x, t) in parts {
                let z = match t {
                    T::I(64) => x,
                    T::I(w) => {
                        let z = self.fresh();
                        self.emit(&format!("{z} = zext i{w} {x} to i64"));
                        z
                    }
                    T::F64 => {
                        let z = self.fresh();
                        self.emit(&format!("{z} = bitcast double {x} to i64"));
                        z
                    }
                    _ => {
                        let (b, z) = (self.fresh(), self.fresh());
                        self.emit(&format!("{b} = bitcast float {x} to i32"));
                        self.emit(&format!("{z} = zext i32 {b} to i64"));
                        z
                    }
                };
                let m = self.fresh();
                let r = self.fresh();
                self.emit(&format!("{m} = mul i64 {acc}, 31"));
                self.emit(&format!("{r} = xor i64 {m}, {z}"));
                acc = r;
            }
        }
        acc
    }

    /// Converts the `i64` `acc` to `t` (never a NaN for floats).
    fn i64_to_type(&mut self, acc: &str, t: T) -> String {
        let r = self.fresh();
        match t {
            T::I(64) => return acc.to_string(),
            T::I(w) => self.emit(&format!("{r} = trunc i64 {acc} to i{w}")),
            T::F32 | T::F64 => self.emit(&format!("{r} = sitofp i64 {acc} to {}", t.ir())),
            T::V(n, e) => {
                let s = self.i64_to_type(acc, e.t());
                let i = self.fresh();
                self.emit(&format!("{i} = insertelement {} poison, {} {s}, i64 0", t.ir(), e.t().ir()));
                let mask: Vec<String> = (0..n).map(|l| format!("i32 {}", if l % 2 == 0 { 0 } else { n })).collect();
                let other = self.constant(t);
                self.emit(&format!(
                    "{r} = shufflevector {} {i}, {} {other}, <{n} x i32> <{}>",
                    t.ir(),
                    t.ir(),
                    mask.join(", ")
                ));
            }
        }
        r
    }

    /// Writes one function: params in scope, `regions` regions, all values
    /// folded into the return value.
    fn function(&mut self, sig: &Sig, regions: usize) {
        self.next = 0;
        self.cur = "entry".into();
        let mut scope: Vec<Val> = Vec::new();
        let mut params = Vec::new();
        for (i, p) in sig.params.iter().enumerate() {
            if *p == T::I(0) {
                params.push("ptr %buf".to_string());
            } else {
                let name = format!("%p{i}");
                params.push(format!("{} {name}", p.ir()));
                scope.push((name, *p));
            }
        }
        let _ = writeln!(self.out, "define {} @{}({}) noinline {{\nentry:", sig.ret.ir(), sig.name, params.join(", "));
        if scope.is_empty() {
            scope.push(("1".into(), T::I(64)));
        }
        for _ in 0..regions {
            self.stretch(&mut scope);
            match self.rng.below(if self.cfg.loops { 3 } else { 2 }) {
                0 => {}
                1 => self.diamond(&mut scope),
                _ => self.looop(&mut scope),
            }
        }
        let acc = self.fold(&scope);
        let r = self.i64_to_type(&acc, sig.ret);
        self.emit(&format!("ret {} {r}", sig.ret.ir()));
        self.out.push_str("}\n\n");
    }
}

/// A type for a signature: any type, or no vector without
/// `vector_signatures`.
fn sig_type(g: &mut Gen) -> T {
    loop {
        let t = g.any_type();
        if g.cfg.vector_signatures || !matches!(t, T::V(..)) {
            return t;
        }
    }
}

/// A helper's signature: a few parameters of random types, or (`many`) a
/// dozen of mixed widths, floats and vectors, more than the registers hold.
fn helper_sig(g: &mut Gen, name: String, many: bool) -> Sig {
    let count = if many { 12 + g.rng.below(6) } else { g.rng.below(5) };
    let mut params = Vec::new();
    for _ in 0..count {
        let t = if g.rng.below(8) == 0 {
            T::I(0)
        } else if many && g.cfg.floats_and_vectors {
            let n = if g.cfg.vector_signatures { 9 } else { 7 };
            [T::I(8), T::I(16), T::I(32), T::I(64), T::I(1), T::F32, T::F64, T::V(4, Elem::I(32)), T::V(2, Elem::F64)]
                [g.rng.below(n)]
        } else {
            sig_type(g)
        };
        if t != T::I(0) {
            params.push(t);
        }
    }
    // Every function has the buffer (`%buf`), at a random position.
    let at = g.rng.below(params.len() + 1);
    params.insert(at, T::I(0));
    let ret = sig_type(g);
    Sig { name, params, ret }
}

fn new_gen(seed: u64, cfg: &GenConfig) -> Gen {
    Gen {
        rng: Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1),
        cfg: cfg.clone(),
        out: String::new(),
        next: 0,
        label: 0,
        cur: "entry".into(),
        decls: BTreeSet::new(),
        callees: Vec::new(),
    }
}

/// Generates a module from `seed` with the default configuration.
pub fn generate(seed: u64) -> String {
    generate_with(seed, &GenConfig::default())
}

/// Generates a module from `seed`: helpers `@g*`, then `@f`.
pub fn generate_with(seed: u64, cfg: &GenConfig) -> String {
    let mut g = new_gen(seed, cfg);
    let helpers = if cfg.helpers == 0 { 0 } else { g.rng.below(cfg.helpers + 1) };
    let many = g.rng.below(helpers.max(1));
    for h in 0..helpers {
        let sig = helper_sig(&mut g, format!("g{h}"), h == many);
        let regions = 1 + g.rng.below(2);
        g.function(&sig, regions);
        g.callees.push(sig);
    }
    let f = Sig { name: "f".into(), params: vec![T::I(64), T::I(64), T::I(0)], ret: T::I(64) };
    g.function(&f, cfg.regions);
    let mut text = String::new();
    for d in &g.decls {
        text.push_str(d);
        text.push('\n');
    }
    text.push('\n');
    text.push_str(&g.out);
    text
}

/// The inputs `main` runs `@f` on: fixed edge cases and two from `seed`.
pub fn program_inputs(seed: u64) -> [(u64, u64); 5] {
    let mut r = Rng(seed.wrapping_mul(0xD1B5_4A32_D192_ED03) | 1);
    [(0, 0), (1, u64::MAX), (i64::MIN as u64, i64::MAX as u64), (r.next_u64(), r.next_u64()), (r.next_u64() >> 40, 7)]
}

/// [`generate`] plus a `main` that, for each of [`program_inputs`], fills
/// the 128-byte buffer with `0x5a`, calls `@f`, and prints the result and an
/// FNV-1a checksum of the buffer; it returns the last result's low 6 bits.
pub fn generate_program(seed: u64) -> String {
    let mut text = format!("; jitty-difftest fuzz program, seed {seed}\n");
    text.push_str(&generate(seed));
    text.push_str(&format!(
        "@buf = global [{BUF_BYTES} x i8] zeroinitializer, align 16\n\
         @fmt = private constant [31 x i8] c\"f(%lld, %lld) = %lld buf %llx\\0A\\00\"\n\
         declare i32 @printf(ptr, ...)\n\
         declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)\n\n\
         define i64 @cksum(ptr %p) noinline {{\n\
         entry:\n  br label %loop\n\
         loop:\n  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]\n  %h = phi i64 [ -3750763034362895579, %entry ], [ %h1, %loop ]\n  %q = getelementptr i8, ptr %p, i64 %i\n  %b = load i8, ptr %q\n  %bz = zext i8 %b to i64\n  %x = xor i64 %h, %bz\n  %h1 = mul i64 %x, 1099511628211\n  %i1 = add i64 %i, 1\n  %c = icmp ult i64 %i1, {BUF_BYTES}\n  br i1 %c, label %loop, label %done\n\
         done:\n  ret i64 %h1\n}}\n\n\
         define i32 @main() {{\nentry:\n"
    ));
    let mut last = String::new();
    for (k, (a, b)) in program_inputs(seed).iter().enumerate() {
        let (a, b) = (*a as i64, *b as i64);
        let _ = write!(
            text,
            "  call void @llvm.memset.p0.i64(ptr @buf, i8 90, i64 {BUF_BYTES}, i1 false)\n\
             \x20 %r{k} = call i64 @f(i64 {a}, i64 {b}, ptr @buf)\n\
             \x20 %c{k} = call i64 @cksum(ptr @buf)\n\
             \x20 %p{k} = call i32 (ptr, ...) @printf(ptr @fmt, i64 {a}, i64 {b}, i64 %r{k}, i64 %c{k})\n"
        );
        last = format!("%r{k}");
    }
    let _ = write!(text, "  %t = trunc i64 {last} to i32\n  %x = and i32 %t, 63\n  ret i32 %x\n}}\n");
    text
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn programs_are_deterministic_and_use_every_feature() {
        assert_eq!(generate_program(7), generate_program(7));
        let all: String = (0..40).map(generate_program).collect();
        for needle in [
            "phi i64 [ 0,",
            "shufflevector",
            "insertelement",
            "extractelement",
            "fcmp",
            "call <",
            "@llvm.vector.reduce.",
            "fptosi",
            "sitofp",
            "@llvm.fma.",
            "call i64 @cksum",
            "@g0(",
        ] {
            assert!(all.contains(needle), "no {needle:?} in 40 programs");
        }
    }
}
