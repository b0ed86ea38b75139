"""Layer options Keras 3 accepts on non-default axes, and merge layers over inputs of different ranks.

Written with make_models.py's writers (Keras's exact layouts, see its docstring); this script only adds models, so the
existing files are not rewritten. Each model is saved as a tf.keras 2 full-model .h5 (keras_version 2.11.0) and a
Keras 3 .keras (3.6.0); the goldens are float64 NumPy of Keras's formulas, cross-checked here against real PyTorch 1.13.

- softmax_axes: Input (3, 4, 5) -> Softmax(axis=1) -> Dense 5 -> Softmax(axis=(1, 2)) -> Dense 5 -> Softmax(axis=-2)
  -> Dense 5 -> Softmax(axis=(3, 1)) -> Reshape (12, 5) -> Dense 5 -> Softmax(axis=1). One axis: keras/src/layers/activations/
  softmax.py calls activations.softmax(inputs, axis); a tuple of several: exp(inputs - logsumexp(inputs, axis)).
  Keras 3 saves a tuple as a JSON list; tf.keras 2 computes the same.
- bn_axis: Input (3, 4, 5) -> BatchNormalization(axis=1) (3 features, tiny variances: epsilon matters) ->
  BatchNormalization(axis=-2, center=False) (4) -> Reshape (12, 5) -> BatchNormalization(axis=1, scale=False) (12).
  Keras 3 saves `axis` as the int it was given (BatchNormalization.__init__: self.axis = int(axis)); tf.keras 2 as a
  list of positive axes ([1], [2], [1]). Weights: one value per index of the axis (build: shape = (input_shape[axis],)).
- merge_ranks: Input x (4, 5, 3); gap = GlobalAveragePooling2D(x) (3,); gate = Dense 3 sigmoid(gap) (3,);
  col = Conv2D 3 (4x1) valid(x) (1, 5, 3); row = Reshape (5, 3)(col);
  Multiply([x, gate]) -> Subtract([row, .]) -> Average([., gap, row]) -> Maximum([gate, .]) -> Minimum([row, .])
  -> Add([., gap, row]), output (4, 5, 3). keras/src/layers/merging/base_merge.py, Merge.call: when ranks differ and
  are known, each input is expanded with ops.expand_dims(x, axis=1) until all ranks agree, then the op broadcasts.

Run: /usr/bin/python3 make_axis_models.py
"""
import copy
import json
import os

import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_models import HERE, Layer, bn_config, conv_config, dense_config, keras2_config, keras3_config, \
    keras3_weights_bytes, write_keras2_h5, write_keras3

RNG = np.random.default_rng(51)


def f32(*shape, scale=0.7):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


def f64(a):
    return np.asarray(a, np.float64)


# ---- Keras semantics in float64 ----------------------------------------------------------------------------------

def softmax(x, axes):
    """Keras 3's Softmax layer: one axis -> exp(x - max) / sum; several -> exp(x - logsumexp(x, axes))."""
    axes = tuple(axes)
    if len(axes) == 1:
        return kr.softmax(x, axes[0])
    m = x.max(axis=axes, keepdims=True)
    lse = np.log(np.exp(x - m).sum(axis=axes, keepdims=True)) + m
    return np.exp(x - lse)


def batch_norm(x, axis, gamma, beta, mean, var, epsilon):
    """(x - mean) / sqrt(var + eps) * gamma + beta with the per-index values on `axis` (batch counted)."""
    shape = [1] * x.ndim
    shape[axis] = -1
    r = lambda v: f64(v).reshape(shape)
    return (x - r(mean)) / np.sqrt(r(var) + epsilon) * r(gamma) + r(beta)


def merge(op, inputs):
    """Merge.call: expand lower ranks at axis 1 until all ranks agree, then fold the op over the inputs in order."""
    rank = max(a.ndim for a in inputs)
    xs = []
    for a in inputs:
        while a.ndim < rank:
            a = np.expand_dims(a, 1)
        xs.append(a)
    out = xs[0]
    for a in xs[1:]:
        out = {"add": np.add, "average": np.add, "subtract": np.subtract, "multiply": np.multiply,
               "maximum": np.maximum, "minimum": np.minimum}[op](out, a)
    return out / len(xs) if op == "average" else out


def check_against_torch():
    x = RNG.standard_normal((2, 3, 4, 5)) * 3
    t = torch.from_numpy(x)
    assert np.allclose(softmax(x, [1]), F.softmax(t, 1).numpy(), rtol=1e-13, atol=1e-16)
    # Several axes: PyTorch's softmax of the axes flattened together.
    flat = F.softmax(t.permute(0, 3, 1, 2).reshape(2, 5, 12), -1).reshape(2, 5, 3, 4).permute(0, 2, 3, 1).numpy()
    assert np.allclose(softmax(x, [1, 2]), flat, rtol=1e-13, atol=1e-16)
    g, b, m, v = (RNG.standard_normal(3) for _ in range(4))
    v = np.abs(v)
    ours = batch_norm(x, 1, g, b, m, v, 1e-3)
    theirs = F.batch_norm(t.movedim(1, 1), torch.from_numpy(m), torch.from_numpy(v), torch.from_numpy(g),
                          torch.from_numpy(b), False, 0.0, 1e-3).numpy()
    assert np.allclose(ours, theirs, rtol=1e-13, atol=1e-15)
    y = RNG.standard_normal((2, 5))
    assert np.allclose(merge("add", [x, y]), (t + torch.from_numpy(y)[:, None, None, :]).numpy())


# ---- files ---------------------------------------------------------------------------------------------------

def layer_cfg(name, **kw):
    return {"name": name, "trainable": True, "dtype": "float32", **kw}


def save(stem, layers, shapes, inputs, outputs, x, y, keras3_patch=None):
    write_keras2_h5(os.path.join(HERE, f"{stem}_k2.h5"), layers, keras2_config(layers, True, stem, inputs, outputs))
    k3 = keras3_config(layers, True, stem, shapes, inputs, outputs)
    if keras3_patch:
        keras3_patch(k3)
    write_keras3(os.path.join(HERE, f"{stem}.keras"), k3, keras3_weights_bytes(layers, include_input_layers=True))
    np.savez(os.path.join(HERE, f"{stem}_golden.npz"), inputs=x, outputs=y)
    print(stem, "inputs", x.shape, "outputs", y.shape, "range", y.min(), y.max())


def softmax_model():
    k = [f32(5, 5, scale=2.0) for _ in range(3)] + [f32(5, 5, scale=8.0)]
    b = [f32(5, scale=0.3) for _ in range(4)]
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 3, 4, 5], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "x"}),
        Layer("Softmax", layer_cfg("softmax", axis=1), ["x"]),
        Layer("Dense", dense_config("dense", 5), ["softmax"], [("kernel", k[0]), ("bias", b[0])]),
        Layer("Softmax", layer_cfg("softmax_1", axis=[1, 2]), ["dense"]),
        Layer("Dense", dense_config("dense_1", 5), ["softmax_1"], [("kernel", k[1]), ("bias", b[1])]),
        Layer("Softmax", layer_cfg("softmax_2", axis=-2), ["dense_1"]),
        Layer("Dense", dense_config("dense_2", 5), ["softmax_2"], [("kernel", k[2]), ("bias", b[2])]),
        Layer("Softmax", layer_cfg("softmax_3", axis=[3, 1]), ["dense_2"]),
        Layer("Reshape", layer_cfg("reshape", target_shape=[12, 5]), ["softmax_3"]),
        Layer("Dense", dense_config("dense_3", 5), ["reshape"], [("kernel", k[3]), ("bias", b[3])]),
        Layer("Softmax", layer_cfg("softmax_4", axis=1), ["dense_3"]),
    ]
    x = f32(3, 3, 4, 5, scale=2.0)
    h = softmax(f64(x), [1])
    h = softmax(kr.dense(h, k[0], b[0]), [1, 2])
    h = softmax(kr.dense(h, k[1], b[1]), [-2])
    h = softmax(kr.dense(h, k[2], b[2]), [3, 1])
    y = softmax(kr.dense(h.reshape(3, 12, 5), k[3], b[3]), [1])
    shapes = {n: [None, 3, 4, 5] for n in ["x", "softmax", "dense", "softmax_1", "dense_1", "softmax_2", "dense_2",
                                           "softmax_3"]}
    shapes["reshape"] = shapes["dense_3"] = [None, 12, 5]
    save("softmax_axes", layers, shapes, ["x"], ["softmax_4"], x, y)


def bn_model():
    def stats(n, tiny):
        var = RNG.uniform(2e-4, 2e-3, n) if tiny else RNG.uniform(0.2, 2.0, n)
        return (1 + f32(n, scale=0.3)), f32(n, scale=0.3), f32(n, scale=0.5), var.astype(np.float32)
    g1, be1, m1, v1 = stats(3, tiny=True)
    g2, _, m2, v2 = stats(4, tiny=False)
    _, be3, m3, v3 = stats(12, tiny=False)
    cfg = lambda name, axis, **kw: {**bn_config(name, **kw), "axis": [axis]}   # tf.keras 2: a list of positive axes
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 3, 4, 5], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "x"}),
        Layer("BatchNormalization", cfg("bn_h", 1), ["x"],
              [("gamma", g1), ("beta", be1), ("moving_mean", m1), ("moving_variance", v1)]),
        Layer("BatchNormalization", cfg("bn_w", 2, center=False, epsilon=0.01), ["bn_h"],
              [("gamma", g2), ("moving_mean", m2), ("moving_variance", v2)]),
        Layer("Reshape", layer_cfg("reshape", target_shape=[12, 5]), ["bn_w"]),
        Layer("BatchNormalization", cfg("bn_l", 1, scale=False), ["reshape"],
              [("beta", be3), ("moving_mean", m3), ("moving_variance", v3)]),
    ]
    x = f32(3, 3, 4, 5, scale=1.0)
    h = batch_norm(f64(x), 1, g1, be1, m1, v1, 1e-3)
    h = batch_norm(h, 2, g2, 0.0, m2, v2, 0.01)
    y = batch_norm(h.reshape(3, 12, 5), 1, 1.0, be3, m3, v3, 1e-3)

    def keras3_axes(config):   # Keras 3 keeps the int it was given, negative or not
        for entry, axis in zip(config["config"]["layers"][1:], [1, -2, None, 1]):
            if axis is not None:
                entry["config"]["axis"] = axis
    shapes = {"x": [None, 3, 4, 5], "bn_h": [None, 3, 4, 5], "bn_w": [None, 3, 4, 5], "reshape": [None, 12, 5]}
    save("bn_axis", layers, shapes, ["x"], ["bn_l"], x, y, keras3_axes)


def merge_model():
    kd, bd = f32(3, 3), f32(3, scale=0.2)
    kc, bc = f32(4, 1, 3, 3, scale=0.5), f32(3, scale=0.1)
    merge_cfg = lambda name: layer_cfg(name)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 4, 5, 3], "dtype": "float32", "sparse": False, "ragged": False,
                             "name": "x"}),
        Layer("GlobalAveragePooling2D", layer_cfg("gap", data_format="channels_last", keepdims=False), ["x"]),
        Layer("Dense", dense_config("gate", 3, "sigmoid"), ["gap"], [("kernel", kd), ("bias", bd)]),
        Layer("Conv2D", conv_config("col", 3, (4, 1)), ["x"], [("kernel", kc), ("bias", bc)]),
        Layer("Reshape", layer_cfg("row", target_shape=[5, 3]), ["col"]),
        Layer("Multiply", merge_cfg("multiply"), ["x", "gate"]),
        Layer("Subtract", merge_cfg("subtract"), ["row", "multiply"]),
        Layer("Average", merge_cfg("average"), ["subtract", "gap", "row"]),
        Layer("Maximum", merge_cfg("maximum"), ["gate", "average"]),
        Layer("Minimum", merge_cfg("minimum"), ["row", "maximum"]),
        Layer("Add", merge_cfg("add"), ["minimum", "gap", "row"]),
    ]
    x = f32(3, 4, 5, 3, scale=1.0)
    xd = f64(x)
    gap = xd.mean(axis=(1, 2))
    gate = kr.sigmoid(kr.dense(gap, kd, bd))
    row = kr.conv2d(xd, kc, bc).reshape(3, 5, 3)
    h = merge("multiply", [xd, gate])
    h = merge("subtract", [row, h])
    h = merge("average", [h, gap, row])
    h = merge("maximum", [gate, h])
    h = merge("minimum", [row, h])
    y = merge("add", [h, gap, row])
    full = [None, 4, 5, 3]
    shapes = {"x": full, "gap": [None, 3], "gate": [None, 3], "col": [None, 1, 5, 3], "row": [None, 5, 3],
              "multiply": full, "subtract": full, "average": full, "maximum": full, "minimum": full}
    save("merge_ranks", layers, shapes, ["x"], ["add"], x, y)
    # Maximum and Minimum must each pick both of their inputs somewhere, or the model would not test them.
    avg = merge("average", [merge("subtract", [row, merge("multiply", [xd, gate])]), gap, row])
    print("maximum picks gate in", np.mean(merge("maximum", [gate, avg]) == merge("add", [gate, 0 * avg])),
          "minimum picks row in", np.mean(h == merge("add", [row, 0 * h])))

if __name__ == "__main__":
    check_against_torch()
    softmax_model()
    bn_model()
    merge_model()
