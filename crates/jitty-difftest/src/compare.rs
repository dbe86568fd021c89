//! Comparing an engine's run with the native oracle: stdout bytes and exit
//! status must be identical. A mismatch is explained in a few lines: which of
//! the two differs, and a snippet around the first differing stdout line.

use crate::run::{Output, Status, truncate};

/// The result of comparing one engine run with the native run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Verdict {
    /// Same stdout bytes and same exit status.
    Pass,
    /// Something differs; the lines explain what.
    Fail(Vec<String>),
}

impl Verdict {
    /// Whether this is [`Verdict::Pass`].
    pub fn passed(&self) -> bool {
        matches!(self, Verdict::Pass)
    }
}

/// Exit status of `jitty exec` when jitty itself fails.
pub const ENGINE_ERROR_STATUS: i32 = 125;

/// Compares `actual` (engine) against `expected` (native).
pub fn compare(expected: &Output, actual: &Output) -> Verdict {
    let mut why = Vec::new();
    if expected.status != actual.status {
        let mut line = format!("status: native {}, engine {}", expected.status, actual.status);
        if actual.status == Status::Exited(ENGINE_ERROR_STATUS) {
            line.push_str(" (engine error)");
        }
        why.push(line);
    }
    if expected.stdout != actual.stdout {
        why.extend(diff_snippet(&expected.stdout, &actual.stdout, 2));
    }
    if why.is_empty() {
        return Verdict::Pass;
    }
    if !actual.stderr.is_empty() {
        why.push(format!("engine stderr: {}", actual.stderr_head(300)));
    }
    Verdict::Fail(why)
}

/// Describes the first difference between two byte strings, line-wise, with
/// `context` lines of common output before it.
pub fn diff_snippet(expected: &[u8], actual: &[u8], context: usize) -> Vec<String> {
    let exp: Vec<&[u8]> = split_lines(expected);
    let act: Vec<&[u8]> = split_lines(actual);
    let first = exp.iter().zip(act.iter()).position(|(a, b)| a != b).unwrap_or(exp.len().min(act.len()));
    let mut out = vec![format!(
        "stdout differs at line {} (native {} bytes/{} lines, engine {} bytes/{} lines):",
        first + 1,
        expected.len(),
        exp.len(),
        actual.len(),
        act.len()
    )];
    for (i, l) in exp.iter().enumerate().take(first).skip(first.saturating_sub(context)) {
        out.push(format!("  {:>4}   {}", i + 1, show(l)));
    }
    for i in first..(first + 3) {
        let (e, a) = (exp.get(i), act.get(i));
        if e.is_none() && a.is_none() {
            break;
        }
        if e == a {
            continue;
        }
        // An exhausted side is shown once, at the first difference.
        if e.is_some() || i == first {
            out.push(format!("  {:>4} - {}", i + 1, e.map(|l| show(l)).unwrap_or_else(|| "<end of output>".into())));
        }
        if a.is_some() || i == first {
            out.push(format!("  {:>4} + {}", i + 1, a.map(|l| show(l)).unwrap_or_else(|| "<end of output>".into())));
        }
    }
    out
}

/// Splits into lines keeping the terminator, so a missing final newline shows.
fn split_lines(b: &[u8]) -> Vec<&[u8]> {
    let mut lines = Vec::new();
    let mut start = 0;
    for (i, &c) in b.iter().enumerate() {
        if c == b'\n' {
            lines.push(&b[start..=i]);
            start = i + 1;
        }
    }
    if start < b.len() {
        lines.push(&b[start..]);
    }
    lines
}

/// A line as printable text: escapes control and non-UTF-8 bytes, shortens.
fn show(line: &[u8]) -> String {
    let mut s = String::new();
    for chunk in line.utf8_chunks() {
        for c in chunk.valid().chars() {
            match c {
                '\n' => s.push_str("\\n"),
                '\t' => s.push_str("\\t"),
                '\r' => s.push_str("\\r"),
                c if c.is_control() => s.push_str(&format!("\\x{:02x}", c as u32)),
                c => s.push(c),
            }
        }
        for b in chunk.invalid() {
            s.push_str(&format!("\\x{b:02x}"));
        }
    }
    truncate(&s, 160)
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::time::Duration;

    fn out(stdout: &[u8], status: Status) -> Output {
        Output { stdout: stdout.to_vec(), stderr: Vec::new(), status, elapsed: Duration::ZERO }
    }

    #[test]
    fn equal_runs_pass() {
        assert!(compare(&out(b"a\nb\n", Status::Exited(7)), &out(b"a\nb\n", Status::Exited(7))).passed());
    }

    #[test]
    fn status_mismatch_is_reported() {
        let mut engine = out(b"", Status::Exited(125));
        engine.stderr = b"jitty: unsupported instruction\n".to_vec();
        let Verdict::Fail(why) = compare(&out(b"", Status::Exited(0)), &engine) else { panic!() };
        assert_eq!(why[0], "status: native exit 0, engine exit 125 (engine error)");
        assert_eq!(why[1], "engine stderr: jitty: unsupported instruction");
    }

    #[test]
    fn diff_shows_first_differing_line_with_context() {
        let why = diff_snippet(b"l1\nl2\nl3\nx\nl5\n", b"l1\nl2\nl3\ny\nl5\n", 2);
        assert_eq!(
            why,
            [
                "stdout differs at line 4 (native 14 bytes/5 lines, engine 14 bytes/5 lines):",
                "     2   l2\\n",
                "     3   l3\\n",
                "     4 - x\\n",
                "     4 + y\\n",
            ]
        );
    }

    #[test]
    fn diff_handles_truncation_and_missing_newline() {
        let why = diff_snippet(b"a\nb\n", b"a\nb", 1);
        assert_eq!(why[2], "     2 - b\\n");
        assert_eq!(why[3], "     2 + b");
        let why = diff_snippet(b"a\n", b"a\nextra\xff\n", 0);
        assert_eq!(why[1], "     2 - <end of output>");
        assert_eq!(why[2], "     2 + extra\\xff\\n");
    }
}
