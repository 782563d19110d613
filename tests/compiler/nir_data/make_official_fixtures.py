#!/usr/bin/env python3
"""Writes official_rec.nir and official_conv.nir with the NIR package itself (`pip install nir`,
github.com/neuromorphs/NIR, nir.write), so the C++ tests read files made by the reference
writer. The outputs are checked in; CI does not run this.

  official_rec.nir:  Input(3) -> Affine -> NIRGraph "rec" {Input -> LIF(5) <-> Linear w_rec, -> Output}
                     -> Affine (bias 0.1, -0.1) -> LI(2) -> Output; snnTorch's conventions, dt = 1e-4 s
                     (beta 0.9, readout 0.8), float32.
  official_conv.nir: Input(1, 6, 6) -> Conv2d(2 x 1 x 3 x 3, padding 'same') -> IF (2, 6, 6)
                     -> SumPool2d 2 -> Delay 1e-4 s -> Flatten -> Linear(4 x 18) -> LIF(4) -> Output.
Usage: python3 make_official_fixtures.py   (in this folder)
"""
import nir, numpy as np
nir.version = getattr(nir, "version", "1.0.7")  # set by pip installs; absent in a source tree
dt=1e-4
f32=np.float32
rng=np.random.default_rng(0)
tau=np.full(5, dt/(1-0.9), f32)
g = nir.NIRGraph(
  nodes={
    "input": nir.Input(input_type=np.array([3])),
    "fc": nir.Affine(weight=rng.normal(size=(5,3)).astype(f32), bias=np.zeros(5,f32)),
    "rec": nir.NIRGraph(nodes={
        "input": nir.Input(input_type=np.array([5])),
        "lif": nir.LIF(tau=tau, r=tau/dt, v_leak=np.zeros(5,f32), v_threshold=np.ones(5,f32)),
        "w_rec": nir.Linear(weight=(rng.normal(size=(5,5))*(1-np.eye(5))).astype(f32)),
        "output": nir.Output(output_type=np.array([5]))},
      edges=[("input","lif"),("lif","w_rec"),("w_rec","lif"),("lif","output")]),
    "fc2": nir.Affine(weight=rng.normal(size=(2,5)).astype(f32), bias=np.array([0.1,-0.1],f32)),
    "li": nir.LI(tau=np.full(2, dt/(1-0.8), f32), r=np.full(2, (dt/(1-0.8))/dt, f32), v_leak=np.zeros(2,f32)),
    "output": nir.Output(output_type=np.array([2])),
  },
  edges=[("input","fc"),("fc","rec"),("rec","fc2"),("fc2","li"),("li","output")])
nir.write("official_rec.nir", g)
c = nir.NIRGraph(nodes={
   "input": nir.Input(input_type=np.array([1,6,6])),
   "conv": nir.Conv2d(input_shape=(6,6), weight=rng.normal(size=(2,1,3,3)).astype(f32), stride=1, padding="same", dilation=1, groups=1, bias=np.zeros(2,f32)),
   "if1": nir.IF(r=np.full((2,6,6), 10000., f32), v_threshold=np.ones((2,6,6), f32)),
   "pool": nir.SumPool2d(kernel_size=np.array([2,2]), stride=np.array([2,2]), padding=np.array([0,0])),
   "d": nir.Delay(delay=np.full((2,3,3), 1e-4, f32)),
   "flat": nir.Flatten(input_type={"input": np.array([2,3,3])}, start_dim=0, end_dim=-1),
   "fc": nir.Linear(weight=rng.normal(size=(4,18)).astype(f32)),
   "lif": nir.LIF(tau=np.full(4, 1e-3, f32), r=np.full(4, 10., f32), v_leak=np.zeros(4,f32), v_threshold=np.ones(4,f32)),
   "output": nir.Output(output_type=np.array([4]))},
 edges=[("input","conv"),("conv","if1"),("if1","pool"),("pool","d"),("d","flat"),("flat","fc"),("fc","lif"),("lif","output")], type_check=False)
nir.write("official_conv.nir", c)
print("ok")
