//! Programs mode: well-known C programs (Lua, SQLite, zlib, bzip2,
//! QuickJS, LZ4, Mbed TLS, and CoreMark ported to Rust) built by clang (rustc) and run natively and on each engine. Lua is built
//! twice: as released (`lua`, computed-goto dispatch) and with its `switch`
//! dispatch (`lua-switch`), so that a missing computed goto does not hide the
//! rest. QuickJS runs its own test suite (`run-test262 -c tests.conf`, the
//! runner and the tests of its release) and the repository's scripts; LZ4
//! runs its own frame-format tester (`tests/frametest.c`, as `make test`
//! does under valgrind: 256 random tests) with fixed seeds; Mbed TLS runs
//! its self-test program and three of its unit-test suites (bignum, elliptic
//! curves, AES-GCM), generated from its own test data.
//!
//! The third-party sources are not in the repository: `scripts/fetch-corpus.sh`
//! fetches them, pinned by version and sha256, into `target/corpus-src/`
//! ([`ProgramsConfig::src_dir`]). The small `main`s and the Lua scripts are
//! in `tests/programs/` ([`catalogue`]).
//!
//! Each program is built per opt level by clang with the same flags twice:
//!
//! ```text
//! clang -O{N} FLAGS SRC... -o native -lm                 (the oracle)
//! clang -O{N} FLAGS -S -emit-llvm SRC -o SRC.ll          (each file)
//! llvm-link -S SRC.ll... -o PROG.ll                     (one module)
//! ```
//!
//! where FLAGS are only the `-I`/`-D` the sources need. A program has one or
//! more runs (argv; stdin is `/dev/null` everywhere); each run's native
//! output is compared with every engine's: stdout bytes and exit status must
//! match. A case is (run, opt level, engine) and ends as one [`Cell`]:
//! pass, FAIL (a mismatch, a signal, a timeout: any crash of the engine is a
//! failure) or unsupported (the engine refused the program cleanly: exit 125
//! with a `jitty:` line naming an unsupported construct). Every case's wall
//! time is kept, and [`ProgramsReport::matrix`] prints program × opt ×
//! engine with them.
//!
//! A list of known failures ([`parse_known`], `tests/programs/known-failures.txt`)
//! marks cases that are expected not to pass yet, with the reason; such a
//! case is still shown, but only a non-passing case that is not listed makes
//! [`ProgramsReport::unexpected`] non-zero. A listed case that passes is
//! reported so that its line can be removed.

use crate::cache::Cache;
use crate::compare::{ENGINE_ERROR_STATUS, Verdict, compare};
use crate::engine::EngineSpec;
use crate::run::{Output, Status, run, run_tool, run_tool_env, run_tool_in, truncate};
use crate::tools::{self, Tools};
use crate::{Result, err};
use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::io::Write as _;
use std::path::{Path, PathBuf};
use std::sync::Mutex;
use std::time::Duration;

/// One invocation of a program: a name for reports and its argv[1..].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ProgramRun {
    /// `program` or `program:variant` (e.g. `lua:coroutines`).
    pub name: String,
    /// The arguments after argv[0].
    pub args: Vec<String>,
}

/// A program of the corpus: its sources, the flags they need, its runs.
#[derive(Debug, Clone)]
pub struct Program {
    /// Short name (`zlib`, `lua`, ...).
    pub name: String,
    /// How it is built.
    pub lang: Lang,
    /// The source files (see [`Lang`]).
    pub sources: Vec<PathBuf>,
    /// Only what the sources need: `-I`, `-D` (C).
    pub flags: Vec<String>,
    /// The runs; each is compared on its own.
    pub runs: Vec<ProgramRun>,
}

impl Program {
    /// A C program.
    fn c(name: &str, sources: Vec<PathBuf>, flags: Vec<String>, runs: Vec<ProgramRun>) -> Program {
        Program { name: name.into(), lang: Lang::C, sources, flags, runs }
    }
}

/// The language of a program, which decides how it is built.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Lang {
    /// C: every source compiled by clang with the program's flags, and
    /// linked together.
    C,
    /// Rust: `sources[0]` is the `lib.rs` of a library crate named
    /// `krate`, of edition `edition`, compiled with `env` set (what its
    /// build script would set), and `sources[1]` a driver (`fn main`,
    /// edition 2021) that uses it. rustc builds both, natively and to IR
    /// (the same compilations, as the Rust corpus does), and llvm-link
    /// joins the two `.ll`.
    Rust {
        /// The library's crate name.
        krate: String,
        /// The library's edition.
        edition: String,
        /// Variables set while the library compiles.
        env: Vec<(String, String)>,
    },
}

/// The pinned source directories inside the fetched tree (see
/// `scripts/fetch-corpus.sh`, which pins the same versions).
const ZLIB_DIR: &str = "libz-sys-1.1.33/src/zlib";
const BZIP2_DIR: &str = "bzip2-sys-0.1.13+1.0.8/bzip2-1.0.8";
const SQLITE_DIR: &str = "libsqlite3-sys-0.40.0/sqlite3";
const LUA_DIR: &str = "lua-src-551.1.0/lua-5.4.9";
const QUICKJS_DIR: &str = "rquickjs-sys-0.14.0/quickjs";
const LZ4_DIR: &str = "lz4-sys-1.11.1+lz4-1.10.0/liblz4";
const MBEDTLS_DIR: &str = "mbedtls-sys-auto-2.28.15/vendor";
const COREMARK_DIR: &str = "coremark-1.0.0";
/// The Mbed TLS unit-test suites run, generated by `scripts/fetch-corpus.sh`
/// (its `mbedtls_suites` names the same) into `MBEDTLS_DIR/jitty-suites`.
const MBEDTLS_SUITES: [&str; 3] = ["bignum.generated", "ecp", "gcm.aes128_en"];

/// The programs: third-party sources under `src` (the fetched tree) and the
/// repository's drivers and scripts under `root/tests/programs`.
pub fn catalogue(root: &Path, src: &Path) -> Result<Vec<Program>> {
    let own = root.join("tests/programs");
    let files = |dir: &str, names: &[&str]| -> Vec<PathBuf> {
        names.iter().map(|n| src.join(dir).join(format!("{n}.c"))).collect()
    };
    let include = |dir: &str| format!("-I{}", src.join(dir).display());
    let single = |name: &str| vec![ProgramRun { name: name.to_string(), args: Vec::new() }];

    let mut zlib = vec![own.join("zlib/zlib_main.c")];
    zlib.extend(files(
        ZLIB_DIR,
        &[
            "adler32", "compress", "crc32", "deflate", "infback", "inffast", "inflate", "inftrees", "trees", "uncompr",
            "zutil",
        ],
    ));
    let mut bzip2 = vec![own.join("bzip2/bzip2_main.c")];
    bzip2.extend(files(
        BZIP2_DIR,
        &["blocksort", "huffman", "crctable", "randtable", "compress", "decompress", "bzlib"],
    ));
    let sqlite = vec![own.join("sqlite/sqlite_main.c"), src.join(SQLITE_DIR).join("sqlite3.c")];

    // Lua: every library file of the release, and the driver.
    let lua_dir = src.join(LUA_DIR);
    let mut lua = vec![own.join("lua/lua_main.c")];
    lua.extend(sorted_files(&lua_dir, ".c")?);
    let scripts = sorted_files(&own.join("lua/scripts"), ".lua")?;
    let lua_runs = |prefix: &str| -> Vec<ProgramRun> {
        scripts
            .iter()
            .map(|p| {
                let stem = p.file_stem().and_then(|s| s.to_str()).unwrap_or("?");
                ProgramRun { name: format!("{prefix}:{stem}"), args: vec![p.to_string_lossy().into_owned()] }
            })
            .collect()
    };
    let lua_flags = vec![include(LUA_DIR), "-DLUA_USE_LINUX".to_string()];
    // The same Lua with its `switch` dispatch instead of the computed-goto
    // table (`LUA_USE_JUMPTABLE=0`): it runs the scripts past a missing
    // `blockaddress`/`indirectbr`, so what else fails shows on its own.
    let mut switch_flags = lua_flags.clone();
    switch_flags.push("-DLUA_USE_JUMPTABLE=0".into());

    // QuickJS: the engine with its libc and its test runner, which runs a
    // directory of tests named by a config file: the release's own
    // (`tests.conf`: tests/*.js) and the repository's (`jitty.conf`:
    // tests/programs/quickjs/scripts/*.js). Failures go to stdout, and the
    // exit status is 1, so both are compared with the native run's.
    let mut quickjs =
        files(QUICKJS_DIR, &["run-test262", "dtoa", "libregexp", "libunicode", "quickjs", "quickjs-libc"]);
    quickjs.sort();
    let quickjs_flags = vec![include(QUICKJS_DIR), "-D_GNU_SOURCE".into(), "-DQJS_BUILD_LIBC".into()];
    let config_run = |name: &str, conf: PathBuf| ProgramRun {
        name: name.to_string(),
        args: vec!["-c".into(), conf.to_string_lossy().into_owned()],
    };
    let quickjs_runs = vec![
        config_run("quickjs:test-suite", src.join(QUICKJS_DIR).join("tests.conf")),
        config_run("quickjs:jitty", own.join("quickjs/jitty.conf")),
    ];

    // LZ4: the library and its frame-format tester, whose report goes to
    // stderr; a failed test exits non-zero.
    let lz4_lib = format!("{LZ4_DIR}/lib");
    let mut lz4 = files(&lz4_lib, &["lz4", "lz4hc", "lz4frame", "xxhash"]);
    lz4.push(src.join(LZ4_DIR).join("tests/frametest.c"));
    let lz4_flags = vec![include(&lz4_lib), include(&format!("{LZ4_DIR}/programs"))];
    let lz4_runs = ["1", "2"]
        .map(|seed| ProgramRun {
            name: format!("lz4:frametest-s{seed}"),
            args: vec!["-i256".into(), format!("-s{seed}")],
        })
        .to_vec();

    // Mbed TLS: the library in the repository's configuration (the default
    // one without its inline-assembly modules), its self-test program, and
    // some of its unit-test suites, each a program of the library, the
    // suites' helpers and the generated suite, run on its `.datax` file.
    let mbedtls_lib = sorted_files(&src.join(MBEDTLS_DIR).join("library"), ".c")?;
    let mbedtls_flags = vec![
        include(&format!("{MBEDTLS_DIR}/include")),
        include(&format!("{MBEDTLS_DIR}/tests/include")),
        include(&format!("{MBEDTLS_DIR}/library")),
        format!("-I{}", own.join("mbedtls").display()),
        "-DMBEDTLS_CONFIG_FILE=\"jitty_config.h\"".into(),
    ];
    let mut mbedtls = mbedtls_lib.clone();
    mbedtls.push(src.join(MBEDTLS_DIR).join("programs/test/selftest.c"));
    let mut mbedtls_helpers = mbedtls_lib;
    mbedtls_helpers.extend(sorted_files(&src.join(MBEDTLS_DIR).join("tests/src"), ".c")?);
    mbedtls_helpers.extend(sorted_files(&src.join(MBEDTLS_DIR).join("tests/src/drivers"), ".c")?);
    let suites_dir = src.join(MBEDTLS_DIR).join("jitty-suites");
    let suites: Vec<Program> = MBEDTLS_SUITES
        .iter()
        .map(|suite| {
            let mut sources = mbedtls_helpers.clone();
            sources.push(suites_dir.join(format!("test_suite_{suite}.c")));
            let data = suites_dir.join(format!("test_suite_{suite}.datax"));
            let run = ProgramRun { name: format!("mbedtls:{suite}"), args: vec![data.to_string_lossy().into_owned()] };
            Program::c(&format!("mbedtls-{suite}"), sources, mbedtls_flags.clone(), vec![run])
        })
        .collect();

    // CoreMark 1.0 ported to Rust (the `coremark` crate), driven by the
    // repository's `main`: the 2K performance and validation seeds.
    let coremark = Program {
        name: "coremark".into(),
        lang: Lang::Rust {
            krate: "coremark".into(),
            edition: "2024".into(),
            // What its build script sets; only its report's header, which
            // the driver does not print, shows them.
            env: [("COREMARK_RUSTC_VERSION", "rustc"), ("COREMARK_PROFILE", "release"), ("COREMARK_TARGET", "x86_64")]
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .to_vec(),
        },
        sources: vec![src.join(COREMARK_DIR).join("src/lib.rs"), own.join("coremark/coremark_main.rs")],
        flags: Vec::new(),
        runs: [("coremark:perf-2k", "0x0"), ("coremark:validation-2k", "0x3415")]
            .map(|(name, seed)| ProgramRun {
                name: name.into(),
                args: [seed, seed, "0x66", "100"].map(String::from).to_vec(),
            })
            .to_vec(),
    };

    let mut programs = vec![
        Program::c("zlib", zlib, vec![include(ZLIB_DIR)], single("zlib")),
        Program::c("bzip2", bzip2, vec![include(BZIP2_DIR)], single("bzip2")),
        Program::c("sqlite", sqlite, vec![include(SQLITE_DIR)], single("sqlite")),
        Program::c("lua", lua.clone(), lua_flags, lua_runs("lua")),
        Program::c("lua-switch", lua, switch_flags, lua_runs("lua-switch")),
        Program::c("quickjs", quickjs, quickjs_flags, quickjs_runs),
        Program::c("lz4", lz4, lz4_flags, lz4_runs),
        Program::c("mbedtls", mbedtls, mbedtls_flags.clone(), single("mbedtls:selftest")),
    ];
    programs.extend(suites);
    programs.push(coremark);
    Ok(programs)
}

/// Files of `dir` ending in `suffix`, sorted.
fn sorted_files(dir: &Path, suffix: &str) -> Result<Vec<PathBuf>> {
    let mut v: Vec<PathBuf> = std::fs::read_dir(dir)
        .map_err(|e| err!("{}: {e} (run scripts/fetch-corpus.sh?)", dir.display()))?
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.file_name().and_then(|n| n.to_str()).is_some_and(|n| n.ends_with(suffix)))
        .collect();
    v.sort();
    Ok(v)
}

/// Fetches the third-party sources with `scripts/fetch-corpus.sh` (a no-op
/// when they are present) and returns their directory.
pub fn fetch_sources(root: &Path, dest: &Path) -> Result<PathBuf> {
    let script = root.join("scripts/fetch-corpus.sh");
    run_tool(
        "bash",
        &[script.to_string_lossy().into_owned(), dest.to_string_lossy().into_owned()],
        Duration::from_secs(600),
    )?;
    Ok(dest.to_path_buf())
}

/// A program built at one opt level.
#[derive(Debug, Clone)]
pub struct BuiltProgram {
    /// The native executable.
    pub native: PathBuf,
    /// The linked `.ll`.
    pub ll: PathBuf,
}

/// Tool versions that key the build cache.
#[derive(Debug, Clone)]
pub struct Toolchain {
    /// `clang --version`.
    pub clang: String,
    /// `llvm-link --version`.
    pub link: String,
    /// `rustc -vV`.
    pub rustc: String,
}

/// Builds `prog` at `opt` natively and to one linked `.ll` (cached by the
/// sources' bytes, flags, opt level and tool versions).
pub fn build_program(tools: &Tools, tc: &Toolchain, cache: &Cache, prog: &Program, opt: u32) -> Result<BuiltProgram> {
    let mut key: Vec<Vec<u8>> = vec![
        prog.flags.join(" ").into_bytes(),
        vec![opt as u8],
        tc.clang.clone().into(),
        tc.link.clone().into(),
        format!("{:?}", prog.lang).into_bytes(),
    ];
    if matches!(prog.lang, Lang::Rust { .. }) {
        key.push(tc.rustc.clone().into());
    }
    for s in &prog.sources {
        key.push(s.to_string_lossy().into_owned().into_bytes());
        key.push(std::fs::read(s).map_err(|e| err!("{}: {e}", s.display()))?);
    }
    let parts: Vec<&[u8]> = key.iter().map(Vec::as_slice).collect();
    let entry = cache.entry("programs", &format!("{}-O{opt}", prog.name), &parts)?;
    let ll_name = format!("{}.ll", prog.name);
    let built = BuiltProgram { native: entry.file("native"), ll: entry.file(&ll_name) };
    if entry.hit {
        return Ok(built);
    }
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let timeout = Duration::from_secs(900);
    if let Lang::Rust { krate, edition, env } = &prog.lang {
        build_rust(tools, prog, opt, krate, edition, env, &entry, &ll_name)?;
        entry.commit()?;
        return Ok(built);
    }
    let mut native = vec![format!("-O{opt}")];
    native.extend(prog.flags.iter().cloned());
    native.extend(prog.sources.iter().map(|p| path(p)));
    native.extend(["-o".into(), path(&entry.staging_file("native")), "-lm".into()]);
    run_tool(&tools.clang, &native, timeout)?;
    let mut parts_ll = Vec::new();
    for (i, src) in prog.sources.iter().enumerate() {
        let stem = src.file_stem().and_then(|s| s.to_str()).unwrap_or("src");
        let out = entry.staging_file(&format!("part{i:03}-{stem}.ll"));
        let mut a = vec![format!("-O{opt}")];
        a.extend(prog.flags.iter().cloned());
        a.extend(["-S".into(), "-emit-llvm".into(), path(src), "-o".into(), path(&out)]);
        run_tool(&tools.clang, &a, timeout)?;
        parts_ll.push(out);
    }
    let mut link = vec!["-S".to_string()];
    link.extend(parts_ll.iter().map(|p| path(p)));
    link.extend(["-o".into(), path(&entry.staging_file(&ll_name))]);
    run_tool(&tools.llvm_link, &link, timeout)?;
    for p in parts_ll {
        let _ = std::fs::remove_file(p);
    }
    entry.commit()?;
    Ok(built)
}

/// [`build_program`] of a [`Lang::Rust`] program into `entry`'s staging
/// files `native` and `ll_name`.
#[allow(clippy::too_many_arguments)]
fn build_rust(
    tools: &Tools,
    prog: &Program,
    opt: u32,
    krate: &str,
    edition: &str,
    env: &[(String, String)],
    entry: &crate::cache::Entry,
    ll_name: &str,
) -> Result<()> {
    let [lib, driver] = prog.sources.as_slice() else {
        return Err(err!("{}: a Rust program is a library's lib.rs and a driver", prog.name));
    };
    let path = |p: &Path| p.to_string_lossy().into_owned();
    let timeout = Duration::from_secs(900);
    let staging = entry.staging_file("native");
    let dir = staging.parent().ok_or_else(|| err!("{}: no staging directory", prog.name))?;
    let rlib = entry.staging_file(&format!("lib{krate}.rlib"));
    let lib_ll = entry.staging_file("lib.ll");
    let mut a = crate::corpus::rustc_flags(edition, opt);
    // No bitcode in the rlib: it would come back as `module asm` in the IR.
    a.extend(["-C".into(), "embed-bitcode=no".into(), "--crate-type=rlib".into(), "--crate-name".into()]);
    a.extend([krate.to_string(), format!("--emit=link={},llvm-ir={}", path(&rlib), path(&lib_ll)), path(lib)]);
    run_tool_env(&tools.rustc, &a, env, timeout, Some(dir))?;
    let main_ll = entry.staging_file("main.ll");
    let mut a = crate::corpus::rustc_flags("2021", opt);
    a.extend(["--crate-type=bin".into(), "--extern".into(), format!("{krate}={}", path(&rlib))]);
    a.extend([format!("--emit=link={},llvm-ir={}", path(&staging), path(&main_ll)), path(driver)]);
    run_tool_in(&tools.rustc, &a, timeout, Some(dir))?;
    let link = vec!["-S".to_string(), path(&main_ll), path(&lib_ll), "-o".into(), path(&entry.staging_file(ll_name))];
    run_tool(&tools.llvm_link, &link, timeout)?;
    for p in [rlib, lib_ll, main_ll] {
        let _ = std::fs::remove_file(p);
    }
    Ok(())
}

/// How one case ended.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Cell {
    /// Same stdout and exit status as native.
    Pass,
    /// A mismatch, a crash, a timeout, or a build failure; the lines say which.
    Fail(Vec<String>),
    /// The engine refused the program cleanly (exit 125, `jitty: ...
    /// unsupported ...`); the reason is its `jitty:` line.
    Unsupported(String),
}

impl Cell {
    /// The whole text of a non-passing cell (empty for a pass).
    pub fn text(&self) -> String {
        match self {
            Cell::Pass => String::new(),
            Cell::Fail(why) => why.join("\n"),
            Cell::Unsupported(r) => r.clone(),
        }
    }

    /// A short form for the matrix: the gist of the first reason (the full
    /// text is in the details under the matrix).
    pub fn short(&self) -> String {
        match self {
            Cell::Pass => "pass".into(),
            Cell::Fail(why) => {
                let first = why.first().map(String::as_str).unwrap_or("?");
                let gist =
                    first.strip_prefix("status: native ").and_then(|s| s.split_once(", ")).map_or(first, |(_, e)| e);
                format!("FAIL({})", truncate(gist, 48))
            }
            Cell::Unsupported(r) => {
                // `a: b: c`: the part that says what is not supported, else
                // the last part (`...: vector getelementptr`).
                let parts: Vec<&str> = r.split(": ").collect();
                let gist =
                    parts.iter().find(|p| p.contains("not supported")).or(parts.last()).copied().unwrap_or(r.as_str());
                format!("unsupported({})", truncate(gist, 48))
            }
        }
    }
}

/// Classifies an engine run against the native run. A run whose output
/// matches still fails when the engine panicked where native did not: a
/// panic caught inside jitty (Cranelift refusing a function, which then runs
/// interpreted) prints a backtrace to stderr, which is not compared.
pub fn classify(native: &Output, engine: &Output) -> Cell {
    // The panic's line and the message under it.
    let panic = |o: &Output| -> Option<Vec<String>> {
        let text = String::from_utf8_lossy(&o.stderr);
        let mut lines = text.lines().skip_while(|l| !l.contains("panicked at"));
        let at = lines.next()?;
        Some(vec![format!("the engine panicked (output matched): {at}"), lines.next().unwrap_or("").to_string()])
    };
    match compare(native, engine) {
        Verdict::Pass => match (panic(engine), panic(native)) {
            (Some(why), None) => Cell::Fail(why),
            _ => Cell::Pass,
        },
        Verdict::Fail(mut why) => {
            if engine.status == Status::Exited(ENGINE_ERROR_STATUS)
                && native.status != engine.status
                && let Some(line) = jitty_line(&engine.stderr)
                && (line.contains("unsupported") || line.contains("not supported"))
            {
                return Cell::Unsupported(line.trim_start_matches("jitty:").trim().to_string());
            }
            if let Some(line) = jitty_line(&engine.stderr) {
                why.insert(1.min(why.len()), line);
            }
            Cell::Fail(why)
        }
    }
}

/// The first `jitty:` line of an engine's stderr.
fn jitty_line(stderr: &[u8]) -> Option<String> {
    String::from_utf8_lossy(stderr).lines().find(|l| l.starts_with("jitty:")).map(str::to_string)
}

/// An entry of the known-failures list: `RUN OPT ENGINE MATCH REASON`,
/// where RUN may end in `*` (a prefix) or be `*`, OPT is `O0`, `O2`... or
/// `*`, ENGINE is an engine label or `*` (each of RUN, OPT and ENGINE may
/// be a comma-separated list of such patterns), and MATCH is a word the failure's
/// text must contain (`*`: any failure), so that a listed case that starts
/// failing in another way is an unexpected failure again.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct KnownFailure {
    /// Run pattern.
    pub run: String,
    /// Opt pattern.
    pub opt: String,
    /// Engine pattern.
    pub engine: String,
    /// A word the failure's text must contain, or `*`.
    pub needle: String,
    /// Why the case is expected not to pass.
    pub reason: String,
}

impl KnownFailure {
    /// Whether the entry covers this case (whatever its outcome).
    pub fn covers(&self, run: &str, opt: u32, engine: &str) -> bool {
        let one = |p: &str, v: &str| p == "*" || p == v || p.strip_suffix('*').is_some_and(|pre| v.starts_with(pre));
        let pat = |p: &str, v: &str| p.split(',').any(|alt| one(alt, v));
        pat(&self.run, run) && pat(&self.opt, &format!("O{opt}")) && pat(&self.engine, engine)
    }

    /// Whether a case with this outcome is the known failure: covered, and
    /// either passing (reported as such) or failing with [`Self::needle`].
    pub fn explains(&self, run: &str, opt: u32, engine: &str, cell: &Cell) -> bool {
        self.covers(run, opt, engine)
            && match cell {
                Cell::Pass => true,
                _ => self.needle == "*" || cell.text().contains(&self.needle),
            }
    }
}

/// Parses a known-failures file: one entry a line, `#` starts a comment.
pub fn parse_known(text: &str) -> Result<Vec<KnownFailure>> {
    let mut v = Vec::new();
    for (i, line) in text.lines().enumerate() {
        let line = line.split('#').next().unwrap_or("").trim();
        if line.is_empty() {
            continue;
        }
        let mut w = line.split_whitespace();
        let (Some(run), Some(opt), Some(engine), Some(needle)) = (w.next(), w.next(), w.next(), w.next()) else {
            return Err(err!("known failures line {}: expected `RUN OPT ENGINE MATCH REASON`", i + 1));
        };
        let reason = w.collect::<Vec<_>>().join(" ");
        if reason.is_empty() {
            return Err(err!("known failures line {}: no reason given", i + 1));
        }
        v.push(KnownFailure { run: run.into(), opt: opt.into(), engine: engine.into(), needle: needle.into(), reason });
    }
    Ok(v)
}

/// Options of a programs run.
#[derive(Debug, Clone)]
pub struct ProgramsConfig {
    /// Workspace root.
    pub root: PathBuf,
    /// The fetched third-party sources (default `ROOT/target/corpus-src`).
    pub src_dir: PathBuf,
    /// Fetch the sources first (`scripts/fetch-corpus.sh`).
    pub fetch: bool,
    /// Where builds are cached.
    pub cache_dir: PathBuf,
    /// clang opt levels.
    pub opts: Vec<u32>,
    /// Engines under test.
    pub engines: Vec<EngineSpec>,
    /// Parallel jobs (builds and runs).
    pub jobs: usize,
    /// Timeout of each engine run (a timeout is a failure).
    pub timeout: Duration,
    /// Timeout of each native run.
    pub native_timeout: Duration,
    /// Only runs whose name contains one of these (all if empty).
    pub filter: Vec<String>,
    /// Cases expected not to pass yet.
    pub known: Vec<KnownFailure>,
    /// Print commands.
    pub verbose: bool,
}

impl ProgramsConfig {
    /// Defaults: opt levels 0 and 2, 2 jobs, 300 s engine timeout, 60 s native.
    pub fn new(root: &Path, engines: Vec<EngineSpec>) -> ProgramsConfig {
        ProgramsConfig {
            root: root.to_path_buf(),
            src_dir: root.join("target/corpus-src"),
            fetch: true,
            cache_dir: tools::cache_dir(root),
            opts: vec![0, 2],
            engines,
            jobs: crate::pool::default_jobs(),
            timeout: Duration::from_secs(300),
            native_timeout: Duration::from_secs(60),
            filter: Vec::new(),
            known: Vec::new(),
            verbose: false,
        }
    }
}

/// One finished case.
#[derive(Debug, Clone)]
pub struct CaseResult {
    /// Run name.
    pub run: String,
    /// Opt level.
    pub opt: u32,
    /// Engine label.
    pub engine: String,
    /// How it ended.
    pub cell: Cell,
    /// Wall time of the engine run, in ms.
    pub millis: f64,
    /// The known-failure reason, if the case is listed.
    pub known: Option<String>,
    /// The command to reproduce it.
    pub command: String,
}

/// The outcome of a programs run.
#[derive(Debug, Clone, Default)]
pub struct ProgramsReport {
    /// Engine labels, in column order.
    pub engines: Vec<String>,
    /// Every case.
    pub cases: Vec<CaseResult>,
    /// Native wall time (ms) per (run, opt); `None` when the build failed.
    pub native: BTreeMap<(String, u32), Option<f64>>,
    /// Order of (run, opt) rows.
    pub rows: Vec<(String, u32)>,
}

impl ProgramsReport {
    /// Cases that passed.
    pub fn passed(&self) -> usize {
        self.cases.iter().filter(|c| c.cell == Cell::Pass).count()
    }

    /// Cases that did not pass and are not known failures.
    pub fn unexpected(&self) -> usize {
        self.cases.iter().filter(|c| c.cell != Cell::Pass && c.known.is_none()).count()
    }

    /// Known failures that passed (their list entries can go).
    pub fn known_passing(&self) -> Vec<&CaseResult> {
        self.cases.iter().filter(|c| c.cell == Cell::Pass && c.known.is_some()).collect()
    }

    /// `N passed, M failed, K skipped`: failed counts the unexpected
    /// failures, skipped the known ones.
    pub fn line(&self) -> String {
        let known = self.cases.iter().filter(|c| c.cell != Cell::Pass && c.known.is_some()).count();
        format!("{} passed, {} failed, {} skipped", self.passed(), self.unexpected(), known)
    }

    fn case(&self, run: &str, opt: u32, engine: &str) -> Option<&CaseResult> {
        self.cases.iter().find(|c| c.run == run && c.opt == opt && c.engine == engine)
    }

    /// The matrix: one row per (run, opt), native time, and per engine its
    /// cell and wall time; then the details of every case that did not pass.
    pub fn matrix(&self) -> String {
        let mut head = vec!["run".to_string(), "opt".into(), "native".into()];
        head.extend(self.engines.iter().cloned());
        let mut rows = vec![head];
        for (run, opt) in &self.rows {
            let native = match self.native.get(&(run.clone(), *opt)).copied().flatten() {
                Some(ms) => format_ms(ms),
                None => "-".into(),
            };
            let mut row = vec![run.clone(), format!("O{opt}"), native];
            for e in &self.engines {
                row.push(match self.case(run, *opt, e) {
                    Some(c) => {
                        let known = if c.known.is_some() && c.cell != Cell::Pass { " [known]" } else { "" };
                        format!("{}{known} {}", c.cell.short(), format_ms(c.millis))
                    }
                    None => "-".into(),
                });
            }
            rows.push(row);
        }
        let ncol = rows[0].len();
        let widths: Vec<usize> =
            (0..ncol).map(|i| rows.iter().map(|r| r[i].chars().count()).max().unwrap_or(0)).collect();
        let mut out = String::new();
        for (k, r) in rows.iter().enumerate() {
            let cells: Vec<String> = r.iter().zip(&widths).map(|(c, w)| format!("{c:<w$}")).collect();
            let _ = writeln!(out, "{}", cells.join(" | ").trim_end());
            if k == 0 {
                let _ = writeln!(out, "{}", widths.iter().map(|w| "-".repeat(*w)).collect::<Vec<_>>().join("-+-"));
            }
        }
        let not_passed: Vec<&CaseResult> = self.cases.iter().filter(|c| c.cell != Cell::Pass).collect();
        if !not_passed.is_empty() {
            let _ = writeln!(out, "\nnot passing:");
            for c in not_passed {
                let what = match &c.cell {
                    Cell::Pass => unreachable!("filtered"),
                    Cell::Fail(why) => format!("FAIL: {}", why.join("; ")),
                    Cell::Unsupported(r) => format!("unsupported: {r}"),
                };
                let known = c.known.as_deref().map(|k| format!(" [known: {k}]")).unwrap_or_default();
                let _ = writeln!(out, "  {} O{} [{}]{known}\n      {}", c.run, c.opt, c.engine, truncate(&what, 600));
                if !c.command.is_empty() {
                    let _ = writeln!(out, "      reproduce: {}", c.command);
                }
            }
        }
        for c in self.known_passing() {
            let _ = writeln!(
                out,
                "known failure now passes (remove its line): {} O{} [{}] ({})",
                c.run,
                c.opt,
                c.engine,
                c.known.as_deref().unwrap_or("")
            );
        }
        out
    }
}

/// Milliseconds as `123 ms` or `12.3 s`.
pub fn format_ms(ms: f64) -> String {
    if ms < 10_000.0 { format!("{ms:.0} ms") } else { format!("{:.1} s", ms / 1e3) }
}

/// Builds every program, runs every run natively and on every engine,
/// printing one progress line per case, and returns the report.
pub fn run_programs(cfg: &ProgramsConfig, tools: &Tools) -> Result<ProgramsReport> {
    if cfg.engines.is_empty() {
        return Err(err!("no engine given"));
    }
    let tc = Toolchain {
        clang: tools::require(&tools.clang, "--version")?,
        link: tools::require(&tools.llvm_link, "--version")?,
        rustc: tools::require(&tools.rustc, "-vV")?,
    };
    if cfg.fetch {
        fetch_sources(&cfg.root, &cfg.src_dir)?;
    }
    let libstd =
        if cfg.engines.iter().any(EngineSpec::needs_libstd) { tools::libstd_so(&tools.rustc).ok() } else { None };
    let cache = Cache::new(&cfg.cache_dir);
    let selected = |name: &str| cfg.filter.is_empty() || cfg.filter.iter().any(|f| name.contains(f.as_str()));
    let programs: Vec<Program> = catalogue(&cfg.root, &cfg.src_dir)?
        .into_iter()
        .filter_map(|mut p| {
            p.runs.retain(|r| selected(&r.name));
            (!p.runs.is_empty()).then_some(p)
        })
        .collect();
    if programs.is_empty() {
        return Err(err!("no program run matches the filter"));
    }
    let units: Vec<(usize, u32)> = (0..programs.len()).flat_map(|i| cfg.opts.iter().map(move |&o| (i, o))).collect();
    let nruns: usize = programs.iter().map(|p| p.runs.len()).sum();
    let total = nruns * cfg.opts.len() * cfg.engines.len();
    println!(
        "programs: {} programs, {} runs x {} opt levels x {} engines = {} cases ({} jobs)",
        programs.len(),
        nruns,
        cfg.opts.len(),
        cfg.engines.len(),
        total,
        cfg.jobs
    );
    for e in &cfg.engines {
        println!("engine {:?}: {}", e.label, e.words().join(" "));
    }

    // Builds first (the slow part on a cold cache), in parallel.
    let builds: Vec<Result<BuiltProgram>> = crate::pool::map(cfg.jobs, units.clone(), |(i, opt)| {
        let p = &programs[i];
        let start = std::time::Instant::now();
        let b = build_program(tools, &tc, &cache, p, opt);
        let what = if b.is_ok() { "built" } else { "build FAILED" };
        println!("{what} {} O{opt} ({})", p.name, format_ms(start.elapsed().as_secs_f64() * 1e3));
        b
    });

    let mut report =
        ProgramsReport { engines: cfg.engines.iter().map(|e| e.label.clone()).collect(), ..Default::default() };
    let mut jobs: Vec<(ProgramRun, u32, std::result::Result<BuiltProgram, String>)> = Vec::new();
    for ((i, opt), b) in units.iter().zip(builds) {
        for r in &programs[*i].runs {
            jobs.push((r.clone(), *opt, b.clone().map_err(|e| e.to_string())));
        }
    }
    jobs.sort_by(|a, b| (a.0.name.as_str(), a.1).cmp(&(b.0.name.as_str(), b.1)));
    report.rows = jobs.iter().map(|(r, o, _)| (r.name.clone(), *o)).collect();

    let done = Mutex::new((0usize, Vec::<CaseResult>::new(), BTreeMap::new()));
    let width = total.to_string().len();
    let record = |c: CaseResult| {
        let mut st = done.lock().unwrap_or_else(|e| e.into_inner());
        st.0 += 1;
        let tag = match (&c.cell, &c.known) {
            (Cell::Pass, _) => "PASS".to_string(),
            (Cell::Fail(_), None) => "FAIL".into(),
            (Cell::Unsupported(_), None) => "UNSUPPORTED".into(),
            (Cell::Fail(_), Some(_)) => "FAIL (known)".into(),
            (Cell::Unsupported(_), Some(_)) => "UNSUPPORTED (known)".into(),
        };
        let mut text =
            format!("[{:>width$}/{total}] {tag} {} O{} [{}] ({})\n", st.0, c.run, c.opt, c.engine, format_ms(c.millis));
        match &c.cell {
            Cell::Pass => {}
            Cell::Fail(why) => why.iter().for_each(|l| {
                let _ = writeln!(text, "      {l}");
            }),
            Cell::Unsupported(r) => {
                let _ = writeln!(text, "      {r}");
            }
        }
        if c.cell != Cell::Pass && cfg.verbose {
            let _ = writeln!(text, "      reproduce: {}", c.command);
        }
        print!("{text}");
        let _ = std::io::stdout().flush();
        st.1.push(c);
    };
    crate::pool::map(cfg.jobs, jobs, |(r, opt, built)| {
        let known = |engine: &str, cell: &Cell| {
            cfg.known.iter().find(|k| k.explains(&r.name, opt, engine, cell)).map(|k| k.reason.clone())
        };
        let fail_all = |why: String| {
            for e in &cfg.engines {
                let cell = Cell::Fail(vec![why.clone()]);
                let known = known(&e.label, &cell);
                record(CaseResult {
                    run: r.name.clone(),
                    opt,
                    engine: e.label.clone(),
                    cell,
                    millis: 0.0,
                    known,
                    command: String::new(),
                });
            }
        };
        let built = match built {
            Ok(b) => b,
            Err(e) => {
                done.lock().unwrap_or_else(|e| e.into_inner()).2.insert((r.name.clone(), opt), None);
                return fail_all(format!("build failed: {}", e.lines().next().unwrap_or("")));
            }
        };
        let native = run(&built.native.to_string_lossy(), &r.args, cfg.native_timeout, Some(&cfg.root));
        done.lock()
            .unwrap_or_else(|e| e.into_inner())
            .2
            .insert((r.name.clone(), opt), Some(native.elapsed.as_secs_f64() * 1e3));
        if matches!(native.status, Status::Signaled(_) | Status::TimedOut | Status::SpawnFailed) {
            return fail_all(format!("native run failed ({}): {}", native.status, native.stderr_head(200)));
        }
        for e in &cfg.engines {
            let cmd = match e.command(&built.ll, &r.args, libstd.as_deref()) {
                Ok(c) => c,
                Err(err) => {
                    let cell = Cell::Fail(vec![err.to_string()]);
                    let known = known(&e.label, &cell);
                    record(CaseResult {
                        run: r.name.clone(),
                        opt,
                        engine: e.label.clone(),
                        cell,
                        millis: 0.0,
                        known,
                        command: String::new(),
                    });
                    continue;
                }
            };
            let out = run(&cmd.program, &cmd.args, cfg.timeout, Some(&cfg.root));
            let cell = classify(&native, &out);
            let known = known(&e.label, &cell);
            record(CaseResult {
                run: r.name.clone(),
                opt,
                engine: e.label.clone(),
                cell,
                millis: out.elapsed.as_secs_f64() * 1e3,
                known,
                command: cmd.to_string(),
            });
        }
    });
    let (_, mut cases, native) = done.into_inner().unwrap_or_else(|e| e.into_inner());
    let col = |label: &str| cfg.engines.iter().position(|e| e.label == label).unwrap_or(usize::MAX);
    cases.sort_by(|a, b| (a.run.as_str(), a.opt, col(&a.engine)).cmp(&(b.run.as_str(), b.opt, col(&b.engine))));
    report.cases = cases;
    report.native = native;
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn out(stdout: &[u8], stderr: &[u8], status: Status) -> Output {
        Output { stdout: stdout.to_vec(), stderr: stderr.to_vec(), status, elapsed: Duration::ZERO }
    }

    #[test]
    fn cells_classify_pass_fail_unsupported() {
        let native = out(b"x\n", b"", Status::Exited(0));
        assert_eq!(classify(&native, &out(b"x\n", b"noise", Status::Exited(0))), Cell::Pass);
        let unsup = out(b"", b"jitty: @f: unsupported constant blockaddress\n", Status::Exited(125));
        assert_eq!(classify(&native, &unsup), Cell::Unsupported("@f: unsupported constant blockaddress".into()));
        // A trap is jitty's own failure too, but not a refusal: FAIL.
        let trap = out(b"", b"jitty: trap: division by zero in @f\n", Status::Exited(125));
        let Cell::Fail(why) = classify(&native, &trap) else { panic!("trap must fail") };
        assert!(why.iter().any(|l| l.contains("division by zero")), "{why:?}");
        let Cell::Fail(why) = classify(&native, &out(b"x\n", b"", Status::Signaled(11))) else { panic!() };
        assert!(why[0].contains("SIGSEGV"), "{why:?}");
        let Cell::Fail(_) = classify(&native, &out(b"y\n", b"", Status::Exited(0))) else { panic!() };
        // Same output, but a panic caught inside the engine: FAIL.
        let caught = b"thread 'main' panicked at lower.rs:1011:17:\nshould be implemented in ISLE\n";
        let Cell::Fail(why) = classify(&native, &out(b"x\n", caught, Status::Exited(0))) else { panic!() };
        assert!(why[0].contains("panicked") && why[1].contains("ISLE"), "{why:?}");
    }

    #[test]
    fn short_cells_keep_the_gist() {
        let u = Cell::Unsupported(
            "loading the module: global @d: blockaddress is not supported: global @d: blockaddress is not supported"
                .into(),
        );
        assert_eq!(u.short(), "unsupported(blockaddress is not supported)");
        let u = Cell::Unsupported(
            "unsupported construct executed in @f at %bb1, instruction #6: vector getelementptr".into(),
        );
        assert_eq!(u.short(), "unsupported(vector getelementptr)");
        let f = Cell::Fail(vec!["status: native exit 0, engine exit 1".into()]);
        assert_eq!(f.short(), "FAIL(engine exit 1)");
        let f = Cell::Fail(vec!["stdout differs at line 3 (native 10 bytes/3 lines, engine 9 bytes/3 lines):".into()]);
        assert!(f.short().starts_with("FAIL(stdout differs at line 3"), "{}", f.short());
    }

    #[test]
    fn known_failures_parse_and_match() {
        let k =
            parse_known("# comment\nlua:* * jit SIGSEGV  fn pointer to a variadic # tail\nzlib O2 interp * why\n\n")
                .unwrap();
        assert_eq!(k.len(), 2);
        assert_eq!(k[0].reason, "fn pointer to a variadic");
        assert!(k[0].covers("lua:errors", 0, "jit"));
        assert!(!k[0].covers("lua:errors", 0, "interp"));
        assert!(k[1].covers("zlib", 2, "interp"));
        assert!(!k[1].covers("zlib", 0, "interp"));
        assert!(!k[1].covers("zlib2", 2, "interp"));
        let segv = Cell::Fail(vec!["status: native exit 0, engine signal 11 (SIGSEGV)".into()]);
        let abrt = Cell::Fail(vec!["status: native exit 0, engine signal 6 (SIGABRT)".into()]);
        assert!(k[0].explains("lua:errors", 0, "jit", &segv));
        assert!(k[0].explains("lua:errors", 0, "jit", &Cell::Pass));
        assert!(!k[0].explains("lua:errors", 0, "jit", &abrt), "another failure is unexpected");
        assert!(k[1].explains("zlib", 2, "interp", &abrt));
        let k = parse_known("lua:a*,lua:b O0,O2 interp,jit signal why").unwrap();
        assert!(k[0].covers("lua:abc", 0, "jit") && k[0].covers("lua:b", 2, "interp"));
        assert!(!k[0].covers("lua:c", 0, "jit") && !k[0].covers("lua:b", 2, "lli") && !k[0].covers("lua:b", 1, "jit"));
        assert!(parse_known("lua * jit").is_err());
        assert!(parse_known("lua * jit SIGSEGV").is_err());
    }

    #[test]
    fn report_counts_and_matrix() {
        let case = |run: &str, engine: &str, cell: Cell, known: Option<&str>| CaseResult {
            run: run.into(),
            opt: 2,
            engine: engine.into(),
            cell,
            millis: 1234.0,
            known: known.map(str::to_string),
            command: "cmd".into(),
        };
        let mut r = ProgramsReport { engines: vec!["interp".into(), "jit".into()], ..Default::default() };
        r.rows = vec![("a".into(), 2), ("b".into(), 2)];
        r.native.insert(("a".into(), 2), Some(5.0));
        r.native.insert(("b".into(), 2), Some(15_000.0));
        r.cases = vec![
            case("a", "interp", Cell::Pass, None),
            case("a", "jit", Cell::Fail(vec!["status: native exit 0, engine signal 11 (SIGSEGV)".into()]), None),
            case("b", "interp", Cell::Unsupported("blockaddress".into()), Some("cgoto")),
            case("b", "jit", Cell::Pass, Some("old")),
        ];
        assert_eq!(r.passed(), 2);
        assert_eq!(r.unexpected(), 1);
        assert_eq!(r.line(), "2 passed, 1 failed, 1 skipped");
        let m = r.matrix();
        assert!(m.contains("a   | O2  | 5 ms"), "{m}");
        assert!(m.contains("15.0 s"), "{m}");
        assert!(m.contains("unsupported(blockaddress) [known] 1234 ms"), "{m}");
        assert!(m.contains("FAIL(engine signal 11 (SIGSEGV))"), "{m}");
        assert!(m.contains("known failure now passes (remove its line): b O2 [jit] (old)"), "{m}");
    }
}
