//! Property test: random syscall sequences with random (often invalid)
//! arguments never panic the kernel, only return results or POSIX errors,
//! and the kernel's invariant checker passes after every step.

mod common;
use common::*;
use proptest::prelude::*;

#[derive(Debug, Clone)]
enum Buf {
    Valid,
    Null,
    Low,
    NonCanonical,
}

#[derive(Debug, Clone)]
enum Op {
    Open(usize, u32, u32),
    Creat(usize),
    Close(i32),
    Dup(i32),
    Dup2(i32, i32),
    Pipe2(u32),
    Read(i32, usize, Buf),
    Write(i32, usize, Buf),
    Pread(i32, usize, i64),
    Pwrite(i32, usize, i64),
    Lseek(i32, i64, i32),
    Fcntl(i32, i32, u64),
    Fstat(i32),
    Unlink(usize),
    Mkdir(usize),
    Rmdir(usize),
    Rename(usize, usize),
    Getdents(i32, usize),
    KillSelf(i32),
    KillOther(i32),
    SpawnKillWait(i32),
    Sigprocmask(i32, u64),
}

const PATHS: [&str; 6] = ["a", "b", "d", "d/e", "d/f/g", "."];

fn fd() -> impl Strategy<Value = i32> {
    prop_oneof![4 => 0..12i32, 1 => -3..0i32, 1 => 1000..1100i32]
}

fn buf() -> impl Strategy<Value = Buf> {
    prop_oneof![6 => Just(Buf::Valid), 1 => Just(Buf::Null), 1 => Just(Buf::Low), 1 => Just(Buf::NonCanonical)]
}

fn op() -> impl Strategy<Value = Op> {
    let flags = prop::sample::select(vec![
        O_RDONLY,
        O_WRONLY | O_CREAT,
        O_RDWR | O_CREAT | O_TRUNC,
        O_WRONLY | O_APPEND | O_CREAT,
        O_RDONLY | O_DIRECTORY,
        O_CREAT | O_EXCL | O_RDWR,
        O_ACCMODE,
        O_RDWR | O_NONBLOCK | O_CLOEXEC,
    ]);
    prop_oneof![
        (0..PATHS.len(), flags, 0..0o1000u32).prop_map(|(p, f, m)| Op::Open(p, f, m)),
        (0..PATHS.len()).prop_map(Op::Creat),
        fd().prop_map(Op::Close),
        fd().prop_map(Op::Dup),
        (fd(), prop_oneof![fd(), 1020..1030i32]).prop_map(|(a, b)| Op::Dup2(a, b)),
        prop::sample::select(vec![0, O_NONBLOCK, O_CLOEXEC, O_NONBLOCK | O_CLOEXEC, O_APPEND, 0xffff_ffff])
            .prop_map(Op::Pipe2),
        (fd(), 0..70_000usize, buf()).prop_map(|(f, n, b)| Op::Read(f, n, b)),
        (fd(), 0..70_000usize, buf()).prop_map(|(f, n, b)| Op::Write(f, n, b)),
        (fd(), 0..9000usize, -3..20_000i64).prop_map(|(f, n, o)| Op::Pread(f, n, o)),
        (fd(), 0..9000usize, -3..20_000i64).prop_map(|(f, n, o)| Op::Pwrite(f, n, o)),
        (fd(), -10..10_000i64, -1..4i32).prop_map(|(f, o, w)| Op::Lseek(f, o, w)),
        (
            fd(),
            prop::sample::select(vec![F_DUPFD, F_GETFD, F_SETFD, F_GETFL, F_SETFL, F_DUPFD_CLOEXEC, 77]),
            0..2000u64
        )
            .prop_map(|(f, c, a)| Op::Fcntl(f, c, a)),
        fd().prop_map(Op::Fstat),
        (0..PATHS.len()).prop_map(Op::Unlink),
        (0..PATHS.len()).prop_map(Op::Mkdir),
        (0..PATHS.len()).prop_map(Op::Rmdir),
        (0..PATHS.len(), 0..PATHS.len()).prop_map(|(a, b)| Op::Rename(a, b)),
        (fd(), 0..600usize).prop_map(|(f, n)| Op::Getdents(f, n)),
        prop::sample::select(vec![0, SIGUSR1, SIGCHLD, SIGURG, 65, -1, 0x7fff_ffff]).prop_map(Op::KillSelf),
        prop_oneof![-40000..40000i32, Just(1), Just(0)].prop_map(Op::KillOther),
        prop::sample::select(vec![SIGKILL, SIGTERM, SIGSTOP, SIGUSR2]).prop_map(Op::SpawnKillWait),
        (-1..4i32, any::<u64>()).prop_map(|(h, s)| Op::Sigprocmask(h, s)),
    ]
}

extern "C" fn on_usr1(_sig: i32) {}

fn ptr_for(b: &Buf, v: &mut [u8]) -> *mut u8 {
    match b {
        Buf::Valid => v.as_mut_ptr(),
        Buf::Null => std::ptr::null_mut(),
        Buf::Low => 64 as *mut u8,
        Buf::NonCanonical => 0xdead_0000_0000_0000usize as *mut u8,
    }
}

fn run(op: &Op, dir: &str) {
    let path = |i: usize| format!("{dir}/{}", PATHS[i]);
    let mut v = vec![0u8; 70_000];
    // SAFETY: pointers are either valid buffers of the stated length or
    // deliberately invalid ones the kernel must reject (EFAULT).
    unsafe {
        let r: isize = match op {
            Op::Open(p, f, m) => sys::open(&path(*p), *f, *m).map_or_else(|e| -e.0 as isize, |v| v as isize),
            Op::Creat(p) => sys::creat(&path(*p), 0o644).map_or_else(|e| -e.0 as isize, |v| v as isize),
            Op::Close(f) => sys::close(*f).unwrap_or_else(|e| -e.0 as isize),
            Op::Dup(f) => sys::dup(*f).unwrap_or_else(|e| -e.0 as isize),
            Op::Dup2(a, b) => sys::dup2(*a, *b).unwrap_or_else(|e| -e.0 as isize),
            Op::Pipe2(fl) => {
                let mut fds = [0i32; 2];
                // Always non-blocking: a blocking read of one's own empty pipe
                // waits forever, correctly, but a test cannot.
                sys::raw::pipe2(fds.as_mut_ptr(), *fl | O_NONBLOCK)
            }
            Op::Read(f, n, b) => sys::raw::read(*f, ptr_for(b, &mut v), *n),
            Op::Write(f, n, b) => sys::raw::write(*f, ptr_for(b, &mut v), *n),
            Op::Pread(f, n, o) => sys::raw::pread(*f, v.as_mut_ptr(), *n, *o),
            Op::Pwrite(f, n, o) => sys::raw::pwrite(*f, v.as_ptr(), *n, *o),
            Op::Lseek(f, o, w) => sys::lseek(*f, *o, *w).unwrap_or_else(|e| -e.0 as isize),
            Op::Fcntl(f, c, a) => {
                let a = if *c == F_SETFL { *a | O_NONBLOCK as u64 } else { *a };
                sys::fcntl(*f, *c, a).unwrap_or_else(|e| -e.0 as isize)
            }
            Op::Fstat(f) => sys::fstat(*f).map_or_else(|e| -e.0 as isize, |_| 0),
            Op::Unlink(p) => sys::unlink(&path(*p)).unwrap_or_else(|e| -e.0 as isize),
            Op::Mkdir(p) => sys::mkdir(&path(*p), 0o755).unwrap_or_else(|e| -e.0 as isize),
            Op::Rmdir(p) => sys::rmdir(&path(*p)).unwrap_or_else(|e| -e.0 as isize),
            Op::Rename(a, b) => sys::rename(&path(*a), &path(*b)).unwrap_or_else(|e| -e.0 as isize),
            Op::Getdents(f, n) => sys::raw::getdents(*f, v.as_mut_ptr(), *n),
            Op::KillSelf(s) => sys::kill(sys::getpid().unwrap() as i32, *s).unwrap_or_else(|e| -e.0 as isize),
            Op::KillOther(p) => sys::kill(*p, 0).unwrap_or_else(|e| -e.0 as isize),
            Op::SpawnKillWait(s) => {
                let c = sys::spawn().unwrap() as i32;
                sys::kill(c, *s).unwrap();
                if *s != SIGKILL {
                    sys::kill(c, SIGKILL).unwrap();
                }
                assert_eq!(sys::wait4(c, 0).map(|r| r.0), Ok(c));
                0
            }
            Op::Sigprocmask(h, s) => sys::sigprocmask(*h, Some(*s)).map_or_else(|e| -e.0 as isize, |_| 0),
        };
        assert!(r >= -133, "{op:?} -> {r}: not an errno");
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 96, ..ProptestConfig::default() })]

    #[test]
    fn random_syscalls_keep_invariants(ops in prop::collection::vec(op(), 1..40)) {
        let _t = user();
        let dir = tmp("prop");
        sys::mkdir(&dir, 0o755).unwrap();
        sys::signal(SIGUSR1, on_usr1, 0, 0).unwrap();
        for op in &ops {
            run(op, &dir);
            assert!(sys::getpid().is_ok(), "process survived {op:?}");
            prop_assert_eq!(kernel().check_invariants(), Ok(()), "after {:?}", op);
        }
        sys::exit(0).unwrap();
    }
}
