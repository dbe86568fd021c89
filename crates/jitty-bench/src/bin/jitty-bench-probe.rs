//! `jitty-bench-probe KEY=N...`: runs each experiment `KEY` (see
//! `jitty_bench::Experiment::key`) `N` times in a fresh benchmark suite. Meant
//! to run under `valgrind --tool=callgrind --toggle-collect=*bench_loop_*`.
//!
//! `jitty-bench-probe --report [--quick]` runs the whole benchmark (what
//! `jitty bench kernel` does) and prints the table.

use jitty_bench::Experiment;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("--report") {
        let quick = args.iter().any(|a| a == "--quick");
        let opts =
            if quick { jitty_bench::KernelBenchOptions::quick() } else { jitty_bench::KernelBenchOptions::full() };
        match jitty_bench::run(&opts) {
            Ok(r) => print!("{}", r.render_table()),
            Err(e) => {
                eprintln!("jitty-bench-probe: {e}");
                std::process::exit(1);
            }
        }
        return;
    }
    let mut plan = Vec::new();
    for a in std::env::args().skip(1) {
        let parsed = a.split_once('=').and_then(|(k, n)| Some((Experiment::from_key(k)?, n.parse::<u64>().ok()?)));
        match parsed {
            Some(p) => plan.push(p),
            None => {
                eprintln!("jitty-bench-probe: bad argument {a:?} (want KEY=N, e.g. e1=20000)");
                std::process::exit(2);
            }
        }
    }
    if let Err(e) = jitty_bench::run_probe(&plan) {
        eprintln!("jitty-bench-probe: {e}");
        std::process::exit(1);
    }
}
