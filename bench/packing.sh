#!/usr/bin/env bash
# Packing (issue #16): cores used with --packing none / greedy / auto for every example network on
# both shipped chips and for the 200-population network (bench/networks/make_many_populations.py),
# then SystemC cycles per step, hops and the results' equality packed vs unpacked for store_recall
# (small chip) and the 200 populations (unpacked on a 15x14 mesh of small's cores). Prints the
# tables of bench/README.md ("Packing"). Usage: bench/packing.sh [BUILD_DIR]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
nchip="${1:-$here/build}/nchip"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$here/bench/networks/make_many_populations.py" "$tmp/many_populations_200x5.json" 200 5
python3 - "$here/examples/chips/small.json" "$tmp/small_15x14.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["name"] = "small_15x14"; d["mesh_width"] = 15; d["mesh_height"] = 14
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
cores() {  # NET CHIP MODE -> cores used, or "does not fit"
  if "$nchip" compile "$1" --chip "$2" --packing "$3" -o "$tmp/x.nchip" --json > "$tmp/r.json" 2> /dev/null; then
    python3 -c 'import json,sys; print(json.load(open(sys.argv[1]))["totals"]["cores_used"])' "$tmp/r.json"
  else
    echo "does not fit"
  fi
}
echo "| network | chip | none | greedy | auto (default) |"
echo "|---|---|---|---|---|"
for net in "$here"/examples/networks/*.json "$tmp/many_populations_200x5.json"; do
  for chip in small loihi_like; do
    c="$here/examples/chips/$chip.json"
    echo "| $(basename "$net" .json) | $chip | $(cores "$net" "$c" none) | $(cores "$net" "$c" greedy) | $(cores "$net" "$c" auto) |"
  done
done
timed() {  # NET CHIP MODE NAME [STEPS]
  "$nchip" compile "$1" --chip "$2" --packing "$3" -o "$tmp/$4.nchip" > /dev/null
  "$nchip" run "$tmp/$4.nchip" --backend systemc ${5:+--steps $5} --stats "$tmp/$4.stats.json" --out "$tmp/$4.out.json" > /dev/null
  python3 - "$tmp/$4.stats.json" "$4" "$(cores "$1" "$2" "$3")" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"| {sys.argv[2]} | {sys.argv[3]} | {s['cycles']['mean_per_step']:.1f} | {s['cycles']['max_per_step']} | {s['noc']['hops'] if 'noc' in s and 'hops' in s['noc'] else '-'} |")
PY
}
echo
echo "| run (SystemC) | cores | cycles/step | max cycles/step | hops |"
echo "|---|---|---|---|---|"
timed "$here/examples/networks/store_recall.json" "$here/examples/chips/small.json" none store_recall_none
timed "$here/examples/networks/store_recall.json" "$here/examples/chips/small.json" greedy store_recall_greedy
timed "$tmp/many_populations_200x5.json" "$tmp/small_15x14.json" none many200_none 200
timed "$tmp/many_populations_200x5.json" "$here/examples/chips/small.json" auto many200_packed 200
for pair in "store_recall_none store_recall_greedy" "many200_none many200_packed"; do
  set -- $pair
  if cmp -s "$tmp/$1.out.json" "$tmp/$2.out.json"; then echo "$1 vs $2: results identical"; else echo "$1 vs $2: RESULTS DIFFER"; exit 1; fi
done
