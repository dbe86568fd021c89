//! Running a module's entry function the way `lli` does.
//!
//! Both engines share one [`Image`]: the module's globals in real process
//! memory, externals resolved in the host. The interpreter runs everything
//! itself; the JIT compiles every definition eagerly into one unit and leaves
//! the functions it cannot lower to the interpreter, which is reachable from
//! JIT code through the image's native entry points. Compiled functions are
//! plugged into those entry points ([`Image::plug`]), so function pointers
//! and callbacks reach compiled code too. Eager compilation is the
//! default because programs run once, start to finish: compiling everything
//! up front keeps the run free of compile pauses and lets calls inside the
//! unit be direct. `Options::lazy` is the alternative for large modules of
//! which little runs: only the entry function is compiled, and the rest runs
//! on the interpreter.
//!
//! Both engines run the program the same way: on a thread with the
//! interpreter's big stack, `llvm.global_ctors`, then `main`, then
//! `llvm.global_dtors`. [`RunStats::run_time`] is the wall time of the call
//! of `main` alone. A program may end the process from inside `main` (libc
//! `exit`), so `main` never returns to jitty; while it runs, the statistics
//! are also kept in a process-wide slot that an `atexit` handler can read
//! with [`unfinished_run_stats`] (the CLI does, for `--stats`).

use jitty_interp::{InterpError, Interpreter, MAIN_STACK, MainArgs};
use jitty_ir::{FuncId, Module};
use jitty_jit::{JitOptions, JitUnit, compile_unit};
use jitty_rt::{Image, PlugHandle};
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, MutexGuard};
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
    Load(#[from] jitty_rt::LoadError),
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
    /// JIT code trapped, or an interpreted function that JIT code called
    /// (its `func` then says so).
    #[error("{kind} in JIT code of @{func}")]
    JitTrap {
        /// What happened.
        kind: jitty_sem::Trap,
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
    /// Wall time of the call of the program's `main`, from just before the
    /// call to its return: neither compilation nor constructors and
    /// destructors count. For a run that ends inside `main` (libc `exit`),
    /// [`unfinished_run_stats`] measures up to the moment it is asked.
    pub run_time: Duration,
    /// Calls from native or JIT code that entered the interpreter (through
    /// an IR function's image entry) during the run.
    pub interp_entries: u64,
}

impl RunStats {
    /// The `jitty-stat:` lines of `jitty exec --stats`: one summary line
    /// (`compile_ms`, `functions`, per-function median and maximum, ...,
    /// `run_ms` last), then one line per compiled function and one per
    /// fallback.
    pub fn stat_lines(&self) -> Vec<String> {
        let ms = |t: Duration| t.as_secs_f64() * 1e3;
        let mut per_fn: Vec<f64> = self.per_function.iter().map(|(_, t)| ms(*t)).collect();
        per_fn.sort_by(f64::total_cmp);
        let mut lines = vec![format!(
            "jitty-stat: compile_ms={:.3} functions={} compiled={} fallbacks={} code_bytes={} fn_median_ms={:.3} fn_max_ms={:.3} interp_entries={} run_ms={:.3}",
            ms(self.compile_time),
            self.functions,
            self.compiled,
            self.fallbacks.len(),
            self.code_size,
            per_fn.get(per_fn.len() / 2).copied().unwrap_or(0.0),
            per_fn.last().copied().unwrap_or(0.0),
            self.interp_entries,
            ms(self.run_time),
        )];
        lines.extend(
            self.per_function.iter().map(|(name, t)| format!("jitty-stat: function @{name} compile_ms={:.3}", ms(*t))),
        );
        lines.extend(self.fallbacks.iter().map(|reason| format!("jitty-stat: fallback {reason}")));
        lines
    }
}

/// The statistics of the run whose `main` is executing, with `run_time`
/// measured up to now; `None` when no program is between its constructors
/// and the return of its destructors (a run that returned, failed or never
/// started). Before `main` starts, `run_time` is zero.
///
/// This is for an `atexit` handler: a program that calls `exit` inside
/// `main` ends the process without returning to [`run_main`]'s caller, and
/// the handler is the last place its statistics can be reported. With
/// several runs in flight at once, it describes the one that started last.
pub fn unfinished_run_stats() -> Option<RunStats> {
    let slot = in_flight();
    let f = slot.as_ref()?;
    let mut stats = f.stats.clone();
    if let Some(started) = f.main_started {
        stats.run_time = started.elapsed();
    }
    stats.interp_entries = f.interp.native_entries() - f.entries_at_start;
    Some(stats)
}

/// A run between its constructors and the end of its destructors.
struct InFlight {
    /// Which run (see [`RunSlot`]).
    id: u64,
    stats: RunStats,
    /// When `main` was called, while it runs.
    main_started: Option<Instant>,
    /// The run's interpreter, and its count of native entries at the start.
    interp: Interpreter,
    entries_at_start: u64,
}

static IN_FLIGHT: Mutex<Option<InFlight>> = Mutex::new(None);
static NEXT_RUN: AtomicU64 = AtomicU64::new(0);

fn in_flight() -> MutexGuard<'static, Option<InFlight>> {
    IN_FLIGHT.lock().unwrap_or_else(|e| e.into_inner())
}

/// This run's claim on [`IN_FLIGHT`]; dropping it (return, error or panic)
/// empties the slot unless a later run has taken it over.
struct RunSlot(u64);

impl RunSlot {
    fn claim(stats: &RunStats, interp: &Interpreter) -> RunSlot {
        let id = NEXT_RUN.fetch_add(1, Ordering::Relaxed);
        *in_flight() = Some(InFlight {
            id,
            stats: stats.clone(),
            main_started: None,
            interp: interp.clone(),
            entries_at_start: interp.native_entries(),
        });
        RunSlot(id)
    }

    /// Records `main`'s start (`Some`) or its end with the measured time.
    fn set_main(&self, started: Option<Instant>, run_time: Duration) {
        if let Some(f) = in_flight().as_mut().filter(|f| f.id == self.0) {
            f.main_started = started;
            f.stats.run_time = run_time;
        }
    }
}

impl Drop for RunSlot {
    fn drop(&mut self) {
        let mut slot = in_flight();
        if slot.as_ref().is_some_and(|f| f.id == self.0) {
            *slot = None;
        }
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
    let interp = Interpreter::load_host(module.clone())?;
    let image = interp.image().clone();
    interp.set_fuel(opts.fuel);
    let main_args = MainArgs::new(program, args);
    let words = main_args
        .words(nparams)
        .ok_or_else(|| ExecError::Entry { entry: entry.into(), reason: format!("takes {nparams} parameters") })?;
    let result = match opts.engine {
        Engine::Interp => run_program(&interp, Main::Interp(entry_id), words, RunStats::default()),
        Engine::Jit => run_jit(&module, &image, &interp, entry_id, words, opts),
    };
    // The argument strings outlive the program thread, which `run_program`
    // has joined.
    drop(main_args);
    result
}

/// The functions of `module` the JIT would leave to the interpreter when
/// running it, each with the reason (what `jitty ir check --engine jit`
/// reports): the module is loaded into an image as for a run and every
/// definition is compiled into one unit, as [`run_main`] does, but nothing
/// runs.
pub fn jit_fallbacks(module: Arc<Module>) -> Result<Vec<String>, ExecError> {
    let interp = Interpreter::load_host(module.clone())?;
    let image: &Image = interp.image();
    let funcs: Vec<FuncId> = module.funcs_iter().filter(|(_, f)| !f.is_declaration()).map(|(id, _)| id).collect();
    Ok(match compile_unit(&module, &funcs, image, &JitOptions::default()) {
        Ok(unit) => unit.failures().iter().map(ToString::to_string).collect(),
        // No unit at all: every function is left to the interpreter.
        Err(e) => vec![e.to_string()],
    })
}

fn run_jit(
    module: &Module,
    image: &Image,
    interp: &Interpreter,
    entry: FuncId,
    words: Vec<u64>,
    opts: &Options,
) -> Result<(i32, RunStats), ExecError> {
    let funcs: Vec<FuncId> = if opts.lazy {
        vec![entry]
    } else {
        module.funcs_iter().filter(|(_, f)| !f.is_declaration()).map(|(id, _)| id).collect()
    };
    let started = Instant::now();
    let unit: JitUnit = match compile_unit(module, &funcs, image, &opts.jit) {
        Ok(unit) => unit,
        // Under `verify`, a bug of the JIT stops the run (exit 125).
        Err(e @ jitty_jit::JitError::Internal { .. }) => return Err(ExecError::Jit(e)),
        Err(e) => {
            // The unit could not be built at all (no usable code generator
            // for this host): the whole program runs on the interpreter, and
            // the reason is recorded.
            let stats = RunStats {
                compile_time: started.elapsed(),
                functions: funcs.len(),
                fallbacks: vec![e.to_string()],
                ..RunStats::default()
            };
            return run_program(interp, Main::Interp(entry), words, stats);
        }
    };
    let stats = RunStats {
        compile_time: started.elapsed(),
        compiled: unit.functions().len(),
        functions: funcs.len(),
        per_function: unit.functions().iter().map(|f| (f.name.clone(), f.compile_time)).collect(),
        fallbacks: unit.failures().iter().map(ToString::to_string).collect(),
        code_size: unit.code_size(),
        ..RunStats::default()
    };
    // Every caller of a compiled function's address (function pointers,
    // vtables, callbacks handed to libc) now reaches its compiled code.
    let mut plugs: Vec<PlugHandle> = Vec::new();
    for f in unit.functions() {
        // SAFETY: `f.addr` is the unit's code for `f.id`, with the IR
        // signature the entry stub was made for; the unit outlives the
        // program thread and is unplugged below before it is dropped.
        plugs.extend(unsafe { image.plug(f.id, f.addr) });
    }
    // If the entry itself could not be compiled, the interpreter runs it.
    let main = unit.addr(entry).map_or(Main::Interp(entry), Main::Jit);
    let result = run_program(interp, main, words, stats);
    for plug in plugs {
        image.unplug(plug);
    }
    drop(unit);
    result
}

/// How `main` is called.
#[derive(Clone, Copy)]
enum Main {
    /// By the interpreter.
    Interp(FuncId),
    /// At this address of JIT code.
    Jit(u64),
}

/// Runs constructors, `main` with argument `words` and destructors on a
/// program thread with [`MAIN_STACK`], timing the call of `main` into
/// `stats.run_time`. A JIT trap skips the destructors, as an abort would.
fn run_program(
    interp: &Interpreter,
    main: Main,
    mut words: Vec<u64>,
    mut stats: RunStats,
) -> Result<(i32, RunStats), ExecError> {
    let slot = RunSlot::claim(&stats, interp);
    let entries_at_start = interp.native_entries();
    let interp = interp.clone();
    let counter = interp.clone();
    let outcome = std::thread::Builder::new()
        .name("jitty-main".into())
        .stack_size(MAIN_STACK)
        .spawn(move || -> Result<(i32, Duration, Option<jitty_jit::JitTrap>), InterpError> {
            // Constructors and destructors run on the interpreter; they reach
            // compiled code through the image like any other caller.
            for ctor in interp.structors("llvm.global_ctors") {
                interp.call(ctor, &[])?;
            }
            let started = Instant::now();
            slot.set_main(Some(started), Duration::ZERO);
            let status = match main {
                Main::Interp(f) => interp.call(f, &words)?.first().copied().unwrap_or(0) as u32 as i32,
                Main::Jit(addr) => {
                    words.resize(3, 0);
                    // SAFETY: `addr` is the entry of a function the JIT
                    // compiled from an IR `main` that takes 0, 2 or 3
                    // parameters (checked by `run_main`); under the SysV ABI
                    // passing three arguments to a function that reads fewer
                    // is harmless. The argument strings outlive the join
                    // below, and the unit is not freed while the program runs.
                    unsafe {
                        let main: extern "C" fn(u64, u64, u64) -> i32 = std::mem::transmute(addr as usize);
                        main(words[0], words[1], words[2])
                    }
                }
            };
            let run_time = started.elapsed();
            slot.set_main(None, run_time);
            if let Some(trap) = jitty_jit::take_trap() {
                return Ok((status, run_time, Some(trap)));
            }
            for dtor in interp.structors("llvm.global_dtors") {
                interp.call(dtor, &[])?;
            }
            Ok((status, run_time, None))
        })
        .map_err(|e| ExecError::Thread(e.to_string()))?
        .join()
        .map_err(|_| ExecError::Thread("the program thread panicked".into()))??;
    match outcome {
        (_, _, Some(trap)) => Err(ExecError::JitTrap { kind: trap.kind, func: trap.func }),
        (code, run_time, None) => {
            stats.run_time = run_time;
            stats.interp_entries = counter.native_entries() - entries_at_start;
            Ok((code, stats))
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_line_ends_with_run_ms() {
        let stats = RunStats {
            compile_time: Duration::from_micros(2500),
            compiled: 2,
            functions: 3,
            per_function: vec![("f".into(), Duration::from_millis(1)), ("g".into(), Duration::from_millis(3))],
            fallbacks: vec!["@h: reason".into()],
            code_size: 64,
            run_time: Duration::from_micros(12_345),
            interp_entries: 7,
        };
        let lines = stats.stat_lines();
        assert_eq!(
            lines[0],
            "jitty-stat: compile_ms=2.500 functions=3 compiled=2 fallbacks=1 code_bytes=64 fn_median_ms=3.000 \
             fn_max_ms=3.000 interp_entries=7 run_ms=12.345"
        );
        assert_eq!(lines[1], "jitty-stat: function @f compile_ms=1.000");
        assert_eq!(lines[3], "jitty-stat: fallback @h: reason");
        assert_eq!(lines.len(), 4);
    }

    fn interpreter() -> Interpreter {
        let m = jitty_llvm::parse_module("define i32 @main() {\n  ret i32 0\n}\n", "t.ll").unwrap();
        Interpreter::load_host(Arc::new(m)).unwrap()
    }

    #[test]
    fn the_in_flight_slot_follows_main_and_is_emptied_by_its_run() {
        let interp = interpreter();
        let stats = RunStats { compiled: 7, ..RunStats::default() };
        let slot = RunSlot::claim(&stats, &interp);
        let before = unfinished_run_stats().expect("a claimed run is in flight");
        assert_eq!((before.compiled, before.run_time), (7, Duration::ZERO));
        let started = Instant::now();
        slot.set_main(Some(started), Duration::ZERO);
        std::thread::sleep(Duration::from_millis(5));
        let during = unfinished_run_stats().expect("main is running");
        assert!(during.run_time >= Duration::from_millis(5), "{:?}", during.run_time);
        slot.set_main(None, Duration::from_millis(42));
        assert_eq!(unfinished_run_stats().map(|s| s.run_time), Some(Duration::from_millis(42)));
        // A later run takes the slot over; the earlier one's end leaves it.
        let later = RunSlot::claim(&RunStats { compiled: 9, ..RunStats::default() }, &interp);
        drop(slot);
        assert_eq!(unfinished_run_stats().map(|s| s.compiled), Some(9));
        drop(later);
        assert!(unfinished_run_stats().is_none());
    }
}
