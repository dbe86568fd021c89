//! A short subset of the real-program corpus (`jitty-difftest programs`,
//! `tests/programs/`): zlib and bzip2, Lua's small script and QuickJS
//! running the repository's script (deep recursion, which reaches QuickJS's
//! stack check through `llvm.frameaddress`), built by
//! clang-22 at -O2 and run on `jitty exec --engine interp` and
//! `--engine jit`; stdout bytes and exit status must equal the native
//! build's. The sources are fetched by `scripts/fetch-corpus.sh` (pinned
//! versions and sha256). Known failures (`tests/programs/known-failures.txt`,
//! e.g. Lua's computed goto) are shown but do not fail the test; any other
//! non-passing case does. `.ci/run` runs the whole corpus at -O0 and -O2.
//!
//! Skipped, with the reason printed, only when clang-22 is absent.

use jitty_difftest::engine::EngineSpec;
use jitty_difftest::programs::{ProgramsConfig, parse_known, run_programs};
use jitty_difftest::tools::{self, Tools, workspace_root};

#[test]
fn program_subset_matches_native_on_both_engines() {
    let tools = Tools::from_env();
    if tools::version(&tools.clang, "--version").is_none() {
        println!("skipped: {} not found (scripts/setup.sh installs it)", tools.clang);
        return;
    }
    let exe = env!("CARGO_BIN_EXE_jitty");
    let engines: Vec<EngineSpec> = ["interp", "jit"]
        .iter()
        .map(|e| EngineSpec::parse(&format!("{e}='{exe}' exec --engine {e}")).expect("valid engine spec"))
        .collect();
    let root = workspace_root();
    let mut cfg = ProgramsConfig::new(&root, engines);
    cfg.opts = vec![2];
    cfg.filter = ["zlib", "bzip2", "lua:hello", "lua-switch:hello", "quickjs:jitty"].map(String::from).to_vec();
    let known = std::fs::read_to_string(root.join("tests/programs/known-failures.txt")).expect("known failures");
    cfg.known = parse_known(&known).expect("known failures parse");
    let report = run_programs(&cfg, &tools).expect("programs run");
    print!("{}", report.matrix());
    println!("{}", report.line());
    assert_eq!(report.unexpected(), 0, "unexpected failures:\n{}", report.matrix());
    // 5 runs x 2 engines; all of them pass today.
    assert_eq!(report.cases.len(), 10, "{}", report.matrix());
    assert!(report.passed() >= 10, "too few cases passed: {}", report.passed());
}
