#!/usr/bin/env bash
# e-prop training measurements for bench/README.md ("e-prop training (issue #3)"): float and
# fixed-point (16-/8-bit weights, full and factored storage) learning on the seed tasks.
# usage: bench/eprop/run_eprop_training.sh BUILD_DIR OUT_DIR [SEEDS] [PG_ITERS] [SR_ITERS]
# Each run leaves OUT_DIR/<name>/{curve.csv,metrics.json,trained.json}; summary.txt collects
# the final metric, mean rate, time per iteration and its breakdown.
set -euo pipefail
build=${1:?build dir}; out=${2:?out dir}; seeds=${3:-"1 2 3"}
pg_iters=${4:-100}; sr_iters=${5:-50}
sr_batch=${SR_BATCH:-128}            # paper: 128
sr_fixed_lr=${SR_FIXED_LR:-$(awk -v b="$sr_batch" 'BEGIN { print 3.072 / (2400 * b) }')}  # SGD: 1e-5 at batch 128 (the trainer's default rule for 20 neurons)
sr_val=${SR_VALIDATION:-64}          # fresh validation trials per iteration (~95 recalls)
only=${ONLY:-pg600 pg60 sr srsign srtut}  # which groups to run (SR_BATCH=32 SR_ITERS=120 for the sign table; pg100cuba: issue #14)
here=$(cd "$(dirname "$0")" && pwd)
nchip="$build/nchip"
mkdir -p "$out"

run() {  # name, args...
  local name=$1; shift
  "$nchip" train "$@" --out "$out/$name" --quiet
  python3 - "$out/$name/metrics.json" "$name" >> "$out/summary.txt" <<'PY'
import json, sys
m = json.load(open(sys.argv[1])); t = m.get("seconds_per_iteration", {})
below5 = m.get("first_iteration_below_5_percent", "-")  # null: never below 5 %
print(f"{sys.argv[2]:<34} {m['metric_name']}={m['final_metric']:.4f} rate={m['final_mean_rate_hz']:.1f}Hz "
      f"below5%@{'never' if below5 is None else below5} s/iter={t.get('total', 0):.3f} "
      f"(neuron {t.get('neuron', 0):.3f}, signal {t.get('learning_signal', 0):.3f}, "
      f"elig {t.get('eligibility', 0):.3f}, update {t.get('weight_update', 0):.4f}, val {t.get('validation', 0):.3f}) "
      f"wsat={m.get('weight_update_saturations', 0)} bits/syn={m['bits_per_synapse']}")
PY
}

for s in $seeds; do
  if [[ " $only " == *" pg600 "* ]]; then
  # Pattern generation, paper network (600 LIF), float Adam (paper: NMSE ~0.01 after 1000 it).
  run "pg600_float_s$s" --task pattern-generation --mode float --iterations "$pg_iters" --seed "$s"
  fi
  if [[ " $only " == *" pg60 "* ]]; then
  # Small pattern generation (60 LIF, 300-step trials): float vs fixed, both schemes, 16/8 bit.
  small=(--task pattern-generation --net "$here/pg_small.json" --steps 300 --iterations "$pg_iters" --seed "$s")
  run "pg60_float_s$s" "${small[@]}" --mode float --lr 0.01
  run "pg60_fixed16_full_s$s" "${small[@]}" --mode fixed --quant "$here/q_w16.json" --lr 3e-5
  run "pg60_fixed8_full_s$s" "${small[@]}" --mode fixed --quant "$here/q_w8.json" --lr 3e-5
  run "pg60_fixed8s_full_s$s" "${small[@]}" --mode fixed --quant "$here/q_w8_stochastic.json" --lr 3e-5
  run "pg60_fixed16_factored_s$s" "${small[@]}" --mode fixed --storage factored --quant "$here/q_w16.json" --lr 3e-4
  run "pg60_fixed8_factored_s$s" "${small[@]}" --mode fixed --storage factored --quant "$here/q_w8.json" --lr 3e-4
  fi
  if [[ " $only " == *" pg100cuba "* ]]; then
  # Issue #14: the 100-neuron pattern-generation example as LIF and as CUBA LIF (tau_syn 5 ms,
  # input and recurrent init gain 0.15: a current sums ~5.5 steps of input), float and fixed 16-bit.
  for net in lif cuba; do
    file=$here/../../examples/networks/pattern_generation_small.json
    [[ $net == cuba ]] && file=$here/pg100_cuba.json
    pg=(--task pattern-generation --net "$file" --iterations "$pg_iters" --seed "$s")
    run "pg100${net}_float_s$s" "${pg[@]}" --mode float
    # On-chip SGD's default rate (9e-6 for 100 neurons) is fitted on LIF traces; a CUBA trace is
    # ~1 / (1 - alpha_syn) = 5.5 times larger, so its rate is 9e-6 x (1 - alpha_syn) = 1.6e-6.
    lr=(); [[ $net == cuba ]] && lr=(--lr "${CUBA_FIXED_LR:-1.6e-6}")
    run "pg100${net}_fixed16_s$s" "${pg[@]}" --mode fixed --quant "$here/q_w16.json" "${lr[@]}"
  done
  fi
  if [[ " $only " == *" sr "* ]]; then
  # Store-recall, paper network (10 LIF + 10 ALIF), batch 128 (paper: < 5 % after ~50 it).
  sr=(--task store-recall --batch "$sr_batch" --iterations "$sr_iters" --seed "$s" --validation-trials "$sr_val")
  run "sr_float_s$s" "${sr[@]}" --mode float
  run "sr_bptt_s$s" "${sr[@]}" --mode float --algorithm bptt   # paper: < 5 % after ~28 it
  run "sr_fixed16_full_s$s" "${sr[@]}" --mode fixed --optimizer sgd --lr "$sr_fixed_lr" --quant "$here/q_w16.json"
  run "sr_fixed8_full_s$s" "${sr[@]}" --mode fixed --optimizer sgd --lr "$sr_fixed_lr" --quant "$here/q_w8.json"
  run "sr_fixed8s_full_s$s" "${sr[@]}" --mode fixed --optimizer sgd --lr "$sr_fixed_lr" --quant "$here/q_w8_stochastic.json"
  run "sr_fixed16_factored_s$s" "${sr[@]}" --mode fixed --storage factored --quant "$here/q_w16.json" --lr 1e-4
  fi
  if [[ " $only " == *" srsign "* ]]; then
  # Store-recall with the sign update (lr 0.003, the default): float (host) and on chip, 16-bit
  # and 8-bit weights (8-bit: stochastic update rounding, 0.003 is 0.19 LSB); the factored scheme
  # (its own online +-1 LSB update) beside it.
  sr=(--task store-recall --batch "$sr_batch" --iterations "$sr_iters" --seed "$s" --validation-trials "$sr_val")
  run "sr_float_sign_s$s" "${sr[@]}" --mode float --optimizer sign
  run "sr_fixed16_sign_s$s" "${sr[@]}" --mode fixed --optimizer sign --quant "$here/q_w16.json"
  run "sr_fixed8s_sign_s$s" "${sr[@]}" --mode fixed --optimizer sign --quant "$here/q_w8_stochastic.json"
  run "sr_fixed16_factored_b_s$s" "${sr[@]}" --mode fixed --storage factored --quant "$here/q_w16.json" --lr 1e-4
  run "sr_fixed8_factored_s$s" "${sr[@]}" --mode fixed --storage factored --quant "$here/q_w8.json" --lr 1e-4
  fi
  if [[ " $only " == *" srtut "* ]]; then
  # Store-recall at the authors' tutorial size (60 LIF + 40 ALIF), their rate and regularization.
  tut=(--task store-recall --net "$here/../../examples/networks/store_recall_100.json" --batch "$sr_batch"
       --iterations "$sr_iters" --seed "$s" --validation-trials "$sr_val" --reg-strength 0.33)
  run "sr100_bptt_s$s" "${tut[@]}" --algorithm bptt --lr 0.002
  run "sr100_eprop_s$s" "${tut[@]}" --lr 0.002
  run "sr100_eprop_sign_s$s" "${tut[@]}" --optimizer sign
  fi
done
cat "$out/summary.txt"
