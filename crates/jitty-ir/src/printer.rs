//! Printer of a [`Module`] as textual LLVM IR that `llvm-as` accepts.
//!
//! Everything the IR holds is printed; what the reader dropped (metadata,
//! function attributes other than `noreturn`, comdats, visibility, syncscopes)
//! is not. Conventions:
//!
//! * Unnamed values follow LLVM's sequential numbering: unnamed parameters,
//!   then per block the block label and each unnamed non-void instruction get
//!   `%0`, `%1`, ... in order, so they stay unnamed when read back. Every
//!   block label is printed, the entry's too.
//! * Names that are not plain identifiers are quoted and escaped
//!   (`@"_ZN$LT$a..Sq"`, `%"5"`); a global or named type whose name is all
//!   digits is printed as a numbered entity (`@0`, `%1`).
//! * Floats are printed as exact hexadecimal (`0x3FF0000000000000`; `float`
//!   as the double that holds it; `0xK`, `0xL`, `0xM`, `0xH`, `0xR` for the
//!   other formats).
//! * Calls print the full function type only for varargs callees.
//! * `metadata` operands (kept only for calls jitty does not execute) print as
//!   `metadata !{}`.
//! * `LandingPad` clauses are `(true, v)` for `catch` and `(false, v)` for
//!   `filter`.

use crate::constant::{ConstData, ConstExpr, sign_extend};
use crate::entity::{BlockId, ConstId, Ty};
use crate::function::Function;
use crate::inst::{CallConv, Flags, InstKind, ParamAttrs, TailKind, Value};
use crate::module::{Linkage, Module};
use crate::types::{FloatKind, TypeData, TypeStore};
use std::fmt::Write;

/// Prints a whole module.
pub fn print_module(m: &Module) -> String {
    let mut out = String::new();
    if let Some(s) = &m.source_filename {
        let _ = writeln!(out, "source_filename = \"{}\"", escape_str(s.as_bytes()));
    }
    if let Some(s) = &m.datalayout_str {
        let _ = writeln!(out, "target datalayout = \"{}\"", escape_str(s.as_bytes()));
    }
    if let Some(s) = &m.triple {
        let _ = writeln!(out, "target triple = \"{}\"", escape_str(s.as_bytes()));
    }
    for line in &m.module_asm {
        let _ = writeln!(out, "module asm \"{}\"", escape_str(line.as_bytes()));
    }
    out.push('\n');
    for &ty in m.types.named_types() {
        let TypeData::Named(name) = m.types.get(ty) else { continue };
        write_name(&mut out, '%', name, true);
        out.push_str(" = type ");
        match m.types.named_body(ty).and_then(|b| b.fields.as_ref().map(|f| (f, b.packed))) {
            Some((fields, packed)) => write_struct_type(&mut out, &m.types, fields, packed),
            None => out.push_str("opaque"),
        }
        out.push('\n');
    }
    for g in &m.globals {
        write_name(&mut out, '@', &g.name, true);
        out.push_str(" = ");
        match (g.init, g.linkage) {
            (None, Linkage::External) => out.push_str("external "),
            (_, l) if l != Linkage::External => {
                out.push_str(l.keyword());
                out.push(' ');
            }
            _ => {}
        }
        if g.thread_local {
            out.push_str("thread_local ");
        }
        if g.unnamed_addr {
            out.push_str("unnamed_addr ");
        }
        out.push_str(if g.is_constant { "constant " } else { "global " });
        write_type(&mut out, &m.types, g.value_ty);
        if let Some(init) = g.init {
            out.push(' ');
            write_const(&mut out, m, init);
        }
        if let Some(s) = &g.section {
            let _ = write!(out, ", section \"{}\"", escape_str(s.as_bytes()));
        }
        if let Some(a) = g.align {
            let _ = write!(out, ", align {a}");
        }
        out.push('\n');
    }
    for a in &m.aliases {
        write_name(&mut out, '@', &a.name, true);
        out.push_str(" = ");
        if a.linkage != Linkage::External {
            out.push_str(a.linkage.keyword());
            out.push(' ');
        }
        out.push_str("alias ");
        write_type(&mut out, &m.types, a.value_ty);
        out.push_str(", ");
        write_typed_const(&mut out, m, a.aliasee);
        out.push('\n');
    }
    for f in &m.funcs {
        out.push('\n');
        write_function(&mut out, m, f);
    }
    out
}

/// Prints one function (definition or declaration).
pub fn print_function(m: &Module, f: &Function) -> String {
    let mut out = String::new();
    write_function(&mut out, m, f);
    out
}

/// Renders a type as LLVM syntax.
pub fn type_to_string(types: &TypeStore, ty: Ty) -> String {
    let mut out = String::new();
    write_type(&mut out, types, ty);
    out
}

/// Renders a constant (without its type) as LLVM syntax.
pub fn const_to_string(m: &Module, c: ConstId) -> String {
    let mut out = String::new();
    write_const(&mut out, m, c);
    out
}

/// True when `name` can be printed without quotes.
fn is_plain(name: &str) -> bool {
    !name.is_empty()
        && !name.as_bytes()[0].is_ascii_digit()
        && name.bytes().all(|c| c.is_ascii_alphanumeric() || matches!(c, b'-' | b'$' | b'.' | b'_'))
}

/// Escapes bytes for a quoted LLVM string or name.
fn escape_str(bytes: &[u8]) -> String {
    let mut s = String::with_capacity(bytes.len());
    for &c in bytes {
        if (0x20..0x7F).contains(&c) && c != b'"' && c != b'\\' {
            s.push(c as char);
        } else {
            let _ = write!(s, "\\{c:02X}");
        }
    }
    s
}

/// Writes `sigil` + name, quoting when needed. With `numbered`, an all-digit
/// name is printed as a numbered entity.
fn write_name(out: &mut String, sigil: char, name: &str, numbered: bool) {
    out.push(sigil);
    if is_plain(name) || (numbered && !name.is_empty() && name.bytes().all(|c| c.is_ascii_digit())) {
        out.push_str(name);
    } else {
        out.push('"');
        out.push_str(&escape_str(name.as_bytes()));
        out.push('"');
    }
}

fn write_struct_type(out: &mut String, types: &TypeStore, fields: &[Ty], packed: bool) {
    if packed {
        out.push('<');
    }
    if fields.is_empty() {
        out.push_str("{}");
    } else {
        out.push_str("{ ");
        for (i, &f) in fields.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            write_type(out, types, f);
        }
        out.push_str(" }");
    }
    if packed {
        out.push('>');
    }
}

fn write_type(out: &mut String, types: &TypeStore, ty: Ty) {
    match types.get(ty) {
        TypeData::Void => out.push_str("void"),
        TypeData::Int(bits) => {
            let _ = write!(out, "i{bits}");
        }
        TypeData::Float(k) => out.push_str(k.keyword()),
        TypeData::Ptr { addrspace: 0 } => out.push_str("ptr"),
        TypeData::Ptr { addrspace } => {
            let _ = write!(out, "ptr addrspace({addrspace})");
        }
        TypeData::Label => out.push_str("label"),
        TypeData::Metadata => out.push_str("metadata"),
        TypeData::Token => out.push_str("token"),
        TypeData::Opaque(s) => out.push_str(s),
        TypeData::Array { elem, len } => {
            let _ = write!(out, "[{len} x ");
            write_type(out, types, *elem);
            out.push(']');
        }
        TypeData::Vector { elem, len, scalable } => {
            out.push('<');
            if *scalable {
                out.push_str("vscale x ");
            }
            let _ = write!(out, "{len} x ");
            write_type(out, types, *elem);
            out.push('>');
        }
        TypeData::Struct { fields, packed } => write_struct_type(out, types, fields, *packed),
        TypeData::Named(name) => write_name(out, '%', name, true),
        TypeData::Func { ret, params, varargs } => {
            write_type(out, types, *ret);
            out.push_str(" (");
            for (i, &p) in params.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_type(out, types, p);
            }
            if *varargs {
                out.push_str(if params.is_empty() { "..." } else { ", ..." });
            }
            out.push(')');
        }
    }
}

/// Widens `float` bits to the `double` bits LLVM prints (exact, keeps NaN payloads).
fn f32_bits_to_f64_bits(b: u32) -> u64 {
    let sign = u64::from(b >> 31) << 63;
    let exp = (b >> 23) & 0xFF;
    let man = u64::from(b & 0x7F_FFFF);
    if exp == 0xFF {
        return sign | (0x7FFu64 << 52) | (man << 29);
    }
    if exp == 0 {
        if man == 0 {
            return sign;
        }
        // Subnormal float: normalize.
        let shift = man.leading_zeros() - 40; // leading zeros within 23 bits + 1
        let m = (man << shift) & 0x7F_FFFF;
        let e = 1023 - 126 - u64::from(shift);
        return sign | (e << 52) | (m << 29);
    }
    sign | ((u64::from(exp) + 1023 - 127) << 52) | (man << 29)
}

fn write_float(out: &mut String, kind: FloatKind, bits: u128) {
    let _ = match kind {
        FloatKind::Double => write!(out, "0x{:016X}", bits as u64),
        FloatKind::Float => write!(out, "0x{:016X}", f32_bits_to_f64_bits(bits as u32)),
        FloatKind::Half => write!(out, "0xH{:04X}", bits as u16),
        FloatKind::BFloat => write!(out, "0xR{:04X}", bits as u16),
        FloatKind::X86Fp80 => write!(out, "0xK{:04X}{:016X}", (bits >> 64) as u16, bits as u64),
        FloatKind::Fp128 => write!(out, "0xL{:016X}{:016X}", bits as u64, (bits >> 64) as u64),
        FloatKind::PpcFp128 => write!(out, "0xM{:016X}{:016X}", bits as u64, (bits >> 64) as u64),
    };
}

fn write_typed_const(out: &mut String, m: &Module, c: ConstId) {
    let ty = m.constant(c).ty();
    write_type(out, &m.types, ty);
    out.push(' ');
    write_const(out, m, c);
}

fn write_flags(out: &mut String, flags: Flags) {
    const NAMES: &[(Flags, &str)] = &[
        (Flags::INBOUNDS, "inbounds"),
        (Flags::NUSW, "nusw"),
        (Flags::NUW, "nuw"),
        (Flags::NSW, "nsw"),
        (Flags::EXACT, "exact"),
        (Flags::DISJOINT, "disjoint"),
        (Flags::SAMESIGN, "samesign"),
        (Flags::NNEG, "nneg"),
        (Flags::NNAN, "nnan"),
        (Flags::NINF, "ninf"),
        (Flags::NSZ, "nsz"),
        (Flags::ARCP, "arcp"),
        (Flags::CONTRACT, "contract"),
        (Flags::AFN, "afn"),
        (Flags::REASSOC, "reassoc"),
    ];
    for &(f, name) in NAMES {
        if flags.contains(f) {
            out.push(' ');
            out.push_str(name);
        }
    }
}

fn write_const(out: &mut String, m: &Module, c: ConstId) {
    let data = m.constant(c);
    let ty = data.ty();
    if matches!(m.types.get(ty), TypeData::Metadata) {
        out.push_str("!{}");
        return;
    }
    match data {
        ConstData::Int { ty, bits } => {
            let width = m.types.int_bits(*ty).unwrap_or(128);
            if width == 1 {
                out.push_str(if *bits & 1 == 1 { "true" } else { "false" });
            } else {
                let _ = write!(out, "{}", sign_extend(*bits, width));
            }
        }
        ConstData::WideInt { ty, words } => {
            out.push_str(&crate::constant::wide_to_literal(words, m.types.int_bits(*ty).unwrap_or(0)))
        }
        ConstData::Float { ty, bits } => write_float(out, m.types.float_kind(*ty).unwrap_or(FloatKind::Double), *bits),
        ConstData::Null(_) => out.push_str("null"),
        ConstData::Zero(_) => out.push_str("zeroinitializer"),
        ConstData::Undef(_) => out.push_str("undef"),
        ConstData::Poison(_) => out.push_str("poison"),
        ConstData::NoneToken(_) => out.push_str("none"),
        ConstData::Aggregate { ty, elems } => {
            let (open, close) = match m.types.get(*ty) {
                TypeData::Array { .. } => ("[", "]"),
                TypeData::Vector { .. } => ("<", ">"),
                _ => match m.types.struct_fields(*ty) {
                    Some((_, true)) => ("<{ ", " }>"),
                    _ => ("{ ", " }"),
                },
            };
            if elems.is_empty() {
                out.push_str(open.trim_end());
                out.push_str(close.trim_start());
                return;
            }
            // A vector of one integer or float repeated prints as `splat`, as
            // LLVM prints it; lanes one by one, a 20-byte `<65536 x i32> splat
            // (i32 1)` would print as half a megabyte.
            if open == "<"
                && elems.iter().all(|&e| e == elems[0])
                && matches!(
                    m.constant(elems[0]),
                    ConstData::Int { .. } | ConstData::WideInt { .. } | ConstData::Float { .. }
                )
            {
                out.push_str("splat (");
                write_typed_const(out, m, elems[0]);
                out.push(')');
                return;
            }
            out.push_str(open);
            for (i, &e) in elems.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                write_typed_const(out, m, e);
            }
            out.push_str(close);
        }
        ConstData::Bytes { bytes, .. } => {
            out.push_str("c\"");
            out.push_str(&escape_str(bytes));
            out.push('"');
        }
        ConstData::Global { id, .. } => write_name(out, '@', &m.global(*id).name, true),
        ConstData::Func { id, .. } => write_name(out, '@', &m.func(*id).name, true),
        ConstData::Alias { id, .. } => write_name(out, '@', &m.aliases[id.index()].name, true),
        ConstData::Expr { ty, expr } => match expr {
            ConstExpr::Gep { source_ty, base, indices, flags } => {
                out.push_str("getelementptr");
                write_flags(out, *flags);
                out.push_str(" (");
                write_type(out, &m.types, *source_ty);
                out.push_str(", ");
                write_typed_const(out, m, *base);
                for &i in indices {
                    out.push_str(", ");
                    write_typed_const(out, m, i);
                }
                out.push(')');
            }
            ConstExpr::Cast { op, val } => {
                out.push_str(op.keyword());
                out.push_str(" (");
                write_typed_const(out, m, *val);
                out.push_str(" to ");
                write_type(out, &m.types, *ty);
                out.push(')');
            }
            ConstExpr::Binary { op, lhs, rhs, flags } => {
                out.push_str(op.keyword());
                write_flags(out, *flags);
                out.push_str(" (");
                write_typed_const(out, m, *lhs);
                out.push_str(", ");
                write_typed_const(out, m, *rhs);
                out.push(')');
            }
            ConstExpr::ExtractElement { vec, idx } => {
                out.push_str("extractelement (");
                write_typed_const(out, m, *vec);
                out.push_str(", ");
                write_typed_const(out, m, *idx);
                out.push(')');
            }
            ConstExpr::InsertElement { vec, elt, idx } => {
                out.push_str("insertelement (");
                write_typed_const(out, m, *vec);
                out.push_str(", ");
                write_typed_const(out, m, *elt);
                out.push_str(", ");
                write_typed_const(out, m, *idx);
                out.push(')');
            }
            ConstExpr::ShuffleVector { a, b, mask } => {
                out.push_str("shufflevector (");
                write_typed_const(out, m, *a);
                out.push_str(", ");
                write_typed_const(out, m, *b);
                out.push_str(", ");
                write_mask(out, mask);
                out.push(')');
            }
            ConstExpr::BlockAddress { func, block } => {
                out.push_str("blockaddress(");
                write_name(out, '@', &m.func(*func).name, true);
                out.push_str(", ");
                write_name(out, '%', block, true);
                out.push(')');
            }
            ConstExpr::FuncRef { func } => {
                out.push_str("dso_local_equivalent ");
                write_name(out, '@', &m.func(*func).name, true);
            }
        },
    }
}

fn write_mask(out: &mut String, mask: &[i32]) {
    let _ = write!(out, "<{} x i32> <", mask.len());
    for (i, &l) in mask.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        if l < 0 {
            out.push_str("i32 poison");
        } else {
            let _ = write!(out, "i32 {l}");
        }
    }
    out.push('>');
}

fn write_param_attrs(out: &mut String, types: &TypeStore, a: &ParamAttrs) {
    if a.zeroext {
        out.push_str(" zeroext");
    }
    if a.signext {
        out.push_str(" signext");
    }
    if a.inreg {
        out.push_str(" inreg");
    }
    if let Some(t) = a.byval {
        out.push_str(" byval(");
        write_type(out, types, t);
        out.push(')');
    }
    if let Some(t) = a.sret {
        out.push_str(" sret(");
        write_type(out, types, t);
        out.push(')');
    }
    if let Some(al) = a.align {
        let _ = write!(out, " align {al}");
    }
}

fn write_cconv(out: &mut String, cc: CallConv) {
    match cc {
        CallConv::C => {}
        CallConv::Fast => out.push_str(" fastcc"),
        CallConv::Cold => out.push_str(" coldcc"),
        CallConv::Other(n) => {
            let _ = write!(out, " cc {n}");
        }
    }
}

/// Local names of one function under LLVM's numbering rule.
struct Names {
    params: Vec<String>,
    blocks: Vec<String>,
    insts: Vec<String>,
}

fn local_name(name: &str) -> String {
    let mut s = String::new();
    write_name(&mut s, '%', name, false);
    s
}

impl Names {
    fn new(m: &Module, f: &Function) -> Names {
        let mut next = 0u32;
        let mut fresh = || {
            let s = format!("%{next}");
            next += 1;
            s
        };
        let params = f.params.iter().map(|p| p.name.as_deref().map_or_else(&mut fresh, local_name)).collect();
        let mut blocks = Vec::with_capacity(f.blocks.len());
        let mut insts = vec![String::new(); f.insts.len()];
        for b in &f.blocks {
            blocks.push(b.name.as_deref().map_or_else(&mut fresh, local_name));
            for &i in &b.insts {
                let inst = f.inst(i);
                if m.types.is_void(inst.ty) {
                    continue;
                }
                if let Some(slot) = insts.get_mut(i.index()) {
                    *slot = inst.name.as_deref().map_or_else(&mut fresh, local_name);
                }
            }
        }
        Names { params, blocks, insts }
    }

    fn block(&self, b: BlockId) -> &str {
        self.blocks.get(b.index()).map_or("%<bad block>", String::as_str)
    }
}

/// Writes a function's header and, for a definition, its body.
fn write_function(out: &mut String, m: &Module, f: &Function) {
    let names = Names::new(m, f);
    let (ret, _, varargs) = m.types.func_sig(f.ty).unwrap_or((f.ty, &[], false));
    out.push_str(if f.is_declaration() { "declare" } else { "define" });
    if f.linkage != Linkage::External {
        out.push(' ');
        out.push_str(f.linkage.keyword());
    }
    write_cconv(out, f.cconv);
    write_param_attrs(out, &m.types, &f.ret_attrs);
    out.push(' ');
    write_type(out, &m.types, ret);
    out.push(' ');
    write_name(out, '@', &f.name, true);
    out.push('(');
    for (i, p) in f.params.iter().enumerate() {
        if i > 0 {
            out.push_str(", ");
        }
        write_type(out, &m.types, p.ty);
        write_param_attrs(out, &m.types, &p.attrs);
        if !f.is_declaration() {
            out.push(' ');
            out.push_str(&names.params[i]);
        }
    }
    if varargs {
        out.push_str(if f.params.is_empty() { "..." } else { ", ..." });
    }
    out.push(')');
    if f.noreturn {
        out.push_str(" noreturn");
    }
    if let Some(s) = &f.section {
        let _ = write!(out, " section \"{}\"", escape_str(s.as_bytes()));
    }
    if let Some(a) = f.align {
        let _ = write!(out, " align {a}");
    }
    if let Some(p) = f.personality {
        out.push_str(" personality ");
        write_typed_const(out, m, p);
    }
    if f.is_declaration() {
        out.push('\n');
        return;
    }
    out.push_str(" {\n");
    for (bi, b) in f.blocks.iter().enumerate() {
        let label = &names.blocks[bi][1..];
        let _ = writeln!(out, "{label}:");
        for &i in &b.insts {
            out.push_str("  ");
            if i.index() < f.insts.len() {
                write_inst(out, m, f, &names, i);
            } else {
                let _ = write!(out, "; <bad instruction {i}>");
            }
            out.push('\n');
        }
    }
    out.push_str("}\n");
}

struct Ctx<'a> {
    m: &'a Module,
    f: &'a Function,
    names: &'a Names,
}

impl Ctx<'_> {
    fn ty_of(&self, v: Value) -> Option<Ty> {
        match v {
            Value::Inst(id) => self.f.insts.get(id.index()).map(|i| i.ty),
            Value::Arg(n) => self.f.params.get(n as usize).map(|p| p.ty),
            Value::Const(c) => Some(self.m.constant(c).ty()),
        }
    }

    fn value(&self, out: &mut String, v: Value) {
        match v {
            Value::Inst(id) => match self.names.insts.get(id.index()) {
                Some(n) if !n.is_empty() => out.push_str(n),
                _ => {
                    let _ = write!(out, "%<bad {id}>");
                }
            },
            Value::Arg(n) => match self.names.params.get(n as usize) {
                Some(s) => out.push_str(s),
                None => {
                    let _ = write!(out, "%<bad arg {n}>");
                }
            },
            Value::Const(c) => write_const(out, self.m, c),
        }
    }

    fn typed(&self, out: &mut String, v: Value) {
        match self.ty_of(v) {
            Some(t) => write_type(out, &self.m.types, t),
            None => out.push_str("<bad type>"),
        }
        out.push(' ');
        self.value(out, v);
    }

    fn ty(&self, out: &mut String, t: Ty) {
        write_type(out, &self.m.types, t);
    }

    fn call(
        &self,
        out: &mut String,
        callee: Value,
        fn_ty: Ty,
        args: &[Value],
        arg_attrs: &[ParamAttrs],
        ret_attrs: &ParamAttrs,
    ) {
        write_param_attrs(out, &self.m.types, ret_attrs);
        out.push(' ');
        match self.m.types.func_sig(fn_ty) {
            Some((_, _, true)) => self.ty(out, fn_ty),
            Some((ret, _, false)) => self.ty(out, ret),
            None => self.ty(out, fn_ty),
        }
        out.push(' ');
        self.value(out, callee);
        out.push('(');
        for (i, &a) in args.iter().enumerate() {
            if i > 0 {
                out.push_str(", ");
            }
            match self.ty_of(a) {
                Some(t) => self.ty(out, t),
                None => out.push_str("<bad type>"),
            }
            if let Some(attrs) = arg_attrs.get(i) {
                write_param_attrs(out, &self.m.types, attrs);
            }
            out.push(' ');
            self.value(out, a);
        }
        out.push(')');
    }
}

fn write_align(out: &mut String, align: u32) {
    if align != 0 {
        let _ = write!(out, ", align {align}");
    }
}

fn write_inst(out: &mut String, m: &Module, f: &Function, names: &Names, id: crate::entity::InstId) {
    let cx = Ctx { m, f, names };
    let inst = f.inst(id);
    if !m.types.is_void(inst.ty) {
        out.push_str(&names.insts[id.index()]);
        out.push_str(" = ");
    }
    match &inst.kind {
        InstKind::FNeg { val, flags } => {
            out.push_str("fneg");
            write_flags(out, *flags);
            out.push(' ');
            cx.typed(out, *val);
        }
        InstKind::Binary { op, lhs, rhs, flags } => {
            out.push_str(op.keyword());
            write_flags(out, *flags);
            out.push(' ');
            cx.typed(out, *lhs);
            out.push_str(", ");
            cx.value(out, *rhs);
        }
        InstKind::ICmp { pred, lhs, rhs, flags } => {
            out.push_str("icmp");
            write_flags(out, *flags);
            let _ = write!(out, " {} ", pred.keyword());
            cx.typed(out, *lhs);
            out.push_str(", ");
            cx.value(out, *rhs);
        }
        InstKind::FCmp { pred, lhs, rhs, flags } => {
            out.push_str("fcmp");
            write_flags(out, *flags);
            let _ = write!(out, " {} ", pred.keyword());
            cx.typed(out, *lhs);
            out.push_str(", ");
            cx.value(out, *rhs);
        }
        InstKind::Cast { op, val, flags } => {
            out.push_str(op.keyword());
            write_flags(out, *flags);
            out.push(' ');
            cx.typed(out, *val);
            out.push_str(" to ");
            cx.ty(out, inst.ty);
        }
        InstKind::Select { cond, if_true, if_false, flags } => {
            out.push_str("select");
            write_flags(out, *flags);
            out.push(' ');
            cx.typed(out, *cond);
            out.push_str(", ");
            cx.typed(out, *if_true);
            out.push_str(", ");
            cx.typed(out, *if_false);
        }
        InstKind::Phi { incoming } => {
            out.push_str("phi ");
            cx.ty(out, inst.ty);
            for (i, (v, b)) in incoming.iter().enumerate() {
                out.push_str(if i == 0 { " [ " } else { ", [ " });
                cx.value(out, *v);
                out.push_str(", ");
                out.push_str(names.block(*b));
                out.push_str(" ]");
            }
        }
        InstKind::Alloca { elem_ty, count, align } => {
            out.push_str("alloca ");
            cx.ty(out, *elem_ty);
            let is_one = matches!(count, Value::Const(c)
                if matches!(m.constant(*c), ConstData::Int { ty, bits: 1 } if m.types.int_bits(*ty) == Some(32)));
            if !is_one {
                out.push_str(", ");
                cx.typed(out, *count);
            }
            write_align(out, *align);
        }
        InstKind::Load { ptr, align, volatile, atomic } => {
            out.push_str("load ");
            if atomic.is_some() {
                out.push_str("atomic ");
            }
            if *volatile {
                out.push_str("volatile ");
            }
            cx.ty(out, inst.ty);
            out.push_str(", ");
            cx.typed(out, *ptr);
            if let Some(o) = atomic {
                out.push(' ');
                out.push_str(o.keyword());
            }
            write_align(out, *align);
        }
        InstKind::Store { val, ptr, align, volatile, atomic } => {
            out.push_str("store ");
            if atomic.is_some() {
                out.push_str("atomic ");
            }
            if *volatile {
                out.push_str("volatile ");
            }
            cx.typed(out, *val);
            out.push_str(", ");
            cx.typed(out, *ptr);
            if let Some(o) = atomic {
                out.push(' ');
                out.push_str(o.keyword());
            }
            write_align(out, *align);
        }
        InstKind::Gep { source_ty, base, indices, flags } => {
            out.push_str("getelementptr");
            write_flags(out, *flags);
            out.push(' ');
            cx.ty(out, *source_ty);
            out.push_str(", ");
            cx.typed(out, *base);
            for &i in indices {
                out.push_str(", ");
                cx.typed(out, i);
            }
        }
        InstKind::Call { callee, fn_ty, args, arg_attrs, ret_attrs, cconv, tail, flags } => {
            out.push_str(match tail {
                TailKind::None => "call",
                TailKind::Tail => "tail call",
                TailKind::MustTail => "musttail call",
                TailKind::NoTail => "notail call",
            });
            write_flags(out, *flags);
            write_cconv(out, *cconv);
            cx.call(out, *callee, *fn_ty, args, arg_attrs, ret_attrs);
        }
        InstKind::Invoke { callee, fn_ty, args, arg_attrs, ret_attrs, cconv, normal, unwind } => {
            out.push_str("invoke");
            write_cconv(out, *cconv);
            cx.call(out, *callee, *fn_ty, args, arg_attrs, ret_attrs);
            let _ = write!(out, " to label {} unwind label {}", names.block(*normal), names.block(*unwind));
        }
        InstKind::LandingPad { cleanup, clauses } => {
            out.push_str("landingpad ");
            cx.ty(out, inst.ty);
            if *cleanup {
                out.push_str(" cleanup");
            }
            for (is_catch, v) in clauses {
                out.push_str(if *is_catch { " catch " } else { " filter " });
                cx.typed(out, *v);
            }
        }
        InstKind::ExtractValue { agg, indices } => {
            out.push_str("extractvalue ");
            cx.typed(out, *agg);
            for i in indices {
                let _ = write!(out, ", {i}");
            }
        }
        InstKind::InsertValue { agg, val, indices } => {
            out.push_str("insertvalue ");
            cx.typed(out, *agg);
            out.push_str(", ");
            cx.typed(out, *val);
            for i in indices {
                let _ = write!(out, ", {i}");
            }
        }
        InstKind::ExtractElement { vec, idx } => {
            out.push_str("extractelement ");
            cx.typed(out, *vec);
            out.push_str(", ");
            cx.typed(out, *idx);
        }
        InstKind::InsertElement { vec, elt, idx } => {
            out.push_str("insertelement ");
            cx.typed(out, *vec);
            out.push_str(", ");
            cx.typed(out, *elt);
            out.push_str(", ");
            cx.typed(out, *idx);
        }
        InstKind::ShuffleVector { a, b, mask } => {
            out.push_str("shufflevector ");
            cx.typed(out, *a);
            out.push_str(", ");
            cx.typed(out, *b);
            out.push_str(", ");
            write_mask(out, mask);
        }
        InstKind::AtomicRmw { op, ptr, val, ordering, volatile, align } => {
            out.push_str("atomicrmw ");
            if *volatile {
                out.push_str("volatile ");
            }
            out.push_str(op.keyword());
            out.push(' ');
            cx.typed(out, *ptr);
            out.push_str(", ");
            cx.typed(out, *val);
            out.push(' ');
            out.push_str(ordering.keyword());
            write_align(out, *align);
        }
        InstKind::CmpXchg { ptr, cmp, new, success, failure, weak, volatile, align } => {
            out.push_str("cmpxchg ");
            if *weak {
                out.push_str("weak ");
            }
            if *volatile {
                out.push_str("volatile ");
            }
            cx.typed(out, *ptr);
            out.push_str(", ");
            cx.typed(out, *cmp);
            out.push_str(", ");
            cx.typed(out, *new);
            let _ = write!(out, " {} {}", success.keyword(), failure.keyword());
            write_align(out, *align);
        }
        InstKind::Fence { ordering } => {
            out.push_str("fence ");
            out.push_str(ordering.keyword());
        }
        InstKind::Freeze { val } => {
            out.push_str("freeze ");
            cx.typed(out, *val);
        }
        InstKind::VaArg { list } => {
            out.push_str("va_arg ");
            cx.typed(out, *list);
            out.push_str(", ");
            cx.ty(out, inst.ty);
        }
        InstKind::Ret { val: None } => out.push_str("ret void"),
        InstKind::Ret { val: Some(v) } => {
            out.push_str("ret ");
            cx.typed(out, *v);
        }
        InstKind::Br { dest } => {
            let _ = write!(out, "br label {}", names.block(*dest));
        }
        InstKind::CondBr { cond, if_true, if_false } => {
            out.push_str("br ");
            cx.typed(out, *cond);
            let _ = write!(out, ", label {}, label {}", names.block(*if_true), names.block(*if_false));
        }
        InstKind::Switch { val, default, cases } => {
            out.push_str("switch ");
            cx.typed(out, *val);
            let _ = write!(out, ", label {} [", names.block(*default));
            for (c, b) in cases {
                out.push_str("\n    ");
                write_typed_const(out, m, *c);
                let _ = write!(out, ", label {}", names.block(*b));
            }
            out.push_str("\n  ]");
        }
        InstKind::IndirectBr { addr, dests } => {
            out.push_str("indirectbr ");
            cx.typed(out, *addr);
            out.push_str(", [");
            for (i, b) in dests.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                let _ = write!(out, "label {}", names.block(*b));
            }
            out.push(']');
        }
        InstKind::Resume { val } => {
            out.push_str("resume ");
            cx.typed(out, *val);
        }
        InstKind::Unreachable => out.push_str("unreachable"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_widening_is_exact() {
        for x in [0.0f32, -0.0, 1.0, 0.1, f32::MIN_POSITIVE, 1e-45, f32::MAX, f32::INFINITY] {
            assert_eq!(f32_bits_to_f64_bits(x.to_bits()), f64::from(x).to_bits(), "{x}");
        }
    }

    #[test]
    fn names_are_quoted_when_needed() {
        let mut s = String::new();
        write_name(&mut s, '@', "_ZN1a$LT$b", true);
        write_name(&mut s, '@', "a b\"", true);
        write_name(&mut s, '%', "12", false);
        write_name(&mut s, '@', "12", true);
        assert_eq!(s, "@_ZN1a$LT$b@\"a b\\22\"%\"12\"@12");
    }
}
