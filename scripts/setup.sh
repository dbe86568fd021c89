#!/usr/bin/env bash
# Installs what a fresh machine needs beyond rustc, gcc, python3, valgrind:
# clang-22 and llvm-22 (lli-22, llc-22, llvm-as-22; the LLVM of rustc 1.95),
# csmith + libcsmith-dev (random C programs and their headers), libffi-dev.
# Idempotent: skips apt entirely when everything is already present.
set -euo pipefail

packages=(clang-22 llvm-22 csmith libcsmith-dev libffi-dev)

have_all() {
    command -v clang-22 >/dev/null &&
        command -v lli-22 >/dev/null &&
        command -v llc-22 >/dev/null &&
        command -v llvm-as-22 >/dev/null &&
        command -v csmith >/dev/null &&
        [ -f /usr/include/csmith/csmith.h ] &&
        { [ -f /usr/include/ffi.h ] || [ -f /usr/include/x86_64-linux-gnu/ffi.h ]; }
}

if have_all; then
    echo "setup: all tools present (clang-22, llvm-22, csmith, libcsmith-dev, libffi-dev); nothing to do"
    exit 0
fi

SUDO=""
if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
fi

echo "setup: installing ${packages[*]}"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update
$SUDO apt-get install -y --no-install-recommends "${packages[@]}"

if ! have_all; then
    echo "setup: some tools are still missing after apt-get install" >&2
    exit 1
fi
echo "setup: done"
