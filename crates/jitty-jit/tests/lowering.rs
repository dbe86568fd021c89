//! Floats, control flow, memory, atomics, vectors, calls (direct, into the
//! interpreter, variadic `snprintf` with float arguments), aggregate returns
//! and traps — each against a Rust oracle.

mod common;
use common::jit;
use jitty_sem::Trap;

#[test]
fn float_ops_and_conversions() {
    let j = jit(r#"
declare double @llvm.sqrt.f64(double)
declare double @llvm.fabs.f64(double)
declare double @llvm.pow.f64(double, double)
declare i32 @llvm.fptosi.sat.i32.f64(double)
declare i8 @llvm.fptoui.sat.i8.f64(double)
define double @arith(double %a, double %b) {
  %s = fadd double %a, %b
  %m = fmul double %s, %b
  %d = fdiv double %m, 3.0
  %r = frem double %d, 7.0
  %q = call double @llvm.sqrt.f64(double %s)
  %f = call double @llvm.fabs.f64(double %r)
  %x = fsub double %f, %q
  %p = call double @llvm.pow.f64(double %x, double 2.0)
  ret double %p
}
define float @narrow(double %a) {
  %f = fptrunc double %a to float
  %g = fmul float %f, 2.5
  ret float %g
}
define i32 @sat(double %a) {
  %r = call i32 @llvm.fptosi.sat.i32.f64(double %a)
  ret i32 %r
}
define i8 @usat(double %a) {
  %r = call i8 @llvm.fptoui.sat.i8.f64(double %a)
  ret i8 %r
}
define i64 @toint(double %a) {
  %r = fptosi double %a to i64
  ret i64 %r
}
define double @fromint(i64 %a, i32 %b) {
  %x = sitofp i64 %a to double
  %y = uitofp i32 %b to double
  %r = fadd double %x, %y
  ret double %r
}
define i8 @cmp(double %a, double %b) {
  %c1 = fcmp olt double %a, %b
  %c2 = fcmp uno double %a, %b
  %c3 = fcmp ueq double %a, %b
  %z1 = zext i1 %c1 to i8
  %z2 = zext i1 %c2 to i8
  %z3 = zext i1 %c3 to i8
  %s2 = shl i8 %z2, 1
  %s3 = shl i8 %z3, 2
  %o = or i8 %z1, %s2
  %r = or i8 %o, %s3
  ret i8 %r
}
"#);
    // SAFETY: the JIT compiled this function with exactly this signature.
    let arith: extern "C" fn(f64, f64) -> f64 = unsafe { std::mem::transmute(j.addr("arith")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let narrow: extern "C" fn(f64) -> f32 = unsafe { std::mem::transmute(j.addr("narrow")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let sat: extern "C" fn(f64) -> i32 = unsafe { std::mem::transmute(j.addr("sat")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let usat: extern "C" fn(f64) -> u8 = unsafe { std::mem::transmute(j.addr("usat")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let toint: extern "C" fn(f64) -> i64 = unsafe { std::mem::transmute(j.addr("toint")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let fromint: extern "C" fn(i64, u32) -> f64 = unsafe { std::mem::transmute(j.addr("fromint")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let cmp: extern "C" fn(f64, f64) -> u8 = unsafe { std::mem::transmute(j.addr("cmp")) };
    for (a, b) in [(1.5, 2.25), (-3.0, 0.5), (1e10, -7.125), (0.0, 0.0), (123.456, 789.0)] {
        let s: f64 = a + b;
        let expect = ((s * b / 3.0 % 7.0).abs() - s.sqrt()).powf(2.0);
        let got = arith(a, b);
        assert!(got == expect || (got.is_nan() && expect.is_nan()), "arith({a}, {b}) = {got} want {expect}");
        assert_eq!(narrow(a), (a as f32) * 2.5);
        assert_eq!(toint(a), a as i64);
        assert_eq!(fromint(a as i64, 4_000_000_000), a as i64 as f64 + 4e9);
        let c = u8::from(a < b)
            | (u8::from(a.is_nan() || b.is_nan()) << 1)
            | (u8::from(a == b || a.is_nan() || b.is_nan()) << 2);
        assert_eq!(cmp(a, b), c);
    }
    assert_eq!(cmp(f64::NAN, 1.0), 0b110);
    for x in [1e300, -1e300, f64::NAN, 42.9, -42.9, 3e9] {
        assert_eq!(sat(x), x as i32, "fptosi.sat({x})");
        assert_eq!(usat(x), x as u8, "fptoui.sat({x})");
    }
}

#[test]
fn control_flow_phi_switch_select() {
    let j = jit(r#"
define i64 @sum(i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %i1, %loop ]
  %acc = phi i64 [ 0, %entry ], [ %acc1, %loop ]
  %acc1 = add i64 %acc, %i
  %i1 = add i64 %i, 1
  %c = icmp ult i64 %i1, %n
  br i1 %c, label %loop, label %exit
exit:
  ret i64 %acc1
}
define i32 @sw(i32 %x) {
entry:
  switch i32 %x, label %d [ i32 0, label %a
                            i32 5, label %b
                            i32 100, label %b
                            i32 -7, label %c ]
a:
  br label %j
b:
  br label %j
c:
  br label %j
d:
  br label %j
j:
  %r = phi i32 [ 10, %a ], [ 20, %b ], [ 30, %c ], [ %x, %d ]
  ret i32 %r
}
define i32 @swap(i32 %n) {
entry:
  br label %loop
loop:
  %a = phi i32 [ 1, %entry ], [ %b, %loop ]
  %b = phi i32 [ 2, %entry ], [ %a, %loop ]
  %k = phi i32 [ 0, %entry ], [ %k1, %loop ]
  %k1 = add i32 %k, 1
  %c = icmp slt i32 %k1, %n
  br i1 %c, label %loop, label %out
out:
  %r = mul i32 %a, 10
  %s = add i32 %r, %b
  ret i32 %s
}
define i128 @sel(i128 %a, i128 %b) {
  %c = icmp sgt i128 %a, %b
  %r = select i1 %c, i128 %a, i128 %b
  ret i128 %r
}
"#);
    // SAFETY: the JIT compiled this function with exactly this signature.
    let sum: extern "C" fn(u64) -> u64 = unsafe { std::mem::transmute(j.addr("sum")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let sw: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(j.addr("sw")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let swap: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(j.addr("swap")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let sel: extern "C" fn(i128, i128) -> i128 = unsafe { std::mem::transmute(j.addr("sel")) };
    assert_eq!(sum(100), 4950);
    assert_eq!(sum(1), 0);
    for (x, e) in [(0, 10), (5, 20), (100, 20), (-7, 30), (3, 3), (-1, -1)] {
        assert_eq!(sw(x), e, "switch {x}");
    }
    // The phi swap needs parallel-copy semantics.
    assert_eq!(swap(1), 12);
    assert_eq!(swap(2), 21);
    assert_eq!(swap(3), 12);
    assert_eq!(sel(-5, 3), 3);
    assert_eq!(sel(i128::MAX, i128::MIN), i128::MAX);
}

#[test]
fn memory_alloca_gep_memcpy_globals() {
    let j = jit(r#"
%S = type { i8, i64, [3 x i24] }
@g = global [4 x i32] [i32 1, i32 2, i32 3, i32 4]
@h = global %S zeroinitializer
declare void @llvm.memcpy.p0.p0.i64(ptr, ptr, i64, i1)
declare void @llvm.memset.p0.i64(ptr, i8, i64, i1)
define i64 @f(i64 %i) {
  %buf = alloca [16 x i64], align 16
  call void @llvm.memset.p0.i64(ptr %buf, i8 0, i64 128, i1 false)
  %p = getelementptr inbounds [16 x i64], ptr %buf, i64 0, i64 %i
  store i64 77, ptr %p
  %q = getelementptr inbounds i64, ptr %buf, i64 %i
  %v = load i64, ptr %q
  %gp = getelementptr [4 x i32], ptr @g, i64 0, i64 2
  %gv = load i32, ptr %gp
  %gz = zext i32 %gv to i64
  %r = add i64 %v, %gz
  %f2 = getelementptr %S, ptr @h, i64 0, i32 2, i64 1
  store i24 -1, ptr %f2
  %f1 = getelementptr %S, ptr @h, i64 0, i32 1
  store i64 %r, ptr %f1
  %dst = getelementptr i8, ptr %buf, i64 64
  call void @llvm.memcpy.p0.p0.i64(ptr %dst, ptr @h, i64 32, i1 false)
  %back = getelementptr i8, ptr %buf, i64 72
  %w = load i64, ptr %back
  %n = alloca i8, i64 %i, align 8
  store i8 5, ptr %n
  %nv = load i8, ptr %n
  %nz = zext i8 %nv to i64
  %t = add i64 %w, %nz
  ret i64 %t
}
"#);
    // SAFETY: signature matches the IR definition.
    let f: extern "C" fn(u64) -> u64 = unsafe { std::mem::transmute(j.addr("f")) };
    assert_eq!(f(3), 77 + 3 + 5);
    let h = j.image.global_addr(
        j.module
            .symbol("h")
            .map(|s| match s {
                jitty_ir::Symbol::Global(g) => g,
                _ => unreachable!(),
            })
            .unwrap(),
    );
    // SAFETY: @h is a live 24-byte global; i24 field 1 is at offset 16 + 4.
    let bytes = unsafe { std::slice::from_raw_parts(h as *const u8, 28) };
    assert_eq!(&bytes[20..24], &[0xff, 0xff, 0xff, 0], "i24 store writes exactly three bytes");
}

#[test]
fn atomics() {
    let j = jit(r#"
define i64 @f(ptr %p) {
  %a = atomicrmw add ptr %p, i64 5 seq_cst
  %b = atomicrmw xchg ptr %p, i64 100 acq_rel
  %c = atomicrmw max ptr %p, i64 -3 monotonic
  %d = atomicrmw umin ptr %p, i64 50 seq_cst
  %x = cmpxchg ptr %p, i64 50, i64 7 seq_cst seq_cst
  %xv = extractvalue { i64, i1 } %x, 0
  %xo = extractvalue { i64, i1 } %x, 1
  %y = cmpxchg ptr %p, i64 50, i64 9 seq_cst seq_cst
  %yo = extractvalue { i64, i1 } %y, 1
  fence seq_cst
  %l = load atomic i64, ptr %p acquire, align 8
  store atomic i64 %l, ptr %p release, align 8
  %s1 = add i64 %a, %b
  %s2 = add i64 %s1, %c
  %s3 = add i64 %s2, %d
  %s4 = add i64 %s3, %xv
  %z1 = zext i1 %xo to i64
  %z2 = zext i1 %yo to i64
  %s5 = mul i64 %z1, 1000
  %s6 = mul i64 %z2, 10000
  %s7 = add i64 %s4, %s5
  %s8 = add i64 %s7, %s6
  %s9 = add i64 %s8, %l
  ret i64 %s9
}
"#);
    // SAFETY: signature matches the IR definition.
    let f: extern "C" fn(*mut i64) -> i64 = unsafe { std::mem::transmute(j.addr("f")) };
    let mut cell = 10i64;
    // a=10 (->15), b=15 (->100), c=100 (max(100,-3)=100), d=100 (->50), x: 50 -> 7 ok, y fails, l=7
    assert_eq!(f(&mut cell), 10 + 15 + 100 + 100 + 50 + 1000 + 7);
    assert_eq!(cell, 7);
}

/// Atomic stores follow the x86-64 mapping LLVM uses: weaker than seq_cst
/// a plain `mov` (TSO gives it release semantics), seq_cst with a full
/// fence. Each store still writes its value.
#[test]
#[cfg(target_arch = "x86_64")]
fn atomic_stores_map_to_mov_and_only_seq_cst_fences() {
    let src = |ord: &str| {
        format!("define void @f(ptr %p, i32 %v) {{\n  store atomic i32 %v, ptr %p {ord}, align 4\n  ret void\n}}\n")
    };
    for (ord, fenced) in [("monotonic", false), ("release", false), ("unordered", false), ("seq_cst", true)] {
        let text = src(ord);
        let module = std::sync::Arc::new(jitty_llvm::parse_module(&text, "t.ll").expect("parse"));
        let image = common::image(module.clone());
        let f = module.func_by_name("f").unwrap();
        let opts = jitty_jit::JitOptions { dump_asm: true, ..Default::default() };
        let unit = jitty_jit::compile_unit(&module, &[f], &*image, &opts).expect("jit");
        let asm = unit.functions()[0].asm.clone().expect("disassembly");
        assert_eq!(asm.contains("mfence") || asm.contains("xchg"), fenced, "{ord}:\n{asm}");
        // SAFETY: signature matches the IR definition.
        let run: extern "C" fn(*mut i32, i32) = unsafe { std::mem::transmute(unit.addr(f).unwrap()) };
        let mut cell = 0i32;
        run(&mut cell, 41);
        assert_eq!(cell, 41, "{ord}");
    }
}

#[test]
fn vectors_scalarized() {
    let j = jit(r#"
declare i32 @llvm.vector.reduce.add.v4i32(<4 x i32>)
define i32 @f(ptr %p, ptr %q) {
  %a = load <4 x i32>, ptr %p, align 16
  %b = load <4 x i32>, ptr %q, align 16
  %s = add <4 x i32> %a, %b
  %m = mul <4 x i32> %s, <i32 1, i32 2, i32 3, i32 4>
  %sh = shufflevector <4 x i32> %m, <4 x i32> %a, <4 x i32> <i32 3, i32 2, i32 5, i32 0>
  %e = extractelement <4 x i32> %sh, i64 1
  %ins = insertelement <4 x i32> %sh, i32 %e, i32 3
  %c = icmp sgt <4 x i32> %ins, <i32 10, i32 10, i32 10, i32 10>
  %sel = select <4 x i1> %c, <4 x i32> %ins, <4 x i32> zeroinitializer
  store <4 x i32> %sel, ptr %p, align 16
  %bc = bitcast <4 x i32> %sel to <2 x i64>
  %hi = extractelement <2 x i64> %bc, i32 1
  %hit = trunc i64 %hi to i32
  %r = call i32 @llvm.vector.reduce.add.v4i32(<4 x i32> %sel)
  %t = add i32 %r, %hit
  ret i32 %t
}
"#);
    // SAFETY: signature matches the IR definition.
    let f: extern "C" fn(*mut [i32; 4], *const [i32; 4]) -> i32 = unsafe { std::mem::transmute(j.addr("f")) };
    let a = [1i32, 2, 3, 4];
    let b = [10i32, 20, 30, 40];
    let mut pa = a;
    let s: Vec<i32> = (0..4).map(|i| (a[i] + b[i]) * (i as i32 + 1)).collect();
    let all = [s[0], s[1], s[2], s[3], a[0], a[1], a[2], a[3]];
    let mut sh = [all[3], all[2], all[5], all[0]];
    sh[3] = sh[1];
    let sel: Vec<i32> = sh.iter().map(|&v| if v > 10 { v } else { 0 }).collect();
    let expect = sel.iter().sum::<i32>() + sel[2];
    assert_eq!(f(&mut pa, &b), expect);
    assert_eq!(pa.to_vec(), sel);
}

#[test]
fn calls_aggregates_and_snprintf() {
    let j = jit(r#"
declare i32 @snprintf(ptr, i64, ptr, ...)
@fmt = private constant [20 x i8] c"%d|%.3f|%s|%g|%lld|\00"
@word = private constant [4 x i8] c"abc\00"
@fmt2 = private constant [15 x i8] c"%d|%.3f|%s|%g|\00"
define { i64, i64 } @pair(i64 %a, i64 %b) {
  %x = insertvalue { i64, i64 } poison, i64 %a, 0
  %y = insertvalue { i64, i64 } %x, i64 %b, 1
  ret { i64, i64 } %y
}
define i64 @use_pair(i64 %a) {
  %p = call { i64, i64 } @pair(i64 %a, i64 7)
  %x = extractvalue { i64, i64 } %p, 0
  %y = extractvalue { i64, i64 } %p, 1
  %q = call i64 @square(i64 %y)
  %r = mul i64 %x, 1000
  %s = add i64 %r, %q
  ret i64 %s
}
define i64 @square(i64 %x) {
  %r = mul i64 %x, %x
  ret i64 %r
}
define i32 @fmt_it(ptr %buf, i32 %n, double %d) {
  %h = fmul double %d, 2.0
  %r = call i32 (ptr, i64, ptr, ...) @snprintf(ptr %buf, i64 64, ptr @fmt, i32 %n, double %d, ptr @word, double %h, i64 -5)
  ret i32 %r
}
define i32 @fmt_indirect(ptr %buf, ptr %f, double %d) {
  %r = call i32 (ptr, i64, ptr, ...) %f(ptr %buf, i64 64, ptr @fmt2, i32 1, double %d, ptr @word, double %d)
  ret i32 %r
}
"#);
    #[repr(C)]
    #[derive(Debug, PartialEq)]
    struct Pair(u64, u64);
    // SAFETY: the JIT compiled this function with exactly this signature.
    let pair: extern "C" fn(u64, u64) -> Pair = unsafe { std::mem::transmute(j.addr("pair")) };
    assert_eq!(pair(3, 4), Pair(3, 4));
    // SAFETY: the JIT compiled this function with exactly this signature.
    let use_pair: extern "C" fn(u64) -> u64 = unsafe { std::mem::transmute(j.addr("use_pair")) };
    assert_eq!(use_pair(5), 5049, "JIT -> JIT aggregate return and call");
    // SAFETY: the JIT compiled this function with exactly this signature.
    let fmt_it: extern "C" fn(*mut u8, i32, f64) -> i32 = unsafe { std::mem::transmute(j.addr("fmt_it")) };
    let mut buf = [0u8; 64];
    let n = fmt_it(buf.as_mut_ptr(), 42, 1.23456);
    let expect = "42|1.235|abc|2.46912|-5|";
    assert_eq!(std::str::from_utf8(&buf[..n as usize]).unwrap(), expect);
    // SAFETY: the JIT compiled this function with exactly this signature.
    let fmt_ind: extern "C" fn(*mut u8, usize, f64) -> i32 = unsafe { std::mem::transmute(j.addr("fmt_indirect")) };
    let mut buf = [0u8; 64];
    let n = fmt_ind(buf.as_mut_ptr(), libc::snprintf as *const () as usize, 0.5);
    assert_eq!(std::str::from_utf8(&buf[..n as usize]).unwrap(), "1|0.500|abc|0.5|");
}

#[test]
fn traps_return_through_a_defined_path() {
    let j = jit(r#"
define i32 @div(i32 %a, i32 %b) {
  %r = sdiv i32 %a, %b
  ret i32 %r
}
define i32 @outer(i32 %a, i32 %b) {
  %r = call i32 @div(i32 %a, i32 %b)
  %s = add i32 %r, 1
  ret i32 %s
}
define void @unreach() {
  unreachable
}
"#);
    // SAFETY: the JIT compiled this function with exactly this signature.
    let outer: extern "C" fn(i32, i32) -> i32 = unsafe { std::mem::transmute(j.addr("outer")) };
    // SAFETY: the JIT compiled this function with exactly this signature.
    let unreach: extern "C" fn() = unsafe { std::mem::transmute(j.addr("unreach")) };
    assert_eq!(outer(10, 3), 4);
    assert!(jitty_jit::take_trap().is_none());
    assert_eq!(outer(10, 0), 0, "the trap unwinds outer too");
    let t = jitty_jit::take_trap().expect("trap recorded");
    assert_eq!((t.kind, t.func.as_str()), (Trap::DivByZero, "div"));
    assert_eq!(outer(i32::MIN, -1), 0);
    assert_eq!(jitty_jit::take_trap().unwrap().kind, Trap::DivOverflow);
    unreach();
    assert_eq!(jitty_jit::take_trap().unwrap().kind, Trap::Unreachable);
    assert!(!jitty_jit::trap_pending());
}

#[test]
fn unsupported_is_reported_per_function() {
    let unit = compile_all(
        r#"
define i32 @ok(i32 %a) {
  ret i32 %a
}
define i32 @va(i32 %n, ...) {
  ret i32 %n
}
"#,
        &Default::default(),
    )
    .unwrap();
    assert_eq!(unit.functions().len(), 1);
    assert!(matches!(&unit.failures()[0], jitty_jit::JitError::Unsupported { func, .. } if func == "va"));
}

/// Compiles every definition of `text` as one unit with `opts`.
fn compile_all(text: &str, opts: &jitty_jit::JitOptions) -> jitty_jit::Result<jitty_jit::JitUnit> {
    let module = std::sync::Arc::new(jitty_llvm::parse_module(text, "t.ll").expect("parse"));
    let image = common::image(module.clone());
    let ids: Vec<_> = module.funcs_iter().filter(|(_, f)| !f.is_declaration()).map(|(id, _)| id).collect();
    jitty_jit::compile_unit(&module, &ids, &*image, opts)
}

/// A `byval` argument whose size is not a multiple of 8 (csmith's packed
/// structs) made Cranelift panic ("StructArgument size is not properly
/// aligned"); the function, and a caller passing one, are now refused as
/// unsupported, so a verifying compile still succeeds and keeps the rest.
#[test]
fn odd_sized_byval_is_refused_not_a_panic() {
    let unit = compile_all(
        r#"
%P = type <{ i8, i32 }>
define i32 @takes(ptr byval(%P) align 1 %p) {
  %a = getelementptr inbounds i8, ptr %p, i64 1
  %v = load i32, ptr %a, align 1
  ret i32 %v
}
define i32 @passes(ptr %q) {
  %r = call i32 @takes(ptr byval(%P) align 1 %q)
  ret i32 %r
}
define i32 @ok(i32 %a) {
  ret i32 %a
}
"#,
        &jitty_jit::JitOptions { verify: true, ..Default::default() },
    )
    .expect("no internal error");
    let refused: Vec<&str> = unit
        .failures()
        .iter()
        .map(|e| match e {
            jitty_jit::JitError::Unsupported { func, reason, .. } => {
                assert!(reason.contains("byval argument of 5 bytes"), "{reason}");
                func.as_str()
            }
            other => panic!("not a clean refusal: {other}"),
        })
        .collect();
    assert_eq!(refused, ["takes", "passes"]);
    assert_eq!(unit.functions().len(), 1);
}

/// Compiles `text` and returns the unit with `f`'s disassembly.
#[cfg(target_arch = "x86_64")]
fn compile_with_asm(text: &str) -> (jitty_jit::JitUnit, jitty_ir::FuncId, String) {
    let module = std::sync::Arc::new(jitty_llvm::parse_module(text, "t.ll").expect("parse"));
    let image = common::image(module.clone());
    let f = module.func_by_name("f").unwrap();
    let opts = jitty_jit::JitOptions { dump_asm: true, ..Default::default() };
    let unit = jitty_jit::compile_unit(&module, &[f], &*image, &opts).expect("jit");
    let asm = unit.functions()[0].asm.clone().expect("disassembly");
    (unit, f, asm)
}

/// A switch whose cases fill most of one range is one jump table behind no
/// other test (CoreMark's state machine: states 0 and 2..=7, state 1 is the
/// default), and every value outside the range, including values that wrap
/// around the switch's width, takes the default.
#[test]
#[cfg(target_arch = "x86_64")]
fn dense_switches_are_one_table_and_keep_their_default() {
    let cases = |ty: &str, vals: &[i64]| -> String {
        vals.iter().enumerate().map(|(k, v)| format!("    {ty} {v}, label %c{k}\n")).collect()
    };
    let arms = |ty: &str, n: usize| -> String { (0..n).map(|k| format!("c{k}:\n  ret {ty} {}\n", 100 + k)).collect() };
    for (ty, vals, probes) in [
        ("i32", vec![0i64, 2, 3, 4, 5, 6, 7], vec![-1i64, 0, 1, 2, 7, 8, 1 << 20]),
        ("i8", vec![-3, -2, -1, 0, 1], vec![-128, -4, -3, 0, 1, 2, 127]),
        ("i64", vec![1000, 1001, 1003, 1004, 1005], vec![999, 1000, 1002, 1005, 1006, 1000 + (1 << 32), -1]),
    ] {
        let text = format!(
            "define {ty} @f({ty} %x) {{\n  switch {ty} %x, label %dflt [\n{}  ]\ndflt:\n  ret {ty} 7\n{}}}\n",
            cases(ty, &vals),
            arms(ty, vals.len())
        );
        let (unit, f, asm) = compile_with_asm(&text);
        assert_eq!(asm.matches("br_table").count(), 1, "{ty}:\n{asm}");
        let before_table = &asm[..asm.find("br_table").unwrap()];
        let tests = before_table.lines().filter(|l| l.trim_start().starts_with('j') && !l.contains("jmp")).count();
        // i64 needs one range test before narrowing the index to i32.
        assert_eq!(tests, usize::from(ty == "i64"), "{ty}:\n{asm}");
        let addr = unit.addr(f).unwrap();
        for &p in &probes {
            let want = vals.iter().position(|&v| v == p).map_or(7, |k| 100 + k as i64);
            let got = match ty {
                "i8" => {
                    // SAFETY: the signature matches the IR definition.
                    let g: extern "C" fn(i8) -> i8 = unsafe { std::mem::transmute(addr) };
                    i64::from(g(p as i8))
                }
                "i32" => {
                    // SAFETY: the signature matches the IR definition.
                    let g: extern "C" fn(i32) -> i32 = unsafe { std::mem::transmute(addr) };
                    i64::from(g(p as i32))
                }
                _ => {
                    // SAFETY: the signature matches the IR definition.
                    let g: extern "C" fn(i64) -> i64 = unsafe { std::mem::transmute(addr) };
                    g(p)
                }
            };
            assert_eq!(got, want, "{ty} switch on {p}");
        }
    }
}

/// A narrow load that is extended later is one extending `mov`, even with
/// a store between the two; its own narrow value stays usable.
#[test]
#[cfg(target_arch = "x86_64")]
fn extended_loads_are_one_extending_mov() {
    let text = "define i64 @f(ptr %p, ptr %q) {
  %a = load i16, ptr %p, align 2
  %b = load i8, ptr %q, align 1
  store i16 %a, ptr %q, align 2
  %c = add i16 %a, 1
  %sa = sext i16 %a to i32
  %zb = zext i8 %b to i64
  %za = zext i16 %a to i64
  %sc = sext i16 %c to i64
  %s64 = sext i32 %sa to i64
  %t1 = add i64 %s64, %zb
  %t2 = mul i64 %za, 3
  %t3 = add i64 %t1, %t2
  %t4 = mul i64 %sc, 5
  %r = add i64 %t3, %t4
  ret i64 %r
}
";
    let (unit, f, asm) = compile_with_asm(text);
    assert!(asm.contains("movswl (") || asm.contains("movswq ("), "sext i16 load not fused:\n{asm}");
    assert!(asm.contains("movzbq ("), "zext i8 load not fused:\n{asm}");
    // SAFETY: the signature matches the IR definition.
    let run: extern "C" fn(*const i16, *mut [u8; 2]) -> i64 = unsafe { std::mem::transmute(unit.addr(f).unwrap()) };
    for (a, b) in [(0i16, 0u8), (-1, 255), (i16::MIN, 128), (i16::MAX, 1), (-2, 7)] {
        let mut q = [b, 0xAA];
        let got = run(&a, &mut q);
        let want = i64::from(a) + i64::from(b) + 3 * i64::from(a as u16) + 5 * i64::from(a.wrapping_add(1));
        assert_eq!(got, want, "a={a} b={b}");
        assert_eq!(i16::from_ne_bytes(q), a, "the narrow value stored");
    }
}

/// A loop's `while (a && b)` (clang writes it `select i1 a, i1 b, false`)
/// is two compare-and-branch pairs at the latch, not a `setcc`/`cmov`
/// computation of the condition; it stops where the C loop stops.
#[test]
#[cfg(target_arch = "x86_64")]
fn latch_and_of_conditions_is_two_branches() {
    let text = "define i64 @f(ptr %s, i64 %n) {
entry:
  br label %loop
loop:
  %i = phi i64 [ 0, %entry ], [ %next, %loop ]
  %next = add i64 %i, 1
  %p = getelementptr i8, ptr %s, i64 %next
  %c = load i8, ptr %p, align 1
  %more = icmp ne i8 %c, 0
  %room = icmp ne i64 %next, %n
  %go = select i1 %more, i1 %room, i1 false
  br i1 %go, label %loop, label %done
done:
  ret i64 %next
}
";
    let (unit, f, asm) = compile_with_asm(text);
    let computed = asm.lines().map(str::trim_start).any(|l| l.starts_with("set") || l.starts_with("cmov"));
    assert!(!computed, "condition computed, not branched on:\n{asm}");
    // SAFETY: the signature matches the IR definition.
    let run: extern "C" fn(*const u8, i64) -> i64 = unsafe { std::mem::transmute(unit.addr(f).unwrap()) };
    let s = b"xabcdef\0tail\0";
    for n in 1..12 {
        let oracle = (1..).find(|&i| s[i] == 0 || i as i64 == n).unwrap() as i64;
        assert_eq!(run(s.as_ptr(), n), oracle, "n = {n}");
    }
}

/// An edge that passes a constant to a phi materializes it on that edge
/// only: a list search whose exit passes `null` computes no zero on the
/// iterations that go on.
#[test]
#[cfg(target_arch = "x86_64")]
fn constants_passed_on_an_edge_are_made_on_that_edge() {
    let text = "define ptr @f(ptr %head, i32 %key) {
entry:
  br label %loop
loop:
  %p = phi ptr [ %head, %entry ], [ %next, %step ]
  %v.addr = getelementptr i8, ptr %p, i64 8
  %v = load i32, ptr %v.addr, align 4
  %hit = icmp eq i32 %v, %key
  br i1 %hit, label %done, label %step
step:
  %next = load ptr, ptr %p, align 8
  %end = icmp eq ptr %next, null
  br i1 %end, label %done, label %loop
done:
  %r = phi ptr [ %p, %loop ], [ null, %step ]
  ret ptr %r
}
";
    let (unit, f, asm) = compile_with_asm(text);
    // Per block of the listing: a block that makes a zero must not be one
    // that decides whether the loop goes on.
    for block in asm.split("\nblock").skip(1) {
        let lines: Vec<&str> = block.lines().map(str::trim_start).collect();
        let zeroes = lines.iter().any(|l| l.starts_with("xor"));
        let branches = lines.iter().any(|l| l.starts_with('j') && !l.starts_with("jmp"));
        assert!(!(zeroes && branches), "null made before the loop's branch:\n{asm}");
    }
    // SAFETY: the signature matches the IR definition.
    let run: extern "C" fn(*const Node, i32) -> *const Node = unsafe { std::mem::transmute(unit.addr(f).unwrap()) };
    #[repr(C)]
    struct Node {
        next: *const Node,
        v: i32,
    }
    let c = Node { next: std::ptr::null(), v: 3 };
    let b = Node { next: &c, v: 2 };
    let a = Node { next: &b, v: 1 };
    for (key, want) in [(1, &a as *const Node), (2, &b), (3, &c), (4, std::ptr::null())] {
        assert_eq!(run(&a, key), want, "key {key}");
    }
}

/// Fences follow LLVM's x86-64 mapping: seq_cst is a locked `or` into the
/// stack (no `mfence`), weaker fences emit no barrier instruction but still
/// keep two loads of one address on either side of them apart.
#[test]
#[cfg(target_arch = "x86_64")]
fn fences_map_like_llvm_and_stay_compiler_barriers() {
    for ord in ["acquire", "release", "acq_rel", "seq_cst"] {
        let text = format!(
            "define i32 @f(ptr %p) {{\n  %a = load i32, ptr %p, align 4\n  fence {ord}\n  %b = load i32, ptr %p, align 4\n  %d = sub i32 %b, %a\n  ret i32 %d\n}}\n"
        );
        let (unit, f, asm) = compile_with_asm(&text);
        assert!(!asm.contains("mfence"), "{ord}:\n{asm}");
        assert_eq!(asm.contains("lock or"), ord == "seq_cst", "{ord}:\n{asm}");
        assert_eq!(asm.matches("(%rdi)").count(), 2, "{ord}: the loads were merged across the fence:\n{asm}");
        // SAFETY: the signature matches the IR definition.
        let run: extern "C" fn(*const i32) -> i32 = unsafe { std::mem::transmute(unit.addr(f).unwrap()) };
        assert_eq!(run(&7), 0, "{ord}");
    }
}
