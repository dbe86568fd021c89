//! Runs a `.ll` file's `main` on the interpreter alone, like
//! `jitty exec --engine interp FILE -- ARGS` but without the JIT and the
//! rest of the CLI, so that profiling the interpreter (callgrind) needs
//! only this crate built: `cargo run --release -p jitty-interp --example
//! interp_run -- FILE.ll ARGS...`. The exit status is `main`'s.

use jitty_interp::Interpreter;
use std::sync::Arc;

fn main() {
    let args: Vec<String> = std::env::args().skip(1).collect();
    let Some(path) = args.first() else {
        eprintln!("usage: interp_run FILE.ll [ARGS...]");
        std::process::exit(2);
    };
    let src = match std::fs::read_to_string(path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("interp_run: {path}: {e}");
            std::process::exit(2);
        }
    };
    let module = match jitty_llvm::parse_module(&src, path) {
        Ok(m) => Arc::new(m),
        Err(e) => {
            eprintln!("interp_run: {path}: {e}");
            std::process::exit(2);
        }
    };
    let interp = match Interpreter::load_host(module) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("interp_run: {path}: {e}");
            std::process::exit(2);
        }
    };
    // `INTERP_DUMP=name` prints the lowered code of function `@name` first.
    if let Ok(name) = std::env::var("INTERP_DUMP")
        && let Some(f) = interp.image().module().func_by_name(&name)
    {
        let l = interp.lowered(f);
        eprintln!("@{name}: {} slots, {} constant slots, params {:?}", l.nslots, l.consts.len(), l.params);
        for (pc, op) in l.ops.iter().enumerate() {
            eprintln!("{pc:4}: {op:?}");
        }
    }
    // `run_main` runs the program on a thread with the interpreter's main
    // stack, as `jitty exec` does.
    match interp.run_main("main", path, &args[1..]) {
        Ok(code) => std::process::exit(code),
        Err(e) => {
            eprintln!("interp_run: {e}");
            std::process::exit(125);
        }
    }
}
