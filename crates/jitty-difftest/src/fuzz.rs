//! fuzz mode: random IR programs ([`crate::testgen::generate_program`]) run
//! natively, on `lli-22` and on each engine, compared.
//!
//! For each seed the generated `.ll` is compiled by `clang-22 -O0` into a
//! native executable, whose run is the oracle. `lli-22` and every engine
//! under test run the `.ll`; stdout and exit status must equal native's. The
//! programs are UB-free by construction, so `lli-22` disagreeing with native
//! is a generator bug, and is reported like any failure. A run killed by a
//! signal, a timeout or an engine error is a failure.
//!
//! When a run disagrees with the oracle, the seed is also built at `-O2`:
//! a UB-free program means the same at every level, so if the two native
//! builds disagree the oracle is a miscompile (clang-22 `-O0` computes one
//! lane of `llvm.fshl.v3i32` wrongly, seed 350). A run that agrees with the
//! `-O2` build is then skipped with that reason; one that agrees with
//! neither build still fails. A failing seed's
//! `.ll` is kept as `DIR/seedN.ll` (default `target/difftest-fuzz/`), and
//! the failure names the seed and the file.

use crate::compare::{Verdict, compare};
use crate::engine::EngineSpec;
use crate::report::{Progress, Summary};
use crate::run::{Status, run};
use crate::testgen::generate_program;
use crate::tools::{self, Tools};
use crate::{Result, err};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Options of a fuzz run.
#[derive(Debug, Clone)]
pub struct FuzzConfig {
    /// Seeds to try.
    pub seeds: Vec<u64>,
    /// Engines under test (besides `lli-22`).
    pub engines: Vec<EngineSpec>,
    /// Also run `lli-22` against native (checks the generator).
    pub lli: bool,
    /// Parallel jobs.
    pub jobs: usize,
    /// Timeout of each run.
    pub timeout: Duration,
    /// Where failing programs are saved, and the work directory under it.
    pub out_dir: PathBuf,
    /// Print every command.
    pub verbose: bool,
}

impl FuzzConfig {
    /// Defaults: seeds `1..=100`, `lli-22` on, 20 s timeout, failures in
    /// `ROOT/target/difftest-fuzz`.
    pub fn new(root: &Path, engines: Vec<EngineSpec>) -> FuzzConfig {
        FuzzConfig {
            seeds: (1..=100).collect(),
            engines,
            lli: true,
            jobs: crate::pool::default_jobs(),
            timeout: Duration::from_secs(20),
            out_dir: root.join("target/difftest-fuzz"),
            verbose: false,
        }
    }
}

/// Runs every seed natively, on `lli-22` and on each engine; prints progress
/// and the summary.
pub fn run_fuzz(cfg: &FuzzConfig, tools: &Tools) -> Result<Summary> {
    tools::require(&tools.clang, "--version")?;
    let mut engines = Vec::new();
    if cfg.lli {
        tools::require(&tools.lli, "--version")?;
        engines.push(EngineSpec::parse(&format!("lli={}", tools.lli))?);
    }
    engines.extend(cfg.engines.iter().cloned());
    if engines.is_empty() {
        return Err(err!("no engine given"));
    }
    let libstd = if engines.iter().any(EngineSpec::needs_libstd) { tools::libstd_so(&tools.rustc).ok() } else { None };
    let work = cfg.out_dir.join("work");
    std::fs::create_dir_all(&work).map_err(|e| err!("{}: {e}", work.display()))?;
    let total = cfg.seeds.len() * engines.len();
    println!(
        "fuzz: {} seeds x {} engines = {} cases ({} jobs, timeout {:?}); oracle: {} -O0 native",
        cfg.seeds.len(),
        engines.len(),
        total,
        cfg.jobs,
        cfg.timeout,
        tools.clang
    );
    for e in &engines {
        println!("engine {:?}: {}", e.label, e.words().join(" "));
    }
    let progress = Progress::new(total, cfg.verbose);
    let n_eng = engines.len();
    crate::pool::map(cfg.jobs, cfg.seeds.clone(), |seed| {
        let unit = format!("seed {seed}");
        let ll = work.join(format!("seed{seed}.ll"));
        let exe = work.join(format!("seed{seed}"));
        let keep = || {
            let saved = cfg.out_dir.join(format!("seed{seed}.ll"));
            let _ = std::fs::copy(&ll, &saved);
            saved
        };
        let clean = || {
            let _ = std::fs::remove_file(&ll);
            let _ = std::fs::remove_file(&exe);
        };
        if let Err(e) = std::fs::write(&ll, generate_program(seed)) {
            progress.skip(&unit, n_eng, &format!("cannot write {}: {e}", ll.display()));
            return;
        }
        let p = |x: &Path| x.to_string_lossy().into_owned();
        let args = vec!["-O0".into(), "-w".into(), p(&ll), "-o".into(), p(&exe), "-lm".into()];
        let cc = run(&tools.clang, &args, Duration::from_secs(120), None);
        if !cc.status.success() {
            let saved = keep();
            for e in &engines {
                progress.error(
                    &format!("{unit} [{}]", e.label),
                    &format!(
                        "clang rejects the program (generator bug): {}\nsaved: {}",
                        cc.stderr_head(400),
                        saved.display()
                    ),
                );
            }
            clean();
            return;
        }
        let native = run(&p(&exe), &[], cfg.timeout, None);
        if !matches!(native.status, Status::Exited(_)) {
            let saved = keep();
            for e in &engines {
                progress.error(
                    &format!("{unit} [{}]", e.label),
                    &format!("native run: {} (generator bug)\nsaved: {}", native.status, saved.display()),
                );
            }
            clean();
            return;
        }
        let runs: Vec<_> = engines
            .iter()
            .filter_map(|eng| {
                let name = format!("{unit} [{}]", eng.label);
                let run = eng.run_against(&name, &ll, libstd.as_deref(), cfg.timeout, &native, &progress)?;
                Some((name, run))
            })
            .collect();
        // A second oracle, built only when the first is contradicted: the
        // `-O2` run, kept when it disagrees with the `-O0` one.
        let disputed = runs
            .iter()
            .any(|(_, (_, _, v))| !v.passed())
            .then(|| {
                let exe2 = work.join(format!("seed{seed}-O2"));
                let args = vec!["-O2".into(), "-w".into(), p(&ll), "-o".into(), p(&exe2), "-lm".into()];
                let built = run(&tools.clang, &args, Duration::from_secs(120), None).status.success();
                let o2 = built.then(|| run(&p(&exe2), &[], cfg.timeout, None));
                let _ = std::fs::remove_file(&exe2);
                o2.filter(|o2| matches!(o2.status, Status::Exited(_)) && !compare(&native, o2).passed())
            })
            .flatten();
        let mut failed = false;
        for (name, (cmd, out, mut verdict)) in runs {
            if let (Verdict::Fail(_), Some(o2)) = (&verdict, &disputed)
                && compare(o2, &out).passed()
            {
                let saved = keep();
                let why = format!(
                    "clang-22 -O0 and -O2 builds of this UB-free program disagree (a miscompile: no oracle); \
                     this run agrees with -O2; saved: {}",
                    saved.display()
                );
                progress.skip(&name, 1, &why);
                continue;
            }
            if let Verdict::Fail(why) = &mut verdict {
                failed = true;
                let saved = cfg.out_dir.join(format!("seed{seed}.ll"));
                why.push(format!("seed {seed}, program saved as {}", saved.display()));
                why.push(format!("reproduce: {}", cmd.to_string().replace(&p(&ll), &p(&saved))));
            }
            progress.case(&name, &verdict, out.elapsed.as_secs_f64() * 1e3);
        }
        if failed {
            keep();
        }
        clean();
    });
    Ok(progress.finish())
}
