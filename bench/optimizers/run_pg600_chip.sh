#!/usr/bin/env bash
# Issue #17: on-chip Adafactor / Adam on the paper's pattern-generation network (600 LIF,
# examples/networks/pattern_generation.json, the task's default network), 1000-step trials,
# batch 1, lr x0.7 every 100 iterations. ONE run at a time, one thread, nice 10, a
# checkpoint every 25 iterations (resume an interrupted run with `nchip train --resume DIR`).
# Usage: bench/optimizers/run_pg600_chip.sh BUILD/nchip OUTDIR ITERATIONS "CONFIG:SEED[:LR] ..."
# CONFIG: chip8-adafactor, chip16s-adafactor, chip8-adam, chip16s-adam; chip8h2-* and chip16sh2-*
# give every projection two bits of weight headroom instead of one (weight_headroom_bits 2).
# LR: the base rate (default: nchip's, i.e. Adafactor 0.03 / sqrt(600) = 0.0012, Adam 0.003).
# Prints per run: NMSE at 100 / 300 / 1000 (or the last), mean of the last 10, s/iteration, bits.
set -euo pipefail
nchip=$1; out=$2; iters=$3; runs=$4
root=$(cd "$(dirname "$0")/../.." && pwd)
q8=$root/bench/eprop/q_w8_stochastic.json
q16s=$root/bench/eprop/q_w16_stochastic.json
q8h2=$root/bench/eprop/q_w8_stochastic_h2.json
q16sh2=$root/bench/eprop/q_w16_stochastic_h2.json
mkdir -p "$out"
for r in $runs; do
  IFS=: read -r cfg seed lr <<< "$r"
  lr_flag=(); [ -n "$lr" ] && lr_flag=(--lr "$lr")
  lr=${lr:-default}
  case $cfg in
    chip8-*) q=$q8 ;;
    chip16s-*) q=$q16s ;;
    chip8h2-*) q=$q8h2 ;;
    chip16sh2-*) q=$q16sh2 ;;
    *) echo "unknown config $cfg" >&2; exit 2 ;;
  esac
  opt=${cfg#*-}
  d=$out/$cfg-s$seed-lr$lr
  nice -n 10 "$nchip" train --task pattern-generation --mode fixed --optimizer "$opt" "${lr_flag[@]}" \
    --quant "$q" --iterations "$iters" --seed "$seed" --threads 1 --quiet --checkpoint-every 25 \
    --out "$d" > "$d.log" 2>&1 || { echo "$cfg seed $seed failed (see $d.log)"; continue; }
  python3 - "$d" "$cfg" "$seed" "$lr" <<'PY'
import csv, json, sys
d, name, seed, lr = sys.argv[1:]
m = json.load(open(d + "/metrics.json"))
nmse = [float(r["nmse"]) for r in csv.DictReader(open(d + "/curve.csv"))]
at = lambda i: f"{nmse[i - 1]:.4f}" if len(nmse) >= i else "-"
print(f"{name} seed {seed} lr {lr} nmse@100 {at(100)} @300 {at(300)} @{len(nmse)} {nmse[-1]:.4f} "
      f"last10 {sum(nmse[-10:]) / len(nmse[-10:]):.4f} best {min(nmse):.4f} "
      f"s/it {m['seconds_per_iteration']['total']:.3f} bits/syn(LIF) {m['bits_per_synapse']['lif_target']} "
      f"wsat {m.get('weight_update_saturations', '-')}", flush=True)
PY
done
