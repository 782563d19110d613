#!/usr/bin/env python3
"""Writes snntorch_like.nir: a recurrent network in the layout snnTorch's export_to_nir and nir.write
produce (h5py only, no nir/snntorch package needed), to try `nchip import` without Python SNN tools.

  input (12) -> fc1 (Affine) -> lif1 (NIRGraph: input -> lif -> output, lif -> w_rec (Linear) -> lif)
             -> fc2 (Affine, with bias) -> li (LI, 7) -> output

snnTorch's conventions: dt = 1e-4 s (0.1 ms), beta = 0.95 -> tau = dt / (1 - beta), r = tau / dt,
v_leak = 0, float32 parameters, gzip-compressed datasets, variable-length UTF-8 strings.
Usage: python3 examples/nir/make_snntorch_like_nir.py [OUT.nir]   (needs python3-h5py, numpy)
"""
import sys

import h5py
import numpy as np

out = sys.argv[1] if len(sys.argv) > 1 else "snntorch_like.nir"
rng = np.random.default_rng(14)
dt, n_in, n_rec, n_out = 1e-4, 12, 40, 7
beta, beta_out = 0.95, 0.9
tau, tau_out = dt / (1 - beta), dt / (1 - beta_out)
f32 = np.float32
w_in = (rng.normal(size=(n_rec, n_in)) * 0.8).astype(f32)
w_rec = (rng.normal(size=(n_rec, n_rec)) * 0.2).astype(f32)
np.fill_diagonal(w_rec, 0.0)  # nchip has no self-connections (or pass --drop-self-connections)
w_out = (rng.normal(size=(n_out, n_rec)) * 0.3).astype(f32)
b_out = (rng.normal(size=n_out) * 0.01).astype(f32)
s = h5py.string_dtype()


def arr(group, name, value):
    group.create_dataset(name, data=np.asarray(value), compression="gzip")


with h5py.File(out, "w") as f:
    f.create_dataset("version", data="1.0.0", dtype=s)
    g = f.create_group("node")
    g.create_dataset("type", data="NIRGraph", dtype=s)
    nodes = g.create_group("nodes")

    def node(parent, name, type_, **params):
        n = parent.create_group(name)
        n.create_dataset("type", data=type_, dtype=s)
        for k, v in params.items():
            arr(n, k, v)
        return n

    node(nodes, "input", "Input", shape=np.array([n_in]))
    node(nodes, "fc1", "Affine", weight=w_in, bias=np.zeros(n_rec, f32))
    sub = node(nodes, "lif1", "NIRGraph")
    subnodes = sub.create_group("nodes")
    node(subnodes, "input", "Input", shape=np.array([n_rec]))
    node(subnodes, "lif", "LIF", tau=np.full(n_rec, tau, f32), r=np.full(n_rec, tau / dt, f32),
         v_leak=np.zeros(n_rec, f32), v_threshold=np.ones(n_rec, f32), v_reset=np.zeros(n_rec, f32))
    node(subnodes, "w_rec", "Linear", weight=w_rec)
    node(subnodes, "output", "Output", shape=np.array([n_rec]))
    sub.create_dataset("edges", data=[("input", "lif"), ("lif", "w_rec"), ("w_rec", "lif"), ("lif", "output")], dtype=s)
    node(nodes, "fc2", "Affine", weight=w_out, bias=b_out)
    node(nodes, "li", "LI", tau=np.full(n_out, tau_out, f32), r=np.full(n_out, tau_out / dt, f32),
         v_leak=np.zeros(n_out, f32))
    node(nodes, "output", "Output", shape=np.array([n_out]))
    g.create_dataset("edges", data=[("input", "fc1"), ("fc1", "lif1"), ("lif1", "fc2"), ("fc2", "li"), ("li", "output")],
                     dtype=s)
print("wrote", out)
