//! Reader throughput on a large generated module (`--ignored`; run with
//! `--release` for meaningful numbers). Prints MB/s.

use std::time::Instant;

#[test]
#[ignore = "benchmark; run explicitly with --release -- --ignored"]
fn parse_throughput() {
    let path = std::env::var("JITTY_BENCH_LL").unwrap_or_else(|_| "/tmp/llt/gen/traits-O1-g.ll".to_string());
    let Ok(src) = std::fs::read_to_string(&path) else {
        eprintln!("notice: {path} not found; set JITTY_BENCH_LL");
        return;
    };
    let _ = jitty_llvm::parse_module(&src, &path).expect("parse");
    let iters = 5;
    let t = Instant::now();
    for _ in 0..iters {
        let m = jitty_llvm::parse_module(&src, &path).expect("parse");
        std::hint::black_box(&m);
    }
    let secs = t.elapsed().as_secs_f64() / f64::from(iters);
    eprintln!("{path}: {} bytes, {:.2} ms per parse, {:.1} MB/s", src.len(), secs * 1e3, src.len() as f64 / secs / 1e6);
}
