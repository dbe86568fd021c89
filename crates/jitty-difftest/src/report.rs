//! Progress lines and the summary: one line per finished case, then
//! `N passed, M failed[, K skipped]` on a line of its own.

use crate::compare::Verdict;
use std::io::Write;
use std::sync::Mutex;

/// Counts of a run and the names of the failed cases.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Summary {
    /// Cases whose engine output matched native.
    pub passed: usize,
    /// Cases that differed or could not be built.
    pub failed: usize,
    /// Cases not run (e.g. csmith seeds whose native run timed out).
    pub skipped: usize,
    /// One line per failed case.
    pub failures: Vec<String>,
    /// One line per skipped unit.
    pub skips: Vec<String>,
}

impl Summary {
    /// `N passed, M failed`.
    pub fn line(&self) -> String {
        format!("{} passed, {} failed", self.passed, self.failed)
    }

    /// `N passed, M failed, K skipped`.
    pub fn line_with_skips(&self) -> String {
        format!("{} passed, {} failed, {} skipped", self.passed, self.failed, self.skipped)
    }

    /// Parses a summary line back (`N passed, M failed[, K skipped]`).
    pub fn parse_line(line: &str) -> Option<(usize, usize, Option<usize>)> {
        let parts: Vec<&str> = line.trim().split(", ").collect();
        let num = |p: &str, word: &str| p.strip_suffix(word).and_then(|n| n.trim().parse::<usize>().ok());
        match parts.as_slice() {
            [p, f] => Some((num(p, " passed")?, num(f, " failed")?, None)),
            [p, f, s] => Some((num(p, " passed")?, num(f, " failed")?, Some(num(s, " skipped")?))),
            _ => None,
        }
    }
}

/// Serializes progress output from worker threads and keeps the counts.
#[derive(Debug)]
pub struct Progress {
    total: usize,
    state: Mutex<(usize, Summary)>,
    verbose: bool,
}

impl Progress {
    /// A reporter for `total` cases.
    pub fn new(total: usize, verbose: bool) -> Progress {
        Progress { total, state: Mutex::new((0, Summary::default())), verbose }
    }

    fn emit(&self, f: impl FnOnce(&mut Summary, String) -> Vec<String>) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.0 += 1;
        let counter = format!("[{:>w$}/{}]", st.0, self.total, w = self.total.to_string().len());
        let lines = f(&mut st.1, counter);
        let mut text = String::new();
        for l in lines {
            text.push_str(&l);
            text.push('\n');
        }
        // `print!` (not a raw stdout handle) so that test harnesses capture it.
        print!("{text}");
        let _ = std::io::stdout().flush();
    }

    /// Records a compared case.
    pub fn case(&self, name: &str, verdict: &Verdict, millis: f64) {
        self.emit(|sum, counter| match verdict {
            Verdict::Pass => {
                sum.passed += 1;
                vec![format!("{counter} PASS {name} ({millis:.0} ms)")]
            }
            Verdict::Fail(why) => {
                sum.failed += 1;
                sum.failures.push(name.to_string());
                let mut v = vec![format!("{counter} FAIL {name}")];
                v.extend(why.iter().map(|l| format!("      {l}")));
                v
            }
        });
    }

    /// Records a case that failed before comparison (build error, ...).
    pub fn error(&self, name: &str, msg: &str) {
        self.case(name, &Verdict::Fail(msg.lines().map(str::to_string).collect()), 0.0);
    }

    /// Records `count` skipped cases of one unit.
    pub fn skip(&self, name: &str, count: usize, why: &str) {
        let mut st = self.state.lock().unwrap_or_else(|e| e.into_inner());
        st.0 += count.saturating_sub(1);
        drop(st);
        self.emit(|sum, counter| {
            sum.skipped += count;
            sum.skips.push(format!("{name}: {why}"));
            vec![format!("{counter} SKIP {name}: {why}")]
        });
    }

    /// Prints an informational line (only with `verbose`).
    pub fn note(&self, msg: &str) {
        if self.verbose {
            let _st = self.state.lock().unwrap_or_else(|e| e.into_inner());
            println!("      {msg}");
        }
    }

    /// The final counts.
    pub fn finish(self) -> Summary {
        self.state.into_inner().unwrap_or_else(|e| e.into_inner()).1
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn summary_lines_round_trip() {
        let s = Summary { passed: 88, failed: 2, skipped: 3, ..Summary::default() };
        assert_eq!(s.line(), "88 passed, 2 failed");
        assert_eq!(s.line_with_skips(), "88 passed, 2 failed, 3 skipped");
        assert_eq!(Summary::parse_line(&s.line()), Some((88, 2, None)));
        assert_eq!(Summary::parse_line(&s.line_with_skips()), Some((88, 2, Some(3))));
        assert_eq!(Summary::parse_line("PASS x"), None);
    }

    #[test]
    fn progress_counts() {
        let p = Progress::new(4, false);
        p.case("a", &Verdict::Pass, 1.0);
        p.case("b", &Verdict::Fail(vec!["x".into()]), 1.0);
        p.skip("c", 2, "native timeout");
        let s = p.finish();
        assert_eq!((s.passed, s.failed, s.skipped), (1, 1, 2));
        assert_eq!(s.failures, ["b"]);
    }
}
