"""A Keras 3 file whose Dense layers use the element-wise activations Keras 3.7 and later added, with a float64 golden.

Written with make_models.py's writers (Keras's exact layouts, see its docstring); this script only adds files.
Formulas: keras/src/backend/tensorflow/nn.py (the TensorFlow backend), each with the defaults its name implies
(celu alpha=1.0, squareplus b=4, soft_shrink and hard_shrink threshold=0.5); checked here against real PyTorch 1.13
where PyTorch has the function.

- acts37.keras (keras_version 3.6.0 in metadata, as every Keras 3 file here): Input (4, 6) -> Dense 6 celu
  -> Dense 6 squareplus -> Dense 6 soft_shrink -> Dense 6 sparse_plus -> Dense 6 tanh_shrink -> Dense 6 sparse_sigmoid
  -> Dense 6 hard_tanh -> Dense 6 hard_shrink -> Dense 6 log_sigmoid.

Run: /usr/bin/python3 make_keras37_activations.py
"""
import os

import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_models import HERE, Layer, dense_config, keras3_config, keras3_weights_bytes, write_keras3

RNG = np.random.default_rng(39)

ACTIVATIONS = {
    "celu": lambda x: np.maximum(x, 0) + np.expm1(np.minimum(x, 0)),
    "squareplus": lambda x: (x + np.sqrt(x * x + 4)) / 2,
    "soft_shrink": lambda x: np.where(x > 0.5, x - 0.5, np.where(x < -0.5, x + 0.5, 0.0)),
    "sparse_plus": lambda x: np.where(x <= -1, 0.0, np.where(x < 1, 0.25 * (x + 1) ** 2, x)),
    "tanh_shrink": lambda x: x - np.tanh(x),
    "sparse_sigmoid": lambda x: np.where(x <= -1, 0.0, np.where(x >= 1, 1.0, 0.5 * (x + 1))),
    "hard_tanh": lambda x: np.clip(x, -1, 1),
    "hard_shrink": lambda x: np.where(np.abs(x) > 0.5, x, 0.0),
    "log_sigmoid": lambda x: -np.logaddexp(0.0, -x),
}

# Where a function jumps, a float32 engine and this float64 golden may land on different sides.
DISCONTINUITIES = {"hard_shrink": [-0.5, 0.5]}


def check_against_torch():
    x = torch.linspace(-6, 6, 241, dtype=torch.float64)
    n = x.numpy()
    for name, theirs in [("celu", F.celu(x)), ("soft_shrink", F.softshrink(x, 0.5)), ("tanh_shrink", F.tanhshrink(x)),
                         ("hard_tanh", F.hardtanh(x)), ("hard_shrink", F.hardshrink(x, 0.5)),
                         ("log_sigmoid", F.logsigmoid(x))]:
        assert np.allclose(ACTIVATIONS[name](n), theirs.numpy(), rtol=1e-13, atol=1e-15), name


def model():
    layers = [Layer("InputLayer", {"batch_input_shape": [None, 4, 6], "dtype": "float32", "sparse": False,
                                   "ragged": False, "name": "x"})]
    shapes = {"x": [None, 4, 6]}
    x = (RNG.standard_normal((3, 4, 6)) * 1.5).astype(np.float32)
    h = x.astype(np.float64)
    previous = "x"
    for i, name in enumerate(ACTIVATIONS):
        kernel, bias = (RNG.standard_normal((6, 6)) * 0.6).astype(np.float32), (RNG.standard_normal(6) * 0.2).astype(np.float32)
        layer = "dense" if i == 0 else f"dense_{i}"
        layers.append(Layer("Dense", dense_config(layer, 6, name), [previous], [("kernel", kernel), ("bias", bias)]))
        z = kr.dense(h, kernel, bias)
        for edge in DISCONTINUITIES.get(name, []):
            assert np.abs(z - edge).min() > 1e-3, (name, edge, np.abs(z - edge).min())
        h = ACTIVATIONS[name](z)
        # every branch is reached, or the layer would not test it
        print(f"{name:15s} inputs in [{z.min():6.2f}, {z.max():6.2f}]; below -1: {np.mean(z <= -1):.2f}, "
              f"|x| <= 0.5: {np.mean(np.abs(z) <= 0.5):.2f}, above 1: {np.mean(z >= 1):.2f}")
        shapes[layer] = [None, 4, 6]
        previous = layer
    config = keras3_config(layers, True, "acts37", shapes, ["x"], [previous])
    write_keras3(os.path.join(HERE, "acts37.keras"), config, keras3_weights_bytes(layers, include_input_layers=True))
    np.savez(os.path.join(HERE, "acts37_golden.npz"), inputs=x, outputs=h)
    print("acts37 outputs", h.shape, "range", h.min(), h.max())


if __name__ == "__main__":
    check_against_torch()
    model()
