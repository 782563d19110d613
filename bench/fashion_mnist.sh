#!/bin/bash
# Fashion-MNIST on chip (bench/README.md, "Fashion-MNIST on chip"): the six runs of the table,
# 1000 iterations x 32 images each, one thread, test accuracy on the 10 000 t10k images.
# Usage: bench/fashion_mnist.sh [OUT_DIR] [ITERATIONS]   (about 11 CPU-minutes at 1000 iterations)
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-out/fashion_mnist}
iterations=${2:-1000}
nchip=build/nchip
q8='{"update_rounding":"stochastic","formats":{"weight":{"width":8,"frac":6}}}'
common=(--task fashion-mnist --iterations "$iterations" --batch 32 --validation-trials 50 --threads 1 --quiet)
mkdir -p "$out"
run() {
  local name=$1
  shift
  "$nchip" train "${common[@]}" "$@" --out "$out/$name"
  python3 -c "import json,sys; m=json.load(open(sys.argv[1])); print(f\"{sys.argv[2]:<18} test accuracy {m['test_accuracy']:.4f}  s/iteration {m['seconds_per_iteration']['total']:.3f}\")" \
    "$out/$name/metrics.json" "$name"
}
run float_adam --mode float
run float_sign --mode float --optimizer sign
run fixed16_sign --mode fixed
run fixed8_sign --mode fixed --quant "$q8"
run fixed16_factored --mode fixed --storage factored
run float_bptt --mode float --algorithm bptt
