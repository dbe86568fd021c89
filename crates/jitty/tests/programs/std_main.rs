//! An ordinary `std` Rust program (the corpus programs are `no_std`):
//! `fn main` entered through std's `lang_start`, whose
//! `__rust_begin_short_backtrace` calls `black_box` (an empty inline asm, a
//! compiler barrier), `println!` formatting, `String`, `Vec`, `BTreeMap`,
//! `Box<dyn Trait>`, iterators, `std::env::args`, and an exit status set
//! by `std::process::exit`.
//!
//! `tests/differential.rs` builds it natively and to LLVM IR with rustc;
//! both engines must print what the native build prints and exit with the
//! same status.

use std::collections::BTreeMap;
use std::fmt::Write as _;
use std::hint::black_box;

trait Shape {
    fn area(&self) -> f64;
    fn name(&self) -> String;
}

struct Rect(f64, f64);
struct Circle(f64);

impl Shape for Rect {
    fn area(&self) -> f64 {
        self.0 * self.1
    }
    fn name(&self) -> String {
        format!("rect {}x{}", self.0, self.1)
    }
}

impl Shape for Circle {
    fn area(&self) -> f64 {
        std::f64::consts::PI * self.0 * self.0
    }
    fn name(&self) -> String {
        format!("circle r={}", self.0)
    }
}

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    println!("{} argument(s): {:?}", args.len(), args);

    let shapes: Vec<Box<dyn Shape>> = (1..=6)
        .map(|i| -> Box<dyn Shape> {
            if i % 2 == 0 {
                Box::new(Rect(i as f64, 1.5))
            } else {
                Box::new(Circle(i as f64 / 2.0))
            }
        })
        .collect();
    for s in &shapes {
        println!("{:<14} area {:>10.4}", s.name(), s.area());
    }

    let text = "the quick brown fox jumps over the lazy dog the end";
    let mut counts: BTreeMap<&str, usize> = BTreeMap::new();
    for w in text.split_whitespace() {
        *counts.entry(w).or_default() += 1;
    }
    let mut line = String::new();
    for (w, n) in &counts {
        write!(line, "{w}={n} ").unwrap();
    }
    println!("{}", line.trim_end());

    let mut v: Vec<u64> = (0..1000u64).map(|i| black_box(i.wrapping_mul(2654435761) % 1009)).collect();
    v.sort_unstable();
    v.dedup();
    let sum: u64 = v.iter().sum();
    println!("{} distinct, sum {}, max {:?}, {:e}", v.len(), sum, v.last(), sum as f64 / 7.0);

    std::process::exit((sum % 100) as i32);
}
