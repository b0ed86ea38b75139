"""Edge forms of the Keras 3 ops of make_keras3_ops_more_models.py (review of commit 3e282bd), float64 goldens.

Saved with make_keras3_ops_models.py's Graph writer (Keras 3.6.0 archives), each op a node of its own class in
keras.src.ops.numpy, its config as Operation._auto_config saves it (see make_keras3_ops_more_models.py). Semantics are
NumPy's, which the backends' ops follow at run time (keras/src/ops/numpy.py Matmul.call -> backend.numpy.matmul,
Power.call -> backend.numpy.power, Max / Min / Amax / Amin -> backend.numpy.max / min / amax / amin, Squeeze ->
backend.numpy.squeeze):

k3ops_edge: x (2, 3, 4) in [-2, 2], batch 3 -> d = Dense 4 (2, 3, 4), then
  m = mean(d, axis=(1, 2)) (4,); m @ v4 (float32 (4,)): a (batch, k) tensor times a vector, shape (batch,) (no
  non-batch axis), reshaped to (batch, 1);
  e = reshape(d, (-1, 2, 1, 3, 4)); e @ w542 (float32 (5, 4, 2)): the tensor's stacked axis of length 1 broadcast
  against the constant's 5, (2, 5, 3, 2);
  w153 (float32 (1, 5, 3), first) @ d: a stacked 1 against the batch axis, (2, 5, 4);
  y = reshape(d, (-1, 1, 4, 6)); d @ y: two tensors, y's stacked 1 broadcast against d's 2, (2, 3, 6);
  d ** i4 (int32 (4,) array [1, 2, 3, 2]): negative bases to integer exponents, exact (no NaN);
  c4 ** d (float32 (4,) array base, first);
  d ** 0 (every value 1, the base negative too);
  max(d, axis=(-1, 1), keepdims=True) (1, 3, 1) then squeeze(axis=-1) (1, 3) and squeeze() (3,);
  amin(d, axis=-1) (2, 3); min(d, axis=(-3, -2), keepdims=True) (1, 1, 4);
  each reshape(t, (-1, n)), then concatenate(axis=1).

k3ops_f64: a float64 model (InputLayer dtype float64, its Keras tensors float64) with float64 NumPy constants, NumPy's
default dtype: Keras 3's result_type(float64, float64) is the tensor's own float64 (keras/src/backend/common/dtypes.py),
so nothing is lifted: x (3, 4) in [-2, 2], batch 3 -> x @ w43 (float64 (4, 3)) (3, 3); w23 @ x (float64 (2, 3),
first) (2, 4); x ** e4 (float64 (4,) [2, 3, 1, 4]); concatenated as above.

NumPy float64 with the constants as written (float32 arrays as their float32 values), checked against the same graph
in PyTorch 1.13 float64 before writing.

Run: /usr/bin/python3 make_keras3_ops_edge_models.py
"""
import numpy as np
import torch

from make_models import dense_config
from make_keras3_ops_models import F32, Graph, numpy

RNG = np.random.default_rng(5607)
V4 = np.array([0.3, -0.7, 0.1, 1.5], dtype=F32)
W542 = (RNG.standard_normal((5, 4, 2)) * 0.7).astype(F32)
W153 = (RNG.standard_normal((1, 5, 3)) * 0.7).astype(F32)
I4 = np.array([1, 2, 3, 2], dtype=np.int32)
C4 = np.array([0.3, 1.5, 2.0, 0.7], dtype=F32)


def edge_forward(xp, x, k, b, v4, w542, w153, i4, c4):
    d = x @ k + b                                                   # (n, 2, 3, 4)
    n = d.shape[0]
    if xp is np:
        m = d.mean(axis=(1, 2))
        mx = d.max(axis=(3, 1), keepdims=True)
        sq = [np.squeeze(mx, axis=-1), np.squeeze(mx)]            # the batch of 3 stays
        mins = [d.min(axis=-1), d.min(axis=(1, 2), keepdims=True)]
        powers = [np.power(d, i4), np.power(c4, d), np.power(d, 0)]
    else:
        m = d.mean(dim=(1, 2))
        mx = d.amax(dim=(3, 1), keepdim=True)
        sq = [mx.squeeze(-1), mx.reshape(n, 3)]
        mins = [d.amin(dim=-1), d.amin(dim=(1, 2), keepdim=True)]
        powers = [torch.pow(d, i4), torch.pow(c4, d), torch.pow(d, 0)]
    e = d.reshape(n, 2, 1, 3, 4)
    y = d.reshape(n, 1, 4, 6)
    parts = [m @ v4, e @ w542, w153 @ d, d @ y, *powers, mx, *sq, *mins]
    flat = [p.reshape(n, -1) for p in parts]
    return np.concatenate(flat, axis=1) if xp is np else torch.cat(flat, dim=1)


def edge_model():
    x = RNG.uniform(-2, 2, (3, 2, 3, 4)).astype(F32)
    k = (RNG.standard_normal((4, 4)) * 0.8).astype(F32)
    b = (RNG.standard_normal(4) * 0.3).astype(F32)
    g = Graph("k3ops_edge")
    s = [2, 3, 4]
    g.input("x", s)
    g.layer("Dense", dense_config("dense", 4), "x", s, [k, b])
    parts = []

    def op(cls, name, args, shape, keep=True, **config):
        g.op("numpy", cls, name, args, shape, **config)
        if keep:
            parts.append(name)

    op("Mean", "mean", ["dense"], [4], keep=False, axis=[1, 2], keepdims=False)
    op("Matmul", "matmul", ["mean", numpy(V4)], [])
    op("Reshape", "reshape_e", ["dense"], [2, 1, 3, 4], keep=False, newshape=[-1, 2, 1, 3, 4])
    op("Matmul", "matmul_1", ["reshape_e", numpy(W542)], [2, 5, 3, 2])
    op("Matmul", "matmul_2", [numpy(W153), "dense"], [2, 5, 4])
    op("Reshape", "reshape_y", ["dense"], [1, 4, 6], keep=False, newshape=[-1, 1, 4, 6])
    op("Matmul", "matmul_3", ["dense", "reshape_y"], [2, 3, 6])
    op("Power", "power", ["dense", numpy(I4)], s)
    op("Power", "power_1", [numpy(C4), "dense"], s)
    op("Power", "power_2", ["dense", 0], s)
    op("Max", "max", ["dense"], [1, 3, 1], axis=[-1, 1], keepdims=True, initial=None)
    op("Squeeze", "squeeze", ["max"], [1, 3], axis=-1)
    op("Squeeze", "squeeze_1", ["max"], [3], axis=None)
    op("Amin", "amin", ["dense"], [2, 3], axis=-1, keepdims=False)
    op("Min", "min", ["dense"], [1, 1, 4], axis=[-3, -2], keepdims=True, initial=None)
    flat = []
    for i, p in enumerate(parts):
        n = int(np.prod(g.shapes[p]))
        g.op("numpy", "Reshape", f"reshape_{i}", [p], [n], newshape=[-1, n])
        flat.append(f"reshape_{i}")
    total = sum(g.shapes[f][0] for f in flat)
    g.op("numpy", "Concatenate", "concatenate", [flat], [total], axis=1)
    consts = (x, k, b, V4, W542, W153)
    y = edge_forward(np, *[a.astype(np.float64) for a in consts], I4, C4.astype(np.float64))
    yt = edge_forward(torch, *[torch.tensor(a.astype(np.float64)) for a in consts], torch.tensor(I4),
                      torch.tensor(C4.astype(np.float64))).numpy()
    diff = np.abs(yt - y).max()
    assert diff < 1e-12, diff
    print("edge torch float64 vs numpy:", diff)
    assert y.shape == (3, total), (y.shape, total)
    g.save("concatenate", x, y)


class Graph64(Graph):
    """The Graph writer with float64 Keras tensors (its tensor() writes float32)."""

    def tensor(self, name):
        t = super().tensor(name)
        t["config"]["dtype"] = "float64"
        return t


RNG64 = np.random.default_rng(5608)
W43 = RNG64.standard_normal((4, 3)) * 0.7
W23 = RNG64.standard_normal((2, 3)) * 0.7
E4 = np.array([2.0, 3.0, 1.0, 4.0])


def f64_forward(x, w43, w23, e4):
    parts = [x @ w43, w23 @ x, x ** e4]
    n = x.shape[0]
    flat = [p.reshape(n, -1) for p in parts]
    return np.concatenate(flat, axis=1) if isinstance(x, np.ndarray) else torch.cat(flat, dim=1)


def f64_model():
    x = RNG64.uniform(-2, 2, (3, 3, 4))
    g = Graph64("k3ops_f64")
    g.input("x", [3, 4], dtype="float64")
    g.op("numpy", "Matmul", "matmul", ["x", numpy(W43)], [3, 3])
    g.op("numpy", "Matmul", "matmul_1", [numpy(W23), "x"], [2, 4])
    g.op("numpy", "Power", "power", ["x", numpy(E4)], [3, 4])
    flat = []
    for i, p in enumerate(["matmul", "matmul_1", "power"]):
        n = int(np.prod(g.shapes[p]))
        g.op("numpy", "Reshape", f"reshape_{i}", [p], [n], newshape=[-1, n])
        flat.append(f"reshape_{i}")
    total = sum(g.shapes[f][0] for f in flat)
    g.op("numpy", "Concatenate", "concatenate", [flat], [total], axis=1)
    y = f64_forward(x, W43, W23, E4)
    yt = f64_forward(*[torch.tensor(a) for a in (x, W43, W23, E4)]).numpy()
    diff = np.abs(yt - y).max()
    assert diff < 1e-12, diff
    print("f64 torch float64 vs numpy:", diff)
    assert y.shape == (3, total), (y.shape, total)
    g.save("concatenate", x, y)


if __name__ == "__main__":
    edge_model()
    f64_model()
