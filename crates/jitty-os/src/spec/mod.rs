//! The specialization driver: the oracle over the live kernel, the call of
//! the partial evaluator (`jitty-spec`) and the JIT (`jitty-jit`), and the
//! plug of the residual code into a process's dispatch table through the
//! guard runtime (`jitty-rt`).
//!
//! Everything here is generic over the kernel's annotations: a spec point
//! is found by name in `JK_SPEC_POINTS`, its static roots are walked over
//! live memory along the declared typed paths, and the oracle vouches for
//! exactly the `Const`/`Quasi` fields of the objects reached (and the IR's
//! `constant` globals). No syscall is named here.
//!
//! * [`KernelOracle`]: the oracle of one specialization.
//! * [`Specializer`]: the process-wide driver: [`Specializer::specialize`]
//!   (evaluate + compile), [`Specializer::plug`] (per-process dispatch table,
//!   guard installation), counters.
//! * [`policy`]: when to specialize (off, synchronously after N calls, or
//!   on a compiler thread from a snapshot).

pub mod policy;

use std::collections::{BTreeMap, HashMap};
use std::sync::atomic::{AtomicU32, AtomicU64, Ordering};
use std::sync::{Mutex, OnceLock};
use std::time::{Duration, Instant};

use jitty_ir::{FuncId, GlobalId, Module};
use jitty_jit::{JitOptions, JitUnit, OptLevel};
use jitty_rt::guard::host::{runtime, with_thread_record};
use jitty_rt::guard::{Plug, SpecId, Specialization, Term};
use jitty_rt::{HostResolver, JitEnv, SymbolResolver};
use jitty_spec::{Classified, Evaluator, Options, Oracle, Residual, StaticArg};

use crate::annot::{Annotations, FieldKind, LiveMemory, SpecPointInfo};
use crate::image::{GENERIC_GFT, HostGft};

/// HAL entries and host hooks at which a thread may become quiescent (it
/// sleeps, runs a signal handler, or drains as a guarded writer): the
/// evaluator folds no `Quasi` load after a call that may reach one.
pub const QUIESCENT_HOOKS: &[&str] = &["hal_sleep_begin", "hal_handler_begin", "jitty_quasi_prepare_write"];

/// One foldable range of live memory.
#[derive(Debug, Clone)]
struct Range {
    start: u64,
    end: u64,
    /// Element size: a load must stay inside one element.
    elem: u64,
    /// `Some(deps word)` for a `Quasi` field.
    quasi: Option<u64>,
    what: String,
}

/// Cranelift's optimization level for residual code. The evaluator has
/// already folded what is static, and Cranelift's e-graph pass mostly
/// value-numbers the residual's many uses of the same absolute addresses
/// into one long-lived register each, which the allocator then spills: at
/// `speed` the write residual had 426 stack accesses against 286, and the
/// specialized E1 arm ran 251 instructions per call against 225 (E4 257
/// against 248, E5 247 against 243, E2/E2'/E3 equal, E6 1435 against 1443),
/// at a sixth more compile time.
const RESIDUAL_OPT_LEVEL: OptLevel = OptLevel::None;

/// The oracle of one specialization: the annotated fields of the objects
/// the spec point's typed paths reach from its static arguments, and the
/// kernel's `constant` globals.
#[derive(Debug, Clone)]
pub struct KernelOracle<'a> {
    ranges: Vec<Range>,
    driver: &'a Specializer,
    /// The bytes of every object range, copied when the oracle was made
    /// (for evaluation on another thread: it then never touches live
    /// memory; [`Specializer::still_holds`] compares them with live memory
    /// before a plug).
    snapshot: Option<Vec<Vec<u8>>>,
}

/// Reads `size` (1..=8) bytes at `addr` of live memory.
///
/// # Safety
/// `addr..addr+size` lies in a live kernel object or constant global.
unsafe fn read_live(addr: u64, size: u64) -> u64 {
    // SAFETY: the caller's contract; aligned cells are read atomically, as
    // the kernel writes them.
    unsafe {
        match size {
            8 if addr.is_multiple_of(8) => (*(addr as *const AtomicU64)).load(Ordering::Relaxed),
            4 if addr.is_multiple_of(4) => u64::from((*(addr as *const AtomicU32)).load(Ordering::Relaxed)),
            _ => {
                let mut b = [0u8; 8];
                std::ptr::copy_nonoverlapping(addr as *const u8, b.as_mut_ptr(), size.min(8) as usize);
                u64::from_le_bytes(b)
            }
        }
    }
}

impl KernelOracle<'_> {
    fn find(&self, addr: u64, size: u64) -> Option<&Range> {
        self.ranges.iter().find(|r| r.start <= addr && addr + size <= r.end).or_else(|| {
            let k = self.driver.constants.partition_point(|r| r.start <= addr);
            k.checked_sub(1).map(|k| &self.driver.constants[k]).filter(|r| addr + size <= r.end)
        })
    }
}

impl Oracle for KernelOracle<'_> {
    fn classify(&self, addr: u64, size: u64) -> Classified {
        let Some(r) = self.find(addr, size) else {
            return Classified::No { why: "not an annotated field of an object on the point's paths".into() };
        };
        let within = (addr - r.start) % r.elem;
        if within + size > r.elem {
            return Classified::No { why: format!("straddles two elements of {}", r.what) };
        }
        match r.quasi {
            None => Classified::Const { what: r.what.clone() },
            Some(deps) => {
                let cell = addr - within;
                Classified::Quasi { what: r.what.clone(), deps_word: deps, cell: (cell, r.elem) }
            }
        }
    }

    fn read(&self, addr: u64, size: u64) -> Option<u64> {
        if !(1..=8).contains(&size) {
            return None;
        }
        if let Some(snap) = &self.snapshot
            && let Some(k) = self.ranges.iter().position(|r| r.start <= addr && addr + size <= r.end)
        {
            let off = (addr - self.ranges[k].start) as usize;
            let mut b = [0u8; 8];
            b[..size as usize].copy_from_slice(&snap[k][off..off + size as usize]);
            return Some(u64::from_le_bytes(b));
        }
        self.find(addr, size)?;
        // SAFETY: `addr..addr+size` lies in an annotated field of a live
        // kernel object reached by a typed path, or in a constant global.
        Some(unsafe { read_live(addr, size) })
    }

    fn symbol_addr(&self, name: &str) -> Option<u64> {
        self.driver.symbols.get(name).copied()
    }

    fn symbol_at(&self, addr: u64) -> Option<String> {
        self.driver.by_addr.get(&addr).cloned()
    }
}

/// Links residual code against the live kernel by name.
struct ResidualEnv<'a> {
    m: &'a Module,
    symbols: &'a HashMap<String, u64>,
}

impl ResidualEnv<'_> {
    fn by_name(&self, name: &str) -> Option<u64> {
        self.symbols.get(name).copied().or_else(|| HostResolver.resolve(name))
    }
}

impl JitEnv for ResidualEnv<'_> {
    fn global_addr(&self, id: GlobalId) -> u64 {
        self.by_name(&self.m.global(id).name).unwrap_or(0)
    }

    fn func_addr(&self, id: FuncId) -> Option<u64> {
        self.by_name(&self.m.func(id).name)
    }

    fn entry_error(&self, _id: FuncId) -> Option<&str> {
        None
    }

    fn external_addr(&self, name: &str) -> Option<u64> {
        self.by_name(name)
    }
}

/// A range of memory an oracle vouched for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Extent {
    /// First byte.
    pub start: u64,
    /// One past the last.
    pub end: u64,
}

/// Residual code compiled and ready to plug.
#[derive(Debug)]
pub struct Specialized {
    /// The spec point.
    pub point: String,
    /// The arguments it was specialized for.
    pub args: Vec<u64>,
    /// For an evaluation from a snapshot: the ranges and their bytes then.
    pub snapshot: Option<(Vec<Extent>, Vec<Vec<u8>>)>,
    /// Whether the snapshot must be checked against live memory before a
    /// plug: the evaluation ran on another thread (a background compile),
    /// so objects on its paths may have changed meanwhile. A synchronous
    /// evaluation, like a reuse just checked by [`Specializer::reuse`],
    /// relies on the install's validation of its guard terms.
    pub check_before_plug: bool,
    /// What the evaluator produced.
    pub residual: Residual,
    /// The compiled unit (freed after its code is unplugged and drained).
    pub unit: JitUnit,
    /// Entry of the residual code.
    pub code: u64,
    /// Machine code bytes.
    pub code_bytes: usize,
    /// Time in the evaluator.
    pub evaluate: Duration,
    /// Time in the JIT.
    pub compile: Duration,
}

/// Unplugged specializations kept for [`Specializer::reuse`].
pub const REUSABLE: usize = 64;

/// The static arguments among `args` (bit `i` of `mask`: argument `i`).
pub fn static_args_of(mask: u64, args: &[u64]) -> Vec<u64> {
    args.iter().enumerate().filter(|(i, _)| mask >> i & 1 == 1).map(|(_, &v)| v).collect()
}

/// Counters of the driver (see [`Stats`] for what the CLI shows).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Counters {
    /// Specializations produced (evaluated and compiled).
    pub specialized: u64,
    /// Specializations plugged again from the reusable set.
    pub reused: u64,
    /// Specializations plugged.
    pub plugged: u64,
    /// Failures by reason (the path stayed generic).
    pub fallbacks: BTreeMap<String, u64>,
    /// Machine code bytes produced.
    pub code_bytes: u64,
}

/// What specialization has done in this process: the driver's counters
/// and the guard runtime's, as `jitty replay --stats` and the benchmarks
/// show them.
#[derive(Debug, Clone, Default, PartialEq, Eq, serde::Serialize)]
pub struct Stats {
    /// Specializations produced (evaluated and compiled).
    pub specialized: u64,
    /// Specializations plugged.
    pub plugged: u64,
    /// Of those, plugged again from the reusable set, not evaluated anew.
    pub reused: u64,
    /// Installations refused (a folded term changed, or a guarded write ran
    /// meanwhile).
    pub refused: u64,
    /// Specializations unplugged by guarded writes.
    pub invalidated: u64,
    /// Calls restarted through their slot after waking in unplugged code.
    pub restarts: u64,
    /// Unplugged code freed.
    pub freed: u64,
    /// Machine code bytes produced.
    pub code_bytes: u64,
    /// Failures by reason (those paths stayed generic).
    pub fallbacks: BTreeMap<String, u64>,
}

impl Stats {
    /// The figures now (the driver's are zero if it never started).
    pub fn now() -> Stats {
        let c = Specializer::running().map(Specializer::counters).unwrap_or_default();
        let g = runtime().stats();
        Stats {
            specialized: c.specialized,
            plugged: c.plugged,
            reused: c.reused,
            refused: g.refused,
            invalidated: g.invalidated,
            restarts: g.restarts,
            freed: g.freed,
            code_bytes: c.code_bytes,
            fallbacks: c.fallbacks,
        }
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        writeln!(
            f,
            "specializations: {} produced, {} plugged ({} reused), {} refused at install, {} invalidated by guarded \
             writes, {} calls restarted, {} freed, {} code bytes",
            self.specialized,
            self.plugged,
            self.reused,
            self.refused,
            self.invalidated,
            self.restarts,
            self.freed,
            self.code_bytes
        )?;
        for (why, n) in &self.fallbacks {
            writeln!(f, "  stayed generic {n}x: {why}")?;
        }
        Ok(())
    }
}

/// The plugged specializations, by guard-runtime id.
#[derive(Default)]
struct Plugged {
    live: HashMap<SpecId, Specialized>,
    /// Ids the runtime reclaimed before `plug` could record them (a guarded
    /// write unplugged and drained the code right after its install).
    reclaimed_early: std::collections::HashSet<SpecId>,
}

/// The process-wide driver.
pub struct Specializer {
    ev: Evaluator<'static>,
    annotations: Annotations,
    symbols: &'static HashMap<String, u64>,
    by_addr: HashMap<u64, String>,
    constants: Vec<Range>,
    counters: Mutex<Counters>,
    /// What is plugged, by guard-runtime id (its unit is freed, or kept
    /// in `reusable`, once the runtime reclaims the code).
    plugged: Mutex<Plugged>,
    /// Unplugged, drained specializations kept for reuse, oldest first.
    reusable: Mutex<std::collections::VecDeque<Specialized>>,
    /// What is plugged into object slots (by slot address), so it can be
    /// unplugged before the object goes.
    object_plugs: Mutex<HashMap<usize, SpecId>>,
}

impl std::fmt::Debug for Specializer {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Specializer").field("counters", &self.counters).finish()
    }
}

static DRIVER: OnceLock<Result<Specializer, String>> = OnceLock::new();

impl Specializer {
    /// The driver, once the kernel is booted and its image check passed.
    pub fn get() -> Result<&'static Specializer, String> {
        DRIVER.get_or_init(Self::new).as_ref().map_err(Clone::clone)
    }

    fn new() -> Result<Specializer, String> {
        let k = crate::boot().map_err(|e| e.to_string())?;
        if !k.specialization_enabled() {
            return Err("the kernel image check failed; specialization is off".into());
        }
        let m = k.ir_module().ok_or("the kernel IR did not parse")?;
        let report = k.image_report();
        // IR definitions, and the host symbols the IR declares (the HAL).
        let declared: std::collections::HashSet<&str> =
            m.funcs.iter().filter(|f| f.is_declaration()).map(|f| f.name.as_str()).collect();
        let mut all = report.symbols.clone();
        all.extend(crate::image::own_symbols(&declared, report.load_bias));
        let symbols: &'static HashMap<String, u64> = Box::leak(Box::new(all));
        let annotations = Annotations::native().map_err(|e| e.to_string())?;
        let hooks: Vec<String> = QUIESCENT_HOOKS.iter().map(|s| s.to_string()).collect();
        let ev = Evaluator::new(m, &hooks, jitty_spec::INLINE_BOUND);
        let by_addr = symbols.iter().map(|(n, &a)| (a, n.clone())).collect();
        let mut constants: Vec<Range> = m
            .globals
            .iter()
            .filter(|g| g.is_constant && g.init.is_some())
            .filter_map(|g| {
                let a = *symbols.get(&g.name)?;
                let size = m.alloc_size(g.value_ty).max(1);
                Some(Range { start: a, end: a + size, elem: size, quasi: None, what: format!("constant @{}", g.name) })
            })
            .collect();
        constants.sort_by_key(|r| r.start);
        let driver = Specializer {
            ev,
            annotations,
            symbols,
            by_addr,
            constants,
            counters: Mutex::new(Counters::default()),
            plugged: Mutex::new(Plugged::default()),
            reusable: Mutex::new(std::collections::VecDeque::new()),
            object_plugs: Mutex::new(HashMap::new()),
        };
        runtime().on_reclaim(Box::new(|id, _code| {
            if let Ok(d) = Specializer::get() {
                let s = {
                    let mut p = d.plugged.lock().unwrap_or_else(|p| p.into_inner());
                    let s = p.live.remove(&id);
                    if s.is_none() {
                        p.reclaimed_early.insert(id);
                    }
                    s
                };
                if let Some(s) = s {
                    // The guard runtime calls this only after the code was
                    // unplugged and drained: no thread is in it or can
                    // reach it, so it may be freed or kept for a replug.
                    d.keep_for_reuse(s);
                }
            }
        }));
        Ok(driver)
    }

    /// The driver if it was started (never starts it).
    pub fn running() -> Option<&'static Specializer> {
        DRIVER.get().and_then(|r| r.as_ref().ok())
    }

    /// The annotations the driver reads.
    pub fn annotations(&self) -> &Annotations {
        &self.annotations
    }

    /// The kernel's IR module.
    pub fn module(&self) -> &'static Module {
        self.ev.module()
    }

    /// The counters so far.
    pub fn counters(&self) -> Counters {
        self.counters.lock().unwrap_or_else(|p| p.into_inner()).clone()
    }

    fn fail(&self, why: String) -> String {
        *self.counters.lock().unwrap_or_else(|p| p.into_inner()).fallbacks.entry(why.clone()).or_insert(0) += 1;
        why
    }

    /// The oracle for `point` with argument values `args`.
    pub fn oracle(&self, point: &SpecPointInfo, args: &[u64]) -> Result<KernelOracle<'_>, String> {
        let a = &self.annotations;
        // SAFETY: the walks follow the point's typed paths from live
        // arguments of the calling process.
        let mem = unsafe { LiveMemory::new() };
        let mut ranges = Vec::new();
        for path in &point.paths {
            let w = a.walk(path, args, &mem).map_err(|e| format!("path {}: {e}", path.name))?;
            let mut guard: Option<u64> = None;
            for o in &w.objects {
                self.object_ranges(o.ty, o.addr as u64, &mut guard, &mut ranges);
            }
        }
        Ok(KernelOracle { ranges, driver: self, snapshot: None })
    }

    /// [`Self::oracle`] with a copy of every byte it may fold, for
    /// evaluation on another thread.
    pub fn snapshot_oracle(&self, point: &SpecPointInfo, args: &[u64]) -> Result<KernelOracle<'_>, String> {
        let mut o = self.oracle(point, args)?;
        let snap = o
            .ranges
            .iter()
            .map(|r| {
                (r.start..r.end)
                    .step_by(8)
                    .flat_map(|a| {
                        let n = (r.end - a).min(8);
                        // SAFETY: inside an annotated field of a live object
                        // the walk just reached from the caller's own context.
                        unsafe { read_live(a, n) }.to_le_bytes().into_iter().take(n as usize)
                    })
                    .collect()
            })
            .collect();
        o.snapshot = Some(snap);
        Ok(o)
    }

    /// Whether every byte `s` was evaluated from still holds in live memory
    /// (re-walking its point's paths from the calling context).
    pub fn still_holds(&self, s: &Specialized) -> bool {
        let Some(snap) = &s.snapshot else { return true };
        let Some(p) = self.annotations.point(&s.point) else { return false };
        let Ok(live) = self.snapshot_oracle(p, &s.args) else { return false };
        live.ranges.len() == snap.0.len()
            && live.ranges.iter().zip(&snap.0).all(|(a, b)| a.start == b.start && a.end == b.end)
            && live.snapshot.as_ref() == Some(&snap.1)
    }

    /// The annotated fields of the object of type `ty` at `addr`; `guard`
    /// is the nearest dependents word on the path so far.
    fn object_ranges(&self, ty: usize, addr: u64, guard: &mut Option<u64>, out: &mut Vec<Range>) {
        let t = &self.annotations.types[ty];
        if let Some(d) = t.fields.iter().find(|f| f.kind == FieldKind::Deps) {
            *guard = Some(addr + d.offset);
        }
        for f in &t.fields {
            let start = addr + f.offset;
            let what = format!("{}.{}", t.name, f.name);
            match f.kind {
                FieldKind::Const => {
                    out.push(Range { start, end: start + f.size * f.count, elem: f.size, quasi: None, what })
                }
                FieldKind::Quasi => {
                    if let Some(g) = *guard {
                        out.push(Range { start, end: start + f.size * f.count, elem: f.size, quasi: Some(g), what })
                    }
                }
                FieldKind::Embedded => {
                    if let Some(inner) = f.embeds {
                        for k in 0..f.count {
                            let mut g = *guard;
                            self.object_ranges(inner, start + k * f.size, &mut g, out);
                        }
                    }
                }
                FieldKind::Deps => {}
            }
        }
    }

    /// Evaluates `point` for `args` (static arguments by the point's mask;
    /// the others are ignored) and compiles the residual code.
    pub fn specialize(&self, point: &str, args: &[u64]) -> Result<Specialized, String> {
        self.specialize_with(point, args, &JitOptions::default())
    }

    /// [`Self::specialize`] with JIT options (dumps of CLIF or assembly).
    /// The evaluation reads a snapshot the calling thread takes of every
    /// byte it may fold, so the result can be checked against live memory
    /// again later ([`Self::still_holds`]), before a plug or a reuse.
    pub fn specialize_with(&self, point: &str, args: &[u64], jit: &JitOptions) -> Result<Specialized, String> {
        let p = self.annotations.point(point).ok_or_else(|| format!("no spec point `{point}`"))?.clone();
        let oracle = self.snapshot_oracle(&p, args).map_err(|e| self.fail(format!("{point}: oracle: {e}")))?;
        let s = self.specialize_over(&p, args, &oracle, jit)?;
        Ok(Specialized { check_before_plug: false, ..s })
    }

    /// A specialization of `point` for the static arguments of `args` that
    /// was plugged before, unplugged (a guarded write, a replacement, its
    /// object released) and drained, and whose every folded byte holds
    /// again in live memory: a fresh evaluation would produce the same
    /// residual code, so it is plugged again (through the same protocol)
    /// instead of being evaluated and compiled anew. This is Synthetix's
    /// replugging: a quasi-invariant that flips back and forth costs a
    /// snapshot walk and an install, not a specialization.
    pub fn reuse(&self, point: &str, args: &[u64]) -> Option<Specialized> {
        let p = self.annotations.point(point)?;
        let key = |a: &[u64]| static_args_of(p.static_args, a);
        let want = key(args);
        // Several may be kept for one key, one per state of its facts (a
        // flag flipped back and forth): the first whose bytes all hold.
        let mut r = self.reusable.lock().unwrap_or_else(|e| e.into_inner());
        let at = r.iter().position(|s| s.point == point && key(&s.args) == want && self.still_holds(s))?;
        let s = Specialized { check_before_plug: false, ..r.remove(at)? };
        drop(r);
        self.counters.lock().unwrap_or_else(|e| e.into_inner()).reused += 1;
        Some(s)
    }

    /// Keeps a reclaimed specialization for [`Self::reuse`] (up to
    /// [`REUSABLE`] of them, the oldest freed first), or frees it.
    fn keep_for_reuse(&self, s: Specialized) {
        let evicted = if s.snapshot.is_some() {
            let mut r = self.reusable.lock().unwrap_or_else(|e| e.into_inner());
            r.push_back(s);
            if r.len() > REUSABLE { r.pop_front() } else { None }
        } else {
            Some(s)
        };
        if let Some(old) = evicted {
            // SAFETY: every kept specialization was reclaimed: no thread is
            // in its code or can reach it.
            unsafe { old.unit.free() };
        }
    }

    /// Evaluates and compiles `p` for `args` over `oracle`.
    pub fn specialize_over(
        &self,
        p: &SpecPointInfo,
        args: &[u64],
        oracle: &KernelOracle<'_>,
        jit: &JitOptions,
    ) -> Result<Specialized, String> {
        let point = p.name.as_str();
        let m = self.module();
        let entry = m.func_by_name(&p.entry_symbol).ok_or_else(|| format!("`{}` is not in the IR", p.entry_symbol))?;
        let nparams = m.func(entry).params.len();
        let sargs: Vec<StaticArg> = (0..nparams)
            .map(|i| match (p.static_args >> i & 1 == 1, args.get(i)) {
                (true, Some(&v)) => StaticArg::Value(v),
                _ => StaticArg::Dynamic,
            })
            .collect();
        let opts = Options {
            fallback: Some(p.entry_symbol.clone()),
            name: format!("{}$spec", p.entry_symbol),
            ..Options::default()
        };
        let t0 = Instant::now();
        let residual =
            self.ev.specialize(entry, &sargs, oracle, &opts).map_err(|e| self.fail(format!("{point}: {e}")))?;
        let evaluate = t0.elapsed();
        let t1 = Instant::now();
        let env = ResidualEnv { m: &residual.module, symbols: self.symbols };
        let jit = JitOptions { opt_level: RESIDUAL_OPT_LEVEL, ..*jit };
        let unit = jitty_jit::compile_unit(&residual.module, &[residual.func], &env, &jit)
            .map_err(|e| self.fail(format!("{point}: JIT: {e}")))?;
        let Some(code) = unit.addr(residual.func) else {
            let why = unit.failures().first().map(|e| e.to_string()).unwrap_or_else(|| "no code".into());
            return Err(self.fail(format!("{point}: JIT: {why}")));
        };
        let compile = t1.elapsed();
        let code_bytes = unit.code_size();
        {
            let mut c = self.counters.lock().unwrap_or_else(|p| p.into_inner());
            c.specialized += 1;
            c.code_bytes += code_bytes as u64;
        }
        let snapshot = oracle
            .snapshot
            .clone()
            .map(|bytes| (oracle.ranges.iter().map(|r| Extent { start: r.start, end: r.end }).collect(), bytes));
        Ok(Specialized {
            point: point.to_string(),
            args: args.to_vec(),
            residual,
            unit,
            code,
            code_bytes,
            evaluate,
            compile,
            snapshot,
            check_before_plug: true,
        })
    }

    /// The dispatch table of the calling thread's process, made (a copy of
    /// the generic table) and installed on first use.
    pub fn current_table(&self) -> Result<&'static HostGft, String> {
        let t = crate::syscall::current();
        if t.is_null() {
            return Err("no current kernel thread".into());
        }
        // SAFETY: `t` is the calling thread's live kernel thread.
        let now = unsafe { crate::syscall::gft_of(t) };
        if !std::ptr::eq(now, &raw const GENERIC_GFT) {
            return Ok(now);
        }
        // SAFETY: GENERIC_GFT is the kernel's immutable generic table.
        let copy: HostGft = unsafe { std::ptr::read(&raw const GENERIC_GFT) };
        let table: &'static HostGft = Box::leak(Box::new(copy));
        let k = crate::boot().map_err(|e| e.to_string())?;
        let pid = crate::syscall::getpid().map_err(|e| format!("getpid: errno {}", e.0))? as i32;
        k.set_dispatch_table(pid, table).map_err(|e| format!("set_dispatch_table: errno {}", e.0))?;
        Ok(table)
    }

    /// The address of `point`'s dispatch slot for arguments `args`: in the
    /// calling process's table, or in the object a static argument points to.
    pub fn slot_addr(&self, point: &SpecPointInfo, args: &[u64]) -> Option<usize> {
        match (point.gft_slot, point.obj_slot) {
            (Some(off), _) => Some(self.current_table().ok()? as *const HostGft as usize + off as usize),
            (None, Some((arg, off))) => {
                let obj = *args.get(arg as usize)? as usize;
                (obj != 0).then_some(obj + off as usize)
            }
            (None, None) => None,
        }
    }

    /// The code in the calling process's slot for `point` (a GFT point).
    pub fn slot_code(&self, point: &str) -> Option<usize> {
        let p = self.annotations.point(point)?;
        p.gft_slot?;
        let slot = self.slot_addr(p, &[])?;
        // SAFETY: a slot word of the process's live dispatch table.
        Some(unsafe { (*(slot as *const std::sync::atomic::AtomicUsize)).load(Ordering::Relaxed) })
    }

    /// Unplugs whatever is plugged into the slots of the object at `obj`
    /// (before the kernel frees it: a region closed, a client destroyed).
    pub fn release_object(&self, obj: usize) {
        let slots: Vec<usize> =
            self.annotations.points.iter().filter_map(|p| p.obj_slot.map(|(_, off)| obj + off as usize)).collect();
        let ids: Vec<SpecId> = {
            let mut plugs = self.object_plugs.lock().unwrap_or_else(|p| p.into_inner());
            slots.iter().filter_map(|s| plugs.remove(s)).collect()
        };
        for id in ids {
            with_thread_record(|me| runtime().uninstall(id, Some(me)));
        }
    }

    /// Plugs `s` (a specialization of a point with a dispatch slot) into
    /// the calling process's table (or the slot of the object its static
    /// argument points to), guarded by its folded terms.
    pub fn plug(&self, s: Specialized) -> Result<SpecId, String> {
        let p = self.annotations.point(&s.point).ok_or("unknown point")?;
        if s.check_before_plug && !self.still_holds(&s) {
            let why = self.fail(format!("{}: memory changed since the snapshot", s.point));
            // SAFETY: not plugged, and reclaimed if it ever was (a reused
            // specialization): no thread is in the code or can reach it.
            unsafe { s.unit.free() };
            return Err(why);
        }
        let (slot, generic) = match (p.gft_slot, p.obj_slot) {
            (Some(off), _) => {
                let off = off as usize;
                let table = self.current_table()?;
                // SAFETY: `off` is a slot offset inside the generic table.
                let generic = unsafe { *((&raw const GENERIC_GFT as *const u8).add(off) as *const usize) };
                (table as *const HostGft as usize + off, generic)
            }
            (None, Some((arg, off))) => {
                // The slot is a word of the object a static argument points
                // to (it was reached, live, by the point's paths); its
                // generic code is the point's entry.
                let obj = *s.args.get(arg as usize).ok_or("the slot's argument is missing")?;
                if obj == 0 {
                    return Err(self.fail(format!("{}: null slot object", s.point)));
                }
                (obj as usize + off as usize, p.entry)
            }
            (None, None) => return Err(format!("{} has no dispatch slot", s.point)),
        };
        let terms = s
            .residual
            .guards
            .iter()
            .map(|g| Term {
                deps_word: g.deps_word as usize,
                field: g.addr as usize,
                size: g.size as u8,
                value: g.value,
            })
            .collect();
        let spec = Specialization { terms, plug: Plug { slot, generic, code: s.code as usize } };
        let id = match with_thread_record(|me| runtime().install(spec, Some(me))) {
            Ok(id) => id,
            Err(e) => {
                let why = self.fail(format!("{}: install: {e}", s.point));
                // SAFETY: as above.
                unsafe { s.unit.free() };
                return Err(why);
            }
        };
        {
            // Not held across the install: a draining writer may be waiting
            // for it in the reclaim callback while the install waits for
            // that writer to pass a quiescent point.
            let mut plugged = self.plugged.lock().unwrap_or_else(|p| p.into_inner());
            if plugged.reclaimed_early.remove(&id) {
                drop(plugged);
                self.keep_for_reuse(s);
            } else {
                plugged.live.insert(id, s);
            }
        }
        if p.obj_slot.is_some() {
            self.object_plugs.lock().unwrap_or_else(|p| p.into_inner()).insert(slot, id);
        }
        self.counters.lock().unwrap_or_else(|p| p.into_inner()).plugged += 1;
        Ok(id)
    }
}
