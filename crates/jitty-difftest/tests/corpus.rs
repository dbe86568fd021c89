//! Runs the Rust corpus against an engine and requires zero failures.
//!
//! The engine is `$JITTY_ENGINE` (an engine spec, e.g.
//! `target/release/jitty exec --engine interp`); if unset, `lli-22`, so the
//! harness itself is validated against LLVM's own engine. Without either,
//! the test fails and says to run `scripts/setup.sh`. `$JITTY_CORPUS_OPTS`
//! (e.g. `0,2`) selects opt levels. (jitty's engines are run on the corpus by
//! `crates/jitty/tests/differential.rs`.)

use jitty_difftest::corpus::{CorpusConfig, run_corpus};
use jitty_difftest::engine::EngineSpec;
use jitty_difftest::tools::{self, Tools, workspace_root};

#[test]
fn corpus_matches_native() {
    let tools = Tools::from_env();
    let spec = match std::env::var("JITTY_ENGINE") {
        Ok(s) if !s.trim().is_empty() => s,
        _ => {
            assert!(
                tools::version(&tools.lli, "--version").is_some(),
                "JITTY_ENGINE unset and {} not found: run scripts/setup.sh",
                tools.lli
            );
            tools.lli.clone()
        }
    };
    let engine = EngineSpec::parse(&spec).expect("JITTY_ENGINE is a valid engine spec");
    let root = workspace_root();
    let mut cfg = CorpusConfig::new(&root, vec![engine]);
    if let Ok(opts) = std::env::var("JITTY_CORPUS_OPTS") {
        cfg.opts = opts.split(',').map(|o| o.trim().parse().expect("JITTY_CORPUS_OPTS: list of opt levels")).collect();
    }
    let summary = run_corpus(&cfg, &tools).expect("corpus run");
    println!("{}", summary.line());
    assert_eq!(summary.failed, 0, "failed cases: {:#?}", summary.failures);
    assert!(summary.passed >= 45 * cfg.opts.len(), "too few cases ran: {}", summary.passed);
}
