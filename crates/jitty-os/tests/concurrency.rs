//! Concurrency: multi-threaded pipe producers/consumers, PIPE_BUF atomicity
//! under concurrent writers, kill storms, SIGKILL racing syscalls, threads
//! sharing one descriptor table. Every test runs under a timeout.

mod common;
use common::*;
use std::sync::Arc;
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};

#[test]
fn pipe_producers_consumer() {
    with_timeout(60, || {
        let _p = user();
        let [r, w] = sys::pipe().unwrap();
        let kids: Vec<i32> = (0..4).map(|_| sys::spawn().unwrap() as i32).collect();
        sys::close(w).unwrap();
        let hs: Vec<_> = kids
            .iter()
            .enumerate()
            .map(|(i, &c)| {
                std::thread::spawn(move || {
                    let _c = Task::enter(c).unwrap();
                    sys::close(r).unwrap();
                    let msg = [i as u8 + 1; 37];
                    for _ in 0..2000 {
                        assert_eq!(sys::write(w, &msg), Ok(37));
                    }
                    sys::exit(0).unwrap();
                })
            })
            .collect();
        let mut counts = [0u64; 5];
        let mut buf = vec![0u8; 3000];
        loop {
            let n = sys::read(r, &mut buf).unwrap();
            if n == 0 {
                break;
            }
            for &b in &buf[..n] {
                counts[b as usize] += 1;
            }
        }
        for h in hs {
            h.join().unwrap();
        }
        assert_eq!(&counts[1..], &[74_000; 4]);
        for c in kids {
            sys::wait4(c, 0).unwrap();
        }
        invariants();
    });
}

#[test]
fn pipe_buf_writes_are_atomic_under_concurrency() {
    with_timeout(60, || {
        let _p = user();
        let [r, w] = sys::pipe().unwrap();
        let th: Vec<_> = (0..4).map(|_| sys::clone_thread().unwrap()).collect();
        let hs: Vec<_> = th
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                std::thread::spawn(move || {
                    let _t = Task::adopt(t);
                    let rec = vec![i as u8 + 1; PIPE_BUF];
                    for _ in 0..150 {
                        assert_eq!(sys::write(w, &rec), Ok(PIPE_BUF));
                    }
                })
            })
            .collect();
        let total = 4 * 150 * PIPE_BUF;
        let mut stream = Vec::with_capacity(total);
        let mut buf = vec![0u8; 7000];
        while stream.len() < total {
            let n = sys::read(r, &mut buf).unwrap();
            stream.extend_from_slice(&buf[..n]);
        }
        for h in hs {
            h.join().unwrap();
        }
        let mut per = [0; 5];
        for rec in stream.chunks(PIPE_BUF) {
            assert!(rec.iter().all(|&b| b == rec[0]), "interleaved record");
            per[rec[0] as usize] += 1;
        }
        assert_eq!(&per[1..], &[150; 4]);
        invariants();
    });
}

static HITS: AtomicU64 = AtomicU64::new(0);

extern "C" fn count(_sig: i32) {
    HITS.fetch_add(1, Ordering::Relaxed);
}

#[test]
fn kill_storm_with_handlers() {
    with_timeout(60, || {
        let k = kernel();
        let target = k.spawn_process(1000, 1000).unwrap();
        let stop = Arc::new(AtomicBool::new(false));
        let ready = Arc::new(AtomicBool::new(false));
        let (s2, r2) = (stop.clone(), ready.clone());
        let victim = std::thread::spawn(move || {
            let _t = Task::enter(target).unwrap();
            sys::signal(SIGUSR1, count, 0, 0).unwrap();
            r2.store(true, Ordering::Release);
            let mut calls = 0u64;
            while !s2.load(Ordering::Acquire) {
                sys::getpid().unwrap();
                calls += 1;
            }
            calls
        });
        assert!(wait_until(10, || ready.load(Ordering::Acquire)));
        let killers: Vec<_> = (0..4)
            .map(|i| {
                std::thread::spawn(move || {
                    let _k = proc_as(1000, 1000);
                    for j in 0..3000 {
                        let sig = if (i + j) % 2 == 0 { SIGUSR1 } else { 0 };
                        assert_eq!(sys::kill(target, sig), Ok(0));
                    }
                    let _o = proc_as(2000, 2000);
                    for _ in 0..500 {
                        assert_eq!(sys::kill(target, SIGUSR1), err(EPERM));
                    }
                })
            })
            .collect();
        for h in killers {
            h.join().unwrap();
        }
        // The victim may not have run during the storm (2 shared cores):
        // the last SIGUSR1 is pending and is delivered at its next syscall.
        assert!(wait_until(10, || HITS.load(Ordering::Relaxed) >= 1));
        stop.store(true, Ordering::Release);
        let calls = victim.join().unwrap();
        assert!(calls > 0);
        let hits = HITS.load(Ordering::Relaxed);
        assert!((1..=6000).contains(&hits), "{hits}");
        invariants();
    });
}

#[test]
fn sigkill_races_with_syscalls() {
    with_timeout(60, || {
        let _p = user();
        for round in 0..20 {
            let [r, w] = sys::pipe().unwrap();
            let c = sys::spawn().unwrap() as i32;
            let h = std::thread::spawn(move || {
                // The parent may kill the child before this thread enters it.
                let Ok(_c) = Task::enter(c) else { return };
                let mut b = [0u8; 64];
                loop {
                    if sys::write(w, &b[..(round % 60) + 1]).is_err() {
                        break;
                    }
                    if sys::read(r, &mut b).is_err() {
                        break;
                    }
                }
            });
            std::thread::sleep(std::time::Duration::from_micros(200 * round as u64));
            sys::kill(c, SIGKILL).unwrap();
            assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGKILL))));
            h.join().unwrap();
            sys::close(r).unwrap();
            sys::close(w).unwrap();
        }
        invariants();
    });
}

#[test]
fn threads_hammer_one_fd_table() {
    with_timeout(60, || {
        let _p = user();
        let th: Vec<_> = (0..4).map(|_| sys::clone_thread().unwrap()).collect();
        let hs: Vec<_> = th
            .into_iter()
            .enumerate()
            .map(|(i, t)| {
                std::thread::spawn(move || {
                    let _t = Task::adopt(t);
                    let p = format!("/tmp/hammer.{}.{i}", sys::getpid().unwrap());
                    for _ in 0..300 {
                        let fd = sys::open(&p, O_CREAT | O_RDWR, 0o600).unwrap();
                        let d = sys::dup(fd).unwrap() as i32;
                        sys::write(d, b"abc").unwrap();
                        let [a, b] = sys::pipe().unwrap();
                        sys::close(a).unwrap();
                        sys::close(b).unwrap();
                        sys::close(fd).unwrap();
                        sys::close(d).unwrap();
                    }
                    sys::unlink(&p).unwrap();
                })
            })
            .collect();
        for _ in 0..50 {
            invariants();
        }
        for h in hs {
            h.join().unwrap();
        }
        invariants();
    });
}

#[test]
fn spawn_exit_wait_churn_with_invariant_checks() {
    with_timeout(60, || {
        let hs: Vec<_> = (0..4)
            .map(|_| {
                std::thread::spawn(|| {
                    let _p = user();
                    for _ in 0..200 {
                        let c = sys::spawn().unwrap() as i32;
                        sys::kill(c, SIGTERM).unwrap();
                        assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGTERM))));
                    }
                })
            })
            .collect();
        for _ in 0..30 {
            invariants();
        }
        for h in hs {
            h.join().unwrap();
        }
        invariants();
    });
}
