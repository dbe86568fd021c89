//! Structural equivalence of two modules, for round-trip tests.
//!
//! Types and constants are interned in first-use order, so the same module
//! read twice (e.g. `parse(x)` and `parse(print(parse(x)))`) may number them
//! differently. [`modules_equivalent`] therefore compares by structure:
//! types and constants by their canonical LLVM spelling, instructions field by
//! field with their operands mapped by position (block index, index in
//! block), blocks by index, symbols by name. Arena order of instructions and
//! instructions not placed in any block are ignored.

use jitty_ir::printer::{const_to_string, type_to_string};
use jitty_ir::{ConstId, Function, InstId, InstKind, Module, ParamAttrs, Ty, Value};
use std::collections::HashMap;

/// Shared canonical numbering of types and constants of both modules.
#[derive(Default)]
struct Canon {
    table: HashMap<String, u32>,
}

impl Canon {
    fn id(&mut self, key: String) -> u32 {
        let n = u32::try_from(self.table.len()).unwrap_or(u32::MAX);
        *self.table.entry(key).or_insert(n)
    }

    fn ty(&mut self, m: &Module, t: Ty) -> Ty {
        Ty(self.id(format!("T:{}", type_to_string(&m.types, t))))
    }

    fn konst(&mut self, m: &Module, c: ConstId) -> ConstId {
        let ty = type_to_string(&m.types, m.constant(c).ty());
        ConstId(self.id(format!("C:{ty} {}", const_to_string(m, c))))
    }

    fn attrs(&mut self, m: &Module, a: &ParamAttrs) -> ParamAttrs {
        ParamAttrs { byval: a.byval.map(|t| self.ty(m, t)), sret: a.sret.map(|t| self.ty(m, t)), ..*a }
    }
}

/// Canonicalizes one function's instruction with operands renumbered.
fn canon_inst(cx: &mut Canon, m: &Module, pos: &HashMap<InstId, u32>, kind: &InstKind) -> InstKind {
    let mut k = kind.clone();
    let val = |cx: &mut Canon, v: &mut Value| {
        *v = match *v {
            Value::Inst(id) => Value::Inst(InstId(pos.get(&id).copied().unwrap_or(u32::MAX))),
            Value::Arg(n) => Value::Arg(n),
            Value::Const(c) => Value::Const(cx.konst(m, c)),
        }
    };
    match &mut k {
        InstKind::FNeg { val: v, .. }
        | InstKind::Cast { val: v, .. }
        | InstKind::Freeze { val: v }
        | InstKind::Resume { val: v }
        | InstKind::VaArg { list: v }
        | InstKind::CondBr { cond: v, .. }
        | InstKind::IndirectBr { addr: v, .. }
        | InstKind::Load { ptr: v, .. }
        | InstKind::ExtractValue { agg: v, .. } => val(cx, v),
        InstKind::Binary { lhs, rhs, .. }
        | InstKind::ICmp { lhs, rhs, .. }
        | InstKind::FCmp { lhs, rhs, .. }
        | InstKind::Store { val: lhs, ptr: rhs, .. }
        | InstKind::InsertValue { agg: lhs, val: rhs, .. }
        | InstKind::ExtractElement { vec: lhs, idx: rhs }
        | InstKind::ShuffleVector { a: lhs, b: rhs, .. }
        | InstKind::AtomicRmw { ptr: lhs, val: rhs, .. } => {
            val(cx, lhs);
            val(cx, rhs)
        }
        InstKind::Select { cond: a, if_true: b, if_false: c, .. }
        | InstKind::InsertElement { vec: a, elt: b, idx: c }
        | InstKind::CmpXchg { ptr: a, cmp: b, new: c, .. } => {
            val(cx, a);
            val(cx, b);
            val(cx, c)
        }
        InstKind::Phi { incoming } => incoming.iter_mut().for_each(|(v, _)| val(cx, v)),
        InstKind::Alloca { elem_ty, count, .. } => {
            *elem_ty = cx.ty(m, *elem_ty);
            val(cx, count)
        }
        InstKind::Gep { source_ty, base, indices, .. } => {
            *source_ty = cx.ty(m, *source_ty);
            val(cx, base);
            indices.iter_mut().for_each(|v| val(cx, v))
        }
        InstKind::Call { callee, fn_ty, args, arg_attrs, ret_attrs, .. }
        | InstKind::Invoke { callee, fn_ty, args, arg_attrs, ret_attrs, .. } => {
            val(cx, callee);
            *fn_ty = cx.ty(m, *fn_ty);
            args.iter_mut().for_each(|v| val(cx, v));
            for a in arg_attrs.iter_mut() {
                *a = cx.attrs(m, a);
            }
            if arg_attrs.iter().all(|a| *a == ParamAttrs::default()) {
                arg_attrs.clear();
            }
            *ret_attrs = cx.attrs(m, ret_attrs);
        }
        InstKind::LandingPad { clauses, .. } => clauses.iter_mut().for_each(|(_, v)| val(cx, v)),
        InstKind::Ret { val: v } => {
            if let Some(v) = v {
                val(cx, v)
            }
        }
        InstKind::Switch { val: v, cases, .. } => {
            val(cx, v);
            for (c, _) in cases.iter_mut() {
                *c = cx.konst(m, *c);
            }
        }
        InstKind::Fence { .. } | InstKind::Br { .. } | InstKind::Unreachable => {}
    }
    k
}

fn positions(f: &Function) -> HashMap<InstId, u32> {
    let mut pos = HashMap::new();
    let mut n = 0u32;
    for b in &f.blocks {
        for &i in &b.insts {
            pos.insert(i, n);
            n += 1;
        }
    }
    pos
}

fn check(ok: bool, what: impl FnOnce() -> String) -> Result<(), String> {
    if ok { Ok(()) } else { Err(what()) }
}

fn compare_function(cx: &mut Canon, a: &Module, fa: &Function, b: &Module, fb: &Function) -> Result<(), String> {
    let name = &fa.name;
    check(fa.name == fb.name, || format!("function name `{}` vs `{}`", fa.name, fb.name))?;
    check(cx.ty(a, fa.ty) == cx.ty(b, fb.ty), || format!("@{name}: function types differ"))?;
    check(fa.linkage == fb.linkage, || format!("@{name}: linkage differs"))?;
    check(fa.cconv == fb.cconv, || format!("@{name}: calling convention differs"))?;
    check(fa.params.len() == fb.params.len(), || format!("@{name}: parameter count differs"))?;
    for (i, (pa, pb)) in fa.params.iter().zip(&fb.params).enumerate() {
        check(cx.ty(a, pa.ty) == cx.ty(b, pb.ty), || format!("@{name}: parameter {i} type differs"))?;
        let named_in_body = !fa.is_declaration();
        check(!named_in_body || pa.name == pb.name, || format!("@{name}: parameter {i} name differs"))?;
        check(cx.attrs(a, &pa.attrs) == cx.attrs(b, &pb.attrs), || {
            format!("@{name}: parameter {i} attributes differ")
        })?;
    }
    check(cx.attrs(a, &fa.ret_attrs) == cx.attrs(b, &fb.ret_attrs), || format!("@{name}: return attributes differ"))?;
    let pers_a = fa.personality.map(|c| cx.konst(a, c));
    let pers_b = fb.personality.map(|c| cx.konst(b, c));
    check(pers_a == pers_b, || format!("@{name}: personality differs"))?;
    check(fa.align == fb.align && fa.section == fb.section, || format!("@{name}: align/section differ"))?;
    check(fa.noreturn == fb.noreturn, || format!("@{name}: noreturn differs"))?;
    check(fa.blocks.len() == fb.blocks.len(), || {
        format!("@{name}: block count {} vs {}", fa.blocks.len(), fb.blocks.len())
    })?;
    let (pa, pb) = (positions(fa), positions(fb));
    for (bi, (ba, bb)) in fa.blocks.iter().zip(&fb.blocks).enumerate() {
        check(ba.name == bb.name, || format!("@{name}: block {bi} name {:?} vs {:?}", ba.name, bb.name))?;
        check(ba.insts.len() == bb.insts.len(), || format!("@{name}: block {bi} length differs"))?;
        for (k, (&ia, &ib)) in ba.insts.iter().zip(&bb.insts).enumerate() {
            let (da, db) = (fa.inst(ia), fb.inst(ib));
            let where_ = || format!("@{name}: block {bi} instruction {k}");
            check(da.name == db.name, || format!("{}: name {:?} vs {:?}", where_(), da.name, db.name))?;
            check(cx.ty(a, da.ty) == cx.ty(b, db.ty), || format!("{}: result type differs", where_()))?;
            let ka = canon_inst(cx, a, &pa, &da.kind);
            let kb = canon_inst(cx, b, &pb, &db.kind);
            check(ka == kb, || format!("{}: {ka:?} vs {kb:?}", where_()))?;
        }
    }
    Ok(())
}

/// Compares two modules structurally; `Err` describes the first difference.
pub fn modules_equivalent(a: &Module, b: &Module) -> Result<(), String> {
    let mut cx = Canon::default();
    check(a.source_filename == b.source_filename, || "source_filename differs".into())?;
    check(a.datalayout_str == b.datalayout_str, || "datalayout differs".into())?;
    check(a.triple == b.triple, || "triple differs".into())?;
    check(a.layout == b.layout, || "parsed data layout differs".into())?;
    check(a.module_asm == b.module_asm, || "module asm differs".into())?;
    let named = |m: &Module| -> Vec<String> {
        m.types
            .named_types()
            .iter()
            .map(|&t| {
                let body = m.types.struct_fields(t).map(|(f, p)| {
                    let fs: Vec<String> = f.iter().map(|&x| type_to_string(&m.types, x)).collect();
                    format!("{p} {fs:?}")
                });
                format!("{} = {body:?}", type_to_string(&m.types, t))
            })
            .collect()
    };
    let (mut na, mut nb) = (named(a), named(b));
    na.sort();
    nb.sort();
    check(na == nb, || format!("named types differ: {na:?} vs {nb:?}"))?;
    check(a.globals.len() == b.globals.len(), || format!("global count {} vs {}", a.globals.len(), b.globals.len()))?;
    for (ga, gb) in a.globals.iter().zip(&b.globals) {
        let n = &ga.name;
        check(ga.name == gb.name, || format!("global `{}` vs `{}`", ga.name, gb.name))?;
        check(cx.ty(a, ga.value_ty) == cx.ty(b, gb.value_ty), || format!("@{n}: value type differs"))?;
        let ia = ga.init.map(|c| cx.konst(a, c));
        let ib = gb.init.map(|c| cx.konst(b, c));
        check(ia == ib, || format!("@{n}: initializer differs"))?;
        check(
            (ga.is_constant, ga.linkage, ga.align, ga.thread_local, ga.unnamed_addr, &ga.section)
                == (gb.is_constant, gb.linkage, gb.align, gb.thread_local, gb.unnamed_addr, &gb.section),
            || format!("@{n}: global attributes differ"),
        )?;
    }
    check(a.aliases.len() == b.aliases.len(), || "alias count differs".into())?;
    for (xa, xb) in a.aliases.iter().zip(&b.aliases) {
        check(xa.name == xb.name && xa.linkage == xb.linkage, || format!("alias `{}` differs", xa.name))?;
        check(cx.ty(a, xa.value_ty) == cx.ty(b, xb.value_ty), || format!("alias `{}` type differs", xa.name))?;
        check(cx.konst(a, xa.aliasee) == cx.konst(b, xb.aliasee), || format!("alias `{}` target differs", xa.name))?;
    }
    check(a.funcs.len() == b.funcs.len(), || format!("function count {} vs {}", a.funcs.len(), b.funcs.len()))?;
    for (fa, fb) in a.funcs.iter().zip(&b.funcs) {
        compare_function(&mut cx, a, fa, b, fb)?;
    }
    Ok(())
}

/// What [`check_roundtrip`] concluded about an input that did not expose a bug.
#[derive(Clone, Copy, PartialEq, Eq, Debug)]
pub enum RoundTrip {
    /// The reader rejected the input with a [`crate::ParseError`].
    Rejected,
    /// The input parsed but the verifier rejected the module.
    Invalid,
    /// The module parsed, verified, and its printed form reads back to an
    /// equivalent, valid module that prints the same text.
    Stable,
}

/// The reader's round-trip property, shared by the fuzz target and the
/// corpus regression test: any input is rejected by the reader, rejected by
/// the verifier, or has a layout for every type and prints to text that
/// re-parses to an equivalent module which verifies and prints to the same
/// text. `Err` describes a broken
/// property (a bug in the reader, the verifier or the printer); panics are
/// bugs too and are left for the caller's harness to catch.
pub fn check_roundtrip(src: &str, name: &str) -> Result<RoundTrip, String> {
    let Ok(m) = crate::parse_module(src, name) else { return Ok(RoundTrip::Rejected) };
    if jitty_ir::verify_module(&m).is_err() {
        return Ok(RoundTrip::Invalid);
    }
    // Every engine asks for sizes, alignments and field offsets: each type of
    // an accepted module has them (no unbounded recursion, no overflow).
    for i in 0..m.types.len() {
        let ty = Ty::new(i);
        let _ = (m.layout.alloc_size(&m.types, ty), m.layout.abi_align(&m.types, ty));
        let _ = m.layout.struct_layout(&m.types, ty);
    }
    let printed = jitty_ir::print_module(&m);
    let m2 = crate::parse_module(&printed, "printed")
        .map_err(|e| format!("{name}: the printed module does not parse: {e}\n{printed}"))?;
    modules_equivalent(&m, &m2).map_err(|e| format!("{name}: round trip differs: {e}\n{printed}"))?;
    if let Err(errs) = jitty_ir::verify_module(&m2) {
        return Err(format!("{name}: the printed module does not verify: {}\n{printed}", errs[0]));
    }
    let printed2 = jitty_ir::print_module(&m2);
    if printed != printed2 {
        return Err(format!("{name}: printing is not a fixed point:\n{printed}\n--- reprinted ---\n{printed2}"));
    }
    Ok(RoundTrip::Stable)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn wide_splats_print_as_splats() {
        // Found with hand-written inputs while the fuzzer ran: 100 lines of
        // `<65536 x i32> splat (i32 N)` (4 KB) printed lane by lane as 51 MB.
        // LLVM prints them as `splat`.
        let src = "@g = global <65536 x i32> splat (i32 7)\n@h = global <2 x float> <float 1.0, float 1.0>\n";
        assert_eq!(check_roundtrip(src, "t.ll"), Ok(RoundTrip::Stable));
        let printed = jitty_ir::print_module(&crate::parse_module(src, "t.ll").expect("parses"));
        assert!(printed.len() < 2 * src.len(), "printed {} bytes", printed.len());
        assert!(printed.contains("@g = global <65536 x i32> splat (i32 7)"), "{printed}");
        assert!(printed.contains("@h = global <2 x float> splat (float 0x3FF0000000000000)"), "{printed}");
        // Vectors with different lanes (and non-number lanes) print lane by lane.
        let mixed = "@a = global i8 0\n@v = global <2 x i8> <i8 1, i8 2>\n@p = global <2 x ptr> <ptr @a, ptr @a>\n";
        let printed = jitty_ir::print_module(&crate::parse_module(mixed, "t.ll").expect("parses"));
        assert!(
            printed.contains("<2 x i8> <i8 1, i8 2>") && printed.contains("<2 x ptr> <ptr @a, ptr @a>"),
            "{printed}"
        );
    }

    #[test]
    fn round_trip_verdicts() {
        assert_eq!(check_roundtrip("define", "t.ll"), Ok(RoundTrip::Rejected));
        assert_eq!(
            check_roundtrip("define i32 @f() {\nentry:\n  %a = add i32 %a, 1\n  ret i32 %a\n}\n", "t.ll"),
            Ok(RoundTrip::Invalid)
        );
        assert_eq!(check_roundtrip("@g = global i32 1\n", "t.ll"), Ok(RoundTrip::Stable));
    }
}
