#!/usr/bin/env python3
"""Writes the packing benchmark network (issue #16): one 20-neuron input and COUNT LIF populations
of SIZE neurons; each population listens to the input (dense, random init) and to the population
before it (a chain), so packed neighbours talk. Usage: make_many_populations.py OUT.json [COUNT] [SIZE]"""
import json
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 200
size = int(sys.argv[3]) if len(sys.argv) > 3 else 5
init = {"gain": 1.0, "connection_probability": 1.0}
pops = [{"name": "in", "type": "input", "size": 20}]
projs = []
for k in range(count):
    pops.append({"name": f"p{k}", "type": "lif", "size": size, "tau_m_ms": 20, "v_th": 0.5})
    projs.append({"source": "in", "target": f"p{k}", "init": init})
    if k > 0:
        projs.append({"source": f"p{k - 1}", "target": f"p{k}", "init": init})
with open(out, "w") as f:
    json.dump({"name": f"many_populations_{count}x{size}", "seed": 1, "populations": pops, "projections": projs}, f, indent=1)
