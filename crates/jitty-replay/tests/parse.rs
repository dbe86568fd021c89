//! Parse and static-check errors name the line and what was expected; a
//! well-formed script round-trips through its canonical rendering.

use jitty_replay::Script;

fn err(text: &str) -> (usize, String) {
    match Script::parse(text) {
        Ok(s) => panic!("parsed, expected an error:\n{s}"),
        Err(e) => (e.line, e.msg),
    }
}

#[track_caller]
fn expect(text: &str, line: usize, needle: &str) {
    let (l, msg) = err(text);
    assert_eq!(l, line, "wrong line for {msg:?}");
    assert!(msg.contains(needle), "message {msg:?} does not contain {needle:?}");
}

#[test]
fn syntax_errors_name_their_line() {
    expect("spawn p1\n\np1: frobnicate\n", 3, "unknown call `frobnicate`");
    expect("spawn p1\np1: write\n", 2, "expected a descriptor");
    expect("spawn p1\np1: pipe -> r w\np1: write w hello\n", 3, "quoted string");
    expect("spawn p1\np1: pipe -> r w\np1: write w \"abc\n", 3, "unterminated string");
    expect("spawn p1\np1: pipe -> r w\np1: write w \"\\q\"\n", 3, "unknown escape");
    expect("spawn p1\np1: pipe -> r\n", 2, "expected the read and write ends");
    expect("spawn p1\np1: read 3 x\n", 2, "a byte count");
    expect("spawn p1 uid=abc\n", 1, "a number");
    expect("spawn p1 colour=blue\n", 1, "uid=N, gid=N or reuse=P");
    expect("spawn p1 reuse=p9\n", 1, "reuse=p9: no process named `p9`");
    expect("spawn p1\np1: kill p1 SIGFOO\n", 2, "expected a signal");
    expect("spawn p1\np1: sigprocmask maybe SIGUSR1\n", 2, "block, unblock or setmask");
    expect("spawn p1\np1: sigaction SIGUSR1 catch\n", 2, "handler, ignore or default");
    expect("spawn p1\np1: open \"../etc/passwd\" O_RDONLY -> f\n", 2, "leaves the script's directory");
    expect("spawn p1\np1: unlink \"d/../../x\"\n", 2, "leaves the script's directory");
    expect("spawn p1\np1: unlink \"/\"\n", 2, "must name a file");
    expect("spawn p1\np1: open \"f\" O_BOGUS -> f\n", 2, "open flags");
    expect("spawn p1\np1: lseek 0 1 sideways\n", 2, "set, cur or end");
    expect("spawn p1\np1: close 3 extra\n", 2, "unexpected `extra`");
    expect("hello\n", 1, "expected spawn, wait, end");
    expect("spawn p1\np1: rpc_client c 0 1\np1: rpc c 1 2 \"s\" [1,x]\n", 3, "[int,int,...]");
    expect("spawn p1\np1: region r huge\n", 2, "best, pool, last");
}

#[test]
fn static_errors_name_their_line() {
    expect("p1: getresuid\n", 1, "no thread named `p1`");
    expect("spawn p1\nspawn p1\n", 2, "already defined");
    expect("spawn p1\np1: close f\n", 2, "not bound in process p1");
    expect("spawn p1\nspawn p2\np1: pipe -> r w\np2: close r\n", 4, "not bound in process p2");
    expect("spawn p1\np1: kill p9 0\n", 2, "no process named `p9`");
    expect("spawn p1\np1: pipe -> r w\np1: read r 1 &\np1: close w\n", 4, "busy with its background call of line 3");
    expect("spawn p1\np1: pipe -> r w\np1: read r 1 &\n", 3, "never collected");
    expect("spawn p1\nwait p1\n", 2, "no background call");
    expect("spawn p1\np1: pipe -> r w &\n", 2, "cannot run in the background");
    expect("spawn p1\np1: fork -> c &\n", 2, "cannot run in the background");
    expect("spawn p1\np1: thread -> p2.t\n", 2, "a thread of p1 is named `p1.NAME`");
    expect("spawn p1\np1: thread -> p1.t2\nend p1.t2\np1.t2: getresuid\n", 4, "thread p1.t2 has ended");
    expect("spawn p1\np1: malloc r 8 -> b\n", 2, "region r is not open");
    expect("spawn p1\np1: region r best\np1: region r pool\n", 3, "already open");
    expect("spawn p1\np1: region r best\np1: malloc r 8 -> b\np1: free b\np1: free b\n", 5, "no allocated block");
    expect(
        "spawn p1\np1: region r best\np1: malloc r 8 -> b\np1: region r method pool\np1: free b\n",
        5,
        "no allocated block",
    );
    expect(
        "spawn p1\np1: thread -> p1.t2\np1: pipe -> r w\np1: rpc_client c r w\np1.t2: rpc c 1 2 \"\" []\n",
        5,
        "belongs to p1",
    );
    expect("spawn p1\np1: fork -> c.x\n", 2, "may not contain `.`");
}

#[test]
fn fork_copies_bindings_and_comments_are_ignored() {
    let s = Script::parse(
        "# comment\nspawn p1 uid=0 gid=0   # trailing\np1: pipe O_NONBLOCK -> r w\np1: fork -> c\nc: write w \"a\\x00\\n\"*3\nc: read r 4 &\nwait c\n",
    )
    .expect("valid");
    assert_eq!(s.lines.len(), 6);
    assert_eq!(s.lines[0].no, 2);
}

#[test]
fn canonical_rendering_parses_to_the_same_script() {
    for seed in 1..=300 {
        let text = jitty_replay::generate(seed);
        let a = Script::parse(&text).unwrap_or_else(|e| panic!("seed {seed}: {e}\n{text}"));
        let printed = a.to_string();
        let b =
            Script::parse(&printed).unwrap_or_else(|e| panic!("seed {seed}: canonical form rejected: {e}\n{printed}"));
        let strip = |s: &Script| s.lines.iter().map(|l| l.stmt.clone()).collect::<Vec<_>>();
        assert_eq!(strip(&a), strip(&b), "seed {seed}");
    }
}
