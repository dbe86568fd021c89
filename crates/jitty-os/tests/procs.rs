//! Processes and credentials: spawn (fork-like inheritance), exit, wait4,
//! reparenting, threads, set*id rules, sessions and process groups.

mod common;
use common::*;

#[test]
fn spawn_child_inherits_credentials() {
    let _p = proc_as(1234, 567);
    let c = sys::spawn().unwrap() as i32;
    let parent = sys::getpid().unwrap();
    let _c = Task::enter(c).unwrap();
    assert_eq!(sys::getresuid(), Ok((1234, 1234, 1234)));
    assert_eq!(sys::getresgid(), Ok((567, 567, 567)));
    assert_eq!(sys::getppid(), Ok(parent));
    assert_eq!(sys::getpid(), Ok(c as isize));
}

#[test]
fn wait_reports_exit_code() {
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    {
        let _c = Task::enter(c).unwrap();
        sys::exit(42).unwrap();
        assert_eq!(sys::getpid(), err(ESRCH));
    }
    assert_eq!(sys::wait4(-1, 0), Ok((c, w_exitcode(42))));
    assert_eq!(sys::wait4(-1, 0), err(ECHILD));
}

#[test]
fn wait_without_children_is_echild() {
    let _p = user();
    assert_eq!(sys::wait4(-1, 0), err(ECHILD));
    assert_eq!(sys::wait4(12345, WNOHANG), err(ECHILD));
}

#[test]
fn wait_bad_options_is_einval() {
    let _p = user();
    assert_eq!(sys::wait4(-1, 0x100), err(EINVAL));
}

#[test]
fn wnohang_returns_zero_while_running() {
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    assert_eq!(sys::wait4(c, WNOHANG), Ok((0, 0)));
    sys::kill(c, SIGKILL).unwrap();
    assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGKILL))));
}

#[test]
fn wait_blocks_until_child_exits() {
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    let h = std::thread::spawn(move || {
        let _c = Task::enter(c).unwrap();
        std::thread::sleep(std::time::Duration::from_millis(20));
        sys::exit(7).unwrap();
    });
    assert_eq!(sys::wait4(c, 0), Ok((c, w_exitcode(7))));
    h.join().unwrap();
}

#[test]
fn wait_by_process_group() {
    let _p = user();
    sys::setsid().unwrap();
    let a = sys::spawn().unwrap() as i32;
    let b = sys::spawn().unwrap() as i32;
    sys::setpgid(b, b).unwrap();
    sys::kill(a, SIGKILL).unwrap();
    sys::kill(b, SIGKILL).unwrap();
    assert_eq!(sys::wait4(-b, 0).map(|r| r.0), Ok(b));
    assert_eq!(sys::wait4(0, 0).map(|r| r.0), Ok(a));
}

#[test]
fn orphans_are_reparented_to_init_and_reaped() {
    let k = kernel();
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    let g = {
        let _c = Task::enter(c).unwrap();
        let g = sys::spawn().unwrap() as i32;
        sys::exit(0).unwrap();
        g
    };
    {
        let _g = Task::enter(g).unwrap();
        assert_eq!(sys::getppid(), Ok(1));
        sys::exit(0).unwrap();
    }
    assert!(wait_until(5, || k.process_flags(g).is_err()), "init reaps orphans");
    sys::wait4(c, 0).unwrap();
    invariants();
}

#[test]
fn process_count_returns_after_reap() {
    let k = kernel();
    let _p = user();
    let cs: Vec<i32> = (0..20).map(|_| sys::spawn().unwrap() as i32).collect();
    for &c in &cs {
        assert!(k.process_flags(c).is_ok());
        sys::kill(c, SIGKILL).unwrap();
        sys::wait4(c, 0).unwrap();
        assert_eq!(k.process_flags(c), err(ESRCH));
    }
}

#[test]
fn task_enter_errors() {
    let _p = user();
    let me = sys::getpid().unwrap() as i32;
    assert_eq!(Task::enter(me).err(), Some(Errno(EBUSY)));
    assert_eq!(Task::enter(31111).err(), Some(Errno(ESRCH)));
    let c = sys::spawn().unwrap() as i32;
    sys::kill(c, SIGKILL).unwrap();
    assert_eq!(Task::enter(c).err(), Some(Errno(ESRCH)));
}

#[test]
fn threads_share_fd_table_and_handlers() {
    let _p = user();
    let [r, w] = sys::pipe().unwrap();
    let th = sys::clone_thread().unwrap();
    let h = std::thread::spawn(move || {
        let _t = Task::adopt(th);
        assert_eq!(sys::write(w, b"thread"), Ok(6));
        let fd = sys::dup(w).unwrap();
        sys::close(fd as i32).unwrap();
        sys::getpid().unwrap()
    });
    let pid = h.join().unwrap();
    assert_eq!(sys::getpid(), Ok(pid));
    let mut b = [0u8; 8];
    assert_eq!(sys::read(r, &mut b), Ok(6));
    invariants();
}

#[test]
fn exit_from_one_thread_ends_the_process() {
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    let th;
    {
        let _c = Task::enter(c).unwrap();
        th = sys::clone_thread().unwrap();
        sys::exit(3).unwrap();
    }
    let t = Task::adopt(th);
    assert_eq!(sys::getpid(), err(ESRCH));
    drop(t);
    assert_eq!(sys::wait4(c, 0), Ok((c, w_exitcode(3))));
}

#[test]
fn setuid_rules_unprivileged() {
    let _p = user();
    assert_eq!(sys::setuid(0), err(EPERM));
    assert_eq!(sys::setuid(1000), Ok(0));
    assert_eq!(sys::setresuid(u32::MAX, 2000, u32::MAX), err(EPERM));
    assert_eq!(sys::setuid(u32::MAX), err(EINVAL));
}

#[test]
fn setuid_root_sets_all_ids() {
    let _p = root();
    sys::setuid(3000).unwrap();
    assert_eq!(sys::getresuid(), Ok((3000, 3000, 3000)));
    assert_eq!(sys::setuid(0), err(EPERM), "privilege is gone for good");
}

#[test]
fn setresuid_keeps_saved_id_for_switching_back() {
    let _p = root();
    sys::setresuid(1000, 1000, 0).unwrap();
    assert_eq!(sys::getresuid(), Ok((1000, 1000, 0)));
    sys::setresuid(u32::MAX, 0, u32::MAX).unwrap();
    assert_eq!(sys::getresuid(), Ok((1000, 0, 0)));
    sys::setuid(1000).unwrap();
    assert_eq!(sys::getresuid(), Ok((1000, 1000, 1000)));
}

#[test]
fn seteuid_to_real_or_saved_only() {
    let _p = root();
    sys::setresuid(1000, 2000, 3000).unwrap();
    assert_eq!(sys::setresuid(u32::MAX, 3000, u32::MAX), Ok(0));
    assert_eq!(sys::setresuid(u32::MAX, 1000, u32::MAX), Ok(0));
    assert_eq!(sys::setresuid(u32::MAX, 4000, u32::MAX), err(EPERM));
    assert_eq!(sys::setuid(2000), err(EPERM), "2000 is neither the real nor the saved uid");
}

#[test]
fn setgid_rules() {
    let _p = user();
    assert_eq!(sys::setgid(0), err(EPERM));
    assert_eq!(sys::setgid(1000), Ok(0));
    drop(_p);
    let _r = root();
    sys::setresgid(10, 20, 30).unwrap();
    assert_eq!(sys::getresgid(), Ok((10, 20, 30)));
    sys::setgid(40).unwrap();
    assert_eq!(sys::getresgid(), Ok((40, 40, 40)));
}

#[test]
fn euid_decides_file_ownership() {
    let _p = root();
    sys::setresuid(0, 1500, 0).unwrap();
    let p = tmp("own");
    let fd = sys::creat(&p, 0o600).unwrap();
    assert_eq!(sys::fstat(fd).unwrap().st_uid, 1500);
}

#[test]
fn setsid_and_group_leader_rules() {
    let _p = user();
    let me = sys::getpid().unwrap() as i32;
    assert_eq!(sys::setsid(), Ok(me as isize));
    assert_eq!(sys::getsid(0), Ok(me as isize));
    assert_eq!(sys::getpgid(0), Ok(me as isize));
    assert_eq!(sys::setsid(), err(EPERM), "already a group leader");
}

#[test]
fn setpgid_rules() {
    let _p = user();
    sys::setsid().unwrap();
    let me = sys::getpid().unwrap() as i32;
    let c = sys::spawn().unwrap() as i32;
    assert_eq!(sys::setpgid(c, 0), Ok(0));
    assert_eq!(sys::getpgid(c), Ok(c as isize));
    assert_eq!(sys::setpgid(c, me), Ok(0));
    assert_eq!(sys::setpgid(c, 31000), err(EPERM), "no such group in the session");
    assert_eq!(sys::setpgid(c, -1), err(EINVAL));
    assert_eq!(sys::setpgid(1, 1), err(ESRCH), "not a child");
    assert_eq!(sys::setpgid(0, 0), err(EPERM), "session leader");
    assert_eq!(sys::getpgid(31222), err(ESRCH));
}

#[test]
fn getppid_after_parent_exit_is_init() {
    let _p = user();
    let c = sys::spawn().unwrap() as i32;
    let g = {
        let _c = Task::enter(c).unwrap();
        sys::spawn().unwrap() as i32
    };
    sys::kill(c, SIGKILL).unwrap();
    sys::wait4(c, 0).unwrap();
    let _g = Task::enter(g).unwrap();
    assert_eq!(sys::getppid(), Ok(1));
}

#[test]
fn exit_closes_files_of_the_process() {
    let _p = user();
    let [r, w] = sys::pipe().unwrap();
    let c = sys::spawn().unwrap() as i32;
    sys::close(w).unwrap();
    sys::kill(c, SIGKILL).unwrap();
    assert_eq!(sys::read(r, &mut [0u8; 1]), Ok(0));
}
