#!/usr/bin/env python3
"""Writes the chip-scale network of issue #16: COUNT LIF populations of SIZE neurons (128 x 782 =
100,096 by default, one population per core of examples/chips/loihi_like.json) and a 256-channel
input; every population listens sparsely to the input and to the population before it (a ring), so
every core sends and receives across the mesh. Usage: make_chip_scale.py OUT.json [COUNT] [SIZE]"""
import json
import sys

out = sys.argv[1]
count = int(sys.argv[2]) if len(sys.argv) > 2 else 128
size = int(sys.argv[3]) if len(sys.argv) > 3 else 782
pops = [{"name": "in", "type": "input", "size": 256}]
projs = []
for k in range(count):
    pops.append({"name": f"p{k}", "type": "lif", "size": size, "tau_m_ms": 20, "v_th": 0.5, "t_ref_ms": 2})
    projs.append({"source": "in", "target": f"p{k}", "init": {"gain": 4.0, "connection_probability": 0.02}})
    projs.append({"source": f"p{(k - 1) % count}", "target": f"p{k}",
                  "init": {"gain": 3.0, "connection_probability": 0.01}})
with open(out, "w") as f:
    json.dump({"name": f"chip_scale_{count}x{size}", "dt_ms": 1.0, "seed": 1, "populations": pops,
               "projections": projs}, f, indent=1)
