//! Pipes and fcntl through the syscall ABI: EOF, EPIPE/SIGPIPE, O_NONBLOCK
//! and EAGAIN, partial writes, PIPE_BUF atomicity, blocking and wake-ups,
//! fd sharing after dup/spawn, F_GETFL/F_SETFL/F_DUPFD/F_GETFD/F_SETFD.

mod common;
use common::*;
use std::cell::RefCell;

thread_local! {
    static GOT: RefCell<Vec<i32>> = const { RefCell::new(Vec::new()) };
}

extern "C" fn record(sig: i32) {
    GOT.with(|g| g.borrow_mut().push(sig));
}

fn got() -> Vec<i32> {
    GOT.with(|g| std::mem::take(&mut *g.borrow_mut()))
}

#[test]
fn pipe_fds_are_lowest_free() {
    let _t = user();
    assert_eq!(sys::pipe(), Ok([0, 1]));
    assert_eq!(sys::pipe(), Ok([2, 3]));
}

#[test]
fn pipe_roundtrip() {
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    assert_eq!(sys::write(w, b"hello"), Ok(5));
    let mut b = [0u8; 16];
    assert_eq!(sys::read(r, &mut b), Ok(5));
    assert_eq!(&b[..5], b"hello");
}

#[test]
fn short_read_returns_available() {
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    sys::write(w, b"abc").unwrap();
    let mut b = [0u8; 2];
    assert_eq!(sys::read(r, &mut b), Ok(2));
    assert_eq!(sys::read(r, &mut b), Ok(1));
    assert_eq!(b[0], b'c');
}

#[test]
fn eof_when_all_writers_closed() {
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let w2 = sys::dup(w).unwrap() as i32;
    sys::write(w, b"x").unwrap();
    sys::close(w).unwrap();
    let mut b = [0u8; 4];
    assert_eq!(sys::read(r, &mut b), Ok(1));
    sys::close(w2).unwrap();
    assert_eq!(sys::read(r, &mut b), Ok(0));
    assert_eq!(sys::read(r, &mut b), Ok(0));
}

#[test]
fn epipe_with_sigpipe_ignored() {
    let _t = user();
    sys::sigaction(SIGPIPE, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
    let [r, w] = sys::pipe().unwrap();
    sys::close(r).unwrap();
    assert_eq!(sys::write(w, b"x"), err(EPIPE));
    assert_eq!(sys::sigpending(), Ok(0));
}

#[test]
fn epipe_delivers_sigpipe_to_handler() {
    let _t = user();
    got();
    sys::signal(SIGPIPE, record, 0, 0).unwrap();
    let [r, w] = sys::pipe().unwrap();
    sys::close(r).unwrap();
    assert_eq!(sys::write(w, b"x"), err(EPIPE));
    assert_eq!(got(), vec![SIGPIPE]);
}

#[test]
fn epipe_blocked_sigpipe_stays_pending() {
    let _t = user();
    sys::sigprocmask(SIG_BLOCK, Some(1 << (SIGPIPE - 1))).unwrap();
    let [r, w] = sys::pipe().unwrap();
    sys::close(r).unwrap();
    assert_eq!(sys::write(w, b"x"), err(EPIPE));
    assert_eq!(sys::sigpending(), Ok(1 << (SIGPIPE - 1)));
}

#[test]
fn sigpipe_default_kills_the_writer() {
    let _p = user();
    let child = sys::spawn().unwrap() as i32;
    {
        let _c = Task::enter(child).unwrap();
        let [r, w] = sys::pipe().unwrap();
        sys::close(r).unwrap();
        assert_eq!(sys::write(w, b"x"), err(EPIPE));
        assert_eq!(sys::getpid(), err(ESRCH), "the process is gone");
    }
    assert_eq!(sys::wait4(child, 0), Ok((child, w_termsig(SIGPIPE))));
}

#[test]
fn nonblocking_read_empty_is_eagain() {
    let _t = user();
    let [r, _w] = sys::pipe2(O_NONBLOCK).unwrap();
    assert_eq!(sys::read(r, &mut [0u8; 1]), err(EAGAIN));
}

#[test]
fn nonblocking_read_with_no_writers_is_eof() {
    let _t = user();
    let [r, w] = sys::pipe2(O_NONBLOCK).unwrap();
    sys::close(w).unwrap();
    assert_eq!(sys::read(r, &mut [0u8; 1]), Ok(0));
}

#[test]
fn nonblocking_write_full_pipe() {
    let _t = user();
    let [r, w] = sys::pipe2(O_NONBLOCK).unwrap();
    let chunk = vec![1u8; 10_000];
    let mut total = 0;
    loop {
        match sys::write(w, &chunk) {
            Ok(n) => total += n,
            Err(e) => {
                assert_eq!(e, Errno(EAGAIN));
                break;
            }
        }
    }
    assert_eq!(total, PIPE_SIZE, "large writes fill the pipe exactly (partial last write)");
    assert_eq!(sys::write(w, b"x"), err(EAGAIN));
    let mut b = vec![0u8; 100];
    assert_eq!(sys::read(r, &mut b), Ok(100));
    assert_eq!(sys::write(w, &[2u8; 50]), Ok(50));
}

#[test]
fn nonblocking_small_write_is_all_or_nothing() {
    let _t = user();
    let [r, w] = sys::pipe2(O_NONBLOCK).unwrap();
    sys::write(w, &vec![0u8; PIPE_SIZE - 100]).unwrap();
    assert_eq!(sys::write(w, &[0u8; 200]), err(EAGAIN), "≤ PIPE_BUF: atomic, no partial");
    assert_eq!(sys::write(w, &[0u8; 100]), Ok(100));
    sys::read(r, &mut [0u8; 10]).unwrap();
    assert_eq!(sys::write(w, &[0u8; 11]), err(EAGAIN));
}

#[test]
fn nonblocking_large_write_is_partial() {
    let _t = user();
    let [_r, w] = sys::pipe2(O_NONBLOCK).unwrap();
    sys::write(w, &vec![0u8; PIPE_SIZE - 1000]).unwrap();
    assert_eq!(sys::write(w, &vec![0u8; 5000]), Ok(1000));
}

#[test]
fn pipe2_invalid_flags() {
    let _t = user();
    assert_eq!(sys::pipe2(O_APPEND), err(EINVAL));
    assert_eq!(sys::pipe2(0x8000_0000), err(EINVAL));
}

#[test]
fn pipe2_cloexec_sets_fd_flag() {
    let _t = user();
    let [r, w] = sys::pipe2(O_CLOEXEC).unwrap();
    assert_eq!(sys::fcntl(r, F_GETFD, 0), Ok(1));
    assert_eq!(sys::fcntl(w, F_GETFD, 0), Ok(1));
    let [a, _] = sys::pipe().unwrap();
    assert_eq!(sys::fcntl(a, F_GETFD, 0), Ok(0));
}

#[test]
fn write_end_not_readable_and_vice_versa() {
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    assert_eq!(sys::read(w, &mut [0u8; 1]), err(EBADF));
    assert_eq!(sys::write(r, b"x"), err(EBADF));
}

#[test]
fn pipe_fstat_is_fifo() {
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let a = sys::fstat(r).unwrap();
    assert_eq!(a.st_mode & S_IFMT, S_IFIFO);
    assert_eq!(a.st_ino, sys::fstat(w).unwrap().st_ino);
}

#[test]
fn ring_wraps_around() {
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let mut b = vec![0u8; 40_000];
    for round in 0..10u8 {
        let data = vec![round; 40_000];
        assert_eq!(sys::write(w, &data), Ok(40_000));
        let mut got = 0;
        while got < 40_000 {
            got += sys::read(r, &mut b[got..]).unwrap();
        }
        assert!(b.iter().all(|&x| x == round));
    }
}

#[test]
fn fcntl_getfl_setfl() {
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    assert_eq!(sys::fcntl(r, F_GETFL, 0), Ok(O_RDONLY as isize));
    assert_eq!(sys::fcntl(w, F_GETFL, 0), Ok(O_WRONLY as isize));
    sys::fcntl(r, F_SETFL, O_NONBLOCK as u64).unwrap();
    assert_eq!(sys::fcntl(r, F_GETFL, 0), Ok(O_NONBLOCK as isize));
    assert_eq!(sys::read(r, &mut [0u8; 1]), err(EAGAIN));
    sys::fcntl(r, F_SETFL, 0).unwrap();
    assert_eq!(sys::fcntl(r, F_GETFL, 0), Ok(0));
}

#[test]
fn fcntl_setfl_ignores_access_mode_bits() {
    let _t = user();
    let fd = sys::open(&tmp("fl"), O_CREAT | O_WRONLY, 0o600).unwrap();
    sys::fcntl(fd, F_SETFL, (O_RDWR | O_APPEND) as u64).unwrap();
    assert_eq!(sys::fcntl(fd, F_GETFL, 0), Ok((O_WRONLY | O_APPEND) as isize));
    assert_eq!(sys::read(fd, &mut [0u8; 1]), err(EBADF));
}

#[test]
fn fcntl_setfl_append() {
    let _t = user();
    let p = tmp("fapp");
    let fd = sys::open(&p, O_CREAT | O_RDWR, 0o600).unwrap();
    sys::write(fd, b"abc").unwrap();
    sys::lseek(fd, 0, SEEK_SET).unwrap();
    sys::fcntl(fd, F_SETFL, O_APPEND as u64).unwrap();
    sys::write(fd, b"d").unwrap();
    assert_eq!(sys::fstat(fd).unwrap().st_size, 4);
}

#[test]
fn fcntl_flags_shared_by_dup() {
    let _t = user();
    let [r, _w] = sys::pipe().unwrap();
    let d = sys::dup(r).unwrap() as i32;
    sys::fcntl(r, F_SETFL, O_NONBLOCK as u64).unwrap();
    assert_eq!(sys::read(d, &mut [0u8; 1]), err(EAGAIN), "status flags live in the open file");
}

#[test]
fn fcntl_cloexec_is_per_descriptor() {
    let _t = user();
    let [r, _w] = sys::pipe().unwrap();
    let d = sys::dup(r).unwrap() as i32;
    sys::fcntl(r, F_SETFD, FD_CLOEXEC).unwrap();
    assert_eq!(sys::fcntl(r, F_GETFD, 0), Ok(1));
    assert_eq!(sys::fcntl(d, F_GETFD, 0), Ok(0));
    sys::fcntl(r, F_SETFD, 0).unwrap();
    assert_eq!(sys::fcntl(r, F_GETFD, 0), Ok(0));
}

#[test]
fn fcntl_dupfd_min_and_cloexec() {
    let _t = user();
    let [r, _w] = sys::pipe().unwrap();
    assert_eq!(sys::fcntl(r, F_DUPFD, 10), Ok(10));
    assert_eq!(sys::fcntl(r, F_DUPFD, 10), Ok(11));
    assert_eq!(sys::fcntl(r, F_DUPFD_CLOEXEC, 0), Ok(2));
    assert_eq!(sys::fcntl(2, F_GETFD, 0), Ok(1));
    assert_eq!(sys::fcntl(r, F_DUPFD, NR_OPEN_DEFAULT as u64), err(EINVAL));
    assert_eq!(sys::fcntl(r, F_DUPFD, u64::MAX), err(EINVAL));
}

#[test]
fn fcntl_errors() {
    let _t = user();
    assert_eq!(sys::fcntl(42, F_GETFL, 0), err(EBADF));
    assert_eq!(sys::fcntl(42, F_GETFD, 0), err(EBADF));
    assert_eq!(sys::fcntl(42, F_SETFD, 1), err(EBADF));
    assert_eq!(sys::fcntl(-3, F_DUPFD, 0), err(EBADF));
    let [r, _] = sys::pipe().unwrap();
    assert_eq!(sys::fcntl(r, 9999, 0), err(EINVAL));
}

#[test]
fn dup2_onto_pipe_end_closes_it() {
    let _t = user();
    let [r, w] = sys::pipe().unwrap();
    let f = sys::creat(&tmp("d2p"), 0o600).unwrap();
    sys::dup2(f, w).unwrap();
    assert_eq!(sys::read(r, &mut [0u8; 1]), Ok(0), "the only writer was replaced: EOF");
}

#[test]
fn blocking_read_wakes_on_write() {
    let _p = user();
    let [r, w] = sys::pipe().unwrap();
    let child = sys::spawn().unwrap() as i32;
    let h = std::thread::spawn(move || {
        let _c = Task::enter(child).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        sys::write(w, b"late").unwrap();
        sys::exit(0).unwrap();
    });
    let mut b = [0u8; 8];
    assert_eq!(sys::read(r, &mut b), Ok(4));
    h.join().unwrap();
}

#[test]
fn blocking_write_wakes_on_read() {
    let _p = user();
    let [r, w] = sys::pipe().unwrap();
    sys::write(w, &vec![0u8; PIPE_SIZE]).unwrap();
    let child = sys::spawn().unwrap() as i32;
    let h = std::thread::spawn(move || {
        let _c = Task::enter(child).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        let mut b = vec![0u8; 5000];
        sys::read(r, &mut b).unwrap();
    });
    assert_eq!(sys::write(w, &[1u8; 4096]), Ok(4096));
    h.join().unwrap();
}

#[test]
fn blocked_writer_gets_epipe_when_reader_closes() {
    let _p = user();
    sys::sigaction(SIGPIPE, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
    let [r, w] = sys::pipe().unwrap();
    sys::write(w, &vec![0u8; PIPE_SIZE]).unwrap();
    let child = sys::spawn().unwrap() as i32;
    sys::close(r).unwrap();
    let h = std::thread::spawn(move || {
        let _c = Task::enter(child).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        sys::close(r).unwrap();
    });
    assert_eq!(sys::write(w, b"x"), err(EPIPE));
    h.join().unwrap();
}

#[test]
fn blocked_reader_interrupted_by_signal() {
    let _p = user();
    got();
    sys::signal(SIGUSR1, record, 0, 0).unwrap();
    let me = sys::getpid().unwrap() as i32;
    let [r, _w] = sys::pipe().unwrap();
    let killer = kernel().spawn_process(1000, 1000).unwrap();
    let h = std::thread::spawn(move || {
        let _k = Task::enter(killer).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(30));
        sys::kill(me, SIGUSR1).unwrap();
    });
    assert_eq!(sys::read(r, &mut [0u8; 1]), err(EINTR));
    assert_eq!(got(), vec![SIGUSR1]);
    h.join().unwrap();
}

#[test]
fn fds_inherited_by_spawn_keep_pipe_open() {
    let _p = user();
    let [r, w] = sys::pipe().unwrap();
    let child = sys::spawn().unwrap() as i32;
    sys::close(w).unwrap();
    sys::sigaction(SIGPIPE, Some(&SigAction { handler: SIG_IGN, flags: 0, mask: 0 })).unwrap();
    {
        let _c = Task::enter(child).unwrap();
        assert_eq!(sys::write(w, b"from child"), Ok(10));
        sys::exit(0).unwrap();
    }
    let mut b = [0u8; 32];
    assert_eq!(sys::read(r, &mut b), Ok(10));
    assert_eq!(sys::read(r, &mut b), Ok(0), "child exit closed the last writer");
    invariants();
}
