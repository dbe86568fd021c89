//! `jitty-difftest`: the command-line front end of the differential testing
//! and benchmarking harness. See `jitty-difftest help`.

#![forbid(unsafe_code)]

use jitty_difftest::bench::{BenchConfig, run_bench};
use jitty_difftest::corpus::{CorpusConfig, run_corpus};
use jitty_difftest::csmith::{CsmithConfig, parse_seeds, run_csmith};
use jitty_difftest::engine::EngineSpec;
use jitty_difftest::fuzz::{FuzzConfig, run_fuzz};
use jitty_difftest::programs::{ProgramsConfig, parse_known, run_programs};
use jitty_difftest::tools::{Tools, workspace_root};
use jitty_difftest::{Result, err};
use std::path::PathBuf;
use std::process::ExitCode;
use std::time::{Duration, Instant};

const USAGE: &str = "\
usage: jitty-difftest <corpus|csmith|fuzz|programs|bench|help> [options]

  corpus   run tests/corpus/rust/NN_*.rs natively and on each engine, compare
  csmith   run csmith programs natively and on each engine, compare
  fuzz     run random IR programs (testgen) natively (clang -O0 of the .ll),
           on lli-22 and on each engine, compare
  programs build Lua, SQLite, zlib, bzip2, QuickJS, LZ4, Mbed TLS, CoreMark (Rust) (scripts/fetch-corpus.sh) with
           clang, run them natively and on each engine, print the matrix
  bench    time engines against native, lli's interpreter (and JITs with --jit)

common options:
  --engine SPEC        engine under test (repeatable); default for corpus and
                       csmith: $JITTY_ENGINE, else `lli-22`; bench: none
  --jobs N             parallel jobs (default $JITTY_DIFFTEST_JOBS or 2)
  --timeout SECS       engine timeout per run (corpus 60, csmith 30, bench 300)
  --filter TEXT        only programs whose name contains TEXT (repeatable)
  --root DIR           workspace root (default: found from the current dir)
  --verbose            print every command
corpus/csmith:
  --opt LIST           opt levels, e.g. 0,2 (default 0,2)
csmith:
  --seeds LIST         e.g. 1..=300, 1..300 (end excluded), 5,9,20..30
                       (default $JITTY_CSMITH_SEEDS, else 1..=50)
  --native-timeout S   skip seeds whose native run exceeds S seconds (2)
  --csmith-arg ARG     extra csmith option (repeatable)
  --clang-arg ARG      extra clang option (repeatable)
fuzz:
  --seeds LIST         as for csmith (default $JITTY_FUZZ_SEEDS, else 1..=100)
  --jitty PATH         engines interp and jit (with --verify-clif) of this
                       jitty binary (default when no --engine: $JITTY_BIN,
                       else TARGET/release/jitty)
  --no-lli             do not run lli-22 (it checks the generator)
  --out DIR            failing programs are saved here as seedN.ll
                       (default target/difftest-fuzz)
  --timeout SECS       per run (20)
programs:
  --opt LIST           opt levels (default 0,2)
  --jitty PATH         engines interp and jit (with --verify-clif) of this
                       jitty binary (default when no --engine: $JITTY_BIN,
                       else TARGET/release/jitty)
  --lli                add lli-22 as an engine column
  --known FILE         known failures: `RUN OPT ENGINE REASON` lines; listed
                       cases are shown but do not fail the run
  --src DIR            fetched sources (default target/corpus-src)
  --no-fetch           do not run scripts/fetch-corpus.sh first
  --native-timeout S   native run timeout (60)
bench:
  --quick              one run, small inputs (CI)
  --runs K             runs per configuration, median reported (default 5)
  --jit                add lli ORC JIT time, llc -O2 compile time, engine compile time
  --csmith-seeds LIST  csmith programs to include (default 1,11,19; `none`)
  --html PATH          report path (default target/bench-report/engine.html)
  --no-real            leave out the real programs (Lua fib, SQLite workload)
  --src DIR, --no-fetch  as for programs (the real programs' sources)
  run time of main (`run ms`) is shown for engines that print
  `jitty-stat: run_ms=X` on stderr, e.g. `jitty exec --stats`

engine SPEC: [LABEL=]PROGRAM [WORDS...] with placeholders {ll}, {args} (own
word) and {libstd}; without {ll}, `jitty ... exec` gets `{ll} -- {args}` and
anything else `{ll} {args}` (lli convention); lli gets --dlopen={libstd}.
  e.g. --engine lli-22 --engine 'interp=target/release/jitty exec --engine interp'

Exit status: 0 all passed, 1 some case failed, 2 usage or harness error.
The last line of corpus/csmith output is `N passed, M failed[, K skipped]`.";

#[derive(Debug, Default)]
struct Args {
    engines: Vec<String>,
    jobs: Option<usize>,
    timeout: Option<f64>,
    filter: Vec<String>,
    root: Option<PathBuf>,
    verbose: bool,
    opts: Option<Vec<u32>>,
    seeds: Option<String>,
    native_timeout: Option<f64>,
    csmith_args: Vec<String>,
    clang_args: Vec<String>,
    quick: bool,
    runs: Option<usize>,
    jit: bool,
    csmith_seeds: Option<String>,
    html: Option<PathBuf>,
    jitty: Option<PathBuf>,
    lli: bool,
    known: Option<PathBuf>,
    src: Option<PathBuf>,
    no_fetch: bool,
    no_real: bool,
    no_lli: bool,
    out: Option<PathBuf>,
}

fn parse_args(argv: &[String]) -> Result<Args> {
    let mut a = Args::default();
    let mut it = argv.iter();
    while let Some(flag) = it.next() {
        let (name, inline) = match flag.split_once('=') {
            Some((n, v)) if n.starts_with("--") => (n, Some(v.to_string())),
            _ => (flag.as_str(), None),
        };
        let mut value = || -> Result<String> {
            match &inline {
                Some(v) => Ok(v.clone()),
                None => it.next().cloned().ok_or_else(|| err!("{name} needs a value")),
            }
        };
        let num = |s: String| s.parse::<f64>().map_err(|_| err!("{name}: bad number {s:?}"));
        match name {
            "--engine" => a.engines.push(value()?),
            "--jobs" | "-j" => a.jobs = Some(num(value()?)? as usize),
            "--timeout" => a.timeout = Some(num(value()?)?),
            "--filter" => a.filter.push(value()?),
            "--root" => a.root = Some(PathBuf::from(value()?)),
            "--verbose" | "-v" => a.verbose = true,
            "--opt" => {
                let v = value()?;
                let opts: std::result::Result<Vec<u32>, _> = v.split(',').map(|o| o.trim().parse::<u32>()).collect();
                a.opts = Some(opts.map_err(|_| err!("--opt: bad list {v:?}"))?);
            }
            "--seeds" => a.seeds = Some(value()?),
            "--native-timeout" => a.native_timeout = Some(num(value()?)?),
            "--csmith-arg" => a.csmith_args.push(value()?),
            "--clang-arg" => a.clang_args.push(value()?),
            "--quick" => a.quick = true,
            "--runs" => a.runs = Some(num(value()?)? as usize),
            "--jit" => a.jit = true,
            "--csmith-seeds" => a.csmith_seeds = Some(value()?),
            "--html" => a.html = Some(PathBuf::from(value()?)),
            "--jitty" => a.jitty = Some(PathBuf::from(value()?)),
            "--lli" => a.lli = true,
            "--known" => a.known = Some(PathBuf::from(value()?)),
            "--src" => a.src = Some(PathBuf::from(value()?)),
            "--no-fetch" => a.no_fetch = true,
            "--no-real" => a.no_real = true,
            "--no-lli" => a.no_lli = true,
            "--out" => a.out = Some(PathBuf::from(value()?)),
            other => return Err(err!("unknown option {other:?} (see `jitty-difftest help`)")),
        }
    }
    Ok(a)
}

fn engines(a: &Args, default_lli: bool) -> Result<Vec<EngineSpec>> {
    let mut specs = a.engines.clone();
    if specs.is_empty() && default_lli {
        specs.push(
            std::env::var("JITTY_ENGINE").ok().filter(|s| !s.trim().is_empty()).unwrap_or_else(|| "lli-22".into()),
        );
    }
    specs.iter().map(|s| EngineSpec::parse(s)).collect()
}

/// `$JITTY_BIN`, else `release/jitty` in `$CARGO_TARGET_DIR` or `ROOT/target`.
fn default_jitty(root: &std::path::Path) -> PathBuf {
    if let Some(b) = std::env::var_os("JITTY_BIN").filter(|b| !b.is_empty()) {
        return PathBuf::from(b);
    }
    let target = std::env::var_os("CARGO_TARGET_DIR").map(PathBuf::from).unwrap_or_else(|| root.join("target"));
    target.join("release/jitty")
}

/// The `--engine` specs; when there are none or `--jitty` is given, engines
/// `interp` and `jit` of that jitty binary come first.
fn jitty_engines(a: &Args, root: &std::path::Path) -> Result<Vec<EngineSpec>> {
    let mut specs = engines(a, false)?;
    if specs.is_empty() || a.jitty.is_some() {
        let jitty = a.jitty.clone().unwrap_or_else(|| default_jitty(root));
        let mut own = Vec::new();
        for e in ["interp", "jit"] {
            let quoted = jitty.to_string_lossy().replace('\'', "'\\''");
            // The JIT checks its CLIF, so a bug of its own fails the run
            // instead of hiding behind a fallback to the interpreter.
            let verify = if e == "jit" { " --verify-clif" } else { "" };
            own.push(EngineSpec::parse(&format!("{e}='{quoted}' exec --engine {e}{verify}"))?);
        }
        own.extend(specs);
        specs = own;
    }
    Ok(specs)
}

fn secs(s: f64) -> Duration {
    Duration::from_secs_f64(s.max(0.001))
}

fn real_main(argv: &[String]) -> Result<bool> {
    let Some(cmd) = argv.first() else {
        return Err(err!("{USAGE}"));
    };
    if matches!(cmd.as_str(), "help" | "--help" | "-h") {
        println!("{USAGE}");
        return Ok(true);
    }
    let a = parse_args(&argv[1..])?;
    let root = a.root.clone().unwrap_or_else(workspace_root);
    let tools = Tools::from_env();
    let start = Instant::now();
    let ok = match cmd.as_str() {
        "corpus" => {
            let mut cfg = CorpusConfig::new(&root, engines(&a, true)?);
            if let Some(o) = &a.opts {
                cfg.opts = o.clone();
            }
            if let Some(j) = a.jobs {
                cfg.jobs = j.max(1);
            }
            if let Some(t) = a.timeout {
                cfg.timeout = secs(t);
            }
            cfg.filter = a.filter.clone();
            cfg.verbose = a.verbose;
            let s = run_corpus(&cfg, &tools)?;
            for f in &s.failures {
                println!("failed: {f}");
            }
            println!("corpus time: {:.1} s", start.elapsed().as_secs_f64());
            println!("{}", s.line());
            s.failed == 0
        }
        "csmith" => {
            let mut cfg = CsmithConfig::new(&root, engines(&a, true)?)?;
            if let Some(s) = &a.seeds {
                cfg.seeds = parse_seeds(s)?;
            }
            if let Some(o) = &a.opts {
                cfg.opts = o.clone();
            }
            if let Some(j) = a.jobs {
                cfg.jobs = j.max(1);
            }
            if let Some(t) = a.timeout {
                cfg.timeout = secs(t);
            }
            if let Some(t) = a.native_timeout {
                cfg.native_timeout = secs(t);
            }
            cfg.csmith_args = a.csmith_args.clone();
            cfg.clang_args = a.clang_args.clone();
            cfg.verbose = a.verbose;
            let s = run_csmith(&cfg, &tools)?;
            for f in &s.skips {
                println!("skipped: {f}");
            }
            for f in &s.failures {
                println!("failed: {f}");
            }
            println!("csmith time: {:.1} s", start.elapsed().as_secs_f64());
            println!("{}", s.line_with_skips());
            s.failed == 0
        }
        "fuzz" => {
            let specs = jitty_engines(&a, &root)?;
            let mut cfg = FuzzConfig::new(&root, specs);
            let seeds = match &a.seeds {
                Some(s) => Some(s.clone()),
                None => std::env::var("JITTY_FUZZ_SEEDS").ok().filter(|s| !s.trim().is_empty()),
            };
            if let Some(s) = seeds {
                cfg.seeds = parse_seeds(&s)?;
            }
            if let Some(j) = a.jobs {
                cfg.jobs = j.max(1);
            }
            if let Some(t) = a.timeout {
                cfg.timeout = secs(t);
            }
            if let Some(o) = &a.out {
                cfg.out_dir = o.clone();
            }
            cfg.lli = !a.no_lli;
            cfg.verbose = a.verbose;
            let s = run_fuzz(&cfg, &tools)?;
            for f in &s.failures {
                println!("failed: {f}");
            }
            let t = start.elapsed().as_secs_f64();
            println!("fuzz time: {t:.1} s ({:.0} seeds/minute)", cfg.seeds.len() as f64 * 60.0 / t.max(0.001));
            println!("{}", s.line_with_skips());
            s.failed == 0
        }
        "programs" => {
            let mut specs = jitty_engines(&a, &root)?;
            if a.lli {
                specs.push(EngineSpec::parse(&format!("lli={}", Tools::from_env().lli))?);
            }
            let mut cfg = ProgramsConfig::new(&root, specs);
            if let Some(o) = &a.opts {
                cfg.opts = o.clone();
            }
            if let Some(j) = a.jobs {
                cfg.jobs = j.max(1);
            }
            if let Some(t) = a.timeout {
                cfg.timeout = secs(t);
            }
            if let Some(t) = a.native_timeout {
                cfg.native_timeout = secs(t);
            }
            if let Some(s) = &a.src {
                cfg.src_dir = s.clone();
            }
            if let Some(k) = &a.known {
                let text = std::fs::read_to_string(k).map_err(|e| err!("{}: {e}", k.display()))?;
                cfg.known = parse_known(&text).map_err(|e| err!("{}: {e}", k.display()))?;
            }
            cfg.fetch = !a.no_fetch;
            cfg.filter = a.filter.clone();
            cfg.verbose = a.verbose;
            let report = run_programs(&cfg, &tools)?;
            println!();
            print!("{}", report.matrix());
            println!("programs time: {:.1} s", start.elapsed().as_secs_f64());
            println!("{}", report.line());
            report.unexpected() == 0
        }
        "bench" => {
            let mut cfg = BenchConfig::new(&root, engines(&a, false)?);
            cfg.quick = a.quick;
            if a.quick {
                cfg.runs = 1;
            }
            if let Some(k) = a.runs {
                cfg.runs = k.max(1);
            }
            cfg.jit = a.jit;
            if let Some(t) = a.timeout {
                cfg.timeout = secs(t);
            }
            if let Some(s) = &a.csmith_seeds {
                cfg.csmith_seeds = if s == "none" { Vec::new() } else { parse_seeds(s)? };
            }
            if let Some(h) = &a.html {
                cfg.html = h.clone();
            }
            cfg.filter = a.filter.clone();
            cfg.real_programs = !a.no_real;
            cfg.fetch = !a.no_fetch;
            if let Some(s) = &a.src {
                cfg.corpus_src = s.clone();
            }
            run_bench(&cfg, &tools)?;
            println!("bench time: {:.1} s", start.elapsed().as_secs_f64());
            true
        }
        other => return Err(err!("unknown command {other:?}\n{USAGE}")),
    };
    Ok(ok)
}

fn main() -> ExitCode {
    let argv: Vec<String> = std::env::args().skip(1).collect();
    match real_main(&argv) {
        Ok(true) => ExitCode::SUCCESS,
        Ok(false) => ExitCode::from(1),
        Err(e) => {
            eprintln!("jitty-difftest: {e}");
            ExitCode::from(2)
        }
    }
}
