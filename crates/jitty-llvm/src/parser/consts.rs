//! Constants: literals, aggregates, symbol addresses and constant expressions.

use super::Parser;
use crate::Result;
use crate::lexer::Kind;
use jitty_ir::constant::truncate_bits;
use jitty_ir::{BinOp, CastOp, ConstData, ConstExpr, ConstId, Flags, FloatKind, Symbol, Ty, TypeData};

/// The cast opcode for `word`.
pub(crate) fn cast_op(word: &str) -> Option<CastOp> {
    Some(match word {
        "trunc" => CastOp::Trunc,
        "zext" => CastOp::ZExt,
        "sext" => CastOp::SExt,
        "fptrunc" => CastOp::FpTrunc,
        "fpext" => CastOp::FpExt,
        "fptoui" => CastOp::FpToUi,
        "fptosi" => CastOp::FpToSi,
        "uitofp" => CastOp::UiToFp,
        "sitofp" => CastOp::SiToFp,
        "ptrtoint" => CastOp::PtrToInt,
        "ptrtoaddr" => CastOp::PtrToAddr,
        "inttoptr" => CastOp::IntToPtr,
        "bitcast" => CastOp::BitCast,
        "addrspacecast" => CastOp::AddrSpaceCast,
        _ => return None,
    })
}

/// The binary opcode for `word`.
pub(crate) fn bin_op(word: &str) -> Option<BinOp> {
    Some(match word {
        "add" => BinOp::Add,
        "sub" => BinOp::Sub,
        "mul" => BinOp::Mul,
        "udiv" => BinOp::UDiv,
        "sdiv" => BinOp::SDiv,
        "urem" => BinOp::URem,
        "srem" => BinOp::SRem,
        "shl" => BinOp::Shl,
        "lshr" => BinOp::LShr,
        "ashr" => BinOp::AShr,
        "and" => BinOp::And,
        "or" => BinOp::Or,
        "xor" => BinOp::Xor,
        "fadd" => BinOp::FAdd,
        "fsub" => BinOp::FSub,
        "fmul" => BinOp::FMul,
        "fdiv" => BinOp::FDiv,
        "frem" => BinOp::FRem,
        _ => return None,
    })
}

/// Poison-generating and fast-math flag words.
pub(crate) fn flag_of(word: &str) -> Option<Flags> {
    Some(match word {
        "nuw" => Flags::NUW,
        "nsw" => Flags::NSW,
        "exact" => Flags::EXACT,
        "disjoint" => Flags::DISJOINT,
        "samesign" => Flags::SAMESIGN,
        "nneg" => Flags::NNEG,
        "inbounds" => Flags::INBOUNDS,
        "nusw" => Flags::NUSW,
        "nnan" => Flags::NNAN,
        "ninf" => Flags::NINF,
        "nsz" => Flags::NSZ,
        "arcp" => Flags::ARCP,
        "contract" => Flags::CONTRACT,
        "afn" => Flags::AFN,
        "reassoc" => Flags::REASSOC,
        "fast" => Flags(
            Flags::NNAN.0
                | Flags::NINF.0
                | Flags::NSZ.0
                | Flags::ARCP.0
                | Flags::CONTRACT.0
                | Flags::AFN.0
                | Flags::REASSOC.0,
        ),
        _ => return None,
    })
}

/// Narrows IEEE double bits to a smaller IEEE format with round-to-nearest-even.
fn narrow_f64(bits: u64, exp_bits: u32, man_bits: u32) -> u128 {
    let sign = (bits >> 63) as u128;
    let exp = ((bits >> 52) & 0x7FF) as i64;
    let man = bits & ((1u64 << 52) - 1);
    let out_bias = (1i64 << (exp_bits - 1)) - 1;
    let max_exp = (1u128 << exp_bits) - 1;
    let sign_out = sign << (exp_bits + man_bits);
    if exp == 0x7FF {
        let mut m = (man >> (52 - man_bits)) as u128;
        if man != 0 && m == 0 {
            m = 1 << (man_bits - 1);
        }
        return sign_out | (max_exp << man_bits) | m;
    }
    if exp == 0 && man == 0 {
        return sign_out;
    }
    // Value = 1.man * 2^(exp-1023) (normal); subnormal doubles are far below
    // every smaller format's range and round to zero.
    if exp == 0 {
        return sign_out;
    }
    let e = exp - 1023 + out_bias;
    let full = (1u64 << 52) | man; // 53 significant bits
    let (shift, e_out) = if e <= 0 { (52 - i64::from(man_bits) + 1 - e, 0) } else { (52 - i64::from(man_bits), e) };
    if shift >= 64 {
        return sign_out;
    }
    let shift = shift as u32;
    let mut m = full >> shift;
    let rem = full & ((1u64 << shift) - 1);
    let half = 1u64 << (shift - 1);
    if rem > half || (rem == half && (m & 1) == 1) {
        m += 1;
    }
    // `m` includes the implicit bit for normals; carry may bump the exponent.
    let value = if e_out == 0 { m as u128 } else { ((e_out as u128) << man_bits) + (m as u128 - (1u128 << man_bits)) };
    if (value >> man_bits) >= max_exp {
        return sign_out | (max_exp << man_bits);
    }
    sign_out | value
}

/// Converts IEEE double bits to the bit pattern of `kind`.
pub(crate) fn double_bits_to(kind: FloatKind, bits: u64) -> u128 {
    let sign = u128::from(bits >> 63);
    let exp = (bits >> 52) & 0x7FF;
    let man = bits & ((1u64 << 52) - 1);
    match kind {
        FloatKind::Double => u128::from(bits),
        FloatKind::Float => {
            if exp == 0x7FF {
                narrow_f64(bits, 8, 23)
            } else {
                u128::from((f64::from_bits(bits) as f32).to_bits())
            }
        }
        FloatKind::Half => narrow_f64(bits, 5, 10),
        FloatKind::BFloat => narrow_f64(bits, 8, 7),
        FloatKind::X86Fp80 | FloatKind::Fp128 | FloatKind::PpcFp128 => {
            // Widen exactly: normalize subnormals.
            let (e, m): (u128, u128) = if exp == 0x7FF {
                (0x7FFF, u128::from(man))
            } else if exp == 0 && man == 0 {
                (0, 0)
            } else if exp == 0 {
                // Leading one at bit 52 - lz: value = 1.m * 2^(-1022 - lz).
                let lz = man.leading_zeros() - 11;
                let m = (man << lz) & ((1u64 << 52) - 1);
                ((16383 - 1022 - i64::from(lz)) as u128, u128::from(m))
            } else {
                ((exp as i64 - 1023 + 16383) as u128, u128::from(man))
            };
            match kind {
                FloatKind::X86Fp80 => {
                    let int_bit: u128 = if e == 0 && m == 0 { 0 } else { 1 };
                    (sign << 79) | (e << 64) | (int_bit << 63) | (m << 11)
                }
                FloatKind::Fp128 => (sign << 127) | (e << 112) | (m << 60),
                _ => u128::from(bits), // ppc double-double: high part only.
            }
        }
    }
}

/// Parses a decimal integer literal into two's-complement bits (wrapping).
fn parse_decimal(text: &str) -> Option<u128> {
    let (neg, digits) = match text.strip_prefix('-') {
        Some(d) => (true, d),
        None => (false, text),
    };
    let mut v: u128 = 0;
    for c in digits.bytes() {
        if !c.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u128::from(c - b'0'))?;
    }
    Some(if neg { v.wrapping_neg() } else { v })
}

impl Parser<'_> {
    /// Parses an integer literal token for an integer type of `width` bits.
    fn int_literal(&mut self, width: u32) -> Result<u128> {
        let text = self.text(self.tok);
        let bits = match self.tok.kind {
            Kind::Int => parse_decimal(text),
            // `u0x`/`s0x`: unsigned or two's complement of 4 bits per digit,
            // extended or truncated to the width (`i32 s0xF` is -1, as in LLVM).
            Kind::HexInt => jitty_ir::constant::wide_from_hex(&text[3..], 128, text.starts_with('s'))
                .map(|w| u128::from(w[0]) | (u128::from(w[1]) << 64)),
            Kind::Ident if text == "true" => Some(1),
            Kind::Ident if text == "false" => Some(0),
            _ => return Err(self.expected("an integer constant")),
        };
        let bits =
            bits.ok_or_else(|| self.err_at(self.tok.start, format!("integer constant `{text}` is too large")))?;
        self.bump();
        Ok(truncate_bits(bits, width.min(128)))
    }

    /// Parses a floating-point literal for `kind`.
    fn float_literal(&mut self, kind: FloatKind) -> Result<u128> {
        let text = self.text(self.tok);
        let bad = |p: &Self| p.err_at(p.tok.start, format!("invalid floating-point constant `{text}`"));
        let bits = match self.tok.kind {
            Kind::Float | Kind::Int => {
                let v: f64 = text.parse().map_err(|_| bad(self))?;
                double_bits_to(kind, v.to_bits())
            }
            Kind::HexFloat => {
                let (neg, body) = match text.strip_prefix('-') {
                    Some(b) => (true, b),
                    None => (false, text),
                };
                let body = &body[2..];
                let (letter, digits) = match body.as_bytes().first() {
                    Some(c @ (b'K' | b'L' | b'M' | b'H' | b'R')) => (Some(*c), &body[1..]),
                    _ => (None, body),
                };
                if digits.is_empty() || digits.len() > 32 {
                    return Err(bad(self));
                }
                let raw = u128::from_str_radix(digits, 16).map_err(|_| bad(self))?;
                let bits = match (letter, kind) {
                    (None, _) => {
                        let d = u64::try_from(raw).map_err(|_| bad(self))?;
                        double_bits_to(kind, d)
                    }
                    (Some(b'K'), FloatKind::X86Fp80) => raw,
                    (Some(b'L'), FloatKind::Fp128) | (Some(b'M'), FloatKind::PpcFp128) => {
                        // Printed as low 64 bits, then high 64 bits.
                        let padded = format!("{digits:0>32}");
                        let lo = u128::from_str_radix(&padded[..16], 16).map_err(|_| bad(self))?;
                        let hi = u128::from_str_radix(&padded[16..], 16).map_err(|_| bad(self))?;
                        (hi << 64) | lo
                    }
                    (Some(b'H'), FloatKind::Half) | (Some(b'R'), FloatKind::BFloat) => raw,
                    _ => return Err(bad(self)),
                };
                if neg { bits ^ (1u128 << (kind.bits() - 1)) } else { bits }
            }
            _ => return Err(self.expected("a floating-point constant")),
        };
        self.bump();
        Ok(bits)
    }

    /// Parses a typed constant `T C` and returns it.
    pub fn parse_typed_const(&mut self) -> Result<ConstId> {
        let ty = self.parse_type()?;
        self.parse_const(ty)
    }

    /// Parses a constant of type `ty`.
    pub fn parse_const(&mut self, ty: Ty) -> Result<ConstId> {
        self.enter()?;
        let r = self.parse_const_inner(ty);
        self.leave();
        r
    }

    fn mismatch(&self, pos: usize, what: &str, ty: Ty) -> crate::ParseError {
        self.err_at(pos, format!("{what} is not a valid constant of type `{}`", self.type_name(ty)))
    }

    fn parse_const_inner(&mut self, ty: Ty) -> Result<ConstId> {
        let pos = self.tok.start;
        let tyd = self.m.types.get(ty).clone();
        let data = match self.tok.kind {
            Kind::Int | Kind::HexInt | Kind::Float | Kind::HexFloat => match tyd {
                TypeData::Int(w) if w > 128 && matches!(self.tok.kind, Kind::Int | Kind::HexInt) => {
                    let text = self.text(self.tok);
                    self.wide_words += u64::from(w.div_ceil(64));
                    if self.wide_words > self.wide_budget() {
                        return Err(self.err_at(
                            pos,
                            format!(
                                "the module's integer constants wider than 128 bits take more than {} words (2^20 + 64 per byte of input)",
                                self.wide_budget()
                            ),
                        ));
                    }
                    let words = if self.tok.kind == Kind::HexInt {
                        jitty_ir::constant::wide_from_hex(&text[3..], w, text.starts_with('s'))
                    } else {
                        jitty_ir::constant::wide_from_decimal(text, w)
                    }
                    .ok_or_else(|| self.err_at(self.tok.start, format!("invalid integer constant `{text}`")))?;
                    self.bump();
                    ConstData::WideInt { ty, words }
                }
                TypeData::Int(w) if matches!(self.tok.kind, Kind::Int | Kind::HexInt) => {
                    ConstData::Int { ty, bits: self.int_literal(w)? }
                }
                TypeData::Float(k) => ConstData::Float { ty, bits: self.float_literal(k)? },
                _ => return Err(self.mismatch(pos, &self.describe(self.tok), ty)),
            },
            Kind::CStr => {
                let bytes = self.string_bytes(self.tok);
                match tyd {
                    TypeData::Array { elem, len }
                        if self.m.types.int_bits(elem) == Some(8) && len == bytes.len() as u64 => {}
                    _ => return Err(self.mismatch(pos, "string constant", ty)),
                }
                self.bump();
                ConstData::Bytes { ty, bytes }
            }
            Kind::GlobalName | Kind::GlobalNum => {
                if !matches!(tyd, TypeData::Ptr { .. }) {
                    return Err(self.mismatch(pos, "a global address", ty));
                }
                let sym = self.symbol_at(self.tok)?;
                self.bump();
                match sym {
                    Symbol::Func(id) => ConstData::Func { ty, id },
                    Symbol::Global(id) => ConstData::Global { ty, id },
                    Symbol::Alias(id) => ConstData::Alias { ty, id },
                }
            }
            Kind::Punct(b'{') => {
                let Some((fields, false)) = self.m.types.struct_fields(ty).map(|(f, p)| (f.to_vec(), p)) else {
                    return Err(self.mismatch(pos, "a struct constant `{...}`", ty));
                };
                self.bump();
                let elems = self.const_list(&fields, b'}')?;
                ConstData::Aggregate { ty, elems }
            }
            Kind::Punct(b'<') => {
                self.bump();
                if self.eat_punct(b'{') {
                    let Some((fields, true)) = self.m.types.struct_fields(ty).map(|(f, p)| (f.to_vec(), p)) else {
                        return Err(self.mismatch(pos, "a packed struct constant `<{...}>`", ty));
                    };
                    let elems = self.const_list(&fields, b'}')?;
                    self.expect_punct(b'>')?;
                    ConstData::Aggregate { ty, elems }
                } else {
                    let TypeData::Vector { elem, len, .. } = tyd else {
                        return Err(self.mismatch(pos, "a vector constant `<...>`", ty));
                    };
                    if u64::from(len) > self.src.len() as u64 {
                        return Err(self.err_at(pos, "vector constant longer than the input"));
                    }
                    let tys = vec![elem; len as usize];
                    let elems = self.const_list(&tys, b'>')?;
                    ConstData::Aggregate { ty, elems }
                }
            }
            Kind::Punct(b'[') => {
                let TypeData::Array { elem, len } = tyd else {
                    return Err(self.mismatch(pos, "an array constant `[...]`", ty));
                };
                if len > (self.src.len() as u64) {
                    return Err(self.err_at(pos, "array constant longer than the input"));
                }
                self.bump();
                let tys = vec![elem; len as usize];
                let elems = self.const_list(&tys, b']')?;
                ConstData::Aggregate { ty, elems }
            }
            Kind::Ident => return self.parse_keyword_const(ty, &tyd),
            Kind::LocalName | Kind::LocalNum => {
                return Err(self.err_at(pos, format!("local value {} used in a constant", self.describe(self.tok))));
            }
            _ => return Err(self.expected("a constant")),
        };
        Ok(self.m.intern_const(data))
    }

    /// Parses `T c, T c, ...` closed by `close`, checking each element type.
    fn const_list(&mut self, tys: &[Ty], close: u8) -> Result<Vec<ConstId>> {
        let mut elems = Vec::with_capacity(tys.len());
        while !self.is_punct(close) {
            if !elems.is_empty() {
                self.expect_punct(b',')?;
            }
            let pos = self.tok.start;
            let ety = self.parse_type()?;
            let Some(&want) = tys.get(elems.len()) else {
                return Err(self.err_at(pos, format!("too many elements: expected {}", tys.len())));
            };
            if ety != want {
                return Err(self.err_at(
                    pos,
                    format!("expected element type `{}`, found `{}`", self.type_name(want), self.type_name(ety)),
                ));
            }
            elems.push(self.parse_const(ety)?);
        }
        if elems.len() != tys.len() {
            return Err(self.expected(&format!("{} elements", tys.len())));
        }
        self.bump();
        Ok(elems)
    }

    /// Parses flag words (`nuw`, `inbounds`, `fast`, ...).
    pub fn parse_flags(&mut self) -> Flags {
        let mut flags = Flags::NONE;
        while let Some(f) = self.ident().and_then(flag_of) {
            flags = flags.with(f);
            self.bump();
        }
        flags
    }

    fn parse_keyword_const(&mut self, ty: Ty, tyd: &TypeData) -> Result<ConstId> {
        let pos = self.tok.start;
        let w = self.text(self.tok);
        let data = match w {
            "true" | "false" => match tyd {
                TypeData::Int(_) => ConstData::Int { ty, bits: self.int_literal(1)? },
                _ => return Err(self.mismatch(pos, w, ty)),
            },
            "null" => {
                if !matches!(tyd, TypeData::Ptr { .. }) {
                    return Err(self.mismatch(pos, w, ty));
                }
                self.bump();
                ConstData::Null(ty)
            }
            "zeroinitializer" => {
                self.bump();
                ConstData::Zero(ty)
            }
            "undef" => {
                self.bump();
                ConstData::Undef(ty)
            }
            "poison" => {
                self.bump();
                ConstData::Poison(ty)
            }
            "none" => {
                self.bump();
                ConstData::NoneToken(ty)
            }
            "splat" => {
                self.bump();
                let TypeData::Vector { elem, len, .. } = *tyd else {
                    return Err(self.mismatch(pos, "splat", ty));
                };
                if len > 1 << 16 {
                    return Err(self.err_at(pos, "splat of more than 65536 lanes"));
                }
                self.splat_lanes += u64::from(len);
                if self.splat_lanes > self.splat_budget() {
                    return Err(self.err_at(
                        pos,
                        format!(
                            "the module's splat constants expand to more than {} lanes (2^16 + 64 per byte of input)",
                            self.splat_budget()
                        ),
                    ));
                }
                self.expect_punct(b'(')?;
                let c = self.parse_typed_const()?;
                if self.m.constant(c).ty() != elem {
                    return Err(self.mismatch(pos, "splat element", ty));
                }
                self.expect_punct(b')')?;
                ConstData::Aggregate { ty, elems: vec![c; len as usize] }
            }
            "getelementptr" => {
                self.bump();
                let mut flags = Flags::NONE;
                loop {
                    if let Some(f) = self.ident().and_then(flag_of) {
                        flags = flags.with(f);
                        self.bump();
                    } else if self.eat_ident("inrange") {
                        self.skip_balanced(b'(', b')')?;
                    } else {
                        break;
                    }
                }
                self.expect_punct(b'(')?;
                let source_ty = self.parse_type()?;
                self.expect_punct(b',')?;
                let base = self.parse_typed_const()?;
                let mut indices = Vec::new();
                while self.eat_punct(b',') {
                    self.eat_ident("inrange");
                    indices.push(self.parse_typed_const()?);
                }
                self.expect_punct(b')')?;
                ConstData::Expr { ty, expr: ConstExpr::Gep { source_ty, base, indices, flags } }
            }
            "blockaddress" => {
                self.bump();
                self.expect_punct(b'(')?;
                let ftok = self.expect_global_name()?;
                let Symbol::Func(func) = self.symbol_at(ftok)? else {
                    return Err(self.err_at(ftok.start, "blockaddress of a non-function"));
                };
                self.expect_punct(b',')?;
                if !matches!(self.tok.kind, Kind::LocalName | Kind::LocalNum) {
                    return Err(self.expected("a block label"));
                }
                let block = self.name_of(self.tok).into_owned();
                self.bump();
                self.expect_punct(b')')?;
                ConstData::Expr { ty, expr: ConstExpr::BlockAddress { func, block } }
            }
            "dso_local_equivalent" | "no_cfi" => {
                self.bump();
                let ftok = self.expect_global_name()?;
                let Symbol::Func(func) = self.symbol_at(ftok)? else {
                    return Err(self.err_at(ftok.start, format!("`{w}` of a non-function")));
                };
                ConstData::Expr { ty, expr: ConstExpr::FuncRef { func } }
            }
            "extractelement" | "insertelement" | "shufflevector" => {
                self.bump();
                self.expect_punct(b'(')?;
                let a = self.parse_typed_const()?;
                self.expect_punct(b',')?;
                let b = self.parse_typed_const()?;
                let expr = if w == "extractelement" {
                    ConstExpr::ExtractElement { vec: a, idx: b }
                } else {
                    self.expect_punct(b',')?;
                    let c = self.parse_typed_const()?;
                    if w == "insertelement" {
                        ConstExpr::InsertElement { vec: a, elt: b, idx: c }
                    } else {
                        ConstExpr::ShuffleVector { a, b, mask: self.shuffle_mask(c) }
                    }
                };
                self.expect_punct(b')')?;
                ConstData::Expr { ty, expr }
            }
            _ => {
                if let Some(op) = cast_op(w) {
                    self.bump();
                    self.parse_flags();
                    self.expect_punct(b'(')?;
                    let val = self.parse_typed_const()?;
                    self.expect_ident("to")?;
                    let tpos = self.tok.start;
                    let to = self.parse_type()?;
                    if to != ty {
                        return Err(self.mismatch(tpos, &format!("cast to `{}`", self.type_name(to)), ty));
                    }
                    self.expect_punct(b')')?;
                    ConstData::Expr { ty, expr: ConstExpr::Cast { op, val } }
                } else if let Some(op) = bin_op(w) {
                    self.bump();
                    let flags = self.parse_flags();
                    self.expect_punct(b'(')?;
                    let lhs = self.parse_typed_const()?;
                    self.expect_punct(b',')?;
                    let rhs = self.parse_typed_const()?;
                    self.expect_punct(b')')?;
                    if self.m.constant(lhs).ty() != ty || self.m.constant(rhs).ty() != ty {
                        return Err(self.mismatch(pos, &format!("`{w}` expression"), ty));
                    }
                    ConstData::Expr { ty, expr: ConstExpr::Binary { op, lhs, rhs, flags } }
                } else {
                    return Err(self.expected("a constant"));
                }
            }
        };
        Ok(self.m.intern_const(data))
    }

    /// How many lanes all `splat` constants of the module may expand to:
    /// 2^16 plus 64 per byte of input. Every other constant is at most as
    /// long as its text, but a 25-byte `<65536 x i32> splat (i32 1)` holds
    /// 65536 elements; without a budget, 64 KB of splats took a minute and
    /// gigabytes to parse and print. Real splats are a few lanes each.
    fn splat_budget(&self) -> u64 {
        (1 << 16) + 64 * self.src.len() as u64
    }

    /// How many 64-bit words all integer literals wider than 128 bits may
    /// take: 2^20 (8 MB) plus 64 per byte of input. Each literal holds every
    /// word of its width, so 44 KB of `i8388608 N` literals took 9.5 GB and
    /// over a minute before this budget. Real wide constants (clang's
    /// bitfield groups) are a few words each.
    fn wide_budget(&self) -> u64 {
        (1 << 20) + 64 * self.src.len() as u64
    }

    /// Converts a constant `<N x i32>` mask into lane indices (-1 = poison).
    pub fn shuffle_mask(&self, mask: ConstId) -> Vec<i32> {
        let lanes = match self.m.types.get(self.m.constant(mask).ty()) {
            TypeData::Vector { len, .. } => (*len as usize).min(1 << 16),
            _ => 0,
        };
        match self.m.constant(mask) {
            ConstData::Aggregate { elems, .. } => elems
                .iter()
                .map(|&e| match self.m.constant(e) {
                    ConstData::Int { bits, .. } => *bits as i32,
                    _ => -1,
                })
                .collect(),
            ConstData::Zero(_) => vec![0; lanes],
            _ => vec![-1; lanes],
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn float_conversions() {
        assert_eq!(double_bits_to(FloatKind::Float, 1.0f64.to_bits()), u128::from(1.0f32.to_bits()));
        assert_eq!(double_bits_to(FloatKind::Half, 1.0f64.to_bits()), 0x3C00);
        assert_eq!(double_bits_to(FloatKind::Half, 65504.0f64.to_bits()), 0x7BFF);
        assert_eq!(double_bits_to(FloatKind::Half, (-2.0f64).to_bits()), 0xC000);
        assert_eq!(double_bits_to(FloatKind::BFloat, 1.0f64.to_bits()), 0x3F80);
        assert_eq!(double_bits_to(FloatKind::X86Fp80, 1.0f64.to_bits()), 0x3FFF_8000_0000_0000_0000);
        assert_eq!(double_bits_to(FloatKind::Fp128, 1.0f64.to_bits()), 0x3FFF_u128 << 112);
        assert_eq!(parse_decimal("-1"), Some(u128::MAX));
        // Smallest subnormal double, widened exactly.
        assert_eq!(double_bits_to(FloatKind::Fp128, 1), (16383u128 - 1074) << 112);
        assert_eq!(double_bits_to(FloatKind::X86Fp80, 1), ((16383u128 - 1074) << 64) | (1 << 63));
    }
}
