#!/bin/sh
# Installs the build tree into a scratch prefix, then builds and runs a program embedding
# stratum three ways: CMake find_package (shared and static) and pkg-config.
# usage: check_install.sh BUILD_DIR EMBED_SOURCE_DIR WORK_DIR DATA.csv
set -eu
build=$1 embed=$2 work=$3 data=$4
rm -rf "$work"
mkdir -p "$work"
prefix="$work/prefix"
cmake --install "$build" --prefix "$prefix" > "$work/install.log"

expect="rows=5 features=3 positives=2"
check() { # name, command...
    name=$1; shift
    out=$("$@")
    case "$out" in
        "$expect"*"arrays: rows=3 second=f1 version="*) echo "ok: $name" ;;
        *) echo "FAILED: $name printed: $out"; exit 1 ;;
    esac
}

cmake -S "$embed" -B "$work/cmake-build" -DCMAKE_PREFIX_PATH="$prefix" > "$work/configure.log"
cmake --build "$work/cmake-build" > "$work/build.log"
LD_LIBRARY_PATH="$prefix/lib" check "find_package, shared" "$work/cmake-build/embed_shared" "$data"
check "find_package, static" "$work/cmake-build/embed_static" "$data"

export PKG_CONFIG_PATH="$prefix/lib/pkgconfig"
# shellcheck disable=SC2046
cc -o "$work/embed_pc" "$embed/embed.c" $(pkg-config --cflags --libs stratum)
LD_LIBRARY_PATH="$prefix/lib" check "pkg-config" "$work/embed_pc" "$data"

"$prefix/bin/stratum" --version | grep -q "^stratum 0.1.0$" || { echo "FAILED: installed stratum"; exit 1; }
echo "ok: installed stratum program"
echo "4 passed, 0 failed"
