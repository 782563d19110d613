#!/usr/bin/env bash
# SystemC at chip scale (issue #16): a 100,096-neuron network (128 LIF populations of 782, one per
# core; bench/networks/make_chip_scale.py) compiled for examples/chips/loihi_like.json (16 x 8 =
# 128 cores) and run for 100 steps of Poisson input on the functional model and on the SystemC
# chip (NoC model NOC_MODEL: events, the default, fast or threads), with --noc-stats: wall time and
# peak memory of each, whether the spikes are identical, cycles per step, the busiest links and
# cores, and the slowest step's critical path.
# Usage: bench/chip_scale.sh [BUILD_DIR] [OUT_DIR] [NOC_MODEL]   (OUT_DIR keeps the CSVs and heat maps)
set -euo pipefail
here="$(cd "$(dirname "$0")/.." && pwd)"
nchip="${1:-$here/build}/nchip"
tmp="$(mktemp -d)"
trap 'rm -rf "$tmp"' EXIT
out="${2:-$tmp/noc}"
model="${3:-events}"
python3 "$here/bench/networks/make_chip_scale.py" "$tmp/chip_scale.json"
timed() {  # LABEL COMMAND...: prints "LABEL: S s wall, C s CPU, M MB peak"
  local label="$1"; shift
  /usr/bin/time -f "%e %U %S %M" -o "$tmp/time" "$@" > "$tmp/$label.log"
  read -r secs user sys kb < "$tmp/time"
  echo "$label: $secs s wall, $(python3 -c "print(round($user + $sys, 2))") s CPU, $((kb / 1024)) MB peak"
}
timed compile "$nchip" compile "$tmp/chip_scale.json" --chip "$here/examples/chips/loihi_like.json" --packing none \
  -o "$tmp/chip_scale.nchip"
timed functional "$nchip" run "$tmp/chip_scale.nchip" --steps 100 --out "$tmp/functional.json"
timed "systemc-$model" "$nchip" run "$tmp/chip_scale.nchip" --steps 100 --backend systemc --noc-model "$model" \
  --stats "$tmp/stats.json" \
  --noc-stats "$out" --out "$tmp/systemc.json"
python3 - "$tmp/functional.json" "$tmp/systemc.json" "$tmp/stats.json" "$out" <<'PY'
import csv, json, sys
f, s, st, out = json.load(open(sys.argv[1])), json.load(open(sys.argv[2])), json.load(open(sys.argv[3])), sys.argv[4]
same = f["spikes"] == s["spikes"] and f["readouts"] == s["readouts"]
spikes = sum(len(v) for v in f["spikes"].values()) if isinstance(f["spikes"], dict) else "?"
print(f"spikes identical functional vs SystemC: {'yes' if same else 'NO'}")
print(f"cores used: {sum(1 for t in st['tiles'] if t['core']['neuron_updates'] > 0)}, steps {st['steps']}, "
      f"cycles/step {st['cycles']['mean_per_step']:.1f} (max {st['cycles']['max_per_step']}), "
      f"packets {st['noc']['packets']}, hops {st['noc']['hops']}, "
      f"link waits {st['noc']['stalls']['link_busy_waits']}, back-pressure waits {st['noc']['stalls']['backpressure_waits']}, "
      f"energy {st['energy']['total_pj'] * 1e-6:.3f} uJ")
links = sorted(csv.DictReader(open(f"{out}/links.csv")), key=lambda r: -float(r["utilization"]))
print("busiest links: " + "; ".join(f"({r['x']},{r['y']}) {r['port']} {float(r['utilization']):.3f}" for r in links[:3]))
cores = sorted(csv.DictReader(open(f"{out}/cores.csv")), key=lambda r: -float(r["load"]))
print("busiest cores: " + "; ".join(f"({r['x']},{r['y']}) load {float(r['load']):.3f}" for r in cores[:3]))
routers = list(csv.DictReader(open(f"{out}/routers.csv")))
print(f"routers: {len(routers)} rows, max input FIFO high-water "
      f"{max(int(r[k]) for r in routers for k in r if k.startswith('fifo_high_water'))}")
print("critical path of the slowest step: " + json.dumps(json.load(open(f"{out}/critical_path.json"))))
sys.exit(0 if same else 1)
PY
