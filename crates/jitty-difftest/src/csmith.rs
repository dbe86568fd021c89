//! csmith mode: random C programs, compiled by clang natively and to IR.
//!
//! For each seed: `csmith --seed S` writes a program that prints
//! `checksum = XXXXXXXX`; for each opt level it is compiled with
//! `clang -O{N} -w -I/usr/include/csmith` natively and with `-S -emit-llvm`
//! to `.ll` (vectorizer on: engines must handle vector code). The native run
//! is the oracle; a seed whose native run times out or crashes is skipped
//! (its cases count as skipped). An engine timeout is a failure.

use crate::cache::Cache;
use crate::compare::Verdict;
use crate::engine::EngineSpec;
use crate::report::{Progress, Summary};
use crate::run::{Status, run, run_tool};
use crate::tools::{self, Tools};
use crate::{Result, err};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Options of a csmith run.
#[derive(Debug, Clone)]
pub struct CsmithConfig {
    /// Seeds to try.
    pub seeds: Vec<u64>,
    /// clang opt levels.
    pub opts: Vec<u32>,
    /// Engines under test.
    pub engines: Vec<EngineSpec>,
    /// Parallel jobs.
    pub jobs: usize,
    /// Engine timeout (a timeout is a failure).
    pub timeout: Duration,
    /// Native timeout (a timeout skips the seed).
    pub native_timeout: Duration,
    /// Extra csmith options.
    pub csmith_args: Vec<String>,
    /// Extra clang options (e.g. `-fno-vectorize`).
    pub clang_args: Vec<String>,
    /// Where generated programs and builds are cached.
    pub cache_dir: PathBuf,
    /// Print extra detail.
    pub verbose: bool,
}

impl CsmithConfig {
    /// Defaults: seeds from `JITTY_CSMITH_SEEDS` (else `1..=50`), opt levels
    /// 0 and 2, 30 s engine timeout, 2 s native timeout.
    pub fn new(root: &Path, engines: Vec<EngineSpec>) -> Result<CsmithConfig> {
        let seeds = match std::env::var("JITTY_CSMITH_SEEDS") {
            Ok(s) if !s.trim().is_empty() => parse_seeds(&s)?,
            _ => (1..=50).collect(),
        };
        Ok(CsmithConfig {
            seeds,
            opts: vec![0, 2],
            engines,
            jobs: crate::pool::default_jobs(),
            timeout: Duration::from_secs(30),
            native_timeout: Duration::from_secs(2),
            csmith_args: Vec::new(),
            clang_args: Vec::new(),
            cache_dir: tools::cache_dir(root),
            verbose: false,
        })
    }
}

/// Parses a seed list: comma-separated items, each `N`, `A..B` (B excluded)
/// or `A..=B` (B included).
pub fn parse_seeds(s: &str) -> Result<Vec<u64>> {
    let num = |t: &str| t.trim().parse::<u64>().map_err(|_| err!("bad seed {t:?} in {s:?}"));
    let mut seeds = Vec::new();
    for item in s.split(',').map(str::trim).filter(|i| !i.is_empty()) {
        if let Some((a, b)) = item.split_once("..=") {
            seeds.extend(num(a)?..=num(b)?);
        } else if let Some((a, b)) = item.split_once("..") {
            seeds.extend(num(a)?..num(b)?);
        } else {
            seeds.push(num(item)?);
        }
    }
    if seeds.is_empty() {
        return Err(err!("empty seed list {s:?}"));
    }
    Ok(seeds)
}

/// Generates the program of `seed` (cached).
pub fn generate(tools: &Tools, cache: &Cache, csmith_version: &str, seed: u64, extra: &[String]) -> Result<PathBuf> {
    let key = format!("{seed} {}", extra.join(" "));
    let entry = cache.entry("csmith", &format!("seed{seed}"), &[key.as_bytes(), csmith_version.as_bytes()])?;
    let name = format!("seed{seed}.c");
    let c = entry.file(&name);
    if !entry.hit {
        let staged = entry.staging_file(&name);
        let mut args = vec!["--seed".to_string(), seed.to_string(), "-o".into(), staged.to_string_lossy().into_owned()];
        args.extend(extra.iter().cloned());
        run_tool(&tools.csmith, &args, Duration::from_secs(60))?;
        entry.commit()?;
    }
    Ok(c)
}

/// A C program compiled natively and to IR with the same flags.
#[derive(Debug, Clone)]
pub struct BuiltC {
    /// Native executable.
    pub native: PathBuf,
    /// `.ll` file.
    pub ll: PathBuf,
}

/// Compiles C `src` with `clang -O{opt} FLAGS` natively and to `.ll` (cached).
///
/// `native_only` are further C sources compiled and linked into the native
/// executable alone (the bench's run-time probe); the `.ll` is `src`'s. Their
/// bytes are part of the cache key, and an entry with them is named
/// `STEM-O{opt}-probed`, apart from the plain entries the differential tests
/// use.
pub fn build_c(
    tools: &Tools,
    cache: &Cache,
    clang_version: &str,
    src: &Path,
    opt: u32,
    flags: &[String],
    native_only: &[&Path],
) -> Result<BuiltC> {
    let read = |p: &Path| std::fs::read(p).map_err(|e| err!("{}: {e}", p.display()));
    let source = read(src)?;
    let extra = native_only.iter().map(|p| read(p)).collect::<Result<Vec<_>>>()?;
    let stem = src.file_stem().and_then(|s| s.to_str()).unwrap_or("prog");
    let key = flags.join(" ");
    let opt_byte = [opt as u8];
    let mut parts: Vec<&[u8]> = vec![&source, key.as_bytes(), &opt_byte, clang_version.as_bytes()];
    parts.extend(extra.iter().map(Vec::as_slice));
    let suffix = if native_only.is_empty() { "" } else { "-probed" };
    let entry = cache.entry("c", &format!("{stem}-O{opt}{suffix}"), &parts)?;
    let ll_name = format!("{stem}.ll");
    let built = BuiltC { native: entry.file("native"), ll: entry.file(&ll_name) };
    if !entry.hit {
        let path = |p: &Path| p.to_string_lossy().into_owned();
        let mut base = vec![format!("-O{opt}")];
        base.extend(flags.iter().cloned());
        base.push(path(src));
        let mut native = base.clone();
        native.extend(native_only.iter().map(|p| path(p)));
        native.extend(["-o".into(), path(&entry.staging_file("native")), "-lm".into()]);
        run_tool(&tools.clang, &native, Duration::from_secs(300))?;
        let mut ir = base;
        ir.extend(["-S".into(), "-emit-llvm".into(), "-o".into(), path(&entry.staging_file(&ll_name))]);
        run_tool(&tools.clang, &ir, Duration::from_secs(300))?;
        entry.commit()?;
    }
    Ok(built)
}

/// The clang flags of csmith programs: `-w -I<csmith include>` plus extras.
pub fn csmith_clang_flags(tools: &Tools, extra: &[String]) -> Vec<String> {
    let mut f = vec!["-w".to_string(), format!("-I{}", tools.csmith_include)];
    f.extend(extra.iter().cloned());
    f
}

/// Runs every seed against every engine and prints progress and the summary.
pub fn run_csmith(cfg: &CsmithConfig, tools: &Tools) -> Result<Summary> {
    if cfg.engines.is_empty() {
        return Err(err!("no engine given"));
    }
    let csmith_version = tools::require(&tools.csmith, "--version")?;
    let clang_version = tools::require(&tools.clang, "--version")?;
    let libstd =
        if cfg.engines.iter().any(EngineSpec::needs_libstd) { tools::libstd_so(&tools.rustc).ok() } else { None };
    let cache = Cache::new(&cfg.cache_dir);
    let flags = csmith_clang_flags(tools, &cfg.clang_args);
    let total = cfg.seeds.len() * cfg.opts.len() * cfg.engines.len();
    println!(
        "csmith: {} seeds x {} opt levels x {} engines = {} cases ({} jobs, engine timeout {:?}, native timeout {:?})",
        cfg.seeds.len(),
        cfg.opts.len(),
        cfg.engines.len(),
        total,
        cfg.jobs,
        cfg.timeout,
        cfg.native_timeout
    );
    for e in &cfg.engines {
        println!("engine {:?}: {}", e.label, e.words().join(" "));
    }
    let progress = Progress::new(total, cfg.verbose);
    let n_eng = cfg.engines.len();
    crate::pool::map(cfg.jobs, cfg.seeds.clone(), |seed| {
        let src = match generate(tools, &cache, &csmith_version, seed, &cfg.csmith_args) {
            Ok(s) => s,
            Err(e) => {
                progress.skip(&format!("seed {seed}"), cfg.opts.len() * n_eng, &format!("csmith failed: {e}"));
                return;
            }
        };
        for &opt in &cfg.opts {
            let unit = format!("seed {seed} O{opt}");
            let built = match build_c(tools, &cache, &clang_version, &src, opt, &flags, &[]) {
                Ok(b) => b,
                Err(e) => {
                    progress.skip(&unit, n_eng, &format!("clang failed: {}", e.message().lines().next().unwrap_or("")));
                    continue;
                }
            };
            // A native timeout is remembered next to the build, so re-runs
            // with the same or a shorter limit skip the seed at once.
            let limit_ms = cfg.native_timeout.as_millis() as u64;
            let marker = built.native.with_file_name("native-timeout-ms");
            let known = std::fs::read_to_string(&marker).ok().and_then(|t| t.trim().parse::<u64>().ok());
            if known.is_some_and(|ms| ms >= limit_ms) {
                progress.skip(&unit, n_eng, "native timeout (cached)");
                continue;
            }
            let native = run(&built.native.to_string_lossy(), &[], cfg.native_timeout, None);
            if native.status == Status::TimedOut {
                let _ = std::fs::write(&marker, limit_ms.to_string());
            }
            if matches!(native.status, Status::Signaled(_) | Status::TimedOut | Status::SpawnFailed) {
                progress.skip(&unit, n_eng, &format!("native {}", native.status));
                continue;
            }
            for eng in &cfg.engines {
                let name = format!("{unit} [{}]", eng.label);
                let Some((cmd, out, mut verdict)) =
                    eng.run_against(&name, &built.ll, libstd.as_deref(), cfg.timeout, &native, &progress)
                else {
                    continue;
                };
                if let Verdict::Fail(why) = &mut verdict {
                    why.push(format!("reproduce: {cmd}"));
                    why.push(format!("source: {}", src.display()));
                }
                progress.case(&name, &verdict, out.elapsed.as_secs_f64() * 1e3);
            }
        }
    });
    Ok(progress.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn seed_lists() {
        assert_eq!(parse_seeds("1..4").unwrap(), [1, 2, 3]);
        assert_eq!(parse_seeds("1..=4").unwrap(), [1, 2, 3, 4]);
        assert_eq!(parse_seeds("7, 9..=10,20").unwrap(), [7, 9, 10, 20]);
        assert!(parse_seeds("x").is_err());
        assert!(parse_seeds("").is_err());
        assert!(parse_seeds("5..5").is_err());
    }
}
