//! The generator: deterministic per seed, and over a few hundred seeds it
//! covers every kind of statement the differential check asks for.

use jitty_replay::Script;

#[test]
fn same_seed_same_script_and_seeds_differ() {
    for seed in [0, 1, 42, u64::MAX] {
        assert_eq!(jitty_replay::generate(seed), jitty_replay::generate(seed));
    }
    assert_ne!(jitty_replay::generate(1), jitty_replay::generate(2));
}

#[test]
fn generated_scripts_cover_every_kind_of_call() {
    let mut all = String::new();
    let mut procs_per_script = Vec::new();
    for seed in 1..=300 {
        let text = jitty_replay::generate(seed);
        Script::parse(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        procs_per_script.push(text.lines().filter(|l| l.starts_with("spawn ") || l.contains(": fork ->")).count());
        all.push_str(&text);
    }
    let kinds = [
        "spawn ",
        ": fork -> ",
        ": thread -> ",
        "\nend ",
        ": pipe ",
        ": open ",
        ": close ",
        ": dup ",
        ": dup2 ",
        " setfl O_NONBLOCK",
        " setfl O_APPEND",
        ": write ",
        ": read ",
        ": lseek ",
        ": fstat ",
        ": kill ",
        ": sigaction ",
        " SA_RESTART",
        " SA_RESETHAND",
        ": sigprocmask ",
        ": sigpending",
        ": sigsuspend ",
        ": setuid ",
        ": getresuid",
        ": exit ",
        ": wait4 ",
        " WNOHANG",
        ": region ",
        " method ",
        " single on",
        ": malloc ",
        ": free ",
        ": rpc_client ",
        ": rpc ",
        ": serve ",
        ": rpc_close ",
        " &\n",
        "\nwait ",
        " reuse=",
    ];
    let missing: Vec<&str> = kinds.iter().copied().filter(|k| !all.contains(k)).collect();
    assert!(missing.is_empty(), "never generated in 300 seeds: {missing:?}");
    // Interleavings across several processes.
    assert!(procs_per_script.iter().all(|&n| n >= 2), "a script with fewer than 2 processes");
    assert!(procs_per_script.iter().filter(|&&n| n >= 4).count() > 150, "{procs_per_script:?}");
}
