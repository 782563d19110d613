#!/usr/bin/env bash
# Compile-time / peak-memory table of bench/README.md ("Compiler"). Usage: bench/compile_bench.sh BUILD_DIR
# Each size runs in its own process (peak RSS is per process). 10^6 x 1000 (10^9 synapses) is
# skipped: the IR alone would take ~16 GB.
set -euo pipefail
bin="${1:-build}/bench/nchip_bench_compile"
for size in "10000 100" "10000 1000" "100000 100" "100000 1000" "1000000 100"; do
  set -- $size
  "$bin" --neurons "$1" --synapses "$2"
done
