//! Corpus mode: the Rust programs in `tests/corpus/rust/NN_name.rs`.
//!
//! Each program is built once per opt level by a single rustc invocation
//! that emits both the native executable and the `.ll` of the same
//! compilation:
//!
//! ```text
//! rustc --edition=2021 -C opt-level=N -C panic=abort -C codegen-units=1 \
//!       --crate-type=bin -C link-arg=-lc -C link-arg=-lm \
//!       --emit=link=native,llvm-ir=prog.ll FILE.rs
//! ```
//!
//! The native executable is the oracle; every engine runs `prog.ll` with the
//! same arguments ([`PROGRAM_ARGS`]). A case is one (program, opt level,
//! engine) triple.

use crate::cache::Cache;
use crate::compare::{Verdict, compare};
use crate::engine::EngineSpec;
use crate::report::{Progress, Summary};
use crate::run::{Status, run, run_tool_in};
use crate::tools::{self, Tools};
use crate::{Result, err};
use std::path::{Path, PathBuf};
use std::time::Duration;

/// The arguments every corpus program gets (after `argv[0]`).
pub const PROGRAM_ARGS: [&str; 2] = ["alpha", "beta-42"];

/// Options of a corpus run.
#[derive(Debug, Clone)]
pub struct CorpusConfig {
    /// Directory of the programs (default `ROOT/tests/corpus/rust`).
    pub dir: PathBuf,
    /// Where compiled artifacts are cached.
    pub cache_dir: PathBuf,
    /// rustc opt levels.
    pub opts: Vec<u32>,
    /// Engines under test.
    pub engines: Vec<EngineSpec>,
    /// Parallel jobs.
    pub jobs: usize,
    /// Per-run timeout of an engine.
    pub timeout: Duration,
    /// Only programs whose file stem contains one of these (all if empty).
    pub filter: Vec<String>,
    /// Print extra detail (commands run).
    pub verbose: bool,
}

impl CorpusConfig {
    /// Defaults for the workspace at `root`: opt levels 0 and 2, 2 jobs, 60 s.
    pub fn new(root: &Path, engines: Vec<EngineSpec>) -> CorpusConfig {
        CorpusConfig {
            dir: root.join("tests/corpus/rust"),
            cache_dir: tools::cache_dir(root),
            opts: vec![0, 2],
            engines,
            jobs: crate::pool::default_jobs(),
            timeout: Duration::from_secs(60),
            filter: Vec::new(),
            verbose: false,
        }
    }
}

/// The corpus programs in `dir`: files named `NN_name.rs`, sorted.
pub fn discover(dir: &Path) -> Result<Vec<PathBuf>> {
    let mut progs: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| err!("{}: {e}", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| is_program_name(p.file_name().and_then(|n| n.to_str()).unwrap_or("")))
        .collect();
    progs.sort();
    Ok(progs)
}

/// Whether a file name has the corpus form `NN_name.rs` (digits, `_`, name).
pub fn is_program_name(name: &str) -> bool {
    let Some(stem) = name.strip_suffix(".rs") else { return false };
    let digits = stem.chars().take_while(char::is_ascii_digit).count();
    digits > 0 && stem[digits..].starts_with('_') && stem.len() > digits + 1
}

/// A built program: native executable and IR of one compilation.
#[derive(Debug, Clone)]
pub struct Built {
    /// The native executable.
    pub native: PathBuf,
    /// The `.ll` file.
    pub ll: PathBuf,
}

/// The rustc flags of every Rust build of the corpora at `opt`: one
/// codegen unit, so one `.ll` per crate, and `panic=abort`, so no unwinding.
pub(crate) fn rustc_flags(edition: &str, opt: u32) -> Vec<String> {
    vec![
        format!("--edition={edition}"),
        "-C".into(),
        format!("opt-level={opt}"),
        "-C".into(),
        "panic=abort".into(),
        "-C".into(),
        "codegen-units=1".into(),
    ]
}

/// Builds `src` at `opt` (cached by source hash, opt level and rustc version).
pub fn build(tools: &Tools, cache: &Cache, rustc_version: &str, src: &Path, opt: u32) -> Result<Built> {
    let source = std::fs::read(src).map_err(|e| err!("{}: {e}", src.display()))?;
    let stem = src.file_stem().and_then(|s| s.to_str()).unwrap_or("prog");
    let args = |native: &Path, ll: &Path| -> Vec<String> {
        let mut a = rustc_flags("2021", opt);
        a.extend([
            "--crate-type=bin".into(),
            "-C".into(),
            "link-arg=-lc".into(),
            "-C".into(),
            "link-arg=-lm".into(),
            format!("--emit=link={},llvm-ir={}", native.display(), ll.display()),
        ]);
        a
    };
    let flags = args(Path::new("N"), Path::new("L")).join(" ");
    let entry =
        cache.entry("rust", &format!("{stem}-O{opt}"), &[&source, flags.as_bytes(), rustc_version.as_bytes()])?;
    let ll_name = format!("{stem}.ll");
    let built = Built { native: entry.file("native"), ll: entry.file(&ll_name) };
    if !entry.hit {
        let (native, ll) = (entry.staging_file("native"), entry.staging_file(&ll_name));
        let mut a = args(&native, &ll);
        let src = std::path::absolute(src)?;
        a.push(src.to_string_lossy().into_owned());
        // rustc puts intermediate objects next to `-o`, or into the current
        // directory without it: keep both inside the private staging dir.
        a.push("-o".into());
        a.push(native.to_string_lossy().into_owned());
        run_tool_in(&tools.rustc, &a, Duration::from_secs(300), native.parent())?;
        entry.commit()?;
    }
    Ok(built)
}

/// Runs the corpus against every engine and prints progress and the summary.
pub fn run_corpus(cfg: &CorpusConfig, tools: &Tools) -> Result<Summary> {
    if cfg.engines.is_empty() {
        return Err(err!("no engine given"));
    }
    let rustc_version = tools::require(&tools.rustc, "-vV")?;
    let libstd =
        if cfg.engines.iter().any(EngineSpec::needs_libstd) { Some(tools::libstd_so(&tools.rustc)?) } else { None };
    let cache = Cache::new(&cfg.cache_dir);
    let programs: Vec<PathBuf> = discover(&cfg.dir)?
        .into_iter()
        .filter(|p| {
            let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("");
            cfg.filter.is_empty() || cfg.filter.iter().any(|f| stem.contains(f.as_str()))
        })
        .collect();
    if programs.is_empty() {
        return Err(err!("no corpus programs in {} match", cfg.dir.display()));
    }
    let units: Vec<(PathBuf, u32)> =
        programs.iter().flat_map(|p| cfg.opts.iter().map(move |&o| (p.clone(), o))).collect();
    println!(
        "corpus: {} programs x {} opt levels x {} engines = {} cases ({} jobs)",
        programs.len(),
        cfg.opts.len(),
        cfg.engines.len(),
        units.len() * cfg.engines.len(),
        cfg.jobs
    );
    for e in &cfg.engines {
        println!("engine {:?}: {}", e.label, e.words().join(" "));
    }
    let progress = Progress::new(units.len() * cfg.engines.len(), cfg.verbose);
    let args: Vec<String> = PROGRAM_ARGS.iter().map(|s| s.to_string()).collect();
    crate::pool::map(cfg.jobs, units, |(src, opt)| {
        let stem = src.file_stem().and_then(|s| s.to_str()).unwrap_or("?").to_string();
        let case = |e: &EngineSpec| format!("{stem} O{opt} [{}]", e.label);
        let built = match build(tools, &cache, &rustc_version, &src, opt) {
            Ok(b) => b,
            Err(e) => {
                for eng in &cfg.engines {
                    progress.error(&case(eng), &format!("build failed: {e}"));
                }
                return;
            }
        };
        let native = run(&built.native.to_string_lossy(), &args, Duration::from_secs(20), None);
        if matches!(native.status, Status::Signaled(_) | Status::TimedOut | Status::SpawnFailed) {
            for eng in &cfg.engines {
                progress
                    .error(&case(eng), &format!("native run failed ({}): {}", native.status, native.stderr_head(200)));
            }
            return;
        }
        for eng in &cfg.engines {
            let cmd = match eng.command(&built.ll, &args, libstd.as_deref()) {
                Ok(c) => c,
                Err(e) => {
                    progress.error(&case(eng), &e.to_string());
                    continue;
                }
            };
            progress.note(&format!("{}: {cmd}", case(eng)));
            let out = run(&cmd.program, &cmd.args, cfg.timeout, None);
            let mut verdict = compare(&native, &out);
            if let Verdict::Fail(why) = &mut verdict {
                why.push(format!("reproduce: {cmd}"));
            }
            progress.case(&case(eng), &verdict, out.elapsed.as_secs_f64() * 1e3);
        }
    });
    Ok(progress.finish())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn program_names() {
        assert!(is_program_name("01_ints.rs"));
        assert!(is_program_name("123_a.rs"));
        assert!(!is_program_name("prelude.rs"));
        assert!(!is_program_name("01_.rs"));
        assert!(!is_program_name("01ints.rs"));
        assert!(!is_program_name("01_ints.ll"));
    }
}
