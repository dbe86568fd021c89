//! Correctness of the benchmark itself (not timings): every experiment runs
//! a few operations through the real kernel paths and checks their effects;
//! then a quick report renders.

#[test]
fn experiments_do_what_they_measure() {
    jitty_bench::self_check(300).expect("self check");
}

#[test]
fn quick_run_renders_a_report() {
    let opts = jitty_bench::KernelBenchOptions {
        batches: 2,
        callgrind: false,
        out_dir: None,
        progress: false,
        experiments: vec![jitty_bench::Experiment::E1PipeWrite, jitty_bench::Experiment::E6Marshal],
        ..jitty_bench::KernelBenchOptions::quick()
    };
    let r = jitty_bench::run(&opts).expect("run");
    assert_eq!(r.results.len(), 2);
    assert!(r.results.iter().all(|x| x.median_ns > 0.0 && x.batches == 2));
    assert!(r.render_table().contains("E1"));
    assert!(r.render_html().contains("<svg"));
    assert!(r.render_json().contains("\"key\": \"e6-marshal\""));
}
