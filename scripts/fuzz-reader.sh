#!/usr/bin/env bash
# Coverage-guided fuzzing of the `.ll` reader (fuzz target `parse`, see
# fuzz/fuzz_targets/parse.rs) with cargo-fuzz and libFuzzer on the stable
# toolchain (RUSTC_BOOTSTRAP=1 lets stable rustc take the -Z flags that
# cargo-fuzz passes).
#
#   scripts/fuzz-reader.sh [SECONDS] [--cmin]
#
# SECONDS (default 600) is the wall time of the run (0: no run, e.g. to
# minimize only). The run starts from the
# committed corpus (fuzz/corpus/parse) plus fresh seeds: every .ll file of the
# repository and clang-22 -O0/-O2 output of tests/bench/*.c and the reader's
# C inputs. It writes new inputs to $WORK/corpus, crashes to $WORK/artifacts,
# and logs to $WORK/fuzz.log; libFuzzer runs in fork mode with one job, so a
# crash is recorded and the run goes on. With --cmin it then minimizes
# corpus, new inputs and seeds back into fuzz/corpus/parse (commit the result).
#
# Environment: CARGO_TARGET_DIR (default target/) holds the build, under
# $CARGO_TARGET_DIR/fuzz; WORK (default $CARGO_TARGET_DIR/fuzz-work).
# Reproduce a crash: fuzz/target-binary ARTIFACT, or put the input in a unit
# test of jitty-llvm; the corpus regression test
# (crates/jitty-llvm/tests/fuzz_corpus.rs) runs the same check in cargo test.
set -euo pipefail

cd "$(dirname "$0")/.."
root=$PWD
secs="${1:-600}"
cmin=0
[ "${2:-}" = "--cmin" ] && cmin=1
target="${CARGO_TARGET_DIR:-$root/target}"
work="${WORK:-$target/fuzz-work}"
corpus="$root/fuzz/corpus/parse"
max_len=65536

if ! cargo fuzz --version >/dev/null 2>&1; then
    echo "fuzz-reader: installing cargo-fuzz"
    cargo install cargo-fuzz --locked
fi

mkdir -p "$work/corpus" "$work/seeds" "$work/artifacts"
echo "fuzz-reader: seeds in $work/seeds"
while IFS= read -r f; do
    cp "$f" "$work/seeds/$(echo "${f#./}" | tr / _)"
done < <(find . -name '*.ll' -not -path './target*' -not -path './fuzz/*' -size -64k)
if command -v clang-22 >/dev/null; then
    for c in tests/bench/*.c crates/jitty-llvm/tests/inputs/*.c; do
        for o in 0 2; do
            clang-22 -S -emit-llvm "-O$o" -I tests/bench/support -o "$work/seeds/clang_$(basename "$c" .c)_O$o.ll" "$c"
        done
    done
fi
find "$work/seeds" -size +64k -delete

echo "fuzz-reader: building the parse target (coverage instrumentation, debug assertions)"
(cd fuzz && RUSTC_BOOTSTRAP=1 cargo fuzz build -s none -a --target-dir "$target/fuzz" parse)
bin="$target/fuzz/x86_64-unknown-linux-gnu/release/parse"

if [ "$secs" -gt 0 ]; then
    echo "fuzz-reader: running for $secs s, log in $work/fuzz.log"
    nice -n 10 "$bin" "$work/corpus" "$corpus" "$work/seeds" \
        -fork=1 -ignore_crashes=1 -ignore_timeouts=1 -ignore_ooms=1 \
        -dict="$root/fuzz/parse.dict" -max_len=$max_len -timeout=10 -rss_limit_mb=2048 \
        -artifact_prefix="$work/artifacts/" -print_final_stats=1 -max_total_time="$secs" \
        >"$work/fuzz.log" 2>&1 || true
    grep -E '^#[0-9]+' "$work/fuzz.log" | sed -n '1p;$p'
fi
n_art=$(find "$work/artifacts" -type f | wc -l)
echo "fuzz-reader: $n_art artifact(s) in $work/artifacts"

if [ "$cmin" = 1 ]; then
    # What `cargo fuzz cmin` does (libFuzzer's merge into a fresh directory
    # keeps the inputs that together reach every feature), in size tiers so
    # that small inputs win and the committed corpus stays small: inputs
    # under 2 KiB first, then those that add features under 8 KiB, then
    # under 16 KiB; larger inputs are not committed (about 4 MB in all).
    echo "fuzz-reader: minimizing into $corpus"
    rm -rf "$work/cmin" "$work/tiers" && mkdir -p "$work/cmin" "$work/tiers"/{0,1,2}
    for dir in "$corpus" "$work/corpus" "$work/seeds"; do
        [ -d "$dir" ] || continue
        find "$dir" -type f -size -2048c -exec cp -t "$work/tiers/0" {} +
        find "$dir" -type f -size +2047c -size -8192c -exec cp -t "$work/tiers/1" {} +
        find "$dir" -type f -size +8191c -size -16384c -exec cp -t "$work/tiers/2" {} +
    done
    for t in 0 1 2; do
        "$bin" -merge=1 -max_len=$max_len -timeout=10 -rss_limit_mb=2048 "$work/cmin" "$work/tiers/$t" >>"$work/cmin.log" 2>&1
    done
    rm -rf "$corpus" && mkdir -p "$(dirname "$corpus")" && mv "$work/cmin" "$corpus"
    echo "fuzz-reader: $(find "$corpus" -type f | wc -l) files, $(du -sb "$corpus" | cut -f1) bytes"
fi
[ "$n_art" = 0 ]
