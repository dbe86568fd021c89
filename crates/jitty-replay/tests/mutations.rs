//! Robustness: scripts mutated at random (bytes for the parser; whole
//! statements dropped, repeated or swapped for the runner) never panic.
//! The parser answers with a script or a line-numbered error; a mutated
//! script that parses runs to its end or stops with a timeout naming a line
//! (a call left blocking without `&`), and the kernel's invariants hold
//! afterwards.

use std::time::Duration;

use jitty_replay::{Options, RunError, Script};

/// SplitMix64 (the tests' own, independent of the generator's).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }
}

#[test]
fn byte_mutations_never_panic_the_parser() {
    let mut rng = Rng(7);
    let alphabet = b" \n\"\\&->:#=*[],.|0123456789abcdefgOpqrstuvwxyz{}";
    for seed in 1..=200 {
        let mut text = jitty_replay::generate(seed).into_bytes();
        for _ in 0..1 + rng.below(6) {
            let at = rng.below(text.len());
            match rng.below(3) {
                0 => {
                    text.remove(at);
                }
                1 => text.insert(at, alphabet[rng.below(alphabet.len())]),
                _ => text[at] = alphabet[rng.below(alphabet.len())],
            }
        }
        let text = String::from_utf8_lossy(&text);
        if let Err(e) = Script::parse(&text) {
            let lines = text.lines().count();
            assert!(e.line >= 1 && e.line <= lines, "seed {seed}: line {} of {lines}: {}", e.line, e.msg);
        }
    }
}

#[test]
fn statement_mutations_run_or_time_out_with_a_line() {
    let mut rng = Rng(11);
    let (mut ran, mut timed_out) = (0, 0);
    let opts = Options { timeout: Duration::from_millis(300), ..Options::default() };
    for seed in 1..=400 {
        if ran + timed_out >= 40 {
            break;
        }
        let text = jitty_replay::generate(seed);
        let mut lines: Vec<&str> = text.lines().collect();
        let (a, b) = (1 + rng.below(lines.len() - 1), 1 + rng.below(lines.len() - 1));
        match rng.below(3) {
            0 => {
                lines.remove(a);
            }
            1 => lines.insert(a, lines[b]),
            _ => lines.swap(a, b),
        }
        let mutated = lines.join("\n");
        let Ok(script) = Script::parse(&mutated) else { continue };
        let mut out = Vec::new();
        match jitty_replay::run_with(&script, &opts, &mut out) {
            Ok(()) => ran += 1,
            Err(RunError::Timeout { line, .. }) => {
                assert!(script.lines.iter().any(|l| l.no == line), "seed {seed}: timeout at line {line}");
                timed_out += 1;
            }
            Err(e) => panic!("seed {seed}: {e}\n{mutated}"),
        }
        if let Err(code) = jitty_os::boot().expect("booted").check_invariants() {
            panic!("seed {seed}: kernel invariant {code} broken after a mutated script\n{mutated}");
        }
    }
    eprintln!("mutated scripts: {ran} ran to the end, {timed_out} timed out");
    assert!(ran >= 20, "only {ran} mutated scripts ran to the end ({timed_out} timed out)");
}
