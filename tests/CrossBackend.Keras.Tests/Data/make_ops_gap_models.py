"""The forms the port refused or mishandled before (softmax over a tuple of axes, an empty slice key, tf.linalg.matmul's
transpose / adjoint of a tensor operand), float64 goldens.

k3ops_gap (Keras 3.6.0 archive, written by make_keras3_ops_models.py's Graph writer): x (4, 6, 5) in [-2, 2], batch 3
-> d = Dense 5 (4, 6, 5), then
  ops.softmax(d, axis=(1, 2)), ops.softmax(d, axis=(-1, 1)), ops.softmax(d, axis=(1, 2, 3)): Softmax(axis) saved with
  its axis tuple as a list (keras/src/ops/nn.py Softmax.__init__ keeps the axis as given; Operation._auto_config
  records it). A tuple axis normalises over those axes jointly: ops.softmax's eager branch moves them last, reshapes
  them into one axis and takes the softmax there; the NumPy backend's softmax (exp(x - max) / sum with the tuple and
  keepdims) and jax.nn.softmax compute the same when Softmax.call hands them the tuple;
  d[()] (GetItem()(d, ()), the empty key saved as []): d itself (GetItem.compute_output_spec keeps every axis);
  each ops.reshape(t, (-1, n)), then ops.concatenate(axis=1) -> (4 * 120 = 480,).

tfop_gap (tf.keras 2 HDF5, written by make_tfop_models.py's writer): x (4, 6, 5) in [-2, 2], batch 3 -> d = Dense 5
(4, 6, 5), t = tf.transpose(d, perm=[0, 1, 3, 2]) (4, 5, 6), then tf.linalg.matmul (math_ops.py matmul(a, b,
transpose_a, transpose_b, adjoint_a, adjoint_b, ...); a transpose or, for real numbers, an adjoint swaps the operand's
last two axes before the product):
  matmul(d, d, transpose_b=True) (4, 6, 6); matmul(d, d, transpose_a=True) (4, 5, 5);
  matmul(d, W63, adjoint_a=True) (4, 5, 3); matmul(W35, d, transpose_b=True) (the constant first) (4, 3, 6);
  matmul(d, t, transpose_a=True, transpose_b=True) (4, 5, 5); matmul(W52, d, transpose_a=True, adjoint_b=True)
  (a transposed constant and a transposed tensor) (4, 2, 6);
  d[()] (a SlicingOpLambda whose slice_spec is [], the empty tuple: tensorflow/python/ops/array_ops.py _slice_helper
  then runs strided_slice with empty begin / end / strides, which keeps the tensor whole);
  each Flatten, then tf.concat(axis=-1) -> (144 + 100 + 60 + 72 + 100 + 48 + 120 = 644,).

NumPy float64 with the constants as written (float32 values), checked against the same graphs in PyTorch 1.13 float64
(torch.softmax over the flattened axes, torch.matmul with transpose(-1, -2)) before writing.

Run: /usr/bin/python3 make_ops_gap_models.py
"""
import numpy as np
import torch

from make_keras3_ops_models import F32, Graph, check, dense_weights
from make_models import dense_config
from make_tfop_math_models import checked_golden, dense_start, flatten_concat, join_flat, write
from make_tfop_models import call, op_layer, ref

RNG = np.random.default_rng(5809)
W63 = (RNG.standard_normal((6, 3)) * 0.7).astype(F32)
W35 = (RNG.standard_normal((3, 5)) * 0.7).astype(F32)
W52 = (RNG.standard_normal((5, 2)) * 0.7).astype(F32)
AXES = [(1, 2), (-1, 1), (1, 2, 3)]


def softmax_axes(xp, d, axes):
    """Softmax over the axes together: NumPy as the NumPy backend computes it; torch by moving the axes last and
    flattening them into one, as keras.ops.softmax's eager branch does."""
    axes = tuple(a % d.ndim for a in axes)
    if xp is np:
        e = np.exp(d - d.max(axis=axes, keepdims=True))
        return e / e.sum(axis=axes, keepdims=True)
    keep = [a for a in range(d.ndim) if a not in axes]
    moved = d.permute(*keep, *axes)
    flat = torch.softmax(moved.reshape(*moved.shape[:len(keep)], -1), dim=-1).reshape(moved.shape)
    return flat.permute(*np.argsort([*keep, *axes]).tolist())


def k3_forward(xp, x, k, b):
    d = x @ k + b
    parts = [softmax_axes(xp, d, a) for a in AXES] + [d[()]]
    return join_flat(parts)


def k3_model():
    x = RNG.uniform(-2, 2, (3, 4, 6, 5)).astype(F32)
    k, b = dense_weights(5, 5)
    g = Graph("k3ops_gap")
    s = [4, 6, 5]
    g.input("x", s)
    g.layer("Dense", dense_config("dense", 5), "x", s, [k, b])
    parts = []
    for i, axes in enumerate(AXES):
        name = "softmax" if i == 0 else f"softmax_{i}"
        g.op("nn", "Softmax", name, ["dense"], s, axis=list(axes))
        parts.append(name)
    g.op("numpy", "GetItem", "get_item", ["dense", []], s)
    parts.append("get_item")
    flat = []
    for i, p in enumerate(parts):
        n = int(np.prod(g.shapes[p]))
        g.op("numpy", "Reshape", f"reshape_{i}", [p], [n], newshape=[-1, n])
        flat.append(f"reshape_{i}")
    g.op("numpy", "Concatenate", "concatenate", [flat], [len(parts) * 120], axis=1)
    y = check("k3ops_gap", k3_forward, (x, k, b))
    g.save("concatenate", x, y)


def k2_forward(xp, x, k, b, w63, w35, w52):
    d = x @ k + b                                                   # (n, 4, 6, 5)
    tr = (lambda w: np.swapaxes(w, -1, -2)) if xp is np else (lambda w: w.transpose(-1, -2))
    t = tr(d)
    parts = [d @ tr(d), tr(d) @ d, tr(d) @ w63, w35 @ tr(d), tr(d) @ tr(t), tr(w52) @ tr(d), d[()]]
    return join_flat(parts)


def k2_model():
    x, k, b, layers = dense_start(RNG)
    parts = []

    def op(name, function, node, keep=True, slicing=False):
        layers.append(op_layer(name, function, node, slicing))
        if keep:
            parts.append(name)

    op("tf.transpose", "transpose", call("dense", perm=[0, 1, 3, 2], conjugate=False, name=None), keep=False)
    op("tf.linalg.matmul", "linalg.matmul", call("dense", b=ref("dense"), transpose_b=True, name=None))
    op("tf.linalg.matmul_1", "linalg.matmul", call("dense", b=ref("dense"), transpose_a=True, name=None))
    op("tf.linalg.matmul_2", "linalg.matmul", call("dense", b=W63.tolist(), adjoint_a=True, name=None))
    op("tf.linalg.matmul_3", "linalg.matmul", call(W35.tolist(), b=ref("dense"), transpose_b=True, name=None))
    op("tf.linalg.matmul_4", "linalg.matmul", call("dense", b=ref("tf.transpose"), transpose_a=True, transpose_b=True,
                                                   adjoint_a=False, adjoint_b=False, a_is_sparse=False, b_is_sparse=False,
                                                   output_type=None, name=None))
    op("tf.linalg.matmul_5", "linalg.matmul", call(W52.tolist(), b=ref("dense"), transpose_a=True, adjoint_b=True, name=None))
    op("tf.__operators__.getitem", "__operators__.getitem", call("dense", slice_spec=[]), slicing=True)
    flatten_concat(layers, parts)
    y = checked_golden(k2_forward, [a.astype(np.float64) for a in (x, k, b, W63, W35, W52)], "gap")
    write("tfop_gap", layers, ["tf.concat"], x, y)


if __name__ == "__main__":
    k3_model()
    k2_model()
