"""Review models for Keras 3 functional ops: rank-5 tensors (TorchSharp holds them channels-first, NCDHW) and slices
with clamped or negative bounds, float64 goldens.

Saved as make_keras3_ops_models.py saves its models (its Graph writer, Keras 3.6.0 archives): each op a node of the
op's own class and module, keras/src/models/functional.py serialize_node; its constructor arguments in its config
(keras/src/ops/operation.py Operation.__new__); a tuple key a list of __slice__ / __ellipsis__ / ints
(saving/serialization_lib.py serialize_keras_object).

k3ops_rank5: x (2, 3, 4, 5) in [-2, 2], batch 3 -> d = Dense 5 (2, 3, 4, 5), then
  d - mean(d, axis=2, keepdims=True)           (two tensors, (2, 3, 4, 5) by (2, 1, 4, 5))
  sum(d, axis=(1, -2))                          (3, 5)
  softmax(d, axis=2)                            over the 3 of axis 2
  d * c315  (float32 (3, 1, 5) array)
  d[:, 1, ::-2, 1:4]                            (2, 3, 5): index drops axis 1, negative step, bounds
  d[:, -1:0:-2, ..., 10:-10:-1]                 (1, 3, 4, 5): negative start, clamped reversed last axis
  d[..., 2:-1, ::2]                             (2, 3, 1, 3): Ellipsis first
  transpose(d, (0, 3, 1, 4, 2))                 (4, 2, 5, 3)
  expand_dims(mean(d, axis=2), -2)              (2, 4, 1, 5)
  concatenate([d, d * 0.3], axis=2)             (2, 6, 4, 5)
  max over the softmax of reshape(d, (-1, 6, 20)) along axis 1 via softmax then mean(axis=-1, keepdims=True) (6, 1)
  each reshape(t, (-1, n)), concatenate(axis=1).

NumPy float64 with the constants as written (the float32 array as its float32 values), checked against the same graph
in PyTorch 1.13 float64 before writing.

Run: /usr/bin/python3 make_keras3_ops_review_models.py
"""
import numpy as np
import torch

from make_models import dense_config
from make_keras3_ops_models import ELLIPSIS, F32, Graph, numpy, sl

RNG = np.random.default_rng(5505)
C315 = np.array([[[0.1, -0.3, 0.7, 0.2, -0.1]], [[0.3, 0.5, -0.7, 1.1, 0.1]], [[-0.3, 0.1, 0.1, 0.7, -0.5]]], dtype=F32)


def softmax(xp, v, axis):
    if xp is np:
        e = np.exp(v - v.max(axis=axis, keepdims=True))
        return e / e.sum(axis=axis, keepdims=True)
    return torch.softmax(v, dim=axis)


def rank5_forward(xp, x, k, b, c):
    d = x @ k + b                                            # (n, 2, 3, 4, 5)
    if xp is np:
        mean2k, mean2 = d.mean(axis=2, keepdims=True), d.mean(axis=2)
        s = d.sum(axis=(1, 3))
        t = d.transpose(0, 3, 1, 4, 2)
        e = mean2[:, :, :, None, :]
        cat = np.concatenate([d, d * 0.3], axis=2)
        r = d.reshape(d.shape[0], 6, 20)
        rm = softmax(np, r, 1).mean(axis=-1, keepdims=True)
        g1 = d[:, 1, ::-2, 1:4]
        g2 = d[:, -1:0:-2, ..., 10:-10:-1]
        g3 = d[..., 2:-1, ::2]
    else:
        mean2k, mean2 = d.mean(dim=2, keepdim=True), d.mean(dim=2)
        s = d.sum(dim=(1, 3))
        t = d.permute(0, 3, 1, 4, 2)
        e = mean2.unsqueeze(-2)
        cat = torch.cat([d, d * 0.3], dim=2)
        r = d.reshape(d.shape[0], 6, 20)
        rm = softmax(torch, r, 1).mean(dim=-1, keepdim=True)
        g1 = d[:, 1].index_select(1, torch.tensor([2, 0]))[:, :, 1:4]      # ::-2 of 3 is cells 2, 0
        g2 = d[:, 1:2].flip(-1)                                             # -1:0:-2 of 2 is cell 1; 10:-10:-1 reverses 5
        g3 = d[:, :, :, 2:3, 0::2]                                          # 2:-1 of 4 is cell 2
    parts = [d - mean2k, s, softmax(xp, d, 2), d * c, g1, g2, g3, t, e, cat, rm]
    flat = [p.reshape(p.shape[0], -1) for p in parts]
    return np.concatenate(flat, axis=1) if xp is np else torch.cat(flat, dim=1)


def rank5_model():
    x = RNG.uniform(-2, 2, (3, 2, 3, 4, 5)).astype(F32)
    k = (RNG.standard_normal((5, 5)) * 0.8).astype(F32)
    b = (RNG.standard_normal(5) * 0.3).astype(F32)
    g = Graph("k3ops_rank5")
    s = [2, 3, 4, 5]
    g.input("x", s)
    g.layer("Dense", dense_config("dense", 5), "x", s, [k, b])
    parts = []

    def op(module, cls, name, args, shape=s, keep=True, **config):
        g.op(module, cls, name, args, shape, **config)
        if keep:
            parts.append(name)

    op("numpy", "Mean", "mean", ["dense"], shape=[2, 1, 4, 5], keep=False, axis=2, keepdims=True)
    op("numpy", "Subtract", "subtract", ["dense", "mean"])
    op("numpy", "Sum", "sum", ["dense"], shape=[3, 5], axis=[1, -2], keepdims=False)
    op("nn", "Softmax", "softmax", ["dense"], axis=2)
    op("numpy", "Multiply", "multiply", ["dense", numpy(C315)])
    op("numpy", "GetItem", "get_item", ["dense", [sl(), 1, sl(None, None, -2), sl(1, 4)]], shape=[2, 3, 5])
    op("numpy", "GetItem", "get_item_1", ["dense", [sl(), sl(-1, 0, -2), ELLIPSIS, sl(10, -10, -1)]], shape=[1, 3, 4, 5])
    op("numpy", "GetItem", "get_item_2", ["dense", [ELLIPSIS, sl(2, -1), sl(None, None, 2)]], shape=[2, 3, 1, 3])
    op("numpy", "Transpose", "transpose", ["dense"], shape=[4, 2, 5, 3], axes=[0, 3, 1, 4, 2])
    op("numpy", "Mean", "mean_1", ["dense"], shape=[2, 4, 5], keep=False, axis=2, keepdims=False)
    op("numpy", "ExpandDims", "expand_dims", ["mean_1"], shape=[2, 4, 1, 5], axis=-2)
    op("numpy", "Multiply", "multiply_1", ["dense", 0.3], keep=False)
    op("numpy", "Concatenate", "concatenate_1", [["dense", "multiply_1"]], shape=[2, 6, 4, 5], axis=2)
    op("numpy", "Reshape", "reshape", ["dense"], shape=[6, 20], keep=False, newshape=[-1, 6, 20])
    op("nn", "Softmax", "softmax_1", ["reshape"], shape=[6, 20], keep=False, axis=1)
    op("numpy", "Mean", "mean_2", ["softmax_1"], shape=[6, 1], axis=-1, keepdims=True)
    flat = []
    for i, p in enumerate(parts):
        n = int(np.prod(g.shapes[p]))
        g.op("numpy", "Reshape", f"reshape_{i + 1}", [p], [n], newshape=[-1, n])
        flat.append(f"reshape_{i + 1}")
    total = sum(g.shapes[f][0] for f in flat)
    g.op("numpy", "Concatenate", "concatenate", [flat], [total], axis=1)
    y = rank5_forward(np, *[a.astype(np.float64) for a in (x, k, b, C315)])
    yt = rank5_forward(torch, *[torch.tensor(a.astype(np.float64)) for a in (x, k, b, C315)]).numpy()
    diff = np.abs(yt - y).max()
    assert diff < 1e-12, diff
    print("rank5 torch float64 vs numpy:", diff)
    assert y.shape == (3, total), (y.shape, total)
    g.save("concatenate", x, y)


if __name__ == "__main__":
    rank5_model()
