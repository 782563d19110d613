#!/usr/bin/env bash
# Issue #17: float vs on-chip optimizers on the classification tasks, one run at a time, one
# thread, nice 10. Prints per run: final recall error, mean of the last 10, best, first iteration
# below 5 % (the task's criterion on 32 fresh validation trials per iteration), the trained
# network's error on 512 fresh trials (nchip eval), s/iteration, bits/synapse.
# Usage: bench/optimizers/run_classification.sh BUILD/nchip OUTDIR SETUP ITERATIONS "CONFIG:SEED[:LR] ..."
# SETUP (task, network, shape, batch; each task's own optimizer defaults otherwise):
#   sr20      store-recall, the paper's 10 LIF + 10 ALIF (default network), batch 32
#   sr100     store-recall, examples/networks/store_recall_100.json (60 LIF + 40 ALIF), batch 32
#   ea-tiny   evidence-accumulation, examples/networks/evidence_accumulation_tiny.json (8 in,
#             8 LIF + 8 ALIF) with tests/runtime/test_train_evidence.cpp's short trial (3 cues of
#             50 steps after 25 silent, 75-step delay, 50-step recall: 350 steps), batch 16
# CONFIG: float-adam, float-sign, float-adafactor, chip8-sign, chip8-adafactor, chip8-adam
#   (chip8: bench/eprop/q_w8_stochastic.json, s8.6 weights, stochastic update rounding),
#   chip16-* (built-in s16.12 formats, nearest). LR: the base rate (default: nchip's).
set -euo pipefail
nchip=$1; out=$2; setup=$3; iters=$4; runs=$5
root=$(cd "$(dirname "$0")/../.." && pwd)
q8=$root/bench/eprop/q_w8_stochastic.json
# shape: the task flags train and eval share; train_only: the network and batch.
case $setup in
  sr20) shape=(--task store-recall); train_only=(--batch 32) ;;
  sr100) shape=(--task store-recall)
         train_only=(--batch 32 --net "$root/examples/networks/store_recall_100.json") ;;
  ea-tiny) shape=(--task evidence-accumulation --inputs 8 --cues 3 --cue-steps 50 --cue-spacing-steps 25
                  --delay-steps 75 --recall-steps 50)
           train_only=(--batch 16 --net "$root/examples/networks/evidence_accumulation_tiny.json") ;;
  *) echo "unknown setup $setup" >&2; exit 2 ;;
esac
mkdir -p "$out"
for r in $runs; do
  IFS=: read -r cfg seed lr <<< "$r"
  lr_flag=(); [ -n "$lr" ] && lr_flag=(--lr "$lr")
  lr=${lr:-default}
  case $cfg in
    float-*) mode=(--mode float) ;;
    chip8-*) mode=(--mode fixed --quant "$q8") ;;
    chip16-*) mode=(--mode fixed) ;;
    *) echo "unknown config $cfg" >&2; exit 2 ;;
  esac
  opt=${cfg#*-}
  d=$out/$setup-$cfg-s$seed-lr$lr
  nice -n 10 "$nchip" train "${shape[@]}" "${train_only[@]}" "${mode[@]}" --optimizer "$opt" "${lr_flag[@]}" \
    --validation-trials 32 --iterations "$iters" --seed "$seed" --threads 1 --quiet --out "$d" \
    > "$d.log" 2>&1 || { echo "$setup $cfg seed $seed failed (see $d.log)"; continue; }
  # The trained network on 512 fresh validation trials (one number with ~1.5 pp standard error
  # instead of 32 trials per iteration); in fixed mode eval re-quantizes trained.json.
  nice -n 10 "$nchip" eval "$d/trained.json" "${shape[@]}" "${mode[@]}" --trials 512 --seed "$seed" \
    --json > "$d/eval512.json" 2> "$d/eval512.log" || echo "$setup $cfg seed $seed: eval failed (see $d/eval512.log)"
  python3 - "$d" "$setup" "$cfg" "$seed" "$lr" <<'PY'
import csv, json, sys
d, setup, name, seed, lr = sys.argv[1:]
m = json.load(open(d + "/metrics.json"))
try:
    ev = f"{json.load(open(d + '/eval512.json'))['metric']:.3f}"
except (OSError, ValueError, KeyError):
    ev = "-"
err = [float(r["recall_error_rate"]) for r in csv.DictReader(open(d + "/curve.csv"))]
first = next((i + 1 for i, e in enumerate(err) if e < 0.05), None)
print(f"{setup} {name} seed {seed} lr {lr} it {len(err)} final {err[-1]:.3f} "
      f"last10 {sum(err[-10:]) / len(err[-10:]):.3f} best {min(err):.3f} "
      f"first<5% {first if first else 'never'} eval512 {ev} s/it {m['seconds_per_iteration']['total']:.3f} "
      f"bits/syn(LIF/ALIF) {m['bits_per_synapse'].get('lif_target', '-')}/{m['bits_per_synapse'].get('alif_target', '-')} "
      f"wsat {m.get('weight_update_saturations', '-')}", flush=True)
PY
done
