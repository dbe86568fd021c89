//! Tidy checks of the program corpus and bench sources: every corpus program
//! has the required shape, and every bench source declares its arguments.

use jitty_difftest::bench::parse_bench_args;
use jitty_difftest::corpus::discover;
use jitty_difftest::tools::workspace_root;

#[test]
fn corpus_programs_have_the_required_shape() {
    let root = workspace_root();
    let programs = discover(&root.join("tests/corpus/rust")).unwrap();
    assert!(programs.len() >= 45, "only {} corpus programs", programs.len());
    let mut numbers = std::collections::BTreeSet::new();
    for p in &programs {
        let name = p.file_name().unwrap().to_string_lossy().into_owned();
        let text = std::fs::read_to_string(p).unwrap();
        assert!(text.starts_with("//! "), "{name}: must start with a //! doc line");
        for needle in [
            "#![no_std]",
            "#![no_main]",
            "#[panic_handler]",
            "pub extern \"C\" fn rust_eh_personality() {}",
            "#[unsafe(no_mangle)]\npub extern \"C\" fn main(",
        ] {
            assert!(text.contains(needle), "{name}: missing {needle:?}");
        }
        assert!(!text.contains("format!"), "{name}: alloc::format! needs _Unwind_Resume natively");
        let number: String = name.chars().take_while(char::is_ascii_digit).collect();
        assert!(numbers.insert(number.clone()), "{name}: number {number} used twice");
    }
}

#[test]
fn bench_sources_declare_arguments() {
    let root = workspace_root();
    let mut n = 0;
    for e in std::fs::read_dir(root.join("tests/bench")).unwrap() {
        let p = e.unwrap().path();
        if p.extension().is_some_and(|x| x == "c") {
            let a = parse_bench_args(&std::fs::read_to_string(&p).unwrap());
            assert!(
                !a.full.is_empty() && !a.quick.is_empty(),
                "{}: needs `jitty-bench: full=.. quick=..`",
                p.display()
            );
            n += 1;
        }
    }
    assert!(n >= 5, "only {n} bench programs");
}
