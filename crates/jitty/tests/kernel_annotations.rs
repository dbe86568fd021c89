//! `jitty kernel annotations [--json]`: the descriptor table as valid JSON
//! with the fd and pid bindings as `quasi` fields, and the human form with
//! the spec points' typed paths.

use std::process::Command;

use serde_json::Value;

fn jitty(args: &[&str]) -> String {
    let out = Command::new(env!("CARGO_BIN_EXE_jitty")).args(args).output().expect("run jitty");
    assert!(out.status.success(), "jitty {args:?}: {}", String::from_utf8_lossy(&out.stderr));
    String::from_utf8(out.stdout).expect("utf-8")
}

fn field<'a>(types: &'a [Value], ty: &str, name: &str) -> &'a Value {
    let t = types.iter().find(|t| t["type"] == ty).unwrap_or_else(|| panic!("no type {ty}"));
    let fields = t["fields"].as_array().unwrap();
    fields.iter().find(|f| f["name"] == name).unwrap_or_else(|| panic!("no field {ty}.{name}"))
}

#[test]
fn json_lists_the_types_and_the_bindings_as_quasi() {
    let v: Value = serde_json::from_str(&jitty(&["kernel", "annotations", "--json"])).expect("valid JSON");
    let types = v.as_array().expect("a list");
    assert!(types.len() >= 10, "{} types", types.len());
    for t in types {
        assert!(t["type"].is_string() && t["size"].is_u64(), "{t}");
        for f in t["fields"].as_array().expect("fields") {
            for key in ["name", "offset", "size", "kind", "points_to"] {
                assert!(f.get(key).is_some(), "{key} missing in {f}");
            }
            let kind = f["kind"].as_str().unwrap();
            assert!(["const", "quasi", "embedded", "deps"].contains(&kind), "{f}");
            assert!(f["points_to"].is_null() || f["points_to"].is_string(), "{f}");
        }
    }
    // Objects with quasi-invariant fields name their dependents word (the guard).
    for ty in ["File", "Process", "FilesStruct", "SigHand", "Region"] {
        assert_eq!(field(types, ty, "deps")["kind"].as_str(), Some("deps"), "{ty}");
    }
    // The fd binding: Fdtable.fd points to an array of FdSlot whose `file` is the binding.
    let fd = field(types, "Fdtable", "fd");
    assert_eq!(
        (fd["kind"].as_str(), fd["points_to"].as_str(), fd["array"].as_bool()),
        (Some("quasi"), Some("FdSlot"), Some(true))
    );
    assert_eq!(fd["len_field"], "max_fds");
    let slot = field(types, "FdSlot", "file");
    assert_eq!((slot["kind"].as_str(), slot["points_to"].as_str()), (Some("quasi"), Some("File")));
    // The pid binding: 512 slots per leaf, each a Quasi pointer to a Process.
    let pid = field(types, "PidLeaf", "slots");
    assert_eq!(
        (pid["kind"].as_str(), pid["points_to"].as_str(), pid["count"].as_u64()),
        (Some("quasi"), Some("Process"), Some(512))
    );
    let f_op = field(types, "File", "f_op");
    assert_eq!(
        (f_op["kind"].as_str(), f_op["points_to"].as_str(), f_op["size"].as_u64()),
        (Some("const"), Some("FileOps"), Some(8))
    );
    assert!(field(types, "File", "f_flags")["points_to"].is_null());
}

#[test]
fn human_form_prints_types_and_typed_paths() {
    let out = jitty(&["kernel", "annotations"]);
    assert!(out.contains("\nFile  size "), "{out}");
    for line in [
        "arg0: Thread → process → Process → files → FilesStruct → fdt → Fdtable → fd[arg1] → FdSlot → file → File → f_op → FileOps",
        "static PidTableCell → table → PidTable → root[arg1 >> 9] → PidLeaf → slots[arg1 & 0x1ff] → Process → sighand → SigHand → action[arg2 - 1] → QuasiSigAction",
        "arg0: Region → meth → Method",
        "arg1: ProcDesc → args → XdrType",
    ] {
        assert!(out.contains(line), "missing `{line}` in:\n{out}");
    }
    assert!(out.contains("kill = jk_sys_kill (arg0: *Thread, arg1: scalar, arg2: scalar; GFT slot +"), "{out}");
}
