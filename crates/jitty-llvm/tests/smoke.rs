//! Ad-hoc round trip of `.ll` files named in `JITTY_LL_FILES` (colon-separated).

mod common;

#[test]
fn files_from_env() {
    let Ok(files) = std::env::var("JITTY_LL_FILES") else { return };
    let mut failures = Vec::new();
    for f in files.split(':').filter(|f| !f.is_empty()) {
        let src = std::fs::read_to_string(f).expect("read");
        if let Err(e) = common::roundtrip(&src, f, common::have("llvm-as-22")) {
            failures.push(e);
        }
    }
    assert!(failures.is_empty(), "{}", failures.join("\n\n"));
}
