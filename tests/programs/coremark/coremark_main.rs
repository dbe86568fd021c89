//! Drives CoreMark 1.0 as ported to Rust by the `coremark` crate (1.0.0, by
//! ahaoboy; its algorithms follow EEMBC's `core_list_join.c`,
//! `core_matrix.c`, `core_state.c` and `core_util.c`, and its CRCs match the
//! C reference's bit for bit). EEMBC's C sources are in no registry this
//! project's machines reach; this port is.
//!
//! Arguments as the reference's: `seed1 seed2 seed3 iterations`, or only
//! `iterations` for the 2K performance run (seeds 0, 0, 0x66). It prints
//! the part of CoreMark's report that does not depend on time (the seeds,
//! the data size, the iterations and every CRC), not the timing lines, so
//! that the output can be compared with the native build's.
//!
//! jitty-bench: full=20000 quick=2000

use coremark::util::parseval;
use coremark::{run, Config};

fn main() {
    let mut args: Vec<i32> = std::env::args().skip(1).map(|a| parseval(&a)).collect();
    if let [iterations] = args[..] {
        args = vec![0, 0, 0x66, iterations];
    }
    let arg = |i: usize| args.get(i).copied().unwrap_or(0);
    let config = Config {
        seed1: arg(0) as i16,
        seed2: arg(1) as i16,
        seed3: arg(2) as i16,
        // Never 0: that would calibrate a ten-second run on the clock.
        iterations: arg(3).max(1) as u32,
        execs: 0,
        size: 0,
    };
    let r = run(&config);
    println!(
        "seeds 0x{:x} 0x{:x} 0x{:x}, data size {}, iterations {}",
        r.seed1, r.seed2, r.seed3, r.size, r.iterations
    );
    println!("seedcrc 0x{:04x}", r.seedcrc);
    println!("crclist 0x{:04x}, crcmatrix 0x{:04x}, crcstate 0x{:04x}", r.crclist, r.crcmatrix, r.crcstate);
    println!("crcfinal 0x{:04x}", r.crcfinal);
    println!("known run {}", r.known_id);
}
