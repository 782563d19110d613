#!/usr/bin/env bash
# Placement at measured rates (issue #16, nchip compile --rates-from-run): for every example network
# on both shipped chips and for the 200-population network unpacked on a 15x14 mesh of small's
# cores, the measured spikes x hops per step of the flat-10-Hz placement, of the placement by
# measured rates and of row-major, with the run's input (each network's default input, else Poisson;
# seed 1) over STEPS steps; then SystemC NoC hops of both images of the 200 populations over their
# first SYSTEMC_STEPS steps (the same seeded input). Prints the tables of bench/README.md ("Placement
# at measured rates"). Usage: bench/rates_from_run.sh [BUILD_DIR] [STEPS] [SYSTEMC_STEPS]
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
nchip="${1:-$here/build}/nchip"
steps="${2:-1000}"
systemc_steps="${3:-200}"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
python3 "$here/bench/networks/make_many_populations.py" "$tmp/many_populations_200x5.json" 200 5
python3 - "$here/examples/chips/small.json" "$tmp/small_15x14.json" <<'PY'
import json, sys
d = json.load(open(sys.argv[1])); d["name"] = "small_15x14"; d["mesh_width"] = 15; d["mesh_height"] = 14
json.dump(d, open(sys.argv[2], "w"), indent=1)
PY
row() {  # NET CHIP [PACKING]
  local name; name="$(basename "$1" .json)"
  if ! "$nchip" compile "$1" --chip "$2" --packing "${3:-auto}" -o "$tmp/m.nchip" --rates-from-run "$steps" --json \
       > "$tmp/r.json" 2> "$tmp/err.txt"; then
    echo "| $name | $(basename "$2" .json) | does not fit | | | | |"
    return
  fi
  python3 - "$tmp/r.json" "$name" "$(basename "$2" .json)" <<'PY'
import json, sys
r = json.load(open(sys.argv[1])); m = r["rates_from_run"]
rates = sorted(p["rate_hz"] for p in m["populations"] if p["role"] == "spiking")
flat, meas, naive = (m["flat_placement_cost_spikes_hops_per_step"], m["cost_spikes_hops_per_step"],
                     m["row_major_cost_spikes_hops_per_step"])
lower = 100.0 * (flat - meas) / flat if flat else 0.0
print(f"| {sys.argv[2]} | {sys.argv[3]} | {r['totals']['cores_used']} | {rates[0]:.1f}-{rates[-1]:.1f} | "
      f"{naive:.3f} | {flat:.3f} | {meas:.3f} ({lower:.1f}% lower) |")
PY
}
echo "| network | chip | cores | spiking population rates (Hz) | row-major | flat 10 Hz placement | measured-rate placement |"
echo "|---|---|---|---|---|---|---|"
for net in "$here"/examples/networks/*.json; do
  for chip in small loihi_like; do row "$net" "$here/examples/chips/$chip.json"; done
done
row "$tmp/many_populations_200x5.json" "$tmp/small_15x14.json" none
# The NoC sees it too: SystemC hops of the two images of the 200 populations (the same spikes).
net="$tmp/many_populations_200x5.json"
"$nchip" compile "$net" --chip "$tmp/small_15x14.json" --packing none -o "$tmp/flat.nchip" > /dev/null
"$nchip" compile "$net" --chip "$tmp/small_15x14.json" --packing none -o "$tmp/meas.nchip" --rates-from-run "$steps" > /dev/null
echo
echo "| many_populations_200x5, 15x14, SystemC ($systemc_steps steps, Poisson seed 1) | hops | cycles/step |"
echo "|---|---|---|"
for image in flat meas; do
  "$nchip" run "$tmp/$image.nchip" --backend systemc --steps "$systemc_steps" --stats "$tmp/$image.stats.json" \
    --out "$tmp/$image.out.json" > /dev/null
  python3 - "$tmp/$image.stats.json" "$image" <<'PY'
import json, sys
s = json.load(open(sys.argv[1]))
print(f"| {'flat 10 Hz placement' if sys.argv[2] == 'flat' else 'measured-rate placement'} | {s['noc']['hops']} | {s['cycles']['mean_per_step']:.1f} |")
PY
done
if cmp -s "$tmp/flat.out.json" "$tmp/meas.out.json"; then echo "results identical"; else echo "RESULTS DIFFER"; exit 1; fi
