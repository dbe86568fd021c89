//! The kernel's annotations as data, read on the host side.
//!
//! The kernel exports `JK_TYPE_DESCS` (reached from `JK_SPEC_POINTS.types`;
//! a descriptor of every annotated type:
//! size, alignment, and each `Const`/`Quasi` field's offset, size, kind and
//! pointee) and `JK_SPEC_POINTS` (each specialization point with the typed
//! paths from its static arguments). Both are `#[repr(C)]` tables of the
//! shared `abi.rs`. [`Annotations::read`] turns them into owned values;
//! [`Annotations::walk`] follows a path over live memory and returns the
//! objects it reaches, which is what the partial evaluator's oracle needs to
//! decide that a load is, say, `File::f_op`, Const.

use std::collections::HashMap;
use std::fmt::{self, Write as _};

use crate::abi;

/// Why an annotation table could not be read.
#[derive(Debug, thiserror::Error)]
pub enum AnnotError {
    /// The table is malformed.
    #[error("annotation table: {0}")]
    Table(String),
}

/// Why a path could not be walked (the path or its arguments are wrong; an
/// absent object is not an error but [`WalkEnd::Absent`]).
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum WalkError {
    /// The path needs argument `.0`, which was not given.
    #[error("argument {0} not given")]
    MissingArg(u32),
    /// Step `.0` starts at a type other than the object the walk is at.
    #[error("step {0}: the path's type is not the walked object's")]
    TypeMismatch(usize),
    /// Step `.0` selects an inline array or array pointer without an index.
    #[error("step {0}: array field without an index")]
    MissingIndex(usize),
    /// Step `.0` ends at a value, but more steps follow.
    #[error("step {0}: a value field before the last step")]
    ValueNotLast(usize),
    /// Memory at `.0` could not be read.
    #[error("cannot read memory at {0:#x}")]
    Unreadable(usize),
}

/// A field's annotation class.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FieldKind {
    /// `Const<T>`: written at construction only.
    Const,
    /// `Quasi<T>`: written only through the guard.
    Quasi,
    /// An inline struct whose own descriptor lists its annotated fields.
    Embedded,
    /// The dependents word that guards the object's `Quasi` fields (and
    /// those of objects reached from it that have none of their own).
    Deps,
}

impl FieldKind {
    /// `const`, `quasi`, `embedded` or `deps`.
    pub fn as_str(self) -> &'static str {
        match self {
            FieldKind::Const => "const",
            FieldKind::Quasi => "quasi",
            FieldKind::Embedded => "embedded",
            FieldKind::Deps => "deps",
        }
    }
}

/// What a field's value points to (types are indices into [`Annotations::types`]).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Pointee {
    /// Not a pointer to a described type.
    None,
    /// One object.
    One(usize),
    /// An array whose length is a field of the same object.
    Array {
        /// Element type.
        ty: usize,
        /// Byte offset of the length field.
        len_offset: u64,
        /// Its size (4 or 8).
        len_size: u64,
        /// Its name.
        len_name: String,
    },
}

/// One annotated field.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FieldInfo {
    /// Name.
    pub name: String,
    /// Byte offset in the object.
    pub offset: u64,
    /// Size of one element.
    pub size: u64,
    /// Elements (1, or N for an inline array).
    pub count: u64,
    /// Const, Quasi or Embedded.
    pub kind: FieldKind,
    /// The pointee of a pointer field.
    pub pointee: Pointee,
    /// The inner type of an embedded field.
    pub embeds: Option<usize>,
}

/// One described type.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct TypeInfo {
    /// Name.
    pub name: String,
    /// `size_of`.
    pub size: u64,
    /// `align_of`.
    pub align: u64,
    /// Annotated fields in declaration order.
    pub fields: Vec<FieldInfo>,
}

/// How a path step indexes its field: `((arg >> shift) & mask) - bias`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Index {
    /// The argument.
    pub arg: u32,
    /// Right shift.
    pub shift: u32,
    /// Mask after the shift.
    pub mask: u64,
    /// Subtracted last (an underflow reaches nothing).
    pub bias: u32,
}

/// One step of a path.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Step {
    /// Type the step starts at.
    pub ty: usize,
    /// Field index in that type.
    pub field: usize,
    /// Index of an array field.
    pub index: Option<Index>,
}

/// Where a path starts.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Root {
    /// A static argument.
    Arg(u32),
    /// A kernel static at this address.
    Global(usize),
}

/// A typed path from a static root.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PathInfo {
    /// What it reaches.
    pub name: String,
    /// Its root.
    pub root: Root,
    /// The root object's type.
    pub root_ty: usize,
    /// The steps.
    pub steps: Vec<Step>,
}

/// A declared specialization point.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct SpecPointInfo {
    /// Name.
    pub name: String,
    /// The generic entry's symbol.
    pub entry_symbol: String,
    /// The entry's address.
    pub entry: usize,
    /// Bit `i`: argument `i` is static.
    pub static_args: u64,
    /// Offset of the GFT slot it plugs, if any.
    pub gft_slot: Option<u32>,
    /// Or: the static argument pointing to the object holding its slot,
    /// and the slot's offset in that object.
    pub obj_slot: Option<(u32, u32)>,
    /// Per argument: the type it points to (None: a scalar).
    pub arg_types: Vec<Option<usize>>,
    /// Typed paths from the static roots.
    pub paths: Vec<PathInfo>,
}

/// The kernel's type descriptors and spec points.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Annotations {
    /// Described types: those the table lists, then those reached only
    /// through other descriptors, in discovery order.
    pub types: Vec<TypeInfo>,
    /// Spec points.
    pub points: Vec<SpecPointInfo>,
}

/// A bound on every count read from a table (a corrupt table is an error, not a long loop).
const MAX_ENTRIES: u64 = 4096;

fn table_err<T>(msg: impl Into<String>) -> Result<T, AnnotError> {
    Err(AnnotError::Table(msg.into()))
}

/// # Safety
/// `p` is null or a NUL-terminated string.
unsafe fn string(p: *const u8, what: &str) -> Result<String, AnnotError> {
    if p.is_null() {
        return table_err(format!("{what}: null name"));
    }
    // SAFETY: per the contract.
    let s = unsafe { std::ffi::CStr::from_ptr(p as *const std::ffi::c_char) };
    match s.to_str() {
        Ok(s) if s.len() <= 256 => Ok(s.to_string()),
        _ => table_err(format!("{what}: bad name")),
    }
}

/// # Safety
/// `p` points to `n` readable `T`s (or `n == 0`).
unsafe fn slice<'a, T>(p: *const T, n: u64, what: &str) -> Result<&'a [T], AnnotError> {
    if n == 0 {
        return Ok(&[]);
    }
    if p.is_null() || n > MAX_ENTRIES {
        return table_err(format!("{what}: {n} entries at {p:p}"));
    }
    // SAFETY: per the contract.
    Ok(unsafe { std::slice::from_raw_parts(p, n as usize) })
}

/// Reads descriptors, assigning indices by descriptor address.
struct TypeReader {
    index: HashMap<usize, usize>,
    raw: Vec<*const abi::TypeDesc>,
}

impl TypeReader {
    fn intern(&mut self, d: *const abi::TypeDesc) -> usize {
        *self.index.entry(d as usize).or_insert_with(|| {
            self.raw.push(d);
            self.raw.len() - 1
        })
    }

    /// # Safety
    /// Every descriptor interned so far, and every one they point to, is valid.
    unsafe fn finish(mut self) -> Result<Vec<TypeInfo>, AnnotError> {
        let mut types = Vec::new();
        let mut i = 0;
        while i < self.raw.len() {
            // SAFETY: per the contract.
            let d = unsafe { &*self.raw[i] };
            // SAFETY: descriptor names are C strings.
            let name = unsafe { string(d.name, "type") }?;
            // SAFETY: `fields` holds `nfields` descriptors.
            let raw_fields = unsafe { slice(d.fields, d.nfields, &name) }?;
            let mut fields = Vec::new();
            for f in raw_fields {
                // SAFETY: field names are C strings.
                let fname = unsafe { string(f.name, &name) }?;
                let what = format!("{name}.{fname}");
                let kind = match f.kind {
                    abi::FIELD_CONST => FieldKind::Const,
                    abi::FIELD_QUASI => FieldKind::Quasi,
                    abi::FIELD_EMBEDDED => FieldKind::Embedded,
                    abi::FIELD_DEPS => FieldKind::Deps,
                    k => return table_err(format!("{what}: kind {k}")),
                };
                let to = (!f.points_to.is_null()).then(|| self.intern(f.points_to));
                let (pointee, embeds) = match (kind, f.pointee, to) {
                    (FieldKind::Embedded, abi::POINTEE_NONE, Some(t)) => (Pointee::None, Some(t)),
                    (FieldKind::Embedded, ..) => return table_err(format!("{what}: embedded without a type")),
                    (_, abi::POINTEE_NONE, None) => (Pointee::None, None),
                    (_, abi::POINTEE_ONE, Some(t)) => (Pointee::One(t), None),
                    (_, abi::POINTEE_ARRAY, Some(t))
                        if matches!(f.len_size, 4 | 8) && f.len_offset as u64 <= d.size =>
                    {
                        // SAFETY: the length field's name is a C string.
                        let len_name = unsafe { string(f.len_name, &what) }?;
                        (
                            Pointee::Array {
                                ty: t,
                                len_offset: f.len_offset as u64,
                                len_size: f.len_size as u64,
                                len_name,
                            },
                            None,
                        )
                    }
                    _ => return table_err(format!("{what}: bad pointee")),
                };
                if f.count == 0 || f.count as u64 > MAX_ENTRIES * 16 {
                    return table_err(format!("{what}: count {}", f.count));
                }
                fields.push(FieldInfo {
                    name: fname,
                    offset: f.offset as u64,
                    size: f.size as u64,
                    count: f.count as u64,
                    kind,
                    pointee,
                    embeds,
                });
            }
            types.push(TypeInfo { name, size: d.size, align: d.align, fields });
            i += 1;
        }
        Ok(types)
    }
}

impl Annotations {
    /// The tables of the kernel linked into this binary.
    pub fn native() -> Result<Annotations, AnnotError> {
        // SAFETY: the kernel exports both statics with the abi.rs layouts.
        unsafe {
            let points = &raw const crate::image::JK_SPEC_POINTS;
            Annotations::read((*points).types, points)
        }
    }

    /// Reads the tables at `types` and `points` (the native kernel's, or the
    /// copies the interpreter materialized from the IR).
    ///
    /// # Safety
    /// Both point to tables laid out as in `abi.rs`, whose pointers all point
    /// to readable memory of the documented kinds.
    pub unsafe fn read(types: *const abi::TypeTable, points: *const abi::SpecTable) -> Result<Annotations, AnnotError> {
        let mut r = TypeReader { index: HashMap::new(), raw: Vec::new() };
        // SAFETY: per the contract.
        let (tt, st) = unsafe { (&*types, &*points) };
        // SAFETY: the table holds `len` descriptor pointers.
        for &d in unsafe { slice(tt.types, tt.len, "JK_TYPE_DESCS") }? {
            if d.is_null() {
                return table_err("JK_TYPE_DESCS: null entry");
            }
            r.intern(d);
        }
        let listed = r.raw.len();
        // SAFETY: the table holds `len` points.
        let raw_points = unsafe { slice(st.points, st.len, "JK_SPEC_POINTS") }?;
        let mut points = Vec::new();
        for p in raw_points {
            // SAFETY: point strings are C strings.
            let name = unsafe { string(p.name, "spec point") }?;
            // SAFETY: as above.
            let entry_symbol = unsafe { string(p.entry_symbol, &name) }?;
            // SAFETY: `nargs` argument types.
            let arg_types: Vec<Option<usize>> = unsafe { slice(p.arg_types, p.nargs as u64, &name) }?
                .iter()
                .map(|&t| (!t.is_null()).then(|| r.intern(t)))
                .collect();
            let mut paths = Vec::new();
            // SAFETY: `npaths` paths.
            for sp in unsafe { slice(p.paths, p.npaths, &name) }? {
                // SAFETY: path names are C strings.
                let pname = unsafe { string(sp.name, &name) }?;
                let root = if sp.root_arg == abi::NO_INDEX {
                    Root::Global(sp.root_global as usize)
                } else {
                    Root::Arg(sp.root_arg)
                };
                if sp.root_ty.is_null() {
                    return table_err(format!("{name}.{pname}: untyped root"));
                }
                let root_ty = r.intern(sp.root_ty);
                let mut steps = Vec::new();
                // SAFETY: `nsteps` steps.
                for s in unsafe { slice(sp.steps, sp.nsteps as u64, &pname) }? {
                    if s.ty.is_null() {
                        return table_err(format!("{name}.{pname}: untyped step"));
                    }
                    let index = (s.index_arg != abi::NO_INDEX).then_some(Index {
                        arg: s.index_arg,
                        shift: s.shift,
                        mask: s.mask,
                        bias: s.bias,
                    });
                    steps.push(Step { ty: r.intern(s.ty), field: s.field as usize, index });
                }
                paths.push(PathInfo { name: pname, root, root_ty, steps });
            }
            let gft_slot = (p.gft_slot != u32::MAX).then_some(p.gft_slot);
            let obj_slot = (p.obj_slot_arg != abi::NO_INDEX).then_some((p.obj_slot_arg, p.obj_slot_offset));
            points.push(SpecPointInfo {
                name,
                entry_symbol,
                entry: p.entry as usize,
                static_args: p.static_args,
                gft_slot,
                obj_slot,
                arg_types,
                paths,
            });
        }
        // SAFETY: every interned pointer came from the tables (contract).
        let types = unsafe { r.finish() }?;
        let a = Annotations { types, points };
        a.validate(listed)?;
        Ok(a)
    }

    fn validate(&self, listed: usize) -> Result<(), AnnotError> {
        if listed == 0 {
            return table_err("no types listed");
        }
        for p in &self.points {
            for path in &p.paths {
                if let Root::Arg(a) = path.root
                    && p.arg_types.get(a as usize) != Some(&Some(path.root_ty))
                {
                    return table_err(format!("{}.{}: root type is not argument {a}'s", p.name, path.name));
                }
                for s in &path.steps {
                    if s.field >= self.types[s.ty].fields.len() {
                        return table_err(format!(
                            "{}.{}: no field {} in {}",
                            p.name, path.name, s.field, self.types[s.ty].name
                        ));
                    }
                    if let Some(ix) = s.index
                        && ix.arg >= p.arg_types.len() as u32
                    {
                        return table_err(format!("{}.{}: index argument {}", p.name, path.name, ix.arg));
                    }
                }
            }
        }
        Ok(())
    }

    /// The type named `name`.
    pub fn type_named(&self, name: &str) -> Option<&TypeInfo> {
        self.types.iter().find(|t| t.name == name)
    }

    /// The spec point named `name`.
    pub fn point(&self, name: &str) -> Option<&SpecPointInfo> {
        self.points.iter().find(|p| p.name == name)
    }

    /// Walks `path` over memory with the point's arguments `args`.
    pub fn walk(&self, path: &PathInfo, args: &[u64], mem: &dyn Memory) -> Result<Walk, WalkError> {
        let arg = |a: u32| args.get(a as usize).copied().ok_or(WalkError::MissingArg(a));
        let mut ty = path.root_ty;
        let mut at = match path.root {
            Root::Arg(a) => arg(a)? as usize,
            Root::Global(g) => g,
        };
        let mut objects = Vec::new();
        let absent = |objects, step| Ok(Walk { objects, end: WalkEnd::Absent { step } });
        if at == 0 {
            return absent(objects, 0);
        }
        objects.push(Reached { ty, addr: at });
        for (i, s) in path.steps.iter().enumerate() {
            if s.ty != ty {
                return Err(WalkError::TypeMismatch(i));
            }
            let f = &self.types[ty].fields[s.field];
            let mut index = match s.index {
                Some(ix) => match ((arg(ix.arg)? >> ix.shift) & ix.mask).checked_sub(ix.bias as u64) {
                    Some(v) => Some(v),
                    None => return absent(objects, i + 1),
                },
                None => None,
            };
            let mut addr = at + f.offset as usize;
            if f.count > 1 {
                let k = index.take().ok_or(WalkError::MissingIndex(i))?;
                if k >= f.count {
                    return absent(objects, i + 1);
                }
                addr += (k * f.size) as usize;
            }
            match (f.kind, &f.pointee, f.embeds) {
                (FieldKind::Embedded, _, Some(inner)) => {
                    (at, ty) = (addr, inner);
                }
                (_, &Pointee::One(to), _) => {
                    at = mem.word(addr, f.size)? as usize;
                    ty = to;
                }
                (_, &Pointee::Array { ty: to, len_offset, len_size, .. }, _) => {
                    let k = index.take().ok_or(WalkError::MissingIndex(i))?;
                    let len = mem.word(at + len_offset as usize, len_size)?;
                    if k >= len {
                        return absent(objects, i + 1);
                    }
                    let base = mem.word(addr, f.size)? as usize;
                    at = if base == 0 { 0 } else { base + (k * self.types[to].size) as usize };
                    ty = to;
                }
                _ => {
                    if i + 1 != path.steps.len() {
                        return Err(WalkError::ValueNotLast(i));
                    }
                    return Ok(Walk { objects, end: WalkEnd::Value { addr, size: f.size } });
                }
            }
            if at == 0 {
                return absent(objects, i + 1);
            }
            objects.push(Reached { ty, addr: at });
        }
        Ok(Walk { objects, end: WalkEnd::Object })
    }

    /// A path in the human form, e.g.
    /// `arg0: Thread → process → Process → … → fd[arg1] → FdSlot → …`.
    pub fn describe_path(&self, p: &PathInfo) -> String {
        let mut s = match p.root {
            Root::Arg(a) => format!("arg{a}: {}", self.types[p.root_ty].name),
            Root::Global(_) => format!("static {}", self.types[p.root_ty].name),
        };
        for st in &p.steps {
            let f = &self.types[st.ty].fields[st.field];
            let _ = write!(s, " → {}", f.name);
            if let Some(ix) = st.index {
                // The 32 bits of an `int` argument, or all 64, need no mask.
                let masked = ix.mask != u64::MAX && ix.mask != 0xffff_ffff >> ix.shift;
                let mut e = format!("arg{}", ix.arg);
                if ix.shift != 0 {
                    e = if masked || ix.bias != 0 {
                        format!("({e} >> {})", ix.shift)
                    } else {
                        format!("{e} >> {}", ix.shift)
                    };
                }
                if masked {
                    e = format!("{e} & {:#x}", ix.mask);
                }
                if ix.bias != 0 {
                    e = if masked { format!("({e}) - {}", ix.bias) } else { format!("{e} - {}", ix.bias) };
                }
                let _ = write!(s, "[{e}]");
            }
            match (&f.pointee, f.embeds) {
                (&Pointee::One(t) | &Pointee::Array { ty: t, .. }, _) | (_, Some(t)) => {
                    let _ = write!(s, " → {}", self.types[t].name);
                }
                _ => {}
            }
        }
        s
    }

    /// Differences between two readings of the tables (addresses ignored):
    /// empty when the IR's tables say what the native kernel's say.
    pub fn diff(&self, other: &Annotations) -> Vec<String> {
        let mut out = Vec::new();
        if self.types.len() != other.types.len() {
            out.push(format!("{} described types here, {} there", self.types.len(), other.types.len()));
        }
        for (a, b) in self.types.iter().zip(&other.types) {
            if a != b {
                out.push(format!("type {}: {a:?} here, {b:?} there", a.name));
            }
        }
        let strip = |p: &SpecPointInfo| {
            let mut p = p.clone();
            p.entry = 0;
            for path in &mut p.paths {
                if let Root::Global(g) = &mut path.root {
                    *g = 0;
                }
            }
            p
        };
        if self.points.len() != other.points.len() {
            out.push(format!("{} spec points here, {} there", self.points.len(), other.points.len()));
        }
        for (a, b) in self.points.iter().zip(&other.points) {
            let (a, b) = (strip(a), strip(b));
            if a != b {
                out.push(format!("spec point {}: {a:?} here, {b:?} there", a.name));
            }
        }
        out
    }

    /// The descriptor table as a JSON list of
    /// `{"type", "size", "align", "fields": [{"name", "offset", "size", "count",
    /// "kind", "points_to", "array", "len_field", "embeds"}]}`.
    pub fn types_json(&self) -> String {
        let name = |t: Option<usize>| t.map_or("null".to_string(), |t| format!("\"{}\"", self.types[t].name));
        let mut s = String::from("[");
        for (i, t) in self.types.iter().enumerate() {
            let _ = write!(
                s,
                "{}\n  {{\"type\": \"{}\", \"size\": {}, \"align\": {}, \"fields\": [",
                if i == 0 { "" } else { "," },
                t.name,
                t.size,
                t.align
            );
            for (j, f) in t.fields.iter().enumerate() {
                let (to, array, len) = match &f.pointee {
                    Pointee::None => (None, false, None),
                    &Pointee::One(t) => (Some(t), false, None),
                    Pointee::Array { ty, len_name, .. } => (Some(*ty), true, Some(len_name)),
                };
                let _ = write!(
                    s,
                    "{}\n    {{\"name\": \"{}\", \"offset\": {}, \"size\": {}, \"count\": {}, \"kind\": \"{}\", \
                     \"points_to\": {}, \"array\": {array}, \"len_field\": {}, \"embeds\": {}}}",
                    if j == 0 { "" } else { "," },
                    f.name,
                    f.offset,
                    f.size,
                    f.count,
                    f.kind.as_str(),
                    name(to),
                    len.map_or("null".to_string(), |l| format!("\"{l}\"")),
                    name(f.embeds),
                );
            }
            s.push_str(if t.fields.is_empty() { "]}" } else { "\n  ]}" });
        }
        s.push_str("\n]\n");
        s
    }
}

/// The human-readable form: the descriptor table, then the spec points.
impl fmt::Display for Annotations {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        writeln!(f, "{} annotated types (offset, size × count, kind, points to)", self.types.len())?;
        for t in &self.types {
            writeln!(f, "\n{}  size {} align {}", t.name, t.size, t.align)?;
            if t.fields.is_empty() {
                writeln!(f, "  (no annotated fields: an immutable table or schema)")?;
            }
            for fl in &t.fields {
                let size = if fl.count > 1 { format!("{} × {}", fl.size, fl.count) } else { fl.size.to_string() };
                let to = match (&fl.pointee, fl.embeds) {
                    (&Pointee::One(to), _) => format!("→ {}", self.types[to].name),
                    (Pointee::Array { ty, len_name, .. }, _) => format!("→ [{}; {len_name}]", self.types[*ty].name),
                    (_, Some(inner)) => format!("embeds {}", self.types[inner].name),
                    _ => String::new(),
                };
                writeln!(f, "  {:>5}  {:<14} {:<10} {:<8} {to}", fl.offset, fl.name, size, fl.kind.as_str())?;
            }
        }
        writeln!(f, "\n{} specialization points", self.points.len())?;
        for p in &self.points {
            let statics: Vec<String> = (0..p.arg_types.len())
                .filter(|i| p.static_args & (1 << i) != 0)
                .map(|i| match p.arg_types[i] {
                    Some(t) => format!("arg{i}: *{}", self.types[t].name),
                    None => format!("arg{i}: scalar"),
                })
                .collect();
            let slot = match (p.gft_slot, p.obj_slot) {
                (Some(s), _) => format!("GFT slot +{s}"),
                (None, Some((a, o))) => format!("slot +{o} of arg{a}'s object"),
                (None, None) => "no dispatch slot".to_string(),
            };
            writeln!(f, "\n{} = {} ({}; {slot})", p.name, p.entry_symbol, statics.join(", "))?;
            for path in &p.paths {
                writeln!(f, "  {:<18} {}", path.name, self.describe_path(path))?;
            }
        }
        Ok(())
    }
}

/// Memory a walk reads: the live kernel, or (later) the specializer's oracle.
pub trait Memory {
    /// The `size`-byte (1, 2, 4 or 8) little-endian word at `addr`.
    fn word(&self, addr: usize, size: u64) -> Result<u64, WalkError>;
}

/// The memory of this process.
#[derive(Debug)]
pub struct LiveMemory(());

impl LiveMemory {
    /// Reads this process's memory directly.
    ///
    /// # Safety
    /// Every walk over it must follow paths of live kernel objects (whose
    /// pointers the kernel keeps valid while the walk runs).
    pub unsafe fn new() -> LiveMemory {
        LiveMemory(())
    }
}

impl Memory for LiveMemory {
    fn word(&self, addr: usize, size: u64) -> Result<u64, WalkError> {
        if addr == 0 || !addr.is_multiple_of(size.clamp(1, 8) as usize) {
            return Err(WalkError::Unreadable(addr));
        }
        // SAFETY: the constructor's contract: `addr` lies in a live kernel object.
        unsafe {
            Ok(match size {
                1 => (addr as *const u8).read_volatile() as u64,
                2 => (addr as *const u16).read_volatile() as u64,
                4 => (addr as *const u32).read_volatile() as u64,
                8 => (addr as *const u64).read_volatile(),
                _ => return Err(WalkError::Unreadable(addr)),
            })
        }
    }
}

/// An object a walk reached.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Reached {
    /// Its type.
    pub ty: usize,
    /// Its address.
    pub addr: usize,
}

/// How a walk ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum WalkEnd {
    /// At the last object.
    Object,
    /// At a (non-pointer) field: its address and element size.
    Value {
        /// Address of the value.
        addr: usize,
        /// Its size.
        size: u64,
    },
    /// Nothing there: a null pointer or an index out of bounds after `step` steps.
    Absent {
        /// Steps taken.
        step: usize,
    },
}

/// The result of a walk.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Walk {
    /// The objects reached, root first.
    pub objects: Vec<Reached>,
    /// How it ended.
    pub end: WalkEnd,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn native_tables_read_and_compare_equal() {
        let a = Annotations::native().unwrap();
        assert!(a.types.len() >= 10);
        assert!(a.diff(&a.clone()).is_empty());
    }

    #[test]
    fn diff_reports_a_moved_field() {
        let a = Annotations::native().unwrap();
        let mut b = a.clone();
        let t = b.types.iter_mut().find(|t| t.name == "FdSlot").unwrap();
        t.fields[0].offset += 8;
        let d = a.diff(&b);
        assert_eq!(d.len(), 1, "{d:?}");
        assert!(d[0].starts_with("type FdSlot"), "{d:?}");
        let mut c = a.clone();
        c.points[0].paths[0].steps[0].field += 1;
        assert!(a.diff(&c)[0].starts_with("spec point write"));
    }
}
