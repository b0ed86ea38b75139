"""Keras 2 and Keras 3 files with the activations Keras 3 added or redefined, and the ELU and PReLU layers.

Written with make_models.py's writers (Keras's exact layouts, see its docstring); this script only adds models, so the
existing files are not rewritten. Goldens are float64 NumPy of Keras's formulas (keras/src/activations/activations.py,
keras/src/backend/numpy/nn.py), each cross-checked here against real PyTorch 1.13 where PyTorch has the function.

- acts_k2.h5 (keras_version 2.11.0): Input (4, 3) -> Dense 5 gelu -> PReLU(shared_axes=[1]) -> ELU(alpha=0.3)
  -> Dense 3 hard_sigmoid, which tf.keras 2 computes as clip(0.2x + 0.5, 0, 1).
- acts.keras (Keras 3.6.0): Input (4, 3) -> Dense 5 gelu -> PReLU(shared_axes=[1]) -> ELU(alpha=0.3) -> Dense 6 mish
  -> Dense 5 hard_silu -> Dense 3 hard_sigmoid (Keras 3: clip(x/6 + 1/2, 0, 1)) -> Activation log_softmax.

Run: /usr/bin/python3 make_activation_models.py
"""
import math
import os

import numpy as np
import torch
import torch.nn.functional as F

import keras_reference as kr
from make_models import HERE, Layer, dense_config, keras2_config, keras3_config, keras3_weights_bytes, \
    write_keras2_h5, write_keras3

RNG = np.random.default_rng(50)


def f32(*shape, scale=0.7):
    return (RNG.standard_normal(shape) * scale).astype(np.float32)


erf = np.vectorize(math.erf)


def gelu(x):          # keras.activations.gelu(x, approximate=False)
    return x * (erf(x / math.sqrt(2)) + 1) / 2


def softplus(x):
    return np.logaddexp(x, 0.0)


def mish(x):
    return x * np.tanh(softplus(x))


def hard_sigmoid3(x):  # Keras 3
    return np.clip(x / 6 + 0.5, 0, 1)


def hard_sigmoid2(x):  # tf.keras 2
    return np.clip(0.2 * x + 0.5, 0, 1)


def prelu(x, alpha):   # relu(x) - alpha * relu(-x)
    return kr.relu(x) - alpha * kr.relu(-x)


def log_softmax(x):
    m = x.max(axis=-1, keepdims=True)
    return x - m - np.log(np.exp(x - m).sum(axis=-1, keepdims=True))


def check_against_torch():
    x = torch.linspace(-6, 6, 241, dtype=torch.float64)
    n = x.numpy()
    for ours, theirs in [(gelu(n), F.gelu(x)), (mish(n), F.mish(x)), (hard_sigmoid3(n), F.hardsigmoid(x)),
                         (n * hard_sigmoid3(n), F.hardswish(x)), (kr.elu(n, 0.3), F.elu(x, 0.3)),
                         (log_softmax(n.reshape(-1, 241)), F.log_softmax(x.reshape(-1, 241), -1))]:
        assert np.allclose(ours, theirs.numpy(), rtol=1e-13, atol=1e-15), (ours, theirs)


def prelu_config(name):
    return {"name": name, "trainable": True, "dtype": "float32",
            "alpha_initializer": {"class_name": "Zeros", "config": {}}, "alpha_regularizer": None,
            "alpha_constraint": None, "shared_axes": [1]}


def model(keras3):
    k1, b1 = f32(3, 5), f32(5, scale=0.1)
    alpha = f32(1, 5, scale=0.3)
    layers = [
        Layer("InputLayer", {"batch_input_shape": [None, 4, 3], "dtype": "float32", "sparse": False,
                             "ragged": False, "name": "x"}),
        Layer("Dense", dense_config("dense", 5, "gelu"), ["x"], [("kernel", k1), ("bias", b1)]),
        Layer("PReLU", prelu_config("p_re_lu"), ["dense"], [("alpha", alpha)]),
        Layer("ELU", {"name": "elu", "trainable": True, "dtype": "float32", "alpha": 0.3}, ["p_re_lu"]),
    ]
    x = f32(3, 4, 3, scale=1.5)
    h = kr.elu(prelu(gelu(kr.dense(x, k1, b1)), alpha.astype(np.float64)), 0.3)
    shapes = {"x": [None, 4, 3], "dense": [None, 4, 5], "p_re_lu": [None, 4, 5], "elu": [None, 4, 5]}
    last = "elu"
    if keras3:
        k2, b2 = f32(5, 6), f32(6, scale=0.1)
        k3, b3 = f32(6, 5, scale=1.0), f32(5, scale=0.1)
        k4, b4 = f32(5, 3, scale=0.4), f32(3, scale=0.1)
        layers += [
            Layer("Dense", dense_config("dense_1", 6, "mish"), ["elu"], [("kernel", k2), ("bias", b2)]),
            Layer("Dense", dense_config("dense_2", 5, "hard_silu"), ["dense_1"], [("kernel", k3), ("bias", b3)]),
            Layer("Dense", dense_config("dense_3", 3, "hard_sigmoid"), ["dense_2"], [("kernel", k4), ("bias", b4)]),
            Layer("Activation", {"name": "activation", "trainable": True, "dtype": "float32",
                                 "activation": "log_softmax"}, ["dense_3"]),
        ]
        h = mish(kr.dense(h, k2, b2))
        h = kr.dense(h, k3, b3)
        h = h * hard_sigmoid3(h)
        z = kr.dense(h, k4, b4)
        y = log_softmax(hard_sigmoid3(z))
        print("acts: hard_sigmoid inputs inside (-3, 3):", np.mean(np.abs(z) < 3), "hard_silu inputs inside:", np.mean(np.abs(kr.dense(mish(kr.dense(kr.elu(prelu(gelu(kr.dense(x, k1, b1)), alpha.astype(np.float64)), 0.3), k2, b2)), k3, b3)) < 3))
        shapes.update({"dense_1": [None, 4, 6], "dense_2": [None, 4, 5], "dense_3": [None, 4, 3]})
        last = "activation"
        config = keras3_config(layers, True, "acts", shapes, ["x"], [last])
        write_keras3(os.path.join(HERE, "acts.keras"), config, keras3_weights_bytes(layers, include_input_layers=True))
        np.savez(os.path.join(HERE, "acts_golden.npz"), inputs=x, outputs=y)
    else:
        k4, b4 = f32(5, 3, scale=0.8), f32(3, scale=0.1)
        layers.append(Layer("Dense", dense_config("dense_1", 3, "hard_sigmoid"), ["elu"], [("kernel", k4), ("bias", b4)]))
        z = kr.dense(h, k4, b4)
        y = hard_sigmoid2(z)
        print("acts_k2: hard_sigmoid inputs inside (-2.5, 2.5):", np.mean(np.abs(z) < 2.5))
        write_keras2_h5(os.path.join(HERE, "acts_k2.h5"), layers, keras2_config(layers, True, "acts_k2", ["x"], ["dense_1"]))
        np.savez(os.path.join(HERE, "acts_k2_golden.npz"), inputs=x, outputs=y)
    # Both hard_sigmoid corners and PReLU's negative side are reached, or the model would not test them.
    print("acts" + ("" if keras3 else "_k2"), "outputs", y.shape, "min", y.min(), "max", y.max())


if __name__ == "__main__":
    check_against_torch()
    model(keras3=False)
    model(keras3=True)
