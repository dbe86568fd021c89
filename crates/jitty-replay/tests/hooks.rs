//! The specialization hooks: a registered spec hook makes `On`/`Force`
//! runnable and sees the mode of every run; the process hook sees every
//! process the script creates, spawned or forked, and only those.

use std::sync::Mutex;

use jitty_replay::{Pid, Script, SpecMode};

static MODES: Mutex<Vec<SpecMode>> = Mutex::new(Vec::new());
static PIDS: Mutex<Vec<(SpecMode, Pid)>> = Mutex::new(Vec::new());

fn spec_hook(mode: SpecMode) {
    MODES.lock().expect("lock").push(mode);
}

fn process_hook(mode: SpecMode, pid: Pid) {
    PIDS.lock().expect("lock").push((mode, pid));
}

#[test]
fn hooks_see_every_run_and_every_process() {
    jitty_replay::set_spec_hook(spec_hook);
    jitty_replay::set_process_hook(process_hook);
    let script =
        Script::parse("spawn p1\np1: fork -> c\nc: exit 0\np1: wait4 c\nspawn p2\np2: getresuid\n").expect("valid");
    let mut outs = Vec::new();
    for mode in [SpecMode::Off, SpecMode::Force, SpecMode::On] {
        let mut out = Vec::new();
        jitty_replay::run(&script, mode, &mut out).unwrap_or_else(|e| panic!("{mode}: {e}"));
        outs.push(String::from_utf8(out).expect("UTF-8"));
    }
    assert_eq!(*MODES.lock().expect("lock"), vec![SpecMode::Off, SpecMode::Force, SpecMode::On]);
    let pids = PIDS.lock().expect("lock").clone();
    assert_eq!(pids.len(), 9, "three processes per run: {pids:?}");
    assert!(pids.iter().all(|&(_, p)| p > 1), "{pids:?}");
    assert_eq!(pids.iter().map(|&(m, _)| m).collect::<Vec<_>>()[3..6], [SpecMode::Force; 3]);
    // The hook changed nothing here (it does not specialize): same output.
    assert_eq!(outs[0], outs[1]);
    assert_eq!(outs[0], outs[2]);
}
