//! Sun RPC over kernel pipes between two kernel processes: the benchmark
//! procedure's round trip, RPC-level rejections (unknown program, version,
//! procedure), end of stream, EPIPE/SIGPIPE on the client, broken and
//! fragmented record streams on the server. Every test runs under a timeout.

mod common;
use common::*;

use std::sync::mpsc;

use jitty_os::rpc::stat::*;
use jitty_os::rpc::{BENCH_PROG, BENCH_VERS, BenchServer, PipeClient, Served, bench_proc};

/// What the benchmark handler answers.
fn expected(a: i32, b: i64, s: &str, arr: &[i32]) -> i32 {
    let mut sum = (a as i64).wrapping_add(b).wrapping_add(s.len() as i64);
    for &x in arr {
        sum = sum.wrapping_add(x as i64);
    }
    sum as i32
}

/// Descriptors of the two pipes as each side uses them.
#[derive(Debug, Clone, Copy)]
struct Ends {
    /// Client reads replies here.
    client_r: i32,
    /// Client writes calls here.
    client_w: i32,
    /// Server reads calls here.
    server_r: i32,
    /// Server writes replies here.
    server_w: i32,
}

/// The parent (current) process makes both pipes and spawns a client and a
/// server child that inherit them; the parent then closes its copies, and
/// each child closes the two ends it does not use. Runs `client` and
/// `server` on their own host threads entered into the children; returns
/// their results and the children's wait statuses (each closure ends its
/// process with `exit(0)` unless the process was already killed).
fn pair<RC: Send + 'static, RS: Send + 'static>(
    client: impl FnOnce(Ends) -> RC + Send + 'static,
    server: impl FnOnce(Ends) -> RS + Send + 'static,
) -> (RC, RS, i32, i32) {
    let [c2s_r, c2s_w] = sys::pipe().unwrap();
    let [s2c_r, s2c_w] = sys::pipe().unwrap();
    let ends = Ends { client_r: s2c_r, client_w: c2s_w, server_r: c2s_r, server_w: s2c_w };
    let cpid = sys::spawn().unwrap() as i32;
    let spid = sys::spawn().unwrap() as i32;
    for fd in [c2s_r, c2s_w, s2c_r, s2c_w] {
        sys::close(fd).unwrap();
    }
    let st = std::thread::spawn(move || {
        let _t = Task::enter(spid).unwrap();
        sys::close(ends.client_r).unwrap();
        sys::close(ends.client_w).unwrap();
        let r = server(ends);
        let _ = sys::exit(0);
        r
    });
    let ct = std::thread::spawn(move || {
        let _t = Task::enter(cpid).unwrap();
        sys::close(ends.server_r).unwrap();
        sys::close(ends.server_w).unwrap();
        let r = client(ends);
        let _ = sys::exit(0);
        r
    });
    let rc = ct.join().expect("client thread panicked");
    let rs = st.join().expect("server thread panicked");
    let (p, cstat) = sys::wait4(cpid, 0).unwrap();
    assert_eq!(p, cpid);
    let (p, sstat) = sys::wait4(spid, 0).unwrap();
    assert_eq!(p, spid);
    (rc, rs, cstat, sstat)
}

/// Serves calls until the stream ends or fails; returns each step's outcome.
fn serve_all(e: Ends) -> Vec<Result<Served, Errno>> {
    let mut srv = BenchServer::new().unwrap();
    let mut out = Vec::new();
    loop {
        let r = srv.serve_one(e.server_r, e.server_w);
        out.push(r);
        if !matches!(r, Ok(Served::Replied | Served::Dropped)) || out.len() > 1000 {
            return out;
        }
    }
}

fn ignore_sigpipe() {
    sys::sigaction(SIGPIPE, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
}

#[test]
fn bench_round_trips_between_two_processes() {
    with_timeout(30, || {
        let _p = user();
        let cases: Vec<(i32, i64, String, Vec<i32>)> = vec![
            (0, 0, String::new(), vec![]),
            (1, 2, "abc".into(), vec![4, 5, 6]),
            (-7, 1 << 40, "x".repeat(64), vec![i32::MAX; 16]),
            (i32::MIN, -1, "hello, kernel".into(), vec![-1, -2, -3]),
            (123_456, -123_456_789_012, "s".into(), (0..16).collect()),
        ];
        let want: Vec<i32> = cases.iter().map(|(a, b, s, arr)| expected(*a, *b, s, arr)).collect();
        let (got, served, cst, sst) = pair(
            move |e| {
                let mut c = PipeClient::new(e.client_r, e.client_w).unwrap();
                let pd = bench_proc();
                let mut got = Vec::new();
                for (a, b, s, arr) in &cases {
                    got.push(c.call_bench(&pd, *a, *b, s, arr));
                }
                // Arguments over their bounds are refused before anything is sent.
                got.push(c.call_bench(&pd, 0, 0, &"y".repeat(65), &[]));
                got.push(c.call_bench(&pd, 0, 0, "", &[1; 17]));
                // The stream is still in step.
                got.push(c.call_bench(&pd, 40, 2, "", &[]));
                got
            },
            serve_all,
        );
        let mut all: Vec<Result<i32, i32>> = want.iter().map(|&v| Ok(v)).collect();
        all.extend([Err(RPC_CANTENCODEARGS), Err(RPC_CANTENCODEARGS), Ok(42)]);
        assert_eq!(got, all);
        let mut steps = vec![Ok(Served::Replied); want.len() + 1];
        steps.push(Ok(Served::Eof));
        assert_eq!(served, steps, "one reply per sent call, then end of stream");
        assert_eq!((cst, sst), (w_exitcode(0), w_exitcode(0)));
        invariants();
    });
}

#[test]
fn unknown_procedure_program_and_version_are_rejected() {
    with_timeout(30, || {
        let _p = user();
        let (got, served, _, _) = pair(
            |e| {
                let mut c = PipeClient::new(e.client_r, e.client_w).unwrap();
                let good = bench_proc();
                let bad_proc = good.renumbered(BENCH_PROG, BENCH_VERS, 7);
                let bad_prog = good.renumbered(0x2000_0099, BENCH_VERS, 1);
                let bad_vers = good.renumbered(BENCH_PROG, 9, 1);
                assert_eq!((good.prog, good.vers), (BENCH_PROG, BENCH_VERS));
                vec![
                    c.call_bench(&bad_proc, 1, 2, "a", &[3]),
                    c.call_bench(&bad_prog, 1, 2, "a", &[3]),
                    c.call_bench(&bad_vers, 1, 2, "a", &[3]),
                    c.call_bench(&good, 1, 2, "a", &[3]),
                ]
            },
            serve_all,
        );
        assert_eq!(got, vec![Err(RPC_PROCUNAVAIL), Err(RPC_PROGUNAVAIL), Err(RPC_PROGVERSMISMATCH), Ok(7)]);
        assert_eq!(served.len(), 5);
        assert_eq!(served[4], Ok(Served::Eof));
        assert!(served[..4].iter().all(|s| *s == Ok(Served::Replied)));
    });
}

#[test]
fn server_sees_eof_when_client_closes_its_write_end() {
    with_timeout(30, || {
        let _p = user();
        let (tx, rx) = mpsc::channel::<()>();
        let (got, served, _, _) = pair(
            move |e| {
                let mut c = PipeClient::new(e.client_r, e.client_w).unwrap();
                let r = c.call_bench(&bench_proc(), 5, 5, "", &[]);
                sys::close(e.client_w).unwrap();
                // Keep the process (and its read end) alive until the server saw EOF.
                rx.recv().unwrap();
                // The client's own descriptor is gone: the next call cannot send.
                (r, c.call_bench(&bench_proc(), 5, 5, "", &[]))
            },
            move |e| {
                let mut srv = BenchServer::new().unwrap();
                let first = srv.serve_one(e.server_r, e.server_w);
                let second = srv.serve_one(e.server_r, e.server_w);
                let third = srv.serve_one(e.server_r, e.server_w);
                tx.send(()).unwrap();
                (first, second, third)
            },
        );
        assert_eq!(got, (Ok(10), Err(RPC_CANTSEND)));
        assert_eq!(served, (Ok(Served::Replied), Ok(Served::Eof), Ok(Served::Eof)));
    });
}

/// Runs a client against a server that answers one call and then closes its
/// read end; `setup` prepares the client's signal state. Returns the second
/// call's outcome, whether the client process was still alive after it, the
/// pending signals it saw, and the client's wait status.
fn after_server_read_end_closed(setup: fn()) -> (Result<i32, i32>, bool, SigSet, i32) {
    let (tx, rx) = mpsc::channel::<()>();
    let (done_tx, done_rx) = mpsc::channel::<()>();
    let (got, served, cst, sst) = pair(
        move |e| {
            setup();
            let mut c = PipeClient::new(e.client_r, e.client_w).unwrap();
            assert_eq!(c.call_bench(&bench_proc(), 1, 1, "", &[]), Ok(2));
            rx.recv().unwrap();
            let r = c.call_bench(&bench_proc(), 1, 1, "", &[]);
            let alive = sys::getpid().is_ok();
            let pending = sys::sigpending().unwrap_or(0);
            drop(c);
            done_tx.send(()).unwrap();
            (r, alive, pending)
        },
        move |e| {
            let mut srv = BenchServer::new().unwrap();
            let first = srv.serve_one(e.server_r, e.server_w);
            sys::close(e.server_r).unwrap();
            tx.send(()).unwrap();
            done_rx.recv().unwrap();
            first
        },
    );
    assert_eq!(served, Ok(Served::Replied));
    assert_eq!(sst, w_exitcode(0));
    (got.0, got.1, got.2, cst)
}

#[test]
fn client_gets_epipe_error_with_sigpipe_ignored() {
    with_timeout(30, || {
        let _p = user();
        let (r, alive, pending, cst) = after_server_read_end_closed(ignore_sigpipe);
        assert_eq!(r, Err(RPC_CANTSEND));
        assert!(alive);
        assert_eq!(pending, 0, "an ignored SIGPIPE is discarded");
        assert_eq!(cst, w_exitcode(0));
    });
}

#[test]
fn client_gets_epipe_error_with_sigpipe_blocked() {
    with_timeout(30, || {
        let _p = user();
        let (r, alive, pending, cst) = after_server_read_end_closed(|| {
            sys::sigprocmask(SIG_BLOCK, Some(1 << (SIGPIPE - 1))).unwrap();
        });
        assert_eq!(r, Err(RPC_CANTSEND));
        assert!(alive);
        assert_eq!(pending, 1 << (SIGPIPE - 1), "the blocked SIGPIPE stays pending");
        assert_eq!(cst, w_exitcode(0));
    });
}

#[test]
fn sigpipe_default_action_kills_the_client() {
    with_timeout(30, || {
        let _p = user();
        let (r, alive, _, cst) = after_server_read_end_closed(|| {});
        assert_eq!(r, Err(RPC_CANTSEND), "the call fails, it does not hang");
        assert!(!alive, "SIGPIPE's default action ended the process");
        assert_eq!(cst, w_termsig(SIGPIPE));
        invariants();
    });
}

#[test]
fn client_gets_cantrecv_and_server_ebadf_when_reply_pipe_is_closed() {
    with_timeout(30, || {
        let _p = user();
        let (tx, rx) = mpsc::channel::<()>();
        let (done_tx, done_rx) = mpsc::channel::<()>();
        let (got, served, _, _) = pair(
            move |e| {
                ignore_sigpipe();
                let mut c = PipeClient::new(e.client_r, e.client_w).unwrap();
                rx.recv().unwrap();
                let r = c.call_bench(&bench_proc(), 1, 1, "", &[]);
                done_tx.send(()).unwrap();
                r
            },
            move |e| {
                sys::close(e.server_w).unwrap();
                tx.send(()).unwrap();
                done_rx.recv().unwrap();
                // The call is in the pipe; the reply descriptor is closed.
                BenchServer::new().unwrap().serve_one(e.server_r, e.server_w)
            },
        );
        assert_eq!(got, Err(RPC_CANTRECV), "the reply stream ended");
        assert_eq!(served, Err(Errno(EBADF)));
    });
}

/// A record: the last-fragment mark and `body`.
fn record(body: &[u8]) -> Vec<u8> {
    let mut v = (0x8000_0000u32 | body.len() as u32).to_be_bytes().to_vec();
    v.extend_from_slice(body);
    v
}

#[test]
fn broken_streams_fail_cleanly() {
    with_timeout(30, || {
        let _p = user();
        ignore_sigpipe();
        let mut srv = BenchServer::new().unwrap();

        // Bad descriptors: errors, no panic.
        assert_eq!(srv.serve_one(900, 901), Err(Errno(EBADF)));
        let mut c = PipeClient::new(900, 901).unwrap();
        assert_eq!(c.call_bench(&bench_proc(), 0, 0, "", &[]), Err(RPC_CANTSEND));
        drop(c);

        // A record that is not a call is dropped without a reply.
        let [r, w] = sys::pipe().unwrap();
        let [rr, rw] = sys::pipe().unwrap();
        sys::write(w, &record(&[0xde, 0xad, 0xbe, 0xef, 0, 0, 0, 9])).unwrap();
        assert_eq!(srv.serve_one(r, rw), Ok(Served::Dropped));
        // A record larger than the server's buffer breaks the stream.
        sys::write(w, &0x8fff_ffffu32.to_be_bytes()).unwrap();
        assert_eq!(srv.serve_one(r, rw), Err(Errno(EIO)));
        // The stream ending inside a record is an error, at a boundary EOF.
        let [r2, w2] = sys::pipe().unwrap();
        sys::write(w2, &(0x8000_0000u32 | 40).to_be_bytes()).unwrap();
        sys::write(w2, &[0; 10]).unwrap();
        sys::close(w2).unwrap();
        assert_eq!(srv.serve_one(r2, rw), Err(Errno(EIO)));
        assert_eq!(srv.serve_one(r2, rw), Ok(Served::Eof));
        // A garbage reply is a decoding error on the client.
        sys::write(rw, &record(&[1, 2, 3])).unwrap();
        let mut c = PipeClient::new(rr, w).unwrap();
        assert_eq!(c.call_bench(&bench_proc(), 0, 0, "", &[]), Err(RPC_CANTDECODERES));
        drop(c);
        // No current thread: refused, not a crash.
        let h = std::thread::spawn(|| (PipeClient::new(3, 4).err(), BenchServer::new().unwrap().serve_one(3, 4)));
        assert_eq!(h.join().unwrap(), (Some(Errno(EFAULT)), Err(Errno(EINVAL))));
        for fd in [r, w, rr, rw, r2] {
            sys::close(fd).unwrap();
        }
        invariants();
    });
}

#[test]
fn server_reassembles_a_call_written_byte_by_byte() {
    with_timeout(30, || {
        let _p = user();
        // Capture a real call: the reply pipe's writer is closed, so the call
        // is sent and the client sees the reply stream end.
        let [ar, aw] = sys::pipe().unwrap();
        let [br, bw] = sys::pipe().unwrap();
        sys::close(bw).unwrap();
        let mut c = PipeClient::new(br, aw).unwrap();
        assert_eq!(c.call_bench(&bench_proc(), 3, 4, "ab", &[10, 20]), Err(RPC_CANTRECV));
        drop(c);
        let mut req = vec![0u8; 512];
        let n = sys::read(ar, &mut req).unwrap();
        req.truncate(n);
        assert!(n > 40 && req[0] & 0x80 != 0, "one last-fragment record");
        for fd in [ar, aw, br] {
            sys::close(fd).unwrap();
        }

        // Feed it to a server in another process one byte at a time.
        let [cr, cw] = sys::pipe().unwrap();
        let [dr, dw] = sys::pipe().unwrap();
        let spid = sys::spawn().unwrap() as i32;
        let st = std::thread::spawn(move || {
            let _t = Task::enter(spid).unwrap();
            sys::close(cw).unwrap();
            sys::close(dr).unwrap();
            let mut srv = BenchServer::new().unwrap();
            let r = (srv.serve_one(cr, dw), srv.serve_one(cr, dw));
            let _ = sys::exit(0);
            r
        });
        sys::close(cr).unwrap();
        sys::close(dw).unwrap();
        for b in &req {
            assert_eq!(sys::write(cw, std::slice::from_ref(b)), Ok(1));
            std::thread::sleep(std::time::Duration::from_micros(200));
        }
        sys::close(cw).unwrap();
        let mut reply = Vec::new();
        let mut buf = [0u8; 64];
        loop {
            let n = sys::read(dr, &mut buf).unwrap();
            if n == 0 {
                break;
            }
            reply.extend_from_slice(&buf[..n]);
        }
        sys::close(dr).unwrap();
        assert_eq!(st.join().unwrap(), (Ok(Served::Replied), Ok(Served::Eof)));
        assert_eq!(sys::wait4(spid, 0), Ok((spid, w_exitcode(0))));
        // mark, xid, REPLY, MSG_ACCEPTED, verifier (AUTH_NONE, 0), SUCCESS, result.
        let word = |i: usize| u32::from_be_bytes(reply[4 * i..4 * i + 4].try_into().unwrap());
        assert_eq!(reply.len(), 32);
        assert_eq!(word(0), 0x8000_0000 | 28);
        assert_eq!(&reply[4..8], &req[4..8], "the reply carries the call's xid");
        assert_eq!([word(2), word(3), word(4), word(5), word(6)], [1, 0, 0, 0, 0]);
        assert_eq!(word(7) as i32, expected(3, 4, "ab", &[10, 20]));
    });
}
