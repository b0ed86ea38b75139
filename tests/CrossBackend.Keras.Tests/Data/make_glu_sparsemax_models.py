"""A Keras 3 file using the activations glu and sparsemax by name, with a float64 NumPy golden.

Formulas read in keras/src/backend/tensorflow/nn.py (what keras.activations.glu / sparsemax call through keras.ops,
axis -1 by default, all a name can give):
- glu(x): x1, x2 = tf.split(x, 2, axis=-1); x1 * tf.sigmoid(x2). It halves the last axis, which Keras's own shape
  inference does not know (ops.Glu.compute_output_spec and the Activation layer return the input's shape), so a layer
  after it would be built for the full width: the file uses it only as the last layer, as an Activation.
- sparsemax(x), as every backend computed it until keras-team/keras#23469 (merged 2026-08-19): sort descending,
  cumsum, support = sorted - (cumsum - 1) / r > 0 (r = 1..n), tau = (sum(where(support, cumsum, 0)) - 1) / sum(support),
  max(x - tau, 0). The sum of the cumulative sums over the support (not the k-th cumulative sum of Martins & Astudillo)
  makes rows with a support of two or more not sum to 1. The file's metadata says Keras 3.10.0, a release before the fix.
- threshold(x, threshold, default_value) has no defaults: a name cannot call it (not in any file).

Checks before writing: glu against real PyTorch 1.13 F.glu; the sparsemax formula against the outputs Keras's users
reported for it (keras-team/keras#23425: [0, 0.5, 1] -> [0, 0, 0.25]; #23469: [0.1, ..., 0.5] -> zeros), and the
published sparsemax (support size 1 rows agree); every row's support margins stay 1e-3 away from 0 (the old threshold
jumps when the support grows, so a float32 engine must not land on the other side).

- glu_sparsemax.keras (keras_version 3.10.0): Input (3, 8) -> Activation sparsemax -> Dense 8 sparsemax -> Dense 6
  -> Activation glu -> output (3, 3).

Run: /usr/bin/python3 make_glu_sparsemax_models.py
"""
import json
import os
import zipfile

import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_models import HERE, Layer, dense_config, keras3_config, keras3_weights_bytes

RNG = np.random.default_rng(3711)


def glu(x):
    a, b = np.split(x, 2, axis=-1)
    return a * kr.sigmoid(b)


def sparsemax_margins(x):
    s = -np.sort(-x, axis=-1)
    c = np.cumsum(s, axis=-1)
    r = np.arange(1, x.shape[-1] + 1)
    return s - (c - 1) / r, c


def sparsemax_keras(x):
    """Keras 3.7-3.11's TensorFlow backend sparsemax, over the last axis."""
    margins, c = sparsemax_margins(x)
    support = margins > 0
    k = support.sum(-1, keepdims=True)
    tau = (np.where(support, c, 0.0).sum(-1, keepdims=True) - 1) / k
    return np.maximum(x - tau, 0.0)


def sparsemax_published(x):
    margins, c = sparsemax_margins(x)
    k = (margins > 0).sum(-1, keepdims=True)
    tau = (np.take_along_axis(c, k - 1, -1) - 1) / k
    return np.maximum(x - tau, 0.0)


def checks():
    x = torch.from_numpy(RNG.standard_normal((5, 8)))
    assert np.abs(glu(x.numpy()) - F.glu(x, -1).numpy()).max() < 1e-15
    assert np.allclose(sparsemax_keras(np.array([[0.0, 0.5, 1.0]])), [[0, 0, 0.25]])
    assert np.allclose(sparsemax_keras(np.array([[0.1, 0.2, 0.3, 0.4, 0.5]])), 0)
    assert np.allclose(sparsemax_published(np.array([[0.0, 0.5, 1.0]])), [[0, 0.25, 0.75]])
    one = np.array([[5.0, 1.0, 0.0], [2.0, -3.0, 0.5]])
    assert np.allclose(sparsemax_keras(one), sparsemax_published(one))
    print("glu vs PyTorch F.glu: max |diff| %.1e; Keras's sparsemax reproduces #23425 and #23469" %
          np.abs(glu(x.numpy()) - F.glu(x, -1).numpy()).max())


def model():
    k1, b1 = (RNG.standard_normal((8, 8)) * 0.5).astype(np.float32), (RNG.standard_normal(8) * 0.3).astype(np.float32)
    k2, b2 = (RNG.standard_normal((8, 6)) * 0.8).astype(np.float32), (RNG.standard_normal(6) * 0.3).astype(np.float32)
    act = lambda name, a: {"name": name, "trainable": True, "dtype": "float32", "activation": a}
    layers = [Layer("InputLayer", {"batch_input_shape": [None, 3, 8], "dtype": "float32", "sparse": False, "ragged": False, "name": "x"}),
              Layer("Activation", act("sparse", "sparsemax"), ["x"]),
              Layer("Dense", dense_config("dense", 8, "sparsemax"), ["sparse"], [("kernel", k1), ("bias", b1)]),
              Layer("Dense", dense_config("dense_1", 6), ["dense"], [("kernel", k2), ("bias", b2)]),
              Layer("Activation", act("gate", "glu"), ["dense_1"])]
    x = (RNG.standard_normal((4, 3, 8)) * 0.8).astype(np.float32)
    h0 = sparsemax_keras(x.astype(np.float64))
    z1 = kr.dense(h0, k1, b1)
    h1 = sparsemax_keras(z1)
    y = glu(kr.dense(h1, k2, b2))
    for z in (x.astype(np.float64), z1):
        assert np.abs(sparsemax_margins(z)[0]).min() > 1e-3, np.abs(sparsemax_margins(z)[0]).min()
        sizes = (sparsemax_margins(z)[0] > 0).sum(-1)
        out = sparsemax_keras(z)
        print("sparsemax support sizes", np.bincount(sizes.ravel()), "nonzero outputs", (out > 0).sum(), "of", out.size,
              "row sums range", out.sum(-1).min(), out.sum(-1).max())
        assert sizes.max() >= 2, "a support of two or more, where Keras's threshold differs from the published one"
        assert np.abs(out - sparsemax_published(z)).max() > 0.1
    shapes = {"x": [None, 3, 8], "sparse": [None, 3, 8], "dense": [None, 3, 8], "dense_1": [None, 3, 6]}
    config = keras3_config(layers, True, "glu_sparsemax", shapes, ["x"], ["gate"])
    with zipfile.ZipFile(os.path.join(HERE, "glu_sparsemax.keras"), "w") as z:
        z.writestr("metadata.json", json.dumps({"keras_version": "3.10.0", "date_saved": "2026-12-06@12:00:00"}))
        z.writestr("config.json", json.dumps(config))
        z.writestr("model.weights.h5", keras3_weights_bytes(layers, include_input_layers=True))
    np.savez(os.path.join(HERE, "glu_sparsemax_golden.npz"), inputs=x, outputs=y)
    print("glu_sparsemax outputs", y.shape, "range", y.min(), y.max())


if __name__ == "__main__":
    checks()
    model()
