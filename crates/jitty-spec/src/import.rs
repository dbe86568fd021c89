//! Copies types and constants of the source module into the residual
//! module on demand. Functions and globals become declarations under the
//! same names, so the residual code links against the generic ones.

use jitty_ir::{
    ConstData, ConstExpr, ConstId, FuncId, Function, Global, GlobalId, Linkage, Module, Param, ParamAttrs, Symbol, Ty,
    TypeData,
};
use rustc_hash::FxHashMap as HashMap;

/// The residual module under construction and the maps from source ids.
#[derive(Debug)]
pub struct Importer<'a> {
    pub src: &'a Module,
    pub dst: Module,
    tys: HashMap<Ty, Ty>,
    consts: HashMap<ConstId, ConstId>,
    funcs: HashMap<FuncId, FuncId>,
    globals: HashMap<GlobalId, GlobalId>,
}

impl<'a> Importer<'a> {
    pub fn new(src: &'a Module) -> Importer<'a> {
        let mut dst = Module::new();
        dst.datalayout_str = src.datalayout_str.clone();
        dst.triple = src.triple.clone();
        dst.layout = src.layout.clone();
        Importer {
            src,
            dst,
            tys: HashMap::default(),
            consts: HashMap::default(),
            funcs: HashMap::default(),
            globals: HashMap::default(),
        }
    }

    pub fn ty(&mut self, t: Ty) -> Ty {
        if let Some(&d) = self.tys.get(&t) {
            return d;
        }
        let data = self.src.types.get(t).clone();
        let d = match data {
            TypeData::Array { elem, len } => {
                let elem = self.ty(elem);
                self.dst.types.intern(TypeData::Array { elem, len })
            }
            TypeData::Vector { elem, len, scalable } => {
                let elem = self.ty(elem);
                self.dst.types.intern(TypeData::Vector { elem, len, scalable })
            }
            TypeData::Struct { fields, packed } => {
                let fields = fields.into_iter().map(|f| self.ty(f)).collect();
                self.dst.types.intern(TypeData::Struct { fields, packed })
            }
            TypeData::Func { ret, params, varargs } => {
                let ret = self.ty(ret);
                let params = params.into_iter().map(|p| self.ty(p)).collect();
                self.dst.types.intern(TypeData::Func { ret, params, varargs })
            }
            TypeData::Named(name) => {
                let d = self.dst.types.intern(TypeData::Named(name));
                // Insert before importing the body: named types may be recursive.
                self.tys.insert(t, d);
                if let Some(body) = self.src.types.named_body(t).cloned()
                    && let Some(fields) = body.fields
                {
                    let fields = fields.into_iter().map(|f| self.ty(f)).collect();
                    self.dst.types.set_named_body(d, fields, body.packed);
                }
                d
            }
            other => self.dst.types.intern(other),
        };
        self.tys.insert(t, d);
        d
    }

    pub fn attrs(&mut self, a: ParamAttrs) -> ParamAttrs {
        ParamAttrs { byval: a.byval.map(|t| self.ty(t)), sret: a.sret.map(|t| self.ty(t)), ..a }
    }

    /// The declaration of source function `f` in the residual module.
    pub fn func(&mut self, f: FuncId) -> FuncId {
        if let Some(&d) = self.funcs.get(&f) {
            return d;
        }
        let sf = self.src.func(f);
        let d = match self.dst.symbol(&sf.name) {
            Some(Symbol::Func(d)) => d,
            _ => {
                let ty = self.ty(sf.ty);
                let params = sf
                    .params
                    .clone()
                    .into_iter()
                    .map(|p| Param { ty: self.ty(p.ty), name: None, attrs: self.attrs(p.attrs) })
                    .collect();
                let mut decl = Function::declaration(sf.name.clone(), ty, params);
                decl.cconv = sf.cconv;
                decl.ret_attrs = self.attrs(sf.ret_attrs);
                decl.noreturn = sf.noreturn;
                self.dst.add_func(decl)
            }
        };
        self.funcs.insert(f, d);
        d
    }

    fn global(&mut self, g: GlobalId) -> GlobalId {
        if let Some(&d) = self.globals.get(&g) {
            return d;
        }
        let sg = self.src.global(g);
        let value_ty = self.ty(sg.value_ty);
        let d = self.dst.add_global(Global {
            name: sg.name.clone(),
            value_ty,
            init: None,
            is_constant: sg.is_constant,
            linkage: Linkage::External,
            align: sg.align,
            thread_local: sg.thread_local,
            unnamed_addr: false,
            section: None,
        });
        self.globals.insert(g, d);
        d
    }

    /// The source constant `c` in the residual module.
    pub fn constant(&mut self, c: ConstId) -> ConstId {
        if let Some(&d) = self.consts.get(&c) {
            return d;
        }
        let data = self.src.constant(c).clone();
        let d = match data {
            ConstData::Int { ty, bits } => ConstData::Int { ty: self.ty(ty), bits },
            ConstData::WideInt { ty, words } => ConstData::WideInt { ty: self.ty(ty), words },
            ConstData::Float { ty, bits } => ConstData::Float { ty: self.ty(ty), bits },
            ConstData::Null(t) => ConstData::Null(self.ty(t)),
            ConstData::Zero(t) => ConstData::Zero(self.ty(t)),
            ConstData::Undef(t) => ConstData::Undef(self.ty(t)),
            ConstData::Poison(t) => ConstData::Poison(self.ty(t)),
            ConstData::NoneToken(t) => ConstData::NoneToken(self.ty(t)),
            ConstData::Aggregate { ty, elems } => {
                let ty = self.ty(ty);
                ConstData::Aggregate { ty, elems: elems.into_iter().map(|e| self.constant(e)).collect() }
            }
            ConstData::Bytes { ty, bytes } => ConstData::Bytes { ty: self.ty(ty), bytes },
            ConstData::Global { ty, id } => ConstData::Global { ty: self.ty(ty), id: self.global(id) },
            ConstData::Func { ty, id } => ConstData::Func { ty: self.ty(ty), id: self.func(id) },
            ConstData::Alias { ty, id } => {
                // The alias's target, imported (the residual module has no aliases).
                let target = self.src.aliases[id.index()].aliasee;
                let _ = ty;
                let d = self.constant(target);
                self.consts.insert(c, d);
                return d;
            }
            ConstData::Expr { ty, expr } => {
                let ty = self.ty(ty);
                let expr = match expr {
                    ConstExpr::Gep { source_ty, base, indices, flags } => ConstExpr::Gep {
                        source_ty: self.ty(source_ty),
                        base: self.constant(base),
                        indices: indices.into_iter().map(|i| self.constant(i)).collect(),
                        flags,
                    },
                    ConstExpr::Cast { op, val } => ConstExpr::Cast { op, val: self.constant(val) },
                    ConstExpr::Binary { op, lhs, rhs, flags } => {
                        ConstExpr::Binary { op, lhs: self.constant(lhs), rhs: self.constant(rhs), flags }
                    }
                    ConstExpr::ExtractElement { vec, idx } => {
                        ConstExpr::ExtractElement { vec: self.constant(vec), idx: self.constant(idx) }
                    }
                    ConstExpr::InsertElement { vec, elt, idx } => ConstExpr::InsertElement {
                        vec: self.constant(vec),
                        elt: self.constant(elt),
                        idx: self.constant(idx),
                    },
                    ConstExpr::ShuffleVector { a, b, mask } => {
                        ConstExpr::ShuffleVector { a: self.constant(a), b: self.constant(b), mask }
                    }
                    ConstExpr::BlockAddress { func, block } => ConstExpr::BlockAddress { func: self.func(func), block },
                    ConstExpr::FuncRef { func } => ConstExpr::FuncRef { func: self.func(func) },
                };
                ConstData::Expr { ty, expr }
            }
        };
        let d = self.dst.intern_const(d);
        self.consts.insert(c, d);
        d
    }
}
