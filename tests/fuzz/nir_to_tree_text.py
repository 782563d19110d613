#!/usr/bin/python3
"""Writes a NIR (HDF5) file in the text format of tests/fuzz/nir_tree_text.hpp (the seeds of
fuzz_nir_graph): one `group`, `number` or `string` line per HDF5 object, names and strings
percent-encoded.  Usage: nir_to_tree_text.py FILE.nir > FILE.txt"""
import sys
import h5py
import numpy as np


def enc(text):
    raw = text if isinstance(text, bytes) else text.encode('utf-8', 'surrogateescape')
    return ''.join(chr(b) if 0x21 <= b <= 0x7e and b != 0x25 else '%%%02x' % b for b in raw)


def shape_text(shape):
    return '-' if shape == () else 'x'.join(str(d) for d in shape)


def main(path):
    lines = []
    def visit(name, obj):
        p = '/' + name
        if isinstance(obj, h5py.Group):
            lines.append('group ' + enc(p))
            return
        data = obj[()]
        arr = np.asarray(data)
        if arr.dtype.kind in 'SOU':
            vals = [enc(v if isinstance(v, (bytes, str)) else str(v)) for v in arr.reshape(-1)]
            lines.append(' '.join(['string', enc(p), shape_text(arr.shape)] + vals))
        else:
            vals = [repr(float(v)) for v in arr.reshape(-1)]
            lines.append(' '.join(['number', enc(p), shape_text(arr.shape)] + vals))
    with h5py.File(path, 'r') as f:
        f.visititems(visit)
    sys.stdout.write('\n'.join(lines) + '\n')


if __name__ == '__main__':
    main(sys.argv[1])
