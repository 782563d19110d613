#!/usr/bin/env bash
# Runs every test: builds (Release) and runs the suite; then one clang build instrumented with
# AddressSanitizer, UndefinedBehaviorSanitizer and libFuzzer's coverage (-DNCHIP_FUZZ=ON, asserts
# on; without the Verilated RTL, whose generated C++ is not ours to sanitize, and without
# benchmarks) runs the same suite and then every fuzz target for a bounded time (scripts/fuzz.sh,
# NCHIP_FUZZ_SECONDS per target, default 20; 0 skips fuzzing). Any crash, leak, sanitizer report,
# timeout, or error that is not one line with exit 2 fails the run.
# Usage: bash scripts/test.sh [--fast]   (--fast: the Release suite only, no sanitizers, no fuzzing)
# One instrumented build serves both the sanitizer suite and the fuzzers, so fuzzing costs no
# second build; the HDF5 targets no longer trip over libhdf5's own faults, which the readers now
# contain in a child process (compiler/nir/hdf5_guard.hpp, tests/fuzz/README.md).
set -euo pipefail
cd "$(dirname "$0")/.."
jobs=$(nproc 2>/dev/null || echo 2)
fuzz_seconds=${NCHIP_FUZZ_SECONDS:-20}
[[ "$fuzz_seconds" =~ ^[0-9]+$ ]] || { echo "test.sh: NCHIP_FUZZ_SECONDS must be a whole number, got '$fuzz_seconds'" >&2; exit 2; }
bash scripts/setup.sh --no-build

cmake -S . -B build -DCMAKE_BUILD_TYPE=Release >/dev/null
cmake --build build -j"$jobs"
(cd build && ctest --output-on-failure -j"$jobs" -LE slow)

if [ "${1:-}" != "--fast" ]; then
  # build-sanitize, not build-asan: a build directory keeps its compiler (build-asan was gcc's).
  launcher=()
  command -v ccache >/dev/null && launcher=(-DCMAKE_CXX_COMPILER_LAUNCHER=ccache)
  CC=clang CXX=clang++ cmake -S . -B build-sanitize -DCMAKE_BUILD_TYPE=RelWithDebInfo \
        "-DCMAKE_CXX_FLAGS_RELWITHDEBINFO=-O1 -g1" -DNCHIP_FUZZ=ON \
        -DNCHIP_BUILD_BENCH=OFF -DNCHIP_BUILD_RTL=OFF "${launcher[@]}" >/dev/null
  cmake --build build-sanitize -j"$jobs"
  (cd build-sanitize && ASAN_OPTIONS=detect_leaks=1 UBSAN_OPTIONS=print_stacktrace=1 \
     ctest --output-on-failure -j"$jobs" -LE slow)
  if [ "$fuzz_seconds" -gt 0 ]; then
    NCHIP_FUZZ_BUILD=build-sanitize bash scripts/fuzz.sh "$fuzz_seconds"
  fi
fi
