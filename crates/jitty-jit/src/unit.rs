//! Compilation units: one `JITModule` holding one or more functions, freed
//! together.
//!
//! [`compile_unit`] lowers each requested function; a function that cannot be
//! lowered is recorded in [`JitUnit::failures`] and left out (its callers in
//! the unit reach it through [`JitEnv::func_addr`], i.e. the interpreter).
//! If a function that already-compiled members call directly fails, the unit
//! is rebuilt without it.

use crate::error::{JitError, Result};
use crate::lower::{UnitCtx, lower_function};
use cranelift_codegen::isa::OwnedTargetIsa;
use cranelift_codegen::settings::{self, Configurable};
use cranelift_frontend::{FunctionBuilder, FunctionBuilderContext};
use cranelift_jit::{JITBuilder, JITModule};
use cranelift_module::{Linkage, Module as _};
use jitty_ir::{FuncId, Module};
use jitty_rt::JitEnv;
use std::collections::{HashMap, HashSet};
use std::io::Write as _;
use std::panic::{AssertUnwindSafe, catch_unwind};
use std::sync::OnceLock;
use std::time::{Duration, Instant};

/// Cranelift optimization level.
#[derive(Clone, Copy, PartialEq, Eq, Hash, Debug, Default)]
pub enum OptLevel {
    /// No optimization (fastest compile).
    None,
    /// Optimize for speed (default).
    #[default]
    Speed,
    /// Optimize for speed and size.
    SpeedAndSize,
}

/// Options of one compilation.
#[derive(Clone, Copy, PartialEq, Eq, Debug, Default)]
pub struct JitOptions {
    /// Append `START SIZE name` lines to `/tmp/perf-PID.map`.
    pub perf_map: bool,
    /// Keep (and print to stderr) each function's Cranelift IR.
    pub dump_clif: bool,
    /// Keep (and print to stderr) each function's disassembly.
    pub dump_asm: bool,
    /// Cranelift optimization level.
    pub opt_level: OptLevel,
    /// Check every function's CLIF with Cranelift's verifier, and make
    /// invalid CLIF or a panic in lowering or code generation an error of
    /// the whole unit ([`JitError::Internal`]) rather than a fallback to the
    /// interpreter: for tests and differential runs, where a bug of the JIT
    /// must not hide behind a fallback that still gives the right output.
    pub verify: bool,
}

/// One compiled function of a unit.
#[derive(Clone, Debug)]
pub struct CompiledFunc {
    /// The IR function.
    pub id: FuncId,
    /// Its symbol name.
    pub name: String,
    /// Native entry point (SysV C ABI with the IR signature).
    pub addr: u64,
    /// Code size in bytes.
    pub size: usize,
    /// Cranelift IR, when [`JitOptions::dump_clif`] was set.
    pub clif: Option<String>,
    /// Disassembly, when [`JitOptions::dump_asm`] was set.
    pub asm: Option<String>,
    /// Time to lower this function to CLIF and compile it to machine code
    /// (the unit's finalization, shared by all its functions, is not
    /// included).
    pub compile_time: Duration,
}

/// A compiled, executable unit.
pub struct JitUnit {
    module: Option<JITModule>,
    funcs: Vec<CompiledFunc>,
    failures: Vec<JitError>,
    /// Function names referenced by trap calls in the code.
    _names: Vec<Box<str>>,
}

impl std::fmt::Debug for JitUnit {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("JitUnit").field("funcs", &self.funcs).field("failures", &self.failures).finish()
    }
}

impl JitUnit {
    /// The native entry of `id`, if it was compiled into this unit.
    pub fn addr(&self, id: FuncId) -> Option<u64> {
        self.funcs.iter().find(|f| f.id == id).map(|f| f.addr)
    }

    /// The compiled functions.
    pub fn functions(&self) -> &[CompiledFunc] {
        &self.funcs
    }

    /// Functions that were requested but could not be compiled, with why.
    pub fn failures(&self) -> &[JitError] {
        &self.failures
    }

    /// Total code size in bytes.
    pub fn code_size(&self) -> usize {
        self.funcs.iter().map(|f| f.size).sum()
    }

    /// Frees the unit's code and data. Dropping a unit without calling this
    /// leaks its code (which then stays valid forever).
    ///
    /// # Safety
    ///
    /// No thread may be executing code of this unit, and no address obtained
    /// from it may be called afterwards.
    pub unsafe fn free(mut self) {
        if let Some(m) = self.module.take() {
            // SAFETY: the caller guarantees the code is unreachable.
            unsafe { m.free_memory() };
        }
    }
}

fn isa(opt: OptLevel) -> Result<OwnedTargetIsa> {
    static ISAS: [OnceLock<std::result::Result<OwnedTargetIsa, String>>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    let (i, name) = match opt {
        OptLevel::None => (0, "none"),
        OptLevel::Speed => (1, "speed"),
        OptLevel::SpeedAndSize => (2, "speed_and_size"),
    };
    ISAS[i]
        .get_or_init(|| {
            let mut fb = settings::builder();
            let set = |fb: &mut settings::Builder, k: &str, v: &str| fb.set(k, v).map_err(|e| e.to_string());
            set(&mut fb, "opt_level", name)?;
            set(&mut fb, "use_colocated_libcalls", "false")?;
            set(&mut fb, "is_pic", "false")?;
            set(&mut fb, "enable_multi_ret_implicit_sret", "true")?;
            set(&mut fb, "enable_llvm_abi_extensions", "true")?;
            set(&mut fb, "enable_verifier", if cfg!(debug_assertions) { "true" } else { "false" })?;
            let ib = cranelift_native::builder().map_err(|e| e.to_string())?;
            ib.finish(settings::Flags::new(fb)).map_err(|e| e.to_string())
        })
        .clone()
        .map_err(JitError::Isa)
}

/// A defined function: IR id, Cranelift id, code size, CLIF and asm dumps.
type Compiled = (FuncId, cranelift_module::FuncId, usize, Option<String>, Option<String>, Duration);

/// A lowered function: referenced members, CLIF dump, code size, asm dump.
type Lowered = (HashSet<FuncId>, Option<String>, usize, Option<String>);

fn panic_message(p: &(dyn std::any::Any + Send)) -> String {
    p.downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| p.downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "panic".into())
}

/// Compiles `funcs` of `m` into one executable unit.
///
/// Functions that cannot be compiled are listed in [`JitUnit::failures`]
/// (all of them, possibly, leaving an empty unit); the call fails only when
/// the unit as a whole could not be built or finished.
pub fn compile_unit(m: &Module, funcs: &[FuncId], env: &dyn JitEnv, opts: &JitOptions) -> Result<JitUnit> {
    for &f in funcs {
        if f.index() >= m.funcs.len() || m.func(f).is_declaration() {
            return Err(JitError::NotADefinition(f));
        }
    }
    let isa = isa(opts.opt_level)?;
    let mut excluded: HashSet<FuncId> = HashSet::new();
    let mut failures: Vec<JitError> = Vec::new();
    // Variadic definitions never lower (no va_start): leave them out before
    // anything is lowered, so no caller is lowered against them as members
    // (a variadic call to a member is refused, which made such callers
    // fall back depending on the order of the functions).
    for &f in funcs {
        let func = m.func(f);
        if m.types.func_sig(func.ty).is_some_and(|s| s.2) {
            excluded.insert(f);
            failures.push(JitError::Unsupported {
                func: func.name.clone(),
                inst: None,
                reason: "variadic function definitions are not supported (va_start)".into(),
            });
        }
    }
    // Lowering alone (no code generation), to a fixed point, finds the
    // functions that cannot be compiled, so that code generation below
    // restarts only on a code generator error: a restart regenerates the
    // whole unit, and restarting once per failure made units with many
    // fallbacks quadratic (Lua at -O0: about a minute for 1,056 functions).
    // A unit of one function has no other member to restart for, so it
    // goes straight to code generation (a specialization's residual: the
    // pre-pass was an eighth of its compile time).
    if funcs.iter().filter(|f| !excluded.contains(f)).count() > 1 {
        exclude_unlowerable(m, funcs, env, &isa, &mut excluded, &mut failures, opts.verify)?;
    }
    'attempt: loop {
        let mut cx = new_ctx(m, env, &isa);
        let candidates: Vec<FuncId> = funcs.iter().copied().filter(|f| !excluded.contains(f)).collect();
        let names = declare_members(&mut cx, &candidates)?;
        let mut ctx = cx.module.make_context();
        let mut fbc = FunctionBuilderContext::new();
        let mut refs: Vec<(FuncId, HashSet<FuncId>)> = Vec::new();
        let mut compiled: Vec<Compiled> = Vec::new();
        for (i, &f) in candidates.iter().enumerate() {
            let func = m.func(f);
            let clid = cx.members[&f];
            let started = Instant::now();
            ctx.clear();
            ctx.set_disasm(opts.dump_asm);
            let name = (names[i].as_ptr() as u64, names[i].len());
            let lowered = catch_unwind(AssertUnwindSafe(|| {
                let b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
                lower_function(&mut cx, f, b, name)
            }));
            let outcome: Result<Lowered> = match lowered {
                Err(p) if opts.verify => {
                    Err(JitError::Internal { func: func.name.clone(), reason: panic_message(&*p) })
                }
                Err(p) => Err(JitError::Codegen { func: func.name.clone(), reason: panic_message(&*p) }),
                Ok(Err(e)) => Err(e),
                Ok(Ok(referenced)) => {
                    let clif = opts.dump_clif.then(|| ctx.func.display().to_string());
                    if opts.verify
                        && let Err(errors) = cranelift_codegen::verify_function(&ctx.func, cx.module.isa())
                    {
                        let reason = format!("invalid CLIF: {errors}");
                        // SAFETY: nothing of this attempt was finalized or run.
                        unsafe { cx.module.free_memory() };
                        return Err(JitError::Internal { func: func.name.clone(), reason });
                    }
                    let defined = catch_unwind(AssertUnwindSafe(|| {
                        cx.module.define_function(clid, &mut ctx).map_err(|e| format!("{e:?}"))
                    }));
                    if let (Some(c), Err(_) | Ok(Err(_))) = (&clif, &defined) {
                        // The CLIF Cranelift refused, for the bug report.
                        eprintln!("; jitty-jit CLIF of @{} (code generation failed)\n{c}", func.name);
                    }
                    match defined {
                        Err(p) if opts.verify => {
                            Err(JitError::Internal { func: func.name.clone(), reason: panic_message(&*p) })
                        }
                        Err(p) => Err(JitError::Codegen { func: func.name.clone(), reason: panic_message(&*p) }),
                        Ok(Err(reason)) => Err(JitError::Codegen { func: func.name.clone(), reason }),
                        Ok(Ok(())) => {
                            let code = ctx.compiled_code().expect("just compiled");
                            let size = code.code_buffer().len();
                            let asm = code.vcode.clone();
                            Ok((referenced, clif, size, asm))
                        }
                    }
                }
            };
            match outcome {
                Err(e @ JitError::Internal { .. }) => {
                    // SAFETY: nothing of this attempt was finalized or run.
                    unsafe { cx.module.free_memory() };
                    return Err(e);
                }
                Ok((referenced, clif, size, asm)) => {
                    refs.push((f, referenced));
                    compiled.push((f, clid, size, clif, asm, started.elapsed()));
                }
                Err(e) => {
                    fbc = FunctionBuilderContext::new();
                    excluded.insert(f);
                    failures.push(e);
                    cx.members.remove(&f);
                    if refs.iter().any(|(_, r)| r.contains(&f)) {
                        // SAFETY: nothing of this attempt was finalized or run.
                        unsafe { cx.module.free_memory() };
                        continue 'attempt;
                    }
                }
            }
        }
        if compiled.is_empty() {
            // SAFETY: nothing of this attempt was finalized or run.
            unsafe { cx.module.free_memory() };
            return Ok(JitUnit { module: None, funcs: Vec::new(), failures, _names: names });
        }
        cx.module
            .finalize_definitions()
            .map_err(|e| JitError::Codegen { func: "<unit>".into(), reason: e.to_string() })?;
        let mut out = Vec::with_capacity(compiled.len());
        for (f, clid, size, clif, asm, compile_time) in compiled {
            let addr = cx.module.get_finalized_function(clid) as u64;
            let name = m.func(f).name.clone();
            if let Some(c) = &clif {
                eprintln!("; jitty-jit CLIF of @{name}\n{c}");
            }
            if let Some(a) = &asm {
                eprintln!("; jitty-jit disassembly of @{name} at {addr:#x}\n{a}");
            }
            out.push(CompiledFunc { id: f, name, addr, size, clif, asm, compile_time });
        }
        if opts.perf_map {
            write_perf_map(&out);
        }
        return Ok(JitUnit { module: Some(cx.module), funcs: out, failures, _names: names });
    }
}

/// Lowers the candidates of `funcs` (those not `excluded`) without
/// generating code, to a fixed point, adding each one that cannot be
/// lowered to `excluded` and its error to `failures`.
fn exclude_unlowerable(
    m: &Module,
    funcs: &[FuncId],
    env: &dyn JitEnv,
    isa: &OwnedTargetIsa,
    excluded: &mut HashSet<FuncId>,
    failures: &mut Vec<JitError>,
    verify: bool,
) -> Result<()> {
    loop {
        let mut cx = new_ctx(m, env, isa);
        let candidates: Vec<FuncId> = funcs.iter().copied().filter(|f| !excluded.contains(f)).collect();
        let names = declare_members(&mut cx, &candidates)?;
        let mut ctx = cx.module.make_context();
        let mut fbc = FunctionBuilderContext::new();
        let mut changed = false;
        for (i, &f) in candidates.iter().enumerate() {
            ctx.clear();
            let name = (names[i].as_ptr() as u64, names[i].len());
            let lowered = catch_unwind(AssertUnwindSafe(|| {
                let b = FunctionBuilder::new(&mut ctx.func, &mut fbc);
                lower_function(&mut cx, f, b, name)
            }));
            let err = match lowered {
                Ok(Ok(_)) => continue,
                Ok(Err(e)) => e,
                Err(p) if verify => {
                    // SAFETY: nothing of this pass was defined, finalized or run.
                    unsafe { cx.module.free_memory() };
                    return Err(JitError::Internal { func: m.func(f).name.clone(), reason: panic_message(&*p) });
                }
                Err(p) => JitError::Codegen { func: m.func(f).name.clone(), reason: panic_message(&*p) },
            };
            fbc = FunctionBuilderContext::new();
            excluded.insert(f);
            failures.push(err);
            cx.members.remove(&f);
            changed = true;
        }
        // SAFETY: nothing of this pass was defined, finalized or run.
        unsafe { cx.module.free_memory() };
        if !changed {
            break;
        }
    }
    Ok(())
}

/// A fresh unit context with no members.
fn new_ctx<'m>(m: &'m Module, env: &'m dyn JitEnv, isa: &OwnedTargetIsa) -> UnitCtx<'m> {
    let builder = JITBuilder::with_isa(isa.clone(), cranelift_module::default_libcall_names());
    UnitCtx { m, env, module: JITModule::new(builder), members: HashMap::new(), thunks: HashMap::new() }
}

/// Declares `candidates` as the members of `cx`'s unit; returns their names
/// (kept alive for the code that reports traps).
fn declare_members(cx: &mut UnitCtx<'_>, candidates: &[FuncId]) -> Result<Vec<Box<str>>> {
    let m = cx.m;
    let mut names = Vec::with_capacity(candidates.len());
    for &f in candidates {
        let func = m.func(f);
        let (ret, _, _) = m.types.func_sig(func.ty).unwrap_or((func.ty, &[], false));
        let params: Vec<_> = func.params.iter().map(|p| (p.ty, p.attrs)).collect();
        let sig = crate::lower::signature_for(m, ret, &params, &func.ret_attrs)
            .unwrap_or_else(|_| cranelift_codegen::ir::Signature::new(cranelift_codegen::isa::CallConv::SystemV));
        let clid = cx
            .module
            .declare_function(&format!("{}#{}", func.name, f.0), Linkage::Local, &sig)
            .map_err(|e| JitError::Codegen { func: func.name.clone(), reason: e.to_string() })?;
        cx.members.insert(f, clid);
        names.push(func.name.clone().into_boxed_str());
    }
    Ok(names)
}

/// Appends the unit's functions to `/tmp/perf-PID.map` (best effort).
fn write_perf_map(funcs: &[CompiledFunc]) {
    let mut text = String::new();
    for f in funcs {
        text.push_str(&format!("{:x} {:x} {}\n", f.addr, f.size, f.name));
    }
    let path = format!("/tmp/perf-{}.map", std::process::id());
    if let Ok(mut file) = std::fs::OpenOptions::new().create(true).append(true).open(path) {
        let _ = file.write_all(text.as_bytes());
    }
}
