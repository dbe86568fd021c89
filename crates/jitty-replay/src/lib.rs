//! # jitty-replay: deterministic syscall scripts on the jitty kernel
//!
//! A replay script (format: this crate's README.md) names processes and
//! threads and lists their calls: pipes, files, descriptors, `fcntl` flag
//! flips, credentials, signal dispositions, kills, `sigsuspend`, Vmalloc
//! regions and RPCs over kernel pipes. [`run`] executes it on the booted
//! kernel and prints one line per statement (the result, the signals
//! delivered during it, the processes that died), then a digest of the
//! kernel state of the script's processes. The output names everything by
//! the script's names, never by pid or address, so two runs of one script
//! in one process print the same bytes: that is the differential check of
//! specialization ([`SpecMode`]), which runs each script with specialization
//! off and then forced.
//!
//! * [`Script::parse`] parses and statically checks a script, with line numbers.
//! * [`run`] / [`run_with`] execute it ([`run::Options`]).
//! * [`generate`] (`r#gen::script`; `gen` is a keyword in edition 2024) generates a valid random script from a seed.
//! * [`set_spec_hook`] is where a specialization driver plugs in;
//!   [`use_kernel_driver`] plugs in the kernel's (`jitty_os::spec`).

#![forbid(unsafe_code)]

mod actor;
pub mod r#gen;
pub mod names;
pub mod run;
pub mod script;

use std::sync::Mutex;

pub use r#gen::script as generate;
pub use jitty_os::abi::Pid;
pub use run::Options;
pub use script::{Script, ScriptError};

/// How a run uses the specializer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SpecMode {
    /// Generic kernel paths only.
    Off,
    /// The driver's policy decides what to specialize.
    On,
    /// Every call of a specialization point is specialized (the differential mode).
    Force,
}

impl std::fmt::Display for SpecMode {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(match self {
            SpecMode::Off => "off",
            SpecMode::On => "on",
            SpecMode::Force => "force",
        })
    }
}

/// Why a run failed.
#[derive(Debug, thiserror::Error)]
pub enum RunError {
    /// `On`/`Force` with no specialization driver registered.
    #[error("replay --spec {0}: no specialization driver is registered (set_spec_hook, use_kernel_driver)")]
    NoDriver(SpecMode),
    /// The kernel did not boot.
    #[error("kernel boot failed: {0}")]
    Boot(String),
    /// A call, `wait` or settle took longer than the timeout.
    #[error("line {line}: timeout: {what}")]
    Timeout {
        /// The statement's line.
        line: usize,
        /// What did not happen.
        what: String,
    },
    /// The host could not do its part (threads, the admin process).
    #[error("line {line}: {what}")]
    Host {
        /// The statement's line (0: set-up or clean-up).
        line: usize,
        /// What failed.
        what: String,
    },
    /// Writing the output failed.
    #[error("output: {0}")]
    Output(#[from] std::io::Error),
}

/// A specialization driver's hook: called at the start of every run with
/// its mode (`Off` too, so a driver can turn itself off).
pub type SpecHook = fn(SpecMode);

/// Called for every process a script creates (spawn or fork), before its
/// first call, with the run's mode and the pid (e.g. to give the process a
/// dispatch table of its own).
pub type ProcessHook = fn(SpecMode, Pid);

static SPEC_HOOK: Mutex<Option<SpecHook>> = Mutex::new(None);
static PROCESS_HOOK: Mutex<Option<ProcessHook>> = Mutex::new(None);

/// Registers the specialization driver's hook (replacing any earlier one).
pub fn set_spec_hook(hook: SpecHook) {
    *SPEC_HOOK.lock().unwrap_or_else(|e| e.into_inner()) = Some(hook);
}

/// Registers the per-process hook (replacing any earlier one).
pub fn set_process_hook(hook: ProcessHook) {
    *PROCESS_HOOK.lock().unwrap_or_else(|e| e.into_inner()) = Some(hook);
}

pub(crate) fn apply_mode(mode: SpecMode) -> Result<(), RunError> {
    let hook = *SPEC_HOOK.lock().unwrap_or_else(|e| e.into_inner());
    match (hook, mode) {
        (Some(h), m) => {
            h(m);
            Ok(())
        }
        (None, SpecMode::Off) => Ok(()),
        (None, m) => Err(RunError::NoDriver(m)),
    }
}

pub(crate) fn announce_process(mode: SpecMode, pid: Pid) {
    let hook = *PROCESS_HOOK.lock().unwrap_or_else(|e| e.into_inner());
    if let Some(h) = hook {
        h(mode, pid);
    }
}

/// Makes the kernel's specialization driver (`jitty_os::spec`) the spec
/// hook: `Off` turns its policy off, `On` is its default policy
/// (`Policy::ON`), `Force` specializes every spec point at its first call
/// (`Policy::FORCE`). Fails when the driver is unavailable (the kernel image
/// check failed), saying why.
pub fn use_kernel_driver() -> Result<(), String> {
    use_kernel_driver_with(jitty_os::spec::policy::Policy::ON)
}

/// [`use_kernel_driver`] with `on` as the policy of `On` (`jitty replay
/// --spec on --spec-after N --spec-compile sync|background`).
pub fn use_kernel_driver_with(on: jitty_os::spec::policy::Policy) -> Result<(), String> {
    jitty_os::spec::Specializer::get()?;
    *ON_POLICY.lock().unwrap_or_else(|e| e.into_inner()) = on;
    set_spec_hook(kernel_policy);
    Ok(())
}

/// The policy `On` stands for with the kernel's driver.
static ON_POLICY: Mutex<jitty_os::spec::policy::Policy> = Mutex::new(jitty_os::spec::policy::Policy::ON);

fn kernel_policy(mode: SpecMode) {
    use jitty_os::spec::policy::{Policy, set_policy};
    set_policy(match mode {
        SpecMode::Off => Policy::Off,
        SpecMode::On => *ON_POLICY.lock().unwrap_or_else(|e| e.into_inner()),
        SpecMode::Force => Policy::FORCE,
    });
}

/// The mode named by the environment variable `var` (`off`, `on`, `force`;
/// `off` when unset), with the kernel's driver registered for `on`/`force`:
/// what the differential tests use for their second runs.
pub fn mode_from_env(var: &str) -> Result<SpecMode, String> {
    let mode = match std::env::var(var).as_deref() {
        Err(_) | Ok("") | Ok("off") => return Ok(SpecMode::Off),
        Ok("on") => SpecMode::On,
        Ok("force") => SpecMode::Force,
        Ok(v) => return Err(format!("{var}={v}: expected off, on or force")),
    };
    use_kernel_driver()?;
    Ok(mode)
}

/// Runs `script` on the booted kernel (booting it if needed) in `mode`,
/// printing its output to `out`.
pub fn run(script: &Script, mode: SpecMode, out: &mut dyn std::io::Write) -> Result<(), RunError> {
    run::run(script, &Options { mode, ..Options::default() }, out)
}

/// [`run`] with every option.
pub fn run_with(script: &Script, opts: &Options, out: &mut dyn std::io::Write) -> Result<(), RunError> {
    run::run(script, opts, out)
}
