//! The vector-intrinsic matrix: every vector intrinsic jitty's engines
//! accept (the `Intrinsic` table of `jitty-ir`, in its vector forms), over a
//! representative set of vector shapes, on edge-case and random inputs.
//!
//! [`generate`] writes one module in which each (intrinsic, shape) pair is a
//! function `define void @NAME(ptr %in, ptr %out)`: it loads its operands
//! from `%in` (operand `k` at byte `k * V`, `V` the vector's size, align 1),
//! calls the intrinsic and stores the result at `%out`. Float results have
//! NaN replaced by one canonical quiet NaN (the sign and payload of a NaN an
//! operation creates are not specified), and the results of `minnum` and
//! `maxnum` have `-0.0` folded to `+0.0` (which zero they return for equal
//! operands is not specified). Inputs are chosen so no result is poison or
//! implementation-defined: shift amounts of `*shl.sat` are reduced modulo
//! the width, `lrint`-style conversions get in-range inputs, `fmuladd` gets
//! inputs whose products and sums are exact (fused or not, same result).
//!
//! The module's `main` runs every function on every input set of its case,
//! from constant globals, and prints `NAME K: HEX\n` per run (the output
//! bytes in hex, see [`line`]). So `lli-22`, a native build (`clang-22` of
//! the `.ll`) and `jitty exec` can run it as a program, and a test can call
//! the functions in process with the same inputs and format the same lines.

use crate::testgen::Rng;
use std::collections::BTreeSet;
use std::fmt::Write as _;

/// A vector element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Elem {
    /// `i8`.
    I8,
    /// `i16`.
    I16,
    /// `i32`.
    I32,
    /// `i64`.
    I64,
    /// `float`.
    F32,
    /// `double`.
    F64,
}

impl Elem {
    /// The IR type.
    pub fn ir(self) -> &'static str {
        match self {
            Elem::I8 => "i8",
            Elem::I16 => "i16",
            Elem::I32 => "i32",
            Elem::I64 => "i64",
            Elem::F32 => "float",
            Elem::F64 => "double",
        }
    }
    /// Size in bytes.
    pub fn bytes(self) -> usize {
        match self {
            Elem::I8 => 1,
            Elem::I16 => 2,
            Elem::I32 | Elem::F32 => 4,
            Elem::I64 | Elem::F64 => 8,
        }
    }
    /// Width in bits.
    pub fn bits(self) -> u32 {
        self.bytes() as u32 * 8
    }
    /// Whether it is a float type.
    pub fn is_float(self) -> bool {
        matches!(self, Elem::F32 | Elem::F64)
    }
    /// The mangling suffix (`i32`, `f64`).
    pub fn suffix(self) -> String {
        if self.is_float() { format!("f{}", self.bits()) } else { format!("i{}", self.bits()) }
    }
    /// The integer type of the same width.
    pub fn int_of_same_width(self) -> Elem {
        match self.bytes() {
            1 => Elem::I8,
            2 => Elem::I16,
            4 => Elem::I32,
            _ => Elem::I64,
        }
    }
}

/// A vector shape: lanes of one element type.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Shape {
    /// Number of lanes.
    pub lanes: u32,
    /// Element type.
    pub elem: Elem,
}

impl Shape {
    /// `<N x T>`.
    pub fn ty(self) -> String {
        format!("<{} x {}>", self.lanes, self.elem.ir())
    }
    /// `vNT`, as in intrinsic names.
    pub fn suffix(self) -> String {
        format!("v{}{}", self.lanes, self.elem.suffix())
    }
    /// Size in bytes.
    pub fn bytes(self) -> usize {
        self.lanes as usize * self.elem.bytes()
    }
    /// The same lanes of another element type.
    pub fn with(self, elem: Elem) -> Shape {
        Shape { elem, ..self }
    }
    /// A constant vector with every lane `lit`.
    pub fn splat(self, lit: &str) -> String {
        let lanes: Vec<String> = (0..self.lanes).map(|_| format!("{} {lit}", self.elem.ir())).collect();
        format!("<{}>", lanes.join(", "))
    }
}

const fn sh(lanes: u32, elem: Elem) -> Shape {
    Shape { lanes, elem }
}

/// Integer shapes: packed 128-bit, narrow, 256-bit and odd lane counts.
pub const INT_SHAPES: &[Shape] = &[
    sh(16, Elem::I8),
    sh(8, Elem::I8),
    sh(8, Elem::I16),
    sh(5, Elem::I16),
    sh(4, Elem::I32),
    sh(8, Elem::I32),
    sh(3, Elem::I32),
    sh(2, Elem::I64),
    sh(4, Elem::I64),
];

/// Float shapes: packed 128-bit, narrow, 256-bit and odd lane counts.
pub const FLOAT_SHAPES: &[Shape] = &[
    sh(4, Elem::F32),
    sh(2, Elem::F32),
    sh(8, Elem::F32),
    sh(3, Elem::F32),
    sh(2, Elem::F64),
    sh(4, Elem::F64),
    sh(3, Elem::F64),
];

/// What an intrinsic takes and gives, which decides its body and inputs.
#[derive(Clone, Copy, Debug)]
pub enum Kind {
    /// `V op(V, V)`: saturating add/sub, min/max, expect.
    IntBin(&'static str),
    /// `V op(V, V)` with the shift amount reduced modulo the width.
    ShlSat(&'static str),
    /// `V op(V)`: ctpop, bitreverse, bswap.
    IntUn(&'static str),
    /// `V op(V, i1 false)`: abs, ctlz, cttz.
    IntUnFlag(&'static str),
    /// `V op(V, V, V)`: fshl, fshr.
    Funnel(&'static str),
    /// `{V, <N x i1>} op(V, V)`: the `*.with.overflow` family.
    Overflow(&'static str),
    /// `<N x i8> op(V, V)`: scmp, ucmp.
    Cmp3(&'static str),
    /// `T vector.reduce.op(V)`.
    Reduce(&'static str),
    /// `i64 experimental.cttz.elts(<N x i1>, i1 false)` on `a & 3 == 0`.
    CttzElts,
    /// `V op(V)` on floats.
    FUn(&'static str),
    /// `V op(V, V)` on floats.
    FBin(&'static str),
    /// `minnum`/`maxnum`: as `FBin`, with the result's zero sign folded.
    FMinMaxNum(&'static str),
    /// `V fma(V, V, V)`.
    Fma,
    /// `V fmuladd(V, V, V)` on exact inputs.
    FMulAdd,
    /// `V powi(V, i32)`.
    PowI,
    /// `<N x iK> fptosi.sat/fptoui.sat(V)` to the same width (`None`) or to `i8`.
    FToISat(&'static str, bool),
    /// `<N x i64> lrint/llrint/lround/llround(V)` on in-range inputs.
    FToIRound(&'static str),
    /// `<N x i1> is.fpclass(V, i32 TEST)`.
    FpClass(u32),
    /// `{V, V} modf(V)`: fractional and integral parts.
    Modf,
    /// `V expect.with.probability(V, V, double 0.5)`: its first operand.
    ExpectWithProbability,
    /// `i1 is.constant(V)` on integer and float vectors, stored as an `i8`:
    /// the operand is loaded, never a constant, so the answer is `false`.
    IsConstant,
}

impl Kind {
    fn label(self) -> String {
        match self {
            Kind::IntBin(n)
            | Kind::ShlSat(n)
            | Kind::IntUn(n)
            | Kind::IntUnFlag(n)
            | Kind::Funnel(n)
            | Kind::Overflow(n)
            | Kind::Cmp3(n)
            | Kind::FUn(n)
            | Kind::FBin(n)
            | Kind::FMinMaxNum(n)
            | Kind::FToIRound(n) => n.to_string(),
            Kind::Reduce(n) => format!("vector.reduce.{n}"),
            Kind::CttzElts => "experimental.cttz.elts".into(),
            Kind::Fma => "fma".into(),
            Kind::FMulAdd => "fmuladd".into(),
            Kind::PowI => "powi".into(),
            Kind::FToISat(n, false) => n.to_string(),
            Kind::FToISat(n, true) => format!("{n}.to.i8"),
            Kind::FpClass(t) => format!("is.fpclass.{t:#x}"),
            Kind::Modf => "modf".into(),
            Kind::ExpectWithProbability => "expect.with.probability".into(),
            Kind::IsConstant => "is.constant".into(),
        }
    }
    fn is_float(self) -> bool {
        matches!(
            self,
            Kind::FUn(_)
                | Kind::FBin(_)
                | Kind::FMinMaxNum(_)
                | Kind::Fma
                | Kind::FMulAdd
                | Kind::PowI
                | Kind::FToISat(..)
                | Kind::FToIRound(_)
                | Kind::FpClass(_)
                | Kind::Modf
        )
    }
    fn applies(self, s: Shape) -> bool {
        match self {
            Kind::IntUn("bswap") => !s.elem.is_float() && s.elem.bits() >= 16,
            // LLVM 22's x86 instruction selection crashes on
            // `llvm.canonicalize.v2f32` (and odd shapes): full vectors only.
            Kind::FUn("canonicalize") => s.elem.is_float() && matches!(s.bytes(), 16 | 32),
            Kind::IsConstant => true,
            _ => self.is_float() == s.elem.is_float(),
        }
    }
}

/// Every vector intrinsic the engines accept, as matrix rows.
pub fn kinds() -> Vec<Kind> {
    let mut k = Vec::new();
    for n in ["uadd.sat", "usub.sat", "sadd.sat", "ssub.sat", "smax", "smin", "umax", "umin"] {
        k.push(Kind::IntBin(n));
    }
    k.push(Kind::ShlSat("ushl.sat"));
    k.push(Kind::ShlSat("sshl.sat"));
    for n in ["ctpop", "bitreverse", "bswap"] {
        k.push(Kind::IntUn(n));
    }
    for n in ["abs", "ctlz", "cttz"] {
        k.push(Kind::IntUnFlag(n));
    }
    k.push(Kind::Funnel("fshl"));
    k.push(Kind::Funnel("fshr"));
    for n in ["sadd", "uadd", "ssub", "usub", "smul", "umul"] {
        k.push(Kind::Overflow(n));
    }
    k.push(Kind::Cmp3("scmp"));
    k.push(Kind::Cmp3("ucmp"));
    for n in ["add", "mul", "and", "or", "xor", "smax", "smin", "umax", "umin"] {
        k.push(Kind::Reduce(n));
    }
    k.push(Kind::CttzElts);
    for n in [
        "fabs",
        "sqrt",
        "floor",
        "ceil",
        "trunc",
        "round",
        "roundeven",
        "rint",
        "nearbyint",
        "canonicalize",
        "exp",
        "exp2",
        "log",
        "log2",
        "log10",
        "sin",
        "cos",
    ] {
        k.push(Kind::FUn(n));
    }
    for n in ["copysign", "minimum", "maximum", "pow"] {
        k.push(Kind::FBin(n));
    }
    k.push(Kind::FMinMaxNum("minnum"));
    k.push(Kind::FMinMaxNum("maxnum"));
    k.push(Kind::Fma);
    k.push(Kind::FMulAdd);
    k.push(Kind::PowI);
    for n in ["fptosi.sat", "fptoui.sat"] {
        k.push(Kind::FToISat(n, false));
        k.push(Kind::FToISat(n, true));
    }
    for n in ["lrint", "llrint", "lround", "llround"] {
        k.push(Kind::FToIRound(n));
    }
    for t in [0x3, 0x204, 0x60, 0x90, 0x108, 0x3ff] {
        k.push(Kind::FpClass(t));
    }
    k.push(Kind::Modf);
    // Last, so the rows above keep the inputs they had before these.
    k.push(Kind::IntBin("expect"));
    k.push(Kind::ExpectWithProbability);
    k.push(Kind::IsConstant);
    k
}

/// One function of the matrix and its input sets.
#[derive(Clone, Debug)]
pub struct Case {
    /// The function's name (without `@`).
    pub func: String,
    /// The intrinsic it calls, mangled (`llvm.usub.sat.v8i32`).
    pub intrinsic: String,
    /// The vector shape of its first operand.
    pub shape: Shape,
    /// Input buffers, one per run.
    pub inputs: Vec<Vec<u8>>,
    /// Bytes the function writes at `%out`.
    pub out_bytes: usize,
}

/// The generated module and its cases.
#[derive(Clone, Debug)]
pub struct Matrix {
    /// The `.ll` text, with `main`.
    pub ll: String,
    /// Every function, in `main`'s order.
    pub cases: Vec<Case>,
}

/// The line `main` prints for run `k` of `func` that wrote `out`.
pub fn line(func: &str, k: usize, out: &[u8]) -> String {
    let mut s = format!("{func} {k}: ");
    for b in out {
        let _ = write!(s, "{b:02x}");
    }
    s.push('\n');
    s
}

/// Input sets per case, at least: edge values, then two random.
pub const RUNS: usize = 6;

fn int_edges(bits: u32) -> Vec<u64> {
    let m = if bits == 64 { u64::MAX } else { (1u64 << bits) - 1 };
    let smax = m >> 1;
    vec![0, 1, m, smax, smax + 1, 2, smax - 1, (smax + 2) & m, 0x5555_5555_5555_5555 & m, 0x0f0f_0f0f_0f0f_0f0f & m, 3]
}

/// Float edge values as `f64` (converted to the lane type when written).
fn float_edges(elem: Elem) -> Vec<u64> {
    let d = |v: f64| v.to_bits();
    let mut v = vec![
        d(0.0),
        d(-0.0),
        d(1.0),
        d(-1.0),
        d(0.5),
        d(1.5),
        d(2.5),
        d(-2.5),
        d(f64::INFINITY),
        d(f64::NEG_INFINITY),
        0x7ff8_0000_0000_0000,
        0xfff8_0000_0000_0000,
        d(3.0e9),
        d(-129.0),
        d(255.5),
        d(256.0),
        d(1e-3),
    ];
    if elem == Elem::F32 {
        v.extend([d(f32::MAX as f64), d(f32::MIN_POSITIVE as f64), d(f32::from_bits(1) as f64), d(-f32::MAX as f64)]);
    } else {
        v.extend([d(f64::MAX), d(f64::MIN_POSITIVE), 1, d(-f64::MAX)]);
    }
    v
}

/// Values in range of `i64` and exactly rounded either way.
fn ranged_edges() -> Vec<u64> {
    [0.0, -0.0, 0.5, -0.5, 1.5, 2.5, -2.5, 3.49, 1_000_000.5, -123_456.75, 7.0, -1e9]
        .iter()
        .map(|v: &f64| v.to_bits())
        .collect()
}

/// Small halves: products and sums of three are exact in `float`.
fn exact_edges() -> Vec<u64> {
    [0.0, -0.0, 1.0, -1.0, 0.5, 3.0, -7.5, 12.0, 100.25, -2.0].iter().map(|v: &f64| v.to_bits()).collect()
}

/// Writes lane value `v` (an integer, or `f64` bits for floats) of `elem`.
fn put_lane(buf: &mut Vec<u8>, elem: Elem, v: u64) {
    match elem {
        Elem::F32 => {
            let f = f64::from_bits(v);
            let bits =
                if f.is_nan() { if v >> 63 == 1 { 0xffc0_0000u32 } else { 0x7fc0_0000 } } else { (f as f32).to_bits() };
            buf.extend_from_slice(&bits.to_le_bytes());
        }
        Elem::F64 => buf.extend_from_slice(&v.to_le_bytes()),
        e => buf.extend_from_slice(&v.to_le_bytes()[..e.bytes()]),
    }
}

/// A random lane: integers of any magnitude, floats mostly moderate.
fn random_lane(rng: &mut Rng, kind: Kind, elem: Elem) -> u64 {
    match kind {
        Kind::FMulAdd => exact_edges()[rng.below(10)],
        Kind::FToIRound(_) => {
            let v = (rng.next_u64() % 4_000_000) as f64 / 4.0 - 500_000.0;
            v.to_bits()
        }
        _ if elem.is_float() => {
            let r = rng.next_u64();
            let v = ((r >> 8) % 20_001) as f64 / 16.0 - 625.0;
            if r.is_multiple_of(5) { (v * 1.0e6).to_bits() } else { v.to_bits() }
        }
        _ => rng.next_u64() >> rng.below(64),
    }
}

/// The input sets of a case: edge values spread over lanes in several
/// rotations, then random lanes.
fn inputs(rng: &mut Rng, kind: Kind, s: Shape, operands: usize) -> Vec<Vec<u8>> {
    let edges = match kind {
        Kind::FMulAdd => exact_edges(),
        Kind::FToIRound(_) => ranged_edges(),
        _ if s.elem.is_float() => float_edges(s.elem),
        _ => int_edges(s.elem.bits()),
    };
    let e = edges.len();
    // Enough edge runs that operand 0 takes every edge value in some lane;
    // the other operands take them in other orders.
    let edge_runs = e.div_ceil(s.lanes as usize).max(RUNS - 2);
    let mut sets = Vec::new();
    for k in 0..edge_runs + 2 {
        let mut buf = Vec::new();
        for op in 0..operands {
            if matches!(kind, Kind::PowI) && op == 1 {
                let exps = [2i32, -3, 0, 1, 5, 11, -1, 3];
                buf.extend_from_slice(&exps[k % exps.len()].to_le_bytes());
                continue;
            }
            for l in 0..s.lanes as usize {
                let v = if k < edge_runs {
                    let i = k * s.lanes as usize + l;
                    edges[(i * (2 * op + 1) + op * 7) % e]
                } else {
                    random_lane(rng, kind, s.elem)
                };
                put_lane(&mut buf, s.elem, v);
            }
        }
        sets.push(buf);
    }
    sets
}

struct Gen {
    decls: BTreeSet<String>,
    funcs: String,
}

/// The NaN-canonicalizing tail: stores `r` of shape `s` at `dst`; `tag`
/// keeps the names of one call apart from another's in the same function.
fn store_float(body: &mut String, s: Shape, r: &str, fold_zero: bool, dst: &str, tag: &str) {
    let t = s.ty();
    let mut r = r.to_string();
    if fold_zero {
        let _ = writeln!(body, "  %z{tag} = fadd {t} {r}, {}", s.splat("0.0"));
        r = format!("%z{tag}");
    }
    let _ = writeln!(body, "  %n{tag} = fcmp uno {t} {r}, {r}");
    let nan = s.splat("0x7FF8000000000000");
    let _ = writeln!(body, "  %c{tag} = select <{} x i1> %n{tag}, {t} {nan}, {t} {r}", s.lanes);
    let _ = writeln!(body, "  store {t} %c{tag}, ptr {dst}, align 1");
}

impl Gen {
    /// Writes the function of `kind` on shape `s`; returns (intrinsic, operands, out bytes).
    fn func(&mut self, name: &str, kind: Kind, s: Shape) -> (String, usize, usize) {
        let t = s.ty();
        let v = s.bytes();
        let n = s.lanes;
        let sfx = s.suffix();
        let mut body = String::new();
        let load = |body: &mut String, k: usize, ty: &str| {
            let _ = writeln!(body, "  %p{k} = getelementptr i8, ptr %in, i64 {}", k * v);
            let _ = writeln!(body, "  %a{k} = load {ty}, ptr %p{k}, align 1");
        };
        let (intr, ops, out) = match kind {
            Kind::IntBin(op) | Kind::ShlSat(op) => {
                let f = format!("llvm.{op}.{sfx}");
                self.decls.insert(format!("declare {t} @{f}({t}, {t})"));
                load(&mut body, 0, &t);
                load(&mut body, 1, &t);
                let mut b = "%a1".to_string();
                if let Kind::ShlSat(_) = kind {
                    let _ = writeln!(body, "  %m = and {t} %a1, {}", s.splat(&(s.elem.bits() - 1).to_string()));
                    b = "%m".into();
                }
                let _ = writeln!(body, "  %r = call {t} @{f}({t} %a0, {t} {b})\n  store {t} %r, ptr %out, align 1");
                (f, 2, v)
            }
            Kind::IntUn(op) => {
                let f = format!("llvm.{op}.{sfx}");
                self.decls.insert(format!("declare {t} @{f}({t})"));
                load(&mut body, 0, &t);
                let _ = writeln!(body, "  %r = call {t} @{f}({t} %a0)\n  store {t} %r, ptr %out, align 1");
                (f, 1, v)
            }
            Kind::IntUnFlag(op) => {
                let f = format!("llvm.{op}.{sfx}");
                self.decls.insert(format!("declare {t} @{f}({t}, i1)"));
                load(&mut body, 0, &t);
                let _ = writeln!(body, "  %r = call {t} @{f}({t} %a0, i1 false)\n  store {t} %r, ptr %out, align 1");
                (f, 1, v)
            }
            Kind::Funnel(op) => {
                let f = format!("llvm.{op}.{sfx}");
                self.decls.insert(format!("declare {t} @{f}({t}, {t}, {t})"));
                for k in 0..3 {
                    load(&mut body, k, &t);
                }
                let _ = writeln!(
                    body,
                    "  %r = call {t} @{f}({t} %a0, {t} %a1, {t} %a2)\n  store {t} %r, ptr %out, align 1"
                );
                (f, 3, v)
            }
            Kind::Overflow(op) => {
                let f = format!("llvm.{op}.with.overflow.{sfx}");
                let rt = format!("{{ {t}, <{n} x i1> }}");
                self.decls.insert(format!("declare {rt} @{f}({t}, {t})"));
                load(&mut body, 0, &t);
                load(&mut body, 1, &t);
                let _ = writeln!(
                    body,
                    "  %s = call {rt} @{f}({t} %a0, {t} %a1)\n  %r = extractvalue {rt} %s, 0\n  %o = extractvalue {rt} %s, 1\n  %oz = zext <{n} x i1> %o to <{n} x i8>\n  store {t} %r, ptr %out, align 1\n  %q = getelementptr i8, ptr %out, i64 {v}\n  store <{n} x i8> %oz, ptr %q, align 1"
                );
                (f, 2, v + n as usize)
            }
            Kind::Cmp3(op) => {
                let f = format!("llvm.{op}.v{n}i8.{sfx}");
                self.decls.insert(format!("declare <{n} x i8> @{f}({t}, {t})"));
                load(&mut body, 0, &t);
                load(&mut body, 1, &t);
                let _ = writeln!(
                    body,
                    "  %r = call <{n} x i8> @{f}({t} %a0, {t} %a1)\n  store <{n} x i8> %r, ptr %out, align 1"
                );
                (f, 2, n as usize)
            }
            Kind::Reduce(op) => {
                let f = format!("llvm.vector.reduce.{op}.{sfx}");
                let e = s.elem.ir();
                self.decls.insert(format!("declare {e} @{f}({t})"));
                load(&mut body, 0, &t);
                let _ = writeln!(body, "  %r = call {e} @{f}({t} %a0)\n  store {e} %r, ptr %out, align 1");
                (f, 1, s.elem.bytes())
            }
            Kind::CttzElts => {
                let f = format!("llvm.experimental.cttz.elts.i64.v{n}i1");
                self.decls.insert(format!("declare i64 @{f}(<{n} x i1>, i1)"));
                load(&mut body, 0, &t);
                let _ = writeln!(
                    body,
                    "  %m = and {t} %a0, {}\n  %c = icmp eq {t} %m, zeroinitializer\n  %r = call i64 @{f}(<{n} x i1> %c, i1 false)\n  store i64 %r, ptr %out, align 1",
                    s.splat("3")
                );
                (f, 1, 8)
            }
            Kind::FUn(op) => {
                let f = format!("llvm.{op}.{sfx}");
                self.decls.insert(format!("declare {t} @{f}({t})"));
                load(&mut body, 0, &t);
                let _ = writeln!(body, "  %r = call {t} @{f}({t} %a0)");
                store_float(&mut body, s, "%r", false, "%out", "");
                (f, 1, v)
            }
            Kind::FBin(op) | Kind::FMinMaxNum(op) => {
                let f = format!("llvm.{op}.{sfx}");
                self.decls.insert(format!("declare {t} @{f}({t}, {t})"));
                load(&mut body, 0, &t);
                load(&mut body, 1, &t);
                let _ = writeln!(body, "  %r = call {t} @{f}({t} %a0, {t} %a1)");
                store_float(&mut body, s, "%r", matches!(kind, Kind::FMinMaxNum(_)), "%out", "");
                (f, 2, v)
            }
            Kind::Fma | Kind::FMulAdd => {
                let op = if matches!(kind, Kind::Fma) { "fma" } else { "fmuladd" };
                let f = format!("llvm.{op}.{sfx}");
                self.decls.insert(format!("declare {t} @{f}({t}, {t}, {t})"));
                for k in 0..3 {
                    load(&mut body, k, &t);
                }
                let _ = writeln!(body, "  %r = call {t} @{f}({t} %a0, {t} %a1, {t} %a2)");
                store_float(&mut body, s, "%r", false, "%out", "");
                (f, 3, v)
            }
            Kind::PowI => {
                let f = format!("llvm.powi.{sfx}.i32");
                self.decls.insert(format!("declare {t} @{f}({t}, i32)"));
                load(&mut body, 0, &t);
                load(&mut body, 1, "i32");
                let _ = writeln!(body, "  %r = call {t} @{f}({t} %a0, i32 %a1)");
                store_float(&mut body, s, "%r", false, "%out", "");
                (f, 2, v)
            }
            Kind::FToISat(op, to_i8) => {
                let to = if to_i8 { s.with(Elem::I8) } else { s.with(s.elem.int_of_same_width()) };
                let rt = to.ty();
                let f = format!("llvm.{op}.{}.{sfx}", to.suffix());
                self.decls.insert(format!("declare {rt} @{f}({t})"));
                load(&mut body, 0, &t);
                let _ = writeln!(body, "  %r = call {rt} @{f}({t} %a0)\n  store {rt} %r, ptr %out, align 1");
                (f, 1, to.bytes())
            }
            Kind::FToIRound(op) => {
                let to = s.with(Elem::I64);
                let rt = to.ty();
                let f = format!("llvm.{op}.{}.{sfx}", to.suffix());
                self.decls.insert(format!("declare {rt} @{f}({t})"));
                load(&mut body, 0, &t);
                let _ = writeln!(body, "  %r = call {rt} @{f}({t} %a0)\n  store {rt} %r, ptr %out, align 1");
                (f, 1, to.bytes())
            }
            Kind::FpClass(test) => {
                let f = format!("llvm.is.fpclass.{sfx}");
                self.decls.insert(format!("declare <{n} x i1> @{f}({t}, i32)"));
                load(&mut body, 0, &t);
                let _ = writeln!(
                    body,
                    "  %r = call <{n} x i1> @{f}({t} %a0, i32 {test})\n  %z = zext <{n} x i1> %r to <{n} x i8>\n  store <{n} x i8> %z, ptr %out, align 1"
                );
                (f, 1, n as usize)
            }
            Kind::Modf => {
                let f = format!("llvm.modf.{sfx}");
                let rt = format!("{{ {t}, {t} }}");
                self.decls.insert(format!("declare {rt} @{f}({t})"));
                load(&mut body, 0, &t);
                let _ = writeln!(body, "  %s = call {rt} @{f}({t} %a0)\n  %q = getelementptr i8, ptr %out, i64 {v}");
                for (k, dst) in [(0, "%out"), (1, "%q")] {
                    let _ = writeln!(body, "  %r{k} = extractvalue {rt} %s, {k}");
                    store_float(&mut body, s, &format!("%r{k}"), false, dst, &k.to_string());
                }
                (f, 1, 2 * v)
            }
            Kind::ExpectWithProbability => {
                let f = format!("llvm.expect.with.probability.{sfx}");
                self.decls.insert(format!("declare {t} @{f}({t}, {t}, double)"));
                load(&mut body, 0, &t);
                load(&mut body, 1, &t);
                let _ = writeln!(
                    body,
                    "  %r = call {t} @{f}({t} %a0, {t} %a1, double 5.0e-01)\n  store {t} %r, ptr %out, align 1"
                );
                (f, 2, v)
            }
            Kind::IsConstant => {
                let f = format!("llvm.is.constant.{sfx}");
                self.decls.insert(format!("declare i1 @{f}({t})"));
                load(&mut body, 0, &t);
                let _ = writeln!(
                    body,
                    "  %r = call i1 @{f}({t} %a0)\n  %z = zext i1 %r to i8\n  store i8 %z, ptr %out, align 1"
                );
                (f, 1, 1)
            }
        };
        let _ = write!(self.funcs, "define void @{name}(ptr %in, ptr %out) noinline {{\n{body}  ret void\n}}\n\n");
        (intr, ops, out)
    }
}

/// Writes a `[N x i8]` constant initializer.
fn bytes_init(b: &[u8]) -> String {
    let mut s = format!("[{} x i8] c\"", b.len());
    for x in b {
        let _ = write!(s, "\\{x:02X}");
    }
    s.push('"');
    s
}

/// Generates the matrix: every row of [`kinds`] on every shape it applies to,
/// with inputs drawn from `seed`.
pub fn generate(seed: u64) -> Matrix {
    generate_filtered(seed, |_| true)
}

/// Like [`generate`], keeping only the intrinsics `keep` accepts (by mangled name).
pub fn generate_filtered(seed: u64, keep: impl Fn(&str) -> bool) -> Matrix {
    let mut rng = Rng(seed.wrapping_mul(0x9E37_79B9_7F4A_7C15) | 1);
    let mut g = Gen { decls: BTreeSet::new(), funcs: String::new() };
    let mut cases = Vec::new();
    let mut globals = String::new();
    for kind in kinds() {
        for &s in INT_SHAPES.iter().chain(FLOAT_SHAPES) {
            if !kind.applies(s) {
                continue;
            }
            let func = format!("t{}_{}", cases.len(), format!("{}_{}", kind.label(), s.suffix()).replace('.', "_"));
            let mut probe = Gen { decls: BTreeSet::new(), funcs: String::new() };
            let (intr, _, _) = probe.func(&func, kind, s);
            if !keep(&intr) {
                continue;
            }
            let (intr, operands, out_bytes) = g.func(&func, kind, s);
            let ins = inputs(&mut rng, kind, s, operands);
            for (k, b) in ins.iter().enumerate() {
                let _ = writeln!(globals, "@in_{func}_{k} = private constant {}, align 16", bytes_init(b));
            }
            let _ = writeln!(globals, "@nm_{func} = private constant {}", bytes_init(format!("{func}\0").as_bytes()));
            cases.push(Case { func, intrinsic: intr, shape: s, inputs: ins, out_bytes });
        }
    }
    let mut ll = String::from("; jitty-difftest vector-intrinsic matrix\n");
    ll.push_str(
        "@out = global [64 x i8] zeroinitializer, align 16\n\
         @fmt_head = private constant [8 x i8] c\"%s %d: \\00\"\n\
         @fmt_byte = private constant [5 x i8] c\"%02x\\00\"\n\
         declare i32 @printf(ptr, ...)\n\
         declare i32 @putchar(i32)\n\
         declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)\n",
    );
    ll.push_str(&globals);
    for d in &g.decls {
        ll.push_str(d);
        ll.push('\n');
    }
    ll.push('\n');
    ll.push_str(&g.funcs);
    ll.push_str(
        "define void @dump(ptr %name, i32 %k, i64 %n) noinline {\n\
         entry:\n  %h = call i32 (ptr, ...) @printf(ptr @fmt_head, ptr %name, i32 %k)\n  br label %loop\n\
         loop:\n  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]\n  %q = getelementptr i8, ptr @out, i64 %i\n  %b = load i8, ptr %q\n  %bz = zext i8 %b to i32\n  %w = call i32 (ptr, ...) @printf(ptr @fmt_byte, i32 %bz)\n  %i1 = add i64 %i, 1\n  %c = icmp ult i64 %i1, %n\n  br i1 %c, label %loop, label %done\n\
         done:\n  %nl = call i32 @putchar(i32 10)\n  ret void\n}\n\n",
    );
    ll.push_str("define i32 @main() {\n");
    for c in &cases {
        for k in 0..c.inputs.len() {
            let _ = writeln!(
                ll,
                "  call void @llvm.memset.p0.i64(ptr @out, i8 0, i64 64, i1 false)\n  call void @{f}(ptr @in_{f}_{k}, ptr @out)\n  call void @dump(ptr @nm_{f}, i32 {k}, i64 {n})",
                f = c.func,
                n = c.out_bytes
            );
        }
    }
    ll.push_str("  ret i32 0\n}\n");
    Matrix { ll, cases }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_case_has_inputs_of_its_operands() {
        let m = generate(1);
        assert!(m.cases.len() > 300, "{} cases", m.cases.len());
        assert!(m.cases.iter().any(|c| c.intrinsic == "llvm.usub.sat.v8i32"));
        for c in &m.cases {
            assert!(c.inputs.len() >= RUNS);
            assert!(c.out_bytes > 0 && c.out_bytes <= 64, "{}", c.func);
        }
        assert_eq!(line("f", 2, &[0, 0xab]), "f 2: 00ab\n");
    }
}
