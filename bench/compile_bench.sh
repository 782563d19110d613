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
# The same network compiled through the const reference (the caller keeps the IR: both in memory).
"$bin" --neurons 1000000 --synapses 100 --repeats 1 --threads "${NCHIP_THREADS:-0}" --keep-ir
# Issue #16's chip-scale network: 10^5 LIF on the Loihi-like chip (128 cores of 1 Mbit synapse memory,
# fan-in 4096). 100 random synapses a neuron do not fit it (one line, exit 2: fan-in, then synapse
# memory); 40 local ones (each neuron's sources within 2000 neurons of it) with factored learning
# state fit on 125 of its 128 cores.
chip="$(dirname "$0")/../examples/chips/loihi_like.json"
"$bin" --neurons 100000 --synapses 100 --repeats 1 --chip "$chip" --storage factored --window 2000 || true
"$bin" --neurons 100000 --synapses 40 --repeats 3 --chip "$chip" --storage factored --window 2000 --threads "${NCHIP_THREADS:-0}"
