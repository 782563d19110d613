#!/usr/bin/env bash
# What nchip train's checkpoints cost (bench/README.md, "Checkpoints"): the same run with
# --checkpoint-every 0 (the old path: no checkpoint) and 1 (the default), REPEATS times each,
# alternating; prints min and median wall seconds of each and the checkpoint's size.
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
declare -A times
for ((r = 0; r < repeats; ++r)); do
  for every in 0 1; do
    rm -rf "$out/run"
    start=$(date +%s.%N)
    "$nchip" train "${options[@]}" --quiet --checkpoint-every "$every" --out "$out/run" >/dev/null
    times[$every]+="$(awk -v a="$start" -v b="$(date +%s.%N)" 'BEGIN { print b - a }') "
  done
done
size=$(stat -c %s "$out/run/checkpoint.nchip-train")
for every in 0 1; do
  sorted=($(tr ' ' '\n' <<<"${times[$every]}" | grep . | sort -g))
  n=${#sorted[@]}
  median=$(if ((n % 2)); then echo "${sorted[n / 2]}"; else awk -v a="${sorted[n / 2 - 1]}" -v b="${sorted[n / 2]}" 'BEGIN { print (a + b) / 2 }'; fi)
  label=$([ "$every" = 0 ] && echo "--checkpoint-every 0 (old path)" || echo "--checkpoint-every 1")
  printf '%-32s min %6.3f s  median %6.3f s  (%d runs)\n' "$label" "${sorted[0]}" "$median" "$n"
done
echo "checkpoint file: $size bytes"
