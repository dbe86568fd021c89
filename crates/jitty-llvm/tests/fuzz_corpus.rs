//! The fuzz corpus as a regression test: every input of `fuzz/corpus/parse`
//! (the minimized corpus of the coverage-guided fuzz target, see
//! `scripts/fuzz-reader.sh`) goes through the fuzz target's property,
//! [`jitty_llvm::check_roundtrip`], on stable and without instrumentation, so
//! what the fuzzer found stays fixed. Inputs the target skips (not UTF-8) are
//! skipped here too.

use jitty_llvm::RoundTrip;
use std::path::Path;

#[test]
fn every_corpus_input_keeps_the_round_trip_property() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("../../fuzz/corpus/parse");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("{}: {e}", dir.display()))
        .map(|e| e.expect("corpus entry").path())
        .collect();
    files.sort();
    let (mut rejected, mut invalid, mut stable, mut binary) = (0usize, 0usize, 0usize, 0usize);
    let mut failures = Vec::new();
    for f in &files {
        let bytes = std::fs::read(f).expect("read corpus file");
        let Ok(src) = std::str::from_utf8(&bytes) else {
            binary += 1;
            continue;
        };
        let name = f.file_name().and_then(|n| n.to_str()).unwrap_or("?");
        // A panic is reported with the file that caused it.
        match std::panic::catch_unwind(|| jitty_llvm::check_roundtrip(src, name)) {
            Ok(Ok(RoundTrip::Rejected)) => rejected += 1,
            Ok(Ok(RoundTrip::Invalid)) => invalid += 1,
            Ok(Ok(RoundTrip::Stable)) => stable += 1,
            Ok(Err(e)) => failures.push(e.lines().next().unwrap_or("").to_string()),
            Err(_) => failures.push(format!("{name}: panicked")),
        }
    }
    eprintln!(
        "fuzz corpus: {} files: {stable} round-tripped, {invalid} rejected by the verifier, {rejected} by the reader, {binary} not UTF-8",
        files.len()
    );
    assert!(failures.is_empty(), "{} of {} corpus inputs fail:\n{}", failures.len(), files.len(), failures.join("\n"));
    // The corpus is grown from real rustc and clang output: if nothing
    // round-trips, the corpus or the test is broken, not the reader.
    assert!(stable > 0 && files.len() > 100, "corpus looks empty: {} files, {stable} round-tripped", files.len());
}
