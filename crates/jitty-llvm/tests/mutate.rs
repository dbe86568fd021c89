//! Property test: mutated real `.ll` inputs (byte flips, truncations, token
//! deletions, duplications) never make the reader, verifier or printer panic.

use proptest::prelude::*;
use std::path::Path;

fn corpus() -> Vec<String> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/filetests");
    let mut v: Vec<String> = std::fs::read_dir(dir)
        .expect("filetests dir")
        .filter_map(|e| e.ok())
        .filter(|e| e.path().extension().is_some_and(|x| x == "ll"))
        .filter_map(|e| std::fs::read_to_string(e.path()).ok())
        .map(|s| s.split("; ---- expected ----").next().unwrap_or("").to_string())
        .collect();
    v.sort();
    v
}

#[derive(Clone, Debug)]
enum Mutation {
    Flip { at: usize, byte: u8 },
    Truncate { at: usize },
    DeleteToken { at: usize },
    Duplicate { at: usize, len: usize },
    Insert { at: usize, text: &'static str },
}

const SNIPPETS: &[&str] =
    &["{", "}", "(", ")", "[", "<", ">", ",", "%0", "@x", "!0", "i32", "ptr", "\"", "c\"", "...", "label", "0x", "-"];

fn mutation() -> impl Strategy<Value = Mutation> {
    prop_oneof![
        (any::<usize>(), any::<u8>()).prop_map(|(at, byte)| Mutation::Flip { at, byte }),
        any::<usize>().prop_map(|at| Mutation::Truncate { at }),
        any::<usize>().prop_map(|at| Mutation::DeleteToken { at }),
        (any::<usize>(), 1usize..40).prop_map(|(at, len)| Mutation::Duplicate { at, len }),
        (any::<usize>(), proptest::sample::select(SNIPPETS)).prop_map(|(at, text)| Mutation::Insert { at, text }),
    ]
}

fn apply(src: &str, m: &Mutation) -> String {
    let mut b = src.as_bytes().to_vec();
    if b.is_empty() {
        return String::new();
    }
    match *m {
        Mutation::Flip { at, byte } => {
            let i = at % b.len();
            b[i] = byte;
        }
        Mutation::Truncate { at } => b.truncate(at % b.len()),
        Mutation::DeleteToken { at } => {
            let i = at % b.len();
            let end = b[i..].iter().position(|c| c.is_ascii_whitespace()).map_or(b.len(), |p| i + p);
            b.drain(i..end);
        }
        Mutation::Duplicate { at, len } => {
            let i = at % b.len();
            let chunk: Vec<u8> = b[i..(i + len).min(b.len())].to_vec();
            b.splice(i..i, chunk);
        }
        Mutation::Insert { at, text } => {
            let i = at % b.len();
            b.splice(i..i, text.bytes());
        }
    }
    String::from_utf8_lossy(&b).into_owned()
}

fn exercise(src: &str) {
    if let Ok((m, _)) = jitty_llvm::parse_module_with_report(src, "mutated.ll") {
        let _ = jitty_ir::verify_module(&m);
        let _ = jitty_ir::print_module(&m);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 1500, ..ProptestConfig::default() })]

    #[test]
    fn mutated_inputs_do_not_panic(pick in any::<usize>(), muts in proptest::collection::vec(mutation(), 1..4)) {
        let corpus = corpus();
        let mut src = corpus[pick % corpus.len()].clone();
        for m in &muts {
            src = apply(&src, m);
        }
        exercise(&src);
    }
}

#[test]
fn every_truncation_of_a_file_is_handled() {
    for src in corpus() {
        for end in (0..src.len()).filter(|i| src.is_char_boundary(*i)) {
            exercise(&src[..end]);
        }
    }
}
