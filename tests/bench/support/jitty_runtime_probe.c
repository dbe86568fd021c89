//! Run-time probe linked into the native builds of `jitty bench engine`
//! (and only those: the differential tests' native builds do not get it).
//!
//! It reports on stderr, as `jitty-stat: run_ms=<float>`, the wall time from
//! the earliest user constructor (priority 101) to the exit handlers, so the
//! bench can set the native program's run time against what
//! `jitty exec --stats` reports as `run_ms`: the time of the call of `main`,
//! without jitty's start-up, IR parsing, image loading or compilation.
//!
//! Measured this way, native time includes slightly more than `main`: any
//! later-priority constructors and the exit handlers the program registered
//! itself (which run before this one), plus libc's `exit` up to this handler.
//! That is at most microseconds for the bench programs (none has
//! constructors or exit handlers) and in jitty's favour. stdio buffers are
//! flushed after the exit handlers, on both sides outside the measurement.
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

static struct timespec jitty_probe_started;

static void jitty_probe_report(void) {
    struct timespec now;
    clock_gettime(CLOCK_MONOTONIC, &now);
    double ms = (double)(now.tv_sec - jitty_probe_started.tv_sec) * 1e3 +
                (double)(now.tv_nsec - jitty_probe_started.tv_nsec) / 1e6;
    fprintf(stderr, "jitty-stat: run_ms=%.3f\n", ms);
}

__attribute__((constructor(101))) static void jitty_probe_start(void) {
    /* Registered first, so it runs after every handler the program adds. */
    atexit(jitty_probe_report);
    clock_gettime(CLOCK_MONOTONIC, &jitty_probe_started);
}
