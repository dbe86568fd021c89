//! Tidy checks of the program corpus and bench sources: every corpus program
//! has the required shape, every bench source declares its arguments, and
//! the real programs' known-failures list parses and names real runs.

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

/// Every real program of the bench names a program of the corpus and a
/// file that declares its arguments.
#[test]
fn real_bench_programs_declare_arguments() {
    let root = workspace_root();
    let own = [
        "zlib",
        "bzip2",
        "sqlite",
        "lua",
        "lua-switch",
        "quickjs",
        "lz4",
        "mbedtls",
        "mbedtls-bignum.generated",
        "mbedtls-ecp",
        "mbedtls-gcm.aes128_en",
        "coremark",
    ];
    for (name, program, file) in jitty_difftest::bench::REAL_PROGRAMS {
        assert!(own.contains(&program), "{name}: {program} is not a corpus program");
        let text = std::fs::read_to_string(root.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"));
        let a = parse_bench_args(&text);
        assert!(a.full.len() == 1 && a.quick.len() == 1, "{file}: needs `jitty-bench: full=N quick=N`");
    }
    let src = root.join("target/corpus-src");
    if src.join("lua-src-551.1.0/.done").exists()
        && src.join("mbedtls-sys-auto-2.28.15/.done").exists()
        && src.join("coremark-1.0.0/.done").exists()
    {
        let names: Vec<String> =
            jitty_difftest::programs::catalogue(&root, &src).unwrap().into_iter().map(|p| p.name).collect();
        assert_eq!(names, own, "the list above follows the catalogue");
    }
}

#[test]
fn program_known_failures_parse_and_name_programs_of_the_catalogue() {
    let root = workspace_root();
    let text = std::fs::read_to_string(root.join("tests/programs/known-failures.txt")).unwrap();
    let known = jitty_difftest::programs::parse_known(&text).unwrap();
    let scripts: Vec<String> = std::fs::read_dir(root.join("tests/programs/lua/scripts"))
        .unwrap()
        .map(|e| e.unwrap().path().file_stem().unwrap().to_string_lossy().into_owned())
        .collect();
    for k in &known {
        for run in k.run.split(',') {
            let run = run.trim_end_matches('*');
            let ok = match run.split_once(':') {
                Some((prog, script)) => {
                    ["lua", "lua-switch"].contains(&prog) && scripts.iter().any(|s| s.starts_with(script))
                }
                None => {
                    run.is_empty()
                        || ["zlib", "bzip2", "sqlite", "lua", "lua-switch"].iter().any(|p| p.starts_with(run))
                }
            };
            assert!(ok, "known failure names no run of the catalogue: {run:?} in {k:?}");
        }
        assert!(k.opt.split(',').all(|o| ["*", "O0", "O2"].contains(&o)), "{k:?}");
        assert!(k.engine.split(',').all(|e| ["*", "interp", "jit", "lli"].contains(&e)), "{k:?}");
    }
}
