//! Hand-written scripts with expected outputs (filetest style): each
//! `tests/scripts/NAME.replay` runs with the digest's text shown, and its
//! output must equal `NAME.expected`. Run with `JITTY_BLESS=1` to rewrite
//! the expectations, then review them: they are checked by hand against
//! POSIX (each script says what it demonstrates). Every script also runs a
//! second time in the same kernel and must print the same bytes.
//!
//! The runner's failure modes are tested here too: a call that blocks
//! without `&` ends the run with a timeout naming its line, and the kernel
//! is usable afterwards. `JITTY_REPLAY_SPEC=force` makes the second run of
//! each script specialized.

use std::path::Path;
use std::time::Duration;

use jitty_replay::{Options, RunError, Script};

fn run(script: &Script, opts: &Options) -> Result<String, (RunError, String)> {
    let mut out = Vec::new();
    match jitty_replay::run_with(script, opts, &mut out) {
        Ok(()) => Ok(String::from_utf8(out).expect("UTF-8")),
        Err(e) => Err((e, String::from_utf8_lossy(&out).into_owned())),
    }
}

#[test]
fn scripts_match_their_expected_output() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/scripts");
    let bless = std::env::var_os("JITTY_BLESS").is_some();
    let mut paths: Vec<_> = std::fs::read_dir(&dir)
        .expect("tests/scripts")
        .filter_map(|e| e.ok().map(|e| e.path()))
        .filter(|p| p.extension().is_some_and(|e| e == "replay"))
        .collect();
    paths.sort();
    assert!(paths.len() >= 8, "expected the hand-written scripts, found {}", paths.len());
    let opts = Options { verbose: true, ..Options::default() };
    // The second run's mode (`JITTY_REPLAY_SPEC`, as in the differential):
    // under `force` each script (`quasi.replay` walks every kind of
    // quasi-invariant) checks that specialized paths print the generic output.
    let second = jitty_replay::mode_from_env("JITTY_REPLAY_SPEC").unwrap_or_else(|e| panic!("{e}"));
    let mut failures = Vec::new();
    for p in &paths {
        let text = std::fs::read_to_string(p).expect("read script");
        let script = Script::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", p.display()));
        let first = run(&script, &opts).unwrap_or_else(|(e, out)| panic!("{}: {e}\n{out}", p.display()));
        let second_opts = Options { mode: second, ..opts.clone() };
        let second =
            run(&script, &second_opts).unwrap_or_else(|(e, out)| panic!("{}: second run: {e}\n{out}", p.display()));
        if first != second {
            failures.push(format!("{}: two runs differ\n--- first\n{first}\n--- second\n{second}", p.display()));
            continue;
        }
        let exp_path = p.with_extension("expected");
        let expected = std::fs::read_to_string(&exp_path).unwrap_or_default();
        if expected != first {
            if bless {
                std::fs::write(&exp_path, &first).expect("write expectation");
            } else {
                failures.push(format!(
                    "{}: output differs (re-bless with JITTY_BLESS=1)\n--- expected\n{expected}\n--- actual\n{first}",
                    p.display()
                ));
            }
        }
    }
    assert!(failures.is_empty(), "{} of {} scripts failed:\n{}", failures.len(), paths.len(), failures.join("\n"));
}

#[test]
fn a_blocking_call_without_ampersand_times_out_with_its_line() {
    let script = Script::parse("spawn p1\np1: pipe -> r w\n\np1: read r 1\np1: close w\n").expect("valid");
    let opts = Options { timeout: Duration::from_millis(500), ..Options::default() };
    match run(&script, &opts) {
        Err((RunError::Timeout { line, what }, out)) => {
            assert_eq!(line, 4, "{what}");
            assert!(what.contains("needs `&`"), "{what}");
            assert_eq!(out, "1: spawn p1 uid=1000 gid=1000 = ok\n2: p1: pipe -> r w = r=0 w=1\n");
        }
        other => panic!("expected a timeout, got {other:?}"),
    }
    // The blocked reader was killed and reaped: the kernel runs the next script.
    let ok = Script::parse("spawn p1\np1: pipe -> r w\np1: write w \"a\"\np1: read r 1\n").expect("valid");
    let out = run(&ok, &Options::default()).expect("runs");
    assert!(out.contains("4: p1: read r 1 = \"a\""), "{out}");
}

#[test]
fn a_background_call_that_never_returns_times_out_at_its_wait() {
    let script =
        Script::parse("spawn p1\np1: pipe -> r w\np1: thread -> p1.t\np1.t: read r 1 &\nwait p1.t\n").expect("valid");
    let opts = Options { timeout: Duration::from_millis(500), ..Options::default() };
    match run(&script, &opts) {
        Err((RunError::Timeout { line, .. }, _)) => assert_eq!(line, 5),
        other => panic!("expected a timeout, got {other:?}"),
    }
}

#[test]
fn the_readme_example_prints_what_the_readme_says() {
    let readme = std::fs::read_to_string(Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md")).expect("README");
    let example = readme.split("## An example").nth(1).expect("an example section");
    let blocks: Vec<&str> = example.split("```").collect();
    let (script, expected) = (blocks[1].trim_start_matches('\n'), blocks[3].trim_start_matches('\n'));
    let script = Script::parse(script).expect("the README's script parses");
    let out = run(&script, &Options::default()).unwrap_or_else(|(e, out)| panic!("{e}\n{out}"));
    assert_eq!(out, expected);
}
