//! Unit tests of kernel internals (run with std and the test HAL).

use crate::abi::*;
use crate::check::{jk_admin_spawn, jk_boot, jk_check_invariants, jk_layout_probe};
use crate::kobj::Thread;
use crate::syscall::*;
use crate::task::{self, PidTable};

fn setup() -> *mut Thread {
    assert_eq!(jk_boot(), 0);
    let pid = jk_admin_spawn(1000, 1000);
    assert!(pid > 1);
    task::task_enter(pid).expect("enter")
}

#[test]
fn pid_table_alloc_lookup_free_wraps() {
    let mut t = PidTable::new();
    let deps = crate::annotations::QuasiDeps::new();
    let w = deps.prepare();
    let a = t.alloc(&w).unwrap();
    let b = t.alloc(&w).unwrap();
    assert_eq!((a, b), (1, 2));
    t.free(&w, a);
    t.last_pid = PID_MAX - 1;
    assert_eq!(t.alloc(&w), Some(3), "wraps to 2.., skipping used pids");
    assert!(t.lookup(3).is_null(), "allocated but not yet published");
    assert!(t.lookup(-1).is_null() && t.lookup(PID_MAX).is_null());
}

#[test]
fn fd_allocation_is_lowest_free_and_grows() {
    let cur = setup();
    // SAFETY: live current from setup.
    let t = unsafe { &*cur };
    let mut fds = [0i32; 2];
    for _ in 0..40 {
        ksys_pipe2(t, fds.as_mut_ptr(), 0).unwrap();
    }
    assert_eq!(fds, [78, 79]);
    ksys_close(t, 5).unwrap();
    assert_eq!(ksys_dup(t, 0).unwrap(), 5);
    assert_eq!(jk_check_invariants(), 0);
    // SAFETY: not in a syscall.
    unsafe { task::task_leave(cur) };
}

#[test]
fn pipe_roundtrip_and_probe() {
    let cur = setup();
    // SAFETY: live current from setup.
    let t = unsafe { &*cur };
    let mut fds = [0i32; 2];
    ksys_pipe2(t, fds.as_mut_ptr(), O_NONBLOCK).unwrap();
    assert_eq!(ksys_write(t, fds[1], b"hey".as_ptr(), 3), Ok(3));
    let mut buf = [0u8; 8];
    assert_eq!(ksys_read(t, fds[0], buf.as_mut_ptr(), 8), Ok(3));
    assert_eq!(ksys_read(t, fds[0], buf.as_mut_ptr(), 8), Err(EAGAIN));
    let mut w = [0u64; LAYOUT_PROBE_WORDS];
    // SAFETY: valid output buffer.
    assert_eq!(unsafe { jk_layout_probe(w.as_mut_ptr(), w.len()) }, LAYOUT_PROBE_WORDS);
    assert_eq!(w[0], 0x4a49_5454_5921);
    // SAFETY: not in a syscall.
    unsafe { task::task_leave(cur) };
}

mod descriptors {
    use core::ffi::c_void;

    use crate::abi::*;
    use crate::annotations::{Const, Quasi, QuasiDeps};
    use crate::kobj::{
        FdSlot, Fdtable, File, FileOps, FilesStruct, Inode, Process, QuasiSigAction, SigHand, SyscallTable, Thread,
    };
    use crate::pipe::Pipe;
    use crate::rpc::msg::ProcDesc;
    use crate::rpc::xdr::XdrType;
    use crate::task::{PidLeaf, PidTable};
    use crate::typedesc::Described;
    use crate::typedesc::testing::{cstr, expect_desc, fields};
    use crate::vmalloc::{Discipline, Method};

    #[test]
    fn fd_and_file_types_match_native_layout() {
        expect_desc!(File, "File", [
            deps: QuasiDeps, 1, FIELD_DEPS, None;
            f_op: Const<*const FileOps>, 1, FIELD_CONST, Some("FileOps");
            f_inode: Const<*mut Inode>, 1, FIELD_CONST, Some("Inode");
            f_mode: Const<u32>, 1, FIELD_CONST, None;
            f_flags: Quasi<u32>, 1, FIELD_QUASI, None;
            private_data: Const<*mut c_void>, 1, FIELD_CONST, None;
        ]);
        expect_desc!(FdSlot, "FdSlot", [file: Quasi<*mut File>, 1, FIELD_QUASI, Some("File");]);
        expect_desc!(Fdtable, "Fdtable", [fd: Quasi<*mut FdSlot>, 1, FIELD_QUASI, Some("FdSlot");]);
        expect_desc!(FilesStruct, "FilesStruct", [
            deps: QuasiDeps, 1, FIELD_DEPS, None;
            users: Quasi<u32>, 1, FIELD_QUASI, None;
            fdt: Fdtable, 1, FIELD_EMBEDDED, Some("Fdtable");
        ]);
        expect_desc!(FileOps, "FileOps", []);
        expect_desc!(Inode, "Inode", [
            deps: QuasiDeps, 1, FIELD_DEPS, None;
            ino: Const<u64>, 1, FIELD_CONST, None;
            dev: Const<u64>, 1, FIELD_CONST, None;
            kind: Const<u32>, 1, FIELD_CONST, None;
            i_fop: Const<*const FileOps>, 1, FIELD_CONST, Some("FileOps");
            i_pipe: Const<*mut c_void>, 1, FIELD_CONST, None;
            mode: Quasi<u32>, 1, FIELD_QUASI, None;
            uid: Quasi<Uid>, 1, FIELD_QUASI, None;
            gid: Quasi<Gid>, 1, FIELD_QUASI, None;
        ]);
        expect_desc!(Pipe, "Pipe", [buf: Const<*mut u8>, 1, FIELD_CONST, None;]);
        // The slot array is a pointer to `max_fds` slots.
        let fd = fields(Fdtable::DESC)[0];
        assert_eq!(
            (fd.pointee, fd.len_offset, fd.len_size),
            (POINTEE_ARRAY, core::mem::offset_of!(Fdtable, max_fds) as u32, 4)
        );
        assert_eq!(cstr(fd.len_name), "max_fds");
        let to_file = fields(FdSlot::DESC)[0];
        assert_eq!(to_file.pointee, POINTEE_ONE);
    }

    #[test]
    fn task_and_signal_types_match_native_layout() {
        expect_desc!(Process, "Process", [
            deps: QuasiDeps, 1, FIELD_DEPS, None;
            pid: Const<Pid>, 1, FIELD_CONST, None;
            files: Const<*mut FilesStruct>, 1, FIELD_CONST, Some("FilesStruct");
            sighand: Const<*mut SigHand>, 1, FIELD_CONST, Some("SigHand");
            gft: Quasi<*const SyscallTable>, 1, FIELD_QUASI, Some("SyscallTable");
            uid: Quasi<Uid>, 1, FIELD_QUASI, None;
            euid: Quasi<Uid>, 1, FIELD_QUASI, None;
            suid: Quasi<Uid>, 1, FIELD_QUASI, None;
            gid: Quasi<Gid>, 1, FIELD_QUASI, None;
            egid: Quasi<Gid>, 1, FIELD_QUASI, None;
            sgid: Quasi<Gid>, 1, FIELD_QUASI, None;
            pgid: Quasi<Pid>, 1, FIELD_QUASI, None;
            sid: Quasi<Pid>, 1, FIELD_QUASI, None;
            nr_threads: Quasi<u32>, 1, FIELD_QUASI, None;
        ]);
        expect_desc!(Thread, "Thread", [
            process: Const<*mut Process>, 1, FIELD_CONST, Some("Process");
            tid: Const<u32>, 1, FIELD_CONST, None;
        ]);
        expect_desc!(PidTable, "PidTable", [root: [Quasi<*mut PidLeaf>; 64], 64, FIELD_QUASI, Some("PidLeaf");]);
        expect_desc!(PidLeaf, "PidLeaf", [slots: [Quasi<*mut Process>; 512], 512, FIELD_QUASI, Some("Process");]);
        expect_desc!(SigHand, "SigHand", [
            deps: QuasiDeps, 1, FIELD_DEPS, None;
            action: [QuasiSigAction; 64], 64, FIELD_EMBEDDED, Some("QuasiSigAction");
        ]);
        expect_desc!(QuasiSigAction, "QuasiSigAction", [
            handler: Quasi<usize>, 1, FIELD_QUASI, None;
            flags: Quasi<u64>, 1, FIELD_QUASI, None;
            mask: Quasi<SigSet>, 1, FIELD_QUASI, None;
        ]);
        expect_desc!(SyscallTable, "SyscallTable", []);
        assert_eq!(core::mem::size_of::<QuasiDeps>(), 8);
    }

    #[test]
    fn allocator_and_rpc_types_match_native_layout() {
        expect_desc!(Method, "Method", []);
        expect_desc!(Discipline, "Discipline", []);
        expect_desc!(ProcDesc<'static>, "ProcDesc", [
            prog: Const<u32>, 1, FIELD_CONST, None;
            vers: Const<u32>, 1, FIELD_CONST, None;
            proc_: Const<u32>, 1, FIELD_CONST, None;
            args: Const<&'static XdrType<'static>>, 1, FIELD_CONST, Some("XdrType");
            res: Const<&'static XdrType<'static>>, 1, FIELD_CONST, Some("XdrType");
        ]);
        expect_desc!(XdrType<'static>, "XdrType", []);
    }

    #[test]
    fn type_table_lists_each_type_once() {
        // SAFETY: exported static table of descriptor pointers.
        let t = unsafe {
            core::slice::from_raw_parts(
                crate::specpoints::JK_TYPE_DESCS.types,
                crate::specpoints::JK_TYPE_DESCS.len as usize,
            )
        };
        // SAFETY: descriptor statics.
        let mut names: Vec<&str> = t.iter().map(|&d| cstr(unsafe { (*d).name })).collect();
        assert!(names.len() >= 10);
        names.sort();
        let n = names.len();
        names.dedup();
        assert_eq!(names.len(), n, "a type listed twice");
    }
}

/// Every write of a `Quasi` field goes through `Quasi::store` (the guard). The
/// type system forbids `&mut` access to the value (see the `compile_fail`
/// examples in `annotations`); this scan catches what `unsafe` code or a
/// `&mut` owner could still do around it.
mod guard_scan {
    use std::collections::BTreeSet;
    use std::path::Path;

    /// Names of the `Quasi` fields declared in `src` (`name: Quasi<…>` or `name: [Quasi<…>; N]`).
    fn quasi_fields(src: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        for line in src.lines() {
            let l = line.trim_start().trim_start_matches("pub ").trim_start_matches("pub(crate) ");
            let l = l.trim_start_matches("pub(super) ");
            if let Some((name, ty)) = l.split_once(':') {
                let ty = ty.trim_start();
                if (ty.starts_with("Quasi<") || ty.starts_with("[Quasi<"))
                    && name.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
                {
                    out.insert(name.to_string());
                }
            }
        }
        out
    }

    /// The index just past `.name` at `i` if it is a whole field access.
    fn field_at(line: &str, i: usize, name: &str) -> Option<usize> {
        if !line[i + 1..].starts_with(name) {
            return None;
        }
        let end = i + 1 + name.len();
        let after = line[end..].chars().next();
        (!after.is_some_and(|c| c.is_ascii_alphanumeric() || c == '_')).then_some(end)
    }

    /// Whether the place expression ending at `i` is borrowed mutably
    /// (`&mut`, `&raw mut`, `addr_of_mut!`).
    fn mut_borrowed(code: &str, i: usize) -> bool {
        let place = |c: char| c.is_ascii_alphanumeric() || "_.*()[] ".contains(c);
        let start = code[..i].rfind(|c: char| !place(c)).map_or(0, |k| k + 1);
        let prefix = code[..start].trim_end();
        let words = code[start..i].trim_start();
        (prefix.ends_with('&') && (words.starts_with("mut ") || words.starts_with("raw mut ")))
            || prefix.ends_with("addr_of_mut!(")
    }

    /// Names of the plain (not `Quasi`) fields declared in `src` (a
    /// `name: Type,` line inside a `struct … {` body).
    fn plain_fields(src: &str) -> BTreeSet<String> {
        let mut out = BTreeSet::new();
        let mut in_struct = false;
        for line in src.lines() {
            if line.contains("struct ") && line.trim_end().ends_with('{') {
                in_struct = true;
                continue;
            }
            if line.trim() == "}" {
                in_struct = false;
            }
            if !in_struct {
                continue;
            }
            let l = line.trim_start();
            let l = ["pub(crate) ", "pub(super) ", "pub "].iter().fold(l, |l, p| l.trim_start_matches(p));
            if let Some((name, ty)) = l.split_once(": ")
                && !name.is_empty()
                && name.chars().all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_')
                && !ty.trim_start().starts_with("Quasi<")
                && !ty.trim_start().starts_with("[Quasi<")
                && line.trim_end().ends_with(',')
            {
                out.insert(name.to_string());
            }
        }
        out
    }

    /// Lines of `src` that write a field named in `quasi` around the guard.
    fn violations(file: &str, src: &str, quasi: &BTreeSet<String>) -> Vec<String> {
        const RAW: [&str; 9] = [
            "ptr::write",
            "write_volatile",
            "write_unaligned",
            "transmute",
            "copy_nonoverlapping",
            "ptr::copy(",
            "write_bytes",
            "mem::replace",
            "mem::swap",
        ];
        let mut out = Vec::new();
        for (n, line) in src.lines().enumerate() {
            let code = line.split("//").next().unwrap_or("");
            for (i, _) in code.match_indices('.') {
                for name in quasi {
                    let Some(mut end) = field_at(code, i, name) else { continue };
                    // An element of an inline array of `Quasi`.
                    if code[end..].starts_with('[')
                        && let Some(close) = code[end..].find(']')
                    {
                        end += close + 1;
                    }
                    let rest = code[end..].trim_start();
                    let bad = (rest.starts_with('=') && !rest.starts_with("=="))
                        || rest.starts_with(".as_ptr(")
                        || mut_borrowed(code, i)
                        || RAW.iter().any(|r| code.contains(r));
                    if bad {
                        out.push(format!("{file}:{}: `{}`", n + 1, line.trim()));
                    }
                }
            }
            // Replacing a whole owner (`*self = …`) would also bypass the guard.
            if code.contains("*self =") {
                out.push(format!("{file}:{}: `{}`", n + 1, line.trim()));
            }
        }
        out
    }

    fn kernel_sources(dir: &Path, out: &mut Vec<(String, String)>) {
        for e in std::fs::read_dir(dir).unwrap() {
            let p = e.unwrap().path();
            if p.is_dir() {
                kernel_sources(&p, out);
            } else if p.extension().is_some_and(|x| x == "rs") {
                out.push((p.display().to_string(), std::fs::read_to_string(&p).unwrap()));
            }
        }
    }

    #[test]
    fn quasi_fields_are_written_only_through_the_guard() {
        let mut files = Vec::new();
        kernel_sources(&Path::new(env!("CARGO_MANIFEST_DIR")).join("src"), &mut files);
        let quasi: BTreeSet<String> = files.iter().flat_map(|(_, s)| quasi_fields(s)).collect();
        for f in ["f_flags", "users", "fd", "file", "slots", "root", "handler", "uid", "psize", "flags"] {
            assert!(quasi.contains(f), "{f} should be found as a Quasi field: {quasi:?}");
        }
        let mut bad = Vec::new();
        for (name, src) in &files {
            // The wrapper itself, and this scan's own examples.
            if name.ends_with("/annotations.rs") || name.ends_with("/tests.rs") {
                continue;
            }
            // A file that declares a plain field of the same name and no
            // `Quasi` one (the RPC credential's `uid`, a directory's
            // `parent`) writes that one; the scan cannot tell the types apart.
            let plain: BTreeSet<String> = plain_fields(src).difference(&quasi_fields(src)).cloned().collect();
            let here: BTreeSet<String> = quasi.difference(&plain).cloned().collect();
            bad.extend(violations(name, src, &here));
        }
        assert!(bad.is_empty(), "Quasi fields written around the guard:\n{}", bad.join("\n"));
    }

    #[test]
    fn the_scan_catches_writes_around_the_guard() {
        let quasi = quasi_fields(
            "    pub f_flags: Quasi<u32>,\n    slots: [Quasi<*mut Process>; 512],\n    pub max_fds: Quasi<u32>,",
        );
        assert_eq!(quasi.len(), 3);
        let src = "\
            unsafe { *f.f_flags.as_ptr().cast_mut() = 1 };\n\
            unsafe { core::ptr::write(&raw mut (*leaf).slots[s], Quasi::new(p)) };\n\
            self.max_fds = Quasi::new(128);\n\
            let r = &mut t.max_fds;\n\
            *self = Fdtable::new(n);\n\
            f.f_flags.store(&w, 1); // the guarded write is fine\n\
            if t.max_fds.get() == 1 { leaf.slots[s].store(&w, p) }\n";
        let v = violations("x.rs", src, &quasi);
        assert_eq!(v.len(), 5, "{v:#?}");
        assert!(v.iter().all(|l| !l.contains(".store(")), "{v:#?}");
    }
}
