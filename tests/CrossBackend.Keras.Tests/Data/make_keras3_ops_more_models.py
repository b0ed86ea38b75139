"""More Keras 3 functional ops: power, max / min / amax / amin, squeeze, matmul and transpose with negative axes, float64
goldens.

Saved as make_keras3_ops_models.py saves its models (its Graph writer, Keras 3.6.0 archives): each op a node of the
op's own class and module (keras/src/models/functional.py serialize_node), its constructor arguments as passed, defaults
filled in, in its config (keras/src/ops/operation.py Operation.__new__ _auto_config), checked against
keras/src/ops/numpy.py:
- Power() and Matmul() take no constructor arguments: config {"name"}; `x ** p` is Power()(x, p), `p ** x` Power()(p, x)
  (keras/src/backend/common/keras_tensor.py __pow__ / __rpow__), `x @ w` Matmul()(x, w) (__matmul__);
- Max(axis=None, keepdims=False, initial=None) and Min(...): ops.max(d, axis=1) saves {"axis": 1, "keepdims": false,
  "initial": null}; Amax(axis=None, keepdims=False) and Amin(...) {"axis", "keepdims"};
- Squeeze(axis=None): {"axis": 1}, a tuple as a list, None as null (every axis of static length 1,
  Squeeze.compute_output_spec);
- Transpose(axes=None): {"axes": [0, 1, -1, -2]} (compute_transpose_output_shape reads input_shape[ax], so negative
  axes count from the end, as NumPy's transpose);
- a NumPy array argument {"class_name": "__numpy__", "config": {"value": tolist(), "dtype": "float32"}}.

k3ops_more: x (4, 6, 5) in [-2, 2], batch 3 -> d = Dense 5 (4, 6, 5), a = abs(d) + 0.1, then
  a ** 0.3; d ** 2 (an int exponent); 0.3 ** d (number base); a ** c5 (float32 (5,) array exponent);
  power(a, sigmoid(d)) (two tensors);
  max(d, axis=1) (6, 5); max(d, axis=(1, -1), keepdims=True) (1, 6, 1); min(d, axis=-2) (4, 5);
  amax(d, axis=2, keepdims=True) (4, 1, 5); amin(d, axis=(1, 2)) (5,);
  squeeze(max_k, axis=1) (6, 1); squeeze(max_k) (6,) (axis=None); squeeze(amax, axis=-2) (4, 5);
  squeeze(max_k, axis=(1, -1)) (6,);
  d @ w53 (float32 (5, 3)) (4, 6, 3); w26 @ d (float32 (2, 6) first) (4, 2, 5); d @ v5 (float32 (5,)) (4, 6);
  v6 @ d (float32 (6,) first) (4, 5); t = transpose(d, (0, 1, -1, -2)) (4, 5, 6); d @ t (two tensors) (4, 6, 6);
  transpose(d, (0, -1, 1, -2)) (5, 4, 6); mean(d, axis=(1, 2)) @ w53 (batch as the rows) (3,);
  each reshape(t, (-1, n)), then concatenate(axis=1).

NumPy float64 with the constants as written (float32 arrays as their float32 values), checked against the same graph
in PyTorch 1.13 float64 before writing.

Run: /usr/bin/python3 make_keras3_ops_more_models.py
"""
import numpy as np
import torch

from make_models import dense_config
from make_keras3_ops_models import F32, Graph, numpy

RNG = np.random.default_rng(5606)
C5 = np.array([0.1, 0.3, 0.7, 1.5, 2.0], dtype=F32)
W53 = (RNG.standard_normal((5, 3)) * 0.7).astype(F32)
W26 = (RNG.standard_normal((2, 6)) * 0.7).astype(F32)
V5 = np.array([0.3, -0.1, 0.7, -0.3, 0.1], dtype=F32)
V6 = np.array([0.1, 0.3, -0.7, 0.2, -0.1, 0.5], dtype=F32)


def more_forward(xp, x, k, b, c5, w53, w26, v5, v6):
    d = x @ k + b                                                   # (n, 4, 6, 5)
    a = xp.abs(d) + 0.1
    if xp is np:
        sig = 1 / (1 + np.exp(-d))
        mx1, mxk, mn = d.max(axis=1), d.max(axis=(1, 3), keepdims=True), d.min(axis=-2)
        amx, amn = d.max(axis=2, keepdims=True), d.min(axis=(1, 2))
        t = d.transpose(0, 1, 3, 2)
        t2 = d.transpose(0, 3, 1, 2)
        m = d.mean(axis=(1, 2))
        sq = [np.squeeze(mxk, axis=1), np.squeeze(mxk), np.squeeze(amx, axis=-2), np.squeeze(mxk, axis=(1, 3))]
        power = np.power
    else:
        sig = torch.sigmoid(d)
        mx1, mxk, mn = d.amax(dim=1), d.amax(dim=(1, 3), keepdim=True), d.amin(dim=-2)
        amx, amn = d.amax(dim=2, keepdim=True), d.amin(dim=(1, 2))
        t = d.permute(0, 1, 3, 2)
        t2 = d.permute(0, 3, 1, 2)
        m = d.mean(dim=(1, 2))
        sq = [mxk.squeeze(1), mxk.reshape(mxk.shape[0], 6), amx.squeeze(-2), mxk.squeeze(3).squeeze(1)]
        power = torch.pow
    parts = [
        power(a, 0.3), power(d, 2), power(0.3, d) if xp is np else torch.pow(torch.tensor(0.3, dtype=torch.float64), d),
        power(a, c5), power(a, sig),
        mx1, mxk, mn, amx, amn, *sq,
        d @ w53, w26 @ d, d @ v5, v6 @ d, t, d @ t, t2, m @ w53,
    ]
    flat = [p.reshape(p.shape[0], -1) for p in parts]
    return np.concatenate(flat, axis=1) if xp is np else torch.cat(flat, dim=1)


def more_model():
    x = RNG.uniform(-2, 2, (3, 4, 6, 5)).astype(F32)
    k = (RNG.standard_normal((5, 5)) * 0.8).astype(F32)
    b = (RNG.standard_normal(5) * 0.3).astype(F32)
    g = Graph("k3ops_more")
    s = [4, 6, 5]
    g.input("x", s)
    g.layer("Dense", dense_config("dense", 5), "x", s, [k, b])
    parts = []

    def op(module, cls, name, args, shape=s, keep=True, **config):
        g.op(module, cls, name, args, shape, **config)
        if keep:
            parts.append(name)

    op("numpy", "Absolute", "absolute", ["dense"], keep=False)
    op("numpy", "Add", "add", ["absolute", 0.1], keep=False)
    op("numpy", "Power", "power", ["add", 0.3])
    op("numpy", "Power", "power_1", ["dense", 2])
    op("numpy", "Power", "power_2", [0.3, "dense"])
    op("numpy", "Power", "power_3", ["add", numpy(C5)])
    op("nn", "Sigmoid", "sigmoid", ["dense"], keep=False)
    op("numpy", "Power", "power_4", ["add", "sigmoid"])
    op("numpy", "Max", "max", ["dense"], shape=[6, 5], axis=1, keepdims=False, initial=None)
    op("numpy", "Max", "max_1", ["dense"], shape=[1, 6, 1], axis=[1, -1], keepdims=True, initial=None)
    op("numpy", "Min", "min", ["dense"], shape=[4, 5], axis=-2, keepdims=False, initial=None)
    op("numpy", "Amax", "amax", ["dense"], shape=[4, 1, 5], axis=2, keepdims=True)
    op("numpy", "Amin", "amin", ["dense"], shape=[5], axis=[1, 2], keepdims=False)
    op("numpy", "Squeeze", "squeeze", ["max_1"], shape=[6, 1], axis=1)
    op("numpy", "Squeeze", "squeeze_1", ["max_1"], shape=[6], axis=None)
    op("numpy", "Squeeze", "squeeze_2", ["amax"], shape=[4, 5], axis=-2)
    op("numpy", "Squeeze", "squeeze_3", ["max_1"], shape=[6], axis=[1, -1])
    op("numpy", "Matmul", "matmul", ["dense", numpy(W53)], shape=[4, 6, 3])
    op("numpy", "Matmul", "matmul_1", [numpy(W26), "dense"], shape=[4, 2, 5])
    op("numpy", "Matmul", "matmul_2", ["dense", numpy(V5)], shape=[4, 6])
    op("numpy", "Matmul", "matmul_3", [numpy(V6), "dense"], shape=[4, 5])
    op("numpy", "Transpose", "transpose", ["dense"], shape=[4, 5, 6], axes=[0, 1, -1, -2])
    op("numpy", "Matmul", "matmul_4", ["dense", "transpose"], shape=[4, 6, 6])
    op("numpy", "Transpose", "transpose_1", ["dense"], shape=[5, 4, 6], axes=[0, -1, 1, -2])
    op("numpy", "Mean", "mean", ["dense"], shape=[5], keep=False, axis=[1, 2], keepdims=False)
    op("numpy", "Matmul", "matmul_5", ["mean", numpy(W53)], shape=[3])
    flat = []
    for i, p in enumerate(parts):
        n = int(np.prod(g.shapes[p]))
        g.op("numpy", "Reshape", f"reshape_{i}", [p], [n], newshape=[-1, n])
        flat.append(f"reshape_{i}")
    total = sum(g.shapes[f][0] for f in flat)
    g.op("numpy", "Concatenate", "concatenate", [flat], [total], axis=1)
    consts = (x, k, b, C5, W53, W26, V5, V6)
    y = more_forward(np, *[a.astype(np.float64) for a in consts])
    yt = more_forward(torch, *[torch.tensor(a.astype(np.float64)) for a in consts]).numpy()
    diff = np.abs(yt - y).max()
    assert diff < 1e-12, diff
    print("more torch float64 vs numpy:", diff)
    assert y.shape == (3, total), (y.shape, total)
    g.save("concatenate", x, y)


if __name__ == "__main__":
    more_model()
