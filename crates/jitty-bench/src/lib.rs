//! # jitty-bench: the generic kernel's baselines (experiments E1–E6)
//!
//! Measures the native, unspecialized JITTY kernel on the operations of
//! BRIEF §5 through the real syscall ABI (`current->process->gft->NAME`) or
//! the kernel's exported `extern "C"` entries (vmalloc, RPC), plus the same
//! operations against the host Linux kernel for context.
//!
//! * Time: batches run round-robin across experiments (noise hits all
//!   equally); per experiment the median, p10 and p90 of ns/op over batches.
//! * Instructions: a probe command (`jitty bench probe KEY=N...`, which calls
//!   [`run_probe`]) runs under
//!   `valgrind --tool=callgrind --toggle-collect=*bench_loop_*`; each
//!   experiment's `bench_loop_*` inclusive cost / operations. E1 also gets a
//!   per-function breakdown. Skipped (and said so) without valgrind.
//!
//! ```no_run
//! let opts = jitty_bench::KernelBenchOptions::quick();
//! let report = jitty_bench::run(&opts)?;
//! print!("{}", report.render_table());
//! # Ok::<(), jitty_bench::BenchError>(())
//! ```

mod callgrind;
mod exp;
mod ffi;
mod report;

use std::collections::BTreeMap;
use std::path::PathBuf;

pub use callgrind::FnCost;
pub use exp::{Experiment, TABLE_PROCESSES};
pub use report::{Comparison, ExpResult, KernelReport};

/// Errors of the benchmark.
#[derive(Debug, thiserror::Error)]
pub enum BenchError {
    /// The kernel did not boot.
    #[error("kernel boot: {0}")]
    Boot(#[from] jitty_os::BootError),
    /// A syscall needed by the setup or a measured operation failed.
    #[error("{what}: errno {errno}")]
    Syscall {
        /// What was being done.
        what: &'static str,
        /// The kernel's errno.
        errno: i32,
    },
    /// An operation did not do what it should (the benchmark's self-check).
    #[error("check failed: {0}")]
    Check(String),
    /// Running or reading callgrind failed.
    #[error("callgrind: {0}")]
    Callgrind(String),
    /// Writing the report failed.
    #[error("writing the report: {0}")]
    Io(#[from] std::io::Error),
}

/// Result alias of this crate.
pub type Result<T, E = BenchError> = std::result::Result<T, E>;

/// What to run and how.
#[derive(Debug, Clone)]
pub struct KernelBenchOptions {
    /// Fewer, smaller batches (CI).
    pub quick: bool,
    /// Timed batches per experiment.
    pub batches: usize,
    /// Experiments to run (empty: all).
    pub experiments: Vec<Experiment>,
    /// Count instructions with callgrind (skipped if valgrind is missing).
    pub callgrind: bool,
    /// The probe program run under callgrind: it must call [`run_probe`]
    /// with the `KEY=N` pairs it is given (after `probe_args`).
    pub probe: Option<PathBuf>,
    /// Arguments the probe needs before `KEY=N...` (e.g. a subcommand).
    pub probe_args: Vec<String>,
    /// Where `kernel.html` and `kernel.json` go (None: not written).
    pub out_dir: Option<PathBuf>,
    /// Progress on stderr.
    pub progress: bool,
}

impl KernelBenchOptions {
    /// The full run: 15 batches, callgrind, report in `target/bench-report`.
    pub fn full() -> Self {
        KernelBenchOptions {
            quick: false,
            batches: 15,
            experiments: Vec::new(),
            callgrind: true,
            probe: None,
            probe_args: Vec::new(),
            out_dir: Some(PathBuf::from("target/bench-report")),
            progress: true,
        }
    }

    /// The quick run: 5 small batches, callgrind with fewer operations.
    pub fn quick() -> Self {
        KernelBenchOptions { quick: true, batches: 5, ..Self::full() }
    }

    fn selected(&self) -> Vec<Experiment> {
        if self.experiments.is_empty() { Experiment::ALL.to_vec() } else { self.experiments.clone() }
    }
}

/// Boots the kernel (once per process) and sets up every experiment in a
/// fresh set of processes entered by the calling thread.
/// A suite; `e7_samples` specializations per point are timed at set-up
/// (1 under callgrind, where only the arms' instructions matter).
fn suite(e7_samples: usize) -> Result<exp::Suite> {
    let k = jitty_os::boot()?;
    // SAFETY: getpid has no preconditions.
    let tag = format!("{}-{:?}", unsafe { libc::getpid() }, std::thread::current().id());
    exp::Suite::new(k, &tag.replace(['(', ')'], ""), e7_samples)
}

fn percentile(sorted: &[f64], q: f64) -> f64 {
    if sorted.is_empty() {
        return f64::NAN;
    }
    let x = q * (sorted.len() - 1) as f64;
    let (lo, hi) = (x.floor() as usize, x.ceil() as usize);
    sorted[lo] + (sorted[hi] - sorted[lo]) * (x - lo as f64)
}

/// Runs the benchmark.
pub fn run(opts: &KernelBenchOptions) -> Result<KernelReport> {
    let exps = opts.selected();
    let mut s = suite(exp::E7_SAMPLES)?;
    // One step per warm-up, per batch and per callgrind run.
    let steps = (exps.len() * (1 + opts.batches) + 2) as u64;
    let bar = if opts.progress {
        indicatif::ProgressBar::new(steps).with_style(
            indicatif::ProgressStyle::with_template("{prefix} [{bar:40}] {pos}/{len} {msg} ({elapsed})")
                .unwrap_or_else(|_| indicatif::ProgressStyle::default_bar())
                .progress_chars("=> "),
        )
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_prefix(format!(
        "jitty bench: {} experiments, {} batches{}",
        exps.len(),
        opts.batches,
        if opts.quick { " (quick)" } else { "" }
    ));
    let say = |m: String| bar.set_message(m);
    s.check_regions(64)?;
    // A specialized arm that fails (specialization refused, a check) is
    // reported with why; the generic experiments go on.
    let mut spec_failures: BTreeMap<Experiment, String> = BTreeMap::new();
    let mut exps = exps;
    for &e in &exps {
        say(format!("warm-up {}", e.key()));
        bar.inc(1);
        match s.run(e, e.batch_ops(true).min(1000)) {
            Ok(_) => {}
            Err(err) if e.generic_of().is_some() => {
                spec_failures.insert(e, err.to_string());
            }
            Err(err) => return Err(err),
        }
    }
    exps.retain(|e| !spec_failures.contains_key(e));
    let mut samples: BTreeMap<Experiment, Vec<f64>> = BTreeMap::new();
    let mut e3_kills = Vec::new();
    for b in 0..opts.batches {
        for &e in &exps {
            say(format!("batch {}/{} {}", b + 1, opts.batches, e.key()));
            bar.inc(1);
            let n = e.batch_ops(opts.quick);
            let d = s.run(e, n)?;
            samples.entry(e).or_default().push(d.as_nanos() as f64 / n as f64);
            if e == Experiment::E3ProdCons {
                e3_kills.push(s.e3_last.kills as f64 / n as f64);
            }
        }
    }
    let processes = s.processes();
    let spec_latency = s.spec_latency();
    if let Some(e) = s.spec_error() {
        for x in Experiment::ALL.iter().filter(|x| x.generic_of().is_some()) {
            spec_failures.entry(*x).or_insert_with(|| e.clone());
        }
    }
    drop(s);

    let mut instr = BTreeMap::new();
    let mut e1_breakdown = Vec::new();
    let callgrind_note = if !opts.callgrind {
        "callgrind not requested".to_string()
    } else if !callgrind::available() {
        "callgrind skipped: valgrind/callgrind_annotate not found".to_string()
    } else {
        match opts.probe.clone() {
            None => "callgrind skipped: no probe program given".to_string(),
            Some(probe) => {
                say("callgrind: all experiments".into());
                bar.inc(1);
                let dir = opts.out_dir.clone().unwrap_or_else(std::env::temp_dir);
                std::fs::create_dir_all(&dir)?;
                let plan: Vec<(Experiment, u64)> =
                    exps.iter().map(|&e| (e, callgrind::iterations(e, opts.quick))).collect();
                let all = dir.join("callgrind.kernel.out");
                callgrind::profile(&probe, &opts.probe_args, &plan, &all)?;
                instr = callgrind::per_op(&callgrind::annotate(&all, true)?, &plan);
                if exps.contains(&Experiment::E1PipeWrite) {
                    say("callgrind: E1 breakdown".into());
                    let n = callgrind::iterations(Experiment::E1PipeWrite, opts.quick);
                    let one = dir.join("callgrind.e1.out");
                    callgrind::profile(&probe, &opts.probe_args, &[(Experiment::E1PipeWrite, n)], &one)?;
                    let (inc, slf) = (callgrind::annotate(&one, true)?, callgrind::annotate(&one, false)?);
                    e1_breakdown = callgrind::breakdown(&inc, &slf, Experiment::E1PipeWrite, n, 0.005);
                }
                format!(
                    "callgrind: instructions/op = inclusive Ir of bench_loop_* / ops (profiles in {})",
                    dir.display()
                )
            }
        }
    };

    let results: Vec<ExpResult> = exps
        .iter()
        .map(|&e| {
            let mut v = samples.remove(&e).unwrap_or_default();
            v.sort_by(f64::total_cmp);
            ExpResult {
                experiment: e,
                key: e.key().to_string(),
                label: e.label().to_string(),
                what: e.what().to_string(),
                ops_per_batch: e.batch_ops(opts.quick),
                batches: v.len(),
                median_ns: percentile(&v, 0.5),
                p10_ns: percentile(&v, 0.1),
                p90_ns: percentile(&v, 0.9),
                instructions: instr.get(&e).copied(),
            }
        })
        .collect();
    e3_kills.sort_by(f64::total_cmp);
    let spec_counters = jitty_os::spec::Stats::now();
    let mut comparisons = report::compare(&results, &spec_failures);
    comparisons.push(report::e7(&spec_latency));
    comparisons.push(report::e8(&results));
    let report = KernelReport {
        results,
        comparisons,
        spec_latency,
        spec_counters,
        e1_breakdown,
        callgrind_note,
        processes_in_table: processes,
        e3_kills_per_item: (!e3_kills.is_empty()).then(|| percentile(&e3_kills, 0.5)),
        quick: opts.quick,
    };
    bar.finish_and_clear();
    if let Some(dir) = &opts.out_dir {
        std::fs::create_dir_all(dir)?;
        std::fs::write(dir.join("kernel.html"), report.render_html())?;
        std::fs::write(dir.join("kernel.json"), report.render_json())?;
        if opts.progress {
            eprintln!("wrote {}/kernel.html and kernel.json", dir.display());
        }
    }
    Ok(report)
}

/// Runs each experiment `(e, n)` once in a fresh suite (the probe binary's
/// body; under callgrind only the `bench_loop_*` functions are collected).
pub fn run_probe(plan: &[(Experiment, u64)]) -> Result<()> {
    let mut s = suite(1)?;
    for &(e, n) in plan {
        s.run(e, n)?;
    }
    Ok(())
}

/// The benchmark's self-check: runs every experiment with `n` operations and
/// verifies the operations did what they should (E1 bytes arrive, E2
/// handler count, E3 items in order, E4 file bytes, E5 distinct writable
/// blocks, E6 the call message decodes back to the arguments and the call
/// returns the expected result).
pub fn self_check(n: u64) -> Result<()> {
    let mut s = suite(1)?;
    s.check_regions(64)?;
    for e in Experiment::ALL {
        s.run(e, n)?;
    }
    s.set_rpc_capture(true);
    s.run(Experiment::E6Call, 1)?;
    let msg = s.rpc_captured().to_vec();
    exp::check_call_message(&msg, &s.rpc)?;
    Ok(())
}
