//! libffi glue: call-interface descriptions for native calls, and the
//! interpreter's generic entries ([`InterpEntries`]): closures that give IR
//! functions native-callable addresses entering the interpreter.

use jitty_ir::{FuncId, Module, ParamAttrs, Ty, TypeData};
use jitty_sem::{Fk, Repr, Scalar, repr_of};
use libffi::low::{self, CodePtr, ffi_cif, ffi_closure};
use libffi::middle::{Cif, Type};
use std::ffi::c_void;
use std::sync::{Arc, Mutex, OnceLock};

/// The libffi type of a value of `ty` passed or returned directly.
pub fn ffi_type(m: &Module, ty: Ty, attrs: &ParamAttrs) -> Result<Type, String> {
    if let Some(inner) = attrs.byval {
        // `byval(T)`: the ABI copies the pointee onto the stack, which is what
        // libffi does for a struct argument of class MEMORY.
        return ffi_type(m, inner, &ParamAttrs::default());
    }
    Ok(match m.types.get(ty) {
        TypeData::Void => Type::void(),
        TypeData::Int(b) => {
            let s = attrs.signext;
            match *b {
                1..=8 => {
                    if s {
                        Type::i8()
                    } else {
                        Type::u8()
                    }
                }
                9..=16 => {
                    if s {
                        Type::i16()
                    } else {
                        Type::u16()
                    }
                }
                17..=32 => {
                    if s {
                        Type::i32()
                    } else {
                        Type::u32()
                    }
                }
                33..=64 => Type::u64(),
                65..=128 => Type::structure([Type::u64(), Type::u64()]),
                _ => return Err(format!("i{b} in a native call")),
            }
        }
        TypeData::Ptr { .. } => Type::pointer(),
        TypeData::Float(k) => match Fk::of(*k) {
            Some(Fk::F32) => Type::f32(),
            Some(Fk::F64) => Type::f64(),
            Some(Fk::F80) => Type::longdouble(),
            _ => return Err(format!("{} in a native call", k.keyword())),
        },
        TypeData::Array { elem, len } => {
            if *len == 0 {
                return Err("zero-length array in a native call".into());
            }
            let e = ffi_type(m, *elem, &ParamAttrs::default())?;
            Type::structure(vec![e; *len as usize])
        }
        TypeData::Struct { .. } | TypeData::Named(_) => {
            let (fields, packed) = m.types.struct_fields(ty).ok_or("opaque struct in a native call")?;
            if packed {
                return Err("packed struct in a native call".into());
            }
            if fields.is_empty() {
                return Err("empty struct in a native call".into());
            }
            let fs: Result<Vec<Type>, String> =
                fields.iter().map(|f| ffi_type(m, *f, &ParamAttrs::default())).collect();
            Type::structure(fs?)
        }
        _ => return Err("vector or other non-scalar in a native call".into()),
    })
}

/// A prepared call interface, with how to convert the return value.
#[derive(Debug)]
pub struct FfiSig {
    cif: Cif,
    /// Representation of the IR return value.
    pub ret: Repr,
}

// SAFETY: the cif and the libffi types it points to are immutable after
// preparation; `ffi_call` only reads them, so sharing between threads is fine.
unsafe impl Send for FfiSig {}
// SAFETY: see `Send` above.
unsafe impl Sync for FfiSig {}

impl FfiSig {
    /// Prepares the interface for a call with the given IR return type and
    /// argument types; `fixed` is `Some(n)` for a variadic callee with `n`
    /// fixed parameters.
    pub fn new(
        m: &Module,
        ret: Ty,
        ret_attrs: &ParamAttrs,
        args: &[(Ty, ParamAttrs)],
        fixed: Option<usize>,
    ) -> Result<FfiSig, String> {
        let rt = ffi_type(m, ret, ret_attrs)?;
        let ats: Result<Vec<Type>, String> = args.iter().map(|(t, a)| ffi_type(m, *t, a)).collect();
        let ats = ats?;
        let cif = match fixed {
            Some(n) => Cif::try_new_variadic(ats, n, rt),
            None => Cif::try_new(ats, rt),
        }
        .map_err(|e| format!("libffi rejected the signature: {e:?}"))?;
        Ok(FfiSig { cif, ret: repr_of(m, ret)? })
    }

    /// Calls `fun` with argument pointers `args`, writing the raw return
    /// value to `ret` (at least 8 bytes and large enough for the return type).
    ///
    /// # Safety
    /// `fun` must be a function with this signature; `args` must point to one
    /// value per parameter of the right type; `ret` must be large enough.
    pub unsafe fn call(&self, fun: u64, args: *mut *mut c_void, ret: *mut c_void) {
        // SAFETY: forwarded to the caller; the cif is prepared.
        unsafe {
            libffi::raw::ffi_call(
                self.cif.as_raw_ptr(),
                Some(*CodePtr::from_ptr(fun as *const c_void).as_fun()),
                ret,
                args,
            )
        }
    }
}

/// The function a closure calls to enter the interpreter:
/// `(function, argument pointers, return buffer)`. It returns a `longjmp`
/// that unwound the activation and must go on to an outer catch point.
pub type EntryFn = dyn Fn(FuncId, *const *const c_void, *mut c_void) -> Option<jitty_rt::sjlj::Jump> + Send + Sync;

/// Where the interpreter registers itself so closures can enter it.
#[derive(Default)]
pub struct EntryHook(pub OnceLock<Box<EntryFn>>);

impl std::fmt::Debug for EntryHook {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.get().is_some() { "EntryHook(set)" } else { "EntryHook(unset)" })
    }
}

/// Data handed to the closure callback.
#[derive(Debug)]
struct ClosureData {
    func: FuncId,
    hook: Arc<EntryHook>,
}

/// A libffi closure: native code that enters the interpreter.
#[derive(Debug)]
pub struct NativeClosure {
    alloc: *mut ffi_closure,
    code: u64,
    _cif: Box<Cif>,
    _data: Box<ClosureData>,
}

// SAFETY: the closure's memory is only freed on drop; the data it refers to
// (cif, ClosureData) is immutable and owned by the closure itself.
unsafe impl Send for NativeClosure {}
// SAFETY: see `Send` above.
unsafe impl Sync for NativeClosure {}

unsafe extern "C" fn closure_callback(
    _cif: &ffi_cif,
    result: &mut c_void,
    args: *const *const c_void,
    data: &ClosureData,
) {
    let jump = match data.hook.0.get() {
        Some(h) => h(data.func, args, result as *mut c_void),
        None => {
            eprintln!("jitty: an IR function was called from native code before an interpreter was created");
            std::process::abort();
        }
    };
    // A longjmp to a frame of an outer interpreter activation: this one has
    // unwound its frames, and this frame owns nothing (only references), so
    // it may be skipped on the way to the next catch point out.
    if let Some(j) = jump {
        jitty_rt::sjlj::rethrow(j);
    }
}

impl NativeClosure {
    /// A closure for IR function `func` with the given parameter and return
    /// types.
    pub fn new(
        m: &Module,
        func: FuncId,
        ret: Ty,
        ret_attrs: &ParamAttrs,
        params: &[(Ty, ParamAttrs)],
        hook: Arc<EntryHook>,
    ) -> Result<NativeClosure, String> {
        let rt = ffi_type(m, ret, ret_attrs)?;
        let ats: Result<Vec<Type>, String> = params.iter().map(|(t, a)| ffi_type(m, *t, a)).collect();
        Self::with_types(func, ats?, rt, hook)
    }

    /// A closure for IR function `func` whose native signature is `ats ->
    /// rt`.
    fn with_types(func: FuncId, ats: Vec<Type>, rt: Type, hook: Arc<EntryHook>) -> Result<NativeClosure, String> {
        let cif = Box::new(Cif::try_new(ats, rt).map_err(|e| format!("libffi: {e:?}"))?);
        let data = Box::new(ClosureData { func, hook });
        let (alloc, code) = low::try_closure_alloc().ok_or("libffi closure allocation failed")?;
        // SAFETY: `alloc`/`code` come from closure_alloc; the cif and data are
        // boxed and owned by the returned value, so they outlive the closure.
        let r =
            unsafe { low::prep_closure(alloc, cif.as_raw_ptr(), closure_callback, &*data as *const ClosureData, code) };
        if let Err(e) = r {
            // SAFETY: `alloc` was allocated above and is not used afterwards.
            unsafe { low::closure_free(alloc) };
            return Err(format!("libffi: {e:?}"));
        }
        Ok(NativeClosure { alloc, code: code.as_ptr() as u64, _cif: cif, _data: data })
    }

    /// The native entry address.
    pub fn addr(&self) -> u64 {
        self.code
    }
}

/// The interpreter's generic implementation of a module's functions, for
/// [`jitty_rt::Image::load`]: each defined function's dispatch slot starts at
/// a libffi closure that enters the interpreter. The first
/// [`crate::Interpreter`] created over the image is the one entered.
#[derive(Debug, Default)]
pub struct InterpEntries {
    hook: Arc<EntryHook>,
    closures: Mutex<Vec<NativeClosure>>,
}

impl InterpEntries {
    /// Where the interpreter registers itself.
    pub(crate) fn hook(&self) -> &EntryHook {
        &self.hook
    }
}

/// Number of arguments of a variadic entry's closure: see
/// [`variadic_entry`].
pub const VARIADIC_ENTRY_ARGS: usize = 15;

/// The closure of a variadic function: libffi cannot make a variadic
/// closure, but a SysV variadic call passes its arguments as a call with
/// the same registers would, so the closure takes the six integer argument
/// registers, the eight vector registers and the first stack slot (15
/// arguments). libffi saves the registers in the layout of the SysV
/// register save area and passes the address of the first stack slot, which
/// is the overflow area: the interpreter reads the fixed parameters from
/// them and builds the callee's `va_list` over them (`exec`). Fixed
/// parameters must be integers or pointers of at most 64 bits, `float` or
/// `double`, none `byval`.
fn variadic_entry(m: &Module, f: FuncId, ret: Ty, hook: Arc<EntryHook>) -> Result<NativeClosure, String> {
    let fd = m.func(f);
    for p in &fd.params {
        let simple = matches!(m.types.get(p.ty), TypeData::Ptr { .. } | TypeData::Int(1..=64))
            || matches!(m.types.get(p.ty), TypeData::Float(k) if matches!(Fk::of(*k), Some(Fk::F32 | Fk::F64)));
        if !simple || p.attrs.byval.is_some() {
            return Err("variadic function with a fixed parameter passed other than in one register".into());
        }
    }
    let rt = ffi_type(m, ret, &fd.ret_attrs)?;
    let mut ats = vec![Type::u64(); 6];
    ats.extend(std::iter::repeat_n(Type::f64(), 8));
    ats.push(Type::u64());
    debug_assert_eq!(ats.len(), VARIADIC_ENTRY_ARGS);
    NativeClosure::with_types(f, ats, rt, hook)
}

impl jitty_rt::GenericEntry for InterpEntries {
    fn entry(&self, m: &Module, f: FuncId) -> Result<u64, String> {
        let fd = m.func(f);
        let Some((ret, _, variadic)) = m.types.func_sig(fd.ty) else {
            return Err("function without a function type".into());
        };
        let closure = if variadic {
            variadic_entry(m, f, ret, self.hook.clone())
                .map_err(|e| format!("variadic functions cannot be entered from native code: {e}"))?
        } else {
            let params: Vec<_> = fd.params.iter().map(|p| (p.ty, p.attrs)).collect();
            NativeClosure::new(m, f, ret, &fd.ret_attrs, &params, self.hook.clone())?
        };
        let addr = closure.addr();
        self.closures.lock().unwrap_or_else(|e| e.into_inner()).push(closure);
        Ok(addr)
    }
}

impl Drop for NativeClosure {
    fn drop(&mut self) {
        // SAFETY: allocated by closure_alloc and freed exactly once here.
        unsafe { low::closure_free(self.alloc) };
    }
}

/// Converts a libffi return buffer into register slots.
///
/// # Safety
/// `buf` holds a value returned per `r`; `out` valid for `r.slots()`.
pub unsafe fn ret_to_slots(r: &Repr, buf: *const u64, out: *mut u64) {
    // SAFETY: forwarded to the caller.
    unsafe {
        match r {
            Repr::S(Scalar::I(b)) if *b <= 64 => *out = *buf & jitty_sem::mask64(*b),
            _ => jitty_rt::mem::load_repr(r, buf as u64, out),
        }
    }
}
