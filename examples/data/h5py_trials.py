#!/usr/bin/env python3
"""Writes a trial-set file for `nchip train --data` with h5py (format: docs/data.md).

For users coming from Tonic / PyTorch: each sample is a list of events (time in microseconds,
channel) and a class label. Events are binned to the chip's 1 ms step; two events of one channel
in one step become one spike (the chip takes one spike per channel and step). The decision window
is the last `window` steps. Usage: h5py_trials.py OUT.h5  (writes a small synthetic set)."""
import sys

import h5py
import numpy as np


def write_trials(path, samples, labels, n_inputs, n_classes, steps, window, validation=()):
    times, channels, offsets = [], [], [0]
    for events in samples:  # events: array of (t_us, channel)
        step = (events[:, 0] // 1000).astype(np.int64)  # 1 ms bins
        keep = step < steps
        pairs = np.unique(np.stack([step[keep], events[keep, 1]], axis=1), axis=0)  # sorted, no duplicates
        times.append(pairs[:, 0])
        channels.append(pairs[:, 1])
        offsets.append(offsets[-1] + len(pairs))
    with h5py.File(path, "w") as f:
        f.attrs["nchip_trials_version"] = np.int32(1)
        f.attrs["dt_ms"] = 1.0
        f.attrs["steps"] = np.uint32(steps)
        f.attrs["n_inputs"] = np.uint32(n_inputs)
        f.attrs["n_outputs"] = np.uint32(n_classes)
        f["spikes/times"] = np.concatenate(times).astype(np.uint32)
        f["spikes/channels"] = np.concatenate(channels).astype(np.uint32)
        f["spikes/offsets"] = np.array(offsets, dtype=np.uint64)
        f["labels"] = np.asarray(labels, dtype=np.int32)
        f["windows"] = np.tile(np.array([[steps - window, steps]], dtype=np.uint32), (len(labels), 1))
        split = np.zeros(len(labels), dtype=np.uint8)
        split[list(validation)] = 1
        f["split"] = split


if __name__ == "__main__":
    rng = np.random.default_rng(1)
    samples, labels = [], []
    for i in range(24):  # class c: channels 4c..4c+3 fire more in the first 40 ms
        label = i % 2
        t = rng.integers(0, 100_000, size=60)
        ch = np.where(t < 40_000, rng.integers(0, 4, size=60) + 4 * label, rng.integers(0, 8, size=60))
        samples.append(np.stack([t, ch], axis=1))
        labels.append(label)
    write_trials(sys.argv[1], samples, labels, n_inputs=8, n_classes=2, steps=100, window=20,
                 validation=range(20, 24))
