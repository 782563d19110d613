#!/usr/bin/env bash
# What nchip train's checkpoints cost (bench/README.md, "Checkpoints"): the same run with
# --checkpoint-every 0 (no checkpoint), --checkpoint-every 1 (after every iteration) and the
# default (by time: before iteration 1, every --checkpoint-seconds 30, after the last), REPEATS
# times each, alternating; prints min and median wall seconds of each and the checkpoint's size.
# Usage: bench/checkpoint_overhead.sh BUILD_DIR [REPEATS] [train options...]
# Default run: the paper's pattern-generation network (600 LIF), float Adam, 4 iterations.
set -euo pipefail
nchip="${1:-build}/nchip"
repeats="${2:-5}"
shift $(( $# > 2 ? 2 : $# ))
options=("$@")
[ ${#options[@]} -eq 0 ] && options=(--task pattern-generation --iterations 4 --threads 2)
out="$(mktemp -d)"
trap 'rm -rf "$out"' EXIT
schedules=("--checkpoint-every 0" "--checkpoint-every 1" "")
labels=("--checkpoint-every 0 (none)" "--checkpoint-every 1" "default (--checkpoint-seconds 30)")
declare -A times
for ((r = 0; r < repeats; ++r)); do
  for i in "${!schedules[@]}"; do
    rm -rf "$out/run"
    start=$(date +%s.%N)
    # shellcheck disable=SC2086  # the schedule is zero or two words
    "$nchip" train "${options[@]}" --quiet ${schedules[$i]} --out "$out/run" >/dev/null
    times[$i]+="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }') "
  done
done
size=$(stat -c %s "$out/run/checkpoint.nchip-train")
for i in "${!schedules[@]}"; do
  sorted=($(tr ' ' '\n' <<<"${times[$i]}" | grep . | sort -g))
  n=${#sorted[@]}
  median=$(if ((n % 2)); then echo "${sorted[n / 2]}"; else awk -v a="${sorted[n / 2 - 1]}" -v b="${sorted[n / 2]}" 'BEGIN { print (a + b) / 2 }'; fi)
  printf '%-36s min %6.3f s  median %6.3f s  (%d runs)\n' "${labels[$i]}" "${sorted[0]}" "$median" "$n"
done
echo "checkpoint file: $size bytes"
