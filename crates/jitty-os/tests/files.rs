//! VFS and file-descriptor semantics through the syscall ABI (LTP style):
//! open/creat/close/read/write/pread/pwrite/lseek/dup/dup2/fstat/stat/
//! unlink/mkdir/rmdir/rename/getdents/chmod/chdir, permissions, error codes.

mod common;
use common::*;

fn write_file(path: &str, data: &[u8]) {
    let fd = sys::open(path, O_CREAT | O_WRONLY | O_TRUNC, 0o644).unwrap();
    assert_eq!(sys::write(fd, data), Ok(data.len()));
    sys::close(fd).unwrap();
}

fn read_all(path: &str) -> Vec<u8> {
    let fd = sys::open(path, O_RDONLY, 0).unwrap();
    let mut out = Vec::new();
    let mut buf = [0u8; 1000];
    loop {
        let n = sys::read(fd, &mut buf).unwrap();
        if n == 0 {
            break;
        }
        out.extend_from_slice(&buf[..n]);
    }
    sys::close(fd).unwrap();
    out
}

#[test]
fn open_missing_is_enoent() {
    let _t = user();
    assert_eq!(sys::open(&tmp("nope"), O_RDONLY, 0), err(ENOENT));
}

#[test]
fn open_empty_path_is_enoent() {
    let _t = user();
    assert_eq!(sys::open("", O_RDONLY, 0), err(ENOENT));
}

#[test]
fn open_bad_accmode_is_einval() {
    let _t = user();
    assert_eq!(sys::open("/tmp", 3, 0), err(EINVAL));
}

#[test]
fn creat_write_read_roundtrip() {
    let _t = user();
    let p = tmp("rt");
    write_file(&p, b"hello world");
    assert_eq!(read_all(&p), b"hello world");
}

#[test]
fn creat_returns_lowest_fd() {
    let _t = user();
    let a = sys::creat(&tmp("a"), 0o600).unwrap();
    let b = sys::creat(&tmp("b"), 0o600).unwrap();
    assert_eq!((a, b), (0, 1));
    sys::close(a).unwrap();
    assert_eq!(sys::creat(&tmp("c"), 0o600), Ok(0));
}

#[test]
fn o_excl_on_existing_is_eexist() {
    let _t = user();
    let p = tmp("excl");
    write_file(&p, b"");
    assert_eq!(sys::open(&p, O_CREAT | O_EXCL | O_WRONLY, 0o600), err(EEXIST));
}

#[test]
fn o_trunc_truncates() {
    let _t = user();
    let p = tmp("trunc");
    write_file(&p, b"0123456789");
    let fd = sys::open(&p, O_WRONLY | O_TRUNC, 0).unwrap();
    assert_eq!(sys::fstat(fd).unwrap().st_size, 0);
}

#[test]
fn o_append_writes_at_end() {
    let _t = user();
    let p = tmp("app");
    write_file(&p, b"abc");
    let fd = sys::open(&p, O_WRONLY | O_APPEND, 0).unwrap();
    sys::lseek(fd, 0, SEEK_SET).unwrap();
    sys::write(fd, b"def").unwrap();
    assert_eq!(read_all(&p), b"abcdef");
}

#[test]
fn umask_applies_to_creat() {
    let _t = user();
    assert_eq!(sys::umask(0o077), Ok(0o022));
    let p = tmp("um");
    let fd = sys::creat(&p, 0o666).unwrap();
    assert_eq!(sys::fstat(fd).unwrap().st_mode, S_IFREG | 0o600);
}

#[test]
fn partial_read_at_eof() {
    let _t = user();
    let p = tmp("part");
    write_file(&p, b"12345");
    let fd = sys::open(&p, O_RDONLY, 0).unwrap();
    let mut buf = [0u8; 3];
    assert_eq!(sys::read(fd, &mut buf), Ok(3));
    assert_eq!(sys::read(fd, &mut buf), Ok(2));
    assert_eq!(&buf[..2], b"45");
    assert_eq!(sys::read(fd, &mut buf), Ok(0));
}

#[test]
fn read_spanning_pages() {
    let _t = user();
    let p = tmp("pages");
    let data: Vec<u8> = (0..10_000u32).map(|i| (i % 251) as u8).collect();
    write_file(&p, &data);
    assert_eq!(read_all(&p), data);
    assert_eq!(sys::stat(&p).unwrap().st_size, 10_000);
}

#[test]
fn sparse_file_reads_zeros() {
    let _t = user();
    let p = tmp("sparse");
    let fd = sys::open(&p, O_CREAT | O_RDWR, 0o600).unwrap();
    sys::lseek(fd, 9000, SEEK_SET).unwrap();
    sys::write(fd, b"x").unwrap();
    let mut buf = [1u8; 100];
    assert_eq!(sys::pread(fd, &mut buf, 100), Ok(100));
    assert!(buf.iter().all(|&b| b == 0));
    assert_eq!(sys::fstat(fd).unwrap().st_size, 9001);
}

#[test]
fn write_to_readonly_fd_is_ebadf() {
    let _t = user();
    let p = tmp("ro");
    write_file(&p, b"x");
    let fd = sys::open(&p, O_RDONLY, 0).unwrap();
    assert_eq!(sys::write(fd, b"y"), err(EBADF));
}

#[test]
fn read_from_writeonly_fd_is_ebadf() {
    let _t = user();
    let fd = sys::creat(&tmp("wo"), 0o600).unwrap();
    assert_eq!(sys::read(fd, &mut [0u8; 4]), err(EBADF));
}

#[test]
fn bad_fds_are_ebadf() {
    let _t = user();
    let mut b = [0u8; 1];
    for fd in [-1, 3, 999, 5000, i32::MAX, i32::MIN] {
        assert_eq!(sys::read(fd, &mut b), err(EBADF));
        assert_eq!(sys::write(fd, &b), err(EBADF));
        assert_eq!(sys::close(fd), err(EBADF));
        assert_eq!(sys::fstat(fd), err(EBADF));
        assert_eq!(sys::lseek(fd, 0, SEEK_SET), err(EBADF));
        assert_eq!(sys::dup(fd), err(EBADF));
    }
}

#[test]
fn double_close_is_ebadf() {
    let _t = user();
    let fd = sys::creat(&tmp("dc"), 0o600).unwrap();
    assert_eq!(sys::close(fd), Ok(0));
    assert_eq!(sys::close(fd), err(EBADF));
}

#[test]
fn null_and_wild_buffers_are_efault() {
    let _t = user();
    let fd = sys::open(&tmp("ef"), O_CREAT | O_RDWR, 0o600).unwrap();
    // SAFETY: the kernel must reject these pointers without touching them.
    unsafe {
        assert_eq!(sys::raw::write(fd, std::ptr::null(), 1), -(EFAULT as isize));
        assert_eq!(sys::raw::read(fd, std::ptr::null_mut(), 1), -(EFAULT as isize));
        assert_eq!(sys::raw::write(fd, 16 as *const u8, 1), -(EFAULT as isize));
        assert_eq!(sys::raw::write(fd, 0xffff_8000_0000_0000usize as *const u8, 1), -(EFAULT as isize));
        assert_eq!(sys::raw::read(fd, 0x7fff_ffff_fff0usize as *mut u8, 0x100), -(EFAULT as isize));
        assert_eq!(sys::raw::open(std::ptr::null(), O_RDONLY, 0), -(EFAULT as isize));
        assert_eq!(sys::raw::stat(c"/tmp".as_ptr() as *const u8, std::ptr::null_mut()), -(EFAULT as isize));
        assert_eq!(sys::raw::fstat(fd, std::ptr::without_provenance_mut::<Stat>(8)), -(EFAULT as isize));
        assert_eq!(sys::raw::pipe2(std::ptr::null_mut(), 0), -(EFAULT as isize));
    }
}

#[test]
fn zero_length_null_write_is_ok() {
    let _t = user();
    let fd = sys::creat(&tmp("z"), 0o600).unwrap();
    // SAFETY: zero-length access never touches memory.
    assert_eq!(unsafe { sys::raw::write(fd, std::ptr::null(), 0) }, 0);
}

#[test]
fn huge_length_with_valid_start_is_efault() {
    let _t = user();
    let fd = sys::creat(&tmp("huge"), 0o600).unwrap();
    let b = [0u8; 4];
    // SAFETY: the kernel rejects the range before touching it.
    assert_eq!(unsafe { sys::raw::write(fd, b.as_ptr(), usize::MAX) }, -(EFAULT as isize));
}

#[test]
fn pread_pwrite_do_not_move_offset() {
    let _t = user();
    let p = tmp("pp");
    let fd = sys::open(&p, O_CREAT | O_RDWR, 0o600).unwrap();
    sys::write(fd, b"abcdef").unwrap();
    assert_eq!(sys::pwrite(fd, b"XY", 1), Ok(2));
    let mut b = [0u8; 3];
    assert_eq!(sys::pread(fd, &mut b, 0), Ok(3));
    assert_eq!(&b, b"aXY");
    assert_eq!(sys::lseek(fd, 0, SEEK_CUR), Ok(6));
}

#[test]
fn pread_negative_offset_is_einval() {
    let _t = user();
    let fd = sys::open(&tmp("pn"), O_CREAT | O_RDWR, 0o600).unwrap();
    assert_eq!(sys::pread(fd, &mut [0u8; 1], -1), err(EINVAL));
    assert_eq!(sys::pwrite(fd, b"x", -5), err(EINVAL));
}

#[test]
fn lseek_whence_and_errors() {
    let _t = user();
    let p = tmp("seek");
    write_file(&p, b"0123456789");
    let fd = sys::open(&p, O_RDONLY, 0).unwrap();
    assert_eq!(sys::lseek(fd, -2, SEEK_END), Ok(8));
    assert_eq!(sys::lseek(fd, 1, SEEK_CUR), Ok(9));
    assert_eq!(sys::lseek(fd, -100, SEEK_CUR), err(EINVAL));
    assert_eq!(sys::lseek(fd, 0, 7), err(EINVAL));
    assert_eq!(sys::lseek(fd, 100, SEEK_SET), Ok(100));
    assert_eq!(sys::read(fd, &mut [0u8; 4]), Ok(0));
}

#[test]
fn lseek_on_pipe_is_espipe() {
    let _t = user();
    let [r, _w] = sys::pipe().unwrap();
    assert_eq!(sys::lseek(r, 0, SEEK_SET), err(ESPIPE));
    assert_eq!(sys::pread(r, &mut [0u8; 1], 0), err(ESPIPE));
}

#[test]
fn dup_shares_offset() {
    let _t = user();
    let p = tmp("dup");
    write_file(&p, b"abcdef");
    let fd = sys::open(&p, O_RDONLY, 0).unwrap();
    let d = sys::dup(fd).unwrap() as i32;
    let mut b = [0u8; 2];
    sys::read(fd, &mut b).unwrap();
    sys::read(d, &mut b).unwrap();
    assert_eq!(&b, b"cd");
}

#[test]
fn dup2_replaces_and_same_fd_returns_it() {
    let _t = user();
    let a = sys::creat(&tmp("d2a"), 0o600).unwrap();
    let b = sys::creat(&tmp("d2b"), 0o600).unwrap();
    assert_eq!(sys::dup2(a, b), Ok(b as isize));
    assert_eq!(sys::fstat(a).unwrap().st_ino, sys::fstat(b).unwrap().st_ino);
    assert_eq!(sys::dup2(a, a), Ok(a as isize));
    assert_eq!(sys::dup2(a, 100), Ok(100));
    assert_eq!(sys::dup2(77, 5), err(EBADF));
    assert_eq!(sys::dup2(a, -1), err(EBADF));
    assert_eq!(sys::dup2(a, 1 << 20), err(EBADF));
}

#[test]
fn emfile_at_limit() {
    let _t = user();
    let fd = sys::creat(&tmp("lim"), 0o600).unwrap();
    let mut n = 1;
    loop {
        match sys::dup(fd) {
            Ok(_) => n += 1,
            Err(e) => {
                assert_eq!(e, Errno(EMFILE));
                break;
            }
        }
    }
    assert_eq!(n, NR_OPEN_DEFAULT as usize);
    sys::close(500).unwrap();
    assert_eq!(sys::dup(fd), Ok(500));
}

#[test]
fn fstat_and_stat_agree() {
    let _t = user();
    let p = tmp("st");
    write_file(&p, b"12345");
    let fd = sys::open(&p, O_RDONLY, 0).unwrap();
    let a = sys::fstat(fd).unwrap();
    let b = sys::stat(&p).unwrap();
    assert_eq!(a, b);
    assert_eq!(a.st_uid, 1000);
    assert_eq!(a.st_nlink, 1);
    assert_eq!(a.st_size, 5);
    assert!(a.st_mtime_ns > 0);
}

#[test]
fn write_updates_mtime() {
    let _t = user();
    let p = tmp("mt");
    let fd = sys::creat(&p, 0o600).unwrap();
    let before = sys::fstat(fd).unwrap().st_mtime_ns;
    std::thread::sleep(std::time::Duration::from_millis(2));
    sys::write(fd, b"x").unwrap();
    assert!(sys::fstat(fd).unwrap().st_mtime_ns > before);
}

#[test]
fn unlink_while_open_keeps_data() {
    let _t = user();
    let p = tmp("ul");
    write_file(&p, b"still here");
    let fd = sys::open(&p, O_RDONLY, 0).unwrap();
    sys::unlink(&p).unwrap();
    assert_eq!(sys::open(&p, O_RDONLY, 0), err(ENOENT));
    assert_eq!(sys::fstat(fd).unwrap().st_nlink, 0);
    let mut b = [0u8; 32];
    assert_eq!(sys::read(fd, &mut b), Ok(10));
    assert_eq!(&b[..10], b"still here");
    sys::close(fd).unwrap();
    invariants();
}

#[test]
fn unlink_errors() {
    let _t = user();
    assert_eq!(sys::unlink(&tmp("none")), err(ENOENT));
    assert_eq!(sys::unlink("/tmp"), err(EISDIR));
    let d = tmp("ud");
    sys::mkdir(&d, 0o755).unwrap();
    assert_eq!(sys::unlink(&d), err(EISDIR));
}

#[test]
fn mkdir_and_nested_paths() {
    let _t = user();
    let d = tmp("md");
    sys::mkdir(&d, 0o755).unwrap();
    assert_eq!(sys::mkdir(&d, 0o755), err(EEXIST));
    sys::mkdir(&format!("{d}/sub"), 0o755).unwrap();
    write_file(&format!("{d}/sub/f"), b"x");
    assert_eq!(sys::stat(&format!("{d}/sub/../sub/./f")).unwrap().st_size, 1);
    assert_eq!(sys::stat(&format!("{d}/sub/f/")), err(ENOTDIR));
    assert_eq!(sys::stat(&format!("{d}/sub/f/x")), err(ENOTDIR));
    assert_eq!(sys::mkdir(&format!("{d}/no/such"), 0o755), err(ENOENT));
    let st = sys::stat(&d).unwrap();
    assert_eq!(st.st_mode & S_IFMT, S_IFDIR);
    assert_eq!(st.st_nlink, 3);
}

#[test]
fn dotdot_of_root_is_root() {
    let _t = user();
    assert_eq!(sys::stat("/../..").unwrap().st_ino, sys::stat("/").unwrap().st_ino);
}

#[test]
fn name_too_long() {
    let _t = user();
    let long = format!("/tmp/{}", "a".repeat(300));
    assert_eq!(sys::open(&long, O_CREAT | O_WRONLY, 0o600), err(ENAMETOOLONG));
    let huge = "/a".repeat(3000);
    assert_eq!(sys::stat(&huge), err(ENAMETOOLONG));
}

#[test]
fn rmdir_semantics() {
    let _t = user();
    let d = tmp("rd");
    sys::mkdir(&d, 0o755).unwrap();
    write_file(&format!("{d}/f"), b"");
    assert_eq!(sys::rmdir(&d), err(ENOTEMPTY));
    assert_eq!(sys::rmdir(&format!("{d}/f")), err(ENOTDIR));
    assert_eq!(sys::rmdir(&format!("{d}/.")), err(EINVAL));
    assert_eq!(sys::rmdir(&format!("{d}/..")), err(ENOTEMPTY));
    sys::unlink(&format!("{d}/f")).unwrap();
    assert_eq!(sys::rmdir(&d), Ok(0));
    assert_eq!(sys::stat(&d), err(ENOENT));
    assert_eq!(sys::rmdir(&d), err(ENOENT));
}

#[test]
fn rename_file_and_replace() {
    let _t = user();
    let (a, b) = (tmp("rna"), tmp("rnb"));
    write_file(&a, b"A");
    write_file(&b, b"B");
    sys::rename(&a, &b).unwrap();
    assert_eq!(sys::stat(&a), err(ENOENT));
    assert_eq!(read_all(&b), b"A");
    assert_eq!(sys::rename(&a, &b), err(ENOENT));
    assert_eq!(sys::rename(&b, &b), Ok(0));
}

#[test]
fn rename_dir_rules() {
    let _t = user();
    let d = tmp("rdir");
    sys::mkdir(&d, 0o755).unwrap();
    sys::mkdir(&format!("{d}/x"), 0o755).unwrap();
    sys::mkdir(&format!("{d}/y"), 0o755).unwrap();
    write_file(&format!("{d}/y/f"), b"");
    write_file(&format!("{d}/file"), b"");
    assert_eq!(sys::rename(&format!("{d}/x"), &format!("{d}/y")), err(ENOTEMPTY));
    assert_eq!(sys::rename(&format!("{d}/x"), &format!("{d}/file")), err(ENOTDIR));
    assert_eq!(sys::rename(&format!("{d}/file"), &format!("{d}/x")), err(EISDIR));
    assert_eq!(sys::rename(&d, &format!("{d}/x/inside")), err(EINVAL));
    sys::rename(&format!("{d}/x"), &format!("{d}/y/x")).unwrap();
    assert_eq!(sys::stat(&format!("{d}/y/x/..")).unwrap().st_ino, sys::stat(&format!("{d}/y")).unwrap().st_ino);
    assert_eq!(sys::stat(&d).unwrap().st_nlink, 3);
    invariants();
}

#[test]
fn getdents_lists_entries() {
    let _t = user();
    let d = tmp("gd");
    sys::mkdir(&d, 0o755).unwrap();
    write_file(&format!("{d}/one"), b"");
    sys::mkdir(&format!("{d}/two"), 0o755).unwrap();
    let fd = sys::open(&d, O_RDONLY | O_DIRECTORY, 0).unwrap();
    let ents = sys::getdents(fd, 4096).unwrap();
    let names: Vec<_> = ents.iter().map(|e| e.2.as_str()).collect();
    assert_eq!(names, [".", "..", "one", "two"]);
    assert_eq!(ents[2].1, DT_REG);
    assert_eq!(ents[3].1, DT_DIR);
    assert!(sys::getdents(fd, 4096).unwrap().is_empty(), "end of directory");
    sys::lseek(fd, 0, SEEK_SET).unwrap();
    assert_eq!(sys::getdents(fd, 4096).unwrap().len(), 4);
}

#[test]
fn getdents_small_buffer_and_errors() {
    let _t = user();
    let d = tmp("gds");
    sys::mkdir(&d, 0o755).unwrap();
    let fd = sys::open(&d, O_RDONLY, 0).unwrap();
    assert_eq!(sys::getdents(fd, 8), err(EINVAL));
    assert_eq!(sys::getdents(fd, 24).unwrap().len(), 1);
    let f = sys::creat(&tmp("gdf"), 0o600).unwrap();
    assert_eq!(sys::getdents(f, 4096), err(ENOTDIR));
}

#[test]
fn open_dir_for_write_is_eisdir() {
    let _t = user();
    assert_eq!(sys::open("/tmp", O_WRONLY, 0), err(EISDIR));
    assert_eq!(sys::open("/tmp", O_RDWR, 0), err(EISDIR));
    let fd = sys::open("/tmp", O_RDONLY, 0).unwrap();
    assert_eq!(sys::read(fd, &mut [0u8; 4]), err(EISDIR));
}

#[test]
fn o_directory_on_file_is_enotdir() {
    let _t = user();
    let p = tmp("od");
    write_file(&p, b"");
    assert_eq!(sys::open(&p, O_RDONLY | O_DIRECTORY, 0), err(ENOTDIR));
}

#[test]
fn permission_owner_group_other() {
    let _t = user();
    let p = tmp("perm");
    write_file(&p, b"secret");
    sys::chmod(&p, 0o640).unwrap();
    drop(_t);
    let _g = proc_as(2000, 1000);
    assert!(sys::open(&p, O_RDONLY, 0).is_ok(), "group may read");
    assert_eq!(sys::open(&p, O_WRONLY, 0), err(EACCES));
    drop(_g);
    let _o = proc_as(2000, 2000);
    assert_eq!(sys::open(&p, O_RDONLY, 0), err(EACCES));
}

#[test]
fn owner_without_read_bit_is_denied_even_if_other_has_it() {
    let _t = user();
    let p = tmp("ownr");
    write_file(&p, b"x");
    sys::chmod(&p, 0o044).unwrap();
    assert_eq!(sys::open(&p, O_RDONLY, 0), err(EACCES));
}

#[test]
fn root_bypasses_rw_but_not_exec_without_x() {
    let _u = user();
    let p = tmp("rootp");
    write_file(&p, b"x");
    sys::chmod(&p, 0o000).unwrap();
    drop(_u);
    let _r = root();
    assert!(sys::open(&p, O_RDWR, 0).is_ok());
}

#[test]
fn search_permission_needed_on_dirs() {
    let _t = user();
    let d = tmp("srch");
    sys::mkdir(&d, 0o700).unwrap();
    write_file(&format!("{d}/f"), b"x");
    drop(_t);
    let _o = proc_as(2000, 2000);
    assert_eq!(sys::stat(&format!("{d}/f")), err(EACCES));
    assert_eq!(sys::open(&format!("{d}/g"), O_CREAT | O_WRONLY, 0o600), err(EACCES));
}

#[test]
fn create_needs_write_on_dir() {
    let _t = user();
    let d = tmp("cw");
    sys::mkdir(&d, 0o555).unwrap();
    assert_eq!(sys::creat(&format!("{d}/f"), 0o600), err(EACCES));
    assert_eq!(sys::mkdir(&format!("{d}/s"), 0o700), err(EACCES));
    assert_eq!(sys::mkdir("/nope", 0o700), err(EACCES), "/ is 0755 root");
}

#[test]
fn sticky_tmp_protects_others_files() {
    let _a = proc_as(1000, 1000);
    let p = tmp("sticky");
    write_file(&p, b"mine");
    drop(_a);
    let _b = proc_as(2000, 2000);
    assert_eq!(sys::unlink(&p), err(EPERM));
    assert_eq!(sys::rename(&p, &tmp("stolen")), err(EPERM));
    drop(_b);
    let _r = root();
    assert_eq!(sys::unlink(&p), Ok(0));
}

#[test]
fn chmod_only_by_owner_or_root() {
    let _a = user();
    let p = tmp("chm");
    write_file(&p, b"");
    drop(_a);
    let _b = proc_as(2000, 2000);
    assert_eq!(sys::chmod(&p, 0o777), err(EPERM));
    drop(_b);
    let _r = root();
    assert_eq!(sys::chmod(&p, 0o600), Ok(0));
    assert_eq!(sys::stat(&p).unwrap().st_mode & 0o7777, 0o600);
}

#[test]
fn chdir_relative_paths() {
    let _t = user();
    let d = tmp("cd");
    sys::mkdir(&d, 0o755).unwrap();
    sys::chdir(&d).unwrap();
    write_file("rel", b"r");
    assert_eq!(sys::stat(&format!("{d}/rel")).unwrap().st_size, 1);
    assert_eq!(sys::stat("../").unwrap().st_ino, sys::stat("/tmp").unwrap().st_ino);
    assert_eq!(sys::chdir(&format!("{d}/rel")), err(ENOTDIR));
}

#[test]
fn spawned_child_shares_open_file_offset() {
    let _p = user();
    let p = tmp("share");
    write_file(&p, b"abcdef");
    let fd = sys::open(&p, O_RDONLY, 0).unwrap();
    let child = sys::spawn().unwrap() as i32;
    let mut b = [0u8; 2];
    {
        let _c = Task::enter(child).unwrap();
        sys::read(fd, &mut b).unwrap();
        assert_eq!(&b, b"ab");
        sys::close(fd).unwrap();
        sys::exit(0).unwrap();
    }
    sys::read(fd, &mut b).unwrap();
    assert_eq!(&b, b"cd", "offset is shared through the open file");
    assert_eq!(sys::wait4(child, 0), Ok((child, 0)));
    invariants();
}

#[test]
fn closing_in_child_does_not_close_in_parent() {
    let _p = user();
    let fd = sys::creat(&tmp("cc"), 0o600).unwrap();
    let child = sys::spawn().unwrap() as i32;
    {
        let _c = Task::enter(child).unwrap();
        sys::close(fd).unwrap();
        assert_eq!(sys::write(fd, b"x"), err(EBADF));
    }
    assert_eq!(sys::write(fd, b"x"), Ok(1));
}

#[test]
fn unlink_then_last_close_frees() {
    let _t = user();
    let p = tmp("lc");
    write_file(&p, &[7u8; 20000]);
    let a = sys::open(&p, O_RDONLY, 0).unwrap();
    let b = sys::dup(a).unwrap() as i32;
    sys::unlink(&p).unwrap();
    sys::close(a).unwrap();
    let mut buf = [0u8; 10];
    assert_eq!(sys::read(b, &mut buf), Ok(10));
    sys::close(b).unwrap();
    invariants();
}

/// Corner cases the model-based property test (`prop.rs`) found, against Linux.
#[test]
fn linux_corner_cases_of_fcntl_rename_and_getdents() {
    let _t = user();
    // F_DUPFD with a minimum past the current table size returns that minimum.
    let fd = sys::open("/tmp", O_RDONLY | O_DIRECTORY, 0).unwrap();
    assert_eq!(sys::fcntl(fd, F_DUPFD, 65), Ok(65));
    assert_eq!(sys::fcntl(fd, F_DUPFD, 65), Ok(66));
    // A bad descriptor is EBADF whatever the command or argument.
    assert_eq!(sys::fcntl(900, 77, 0), err(EBADF));
    assert_eq!(sys::fcntl(900, F_DUPFD, 5000), err(EBADF));
    assert_eq!(sys::fcntl(fd, F_DUPFD, 5000), err(EINVAL));
    let d = tmp("corner");
    sys::mkdir(&d, 0o755).unwrap();
    sys::mkdir(&format!("{d}/sub"), 0o755).unwrap();
    write_file(&format!("{d}/sub/f"), b"");
    // rename with "." as either last component: EBUSY (do_renameat2).
    assert_eq!(sys::rename(&format!("{d}/."), &format!("{d}/z")), err(EBUSY));
    assert_eq!(sys::rename(&format!("{d}/sub/f"), &format!("{d}/.")), err(EBUSY));
    // Onto an ancestor of the source: ENOTEMPTY even for a file (the trap).
    assert_eq!(sys::rename(&format!("{d}/sub/f"), &format!("{d}/sub")), err(ENOTEMPTY));
    // getdents of a removed directory: ENOENT.
    sys::mkdir(&format!("{d}/gone"), 0o755).unwrap();
    let g = sys::open(&format!("{d}/gone"), O_RDONLY | O_DIRECTORY, 0).unwrap();
    sys::rmdir(&format!("{d}/gone")).unwrap();
    assert_eq!(sys::getdents(g, 4096), err(ENOENT));
    invariants();
}
