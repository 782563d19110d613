#!/usr/bin/env bash
# Writes the committed seed corpora (tests/fuzz/corpus/<kind>/) and the dictionary (nchip.dict)
# from examples/ and the regression inputs of issue #15 (rows 1-15), using the Release build's
# nchip for the binary seeds (chip images, trial sets, ETU records). Run it again after a format
# or schema change and commit the result:  bash tests/fuzz/make_seed_corpus.sh [BUILD_DIR]
set -euo pipefail
cd "$(dirname "$0")/../.."
nchip="${1:-build}/nchip"
[ -x "$nchip" ] || { echo "make_seed_corpus: $nchip not found (build the Release tree first)" >&2; exit 2; }
corpus=tests/fuzz/corpus
rm -rf "$corpus"
mkdir -p "$corpus"/{network_json,quant_json,chip_json,spike_file,sweep_spec,chip_image,trial_set,nir,nir_tree,etu_record}
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# --- JSON seeds: the examples as they are -------------------------------------------------------
cp examples/networks/*.json "$corpus/network_json/"
cp examples/chips/*.json "$corpus/chip_json/"
# Sweep specs without their "net" (a path relative to examples/sweeps; the task's default network
# is used instead), so `nchip sweep --list` on a seed gets past the point checks.
python3 - "$corpus/sweep_spec" <<'PY'
import json, glob, sys, os
for f in sorted(glob.glob('examples/sweeps/*.json')):
    spec = json.load(open(f)); spec.pop('net', None)
    open(os.path.join(sys.argv[1], os.path.basename(f)), 'w').write(json.dumps(spec, indent=1) + '\n')
PY
# Quant configs: the base "quant" object of each sweep spec, and one with every field.
python3 - "$corpus/quant_json" <<'PY'
import json, glob, sys, os
for f in sorted(glob.glob('examples/sweeps/*.json')):
    q = json.load(open(f)).get('quant')
    if isinstance(q, dict):
        open(os.path.join(sys.argv[1], os.path.basename(f)), 'w').write(json.dumps(q, indent=1) + '\n')
PY
cat > "$corpus/quant_json/every_field.json" <<'J'
{"rounding": "nearest", "update_rounding": "stochastic",
 "formats": {"weight": {"width": 8, "frac": 6, "signed": true}, "voltage": {"width": 16, "frac": 12},
             "trace": {"width": 12, "frac": 10, "signed": false}, "eligibility": {"width": 16, "frac": 14}}}
J
cat > "$corpus/spike_file/regression.json" <<'J'
{"steps": 6, "n_inputs": 3, "spikes": [[0, 1], [2, 0], [5, 2]], "n_outputs": 2, "loss": "mse",
 "target": [[0, 1], [0.5, 0.25], [1, 0], [0, 0], [1e-3, -2], [3, 4]], "mask": [1, 1, 0, 1, 1, 1]}
J
cat > "$corpus/spike_file/classification.json" <<'J'
{"steps": 4, "n_inputs": 2, "spikes": [[1, 1]], "n_outputs": 2, "loss": "cross_entropy", "labels": [[2, 3, 1]]}
J
# Issue #15 row 5: overflowing numbers, duplicate keys. (Row 12, a 10^7-step file, is legal and
# takes seconds under ASan: it stays in tests/runtime, out of the corpus.)
printf '{"steps": 1e999, "n_inputs": 1, "spikes": []}' > "$corpus/spike_file/row5_steps_1e999.json"
printf '{"steps": 2, "n_inputs": 1, "spikes": [[1e999, 0]]}' > "$corpus/spike_file/row5_spike_1e999.json"
printf '{"steps": 2, "steps": 3, "n_inputs": 1, "spikes": []}' > "$corpus/spike_file/row5_duplicate_key.json"
# Issue #15 rows 4, 6-9 on the smallest example network (python edits its JSON).
python3 - "$corpus/network_json" <<'PY'
import json, sys, os
base = json.load(open('examples/networks/evidence_accumulation_tiny.json'))
def variant(name, edit):
    n = json.loads(json.dumps(base)); edit(n)
    open(os.path.join(sys.argv[1], name), 'w', encoding='utf-8', errors='surrogateescape').write(json.dumps(n, ensure_ascii=False))
def pop(n, t): return next(p for p in n['populations'] if p['type'] == t)
variant('row4_newline_name.json', lambda n: pop(n, 'lif').update(name='a\nb'))
variant('row6_t_ref_65536.json', lambda n: pop(n, 'lif').update(t_ref_ms=65536))
variant('row8_v_th_tiny.json', lambda n: pop(n, 'lif').update(v_th=1e-300))
variant('row9_huge_population.json', lambda n: pop(n, 'input').update(size=4294967295))
def dense_weight(n):
    p = n['projections'][0]; p.pop('init', None)
    src = next(q for q in n['populations'] if q['name'] == p['source'])['size']
    dst = next(q for q in n['populations'] if q['name'] == p['target'])['size']
    p['weights'] = [[1e308 if (i, j) == (0, 0) else 0.0 for i in range(src)] for j in range(dst)]
variant('row7_weight_1e308.json', dense_weight)
PY
printf '{"name": "\xff\xfe", "populations": []}' > "$corpus/network_json/row3_invalid_utf8.json"
# An input projected straight onto a readout: nchip run / compile crashed (SIGSEGV), now one line.
cat > "$corpus/network_json/input_to_readout.json" <<'J'
{"name": "ro", "populations": [{"name": "in", "type": "input", "size": 3},
                               {"name": "y", "type": "readout", "size": 2, "tau_out_ms": 20}],
 "projections": [{"source": "in", "target": "y", "weights": [[1, 0.5, 0.1], [0.2, 1, 0.3]]}]}
J

# --- binary seeds, written by nchip itself ---------------------------------------------------------
"$nchip" compile examples/networks/evidence_accumulation_tiny.json --chip examples/chips/small.json \
  -o "$corpus/chip_image/evidence_accumulation_tiny.nchip" >/dev/null
"$nchip" data convert --spikes-csv examples/data/toy_spikes.csv --labels-csv examples/data/toy_labels.csv \
  --steps 100 --inputs 8 --outputs 2 --validation-last 8 --out "$corpus/trial_set/toy.h5" >/dev/null
"$nchip" data convert --from-json "$corpus/spike_file/regression.json" --out "$corpus/trial_set/regression.h5" >/dev/null
cp examples/nir/snntorch_like.nir "$corpus/nir/"
"$nchip" data convert --from-task pattern-generation --trials 1 --validation-trials 1 --steps 20 \
  --out "$corpus/trial_set/pattern_generation.h5" >/dev/null
# A small LIF network (NIR has no ALIF) with dense and sparse weights, exported by nchip.
cat > "$corpus/network_json/tiny_lif.json" <<'J'
{"name": "tiny_lif", "dt_ms": 1.0, "seed": 1,
 "populations": [{"name": "in", "type": "input", "size": 3},
                 {"name": "rec", "type": "lif", "size": 4, "tau_m_ms": 20, "v_th": 0.5, "t_ref_ms": 2},
                 {"name": "out", "type": "readout", "size": 2, "tau_out_ms": 20}],
 "projections": [{"source": "in", "target": "rec", "weights": [[0.5, 0, -0.25], [0, 1, 0], [0.125, 0, 0], [0, 0, 2]]},
                 {"source": "rec", "target": "rec", "synapses": [[0, 1, 0.5], [1, 2, -0.5], [3, 0, 0.25]]},
                 {"source": "rec", "target": "out", "init": {"gain": 1.0}}]}
J
"$nchip" export "$corpus/network_json/tiny_lif.json" -o "$corpus/nir/tiny_lif.nir" >/dev/null
# fuzz_nir_graph's seeds: every NIR file above and the official fixtures as text trees
# (nir_tree_text.hpp; /usr/bin/python3: Debian's h5py), one with a subgraph and import options.
for f in "$corpus"/nir/*.nir tests/compiler/nir_data/official_*.nir; do
  seed="$corpus/nir_tree/$(basename "$f" .nir).txt"
  : > "$seed"
  # official_conv's Delay is 1e-4 s: whole steps only at dt = 0.1 ms (the fuzz default is 1 ms);
  # official_rec implies its dt through r = tau/dt (snnTorch's export), as the NIR tests import it.
  [ "$(basename "$f")" = official_conv.nir ] && echo "option dt_ms 0.1" > "$seed"
  [ "$(basename "$f")" = official_rec.nir ] && echo "option dt_ms none" > "$seed"
  /usr/bin/python3 tests/fuzz/nir_to_tree_text.py "$f" >> "$seed"
done
cat > "$corpus/nir_tree/subgraph_options.txt" <<'T'
option discretization exact
option reset zero
option dt_ms 0.5
string /node/type - NIRGraph
string /node/edges 3x2 in sub sub sub.out_to sub.out_to li
string /node/nodes/in/type - Input
number /node/nodes/in/shape 1 2
string /node/nodes/sub/type - NIRGraph
string /node/nodes/sub/edges 3x2 i lin lin lif lif o
string /node/nodes/sub/nodes/i/type - Input
string /node/nodes/sub/nodes/o/type - Output
string /node/nodes/sub/nodes/lin/type - Affine
number /node/nodes/sub/nodes/lin/weight 3x2 1 0 0 1 0.5 0.5
number /node/nodes/sub/nodes/lin/bias 3 0 0 0
string /node/nodes/sub/nodes/lif/type - CubaLIF
number /node/nodes/sub/nodes/lif/tau_mem - 0.02
number /node/nodes/sub/nodes/lif/tau_syn - 0.005
number /node/nodes/sub/nodes/lif/r - 1
number /node/nodes/sub/nodes/lif/v_threshold 3 1 1 0.5
string /node/nodes/sub/nodes/out_to/type - Linear
number /node/nodes/sub/nodes/out_to/weight 2x3 1 -1 0 0 1 2
string /node/nodes/li/type - LI
number /node/nodes/li/tau 2 0.01 0.01
number /node/nodes/li/r 2 1 1
number /node/nodes/li/v_leak 2 0 0
T
"$nchip" train --task evidence-accumulation --net examples/networks/evidence_accumulation_tiny.json --inputs 8 \
  --cues 1 --cue-steps 10 --cue-spacing-steps 5 --delay-steps 5 --recall-steps 10 --iterations 1 --batch 1 \
  --mode fixed --record-etu "$corpus/etu_record/tiny.etu" --record-etu-limit 24 --out "$work/train" >/dev/null
# Issue #15 rows 13-14: a header with 0 records, a file with a wrong magic.
python3 - "$corpus/etu_record" <<'PY'
import sys, os, struct
d = sys.argv[1]; full = open(os.path.join(d, 'tiny.etu'), 'rb').read()
open(os.path.join(d, 'row14_zero_records.etu'), 'wb').write(full[:16] + struct.pack('<Q', 0) + full[24:64])
open(os.path.join(d, 'row13_bad_magic.etu'), 'wb').write(b'NCHIPXTU' + full[8:64 + 64])
PY

# --- the dictionary: JSON syntax, edge-case numbers, and every key the examples and readers use ---
{
  echo '# libFuzzer dictionary of the JSON targets (written by tests/fuzz/make_seed_corpus.sh).'
  for t in '{' '}' '[' ']' ':' ',' '"' 'true' 'false' 'null' '-' '1e999' '-1e999' '1e-300' '1e308' \
           '4294967295' '4294967296' '18446744073709551616' '65536' '0.5' '-0' '\\u0000' '\\n' '\\ud800' '\xff'; do
    printf 'kw_%s="%s"\n' "$(printf '%s' "$t" | md5sum | cut -c1-6)" "$(printf '%s' "$t" | sed 's/"/\\"/g')"
  done
  python3 - <<'PY'
import json, glob, re
keys = set()
def walk(v):
    if isinstance(v, dict):
        for k, x in v.items():
            keys.add(k); walk(x)
    elif isinstance(v, list):
        for x in v: walk(x)
for f in glob.glob('examples/**/*.json', recursive=True):
    walk(json.load(open(f)))
for s in ['compiler/ir/network_json.cpp', 'compiler/chip_json.cpp', 'compiler/quant_config_json.cpp',
          'hw_model/arith/quant_config.cpp', 'runtime/tasks/spike_file_read.cpp', 'runtime/sweep/sweep_spec.cpp',
          'compiler/ir/random_init.cpp']:
    keys.update(re.findall(r'"([a-z_][a-z0-9_.]{1,40})"', open(s).read()))
for k in sorted(keys):
    print('key_%s="\\"%s\\""' % (k.replace('.', '_'), k))
PY
} > tests/fuzz/nchip.dict
# fuzz_nir_graph's dictionary: the text format's words, NIR node types and parameter names.
{
  echo '# libFuzzer dictionary of fuzz_nir_graph (written by tests/fuzz/make_seed_corpus.sh).'
  for t in group number string option dt_ms none discretization exact euler reset zero subtract \
           time_unit drop_self /node /nodes/ /edges /type /metadata/ ' - ' 1x2 2x2 '%0a' '%ff' '%2f' nan inf -inf 1e308 1e-300 \
           4294967295 4294967296 0.0001 NIRGraph Input Output Affine Linear Scale Flatten Delay Conv1d Conv2d \
           SumPool2d AvgPool2d LIF CubaLIF IF LI I CubaLI Threshold weight bias tau tau_mem tau_syn w_in r \
           v_leak v_threshold v_reset shape scale delay stride padding dilation groups input_shape kernel_size \
           same valid nchip_tau_ms nchip_tau_syn_ms nchip_t_ref_ms nchip_reset_zero nchip_bias nchip_v_leak nchip_dt_ms; do
    printf 'w_%s="%s"\n' "$(printf '%s' "$t" | md5sum | cut -c1-6)" "$t"
  done
} > tests/fuzz/nir_tree.dict
echo "make_seed_corpus: $(find "$corpus" -type f | wc -l) seeds, $(du -sh "$corpus" | cut -f1); $(grep -c = tests/fuzz/nchip.dict) dictionary entries"
