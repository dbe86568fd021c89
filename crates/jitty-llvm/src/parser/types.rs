//! Type syntax: `i32`, `ptr addrspace(1)`, `[4 x i8]`, `<4 x i32>`,
//! `{ i64, ptr }`, `<{ i8 }>`, `%Named`, function types `i32 (ptr, ...)`.

use super::Parser;
use crate::lexer::Kind;
use crate::{MAX_DEPTH, Result};
use jitty_ir::{FloatKind, Ty, TypeData, TypeStore};
use std::collections::{HashMap, HashSet};

/// The types a value of `ty` holds by value: array and vector elements,
/// struct fields (a named struct's body). `ptr` holds nothing.
fn contained(types: &TypeStore, ty: Ty) -> Vec<Ty> {
    match types.get(ty) {
        TypeData::Array { elem, .. } | TypeData::Vector { elem, .. } => vec![*elem],
        _ => types.struct_fields(ty).map(|(f, _)| f.to_vec()).unwrap_or_default(),
    }
}

/// True when `word` is a type keyword (`i32`, `ptr`, `double`, ...).
pub(crate) fn is_type_keyword(word: &str) -> bool {
    matches!(
        word,
        "void"
            | "half"
            | "bfloat"
            | "float"
            | "double"
            | "x86_fp80"
            | "fp128"
            | "ppc_fp128"
            | "label"
            | "metadata"
            | "token"
            | "x86_amx"
            | "x86_mmx"
            | "ptr"
            | "target"
    ) || word.strip_prefix('i').is_some_and(|d| !d.is_empty() && d.bytes().all(|c| c.is_ascii_digit()))
}

impl Parser<'_> {
    /// Parses a type, including a trailing function-type parameter list.
    pub fn parse_type(&mut self) -> Result<Ty> {
        self.enter()?;
        let r = self.parse_type_inner();
        self.leave();
        r
    }

    fn parse_type_inner(&mut self) -> Result<Ty> {
        let mut ty = self.parse_base_type()?;
        loop {
            if self.is_punct(b'(') {
                self.bump();
                let mut params = Vec::new();
                let mut varargs = false;
                while !self.is_punct(b')') {
                    if !params.is_empty() || varargs {
                        self.expect_punct(b',')?;
                    }
                    if self.tok.kind == Kind::Ellipsis {
                        self.bump();
                        varargs = true;
                        continue;
                    }
                    if varargs {
                        return Err(self.expected("`)` after `...`"));
                    }
                    let p = self.parse_type()?;
                    // Attributes are not allowed in function types, but skip
                    // them rather than fail on hand-written IR.
                    self.parse_param_attrs()?;
                    params.push(p);
                }
                self.bump();
                ty = self.m.types.intern(TypeData::Func { ret: ty, params, varargs });
            } else if self.is_punct(b'*') {
                return Err(self.err_at(self.tok.start, "typed pointers are not supported; use `ptr`"));
            } else {
                return Ok(ty);
            }
        }
    }

    fn parse_base_type(&mut self) -> Result<Ty> {
        let pos = self.tok.start;
        match self.tok.kind {
            Kind::Ident => {
                let w = self.text(self.tok);
                let data = match w {
                    "void" => TypeData::Void,
                    "half" => TypeData::Float(FloatKind::Half),
                    "bfloat" => TypeData::Float(FloatKind::BFloat),
                    "float" => TypeData::Float(FloatKind::Float),
                    "double" => TypeData::Float(FloatKind::Double),
                    "x86_fp80" => TypeData::Float(FloatKind::X86Fp80),
                    "fp128" => TypeData::Float(FloatKind::Fp128),
                    "ppc_fp128" => TypeData::Float(FloatKind::PpcFp128),
                    "label" => TypeData::Label,
                    "metadata" => TypeData::Metadata,
                    "token" => TypeData::Token,
                    "x86_amx" | "x86_mmx" => {
                        self.unsupported(pos, format!("type `{w}`"));
                        TypeData::Opaque(w.to_string())
                    }
                    "ptr" => {
                        self.bump();
                        let addrspace = self.parse_addrspace()?;
                        return Ok(self.m.types.intern(TypeData::Ptr { addrspace }));
                    }
                    "target" => {
                        self.bump();
                        let start = self.tok.start;
                        self.skip_balanced(b'(', b')')?;
                        let text = format!("target{}", &self.src[start..self.tok.start].trim_end());
                        self.unsupported(pos, format!("target extension type `{text}`"));
                        return Ok(self.m.types.intern(TypeData::Opaque(text)));
                    }
                    _ => match w.strip_prefix('i').map(str::parse::<u32>) {
                        // Any width LLVM allows is represented (wide constants
                        // as words); which widths run is each engine's to report.
                        Some(Ok(bits)) if (1..=(1 << 23)).contains(&bits) => TypeData::Int(bits),
                        Some(_) => return Err(self.err_at(pos, format!("invalid integer type `{w}`"))),
                        None => return Err(self.expected("a type")),
                    },
                };
                self.bump();
                Ok(self.m.types.intern(data))
            }
            Kind::Punct(b'{') => {
                let fields = self.parse_struct_body()?;
                Ok(self.m.types.intern(TypeData::Struct { fields, packed: false }))
            }
            Kind::Punct(b'<') => {
                self.bump();
                if self.is_punct(b'{') {
                    let fields = self.parse_struct_body()?;
                    self.expect_punct(b'>')?;
                    return Ok(self.m.types.intern(TypeData::Struct { fields, packed: true }));
                }
                let scalable = self.eat_ident("vscale");
                if scalable {
                    self.expect_ident("x")?;
                    self.unsupported(pos, "scalable vector type");
                }
                let len = self.expect_u32()?;
                self.expect_ident("x")?;
                let elem = self.parse_type()?;
                self.expect_punct(b'>')?;
                if len == 0 {
                    return Err(self.err_at(pos, "zero-length vector type"));
                }
                Ok(self.m.types.intern(TypeData::Vector { elem, len, scalable }))
            }
            Kind::Punct(b'[') => {
                self.bump();
                let len = self.expect_u64()?;
                self.expect_ident("x")?;
                let elem = self.parse_type()?;
                self.expect_punct(b']')?;
                Ok(self.m.types.intern(TypeData::Array { elem, len }))
            }
            Kind::LocalName | Kind::LocalNum => {
                let name = self.name_of(self.tok).into_owned();
                let ty = self.m.types.intern(TypeData::Named(name));
                self.named_first_use.entry(ty).or_insert(pos);
                self.bump();
                Ok(ty)
            }
            _ => Err(self.expected("a type")),
        }
    }

    /// Parses `{ T, T, ... }` (current token `{`).
    pub fn parse_struct_body(&mut self) -> Result<Vec<Ty>> {
        self.expect_punct(b'{')?;
        let mut fields = Vec::new();
        while !self.is_punct(b'}') {
            if !fields.is_empty() {
                self.expect_punct(b',')?;
            }
            fields.push(self.parse_type()?);
        }
        self.bump();
        Ok(fields)
    }

    /// Parses an optional `addrspace(N)`.
    pub fn parse_addrspace(&mut self) -> Result<u32> {
        if !self.eat_ident("addrspace") {
            return Ok(0);
        }
        self.expect_punct(b'(')?;
        let n = if self.tok.kind == Kind::Str {
            // Symbolic address spaces ("A", "G", "P") from the datalayout.
            self.bump();
            0
        } else {
            self.expect_u32()?
        };
        self.expect_punct(b')')?;
        Ok(n)
    }

    /// Renders a type for error messages.
    pub fn type_name(&self, ty: Ty) -> String {
        jitty_ir::printer::type_to_string(&self.m.types, ty)
    }
}

/// Most nodes the type tree of one type may have (a struct's fields and an
/// array's element type each count once, named bodies unfolded). Every size
/// or alignment query walks the tree, so this bounds the cost of each.
/// Real types stay far below it.
pub const MAX_TYPE_NODES: u64 = 1 << 16;

impl Parser<'_> {
    /// Checks the types once every named struct is defined, as LLVM does: a
    /// struct must not contain itself by value (through fields, arrays and
    /// vectors; only `ptr` may close a cycle). Also, for every type, its
    /// containment depth, counted through the bodies of the named types it
    /// holds, is at most [`MAX_DEPTH`], and its type tree has at most
    /// [`MAX_TYPE_NODES`] nodes. Syntax alone bounds only what one
    /// definition writes. Without this check, a cycle, a chain or a doubling
    /// chain (`%tN = type { %tN-1, %tN-1 }`) of named types made every size,
    /// alignment or field-offset query recurse without end, overflow the
    /// stack, or take exponential time. `defs` maps each named type to the
    /// offset of its definition, where errors are reported; a literal type
    /// is reported where a named type it holds is defined.
    pub(super) fn check_named_types(&self, defs: &HashMap<Ty, usize>) -> Result<()> {
        let types = &self.m.types;
        let name = |ty: Ty| match types.get(ty) {
            TypeData::Named(n) => format!("%{n}"),
            _ => jitty_ir::printer::type_to_string(types, ty),
        };
        let mut roots: Vec<(usize, Ty)> = defs.iter().map(|(&ty, &pos)| (pos, ty)).collect();
        roots.sort_unstable();
        // Then every other type, in interning order.
        roots.extend((0..types.len()).map(Ty::new).filter(|t| !defs.contains_key(t)).map(|t| (usize::MAX, t)));
        // Finished types: (depth, tree nodes, where to report). A scalar is 1 deep, 1 node.
        let mut done: HashMap<Ty, (u32, u64, Option<usize>)> = HashMap::new();
        let mut on_path: HashSet<Ty> = HashSet::new();
        struct Frame {
            ty: Ty,
            children: Vec<Ty>,
            next: usize,
            deepest: u32,
            nodes: u64,
            at: Option<usize>,
        }
        let frame = |ty: Ty| Frame {
            ty,
            children: contained(types, ty),
            next: 0,
            deepest: 0,
            nodes: 1,
            at: defs.get(&ty).copied(),
        };
        for (_, root) in roots {
            if done.contains_key(&root) {
                continue;
            }
            // Depth-first, without recursion.
            let mut stack = vec![frame(root)];
            on_path.insert(root);
            while let Some(top) = stack.last_mut() {
                if let Some(&child) = top.children.get(top.next) {
                    top.next += 1;
                    if let Some(&(d, n, at)) = done.get(&child) {
                        top.deepest = top.deepest.max(d);
                        top.nodes = top.nodes.saturating_add(n);
                        top.at = top.at.or(at);
                    } else if on_path.contains(&child) {
                        let pos = defs.get(&child).copied().unwrap_or(0);
                        return Err(self.err_at(
                            pos,
                            format!("type `{}` is recursive: it contains itself, not through a `ptr`", name(child)),
                        ));
                    } else {
                        on_path.insert(child);
                        stack.push(frame(child));
                    }
                    continue;
                }
                let Frame { ty, deepest, nodes, at, .. } = *stack.last().expect("non-empty");
                let d = deepest + 1;
                if d > MAX_DEPTH {
                    return Err(self.err_at(
                        at.unwrap_or(0),
                        format!(
                            "type `{}` nests deeper than {MAX_DEPTH} levels (counting the named types it contains)",
                            name(ty)
                        ),
                    ));
                }
                if nodes > MAX_TYPE_NODES {
                    return Err(self.err_at(
                        at.unwrap_or(0),
                        format!(
                            "type `{}` has more than {MAX_TYPE_NODES} nested fields and elements (counting the named types it contains)",
                            name(ty)
                        ),
                    ));
                }
                done.insert(ty, (d, nodes, at));
                on_path.remove(&ty);
                stack.pop();
                if let Some(parent) = stack.last_mut() {
                    parent.deepest = parent.deepest.max(d);
                    parent.nodes = parent.nodes.saturating_add(nodes);
                    parent.at = parent.at.or(at);
                }
            }
        }
        Ok(())
    }
}
