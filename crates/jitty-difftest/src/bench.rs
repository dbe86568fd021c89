//! Bench mode: wall-clock and run time of engines against native code and
//! LLVM's own interpreter.
//!
//! Programs are the C files in `tests/bench/`, a few csmith programs and
//! three real programs of the corpus ([`REAL_PROGRAMS`]): Lua running
//! `tests/bench/lua/fib.lua` (recursive `fib`), the SQLite driver's
//! benchmark workload (`tests/programs/sqlite/sqlite_main.c ROWS`) and
//! CoreMark ported to Rust (`tests/programs/coremark/coremark_main.rs
//! ITERATIONS`, whose iterations per second are printed under the table;
//! `lli`'s JIT gets the toolchain's `libstd-*.so` for it).
//! A bench source declares its arguments in a header comment:
//!
//! ```text
//! // jitty-bench: full=ARG quick=ARG
//! ```
//!
//! (`quick` is used with `--quick`; the Lua script and the SQLite driver
//! have the same line). Every program is built with
//! `clang -O2`: natively (the baseline), to `.ll` with the vectorizer on (for
//! the engines and `lli`'s JIT), and to `.ll` with `-fno-vectorize
//! -fno-slp-vectorize -ffp-contract=off` for `lli -jit-kind=mcjit
//! -force-interpreter`, which rejects some vector intrinsics and
//! `llvm.fmuladd` (x86-64 without FMA computes the same results either way).
//!
//! The real programs are built by the corpus machinery
//! ([`programs::build_program`] at `-O2`, from the pinned sources of
//! `scripts/fetch-corpus.sh`, fetched first if absent), so they share the
//! cache with `jitty-difftest programs`: same native executable, same linked
//! `.ll`. Their native build has no probe linked in; it gets the same probe
//! as a shared object through `LD_PRELOAD` (its constructor runs before the
//! executable's, its exit handler after). `lli`'s interpreter is not run on
//! them ([`REAL_PROGRAMS_NO_LLI_INTERP`] says why). Each configuration runs K times,
//! interleaved, and the median wall-clock time (process start to exit, so
//! engine start-up and IR parsing count) is reported; the output of every run
//! must match native or the cell is marked `MISMATCH`.
//!
//! Run time is the time of the program's `main` alone, measured the same way
//! on both sides and reported as `jitty-stat: run_ms=<float>` on stderr:
//! the native build is linked with `tests/bench/support/jitty_runtime_probe.c`
//! (its first constructor to its exit handler; the differential tests' native
//! builds do not get it), and an engine reports the call of `main` itself
//! (`jitty exec --stats`: without start-up, parsing, loading and
//! compilation). Columns:
//!
//! * `native ms`, `native run ms`: native wall-clock and run time;
//! * per engine, `E ms` (wall-clock), `vs native` and `vs lli-interp`
//!   (ratios of wall-clock medians), `E run ms` and `run vs native` (ratio of
//!   run-time medians; empty if the engine does not report `run_ms`);
//! * `lli-interp ms` and its `vs native`.
//!
//! With `--jit`, three more measurements: `lli`'s default ORC JIT total
//! time, `llc -O2 -filetype=obj` compile time of the same module, and each
//! engine's own compile time when the engine reports it on stderr as a line
//! `jitty-stat: compile_ms=<float> functions=<n>` (left empty otherwise, and
//! for `functions=0`: an engine that compiles nothing ahead of time, like
//! the interpreter).
//! Per-function columns divide a module's compile time by its number of
//! functions, for the engine and for `llc` alike (llc's time includes its
//! process start and parsing, so its per-function figure is an upper bound).

use crate::cache::Cache;
use crate::compare::{Verdict, compare};
use crate::csmith::{BuiltC, build_c, csmith_clang_flags, generate};
use crate::engine::EngineSpec;
use crate::programs::{self, Toolchain, build_program, catalogue};
use crate::run::{Output, Status, run_env, run_tool};
use crate::tools::{self, Tools};
use crate::{Result, err};
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The run-time probe linked into every native bench build.
const RUNTIME_PROBE: &str = include_str!("../../../tests/bench/support/jitty_runtime_probe.c");

/// csmith seeds used as bench programs. csmith programs run for about a
/// millisecond natively, so these rows measure start-up, parsing and
/// compilation more than execution.
pub const CSMITH_BENCH_SEEDS: [u64; 3] = [1, 11, 19];

/// The real programs benchmarked: (row name, program of
/// [`programs::catalogue`], the file under the workspace root whose
/// `jitty-bench:` line gives the arguments). A `.lua` file is also the
/// script, passed to the Lua driver before those arguments.
pub const REAL_PROGRAMS: [(&str, &str, &str); 3] = [
    ("lua-fib", "lua", "tests/bench/lua/fib.lua"),
    ("sqlite", "sqlite", "tests/programs/sqlite/sqlite_main.c"),
    ("coremark", "coremark", "tests/programs/coremark/coremark_main.rs"),
];

/// Why the real programs get no `lli-interp` column.
pub const REAL_PROGRAMS_NO_LLI_INTERP: &str = "skipped: lli-22's interpreter cannot run the real programs \
     (it crashes loading Lua's blockaddress dispatch table, aborts on SQLite's `fence seq_cst` and dies by \
     SIGSEGV in the Rust CoreMark)";

/// Options of a bench run.
#[derive(Debug, Clone)]
pub struct BenchConfig {
    /// Directory of the bench sources.
    pub dir: PathBuf,
    /// Engines under test (may be empty: baselines only).
    pub engines: Vec<EngineSpec>,
    /// Runs per configuration (median reported).
    pub runs: usize,
    /// Small inputs (the `quick=` arguments).
    pub quick: bool,
    /// Also measure the JIT columns.
    pub jit: bool,
    /// csmith seeds to include.
    pub csmith_seeds: Vec<u64>,
    /// Timeout of one run of an engine or of `lli`.
    pub timeout: Duration,
    /// Only programs whose name contains one of these (all if empty).
    pub filter: Vec<String>,
    /// Include the real programs ([`REAL_PROGRAMS`]).
    pub real_programs: bool,
    /// The workspace root (drivers, scripts, `scripts/fetch-corpus.sh`).
    pub root: PathBuf,
    /// The fetched third-party sources (default `ROOT/target/corpus-src`).
    pub corpus_src: PathBuf,
    /// Run `scripts/fetch-corpus.sh` first (a no-op when the sources are there).
    pub fetch: bool,
    /// Where the HTML report goes.
    pub html: PathBuf,
    /// Artifact cache.
    pub cache_dir: PathBuf,
}

impl BenchConfig {
    /// Defaults for the workspace at `root`: 5 runs, full inputs.
    pub fn new(root: &Path, engines: Vec<EngineSpec>) -> BenchConfig {
        BenchConfig {
            dir: root.join("tests/bench"),
            engines,
            runs: 5,
            quick: false,
            jit: false,
            csmith_seeds: CSMITH_BENCH_SEEDS.to_vec(),
            timeout: Duration::from_secs(300),
            filter: Vec::new(),
            real_programs: true,
            root: root.to_path_buf(),
            corpus_src: root.join("target/corpus-src"),
            fetch: true,
            html: root.join("target/bench-report/engine.html"),
            cache_dir: tools::cache_dir(root),
        }
    }
}

/// The `full=`/`quick=` arguments declared in a bench source.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BenchArgs {
    /// Arguments of a full run.
    pub full: Vec<String>,
    /// Arguments with `--quick`.
    pub quick: Vec<String>,
}

/// Reads the `// jitty-bench: full=A quick=B` line of a bench source.
pub fn parse_bench_args(source: &str) -> BenchArgs {
    let mut args = BenchArgs { full: Vec::new(), quick: Vec::new() };
    if let Some(line) = source.lines().find_map(|l| l.split_once("jitty-bench:").map(|(_, r)| r)) {
        for word in line.split_whitespace() {
            if let Some(v) = word.strip_prefix("full=") {
                args.full.push(v.to_string());
            } else if let Some(v) = word.strip_prefix("quick=") {
                args.quick.push(v.to_string());
            }
        }
    }
    args
}

/// One configuration measured on every program.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Config {
    Native,
    Engine(usize),
    LliInterp,
    LliOrc,
    Llc,
}

/// A bench program ready to run.
#[derive(Debug, Clone)]
struct Program {
    name: String,
    args: Vec<String>,
    vec: BuiltC,
    /// The `.ll` for `lli`'s interpreter, or why it is not run.
    novec_ll: std::result::Result<PathBuf, String>,
    /// A shared object to preload into the native run (the run-time probe,
    /// for native builds that do not link it).
    preload: Option<PathBuf>,
    /// Rust with `std`: `lli`'s JIT loads the toolchain's `libstd-*.so`
    /// (jitty resolves std from its own image).
    rust_std: bool,
}

/// Median time (ms) of one configuration on one program.
#[derive(Debug, Clone, Default)]
struct Cell {
    samples: Vec<f64>,
    /// Run time of `main` (`jitty-stat: run_ms=`), when reported.
    run_ms: Vec<f64>,
    compile_ms: Vec<f64>,
    /// Functions the engine's unit covered (`jitty-stat: functions=N`).
    functions: Option<f64>,
    problem: Option<String>,
}

impl Cell {
    fn median(&self) -> Option<f64> {
        if self.problem.is_some() {
            return None;
        }
        median(&self.samples)
    }

    /// Records the `jitty-stat:` figures an engine run reports on stderr:
    /// run time, and compile time unless the engine compiled no function
    /// ahead of time (`functions=0`, the interpreter).
    fn record_stats(&mut self, stderr: &[u8]) {
        let functions = parse_stat(stderr, "functions");
        if let Some(c) = parse_compile_ms(stderr)
            && functions != Some(0.0)
        {
            self.compile_ms.push(c);
        }
        self.functions = self.functions.or(functions);
        self.run_ms.extend(parse_run_ms(stderr));
    }

    fn run_median(&self) -> Option<f64> {
        if self.problem.is_some() {
            return None;
        }
        median(&self.run_ms)
    }
}

/// The median of `v` (mean of the two middle values for even lengths).
pub fn median(v: &[f64]) -> Option<f64> {
    if v.is_empty() {
        return None;
    }
    let mut s = v.to_vec();
    s.sort_by(f64::total_cmp);
    let n = s.len();
    Some(if n % 2 == 1 { s[n / 2] } else { (s[n / 2 - 1] + s[n / 2]) / 2.0 })
}

/// Parses `jitty-stat: run_ms=X` (run time of `main`) from stderr.
pub fn parse_run_ms(stderr: &[u8]) -> Option<f64> {
    parse_stat(stderr, "run_ms")
}

/// Parses `jitty-stat: compile_ms=X` from an engine's stderr.
pub fn parse_compile_ms(stderr: &[u8]) -> Option<f64> {
    parse_stat(stderr, "compile_ms")
}

/// Parses the number after `KEY=` on an engine's `jitty-stat:` lines.
pub fn parse_stat(stderr: &[u8], key: &str) -> Option<f64> {
    String::from_utf8_lossy(stderr)
        .lines()
        .filter_map(|l| l.trim().strip_prefix("jitty-stat:"))
        .flat_map(str::split_whitespace)
        .find_map(|w| w.strip_prefix(key)?.strip_prefix('=')?.parse().ok())
}

/// Writes [`RUNTIME_PROBE`] into the cache and returns its path.
fn runtime_probe(cache: &Cache) -> Result<PathBuf> {
    let name = "jitty_runtime_probe.c";
    let entry = cache.entry("probe", "jitty_runtime_probe", &[RUNTIME_PROBE.as_bytes()])?;
    if !entry.hit {
        std::fs::write(entry.staging_file(name), RUNTIME_PROBE)?;
        entry.commit()?;
    }
    Ok(entry.file(name))
}

fn prepare(cfg: &BenchConfig, tools: &Tools) -> Result<Vec<Program>> {
    let cache = Cache::new(&cfg.cache_dir);
    let clang_version = tools::require(&tools.clang, "--version")?;
    let probe = runtime_probe(&cache)?;
    let probe: &[&Path] = &[&probe];
    let novec = ["-fno-vectorize".to_string(), "-fno-slp-vectorize".to_string(), "-ffp-contract=off".to_string()];
    let mut programs = Vec::new();
    let mut sources: Vec<PathBuf> = std::fs::read_dir(&cfg.dir)
        .map_err(|e| err!("{}: {e}", cfg.dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|x| x == "c"))
        .collect();
    sources.sort();
    for src in sources {
        let text = std::fs::read_to_string(&src)?;
        let a = parse_bench_args(&text);
        let name = src.file_stem().and_then(|s| s.to_str()).unwrap_or("?").to_string();
        let vec = build_c(tools, &cache, &clang_version, &src, 2, &[], probe)?;
        let novec_ll = build_c(tools, &cache, &clang_version, &src, 2, &novec, &[])?.ll;
        let args = if cfg.quick { a.quick } else { a.full };
        programs.push(Program { name, args, vec, novec_ll: Ok(novec_ll), preload: None, rust_std: false });
    }
    if !cfg.csmith_seeds.is_empty() {
        let csmith_version = tools::require(&tools.csmith, "--version")?;
        for &seed in &cfg.csmith_seeds {
            let src = generate(tools, &cache, &csmith_version, seed, &[])?;
            let flags = csmith_clang_flags(tools, &[]);
            let vec = build_c(tools, &cache, &clang_version, &src, 2, &flags, probe)?;
            let novec_flags = csmith_clang_flags(tools, &novec);
            let novec_ll = build_c(tools, &cache, &clang_version, &src, 2, &novec_flags, &[])?.ll;
            let name = format!("csmith-{seed}");
            programs.push(Program {
                name,
                args: Vec::new(),
                vec,
                novec_ll: Ok(novec_ll),
                preload: None,
                rust_std: false,
            });
        }
    }
    programs.retain(|p| wanted(cfg, &p.name));
    programs.extend(prepare_real(cfg, tools, &cache, &clang_version)?);
    Ok(programs)
}

/// Whether the filter keeps the program `name`.
fn wanted(cfg: &BenchConfig, name: &str) -> bool {
    cfg.filter.is_empty() || cfg.filter.iter().any(|f| name.contains(f.as_str()))
}

/// The run-time probe as a shared object, for `LD_PRELOAD`.
fn runtime_probe_so(tools: &Tools, cache: &Cache, clang_version: &str) -> Result<PathBuf> {
    let entry =
        cache.entry("probe", "jitty_runtime_probe_so", &[RUNTIME_PROBE.as_bytes(), clang_version.as_bytes()])?;
    let name = "jitty_runtime_probe.so";
    if !entry.hit {
        let src = entry.staging_file("jitty_runtime_probe.c");
        std::fs::write(&src, RUNTIME_PROBE)?;
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let args = ["-O2", "-shared", "-fPIC"].map(String::from).into_iter().chain([
            path(&src),
            "-o".into(),
            path(&entry.staging_file(name)),
        ]);
        run_tool(&tools.clang, &args.collect::<Vec<_>>(), Duration::from_secs(120))?;
        entry.commit()?;
    }
    Ok(entry.file(name))
}

/// Builds the real programs the filter keeps (at `-O2`, through the corpus
/// machinery and its cache) with their bench arguments.
fn prepare_real(cfg: &BenchConfig, tools: &Tools, cache: &Cache, clang_version: &str) -> Result<Vec<Program>> {
    let chosen: Vec<_> = REAL_PROGRAMS.iter().filter(|(name, ..)| cfg.real_programs && wanted(cfg, name)).collect();
    if chosen.is_empty() {
        return Ok(Vec::new());
    }
    if cfg.fetch {
        programs::fetch_sources(&cfg.root, &cfg.corpus_src)?;
    }
    let all = catalogue(&cfg.root, &cfg.corpus_src)?;
    let tc = Toolchain {
        clang: clang_version.to_string(),
        link: tools::require(&tools.llvm_link, "--version")?,
        rustc: tools::require(&tools.rustc, "-vV")?,
    };
    let probe = runtime_probe_so(tools, cache, clang_version)?;
    let mut out = Vec::new();
    for &&(name, program, args_file) in &chosen {
        let prog = all.iter().find(|p| p.name == program).ok_or_else(|| err!("no program {program} in the corpus"))?;
        let args_path = cfg.root.join(args_file);
        let text = std::fs::read_to_string(&args_path).map_err(|e| err!("{}: {e}", args_path.display()))?;
        let a = parse_bench_args(&text);
        let mut args = Vec::new();
        if args_path.extension().is_some_and(|x| x == "lua") {
            args.push(args_path.to_string_lossy().into_owned());
        }
        args.extend(if cfg.quick { a.quick } else { a.full });
        println!("bench: building {program} -O2 for {name} (cached after the first build)");
        let start = std::time::Instant::now();
        let built = build_program(tools, &tc, cache, prog, 2)?;
        println!("bench: {program} -O2 ready ({:.1} s)", start.elapsed().as_secs_f64());
        out.push(Program {
            name: name.to_string(),
            args,
            vec: BuiltC { native: built.native, ll: built.ll },
            novec_ll: Err(REAL_PROGRAMS_NO_LLI_INTERP.to_string()),
            preload: Some(probe.clone()),
            rust_std: matches!(prog.lang, programs::Lang::Rust { .. }),
        });
    }
    Ok(out)
}

/// Runs the benchmarks, prints the table and writes the HTML report.
pub fn run_bench(cfg: &BenchConfig, tools: &Tools) -> Result<String> {
    let programs = prepare(cfg, tools)?;
    if programs.is_empty() {
        return Err(err!("no bench programs"));
    }
    let libstd = tools::libstd_so(&tools.rustc).ok();
    let mut configs = vec![Config::Native];
    configs.extend((0..cfg.engines.len()).map(Config::Engine));
    configs.push(Config::LliInterp);
    if cfg.jit {
        configs.extend([Config::LliOrc, Config::Llc]);
    }
    let mut cells = vec![vec![Cell::default(); configs.len()]; programs.len()];
    let mut natives: Vec<Option<Output>> = vec![None; programs.len()];
    println!(
        "bench: {} programs, {} runs each ({} inputs), configurations: {}",
        programs.len(),
        cfg.runs,
        if cfg.quick { "quick" } else { "full" },
        configs.iter().map(|&c| label(cfg, c)).collect::<Vec<_>>().join(", ")
    );
    for k in 0..cfg.runs {
        for (pi, p) in programs.iter().enumerate() {
            for (ci, &c) in configs.iter().enumerate() {
                let cell = &mut cells[pi][ci];
                if cell.problem.is_some() {
                    continue;
                }
                if let (Config::LliInterp, Err(why)) = (c, &p.novec_ll) {
                    cell.problem = Some(why.clone());
                    continue;
                }
                let (program, args) = match command(cfg, tools, c, p, libstd.as_deref()) {
                    Ok(x) => x,
                    Err(e) => {
                        cell.problem = Some(e.to_string());
                        continue;
                    }
                };
                let env = match (c, &p.preload) {
                    (Config::Native, Some(so)) => vec![("LD_PRELOAD".to_string(), so.to_string_lossy().into_owned())],
                    _ => Vec::new(),
                };
                let out = run_env(&program, &args, &env, cfg.timeout, None);
                let ms = out.elapsed.as_secs_f64() * 1e3;
                let run_ms = parse_run_ms(&out.stderr);
                match c {
                    Config::Native => {
                        if !matches!(out.status, Status::Exited(_)) {
                            cell.problem = Some(format!("native {}", out.status));
                        }
                        cell.run_ms.extend(run_ms);
                        if natives[pi].is_none() {
                            natives[pi] = Some(out);
                        }
                    }
                    Config::Llc => {
                        if !out.status.success() {
                            cell.problem = Some(format!("llc {}: {}", out.status, out.stderr_head(120)));
                        }
                    }
                    _ => {
                        if let Some(native) = &natives[pi]
                            && let Verdict::Fail(why) = compare(native, &out)
                        {
                            cell.problem = Some(if out.status == Status::TimedOut {
                                "timeout".to_string()
                            } else {
                                format!("MISMATCH: {}", why.first().cloned().unwrap_or_default())
                            });
                        }
                        cell.record_stats(&out.stderr);
                    }
                }
                cell.samples.push(ms);
                let shown = cell.problem.as_deref().map(|p| format!(" ({p})")).unwrap_or_default();
                let run_ms = run_ms.map(|r| format!(" (run {r:.1} ms)")).unwrap_or_default();
                println!(
                    "  run {}/{} {:<16} {:<28} {:>10.1} ms{run_ms}{shown}",
                    k + 1,
                    cfg.runs,
                    p.name,
                    label(cfg, c),
                    ms
                );
            }
        }
    }
    let table = text_table(cfg, &configs, &programs, &cells);
    println!("\n{table}");
    let html = html_report(cfg, &configs, &programs, &cells, &table);
    if let Some(dir) = cfg.html.parent() {
        std::fs::create_dir_all(dir)?;
    }
    std::fs::write(&cfg.html, html)?;
    println!("HTML report: {}", cfg.html.display());
    Ok(table)
}

fn label(cfg: &BenchConfig, c: Config) -> String {
    match c {
        Config::Native => "native".into(),
        Config::Engine(i) => cfg.engines[i].label.clone(),
        Config::LliInterp => "lli-interp".into(),
        Config::LliOrc => "lli-orc".into(),
        Config::Llc => "llc -O2 (compile)".into(),
    }
}

fn command(
    cfg: &BenchConfig,
    tools: &Tools,
    c: Config,
    p: &Program,
    libstd: Option<&Path>,
) -> Result<(String, Vec<String>)> {
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let with_args = |mut v: Vec<String>| {
        v.extend(p.args.iter().cloned());
        v
    };
    Ok(match c {
        Config::Native => (path(&p.vec.native), p.args.clone()),
        Config::Engine(i) => {
            let cmd = cfg.engines[i].command(&p.vec.ll, &p.args, libstd)?;
            (cmd.program, cmd.args)
        }
        Config::LliInterp => {
            let ll = p.novec_ll.as_ref().map_err(|why| err!("{why}"))?;
            (tools.lli.clone(), with_args(vec!["-jit-kind=mcjit".into(), "-force-interpreter".into(), path(ll)]))
        }
        Config::LliOrc => {
            let mut a = Vec::new();
            if p.rust_std {
                let so = libstd.ok_or_else(|| err!("no libstd-*.so for lli"))?;
                a.push(format!("--dlopen={}", path(so)));
            }
            a.push(path(&p.vec.ll));
            (tools.lli.clone(), with_args(a))
        }
        Config::Llc => (
            tools.llc.clone(),
            vec!["-O2".into(), "-filetype=obj".into(), path(&p.vec.ll), "-o".into(), "/dev/null".into()],
        ),
    })
}

fn fmt_ms(v: Option<f64>) -> String {
    match v {
        Some(ms) if ms >= 100.0 => format!("{ms:.0}"),
        Some(ms) if ms >= 1.0 => format!("{ms:.1}"),
        // Run times of quick inputs are often below a millisecond.
        Some(ms) => format!("{ms:.3}"),
        None => "-".into(),
    }
}

fn fmt_ratio(a: Option<f64>, b: Option<f64>) -> String {
    match (a, b) {
        (Some(a), Some(b)) if b > 0.0 => format!("{:.2}x", a / b),
        _ => "-".into(),
    }
}

/// Column headers and rows of the result table.
fn rows(
    cfg: &BenchConfig,
    configs: &[Config],
    programs: &[Program],
    cells: &[Vec<Cell>],
) -> (Vec<String>, Vec<Vec<String>>) {
    let idx = |c: Config| configs.iter().position(|&x| x == c);
    let mut head = vec!["program".to_string(), "native ms".into(), "native run ms".into()];
    for e in &cfg.engines {
        head.extend([format!("{} ms", e.label), "vs native".into(), "vs lli-interp".into()]);
        head.extend([format!("{} run ms", e.label), "run vs native".into()]);
        if cfg.jit {
            head.extend([format!("{} compile ms", e.label), format!("{} ms/fn", e.label)]);
        }
    }
    head.extend(["lli-interp ms".into(), "vs native".into()]);
    if cfg.jit {
        head.extend(["lli-orc ms".into(), "vs native".into(), "llc -O2 ms".into(), "llc ms/fn".into()]);
    }
    let mut body = Vec::new();
    for (pi, p) in programs.iter().enumerate() {
        let m = |c: Config| idx(c).and_then(|i| cells[pi][i].median());
        let problem = |c: Config| idx(c).and_then(|i| cells[pi][i].problem.clone());
        let cell_ms = |c: Config| problem(c).map(|p| run_problem_short(&p)).unwrap_or_else(|| fmt_ms(m(c)));
        let run = |c: Config| idx(c).and_then(|i| cells[pi][i].run_median());
        let native = m(Config::Native);
        let native_run = run(Config::Native);
        let interp = m(Config::LliInterp);
        let mut row = vec![p.name.clone(), cell_ms(Config::Native), fmt_ms(native_run)];
        // Functions in the module, as the first engine that compiles reports them.
        let functions = (0..cfg.engines.len())
            .find_map(|i| idx(Config::Engine(i)).and_then(|ci| cells[pi][ci].functions).filter(|&n| n > 0.0));
        let per_fn = |ms: Option<f64>| fmt_ms(ms.zip(functions).map(|(ms, n)| ms / n));
        for i in 0..cfg.engines.len() {
            let e = m(Config::Engine(i));
            row.extend([cell_ms(Config::Engine(i)), fmt_ratio(e, native), fmt_ratio(e, interp)]);
            let e_run = run(Config::Engine(i));
            row.extend([fmt_ms(e_run), fmt_ratio(e_run, native_run)]);
            if cfg.jit {
                let cell = idx(Config::Engine(i)).map(|ci| &cells[pi][ci]);
                let compile = cell.and_then(|c| median(&c.compile_ms));
                let fns = cell.and_then(|c| c.functions).filter(|&n| n > 0.0);
                row.extend([fmt_ms(compile), fmt_ms(compile.zip(fns).map(|(ms, n)| ms / n))]);
            }
        }
        row.extend([cell_ms(Config::LliInterp), fmt_ratio(interp, native)]);
        if cfg.jit {
            row.extend([
                cell_ms(Config::LliOrc),
                fmt_ratio(m(Config::LliOrc), native),
                cell_ms(Config::Llc),
                per_fn(m(Config::Llc)),
            ]);
        }
        body.push(row);
    }
    (head, body)
}

fn run_problem_short(p: &str) -> String {
    if p.starts_with("skipped") {
        "skipped".into()
    } else if p.starts_with("MISMATCH") {
        "MISMATCH".into()
    } else if p.contains("timeout") {
        "timeout".into()
    } else {
        "error".into()
    }
}

fn text_table(cfg: &BenchConfig, configs: &[Config], programs: &[Program], cells: &[Vec<Cell>]) -> String {
    let (head, body) = rows(cfg, configs, programs, cells);
    let mut widths: Vec<usize> = head.iter().map(String::len).collect();
    for r in &body {
        for (i, c) in r.iter().enumerate() {
            widths[i] = widths[i].max(c.len());
        }
    }
    let line = |r: &[String]| {
        r.iter()
            .enumerate()
            .map(|(i, c)| if i == 0 { format!("{c:<w$}", w = widths[i]) } else { format!("{c:>w$}", w = widths[i]) })
            .collect::<Vec<_>>()
            .join("  ")
    };
    let mut out = line(&head);
    out.push('\n');
    out.push_str(&"-".repeat(widths.iter().sum::<usize>() + 2 * (widths.len() - 1)));
    out.push('\n');
    for r in &body {
        out.push_str(&line(r));
        out.push('\n');
    }
    let mut notes = String::new();
    for (pi, p) in programs.iter().enumerate() {
        for (ci, &c) in configs.iter().enumerate() {
            if let Some(prob) = &cells[pi][ci].problem {
                let _ = writeln!(notes, "note: {} / {}: {}", p.name, label(cfg, c), prob);
            }
        }
    }
    let _ = writeln!(
        out,
        "median of {} run(s); ms = wall-clock incl. process start, run ms = time in main only (native: \
         constructor-to-exit probe; engines: --stats run_ms); lower is better; vs = time ratio{}",
        cfg.runs,
        if cfg.quick { "; quick inputs" } else { "" }
    );
    out.push_str(&notes);
    out.push_str(&coremark_rates(cfg, programs, configs, cells));
    out
}

/// CoreMark's own figure, iterations per second, for every configuration
/// that reports the time of `main` (native and the engines; lli's JIT by
/// its wall-clock time, start-up included).
fn coremark_rates(cfg: &BenchConfig, programs: &[Program], configs: &[Config], cells: &[Vec<Cell>]) -> String {
    let Some(pi) = programs.iter().position(|p| p.name == "coremark") else { return String::new() };
    let Some(iterations) = programs[pi].args.last().and_then(|a| a.parse::<f64>().ok()) else { return String::new() };
    let rates: Vec<String> = configs
        .iter()
        .enumerate()
        .filter_map(|(ci, &c)| {
            let cell = &cells[pi][ci];
            let (ms, how) = match c {
                Config::LliOrc => (cell.median()?, " (wall)"),
                _ => (cell.run_median()?, ""),
            };
            Some(format!("{} {:.0}{how}", label(cfg, c), iterations / (ms / 1000.0)))
        })
        .collect();
    format!("coremark iterations/s ({iterations} iterations): {}\n", rates.join(", "))
}

fn esc(s: &str) -> String {
    s.replace('&', "&amp;").replace('<', "&lt;").replace('>', "&gt;").replace('"', "&quot;")
}

/// One bar series of a chart: a label and, per program, a ratio to native
/// or the reason there is none.
struct Series {
    label: String,
    values: Vec<std::result::Result<f64, String>>,
}

/// Why a cell has no value, shortly.
fn why_missing(cell: &Cell) -> String {
    cell.problem.as_deref().map(run_problem_short).unwrap_or_else(|| "-".into())
}

/// A self-contained HTML page: the table and two SVG bar charts (log scale)
/// of times relative to native: wall-clock time of every non-native
/// configuration, and run time of `main` of every engine that reports it.
fn html_report(cfg: &BenchConfig, configs: &[Config], programs: &[Program], cells: &[Vec<Cell>], text: &str) -> String {
    let (head, body) = rows(cfg, configs, programs, cells);
    let ratio = |v: Option<f64>, n: Option<f64>| match (v, n) {
        (Some(v), Some(n)) if n > 0.0 => Some(v / n),
        _ => None,
    };
    let wall: Vec<Series> = configs
        .iter()
        .enumerate()
        .filter(|(_, c)| !matches!(c, Config::Native | Config::Llc))
        .map(|(ci, &c)| Series {
            label: label(cfg, c),
            values: cells
                .iter()
                .map(|row| ratio(row[ci].median(), row[0].median()).ok_or_else(|| why_missing(&row[ci])))
                .collect(),
        })
        .collect();
    let run: Vec<Series> = configs
        .iter()
        .enumerate()
        .filter(|&(ci, c)| matches!(c, Config::Engine(_)) && cells.iter().any(|row| !row[ci].run_ms.is_empty()))
        .map(|(ci, &c)| Series {
            label: format!("{} (run)", label(cfg, c)),
            values: cells
                .iter()
                .map(|row| ratio(row[ci].run_median(), row[0].run_median()).ok_or_else(|| why_missing(&row[ci])))
                .collect(),
        })
        .collect();
    let inputs = if cfg.quick { "quick" } else { "full" };
    let mut h = String::new();
    h.push_str("<!DOCTYPE html>\n<html><head><meta charset=\"utf-8\"><title>jitty engine benchmarks</title>\n");
    h.push_str("<style>body{font-family:sans-serif;margin:2em}table{border-collapse:collapse}td,th{border:1px solid #ccc;padding:3px 8px;text-align:right}td:first-child{text-align:left}pre{background:#f6f6f6;padding:1em}</style>\n");
    h.push_str("</head><body>\n<h1>jitty engine benchmarks</h1>\n");
    let _ = writeln!(
        h,
        "<h2>Wall-clock time</h2>\n<p>Wall-clock time per program run, process start to exit (median of {} run(s), {inputs} inputs), relative to native <code>clang -O2</code>. Log scale; lower is better.</p>",
        cfg.runs,
    );
    h.push_str(&svg_chart(programs, &wall));
    let _ = writeln!(
        h,
        "<h2>Run time</h2>\n<p>Time in <code>main</code> only (median of {} run(s), {inputs} inputs), relative to native <code>clang -O2</code>: the engine's <code>jitty-stat: run_ms</code> (no start-up, parsing or compilation) against the native build's constructor-to-exit probe. Log scale; lower is better.</p>",
        cfg.runs,
    );
    h.push_str(&svg_chart(programs, &run));
    h.push_str("<h2>Table</h2>\n<table><tr>");
    for c in &head {
        let _ = write!(h, "<th>{}</th>", esc(c));
    }
    h.push_str("</tr>\n");
    for r in &body {
        h.push_str("<tr>");
        for c in r {
            let _ = write!(h, "<td>{}</td>", esc(c));
        }
        h.push_str("</tr>\n");
    }
    let _ = writeln!(h, "</table>\n<h2>Text</h2>\n<pre>{}</pre>\n</body></html>", esc(text));
    h
}

/// An SVG bar chart: one group per program, one bar per series, ratios on a
/// log scale from 0.1x.
fn svg_chart(programs: &[Program], series: &[Series]) -> String {
    let colors = ["#4e79a7", "#f28e2b", "#e15759", "#76b7b2", "#59a14f", "#edc948", "#b07aa1"];
    let bar_h = 14.0;
    let group_h = bar_h * series.len() as f64 + 12.0;
    let left = 130.0;
    let width = 900.0;
    let plot_w = width - left - 90.0;
    let max_ratio =
        series.iter().flat_map(|s| s.values.iter().filter_map(|v| v.as_ref().ok())).fold(10.0, |a, &b| b.max(a));
    let log_max = max_ratio.log10().ceil().max(1.0);
    let legend_h = 20.0 * series.len() as f64;
    let height = 30.0 + group_h * programs.len() as f64 + legend_h + 20.0;
    let x_of = |r: f64| left + plot_w * (r.max(0.1).log10() + 1.0) / (log_max + 1.0);
    let mut h = String::new();
    let _ = writeln!(
        h,
        "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"{width}\" height=\"{height}\" font-size=\"11\">"
    );
    for d in -1..=(log_max as i32) {
        let x = x_of(10f64.powi(d));
        let _ = writeln!(
            h,
            "<line x1=\"{x:.1}\" y1=\"20\" x2=\"{x:.1}\" y2=\"{:.1}\" stroke=\"#ddd\"/><text x=\"{x:.1}\" y=\"14\" text-anchor=\"middle\">{}x</text>",
            20.0 + group_h * programs.len() as f64,
            if d < 0 { "0.1".to_string() } else { format!("{}", 10u64.pow(d as u32)) }
        );
    }
    for (pi, p) in programs.iter().enumerate() {
        let y0 = 24.0 + group_h * pi as f64;
        let _ = writeln!(
            h,
            "<text x=\"{:.1}\" y=\"{:.1}\" text-anchor=\"end\">{}</text>",
            left - 6.0,
            y0 + group_h / 2.0,
            esc(&p.name)
        );
        for (bi, s) in series.iter().enumerate() {
            let y = y0 + bar_h * bi as f64;
            let color = colors[bi % colors.len()];
            match &s.values[pi] {
                Ok(r) => {
                    let x1 = x_of(*r);
                    let _ = writeln!(
                        h,
                        "<rect x=\"{left}\" y=\"{y:.1}\" width=\"{:.1}\" height=\"{:.1}\" fill=\"{color}\"><title>{}: {:.2}x native</title></rect><text x=\"{:.1}\" y=\"{:.1}\">{:.2}x</text>",
                        (x1 - left).max(1.0),
                        bar_h - 2.0,
                        esc(&s.label),
                        r,
                        x1 + 3.0,
                        y + bar_h - 4.0,
                        r
                    );
                }
                Err(why) => {
                    let _ = writeln!(
                        h,
                        "<text x=\"{:.1}\" y=\"{:.1}\" fill=\"{color}\">{}</text>",
                        left + 3.0,
                        y + bar_h - 4.0,
                        esc(why)
                    );
                }
            }
        }
    }
    let ly = 30.0 + group_h * programs.len() as f64;
    for (bi, s) in series.iter().enumerate() {
        let y = ly + 20.0 * bi as f64;
        let _ = writeln!(
            h,
            "<rect x=\"{left}\" y=\"{y:.1}\" width=\"12\" height=\"12\" fill=\"{}\"/><text x=\"{:.1}\" y=\"{:.1}\">{}</text>",
            colors[bi % colors.len()],
            left + 18.0,
            y + 10.0,
            esc(&s.label)
        );
    }
    h.push_str("</svg>\n");
    h
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::run::run;

    #[test]
    fn bench_args() {
        let a = parse_bench_args("/* x */\n// jitty-bench: full=300 quick=7\nint main;");
        assert_eq!(a, BenchArgs { full: vec!["300".into()], quick: vec!["7".into()] });
        assert_eq!(parse_bench_args("int main;").full, Vec::<String>::new());
    }

    #[test]
    fn medians() {
        assert_eq!(median(&[]), None);
        assert_eq!(median(&[3.0, 1.0, 2.0]), Some(2.0));
        assert_eq!(median(&[4.0, 1.0, 2.0, 3.0]), Some(2.5));
    }

    #[test]
    fn compile_stat() {
        assert_eq!(parse_compile_ms(b"x\njitty-stat: parse_ms=1 compile_ms=12.5\n"), Some(12.5));
        assert_eq!(parse_compile_ms(b"jitty: error\n"), None);
        assert_eq!(parse_stat(b"jitty-stat: compile_ms=3 functions=12\n", "functions"), Some(12.0));
        assert_eq!(parse_stat(b"jitty-stat: functions_x=1\n", "functions"), None);
    }

    #[test]
    fn run_stat() {
        let jit =
            b"out\njitty-stat: compile_ms=4.000 functions=3 compiled=3 fallbacks=0 code_bytes=9 fn_median_ms=1.000 \
                    fn_max_ms=2.000 run_ms=7.250\njitty-stat: function @main compile_ms=1.000\n";
        assert_eq!(parse_run_ms(jit), Some(7.25));
        assert_eq!(parse_run_ms(b"jitty-stat: run_ms=0.031\n"), Some(0.031));
        assert_eq!(parse_run_ms(b"jitty-stat: compile_ms=1\n"), None);
        assert_eq!(parse_run_ms(b"run_ms=3\n"), None, "only on jitty-stat: lines");
    }

    fn program(name: &str) -> Program {
        let p = PathBuf::from(format!("/nonexistent/{name}"));
        Program {
            name: name.into(),
            args: Vec::new(),
            vec: BuiltC { native: p.clone(), ll: p.clone() },
            novec_ll: Ok(p),
            preload: None,
            rust_std: false,
        }
    }

    /// A cell of `samples` wall-clock times whose runs reported `stderr`.
    fn cell(samples: &[f64], stderr: &[&str]) -> Cell {
        let mut c = Cell { samples: samples.to_vec(), ..Cell::default() };
        for e in stderr {
            c.record_stats(e.as_bytes());
        }
        c
    }

    fn interp_stat(run_ms: f64) -> String {
        format!(
            "jitty-stat: compile_ms=0.000 functions=0 compiled=0 fallbacks=0 code_bytes=0 fn_median_ms=0.000 \
             fn_max_ms=0.000 run_ms={run_ms:.3}\n"
        )
    }

    fn jit_stat(compile_ms: f64, run_ms: f64) -> String {
        format!(
            "jitty-stat: compile_ms={compile_ms:.3} functions=4 compiled=4 fallbacks=0 code_bytes=900 \
             fn_median_ms=0.100 fn_max_ms=0.200 run_ms={run_ms:.3}\njitty-stat: function @main compile_ms=0.100\n"
        )
    }

    #[test]
    fn run_columns_are_medians_and_their_ratio() {
        let engines = vec![
            EngineSpec::parse("interp=jitty exec --engine interp --stats").unwrap(),
            EngineSpec::parse("jit=jitty exec --engine jit --stats").unwrap(),
            EngineSpec::parse("lli-22").unwrap(),
        ];
        let mut cfg = BenchConfig::new(Path::new("/nonexistent"), engines);
        cfg.runs = 3;
        cfg.jit = true;
        let configs = [
            Config::Native,
            Config::Engine(0),
            Config::Engine(1),
            Config::Engine(2),
            Config::LliInterp,
            Config::LliOrc,
            Config::Llc,
        ];
        let native = |r: &str| format!("jitty-stat: run_ms={r}\n");
        let (n1, n2, n3) = (native("8.0"), native("6.0"), native("7.0"));
        let (i1, i2, i3) = (interp_stat(14.0), interp_stat(30.0), interp_stat(21.0));
        let (j1, j2, j3) = (jit_stat(3.0, 9.0), jit_stat(5.0, 10.5), jit_stat(4.0, 12.0));
        let cells = vec![
            vec![
                cell(&[10.0, 12.0, 11.0], &[&n1, &n2, &n3]),
                cell(&[50.0, 40.0, 45.0], &[&i1, &i2, &i3]),
                cell(&[30.0, 20.0, 25.0], &[&j1, &j2, &j3]),
                // An engine that reports nothing.
                cell(&[20.0, 20.0, 20.0], &["", "", ""]),
                cell(&[100.0, 100.0, 100.0], &[]),
                cell(&[60.0, 60.0, 60.0], &[]),
                cell(&[8.0, 8.0, 8.0], &[]),
            ],
            vec![
                cell(&[10.0], &[&native("0.25")]),
                Cell { problem: Some("MISMATCH: stdout".into()), ..cell(&[30.0], &[&interp_stat(9.0)]) },
                cell(&[20.0], &[&jit_stat(2.0, 0.0314)]),
                cell(&[20.0], &[""]),
                cell(&[100.0], &[]),
                cell(&[60.0], &[]),
                cell(&[8.0], &[]),
            ],
        ];
        let programs = [program("a"), program("b")];
        let (head, body) = rows(&cfg, &configs, &programs, &cells);
        let col = |name: &str, nth: usize| head.iter().enumerate().filter(|(_, h)| *h == name).nth(nth).unwrap().0;
        assert_eq!(&head[..3], ["program", "native ms", "native run ms"]);
        assert_eq!(body[0][col("native run ms", 0)], "7.0");
        assert_eq!(body[0][col("interp ms", 0)], "45.0");
        assert_eq!(body[0][col("interp run ms", 0)], "21.0");
        assert_eq!(body[0][col("run vs native", 0)], "3.00x");
        assert_eq!(body[0][col("vs native", 0)], "4.09x", "wall-clock ratio stays");
        assert_eq!(body[0][col("jit run ms", 0)], "10.5");
        assert_eq!(body[0][col("run vs native", 1)], "1.50x");
        assert_eq!(body[0][col("lli-22 run ms", 0)], "-");
        assert_eq!(body[0][col("run vs native", 2)], "-");
        // The interpreter compiles nothing ahead of time: no compile column;
        // the JIT's is the median, per function over its 4 functions.
        assert_eq!(body[0][col("interp compile ms", 0)], "-");
        assert_eq!((body[0][col("jit compile ms", 0)].as_str(), body[0][col("jit ms/fn", 0)].as_str()), ("4.0", "1.0"));
        assert_eq!(body[0][col("llc ms/fn", 0)], "2.0", "llc per function uses the JIT's function count");
        // A mismatching run has no run time either; sub-ms times keep digits.
        assert_eq!(body[1][col("interp ms", 0)], "MISMATCH");
        assert_eq!(body[1][col("interp run ms", 0)], "-");
        assert_eq!(body[1][col("run vs native", 0)], "-");
        assert_eq!(
            (body[1][col("native run ms", 0)].as_str(), body[1][col("jit run ms", 0)].as_str()),
            ("0.250", "0.031")
        );
        let html = html_report(&cfg, &configs, &programs, &cells, "text");
        assert!(html.contains("<title>interp (run): 3.00x native</title>"), "{html}");
        assert!(html.contains("<title>jit (run): 1.50x native</title>"), "{html}");
        assert!(html.contains("<title>interp: 4.09x native</title>"), "{html}");
        assert!(!html.contains("lli-22 (run)"), "engines without run_ms get no bar: {html}");
        assert!(html.contains("<th>interp run ms</th>"));
    }

    #[test]
    fn skipped_lli_interp_is_shown_as_skipped() {
        let mut cfg = BenchConfig::new(Path::new("/nonexistent"), Vec::new());
        cfg.runs = 1;
        let configs = [Config::Native, Config::LliInterp];
        let cells = vec![vec![
            cell(&[10.0], &["jitty-stat: run_ms=4.0\n"]),
            Cell { problem: Some(REAL_PROGRAMS_NO_LLI_INTERP.into()), ..Cell::default() },
        ]];
        let programs = [program("sqlite")];
        let (head, body) = rows(&cfg, &configs, &programs, &cells);
        assert_eq!(head, ["program", "native ms", "native run ms", "lli-interp ms", "vs native"]);
        assert_eq!(body[0], ["sqlite", "10.0", "4.0", "skipped", "-"]);
        let text = text_table(&cfg, &configs, &programs, &cells);
        assert!(text.contains("note: sqlite / lli-interp: skipped: lli-22's interpreter cannot run"), "{text}");
    }

    /// The probe makes a native build report its run time, and builds
    /// without it (the differential tests') are untouched.
    #[test]
    fn native_probe_reports_run_time() {
        let tools = Tools::from_env();
        let Some(clang_version) = tools::version(&tools.clang, "--version") else {
            eprintln!("{} not found: skipping", tools.clang);
            return;
        };
        let dir = std::env::temp_dir().join(format!("jitty-probe-test-{}", std::process::id()));
        std::fs::create_dir_all(&dir).unwrap();
        let src = dir.join("sleepy.c");
        std::fs::write(
            &src,
            "#include <stdio.h>\n#include <time.h>\nint main(void) {\n  struct timespec t = {0, 30000000};\n  \
             nanosleep(&t, 0);\n  puts(\"done\");\n  return 3;\n}\n",
        )
        .unwrap();
        let cache = Cache::new(dir.join("cache"));
        let probe = runtime_probe(&cache).unwrap();
        let probed = build_c(&tools, &cache, &clang_version, &src, 2, &[], &[&probe]).unwrap();
        let plain = build_c(&tools, &cache, &clang_version, &src, 2, &[], &[]).unwrap();
        assert_ne!(probed.native, plain.native);
        let timeout = Duration::from_secs(10);
        let out = run(&probed.native.to_string_lossy(), &[], timeout, None);
        assert_eq!((out.status, out.stdout.as_slice()), (Status::Exited(3), b"done\n".as_slice()));
        let ms = parse_run_ms(&out.stderr).expect("the probe prints run_ms");
        assert!(ms >= 30.0 && ms <= out.elapsed.as_secs_f64() * 1e3, "run_ms={ms}, elapsed {:?}", out.elapsed);
        let out = run(&plain.native.to_string_lossy(), &[], timeout, None);
        assert_eq!(
            (out.status, out.stdout.as_slice(), out.stderr.as_slice()),
            (Status::Exited(3), b"done\n".as_slice(), b"".as_slice())
        );
        std::fs::remove_dir_all(&dir).ok();
    }
}
