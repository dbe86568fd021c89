//! Recursive-descent parser: module-level entities, shared token helpers.
//!
//! Parsing is two passes over the token stream. The pre-scan ([`Parser::prescan`])
//! finds every global, function and alias name so that symbols can be
//! referenced before their definition; the main pass then parses everything.
//! Type and constant parsing live in [`types`] and [`consts`], attributes in
//! [`attrs`], function bodies in [`body`].

mod attrs;
mod body;
mod consts;
mod types;

use crate::lexer::{Kind, Lexer, Token, unescape};
use crate::{MAX_DEPTH, ParseError, Result, Unsupported};
use jitty_ir::{Alias, ConstData, DataLayout, FuncId, Function, Global, Linkage, Module, Symbol, Ty, TypeData};
use std::borrow::Cow;
use std::collections::{HashMap, HashSet};

/// Keywords that start a top-level entity; attribute loops stop at them.
const TOP_LEVEL: &[&str] = &[
    "define",
    "declare",
    "attributes",
    "target",
    "source_filename",
    "module",
    "uselistorder",
    "uselistorder_bb",
    "deplibs",
];

/// Frequently used types, interned once.
#[derive(Clone, Copy, Debug)]
pub(crate) struct CommonTypes {
    pub ptr: Ty,
    pub i1: Ty,
    pub i32: Ty,
    pub void: Ty,
    pub metadata: Ty,
}

/// The parser state shared by all phases.
pub(crate) struct Parser<'a> {
    pub src: &'a str,
    file: &'a str,
    lex: Lexer<'a>,
    /// The current (not yet consumed) token.
    pub tok: Token,
    pub m: Module,
    depth: u32,
    /// Unsupported constructs as (byte offset, description).
    unsupported: Vec<(usize, String)>,
    /// First mention of each named struct type, for "undefined type" errors.
    named_first_use: HashMap<Ty, usize>,
    /// Where each named struct type is defined (`%T = type ...`).
    named_defined: HashMap<Ty, usize>,
    /// Attribute groups that contain `noreturn`, `noinline`, `cold`.
    noreturn_groups: HashSet<u32>,
    noinline_groups: HashSet<u32>,
    cold_groups: HashSet<u32>,
    /// Attribute-group references of each function.
    func_groups: Vec<(FuncId, Vec<u32>)>,
    /// Symbols that are `ifunc`s (unsupported).
    ifuncs: HashSet<String>,
    /// Lanes that `splat` constants have expanded to so far (see
    /// [`Parser::splat_budget`]).
    pub splat_lanes: u64,
    /// Words that integer literals wider than 128 bits have taken so far
    /// (see [`Parser::wide_budget`]).
    pub wide_words: u64,
    pub t: CommonTypes,
}

impl std::fmt::Debug for Parser<'_> {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Parser").field("file", &self.file).field("pos", &self.tok.start).finish()
    }
}

impl<'a> Parser<'a> {
    /// A parser over `src`; `file` names it in errors.
    pub fn new(src: &'a str, file: &'a str) -> Self {
        let mut m = Module::new();
        let t = CommonTypes {
            ptr: m.types.ptr(),
            i1: m.types.int(1),
            i32: m.types.int(32),
            void: m.types.void(),
            metadata: m.types.intern(TypeData::Metadata),
        };
        Parser {
            src,
            file,
            lex: Lexer::new(src),
            tok: Token { kind: Kind::Eof, start: 0, end: 0 },
            m,
            depth: 0,
            unsupported: Vec::new(),
            named_first_use: HashMap::new(),
            named_defined: HashMap::new(),
            noreturn_groups: HashSet::new(),
            noinline_groups: HashSet::new(),
            cold_groups: HashSet::new(),
            func_groups: Vec::new(),
            ifuncs: HashSet::new(),
            splat_lanes: 0,
            wide_words: 0,
            t,
        }
    }

    // ---------------------------------------------------------------- tokens

    /// Advances to the next token.
    #[inline]
    pub fn bump(&mut self) {
        self.tok = self.lex.next_token();
    }

    /// The token after the current one, without consuming anything.
    pub fn peek(&self) -> Token {
        self.lex.clone().next_token()
    }

    /// Source text of `tok`.
    #[inline]
    pub fn text(&self, tok: Token) -> &'a str {
        &self.src[tok.start..tok.end]
    }

    /// True when the current token is the bare word `word`.
    #[inline]
    pub fn is_ident(&self, word: &str) -> bool {
        self.tok.kind == Kind::Ident && self.text(self.tok) == word
    }

    /// The current token's text when it is a bare word.
    #[inline]
    pub fn ident(&self) -> Option<&'a str> {
        (self.tok.kind == Kind::Ident).then(|| self.text(self.tok))
    }

    /// Consumes the bare word `word` if present.
    pub fn eat_ident(&mut self, word: &str) -> bool {
        if self.is_ident(word) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Consumes the bare word `word` or fails.
    pub fn expect_ident(&mut self, word: &str) -> Result<()> {
        if self.eat_ident(word) { Ok(()) } else { Err(self.expected(&format!("`{word}`"))) }
    }

    /// True when the current token is the punctuation `c`.
    #[inline]
    pub fn is_punct(&self, c: u8) -> bool {
        self.tok.kind == Kind::Punct(c)
    }

    /// Consumes punctuation `c` if present.
    pub fn eat_punct(&mut self, c: u8) -> bool {
        if self.is_punct(c) {
            self.bump();
            true
        } else {
            false
        }
    }

    /// Consumes punctuation `c` or fails.
    pub fn expect_punct(&mut self, c: u8) -> Result<()> {
        if self.eat_punct(c) { Ok(()) } else { Err(self.expected(&format!("`{}`", c as char))) }
    }

    // ---------------------------------------------------------------- errors

    /// 1-based line and column of byte offset `pos`.
    pub fn line_col(&self, pos: usize) -> (u32, u32) {
        let pos = pos.min(self.src.len());
        let before = &self.src.as_bytes()[..pos];
        let line = before.iter().filter(|&&c| c == b'\n').count() + 1;
        let line_start = before.iter().rposition(|&c| c == b'\n').map_or(0, |p| p + 1);
        (u32::try_from(line).unwrap_or(u32::MAX), u32::try_from(pos - line_start + 1).unwrap_or(u32::MAX))
    }

    /// An error at byte offset `pos`.
    pub fn err_at(&self, pos: usize, message: impl Into<String>) -> ParseError {
        let (line, col) = self.line_col(pos);
        ParseError { file: self.file.to_string(), line, col, message: message.into() }
    }

    /// Describes the current token for "found ..." messages.
    pub fn describe(&self, tok: Token) -> String {
        match tok.kind {
            Kind::Eof => "end of file".to_string(),
            Kind::Error(what) => what.to_string(),
            _ => {
                let text = self.text(tok);
                let short: String = text.chars().take(40).collect();
                if short.len() < text.len() { format!("`{short}...`") } else { format!("`{short}`") }
            }
        }
    }

    /// "expected X, found Y" at the current token.
    pub fn expected(&self, what: &str) -> ParseError {
        self.err_at(self.tok.start, format!("expected {what}, found {}", self.describe(self.tok)))
    }

    /// Records an unsupported construct at `pos`.
    pub fn unsupported(&mut self, pos: usize, what: impl Into<String>) {
        self.unsupported.push((pos, what.into()));
    }

    /// Enters one nesting level (types, constants); fails past [`MAX_DEPTH`].
    pub fn enter(&mut self) -> Result<()> {
        self.depth += 1;
        if self.depth > MAX_DEPTH {
            return Err(self.err_at(self.tok.start, format!("nesting deeper than {MAX_DEPTH} levels")));
        }
        Ok(())
    }

    /// Leaves one nesting level.
    pub fn leave(&mut self) {
        self.depth -= 1;
    }

    // ---------------------------------------------------------------- values

    /// The decoded name of a sigil token (`%x`, `@"a b"`, `$c`) or label.
    pub fn name_of(&self, tok: Token) -> Cow<'a, str> {
        let text = self.text(tok);
        let body = match tok.kind {
            Kind::Label => text,
            _ => &text[1..],
        };
        if let Some(inner) = body.strip_prefix('"') {
            let inner = inner.strip_suffix('"').unwrap_or(inner);
            if inner.contains('\\') {
                return Cow::Owned(String::from_utf8_lossy(&unescape(inner.as_bytes())).into_owned());
            }
            return Cow::Borrowed(inner);
        }
        Cow::Borrowed(body)
    }

    /// The decoded contents of a string token (`"..."` or `c"..."`).
    pub fn string_bytes(&self, tok: Token) -> Vec<u8> {
        let text = self.text(tok);
        let text = text.strip_prefix('c').unwrap_or(text);
        let inner = &text[1..text.len() - 1];
        unescape(inner.as_bytes())
    }

    /// Parses a string token as UTF-8 text (lossily).
    pub fn expect_string(&mut self) -> Result<String> {
        if self.tok.kind != Kind::Str {
            return Err(self.expected("a string"));
        }
        let s = String::from_utf8_lossy(&self.string_bytes(self.tok)).into_owned();
        self.bump();
        Ok(s)
    }

    /// Parses an unsigned decimal integer token.
    pub fn expect_u64(&mut self) -> Result<u64> {
        if self.tok.kind != Kind::Int {
            return Err(self.expected("an integer"));
        }
        let v = self.text(self.tok).parse::<u64>().map_err(|_| self.expected("an unsigned 64-bit integer"))?;
        self.bump();
        Ok(v)
    }

    /// Parses an unsigned integer that fits in `u32`.
    pub fn expect_u32(&mut self) -> Result<u32> {
        let pos = self.tok.start;
        let v = self.expect_u64()?;
        u32::try_from(v).map_err(|_| self.err_at(pos, format!("expected a 32-bit integer, found `{v}`")))
    }

    /// Skips a balanced group starting at the current `open` token.
    pub fn skip_balanced(&mut self, open: u8, close: u8) -> Result<()> {
        let start = self.tok.start;
        self.expect_punct(open)?;
        let mut depth = 1usize;
        while depth > 0 {
            match self.tok.kind {
                Kind::Eof => {
                    return Err(
                        self.err_at(start, format!("unterminated `{}`: no matching `{}`", open as char, close as char))
                    );
                }
                Kind::Error(what) => return Err(self.err_at(self.tok.start, what)),
                Kind::Punct(c) if c == open => depth += 1,
                Kind::Punct(c) if c == close => depth -= 1,
                _ => {}
            }
            self.bump();
        }
        Ok(())
    }

    /// Skips one metadata value: `!12`, `!{...}`, `!"str"`, `!DIFoo(...)`,
    /// `distinct !{...}`.
    pub fn skip_md_value(&mut self) -> Result<()> {
        while self.eat_ident("distinct") {}
        match self.tok.kind {
            Kind::MetaName => {
                self.bump();
                if self.is_punct(b'(') {
                    self.skip_balanced(b'(', b')')?;
                }
                Ok(())
            }
            Kind::Punct(b'!') => {
                self.bump();
                match self.tok.kind {
                    Kind::Punct(b'{') => self.skip_balanced(b'{', b'}'),
                    Kind::Str => {
                        self.bump();
                        Ok(())
                    }
                    _ => Err(self.expected("metadata")),
                }
            }
            _ => Err(self.expected("metadata")),
        }
    }

    /// Skips a metadata attachment `!kind !value` (current token is `!kind`).
    pub fn skip_md_attachment(&mut self) -> Result<()> {
        if self.tok.kind != Kind::MetaName {
            return Err(self.expected("a metadata attachment"));
        }
        self.bump();
        self.skip_md_value()
    }

    // ---------------------------------------------------------------- module

    /// Parses the whole module.
    pub fn parse(mut self) -> Result<(Module, Vec<Unsupported>)> {
        self.prescan()?;
        self.bump();
        loop {
            match self.tok.kind {
                Kind::Eof => break,
                Kind::Ident => match self.text(self.tok) {
                    "source_filename" => {
                        self.bump();
                        self.expect_punct(b'=')?;
                        self.m.source_filename = Some(self.expect_string()?);
                    }
                    "target" => self.parse_target()?,
                    "module" => {
                        self.bump();
                        self.expect_ident("asm")?;
                        let s = self.expect_string()?;
                        self.m.module_asm.push(s);
                    }
                    "define" => self.parse_function(true)?,
                    "declare" => self.parse_function(false)?,
                    "attributes" => self.parse_attr_group()?,
                    "uselistorder" | "uselistorder_bb" => self.skip_uselistorder()?,
                    "deplibs" => {
                        self.bump();
                        self.expect_punct(b'=')?;
                        self.skip_balanced(b'[', b']')?;
                    }
                    _ => return Err(self.expected("a top-level entity")),
                },
                Kind::LocalName | Kind::LocalNum => self.parse_named_type()?,
                Kind::GlobalName | Kind::GlobalNum => self.parse_global()?,
                Kind::Comdat => {
                    self.bump();
                    self.expect_punct(b'=')?;
                    self.expect_ident("comdat")?;
                    if self.tok.kind != Kind::Ident {
                        return Err(self.expected("a comdat selection kind"));
                    }
                    self.bump();
                }
                Kind::MetaName => {
                    self.bump();
                    self.expect_punct(b'=')?;
                    self.skip_md_value()?;
                }
                Kind::Punct(b'^') => {
                    // Summary entry: `^N = kind: (...)`.
                    self.bump();
                    self.expect_u64()?;
                    self.expect_punct(b'=')?;
                    while !self.is_punct(b'(') {
                        if self.tok.kind == Kind::Eof {
                            return Err(self.expected("`(`"));
                        }
                        self.bump();
                    }
                    self.skip_balanced(b'(', b')')?;
                }
                _ => return Err(self.expected("a top-level entity")),
            }
        }
        self.finish()
    }

    fn finish(mut self) -> Result<(Module, Vec<Unsupported>)> {
        for &ty in self.m.types.named_types() {
            if !self.named_defined.contains_key(&ty) {
                let pos = self.named_first_use.get(&ty).copied().unwrap_or(0);
                let name = match self.m.types.get(ty) {
                    TypeData::Named(n) => n.clone(),
                    _ => String::new(),
                };
                return Err(self.err_at(pos, format!("use of undefined type `%{name}`")));
            }
        }
        self.check_named_types(&self.named_defined)?;
        for (func, groups) in std::mem::take(&mut self.func_groups) {
            let f = self.m.func_mut(func);
            f.noreturn |= groups.iter().any(|g| self.noreturn_groups.contains(g));
            f.noinline |= groups.iter().any(|g| self.noinline_groups.contains(g));
            f.cold |= groups.iter().any(|g| self.cold_groups.contains(g));
        }
        // Convert offsets to line/column in one pass.
        let mut items = std::mem::take(&mut self.unsupported);
        items.sort_by_key(|(pos, _)| *pos);
        let bytes = self.src.as_bytes();
        let (mut line, mut line_start, mut at) = (1u32, 0usize, 0usize);
        let mut out = Vec::with_capacity(items.len());
        for (pos, what) in items {
            let pos = pos.min(bytes.len());
            while at < pos {
                if bytes[at] == b'\n' {
                    line += 1;
                    line_start = at + 1;
                }
                at += 1;
            }
            out.push(Unsupported { line, col: u32::try_from(pos - line_start + 1).unwrap_or(u32::MAX), what });
        }
        Ok((self.m, out))
    }

    /// Finds every symbol definition so that forward references resolve.
    fn prescan(&mut self) -> Result<()> {
        #[derive(PartialEq)]
        enum State {
            Idle,
            WantFuncName,
            WantGlobalKind(Token),
        }
        let placeholder_fn =
            self.m.types.intern(TypeData::Func { ret: self.t.void, params: Vec::new(), varargs: false });
        let placeholder_const = self.m.intern_const(ConstData::Undef(self.t.ptr));
        let mut lx = Lexer::new(self.src);
        let mut depth = 0i64;
        let mut state = State::Idle;
        loop {
            let t = lx.next_token();
            match t.kind {
                Kind::Eof => return Ok(()),
                Kind::Error(_) => return Ok(()), // reported by the main pass
                Kind::Punct(b'{') => depth += 1,
                Kind::Punct(b'}') => depth -= 1,
                Kind::Ident if depth == 0 => {
                    let w = self.text(t);
                    match (&state, w) {
                        (State::Idle, "define" | "declare") => state = State::WantFuncName,
                        (State::WantGlobalKind(name), "global" | "constant" | "alias" | "ifunc") => {
                            let name = *name;
                            let n = self.name_of(name).into_owned();
                            if self.m.symbol(&n).is_some() || self.ifuncs.contains(&n) {
                                return Err(self.err_at(name.start, format!("redefinition of symbol `@{n}`")));
                            }
                            match w {
                                "alias" => {
                                    self.m.add_alias(Alias {
                                        name: n,
                                        value_ty: self.t.ptr,
                                        aliasee: placeholder_const,
                                        linkage: Linkage::External,
                                    });
                                }
                                "ifunc" => {
                                    self.ifuncs.insert(n);
                                }
                                _ => {
                                    self.m.add_global(Global {
                                        name: n,
                                        value_ty: self.t.ptr,
                                        init: None,
                                        is_constant: false,
                                        linkage: Linkage::External,
                                        align: None,
                                        thread_local: false,
                                        unnamed_addr: false,
                                        section: None,
                                    });
                                }
                            }
                            state = State::Idle;
                        }
                        _ => {}
                    }
                }
                Kind::GlobalName | Kind::GlobalNum if depth == 0 => {
                    if state == State::WantFuncName {
                        let n = self.name_of(t).into_owned();
                        if self.m.symbol(&n).is_some() || self.ifuncs.contains(&n) {
                            return Err(self.err_at(t.start, format!("redefinition of symbol `@{n}`")));
                        }
                        self.m.add_func(Function::declaration(n, placeholder_fn, Vec::new()));
                        state = State::Idle;
                    } else if lx.clone().next_token().kind == Kind::Punct(b'=') {
                        state = State::WantGlobalKind(t);
                    }
                }
                _ => {}
            }
        }
    }

    /// Resolves a global symbol token to its [`Symbol`].
    pub fn symbol_at(&self, tok: Token) -> Result<Symbol> {
        let name = self.name_of(tok);
        match self.m.symbol(&name) {
            Some(s) => Ok(s),
            None if self.ifuncs.contains(name.as_ref()) => {
                Err(self.err_at(tok.start, format!("ifunc `@{name}` is not supported")))
            }
            None => Err(self.err_at(tok.start, format!("use of undefined symbol `@{name}`"))),
        }
    }

    fn parse_target(&mut self) -> Result<()> {
        self.bump();
        let which = self.ident().ok_or_else(|| self.expected("`datalayout` or `triple`"))?;
        if which != "datalayout" && which != "triple" {
            return Err(self.expected("`datalayout` or `triple`"));
        }
        self.bump();
        self.expect_punct(b'=')?;
        let pos = self.tok.start;
        let s = self.expect_string()?;
        if which == "datalayout" {
            self.m.layout = DataLayout::parse(&s).map_err(|e| self.err_at(pos, e.to_string()))?;
            self.m.datalayout_str = Some(s);
        } else {
            self.m.triple = Some(s);
        }
        Ok(())
    }

    fn parse_attr_group(&mut self) -> Result<()> {
        self.bump();
        if self.tok.kind != Kind::AttrGroup {
            return Err(self.expected("an attribute group `#N`"));
        }
        let id = self.text(self.tok)[1..].parse::<u32>().map_err(|_| self.expected("an attribute group id"))?;
        self.bump();
        self.expect_punct(b'=')?;
        let start = self.tok.start;
        self.expect_punct(b'{')?;
        let mut depth = 1usize;
        while depth > 0 {
            match self.tok.kind {
                Kind::Eof => return Err(self.err_at(start, "unterminated attribute group")),
                Kind::Punct(b'{') => depth += 1,
                Kind::Punct(b'}') => depth -= 1,
                Kind::Ident if depth == 1 => match self.text(self.tok) {
                    "noreturn" => drop(self.noreturn_groups.insert(id)),
                    "noinline" => drop(self.noinline_groups.insert(id)),
                    "cold" => drop(self.cold_groups.insert(id)),
                    _ => {}
                },
                _ => {}
            }
            self.bump();
        }
        Ok(())
    }

    fn skip_uselistorder(&mut self) -> Result<()> {
        // `uselistorder T V, { i, j, ... }` / `uselistorder_bb @f, %bb, { ... }`
        while !self.is_punct(b'{') {
            if matches!(self.tok.kind, Kind::Eof | Kind::Error(_)) {
                return Err(self.expected("`{`"));
            }
            self.bump();
        }
        self.skip_balanced(b'{', b'}')
    }

    fn parse_named_type(&mut self) -> Result<()> {
        let name_tok = self.tok;
        let name = self.name_of(name_tok).into_owned();
        self.bump();
        self.expect_punct(b'=')?;
        self.expect_ident("type")?;
        let ty = self.m.types.intern(TypeData::Named(name.clone()));
        self.named_first_use.entry(ty).or_insert(name_tok.start);
        if self.named_defined.insert(ty, name_tok.start).is_some() {
            return Err(self.err_at(name_tok.start, format!("redefinition of type `%{name}`")));
        }
        if self.eat_ident("opaque") {
            return Ok(());
        }
        let packed = if self.is_punct(b'<') {
            self.bump();
            if !self.is_punct(b'{') {
                return Err(self.expected("`{` of a packed struct (named non-struct types are not supported)"));
            }
            true
        } else if self.is_punct(b'{') {
            false
        } else {
            return Err(self.expected("a struct body or `opaque` (named non-struct types are not supported)"));
        };
        let fields = self.parse_struct_body()?;
        if packed {
            self.expect_punct(b'>')?;
        }
        self.m.types.set_named_body(ty, fields, packed);
        Ok(())
    }

    fn parse_global(&mut self) -> Result<()> {
        let name_tok = self.tok;
        self.bump();
        self.expect_punct(b'=')?;
        let prefix = self.parse_prefix(false)?;
        let kind_pos = self.tok.start;
        let kind = self.ident().ok_or_else(|| self.expected("`global`, `constant` or `alias`"))?;
        self.bump();
        match kind {
            "alias" => {
                let value_ty = self.parse_type()?;
                self.expect_punct(b',')?;
                let aliasee_ty = self.parse_type()?;
                let aliasee = self.parse_const(aliasee_ty)?;
                self.skip_global_trailer()?;
                let Symbol::Alias(id) = self.symbol_at(name_tok)? else {
                    return Err(self.err_at(name_tok.start, "symbol kind changed between passes"));
                };
                let a = &mut self.m.aliases[id.index()];
                a.value_ty = value_ty;
                a.aliasee = aliasee;
                a.linkage = prefix.linkage;
                Ok(())
            }
            "ifunc" => Err(self.err_at(kind_pos, "ifunc is not supported")),
            "global" | "constant" => {
                let value_ty = self.parse_type()?;
                let is_decl = prefix.external_kw || prefix.linkage == Linkage::ExternWeak;
                let init = if is_decl { None } else { Some(self.parse_const(value_ty)?) };
                let (section, align) = self.skip_global_trailer()?;
                let Symbol::Global(id) = self.symbol_at(name_tok)? else {
                    return Err(self.err_at(name_tok.start, "symbol kind changed between passes"));
                };
                let g = &mut self.m.globals[id.index()];
                g.value_ty = value_ty;
                g.init = init;
                g.is_constant = kind == "constant";
                g.linkage = prefix.linkage;
                g.align = align;
                g.thread_local = prefix.thread_local;
                g.unnamed_addr = prefix.unnamed_addr;
                g.section = section;
                Ok(())
            }
            _ => Err(self.err_at(kind_pos, format!("expected `global`, `constant` or `alias`, found `{kind}`"))),
        }
    }

    /// Skips `, section "s"`, `, align N`, `, comdat`, `, !dbg !0`, `#N`...
    /// after a global; returns the section and alignment.
    fn skip_global_trailer(&mut self) -> Result<(Option<String>, Option<u32>)> {
        let (mut section, mut align) = (None, None);
        loop {
            if self.is_punct(b',') {
                self.bump();
                match self.tok.kind {
                    Kind::MetaName => self.skip_md_attachment()?,
                    Kind::Ident => match self.text(self.tok) {
                        "section" => {
                            self.bump();
                            section = Some(self.expect_string()?);
                        }
                        "partition" | "code_model" => {
                            self.bump();
                            self.expect_string()?;
                        }
                        "align" => {
                            self.bump();
                            align = Some(self.expect_u32()?);
                        }
                        "comdat" => {
                            self.bump();
                            if self.is_punct(b'(') {
                                self.skip_balanced(b'(', b')')?;
                            }
                        }
                        _ => {
                            // no_sanitize_address and friends.
                            self.bump();
                        }
                    },
                    _ => return Err(self.expected("a global attribute")),
                }
            } else if self.tok.kind == Kind::AttrGroup {
                self.bump();
            } else if self.tok.kind == Kind::MetaName && self.peek().kind != Kind::Punct(b'=') {
                self.skip_md_attachment()?;
            } else {
                return Ok((section, align));
            }
        }
    }

    /// True when `tok` starts a top-level entity keyword.
    pub fn is_top_level_keyword(&self, tok: Token) -> bool {
        tok.kind == Kind::Ident && TOP_LEVEL.contains(&self.text(tok))
    }
}
