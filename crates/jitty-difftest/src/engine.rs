//! Engine specifications: how to run an LLVM IR file with program arguments.
//!
//! An engine spec is one string, split into words like a shell would (single
//! quotes, double quotes and backslashes work; nothing is expanded):
//!
//! ```text
//! [LABEL=]PROGRAM [WORD...]
//! ```
//!
//! Words may contain placeholders:
//!
//! * `{ll}` — the path of the `.ll` file to run;
//! * `{args}` — a word of its own: the program's arguments, one word each;
//! * `{libstd}` — the toolchain's `libstd-*.so` (exports the precompiled
//!   `core`/`alloc` functions that rustc's IR calls).
//!
//! Without `{ll}`, the argument convention is inferred and appended:
//!
//! * `jitty ... exec ...` (program basename starts with `jitty`, a word is
//!   `exec`): `{ll} -- {args}`, the `jitty exec FILE.ll -- ARGS` convention;
//! * anything else: `{ll} {args}`, the `lli FILE.ll ARGS` convention.
//!
//! An `lli*` program given no `--dlopen`/`-load` also gets
//! `--dlopen={libstd}` right after the program name, so that rustc's `-O0`
//! IR resolves its calls into `core`.
//!
//! Examples: `lli-22`, `orc=lli-22 -O2`,
//! `interp=target/release/jitty exec --engine interp`,
//! `my-engine --run {ll} --args {args}`.

use crate::compare::{Verdict, compare};
use crate::report::Progress;
use crate::run::{Output, run};
use crate::{Result, err};
use std::path::Path;
use std::time::Duration;

/// A parsed engine spec.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineSpec {
    /// Short name used in reports.
    pub label: String,
    /// The spec string as given.
    pub spec: String,
    /// Program and argument templates, placeholders not yet substituted.
    words: Vec<String>,
}

/// The concrete command for one run of an engine.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct EngineCommand {
    /// The program to execute.
    pub program: String,
    /// Its arguments.
    pub args: Vec<String>,
}

impl EngineSpec {
    /// Parses a spec string (see the module documentation).
    pub fn parse(spec: &str) -> Result<EngineSpec> {
        let trimmed = spec.trim();
        let (label, body) = split_label(trimmed);
        let mut words = shell_words(body)?;
        if words.is_empty() {
            return Err(err!("empty engine spec {spec:?}"));
        }
        let has_ll = words.iter().any(|w| w.contains("{ll}"));
        let has_args = words.iter().any(|w| w == "{args}");
        if has_ll != has_args {
            return Err(err!("engine spec {spec:?}: use both {{ll}} and {{args}} (as its own word), or neither"));
        }
        let program = basename(&words[0]).to_string();
        if program.starts_with("lli") && !words.iter().any(|w| w.starts_with("--dlopen") || w.starts_with("-load")) {
            words.insert(1, "--dlopen={libstd}".to_string());
        }
        if !has_ll {
            let jitty_exec = program.starts_with("jitty") && words.iter().any(|w| w == "exec");
            words.push("{ll}".to_string());
            if jitty_exec {
                words.push("--".to_string());
            }
            words.push("{args}".to_string());
        }
        let label = match label {
            Some(l) => l.to_string(),
            None => default_label(body),
        };
        Ok(EngineSpec { label, spec: trimmed.to_string(), words })
    }

    /// The word templates, e.g. `["lli-22", "--dlopen={libstd}", "{ll}", "{args}"]`.
    pub fn words(&self) -> &[String] {
        &self.words
    }

    /// Whether the spec needs the toolchain's `libstd-*.so`.
    pub fn needs_libstd(&self) -> bool {
        self.words.iter().any(|w| w.contains("{libstd}"))
    }

    /// The command running `ll` with program arguments `args`.
    pub fn command(&self, ll: &Path, args: &[String], libstd: Option<&Path>) -> Result<EngineCommand> {
        let ll = ll.to_str().ok_or_else(|| err!("non-UTF-8 path {}", ll.display()))?;
        let mut out = Vec::new();
        for w in &self.words {
            if w == "{args}" {
                out.extend(args.iter().cloned());
                continue;
            }
            let mut s = w.replace("{ll}", ll);
            if s.contains("{libstd}") {
                let lib = libstd.ok_or_else(|| err!("engine {}: no libstd-*.so found for {{libstd}}", self.label))?;
                s = s.replace("{libstd}", &lib.to_string_lossy());
            }
            out.push(s);
        }
        let program = out.remove(0);
        Ok(EngineCommand { program, args: out })
    }

    /// Runs `ll` (no program arguments) on this engine, reported under
    /// `name`, and compares the run with the `native` oracle. `None` when
    /// the command cannot be formed (reported as an error). The caller adds
    /// its lines to a failure and reports the verdict.
    pub fn run_against(
        &self,
        name: &str,
        ll: &Path,
        libstd: Option<&Path>,
        timeout: Duration,
        native: &Output,
        progress: &Progress,
    ) -> Option<(EngineCommand, Output, Verdict)> {
        let cmd = match self.command(ll, &[], libstd) {
            Ok(c) => c,
            Err(e) => {
                progress.error(name, &e.to_string());
                return None;
            }
        };
        progress.note(&format!("{name}: {cmd}"));
        let out = run(&cmd.program, &cmd.args, timeout, None);
        let verdict = compare(native, &out);
        Some((cmd, out, verdict))
    }
}

impl std::fmt::Display for EngineCommand {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(&self.program)?;
        for a in &self.args {
            if a.is_empty() || a.contains(|c: char| c.is_whitespace() || c == '\'' || c == '"') {
                write!(f, " '{}'", a.replace('\'', "'\\''"))?;
            } else {
                write!(f, " {a}")?;
            }
        }
        Ok(())
    }
}

/// Splits an optional `LABEL=` prefix off a spec. A label is made of
/// `[A-Za-z0-9_.-]` and ends at the first `=`, before any whitespace.
fn split_label(spec: &str) -> (Option<&str>, &str) {
    if let Some(eq) = spec.find('=') {
        let label = &spec[..eq];
        let ok = !label.is_empty()
            && !label.starts_with('-')
            && label.chars().all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '.' | '-'));
        if ok && !spec[eq + 1..].trim().is_empty() {
            return (Some(label), spec[eq + 1..].trim());
        }
    }
    (None, spec)
}

/// A short label for an unlabeled spec: the program's basename plus the
/// remaining words.
fn default_label(body: &str) -> String {
    let words = shell_words(body).unwrap_or_default();
    let mut parts: Vec<String> = Vec::new();
    for (i, w) in words.iter().enumerate() {
        if i == 0 {
            parts.push(basename(w).to_string());
        } else {
            parts.push(w.clone());
        }
    }
    parts.join(" ")
}

fn basename(path: &str) -> &str {
    path.rsplit('/').next().unwrap_or(path)
}

/// Splits `s` into words: whitespace separates, `'...'` is literal, `"..."`
/// allows `\"` and `\\`, a backslash outside quotes escapes the next char.
pub fn shell_words(s: &str) -> Result<Vec<String>> {
    let mut words = Vec::new();
    let mut cur = String::new();
    let mut in_word = false;
    let mut chars = s.chars();
    while let Some(c) = chars.next() {
        match c {
            c if c.is_whitespace() => {
                if in_word {
                    words.push(std::mem::take(&mut cur));
                    in_word = false;
                }
            }
            '\'' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('\'') => break,
                        Some(c) => cur.push(c),
                        None => return Err(err!("unterminated ' in {s:?}")),
                    }
                }
            }
            '"' => {
                in_word = true;
                loop {
                    match chars.next() {
                        Some('"') => break,
                        Some('\\') => match chars.next() {
                            Some(c @ ('"' | '\\')) => cur.push(c),
                            Some(c) => {
                                cur.push('\\');
                                cur.push(c);
                            }
                            None => return Err(err!("unterminated \" in {s:?}")),
                        },
                        Some(c) => cur.push(c),
                        None => return Err(err!("unterminated \" in {s:?}")),
                    }
                }
            }
            '\\' => {
                in_word = true;
                match chars.next() {
                    Some(c) => cur.push(c),
                    None => return Err(err!("trailing backslash in {s:?}")),
                }
            }
            c => {
                in_word = true;
                cur.push(c);
            }
        }
    }
    if in_word {
        words.push(cur);
    }
    Ok(words)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn cmd(spec: &str) -> Vec<String> {
        let e = EngineSpec::parse(spec).unwrap();
        let c = e.command(Path::new("/x/p.ll"), &["a".into(), "b c".into()], Some(Path::new("/l/libstd.so"))).unwrap();
        let mut v = vec![c.program];
        v.extend(c.args);
        v
    }

    #[test]
    fn lli_convention_with_auto_dlopen() {
        assert_eq!(cmd("lli-22"), ["lli-22", "--dlopen=/l/libstd.so", "/x/p.ll", "a", "b c"]);
        assert_eq!(EngineSpec::parse("lli-22").unwrap().label, "lli-22");
    }

    #[test]
    fn explicit_dlopen_is_kept() {
        assert_eq!(
            cmd("/usr/bin/lli-22 --dlopen=/z.so -O0"),
            ["/usr/bin/lli-22", "--dlopen=/z.so", "-O0", "/x/p.ll", "a", "b c"]
        );
    }

    #[test]
    fn jitty_exec_convention() {
        let spec = "target/release/jitty exec --engine interp";
        assert_eq!(cmd(spec), ["target/release/jitty", "exec", "--engine", "interp", "/x/p.ll", "--", "a", "b c"]);
        assert_eq!(EngineSpec::parse(spec).unwrap().label, "jitty exec --engine interp");
    }

    #[test]
    fn labelled_jitty_exec_as_in_ci() {
        let e = EngineSpec::parse("interp=/w/target/release/jitty exec --engine interp").unwrap();
        assert_eq!(e.label, "interp");
        assert_eq!(e.words(), ["/w/target/release/jitty", "exec", "--engine", "interp", "{ll}", "--", "{args}"]);
        assert!(!e.needs_libstd());
    }

    #[test]
    fn labels() {
        let e = EngineSpec::parse("interp=jitty exec --engine interp").unwrap();
        assert_eq!(e.label, "interp");
        assert_eq!(e.words()[0], "jitty");
        // `=` inside a later word is not a label.
        let e = EngineSpec::parse("lli-22 --dlopen=/a.so").unwrap();
        assert_eq!(e.label, "lli-22 --dlopen=/a.so");
    }

    #[test]
    fn explicit_placeholders() {
        assert_eq!(
            cmd("eng --file={ll} --argv {args} --end"),
            ["eng", "--file=/x/p.ll", "--argv", "a", "b c", "--end"]
        );
        assert!(EngineSpec::parse("eng {ll}").is_err());
        assert!(EngineSpec::parse("  ").is_err());
    }

    #[test]
    fn quoting() {
        assert_eq!(shell_words(r#"a 'b c' "d \"e\"" f\ g"#).unwrap(), ["a", "b c", "d \"e\"", "f g"]);
        assert!(shell_words("'x").is_err());
    }

    #[test]
    fn missing_libstd_is_an_error() {
        let e = EngineSpec::parse("lli-22").unwrap();
        assert!(e.needs_libstd());
        assert!(e.command(Path::new("p.ll"), &[], None).is_err());
    }
}
