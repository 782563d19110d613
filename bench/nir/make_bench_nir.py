#!/usr/bin/env python3
"""Writes the NIR files `nchip import` is timed on (bench/README.md, "NIR import"), in the layout of
nir.write (float32, gzip), with h5py only: mlp.nir (784-500-10 LIF, snnTorch conventions),
conv.nir (1x28x28 -> Conv2d 8x3x3 -> IF -> SumPool2d 2 -> IF -> Linear -> LI) and nmnist_cnn.nir
(2x34x34 -> Conv2d 12x5x5 -> IF -> pool -> Conv2d 32x5x5 -> IF -> pool -> Linear 10 -> LI).
Usage: python3 bench/nir/make_bench_nir.py OUT_DIR
"""
import os
import sys

import h5py
import numpy as np

os.chdir(sys.argv[1] if len(sys.argv) > 1 else ".")
rng = np.random.default_rng(1)
s = h5py.string_dtype()
def node(parent, name, type_, **params):
    n = parent.create_group(name); n.create_dataset("type", data=type_, dtype=s)
    for k, v in params.items(): a = np.asarray(v); n.create_dataset(k, data=a, compression="gzip" if a.ndim else None)
dt = 1e-4; beta = 0.95; tau = dt/(1-beta)
with h5py.File("mlp.nir", "w") as f:
    f.create_dataset("version", data="1.0.0", dtype=s)
    g = f.create_group("node"); g.create_dataset("type", data="NIRGraph", dtype=s); nodes = g.create_group("nodes")
    node(nodes, "input", "Input", shape=np.array([784]))
    node(nodes, "fc1", "Affine", weight=rng.normal(size=(500, 784)).astype(np.float32)*0.05, bias=np.zeros(500, np.float32))
    node(nodes, "lif1", "LIF", tau=np.float32(tau), r=np.float32(tau/dt), v_leak=np.float32(0), v_threshold=np.array([1.0], np.float32))
    node(nodes, "fc2", "Affine", weight=rng.normal(size=(10, 500)).astype(np.float32)*0.05, bias=np.zeros(10, np.float32))
    node(nodes, "lif2", "LIF", tau=np.float32(tau), r=np.float32(tau/dt), v_leak=np.float32(0), v_threshold=np.array([1.0], np.float32))
    node(nodes, "output", "Output", shape=np.array([10]))
    g.create_dataset("edges", data=[("input","fc1"),("fc1","lif1"),("lif1","fc2"),("fc2","lif2"),("lif2","output")], dtype=s)
with h5py.File("conv.nir", "w") as f:
    f.create_dataset("version", data="1.0.0", dtype=s)
    g = f.create_group("node"); g.create_dataset("type", data="NIRGraph", dtype=s); nodes = g.create_group("nodes")
    node(nodes, "input", "Input", shape=np.array([1, 28, 28]))
    node(nodes, "conv1", "Conv2d", weight=rng.normal(size=(8, 1, 3, 3)).astype(np.float32), bias=np.zeros(8, np.float32), stride=np.array([1,1]), padding=np.array([1,1]), dilation=np.array([1,1]), groups=np.int64(1), input_shape=np.array([28,28]))
    node(nodes, "if1", "IF", r=np.float32(10000), v_threshold=np.float32(1))
    node(nodes, "pool1", "SumPool2d", kernel_size=np.array([2,2]), stride=np.array([2,2]), padding=np.array([0,0]))
    node(nodes, "if2", "IF", r=np.float32(10000), v_threshold=np.float32(1))
    node(nodes, "flat", "Flatten", start_dim=np.int64(0), end_dim=np.int64(-1))
    node(nodes, "fc", "Linear", weight=rng.normal(size=(10, 8*14*14)).astype(np.float32)*0.05)
    node(nodes, "li", "LI", tau=np.float32(1e-3), r=np.float32(10), v_leak=np.float32(0))
    g.create_dataset("edges", data=[("input","conv1"),("conv1","if1"),("if1","pool1"),("pool1","if2"),("if2","flat"),("flat","fc"),("fc","li")], dtype=s)
rng = np.random.default_rng(2)
with h5py.File("nmnist_cnn.nir", "w") as f:
    f.create_dataset("version", data="1.0.0", dtype=s)
    g = f.create_group("node"); g.create_dataset("type", data="NIRGraph", dtype=s); nodes = g.create_group("nodes")
    node(nodes, "input", "Input", shape=np.array([2, 34, 34]))
    node(nodes, "conv1", "Conv2d", weight=rng.normal(size=(12, 2, 5, 5)).astype(np.float32)*0.2, bias=np.zeros(12, np.float32), stride=np.array([1,1]), padding=np.array([0,0]), dilation=np.array([1,1]), groups=np.int64(1), input_shape=np.array([34,34]))
    node(nodes, "if1", "IF", r=np.float32(10000), v_threshold=np.float32(1))
    node(nodes, "pool1", "SumPool2d", kernel_size=np.array([2,2]), stride=np.array([2,2]), padding=np.array([0,0]))
    node(nodes, "if2", "IF", r=np.float32(10000), v_threshold=np.float32(1))
    node(nodes, "conv2", "Conv2d", weight=rng.normal(size=(32, 12, 5, 5)).astype(np.float32)*0.1, bias=np.zeros(32, np.float32), stride=np.array([1,1]), padding=np.array([0,0]), dilation=np.array([1,1]), groups=np.int64(1), input_shape=np.array([15,15]))
    node(nodes, "if3", "IF", r=np.float32(10000), v_threshold=np.float32(1))
    node(nodes, "pool2", "SumPool2d", kernel_size=np.array([2,2]), stride=np.array([2,2]), padding=np.array([0,0]))
    node(nodes, "if4", "IF", r=np.float32(10000), v_threshold=np.float32(1))
    node(nodes, "flat", "Flatten", start_dim=np.int64(0), end_dim=np.int64(-1))
    node(nodes, "fc", "Linear", weight=rng.normal(size=(10, 32*5*5)).astype(np.float32)*0.05)
    node(nodes, "li", "LI", tau=np.float32(1e-3), r=np.float32(10), v_leak=np.float32(0))
    g.create_dataset("edges", data=[("input","conv1"),("conv1","if1"),("if1","pool1"),("pool1","if2"),("if2","conv2"),("conv2","if3"),("if3","pool2"),("pool2","if4"),("if4","flat"),("flat","fc"),("fc","li")], dtype=s)
