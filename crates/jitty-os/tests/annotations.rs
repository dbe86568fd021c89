//! The typed paths of every spec point, walked over a live booted kernel,
//! reach the objects the syscall layer independently says they must:
//! `fstat`'s inode number, `getpid`, `getresuid`, `fcntl(F_GETFL)`,
//! `sigaction`'s disposition, the allocator's block size and the RPC
//! descriptor's schema pointer.

mod common;

use common::*;
use jitty_os::annot::{Annotations, LiveMemory, PathInfo, Walk, WalkEnd};
use jitty_os::image::in_kernel;

fn annotations() -> Annotations {
    kernel();
    Annotations::native().expect("annotation tables")
}

fn path<'a>(a: &'a Annotations, point: &str, name: &str) -> &'a PathInfo {
    let p = a.point(point).unwrap_or_else(|| panic!("no spec point {point}"));
    p.paths.iter().find(|x| x.name == name).unwrap_or_else(|| panic!("no path {point}.{name}"))
}

fn walk(a: &Annotations, p: &PathInfo, args: &[u64]) -> Walk {
    // SAFETY: the walks below follow live objects of processes this test owns.
    let mem = unsafe { LiveMemory::new() };
    a.walk(p, args, &mem).unwrap_or_else(|e| panic!("{}: {e}", a.describe_path(p)))
}

/// The reached object of type `ty` (exactly one).
fn object(a: &Annotations, w: &Walk, ty: &str) -> usize {
    let v: Vec<usize> = w.objects.iter().filter(|o| a.types[o.ty].name == ty).map(|o| o.addr).collect();
    assert_eq!(v.len(), 1, "{ty} in {w:?}");
    v[0]
}

/// Reads annotated field `field` of the `ty` at `addr` through its descriptor.
fn field(a: &Annotations, ty: &str, addr: usize, field: &str) -> u64 {
    let t = a.type_named(ty).unwrap();
    let f = t.fields.iter().find(|f| f.name == field).unwrap_or_else(|| panic!("{ty}.{field}"));
    let p = addr + f.offset as usize;
    // SAFETY: `addr` is a live object reached by a walk; the field lies inside it.
    unsafe {
        match f.size {
            4 => (p as *const u32).read() as u64,
            8 => (p as *const u64).read(),
            n => panic!("{ty}.{field}: size {n}"),
        }
    }
}

#[test]
fn descriptor_table_has_the_bindings_as_quasi() {
    let a = annotations();
    assert!(a.types.len() >= 10);
    let kind = |t: &str, f: &str| {
        a.type_named(t).unwrap().fields.iter().find(|x| x.name == f).map(|x| x.kind.as_str()).unwrap()
    };
    assert_eq!(kind("FdSlot", "file"), "quasi");
    assert_eq!(kind("Fdtable", "fd"), "quasi");
    assert_eq!(kind("PidLeaf", "slots"), "quasi");
    assert_eq!(kind("File", "f_op"), "const");
    assert_eq!(kind("Pipe", "buf"), "const");
    assert!(a.type_named("PoolState").is_some(), "types reached through embedded fields are read too");
    // Every declared path is walked by a test below; a new one needs a new walk.
    let declared: Vec<String> =
        a.points.iter().flat_map(|p| p.paths.iter().map(move |x| format!("{}.{}", p.name, x.name))).collect();
    let walked = [
        "write.file ops",
        "write.inode",
        "read.file ops",
        "read.inode",
        "kill.sender creds",
        "kill.target disposition",
        "malloc.method",
        "malloc.discipline",
        "malloc.pool sizes",
        "rpc.client",
        "rpc.argument schema",
        "rpc.result schema",
    ];
    assert_eq!(declared, walked);
}

#[test]
fn write_and_read_paths_reach_the_fd_binding_file_and_inode() {
    let a = annotations();
    let task = user();
    let cur = task.as_ptr() as u64;
    let [r, w] = sys::pipe2(O_NONBLOCK).unwrap();
    let f = sys::open("/tmp/annot-walk", O_CREAT | O_RDWR, 0o600).unwrap();
    for point in ["write", "read"] {
        let ops = path(&a, point, "file ops");
        let inode = path(&a, point, "inode");
        let wr = walk(&a, ops, &[cur, w as u64]);
        let rd = walk(&a, ops, &[cur, r as u64]);
        let fw = walk(&a, ops, &[cur, f as u64]);
        for x in [&wr, &rd, &fw] {
            assert_eq!(x.end, WalkEnd::Object, "{x:?}");
            assert_eq!(x.objects[0].addr, cur as usize, "root: the current thread");
            let p = object(&a, x, "Process");
            assert_eq!(field(&a, "Process", p, "pid") as i64, sys::getpid().unwrap() as i64);
            assert_eq!(field(&a, "Process", p, "euid"), sys::getresuid().unwrap().1 as u64);
        }
        let (fw_file, wr_file) = (object(&a, &fw, "File"), object(&a, &wr, "File"));
        assert_ne!(fw_file, wr_file);
        assert_ne!(object(&a, &rd, "File"), wr_file, "two ends, two open files");
        assert_eq!(object(&a, &rd, "FileOps"), object(&a, &wr, "FileOps"), "both pipe ends: pipe ops");
        assert_ne!(object(&a, &fw, "FileOps"), object(&a, &wr, "FileOps"), "a RAM file has other ops");
        let flags = field(&a, "File", wr_file, "f_flags") as u32;
        assert_eq!(flags as isize, sys::fcntl(w, F_GETFL, 0).unwrap());
        // The inode path: the descriptor's inode number is fstat's.
        for fd in [f, r] {
            let x = walk(&a, inode, &[cur, fd as u64]);
            let ino = field(&a, "Inode", object(&a, &x, "Inode"), "ino");
            assert_eq!(ino, sys::fstat(fd).unwrap().st_ino);
        }
        // The file's ops are its inode's default ops for a RAM file.
        let x = walk(&a, inode, &[cur, f as u64]);
        assert_eq!(object(&a, &x, "FileOps"), object(&a, &fw, "FileOps"));
    }
    let ops = path(&a, "write", "file ops");
    // dup2 rebinds a slot to the same File; close unbinds it.
    sys::dup2(w, 9).unwrap();
    assert_eq!(object(&a, &walk(&a, ops, &[cur, 9]), "File"), object(&a, &walk(&a, ops, &[cur, w as u64]), "File"));
    sys::close(9).unwrap();
    assert_eq!(walk(&a, ops, &[cur, 9]).end, WalkEnd::Absent { step: 5 }, "closed: the slot is empty");
    assert!(matches!(walk(&a, ops, &[cur, 5000]).end, WalkEnd::Absent { .. }), "beyond max_fds");
    assert!(matches!(walk(&a, ops, &[cur, (-1i64) as u64]).end, WalkEnd::Absent { .. }), "negative fd");
    // Expansion moves the slot array; the walk follows it.
    let before = object(&a, &walk(&a, ops, &[cur, w as u64]), "FdSlot");
    sys::dup2(w, 200).unwrap();
    let x = walk(&a, ops, &[cur, 200]);
    assert_eq!(object(&a, &x, "File"), object(&a, &walk(&a, ops, &[cur, w as u64]), "File"));
    assert_ne!(object(&a, &walk(&a, ops, &[cur, w as u64]), "FdSlot"), before, "the table grew: new slot array");
    for fd in [r, w, f, 200] {
        sys::close(fd).unwrap();
    }
    sys::unlink("/tmp/annot-walk").unwrap();
    kernel().check_invariants().unwrap();
}

extern "C" fn on_usr1(_: i32) {}

#[test]
fn kill_paths_reach_sender_target_and_disposition() {
    let a = annotations();
    let task = user();
    let cur = task.as_ptr() as u64;
    let set = sys::signal(SIGUSR1, on_usr1, 1 << (SIGUSR2 - 1), 0).map(|_| sys::sigaction(SIGUSR1, None).unwrap());
    let set = set.unwrap();
    let c = sys::spawn().unwrap() as i32;
    let sender = walk(&a, path(&a, "kill", "sender creds"), &[cur, c as u64, SIGUSR1 as u64]);
    let me = object(&a, &sender, "Process");
    assert_eq!(field(&a, "Process", me, "pid") as i32, sys::getpid().unwrap() as i32);
    let target = path(&a, "kill", "target disposition");
    let x = walk(&a, target, &[cur, c as u64, SIGUSR1 as u64]);
    let child = object(&a, &x, "Process");
    assert_eq!(field(&a, "Process", child, "pid") as i32, c);
    assert_ne!(child, me);
    assert_eq!(x.end, WalkEnd::Object, "{x:?}");
    let act = object(&a, &x, "QuasiSigAction");
    let got = SigAction {
        handler: field(&a, "QuasiSigAction", act, "handler") as usize,
        flags: field(&a, "QuasiSigAction", act, "flags"),
        mask: field(&a, "QuasiSigAction", act, "mask"),
    };
    assert_eq!(got, set, "the child inherited the handler");
    assert_eq!(got.handler, on_usr1 as *const () as usize);
    assert!(matches!(walk(&a, target, &[cur, c as u64, 0]).end, WalkEnd::Absent { .. }), "signal 0");
    assert!(matches!(walk(&a, target, &[cur, c as u64, 65]).end, WalkEnd::Absent { .. }), "signal 65");
    assert!(matches!(walk(&a, target, &[cur, PID_MAX as u64, 10]).end, WalkEnd::Absent { .. }), "pid out of range");
    sys::kill(c, SIGKILL).unwrap();
    assert_eq!(sys::wait4(c, 0), Ok((c, w_termsig(SIGKILL))));
    assert_eq!(
        walk(&a, target, &[cur, c as u64, 10]).end,
        WalkEnd::Absent { step: 3 },
        "reaped: the pid slot is empty"
    );
}

/// `Method::id` (after five function pointers), read with the host's own view of the layout.
fn method_id(m: usize) -> u32 {
    // SAFETY: `m` is a live (static) method table.
    unsafe { ((m + 5 * 8) as *const u32).read() }
}

#[test]
fn malloc_paths_reach_method_discipline_and_pool_sizes() {
    let a = annotations();
    // SAFETY: the default region is a live static.
    let def = in_kernel(|s| unsafe { (s.vmalloc_default_region)() }) as u64;
    let meth = walk(&a, path(&a, "malloc", "method"), &[def, 32]);
    assert_eq!(method_id(object(&a, &meth, "Method")), 1, "the default region is best-fit");
    let disc = object(&a, &walk(&a, path(&a, "malloc", "discipline"), &[def, 32]), "Discipline");
    // A pool region over the default region's discipline and the pool method.
    let vmpool = pool_method();
    // SAFETY: live discipline and method statics of the kernel.
    let region = in_kernel(|s| unsafe { (s.vmalloc_region_open)(disc as *const _, vmpool as *const _, 0) });
    assert!(!region.is_null());
    let meth = walk(&a, path(&a, "malloc", "method"), &[region as u64, 40]);
    assert_eq!(object(&a, &meth, "Method"), vmpool, "the region's method is the one it was opened with");
    // The discipline reached from the default region works: the new region allocates through it.
    let sizes = path(&a, "malloc", "pool sizes");
    let ps = object(&a, &walk(&a, sizes, &[region as u64, 40]), "PoolState");
    assert_eq!((field(&a, "PoolState", ps, "psize"), field(&a, "PoolState", ps, "stride")), (0, 0));
    // SAFETY: a live region.
    assert!(!in_kernel(|s| unsafe { (s.vmalloc_alloc)(region, 40) }).is_null());
    assert_eq!((field(&a, "PoolState", ps, "psize"), field(&a, "PoolState", ps, "stride")), (40, 48));
    // SAFETY: a live region, not used afterwards.
    assert_eq!(in_kernel(|s| unsafe { (s.vmalloc_region_close)(region) }), 0);
}

/// The pool method's address.
fn pool_method() -> usize {
    // SAFETY: a host-services entry without preconditions.
    let addr = in_kernel(|s| unsafe { (s.vmalloc_method)(2) }) as usize;
    assert_eq!(method_id(addr), 2, "VMPOOL's id is METHOD_POOL");
    addr
}

#[test]
fn rpc_paths_reach_client_and_schemas() {
    let a = annotations();
    let task = user();
    let [r, w] = sys::pipe().unwrap();
    // SAFETY: the live current thread of this host thread; the fds are its.
    let client = in_kernel(|s| unsafe { (s.rpc_pipe_client_create)(task.as_ptr() as *mut _, r, w, std::ptr::null()) });
    assert!(!client.is_null());
    // SAFETY: the kernel's static descriptor.
    let pd = in_kernel(|s| unsafe { (s.rpc_bench_proc)() }) as usize;
    let args = [client as u64, pd as u64];
    let c = walk(&a, path(&a, "rpc", "client"), &args);
    assert_eq!((c.objects.len(), c.objects[0].addr), (1, client as usize));
    assert_eq!(field(&a, "RpcClient", client as usize, "max_frag"), 1 << 20, "the default fragment size");
    // `ProcDesc` is three u32 numbers, then the argument and result schema pointers.
    // SAFETY: the live static descriptor.
    let (args_schema, res_schema) = unsafe { (((pd + 16) as *const usize).read(), ((pd + 24) as *const usize).read()) };
    let x = walk(&a, path(&a, "rpc", "argument schema"), &args);
    assert_eq!(object(&a, &x, "XdrType"), args_schema);
    let y = walk(&a, path(&a, "rpc", "result schema"), &args);
    assert_eq!(object(&a, &y, "XdrType"), res_schema);
    assert_eq!(field(&a, "ProcDesc", pd, "prog"), 0x2000_0001);
    // SAFETY: our client, not used afterwards.
    in_kernel(|s| unsafe { (s.rpc_pipe_client_destroy)(client) });
    sys::close(r).unwrap();
    sys::close(w).unwrap();
}
