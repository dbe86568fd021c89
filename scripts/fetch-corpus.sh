#!/usr/bin/env bash
# Fetches the third-party C sources of the real-program corpus
# (`jitty-difftest programs`) into target/corpus-src/, pinned by version and
# sha256. Nothing of them is committed.
#
# The sources come from the crates that bundle them, through cargo itself:
# a throw-away manifest lists each crate at its exact version, `cargo fetch`
# puts the .crate archives into cargo's registry cache (or finds them there),
# and each archive is checked against its pinned sha256 before it is
# unpacked. A second run finds target/corpus-src/<crate>-<version>/.done and
# downloads nothing.
#
#   lua-src 551.1.0          Lua 5.4.9 library (lua-5.4.9/; the crate ships
#                            no lua.c, so tests/corpus/c/lua/lua_main.c is the
#                            stand-alone driver)
#   libsqlite3-sys 0.40.0    the SQLite amalgamation (sqlite3/sqlite3.c)
#   libz-sys 1.1.33          zlib (src/zlib/)
#   bzip2-sys 0.1.13+1.0.8   bzip2 1.0.8 (bzip2-1.0.8/)
#   lz4-sys 1.11.1+lz4-1.10.0  LZ4 1.10.0 (liblz4/): lib/ and its own tests/
#   rquickjs-sys 0.14.0      QuickJS-ng 0.16.2 (quickjs/): the engine, its
#                            libc, its test runner run-test262.c and its own
#                            tests/ with tests.conf
#   mbedtls-sys-auto 2.28.15 Mbed TLS 2.28 (vendor/): the library, its
#                            self-test program and its unit-test suites; the
#                            suites named in $mbedtls_suites are generated
#                            from tests/suites/*.function and *.data by its
#                            own tests/scripts/generate_test_code.py (as its
#                            tests/Makefile does) into vendor/jitty-suites/
#   coremark 1.0.0           CoreMark 1.0 ported to Rust (src/: list,
#                            matrix, state and util as EEMBC's C files; its
#                            CRCs match the C reference); EEMBC's C sources
#                            are in no registry these machines reach
#
# Usage: scripts/fetch-corpus.sh [DEST]   (default: <repo>/target/corpus-src)
# Prints the destination directory on its last line.
set -euo pipefail

root="$(cd "$(dirname "$0")/.." && pwd)"
dest="${1:-$root/target/corpus-src}"

# name version sha256
crates=(
    "lua-src 551.1.0 41d22b201501a536c0f5a96c7589b268b559172b20fb029064434e38ddcecb1f"
    "libsqlite3-sys 0.40.0 b06e69070b7e12262b0cd90832f0a7396f142a2b330181255562decf9f0c6215"
    "libz-sys 1.1.33 fee3f59f4321dab0c78d828942e7aa09d0bd8ad6e78a501977e6bf3d02938045"
    "bzip2-sys 0.1.13+1.0.8 225bff33b2141874fe80d71e07d6eec4f85c5c216453dd96388240f96e1acc14"
    "rquickjs-sys 0.14.0 cee271d0eeba64f0915b846cb7ae02e16faf3dfdffdca91731101d9d30fe3423"
    "lz4-sys 1.11.1+lz4-1.10.0 6bd8c0d6c6ed0cd30b3652886bb8711dc4bb01d637a68105a3d5158039b418e6"
    "mbedtls-sys-auto 2.28.15 2fdbd15978db1dec7592cf8864094bcf6f7a101d7f84af15c2423967079982c1"
    "coremark 1.0.0 d53e4b2bd78a36a0b0ccf1e94d68643201b131c712621f8855be6538f6206f48"
)

# Mbed TLS unit-test suites the corpus runs (jitty-difftest's catalogue
# names the same ones).
mbedtls_suites=(bignum.generated ecp gcm.aes128_en)

# Generates the Mbed TLS suites into DIR/vendor/jitty-suites.
generate_mbedtls_suites() {
    local t="$1/vendor/tests" s
    mkdir -p "$1/vendor/jitty-suites"
    for s in "${mbedtls_suites[@]}"; do
        (cd "$t" && python3 scripts/generate_test_code.py \
            -f "suites/test_suite_${s%%.*}.function" -d "suites/test_suite_$s.data" \
            -t suites/main_test.function -p suites/host_test.function -s suites \
            --helpers-file suites/helpers.function -o ../jitty-suites >/dev/null)
    done
}

mkdir -p "$dest"

missing=()
for c in "${crates[@]}"; do
    read -r name ver _ <<<"$c"
    [ -f "$dest/$name-$ver/.done" ] || missing+=("$c")
done
if [ ${#missing[@]} -eq 0 ]; then
    echo "fetch-corpus: all sources present"
    echo "$dest"
    exit 0
fi

cargo_home="${CARGO_HOME:-$HOME/.cargo}"
find_crate() { # name ver -> path of the cached .crate, if any
    local f
    for f in "$cargo_home"/registry/cache/*/"$1-$2.crate"; do
        [ -f "$f" ] && { echo "$f"; return 0; }
    done
    return 1
}

need_fetch=0
for c in "${missing[@]}"; do
    read -r name ver _ <<<"$c"
    find_crate "$name" "$ver" >/dev/null || need_fetch=1
done
if [ $need_fetch -eq 1 ]; then
    manifest_dir="$dest/.fetch"
    rm -rf "$manifest_dir"
    mkdir -p "$manifest_dir/src"
    {
        echo '[package]'
        echo 'name = "jitty-corpus-fetch"'
        echo 'version = "0.0.0"'
        echo 'edition = "2021"'
        echo 'publish = false'
        echo '[workspace]'
        echo '[dependencies]'
        for c in "${crates[@]}"; do
            read -r name ver _ <<<"$c"
            echo "$name = \"=$ver\""
        done
    } >"$manifest_dir/Cargo.toml"
    : >"$manifest_dir/src/lib.rs"
    echo "fetch-corpus: cargo fetch (${#missing[@]} crate(s) missing)"
    cargo fetch --manifest-path "$manifest_dir/Cargo.toml" --quiet
    rm -rf "$manifest_dir"
fi

for c in "${missing[@]}"; do
    read -r name ver sum <<<"$c"
    crate="$(find_crate "$name" "$ver")" || {
        echo "fetch-corpus: $name $ver not in cargo's cache after cargo fetch" >&2
        exit 1
    }
    got="$(sha256sum "$crate" | cut -d' ' -f1)"
    if [ "$got" != "$sum" ]; then
        echo "fetch-corpus: $crate: sha256 $got, expected $sum" >&2
        exit 1
    fi
    out="$dest/$name-$ver"
    rm -rf "$out" "$out.tmp"
    mkdir -p "$out.tmp"
    tar -xzf "$crate" -C "$out.tmp" --strip-components=1
    [ "$name" = mbedtls-sys-auto ] && generate_mbedtls_suites "$out.tmp"
    touch "$out.tmp/.done"
    mv "$out.tmp" "$out"
    echo "fetch-corpus: $name $ver unpacked (sha256 ok)"
done
echo "$dest"
