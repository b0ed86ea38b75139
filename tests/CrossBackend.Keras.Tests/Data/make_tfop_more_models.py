"""tf.keras 2 functional models with tf.math.pow, tf.math.reduce_max / reduce_min, tf.squeeze and tf.linalg.matmul on
Keras tensors (TFOpLambda layers), float64 goldens.

Written as make_tfop_models.py writes its models. keras/engine/node.py Node.serialize (tf-keras, tf_keras/engine/node.py)
splits the call's first argument out as the node's reference and turns every other positional argument into a keyword
by the function's parameter names (`dict(zip(self.layer._call_spec.arg_names[1:], args))`), so `tf.math.pow(a, 0.3)`
and `a ** 0.3` (Tensor.__pow__ calls math_ops.pow) are both ["a", 0, 0, {"y": 0.3, "name": null}]; `0.3 ** d`
(__rpow__) is ["_CONSTANT_VALUE", -1, 0.3, {"y": ["dense", 0, 0], ...}]; a NumPy array or TF constant argument is its
tolist(). The parameter names, from tensorflow/python/ops/math_ops.py and array_ops.py:
- math.pow: pow(x, y, name=None);
- math.reduce_max / math.reduce_min: reduce_max(input_tensor, axis=None, keepdims=False, name=None) (TF 2 exports);
- squeeze: squeeze_v2(input, axis=None, name=None) (`tf.squeeze` in TF 2); axis None or [] squeezes every axis of
  length 1 (the Squeeze op's empty squeeze_dims);
- linalg.matmul: matmul(a, b, transpose_a=False, transpose_b=False, adjoint_a=False, adjoint_b=False,
  a_is_sparse=False, b_is_sparse=False, output_type=None, name=None); `x @ w` calls it (Tensor.__matmul__). Both
  operands of rank >= 2; the stacked axes broadcast (BatchMatMulV2).

tfop_more: x (4, 6, 5) in [-2, 2], batch 3 -> d = Dense 5 (4, 6, 5), a = abs(d) + 0.1, then
  pow(a, 0.3); pow(d, 2) (an int exponent); pow(0.3, d) (number base); pow(a, C5) (a (5,) list exponent);
  pow(C5, d) (a list base, the constant first); pow(a, sigmoid(d)) (two tensors);
  reduce_max(d, axis=1) (6, 5); reduce_max(d, axis=[1, -1], keepdims=True) (1, 6, 1); reduce_min(d, axis=-2) (4, 5);
  reduce_min(d, axis=[1, 2], keepdims=True) (1, 1, 5);
  squeeze(mxk, axis=1) (6, 1); squeeze(mxk) (6,) (axis None); squeeze(mxk, axis=[]) (6,); squeeze(mnk, axis=[1, -2])
  (5,); squeeze(mxk, -1) (1, 6);
  matmul(d, W53) (4, 6, 3); matmul(W26, d) (constant first) (4, 2, 5); matmul(d, W35, transpose_b=True) (4, 6, 3);
  matmul(W62, d, transpose_a=True) (4, 2, 5); matmul(d, W35, adjoint_b=True) (4, 6, 3); matmul(d, W153) (a (1, 5, 3)
  constant, its stacked 1 broadcast) (4, 6, 3); matmul(d, W452) (a (4, 5, 2) constant stacked as d's axis 1)
  (4, 6, 2); matmul(d, t) with t = transpose(d, perm=[0, 1, 3, 2]) (two tensors) (4, 6, 6);
  matmul(W453, t, transpose_a=True) (a stacked (4, 5, 3) constant first, each matrix transposed) (4, 3, 6);
  matmul(reduce_mean(d, axis=[1, 2]), W53) ((batch, 5) @ (5, 3), the batch axis as the rows) (3,);
  each flattened, concat(axis=-1).

The constants are float32 values written as their tolist() doubles (exact in both dtypes). NumPy float64, checked
against the same graph in PyTorch 1.13 float64 (torch.pow, amax, amin, squeeze, matmul) before writing.

Run: /usr/bin/python3 make_tfop_more_models.py
"""
import numpy as np
import torch

from make_tfop_math_models import checked_golden, dense_start, flatten_concat, join_flat, write
from make_tfop_models import call, op_layer, ref

RNG = np.random.default_rng(5707)
F32 = np.float32
C5 = np.array([0.1, 0.3, 0.7, 1.5, 2.0], dtype=F32)
W53 = (RNG.standard_normal((5, 3)) * 0.7).astype(F32)
W26 = (RNG.standard_normal((2, 6)) * 0.7).astype(F32)
W35 = (RNG.standard_normal((3, 5)) * 0.7).astype(F32)
W62 = (RNG.standard_normal((6, 2)) * 0.7).astype(F32)
W153 = (RNG.standard_normal((1, 5, 3)) * 0.7).astype(F32)
W452 = (RNG.standard_normal((4, 5, 2)) * 0.7).astype(F32)
W453 = (RNG.standard_normal((4, 5, 3)) * 0.7).astype(F32)
CONSTS = (C5, W53, W26, W35, W62, W153, W452, W453)


def more_forward(xp, x, k, b, c5, w53, w26, w35, w62, w153, w452, w453):
    d = x @ k + b                                                   # (n, 4, 6, 5)
    a = xp.abs(d) + 0.1
    if xp is np:
        sig = 1 / (1 + np.exp(-d))
        mx1, mxk, mn1, mnk = d.max(axis=1), d.max(axis=(1, 3), keepdims=True), d.min(axis=-2), d.min(axis=(1, 2), keepdims=True)
        sq = [np.squeeze(mxk, axis=1), np.squeeze(mxk), np.squeeze(mxk), np.squeeze(mnk, axis=(1, 2)), np.squeeze(mxk, axis=-1)]
        t = d.transpose(0, 1, 3, 2)
        m = d.mean(axis=(1, 2))
        pw = [np.power(a, 0.3), np.power(d, 2), np.power(0.3, d), np.power(a, c5), np.power(c5, d), np.power(a, sig)]
        tr = lambda w: np.swapaxes(w, -1, -2)
    else:
        sig = torch.sigmoid(d)
        mx1, mxk, mn1, mnk = d.amax(dim=1), d.amax(dim=(1, 3), keepdim=True), d.amin(dim=-2), d.amin(dim=(1, 2), keepdim=True)
        sq = [mxk.squeeze(1), mxk.squeeze(3).squeeze(1), mxk.squeeze(3).squeeze(1), mnk.squeeze(2).squeeze(1), mxk.squeeze(-1)]
        t = d.permute(0, 1, 3, 2)
        m = d.mean(dim=(1, 2))
        pw = [torch.pow(a, 0.3), torch.pow(d, 2), torch.pow(torch.tensor(0.3, dtype=torch.float64), d), torch.pow(a, c5),
              torch.pow(c5, d), torch.pow(a, sig)]
        tr = lambda w: w.transpose(-1, -2)
    parts = [*pw, mx1, mxk, mn1, mnk, *sq,
             d @ w53, w26 @ d, d @ tr(w35), tr(w62) @ d, d @ tr(w35), d @ w153, d @ w452, d @ t,
             tr(w453) @ t, m @ w53]
    return join_flat(parts)


def more_model():
    x, k, b, layers = dense_start(RNG)
    parts = []

    def op(name, function, node, keep=True):
        layers.append(op_layer(name, function, node))
        if keep:
            parts.append(name)

    c5 = C5.tolist()
    op("tf.math.abs", "math.abs", call("dense", name=None), keep=False)
    op("tf.__operators__.add", "__operators__.add", call("tf.math.abs", y=0.1, name=None), keep=False)
    op("tf.math.pow", "math.pow", call("tf.__operators__.add", y=0.3, name=None))
    op("tf.math.pow_1", "math.pow", call("dense", y=2, name=None))
    op("tf.math.pow_2", "math.pow", call(0.3, y=ref("dense"), name=None))
    op("tf.math.pow_3", "math.pow", call("tf.__operators__.add", y=c5, name=None))
    op("tf.math.pow_4", "math.pow", call(c5, y=ref("dense"), name=None))
    op("tf.math.sigmoid", "math.sigmoid", call("dense", name=None), keep=False)
    op("tf.math.pow_5", "math.pow", call("tf.__operators__.add", y=ref("tf.math.sigmoid"), name=None))
    op("tf.math.reduce_max", "math.reduce_max", call("dense", axis=1, keepdims=False, name=None))
    op("tf.math.reduce_max_1", "math.reduce_max", call("dense", axis=[1, -1], keepdims=True, name=None))
    op("tf.math.reduce_min", "math.reduce_min", call("dense", axis=-2, name=None))
    op("tf.math.reduce_min_1", "math.reduce_min", call("dense", axis=[1, 2], keepdims=True, name=None))
    op("tf.squeeze", "squeeze", call("tf.math.reduce_max_1", axis=1, name=None))
    op("tf.squeeze_1", "squeeze", call("tf.math.reduce_max_1", axis=None, name=None))
    op("tf.squeeze_2", "squeeze", call("tf.math.reduce_max_1", axis=[], name=None))
    op("tf.squeeze_3", "squeeze", call("tf.math.reduce_min_1", axis=[1, -2], name=None))
    op("tf.squeeze_4", "squeeze", call("tf.math.reduce_max_1", axis=-1, name=None))
    op("tf.linalg.matmul", "linalg.matmul", call("dense", b=W53.tolist(), name=None))
    op("tf.linalg.matmul_1", "linalg.matmul", call(W26.tolist(), b=ref("dense"), name=None))
    op("tf.linalg.matmul_2", "linalg.matmul", call("dense", b=W35.tolist(), transpose_a=False, transpose_b=True, name=None))
    op("tf.linalg.matmul_3", "linalg.matmul", call(W62.tolist(), b=ref("dense"), transpose_a=True, name=None))
    op("tf.linalg.matmul_4", "linalg.matmul", call("dense", b=W35.tolist(), transpose_a=False, transpose_b=False, adjoint_a=False,
                                                   adjoint_b=True, a_is_sparse=False, b_is_sparse=False, output_type=None, name=None))
    op("tf.linalg.matmul_5", "linalg.matmul", call("dense", b=W153.tolist(), name="matmul"))
    op("tf.linalg.matmul_6", "linalg.matmul", call("dense", b=W452.tolist(), name=None))
    op("tf.transpose", "transpose", call("dense", perm=[0, 1, 3, 2], conjugate=False, name=None), keep=False)
    op("tf.linalg.matmul_7", "linalg.matmul", call("dense", b=ref("tf.transpose"), name=None))
    op("tf.linalg.matmul_9", "linalg.matmul", call(W453.tolist(), b=ref("tf.transpose"), transpose_a=True, name=None))
    op("tf.math.reduce_mean", "math.reduce_mean", call("dense", axis=[1, 2], name=None), keep=False)
    op("tf.linalg.matmul_8", "linalg.matmul", call("tf.math.reduce_mean", b=W53.tolist(), name=None))
    flatten_concat(layers, parts)
    y = checked_golden(more_forward, [a.astype(np.float64) for a in (x, k, b, *CONSTS)], "more")
    write("tfop_more", layers, ["tf.concat"], x, y)


if __name__ == "__main__":
    more_model()
