//! Vector operations on every packable shape (see `jitty_jit`'s `simd`
//! module) and on shapes that stay per lane: each generated function runs on
//! the interpreter (the oracle) and as JIT code over the same random inputs,
//! and both must write the same bytes.
//!
//! (Here rather than in `jitty-jit`, which does not depend on the
//! interpreter.)

mod common;
use jitty_difftest::testgen::Rng;
use std::fmt::Write as _;

/// A vector shape under test: lanes, element type, lane bytes, float?
#[derive(Clone, Copy)]
struct Shape {
    lanes: u32,
    elem: &'static str,
    bytes: u32,
    float: bool,
}

impl Shape {
    fn ty(self) -> String {
        format!("<{} x {}>", self.lanes, self.elem)
    }
    fn with_elem(self, elem: &'static str, bytes: u32, float: bool) -> Shape {
        Shape { elem, bytes, float, ..self }
    }
    fn int_of_width(self, bytes: u32) -> Shape {
        let elem = match bytes {
            1 => "i8",
            2 => "i16",
            4 => "i32",
            _ => "i64",
        };
        self.with_elem(elem, bytes, false)
    }
    fn splat(self, v: &str) -> String {
        let lanes: Vec<String> = (0..self.lanes).map(|_| format!("{} {v}", self.elem)).collect();
        format!("<{}>", lanes.join(", "))
    }
}

const fn int(lanes: u32, elem: &'static str, bytes: u32) -> Shape {
    Shape { lanes, elem, bytes, float: false }
}
const fn flt(lanes: u32, elem: &'static str, bytes: u32) -> Shape {
    Shape { lanes, elem, bytes, float: true }
}

/// Packed full-width, packed narrow, and per-lane (`<8 x i32>`, `<3 x i32>`).
const SHAPES: &[Shape] = &[
    int(16, "i8", 1),
    int(8, "i16", 2),
    int(4, "i32", 4),
    int(2, "i64", 8),
    flt(4, "float", 4),
    flt(2, "double", 8),
    int(8, "i8", 1),
    int(4, "i16", 2),
    int(2, "i32", 4),
    int(4, "i8", 1),
    int(2, "i16", 2),
    flt(2, "float", 4),
    int(8, "i32", 4),
    int(3, "i32", 4),
];

/// The functions of one module: `(name, shape of the inputs)`.
struct Gen {
    src: String,
    funcs: Vec<(String, Shape)>,
}

impl Gen {
    /// Adds `define void @name(ptr %pa, ptr %pb, ptr %out)` whose body loads
    /// `%a` and `%b` of shape `s` and runs `body` (which stores to `%out`).
    fn func(&mut self, s: Shape, name: String, body: &str) {
        let t = s.ty();
        let _ = writeln!(
            self.src,
            "define void @{name}(ptr %pa, ptr %pb, ptr %out) {{\n  %a = load {t}, ptr %pa, align 1\n  %b = load {t}, ptr %pb, align 1\n{body}  ret void\n}}"
        );
        self.funcs.push((name, s));
    }
}

fn generate() -> Gen {
    let mut g = Gen { src: String::new(), funcs: Vec::new() };
    g.src.push_str(
        "declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>)\n\
         declare i64 @llvm.vector.reduce.xor.v2i64(<2 x i64>)\n",
    );
    for (si, &s) in SHAPES.iter().enumerate() {
        let t = s.ty();
        let e = s.elem;
        let store = |v: &str| format!("  store {t} {v}, ptr %out, align 1\n");
        let ops: &[&str] =
            if s.float { &["fadd", "fsub", "fmul", "fdiv"] } else { &["add", "sub", "mul", "and", "or", "xor"] };
        for op in ops {
            g.func(s, format!("s{si}_{op}"), &format!("  %r = {op} {t} %a, %b\n{}", store("%r")));
        }
        if s.float {
            g.func(s, format!("s{si}_fneg"), &format!("  %r = fneg {t} %a\n{}", store("%r")));
            for pred in ["oeq", "one", "olt", "ole", "ogt", "oge", "ord", "uno", "ueq", "une", "ult", "true", "false"] {
                g.func(
                    s,
                    format!("s{si}_fcmp_{pred}"),
                    &format!(
                        "  %c = fcmp {pred} {t} %a, %b\n  %r = select <{} x i1> %c, {t} %a, {t} %b\n{}",
                        s.lanes,
                        store("%r")
                    ),
                );
            }
            let it = s.int_of_width(s.bytes);
            let i = it.ty();
            g.func(
                s,
                format!("s{si}_fptosi_sitofp"),
                &format!(
                    "  %x = fptosi {t} %a to {i}\n  %y = add {i} %x, {}\n  %r = sitofp {i} %y to {t}\n{}",
                    it.splat("3"),
                    store("%r")
                ),
            );
            let fabs = format!("llvm.fabs.v{}f{}", s.lanes, s.bytes * 8);
            let sqrt = format!("llvm.sqrt.v{}f{}", s.lanes, s.bytes * 8);
            let _ = writeln!(g.src, "declare {t} @{fabs}({t})\ndeclare {t} @{sqrt}({t})");
            g.func(
                s,
                format!("s{si}_fabs_sqrt"),
                &format!("  %x = call {t} @{fabs}({t} %a)\n  %r = call {t} @{sqrt}({t} %x)\n{}", store("%r")),
            );
            if s.lanes == 2 && s.bytes == 4 {
                let d = s.with_elem("double", 8, true).ty();
                g.func(
                    s,
                    format!("s{si}_fpext_fptrunc"),
                    &format!(
                        "  %x = fpext {t} %a to {d}\n  %y = fmul {d} %x, <double 3.0, double 0.5>\n  %r = fptrunc {d} %y to {t}\n{}",
                        store("%r")
                    ),
                );
            }
            continue;
        }
        let bits = s.bytes * 8;
        for (op, k) in [("shl", 3), ("lshr", 1), ("ashr", bits - 1), ("ashr", 2)] {
            g.func(
                s,
                format!("s{si}_{op}_{k}"),
                &format!("  %r = {op} {t} %a, {}\n{}", s.splat(&k.to_string()), store("%r")),
            );
        }
        // Per-lane shift amounts (no single SIMD shift) and a division.
        let amounts: Vec<String> = (0..s.lanes).map(|i| format!("{e} {}", i % bits)).collect();
        g.func(s, format!("s{si}_shl_lanes"), &format!("  %r = shl {t} %a, <{}>\n{}", amounts.join(", "), store("%r")));
        g.func(s, format!("s{si}_udiv"), &format!("  %r = udiv {t} %a, {}\n{}", s.splat("7"), store("%r")));
        for pred in ["eq", "ne", "ugt", "uge", "ult", "ule", "sgt", "sge", "slt", "sle"] {
            g.func(
                s,
                format!("s{si}_icmp_{pred}"),
                &format!(
                    "  %c = icmp {pred} {t} %a, %b\n  %s = select <{n} x i1> %c, {t} %a, {t} %b\n  %z = zext <{n} x i1> %c to {t}\n  %x = sext <{n} x i1> %c to {t}\n  %y = xor {t} %z, %x\n  %r = add {t} %s, %y\n{}",
                    store("%r"),
                    n = s.lanes
                ),
            );
        }
        // Mask logic, and a mask from truncation.
        g.func(
            s,
            format!("s{si}_masks"),
            &format!(
                "  %c1 = icmp slt {t} %a, %b\n  %c2 = icmp ugt {t} %a, {}\n  %c3 = trunc {t} %b to <{n} x i1>\n  %m = and <{n} x i1> %c1, %c2\n  %o = or <{n} x i1> %m, %c3\n  %x = xor <{n} x i1> %o, %c1\n  %r = select <{n} x i1> %x, {t} %a, {t} zeroinitializer\n{}",
                s.splat("100"),
                store("%r"),
                n = s.lanes
            ),
        );
        if s.lanes <= 16 && bits < 64 {
            for f in ["smax", "smin", "umax", "umin"] {
                let name = format!("llvm.{f}.v{}i{bits}", s.lanes);
                let _ = writeln!(g.src, "declare {t} @{name}({t}, {t})");
                g.func(s, format!("s{si}_{f}"), &format!("  %r = call {t} @{name}({t} %a, {t} %b)\n{}", store("%r")));
            }
            let name = format!("llvm.abs.v{}i{bits}", s.lanes);
            let _ = writeln!(g.src, "declare {t} @{name}({t}, i1)");
            g.func(s, format!("s{si}_abs"), &format!("  %r = call {t} @{name}({t} %a, i1 false)\n{}", store("%r")));
        }
        // Lanes: constant and variable indices.
        let last = s.lanes - 1;
        g.func(
            s,
            format!("s{si}_lanes"),
            &format!(
                "  %x = extractelement {t} %a, i32 {last}\n  %y = extractelement {t} %b, i32 0\n  %v = insertelement {t} %a, {e} %y, i32 0\n  %w = insertelement {t} %v, {e} %x, i64 1\n  %k = and {e} %y, {m}\n  %z = extractelement {t} %b, {e} %k\n  %q = insertelement {t} %w, {e} %z, {e} %k\n{}",
                store("%q"),
                m = last
            ),
        );
        // Shuffles: reverse, interleave, splat.
        let rev: Vec<String> = (0..s.lanes).map(|i| format!("i32 {}", last - i)).collect();
        let mix: Vec<String> =
            (0..s.lanes).map(|i| format!("i32 {}", if i % 2 == 0 { i / 2 } else { s.lanes + i / 2 })).collect();
        let spl: Vec<String> = (0..s.lanes).map(|_| "i32 1".to_string()).collect();
        g.func(
            s,
            format!("s{si}_shuffles"),
            &format!(
                "  %x = shufflevector {t} %a, {t} %b, <{n} x i32> <{}>\n  %y = shufflevector {t} %x, {t} %b, <{n} x i32> <{}>\n  %z = shufflevector {t} %y, {t} poison, <{n} x i32> <{}>\n  %r = add {t} %y, %z\n{}",
                rev.join(", "),
                mix.join(", "),
                spl.join(", "),
                store("%r"),
                n = s.lanes
            ),
        );
        // Widening and narrowing within 128 bits.
        if s.bytes < 8 && s.lanes * s.bytes * 2 <= 16 {
            let w = s.int_of_width(s.bytes * 2).ty();
            g.func(
                s,
                format!("s{si}_widen"),
                &format!(
                    "  %x = sext {t} %a to {w}\n  %y = zext {t} %b to {w}\n  %p = mul {w} %x, %y\n  %r = trunc {w} %p to {t}\n  %h = lshr {w} %p, {}\n  %q = trunc {w} %h to {t}\n  %o = xor {t} %r, %q\n{}",
                    s.int_of_width(s.bytes * 2).splat(&bits.to_string()),
                    store("%o")
                ),
            );
        }
        // Loop-carried vector (phi).
        g.func(
            s,
            format!("s{si}_loop"),
            &format!(
                "  br label %loop\nloop:\n  %i = phi i32 [ 0, %0 ], [ %i1, %loop ]\n  %acc = phi {t} [ %a, %0 ], [ %acc1, %loop ]\n  %t = xor {t} %acc, %b\n  %acc1 = add {t} %t, {}\n  %i1 = add i32 %i, 1\n  %done = icmp eq i32 %i1, 5\n  br i1 %done, label %exit, label %loop\nexit:\n{}",
                s.splat("1"),
                store("%acc1")
            ),
        );
        // Bitcast to another shape of the same size.
        let size = s.lanes * s.bytes;
        if size % 4 == 0 && s.lanes != size / 4 && size <= 16 {
            let u = int(size / 4, "i32", 4).ty();
            g.func(
                s,
                format!("s{si}_bitcast"),
                &format!(
                    "  %x = bitcast {t} %a to {u}\n  %y = add {u} %x, %x\n  %r = bitcast {u} %y to {t}\n{}",
                    store("%r")
                ),
            );
        }
    }
    // Reductions and vector <-> scalar bitcasts.
    let v4 = int(4, "i32", 4);
    g.func(
        v4,
        "reduce_add".into(),
        "  %s = call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> %a)\n  store i32 %s, ptr %out, align 1\n",
    );
    let v2 = int(2, "i64", 8);
    g.func(
        v2,
        "reduce_xor_bitcast".into(),
        "  %s = call i64 @llvm.vector.reduce.xor.v2i64(<2 x i64> %a)\n  %w = bitcast <2 x i64> %b to i128\n  %h = lshr i128 %w, 60\n  %t = trunc i128 %h to i64\n  %r = add i64 %s, %t\n  store i64 %r, ptr %out, align 1\n",
    );
    g
}

/// Random input bytes for shape `s`: floats are small multiples of 1/8 (and
/// sometimes NaN or -0), integers are random or boundary lanes.
fn input(rng: &mut Rng, s: Shape) -> [u8; 32] {
    let mut buf = [0u8; 32];
    for lane in 0..s.lanes as usize {
        let off = lane * s.bytes as usize;
        let r = rng.next_u64();
        if s.float {
            let v = if r.is_multiple_of(17) {
                f64::NAN
            } else if r.is_multiple_of(13) {
                -0.0
            } else {
                ((r >> 8) % 2001) as f64 / 8.0 - 125.0
            };
            if s.bytes == 4 {
                buf[off..off + 4].copy_from_slice(&(v as f32).to_le_bytes());
            } else {
                buf[off..off + 8].copy_from_slice(&v.to_le_bytes());
            }
        } else {
            let v: u64 = match r % 6 {
                0 => 0,
                1 => u64::MAX,
                2 => 1u64 << (s.bytes * 8 - 1),
                _ => rng.next_u64(),
            };
            buf[off..off + s.bytes as usize].copy_from_slice(&v.to_le_bytes()[..s.bytes as usize]);
        }
    }
    buf
}

#[test]
fn vector_ops_agree_with_interpreter() {
    let g = generate();
    let j = common::engines(&g.src);
    let mut rng = Rng(0x5eed_cafe_f00d_1234);
    for (name, shape) in &g.funcs {
        let fid = j.module.func_by_name(name).unwrap();
        // SAFETY: every generated function is `void (ptr, ptr, ptr)`.
        let jf: extern "C" fn(*const u8, *const u8, *mut u8) = unsafe { std::mem::transmute(j.addr(name)) };
        for round in 0..24 {
            let (a, b) = (input(&mut rng, *shape), input(&mut rng, *shape));
            let mut out_i = [0xa5u8; 32];
            let mut out_j = [0xa5u8; 32];
            j.interp
                .call(fid, &[a.as_ptr() as u64, b.as_ptr() as u64, out_i.as_mut_ptr() as u64])
                .unwrap_or_else(|e| panic!("interpreter, @{name}: {e:?}"));
            jf(a.as_ptr(), b.as_ptr(), out_j.as_mut_ptr());
            assert_eq!(out_j, out_i, "@{name} round {round}: JIT differs from interpreter\na={a:?}\nb={b:?}");
        }
    }
    assert!(g.funcs.len() > 300, "{} functions", g.funcs.len());
}
