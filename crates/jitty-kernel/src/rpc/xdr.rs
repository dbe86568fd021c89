//! XDR (RFC 4506) driven by a run-time schema over C-layout memory.
//!
//! An [`XdrType`] tree describes both the wire format and the in-memory
//! layout of a `#[repr(C)]` value, the way rpcgen's output does:
//!
//! | XDR | memory at the field's offset |
//! | --- | --- |
//! | `int`, `enum`, `bool` | `i32` (C `int`, `bool_t`) |
//! | `unsigned int` | `u32` |
//! | `hyper` / `unsigned hyper` | `i64` / `u64` |
//! | `float` / `double` | `f32` / `f64` |
//! | `string<max>` | `char *` (NUL-terminated) |
//! | `opaque[n]` | `n` bytes inline |
//! | `opaque<max>`, `T<max>` | [`XdrVar`]: `struct { u_int len; T *val; }` |
//! | `T[n]` | `n` elements inline, `stride` bytes apart |
//! | `struct` | fields at their byte offsets |
//! | `T *` (optional-data) | pointer, null when absent |
//!
//! [`xdr_encode`] and [`xdr_decode`] are one generic interpreter walking the
//! schema: this is the code the specializer partially evaluates per
//! procedure (the schema is static, the object dynamic), as Tempo did to
//! rpcgen's stubs. Decoding allocates (from the global allocator) strings,
//! variable arrays and optional data whose pointer is null, and uses the
//! memory in place when the pointer is already set (rpcgen's contract: large
//! enough for `max` elements); [`xdr_free`] releases what decoding allocated.
//! Decoding never panics on malformed input: truncation, lengths above the
//! bound or beyond the input, non-zero padding, booleans other than 0/1,
//! unknown enum values and NULs inside strings are errors.

use core::alloc::Layout;
use core::fmt;
use core::ptr;

/// XDR's unit: every item occupies a multiple of 4 bytes.
pub const UNIT: usize = 4;
/// Nesting bound of the interpreter (guards recursive schemas against hostile input).
pub const MAX_DEPTH: u32 = 64;
/// Alignment of every block the decoder allocates.
const ALLOC_ALIGN: usize = 16;

/// Errors of the XDR layer.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[repr(i32)]
pub enum XdrError {
    /// The input ended inside an item.
    Truncated = 1,
    /// The output buffer is full.
    Overflow = 2,
    /// A length exceeds the declared maximum or the remaining input.
    TooLong = 3,
    /// Non-zero padding bytes.
    BadPadding = 4,
    /// A boolean other than 0 or 1.
    BadBool = 5,
    /// An enum value outside the declared set.
    BadEnum = 6,
    /// A string containing NUL.
    BadString = 7,
    /// A required pointer (string, non-empty array) is null.
    NullPointer = 8,
    /// The decoder could not allocate.
    NoMemory = 9,
    /// Nesting deeper than [`MAX_DEPTH`].
    TooDeep = 10,
}

impl fmt::Display for XdrError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let s = match self {
            XdrError::Truncated => "input truncated",
            XdrError::Overflow => "output buffer full",
            XdrError::TooLong => "length above bound",
            XdrError::BadPadding => "non-zero padding",
            XdrError::BadBool => "invalid boolean",
            XdrError::BadEnum => "invalid enum value",
            XdrError::BadString => "NUL inside string",
            XdrError::NullPointer => "null pointer",
            XdrError::NoMemory => "out of memory",
            XdrError::TooDeep => "nesting too deep",
        };
        f.write_str(s)
    }
}

/// Result of the XDR layer.
pub type XdrResult<T> = Result<T, XdrError>;

/// The in-memory form of variable-length opaque data and arrays (rpcgen's
/// `{ len, val }`), declared in the ABI.
pub use crate::abi::XdrVar;

impl XdrVar {
    /// An empty value (the decoder allocates into it).
    pub const EMPTY: XdrVar = XdrVar { len: 0, val: ptr::null_mut() };
}

/// One field of a struct: where it lives and what it is.
#[repr(C)]
#[derive(Debug)]
pub struct Field<'a> {
    /// Byte offset in the struct.
    pub offset: usize,
    /// The field's type.
    pub ty: XdrType<'a>,
}

/// A run-time XDR schema node (immutable; usually a `static`).
#[repr(C)]
#[derive(Debug)]
pub enum XdrType<'a> {
    /// `void`: nothing on the wire, nothing in memory.
    Void,
    /// `int`: `i32`.
    Int,
    /// `unsigned int`: `u32`.
    UInt,
    /// `hyper`: `i64`.
    Hyper,
    /// `unsigned hyper`: `u64`.
    UHyper,
    /// `float`: `f32`.
    Float,
    /// `double`: `f64`.
    Double,
    /// `bool`: `i32` holding 0 or 1 (any non-zero encodes as 1).
    Bool,
    /// `enum`: `i32`, one of `values` (an empty list accepts any value).
    Enum {
        /// The declared values.
        values: &'a [i32],
    },
    /// `string<max>`: `char *`.
    String {
        /// Maximum length in bytes (`u32::MAX` for `string<>`).
        max: u32,
    },
    /// `opaque[len]`: `len` bytes inline.
    OpaqueFixed {
        /// Length in bytes.
        len: u32,
    },
    /// `opaque<max>`: [`XdrVar`].
    OpaqueVar {
        /// Maximum length in bytes.
        max: u32,
    },
    /// `T[n]`: `n` inline elements.
    ArrayFixed {
        /// Element type.
        elem: &'a XdrType<'a>,
        /// Element count.
        n: u32,
        /// Bytes between elements in memory (the C `sizeof` of the element).
        stride: usize,
    },
    /// `T<max>`: [`XdrVar`] whose `val` points at `len` elements `stride` bytes apart.
    ArrayVar {
        /// Element type.
        elem: &'a XdrType<'a>,
        /// Maximum count.
        max: u32,
        /// Bytes between elements in memory.
        stride: usize,
    },
    /// `struct { ... }`.
    Struct {
        /// The C `sizeof` of the struct.
        size: usize,
        /// Fields in declaration (= wire) order.
        fields: &'a [Field<'a>],
    },
    /// `T *` (optional-data): a pointer, null when absent.
    Optional {
        /// The pointee type.
        elem: &'a XdrType<'a>,
    },
}

impl XdrType<'_> {
    /// Size of the in-memory representation (what a struct field of this type occupies).
    pub fn mem_size(&self) -> usize {
        match *self {
            XdrType::Void => 0,
            XdrType::Int | XdrType::UInt | XdrType::Float | XdrType::Bool | XdrType::Enum { .. } => 4,
            XdrType::Hyper | XdrType::UHyper | XdrType::Double => 8,
            XdrType::String { .. } | XdrType::Optional { .. } => size_of::<*mut u8>(),
            XdrType::OpaqueFixed { len } => len as usize,
            XdrType::OpaqueVar { .. } | XdrType::ArrayVar { .. } => size_of::<XdrVar>(),
            XdrType::ArrayFixed { n, stride, .. } => n as usize * stride,
            XdrType::Struct { size, .. } => size,
        }
    }

    /// The fewest bytes an item of this type occupies on the wire.
    pub fn min_wire_size(&self) -> usize {
        match *self {
            XdrType::Void => 0,
            XdrType::Hyper | XdrType::UHyper | XdrType::Double => 8,
            XdrType::OpaqueFixed { len } => pad4(len as usize),
            XdrType::ArrayFixed { elem, n, .. } => elem.min_wire_size().saturating_mul(n as usize),
            XdrType::Struct { fields, .. } => {
                fields.iter().map(|f| f.ty.min_wire_size()).fold(0, usize::saturating_add)
            }
            _ => 4,
        }
    }

    /// Checks the schema against its own layout claims: fields fit their struct,
    /// strides hold their elements. Returns false if not.
    pub fn validate(&self) -> bool {
        self.validate_at(0)
    }

    fn validate_at(&self, depth: u32) -> bool {
        if depth > MAX_DEPTH {
            return true; // recursive through Optional: checked on the way down
        }
        match *self {
            XdrType::ArrayFixed { elem, stride, .. } | XdrType::ArrayVar { elem, stride, .. } => {
                stride >= elem.mem_size() && (stride > 0 || elem.min_wire_size() > 0) && elem.validate_at(depth + 1)
            }
            XdrType::Struct { size, fields } => fields.iter().all(|f| {
                f.offset.checked_add(f.ty.mem_size()).is_some_and(|end| end <= size) && f.ty.validate_at(depth + 1)
            }),
            XdrType::Optional { elem } => elem.validate_at(depth + 1),
            _ => true,
        }
    }
}

#[inline(always)]
fn pad4(n: usize) -> usize {
    (n + 3) & !3
}

/// An XDR encoder writing into a byte buffer.
#[derive(Debug)]
pub struct XdrEnc<'b> {
    buf: &'b mut [u8],
    pos: usize,
}

impl<'b> XdrEnc<'b> {
    /// An encoder at the start of `buf`.
    pub fn new(buf: &'b mut [u8]) -> Self {
        XdrEnc { buf, pos: 0 }
    }

    /// Bytes written.
    #[inline(always)]
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// The bytes written so far.
    pub fn written(&self) -> &[u8] {
        &self.buf[..self.pos]
    }

    #[inline(always)]
    fn take(&mut self, n: usize) -> XdrResult<&mut [u8]> {
        let end = self.pos.checked_add(n).ok_or(XdrError::Overflow)?;
        let s = self.buf.get_mut(self.pos..end).ok_or(XdrError::Overflow)?;
        self.pos = end;
        Ok(s)
    }

    /// Writes an unsigned int.
    #[inline(always)]
    pub fn put_u32(&mut self, v: u32) -> XdrResult<()> {
        self.take(4)?.copy_from_slice(&v.to_be_bytes());
        Ok(())
    }

    /// Writes an unsigned hyper.
    #[inline(always)]
    pub fn put_u64(&mut self, v: u64) -> XdrResult<()> {
        self.take(8)?.copy_from_slice(&v.to_be_bytes());
        Ok(())
    }

    /// Writes bytes followed by zero padding to a multiple of 4.
    #[inline(always)]
    pub fn put_opaque(&mut self, b: &[u8]) -> XdrResult<()> {
        let n = b.len();
        let s = self.take(pad4(n))?;
        s[..n].copy_from_slice(b);
        s[n..].fill(0);
        Ok(())
    }

    /// Writes a length followed by the padded bytes.
    pub fn put_var_opaque(&mut self, b: &[u8]) -> XdrResult<()> {
        self.put_u32(u32::try_from(b.len()).map_err(|_| XdrError::TooLong)?)?;
        self.put_opaque(b)
    }
}

/// An XDR decoder reading from a byte buffer.
#[derive(Debug)]
pub struct XdrDec<'b> {
    buf: &'b [u8],
    pos: usize,
}

impl<'b> XdrDec<'b> {
    /// A decoder at the start of `buf`.
    pub fn new(buf: &'b [u8]) -> Self {
        XdrDec { buf, pos: 0 }
    }

    /// Bytes consumed.
    pub fn pos(&self) -> usize {
        self.pos
    }

    /// Bytes left.
    #[inline(always)]
    pub fn remaining(&self) -> usize {
        self.buf.len() - self.pos
    }

    #[inline(always)]
    fn take(&mut self, n: usize) -> XdrResult<&'b [u8]> {
        let end = self.pos.checked_add(n).ok_or(XdrError::Truncated)?;
        let s = self.buf.get(self.pos..end).ok_or(XdrError::Truncated)?;
        self.pos = end;
        Ok(s)
    }

    /// Reads an unsigned int.
    #[inline(always)]
    pub fn get_u32(&mut self) -> XdrResult<u32> {
        let s = self.take(4)?;
        Ok(u32::from_be_bytes([s[0], s[1], s[2], s[3]]))
    }

    /// Reads an unsigned hyper.
    #[inline(always)]
    pub fn get_u64(&mut self) -> XdrResult<u64> {
        let s = self.take(8)?;
        Ok(u64::from_be_bytes([s[0], s[1], s[2], s[3], s[4], s[5], s[6], s[7]]))
    }

    /// Reads `n` bytes and their padding (which must be zero).
    #[inline(always)]
    pub fn get_opaque(&mut self, n: usize) -> XdrResult<&'b [u8]> {
        let s = self.take(pad4(n))?;
        if s[n..].iter().any(|&b| b != 0) {
            return Err(XdrError::BadPadding);
        }
        Ok(&s[..n])
    }

    /// Reads a length (at most `max`, and at most what is left) and the padded bytes.
    pub fn get_var_opaque(&mut self, max: u32) -> XdrResult<&'b [u8]> {
        let n = self.get_u32()?;
        if n > max || n as usize > self.remaining() {
            return Err(XdrError::TooLong);
        }
        self.get_opaque(n as usize)
    }
}

fn alloc_zeroed(n: usize) -> XdrResult<*mut u8> {
    let l = Layout::from_size_align(n.max(1), ALLOC_ALIGN).map_err(|_| XdrError::NoMemory)?;
    // SAFETY: the layout has a non-zero size.
    let p = unsafe { alloc::alloc::alloc_zeroed(l) };
    if p.is_null() { Err(XdrError::NoMemory) } else { Ok(p) }
}

/// # Safety
/// `p` came from `alloc_zeroed(n)`.
unsafe fn dealloc(p: *mut u8, n: usize) {
    if let Ok(l) = Layout::from_size_align(n.max(1), ALLOC_ALIGN) {
        // SAFETY: same layout as the allocation (caller).
        unsafe { alloc::alloc::dealloc(p, l) }
    }
}

/// Length of the NUL-terminated string at `p`, stopping after `limit` bytes.
///
/// # Safety
/// `p` points at a NUL-terminated string or at least `limit` readable bytes.
unsafe fn strnlen(p: *const u8, limit: usize) -> usize {
    let mut n = 0;
    // SAFETY: reads stop at the NUL or the limit (caller).
    while n < limit && unsafe { *p.add(n) } != 0 {
        n += 1;
    }
    n
}

/// Encodes the value of type `ty` at `obj`.
///
/// # Safety
/// `obj` points at a valid in-memory value of `ty` (see the module table).
pub unsafe fn xdr_encode(ty: &XdrType<'_>, obj: *const u8, enc: &mut XdrEnc<'_>) -> XdrResult<()> {
    // SAFETY: forwarded to the caller.
    unsafe { encode_at(ty, obj, enc, 0) }
}

unsafe fn encode_at(ty: &XdrType<'_>, obj: *const u8, enc: &mut XdrEnc<'_>, depth: u32) -> XdrResult<()> {
    if depth > MAX_DEPTH {
        return Err(XdrError::TooDeep);
    }
    // SAFETY: `obj` holds a value of `ty` (caller); every read is of the
    // memory representation the schema describes at that offset.
    unsafe {
        match *ty {
            XdrType::Void => Ok(()),
            XdrType::Int | XdrType::UInt | XdrType::Float => enc.put_u32((obj as *const u32).read_unaligned()),
            XdrType::Hyper | XdrType::UHyper | XdrType::Double => enc.put_u64((obj as *const u64).read_unaligned()),
            XdrType::Bool => enc.put_u32(((obj as *const i32).read_unaligned() != 0) as u32),
            XdrType::Enum { values } => {
                let v = (obj as *const i32).read_unaligned();
                if !values.is_empty() && !values.contains(&v) {
                    return Err(XdrError::BadEnum);
                }
                enc.put_u32(v as u32)
            }
            XdrType::String { max } => {
                let s = (obj as *const *const u8).read_unaligned();
                if s.is_null() {
                    return Err(XdrError::NullPointer);
                }
                let n = strnlen(s, max as usize + 1);
                if n > max as usize {
                    return Err(XdrError::TooLong);
                }
                enc.put_u32(n as u32)?;
                enc.put_opaque(core::slice::from_raw_parts(s, n))
            }
            XdrType::OpaqueFixed { len } => enc.put_opaque(core::slice::from_raw_parts(obj, len as usize)),
            XdrType::OpaqueVar { max } => {
                let v = (obj as *const XdrVar).read_unaligned();
                if v.len > max {
                    return Err(XdrError::TooLong);
                }
                if v.len != 0 && v.val.is_null() {
                    return Err(XdrError::NullPointer);
                }
                enc.put_u32(v.len)?;
                if v.len == 0 {
                    return Ok(());
                }
                enc.put_opaque(core::slice::from_raw_parts(v.val, v.len as usize))
            }
            XdrType::ArrayFixed { elem, n, stride } => {
                for i in 0..n as usize {
                    encode_at(elem, obj.add(i * stride), enc, depth + 1)?;
                }
                Ok(())
            }
            XdrType::ArrayVar { elem, max, stride } => {
                let v = (obj as *const XdrVar).read_unaligned();
                if v.len > max {
                    return Err(XdrError::TooLong);
                }
                if v.len != 0 && v.val.is_null() {
                    return Err(XdrError::NullPointer);
                }
                enc.put_u32(v.len)?;
                for i in 0..v.len as usize {
                    encode_at(elem, v.val.add(i * stride), enc, depth + 1)?;
                }
                Ok(())
            }
            XdrType::Struct { fields, .. } => {
                for f in fields {
                    encode_at(&f.ty, obj.add(f.offset), enc, depth + 1)?;
                }
                Ok(())
            }
            XdrType::Optional { elem } => {
                let p = (obj as *const *const u8).read_unaligned();
                if p.is_null() {
                    enc.put_u32(0)
                } else {
                    enc.put_u32(1)?;
                    encode_at(elem, p, enc, depth + 1)
                }
            }
        }
    }
}

/// Decodes a value of type `ty` into `obj`. On error, `obj` may hold partial
/// results: release them with [`xdr_free`].
///
/// # Safety
/// `obj` points at writable memory for a value of `ty`, whose pointers are
/// either null (the decoder allocates) or point at memory large enough for
/// the type's maximum (`max` + 1 bytes for strings).
pub unsafe fn xdr_decode(ty: &XdrType<'_>, obj: *mut u8, dec: &mut XdrDec<'_>) -> XdrResult<()> {
    // SAFETY: forwarded to the caller.
    unsafe { decode_at(ty, obj, dec, 0) }
}

/// Checks an element count against the bound and the input left.
#[inline(always)]
fn check_count(len: u32, max: u32, elem: &XdrType<'_>, dec: &XdrDec<'_>) -> XdrResult<()> {
    if len > max || (len as usize).saturating_mul(elem.min_wire_size()) > dec.remaining() {
        return Err(XdrError::TooLong);
    }
    Ok(())
}

unsafe fn decode_at(ty: &XdrType<'_>, obj: *mut u8, dec: &mut XdrDec<'_>, depth: u32) -> XdrResult<()> {
    if depth > MAX_DEPTH {
        return Err(XdrError::TooDeep);
    }
    // SAFETY: `obj` is writable memory for a value of `ty` (caller); pointers
    // followed are either allocated here or vouched for by the caller.
    unsafe {
        match *ty {
            XdrType::Void => Ok(()),
            XdrType::Int | XdrType::UInt | XdrType::Float => {
                (obj as *mut u32).write_unaligned(dec.get_u32()?);
                Ok(())
            }
            XdrType::Hyper | XdrType::UHyper | XdrType::Double => {
                (obj as *mut u64).write_unaligned(dec.get_u64()?);
                Ok(())
            }
            XdrType::Bool => {
                let v = dec.get_u32()?;
                if v > 1 {
                    return Err(XdrError::BadBool);
                }
                (obj as *mut i32).write_unaligned(v as i32);
                Ok(())
            }
            XdrType::Enum { values } => {
                let v = dec.get_u32()? as i32;
                if !values.is_empty() && !values.contains(&v) {
                    return Err(XdrError::BadEnum);
                }
                (obj as *mut i32).write_unaligned(v);
                Ok(())
            }
            XdrType::String { max } => {
                let b = dec.get_var_opaque(max)?;
                if b.contains(&0) {
                    return Err(XdrError::BadString);
                }
                let slot = obj as *mut *mut u8;
                let mut s = slot.read_unaligned();
                if s.is_null() {
                    s = alloc_zeroed(b.len() + 1)?;
                    slot.write_unaligned(s);
                }
                ptr::copy_nonoverlapping(b.as_ptr(), s, b.len());
                *s.add(b.len()) = 0;
                Ok(())
            }
            XdrType::OpaqueFixed { len } => {
                let b = dec.get_opaque(len as usize)?;
                ptr::copy_nonoverlapping(b.as_ptr(), obj, b.len());
                Ok(())
            }
            XdrType::OpaqueVar { max } => {
                let b = dec.get_var_opaque(max)?;
                let slot = obj as *mut XdrVar;
                let mut v = slot.read_unaligned();
                if v.val.is_null() && !b.is_empty() {
                    v.val = alloc_zeroed(b.len())?;
                }
                v.len = b.len() as u32;
                slot.write_unaligned(v);
                if !b.is_empty() {
                    ptr::copy_nonoverlapping(b.as_ptr(), v.val, b.len());
                }
                Ok(())
            }
            XdrType::ArrayFixed { elem, n, stride } => {
                for i in 0..n as usize {
                    decode_at(elem, obj.add(i * stride), dec, depth + 1)?;
                }
                Ok(())
            }
            XdrType::ArrayVar { elem, max, stride } => {
                let len = dec.get_u32()?;
                check_count(len, max, elem, dec)?;
                let slot = obj as *mut XdrVar;
                let mut v = slot.read_unaligned();
                if v.val.is_null() && len != 0 {
                    let bytes = (len as usize).checked_mul(stride).ok_or(XdrError::TooLong)?;
                    v.val = alloc_zeroed(bytes)?;
                }
                v.len = len;
                slot.write_unaligned(v);
                for i in 0..len as usize {
                    decode_at(elem, v.val.add(i * stride), dec, depth + 1)?;
                }
                Ok(())
            }
            XdrType::Struct { fields, .. } => {
                for f in fields {
                    decode_at(&f.ty, obj.add(f.offset), dec, depth + 1)?;
                }
                Ok(())
            }
            XdrType::Optional { elem } => {
                let slot = obj as *mut *mut u8;
                match dec.get_u32()? {
                    0 => Ok(()),
                    1 => {
                        let mut p = slot.read_unaligned();
                        if p.is_null() {
                            p = alloc_zeroed(elem.mem_size())?;
                            slot.write_unaligned(p);
                        }
                        decode_at(elem, p, dec, depth + 1)
                    }
                    _ => Err(XdrError::BadBool),
                }
            }
        }
    }
}

/// Releases what [`xdr_decode`] allocated inside the value at `obj` (rpcgen's
/// `xdr_free`) and nulls the pointers. The value itself is not freed.
///
/// # Safety
/// Every non-null pointer inside the value was allocated by [`xdr_decode`]
/// (not supplied by the caller) and the lengths are those it stored.
pub unsafe fn xdr_free(ty: &XdrType<'_>, obj: *mut u8) {
    // SAFETY: forwarded to the caller.
    unsafe { free_at(ty, obj, 0) }
}

unsafe fn free_at(ty: &XdrType<'_>, obj: *mut u8, depth: u32) {
    if depth > MAX_DEPTH {
        return;
    }
    // SAFETY: the value's pointers came from `alloc_zeroed` with the sizes recomputed here (caller).
    unsafe {
        match *ty {
            XdrType::String { .. } => {
                let slot = obj as *mut *mut u8;
                let s = slot.read_unaligned();
                if !s.is_null() {
                    dealloc(s, strnlen(s, usize::MAX) + 1);
                    slot.write_unaligned(ptr::null_mut());
                }
            }
            XdrType::OpaqueVar { .. } => {
                let slot = obj as *mut XdrVar;
                let v = slot.read_unaligned();
                if !v.val.is_null() {
                    dealloc(v.val, v.len as usize);
                }
                slot.write_unaligned(XdrVar::EMPTY);
            }
            XdrType::ArrayFixed { elem, n, stride } => {
                for i in 0..n as usize {
                    free_at(elem, obj.add(i * stride), depth + 1);
                }
            }
            XdrType::ArrayVar { elem, stride, .. } => {
                let slot = obj as *mut XdrVar;
                let v = slot.read_unaligned();
                if !v.val.is_null() {
                    for i in 0..v.len as usize {
                        free_at(elem, v.val.add(i * stride), depth + 1);
                    }
                    dealloc(v.val, v.len as usize * stride);
                }
                slot.write_unaligned(XdrVar::EMPTY);
            }
            XdrType::Struct { fields, .. } => {
                for f in fields {
                    free_at(&f.ty, obj.add(f.offset), depth + 1);
                }
            }
            XdrType::Optional { elem } => {
                let slot = obj as *mut *mut u8;
                let p = slot.read_unaligned();
                if !p.is_null() {
                    free_at(elem, p, depth + 1);
                    dealloc(p, elem.mem_size());
                    slot.write_unaligned(ptr::null_mut());
                }
            }
            _ => {}
        }
    }
}
