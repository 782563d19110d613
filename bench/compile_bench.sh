#!/usr/bin/env bash
# Compile-time / peak-memory table of bench/README.md ("Compiler"). Usage: bench/compile_bench.sh BUILD_DIR
# Each size runs in its own process (peak RSS is per process). 10^6 x 1000 (10^9 synapses) is
# skipped: the IR alone would take ~16 GB.
set -euo pipefail
bin="${1:-build}/bench/nchip_bench_compile"
# Three repeats (min / median) where a run takes seconds, one for the 10^8-synapse sizes.
for size in "10000 100 3" "10000 1000 3" "100000 100 3" "100000 1000 1" "1000000 100 1"; do
  set -- $size
  "$bin" --neurons "$1" --synapses "$2" --repeats "$3" --threads "${NCHIP_THREADS:-0}"
done
