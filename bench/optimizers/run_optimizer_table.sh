#!/usr/bin/env bash
# Issue #17: optimizer vs state bits vs accuracy on pattern generation (100-LIF example network,
# 1000-step trials, lr x0.7 every 100 iterations), one run at a time, one thread. Prints one line
# per run: config seed final_nmse best_nmse mean_last10 bits_lif saturations seconds.
# Usage: bench/optimizers/run_optimizer_table.sh BUILD/nchip OUTDIR ITERATIONS "SEEDS" [NAME-REGEX]
# (NAME-REGEX: run only the configs whose name matches, e.g. 'adam|adafactor').
set -euo pipefail
nchip=$1; out=$2; iters=${3:-300}; seeds=${4:-"1 2 3"}; only=${5:-.}
root=$(cd "$(dirname "$0")/../.." && pwd)
net=$root/examples/networks/pattern_generation_small.json
q8=$root/bench/eprop/q_w8_stochastic.json
q16s=$root/bench/eprop/q_w16_stochastic.json
mkdir -p "$out"
configs=(
  "float-adam|--mode float --optimizer adam"
  "float-lion|--mode float --optimizer lion"
  "chip16-sgd|--mode fixed --optimizer sgd"
  "chip16-sign|--mode fixed --optimizer sign"
  "chip16-lion|--mode fixed --optimizer lion"
  "chip16-sign-shifts|--mode fixed --optimizer sign --lr-shifts fan-in"
  "chip16-lion-shifts|--mode fixed --optimizer lion --lr-shifts fan-in"
  "chip8-sgd|--mode fixed --optimizer sgd --quant $q8"
  "chip8-sign|--mode fixed --optimizer sign --quant $q8"
  "chip8-lion|--mode fixed --optimizer lion --quant $q8"
  "chip16-adam|--mode fixed --optimizer adam --lr 0.003"
  "chip16s-adam|--mode fixed --optimizer adam --lr 0.003 --quant $q16s"
  "chip8-adam|--mode fixed --optimizer adam --lr 0.003 --quant $q8"
  "float-adafactor|--mode float --optimizer adafactor --lr 0.003"
  "chip16-adafactor|--mode fixed --optimizer adafactor --lr 0.003"
  "chip16s-adafactor|--mode fixed --optimizer adafactor --lr 0.003 --quant $q16s"
  "chip8-adafactor|--mode fixed --optimizer adafactor --lr 0.003 --quant $q8"
)
for c in "${configs[@]}"; do
  name=${c%%|*}; flags=${c#*|}
  [[ $name =~ $only ]] || continue
  for s in $seeds; do
    d=$out/$name-s$s
    # shellcheck disable=SC2086
    "$nchip" train --task pattern-generation --net "$net" --iterations "$iters" --seed "$s" --threads 1 --quiet \
      $flags --out "$d" > /dev/null
    python3 - "$d" "$name" "$s" <<'PY'
import csv, json, sys
d, name, seed = sys.argv[1:]
m = json.load(open(d + "/metrics.json"))
rows = list(csv.DictReader(open(d + "/curve.csv")))
nmse = [float(r["nmse"]) for r in rows]
print(f"{name} {seed} final {nmse[-1]:.4f} best {min(nmse):.4f} last10 {sum(nmse[-10:])/10:.4f} "
      f"bits {m['bits_per_synapse']['lif_target']} wsat {m.get('weight_update_saturations', '-')} "
      f"s/it {m['seconds_per_iteration']['total']:.3f}", flush=True)
PY
  done
done
