//! Linkage, calling conventions, parameter and function attributes.
//!
//! Only what [`jitty_ir::ParamAttrs`] holds is kept; every other attribute —
//! known or not, with or without a parenthesized argument — is skipped.

use super::Parser;
use super::types::is_type_keyword;
use crate::Result;
use crate::lexer::{Kind, Token};
use jitty_ir::{CallConv, ConstId, Linkage, ParamAttrs};

/// What precedes a global's kind or a function's return type.
#[derive(Clone, Copy, Debug, Default)]
pub(crate) struct Prefix {
    pub linkage: Linkage,
    /// The `external` keyword was given (a declaration).
    pub external_kw: bool,
    pub thread_local: bool,
    pub unnamed_addr: bool,
    pub cconv: CallConv,
    pub ret_attrs: ParamAttrs,
}

/// Function attributes after a parameter list.
#[derive(Clone, Debug, Default)]
pub(crate) struct FnAttrs {
    pub groups: Vec<u32>,
    pub noreturn: bool,
    pub noinline: bool,
    pub cold: bool,
    pub section: Option<String>,
    pub align: Option<u32>,
    pub personality: Option<ConstId>,
}

/// Words that start a value; attribute loops stop at them.
fn is_value_keyword(word: &str) -> bool {
    matches!(
        word,
        "true"
            | "false"
            | "null"
            | "undef"
            | "poison"
            | "zeroinitializer"
            | "none"
            | "splat"
            | "getelementptr"
            | "trunc"
            | "zext"
            | "sext"
            | "fptrunc"
            | "fpext"
            | "fptoui"
            | "fptosi"
            | "uitofp"
            | "sitofp"
            | "ptrtoint"
            | "ptrtoaddr"
            | "inttoptr"
            | "bitcast"
            | "addrspacecast"
            | "add"
            | "sub"
            | "mul"
            | "shl"
            | "lshr"
            | "ashr"
            | "and"
            | "or"
            | "xor"
            | "extractelement"
            | "insertelement"
            | "shufflevector"
            | "blockaddress"
            | "dso_local_equivalent"
            | "no_cfi"
            | "asm"
            | "ptrauth"
    )
}

/// Instruction opcodes (and `to`/`unwind` of `invoke`): call-site attribute
/// loops stop at them.
pub(crate) fn is_opcode(word: &str) -> bool {
    matches!(
        word,
        "ret"
            | "br"
            | "switch"
            | "indirectbr"
            | "invoke"
            | "resume"
            | "unreachable"
            | "callbr"
            | "cleanupret"
            | "catchret"
            | "catchswitch"
            | "catchpad"
            | "cleanuppad"
            | "fneg"
            | "add"
            | "fadd"
            | "sub"
            | "fsub"
            | "mul"
            | "fmul"
            | "udiv"
            | "sdiv"
            | "fdiv"
            | "urem"
            | "srem"
            | "frem"
            | "shl"
            | "lshr"
            | "ashr"
            | "and"
            | "or"
            | "xor"
            | "extractelement"
            | "insertelement"
            | "shufflevector"
            | "extractvalue"
            | "insertvalue"
            | "alloca"
            | "load"
            | "store"
            | "fence"
            | "cmpxchg"
            | "atomicrmw"
            | "getelementptr"
            | "trunc"
            | "zext"
            | "sext"
            | "fptrunc"
            | "fpext"
            | "fptoui"
            | "fptosi"
            | "uitofp"
            | "sitofp"
            | "ptrtoint"
            | "ptrtoaddr"
            | "inttoptr"
            | "bitcast"
            | "addrspacecast"
            | "icmp"
            | "fcmp"
            | "phi"
            | "select"
            | "freeze"
            | "call"
            | "tail"
            | "musttail"
            | "notail"
            | "va_arg"
            | "landingpad"
            | "to"
            | "unwind"
            | "uselistorder"
            | "uselistorder_bb"
    )
}

fn linkage_of(word: &str) -> Option<Linkage> {
    Some(match word {
        "private" => Linkage::Private,
        "internal" => Linkage::Internal,
        "available_externally" => Linkage::AvailableExternally,
        "linkonce" => Linkage::LinkOnce,
        "linkonce_odr" => Linkage::LinkOnceOdr,
        "weak" => Linkage::Weak,
        "weak_odr" => Linkage::WeakOdr,
        "common" => Linkage::Common,
        "appending" => Linkage::Appending,
        "extern_weak" => Linkage::ExternWeak,
        "external" => Linkage::External,
        _ => return None,
    })
}

/// Named calling conventions and their LLVM numbers.
fn cconv_of(word: &str) -> Option<CallConv> {
    let n = match word {
        "ccc" => return Some(CallConv::C),
        "fastcc" => return Some(CallConv::Fast),
        "coldcc" => return Some(CallConv::Cold),
        "ghccc" => 10,
        "webkit_jscc" => 12,
        "anyregcc" => 13,
        "preserve_mostcc" => 14,
        "preserve_allcc" => 15,
        "swiftcc" => 16,
        "cxx_fast_tlscc" => 17,
        "tailcc" => 18,
        "cfguard_checkcc" => 19,
        "swifttailcc" => 20,
        "x86_stdcallcc" => 64,
        "x86_fastcallcc" => 65,
        "arm_apcscc" => 66,
        "arm_aapcscc" => 67,
        "arm_aapcs_vfpcc" => 68,
        "msp430_intrcc" => 69,
        "x86_thiscallcc" => 70,
        "ptx_kernel" => 71,
        "ptx_device" => 72,
        "spir_func" => 75,
        "spir_kernel" => 76,
        "intel_ocl_bicc" => 77,
        "x86_64_sysvcc" => 78,
        "win64cc" => 79,
        "x86_vectorcallcc" => 80,
        "x86_intrcc" => 83,
        "avr_intrcc" => 84,
        "avr_signalcc" => 85,
        "x86_regcallcc" => 92,
        "preserve_nonecc" => 111,
        _ => return None,
    };
    Some(CallConv::Other(n))
}

/// The [`CallConv`] for `cc N`.
pub(crate) fn cconv_from_number(n: u32) -> CallConv {
    match n {
        0 => CallConv::C,
        8 => CallConv::Fast,
        9 => CallConv::Cold,
        n => CallConv::Other(n),
    }
}

impl Parser<'_> {
    /// Skips `(...)` after an attribute word, if present.
    fn skip_attr_args(&mut self) -> Result<()> {
        if self.is_punct(b'(') { self.skip_balanced(b'(', b')') } else { Ok(()) }
    }

    /// Skips `"key"` or `"key"="value"`.
    fn skip_string_attr(&mut self) -> Result<()> {
        self.bump();
        if self.eat_punct(b'=') {
            self.expect_string()?;
        }
        Ok(())
    }

    /// Parses an optional calling convention.
    pub fn parse_cconv(&mut self) -> Result<Option<CallConv>> {
        let Some(w) = self.ident() else { return Ok(None) };
        if w == "cc" {
            self.bump();
            return Ok(Some(cconv_from_number(self.expect_u32()?)));
        }
        match cconv_of(w) {
            Some(cc) => {
                self.bump();
                Ok(Some(cc))
            }
            None => Ok(None),
        }
    }

    /// Parses linkage, visibility, `thread_local`, calling convention and
    /// return attributes up to a global's kind keyword or a return type.
    pub fn parse_prefix(&mut self, function: bool) -> Result<Prefix> {
        let mut p = Prefix::default();
        loop {
            match self.tok.kind {
                Kind::Ident => {
                    let w = self.text(self.tok);
                    if let Some(l) = linkage_of(w) {
                        p.linkage = l;
                        p.external_kw |= w == "external";
                        self.bump();
                        continue;
                    }
                    if let Some(cc) = self.parse_cconv()? {
                        p.cconv = cc;
                        continue;
                    }
                    match w {
                        "global" | "constant" | "alias" | "ifunc" if !function => return Ok(p),
                        "thread_local" => {
                            p.thread_local = true;
                            self.bump();
                            self.skip_attr_args()?;
                        }
                        "unnamed_addr" | "local_unnamed_addr" => {
                            p.unnamed_addr = true;
                            self.bump();
                        }
                        "dso_local"
                        | "dso_preemptable"
                        | "default"
                        | "hidden"
                        | "protected"
                        | "dllimport"
                        | "dllexport"
                        | "externally_initialized" => self.bump(),
                        "addrspace" => {
                            self.parse_addrspace()?;
                        }
                        _ if is_type_keyword(w) => return Ok(p),
                        _ if function => {
                            let before = self.tok.start;
                            let attrs = self.parse_param_attrs()?;
                            if self.tok.start == before {
                                return Err(self.expected("a return type"));
                            }
                            p.ret_attrs = merge(p.ret_attrs, attrs);
                        }
                        _ => return Err(self.expected("`global`, `constant` or `alias`")),
                    }
                }
                Kind::Str if function => self.skip_string_attr()?,
                Kind::MetaName if function => self.skip_md_attachment()?,
                _ => return Ok(p),
            }
        }
    }

    /// Parses parameter attributes, keeping the ABI-relevant ones.
    pub fn parse_param_attrs(&mut self) -> Result<ParamAttrs> {
        let mut a = ParamAttrs::default();
        loop {
            match self.tok.kind {
                Kind::Ident => {
                    let w = self.text(self.tok);
                    if is_type_keyword(w) || is_value_keyword(w) {
                        break;
                    }
                    match w {
                        "zeroext" => a.zeroext = true,
                        "signext" => a.signext = true,
                        "inreg" => a.inreg = true,
                        "byval" | "sret" | "byref" | "preallocated" | "inalloca" | "elementtype" => {
                            self.bump();
                            self.expect_punct(b'(')?;
                            let ty = self.parse_type()?;
                            self.expect_punct(b')')?;
                            match w {
                                "byval" => a.byval = Some(ty),
                                "sret" => a.sret = Some(ty),
                                _ => {}
                            }
                            continue;
                        }
                        "align" => {
                            self.bump();
                            let paren = self.eat_punct(b'(');
                            a.align = Some(self.expect_u32()?);
                            if paren {
                                self.expect_punct(b')')?;
                            }
                            continue;
                        }
                        "dereferenceable" | "dereferenceable_or_null" | "alignstack"
                            if self.peek().kind == Kind::Int =>
                        {
                            // Old spelling without parentheses.
                            self.bump();
                            self.bump();
                            continue;
                        }
                        // Words that can follow parameter attributes.
                        "to" | "unwind" | "personality" | "section" | "comdat" | "gc" | "prefix" | "prologue"
                        | "partition" | "unnamed_addr" | "local_unnamed_addr" => break,
                        _ if is_opcode(w) => break,
                        _ if self.is_top_level_keyword(self.tok) => break,
                        _ => {
                            self.bump();
                            self.skip_attr_args()?;
                            continue;
                        }
                    }
                    self.bump();
                }
                Kind::Str => {
                    if self.peek().kind == Kind::Punct(b'=') {
                        self.skip_string_attr()?;
                    } else {
                        break;
                    }
                }
                _ => break,
            }
        }
        if a.byval.is_none() {
            a.align = None;
        }
        Ok(a)
    }

    /// Parses function attributes after a definition's or declaration's
    /// parameter list, up to `{` or the next top-level entity.
    pub fn parse_fn_attrs(&mut self) -> Result<FnAttrs> {
        let mut f = FnAttrs::default();
        loop {
            match self.tok.kind {
                Kind::AttrGroup => {
                    let id = self.text(self.tok)[1..].parse::<u32>().map_err(|_| self.expected("`#N`"))?;
                    f.groups.push(id);
                    self.bump();
                }
                Kind::Str => self.skip_string_attr()?,
                Kind::MetaName => {
                    if self.peek().kind == Kind::Punct(b'=') {
                        return Ok(f);
                    }
                    self.skip_md_attachment()?;
                }
                Kind::Ident => {
                    let w = self.text(self.tok);
                    if self.is_top_level_keyword(self.tok) {
                        return Ok(f);
                    }
                    match w {
                        "noreturn" => {
                            f.noreturn = true;
                            self.bump();
                        }
                        "noinline" => {
                            f.noinline = true;
                            self.bump();
                        }
                        "cold" => {
                            f.cold = true;
                            self.bump();
                        }
                        "section" | "partition" | "gc" => {
                            self.bump();
                            let s = self.expect_string()?;
                            if w == "section" {
                                f.section = Some(s);
                            }
                        }
                        "align" => {
                            self.bump();
                            f.align = Some(self.expect_u32()?);
                        }
                        "addrspace" => {
                            self.parse_addrspace()?;
                        }
                        "personality" | "prefix" | "prologue" => {
                            let pos = self.tok.start;
                            self.bump();
                            let ty = self.parse_type()?;
                            let c = self.parse_const(ty)?;
                            if w == "personality" {
                                f.personality = Some(c);
                            } else {
                                self.unsupported(pos, format!("function `{w}` data"));
                            }
                        }
                        _ => {
                            self.bump();
                            self.skip_attr_args()?;
                        }
                    }
                }
                _ => return Ok(f),
            }
        }
    }

    /// Parses call-site function attributes (`#N`, `nounwind`, ...) after a
    /// call's argument list; returns true if `noreturn` was given.
    pub fn parse_call_fn_attrs(&mut self) -> Result<()> {
        loop {
            match self.tok.kind {
                Kind::AttrGroup => self.bump(),
                Kind::Str if self.peek().kind == Kind::Punct(b'=') => self.skip_string_attr()?,
                Kind::Ident => {
                    let w = self.text(self.tok);
                    if is_opcode(w) || self.is_top_level_keyword(self.tok) {
                        return Ok(());
                    }
                    self.bump();
                    self.skip_attr_args()?;
                }
                _ => return Ok(()),
            }
        }
    }

    /// Parses a symbol-name token of a definition.
    pub fn expect_global_name(&mut self) -> Result<Token> {
        match self.tok.kind {
            Kind::GlobalName | Kind::GlobalNum => {
                let t = self.tok;
                self.bump();
                Ok(t)
            }
            _ => Err(self.expected("a global name `@...`")),
        }
    }
}

fn merge(a: ParamAttrs, b: ParamAttrs) -> ParamAttrs {
    ParamAttrs {
        byval: a.byval.or(b.byval),
        sret: a.sret.or(b.sret),
        zeroext: a.zeroext || b.zeroext,
        signext: a.signext || b.signext,
        inreg: a.inreg || b.inreg,
        align: a.align.or(b.align),
    }
}
