//! Fault-tolerant user copies and file-size limits, against Linux: pointers
//! into an unmapped page, or straddling the end of a mapped one, give
//! `EFAULT` (or the partial count where Linux returns one) and leave the
//! kernel's state (file contents, offsets, pipe contents, fd table, masks)
//! as Linux leaves it; the host lives on. Huge offsets are `EFBIG`/`EINVAL`
//! at `MAX_FILE_SIZE` and sparse files do not allocate their holes.

mod common;
use common::*;

const PAGE: usize = 4096;
/// `MAX_FILE_SIZE` of the RAM fs (64 GiB).
const MAX_FILE: i64 = 1 << 36;

/// Two pages mapped read/write, the second unmapped again: `page` is the
/// mapped one, `hole()` the first byte after it.
struct Hole {
    page: *mut u8,
}

impl Hole {
    fn new() -> Hole {
        // SAFETY: a fresh anonymous mapping; the second page is unmapped
        // again and never touched by the test itself.
        unsafe {
            let p = libc::mmap(
                std::ptr::null_mut(),
                2 * PAGE,
                libc::PROT_READ | libc::PROT_WRITE,
                libc::MAP_PRIVATE | libc::MAP_ANONYMOUS,
                -1,
                0,
            );
            assert_ne!(p, libc::MAP_FAILED);
            assert_eq!(libc::munmap((p as *mut u8).add(PAGE) as *mut libc::c_void, PAGE), 0);
            Hole { page: p as *mut u8 }
        }
    }

    /// The first unmapped byte.
    fn hole(&self) -> *mut u8 {
        self.page.wrapping_add(PAGE)
    }

    /// A pointer `k` bytes before the unmapped page.
    fn straddle(&self, k: usize) -> *mut u8 {
        self.page.wrapping_add(PAGE - k)
    }

    /// The last `k` mapped bytes.
    fn tail(&mut self, k: usize) -> &mut [u8] {
        // SAFETY: inside the mapped page.
        unsafe { std::slice::from_raw_parts_mut(self.straddle(k), k) }
    }
}

impl Drop for Hole {
    fn drop(&mut self) {
        // SAFETY: our mapping's first page.
        unsafe { libc::munmap(self.page as *mut libc::c_void, PAGE) };
    }
}

fn file_with(dir: &str, content: &[u8]) -> i32 {
    let path = format!("{dir}/f");
    let fd = sys::open(&path, O_RDWR | O_CREAT | O_TRUNC, 0o644).unwrap();
    assert_eq!(sys::write(fd, content), Ok(content.len()));
    sys::lseek(fd, 0, SEEK_SET).unwrap();
    fd
}

fn contents(fd: i32) -> Vec<u8> {
    let mut v = vec![0u8; sys::fstat(fd).unwrap().st_size as usize];
    assert_eq!(sys::pread(fd, &mut v, 0), Ok(v.len()));
    v
}

fn raw(r: isize) -> Result<isize, Errno> {
    if r < 0 { Err(Errno(-r as i32)) } else { Ok(r) }
}

#[test]
fn file_write_from_unmapped_memory_is_efault_and_changes_nothing() {
    let _t = user();
    let mut h = Hole::new();
    let dir = tmp("uc-w");
    sys::mkdir(&dir, 0o755).unwrap();
    let fd = file_with(&dir, b"0123456789");
    sys::lseek(fd, 3, SEEK_SET).unwrap();
    // SAFETY: deliberately unmapped user pointers.
    unsafe {
        assert_eq!(raw(sys::raw::write(fd, h.hole(), 10)), err(EFAULT));
        assert_eq!(raw(sys::raw::pwrite(fd, h.hole(), 10, 8)), err(EFAULT));
    }
    assert_eq!(contents(fd), b"0123456789");
    assert_eq!(sys::lseek(fd, 0, SEEK_CUR), Ok(3), "offset unchanged");
    // Straddling: the mapped part is written (Linux's short write).
    h.tail(4).copy_from_slice(b"WXYZ");
    // SAFETY: 4 mapped bytes, then the unmapped page.
    assert_eq!(raw(unsafe { sys::raw::write(fd, h.straddle(4), 100) }), Ok(4));
    assert_eq!(contents(fd), b"012WXYZ789");
    assert_eq!(sys::lseek(fd, 0, SEEK_CUR), Ok(7));
    invariants();
}

#[test]
fn short_copies_stop_at_the_exact_byte_before_the_hole() {
    let _t = user();
    let mut h = Hole::new();
    let dir = tmp("uc-k");
    sys::mkdir(&dir, 0o755).unwrap();
    let data: Vec<u8> = (0..64u8).map(|i| i ^ 0x5a).collect();
    let fd = file_with(&dir, &data);
    // Word and byte parts of the copy, every alignment against the hole.
    for k in 0..24usize {
        for len in [k + 1, k + 7, 64] {
            h.tail(k).fill(0xee);
            // SAFETY: k mapped bytes, then the unmapped page.
            let r = raw(unsafe { sys::raw::pread(fd, h.straddle(k), len, 0) });
            assert_eq!(r, if k == 0 { err(EFAULT) } else { Ok(k as isize) }, "read k={k} len={len}");
            assert_eq!(h.tail(k), &data[..k]);
            // SAFETY: as above.
            let w = raw(unsafe { sys::raw::pwrite(fd, h.straddle(k), len, 0) });
            assert_eq!(w, if k == 0 { err(EFAULT) } else { Ok(k as isize) }, "write k={k} len={len}");
            assert_eq!(contents(fd), data, "rewrote the same bytes");
        }
    }
}

#[test]
fn file_read_into_unmapped_memory_is_efault_or_short() {
    let _t = user();
    let h = Hole::new();
    let dir = tmp("uc-r");
    sys::mkdir(&dir, 0o755).unwrap();
    let data: Vec<u8> = (0..200u8).collect();
    let fd = file_with(&dir, &data);
    // SAFETY: deliberately unmapped or straddling user pointers.
    unsafe {
        assert_eq!(raw(sys::raw::read(fd, h.hole(), 50)), err(EFAULT));
        assert_eq!(sys::lseek(fd, 0, SEEK_CUR), Ok(0), "offset unchanged");
        assert_eq!(raw(sys::raw::read(fd, h.straddle(30), 100)), Ok(30));
        assert_eq!(std::slice::from_raw_parts(h.straddle(30), 30), &data[..30]);
        assert_eq!(sys::lseek(fd, 0, SEEK_CUR), Ok(30));
        // A hole of a sparse file is zero-filled through the same copy.
        sys::pwrite(fd, b"!", 3 * PAGE as i64).unwrap();
        assert_eq!(raw(sys::raw::pread(fd, h.straddle(8), 64, 2 * PAGE as i64)), Ok(8));
        assert_eq!(std::slice::from_raw_parts(h.straddle(8), 8), &[0u8; 8]);
        assert_eq!(raw(sys::raw::pread(fd, h.hole(), 64, 2 * PAGE as i64)), err(EFAULT));
    }
    invariants();
}

#[test]
fn pipe_transfers_with_unmapped_memory_are_efault_and_keep_the_data() {
    let _t = user();
    let mut h = Hole::new();
    let [r, w] = sys::pipe2(O_NONBLOCK).unwrap();
    // SAFETY: deliberately unmapped or straddling user pointers.
    unsafe {
        assert_eq!(raw(sys::raw::write(w, h.hole(), 1)), err(EFAULT));
        h.tail(10).copy_from_slice(b"abcdefghij");
        // As Linux: the faulting chunk is not published.
        assert_eq!(raw(sys::raw::write(w, h.straddle(10), 20)), err(EFAULT));
        let mut b = [0u8; 8];
        assert_eq!(sys::read(r, &mut b), err(EAGAIN), "nothing was published");
        assert_eq!(sys::write(w, b"hello"), Ok(5));
        // A faulting read consumes nothing.
        assert_eq!(raw(sys::raw::read(r, h.hole(), 5)), err(EFAULT));
        assert_eq!(raw(sys::raw::read(r, h.straddle(2), 5)), err(EFAULT));
        assert_eq!(sys::read(r, &mut b), Ok(5));
        assert_eq!(&b[..5], b"hello");
    }
    invariants();
}

#[test]
fn paths_and_out_parameters_in_unmapped_memory_are_efault() {
    let _t = user();
    let mut h = Hole::new();
    let dir = tmp("uc-p");
    sys::mkdir(&dir, 0o755).unwrap();
    let fd = file_with(&dir, b"x");
    // SAFETY: deliberately unmapped or straddling user pointers.
    unsafe {
        assert_eq!(raw(sys::raw::open(h.hole(), O_RDONLY, 0)), err(EFAULT));
        // A path whose NUL would lie in the unmapped page.
        h.tail(4).copy_from_slice(b"/tmp");
        assert_eq!(raw(sys::raw::open(h.straddle(4), O_RDONLY, 0)), err(EFAULT));
        assert_eq!(raw(sys::raw::stat(h.straddle(4), std::ptr::null_mut())), err(EFAULT));
        // The same path ending just before the hole works.
        h.tail(5).copy_from_slice(b"/tmp\0");
        assert!(raw(sys::raw::open(h.straddle(5), O_RDONLY | O_DIRECTORY, 0)).is_ok());
        // A Stat whose second half lies in the hole.
        let st = h.straddle(std::mem::size_of::<Stat>() / 2) as *mut Stat;
        assert_eq!(raw(sys::raw::stat(h.straddle(5), st)), err(EFAULT));
        assert_eq!(raw(sys::raw::fstat(fd, h.hole() as *mut Stat)), err(EFAULT));
        // getdents: EFAULT, and the directory position stays at the start.
        let d = sys::open(&dir, O_RDONLY | O_DIRECTORY, 0).unwrap();
        assert_eq!(raw(sys::raw::getdents(d, h.hole(), 512)), err(EFAULT));
        let names: Vec<String> = sys::getdents(d, 4096).unwrap().into_iter().map(|e| e.2).collect();
        assert_eq!(names, [".", "..", "f"]);
    }
    invariants();
}

#[test]
fn pipe2_into_unmapped_memory_is_efault_and_leaks_no_descriptor() {
    let _t = user();
    let h = Hole::new();
    // The lowest free descriptor before and after the failed calls.
    let lowest = || {
        let [a, b] = sys::pipe().unwrap();
        sys::close(a).unwrap();
        sys::close(b).unwrap();
        a
    };
    let before = lowest();
    // SAFETY: deliberately unmapped or straddling user pointers.
    unsafe {
        assert_eq!(raw(sys::raw::pipe2(h.hole() as *mut i32, 0)), err(EFAULT));
        assert_eq!(raw(sys::raw::pipe2(h.straddle(4) as *mut i32, 0)), err(EFAULT));
    }
    assert_eq!(lowest(), before, "both ends were closed again");
    invariants();
}

#[test]
fn signal_calls_with_unmapped_memory_are_efault_and_keep_state() {
    let _t = user();
    let h = Hole::new();
    let mask: SigSet = 1 << (SIGUSR2 - 1);
    sys::sigprocmask(SIG_SETMASK, Some(mask)).unwrap();
    // SAFETY: deliberately unmapped or straddling user pointers.
    unsafe {
        assert_eq!(
            raw(sys::raw::sigprocmask(SIG_SETMASK, h.hole() as *const SigSet, std::ptr::null_mut())),
            err(EFAULT)
        );
        assert_eq!(sys::sigprocmask(SIG_BLOCK, None), Ok(mask), "mask unchanged");
        let act = h.straddle(8) as *const SigAction;
        assert_eq!(raw(sys::raw::sigaction(SIGUSR1, act, std::ptr::null_mut())), err(EFAULT));
        assert_eq!(sys::sigaction(SIGUSR1, None).map(|a| a.handler), Ok(SIG_DFL), "disposition unchanged");
        assert_eq!(raw(sys::raw::sigpending(h.hole() as *mut SigSet)), err(EFAULT));
        assert_eq!(raw(sys::raw::sigsuspend(h.hole() as *const SigSet)), err(EFAULT));
        let ts = Timespec { tv_sec: 0, tv_nsec: 0 };
        assert_eq!(raw(sys::raw::sigtimedwait(h.hole() as *const SigSet, std::ptr::null_mut(), &ts)), err(EFAULT));
        assert_eq!(raw(sys::raw::sigtimedwait(&mask, std::ptr::null_mut(), h.hole() as *const Timespec)), err(EFAULT));
        let c = sys::spawn().unwrap() as i32;
        sys::kill(c, SIGKILL).unwrap();
        assert_eq!(raw(sys::raw::wait4(c, h.hole() as *mut i32, 0)), err(EFAULT));
    }
    invariants();
}

// --- file-size limit and sparse files ---------------------------------------------

#[test]
fn offsets_past_the_maximum_file_size_are_efbig_and_allocate_nothing() {
    let _t = user();
    let dir = tmp("uc-big");
    sys::mkdir(&dir, 0o755).unwrap();
    let fd = file_with(&dir, b"");
    // The crash of old: a 1-byte pwrite just below 1 TiB.
    assert_eq!(sys::pwrite(fd, b"b", (1 << 40) - 4096), err(EFBIG));
    assert_eq!(sys::pwrite(fd, b"b", MAX_FILE), err(EFBIG));
    assert_eq!(sys::pwrite(fd, b"b", i64::MAX), err(EFBIG));
    assert_eq!(sys::fstat(fd).unwrap().st_size, 0);
    // lseek past the limit: EINVAL (generic_file_llseek); up to it: fine.
    assert_eq!(sys::lseek(fd, MAX_FILE + 1, SEEK_SET), err(EINVAL));
    assert_eq!(sys::lseek(fd, MAX_FILE, SEEK_SET), Ok(MAX_FILE as isize));
    assert_eq!(sys::write(fd, b"b"), err(EFBIG));
    // A write crossing the limit is cut short there.
    assert_eq!(sys::pwrite(fd, b"abcd", MAX_FILE - 2), Ok(2));
    let st = sys::fstat(fd).unwrap();
    assert_eq!(st.st_size, MAX_FILE);
    assert_eq!(st.st_blocks, 8, "one page holds data; the 64 GiB hole holds none");
    let mut b = [9u8; 4];
    assert_eq!(sys::pread(fd, &mut b, MAX_FILE - 2), Ok(2));
    assert_eq!(&b[..2], b"ab");
    assert_eq!(sys::pread(fd, &mut b, 12_345_678_901), Ok(4));
    assert_eq!(b, [0; 4], "holes read as zeros");
    // O_TRUNC frees it all.
    let again = sys::open(&format!("{dir}/f"), O_RDWR | O_TRUNC, 0).unwrap();
    assert_eq!(sys::fstat(again).unwrap().st_blocks, 0);
    invariants();
}

#[test]
fn sparse_files_hold_only_the_pages_written() {
    let _t = user();
    let dir = tmp("uc-sparse");
    sys::mkdir(&dir, 0o755).unwrap();
    let fd = file_with(&dir, b"");
    let offs = [0i64, 5 * PAGE as i64, (1 << 30) + 17, (1 << 33) - 1];
    for (i, &o) in offs.iter().enumerate() {
        assert_eq!(sys::pwrite(fd, &[i as u8 + 1], o), Ok(1));
    }
    let st = sys::fstat(fd).unwrap();
    assert_eq!(st.st_size, (1 << 33));
    assert_eq!(st.st_blocks, 8 * offs.len() as i64);
    for (i, &o) in offs.iter().enumerate() {
        let mut b = [0u8; 2];
        let n = sys::pread(fd, &mut b, o).unwrap();
        assert_eq!(b[0], i as u8 + 1);
        if n == 2 {
            assert_eq!(b[1], 0);
        }
    }
    // Shrinking through O_TRUNC and growing again keeps holes zero.
    sys::close(sys::open(&format!("{dir}/f"), O_WRONLY | O_TRUNC, 0).unwrap()).unwrap();
    assert_eq!(sys::pwrite(fd, b"z", 6 * PAGE as i64), Ok(1));
    let mut b = [7u8; 1];
    assert_eq!(sys::pread(fd, &mut b, 5 * PAGE as i64), Ok(1));
    assert_eq!(b, [0]);
    assert_eq!(sys::fstat(fd).unwrap().st_blocks, 8);
    invariants();
}

// --- the fault handler chains for faults outside the user copy ------------------

#[test]
fn a_fault_outside_the_user_copy_still_kills_the_host_with_sigsegv() {
    if std::env::var_os("JITTY_FAULT_CHILD").is_some() {
        let _t = user();
        let h = Hole::new();
        // SAFETY: none: this child process is meant to die right here.
        unsafe { std::ptr::write_volatile(h.hole(), 1) };
        std::process::exit(0);
    }
    use std::os::unix::process::ExitStatusExt;
    let exe = std::env::current_exe().unwrap();
    let out = std::process::Command::new(exe)
        .args(["--exact", "a_fault_outside_the_user_copy_still_kills_the_host_with_sigsegv", "--test-threads=1"])
        .env("JITTY_FAULT_CHILD", "1")
        .output()
        .unwrap();
    assert_eq!(out.status.signal(), Some(libc::SIGSEGV), "{out:?}");
}
