//! Running a child process with a timeout, capturing stdout, stderr, exit
//! status and wall-clock time.

use std::io::Read;
use std::os::unix::process::ExitStatusExt;
use std::path::Path;
use std::process::{Command, Stdio};
use std::time::{Duration, Instant};

/// How much of each output stream is kept; the rest is drained and dropped.
pub const CAPTURE_LIMIT: usize = 16 << 20;

/// How a process ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Status {
    /// Exited with this code.
    Exited(i32),
    /// Killed by this signal.
    Signaled(i32),
    /// Killed by the harness after the timeout.
    TimedOut,
    /// Could not be started.
    SpawnFailed,
}

impl Status {
    /// Whether the process exited with code 0.
    pub fn success(self) -> bool {
        self == Status::Exited(0)
    }
}

impl std::fmt::Display for Status {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            Status::Exited(c) => write!(f, "exit {c}"),
            Status::Signaled(s) => write!(f, "signal {s}{}", signal_name(*s)),
            Status::TimedOut => f.write_str("timeout"),
            Status::SpawnFailed => f.write_str("spawn failed"),
        }
    }
}

fn signal_name(s: i32) -> &'static str {
    match s {
        4 => " (SIGILL)",
        6 => " (SIGABRT)",
        7 => " (SIGBUS)",
        8 => " (SIGFPE)",
        9 => " (SIGKILL)",
        11 => " (SIGSEGV)",
        _ => "",
    }
}

/// What a finished process produced.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Output {
    /// Captured stdout (at most [`CAPTURE_LIMIT`] bytes).
    pub stdout: Vec<u8>,
    /// Captured stderr (at most [`CAPTURE_LIMIT`] bytes); for
    /// [`Status::SpawnFailed`], the reason.
    pub stderr: Vec<u8>,
    /// How it ended.
    pub status: Status,
    /// Wall-clock time from spawn to exit.
    pub elapsed: Duration,
}

impl Output {
    /// The first non-empty lines of stderr, joined by ` | `, at most `max` chars.
    pub fn stderr_head(&self, max: usize) -> String {
        let text = String::from_utf8_lossy(&self.stderr);
        let joined = text.lines().filter(|l| !l.trim().is_empty()).take(3).collect::<Vec<_>>().join(" | ");
        truncate(&joined, max)
    }
}

/// Shortens `s` to at most `max` chars, marking the cut with `...`.
pub fn truncate(s: &str, max: usize) -> String {
    if s.chars().count() <= max {
        s.to_string()
    } else {
        let mut t: String = s.chars().take(max.saturating_sub(3)).collect();
        t.push_str("...");
        t
    }
}

/// Runs `program args` with stdin from `/dev/null`, killing it after `timeout`.
pub fn run(program: &str, args: &[String], timeout: Duration, cwd: Option<&Path>) -> Output {
    run_env(program, args, &[], timeout, cwd)
}

/// [`run`] with the variables `env` added to the inherited environment.
pub fn run_env(
    program: &str,
    args: &[String],
    env: &[(String, String)],
    timeout: Duration,
    cwd: Option<&Path>,
) -> Output {
    let mut cmd = Command::new(program);
    cmd.args(args).stdin(Stdio::null()).stdout(Stdio::piped()).stderr(Stdio::piped());
    cmd.envs(env.iter().map(|(k, v)| (k, v)));
    if let Some(dir) = cwd {
        cmd.current_dir(dir);
    }
    let start = Instant::now();
    let mut child = match cmd.spawn() {
        Ok(c) => c,
        Err(e) => {
            return Output {
                stdout: Vec::new(),
                stderr: format!("cannot run {program}: {e}").into_bytes(),
                status: Status::SpawnFailed,
                elapsed: start.elapsed(),
            };
        }
    };
    let out_reader = spawn_reader(child.stdout.take());
    let err_reader = spawn_reader(child.stderr.take());
    let mut status = Status::TimedOut;
    let mut elapsed;
    loop {
        elapsed = start.elapsed();
        match child.try_wait() {
            Ok(Some(st)) => {
                status = match (st.code(), st.signal()) {
                    (Some(c), _) => Status::Exited(c),
                    (None, Some(s)) => Status::Signaled(s),
                    (None, None) => Status::Signaled(0),
                };
                break;
            }
            Ok(None) => {}
            Err(_) => break,
        }
        if elapsed >= timeout {
            let _ = child.kill();
            let _ = child.wait();
            break;
        }
        // Poll finely at first so short runs are timed precisely, then back off.
        let nap = if elapsed < Duration::from_millis(200) {
            Duration::from_micros(100)
        } else if elapsed < Duration::from_secs(3) {
            Duration::from_millis(1)
        } else {
            Duration::from_millis(5)
        };
        std::thread::sleep(nap);
    }
    let stdout = out_reader.join().unwrap_or_default();
    let stderr = err_reader.join().unwrap_or_default();
    Output { stdout, stderr, status, elapsed }
}

fn spawn_reader<R: Read + Send + 'static>(pipe: Option<R>) -> std::thread::JoinHandle<Vec<u8>> {
    std::thread::spawn(move || {
        let mut kept = Vec::new();
        let Some(mut pipe) = pipe else { return kept };
        let mut buf = [0u8; 8192];
        loop {
            match pipe.read(&mut buf) {
                Ok(0) | Err(_) => break,
                Ok(n) => {
                    let room = CAPTURE_LIMIT.saturating_sub(kept.len());
                    kept.extend_from_slice(&buf[..n.min(room)]);
                }
            }
        }
        kept
    })
}

/// Runs a build step (compiler, generator) and turns failure into an error
/// carrying the command and its stderr.
pub fn run_tool(program: &str, args: &[String], timeout: Duration) -> crate::Result<Output> {
    run_tool_in(program, args, timeout, None)
}

/// [`run_tool`] in directory `cwd` (for tools that drop temporary files
/// into the current directory).
pub fn run_tool_in(program: &str, args: &[String], timeout: Duration, cwd: Option<&Path>) -> crate::Result<Output> {
    run_tool_env(program, args, &[], timeout, cwd)
}

/// [`run_tool_in`] with the variables `env` added to the environment.
pub fn run_tool_env(
    program: &str,
    args: &[String],
    env: &[(String, String)],
    timeout: Duration,
    cwd: Option<&Path>,
) -> crate::Result<Output> {
    let out = run_env(program, args, env, timeout, cwd);
    if out.status.success() {
        Ok(out)
    } else {
        let text = String::from_utf8_lossy(&out.stderr);
        let tail: Vec<&str> = text.lines().rev().take(12).collect();
        let tail: Vec<&str> = tail.into_iter().rev().collect();
        Err(crate::err!("`{program} {}` failed ({}):\n{}", args.join(" "), out.status, tail.join("\n")))
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn captures_output_and_status() {
        let out =
            run("sh", &["-c".into(), "printf 'hi\\n'; echo oops >&2; exit 3".into()], Duration::from_secs(10), None);
        assert_eq!(out.stdout, b"hi\n");
        assert_eq!(out.stderr, b"oops\n");
        assert_eq!(out.status, Status::Exited(3));
    }

    #[test]
    fn reports_signals_timeouts_and_spawn_failures() {
        let out = run("sh", &["-c".into(), "kill -SEGV $$".into()], Duration::from_secs(10), None);
        assert_eq!(out.status, Status::Signaled(11));
        let out = run("sleep", &["5".into()], Duration::from_millis(100), None);
        assert_eq!(out.status, Status::TimedOut);
        assert!(out.elapsed < Duration::from_secs(4));
        let out = run("/nonexistent/engine", &[], Duration::from_secs(1), None);
        assert_eq!(out.status, Status::SpawnFailed);
    }

    #[test]
    fn adds_environment_variables() {
        let env = [("JITTY_RUN_ENV_TEST".to_string(), "a b".to_string())];
        let script = "printf '%s' \"${JITTY_RUN_ENV_TEST-unset}\"".to_string();
        let out = run_env("sh", &["-c".into(), script.clone()], &env, Duration::from_secs(10), None);
        assert_eq!(out.stdout, b"a b");
        let out = run("sh", &["-c".into(), script], Duration::from_secs(10), None);
        assert_eq!(out.stdout, b"unset");
    }

    #[test]
    fn truncates() {
        assert_eq!(truncate("abcdef", 10), "abcdef");
        assert_eq!(truncate("abcdefghijkl", 6), "abc...");
    }
}
