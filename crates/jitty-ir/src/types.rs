//! Types and the per-module type store.
//!
//! Types are interned: two structurally equal literal types share one [`Ty`],
//! so type equality is handle equality. Named (identified) struct types are
//! distinct by name, may be opaque, and get their body after creation (LLVM
//! allows forward references and recursive types through `ptr`).

use crate::entity::Ty;
use foldhash::HashMap;

/// Floating-point formats.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug)]
pub enum FloatKind {
    /// IEEE binary16.
    Half,
    /// bfloat16.
    BFloat,
    /// IEEE binary32.
    Float,
    /// IEEE binary64.
    Double,
    /// x87 80-bit extended precision.
    X86Fp80,
    /// IEEE binary128.
    Fp128,
    /// PowerPC double-double.
    PpcFp128,
}

impl FloatKind {
    /// Width of the value in bits.
    pub fn bits(self) -> u32 {
        match self {
            FloatKind::Half | FloatKind::BFloat => 16,
            FloatKind::Float => 32,
            FloatKind::Double => 64,
            FloatKind::X86Fp80 => 80,
            FloatKind::Fp128 | FloatKind::PpcFp128 => 128,
        }
    }

    /// The LLVM keyword for this type.
    pub fn keyword(self) -> &'static str {
        match self {
            FloatKind::Half => "half",
            FloatKind::BFloat => "bfloat",
            FloatKind::Float => "float",
            FloatKind::Double => "double",
            FloatKind::X86Fp80 => "x86_fp80",
            FloatKind::Fp128 => "fp128",
            FloatKind::PpcFp128 => "ppc_fp128",
        }
    }
}

/// The structure of one type.
#[derive(Clone, PartialEq, Eq, Hash, Debug)]
pub enum TypeData {
    /// `void`.
    Void,
    /// `iN`, 1 <= N <= 2^23.
    Int(u32),
    /// A floating-point type.
    Float(FloatKind),
    /// `ptr` / `ptr addrspace(N)`.
    Ptr { addrspace: u32 },
    /// `label`.
    Label,
    /// `metadata`.
    Metadata,
    /// `token`.
    Token,
    /// `x86_amx` and other target types the IR only carries around.
    Opaque(String),
    /// `[N x T]`.
    Array { elem: Ty, len: u64 },
    /// `<N x T>` or `<vscale x N x T>`.
    Vector { elem: Ty, len: u32, scalable: bool },
    /// A literal struct `{ T, ... }` or packed `<{ T, ... }>`.
    Struct { fields: Vec<Ty>, packed: bool },
    /// An identified struct `%name`; its body lives in [`TypeStore::named_body`].
    Named(String),
    /// A function type `R (P, ...)`.
    Func { ret: Ty, params: Vec<Ty>, varargs: bool },
}

/// The body of an identified struct type.
#[derive(Clone, PartialEq, Eq, Debug, Default)]
pub struct NamedBody {
    /// Field types; `None` while the type is opaque.
    pub fields: Option<Vec<Ty>>,
    /// `<{ ... }>`.
    pub packed: bool,
}

/// Interns types for one module.
#[derive(Clone, Debug, Default)]
pub struct TypeStore {
    data: Vec<TypeData>,
    index: HashMap<TypeData, Ty>,
    /// Bodies of named structs, keyed by the [`Ty`] of the `Named` entry.
    bodies: HashMap<Ty, NamedBody>,
    /// Named struct types in definition order (for printing).
    named_order: Vec<Ty>,
}

impl PartialEq for TypeStore {
    fn eq(&self, other: &Self) -> bool {
        self.data == other.data && self.bodies == other.bodies
    }
}

impl TypeStore {
    /// An empty store.
    pub fn new() -> Self {
        Self::default()
    }

    /// Interns `data`, returning its handle.
    pub fn intern(&mut self, data: TypeData) -> Ty {
        if let Some(&ty) = self.index.get(&data) {
            return ty;
        }
        let ty = Ty::new(self.data.len());
        if let TypeData::Named(_) = &data {
            self.named_order.push(ty);
            self.bodies.insert(ty, NamedBody::default());
        }
        self.data.push(data.clone());
        self.index.insert(data, ty);
        ty
    }

    /// The structure of `ty`.
    #[inline]
    pub fn get(&self, ty: Ty) -> &TypeData {
        &self.data[ty.index()]
    }

    /// Number of interned types.
    pub fn len(&self) -> usize {
        self.data.len()
    }

    /// True when no type has been interned.
    pub fn is_empty(&self) -> bool {
        self.data.is_empty()
    }

    /// Shorthands for common types.
    pub fn void(&mut self) -> Ty {
        self.intern(TypeData::Void)
    }
    /// `iN`.
    pub fn int(&mut self, bits: u32) -> Ty {
        self.intern(TypeData::Int(bits))
    }
    /// `ptr` in address space 0.
    pub fn ptr(&mut self) -> Ty {
        self.intern(TypeData::Ptr { addrspace: 0 })
    }
    /// `label`.
    pub fn label(&mut self) -> Ty {
        self.intern(TypeData::Label)
    }
    /// A floating-point type.
    pub fn float(&mut self, kind: FloatKind) -> Ty {
        self.intern(TypeData::Float(kind))
    }

    /// Sets (or replaces) the body of a named struct type.
    pub fn set_named_body(&mut self, ty: Ty, fields: Vec<Ty>, packed: bool) {
        self.bodies.insert(ty, NamedBody { fields: Some(fields), packed });
    }

    /// The body of a named struct type, if `ty` is one.
    pub fn named_body(&self, ty: Ty) -> Option<&NamedBody> {
        self.bodies.get(&ty)
    }

    /// Named struct types in the order they were first mentioned.
    pub fn named_types(&self) -> &[Ty] {
        &self.named_order
    }

    /// The fields of a struct type (literal or named) and whether it is packed.
    /// `None` for non-structs and opaque named structs.
    pub fn struct_fields(&self, ty: Ty) -> Option<(&[Ty], bool)> {
        match self.get(ty) {
            TypeData::Struct { fields, packed } => Some((fields, *packed)),
            TypeData::Named(_) => {
                let body = self.bodies.get(&ty)?;
                body.fields.as_deref().map(|f| (f, body.packed))
            }
            _ => None,
        }
    }

    /// Integer width of `ty`, if it is an integer type.
    #[inline]
    pub fn int_bits(&self, ty: Ty) -> Option<u32> {
        match self.get(ty) {
            TypeData::Int(bits) => Some(*bits),
            _ => None,
        }
    }

    /// The float kind of `ty`, if it is a floating-point type.
    #[inline]
    pub fn float_kind(&self, ty: Ty) -> Option<FloatKind> {
        match self.get(ty) {
            TypeData::Float(kind) => Some(*kind),
            _ => None,
        }
    }

    /// True for `ptr` in any address space.
    #[inline]
    pub fn is_ptr(&self, ty: Ty) -> bool {
        matches!(self.get(ty), TypeData::Ptr { .. })
    }

    /// True for `void`.
    #[inline]
    pub fn is_void(&self, ty: Ty) -> bool {
        matches!(self.get(ty), TypeData::Void)
    }

    /// Element type and length of a fixed vector type.
    pub fn vector(&self, ty: Ty) -> Option<(Ty, u32)> {
        match self.get(ty) {
            TypeData::Vector { elem, len, scalable: false } => Some((*elem, *len)),
            _ => None,
        }
    }

    /// The scalar type of `ty`: the element type of a vector, else `ty` itself.
    pub fn scalar(&self, ty: Ty) -> Ty {
        match self.get(ty) {
            TypeData::Vector { elem, .. } => *elem,
            _ => ty,
        }
    }

    /// Return type, parameter types and varargs flag of a function type.
    pub fn func_sig(&self, ty: Ty) -> Option<(Ty, &[Ty], bool)> {
        match self.get(ty) {
            TypeData::Func { ret, params, varargs } => Some((*ret, params, *varargs)),
            _ => None,
        }
    }

    /// The type reached by indexing into aggregate `ty` with a constant index
    /// (struct field, array or vector element).
    pub fn aggregate_elem(&self, ty: Ty, index: u64) -> Option<Ty> {
        match self.get(ty) {
            TypeData::Array { elem, len } => (index < *len).then_some(*elem),
            TypeData::Vector { elem, len, .. } => (index < u64::from(*len)).then_some(*elem),
            _ => {
                let (fields, _) = self.struct_fields(ty)?;
                fields.get(usize::try_from(index).ok()?).copied()
            }
        }
    }

    /// True when values of `ty` can be held in SSA registers of a function
    /// (first-class types).
    pub fn is_first_class(&self, ty: Ty) -> bool {
        !matches!(self.get(ty), TypeData::Void | TypeData::Func { .. } | TypeData::Label)
    }
}
