//! The differential harness: generated scripts run twice in one process
//! (one kernel) must print byte-identical output, the first run generic
//! (`SpecMode::Off`), the second in the mode `JITTY_REPLAY_SPEC` names
//! (`force` by default: the kernel's specialization driver specializes
//! every spec point at its first call; `on`, or `off`).
//!
//! `JITTY_REPLAY_SCRIPTS=N` sets how many scripts (default 200), and
//! `JITTY_REPLAY_SEED=S` the first seed (default 1).

use jitty_replay::{Script, SpecMode};

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name).ok().and_then(|v| v.parse().ok()).unwrap_or(default)
}

fn run(script: &Script, mode: SpecMode, seed: u64) -> String {
    let mut out = Vec::new();
    if let Err(e) = jitty_replay::run(script, mode, &mut out) {
        panic!("seed {seed} ({mode}): {e}\n--- output so far\n{}\n--- script\n{script}", String::from_utf8_lossy(&out));
    }
    String::from_utf8(out).expect("replay output is UTF-8")
}

#[test]
fn generated_scripts_replay_identically() {
    let n = env_u64("JITTY_REPLAY_SCRIPTS", 200);
    let first = env_u64("JITTY_REPLAY_SEED", 1);
    // The second run specializes every call of a spec point unless told
    // otherwise: that is what the comparison is for.
    let second = if std::env::var_os("JITTY_REPLAY_SPEC").is_none() {
        jitty_replay::use_kernel_driver().unwrap_or_else(|e| panic!("{e}"));
        jitty_replay::SpecMode::Force
    } else {
        jitty_replay::mode_from_env("JITTY_REPLAY_SPEC").unwrap_or_else(|e| panic!("{e}"))
    };
    let start = std::time::Instant::now();
    let mut lines = 0usize;
    for seed in first..first + n {
        let text = jitty_replay::generate(seed);
        let script =
            Script::parse(&text).unwrap_or_else(|e| panic!("seed {seed}: generated script invalid: {e}\n{text}"));
        let a = run(&script, SpecMode::Off, seed);
        let b = run(&script, second, seed);
        if a != b {
            let diff: Vec<String> = a
                .lines()
                .zip(b.lines())
                .filter(|(x, y)| x != y)
                .take(5)
                .map(|(x, y)| format!("- {x}\n+ {y}"))
                .collect();
            panic!("seed {seed}: the two runs differ:\n{}\n--- script\n{text}", diff.join("\n"));
        }
        lines += a.lines().count();
        if let Err(code) = jitty_os::boot().expect("booted").check_invariants() {
            panic!("seed {seed}: the kernel's invariant checker failed after the runs (code {code})\n{text}");
        }
    }
    eprintln!(
        "replay differential: {n} scripts ({lines} output lines each run) run off and {second} in {:.2?}",
        start.elapsed()
    );
    if second != SpecMode::Off
        && let Ok(driver) = jitty_os::spec::Specializer::get()
    {
        let c = driver.counters();
        eprintln!(
            "specialization driver: {} specialized, {} plugged, {} code bytes, fallbacks {:?}",
            c.specialized, c.plugged, c.code_bytes, c.fallbacks
        );
    }
}
