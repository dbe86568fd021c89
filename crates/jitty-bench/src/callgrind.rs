//! Instruction counts with `valgrind --tool=callgrind`: the probe binary runs
//! the chosen experiments once with collection toggled on only inside the
//! `bench_loop_*` functions; `callgrind_annotate --inclusive=yes` then gives
//! each loop's instructions, divided by its operation count.

use std::collections::BTreeMap;
use std::path::Path;
use std::process::Command;

use crate::BenchError;
use crate::exp::Experiment;

/// Cost of one function, per operation of the experiment.
#[derive(Debug, Clone, PartialEq, serde::Serialize)]
pub struct FnCost {
    /// Demangled function name.
    pub function: String,
    /// Instructions in the function and its callees, per operation.
    pub inclusive: f64,
    /// Instructions in the function itself, per operation.
    pub self_cost: f64,
}

/// Whether `valgrind` and `callgrind_annotate` can be run.
pub fn available() -> bool {
    let ok = |c: &str, a: &str| Command::new(c).arg(a).output().map(|o| o.status.success()).unwrap_or(false);
    // callgrind_annotate 3.19 exits with 255 after printing its version.
    ok("valgrind", "--version") && Command::new("callgrind_annotate").arg("--version").output().is_ok()
}

/// Operations per experiment in a callgrind run.
pub fn iterations(e: Experiment, quick: bool) -> u64 {
    let n = match e {
        Experiment::E3ProdCons | Experiment::E3ProdConsSpec => 5_000,
        Experiment::E6Call | Experiment::E6CallSpec => 10_000,
        // Each op installs a dependent first (a grace period).
        Experiment::E8Guarded => 1_000,
        _ => 20_000,
    };
    if quick { n / 10 } else { n }
}

/// Runs the probe under callgrind for `exps` (`(experiment, ops)`), leaving
/// the profile at `out`.
/// `probe_args` go before the experiments (e.g. the subcommand of a CLI
/// that doubles as the probe).
pub fn profile(probe: &Path, probe_args: &[String], exps: &[(Experiment, u64)], out: &Path) -> Result<(), BenchError> {
    let mut cmd = Command::new("valgrind");
    cmd.arg("--tool=callgrind")
        .arg(format!("--callgrind-out-file={}", out.display()))
        .arg("--toggle-collect=*bench_loop_*")
        .arg(probe)
        .args(probe_args);
    for (e, n) in exps {
        cmd.arg(format!("{}={n}", e.key()));
    }
    let o = cmd.output().map_err(|e| BenchError::Callgrind(format!("running valgrind: {e}")))?;
    if !o.status.success() {
        let err = String::from_utf8_lossy(&o.stderr);
        let tail: Vec<&str> = err.lines().rev().take(8).collect();
        return Err(BenchError::Callgrind(format!(
            "probe failed under callgrind ({}): {}",
            o.status,
            tail.into_iter().rev().collect::<Vec<_>>().join(" | ")
        )));
    }
    Ok(())
}

/// `function -> Ir` from `callgrind_annotate` (inclusive or self).
pub fn annotate(profile: &Path, inclusive: bool) -> Result<BTreeMap<String, u64>, BenchError> {
    let o = Command::new("callgrind_annotate")
        .arg(format!("--inclusive={}", if inclusive { "yes" } else { "no" }))
        .arg("--threshold=100")
        .arg("--auto=no")
        .arg("--tree=none")
        .arg(profile)
        .output()
        .map_err(|e| BenchError::Callgrind(format!("running callgrind_annotate: {e}")))?;
    if !o.status.success() {
        return Err(BenchError::Callgrind(format!("callgrind_annotate failed: {}", o.status)));
    }
    Ok(parse_annotate(&String::from_utf8_lossy(&o.stdout), inclusive))
}

/// Parses `callgrind_annotate` function lines (`1,234 (5.0%)  file:function [object]`).
///
/// `callgrind_annotate` splits a function's cost by the source file of
/// inlined code (`exp.rs:f`, `syscall.rs:f`, ...). Self costs of the pieces
/// are disjoint and are summed; for inclusive costs the entry of the
/// function's own file already contains every piece, so the largest is taken.
pub fn parse_annotate(text: &str, inclusive: bool) -> BTreeMap<String, u64> {
    let mut out = BTreeMap::new();
    for line in text.lines() {
        let line = line.trim();
        let Some((num, rest)) = line.split_once(char::is_whitespace) else { continue };
        if num.is_empty() || !num.chars().all(|c| c.is_ascii_digit() || c == ',') {
            continue;
        }
        let Ok(ir) = num.replace(',', "").parse::<u64>() else { continue };
        let mut rest = rest.trim_start();
        if rest.starts_with('(') {
            rest = rest.split_once(')').map_or("", |(_, r)| r).trim_start();
        }
        let Some((_file, func)) = rest.split_once(':') else { continue };
        let func = match func.rfind(" [") {
            Some(i) if func.ends_with(']') => &func[..i],
            _ => func,
        };
        let func = strip_hash(func.trim());
        if func.is_empty() || func.contains("PROGRAM TOTALS") || func.ends_with("x)") {
            continue;
        }
        let e = out.entry(func.to_string()).or_insert(0);
        *e = if inclusive { (*e).max(ir) } else { *e + ir };
    }
    out
}

fn strip_hash(f: &str) -> &str {
    match f.rsplit_once("::h") {
        Some((head, h)) if h.len() == 16 && h.chars().all(|c| c.is_ascii_hexdigit()) => head,
        _ => f,
    }
}

/// The inclusive cost of the function whose last path segment is `name`.
pub fn loop_cost(costs: &BTreeMap<String, u64>, name: &str) -> Option<u64> {
    let total: u64 =
        costs.iter().filter(|(f, _)| f.as_str() == name || f.ends_with(&format!("::{name}"))).map(|(_, &c)| c).sum();
    (total > 0).then_some(total)
}

/// Instructions per operation of each experiment, from one profile.
pub fn per_op(costs: &BTreeMap<String, u64>, exps: &[(Experiment, u64)]) -> BTreeMap<Experiment, f64> {
    let mut m = BTreeMap::new();
    for &(e, n) in exps {
        let fns = e.loop_fns();
        let c: Vec<u64> = fns.iter().filter_map(|f| loop_cost(costs, f)).collect();
        if c.len() == fns.len() && n > 0 {
            m.insert(e, c.iter().sum::<u64>() as f64 / n as f64);
        }
    }
    m
}

/// The per-function breakdown of one experiment's profile: every function
/// with at least `min_share` of the loop's inclusive cost, by inclusive cost.
/// The loop's callers (whose collected inclusive cost is the whole loop's and
/// whose self cost is zero) are left out.
pub fn breakdown(
    incl: &BTreeMap<String, u64>,
    selfc: &BTreeMap<String, u64>,
    e: Experiment,
    n: u64,
    min_share: f64,
) -> Vec<FnCost> {
    let total: u64 = e.loop_fns().iter().filter_map(|f| loop_cost(incl, f)).sum();
    if total == 0 || n == 0 {
        return Vec::new();
    }
    let mut v: Vec<FnCost> = incl
        .iter()
        .filter(|&(_, &c)| c as f64 >= min_share * total as f64)
        .filter(|&(f, &c)| {
            c < total || selfc.get(f).copied().unwrap_or(0) > 0 || e.loop_fns().iter().any(|l| f.ends_with(l))
        })
        .map(|(f, &c)| FnCost {
            function: f.clone(),
            inclusive: c as f64 / n as f64,
            self_cost: selfc.get(f).copied().unwrap_or(0) as f64 / n as f64,
        })
        .collect();
    v.sort_by(|a, b| b.inclusive.total_cmp(&a.inclusive).then(a.function.cmp(&b.function)));
    v
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_annotate_lines() {
        let t = "--------\nIr  file:function\n--------\n\
                 12,000 (100.0%)  PROGRAM TOTALS\n\
                 10,000 (83.3%)  ???:jitty_bench::exp::bench_loop_e1 [/x/probe]\n\
                 9,000 (75.0%)  /k/src/syscall.rs:jitty_bench::exp::bench_loop_e1 [/x/probe]\n\
                 2,000  /k/src/pipe.rs:jitty_kernel::pipe::pipe_write::h0123456789abcdef [/x/probe]\n";
        let m = parse_annotate(t, true);
        assert_eq!(m.get("jitty_bench::exp::bench_loop_e1"), Some(&10_000));
        assert_eq!(m.get("jitty_kernel::pipe::pipe_write"), Some(&2_000));
        assert_eq!(loop_cost(&m, "bench_loop_e1"), Some(10_000));
        assert_eq!(m.len(), 2);
        assert_eq!(parse_annotate(t, false).get("jitty_bench::exp::bench_loop_e1"), Some(&19_000));
    }
}
