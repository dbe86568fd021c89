//! Type descriptors: the kernel's annotations exported as data.
//!
//! In the IR, `Const::get`/`Quasi::get` are plain byte-offset loads, so a
//! partial evaluator cannot see the annotations in the code. Every annotated
//! type is therefore declared through [`annotated!`], which emits the
//! `#[repr(C)]` struct exactly as written (field docs and order kept) and its
//! [`TypeDesc`]: size, alignment and, for each `Const`/`Quasi` field (inline
//! arrays of them included), name, offset, element size, count, kind and the
//! described type a pointer field points to. Offsets and sizes come from
//! `offset_of!`/`size_of`, so the descriptor cannot drift from the struct.
//!
//! A field's pointee is written after the type: `=> File` (one object),
//! `=> [FdSlot; max_fds]` (an array whose length is the field `max_fds`,
//! annotated or not). An inline struct with annotated fields of its own (or an
//! inline array of them) is declared `=> embed Fdtable`. The macro checks each pointee against the field type.
//!
//! Types without annotated fields that a path reaches (ops tables, RPC
//! schemas: immutable statics) get a field-less descriptor from
//! [`opaque_desc!`]. `specpoints::JK_TYPE_DESCS` lists them all.
//!
//! This module depends on `abi` and `annotations` only, so the
//! self-contained modules (`vmalloc`, `rpc`) can use it wherever they are
//! compiled.

use crate::abi::TypeDesc;
use crate::annotations::{Const, Quasi};

/// A type with a descriptor.
pub trait Described {
    /// The descriptor (one static per type). A raw pointer, so descriptors
    /// of types that point to each other (or to themselves) can be built:
    /// evaluating it does not evaluate the static it points to.
    const DESC: *const TypeDesc;
}

/// Implemented by a pointer (or reference) to `T`.
pub trait PointerTo<T: ?Sized> {}
impl<T: ?Sized> PointerTo<T> for *const T {}
impl<T: ?Sized> PointerTo<T> for *mut T {}
impl<T: ?Sized> PointerTo<T> for &T {}

/// Implemented by an annotated field (or inline array of them) whose value
/// is a pointer to `T`.
pub trait FieldPointsTo<T: ?Sized> {}
impl<T: ?Sized, P: PointerTo<T> + Copy> FieldPointsTo<T> for Const<P> {}
impl<T: ?Sized, P: PointerTo<T> + Copy> FieldPointsTo<T> for Quasi<P> {}
impl<T: ?Sized, P: PointerTo<T> + Copy, const N: usize> FieldPointsTo<T> for [Quasi<P>; N] {}

/// Compiles only if the field `get` selects holds pointers to `T`: checks
/// the pointee written in an [`annotated!`] field against the field's type.
pub const fn check_points_to<S, F: FieldPointsTo<T>, T: ?Sized>(_get: fn(&S) -> &F) {}

/// The annotation class of a `Const`/`Quasi` field type.
pub trait AnnotKind {
    /// `FIELD_CONST` or `FIELD_QUASI`.
    const KIND: u32;
}
impl<T> AnnotKind for Const<T> {
    const KIND: u32 = crate::abi::FIELD_CONST;
}
impl<T> AnnotKind for Quasi<T> {
    const KIND: u32 = crate::abi::FIELD_QUASI;
}

/// The class of the field `get` selects (compiles only for `Const`/`Quasi`).
pub const fn field_kind<S, F: AnnotKind>(_get: fn(&S) -> &F) -> u32 {
    F::KIND
}

/// Size of the field `get` selects (a closure, so no field type is named).
pub const fn field_size<S, F>(_get: fn(&S) -> &F) -> usize {
    core::mem::size_of::<F>()
}

/// Declares a `#[repr(C)]` struct and implements [`Described`] for it.
///
/// See the module doc for the field syntax. A lifetime-generic struct is
/// described at `'static`.
macro_rules! annotated {
    (
        $(#[$sattr:meta])*
        $svis:vis struct $name:ident <$lt:lifetime> { $($body:tt)* }
    ) => {
        $crate::typedesc::annotated!(@munch
            [$(#[$sattr])* $svis struct $name<$lt>] [$name [$name<'static>]] [] [] $($body)*);
    };
    (
        $(#[$sattr:meta])*
        $svis:vis struct $name:ident { $($body:tt)* }
    ) => {
        $crate::typedesc::annotated!(@munch
            [$(#[$sattr])* $svis struct $name] [$name [$name]] [] [] $($body)*);
    };

    // `Const<T>` / `Quasi<T>` fields and inline arrays of `Quasi<T>`,
    // optionally with a pointee.
    (@munch $hdr:tt $n:tt [$($fs:tt)*] [$($ds:tt)*]
        $(#[$fa:meta])* $fv:vis $f:ident : Const<$t:ty> $(=> $tgt:tt)?, $($rest:tt)*) => {
        $crate::typedesc::annotated!(@munch $hdr $n
            [$($fs)* $(#[$fa])* $fv $f: Const<$t>,]
            [$($ds)* { $f, 1, $crate::abi::FIELD_CONST, $($tgt)? }]
            $($rest)*);
    };
    (@munch $hdr:tt $n:tt [$($fs:tt)*] [$($ds:tt)*]
        $(#[$fa:meta])* $fv:vis $f:ident : Quasi<$t:ty> $(=> $tgt:tt)?, $($rest:tt)*) => {
        $crate::typedesc::annotated!(@munch $hdr $n
            [$($fs)* $(#[$fa])* $fv $f: Quasi<$t>,]
            [$($ds)* { $f, 1, $crate::abi::FIELD_QUASI, $($tgt)? }]
            $($rest)*);
    };
    (@munch $hdr:tt $n:tt [$($fs:tt)*] [$($ds:tt)*]
        $(#[$fa:meta])* $fv:vis $f:ident : [Quasi<$t:ty>; $c:expr] $(=> $tgt:tt)?, $($rest:tt)*) => {
        $crate::typedesc::annotated!(@munch $hdr $n
            [$($fs)* $(#[$fa])* $fv $f: [Quasi<$t>; $c],]
            [$($ds)* { $f, $c, $crate::abi::FIELD_QUASI, $($tgt)? }]
            $($rest)*);
    };
    // An embedded struct with annotated fields of its own, or an inline array of them.
    (@munch $hdr:tt $n:tt [$($fs:tt)*] [$($ds:tt)*]
        $(#[$fa:meta])* $fv:vis $f:ident : [$t:ty; $c:expr] => embed $e:ty, $($rest:tt)*) => {
        $crate::typedesc::annotated!(@munch $hdr $n
            [$($fs)* $(#[$fa])* $fv $f: [$t; $c],]
            [$($ds)* { $f, $c, $crate::abi::FIELD_EMBEDDED, (embed $e) }]
            $($rest)*);
    };
    (@munch $hdr:tt $n:tt [$($fs:tt)*] [$($ds:tt)*]
        $(#[$fa:meta])* $fv:vis $f:ident : $t:ty => embed $e:ty, $($rest:tt)*) => {
        $crate::typedesc::annotated!(@munch $hdr $n
            [$($fs)* $(#[$fa])* $fv $f: $t,]
            [$($ds)* { $f, 1, $crate::abi::FIELD_EMBEDDED, (embed $e) }]
            $($rest)*);
    };
    // The object's dependents word.
    (@munch $hdr:tt $n:tt [$($fs:tt)*] [$($ds:tt)*]
        $(#[$fa:meta])* $fv:vis $f:ident : QuasiDeps, $($rest:tt)*) => {
        $crate::typedesc::annotated!(@munch $hdr $n
            [$($fs)* $(#[$fa])* $fv $f: QuasiDeps,]
            [$($ds)* { $f, 1, $crate::abi::FIELD_DEPS, }]
            $($rest)*);
    };
    // Any other (dynamic) field.
    (@munch $hdr:tt $n:tt [$($fs:tt)*] [$($ds:tt)*]
        $(#[$fa:meta])* $fv:vis $f:ident : $t:ty, $($rest:tt)*) => {
        $crate::typedesc::annotated!(@munch $hdr $n [$($fs)* $(#[$fa])* $fv $f: $t,] [$($ds)*] $($rest)*);
    };

    // All fields read: emit the struct and its descriptor.
    (@munch [$($hdr:tt)*] [$name:ident [$($ty:tt)*]] [$($fs:tt)*]
        [$({ $f:ident, $c:expr, $k:expr, $($tgt:tt)? })*]) => {
        #[repr(C)]
        $($hdr)* { $($fs)* }

        impl $crate::typedesc::Described for $($ty)* {
            const DESC: *const $crate::abi::TypeDesc = {
                type This = $($ty)*;
                const FIELDS: &[$crate::abi::FieldDesc] = &[$(
                    $crate::typedesc::annotated!(@field This, $f, $c, $k, $($tgt)?)
                ),*];
                static DESC: $crate::abi::TypeDesc = $crate::abi::TypeDesc {
                    name: concat!(stringify!($name), "\0").as_ptr(),
                    size: ::core::mem::size_of::<This>() as u64,
                    align: ::core::mem::align_of::<This>() as u64,
                    fields: FIELDS.as_ptr(),
                    nfields: FIELDS.len() as u64,
                };
                &raw const DESC
            };
        }
    };

    // One field descriptor, by pointee: none, `[T; len]`, `(embed T)`, `T`.
    (@field $this:ty, $f:ident, $c:expr, $k:expr,) => {
        $crate::typedesc::annotated!(@fd $this, $f, $c, $k, $crate::abi::POINTEE_NONE, ::core::ptr::null(),
            $crate::abi::NO_INDEX, 0, ::core::ptr::null())
    };
    (@field $this:ty, $f:ident, $c:expr, $k:expr, [$p:ident; $len:ident]) => {{
        const _: () = $crate::typedesc::check_points_to::<$this, _, $p>(|s: &$this| &s.$f);
        $crate::typedesc::annotated!(@fd $this, $f, $c, $k, $crate::abi::POINTEE_ARRAY,
            <$p as $crate::typedesc::Described>::DESC,
            ::core::mem::offset_of!($this, $len) as u32,
            $crate::typedesc::field_size::<$this, _>(|s: &$this| &s.$len) as u32,
            concat!(stringify!($len), "\0").as_ptr())
    }};
    (@field $this:ty, $f:ident, $c:expr, $k:expr, (embed $e:ty)) => {{
        const _: () = assert!(
            $crate::typedesc::field_size::<$this, _>(|s: &$this| &s.$f) == $c * ::core::mem::size_of::<$e>()
        );
        $crate::typedesc::annotated!(@fd $this, $f, $c, $k, $crate::abi::POINTEE_NONE,
            <$e as $crate::typedesc::Described>::DESC, $crate::abi::NO_INDEX, 0, ::core::ptr::null())
    }};
    (@field $this:ty, $f:ident, $c:expr, $k:expr, $p:ident) => {{
        const _: () = $crate::typedesc::check_points_to::<$this, _, $p>(|s: &$this| &s.$f);
        $crate::typedesc::annotated!(@fd $this, $f, $c, $k, $crate::abi::POINTEE_ONE,
            <$p as $crate::typedesc::Described>::DESC, $crate::abi::NO_INDEX, 0, ::core::ptr::null())
    }};
    (@fd $this:ty, $f:ident, $c:expr, $k:expr, $pk:expr, $to:expr, $lo:expr, $ls:expr, $ln:expr) => {
        $crate::abi::FieldDesc {
            name: concat!(stringify!($f), "\0").as_ptr(),
            offset: ::core::mem::offset_of!($this, $f) as u32,
            size: ($crate::typedesc::field_size::<$this, _>(|s: &$this| &s.$f) / $c) as u32,
            count: $c as u32,
            kind: $k,
            pointee: $pk,
            len_offset: $lo,
            len_size: $ls,
            len_name: $ln,
            points_to: $to,
        }
    };
}
pub(crate) use annotated;

/// Implements [`Described`] for a struct declared elsewhere (a generic
/// struct of the shared `abi.rs`), listing its annotated fields by name:
/// `described!(T as "Name" { field, field => Pointee, … })`. Each field's
/// class is read from its type, which must be `Const<_>` or `Quasi<_>`.
macro_rules! described {
    ($t:ty as $name:literal { $($f:ident $(=> $tgt:tt)?),* $(,)? }) => {
        impl $crate::typedesc::Described for $t {
            const DESC: *const $crate::abi::TypeDesc = {
                type This = $t;
                const FIELDS: &[$crate::abi::FieldDesc] = &[$(
                    $crate::typedesc::annotated!(@field This, $f, 1,
                        $crate::typedesc::field_kind::<This, _>(|s: &This| &s.$f), $($tgt)?)
                ),*];
                static DESC: $crate::abi::TypeDesc = $crate::abi::TypeDesc {
                    name: concat!($name, "\0").as_ptr(),
                    size: ::core::mem::size_of::<This>() as u64,
                    align: ::core::mem::align_of::<This>() as u64,
                    fields: FIELDS.as_ptr(),
                    nfields: FIELDS.len() as u64,
                };
                &raw const DESC
            };
        }
    };
}
pub(crate) use described;

/// Implements [`Described`] with a field-less descriptor for a type a path
/// reaches but that has no annotated fields (ops tables, schemas).
macro_rules! opaque_desc {
    ($t:ty, $name:literal) => {
        impl $crate::typedesc::Described for $t {
            const DESC: *const $crate::abi::TypeDesc = {
                static DESC: $crate::abi::TypeDesc = $crate::abi::TypeDesc {
                    name: concat!($name, "\0").as_ptr(),
                    size: ::core::mem::size_of::<$t>() as u64,
                    align: ::core::mem::align_of::<$t>() as u64,
                    fields: ::core::ptr::null(),
                    nfields: 0,
                };
                &raw const DESC
            };
        }
    };
}
pub(crate) use opaque_desc;

/// Checks descriptors against the native layout (tests of each module).
#[cfg(test)]
pub(crate) mod testing {
    use crate::abi::{FieldDesc, NO_INDEX, POINTEE_ARRAY, TypeDesc};

    /// A NUL-terminated static string.
    pub(crate) fn cstr(p: *const u8) -> &'static str {
        // SAFETY: descriptor strings are NUL-terminated ASCII statics.
        unsafe { core::ffi::CStr::from_ptr(p as *const core::ffi::c_char) }.to_str().unwrap()
    }

    /// The fields of a descriptor static.
    pub(crate) fn fields(d: *const TypeDesc) -> &'static [FieldDesc] {
        // SAFETY: descriptors are statics.
        let d = unsafe { &*d };
        if d.nfields == 0 {
            return &[];
        }
        // SAFETY: `fields` holds `nfields` static descriptors.
        unsafe { core::slice::from_raw_parts(d.fields, d.nfields as usize) }
    }

    /// One expected field: name, offset, element size, count, kind, pointee name.
    pub(crate) type Expect = (&'static str, usize, usize, usize, u32, Option<&'static str>);

    /// Asserts that `d` describes a type named `name` of `size`/`align` with
    /// exactly the annotated fields `want`, in order.
    pub(crate) fn check_desc(d: *const TypeDesc, name: &str, size: usize, align: usize, want: &[Expect]) {
        let got = fields(d);
        // SAFETY: descriptors are statics.
        let d = unsafe { &*d };
        assert_eq!(cstr(d.name), name);
        assert_eq!((d.size as usize, d.align as usize), (size, align), "{name}: size, align");
        let names: Vec<&str> = got.iter().map(|f| cstr(f.name)).collect();
        let want_names: Vec<&str> = want.iter().map(|w| w.0).collect();
        assert_eq!(names, want_names, "{name}: annotated fields");
        for (f, &(fname, off, sz, count, kind, to)) in got.iter().zip(want) {
            let what = format!("{name}.{fname}");
            assert_eq!(
                (f.offset as usize, f.size as usize, f.count as usize, f.kind),
                (off, sz, count, kind),
                "{what}"
            );
            // SAFETY: a non-null `points_to` is a descriptor static.
            let target = (!f.points_to.is_null()).then(|| cstr(unsafe { (*f.points_to).name }));
            assert_eq!(target, to, "{what}: points to");
            if f.pointee != POINTEE_ARRAY {
                assert_eq!((f.len_offset, f.len_size), (NO_INDEX, 0), "{what}: a length only for arrays");
            }
        }
    }

    /// `check_desc` with expectations computed from the type itself:
    /// `expect_desc!(T, [field: FieldType (count) KIND -> "Pointee" | None, ...])`.
    macro_rules! expect_desc {
        ($t:ty, $name:literal, [$($f:ident : $ft:ty, $n:expr, $k:ident, $to:expr;)*]) => {
            $crate::typedesc::testing::check_desc(
                <$t as $crate::typedesc::Described>::DESC,
                $name,
                ::core::mem::size_of::<$t>(),
                ::core::mem::align_of::<$t>(),
                &[$((
                    stringify!($f),
                    ::core::mem::offset_of!($t, $f),
                    ::core::mem::size_of::<$ft>() / $n,
                    $n,
                    $crate::abi::$k,
                    $to,
                )),*],
            )
        };
    }
    pub(crate) use expect_desc;
}
