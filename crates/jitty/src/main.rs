//! The `jitty` command line.
//!
//! A thin edge over the library crates: argument parsing, file I/O, and the
//! mapping of failures to jitty's exit status. Every failure of jitty itself
//! (as opposed to the program it runs) prints one line starting with `jitty:`
//! on stderr and exits with [`JITTY_FAILURE`], as documented in the README.

use anyhow::{Context, Result, bail};
use clap::{Parser, Subcommand, ValueEnum};
use std::path::{Path, PathBuf};
use std::process::ExitCode;

/// Exit status of jitty's own failures (parse error, unsupported construct,
/// trap, bad usage). Distinct from any status a program under `exec` chooses
/// in practice, like `lli`'s convention of reserving a status for itself.
const JITTY_FAILURE: u8 = 125;

#[derive(Parser, Debug)]
#[command(name = "jitty", version, about = "A dynamically specializing OS and LLVM IR engine")]
struct Cli {
    #[command(subcommand)]
    command: Option<Command>,
}

#[derive(Subcommand, Debug)]
enum Command {
    /// Run a module's entry function like `lli`: argc/argv in, exit code out.
    Exec {
        /// The `.ll` file to run.
        file: PathBuf,
        /// Execution engine.
        #[arg(long, value_enum, default_value_t = Engine::Interp)]
        engine: Engine,
        /// Entry function (called with `argc, argv[, envp]` if it takes them).
        #[arg(long, default_value = "main")]
        entry: String,
        /// Stop with a trap after this many executed instructions (interpreter).
        #[arg(long)]
        fuel: Option<u64>,
        /// JIT: compile only the entry function; the rest runs interpreted.
        #[arg(long)]
        lazy: bool,
        /// Print `jitty-stat:` lines (compile time, code size, fallbacks, run
        /// time of `main`) on stderr.
        #[arg(long)]
        stats: bool,
        /// JIT: append JIT symbols to /tmp/perf-PID.map for profilers.
        #[arg(long)]
        perf_map: bool,
        /// JIT: print each function's Cranelift IR on stderr.
        #[arg(long)]
        dump_clif: bool,
        /// JIT: print each function's disassembly on stderr.
        #[arg(long)]
        dump_asm: bool,
        /// JIT: check each function's Cranelift IR with Cranelift's verifier;
        /// invalid IR, or a panic while compiling, stops the run (exit 125)
        /// instead of leaving the function to the interpreter
        #[arg(long)]
        verify_clif: bool,
        /// Arguments passed to the program (after `--`).
        #[arg(last = true)]
        args: Vec<String>,
    },
    /// Inspect LLVM IR.
    Ir {
        #[command(subcommand)]
        command: IrCommand,
    },
    /// Run benchmarks (no subcommand: the kernel's experiments in quick
    /// mode, generic against specialized).
    Bench {
        /// Print the generic-against-specialized figures as JSON, one
        /// object per experiment (`id`, `generic_ns`, `specialized_ns`,
        /// `ratio`, `generic_instr`, `specialized_instr`, `instr_ratio`).
        #[arg(long)]
        json: bool,
        #[command(subcommand)]
        what: Option<BenchCommand>,
    },
    /// Explain a specialization: every value the spec point's path reads
    /// and its kind (static argument, constant, quasi-invariant, dynamic),
    /// the branches and calls folded, inlined or refused and why, residual
    /// against generic size, and the guard set. Runs in a fresh process
    /// with a pipe (`pipe-read`/`pipe-write`), a RAM-fs file (`file`) and a
    /// second process (`other`); the first line gives their numbers.
    Explain {
        /// The spec point (`jitty kernel annotations` lists them).
        point: String,
        /// Its arguments after the thread (for `malloc`, all of them):
        /// numbers, or `pipe-read`, `pipe-write`, `file`, `self` (this
        /// process's pid), `other`, `region` (the default vmalloc region).
        args: Vec<String>,
        /// Also print the residual IR.
        #[arg(long)]
        ir: bool,
        /// Also print the residual's machine code (Cranelift's disassembly).
        #[arg(long)]
        asm: bool,
    },
    /// Inspect the kernel.
    Kernel {
        #[command(subcommand)]
        command: KernelCommand,
    },
    /// Run a replay script of syscalls across processes and threads (format:
    /// crates/jitty-replay/README.md); one line per statement, then a digest.
    /// Bad scripts and timeouts exit with status 2.
    Replay {
        /// The script (required unless --generate).
        #[arg(required_unless_present = "generate")]
        file: Option<PathBuf>,
        /// Specialization: off (generic kernel), on (the driver's default
        /// policy), force (every spec point specialized at its first call).
        #[arg(long, value_enum, default_value_t = Spec::Off)]
        spec: Spec,
        /// With `--spec on`: calls with the same static arguments before a
        /// spec point is specialized (default 64, `Policy::DEFAULT_AFTER`).
        #[arg(long, value_name = "N", value_parser = clap::value_parser!(u32).range(1..))]
        spec_after: Option<u32>,
        /// With `--spec on`: who specializes, the calling thread at its N-th
        /// call (`sync`) or the compiler thread while callers stay generic
        /// (`background`, the default).
        #[arg(long, value_enum)]
        spec_compile: Option<SpecCompile>,
        /// Print the digest's text, not only its hash.
        #[arg(long)]
        verbose: bool,
        /// Seconds a call, `wait` or settle may take.
        #[arg(long, default_value_t = 10)]
        timeout: u64,
        /// Print the script generated from this seed instead of running one.
        #[arg(long, conflicts_with = "file")]
        generate: Option<u64>,
        /// After the run, print on stderr what specialization did:
        /// specializations produced and plugged, installs refused,
        /// invalidations, restarts, code freed, code bytes, and every
        /// fallback to generic code with its reason.
        #[arg(long)]
        stats: bool,
    },
    /// Boot the kernel, check its image, drive a process through the
    /// syscall ABI and run a bundled program on the IR engine.
    Demo,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Spec {
    Off,
    On,
    Force,
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum SpecCompile {
    Sync,
    Background,
}

#[derive(Subcommand, Debug)]
enum KernelCommand {
    /// The kernel's annotations as data: every annotated type's descriptor
    /// (size, and each Const/Quasi field's offset, size, kind and pointee)
    /// and the specialization points with their typed paths.
    Annotations {
        /// Print the descriptor table as JSON instead.
        #[arg(long)]
        json: bool,
    },
}

#[derive(Subcommand, Debug)]
enum BenchCommand {
    /// The IR engines against native clang -O2, LLVM's interpreter, lli's
    /// ORC JIT and llc -O2 (median of interleaved runs, HTML report).
    Engine {
        /// One run with small inputs (for CI).
        #[arg(long)]
        quick: bool,
        /// Runs per configuration; the median is reported.
        #[arg(long, default_value_t = 5)]
        runs: usize,
        /// Where to write the HTML report.
        #[arg(long)]
        html: Option<PathBuf>,
    },
    /// The kernel's experiments E1-E6, generic and specialized arms: ns/op
    /// (median of interleaved batches) and instructions/op (callgrind),
    /// with host-Linux context; HTML and JSON in target/bench-report.
    Kernel {
        /// Fewer, smaller batches (for CI).
        #[arg(long)]
        quick: bool,
        /// Print the comparisons as JSON instead of the tables.
        #[arg(long)]
        json: bool,
    },
    /// Runs experiments `KEY=N...` once; what `bench kernel` runs under
    /// callgrind to count instructions.
    #[command(hide = true)]
    Probe {
        /// `KEY=N` pairs, e.g. `e1=20000`.
        plan: Vec<String>,
    },
}

#[derive(Subcommand, Debug)]
enum IrCommand {
    /// Parse and verify a module; print counts and every construct an engine
    /// cannot run (for the JIT: the functions it leaves to the interpreter).
    /// Exits 1 when something is unsupported.
    Check {
        /// The `.ll` file.
        file: PathBuf,
        /// Check for this engine only (default: both).
        #[arg(long, value_enum)]
        engine: Option<Engine>,
    },
    /// Parse a module and print it back as `.ll` text.
    Print {
        /// The `.ll` file.
        file: PathBuf,
    },
}

#[derive(Clone, Copy, Debug, ValueEnum)]
enum Engine {
    /// The reference interpreter.
    Interp,
    /// Cranelift JIT (every definition compiled eagerly; functions it cannot
    /// lower run on the interpreter).
    Jit,
}

fn main() -> ExitCode {
    // Rust's runtime starts with SIGPIPE ignored. Restore the default: a
    // program under `jitty exec` must see the disposition it would have
    // natively (killed by SIGPIPE, not EPIPE), and jitty's own output into a
    // closed pipe (`jitty ir check f.ll | head`) then ends jitty quietly like
    // any Unix tool instead of panicking.
    // SAFETY: setting a signal disposition to SIG_DFL before any thread is
    // started; no handler code of ours is involved.
    unsafe { libc::signal(libc::SIGPIPE, libc::SIG_DFL) };
    let cli = Cli::parse();
    match run(cli) {
        Ok(code) => code,
        Err(err) => {
            // One line: the chain of contexts joined, as promised in the README.
            eprintln!("jitty: {}", format!("{err:#}").replace('\n', " "));
            ExitCode::from(JITTY_FAILURE)
        }
    }
}

fn run(cli: Cli) -> Result<ExitCode> {
    // The main job (no subcommand): the kernel's experiments E1-E8, quick.
    match cli.command.unwrap_or(Command::Bench { json: false, what: None }) {
        Command::Exec { file, engine, entry, fuel, lazy, stats, perf_map, dump_clif, dump_asm, verify_clif, args } => {
            let module = read_module(&file)?;
            let opts = jitty_exec::Options {
                engine: match engine {
                    Engine::Interp => jitty_exec::Engine::Interp,
                    Engine::Jit => jitty_exec::Engine::Jit,
                },
                fuel,
                jit: jitty_jit::JitOptions { perf_map, dump_clif, dump_asm, verify: verify_clif, ..Default::default() },
                lazy,
            };
            if stats {
                // SAFETY: registers a plain `extern "C" fn()` with libc; it
                // runs at process exit and touches no state of ours that
                // exit could have invalidated (see the function).
                unsafe { libc::atexit(print_unfinished_run_stats) };
            }
            let (status, run_stats) = jitty_exec::run_main(module, &entry, &file.to_string_lossy(), &args, &opts)?;
            if stats {
                print_stats(&run_stats);
            }
            // The program's exit status, truncated to 8 bits as the OS does.
            Ok(ExitCode::from(status as u8))
        }
        Command::Ir { command: IrCommand::Check { file, engine } } => ir_check(&file, engine),
        Command::Ir { command: IrCommand::Print { file } } => {
            let module = read_module(&file)?;
            print!("{}", jitty_ir::printer::print_module(&module));
            Ok(ExitCode::SUCCESS)
        }
        Command::Bench { what: Some(BenchCommand::Engine { quick, runs, html }), .. } => {
            bench_engine(quick, runs, html)
        }
        Command::Bench { what: Some(BenchCommand::Kernel { quick, json }), json: j } => bench_kernel(quick, json || j),
        Command::Bench { what: Some(BenchCommand::Probe { plan }), .. } => bench_probe(&plan),
        Command::Bench { what: None, json } => bench_kernel(true, json),
        Command::Explain { point, args, ir, asm } => explain(&point, &args, ir, asm),
        Command::Kernel { command: KernelCommand::Annotations { json } } => {
            let a = jitty_os::annot::Annotations::native().context("reading the kernel's annotation tables")?;
            if json {
                print!("{}", a.types_json());
            } else {
                print!("{a}");
            }
            Ok(ExitCode::SUCCESS)
        }
        Command::Replay { file, spec, spec_after, spec_compile, verbose, timeout, generate, stats } => {
            replay(file, &ReplayArgs { spec, spec_after, spec_compile, verbose, timeout, stats }, generate)
        }
        Command::Demo => demo(),
    }
}

/// Exit status of `jitty replay` for a bad script (parse error, timeout) or
/// `--spec on|force` when specialization is unavailable (failed image check).
const REPLAY_BAD_SCRIPT: u8 = 2;

/// `jitty replay`'s options for a run.
struct ReplayArgs {
    spec: Spec,
    spec_after: Option<u32>,
    spec_compile: Option<SpecCompile>,
    verbose: bool,
    timeout: u64,
    stats: bool,
}

/// `jitty replay`.
fn replay(file: Option<PathBuf>, args: &ReplayArgs, generate: Option<u64>) -> Result<ExitCode> {
    let &ReplayArgs { spec, spec_after, spec_compile, verbose, timeout, stats } = args;
    use jitty_replay::{RunError, SpecMode};
    if let Some(seed) = generate {
        print!("{}", jitty_replay::generate(seed));
        return Ok(ExitCode::SUCCESS);
    }
    let Some(file) = file else { bail!("replay: a script file or --generate SEED is required") };
    let bytes = std::fs::read(&file).with_context(|| format!("reading {}", file.display()))?;
    let bad = |msg: String| {
        eprintln!("jitty: {msg}");
        Ok(ExitCode::from(REPLAY_BAD_SCRIPT))
    };
    let Ok(text) = String::from_utf8(bytes) else {
        return bad(format!("{}: a replay script is UTF-8 text", file.display()));
    };
    let script = match jitty_replay::Script::parse(&text) {
        Ok(s) => s,
        Err(e) => return bad(format!("{}:{}: {}", file.display(), e.line, e.msg)),
    };
    let mode = match spec {
        Spec::Off => SpecMode::Off,
        Spec::On => SpecMode::On,
        Spec::Force => SpecMode::Force,
    };
    use jitty_os::spec::policy::Policy;
    let on = match (spec_compile, spec_after) {
        (Some(SpecCompile::Sync), after) => Policy::Sync { after: after.unwrap_or(Policy::DEFAULT_AFTER) },
        (_, Some(after)) => Policy::Background { after },
        (_, None) => Policy::ON,
    };
    if (spec_after.is_some() || spec_compile.is_some()) && mode != SpecMode::On {
        return bad(format!("replay: --spec-after and --spec-compile go with --spec on, not --spec {mode}"));
    }
    if mode != SpecMode::Off
        && let Err(e) = jitty_replay::use_kernel_driver_with(on)
    {
        return bad(format!("replay --spec {mode}: specialization unavailable: {e}"));
    }
    let opts = jitty_replay::Options { mode, verbose, timeout: std::time::Duration::from_secs(timeout.max(1)) };
    let stdout = std::io::stdout();
    let mut out = std::io::BufWriter::new(stdout.lock());
    let r = jitty_replay::run_with(&script, &opts, &mut out);
    std::io::Write::flush(&mut out).context("writing the output")?;
    if stats {
        eprint!("{}", jitty_os::spec::Stats::now());
    }
    match r {
        Ok(()) => Ok(ExitCode::SUCCESS),
        Err(e @ RunError::NoDriver(_)) => bad(e.to_string()),
        Err(RunError::Timeout { line, what }) => bad(format!("{}:{line}: timeout: {what}", file.display())),
        Err(e) => Err(e.into()),
    }
}

/// `jitty bench engine`: this very binary under test as two engines.
fn bench_engine(quick: bool, runs: usize, html: Option<PathBuf>) -> Result<ExitCode> {
    use jitty_difftest::{bench, engine::EngineSpec, tools};
    let exe = std::env::current_exe().context("locating the jitty binary")?;
    let exe = exe.to_string_lossy();
    let engines = vec![
        EngineSpec::parse(&format!("interp='{exe}' exec --engine interp --stats"))?,
        EngineSpec::parse(&format!("jit='{exe}' exec --engine jit --stats"))?,
    ];
    let root = tools::workspace_root();
    let mut cfg = bench::BenchConfig::new(&root, engines);
    cfg.quick = quick;
    cfg.runs = if quick { 1 } else { runs.max(1) };
    cfg.jit = true;
    if let Some(html) = html {
        cfg.html = html;
    }
    // `run_bench` prints the table (and writes the HTML report) itself.
    bench::run_bench(&cfg, &tools::Tools::from_env())?;
    Ok(ExitCode::SUCCESS)
}

fn read_source(path: &Path) -> Result<String> {
    std::fs::read_to_string(path).with_context(|| format!("cannot read {}", path.display()))
}

/// Reads, parses and verifies a module.
fn read_module(path: &Path) -> Result<jitty_ir::Module> {
    let src = read_source(path)?;
    let module = jitty_llvm::parse_module(&src, &path.to_string_lossy())?;
    verify(&module, path)?;
    Ok(module)
}

fn verify(module: &jitty_ir::Module, path: &Path) -> Result<()> {
    if let Err(errors) = jitty_ir::verifier::verify_module(module) {
        let first = errors.first().map(ToString::to_string).unwrap_or_default();
        bail!("{}: invalid IR ({} verifier errors), first: {first}", path.display(), errors.len());
    }
    Ok(())
}

/// Prints the `jitty-stat:` lines on stderr, after the program's output.
/// Write errors are ignored: this also runs in an `atexit` handler, which
/// must not panic.
fn print_stats(stats: &jitty_exec::RunStats) {
    use std::io::Write as _;
    flush_c_stdio();
    let mut err = std::io::stderr().lock();
    for line in stats.stat_lines() {
        let _ = writeln!(err, "{line}");
    }
}

/// `atexit` handler of `exec --stats`: a program that calls `exit` inside
/// `main` ends the process without returning to [`run`], so its statistics
/// (with the run time up to the call of `exit`, the program's own `atexit`
/// handlers included) are printed here. After a normal return there is no
/// unfinished run and this prints nothing.
extern "C" fn print_unfinished_run_stats() {
    if let Some(stats) = jitty_exec::unfinished_run_stats() {
        print_stats(&stats);
    }
}

/// Flushes the host's C stdio buffers, so output the program wrote with
/// `printf` appears before jitty's own next line.
fn flush_c_stdio() {
    // SAFETY: `fflush(NULL)` flushes every open C stream; it takes no
    // pointers of ours and is safe to call at any time from any thread.
    unsafe { libc::fflush(std::ptr::null_mut()) };
}

/// `jitty ir check`: what the parser and each engine asked for cannot run.
fn ir_check(path: &Path, engine: Option<Engine>) -> Result<ExitCode> {
    let src = read_source(path)?;
    let (module, mut unsupported) = jitty_llvm::parse_module_with_report(&src, &path.to_string_lossy())?;
    verify(&module, path)?;
    let defined = module.funcs.iter().filter(|f| !f.is_declaration()).count();
    let insts: usize = module.funcs.iter().map(|f| f.inst_count()).sum();
    println!(
        "{}: {} functions ({} defined, {} declared), {} instructions, {} globals, {} aliases",
        path.display(),
        module.funcs.len(),
        defined,
        module.funcs.len() - defined,
        insts,
        module.globals.len(),
        module.aliases.len()
    );
    // Constructs the reader could not represent: no engine runs them.
    unsupported.sort_by_key(|u| (u.line, u.col));
    for u in &unsupported {
        println!("unsupported: {}:{}:{}: {}", path.display(), u.line, u.col, u.what);
    }
    let mut counts = vec![format!("{} in the reader", unsupported.len())];
    let mut total = unsupported.len();
    if !matches!(engine, Some(Engine::Jit)) {
        let refused = jitty_interp::unsupported(&module);
        for (func, reason) in &refused {
            println!("unsupported (interp): @{func}: {reason}");
        }
        counts.push(format!("{} for the interpreter", refused.len()));
        total += refused.len();
    }
    if !matches!(engine, Some(Engine::Interp)) {
        let fallbacks = jitty_exec::jit_fallbacks(std::sync::Arc::new(module)).context("checking the JIT")?;
        for reason in &fallbacks {
            println!("unsupported (jit, left to the interpreter): {reason}");
        }
        counts.push(format!("{} for the JIT", fallbacks.len()));
        total += fallbacks.len();
    }
    if total == 0 {
        return Ok(ExitCode::SUCCESS);
    }
    println!("{}: {total} unsupported ({})", path.display(), counts.join(", "));
    Ok(ExitCode::from(1))
}

/// `jitty bench kernel`: this binary doubles as the callgrind probe
/// (`jitty bench probe KEY=N...`).
fn bench_kernel(quick: bool, json: bool) -> Result<ExitCode> {
    let mut opts =
        if quick { jitty_bench::KernelBenchOptions::quick() } else { jitty_bench::KernelBenchOptions::full() };
    opts.probe = Some(std::env::current_exe().context("locating the jitty binary")?);
    opts.probe_args = vec!["bench".into(), "probe".into()];
    let report = jitty_bench::run(&opts)?;
    if json {
        println!("{}", report.comparisons_json());
    } else {
        print!("{}", report.render_table());
    }
    Ok(ExitCode::SUCCESS)
}

/// `jitty explain POINT ARGS...`: specializes the point in a fresh process
/// and prints the decision record.
fn explain(point: &str, args: &[String], ir: bool, asm: bool) -> Result<ExitCode> {
    use jitty_os::syscall as sys;
    let k = jitty_os::boot().context("booting the kernel")?;
    let d = jitty_os::spec::Specializer::get().map_err(|e| anyhow::anyhow!("specialization unavailable: {e}"))?;
    let info = d.annotations().point(point).with_context(|| format!("no spec point `{point}`"))?.clone();
    let pid = k.spawn_process(1000, 1000).map_err(|e| anyhow::anyhow!("spawn: errno {}", e.0))?;
    let other = k.spawn_process(1000, 1000).map_err(|e| anyhow::anyhow!("spawn: errno {}", e.0))?;
    let _task = jitty_os::Task::enter(pid).map_err(|e| anyhow::anyhow!("enter: errno {}", e.0))?;
    let [r, w] = sys::pipe().map_err(|e| anyhow::anyhow!("pipe: errno {}", e.0))?;
    let path = format!("/tmp/jitty-explain-{}", std::process::id());
    let f = sys::open(&path, jitty_os::abi::O_RDWR | jitty_os::abi::O_CREAT, 0o644)
        .map_err(|e| anyhow::anyhow!("open: errno {}", e.0))?;
    // Points whose first argument is the calling thread get it implicitly.
    let thread_first =
        info.arg_types.first().copied().flatten().is_some_and(|t| d.annotations().types[t].name == "Thread");
    let mut values = if thread_first { vec![sys::current() as u64] } else { Vec::new() };
    for a in args {
        values.push(match a.as_str() {
            "pipe-read" => r as u64,
            "pipe-write" => w as u64,
            "file" => f as u64,
            "self" => pid as u64,
            "other" => other as u64,
            "region" => {
                // SAFETY: the kernel's default region, a live static.
                (unsafe { (jitty_os::image::services().vmalloc_default_region)() }) as u64
            }
            n => n.parse::<i64>().with_context(|| format!("argument {a:?}: a number or a name"))? as u64,
        });
    }
    println!(
        "spec point {point}: {} (static arguments: mask {:#b}); context: pid {pid}, pipe {r}/{w}, file {f}, other pid {other}",
        info.entry_symbol, info.static_args
    );
    let jit = jitty_jit::JitOptions { dump_asm: asm, ..Default::default() };
    let s = d.specialize_with(point, &values, &jit).map_err(|e| anyhow::anyhow!("{point}: {e}"))?;
    let m = d.module();
    let record = &s.residual.record;
    use jitty_spec::{Decision, LoadKind};
    for (title, kind) in [
        ("static arguments", LoadKind::StaticArg),
        ("constant by annotation", LoadKind::Const),
        ("quasi-invariant, guarded", LoadKind::Quasi),
        ("dynamic", LoadKind::Dynamic),
    ] {
        let reads: Vec<_> =
            record.iter().filter(|(d, _)| matches!(d, Decision::Read { kind: k, .. } if *k == kind)).collect();
        println!("\nreads, {title} ({}):", reads.len());
        for (d, n) in reads {
            println!("  {n:>3}x {d}");
        }
    }
    for (title, pick) in [
        ("branches folded", (|d: &Decision| matches!(d, Decision::BranchFolded { .. })) as fn(&Decision) -> bool),
        ("branches left dynamic", |d| matches!(d, Decision::BranchDynamic { .. })),
        ("calls inlined", |d| matches!(d, Decision::Inlined { .. })),
        ("calls kept", |d| matches!(d, Decision::CallKept { .. })),
        ("allocas materialized, loops generalized", |d| {
            matches!(d, Decision::Materialized { .. } | Decision::Widened { .. })
        }),
    ] {
        let ds: Vec<_> = record.iter().filter(|(d, _)| pick(d)).collect();
        println!("\n{title} ({}):", ds.len());
        for (d, n) in ds {
            println!("  {n:>3}x {d}");
        }
    }
    let inlined: std::collections::BTreeSet<&str> = record
        .iter()
        .filter_map(|(d, _)| match d {
            Decision::Inlined { callee, .. } => Some(callee.as_str()),
            _ => None,
        })
        .chain([info.entry_symbol.as_str()])
        .collect();
    let generic: usize = inlined.iter().filter_map(|n| m.func_by_name(n)).map(|f| m.func(f).inst_count()).sum();
    let rf = s.residual.module.func(s.residual.func);
    println!(
        "\nresidual: {} IR instructions ({} machine-code bytes) against {generic} in the generic functions it \
         inlined; {} evaluation steps; evaluated in {:?}, compiled in {:?}",
        rf.inst_count(),
        s.code_bytes,
        s.residual.evaluated,
        s.evaluate,
        s.compile
    );
    println!("\nguard set ({} quasi-invariant cells):", s.residual.guards.len());
    for g in &s.residual.guards {
        println!(
            "  {} at {:#x} ({} bytes) = {:#x}, guarded by the dependents word at {:#x}",
            g.what, g.addr, g.size, g.value, g.deps_word
        );
    }
    if ir {
        println!("\n{}", jitty_ir::printer::print_function(&s.residual.module, rf));
    }
    for f in s.unit.functions().iter().filter(|_| asm) {
        println!("\n{} ({} bytes):\n{}", f.name, f.size, f.asm.as_deref().unwrap_or("(no disassembly)"));
    }
    let _ = std::fs::remove_file(&path);
    Ok(ExitCode::SUCCESS)
}

fn bench_probe(plan: &[String]) -> Result<ExitCode> {
    let plan = plan
        .iter()
        .map(|arg| {
            arg.split_once('=')
                .and_then(|(key, n)| Some((jitty_bench::Experiment::from_key(key)?, n.parse::<u64>().ok()?)))
                .with_context(|| format!("bad probe argument {arg:?} (want KEY=N, e.g. e1=20000)"))
        })
        .collect::<Result<Vec<_>>>()?;
    jitty_bench::run_probe(&plan)?;
    Ok(ExitCode::SUCCESS)
}

/// The demonstration: boot the kernel, report the start-up image check,
/// drive a process through the syscall ABI, then run a real program's IR on
/// the engine.
fn demo() -> Result<ExitCode> {
    kernel_demo()?;
    engine_demo()
}

/// Boots the JITTY kernel and makes a few system calls through the generic
/// (unspecialized) paths: every call goes through the process's GFT.
fn kernel_demo() -> Result<()> {
    use jitty_os::{abi, syscall};
    let started = std::time::Instant::now();
    let kernel = jitty_os::boot().context("booting the kernel")?;
    println!("jitty: booted the JITTY kernel in {:.2} ms", started.elapsed().as_secs_f64() * 1e3);
    for line in kernel.image_report().to_string().lines() {
        println!("  {line}");
    }
    let pid = kernel.spawn_process(1000, 1000).context("spawning a process")?;
    let task = jitty_os::Task::enter(pid).context("entering the process")?;
    let [rfd, wfd] = syscall::pipe().context("pipe")?;
    let written = syscall::write(wfd, b"hello through the GFT").context("write")?;
    let mut buf = [0u8; 64];
    let read = syscall::read(rfd, &mut buf).context("read")?;
    syscall::kill(pid, 0).context("kill(self, 0)")?;
    let denied = syscall::kill(1, abi::SIGKILL);
    println!(
        "  process {pid} (uid 1000): pipe [{rfd}, {wfd}]; wrote {written} bytes, read {read}: {:?}; kill(self, 0) ok; kill(init, SIGKILL) -> {}",
        String::from_utf8_lossy(&buf[..read]),
        match denied {
            Err(e) if e.0 == abi::EPERM => "EPERM (uid 1000 may not signal root's init)".to_string(),
            other => format!("{other:?} (expected EPERM)"),
        }
    );
    syscall::close(rfd).context("close")?;
    syscall::close(wfd).context("close")?;
    drop(task);
    kernel.check_invariants().map_err(|code| anyhow::anyhow!("kernel invariant check failed: {code}"))?;
    println!("  kernel invariants hold; {} processes in the table", kernel.nr_processes());
    Ok(())
}

/// The bundled program: the IR of a real Rust program, compiled by rustc
/// when jitty was built, parsed, verified and run on the interpreter.
fn engine_demo() -> Result<ExitCode> {
    const DEMO_IR: &str = include_str!(concat!(env!("OUT_DIR"), "/demo.ll"));
    let started = std::time::Instant::now();
    let module = jitty_llvm::parse_module(DEMO_IR, "demo.ll")?;
    verify(&module, Path::new("demo.ll"))?;
    let parsed = started.elapsed();
    let insts: usize = module.funcs.iter().map(|f| f.inst_count()).sum();
    println!(
        "jitty demo: parsed and verified the bundled program's IR ({} bytes, {} functions, {} instructions) in {:.2} ms",
        DEMO_IR.len(),
        module.funcs.len(),
        insts,
        parsed.as_secs_f64() * 1e3
    );
    println!("jitty demo: running main on the interpreter:");
    let started = std::time::Instant::now();
    let (status, _) = jitty_exec::run_main(module, "main", "demo", &[], &jitty_exec::Options::default())?;
    flush_c_stdio();
    println!("jitty demo: main returned {status} after {:.2} ms", started.elapsed().as_secs_f64() * 1e3);
    Ok(ExitCode::SUCCESS)
}
