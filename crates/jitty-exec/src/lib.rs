//! Running a module's entry function the way `lli` does.
//!
//! Both engines share one [`Image`]: the module's globals in real process
//! memory, externals resolved in the host. The interpreter runs everything
//! itself; the JIT compiles every definition eagerly into one unit and leaves
//! the functions it cannot lower to the interpreter, which is reachable from
//! JIT code through the image's native entry points. Eager compilation is the
//! default because programs run once, start to finish: compiling everything
//! up front keeps the run free of compile pauses and lets calls inside the
//! unit be direct. `Options::lazy` is the alternative for large modules of
//! which little runs: only the entry function is compiled, and the rest runs
//! on the interpreter.

use jitty_interp::{Image, InterpError, Interpreter, MAIN_STACK, MainArgs};
use jitty_ir::{FuncId, GlobalId, Module};
use jitty_jit::{JitEnv, JitOptions, JitUnit, compile_unit};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Which engine runs the code.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Engine {
    /// The reference interpreter.
    Interp,
    /// Cranelift-compiled code, with interpreter fallback per function.
    Jit,
}

/// How to run.
#[derive(Clone, Debug)]
pub struct Options {
    /// The engine.
    pub engine: Engine,
    /// Interpreter fuel limit (executed instructions), if any.
    pub fuel: Option<u64>,
    /// JIT options (perf map, dumps, optimisation level).
    pub jit: JitOptions,
    /// JIT: compile only the entry function (the rest runs interpreted).
    pub lazy: bool,
}

impl Default for Options {
    fn default() -> Self {
        Options { engine: Engine::Interp, fuel: None, jit: JitOptions::default(), lazy: false }
    }
}

/// Why a run failed (the program itself did not get to return a status).
#[derive(Debug, thiserror::Error)]
pub enum ExecError {
    /// Loading the module into memory failed.
    #[error("loading the module: {0}")]
    Load(#[from] jitty_interp::LoadError),
    /// The entry function is missing or has an unusable signature.
    #[error("entry @{entry}: {reason}")]
    Entry {
        /// The entry's name.
        entry: String,
        /// What is wrong with it.
        reason: String,
    },
    /// The interpreter trapped.
    #[error(transparent)]
    Interp(#[from] InterpError),
    /// JIT code trapped.
    #[error("{kind} in JIT code of @{func}")]
    JitTrap {
        /// What happened.
        kind: String,
        /// The function in which it happened.
        func: String,
    },
    /// The JIT could not compile the entry point's unit at all.
    #[error("JIT: {0}")]
    Jit(#[from] jitty_jit::JitError),
    /// The program thread could not be started or died.
    #[error("running the program thread: {0}")]
    Thread(String),
}

/// What a run did besides its exit status.
#[derive(Clone, Debug, Default)]
pub struct RunStats {
    /// Time spent compiling (JIT only).
    pub compile_time: Duration,
    /// Functions compiled (JIT only).
    pub compiled: usize,
    /// Defined functions the JIT was given (compiled + fallbacks).
    pub functions: usize,
    /// Compile time of each compiled function (lowering + code generation).
    pub per_function: Vec<(String, Duration)>,
    /// Functions the JIT left to the interpreter, with the reason.
    pub fallbacks: Vec<String>,
    /// Bytes of machine code produced.
    pub code_size: usize,
}

impl RunStats {
    /// The `jitty-stat:` lines of `jitty exec --stats`: one summary line
    /// (`compile_ms`, `functions`, per-function median and maximum, ...),
    /// then one line per compiled function and one per fallback.
    pub fn stat_lines(&self) -> Vec<String> {
        let ms = |t: Duration| t.as_secs_f64() * 1e3;
        let mut per_fn: Vec<f64> = self.per_function.iter().map(|(_, t)| ms(*t)).collect();
        per_fn.sort_by(f64::total_cmp);
        let mut lines = vec![format!(
            "jitty-stat: compile_ms={:.3} functions={} compiled={} fallbacks={} code_bytes={} fn_median_ms={:.3} fn_max_ms={:.3}",
            ms(self.compile_time),
            self.functions,
            self.compiled,
            self.fallbacks.len(),
            self.code_size,
            per_fn.get(per_fn.len() / 2).copied().unwrap_or(0.0),
            per_fn.last().copied().unwrap_or(0.0),
        )];
        lines.extend(
            self.per_function.iter().map(|(name, t)| format!("jitty-stat: function @{name} compile_ms={:.3}", ms(*t))),
        );
        lines.extend(self.fallbacks.iter().map(|reason| format!("jitty-stat: fallback {reason}")));
        lines
    }
}

/// [`JitEnv`] over an [`Image`]: JIT code uses the very addresses the
/// interpreter uses.
struct ImageEnv<'a>(&'a Image);

impl JitEnv for ImageEnv<'_> {
    fn global_addr(&self, id: GlobalId) -> u64 {
        self.0.global_addr(id)
    }
    fn func_addr(&self, id: FuncId) -> Option<u64> {
        Some(self.0.func_addr(id)).filter(|&a| a != 0)
    }
    fn external_addr(&self, name: &str) -> Option<u64> {
        self.0.symbol_addr(name)
    }
}

/// Runs `entry` of `module` with `argv = [program, args...]` and returns its
/// exit status together with statistics.
pub fn run_main(
    module: Module,
    entry: &str,
    program: &str,
    args: &[String],
    opts: &Options,
) -> Result<(i32, RunStats), ExecError> {
    let module = Arc::new(module);
    let entry_id = module
        .func_by_name(entry)
        .filter(|f| !module.func(*f).is_declaration())
        .ok_or_else(|| ExecError::Entry { entry: entry.into(), reason: "no such function is defined".into() })?;
    let nparams = module.func(entry_id).params.len();
    if ![0, 2, 3].contains(&nparams) {
        return Err(ExecError::Entry { entry: entry.into(), reason: format!("takes {nparams} parameters") });
    }
    let image = Arc::new(Image::load_host(module.clone())?);
    let interp = Interpreter::new(image.clone());
    interp.set_fuel(opts.fuel);
    match opts.engine {
        Engine::Interp => Ok((interp.run_main(entry, program, args)?, RunStats::default())),
        Engine::Jit => run_jit(&module, &image, &interp, entry_id, program, args, opts),
    }
}

fn run_jit(
    module: &Module,
    image: &Image,
    interp: &Interpreter,
    entry: FuncId,
    program: &str,
    args: &[String],
    opts: &Options,
) -> Result<(i32, RunStats), ExecError> {
    let funcs: Vec<FuncId> = if opts.lazy {
        vec![entry]
    } else {
        module.funcs_iter().filter(|(_, f)| !f.is_declaration()).map(|(id, _)| id).collect()
    };
    let started = Instant::now();
    let unit: JitUnit = compile_unit(module, &funcs, &ImageEnv(image), &opts.jit)?;
    let stats = RunStats {
        compile_time: started.elapsed(),
        compiled: unit.functions().len(),
        functions: funcs.len(),
        per_function: unit.functions().iter().map(|f| (f.name.clone(), f.compile_time)).collect(),
        fallbacks: unit.failures().iter().map(ToString::to_string).collect(),
        code_size: unit.code_size(),
    };
    let Some(addr) = unit.addr(entry) else {
        // The entry itself could not be compiled: the interpreter runs it,
        // and it still reaches compiled code through the image's entries.
        let name = &module.func(entry).name;
        return Ok((interp.run_main(name, program, args)?, stats));
    };
    let main_args = MainArgs::new(program, args);
    let nparams = module.func(entry).params.len();
    let mut words = main_args.words(nparams).unwrap_or_default();
    words.resize(3, 0);
    let interp = interp.clone();
    let status = std::thread::Builder::new()
        .name("jitty-main".into())
        .stack_size(MAIN_STACK)
        .spawn(move || -> Result<(i32, Option<jitty_jit::Trap>), InterpError> {
            // Constructors and destructors run as `run_main` runs them; they
            // reach compiled code through the image like any other caller.
            for ctor in interp.structors("llvm.global_ctors") {
                interp.call(ctor, &[])?;
            }
            // SAFETY: `addr` is the entry of a function the JIT compiled from
            // an IR `main` that takes 0, 2 or 3 parameters (checked by the
            // caller); under the SysV ABI passing three arguments to a
            // function that reads fewer is harmless. The argument strings
            // outlive the join below, and the unit is not freed while the
            // program runs.
            let status = unsafe {
                let main: extern "C" fn(u64, u64, u64) -> i32 = std::mem::transmute(addr as usize);
                main(words[0], words[1], words[2])
            };
            if let Some(trap) = jitty_jit::take_trap() {
                return Ok((status, Some(trap)));
            }
            for dtor in interp.structors("llvm.global_dtors") {
                interp.call(dtor, &[])?;
            }
            Ok((status, None))
        })
        .map_err(|e| ExecError::Thread(e.to_string()))?
        .join()
        .map_err(|_| ExecError::Thread("the program thread panicked".into()))??;
    drop(main_args);
    match status {
        (_, Some(trap)) => Err(ExecError::JitTrap { kind: format!("{:?}", trap.kind), func: trap.func }),
        (code, None) => Ok((code, stats)),
    }
}
