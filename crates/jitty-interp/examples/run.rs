//! Runs a `.ll` file's `main` in the interpreter, like `lli`:
//! `cargo run -p jitty-interp --example run -- [--fuel N] [--time] file.ll args...`.
//! Exits with main's exit code; errors go to stderr with exit code 70.

use jitty_interp::Interpreter;
use std::sync::Arc;

fn main() {
    let mut args: Vec<String> = std::env::args().skip(1).collect();
    let mut fuel = None;
    let mut time = false;
    let mut check = false;
    let mut dump: Option<String> = None;
    loop {
        match args.first().map(String::as_str) {
            Some("--fuel") if args.len() > 1 => {
                fuel = args[1].parse::<u64>().ok();
                args.drain(..2);
            }
            Some("--dump") if args.len() > 1 => {
                dump = Some(args[1].clone());
                args.drain(..2);
            }
            Some("--check") => {
                check = true;
                args.remove(0);
            }
            Some("--time") => {
                time = true;
                args.remove(0);
            }
            _ => break,
        }
    }
    let Some(path) = args.first().cloned() else {
        eprintln!("usage: run [--fuel N] [--time] [--check] [--dump FUNC] file.ll [args...]");
        std::process::exit(64);
    };
    let src = match std::fs::read_to_string(&path) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("run: {path}: {e}");
            std::process::exit(66);
        }
    };
    let t0 = std::time::Instant::now();
    let module = match jitty_llvm::parse_module(&src, &path) {
        Ok(m) => m,
        Err(e) => {
            eprintln!("run: parse error: {e}");
            std::process::exit(65);
        }
    };
    if check {
        for (f, why) in jitty_interp::unsupported(&module) {
            println!("{f}: {why}");
        }
        return;
    }
    let t1 = std::time::Instant::now();
    let it = match Interpreter::load_host(Arc::new(module)) {
        Ok(i) => i,
        Err(e) => {
            eprintln!("run: load error: {e}");
            std::process::exit(70);
        }
    };
    if let Some(name) = dump {
        let Some(f) = it.image().module().func_by_name(&name) else {
            eprintln!("run: no function @{name}");
            std::process::exit(64);
        };
        for (pc, op) in it.lowered(f).ops.iter().enumerate() {
            println!("{pc:5} {op:?}");
        }
        return;
    }
    it.set_fuel(fuel);
    let code = match it.run_main("main", &path, &args[1..]) {
        Ok(c) => c,
        Err(e) => {
            // Flush C stdio so the program's output precedes the error.
            // SAFETY: fflush(NULL) flushes all C streams.
            unsafe { libc::fflush(std::ptr::null_mut()) };
            eprintln!("run: {e}");
            70
        }
    };
    if time {
        // SAFETY: as above.
        unsafe { libc::fflush(std::ptr::null_mut()) };
        eprintln!("run: parse+load {:?}, run {:?}", t1 - t0, t1.elapsed());
    }
    // SAFETY: flush C stdio before exiting (Rust's exit does not).
    unsafe { libc::fflush(std::ptr::null_mut()) };
    std::process::exit(code);
}
