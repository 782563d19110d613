#!/usr/bin/env bash
# The main job on the embedded default example: compile a pattern-generation RSNN (task 1.1 of
# Bellec et al. 2019, 100 LIF neurons) for the small 4x4 chip, train it with on-chip e-prop in
# fixed point on the cycle-approximate SystemC chip model, and train the float reference beside
# it, then print the learning curves, final accuracy and the chip's cycle and energy figures.
# Usage: bash scripts/demo.sh [ITERATIONS]   (outputs under out/demo/)
set -euo pipefail
cd "$(dirname "$0")/.."
iterations=${1:-100}
net=examples/networks/pattern_generation_small.json
chip=examples/chips/small.json
out=out/demo
mkdir -p "$out"

echo "== 1. compile $net for $chip"
build/nchip compile "$net" --chip "$chip" -o "$out/pattern_generation_small.nchip" --report "$out/compile_report.json"

echo
echo "== 2. on-chip e-prop training: fixed point, SystemC chip model, $iterations iterations"
# The fixed-point SGD rate defaults to 0.9 / (steps x batch x neurons): 9e-6 for these 1000-step
# trials of 100 LIF neurons.
build/nchip train --task pattern-generation --net "$net" --mode fixed --backend systemc \
  --chip "$chip" --iterations "$iterations" --seed 1 \
  --out "$out/chip" --stats "$out/chip/chip_stats.json" | grep -v '^iter '  # curve printed below

echo
echo "== 3. float reference (double precision, Adam), same network and seed"
build/nchip train --task pattern-generation --net "$net" --mode float --iterations "$iterations" \
  --seed 1 --quiet --out "$out/float" > "$out/float_train.log" 2>&1 || {
  cat "$out/float_train.log"; exit 1; }

echo
echo "== learning curves (normalized MSE of the 3 readouts vs their targets; lower is better)"
awk -F, -v n="$iterations" '
  FNR == 1 { for (i = 1; i <= NF; ++i) if ($i == "nmse") col = i; next }
  { v[FILENAME, $1] = $col }
  END {
    printf "  %-10s %12s %12s\n", "iteration", "chip fixed", "float ref"
    split("1 5 10 25 50 100 200 500 1000", pts, " ")
    for (k = 1; k in pts; ++k) if (pts[k] + 0 < n + 0)
      printf "  %-10s %12.4f %12.4f\n", pts[k], v[ARGV[1], pts[k]], v[ARGV[2], pts[k]]
    printf "  %-10s %12.4f %12.4f   (final)\n", n, v[ARGV[1], n], v[ARGV[2], n]
  }' "$out/chip/curve.csv" "$out/float/curve.csv"
echo "results: $out/chip/metrics.json, $out/float/metrics.json, chip statistics: $out/chip/chip_stats.json"
